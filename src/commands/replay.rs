//! `vixhedge replay`: the study on history.

use std::time::Instant;

use anyhow::{Context, Result};

use crate::cli::ReplayArgs;
use vixhedge::history::replay::{self, ci, episodes, report as rr, Replay};
use vixhedge::report::{self, LineSet, RunInfo, StudyAccumulator, StudyLayout};
use vixhedge::strategy::spec::BookSpec;
use vixhedge::study::lines::LineMap;

/// Runs `vixhedge replay`.
///
/// # Errors
/// Bad config or history input (before anything is written), or a failed write.
pub fn run(args: &ReplayArgs) -> Result<i32> {
    anyhow::ensure!(
        args.history.spx.is_some() && args.history.vix.is_some(),
        "replay needs --spx FILE and --vix FILE"
    );
    anyhow::ensure!(args.stride >= 1, "--stride must be at least 1");
    anyhow::ensure!(
        args.episode_min.is_finite() && (0.0..1.0).contains(&args.episode_min),
        "--episode-min {} must be a fraction in [0, 1)",
        args.episode_min
    );
    let layers = vixhedge::config::Layers {
        preset: args.preset.clone(),
        config: args.config.clone(),
        sets: args.set.clone(),
        flags: args
            .horizon_days
            .map(|d| vixhedge::config::Flag::new("--horizon-days", "simulation.horizon_days", d))
            .into_iter()
            .collect(),
    };
    super::outdir::check("--out", &args.out)?;
    let (config, in_force) = super::load_config(&layers)?;
    let history = super::facts::load_history(&args.history)?.context("history")?;
    let days = config.simulation.horizon_days;
    let starts = replay::window_starts(history.len(), days, args.stride);
    anyhow::ensure!(
        !starts.is_empty(),
        "{} common days leave no {days}-day window",
        history.len()
    );
    let programs = super::run::programs_of(&args.hedges);
    let spec = BookSpec::from_config(&config, &programs).context("building the books")?;
    let lines =
        LineSet::new(&programs, &config.hedge.units_ladder).context("hedge.units_ladder")?;
    let map = LineMap::new(&lines, &spec)?;
    let layout = StudyLayout {
        lines: lines.clone(),
        regimes: config.regimes.clone(),
        capital: config.condor.capital,
        horizon_days: days,
    };
    let mut acc = StudyAccumulator::new(layout).context("setting up the reductions")?;
    super::announce(&config, &in_force)?;
    if !args.json {
        eprintln!("{}", history.describe());
        eprintln!(
            "building pricing tables (SPX implied vols, VIX futures and options) under Q ..."
        );
    }
    let t = Instant::now();
    let rp = Replay::new(&history, &config, spec);
    let t_tables = t.elapsed().as_secs_f64();
    let outcomes = replay::run_windows(&rp, &starts, days);
    let batch = map.batch(0, &outcomes);
    acc.push_batch_par(&batch)?;
    let book = replay::run_continuous(&rp);
    let eps = episodes::episodes(&book, &history, args.episode_min);
    let elapsed = t.elapsed().as_secs_f64();
    let info = RunInfo {
        seed: config.simulation.seed,
        backend: "cpu".into(),
        adapter: format!("cpu ({} threads)", rayon::current_num_threads()),
        elapsed_s: elapsed,
        path_steps_per_s: (starts.len() as f64 * f64::from(days) + history.len() as f64)
            / (elapsed - t_tables).max(1e-9),
        config_hash: config.study_hash(&programs),
    };
    let mut summary = report::summarize(&acc, info);
    summary.resolved = Some(in_force.with_programs(rp.spec.in_force()));
    // Blocks of at least twice the window, in windows.
    let block = (2 * days as usize).div_ceil(args.stride);
    let wl = ci::WindowLines::new(&batch, lines.len(), &config.regimes);
    ci::apply(&mut summary, &wl, block, config.condor.capital, days);
    summary.verdict = report::verdict::judge(acc.layout(), &summary.regimes);
    let hinfo = rr::HistoryInfo::new(&history, starts.len(), args.stride);
    let assumptions = rr::assumptions(&config, &hinfo, block, args.episode_min);
    let mut files = report::render_outputs(&summary, &acc, &assumptions)?;
    let mut json = serde_json::to_value(&summary)?;
    json["history"] = serde_json::to_value(&hinfo)?;
    json["episodes"] = serde_json::to_value(&eps)?;
    let table = rr::episode_table(&eps, &book, &history);
    for (name, bytes) in &mut files {
        match name.as_str() {
            "summary.json" => *bytes = (serde_json::to_string_pretty(&json)? + "\n").into_bytes(),
            "report.md" => {
                let mut text = String::from_utf8_lossy(bytes).into_owned();
                text = text.replacen("# vixhedge run report", "# vixhedge replay report", 1);
                text.push_str(&format!(
                    "\n## The whole range as one continuous book\n\nDrawdown episodes of the unhedged \
                     line deeper than {:.0}% (see `continuous_equity.svg`):\n\n{table}",
                    100.0 * args.episode_min
                ));
                *bytes = text.into_bytes();
            }
            _ => {}
        }
    }
    files.push(("config.toml".into(), config.to_toml_string().into_bytes()));
    files.push((
        "continuous_equity.svg".into(),
        rr::continuous_svg(&book, &history)?.into_bytes(),
    ));
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    report::write_files_atomic(&args.out, &files)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        print!("{}", report::render::verdict_table(&summary));
        println!("\nDrawdown episodes of the continuous unhedged book:\n\n{table}");
        eprintln!(
            "replayed {} windows of {days} days and the continuous book in {elapsed:.1} s (tables {t_tables:.1} s); wrote {} files to {}",
            starts.len(),
            files.len(),
            args.out.display()
        );
    }
    Ok(0)
}
