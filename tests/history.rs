//! History end to end on small files the tests write: the readers' errors
//! through the binary (one line naming file and line, exit status 2, nothing
//! written), and `facts` on history against a computation by hand.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn vixhedge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vixhedge"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Nine trading days of January 2018 (the 15th and 16th are not in the VIX file).
const DATES: [&str; 9] = [
    "2018-01-02",
    "2018-01-03",
    "2018-01-04",
    "2018-01-05",
    "2018-01-08",
    "2018-01-09",
    "2018-01-10",
    "2018-01-11",
    "2018-01-12",
];
const SPX: [f64; 9] = [100.0, 105.0, 95.0, 100.0, 110.0, 99.0, 88.0, 99.0, 110.0];
const VIX: [f64; 9] = [12.0, 18.0, 14.0, 25.0, 14.0, 35.0, 50.0, 19.0, 14.0];

/// SPX in the Yahoo layout with one extra day, VIX in FRED's with one missing value.
fn files(dir: &Path) -> (PathBuf, PathBuf) {
    let mut spx = String::from("Date,Open,High,Low,Close,Adj Close,Volume\n");
    let mut vix = String::from("observation_date,VIXCLS\n2018-01-01,.\n");
    for ((d, s), v) in DATES.iter().zip(SPX).zip(VIX) {
        spx.push_str(&format!("{d},1,1,1,{s},{s},0\n"));
        vix.push_str(&format!("{d},{v}\n"));
    }
    spx.push_str("2018-01-16,1,1,1,111.5,111.5,0\n");
    (write(dir, "spx.csv", &spx), write(dir, "vix.csv", &vix))
}

