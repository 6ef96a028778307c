//! `vixhedge sensitivity`: what flips the verdict. The run's study on the
//! base configuration and on each one-at-a-time bump of the assumptions that
//! decide the answer (`vixhedge::sweep::sensitivity`), every variant a `run`
//! on the same paths into `<out>/variants/<i>/`; then `sensitivity.json`,
//! `report.md` and `tornado.svg`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::outdir;
use super::progress::INTERRUPTED;
use super::run::{execute, Outcome as RunOutcome};
use crate::cli::{RunArgs, SensitivityArgs};
use vixhedge::report;
use vixhedge::report::verdict::CLAIM_REGIME;
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
    let Some(base_m) = measure(&args.run, &[], &variant_dir(&out, 0), "base", &line)? else {
        return Ok(INTERRUPTED);
    };
    let base_m = base_m.map_err(|e| anyhow::anyhow!("the base configuration: {e}"))?;
    let mut outcomes = Vec::with_capacity(variants.len());
    for (i, (name, what, v)) in variants.into_iter().enumerate() {
        let label = format!("bump {}/{}: {name} {}", i + 2, total, v.label);
        if !quiet {
            eprintln!("{label}");
        }
        let Some(m) = measure(&args.run, &v.sets, &variant_dir(&out, i + 1), &label, &line)? else {
            return Ok(INTERRUPTED);
        };
        let (measured, refused) = match m {
            Ok(m) => (Some(m), None),
            Err(e) => (None, Some(e)),
        };
        outcomes.push(Outcome {
            assumption: name,
            what,
            variant: v,
            measured,
            refused,
        });
    }
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

/// Runs the study with `sets` after the command line's into `dir`; its
/// measured figures of `line`, or why the configuration was refused (`Err`);
/// `None` when a signal stopped it.
fn measure(
    base: &RunArgs,
    sets: &[String],
    dir: &Path,
    label: &str,
    line: &str,
) -> Result<Option<Result<Measured, String>>> {
    let mut r = base.clone();
    r.set.extend(sets.iter().cloned());
    r.out = dir.to_path_buf();
    r.json = false;
    if let Err(e) = super::load_config(&r.layers()) {
        return Ok(Some(Err(format!("{e:#}"))));
    }
    let summary = match execute(&r, label, false)? {
        RunOutcome::Done(Some(s)) => s,
        RunOutcome::Done(None) => bail!("{label}: no summary"),
        RunOutcome::Interrupted => return Ok(None),
    };
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
    Ok(Some(Ok(Measured {
        cut: s.drawdown_reduction.mean_ratio,
        cut_ci95: s.drawdown_reduction.ci95,
        drag: s.annual_drag,
        drag_ci95: s.annual_drag_ci95,
        paths: regime.paths,
    })))
}
