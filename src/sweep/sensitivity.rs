//! `vixhedge sensitivity`: what flips the verdict. Each assumption that
//! decides the answer is bumped down and up, one at a time, from the base
//! configuration; the moderate-stress cut and the drag of the hedge line are
//! measured on the same paths for each bump and drawn as a tornado chart.
//! Along the direction that helps the hedge, larger bumps are tried to find
//! the smallest tested change that brings the cut to the claimed 35%.

use std::fmt::Write as _;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::config::{Config, RegimeBy, StrikeKind};
use crate::report::verdict::{CLAIMED_CUT, CLAIMED_DRAG};

/// One configuration to evaluate: a bump of one assumption.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Short label, for example `x0.5` or `+3 VIX points`.
    pub label: String,
    /// Size of the bump along the assumption's axis: negative down, positive
    /// up; 1 and -1 are the tornado's bumps, larger magnitudes the extension
    /// towards the claim.
    pub step: i32,
    /// The `--set` assignments over the base configuration.
    pub sets: Vec<String>,
}

/// One assumption and its bumps.
#[derive(Debug, Clone, PartialEq)]
pub struct Assumption {
    /// Name in the chart and the report.
    pub name: String,
    /// What is bumped, in words with units.
    pub what: String,
    /// The bumps: steps -1 and 1, then extensions (steps +-2, +-3).
    pub variants: Vec<Variant>,
}

