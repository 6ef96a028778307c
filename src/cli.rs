//! Command-line arguments (`docs/cli.md`): clap-derive structs only, no side
//! effects. The commands turn them into a validated [`vixhedge::config::Config`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use vixhedge::backend::Backend;
use vixhedge::config::HedgeProgram;

/// Monte Carlo of SPX/VIX paths under SVCJ to test VIX hedges on an SPX iron-condor book.
#[derive(Debug, Parser)]
#[command(
    name = "vixhedge",
    version,
    about,
    subcommand_required = true,
    arg_required_else_help = false
)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate the condor book and each hedge program; write summary.json, report.md, CSVs and plots.
    Run(RunArgs),
    /// Price SPX options analytically and by Monte Carlo under Q.
    Price(PriceArgs),
    /// Run the pricing and random-number oracles (DESIGN.md section 9).
    Validate(ValidateArgs),
    /// Time the path kernel on each backend and compare their paths.
    Bench(BenchArgs),
    /// Print the VIX and the VIX futures curve at a variance level.
    Vix(VixArgs),
    /// List the shipped presets.
    Presets,
    /// Print the full resolved TOML of a preset.
    Config(ConfigArgs),
    /// The model's stylised facts (VIX levels and changes, SPX volatility, window regimes) beside the history's.
    Facts(FactsArgs),
    /// Calibrate P and Q parameters to daily SPX and VIX closes; write a complete preset.
    Calibrate(CalibrateArgs),
    /// Replay the study on history: rolling windows and the whole range as one continuous book.
    Replay(ReplayArgs),
}

/// `vixhedge run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// TOML config file, merged over the preset.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Preset the config starts from (see `vixhedge presets`) [default: default].
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Number of paths (sets simulation.paths).
    #[arg(long, value_name = "N")]
    pub paths: Option<u64>,
    /// Horizon in trading days (sets simulation.horizon_days).
    #[arg(long, value_name = "DAYS")]
    pub horizon_days: Option<u32>,
    /// 64-bit Philox seed (sets simulation.seed).
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u64>,
    /// Where to simulate.
    #[arg(long, value_enum, default_value_t = Backend::Auto)]
    pub backend: Backend,
    /// Hedge programs to run, comma separated; `none` is always run as the baseline.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "none,alvh,static,vxth,alvh-seed,alvh-30-110-220,static-seed,static-30-110-220"
    )]
    pub hedges: Vec<HedgeProgram>,
    /// Override one config key, e.g. `condor.short_delta=0.2` or `hedge.layers[2].tenor_days=15` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Output directory for summary.json, config.toml, report.md, CSVs and SVGs.
    #[arg(long, value_name = "DIR", default_value = "vixhedge-out")]
    pub out: PathBuf,
    /// Print one JSON document (the summary) on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
    /// Where the paths come from: the model, or a bootstrap of history.
    #[command(flatten)]
    pub source: PathSourceArgs,
}

/// Where paths come from (docs/history.md, "Bootstrap").
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PathsFrom {
    /// SVCJ paths under P.
    Model,
    /// Blocks of historical days (needs --spx and --vix).
    Bootstrap,
}

/// `--paths-from model|bootstrap [--block-days B] [--spx F --vix F --from D --to D]`.
#[derive(Debug, Clone, Args)]
pub struct PathSourceArgs {
    /// Where the paths come from.
    #[arg(long, value_enum, default_value_t = PathsFrom::Model)]
    pub paths_from: PathsFrom,
    /// Mean length of a bootstrap block, trading days (geometric lengths).
    #[arg(long, value_name = "DAYS", default_value_t = 21.0)]
    pub block_days: f64,
    /// The history a bootstrap draws from.
    #[command(flatten)]
    pub history: HistoryFiles,
}

impl RunArgs {
    /// The `--set` list followed by the dedicated flags as assignments, so
    /// `--paths` and friends win over a `--set` of the same key.
    #[must_use]
    pub fn sets(&self) -> Vec<String> {
        let mut sets = self.set.clone();
        sets.extend(self.paths.map(|n| format!("simulation.paths={n}")));
        sets.extend(
            self.horizon_days
                .map(|d| format!("simulation.horizon_days={d}")),
        );
        sets.extend(self.seed.map(|s| format!("simulation.seed={s}")));
        sets
    }
}

