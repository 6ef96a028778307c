//! Host side of the GPU marks (`shaders/shared/marks.wgsl`): the per-run
//! pricing constants [`MarksParams`] and the per-day event inputs
//! [`DayTables`], so a kernel can mark SPX options and VIX futures and calls
//! from the path's state as [`crate::study::ModelMarks`] does on the CPU.
//!
//! # What a kernel binds
//! - The run's tables in the order of [`marks_tables`] (SPX surface, VIX
//!   futures, the VIX option tables, then the two [`DayTables`]), uploaded as
//!   a [`super::GpuTables`] at group [`super::TABLES_GROUP`]; tables of its own
//!   may come before them, `first_table` of [`MarksParams::new`] says where
//!   these start.
//! - [`MarksParams`] as a uniform named `marks` in a slot of its own group 0.
//!
//! # Per-day inputs
//! The scheduled events enter the marks through two numbers that depend only
//! on the trading day `day` of the path (0 = start) and the contract's
//! remaining trading days `days_left`: the SPX expiry's event variance
//! ([`event_variance`] over `(day, day + days_left]`) and the VIX expiry
//! constant `c` ([`expiry_constant`] from `day` to `day + days_left`). Both are
//! tabulated on the host for every `day` in `0..days` and `days_left` in
//! `0..=max_tenor`, row-major `[day][days_left]`; the kernel reads them by
//! index with `marks_day_value(marks.event_var_table, day, days_left)` (no
//! interpolation). A difference of cumulative per-day sums would be smaller
//! but is exact only without variance bumps (whose contribution depends on
//! the expiry) and cancels digits in `f32`; the full tables are 128 KiB each
//! for a year of days and half a year of tenors.

use bytemuck::{Pod, Zeroable};

use crate::model::analytic::norm_pdf;
use crate::model::analytic::quadrature::gauss_legendre;
use crate::model::ivtable::{event_variance, AtmVariance, EVENT_NODES, EVENT_SPAN, V_SHIFT};
use crate::model::vix::expiry_constant;
use crate::model::{MarketModel, TRADING_DAYS_PER_YEAR};
use crate::shared::tables::{Axis, Table};
use crate::study::StudyPricing;

/// Largest number of event-quadrature nodes [`MarksParams`] holds.
pub const MAX_EVENT_NODES: usize = 16;

/// The per-run constants of `shaders/shared/marks.wgsl` (192 bytes). Keep in
/// sync with `MarksParams` in `shaders/shared/marks.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct MarksParams {
    /// Risk-free rate, continuously compounded per year.
    pub r: f32,
    /// Dividend yield, continuously compounded per year.
    pub q: f32,
    /// Mean-reversion speed of [`AtmVariance`], per year.
    pub kappa: f32,
    /// `theta*` of [`AtmVariance`] (annualised variance).
    pub theta_star: f32,
    /// `lambda E[Z_S^2]` of [`AtmVariance`] (annualised variance).
    pub jump_var: f32,
    /// Shift of the SPX surface's variance axis `ln(v + shift)` ([`V_SHIFT`]).
    pub spx_v_shift: f32,
    /// Shift of the VIX tables' variance axis `sqrt(v + shift)`.
    pub vix_v_shift: f32,
    /// First node of the VIX options' `c` axis (annualised variance).
    pub option_c_lo: f32,
    /// `(n - 1) / (hi - lo)` of the `c` axis.
    pub option_c_inv: f32,
    /// Nodes of the `c` axis (one VIX option table each).
    pub option_c_n: u32,
    /// WGSL table index of the SPX implied-vol surface.
    pub spx_table: u32,
    /// WGSL table index of the VIX futures.
    pub vix_future_table: u32,
    /// WGSL table index of the first VIX option table.
    pub vix_option_table: u32,
    /// WGSL table index of [`DayTables::event_var`].
    pub event_var_table: u32,
    /// WGSL table index of [`DayTables::vix_c`].
    pub vix_c_table: u32,
    /// Event-quadrature nodes used.
    pub event_nodes: u32,
    /// `(y_i, w_i, y_{i+1}, w_{i+1})`: nodes in standard deviations of the
    /// event jump and weights including the normal density and the span, so
    /// the mixture is `sum w_i price(y_i)`.
    pub event_rule: [[f32; 4]; MAX_EVENT_NODES / 2],
}

