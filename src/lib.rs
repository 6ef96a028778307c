//! vixhedge: Monte Carlo of SPX/VIX paths under SVCJ on the GPU (wgpu) and the
//! CPU, to test whether layered VIX hedges cut the drawdowns of an SPX
//! iron-condor book.

pub mod bench;
pub mod cli;
pub mod commands;
pub mod config;
pub mod cpu;
pub mod engine;
pub mod gpu;
pub mod history;
pub mod mc;
pub mod model;
pub mod price;
pub mod report;
pub mod rng;
pub mod sim;
pub mod strategy;
pub mod study;
pub mod tables;
pub mod validate;
