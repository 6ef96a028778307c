//! The integration tests: one binary (`autotests = false` in Cargo.toml), one
//! module per topic. Helpers shared by all of them are in `util`.

#[macro_use]
mod util;

mod analytic;
mod backends;
mod cli_config;
mod cpu_study;
mod gpu;
mod gpu_marks;
mod gpu_study;
mod ivtable;
mod kernel_lookup;
mod layout;
mod report;
mod run;
mod strategy;
mod vix;
