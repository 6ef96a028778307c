//! The `summary.json` document: its types, filled by `super::reduce` and
//! judged by `super::verdict`.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::verdict::Verdict;

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
