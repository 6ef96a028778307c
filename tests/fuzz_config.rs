//! Property tests: random TOML files and random `--set` values, drawn from the
//! config schema (every key, values inside, at and beyond its range, wrong
//! types, garbage), through config loading and validation, through the binary,
//! and through a tiny CPU run. Never a panic: each case either resolves (and
//! then every later step on it works) or fails with one line naming what is
//! wrong, exit status 2.
//!
//! Cases (bounded so the suite stays fast; `VIXHEDGE_FUZZ_SCALE=k` multiplies
//! them for a longer campaign): 10,000 layer sets through the library, 256
//! through `vixhedge config`, 6 tiny runs through `vixhedge run`. Each test
//! prints how many cases it ran (`--nocapture`).

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};

use vixhedge::config::schema::{key_paths, Field, Kind, Section};
use vixhedge::config::{Config, Flag, HedgeProgram, InForce, Layers};
use vixhedge::strategy::BookSpec;

fn scale() -> u32 {
    std::env::var("VIXHEDGE_FUZZ_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(RunnerConfig {
        cases: cases * scale(),
        failure_persistence: None,
        ..RunnerConfig::default()
    })
}

/// Every key of the schema (`hedge.layers[].tenor_days` for array elements).
fn keys() -> Vec<(String, Field)> {
    key_paths(Config::FIELDS, "")
}

/// A finite end of the range to draw from.
fn finite(x: f64, fallback: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        fallback
    }
}

/// A number as TOML text: inside the range, at its ends, just beyond, far
/// beyond, or special (NaN, infinities, huge, tiny, negative zero).
fn number(field: &Field) -> BoxedStrategy<String> {
    let b = field.bound;
    let lo = finite(b.lo, -1e6);
    let hi = finite(b.hi, 1e6);
    let integer = matches!(field.kind, Kind::Integer);
    let inside = (lo..=hi.max(lo)).prop_map(move |x| {
        if integer {
            format!("{}", x.round())
        } else {
            format!("{x:?}")
        }
    });
    let edges = prop::sample::select(vec![
        lo,
        hi,
        lo - 1.0,
        hi + 1.0,
        lo - 1e-9,
        hi + 1e-9,
        0.0,
        -0.0,
        1.0,
        -1.0,
        1e308,
        -1e308,
        5e-324,
        4_294_967_296.0,
        1.8e19,
    ])
    .prop_map(move |x| {
        if integer && x.fract() == 0.0 && x.abs() < 1e18 {
            format!("{x:.0}")
        } else {
            format!("{x:?}")
        }
    });
    let special = prop::sample::select(vec![
        "nan".to_string(),
        "inf".to_string(),
        "-inf".to_string(),
        "+inf".to_string(),
        "NaN".to_string(),
        "1e999".to_string(),
        "-9223372036854775808".to_string(),
        "18446744073709551616".to_string(),
        "0x10".to_string(),
        "1_000".to_string(),
        "\"1\"".to_string(),
        "true".to_string(),
        "[1, 2]".to_string(),
        "{ x = 1 }".to_string(),
        String::new(),
    ]);
    prop_oneof![4 => inside, 3 => edges, 1 => special].boxed()
}

/// A value of `field`'s kind, or of another kind.
fn value(field: &Field) -> BoxedStrategy<String> {
    let garbage = prop_oneof![
        "[a-z_]{0,8}".prop_map(|s| s),
        Just("\"\\u0000\"".to_string()),
        Just("[[1], [\"a\"]]".to_string()),
        Just("{ kind = \"delta\", value = 2 }".to_string()),
        Just("'''x'''".to_string()),
    ];
    let own: BoxedStrategy<String> = match field.kind {
        Kind::Bool => prop::sample::select(vec!["true", "false", "1", "yes"])
            .prop_map(str::to_string)
            .boxed(),
        Kind::Integer | Kind::Float | Kind::OptionalFloat => number(field),
        Kind::FloatOr(word) => {
            prop_oneof![3 => number(field), 1 => Just(format!("\"{word}\""))].boxed()
        }
        Kind::Text => "[ -~]{0,12}".prop_map(|s| format!("{s:?}")).boxed(),
        Kind::Choice(options) => {
            let mut all: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
            all.extend(options.iter().map(|o| (*o).to_string()));
            all.push("\"put\"".into());
            prop::sample::select(all).boxed()
        }
        Kind::FloatList => prop::collection::vec(number(field), 0..12)
            .prop_map(|xs| format!("[{}]", xs.join(", ")))
            .boxed(),
        Kind::Table(..) | Kind::TableList(..) => Just("{}".to_string()).boxed(),
    };
    prop_oneof![6 => own, 1 => garbage].boxed()
}

