//! The marks of the CPU study kernel, evaluated [`W`] at a time: the
//! arithmetic of `shaders/shared/marks.wgsl` (and of its scalar twin
//! `crate::shared::marks`), with every intermediate that depends only on the
//! contract's remaining days, only on the day or only on the lane computed
//! once and reused. The reused values are the same `f32` operations on the
//! same inputs, so the bits are those of the shader.
//!
//! Every batch function is one loop over `W` requests (or lanes) whose body
//! has no control flow but selects, reads every table through unchecked
//! 32-bit indices and converts floats to integers with conversions that
//! vectorise ([`exp_lane`], [`locate_lane`], `ln_lane`: the same values as
//! `exp_portable`, `table_locate` and `ln_portable` for every input), so the
//! compiler turns it into vector instructions (the table reads into
//! gathers). The option marks run in passes over the batch (the table
//! cells, the table reads, the interpolation and Black-76's first
//! operations, the `2 W` normal tails, the prices): short loops, each of
//! which the compiler vectorises, and the tails' long chains of dependent
//! operations side by side instead of one after the other. Shortcuts that
//! keep the bits and skip work:
//!
//! - the normal tail's continued fraction (`z >= 5 sqrt 2`, rare) is
//!   evaluated only for a batch in which some input needs it: the batch's
//!   tails are first evaluated with the rational function alone, and again
//!   with both and the shader's select when one of its inputs lies beyond;
//! - a batch whose requests share one remaining life reads that life's
//!   inputs once, and one whose request `j` is lane `j`'s reads the lanes'
//!   inputs without gathers (the condor legs of one expiry day, the hedge
//!   slots, the candidate's legs and the entry quotes are such batches);
//! - the per-day inputs (the SPX surface index and weight, the VIX expiry
//!   constant's cells) are computed once per run for every day, not per
//!   block.

#![expect(
    clippy::needless_range_loop,
    reason = "the batch loops index several arrays of the batch in step"
)]

use super::super::path_step::{ln_lane, LANES};
use crate::shared::marks::{marks_decay_factor, max_wgsl, MarksParams};
use crate::shared::math::ln_portable;
use crate::shared::pricing::exp_portable;
use crate::shared::tables::{lerp, table_locate, AxisCell, PackedTables, TableHeader};

/// Trading days per year (`MARKS_DAYS_PER_YEAR`).
const DAYS_PER_YEAR: f32 = 252.0;

/// Requests (or lanes) per batch.
pub(super) const W: usize = LANES;

/// `W` values.
pub(super) type Fv = [f32; W];
/// `W` indices.
pub(super) type Uv = [u32; W];

/// The lane index `0..W` of every lane, a batch's lanes when it evaluates one
/// request per lane.
pub(super) const IDENTITY: Uv = {
    let mut v = [0u32; W];
    let mut i = 0;
    while i < W {
        v[i] = i as u32;
        i += 1;
    }
    v
};

/// Where the normal tail switches from the rational function to the
/// continued fraction (`norm_tail_f32`).
#[expect(
    clippy::excessive_precision,
    reason = "the same decimal constant as shaders/shared/pricing.wgsl"
)]
const TAIL_SWITCH: f32 = 7.071_067_81;

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

/// What the marks read: the constants, the tables, the shared axes and the
/// inputs of every day.
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
    /// The inputs of days `0..=horizon`.
    days: Vec<DayInputs>,
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
    /// The futures' cell of the VIX constant `c` and the option tables' cell.
    fut_ck: Vec<AxisCell>,
    opt_cell: Vec<AxisCell>,
    /// Whether any remaining life lies between two SPX surfaces (then the
    /// marks interpolate; never without variance bumps).
    pub interpolates: bool,
}

/// The lanes' inputs of the day (structure of arrays).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct LaneInputs {
    /// `max(v, 0)`.
    pub vv: Fv,
    /// SPX surfaces' variance cell of `ln(vv + shift)`.
    spx_ci: Cells,
    /// VIX tables' variance cells of `sqrt(vv + shift)` (futures, options).
    fut_ci: Cells,
    opt_ci: Cells,
}

/// `W` axis cells.
#[derive(Debug, Clone, Copy, Default)]
struct Cells {
    i: Uv,
    w: Fv,
}

/// `v[i]` without a bounds check, so the batch loops vectorise.
///
/// Callers index the per-tenor and per-day vectors with remaining lives of
/// the run's positions, which the kernel's inputs bound by `max_days` (the
/// longest tenor), and table offsets by surface indices below their count.
#[inline(always)]
pub(super) fn at<T: Copy>(v: &[T], i: usize) -> T {
    debug_assert!(i < v.len(), "index {i} of {}", v.len());
    // SAFETY: see above; every vector indexed here has max_days + 1 (or the
    // surface count, or W) entries and the indices are derived from bounded
    // lives. The index goes through i32 (it is far below 2^31) so that a
    // vector of them is one gather of 32-bit lanes.
    unsafe { *v.as_ptr().offset(i as i32 as isize) }
}

