//! `vixhedge price`: analytic and Monte Carlo SPX option prices under Q.

use anyhow::{bail, Context, Result};

use crate::cli::PriceArgs;
use vixhedge::backend::{Device, PathEngine};
use vixhedge::config::MAX_HORIZON_DAYS;
use vixhedge::model::Measure;

/// Prices a put and a call at each strike on the config's risk-neutral model,
/// exactly and by Monte Carlo, and prints a table or the JSON document.
///
/// # Errors
/// Bad arguments or config, or a backend that fails.
pub fn run(args: &PriceArgs) -> Result<i32> {
    if !(1..=MAX_HORIZON_DAYS).contains(&args.expiry_days) {
        bail!(
            "--expiry-days = {}: must be in 1..={MAX_HORIZON_DAYS} trading days",
            args.expiry_days
        );
    }
    if let Some(k) = args.strikes.iter().find(|k| !(k.is_finite() && **k > 0.0)) {
        bail!("--strikes: strike {k} must be a positive number of index points");
    }
    let (config, in_force) = super::load_config(&args.layers())?;
    super::announce(&config, &in_force)?;
    let model = config.market_model(Measure::Q).risk_neutral();
    let device = Device::new(args.backend).context("starting the backend")?;
    let engine = PathEngine::new(&device).context("building the path kernel")?;
    super::say_backend(engine.device(), args.backend, args.json);
    let paths = usize::try_from(config.simulation.paths)
        .context("simulation.paths does not fit this machine")?;
    let batch = usize::try_from(config.simulation.batch_paths)
        .ok()
        .filter(|&b| b > 0);
    let mut report = vixhedge::montecarlo::price::price(
        &engine,
        &model,
        args.expiry_days,
        config.simulation.steps_per_day,
        &args.strikes,
        paths,
        config.simulation.seed,
        batch,
    )?;
    for o in &report.options {
        if let Some(note) = &o.mc_warning {
            eprintln!("warning: Monte Carlo {} at {}: {note}", o.kind, o.strike);
        }
    }
    report.resolved = Some(in_force);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "spot {:.2} pts, expiry {} trading days, {} paths on {} ({})",
            report.spot,
            report.expiry_days,
            report.paths,
            engine.name(),
            engine.adapter()
        );
        println!(
            "{:>5} {:>12} {:>14} {:>14} {:>12} {:>8}",
            "type", "strike pts", "analytic pts", "mc pts", "stderr pts", "z"
        );
        for o in &report.options {
            let z = if o.mc_stderr > 0.0 {
                (o.mc - o.analytic) / o.mc_stderr
            } else {
                0.0
            };
            println!(
                "{:>5} {:>12.2} {:>14.6} {:>14.6} {:>12.6} {:>8.2}",
                o.kind, o.strike, o.analytic, o.mc, o.mc_stderr, z
            );
        }
    }
    Ok(0)
}
