//! Model-consistent marks for the books: SPX options from the implied-vol
//! surfaces, VIX futures and options from the VIX tables, all under Q and all
//! from the path's state (SPX level, variance, trading day).
//!
//! Scheduled events: an SPX option whose life holds events is priced from
//! the surface of its event variance, built once per run from the exact
//! price of the model with the event jump ([`SpxVolSurface::event_tables`]):
//! one table per distinct event variance the run's calendar produces (the
//! shipped presets have a handful), or, when there are more than
//! [`MAX_EVENT_TABLES`] (variance bumps make them continuous), a grid of
//! event variances with linear interpolation between the two around the
//! option's.

use crate::model::analytic::{black76_delta, OptionKind};
use crate::model::ivtable::{event_variance, GridSpec, SpxVolSurface, MAX_EVENT_TABLES};
use crate::model::vix::{expiry_constant, vix_index, VixTables};
use crate::model::{MarketModel, TRADING_DAYS_PER_YEAR};
use crate::strategy::marks::{round_to_step, DayState, Marks, SPX_STRIKE_STEP, VIX_STRIKE_STEP};

/// Everything the marks need that is built once per run: the Q model and its
/// tables.
#[derive(Debug)]
pub struct StudyPricing {
    /// The risk-neutral model (`[model.q]` over `[model]`, drift `r`).
    pub model_q: MarketModel,
    /// SPX implied-vol surface of `model_q`.
    pub surface: SpxVolSurface,
    /// VIX futures and options tables of `model_q`.
    pub vix: VixTables,
}

/// Trading days of path and longest SPX expiry that [`StudyPricing::build`]
/// prepares event tables for.
pub const DEFAULT_EVENT_WINDOW: (u32, u32) = (253, 63);

impl StudyPricing {
    /// Builds the tables of `model_q` (a few seconds), with the SPX event
    /// tables of paths of up to a year and expiries up to 63 trading days
    /// ([`DEFAULT_EVENT_WINDOW`]).
    #[must_use]
    pub fn build(model_q: MarketModel) -> Self {
        Self::build_for(model_q, DEFAULT_EVENT_WINDOW.0, DEFAULT_EVENT_WINDOW.1)
    }

    /// Builds the tables of `model_q` with the SPX event tables that paths of
    /// `days` trading days (day 0 to `days - 1`) need for expiries up to
    /// `max_spx_days` trading days.
    #[must_use]
    pub fn build_for(model_q: MarketModel, days: u32, max_spx_days: u32) -> Self {
        let events = event_vars(&model_q, days, max_spx_days);
        let (surface, vix) = rayon::join(
            || {
                SpxVolSurface::build_with_events(
                    &model_q,
                    &GridSpec::default(),
                    &events,
                    f64::from(max_spx_days),
                )
            },
            || VixTables::build(&model_q),
        );
        Self {
            model_q,
            surface,
            vix,
        }
    }

    /// The marks of one path on trading day `day` at SPX level `spx` (index
    /// points) and variance `v` (annualised).
    #[must_use]
    pub fn marks(&self, day: u32, spx: f64, v: f64) -> ModelMarks<'_> {
        ModelMarks {
            pricing: self,
            day,
            spx,
            v: v.max(0.0),
        }
    }
}

/// The event variances of SPX expiries `1..=max_spx_days` trading days after
/// any day in `0..days`: every distinct value when there are at most
/// [`MAX_EVENT_TABLES`], else that many evenly spaced up to the largest.
#[must_use]
pub fn event_vars(model_q: &MarketModel, days: u32, max_spx_days: u32) -> Vec<f64> {
    let mut all: Vec<f64> = (0..days)
        .flat_map(|d| (1..=max_spx_days).map(move |n| (d, d + n)))
        .map(|(a, b)| event_variance(model_q, a, b))
        .filter(|&e| e > 0.0)
        .collect();
    all.sort_by(f64::total_cmp);
    all.dedup_by(|a, b| (*a - *b).abs() <= 1e-12 * b.abs());
    if all.len() <= MAX_EVENT_TABLES {
        return all;
    }
    let top = all[all.len() - 1];
    (1..=MAX_EVENT_TABLES)
        .map(|i| top * i as f64 / MAX_EVENT_TABLES as f64)
        .collect()
}

