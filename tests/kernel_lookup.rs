//! Kernel-side building blocks of in-path pricing: the WGSL table lookup
//! (`shaders/shared/tables.wgsl`) against [`Table::lookup`], the portable `f32`
//! pricing math (`shaders/shared/pricing.wgsl`) against its CPU twin
//! [`vixhedge::shared::pricing`], and that twin against the `f64` analytic
//! reference.
//!
//! Tests that need an adapter fail without one, or are reported as ignored
//! when built with `VIXHEDGE_SKIP_GPU=1` (see tests/gpu.rs for lavapipe).

use std::sync::OnceLock;

use crate::util::assert_close;
use vixhedge::gpu::{shaders, GpuContext, GpuTables, LookupQuery, LookupResult, TableLookup};
use vixhedge::model::analytic::{
    black76_delta, black76_price, bs_delta, bs_price, norm_cdf, OptionKind,
};
use vixhedge::shared::pricing::{
    black76_f32, bs_f32, exp_portable, norm_cdf_f32, vix_from_affine, PriceDelta,
};
use vixhedge::shared::tables::{Axis, Table};

use crate::util::gpu::{bit_exact, gpu, ulps, validate_wgsl, SplitMix, Worst};

/// `|got - want| <= rel * |want| + abs`, printing the case on failure.
/// `t` with every value replaced by its magnitude: a lookup in it gives
/// sum w |c| over the corners, the scale of the rounding error of an f32
/// multilinear interpolation (each lerp a + (b - a) w rounds within a few ulps
/// of |a| + |b|, whether or not the driver fuses its multiply-add).
fn magnitudes(t: &Table) -> Table {
    Table {
        name: format!("|{}|", t.name),
        axes: t.axes.clone(),
        data: t.data.iter().map(|v| v.abs()).collect(),
    }
}

/// Whether a GPU lookup `got` agrees with the CPU's `want`: bit for bit on a
/// bit-exact device, else within 1e-5 relative plus 16 ulps of the corner
/// magnitudes `m` (three lerps deep).
fn lookup_agrees(bit_exact: bool, got: f32, want: f32, m: f32) -> bool {
    if bit_exact {
        got.to_bits() == want.to_bits()
    } else {
        (got - want).abs() <= 1e-5 * want.abs() + 16.0 * f32::EPSILON * 0.5 * m
    }
}

#[test]
fn lookup_shader_parses_and_validates() {
    let src = shaders::TABLE_LOOKUP;
    validate_wgsl("table_lookup", src);
}

// ---------------------------------------------------------------------------
// CPU f32 twin against the f64 reference.

#[test]
fn exp_portable_is_within_two_ulps_of_libm() {
    let mut rng = SplitMix(0xE4B);
    let mut worst = Worst::default();
    for i in 0..400_000 {
        let x = rng.range(-87.33, 88.72) as f32;
        let want = f64::from(x).exp();
        let got = exp_portable(x);
        // ulps against the correctly rounded f32 result.
        worst.see(f64::from(ulps(got, want as f32)), i);
    }
    eprintln!("exp_portable: worst {} ulps", worst.0);
    assert!(worst.0 <= 2.0, "{worst:?}");
    assert_eq!(exp_portable(0.0), 1.0);
    assert_eq!(exp_portable(-88.0), 0.0);
    assert_eq!(exp_portable(-1000.0), 0.0);
    assert_eq!(exp_portable(89.0), f32::INFINITY);
    assert_eq!(exp_portable(f32::INFINITY), f32::INFINITY);
    assert_eq!(exp_portable(f32::NEG_INFINITY), 0.0);
    assert!(exp_portable(f32::NAN).is_nan());
    // The smallest normal result stays normal.
    assert!(exp_portable(-87.336).is_normal());
}

