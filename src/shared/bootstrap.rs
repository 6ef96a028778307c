//! The historical bootstrap path source: the twin of
//! `shaders/shared/bootstrap.wgsl`, and the series both backends read.
//!
//! # The algorithm (both backends follow it operation for operation)
//!
//! The history is n days of closes; `ret[k] = ln(S_k / S_{k-1})` (`ret[0] = 0`)
//! and `vix[k]`, both rounded to `f32` once on the host. `sorted` lists the
//! days `0..n-1` that have a next day by VIX (ties by day), and `rank[k]` is
//! the position where day k's VIX falls in that list (the first entry not
//! below it). A path is a walk over history days; its state is the current
//! day `j`, the days `left` in the current block after `j`, and
//! `y = ln(S_t / S_0)`.
//!
//! - Day 0 draws `w = philox((path, 0, 0, 2), key)`: `j = w0 mod (n - 1)`,
//!   `left = L(w1) - 1`, `y = 0`.
//! - Day d >= 1 draws `w = philox((path, d, 0, 2), key)`. While the block
//!   lasts (`left > 0` and `j + 1 < n`) the path moves to the next day:
//!   `j += 1`, `left -= 1`. Otherwise a new block starts: of the K entries of
//!   `sorted` around `rank[j]` (from `clamp(rank[j] - K/2, 0, m - K)`, m the
//!   list's length), the one at offset `w0 mod K` is the day k whose VIX is
//!   nearest the path's current VIX, and the path moves to k's next day:
//!   `j = k + 1`, `left = L(w1) - 1`. Then `y += ret[j]`; the day's VIX is
//!   `vix[j]`.
//! - Block lengths are geometric with mean B: `L(w) = 1 + floor(ln(uniform(w))
//!   / ln(1 - 1/B))` (at most 65535).
//!
//! Counter word 3 is 2, so the bootstrap never shares a draw with an SVCJ path
//! (word 3 = 0) or a burn-in (word 3 = 1). K is 2% of the days (at least 1):
//! about 146 candidates on 1990-2018, whose VIX spans a few tenths of a
//! point around the median.

use super::math::{ln_portable, uniform};
use super::philox::philox4x32_10;

/// Counter word 3 of every bootstrap draw.
pub const BOOTSTRAP_WORD3: u32 = 2;

/// Candidate start days of a new block, as a share of the history's days.
pub const NEIGHBOUR_SHARE: f64 = 0.02;

/// Longest block, days.
pub const MAX_BLOCK_DAYS: u32 = 65_535;

/// The history as both backends read it: one `u32` array, `[ret bits (n) |
/// vix bits (n) | rank (n) | sorted (n - 1)]`, and its constants.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BootstrapSeries {
    /// The packed array (f32 values as their bits).
    pub data: Vec<u32>,
    /// Days n.
    pub days: u32,
    /// Candidates K of a new block start.
    pub neighbours: u32,
    /// ln(1 - 1/B), B the mean block length in days.
    pub log_q: f32,
}

impl BootstrapSeries {
    /// The series of daily closes `spx` (index points) and `vix` (VIX points),
    /// same length n >= 2, with blocks of mean `block_days` (> 1) days.
    ///
    /// # Panics
    /// Fewer than 2 days, mismatched lengths, or `block_days <= 1`.
    #[must_use]
    pub fn new(spx: &[f64], vix: &[f64], block_days: f64) -> Self {
        assert!(spx.len() >= 2 && spx.len() == vix.len() && block_days > 1.0);
        let n = spx.len();
        #[expect(clippy::cast_possible_truncation, reason = "f32 by design")]
        let ret: Vec<f32> = std::iter::once(0.0)
            .chain(spx.windows(2).map(|w| (w[1] / w[0]).ln() as f32))
            .collect();
        #[expect(clippy::cast_possible_truncation, reason = "f32 by design")]
        let v32: Vec<f32> = vix.iter().map(|&x| x as f32).collect();
        let mut sorted: Vec<u32> = (0..n as u32 - 1).collect();
        sorted.sort_by(|&a, &b| v32[a as usize].total_cmp(&v32[b as usize]).then(a.cmp(&b)));
        let rank: Vec<u32> = v32
            .iter()
            .map(|&x| sorted.partition_point(|&k| v32[k as usize] < x) as u32)
            .collect();
        let mut data = Vec::with_capacity(4 * n);
        data.extend(ret.iter().map(|x| x.to_bits()));
        data.extend(v32.iter().map(|x| x.to_bits()));
        data.extend(&rank);
        data.extend(&sorted);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a day count"
        )]
        let neighbours = ((NEIGHBOUR_SHARE * n as f64).ceil() as u32).clamp(1, n as u32 - 1);
        #[expect(clippy::cast_possible_truncation, reason = "f32 by design")]
        Self {
            data,
            days: n as u32,
            neighbours,
            log_q: (1.0 - 1.0 / block_days).ln() as f32,
        }
    }

    fn ret(&self, j: u32) -> f32 {
        f32::from_bits(self.data[j as usize])
    }

    /// The VIX close of day `j` as the kernels see it (`f32`).
    #[must_use]
    pub fn vix(&self, j: u32) -> f32 {
        f32::from_bits(self.data[(self.days + j) as usize])
    }

    fn rank(&self, j: u32) -> u32 {
        self.data[(2 * self.days + j) as usize]
    }

    fn sorted(&self, i: u32) -> u32 {
        self.data[(3 * self.days + i) as usize]
    }

    /// A geometric block length from the word `w`.
    fn block_length(&self, w: u32) -> u32 {
        let l = (ln_portable(uniform(w)) / self.log_q).floor();
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "non-negative and clamped"
        )]
        let l = l.min(MAX_BLOCK_DAYS as f32 - 1.0) as u32;
        1 + l
    }
}

