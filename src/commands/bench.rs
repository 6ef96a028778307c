//! `vixhedge bench`: path-kernel throughput per backend.

use anyhow::{anyhow, Result};

use crate::cli::BenchArgs;

/// Loads the `default` preset with the size flags, then times the backends (not built yet).
pub fn run(args: &BenchArgs) -> Result<i32> {
    let _config = super::load_config(None, None, &args.sets())?;
    Err(anyhow!("`bench` is not built yet"))
}
