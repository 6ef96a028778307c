//! CPU twin of `shaders/path_step.wgsl`: simulates SVCJ paths with scheduled
//! events to the horizon and returns each path's terminal state.
//!
//! # The algorithm (both backends follow it operation for operation)
//!
//! State per path: y = ln(S_t / S_0) (starts at 0) and v (starts at v_0, or
//! at the end of the path's burn-in, [`super::burn_in`]). For
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
//!    `16 + j`: `(z, z2) = box_muller(w0, w1)`, `E = -ln(uniform(w2))`,
//!    `Z_v = mu_v E`, `Z_S = mu_s + rho_J Z_v + sigma_s z`. The jump happens at
//!    the fraction `uniform(w3)` of the step, so the raised variance should have
//!    acted for the rest of the step: `h = (dt (1 - uniform(w3))) Z_v` of
//!    integrated variance is added to the log price as `sqrt(h) z2 - h/2`
//!    (without it, applying every variance jump at the step's end biases option
//!    prices low by about 0.3% at one step a day on the DPS set).
//!    `dj = Z_S + sqrt(h) z2 - h/2`, `y += dj`, and the jump's variance decays
//!    at kappa over the rest of the step:
//!    `v' += Z_v * decay_rest_of_step(kappa dt, uniform(w3))` (cubic Taylor
//!    polynomial of e^{-kappa dt (1 - u)}; without it E\[v_T\] is high by about
//!    kappa dt / 2 of the jump part).
//! 5. On the last step of trading day `d` (1-based), each active event type `e`
//!    occurring on day `d` draws block `1 + e`: `z = box_muller(w0, w1).0`;
//!    `y += jump_sd z - event_comp jump_sd^2 / 2`, `v' += var_bump`.
//! 6. `v = v'`.
//!
//! Transcendentals are the portable ones of [`crate::shared::math`]; `sqrt` and `/` are
//! IEEE-754 correctly rounded on both sides.

use crate::shared::math::{box_muller, exponential, ln_portable, uniform};
use crate::shared::params::{SimParams, TerminalState};
use crate::shared::philox::{draw, BLOCK_EVENT0, BLOCK_JUMP0};

