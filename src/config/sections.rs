//! `[simulation]`, `[market]`, `[model]`, `[model.q]`, `[[events]]` and `[regimes]`.
//!
//! The built-in defaults are the `default` preset's market, P model, books and
//! simulation, with Q = P and no scheduled events (the `default` preset adds both).

use serde::{Deserialize, Serialize};

use crate::model::{EventParams, SvcjParams};

/// `[simulation]`: how many paths, how long, how fine, which random stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SimulationConfig {
    /// Number of Monte Carlo paths (1 to 4,294,967,295: the path index is a Philox counter word).
    pub paths: u64,
    /// Horizon, trading days (1 to 2520, ten years).
    pub horizon_days: u32,
    /// Time steps per trading day (1 to 64).
    pub steps_per_day: u32,
    /// Philox key: the 64-bit seed. Path `i` is the same path for every batch size and backend.
    pub seed: u64,
    /// Paths per GPU dispatch or CPU work unit; 0 chooses automatically from the device limits.
    pub batch_paths: u64,
}

impl Default for SimulationConfig {
    fn default() -> Self {
        // One step a day: QE with the martingale correction and jumps placed
        // inside their step pass every pricing oracle at this step (see
        // `vixhedge validate`), and the books are marked daily anyway.
        Self {
            paths: 1_000_000,
            horizon_days: 252,
            steps_per_day: 1,
            seed: 1,
            batch_paths: 0,
        }
    }
}

/// `[market]`: the observable starting point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarketConfig {
    /// SPX level S_0, index points.
    pub spot: f64,
    /// Risk-free rate, continuously compounded per year.
    pub r: f64,
    /// Dividend yield, continuously compounded per year.
    pub q: f64,
    /// Initial variance v_0, annualised variance (0.02 is 14.1% instantaneous vol).
    pub v0: f64,
}

impl Default for MarketConfig {
    fn default() -> Self {
        Self {
            spot: 5000.0,
            r: 0.04,
            q: 0.013,
            v0: 0.02,
        }
    }
}

/// `[model]`: SVCJ parameters under the physical measure P (DESIGN.md section 2),
/// with the risk-neutral overrides in `[model.q]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModelConfig {
    /// Total expected return under P (before dividends), per year.
    pub mu: f64,
    /// Mean-reversion speed of variance, per year.
    pub kappa: f64,
    /// Long-run variance of the diffusion part, annualised variance.
    pub theta: f64,
    /// Volatility of variance, per sqrt(year).
    pub sigma_v: f64,
    /// Correlation of the price and variance Brownian motions.
    pub rho: f64,
    /// Jump intensity, jumps per year.
    pub lambda: f64,
    /// Mean log-price jump at a zero variance jump (log price).
    pub mu_s: f64,
    /// Standard deviation of the log-price jump (log price).
    pub sigma_s: f64,
    /// Mean of the exponential variance jump, annualised variance.
    pub mu_v: f64,
    /// Loading of the log-price jump on the variance jump (log price per unit of annualised variance).
    pub rho_j: f64,
    /// `[model.q]`: risk-neutral parameters; a missing key takes the P value.
    pub q: QOverrides,
}

impl Default for ModelConfig {
    fn default() -> Self {
        Self {
            mu: 0.08,
            kappa: 4.0,
            theta: 0.016,
            sigma_v: 0.35,
            rho: -0.70,
            lambda: 1.0,
            mu_s: -0.03,
            sigma_s: 0.04,
            mu_v: 0.03,
            rho_j: -0.5,
            q: QOverrides::default(),
        }
    }
}

impl ModelConfig {
    /// The SVCJ parameters under P.
    #[must_use]
    pub fn p_params(&self) -> SvcjParams {
        SvcjParams {
            kappa: self.kappa,
            theta: self.theta,
            sigma_v: self.sigma_v,
            rho: self.rho,
            lambda: self.lambda,
            mu_s: self.mu_s,
            sigma_s: self.sigma_s,
            mu_v: self.mu_v,
            rho_j: self.rho_j,
        }
    }

