//! Reductions of the accumulators to the numbers in `summary.json`: drawdown
//! quantiles, the paired drawdown reduction with confidence intervals, drag,
//! P&L distribution and Calmar-style ratios, per program and regime.
//!
//! Confidence intervals (all two-sided 95%):
//! - ratio of mean drawdowns: delta method on the paired sums of DD_none and
//!   DD_line (their squares and cross product), a CLT interval on
//!   1 - mean(DD_line) / mean(DD_none);
//! - ratios of medians and of 95th percentiles: sectioning (Asmussen and Glynn,
//!   Stochastic Simulation, 2007, section III.5): paths are split by global index
//!   modulo [`SECTIONS`] into 20 sections; the interval is the full-sample estimate
//!   plus or minus t(19, 0.975) times the standard deviation of the 20 section
//!   estimates over sqrt(20). Each section estimate pairs the two programs on the
//!   same paths, so the pairing is accounted for. Left out (null) when a section
//!   holds fewer than [`MIN_SECTION_PATHS`] paths of the regime;
//! - annual drag: CLT interval on the mean of the per-path P&L difference.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::exact::ratio_of_means;
use super::stats::{LineAcc, RegimeAcc, StudyAccumulator, SECTIONS};
use super::verdict::{judge, Verdict};
use crate::config::Regime;

/// Standard normal 0.975 quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Student t 0.975 quantile with SECTIONS - 1 = 19 degrees of freedom.
const T19_975: f64 = 2.093_024_054_408_263;

/// Fewest paths of a regime in every section for a sectioning interval.
pub const MIN_SECTION_PATHS: u64 = 200;

/// Trading days per year, for annualisation.
pub const TRADING_DAYS_PER_YEAR: f64 = 252.0;

/// Name-keyed entries serialised as a JSON object in insertion order.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedMap<T>(pub Vec<(String, T)>);

impl<T> NamedMap<T> {
    /// The entry called `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v))
    }
}

impl<T: Serialize> Serialize for NamedMap<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Distribution of max drawdown, fractions of the running peak.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DrawdownStats {
    /// Mean (exact).
    pub mean: f64,
    /// Standard deviation (exact sums).
    pub sd: f64,
    /// Median (histogram, within 1e-4).
    pub p50: f64,
    /// 90th percentile (within 1e-4).
    pub p90: f64,
    /// 95th percentile (within 1e-4).
    pub p95: f64,
    /// 99th percentile (within 1e-4).
    pub p99: f64,
    /// Mean of the worst 5% of drawdowns (within 1e-4).
    pub cvar95: f64,
}

/// Drawdown reduction against `none` on the same paths, fractions (0.35 is a 35%
/// cut; negative: the hedge deepens drawdowns).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReductionStats {
    /// 1 - mean(DD_line) / mean(DD_none).
    pub mean_ratio: f64,
    /// 95% CI of `mean_ratio` (delta method).
    pub ci95: [f64; 2],
    /// 1 - median(DD_line) / median(DD_none).
    pub p50: f64,
    /// 95% CI of `p50` (sectioning); null with too few paths.
    pub p50_ci95: Option<[f64; 2]>,
    /// 1 - p95(DD_line) / p95(DD_none).
    pub p95: f64,
    /// 95% CI of `p95` (sectioning); null with too few paths.
    pub p95_ci95: Option<[f64; 2]>,
    /// Share of paths whose own reduction 1 - DD_line / DD_none is at least 35%,
    /// among the paths with DD_none > 0.
    pub share_cut_35: f64,
    /// Paths with DD_none > 0 (the denominator of `share_cut_35`).
    pub paths_with_drawdown: u64,
}

/// Final P&L distribution, USD.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PnlStats {
    /// Mean (exact).
    pub mean: f64,
    /// Standard deviation.
    pub sd: f64,
    /// 5th percentile (within 2e-4 of capital).
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// Hedge cash flows and the worst day, USD per path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HedgeFlows {
    /// Mean premium paid, costs included.
    pub premium_paid_mean: f64,
    /// Mean hedge proceeds.
    pub hedge_payoff_mean: f64,
    /// Mean of the per-path worst one-day equity change (negative: a loss).
    pub worst_day_mean: f64,
    /// Worst one-day equity change over all paths.
    pub worst_day_min: f64,
}

