//! The integration tests: one binary (`autotests = false` in Cargo.toml), one
//! module per topic. Helpers shared by all of them are in `util`.

#[macro_use]
mod util;

mod analytic;
mod backends;
mod batch;
mod cli_config;
mod cpu_study;
mod docs;
mod fuzz_config;
mod gpu;
mod gpu_marks;
mod gpu_study;
mod history;
mod history_gpu;
mod ivtable;
mod kernel_lookup;
mod layering;
mod layout;
mod longrun;
mod reduce;
mod report;
mod run;
mod shard;
mod strategy;
mod sweep_cmd;
mod vix;
