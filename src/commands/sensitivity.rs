//! `vixhedge sensitivity`: what flips the verdict. The run's study on the
//! base configuration and on each one-at-a-time bump of the assumptions that
//! decide the answer (`vixhedge::sweep::sensitivity`), every variant a `run`
//! on the same paths into `<out>/variants/<i>/`; then `sensitivity.json`,
//! `report.md` and `tornado.svg`. Variants that differ only in the hedge
//! programs' own keys and in `[regimes]` (the hedge's strike, tenor and size,
//! the regime boundaries and definition) run as one study, as a sweep's
//! points do (`super::pack`); each variant's files are still those of a
//! plain `run` with its settings.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::outdir;
use super::pack::Packs;
use super::progress::INTERRUPTED;
use super::run::{execute_pack, programs_of, Outcome as RunOutcome};
use crate::cli::{RunArgs, SensitivityArgs};
use vixhedge::report::verdict::CLAIM_REGIME;
use vixhedge::report::{self, LineSet, StudySummary};
use vixhedge::sweep::sensitivity::{self as sens, Measured, Outcome, Variant};

/// The files a finished sensitivity study writes into its output directory.
const FILES: [&str; 3] = ["sensitivity.json", "report.md", "tornado.svg"];

/// Runs the sensitivity study of `args`.
///
/// # Errors
/// Bad input (before any work), a failed run, a failed write.
pub fn run(args: &SensitivityArgs) -> Result<i32> {
    let out = args.run.out.clone();
    outdir::check("--out", &out)?;
    if args.run.resume || args.run.shard.is_some() || args.run.export_paths {
        bail!("sensitivity: --resume, --shard and --export-paths are for run and sweep");
    }
    let (base, _) = super::load_config(&args.run.layers())?;
    if !args.line.starts_with("alvh") && !args.line.starts_with("static") && args.line != "vxth" {
        bail!(
            "--line {}: must be a hedge program of the run (alvh, static, vxth, ...)",
            args.line
        );
    }
    let line = args.line.clone();
    let lines = LineSet::new(&programs_of(&args.run.hedges), &base.hedge.units_ladder)
        .context("hedge.units_ladder")?;
    if lines.index_of(&line).is_none() {
        bail!("--line {line}: not a line of the run (see --hedges)");
    }
    let all = sens::assumptions(&base);
    if let Some(bad) = args
        .only
        .iter()
        .find(|n| !all.iter().any(|a| &a.name == *n))
    {
        let names: Vec<&str> = all.iter().map(|a| a.name.as_str()).collect();
        bail!(
            "--only {bad:?}: no such assumption (one of: {})",
            names.join(", ")
        );
    }
    let mut variants: Vec<(String, String, Variant)> = Vec::new();
    for a in all {
        if !args.only.is_empty() && !args.only.contains(&a.name) {
            continue;
        }
        for v in a.variants {
            if v.step.unsigned_abs() <= args.max_step {
                variants.push((a.name.clone(), a.what.clone(), v));
            }
        }
    }
    let quiet = args.run.json;
    if !quiet {
        eprintln!(
            "sensitivity of {line}: the base and {} bumps x {} paths x {} days on the same paths",
            variants.len(),
            base.simulation.paths,
            base.simulation.horizon_days
        );
    }
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let total = variants.len() + 1;
    let names: Vec<String> =
        std::iter::once(format!("variant 0 of {total}: base"))
            .chain(variants.iter().enumerate().map(|(i, (name, _, v))| {
                format!("variant {} of {total}: {name} {}", i + 1, v.label)
            }))
            .collect();
    // Every variant's run (0 the base), or why its configuration is refused;
    // the runs that share their paths grouped into packs, each one study.
    let mut measured: Vec<Option<Result<Measured, String>>> = vec![None; total];
    let mut packs = Packs::new();
    for i in 0..total {
        let sets = if i == 0 {
            &[][..]
        } else {
            &variants[i - 1].2.sets[..]
        };
        let r = variant_args(&args.run, sets, &variant_dir(&out, i));
        match super::load_config(&r.layers()) {
            Ok((config, _)) => packs
                .add(i, &r, &config, None)
                .with_context(|| names[i].clone())?,
            Err(e) => measured[i] = Some(Err(format!("{e:#}"))),
        }
    }
    if !quiet {
        eprintln!(
            "{total} variants in {} studies: variants whose configurations differ only in the programs' own keys and [regimes] share one",
            packs.len()
        );
    }
    if let Some(Some(Err(e))) = measured.first() {
        bail!("the base configuration: {e}");
    }
    for pack in packs.by_tables() {
        let label = match pack.ids.as_slice() {
            [one] => names[*one].clone(),
            many => {
                let ids: Vec<String> = many.iter().map(ToString::to_string).collect();
                format!("variants {} of {total}", ids.join(", "))
            }
        };
        if !quiet {
            match pack.announce(&label, "variants") {
                Some(msg) => {
                    eprintln!("{msg}:");
                    for &i in &pack.ids {
                        eprintln!("  {}", names[i]);
                    }
                }
                None => eprintln!("{label}"),
            }
        }
        let outcomes = execute_pack(&pack.args, &label)?;
        for (&i, outcome) in pack.ids.iter().zip(outcomes) {
            let summary = match outcome {
                RunOutcome::Done(Some(s)) => s,
                RunOutcome::Done(None) => bail!("{}: no summary", names[i]),
                RunOutcome::Interrupted => return Ok(INTERRUPTED),
            };
            measured[i] = Some(Ok(measure(&summary, &names[i], &line)?));
        }
    }
    let mut measured = measured
        .into_iter()
        .map(|m| m.expect("every variant ran or was refused"));
    let base_m = measured
        .next()
        .expect("the base")
        .map_err(|e| anyhow::anyhow!("the base configuration: {e}"))?;
    let outcomes: Vec<Outcome> = variants
        .into_iter()
        .zip(measured)
        .map(|((name, what, v), m)| {
            let (measured, refused) = match m {
                Ok(m) => (Some(m), None),
                Err(e) => (None, Some(e)),
            };
            Outcome {
                assumption: name,
                what,
                variant: v,
                measured,
                refused,
            }
        })
        .collect();
    let header = format!(
        "{} paths x {} trading days, seed {}; each bump a `vixhedge run` under `variants/<i>/` \
         (0 is the base).",
        base.simulation.paths, base.simulation.horizon_days, base.simulation.seed
    );
    let doc = serde_json::json!({
        "line": line,
        "regime": CLAIM_REGIME,
        "paths": base.simulation.paths,
        "horizon_days": base.simulation.horizon_days,
        "seed": base.simulation.seed,
        "units": {
            "cut": "fraction: 1 - mean max drawdown of the line / that of none on the same paths",
            "drag": "fraction of capital per year (positive: a cost)",
        },
        "base": measured_json(&base_m),
        "bumps": outcomes.iter().enumerate().map(|(i, o)| serde_json::json!({
            "variant": i + 1,
            "assumption": o.assumption,
            "label": o.variant.label,
            "step": o.variant.step,
            "sets": o.variant.sets,
            "measured": o.measured.as_ref().map(measured_json),
            "refused": o.refused,
        })).collect::<Vec<_>>(),
        "smallest_change_to_claimed_cut": outcomes
            .iter()
            .map(|o| o.assumption.clone())
            .fold(Vec::<String>::new(), |mut v, n| { if !v.contains(&n) { v.push(n); } v })
            .iter()
            .map(|n| serde_json::json!({
                "assumption": n,
                "change": sens::smallest_reaching(&outcomes, n).map(|o| o.variant.label.clone()),
            }))
            .collect::<Vec<_>>(),
    });
    let svg = sens::tornado_svg(&base_m, &outcomes)
        .map_err(|e| anyhow::anyhow!("drawing tornado.svg: {e}"))?;
    let files: Vec<(String, Vec<u8>)> = vec![
        (FILES[0].into(), serde_json::to_vec_pretty(&doc)?),
        (
            FILES[1].into(),
            sens::report_md(&header, &line, &base_m, &outcomes).into_bytes(),
        ),
        (FILES[2].into(), svg.into_bytes()),
    ];
    report::write_files_atomic(&out, &files)?;
    if args.run.json {
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!("{}", sens::report_md(&header, &line, &base_m, &outcomes));
        eprintln!("wrote {} to {}", FILES.join(", "), out.display());
    }
    Ok(0)
}

