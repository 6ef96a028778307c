//! The VIX tables the path kernels read, built once per run from the exact
//! prices of this module.
//!
//! The variance axis of every table is `z = sqrt(v + b/a)` (annualised
//! variance under the root), so `100 sqrt(a) z` is the VIX without events and
//! the futures are nearly linear in it (in `sqrt v` they bend near `v = 0`: 0.05
//! points of interpolation error at 49 nodes).
//!
//! - Futures: index points on `(z, tau in trading days, c)`. The constant `c`
//!   of `VIX_T^2/100^2 = a v_T + c` is an axis because the scheduled-event
//!   variance in the VIX window at expiry moves it (on `default` from `b = 0.0160`
//!   to 0.0174, about 4% of `VIX^2`), which no `(v, tau)` table can know. `F` is
//!   smooth and concave in `c`; three nodes leave an error near 1e-5 points.
//! - Options: Black-76 total implied standard deviations on `F`
//!   (`sigma sqrt(tau years)`) on `(z, ln(tau in trading days), K/F)`, one table
//!   per node of a three-node `c` axis (a fourth axis, linear between the two
//!   tables around `c`). Implied vols because prices are convex in moneyness and
//!   vanish at short tenors; total sd in `ln tau` because jump-driven
//!   out-of-the-money vols blow up like `1/sqrt(tau)` at short tenors (an `IV`
//!   table in `sqrt tau` was off by 15-120% on 1.5-day 25% OTM calls; this one
//!   by about 2%). Each `(z, tau)` node needs one COS distribution, shared by
//!   every `c` and strike.
//!
//! Grids: `v` from 0 to 1.44 ([`SQRT_V_RANGE`] in `sqrt v`: a VIX above 110,
//! beyond any path of the shipped presets), futures tenors 0 to
//! [`FUTURE_TAU_DAYS`] trading days every 2 days, option tenors 1 to
//! [`OPTION_TAU_DAYS`] trading days uniform in `ln tau`, moneyness
//! [`OPTION_MONEYNESS`]. Queries outside are clamped and reported. Deep
//! out-of-the-money nodes whose price is below `1e-10 F` carry no implied vol
//! and take the nearest valid value in moneyness.

use std::time::Instant;

use rayon::prelude::*;

use super::futures::expected_sqrt;
use super::options::VarianceDistribution;
use super::transform::VarianceTransform;
use super::{expiry_constant, VixCoefficients};
use crate::model::analytic::{
    black76_price, implied_vol_black76, implied_vol_black76_near, OptionKind,
};
use crate::model::{MarketModel, TRADING_DAYS_PER_YEAR};
use crate::shared::tables::{Axis, Table};

/// Range of the `sqrt v` axis (volatility units, `sqrt` of annualised variance).
pub const SQRT_V_RANGE: (f64, f64) = (0.0, 1.2);
/// Longest futures tenor tabulated, trading days.
pub const FUTURE_TAU_DAYS: f64 = 160.0;
/// Longest option tenor tabulated, trading days (the shortest is 1).
pub const OPTION_TAU_DAYS: f64 = 160.0;
/// Range of the option moneyness axis `ln(K/F) / sqrt(tau years)`: at one day
/// it covers `K/F` from 0.78 to 1.66, at four days 0.60 to 2.74.
pub const OPTION_MONEYNESS: (f64, f64) = (-4.0, 8.0);

/// Trading days scanned for the largest event term (covers the calendars'
/// periods of the shipped presets several times over).
const SCAN_DAYS: u32 = 1500;