#[test]
fn norm_cdf_f32_is_accurate_absolutely_and_in_the_lower_tail() {
    let mut rng = SplitMix(0xCDF);
    let (mut abs_worst, mut tail_worst) = (Worst::default(), Worst::default());
    for i in 0..400_000 {
        let x = rng.range(-14.0, 14.0) as f32;
        let xd = f64::from(x);
        let want = norm_cdf(xd);
        let got = f64::from(norm_cdf_f32(x));
        abs_worst.see((got - want).abs(), i);
        if xd <= 0.0 && want > f64::from(f32::MIN_POSITIVE) * 1e3 {
            // Relative error in units of (1 + x^2) 1e-7, the documented bound.
            tail_worst.see((got - want).abs() / want / ((1.0 + xd * xd) * 1e-7), i);
        }
    }
    eprintln!(
        "norm_cdf_f32: worst absolute error {:e}, worst lower-tail relative error {:.2} x (1 + x^2) 1e-7",
        abs_worst.0, tail_worst.0
    );
    assert!(abs_worst.0 < 1.5e-7, "{abs_worst:?}");
    assert!(tail_worst.0 < 5.0, "{tail_worst:?}");
    assert_eq!(norm_cdf_f32(0.0), 0.5);
    assert_eq!(norm_cdf_f32(-20.0), 0.0);
    assert_eq!(norm_cdf_f32(20.0), 1.0);
}

/// A Black-76 case drawn over a wide range: forwards 1 to 5000, strikes from
/// -1.5 to +1.5 total standard deviations (and out to 0.3x-3x), expiries of one
/// day to three years, vols 3% to 200%.
fn black_case(rng: &mut SplitMix) -> (OptionKind, f32, f32, f32, f32, f32) {
    let kind = if rng.unit() < 0.5 {
        OptionKind::Call
    } else {
        OptionKind::Put
    };
    let forward = rng.log_range(1.0, 5000.0);
    let tau = rng.log_range(1.0 / 365.0, 3.0);
    let vol = rng.log_range(0.03, 2.0);
    let sd = vol * tau.sqrt();
    let k = if rng.unit() < 0.8 {
        forward * (rng.range(-1.5, 1.5) * sd).exp()
    } else {
        forward * rng.log_range(0.3, 3.0)
    };
    let df = rng.range(0.9, 1.0);
    (
        kind,
        forward as f32,
        k as f32,
        tau as f32,
        df as f32,
        vol as f32,
    )
}

/// Errors of f32 prices and deltas against the f64 reference.
///
/// The floor of f32 evaluation is the rounding of F / K (6e-8 relative, so
/// 6e-8 absolute in ln(F/K)): it moves a price by up to about 1e-7 F and d1
/// by 6e-8 / (vol sqrt(tau)). So prices are held to an absolute bound in units
/// of max(F, K) (the scale of either parity leg), to relative bounds that
/// tighten as the price grows, and deltas to a bound over vol sqrt(tau).
#[derive(Debug, Default)]
struct PriceErrors {
    /// Worst |error| / max(F, K).
    scaled: Worst,
    /// Worst relative error for price / F in [1e-3, 1e-2), [1e-2, 1e-1), >= 1e-1.
    relative: [Worst; 3],
    /// Worst |delta error|.
    delta: Worst,
    /// Worst |delta error| * vol sqrt(tau).
    delta_sd: Worst,
}

impl PriceErrors {
    /// Records case `i`: `want` is the f64 (price, delta), `scale` is
    /// (F or S, K, vol sqrt(tau)).
    fn see(&mut self, i: usize, got: PriceDelta, want: [f64; 2], scale: [f64; 3]) {
        let ([want, want_delta], [f, k, sd]) = (want, scale);
        let err = (f64::from(got.price) - want).abs();
        self.scaled.see(err / f.max(k), i);
        let bucket = match want / f {
            x if x >= 1e-1 => Some(2),
            x if x >= 1e-2 => Some(1),
            x if x >= 1e-3 => Some(0),
            _ => None,
        };
        if let Some(b) = bucket {
            self.relative[b].see(err / want, i);
        }
        let derr = (f64::from(got.delta) - want_delta).abs();
        self.delta.see(derr, i);
        self.delta_sd.see(derr * sd, i);
    }

