//! `vixhedge sweep`: a grid of configurations over the same paths (common
//! random numbers: one seed, the same global path indices), one row of cut,
//! drag and drawdown per point, regime and line, and the hedge frontier.
//!
//! - [`grid`]: `--grid KEY=V1,V2,...` and the points it expands to;
//! - [`rows`]: the rows and `sweep.csv`;
//! - [`frontier`]: the best design per drag budget, the Pareto front and
//!   `frontier.svg`;
//! - [`report_md`]: the sweep's `report.md`.

pub mod frontier;
pub mod grid;
pub mod rows;
pub mod sensitivity;

use std::fmt::Write as _;

pub use frontier::{best_within, designs, pareto, Design, DRAG_BUDGETS};
pub use grid::{points, same_market, Grid, GridError, Point, MAX_POINTS};
pub use rows::{csv, Cell, Row, ROW_REGIMES};

use crate::report::verdict::{CLAIMED_CUT, CLAIM_REGIME};

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.2}%", 100.0 * x)
    } else {
        "n/a".to_string()
    }
}

fn ci(c: [f64; 2]) -> String {
    format!("[{}, {}]", pct(c[0]), pct(c[1]))
}

fn grid_text(row: Option<&Row>) -> String {
    row.map_or_else(String::new, |r| {
        r.grid
            .iter()
            .map(|(k, v)| format!("`{k}={v}`"))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// The sweep's `report.md`: what was swept, the best design per drag budget
/// in the claim's regime (moderate stress), the Pareto front and every
/// point's figures there. `header` is a paragraph describing the base run
/// (paths, seed, preset).
#[must_use]
pub fn report_md(header: &str, rows: &[Row]) -> String {
    let regime = CLAIM_REGIME;
    let ds = designs(rows, regime);
    let row_of = |p: usize| rows.iter().find(|r| r.point == p);
    let mut s = String::new();
    let _ = writeln!(s, "# Sweep: the hedge frontier in {regime} stress\n");
    let _ = writeln!(s, "{header}\n");
    let _ = writeln!(
        s,
        "{} points on the same paths (common random numbers). Cut: 1 - mean max \
         drawdown of the line / that of `none` on the same paths (95% CI, delta \
         method); drag: (mean P&L of `none` - mean P&L of the line) / capital, per \
         year (95% CI). The claim is a {}-{} cut at 1-2%/yr.\n",
        rows.len(),
        pct(CLAIMED_CUT[0]),
        pct(CLAIMED_CUT[1])
    );
    let _ = writeln!(s, "## Best design per drag budget ({regime} stress)\n");
    let _ = writeln!(
        s,
        "| drag budget | point | grid values | line | cut | cut 95% CI | drag | drag 95% CI | reaches 35%? |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for budget in DRAG_BUDGETS {
        match best_within(&ds, budget) {
            Some(d) => {
                let reaches = if d.cut_ci95[0] >= CLAIMED_CUT[0] {
                    "yes (whole CI)"
                } else if d.cut_ci95[1] >= CLAIMED_CUT[0] {
                    "inconclusive"
                } else {
                    "no"
                };
                let _ = writeln!(
                    s,
                    "| {} /yr | {} | {} | `{}` | {} | {} | {} | {} | {reaches} |",
                    pct(budget),
                    d.point,
                    grid_text(row_of(d.point)),
                    d.line,
                    pct(d.cut),
                    ci(d.cut_ci95),
                    pct(d.drag),
                    ci(d.drag_ci95)
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "| {} /yr | none within the budget | | | | | | | |",
                    pct(budget)
                );
            }
        }
    }
    let _ = writeln!(s, "\n## Pareto front ({regime} stress)\n");
    let _ = writeln!(
        s,
        "| drag | cut | cut 95% CI | line | point | grid values |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- |");
    for d in pareto(&ds) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | `{}` | {} | {} |",
            pct(d.drag),
            pct(d.cut),
            ci(d.cut_ci95),
            d.line,
            d.point,
            grid_text(row_of(d.point))
        );
    }
    let _ = writeln!(
        s,
        "\n## Every point ({regime} stress, lines at their own size)\n"
    );
    let _ = writeln!(
        s,
        "| point | grid values | line | paths | cut | cut 95% CI | drag | mean max DD |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- | --- | --- |");
    for row in rows {
        let Some(lines) = row.regimes.get(regime) else {
            continue;
        };
        for (line, c) in lines.iter().filter(|(l, _)| !l.contains('@')) {
            let _ = writeln!(
                s,
                "| {} | {} | `{line}` | {} | {} | {} | {} | {} |",
                row.point,
                grid_text(Some(row)),
                c.paths,
                pct(c.cut),
                ci(c.cut_ci95),
                pct(c.drag),
                pct(c.mean_max_drawdown)
            );
        }
    }
    s
}