/// The VIX futures and options tables of one Q model.
#[derive(Debug, Clone)]
pub struct VixTables {
    /// The variance axes are in `sqrt(v + v_shift)`, `v_shift = b/a`
    /// (annualised variance), so that `100 sqrt(a) sqrt(v + v_shift)` is the VIX
    /// without events: the futures are nearly linear in this coordinate, where
    /// in `sqrt v` they bend near `v = 0` (an error of 0.05 points at 49 nodes).
    pub v_shift: f64,
    /// VIX futures, index points, on `(sqrt(v + v_shift), tau trading days, c)`.
    pub futures: Table,
    /// The `c` nodes of [`VixTables::options`] (annualised variance).
    pub option_c: Axis,
    /// Black-76 total implied sd `sigma sqrt(tau years)` on
    /// `(sqrt(v + v_shift), ln tau days, K/F)`, one table per node of `option_c`.
    pub options: Vec<Table>,
    /// Seconds spent building the futures table.
    pub futures_seconds: f64,
    /// Seconds spent building the option tables.
    pub options_seconds: f64,
}

/// Largest and smallest `c` a contract on `model` can have within tenors up to
/// `max_tau_days`: `b` and `b` plus the largest event term (with bumps carried).
fn c_range(model: &MarketModel, max_tau_days: f64) -> (f64, f64) {
    let b = VixCoefficients::new(&model.params).b;
    let mut hi = b;
    for day in 0..=SCAN_DAYS {
        let t = f64::from(day) / TRADING_DAYS_PER_YEAR;
        let from = (t - max_tau_days / TRADING_DAYS_PER_YEAR).max(0.0);
        hi = hi.max(expiry_constant(model, from, t));
    }
    let lo = b.min(hi);
    // A degenerate axis (no events) still needs two distinct f32 nodes.
    (lo, hi.max(lo * (1.0 + 1e-3) + 1e-9))
}

impl VixTables {
    /// Builds both tables for the Q model `model` (its `params` and calendar;
    /// `v0` is not used). Runs in parallel on the rayon pool.
    #[must_use]
    pub fn build(model: &MarketModel) -> Self {
        Self::build_with(model, 97, 81, 3, (49, 24, 97, 3))
    }

