//! The `summary.json` document: its types, filled by `super::reduce` and
//! judged by `super::verdict`.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::verdict::Verdict;
use crate::config::InForce;

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
    /// Share of the paths on which the line was ruined (its equity reached
    /// zero: it stopped trading with a drawdown of 1), fraction.
    pub ruined: f64,
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
    /// Mean of the path's first VIX, VIX points.
    pub first_vix_mean: f64,
    /// Mean SPX return over the horizon, fraction.
    pub spx_return_mean: f64,
    /// Mean of the SPX index's max drawdown over the path, fraction.
    pub spx_max_drawdown_mean: f64,
    /// Per line, `none` first.
    pub strategies: NamedMap<StrategySummary>,
}

/// Version of the `summary.json` layout, bumped when a key changes meaning or
/// goes away.
pub const SUMMARY_FORMAT_VERSION: u32 = 1;

/// The keys of `summary.json` that describe how one run went rather than
/// what it found: they differ between runs of the same study (timings, the
/// CPU thread count in `adapter`, the command-line layers in `resolved`) and
/// between a sharded run merged and the one-process run. Every other key is a
/// statistic or the study's identity (`config_hash`), equal bit for bit
/// whatever the batch size, thread count or sharding.
pub const RUN_FACT_KEYS: [&str; 4] = ["adapter", "elapsed_s", "path_steps_per_s", "resolved"];

/// How paths were put into regimes (`[regimes]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegimeDefinition {
    /// The measure: `max_vix`, `vix_rise` (max minus first VIX) or `spx_drawdown`.
    pub by: String,
    /// Its unit: `VIX points` or `fraction`.
    pub unit: String,
    /// Lowest value of the moderate regime.
    pub moderate_from: f64,
    /// Lowest value of the severe regime.
    pub severe_from: f64,
    /// Lowest value of the crisis regime.
    pub crisis_from: f64,
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
    /// The study's identity: `sha256:` and the hex SHA-256 of the canonical
    /// resolved configuration (`Config::study_hash`).
    pub config_hash: String,
}

/// The unit of every number in `summary.json`, keyed by its path with `*` for
/// any strategy, regime, list entry or (last) every key below. Paths are
/// matched segment by segment; the first matching key applies.
pub const UNITS: [(&str, &str); 40] = [
    ("seed", "Philox key (an integer, no unit)"),
    ("paths", "paths"),
    ("invalid_paths", "paths"),
    ("elapsed_s", "seconds of wall-clock time"),
    ("path_steps_per_s", "path-steps per second"),
    ("capital", "USD"),
    ("horizon_days", "trading days"),
    (
        "strategies.*.units",
        "hedge units (multiples of the [hedge] layer sizes)",
    ),
    ("strategies.*.paths", "paths"),
    ("strategies.*.ruined", "fraction of the paths (0.01 is 1%)"),
    (
        "strategies.*.max_drawdown.*",
        "fraction of the running peak (0.2 is a 20% drawdown)",
    ),
    (
        "strategies.*.drawdown_reduction.paths_with_drawdown",
        "paths",
    ),
    (
        "strategies.*.drawdown_reduction.share_cut_35",
        "fraction of paths_with_drawdown",
    ),
    (
        "strategies.*.drawdown_reduction.*",
        "fraction of the unhedged drawdown (0.35 is a 35% cut; negative deepens)",
    ),
    (
        "strategies.*.annual_drag",
        "fraction of capital per year (x 252 / horizon_days; positive is a cost)",
    ),
    (
        "strategies.*.annual_drag_ci95",
        "fraction of capital per year",
    ),
    (
        "strategies.*.annual_return",
        "fraction of capital per year (x 252 / horizon_days)",
    ),
    (
        "strategies.*.calmar",
        "ratio (annual_return / mean max drawdown)",
    ),
    ("strategies.*.pnl.*", "USD per path over the horizon"),
    ("strategies.*.hedge.*", "USD per path over the horizon"),
    ("regimes.*.paths", "paths"),
    ("regimes.*.share", "fraction of the valid paths"),
    ("regimes.*.max_vix_mean", "VIX points"),
    ("regimes.*.first_vix_mean", "VIX points"),
    (
        "regimes.*.spx_max_drawdown_mean",
        "fraction of the running peak (0.2 is a 20% drawdown)",
    ),
    (
        "regime_definition.*",
        "the unit named in regime_definition.unit",
    ),
    ("format_version", "layout version (an integer, no unit)"),
    (
        "regimes.*.spx_return_mean",
        "fraction (0.05 is +5% over the horizon)",
    ),
    ("regimes.*.strategies.*", "as strategies.*"),
    ("verdict.claimed_cut", "fraction of the unhedged drawdown"),
    ("verdict.claimed_drag", "fraction of capital per year"),
    ("verdict.programs.*.paths", "paths"),
    (
        "verdict.programs.*.cut",
        "fraction of the unhedged drawdown",
    ),
    (
        "verdict.programs.*.cut_ci95",
        "fraction of the unhedged drawdown",
    ),
    ("verdict.programs.*.drag", "fraction of capital per year"),
    (
        "verdict.programs.*.drag_ci95",
        "fraction of capital per year",
    ),
    ("verdict.best_ladder_rung.paths", "paths"),
    ("verdict.best_ladder_rung.*", "as verdict.programs.*"),
    (
        "resolved.*",
        "the config keys' own units (docs/config.md; `vixhedge config` prints them)",
    ),
    ("units", "this table"),
];

/// The unit of the number at `path`, its keys from the top (list indices as
/// numbers; the entries of a list of numbers share its unit), from [`UNITS`].
/// Keys are given one by one because line names hold dots (`alvh@x0.5`).
#[must_use]
pub fn unit_of(path: &[&str]) -> Option<&'static str> {
    let mut segs: Vec<&str> = path.to_vec();
    while segs.len() > 1 && segs.last().is_some_and(|s| s.parse::<usize>().is_ok()) {
        segs.pop();
    }
    let matches = |key: &str| {
        let pattern: Vec<&str> = key.split('.').collect();
        for (i, p) in pattern.iter().enumerate() {
            if i + 1 == pattern.len() && *p == "*" {
                return segs.len() > i;
            }
            match segs.get(i) {
                Some(s) if *p == "*" || p == s => {}
                _ => return false,
            }
        }
        segs.len() == pattern.len()
    };
    UNITS
        .iter()
        .find(|(key, _)| matches(key))
        .map(|(_, unit)| *unit)
}

/// Everything `summary.json` holds (`docs/cli.md`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudySummary {
    /// [`SUMMARY_FORMAT_VERSION`].
    pub format_version: u32,
    /// The version of the program that wrote it (Cargo's package version).
    pub program_version: String,
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
    /// The unit of every number in this document ([`UNITS`]).
    pub units: NamedMap<&'static str>,
    /// All paths, per line.
    pub strategies: NamedMap<StrategySummary>,
    /// How paths were put into regimes.
    pub regime_definition: RegimeDefinition,
    /// Per regime (calm, moderate, severe, crisis).
    pub regimes: NamedMap<RegimeSummary>,
    /// The verdict on the claim.
    pub verdict: Verdict,
    /// What was in force: preset and files, `--set`s and flags, market, both
    /// measures, events, programs and sizes (set by the caller; absent when unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<InForce>,
}
