//! VIX futures, `F(t, T) = E^Q[VIX_T | v_t] = 100 E[sqrt(a v_T + c)]`, by the
//! identity `E[sqrt X] = (1/(2 sqrt pi)) int_0^inf (1 - E[e^{-s X}]) s^{-3/2} ds`
//! for `X >= 0` (from `sqrt x = (1/Gamma(1/2)) int (1 - e^{-s x}) s^{-3/2} ds / 2`)
//! with the closed-form Laplace transform of `v_T` (see [`super::transform`]).
//!
//! In `y = ln s` the integrand `(1 - L(e^y)) e^{-y/2}` decays like `e^{y/2}`
//! to the left and `e^{-y/2}` to the right; the adaptive Gauss-Legendre
//! integrator covers `[s_lo, s_hi]` with `s_lo = 1e-10 / E[X]` and
//! `s_hi = 50 / c` and the two tails are added in closed form
//! (`2 E[X] sqrt(s_lo)` and `2 / sqrt(s_hi)`, exact to `1e-10` relative and
//! `e^{-50}`).

use super::transform::VarianceTransform;
use super::VixCoefficients;
use crate::model::analytic::quadrature::adaptive_integral;
use crate::model::MarketModel;

/// Absolute tolerance of the `ln s` integral, relative to `sqrt(E[X])`.
const REL_TOL: f64 = 1e-11;

/// `E[sqrt(a v_T + c)]` for the law `tr` from `v0` (same units as `sqrt` of an
/// annualised variance). `a >= 0`, `c > 0`.
#[must_use]
pub fn expected_sqrt(tr: &VarianceTransform, v0: f64, a: f64, c: f64) -> f64 {
    expected_sqrt_counted(tr, v0, a, c).0
}

/// [`expected_sqrt`] and the number of transform evaluations.
pub(crate) fn expected_sqrt_counted(
    tr: &VarianceTransform,
    v0: f64,
    a: f64,
    c: f64,
) -> (f64, usize) {
    let mean = a * tr.mean(v0) + c;
    if mean.is_nan() || mean <= 0.0 {
        return (0.0, 0);
    }
    let s_lo = 1e-10 / mean;
    let s_hi = if c > 0.0 { 50.0 / c } else { 1e16 / mean };
    let k = tr.constants();
    let integrand = |y: f64| {
        let s = y.exp();
        let log_l = -s * c + tr.log_laplace_real_with(&k, v0, a * s);
        -log_l.exp_m1() * (-0.5 * y).exp()
    };
    let tol = REL_TOL * mean.sqrt();
    let (body, evals) = adaptive_integral(s_lo.ln(), s_hi.ln(), tol, integrand);
    let tails = 2.0 * mean * s_lo.sqrt() + 2.0 / s_hi.sqrt();
    ((body + tails) / (2.0 * std::f64::consts::PI.sqrt()), evals)
}

/// VIX future (index points) at variance `v` (annualised variance) for expiry in
/// `tau_years`, given the constant `c` of `VIX_T^2/100^2 = a v_T + c`
/// (annualised variance; `b` plus the event term at expiry, see
/// [`super::expiry_constant`]). No variance bumps before expiry: `model.events`
/// is not read; use [`vix_future_at`] for a dated contract on the calendar.
#[must_use]
pub fn vix_future(model: &MarketModel, v: f64, tau_years: f64, c: f64) -> f64 {
    let k = VixCoefficients::new(&model.params);
    let tr = VarianceTransform::new(model.params, tau_years);
    100.0 * expected_sqrt(&tr, v, k.a, c)
}

/// VIX future (index points) seen at time `t` with variance `v`, expiring at
/// `expiry` (years), on `model`'s event calendar: event variance in the VIX
/// window at expiry and variance bumps in `(t, expiry]` exactly.
#[must_use]
pub fn vix_future_at(model: &MarketModel, v: f64, t: f64, expiry: f64) -> f64 {
    let k = VixCoefficients::new(&model.params);
    let tr = VarianceTransform::with_calendar(model, t, expiry);
    let c = k.b + super::event_term(model, expiry);
    100.0 * expected_sqrt(&tr, v, k.a, c)
}

/// The Q-expected VIX curve from time 0 at variance `v`: the futures at each
/// expiry in `taus` (years), index points, on `model`'s event calendar.
#[must_use]
pub fn vix_term_structure(model: &MarketModel, v: f64, taus: &[f64]) -> Vec<f64> {
    taus.iter()
        .map(|&tau| vix_future_at(model, v, 0.0, tau))
        .collect()
}

/// `E^Q[VIX_T^2]` (index points squared) seen at `t` with variance `v`, expiring
/// at `expiry` (years): `100^2 (a E[v_T] + b + event_term(T))`, exact. By
/// Jensen, `F^2 <= E[VIX_T^2]`.
#[must_use]
pub fn vix_second_moment(model: &MarketModel, v: f64, t: f64, expiry: f64) -> f64 {
    let k = VixCoefficients::new(&model.params);
    let tr = VarianceTransform::with_calendar(model, t, expiry);
    1e4 * (k.a * tr.mean(v) + k.b + super::event_term(model, expiry))
}
