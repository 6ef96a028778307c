//! The replay's additions to the study's outputs: the `history` and
//! `episodes` keys of `summary.json`, the episode table, the assumptions of
//! `report.md` and the continuous book's SVG.

use std::fmt::Write as _;

use plotters::prelude::*;
use serde::Serialize;

use super::episodes::Episode;
use super::ContinuousBook;
use crate::config::Config;
use crate::history::History;
use crate::report::plots::{color, svg, SIZE};
use crate::report::ReportError;

/// `summary.json`'s `history` key.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryInfo {
    /// SPX file as given.
    pub spx_file: String,
    /// VIX file as given.
    pub vix_file: String,
    /// First common date, ISO.
    pub from: String,
    /// Last common date, ISO.
    pub to: String,
    /// Common days.
    pub days: usize,
    /// Windows replayed.
    pub windows: usize,
    /// Days between window starts.
    pub stride: usize,
}

impl HistoryInfo {
    /// The info of `history` with `windows` windows every `stride` days.
    #[must_use]
    pub fn new(history: &History, windows: usize, stride: usize) -> Self {
        Self {
            spx_file: history.spx_file.clone(),
            vix_file: history.vix_file.clone(),
            from: history.first().to_string(),
            to: history.last().to_string(),
            days: history.len(),
            windows,
            stride,
        }
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}", 100.0 * x)
}

/// The episode table in Markdown: dates, max VIX, each program's drawdown
/// and hedge P&L, both in % (the P&L of the unhedged line's equity at the
/// peak, so decades of compounding compare).
#[must_use]
pub fn episode_table(episodes: &[Episode], book: &ContinuousBook, history: &History) -> String {
    let names = &book.names;
    let mut out = String::from("| peak | trough | recovery | max VIX (pts) |");
    for n in names {
        let _ = write!(out, " DD {n} (%) |");
    }
    for n in names.iter().skip(1) {
        let _ = write!(out, " hedge P&L {n} (% of peak) |");
    }
    out.push_str("\n|---|---|---|---|");
    for _ in 0..(2 * names.len()).saturating_sub(1) {
        out.push_str("---|");
    }
    out.push('\n');
    for e in episodes {
        let rec = e
            .recovery
            .map_or_else(|| "not in range".to_string(), |d| d.to_string());
        let i = history.dates.partition_point(|d| *d < e.peak);
        let peak_equity = book.equity[0][i.min(book.equity[0].len() - 1)];
        let _ = write!(
            out,
            "| {} | {} | {rec} | {:.1} |",
            e.peak, e.trough, e.max_vix
        );
        for (_, dd) in e.drawdown.iter() {
            let _ = write!(out, " {} |", pct(*dd));
        }
        for (_, h) in e.hedge_pnl.iter().skip(1) {
            let _ = write!(out, " {:.2} |", 100.0 * h / peak_equity);
        }
        out.push('\n');
    }
    out
}

