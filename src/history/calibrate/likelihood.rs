//! The quasi-likelihood of daily (SPX log return, VIX) pairs under a daily
//! discretisation of SVCJ with the VIX as an exact affine function of v
//! (`docs/history.md`, "Calibration").

use std::f64::consts::PI;

use crate::model::analytic::norm_cdf;
use crate::model::vix::{VixCoefficients, VIX_WINDOW_YEARS};
use crate::model::SvcjParams;

/// Step of the discretisation, years: one trading day.
pub const DT: f64 = 1.0 / 252.0;

pub use crate::model::vix::V_FLOOR;

/// The estimated parameters, in natural units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theta {
    /// Expected log-price growth before the variance and jump terms, per year:
    /// `mu - q` of the model (the price index's drift).
    pub growth: f64,
    /// The SVCJ parameters under P.
    pub p: SvcjParams,
    /// Mean-reversion speed under Q, per year.
    pub kappa_q: f64,
    /// Long-run diffusive variance under Q, annualised variance.
    pub theta_q: f64,
    /// Mean log-price jump at a zero variance jump under Q (log price).
    pub mu_s_q: f64,
}

/// Names of the parameter vector's entries, in order.
pub const NAMES: [&str; 12] = [
    "mu - q", "kappa", "theta", "sigma_v", "rho", "lambda", "mu_s", "sigma_s", "mu_v", "rho_j",
    "q.kappa", "q.theta",
];

impl Theta {
    /// The natural parameters as a vector in [`NAMES`] order.
    #[must_use]
    pub fn to_vec(&self) -> Vec<f64> {
        let p = &self.p;
        vec![
            self.growth,
            p.kappa,
            p.theta,
            p.sigma_v,
            p.rho,
            p.lambda,
            p.mu_s,
            p.sigma_s,
            p.mu_v,
            p.rho_j,
            self.kappa_q,
            self.theta_q,
        ]
    }

    /// The parameters of a vector in [`NAMES`] order.
    #[must_use]
    pub fn from_vec(x: &[f64]) -> Self {
        Self {
            growth: x[0],
            p: SvcjParams {
                kappa: x[1],
                theta: x[2],
                sigma_v: x[3],
                rho: x[4],
                lambda: x[5],
                mu_s: x[6],
                sigma_s: x[7],
                mu_v: x[8],
                rho_j: x[9],
            },
            kappa_q: x[10],
            theta_q: x[11],
            mu_s_q: x[6],
        }
    }

    /// Natural to unconstrained coordinates (of [`Self::to_vec`]): logs of the positive entries,
    /// atanh of the correlation.
    #[must_use]
    pub fn to_free(&self) -> Vec<f64> {
        let x = self.to_vec();
        x.iter()
            .enumerate()
            .map(|(i, &v)| match i {
                0 | 6 | 9 => v,
                4 => v.clamp(-0.999_999, 0.999_999).atanh(),
                _ => v.ln(),
            })
            .collect()
    }

    /// Unconstrained to natural coordinates (the inverse of [`Self::to_free`]).
    #[must_use]
    pub fn from_free(z: &[f64]) -> Self {
        let x: Vec<f64> = z
            .iter()
            .enumerate()
            .map(|(i, &v)| match i {
                0 | 6 | 9 => v,
                4 => v.tanh(),
                _ => v.exp(),
            })
            .collect();
        Self::from_vec(&x)
    }

    /// The Q parameters: `[model.q]` sets `kappa`, `theta` and `mu_s`, every
    /// other key takes its P value.
    #[must_use]
    pub fn q(&self) -> SvcjParams {
        SvcjParams {
            kappa: self.kappa_q,
            theta: self.theta_q,
            mu_s: self.mu_s_q,
            ..self.p
        }
    }

    /// The VIX coefficients `VIX^2/100^2 = a v + b` under Q.
    #[must_use]
    pub fn vix(&self) -> VixCoefficients {
        VixCoefficients::new(&self.q())
    }
}

/// Daily observations: SPX log returns and VIX^2/100^2.
#[derive(Debug, Clone)]
pub struct Data {
    /// ln(S_t / S_{t-1}) for t = 1..n.
    pub returns: Vec<f64>,
    /// VIX_t^2 / 100^2 for t = 0..n.
    pub vix2: Vec<f64>,
}

