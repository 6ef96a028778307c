//! The short iron-condor book (`docs/books.md`), one per path, shared by every
//! hedge program: hedges add to its equity and never change its trades.
//!
//! Practitioner choices where the book's definition leaves room:
//!
//! - **Schedule.** A condor opens on every trading day `d` with
//!   `d % entry_every_days == 0`, day 0 (the start of the path) included, if fewer
//!   than `max_open` are open after that day's exits. A full book skips the
//!   scheduled entry; it does not queue it.
//! - **Strikes.** Short put and call at `short_delta` (absolute), rounded to 5
//!   points by the pricer. Wings `wing_width` points beyond the shorts when
//!   `wing_width > 0` (taken as given, not rounded), else at `long_delta`; a wing
//!   that rounds onto (or inside) its short strike is pushed out to one 5-point step.
//! - **Credit** is the mid credit at entry (index points). Take-profit and stop
//!   levels are multiples of it, so they do not move with the cost assumptions;
//!   the half-spreads are charged as separate costs.
//! - **Size.** contracts = max(1, floor(risk_fraction x E / max loss)), with E the
//!   book's equity at mid after the day's exits and max loss = (wider wing -
//!   credit) x 100 USD per contract. An entry whose mid credit is not positive or
//!   is at least the wider wing (no sensible risk) is skipped. The floor of one
//!   contract lets a small account risk more than `risk_fraction` (validation
//!   warns when that is so from the start).
//! - **Ruin.** With equity at zero or below after the day's exits no condor is
//!   opened, and once the book's own line is ruined (see
//!   [`super::stats::EquityStats`]) it opens none again; open condors run off
//!   under their exit rules.
//! - **Exits** are checked once a day on the close mark, never intraday: a gap
//!   through the short strike fills at that close's mid plus half-spreads, beyond
//!   the stop level, as a real end-of-day stop would. Of several triggers on one
//!   day the fill is the same; the recorded reason is stop, else take profit,
//!   else the `exit_dte` time exit. A condor is not checked on its entry day.
//! - **Costs.** Every open and close pays `commission` USD per contract per leg
//!   and half the bid-ask spread of each leg, `max(half_spread_min,
//!   half_spread_frac x leg mid)` points x 100 USD per contract. Cash settlement
//!   at expiry (only reached with `exit_dte = 0`) trades nothing and costs nothing.
//! - **Cash** starts at `capital`, receives credits, pays closes, settlements and
//!   costs, and earns `r`: it grows by `e^{r/252}` each day before anything else.
//!   No margin is modelled; the capital is the collateral.

use super::costs::option_leg_cost;
use super::marks::{DayState, Marks, SPX_STRIKE_STEP};
use crate::config::CondorConfig;
use crate::model::analytic::OptionKind;

pub use crate::config::limits::MAX_CONDORS;
/// USD per index point per SPX option contract.
pub const SPX_MULTIPLIER: f64 = 100.0;

/// One open iron condor. Strikes in index points.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Condor {
    /// Whether this slot holds an open condor.
    pub active: bool,
    /// Trading day of entry.
    pub entry_day: u32,
    /// Trading day of expiry (entry + `dte_days`).
    pub expiry_day: u32,
    /// Long (bought) put strike.
    pub long_put: f64,
    /// Short (sold) put strike.
    pub short_put: f64,
    /// Short (sold) call strike.
    pub short_call: f64,
    /// Long (bought) call strike.
    pub long_call: f64,
    /// Contracts per leg (a whole number).
    pub contracts: f64,
    /// Mid credit received per contract at entry, index points.
    pub credit: f64,
    /// Latest mid cost to close per contract, index points.
    pub mark: f64,
}

impl Condor {
    /// The four legs as (kind, strike, +1 long / -1 short).
    fn legs(&self) -> [(OptionKind, f64, f64); 4] {
        [
            (OptionKind::Put, self.long_put, 1.0),
            (OptionKind::Put, self.short_put, -1.0),
            (OptionKind::Call, self.short_call, -1.0),
            (OptionKind::Call, self.long_call, 1.0),
        ]
    }

