//! Command-line arguments (`docs/cli.md`): clap-derive structs only, no side
//! effects. The commands turn them into a validated [`vixhedge::config::Config`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use vixhedge::backend::Backend;
use vixhedge::config::{Flag, HedgeProgram, Layers};
use vixhedge::report::partial::Shard;

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
    /// Run the pricing and random-number oracles (`docs/pricing.md`).
    Validate(ValidateArgs),
    /// Time the path kernel on each backend and compare their paths.
    Bench(BenchArgs),
    /// Print the VIX and the VIX futures curve at a variance level.
    Vix(VixArgs),
    /// List the shipped presets.
    Presets,
    /// Print the full resolved TOML, a comment on every key.
    Config(ConfigArgs),
    /// Merge the partial.json of `run --shard` runs into the one-process outputs.
    Merge(MergeArgs),
    /// Run the jobs of a batch file, each into its own directory.
    Batch(BatchArgs),
    /// The model's stylised facts (VIX levels and changes, SPX volatility, window regimes) beside the history's.
    Facts(FactsArgs),
    /// Calibrate P and Q parameters to daily SPX and VIX closes; write a complete preset.
    Calibrate(CalibrateArgs),
    /// Replay the study on history: rolling windows and the whole range as one continuous book.
    Replay(ReplayArgs),
    /// Run the study at every point of a grid of config values on the same
    /// paths: sweep.csv, sweep.json, frontier.svg and the best design per drag budget.
    Sweep(SweepArgs),
    /// What flips the verdict: each deciding assumption bumped alone on the
    /// same paths; the tornado chart and the smallest change to a 35% cut.
    Sensitivity(SensitivityArgs),
}

/// A whole-number flag: negative numbers are parsed (clap would otherwise take
/// `-5` for a flag) and refused here, so the error names the flag.
fn whole_u64(s: &str) -> Result<u64, String> {
    let t = s.trim();
    if t.starts_with('-') {
        return Err("must not be negative".into());
    }
    t.parse::<u64>()
        .map_err(|_| format!("must be a whole number from 0 to {}", u64::MAX))
}

/// As [`whole_u64`], for 32-bit values.
fn whole_u32(s: &str) -> Result<u32, String> {
    let n = whole_u64(s)?;
    u32::try_from(n).map_err(|_| format!("must be at most {}", u32::MAX))
}

/// `vixhedge sensitivity`.
#[derive(Debug, Clone, Args)]
pub struct SensitivityArgs {
    /// The run each variant makes (its --out is the study's directory; the
    /// variants go to <out>/variants/<i>/, 0 the base).
    #[command(flatten)]
    pub run: RunArgs,
    /// The hedge line whose moderate-stress cut and drag are measured.
    #[arg(long, value_name = "LINE", default_value = "alvh")]
    pub line: String,
    /// Largest bump step: 1 runs the tornado's bumps only, 3 (the default)
    /// also the larger steps of the search towards a 35% cut.
    #[arg(long, value_name = "STEP", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=3))]
    pub max_step: u32,
    /// Bump only these assumptions (their names in the report, such as
    /// `hedge size`); repeatable [default: all].
    #[arg(long = "only", value_name = "NAME")]
    pub only: Vec<String>,
}

/// `vixhedge sweep`.
#[derive(Debug, Clone, Args)]
pub struct SweepArgs {
    /// The run each point makes (its --out is the sweep's directory; the points
    /// go to <out>/points/<i>/).
    #[command(flatten)]
    pub run: RunArgs,
    /// A grid: any --set key and its values, `KEY=V1,V2,...`
    /// (`hedge.layers[*].KEY` sets KEY on every layer); repeatable. The points
    /// are the cartesian product of the grids, the last varying fastest.
    #[arg(long, value_name = "KEY=V1,V2,..")]
    pub grid: Vec<String>,
    /// Step the grids together instead of taking their product (equal lengths).
    #[arg(long)]
    pub zip: bool,
}