/// `f` with at most three decimals, trailing zeros dropped (0.667, 1.5, 2).
fn short(f: f64) -> String {
    let s = format!("{f:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn mult(key: &str, base: f64, f: f64) -> String {
    format!("{key}={}", base * f)
}

/// A multiplicative assumption: `keys` (with their base values) scaled by
/// the factors of `down`, `up` and the extensions; `pin` assignments keep
/// other keys at their base (a P bump must not move an inherited Q value).
fn scaled(
    name: &str,
    what: &str,
    keys: &[(&str, f64)],
    pin: &[String],
    factors: &[(i32, f64)],
) -> Assumption {
    let variants = factors
        .iter()
        .map(|&(step, f)| {
            let mut sets: Vec<String> = keys.iter().map(|&(k, b)| mult(k, b, f)).collect();
            sets.extend(pin.iter().cloned());
            Variant {
                label: format!("x{}", short(f)),
                step,
                sets,
            }
        })
        .collect();
    Assumption {
        name: name.into(),
        what: what.into(),
        variants,
    }
}

/// Steps -3..=3 (0 left out) of a multiplicative bump by `f` per step.
fn ladder(f: f64) -> Vec<(i32, f64)> {
    [-3, -2, -1, 1, 2, 3]
        .into_iter()
        .map(|s| (s, f.powi(s)))
        .collect()
}

/// The assumptions bumped for `base`, each with steps +-1 (the tornado) and
/// +-2, +-3 (the search towards the claim).
#[must_use]
pub fn assumptions(base: &Config) -> Vec<Assumption> {
    let p = base.model.p_params();
    let q = base.model.q_params();
    let mut out = Vec::new();
    let pin_q = |key: &str, v: f64| vec![format!("model.q.{key}={v}")];
    out.push(scaled(
        "vol of vol, P",
        "model.sigma_v (per sqrt(year)), Q held",
        &[("model.sigma_v", p.sigma_v)],
        &pin_q("sigma_v", q.sigma_v),
        &ladder(1.5),
    ));
    out.push(scaled(
        "vol of vol, Q",
        "model.q.sigma_v (per sqrt(year))",
        &[("model.q.sigma_v", q.sigma_v)],
        &[],
        &ladder(1.5),
    ));
    out.push(scaled(
        "variance-jump size, P",
        "model.mu_v (annualised variance), Q held",
        &[("model.mu_v", p.mu_v)],
        &pin_q("mu_v", q.mu_v),
        &ladder(2.0),
    ));
    out.push(scaled(
        "variance-jump size, Q",
        "model.q.mu_v (annualised variance)",
        &[("model.q.mu_v", q.mu_v)],
        &[],
        &ladder(2.0),
    ));
    out.push(scaled(
        "jump rate, P",
        "model.lambda (jumps per year), Q held",
        &[("model.lambda", p.lambda)],
        &pin_q("lambda", q.lambda),
        &ladder(2.0),
    ));
    out.push(scaled(
        "jump rate, Q",
        "model.q.lambda (jumps per year)",
        &[("model.q.lambda", q.lambda)],
        &[],
        &ladder(2.0),
    ));
    out.push(scaled(
        "variance risk premium",
        "model.q.theta (Q long-run variance)",
        &[("model.q.theta", q.theta)],
        &[],
        &ladder(1.25),
    ));
    let layers = &base.hedge.layers;
    if !layers.is_empty() && layers.iter().all(|l| l.strike.kind == StrikeKind::OtmFrac) {
        let k0 = layers[0].strike.value;
        let variants = [
            (-3, -0.15),
            (-2, -0.10),
            (-1, -0.05),
            (1, 0.05),
            (2, 0.10),
            (3, 0.15),
        ]
        .into_iter()
        .filter(|&(_, d)| k0 + d >= 0.0)
        .map(|(step, d)| Variant {
            label: format!("{:+.0} pts OTM", 100.0 * d),
            step,
            sets: (0..layers.len())
                .map(|i| {
                    format!(
                        "hedge.layers[{i}].strike.value={}",
                        layers[i].strike.value + d
                    )
                })
                .collect(),
        })
        .collect();
        out.push(Assumption {
            name: "hedge strike".into(),
            what: "hedge.layers[*].strike.value (fraction out of the money of the future)".into(),
            variants,
        });
    }
    if !layers.is_empty() {
        let variants = [(-2, 0.25), (-1, 0.5), (1, 2.0), (2, 4.0)]
            .into_iter()
            .map(|(step, f)| {
                let mut sets = Vec::new();
                for (i, l) in layers.iter().enumerate() {
                    let scale = |d: u32| ((f64::from(d) * f).round() as u32).max(1);
                    sets.push(format!(
                        "hedge.layers[{i}].tenor_days={}",
                        scale(l.tenor_days)
                    ));
                    if l.every_days > 0 {
                        sets.push(format!(
                            "hedge.layers[{i}].every_days={}",
                            scale(l.every_days)
                        ));
                    }
                    sets.push(format!(
                        "hedge.layers[{i}].offset_days={}",
                        (f64::from(l.offset_days) * f).round() as u32
                    ));
                }
                Variant {
                    label: format!("tenor x{f}"),
                    step,
                    sets,
                }
            })
            .collect();
        out.push(Assumption {
            name: "hedge tenor".into(),
            what: "hedge.layers[*].tenor_days with every_days and offset_days (trading days)"
                .into(),
            variants,
        });
    }
    out.push(scaled(
        "hedge size",
        "hedge.units (units of the layers' contracts per USD 1M)",
        &[("hedge.units", base.hedge.units)],
        &[],
        &ladder(2.0),
    ));
    let a = &base.hedge.adaptive;
    let tiers = [
        (-3, -6.0),
        (-2, -4.0),
        (-1, -2.0),
        (1, 2.0),
        (2, 4.0),
        (3, 6.0),
    ]
    .into_iter()
    .filter(|&(_, d)| a.light_below + d > 0.0)
    .map(|(step, d)| Variant {
        label: format!("{d:+} VIX points"),
        step,
        sets: vec![
            format!("hedge.adaptive.light_below={}", a.light_below + d),
            format!("hedge.adaptive.moderate_up_to={}", a.moderate_up_to + d),
            format!("hedge.adaptive.full_at={}", a.full_at + d),
        ],
    })
    .collect();
    out.push(Assumption {
        name: "adaptive tiers".into(),
        what: "hedge.adaptive light_below, moderate_up_to and full_at (VIX points)".into(),
        variants: tiers,
    });
    let h = &base.hedge;
    out.push(scaled(
        "hedge costs",
        "hedge.commission and the half-spreads",
        &[
            ("hedge.commission", h.commission),
            ("hedge.half_spread_min", h.half_spread_min),
            ("hedge.half_spread_frac", h.half_spread_frac),
            ("hedge.future_half_spread", h.future_half_spread),
        ],
        &[],
        &[(-2, 0.0), (-1, 0.5), (1, 2.0), (2, 4.0)],
    ));
    let r = &base.regimes;
    // Boundaries of the definition in force, moved by about a fifth of the
    // moderate band per step.
    let (prefix, lo, mid, hi, unit) = match r.by {
        RegimeBy::MaxVix => (
            "regimes",
            r.moderate_from,
            r.severe_from,
            r.crisis_from,
            "VIX points",
        ),
        RegimeBy::VixRise => (
            "regimes.vix_rise",
            r.vix_rise.moderate_from,
            r.vix_rise.severe_from,
            r.vix_rise.crisis_from,
            "VIX points",
        ),
        RegimeBy::SpxDrawdown => (
            "regimes.spx_drawdown",
            r.spx_drawdown.moderate_from,
            r.spx_drawdown.severe_from,
            r.spx_drawdown.crisis_from,
            "fraction",
        ),
    };
    let delta = 0.2 * (mid - lo);
    let bounds = [(-2, -2.0), (-1, -1.0), (1, 1.0), (2, 2.0)]
        .into_iter()
        .filter(|&(_, k)| lo + k * delta > 0.0)
        .map(|(step, k)| Variant {
            label: format!("{:+} {unit}", k * delta),
            step,
            sets: vec![
                format!("{prefix}.moderate_from={}", lo + k * delta),
                format!("{prefix}.severe_from={}", mid + k * delta),
                format!("{prefix}.crisis_from={}", hi + k * delta),
            ],
        })
        .collect();
    out.push(Assumption {
        name: "regime boundaries".into(),
        what: format!("{prefix}.moderate_from, severe_from and crisis_from ({unit})"),
        variants: bounds,
    });
    let others: Vec<RegimeBy> = [RegimeBy::MaxVix, RegimeBy::VixRise, RegimeBy::SpxDrawdown]
        .into_iter()
        .filter(|&b| b != r.by)
        .collect();
    out.push(Assumption {
        name: "regime definition".into(),
        what: format!(
            "regimes.by (base: {}; the other definitions at their own boundaries)",
            r.by.name()
        ),
        variants: others
            .iter()
            .zip([-1, 1])
            .map(|(b, step)| Variant {
                label: format!("by {}", b.name()),
                step,
                sets: vec![format!("regimes.by=\"{}\"", b.name())],
            })
            .collect(),
    });
    out
}

/// The measured moderate-stress figures of one configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// Cut of the mean max drawdown, fraction.
    pub cut: f64,
    /// 95% CI of `cut`.
    pub cut_ci95: [f64; 2],
    /// Annual drag, fraction per year.
    pub drag: f64,
    /// 95% CI of `drag`.
    pub drag_ci95: [f64; 2],
    /// Moderate-stress paths.
    pub paths: u64,
}