    /// As [`VixTables::build`] with explicit node counts: futures `sqrt v`,
    /// tenor and `c` nodes, and options `(sqrt v, ln tau, K/F, c)` nodes.
    #[must_use]
    pub fn build_with(
        model: &MarketModel,
        fut_v: u32,
        fut_tau: u32,
        fut_c: u32,
        opt: (u32, u32, u32, u32),
    ) -> Self {
        let k = VixCoefficients::new(&model.params);
        let params = model.params;
        let (c_lo, c_hi) = c_range(model, FUTURE_TAU_DAYS.max(OPTION_TAU_DAYS));
        let v_shift = k.b / k.a;
        let sq_to_v = |z: f64| (z * z - v_shift).max(0.0);
        let (z_lo, z_hi) = (
            (SQRT_V_RANGE.0.powi(2) + v_shift).sqrt(),
            (SQRT_V_RANGE.1.powi(2) + v_shift).sqrt(),
        );
        let start = Instant::now();
        let futures = Table::build(
            "VIX future, index points, on (sqrt v, tau trading days, c)",
            vec![
                Axis::new(z_lo, z_hi, fut_v),
                Axis::new(0.0, FUTURE_TAU_DAYS, fut_tau),
                Axis::new(c_lo, c_hi, fut_c),
            ],
            |x| {
                let tr = VarianceTransform::new(params, x[1] / TRADING_DAYS_PER_YEAR);
                100.0 * expected_sqrt(&tr, sq_to_v(x[0]), k.a, x[2])
            },
        );
        let futures_seconds = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let (nv, nt, nm, nc) = opt;
        let v_axis = Axis::new(z_lo, z_hi, nv);
        let t_axis = Axis::new(0.0, OPTION_TAU_DAYS.ln(), nt);
        let m_axis = Axis::new(OPTION_MONEYNESS.0, OPTION_MONEYNESS.1, nm);
        let option_c = Axis::new(c_lo, c_hi, nc);
        // rows[(i, j)] = IV[c][m] at one (v, tau) node
        let rows: Vec<Vec<f64>> = (0..nv * nt)
            .into_par_iter()
            .map(|ij| {
                let (sv, lt) = (v_axis.node(ij / nt), t_axis.node(ij % nt));
                let tau = lt.exp() / TRADING_DAYS_PER_YEAR;
                let v = sq_to_v(sv);
                let tr = VarianceTransform::new(params, tau);
                let means: Vec<f64> = (0..nc)
                    .map(|l| expected_sqrt(&tr, v, k.a, option_c.node(l)))
                    .collect();
                let m_hi = (m_axis.node(nm - 1) * tau.sqrt()).exp();
                let x_max = means
                    .iter()
                    .enumerate()
                    .map(|(l, f)| ((m_hi * f).powi(2) - option_c.node(l as u32)) / k.a)
                    .fold(0.0, f64::max);
                let dist = VarianceDistribution::up_to(&tr, v, x_max);
                let mut out = Vec::with_capacity((nc * nm) as usize);
                for l in 0..nc {
                    let c = option_c.node(l);
                    let f = means[l as usize];
                    let ms: Vec<f64> = (0..nm)
                        .map(|q| (m_axis.node(q) * tau.sqrt()).exp())
                        .collect();
                    let strikes: Vec<f64> = ms.iter().map(|&m| m * f).collect();
                    let prices = dist.put_call_sqrt_many(k.a, c, &strikes, f);
                    // Each strike's implied vol solved from its neighbour's.
                    let mut near = f64::NAN;
                    let mut row: Vec<f64> = ms
                        .iter()
                        .zip(&prices)
                        .map(|(&m, &pc)| {
                            near = implied_vol_at(pc, f, m, tau, near);
                            near * tau.sqrt()
                        })
                        .collect();
                    fill_gaps(&mut row);
                    out.extend(row);
                }
                out
            })
            .collect();
        let options = (0..nc)
            .map(|l| {
                let mut data = Vec::with_capacity((nv * nt * nm) as usize);
                for row in &rows {
                    let part = &row[(l * nm) as usize..((l + 1) * nm) as usize];
                    #[expect(clippy::cast_possible_truncation, reason = "tables are f32")]
                    data.extend(part.iter().map(|&x| x as f32));
                }
                Table {
                    name: format!(
                        "VIX option Black-76 total implied sd (vol * sqrt(tau years)) on (sqrt(v + v_shift), ln tau days, ln(K/F)/sqrt(tau years)) at c = {:.6}",
                        option_c.node(l)
                    ),
                    axes: vec![v_axis, t_axis, m_axis],
                    data,
                }
            })
            .collect();
        Self {
            v_shift,
            futures,
            option_c,
            options,
            futures_seconds,
            options_seconds: start.elapsed().as_secs_f64(),
        }
    }

    /// Interpolated VIX future (index points) at variance `v` (annualised
    /// variance), tenor `tau_days` (trading days) and constant `c` (annualised
    /// variance), and whether a coordinate was clamped.
    #[must_use]
    #[expect(clippy::cast_possible_truncation, reason = "tables are f32")]
    pub fn future(&self, v: f64, tau_days: f64, c: f64) -> (f64, bool) {
        let (f, o) = self
            .futures
            .lookup(&[self.v_coord(v), tau_days as f32, c as f32]);
        (f64::from(f), o)
    }

    /// Interpolated Black-76 implied vol (annualised) of a VIX option at variance
    /// `v`, tenor `tau_days` (trading days, at least 1), constant `c` and
    /// moneyness `K/F`, and whether a coordinate was clamped.
    #[must_use]
    #[expect(clippy::cast_possible_truncation, reason = "tables are f32")]
    pub fn option_iv(&self, v: f64, tau_days: f64, c: f64, moneyness: f64) -> (f64, bool) {
        let tau = tau_days / TRADING_DAYS_PER_YEAR;
        let x = [
            self.v_coord(v),
            tau_days.max(1e-9).ln() as f32,
            (moneyness.ln() / tau.sqrt()) as f32,
        ];
        let (l, w, oc) = self.option_c.locate(c as f32);
        let (lo, o0) = self.options[l as usize].lookup(&x);
        let (hi, o1) = self.options[l as usize + 1].lookup(&x);
        let total_sd = f64::from(lo + (hi - lo) * w);
        (total_sd / tau.sqrt(), oc || o0 || o1)
    }