/// Simulates global path `path` to the horizon, one path at a time. This is the
/// plain reference the blocked kernel is tested against.
#[must_use]
pub fn simulate_path_scalar(p: &SimParams, path: u32) -> TerminalState {
    let key = [p.key0, p.key1];
    let a_mc = p.k2 + 0.5 * p.k4;
    let mut y = 0.0f32;
    let mut v = super::burn_in::start_variance(p, path);
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
            let vn = if u_v <= pz {
                0.0
            } else {
                ln_portable((1.0 - pz) / (1.0 - u_v)) / beta
            };
            let den = (beta - a_mc).max(1e-6);
            (vn, ln_portable(pz + beta * (1.0 - pz) / den))
        };
        // K0* + K1 v = -lnM - (K3/2) v: the K1 terms cancel.
        let dy =
            p.drift_dt - ln_m - 0.5 * p.k3 * v + p.k2 * vn + (p.k3 * v + p.k4 * vn).sqrt() * z_x;
        y += dy;

        if u_j > p.poisson_p0 {
            apply_jumps(p, key, path, step, u_j, &mut y, &mut vn);
        }

        if (step + 1).is_multiple_of(p.steps_per_day) {
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

/// Steps 4 of the algorithm for one path whose jump uniform `u_j` exceeds
/// `poisson_p0`: the Poisson count by inversion, then each jump's price move
/// (with the integrated variance it adds before the step ends) into `y` and
/// its decayed variance into `vn`, in jump order.
#[inline]
fn apply_jumps(
    p: &SimParams,
    key: [u32; 2],
    path: u32,
    step: u32,
    u_j: f32,
    y: &mut f32,
    vn: &mut f32,
) {
    let n = jump_count(u_j, p.poisson_p0, p.lambda_dt, p.max_jumps);
    for j in 0..n {
        let wj = draw(key, path, step, BLOCK_JUMP0 + j);
        let (z, z2) = box_muller(wj[0], wj[1]);
        let zv = p.mu_v * exponential(wj[2]);
        let zs = p.mu_s + p.rho_j * zv + p.sigma_s * z;
        let h = (p.dt * (1.0 - uniform(wj[3]))) * zv;
        let dj = zs + h.sqrt() * z2 - 0.5 * h;
        *y += dj;
        *vn += zv * decay_rest_of_step(p.kappa_dt, uniform(wj[3]));
    }
}

/// e^{-kappa dt (1 - u)}: how much of a variance jump at the fraction `u` of
/// a step is left at the step's end, by its cubic Taylor polynomial
/// (kappa dt below 0.05 in any sensible setup: error below 3e-7).
#[inline(always)]
#[must_use]
pub fn decay_rest_of_step(kappa_dt: f32, u: f32) -> f32 {
    let x = kappa_dt * (1.0 - u);
    1.0 + x * (-1.0 + x * (0.5 + x * -0.166_666_67))
}

/// Whether an event with this calendar happens on trading day `day` (1-based).
#[inline]
#[must_use]
pub fn event_on(first_day: u32, every_days: u32, day: u32) -> bool {
    day >= first_day
        && (if every_days == 0 {
            day == first_day
        } else {
            (day - first_day).is_multiple_of(every_days)
        })
}

/// Paths advanced in lockstep by [`simulate_block`]: sixteen `f32` lanes fill one
/// AVX-512 register or two AVX2 registers.
pub const LANES: usize = 16;

type Lanes = [f32; LANES];
type LanesU = [u32; LANES];

/// Philox4x32-10 on `LANES` counters that differ only in word 0 (the path
/// index); words 1 and 2 (step, block) are shared by the block.
#[inline(always)]
fn philox_lanes(c0: &LanesU, c1: u32, c2: u32, key: [u32; 2]) -> [LanesU; 4] {
    philox_lanes_w3(c0, c1, c2, 0, key)
}

/// [`philox_lanes`] with counter word 3 set to `c3`.
#[inline(always)]
pub(super) fn philox_lanes_w3(
    c0: &LanesU,
    c1: u32,
    c2: u32,
    c3: u32,
    key: [u32; 2],
) -> [LanesU; 4] {
    let mut x0 = *c0;
    let mut x1 = [c1; LANES];
    let mut x2 = [c2; LANES];
    let mut x3 = [c3; LANES];
    let (mut k0, mut k1) = (key[0], key[1]);
    for round in 0..10 {
        if round > 0 {
            k0 = k0.wrapping_add(crate::shared::philox::PHILOX_W0);
            k1 = k1.wrapping_add(crate::shared::philox::PHILOX_W1);
        }
        for l in 0..LANES {
            let p0 = u64::from(crate::shared::philox::PHILOX_M0) * u64::from(x0[l]);
            let p1 = u64::from(crate::shared::philox::PHILOX_M1) * u64::from(x2[l]);
            let n0 = ((p1 >> 32) as u32) ^ x1[l] ^ k0;
            let n2 = ((p0 >> 32) as u32) ^ x3[l] ^ k1;
            x0[l] = n0;
            x1[l] = p1 as u32;
            x2[l] = n2;
            x3[l] = p0 as u32;
        }
    }
    [x0, x1, x2, x3]
}

/// Branch-free twin of [`ln_portable`] for the lane loops.
#[inline(always)]
pub(super) fn ln_lane(x: f32) -> f32 {
    let bits = x.to_bits();
    let big = (bits & 0x007f_ffff) > 0x0035_04f3;
    let e = ((bits >> 23) & 0xff) as i32 - 127 + i32::from(big);
    let m0 = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    let m = if big { m0 * 0.5 } else { m0 };
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let s2 = s * s;
    let poly = (((0.222_222_22 * s2 + 0.285_714_3) * s2 + 0.4) * s2 + 0.666_666_7) * s2 + 2.0;
    (e as f32) * std::f32::consts::LN_2 + s * poly
}

/// Branch-free twin of [`crate::shared::math::box_muller`] for the lane loops.
#[inline(always)]
pub(super) fn box_muller_lane(w0: u32, w1: u32) -> (f32, f32) {
    let u0 = uniform(w0);
    let u1 = uniform(w1);
    let r = (-2.0 * ln_lane(u0)).sqrt();
    let t = u1 * 4.0;
    let q = t as i32;
    let f = t - q as f32;
    let (s, c) = crate::shared::math::sincos_quadrant_poly(f);
    let swap = q & 1 != 0;
    let sin_sign = if q & 2 != 0 { -1.0 } else { 1.0 };
    let cos_sign = if (q + 1) & 2 != 0 { -1.0 } else { 1.0 };
    let sin_out = (if swap { c } else { s }) * sin_sign;
    let cos_out = (if swap { s } else { c }) * cos_sign;
    (r * cos_out, r * sin_out)
}

/// `LANES` consecutive global paths advanced in lockstep, one time step at a
/// time; identical, bit for bit, to [`simulate_path_scalar`] on each lane.
#[derive(Debug, Clone)]
pub struct LaneBlock {
    /// Global path index of each lane.
    pub paths: [u32; LANES],
    /// Log return ln(S_t / S_0) of each lane.
    pub y: [f32; LANES],
    /// Variance v_t of each lane.
    pub v: [f32; LANES],
}

impl LaneBlock {
    /// The block of paths `first_path .. first_path + LANES` at time 0.
    #[must_use]
    pub fn new(p: &SimParams, first_path: u32) -> Self {
        let mut paths = [0u32; LANES];
        for (l, path) in paths.iter_mut().enumerate() {
            *path = first_path.wrapping_add(l as u32);
        }
        Self {
            paths,
            y: [0.0; LANES],
            v: super::burn_in::start_variance_lanes(p, &paths),
        }
    }

    /// Advances every lane over time step `step` (0-based, global across days).
    #[inline]
    pub fn step(&mut self, p: &SimParams, step: u32) {
        let key = [p.key0, p.key1];
        let a_mc = p.k2 + 0.5 * p.k4;
        let mut z_v: Lanes = [0.0; LANES];
        let mut z_x: Lanes = [0.0; LANES];
        let mut vn: Lanes = [0.0; LANES];
        let mut ln_m: Lanes = [0.0; LANES];
        let mut psi: Lanes = [0.0; LANES];
        let mut m: Lanes = [0.0; LANES];
        let w = philox_lanes(&self.paths, step, 0, key);
        let mut any_jump = false;
        let mut n_quad = 0usize;
        for l in 0..LANES {
            let (a, b) = box_muller_lane(w[0][l], w[1][l]);
            z_v[l] = a;
            z_x[l] = b;
            m[l] = p.theta + (self.v[l] - p.theta) * p.exp_kdt;
            let s2 = self.v[l] * p.qe_c1 + p.qe_c2;
            psi[l] = s2 / (m[l] * m[l]);
            n_quad += usize::from(psi[l] <= 1.5);
            any_jump |= uniform(w[3][l]) > p.poisson_p0;
        }
        if n_quad > 0 {
            for l in 0..LANES {
                let t = 2.0 / psi[l];
                let b2 = t - 1.0 + t.sqrt() * (t - 1.0).sqrt();
                let a = m[l] / (1.0 + b2);
                let b = b2.sqrt();
                let zb = b + z_v[l];
                let d = (1.0 - 2.0 * a_mc * a).max(1e-6);
                vn[l] = a * (zb * zb);
                ln_m[l] = a_mc * b2 * a / d - 0.5 * ln_lane(d);
            }
        }
        if n_quad < LANES {
            for l in 0..LANES {
                if psi[l] <= 1.5 {
                    continue;
                }
                let u_v = uniform(w[2][l]);
                let pz = (psi[l] - 1.0) / (psi[l] + 1.0);
                let beta = (1.0 - pz) / m[l];
                vn[l] = if u_v <= pz {
                    0.0
                } else {
                    ln_lane((1.0 - pz) / (1.0 - u_v)) / beta
                };
                let den = (beta - a_mc).max(1e-6);
                ln_m[l] = ln_lane(pz + beta * (1.0 - pz) / den);
            }
        }
        for l in 0..LANES {
            let dy = p.drift_dt - ln_m[l] - 0.5 * p.k3 * self.v[l]
                + p.k2 * vn[l]
                + (p.k3 * self.v[l] + p.k4 * vn[l]).sqrt() * z_x[l];
            self.y[l] += dy;
        }
        if any_jump {
            for l in 0..LANES {
                let u_j = uniform(w[3][l]);
                if u_j <= p.poisson_p0 {
                    continue;
                }
                apply_jumps(p, key, self.paths[l], step, u_j, &mut self.y[l], &mut vn[l]);
            }
        }
        if (step + 1).is_multiple_of(p.steps_per_day) {
            let day = (step + 1) / p.steps_per_day;
            for (e, ev) in p.events.iter().take(p.n_events as usize).enumerate() {
                if event_on(ev.first_day, ev.every_days, day) {
                    let we = philox_lanes(&self.paths, step, BLOCK_EVENT0 + e as u32, key);
                    let comp = p.event_comp * 0.5 * ev.jump_sd * ev.jump_sd;
                    for l in 0..LANES {
                        let (z, _) = box_muller_lane(we[0][l], we[1][l]);
                        self.y[l] += ev.jump_sd * z - comp;
                        vn[l] += ev.var_bump;
                    }
                }
            }
        }
        self.v = vn;
    }
}

/// Simulates `LANES` consecutive global paths starting at `first_path` in
/// lockstep; identical, bit for bit, to [`simulate_path_scalar`] on each lane.
#[must_use]
pub fn simulate_block(p: &SimParams, first_path: u32) -> [TerminalState; LANES] {
    let mut block = LaneBlock::new(p, first_path);
    for step in 0..p.n_steps {
        block.step(p, step);
    }
    std::array::from_fn(|l| TerminalState {
        y: block.y[l],
        v: block.v[l],
    })
}

/// Simulates global paths `first_path .. first_path + out.len()` into `out`, in
/// parallel over blocks of `LANES` paths on the current rayon pool. Path `i`
/// gets the same numbers whatever the thread count or the slice boundaries.
pub fn simulate_terminal(p: &SimParams, first_path: u32, out: &mut [TerminalState]) {
    use rayon::prelude::*;
    // 64 blocks per task: large enough to amortise scheduling, small enough to
    // balance two to sixty-four threads.
    const CHUNK: usize = LANES * 64;
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(ci, chunk)| {
            let base = first_path.wrapping_add((ci * CHUNK) as u32);
            for (bi, blk) in chunk.chunks_mut(LANES).enumerate() {
                let res = simulate_block(p, base.wrapping_add((bi * LANES) as u32));
                blk.copy_from_slice(&res[..blk.len()]);
            }
        });
}