/// `vixhedge run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// TOML config file, merged over the preset (without --preset: over the bare base).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Preset the config starts from (see `vixhedge presets`) [default: default, or the bare base with --config].
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Number of paths (sets simulation.paths).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole_u64)]
    pub paths: Option<u64>,
    /// Horizon in trading days (sets simulation.horizon_days).
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true, value_parser = whole_u32)]
    pub horizon_days: Option<u32>,
    /// 64-bit Philox seed (sets simulation.seed).
    #[arg(long, value_name = "SEED", allow_negative_numbers = true, value_parser = whole_u64)]
    pub seed: Option<u64>,
    /// Where to simulate.
    #[arg(long, value_enum, default_value_t = Backend::Auto)]
    pub backend: Backend,
    /// Which books mark and trade the paths: the f32 study kernel on
    /// --backend (default), or the f64 reference books on the CPU (about 17
    /// times slower; for checking the kernel's summaries).
    #[arg(long, value_enum, default_value_t = Books::Kernel)]
    pub books: Books,
    /// Where a GPU run's records are reduced: on the device (no record leaves
    /// it; only the fixed-size accumulator is read back, at checkpoints and
    /// at the end), on the host, or auto (the device on a hardware GPU, the
    /// host on a software adapter and with --export-paths). The statistics
    /// are the same either way.
    #[arg(long, value_enum, default_value_t = Reduce::Auto)]
    pub reduce: Reduce,
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
    /// Output directory for summary.json, config.toml, report.md, CSVs and SVGs
    /// (and checkpoint.json while the run goes on).
    #[arg(long, value_name = "DIR", default_value = "vixhedge-out")]
    pub out: PathBuf,
    /// Print one JSON document (the summary) on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
    /// Run shard I of N (0-based): global paths [floor(I P / N), floor((I+1) P / N)),
    /// writing <out>/partial.json for `vixhedge merge` instead of the final files.
    #[arg(long, value_name = "I/N", value_parser = parse_shard, allow_hyphen_values = true)]
    pub shard: Option<Shard>,
    /// Continue the interrupted run whose checkpoint.json is in --out, with the
    /// configuration, programs, backend and shard it was started with.
    #[arg(long, conflicts_with_all = [
        "config", "preset", "paths", "horizon_days", "seed", "backend", "books", "hedges", "set",
        "shard", "export_paths", "paths_from", "block_days", "spx", "vix", "from", "to",
    ])]
    pub resume: bool,
    /// Also write <out>/paths.parquet: one row per path with its regime, max VIX,
    /// SPX return and every line's max drawdown, P&L, premium and payoff.
    #[arg(long)]
    pub export_paths: bool,
    /// Where the paths come from: the model, or a bootstrap of history.
    #[command(flatten)]
    pub source: PathSourceArgs,
}

/// Which books a run uses (`run --books`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Books {
    /// The f32 study kernel (CPU twin or GPU).
    #[default]
    Kernel,
    /// The f64 reference books, on the CPU.
    F64,
}

/// Where a run's records are reduced (`run --reduce`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Reduce {
    /// The device on a hardware GPU (without --export-paths), else the host.
    #[default]
    Auto,
    /// The host's CPU cores, from the records read back.
    Host,
    /// The GPU (`--backend gpu`, or auto finding one), without --export-paths.
    Device,
}

/// Parses `I/N` with N >= 1 and I < N.
fn parse_shard(s: &str) -> Result<Shard, String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| "expected I/N, such as 0/4".to_string())?;
    let index: u32 = i
        .trim()
        .parse()
        .map_err(|_| format!("shard index {i:?} is not a whole number"))?;
    let count: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("shard count {n:?} is not a whole number"))?;
    if count == 0 {
        return Err("the shard count must be at least 1".into());
    }
    if index >= count {
        return Err(format!(
            "shard index {index} is out of range: shards are numbered 0 to {}",
            count - 1
        ));
    }
    Ok(Shard { index, count })
}

