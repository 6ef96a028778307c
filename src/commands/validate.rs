//! `vixhedge validate`: the oracles of DESIGN.md section 9.

use anyhow::{Context, Result};

use crate::cli::ValidateArgs;
use crate::engine::Engine;

/// Runs the oracles on the chosen backend and prints the table (or JSON);
/// exit status 1 when any check fails.
///
/// # Errors
/// A backend that cannot start or fails.
pub fn run(args: &ValidateArgs) -> Result<i32> {
    let engine = Engine::new(args.backend).context("starting the backend")?;
    super::say_backend(&engine, args.backend, args.json);
    let report = crate::validate::run(&engine, &crate::validate::Options::default())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", crate::validate::render_table(&report));
    }
    Ok(if report.pass { 0 } else { 1 })
}