/// One evaluated bump.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The assumption's name.
    pub assumption: String,
    /// What it bumps, in words with units.
    pub what: String,
    /// The variant.
    pub variant: Variant,
    /// Its figures; None when the configuration was refused (out of range).
    pub measured: Option<Measured>,
    /// Why it was refused.
    pub refused: Option<String>,
}

/// The smallest tested bump of `assumption` whose cut reaches the claimed
/// 35% (point estimate), if any: (variant label, cut).
#[must_use]
pub fn smallest_reaching<'a>(outcomes: &'a [Outcome], assumption: &str) -> Option<&'a Outcome> {
    outcomes
        .iter()
        .filter(|o| o.assumption == assumption)
        .filter(|o| o.measured.is_some_and(|m| m.cut >= CLAIMED_CUT[0]))
        .min_by_key(|o| o.variant.step.unsigned_abs())
}

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.2}%", 100.0 * x)
    } else {
        "n/a".into()
    }
}

/// The report: the base figures, then per assumption the +-1 bumps, the
/// largest cut tried and the smallest tested change reaching 35%.
#[must_use]
pub fn report_md(header: &str, line: &str, base: &Measured, outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# What flips the verdict: sensitivity of `{line}` in moderate stress\n"
    );
    let _ = writeln!(s, "{header}\n");
    let _ = writeln!(
        s,
        "Base: cut {} (95% CI [{}, {}]) at a drag of {}/yr (95% CI [{}, {}]), {} moderate-stress \
         paths. Each assumption is bumped alone, on the same paths; steps of +-1 are the \
         tornado chart (`tornado.svg`), steps +-2 and +-3 extend the search towards the \
         claimed {}-{} cut at {}-{}/yr.\n",
        pct(base.cut),
        pct(base.cut_ci95[0]),
        pct(base.cut_ci95[1]),
        pct(base.drag),
        pct(base.drag_ci95[0]),
        pct(base.drag_ci95[1]),
        base.paths,
        pct(CLAIMED_CUT[0]),
        pct(CLAIMED_CUT[1]),
        pct(CLAIMED_DRAG[0]),
        pct(CLAIMED_DRAG[1]),
    );
    let _ = writeln!(
        s,
        "| assumption | bumped | down: cut / drag | up: cut / drag | largest cut tried | smallest change to a 35% cut |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- |");
    let mut names: Vec<&str> = outcomes.iter().map(|o| o.assumption.as_str()).collect();
    names.dedup();
    for name in names {
        let mine: Vec<&Outcome> = outcomes.iter().filter(|o| o.assumption == name).collect();
        let at = |step: i32| {
            mine.iter().find(|o| o.variant.step == step).map_or_else(
                || "-".to_string(),
                |o| match o.measured {
                    Some(m) => format!("{} ({}) / {}", pct(m.cut), o.variant.label, pct(m.drag)),
                    None => format!("refused ({})", o.variant.label),
                },
            )
        };
        let best = mine
            .iter()
            .filter_map(|o| o.measured.map(|m| (o, m)))
            .max_by(|a, b| a.1.cut.total_cmp(&b.1.cut))
            .map_or_else(
                || "-".to_string(),
                |(o, m)| {
                    format!(
                        "{} at {}, drag {}",
                        pct(m.cut),
                        o.variant.label,
                        pct(m.drag)
                    )
                },
            );
        let reach = smallest_reaching(outcomes, name).map_or_else(
            || "none of the tested changes".to_string(),
            |o| o.variant.label.clone(),
        );
        let what = mine.first().map_or("", |o| o.what.as_str());
        let _ = writeln!(
            s,
            "| {name} | {what} | {} | {} | {best} | {reach} |",
            at(-1),
            at(1)
        );
    }
    s
}

