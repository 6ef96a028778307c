//! CPU twin of `shaders/shared/burn_in.wgsl`: the stationary start of
//! `market.v0 = "stationary"`.
//!
//! # The algorithm (both backends follow it operation for operation)
//!
//! With `burn_steps = n > 0` ([`SimParams::with_burn_in`]), path `path`
//! starts from `v = v0` (the stationary mean `theta + lambda mu_v / kappa`)
//! and takes `n` variance-only steps of `h` years (`h = min(1/52,
//! 0.1/kappa)`, `n = ceil(5 / (kappa h))`, so at least 5/kappa years). Step
//! `k` draws from the Philox counter `(path, k, block, 1)`: counter word 3 is
//! 1, so these draws never meet the path's own `(path, step, block, 0)`.
//!
//! 1. Block 0: `z_v = box_muller(w0, w1).0`, `u_v = uniform(w2)`,
//!    `u_j = uniform(w3)`.
//! 2. Andersen's QE step of v over h (the path kernel's step 2 with the
//!    burn-in coefficients `burn_exp_kdt`, `burn_qe_c1`, `burn_qe_c2`; no
//!    martingale correction: the price is not simulated).
//! 3. Jumps: the Poisson(lambda h) count by inversion of `u_j` (truncated at
//!    `max_jumps`); jump `j` draws block `16 + j`: `Z_v = mu_v
//!    exponential(w2)`, placed at the fraction `uniform(w3)` of the step and
//!    decayed to the step's end: `v' += Z_v decay_rest_of_step(kappa h,
//!    uniform(w3))`.
//!
//! QE matches the exact conditional mean and variance of the square-root
//! diffusion over any step, and the jumps are placed and decayed exactly up
//! to the cubic decay polynomial (kappa h <= 0.1: within 5e-6), so the chain's
//! stationary mean and variance are the model's
//! (`theta + lambda mu_v / kappa`, `(sigma_v^2 E[v] + 2 lambda mu_v^2) / (2 kappa)`)
//! whatever h. Scheduled events are not applied in the burn-in (they are tied
//! to the path's calendar, which starts at day 0).

use super::path_step::{
    box_muller_lane, decay_rest_of_step, jump_count, ln_lane, philox_lanes_w3, LANES,
};
use crate::shared::math::{box_muller, exponential, ln_portable, uniform};
use crate::shared::params::SimParams;
use crate::shared::philox::{philox4x32_10, BLOCK_JUMP0};

/// Counter word 3 of every burn-in draw.
pub const BURN_IN_WORD3: u32 = 1;

/// The variance of global path `path` at day 0: `p.v0` without a burn-in,
/// else the end of its burn-in (see the module documentation).
#[must_use]
pub fn start_variance(p: &SimParams, path: u32) -> f32 {
    let key = [p.key0, p.key1];
    let mut v = p.v0;
    for k in 0..p.burn_steps {
        let w = philox4x32_10([path, k, 0, BURN_IN_WORD3], key);
        let (z_v, _) = box_muller(w[0], w[1]);
        let u_v = uniform(w[2]);
        let u_j = uniform(w[3]);
        let m = p.theta + (v - p.theta) * p.burn_exp_kdt;
        let s2 = v * p.burn_qe_c1 + p.burn_qe_c2;
        let psi = s2 / (m * m);
        let mut vn = if psi <= 1.5 {
            let t = 2.0 / psi;
            let b2 = t - 1.0 + t.sqrt() * (t - 1.0).sqrt();
            let a = m / (1.0 + b2);
            let zb = b2.sqrt() + z_v;
            a * (zb * zb)
        } else {
            let pz = (psi - 1.0) / (psi + 1.0);
            let beta = (1.0 - pz) / m;
            if u_v <= pz {
                0.0
            } else {
                ln_portable((1.0 - pz) / (1.0 - u_v)) / beta
            }
        };
        if u_j > p.burn_poisson_p0 {
            let n = jump_count(u_j, p.burn_poisson_p0, p.burn_lambda_dt, p.max_jumps);
            for j in 0..n {
                let wj = philox4x32_10([path, k, BLOCK_JUMP0 + j, BURN_IN_WORD3], key);
                let zv = p.mu_v * exponential(wj[2]);
                vn += zv * decay_rest_of_step(p.burn_kappa_dt, uniform(wj[3]));
            }
        }
        v = vn;
    }
    v
}