const _: () = assert!(std::mem::size_of::<MarksParams>() == 192);
const _: () = assert!(EVENT_NODES <= MAX_EVENT_NODES);

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
        let mut rule = [[0.0f32; 4]; MAX_EVENT_NODES / 2];
        for (i, &(x, w)) in gauss_legendre(EVENT_NODES).iter().enumerate() {
            let y = EVENT_SPAN * x;
            let weight = w * norm_pdf(y) * EVENT_SPAN;
            rule[i / 2][2 * (i % 2)] = y as f32;
            rule[i / 2][2 * (i % 2) + 1] = weight as f32;
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
            vix_future_table: first_table + 1,
            vix_option_table: first_table + 2,
            event_var_table: first_table + 2 + n_opt,
            vix_c_table: first_table + 3 + n_opt,
            event_nodes: EVENT_NODES as u32,
            event_rule: rule,
        }
    }
}

/// The per-day event inputs of the marks (module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct DayTables {
    /// SPX event variance (log-price variance) of an expiry `days_left`
    /// trading days after `day`, on axes `(day, days_left)`.
    pub event_var: Table,
    /// VIX expiry constant `c` (annualised variance) of an expiry `days_left`
    /// trading days after `day`, on axes `(day, days_left)`.
    pub vix_c: Table,
}

impl DayTables {
    /// Tabulates both inputs of the Q model `model_q` for trading days `0..days`
    /// and remaining lives `0..=max_tenor` trading days.
    ///
    /// # Panics
    /// With `days < 2` or `max_tenor < 1` (a table axis needs two nodes).
    #[must_use]
    pub fn build(model_q: &MarketModel, days: u32, max_tenor: u32) -> Self {
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
            event_var: Table {
                name: "SPX event variance (log-price variance) on (day, days_left)".to_string(),
                axes: axes.clone(),
                data: fill(&|day, n| event_variance(model_q, day, day + n)),
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
        self.event_var.axes[0].n
    }

    /// Longest remaining life tabulated, trading days.
    #[must_use]
    pub fn max_tenor(&self) -> u32 {
        self.event_var.axes[1].n - 1
    }

    fn at(table: &Table, day: u32, days_left: u32) -> f32 {
        let d = day.min(table.axes[0].n - 1);
        let n = days_left.min(table.axes[1].n - 1);
        table.data[(d * table.axes[1].n + n) as usize]
    }

    /// The stored event variance at `[day][days_left]` (clamped to the table),
    /// as the kernel reads it.
    #[must_use]
    pub fn event_var(&self, day: u32, days_left: u32) -> f32 {
        Self::at(&self.event_var, day, days_left)
    }

    /// The stored VIX constant `c` at `[day][days_left]` (clamped to the
    /// table), as the kernel reads it.
    #[must_use]
    pub fn vix_c(&self, day: u32, days_left: u32) -> f32 {
        Self::at(&self.vix_c, day, days_left)
    }
}

/// The tables the marks read, in the order [`MarksParams::new`] expects:
/// SPX surface, VIX futures, VIX option tables, event variance, VIX constant.
#[must_use]
pub fn marks_tables<'a>(pricing: &'a StudyPricing, days: &'a DayTables) -> Vec<&'a Table> {
    let mut out = vec![pricing.surface.table(), &pricing.vix.futures];
    out.extend(pricing.vix.options.iter());
    out.push(&days.event_var);
    out.push(&days.vix_c);
    out
}
