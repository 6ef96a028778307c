//! `vixhedge bench`: path- and study-kernel throughput per backend, and
//! `bench compare` of recorded runs.

use anyhow::{bail, Context, Result};

use crate::cli::{BenchAction, BenchArgs, BenchKernel};
use vixhedge::config::{Config, HedgeProgram};
use vixhedge::study::StudySetup;

/// Times the path kernel of the `default` preset (under P) on each backend over
/// the same seed and paths, and prints a table or the JSON document.
///
/// # Errors
/// Bad sizes, or a backend that cannot start or fails.
pub fn run(args: &BenchArgs) -> Result<i32> {
    if let Some(BenchAction::Compare { files, json }) = &args.action {
        return compare(files, *json);
    }
    let (config, in_force) = super::load_config(&args.layers())?;
    super::announce(&config, &in_force)?;
    if args.backends.is_empty() {
        bail!("--backends: name at least one of cpu, gpu");
    }
    if args.reference && args.kernel != BenchKernel::Study {
        bail!("--reference: the f64 reference books run with --kernel study only");
    }
    if args.kernel == BenchKernel::Study {
        return study(args, &config);
    }
    let sim = &config.simulation;
    let params = config.sim_params()?;
    let paths = usize::try_from(sim.paths).context("simulation.paths does not fit this machine")?;
    let batch = usize::try_from(sim.batch_paths).ok().filter(|&b| b > 0);
    if !args.json {
        eprintln!(
            "timing {} paths x {} steps on {:?} (best of 3 after a warm-up)",
            paths, params.n_steps, args.backends
        );
    }
    let mut report = vixhedge::bench::run(&params, paths, &args.backends, 3, batch)?;
    report.config = config_identity(&config);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(0);
    }
    println!("{} paths x {} steps", report.paths, report.steps);
    println!(
        "{:<8} {:>10} {:>18} {:>8}  adapter",
        "backend", "seconds", "path-steps/s", "ratio"
    );
    let base = report.results.first().map_or(1.0, |r| r.path_steps_per_s);
    for r in &report.results {
        println!(
            "{:<8} {:>10.3} {:>18.4e} {:>8.2}  {}",
            r.backend,
            r.seconds,
            r.path_steps_per_s,
            r.path_steps_per_s / base,
            r.adapter
        );
    }
    if let Some(d) = report.max_abs_diff {
        println!("largest per-path |difference| of the final log price: {d:.3e}");
    }
    Ok(0)
}