/// Value `i` of the tables, through a 32-bit signed index (so a vector of
/// indices is one gather of 32-bit lanes; [`MarksData::new`] checks that
/// every index fits).
#[inline(always)]
fn value(t: &PackedTables, i: u32) -> f32 {
    debug_assert!((i as usize) < t.data.len());
    // SAFETY: the indices come from table offsets and cells clamped to their
    // axes (see `PackedTables::at`), below `data.len() <= i32::MAX`.
    unsafe { *t.data.as_ptr().offset(i as i32 as isize) }
}

#[inline(always)]
fn locate(h: &TableHeader, axis: usize, x: f32) -> AxisCell {
    locate_lane(x, h.lo[axis], h.inv_step[axis], h.n[axis])
}

/// [`table_locate`] with a float-to-integer conversion that vectorises: the
/// clamped coordinate's floor is converted unchecked (it lies in `[0, n -
/// 1]`, NaN replaced by 0 first, which `as u32` gives for NaN), so the cell
/// is the same for every input (tests below).
#[inline(always)]
pub(super) fn locate_lane(x: f32, lo: f32, inv: f32, n: u32) -> AxisCell {
    let top = (n - 1) as f32;
    let t_raw = (x - lo) * inv;
    let inside = (t_raw >= 0.0) & (t_raw <= top);
    let t = if t_raw < 0.0 {
        0.0
    } else if t_raw > top {
        top
    } else {
        t_raw
    };
    let finite = if t >= 0.0 { t } else { 0.0 };
    // SAFETY: `finite` is in [0, n - 1] (n fits the table index, below
    // 2^31), so its floor is a representable i32.
    let fl = unsafe { finite.floor().to_int_unchecked::<i32>() } as u32;
    let i = fl.min(n - 2);
    AxisCell {
        i,
        w: t - i as f32,
        outside: !inside,
    }
}

/// [`exp_portable`] with a float-to-integer conversion that vectorises: the
/// same operations, the exponent's floor (in `[-127, 128]`, NaN replaced by
/// 0 as `as i32` does) converted unchecked, so the same bits for every input
/// (tests below).
#[inline(always)]
#[expect(
    clippy::excessive_precision,
    reason = "the same decimal constants as shaders/shared/pricing.wgsl"
)]
pub(super) fn exp_lane(x: f32) -> f32 {
    let xc = x.clamp(-88.0, 89.0);
    let kf = (xc * std::f32::consts::LOG2_E).floor();
    let r = (xc - kf * 0.693_359_375) - kf * -2.121_944_40e-4;
    let p = ((((((((2.755_731_92e-6 * r + 2.480_158_73e-5) * r + 1.984_126_98e-4) * r
        + 1.388_888_89e-3)
        * r
        + 8.333_333_33e-3)
        * r
        + 4.166_666_67e-2)
        * r
        + 0.166_666_667)
        * r
        + 0.5)
        * r
        + 1.0)
        * r
        + 1.0;
    #[expect(clippy::eq_op, reason = "the NaN test")]
    let k = if kf == kf { kf } else { 0.0 };
    // SAFETY: `k` is in [-127, 128] (x clamped to [-88, 89]) or 0.
    let ki = unsafe { k.to_int_unchecked::<i32>() };
    let scale = f32::from_bits(((ki + 127) as u32) << 23);
    p * scale
}

/// Whether some `z` of a batch takes the normal tail's continued fraction.
#[inline(always)]
#[expect(
    clippy::neg_cmp_op_on_partial_ord,
    reason = "NaN takes the continued fraction, as in norm_tail_f32"
)]
fn beyond(z: f32) -> bool {
    !(z < TAIL_SWITCH)
}

/// `norm_tail_f32`: with `FULL` the rational function and the continued
/// fraction and the select between them, otherwise the rational function
/// alone (the same bits for `z < 5 sqrt 2`).
#[inline(always)]
#[expect(
    clippy::excessive_precision,
    reason = "the same decimal constants as shaders/shared/pricing.wgsl"
)]
fn tail<const FULL: bool>(z: f32) -> f32 {
    let e = exp_lane(-0.5 * z * z);
    let num = (((((3.526_249_66e-2 * z + 0.700_383_064) * z + 6.373_962_20) * z + 33.912_866_1)
        * z
        + 112.079_291)
        * z
        + 221.213_596)
        * z
        + 220.206_868;
    let den = ((((((8.838_834_76e-2 * z + 1.755_667_16) * z + 16.064_177_6) * z + 86.780_732_2)
        * z
        + 296.564_249)
        * z
        + 637.333_633)
        * z
        + 793.826_513)
        * z
        + 440.413_736;
    let rational = (e * num) / den;
    if !FULL {
        return rational;
    }
    let mut b = z + 0.65;
    b = z + 4.0 / b;
    b = z + 3.0 / b;
    b = z + 2.0 / b;
    b = z + 1.0 / b;
    if z < TAIL_SWITCH {
        rational
    } else {
        (e * 0.398_942_280) / b
    }
}

