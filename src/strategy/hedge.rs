//! Hedge books: the VIX positions of one hedge program on one path, with two
//! ledgers so the units ladder costs nothing extra (`docs/books.md`).
//!
//! Every position carries two sizes that share its strike, dates and marks:
//! `qty`, the contracts the program's own line holds (a whole number), and
//! `qty_unit`, the contracts of the **one-unit line**: `layer contracts x capital
//! / 1,000,000 x s`, unrounded. The ladder rung k is condor equity + k x (one-unit
//! hedge P&L). Contract counts are therefore fractional on the ladder, which is
//! what makes k x one-unit exact: every cash flow and cost (commission and
//! half-spread are both per contract) is linear in the count. The program's own
//! line rounds: qty = floor(qty_unit x units + 0.5), so it can differ from the
//! rung k = units by that rounding.
//!
//! Choices where the programs' definitions leave room:
//!
//! - **Schedule.** A layer with `every_days > 0` enters on days `offset_days +
//!   j every_days` (j >= 0) whatever it holds, so positions can overlap; with
//!   `every_days = 0` it holds one position and enters on any day from
//!   `offset_days` on that finds it holding none (so it re-enters on the day the
//!   old one rolls or expires). A slot is taken even when the adaptive scale or
//!   `units = 0` makes the size zero, so the schedule never depends on the size.
//! - **Strikes** from the VIX future F of the position's own expiry: F (1 + x),
//!   F + x or the x-delta strike; rounded to 0.5, at least 0.5.
//! - **Roll.** A position is closed at mid minus the half-spread on the first day
//!   with `roll_days_left` or fewer trading days left (never with
//!   `roll_days_left = 0`); otherwise it settles on expiry day at the VIX index,
//!   calls at intrinsic and futures at the VIX, with no costs.
//! - **Costs** per trade (open and close, not settlement): `commission` USD per
//!   contract plus half the spread: options `max(half_spread_min, half_spread_frac
//!   x mid)` VIX points x 100, futures `future_half_spread` x 1000 USD.
//! - **Cash.** Each ledger starts at 0 USD and, like the condor cash, grows by
//!   `e^{r/252}` a day, so premium paid also costs its lost interest. Futures
//!   carry no premium; their variation margin is booked when they close or
//!   settle (interest on it is ignored).
//! - **Accounting.** `premium` is option premium paid at mid; `payoff` is what
//!   closes and settlements bring in (option proceeds at mid, or the futures'
//!   realised P&L, which can be negative); `costs` are commissions and
//!   half-spreads. Hedge P&L = cash + open positions at mid.
//! - **VXTH.** Enters on days that are multiples of `roll_every_days` (day 0
//!   included): closes the held call (if it has not expired), then buys the
//!   `delta` call of `tenor_days` with a premium budget of `weight(F_1m)` x the
//!   program line's equity (condor + this hedge, after the condor's trades that
//!   day), floor(budget / (mid x 100)) contracts; costs come on top of the budget.

use super::costs::option_leg_cost;
use super::marks::{round_to_step, DayState, Marks, VIX_STRIKE_STEP};
use crate::config::{HedgeConfig, Instrument, LayerConfig, StrikeKind, VxthConfig};

pub use crate::config::limits::{layer_capacity, MAX_HEDGE_POSITIONS, MAX_LAYERS};
/// USD per VIX point per VIX option contract.
pub const VIX_OPTION_MULTIPLIER: f64 = 100.0;
/// USD per VIX point per VIX future contract.
pub const VIX_FUTURE_MULTIPLIER: f64 = 1000.0;
/// Layer contract counts are per this much capital, USD.
pub const CAPITAL_PER_LAYER_UNIT: f64 = 1_000_000.0;

/// The cost parameters of `[hedge]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HedgeCosts {
    /// Commission per contract per trade, USD.
    pub commission: f64,
    /// Smallest half-spread of a VIX option, VIX points.
    pub half_spread_min: f64,
    /// Half-spread of a VIX option as a fraction of its mid.
    pub half_spread_frac: f64,
    /// Half-spread of a VIX future, VIX points.
    pub future_half_spread: f64,
}

impl From<&HedgeConfig> for HedgeCosts {
    fn from(h: &HedgeConfig) -> Self {
        Self {
            commission: h.commission,
            half_spread_min: h.half_spread_min,
            half_spread_frac: h.half_spread_frac,
            future_half_spread: h.future_half_spread,
        }
    }
}

/// One open VIX position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HedgePosition {
    /// Whether this slot holds a position.
    pub active: bool,
    /// Index of the layer that opened it (0 for VXTH).
    pub layer: u32,
    /// Call or future.
    pub instrument: Instrument,
    /// Call strike, or the future's entry price; VIX points.
    pub strike: f64,
    /// Trading day of expiry.
    pub expiry_day: u32,
    /// Trading day from which it is closed before expiry (= `expiry_day`: never).
    pub close_day: u32,
    /// Contracts of the program's own line (a whole number).
    pub qty: f64,
    /// Contracts of the one-unit line (fractional).
    pub qty_unit: f64,
    /// Latest mid: call price or future price, VIX points.
    pub mark: f64,
}

