//! `drawdown_distribution.svg`: the distribution of max drawdown over all
//! paths, one small panel per program, each against `none` (black, dashed,
//! drawn on top), on shared axes.

use plotters::prelude::*;

use super::{style, svg, Style};
use crate::report::hist::Histogram;
use crate::report::stats::StudyAccumulator;
use crate::report::ReportError;

/// Drawdown bins summed per plotted point (50 x 1e-4 = 0.5 percentage point).
const DENSITY_FACTOR: usize = 50;

/// Panels per row.
const COLUMNS: usize = 4;

/// One plotted line: name, points (drawdown %, density per % point), mean
/// drawdown (fraction) and share of ruined paths.
struct Curve {
    name: String,
    points: Vec<(f64, f64)>,
    mean: f64,
    ruined: f64,
}

fn curve(name: &str, h: &Histogram, mean: f64) -> Option<Curve> {
    let n = h.total();
    if n == 0 {
        return None;
    }
    let hs = h.spec();
    let w = hs.width * DENSITY_FACTOR as f64;
    let points = h
        .counts()
        .chunks(DENSITY_FACTOR)
        .enumerate()
        .map(|(b, c)| {
            let count: u64 = c.iter().map(|&x| u64::from(x)).sum();
            // Percent on the x axis, density per percentage point on y.
            let x = 100.0 * (hs.lo + w * (b as f64 + 0.5));
            (x, count as f64 / n as f64 / (100.0 * w))
        })
        .collect();
    Some(Curve {
        name: name.to_string(),
        points,
        mean,
        ruined: h.overflow().n as f64 / n as f64,
    })
}

fn panel_title(c: &Curve, none: &Curve) -> String {
    let mut t = format!(
        "{}: mean {:.2}% (none {:.2}%)",
        c.name,
        100.0 * c.mean,
        100.0 * none.mean
    );
    if c.ruined > 0.0 {
        t.push_str(&format!(", {:.1}% ruined", 100.0 * c.ruined));
    }
    t
}

/// The density of max drawdown over all paths: a panel per program at its own
/// size (ladder rungs left out) with `none` on top of it, in bins of 0.5
/// percentage point, up to the largest 99.5th percentile. Ruined paths
/// (drawdown 100%) are named in each panel's title.
pub fn drawdown_distribution_svg(acc: &StudyAccumulator) -> Result<String, ReportError> {
    let all = acc.all();
    let lines = acc.layout().lines.lines();
    let mut curves: Vec<Curve> = Vec::new();
    let mut x_max: f64 = 0.05;
    let mut y_max: f64 = 0.0;
    for (i, spec) in lines.iter().enumerate().filter(|(_, l)| l.units.is_none()) {
        let line = all.line(i);
        let h = line.drawdown_hist();
        let Some(c) = curve(&spec.name, h, line.drawdown_moments.mean()) else {
            continue;
        };
        let q = h.quantile(0.995);
        if q.is_finite() {
            x_max = x_max.max(q.min(h.spec().hi()));
        }
        y_max = c.points.iter().fold(y_max, |m, p| m.max(p.1));
        curves.push(c);
    }
    let x_max = 100.0 * x_max * 1.05;
    let y_max = if y_max > 0.0 { y_max * 1.1 } else { 1.0 };
    let none_first = !curves.is_empty() && curves[0].name == "none";
    let (none, hedged) = if none_first {
        let rest = curves.split_off(1);
        (curves.pop(), rest)
    } else {
        (None, curves)
    };
    let panels = hedged.len().max(1);
    let rows = panels.div_ceil(COLUMNS);
    let columns = panels.min(COLUMNS);
    let size = ((300 * columns as u32).max(600), 80 + 260 * rows as u32);
    svg("drawdown_distribution.svg", size, |root| {
        let root = root
            .titled(
                "Max drawdown over all paths: each program (colour) against none (black, dashed)",
                ("sans-serif", 20),
            )
            .map_err(|e| e.to_string())?;
        let areas = root.split_evenly((rows, columns));
        let empty = Curve {
            name: "none".into(),
            points: Vec::new(),
            mean: f64::NAN,
            ruined: 0.0,
        };
        let none = none.unwrap_or(empty);
        let hedged: Vec<Option<&Curve>> = if hedged.is_empty() {
            vec![None]
        } else {
            hedged.iter().map(Some).collect()
        };
        for (k, (area, c)) in areas.iter().zip(hedged).enumerate() {
            let title = c.map_or_else(
                || format!("none only: mean {:.1}%", 100.0 * none.mean),
                |c| panel_title(c, &none),
            );
            let mut chart = ChartBuilder::on(area)
                .caption(title, ("sans-serif", 13))
                .margin(8)
                .x_label_area_size(34)
                .y_label_area_size(46)
                .build_cartesian_2d(0.0..x_max, 0.0..y_max)
                .map_err(|e| e.to_string())?;
            chart
                .configure_mesh()
                .light_line_style(TRANSPARENT)
                .x_labels(5)
                .y_labels(4)
                .x_desc("max drawdown (%)")
                .y_desc("share per % point")
                .label_style(("sans-serif", 11))
                .axis_desc_style(("sans-serif", 11))
                .draw()
                .map_err(|e| e.to_string())?;
            if let Some(c) = c {
                let Style { color, .. } = style(k);
                chart
                    .draw_series(LineSeries::new(
                        c.points.iter().copied().filter(|p| p.0 <= x_max),
                        color.stroke_width(2),
                    ))
                    .map_err(|e| e.to_string())?;
            }
            // `none` last, so it is never hidden.
            chart
                .draw_series(DashedLineSeries::new(
                    none.points.iter().copied().filter(|p| p.0 <= x_max),
                    6,
                    4,
                    BLACK.stroke_width(2),
                ))
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    })
}
