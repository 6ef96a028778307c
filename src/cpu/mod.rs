//! The CPU backend: independent Rust twins of the WGSL kernels, run in parallel
//! over path blocks with rayon, and the f64 reference study.

pub mod burn_in;
pub mod closes;
pub mod path_step;
pub mod reference;
