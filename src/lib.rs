//! vixhedge: Monte Carlo of SPX/VIX paths under SVCJ on the GPU (wgpu) and the
//! CPU, to test whether layered VIX hedges cut the drawdowns of an SPX
//! iron-condor book.
//!
//! Layers, each importing only the ones listed before it:
//!
//! 1. [`shared`]: parameter blocks and the CPU twins of the shared WGSL;
//! 2. [`model`]: the SVCJ model, exact pricing and the pricing tables;
//! 3. [`config`]: the TOML configuration, presets and validation;
//! 4. [`strategy`]: the condor book and the hedge programs (f64);
//! 5. [`report`]: mergeable reductions, the verdict, files and plots;
//! 6. [`study`]: the study's host-side setup and marks;
//! 7. [`cpu`] and [`gpu`]: the kernels, twins of each other;
//! 8. [`backend`]: the device choice and the path and study engines;
//! 9. [`montecarlo`]: Monte Carlo estimators and prices;
//! 10. [`validate`], [`bench`](mod@bench), [`sweep`] and [`history`]: the
//!     oracles, the timings, the grids of studies, and real SPX/VIX history
//!     (facts, calibration, replay).

pub mod backend;
pub mod bench;
pub mod config;
pub mod cpu;
pub mod gpu;
pub mod history;
pub mod model;
pub mod montecarlo;
pub mod report;
pub mod shared;
pub mod strategy;
pub mod study;
pub mod sweep;
pub mod validate;
