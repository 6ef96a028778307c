//! Standard errors of the moment stage: the sandwich of the simulated
//! method of moments with the history's moment covariance from a moving
//! block bootstrap.

use super::optimize::invert;
use super::smm::{band_distances, with_free, Moments};
use crate::history::facts::{facts_of, ClosePath};
use crate::history::History;

/// Bootstrap replicates of the history's facts.
pub const BOOTSTRAP_REPLICATES: usize = 200;
/// Block length of the moment bootstrap, trading days (a year: at least the
/// 63-day window, so windows inside a block keep their overlap).
pub const BOOTSTRAP_BLOCK_DAYS: usize = 252;
/// Central-difference step of the moment Jacobian in the unconstrained
/// coordinates (5% of a positive parameter).
pub const JACOBIAN_STEP: f64 = 0.05;

/// SplitMix64: the bootstrap's block starts (deterministic, no dependency).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The covariance of the history's banded facts (in band units) by a moving
/// block bootstrap: each replicate draws `ceil(n / L)` blocks of L
/// consecutive days with replacement, and computes the facts over them as
/// separate paths (windows and daily changes never cross a block edge).
#[must_use]
pub fn history_covariance(history: &History, m: &Moments<'_>) -> Vec<Vec<f64>> {
    let n = history.len();
    let window = m.base.simulation.horizon_days;
    let block = BOOTSTRAP_BLOCK_DAYS.min(n);
    let blocks = n.div_ceil(block);
    let mut rng = SplitMix(0x5eed_b10c);
    let mut reps: Vec<Vec<f64>> = Vec::with_capacity(BOOTSTRAP_REPLICATES);
    for _ in 0..BOOTSTRAP_REPLICATES {
        let paths: Vec<ClosePath<'_>> = (0..blocks)
            .map(|_| {
                #[expect(clippy::cast_possible_truncation, reason = "a day index")]
                let s = (rng.next() % (n - block + 1) as u64) as usize;
                ClosePath {
                    spx: &history.spx[s..s + block],
                    vix: &history.vix[s..s + block],
                }
            })
            .collect();
        let f = facts_of(&paths, window, &m.base.regimes);
        reps.push(band_distances(&f, m.history));
    }
    covariance(&reps)
}

fn covariance(rows: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let k = rows[0].len();
    let n = rows.len() as f64;
    let mean: Vec<f64> = (0..k)
        .map(|i| rows.iter().map(|r| r[i]).sum::<f64>() / n)
        .collect();
    (0..k)
        .map(|i| {
            (0..k)
                .map(|j| {
                    rows.iter()
                        .map(|r| (r[i] - mean[i]) * (r[j] - mean[j]))
                        .sum::<f64>()
                        / (n - 1.0)
                })
                .collect()
        })
        .collect()
}

/// Standard errors of the unconstrained moment-stage coordinates at `z`:
/// `V = (1 + 1/S) (G'G)^-1 G' Omega G (G'G)^-1`, with G the Jacobian of the
/// simulated band distances (central differences, common random numbers),
/// the identity weight (the distances are already in band units), Omega the
/// bootstrap covariance and S the ratio of simulated to historical days.
/// `None` when G'G is singular.
#[must_use]
pub fn smm_stderr(
    m: &Moments<'_>,
    start: &super::likelihood::Theta,
    z: &[f64],
    omega: &[Vec<f64>],
    history_days: usize,
) -> Option<Vec<f64>> {
    let p = z.len();
    let mut cols: Vec<Vec<f64>> = Vec::with_capacity(p);
    for j in 0..p {
        let mut up = z.to_vec();
        up[j] += JACOBIAN_STEP;
        let mut dn = z.to_vec();
        dn[j] -= JACOBIAN_STEP;
        let fu = m.facts(&with_free(start, &up)).ok()?;
        let fd = m.facts(&with_free(start, &dn)).ok()?;
        let (du, dd) = (
            band_distances(&fu, m.history),
            band_distances(&fd, m.history),
        );
        cols.push(
            du.iter()
                .zip(&dd)
                .map(|(a, b)| (a - b) / (2.0 * JACOBIAN_STEP))
                .collect(),
        );
    }
    let k = cols[0].len();
    let gtg: Vec<Vec<f64>> = (0..p)
        .map(|a| {
            (0..p)
                .map(|b| (0..k).map(|i| cols[a][i] * cols[b][i]).sum())
                .collect()
        })
        .collect();
    let inv = invert(&gtg)?;
    // M = G' Omega G.
    let mid: Vec<Vec<f64>> = (0..p)
        .map(|a| {
            (0..p)
                .map(|b| {
                    let mut s = 0.0;
                    for i in 0..k {
                        for j in 0..k {
                            s += cols[a][i] * omega[i][j] * cols[b][j];
                        }
                    }
                    s
                })
                .collect()
        })
        .collect();
    let sim_days = m.paths as f64 * f64::from(m.base.simulation.horizon_days + 1);
    let scale = 1.0 + history_days as f64 / sim_days;
    Some(
        (0..p)
            .map(|a| {
                let mut v = 0.0;
                for b in 0..p {
                    for c in 0..p {
                        v += inv[a][b] * mid[b][c] * inv[c][a];
                    }
                }
                (scale * v).max(0.0).sqrt()
            })
            .collect(),
    )
}