/// A key path with any `[]` replaced by an index (usually in range).
fn addressed(key: &str) -> BoxedStrategy<String> {
    let parts: Vec<String> = key.split("[]").map(str::to_string).collect();
    prop::collection::vec(prop_oneof![4 => 0usize..3, 1 => 3usize..12], parts.len())
        .prop_map(move |idx| {
            let mut out = parts[0].clone();
            for (part, i) in parts[1..].iter().zip(idx) {
                out.push_str(&format!("[{i}]{part}"));
            }
            out
        })
        .boxed()
}

/// One `key=value` assignment: a schema key with a value, or a malformed one.
fn assignment() -> BoxedStrategy<String> {
    let keys = keys();
    let good = prop::sample::select(keys).prop_flat_map(|(key, field)| {
        (addressed(&key), value(&field)).prop_map(|(k, v)| format!("{k}={v}"))
    });
    let bad = prop::sample::select(vec![
        "model.foo=1",
        "model..kappa=1",
        "=3",
        "condor.short_delta",
        "hedge.layers[=1",
        "hedge.layers[x].contracts=1",
        "hedge.layers[-1].contracts=1",
        "events[0].name=x",
        "hedge.layers=[]",
        "hedge.layers=[{ tenor_days = 1, every_days = 1, roll_days_left = 0 }]",
        "events=[{ name = \"a\", first_day = 1, every_days = 1, jump_sd = 0.5 }]",
        "model.q={}",
        "model.q=1",
        "simulation=3",
        "hedge.vxth.tier_levels=[]",
        "hedge.vxth.tier_weights=[]",
        "regimes.moderate_from=1e-300",
    ])
    .prop_map(str::to_string);
    prop_oneof![8 => good, 1 => bad].boxed()
}

/// A TOML document: dotted-key assignments of random schema keys (arrays of
/// tables as inline arrays), sometimes with a line of garbage.
fn toml_text() -> BoxedStrategy<String> {
    let lines = prop::collection::vec(assignment(), 0..10);
    let junk = prop_oneof![
        6 => Just(String::new()),
        1 => Just("[model\n".to_string()),
        1 => Just("model = 3\n".to_string()),
        1 => Just("[[events]]\nname = 1\n".to_string()),
        1 => Just("\u{0}".to_string()),
    ];
    (lines, junk)
        .prop_map(|(lines, junk)| {
            let mut out = String::new();
            for line in lines {
                // `a.b[2].c=v` is not TOML; write the element as an inline array.
                let (k, v) = line.split_once('=').unwrap_or((&line, ""));
                if let Some((head, rest)) = k.split_once('[') {
                    let tail = rest.split_once(']').map_or("", |(_, t)| t);
                    let inner = tail.trim_start_matches('.');
                    if inner.is_empty() || inner.contains('[') {
                        out.push_str(&format!("{head} = [{v}]\n"));
                    } else {
                        out.push_str(&format!("{head} = [{{ {inner} = {v} }}]\n"));
                    }
                } else {
                    out.push_str(&format!("{k} = {v}\n"));
                }
            }
            out.push_str(&junk);
            out
        })
        .boxed()
}

fn preset() -> BoxedStrategy<Option<String>> {
    prop::sample::select(vec![
        None,
        None,
        Some("default"),
        Some("dps2000"),
        Some("eraker2004"),
        Some("alvh-seed"),
        Some("alvh-30-110-220"),
        Some("nope"),
    ])
    .prop_map(|p| p.map(str::to_string))
    .boxed()
}

fn flags() -> BoxedStrategy<Vec<Flag>> {
    let one = prop_oneof![
        (0u64..2_000_000).prop_map(|n| Flag::new("--paths", "simulation.paths", n)),
        (0u64..5000).prop_map(|d| Flag::new("--horizon-days", "simulation.horizon_days", d)),
        any::<u64>().prop_map(|s| Flag::new("--seed", "simulation.seed", s)),
    ];
    prop::collection::vec(one, 0..3).boxed()
}

/// One message line: not empty, no line break.
#[track_caller]
fn one_line(what: &str, message: &str) {
    assert!(
        !message.trim().is_empty() && !message.contains('\n'),
        "{what}: not one line: {message:?}"
    );
}

