//! The marks' per-run inputs on the host: [`MarksParams`] of a run's
//! pricing, the per-day event inputs [`DayTables`] and the order of the
//! tables ([`marks_tables`]), read alike by both study kernels.
//!
//! # Per-day inputs
//! The scheduled events enter the marks through two numbers that depend only
//! on the trading day `day` of the path (0 = start) and the contract's
//! remaining trading days `days_left`: the SPX expiry's event coordinate
//! (which of the surface's event tables holds the event variance
//! [`event_variance`] over `(day, day + days_left]`, and the weight of the
//! next one: [`SpxVolSurface::event_coord`]) and the VIX expiry constant `c`
//! ([`expiry_constant`] from `day` to `day + days_left`). Both are tabulated
//! on the host for every `day` in `0..days` and `days_left` in
//! `0..=max_tenor`, row-major `[day][days_left]`; the kernels read them by
//! index (`marks_day_value`, no interpolation). A difference of cumulative
//! per-day sums would be smaller but is exact only without variance bumps
//! (whose contribution depends on the expiry) and cancels digits in `f32`;
//! the full tables are 128 KiB each for a year of days and half a year of
//! tenors.
//!
//! [`SpxVolSurface::event_coord`]: crate::model::ivtable::SpxVolSurface::event_coord

use crate::model::ivtable::{event_variance, AtmVariance, MAX_EVENT_TABLES, V_SHIFT};
use crate::model::vix::expiry_constant;
use crate::model::TRADING_DAYS_PER_YEAR;
use crate::shared::marks::{MarksParams, MAX_SPX_TABLES};
use crate::shared::tables::{Axis, Table};
use crate::study::StudyPricing;

const _: () = assert!(MAX_EVENT_TABLES < MAX_SPX_TABLES);

impl MarksParams {
    /// The constants of `pricing` with its tables at WGSL indices from
    /// `first_table` on, in the order of [`marks_tables`].
    #[must_use]
    #[expect(clippy::cast_possible_truncation, reason = "GPU constants are f32")]
    pub fn new(pricing: &StudyPricing, first_table: u32) -> Self {
        let m = &pricing.model_q;
        let atm: AtmVariance = pricing.surface.atm_variance();
        let vix = &pricing.vix;
        let n_opt = vix.options.len() as u32;
        let surface = &pricing.surface;
        let n_spx = 1 + surface.event_tables().len() as u32;
        let mut spx_event_var = [[0.0f32; 4]; MAX_SPX_TABLES / 4];
        for i in 0..n_spx as usize {
            spx_event_var[i / 4][i % 4] = surface.event_var_of(i) as f32;
        }
        Self {
            r: m.r as f32,
            q: m.q as f32,
            kappa: atm.kappa as f32,
            theta_star: atm.theta_star as f32,
            jump_var: atm.jump_var as f32,
            spx_v_shift: V_SHIFT as f32,
            vix_v_shift: vix.v_shift as f32,
            option_c_lo: vix.option_c.lo,
            option_c_inv: vix.option_c.inv_step,
            option_c_n: vix.option_c.n,
            spx_table: first_table,
            vix_future_table: first_table + n_spx,
            vix_option_table: first_table + n_spx + 1,
            event_coord_table: first_table + n_spx + 1 + n_opt,
            vix_c_table: first_table + n_spx + 2 + n_opt,
            spx_tables: n_spx,
            spx_event_var,
            zero: 0.0,
            _pad: [0; 3],
        }
    }
}

/// The per-day event inputs of the marks (module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct DayTables {
    /// SPX event coordinate (index + weight among the event tables) of an
    /// expiry `days_left` trading days after `day`, on axes `(day,
    /// days_left)`.
    pub event_coord: Table,
    /// VIX expiry constant `c` (annualised variance) of an expiry `days_left`
    /// trading days after `day`, on axes `(day, days_left)`.
    pub vix_c: Table,
}

impl DayTables {
    /// Tabulates both inputs of `pricing` (its Q model and SPX event tables)
    /// for trading days `0..days` and remaining lives `0..=max_tenor` trading
    /// days.
    ///
    /// # Panics
    /// With `days < 2` or `max_tenor < 1` (a table axis needs two nodes).
    #[must_use]
    pub fn build(pricing: &StudyPricing, days: u32, max_tenor: u32) -> Self {
        let model_q = &pricing.model_q;
        let axes = vec![
            Axis::new(0.0, f64::from(days - 1), days),
            Axis::new(0.0, f64::from(max_tenor), max_tenor + 1),
        ];
        let years = |d: u32| f64::from(d) / TRADING_DAYS_PER_YEAR;
        let fill = |f: &dyn Fn(u32, u32) -> f64| -> Vec<f32> {
            let mut out = Vec::with_capacity((days * (max_tenor + 1)) as usize);
            for day in 0..days {
                for n in 0..=max_tenor {
                    #[expect(clippy::cast_possible_truncation, reason = "tables are f32")]
                    out.push(f(day, n) as f32);
                }
            }
            out
        };
        Self {
            event_coord: Table {
                name: "SPX event coordinate (event table + weight) on (day, days_left)".to_string(),
                axes: axes.clone(),
                data: fill(&|day, n| {
                    pricing
                        .surface
                        .event_coord(event_variance(model_q, day, day + n))
                        .value()
                }),
            },
            vix_c: Table {
                name: "VIX expiry constant c (annualised variance) on (day, days_left)".to_string(),
                axes,
                data: fill(&|day, n| expiry_constant(model_q, years(day), years(day + n))),
            },
        }
    }

    /// Trading days tabulated (`day` in `0..days()`).
    #[must_use]
    pub fn days(&self) -> u32 {
        self.event_coord.axes[0].n
    }

    /// Longest remaining life tabulated, trading days.
    #[must_use]
    pub fn max_tenor(&self) -> u32 {
        self.event_coord.axes[1].n - 1
    }

    fn at(table: &Table, day: u32, days_left: u32) -> f32 {
        let d = day.min(table.axes[0].n - 1);
        let n = days_left.min(table.axes[1].n - 1);
        table.data[(d * table.axes[1].n + n) as usize]
    }

    /// The stored event coordinate at `[day][days_left]` (clamped to the
    /// table), as the kernel reads it.
    #[must_use]
    pub fn event_coord(&self, day: u32, days_left: u32) -> f32 {
        Self::at(&self.event_coord, day, days_left)
    }

    /// The stored VIX constant `c` at `[day][days_left]` (clamped to the
    /// table), as the kernel reads it.
    #[must_use]
    pub fn vix_c(&self, day: u32, days_left: u32) -> f32 {
        Self::at(&self.vix_c, day, days_left)
    }
}

/// The tables the marks read, in the order [`MarksParams::new`] expects:
/// the SPX surfaces (event-free, then the event tables), VIX futures, VIX
/// option tables, event coordinate, VIX constant.
#[must_use]
pub fn marks_tables<'a>(pricing: &'a StudyPricing, days: &'a DayTables) -> Vec<&'a Table> {
    let mut out = pricing.surface.tables_in_order();
    out.push(&pricing.vix.futures);
    out.extend(pricing.vix.options.iter());
    out.push(&days.event_coord);
    out.push(&days.vix_c);
    out
}
