//! `run --paths-from bootstrap`: the study's paths drawn from history.

use anyhow::Result;

use crate::cli::{PathSourceArgs, PathsFrom};
use vixhedge::shared::bootstrap::BootstrapSeries;
use vixhedge::study::StudySetup;

/// The bootstrap series `source` asks for (read before anything is built, so
/// bad history fails at once; errors name the file and line), or `None` for
/// model paths.
///
/// # Errors
/// `--paths-from bootstrap` without `--spx/--vix`, bad history, or a bad
/// `--block-days`.
pub fn load(source: &PathSourceArgs, quiet: bool) -> Result<Option<BootstrapSeries>> {
    if source.paths_from == PathsFrom::Model {
        anyhow::ensure!(
            source.history.spx.is_none(),
            "--spx and --vix are for --paths-from bootstrap"
        );
        return Ok(None);
    }
    super::facts::check_block_days(source.block_days)?;
    let Some(history) = super::facts::load_history(&source.history)? else {
        anyhow::bail!("--paths-from bootstrap needs --spx and --vix");
    };
    if !quiet {
        eprintln!("{}", history.describe());
        eprintln!(
            "paths: bootstrap of the history, blocks of mean {} days, marks at the filtered variance",
            source.block_days
        );
    }
    Ok(Some(BootstrapSeries::new(
        &history.spx,
        &history.vix,
        source.block_days,
    )))
}

/// `setup` with its paths from `series` when there is one.
#[must_use]
pub fn apply(setup: StudySetup, series: Option<BootstrapSeries>) -> StudySetup {
    match series {
        Some(s) => setup.with_bootstrap(s),
        None => setup,
    }
}
