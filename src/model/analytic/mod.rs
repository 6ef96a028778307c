//! Analytic European pricing (`docs/pricing.md`).
//!
//! - [`norm_cdf`], [`norm_pdf`]: the standard normal, to about 1e-16.
//! - [`bs_price`], [`black76_price`] and their deltas; [`implied_vol_bs`],
//!   [`implied_vol_black76`]: robust implied volatility.
//! - [`log_return_cf`]: the risk-neutral SVCJ characteristic function with
//!   scheduled events; [`european_price`]: SPX European options from it by Lewis's
//!   (2001) Fourier integral.
//!
//! Units: time in years, prices and strikes in index points, volatilities
//! annualised, variances annualised variance, rates continuously compounded per
//! year.

mod black;
pub(crate) mod cf;
mod implied;
mod lewis;
mod normal;
pub(crate) mod quadrature;

pub use black::{black76_delta, black76_price, bs_delta, bs_price};
pub use cf::{log_return_cf, JumpTransform};
pub use implied::{implied_vol_black76, implied_vol_black76_near, implied_vol_bs};
pub use lewis::{european_price, european_price_with, LewisSettings};
pub use normal::{norm_cdf, norm_cdf_fast, norm_pdf};
/// Complex numbers of the characteristic function (`num_complex::Complex64`).
pub use num_complex::Complex64;

/// Call or put (defined beside the `f32` pricing twins, which take it too).
pub use crate::shared::pricing::OptionKind;
