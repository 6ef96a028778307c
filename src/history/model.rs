//! The model's daily closes for the facts: paths simulated under P from the
//! stationary state on either backend, with the model's exact VIX index at
//! every close.

use crate::backend::{BackendError, PathEngine};
use crate::config::{Config, InitialVariance};
use crate::model::vix::{event_term, VixCoefficients};
use crate::model::{Measure, SimError, TRADING_DAYS_PER_YEAR};
use crate::shared::params::TerminalState;

use super::facts::{facts_of, ClosePath, Facts};

/// Daily closes of many paths of the same length, path-major.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosePanel {
    /// Closes per path (`days + 1`: day 0 and every close).
    pub per_path: usize,
    /// SPX closes, index points.
    pub spx: Vec<f64>,
    /// VIX closes, VIX points.
    pub vix: Vec<f64>,
}

impl ClosePanel {
    /// The paths as [`ClosePath`]s.
    #[must_use]
    pub fn paths(&self) -> Vec<ClosePath<'_>> {
        self.spx
            .chunks(self.per_path)
            .zip(self.vix.chunks(self.per_path))
            .map(|(spx, vix)| ClosePath { spx, vix })
            .collect()
    }

    /// The facts of these paths, one window each.
    #[must_use]
    pub fn facts(&self, regimes: &crate::config::RegimesConfig) -> Facts {
        #[expect(clippy::cast_possible_truncation, reason = "a path length in days")]
        let window = (self.per_path - 1) as u32;
        facts_of(&self.paths(), window, regimes)
    }
}

/// `VIX^2/100^2 = a v + c[day]` at the close of each day `0..=days` under the
/// Q parameters of `config` (events included): `(a, c)`.
#[must_use]
pub fn vix_affine(config: &Config, days: u32) -> (f64, Vec<f64>) {
    let q = config.market_model(Measure::Q).risk_neutral();
    let k = VixCoefficients::new(&q.params);
    let c = (0..=days)
        .map(|d| k.b + event_term(&q, f64::from(d) / TRADING_DAYS_PER_YEAR))
        .collect();
    (k.a, c)
}

/// Simulates `paths` paths of `config`'s horizon under P from the
/// stationary state (whatever `market.v0` says) on `engine`, and returns
/// their closes with the model VIX.
///
/// # Errors
/// Bad path parameters, or a GPU failure.
pub fn model_closes(
    engine: &PathEngine<'_>,
    config: &Config,
    paths: usize,
) -> anyhow::Result<ClosePanel> {
    let mut config = config.clone();
    config.market.v0 = InitialVariance::Stationary;
    let params = config
        .sim_params()
        .map_err(|e: SimError| anyhow::anyhow!(e))?;
    let days = params.n_steps / params.steps_per_day;
    let states: Vec<TerminalState> = engine
        .simulate_closes(&params, 0, paths, None)
        .map_err(|e: BackendError| anyhow::anyhow!(e))?;
    let (a, c) = vix_affine(&config, days);
    let per_path = days as usize + 1;
    let spot = config.market.spot;
    let mut spx = Vec::with_capacity(states.len());
    let mut vix = Vec::with_capacity(states.len());
    for (i, s) in states.iter().enumerate() {
        let v = f64::from(s.v).max(0.0);
        spx.push(spot * f64::from(s.y).exp());
        vix.push(100.0 * (a * v + c[i % per_path]).max(0.0).sqrt());
    }
    Ok(ClosePanel { per_path, spx, vix })
}

/// Builds `paths` bootstrap paths of `config`'s horizon from `history` with
/// blocks of mean `block_days` on `engine` (`docs/history.md`, "Bootstrap"),
/// and returns their closes: SPX from `market.spot` by the historical log
/// returns, VIX the historical close of each day.
///
/// # Errors
/// Bad path parameters, or a GPU failure.
pub fn bootstrap_closes(
    engine: &PathEngine<'_>,
    config: &Config,
    paths: usize,
    history: &crate::history::History,
    block_days: f64,
) -> anyhow::Result<ClosePanel> {
    let series =
        crate::shared::bootstrap::BootstrapSeries::new(&history.spx, &history.vix, block_days);
    let params = config
        .sim_params()
        .map_err(|e: SimError| anyhow::anyhow!(e))?
        .with_bootstrap(&series);
    let days = params.n_steps / params.steps_per_day;
    let states = engine
        .simulate_closes(&params, 0, paths, Some(&series))
        .map_err(|e: BackendError| anyhow::anyhow!(e))?;
    let spot = config.market.spot;
    Ok(ClosePanel {
        per_path: days as usize + 1,
        spx: states.iter().map(|s| spot * f64::from(s.y).exp()).collect(),
        vix: states
            .iter()
            .map(|s| history.vix[s.v.to_bits() as usize])
            .collect(),
    })
}
