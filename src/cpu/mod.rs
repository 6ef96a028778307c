//! The CPU backend: independent Rust twins of the WGSL kernels, run in parallel
//! over path blocks with rayon, and the f64 reference study.
//!
//! - [`path_step`]: the path kernel (`shaders/path_step.wgsl`);
//! - [`study`]: the study kernel (`shaders/study.wgsl`) in `f32`, bit for bit
//!   the shader's records on lavapipe;
//! - [`reduce`]: the reductions of the study kernel's records
//!   (`shaders/reduce.wgsl`), accumulators identical to the shader's;
//! - [`reference`]: the study on the `f64` books of `crate::strategy`, the
//!   reference the `f32` kernels are held to.

pub mod burn_in;
pub mod closes;
pub mod path_step;
pub mod reduce;
pub mod reference;
pub mod study;