/// `tornado.svg`: per assumption, the moderate-stress cut (left) and the
/// drag (right) at the -1 and +1 bumps as bars from the base value, sorted by
/// the cut's swing.
///
/// # Errors
/// A drawing failure, as text.
pub fn tornado_svg(base: &Measured, outcomes: &[Outcome]) -> Result<String, String> {
    let mut names: Vec<&str> = outcomes.iter().map(|o| o.assumption.as_str()).collect();
    names.dedup();
    let get = |name: &str, step: i32| {
        outcomes
            .iter()
            .find(|o| o.assumption == name && o.variant.step == step)
            .and_then(|o| o.measured)
    };
    let mut bars: Vec<(&str, Option<Measured>, Option<Measured>)> =
        names.iter().map(|&n| (n, get(n, -1), get(n, 1))).collect();
    let swing = |b: &(&str, Option<Measured>, Option<Measured>)| {
        let c = |m: Option<Measured>| m.map_or(0.0, |m| (m.cut - base.cut).abs());
        c(b.1).max(c(b.2))
    };
    bars.sort_by(|a, b| swing(b).total_cmp(&swing(a)));
    let n = bars.len().max(1);
    let mut buf = String::new();
    {
        let root =
            SVGBackend::with_string(&mut buf, (1100, 120 + 34 * n as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let root = root
            .titled(
                "What moves the moderate-stress verdict: each assumption bumped alone",
                ("sans-serif", 20),
            )
            .map_err(|e| e.to_string())?;
        let (left, right) = root.split_horizontally(640);
        for (panel, is_cut) in [(&left, true), (&right, false)] {
            let val = |m: &Measured| 100.0 * if is_cut { m.cut } else { m.drag };
            let b0 = 100.0 * if is_cut { base.cut } else { base.drag };
            let (mut lo, mut hi) = (b0, b0);
            for (_, d, u) in &bars {
                for m in [d, u].into_iter().flatten() {
                    lo = lo.min(val(m));
                    hi = hi.max(val(m));
                }
            }
            if is_cut {
                hi = hi.max(100.0 * CLAIMED_CUT[0]);
            }
            let pad = 0.05 * (hi - lo).max(0.1);
            let mut chart = ChartBuilder::on(panel)
                .margin(10)
                .x_label_area_size(40)
                .y_label_area_size(if is_cut { 190 } else { 10 })
                .build_cartesian_2d((lo - pad)..(hi + pad), 0f64..n as f64)
                .map_err(|e| e.to_string())?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .disable_y_axis()
                .x_desc(if is_cut {
                    "cut of mean max drawdown vs none, % (base: vertical line)"
                } else {
                    "annual drag, %/yr"
                })
                .draw()
                .map_err(|e| e.to_string())?;
            for (i, (name, d, u)) in bars.iter().enumerate() {
                let y = (n - 1 - i) as f64;
                if is_cut {
                    // The assumption's name in the label area, left of the axis.
                    let (px, py) = chart.backend_coord(&(lo - pad, y + 0.5));
                    let (ox, oy) = panel.get_base_pixel();
                    let (px, py) = (px - ox, py - oy);
                    panel
                        .draw(&Text::new(
                            (*name).to_string(),
                            (px - 8, py),
                            ("sans-serif", 14)
                                .into_font()
                                .into_text_style(panel)
                                .pos(Pos::new(HPos::Right, VPos::Center)),
                        ))
                        .map_err(|e| e.to_string())?;
                }
                for (m, down) in [(d, true), (u, false)] {
                    if let Some(m) = m {
                        let (a, b) = (b0.min(val(m)), b0.max(val(m)));
                        let (y0, y1, color) = if down {
                            (y + 0.5, y + 0.85, RGBColor(70, 110, 200))
                        } else {
                            (y + 0.15, y + 0.5, RGBColor(220, 120, 40))
                        };
                        chart
                            .draw_series(std::iter::once(Rectangle::new(
                                [(a, y0), (b.max(a + 1e-9), y1)],
                                color.filled(),
                            )))
                            .map_err(|e| e.to_string())?;
                    }
                }
            }
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(b0, 0.0), (b0, n as f64)],
                    BLACK.stroke_width(2),
                )))
                .map_err(|e| e.to_string())?;
            if is_cut {
                let c = 100.0 * CLAIMED_CUT[0];
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(c, 0.0), (c, n as f64)],
                        RGBColor(200, 0, 0).stroke_width(2),
                    )))
                    .map_err(|e| e.to_string())?
                    .label("claimed 35% cut")
                    .legend(|(x, y)| {
                        PathElement::new(vec![(x, y), (x + 14, y)], RGBColor(200, 0, 0))
                    });
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(lo - pad, -1.0), (lo - pad, -1.0)],
                        RGBColor(70, 110, 200).filled(),
                    )))
                    .map_err(|e| e.to_string())?
                    .label("bumped down (step -1)")
                    .legend(|(x, y)| {
                        Rectangle::new(
                            [(x, y - 5), (x + 14, y + 5)],
                            RGBColor(70, 110, 200).filled(),
                        )
                    });
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(lo - pad, -1.0), (lo - pad, -1.0)],
                        RGBColor(220, 120, 40).filled(),
                    )))
                    .map_err(|e| e.to_string())?
                    .label("bumped up (step +1)")
                    .legend(|(x, y)| {
                        Rectangle::new(
                            [(x, y - 5), (x + 14, y + 5)],
                            RGBColor(220, 120, 40).filled(),
                        )
                    });
                chart
                    .configure_series_labels()
                    .background_style(WHITE.mix(0.85))
                    .border_style(BLACK)
                    .position(SeriesLabelPosition::LowerRight)
                    .draw()
                    .map_err(|e| e.to_string())?;
            }
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bump_is_a_valid_configuration_of_the_default_books() {
        let base = Config::preset("alvh-seed").expect("preset");
        let all = assumptions(&base);
        assert!(all.len() >= 12, "{} assumptions", all.len());
        for a in &all {
            assert!(
                a.variants.iter().any(|v| v.step == -1) && a.variants.iter().any(|v| v.step == 1),
                "{}",
                a.name
            );
            for v in &a.variants {
                let mut c = base.clone();
                for s in &v.sets {
                    c.apply_set(s)
                        .unwrap_or_else(|e| panic!("{} {}: {s}: {e}", a.name, v.label));
                }
                if v.step.abs() == 1 {
                    c.validate()
                        .unwrap_or_else(|e| panic!("{} {}: {e}", a.name, v.label));
                }
            }
        }
        // A P bump pins Q at its base value.
        let vov = &all[0].variants.iter().find(|v| v.step == 1).unwrap().sets;
        let q = base.model.q_params().sigma_v;
        assert!(vov.contains(&format!("model.q.sigma_v={q}")), "{vov:?}");
    }

    #[test]
    fn smallest_reaching_prefers_the_smallest_step() {
        let m = |cut| {
            Some(Measured {
                cut,
                cut_ci95: [cut, cut],
                drag: 0.01,
                drag_ci95: [0.0, 0.02],
                paths: 10,
            })
        };
        let o = |step, cut| Outcome {
            assumption: "a".into(),
            what: "a key".into(),
            variant: Variant {
                label: format!("s{step}"),
                step,
                sets: vec![],
            },
            measured: m(cut),
            refused: None,
        };
        let outs = [o(-1, 0.1), o(1, 0.2), o(2, 0.36), o(3, 0.5), o(-3, 0.4)];
        assert_eq!(smallest_reaching(&outs, "a").unwrap().variant.step, 2);
        assert!(smallest_reaching(&outs[..2], "a").is_none());
        let svg = tornado_svg(
            &Measured {
                cut: 0.0,
                cut_ci95: [0.0, 0.0],
                drag: 0.0,
                drag_ci95: [0.0, 0.0],
                paths: 1,
            },
            &outs,
        )
        .unwrap();
        assert!(svg.contains("claimed 35% cut"));
    }
}
