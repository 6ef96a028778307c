//! The standard normal density and distribution function, accurate to about
//! 1e-16 absolute (and to about 1e-14 relative in the lower tail), and a fast
//! distribution function for the hot loops of pricing ([`norm_cdf_fast`]).
//!
//! `Phi(x) = erfc(-x / sqrt 2) / 2`. The complementary error function uses two
//! expansions without cancellation:
//! - `z < 1.5`: `erf z = (2/sqrt pi) e^{-z^2} sum_n 2^n z^{2n+1} / (1 3 5 ... (2n+1))`
//!   (Abramowitz and Stegun 7.1.6), all terms positive;
//! - `z >= 1.5`: the even contraction of Laplace's continued fraction,
//!   `erfc z = (2 z e^{-z^2} / sqrt pi) / (2z^2+1 - 1*2/(2z^2+5 - 3*4/(2z^2+9 - ...)))`
//!   (Abramowitz and Stegun 7.1.14 contracted), evaluated with the modified Lentz
//!   algorithm; it needs at most about 45 terms at `z = 1.5`.

use std::f64::consts::{FRAC_1_SQRT_2, FRAC_2_SQRT_PI, PI};

/// Below this argument erfc uses the power series, above it the continued fraction.
const SERIES_LIMIT: f64 = 1.5;

/// Standard normal density `exp(-x^2/2) / sqrt(2 pi)`.
#[must_use]
pub fn norm_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}

/// Standard normal distribution function `Phi(x) = P(Z <= x)`, accurate to about
/// 1e-16 absolute; in the lower tail (`x < 0`) also accurate relative to `Phi(x)`
/// (about 1e-14), down to the underflow near `x = -38`.
#[must_use]
pub fn norm_cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let z = x.abs() * FRAC_1_SQRT_2;
    // z^2 = x^2 / 2 with a single rounding (halving is exact).
    let tail = 0.5 * erfc_nonneg(z, 0.5 * x * x);
    if x < 0.0 {
        tail
    } else {
        1.0 - tail
    }
}

/// Standard normal distribution function for hot loops (Black-76 prices,
/// deltas and implied vols): Hart's (1968) algorithm 5666 in double precision
/// as given by G. West ("Better approximations to cumulative normal
/// functions", 2005): `Phi(-|x|) = e^{-x^2/2} A(|x|) / B(|x|)` with a
/// degree-6/7 rational function below `|x| = 5 sqrt 2`, a five-term continued
/// fraction for the Mills ratio above, 0 (or 1) beyond `|x| = 37`. About ten
/// times faster than [`norm_cdf`] (measured: 12 against 120 ns).
///
/// Error against [`norm_cdf`] (measured on 2e6 points of [-38, 9]; the test
/// `fast_normal_cdf_error_bounds` in tests/analytic.rs checks them): at most
/// 5.2e-16 absolute; in the lower tail, relative to `Phi(x)`, at most 3.1e-14
/// for `|x| < 3`, 4.6e-11 for `|x| < 5` and 9e-9 down to `x = -37`.
#[must_use]
pub fn norm_cdf_fast(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let z = x.abs();
    if z > 37.0 {
        return if x > 0.0 { 1.0 } else { 0.0 };
    }
    let e = (-0.5 * z * z).exp();
    if z >= 7.071_067_811_865_47 {
        let mut b = z + 0.65;
        b = z + 4.0 / b;
        b = z + 3.0 / b;
        b = z + 2.0 / b;
        b = z + 1.0 / b;
        let tail = e / b / 2.506_628_274_631;
        return if x > 0.0 { 1.0 - tail } else { tail };
    }
    let num = (((((3.526_249_659_989_11e-2 * z + 0.700_383_064_443_688) * z
        + 6.373_962_203_531_65)
        * z
        + 33.912_866_078_383)
        * z
        + 112.079_291_497_871)
        * z
        + 221.213_596_169_931)
        * z
        + 220.206_867_912_376;
    let den =
        ((((((8.838_834_764_831_84e-2 * z + 1.755_667_163_182_64) * z + 16.064_177_579_207) * z
            + 86.780_732_202_946_1)
            * z
            + 296.564_248_779_674)
            * z
            + 637.333_633_378_831)
            * z
            + 793.826_512_519_948)
            * z
            + 440.413_735_824_752;
    let tail = e * num / den;
    if x > 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// erfc(z) for `z >= 0`, given `z2 = z^2` computed by the caller.
fn erfc_nonneg(z: f64, z2: f64) -> f64 {
    let ez2 = (-z2).exp();
    if ez2 == 0.0 {
        return 0.0;
    }
    if z < SERIES_LIMIT {
        let mut term = z;
        let mut sum = z;
        let mut n = 0.0;
        while term > 1e-17 * sum {
            n += 1.0;
            term *= 2.0 * z2 / (2.0 * n + 1.0);
            sum += term;
        }
        1.0 - FRAC_2_SQRT_PI * ez2 * sum
    } else {
        // Modified Lentz for b0 + a1/(b1 + a2/(b2 + ...)),
        // a_n = -(2n-1)(2n), b_n = 2 z^2 + 4n + 1.
        const TINY: f64 = 1e-300;
        let mut f = 2.0 * z2 + 1.0;
        let mut c = f;
        let mut d = 0.0;
        for n in 1..200 {
            let nf = f64::from(n);
            let a = -(2.0 * nf - 1.0) * (2.0 * nf);
            let b = 2.0 * z2 + 4.0 * nf + 1.0;
            d = b + a * d;
            if d == 0.0 {
                d = TINY;
            }
            d = 1.0 / d;
            c = b + a / c;
            if c == 0.0 {
                c = TINY;
            }
            let delta = c * d;
            f *= delta;
            if (delta - 1.0).abs() < 2.0 * f64::EPSILON {
                break;
            }
        }
        FRAC_2_SQRT_PI * z * ez2 / f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetry_and_limits() {
        for &x in &[0.0, 0.3, 1.0, 1.4, 2.2, 5.0, 9.0] {
            assert!((norm_cdf(x) + norm_cdf(-x) - 1.0).abs() < 2e-16, "x = {x}");
        }
        assert_eq!(norm_cdf(0.0), 0.5);
        assert_eq!(norm_cdf(f64::INFINITY), 1.0);
        assert_eq!(norm_cdf(f64::NEG_INFINITY), 0.0);
        assert!(norm_cdf(f64::NAN).is_nan());
    }
}
