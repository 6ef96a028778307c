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

use super::exact::ratio_of_means;
use super::stats::{LineAcc, RegimeAcc, StudyAccumulator, SECTIONS};
use super::summary::{
    DrawdownStats, HedgeFlows, NamedMap, PnlStats, ReductionStats, RegimeDefinition, RegimeSummary,
    RunInfo, StrategySummary, StudySummary,
};
use super::verdict::judge;
use crate::config::Regime;

/// Standard normal 0.975 quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Student t 0.975 quantile with SECTIONS - 1 = 19 degrees of freedom.
const T19_975: f64 = 2.093_024_054_408_263;

/// Fewest paths of a regime in every section for a sectioning interval.
pub const MIN_SECTION_PATHS: u64 = 200;

/// Trading days per year, for annualisation.
pub const TRADING_DAYS_PER_YEAR: f64 = 252.0;

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
                    first_vix_mean: ra.first_vix.mean(),
                    spx_return_mean: ra.spx_return.mean(),
                    spx_max_drawdown_mean: ra.spx_max_drawdown.mean(),
                    strategies: regime_strategies(acc, ra),
                };
                (r.name().to_string(), summary)
            })
            .collect(),
    );
    let verdict = judge(acc.layout(), &regimes);
    StudySummary {
        format_version: super::summary::SUMMARY_FORMAT_VERSION,
        program_version: env!("CARGO_PKG_VERSION").into(),
        run,
        paths: all.paths + acc.invalid_paths(),
        invalid_paths: acc.invalid_paths(),
        capital: acc.layout().capital,
        horizon_days: acc.layout().horizon_days,
        units: NamedMap(
            super::summary::UNITS
                .iter()
                .map(|(k, u)| ((*k).to_string(), *u))
                .collect(),
        ),
        strategies,
        regime_definition: {
            let r = &acc.layout().regimes;
            let b = r.bounds();
            RegimeDefinition {
                by: r.by.name().into(),
                unit: r.by.unit().into(),
                moderate_from: b.moderate_from,
                severe_from: b.severe_from,
                crisis_from: b.crisis_from,
            }
        },
        regimes,
        verdict,
        resolved: None,
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
        // A ruined path's drawdown is exactly 1, the histogram's overflow tail.
        ruined: dd.overflow().n as f64 / paths as f64,
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
