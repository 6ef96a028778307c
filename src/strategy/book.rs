//! [`PathBook`]: the condor book and every hedge program on one path, advanced
//! one trading day at a time, and the [`PathOutcome`] it reports.

use super::condor::{CondorBook, CondorTally};
use super::hedge::{HedgeBook, Ledger};
use super::marks::{DayState, Marks};
use super::signals::{adaptive_scale, Signals};
use super::spec::{BookSpec, ProgramKind, MAX_PROGRAMS, MAX_RUNGS};
use super::stats::EquityStats;
use crate::model::TRADING_DAYS_PER_YEAR;

/// What one program reports for one path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgramOutcome {
    /// The program's equity line (condor + its hedge P&L), USD: max drawdown,
    /// final P&L, peak, worst day.
    pub equity: EquityStats,
    /// Hedge totals of the program's own line, USD (premium paid, payoff, costs, cash).
    pub hedge: Ledger,
    /// Hedge totals of the one-unit line, USD; rung k's totals are k times these.
    pub unit: Ledger,
    /// Final hedge P&L of the program's own line (cash + open positions at mid), USD.
    pub hedge_pnl: f64,
    /// Final hedge P&L of the one-unit line, USD.
    pub unit_hedge_pnl: f64,
    /// The ladder lines, in the order of the spec's `ladder`; the first `rungs` are used.
    pub ladder: [EquityStats; MAX_RUNGS],
    /// Ladder lines in use.
    pub rungs: usize,
}

impl ProgramOutcome {
    /// The ladder lines in use.
    #[must_use]
    pub fn ladder(&self) -> &[EquityStats] {
        &self.ladder[..self.rungs]
    }
}

/// What one path reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathOutcome {
    /// Highest VIX index over the path, day 0 included, VIX points (sets the
    /// regime by default).
    pub max_vix: f64,
    /// VIX index at the path's first close (day 0), VIX points.
    pub first_vix: f64,
    /// The SPX index's max drawdown over the path, max_t (peak_t - S_t) /
    /// peak_t over the closes, day 0 included, fraction.
    pub spx_max_drawdown: f64,
    /// SPX return over the path, last close / start - 1.
    pub spx_return: f64,
    /// The unhedged condor book's equity line, USD.
    pub condor: EquityStats,
    /// The condor book's trade counts and totals.
    pub condor_tally: CondorTally,
    /// Per program, in the spec's order; the first `count` are used.
    pub programs: [ProgramOutcome; MAX_PROGRAMS],
    /// Programs in use.
    pub count: usize,
}

impl PathOutcome {
    /// The programs' outcomes, in the spec's order.
    #[must_use]
    pub fn programs(&self) -> &[ProgramOutcome] {
        &self.programs[..self.count]
    }
}

/// The books of one path. Fixed-size and allocation-free: every position lives in
/// a fixed array, so the WGSL twin holds the same state per invocation.
///
/// Order of operations on each trading day (`docs/books.md`; this is what a
/// desk trading at the close does):
///
/// 1. interest: every cash balance grows by `e^{r/252}` (not on day 0);
/// 2. signals: RSI and MACD take the SPX close; max VIX is updated;
/// 3. condors: expiring ones settle at intrinsic; the rest are marked at mid
///    and exit on stop, take profit or `exit_dte`;
/// 4. hedges: expiring positions settle at the VIX index; the rest are marked
///    and those at their roll point are closed;
/// 5. condor entry (sized on the condor equity after step 3);
/// 6. hedge entries (adaptive scale from this close's VIX, 1-month future and
///    signals; VXTH sized on its line's equity after steps 3 to 5);
/// 7. equity of every line, at mid (new positions at their entry mid, so a
///    line's equity drops by exactly the entry costs), into the statistics.
///
/// Ruin: a line whose equity reaches zero stays at zero with a drawdown of 1
/// ([`EquityStats`]); a ruined condor line stops the condor book's entries,
/// and a ruined VXTH line its purchases. Layered hedges keep their schedule
/// (their one-unit ledger feeds the ladder rungs, each a line of its own), but
/// a ruined line no longer sees them.
///
/// Every hedge program sees the same condor book, so hedged equity = condor
/// equity + hedge P&L exactly, and the `none` line is the condor line.
#[derive(Debug, Clone)]
pub struct PathBook<'a> {
    spec: &'a BookSpec,
    day: u32,
    condor: CondorBook,
    condor_line: EquityStats,
    signals: Signals,
    hedges: [HedgeBook; MAX_PROGRAMS],
    lines: [EquityStats; MAX_PROGRAMS],
    rungs: [[EquityStats; MAX_RUNGS]; MAX_PROGRAMS],
    scale: f64,
    max_vix: f64,
    first_vix: f64,
    spx_start: f64,
    spx_last: f64,
    spx_peak: f64,
    spx_max_drawdown: f64,
}

impl<'a> PathBook<'a> {
    /// The books at the start of a path: processes day 0 (`day0.day` must be 0):
    /// signals seeded, first condor and day-0 hedge layers opened, equity recorded.
    #[must_use]
    pub fn start(spec: &'a BookSpec, day0: &DayState, marks: &impl Marks) -> Self {
        debug_assert_eq!(day0.day, 0, "a path starts on day 0");
        let capital = spec.condor.capital;
        let line = EquityStats::new(capital);
        let mut book = Self {
            spec,
            day: 0,
            condor: CondorBook::new(&spec.condor),
            condor_line: line,
            signals: Signals::new(&spec.adaptive),
            hedges: [HedgeBook::default(); MAX_PROGRAMS],
            lines: [line; MAX_PROGRAMS],
            rungs: [[line; MAX_RUNGS]; MAX_PROGRAMS],
            scale: 1.0,
            max_vix: day0.vix,
            first_vix: day0.vix,
            spx_start: day0.spx,
            spx_last: day0.spx,
            spx_peak: day0.spx,
            spx_max_drawdown: 0.0,
        };
        book.process(day0, marks);
        book
    }

