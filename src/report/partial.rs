//! Partial results on disk: a shard's `partial.json` and a run's
//! `checkpoint.json`, both the exact accumulator state of a range of paths
//! with what identifies the study, so `vixhedge merge` and `run --resume`
//! reproduce the one-process accumulator bit for bit.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::state::{AccumulatorState, StateError};
use super::StudyAccumulator;
use crate::config::HedgeProgram;

/// The `format` value of a partial result.
pub const PARTIAL_FORMAT: &str = "vixhedge-partial";

/// Version of the partial-result layout.
pub const PARTIAL_FORMAT_VERSION: u32 = 1;

/// File name of a shard's finished partial result.
pub const PARTIAL_FILE: &str = "partial.json";

/// File name of a run's checkpoint.
pub const CHECKPOINT_FILE: &str = "checkpoint.json";

/// A shard `index` of `count` (0-based): global paths
/// `[floor(index P / count), floor((index + 1) P / count))` of a P-path study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    /// 0-based index, below `count`.
    pub index: u32,
    /// Number of shards, at least 1.
    pub count: u32,
}

impl Shard {
    /// The shard's global path range `[first, end)` of a `paths`-path study.
    #[must_use]
    pub fn range(self, paths: u64) -> [u64; 2] {
        let at = |i: u32| {
            // floor(i P / N) in 128 bits: i P overflows u64 for large studies.
            let v = u128::from(i) * u128::from(paths) / u128::from(self.count);
            u64::try_from(v).expect("at most paths")
        };
        [at(self.index), at(self.index + 1)]
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The exact state of a range of paths of one study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialResult {
    /// Always [`PARTIAL_FORMAT`].
    pub format: String,
    /// [`PARTIAL_FORMAT_VERSION`] of the writer.
    pub format_version: u32,
    /// Version of the program that wrote it.
    pub program_version: String,
    /// The study's identity (`Config::study_hash`).
    pub config_hash: String,
    /// The resolved configuration, TOML.
    pub config: String,
    /// The hedge programs, in report order (`none` first).
    pub hedges: Vec<HedgeProgram>,
    /// The backend that ran the paths: `cpu` or `gpu`.
    pub backend: String,
    /// The adapter that ran them.
    pub adapter: String,
    /// Paths of the whole study.
    pub paths: u64,
    /// The shard, or null for a one-process run.
    pub shard: Option<Shard>,
    /// The global path range this run covers, `[first, end)`.
    pub range: [u64; 2],
    /// The next path to run: `range[1]` once finished, less in a checkpoint.
    pub next_path: u64,
    /// Wall-clock seconds spent simulating so far (a run fact).
    pub elapsed_s: f64,
    /// Whether the run also exports per-path rows (`--export-paths`).
    #[serde(default)]
    pub export_paths: bool,
    /// Rows of per-path export spooled so far (checkpoints of exporting runs).
    #[serde(default)]
    pub spooled_rows: u64,
    /// The historical series the paths are bootstrapped from (`run
    /// --paths-from bootstrap`); absent for model paths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bootstrap: Option<crate::shared::bootstrap::BootstrapSeries>,
    /// The accumulators of paths `range[0] .. next_path`.
    pub accumulator: AccumulatorState,
}

/// Errors reading a partial result.
#[derive(Debug, thiserror::Error)]
pub enum PartialError {
    /// The file cannot be read.
    #[error("reading {}: {message}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The file is not a partial result of this format.
    #[error("{}: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl PartialResult {
    /// Whether every path of the range has been run.
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.next_path == self.range[1]
    }

    /// The accumulator, rebuilt exactly.
    ///
    /// # Errors
    /// A state that does not fit this build.
    pub fn accumulator(&self) -> Result<StudyAccumulator, StateError> {
        StudyAccumulator::from_state(&self.accumulator)
    }

    /// Compact JSON, newline-terminated.
    #[must_use]
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec(self).expect("a partial result serialises");
        v.push(b'\n');
        v
    }

    /// Reads and checks `path`: the format name and version, and that the
    /// path counters are consistent.
    ///
    /// # Errors
    /// Unreadable file, malformed JSON, another format or version, or
    /// inconsistent ranges.
    pub fn read(path: &Path) -> Result<Self, PartialError> {
        let bytes = std::fs::read(path).map_err(|e| PartialError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let format = |message: String| PartialError::Format {
            path: path.to_path_buf(),
            message,
        };
        // The header first, so another version says so rather than failing on a field.
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            format_version: Option<u32>,
        }
        let header: Header = serde_json::from_slice(&bytes)
            .map_err(|e| format(format!("not a vixhedge partial result ({e})")))?;
        if header.format.as_deref() != Some(PARTIAL_FORMAT) {
            return Err(format("not a vixhedge partial result".into()));
        }
        if header.format_version != Some(PARTIAL_FORMAT_VERSION) {
            return Err(format(format!(
                "format version {:?}; this build reads version {PARTIAL_FORMAT_VERSION}",
                header.format_version
            )));
        }
        let p: Self = serde_json::from_slice(&bytes).map_err(|e| format(e.to_string()))?;
        let [first, end] = p.range;
        if !(first <= p.next_path && p.next_path <= end && end <= p.paths) {
            return Err(format(format!(
                "inconsistent ranges: paths {first}..{end}, next {} of {}",
                p.next_path, p.paths
            )));
        }
        if let Some(s) = p.shard {
            if s.count == 0 || s.index >= s.count || s.range(p.paths) != p.range {
                return Err(format(format!(
                    "shard {s} does not cover paths {first}..{end} of {}",
                    p.paths
                )));
            }
        }
        Ok(p)
    }
}