/// What a resolved config promises: everything downstream of validation that
/// needs no pricing tables works on it.
fn exercise(config: &Config, layers: &Layers) {
    let warnings = config.validate().expect("a resolved config validates");
    for w in &warnings {
        one_line("warning", w);
    }
    let in_force = InForce::new(config, layers);
    let text = config.to_commented_toml(&in_force.to_string());
    let back = Config::from_toml_str(&text)
        .unwrap_or_else(|e| panic!("commented TOML does not read back: {e}\n{text}"));
    assert_eq!(&back, config, "commented TOML reads back to another config");
    assert!(in_force.to_string().starts_with("in force: "));
    serde_json::to_string(&in_force).expect("resolved serialises");
    config
        .sim_params()
        .expect("a valid config gives path parameters");
    let spec = BookSpec::from_config(config, &HedgeProgram::ALL)
        .expect("a valid config fits the books' capacities");
    let _ = spec.in_force();
}

#[test]
fn random_layers_resolve_or_fail_with_one_line() {
    static CASES: AtomicUsize = AtomicUsize::new(0);
    let (resolved, refused) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let dir = tempfile::tempdir().unwrap();
    let strategy = (
        preset(),
        prop::option::weighted(0.7, toml_text()),
        prop::collection::vec(assignment(), 0..5),
        flags(),
    );
    let mut runner = runner(10_000);
    runner
        .run(&strategy, |(preset, text, sets, flags)| {
            let n = CASES.fetch_add(1, Ordering::Relaxed);
            let config = text.map(|t| {
                let path = dir.path().join(format!("c{n}.toml"));
                std::fs::write(&path, t).unwrap();
                path
            });
            let layers = Layers {
                preset,
                config,
                sets,
                flags,
            };
            match Config::resolve(&layers) {
                Ok(config) => {
                    resolved.fetch_add(1, Ordering::Relaxed);
                    exercise(&config, &layers);
                }
                Err(e) => {
                    refused.fetch_add(1, Ordering::Relaxed);
                    one_line("error", &e.to_string());
                }
            }
            if let Some(path) = &layers.config {
                let _ = std::fs::remove_file(path);
            }
            Ok(())
        })
        .unwrap();
    let (resolved, refused) = (resolved.into_inner(), refused.into_inner());
    eprintln!(
        "random_layers: {} cases, {resolved} resolved, {refused} refused",
        resolved + refused
    );
    assert!(resolved > 100 && refused > 100, "{resolved} / {refused}");
}