fn variant_dir(out: &Path, i: usize) -> PathBuf {
    out.join("variants").join(i.to_string())
}

fn measured_json(m: &Measured) -> serde_json::Value {
    serde_json::json!({
        "cut": m.cut, "cut_ci95": m.cut_ci95, "drag": m.drag, "drag_ci95": m.drag_ci95,
        "paths": m.paths,
    })
}

/// The `run` command line of a variant: the command line's with `sets`
/// after its `--set`s, into `dir`.
fn variant_args(base: &RunArgs, sets: &[String], dir: &Path) -> RunArgs {
    let mut r = base.clone();
    r.set.extend(sets.iter().cloned());
    r.out = dir.to_path_buf();
    r.json = false;
    r
}

/// The measured moderate-stress figures of `line` in a variant's summary
/// (`label` names the variant).
fn measure(summary: &StudySummary, label: &str, line: &str) -> Result<Measured> {
    let regime = summary
        .regimes
        .iter()
        .find(|(n, _)| *n == CLAIM_REGIME)
        .map(|(_, r)| r)
        .with_context(|| format!("{label}: no {CLAIM_REGIME} regime"))?;
    let s = regime
        .strategies
        .iter()
        .find(|(n, _)| *n == line)
        .map(|(_, s)| s)
        .with_context(|| format!("--line {line}: not a line of the run (see --hedges)"))?;
    Ok(Measured {
        cut: s.drawdown_reduction.mean_ratio,
        cut_ci95: s.drawdown_reduction.ci95,
        drag: s.annual_drag,
        drag_ci95: s.annual_drag_ci95,
        paths: regime.paths,
    })
}
