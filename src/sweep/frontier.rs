//! The hedge frontier of a sweep: for each (point, hedged line) the cut of
//! the mean max drawdown in one regime against its annual drag; the best
//! design within each drag budget; the Pareto front; `frontier.svg` with the
//! claimed box.

use plotters::prelude::*;

use super::rows::Row;
use crate::report::verdict::{CLAIMED_CUT, CLAIMED_DRAG};

/// Drag budgets the report answers for, fractions per year.
pub const DRAG_BUDGETS: [f64; 3] = [0.01, 0.02, 0.05];

/// One design on the frontier plot: a line of a point.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// The point index.
    pub point: usize,
    /// The line (a hedge program, or a ladder rung `program@xK`).
    pub line: String,
    /// The program the line belongs to (the line without its rung).
    pub program: String,
    /// Paths of the regime.
    pub paths: u64,
    /// Cut of the mean max drawdown, fraction, with its 95% CI.
    pub cut: f64,
    /// 95% CI of `cut`.
    pub cut_ci95: [f64; 2],
    /// Annual drag, fraction per year, with its 95% CI.
    pub drag: f64,
    /// 95% CI of `drag`.
    pub drag_ci95: [f64; 2],
}

/// Every hedged line of every row in `regime` (`none` left out, and lines
/// whose figures are not finite, as in an empty regime).
#[must_use]
pub fn designs(rows: &[Row], regime: &str) -> Vec<Design> {
    let mut out = Vec::new();
    for row in rows {
        let Some(lines) = row.regimes.get(regime) else {
            continue;
        };
        for (line, c) in lines.iter() {
            if line == "none" || !(c.cut.is_finite() && c.drag.is_finite()) {
                continue;
            }
            out.push(Design {
                point: row.point,
                line: line.to_string(),
                program: line.split('@').next().unwrap_or(line).to_string(),
                paths: c.paths,
                cut: c.cut,
                cut_ci95: c.cut_ci95,
                drag: c.drag,
                drag_ci95: c.drag_ci95,
            });
        }
    }
    out
}

/// The design with the largest cut whose drag is at most `budget` (point
/// estimate), if any.
#[must_use]
pub fn best_within(designs: &[Design], budget: f64) -> Option<&Design> {
    designs
        .iter()
        .filter(|d| d.drag <= budget)
        .max_by(|a, b| a.cut.total_cmp(&b.cut))
}

/// The Pareto front: designs that no other design beats on both a larger cut
/// and a smaller drag, by increasing drag.
#[must_use]
pub fn pareto(designs: &[Design]) -> Vec<&Design> {
    let mut sorted: Vec<&Design> = designs.iter().collect();
    sorted.sort_by(|a, b| a.drag.total_cmp(&b.drag).then(b.cut.total_cmp(&a.cut)));
    let mut front: Vec<&Design> = Vec::new();
    for d in sorted {
        if front.last().is_none_or(|f| d.cut > f.cut) {
            front.push(d);
        }
    }
    front
}

fn color(i: usize) -> RGBColor {
    let (r, g, b) = Palette99::pick(i).to_rgba().rgb();
    RGBColor(r, g, b)
}

