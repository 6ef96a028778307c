//! SVG plots (plotters, SVG backend only). Text is written as SVG `<text>`
//! elements with the generic `sans-serif` family and sized by plotters' built-in
//! estimate, so no font file, fontconfig or freetype is needed to draw them.
//!
//! Every program keeps one colour and one marker in every plot;
//! `none` is black and drawn last, on top. A regime with fewer than
//! [`MIN_REGIME_PATHS`] paths carries a note instead of points.
//!
//! - [`drawdown_distribution_svg`]: one small panel per program against `none`;
//! - [`reduction_by_regime_svg`]: the cut per regime with its interval;
//! - [`units_ladder_svg`]: cut and drag against hedge size, ticks at the rungs.

mod drawdown;
mod ladder;
mod regimes;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::ReportError;

pub use drawdown::drawdown_distribution_svg;
pub use ladder::units_ladder_svg;
pub use regimes::reduction_by_regime_svg;

/// Fewest paths of a regime whose statistics a plot shows: below this, the
/// regime's column carries a note. The 95% intervals rest on a normal
/// approximation that needs a few dozen paths.
pub const MIN_REGIME_PATHS: u64 = 30;

/// Plot size, pixels.
pub(crate) const SIZE: (u32, u32) = (960, 560);

/// Colours of the hedged programs, in line order (Okabe and Ito's palette,
/// told apart by most colour-blind readers, its yellow and black replaced by
/// a wine red: black is `none`'s).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0x88, 0x22, 0x55),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xD5, 0x5E, 0x00),
];

/// The marker of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Circle,
    Triangle,
    Square,
    Cross,
}

/// How one program is drawn everywhere.
#[derive(Debug, Clone, Copy)]
struct Style {
    color: RGBColor,
    marker: Marker,
}

/// The style of the `i`-th hedged program (0-based, `none` excluded).
fn style(i: usize) -> Style {
    const MARKERS: [Marker; 4] = [
        Marker::Circle,
        Marker::Triangle,
        Marker::Square,
        Marker::Cross,
    ];
    Style {
        color: PALETTE[i % PALETTE.len()],
        marker: MARKERS[i % MARKERS.len()],
    }
}

/// The style index of program `name`: its place among the run's hedged
/// programs at their own size, so it has the same colour in every plot.
fn program_index(summary: &super::StudySummary, name: &str) -> usize {
    summary
        .strategies
        .iter()
        .filter(|(n, s)| *n != "none" && s.units.is_none())
        .position(|(n, _)| n == name)
        .unwrap_or(0)
}

fn plot_err(file: &str) -> impl Fn(String) -> ReportError + '_ {
    move |message| ReportError::Plot {
        file: file.into(),
        message,
    }
}

/// The `i`-th colour of the plots' palette (the same in every plot).
pub(crate) fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Draws into an SVG string of `size` pixels with `draw`, mapping plotters'
/// errors to text.
pub(crate) fn svg(
    file: &str,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>,
) -> Result<String, ReportError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| e.to_string())
            .map_err(plot_err(file))?;
        draw(&root).map_err(plot_err(file))?;
        root.present()
            .map_err(|e| e.to_string())
            .map_err(plot_err(file))?;
    }
    Ok(buf)
}

/// A point with a vertical 95% interval.
type Bar = (f64, f64, Option<[f64; 2]>);

/// Draws `marker` at each point in `color`; a legend entry if `name` is given.
fn draw_markers<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    points: &[(f64, f64)],
    style: Style,
    name: Option<String>,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let c = style.color;
    let fill = c.filled();
    let annotation = match style.marker {
        Marker::Circle => chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 4, fill)))
            .map_err(|e| e.to_string())?,
        Marker::Triangle => chart
            .draw_series(points.iter().map(|&p| TriangleMarker::new(p, 5, fill)))
            .map_err(|e| e.to_string())?,
        Marker::Square => chart
            .draw_series(
                points
                    .iter()
                    .map(|&p| EmptyElement::at(p) + Rectangle::new([(-4, -4), (4, 4)], fill)),
            )
            .map_err(|e| e.to_string())?,
        Marker::Cross => chart
            .draw_series(points.iter().map(|&p| Cross::new(p, 4, c.stroke_width(2))))
            .map_err(|e| e.to_string())?,
    };
    if let Some(name) = name {
        let marker = style.marker;
        annotation.label(name).legend(move |(x, y)| {
            let at = EmptyElement::at((x + 10, y));
            match marker {
                Marker::Circle => at + Circle::new((0, 0), 4, fill).into_dyn(),
                Marker::Triangle => at + TriangleMarker::new((0, 0), 5, fill).into_dyn(),
                Marker::Square => at + Rectangle::new([(-4, -4), (4, 4)], fill).into_dyn(),
                Marker::Cross => at + Cross::new((0, 0), 4, c.stroke_width(2)).into_dyn(),
            }
        });
    }
    Ok(())
}

/// Draws points with their 95% intervals (and joins them when `join`), in
/// `style`, with a legend entry `name`.
fn draw_bars<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    name: String,
    style: Style,
    bars: Vec<Bar>,
    join: bool,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let c = style.color;
    let bars: Vec<Bar> = bars.into_iter().filter(|b| b.1.is_finite()).collect();
    for &(x, _, ci) in &bars {
        if let Some([lo, hi]) = ci.filter(|[a, b]| a.is_finite() && b.is_finite()) {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, lo), (x, hi)],
                    c.stroke_width(2),
                )))
                .map_err(|e| e.to_string())?;
        }
    }
    if join {
        chart
            .draw_series(LineSeries::new(bars.iter().map(|b| (b.0, b.1)), c))
            .map_err(|e| e.to_string())?;
    }
    let points: Vec<(f64, f64)> = bars.iter().map(|b| (b.0, b.1)).collect();
    draw_markers(chart, &points, style, Some(name))
}
