//! `vixhedge vix`: the model VIX and the VIX futures curve at a variance level.

use anyhow::{bail, Result};
use serde::Serialize;

use crate::cli::VixArgs;
use vixhedge::config::InForce;
use vixhedge::model::vix::{vix_future, vix_future_at, vix_index, VixCoefficients};
use vixhedge::model::{MarketModel, Measure, TRADING_DAYS_PER_YEAR};

/// Futures tenors shown, trading days.
pub const CURVE_DAYS: [u32; 10] = [1, 5, 10, 21, 42, 63, 84, 105, 126, 150];

/// One point of the curve.
#[derive(Debug, Clone, Serialize)]
struct Point {
    /// Tenor, trading days.
    days: u32,
    /// VIX future, index points.
    future: f64,
}

/// The JSON document of `vix --json`.
#[derive(Debug, Clone, Serialize)]
struct VixReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    preset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    config: Option<String>,
    /// Variance state, annualised variance.
    v: f64,
    /// Spot VIX, index points.
    vix: f64,
    futures: Vec<Point>,
    /// Limit of the futures curve as the tenor grows, index points.
    long_run: f64,
    /// What is in force: layers, market, both measures, events.
    resolved: InForce,
}

/// Average scheduled-event term of `VIX^2/100^2` over `days` trading days
/// (annualised variance).
fn mean_event_term(model: &MarketModel, days: u32) -> f64 {
    let sum: f64 = (0..days)
        .map(|d| vixhedge::model::vix::event_term(model, f64::from(d) / TRADING_DAYS_PER_YEAR))
        .sum();
    sum / f64::from(days)
}

/// The limit of `F(0, T)` as `T` grows (index points): the future at 50
/// mean-reversion times, with the calendar-averaged event variance.
#[must_use]
pub fn long_run_future(model: &MarketModel) -> f64 {
    let k = VixCoefficients::new(&model.params);
    let tau = 50.0 / model.params.kappa.max(1e-3);
    let c = k.b + mean_event_term(model, 2016);
    vix_future(model, model.v0, tau, c)
}

/// Prints the spot VIX and the futures curve at `--v` (default `market.v0`).
///
/// # Errors
/// Bad arguments or config.
pub fn run(args: &VixArgs) -> Result<i32> {
    let (config, in_force) = super::load_config(&args.layers())?;
    if let Some(v) = args.v {
        if !(v.is_finite() && (0.0..=4.0).contains(&v)) {
            bail!("--v = {v}: must be an annualised variance in [0, 4] (4 is 200% volatility)");
        }
    }
    super::announce(&config, &in_force)?;
    let model = config.market_model(Measure::Q).risk_neutral();
    let v = args.v.unwrap_or(model.v0);
    let vix = vix_index(&model, v, 0);
    let futures: Vec<Point> = CURVE_DAYS
        .iter()
        .map(|&days| Point {
            days,
            future: vix_future_at(&model, v, 0.0, f64::from(days) / TRADING_DAYS_PER_YEAR),
        })
        .collect();
    let report = VixReport {
        preset: in_force.preset.clone(),
        config: args.config.as_ref().map(|p| p.display().to_string()),
        v,
        vix,
        futures,
        long_run: long_run_future(&model),
        resolved: in_force,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(0);
    }
    let source = match (&report.preset, &report.config) {
        (Some(p), Some(c)) => format!("preset {p} + {c}"),
        (Some(p), None) => format!("preset {p}"),
        (None, Some(c)) => c.clone(),
        (None, None) => "bare base".to_string(),
    };
    println!(
        "{source}: v = {v:.6} (vol {:.2}%), VIX {vix:.2}, long-run {:.2} (Q)",
        100.0 * v.sqrt(),
        report.long_run
    );
    println!("{:>6} {:>12} {:>10}", "days", "future pts", "vs spot");
    for p in &report.futures {
        println!("{:>6} {:>12.3} {:>+10.3}", p.days, p.future, p.future - vix);
    }
    let last = report.futures.last().map_or(vix, |p| p.future);
    println!(
        "{}",
        if last > vix {
            "contango (futures above spot)"
        } else {
            "backwardation (futures below spot)"
        }
    );
    Ok(0)
}
