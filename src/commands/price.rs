//! `vixhedge price`: analytic and Monte Carlo SPX option prices under Q.

use anyhow::{anyhow, bail, Result};

use crate::cli::PriceArgs;

/// Checks the arguments and loads the configuration, then prices (not built yet).
pub fn run(args: &PriceArgs) -> Result<i32> {
    if args.expiry_days == 0 {
        bail!("--expiry-days = 0: must be at least 1 trading day");
    }
    if let Some(k) = args.strikes.iter().find(|k| !(k.is_finite() && **k > 0.0)) {
        bail!("--strikes: strike {k} must be a positive number of index points");
    }
    let _config = super::load_config(args.config.as_deref(), args.preset.as_deref(), &args.sets())?;
    Err(anyhow!("`price` is not built yet"))
}
