//! One row per sweep point: the grid values, then per regime and line the
//! drawdown cut, the drag and the mean max drawdown with their 95% confidence
//! intervals; written as `sweep.csv` and `sweep.json`.

use serde::Serialize;

use super::grid::Point;
use crate::report::summary::{NamedMap, StrategySummary};
use crate::report::StudySummary;

/// The regimes of a row: every path (`all`), then the stress regimes.
pub const ROW_REGIMES: [&str; 5] = ["all", "calm", "moderate", "severe", "crisis"];

/// One line's figures in one regime.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// Paths of the regime.
    pub paths: u64,
    /// Cut of the mean max drawdown against `none` (1 - mean DD_line /
    /// mean DD_none), fraction; `none`'s own is 0.
    pub cut: f64,
    /// Its 95% CI (delta method), fractions.
    pub cut_ci95: [f64; 2],
    /// Annual drag against `none`, fraction per year (positive: a cost).
    pub drag: f64,
    /// Its 95% CI, fractions per year.
    pub drag_ci95: [f64; 2],
    /// Mean max drawdown, fraction of the running peak.
    pub mean_max_drawdown: f64,
}

/// One row of `sweep.csv` / `sweep.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Point index (its summary is `points/<point>/summary.json`).
    pub point: usize,
    /// Grid key -> value as given.
    pub grid: NamedMap<String>,
    /// Regime -> line -> figures.
    pub regimes: NamedMap<NamedMap<Cell>>,
}

fn cells(lines: &NamedMap<StrategySummary>) -> NamedMap<Cell> {
    NamedMap(
        lines
            .iter()
            .map(|(name, s)| {
                let cell = Cell {
                    paths: s.paths,
                    cut: s.drawdown_reduction.mean_ratio,
                    cut_ci95: s.drawdown_reduction.ci95,
                    drag: s.annual_drag,
                    drag_ci95: s.annual_drag_ci95,
                    mean_max_drawdown: s.max_drawdown.mean,
                };
                (name.to_string(), cell)
            })
            .collect(),
    )
}

fn cells_json(lines: &serde_json::Value) -> NamedMap<Cell> {
    let f = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
    let pair = |v: &serde_json::Value| [f(&v[0]), f(&v[1])];
    NamedMap(
        lines
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(name, s)| {
                        let cell = Cell {
                            paths: s["paths"].as_u64().unwrap_or(0),
                            cut: f(&s["drawdown_reduction"]["mean_ratio"]),
                            cut_ci95: pair(&s["drawdown_reduction"]["ci95"]),
                            drag: f(&s["annual_drag"]),
                            drag_ci95: pair(&s["annual_drag_ci95"]),
                            mean_max_drawdown: f(&s["max_drawdown"]["mean"]),
                        };
                        (name.clone(), cell)
                    })
                    .collect()
            })
            .unwrap_or_default(),
    )
}

impl Row {
    /// The row of `point` from its `summary.json` document (a point that
    /// finished in an earlier invocation is read back from its file).
    /// Numbers that JSON holds as null (an empty regime) read as NaN.
    #[must_use]
    pub fn from_json(point: &Point, summary: &serde_json::Value) -> Self {
        let mut regimes = vec![("all".to_string(), cells_json(&summary["strategies"]))];
        if let Some(m) = summary["regimes"].as_object() {
            regimes.extend(
                m.iter()
                    .map(|(name, r)| (name.clone(), cells_json(&r["strategies"]))),
            );
        }
        Self {
            point: point.index,
            grid: NamedMap(point.values.clone()),
            regimes: NamedMap(regimes),
        }
    }

    /// The row of `point` from its summary.
    #[must_use]
    pub fn new(point: &Point, summary: &StudySummary) -> Self {
        let mut regimes = vec![("all".to_string(), cells(&summary.strategies))];
        regimes.extend(
            summary
                .regimes
                .iter()
                .map(|(name, r)| (name.to_string(), cells(&r.strategies))),
        );
        Self {
            point: point.index,
            grid: NamedMap(point.values.clone()),
            regimes: NamedMap(regimes),
        }
    }

    /// The figures of `line` in `regime`.
    #[must_use]
    pub fn cell(&self, regime: &str, line: &str) -> Option<&Cell> {
        self.regimes.get(regime)?.get(line)
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `sweep.csv`: a header, then one line per row. Columns: `point`, the grid
/// keys, then for each regime and line `<regime>.<line>.{paths, cut, cut_lo,
/// cut_hi, drag, drag_lo, drag_hi, mean_max_drawdown}` (fractions; drag per
/// year). Every row must have the lines of the first.
#[must_use]
pub fn csv(rows: &[Row]) -> String {
    let Some(first) = rows.first() else {
        return String::new();
    };
    let mut header = vec!["point".to_string()];
    header.extend(first.grid.iter().map(|(k, _)| field(k)));
    for (regime, lines) in first.regimes.iter() {
        for (line, _) in lines.iter() {
            for col in [
                "paths",
                "cut",
                "cut_lo",
                "cut_hi",
                "drag",
                "drag_lo",
                "drag_hi",
                "mean_max_drawdown",
            ] {
                header.push(field(&format!("{regime}.{line}.{col}")));
            }
        }
    }
    let mut out = header.join(",");
    out.push('\n');
    for row in rows {
        let mut cols = vec![row.point.to_string()];
        cols.extend(row.grid.iter().map(|(_, v)| field(v)));
        for (regime, lines) in first.regimes.iter() {
            for (line, _) in lines.iter() {
                match row.cell(regime, line) {
                    Some(c) => cols.extend([
                        c.paths.to_string(),
                        num(c.cut),
                        num(c.cut_ci95[0]),
                        num(c.cut_ci95[1]),
                        num(c.drag),
                        num(c.drag_ci95[0]),
                        num(c.drag_ci95[1]),
                        num(c.mean_max_drawdown),
                    ]),
                    None => cols.extend(std::iter::repeat_n(String::new(), 8)),
                }
            }
        }
        out.push_str(&cols.join(","));
        out.push('\n');
    }
    out
}

/// A number for CSV: shortest round-trip form, empty for NaN.
fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("hedge.units"), "hedge.units");
        assert_eq!(field("[1,2]"), "\"[1,2]\"");
        assert_eq!(field("a\"b"), "\"a\"\"b\"");
        assert_eq!(num(f64::NAN), "");
        assert_eq!(num(0.25), "0.25");
    }
}
