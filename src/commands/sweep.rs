//! `vixhedge sweep`: the run's study at every point of a grid of config
//! values, on the same paths; one row per point, the frontier and the best
//! design per drag budget.
//!
//! Each point is a `run` with the point's assignments appended to the
//! command line's `--set`s, written to `<out>/points/<i>/`, so its
//! `summary.json` is the one a plain `run` with those settings writes, bit
//! for bit (run facts aside). The sweep keeps its command line in
//! `<out>/sweep-plan.json`: `sweep --resume --out DIR` reruns only the points
//! that have not finished (continuing an interrupted point from its
//! checkpoint), and `vixhedge merge` of sharded sweeps merges point by point.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Parser as _;
use serde::{Deserialize, Serialize};

use super::outdir;
use super::pack::Packs;
use super::progress::INTERRUPTED;
use super::run::{execute_pack, Outcome};
use crate::cli::{Cli, Command, MergeArgs, RunArgs, SweepArgs};
use vixhedge::config::Config;
use vixhedge::report;
use vixhedge::report::partial::{CHECKPOINT_FILE, PARTIAL_FILE};
use vixhedge::sweep::{self as sw, Grid, Point, Row};

/// The sweep's command line, kept in its output directory.
pub const PLAN_FILE: &str = "sweep-plan.json";

/// The files a finished sweep writes into its output directory.
const SWEEP_FILES: [&str; 4] = ["sweep.csv", "sweep.json", "frontier.svg", "report.md"];

#[derive(Debug, Serialize, Deserialize)]
struct Plan {
    /// The command line of the sweep, program name first, without
    /// `--resume`.
    argv: Vec<String>,
}

/// Whether `dir` is the output directory of a sweep.
pub fn is_sweep(dir: &Path) -> bool {
    dir.join(PLAN_FILE).is_file()
}

/// Runs the sweep of `args`.
///
/// # Errors
/// Bad grids or values (before any work), a failed point, a failed write.
pub fn run(args: &SweepArgs) -> Result<i32> {
    let out = args.run.out.clone();
    if args.run.resume {
        let plan = read_plan(&out)?;
        let resumed = parse_plan(&plan, &out)?;
        return sweep(&resumed, true);
    }
    sweep(args, false)
}

fn read_plan(dir: &Path) -> Result<Plan> {
    let path = dir.join(PLAN_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("--resume: reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}", path.display()))
}

fn parse_plan(plan: &Plan, dir: &Path) -> Result<SweepArgs> {
    let cli = Cli::try_parse_from(&plan.argv).map_err(|e| {
        anyhow::anyhow!(
            "{}: {}",
            dir.join(PLAN_FILE).display(),
            crate::cli::usage_error_line(&e)
        )
    })?;
    match cli.command {
        Command::Sweep(mut a) => {
            a.run.out = dir.to_path_buf();
            Ok(a)
        }
        _ => bail!(
            "{}: not a sweep's command line",
            dir.join(PLAN_FILE).display()
        ),
    }
}

/// The points of `args`: its base configuration and the grids expanded.
fn resolve(args: &SweepArgs) -> Result<(Config, Vec<Point>)> {
    let r = &args.run;
    let (base, _) = super::load_config(&r.layers())?;
    let grids = args
        .grid
        .iter()
        .map(|g| Grid::parse(g))
        .collect::<Result<Vec<_>, _>>()?;
    let points = sw::points(&base, &grids, args.zip)?;
    Ok((base, points))
}

/// The `run` command line of point `p`: the sweep's, with the point's
/// assignments after the `--set`s, into `<out>/points/<i>`.
fn point_args(args: &SweepArgs, p: &Point, resume: bool) -> RunArgs {
    let mut r = args.run.clone();
    r.set.extend(p.sets.iter().cloned());
    r.out = point_dir(&args.run.out, p.index);
    r.json = false;
    r.resume = resume;
    r
}

fn point_dir(out: &Path, i: usize) -> PathBuf {
    out.join("points").join(i.to_string())
}

