//! Black-76 and Black-Scholes-Merton prices and deltas, on the fast normal
//! distribution function ([`super::norm_cdf_fast`]: 5.2e-16 absolute error).

use super::normal::{norm_cdf_fast as norm_cdf, norm_pdf};
use super::OptionKind;

/// Undiscounted payoff of the option at forward `forward`.
fn intrinsic(kind: OptionKind, forward: f64, strike: f64) -> f64 {
    match kind {
        OptionKind::Call => (forward - strike).max(0.0),
        OptionKind::Put => (strike - forward).max(0.0),
    }
}

/// Black-76 price of a European option on a forward.
///
/// `forward` and `strike` in index points, `t` in years, `discount` the discount
/// factor to expiry (`e^{-rT}`), `vol` the annualised volatility. The price is in
/// index points. With `t <= 0` or `vol <= 0` it is the discounted intrinsic value;
/// with `strike <= 0` a call is worth `discount (forward - strike)` and a put 0.
#[must_use]
pub fn black76_price(
    kind: OptionKind,
    forward: f64,
    strike: f64,
    t: f64,
    discount: f64,
    vol: f64,
) -> f64 {
    if t <= 0.0 || vol <= 0.0 || strike <= 0.0 || forward <= 0.0 {
        return discount * intrinsic(kind, forward, strike);
    }
    let s = vol * t.sqrt();
    let d1 = (forward / strike).ln() / s + 0.5 * s;
    let d2 = d1 - s;
    discount
        * match kind {
            OptionKind::Call => forward * norm_cdf(d1) - strike * norm_cdf(d2),
            OptionKind::Put => strike * norm_cdf(-d2) - forward * norm_cdf(-d1),
        }
}

/// Black-76 forward delta `d price / d forward` per unit of discount factor, i.e.
/// without the discount factor: `N(d1)` for a call, `N(d1) - 1` for a put.
/// Multiply by `discount` for the sensitivity of the discounted price.
///
/// Units as in [`black76_price`]; the `discount` argument only keeps the signature
/// parallel to the price and does not enter the result. With `t <= 0` or
/// `vol <= 0` the delta of the intrinsic value (a step at the strike).
#[must_use]
pub fn black76_delta(
    kind: OptionKind,
    forward: f64,
    strike: f64,
    t: f64,
    discount: f64,
    vol: f64,
) -> f64 {
    let _ = discount;
    let call_delta = if t <= 0.0 || vol <= 0.0 || strike <= 0.0 || forward <= 0.0 {
        if forward > strike {
            1.0
        } else {
            0.0
        }
    } else {
        let s = vol * t.sqrt();
        norm_cdf((forward / strike).ln() / s + 0.5 * s)
    };
    match kind {
        OptionKind::Call => call_delta,
        OptionKind::Put => call_delta - 1.0,
    }
}

/// Black-Scholes-Merton price with a continuous dividend yield.
///
/// `spot` and `strike` in index points, `t` in years, `r` the risk-free rate and
/// `q` the dividend yield (continuously compounded, per year), `vol` the
/// annualised volatility. Price in index points. Equals [`black76_price`] on the
/// forward `spot e^{(r-q)t}` with discount `e^{-rt}`.
#[must_use]
pub fn bs_price(kind: OptionKind, spot: f64, strike: f64, t: f64, r: f64, q: f64, vol: f64) -> f64 {
    let t_pos = t.max(0.0);
    let forward = spot * ((r - q) * t_pos).exp();
    black76_price(kind, forward, strike, t, (-r * t_pos).exp(), vol)
}

/// Black-Scholes-Merton spot delta `d price / d spot`, including the dividend
/// factor: `e^{-qt} N(d1)` for a call, `e^{-qt} (N(d1) - 1)` for a put.
/// Arguments and units as in [`bs_price`].
#[must_use]
pub fn bs_delta(kind: OptionKind, spot: f64, strike: f64, t: f64, r: f64, q: f64, vol: f64) -> f64 {
    let t_pos = t.max(0.0);
    let forward = spot * ((r - q) * t_pos).exp();
    (-q * t_pos).exp() * black76_delta(kind, forward, strike, t, 1.0, vol)
}

/// Normalised out-of-the-money call price `c(x, s) = price / sqrt(F K)` as a
/// function of the log-moneyness `x = ln(F/K) <= 0` and the total volatility
/// `s = vol sqrt(t) > 0`, with its derivative in `s` (the normalised vega).
pub(crate) fn normalised_otm_call(x: f64, s: f64) -> (f64, f64) {
    let d1 = x / s + 0.5 * s;
    let d2 = d1 - s;
    let ex = (0.5 * x).exp();
    let price = ex * norm_cdf(d1) - norm_cdf(d2) / ex;
    (price.max(0.0), ex * norm_pdf(d1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_value_and_parity() {
        // Hull's example: S = 42, K = 40, r = 10%, vol = 20%, t = 0.5:
        // call 4.7594, put 0.8086 (four decimals).
        let c = bs_price(OptionKind::Call, 42.0, 40.0, 0.5, 0.1, 0.0, 0.2);
        let p = bs_price(OptionKind::Put, 42.0, 40.0, 0.5, 0.1, 0.0, 0.2);
        assert!((c - 4.7594).abs() < 5e-5, "{c}");
        assert!((p - 0.8086).abs() < 5e-5, "{p}");
        let (s, k, t, r, q, v) = (100.0, 93.0, 0.7, 0.03, 0.015, 0.31);
        let c = bs_price(OptionKind::Call, s, k, t, r, q, v);
        let p = bs_price(OptionKind::Put, s, k, t, r, q, v);
        let parity = s * (-q * t).exp() - k * (-r * t).exp();
        assert!((c - p - parity).abs() < 1e-12);
    }

    #[test]
    fn deltas_match_finite_differences() {
        let (s, k, t, r, q, v) = (100.0, 105.0, 0.4, 0.02, 0.01, 0.25);
        for kind in [OptionKind::Call, OptionKind::Put] {
            let h = 1e-4;
            let fd = (bs_price(kind, s + h, k, t, r, q, v) - bs_price(kind, s - h, k, t, r, q, v))
                / (2.0 * h);
            assert!((bs_delta(kind, s, k, t, r, q, v) - fd).abs() < 1e-8);
            let df = 0.97;
            let fd = (black76_price(kind, s + h, k, t, df, v)
                - black76_price(kind, s - h, k, t, df, v))
                / (2.0 * h);
            assert!((df * black76_delta(kind, s, k, t, df, v) - fd).abs() < 1e-8);
        }
    }
}
