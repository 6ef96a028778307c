//! `vixhedge replay`: the books of the study on history (`docs/history.md`,
//! "Replay"). Every position is marked at the model's Q prices for the
//! day's SPX close and filtered variance; the day's VIX (signals, regimes,
//! VIX option settlement) is the VIX close itself.
//!
//! - [`run_windows`]: rolling windows, each one path of the study;
//! - [`run_continuous`]: the whole range as one continuous book;
//! - [`episodes`]: its drawdown episodes; [`ci`]: confidence intervals that
//!   respect the overlap of the windows.

pub mod ci;
pub mod episodes;
pub mod report;

use rayon::prelude::*;

use crate::config::Config;
use crate::history::filter::VarianceFilter;
use crate::history::History;
use crate::model::Measure;
use crate::strategy::book::{PathBook, PathOutcome};
use crate::strategy::marks::DayState;
use crate::strategy::spec::BookSpec;
use crate::study::StudyPricing;

/// What the replay needs, built once: the Q pricing tables, the books and
/// the variance filter.
#[derive(Debug)]
pub struct Replay<'a> {
    /// The history replayed.
    pub history: &'a History,
    /// Pricing tables of the config's Q model.
    pub pricing: StudyPricing,
    /// The books.
    pub spec: BookSpec,
    /// The filter over the longest day index used (the whole range).
    pub filter: VarianceFilter,
}

impl<'a> Replay<'a> {
    /// Builds the pricing tables (a few seconds) and the filter of `config` for `history`.
    #[must_use]
    pub fn new(history: &'a History, config: &Config, spec: BookSpec) -> Self {
        let model_q = config.market_model(Measure::Q).risk_neutral();
        #[expect(clippy::cast_possible_truncation, reason = "a day count")]
        let days = history.len() as u32;
        Self {
            history,
            pricing: StudyPricing::build(model_q),
            spec,
            filter: VarianceFilter::new(config, days),
        }
    }

    /// The books' view of history day `i` as day `day` of a path (day 0 =
    /// the path's first day), and the marks of that day.
    fn day(&self, i: usize, day: u32) -> (DayState, crate::study::ModelMarks<'_>) {
        let (spx, vix) = (self.history.spx[i], self.history.vix[i]);
        let marks = self.pricing.marks(day, spx, self.filter.variance(vix, day));
        let state = DayState {
            vix,
            ..marks.day_state()
        };
        (state, marks)
    }

    /// One path over history days `start ..= start + days`.
    #[must_use]
    pub fn run_path(&self, start: usize, days: u32) -> PathOutcome {
        let (d0, m0) = self.day(start, 0);
        let mut book = PathBook::start(&self.spec, &d0, &m0);
        for d in 1..=days {
            let (s, m) = self.day(start + d as usize, d);
            book.step(&s, &m);
        }
        book.outcome()
    }
}

/// First history day of each window of `days` days, one every `stride`
/// days: `0, stride, 2 stride, ...` while `start + days < n`.
#[must_use]
pub fn window_starts(n: usize, days: u32, stride: usize) -> Vec<usize> {
    let last = n.saturating_sub(days as usize + 1);
    if n <= days as usize {
        return Vec::new();
    }
    (0..=last).step_by(stride.max(1)).collect()
}

/// Every window's outcome, in window order (in parallel; the result does
/// not depend on the thread count).
#[must_use]
pub fn run_windows(replay: &Replay<'_>, starts: &[usize], days: u32) -> Vec<PathOutcome> {
    starts
        .par_iter()
        .map(|&s| replay.run_path(s, days))
        .collect()
}

/// The whole range as one continuous book: each program's equity at every
/// close, USD.
#[derive(Debug, Clone)]
pub struct ContinuousBook {
    /// Program names, spec order (`none` first).
    pub names: Vec<String>,
    /// `equity[p][i]`: program p's equity line at history day i, USD.
    pub equity: Vec<Vec<f64>>,
    /// The path outcome of the whole range.
    pub outcome: PathOutcome,
}

/// Runs the books once over the whole history (day 0 = its first date).
#[must_use]
pub fn run_continuous(replay: &Replay<'_>) -> ContinuousBook {
    let n = replay.history.len();
    let programs = replay.spec.programs.len();
    let mut equity = vec![Vec::with_capacity(n); programs];
    let (d0, m0) = replay.day(0, 0);
    let mut book = PathBook::start(&replay.spec, &d0, &m0);
    let record = |book: &PathBook<'_>, equity: &mut Vec<Vec<f64>>| {
        for (p, e) in equity.iter_mut().enumerate() {
            e.push(book.equity(p));
        }
    };
    record(&book, &mut equity);
    for i in 1..n {
        #[expect(clippy::cast_possible_truncation, reason = "a day count")]
        let (s, m) = replay.day(i, i as u32);
        book.step(&s, &m);
        record(&book, &mut equity);
    }
    ContinuousBook {
        names: replay
            .spec
            .programs
            .iter()
            .map(|p| p.program.name().to_string())
            .collect(),
        equity,
        outcome: book.outcome(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_fit_the_range() {
        assert_eq!(window_starts(10, 3, 1), vec![0, 1, 2, 3, 4, 5, 6]);
        assert_eq!(window_starts(10, 3, 4), vec![0, 4]);
        assert_eq!(window_starts(4, 3, 1), vec![0]);
        assert!(window_starts(3, 3, 1).is_empty());
    }
}
