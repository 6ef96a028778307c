//! Confidence intervals of the replay's window statistics that respect the
//! overlap of the windows: a moving-block bootstrap over windows in blocks
//! that span at least twice the window length (`docs/history.md`).
//!
//! Each replicate draws blocks of `L` consecutive windows with replacement
//! (uniform starts) until it holds as many windows as the replay, and
//! recomputes, per regime and line, the cut as a ratio of means, the cuts
//! at the median and the 95th percentile (weighted empirical quantiles),
//! and the annual drag. The interval is the 2.5th to 97.5th percentile of
//! the replicates (percentile bootstrap). A regime's window share varies
//! across replicates, as it would across histories.

use rayon::prelude::*;

use crate::config::{Regime, RegimesConfig};
use crate::report::{StrategySummary, StudySummary};

/// Bootstrap replicates.
pub const REPLICATES: usize = 1000;

/// What one window reports, per line: drawdown and P&L.
#[derive(Debug, Clone)]
pub struct WindowLines {
    /// Window regime (by its max VIX close).
    pub regime: Vec<Regime>,
    /// `dd[line][window]`: max drawdown, fraction.
    pub dd: Vec<Vec<f64>>,
    /// `pnl[line][window]`: final P&L, USD.
    pub pnl: Vec<Vec<f64>>,
}

impl WindowLines {
    /// From the windows' regime measures and their lines (window-major,
    /// `lines` a window), each window classified by the definition in force.
    #[must_use]
    pub fn new(batch: &crate::report::PathBatch, lines: usize, regimes: &RegimesConfig) -> Self {
        let max_vix = &batch.max_vix;
        let outcomes = &batch.outcomes;
        let w = max_vix.len();
        let mut dd = vec![Vec::with_capacity(w); lines];
        let mut pnl = vec![Vec::with_capacity(w); lines];
        for k in 0..w {
            for l in 0..lines {
                let o = &outcomes[k * lines + l];
                dd[l].push(o.max_drawdown);
                pnl[l].push(o.final_pnl);
            }
        }
        Self {
            regime: (0..w)
                .map(|k| {
                    regimes.classify_path(&crate::config::RegimeMeasures {
                        max_vix: max_vix[k],
                        first_vix: batch.first_vix[k],
                        spx_max_drawdown: batch.spx_max_drawdown[k],
                    })
                })
                .collect(),
            dd,
            pnl,
        }
    }
}

/// SplitMix64 for the block starts: replicate `b` uses its own stream, so
/// the intervals do not depend on the thread count.
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

/// Statistics of one replicate: per set (all, then each regime) and line,
/// [cut mean ratio, cut p50, cut p95, drag].
type Replicate = Vec<Vec<[f64; 4]>>;

/// Smallest value whose cumulative weight reaches `q` of the total, walking
/// `order` (window indices sorted by value) with weights `w`.
fn weighted_quantile(
    order: &[usize],
    values: &[f64],
    w: &[u32],
    keep: &dyn Fn(usize) -> bool,
    total: u64,
    q: f64,
) -> f64 {
    if total == 0 {
        return f64::NAN;
    }
    #[expect(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "window counts"
    )]
    let need = ((q * total as f64).ceil() as u64).max(1);
    let mut acc = 0u64;
    for &k in order {
        if keep(k) {
            acc += u64::from(w[k]);
            if acc >= need {
                return values[k];
            }
        }
    }
    f64::NAN
}

