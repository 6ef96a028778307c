//! The report stage: reductions against straightforward sorting-based reference
//! computations, exact merge invariance, confidence-interval coverage where the
//! truth is known, the `summary.json` key shape and the SVG plots.

use crate::util::assert_close;
use crate::util::report_data::{
    accumulate, batch, layout, path, run_info, svg_texts, SplitMix, CAPITAL,
};
use vixhedge::config::{HedgeProgram, Regime, RegimesConfig};
use vixhedge::report::stats::{DRAWDOWN_SPEC, PNL_SPEC};
use vixhedge::report::{
    summarize, write_outputs, LineOutcome, PathFacts, StudyAccumulator, StudySummary,
};

/// Lower empirical quantile of sorted values (the k = ceil(q n)-th smallest).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[vixhedge::report::hist::rank(q, sorted.len() as u64) as usize - 1]
}

/// Exact CVaR: top floor(m) values plus the fraction of the next, over m = (1 - a) n.
fn cvar(sorted: &[f64], alpha: f64) -> f64 {
    let m = (1.0 - alpha) * sorted.len() as f64;
    let whole = m.floor() as usize;
    let n = sorted.len();
    let top: f64 = sorted[n - whole..].iter().sum();
    let frac = if whole < n {
        (m - whole as f64) * sorted[n - whole - 1]
    } else {
        0.0
    };
    (top + frac) / m
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

#[test]
fn reductions_match_a_sorting_reference() {
    let lay = layout(&[HedgeProgram::AlvhSeed, HedgeProgram::Vxth], &[]);
    let n = 6000;
    let acc = accumulate(&lay, 11, n, 1000);
    let summary = summarize(&acc, run_info());
    let regimes = RegimesConfig::default();
    let paths: Vec<_> = (0..n).map(|i| path(11, i, 3)).collect();
    for (regime, filter) in [
        ("all", None),
        ("moderate", Some(Regime::Moderate)),
        ("crisis", Some(Regime::Crisis)),
    ] {
        let sel: Vec<_> = paths
            .iter()
            .filter(|p| filter.is_none_or(|r| regimes.classify(p.0) == r))
            .collect();
        let strategies = if regime == "all" {
            &summary.strategies
        } else {
            &summary.regimes.get(regime).unwrap().strategies
        };
        for (l, name) in ["none", "alvh-seed", "vxth"].iter().enumerate() {
            let s = strategies.get(name).unwrap();
            let what = |k: &str| format!("{regime}/{name}/{k}");
            assert_eq!(s.paths, sel.len() as u64);
            let mut dd: Vec<f64> = sel.iter().map(|p| p.2[l].max_drawdown).collect();
            let dd0: Vec<f64> = sel.iter().map(|p| p.2[0].max_drawdown).collect();
            let w = DRAWDOWN_SPEC.width;
            assert_close(what("mean"), s.max_drawdown.mean, mean(&dd), 0.0, 1e-12);
            let cut = 1.0 - mean(&dd) / mean(&dd0);
            assert_close(
                what("mean_ratio"),
                s.drawdown_reduction.mean_ratio,
                cut,
                0.0,
                1e-12,
            );
            // The per-path cut is one f32 operation on f32 drawdowns.
            let cuts: Vec<f64> = dd0
                .iter()
                .zip(&dd)
                .filter(|(x, _)| **x > 0.0)
                .map(|(x, y)| f64::from(1.0f32 - (*y as f32) / (*x as f32)))
                .collect();
            let share = cuts.iter().filter(|&&c| c >= 0.35).count() as f64 / cuts.len() as f64;
            assert_eq!(
                s.drawdown_reduction.share_cut_35,
                share,
                "{}",
                what("share")
            );
            assert_eq!(s.drawdown_reduction.paths_with_drawdown, cuts.len() as u64);
            dd.sort_by(f64::total_cmp);
            let mut sorted0 = dd0.clone();
            sorted0.sort_by(f64::total_cmp);
            let md = &s.max_drawdown;
            for (q, got) in [(0.5, md.p50), (0.9, md.p90), (0.95, md.p95), (0.99, md.p99)] {
                assert_close(what(&format!("p{q}")), got, quantile(&dd, q), 0.0, w);
            }
            assert_close(what("cvar95"), md.cvar95, cvar(&dd, 0.95), 0.0, w);
            // Ratios of quantiles, each quantile within one bin width.
            let (q0, q1) = (quantile(&sorted0, 0.5), quantile(&dd, 0.5));
            let tol = w / q0 + w * q1 / (q0 * (q0 - w));
            assert_close(
                what("p50 ratio"),
                s.drawdown_reduction.p50,
                1.0 - q1 / q0,
                0.0,
                tol,
            );
            let pnl: Vec<f64> = sel.iter().map(|p| p.2[l].final_pnl).collect();
            let pnl0: Vec<f64> = sel.iter().map(|p| p.2[0].final_pnl).collect();
            // The reductions take P&L as an f32 fraction of the capital (one
            // f32 division a path), and the drag per path as one f32
            // difference and one division.
            let cap = CAPITAL as f32;
            let frac = |x: &f64| f64::from(*x as f32 / cap);
            let pnl_frac: Vec<f64> = pnl.iter().map(frac).collect();
            assert_close(
                what("pnl mean"),
                s.pnl.mean,
                mean(&pnl_frac) * CAPITAL,
                0.0,
                1e-6,
            );
            // Within f32 rounding of the per-path fractions of the definition
            // in f64.
            assert_close(what("pnl mean f64"), s.pnl.mean, mean(&pnl), 0.0, 1e-2);
            let annual = 252.0 / 126.0;
            let drags: Vec<f64> = pnl0
                .iter()
                .zip(&pnl)
                .map(|(a, b)| f64::from((*a as f32 - *b as f32) / cap))
                .collect();
            let drag = mean(&drags) * annual;
            assert_close(what("drag"), s.annual_drag, drag, 0.0, 1e-12);
            let drag_f64 = (mean(&pnl0) - mean(&pnl)) / CAPITAL * annual;
            assert_close(what("drag f64"), s.annual_drag, drag_f64, 0.0, 1e-8);
            assert!(s.annual_drag_ci95[0] <= drag && drag <= s.annual_drag_ci95[1]);
            let ret = mean(&pnl_frac) * annual;
            assert_close(what("calmar"), s.calmar, ret / mean(&dd), 0.0, 1e-9);
            let mut sorted_pnl = pnl.clone();
            sorted_pnl.sort_by(f64::total_cmp);
            let pw = PNL_SPEC.width * CAPITAL;
            for (q, got) in [(0.05, s.pnl.p5), (0.5, s.pnl.p50), (0.95, s.pnl.p95)] {
                assert_close(
                    what(&format!("pnl p{q}")),
                    got,
                    quantile(&sorted_pnl, q),
                    0.0,
                    pw,
                );
            }
            let prem: Vec<f64> = sel.iter().map(|p| frac(&p.2[l].premium_paid)).collect();
            assert_close(
                what("premium"),
                s.hedge.premium_paid_mean,
                mean(&prem) * CAPITAL,
                0.0,
                1e-6,
            );
            let worst = sel
                .iter()
                .map(|p| p.2[l].worst_day)
                .fold(f64::INFINITY, f64::min);
            assert_eq!(s.hedge.worst_day_min, worst);
        }
    }
    let total: u64 = summary.regimes.iter().map(|(_, r)| r.paths).sum();
    assert_eq!(total, n);
}

#[test]
fn summary_does_not_depend_on_batch_size_order_or_threads() {
    let lay = layout(&[HedgeProgram::Alvh, HedgeProgram::Static], &[0.5, 2.0]);
    let n = 4000;
    let one = accumulate(&lay, 3, n, n);
    let small = accumulate(&lay, 3, n, 7);
    // Uneven batches merged in reverse order, built on several threads.
    let lines = lay.lines.len();
    let cuts = [0u64, 1, 900, 901, 2500, 3999, n];
    let parts: Vec<StudyAccumulator> = std::thread::scope(|s| {
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|w| {
                let lay = lay.clone();
                s.spawn(move || {
                    let mut acc = StudyAccumulator::new(lay).unwrap();
                    acc.push_batch(&batch(3, w[0], w[1] - w[0], lines)).unwrap();
                    acc
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut threaded = StudyAccumulator::new(lay.clone()).unwrap();
    for p in parts.iter().rev() {
        threaded.merge(p).unwrap();
    }
    let mut par = StudyAccumulator::new(lay.clone()).unwrap();
    par.push_batch_par(&batch(3, 0, n, lines)).unwrap();
    assert!(
        one == small && one == threaded && one == par,
        "accumulators differ"
    );
    let json = |a: &StudyAccumulator| serde_json::to_string(&summarize(a, run_info())).unwrap();
    assert_eq!(json(&one), json(&small));
    assert_eq!(json(&one), json(&threaded));
    let other = StudyAccumulator::new(layout(&[HedgeProgram::Alvh], &[])).unwrap();
    assert!(threaded.merge(&other).is_err());
}

/// Lognormal pairs with a known truth: X = 0.15 exp(0.4 Z1), Y = c X exp(s Z2),
/// all in the moderate regime.
fn lognormal_pairs(seed: u64, n: u64, c: f64, s: f64) -> StudyAccumulator {
    let lay = layout(&[HedgeProgram::Alvh], &[]);
    let mut acc = StudyAccumulator::new(lay).unwrap();
    for i in 0..n {
        let mut r = SplitMix::new(seed, i);
        let x = 0.15 * (0.4 * r.normal()).exp();
        let y = c * x * (s * r.normal()).exp();
        let pnl = CAPITAL * 0.1 * r.normal();
        let line = |dd: f64, pnl: f64| LineOutcome {
            max_drawdown: dd,
            final_pnl: pnl,
            ..LineOutcome::default()
        };
        let outcomes = [
            line(x, pnl),
            line(y, pnl - CAPITAL * 0.01 * (1.0 + r.normal())),
        ];
        let facts = PathFacts {
            max_vix: 25.0,
            first_vix: 20.0,
            ..PathFacts::default()
        };
        acc.push_path(i, &facts, &outcomes).unwrap();
    }
    acc
}

/// Coverage of the delta-method CI of the ratio of means, truth
/// 1 - c exp(s^2 / 2). 400 replications of 4000 paths: the number of covering
/// intervals is Binomial(400, 0.95) for a correct interval, and [360, 396] holds
/// it with probability 1 - 1.6e-5 (exact binomial tails), so a correct build fails
/// less than once in 10^4 seeds. Ignoring the pairing would cover nearly always
/// and fail the upper bound; a wrong variance formula fails the lower one.
#[test]
fn delta_method_interval_covers_the_true_mean_ratio() {
    let (c, s) = (0.9, 0.2);
    let truth = 1.0 - c * (s * s / 2.0f64).exp();
    let mut covered = 0;
    let mut drag_covered = 0;
    for rep in 0..400 {
        let sum = summarize(&lognormal_pairs(1000 + rep, 4000, c, s), run_info());
        let r = &sum
            .regimes
            .get("moderate")
            .unwrap()
            .strategies
            .get("alvh")
            .unwrap();
        let ci = r.drawdown_reduction.ci95;
        covered += u32::from(ci[0] <= truth && truth <= ci[1]);
        let d = r.annual_drag_ci95;
        let drag_truth = 0.01 * 252.0 / 126.0;
        drag_covered += u32::from(d[0] <= drag_truth && drag_truth <= d[1]);
    }
    eprintln!("delta method: {covered}/400 covered; drag: {drag_covered}/400");
    assert!(
        (360..=396).contains(&covered),
        "mean-ratio CI covered {covered} of 400"
    );
    assert!(
        (360..=396).contains(&drag_covered),
        "drag CI covered {drag_covered} of 400"
    );
}

/// Coverage of the sectioning CIs of the ratios of medians and of 95th
/// percentiles: with lognormal X and Y = c X exp(s Z2), the truths are 1 - c and
/// 1 - c exp(1.645 (sqrt(0.4^2 + s^2) - 0.4)). 200 replications of 8000 paths:
/// [174, 200] holds Binomial(200, 0.95) with probability 1 - 3e-6.
/// The upper end is not tested: with 200 replications a 100% count is
/// reached by a correct 95% interval with probability 3.5e-5 only, but the
/// histogram bins make section estimates slightly noisier, which is safe.
#[test]
fn sectioning_intervals_cover_the_true_quantile_ratios() {
    let (c, s) = (0.9, 0.2);
    let z95 = 1.644_853_626_951_472_2;
    let truth50 = 1.0 - c;
    let truth95 = 1.0 - c * (z95 * ((0.16f64 + s * s).sqrt() - 0.4)).exp();
    let (mut cov50, mut cov95) = (0, 0);
    for rep in 0..200 {
        let sum = summarize(&lognormal_pairs(5000 + rep, 8000, c, s), run_info());
        let r = &sum
            .regimes
            .get("moderate")
            .unwrap()
            .strategies
            .get("alvh")
            .unwrap();
        let red = &r.drawdown_reduction;
        let [a, b] = red.p50_ci95.expect("enough paths for sectioning");
        cov50 += u32::from(a <= truth50 && truth50 <= b);
        let [a, b] = red.p95_ci95.expect("enough paths for sectioning");
        cov95 += u32::from(a <= truth95 && truth95 <= b);
    }
    eprintln!("sectioning: median {cov50}/200, p95 {cov95}/200 covered");
    assert!(cov50 >= 174, "median-ratio CI covered {cov50} of 200");
    assert!(cov95 >= 174, "p95-ratio CI covered {cov95} of 200");
}

fn small_summary() -> (StudySummary, StudyAccumulator) {
    let lay = layout(
        &[
            HedgeProgram::Alvh,
            HedgeProgram::Static,
            HedgeProgram::Vxth,
            HedgeProgram::AlvhSeed,
        ],
        &[0.5, 1.0, 2.0, 5.0, 10.0],
    );
    let acc = accumulate(&lay, 5, 3000, 512);
    (summarize(&acc, run_info()), acc)
}

#[test]
fn summary_json_has_the_design_keys() {
    let (summary, _) = small_summary();
    let v: serde_json::Value = serde_json::to_value(&summary).unwrap();
    for k in [
        "seed",
        "paths",
        "backend",
        "adapter",
        "elapsed_s",
        "path_steps_per_s",
    ] {
        assert!(v.get(k).is_some(), "missing top-level key {k}");
    }
    let check = |s: &serde_json::Value, name: &str| {
        let st = &s[name];
        for k in ["mean", "p50", "p95", "p99", "cvar95"] {
            assert!(st["max_drawdown"][k].is_number(), "{name}.max_drawdown.{k}");
        }
        for k in ["mean_ratio", "p50", "p95"] {
            assert!(
                st["drawdown_reduction"][k].is_number(),
                "{name}.drawdown_reduction.{k}"
            );
        }
        assert_eq!(
            st["drawdown_reduction"]["ci95"].as_array().unwrap().len(),
            2
        );
        assert!(st["annual_drag"].is_number(), "{name}.annual_drag");
    };
    for name in [
        "none",
        "alvh",
        "static",
        "vxth",
        "alvh-seed",
        "alvh-seed@x0.5",
        "alvh@x10",
    ] {
        check(&v["strategies"], name);
    }
    for regime in ["calm", "moderate", "severe", "crisis"] {
        let r = &v["regimes"][regime];
        assert!(r["paths"].is_u64(), "regimes.{regime}.paths");
        check(&r["strategies"], "alvh");
    }
    assert_eq!(v["paths"], 3000);
    assert!(v["verdict"]["text"]
        .as_str()
        .unwrap()
        .starts_with("Verdict:"));
    let programs: Vec<&str> = v["verdict"]["programs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(programs, ["alvh", "alvh-seed"]);
    // The synthetic hedge cuts about 5-10% in the moderate regime: far below 35%.
    assert_eq!(v["verdict"]["status"], "below_claim");
    assert!(v["verdict"]["best_ladder_rung"]["name"].is_string());
}

#[test]
fn outputs_are_written_and_plots_name_their_series() {
    let (summary, acc) = small_summary();
    let dir = tempfile::tempdir().unwrap();
    write_outputs(dir.path(), &summary, &acc, "- Synthetic test paths.").unwrap();
    let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).unwrap();
    for f in [
        "drawdown_distribution.svg",
        "reduction_by_regime.svg",
        "units_ladder.svg",
    ] {
        let texts = svg_texts(&read(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        for name in ["alvh", "alvh-seed"] {
            // A legend entry, or a small multiple's title `alvh: mean ...`.
            assert!(
                texts
                    .iter()
                    .any(|t| t == name || t.starts_with(&format!("{name}: "))),
                "{f} lacks series {name}: {texts:?}"
            );
        }
    }
    let has = |f: &str, t: &str| svg_texts(&read(f)).unwrap().iter().any(|x| x == t);
    assert!(svg_texts(&read("drawdown_distribution.svg"))
        .unwrap()
        .iter()
        .any(|t| t.contains("(none ")));
    assert!(has("reduction_by_regime.svg", "vxth"));
    assert!(svg_texts(&read("reduction_by_regime.svg"))
        .unwrap()
        .iter()
        .any(|t| t.starts_with("moderate (") && t.ends_with(" paths)")));
    let report = read("report.md");
    assert!(report.contains("## Verdict") && report.contains("- Synthetic test paths."));
    assert!(report.contains("drag (%/yr)"));
    let csv = read("drawdown_hist.csv");
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("regime,drawdown_lo_frac,drawdown_hi_frac,none,alvh,"));
    // Every path is counted once per line across the regimes and tails.
    let none_total: u64 = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(none_total, 3000);
    assert!(read("pnl_hist.csv").starts_with("regime,pnl_lo_usd,pnl_hi_usd,none"));
    assert!(read("reduction_hist.csv").starts_with("regime,reduction_lo_frac"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
    let table = vixhedge::report::render::verdict_table(&summary);
    assert!(table.contains("mean DD %") && table.contains("alvh-seed@x10"));
}

#[test]
fn writes_are_atomic_and_failures_leave_nothing() {
    let (summary, acc) = small_summary();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    assert!(write_outputs(&missing, &summary, &acc, "").is_err());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let file = dir.path().join("x.txt");
    vixhedge::report::write_atomic(&file, b"old").unwrap();
    vixhedge::report::write_atomic(&file, b"new").unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), b"new");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// `[regimes] by`: each definition puts a path where its own measure and
/// boundaries say, and the summary names the definition.
#[test]
fn regimes_by_max_vix_vix_rise_or_spx_drawdown() {
    use vixhedge::config::{RegimeBy, RegimeMeasures};
    let base = layout(&[HedgeProgram::None, HedgeProgram::Alvh], &[]);
    let n = 4000;
    let b = batch(5, 0, n, base.lines.len());
    for by in [RegimeBy::MaxVix, RegimeBy::VixRise, RegimeBy::SpxDrawdown] {
        let mut l = base.clone();
        l.regimes.by = by;
        let mut acc = StudyAccumulator::new(l.clone()).unwrap();
        acc.push_batch(&b).unwrap();
        let mut want = [0u64; 4];
        for p in 0..b.len() {
            let x = match by {
                RegimeBy::MaxVix => b.max_vix[p],
                RegimeBy::VixRise => b.max_vix[p] - b.first_vix[p],
                RegimeBy::SpxDrawdown => b.spx_max_drawdown[p],
            };
            let bounds = l.regimes.bounds();
            let r = if x >= bounds.crisis_from {
                3
            } else if x >= bounds.severe_from {
                2
            } else if x >= bounds.moderate_from {
                1
            } else {
                0
            };
            want[r] += 1;
            let m = RegimeMeasures {
                max_vix: b.max_vix[p],
                first_vix: b.first_vix[p],
                spx_max_drawdown: b.spx_max_drawdown[p],
            };
            assert_eq!(l.regimes.classify_path(&m), Regime::ALL[r]);
        }
        let got: Vec<u64> = Regime::ALL.iter().map(|&r| acc.regime(r).paths()).collect();
        assert_eq!(got, want, "{by:?}");
        assert!(
            want.iter().filter(|&&c| c > 0).count() >= 3,
            "{by:?}: {want:?}"
        );
        let s = summarize(&acc, run_info());
        assert_eq!(s.regime_definition.by, by.name());
        assert_eq!(
            s.regime_definition.moderate_from,
            l.regimes.bounds().moderate_from
        );
    }
}

#[test]
fn the_console_table_fits_100_columns_and_flags_short_horizons() {
    let (summary, _) = small_summary();
    let table = vixhedge::report::render::verdict_table(&summary);
    for line in table.lines() {
        assert!(line.len() <= 100, "{} columns: {line}", line.len());
    }
    // 126 days: annualised figures are flagged with their factor.
    assert!(table.contains("scale a 126-day result by 2.0"), "{table}");
    let report = vixhedge::report::render::report_markdown(&summary, "");
    assert!(report.contains("scale a 126-day result by 2.0"));
    let mut yearly = summary.clone();
    yearly.horizon_days = 252;
    assert!(!vixhedge::report::render::verdict_table(&yearly).contains("scale a"));
}

#[test]
fn thin_regimes_carry_a_note() {
    use vixhedge::report::render::thin_regime_note;
    assert!(thin_regime_note("crisis", 0).unwrap().contains("No path"));
    assert!(thin_regime_note("crisis", 3)
        .unwrap()
        .contains("Only 3 paths"));
    assert!(thin_regime_note("crisis", 500).is_none());
    let (summary, acc) = small_summary();
    let report = vixhedge::report::render::report_markdown(&summary, "");
    for (name, r) in summary.regimes.iter() {
        if let Some(note) = thin_regime_note(name, r.paths) {
            assert!(report.contains(&note), "{name}: {report}");
        }
    }
    // The plots name every regime with its path count.
    let svg = vixhedge::report::plots::reduction_by_regime_svg(&summary).unwrap();
    for (name, r) in summary.regimes.iter() {
        assert!(
            svg.contains(&format!("{name} ({} paths)", r.paths)),
            "{name}"
        );
    }
    let ladder = vixhedge::report::plots::units_ladder_svg(&summary)
        .unwrap()
        .unwrap();
    let texts = svg_texts(&ladder).unwrap();
    for tick in ["0.5", "1", "2", "5", "10"] {
        assert!(
            texts.iter().any(|t| t == tick),
            "ladder tick {tick}: {texts:?}"
        );
    }
    assert!(!texts.iter().any(|t| t == "4" || t == "8"), "{texts:?}");
    let _ = acc;
}

#[test]
fn every_number_in_summary_json_has_a_unit() {
    use vixhedge::report::summary::unit_of;
    let (summary, _) = small_summary();
    let v = serde_json::to_value(&summary).unwrap();
    fn walk(v: &serde_json::Value, path: &[String], out: &mut Vec<Vec<String>>) {
        let with = |k: String| {
            let mut p = path.to_vec();
            p.push(k);
            p
        };
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    walk(x, &with(k.clone()), out);
                }
            }
            serde_json::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, &with(i.to_string()), out);
                }
            }
            serde_json::Value::Number(_) | serde_json::Value::Null => out.push(path.to_vec()),
            _ => {}
        }
    }
    let mut leaves = Vec::new();
    walk(&v, &[], &mut leaves);
    assert!(leaves.len() > 500);
    let unit = |p: &[&str]| unit_of(p);
    for leaf in &leaves {
        let segs: Vec<&str> = leaf.iter().map(String::as_str).collect();
        if segs[0] == "units" {
            continue;
        }
        assert!(unit(&segs).is_some(), "{segs:?} has no unit");
    }
    assert_eq!(
        unit(&["regimes", "moderate", "strategies", "alvh@x0.5", "ruined"]),
        Some("as strategies.*")
    );
    assert_eq!(
        unit(&["strategies", "alvh", "max_drawdown", "p95"]),
        Some("fraction of the running peak (0.2 is a 20% drawdown)")
    );
    assert_eq!(
        unit(&[
            "strategies",
            "alvh",
            "drawdown_reduction",
            "paths_with_drawdown"
        ]),
        Some("paths")
    );
    assert_eq!(
        unit(&["strategies", "alvh", "annual_drag_ci95", "1"]),
        Some("fraction of capital per year")
    );
    assert_eq!(
        v["units"]["strategies.*.ruined"],
        "fraction of the paths (0.01 is 1%)"
    );
}
