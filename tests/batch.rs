//! `vixhedge batch`: bad batch files refused before anything runs, and a
//! killed batch resumed: only the jobs that had not finished run again.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::cli::{fails_naming, ok, vixhedge};

fn batch(file: &Path, out: &Path, resume: bool) -> std::process::Output {
    let mut args = vec![
        "batch",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    if resume {
        args.push("--resume");
    }
    vixhedge(&args)
}

#[test]
fn bad_batch_files_fail_with_one_line_and_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let good = "[[job]]\nname = \"a\"\npaths = 10\n";
    let cases: [(&str, &[&str]); 10] = [
        ("[[job]]\npaths = 10\n", &["job 1", "no `name`"]),
        (
            &format!("{good}[[job]]\nname = \"a\"\n"),
            &["job 2", "duplicate name `a`", "job 1"],
        ),
        (
            &format!("{good}[[job]]\nname = \"b\"\npathz = 3\n"),
            &["job `b`", "unknown key `pathz`"],
        ),
        ("[[job]]\nname = \"../up\"\n", &["job 1", "../up"]),
        ("[[job]]\nname = \"a\"\npaths = -3\n", &["job `a`", "paths"]),
        (
            "[[job]]\nname = \"a\"\nset = [\"condor.short_delta=0.9\"]\n",
            &["job `a`", "condor.short_delta"],
        ),
        (
            "[[job]]\nname = \"a\"\nhedges = \"none,bogus\"\n",
            &["job `a`", "bogus"],
        ),
        (
            "[[job]]\nname = \"a\"\npreset = \"nope\"\n",
            &["job `a`", "nope"],
        ),
        ("[jobs]\nname = \"a\"\n", &["unknown key `jobs`"]),
        ("", &["no [[job]] tables"]),
    ];
    for (i, (text, names)) in cases.iter().enumerate() {
        let file = d.path().join(format!("bad{i}.toml"));
        std::fs::write(&file, text).unwrap();
        let line = fails_naming(&batch(&file, &out, false), names);
        assert!(
            line.contains(&format!("bad{i}.toml")),
            "the file is named: {line}"
        );
        assert!(!out.exists(), "case {i} wrote {}", out.display());
    }
    // The bootstrap path source and history files are in the schema. Until
    // `run` has `--paths-from`, a job asking for them says so; once it has, a
    // bootstrap job without history files is refused by `run`'s own checks.
    let help = vixhedge(&["run", "--help"]);
    let has_bootstrap = String::from_utf8_lossy(&help.stdout).contains("--paths-from");
    let file = d.path().join("history.toml");
    std::fs::write(&file, "[[job]]\nname = \"h\"\npaths_from = \"bootstrap\"\n").unwrap();
    let names: &[&str] = if has_bootstrap {
        &["job `h`"]
    } else {
        &["job `h`", "paths_from", "does not have"]
    };
    fails_naming(&batch(&file, &out, false), names);
    assert!(!out.exists());
}

#[test]
fn a_killed_batch_resumed_reruns_only_the_jobs_that_had_not_finished() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let file = d.path().join("jobs.toml");
    // The jobs share the model, so the process builds its pricing tables once.
    std::fs::write(
        &file,
        r#"
[[job]]
name = "first"
paths = 200
horizon_days = 21
backend = "cpu"
hedges = ["none", "alvh"]

[[job]]
name = "second"
paths = 4000
horizon_days = 21
backend = "cpu"
hedges = "none,alvh,vxth"
set = ["simulation.batch_paths=100"]

[[job]]
name = "third"
paths = 200
horizon_days = 21
seed = 9
backend = "cpu"
hedges = ["none", "alvh"]
"#,
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vixhedge"))
        .args([
            "batch",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while !out.join("first/summary.json").exists() {
        assert!(child.try_wait().unwrap().is_none(), "the batch ended early");
        assert!(t.elapsed() < Duration::from_secs(600));
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !out.join("second/summary.json").exists(),
        "the second job had finished"
    );
    let first = std::fs::read(out.join("first/summary.json")).unwrap();
    let modified = std::fs::metadata(out.join("first/summary.json"))
        .unwrap()
        .modified()
        .unwrap();

    let o = batch(&file, &out, true);
    ok(&o, "the resumed batch");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("batch.json")).unwrap()).unwrap();
    let status: Vec<&str> = json["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["status"].as_str().unwrap())
        .collect();
    assert_eq!(status[0], "skipped");
    assert!(matches!(status[1], "done" | "resumed"), "{status:?}");
    assert_eq!(status[2], "done");
    assert_eq!(
        std::fs::read(out.join("first/summary.json")).unwrap(),
        first
    );
    assert_eq!(
        std::fs::metadata(out.join("first/summary.json"))
            .unwrap()
            .modified()
            .unwrap(),
        modified,
        "the finished job was written again"
    );
    for job in ["first", "second", "third"] {
        let s = crate::util::cli::summary(&out.join(job));
        let verdict = s["verdict"]["text"].as_str().unwrap();
        for f in ["batch.md", "batch.json"] {
            let text = std::fs::read_to_string(out.join(f)).unwrap();
            assert!(
                text.contains(job) && text.contains(verdict),
                "{f} lacks {job}'s verdict"
            );
        }
    }
    // Everything up to date: a second resume runs nothing.
    let o = batch(&file, &out, true);
    ok(&o, "the second resume");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.matches("skipped, its outputs are up to date").count(),
        3,
        "{err}"
    );
    assert!(!err.contains("pricing tables"), "{err}");
}
