//! `vixhedge calibrate`: fit the model to history and write the preset.

use anyhow::{Context, Result};

use crate::cli::{CalibrateArgs, V0Choice};
use vixhedge::history::calibrate::{calibrate, preset, CalibrateOptions};

/// Runs `vixhedge calibrate`.
///
/// # Errors
/// Missing or bad history, a bad base config, a fit that cannot start, or a
/// failed write (nothing is written on an error).
pub fn run(args: &CalibrateArgs) -> Result<i32> {
    anyhow::ensure!(
        args.history.spx.is_some() && args.history.vix.is_some(),
        "calibrate needs --spx FILE and --vix FILE"
    );
    anyhow::ensure!(args.window_days >= 1, "--window-days must be at least 1");
    anyhow::ensure!(args.paths >= 16, "--paths must be at least 16");
    let layers = vixhedge::config::Layers {
        preset: args.preset.clone(),
        config: args.config.clone(),
        sets: args.set.clone(),
        flags: vec![vixhedge::config::Flag::new(
            "--window-days",
            "simulation.horizon_days",
            args.window_days,
        )],
    };
    let (base, in_force) = super::load_config(&layers)?;
    let history = super::facts::load_history(&args.history)?.context("history")?;
    anyhow::ensure!(
        history.len() > args.window_days as usize + 1,
        "{} common days leave no {}-day window",
        history.len(),
        args.window_days
    );
    super::announce(&base, &in_force)?;
    if !args.json {
        eprintln!("{}", history.describe());
        eprintln!(
            "calibrating (likelihood, then moments on {} paths an evaluation) ...",
            args.paths
        );
    }
    let opts = CalibrateOptions {
        paths: args.paths,
        stationary_v0: args.v0 == V0Choice::Stationary,
        ..CalibrateOptions::default()
    };
    let t = std::time::Instant::now();
    let cal = calibrate(&history, &base, &opts)?;
    let command = std::iter::once("vixhedge".to_string())
        .chain(std::env::args().skip(1))
        .collect::<Vec<_>>()
        .join(" ");
    let text = preset::render(&cal, &command);
    if let Some(out) = &args.out {
        vixhedge::report::write_atomic(out, text.as_bytes())?;
    }
    if args.json {
        let mut v = serde_json::to_value(&cal)?;
        v["preset"] = serde_json::Value::String(text);
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        if args.out.is_none() {
            print!("{text}");
        } else {
            print!("{}", vixhedge::history::bands::table(&cal.facts, ""));
        }
        eprintln!("calibrated in {:.0} s", t.elapsed().as_secs_f64());
    }
    Ok(0)
}
