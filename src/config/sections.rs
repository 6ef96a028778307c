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
    /// Initial variance v_0: a level (annualised variance; 0.02 is 14.1%
    /// instantaneous vol) or `"stationary"` (each path draws its own from the
    /// stationary law of v under P).
    pub v0: InitialVariance,
}

impl Default for MarketConfig {
    fn default() -> Self {
        Self {
            spot: 5000.0,
            r: 0.04,
            q: 0.013,
            v0: InitialVariance::Level(0.02),
        }
    }
}

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
    /// Path max VIX below `moderate_from`.
    Calm,
    /// Path max VIX in `[moderate_from, severe_from)`.
    Moderate,
    /// Path max VIX in `[severe_from, crisis_from)`.
    Severe,
    /// Path max VIX at or above `crisis_from`.
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

/// `[regimes]`: lower boundaries of each stress regime, in VIX points of the path
/// maximum; calm is everything below `moderate_from`. Must be strictly increasing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegimesConfig {
    /// Lowest path max VIX of the moderate regime, VIX points.
    pub moderate_from: f64,
    /// Lowest path max VIX of the severe regime, VIX points.
    pub severe_from: f64,
    /// Lowest path max VIX of the crisis regime, VIX points.
    pub crisis_from: f64,
}

impl Default for RegimesConfig {
    fn default() -> Self {
        Self {
            moderate_from: 20.0,
            severe_from: 30.0,
            crisis_from: 45.0,
        }
    }
}

impl RegimesConfig {
    /// The regime of a path whose maximum VIX is `max_vix` (VIX points).
    #[must_use]
    pub fn classify(&self, max_vix: f64) -> Regime {
        if max_vix >= self.crisis_from {
            Regime::Crisis
        } else if max_vix >= self.severe_from {
            Regime::Severe
        } else if max_vix >= self.moderate_from {
            Regime::Moderate
        } else {
            Regime::Calm
        }
    }
}
