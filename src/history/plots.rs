//! SVG plots of the history commands: the VIX distribution of `facts`, and
//! the continuous book's equity over the VIX of `replay`.

use plotters::prelude::*;

use crate::report::plots::{color, svg, SIZE};
use crate::report::ReportError;

/// Lower edge of the first VIX bin, VIX points.
const VIX_LO: f64 = 5.0;
/// Width of a VIX bin, VIX points.
const VIX_BIN: f64 = 1.0;
/// VIX bins (5 to 95 points; closes beyond are counted in the last bin).
const VIX_BINS: usize = 90;

/// Density per VIX point of `vix` in bins of 1 point from 5 to 95.
fn density(vix: &[f64]) -> Vec<(f64, f64)> {
    let mut counts = vec![0u64; VIX_BINS];
    for &x in vix {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped to the bin range"
        )]
        let b = (((x - VIX_LO) / VIX_BIN).floor().max(0.0) as usize).min(VIX_BINS - 1);
        counts[b] += 1;
    }
    let n = vix.len().max(1) as f64;
    counts
        .iter()
        .enumerate()
        .map(|(b, &c)| (VIX_LO + VIX_BIN * (b as f64 + 0.5), c as f64 / n / VIX_BIN))
        .collect()
}

/// `vix_distribution.svg`: the density of daily VIX closes of the model
/// (and of the history when given), in bins of 1 VIX point, on a log scale
/// so the tail shows.
///
/// # Errors
/// Drawing fails.
pub fn vix_distribution_svg(model: &[f64], history: Option<&[f64]>) -> Result<String, ReportError> {
    let mut curves = vec![("model".to_string(), density(model))];
    if let Some(h) = history {
        curves.push(("history".to_string(), density(h)));
    }
    let floor = 1e-5;
    let y_max = curves
        .iter()
        .flat_map(|(_, c)| c.iter().map(|p| p.1))
        .fold(floor, f64::max)
        * 1.5;
    svg("vix_distribution.svg", SIZE, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                "Daily VIX closes: model against history",
                ("sans-serif", 22),
            )
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(
                VIX_LO..VIX_LO + VIX_BIN * VIX_BINS as f64,
                (floor..y_max).log_scale(),
            )
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("VIX close (points)")
            .y_desc("density (share of days per VIX point, log scale)")
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, (name, points)) in curves.into_iter().enumerate() {
            let c = color(i);
            chart
                .draw_series(LineSeries::new(
                    points.into_iter().filter(|p| p.1 >= floor),
                    c.stroke_width(2),
                ))
                .map_err(|e| e.to_string())?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())
    })
}
