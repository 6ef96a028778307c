//! Reductions, files and plots of a `run` (`docs/statistics.md`, `docs/cli.md`).
//!
//! Flow: each batch of simulated paths is pushed into a [`StudyAccumulator`]
//! (fixed memory, exact merges), accumulators of batches or threads are merged,
//! [`summarize`] turns the result into a [`StudySummary`] (the `summary.json`
//! document, verdict included), and [`write_outputs`] writes the report files.
//!
//! Determinism: every accumulated quantity is an integer (bin counts, and sums on
//! a 2^-48 fixed-point grid, see [`exact`]), so the summary is a function of the
//! set of paths only: the same seed gives the same statistics for any batch size,
//! batch order and thread count. Only the run facts `elapsed_s` and
//! `path_steps_per_s` change from run to run.

pub mod exact;
pub mod export;
pub mod flat;
pub mod hist;
pub mod partial;
pub mod plots;
pub mod reduce;
pub mod render;
pub mod state;
pub mod stats;
pub mod summary;
pub mod verdict;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use reduce::summarize;
pub use stats::{
    LineOutcome, LineSet, LineSpec, PathBatch, PathFacts, StudyAccumulator, StudyLayout,
};
pub use summary::{RunInfo, StrategySummary, StudySummary, RUN_FACT_KEYS, SUMMARY_FORMAT_VERSION};
pub use verdict::{ClaimStatus, Verdict};

/// Errors of the report stage.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A path reported a different number of lines than the layout has.
    #[error("a path reported {got} equity lines, the layout has {expected}")]
    LineCount {
        /// Lines in the layout.
        expected: usize,
        /// Lines reported.
        got: usize,
    },
    /// A batch's vectors do not fit together.
    #[error("batch of {paths} paths and {lines} lines has {returns} SPX returns and {outcomes} outcomes")]
    BatchShape {
        /// Paths (length of `max_vix`).
        paths: usize,
        /// Lines in the layout.
        lines: usize,
        /// Length of `spx_return`.
        returns: usize,
        /// Length of `outcomes`.
        outcomes: usize,
    },
    /// Merging accumulators laid out differently.
    #[error("cannot merge accumulators with different line sets, regimes, capital or horizon")]
    LayoutMismatch,
    /// A units ladder rung that is not a positive finite number.
    #[error("hedge.units_ladder: {0} is not a positive finite number of units")]
    BadLadder(f64),
    /// Capital that is not a positive finite number of USD.
    #[error("condor.capital: {0} is not a positive finite amount of USD")]
    BadCapital(f64),
    /// A zero horizon.
    #[error("simulation.horizon_days must be at least 1")]
    BadHorizon,
    /// Drawing a plot failed.
    #[error("drawing {file}: {message}")]
    Plot {
        /// The plot's file name.
        file: String,
        /// What went wrong.
        message: String,
    },
    /// Writing a file failed.
    #[error("writing {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// The temporary name a file is written under before its rename.
fn temp_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".tmp{}", std::process::id()));
    path.with_file_name(name)
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a
/// rename, so a crash never leaves a half-written file under the final name.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    write_files_atomic(
        path.parent().unwrap_or(Path::new("")),
        &[(
            path.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
            bytes.to_vec(),
        )],
    )
}

/// Writes several files into `dir` all or nothing (as far as the file system
/// allows): every file is first written and synced under a temporary name, and
/// only when all succeeded are they renamed to their final names, the study's
/// record (`summary.json`, `partial.json`) last, so that a process killed
/// among the renames never leaves a record beside missing files. On an error
/// the temporary files are removed and no final name is touched.
pub fn write_files_atomic(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), ReportError> {
    let is_record = |name: &str| name == OUTPUT_FILES[0] || name == partial::PARTIAL_FILE;
    let mut files: Vec<&(String, Vec<u8>)> = files.iter().collect();
    files.sort_by_key(|(name, _)| is_record(name));
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    let cleanup = |staged: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in staged {
            let _ = std::fs::remove_file(tmp);
        }
    };
    for (name, bytes) in files {
        let path = dir.join(name);
        let tmp = temp_path(&path);
        if let Err(source) = write_synced(&tmp, bytes) {
            let _ = std::fs::remove_file(&tmp);
            cleanup(&staged);
            return Err(ReportError::Io { path, source });
        }
        staged.push((tmp, path));
    }
    for (i, (tmp, path)) in staged.iter().enumerate() {
        if let Err(source) = std::fs::rename(tmp, path) {
            cleanup(&staged[i..]);
            return Err(ReportError::Io {
                path: path.clone(),
                source,
            });
        }
    }
    Ok(())
}

/// Names of the files [`render_outputs`] produces, relative to the output directory.
pub const OUTPUT_FILES: [&str; 7] = [
    "summary.json",
    "report.md",
    "drawdown_hist.csv",
    "pnl_hist.csv",
    "reduction_hist.csv",
    "drawdown_distribution.svg",
    "reduction_by_regime.svg",
];

/// Name of the units-ladder plot, produced when the run has a ladder.
pub const LADDER_PLOT: &str = "units_ladder.svg";

/// Renders `summary.json`, `report.md` (with `assumptions`, Markdown, as its
/// assumptions section), the histogram CSVs and the SVG plots in memory, as
/// (file name, contents) pairs for [`write_files_atomic`]; a caller adds its own
/// files (the resolved `config.toml`) to the same all-or-nothing write.
pub fn render_outputs(
    summary: &StudySummary,
    acc: &StudyAccumulator,
    assumptions: &str,
) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    let json = serde_json::to_string_pretty(summary).expect("the summary serialises") + "\n";
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (OUTPUT_FILES[0].into(), json.into_bytes()),
        (
            OUTPUT_FILES[1].into(),
            render::report_markdown(summary, assumptions).into_bytes(),
        ),
        (
            OUTPUT_FILES[2].into(),
            render::drawdown_csv(acc).into_bytes(),
        ),
        (OUTPUT_FILES[3].into(), render::pnl_csv(acc).into_bytes()),
        (
            OUTPUT_FILES[4].into(),
            render::reduction_csv(acc).into_bytes(),
        ),
        (
            OUTPUT_FILES[5].into(),
            plots::drawdown_distribution_svg(acc)?.into_bytes(),
        ),
        (
            OUTPUT_FILES[6].into(),
            plots::reduction_by_regime_svg(summary)?.into_bytes(),
        ),
    ];
    if let Some(svg) = plots::units_ladder_svg(summary)? {
        files.push((LADDER_PLOT.into(), svg.into_bytes()));
    }
    Ok(files)
}

/// Renders the outputs ([`render_outputs`]) and writes them into `dir`, which must
/// exist, all or nothing ([`write_files_atomic`]).
pub fn write_outputs(
    dir: &Path,
    summary: &StudySummary,
    acc: &StudyAccumulator,
    assumptions: &str,
) -> Result<(), ReportError> {
    write_files_atomic(dir, &render_outputs(summary, acc, assumptions)?)
}
