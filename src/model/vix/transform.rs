//! The Laplace transform of the variance `v_T` under SVCJ (Q parameters), with
//! deterministic variance bumps, in closed form.
//!
//! For `Re s >= 0` (and on the imaginary axis, where it is the characteristic
//! function), `E[e^{-s v_T} | v_0] = exp(A(s, T) + B(s, T) v_0 + jumps + bumps)`:
//!
//! - CIR part (Cox, Ingersoll and Ross 1985): with `e = e^{-kappa T}`,
//!   `c_T = sigma_v^2 (1 - e)/(2 kappa)` and `D = 1 + s c_T`,
//!   `B = -s e / D` and `A = -(2 kappa theta / sigma_v^2) ln D`, evaluated as
//!   `-theta s (1 - e) ln(1 + s c_T)/(s c_T)` so it stays exact as
//!   `sigma_v -> 0`.
//! - Exponential variance jumps of mean `mu_v` at rate `lambda` (Duffie, Pan and
//!   Singleton 2000): `lambda int_0^T (1/(1 - mu_v B(s, u)) - 1) du`. With
//!   `x = e^{-kappa u}` the integrand is `-mu_v s x / (P + Q x)`,
//!   `P = 1 + s sigma_v^2/(2 kappa)`, `Q = s (mu_v - sigma_v^2/(2 kappa))`, so the
//!   integral is `-(mu_v s / kappa) (1 - e)/(P + Q e) * ln(1 + z)/z`,
//!   `z = Q (1 - e)/(P + Q e)`. On `Re s >= 0` every factor has positive real
//!   part, so principal logarithms are the continuous branch.
//! - A deterministic bump `beta` at time to go `h` adds `B(s, h) beta`.
//!
//! Also real `s < 0` down to the moment-generating bound (used for tail
//! bounds): valid while `D`, `P + Q` and `P + Q e` stay positive.

use num_complex::Complex64;

use super::decay_integral;
use crate::model::analytic::cf::log1p_over;
use crate::model::{MarketModel, SvcjParams};

/// `ln(1 + z) / z` for real `z > -1`, with the series near 0 (the real twin
/// of `analytic::cf::log1p_over`).
fn log1p_over_real(z: f64) -> f64 {
    if z * z < 1e-10 {
        return 1.0 - z * (0.5 - z * (1.0 / 3.0 - 0.25 * z));
    }
    z.ln_1p() / z
}

/// The argument-free parts of [`VarianceTransform::log_laplace`] for one
/// transform ([`VarianceTransform::constants`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LaplaceConstants {
    /// `e^{-kappa T}`.
    e: f64,
    /// `(1 - e^{-kappa T}) / kappa`.
    one_minus_e_over_kappa: f64,
    /// `c_T = sigma_v^2 (1 - e^{-kappa T}) / (2 kappa)`.
    c_t: f64,
    /// `sigma_v^2 / (2 kappa)` (0 when `kappa <= 0`).
    half_s2k: f64,
}

/// The law of `v_T` given `v_0` over a horizon, with the bumps resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct VarianceTransform {
    /// The Q parameters.
    pub params: SvcjParams,
    /// Horizon `T`, years.
    pub tau: f64,
    /// Deterministic variance bumps as (time to go to `T` in years, size in
    /// annualised variance).
    pub bumps: Vec<(f64, f64)>,
}

impl VarianceTransform {
    /// `v_T` over `tau` years with no scheduled variance bumps.
    #[must_use]
    pub fn new(params: SvcjParams, tau: f64) -> Self {
        Self {
            params,
            tau: tau.max(0.0),
            bumps: Vec::new(),
        }
    }

    /// `v_T` at `expiry` seen from `t` (years) on `model`'s event calendar: the
    /// variance bumps of events in `(t, expiry]` are included.
    #[must_use]
    pub fn with_calendar(model: &MarketModel, t: f64, expiry: f64) -> Self {
        let (_, bumps) = super::events_between(model, t, expiry);
        Self {
            params: model.params,
            tau: (expiry - t).max(0.0),
            bumps: bumps.into_iter().map(|(u, b)| (expiry - u, b)).collect(),
        }
    }