/// The marks of one path on one day.
#[derive(Debug, Clone, Copy)]
pub struct ModelMarks<'a> {
    pricing: &'a StudyPricing,
    /// Trading day (0 = start).
    pub day: u32,
    /// SPX level, index points.
    pub spx: f64,
    /// Variance, annualised.
    pub v: f64,
}

fn years(days: u32) -> f64 {
    f64::from(days) / TRADING_DAYS_PER_YEAR
}

impl ModelMarks<'_> {
    /// The day's state for the books: SPX, VIX index and the 21-day future.
    #[must_use]
    pub fn day_state(&self) -> DayState {
        let m = &self.pricing.model_q;
        DayState {
            day: self.day,
            spx: self.spx,
            vix: vix_index(m, self.v, self.day),
            vix_future_1m: self.vix_future(21),
            r: m.r,
        }
    }

    fn vix_c(&self, days_left: u32) -> f64 {
        expiry_constant(
            &self.pricing.model_q,
            years(self.day),
            years(self.day + days_left),
        )
    }
}

impl Marks for ModelMarks<'_> {
    fn spx_option(&self, kind: OptionKind, strike: f64, days_left: u32) -> f64 {
        let m = &self.pricing.model_q;
        let s = &self.pricing.surface;
        let coord = s.event_coord(event_variance(m, self.day, self.day + days_left));
        s.price_in(
            kind,
            self.spx,
            strike,
            years(days_left),
            self.v,
            m.r,
            m.q,
            coord,
        )
    }

    fn spx_strike_for_delta(&self, kind: OptionKind, delta: f64, days_left: u32) -> f64 {
        let m = &self.pricing.model_q;
        let s = &self.pricing.surface;
        let coord = s.event_coord(event_variance(m, self.day, self.day + days_left));
        let target = match kind {
            OptionKind::Call => delta.abs(),
            OptionKind::Put => -delta.abs(),
        };
        s.strike_for_delta_in(
            kind,
            target,
            self.spx,
            years(days_left),
            self.v,
            m.r,
            m.q,
            coord,
            SPX_STRIKE_STEP,
        )
    }

    fn vix_future(&self, days_left: u32) -> f64 {
        self.pricing
            .vix
            .future(self.v, f64::from(days_left), self.vix_c(days_left))
            .0
    }

    fn vix_call(&self, strike: f64, days_left: u32) -> f64 {
        let m = &self.pricing.model_q;
        let c = self.vix_c(days_left);
        self.pricing.vix.option_price(
            OptionKind::Call,
            self.v,
            f64::from(days_left),
            c,
            strike,
            m.r,
        )
    }

    fn vix_call_strike_for_delta(&self, delta: f64, days_left: u32) -> f64 {
        // Bisection on ln(K/F): the call delta on the future falls with the
        // strike even with the table's smile.
        let c = self.vix_c(days_left);
        let tau_d = f64::from(days_left);
        let f = self.pricing.vix.future(self.v, tau_d, c).0;
        let t = years(days_left);
        let delta_at = |x: f64| {
            let iv = self.pricing.vix.option_iv(self.v, tau_d, c, x.exp()).0;
            black76_delta(OptionKind::Call, f, f * x.exp(), t, 1.0, iv)
        };
        let (mut lo, mut hi) = (-1.5f64, 2.5f64);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if delta_at(mid) > delta {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        round_to_step(f * (0.5 * (lo + hi)).exp(), VIX_STRIKE_STEP).max(VIX_STRIKE_STEP)
    }
}
