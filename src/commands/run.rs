//! `vixhedge run`: the study itself.

use anyhow::{anyhow, Result};

use crate::cli::RunArgs;

/// Loads the configuration, then simulates the books (not built yet).
pub fn run(args: &RunArgs) -> Result<i32> {
    let _config = super::load_config(args.config.as_deref(), args.preset.as_deref(), &args.sets())?;
    Err(anyhow!("`run` is not built yet"))
}
