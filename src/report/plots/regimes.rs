//! `reduction_by_regime.svg`: the drawdown cut of every hedged program per
//! regime and over all paths, with 95% intervals and the claimed band.

use plotters::prelude::*;

use super::{draw_bars, style, svg, MIN_REGIME_PATHS, SIZE};
use crate::report::summary::{NamedMap, StrategySummary, StudySummary};
use crate::report::verdict::CLAIMED_CUT;
use crate::report::ReportError;

/// Drawdown cut (ratio of means, %) of every hedged program at its own size,
/// per regime and over all paths, with 95% CI bars and the claimed 35-40% band.
/// Each column is labelled with its path count; a regime with fewer than
/// [`MIN_REGIME_PATHS`] paths shows a note instead of points.
pub fn reduction_by_regime_svg(summary: &StudySummary) -> Result<String, ReportError> {
    let x_desc = match summary.regime_definition.by.as_str() {
        "vix_rise" => "regime (path VIX rise)",
        "spx_drawdown" => "regime (SPX max drawdown)",
        _ => "regime (path max VIX)",
    };
    let mut groups: Vec<(String, u64, &NamedMap<StrategySummary>)> = summary
        .regimes
        .iter()
        .map(|(n, r)| (n.to_string(), r.paths, &r.strategies))
        .collect();
    let all_paths = summary.paths - summary.invalid_paths;
    groups.push(("all".into(), all_paths, &summary.strategies));
    let programs: Vec<&str> = summary
        .strategies
        .iter()
        .filter(|(n, s)| *n != "none" && s.units.is_none())
        .map(|(n, _)| n)
        .collect();
    let mut series = Vec::new();
    let (mut lo, mut hi) = (0.0f64, 100.0 * CLAIMED_CUT[1]);
    let spread = 0.7 / programs.len().max(1) as f64;
    for (k, &p) in programs.iter().enumerate() {
        let mut bars = Vec::new();
        for (g, (_, paths, strategies)) in groups.iter().enumerate() {
            if *paths < MIN_REGIME_PATHS {
                continue;
            }
            if let Some(s) = strategies.get(p) {
                let r = &s.drawdown_reduction;
                let x = g as f64 + (k as f64 + 0.5) * spread - 0.35;
                let ci = [100.0 * r.ci95[0], 100.0 * r.ci95[1]];
                for v in [100.0 * r.mean_ratio, ci[0], ci[1]]
                    .into_iter()
                    .filter(|v| v.is_finite())
                {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
                bars.push((x, 100.0 * r.mean_ratio, Some(ci)));
            }
        }
        series.push((p.to_string(), bars));
    }
    let pad = 0.05 * (hi - lo);
    let (lo, hi) = (lo - pad, hi + pad);
    let labels: Vec<String> = groups
        .iter()
        .map(|(name, paths, _)| format!("{name} ({paths} paths)"))
        .collect();
    let thin: Vec<(usize, u64)> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.1 < MIN_REGIME_PATHS)
        .map(|(i, g)| (i, g.1))
        .collect();
    svg("reduction_by_regime.svg", SIZE, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                "Drawdown cut by regime (ratio of means, 95% CI)",
                ("sans-serif", 22),
            )
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.5..labels.len() as f64 - 0.5, lo..hi)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(labels.len())
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 {
                    labels.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .x_desc(x_desc)
            .y_desc("drawdown cut (% of unhedged mean max drawdown)")
            .draw()
            .map_err(|e| e.to_string())?;
        let band = RGBColor(200, 200, 200).mix(0.5).filled();
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [
                    (-0.5, 100.0 * CLAIMED_CUT[0]),
                    (labels.len() as f64 - 0.5, 100.0 * CLAIMED_CUT[1]),
                ],
                band,
            )))
            .map_err(|e| e.to_string())?
            .label("claimed 35-40%")
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], band));
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(-0.5, 0.0), (labels.len() as f64 - 0.5, 0.0)],
                BLACK.mix(0.6),
            )))
            .map_err(|e| e.to_string())?;
        for (i, (name, bars)) in series.into_iter().enumerate() {
            draw_bars(&mut chart, name, style(i), bars, false)?;
        }
        let note_y = lo + 0.5 * (hi - lo);
        for (i, paths) in &thin {
            let text = if *paths == 0 {
                "no paths".to_string()
            } else {
                format!("only {paths} paths:")
            };
            chart
                .draw_series(std::iter::once(Text::new(
                    text,
                    (*i as f64 - 0.3, note_y),
                    ("sans-serif", 14),
                )))
                .map_err(|e| e.to_string())?;
            if *paths > 0 {
                chart
                    .draw_series(std::iter::once(Text::new(
                        "too few to show",
                        (*i as f64 - 0.3, note_y - 0.05 * (hi - lo)),
                        ("sans-serif", 14),
                    )))
                    .map_err(|e| e.to_string())?;
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())
    })
}