/// `W` options for `black76_f32`: its arguments (`call` 1 for a call, 0 for
/// a put) and, from [`Black76::set`], `x = ln(F/K)` and the two arguments
/// `d1`, `d2` of its normal tails.
#[derive(Debug, Clone, Copy, Default)]
struct Black76 {
    call: Uv,
    forward: Fv,
    strike: Fv,
    tau: Fv,
    df: Fv,
    vol: Fv,
    x: Fv,
    d: [f32; 2 * W],
}

impl Black76 {
    /// Option `j`'s forward, life, discount factor and vol (its call flag
    /// and strike are in place), and the first operations of
    /// `black76_f32`: `x`, `d1`, `d2`.
    #[inline(always)]
    fn set(&mut self, j: usize, forward: f32, tau: f32, df: f32, vol: f32) {
        let s = vol * tau.sqrt();
        let x = ln_lane(forward / self.strike[j]);
        let d1 = x / s + 0.5 * s;
        self.forward[j] = forward;
        self.tau[j] = tau;
        self.df[j] = df;
        self.vol[j] = vol;
        self.x[j] = x;
        self.d[j] = d1;
        self.d[W + j] = d1 - s;
    }
}

/// The prices of `black76_f32` (its arithmetic, its selects) of `b` (after
/// [`Black76::set`]); `false` when `FULL` is not set and an argument of a
/// normal tail lies beyond the rational function (then `out` is not the
/// prices). The `2 W` tails in a pass of their own, so their long chains of
/// dependent operations run side by side.
#[inline(always)]
fn black76_prices<const FULL: bool>(b: &Black76, out: &mut Fv) -> bool {
    let mut q = [0.0f32; 2 * W];
    let mut far = false;
    for i in 0..2 * W {
        let z = b.d[i].abs();
        q[i] = tail::<FULL>(z);
        far |= beyond(z);
    }
    if !FULL && far {
        return false;
    }
    // A local array, so the compiler sees that it aliases nothing.
    let mut price = [0.0f32; W];
    for j in 0..W {
        let (forward, strike) = (b.forward[j], b.strike[j]);
        let call = b.call[j] != 0;
        let degenerate = !((b.tau[j] > 0.0) & (b.vol[j] > 0.0) & (strike > 0.0) & (forward > 0.0));
        let intrinsic = if call {
            (forward - strike).max(0.0)
        } else {
            (strike - forward).max(0.0)
        };
        let (d1, d2, q1, q2) = (b.d[j], b.d[W + j], q[j], q[W + j]);
        let (n1, m1) = if d1 > 0.0 {
            (1.0 - q1, q1)
        } else {
            (q1, 1.0 - q1)
        };
        let (n2, m2) = if d2 > 0.0 {
            (1.0 - q2, q2)
        } else {
            (q2, 1.0 - q2)
        };
        let c_otm = (forward * n1 - strike * n2).max(0.0);
        let p_otm = (strike * m2 - forward * m1).max(0.0);
        let (c, p) = if b.x[j] <= 0.0 {
            (c_otm, c_otm + (strike - forward))
        } else {
            (p_otm + (forward - strike), p_otm)
        };
        price[j] = if degenerate {
            b.df[j] * intrinsic
        } else {
            b.df[j] * if call { c } else { p }
        };
    }
    *out = price;
    true
}

/// [`black76_prices`], with the continued fraction only when a tail needs it.
#[inline(always)]
fn black76_batch(b: &Black76, out: &mut Fv) {
    if !black76_prices::<false>(b, out) {
        black76_prices::<true>(b, out);
    }
}

/// `norm_cdf_f32` by [`tail`], and whether its argument lies beyond the
/// rational function.
#[inline(always)]
fn norm_cdf<const FULL: bool>(x: f32) -> (f32, bool) {
    let z = x.abs();
    let q = tail::<FULL>(z);
    (if x > 0.0 { 1.0 - q } else { q }, beyond(z))
}

/// The trilinear value at `base + ck.i` (`base` the table offset plus the
/// first two axes' part of the index) of a table whose axes have `n1`, `n2`
/// nodes: the arithmetic of `table_lookup3` after its locates.
#[inline(always)]
fn corners(t: &PackedTables, n1: u32, n2: u32, base: u32, wi: f32, wj: f32, ck: AxisCell) -> f32 {
    let a00 = base + ck.i;
    let a01 = a00 + n2;
    let a10 = a00 + n1 * n2;
    let a11 = a10 + n2;
    let c00 = lerp(value(t, a00), value(t, a00 + 1), ck.w);
    let c01 = lerp(value(t, a01), value(t, a01 + 1), ck.w);
    let c10 = lerp(value(t, a10), value(t, a10 + 1), ck.w);
    let c11 = lerp(value(t, a11), value(t, a11 + 1), ck.w);
    let c0 = lerp(c00, c01, wj);
    let c1 = lerp(c10, c11, wj);
    lerp(c0, c1, wi)
}

