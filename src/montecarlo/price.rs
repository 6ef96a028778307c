//! `vixhedge price`: Monte Carlo against analytic European SPX options on the
//! config's risk-neutral model.

use serde::Serialize;

use super::{discounted, Estimate};
use crate::backend::{BackendError, PathEngine};
use crate::config::InForce;
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
    /// Why the Monte Carlo estimate cannot be trusted (too few paths pay off, or
    /// none does), or null.
    pub mc_warning: Option<String>,
}

/// The `price --json` document (`docs/cli.md`).
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
    /// What was in force (set by the caller; absent when unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<InForce>,
}

/// Fewest paths with a nonzero payoff for a standard error worth quoting.
pub const MIN_PAYING_PATHS: usize = 10;

/// Why an estimate from `paying` of `n` paths with a nonzero payoff is
/// degenerate, or `None`: with no paying path the mean and its standard error
/// are both 0 whatever the true price, and with a handful the standard error
/// understates the error.
#[must_use]
pub fn degenerate(paying: usize, n: usize) -> Option<String> {
    if n == 0 {
        Some("no paths".to_string())
    } else if paying == 0 {
        Some(format!(
            "no path of {n} pays off, so the estimate and its standard error are both 0 \
             whatever the price: degenerate (the price rests on events the paths never reach)"
        ))
    } else if paying < MIN_PAYING_PATHS {
        Some(format!(
            "only {paying} of {n} paths pay off: the standard error is not reliable"
        ))
    } else {
        None
    }
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
            let paying = states
                .iter()
                .filter(|st| {
                    let s = model.spot * f64::from(st.y).exp();
                    match kind {
                        OptionKind::Call => s > k,
                        OptionKind::Put => s < k,
                    }
                })
                .count();
            options.push(PricedOption {
                kind: name,
                strike: k,
                analytic: european_price(model, kind, k, t),
                mc: est.mean,
                mc_stderr: est.stderr,
                mc_warning: degenerate(paying, est.n),
            });
        }
    }
    Ok(PriceReport {
        spot: model.spot,
        expiry_days,
        paths: paths as u64,
        options,
        resolved: None,
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
