//! What the study kernel reads and writes, built on the host once per run
//! and shared by its two twins (`shaders/study.wgsl` on the GPU,
//! `crate::cpu::study` on the CPU): the parameter blocks, the packed tables,
//! the per-day event inputs and the layout of the per-path record.
//!
//! Only parameters and data are shared; each twin implements the algorithm
//! itself.

mod days;
mod params;
mod record;

pub use days::{marks_tables, DayTables};
pub use params::{
    params_of, strike_quantiles, vix_b, LayerDesc, ProgramDesc, StudyParams, StudyShape, CAPACITY,
    MAX_VXTH_LEVELS,
};
pub use record::{LineSource, RecordLayout, FACT_WORDS, HEADER_WORDS};

use crate::shared::bootstrap::BootstrapSeries;
use crate::shared::marks::MarksParams;
use crate::shared::params::SimParams;
use crate::shared::tables::PackedTables;

use super::StudySetup;

/// The run's books or tables do not fit the study kernel.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KernelError(pub String);

/// Everything the study kernel reads for one run, in the form both twins
/// use: the GPU uploads these as they are, the CPU twin reads them in place.
#[derive(Debug, Clone)]
pub struct KernelInputs {
    /// The path kernel's parameters (paths under P); the per-batch fields are
    /// set per dispatch.
    pub sim: SimParams,
    /// The study's constants.
    pub study: StudyParams,
    /// One description per program (at least one).
    pub programs: Vec<ProgramDesc>,
    /// Program `p`'s layer `i` at `p * MAX_LAYERS + i`.
    pub layers: Vec<LayerDesc>,
    /// The marks' constants (tables from index 0 on).
    pub marks: MarksParams,
    /// The marks' tables in the order of [`marks_tables`].
    pub tables: PackedTables,
    /// Names of the packed tables.
    pub table_names: Vec<String>,
    /// `b` of the VIX index at the close of each day `0..=horizon`
    /// (annualised variance).
    pub vix_b: Vec<f32>,
    /// The historical bootstrap series when the paths come from history
    /// (`sim.boot_days > 0`).
    pub bootstrap: Option<BootstrapSeries>,
    /// How to read the records.
    pub layout: RecordLayout,
}

impl KernelInputs {
    /// The inputs of `setup`.
    ///
    /// # Errors
    /// Books beyond the kernel's capacities, or tables beyond its 32-bit
    /// value index.
    pub fn new(setup: &StudySetup) -> Result<Self, KernelError> {
        let (study, programs, layers, shape) = params_of(setup)?;
        let spec = &setup.spec;
        let mut max_tenor = spec.condor.dte_days.max(21).max(spec.vxth.tenor_days);
        for p in &spec.programs {
            for l in &p.layers {
                max_tenor = max_tenor.max(l.tenor_days);
            }
        }
        let days = DayTables::build(&setup.pricing, setup.horizon_days + 1, max_tenor.max(1));
        let refs = marks_tables(&setup.pricing, &days);
        let tables = PackedTables::pack(&refs).map_err(|e| KernelError(e.0))?;
        Ok(Self {
            sim: setup.params,
            study,
            programs,
            layers,
            marks: MarksParams::new(&setup.pricing, 0),
            table_names: refs.iter().map(|t| t.name.clone()).collect(),
            tables,
            vix_b: vix_b(setup),
            bootstrap: setup.bootstrap.clone(),
            layout: RecordLayout::new(spec, shape),
        })
    }

    /// The run's slot counts.
    #[must_use]
    pub fn shape(&self) -> StudyShape {
        self.layout.shape
    }
}