    /// `sigma_v^2 (1 - e^{-kappa h})/(2 kappa)`: the CIR scale at time to go `h`.
    fn scale(&self, h: f64) -> f64 {
        0.5 * self.params.sigma_v * self.params.sigma_v * decay_integral(self.params.kappa, h)
    }

    /// `B(s, h) = -s e^{-kappa h} / (1 + s c_h)`.
    fn b(&self, s: Complex64, h: f64) -> Complex64 {
        -s * (-self.params.kappa * h).exp() / (1.0 + s * self.scale(h))
    }

    /// `ln E[e^{-s v_T} | v_0 = v0]` (see the module documentation).
    #[must_use]
    pub fn log_laplace(&self, v0: f64, s: Complex64) -> Complex64 {
        self.log_laplace_with(&self.constants(), v0, s)
    }

    /// The parts of [`VarianceTransform::log_laplace`] that do not depend on
    /// `s` or `v0`, for evaluating it at many arguments.
    #[must_use]
    pub fn constants(&self) -> LaplaceConstants {
        let p = &self.params;
        let t = self.tau;
        let e = (-p.kappa * t).exp();
        let one_minus_e_over_kappa = decay_integral(p.kappa, t);
        let c_t = 0.5 * p.sigma_v * p.sigma_v * one_minus_e_over_kappa;
        let half_s2k = if p.kappa > 0.0 {
            0.5 * p.sigma_v * p.sigma_v / p.kappa
        } else {
            0.0
        };
        LaplaceConstants {
            e,
            one_minus_e_over_kappa,
            c_t,
            half_s2k,
        }
    }

    /// [`VarianceTransform::log_laplace`] with its constants `k` (from
    /// [`VarianceTransform::constants`] of this transform): the same numbers.
    #[must_use]
    pub fn log_laplace_with(&self, k: &LaplaceConstants, v0: f64, s: Complex64) -> Complex64 {
        let p = &self.params;
        let (e, one_minus_e_over_kappa, c_t) = (k.e, k.one_minus_e_over_kappa, k.c_t);
        let sc = s * c_t;
        let d = 1.0 + sc;
        let mut out = -s * e / d * v0;
        // -(2 kappa theta/sigma_v^2) ln(1 + s c_T) = -kappa theta s (1-e)/kappa * log1p(sc)/sc
        out -= p.kappa * p.theta * one_minus_e_over_kappa * s * log1p_over(sc);
        if p.lambda != 0.0 && p.mu_v != 0.0 {
            let half_s2k = k.half_s2k;
            let big_p = 1.0 + s * half_s2k;
            let big_q = s * (p.mu_v - half_s2k);
            let denom = big_p + big_q * e;
            let z = big_q * (1.0 - e) / denom;
            // int_e^1 dx/(P + Q x) / kappa = (1 - e)/kappa / (P + Q e) * log1p(z)/z
            let integral = one_minus_e_over_kappa / denom * log1p_over(z);
            out -= p.lambda * p.mu_v * s * integral;
        }
        for &(h, beta) in &self.bumps {
            out += self.b(s, h) * beta;
        }
        out
    }

    /// [`VarianceTransform::log_laplace_with`] for real `s >= 0` in real
    /// arithmetic (every factor is positive there): the same value up to
    /// rounding, at a fraction of the complex cost (the VIX futures
    /// integrand).
    #[must_use]
    pub fn log_laplace_real_with(&self, k: &LaplaceConstants, v0: f64, s: f64) -> f64 {
        let p = &self.params;
        let (e, one_minus_e_over_kappa, c_t) = (k.e, k.one_minus_e_over_kappa, k.c_t);
        let sc = s * c_t;
        let d = 1.0 + sc;
        let mut out = -s * e / d * v0;
        out -= p.kappa * p.theta * one_minus_e_over_kappa * s * log1p_over_real(sc);
        if p.lambda != 0.0 && p.mu_v != 0.0 {
            let half_s2k = k.half_s2k;
            let big_p = 1.0 + s * half_s2k;
            let big_q = s * (p.mu_v - half_s2k);
            let denom = big_p + big_q * e;
            let z = big_q * (1.0 - e) / denom;
            let integral = one_minus_e_over_kappa / denom * log1p_over_real(z);
            out -= p.lambda * p.mu_v * s * integral;
        }
        for &(h, beta) in &self.bumps {
            out += -s * (-p.kappa * h).exp() / (1.0 + s * self.scale(h)) * beta;
        }
        out
    }

