//! Text renderings: the verdict table, `report.md` and the histogram CSVs.

use std::fmt::Write as _;

use super::hist::{HistSpec, Histogram};
use super::plots::MIN_REGIME_PATHS;
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
const HEADERS: [&str; 15] = [
    "line",
    "paths",
    "ruined (%)",
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

fn rows(strategies: &NamedMap<StrategySummary>) -> Vec<[String; 15]> {
    strategies
        .iter()
        .map(|(name, s)| {
            let r = &s.drawdown_reduction;
            [
                name.to_string(),
                s.paths.to_string(),
                pct(s.ruined),
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

/// Widest console line, columns.
pub const CONSOLE_WIDTH: usize = 100;

/// Column headers of the console table (`%/yr` columns are annualised).
const CONSOLE_HEADERS: [&str; 8] = [
    "line",
    "mean DD %",
    "p95 DD %",
    "cut %",
    "cut 95% CI",
    "drag %/yr",
    "drag 95% CI",
    "ret %/yr",
];

fn console_rows(strategies: &NamedMap<StrategySummary>) -> Vec<[String; 8]> {
    strategies
        .iter()
        .map(|(name, s)| {
            let r = &s.drawdown_reduction;
            [
                name.to_string(),
                pct(s.max_drawdown.mean),
                pct(s.max_drawdown.p95),
                pct(r.mean_ratio),
                ci(Some(r.ci95), pct),
                pct2(s.annual_drag),
                ci(Some(s.annual_drag_ci95), pct2),
                pct(s.annual_return),
            ]
        })
        .collect()
}

/// Lays out `rows` under `headers`, the first column left-aligned, the others
/// right-aligned, two spaces apart.
fn fixed_width<const N: usize>(headers: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = headers.map(str::len);
    for row in rows {
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
    let mut out = line(&headers.map(String::from));
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    out.push_str(&line(&rule));
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

/// A fixed-width console table of the lines in `strategies` (fits
/// [`CONSOLE_WIDTH`] columns for line names up to 21 characters): mean and
/// p95 drawdown, the cut with its 95% CI, the drag with its CI and the
/// return, in percent; when a line has ruined paths, their share replaces the
/// two intervals. `report.md` holds the full table.
#[must_use]
pub fn strategy_table(strategies: &NamedMap<StrategySummary>) -> String {
    let rows = console_rows(strategies);
    if strategies.iter().any(|(_, s)| s.ruined > 0.0) {
        // Room for the ruined share: the two interval columns give way to it
        // (report.md keeps them).
        let headers = [
            "line",
            "ruined %",
            "mean DD %",
            "p95 DD %",
            "cut %",
            "drag %/yr",
            "ret %/yr",
        ];
        let narrow: Vec<[String; 7]> = strategies
            .iter()
            .zip(rows)
            .map(|((_, s), r)| {
                [
                    r[0].clone(),
                    pct(s.ruined),
                    r[1].clone(),
                    r[2].clone(),
                    r[3].clone(),
                    r[5].clone(),
                    r[7].clone(),
                ]
            })
            .collect();
        fixed_width(headers, &narrow)
    } else {
        fixed_width(CONSOLE_HEADERS, &rows)
    }
}

/// The note on annualised figures when the horizon is shorter than a year
/// (they scale the horizon's result by 252 / horizon_days), else `None`.
#[must_use]
pub fn annualised_note(horizon_days: u32) -> Option<String> {
    (horizon_days < 252).then(|| {
        let factor = 252.0 / f64::from(horizon_days);
        format!(
            "Annualised figures (%/yr: drag, return) scale a {horizon_days}-day result by {factor:.1}: \
             over a short horizon they exaggerate (a 3% loss in 21 days reads -36%/yr); \
             compare them between lines, not with yearly budgets."
        )
    })
}

/// Wraps `text` at `width` columns, each line after the first indented by `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.to_string();
        } else if !line.is_empty() && !line.ends_with(' ') {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.trim().is_empty() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The note for a regime with too few paths to read, or `None`.
#[must_use]
pub fn thin_regime_note(name: &str, paths: u64) -> Option<String> {
    if paths == 0 {
        Some(format!(
            "No path fell in the {name} regime: nothing to report there."
        ))
    } else if paths < MIN_REGIME_PATHS {
        Some(format!(
            "Only {paths} paths fell in the {name} regime: too few for its statistics \
             (and their intervals) to mean much."
        ))
    } else {
        None
    }
}

/// The verdict and the verdict regime's table as plain text, every line at
/// most [`CONSOLE_WIDTH`] columns (for line names up to 21 characters).
#[must_use]
pub fn verdict_table(summary: &StudySummary) -> String {
    let mut out = String::new();
    for (i, line) in summary.verdict.render().lines().enumerate() {
        let indent = if i == 0 { "" } else { "  " };
        out.push_str(&wrap(line, CONSOLE_WIDTH, indent));
    }
    let regime = &summary.verdict.regime;
    if let Some(m) = summary.regimes.get(regime) {
        let _ = writeln!(out, "\n{regime} stress ({} paths):", m.paths);
        match thin_regime_note(regime, m.paths) {
            Some(note) => out.push_str(&wrap(&note, CONSOLE_WIDTH, "")),
            None => out.push_str(&strategy_table(&m.strategies)),
        }
    }
    if let Some(note) = annualised_note(summary.horizon_days) {
        out.push_str(&wrap(&format!("Note: {note}"), CONSOLE_WIDTH, "  "));
    }
    out.push_str("Medians, p95 cuts, Calmar ratios and every regime: report.md.\n");
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

/// The regime measure `by` (`summary.json`'s `regime_definition.by`) in words.
#[must_use]
pub fn regime_measure(by: &str) -> &'static str {
    match by {
        "vix_rise" => "the path's VIX rise (max VIX minus first VIX)",
        "spx_drawdown" => "the SPX index's max drawdown over the path",
        _ => "path max VIX",
    }
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
    let def = &summary.regime_definition;
    let _ = write!(
        out,
        "\n## Regimes (by {}: moderate from {}, severe from {}, crisis from {}, {})\n\n",
        regime_measure(&def.by),
        def.moderate_from,
        def.severe_from,
        def.crisis_from,
        def.unit
    );
    out.push_str(
        "| regime | paths | share (%) | mean max VIX (VIX pts) | mean first VIX (VIX pts) | mean SPX return (%) | mean SPX max drawdown (%) |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|\n");
    for (name, r) in summary.regimes.iter() {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} | {} |",
            r.paths,
            pct(r.share),
            num(r.max_vix_mean, 1),
            num(r.first_vix_mean, 1),
            pct(r.spx_return_mean),
            pct(r.spx_max_drawdown_mean)
        );
    }
    if let Some(note) = annualised_note(summary.horizon_days) {
        let _ = writeln!(out, "\n> {note}");
    }
    out.push_str("\n## All paths\n\n");
    out.push_str(&markdown_table(&summary.strategies));
    for (name, r) in summary.regimes.iter() {
        let _ = write!(out, "\n## Regime {name} ({} paths)\n\n", r.paths);
        match thin_regime_note(name, r.paths) {
            Some(note) if r.paths == 0 => {
                let _ = writeln!(out, "{note}");
            }
            Some(note) => {
                let _ = writeln!(out, "{note}\n");
                out.push_str(&markdown_table(&r.strategies));
            }
            None => out.push_str(&markdown_table(&r.strategies)),
        }
    }
    out.push_str(
        "\n## Methods\n\n\
         - Max drawdown: max over days of (peak - equity) / peak, per path and equity line; \
         quantiles and CVaR95 from histograms with 1e-4 bins (0.01 percentage point).\n\
         - Ruined: share of paths on which the line's equity reached zero; such a line stops \
         trading, stays at zero and counts a drawdown of 100%.\n\
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
