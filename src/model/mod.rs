//! The market model: SVCJ parameters under each measure, scheduled events, and the
//! analytic pricing built on them.
//!
//! Units throughout: time in years (one trading day = 1/252), variance as
//! annualised variance, rates continuously compounded per year, jump sizes in log
//! price, prices in index points.

pub mod analytic;
pub mod ivtable;
mod sim_params;
pub mod vix;

pub use sim_params::SimError;

/// Trading days per year: one step of `1/252` years is one trading day.
pub const TRADING_DAYS_PER_YEAR: f64 = 252.0;

/// SVCJ parameters of one measure (`docs/model.md`).
///
/// With `mu_v = 0` the model is Bates, with `lambda = 0` it is Heston.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SvcjParams {
    /// Mean-reversion speed of variance, per year.
    pub kappa: f64,
    /// Long-run variance (annualised variance) of the diffusion part.
    pub theta: f64,
    /// Volatility of variance, per sqrt(year).
    pub sigma_v: f64,
    /// Correlation of the price and variance Brownian motions.
    pub rho: f64,
    /// Jump intensity, jumps per year.
    pub lambda: f64,
    /// Mean of the log-price jump given a zero variance jump.
    pub mu_s: f64,
    /// Standard deviation of the log-price jump.
    pub sigma_s: f64,
    /// Mean of the exponential variance jump (annualised variance).
    pub mu_v: f64,
    /// Loading of the log-price jump on the variance jump.
    pub rho_j: f64,
}

impl SvcjParams {
    /// Pure Heston parameters (no jumps).
    #[must_use]
    pub fn heston(kappa: f64, theta: f64, sigma_v: f64, rho: f64) -> Self {
        Self {
            kappa,
            theta,
            sigma_v,
            rho,
            lambda: 0.0,
            mu_s: 0.0,
            sigma_s: 0.0,
            mu_v: 0.0,
            rho_j: 0.0,
        }
    }

    /// Mean relative price jump: E[e^{Z_S}] - 1 =
    /// exp(mu_s + sigma_s^2/2) / (1 - rho_j mu_v) - 1.
    #[must_use]
    pub fn mbar(&self) -> f64 {
        (self.mu_s + 0.5 * self.sigma_s * self.sigma_s).exp() / (1.0 - self.rho_j * self.mu_v) - 1.0
    }

    /// Long-run mean of v including variance jumps: theta + lambda mu_v / kappa.
    #[must_use]
    pub fn theta_star(&self) -> f64 {
        self.theta + self.lambda * self.mu_v / self.kappa
    }
}

/// A scheduled event type (CPI, FOMC): a price jump Normal(0, jump_sd^2) at the end
/// of each event day, and an optional deterministic variance bump.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventParams {
    /// First event day, in trading days from the start (day 1 is the first day).
    pub first_day: u32,
    /// Trading days between occurrences; 0 means the event happens once.
    pub every_days: u32,
    /// Standard deviation of the log-price jump at the event.
    pub jump_sd: f64,
    /// Variance added to v at the event (annualised variance).
    pub var_bump: f64,
}

impl EventParams {
    /// Whether the event happens at the end of trading day `day` (1-based).
    #[must_use]
    pub fn occurs_on(&self, day: u32) -> bool {
        if day < self.first_day {
            return false;
        }
        let since = day - self.first_day;
        if self.every_days == 0 {
            since == 0
        } else {
            since.is_multiple_of(self.every_days)
        }
    }

    /// The event days in `(from_day, to_day]` (trading days, 1-based).
    pub fn days_in(&self, from_day: u32, to_day: u32) -> impl Iterator<Item = u32> + '_ {
        (from_day + 1..=to_day).filter(move |d| self.occurs_on(*d))
    }
}

/// Which measure a simulation runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Physical measure: drift `mu`, `[model]` parameters.
    P,
    /// Risk-neutral measure: drift `r`, `[model.q]` parameters, event jumps
    /// compensated by `-s^2/2`.
    Q,
}

/// Everything needed to simulate or price under one measure.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketModel {
    /// Spot index level S_0, index points.
    pub spot: f64,
    /// Risk-free rate, continuously compounded per year.
    pub r: f64,
    /// Dividend yield, continuously compounded per year.
    pub q: f64,
    /// Initial variance v_0 (annualised variance).
    pub v0: f64,
    /// Total expected return per year (the P drift `mu`); equals `r` under Q.
    pub mu: f64,
    /// The SVCJ parameters of this measure.
    pub params: SvcjParams,
    /// Scheduled events.
    pub events: Vec<EventParams>,
    /// The measure these parameters belong to.
    pub measure: Measure,
}

impl MarketModel {
    /// This model with the drift set to `r` and the measure to Q: the model
    /// the pricing tables, `price` and `validate` use (the `[model.q]`
    /// parameters come from `crate::config::Config::market_model`).
    #[must_use]
    pub fn risk_neutral(mut self) -> MarketModel {
        self.mu = self.r;
        self.measure = Measure::Q;
        self
    }
}