    /// Value at expiry per contract owed by the short condor, index points (>= 0).
    #[must_use]
    pub fn intrinsic(&self, spx: f64) -> f64 {
        (self.short_put - spx).max(0.0) - (self.long_put - spx).max(0.0)
            + (spx - self.short_call).max(0.0)
            - (spx - self.long_call).max(0.0)
    }
}

/// Why a condor left the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitReason {
    /// Mid cost to close reached (1 + `stop_loss`) x credit.
    Stop,
    /// Mid cost to close fell to (1 - `take_profit`) x credit.
    TakeProfit,
    /// `exit_dte` trading days left.
    Time,
    /// Cash-settled at intrinsic on expiry day.
    Expiry,
}

/// Counts and cash totals of the condor book over a path.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CondorTally {
    /// Condors opened.
    pub opened: u32,
    /// Scheduled entries skipped (book full, or no sensible credit).
    pub skipped: u32,
    /// Closed by the stop.
    pub stops: u32,
    /// Closed at the profit target.
    pub take_profits: u32,
    /// Closed at `exit_dte`.
    pub time_exits: u32,
    /// Cash-settled at expiry.
    pub expiries: u32,
    /// Mid credits received, USD.
    pub credits: f64,
    /// Mid costs to close plus settlements paid, USD.
    pub debits: f64,
    /// Commissions and half-spreads paid, USD.
    pub costs: f64,
}

impl CondorTally {
    /// Adds one exit of `reason`.
    fn count(&mut self, reason: ExitReason) {
        match reason {
            ExitReason::Stop => self.stops += 1,
            ExitReason::TakeProfit => self.take_profits += 1,
            ExitReason::Time => self.time_exits += 1,
            ExitReason::Expiry => self.expiries += 1,
        }
    }
}

/// The condor book of one path: fixed slots, cash and tallies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CondorBook {
    /// Position slots; a new condor takes the first free slot, and every pass runs
    /// in slot order (so sums are deterministic and the WGSL twin can match them).
    pub slots: [Condor; MAX_CONDORS],
    /// Cash, USD.
    pub cash: f64,
    /// Counts and totals.
    pub tally: CondorTally,
    /// The book's own line is ruined (its equity reached zero): it opens no
    /// more condors; open ones run off under their exit rules.
    pub ruined: bool,
}

/// Cost of trading all four legs of `contracts` condors at leg mids `prices`, USD.
fn four_leg_cost(cfg: &CondorConfig, contracts: f64, prices: &[f64; 4]) -> f64 {
    prices.iter().fold(0.0, |acc, &p| {
        acc + option_leg_cost(
            contracts,
            p,
            cfg.commission,
            cfg.half_spread_min,
            cfg.half_spread_frac,
            SPX_MULTIPLIER,
        )
    })
}

/// Leg mids of `c` with `days_left` to expiry, in [`Condor::legs`] order, and the
/// net mid cost to close per contract (index points).
fn leg_marks(c: &Condor, days_left: u32, marks: &impl Marks) -> ([f64; 4], f64) {
    let mut prices = [0.0; 4];
    let mut net = 0.0;
    for (i, (kind, strike, sign)) in c.legs().into_iter().enumerate() {
        prices[i] = marks.spx_option(kind, strike, days_left);
        net -= sign * prices[i];
    }
    (prices, net)
}

impl CondorBook {
    /// An empty book holding `cfg.capital` USD of cash.
    #[must_use]
    pub fn new(cfg: &CondorConfig) -> Self {
        Self {
            slots: [Condor::default(); MAX_CONDORS],
            cash: cfg.capital,
            tally: CondorTally::default(),
            ruined: false,
        }
    }

    /// Open condors.
    #[must_use]
    pub fn open_count(&self) -> usize {
        self.slots.iter().filter(|c| c.active).count()
    }

    /// Marked value of the open condors at mid, USD (<= 0: they are short).
    #[must_use]
    pub fn value(&self) -> f64 {
        self.slots
            .iter()
            .filter(|c| c.active)
            .fold(0.0, |acc, c| acc - c.contracts * SPX_MULTIPLIER * c.mark)
    }

