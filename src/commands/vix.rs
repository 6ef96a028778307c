//! `vixhedge vix`: the VIX and the VIX futures curve at a variance level.

use anyhow::{anyhow, bail, Result};

use crate::cli::VixArgs;

/// Loads the configuration and checks `--v`, then prints the curve (not built yet).
pub fn run(args: &VixArgs) -> Result<i32> {
    let _config = super::load_config(args.config.as_deref(), args.preset.as_deref(), &[])?;
    if let Some(v) = args.v {
        if !(v.is_finite() && v >= 0.0) {
            bail!("--v = {v}: must be a finite annualised variance >= 0");
        }
    }
    Err(anyhow!("`vix` is not built yet"))
}