    /// Processes the close of the next trading day (`day.day` must be the previous day + 1).
    pub fn step(&mut self, day: &DayState, marks: &impl Marks) {
        debug_assert_eq!(day.day, self.day + 1, "days are processed in order");
        self.day = day.day;
        let growth = (day.r / TRADING_DAYS_PER_YEAR).exp();
        self.condor.cash *= growth;
        for h in &mut self.hedges[..self.spec.programs.len()] {
            h.accrue(growth);
        }
        self.process(day, marks);
    }

    fn process(&mut self, day: &DayState, marks: &impl Marks) {
        let spec = self.spec;
        let n = spec.programs.len();
        self.signals.update(day.spx);
        self.max_vix = self.max_vix.max(day.vix);
        self.spx_last = day.spx;
        self.spx_peak = self.spx_peak.max(day.spx);
        self.spx_max_drawdown = self
            .spx_max_drawdown
            .max((self.spx_peak - day.spx) / self.spx_peak);

        self.condor.settle_mark_exit(&spec.condor, day, marks);
        for h in &mut self.hedges[..n] {
            h.settle_mark_close(day, marks, &spec.costs);
        }
        self.condor.enter(&spec.condor, day, marks);
        let condor_equity = self.condor.equity();

        self.scale = adaptive_scale(&spec.adaptive, day.vix, day.vix_future_1m, &self.signals);
        let capital = spec.condor.capital;
        for (i, (p, h)) in spec.programs.iter().zip(&mut self.hedges).enumerate() {
            match p.kind() {
                ProgramKind::None => {}
                ProgramKind::Layers { adaptive } => {
                    let s = if adaptive { self.scale } else { 1.0 };
                    h.enter_layers(&p.layers, capital, p.units, s, day, marks, &spec.costs);
                }
                ProgramKind::Vxth => {
                    // A ruined line has no equity to budget from.
                    let line = if self.lines[i].is_ruined() {
                        0.0
                    } else {
                        condor_equity + h.pnl()
                    };
                    h.enter_vxth(&spec.vxth, line, day, marks, &spec.costs);
                }
            }
        }

        self.condor_line.push(condor_equity);
        if self.condor_line.is_ruined() {
            self.condor.ruined = true;
        }
        for (i, p) in spec.programs.iter().enumerate() {
            let h = &self.hedges[i];
            self.lines[i].push(condor_equity + h.pnl());
            let unit = h.pnl_unit();
            for (rung, &k) in self.rungs[i].iter_mut().zip(&p.ladder) {
                rung.push(condor_equity + k * unit);
            }
        }
    }

    /// Trading day last processed.
    #[must_use]
    pub fn day(&self) -> u32 {
        self.day
    }

    /// The condor book.
    #[must_use]
    pub fn condor(&self) -> &CondorBook {
        &self.condor
    }

    /// The hedge book of program `i` (spec order).
    #[must_use]
    pub fn hedge(&self, i: usize) -> &HedgeBook {
        &self.hedges[i]
    }

    /// Current equity of program `i`'s line, USD.
    #[must_use]
    pub fn equity(&self, i: usize) -> f64 {
        self.lines[i].last
    }

    /// The adaptive scale s in [0, 1] computed at the last close.
    #[must_use]
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// The signals after the last close.
    #[must_use]
    pub fn signals(&self) -> &Signals {
        &self.signals
    }

    /// What the path reports, as of the last processed day.
    #[must_use]
    pub fn outcome(&self) -> PathOutcome {
        let empty = ProgramOutcome {
            equity: self.condor_line,
            hedge: Ledger::default(),
            unit: Ledger::default(),
            hedge_pnl: 0.0,
            unit_hedge_pnl: 0.0,
            ladder: [self.condor_line; MAX_RUNGS],
            rungs: 0,
        };
        let mut programs = [empty; MAX_PROGRAMS];
        for (i, p) in self.spec.programs.iter().enumerate() {
            let h = &self.hedges[i];
            programs[i] = ProgramOutcome {
                equity: self.lines[i],
                hedge: h.main,
                unit: h.unit,
                hedge_pnl: h.pnl(),
                unit_hedge_pnl: h.pnl_unit(),
                ladder: self.rungs[i],
                rungs: p.ladder.len(),
            };
        }
        PathOutcome {
            max_vix: self.max_vix,
            first_vix: self.first_vix,
            spx_max_drawdown: self.spx_max_drawdown,
            spx_return: self.spx_last / self.spx_start - 1.0,
            condor: self.condor_line,
            condor_tally: self.condor.tally,
            programs,
            count: self.spec.programs.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_path_state_stays_small() {
        // The WGSL twin keeps this per invocation (or per program): about 11 KB
        // with 8 programs of 16 hedge slots; watch it grow.
        let size = std::mem::size_of::<PathBook<'static>>();
        assert!(size < 12 * 1024, "PathBook is {size} bytes");
    }
}