/// [`start_variance`] of `LANES` paths at once, bit for bit (the lanes
/// draw their Philox blocks together; a lane with fewer jumps than another
/// ignores the extra draws).
#[must_use]
pub fn start_variance_lanes(p: &SimParams, paths: &[u32; LANES]) -> [f32; LANES] {
    let key = [p.key0, p.key1];
    let mut v = [p.v0; LANES];
    for k in 0..p.burn_steps {
        // Counter words 1, 2 and 3: step, block and the burn-in's word 3.
        let w = philox_lanes_w3(paths, k, 0, BURN_IN_WORD3, key);
        let mut n_jumps = [0u32; LANES];
        let mut max_jumps = 0u32;
        for l in 0..LANES {
            let (z_v, _) = box_muller_lane(w[0][l], w[1][l]);
            let u_v = uniform(w[2][l]);
            let u_j = uniform(w[3][l]);
            let m = p.theta + (v[l] - p.theta) * p.burn_exp_kdt;
            let s2 = v[l] * p.burn_qe_c1 + p.burn_qe_c2;
            let psi = s2 / (m * m);
            v[l] = if psi <= 1.5 {
                let t = 2.0 / psi;
                let b2 = t - 1.0 + t.sqrt() * (t - 1.0).sqrt();
                let a = m / (1.0 + b2);
                let zb = b2.sqrt() + z_v;
                a * (zb * zb)
            } else {
                let pz = (psi - 1.0) / (psi + 1.0);
                let beta = (1.0 - pz) / m;
                if u_v <= pz {
                    0.0
                } else {
                    ln_lane((1.0 - pz) / (1.0 - u_v)) / beta
                }
            };
            if u_j > p.burn_poisson_p0 {
                let n = jump_count(u_j, p.burn_poisson_p0, p.burn_lambda_dt, p.max_jumps);
                n_jumps[l] = n;
                max_jumps = max_jumps.max(n);
            }
        }
        for j in 0..max_jumps {
            let wj = philox_lanes_w3(paths, k, BLOCK_JUMP0 + j, BURN_IN_WORD3, key);
            for l in 0..LANES {
                if j < n_jumps[l] {
                    let e = -ln_lane(uniform(wj[2][l]));
                    let zv = p.mu_v * e;
                    v[l] += zv * decay_rest_of_step(p.burn_kappa_dt, uniform(wj[3][l]));
                }
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MarketModel, Measure, SvcjParams};

    /// The burn-in's draws across paths have the stationary mean and variance
    /// of v. With 40,000 paths the standard error of the mean is about 0.5%
    /// of it and of the variance about 2-3%; the bounds are 4 standard
    /// errors (a correct build fails far less than once in 10^4 runs).
    #[test]
    fn burn_in_reaches_the_stationary_moments() {
        let params = SvcjParams {
            kappa: 3.0,
            theta: 0.02,
            sigma_v: 0.4,
            rho: -0.7,
            lambda: 2.0,
            mu_s: -0.02,
            sigma_s: 0.03,
            mu_v: 0.03,
            rho_j: -0.5,
        };
        let model = MarketModel {
            spot: 100.0,
            r: 0.03,
            q: 0.0,
            v0: 0.5,
            mu: 0.08,
            params,
            events: vec![],
            measure: Measure::P,
        };
        let p = SimParams::new(&model, 1, 1, 42)
            .unwrap()
            .with_burn_in(&params);
        assert_eq!(p.burn_steps, 87, "ceil(5 * 52 / 3)");
        let n = 40_000u32;
        let draws: Vec<f64> = (0..n).map(|i| f64::from(start_variance(&p, i))).collect();
        let mean = draws.iter().sum::<f64>() / f64::from(n);
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / f64::from(n - 1);
        let m_want = params.theta_star();
        let v_want = (params.sigma_v.powi(2) * m_want + 2.0 * params.lambda * params.mu_v.powi(2))
            / (2.0 * params.kappa);
        let se_m = (v_want / f64::from(n)).sqrt();
        assert!(
            (mean - m_want).abs() < 4.0 * se_m,
            "mean {mean} vs {m_want} (se {se_m})"
        );
        // Standard error of the sample variance from the sample's fourth moment.
        let m4 = draws.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / f64::from(n);
        let se_v = ((m4 - var * var) / f64::from(n)).sqrt();
        assert!(
            (var - v_want).abs() < 4.0 * se_v,
            "var {var} vs {v_want} (se {se_v})"
        );
        // The lanes version is the scalar one, bit for bit.
        for first in [0u32, 4000, 39_984] {
            let paths: [u32; LANES] = std::array::from_fn(|l| first + l as u32);
            let lanes = start_variance_lanes(&p, &paths);
            for l in 0..LANES {
                assert_eq!(
                    lanes[l].to_bits(),
                    (draws[(first as usize) + l] as f32).to_bits()
                );
            }
        }
        // No burn-in: v0 itself.
        let plain = SimParams::new(&model, 1, 1, 42).unwrap();
        assert_eq!(start_variance(&plain, 7), 0.5);
    }
}
