//! The study kernel's per-path record, as both twins write it, and its
//! reading into the books' [`PathOutcome`].
//!
//! Layout (`f32` words; `P` = the run's programs, `R` = its largest ladder):
//! `[0]` max VIX, `[1]` SPX return, `[2..6)` the condor line (max drawdown,
//! P&L, peak - capital, worst day), `[6..15)` the condor tally (opened,
//! skipped, stops, take profits, time exits, expiries, credits, debits,
//! costs), `[15]` the first VIX (the close of day 0), `[16]` the SPX max
//! drawdown (fraction of the running peak, day 0's close included), then
//! per program `14 + 4 R` words: its line (4), its own ledger
//! (cash, premium, payoff, costs), the one-unit ledger (4), the hedge P&L
//! (own, one-unit) and the rungs' lines (4 each). USD amounts that start at
//! the capital are offsets from it.

use bytemuck::{Pod, Zeroable};

use crate::strategy::book::{PathOutcome, ProgramOutcome};
use crate::strategy::condor::CondorTally;
use crate::strategy::hedge::Ledger;
use crate::strategy::spec::{BookSpec, MAX_PROGRAMS, MAX_RUNGS};
use crate::strategy::stats::EquityStats;

use super::StudyShape;

/// Words of the record before the first program.
pub const HEADER_WORDS: usize = 17;

/// Record words of the path facts the reductions read: max VIX, first VIX,
/// SPX return and SPX max drawdown (`crate::report::PathFacts`).
pub const FACT_WORDS: [usize; 4] = [0, 15, 1, 16];

/// Where a report line's inputs are in a record: the reductions (the CPU's
/// `crate::cpu::reduce` and the GPU's `shaders/reduce.wgsl`) read
/// max drawdown = `rec[line]`, P&L = `rec[line + 1]`, worst day =
/// -`rec[line + 3]`, premium = `units` x (`rec[ledger + 1]` +
/// `rec[ledger + 3]`) and payoff = `units` x `rec[ledger + 2]`, all in
/// `f32`. Laid out as `LineSource` in `shaders/reduce.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct LineSource {
    /// Word of the line's equity stats (max drawdown, P&L, peak, worst day).
    pub line: u32,
    /// Word of its ledger (cash, premium, payoff, costs): the program's own,
    /// or the one-unit ledger of a ladder rung.
    pub ledger: u32,
    /// The ledger's multiple: 1 for a program, the rung's units for a rung.
    pub units: f32,
    /// Padding to 16 bytes.
    pub pad: u32,
}

/// How to read a run's records.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordLayout {
    /// Capital of the books, USD.
    pub capital: f64,
    /// Rungs in use per program, in the spec's order.
    pub rung_counts: Vec<usize>,
    /// The slot counts of the run (programs and rungs set the record size).
    pub shape: StudyShape,
}

impl RecordLayout {
    /// The layout of `spec`'s records with the run's slot counts `shape`.
    #[must_use]
    pub fn new(spec: &BookSpec, shape: StudyShape) -> Self {
        Self {
            capital: spec.condor.capital,
            rung_counts: spec.programs.iter().map(|p| p.ladder.len()).collect(),
            shape,
        }
    }

    /// `f32` words of one path's record.
    #[must_use]
    pub fn words(&self) -> usize {
        self.shape.record_words() as usize
    }

    /// The first word of program `p`'s part of a record.
    #[must_use]
    pub fn program_word(&self, p: usize) -> usize {
        HEADER_WORDS + p * (14 + 4 * self.shape.rungs as usize)
    }

    /// Where program `p`'s own line reads.
    #[must_use]
    pub fn program_source(&self, p: usize) -> LineSource {
        let b = self.program_word(p);
        LineSource {
            line: b as u32,
            ledger: (b + 4) as u32,
            units: 1.0,
            pad: 0,
        }
    }

    /// Where rung `r` (of `units` one-unit hedges) of program `p`'s ladder reads.
    #[must_use]
    #[expect(clippy::cast_possible_truncation, reason = "the kernel's f32 units")]
    pub fn rung_source(&self, p: usize, r: usize, units: f64) -> LineSource {
        let b = self.program_word(p);
        LineSource {
            line: (b + 14 + 4 * r) as u32,
            ledger: (b + 8) as u32,
            units: units as f32,
            pad: 0,
        }
    }

    /// One path's record as the CPU books' [`PathOutcome`].
    #[must_use]
    pub fn outcome(&self, rec: &[f32]) -> PathOutcome {
        let cap = self.capital;
        let f = |i: usize| f64::from(rec[i]);
        let line = |i: usize| EquityStats {
            start: cap,
            last: cap + f(i + 1),
            peak: cap + f(i + 2),
            max_drawdown: f(i),
            worst_day: f(i + 3),
        };
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "whole counts"
        )]
        let count = |i: usize| rec[i] as u32;
        let condor = line(2);
        let tally = CondorTally {
            opened: count(6),
            skipped: count(7),
            stops: count(8),
            take_profits: count(9),
            time_exits: count(10),
            expiries: count(11),
            credits: f(12),
            debits: f(13),
            costs: f(14),
        };
        let ledger = |i: usize| Ledger {
            cash: f(i),
            premium: f(i + 1),
            payoff: f(i + 2),
            costs: f(i + 3),
        };
        let empty = ProgramOutcome {
            equity: condor,
            hedge: Ledger::default(),
            unit: Ledger::default(),
            hedge_pnl: 0.0,
            unit_hedge_pnl: 0.0,
            ladder: [condor; MAX_RUNGS],
            rungs: 0,
        };
        let mut programs = [empty; MAX_PROGRAMS];
        for (p, &n_rungs) in self.rung_counts.iter().enumerate() {
            let b = self.program_word(p);
            let mut ladder = [condor; MAX_RUNGS];
            for (r, slot) in ladder.iter_mut().enumerate().take(n_rungs) {
                *slot = line(b + 14 + 4 * r);
            }
            programs[p] = ProgramOutcome {
                equity: line(b),
                hedge: ledger(b + 4),
                unit: ledger(b + 8),
                hedge_pnl: f(b + 12),
                unit_hedge_pnl: f(b + 13),
                ladder,
                rungs: n_rungs,
            };
        }
        PathOutcome {
            max_vix: f(0),
            first_vix: f(15),
            spx_max_drawdown: f(16),
            spx_return: f(1),
            condor,
            condor_tally: tally,
            programs,
            count: self.rung_counts.len(),
        }
    }
}
