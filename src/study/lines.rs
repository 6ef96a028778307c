//! From the books' per-path outcomes to the report's equity lines.

use rayon::prelude::*;

use crate::config::HedgeProgram;
use crate::report::{LineOutcome, LineSet, PathBatch};
use crate::strategy::book::PathOutcome;
use crate::strategy::spec::BookSpec;
use crate::strategy::stats::EquityStats;
use crate::study::kernel::{LineSource, RecordLayout};
use crate::study::pack::PackIndex;

/// Where each report line comes from in a [`PathOutcome`].
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    /// A program's own line.
    Program(usize),
    /// Rung `rung` (k = `units`) of a program's units ladder.
    Rung {
        program: usize,
        rung: usize,
        units: f64,
    },
}

/// The mapping from book programs to report lines, checked once per run.
#[derive(Debug, Clone)]
pub struct LineMap(Vec<Source>);

/// A report line the books do not produce.
#[derive(Debug, thiserror::Error)]
#[error("report line `{0}` has no matching program or ladder rung in the books")]
pub struct LineMapError(String);

impl LineMap {
    /// Matches every line of `lines` to a program (and rung) of `spec`.
    ///
    /// # Errors
    /// A line without a source.
    pub fn new(lines: &LineSet, spec: &BookSpec) -> Result<Self, LineMapError> {
        let programs: Vec<HedgeProgram> = spec.programs.iter().map(|p| p.program).collect();
        let mut out = Vec::with_capacity(lines.len());
        for line in lines.lines() {
            let idx = programs
                .iter()
                .position(|&p| p == line.program)
                .ok_or_else(|| LineMapError(line.name.clone()))?;
            match line.units {
                None => out.push(Source::Program(idx)),
                Some(k) => {
                    let rung = spec.programs[idx]
                        .ladder
                        .iter()
                        .position(|&u| (u - k).abs() < 1e-12)
                        .ok_or_else(|| LineMapError(line.name.clone()))?;
                    out.push(Source::Rung {
                        program: idx,
                        rung,
                        units: k,
                    });
                }
            }
        }
        Ok(Self(out))
    }

    /// The same lines, read from other books: this map's program `j` has
    /// its own line in program `at.lines[j]` of the books the outcomes come
    /// from, and its ladder rungs in program `at.rungs[j]` (a study that runs
    /// the programs of several points at once, `crate::study::pack`).
    ///
    /// # Panics
    /// A program of this map without an entry in `at`.
    #[must_use]
    pub fn through(&self, at: &PackIndex) -> Self {
        Self(
            self.0
                .iter()
                .map(|s| match *s {
                    Source::Program(i) => Source::Program(at.lines[i]),
                    Source::Rung {
                        program,
                        rung,
                        units,
                    } => Source::Rung {
                        program: at.rungs[program],
                        rung,
                        units,
                    },
                })
                .collect(),
        )
    }

    /// Number of lines.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no lines.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Where each line (in report order) reads its inputs in the records
    /// of `layout` (`crate::cpu::reduce`, `shaders/reduce.wgsl`).
    #[must_use]
    pub fn sources(&self, layout: &RecordLayout) -> Vec<LineSource> {
        self.0
            .iter()
            .map(|s| match *s {
                Source::Program(i) => layout.program_source(i),
                Source::Rung {
                    program,
                    rung,
                    units,
                } => layout.rung_source(program, rung, units),
            })
            .collect()
    }

    /// Appends the lines of one path to `out`, in report order.
    pub fn push(&self, o: &PathOutcome, out: &mut Vec<LineOutcome>) {
        let line = |e: &EquityStats, premium: f64, payoff: f64| LineOutcome {
            max_drawdown: e.max_drawdown,
            final_pnl: e.pnl(),
            premium_paid: premium,
            hedge_payoff: payoff,
            worst_day: -e.worst_day,
        };
        for s in &self.0 {
            out.push(match *s {
                Source::Program(i) => {
                    let p = &o.programs()[i];
                    line(&p.equity, p.hedge.premium + p.hedge.costs, p.hedge.payoff)
                }
                Source::Rung {
                    program,
                    rung,
                    units,
                } => {
                    let p = &o.programs()[program];
                    line(
                        &p.ladder()[rung],
                        units * (p.unit.premium + p.unit.costs),
                        units * p.unit.payoff,
                    )
                }
            });
        }
    }

    /// The report batch of consecutive paths `first_path, first_path + 1, ...`
    /// with outcomes `outcomes`.
    #[must_use]
    pub fn batch(&self, first_path: u64, outcomes: &[PathOutcome]) -> PathBatch {
        PathBatch {
            first_path,
            max_vix: outcomes.par_iter().map(|o| o.max_vix).collect(),
            first_vix: outcomes.par_iter().map(|o| o.first_vix).collect(),
            spx_return: outcomes.par_iter().map(|o| o.spx_return).collect(),
            spx_max_drawdown: outcomes.par_iter().map(|o| o.spx_max_drawdown).collect(),
            outcomes: outcomes
                .par_chunks(1024)
                .flat_map_iter(|chunk| {
                    let mut lines = Vec::with_capacity(chunk.len() * self.len());
                    for o in chunk {
                        self.push(o, &mut lines);
                    }
                    lines
                })
                .collect(),
        }
    }
}