    #[track_caller]
    fn check(&self, name: &str) {
        eprintln!(
            "{name} vs f64: worst |error|/max(F, K) {:.2e}; worst relative error for \
             price/F >= 1e-3: {:.2e}, >= 1e-2: {:.2e}, >= 1e-1: {:.2e}; \
             worst |delta error| {:.2e}, times vol sqrt(tau) {:.2e}",
            self.scaled.0,
            self.relative[0].0,
            self.relative[1].0,
            self.relative[2].0,
            self.delta.0,
            self.delta_sd.0
        );
        assert!(self.scaled.0 < 3e-7, "{name}: {:?}", self.scaled);
        for (w, bound) in self.relative.iter().zip([2e-4, 2e-5, 3e-6]) {
            assert!(w.0 < bound, "{name}: relative {w:?} over {bound:e}");
        }
        assert!(self.delta_sd.0 < 1e-6, "{name}: {:?}", self.delta_sd);
    }
}

#[test]
fn black76_f32_matches_f64_reference() {
    let mut rng = SplitMix(0xB76);
    let mut errors = PriceErrors::default();
    for i in 0..200_000 {
        let (kind, f, k, tau, df, vol) = black_case(&mut rng);
        let got = black76_f32(kind, f, k, tau, df, vol);
        let (fd, kd, td, dfd, vd) = (
            f64::from(f),
            f64::from(k),
            f64::from(tau),
            f64::from(df),
            f64::from(vol),
        );
        let want = black76_price(kind, fd, kd, td, dfd, vd);
        let want_delta = black76_delta(kind, fd, kd, td, dfd, vd);
        errors.see(i, got, [want, want_delta], [fd, kd, vd * td.sqrt()]);
    }
    errors.check("black76_f32");
    // Degenerate inputs: discounted intrinsic value and the step delta.
    let at_expiry = black76_f32(OptionKind::Put, 90.0, 100.0, 0.0, 0.5, 0.2);
    assert_eq!(
        at_expiry,
        PriceDelta {
            price: 5.0,
            delta: -1.0
        }
    );
}

#[test]
fn bs_f32_and_vix_match_f64_reference() {
    let mut rng = SplitMix(0xB5);
    let mut errors = PriceErrors::default();
    for i in 0..100_000 {
        let (kind, s, k, tau, _, vol) = black_case(&mut rng);
        let r = rng.range(-0.01, 0.08) as f32;
        let q = rng.range(0.0, 0.04) as f32;
        let got = bs_f32(kind, s, k, tau, r, q, vol);
        let (sd_, kd, td, rd, qd, vd) = (
            f64::from(s),
            f64::from(k),
            f64::from(tau),
            f64::from(r),
            f64::from(q),
            f64::from(vol),
        );
        let want = bs_price(kind, sd_, kd, td, rd, qd, vd);
        let want_delta = bs_delta(kind, sd_, kd, td, rd, qd, vd);
        errors.see(i, got, [want, want_delta], [sd_, kd, vd * td.sqrt()]);
    }
    errors.check("bs_f32");

    for i in 0..10_000 {
        let a = rng.range(0.3, 1.0) as f32;
        let v = rng.range(0.0, 1.5) as f32;
        let b = rng.range(0.0, 0.05) as f32;
        let want = 100.0 * (f64::from(a) * f64::from(v) + f64::from(b)).sqrt();
        assert_close(
            format!("{} at {}", "vix", i),
            f64::from(vix_from_affine(a, v, b)),
            want,
            3e-7,
            0.0,
        );
    }
    assert_eq!(vix_from_affine(1.0, 0.0, -0.01), 0.0);
}

// ---------------------------------------------------------------------------
// GPU against the CPU twin.

/// The shared test-kernel pipeline.
fn table_lookup(ctx: &GpuContext) -> &'static TableLookup {
    static TL: OnceLock<TableLookup> = OnceLock::new();
    TL.get_or_init(|| TableLookup::new(ctx).expect("building vixhedge.table_lookup"))
}

/// A random axis: lo in [-2, 2], width 0.1 to 5, 2 to 40 nodes.
fn random_axis(rng: &mut SplitMix) -> Axis {
    let lo = rng.range(-2.0, 2.0);
    let width = rng.log_range(0.1, 5.0);
    let n = 2 + (rng.unit() * 39.0) as u32;
    Axis::new(lo, lo + width, n)
}