    /// The SVCJ parameters under Q: each `[model.q]` key over its `[model]` value.
    #[must_use]
    pub fn q_params(&self) -> SvcjParams {
        let q = &self.q;
        SvcjParams {
            kappa: q.kappa.unwrap_or(self.kappa),
            theta: q.theta.unwrap_or(self.theta),
            sigma_v: q.sigma_v.unwrap_or(self.sigma_v),
            rho: q.rho.unwrap_or(self.rho),
            lambda: q.lambda.unwrap_or(self.lambda),
            mu_s: q.mu_s.unwrap_or(self.mu_s),
            sigma_s: q.sigma_s.unwrap_or(self.sigma_s),
            mu_v: q.mu_v.unwrap_or(self.mu_v),
            rho_j: q.rho_j.unwrap_or(self.rho_j),
        }
    }
}

/// `[model.q]`: the risk-neutral twin of each `[model]` key except `mu` (under Q
/// the drift is `r`). `None` (key absent) means "same as under P". Units as in
/// [`ModelConfig`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QOverrides {
    /// Mean-reversion speed under Q, per year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kappa: Option<f64>,
    /// Long-run diffusive variance under Q, annualised variance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theta: Option<f64>,
    /// Volatility of variance under Q, per sqrt(year).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sigma_v: Option<f64>,
    /// Price-variance correlation under Q.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rho: Option<f64>,
    /// Jump intensity under Q, jumps per year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda: Option<f64>,
    /// Mean log-price jump under Q (log price).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mu_s: Option<f64>,
    /// Log-price jump standard deviation under Q (log price).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sigma_s: Option<f64>,
    /// Mean variance jump under Q, annualised variance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mu_v: Option<f64>,
    /// Price-jump loading on the variance jump under Q.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rho_j: Option<f64>,
}

/// One `[[events]]` entry: a scheduled event type (CPI, FOMC) on a trading-day calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventConfig {
    /// Label for reports.
    pub name: String,
    /// First event day, trading days from the start (1-based: day 1 is the first day).
    pub first_day: u32,
    /// Trading days between occurrences; 0 means the event happens once.
    pub every_days: u32,
    /// Standard deviation of the log-price jump at the event (log price; 0.008 is 0.8%).
    pub jump_sd: f64,
    /// Variance added to v at the event, annualised variance.
    pub var_bump: f64,
}

impl Default for EventConfig {
    fn default() -> Self {
        Self {
            name: String::new(),
            first_day: 1,
            every_days: 0,
            jump_sd: 0.0,
            var_bump: 0.0,
        }
    }
}

impl EventConfig {
    /// The kernel-side view of this event.
    #[must_use]
    pub fn params(&self) -> EventParams {
        EventParams {
            first_day: self.first_day,
            every_days: self.every_days,
            jump_sd: self.jump_sd,
            var_bump: self.var_bump,
        }
    }
}

/// A stress regime of a path, by its maximum VIX (DESIGN.md section 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// The measure (`[regimes] by`) below `moderate_from`.
    Calm,
    /// The measure in `[moderate_from, severe_from)`.
    Moderate,
    /// The measure in `[severe_from, crisis_from)`.
    Severe,
    /// The measure at or above `crisis_from`.
    Crisis,
}

impl Regime {
    /// All regimes, calm first.
    pub const ALL: [Regime; 4] = [
        Regime::Calm,
        Regime::Moderate,
        Regime::Severe,
        Regime::Crisis,
    ];

    /// The name used as a key in `summary.json` and in reports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Regime::Calm => "calm",
            Regime::Moderate => "moderate",
            Regime::Severe => "severe",
            Regime::Crisis => "crisis",
        }
    }
}

/// What the stress regimes classify a path by (`[regimes] by`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegimeBy {
    /// The path's highest VIX close, VIX points (the window's max VIX).
    #[default]
    #[serde(rename = "max_vix")]
    MaxVix,
    /// The path's highest VIX close minus its first, VIX points.
    #[serde(rename = "vix_rise")]
    VixRise,
    /// The SPX index's max drawdown over the path, max_t (peak_t - S_t) / peak_t,
    /// a fraction.
    #[serde(rename = "spx_drawdown")]
    SpxDrawdown,
}

impl RegimeBy {
    /// The name in the config and in `summary.json`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            RegimeBy::MaxVix => "max_vix",
            RegimeBy::VixRise => "vix_rise",
            RegimeBy::SpxDrawdown => "spx_drawdown",
        }
    }

    /// The unit of the classified measure and its boundaries.
    #[must_use]
    pub fn unit(self) -> &'static str {
        match self {
            RegimeBy::MaxVix | RegimeBy::VixRise => "VIX points",
            RegimeBy::SpxDrawdown => "fraction",
        }
    }
}

