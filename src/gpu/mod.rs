//! The GPU backend: wgpu compute pipelines running the WGSL twins of the CPU
//! kernels (`shaders/*.wgsl`), one invocation per path.
//!
//! Create one [`GpuContext`] and pass `&GpuContext` to every pipeline.
//!
//! The kernels that exist only for tests (`marks_test`, `table_lookup`) are
//! compiled with the `test-kernels` feature, which the integration tests
//! enable.

pub mod context;
mod kernel;
pub mod marks;
#[cfg(feature = "test-kernels")]
pub mod marks_test;
pub mod path_step;
pub mod philox_kat;
pub mod reduce;
pub mod shaders;
pub mod study;
#[cfg(feature = "test-kernels")]
pub mod table_lookup;
pub mod tables;

pub use context::{GpuContext, GpuError};
pub use marks::{marks_tables, DayTables, MarksParams};
#[cfg(feature = "test-kernels")]
pub use marks_test::{MarksQuery, MarksResult, MarksTest};
pub use path_step::{GpuTiming, PathStep};
pub use philox_kat::{KatInput, KatOutput, PhiloxKat};
pub use reduce::GpuReduction;
pub use study::{GpuStudy, StudyPhases, StudyShape};
#[cfg(feature = "test-kernels")]
pub use table_lookup::{LookupQuery, LookupResult, TableLookup};
pub use tables::{GpuTables, TableHeader, TABLES_GROUP};
