//! `vixhedge merge DIR... --out DIR`: the shards' exact partial results merged
//! into the outputs the one-process run writes.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::outdir;
use super::run::{finish, output_files};
use crate::cli::MergeArgs;
use vixhedge::config::Config;
use vixhedge::report::partial::{PartialResult, CHECKPOINT_FILE, PARTIAL_FILE};
use vixhedge::report::{self, RunInfo, StudyAccumulator, StudySummary};

/// Merges the shards in `args.dirs` and writes the outputs into `args.out`.
///
/// # Errors
/// A directory without a finished partial result, shards of different
/// studies or backends, overlapping or missing path ranges (each named), or
/// a failed write. Nothing is written on an error.
pub fn run(args: &MergeArgs) -> Result<i32> {
    outdir::check("--out", &args.out)?;
    if super::sweep::is_sweep(&args.dirs[0]) {
        return super::sweep::merge(args);
    }
    let (summary, shards, files) = merge_dirs(&args.dirs, &args.out)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", report::render::verdict_table(&summary));
        eprintln!(
            "merged {shards} shards ({} paths) into {}: wrote {files} files",
            summary.paths,
            args.out.display(),
        );
    }
    Ok(0)
}

/// Merges the shards in `dirs` and writes the outputs into `out`; returns
/// the summary, the number of shards and the number of files written.
///
/// # Errors
/// As [`run`].
pub(crate) fn merge_dirs(dirs: &[PathBuf], out: &Path) -> Result<(StudySummary, usize, usize)> {
    let mut shards: Vec<(PathBuf, PartialResult)> = Vec::with_capacity(dirs.len());
    for dir in dirs {
        shards.push((dir.clone(), read_shard(dir)?));
    }
    let (first_dir, first) = &shards[0];
    for (dir, p) in &shards[1..] {
        if p.config_hash != first.config_hash {
            bail!(
                "{} and {} are shards of different studies (config {} and {})",
                first_dir.display(),
                dir.display(),
                first.config_hash,
                p.config_hash
            );
        }
        if p.backend != first.backend {
            bail!(
                "{} and {} ran on different backends ({} and {}); their statistics would not be one study's",
                first_dir.display(),
                dir.display(),
                first.backend,
                p.backend
            );
        }
        if p.program_version != first.program_version {
            eprintln!(
                "warning: {} and {} were written by vixhedge {} and {}",
                first_dir.display(),
                dir.display(),
                first.program_version,
                p.program_version
            );
        }
    }
    check_tiling(&mut shards)?;

    let (_, head) = &shards[0];
    let config = Config::from_toml_str(&head.config).with_context(|| {
        format!(
            "{}: its configuration",
            shards[0].0.join(PARTIAL_FILE).display()
        )
    })?;
    super::print_warnings(&config)?;
    if super::run::study_hash_of(&config, &head.hedges, head.bootstrap.as_ref()) != head.config_hash
    {
        bail!(
            "{}: its configuration does not match its config_hash (was it edited?)",
            shards[0].0.join(PARTIAL_FILE).display()
        );
    }
    let mut acc: Option<StudyAccumulator> = None;
    for (dir, p) in &shards {
        let part = p
            .accumulator()
            .with_context(|| format!("{}", dir.join(PARTIAL_FILE).display()))?;
        match &mut acc {
            None => acc = Some(part),
            Some(a) => a
                .merge(&part)
                .with_context(|| format!("{}", dir.join(PARTIAL_FILE).display()))?,
        }
    }
    let acc = acc.expect("at least one shard");
    let elapsed: f64 = shards.iter().map(|(_, p)| p.elapsed_s).sum();
    let mut adapters: Vec<&str> = Vec::new();
    for (_, p) in &shards {
        if !adapters.contains(&p.adapter.as_str()) {
            adapters.push(&p.adapter);
        }
    }
    let steps = f64::from(config.sim_params()?.n_steps);
    let info = RunInfo {
        seed: config.simulation.seed,
        backend: head.backend.clone(),
        adapter: adapters.join("; "),
        elapsed_s: elapsed,
        path_steps_per_s: head.paths as f64 * steps / elapsed.max(1e-9),
        config_hash: head.config_hash.clone(),
    };
    let mut summary = report::summarize(&acc, info);
    let spec = vixhedge::strategy::spec::BookSpec::from_config(&config, &head.hedges)
        .context("building the books")?;
    let layers = vixhedge::config::Layers {
        config: Some(shards[0].0.join(PARTIAL_FILE)),
        ..vixhedge::config::Layers::default()
    };
    summary.resolved =
        Some(vixhedge::config::InForce::new(&config, &layers).with_programs(spec.in_force()));
    let files = output_files(&summary, &acc, &config)?;
    finish(out, &files, &[])?;
    Ok((summary, shards.len(), files.len()))
}

fn read_shard(dir: &Path) -> Result<PartialResult> {
    let path = dir.join(PARTIAL_FILE);
    if !path.is_file() {
        let checkpoint = dir.join(CHECKPOINT_FILE);
        if let Ok(cp) = PartialResult::read(&checkpoint) {
            bail!(
                "{}: the shard has not finished (its checkpoint has paths {}..{} of {}..{}); `vixhedge run --resume --out {}` continues it",
                dir.display(),
                cp.range[0],
                cp.next_path,
                cp.range[0],
                cp.range[1],
                dir.display()
            );
        }
        bail!(
            "{}: no {PARTIAL_FILE} (not the output directory of a `run --shard I/N`)",
            dir.display()
        );
    }
    let p = PartialResult::read(&path)?;
    if !p.is_finished() {
        bail!(
            "{}: paths {}..{} of {}..{} only",
            path.display(),
            p.range[0],
            p.next_path,
            p.range[0],
            p.range[1]
        );
    }
    Ok(p)
}

/// Sorts the shards by range and checks that the ranges tile the study's
/// paths `0..P`: no overlap, no gap, nothing missing at either end.
fn check_tiling(shards: &mut [(PathBuf, PartialResult)]) -> Result<()> {
    shards.sort_by_key(|(_, p)| (p.range[0], p.range[1]));
    let paths = shards[0].1.paths;
    let show = |(dir, p): &(PathBuf, PartialResult)| {
        format!("{} (paths {}..{})", dir.display(), p.range[0], p.range[1])
    };
    let mut covered = 0u64;
    let mut prev: Option<&(PathBuf, PartialResult)> = None;
    for s in shards.iter() {
        let [first, end] = s.1.range;
        if first < covered {
            let other = prev.expect("covered > 0 only after a shard");
            bail!("shards overlap: {} and {}", show(other), show(s));
        }
        if first > covered {
            let before = prev.map_or_else(|| "the start".to_string(), show);
            bail!(
                "paths {covered}..{first} of {paths} are missing: no shard between {before} and {}",
                show(s)
            );
        }
        // An empty range (more shards than paths) covers nothing and overlaps nothing.
        if end > first {
            covered = end;
            prev = Some(s);
        }
    }
    if covered < paths {
        let last = prev.map_or_else(|| "the start".to_string(), show);
        bail!("paths {covered}..{paths} of {paths} are missing: no shard after {last}");
    }
    Ok(())
}