/// The eight values around the cells at `a00` of `W` lookups in a table
/// whose axes have `n1`, `n2` nodes, corner by corner (`[c00, c00 + 1, c01,
/// c01 + 1, c10, ..]`): the reads of `table_lookup3`, in a pass of their
/// own (gathers or loads, whichever the compiler picks).
#[inline(always)]
fn corner_values(t: &PackedTables, n1: u32, n2: u32, a00: &Uv) -> [Fv; 8] {
    let mut v = [[0.0f32; W]; 8];
    for j in 0..W {
        let a = a00[j];
        let a01 = a + n2;
        let a10 = a + n1 * n2;
        let a11 = a10 + n2;
        v[0][j] = value(t, a);
        v[1][j] = value(t, a + 1);
        v[2][j] = value(t, a01);
        v[3][j] = value(t, a01 + 1);
        v[4][j] = value(t, a10);
        v[5][j] = value(t, a10 + 1);
        v[6][j] = value(t, a11);
        v[7][j] = value(t, a11 + 1);
    }
    v
}

/// Lookup `j`'s trilinear value from [`corner_values`] with the weights of
/// its three axes: the arithmetic of [`corners`].
#[inline(always)]
fn trilinear(v: &[Fv; 8], j: usize, wi: f32, wj: f32, wk: f32) -> f32 {
    let c00 = lerp(v[0][j], v[1][j], wk);
    let c01 = lerp(v[2][j], v[3][j], wk);
    let c10 = lerp(v[4][j], v[5][j], wk);
    let c11 = lerp(v[6][j], v[7][j], wk);
    let c0 = lerp(c00, c01, wj);
    let c1 = lerp(c10, c11, wj);
    lerp(c0, c1, wi)
}

/// `offset + (i * n1 + j) * n2`: the part of a table index that the first
/// two axes' cells give.
#[inline(always)]
fn base(h: &TableHeader, offset: u32, i: u32, j: u32) -> u32 {
    offset + (i * h.n[1] + j) * h.n[2]
}

/// Whether every entry of `n` is the first.
#[inline(always)]
fn uniform(n: &Uv) -> bool {
    n.iter().all(|&x| x == n[0])
}

/// A batch of SPX option requests: lane, call (1) or put (0), strike (index
/// points), remaining life (trading days, at most the run's longest).
#[derive(Debug, Clone, Copy)]
pub(super) struct SpxBatch<'a> {
    pub lane: &'a Uv,
    pub call: &'a Uv,
    pub strike: &'a Fv,
    pub n: &'a Uv,
}

/// A batch of VIX marks: lane, call (1) or future (0), strike (VIX points,
/// calls only), remaining life (trading days, at least 1).
#[derive(Debug, Clone, Copy)]
pub(super) struct VixBatch<'a> {
    pub lane: &'a Uv,
    pub call: &'a Uv,
    pub strike: &'a Fv,
    pub n: &'a Uv,
}

/// The per-lane constants of an SPX strike search at one remaining life.
struct SearchLanes {
    sqrt_tau: f32,
    w: f32,
    wj: f32,
    wi: Fv,
    atm_lo: Fv,
    atm_hi: Fv,
    base_lo: Uv,
    base_hi: Uv,
}

impl MarksData {
    /// The marks of `p` over `tables`, for remaining lives up to `max_days`
    /// and days `0..=horizon`.
    pub fn new(p: MarksParams, tables: PackedTables, max_days: u32, horizon: u32) -> Self {
        assert!(
            i32::try_from(tables.data.len()).is_ok(),
            "the CPU study kernel reads the tables through 32-bit signed indices"
        );
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
        let mut m = Self {
            p,
            tables,
            spx,
            spx_offsets,
            fut,
            opt,
            opt_offsets,
            tenors: t,
            days: Vec::new(),
        };
        m.days = (0..=horizon).map(|d| m.day_inputs(d)).collect();
        m
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
    fn day_inputs(&self, day: u32) -> DayInputs {
        let n_max = self.tenors.tau.len();
        let mut out = DayInputs::default();
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
            out.fut_ck.push(locate(&self.fut, 2, c));
            out.opt_cell
                .push(table_locate(c, p.option_c_lo, p.option_c_inv, p.option_c_n));
        }
        out.interpolates = out.spx_w.iter().any(|&w| w > 0.0);
        out
    }

    /// The inputs of day `day` (`0..=horizon`).
    #[inline]
    pub fn day(&self, day: u32) -> &DayInputs {
        &self.days[day as usize]
    }

    /// The lanes' inputs at variances `var_now` (already `max(v, 0)`).
    #[inline]
    pub fn lane_inputs(&self, var_now: &Fv, out: &mut LaneInputs) {
        for l in 0..W {
            let vv = max_wgsl(var_now[l], 0.0);
            let x0 = ln_lane(vv + self.p.spx_v_shift);
            let z = (vv + self.p.vix_v_shift).sqrt();
            let s = locate(&self.spx, 0, x0);
            let f = locate(&self.fut, 0, z);
            let o = locate(&self.opt, 0, z);
            out.vv[l] = vv;
            (out.spx_ci.i[l], out.spx_ci.w[l]) = (s.i, s.w);
            (out.fut_ci.i[l], out.fut_ci.w[l]) = (f.i, f.w);
            (out.opt_ci.i[l], out.opt_ci.w[l]) = (o.i, o.w);
        }
    }

