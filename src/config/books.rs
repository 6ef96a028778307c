//! `[condor]` and `[hedge]` (with `[[hedge.layers]]`, `[hedge.adaptive]` and
//! `[hedge.vxth]`): the books run on each path (DESIGN.md sections 5 and 6).

use serde::{Deserialize, Serialize};

/// `[condor]`: the short iron-condor book (defaults after Cboe's CNDR index and common practice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CondorConfig {
    /// Trading days between new condors.
    pub entry_every_days: u32,
    /// Most condors open at once.
    pub max_open: u32,
    /// Time to expiry at entry, trading days.
    pub dte_days: u32,
    /// Absolute delta of the short put and the short call, in (0, 0.5).
    pub short_delta: f64,
    /// Absolute delta of the long wings, in (0, short_delta).
    pub long_delta: f64,
    /// Wing width, index points beyond each short strike; 0 places the wings by `long_delta`.
    pub wing_width: f64,
    /// Share of equity put at risk per new condor: contracts = floor(risk_fraction *
    /// equity / max loss per contract), at least 1. In (0, 1].
    pub risk_fraction: f64,
    /// Take profit when this fraction of the entry credit is earned, in (0, 1].
    pub take_profit: f64,
    /// Stop when the loss reaches this multiple of the entry credit (2: mid at 3x credit).
    pub stop_loss: f64,
    /// Close a condor with this many trading days left; must be below `dte_days`.
    pub exit_dte: u32,
    /// Commission per contract per leg, USD.
    pub commission: f64,
    /// Smallest half bid-ask spread crossed on each leg, index points.
    pub half_spread_min: f64,
    /// Half bid-ask spread as a fraction of the leg's price (when above `half_spread_min`).
    pub half_spread_frac: f64,
    /// Starting capital, USD; cash earns `market.r`.
    pub capital: f64,
}

impl Default for CondorConfig {
    fn default() -> Self {
        Self {
            entry_every_days: 5,
            max_open: 6,
            dte_days: 30,
            short_delta: 0.16,
            long_delta: 0.05,
            wing_width: 0.0,
            // Placeholder: the study issue calibrates it so the unhedged default book's
            // mean max drawdown over 252 days is near 20%.
            risk_fraction: 0.04,
            take_profit: 0.5,
            stop_loss: 2.0,
            exit_dte: 10,
            commission: 1.10,
            half_spread_min: 0.05,
            half_spread_frac: 0.02,
            capital: 1_000_000.0,
        }
    }
}

/// The instrument a hedge layer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// VIX call option (multiplier 100).
    Call,
    /// Long VIX future (multiplier 1000); the strike rule is ignored.
    Future,
}

/// How a layer's call strike is chosen from the VIX future F of its expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StrikeKind {
    /// K = F (1 + value): `value` is the out-of-the-money fraction (0.25 is 25% above F).
    OtmFrac,
    /// K = F + value, VIX points.
    PointsOverF,
    /// The strike whose call delta is `value`, in (0, 1).
    Delta,
}

/// A strike rule: `{ kind = "otm_frac", value = 0.25 }`. Strikes are rounded to the
/// VIX option grid (0.5 points).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StrikeRule {
    /// Which rule.
    pub kind: StrikeKind,
    /// Its parameter: a fraction, VIX points or a delta, by `kind`.
    pub value: f64,
}

impl Default for StrikeRule {
    fn default() -> Self {
        Self {
            kind: StrikeKind::OtmFrac,
            value: 0.25,
        }
    }
}

/// One `[[hedge.layers]]` entry of the ALVH and static programs.
///
/// Held contracts = round(`contracts` x `hedge.units` x capital / 1,000,000 USD),
/// times the adaptive scale at entry for ALVH. A layer enters first on trading day
/// `offset_days`; with `every_days > 0` it enters again every `every_days` days (so
/// positions may overlap), with `every_days = 0` it holds one position and re-enters
/// when that one is rolled or expires. A position is closed and replaced when
/// `roll_days_left` or fewer trading days remain (0: held to expiry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LayerConfig {
    /// Label for reports.
    pub name: String,
    /// Contracts per 1,000,000 USD of capital at one unit.
    pub contracts: f64,
    /// VIX calls or VIX futures.
    pub instrument: Instrument,
    /// Time to expiry at entry, trading days.
    pub tenor_days: u32,
    /// Trading day of the first entry (0 is the start of the path).
    pub offset_days: u32,
    /// Trading days between entries; 0 re-enters only when the held position rolls or expires.
    pub every_days: u32,
    /// Roll (close and re-enter) with this many trading days left; 0 holds to expiry.
    pub roll_days_left: u32,
    /// Strike rule for calls.
    pub strike: StrikeRule,
}

impl Default for LayerConfig {
    fn default() -> Self {
        Self {
            name: String::new(),
            contracts: 1.0,
            instrument: Instrument::Call,
            tenor_days: 21,
            offset_days: 0,
            every_days: 0,
            roll_days_left: 0,
            strike: StrikeRule::default(),
        }
    }
}

