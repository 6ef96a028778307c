//! The marks of the CPU study kernel, evaluated for many requests at once:
//! the arithmetic of `shaders/shared/marks.wgsl` (and of its scalar twin
//! `crate::shared::marks`), with every intermediate that depends only on the
//! contract's remaining days, only on the day or only on the lane computed
//! once and reused. The reused values are the same `f32` operations on the
//! same inputs, so the bits are those of the shader.
//!
//! The request loops have no data-dependent control flow but selects, so
//! the compiler vectorises them (table reads become gathers).

use crate::shared::marks::{marks_decay_factor, max_wgsl, MarksParams};
use crate::shared::math::ln_portable;
use crate::shared::pricing::{black76_f32, exp_portable, OptionKind};
use crate::shared::tables::{lerp, table_locate, AxisCell, PackedTables, TableHeader};

/// Trading days per year (`MARKS_DAYS_PER_YEAR`).
const DAYS_PER_YEAR: f32 = 252.0;

/// The constants of the run by remaining trading days `n` (`0..=max_days`).
#[derive(Debug, Clone)]
pub(super) struct Tenors {
    /// `n / 252`, years.
    pub tau: Vec<f32>,
    sqrt_tau: Vec<f32>,
    /// `exp_portable((r - q) max(tau, 0))` and `exp_portable(-r max(tau, 0))`.
    fwd: Vec<f32>,
    df: Vec<f32>,
    /// `theta* (1 - a)` with `a = marks_decay_factor(kappa tau)`, and `a`.
    theta_part: Vec<f32>,
    decay: Vec<f32>,
    /// SPX surfaces' expiry cell of `sqrt(tau)`.
    spx_cj: Vec<AxisCell>,
    /// VIX futures' tenor cell of `n`, options' cell of `ln(max(n, 1e-9))`.
    fut_cj: Vec<AxisCell>,
    opt_cj: Vec<AxisCell>,
    /// VIX: `n / 252`, its root and `exp_portable(-r t)`.
    vix_sqrt_t: Vec<f32>,
    vix_df: Vec<f32>,
}

/// What the marks read: the constants, the tables and the shared axes.
#[derive(Debug, Clone)]
pub(super) struct MarksData {
    pub p: MarksParams,
    pub tables: PackedTables,
    /// Header of the event-free SPX surface (the others share its axes).
    spx: TableHeader,
    /// Value offsets of the SPX surfaces.
    spx_offsets: Vec<u32>,
    fut: TableHeader,
    opt: TableHeader,
    opt_offsets: Vec<u32>,
    pub tenors: Tenors,
}

/// The day's per-tenor inputs (the same on every lane).
#[derive(Debug, Clone, Default)]
pub(super) struct DayInputs {
    /// SPX surface index, its weight to the next, and `e_i / tau`,
    /// `e_{i+1} / tau`.
    spx_i: Vec<u32>,
    spx_w: Vec<f32>,
    add_lo: Vec<f32>,
    add_hi: Vec<f32>,
    /// VIX constant `c`, the futures' cell of `c` and the option tables' cell.
    pub c: Vec<f32>,
    fut_ck: Vec<AxisCell>,
    opt_cell: Vec<AxisCell>,
}

/// A lane's per-day inputs.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct LaneInputs {
    /// `max(v, 0)`.
    pub vv: f32,
    /// SPX surfaces' variance cell of `ln(vv + shift)`.
    spx_ci: AxisCell,
    /// VIX tables' variance cells of `sqrt(vv + shift)` (futures, options).
    fut_ci: AxisCell,
    opt_ci: AxisCell,
}

/// `v[i]` without a bounds check, so the request loops vectorise.
///
/// Callers index the per-tenor and per-day vectors with remaining lives of
/// the run's positions, which the kernel's inputs bound by `max_days` (the
/// longest tenor), and table offsets by surface indices below their count.
#[inline(always)]
pub(super) fn at<T: Copy>(v: &[T], i: usize) -> T {
    debug_assert!(i < v.len(), "index {i} of {}", v.len());
    // SAFETY: see above; every vector indexed here has max_days + 1 (or the
    // surface count) entries and the indices are derived from bounded lives.
    unsafe { *v.get_unchecked(i) }
}

