//! SVG plots (plotters, SVG backend only). Text is written as SVG `<text>`
//! elements with the generic `sans-serif` family and sized by plotters' built-in
//! estimate, so no font file, fontconfig or freetype is needed to draw them.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::stats::StudyAccumulator;
use super::summary::StudySummary;
use super::verdict::CLAIMED_CUT;
use super::ReportError;

/// Plot size, pixels.
const SIZE: (u32, u32) = (960, 560);

/// Drawdown bins summed per plotted point (50 x 1e-4 = 0.5 percentage point).
const DENSITY_FACTOR: usize = 50;

pub(crate) fn plot_err(file: &str) -> impl Fn(String) -> ReportError + '_ {
    move |message| ReportError::Plot {
        file: file.into(),
        message,
    }
}

pub(crate) fn color(i: usize) -> RGBColor {
    let (r, g, b) = Palette99::pick(i).to_rgba().rgb();
    RGBColor(r, g, b)
}

/// Draws into an SVG string with `draw`, mapping plotters' errors to text.
pub(crate) fn svg(
    file: &str,
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>,
) -> Result<String, ReportError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
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

/// `drawdown_distribution.svg`: density of max drawdown over all paths, one curve
/// per program at its own size (ladder rungs left out), in bins of 0.5 percentage
/// point, up to the largest 99.5th percentile.
pub fn drawdown_distribution_svg(acc: &StudyAccumulator) -> Result<String, ReportError> {
    let all = acc.all();
    let lines = acc.layout().lines.lines();
    let mut curves = Vec::new();
    let mut x_max: f64 = 0.05;
    let mut y_max: f64 = 0.0;
    for (i, spec) in lines.iter().enumerate().filter(|(_, l)| l.units.is_none()) {
        let h = all.line(i).drawdown_hist();
        let n = h.total();
        if n == 0 {
            continue;
        }
        let hs = h.spec();
        let w = hs.width * DENSITY_FACTOR as f64;
        let points: Vec<(f64, f64)> = h
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
        let q = h.quantile(0.995);
        if q.is_finite() {
            x_max = x_max.max(q.min(hs.hi()));
        }
        y_max = points.iter().fold(y_max, |m, p| m.max(p.1));
        curves.push((spec.name.clone(), points));
    }
    let x_max = 100.0 * x_max * 1.05;
    let y_max = if y_max > 0.0 { y_max * 1.1 } else { 1.0 };
    svg("drawdown_distribution.svg", |root| {
        let mut chart = ChartBuilder::on(root)
            .caption("Max drawdown, all paths", ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..x_max, 0.0..y_max)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("max drawdown (% of running peak)")
            .y_desc("density (share of paths per % point)")
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, (name, points)) in curves.into_iter().enumerate() {
            let c = color(i);
            chart
                .draw_series(LineSeries::new(
                    points.into_iter().filter(|p| p.0 <= x_max),
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

/// A point with a vertical 95% interval.
type Bar = (f64, f64, Option<[f64; 2]>);

fn draw_bars<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    name: String,
    c: RGBColor,
    bars: Vec<Bar>,
    join: bool,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let bars: Vec<Bar> = bars.into_iter().filter(|b| b.1.is_finite()).collect();
    for &(x, _, ci) in &bars {
        if let Some([lo, hi]) = ci.filter(|[a, b]| a.is_finite() && b.is_finite()) {
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(x, lo), (x, hi)], c)))
                .map_err(|e| e.to_string())?;
        }
    }
    if join {
        chart
            .draw_series(LineSeries::new(bars.iter().map(|b| (b.0, b.1)), c))
            .map_err(|e| e.to_string())?;
    }
    chart
        .draw_series(bars.iter().map(|b| Circle::new((b.0, b.1), 4, c.filled())))
        .map_err(|e| e.to_string())?
        .label(name)
        .legend(move |(x, y)| Circle::new((x + 10, y), 4, c.filled()));
    Ok(())
}

