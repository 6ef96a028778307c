//! Config layering (`docs/config.md`): the bare base under `--config` alone,
//! the in-force block and `"resolved"`, flag-versus-`--set` conflicts, arrays
//! addressed only within range, negative flags refused by name, and
//! `vixhedge config` with a comment on every key from the schema.

use std::path::PathBuf;
use std::process::Command;

use crate::util::assert_close;
use vixhedge::config::schema::{key_paths, Section};
use vixhedge::config::{Config, Flag, Layers};

fn vixhedge(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vixhedge"))
        .args(args)
        .output()
        .expect("binary runs");
    (
        out.status.code().expect("exit status"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Status 2, nothing on stdout, one stderr line holding every needle.
#[track_caller]
fn assert_error(args: &[&str], needles: &[&str]) {
    let (code, stdout, stderr) = vixhedge(args);
    assert_eq!(code, 2, "{args:?}: {stderr}");
    assert!(stdout.is_empty(), "{args:?}: {stdout}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr:?}");
    for n in needles {
        assert!(stderr.contains(n), "{args:?}: {stderr:?} lacks {n:?}");
    }
}

fn config_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("heston.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// QuantLib's Heston reference case (its Lewis-formula test), as a user would
/// write it: no `events` key, no `[model.q]`, nothing about jumps.
const HESTON: &str = "\
[market]
spot = 100.0
r = 0.01
q = 0.02
v0 = 0.04

[model]
kappa = 4.0
theta = 0.25
sigma_v = 1.0
rho = -0.5
lambda = 0.0

[simulation]
paths = 4000
";

/// QuantLib's published puts at K = 80, 90, 100, 110, 120 (T = 1 year).
#[expect(
    clippy::excessive_precision,
    reason = "the reference digits are quoted as published"
)]
const HESTON_PUTS: [f64; 5] = [
    7.958878113256768,
    12.017966707346305,
    17.055270961270109,
    23.017825898442801,
    29.811026202682472,
];

#[test]
fn heston_reference_from_a_config_file_alone() {
    let (_dir, path) = config_file(HESTON);
    let p = path.to_str().unwrap();
    let (code, stdout, stderr) = vixhedge(&[
        "price",
        "--config",
        p,
        "--expiry-days",
        "252",
        "--strikes",
        "80,90,100,110,120",
        "--backend",
        "cpu",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let puts: Vec<&serde_json::Value> = v["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["type"] == "put")
        .collect();
    assert_eq!(puts.len(), 5);
    for (o, want) in puts.iter().zip(HESTON_PUTS) {
        let k = o["strike"].as_f64().unwrap();
        assert_close(
            format!("Heston put K={k}"),
            o["analytic"].as_f64().unwrap(),
            want,
            0.0,
            1e-6,
        );
        // Monte Carlo: 4,000 paths, within 4 standard errors plus the scheme's
        // bias at one QE step a day (under 0.05 here, `vixhedge validate`).
        let (mc, se) = (o["mc"].as_f64().unwrap(), o["mc_stderr"].as_f64().unwrap());
        assert!(
            (mc - want).abs() < 4.0 * se + 0.05,
            "MC put K={k}: {mc} +- {se}"
        );
        assert!(o["mc_warning"].is_null(), "{o}");
    }
    // The in-force block, on stderr before the work and in the JSON.
    let r = &v["resolved"];
    assert!(r["preset"].is_null(), "bare base: {r}");
    assert_eq!(r["events"], serde_json::json!([]));
    assert_eq!(r["files"][0], p);
    for measure in ["p", "q"] {
        assert_eq!(r[measure]["kappa"], 4.0, "{measure}");
        assert_eq!(r[measure]["theta"], 0.25, "{measure}");
        assert_eq!(r[measure]["lambda"], 0.0, "{measure}");
    }
    assert_eq!(r["q"]["drift"], 0.01);
    assert_eq!(r["q"]["from_p"].as_array().unwrap().len(), 9);
    let block: Vec<&str> = stderr.lines().collect();
    assert!(block[0].starts_with("in force: bare base"), "{stderr}");
    assert!(block[0].contains("heston.toml"), "{stderr}");
    for needle in [
        "events: none",
        "P (paths): mu",
        "Q (pricing): r 0.01, kappa 4, theta 0.25",
    ] {
        assert!(stderr.contains(needle), "stderr lacks {needle:?}: {stderr}");
    }
}

#[test]
fn config_alone_starts_from_the_bare_base_and_a_preset_under_it() {
    let (_dir, path) = config_file("[model]\nkappa = 3.0\n");
    let bare = Config::load(Some(&path), None, &[]).unwrap();
    assert!(bare.events.is_empty());
    assert_eq!(bare.model.q, vixhedge::config::QOverrides::default());
    assert_eq!(bare.model.q_params(), bare.model.p_params());
    assert_eq!(bare.model.kappa, 3.0);
    assert_eq!(
        Config {
            model: Default::default(),
            ..bare.clone()
        },
        Config::default(),
        "every other key at its default"
    );
    let over = Config::load(Some(&path), Some("default"), &[]).unwrap();
    let default = Config::preset("default").unwrap();
    assert_eq!(over.events, default.events);
    assert_eq!(over.model.q, default.model.q);
    assert_eq!(over.model.kappa, 3.0);
    assert_eq!(Config::load(None, None, &[]).unwrap(), default);
}

#[test]
fn layers_apply_preset_file_sets_then_flags() {
    let (_dir, path) =
        config_file("[simulation]\npaths = 7\nseed = 3\n[condor]\nshort_delta = 0.2\n");
    let c = Config::resolve(&Layers {
        preset: Some("dps2000".into()),
        config: Some(path),
        sets: vec!["simulation.seed=4".into(), "condor.short_delta=0.25".into()],
        flags: vec![Flag::new("--paths", "simulation.paths", 9)],
    })
    .unwrap();
    assert_eq!(c.model, Config::preset("dps2000").unwrap().model);
    assert_eq!(
        (c.simulation.paths, c.simulation.seed, c.condor.short_delta),
        (9, 4, 0.25)
    );
}

#[test]
fn a_flag_and_a_set_of_the_same_key_is_an_error() {
    let err = Config::resolve(&Layers {
        sets: vec!["simulation.paths = 5".into()],
        flags: vec![Flag::new("--paths", "simulation.paths", 9)],
        ..Layers::default()
    })
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("--paths") && err.contains("simulation.paths"),
        "{err}"
    );
    assert_error(
        &["run", "--paths", "5", "--set", "simulation.paths=3"],
        &[
            "--paths",
            "--set simulation.paths=3",
            "both set simulation.paths",
        ],
    );
    assert_error(
        &[
            "price",
            "--seed",
            "5",
            "--set",
            "simulation.seed=3",
            "--expiry-days",
            "5",
            "--strikes",
            "1",
        ],
        &["--seed", "simulation.seed"],
    );
}

#[test]
fn arrays_are_addressed_only_within_range() {
    assert_error(
        &["run", "--set", "hedge.layers[3].contracts=1"],
        &[
            "hedge.layers[3].contracts=1",
            "index 3 out of range",
            "indices 0 to 2",
        ],
    );
    assert_error(
        &["run", "--preset", "dps2000", "--set", "events[0].name=cpi"],
        &["events[0]", "it is empty"],
    );
    // The whole array may be set.
    let c = Config::load(
        None,
        Some("dps2000"),
        &["events=[{ name = \"cpi\", first_day = 3, every_days = 21, jump_sd = 0.01 }]".into()],
    )
    .unwrap();
    assert_eq!(c.events.len(), 1);
}

#[test]
fn negative_numbers_in_flags_are_refused_by_name() {
    assert_error(&["run", "--paths", "-5"], &["--paths", "negative"]);
    assert_error(
        &["run", "--horizon-days", "-1"],
        &["--horizon-days", "negative"],
    );
    assert_error(
        &["price", "--expiry-days", "-3", "--strikes", "5000"],
        &["--expiry-days", "negative"],
    );
    assert_error(&["bench", "--paths", "-1"], &["--paths", "negative"]);
}

#[test]
fn the_schema_covers_every_key_once() {
    // A config with every optional part present: every `[model.q]` key, an
    // event and a layer.
    let mut c = Config::preset("default").unwrap();
    for k in [
        "kappa", "theta", "sigma_v", "rho", "lambda", "mu_s", "sigma_s", "mu_v", "rho_j",
    ] {
        c.apply_set(&format!("model.q.{k}=0.1")).unwrap();
    }
    let mut leaves = Vec::new();
    fn walk(v: &toml::Value, path: String, out: &mut Vec<String>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(v, p, out);
                }
            }
            toml::Value::Array(a) if a.first().is_some_and(toml::Value::is_table) => {
                walk(&a[0], format!("{path}[]"), out);
            }
            _ => out.push(path),
        }
    }
    walk(
        &toml::Value::try_from(&c).unwrap(),
        String::new(),
        &mut leaves,
    );
    let mut schema: Vec<String> = key_paths(Config::FIELDS, "")
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    leaves.sort();
    schema.sort();
    assert_eq!(leaves, schema);
    for (key, field) in key_paths(Config::FIELDS, "") {
        assert!(!field.meaning().is_empty(), "{key} has no meaning");
    }
}

#[test]
fn config_prints_every_key_with_a_comment_and_reloads() {
    let (_dir, path) = config_file(HESTON);
    let (code, stdout, stderr) = vixhedge(&[
        "config",
        "--config",
        path.to_str().unwrap(),
        "--set",
        "condor.short_delta=0.2",
    ]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let want = Config::load(Some(&path), None, &["condor.short_delta=0.2".into()]).unwrap();
    assert_eq!(Config::from_toml_str(&stdout).unwrap(), want);
    assert!(stdout.contains("# in force: bare base"), "{stdout}");
    assert!(stdout.contains("events = []"), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    let mut keys = 0;
    for (i, line) in lines.iter().enumerate() {
        let is_key = !line.starts_with('#') && !line.starts_with('[') && line.contains(" = ");
        let is_unset =
            line.starts_with("# ") && line.ends_with("is not set: the [model] value applies");
        if is_key || is_unset {
            keys += 1;
            assert!(
                i > 0 && lines[i - 1].starts_with('#'),
                "no comment above {line:?}"
            );
        }
    }
    // Every key of the schema once, except that the five keys of an event
    // are one `events = []` line here and each further layer repeats its nine.
    let layers = want.hedge.layers.len();
    let schema_keys = key_paths(Config::FIELDS, "").len();
    assert_eq!(keys, schema_keys - 5 + 1 + 9 * (layers - 1), "{stdout}");
    // A comment names the unit, the type, the range and the default.
    assert!(
        stdout.contains("# Horizon of each path. [trading days; integer; in [1, 2520]; default 252]\nhorizon_days = 252\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("# kappa = 4.0 is not set: the [model] value applies"),
        "{stdout}"
    );
}

#[test]
fn report_says_which_events_were_in_force() {
    let (dir, path) = config_file(HESTON);
    let out = dir.path().join("out");
    let (code, stdout, stderr) = vixhedge(&[
        "run",
        "--config",
        path.to_str().unwrap(),
        "--set",
        "market.spot=5000",
        "--paths",
        "16",
        "--horizon-days",
        "5",
        "--backend",
        "cpu",
        "--hedges",
        "none,alvh",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("scheduled events: none"), "{report}");
    assert!(!report.contains("as configured"), "{report}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let r = &v["resolved"];
    assert_eq!(r["events"], serde_json::json!([]));
    let programs: Vec<&str> = r["programs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(programs, ["none", "alvh"]);
    assert_eq!(r["programs"][1]["layers"][0]["contracts_held"], 4.0);
    assert!(
        stderr.contains("program alvh: [hedge] layers at 1 units, adaptive"),
        "{stderr}"
    );
}
