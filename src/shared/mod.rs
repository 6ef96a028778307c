//! The CPU twins of `shaders/shared/*.wgsl`, file stem for file stem, and the
//! parameter blocks both backends read: the bottom layer, importing nothing
//! else from the crate.
//!
//! - [`bootstrap`]: the historical bootstrap path source and its series;
//! - [`params`]: the path kernels' parameter block and terminal state;
//! - [`philox`]: Philox4x32-10 and the counter layout;
//! - [`math`]: portable uniforms, logarithm, sine/cosine, normals and
//!   exponentials;
//! - [`marks`]: the `f32` marks of positions inside a path (SPX options from
//!   the implied-vol surface, VIX futures and calls from the VIX tables);
//! - [`pricing`]: portable `f32` exponential, normal distribution, Black-76 and
//!   Black-Scholes, and the VIX from its affine coefficients;
//! - [`tables`]: regular-grid tables (built on the host) and their `f32`
//!   multilinear lookups.

pub mod bootstrap;
pub mod marks;
pub mod math;
pub mod params;
pub mod philox;
pub mod pricing;
pub mod tables;
