//! Implied volatility by a safeguarded Newton iteration on the logarithm of the
//! normalised out-of-the-money price.
//!
//! Any price is first reduced to its time value (by put-call parity, the price of
//! the out-of-the-money option of the same strike) normalised by `sqrt(F K)`,
//! which is the out-of-the-money call `c(x, s)` at `x = -|ln(F/K)|`, increasing in
//! the total volatility `s` from 0 to `e^{x/2}`. Newton runs on
//! `ln c(s) - ln target` (nearly linear in `1/s` in the wings, where plain Newton
//! on the price crawls) inside a bracket that every step shrinks; a step that
//! leaves the bracket is replaced by bisection.

use super::black::normalised_otm_call;
use super::OptionKind;

/// Most iterations of the root finder (bisection alone needs about 1100 to pin
/// down every bit over the whole double range; in practice Newton ends in < 15).
const MAX_ITER: usize = 200;

/// Black-76 implied volatility (annualised) of a European option price.
///
/// `forward`, `strike` and `price` in index points, `t` in years, `discount` the
/// discount factor to expiry. Returns `None` when an input is not positive and
/// finite, or the price lies outside the no-arbitrage bounds
/// `discount * intrinsic <= price < discount * (forward for a call, strike for a
/// put)`; a price equal to the discounted intrinsic value gives `Some(0.0)`. The
/// returned volatility reproduces the price to about 1e-12 relative to
/// `discount sqrt(F K)` (up to the rounding of the time value deep in the money).
#[must_use]
pub fn implied_vol_black76(
    kind: OptionKind,
    forward: f64,
    strike: f64,
    t: f64,
    discount: f64,
    price: f64,
) -> Option<f64> {
    implied_vol_black76_near(kind, forward, strike, t, discount, price, f64::NAN)
}

/// [`implied_vol_black76`] with the iteration started at the volatility
/// `guess` (annualised; a `guess` that is not positive and finite is
/// ignored): along a smile, the neighbouring strike's volatility is a start
/// from which Newton needs a few steps. The result solves the same equation
/// to the same tolerance, so it agrees with [`implied_vol_black76`]'s to
/// within a few units of the last place.
#[must_use]
pub fn implied_vol_black76_near(
    kind: OptionKind,
    forward: f64,
    strike: f64,
    t: f64,
    discount: f64,
    price: f64,
    guess: f64,
) -> Option<f64> {
    let inputs_ok = [forward, strike, t, discount]
        .iter()
        .all(|v| v.is_finite() && *v > 0.0);
    if !inputs_ok || !price.is_finite() {
        return None;
    }
    let p = price / discount;
    let (intrinsic, upper) = match kind {
        OptionKind::Call => ((forward - strike).max(0.0), forward),
        OptionKind::Put => ((strike - forward).max(0.0), strike),
    };
    if p < intrinsic || p >= upper {
        return None;
    }
    let time_value = p - intrinsic;
    if time_value <= 0.0 {
        return Some(0.0);
    }
    let x = -(forward / strike).ln().abs();
    let target = time_value / (forward * strike).sqrt();
    if target >= (0.5 * x).exp() {
        return None;
    }
    let start = guess * t.sqrt();
    let start = (start.is_finite() && start > 0.0).then_some(start);
    solve_total_vol(x, target, start).map(|s| s / t.sqrt())
}

/// Black-Scholes-Merton implied volatility (annualised) with a continuous dividend
/// yield: [`implied_vol_black76`] on the forward `spot e^{(r-q)t}` with discount
/// `e^{-rt}`. `spot`, `strike`, `price` in index points, `t` in years, `r`, `q`
/// continuously compounded per year.
#[must_use]
pub fn implied_vol_bs(
    kind: OptionKind,
    spot: f64,
    strike: f64,
    t: f64,
    r: f64,
    q: f64,
    price: f64,
) -> Option<f64> {
    let forward = spot * ((r - q) * t).exp();
    implied_vol_black76(kind, forward, strike, t, (-r * t).exp(), price)
}

/// Total volatility `s` with `c(x, s) = target`, for `x <= 0` and
/// `0 < target < e^{x/2}`, from `start` when given.
fn solve_total_vol(x: f64, target: f64, start: Option<f64>) -> Option<f64> {
    let ln_target = target.ln();
    let (mut lo, mut hi) = (0.0_f64, f64::INFINITY);
    // Start at the inflection point of c in s (where vega peaks), or from the
    // at-the-money approximation c ~ s / sqrt(2 pi) when that is larger.
    let mut s = start.unwrap_or_else(|| {
        (2.0 * x.abs())
            .sqrt()
            .max(target * (-0.5 * x).exp() * 2.5066)
    });
    for _ in 0..MAX_ITER {
        let (c, vega) = normalised_otm_call(x, s);
        if c == target {
            return Some(s);
        }
        if c < target {
            lo = s;
        } else {
            hi = s;
        }
        let mut next = if c > 0.0 && vega > 0.0 {
            s - (c.ln() - ln_target) * c / vega
        } else {
            f64::NAN
        };
        if !(next > lo && next < hi) {
            next = if hi.is_finite() {
                0.5 * (lo + hi)
            } else {
                2.0 * s.max(lo)
            };
        }
        let bracketed = hi.is_finite() && hi - lo <= 4.0 * f64::EPSILON * hi;
        if (next - s).abs() <= 4.0 * f64::EPSILON * s || bracketed {
            return Some(next);
        }
        if next > 1e3 {
            // Total volatility beyond 1000 is numerically the upper bound.
            return None;
        }
        s = next;
    }
    Some(s)
}