impl LayerConfig {
    fn seed(
        name: &str,
        contracts: f64,
        tenor_days: u32,
        offset_days: u32,
        every_days: u32,
    ) -> Self {
        Self {
            name: name.into(),
            contracts,
            tenor_days,
            offset_days,
            every_days,
            ..Self::default()
        }
    }
}

/// The `alvh-seed` reading of "4/4/2 layering" (DESIGN.md section 5): the default layers.
fn seed_layers() -> Vec<LayerConfig> {
    vec![
        LayerConfig::seed("4d", 4.0, 4, 0, 4),
        LayerConfig::seed("4d-staggered", 4.0, 8, 2, 4),
        LayerConfig::seed("2w", 2.0, 10, 0, 5),
    ]
}

/// `[hedge.adaptive]`: the ALVH scale s(t) in [0, 1] applied to each new entry.
///
/// s = `light_scale` below `light_below`; `moderate_scale` from `light_below` to
/// `moderate_up_to`; linear from `moderate_scale` to 1 between `moderate_up_to` and
/// `full_at`; 1 above (VIX points). Raised to 1 by the overrides. The source's
/// breadth (advance-decline) and valuation (P/CF) signals have no counterpart in an
/// index-level model and are deliberately absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdaptiveConfig {
    /// VIX level below which the light scale applies, VIX points.
    pub light_below: f64,
    /// Scale below `light_below`, in [0, 1].
    pub light_scale: f64,
    /// Upper end of the moderate tier, VIX points.
    pub moderate_up_to: f64,
    /// Scale in the moderate tier, in [light_scale, 1].
    pub moderate_scale: f64,
    /// VIX level from which the full scale 1 applies, VIX points.
    pub full_at: f64,
    /// Scale 1 while the VIX term structure is inverted (VIX above the 1-month future).
    pub inversion_override: bool,
    /// Scale 1 while SPX RSI(`rsi_period`) is below `rsi_below`.
    pub rsi_override: bool,
    /// RSI look-back, trading days.
    pub rsi_period: u32,
    /// RSI threshold, in (0, 100).
    pub rsi_below: f64,
    /// Scale 1 while the SPX MACD line is below its signal line (off by default: optional in the source).
    pub macd_override: bool,
    /// MACD fast EMA span, trading days.
    pub macd_fast: u32,
    /// MACD slow EMA span, trading days.
    pub macd_slow: u32,
    /// MACD signal EMA span, trading days.
    pub macd_signal: u32,
}

impl Default for AdaptiveConfig {
    fn default() -> Self {
        Self {
            light_below: 15.0,
            light_scale: 0.25,
            moderate_up_to: 22.0,
            moderate_scale: 0.5,
            full_at: 25.0,
            inversion_override: true,
            rsi_override: true,
            rsi_period: 14,
            rsi_below: 30.0,
            macd_override: false,
            macd_fast: 12,
            macd_slow: 26,
            macd_signal: 9,
        }
    }
}

impl AdaptiveConfig {
    /// The VIX-tier scale at VIX level `vix` (VIX points), before overrides.
    #[must_use]
    pub fn vix_scale(&self, vix: f64) -> f64 {
        if vix < self.light_below {
            self.light_scale
        } else if vix <= self.moderate_up_to {
            self.moderate_scale
        } else if vix >= self.full_at {
            1.0
        } else {
            let w = (vix - self.moderate_up_to) / (self.full_at - self.moderate_up_to);
            self.moderate_scale + w * (1.0 - self.moderate_scale)
        }
    }
}

/// `[hedge.vxth]`: the Cboe VXTH-style program: one-month VIX calls at a fixed
/// delta, rolled monthly, costing a share of equity set by the 1-month VIX future.
///
/// Share = `tier_weights[i]` for the first `i` with F <= `tier_levels[i]`, else the
/// last weight (default: 0 at F <= 15, 1% in (15, 30], 0.5% in (30, 50], 0 above 50).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VxthConfig {
    /// Call delta at entry, in (0, 1).
    pub delta: f64,
    /// Time to expiry at entry, trading days.
    pub tenor_days: u32,
    /// Trading days between rolls.
    pub roll_every_days: u32,
    /// Tier upper bounds on the 1-month VIX future, VIX points, strictly increasing.
    pub tier_levels: Vec<f64>,
    /// Premium budget per tier as a share of equity, one more entry than `tier_levels`.
    pub tier_weights: Vec<f64>,
}

impl Default for VxthConfig {
    fn default() -> Self {
        Self {
            delta: 0.30,
            tenor_days: 21,
            roll_every_days: 21,
            tier_levels: vec![15.0, 30.0, 50.0],
            tier_weights: vec![0.0, 0.01, 0.005, 0.0],
        }
    }
}

