//! `[simulation]`, `[market]`, `[model]`, `[model.q]`, `[[events]]` and `[regimes]`.
//!
//! The built-in defaults (the bare base) are the `default` preset's market, P
//! model, books and simulation, with Q = P and no scheduled events (the `default`
//! preset adds both). Every key's type, default, range, unit and meaning is
//! declared once below (see [`super::schema`]).

use serde::{Deserialize, Serialize};

use super::schema::{choice, section, Bound};
use crate::model::{EventParams, SvcjParams};

/// Most paths: the global path index is one 32-bit Philox counter word.
pub const MAX_PATHS: u64 = u32::MAX as u64;
/// Longest horizon, trading days (ten years).
pub const MAX_HORIZON_DAYS: u32 = 2520;

const PATHS: Bound = Bound::closed(1.0, MAX_PATHS as f64);
const DAYS: Bound = Bound::closed(1.0, MAX_HORIZON_DAYS as f64);

section! {
    /// `[simulation]`: how many paths, how long, how fine, which random stream.
    pub struct SimulationConfig {
        /// Number of Monte Carlo paths (the path index is a 32-bit Philox counter word).
        paths: u64 = 1_000_000, PATHS, "paths";
        /// Horizon of each path.
        horizon_days: u32 = 252, DAYS, "trading days";
        /// Time steps per trading day. One step a day passes every pricing oracle
        /// (QE with the martingale correction, jumps placed inside their step; see
        /// `vixhedge validate`), and the books are marked daily anyway.
        steps_per_day: u32 = 1, Bound::closed(1.0, 64.0), "steps a day";
        /// Philox key: the 64-bit seed. Path `i` is the same path for every batch
        /// size, thread count and backend.
        seed: u64 = 1, Bound::ANY, "";
        /// Paths per batch (a CPU work unit, or a GPU call whose dispatches carry at most that many, fewer on a hardware GPU; see `docs/kernels.md`); 0 chooses from the device limits.
        batch_paths: u64 = 0, Bound::closed(0.0, MAX_PATHS as f64), "paths";
    }
}

section! {
    /// `[market]`: the observable starting point.
    pub struct MarketConfig {
        /// SPX level S_0 at the start of every path.
        spot: f64 = 5000.0, Bound::above(0.0, 1e7), "index points";
        /// Risk-free rate (cash earns it; the Q drift).
        r: f64 = 0.04, Bound::closed(-1.0, 1.0), "per year, continuously compounded";
        /// Dividend yield of the index.
        q: f64 = 0.013, Bound::closed(-1.0, 1.0), "per year, continuously compounded";
        /// Initial variance v_0: a level (0.02 is 14.1% instantaneous
        /// volatility) or "stationary" (each path draws its own from the
        /// stationary law of v under P, by a burn-in on its own random numbers).
        v0: InitialVariance = InitialVariance::Level(0.02), VARIANCE, "annualised variance";
    }
}

/// Annualised variances (1 is 100% volatility, the top of the pricing tables).
const VARIANCE: Bound = Bound::closed(0.0, 1.0);
const MU: Bound = Bound::closed(-1.0, 1.0);
const KAPPA: Bound = Bound::above(0.0, 100.0);
const THETA: Bound = Bound::above(0.0, 1.0);
const SIGMA_V: Bound = Bound::closed(0.0, 10.0);
const RHO: Bound = Bound::open(-1.0, 1.0);
const LAMBDA: Bound = Bound::closed(0.0, 252.0);
const MU_S: Bound = Bound::closed(-1.0, 1.0);
const SIGMA_S: Bound = Bound::closed(0.0, 1.0);
const MU_V: Bound = Bound::closed(0.0, 1.0);
const RHO_J: Bound = Bound::closed(-10.0, 10.0);

/// `market.v0`: where every path's variance starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InitialVariance {
    /// The same level on every path, annualised variance (TOML: a number).
    Level(f64),
    /// A draw of the stationary law of v under P per path, by a burn-in on the
    /// path's own random numbers (TOML: the string `"stationary"`; see
    /// `docs/history.md`).
    Stationary,
}

impl InitialVariance {
    /// The level, or `None` when stationary.
    #[must_use]
    pub fn level(self) -> Option<f64> {
        match self {
            Self::Level(v) => Some(v),
            Self::Stationary => None,
        }
    }

