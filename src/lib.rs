//! vixhedge: Monte Carlo of SPX/VIX paths under SVCJ on the GPU (wgpu) and the
//! CPU, to test whether layered VIX hedges cut the drawdowns of an SPX
//! iron-condor book.

pub mod cpu;
pub mod gpu;
pub mod model;
pub mod rng;
pub mod sim;
