//! Text renderings: the verdict table, `report.md` and the histogram CSVs.

use std::fmt::Write as _;

use super::hist::{HistSpec, Histogram};
use super::stats::{LineAcc, StudyAccumulator};
use super::summary::{NamedMap, StrategySummary, StudySummary};
use crate::config::Regime;

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}", 100.0 * x)
    } else {
        "n/a".into()
    }
}

/// Percent with two decimals (drags are often a fraction of a percent).
fn pct2(x: f64) -> String {
    if x.is_finite() {
        format!("{:.2}", 100.0 * x)
    } else {
        "n/a".into()
    }
}

fn ci(c: Option<[f64; 2]>, fmt: fn(f64) -> String) -> String {
    match c {
        Some([a, b]) if a.is_finite() && b.is_finite() => format!("{} to {}", fmt(a), fmt(b)),
        _ => "n/a".into(),
    }
}

fn num(x: f64, decimals: usize) -> String {
    if x.is_finite() {
        format!("{x:.decimals$}")
    } else {
        "n/a".into()
    }
}

/// Column headers of the strategy tables, units in every header.
const HEADERS: [&str; 14] = [
    "line",
    "paths",
    "mean DD (%)",
    "p95 DD (%)",
    "CVaR95 DD (%)",
    "cut, mean ratio (%)",
    "cut 95% CI (%)",
    "cut, median (%) (95% CI)",
    "cut, p95 (%) (95% CI)",
    "paths cut >=35% (%)",
    "drag (%/yr)",
    "drag 95% CI (%/yr)",
    "return (%/yr)",
    "Calmar (return/mean DD)",
];

fn with_ci(x: f64, c: Option<[f64; 2]>) -> String {
    match c {
        Some(_) => format!("{} ({})", pct(x), ci(c, pct)),
        None => pct(x),
    }
}

fn rows(strategies: &NamedMap<StrategySummary>) -> Vec<[String; 14]> {
    strategies
        .iter()
        .map(|(name, s)| {
            let r = &s.drawdown_reduction;
            [
                name.to_string(),
                s.paths.to_string(),
                pct(s.max_drawdown.mean),
                pct(s.max_drawdown.p95),
                pct(s.max_drawdown.cvar95),
                pct(r.mean_ratio),
                ci(Some(r.ci95), pct),
                with_ci(r.p50, r.p50_ci95),
                with_ci(r.p95, r.p95_ci95),
                pct(r.share_cut_35),
                pct2(s.annual_drag),
                ci(Some(s.annual_drag_ci95), pct2),
                pct(s.annual_return),
                num(s.calmar, 2),
            ]
        })
        .collect()
}

/// A fixed-width text table of the lines in `strategies` (the human output of
/// `run`): drawdowns, cuts and drags in percent, with units in every header.
#[must_use]
pub fn strategy_table(strategies: &NamedMap<StrategySummary>) -> String {
    let rows = rows(strategies);
    let mut widths = HEADERS.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i == 0 {
                let _ = write!(out, "{cell:<w$}");
            } else {
                let _ = write!(out, "  {cell:>w$}");
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(&HEADERS.map(String::from));
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    out.push_str(&line(&rule));
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}

/// The verdict and the moderate-regime table as plain text.
#[must_use]
pub fn verdict_table(summary: &StudySummary) -> String {
    let mut out = summary.verdict.render();
    if let Some(m) = summary.regimes.get(&summary.verdict.regime) {
        let _ = writeln!(out, "\nModerate stress ({} paths):", m.paths);
        out.push_str(&strategy_table(&m.strategies));
    }
    out
}

fn markdown_table(strategies: &NamedMap<StrategySummary>) -> String {
    let mut out = format!("| {} |\n", HEADERS.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(HEADERS.len())));
    for row in rows(strategies) {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

/// The content of `report.md`: run facts, verdict, regime overview, tables per
/// regime, methods, and the caller's `assumptions` (Markdown) verbatim.
#[must_use]
pub fn report_markdown(summary: &StudySummary, assumptions: &str) -> String {
    let mut out = String::from("# vixhedge run report\n\n");
    let _ = writeln!(
        out,
        "Seed {}, {} paths ({} invalid), horizon {} trading days, capital {} USD, \
         backend {} ({}), {:.1} s, {:.3e} path-steps/s.\n",
        summary.run.seed,
        summary.paths,
        summary.invalid_paths,
        summary.horizon_days,
        num(summary.capital, 0),
        summary.run.backend,
        summary.run.adapter,
        summary.run.elapsed_s,
        summary.run.path_steps_per_s
    );
    out.push_str("## Verdict\n\n");
    out.push_str(&summary.verdict.render());
    out.push_str("\n## Regimes (by path max VIX)\n\n");
    out.push_str("| regime | paths | share (%) | mean max VIX (VIX pts) | mean SPX return (%) |\n");
    out.push_str("|---|---|---|---|---|\n");
    for (name, r) in summary.regimes.iter() {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} |",
            r.paths,
            pct(r.share),
            num(r.max_vix_mean, 1),
            pct(r.spx_return_mean)
        );
    }
    out.push_str("\n## All paths\n\n");
    out.push_str(&markdown_table(&summary.strategies));
    for (name, r) in summary.regimes.iter() {
        let _ = write!(out, "\n## Regime {name} ({} paths)\n\n", r.paths);
        out.push_str(&markdown_table(&r.strategies));
    }
    out.push_str(
        "\n## Methods\n\n\
         - Max drawdown: max over days of (peak - equity) / peak, per path and equity line; \
         quantiles and CVaR95 from histograms with 1e-4 bins (0.01 percentage point).\n\
         - Cut (mean ratio): 1 - mean(DD_line) / mean(DD_none) over the same paths; 95% CI by \
         the delta method on the paired sums.\n\
         - Cut (median, p95): 1 - q(DD_line) / q(DD_none); 95% CIs by sectioning: 20 groups of \
         paths by path index, t interval on the spread of the group estimates (n/a below 200 \
         paths of the regime per group).\n\
         - Return: mean P&L / capital x 252 / horizon days; Calmar: return / mean max drawdown.\n\
         - Paths cut >=35%: share of paths with DD_none > 0 whose own drawdown falls by at least 35%.\n\
         - Drag: (mean P&L of none - mean P&L of the line) / capital x 252 / horizon days, \
         positive is a cost; 95% CI from the paired per-path differences.\n\
         - Lines named `program@xK` are the program's hedge scaled to K units on the same paths.\n",
    );
    out.push_str("\n## Assumptions\n\n");
    out.push_str(assumptions.trim_end());
    out.push('\n');
    out
}

