//! [`StudySetup`]: what a study run needs on every path, built once on the
//! host and shared by every backend: the path parameters under P, the pricing
//! tables under Q and the books.

use std::sync::{Arc, Mutex, PoisonError};

use crate::config::{Config, HedgeProgram};
use crate::model::{MarketModel, Measure};
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
    /// Pricing tables under Q (shared by the setups of one Q model, see
    /// [`StudySetup::with_spec`]).
    pub pricing: Arc<StudyPricing>,
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
    /// The pricing tables depend on the Q model only: the process keeps the
    /// last ones built and reuses them for a setup of the same Q model (the
    /// jobs of a batch that differ in books, horizon or paths), so they are
    /// built once.
    ///
    /// # Errors
    /// The path parameters are invalid.
    pub fn with_spec(config: &Config, spec: BookSpec) -> anyhow::Result<Self> {
        static LAST: Mutex<Option<(MarketModel, Arc<StudyPricing>)>> = Mutex::new(None);
        let sim = &config.simulation;
        let params = config.sim_params()?;
        let model_q = config.market_model(Measure::Q).risk_neutral();
        let mut last = LAST.lock().unwrap_or_else(PoisonError::into_inner);
        let pricing = match last.as_ref() {
            Some((m, p)) if *m == model_q => Arc::clone(p),
            _ => {
                let p = Arc::new(StudyPricing::build(model_q.clone()));
                *last = Some((model_q, Arc::clone(&p)));
                p
            }
        };
        Ok(Self {
            params,
            spot: config.market.spot,
            horizon_days: sim.horizon_days,
            pricing,
            spec,
        })
    }
}
