//! `vixhedge facts`: the model's stylised facts from its stationary state,
//! beside the history's.

use anyhow::{Context, Result};

use crate::cli::{FactsArgs, HistoryFiles, PathsFrom};
use vixhedge::backend::{Device, PathEngine};
use vixhedge::history::facts::{facts_of, ClosePath, FactsReport};
use vixhedge::history::{bands, model, plots, History};

/// Reads `--spx/--vix` (with `--from/--to`) when given.
pub(crate) fn load_history(files: &HistoryFiles) -> Result<Option<History>> {
    let (Some(spx), Some(vix)) = (&files.spx, &files.vix) else {
        return Ok(None);
    };
    Ok(Some(vixhedge::history::load(
        spx,
        vix,
        files.from.as_deref(),
        files.to.as_deref(),
    )?))
}

/// `--block-days` must be a mean block length above one day.
pub(crate) fn check_block_days(b: f64) -> Result<()> {
    anyhow::ensure!(
        b.is_finite() && b > 1.0,
        "--block-days {b}: the mean block length must exceed 1 trading day"
    );
    Ok(())
}

/// Runs `vixhedge facts`.
///
/// # Errors
/// Bad config or history input (before anything is written), a GPU failure,
/// or a failed write.
pub fn run(args: &FactsArgs) -> Result<i32> {
    if let Some(out) = &args.out {
        super::outdir::check("--out", out)?;
    }
    let (config, in_force) = super::load_config(&args.layers())?;
    let history = load_history(&args.history)?;
    super::announce(&config, &in_force)?;
    let device =
        Device::new(args.backend).with_context(|| format!("--backend {}", args.backend.name()))?;
    super::say_backend(&device, args.backend, args.json);
    let engine = PathEngine::new(&device).context("building the path kernel")?;
    if let (Some(h), false) = (&history, args.json) {
        eprintln!("{}", h.describe());
    }
    let paths = usize::try_from(config.simulation.paths).context("simulation.paths")?;
    let panel = match (args.paths_from, &history) {
        (PathsFrom::Model, _) => model::model_closes(&engine, &config, paths)?,
        (PathsFrom::Bootstrap, Some(h)) => {
            check_block_days(args.block_days)?;
            model::bootstrap_closes(&engine, &config, paths, h, args.block_days)?
        }
        (PathsFrom::Bootstrap, None) => {
            anyhow::bail!("--paths-from bootstrap needs --spx and --vix")
        }
    };
    let window_days = config.simulation.horizon_days;
    let report = FactsReport {
        window_days,
        model: panel.facts(&config.regimes),
        history: history.as_ref().map(|h| {
            facts_of(
                &[ClosePath {
                    spx: &h.spx,
                    vix: &h.vix,
                }],
                window_days,
                &config.regimes,
            )
        }),
    };
    let json = serde_json::to_string_pretty(&report)? + "\n";
    if let Some(out) = &args.out {
        let svg =
            plots::vix_distribution_svg(&panel.vix, history.as_ref().map(|h| h.vix.as_slice()))?;
        std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        vixhedge::report::write_files_atomic(
            out,
            &[
                ("facts.json".into(), json.clone().into_bytes()),
                ("vix_distribution.svg".into(), svg.into_bytes()),
            ],
        )?;
    }
    if args.json {
        print!("{json}");
    } else {
        let what = match args.paths_from {
            PathsFrom::Model => "under P from the stationary state",
            PathsFrom::Bootstrap => "bootstrapped from the history",
        };
        println!(
            "model: {} paths of {window_days} trading days {what}",
            panel.spx.len() / panel.per_path
        );
        print!("{}", bands::table(&report, ""));
    }
    Ok(0)
}
