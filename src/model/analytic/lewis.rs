//! European prices by Lewis's (2001) single-integral formula.
//!
//! With `F = S e^{(r-q)t}`, `D = e^{-rt}`, `k = ln(K/F)` and `phi~` the
//! characteristic function of `ln(S_t/F)`:
//!
//! `call = D (F - sqrt(F K)/pi int_0^inf Re[e^{-i u k} phi~(u - i/2)] / (u^2 + 1/4) du)`
//!
//! and `put = call - D (F - K)` (the same integral, so parity holds to rounding).
//! The integrand is smooth; the integral is cut at the first `U = 2^j` where the
//! tail bound `|phi~(U - i/2)| / U` falls below a tenth of the tolerance, and
//! `[0, U]` is integrated by adaptive Gauss-Legendre bisection.

use num_complex::Complex64;

use super::cf::{JumpTransform, LogReturnCf};
use super::quadrature::adaptive_integral;
use super::OptionKind;
use crate::model::MarketModel;

/// Numerical settings of [`european_price_with`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LewisSettings {
    /// Absolute tolerance on the dimensionless Lewis integral; the price error is
    /// about `e^{-rt} sqrt(F K) / pi` times this (index points).
    pub abs_tol: f64,
    /// How the SVCJ jump integral over time is evaluated (unused for Heston and
    /// Bates).
    pub jump: JumpTransform,
}

impl Default for LewisSettings {
    /// `abs_tol = 1e-13` (about 3e-12 index points at `S = K = 100`), closed-form
    /// jump transform.
    fn default() -> Self {
        Self {
            abs_tol: 1e-13,
            jump: JumpTransform::ClosedForm,
        }
    }
}

/// Largest Fourier cut-off tried, as a power of two.
const MAX_CUTOFF_DOUBLINGS: i32 = 40;

/// Price of a European option under the risk-neutral SVCJ model with scheduled
/// events, in index points.
///
/// `strike` in index points, `t` in years. `model` is read as risk-neutral: rate
/// `model.r`, dividend yield `model.q`, jumps and events compensated (see
/// [`super::log_return_cf`]). With `t <= 0` the intrinsic value at `model.spot`;
/// with `strike <= 0` a call is worth `S e^{-qt} - K e^{-rt}` and a put 0.
#[must_use]
pub fn european_price(model: &MarketModel, kind: OptionKind, strike: f64, t: f64) -> f64 {
    european_price_with(model, kind, strike, t, &LewisSettings::default())
}

/// [`european_price`] with explicit numerical settings.
#[must_use]
pub fn european_price_with(
    model: &MarketModel,
    kind: OptionKind,
    strike: f64,
    t: f64,
    settings: &LewisSettings,
) -> f64 {
    lewis_price(model, kind, strike, t, settings).0
}

/// The price and the number of characteristic-function evaluations it took.
pub(crate) fn lewis_price(
    model: &MarketModel,
    kind: OptionKind,
    strike: f64,
    t: f64,
    settings: &LewisSettings,
) -> (f64, usize) {
    let spot = model.spot;
    if t.is_nan() || t <= 0.0 {
        let intrinsic = match kind {
            OptionKind::Call => (spot - strike).max(0.0),
            OptionKind::Put => (strike - spot).max(0.0),
        };
        return (intrinsic, 0);
    }
    let discount = (-model.r * t).exp();
    let forward = spot * ((model.r - model.q) * t).exp();
    if strike <= 0.0 {
        let call = discount * (forward - strike);
        return (if kind == OptionKind::Call { call } else { 0.0 }, 0);
    }
    let cf = LogReturnCf::new(model, t, settings.jump);
    let k = (strike / forward).ln();
    let phi = |u: f64| -> Complex64 { cf.log_cf_driftless(Complex64::new(u, -0.5)).exp() };

    let tail_tol = 0.1 * settings.abs_tol;
    let mut evals = 0;
    let mut cutoff = 1.0;
    for _ in 0..MAX_CUTOFF_DOUBLINGS {
        evals += 1;
        let bound = phi(cutoff).norm() / cutoff;
        if bound < tail_tol || bound.is_nan() {
            break;
        }
        cutoff *= 2.0;
    }

    let integrand = |u: f64| -> f64 {
        let (s, c) = (u * k).sin_cos();
        let z = phi(u);
        // Re[e^{-iuk} z]
        (z.re * c + z.im * s) / (u * u + 0.25)
    };
    let (integral, n) = adaptive_integral(0.0, cutoff, settings.abs_tol, integrand);
    evals += n;

    let time_part = (forward * strike).sqrt() / std::f64::consts::PI * integral;
    let price = match kind {
        OptionKind::Call => discount * (forward - time_part),
        OptionKind::Put => discount * (strike - time_part),
    };
    // Far out of the money the subtraction can leave -1e-14: not a price.
    (price.max(0.0), evals)
}
