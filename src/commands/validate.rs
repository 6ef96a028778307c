//! `vixhedge validate`: the oracles of DESIGN.md section 9.

use anyhow::{anyhow, Result};

use crate::cli::ValidateArgs;

/// Runs the oracles on the chosen backend (not built yet).
pub fn run(_args: &ValidateArgs) -> Result<i32> {
    Err(anyhow!("`validate` is not built yet"))
}
