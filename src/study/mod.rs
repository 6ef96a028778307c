//! The study's host side, shared by every backend: what a run needs on every
//! path ([`StudySetup`]), the f64 model marks the books read ([`ModelMarks`]),
//! the map from programs to report lines, the books of several studies run
//! on the same paths, and the per-path comparison of two backends. The kernels themselves are `crate::cpu` and `crate::gpu`, chosen
//! in `crate::backend`.

pub mod compare;
pub mod kernel;
pub mod lines;
pub mod marks;
pub mod pack;
pub mod setup;

pub use marks::{ModelMarks, StudyPricing};
pub use setup::StudySetup;