/// One equity line over a set of paths.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrategySummary {
    /// The hedge program.
    pub program: String,
    /// Ladder rung size in `[hedge] units`; null for the program's own size.
    pub units: Option<f64>,
    /// Number of paths.
    pub paths: u64,
    /// Max drawdown distribution.
    pub max_drawdown: DrawdownStats,
    /// Reduction against `none`.
    pub drawdown_reduction: ReductionStats,
    /// (mean P&L of `none` - mean P&L of the line) / capital x 252 / horizon_days,
    /// fraction per year; positive is a cost.
    pub annual_drag: f64,
    /// 95% CI of `annual_drag` (CLT on the paired P&L difference).
    pub annual_drag_ci95: [f64; 2],
    /// Mean P&L / capital x 252 / horizon_days, fraction per year.
    pub annual_return: f64,
    /// Calmar-style ratio: `annual_return` / mean max drawdown.
    pub calmar: f64,
    /// Final P&L distribution.
    pub pnl: PnlStats,
    /// Hedge cash flows.
    pub hedge: HedgeFlows,
}

/// The paths of one regime.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegimeSummary {
    /// Number of paths.
    pub paths: u64,
    /// Share of all valid paths.
    pub share: f64,
    /// Mean of the path max VIX, VIX points.
    pub max_vix_mean: f64,
    /// Mean SPX return over the horizon, fraction.
    pub spx_return_mean: f64,
    /// Per line, `none` first.
    pub strategies: NamedMap<StrategySummary>,
}

/// Facts about the run that the reductions do not compute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunInfo {
    /// Random seed.
    pub seed: u64,
    /// Backend used (`cpu` or `gpu`).
    pub backend: String,
    /// Adapter description (GPU name, or the CPU).
    pub adapter: String,
    /// Wall-clock time of the simulation, seconds (varies run to run).
    pub elapsed_s: f64,
    /// Simulated path-steps per second (varies run to run).
    pub path_steps_per_s: f64,
}

/// Everything `summary.json` holds (DESIGN.md section 8).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudySummary {
    /// Run facts (flattened into the top level).
    #[serde(flatten)]
    pub run: RunInfo,
    /// Paths pushed, invalid ones included.
    pub paths: u64,
    /// Paths skipped for non-finite values (should be 0).
    pub invalid_paths: u64,
    /// Starting capital, USD.
    pub capital: f64,
    /// Horizon, trading days.
    pub horizon_days: u32,
    /// All paths, per line.
    pub strategies: NamedMap<StrategySummary>,
    /// Per regime (calm, moderate, severe, crisis).
    pub regimes: NamedMap<RegimeSummary>,
    /// The verdict on the claim.
    pub verdict: Verdict,
}

/// Reduces the accumulator to the summary. Deterministic: a function of the
/// accumulator's integer state only.
#[must_use]
pub fn summarize(acc: &StudyAccumulator, run: RunInfo) -> StudySummary {
    let all = acc.all();
    let strategies = regime_strategies(acc, &all);
    let regimes = NamedMap(
        Regime::ALL
            .iter()
            .map(|&r| {
                let ra = acc.regime(r);
                let summary = RegimeSummary {
                    paths: ra.paths,
                    share: ra.paths as f64 / all.paths as f64,
                    max_vix_mean: ra.max_vix.mean(),
                    spx_return_mean: ra.spx_return.mean(),
                    strategies: regime_strategies(acc, ra),
                };
                (r.name().to_string(), summary)
            })
            .collect(),
    );
    let verdict = judge(acc.layout(), &regimes);
    StudySummary {
        run,
        paths: all.paths + acc.invalid_paths(),
        invalid_paths: acc.invalid_paths(),
        capital: acc.layout().capital,
        horizon_days: acc.layout().horizon_days,
        strategies,
        regimes,
        verdict,
    }
}