/// A random smooth function of up to three coordinates.
fn random_function(rng: &mut SplitMix) -> impl Fn(&[f64]) -> f64 + Sync {
    let c: Vec<f64> = (0..8).map(|_| rng.range(-2.0, 2.0)).collect();
    move |x: &[f64]| {
        let g = |d: usize| x.get(d).copied().unwrap_or(0.0);
        c[0] + (c[1] * g(0) + c[2] * g(1)).sin() * 3.0
            + c[3] * g(0) * g(2)
            + (c[4] * g(1) + c[5] * g(2)).exp()
            + c[6] * g(0) * g(0)
            + c[7] * (g(1) * g(2)).cos()
    }
}

/// A coordinate on `axis`: a node, an end, or a point up to 20% of the width
/// beyond either end.
fn random_coordinate(rng: &mut SplitMix, axis: &Axis) -> f32 {
    let (lo, hi) = (f64::from(axis.lo), f64::from(axis.hi));
    match (rng.unit() * 10.0) as u32 {
        0 => axis.lo,
        1 => axis.hi,
        2 => axis.node((rng.unit() * f64::from(axis.n)) as u32) as f32,
        _ => rng.range(lo - 0.2 * (hi - lo), hi + 0.2 * (hi - lo)) as f32,
    }
}

/// Pricing inputs of a query, drawn like the f64 comparisons above, with some
/// degenerate cases and arguments beyond the ranges the functions handle.
fn random_pricing(rng: &mut SplitMix, q: &mut LookupQuery) {
    let (kind, f, k, tau, df, vol) = black_case(rng);
    q.kind = u32::from(kind == OptionKind::Put);
    q.forward = f;
    q.strike = k;
    q.tau = if rng.unit() < 0.02 { 0.0 } else { tau };
    q.df = df;
    q.vol = if rng.unit() < 0.02 { 0.0 } else { vol };
    q.rate = rng.range(-0.01, 0.08) as f32;
    q.div_yield = rng.range(0.0, 0.04) as f32;
    q.exp_x = rng.range(-95.0, 95.0) as f32;
    q.cdf_x = rng.range(-15.0, 15.0) as f32;
    q.vix_a = rng.range(0.3, 1.0) as f32;
    q.vix_v = rng.range(0.0, 1.5) as f32;
    q.vix_b = rng.range(-0.01, 0.05) as f32;
}

#[test]
#[cfg_attr(skip_gpu, ignore = "skip_gpu: VIXHEDGE_SKIP_GPU=1 at build time")]
fn gpu_table_lookups_match_cpu() {
    let ctx = gpu();
    let tl = table_lookup(ctx);
    let mut rng = SplitMix(0x7AB1E);
    // Three tables of each rank.
    let tables: Vec<Table> = (0..9)
        .map(|t| {
            let axes = (0..=t % 3).map(|_| random_axis(&mut rng)).collect();
            Table::build(format!("t{t}"), axes, random_function(&mut rng))
        })
        .collect();
    let refs: Vec<&Table> = tables.iter().collect();
    let gt = GpuTables::new(ctx, tl.tables_layout(), &refs).expect("uploading tables");
    assert_eq!(gt.headers().len(), 9);
    assert_eq!(gt.index_of("t4"), Some(4));

    let n = 60_000;
    let queries: Vec<LookupQuery> = (0..n)
        .map(|i| {
            let table = (i % tables.len()) as u32;
            let mut q = LookupQuery {
                table,
                ..LookupQuery::default()
            };
            for (d, axis) in tables[table as usize].axes.iter().enumerate() {
                q.x[d] = random_coordinate(&mut rng, axis);
            }
            random_pricing(&mut rng, &mut q);
            q
        })
        .collect();
    let out = tl.run(ctx, &gt, &queries).expect("running table_lookup");
    assert_eq!(out.len(), n);

    let bit_exact = bit_exact(ctx);
    let mags: Vec<Table> = tables.iter().map(magnitudes).collect();
    let (mut exact, mut clamped, mut worst) = (0usize, 0usize, Worst::default());
    for (i, (q, g)) in queries.iter().zip(&out).enumerate() {
        let t = &tables[q.table as usize];
        let x = &q.x[..t.axes.len()];
        let (want, outside) = t.lookup(x);
        assert_eq!(g.clamped == 1, outside, "clamp flag of query {i}: {q:?}");
        let m = mags[q.table as usize].lookup(x).0;
        assert!(
            lookup_agrees(bit_exact, g.value, want, m),
            "lookup {i} in {} ({} axes): gpu {} cpu {want}, corner magnitude {m}: {q:?}",
            t.name,
            t.axes.len(),
            g.value
        );
        worst.see(
            f64::from((g.value - want).abs() / m.max(f32::MIN_POSITIVE)),
            i,
        );
        exact += usize::from(g.value.to_bits() == want.to_bits());
        clamped += usize::from(outside);
    }
    eprintln!(
        "table lookups ({}, bit-exact device: {bit_exact}): {n} queries, {clamped} clamped, {exact} bit-identical, worst error / corner magnitude {:e}",
        ctx.describe(),
        worst.0
    );
}