    /// The prices of a batch of SPX options (`spx_price`) on lanes at SPX
    /// levels `spot`. `INTERP`: the day has remaining lives between two
    /// surfaces.
    #[inline(never)]
    pub fn spx_prices<const INTERP: bool>(
        &self,
        day: &DayInputs,
        lanes: &LaneInputs,
        spot: &Fv,
        b: &SpxBatch<'_>,
        out: &mut Fv,
    ) {
        let opt = match (uniform(b.n), *b.lane == IDENTITY) {
            (true, true) => self.spx_options::<INTERP, true, true>(day, lanes, spot, b),
            (true, false) => self.spx_options::<INTERP, true, false>(day, lanes, spot, b),
            _ => self.spx_options::<INTERP, false, false>(day, lanes, spot, b),
        };
        black76_batch(&opt, out);
    }

    /// The Black-76 inputs of [`Self::spx_prices`]: forward, the surfaces'
    /// implied vol, and the degenerate case's zero life and vol. `UNIFORM`:
    /// every request has the remaining life of the first (its per-life
    /// inputs are read once); `IDENT`: request `j` is lane `j`'s. In passes
    /// (the cells, the table reads, the interpolation), each a loop the
    /// compiler vectorises.
    #[inline(always)]
    fn spx_options<const INTERP: bool, const UNIFORM: bool, const IDENT: bool>(
        &self,
        day: &DayInputs,
        lanes: &LaneInputs,
        spot: &Fv,
        b: &SpxBatch<'_>,
    ) -> Black76 {
        // Built locally, so the compiler sees that it aliases nothing.
        let mut opt = Black76 {
            call: *b.call,
            strike: *b.strike,
            ..Black76::default()
        };
        let t = &self.tenors;
        let h = &self.spx;
        let (n1, n2) = (h.n[1], h.n[2]);
        let last = self.spx_offsets.len().max(1) - 1;
        let n0 = b.n[0] as usize;
        let mut forward = [0.0f32; W];
        let (mut wi, mut wj) = ([0.0f32; W], [0.0f32; W]);
        let (mut atm_lo, mut atm_hi) = ([0.0f32; W], [0.0f32; W]);
        let (mut a_lo, mut a_hi) = ([0u32; W], [0u32; W]);
        let (mut wk_lo, mut wk_hi) = ([0.0f32; W], [0.0f32; W]);
        for j in 0..W {
            let l = if IDENT {
                j
            } else {
                b.lane[j] as usize & (W - 1)
            };
            let n = if UNIFORM { n0 } else { b.n[j] as usize };
            forward[j] = at(spot, l) * at(&t.fwd, n);
            let x = ln_lane(b.strike[j] / forward[j]);
            let k = x / at(&t.sqrt_tau, n);
            let vv = at(&lanes.vv, l);
            let ci = at(&lanes.spx_ci.i, l);
            wi[j] = at(&lanes.spx_ci.w, l);
            let vbar = (at(&t.decay, n) * vv + at(&t.theta_part, n)) + self.p.jump_var;
            let cj = at(&t.spx_cj, n);
            wj[j] = cj.w;
            let i = at(&day.spx_i, n) as usize;
            atm_lo[j] = (vbar + at(&day.add_lo, n)).sqrt();
            let ck = locate(h, 2, k / atm_lo[j]);
            a_lo[j] = base(h, at(&self.spx_offsets, i), ci, cj.i) + ck.i;
            wk_lo[j] = ck.w;
            if INTERP {
                atm_hi[j] = (vbar + at(&day.add_hi, n)).sqrt();
                let ck = locate(h, 2, k / atm_hi[j]);
                a_hi[j] = base(h, at(&self.spx_offsets, (i + 1).min(last)), ci, cj.i) + ck.i;
                wk_hi[j] = ck.w;
            }
        }
        let v_lo = corner_values(&self.tables, n1, n2, &a_lo);
        let v_hi = if INTERP {
            corner_values(&self.tables, n1, n2, &a_hi)
        } else {
            [[0.0; W]; 8]
        };
        for j in 0..W {
            let n = if UNIFORM { n0 } else { b.n[j] as usize };
            let strike = b.strike[j];
            let tau = at(&t.tau, n);
            let lo = trilinear(&v_lo, j, wi[j], wj[j], wk_lo[j]) * atm_lo[j];
            let iv = if INTERP {
                let w = at(&day.spx_w, n);
                let hi = trilinear(&v_hi, j, wi[j], wj[j], wk_hi[j]) * atm_hi[j];
                let mixed = lo + (hi - lo) * w;
                if w > 0.0 {
                    mixed
                } else {
                    lo
                }
            } else {
                lo
            };
            let valid = (tau > 0.0) & (strike > 0.0);
            let (tau, iv) = if valid { (tau, iv) } else { (0.0, 0.0) };
            opt.set(j, forward[j], tau, at(&t.df, n), iv);
        }
        opt
    }

