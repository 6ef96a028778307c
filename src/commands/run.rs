//! `vixhedge run`: the study itself.

use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};

use crate::cli::RunArgs;
use vixhedge::backend::{Device, StudyEngine};
use vixhedge::config::{Config, HedgeProgram};
use vixhedge::report::{self, LineSet, RunInfo, StudyAccumulator, StudyLayout};
use vixhedge::strategy::spec::BookSpec;
use vixhedge::strategy::PathOutcome;
use vixhedge::study::lines::LineMap;
use vixhedge::study::StudySetup;

/// Runs the condor book and the hedge programs on every path, reduces, writes
/// the output files and prints the verdict table (or the summary as JSON).
///
/// # Errors
/// Bad input (before anything is written), or a failed write.
pub fn run(args: &RunArgs) -> Result<i32> {
    let config = super::load_config(args.config.as_deref(), args.preset.as_deref(), &args.sets())?;
    let boot = super::bootstrap::load(&args.source, args.json)?;
    let programs = programs_of(&args.hedges);
    let sim = &config.simulation;
    let paths =
        u32::try_from(sim.paths).context("simulation.paths must fit the 32-bit path index")?;
    let paths = paths as usize;
    let spec = BookSpec::from_config(&config, &programs).context("building the books")?;
    let lines =
        LineSet::new(&programs, &config.hedge.units_ladder).context("hedge.units_ladder")?;
    let map = LineMap::new(&lines, &spec)?;
    let layout = StudyLayout {
        lines,
        regimes: config.regimes.clone(),
        capital: config.condor.capital,
        horizon_days: sim.horizon_days,
    };
    let mut acc = StudyAccumulator::new(layout).context("setting up the reductions")?;

    let quiet = args.json;
    let backend =
        Device::new(args.backend).with_context(|| format!("--backend {}", args.backend.name()))?;
    if !quiet {
        eprintln!("{}", backend.describe_choice(args.backend));
        eprintln!(
            "building pricing tables (SPX implied vols, VIX futures and options) under Q ..."
        );
    }
    let t_tables = Instant::now();
    let setup = StudySetup::with_spec(&config, spec)?;
    let setup = super::bootstrap::apply(setup, boot);
    let engine = StudyEngine::new(&backend, &setup).context("building the GPU study kernel")?;
    if !quiet {
        let what = match backend {
            Device::Cpu => "tables",
            Device::Gpu(_) => "tables and the GPU study kernel",
        };
        eprintln!("{what} ready in {:.1} s", t_tables.elapsed().as_secs_f64());
    }
    let batch = match usize::try_from(sim.batch_paths).unwrap_or(usize::MAX) {
        0 => backend.default_batch(),
        b => b,
    };

    let t = Instant::now();
    let progress = !quiet && std::io::stderr().is_terminal();
    let finished = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| -> Result<()> {
        if progress {
            scope.spawn(|| show_progress(&finished, &stop, paths, t));
        }
        let result = simulate(&map, &mut acc, paths, batch, |first, n| {
            Ok(engine.run_paths(first, n, &finished)?)
        });
        stop.store(true, Ordering::Relaxed);
        result
    })?;
    let elapsed = t.elapsed().as_secs_f64();
    let steps = f64::from(setup.params.n_steps);
    let info = RunInfo {
        seed: sim.seed,
        backend: backend.name().into(),
        adapter: backend.adapter(),
        elapsed_s: elapsed,
        path_steps_per_s: paths as f64 * steps / elapsed.max(1e-9),
    };
    let summary = report::summarize(&acc, info);
    let mut files = report::render_outputs(&summary, &acc, &assumptions(&config))?;
    files.push(("config.toml".into(), config.to_toml_string().into_bytes()));
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    report::write_files_atomic(&args.out, &files)?;

    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", report::render::verdict_table(&summary));
        eprintln!("wrote {} files to {}", files.len(), args.out.display());
    }
    Ok(0)
}

