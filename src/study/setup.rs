//! [`StudySetup`]: what a study run needs on every path, built once on the
//! host and shared by every backend: the path parameters under P, the pricing
//! tables under Q and the books.

use std::sync::{Arc, Mutex, PoisonError};

use crate::config::{Config, HedgeProgram};
use crate::model::{MarketModel, Measure};
use crate::shared::bootstrap::BootstrapSeries;
use crate::shared::params::SimParams;
use crate::strategy::spec::BookSpec;

use super::marks::StudyPricing;

/// What decides a setup's pricing tables ([`StudySetup::tables_key`]).
pub type TablesKey = (MarketModel, u32, u32);

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
    /// The historical bootstrap series when the paths come from history
    /// (`params.boot_days > 0`); `None` for SVCJ paths.
    pub bootstrap: Option<BootstrapSeries>,
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
    /// The pricing tables depend on the Q model, the days simulated and the
    /// condor's tenor (the SPX event surfaces) only: the process keeps the
    /// last ones built and reuses them for a setup with the same three (the
    /// jobs of a batch that differ in books or paths), so they are built once.
    ///
    /// # Errors
    /// The path parameters are invalid.
    pub fn with_spec(config: &Config, spec: BookSpec) -> anyhow::Result<Self> {
        static LAST: Mutex<Option<(TablesKey, Arc<StudyPricing>)>> = Mutex::new(None);
        let sim = &config.simulation;
        let params = config.sim_params()?;
        let mut last = LAST.lock().unwrap_or_else(PoisonError::into_inner);
        let key = Self::tables_key(config, &spec);
        let pricing = match last.as_ref() {
            Some((k, p)) if *k == key => Arc::clone(p),
            _ => {
                let p = Arc::new(StudyPricing::build_for(key.0.clone(), key.1, key.2));
                *last = Some((key, Arc::clone(&p)));
                p
            }
        };
        Ok(Self {
            params,
            spot: config.market.spot,
            horizon_days: sim.horizon_days,
            pricing,
            spec,
            bootstrap: None,
        })
    }

    /// What the pricing tables of `config` with the books `spec` depend on:
    /// the Q model, and the days the SPX event surfaces cover (the run's and
    /// the condor's tenor). Setups with equal keys share their tables
    /// ([`StudySetup::with_spec`]), so runs with equal keys run one after
    /// another build them once.
    #[must_use]
    pub fn tables_key(config: &Config, spec: &BookSpec) -> TablesKey {
        (
            config.market_model(Measure::Q).risk_neutral(),
            config.simulation.horizon_days + 1,
            spec.condor.dte_days.max(1),
        )
    }

    /// The VIX map in the kernels' `f32`: `VIX^2/100^2 = a v + c[d]` at the
    /// close of each day `d` in `0..=horizon_days` (`c` is b plus the day's
    /// event term), each rounded once from `f64`.
    #[must_use]
    pub fn vix_map_f32(&self) -> (f32, Vec<f32>) {
        use crate::model::vix::{event_term, VixCoefficients};
        use crate::model::TRADING_DAYS_PER_YEAR;
        let m = &self.pricing.model_q;
        let k = VixCoefficients::new(&m.params);
        #[expect(clippy::cast_possible_truncation, reason = "kernel constants are f32")]
        let c = (0..=self.horizon_days)
            .map(|d| (k.b + event_term(m, f64::from(d) / TRADING_DAYS_PER_YEAR)) as f32)
            .collect();
        #[expect(clippy::cast_possible_truncation, reason = "kernel constants are f32")]
        (k.a as f32, c)
    }

    /// This setup with its paths drawn from the historical bootstrap `series`
    /// (`crate::shared::bootstrap`) instead of the SVCJ model; the marks stay
    /// the model's, at the variance filtered from each day's VIX close.
    #[must_use]
    pub fn with_bootstrap(self, series: BootstrapSeries) -> Self {
        Self {
            params: self.params.with_bootstrap(&series),
            bootstrap: Some(series),
            ..self
        }
    }
}