impl Data {
    /// The observations of SPX and VIX closes.
    #[must_use]
    pub fn new(spx: &[f64], vix: &[f64]) -> Self {
        Self {
            returns: spx.windows(2).map(|w| (w[1] / w[0]).ln()).collect(),
            vix2: vix.iter().map(|v| v * v / 1e4).collect(),
        }
    }
}

/// The filtered variance `max((VIX^2/100^2 - b) / a, V_FLOOR)`.
#[must_use]
pub fn filtered(vix2: f64, k: &VixCoefficients) -> f64 {
    ((vix2 - k.b) / k.a).max(V_FLOOR)
}

/// ln Phi(u), accurate in the far lower tail.
fn ln_norm_cdf(u: f64) -> f64 {
    if u > -30.0 {
        norm_cdf(u).ln()
    } else {
        // Phi(u) = phi(u) / |u| (1 - 1/u^2 + 3/u^4 - ...).
        let u2 = u * u;
        -0.5 * u2 - (-u).ln() - 0.5 * (2.0 * PI).ln() + (1.0 - 1.0 / u2 + 3.0 / (u2 * u2)).ln()
    }
}

/// ln of the bivariate normal density at (x, y) with variances `sxx`, `syy`
/// and covariance `sxy`; also returns the precision matrix entries.
fn ln_bvn(x: f64, y: f64, sxx: f64, syy: f64, sxy: f64) -> (f64, [f64; 3]) {
    let det = sxx * syy - sxy * sxy;
    let (pxx, pyy, pxy) = (syy / det, sxx / det, -sxy / det);
    let q = pxx * x * x + 2.0 * pxy * x * y + pyy * y * y;
    (-(2.0 * PI).ln() - 0.5 * det.ln() - 0.5 * q, [pxx, pyy, pxy])
}

/// Per-day log-likelihood terms of `data` under `theta`, t = 1..n: the
/// Bernoulli mixture (no jump, or one SVCJ jump in the day) of the Euler
/// step of (ln S, v) from the filtered v_{t-1}, with the exponential
/// variance jump integrated in closed form, plus the Jacobian -ln a of the
/// map from v to VIX^2. `NaN`/-inf terms mean the parameters are infeasible
/// (among them a VIX map under which some day's filtered variance would be
/// at the floor).
#[must_use]
pub fn terms(data: &Data, theta: &Theta) -> Vec<f64> {
    terms_with_map(data, theta, &theta.vix())
}

/// [`terms`] with the VIX map `k` given rather than computed from `theta`'s
/// Q parameters (to vary P parameters with the filtered variance held fixed).
#[must_use]
pub fn terms_with_map(data: &Data, theta: &Theta, k: &VixCoefficients) -> Vec<f64> {
    let p = &theta.p;
    let lam_dt = p.lambda * DT;
    if !(lam_dt < 1.0 && p.rho_j * p.mu_v < 1.0 && k.a > 0.0 && p.rho.abs() < 1.0) {
        return vec![f64::NEG_INFINITY; data.returns.len()];
    }
    // A map that floors some day's variance is infeasible: a floored day
    // carries no information on v and would let the fit explain it exactly.
    let v_min = data.vix2.iter().copied().fold(f64::INFINITY, f64::min);
    if (v_min - k.b) / k.a <= V_FLOOR {
        return vec![f64::NEG_INFINITY; data.returns.len()];
    }
    let (ln_nj, ln_j) = ((1.0 - lam_dt).ln(), lam_dt.ln());
    let mbar = p.mbar();
    let jacobian = -k.a.ln();
    let mut v_prev = filtered(data.vix2[0], k);
    let mut out = Vec::with_capacity(data.returns.len());
    for (t, &r) in data.returns.iter().enumerate() {
        let v_next = filtered(data.vix2[t + 1], k);
        let v = v_prev;
        let m_r = (theta.growth - p.lambda * mbar - 0.5 * v) * DT;
        let m_v = p.kappa * (p.theta - v) * DT;
        let (srr, svv, srv) = (
            v * DT,
            p.sigma_v * p.sigma_v * v * DT,
            p.rho * p.sigma_v * v * DT,
        );
        let (x, y) = (r - m_r, v_next - v - m_v);
        let (l0, _) = ln_bvn(x, y, srr, svv, srv);
        // One jump of variance size z ~ Exp(mu_v): the mean moves by
        // (mu_s + rho_j z, z) and the return variance grows by sigma_s^2.
        let xj = x - p.mu_s;
        let (lj0, [pxx, pyy, pxy]) = ln_bvn(xj, y, srr + p.sigma_s * p.sigma_s, svv, srv);
        let (d0, d1) = (p.rho_j, 1.0);
        let a = d0 * d0 * pxx + 2.0 * d0 * d1 * pxy + d1 * d1 * pyy;
        let b = d0 * (pxx * xj + pxy * y) + d1 * (pxy * xj + pyy * y);
        let c = (b - 1.0 / p.mu_v) / a;
        let l1 = lj0 - p.mu_v.ln()
            + 0.5 * a * c * c
            + 0.5 * (2.0 * PI / a).ln()
            + ln_norm_cdf(c * a.sqrt());
        let (u0, u1) = (ln_nj + l0, ln_j + l1);
        let hi = u0.max(u1);
        out.push(hi + ((u0 - hi).exp() + (u1 - hi).exp()).ln() + jacobian);
        v_prev = v_next;
    }
    out
}