/// `vixhedge price`.
#[derive(Debug, Clone, Args)]
pub struct PriceArgs {
    /// TOML config file, merged over the `default` preset.
    #[arg(long, value_name = "FILE", conflicts_with = "preset")]
    pub config: Option<PathBuf>,
    /// Preset to price under (see `vixhedge presets`) [default: default].
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Time to expiry, trading days.
    #[arg(long, value_name = "DAYS")]
    pub expiry_days: u32,
    /// Strikes, index points, comma separated.
    #[arg(
        long,
        value_name = "K1,K2,..",
        value_delimiter = ',',
        required = true,
        allow_negative_numbers = true
    )]
    pub strikes: Vec<f64>,
    /// Number of Monte Carlo paths (sets simulation.paths).
    #[arg(long, value_name = "N")]
    pub paths: Option<u64>,
    /// 64-bit Philox seed (sets simulation.seed).
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u64>,
    /// Where to simulate.
    #[arg(long, value_enum, default_value_t = Backend::Auto)]
    pub backend: Backend,
    /// Print one JSON document on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
}

impl PriceArgs {
    /// The dedicated flags as config assignments.
    #[must_use]
    pub fn sets(&self) -> Vec<String> {
        let mut sets = Vec::new();
        sets.extend(self.paths.map(|n| format!("simulation.paths={n}")));
        sets.extend(self.seed.map(|s| format!("simulation.seed={s}")));
        sets
    }
}

/// `vixhedge validate`.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Where to simulate.
    #[arg(long, value_enum, default_value_t = Backend::Auto)]
    pub backend: Backend,
    /// Print one JSON document on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
}

/// `vixhedge bench`.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Number of paths (sets simulation.paths of the `default` preset).
    #[arg(long, value_name = "N")]
    pub paths: Option<u64>,
    /// Horizon in trading days (sets simulation.horizon_days).
    #[arg(long, value_name = "DAYS")]
    pub horizon_days: Option<u32>,
    /// Backends to time, comma separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "cpu,gpu")]
    pub backends: Vec<Backend>,
    /// What to time: the path kernel alone, or the full study kernel (path,
    /// condor book and every hedge program).
    #[arg(long, value_enum, default_value_t = BenchKernel::Path)]
    pub kernel: BenchKernel,
    /// Print one JSON document on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
}

/// The kernel `vixhedge bench` times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchKernel {
    /// The path kernel: terminal states only.
    Path,
    /// The study kernel: the path with the condor book and all hedge programs marked daily.
    Study,
}

impl BenchArgs {
    /// The dedicated flags as config assignments.
    #[must_use]
    pub fn sets(&self) -> Vec<String> {
        let mut sets = Vec::new();
        sets.extend(self.paths.map(|n| format!("simulation.paths={n}")));
        sets.extend(
            self.horizon_days
                .map(|d| format!("simulation.horizon_days={d}")),
        );
        sets
    }
}

/// `vixhedge vix`.
#[derive(Debug, Clone, Args)]
pub struct VixArgs {
    /// TOML config file, merged over the `default` preset.
    #[arg(long, value_name = "FILE", conflicts_with = "preset")]
    pub config: Option<PathBuf>,
    /// Preset to use (see `vixhedge presets`) [default: default].
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Instantaneous variance v, annualised variance [default: market.v0].
    #[arg(long = "v", value_name = "V", allow_negative_numbers = true)]
    pub v: Option<f64>,
    /// Print one JSON document on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
}

/// `vixhedge config`.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Preset to print.
    #[arg(long, value_name = "NAME", default_value = "default")]
    pub preset: String,
}

/// `--spx FILE --vix FILE [--from D] [--to D]`: daily closes (docs/history.md).
#[derive(Debug, Clone, Args)]
pub struct HistoryFiles {
    /// Daily SPX closes: Cboe, Yahoo-style, FRED or date,close CSV.
    #[arg(long, value_name = "FILE", requires = "vix")]
    pub spx: Option<PathBuf>,
    /// Daily VIX closes, in any of the same layouts.
    #[arg(long, value_name = "FILE", requires = "spx")]
    pub vix: Option<PathBuf>,
    /// First date used, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Last date used, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<String>,
}

/// `vixhedge facts`.
#[derive(Debug, Clone, Args)]
pub struct FactsArgs {
    /// TOML config file, merged over the preset.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Preset the config starts from (see `vixhedge presets`) [default: default].
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Override one config key (repeatable), as for `run`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Model paths simulated, each one window [default: 50000].
    #[arg(long, value_name = "N")]
    pub paths: Option<u64>,
    /// Window length in trading days, the model paths' horizon (sets simulation.horizon_days).
    #[arg(long, value_name = "DAYS")]
    pub horizon_days: Option<u32>,
    /// 64-bit Philox seed (sets simulation.seed).
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u64>,
    /// Where to simulate the model paths.
    #[arg(long, value_enum, default_value_t = Backend::Auto)]
    pub backend: Backend,
    /// The history to compare with (and to bootstrap from).
    #[command(flatten)]
    pub history: HistoryFiles,
    /// Where the model-side paths come from: the model, or a bootstrap of the history.
    #[arg(long, value_enum, default_value_t = PathsFrom::Model)]
    pub paths_from: PathsFrom,
    /// Mean length of a bootstrap block, trading days.
    #[arg(long, value_name = "DAYS", default_value_t = 21.0)]
    pub block_days: f64,
    /// Also write facts.json and vix_distribution.svg into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print one JSON document on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
}

