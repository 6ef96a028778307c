//! Partial results and shards: the accumulator state written to JSON and read
//! back is the same accumulator bit for bit, accumulators of path ranges
//! merged from their files equal the one-process accumulator, and `run
//! --shard I/N` merged by `vixhedge merge` writes the one-process summary.

use std::path::{Path, PathBuf};

use crate::util::cli::{fails_naming, ok, reference, statistics, summary, vixhedge, STUDY};
use crate::util::report_data::{accumulate, batch, layout, run_info};
use vixhedge::config::HedgeProgram;
use vixhedge::report::partial::Shard;
use vixhedge::report::state::AccumulatorState;
use vixhedge::report::{summarize, StudyAccumulator};

fn through_json(acc: &StudyAccumulator) -> StudyAccumulator {
    let text = serde_json::to_string(&acc.to_state()).unwrap();
    let state: AccumulatorState = serde_json::from_str(&text).unwrap();
    StudyAccumulator::from_state(&state).unwrap()
}

#[test]
fn the_accumulator_state_reads_back_bit_for_bit_and_ranges_merge_exactly() {
    let l = layout(
        &[HedgeProgram::None, HedgeProgram::Alvh, HedgeProgram::Vxth],
        &[0.5, 2.0],
    );
    let lines = l.lines.len();
    let n = 3000;
    let whole = accumulate(&l, 11, n, 700);
    assert_eq!(through_json(&whole), whole);
    // An empty accumulator (worst day still +infinity) too.
    let empty = StudyAccumulator::new(l.clone()).unwrap();
    assert_eq!(through_json(&empty), empty);
    for count in [1u32, 3, 7] {
        let mut merged = StudyAccumulator::new(l.clone()).unwrap();
        // Merge in reverse order: order must not matter.
        for index in (0..count).rev() {
            let [first, end] = Shard { index, count }.range(n);
            let mut part = StudyAccumulator::new(l.clone()).unwrap();
            part.push_batch(&batch(11, first, end - first, lines))
                .unwrap();
            merged.merge(&through_json(&part)).unwrap();
        }
        assert_eq!(merged, whole, "{count} shards");
        assert_eq!(
            summarize(&merged, run_info()),
            summarize(&whole, run_info()),
            "{count} shards"
        );
    }
}

#[test]
fn shard_ranges_tile_the_paths() {
    for (paths, count) in [
        (10u64, 3u32),
        (7, 7),
        (5, 7),
        (1_000_003, 4),
        (u64::MAX / 2, 5),
    ] {
        let mut next = 0;
        for index in 0..count {
            let [first, end] = Shard { index, count }.range(paths);
            assert_eq!(first, next, "{paths} paths, shard {index}/{count}");
            assert!(end >= first);
            next = end;
        }
        assert_eq!(next, paths);
    }
    assert_eq!(Shard { index: 1, count: 3 }.range(10), [3, 6]);
}

/// `run --shard` for each of `count` shards (with `batch` paths a batch) into
/// `dir/s<count>-<i>`, returning the directories.
fn run_shards(dir: &Path, count: u32, batch: &str) -> Vec<PathBuf> {
    (0..count)
        .map(|i| {
            let out = dir.join(format!("s{count}-{i}"));
            let shard = format!("{i}/{count}");
            let set = format!("simulation.batch_paths={batch}");
            let mut args = vec!["run"];
            args.extend(STUDY);
            args.extend(["--shard", &shard, "--set", &set]);
            args.extend(["--out", out.to_str().unwrap()]);
            let o = vixhedge(&args);
            ok(&o, &format!("shard {shard}"));
            assert!(out.join("partial.json").is_file());
            assert!(
                !out.join("summary.json").exists(),
                "a shard writes no summary"
            );
            assert!(!out.join("checkpoint.json").exists());
            out
        })
        .collect()
}

fn merge(dirs: &[PathBuf], out: &Path) -> std::process::Output {
    let mut args: Vec<&str> = vec!["merge"];
    args.extend(dirs.iter().map(|d| d.to_str().unwrap()));
    args.extend(["--out", out.to_str().unwrap()]);
    vixhedge(&args)
}

#[test]
fn shards_merged_equal_the_one_process_run_bit_for_bit() {
    let reference = reference();
    let d = tempfile::tempdir().unwrap();
    // N = 1, 3 and 7, each with its own batch size (7 does not divide the shards).
    let mut sets = Vec::new();
    for (count, batch) in [(1, "0"), (3, "7"), (7, "300")] {
        let dirs = run_shards(d.path(), count, batch);
        let mut reversed = dirs.clone();
        reversed.reverse(); // merge must not depend on the order given
        let out = d.path().join(format!("merged{count}"));
        let o = merge(&reversed, &out);
        ok(&o, &format!("merging {count} shards"));
        let merged = summary(&out);
        assert_eq!(&statistics(merged), reference, "{count} shards");
        for f in [
            "report.md",
            "config.toml",
            "drawdown_hist.csv",
            "units_ladder.svg",
        ] {
            assert!(out.join(f).is_file(), "{count} shards: {f}");
        }
        sets.push(dirs);
    }

    // Refusals, each one line naming the directories and ranges.
    let three = &sets[1];
    let seven = &sets[2];
    let out = d.path().join("refused");
    let s = |p: &PathBuf| p.to_str().unwrap().to_string();
    // A shard missing: 1/3 covers paths 666..1333.
    let o = merge(&[three[0].clone(), three[2].clone()], &out);
    fails_naming(&o, &["666..1333", "missing"]);
    // The first and the last shard missing.
    let o = merge(&three[1..], &out);
    fails_naming(&o, &["0..666", "missing"]);
    let o = merge(&three[..2], &out);
    fails_naming(&o, &["1333..2000", "missing"]);
    // Overlapping: 3 shards and one of the 7-shard set.
    let mut overlap = three.clone();
    overlap.push(seven[3].clone());
    let o = merge(&overlap, &out);
    fails_naming(&o, &["overlap", &s(&seven[3])]);
    // The same shard twice.
    let o = merge(&[three[0].clone(), three[0].clone()], &out);
    fails_naming(&o, &["overlap", &s(&three[0])]);
    // A shard of another study: shard 2/3 with another config hash.
    let other = d.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let text = std::fs::read_to_string(three[2].join("partial.json")).unwrap();
    let mut p: serde_json::Value = serde_json::from_str(&text).unwrap();
    p["config_hash"] = "sha256:0000".into();
    std::fs::write(other.join("partial.json"), p.to_string()).unwrap();
    let o = merge(&[three[0].clone(), three[1].clone(), other.clone()], &out);
    fails_naming(&o, &["different studies", &s(&other)]);
    // A directory that holds no shard.
    let o = merge(&[three[0].clone(), d.path().join("merged3")], &out);
    fails_naming(&o, &["merged3", "partial.json"]);
    assert!(!out.exists(), "a refused merge wrote {}", out.display());
}

#[test]
fn bad_shards_are_refused_naming_the_flag() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    for bad in ["3/3", "1/0", "a/2", "2", "-1/3"] {
        let o = vixhedge(&[
            "run",
            "--paths",
            "10",
            "--shard",
            bad,
            "--out",
            out.to_str().unwrap(),
        ]);
        fails_naming(&o, &["--shard"]);
    }
    assert!(!out.exists());
}
