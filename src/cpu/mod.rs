//! The CPU backend: independent Rust twins of the WGSL kernels, run in parallel
//! over path blocks with rayon.

pub mod path_step;
pub mod pricing;
