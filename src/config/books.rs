//! `[condor]` and `[hedge]` (with `[[hedge.layers]]`, `[hedge.adaptive]` and
//! `[hedge.vxth]`): the books run on each path (`docs/books.md`).

use serde::{Deserialize, Serialize};

use super::limits::{MAX_CONDORS, MAX_LAYERS, MAX_RUNGS, MAX_VXTH_LEVELS};
use super::schema::{choice, section, Bound};
use super::sections::MAX_HORIZON_DAYS;

const DELTA: Bound = Bound::open(0.0, 0.5);
const TENOR: Bound = Bound::closed(1.0, MAX_HORIZON_DAYS as f64);
const USD_COST: Bound = Bound::closed(0.0, 1e4);
const FRACTION: Bound = Bound::closed(0.0, 1.0);

section! {
    /// `[condor]`: the short iron-condor book (defaults after Cboe's CNDR index and
    /// common practice; `docs/books.md`).
    pub struct CondorConfig {
        /// Trading days between new condors.
        entry_every_days: u32 = 5, TENOR, "trading days";
        /// Most condors open at once (the book's fixed capacity is 16).
        max_open: u32 = 6, Bound::closed(1.0, MAX_CONDORS as f64), "condors";
        /// Time to expiry at entry; above `exit_dte`.
        dte_days: u32 = 30, TENOR, "trading days";
        /// Absolute delta of the short put and the short call.
        short_delta: f64 = 0.16, DELTA, "";
        /// Absolute delta of the long wings; below `short_delta`.
        long_delta: f64 = 0.05, DELTA, "";
        /// Wing width beyond each short strike; 0 places the wings by `long_delta`.
        wing_width: f64 = 0.0, Bound::closed(0.0, 1e6), "index points";
        /// Share of equity put at risk per new condor: contracts = floor(risk_fraction
        /// x equity / max loss per contract), at least 1. The default 0.16 is
        /// calibrated so that the `default` preset's unhedged book has a mean max
        /// drawdown near 20% over 252 days (`presets/default.toml`).
        risk_fraction: f64 = 0.16, Bound::above(0.0, 1.0), "fraction of equity";
        /// Take profit when this share of the entry credit is earned.
        take_profit: f64 = 0.5, Bound::above(0.0, 1.0), "fraction of credit";
        /// Stop when the loss reaches this multiple of the entry credit (2: the mid
        /// at 3x the credit).
        stop_loss: f64 = 2.0, Bound::above(0.0, 1000.0), "multiple of credit";
        /// Close a condor with this many trading days left; below `dte_days`.
        exit_dte: u32 = 10, Bound::closed(0.0, MAX_HORIZON_DAYS as f64), "trading days";
        /// Commission per contract per leg.
        commission: f64 = 1.10, USD_COST, "USD";
        /// Smallest half bid-ask spread crossed on each leg.
        half_spread_min: f64 = 0.05, Bound::closed(0.0, 1e4), "index points";
        /// Half bid-ask spread as a share of the leg's price (when above `half_spread_min`).
        half_spread_frac: f64 = 0.02, FRACTION, "fraction of price";
        /// Starting capital; cash earns `market.r`.
        capital: f64 = 1_000_000.0, Bound::above(0.0, 1e15), "USD";
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

choice!(Instrument: "call", "future");
choice!(StrikeKind: "otm_frac", "points_over_f", "delta");

section! {
    /// A strike rule: `{ kind = "otm_frac", value = 0.25 }`. Strikes are rounded to
    /// the VIX option grid (0.5 points).
    pub struct StrikeRule {
        /// Which rule: `otm_frac` (K = F (1 + value)), `points_over_f` (K = F +
        /// value) or `delta` (the call whose delta is value).
        kind: StrikeKind = StrikeKind::OtmFrac, Bound::ANY, "";
        /// The rule's parameter: a fraction of F above -1, VIX points, or a delta in (0, 1).
        value: f64 = 0.25, Bound::closed(-1e3, 1e3), "by kind";
    }
}

section! {
    /// One `[[hedge.layers]]` entry of the ALVH and static programs.
    ///
    /// Held contracts = round(`contracts` x `hedge.units` x capital / 1,000,000 USD),
    /// times the adaptive scale at entry for ALVH. A layer enters first on trading day
    /// `offset_days`; with `every_days > 0` it enters again every `every_days` days (so
    /// positions may overlap), with `every_days = 0` it holds one position and re-enters
    /// when that one is rolled or expires. A position is closed and replaced when
    /// `roll_days_left` or fewer trading days remain (0: held to expiry).
    pub struct LayerConfig {
        /// Label for reports.
        name: String = String::new(), Bound::ANY, "";
        /// Contracts per 1,000,000 USD of capital at one unit.
        contracts: f64 = 1.0, Bound::closed(0.0, 1e6), "contracts per 1,000,000 USD";
        /// VIX calls (multiplier 100) or long VIX futures (multiplier 1000; the
        /// strike rule is ignored).
        instrument: Instrument = Instrument::Call, Bound::ANY, "";
        /// Time to expiry at entry.
        tenor_days: u32 = 21, TENOR, "trading days";
        /// Trading day of the first entry (0 is the start of the path).
        offset_days: u32 = 0, Bound::closed(0.0, MAX_HORIZON_DAYS as f64), "trading days";
        /// Days between entries; 0 re-enters only when the held position rolls or expires.
        every_days: u32 = 0, Bound::closed(0.0, MAX_HORIZON_DAYS as f64), "trading days";
        /// Roll (close and re-enter) with this many days left; below `tenor_days`;
        /// 0 holds to expiry.
        roll_days_left: u32 = 0, Bound::closed(0.0, MAX_HORIZON_DAYS as f64), "trading days";
        /// Strike rule for calls.
        strike: StrikeRule = StrikeRule::default(), Bound::ANY, "";
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

/// The `alvh-seed` reading of "4/4/2 layering" (`docs/books.md`): the default layers.
fn seed_layers() -> Vec<LayerConfig> {
    vec![
        LayerConfig::seed("4d", 4.0, 4, 0, 4),
        LayerConfig::seed("4d-staggered", 4.0, 8, 2, 4),
        LayerConfig::seed("2w", 2.0, 10, 0, 5),
    ]
}

const VIX_LEVEL: Bound = Bound::above(0.0, 1000.0);
const SPAN: Bound = Bound::closed(1.0, 1000.0);

section! {
    /// `[hedge.adaptive]`: the ALVH scale s(t) in [0, 1] applied to each new entry.
    ///
    /// s = `light_scale` below `light_below`; `moderate_scale` from `light_below` to
    /// `moderate_up_to`; linear from `moderate_scale` to 1 between `moderate_up_to` and
    /// `full_at`; 1 above (VIX points). Raised to 1 by the overrides. The source's
    /// breadth (advance-decline) and valuation (P/CF) signals have no counterpart in an
    /// index-level model and are deliberately absent.
    pub struct AdaptiveConfig {
        /// VIX level below which the light scale applies.
        light_below: f64 = 15.0, VIX_LEVEL, "VIX points";
        /// Scale below `light_below`.
        light_scale: f64 = 0.25, FRACTION, "";
        /// Upper end of the moderate tier; at least `light_below`.
        moderate_up_to: f64 = 22.0, VIX_LEVEL, "VIX points";
        /// Scale in the moderate tier.
        moderate_scale: f64 = 0.5, FRACTION, "";
        /// VIX level from which the full scale 1 applies; at least `moderate_up_to`.
        full_at: f64 = 25.0, VIX_LEVEL, "VIX points";
        /// Scale 1 while the VIX term structure is inverted (VIX above the 1-month future).
        inversion_override: bool = true, Bound::ANY, "";
        /// Scale 1 while SPX RSI(`rsi_period`) is below `rsi_below`.
        rsi_override: bool = true, Bound::ANY, "";
        /// RSI look-back.
        rsi_period: u32 = 14, Bound::closed(2.0, 1000.0), "trading days";
        /// RSI threshold.
        rsi_below: f64 = 30.0, Bound::open(0.0, 100.0), "RSI points";
        /// Scale 1 while the SPX MACD line is below its signal line (off by
        /// default: optional in the source).
        macd_override: bool = false, Bound::ANY, "";
        /// MACD fast EMA span.
        macd_fast: u32 = 12, SPAN, "trading days";
        /// MACD slow EMA span; above `macd_fast`.
        macd_slow: u32 = 26, SPAN, "trading days";
        /// MACD signal EMA span.
        macd_signal: u32 = 9, SPAN, "trading days";
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

section! {
    /// `[hedge.vxth]`: the Cboe VXTH-style program: one-month VIX calls at a fixed
    /// delta, rolled monthly, costing a share of equity set by the 1-month VIX future.
    ///
    /// Share = `tier_weights[i]` for the first `i` with F <= `tier_levels[i]`, else the
    /// last weight (default: 0 at F <= 15, 1% in (15, 30], 0.5% in (30, 50], 0 above 50).
    pub struct VxthConfig {
        /// Call delta at entry.
        delta: f64 = 0.30, Bound::open(0.0, 1.0), "";
        /// Time to expiry at entry.
        tenor_days: u32 = 21, TENOR, "trading days";
        /// Days between rolls.
        roll_every_days: u32 = 21, TENOR, "trading days";
        /// Tier upper bounds on the 1-month VIX future, strictly increasing.
        tier_levels: Vec<f64> = vec![15.0, 30.0, 50.0], Bound::above(0.0, 1000.0).list(MAX_VXTH_LEVELS), "VIX points";
        /// Premium budget per tier, one more entry than `tier_levels`.
        tier_weights: Vec<f64> = vec![0.0, 0.01, 0.005, 0.0], FRACTION.list(MAX_VXTH_LEVELS + 1), "share of equity";
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

section! {
    /// `[hedge]`: sizing, costs and the layer programs.
    pub struct HedgeConfig {
        /// Hedge size multiplier of the `alvh` and `static` programs and the named
        /// readings (0: no hedge).
        units: f64 = 1.0, Bound::closed(0.0, 1000.0), "units";
        /// Extra unit multiples evaluated as cheap equity lines for each ALVH program.
        units_ladder: Vec<f64> = vec![0.5, 1.0, 2.0, 5.0, 10.0], Bound::above(0.0, 1000.0).list(MAX_RUNGS), "units";
        /// Commission per VIX option or future contract.
        commission: f64 = 1.10, USD_COST, "USD";
        /// Smallest half bid-ask spread of a VIX option.
        half_spread_min: f64 = 0.05, Bound::closed(0.0, 100.0), "VIX points";
        /// Half bid-ask spread of a VIX option as a share of its price (when above the minimum).
        half_spread_frac: f64 = 0.02, FRACTION, "fraction of price";
        /// Half bid-ask spread of a VIX future (one 0.05 tick wide market).
        future_half_spread: f64 = 0.025, Bound::closed(0.0, 100.0), "VIX points";
        /// The layers (default: the `alvh-seed` reading).
        layers: Vec<LayerConfig> = seed_layers(), Bound::tables(MAX_LAYERS), "layers";
        /// `[hedge.adaptive]`: the ALVH adaptive scale.
        adaptive: AdaptiveConfig = AdaptiveConfig::default(), Bound::ANY, "";
        /// `[hedge.vxth]`: the VXTH-style program.
        vxth: VxthConfig = VxthConfig::default(), Bound::ANY, "";
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