/// `reduction_by_regime.svg`: drawdown cut (ratio of means, %) of every hedged
/// program at its own size, per regime and over all paths, with 95% CI bars and
/// the claimed 35-40% band.
pub fn reduction_by_regime_svg(summary: &StudySummary) -> Result<String, ReportError> {
    let mut groups: Vec<(&str, &super::summary::NamedMap<super::StrategySummary>)> = summary
        .regimes
        .iter()
        .map(|(n, r)| (n, &r.strategies))
        .collect();
    groups.push(("all", &summary.strategies));
    let programs: Vec<&str> = summary
        .strategies
        .iter()
        .filter(|(n, s)| *n != "none" && s.units.is_none())
        .map(|(n, _)| n)
        .collect();
    let mut series = Vec::new();
    let (mut lo, mut hi) = (0.0f64, 100.0 * CLAIMED_CUT[1]);
    let spread = 0.6 / programs.len().max(1) as f64;
    for (k, &p) in programs.iter().enumerate() {
        let mut bars = Vec::new();
        for (g, (_, strategies)) in groups.iter().enumerate() {
            if let Some(s) = strategies.get(p) {
                let r = &s.drawdown_reduction;
                let x = g as f64 + (k as f64 + 0.5) * spread - 0.3;
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
    let names: Vec<String> = groups.iter().map(|g| g.0.to_string()).collect();
    svg("reduction_by_regime.svg", |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                "Drawdown cut by regime (ratio of means, 95% CI)",
                ("sans-serif", 22),
            )
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.5..names.len() as f64 - 0.5, (lo - pad)..(hi + pad))
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(names.len())
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 {
                    names.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .x_desc("regime (path max VIX)")
            .y_desc("drawdown cut (% of unhedged mean max drawdown)")
            .draw()
            .map_err(|e| e.to_string())?;
        let band = RGBColor(200, 200, 200).mix(0.5).filled();
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [
                    (-0.5, 100.0 * CLAIMED_CUT[0]),
                    (names.len() as f64 - 0.5, 100.0 * CLAIMED_CUT[1]),
                ],
                band,
            )))
            .map_err(|e| e.to_string())?
            .label("claimed 35-40%")
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], band));
        for (i, (name, bars)) in series.into_iter().enumerate() {
            draw_bars(&mut chart, name, color(i), bars, false)?;
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

/// `units_ladder.svg`: in the moderate regime, the drawdown cut (left, %, with 95%
/// CI) and the annual drag (right, %/yr, with 95% CI) of each ALVH program's ladder
/// rungs against hedge size (units, log scale). `None` when the run has no ladder.
pub fn units_ladder_svg(summary: &StudySummary) -> Result<Option<String>, ReportError> {
    let regime = &summary.verdict.regime;
    let Some(moderate) = summary.regimes.get(regime) else {
        return Ok(None);
    };
    let mut programs: Vec<String> = Vec::new();
    for (_, s) in moderate
        .strategies
        .iter()
        .filter(|(_, s)| s.units.is_some())
    {
        if !programs.contains(&s.program) {
            programs.push(s.program.clone());
        }
    }
    if programs.is_empty() {
        return Ok(None);
    }
    let mut cut = Vec::new();
    let mut drag = Vec::new();
    let (mut u_lo, mut u_hi) = (f64::INFINITY, 0.0f64);
    for p in &programs {
        let rungs: Vec<_> = moderate
            .strategies
            .iter()
            .filter(|(_, s)| &s.program == p && s.units.is_some())
            .map(|(_, s)| s)
            .collect();
        let mut c = Vec::new();
        let mut d = Vec::new();
        for s in rungs {
            let u = s.units.unwrap_or(1.0);
            u_lo = u_lo.min(u);
            u_hi = u_hi.max(u);
            let r = &s.drawdown_reduction;
            c.push((u, 100.0 * r.mean_ratio, Some(r.ci95.map(|v| 100.0 * v))));
            d.push((
                u,
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
    let units = (u_lo / 1.5)..(u_hi * 1.5);
    let title = format!("Hedge size ladder, {regime} regime");
    svg("units_ladder.svg", |root| {
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
                .build_cartesian_2d(units.clone().log_scale().base(2.0), y)
                .map_err(|e| e.to_string())?;
            chart
                .configure_mesh()
                .light_line_style(TRANSPARENT)
                .x_label_formatter(&|u| format!("{u}"))
                .x_desc("hedge size (units, log scale)")
                .y_desc(y_desc)
                .draw()
                .map_err(|e| e.to_string())?;
            for (i, (name, bars)) in sets.into_iter().enumerate() {
                draw_bars(&mut chart, name, color(i), bars, true)?;
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