impl Default for HedgePosition {
    fn default() -> Self {
        Self {
            active: false,
            layer: 0,
            instrument: Instrument::Call,
            strike: 0.0,
            expiry_day: 0,
            close_day: 0,
            qty: 0.0,
            qty_unit: 0.0,
            mark: 0.0,
        }
    }
}

impl HedgePosition {
    /// Value per contract at VIX-point mark `price`, USD: the call's premium or the
    /// future's gain since entry.
    fn value_per_contract(&self, price: f64) -> f64 {
        match self.instrument {
            Instrument::Call => price * VIX_OPTION_MULTIPLIER,
            Instrument::Future => (price - self.strike) * VIX_FUTURE_MULTIPLIER,
        }
    }

    /// Cost of trading one contract at mid `price`, USD.
    fn cost_per_contract(&self, price: f64, c: &HedgeCosts) -> f64 {
        match self.instrument {
            Instrument::Call => option_leg_cost(
                1.0,
                price,
                c.commission,
                c.half_spread_min,
                c.half_spread_frac,
                VIX_OPTION_MULTIPLIER,
            ),
            Instrument::Future => c.commission + c.future_half_spread * VIX_FUTURE_MULTIPLIER,
        }
    }
}

/// Cash and running totals of one hedge line, USD.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Ledger {
    /// Cash (starts at 0, earns r).
    pub cash: f64,
    /// Option premium paid at mid.
    pub premium: f64,
    /// Proceeds of closes and settlements (futures: realised P&L).
    pub payoff: f64,
    /// Commissions and half-spreads.
    pub costs: f64,
}

/// The positions and the two ledgers (own line, one-unit line) of one program.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HedgeBook {
    /// Position slots, used first-free and walked in slot order.
    pub positions: [HedgePosition; MAX_HEDGE_POSITIONS],
    /// The program's own line.
    pub main: Ledger,
    /// The one-unit line of the ladder.
    pub unit: Ledger,
}

impl Default for HedgeBook {
    fn default() -> Self {
        Self {
            positions: [HedgePosition::default(); MAX_HEDGE_POSITIONS],
            main: Ledger::default(),
            unit: Ledger::default(),
        }
    }
}

impl HedgeBook {
    /// Grows both cash balances by the daily factor `growth` (`e^{r/252}`).
    pub fn accrue(&mut self, growth: f64) {
        self.main.cash *= growth;
        self.unit.cash *= growth;
    }

    /// Hedge P&L of the program's own line: cash plus positions at mid, USD.
    #[must_use]
    pub fn pnl(&self) -> f64 {
        self.main.cash + self.value(|p| p.qty)
    }

    /// Hedge P&L of the one-unit line, USD.
    #[must_use]
    pub fn pnl_unit(&self) -> f64 {
        self.unit.cash + self.value(|p| p.qty_unit)
    }

    fn value(&self, qty: impl Fn(&HedgePosition) -> f64) -> f64 {
        self.positions
            .iter()
            .filter(|p| p.active)
            .fold(0.0, |acc, p| acc + qty(p) * p.value_per_contract(p.mark))
    }

    /// Open positions.
    #[must_use]
    pub fn open_count(&self) -> usize {
        self.positions.iter().filter(|p| p.active).count()
    }

    /// Settles the positions expiring on `day` at the VIX index, marks the others
    /// and closes those at their roll point.
    pub fn settle_mark_close(&mut self, day: &DayState, marks: &impl Marks, costs: &HedgeCosts) {
        let (main, unit) = (&mut self.main, &mut self.unit);
        for p in self.positions.iter_mut().filter(|p| p.active) {
            let days_left = p.expiry_day.saturating_sub(day.day);
            if days_left == 0 {
                let per = p.value_per_contract(match p.instrument {
                    Instrument::Call => (day.vix - p.strike).max(0.0),
                    Instrument::Future => day.vix,
                });
                for (l, q) in [(&mut *main, p.qty), (&mut *unit, p.qty_unit)] {
                    l.cash += q * per;
                    l.payoff += q * per;
                }
                p.active = false;
                continue;
            }
            p.mark = match p.instrument {
                Instrument::Call => marks.vix_call(p.strike, days_left),
                Instrument::Future => marks.vix_future(days_left),
            };
            if day.day >= p.close_day {
                let per = p.value_per_contract(p.mark);
                let cost = p.cost_per_contract(p.mark, costs);
                for (l, q) in [(&mut *main, p.qty), (&mut *unit, p.qty_unit)] {
                    l.cash += q * (per - cost);
                    l.payoff += q * per;
                    l.costs += q * cost;
                }
                p.active = false;
            }
        }
    }

