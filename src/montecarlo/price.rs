//! `vixhedge price`: Monte Carlo against analytic European SPX options on the
//! config's risk-neutral model.

use serde::Serialize;

use super::{discounted, Estimate};
use crate::backend::{BackendError, PathEngine};
use crate::model::analytic::{european_price, OptionKind};
use crate::model::{MarketModel, TRADING_DAYS_PER_YEAR};
use crate::shared::params::{SimParams, TerminalState};

/// One priced option.
#[derive(Debug, Clone, Serialize)]
pub struct PricedOption {
    /// `"put"` or `"call"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Strike, index points.
    pub strike: f64,
    /// Exact price by Fourier inversion, index points.
    pub analytic: f64,
    /// Discounted Monte Carlo payoff mean, index points.
    pub mc: f64,
    /// Standard error of `mc`, index points.
    pub mc_stderr: f64,
}

/// The `price --json` document (DESIGN.md section 8).
#[derive(Debug, Clone, Serialize)]
pub struct PriceReport {
    /// Spot index level, index points.
    pub spot: f64,
    /// Expiry in trading days.
    pub expiry_days: u32,
    /// Monte Carlo paths.
    pub paths: u64,
    /// Puts and calls, by strike.
    pub options: Vec<PricedOption>,
}

/// Discounted Monte Carlo price of one option from terminal states.
#[must_use]
pub fn mc_price(
    states: &[TerminalState],
    model: &MarketModel,
    kind: OptionKind,
    strike: f64,
    t: f64,
) -> Estimate {
    let df = (-model.r * t).exp();
    match kind {
        OptionKind::Call => discounted(states, model.spot, df, |s| (s - strike).max(0.0)),
        OptionKind::Put => discounted(states, model.spot, df, |s| (strike - s).max(0.0)),
    }
}

/// Prices a put and a call at each strike, analytically and by Monte Carlo on
/// `engine` over `paths` risk-neutral paths of `expiry_days` trading days with
/// `steps_per_day` steps a day.
///
/// # Errors
/// Backend failures and bad simulation sizes.
#[expect(
    clippy::too_many_arguments,
    reason = "mirrors the command's flags one to one"
)]
pub fn price(
    engine: &PathEngine,
    model: &MarketModel,
    expiry_days: u32,
    steps_per_day: u32,
    strikes: &[f64],
    paths: usize,
    seed: u64,
    batch_paths: Option<usize>,
) -> Result<PriceReport, PriceError> {
    let params = SimParams::new(model, expiry_days, steps_per_day, seed)?;
    let states = engine.simulate_terminal(&params, 0, paths, batch_paths)?;
    let t = f64::from(expiry_days) / TRADING_DAYS_PER_YEAR;
    let mut options = Vec::with_capacity(2 * strikes.len());
    for &k in strikes {
        for (kind, name) in [(OptionKind::Put, "put"), (OptionKind::Call, "call")] {
            let est = mc_price(&states, model, kind, k, t);
            options.push(PricedOption {
                kind: name,
                strike: k,
                analytic: european_price(model, kind, k, t),
                mc: est.mean,
                mc_stderr: est.stderr,
            });
        }
    }
    Ok(PriceReport {
        spot: model.spot,
        expiry_days,
        paths: paths as u64,
        options,
    })
}

/// Errors of the price command.
#[derive(Debug, thiserror::Error)]
pub enum PriceError {
    /// Bad simulation parameters.
    #[error(transparent)]
    Sim(#[from] crate::model::SimError),
    /// Backend failure.
    #[error(transparent)]
    Engine(#[from] BackendError),
}