    /// The level, or the stationary mean of v under `p`
    /// (`theta + lambda mu_v / kappa`, annualised variance) when stationary.
    #[must_use]
    pub fn level_or_mean(self, p: &SvcjParams) -> f64 {
        self.level().unwrap_or_else(|| p.theta_star())
    }
}

impl std::fmt::Display for InitialVariance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Level(v) => write!(f, "{v}"),
            Self::Stationary => f.write_str("\"stationary\""),
        }
    }
}

impl Serialize for InitialVariance {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Level(v) => s.serialize_f64(*v),
            Self::Stationary => s.serialize_str("stationary"),
        }
    }
}

impl<'de> Deserialize<'de> for InitialVariance {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = InitialVariance;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a variance (annualised) or \"stationary\"")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(InitialVariance::Level(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                #[expect(clippy::cast_precision_loss, reason = "a small TOML integer")]
                Ok(InitialVariance::Level(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                #[expect(clippy::cast_precision_loss, reason = "a small TOML integer")]
                Ok(InitialVariance::Level(v as f64))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if v == "stationary" {
                    Ok(InitialVariance::Stationary)
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Str(v), &self))
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl super::schema::SchemaValue for InitialVariance {
    const KIND: super::schema::Kind = super::schema::Kind::FloatOr("stationary");
    fn check(&self, key: &str, bound: &Bound, unit: &str) -> Result<(), super::ConfigError> {
        match self {
            Self::Level(v) => <f64 as super::schema::SchemaValue>::check(v, key, bound, unit),
            Self::Stationary => Ok(()),
        }
    }
}

section! {
    /// `[model]`: SVCJ parameters under the physical measure P (`docs/model.md`),
    /// with the risk-neutral ones in `[model.q]`.
    pub struct ModelConfig {
        /// Total expected return of the index under P, before dividends.
        mu: f64 = 0.08, MU, "per year";
        /// Mean-reversion speed of the variance.
        kappa: f64 = 4.0, KAPPA, "per year";
        /// Long-run level of the diffusive variance.
        theta: f64 = 0.016, THETA, "annualised variance";
        /// Volatility of the variance.
        sigma_v: f64 = 0.35, SIGMA_V, "per sqrt(year)";
        /// Correlation of the price and variance Brownian motions.
        rho: f64 = -0.70, RHO, "";
        /// Intensity of the correlated price/variance jumps.
        lambda: f64 = 1.0, LAMBDA, "jumps per year";
        /// Mean log-price jump when the variance jump is zero.
        mu_s: f64 = -0.03, MU_S, "log price";
        /// Standard deviation of the log-price jump.
        sigma_s: f64 = 0.04, SIGMA_S, "log price";
        /// Mean of the exponential variance jump.
        mu_v: f64 = 0.03, MU_V, "annualised variance";
        /// Loading of the log-price jump on the variance jump; rho_j x mu_v must
        /// stay below 1 (the mean price jump needs 1 - rho_j mu_v > 0).
        rho_j: f64 = -0.5, RHO_J, "log price per unit of variance";
        /// `[model.q]`: the risk-neutral parameters; a key left out takes its `[model]` value.
        q: QOverrides = QOverrides::default(), Bound::ANY, "";
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

section! {
    /// `[model.q]`: the risk-neutral twin of each `[model]` key except `mu` (under Q
    /// the drift is `market.r`). `None` (key absent) means "the `[model]` value".
    pub struct QOverrides {
        /// Mean-reversion speed of the variance under Q.
        #[serde(skip_serializing_if = "Option::is_none")]
        kappa: Option<f64> = None, KAPPA, "per year";
        /// Long-run diffusive variance under Q.
        #[serde(skip_serializing_if = "Option::is_none")]
        theta: Option<f64> = None, THETA, "annualised variance";
        /// Volatility of the variance under Q.
        #[serde(skip_serializing_if = "Option::is_none")]
        sigma_v: Option<f64> = None, SIGMA_V, "per sqrt(year)";
        /// Price-variance correlation under Q.
        #[serde(skip_serializing_if = "Option::is_none")]
        rho: Option<f64> = None, RHO, "";
        /// Jump intensity under Q.
        #[serde(skip_serializing_if = "Option::is_none")]
        lambda: Option<f64> = None, LAMBDA, "jumps per year";
        /// Mean log-price jump under Q when the variance jump is zero.
        #[serde(skip_serializing_if = "Option::is_none")]
        mu_s: Option<f64> = None, MU_S, "log price";
        /// Standard deviation of the log-price jump under Q.
        #[serde(skip_serializing_if = "Option::is_none")]
        sigma_s: Option<f64> = None, SIGMA_S, "log price";
        /// Mean variance jump under Q.
        #[serde(skip_serializing_if = "Option::is_none")]
        mu_v: Option<f64> = None, MU_V, "annualised variance";
        /// Loading of the log-price jump on the variance jump under Q.
        #[serde(skip_serializing_if = "Option::is_none")]
        rho_j: Option<f64> = None, RHO_J, "log price per unit of variance";
    }
}

section! {
    /// One `[[events]]` entry: a scheduled event type (CPI, FOMC) on a trading-day calendar.
    pub struct EventConfig {
        /// Label for reports.
        name: String = String::new(), Bound::ANY, "";
        /// First event day (1-based: day 1 is the first trading day after the start).
        first_day: u32 = 1, Bound::closed(1.0, 1e6), "trading days";
        /// Days between occurrences; 0: the event happens once.
        every_days: u32 = 0, Bound::closed(0.0, 1e6), "trading days";
        /// Standard deviation of the log-price jump at the event (0.008 is 0.8%),
        /// compensated under Q.
        jump_sd: f64 = 0.0, Bound::closed(0.0, 0.5), "log price";
        /// Variance added to v at the event.
        var_bump: f64 = 0.0, VARIANCE, "annualised variance";
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

/// A stress regime of a path, by its maximum VIX (`docs/statistics.md`).
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

choice!(RegimeBy: "max_vix", "vix_rise", "spx_drawdown");

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

const VIX_LEVEL: Bound = Bound::above(0.0, 1000.0);

section! {
    /// Lower boundaries of the moderate, severe and crisis regimes on one
    /// measure; calm is everything below `moderate_from`. Strictly increasing.
    pub struct RegimeBounds {
        /// Lowest value of the moderate regime.
        moderate_from: f64 = 3.0, VIX_LEVEL, "VIX points (a fraction under spx_drawdown)";
        /// Lowest value of the severe regime; above `moderate_from`.
        severe_from: f64 = 10.0, VIX_LEVEL, "VIX points (a fraction under spx_drawdown)";
        /// Lowest value of the crisis regime; above `severe_from`.
        crisis_from: f64 = 25.0, VIX_LEVEL, "VIX points (a fraction under spx_drawdown)";
    }
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

section! {
    /// `[regimes]`: how paths are put into stress regimes. `by` picks the
    /// measure; the boundaries on the path max VIX are the table's own keys,
    /// those on the VIX rise and on the SPX drawdown are in `[regimes.vix_rise]`
    /// and `[regimes.spx_drawdown]`.
    pub struct RegimesConfig {
        /// The measure paths are classified by: the path max VIX, its rise over
        /// the first close, or the SPX index's max drawdown.
        by: RegimeBy = RegimeBy::MaxVix, Bound::ANY, "";
        /// Lowest path max VIX of the moderate regime.
        moderate_from: f64 = 20.0, VIX_LEVEL, "VIX points";
        /// Lowest path max VIX of the severe regime; above `moderate_from`.
        severe_from: f64 = 30.0, VIX_LEVEL, "VIX points";
        /// Lowest path max VIX of the crisis regime; above `severe_from`.
        crisis_from: f64 = 45.0, VIX_LEVEL, "VIX points";
        /// Boundaries on the rise of the VIX over the path (max minus first
        /// close), VIX points: a VIX near its average of about 18 that rises 3
        /// points reaches the max-VIX moderate boundary; 10 and 25 points are
        /// the shocks of a correction and of a crash.
        vix_rise: RegimeBounds = RegimeBounds {
            moderate_from: 3.0,
            severe_from: 10.0,
            crisis_from: 25.0,
        }, Bound::ANY, "";
        /// Boundaries on the SPX index's max drawdown over the path, fractions
        /// (at most 1): a 5% pullback, a 10% correction, a 20% bear market.
        spx_drawdown: RegimeBounds = RegimeBounds {
            moderate_from: 0.05,
            severe_from: 0.10,
            crisis_from: 0.20,
        }, Bound::ANY, "";
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
