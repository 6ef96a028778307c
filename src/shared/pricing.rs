//! Portable `f32` pricing math for use inside a path, the CPU twin of
//! `shaders/shared/pricing.wgsl`.
//!
//! Like [`super::math`], everything uses `+ - * /`, `sqrt`, `floor`, min/max and
//! bit operations on `f32`, in a fixed evaluation order (Horner form, left to
//! right) with the same decimal constants as the shader, so that a GPU that
//! rounds IEEE-correctly (lavapipe) reproduces these values bit for bit. The
//! `f64` reference is [`crate::model::analytic`]; these functions trade its
//! accuracy for speed and portability:
//!
//! - [`exp_portable`]: `k = floor(x log2 e)`, `r = x - k ln 2` with `ln 2` split
//!   into a 14-bit head (so `k * head` and the first subtraction are exact) and
//!   a tail, Taylor polynomial to `r^9` on `[0, ln 2)` (truncation below 7e-9
//!   relative), times `2^k` assembled from the exponent bits. Results are
//!   within 2 ulp of the correctly rounded `e^x` (measured); 0 below
//!   `-126 ln 2` (no subnormals: GPUs may flush them), `+inf` from `128 ln 2`
//!   on.
//! - [`norm_tail_f32`], [`norm_cdf_f32`]: `Q(z) = e^{-z^2/2} A(z) / B(z)` with
//!   the degree-6/7 rational function of Hart (1968, algorithm 5666, as given
//!   by G. West, "Better approximations to cumulative normal functions", 2005)
//!   below `z = 5 sqrt 2`, and a five-term continued fraction for the Mills
//!   ratio above. In `f64` that pair is accurate to 1e-8 relative; in `f32` the
//!   error is a few ulp of the tail plus the rounding of `z^2 / 2` (about
//!   `z^2 * 3e-8` relative).
//! - [`black76_f32`], [`bs_f32`]: the out-of-the-money option is priced
//!   directly from the small tails (so its relative accuracy survives), the
//!   in-the-money one by put-call parity. The floor of `f32` is the rounding
//!   of `F / K` (6e-8 in `ln(F/K)`): prices are within about `2e-7 max(F, K)`
//!   of the `f64` reference (1e-4 relative at a price of `1e-3 F`, 1e-5 at
//!   `1e-2 F`), deltas within `4e-7 / (vol sqrt(tau))`
//!   (tests/kernel_lookup.rs measures both).

use super::math::ln_portable;

/// Call or put.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// Right to buy at the strike.
    Call,
    /// Right to sell at the strike.
    Put,
}

/// A price (index points) and a delta.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PriceDelta {
    /// Price in index points (discounted).
    pub price: f32,
    /// Delta; see the function that returned it for its convention.
    pub delta: f32,
}

/// `e^x` in `f32` from `+ - *` and bit operations (algorithm in the module
/// doc). `0` for `x < -126 ln 2`, `+inf` for `x >= 128 ln 2`, `NaN` for `NaN`
/// (the GPU twin's value for `NaN` is unspecified).
#[inline(always)]
#[must_use]
#[expect(
    clippy::excessive_precision,
    reason = "the same decimal constants as shaders/shared/pricing.wgsl"
)]
pub fn exp_portable(x: f32) -> f32 {
    let xc = x.clamp(-88.0, 89.0);
    let kf = (xc * std::f32::consts::LOG2_E).floor();
    let r = (xc - kf * 0.693_359_375) - kf * -2.121_944_40e-4;
    let p = ((((((((2.755_731_92e-6 * r + 2.480_158_73e-5) * r + 1.984_126_98e-4) * r
        + 1.388_888_89e-3)
        * r
        + 8.333_333_33e-3)
        * r
        + 4.166_666_67e-2)
        * r
        + 0.166_666_667)
        * r
        + 0.5)
        * r
        + 1.0)
        * r
        + 1.0;
    // kf is in [-127, 128]: the biased exponent is in [0, 255], where 0 gives
    // the scale 0 and 255 the scale +inf.
    let scale = f32::from_bits((((kf as i32) + 127) as u32) << 23);
    p * scale
}

/// Upper tail `Q(z) = P(Z > z)` of the standard normal for `z >= 0` (algorithm
/// in the module doc); accurate relative to `Q(z)` to `3e-7 (1 + z^2)`, and
/// `0` where `e^{-z^2/2}` leaves the normal `f32` range (`z > 13.2`).
#[inline(always)]
#[must_use]
#[expect(
    clippy::excessive_precision,
    reason = "the same decimal constants as shaders/shared/pricing.wgsl"
)]
pub fn norm_tail_f32(z: f32) -> f32 {
    let e = exp_portable(-0.5 * z * z);
    let num = (((((3.526_249_66e-2 * z + 0.700_383_064) * z + 6.373_962_20) * z + 33.912_866_1)
        * z
        + 112.079_291)
        * z
        + 221.213_596)
        * z
        + 220.206_868;
    let den = ((((((8.838_834_76e-2 * z + 1.755_667_16) * z + 16.064_177_6) * z + 86.780_732_2)
        * z
        + 296.564_249)
        * z
        + 637.333_633)
        * z
        + 793.826_513)
        * z
        + 440.413_736;
    let mut b = z + 0.65;
    b = z + 4.0 / b;
    b = z + 3.0 / b;
    b = z + 2.0 / b;
    b = z + 1.0 / b;
    // Both branches evaluated and one selected, so loops over many inputs
    // vectorise; the shader branches, with the same bits.
    if z < 7.071_067_81 {
        (e * num) / den
    } else {
        (e * 0.398_942_280) / b
    }
}