/// Histogram counts re-binned by `factor` (whole bins summed), as `u64`.
fn coarse(h: &Histogram, factor: usize) -> Vec<u64> {
    h.counts()
        .chunks(factor)
        .map(|c| c.iter().map(|&x| u64::from(x)).sum())
        .collect()
}

/// One wide CSV: a row per (regime, bin), a count column per line. Rows outside
/// the first and last non-empty bin of a regime are left out; the tails are rows
/// with an infinite edge.
fn wide_csv(
    acc: &StudyAccumulator,
    edge_names: (&str, &str),
    scale: f64,
    decimals: usize,
    factor: usize,
    pick: impl Fn(&LineAcc) -> &Histogram,
) -> String {
    let lines = acc.layout().lines.lines();
    let mut out = format!("regime,{},{}", edge_names.0, edge_names.1);
    for l in lines {
        let _ = write!(out, ",{}", l.name);
    }
    out.push('\n');
    for regime in Regime::ALL {
        let ra = acc.regime(regime);
        let hists: Vec<&Histogram> = (0..lines.len()).map(|i| pick(ra.line(i))).collect();
        let spec: HistSpec = hists[0].spec();
        let cols: Vec<Vec<u64>> = hists.iter().map(|h| coarse(h, factor)).collect();
        let bins = cols[0].len();
        let nonzero = |b: &usize| cols.iter().any(|c| c[*b] > 0);
        let first = (0..bins).find(nonzero).unwrap_or(bins);
        let last = (0..bins).rev().find(nonzero).map_or(0, |b| b + 1);
        let w = spec.width * factor as f64;
        let row = |out: &mut String, lo: f64, hi: f64, counts: Vec<u64>| {
            let (lo, hi) = (lo * scale, hi * scale);
            let _ = write!(out, "{},{lo:.decimals$},{hi:.decimals$}", regime.name());
            for c in counts {
                let _ = write!(out, ",{c}");
            }
            out.push('\n');
        };
        row(
            &mut out,
            f64::NEG_INFINITY,
            spec.lo,
            hists.iter().map(|h| h.underflow().n).collect(),
        );
        for b in first..last {
            let lo = spec.lo + w * b as f64;
            row(&mut out, lo, lo + w, cols.iter().map(|c| c[b]).collect());
        }
        row(
            &mut out,
            spec.hi(),
            f64::INFINITY,
            hists.iter().map(|h| h.overflow().n).collect(),
        );
    }
    out
}

/// `drawdown_hist.csv`: paths per max-drawdown bin of 1e-3 (fraction), per regime
/// and line.
#[must_use]
pub fn drawdown_csv(acc: &StudyAccumulator) -> String {
    wide_csv(
        acc,
        ("drawdown_lo_frac", "drawdown_hi_frac"),
        1.0,
        4,
        10,
        |l| l.drawdown_hist(),
    )
}

/// `pnl_hist.csv`: paths per final-P&L bin of 2e-3 of capital (2,000 USD per
/// 1,000,000 USD), edges in USD, per regime and line.
#[must_use]
pub fn pnl_csv(acc: &StudyAccumulator) -> String {
    let capital = acc.layout().capital;
    wide_csv(acc, ("pnl_lo_usd", "pnl_hi_usd"), capital, 0, 10, |l| {
        l.pnl_hist()
    })
}

/// `reduction_hist.csv`: paths per bin of 1e-3 of the per-path reduction
/// 1 - DD_line / DD_none (fraction; paths with DD_none = 0 left out), per regime
/// and line.
#[must_use]
pub fn reduction_csv(acc: &StudyAccumulator) -> String {
    wide_csv(
        acc,
        ("reduction_lo_frac", "reduction_hi_frac"),
        1.0,
        4,
        1,
        |l| l.reduction_hist(),
    )
}
