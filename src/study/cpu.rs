//! CPU twin of the study kernel: paths advanced 16 lanes at a time by the path
//! kernel, and at every trading day's close each lane's books are marked and
//! traded from the model-consistent marks.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::marks::StudyPricing;
use crate::config::{Config, HedgeProgram};
use crate::cpu::path_step::{LaneBlock, LANES};
use crate::model::Measure;
use crate::sim::SimParams;
use crate::strategy::book::{PathBook, PathOutcome};
use crate::strategy::spec::BookSpec;

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
        let model_q = crate::validate::risk_neutral(config.market_model(Measure::Q));
        Ok(Self {
            params,
            spot: config.market.spot,
            horizon_days: sim.horizon_days,
            pricing: StudyPricing::build(model_q),
            spec,
        })
    }
}

/// Runs the books over the block of paths `first_path .. first_path + n`
/// (`n <= LANES`), returning each path's outcome.
#[must_use]
pub fn run_block(setup: &StudySetup, first_path: u32, n: usize) -> Vec<PathOutcome> {
    let n = n.min(LANES);
    let p = &setup.params;
    let mut block = LaneBlock::new(p, first_path);
    // Each lane's own day-0 variance (they differ with a stationary start).
    let mut books: Vec<PathBook<'_>> = (0..n)
        .map(|l| {
            let marks0 = setup.pricing.marks(0, setup.spot, f64::from(block.v[l]));
            PathBook::start(&setup.spec, &marks0.day_state(), &marks0)
        })
        .collect();
    let spd = p.steps_per_day;
    for day in 1..=setup.horizon_days {
        for s in 0..spd {
            block.step(p, (day - 1) * spd + s);
        }
        for (l, book) in books.iter_mut().enumerate() {
            let spx = setup.spot * f64::from(block.y[l]).exp();
            let marks = setup.pricing.marks(day, spx, f64::from(block.v[l]));
            book.step(&marks.day_state(), &marks);
        }
    }
    books.iter().map(PathBook::outcome).collect()
}

/// Runs paths `first_path .. first_path + n` in parallel over blocks of
/// [`LANES`] paths; outcomes in path order, independent of the thread count.
#[must_use]
pub fn run_paths(setup: &StudySetup, first_path: u32, n: usize) -> Vec<PathOutcome> {
    run_paths_counted(setup, first_path, n, &AtomicUsize::new(0))
}

/// [`run_paths`], adding the number of finished paths to `done` as blocks
/// complete (for a progress display on another thread).
#[must_use]
pub fn run_paths_counted(
    setup: &StudySetup,
    first_path: u32,
    n: usize,
    done: &AtomicUsize,
) -> Vec<PathOutcome> {
    let blocks = n.div_ceil(LANES);
    let per: Vec<Vec<PathOutcome>> = (0..blocks)
        .into_par_iter()
        .map(|b| {
            let start = b * LANES;
            let len = (n - start).min(LANES);
            let out = run_block(setup, first_path.wrapping_add(start as u32), len);
            done.fetch_add(len, Ordering::Relaxed);
            out
        })
        .collect();
    per.into_iter().flatten().collect()
}