/// Standard normal distribution function `Phi(x)` in `f32`: absolute error
/// below `1.5e-7`, and in the lower tail relative error below
/// `3e-7 (1 + x^2)` (measured; tests/kernel_lookup.rs).
#[inline(always)]
#[must_use]
pub fn norm_cdf_f32(x: f32) -> f32 {
    let q = norm_tail_f32(x.abs());
    if x > 0.0 {
        1.0 - q
    } else {
        q
    }
}

/// Black-76 price and forward delta in `f32`, the twin of `black76_f32` in
/// `shaders/shared/pricing.wgsl`.
///
/// `forward` and `strike` in index points, `tau` in years, `df` the discount
/// factor to expiry, `vol` annualised. The price is in index points,
/// discounted; the delta excludes `df` (`N(d1)` for a call, `N(d1) - 1` for a
/// put), like [`crate::model::analytic::black76_delta`]. With `tau`, `vol`,
/// `strike` or `forward` not positive: the discounted intrinsic value and the
/// step delta.
#[inline(always)]
#[must_use]
pub fn black76_f32(
    kind: OptionKind,
    forward: f32,
    strike: f32,
    tau: f32,
    df: f32,
    vol: f32,
) -> PriceDelta {
    let call = kind == OptionKind::Call;
    let degenerate = !(tau > 0.0 && vol > 0.0 && strike > 0.0 && forward > 0.0);
    let step = if forward > strike { 1.0 } else { 0.0 };
    let intrinsic = if call {
        (forward - strike).max(0.0)
    } else {
        (strike - forward).max(0.0)
    };
    let s = vol * tau.sqrt();
    let x = ln_portable(forward / strike);
    let d1 = x / s + 0.5 * s;
    let d2 = d1 - s;
    let q1 = norm_tail_f32(d1.abs());
    let q2 = norm_tail_f32(d2.abs());
    // N(d) and N(-d) from one tail each, so the small one keeps its digits.
    let (n1, m1) = if d1 > 0.0 {
        (1.0 - q1, q1)
    } else {
        (q1, 1.0 - q1)
    };
    let (n2, m2) = if d2 > 0.0 {
        (1.0 - q2, q2)
    } else {
        (q2, 1.0 - q2)
    };
    // The out-of-the-money option directly, the other one by parity.
    let c_otm = (forward * n1 - strike * n2).max(0.0);
    let p_otm = (strike * m2 - forward * m1).max(0.0);
    let (c, p) = if x <= 0.0 {
        (c_otm, c_otm + (strike - forward))
    } else {
        (p_otm + (forward - strike), p_otm)
    };
    // Every quantity is computed and the degenerate case selected at the
    // end, so loops over many options vectorise (the shader branches; the
    // bits are the same).
    if degenerate {
        PriceDelta {
            price: df * intrinsic,
            delta: if call { step } else { step - 1.0 },
        }
    } else {
        PriceDelta {
            price: df * if call { c } else { p },
            delta: if call { n1 } else { -m1 },
        }
    }
}

/// Black-Scholes-Merton price and spot delta in `f32` with a continuous
/// dividend yield, the twin of `bs_f32` in `shaders/shared/pricing.wgsl`:
/// [`black76_f32`] on `F = S e^{(r-q) tau}` with `df = e^{-r tau}`; the delta
/// includes `e^{-q tau}`.
///
/// `spot` and `strike` in index points, `tau` in years, `rate` and `div_yield`
/// continuously compounded per year, `vol` annualised.
#[inline]
#[must_use]
pub fn bs_f32(
    kind: OptionKind,
    spot: f32,
    strike: f32,
    tau: f32,
    rate: f32,
    div_yield: f32,
    vol: f32,
) -> PriceDelta {
    let t = tau.max(0.0);
    let forward = spot * exp_portable((rate - div_yield) * t);
    let df = exp_portable(-rate * t);
    let b = black76_f32(kind, forward, strike, tau, df, vol);
    PriceDelta {
        price: b.price,
        delta: exp_portable(-div_yield * t) * b.delta,
    }
}

/// The VIX in index points from its affine coefficients (`docs/pricing.md`):
/// `100 sqrt(a v + b_t)`, with `v` the annualised variance, `a` dimensionless
/// and `b_t` annualised variance (including the event variance of the window);
/// a negative radicand counts as 0.
#[inline]
#[must_use]
pub fn vix_from_affine(a: f32, v: f32, b_t: f32) -> f32 {
    100.0 * (a * v + b_t).max(0.0).sqrt()
}
