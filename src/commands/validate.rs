//! `vixhedge validate`: the oracles of `docs/pricing.md`.

use anyhow::{Context, Result};

use crate::cli::ValidateArgs;
use vixhedge::backend::{Device, PathEngine};

/// Runs the oracles on the chosen backend and prints the table (or JSON);
/// exit status 1 when any check fails.
///
/// # Errors
/// A backend that cannot start or fails.
pub fn run(args: &ValidateArgs) -> Result<i32> {
    let device = Device::new(args.backend).context("starting the backend")?;
    let engine = PathEngine::new(&device).context("building the path kernel")?;
    super::say_backend(engine.device(), args.backend, args.json);
    let report = vixhedge::validate::run(&engine, &vixhedge::validate::Options::default())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", vixhedge::validate::render_table(&report));
    }
    Ok(if report.pass { 0 } else { 1 })
}