fn binary(args: &[String]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vixhedge"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Exit 0, or exit 2 with exactly one `error:` line, the last, and never a panic.
#[track_caller]
fn exits_cleanly(args: &[String], code: i32, stderr: &str) {
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert!(code == 0 || code == 2, "{args:?}: exit {code}: {stderr}");
    if code == 2 {
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{args:?}: {stderr}");
        assert_eq!(stderr.lines().last(), Some(errors[0]), "{args:?}: {stderr}");
    }
}

fn set_args(sets: &[String]) -> Vec<String> {
    sets.iter()
        .flat_map(|s| ["--set".to_string(), s.clone()])
        .collect()
}

#[test]
fn random_sets_through_vixhedge_config() {
    let mut runner = runner(256);
    let count = AtomicUsize::new(0);
    runner
        .run(
            &(preset(), prop::collection::vec(assignment(), 0..4)),
            |(preset, sets)| {
                count.fetch_add(1, Ordering::Relaxed);
                let mut args = vec!["config".to_string()];
                if let Some(p) = preset {
                    args.extend(["--preset".to_string(), p]);
                }
                args.extend(set_args(&sets));
                let (code, stdout, stderr) = binary(&args);
                exits_cleanly(&args, code, &stderr);
                if code == 0 {
                    Config::from_toml_str(&stdout).expect("config output reloads");
                } else {
                    assert!(stdout.is_empty(), "{args:?}: stdout on error");
                }
                Ok(())
            },
        )
        .unwrap();
    eprintln!(
        "random_sets_through_vixhedge_config: {} cases",
        count.load(Ordering::Relaxed)
    );
}

/// `--set`s that mostly pass validation but push the model and the books
/// toward their edges: the pricing tables and the books must take them.
fn edge_sets() -> BoxedStrategy<Vec<String>> {
    let model_keys = [
        "kappa", "theta", "sigma_v", "rho", "lambda", "mu_s", "sigma_s", "mu_v", "rho_j",
    ];
    let fields: Vec<(String, Field)> = keys()
        .into_iter()
        .filter(|(k, _)| {
            model_keys
                .iter()
                .any(|m| k == &format!("model.{m}") || k == &format!("model.q.{m}"))
                || k.starts_with("market.")
                || k.starts_with("condor.")
                || k.starts_with("hedge.units")
                || k.starts_with("hedge.vxth.delta")
                || k.starts_with("hedge.layers[].")
                    && !k.ends_with("name")
                    && !k.ends_with("strike.kind")
        })
        .collect();
    let one = prop::sample::select(fields).prop_flat_map(|(key, field)| {
        let b = field.bound;
        let (lo, hi) = (finite(b.lo, -10.0), finite(b.hi, 10.0));
        let integer = matches!(field.kind, Kind::Integer);
        (addressed(&key), lo..=hi.max(lo)).prop_map(move |(k, x)| {
            if integer {
                format!("{k}={}", x.round())
            } else {
                format!("{k}={x:?}")
            }
        })
    });
    prop::collection::vec(one, 1..6).boxed()
}

fn tiny_run(out: &Path, sets: &[String]) {
    let mut args: Vec<String> = [
        "run",
        "--paths",
        "16",
        "--horizon-days",
        "6",
        "--backend",
        "cpu",
        "--json",
        "--out",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    args.push(out.display().to_string());
    args.extend(set_args(sets));
    let (code, stdout, stderr) = binary(&args);
    exits_cleanly(&args, code, &stderr);
    if code == 0 {
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
        assert_eq!(v["paths"], 16, "{args:?}");
        assert!(out.join("report.md").is_file(), "{args:?}: no report");
    }
}

#[test]
fn tiny_runs_at_the_edges_finish_or_fail_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let count = AtomicUsize::new(0);
    // Each case builds the pricing tables (seconds): few cases, no shrinking.
    let mut runner = TestRunner::new(RunnerConfig {
        cases: 6 * scale(),
        max_shrink_iters: 0,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    runner
        .run(&edge_sets(), |sets| {
            let n = count.fetch_add(1, Ordering::Relaxed);
            tiny_run(&dir.path().join(format!("o{n}")), &sets);
            Ok(())
        })
        .unwrap();
    eprintln!(
        "tiny_runs_at_the_edges: {} cases",
        count.load(Ordering::Relaxed)
    );
}

/// The inputs the issue found unguarded, each refused with one line naming
/// its key or flag, and a degenerate Monte Carlo price flagged.
#[test]
fn the_inputs_that_used_to_slip_through_are_refused_by_name() {
    let cases: [(&[&str], &[&str]); 8] = [
        (
            &["price", "--expiry-days", "99999", "--strikes", "5000"],
            &["--expiry-days = 99999"],
        ),
        (&["vix", "--v", "1e300"], &["--v = "]),
        (
            &[
                "run",
                "--set",
                "model.q.mu_v=0.5",
                "--set",
                "model.q.rho_j=1.4",
            ],
            &["model.q.rho_j * model.q.mu_v"],
        ),
        (
            &[
                "price",
                "--set",
                "model.rho_j=1.99",
                "--set",
                "model.mu_v=0.5",
                "--expiry-days",
                "21",
                "--strikes",
                "5000",
            ],
            &["model.rho_j * model.mu_v"],
        ),
        (&["run", "--paths", "-5"], &["--paths"]),
        (
            &["price", "--expiry-days", "-3", "--strikes", "5000"],
            &["--expiry-days"],
        ),
        (
            &["run", "--set", "hedge.layers[3].contracts=1"],
            &["hedge.layers[3].contracts=1", "out of range"],
        ),
        (
            &["run", "--set", "hedge.vxth.tier_levels=[1,2,3,4,5,6,7,8,9]"],
            &["hedge.vxth.tier_levels"],
        ),
    ];
    for (args, needles) in cases {
        let args: Vec<String> = args.iter().map(|s| (*s).to_string()).collect();
        let (code, stdout, stderr) = binary(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty());
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        for n in needles {
            assert!(stderr.contains(n), "{args:?}: {stderr}");
        }
    }
    // No path of 200 reaches a strike four times the spot: the estimate says so.
    let args: Vec<String> = [
        "price",
        "--paths",
        "200",
        "--expiry-days",
        "5",
        "--strikes",
        "20000",
        "--backend",
        "cpu",
        "--json",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    let (code, stdout, stderr) = binary(&args);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let call = &v["options"][1];
    assert_eq!(
        (call["type"].as_str(), call["mc"].as_f64()),
        (Some("call"), Some(0.0))
    );
    assert!(
        call["mc_warning"].as_str().unwrap().contains("degenerate"),
        "{call}"
    );
    assert!(
        stderr.contains("warning: Monte Carlo call at 20000"),
        "{stderr}"
    );
}