#[inline(always)]
fn locate(h: &TableHeader, axis: usize, x: f32) -> AxisCell {
    table_locate(x, h.lo[axis], h.inv_step[axis], h.n[axis])
}

impl MarksData {
    /// The marks of `p` over `tables`, for remaining lives up to `max_days`.
    pub fn new(p: MarksParams, tables: PackedTables, max_days: u32) -> Self {
        let h = |i: u32| tables.headers[i as usize];
        let spx = h(p.spx_table);
        let spx_offsets = (0..p.spx_tables)
            .map(|i| h(p.spx_table + i).offset)
            .collect();
        let fut = h(p.vix_future_table);
        let opt = h(p.vix_option_table);
        let opt_offsets = (0..p.option_c_n)
            .map(|i| h(p.vix_option_table + i).offset)
            .collect();
        let mut t = Tenors {
            tau: Vec::new(),
            sqrt_tau: Vec::new(),
            fwd: Vec::new(),
            df: Vec::new(),
            theta_part: Vec::new(),
            decay: Vec::new(),
            spx_cj: Vec::new(),
            fut_cj: Vec::new(),
            opt_cj: Vec::new(),
            vix_sqrt_t: Vec::new(),
            vix_df: Vec::new(),
        };
        for n in 0..=max_days {
            let tau = n as f32 / DAYS_PER_YEAR;
            let pos = max_wgsl(tau, 0.0);
            t.tau.push(tau);
            t.sqrt_tau.push(tau.sqrt());
            t.fwd.push(exp_portable((p.r - p.q) * pos));
            t.df.push(exp_portable(-p.r * pos));
            let a = marks_decay_factor(p.kappa * tau);
            t.decay.push(a);
            t.theta_part.push(p.theta_star * (1.0 - a));
            t.spx_cj.push(locate(&spx, 1, tau.sqrt()));
            let tau_days = n as f32;
            t.fut_cj.push(locate(&fut, 1, tau_days));
            t.opt_cj
                .push(locate(&opt, 1, ln_portable(max_wgsl(tau_days, 1e-9))));
            let vt = tau_days / DAYS_PER_YEAR;
            t.vix_sqrt_t.push(vt.sqrt());
            t.vix_df.push(exp_portable(-p.r * vt));
        }
        Self {
            p,
            tables,
            spx,
            spx_offsets,
            fut,
            opt,
            opt_offsets,
            tenors: t,
        }
    }

    /// Value `[day][n]` of a per-day table (twin of `marks_day_value`).
    fn day_value(&self, tab: u32, day: u32, n: u32) -> f32 {
        let h = &self.tables.headers[tab as usize];
        let d = day.min(h.n[0] - 1);
        let n = n.min(h.n[1] - 1);
        self.tables.at(h.offset + d * h.n[1] + n)
    }

    fn spx_event_var(&self, i: u32) -> f32 {
        self.p.spx_event_var[(i / 4) as usize][(i % 4) as usize]
    }

    /// The inputs of `day` for every remaining life.
    pub fn day_inputs(&self, day: u32, out: &mut DayInputs) {
        let n_max = self.tenors.tau.len();
        for v in [&mut out.spx_w, &mut out.add_lo, &mut out.add_hi, &mut out.c] {
            v.clear();
        }
        out.spx_i.clear();
        out.fut_ck.clear();
        out.opt_cell.clear();
        let p = &self.p;
        for n in 0..n_max as u32 {
            let tau = self.tenors.tau[n as usize];
            let e = self.day_value(p.event_coord_table, day, n);
            let i = e.floor() as u32;
            let w = e - i as f32;
            // Past the last surface only with a zero weight, never read.
            let next = (i + 1).min(p.spx_tables.max(1) - 1);
            out.spx_i.push(i);
            out.spx_w.push(w);
            out.add_lo.push(self.spx_event_var(i) / tau);
            out.add_hi.push(self.spx_event_var(next) / tau);
            let c = self.day_value(p.vix_c_table, day, n);
            out.c.push(c);
            out.fut_ck.push(locate(&self.fut, 2, c));
            out.opt_cell
                .push(table_locate(c, p.option_c_lo, p.option_c_inv, p.option_c_n));
        }
    }

    /// Whether any remaining life of the day lies between two SPX surfaces
    /// (then the marks interpolate; never without variance bumps).
    #[must_use]
    pub fn interpolates(day: &DayInputs) -> bool {
        day.spx_w.iter().any(|&w| w > 0.0)
    }

