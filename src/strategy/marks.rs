//! What the books read from the market each trading day: [`DayState`] and the
//! [`Marks`] pricing interface, plus [`FlatMarks`], a closed-form pricer for
//! tests and examples.

use crate::model::analytic::{black76_delta, black76_price, bs_delta, bs_price, OptionKind};
use crate::model::TRADING_DAYS_PER_YEAR;

/// SPX option strike grid, index points.
pub const SPX_STRIKE_STEP: f64 = 5.0;
/// VIX option strike grid, VIX points.
pub const VIX_STRIKE_STEP: f64 = 0.5;

/// Rounds `x` to the nearest multiple of `step`, halves up: `floor(x / step + 0.5) * step`.
///
/// Written with `floor` rather than `f64::round` so the WGSL twin (whose `round`
/// rounds halves to even) can reproduce it exactly.
#[must_use]
pub fn round_to_step(x: f64, step: f64) -> f64 {
    (x / step + 0.5).floor() * step
}

/// The market at the close of one trading day, as the books see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayState {
    /// Trading day: 0 is the start of the path (the initial state, when the first
    /// positions open), 1, 2, ... are the closes of the simulated days.
    pub day: u32,
    /// SPX level, index points.
    pub spx: f64,
    /// VIX index, VIX points.
    pub vix: f64,
    /// The 1-month (21 trading days) VIX future, VIX points.
    pub vix_future_1m: f64,
    /// Risk-free rate, continuously compounded per year; cash accrues `e^{r/252} - 1` a day.
    pub r: f64,
}

/// Model-consistent mid prices on the day being processed.
///
/// One value of the implementing type describes one day of one path; the books
/// only call it for positions with at least one trading day left (expiring
/// positions settle on [`DayState`] at intrinsic, without a pricer call). All
/// `days_left` are trading days to expiry, at least 1.
pub trait Marks {
    /// Mid price of an SPX European option, index points.
    fn spx_option(&self, kind: OptionKind, strike: f64, days_left: u32) -> f64;
    /// The SPX strike whose delta is `delta` in absolute value (0.16 for both a
    /// 16-delta put and a 16-delta call), rounded to the 5-point grid; index points.
    fn spx_strike_for_delta(&self, kind: OptionKind, delta: f64, days_left: u32) -> f64;
    /// VIX future expiring in `days_left` trading days, VIX points.
    fn vix_future(&self, days_left: u32) -> f64;
    /// Mid price of a VIX call, VIX points.
    fn vix_call(&self, strike: f64, days_left: u32) -> f64;
    /// The VIX call strike whose delta (on the future of the same expiry) is
    /// `delta`, in (0, 1), rounded to the 0.5-point grid; VIX points.
    fn vix_call_strike_for_delta(&self, delta: f64, days_left: u32) -> f64;
}

/// A closed-form pricer for tests and examples: SPX options by Black-Scholes at a
/// flat volatility (no dividends, rate `r`); VIX futures linear in tenor from the
/// VIX index (0 days) to `vix_future_1m` (21 days and beyond); VIX calls either by
/// Black-76 on that future at `vix_vol`, or, with `vix_time_value >= 0`, as
/// intrinsic on the future plus that fixed time value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlatMarks {
    /// SPX level, index points.
    pub spx: f64,
    /// SPX implied volatility, annualised.
    pub spx_vol: f64,
    /// Risk-free rate per year.
    pub r: f64,
    /// VIX index, VIX points.
    pub vix: f64,
    /// 1-month VIX future, VIX points.
    pub vix_future_1m: f64,
    /// VIX option implied volatility (Black-76), annualised; used when `vix_time_value < 0`.
    pub vix_vol: f64,
    /// Fixed time value of every VIX call, VIX points; negative selects Black-76.
    pub vix_time_value: f64,
}

impl FlatMarks {
    /// The [`DayState`] of trading day `day` consistent with these marks.
    #[must_use]
    pub fn day_state(&self, day: u32) -> DayState {
        DayState {
            day,
            spx: self.spx,
            vix: self.vix,
            vix_future_1m: self.vix_future_1m,
            r: self.r,
        }
    }

    fn years(days_left: u32) -> f64 {
        f64::from(days_left) / TRADING_DAYS_PER_YEAR
    }
}

