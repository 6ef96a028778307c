//! Drawdown episodes of the continuous book (`docs/history.md`, "Replay").

use serde::Serialize;

use super::ContinuousBook;
use crate::history::{Date, History};
use crate::report::summary::NamedMap;

/// One drawdown of the unhedged (`none`) line deeper than the threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Episode {
    /// Date of the peak the drawdown starts from.
    pub peak: Date,
    /// Date of the lowest equity before recovery.
    pub trough: Date,
    /// First date the equity is back at the peak; `None` if never in range.
    pub recovery: Option<Date>,
    /// Highest VIX close from peak to trough, VIX points.
    pub max_vix: f64,
    /// Per program: its line's max drawdown from the peak date to the
    /// recovery (or the range's end), fraction.
    pub drawdown: NamedMap<f64>,
    /// Per program: its hedge P&L from the peak to the trough (the program's
    /// equity change minus the unhedged line's), USD.
    pub hedge_pnl: NamedMap<f64>,
}

/// Max drawdown of `x`, fraction of the running peak.
fn max_dd(x: &[f64]) -> f64 {
    crate::history::facts::max_drawdown(x)
}

/// The episodes of line 0 (`none`) deeper than `min_depth` (a fraction):
/// an episode runs from a running-peak day to the first day the equity is
/// back at that peak (or the end), its trough is its lowest day.
#[must_use]
pub fn episodes(book: &ContinuousBook, history: &History, min_depth: f64) -> Vec<Episode> {
    let e = &book.equity[0];
    let n = e.len();
    let mut out = Vec::new();
    let mut peak = 0usize;
    let mut i = 1usize;
    while i < n {
        if e[i] >= e[peak] {
            peak = i;
            i += 1;
            continue;
        }
        // Below the peak: find the recovery and the trough in between.
        let mut trough = i;
        let mut j = i;
        while j < n && e[j] < e[peak] {
            if e[j] < e[trough] {
                trough = j;
            }
            j += 1;
        }
        let recovery = (j < n).then_some(j);
        let depth = (e[peak] - e[trough]) / e[peak];
        if depth > min_depth {
            let end = recovery.unwrap_or(n - 1);
            let drawdown = NamedMap(
                book.names
                    .iter()
                    .zip(&book.equity)
                    .map(|(name, line)| (name.clone(), max_dd(&line[peak..=end])))
                    .collect(),
            );
            let hedge_pnl = NamedMap(
                book.names
                    .iter()
                    .zip(&book.equity)
                    .map(|(name, line)| {
                        let h = |t: usize| line[t] - e[t];
                        (name.clone(), h(trough) - h(peak))
                    })
                    .collect(),
            );
            out.push(Episode {
                peak: history.dates[peak],
                trough: history.dates[trough],
                recovery: recovery.map(|r| history.dates[r]),
                max_vix: history.vix[peak..=trough]
                    .iter()
                    .copied()
                    .fold(f64::NEG_INFINITY, f64::max),
                drawdown,
                hedge_pnl,
            });
        }
        peak = j.min(n - 1);
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::join::History;

    #[test]
    fn finds_peak_trough_and_recovery() {
        let dates: Vec<Date> = (1..=9).map(|d| Date::new(2018, 1, d).unwrap()).collect();
        let history = History {
            spx_file: String::new(),
            vix_file: String::new(),
            dates,
            spx: vec![1.0; 9],
            vix: vec![10.0, 11.0, 30.0, 20.0, 12.0, 13.0, 14.0, 15.0, 16.0],
            dropped_spx: 0,
            dropped_vix: 0,
            missing_spx: 0,
            missing_vix: 0,
        };
        let none = vec![100.0, 110.0, 90.0, 99.0, 111.0, 108.0, 107.0, 109.0, 108.0];
        let hedged = vec![
            100.0, 110.0, 100.0, 104.0, 112.0, 109.0, 108.0, 110.0, 109.0,
        ];
        let book = ContinuousBook {
            names: vec!["none".into(), "alvh".into()],
            equity: vec![none, hedged],
            outcome: placeholder_outcome(),
        };
        let eps = episodes(&book, &history, 0.05);
        assert_eq!(eps.len(), 1, "{eps:?}");
        let ep = &eps[0];
        assert_eq!(ep.peak.to_string(), "2018-01-02");
        assert_eq!(ep.trough.to_string(), "2018-01-03");
        assert_eq!(
            ep.recovery.map(|d| d.to_string()),
            Some("2018-01-05".into())
        );
        assert_eq!(ep.max_vix, 30.0);
        assert!((ep.drawdown.get("none").unwrap() - 20.0 / 110.0).abs() < 1e-12);
        assert!((ep.drawdown.get("alvh").unwrap() - 10.0 / 110.0).abs() < 1e-12);
        // alvh - none: 0 at the peak, 10 at the trough.
        assert!((ep.hedge_pnl.get("alvh").unwrap() - 10.0).abs() < 1e-12);
        // The second dip (111 -> 107, 3.6%) is below the threshold.
        assert_eq!(episodes(&book, &history, 0.03).len(), 2);
    }

    fn placeholder_outcome() -> crate::strategy::book::PathOutcome {
        use crate::config::{Config, HedgeProgram};
        use crate::strategy::{BookSpec, FlatMarks, PathBook};
        let spec = BookSpec::from_config(&Config::default(), &[HedgeProgram::None]).unwrap();
        let m = FlatMarks {
            spx: 5000.0,
            spx_vol: 0.16,
            r: 0.03,
            vix: 17.0,
            vix_future_1m: 18.5,
            vix_vol: 1.0,
            vix_time_value: -1.0,
        };
        PathBook::start(&spec, &m.day_state(0), &m).outcome()
    }
}
