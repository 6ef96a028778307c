//! Output directories: checked before any work, and never left holding one
//! run's outputs beside an earlier run's.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use vixhedge::report::export::{PATHS_FILE, SPOOL_FILE};
use vixhedge::report::partial::{CHECKPOINT_FILE, PARTIAL_FILE};
use vixhedge::report::{LADDER_PLOT, OUTPUT_FILES};

/// File name of the resolved configuration.
pub const CONFIG_FILE: &str = "config.toml";

/// Every file a run, a shard or a merge may leave in its output directory.
/// Only these are ever removed: other files in the directory are the user's.
fn known_outputs() -> impl Iterator<Item = &'static str> {
    OUTPUT_FILES
        .into_iter()
        .chain([LADDER_PLOT, CONFIG_FILE, PARTIAL_FILE, PATHS_FILE])
}

/// Checks that `dir` (given as `flag`) can hold the outputs, before any work:
/// it is a writable directory, or it does not exist and its nearest existing
/// ancestor is a writable directory. Nothing is created.
///
/// # Errors
/// One line naming the flag and the directory.
pub fn check(flag: &str, dir: &Path) -> Result<()> {
    let show = dir.display();
    let target = match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => dir.to_path_buf(),
        Ok(_) => bail!("{flag} {show}: exists and is not a directory"),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            let Some(ancestor) = existing_ancestor(dir) else {
                bail!("{flag} {show}: no existing parent directory");
            };
            if !ancestor.is_dir() {
                bail!("{flag} {show}: {} is not a directory", ancestor.display());
            }
            ancestor
        }
        Err(e) => bail!("{flag} {show}: {e}"),
    };
    let probe = target.join(format!(".vixhedge-probe-{}", std::process::id()));
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) if target == dir => bail!("{flag} {show}: not writable ({e})"),
        Err(e) => bail!(
            "{flag} {show}: cannot be created in {} ({e})",
            target.display()
        ),
    }
}

fn existing_ancestor(dir: &Path) -> Option<PathBuf> {
    let abs = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(dir)
    };
    abs.ancestors()
        .skip(1)
        .find(|a| std::fs::symlink_metadata(a).is_ok())
        .map(Path::to_path_buf)
}

/// After a run wrote `written` into `dir`: removes every known output of an
/// earlier run that this one did not write, and the checkpoint, so the
/// directory holds this run's outputs only.
///
/// # Errors
/// A stale file that cannot be removed.
pub fn remove_stale(dir: &Path, written: &[String]) -> Result<()> {
    for name in known_outputs().chain([CHECKPOINT_FILE, SPOOL_FILE]) {
        if written.iter().any(|w| w == name) {
            continue;
        }
        let path = dir.join(name);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) => {}
            Err(e) => bail!("removing the stale {}: {e}", path.display()),
        }
    }
    Ok(())
}