    /// Cash plus the open condors at mid, USD.
    #[must_use]
    pub fn equity(&self) -> f64 {
        self.cash + self.value()
    }

    /// Settles the condors expiring on `day` at intrinsic, marks the others and
    /// closes those that hit the stop, the profit target or `exit_dte`.
    pub fn settle_mark_exit(&mut self, cfg: &CondorConfig, day: &DayState, marks: &impl Marks) {
        for c in self.slots.iter_mut().filter(|c| c.active) {
            let days_left = c.expiry_day.saturating_sub(day.day);
            if days_left == 0 {
                let owed = c.contracts * SPX_MULTIPLIER * c.intrinsic(day.spx);
                self.cash -= owed;
                self.tally.debits += owed;
                self.tally.count(ExitReason::Expiry);
                c.active = false;
                continue;
            }
            let (prices, net) = leg_marks(c, days_left, marks);
            c.mark = net;
            let reason = if net >= (1.0 + cfg.stop_loss) * c.credit {
                ExitReason::Stop
            } else if net <= (1.0 - cfg.take_profit) * c.credit {
                ExitReason::TakeProfit
            } else if days_left <= cfg.exit_dte {
                ExitReason::Time
            } else {
                continue;
            };
            let paid = c.contracts * SPX_MULTIPLIER * net;
            let cost = four_leg_cost(cfg, c.contracts, &prices);
            self.cash -= paid + cost;
            self.tally.debits += paid;
            self.tally.costs += cost;
            self.tally.count(reason);
            c.active = false;
        }
    }

    /// Opens a condor if `day` is an entry day, the book has room and it is
    /// not ruined (nor at zero equity or below after the day's exits: no
    /// capital, no new risk).
    pub fn enter(&mut self, cfg: &CondorConfig, day: &DayState, marks: &impl Marks) {
        if !day.day.is_multiple_of(cfg.entry_every_days.max(1)) {
            return;
        }
        if self.ruined || self.equity() <= 0.0 {
            self.tally.skipped += 1;
            return;
        }
        let limit = (cfg.max_open as usize).min(MAX_CONDORS);
        let free = self.slots.iter().position(|c| !c.active);
        let Some(slot) = free.filter(|_| self.open_count() < limit) else {
            self.tally.skipped += 1;
            return;
        };
        let dte = cfg.dte_days;
        let short_put = marks.spx_strike_for_delta(OptionKind::Put, cfg.short_delta, dte);
        let short_call = marks.spx_strike_for_delta(OptionKind::Call, cfg.short_delta, dte);
        let (long_put, long_call) = if cfg.wing_width > 0.0 {
            (short_put - cfg.wing_width, short_call + cfg.wing_width)
        } else {
            (
                marks
                    .spx_strike_for_delta(OptionKind::Put, cfg.long_delta, dte)
                    .min(short_put - SPX_STRIKE_STEP),
                marks
                    .spx_strike_for_delta(OptionKind::Call, cfg.long_delta, dte)
                    .max(short_call + SPX_STRIKE_STEP),
            )
        };
        let mut c = Condor {
            active: true,
            entry_day: day.day,
            expiry_day: day.day + dte,
            long_put,
            short_put,
            short_call,
            long_call,
            contracts: 0.0,
            credit: 0.0,
            mark: 0.0,
        };
        let (prices, net) = leg_marks(&c, dte, marks);
        let width = (short_put - long_put).max(long_call - short_call);
        if net <= 0.0 || net >= width {
            self.tally.skipped += 1;
            return;
        }
        let max_loss = (width - net) * SPX_MULTIPLIER;
        c.contracts = (cfg.risk_fraction * self.equity() / max_loss)
            .floor()
            .max(1.0);
        c.credit = net;
        c.mark = net;
        let received = c.contracts * SPX_MULTIPLIER * net;
        let cost = four_leg_cost(cfg, c.contracts, &prices);
        self.cash += received - cost;
        self.tally.credits += received;
        self.tally.costs += cost;
        self.tally.opened += 1;
        self.slots[slot] = c;
    }
}