/// `bench --kernel study`: the full study kernel (`default` preset, every
/// hedge program) on each backend, batch by batch over the same paths.
fn study(args: &BenchArgs, config: &Config) -> Result<i32> {
    let sim = &config.simulation;
    let paths = usize::try_from(sim.paths).context("simulation.paths does not fit this machine")?;
    let batch = match usize::try_from(sim.batch_paths).unwrap_or(usize::MAX) {
        0 => None,
        b => Some(b),
    };
    if !args.json {
        eprintln!("building pricing tables ...");
    }
    let setup = StudySetup::from_config(config, &HedgeProgram::ALL)?;
    if !args.json {
        eprintln!(
            "timing the study kernel: {paths} paths x {} days, {} programs, on {:?}",
            setup.horizon_days,
            HedgeProgram::ALL.len(),
            args.backends
        );
    }
    let t = std::time::Instant::now();
    let quiet = args.json;
    let identity = config_identity(config);
    let report = vixhedge::bench::run_study(
        &setup,
        &identity,
        paths,
        &args.backends,
        batch,
        args.reference,
        |done| {
            if !quiet {
                eprintln!("  {done}/{paths} paths, {:.0} s", t.elapsed().as_secs_f64());
            }
        },
    )?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(0);
    }
    if let Some(m) = &report.machine {
        println!(
            "machine: {}, {} cores, {}, {}, commit {}",
            m.cpu, m.cores, m.os, m.rustc, m.commit
        );
    }
    println!(
        "study kernel: {} paths x {} days, {} programs, {} equity lines a path, batches of {} paths",
        report.paths,
        report.days,
        report.programs.len(),
        report.lines,
        report.batch_paths
    );
    println!(
        "{:<8} {:>10} {:>16} {:>16} {:>8}  adapter",
        "backend", "seconds", "path-steps/s", "path-days/s", "ratio"
    );
    let base = report.results.first().map_or(1.0, |r| r.path_steps_per_s);
    for r in &report.results {
        println!(
            "{:<8} {:>10.3} {:>16.4e} {:>16.4e} {:>8.2}  {}",
            r.backend,
            r.seconds,
            r.path_steps_per_s,
            r.path_days_per_s,
            r.path_steps_per_s / base,
            r.adapter
        );
    }
    for r in &report.results {
        if let Some(p) = r.gpu_phases {
            println!(
                "{}: kernel {:.3} s, readback {:.3} s, records to outcomes {:.3} s",
                r.backend, p.kernel_s, p.readback_s, p.convert_s
            );
        }
    }
    if let Some(k) = report.bit_identical_paths {
        println!(
            "{k}/{} paths bit-identical between {} and {} (every record word)",
            report.paths, report.results[0].backend, report.results[1].backend
        );
    }
    if let Some(a) = report.agreement {
        println!(
            "per path: {}/{} paths agree within tolerance (largest drawdown difference {:.2e}, \
             USD difference {:.2e} of capital); largest max-VIX difference {:.2e} relative",
            a.within_tolerance, a.paths, a.max_drawdown_diff, a.max_usd_diff, a.max_vix_diff
        );
    }
    if let Some(a) = report.reference_agreement {
        println!(
            "{} against the f64 reference books: {}/{} paths agree within tolerance (largest \
             drawdown difference {:.2e}, USD difference {:.2e} of capital); largest max-VIX \
             difference {:.2e} relative",
            report.results[0].backend,
            a.within_tolerance,
            a.paths,
            a.max_drawdown_diff,
            a.max_usd_diff,
            a.max_vix_diff
        );
    }
    Ok(0)
}

/// The configuration's identity for `bench compare`: the study hash with
/// every program and the path count left out (records of one configuration
/// at different sizes compare).
fn config_identity(config: &Config) -> String {
    let mut c = config.clone();
    c.simulation.paths = 0;
    c.study_hash(&HedgeProgram::ALL)
}

/// `bench compare FILE FILE...`.
fn compare(files: &[std::path::PathBuf], json: bool) -> Result<i32> {
    let mut records = Vec::new();
    for f in files {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        let v: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("{}: not JSON", f.display()))?;
        let name = f.file_name().map_or_else(
            || f.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        records.push((name, v));
    }
    let c = vixhedge::bench::compare::compare(&records).map_err(anyhow::Error::msg)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&c)?);
        return Ok(0);
    }
    println!(
        "{} kernel, config {}; rate = {}",
        c.kernel, c.config, c.rate
    );
    println!(
        "{:<40} {:>10} {:<9} {:>10} {:>12} {:>10} {:>9} {:>9}  adapter",
        "record", "paths", "backend", "seconds", "rate", "us/path", "vs 1st bk", "vs 1st rec"
    );
    for r in &c.rows {
        println!(
            "{:<40} {:>10} {:<9} {:>10.3} {:>12.4e} {:>10.2} {:>9.2} {:>9}  {}",
            r.record,
            r.paths,
            r.backend,
            r.seconds,
            r.rate,
            r.us_per_path,
            r.same_run_ratio,
            r.vs_first.map_or_else(|| "-".into(), |x| format!("{x:.2}")),
            r.adapter
        );
    }
    println!("machines:");
    for (name, m) in &c.machines {
        println!(
            "  {name}: {}",
            vixhedge::bench::compare::Comparison::describe_machine(m.as_ref())
        );
    }
    Ok(0)
}
