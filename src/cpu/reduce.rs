//! The reductions of the study kernel's records on the CPU: the twin of
//! `shaders/reduce.wgsl`. Each path's facts and lines are read from its
//! record words ([`LineSource`]) with the `f32` operations the shader does,
//! and folded into a [`StudyAccumulator`] (whose own `f32` arithmetic,
//! `crate::report::stats::LineInputs`, the shader repeats), so the
//! accumulators of the same records are identical on both.

use rayon::prelude::*;

use crate::report::{LineOutcome, PathBatch, ReportError, StudyAccumulator};
use crate::study::kernel::{LineSource, FACT_WORDS};

/// One path's line as [`LineSource`] says to read it from `rec`.
#[must_use]
pub fn line_of(rec: &[f32], s: &LineSource) -> LineOutcome {
    let (l, g) = (s.line as usize, s.ledger as usize);
    LineOutcome {
        max_drawdown: f64::from(rec[l]),
        final_pnl: f64::from(rec[l + 1]),
        premium_paid: f64::from(s.units * (rec[g + 1] + rec[g + 3])),
        hedge_payoff: f64::from(s.units * rec[g + 2]),
        worst_day: f64::from(-rec[l + 3]),
    }
}

/// The report batch of the records of paths `first_path ..` (`words` words
/// a path, in path order), its lines read by `sources`.
#[must_use]
pub fn record_batch(
    first_path: u64,
    records: &[f32],
    words: usize,
    sources: &[LineSource],
) -> PathBatch {
    let fact = |k: usize| -> Vec<f64> {
        records
            .par_chunks_exact(words)
            .map(|rec| f64::from(rec[FACT_WORDS[k]]))
            .collect()
    };
    PathBatch {
        first_path,
        max_vix: fact(0),
        first_vix: fact(1),
        spx_return: fact(2),
        spx_max_drawdown: fact(3),
        outcomes: records
            .par_chunks(words * 1024)
            .flat_map_iter(|chunk| {
                let mut lines = Vec::with_capacity(chunk.len() / words * sources.len());
                for rec in chunk.chunks_exact(words) {
                    lines.extend(sources.iter().map(|s| line_of(rec, s)));
                }
                lines
            })
            .collect(),
    }
}

/// Folds the records of paths `first_path ..` into `acc` (on rayon's pool).
///
/// # Errors
/// `sources` does not match `acc`'s lines.
pub fn reduce_records(
    acc: &mut StudyAccumulator,
    first_path: u64,
    records: &[f32],
    words: usize,
    sources: &[LineSource],
) -> Result<(), ReportError> {
    acc.push_batch_par(&record_batch(first_path, records, words, sources))
}
