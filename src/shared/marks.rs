//! Model marks inside a path in `f32`: the CPU twin of
//! `shaders/shared/marks.wgsl`, operation for operation, so that lavapipe
//! (which rounds every `f32` operation as written) gives these bits.
//!
//! SPX options come from the implied-vol surface, VIX futures and calls from
//! the VIX tables, all read from the run's [`PackedTables`] at the indices of
//! [`MarksParams`]. The algorithms are those of the `f64` marks of the books
//! (`crate::study::marks`, whose module docs in `crate::model::ivtable` and
//! `crate::model::vix` fix them); the `f32` arithmetic here is the kernels'.
//!
//! Every function is `#[inline(always)]` and free of data-dependent control
//! flow other than selects, so the CPU study kernel's loops over lanes of
//! paths vectorise them (table reads become gathers).

use bytemuck::{Pod, Zeroable};

use super::math::ln_portable;
use super::pricing::{black76_f32, exp_portable, norm_cdf_f32, OptionKind};
use super::tables::{table_locate, PackedTables};

/// Most SPX surfaces [`MarksParams`] describes: the event-free one and up to
/// 15 event surfaces.
pub const MAX_SPX_TABLES: usize = 16;

/// Trading days per year, as `MARKS_DAYS_PER_YEAR` in the shader.
pub const MARKS_DAYS_PER_YEAR: f32 = 252.0;

/// The per-run constants of `shaders/shared/marks.wgsl` (144 bytes). Keep in
/// sync with `MarksParams` in `shaders/shared/marks.wgsl`. Built by
/// `MarksParams::new` in `crate::study::kernel`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct MarksParams {
    /// Risk-free rate, continuously compounded per year.
    pub r: f32,
    /// Dividend yield, continuously compounded per year.
    pub q: f32,
    /// Mean-reversion speed of the surface's moneyness scale, per year.
    pub kappa: f32,
    /// `theta*` of the moneyness scale (annualised variance).
    pub theta_star: f32,
    /// `lambda E[Z_S^2]` of the moneyness scale (annualised variance).
    pub jump_var: f32,
    /// Shift of the SPX surface's variance axis `ln(v + shift)`.
    pub spx_v_shift: f32,
    /// Shift of the VIX tables' variance axis `sqrt(v + shift)`.
    pub vix_v_shift: f32,
    /// First node of the VIX options' `c` axis (annualised variance).
    pub option_c_lo: f32,
    /// `(n - 1) / (hi - lo)` of the `c` axis.
    pub option_c_inv: f32,
    /// Nodes of the `c` axis (one VIX option table each).
    pub option_c_n: u32,
    /// Table index of the event-free SPX surface; the event surfaces follow.
    pub spx_table: u32,
    /// Table index of the VIX futures.
    pub vix_future_table: u32,
    /// Table index of the first VIX option table.
    pub vix_option_table: u32,
    /// Table index of the per-day SPX event coordinate.
    pub event_coord_table: u32,
    /// Table index of the per-day VIX expiry constant.
    pub vix_c_table: u32,
    /// SPX surfaces (the event-free one and the event surfaces).
    pub spx_tables: u32,
    /// Log-price event variance of SPX surface `i` at `[i / 4][i % 4]` (0 for
    /// surface 0).
    pub spx_event_var: [[f32; 4]; MAX_SPX_TABLES / 4],
    /// Always 0: the shader's optimisation barrier (`marks_opaque`).
    pub zero: f32,
    /// Padding to a 16-byte multiple.
    pub _pad: [u32; 3],
}

const _: () = assert!(std::mem::size_of::<MarksParams>() == 144);

/// WGSL's `max(a, b)` on `f32` as lavapipe evaluates it: `a > b ? a : b`
/// (x86 `maxps`; the second operand when they are equal or either is NaN).
#[inline(always)]
#[must_use]
pub fn max_wgsl(a: f32, b: f32) -> f32 {
    if a > b {
        a
    } else {
        b
    }
}

/// WGSL's `min(a, b)` on `f32` as lavapipe evaluates it: `a < b ? a : b`.
#[inline(always)]
#[must_use]
pub fn min_wgsl(a: f32, b: f32) -> f32 {
    if a < b {
        a
    } else {
        b
    }
}

/// The run's tables and marks constants: what the marks functions read.
#[derive(Debug, Clone, Copy)]
pub struct MarksInputs<'a> {
    /// The constants.
    pub params: &'a MarksParams,
    /// Every table of the run.
    pub tables: &'a PackedTables,
}