/// The total log-likelihood (`-inf` when infeasible).
#[must_use]
pub fn log_likelihood(data: &Data, theta: &Theta) -> f64 {
    let s: f64 = terms(data, theta).iter().sum();
    if s.is_nan() {
        f64::NEG_INFINITY
    } else {
        s
    }
}

/// The length of the VIX window, years (30 calendar days), re-exported for
/// the realised-variance comparison.
pub const WINDOW_YEARS: f64 = VIX_WINDOW_YEARS;

#[cfg(test)]
mod tests {
    use super::*;

    /// The closed-form jump density against a direct quadrature over z.
    #[test]
    fn the_jump_integral_matches_quadrature() {
        let theta = Theta {
            growth: 0.06,
            p: SvcjParams {
                kappa: 4.0,
                theta: 0.03,
                sigma_v: 0.5,
                rho: -0.7,
                lambda: 200.0,
                mu_s: -0.02,
                sigma_s: 0.015,
                mu_v: 0.03,
                rho_j: -0.4,
            },
            kappa_q: 2.0,
            theta_q: 0.05,
            mu_s_q: -0.02,
        };
        let k = theta.vix();
        // A day with a large variance rise and a loss: the jump branch matters.
        let v0 = 0.03;
        let v1 = 0.06;
        let r = -0.035;
        let data = Data {
            returns: vec![r],
            vix2: vec![k.a * v0 + k.b, k.a * v1 + k.b],
        };
        let got = terms(&data, &theta)[0];
        let p = &theta.p;
        let m_r = (theta.growth - p.lambda * p.mbar() - 0.5 * v0) * DT;
        let m_v = p.kappa * (p.theta - v0) * DT;
        let (srr, svv, srv) = (
            v0 * DT,
            p.sigma_v.powi(2) * v0 * DT,
            p.rho * p.sigma_v * v0 * DT,
        );
        let dens = |x: f64, y: f64, sxx: f64| ln_bvn(x, y, sxx, svv, srv).0.exp();
        let no_jump = dens(r - m_r, v1 - v0 - m_v, srr);
        let n = 200_000;
        let z_max = 40.0 * p.mu_v;
        let h = z_max / f64::from(n);
        let mut jump = 0.0;
        for i in 0..n {
            let z = (f64::from(i) + 0.5) * h;
            let x = r - m_r - p.mu_s - p.rho_j * z;
            let y = v1 - v0 - m_v - z;
            jump += dens(x, y, srr + p.sigma_s.powi(2)) * (-z / p.mu_v).exp() / p.mu_v * h;
        }
        let lam = p.lambda * DT;
        let want = ((1.0 - lam) * no_jump + lam * jump).ln() - k.a.ln();
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    }
}