/// The CPU twin's results for the pricing part of a query.
fn cpu_pricing(q: &LookupQuery) -> LookupResult {
    let kind = if q.kind == 0 {
        OptionKind::Call
    } else {
        OptionKind::Put
    };
    let b76 = black76_f32(kind, q.forward, q.strike, q.tau, q.df, q.vol);
    let bs = bs_f32(kind, q.forward, q.strike, q.tau, q.rate, q.div_yield, q.vol);
    LookupResult {
        exp: exp_portable(q.exp_x),
        cdf: norm_cdf_f32(q.cdf_x),
        black76_price: b76.price,
        black76_delta: b76.delta,
        bs_price: bs.price,
        bs_delta: bs.delta,
        vix: vix_from_affine(q.vix_a, q.vix_v, q.vix_b),
        ..LookupResult::default()
    }
}

#[test]
#[cfg_attr(skip_gpu, ignore = "skip_gpu: VIXHEDGE_SKIP_GPU=1 at build time")]
fn gpu_pricing_matches_cpu_twin() {
    let ctx = gpu();
    let tl = table_lookup(ctx);
    let table = Table::build("flat", vec![Axis::new(0.0, 1.0, 2)], |_| 1.0);
    let gt = GpuTables::new(ctx, tl.tables_layout(), &[&table]).expect("uploading tables");
    let mut rng = SplitMix(0x9A1CE);
    let n = 100_000;
    let queries: Vec<LookupQuery> = (0..n)
        .map(|_| {
            let mut q = LookupQuery::default();
            random_pricing(&mut rng, &mut q);
            q
        })
        .collect();
    let out = tl.run(ctx, &gt, &queries).expect("running table_lookup");
    let names = [
        "exp",
        "cdf",
        "b76 price",
        "b76 delta",
        "bs price",
        "bs delta",
        "vix",
    ];
    let fields = |r: &LookupResult| {
        [
            r.exp,
            r.cdf,
            r.black76_price,
            r.black76_delta,
            r.bs_price,
            r.bs_delta,
            r.vix,
        ]
    };
    let bit_exact = bit_exact(ctx);
    let mut worst_ulps = [Worst::default(); 7];
    let mut exact = [0usize; 7];
    let mut outside: [Option<String>; 7] = Default::default();
    for (i, (q, g)) in queries.iter().zip(&out).enumerate() {
        let c = cpu_pricing(q);
        let sd = f64::from(q.vol) * f64::from(q.tau).sqrt();
        let scale = f64::from(q.forward.max(q.strike));
        for (k, (gv, cv)) in fields(g).into_iter().zip(fields(&c)).enumerate() {
            let (gd, cd) = (f64::from(gv), f64::from(cv));
            let d = (gd - cd).abs();
            // Where multiply-adds may be fused, each field is held to its f32
            // error model (the CPU twin's own bounds against f64 above): exp
            // to 4 ulps; prices to 1e-5 relative plus 3e-7 max(F, K), the
            // floor set by rounding F / K; deltas to 1e-5 relative or 1e-6 /
            // (vol sqrt(tau)), as d1 inherits that rounding over vol
            // sqrt(tau); the CDF and the VIX to 1e-5 relative plus 1e-7.
            let ok = if bit_exact {
                gv.to_bits() == cv.to_bits()
            } else if gd.is_infinite() || cd.is_infinite() {
                gd == cd
            } else {
                match k {
                    0 => ulps(gv, cv) <= 4,
                    2 | 4 => d <= 1e-5 * cd.abs() + 3e-7 * scale,
                    3 | 5 => d <= 1e-5 * cd.abs() + 1e-7 || (sd > 0.0 && d * sd <= 1e-6),
                    _ => d <= 1e-5 * cd.abs() + 1e-7,
                }
            };
            if !ok && outside[k].is_none() {
                outside[k] = Some(format!("input {i}: gpu {gv:e}, cpu {cv:e}: {q:?}"));
            }
            worst_ulps[k].see(f64::from(ulps(gv, cv)), i);
            exact[k] += usize::from(gv.to_bits() == cv.to_bits());
        }
    }
    eprintln!(
        "pricing GPU vs CPU twin ({}, bit-exact device: {bit_exact}), {n} inputs:",
        ctx.describe()
    );
    for k in 0..7 {
        eprintln!(
            "  {:9}: {} bit-identical, worst {} ulps (input {})",
            names[k], exact[k], worst_ulps[k].0, worst_ulps[k].1
        );
    }
    for (k, o) in outside.iter().enumerate() {
        if let Some(o) = o {
            panic!("{} outside the tolerance at {o}", names[k]);
        }
    }
}