    /// The SPX log-strikes of the strike searches (`spx_strike_x`) of every
    /// lane at remaining life `n`, one per normal quantile `d_star` (two or
    /// four of them; the searches of a NaN quantile run and are not read).
    #[inline(never)]
    pub fn spx_strike_searches<const INTERP: bool>(
        &self,
        day: &DayInputs,
        lanes: &LaneInputs,
        n: usize,
        d_star: &[f32],
        out: &mut [Fv],
    ) {
        let t = &self.tenors;
        let h = &self.spx;
        let cj = at(&t.spx_cj, n);
        let i = at(&day.spx_i, n) as usize;
        let last = self.spx_offsets.len().max(1) - 1;
        let (off_lo, off_hi) = (
            at(&self.spx_offsets, i),
            at(&self.spx_offsets, (i + 1).min(last)),
        );
        let mut s = SearchLanes {
            sqrt_tau: at(&t.sqrt_tau, n),
            w: at(&day.spx_w, n),
            wj: cj.w,
            wi: lanes.spx_ci.w,
            atm_lo: [0.0; W],
            atm_hi: [0.0; W],
            base_lo: [0; W],
            base_hi: [0; W],
        };
        for l in 0..W {
            let vbar = (at(&t.decay, n) * lanes.vv[l] + at(&t.theta_part, n)) + self.p.jump_var;
            s.atm_lo[l] = (vbar + at(&day.add_lo, n)).sqrt();
            s.atm_hi[l] = (vbar + at(&day.add_hi, n)).sqrt();
            s.base_lo[l] = base(h, off_lo, lanes.spx_ci.i[l], cj.i);
            s.base_hi[l] = base(h, off_hi, lanes.spx_ci.i[l], cj.i);
        }
        let mixed = INTERP && s.w > 0.0;
        match (d_star.len(), mixed) {
            (2, false) => self.strike_search::<false, 2>(&s, d_star, out),
            (2, true) => self.strike_search::<true, 2>(&s, d_star, out),
            (4, false) => self.strike_search::<false, 4>(&s, d_star, out),
            (4, true) => self.strike_search::<true, 4>(&s, d_star, out),
            _ => {
                for (d, x) in d_star.iter().zip(out.iter_mut()) {
                    let x: &mut [Fv] = std::slice::from_mut(x);
                    if mixed {
                        self.strike_search::<true, 1>(&s, std::slice::from_ref(d), x);
                    } else {
                        self.strike_search::<false, 1>(&s, std::slice::from_ref(d), x);
                    }
                }
            }
        }
    }

    /// `T` strike searches on every lane (the start and 12 Newton steps of
    /// `spx_strike_x`), side by side so their chains of dependent
    /// operations overlap.
    #[inline(always)]
    fn strike_search<const MIXED: bool, const T: usize>(
        &self,
        s: &SearchLanes,
        d_star: &[f32],
        out: &mut [Fv],
    ) {
        let d: [f32; T] = std::array::from_fn(|k| d_star[k]);
        let s0 = self.total_sd::<MIXED, T>(s, &[[0.0; W]; T]);
        let mut x = [[0.0f32; W]; T];
        for k in 0..T {
            for l in 0..W {
                x[k][l] = s0[k][l] * (0.5 * s0[k][l] - d[k]);
            }
        }
        for _ in 0..12 {
            let sd = self.total_sd::<MIXED, T>(s, &x);
            let mut h = [[0.0f32; W]; T];
            let mut up = [[0.0f32; W]; T];
            let mut down = [[0.0f32; W]; T];
            for k in 0..T {
                for l in 0..W {
                    h[k][l] = 1e-3 * max_wgsl(sd[k][l], 1e-6);
                    up[k][l] = x[k][l] + h[k][l];
                    down[k][l] = x[k][l] - h[k][l];
                }
            }
            let sd_up = self.total_sd::<MIXED, T>(s, &up);
            let sd_down = self.total_sd::<MIXED, T>(s, &down);
            for k in 0..T {
                for l in 0..W {
                    let g = x[k][l] - sd[k][l] * (0.5 * sd[k][l] - d[k]);
                    let slope = (sd_up[k][l] - sd_down[k][l]) / (2.0 * h[k][l]);
                    let dg = 1.0 - slope * (sd[k][l] - d[k]);
                    let newton = x[k][l] - g / dg;
                    let plain = x[k][l] - g;
                    x[k][l] = if dg >= 0.2 { newton } else { plain };
                }
            }
        }
        out[..T].copy_from_slice(&x);
    }

    /// `sigma(x) sqrt(tau)` of the strike search (`marks_total_sd`) on every
    /// lane, `T` log-strikes each; `MIXED`: the life lies between two
    /// surfaces.
    #[inline(always)]
    fn total_sd<const MIXED: bool, const T: usize>(&self, s: &SearchLanes, x: &[Fv; T]) -> [Fv; T] {
        let h = &self.spx;
        let (n1, n2) = (h.n[1], h.n[2]);
        let mut out = [[0.0f32; W]; T];
        for k in 0..T {
            for l in 0..W {
                let kk = x[k][l] / s.sqrt_tau;
                let ck = locate(h, 2, kk / s.atm_lo[l]);
                let lo =
                    corners(&self.tables, n1, n2, s.base_lo[l], s.wi[l], s.wj, ck) * s.atm_lo[l];
                let vol = if MIXED {
                    let ck = locate(h, 2, kk / s.atm_hi[l]);
                    let hi = corners(&self.tables, n1, n2, s.base_hi[l], s.wi[l], s.wj, ck)
                        * s.atm_hi[l];
                    lo + (hi - lo) * s.w
                } else {
                    lo
                };
                out[k][l] = vol * s.sqrt_tau;
            }
        }
        out
    }

