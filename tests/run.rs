//! `vixhedge run` end to end on small studies: the output files and JSON keys
//! of `docs/cli.md`, the same summary for any batch size and thread count,
//! and bad input rejected before anything is written.

use std::path::Path;
use std::process::{Command, Output};

fn vixhedge(args: &[&str], threads: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vixhedge"));
    c.args(args);
    if let Some(t) = threads {
        c.env("RAYON_NUM_THREADS", t);
    }
    c.output().expect("the binary runs")
}

const SMALL: [&str; 6] = ["run", "--paths", "400", "--horizon-days", "21", "--json"];

fn small_run(out: &Path, extra: &[&str], threads: Option<&str>) -> serde_json::Value {
    let mut args: Vec<&str> = SMALL.to_vec();
    let out_s = out.to_str().unwrap();
    args.extend(["--out", out_s, "--backend", "cpu"]);
    args.extend(extra);
    let o = vixhedge(&args, threads);
    assert!(
        o.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("stdout is one JSON document")
}

/// The summary without the run-to-run timing fields, the thread count and
/// the layers that produced it.
fn statistics(mut v: serde_json::Value) -> serde_json::Value {
    let m = v.as_object_mut().unwrap();
    m.remove("resolved");
    m.remove("adapter");
    m.remove("elapsed_s");
    m.remove("path_steps_per_s");
    v
}

/// `run --books f64`: the f64 reference books on the same paths give the
/// kernel's summary within the per-path tolerances averaged over the paths
/// (a drawdown difference of at most 1e-5 and 10 USD on 99% of paths, at
/// most about 2e-3 on the rest: under 1e-4 on a mean of 400 paths, two
/// histogram bins on a quantile, 100 USD on a mean P&L), and say what ran.
#[test]
fn the_f64_reference_books_give_the_kernel_summary() {
    let dir = tempfile::tempdir().unwrap();
    let kernel = small_run(&dir.path().join("kernel"), &[], None);
    let f64_books = small_run(&dir.path().join("f64"), &["--books", "f64"], None);
    assert_eq!(f64_books["backend"], "reference");
    let adapter = f64_books["adapter"].as_str().unwrap();
    assert!(
        adapter.starts_with("f64 reference books on cpu"),
        "{adapter}"
    );
    assert_eq!(kernel["config_hash"], f64_books["config_hash"]);
    let (k, f) = (&kernel["strategies"], &f64_books["strategies"]);
    let names: Vec<&String> = k.as_object().unwrap().keys().collect();
    assert!(names.len() > 10, "{names:?}");
    for name in names {
        for key in ["mean", "p50", "p95"] {
            let (a, b) = (
                k[name]["max_drawdown"][key].as_f64().unwrap(),
                f[name]["max_drawdown"][key].as_f64().unwrap(),
            );
            let tol = if key == "mean" { 1e-4 } else { 2e-4 };
            assert!(
                a > 0.0 && (a - b).abs() <= tol,
                "{name} {key}: kernel {a}, f64 {b}"
            );
        }
        let (a, b) = (
            k[name]["pnl"]["mean"].as_f64().unwrap(),
            f[name]["pnl"]["mean"].as_f64().unwrap(),
        );
        assert!(
            (a - b).abs() < 100.0,
            "{name} pnl mean (USD): kernel {a}, f64 {b}"
        );
    }
    // Not on a GPU: one line, nothing written.
    let out = dir.path().join("gpu");
    let o = vixhedge(
        &[
            "run",
            "--paths",
            "16",
            "--books",
            "f64",
            "--backend",
            "gpu",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--books f64") && err.contains("--backend cpu"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn a_small_run_writes_every_file_with_the_design_keys() {
    let dir = tempfile::tempdir().unwrap();
    let v = small_run(dir.path(), &[], None);
    for f in [
        "summary.json",
        "config.toml",
        "report.md",
        "drawdown_hist.csv",
        "drawdown_distribution.svg",
        "reduction_by_regime.svg",
    ] {
        assert!(dir.path().join(f).is_file(), "{f} missing");
    }
    let on_disk: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(statistics(on_disk), statistics(v.clone()));
    for key in [
        "seed",
        "paths",
        "backend",
        "adapter",
        "elapsed_s",
        "path_steps_per_s",
        "strategies",
        "regimes",
        "verdict",
    ] {
        assert!(v.get(key).is_some(), "summary.json lacks {key}");
    }
    assert_eq!(v["paths"], 400);
    for name in [
        "none",
        "alvh",
        "static",
        "vxth",
        "alvh-seed",
        "alvh-30-110-220",
        "static-seed",
        "static-30-110-220",
    ] {
        let s = &v["strategies"][name];
        for k in ["mean", "p50", "p95", "p99", "cvar95"] {
            assert!(
                s["max_drawdown"][k].is_number(),
                "{name}.max_drawdown.{k}: {s}"
            );
        }
        for k in ["mean_ratio", "p50", "p95", "ci95"] {
            assert!(
                s["drawdown_reduction"].get(k).is_some(),
                "{name}.drawdown_reduction.{k}"
            );
        }
        assert!(
            s["annual_drag"].is_number() || s["annual_drag"].is_object(),
            "{name}.annual_drag"
        );
    }
    let regime_paths: u64 = ["calm", "moderate", "severe", "crisis"]
        .iter()
        .map(|r| v["regimes"][r]["paths"].as_u64().unwrap())
        .sum();
    assert_eq!(regime_paths, 400, "every path falls in exactly one regime");
    // The unhedged line has no cut against itself; the config written back reloads.
    assert_eq!(
        v["strategies"]["none"]["drawdown_reduction"]["mean_ratio"],
        0.0
    );
    let cfg = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    vixhedge::config::Config::from_toml_str(&cfg).expect("config.toml reloads");
}

#[test]
fn the_same_seed_gives_the_same_summary_for_any_batch_size_and_thread_count() {
    let d = tempfile::tempdir().unwrap();
    let a = small_run(
        &d.path().join("a"),
        &["--set", "simulation.batch_paths=400"],
        Some("2"),
    );
    let b = small_run(
        &d.path().join("b"),
        &["--set", "simulation.batch_paths=48"],
        Some("1"),
    );
    assert_eq!(statistics(a), statistics(b));
}

#[test]
fn bad_input_fails_with_one_line_naming_the_key_and_writes_nothing() {
    let cases: [(&[&str], &str); 8] = [
        (
            &["--set", "hedge.layers[0].tenor_days=0"],
            "hedge.layers[0].tenor_days",
        ),
        (
            &["--set", "hedge.layers[1].contracts=-1"],
            "hedge.layers[1].contracts",
        ),
        (&["--set", "condor.short_delta=0.6"], "condor.short_delta"),
        (&["--set", "regimes.severe_from=15"], "regimes"),
        (&["--set", "regimes.by=max_spx"], "regimes.by"),
        (
            &["--set", "regimes.vix_rise.severe_from=2"],
            "regimes.vix_rise.severe_from",
        ),
        (
            &["--set", "regimes.spx_drawdown.crisis_from=1.5"],
            "regimes.spx_drawdown.crisis_from",
        ),
        (&["--hedges", "none,alvh,bogus"], "bogus"),
    ];
    for (extra, key) in cases {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        let mut args: Vec<&str> = SMALL.to_vec();
        args.extend(["--out", out.to_str().unwrap()]);
        if !extra.contains(&"--backend") {
            args.extend(["--backend", "cpu"]);
        }
        args.extend(extra);
        let o = vixhedge(&args, None);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(o.stdout.is_empty(), "{extra:?} printed on stdout");
        let lines: Vec<&str> = err.lines().filter(|l| !l.starts_with("warning:")).collect();
        assert_eq!(lines.len(), 1, "{extra:?}: {err}");
        assert!(lines[0].contains(key), "{extra:?}: {err}");
        assert!(!out.exists(), "{extra:?} created the output directory");
    }
}

#[test]
fn ruined_paths_stop_at_a_full_drawdown_and_are_counted() {
    // A 1,000 USD account: every condor is floored at one contract risking
    // about 15 times the capital, which validation warns about.
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = vixhedge(
        &[
            "run",
            "--paths",
            "200",
            "--horizon-days",
            "63",
            "--backend",
            "cpu",
            "--json",
            "--hedges",
            "none,vxth",
            "--set",
            "condor.capital=1000",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning: condor.capital = 1000 USD") && err.contains("floored at 1 contract"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let none = &v["strategies"]["none"];
    let ruined = none["ruined"].as_f64().unwrap();
    assert!(ruined > 0.3 && ruined <= 1.0, "{ruined}");
    for (name, s) in v["strategies"].as_object().unwrap() {
        let dd = &s["max_drawdown"];
        for k in ["mean", "p50", "p95", "p99", "cvar95"] {
            let x = dd[k].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&x), "{name}.max_drawdown.{k} = {x}");
        }
        // A ruined account loses its capital and no more.
        assert!(s["pnl"]["p5"].as_f64().unwrap() >= -1000.0 - 1e-9, "{name}");
    }
    let by_regime: f64 = ["calm", "moderate", "severe", "crisis"]
        .iter()
        .map(|r| {
            let reg = &v["regimes"][r];
            let n = reg["paths"].as_f64().unwrap();
            if n == 0.0 {
                0.0
            } else {
                reg["strategies"]["none"]["ruined"].as_f64().unwrap() * n
            }
        })
        .sum();
    assert!(
        (by_regime - ruined * 200.0).abs() < 1e-9,
        "{by_regime} vs {ruined}"
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("ruined (%)"));
}