/// The filtered variance of a VIX close in the kernels' `f32`, annualised
/// variance: `max((vix (vix 0.0001) - c) / a, 1e-4)` for the map
/// `VIX^2/100^2 = a v + c` of the day (the twin of `set_market_history` in
/// `shaders/study.wgsl`). The constant multiplies first: written
/// `(vix vix) 0.0001`, Mesa reassociates it into this order anyway.
#[must_use]
pub fn filtered_variance_f32(vix: f32, a: f32, c: f32) -> f32 {
    ((vix * (vix * 0.0001) - c) / a).max(1e-4)
}

/// One bootstrap path's state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BootstrapPath {
    /// Current history day.
    pub day: u32,
    /// Days left in the block after the current one.
    pub left: u32,
    /// ln(S_t / S_0) as bits (`f32`).
    y_bits: u32,
}

impl BootstrapPath {
    /// Day 0 of global path `path` under Philox key `key`.
    #[must_use]
    pub fn start(s: &BootstrapSeries, key: [u32; 2], path: u32) -> Self {
        let w = philox4x32_10([path, 0, 0, BOOTSTRAP_WORD3], key);
        Self {
            day: w[0] % (s.days - 1),
            left: s.block_length(w[1]) - 1,
            y_bits: 0.0f32.to_bits(),
        }
    }

    /// ln(S_t / S_0).
    #[must_use]
    pub fn y(&self) -> f32 {
        f32::from_bits(self.y_bits)
    }

    /// Moves to the close of path day `d` (1-based).
    pub fn step(&mut self, s: &BootstrapSeries, key: [u32; 2], path: u32, d: u32) {
        let w = philox4x32_10([path, d, 0, BOOTSTRAP_WORD3], key);
        if self.left > 0 && self.day + 1 < s.days {
            self.day += 1;
            self.left -= 1;
        } else {
            let m = s.days - 1;
            let k = s.neighbours;
            let lo = s.rank(self.day).saturating_sub(k / 2).min(m - k);
            self.day = s.sorted(lo + w[0] % k) + 1;
            self.left = s.block_length(w[1]) - 1;
        }
        self.y_bits = (self.y() + s.ret(self.day)).to_bits();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series() -> (Vec<f64>, Vec<f64>) {
        let vix: Vec<f64> = (0..400)
            .map(|i| 15.0 + 10.0 * (f64::from(i) / 30.0).sin().abs())
            .collect();
        let spx: Vec<f64> = (0..400)
            .map(|i| 1000.0 * (1.0 + 0.001 * f64::from(i)))
            .collect();
        (spx, vix)
    }

    #[test]
    fn blocks_follow_history_and_restart_near_the_current_vix() {
        let (spx, vix) = series();
        let s = BootstrapSeries::new(&spx, &vix, 21.0);
        assert_eq!(s.neighbours, 8);
        let key = [7, 9];
        let (mut switches, mut lengths, mut run) = (0, 0u64, 0u64);
        for path in 0..200 {
            let mut p = BootstrapPath::start(&s, key, path);
            let mut y = 0.0f32;
            for d in 1..=250 {
                let before = p;
                p.step(&s, key, path, d);
                y += s.ret(p.day);
                assert_eq!(p.y().to_bits(), y.to_bits());
                if p.day == before.day + 1 && before.left > 0 {
                    run += 1;
                    continue;
                }
                // A new block starts the day after one whose VIX is among the
                // 8 nearest to the current VIX (the grid's spacing here is
                // under 0.4 point; 8 neighbours span a few of them).
                switches += 1;
                lengths += run + 1;
                run = 0;
                let k = p.day - 1;
                let gap = (s.vix(k) - s.vix(before.day)).abs();
                assert!(
                    gap < 2.5,
                    "path {path} day {d}: {} -> {}",
                    s.vix(before.day),
                    s.vix(k)
                );
            }
        }
        // Mean block length B = 21 (geometric), within sampling error.
        let mean = lengths as f64 / f64::from(switches);
        assert!((mean - 21.0).abs() < 2.0, "{mean}");
    }
}