impl VxthConfig {
    /// The premium budget (share of equity) when the 1-month VIX future is `future` (VIX points).
    #[must_use]
    pub fn weight(&self, future: f64) -> f64 {
        let tier = self
            .tier_levels
            .iter()
            .position(|&level| future <= level)
            .unwrap_or(self.tier_levels.len());
        self.tier_weights.get(tier).copied().unwrap_or(0.0)
    }
}

/// `[hedge]`: sizing, costs and the layer programs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HedgeConfig {
    /// Hedge size multiplier of the `alvh` and `static` programs (0: no hedge).
    pub units: f64,
    /// Extra unit multiples evaluated as cheap equity lines for each ALVH program.
    pub units_ladder: Vec<f64>,
    /// Commission per VIX option or future contract, USD.
    pub commission: f64,
    /// Smallest half bid-ask spread of a VIX option, VIX points.
    pub half_spread_min: f64,
    /// Half bid-ask spread of a VIX option as a fraction of its price (when above the minimum).
    pub half_spread_frac: f64,
    /// Half bid-ask spread of a VIX future, VIX points (one 0.05 tick wide market).
    pub future_half_spread: f64,
    /// The layers (default: the `alvh-seed` reading).
    pub layers: Vec<LayerConfig>,
    /// The ALVH adaptive scale.
    pub adaptive: AdaptiveConfig,
    /// The VXTH-style program.
    pub vxth: VxthConfig,
}

impl Default for HedgeConfig {
    fn default() -> Self {
        Self {
            units: 1.0,
            units_ladder: vec![0.5, 1.0, 2.0, 5.0, 10.0],
            commission: 1.10,
            half_spread_min: 0.05,
            half_spread_frac: 0.02,
            future_half_spread: 0.025,
            layers: seed_layers(),
            adaptive: AdaptiveConfig::default(),
            vxth: VxthConfig::default(),
        }
    }
}

/// A hedge program named on the command line (`--hedges`) and in `summary.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
pub enum HedgeProgram {
    /// No hedge: the condor book alone.
    #[serde(rename = "none")]
    #[value(name = "none")]
    None,
    /// The config's `[hedge]` layers with the adaptive scale.
    #[serde(rename = "alvh")]
    #[value(name = "alvh")]
    Alvh,
    /// The config's `[hedge]` layers with scale 1.
    #[serde(rename = "static")]
    #[value(name = "static")]
    Static,
    /// Cboe VXTH-style one-month calls, `[hedge.vxth]`.
    #[serde(rename = "vxth")]
    #[value(name = "vxth")]
    Vxth,
    /// The `alvh-seed` preset's layers, adaptive.
    #[serde(rename = "alvh-seed")]
    #[value(name = "alvh-seed")]
    AlvhSeed,
    /// The `alvh-30-110-220` preset's layers, adaptive.
    #[serde(rename = "alvh-30-110-220")]
    #[value(name = "alvh-30-110-220")]
    Alvh30110220,
    /// The `alvh-seed` preset's layers with scale 1.
    #[serde(rename = "static-seed")]
    #[value(name = "static-seed")]
    StaticSeed,
    /// The `alvh-30-110-220` preset's layers with scale 1.
    #[serde(rename = "static-30-110-220")]
    #[value(name = "static-30-110-220")]
    Static30110220,
}

impl HedgeProgram {
    /// Every program, `none` first.
    pub const ALL: [HedgeProgram; 8] = [
        HedgeProgram::None,
        HedgeProgram::Alvh,
        HedgeProgram::Static,
        HedgeProgram::Vxth,
        HedgeProgram::AlvhSeed,
        HedgeProgram::Alvh30110220,
        HedgeProgram::StaticSeed,
        HedgeProgram::Static30110220,
    ];

    /// The program's name on the command line and in `summary.json`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            HedgeProgram::None => "none",
            HedgeProgram::Alvh => "alvh",
            HedgeProgram::Static => "static",
            HedgeProgram::Vxth => "vxth",
            HedgeProgram::AlvhSeed => "alvh-seed",
            HedgeProgram::Alvh30110220 => "alvh-30-110-220",
            HedgeProgram::StaticSeed => "static-seed",
            HedgeProgram::Static30110220 => "static-30-110-220",
        }
    }

    /// The preset whose `[hedge]` layers a named reading uses; `None` for programs
    /// that use the config's own layers (or none).
    #[must_use]
    pub fn layers_preset(self) -> Option<&'static str> {
        match self {
            HedgeProgram::AlvhSeed | HedgeProgram::StaticSeed => Some("alvh-seed"),
            HedgeProgram::Alvh30110220 | HedgeProgram::Static30110220 => Some("alvh-30-110-220"),
            _ => None,
        }
    }

    /// Whether the adaptive scale applies (false: every entry at scale 1).
    #[must_use]
    pub fn is_adaptive(self) -> bool {
        matches!(
            self,
            HedgeProgram::Alvh | HedgeProgram::AlvhSeed | HedgeProgram::Alvh30110220
        )
    }
}
