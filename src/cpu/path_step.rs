//! CPU twin of `shaders/path_step.wgsl`: simulates SVCJ paths with scheduled
//! events to the horizon and returns each path's terminal state.
//!
//! # The algorithm (both backends follow it operation for operation)
//!
//! State per path: y = ln(S_t / S_0) (starts at 0) and v (starts at v_0). For
//! each step `k` in `0..n_steps`:
//!
//! 1. Draw block 0: `w = philox((path, k, 0, 0), key)`;
//!    `(z_v, z_x) = box_muller(w0, w1)`, `u_v = uniform(w2)`, `u_j = uniform(w3)`.
//! 2. Andersen (2008) QE step of v over dt (critical psi 1.5):
//!    `m = theta + (v - theta) e`, `s2 = v c1 + c2`, `psi = s2 / (m m)`,
//!    `A = K2 + K4/2`. Quadratic branch (psi <= 1.5): `t = 2/psi`,
//!    `b2 = t - 1 + sqrt(t) sqrt(t - 1)`, `a = m / (1 + b2)`,
//!    `v' = a (sqrt(b2) + z_v)^2`, `d = max(1 - 2 A a, 1e-6)`,
//!    `lnM = A b2 a / d - ln(d)/2`. Exponential branch: `p = (psi-1)/(psi+1)`,
//!    `beta = (1 - p)/m`, `v' = 0` if `u_v <= p` else `ln((1-p)/(1-u_v)) / beta`,
//!    `lnM = ln(p + beta (1-p) / max(beta - A, 1e-6))`.
//! 3. Log price with Andersen's martingale correction, so that the diffusion part
//!    of exp(y) is an exact martingale of the discrete scheme:
//!    K0* = -lnM - (K1 + K3/2) v, so with the K1 terms cancelled
//!    `dy = drift_dt - lnM - (K3/2) v + K2 v' + sqrt(K3 v + K4 v') z_x`, evaluated
//!    left to right, then `y += dy`.
//! 4. SVCJ jumps at the end of the step: the count N is Poisson(lambda dt) by
//!    inversion of `u_j` (truncated at `max_jumps`); jump `j` draws block
//!    `16 + j`: `z = box_muller(w0, w1).0`, `E = -ln(uniform(w2))`,
//!    `Z_v = mu_v E`, `Z_S = mu_s + rho_J Z_v + sigma_s z`; `y += Z_S`, `v' += Z_v`.
//! 5. On the last step of trading day `d` (1-based), each active event type `e`
//!    occurring on day `d` draws block `1 + e`: `z = box_muller(w0, w1).0`;
//!    `y += jump_sd z - event_comp jump_sd^2 / 2`, `v' += var_bump`.
//! 6. `v = v'`.
//!
//! Transcendentals are the portable ones of [`crate::rng`]; `sqrt` and `/` are
//! IEEE-754 correctly rounded on both sides.

use crate::rng::{box_muller, draw, exponential, ln_portable, uniform, BLOCK_EVENT0, BLOCK_JUMP0};
use crate::sim::{SimParams, TerminalState};

/// Simulates global path `path` to the horizon, one path at a time. This is the
/// plain reference the blocked kernel is tested against.
#[must_use]
pub fn simulate_path_scalar(p: &SimParams, path: u32) -> TerminalState {
    let key = [p.key0, p.key1];
    let a_mc = p.k2 + 0.5 * p.k4;
    let mut y = 0.0f32;
    let mut v = p.v0;
    for step in 0..p.n_steps {
        let w = draw(key, path, step, 0);
        let (z_v, z_x) = box_muller(w[0], w[1]);
        let u_v = uniform(w[2]);
        let u_j = uniform(w[3]);

        let m = p.theta + (v - p.theta) * p.exp_kdt;
        let s2 = v * p.qe_c1 + p.qe_c2;
        let psi = s2 / (m * m);
        let (mut vn, ln_m) = if psi <= 1.5 {
            let t = 2.0 / psi;
            let b2 = t - 1.0 + t.sqrt() * (t - 1.0).sqrt();
            let a = m / (1.0 + b2);
            let b = b2.sqrt();
            let zb = b + z_v;
            let d = (1.0 - 2.0 * a_mc * a).max(1e-6);
            (a * (zb * zb), a_mc * b2 * a / d - 0.5 * ln_portable(d))
        } else {
            let pz = (psi - 1.0) / (psi + 1.0);
            let beta = (1.0 - pz) / m;
            let vn = if u_v <= pz { 0.0 } else { ln_portable((1.0 - pz) / (1.0 - u_v)) / beta };
            let den = (beta - a_mc).max(1e-6);
            (vn, ln_portable(pz + beta * (1.0 - pz) / den))
        };
        // K0* + K1 v = -lnM - (K3/2) v: the K1 terms cancel.
        let dy = p.drift_dt - ln_m - 0.5 * p.k3 * v + p.k2 * vn + (p.k3 * v + p.k4 * vn).sqrt() * z_x;
        y += dy;

        if u_j > p.poisson_p0 {
            let mut n = 1u32;
            let mut prob = p.poisson_p0 * p.lambda_dt;
            let mut cum = p.poisson_p0 + prob;
            while u_j > cum && n < p.max_jumps {
                n += 1;
                prob *= p.lambda_dt / n as f32;
                cum += prob;
            }
            for j in 0..n {
                let wj = draw(key, path, step, BLOCK_JUMP0 + j);
                let (z, _) = box_muller(wj[0], wj[1]);
                let zv = p.mu_v * exponential(wj[2]);
                let zs = p.mu_s + p.rho_j * zv + p.sigma_s * z;
                y += zs;
                vn += zv;
            }
        }

        if (step + 1) % p.steps_per_day == 0 {
            let day = (step + 1) / p.steps_per_day;
            for (e, ev) in p.events.iter().take(p.n_events as usize).enumerate() {
                if event_on(ev.first_day, ev.every_days, day) {
                    let we = draw(key, path, step, BLOCK_EVENT0 + e as u32);
                    let (z, _) = box_muller(we[0], we[1]);
                    y += ev.jump_sd * z - p.event_comp * 0.5 * ev.jump_sd * ev.jump_sd;
                    vn += ev.var_bump;
                }
            }
        }
        v = vn;
    }
    TerminalState { y, v }
}

/// Whether an event with this calendar happens on trading day `day` (1-based).
#[inline]
#[must_use]
pub fn event_on(first_day: u32, every_days: u32, day: u32) -> bool {
    day >= first_day && (if every_days == 0 { day == first_day } else { (day - first_day) % every_days == 0 })
}
