//! The study: the condor book and the hedge programs on every simulated path,
//! marked daily with model-consistent prices.

pub mod compare;
pub mod cpu;
pub mod engine;
pub mod lines;
pub mod marks;

pub use cpu::{run_block, run_paths, run_paths_counted, StudySetup};
pub use engine::{StudyDevice, StudyEngine};
pub use marks::{ModelMarks, StudyPricing};