    /// Opens `p` (marked at its entry mid) in the first free slot, paying premium
    /// and costs on both ledgers. Returns false when every slot is taken (a
    /// capacity the spec checks up front, so it does not happen in a valid run).
    fn open(&mut self, p: HedgePosition, costs: &HedgeCosts) -> bool {
        let Some(slot) = self.positions.iter().position(|q| !q.active) else {
            return false;
        };
        let premium = match p.instrument {
            Instrument::Call => p.mark * VIX_OPTION_MULTIPLIER,
            Instrument::Future => 0.0,
        };
        let cost = p.cost_per_contract(p.mark, costs);
        for (l, q) in [(&mut self.main, p.qty), (&mut self.unit, p.qty_unit)] {
            l.cash -= q * (premium + cost);
            l.premium += q * premium;
            l.costs += q * cost;
        }
        self.positions[slot] = p;
        true
    }

    /// Enters the layers scheduled on `day`. `capital` USD sets the one-unit size
    /// (`contracts x capital / 1e6 x scale`), `units` the program line's multiple
    /// of it, `scale` the adaptive scale s in [0, 1].
    #[expect(
        clippy::too_many_arguments,
        reason = "mirrors the WGSL entry point's inputs"
    )]
    pub fn enter_layers(
        &mut self,
        layers: &[LayerConfig],
        capital: f64,
        units: f64,
        scale: f64,
        day: &DayState,
        marks: &impl Marks,
        costs: &HedgeCosts,
    ) {
        for (i, layer) in layers.iter().enumerate().take(MAX_LAYERS) {
            let index = i as u32;
            if !self.layer_due(layer, index, day.day) {
                continue;
            }
            let tenor = layer.tenor_days;
            let (strike, mark) = match layer.instrument {
                Instrument::Call => {
                    let k = layer_strike(layer, tenor, marks);
                    (k, marks.vix_call(k, tenor))
                }
                Instrument::Future => {
                    let f = marks.vix_future(tenor);
                    (f, f)
                }
            };
            let qty_unit = layer.contracts * capital / CAPITAL_PER_LAYER_UNIT * scale;
            let expiry_day = day.day + tenor;
            let p = HedgePosition {
                active: true,
                layer: index,
                instrument: layer.instrument,
                strike,
                expiry_day,
                close_day: expiry_day - layer.roll_days_left.min(tenor.saturating_sub(1)),
                qty: (qty_unit * units + 0.5).floor(),
                qty_unit,
                mark,
            };
            let opened = self.open(p, costs);
            debug_assert!(opened, "hedge position capacity exceeded");
        }
    }

    fn layer_due(&self, layer: &LayerConfig, index: u32, day: u32) -> bool {
        if day < layer.offset_days {
            false
        } else if layer.every_days > 0 {
            (day - layer.offset_days).is_multiple_of(layer.every_days)
        } else {
            !self.positions.iter().any(|p| p.active && p.layer == index)
        }
    }

    /// The VXTH-style entry on `day`, sized on `line_equity` USD (the program
    /// line's equity after the day's settlements, closes and condor trades).
    pub fn enter_vxth(
        &mut self,
        cfg: &VxthConfig,
        line_equity: f64,
        day: &DayState,
        marks: &impl Marks,
        costs: &HedgeCosts,
    ) {
        if !day.day.is_multiple_of(cfg.roll_every_days.max(1)) {
            return;
        }
        let budget = cfg.weight(day.vix_future_1m) * line_equity;
        let tenor = cfg.tenor_days;
        let strike = marks
            .vix_call_strike_for_delta(cfg.delta, tenor)
            .max(VIX_STRIKE_STEP);
        let mark = marks.vix_call(strike, tenor);
        if budget <= 0.0 || mark <= 0.0 {
            return;
        }
        let qty = (budget / (mark * VIX_OPTION_MULTIPLIER)).floor();
        if qty < 1.0 {
            return;
        }
        let expiry_day = day.day + tenor;
        let p = HedgePosition {
            active: true,
            layer: 0,
            instrument: Instrument::Call,
            strike,
            expiry_day,
            close_day: (day.day + cfg.roll_every_days).min(expiry_day),
            qty,
            qty_unit: qty,
            mark,
        };
        let opened = self.open(p, costs);
        debug_assert!(opened, "hedge position capacity exceeded");
    }
}

/// The call strike of `layer` for an expiry `tenor` trading days out, VIX points.
fn layer_strike(layer: &LayerConfig, tenor: u32, marks: &impl Marks) -> f64 {
    let f = marks.vix_future(tenor);
    let v = layer.strike.value;
    let k = match layer.strike.kind {
        StrikeKind::OtmFrac => round_to_step(f * (1.0 + v), VIX_STRIKE_STEP),
        StrikeKind::PointsOverF => round_to_step(f + v, VIX_STRIKE_STEP),
        StrikeKind::Delta => marks.vix_call_strike_for_delta(v, tenor),
    };
    k.max(VIX_STRIKE_STEP)
}
