//! `units_ladder.svg`: in the verdict's regime, the drawdown cut and the
//! annual drag of each ALVH program's ladder rungs against hedge size, with a
//! tick at every rung.

use plotters::prelude::*;

use super::{draw_bars, program_index, style, svg, Bar, MIN_REGIME_PATHS, SIZE};
use crate::report::summary::StudySummary;
use crate::report::ReportError;

/// The drawdown cut (left, %, with 95% CI) and the annual drag (right, %/yr,
/// with 95% CI) of each ALVH program's ladder rungs in the verdict's regime.
/// The x axis has one tick per rung, evenly spaced (the rungs are hedge sizes
/// in units, 0.5 to 10 by default); programs sit side by side at each tick so
/// equal values stay visible. `None` when the run has no ladder.
pub fn units_ladder_svg(summary: &StudySummary) -> Result<Option<String>, ReportError> {
    let regime = &summary.verdict.regime;
    let Some(moderate) = summary.regimes.get(regime) else {
        return Ok(None);
    };
    let mut programs: Vec<String> = Vec::new();
    let mut rungs: Vec<f64> = Vec::new();
    for (_, s) in summary.strategies.iter() {
        if let Some(u) = s.units {
            if !programs.contains(&s.program) {
                programs.push(s.program.clone());
            }
            if !rungs.contains(&u) {
                rungs.push(u);
            }
        }
    }
    if programs.is_empty() {
        return Ok(None);
    }
    rungs.sort_by(f64::total_cmp);
    let thin = moderate.paths < MIN_REGIME_PATHS;
    let spread = 0.5 / programs.len() as f64;
    let mut cut = Vec::new();
    let mut drag = Vec::new();
    for (k, p) in programs.iter().enumerate() {
        let mut c = Vec::new();
        let mut d = Vec::new();
        for (_, s) in moderate
            .strategies
            .iter()
            .filter(|(_, s)| &s.program == p && s.units.is_some())
        {
            let Some(slot) = rungs.iter().position(|&u| Some(u) == s.units) else {
                continue;
            };
            if thin {
                continue;
            }
            let x = slot as f64 + (k as f64 + 0.5) * spread - 0.25;
            let r = &s.drawdown_reduction;
            c.push((x, 100.0 * r.mean_ratio, Some(r.ci95.map(|v| 100.0 * v))));
            d.push((
                x,
                100.0 * s.annual_drag,
                Some(s.annual_drag_ci95.map(|v| 100.0 * v)),
            ));
        }
        cut.push((p.clone(), c));
        drag.push((p.clone(), d));
    }
    let range = |sets: &[(String, Vec<Bar>)]| {
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        for (_, bars) in sets {
            for (_, v, ci) in bars {
                for x in std::iter::once(*v).chain(ci.iter().flatten().copied()) {
                    if x.is_finite() {
                        lo = lo.min(x);
                        hi = hi.max(x);
                    }
                }
            }
        }
        let pad = 0.05 * (hi - lo);
        (lo - pad)..(hi + pad)
    };
    let (cut_range, drag_range) = (range(&cut), range(&drag));
    let title = if thin {
        format!(
            "Hedge size ladder, {regime} regime: only {} paths, too few to show",
            moderate.paths
        )
    } else {
        format!(
            "Hedge size ladder, {regime} regime ({} paths)",
            moderate.paths
        )
    };
    let labels: Vec<String> = rungs.iter().map(|u| format!("{u}")).collect();
    let n = labels.len() as f64;
    svg("units_ladder.svg", SIZE, |root| {
        let root = root
            .titled(&title, ("sans-serif", 22))
            .map_err(|e| e.to_string())?;
        let (left, right) = root.split_horizontally(SIZE.0 / 2);
        let panels = [
            (&left, cut_range, "drawdown cut (% of unhedged mean)", cut),
            (
                &right,
                drag_range,
                "annual drag (% of capital per year)",
                drag,
            ),
        ];
        for (area, y, y_desc, sets) in panels {
            let mut chart = ChartBuilder::on(area)
                .margin(12)
                .x_label_area_size(44)
                .y_label_area_size(70)
                .build_cartesian_2d(-0.5..n - 0.5, y)
                .map_err(|e| e.to_string())?;
            chart
                .configure_mesh()
                .light_line_style(TRANSPARENT)
                .x_labels(labels.len())
                .x_label_formatter(&|x| {
                    let i = x.round();
                    if (x - i).abs() < 1e-6 && i >= 0.0 {
                        labels.get(i as usize).cloned().unwrap_or_default()
                    } else {
                        String::new()
                    }
                })
                .x_desc("hedge size (units, one tick per rung)")
                .y_desc(y_desc)
                .draw()
                .map_err(|e| e.to_string())?;
            for (name, bars) in sets {
                let st = style(program_index(summary, &name));
                draw_bars(&mut chart, name, st, bars, true)?;
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .draw()
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    })
    .map(Some)
}
