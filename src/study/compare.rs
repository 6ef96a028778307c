//! Path-by-path comparison of two backends' outcomes (the GPU study kernel in
//! f32 against the CPU books in f64), in the units of the stated tolerances.

use crate::strategy::{EquityStats, Ledger, PathOutcome};

/// Tolerance on a line's max drawdown (fraction of the peak).
pub const DRAWDOWN_TOL: f64 = 1e-5;
/// Tolerance on every USD amount of a path, as a fraction of the capital
/// (10 USD on 1e6).
pub const USD_TOL: f64 = 1e-5;

/// The largest differences between two outcomes of the same path.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct OutcomeDiff {
    /// Largest |difference| of a line's max drawdown (fraction).
    pub drawdown: f64,
    /// Largest |difference| of a USD amount (P&L, worst day, peak, ledger
    /// totals, condor credits, debits and costs) over the capital.
    pub usd: f64,
    /// Whether the condor book's trade counts are equal.
    pub counts_equal: bool,
    /// Largest |difference| of the path's max VIX and first VIX, relative.
    pub max_vix: f64,
    /// Largest |difference| of the path's SPX return and SPX max drawdown.
    pub spx_return: f64,
}

impl OutcomeDiff {
    /// Whether the book numbers agree within [`DRAWDOWN_TOL`] and [`USD_TOL`]
    /// with equal trade counts.
    #[must_use]
    pub fn within_tolerance(&self) -> bool {
        self.counts_equal && self.drawdown <= DRAWDOWN_TOL && self.usd <= USD_TOL
    }
}

fn line(d: &mut OutcomeDiff, a: &EquityStats, b: &EquityStats, cap: f64) {
    d.drawdown = d.drawdown.max((a.max_drawdown - b.max_drawdown).abs());
    d.usd = d
        .usd
        .max((a.pnl() - b.pnl()).abs() / cap)
        .max((a.worst_day - b.worst_day).abs() / cap)
        .max((a.peak - b.peak).abs() / cap);
}

fn ledger(d: &mut OutcomeDiff, a: &Ledger, b: &Ledger, cap: f64) {
    for (x, y) in [
        (a.cash, b.cash),
        (a.premium, b.premium),
        (a.payoff, b.payoff),
        (a.costs, b.costs),
    ] {
        d.usd = d.usd.max((x - y).abs() / cap);
    }
}

/// Compares outcomes `a` and `b` of one path with books of capital `capital` USD.
///
/// # Panics
/// The outcomes come from different books (program or rung counts differ).
#[must_use]
pub fn compare(a: &PathOutcome, b: &PathOutcome, capital: f64) -> OutcomeDiff {
    let (s, t) = (&a.condor_tally, &b.condor_tally);
    let counts = |x: &crate::strategy::CondorTally| {
        (
            x.opened,
            x.skipped,
            x.stops,
            x.take_profits,
            x.time_exits,
            x.expiries,
        )
    };
    let mut d = OutcomeDiff {
        counts_equal: counts(s) == counts(t),
        max_vix: ((a.max_vix - b.max_vix).abs() / a.max_vix.abs().max(1e-300))
            .max((a.first_vix - b.first_vix).abs() / a.first_vix.abs().max(1e-300)),
        spx_return: (a.spx_return - b.spx_return)
            .abs()
            .max((a.spx_max_drawdown - b.spx_max_drawdown).abs()),
        ..OutcomeDiff::default()
    };
    line(&mut d, &a.condor, &b.condor, capital);
    for (x, y) in [
        (s.credits, t.credits),
        (s.debits, t.debits),
        (s.costs, t.costs),
    ] {
        d.usd = d.usd.max((x - y).abs() / capital);
    }
    assert_eq!(a.count, b.count, "outcomes of different books");
    for (p, q) in a.programs().iter().zip(b.programs()) {
        line(&mut d, &p.equity, &q.equity, capital);
        ledger(&mut d, &p.hedge, &q.hedge, capital);
        ledger(&mut d, &p.unit, &q.unit, capital);
        d.usd = d
            .usd
            .max((p.hedge_pnl - q.hedge_pnl).abs() / capital)
            .max((p.unit_hedge_pnl - q.unit_hedge_pnl).abs() / capital);
        assert_eq!(p.rungs, q.rungs, "outcomes of different books");
        for (x, y) in p.ladder().iter().zip(q.ladder()) {
            line(&mut d, x, y, capital);
        }
    }
    d
}

/// What [`compare`] finds over many paths.
#[derive(Debug, Default, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Agreement {
    /// Paths compared.
    pub paths: usize,
    /// Paths whose book numbers agree within tolerance ([`OutcomeDiff::within_tolerance`]).
    pub within_tolerance: usize,
    /// Largest max-drawdown difference among the paths within tolerance.
    pub max_drawdown_diff: f64,
    /// Largest USD difference over the capital among the paths within tolerance.
    pub max_usd_diff: f64,
    /// Largest max-drawdown difference over all paths.
    pub max_drawdown_diff_all: f64,
    /// Largest relative max-VIX difference over all paths.
    pub max_vix_diff: f64,
    /// Largest SPX-return difference over all paths.
    pub max_spx_return_diff: f64,
    /// Paths whose records (every `f32` word) are the same bits on both
    /// sides: set by `bench --kernel study` for two kernel backends; null
    /// where the sides are not records of the same kernel (the f64 books).
    #[serde(default)]
    pub bit_identical: Option<u64>,
}

impl Agreement {
    /// Adds the paths of `a` and `b` (the same paths, in the same order).
    pub fn add(&mut self, a: &[PathOutcome], b: &[PathOutcome], capital: f64) {
        assert_eq!(a.len(), b.len(), "different path counts");
        for (x, y) in a.iter().zip(b) {
            let d = compare(x, y, capital);
            self.paths += 1;
            self.max_drawdown_diff_all = self.max_drawdown_diff_all.max(d.drawdown);
            self.max_vix_diff = self.max_vix_diff.max(d.max_vix);
            self.max_spx_return_diff = self.max_spx_return_diff.max(d.spx_return);
            if d.within_tolerance() {
                self.within_tolerance += 1;
                self.max_drawdown_diff = self.max_drawdown_diff.max(d.drawdown);
                self.max_usd_diff = self.max_usd_diff.max(d.usd);
            }
        }
    }
}