/// Simulates every path in batches of `batch` with `run(first_path, n)` and
/// folds each batch into `acc`, in path order. A second thread simulates the
/// next batch while this one reduces the last, so a GPU is not left idle
/// while the host reduces (at most two batches are held at a time).
fn simulate(
    map: &LineMap,
    acc: &mut StudyAccumulator,
    paths: usize,
    batch: usize,
    mut run: impl FnMut(u32, usize) -> Result<Vec<PathOutcome>> + Send,
) -> Result<()> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<(usize, Vec<PathOutcome>)>>(0);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut done = 0usize;
            while done < paths {
                let n = batch.min(paths - done);
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "paths fit u32, checked by the caller"
                )]
                let result = run(done as u32, n).map(|outcomes| (done, outcomes));
                let failed = result.is_err();
                // A send fails once the reducer has stopped on an error.
                if tx.send(result).is_err() || failed {
                    return;
                }
                done += n;
            }
        });
        for result in rx {
            let (first, outcomes) = result?;
            acc.push_batch_par(&map.batch(first as u64, &outcomes))?;
        }
        Ok(())
    })
}

/// A one-line progress display on stderr, refreshed four times a second, shown
/// once the run has lasted a second.
fn show_progress(finished: &AtomicUsize, stop: &AtomicBool, paths: usize, t: Instant) {
    let mut shown = false;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(250));
        let s = t.elapsed().as_secs_f64();
        if s < 1.0 {
            continue;
        }
        let done = finished.load(Ordering::Relaxed).min(paths);
        let frac = done as f64 / paths as f64;
        let eta = if done > 0 { s / frac - s } else { f64::NAN };
        let bar: String = (0..30)
            .map(|i| if f64::from(i) < frac * 30.0 { '#' } else { '.' })
            .collect();
        eprint!("\r[{bar}] {done}/{paths} paths, {s:.0} s elapsed, about {eta:.0} s left ");
        shown = true;
    }
    if shown {
        eprintln!();
    }
}

/// `none` first, then the requested programs once each.
pub(crate) fn programs_of(hedges: &[HedgeProgram]) -> Vec<HedgeProgram> {
    let mut out = vec![HedgeProgram::None];
    for &h in hedges {
        if !out.contains(&h) {
            out.push(h);
        }
    }
    out
}

/// The modelling assumptions in plain words, for `report.md`.
fn assumptions(c: &Config) -> String {
    format!(
        "- Paths: SVCJ under the physical measure (`[model]`), {spd} step(s) a trading day, Andersen's QE scheme, \
scheduled CPI/FOMC-style events as configured; every program sees the same paths.\n\
- Marks: all positions at model mid prices under Q (`[model.q]`): SPX options from an implied-vol table built from the \
exact Fourier price (event jumps averaged exactly), VIX futures and calls from tables built from the exact VIX \
transforms. VIX options expire on any trading day and settle at the closing model VIX (real VIX options settle on a \
special opening quotation on fixed dates).\n\
- Condor book: a new iron condor every {every} trading days while fewer than {max_open} are open, {dte} trading days to \
expiry, shorts at {sd} delta, wings at {ld} delta, sized to {rf} of equity at risk; take profit at {tp:.0}% of the credit, \
stop at a loss of {sl}x the credit, exit at {exit} days left. Exits are checked at the daily close only, so gaps fill \
beyond the stop. Costs: {comm} USD a contract a leg plus half the spread, max({hmin} points, {hfrac:.0}% of price), on \
every open and close; no costs at cash settlement. Cash earns r; margin is not modelled.\n\
- Hedges: each program is its own equity line (condor equity plus hedge P&L). Breadth and valuation signals of the \
source (advance-decline line, P/CF) do not exist in an index-level model and are not used.\n\
- Regimes classify each whole path by its maximum VIX (calm < {m}, moderate {m}-{s}, severe {s}-{cr}, crisis >= {cr}); \
this selects paths on the variable that drives VIX-call payoffs, so a moderate path by construction never spikes past {s}.\n",
        spd = c.simulation.steps_per_day,
        every = c.condor.entry_every_days,
        max_open = c.condor.max_open,
        dte = c.condor.dte_days,
        sd = c.condor.short_delta,
        ld = c.condor.long_delta,
        rf = c.condor.risk_fraction,
        tp = 100.0 * c.condor.take_profit,
        sl = c.condor.stop_loss,
        exit = c.condor.exit_dte,
        comm = c.condor.commission,
        hmin = c.condor.half_spread_min,
        hfrac = 100.0 * c.condor.half_spread_frac,
        m = c.regimes.moderate_from,
        s = c.regimes.severe_from,
        cr = c.regimes.crisis_from,
    )
}