    /// VIX option price (index points, discounted at `r`) from the two tables:
    /// the interpolated future and implied vol into Black-76.
    #[must_use]
    pub fn option_price(
        &self,
        kind: OptionKind,
        v: f64,
        tau_days: f64,
        c: f64,
        strike: f64,
        r: f64,
    ) -> f64 {
        let (f, _) = self.future(v, tau_days, c);
        let (iv, _) = self.option_iv(v, tau_days, c, strike / f);
        let t = tau_days / TRADING_DAYS_PER_YEAR;
        black76_price(kind, f, strike, t, (-r * t).exp(), iv)
    }

    /// The variance axis coordinate `sqrt(v + v_shift)` of variance `v`.
    #[must_use]
    #[expect(clippy::cast_possible_truncation, reason = "tables are f32")]
    pub fn v_coord(&self, v: f64) -> f32 {
        (v.max(0.0) + self.v_shift).sqrt() as f32
    }

    /// Bytes of all tables.
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.futures.bytes() + self.options.iter().map(Table::bytes).sum::<usize>()
    }
}

/// Implied vol of the out-of-the-money option at moneyness `m` (NaN when the
/// price is too small to carry one), from `(put, call)`, the undiscounted
/// prices of [`VarianceDistribution::put_call_sqrt`] at the strike `m f`, the
/// solver started at the vol `near` (`NaN`: no start).
fn implied_vol_at((put, call): (f64, f64), f: f64, m: f64, tau: f64, near: f64) -> f64 {
    let strike = m * f;
    let (kind, price) = if m >= 1.0 {
        (OptionKind::Call, call)
    } else {
        (OptionKind::Put, put)
    };
    if price <= 1e-10 * f {
        return f64::NAN;
    }
    implied_vol_black76_near(kind, f, strike, tau, 1.0, price, near).unwrap_or(f64::NAN)
}

/// Replaces NaNs by the nearest valid value along the row (0 if none).
fn fill_gaps(row: &mut [f64]) {
    let valid: Vec<usize> = (0..row.len()).filter(|&i| row[i].is_finite()).collect();
    if valid.is_empty() {
        row.iter_mut().for_each(|x| *x = 0.0);
        return;
    }
    for i in 0..row.len() {
        if !row[i].is_finite() {
            let j = *valid
                .iter()
                .min_by_key(|&&j| j.abs_diff(i))
                .expect("non-empty");
            row[i] = row[j];
        }
    }
}

/// Largest interpolation errors of a [`VixTables`] against the exact prices at
/// cell centres.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct InterpolationError {
    /// Largest |table - exact| future, index points.
    pub future_abs: f64,
    /// Largest |table - exact| / exact future.
    pub future_rel: f64,
    /// Largest |table - exact| call or put price (OTM side), index points.
    pub option_abs: f64,
    /// Largest |table - exact| / exact option price among prices above 0.05 points.
    pub option_rel: f64,
    /// Largest implied-vol error among prices above 0.05 points (annualised,
    /// 0.01 = 1 vol point).
    pub option_iv: f64,
    /// Cells sampled.
    pub samples: usize,
}

