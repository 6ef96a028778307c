//! `vixhedge facts`: the model's stylised facts from its stationary state,
//! beside the history's.

use anyhow::{Context, Result};

use crate::cli::{FactsArgs, HistoryFiles};
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

/// Runs `vixhedge facts`.
///
/// # Errors
/// Bad config or history input (before anything is written), a GPU failure,
/// or a failed write.
pub fn run(args: &FactsArgs) -> Result<i32> {
    let config = super::load_config(args.config.as_deref(), args.preset.as_deref(), &args.sets())?;
    let history = load_history(&args.history)?;
    let device =
        Device::new(args.backend).with_context(|| format!("--backend {}", args.backend.name()))?;
    super::say_backend(&device, args.backend, args.json);
    let engine = PathEngine::new(&device).context("building the path kernel")?;
    if let (Some(h), false) = (&history, args.json) {
        eprintln!("{}", h.describe());
    }
    let paths = usize::try_from(config.simulation.paths).context("simulation.paths")?;
    let panel = model::model_closes(&engine, &config, paths)?;
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
        println!(
            "model: {} paths of {window_days} trading days under P from the stationary state",
            panel.spx.len() / panel.per_path
        );
        print!("{}", bands::table(&report, ""));
    }
    Ok(0)
}