/// The tables a study run actually builds (the SPX implied-vol surface, the VIX
/// futures table and each VIX option table of the `default` preset under Q),
/// looked up on the GPU at random points in and around their grids, agree with
/// the CPU lookups within 1e-5 relative (bit for bit on lavapipe).
#[test]
#[cfg_attr(skip_gpu, ignore = "skip_gpu: VIXHEDGE_SKIP_GPU=1 at build time")]
fn the_run_tables_look_up_the_same_on_the_gpu() {
    let ctx = gpu();
    let tl = table_lookup(ctx);
    let cfg = vixhedge::config::Config::preset("default").unwrap();
    let model = cfg.market_model(vixhedge::model::Measure::Q).risk_neutral();
    let surface = vixhedge::model::ivtable::SpxVolSurface::build(&model);
    let vix = vixhedge::model::vix::VixTables::build(&model);
    let mut refs: Vec<&Table> = vec![surface.table(), &vix.futures];
    refs.extend(vix.options.iter());
    let gt = GpuTables::new(ctx, tl.tables_layout(), &refs).expect("uploading tables");
    let mut rng = SplitMix(0x5EED_7AB1);
    let n = 30_000;
    let queries: Vec<LookupQuery> = (0..n)
        .map(|i| {
            let table = (i % refs.len()) as u32;
            let mut q = LookupQuery {
                table,
                ..LookupQuery::default()
            };
            for (d, axis) in refs[table as usize].axes.iter().enumerate() {
                q.x[d] = random_coordinate(&mut rng, axis);
            }
            q
        })
        .collect();
    let out = tl.run(ctx, &gt, &queries).expect("running table_lookup");
    let bit_exact = bit_exact(ctx);
    let mags: Vec<Table> = refs.iter().map(|t| magnitudes(t)).collect();
    let mut exact = 0usize;
    for (i, (q, g)) in queries.iter().zip(&out).enumerate() {
        let t = refs[q.table as usize];
        let x = &q.x[..t.axes.len()];
        let (want, outside) = t.lookup(x);
        let m = mags[q.table as usize].lookup(x).0;
        assert_eq!(
            g.clamped == 1,
            outside,
            "clamp flag of query {i} in {}",
            t.name
        );
        assert!(
            lookup_agrees(bit_exact, g.value, want, m),
            "{}: gpu {} cpu {want} at {:?}",
            t.name,
            g.value,
            q.x
        );
        exact += usize::from(g.value.to_bits() == want.to_bits());
    }
    eprintln!(
        "run tables: {n} queries on {} tables, {exact} bit-identical (bit-exact device: {bit_exact})",
        refs.len()
    );
}
