//! The simulated method of moments stage of the calibration: the variance
//! dynamics under P and the VIX map under Q chosen so the model's facts
//! come as close as possible to the history's, in units of each fact's
//! band (`docs/history.md`, "Calibration").

use super::likelihood::Theta;
use crate::backend::{Device, PathEngine};
use crate::config::{Config, InitialVariance};
use crate::history::bands::{Tolerance, ROWS};
use crate::history::facts::Facts;
use crate::history::model::model_closes;

/// The parameters the moments estimate, in the order of their coordinates.
pub const FREE: [&str; 8] = [
    "kappa", "theta", "sigma_v", "rho", "lambda", "mu_v", "q.kappa", "q.mu_s",
];

/// What one evaluation of the moments needs.
#[derive(Debug, Clone)]
pub struct Moments<'a> {
    /// The history's facts (the targets).
    pub history: &'a Facts,
    /// Config the candidate parameters are written into (books, regimes,
    /// horizon = window, seed, steps a day).
    pub base: &'a Config,
    /// Simulated paths per evaluation (common random numbers: the same seed
    /// and paths for every candidate).
    pub paths: usize,
    /// The history's lowest VIX^2/100^2: a VIX map must filter it to a
    /// variance above the floor.
    pub min_vix2: f64,
}

/// The calibrated config: `base` with the P and Q parameters of `theta`
/// (`[model.q]` sets only kappa and theta) and a stationary start.
#[must_use]
pub fn config_of(theta: &Theta, base: &Config) -> Config {
    let mut c = base.clone();
    let p = &theta.p;
    c.model.mu = theta.growth + c.market.q;
    c.model.kappa = p.kappa;
    c.model.theta = p.theta;
    c.model.sigma_v = p.sigma_v;
    c.model.rho = p.rho;
    c.model.lambda = p.lambda;
    c.model.mu_s = p.mu_s;
    c.model.sigma_s = p.sigma_s;
    c.model.mu_v = p.mu_v;
    c.model.rho_j = p.rho_j;
    c.model.q = crate::config::QOverrides {
        kappa: Some(theta.kappa_q),
        theta: Some(theta.theta_q),
        mu_s: Some(theta.mu_s_q),
        ..Default::default()
    };
    c.market.v0 = InitialVariance::Stationary;
    c
}

/// Each banded fact's distance from the history in units of its band, in
/// the order of [`ROWS`] (rows without a band left out): a model meets
/// every band when each entry is at most 1 in absolute value.
#[must_use]
pub fn band_distances(model: &Facts, history: &Facts) -> Vec<f64> {
    ROWS.iter()
        .filter_map(|r| {
            let (m, h) = ((r.get)(model), (r.get)(history));
            r.band.map(|t| match t {
                Tolerance::Abs(t) => (m - h) / t,
                Tolerance::Rel(t) => (m - h) / (t * h.abs()),
            })
        })
        .collect()
}

impl Moments<'_> {
    /// The model's facts at `theta` (CPU, the base's seed).
    ///
    /// # Errors
    /// Invalid parameters for the path kernel.
    pub fn facts(&self, theta: &Theta) -> anyhow::Result<Facts> {
        let c = config_of(theta, self.base);
        let engine = PathEngine::new(&Device::Cpu)?;
        Ok(model_closes(&engine, &c, self.paths)?.facts(&c.regimes))
    }

    /// The objective: the sum of squared band distances (so each fact is
    /// weighted by one over its band squared). Infinite when the parameters
    /// cannot be simulated, or when their VIX map would filter the history's
    /// lowest VIX to the variance floor.
    #[must_use]
    pub fn objective(&self, theta: &Theta) -> f64 {
        let k = theta.vix();
        if (self.min_vix2 - k.b) / k.a <= super::likelihood::V_FLOOR {
            return f64::INFINITY;
        }
        match self.facts(theta) {
            Ok(f) => {
                let d = band_distances(&f, self.history);
                let s: f64 = d.iter().map(|x| x * x).sum();
                if s.is_finite() {
                    s
                } else {
                    f64::INFINITY
                }
            }
            Err(_) => f64::INFINITY,
        }
    }
}

/// `theta` with the [`FREE`] parameters at the unconstrained `z`: logs of
/// the positive ones, atanh of rho, and for `q.mu_s` the log of the price-jump
/// premium `mu_s - q.mu_s` (a crash premium: jumps under Q are at least as
/// negative as under P); the Q long-run variance
/// follows from `kappa_Q theta_Q = kappa theta` (the same diffusive variance
/// drift under both measures).
#[must_use]
pub fn with_free(theta: &Theta, z: &[f64]) -> Theta {
    let mut t = *theta;
    t.p.kappa = z[0].exp();
    t.p.theta = z[1].exp();
    t.p.sigma_v = z[2].exp();
    t.p.rho = z[3].tanh();
    t.p.lambda = z[4].exp();
    t.p.mu_v = z[5].exp();
    t.kappa_q = z[6].exp();
    t.mu_s_q = t.p.mu_s - z[7].exp();
    t.theta_q = t.p.kappa * t.p.theta / t.kappa_q;
    t
}

/// The unconstrained coordinates of `theta`'s [`FREE`] parameters.
#[must_use]
pub fn free_of(theta: &Theta) -> Vec<f64> {
    vec![
        theta.p.kappa.ln(),
        theta.p.theta.ln(),
        theta.p.sigma_v.ln(),
        theta.p.rho.clamp(-0.999_999, 0.999_999).atanh(),
        theta.p.lambda.ln(),
        theta.p.mu_v.ln(),
        theta.kappa_q.ln(),
        (theta.p.mu_s - theta.mu_s_q).max(1e-6).ln(),
    ]
}
