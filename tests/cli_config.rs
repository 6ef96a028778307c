//! Configuration schema, presets, layering and `--set`, through the library and
//! through the `vixhedge` binary (exit status, one stderr line, empty stdout).

use std::path::PathBuf;
use std::process::Command;

use vixhedge::config::{
    presets, Config, ConfigError, HedgeProgram, Instrument, Regime, StrikeKind,
};
use vixhedge::model::Measure;

const PRESETS: [&str; 7] = [
    "default",
    "synthetic",
    "hist-1990-2018",
    "dps2000",
    "eraker2004",
    "alvh-seed",
    "alvh-30-110-220",
];

/// Runs the binary; returns (exit status, stdout, stderr).
fn vixhedge(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vixhedge"))
        .args(args)
        .output()
        .expect("binary runs");
    let code = out.status.code().expect("exit status");
    (
        code,
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Asserts a usage/config error: status 2, nothing on stdout, exactly one
/// `error:` line on stderr that contains every needle.
#[track_caller]
fn assert_error(args: &[&str], needles: &[&str]) {
    let (code, stdout, stderr) = vixhedge(args);
    assert_eq!(code, 2, "{args:?}: status; stderr: {stderr}");
    assert!(stdout.is_empty(), "{args:?}: stdout not empty: {stdout}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{args:?}: want one stderr line, got {stderr:?}"
    );
    assert!(lines[0].starts_with("error: "), "{args:?}: {stderr}");
    for needle in needles {
        assert!(
            lines[0].contains(needle),
            "{args:?}: {:?} lacks {needle:?}",
            lines[0]
        );
    }
}

/// Writes `text` to a fresh `cfg.toml`; the directory lives as long as the handle.
fn config_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cfg.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

// ---- library ----

#[test]
fn every_preset_loads_validates_and_round_trips() {
    assert_eq!(
        presets().iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        PRESETS
    );
    assert_eq!(
        Config::preset("synthetic").unwrap(),
        Config::preset("default").unwrap(),
        "synthetic is the old default by its new name"
    );
    for name in PRESETS {
        let config = Config::preset(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let warnings = config.validate().unwrap();
        // The calibrated vol-of-vol exceeds the Feller bound (the fit's, not a
        // typo): variance can touch zero, which the QE scheme handles.
        let expected = usize::from(name == "hist-1990-2018") * 2;
        assert_eq!(warnings.len(), expected, "{name}: {warnings:?}");
        assert!(
            warnings.iter().all(|w| w.contains("Feller")),
            "{name}: {warnings:?}"
        );
        let text = config.to_toml_string();
        assert_eq!(
            Config::from_toml_str(&text).unwrap(),
            config,
            "{name} round trip"
        );
        let via_load = Config::load(None, Some(name), &[]).unwrap();
        assert_eq!(via_load, config, "{name} via load");
    }
}

#[test]
fn default_preset_extends_the_builtin_defaults() {
    let builtin = Config::default();
    assert!(builtin.validate().unwrap().is_empty());
    let preset = Config::preset("default").unwrap();
    // Same market and P model (kept in step by hand in two places); the preset adds Q and events.
    assert_eq!(preset.market, builtin.market);
    assert_eq!(
        (preset.model.mu, preset.model.p_params()),
        (builtin.model.mu, builtin.model.p_params())
    );
    assert_eq!(preset.simulation, builtin.simulation);
    assert_eq!(preset.hedge, builtin.hedge);
    assert!(preset.events.len() == 2 && builtin.events.is_empty());
    assert_ne!(preset.model.q_params(), preset.model.p_params());
    assert_eq!(Config::load(None, None, &[]).unwrap(), preset);
}

#[test]
fn default_preset_has_a_variance_risk_premium() {
    let c = Config::preset("default").unwrap();
    let (p, q) = (c.model.p_params(), c.model.q_params());
    assert!(q.theta_star() > p.theta_star());
    assert!(q.lambda > p.lambda && q.mu_s < p.mu_s);
    // Model VIX at v0 (`docs/pricing.md`, no events): the comment says 18.5.
    let tau = 30.0 / 365.0;
    let a = (1.0 - (-q.kappa * tau).exp()) / (q.kappa * tau);
    let b = q.theta_star() * (1.0 - a) + 2.0 * q.lambda * (q.mbar() - q.mu_s - q.rho_j * q.mu_v);
    let vix = 100.0 * (a * c.market.v0.level().unwrap() + b).sqrt();
    assert!((vix - 18.46).abs() < 0.01, "{vix}");
}

#[test]
fn dps2000_is_risk_neutral_with_a_ten_percent_mean_jump() {
    let c = Config::preset("dps2000").unwrap();
    assert_eq!(c.model.p_params(), c.model.q_params());
    assert_eq!(c.model.mu, c.market.r);
    assert!((c.model.p_params().mbar() + 0.10).abs() < 1e-12);
    assert!(c.events.is_empty());
    let p = c.market_model(Measure::P);
    let q = c.market_model(Measure::Q);
    assert_eq!((p.mu, q.mu, p.params), (0.0319, 0.0319, q.params));
}

#[test]
fn hedge_readings() {
    let seed = Config::preset("alvh-seed").unwrap();
    let long = Config::preset("alvh-30-110-220").unwrap();
    let base = Config::preset("default").unwrap();
    assert_eq!(
        seed.hedge, base.hedge,
        "the default layers are the alvh-seed reading"
    );
    assert_eq!(
        (seed.market.clone(), seed.model.clone(), seed.events.clone()),
        (base.market.clone(), base.model.clone(), base.events.clone())
    );
    assert_eq!(
        (long.market, long.model, long.events),
        (base.market, base.model, base.events)
    );
    let tenors: Vec<(f64, u32, u32, u32, u32)> = seed
        .hedge
        .layers
        .iter()
        .map(|l| {
            (
                l.contracts,
                l.tenor_days,
                l.offset_days,
                l.every_days,
                l.roll_days_left,
            )
        })
        .collect();
    assert_eq!(
        tenors,
        vec![(4.0, 4, 0, 4, 0), (4.0, 8, 2, 4, 0), (2.0, 10, 0, 5, 0)]
    );
    let tenors: Vec<(f64, u32, u32, u32)> = long
        .hedge
        .layers
        .iter()
        .map(|l| (l.contracts, l.tenor_days, l.every_days, l.roll_days_left))
        .collect();
    assert_eq!(
        tenors,
        vec![(4.0, 21, 0, 7), (4.0, 76, 0, 25), (2.0, 151, 0, 50)]
    );
    for l in seed.hedge.layers.iter().chain(&long.hedge.layers) {
        assert_eq!(
            (l.instrument, l.strike.kind, l.strike.value),
            (Instrument::Call, StrikeKind::OtmFrac, 0.25)
        );
    }
    assert_eq!(
        HedgeProgram::Alvh30110220.layers_preset(),
        Some("alvh-30-110-220")
    );
}

#[test]
fn q_keys_fall_back_to_p() {
    let c = Config::from_toml_str(
        "[model]\nkappa = 5.0\ntheta = 0.03\nmu = 0.09\n[model.q]\ntheta = 0.05\n",
    )
    .unwrap();
    let q = c.model.q_params();
    assert_eq!((q.kappa, q.theta, q.sigma_v), (5.0, 0.05, c.model.sigma_v));
    let qm = c.market_model(Measure::Q);
    let pm = c.market_model(Measure::P);
    assert_eq!(
        (pm.mu, pm.params.theta, qm.mu, qm.params.theta),
        (0.09, 0.03, c.market.r, 0.05)
    );
    assert_eq!((pm.measure, qm.measure), (Measure::P, Measure::Q));
    // `mu` has no Q twin.
    assert_eq!(
        Config::from_toml_str("[model.q]\nmu = 0.1\n").unwrap_err(),
        ConfigError::UnknownKey {
            key: "model.q.mu".into()
        }
    );
}

#[test]
fn events_map_to_kernel_parameters() {
    let c = Config::preset("default").unwrap();
    let m = c.market_model(Measure::Q);
    assert_eq!(m.events.len(), 2);
    assert_eq!(
        (
            m.events[0].first_day,
            m.events[0].every_days,
            m.events[0].jump_sd
        ),
        (8, 21, 0.008)
    );
}

#[test]
fn set_edits_nested_keys_and_array_elements() {
    let mut c = Config::preset("default").unwrap();
    c.apply_set("condor.short_delta=0.2").unwrap();
    c.apply_set("hedge.layers[2].tenor_days=15").unwrap();
    c.apply_set("events[0].jump_sd=0.01").unwrap();
    c.apply_set("model.q.rho=-0.6").unwrap();
    c.apply_set("hedge.layers[1].instrument=future").unwrap();
    c.apply_set("hedge.layers[0].strike={ kind = \"delta\", value = 0.3 }")
        .unwrap();
    c.apply_set("hedge.layers[2].strike.kind=points_over_f")
        .unwrap();
    c.apply_set("hedge.units_ladder=[1, 3]").unwrap();
    c.apply_set("hedge.vxth.tier_weights[1]=0.02").unwrap();
    c.apply_set("events[1].name=nfp").unwrap();
    assert_eq!(c.condor.short_delta, 0.2);
    assert_eq!(c.hedge.layers[2].tenor_days, 15);
    assert_eq!(c.events[0].jump_sd, 0.01);
    assert_eq!(c.model.q.rho, Some(-0.6));
    assert_eq!(c.hedge.layers[1].instrument, Instrument::Future);
    assert_eq!(
        (
            c.hedge.layers[0].strike.kind,
            c.hedge.layers[0].strike.value
        ),
        (StrikeKind::Delta, 0.3)
    );
    assert_eq!(c.hedge.layers[2].strike.kind, StrikeKind::PointsOverF);
    assert_eq!(c.hedge.units_ladder, vec![1.0, 3.0]);
    assert_eq!(c.hedge.vxth.tier_weights[1], 0.02);
    assert_eq!(
        (
            c.events.len(),
            c.events[1].name.as_str(),
            c.events[1].first_day
        ),
        (2, "nfp", 15)
    );
    c.validate().unwrap();
}

#[test]
fn set_errors_name_the_key_and_leave_the_config_unchanged() {
    let mut c = Config::preset("default").unwrap();
    let before = c.clone();
    let cases: [(&str, &str); 7] = [
        ("model.foo=1", "unknown key `model.foo`"),
        (
            "hedge.layers[0].size=1",
            "unknown key `hedge.layers[0].size`",
        ),
        (
            "condor.short_delta=abc",
            "condor.short_delta: invalid type: string \"abc\"",
        ),
        (
            "hedge.layers[0].instrument=put",
            "hedge.layers[0].instrument: unknown variant `put`",
        ),
        (
            "hedge.layers[9].tenor_days=1",
            "index 9 out of range: `hedge.layers` has 3 elements",
        ),
        ("condor.short_delta", "expected key.path=value"),
        (
            "condor.short_delta.x=1",
            "`condor.short_delta` is not a table",
        ),
    ];
    for (assignment, message) in cases {
        let err = c.apply_set(assignment).unwrap_err().to_string();
        assert!(err.contains(message), "{assignment}: {err}");
        assert!(!err.contains('\n'));
        assert_eq!(c, before);
    }
}

#[test]
fn layering_order() {
    let (_dir, path) =
        config_file("[condor]\nshort_delta = 0.2\nlong_delta = 0.04\n[market]\nspot = 4000\n");
    let sets = [
        "condor.short_delta=0.25".to_string(),
        "condor.short_delta=0.3".to_string(),
    ];
    let c = Config::load(Some(&path), Some("dps2000"), &sets).unwrap();
    assert_eq!(
        c.model,
        Config::preset("dps2000").unwrap().model,
        "preset over defaults"
    );
    assert_eq!(c.market.spot, 4000.0, "file over preset");
    assert_eq!(
        c.market.v0.level(),
        Some(0.007569),
        "file keys merge, others keep the preset's"
    );
    assert_eq!(c.condor.long_delta, 0.04);
    assert_eq!(c.condor.short_delta, 0.3, "sets over file, in order");
    assert_eq!(c.condor.dte_days, 30, "defaults under everything");
    // Arrays replace: a file's [[events]] replaces the preset's list.
    let (_dir2, path2) = config_file("[[events]]\nname = \"only\"\nfirst_day = 3\n");
    let c = Config::load(Some(&path2), Some("default"), &[]).unwrap();
    assert_eq!(c.events.len(), 1);
    assert_eq!(
        (c.events[0].name.as_str(), c.events[0].every_days),
        ("only", 0)
    );
}

#[test]
fn validation_errors_name_key_and_value() {
    let cases: [(&str, &str); 16] = [
        ("model.rho=1.2", "model.rho = 1.2: must be in (-1, 1)"),
        ("model.q.rho=-1", "model.q.rho = -1: must be in (-1, 1)"),
        ("market.v0=-0.1", "market.v0 = -0.1"),
        (
            "model.q.rho_j=30",
            "model.q.rho_j = 30: must be in [-10, 10]",
        ),
        ("model.theta=0", "model.theta = 0"),
        ("simulation.paths=0", "simulation.paths = 0"),
        (
            "simulation.paths=4294967296",
            "simulation.paths = 4294967296",
        ),
        (
            "simulation.steps_per_day=65",
            "simulation.steps_per_day = 65",
        ),
        ("condor.short_delta=0.5", "condor.short_delta = 0.5"),
        (
            "condor.long_delta=0.2",
            "condor.long_delta = 0.2: must be below condor.short_delta",
        ),
        (
            "condor.exit_dte=30",
            "condor.dte_days = 30: must exceed condor.exit_dte = 30",
        ),
        (
            "hedge.layers[1].contracts=-2",
            "hedge.layers[1].contracts = -2",
        ),
        (
            "hedge.layers[0].tenor_days=0",
            "hedge.layers[0].tenor_days = 0",
        ),
        ("regimes.crisis_from=30", "regimes.crisis_from = 30"),
        ("events[1].first_day=0", "events[1].first_day = 0"),
        ("model.sigma_s=inf", "model.sigma_s = inf: must be finite"),
    ];
    for (set, message) in cases {
        let err = Config::load(None, None, &[set.to_string()])
            .unwrap_err()
            .to_string();
        assert!(err.contains(message), "{set}: {err}");
    }
    let err = Config::load(
        None,
        None,
        &[
            "model.q.mu_v=0.2".to_string(),
            "model.q.rho_j=6".to_string(),
        ],
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("model.q.rho_j * model.q.mu_v = 1.2"), "{err}");
    let nine = (0..9)
        .map(|i| format!("{{ name = \"e{i}\" }}"))
        .collect::<Vec<_>>()
        .join(", ");
    let err = Config::load(None, Some("dps2000"), &[format!("events=[{nine}]")])
        .unwrap_err()
        .to_string();
    assert!(err.contains("at most 8 event types"), "{err}");
}

#[test]
fn feller_is_a_warning() {
    let mut c = Config::preset("default").unwrap();
    c.apply_set("model.sigma_v=0.5").unwrap();
    let warnings = c.validate().unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("Feller") && warnings[0].contains("under P"));
    assert!(warnings[1].contains("under Q"));
}

#[test]
fn malformed_toml_is_one_line_with_a_position() {
    let err = Config::from_toml_str("[model]\nrho = \n").unwrap_err();
    let ConfigError::Malformed { message, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(message.starts_with("line 2, column"), "{message}");
    assert!(!err.to_string().contains('\n'));
}

#[test]
fn tiers_and_regimes() {
    let c = Config::default();
    let a = &c.hedge.adaptive;
    let scales: Vec<f64> = [10.0, 15.0, 20.0, 22.0, 23.5, 25.0, 40.0]
        .iter()
        .map(|&v| a.vix_scale(v))
        .collect();
    assert_eq!(scales, vec![0.25, 0.5, 0.5, 0.5, 0.75, 1.0, 1.0]);
    let v = &c.hedge.vxth;
    let weights: Vec<f64> = [12.0, 15.0, 15.5, 30.0, 45.0, 50.0, 60.0]
        .iter()
        .map(|&f| v.weight(f))
        .collect();
    assert_eq!(weights, vec![0.0, 0.0, 0.01, 0.01, 0.005, 0.005, 0.0]);
    let r = &c.regimes;
    let regimes: Vec<Regime> = [15.0, 20.0, 29.9, 30.0, 45.0]
        .iter()
        .map(|&x| r.classify(x))
        .collect();
    assert_eq!(
        regimes,
        vec![
            Regime::Calm,
            Regime::Moderate,
            Regime::Moderate,
            Regime::Severe,
            Regime::Crisis
        ]
    );
}

// ---- binary ----

#[test]
fn presets_lists_all_five() {
    let (code, stdout, stderr) = vixhedge(&["presets"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    for name in PRESETS {
        assert!(
            stdout
                .lines()
                .any(|l| l.split_whitespace().next() == Some(name)),
            "{name} missing:\n{stdout}"
        );
    }
}

#[test]
fn config_prints_a_reloadable_preset() {
    let (code, stdout, stderr) = vixhedge(&["config", "--preset", "dps2000"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(
        Config::from_toml_str(&stdout).unwrap(),
        Config::preset("dps2000").unwrap()
    );
    let (code, stdout, _) = vixhedge(&["config"]);
    assert_eq!(code, 0);
    assert_eq!(
        Config::from_toml_str(&stdout).unwrap(),
        Config::preset("default").unwrap()
    );
}

#[test]
fn help_and_version_go_to_stdout() {
    for args in [&["--help"][..], &["run", "--help"], &["--version"]] {
        let (code, stdout, stderr) = vixhedge(args);
        assert_eq!((code, stderr.as_str()), (0, ""), "{args:?}");
        assert!(!stdout.is_empty());
    }
}

#[test]
fn file_errors() {
    let (_d1, malformed) = config_file("[model]\nrho = \n");
    assert_error(
        &["run", "--config", malformed.to_str().unwrap()],
        &["malformed TOML in", "cfg.toml", "line 2"],
    );
    let (_d2, top) = config_file("foo = 1\n");
    assert_error(
        &["run", "--config", top.to_str().unwrap()],
        &["unknown key `foo`"],
    );
    let (_d3, nested) = config_file("[model]\nfoo = 1\n");
    assert_error(
        &["run", "--config", nested.to_str().unwrap()],
        &["unknown key `model.foo`"],
    );
    let (_d4, layer) = config_file("[[hedge.layers]]\nsize = 1\n");
    assert_error(
        &["vix", "--config", layer.to_str().unwrap()],
        &["unknown key `hedge.layers[0].size`"],
    );
    let (_d5, range) = config_file("[model]\nrho = 1.2\n");
    assert_error(
        &[
            "price",
            "--config",
            range.to_str().unwrap(),
            "--expiry-days",
            "5",
            "--strikes",
            "5000",
        ],
        &["model.rho = 1.2"],
    );
    assert_error(
        &["run", "--config", "no-such-file.toml"],
        &["reading config no-such-file.toml"],
    );
}

#[test]
fn range_errors_through_the_binary() {
    let cases: [(&str, &str); 10] = [
        ("model.rho=1.2", "model.rho = 1.2: must be in (-1, 1)"),
        ("market.v0=-0.01", "market.v0 = -0.01"),
        ("model.rho_j=40", "model.rho_j = 40: must be in [-10, 10]"),
        ("simulation.paths=0", "simulation.paths = 0"),
        ("condor.short_delta=0.7", "condor.short_delta = 0.7"),
        ("condor.long_delta=0.3", "condor.long_delta = 0.3"),
        (
            "hedge.layers[2].contracts=-1",
            "hedge.layers[2].contracts = -1",
        ),
        (
            "hedge.layers[1].tenor_days=0",
            "hedge.layers[1].tenor_days = 0",
        ),
        ("regimes.severe_from=20", "regimes.severe_from = 20"),
        (
            "hedge.layers[0].instrument=put",
            "hedge.layers[0].instrument",
        ),
    ];
    for (set, needle) in cases {
        assert_error(&["run", "--set", set], &[needle]);
    }
    assert_error(&["run", "--paths", "0"], &["simulation.paths = 0"]);
    assert_error(
        &["bench", "--horizon-days", "0"],
        &["simulation.horizon_days = 0"],
    );
    assert_error(&["config", "--preset", "nope"], &["unknown preset `nope`"]);
}

#[test]
fn bad_flags_are_usage_errors() {
    assert_error(&["run", "--bogus"], &["--bogus"]);
    assert_error(&["run", "--backend", "tpu"], &["tpu", "--backend"]);
    assert_error(&["run", "--hedges", "none,foo"], &["foo"]);
    assert_error(&["price", "--expiry-days", "5"], &["--strikes"]);
    assert_error(
        &[
            "price",
            "--preset",
            "default",
            "--config",
            "x.toml",
            "--expiry-days",
            "5",
            "--strikes",
            "1",
        ],
        &["reading config x.toml"],
    );
    assert_error(&["vix", "--v", "-1"], &["--v = -1"]);
    assert_error(&[], &["subcommand"]);
}
