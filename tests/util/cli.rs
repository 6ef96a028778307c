//! Running the `vixhedge` binary in the tests of shards, long runs and
//! batches: one call, its outputs, and the summary's statistics without the
//! run facts.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The binary with `args`; stdout and stderr captured.
pub fn vixhedge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vixhedge"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts exit status 0.
#[track_caller]
pub fn ok(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what} failed ({:?}): {}",
        o.status.code(),
        stderr(o)
    );
}

/// Asserts a bad-input failure: exit status 2, nothing on stdout, one line
/// on stderr (warnings aside) that contains every one of `names`.
#[track_caller]
pub fn fails_naming(o: &Output, names: &[&str]) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "expected status 2: {err}");
    assert!(o.stdout.is_empty(), "printed on stdout: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.starts_with("warning:")).collect();
    assert_eq!(lines.len(), 1, "expected one line: {err}");
    for name in names {
        assert!(lines[0].contains(name), "{name:?} not named: {err}");
    }
    lines[0].to_string()
}

/// `<dir>/summary.json`.
#[track_caller]
pub fn summary(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("summary.json"))
        .unwrap_or_else(|e| panic!("{}/summary.json: {e}", dir.display()));
    serde_json::from_str(&text).expect("summary.json is JSON")
}

/// The summary less its run facts (`vixhedge::report::RUN_FACT_KEYS`):
/// everything that must be equal bit for bit between runs of one study.
pub fn statistics(mut v: serde_json::Value) -> serde_json::Value {
    let m = v.as_object_mut().expect("an object");
    for k in vixhedge::report::RUN_FACT_KEYS {
        assert!(m.remove(k).is_some(), "summary.json lacks the run fact {k}");
    }
    v
}

/// The study of the CPU shard and resume tests: 2000 paths of 21 days,
/// every program.
pub const STUDY: [&str; 8] = [
    "--paths",
    "2000",
    "--horizon-days",
    "21",
    "--seed",
    "5",
    "--backend",
    "cpu",
];

/// The statistics of [`STUDY`] run in one process, uninterrupted (computed
/// once per test binary).
pub fn reference() -> &'static serde_json::Value {
    static REF: OnceLock<serde_json::Value> = OnceLock::new();
    REF.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("reference");
        let mut args = vec!["run"];
        args.extend(STUDY);
        args.extend(["--out", out.to_str().unwrap()]);
        let o = vixhedge(&args);
        ok(&o, "the reference run");
        assert!(
            !out.join("checkpoint.json").exists(),
            "a finished run leaves no checkpoint"
        );
        statistics(summary(&out))
    })
}