/// `frontier.svg`: cut (percent) against drag (percent per year) in
/// `regime`, one colour per program, 95% CIs as whiskers, the Pareto front as
/// a line and the claimed box (35-40% at 1-2%/yr) shaded.
///
/// # Errors
/// A drawing failure, as text.
pub fn svg(designs: &[Design], regime: &str) -> Result<String, String> {
    let mut programs: Vec<&str> = designs.iter().map(|d| d.program.as_str()).collect();
    programs.sort_unstable();
    programs.dedup();
    let pct = |x: f64| 100.0 * x;
    let (mut x0, mut x1) = (pct(CLAIMED_DRAG[0]).min(0.0), pct(CLAIMED_DRAG[1]) + 1.0);
    let (mut y0, mut y1) = (0.0f64, pct(CLAIMED_CUT[1]) + 5.0);
    for d in designs {
        x0 = x0.min(pct(d.drag_ci95[0]));
        x1 = x1.max(pct(d.drag_ci95[1]));
        y0 = y0.min(pct(d.cut_ci95[0]));
        y1 = y1.max(pct(d.cut_ci95[1]));
    }
    let pad_x = 0.05 * (x1 - x0);
    let pad_y = 0.05 * (y1 - y0);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (960, 600)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("Hedge frontier, {regime} stress: drawdown cut against drag"),
                ("sans-serif", 22),
            )
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d((x0 - pad_x)..(x1 + pad_x), (y0 - pad_y)..(y1 + pad_y))
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("annual drag, % of capital per year (positive: a cost)")
            .y_desc("cut of mean max drawdown vs none, %")
            .draw()
            .map_err(|e| e.to_string())?;
        let claimed = [
            (pct(CLAIMED_DRAG[0]), pct(CLAIMED_CUT[1])),
            (pct(CLAIMED_DRAG[1]), pct(CLAIMED_CUT[0])),
        ];
        chart
            .draw_series(std::iter::once(Rectangle::new(
                claimed,
                RGBColor(255, 200, 0).mix(0.35).filled(),
            )))
            .map_err(|e| e.to_string())?
            .label("claimed: 35-40% cut at 1-2%/yr")
            .legend(|(x, y)| {
                Rectangle::new(
                    [(x, y - 5), (x + 14, y + 5)],
                    RGBColor(255, 200, 0).filled(),
                )
            });
        for (i, prog) in programs.iter().enumerate() {
            let c = color(i);
            let mine: Vec<&Design> = designs.iter().filter(|d| d.program == *prog).collect();
            chart
                .draw_series(mine.iter().map(|d| {
                    PathElement::new(
                        vec![
                            (pct(d.drag), pct(d.cut_ci95[0])),
                            (pct(d.drag), pct(d.cut_ci95[1])),
                        ],
                        c.mix(0.6),
                    )
                }))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(mine.iter().map(|d| {
                    PathElement::new(
                        vec![
                            (pct(d.drag_ci95[0]), pct(d.cut)),
                            (pct(d.drag_ci95[1]), pct(d.cut)),
                        ],
                        c.mix(0.6),
                    )
                }))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(
                    mine.iter()
                        .map(|d| Circle::new((pct(d.drag), pct(d.cut)), 4, c.filled())),
                )
                .map_err(|e| e.to_string())?
                .label(*prog)
                .legend(move |(x, y)| Circle::new((x + 7, y), 4, c.filled()));
        }
        let front: Vec<(f64, f64)> = pareto(designs)
            .iter()
            .map(|d| (pct(d.drag), pct(d.cut)))
            .collect();
        chart
            .draw_series(std::iter::once(PathElement::new(
                front,
                BLACK.stroke_width(1),
            )))
            .map_err(|e| e.to_string())?
            .label("Pareto front")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLACK));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(point: usize, cut: f64, drag: f64) -> Design {
        Design {
            point,
            line: "alvh".into(),
            program: "alvh".into(),
            paths: 100,
            cut,
            cut_ci95: [cut - 0.01, cut + 0.01],
            drag,
            drag_ci95: [drag - 0.001, drag + 0.001],
        }
    }

    #[test]
    fn best_within_a_budget_and_the_pareto_front() {
        let ds = [
            d(0, 0.05, 0.004),
            d(1, 0.10, 0.015),
            d(2, 0.08, 0.02),
            d(3, 0.30, 0.06),
        ];
        assert_eq!(best_within(&ds, 0.01).map(|d| d.point), Some(0));
        assert_eq!(best_within(&ds, 0.02).map(|d| d.point), Some(1));
        assert_eq!(best_within(&ds, 0.05).map(|d| d.point), Some(1));
        assert_eq!(best_within(&ds, 0.001), None);
        let front: Vec<usize> = pareto(&ds).iter().map(|d| d.point).collect();
        assert_eq!(front, vec![0, 1, 3]);
    }

    #[test]
    fn the_plot_draws_the_claimed_box_and_every_program() {
        let mut ds = vec![d(0, 0.05, 0.004), d(1, -0.02, 0.03)];
        ds[1].program = "static".into();
        let s = svg(&ds, "moderate").unwrap();
        assert!(s.contains("claimed: 35-40% cut at 1-2%/yr"));
        assert!(s.contains("\nalvh\n") && s.contains("\nstatic\n"), "{s}");
    }
}
