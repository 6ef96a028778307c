//! Long runs: a run stopped by SIGINT finishes its batch, writes its
//! checkpoint, says how to resume and exits with status 130; `run --resume`
//! then gives the uninterrupted run's statistics bit for bit, on both
//! backends. Progress lines when stderr is not a terminal, `--out` checked
//! before any work, and no output of an earlier run left beside a new one.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::cli::{fails_naming, ok, reference, statistics, summary, vixhedge, STUDY};

/// Starts `vixhedge run` with `args`, waits until its first checkpoint is in
/// `out`, and sends it SIGINT. Returns the process, still to be waited for.
fn interrupt_after_first_checkpoint(args: &[&str], out: &Path, env: &[(&str, &str)]) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vixhedge"))
        .args(args)
        .envs(env.iter().copied())
        .env("VIXHEDGE_PROGRESS_SECS", "0.05")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let t = Instant::now();
    while !out.join("checkpoint.json").exists() {
        if let Some(status) = child.try_wait().unwrap() {
            let o = child.wait_with_output().unwrap();
            panic!(
                "the run ended ({status}) before its first checkpoint: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        assert!(
            t.elapsed() < Duration::from_secs(600),
            "no checkpoint after 10 minutes"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    child
}

/// Interrupts `study` (with batches of `batch` paths, environment `env`) in
/// `out`, checks what an interrupted run leaves, resumes it and returns the
/// resumed summary's statistics.
fn interrupt_and_resume(
    study: &[&str],
    batch: &str,
    out: &Path,
    env: &[(&str, &str)],
) -> serde_json::Value {
    let out_s = out.to_str().unwrap();
    let set = format!("simulation.batch_paths={batch}");
    let mut args = vec!["run"];
    args.extend(study);
    args.extend(["--set", &set, "--out", out_s]);
    let child = interrupt_after_first_checkpoint(&args, out, env);
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "exit status: {err}");
    let resume_line = format!("vixhedge run --resume --out {out_s}");
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(&resume_line)).collect();
    assert_eq!(lines.len(), 1, "one line says how to resume: {err}");
    assert!(lines[0].starts_with("interrupted: paths 0.."), "{err}");
    assert!(
        err.contains("progress: "),
        "progress lines on a non-terminal: {err}"
    );
    let cp: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("checkpoint.json")).unwrap())
            .unwrap();
    let next = cp["next_path"].as_u64().unwrap();
    let end = cp["range"][1].as_u64().unwrap();
    assert!(next > 0 && next < end, "stopped part way: {next} of {end}");
    assert!(
        next.is_multiple_of(batch.parse::<u64>().unwrap()),
        "at a batch boundary"
    );
    assert!(!out.join("summary.json").exists());

    let o = vixhedge(&["run", "--resume", "--out", out_s]);
    ok(&o, "the resumed run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !out.join("checkpoint.json").exists(),
        "a finished run leaves no checkpoint"
    );
    // A finished run has nothing to resume.
    let again = vixhedge(&["run", "--resume", "--out", out_s]);
    fails_naming(&again, &["nothing to resume"]);
    assert!(!err.contains("interrupted"), "{err}");
    statistics(summary(out))
}

#[test]
fn a_run_stopped_by_sigint_resumes_to_the_uninterrupted_statistics_on_the_cpu() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("run");
    // Outputs of an earlier run, and a file of the user's, in the directory.
    std::fs::create_dir(&out).unwrap();
    for f in ["partial.json", "units_ladder.svg", "notes.txt"] {
        std::fs::write(out.join(f), "earlier").unwrap();
    }
    let resumed = interrupt_and_resume(&STUDY, "50", &out, &[]);
    assert_eq!(&resumed, reference());
    assert!(
        !out.join("partial.json").exists(),
        "a stale output survived"
    );
    assert!(
        !out.join("paths.parquet").exists(),
        "a stale output survived"
    );
    assert!(
        out.join("notes.txt").exists(),
        "a file of the user's was removed"
    );
}

/// The same on the GPU, with `tests/gpu_study.rs`'s study (so no new kernel
/// shape is compiled), against an uninterrupted GPU run.
#[test]
#[cfg_attr(skip_gpu, ignore = "skip_gpu: VIXHEDGE_SKIP_GPU=1 at build time")]
fn a_gpu_run_stopped_by_sigint_resumes_to_the_uninterrupted_statistics() {
    // Fails here, naming the reason, without an adapter.
    crate::util::gpu::device();
    let study = [
        "--paths",
        "1500",
        "--horizon-days",
        "42",
        "--seed",
        "3",
        "--backend",
        "gpu",
    ];
    let d = tempfile::tempdir().unwrap();
    let whole = d.path().join("whole");
    let mut args = vec!["run"];
    args.extend(study);
    args.extend(["--out", whole.to_str().unwrap()]);
    ok(&vixhedge(&args), "the uninterrupted GPU run");
    let resumed = interrupt_and_resume(&study, "100", &d.path().join("run"), &[]);
    assert_eq!(resumed["backend"], "gpu");
    assert_eq!(resumed, statistics(summary(&whole)));
    // Reduced on the device, read back every 0.2 s (so a stop may find
    // batches not yet read, which the last reading takes): the same
    // statistics. Batches of 20 paths, so the run lasts well past its first
    // reading (with batches of 100 it took about 1 s on lavapipe, and the
    // signal could come after the last batch had started).
    let mut device = study.to_vec();
    device.extend(["--reduce", "device"]);
    let resumed = interrupt_and_resume(
        &device,
        "20",
        &d.path().join("device"),
        &[("VIXHEDGE_CHECKPOINT_SECS", "0.2")],
    );
    assert_eq!(resumed, statistics(summary(&whole)));
}

#[test]
fn out_is_checked_before_any_work() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let under_file = file.join("sub");
    // Root may write anywhere it has permission bits for; /proc refuses everyone.
    let unwritable = Path::new("/proc/self/vixhedge-out");
    for (out, why) in [
        (file.as_path(), "not a directory"),
        (under_file.as_path(), "not a directory"),
        (unwritable, "cannot be created"),
    ] {
        let out_s = out.to_str().unwrap();
        let t = Instant::now();
        let o = vixhedge(&["run", "--paths", "100", "--backend", "cpu", "--out", out_s]);
        fails_naming(&o, &["--out", out_s, why]);
        // The pricing tables take seconds: failing in well under that means before any work.
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "{out_s}: took {:?}",
            t.elapsed()
        );
        let o = vixhedge(&["merge", d.path().to_str().unwrap(), "--out", out_s]);
        fails_naming(&o, &["--out", out_s]);
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    // --resume needs a checkpoint, and takes the study from it.
    let o = vixhedge(&["run", "--resume", "--out", d.path().to_str().unwrap()]);
    fails_naming(&o, &["--resume", "checkpoint.json"]);
    let o = vixhedge(&["run", "--resume", "--paths", "5", "--out", "x"]);
    fails_naming(&o, &["--resume", "--paths"]);
}