fn sweep(args: &SweepArgs, resume: bool) -> Result<i32> {
    let out = &args.run.out;
    outdir::check("--out", out)?;
    let (base, points) = resolve(args)?;
    let n = points.len();
    let quiet = args.run.json;
    if !quiet {
        eprintln!(
            "sweep: {n} points x {} paths x {} days on the same paths (seed {})",
            base.simulation.paths, base.simulation.horizon_days, base.simulation.seed
        );
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    if !resume {
        let mut argv: Vec<String> = std::env::args().collect();
        argv.retain(|a| a != "--resume");
        let plan = Plan { argv };
        report::write_atomic(&out.join(PLAN_FILE), &serde_json::to_vec_pretty(&plan)?)?;
    }
    let shard = args.run.shard.is_some();
    let mut summaries: Vec<(usize, serde_json::Value)> = Vec::with_capacity(n);
    let mut packs = Packs::new();
    for p in &points {
        let dir = point_dir(out, p.index);
        let label = format!("point {}/{n}", p.index + 1);
        let mut pargs = point_args(args, p, false);
        let mut start = None;
        if resume {
            if let Some(s) = finished(&dir, &pargs, shard)? {
                if !quiet {
                    eprintln!("{label}: finished earlier, kept");
                }
                if let Some(s) = s {
                    summaries.push((p.index, s));
                }
                continue;
            }
            let cp = dir.join(CHECKPOINT_FILE);
            if cp.is_file() {
                start = Some(
                    vixhedge::report::partial::PartialResult::read(&cp)
                        .with_context(|| format!("{}", cp.display()))?
                        .next_path,
                );
                pargs = point_args(args, p, true);
            }
        }
        if !quiet {
            let what: Vec<String> = p.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
            eprintln!("{label}: {}", what.join(" "));
        }
        let (config, _) = super::load_config(&point_args(args, p, false).layers())?;
        packs
            .add(p.index, &pargs, &config, start)
            .with_context(|| format!("point {}", p.index))?;
    }
    for pack in packs.iter() {
        let names: Vec<String> = pack.ids.iter().map(|i| (i + 1).to_string()).collect();
        let label = match names.as_slice() {
            [one] => format!("point {one}/{n}"),
            many => format!("points {} of {n}", many.join(", ")),
        };
        if let Some(line) = pack.announce(&label, "points").filter(|_| !quiet) {
            eprintln!("{line}");
        }
        let outcomes = execute_pack(&pack.args, &label)?;
        for (&i, outcome) in pack.ids.iter().zip(outcomes) {
            match outcome {
                Outcome::Done(Some(s)) => summaries.push((i, serde_json::to_value(&*s)?)),
                Outcome::Done(None) => {}
                Outcome::Interrupted => {
                    eprintln!(
                        "interrupted at {label}; continue the sweep with `vixhedge sweep --resume --out {}`",
                        out.display()
                    );
                    return Ok(INTERRUPTED);
                }
            }
        }
    }
    summaries.sort_by_key(|(i, _)| *i);
    let summaries: Vec<serde_json::Value> = summaries.into_iter().map(|(_, s)| s).collect();
    if shard {
        if !quiet {
            eprintln!(
                "wrote the shard's {n} points under {}; merge the shards with `vixhedge merge DIR... --out DIR`",
                out.display()
            );
        }
        return Ok(0);
    }
    write_sweep(out, &base, &points, &summaries, args.run.json)?;
    Ok(0)
}

/// The summary of a point that finished earlier with the same study, if
/// any (`Some(None)` for a finished shard point, which has no summary).
fn finished(dir: &Path, pargs: &RunArgs, shard: bool) -> Result<Option<Option<serde_json::Value>>> {
    let hash = super::run::study_hash(pargs)?;
    if shard {
        let path = dir.join(PARTIAL_FILE);
        if let Ok(p) = vixhedge::report::partial::PartialResult::read(&path) {
            if p.is_finished() && p.config_hash == hash {
                return Ok(Some(None));
            }
        }
        return Ok(None);
    }
    let path = dir.join(report::OUTPUT_FILES[0]);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let doc: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{}", path.display()))?;
    if doc["config_hash"].as_str() != Some(hash.as_str()) {
        return Ok(None);
    }
    Ok(Some(Some(doc)))
}

/// Writes `sweep.csv`, `sweep.json`, `frontier.svg` and `report.md`.
fn write_sweep(
    out: &Path,
    base: &Config,
    points: &[Point],
    summaries: &[serde_json::Value],
    json: bool,
) -> Result<()> {
    let rows: Vec<Row> = points
        .iter()
        .zip(summaries)
        .map(|(p, s)| Row::from_json(p, s))
        .collect();
    let regime = vixhedge::report::verdict::CLAIM_REGIME;
    let designs = sw::designs(&rows, regime);
    let best: Vec<serde_json::Value> = sw::DRAG_BUDGETS
        .iter()
        .map(|&b| {
            let d = sw::best_within(&designs, b);
            serde_json::json!({
                "drag_budget": b,
                "best": d.map(|d| serde_json::json!({
                    "point": d.point, "line": d.line, "cut": d.cut, "cut_ci95": d.cut_ci95,
                    "drag": d.drag, "drag_ci95": d.drag_ci95, "paths": d.paths,
                })),
            })
        })
        .collect();
    let doc = serde_json::json!({
        "paths": base.simulation.paths,
        "horizon_days": base.simulation.horizon_days,
        "seed": base.simulation.seed,
        "regime": regime,
        "units": {
            "cut": "fraction: 1 - mean max drawdown of the line / that of none on the same paths",
            "drag": "fraction of capital per year (positive: a cost)",
            "mean_max_drawdown": "fraction of the running peak",
        },
        "best_per_drag_budget": best,
        "points": rows,
    });
    let header = format!(
        "{} paths x {} trading days, seed {}; points under `points/<i>/` (each a `vixhedge run`).",
        base.simulation.paths, base.simulation.horizon_days, base.simulation.seed
    );
    let svg = sw::frontier::svg(&designs, regime)
        .map_err(|e| anyhow::anyhow!("drawing frontier.svg: {e}"))?;
    let files: Vec<(String, Vec<u8>)> = vec![
        (SWEEP_FILES[0].into(), sw::csv(&rows).into_bytes()),
        (SWEEP_FILES[1].into(), serde_json::to_vec_pretty(&doc)?),
        (SWEEP_FILES[2].into(), svg.into_bytes()),
        (
            SWEEP_FILES[3].into(),
            sw::report_md(&header, &rows).into_bytes(),
        ),
    ];
    report::write_files_atomic(out, &files)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!("{}", best_table(&designs));
        eprintln!(
            "wrote {} and {} point directories to {}",
            SWEEP_FILES.join(", "),
            points.len(),
            out.display()
        );
    }
    Ok(())
}

