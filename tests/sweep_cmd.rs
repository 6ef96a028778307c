//! `vixhedge sweep`: a point's statistics are those of a plain `run` with
//! the point's settings, bit for bit; sharded sweeps merged equal the
//! unsharded sweep; bad grids are refused by name before anything is written.

use std::path::Path;

use crate::util::cli::{fails_naming, ok, statistics, summary, vixhedge};

/// A small CPU study: 600 paths of 21 days, the condor book and two programs.
const SMALL: [&str; 10] = [
    "--paths",
    "600",
    "--horizon-days",
    "21",
    "--seed",
    "9",
    "--backend",
    "cpu",
    "--hedges",
    "none,alvh,static",
];

fn sweep(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["sweep"];
    args.extend(SMALL);
    args.extend(extra);
    args.extend(["--out", out.to_str().unwrap()]);
    vixhedge(&args)
}

fn sweep_json(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("sweep.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_sweep_point_equals_a_plain_run_and_shards_merge_to_the_sweep() {
    let d = tempfile::tempdir().unwrap();
    let grid = [
        "--grid",
        "hedge.units=1,3",
        "--grid",
        "hedge.layers[*].tenor_days=10,15",
    ];
    let out = d.path().join("sweep");
    let o = sweep(&out, &grid);
    ok(&o, "the sweep");
    let doc = sweep_json(&out);
    let points = doc["points"].as_array().unwrap();
    assert_eq!(points.len(), 4, "2 x 2 grid");
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    // A header, then one row per point and line (none, alvh, static).
    assert!(csv.lines().count() > 4, "{csv}");
    for f in ["frontier.svg", "report.md", "sweep-plan.json"] {
        assert!(out.join(f).is_file(), "{f}");
    }

    // Point 3 (the last varies fastest): units 3, tenor 15.
    let plain = d.path().join("plain");
    let mut args = vec!["run"];
    args.extend(SMALL);
    args.extend([
        "--set",
        "hedge.units=3",
        "--set",
        "hedge.layers[0].tenor_days=15",
        "--set",
        "hedge.layers[1].tenor_days=15",
        "--set",
        "hedge.layers[2].tenor_days=15",
        "--out",
        plain.to_str().unwrap(),
    ]);
    ok(&vixhedge(&args), "the plain run");
    let point = statistics(summary(&out.join("points").join("3")));
    let want = statistics(summary(&plain));
    // The in-force block names the layers the values came from (`--set` in
    // both); everything else is the same study.
    assert_eq!(point["config_hash"], want["config_hash"]);
    assert_eq!(point["strategies"], want["strategies"]);
    assert_eq!(point["regimes"], want["regimes"]);
    assert_eq!(point["verdict"], want["verdict"]);
    assert_ne!(
        statistics(summary(&out.join("points").join("0")))["strategies"],
        want["strategies"],
        "another point is another study"
    );

    // The same sweep in two shards, merged.
    let shards: Vec<_> = (0..2)
        .map(|i| {
            let dir = d.path().join(format!("shard{i}"));
            let s = format!("{i}/2");
            let mut extra = grid.to_vec();
            extra.extend(["--shard", &s]);
            ok(&sweep(&dir, &extra), &format!("shard {s}"));
            assert!(
                !dir.join("sweep.json").exists(),
                "a shard writes no sweep.json"
            );
            dir
        })
        .collect();
    let merged = d.path().join("merged");
    let o = vixhedge(&[
        "merge",
        shards[1].to_str().unwrap(),
        shards[0].to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    ok(&o, "merging the sweep's shards");
    let (a, b) = (sweep_json(&out), sweep_json(&merged));
    assert_eq!(a["points"], b["points"]);
    assert_eq!(a["best_per_drag_budget"], b["best_per_drag_budget"]);
    for i in 0..4 {
        let p = format!("{i}");
        assert_eq!(
            statistics(summary(&out.join("points").join(&p)))["strategies"],
            statistics(summary(&merged.join("points").join(&p)))["strategies"],
            "point {i}"
        );
    }
}

#[test]
fn bad_grids_are_refused_by_name_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("never");
    for (grid, names) in [
        (
            vec!["--grid", "condor.no_such_key=1,2"],
            vec!["condor.no_such_key"],
        ),
        (vec!["--grid", "hedge.units="], vec!["hedge.units="]),
        (vec![], vec!["--grid"]),
        (
            vec![
                "--zip",
                "--grid",
                "hedge.units=1,2",
                "--grid",
                "condor.short_delta=0.1",
            ],
            vec!["--zip", "unequal"],
        ),
        (vec!["--grid", "hedge.units=-1,2"], vec!["hedge.units"]),
    ] {
        let o = sweep(&out, &grid);
        fails_naming(&o, &names);
        assert!(!out.exists(), "{grid:?} wrote {}", out.display());
    }
}

#[test]
fn sensitivity_bumps_are_plain_runs_and_bad_names_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("sens");
    let mut args = vec!["sensitivity"];
    args.extend(SMALL);
    args.extend([
        "--max-step",
        "1",
        "--only",
        "hedge size",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    let o = vixhedge(&args);
    ok(&o, "sensitivity");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let bumps = doc["bumps"].as_array().unwrap();
    assert_eq!(bumps.len(), 2, "hedge size down and up");
    for f in ["report.md", "tornado.svg", "sensitivity.json"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // The +1 bump doubles hedge.units: the moderate-stress figures of alvh
    // in a plain run with that setting.
    let up = bumps.iter().find(|b| b["step"] == 1).unwrap();
    assert_eq!(up["label"], "x2");
    let plain = d.path().join("plain");
    let mut args = vec!["run"];
    args.extend(SMALL);
    let sets: Vec<String> = up["sets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    for s in &sets {
        args.extend(["--set", s]);
    }
    args.extend(["--out", plain.to_str().unwrap()]);
    ok(&vixhedge(&args), "the plain run");
    let s = summary(&plain);
    let alvh = &s["regimes"]["moderate"]["strategies"]["alvh"];
    assert_eq!(
        up["measured"]["cut"],
        alvh["drawdown_reduction"]["mean_ratio"]
    );
    assert_eq!(up["measured"]["drag"], alvh["annual_drag"]);
    assert_eq!(up["measured"]["paths"], s["regimes"]["moderate"]["paths"]);

    let bad = d.path().join("never");
    let mut args = vec!["sensitivity"];
    args.extend(SMALL);
    args.extend(["--only", "moon phase", "--out", bad.to_str().unwrap()]);
    fails_naming(&vixhedge(&args), &["--only", "moon phase"]);
    assert!(!bad.exists());
}

#[test]
fn sensitivity_variants_that_differ_in_hedges_or_regimes_share_a_study_and_equal_plain_runs() {
    // `alvh` alone: the strike and size bumps add one program each to the
    // base's `none` and `alvh` (6 in all), the regime definitions none (they
    // only classify the paths); the cost bumps change every program's books
    // and run alone.
    let d = tempfile::tempdir().unwrap();
    // 24 batches, so the study is still running when it is stopped.
    let study = [
        "--paths",
        "2400",
        "--horizon-days",
        "21",
        "--seed",
        "9",
        "--backend",
        "cpu",
        "--hedges",
        "none,alvh",
        "--set",
        "simulation.batch_paths=100",
    ];
    let sensitivity = |dir: &Path| {
        let mut a = vec!["sensitivity"];
        a.extend(study);
        a.extend(["--max-step", "1"]);
        for name in [
            "hedge strike",
            "hedge size",
            "hedge costs",
            "regime definition",
        ] {
            a.extend(["--only", name]);
        }
        a.extend(["--out", dir.to_str().unwrap()]);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let out = d.path().join("sens");
    let argv = sensitivity(&out);
    let o = vixhedge(&argv.iter().map(String::as_str).collect::<Vec<_>>());
    ok(&o, "sensitivity");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("variants 0, 1, 2, 3, 4, 7, 8 of 9: 7 variants differ only in their hedge programs and regimes; running them as one study (6 programs on the same paths)"),
        "{err}"
    );
    assert!(err.contains("9 variants in 3 studies"), "{err}");
    let text = std::fs::read_to_string(out.join("sensitivity.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let bumps = doc["bumps"].as_array().unwrap();
    let names: Vec<&str> = bumps
        .iter()
        .map(|b| b["assumption"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "hedge strike",
            "hedge strike",
            "hedge size",
            "hedge size",
            "hedge costs",
            "hedge costs",
            "regime definition",
            "regime definition"
        ]
    );

    // A variant, packed (the base, a strike, a size, a regime definition) or
    // alone (a cost), is the plain run of its settings, bit for bit.
    let mut sets: Vec<Vec<String>> = vec![Vec::new()];
    sets.extend(bumps.iter().map(|b| {
        b["sets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    }));
    for i in [0, 1, 4, 5, 8] {
        let sets = &sets[i];
        let plain = d.path().join(format!("plain{i}"));
        let mut a = vec!["run"];
        a.extend(study);
        for s in sets {
            a.extend(["--set", s]);
        }
        a.extend(["--out", plain.to_str().unwrap()]);
        ok(&vixhedge(&a), "a plain run");
        let variant = statistics(summary(&out.join("variants").join(i.to_string())));
        let want = statistics(summary(&plain));
        for key in ["config_hash", "strategies", "regimes", "verdict"] {
            assert_eq!(variant[key], want[key], "variant {i}: {key}");
        }
        if i > 0 {
            let alvh = &want["regimes"]["moderate"]["strategies"]["alvh"];
            let m = &bumps[i - 1]["measured"];
            assert_eq!(m["cut"], alvh["drawdown_reduction"]["mean_ratio"], "{i}");
            assert_eq!(m["drag"], alvh["annual_drag"], "{i}");
        }
    }
    let by = |i: usize| statistics(summary(&out.join("variants").join(i.to_string())));
    assert_eq!(by(0)["strategies"], by(7)["strategies"], "the same lines");
    assert_ne!(by(0)["regimes"], by(7)["regimes"], "other regimes");

    // Stopped in its first study, every variant of it keeps a checkpoint at
    // the same path, and the command exits with status 130 as before.
    let part = d.path().join("part");
    let argv = sensitivity(&part);
    let o = interrupted(
        &argv.iter().map(String::as_str).collect::<Vec<_>>()[..],
        &part.join("variants").join("8"),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    let next: Vec<u64> = [0, 1, 2, 3, 4, 7, 8]
        .iter()
        .map(|i| {
            let text = std::fs::read_to_string(
                part.join("variants")
                    .join(i.to_string())
                    .join("checkpoint.json"),
            )
            .unwrap();
            let cp: serde_json::Value = serde_json::from_str(&text).unwrap();
            cp["next_path"].as_u64().unwrap()
        })
        .collect();
    assert!(next[0] > 0 && next[0] < 2400, "stopped part way: {next:?}");
    assert!(next.iter().all(|&k| k == next[0]), "{next:?}");
    assert!(!part.join("variants").join("5").exists(), "{err}");
    assert!(!part.join("sensitivity.json").exists());
}

/// Starts `vixhedge` with `args`, waits for the first checkpoint in `dir`
/// and sends SIGINT; returns the finished process's output.
fn interrupted(args: &[&str], dir: &Path) -> std::process::Output {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let child = Command::new(env!("CARGO_BIN_EXE_vixhedge"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let t = Instant::now();
    while !dir.join("checkpoint.json").exists() {
        assert!(
            t.elapsed() < Duration::from_secs(600),
            "no checkpoint after 10 minutes"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    child.wait_with_output().unwrap()
}

#[test]
fn points_that_differ_in_hedges_only_share_their_paths_and_resume_as_one() {
    // Three sizes of the same layers, with `vxth` beside them: `none` and
    // `vxth` do not read `hedge.units`, so the three points hold 1 + 1 + 3 x 2
    // = 8 distinct programs, which one study runs on the same paths.
    let d = tempfile::tempdir().unwrap();
    // 24 batches, so the sweep is still running when it is stopped.
    let study = [
        "--paths",
        "2400",
        "--horizon-days",
        "21",
        "--seed",
        "5",
        "--backend",
        "cpu",
        "--hedges",
        "none,alvh,static,vxth",
        "--set",
        "simulation.batch_paths=100",
    ];
    let grid = ["--grid", "hedge.units=1,2,4"];
    let run_sweep = |dir: &Path| {
        let mut a = vec!["sweep"];
        a.extend(study);
        a.extend(grid);
        a.extend(["--out", dir.to_str().unwrap()]);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let whole = d.path().join("whole");
    let o = vixhedge(
        &run_sweep(&whole)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    ok(&o, "the sweep");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("points 1, 2, 3 of 3: 3 points differ only in their hedge programs; running them as one study (8 programs on the same paths)"),
        "{err}"
    );

    // Each point is the plain run of its settings, bit for bit.
    for (i, units) in ["1", "2", "4"].iter().enumerate() {
        let plain = d.path().join(format!("plain{i}"));
        let set = format!("hedge.units={units}");
        let mut a = vec!["run"];
        a.extend(study);
        a.extend(["--set", &set, "--out", plain.to_str().unwrap()]);
        ok(&vixhedge(&a), "a plain run");
        let point = statistics(summary(&whole.join("points").join(i.to_string())));
        let want = statistics(summary(&plain));
        for key in ["config_hash", "strategies", "regimes", "verdict"] {
            assert_eq!(point[key], want[key], "point {i}: {key}");
        }
    }

    // Stopped after its first batch, every point of the study keeps a
    // checkpoint at the same path; the resumed sweep equals the whole one.
    let part = d.path().join("part");
    let argv = run_sweep(&part);
    let o = interrupted(
        &argv.iter().map(String::as_str).collect::<Vec<_>>()[..],
        &part.join("points").join("2"),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(err.contains("vixhedge sweep --resume --out"), "{err}");
    let next: Vec<u64> = (0..3)
        .map(|i| {
            let text = std::fs::read_to_string(
                part.join("points")
                    .join(i.to_string())
                    .join("checkpoint.json"),
            )
            .unwrap();
            let cp: serde_json::Value = serde_json::from_str(&text).unwrap();
            cp["next_path"].as_u64().unwrap()
        })
        .collect();
    assert!(next[0] > 0 && next[0] < 2400, "stopped part way: {next:?}");
    assert!(next.iter().all(|&k| k == next[0]), "{next:?}");
    let o = vixhedge(&["sweep", "--resume", "--out", part.to_str().unwrap()]);
    ok(&o, "the resumed sweep");
    let (a, b) = (sweep_json(&whole), sweep_json(&part));
    assert_eq!(a["points"], b["points"]);
    for i in 0..3 {
        let p = i.to_string();
        assert_eq!(
            statistics(summary(&whole.join("points").join(&p)))["strategies"],
            statistics(summary(&part.join("points").join(&p)))["strategies"],
            "point {i}"
        );
    }
}

/// Points that differ only in `[regimes]` run as one study (the regimes only
/// classify the paths when each point reduces its lines), and each equals a
/// plain run with its regime definition, bit for bit.
#[test]
fn points_that_differ_in_regimes_only_share_one_study_and_equal_plain_runs() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("sweep");
    let o = sweep(&out, &["--grid", "regimes.by=max_vix,spx_drawdown"]);
    ok(&o, "the sweep");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "2 points differ only in their hedge programs and regimes; running them as one study"
        ),
        "{err}"
    );
    let plain = d.path().join("plain");
    let mut args = vec!["run"];
    args.extend(SMALL);
    args.extend([
        "--set",
        "regimes.by=spx_drawdown",
        "--out",
        plain.to_str().unwrap(),
    ]);
    ok(&vixhedge(&args), "the plain run");
    let point = statistics(summary(&out.join("points").join("1")));
    let want = statistics(summary(&plain));
    for key in [
        "config_hash",
        "strategies",
        "regimes",
        "regime_definition",
        "verdict",
    ] {
        assert_eq!(point[key], want[key], "{key}");
    }
    // The other point classifies the same paths by their max VIX instead.
    let other = statistics(summary(&out.join("points").join("0")));
    assert_ne!(other["regimes"], want["regimes"]);
    assert_eq!(other["paths"], want["paths"]);
}