impl FactsArgs {
    /// Model paths when `--paths` is not given.
    pub const DEFAULT_PATHS: u64 = 50_000;

    /// The `--set` list followed by the dedicated flags as assignments.
    #[must_use]
    pub fn sets(&self) -> Vec<String> {
        let mut sets = self.set.clone();
        sets.push(format!(
            "simulation.paths={}",
            self.paths.unwrap_or(Self::DEFAULT_PATHS)
        ));
        sets.extend(
            self.horizon_days
                .map(|d| format!("simulation.horizon_days={d}")),
        );
        sets.extend(self.seed.map(|s| format!("simulation.seed={s}")));
        sets
    }
}

/// `vixhedge calibrate`.
#[derive(Debug, Clone, Args)]
pub struct CalibrateArgs {
    /// The history to fit (`--spx` and `--vix` are required).
    #[command(flatten)]
    pub history: HistoryFiles,
    /// Base config for everything not estimated (books, regimes, r, q) [default: the `default` preset].
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// TOML config file merged over the base preset.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Override one key of the base config (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Window of the facts the moments target, trading days (also the preset's simulation.horizon_days).
    #[arg(long, value_name = "DAYS", default_value_t = 63)]
    pub window_days: u32,
    /// Simulated paths per moment evaluation.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub paths: usize,
    /// Where the preset's paths start: the filtered variance of the last date, or the stationary law.
    #[arg(long, value_enum, default_value_t = V0Choice::Last)]
    pub v0: V0Choice,
    /// Write the preset to this file (else print it on stdout).
    #[arg(long, value_name = "FILE.toml")]
    pub out: Option<PathBuf>,
    /// Print one JSON document (estimates, fit, facts, the preset text) on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
}

/// `vixhedge replay`.
#[derive(Debug, Clone, Args)]
pub struct ReplayArgs {
    /// The history to replay (`--spx` and `--vix` are required).
    #[command(flatten)]
    pub history: HistoryFiles,
    /// TOML config file, merged over the preset.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Preset the config starts from (see `vixhedge presets`) [default: default].
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Override one config key (repeatable), as for `run`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Window length, trading days (sets simulation.horizon_days).
    #[arg(long, value_name = "DAYS")]
    pub horizon_days: Option<u32>,
    /// A window starts every this many trading days.
    #[arg(long, value_name = "DAYS", default_value_t = 1)]
    pub stride: usize,
    /// Hedge programs to run, comma separated; `none` is always run as the baseline.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "none,alvh,static,vxth,alvh-seed,alvh-30-110-220,static-seed,static-30-110-220"
    )]
    pub hedges: Vec<HedgeProgram>,
    /// Drawdowns of the continuous unhedged book deeper than this fraction are listed.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.05)]
    pub episode_min: f64,
    /// Output directory for summary.json, report.md, CSVs and SVGs.
    #[arg(long, value_name = "DIR", default_value = "vixhedge-replay")]
    pub out: PathBuf,
    /// Print one JSON document (the summary) on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
}

/// `calibrate --v0`: the calibrated preset's `market.v0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum V0Choice {
    /// The filtered variance at the last date of the history.
    Last,
    /// `"stationary"`: every path draws its own start from the stationary law.
    Stationary,
}

/// A clap error as one line without the `error: ` prefix: the message and any
/// hint lines, without the usage block.
#[must_use]
pub fn usage_error_line(err: &clap::Error) -> String {
    let rendered = err.render().to_string();
    let lines: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with("Usage:"))
        .filter(|line| !line.is_empty() && !line.starts_with("For more information"))
        .collect();
    let text = lines.join(" ");
    text.strip_prefix("error: ").unwrap_or(&text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn flags_win_over_sets() {
        let cli = Cli::try_parse_from([
            "vixhedge",
            "run",
            "--set",
            "simulation.paths=5",
            "--paths",
            "7",
        ])
        .unwrap();
        let Command::Run(args) = cli.command else {
            panic!("not run")
        };
        assert_eq!(
            args.sets(),
            vec![
                "simulation.paths=5".to_string(),
                "simulation.paths=7".to_string()
            ]
        );
    }
}