fn best_table(designs: &[sw::Design]) -> String {
    let mut s = String::from("best design per drag budget (moderate stress):\n");
    for b in sw::DRAG_BUDGETS {
        match sw::best_within(designs, b) {
            Some(d) => s.push_str(&format!(
                "  drag <= {:.0}%/yr: point {} {}: cut {:.2}% [{:.2}%, {:.2}%] at {:.2}%/yr\n",
                100.0 * b,
                d.point,
                d.line,
                100.0 * d.cut,
                100.0 * d.cut_ci95[0],
                100.0 * d.cut_ci95[1],
                100.0 * d.drag
            )),
            None => s.push_str(&format!("  drag <= {:.0}%/yr: no design\n", 100.0 * b)),
        }
    }
    s
}

/// `vixhedge merge` of sharded sweeps: every point merged from the shards'
/// `points/<i>/`, then the sweep's files.
///
/// # Errors
/// Shards of different sweeps, a point that fails to merge (named), a
/// failed write.
pub fn merge(args: &MergeArgs) -> Result<i32> {
    let first = &args.dirs[0];
    let plan = parse_plan(&read_plan(first)?, first)?;
    let strip = |p: &SweepArgs| {
        let mut q = p.clone();
        q.run.shard = None;
        q.run.out = PathBuf::new();
        format!("{q:?}")
    };
    let want = strip(&plan);
    for dir in &args.dirs[1..] {
        if !is_sweep(dir) {
            bail!(
                "{} is not the output of a sweep (no {PLAN_FILE}) but {} is",
                dir.display(),
                first.display()
            );
        }
        let other = parse_plan(&read_plan(dir)?, dir)?;
        if strip(&other) != want {
            bail!(
                "{} and {} are shards of different sweeps",
                first.display(),
                dir.display()
            );
        }
    }
    let (base, points) = resolve(&plan)?;
    let mut summaries = Vec::with_capacity(points.len());
    for p in &points {
        let dirs: Vec<PathBuf> = args.dirs.iter().map(|d| point_dir(d, p.index)).collect();
        let (s, _, _) = super::merge::merge_dirs(&dirs, &point_dir(&args.out, p.index))
            .with_context(|| format!("sweep point {}", p.index))?;
        summaries.push(serde_json::to_value(&s)?);
    }
    let mut argv = read_plan(first)?.argv;
    if let Some(i) = argv.iter().position(|a| a == "--shard") {
        argv.drain(i..(i + 2).min(argv.len()));
    }
    argv.retain(|a| !a.starts_with("--shard="));
    report::write_atomic(
        &args.out.join(PLAN_FILE),
        &serde_json::to_vec_pretty(&Plan { argv })?,
    )?;
    write_sweep(&args.out, &base, &points, &summaries, args.json)?;
    Ok(0)
}