fn sample_sd(x: &[f64]) -> f64 {
    let m = x.iter().sum::<f64>() / x.len() as f64;
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

#[track_caller]
fn close(what: &str, got: &serde_json::Value, want: f64) {
    let got = got
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: {got} is not a number"));
    assert!(
        (got - want).abs() <= 1e-12 * (1.0 + want.abs()),
        "{what}: got {got}, want {want}"
    );
}

#[test]
fn facts_of_a_small_history_match_a_hand_computation() {
    let dir = tempfile::tempdir().unwrap();
    let (spx, vix) = files(dir.path());
    let o = vixhedge(&[
        "facts",
        "--spx",
        spx.to_str().unwrap(),
        "--vix",
        vix.to_str().unwrap(),
        "--horizon-days",
        "2",
        "--paths",
        "64",
        "--backend",
        "cpu",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["window_days"], 2);
    let h = &v["history"];
    // VIX sorted: 12 14 14 14 18 19 25 35 50 (9 closes); quantiles interpolate
    // at (n - 1) p = 8 p: p50 at 4 -> 18; p95 at 7.6 -> 35 + 0.6 * 15 = 44;
    // p99 at 7.92 -> 35 + 0.92 * 15 = 48.8.
    close("vix.mean", &h["vix"]["mean"], 201.0 / 9.0);
    close("vix.p50", &h["vix"]["p50"], 18.0);
    close("vix.p95", &h["vix"]["p95"], 44.0);
    close("vix.p99", &h["vix"]["p99"], 48.8);
    // Strictly above: 25, 35, 50 are above 20; 35 and 50 above 30; 50 above 40.
    close("share_above_20", &h["vix"]["share_above_20"], 3.0 / 9.0);
    close("share_above_30", &h["vix"]["share_above_30"], 2.0 / 9.0);
    close("share_above_40", &h["vix"]["share_above_40"], 1.0 / 9.0);
    let dlog: Vec<f64> = [
        18.0 / 12.0,
        14.0 / 18.0,
        25.0 / 14.0,
        14.0 / 25.0,
        35.0 / 14.0,
        50.0 / 35.0,
        19.0 / 50.0,
        14.0 / 19.0,
    ]
    .iter()
    .map(|x: &f64| x.ln())
    .collect();
    close(
        "daily_log_change_sd",
        &h["vix"]["daily_log_change_sd"],
        sample_sd(&dlog),
    );
    let r: Vec<f64> = [
        1.05,
        95.0 / 105.0,
        100.0 / 95.0,
        1.1,
        0.9,
        88.0 / 99.0,
        99.0 / 88.0,
        110.0 / 99.0,
    ]
    .iter()
    .map(|x: &f64| x.ln())
    .collect();
    let dv = [6.0, -4.0, 11.0, -11.0, 21.0, 15.0, -31.0, -5.0];
    close(
        "annual_vol",
        &h["spx"]["annual_vol"],
        sample_sd(&r) * 252f64.sqrt(),
    );
    let (mr, md) = (r.iter().sum::<f64>() / 8.0, dv.iter().sum::<f64>() / 8.0);
    let cov: f64 = r
        .iter()
        .zip(dv)
        .map(|(a, b)| (a - mr) * (b - md))
        .sum::<f64>()
        / 7.0;
    close(
        "corr",
        &h["spx"]["corr_return_vix_change"],
        cov / (sample_sd(&r) * sample_sd(&dv)),
    );
    // Windows of 3 closes starting on days 0..=6. SPX drawdowns: 10/105,
    // 10/105, 0, 11/110, 22/110, 11/99, 0; sorted 0 0 .0952 .0952 .1 .1111 .2,
    // p95 at 6 * 0.95 = 5.7.
    let dd_mean = (2.0 * 10.0 / 105.0 + 0.1 + 0.2 + 11.0 / 99.0) / 7.0;
    close("dd mean", &h["spx"]["window_max_drawdown_mean"], dd_mean);
    close(
        "dd p95",
        &h["spx"]["window_max_drawdown_p95"],
        11.0 / 99.0 + 0.7 * (0.2 - 11.0 / 99.0),
    );
    // Window max VIX: 18 25 25 35 50 50 50: calm 1, moderate 2, severe 1, crisis 3.
    close("calm", &h["regimes"]["calm"], 1.0 / 7.0);
    close("moderate", &h["regimes"]["moderate"], 2.0 / 7.0);
    close("severe", &h["regimes"]["severe"], 1.0 / 7.0);
    close("crisis", &h["regimes"]["crisis"], 3.0 / 7.0);
    // The model side is there, from 64 paths of 3 closes.
    assert!(v["model"]["vix"]["mean"].as_f64().unwrap() > 5.0);
    // --from/--to cut the history: 4 closes, 2 windows.
    let o = vixhedge(&[
        "facts",
        "--spx",
        spx.to_str().unwrap(),
        "--vix",
        vix.to_str().unwrap(),
        "--from",
        "2018-01-05",
        "--to",
        "2018-01-10",
        "--horizon-days",
        "2",
        "--paths",
        "16",
        "--backend",
        "cpu",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    close(
        "ranged mean",
        &v["history"]["vix"]["mean"],
        (25.0 + 14.0 + 35.0 + 50.0) / 4.0,
    );
    close(
        "ranged crisis",
        &v["history"]["regimes"]["crisis"],
        1.0 / 2.0,
    );
}

#[test]
fn bad_history_input_is_one_line_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let (good_spx, good_vix) = files(dir.path());
    let head = "DATE,OPEN,HIGH,LOW,CLOSE\n";
    let cases: [(&str, String, &str); 9] = [
        (
            "header.csv",
            "Day,Price\n2018-01-02,1\n".into(),
            "header.csv line 1: unknown header",
        ),
        (
            "date.csv",
            format!("{head}01/02/2018,1,1,1,10\n13/03/2018,1,1,1,11\n"),
            "date.csv line 3: `13/03/2018` is not a date",
        ),
        (
            "dup.csv",
            format!("{head}01/02/2018,1,1,1,10\n01/02/2018,1,1,1,11\n"),
            "dup.csv line 3: duplicate date 2018-01-02 (also on line 2)",
        ),
        (
            "order.csv",
            format!("{head}01/03/2018,1,1,1,10\n01/02/2018,1,1,1,11\n"),
            "order.csv line 3: date 2018-01-02 comes after 2018-01-03",
        ),
        (
            "zero.csv",
            format!("{head}01/02/2018,1,1,1,10\n01/03/2018,1,1,1,0\n"),
            "zero.csv line 3: close 0 is not positive",
        ),
        (
            "neg.csv",
            format!("{head}01/02/2018,1,1,1,10\n01/03/2018,1,1,1,-3.5\n"),
            "neg.csv line 3: close -3.5 is not positive",
        ),
        ("empty.csv", String::new(), "empty.csv line 1: empty file"),
        (
            "one.csv",
            format!("{head}01/02/2018,1,1,1,10\n"),
            "one.csv line 2: 1 usable row(s)",
        ),
        (
            "late.csv",
            format!("{head}01/02/2019,1,1,1,10\n01/03/2019,1,1,1,11\n"),
            "do not overlap",
        ),
    ];
    for (name, text, want) in cases {
        let bad = write(dir.path(), name, &text);
        let out = dir.path().join(format!("out-{name}"));
        let o = vixhedge(&[
            "facts",
            "--spx",
            good_spx.to_str().unwrap(),
            "--vix",
            bad.to_str().unwrap(),
            "--paths",
            "16",
            "--backend",
            "cpu",
            "--out",
            out.to_str().unwrap(),
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 1, "{name}: {err}");
        assert!(lines[0].contains(want), "{name}: {err}");
        assert!(lines[0].contains(name), "{name} not named: {err}");
        assert!(!out.exists(), "{name}: {} was written", out.display());
        assert!(o.stdout.is_empty(), "{name}: stdout {:?}", o.stdout);
    }
    // A bad --from is a flag error; both files are fine.
    let o = vixhedge(&[
        "facts",
        "--spx",
        good_spx.to_str().unwrap(),
        "--vix",
        good_vix.to_str().unwrap(),
        "--from",
        "01/05/2018",
        "--backend",
        "cpu",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--from `01/05/2018`"));
}

/// Forty trading days with a calm start, a spike and a recovery.
fn replay_files(dir: &Path) -> (PathBuf, PathBuf, Vec<f64>) {
    let mut spx = String::from("date,close\n");
    let mut vix = String::from("DATE,OPEN,HIGH,LOW,CLOSE\n");
    let mut closes = Vec::new();
    let mut day = 0;
    let mut date = (2018u32, 1u32, 1u32);
    while closes.len() < 40 {
        date.2 += 1;
        if date.2 > 28 {
            date = (date.0, date.1 + 1, 1);
        }
        day += 1;
        if day % 7 == 6 || day % 7 == 0 {
            continue;
        }
        let i = closes.len() as f64;
        let v = 14.0 + 30.0 * (-(i - 20.0).powi(2) / 20.0).exp();
        let s = 2700.0 * (1.0 - 0.004 * (v - 14.0)) * (1.0 + 0.0005 * i);
        spx.push_str(&format!(
            "{:04}-{:02}-{:02},{s:.2}\n",
            date.0, date.1, date.2
        ));
        vix.push_str(&format!(
            "{:02}/{:02}/{:04},{v:.2},{v:.2},{v:.2},{v:.2}\n",
            date.1, date.2, date.0
        ));
        closes.push((v * 100.0).round() / 100.0);
    }
    (
        write(dir, "spx.csv", &spx),
        write(dir, "vix.csv", &vix),
        closes,
    )
}

#[test]
fn replay_of_a_small_history_marks_at_the_vix_close() {
    let dir = tempfile::tempdir().unwrap();
    let (spx, vix, closes) = replay_files(dir.path());
    let out = dir.path().join("out");
    let o = vixhedge(&[
        "replay",
        "--spx",
        spx.to_str().unwrap(),
        "--vix",
        vix.to_str().unwrap(),
        "--horizon-days",
        "10",
        "--stride",
        "3",
        "--hedges",
        "none,alvh,vxth",
        "--json",
        "--out",
        out.to_str().unwrap(),
        "--episode-min",
        "0.0",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let h = &v["history"];
    // Windows start on days 0, 3, ..., 27 (start + 10 <= 39).
    assert_eq!(h["windows"], 10);
    assert_eq!(h["stride"], 3);
    assert_eq!(h["days"], 40);
    assert_eq!(h["from"], "2018-01-02");
    assert_eq!(v["paths"], 10);
    // Regimes by each window's highest VIX close, day 0 included: the
    // books see the close itself, so the regime counts and mean max VIX are
    // those of the file.
    let regimes = vixhedge::config::RegimesConfig::default();
    for r in vixhedge::config::Regime::ALL {
        let maxima: Vec<f64> = (0..10)
            .map(|w| {
                closes[3 * w..=3 * w + 10]
                    .iter()
                    .copied()
                    .fold(0.0, f64::max)
            })
            .filter(|&m| regimes.classify(m) == r)
            .collect();
        let got = &v["regimes"][r.name()];
        assert_eq!(got["paths"], maxima.len(), "{}", r.name());
        if !maxima.is_empty() {
            // The reductions read the facts as f32 values.
            let mean =
                maxima.iter().map(|&m| f64::from(m as f32)).sum::<f64>() / maxima.len() as f64;
            close(r.name(), &got["max_vix_mean"], mean);
        }
    }
    // The moving-block bootstrap replaced the intervals; the report says so.
    let cut = &v["strategies"]["vxth"]["drawdown_reduction"];
    assert!(cut["ci95"][0].as_f64().unwrap() <= cut["ci95"][1].as_f64().unwrap());
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("moving-block bootstrap"), "{report}");
    assert!(report.contains("continuous book"));
    for f in [
        "summary.json",
        "config.toml",
        "continuous_equity.svg",
        "drawdown_hist.csv",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // Episodes of the continuous book: dated, ordered, each drawdown a fraction.
    let eps = v["episodes"].as_array().unwrap();
    assert!(
        !eps.is_empty(),
        "the spike costs the short condors something"
    );
    for e in eps {
        let (p, t) = (e["peak"].as_str().unwrap(), e["trough"].as_str().unwrap());
        assert!(p < t, "{e}");
        let dd = e["drawdown"]["none"].as_f64().unwrap();
        assert!(dd > 0.0 && dd < 1.0, "{e}");
        assert!(e["hedge_pnl"]["vxth"].is_number() && e["max_vix"].as_f64().unwrap() >= 14.0);
    }
}

#[test]
fn replay_and_calibrate_refuse_bad_history_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let (spx, vix, _) = replay_files(dir.path());
    let out = dir.path().join("out");
    let dup = write(
        dir.path(),
        "dup.csv",
        "date,close\n2018-01-02,10\n2018-01-02,11\n",
    );
    for args in [
        vec![
            "replay",
            "--spx",
            spx.to_str().unwrap(),
            "--vix",
            dup.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        vec![
            "replay",
            "--spx",
            spx.to_str().unwrap(),
            "--vix",
            vix.to_str().unwrap(),
            "--from",
            "2019-01-01",
            "--out",
            out.to_str().unwrap(),
        ],
        vec![
            "replay",
            "--spx",
            spx.to_str().unwrap(),
            "--vix",
            vix.to_str().unwrap(),
            "--horizon-days",
            "60",
            "--out",
            out.to_str().unwrap(),
        ],
        vec![
            "calibrate",
            "--spx",
            dup.to_str().unwrap(),
            "--vix",
            vix.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    ] {
        let o = vixhedge(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}

/// 300 trading days of a mean-reverting log VIX and an SPX that falls when it rises.
fn synthetic_history(dir: &Path) -> (PathBuf, PathBuf) {
    let mut rng = crate::util::gpu::SplitMix(20_181_231);
    let normal = |rng: &mut crate::util::gpu::SplitMix| {
        let (u, w) = (rng.unit().max(1e-12), rng.unit());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * w).cos()
    };
    let mut spx = String::from("date,close\n");
    let mut vix = String::from("date,close\n");
    let (mut s, mut lv) = (2000.0f64, 18f64.ln());
    for i in 0..300 {
        let (y, m, d) = (2000 + i / 240, 1 + (i % 240) / 20, 1 + i % 20);
        let z = normal(&mut rng);
        let dlv = 0.02 * (18f64.ln() - lv) + 0.06 * z;
        lv += dlv;
        let vol = lv.exp() / 100.0 / 252f64.sqrt();
        s *= (-0.8 * vol * z + 0.6 * vol * normal(&mut rng)).exp();
        spx.push_str(&format!("{y}-{m:02}-{d:02},{s:.2}\n"));
        vix.push_str(&format!("{y}-{m:02}-{d:02},{:.2}\n", lv.exp()));
    }
    (write(dir, "spx.csv", &spx), write(dir, "vix.csv", &vix))
}

#[test]
fn calibrate_writes_a_complete_preset_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let (spx, vix) = synthetic_history(dir.path());
    let out = dir.path().join("fit.toml");
    let o = vixhedge(&[
        "calibrate",
        "--spx",
        spx.to_str().unwrap(),
        "--vix",
        vix.to_str().unwrap(),
        "--window-days",
        "10",
        "--paths",
        "64",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(v["preset"].as_str().unwrap(), text);
    for needle in [
        "# Data: ",
        "Quasi-maximum likelihood",
        "Simulated method of moments",
        "# Estimates (standard error; stage):",
        "Not identified",
        "# Facts",
        "VIX p99",
    ] {
        assert!(
            text.contains(needle),
            "{needle} missing from the preset comment"
        );
    }
    // The written file is a complete config whose values are the estimates,
    // with spot and v0 at the last date.
    let c = vixhedge::config::Config::from_toml_str(&text).unwrap();
    c.validate().unwrap();
    let est = |key: &str| {
        v["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == key)
            .unwrap()["value"]
            .as_f64()
            .unwrap()
    };
    close(
        "kappa",
        &serde_json::json!(c.model.kappa),
        est("model.kappa"),
    );
    close(
        "q.kappa",
        &serde_json::json!(c.model.q.kappa.unwrap()),
        est("model.q.kappa"),
    );
    close(
        "q.mu_s",
        &serde_json::json!(c.model.q.mu_s.unwrap()),
        est("model.q.mu_s"),
    );
    assert_eq!(c.simulation.horizon_days, 10);
    assert!(c.events.is_empty());
    let last_spx: f64 = std::fs::read_to_string(&spx)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(c.market.spot, last_spx);
    close(
        "v0",
        &serde_json::json!(c.market.v0.level().unwrap()),
        v["last_v"].as_f64().unwrap(),
    );
    // facts reads it.
    let o = vixhedge(&[
        "facts",
        "--config",
        out.to_str().unwrap(),
        "--paths",
        "32",
        "--backend",
        "cpu",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The summary without the run-to-run timing fields.
fn statistics(mut v: serde_json::Value) -> serde_json::Value {
    let m = v.as_object_mut().unwrap();
    for k in vixhedge::report::RUN_FACT_KEYS {
        m.remove(k);
    }
    v
}

#[test]
fn bootstrap_runs_give_the_same_summary_for_any_batch_size() {
    let dir = tempfile::tempdir().unwrap();
    let (spx, vix) = synthetic_history(dir.path());
    let run = |batch: &str, threads: &str| {
        let out = dir.path().join(format!("out{batch}-{threads}"));
        let o = Command::new(env!("CARGO_BIN_EXE_vixhedge"))
            .args([
                "run",
                "--paths",
                "240",
                "--horizon-days",
                "15",
                "--backend",
                "cpu",
                "--json",
                "--hedges",
                "none,alvh,vxth",
                "--paths-from",
                "bootstrap",
                "--block-days",
                "5",
                "--spx",
                spx.to_str().unwrap(),
                "--vix",
                vix.to_str().unwrap(),
                "--set",
                &format!("simulation.batch_paths={batch}"),
                "--out",
                out.to_str().unwrap(),
            ])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        statistics(serde_json::from_slice(&o.stdout).unwrap())
    };
    let a = run("0", "2");
    assert_eq!(a, run("37", "1"));
    assert_eq!(a["paths"], 240);
    // Model paths are another source: a different summary on the same seed.
    let o = vixhedge(&[
        "run",
        "--paths",
        "240",
        "--horizon-days",
        "15",
        "--backend",
        "cpu",
        "--json",
        "--hedges",
        "none,alvh,vxth",
        "--out",
        dir.path().join("model").to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let m = statistics(serde_json::from_slice(&o.stdout).unwrap());
    assert_ne!(a["strategies"]["none"], m["strategies"]["none"]);
    // Without the history the bootstrap is an error naming what is missing.
    let o = vixhedge(&[
        "run",
        "--paths-from",
        "bootstrap",
        "--paths",
        "10",
        "--backend",
        "cpu",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs --spx and --vix"));
}