/// The number of jumps in a step whose jump uniform `u_j` exceeds `p0`, the
/// probability of none: Poisson inversion with mean `lambda_dt`, capped at
/// `max_jumps` (the twin of the kernels' loop, operation for operation).
#[inline(always)]
pub(crate) fn jump_count(u_j: f32, p0: f32, lambda_dt: f32, max_jumps: u32) -> u32 {
    let mut n = 1u32;
    let mut prob = p0 * lambda_dt;
    let mut cum = p0 + prob;
    while u_j > cum && n < max_jumps {
        n += 1;
        prob *= lambda_dt / n as f32;
        cum += prob;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventParams, MarketModel, Measure, SvcjParams};

    fn dps_like(lambda: f64, measure: Measure) -> MarketModel {
        let (mu_v, rho_j, sigma_s): (f64, f64, f64) = (0.05, -0.38, 0.0001);
        MarketModel {
            spot: 100.0,
            r: 0.0319,
            q: 0.0,
            v0: 0.007_569,
            mu: 0.08,
            params: SvcjParams {
                kappa: 3.46,
                theta: 0.008,
                sigma_v: 0.14,
                rho: -0.82,
                lambda,
                mu_s: (0.9 * (1.0 - rho_j * mu_v)).ln() - 0.5 * sigma_s * sigma_s,
                sigma_s,
                mu_v,
                rho_j,
            },
            events: vec![
                EventParams {
                    first_day: 3,
                    every_days: 21,
                    jump_sd: 0.01,
                    var_bump: 0.0,
                },
                EventParams {
                    first_day: 10,
                    every_days: 0,
                    jump_sd: 0.02,
                    var_bump: 0.01,
                },
            ],
            measure,
        }
    }

    fn heston_lewis() -> MarketModel {
        MarketModel {
            spot: 100.0,
            r: 0.01,
            q: 0.02,
            v0: 0.04,
            mu: 0.01,
            params: SvcjParams::heston(4.0, 0.25, 1.0, -0.5),
            events: vec![],
            measure: Measure::Q,
        }
    }

    #[test]
    fn block_equals_scalar_bit_for_bit() {
        let cases = [
            (heston_lewis(), 1u32),
            (dps_like(0.47, Measure::Q), 1),
            (dps_like(25.0, Measure::P), 2),
        ];
        for (model, spd) in cases {
            let p = SimParams::new(&model, 40, spd, 0xDEAD_BEEF_1234).unwrap();
            for first in [0u32, 16 * 7, 1_000_003] {
                let blk = simulate_block(&p, first);
                for (l, got) in blk.iter().enumerate() {
                    let want = simulate_path_scalar(&p, first + l as u32);
                    assert_eq!(
                        got.y.to_bits(),
                        want.y.to_bits(),
                        "path {} y {} vs {}",
                        first + l as u32,
                        got.y,
                        want.y
                    );
                    assert_eq!(
                        got.v.to_bits(),
                        want.v.to_bits(),
                        "path {} v {} vs {}",
                        first + l as u32,
                        got.v,
                        want.v
                    );
                }
            }
        }
    }

    #[test]
    fn results_do_not_depend_on_slicing_or_threads() {
        let p = SimParams::new(&dps_like(5.0, Measure::Q), 30, 1, 7).unwrap();
        let n = 3000;
        let mut all = vec![TerminalState::default(); n];
        simulate_terminal(&p, 0, &mut all);
        // A second pass in odd slices on a one-thread pool.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let mut pieces = vec![TerminalState::default(); n];
        pool.install(|| {
            let mut start = 0usize;
            for len in [1usize, 17, 1000, 1982] {
                simulate_terminal(&p, start as u32, &mut pieces[start..start + len]);
                start += len;
            }
        });
        for i in 0..n {
            assert_eq!(all[i], pieces[i], "path {i}");
        }
    }
}