    /// A lane's inputs at variance `var_now` (already `max(v, 0)`).
    #[inline(always)]
    pub fn lane_inputs(&self, var_now: f32) -> LaneInputs {
        let vv = max_wgsl(var_now, 0.0);
        let x0 = ln_portable(vv + self.p.spx_v_shift);
        let z = (vv + self.p.vix_v_shift).sqrt();
        LaneInputs {
            vv,
            spx_ci: locate(&self.spx, 0, x0),
            fut_ci: locate(&self.fut, 0, z),
            opt_ci: locate(&self.opt, 0, z),
        }
    }

    /// Trilinear value at `offset` of a table with the axes of `h`.
    #[inline(always)]
    fn corners(
        &self,
        h: &TableHeader,
        offset: u32,
        ci: AxisCell,
        cj: AxisCell,
        ck: AxisCell,
    ) -> f32 {
        let (n1, n2) = (h.n[1], h.n[2]);
        let a00 = offset + (ci.i * n1 + cj.i) * n2 + ck.i;
        let a01 = a00 + n2;
        let a10 = a00 + n1 * n2;
        let a11 = a10 + n2;
        let t = &self.tables;
        let c00 = lerp(t.at(a00), t.at(a00 + 1), ck.w);
        let c01 = lerp(t.at(a01), t.at(a01 + 1), ck.w);
        let c10 = lerp(t.at(a10), t.at(a10 + 1), ck.w);
        let c11 = lerp(t.at(a11), t.at(a11 + 1), ck.w);
        let c0 = lerp(c00, c01, cj.w);
        let c1 = lerp(c10, c11, cj.w);
        lerp(c0, c1, ci.w)
    }

    /// The SPX implied vol (`spx_table_vol`) of a lane at remaining life `n`
    /// and `k = ln(K/F) / sqrt(tau)`.
    #[inline(always)]
    pub fn spx_vol<const INTERP: bool>(
        &self,
        day: &DayInputs,
        lane: &LaneInputs,
        n: usize,
        k: f32,
    ) -> f32 {
        let t = &self.tenors;
        let vbar = (at(&t.decay, n) * lane.vv + at(&t.theta_part, n)) + self.p.jump_var;
        let cj = at(&t.spx_cj, n);
        let i = at(&day.spx_i, n) as usize;
        let atm = (vbar + at(&day.add_lo, n)).sqrt();
        let ck = locate(&self.spx, 2, k / atm);
        let lo = self.corners(&self.spx, at(&self.spx_offsets, i), lane.spx_ci, cj, ck) * atm;
        let w = at(&day.spx_w, n);
        if INTERP && w > 0.0 {
            let atm = (vbar + at(&day.add_hi, n)).sqrt();
            let ck = locate(&self.spx, 2, k / atm);
            let hi =
                self.corners(&self.spx, at(&self.spx_offsets, i + 1), lane.spx_ci, cj, ck) * atm;
            lo + (hi - lo) * w
        } else {
            lo
        }
    }

    /// SPX option price (`spx_price`) at SPX level `spot`, remaining life
    /// `n >= 1` trading days.
    #[inline(always)]
    pub fn spx_price<const INTERP: bool>(
        &self,
        day: &DayInputs,
        lane: &LaneInputs,
        kind: OptionKind,
        spot: f32,
        strike: f32,
        n: usize,
    ) -> f32 {
        let t = &self.tenors;
        let tau = at(&t.tau, n);
        let forward = spot * at(&t.fwd, n);
        let x = ln_portable(strike / forward);
        let iv = self.spx_vol::<INTERP>(day, lane, n, x / at(&t.sqrt_tau, n));
        let valid = tau > 0.0 && strike > 0.0;
        let (tau, iv) = if valid { (tau, iv) } else { (0.0, 0.0) };
        black76_f32(kind, forward, strike, tau, at(&t.df, n), iv).price
    }

    /// `sigma(x) sqrt(tau)` of the strike search (`marks_total_sd`).
    #[inline(always)]
    fn total_sd<const INTERP: bool>(
        &self,
        day: &DayInputs,
        lane: &LaneInputs,
        n: usize,
        x: f32,
    ) -> f32 {
        let st = at(&self.tenors.sqrt_tau, n);
        self.spx_vol::<INTERP>(day, lane, n, x / st) * st
    }