impl VixTables {
    /// Samples `samples` cell centres (deterministic pseudo-random choice) of
    /// each table, restricted to variances in `v_range` (annualised variance),
    /// tenors in `tau_days` (trading days) and `K/F` 0.8 to 1.6, and compares
    /// with exact prices.
    #[must_use]
    pub fn interpolation_error(
        &self,
        model: &MarketModel,
        samples: usize,
        v_range: (f64, f64),
        tau_days: (f64, f64),
    ) -> InterpolationError {
        let z = |v: f64| (v + self.v_shift).sqrt();
        let sqrt_v = (z(v_range.0), z(v_range.1));
        let to_v = |zz: f64| (zz * zz - self.v_shift).max(0.0);
        let k = VixCoefficients::new(&model.params);
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut uniform = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let centre = |axis: &Axis, lo: f64, hi: f64, u: f64| {
            let (i0, _, _) = axis.locate(lo as f32);
            let (i1, _, _) = axis.locate(hi as f32);
            let i = i0 + ((u * f64::from(i1 - i0 + 1)) as u32).min(i1 - i0);
            0.5 * (axis.node(i) + axis.node(i + 1))
        };
        let mut points = Vec::with_capacity(samples);
        let fa = &self.futures.axes;
        let oa = &self.options[0].axes;
        for _ in 0..samples {
            let fut = (
                centre(&fa[0], sqrt_v.0, sqrt_v.1, uniform()),
                centre(&fa[1], tau_days.0, tau_days.1, uniform()),
                centre(&fa[2], f64::from(fa[2].lo), f64::from(fa[2].hi), uniform()),
            );
            let opt = (
                centre(&oa[0], sqrt_v.0, sqrt_v.1, uniform()),
                centre(&oa[1], tau_days.0.max(1.0).ln(), tau_days.1.ln(), uniform()),
                uniform(),
                centre(
                    &self.option_c,
                    f64::from(self.option_c.lo),
                    f64::from(self.option_c.hi),
                    uniform(),
                ),
            );
            points.push((fut, opt));
        }
        let errs: Vec<(f64, f64, f64, f64, f64)> = points
            .par_iter()
            .map(|&((zf, td, c), (zo, ost, m, oc))| {
                let (fv, ov) = (to_v(zf), to_v(zo));
                let tr = VarianceTransform::new(model.params, td / TRADING_DAYS_PER_YEAR);
                let exact = 100.0 * expected_sqrt(&tr, fv, k.a, c);
                let (got, _) = self.future(fv, td, c);
                let tau_d = ost.exp();
                let tau = tau_d / TRADING_DAYS_PER_YEAR;
                // K/F from 0.8 to 1.6, at a cell centre of the moneyness axis
                let (k_lo, k_hi) = (0.8f64.ln() / tau.sqrt(), 1.6f64.ln() / tau.sqrt());
                let km = centre(&oa[2], k_lo, k_hi, m);
                let m = (km * tau.sqrt()).exp();
                let tr = VarianceTransform::new(model.params, tau);
                let f = 100.0 * expected_sqrt(&tr, ov, k.a, oc);
                let strike = m * f;
                let x_star = ((strike / 100.0).powi(2) - oc) / k.a;
                let dist = VarianceDistribution::up_to(&tr, ov, x_star);
                let (put, call) = dist.put_call_sqrt(k.a, oc, strike / 100.0, f / 100.0);
                let (kind, exact_opt) = if m >= 1.0 {
                    (OptionKind::Call, 100.0 * call)
                } else {
                    (OptionKind::Put, 100.0 * put)
                };
                let (iv, _) = self.option_iv(ov, tau_d, oc, m);
                let exact_iv =
                    implied_vol_black76(kind, f, strike, tau, 1.0, exact_opt).unwrap_or(iv);
                let got_opt = black76_price(kind, f, strike, tau, 1.0, iv);
                let (rel, iv_err) = if exact_opt > 0.05 {
                    (
                        (got_opt - exact_opt).abs() / exact_opt,
                        (iv - exact_iv).abs(),
                    )
                } else {
                    (0.0, 0.0)
                };
                (
                    (got - exact).abs(),
                    (got - exact).abs() / exact,
                    (got_opt - exact_opt).abs(),
                    rel,
                    iv_err,
                )
            })
            .collect();
        let mut out = InterpolationError {
            samples,
            ..InterpolationError::default()
        };
        for e in errs {
            out.future_abs = out.future_abs.max(e.0);
            out.future_rel = out.future_rel.max(e.1);
            out.option_abs = out.option_abs.max(e.2);
            out.option_rel = out.option_rel.max(e.3);
            out.option_iv = out.option_iv.max(e.4);
        }
        out
    }
}