/// `vixhedge merge`.
#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// The shards' output directories, each holding a partial.json.
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// Output directory for the merged summary.json, config.toml, report.md, CSVs and SVGs.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: PathBuf,
    /// Print one JSON document (the merged summary) on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
}

/// `vixhedge batch`.
#[derive(Debug, Clone, Args)]
pub struct BatchArgs {
    /// The batch file: `[[job]]` tables with `name` and run options.
    #[arg(value_name = "FILE.toml")]
    pub file: PathBuf,
    /// Directory of the jobs' directories, batch.md and batch.json.
    #[arg(long, value_name = "DIR", default_value = "vixhedge-batch")]
    pub out: PathBuf,
    /// Skip jobs whose outputs exist for the same study, continue interrupted ones.
    #[arg(long)]
    pub resume: bool,
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
    /// The config layers: preset, file, each `--set`, then the dedicated flags.
    #[must_use]
    pub fn layers(&self) -> Layers {
        let mut flags = Vec::new();
        flags.extend(
            self.paths
                .map(|n| Flag::new("--paths", "simulation.paths", n)),
        );
        flags.extend(
            self.horizon_days
                .map(|d| Flag::new("--horizon-days", "simulation.horizon_days", d)),
        );
        flags.extend(self.seed.map(|s| Flag::new("--seed", "simulation.seed", s)));
        Layers {
            preset: self.preset.clone(),
            config: self.config.clone(),
            sets: self.set.clone(),
            flags,
        }
    }
}

/// `vixhedge price`.
#[derive(Debug, Clone, Args)]
pub struct PriceArgs {
    /// TOML config file, merged over the preset (without --preset: over the bare base).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Preset to price under (see `vixhedge presets`) [default: default, or the bare base with --config].
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Override one config key, e.g. `model.q.kappa=2` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Time to expiry, trading days.
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true, value_parser = whole_u32)]
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
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole_u64)]
    pub paths: Option<u64>,
    /// 64-bit Philox seed (sets simulation.seed).
    #[arg(long, value_name = "SEED", allow_negative_numbers = true, value_parser = whole_u64)]
    pub seed: Option<u64>,
    /// Where to simulate.
    #[arg(long, value_enum, default_value_t = Backend::Auto)]
    pub backend: Backend,
    /// Print one JSON document on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
}

impl PriceArgs {
    /// The config layers: preset, file, each `--set`, then the dedicated flags.
    #[must_use]
    pub fn layers(&self) -> Layers {
        let mut flags = Vec::new();
        flags.extend(
            self.paths
                .map(|n| Flag::new("--paths", "simulation.paths", n)),
        );
        flags.extend(self.seed.map(|s| Flag::new("--seed", "simulation.seed", s)));
        Layers {
            preset: self.preset.clone(),
            config: self.config.clone(),
            sets: self.set.clone(),
            flags,
        }
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
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    /// `bench compare`: compare recorded `bench --json` documents.
    #[command(subcommand)]
    pub action: Option<BenchAction>,
    /// Number of paths (sets simulation.paths of the `default` preset).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole_u64)]
    pub paths: Option<u64>,
    /// Horizon in trading days (sets simulation.horizon_days).
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true, value_parser = whole_u32)]
    pub horizon_days: Option<u32>,
    /// Backends to time, comma separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "cpu,gpu")]
    pub backends: Vec<Backend>,
    /// What to time: the path kernel alone, or the full study kernel (path,
    /// condor book and every hedge program).
    #[arg(long, value_enum, default_value_t = BenchKernel::Path)]
    pub kernel: BenchKernel,
    /// With `--kernel study`: also time the f64 reference books on the same
    /// paths and compare the first backend with them path by path.
    #[arg(long)]
    pub reference: bool,
    /// Print one JSON document on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
}