    /// The SPX strikes at log-strikes `x` (`spx_strike_at`) of lanes at SPX
    /// levels `spot`, remaining life `n`.
    #[inline]
    pub fn spx_strikes_at(&self, x: &Fv, spot: &Fv, n: usize) -> Fv {
        let g = exp_portable((self.p.r - self.p.q) * at(&self.tenors.tau, n));
        let mut out = [0.0f32; W];
        for l in 0..W {
            let forward = spot[l] * g;
            out[l] = (forward * exp_lane(x[l]) / 5.0 + 0.5).floor() * 5.0;
        }
        out
    }

    /// The VIX futures (`vix_future`) of every lane at `n` trading days.
    #[inline]
    pub fn vix_futures(&self, day: &DayInputs, lanes: &LaneInputs, n: usize) -> Fv {
        let h = &self.fut;
        let cj = at(&self.tenors.fut_cj, n);
        let ck = at(&day.fut_ck, n);
        let mut out = [0.0f32; W];
        for l in 0..W {
            let b = base(h, h.offset, lanes.fut_ci.i[l], cj.i);
            out[l] = corners(&self.tables, h.n[1], h.n[2], b, lanes.fut_ci.w[l], cj.w, ck);
        }
        out
    }

    /// A batch of VIX marks: the future, or the call on it (`vix_call`).
    #[inline(never)]
    pub fn vix_marks(&self, day: &DayInputs, lanes: &LaneInputs, b: &VixBatch<'_>, out: &mut Fv) {
        let opt = match (uniform(b.n), *b.lane == IDENTITY) {
            (true, true) => self.vix_options::<true, true>(day, lanes, b),
            (true, false) => self.vix_options::<true, false>(day, lanes, b),
            _ => self.vix_options::<false, false>(day, lanes, b),
        };
        let mut call = [0.0f32; W];
        black76_batch(&opt, &mut call);
        let mut mark = [0.0f32; W];
        for j in 0..W {
            mark[j] = if b.call[j] != 0 {
                call[j]
            } else {
                opt.forward[j]
            };
        }
        *out = mark;
    }

    /// The Black-76 inputs of [`Self::vix_marks`]' calls: the future, the
    /// tables' implied vol (`UNIFORM`, `IDENT` as in [`Self::spx_options`]),
    /// in passes as there.
    #[inline(always)]
    fn vix_options<const UNIFORM: bool, const IDENT: bool>(
        &self,
        day: &DayInputs,
        lanes: &LaneInputs,
        b: &VixBatch<'_>,
    ) -> Black76 {
        // Built locally, so the compiler sees that it aliases nothing.
        let mut opt = Black76 {
            call: [1; W],
            strike: *b.strike,
            ..Black76::default()
        };
        let t = &self.tenors;
        let (hf, ho) = (&self.fut, &self.opt);
        let n0 = b.n[0] as usize;
        let mut a = [0u32; W];
        let (mut wi, mut wj, mut wk) = ([0.0f32; W], [0.0f32; W], [0.0f32; W]);
        for j in 0..W {
            let l = if IDENT {
                j
            } else {
                b.lane[j] as usize & (W - 1)
            };
            let n = if UNIFORM { n0 } else { b.n[j] as usize };
            let cj = at(&t.fut_cj, n);
            let ck = at(&day.fut_ck, n);
            a[j] = base(hf, hf.offset, at(&lanes.fut_ci.i, l), cj.i) + ck.i;
            (wi[j], wj[j], wk[j]) = (at(&lanes.fut_ci.w, l), cj.w, ck.w);
        }
        let v = corner_values(&self.tables, hf.n[1], hf.n[2], &a);
        let mut f = [0.0f32; W];
        let (mut a_lo, mut a_hi) = ([0u32; W], [0u32; W]);
        let mut wo = [0.0f32; W];
        for j in 0..W {
            let l = if IDENT {
                j
            } else {
                b.lane[j] as usize & (W - 1)
            };
            let n = if UNIFORM { n0 } else { b.n[j] as usize };
            f[j] = trilinear(&v, j, wi[j], wj[j], wk[j]);
            let st = at(&t.vix_sqrt_t, n);
            let mny = ln_lane(b.strike[j] / f[j]) / st;
            let cell = at(&day.opt_cell, n);
            let cj = at(&t.opt_cj, n);
            let ck = locate(ho, 2, mny);
            let ci = at(&lanes.opt_ci.i, l);
            let off_lo = at(&self.opt_offsets, cell.i as usize);
            let off_hi = at(&self.opt_offsets, cell.i as usize + 1);
            a_lo[j] = base(ho, off_lo, ci, cj.i) + ck.i;
            a_hi[j] = base(ho, off_hi, ci, cj.i) + ck.i;
            (wi[j], wj[j], wk[j], wo[j]) = (at(&lanes.opt_ci.w, l), cj.w, ck.w, cell.w);
        }
        let v_lo = corner_values(&self.tables, ho.n[1], ho.n[2], &a_lo);
        let v_hi = corner_values(&self.tables, ho.n[1], ho.n[2], &a_hi);
        for j in 0..W {
            let n = if UNIFORM { n0 } else { b.n[j] as usize };
            let lo = trilinear(&v_lo, j, wi[j], wj[j], wk[j]);
            let hi = trilinear(&v_hi, j, wi[j], wj[j], wk[j]);
            let sd = lo + (hi - lo) * wo[j];
            let st = at(&t.vix_sqrt_t, n);
            opt.set(j, f[j], n as f32 / DAYS_PER_YEAR, at(&t.vix_df, n), sd / st);
        }
        opt
    }

