//! [`StudySetup`]: what a study run needs on every path, built once on the
//! host and shared by every backend: the path parameters under P, the pricing
//! tables under Q and the books.

use crate::config::{Config, HedgeProgram};
use crate::model::Measure;
use crate::shared::params::SimParams;
use crate::strategy::spec::BookSpec;

use super::marks::StudyPricing;

/// What a study run needs on every path, built once.
#[derive(Debug)]
pub struct StudySetup {
    /// Path-kernel parameters under P (simulation measure), horizon included.
    pub params: SimParams,
    /// Spot SPX at day 0, index points.
    pub spot: f64,
    /// Trading days simulated.
    pub horizon_days: u32,
    /// Pricing tables under Q.
    pub pricing: StudyPricing,
    /// The books: condor and hedge programs.
    pub spec: BookSpec,
}

impl StudySetup {
    /// The setup of `config` with the books of `programs` (in that order):
    /// the path parameters under P and the pricing tables under Q (a few
    /// seconds to build).
    ///
    /// # Errors
    /// The books exceed a capacity, or the path parameters are invalid.
    pub fn from_config(config: &Config, programs: &[HedgeProgram]) -> anyhow::Result<Self> {
        use anyhow::Context as _;
        let spec = BookSpec::from_config(config, programs).context("building the books")?;
        Self::with_spec(config, spec)
    }

    /// The setup of `config` with the books `spec` (already built from it).
    ///
    /// # Errors
    /// The path parameters are invalid.
    pub fn with_spec(config: &Config, spec: BookSpec) -> anyhow::Result<Self> {
        let sim = &config.simulation;
        let params = config.sim_params()?;
        let model_q = config.market_model(Measure::Q).risk_neutral();
        Ok(Self {
            params,
            spot: config.market.spot,
            horizon_days: sim.horizon_days,
            pricing: StudyPricing::build_for(
                model_q,
                sim.horizon_days + 1,
                spec.condor.dte_days.max(1),
            ),
            spec,
        })
    }
}