/// What `vixhedge bench` does besides timing.
#[derive(Debug, Clone, Subcommand)]
pub enum BenchAction {
    /// Compare two or more `bench --json` records of one kernel and
    /// configuration: seconds, throughput, cost per path, the ratio to each
    /// record's first backend and to the first record.
    Compare {
        /// The records (JSON files written by `bench --json`).
        #[arg(required = true, num_args = 2.., value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print one JSON document on stdout and nothing else there.
        #[arg(long)]
        json: bool,
    },
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
    /// The config layers: the `default` preset and the dedicated flags.
    #[must_use]
    pub fn layers(&self) -> Layers {
        let mut flags = Vec::new();
        flags.extend(
            self.paths
                .map(|n| Flag::new("--paths", "simulation.paths", n)),
        );
        flags.extend(
            self.horizon_days
                .map(|d| Flag::new("--horizon-days", "simulation.horizon_days", d)),
        );
        Layers {
            flags,
            ..Layers::default()
        }
    }
}

/// `vixhedge vix`.
#[derive(Debug, Clone, Args)]
pub struct VixArgs {
    /// TOML config file, merged over the preset (without --preset: over the bare base).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Preset to use (see `vixhedge presets`) [default: default, or the bare base with --config].
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Override one config key, e.g. `model.q.kappa=2` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Instantaneous variance v, annualised variance [default: market.v0].
    #[arg(long = "v", value_name = "V", allow_negative_numbers = true)]
    pub v: Option<f64>,
    /// Print one JSON document on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
}

impl VixArgs {
    /// The config layers: preset, file and each `--set`.
    #[must_use]
    pub fn layers(&self) -> Layers {
        Layers {
            preset: self.preset.clone(),
            config: self.config.clone(),
            sets: self.set.clone(),
            flags: Vec::new(),
        }
    }
}

/// `vixhedge config`.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// TOML config file, merged over the preset (without --preset: over the bare base).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Preset to start from (see `vixhedge presets`) [default: default, or the bare base with --config].
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Override one config key, e.g. `condor.short_delta=0.2` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

impl ConfigArgs {
    /// The config layers: preset, file and each `--set`.
    #[must_use]
    pub fn layers(&self) -> Layers {
        Layers {
            preset: self.preset.clone(),
            config: self.config.clone(),
            sets: self.set.clone(),
            flags: Vec::new(),
        }
    }
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

    /// The config layers: preset, file, each `--set`, then the dedicated flags
    /// (`--paths` at its default when not given).
    #[must_use]
    pub fn layers(&self) -> Layers {
        let mut flags = vec![Flag::new(
            "--paths",
            "simulation.paths",
            self.paths.unwrap_or(Self::DEFAULT_PATHS),
        )];
        flags.extend(
            self.horizon_days
                .map(|d| Flag::new("--horizon-days", "simulation.horizon_days", d)),
        );
        flags.extend(self.seed.map(|s| Flag::new("--seed", "simulation.seed", s)));
        Layers {
            preset: self.preset.clone(),
            config: self.config.clone(),
            sets: self.set.clone(),
            flags,
        }
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
    fn flags_come_after_sets() {
        let cli = Cli::try_parse_from([
            "vixhedge",
            "run",
            "--set",
            "condor.short_delta=0.2",
            "--paths",
            "7",
        ])
        .unwrap();
        let Command::Run(args) = cli.command else {
            panic!("not run")
        };
        let layers = args.layers();
        assert_eq!(layers.sets, vec!["condor.short_delta=0.2".to_string()]);
        assert_eq!(
            layers.flags,
            vec![Flag::new("--paths", "simulation.paths", 7)]
        );
    }

    #[test]
    fn negative_numbers_are_refused_by_flag() {
        for (args, flag) in [
            (&["vixhedge", "run", "--paths", "-5"][..], "--paths"),
            (
                &["vixhedge", "price", "--expiry-days", "-3", "--strikes", "1"][..],
                "--expiry-days",
            ),
        ] {
            let err = Cli::try_parse_from(args).unwrap_err();
            let line = usage_error_line(&err);
            assert!(line.contains(flag) && line.contains("negative"), "{line}");
        }
    }
}