    /// `ln E[e^{-s v_T}]` for real `s` (see [`VarianceTransform::log_laplace`]).
    #[must_use]
    pub fn log_laplace_real(&self, v0: f64, s: f64) -> f64 {
        self.log_laplace(v0, Complex64::new(s, 0.0)).re
    }

    /// Characteristic function `E[e^{i u v_T}]`.
    #[must_use]
    pub fn cf(&self, v0: f64, u: f64) -> Complex64 {
        self.log_laplace(v0, Complex64::new(0.0, -u)).exp()
    }

    /// [`VarianceTransform::cf`] with the constants `k` of this transform.
    #[must_use]
    pub fn cf_with(&self, k: &LaplaceConstants, v0: f64, u: f64) -> Complex64 {
        self.log_laplace_with(k, v0, Complex64::new(0.0, -u)).exp()
    }

    /// `E[v_T]`, annualised variance: `v0 e + theta* (1 - e) + sum beta e^{-kappa h}`.
    #[must_use]
    pub fn mean(&self, v0: f64) -> f64 {
        let p = &self.params;
        let e = (-p.kappa * self.tau).exp();
        let w = decay_integral(p.kappa, self.tau);
        let bumps: f64 = self
            .bumps
            .iter()
            .map(|&(h, beta)| beta * (-p.kappa * h).exp())
            .sum();
        v0 * e + (p.kappa * p.theta + p.lambda * p.mu_v) * w + bumps
    }

    /// Standard deviation of the diffusive part of `v_T` (annualised
    /// variance): `sqrt(v0 sigma_v^2 e (1 - e)/kappa + theta sigma_v^2 (1 - e)^2/(2 kappa))`,
    /// the width of the peak of its density.
    #[must_use]
    pub fn diffusion_sd(&self, v0: f64) -> f64 {
        let p = &self.params;
        let e = (-p.kappa * self.tau).exp();
        let w = decay_integral(p.kappa, self.tau);
        let s2 = p.sigma_v * p.sigma_v;
        (v0 * s2 * e * w + 0.5 * p.theta.max(0.0) * s2 * w * w * p.kappa.max(0.0)).sqrt()
    }

    /// A level `x` (annualised variance) with `P(v_T > x) <= eps`, by the
    /// Chernoff bound `P(v_T > x) <= E[e^{theta v_T}] e^{-theta x}` at
    /// `theta = 0.8 min(2 kappa/sigma_v^2, 1/mu_v)`, where the transform is finite.
    /// `None` when neither bound exists (no vol of vol and no variance jumps).
    #[must_use]
    pub fn upper_quantile_bound(&self, v0: f64, eps: f64) -> Option<f64> {
        let p = &self.params;
        let lim_cir = if p.sigma_v > 0.0 && p.kappa > 0.0 {
            2.0 * p.kappa / (p.sigma_v * p.sigma_v)
        } else if p.sigma_v > 0.0 {
            1.0 / (p.sigma_v * p.sigma_v * self.tau.max(1e-12))
        } else {
            f64::INFINITY
        };
        let lim_jump = if p.lambda > 0.0 && p.mu_v > 0.0 {
            1.0 / p.mu_v
        } else {
            f64::INFINITY
        };
        let theta = 0.8 * lim_cir.min(lim_jump);
        if !theta.is_finite() {
            return None;
        }
        let log_mgf = self.log_laplace_real(v0, -theta);
        log_mgf.is_finite().then(|| (log_mgf - eps.ln()) / theta)
    }
}
