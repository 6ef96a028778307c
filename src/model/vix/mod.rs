//! The VIX under the model (`docs/pricing.md`): the index at a state, VIX
//! futures and VIX options, all exact under Q, and their lookup tables.
//!
//! # The index
//! The VIX squared is the risk-neutral expectation of the quadratic variation of
//! `ln S` over the next 30 calendar days, in the log-contract form
//! `VIX^2/100^2 = (2/tau) E^Q[int_t^{t+tau} (dS/S - d ln S)]` (Demeterfi, Derman,
//! Kamal and Zou 1999; Cboe VIX white paper), `tau = 30/365` years. Under SVCJ
//! with scheduled events this is
//!
//! `VIX^2/100^2 = a v + b + e(t)`, with `a = (1 - e^{-kappa tau})/(kappa tau)`,
//! `b = theta* (1 - a) + 2 lambda (mbar - mu_s - rho_j mu_v)`,
//! `theta* = theta + lambda mu_v / kappa` (all Q parameters), and `e(t)` the
//! event term of [`event_term`]. The jump term is `2 lambda E[e^Z - 1 - Z]`; a
//! scheduled event's compensated `Normal(-s^2/2, s^2)` log jump gives exactly
//! `2 E[e^Z - 1 - Z] = s^2`.
//!
//! # Calendar
//! Model time runs in trading years (one trading day is `1/252`), so the
//! 30-calendar-day window is `30/365` model years, `30 * 252 / 365 = 20.71`
//! trading days. An event of trading day `d` happens at the end of that day, at
//! time `d/252`, and is in the window of time `t` when `t < d/252 <= t + 30/365`:
//! from trading day `D` the window holds days `D + 1 ..= D + 20`.
//!
//! A variance bump `beta` at time `u` in the window raises `E[v_s]` by
//! `beta e^{-kappa (s - u)}` for `s > u`, so it adds
//! `beta (1 - e^{-kappa h}) / (kappa tau) = beta (h / tau) a(h)` to
//! `VIX^2/100^2`, `h = t + tau - u` the part of the window after the bump and
//! `a(h) = (1 - e^{-kappa h})/(kappa h)`.
//!
//! # Submodules
//! - [`transform`]: the Laplace transform and characteristic function of `v_T`.
//! - futures: `E^Q[VIX_T]` by the Laplace route (the `sqrt` identity).
//! - options: the distribution of `v_T` by the COS method (Fang and
//!   Oosterlee 2008) and VIX options from it, plus the lognormal moment match.
//! - tables: the `f32` tables the path kernels read.

mod futures;
mod options;
mod sine;
mod tables;
pub mod transform;

pub use futures::{vix_future, vix_future_at, vix_second_moment, vix_term_structure};
pub use options::{vix_option, vix_option_at, vix_option_moment_matched, VarianceDistribution};
pub use tables::{
    InterpolationError, VixTables, FUTURE_TAU_DAYS, OPTION_MONEYNESS, OPTION_TAU_DAYS, SQRT_V_RANGE,
};

use crate::model::{MarketModel, SvcjParams, TRADING_DAYS_PER_YEAR};

/// Lowest variance a VIX close is inverted to, annualised variance (a
/// volatility of 1%): the filtered variance of a historical day is
/// `max((VIX^2/100^2 - b - e(t)) / a, V_FLOOR)`.
pub const V_FLOOR: f64 = 1e-4;

/// Length of the VIX window, years: 30 calendar days.
pub const VIX_WINDOW_YEARS: f64 = 30.0 / 365.0;

/// Length of the VIX window in trading days of model time: `30 * 252 / 365`.
pub const VIX_WINDOW_TRADING_DAYS: f64 = VIX_WINDOW_YEARS * TRADING_DAYS_PER_YEAR;

/// Slack when comparing event times with window edges, in trading days.
const DAY_EPS: f64 = 1e-9;

/// `(1 - e^{-x})/x`, equal to 1 at `x = 0`, accurate for small `x`.
pub(crate) fn one_minus_exp_over(x: f64) -> f64 {
    if x.abs() < 1e-8 {
        1.0 - 0.5 * x
    } else {
        -(-x).exp_m1() / x
    }
}

/// `(1 - e^{-kappa h}) / kappa` in years (`h` when `kappa = 0`).
pub(crate) fn decay_integral(kappa: f64, h: f64) -> f64 {
    h * one_minus_exp_over(kappa * h)
}

/// The constant part of the VIX formula, `VIX^2/100^2 = a v + b` (before
/// scheduled events), for one set of Q parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VixCoefficients {
    /// Weight of the instantaneous variance, `(1 - e^{-kappa tau})/(kappa tau)`
    /// (dimensionless, 1 when `kappa = 0`).
    pub a: f64,
    /// Intercept, annualised variance: `theta* (1 - a) + 2 lambda (mbar - mu_s - rho_j mu_v)`.
    pub b: f64,
}