/// The report's assumptions for a replay: how history is marked, how the
/// windows and the confidence intervals work, and the continuous book.
#[must_use]
pub fn assumptions(
    c: &Config,
    info: &HistoryInfo,
    block_windows: usize,
    episode_min: f64,
) -> String {
    format!(
        "- History: {spx} and {vix}, {from} to {to}, {days} common days. Each window of {d} trading days (day 0 \
and the {d} closes after it) is one path of the study; a window starts every {stride} day(s), {windows} windows.\n\
- Marks: every position on a historical day is marked at the model's mid prices under Q (`[model.q]`) for that \
day's SPX close and the filtered variance v = max((VIX^2/100^2 - b - e(day)) / a, 1e-4) (the model's VIX formula \
inverted at the VIX close). The VIX the books see (signals, regimes, the settlement of expiring VIX options) is \
the VIX close itself; VIX futures and options are the model's at the filtered variance. Regimes classify each \
window by its highest VIX close.\n\
- Confidence intervals in this report (cut by mean ratio, median and p95, and drag; all windows and each \
regime): moving-block bootstrap over windows, {reps} replicates of blocks of {block_windows} consecutive windows \
(at least twice the window length in days), percentile intervals; overlapping windows share days, so the \
per-path methods described under Methods would be too narrow and are not used here.\n\
- The whole range as one continuous book: `continuous_equity.svg` (equity lines, VIX below) and the drawdown \
episodes of the unhedged line deeper than {emin:.0}% (`episodes` in summary.json): peak, trough, recovery; per \
program its max drawdown from the peak to the recovery and its hedge P&L from the peak to the trough. The condor \
book sizes each condor on its current equity while ALVH layers are sized on `condor.capital` (contracts x units x \
capital / 1e6) and VXTH on a share of its line's equity, so over decades of compounding an ALVH hedge shrinks \
against the book it hedges; the windows, each starting at the capital, are the like-for-like comparison.\n\
- Books: the condor book and every hedge program exactly as in `run` (risk fraction {rf}, {every}-day entries, \
{dte}-day condors); no costs beyond the configured commissions and half spreads.\n",
        spx = info.spx_file,
        vix = info.vix_file,
        from = info.from,
        to = info.to,
        days = info.days,
        d = c.simulation.horizon_days,
        stride = info.stride,
        windows = info.windows,
        reps = super::ci::REPLICATES,
        emin = 100.0 * episode_min,
        rf = c.condor.risk_fraction,
        every = c.condor.entry_every_days,
        dte = c.condor.dte_days,
    )
}

/// Most points drawn per line of `continuous_equity.svg` (every k-th day
/// beyond that, so 29 years stay a small file).
const MAX_POINTS: usize = 1500;

/// `continuous_equity.svg`: each program's equity (own size, millions of
/// USD) over the range, with the VIX close below (every k-th day when the
/// range has more than [`MAX_POINTS`] days).
///
/// # Errors
/// Drawing fails.
pub fn continuous_svg(book: &ContinuousBook, history: &History) -> Result<String, ReportError> {
    let n = history.len();
    let every = n.div_ceil(MAX_POINTS).max(1);
    // Dates as fractional years, so the axis ticks are years.
    let x: Vec<f64> = history
        .dates
        .iter()
        .map(|d| {
            f64::from(d.year) + (f64::from(d.month) - 1.0) / 12.0 + (f64::from(d.day) - 1.0) / 365.0
        })
        .collect();
    let (x0, x1) = (x[0], x[n - 1].max(x[0] + 1e-3));
    let (lo, hi) = book
        .equity
        .iter()
        .flatten()
        .filter(|e| **e > 0.0)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &e| {
            (a.min(e), b.max(e))
        });
    let (lo, hi) = (lo / 1e6 * 0.9, (hi / 1e6 * 1.1).max(lo / 1e6 * 1.2));
    let vmax = history.vix.iter().copied().fold(0.0, f64::max) * 1.05;
    svg("continuous_equity.svg", SIZE, |root| {
        let (top, bottom) = root.split_vertically(380);
        let mut chart = ChartBuilder::on(&top)
            .caption("The whole range as one continuous book", ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, (lo..hi).log_scale())
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("equity (million USD, log scale)")
            .draw()
            .map_err(|e| e.to_string())?;
        for (p, (name, line)) in book.names.iter().zip(&book.equity).enumerate() {
            let c = color(p);
            chart
                .draw_series(LineSeries::new(
                    line.iter()
                        .zip(&x)
                        .step_by(every)
                        .filter(|(e, _)| **e > 0.0)
                        .map(|(e, t)| (*t, e / 1e6)),
                    c.stroke_width(1),
                ))
                .map_err(|e| e.to_string())?
                .label(name.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
        let mut v = ChartBuilder::on(&bottom)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, 0.0..vmax)
            .map_err(|e| e.to_string())?;
        v.configure_mesh()
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("VIX close (points)")
            .draw()
            .map_err(|e| e.to_string())?;
        v.draw_series(LineSeries::new(
            history
                .vix
                .iter()
                .zip(&x)
                .step_by(every)
                .map(|(v, t)| (*t, *v)),
            BLACK.stroke_width(1),
        ))
        .map_err(|e| e.to_string())?;
        Ok(())
    })
}
