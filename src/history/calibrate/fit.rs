//! The maximisation of the quasi-likelihood and its sandwich standard errors.

use super::likelihood::{log_likelihood, terms_with_map, Data, Theta, NAMES};
use super::optimize::{hessian, invert, nelder_mead, term_gradients};
use crate::model::SvcjParams;

/// Evaluations per Nelder-Mead restart.
const EVALS_PER_START: usize = 6000;
/// Restarts of Nelder-Mead from the best point so far.
const RESTARTS: usize = 6;

/// The parameters (indices into [`NAMES`]) the calibration keeps from this
/// stage: the drift and the price-jump law.
pub const KEPT: [usize; 4] = [0, 6, 7, 9];

/// The maximum of the quasi-likelihood.
#[derive(Debug, Clone)]
pub struct QmlFit {
    /// The estimates.
    pub theta: Theta,
    /// Sandwich (Huber-White) standard errors of the [`KEPT`] parameters,
    /// in [`NAMES`] order (0 for the others); `None` when their Hessian is not
    /// invertible.
    pub stderr: Option<Vec<f64>>,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
    /// Daily observations used.
    pub days: usize,
    /// Likelihood evaluations spent.
    pub evals: usize,
}

/// A deterministic starting point from simple moments: theta at the mean
/// filtered variance with a first-guess VIX map, a moderate vol-of-vol and
/// jump part.
fn start(data: &Data) -> Theta {
    let n = data.returns.len() as f64;
    let rv = data.returns.iter().map(|r| r * r).sum::<f64>() / n * 252.0;
    let mean_r = data.returns.iter().sum::<f64>() / n * 252.0;
    Theta {
        growth: mean_r + 0.5 * rv,
        p: SvcjParams {
            kappa: 5.0,
            theta: 0.8 * rv,
            sigma_v: 0.5,
            rho: -0.7,
            lambda: 3.0,
            mu_s: -0.01,
            sigma_s: 0.015,
            mu_v: 0.02,
            rho_j: -0.3,
        },
        kappa_q: 2.0,
        theta_q: 1.5 * rv,
        mu_s_q: -0.01,
    }
}

/// Maximises the quasi-likelihood of `data` (Nelder-Mead in unconstrained
/// coordinates, restarted from the best point), then computes the sandwich
/// errors of the [`KEPT`] parameters ([`sandwich`]).
#[must_use]
pub fn fit(data: &Data) -> QmlFit {
    let objective = |z: &[f64]| -log_likelihood(data, &Theta::from_free(z));
    let mut z = start(data).to_free();
    let mut best = objective(&z);
    let mut evals = 1;
    for _ in 0..RESTARTS {
        let step: Vec<f64> = z.iter().map(|x| 0.1 * x.abs().max(0.5)).collect();
        let (zn, fnew, e) = nelder_mead(&objective, &z, &step, EVALS_PER_START, 1e-7);
        evals += e;
        let improved = fnew < best - 1e-6;
        if fnew < best {
            z = zn;
            best = fnew;
        }
        if !improved {
            break;
        }
    }
    let theta = Theta::from_free(&z);
    let stderr = sandwich(data, &theta, &KEPT);
    QmlFit {
        theta,
        stderr,
        log_likelihood: -best,
        days: data.returns.len(),
        evals,
    }
}

/// Sandwich standard errors of the parameters `which` (indices into
/// [`NAMES`]) at `theta`, holding the others fixed: `H^-1 J H^-1` in natural
/// coordinates, H the Hessian of the total log-likelihood in those
/// coordinates and J the sum of outer products of the per-day scores (both
/// by central differences), with the VIX map (so the filtered variance) held
/// at the estimate's. Conditional on the other parameters, so they
/// understate the joint uncertainty; the others are left out because the
/// VIX map's parameters sit on the feasibility bound (no day may filter to
/// the variance floor), where the likelihood has no regular curvature.
/// Entries outside `which` are 0.
#[must_use]
pub fn sandwich(data: &Data, theta: &Theta, which: &[usize]) -> Option<Vec<f64>> {
    let full = theta.to_vec();
    let embed = |y: &[f64]| {
        let mut x = full.clone();
        for (k, &i) in which.iter().enumerate() {
            x[i] = y[k];
        }
        Theta::from_vec(&x)
    };
    let y: Vec<f64> = which.iter().map(|&i| full[i]).collect();
    // The filtered variance stays that of the estimate.
    let map = theta.vix();
    let total = |y: &[f64]| terms_with_map(data, &embed(y), &map).iter().sum::<f64>();
    let h = hessian(&total, &y);
    let scores = term_gradients(&|y: &[f64]| terms_with_map(data, &embed(y), &map), &y);
    let n = which.len();
    let mut j = vec![vec![0.0; n]; n];
    for s in &scores {
        for a in 0..n {
            for b in 0..n {
                j[a][b] += s[a] * s[b];
            }
        }
    }
    let neg_h: Vec<Vec<f64>> = h.iter().map(|r| r.iter().map(|v| -v).collect()).collect();
    let hi = invert(&neg_h)?;
    let mut out = vec![0.0; NAMES.len()];
    for (a, &i) in which.iter().enumerate() {
        let mut v = 0.0;
        for b in 0..n {
            for c in 0..n {
                v += hi[a][b] * j[b][c] * hi[c][a];
            }
        }
        out[i] = v.max(0.0).sqrt();
    }
    Some(out)
}