fn replicate(
    lines: &WindowLines,
    order: &[Vec<usize>],
    w: &[u32],
    capital: f64,
    annual: f64,
) -> Replicate {
    let sets: Vec<Option<Regime>> = std::iter::once(None)
        .chain(Regime::ALL.iter().copied().map(Some))
        .collect();
    let n_lines = lines.dd.len();
    sets.iter()
        .map(|set| {
            let keep = |k: usize| set.is_none_or(|r| lines.regime[k] == r);
            let total: u64 = (0..w.len())
                .filter(|&k| keep(k))
                .map(|k| u64::from(w[k]))
                .sum();
            let wsum = |x: &[f64]| -> f64 {
                (0..w.len())
                    .filter(|&k| keep(k))
                    .map(|k| f64::from(w[k]) * x[k])
                    .sum::<f64>()
                    / total as f64
            };
            let dd_none = wsum(&lines.dd[0]);
            let pnl_none = wsum(&lines.pnl[0]);
            let q_none =
                [0.5, 0.95].map(|q| weighted_quantile(&order[0], &lines.dd[0], w, &keep, total, q));
            (0..n_lines)
                .map(|l| {
                    let q = [0.5, 0.95]
                        .map(|q| weighted_quantile(&order[l], &lines.dd[l], w, &keep, total, q));
                    [
                        1.0 - wsum(&lines.dd[l]) / dd_none,
                        1.0 - q[0] / q_none[0],
                        1.0 - q[1] / q_none[1],
                        (pnl_none - wsum(&lines.pnl[l])) / capital * annual,
                    ]
                })
                .collect()
        })
        .collect()
}

/// The percentile interval of the finite values of `x`; `None` with fewer
/// than 100 finite values.
fn interval(mut x: Vec<f64>) -> Option<[f64; 2]> {
    x.retain(|v| v.is_finite());
    if x.len() < 100 {
        return None;
    }
    x.sort_by(f64::total_cmp);
    let at = |p: f64| crate::history::facts::quantile_sorted(&x, p);
    Some([at(0.025), at(0.975)])
}

/// Replaces every confidence interval of `summary` (all windows and each
/// regime; cut as ratio of means, at the median and p95, and the drag) by the
/// moving-block bootstrap interval over blocks of `block` windows.
pub fn apply(
    summary: &mut StudySummary,
    lines: &WindowLines,
    block: usize,
    capital: f64,
    horizon_days: u32,
) {
    let n = lines.regime.len();
    if n == 0 {
        return;
    }
    let block = block.clamp(1, n);
    let annual = 252.0 / f64::from(horizon_days);
    let order: Vec<Vec<usize>> = lines
        .dd
        .iter()
        .map(|dd| {
            let mut o: Vec<usize> = (0..n).collect();
            o.sort_by(|&a, &b| dd[a].total_cmp(&dd[b]));
            o
        })
        .collect();
    let reps: Vec<Replicate> = (0..REPLICATES)
        .into_par_iter()
        .map(|b| {
            let mut rng = SplitMix(0xb10c_b007 ^ (b as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
            let mut w = vec![0u32; n];
            let mut filled = 0;
            while filled < n {
                #[expect(clippy::cast_possible_truncation, reason = "a window index")]
                let s = (rng.next() % (n - block + 1) as u64) as usize;
                for x in &mut w[s..(s + block).min(s + n - filled)] {
                    *x += 1;
                }
                filled += block.min(n - filled);
            }
            replicate(lines, &order, &w, capital, annual)
        })
        .collect();
    let set_of = |i: usize| -> Vec<[Option<[f64; 2]>; 4]> {
        (0..lines.dd.len())
            .map(|l| std::array::from_fn(|s| interval(reps.iter().map(|r| r[i][l][s]).collect())))
            .collect()
    };
    let put = |strategies: &mut [(String, StrategySummary)], cis: &[[Option<[f64; 2]>; 4]]| {
        for ((_, s), c) in strategies.iter_mut().zip(cis) {
            let nan = [f64::NAN, f64::NAN];
            s.drawdown_reduction.ci95 = c[0].unwrap_or(nan);
            s.drawdown_reduction.p50_ci95 = c[1];
            s.drawdown_reduction.p95_ci95 = c[2];
            s.annual_drag_ci95 = c[3].unwrap_or(nan);
        }
    };
    put(&mut summary.strategies.0, &set_of(0));
    for (i, (_, r)) in summary.regimes.0.iter_mut().enumerate() {
        put(&mut r.strategies.0, &set_of(i + 1));
    }
}
