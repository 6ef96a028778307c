//! Relations between the keys of `[condor]` and `[hedge]`, and the sizing warning.

use super::{ensure, Check};
use crate::config::books::{AdaptiveConfig, CondorConfig, HedgeConfig, StrikeKind, VxthConfig};
use crate::config::limits::{layer_capacity, MAX_HEDGE_POSITIONS};
use crate::config::Config;
use crate::model::analytic::norm_cdf;

pub(super) fn condor(c: &CondorConfig) -> Check {
    ensure(
        c.dte_days > c.exit_dte,
        "condor.dte_days",
        c.dte_days,
        format!("must exceed condor.exit_dte = {}", c.exit_dte),
    )?;
    ensure(
        c.long_delta < c.short_delta,
        "condor.long_delta",
        c.long_delta,
        format!("must be below condor.short_delta = {}", c.short_delta),
    )
}

pub(super) fn hedge(h: &HedgeConfig, warnings: &mut Vec<String>) -> Check {
    for (i, l) in h.layers.iter().enumerate() {
        let key = |k: &str| format!("hedge.layers[{i}].{k}");
        ensure(
            l.roll_days_left < l.tenor_days,
            key("roll_days_left"),
            l.roll_days_left,
            format!("must be below tenor_days = {}", l.tenor_days),
        )?;
        let v = l.strike.value;
        match l.strike.kind {
            StrikeKind::OtmFrac => ensure(
                v > -1.0,
                key("strike.value"),
                v,
                "must exceed -1 for otm_frac",
            )?,
            StrikeKind::PointsOverF => {}
            StrikeKind::Delta => ensure(
                v > 0.0 && v < 1.0,
                key("strike.value"),
                v,
                "must be in (0, 1) for delta",
            )?,
        }
        if l.every_days > l.tenor_days {
            warnings.push(format!(
                "hedge.layers[{i}]: entries every {} days outlive a {}-day tenor, leaving days unhedged",
                l.every_days, l.tenor_days
            ));
        }
    }
    let positions = layer_capacity(&h.layers);
    ensure(
        positions <= MAX_HEDGE_POSITIONS,
        "hedge.layers",
        format!("up to {positions} positions open at once"),
        format!(
            "must hold at most {MAX_HEDGE_POSITIONS} (ceil((tenor_days - roll_days_left) / every_days) per layer)"
        ),
    )?;
    adaptive(&h.adaptive)?;
    vxth(&h.vxth)
}

fn adaptive(a: &AdaptiveConfig) -> Check {
    let k = |n: &str| format!("hedge.adaptive.{n}");
    ensure(
        a.moderate_up_to >= a.light_below,
        k("moderate_up_to"),
        a.moderate_up_to,
        format!("must be >= hedge.adaptive.light_below = {}", a.light_below),
    )?;
    ensure(
        a.full_at >= a.moderate_up_to,
        k("full_at"),
        a.full_at,
        format!(
            "must be >= hedge.adaptive.moderate_up_to = {}",
            a.moderate_up_to
        ),
    )?;
    ensure(
        a.macd_slow > a.macd_fast,
        k("macd_slow"),
        a.macd_slow,
        format!("must exceed hedge.adaptive.macd_fast = {}", a.macd_fast),
    )
}

fn vxth(v: &VxthConfig) -> Check {
    for (i, pair) in v.tier_levels.windows(2).enumerate() {
        ensure(
            pair[1] > pair[0],
            format!("hedge.vxth.tier_levels[{}]", i + 1),
            pair[1],
            format!("must exceed the previous level {}", pair[0]),
        )?;
    }
    ensure(
        v.tier_weights.len() == v.tier_levels.len() + 1,
        "hedge.vxth.tier_weights",
        format!("{} entries", v.tier_weights.len()),
        format!(
            "needs one more entry than tier_levels ({})",
            v.tier_levels.len() + 1
        ),
    )
}

/// Warns when `risk_fraction` x capital cannot pay for one condor's max loss
/// at the start, so every entry is floored at one contract and the book risks
/// more than its `risk_fraction` (with a tiny capital, several times the
/// capital: such paths end ruined). The max loss is estimated from the wing
/// strikes by delta at the starting volatility (Black-Scholes, no smile).
/// The standard normal quantile of `p` in (0, 1), by bisection (a warning's estimate).
fn inv_cdf(p: f64) -> f64 {
    let (mut lo, mut hi) = (-10.0f64, 10.0f64);
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if norm_cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

pub(super) fn sizing(c: &Config, warnings: &mut Vec<String>) {
    let condor = &c.condor;
    let spot = c.market.spot;
    let t = f64::from(condor.dte_days) / crate::model::TRADING_DAYS_PER_YEAR;
    let v0 = c.market.v0.level_or_mean(&c.model.p_params());
    let vol = v0.max(c.model.theta).sqrt().max(0.05);
    // Strike of the put whose delta is -d (lognormal, drift ignored).
    let put_strike = |d: f64| spot * (vol * t.sqrt() * inv_cdf(d) + 0.5 * vol * vol * t).exp();
    let wing = if condor.wing_width > 0.0 {
        condor.wing_width
    } else {
        put_strike(condor.short_delta) - put_strike(condor.long_delta)
    }
    .max(5.0);
    let max_loss = wing * 100.0;
    let budget = condor.risk_fraction * condor.capital;
    if budget < max_loss {
        warnings.push(format!(
            "condor.capital = {} USD: risk_fraction x capital = {budget:.0} USD is below one condor's \
             max loss (about {max_loss:.0} USD at the start), so every entry is floored at 1 contract \
             and risks about {:.1}x the capital",
            condor.capital,
            max_loss / condor.capital
        ));
    }
}