/// `(1 - e^{-x}) / x` for `x >= 0`: a series below 0.5 (twin of
/// `marks_decay_factor`).
#[inline(always)]
#[must_use]
pub fn marks_decay_factor(x: f32) -> f32 {
    let series = ((((((-x / 40320.0 + 1.0 / 5040.0) * x - 1.0 / 720.0) * x + 1.0 / 120.0) * x
        - 1.0 / 24.0)
        * x
        + 1.0 / 6.0)
        * x
        - 0.5)
        * x
        + 1.0;
    let closed = (1.0 - exp_portable(-x)) / x;
    if x < 0.5 {
        series
    } else {
        closed
    }
}

impl MarksInputs<'_> {
    /// Value `[day][days_left]` of a per-day table, indices clamped to its
    /// last row and column (twin of `marks_day_value`).
    #[inline(always)]
    #[must_use]
    pub fn day_value(&self, tab: u32, day: u32, days_left: u32) -> f32 {
        let h = &self.tables.headers[tab as usize];
        let d = day.min(h.n[0] - 1);
        let n = days_left.min(h.n[1] - 1);
        self.tables.at(h.offset + d * h.n[1] + n)
    }

    /// Event variance of SPX surface `i` (twin of `spx_event_var`).
    #[inline(always)]
    #[must_use]
    pub fn spx_event_var(&self, i: u32) -> f32 {
        self.params.spx_event_var[(i / 4) as usize][(i % 4) as usize]
    }

    /// Vol of SPX surface `i` (twin of `spx_vol_in`).
    #[inline(always)]
    #[must_use]
    pub fn spx_vol_in(&self, i: u32, x0: f32, sqrt_tau: f32, tau: f32, vbar: f32, k: f32) -> f32 {
        let atm_vol = (vbar + self.spx_event_var(i) / tau).sqrt();
        let (t, _) = self
            .tables
            .lookup3(self.params.spx_table + i, x0, sqrt_tau, k / atm_vol);
        t * atm_vol
    }

    /// Implied vol of an SPX option with the events at coordinate `e` (twin
    /// of `spx_table_vol`): `v` annualised variance, `tau` years, `k =
    /// ln(K/F) / sqrt(tau)`.
    #[inline(always)]
    #[must_use]
    pub fn spx_table_vol(&self, v: f32, tau: f32, k: f32, e: f32) -> f32 {
        let m = self.params;
        let a = marks_decay_factor(m.kappa * tau);
        let vbar = a * v + m.theta_star * (1.0 - a) + m.jump_var;
        let x0 = ln_portable(v + m.spx_v_shift);
        let sqrt_tau = tau.sqrt();
        let i = e.floor() as u32;
        let w = e - i as f32;
        let lo = self.spx_vol_in(i, x0, sqrt_tau, tau, vbar, k);
        if w > 0.0 {
            let hi = self.spx_vol_in(i + 1, x0, sqrt_tau, tau, vbar, k);
            lo + (hi - lo) * w
        } else {
            lo
        }
    }

    /// SPX option price in index points (twin of `spx_price`).
    #[inline(always)]
    #[must_use]
    pub fn spx_price(
        &self,
        kind: OptionKind,
        spot: f32,
        strike: f32,
        tau: f32,
        v: f32,
        e: f32,
    ) -> f32 {
        let m = self.params;
        let t = max_wgsl(tau, 0.0);
        let forward = spot * exp_portable((m.r - m.q) * t);
        let df = exp_portable(-m.r * t);
        if !(tau > 0.0 && strike > 0.0) {
            return black76_f32(kind, forward, strike, 0.0, df, 0.0).price;
        }
        let vv = max_wgsl(v, 0.0);
        let sqrt_tau = tau.sqrt();
        let x = ln_portable(strike / forward);
        let iv = self.spx_table_vol(vv, tau, x / sqrt_tau, e);
        black76_f32(kind, forward, strike, tau, df, iv).price
    }

    /// `sigma(x) sqrt(tau)` (twin of `marks_total_sd`).
    #[inline(always)]
    #[must_use]
    pub fn total_sd(&self, v: f32, tau: f32, sqrt_tau: f32, x: f32, e: f32) -> f32 {
        self.spx_table_vol(v, tau, x / sqrt_tau, e) * sqrt_tau
    }

    /// Log-strike of the SPX strike search from the normal quantile
    /// `d_star` of its delta target (twin of `spx_strike_x`).
    #[inline(always)]
    #[must_use]
    pub fn spx_strike_x(&self, d_star: f32, tau: f32, v: f32, e: f32) -> f32 {
        let vv = max_wgsl(v, 0.0);
        let sqrt_tau = tau.sqrt();
        let s0 = self.total_sd(vv, tau, sqrt_tau, 0.0, e);
        let mut x = s0 * (0.5 * s0 - d_star);
        for _ in 0..12 {
            x = self.spx_newton_step(x, d_star, vv, tau, sqrt_tau, e);
        }
        x
    }

    /// One Newton step of [`Self::spx_strike_x`] at log-strike `x`.
    #[inline(always)]
    #[must_use]
    pub fn spx_newton_step(
        &self,
        x: f32,
        d_star: f32,
        vv: f32,
        tau: f32,
        sqrt_tau: f32,
        e: f32,
    ) -> f32 {
        let s = self.total_sd(vv, tau, sqrt_tau, x, e);
        let g = x - s * (0.5 * s - d_star);
        let h = 1e-3 * max_wgsl(s, 1e-6);
        let slope = (self.total_sd(vv, tau, sqrt_tau, x + h, e)
            - self.total_sd(vv, tau, sqrt_tau, x - h, e))
            / (2.0 * h);
        let dg = 1.0 - slope * (s - d_star);
        if dg >= 0.2 {
            x - g / dg
        } else {
            x - g
        }
    }

    /// SPX strike on the 5-point grid at log-strike `x` (twin of
    /// `spx_strike_at`).
    #[inline(always)]
    #[must_use]
    pub fn spx_strike_at(&self, x: f32, spot: f32, tau: f32) -> f32 {
        let m = self.params;
        let forward = spot * exp_portable((m.r - m.q) * tau);
        (forward * exp_portable(x) / 5.0 + 0.5).floor() * 5.0
    }

    /// VIX future in index points (twin of `vix_future`): `v` annualised
    /// variance, `tau_days` trading days, `c` the expiry constant.
    #[inline(always)]
    #[must_use]
    pub fn vix_future(&self, v: f32, tau_days: f32, c: f32) -> f32 {
        let m = self.params;
        let z = (max_wgsl(v, 0.0) + m.vix_v_shift).sqrt();
        self.tables.lookup3(m.vix_future_table, z, tau_days, c).0
    }

    /// Black-76 total implied sd of a VIX option (twin of `vix_total_sd`),
    /// `m = ln(K/F) / sqrt(tau years)`.
    #[inline(always)]
    #[must_use]
    pub fn vix_total_sd(&self, v: f32, tau_days: f32, c: f32, mny: f32) -> f32 {
        let m = self.params;
        let z = (max_wgsl(v, 0.0) + m.vix_v_shift).sqrt();
        let lt = ln_portable(max_wgsl(tau_days, 1e-9));
        let cell = table_locate(c, m.option_c_lo, m.option_c_inv, m.option_c_n);
        let lo = self
            .tables
            .lookup3(m.vix_option_table + cell.i, z, lt, mny)
            .0;
        let hi = self
            .tables
            .lookup3(m.vix_option_table + cell.i + 1, z, lt, mny)
            .0;
        lo + (hi - lo) * cell.w
    }

    /// VIX call price in index points, discounted at `r` per year (twin of
    /// `vix_call`).
    #[inline(always)]
    #[must_use]
    pub fn vix_call(&self, v: f32, tau_days: f32, c: f32, strike: f32, r: f32) -> f32 {
        self.vix_call_f(self.vix_future(v, tau_days, c), v, tau_days, c, strike, r)
    }

    /// [`Self::vix_call`] given its future `f` (twin of `vix_call_f`).
    #[inline(always)]
    #[must_use]
    pub fn vix_call_f(&self, f: f32, v: f32, tau_days: f32, c: f32, strike: f32, r: f32) -> f32 {
        let t = tau_days / MARKS_DAYS_PER_YEAR;
        let sqrt_t = t.sqrt();
        let sd = self.vix_total_sd(v, tau_days, c, ln_portable(strike / f) / sqrt_t);
        black76_f32(
            OptionKind::Call,
            f,
            strike,
            t,
            exp_portable(-r * t),
            sd / sqrt_t,
        )
        .price
    }

    /// VIX call strike (VIX points, 0.5 grid, at least 0.5) of forward delta
    /// `delta` by 40 halvings on `ln(K/F)` (twin of
    /// `vix_call_strike_for_delta`).
    #[must_use]
    pub fn vix_call_strike_for_delta(&self, v: f32, tau_days: f32, c: f32, delta: f32) -> f32 {
        self.vix_call_strike_f(self.vix_future(v, tau_days, c), v, tau_days, c, delta)
    }

    /// [`Self::vix_call_strike_for_delta`] given its future `f` (twin of
    /// `vix_call_strike_f`).
    #[must_use]
    pub fn vix_call_strike_f(&self, f: f32, v: f32, tau_days: f32, c: f32, delta: f32) -> f32 {
        let sqrt_t = (tau_days / MARKS_DAYS_PER_YEAR).sqrt();
        let (mut lo, mut hi) = (-1.5f32, 2.5f32);
        for _ in 0..40 {
            let mid = 0.5 * (lo + hi);
            let s = self.vix_total_sd(v, tau_days, c, mid / sqrt_t);
            let d = norm_cdf_f32(-mid / s + 0.5 * s);
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
