//! Portable transforms of Philox words into uniforms, normals and
//! exponentials: the CPU twin of `shaders/shared/math.wgsl`.
//!
//! Everything here uses `+ - * /` and bit manipulation on `f32`, in a fixed
//! evaluation order, so that the WGSL twin draws the same numbers. Built-in
//! `ln`, `sin` and `cos` are deliberately not used: GPU drivers implement them
//! with far looser error bounds than the host libm.

/// A uniform in the open interval (0, 1) from the top 23 bits of `u`:
/// `(u >> 9 + 0.5) * 2^-23`, exact in `f32`.
#[inline(always)]
#[must_use]
pub fn uniform(u: u32) -> f32 {
    ((u >> 9) as f32 + 0.5) * (1.0 / 8_388_608.0)
}

/// Natural log of a positive, finite, normal `f32`, portable: exponent from the
/// bits, mantissa reduced to [sqrt(1/2), sqrt(2)), then
/// ln(1+f) = 2 atanh(s) with s = f / (2 + f), series to s^9 (|error| < 2e-9 relative
/// to the series argument, below one ulp of the result).
#[inline(always)]
#[must_use]
pub fn ln_portable(x: f32) -> f32 {
    let bits = x.to_bits();
    let mut e = ((bits >> 23) & 0xff) as i32 - 127;
    let mut m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    if m > std::f32::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let s2 = s * s;
    // 2 (s + s^3/3 + s^5/5 + s^7/7 + s^9/9), Horner in s^2.
    let poly = (((0.222_222_22 * s2 + 0.285_714_3) * s2 + 0.4) * s2 + 0.666_666_7) * s2 + 2.0;
    let lnm = s * poly;
    (e as f32) * std::f32::consts::LN_2 + lnm
}

/// sin(2 pi u) and cos(2 pi u) for u in [0, 1), portable: the quadrant comes from
/// `4u` exactly, the remainder angle a in [0, pi/2) goes through Taylor
/// polynomials to a^11 (sin) and a^12 (cos), error below 6e-8.
#[inline(always)]
#[must_use]
pub fn sincos_2pi(u: f32) -> (f32, f32) {
    let t = u * 4.0;
    let q = t as u32;
    let f = t - q as f32;
    let (s, c) = sincos_quadrant_poly(f);
    match q & 3 {
        0 => (s, c),
        1 => (c, -s),
        2 => (-s, -c),
        _ => (-c, s),
    }
}

/// sin and cos of the angle `f pi/2` for `f` in [0, 1): Taylor polynomials to
/// a^11 (sin) and a^12 (cos) in Horner form, error below 6e-8. Shared by the
/// scalar and the lane versions of the CPU transforms.
#[inline(always)]
#[must_use]
#[expect(
    clippy::excessive_precision,
    reason = "the literals match shaders/shared/math.wgsl digit for digit"
)]
pub fn sincos_quadrant_poly(f: f32) -> (f32, f32) {
    let a = f * 1.570_796_4;
    let a2 = a * a;
    let s = a
        * (((((-2.505_210_8e-8 * a2 + 2.755_731_9e-6) * a2 - 1.984_127e-4) * a2 + 8.333_333_3e-3)
            * a2
            - 0.166_666_67)
            * a2
            + 1.0);
    let c = (((((2.087_675_7e-9 * a2 - 2.755_731_9e-7) * a2 + 2.480_158_7e-5) * a2
        - 1.388_888_9e-3)
        * a2
        + 4.166_666_8e-2)
        * a2
        - 0.5)
        * a2
        + 1.0;
    (s, c)
}

/// Two independent standard normals from two words by Box-Muller:
/// r = sqrt(-2 ln u0), (r cos(2 pi u1), r sin(2 pi u1)).
#[inline(always)]
#[must_use]
pub fn box_muller(w0: u32, w1: u32) -> (f32, f32) {
    let u0 = uniform(w0);
    let u1 = uniform(w1);
    let r = (-2.0 * ln_portable(u0)).sqrt();
    let (s, c) = sincos_2pi(u1);
    (r * c, r * s)
}

/// A standard exponential (mean 1) from one word: -ln(u).
#[inline(always)]
#[must_use]
pub fn exponential(w: u32) -> f32 {
    -ln_portable(uniform(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::philox::{draw, seed_key};

    #[test]
    fn uniform_is_open_and_exact() {
        assert_eq!(uniform(0), 0.5 / 8_388_608.0);
        assert_eq!(uniform(u32::MAX), 1.0 - 0.5 / 8_388_608.0);
        assert!(uniform(u32::MAX) < 1.0);
    }

    #[test]
    fn ln_matches_libm_over_the_uniform_range() {
        let mut worst = 0.0f64;
        for i in 0..200_000u32 {
            let x = uniform(i.wrapping_mul(2_654_435_761));
            let got = f64::from(ln_portable(x));
            let want = f64::from(x).ln();
            let err = (got - want).abs() / want.abs().max(1e-3);
            worst = worst.max(err);
        }
        assert!(worst < 3e-7, "worst relative error {worst:e}");
        assert_eq!(ln_portable(1.0), 0.0);
        assert!((ln_portable(2.0) - std::f32::consts::LN_2).abs() < 1e-7);
    }

    #[test]
    fn sincos_matches_libm() {
        let mut worst = 0.0f64;
        for i in 0..100_000u32 {
            let u = uniform(i.wrapping_mul(2_654_435_761));
            let (s, c) = sincos_2pi(u);
            let a = 2.0 * std::f64::consts::PI * f64::from(u);
            worst = worst.max((f64::from(s) - a.sin()).abs());
            worst = worst.max((f64::from(c) - a.cos()).abs());
        }
        assert!(worst < 3e-7, "worst absolute error {worst:e}");
    }

    #[test]
    fn normals_have_unit_moments() {
        // 2e5 normals: the standard error of the mean is 2.2e-3 and of the variance
        // 3.2e-3; 5 standard errors fail far less than once in 1e4 runs.
        let key = seed_key(42);
        let (mut s1, mut s2, mut n) = (0.0f64, 0.0f64, 0.0f64);
        for p in 0..100_000u32 {
            let w = draw(key, p, 0, 0);
            let (a, b) = box_muller(w[0], w[1]);
            for z in [a, b] {
                s1 += f64::from(z);
                s2 += f64::from(z) * f64::from(z);
                n += 1.0;
            }
        }
        let mean = s1 / n;
        let var = s2 / n - mean * mean;
        assert!(mean.abs() < 5.0 * 2.3e-3, "mean {mean}");
        assert!((var - 1.0).abs() < 5.0 * 3.2e-3, "variance {var}");
    }
}
