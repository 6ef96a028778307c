//! Range checks of `[condor]` and `[hedge]`.

use super::{ensure, Check};
use crate::config::books::{AdaptiveConfig, CondorConfig, HedgeConfig, StrikeKind, VxthConfig};
use crate::config::limits::{
    layer_capacity, MAX_CONDORS, MAX_HEDGE_POSITIONS, MAX_LAYERS, MAX_RUNGS,
};

pub(super) fn condor(c: &CondorConfig) -> Check {
    ensure(
        c.entry_every_days >= 1,
        "condor.entry_every_days",
        c.entry_every_days,
        "must be >= 1 trading day",
    )?;
    ensure(
        c.max_open >= 1 && c.max_open as usize <= MAX_CONDORS,
        "condor.max_open",
        c.max_open,
        format!("must be in [1, {MAX_CONDORS}] (the book's fixed capacity)"),
    )?;
    ensure(
        c.dte_days > c.exit_dte,
        "condor.dte_days",
        c.dte_days,
        format!("must exceed condor.exit_dte = {}", c.exit_dte),
    )?;
    ensure(
        c.short_delta > 0.0 && c.short_delta < 0.5,
        "condor.short_delta",
        c.short_delta,
        "must be in (0, 0.5)",
    )?;
    ensure(
        c.long_delta > 0.0 && c.long_delta < 0.5,
        "condor.long_delta",
        c.long_delta,
        "must be in (0, 0.5)",
    )?;
    ensure(
        c.long_delta < c.short_delta,
        "condor.long_delta",
        c.long_delta,
        format!("must be below condor.short_delta = {}", c.short_delta),
    )?;
    ensure(
        c.wing_width >= 0.0,
        "condor.wing_width",
        c.wing_width,
        "must be >= 0 index points (0: wings by long_delta)",
    )?;
    ensure(
        c.risk_fraction > 0.0 && c.risk_fraction <= 1.0,
        "condor.risk_fraction",
        c.risk_fraction,
        "must be in (0, 1]",
    )?;
    ensure(
        c.take_profit > 0.0 && c.take_profit <= 1.0,
        "condor.take_profit",
        c.take_profit,
        "must be in (0, 1] (fraction of credit)",
    )?;
    ensure(
        c.stop_loss > 0.0,
        "condor.stop_loss",
        c.stop_loss,
        "must be positive (multiple of credit)",
    )?;
    ensure(
        c.commission >= 0.0,
        "condor.commission",
        c.commission,
        "must be >= 0 USD",
    )?;
    ensure(
        c.half_spread_min >= 0.0,
        "condor.half_spread_min",
        c.half_spread_min,
        "must be >= 0 index points",
    )?;
    ensure(
        c.half_spread_frac >= 0.0,
        "condor.half_spread_frac",
        c.half_spread_frac,
        "must be >= 0",
    )?;
    ensure(
        c.capital > 0.0,
        "condor.capital",
        c.capital,
        "must be positive USD",
    )
}

pub(super) fn hedge(h: &HedgeConfig, warnings: &mut Vec<String>) -> Check {
    ensure(
        h.units >= 0.0,
        "hedge.units",
        h.units,
        "must be >= 0 (0: no hedge)",
    )?;
    ensure(
        h.units_ladder.len() <= MAX_RUNGS,
        "hedge.units_ladder",
        format!("{} rungs", h.units_ladder.len()),
        format!("must have at most {MAX_RUNGS}"),
    )?;
    ensure(
        h.layers.len() <= MAX_LAYERS,
        "hedge.layers",
        format!("{} layers", h.layers.len()),
        format!("must have at most {MAX_LAYERS}"),
    )?;
    for (i, &u) in h.units_ladder.iter().enumerate() {
        ensure(
            u >= 0.0,
            format!("hedge.units_ladder[{i}]"),
            u,
            "must be >= 0",
        )?;
    }
    ensure(
        h.commission >= 0.0,
        "hedge.commission",
        h.commission,
        "must be >= 0 USD",
    )?;
    ensure(
        h.half_spread_min >= 0.0,
        "hedge.half_spread_min",
        h.half_spread_min,
        "must be >= 0 VIX points",
    )?;
    ensure(
        h.half_spread_frac >= 0.0,
        "hedge.half_spread_frac",
        h.half_spread_frac,
        "must be >= 0",
    )?;
    ensure(
        h.future_half_spread >= 0.0,
        "hedge.future_half_spread",
        h.future_half_spread,
        "must be >= 0 VIX points",
    )?;
    for (i, l) in h.layers.iter().enumerate() {
        let key = |k: &str| format!("hedge.layers[{i}].{k}");
        ensure(
            l.contracts >= 0.0,
            key("contracts"),
            l.contracts,
            "must be >= 0",
        )?;
        ensure(
            l.tenor_days >= 1,
            key("tenor_days"),
            l.tenor_days,
            "must be >= 1 trading day",
        )?;
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
        a.light_below > 0.0,
        k("light_below"),
        a.light_below,
        "must be positive VIX points",
    )?;
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
        (0.0..=1.0).contains(&a.light_scale),
        k("light_scale"),
        a.light_scale,
        "must be in [0, 1]",
    )?;
    ensure(
        (0.0..=1.0).contains(&a.moderate_scale),
        k("moderate_scale"),
        a.moderate_scale,
        "must be in [0, 1]",
    )?;
    ensure(
        a.rsi_period >= 2,
        k("rsi_period"),
        a.rsi_period,
        "must be >= 2 trading days",
    )?;
    ensure(
        a.rsi_below > 0.0 && a.rsi_below < 100.0,
        k("rsi_below"),
        a.rsi_below,
        "must be in (0, 100)",
    )?;
    ensure(
        a.macd_fast >= 1,
        k("macd_fast"),
        a.macd_fast,
        "must be >= 1 trading day",
    )?;
    ensure(
        a.macd_slow > a.macd_fast,
        k("macd_slow"),
        a.macd_slow,
        format!("must exceed hedge.adaptive.macd_fast = {}", a.macd_fast),
    )?;
    ensure(
        a.macd_signal >= 1,
        k("macd_signal"),
        a.macd_signal,
        "must be >= 1 trading day",
    )
}

fn vxth(v: &VxthConfig) -> Check {
    let k = |n: &str| format!("hedge.vxth.{n}");
    ensure(
        v.delta > 0.0 && v.delta < 1.0,
        k("delta"),
        v.delta,
        "must be in (0, 1)",
    )?;
    ensure(
        v.tenor_days >= 1,
        k("tenor_days"),
        v.tenor_days,
        "must be >= 1 trading day",
    )?;
    ensure(
        v.roll_every_days >= 1,
        k("roll_every_days"),
        v.roll_every_days,
        "must be >= 1 trading day",
    )?;
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
        k("tier_weights"),
        format!("{} entries", v.tier_weights.len()),
        format!(
            "needs one more entry than tier_levels ({})",
            v.tier_levels.len() + 1
        ),
    )?;
    for (i, &w) in v.tier_weights.iter().enumerate() {
        ensure(
            (0.0..=1.0).contains(&w),
            format!("hedge.vxth.tier_weights[{i}]"),
            w,
            "must be in [0, 1] (share of equity)",
        )?;
    }
    Ok(())
}