    /// The VIX call strikes of delta `delta` (`vix_call_strike_f`) of every
    /// lane at `n` trading days, given the futures `f`.
    #[inline(never)]
    pub fn vix_call_strikes(
        &self,
        day: &DayInputs,
        lanes: &LaneInputs,
        n: usize,
        f: &Fv,
        delta: f32,
    ) -> Fv {
        let t = &self.tenors;
        let ho = &self.opt;
        let st = at(&t.vix_sqrt_t, n);
        let cell = at(&day.opt_cell, n);
        let cj = at(&t.opt_cj, n);
        let (off_lo, off_hi) = (
            at(&self.opt_offsets, cell.i as usize),
            at(&self.opt_offsets, cell.i as usize + 1),
        );
        let mut b_lo = [0u32; W];
        let mut b_hi = [0u32; W];
        for l in 0..W {
            b_lo[l] = base(ho, off_lo, lanes.opt_ci.i[l], cj.i);
            b_hi[l] = base(ho, off_hi, lanes.opt_ci.i[l], cj.i);
        }
        let mut lo = [-1.5f32; W];
        let mut hi = [2.5f32; W];
        for _ in 0..40 {
            let mut mid = [0.0f32; W];
            let mut arg = [0.0f32; W];
            for l in 0..W {
                mid[l] = 0.5 * (lo[l] + hi[l]);
                let ck = locate(ho, 2, mid[l] / st);
                let wi = lanes.opt_ci.w[l];
                let a = corners(&self.tables, ho.n[1], ho.n[2], b_lo[l], wi, cj.w, ck);
                let b = corners(&self.tables, ho.n[1], ho.n[2], b_hi[l], wi, cj.w, ck);
                let s = a + (b - a) * cell.w;
                arg[l] = -mid[l] / s + 0.5 * s;
            }
            let mut d = [0.0f32; W];
            let mut far = false;
            for l in 0..W {
                let (v, beyond) = norm_cdf::<false>(arg[l]);
                d[l] = v;
                far |= beyond;
            }
            if far {
                for l in 0..W {
                    d[l] = norm_cdf::<true>(arg[l]).0;
                }
            }
            for l in 0..W {
                let up = d[l] > delta;
                lo[l] = if up { mid[l] } else { lo[l] };
                hi[l] = if up { hi[l] } else { mid[l] };
            }
        }
        let mut out = [0.0f32; W];
        for l in 0..W {
            let k = f[l] * exp_lane(0.5 * (lo[l] + hi[l]));
            out[l] = max_wgsl((k / 0.5 + 0.5).floor() * 0.5, 0.5);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::math::ln_portable;

    /// Every 997th `f32` bit pattern (all exponents, signs, NaNs and
    /// infinities among them) and the special values.
    fn inputs() -> impl Iterator<Item = f32> {
        let specials = [
            0.0f32,
            -0.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            f32::MIN_POSITIVE,
            f32::MAX,
            f32::MIN,
            -88.0,
            89.0,
            -87.9,
            88.9,
        ];
        specials
            .into_iter()
            .chain((0..=u32::MAX / 997).map(|k| f32::from_bits(k.wrapping_mul(997))))
    }

    #[test]
    fn exp_lane_is_exp_portable_bit_for_bit() {
        for x in inputs() {
            assert_eq!(
                exp_lane(x).to_bits(),
                exp_portable(x).to_bits(),
                "x = {x:e} ({:#x})",
                x.to_bits()
            );
        }
    }

    #[test]
    fn ln_lane_is_ln_portable_bit_for_bit() {
        for x in inputs() {
            assert_eq!(
                ln_lane(x).to_bits(),
                ln_portable(x).to_bits(),
                "x = {x:e} ({:#x})",
                x.to_bits()
            );
        }
    }

    #[test]
    fn locate_lane_is_table_locate() {
        for (lo, inv, n) in [(0.0f32, 1.0f32, 2u32), (-3.0, 7.5, 48), (0.1, 0.37, 256)] {
            for x in inputs() {
                let (a, b) = (locate_lane(x, lo, inv, n), table_locate(x, lo, inv, n));
                assert_eq!(
                    (a.i, a.w.to_bits(), a.outside),
                    (b.i, b.w.to_bits(), b.outside),
                    "x = {x:e}"
                );
            }
        }
    }
}