/// Bisection for the strike in `[lo, hi]` at which the decreasing-in-strike
/// function `f` crosses `target`.
fn solve_decreasing(f: impl Fn(f64) -> f64, target: f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

impl Marks for FlatMarks {
    fn spx_option(&self, kind: OptionKind, strike: f64, days_left: u32) -> f64 {
        bs_price(
            kind,
            self.spx,
            strike,
            Self::years(days_left),
            self.r,
            0.0,
            self.spx_vol,
        )
    }

    fn spx_strike_for_delta(&self, kind: OptionKind, delta: f64, days_left: u32) -> f64 {
        let t = Self::years(days_left);
        // |delta| falls with the strike for calls and rises for puts.
        let abs_delta = |k: f64| bs_delta(kind, self.spx, k, t, self.r, 0.0, self.spx_vol).abs();
        let k = match kind {
            OptionKind::Call => solve_decreasing(abs_delta, delta, 1e-6, 10.0 * self.spx),
            OptionKind::Put => solve_decreasing(|k| -abs_delta(k), -delta, 1e-6, 10.0 * self.spx),
        };
        round_to_step(k, SPX_STRIKE_STEP)
    }

    fn vix_future(&self, days_left: u32) -> f64 {
        let w = f64::from(days_left.min(21)) / 21.0;
        self.vix + w * (self.vix_future_1m - self.vix)
    }

    fn vix_call(&self, strike: f64, days_left: u32) -> f64 {
        let f = self.vix_future(days_left);
        if self.vix_time_value >= 0.0 {
            (f - strike).max(0.0) + self.vix_time_value
        } else {
            let t = Self::years(days_left);
            black76_price(
                OptionKind::Call,
                f,
                strike,
                t,
                (-self.r * t).exp(),
                self.vix_vol,
            )
        }
    }

    fn vix_call_strike_for_delta(&self, delta: f64, days_left: u32) -> f64 {
        let f = self.vix_future(days_left);
        let t = Self::years(days_left);
        let d = |k: f64| black76_delta(OptionKind::Call, f, k, t, 1.0, self.vix_vol);
        round_to_step(solve_decreasing(d, delta, 1e-6, 20.0 * f), VIX_STRIKE_STEP)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks() -> FlatMarks {
        FlatMarks {
            spx: 5000.0,
            spx_vol: 0.15,
            r: 0.03,
            vix: 16.0,
            vix_future_1m: 18.0,
            vix_vol: 1.0,
            vix_time_value: -1.0,
        }
    }

    #[test]
    fn rounding_is_half_up_on_the_grid() {
        assert_eq!(round_to_step(4997.5, 5.0), 5000.0);
        assert_eq!(round_to_step(4997.4, 5.0), 4995.0);
        assert_eq!(round_to_step(22.25, 0.5), 22.5);
        assert_eq!(round_to_step(22.24, 0.5), 22.0);
    }

    #[test]
    fn delta_strikes_bracket_the_spot_and_hit_their_delta() {
        let m = marks();
        let kp = m.spx_strike_for_delta(OptionKind::Put, 0.16, 30);
        let kc = m.spx_strike_for_delta(OptionKind::Call, 0.16, 30);
        assert!(kp < 5000.0 && kc > 5000.0, "{kp} {kc}");
        let t = 30.0 / 252.0;
        let dp = bs_delta(OptionKind::Put, 5000.0, kp, t, 0.03, 0.0, 0.15).abs();
        let dc = bs_delta(OptionKind::Call, 5000.0, kc, t, 0.03, 0.0, 0.15);
        // Rounding to 5 points moves a 30-day 16-delta by well under 0.01.
        assert!(
            (dp - 0.16).abs() < 0.01 && (dc - 0.16).abs() < 0.01,
            "{dp} {dc}"
        );
        let kv = m.vix_call_strike_for_delta(0.3, 21);
        assert!(kv > 18.0 && kv.fract() % 0.5 == 0.0, "{kv}");
    }

    #[test]
    fn futures_curve_runs_from_spot_vix_to_the_one_month_future() {
        let m = marks();
        assert_eq!(m.vix_future(0), 16.0);
        assert_eq!(m.vix_future(21), 18.0);
        assert_eq!(m.vix_future(100), 18.0);
    }
}