impl VixCoefficients {
    /// The coefficients of the Q parameters `p` (`kappa >= 0`).
    #[must_use]
    pub fn new(p: &SvcjParams) -> Self {
        let tau = VIX_WINDOW_YEARS;
        let x = p.kappa * tau;
        let a = one_minus_exp_over(x);
        // (1 - a)/kappa, kept finite as kappa -> 0 where it tends to tau/2.
        let one_minus_a_over_kappa = if x.abs() < 1e-4 {
            tau * (0.5 - x / 6.0 + x * x / 24.0)
        } else {
            (1.0 - a) / p.kappa
        };
        let theta_part = p.theta * (1.0 - a) + p.lambda * p.mu_v * one_minus_a_over_kappa;
        let jump_part = 2.0 * p.lambda * (p.mbar() - p.mu_s - p.rho_j * p.mu_v);
        Self {
            a,
            b: theta_part + jump_part,
        }
    }
}

/// Scheduled events with times in `(t0, t1]` (years): the sum of their log-jump
/// variances `s^2` and each variance bump as `(time in years, size)`.
pub(crate) fn events_between(model: &MarketModel, t0: f64, t1: f64) -> (f64, Vec<(f64, f64)>) {
    let mut jump_var = 0.0;
    let mut bumps = Vec::new();
    if model.events.is_empty() || t1 <= t0 {
        return (jump_var, bumps);
    }
    let first = (t0 * TRADING_DAYS_PER_YEAR + DAY_EPS).floor().max(0.0);
    let last = (t1 * TRADING_DAYS_PER_YEAR + DAY_EPS).floor();
    if last < 1.0 || last <= first {
        return (jump_var, bumps);
    }
    let cap = f64::from(u32::MAX - 1);
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "non-negative whole numbers clamped below u32::MAX"
    )]
    let (from, to) = (first.min(cap) as u32, last.min(cap) as u32);
    for ev in &model.events {
        for d in ev.days_in(from, to) {
            jump_var += ev.jump_sd * ev.jump_sd;
            if ev.var_bump != 0.0 {
                bumps.push((f64::from(d) / TRADING_DAYS_PER_YEAR, ev.var_bump));
            }
        }
    }
    (jump_var, bumps)
}

/// The scheduled-event part of `VIX^2/100^2` at time `t` (years), annualised
/// variance: `(sum of s^2 + sum of beta (1 - e^{-kappa h})/kappa) / tau` over the
/// events in `(t, t + 30/365]` (see the module documentation).
#[must_use]
pub fn event_term(model: &MarketModel, t: f64) -> f64 {
    let tau = VIX_WINDOW_YEARS;
    let (jump_var, bumps) = events_between(model, t, t + tau);
    let kappa = model.params.kappa;
    let bump_part: f64 = bumps
        .iter()
        .map(|&(u, beta)| beta * decay_integral(kappa, t + tau - u))
        .sum();
    (jump_var + bump_part) / tau
}

/// `VIX^2/100^2` at variance `v` (annualised variance) and time `t` (years):
/// `a v + b + event_term(t)`, annualised variance.
#[must_use]
pub fn vix_squared_at(model: &MarketModel, v: f64, t: f64) -> f64 {
    let k = VixCoefficients::new(&model.params);
    k.a * v + k.b + event_term(model, t)
}

/// The model VIX at time `t` (years) and variance `v`, index points.
#[must_use]
pub fn vix_index_at(model: &MarketModel, v: f64, t: f64) -> f64 {
    100.0 * vix_squared_at(model, v, t).max(0.0).sqrt()
}

/// The model VIX at the end of trading day `day` (0 = now) and variance `v`
/// (annualised variance), index points. `model` holds the Q parameters.
#[must_use]
pub fn vix_index(model: &MarketModel, v: f64, day: u32) -> f64 {
    vix_index_at(model, v, f64::from(day) / TRADING_DAYS_PER_YEAR)
}

/// The constant `c` of `VIX_T^2/100^2 = a v_T + c` for a future or option seen
/// at time `t` expiring at `expiry` (years): `b + event_term(expiry)` plus
/// `a sum beta e^{-kappa (expiry - u)}` for the variance bumps at times `u` in
/// `(t, expiry]`. Exact for every price when there are no variance bumps in
/// `(t, expiry]` (all shipped presets); with bumps it keeps `E[VIX_T^2]` exact
/// and treats the bump's effect on `v_T` as deterministic (the functions
/// [`vix_future_at`] and [`vix_option_at`] handle bumps exactly).
#[must_use]
pub fn expiry_constant(model: &MarketModel, t: f64, expiry: f64) -> f64 {
    let k = VixCoefficients::new(&model.params);
    let (_, bumps) = events_between(model, t, expiry);
    let kappa = model.params.kappa;
    let carried: f64 = bumps
        .iter()
        .map(|&(u, beta)| beta * (-kappa * (expiry - u)).exp())
        .sum();
    k.b + event_term(model, expiry) + k.a * carried
}

#[cfg(test)]
mod tests;