fn regime_strategies(acc: &StudyAccumulator, ra: &RegimeAcc) -> NamedMap<StrategySummary> {
    let layout = acc.layout();
    let annual = TRADING_DAYS_PER_YEAR / f64::from(layout.horizon_days);
    NamedMap(
        layout
            .lines
            .lines()
            .iter()
            .zip(&ra.lines)
            .map(|(spec, line)| {
                let s = strategy(&ra.lines[0], line, ra.paths, layout.capital, annual);
                let s = StrategySummary {
                    program: spec.program.name().into(),
                    units: spec.units,
                    ..s
                };
                (spec.name.clone(), s)
            })
            .collect(),
    )
}

fn strategy(
    none: &LineAcc,
    line: &LineAcc,
    paths: u64,
    capital: f64,
    annual: f64,
) -> StrategySummary {
    let dd = &line.drawdown;
    let max_drawdown = DrawdownStats {
        mean: line.drawdown_moments.mean(),
        sd: line.drawdown_moments.sd(),
        p50: dd.quantile(0.50),
        p90: dd.quantile(0.90),
        p95: dd.quantile(0.95),
        p99: dd.quantile(0.99),
        cvar95: dd.upper_tail_mean(0.95),
    };
    let ratio = ratio_of_means(
        &none.drawdown_moments,
        &line.drawdown_moments,
        line.drawdown_cross,
    );
    let mean_ratio = 1.0 - ratio.ratio;
    let (p50, p50_ci95) = quantile_reduction(none, line, 0.50);
    let (p95, p95_ci95) = quantile_reduction(none, line, 0.95);
    let drawdown_reduction = ReductionStats {
        mean_ratio,
        ci95: [
            mean_ratio - Z95 * ratio.stderr,
            mean_ratio + Z95 * ratio.stderr,
        ],
        p50,
        p50_ci95,
        p95,
        p95_ci95,
        share_cut_35: line.cut_at_least as f64 / line.reduction_defined as f64,
        paths_with_drawdown: line.reduction_defined,
    };
    let drag = line.drag.mean() * annual;
    let drag_half = Z95 * line.drag.stderr() * annual;
    let annual_return = line.pnl_moments.mean() * annual;
    let per_path = |sum: super::exact::ExactSum| sum.value() / paths as f64 * capital;
    StrategySummary {
        program: String::new(),
        units: None,
        paths,
        max_drawdown,
        drawdown_reduction,
        annual_drag: drag,
        annual_drag_ci95: [drag - drag_half, drag + drag_half],
        annual_return,
        calmar: annual_return / line.drawdown_moments.mean(),
        pnl: PnlStats {
            mean: line.pnl_moments.mean() * capital,
            sd: line.pnl_moments.sd() * capital,
            p5: line.pnl.quantile(0.05) * capital,
            p50: line.pnl.quantile(0.50) * capital,
            p95: line.pnl.quantile(0.95) * capital,
        },
        hedge: HedgeFlows {
            premium_paid_mean: per_path(line.premium),
            hedge_payoff_mean: per_path(line.payoff),
            worst_day_mean: per_path(line.worst_day),
            worst_day_min: if paths > 0 {
                line.worst_day_min
            } else {
                f64::NAN
            },
        },
    }
}

/// 1 - q(DD_line) / q(DD_none) at probability `q`, with its sectioning interval.
fn quantile_reduction(none: &LineAcc, line: &LineAcc, q: f64) -> (f64, Option<[f64; 2]>) {
    let estimate = 1.0 - line.drawdown.quantile(q) / none.drawdown.quantile(q);
    let mut sections = Vec::with_capacity(SECTIONS);
    for (x, y) in none.drawdown_sections.iter().zip(&line.drawdown_sections) {
        if x.total() < MIN_SECTION_PATHS {
            return (estimate, None);
        }
        let theta = 1.0 - y.quantile(q) / x.quantile(q);
        if !theta.is_finite() {
            return (estimate, None);
        }
        sections.push(theta);
    }
    if !estimate.is_finite() {
        return (estimate, None);
    }
    let g = sections.len() as f64;
    let mean = sections.iter().sum::<f64>() / g;
    let var = sections
        .iter()
        .map(|t| (t - mean) * (t - mean))
        .sum::<f64>()
        / (g - 1.0);
    let half = T19_975 * (var / g).sqrt();
    (estimate, Some([estimate - half, estimate + half]))
}