/// Lower boundaries of the moderate, severe and crisis regimes on one
/// measure; calm is everything below `moderate_from`. Strictly increasing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegimeBounds {
    /// Lowest value of the moderate regime.
    pub moderate_from: f64,
    /// Lowest value of the severe regime.
    pub severe_from: f64,
    /// Lowest value of the crisis regime.
    pub crisis_from: f64,
}

impl RegimeBounds {
    /// The regime of a path whose measure is `x` (NaN is calm).
    #[must_use]
    pub fn classify(&self, x: f64) -> Regime {
        if x >= self.crisis_from {
            Regime::Crisis
        } else if x >= self.severe_from {
            Regime::Severe
        } else if x >= self.moderate_from {
            Regime::Moderate
        } else {
            Regime::Calm
        }
    }
}

/// The per-path measures a regime definition may classify by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegimeMeasures {
    /// Highest VIX close of the path, day 0 included, VIX points.
    pub max_vix: f64,
    /// VIX at the path's first close (day 0), VIX points.
    pub first_vix: f64,
    /// The SPX index's max drawdown over the path, fraction of its running peak.
    pub spx_max_drawdown: f64,
}

/// `[regimes]`: how paths are put into stress regimes. `by` picks the
/// measure; the boundaries on the path max VIX are the table's own keys (VIX
/// points), those on the VIX rise and on the SPX drawdown are in
/// `[regimes.vix_rise]` (VIX points) and `[regimes.spx_drawdown]` (fractions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegimesConfig {
    /// The measure: `max_vix` (default), `vix_rise` or `spx_drawdown`.
    pub by: RegimeBy,
    /// Lowest path max VIX of the moderate regime, VIX points.
    pub moderate_from: f64,
    /// Lowest path max VIX of the severe regime, VIX points.
    pub severe_from: f64,
    /// Lowest path max VIX of the crisis regime, VIX points.
    pub crisis_from: f64,
    /// Boundaries on the rise of the VIX over the path (max minus first), VIX points.
    pub vix_rise: RegimeBounds,
    /// Boundaries on the SPX index's max drawdown over the path, fractions.
    pub spx_drawdown: RegimeBounds,
}

impl Default for RegimesConfig {
    fn default() -> Self {
        Self {
            by: RegimeBy::MaxVix,
            moderate_from: 20.0,
            severe_from: 30.0,
            crisis_from: 45.0,
            // A VIX that starts near its average of about 18 and rises 3 points
            // reaches about 21, the max-VIX moderate boundary; 10 and 25 points
            // of rise are the shocks of a correction and of a crash.
            vix_rise: RegimeBounds {
                moderate_from: 3.0,
                severe_from: 10.0,
                crisis_from: 25.0,
            },
            // The market's own words: a 5% pullback, a 10% correction, a 20%
            // bear market.
            spx_drawdown: RegimeBounds {
                moderate_from: 0.05,
                severe_from: 0.10,
                crisis_from: 0.20,
            },
        }
    }
}

impl RegimesConfig {
    /// The regime of a path whose maximum VIX is `max_vix` (VIX points), by
    /// the max-VIX boundaries whatever `by` says (history windows, facts).
    #[must_use]
    pub fn classify(&self, max_vix: f64) -> Regime {
        self.max_vix_bounds().classify(max_vix)
    }

    /// The boundaries on the path max VIX.
    #[must_use]
    pub fn max_vix_bounds(&self) -> RegimeBounds {
        RegimeBounds {
            moderate_from: self.moderate_from,
            severe_from: self.severe_from,
            crisis_from: self.crisis_from,
        }
    }

    /// The boundaries of the definition in force (`by`).
    #[must_use]
    pub fn bounds(&self) -> RegimeBounds {
        match self.by {
            RegimeBy::MaxVix => self.max_vix_bounds(),
            RegimeBy::VixRise => self.vix_rise.clone(),
            RegimeBy::SpxDrawdown => self.spx_drawdown.clone(),
        }
    }

    /// The measure `by` classifies of a path.
    #[must_use]
    pub fn measure(&self, m: &RegimeMeasures) -> f64 {
        match self.by {
            RegimeBy::MaxVix => m.max_vix,
            RegimeBy::VixRise => m.max_vix - m.first_vix,
            RegimeBy::SpxDrawdown => m.spx_max_drawdown,
        }
    }

    /// The regime of a path by the definition in force.
    #[must_use]
    pub fn classify_path(&self, m: &RegimeMeasures) -> Regime {
        self.bounds().classify(self.measure(m))
    }
}