    /// One step of the strike search (`spx_strike_x`); `x` the log-strike.
    #[inline(always)]
    pub fn spx_newton_step<const INTERP: bool>(
        &self,
        day: &DayInputs,
        lane: &LaneInputs,
        n: usize,
        d_star: f32,
        x: f32,
    ) -> f32 {
        let s = self.total_sd::<INTERP>(day, lane, n, x);
        let g = x - s * (0.5 * s - d_star);
        let h = 1e-3 * max_wgsl(s, 1e-6);
        let slope = (self.total_sd::<INTERP>(day, lane, n, x + h)
            - self.total_sd::<INTERP>(day, lane, n, x - h))
            / (2.0 * h);
        let dg = 1.0 - slope * (s - d_star);
        if dg >= 0.2 {
            x - g / dg
        } else {
            x - g
        }
    }

    /// The starting log-strike of the strike search.
    #[inline(always)]
    pub fn spx_newton_start<const INTERP: bool>(
        &self,
        day: &DayInputs,
        lane: &LaneInputs,
        n: usize,
        d_star: f32,
    ) -> f32 {
        let s0 = self.total_sd::<INTERP>(day, lane, n, 0.0);
        s0 * (0.5 * s0 - d_star)
    }

    /// The SPX strike at log-strike `x` (`spx_strike_at`).
    #[inline(always)]
    pub fn spx_strike_at(&self, x: f32, spot: f32, n: usize) -> f32 {
        let t = &self.tenors;
        let forward = spot * exp_portable((self.p.r - self.p.q) * at(&t.tau, n));
        (forward * exp_portable(x) / 5.0 + 0.5).floor() * 5.0
    }

    /// VIX future (`vix_future`) of a lane at `n` trading days.
    #[inline(always)]
    pub fn vix_future(&self, day: &DayInputs, lane: &LaneInputs, n: usize) -> f32 {
        self.corners(
            &self.fut,
            self.fut.offset,
            lane.fut_ci,
            at(&self.tenors.fut_cj, n),
            at(&day.fut_ck, n),
        )
    }

    /// VIX option total sd (`vix_total_sd`) at moneyness `mny`.
    #[inline(always)]
    fn vix_total_sd(&self, day: &DayInputs, lane: &LaneInputs, n: usize, mny: f32) -> f32 {
        let cell = at(&day.opt_cell, n);
        let cj = at(&self.tenors.opt_cj, n);
        let ck = locate(&self.opt, 2, mny);
        let i = cell.i as usize;
        let lo = self.corners(&self.opt, at(&self.opt_offsets, i), lane.opt_ci, cj, ck);
        let hi = self.corners(&self.opt, at(&self.opt_offsets, i + 1), lane.opt_ci, cj, ck);
        lo + (hi - lo) * cell.w
    }

    /// VIX call (`vix_call_f`) of strike `strike` given its future `f`.
    #[inline(always)]
    pub fn vix_call(
        &self,
        day: &DayInputs,
        lane: &LaneInputs,
        n: usize,
        f: f32,
        strike: f32,
    ) -> f32 {
        let t = &self.tenors;
        let st = at(&t.vix_sqrt_t, n);
        let sd = self.vix_total_sd(day, lane, n, ln_portable(strike / f) / st);
        let tt = n as f32 / DAYS_PER_YEAR;
        black76_f32(OptionKind::Call, f, strike, tt, at(&t.vix_df, n), sd / st).price
    }

    /// VIX call strike of delta `delta` (`vix_call_strike_f`).
    pub fn vix_call_strike(
        &self,
        day: &DayInputs,
        lane: &LaneInputs,
        n: usize,
        f: f32,
        delta: f32,
    ) -> f32 {
        let st = self.tenors.vix_sqrt_t[n];
        let (mut lo, mut hi) = (-1.5f32, 2.5f32);
        for _ in 0..40 {
            let mid = 0.5 * (lo + hi);
            let s = self.vix_total_sd(day, lane, n, mid / st);
            let d = crate::shared::pricing::norm_cdf_f32(-mid / s + 0.5 * s);
            if d > delta {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let k = f * exp_portable(0.5 * (lo + hi));
        max_wgsl((k / 0.5 + 0.5).floor() * 0.5, 0.5)
    }
}
