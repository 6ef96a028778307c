//! The GPU marks (`shaders/shared/marks.wgsl`) against the CPU marks the books
//! use ([`ModelMarks`], f64) on the `default` preset's Q model and tables, over
//! random path states, days, strikes, deltas and tenors covering the study's
//! ranges, and against their `f32` CPU twin (`vixhedge::shared::marks`), bit
//! for bit on lavapipe.
//!
//! Tests that need an adapter fail without one, or are reported as ignored
//! when built with `VIXHEDGE_SKIP_GPU=1` (see tests/gpu.rs for lavapipe).

use vixhedge::gpu::{
    marks_tables, shaders, DayTables, GpuTables, MarksParams, MarksQuery, MarksTest,
};
use vixhedge::model::analytic::OptionKind;
use vixhedge::model::ivtable::{event_variance, norm_quantile};
use vixhedge::model::vix::expiry_constant;
use vixhedge::model::{Measure, TRADING_DAYS_PER_YEAR};
use vixhedge::shared::marks::MarksInputs;
use vixhedge::shared::pricing::OptionKind as Kind32;
use vixhedge::shared::tables::PackedTables;
use vixhedge::strategy::Marks;
use vixhedge::study::StudyPricing;

use crate::util::gpu::{bit_exact, gpu, validate_wgsl, SplitMix, Worst};

/// Trading days of the study's horizon the day tables cover (day 0 to 252).
const DAYS: u32 = 253;
/// Longest tenor tabulated, trading days: SPX expiries reach 63 days, VIX
/// hedges half a year.
const MAX_TENOR: u32 = 126;

#[test]
fn marks_shader_parses_and_validates() {
    let src = shaders::MARKS_TEST;
    validate_wgsl("marks_test", src);
}

#[test]
fn day_tables_hold_the_event_inputs() {
    let cfg = vixhedge::config::Config::preset("default").expect("default preset");
    let model = cfg.market_model(Measure::Q).risk_neutral();
    let pricing = StudyPricing::build_for(model, 40, 30);
    let model = &pricing.model_q;
    let days = DayTables::build(&pricing, 40, 30);
    assert_eq!((days.days(), days.max_tenor()), (40, 30));
    let s = &pricing.surface;
    // The default calendar's few distinct event variances each have a table.
    assert!(
        (1..=8).contains(&s.event_tables().len()),
        "{}",
        s.event_tables().len()
    );
    let years = |d: u32| f64::from(d) / TRADING_DAYS_PER_YEAR;
    for day in 0..40 {
        for n in 0..=30 {
            let ev = event_variance(model, day, day + n);
            let e = f64::from(days.event_coord(day, n));
            assert_eq!(e.fract(), 0.0, "an exact table for day {day}, {n} days");
            let of = s.event_var_of(e as usize);
            assert!((of - ev).abs() <= 1e-12 * ev, "{of} vs {ev}");
            let c = expiry_constant(model, years(day), years(day + n));
            assert!((f64::from(days.vix_c(day, n)) - c).abs() <= 1e-7 * c);
        }
    }
    // Reads beyond the table clamp to its last row and column, as on the GPU.
    assert_eq!(days.event_coord(99, 99), days.event_coord(39, 30));
    assert!(
        days.event_coord(0, 30) > 0.0,
        "the default calendar has events"
    );

    let p = MarksParams::new(&pricing, 3);
    let n_spx = 1 + s.event_tables().len() as u32;
    let n_opt = pricing.vix.options.len() as u32;
    assert_eq!(
        (
            p.spx_table,
            p.spx_tables,
            p.vix_future_table,
            p.vix_option_table,
            p.vix_c_table
        ),
        (3, n_spx, 3 + n_spx, 4 + n_spx, 5 + n_spx + n_opt)
    );
    assert_eq!(p.option_c_n, n_opt);
    assert_eq!(p.zero, 0.0);
}

#[test]
#[cfg_attr(skip_gpu, ignore = "skip_gpu: VIXHEDGE_SKIP_GPU=1 at build time")]
fn gpu_marks_match_the_cpu_marks_on_the_default_preset() {
    let ctx = gpu();
    let cfg = vixhedge::config::Config::preset("default").expect("default preset");
    let spot0 = cfg.market.spot;
    let model = cfg.market_model(Measure::Q).risk_neutral();
    let pricing = StudyPricing::build(model);
    let days = DayTables::build(&pricing, DAYS, MAX_TENOR);
    let kernel = MarksTest::new(ctx).expect("building vixhedge.marks_test");
    let refs = marks_tables(&pricing, &days);
    let tables = GpuTables::new(ctx, kernel.tables_layout(), &refs).expect("uploading tables");
    let params = MarksParams::new(&pricing, 0);
    let packed = PackedTables::pack(&refs).expect("packing tables");
    let twin = MarksInputs {
        params: &params,
        tables: &packed,
    };

    let mut rng = SplitMix(0x3A2C_5EED);
    let n = 20_000;
    let queries: Vec<MarksQuery> = (0..n)
        .map(|_| {
            let kind = (rng.next_u64() & 1) as u32;
            // One query in fifty on an expiry day (intrinsic values).
            let expiry = rng.int(0, 49) == 0;
            let spx_days = if expiry { 0 } else { rng.int(1, 63) };
            let v = (rng.range(0.002f64.ln(), 0.45f64.ln())).exp();
            let spot = spot0 * rng.range(-0.35, 0.25).exp();
            let sd = (v * f64::from(spx_days.max(1)) / TRADING_DAYS_PER_YEAR).sqrt();
            let strike = (spot * (sd * rng.range(-4.5, 3.0)).exp() / 5.0).round() * 5.0;
            let delta = rng.range(0.03, 0.5);
            MarksQuery {
                kind,
                day: rng.int(0, DAYS - 1),
                spx_days,
                vix_days: if expiry { 0 } else { rng.int(1, MAX_TENOR) },
                spot: spot as f32,
                v: v as f32,
                strike: strike as f32,
                spx_delta: if kind == 0 { delta } else { -delta } as f32,
                vix_strike: 0.0,
                vix_delta: rng.range(0.1, 0.6) as f32,
                spx_d_star: norm_quantile(if kind == 0 { delta } else { 1.0 - delta }) as f32,
                _pad: 0,
            }
        })
        .collect();
    // VIX strikes around each query's CPU future.
    let queries: Vec<MarksQuery> = queries
        .into_iter()
        .map(|mut q| {
            let m = pricing.marks(q.day, f64::from(q.spot), f64::from(q.v));
            let f = m.vix_future(q.vix_days);
            q.vix_strike = ((f * rng.range(0.85, 2.2) * 2.0).round() / 2.0) as f32;
            q
        })
        .collect();
    let out = kernel
        .run(ctx, &tables, &params, &queries)
        .expect("running vixhedge.marks_test");

    // The f32 CPU twin: bit for bit where the device rounds as written.
    let mut twin_off = [0usize; 8];
    for (q, g) in queries.iter().zip(&out) {
        let kind = if q.kind == 0 {
            Kind32::Call
        } else {
            Kind32::Put
        };
        let e = twin.day_value(params.event_coord_table, q.day, q.spx_days);
        let c = twin.day_value(params.vix_c_table, q.day, q.vix_days);
        let tau = q.spx_days as f32 / 252.0;
        let vt = q.vix_days as f32;
        let (x, strike) = if tau > 0.0 {
            let x = twin.spx_strike_x(q.spx_d_star, tau, q.v, e);
            (x, twin.spx_strike_at(x, q.spot, tau))
        } else {
            (f32::NAN, f32::NAN)
        };
        let cpu = [
            e,
            c,
            twin.spx_price(kind, q.spot, q.strike, tau, q.v, e),
            strike,
            twin.vix_future(q.v, vt, c),
            twin.vix_call(q.v, vt, c, q.vix_strike, params.r),
            twin.vix_call_strike_for_delta(q.v, vt, c, q.vix_delta),
            x,
        ];
        let gpu = [
            g.event_coord,
            g.vix_c,
            g.spx_price,
            g.spx_strike,
            g.vix_future,
            g.vix_call,
            g.vix_strike,
            g.spx_strike_x,
        ];
        for (k, (a, b)) in cpu.iter().zip(&gpu).enumerate() {
            // A VIX strike search at expiry divides by a zero tenor: its
            // value is unspecified (the books never ask for one).
            let degenerate = k == 6 && q.vix_days == 0;
            let off = a.to_bits() != b.to_bits() && !(a.is_nan() && b.is_nan()) && !degenerate;
            if off && twin_off[k] < 3 {
                eprintln!("twin differs in word {k}: cpu {a} gpu {b}, {q:?}");
            }
            twin_off[k] += usize::from(off);
        }
    }
    eprintln!(
        "f32 twin vs GPU, words that differ (coord, c, SPX price, SPX strike, VIX future, VIX \
         call, VIX strike, SPX log-strike): {twin_off:?} of {n}"
    );
    if bit_exact(ctx) {
        assert_eq!(twin_off, [0; 8], "the f32 twin must give lavapipe's bits");
    }

    let years = |d: u32| f64::from(d) / TRADING_DAYS_PER_YEAR;
    let (mut price, mut price_rel, mut price_abs) =
        (Worst::default(), Worst::default(), Worst::default());
    let (mut fut, mut call) = (Worst::default(), Worst::default());
    let (mut spx_off, mut vix_off) = (Vec::new(), Vec::new());
    let (mut vix_strikes, mut with_events) = (0usize, 0usize);
    for (i, (q, g)) in queries.iter().zip(&out).enumerate() {
        let m = &pricing.model_q;
        let ev = event_variance(m, q.day, q.day + q.spx_days);
        let c = expiry_constant(m, years(q.day), years(q.day + q.vix_days));
        let coord = pricing.surface.event_coord(ev);
        assert!(
            (f64::from(g.event_coord) - coord.value()).abs() <= 1e-6,
            "event coordinate of query {i}: {} vs {coord:?}",
            g.event_coord
        );
        assert!(
            (f64::from(g.vix_c) - c).abs() <= 1e-6 * c,
            "VIX constant of query {i}: {} vs {c}",
            g.vix_c
        );
        with_events += usize::from(ev > 0.0);
        let marks = pricing.marks(q.day, f64::from(q.spot), f64::from(q.v));
        let kind = if q.kind == 0 {
            OptionKind::Call
        } else {
            OptionKind::Put
        };

        let want = marks.spx_option(kind, f64::from(q.strike), q.spx_days);
        let err = (f64::from(g.spx_price) - want).abs();
        let tol = (2e-4 * want.abs()).max(1e-3);
        price.see(err / tol, i);
        price_abs.see(err, i);
        price_rel.see(err / want.abs().max(1e-3), i);

        let want = marks.vix_future(q.vix_days);
        let err = (f64::from(g.vix_future) - want).abs();
        fut.see(err / (1e-4 * want.abs()).max(1e-4), i);

        let want = marks.vix_call(f64::from(q.vix_strike), q.vix_days);
        let err = (f64::from(g.vix_call) - want).abs();
        call.see(err / (1e-4 * want.abs()).max(1e-4), i);

        // Strikes by delta are for contracts with a life: the SPX one is NaN
        // at expiry, the VIX one is not compared there.
        if q.spx_days == 0 {
            assert!(g.spx_strike.is_nan(), "SPX strike at expiry, query {i}");
            continue;
        }
        let want = marks.spx_strike_for_delta(kind, f64::from(q.spx_delta.abs()), q.spx_days);
        if f64::from(g.spx_strike) != want {
            // The unrounded CPU strike: how far from a rounding boundary.
            let raw = pricing.surface.strike_for_delta_in(
                kind,
                f64::from(q.spx_delta),
                f64::from(q.spot),
                years(q.spx_days),
                f64::from(q.v),
                m.r,
                m.q,
                coord,
                0.0,
            );
            spx_off.push((i, f64::from(g.spx_strike), want, raw));
        }

        let want = marks.vix_call_strike_for_delta(f64::from(q.vix_delta), q.vix_days);
        if f64::from(g.vix_strike) != want {
            vix_off.push((i, f64::from(g.vix_strike), want));
        }
        vix_strikes += usize::from(want > 0.5);
    }
    eprintln!("{with_events} of {n} SPX queries with scheduled events before expiry");
    eprintln!(
        "SPX price: worst error {:.3} of the tolerance max(2e-4 rel, 1e-3 points) at query {} \
         ({:?}); worst abs {:.3e} points at {}, worst rel {:.3e} at {}",
        price.0, price.1, queries[price.1], price_abs.0, price_abs.1, price_rel.0, price_rel.1
    );
    eprintln!(
        "VIX future: worst {:.3} of max(1e-4 rel, 1e-4 points) at {}; VIX call: worst {:.3} at {} ({:?})",
        fut.0, fut.1, call.0, call.1, queries[call.1]
    );
    eprintln!(
        "strikes differing after rounding: SPX {} of {n}, VIX {} of {n}",
        spx_off.len(),
        vix_off.len()
    );
    for &(i, got, want, raw) in spx_off.iter().take(10) {
        eprintln!(
            "  SPX query {i}: gpu {got} cpu {want} (unrounded {raw:.4}, {:.4} points from the \
             boundary; {:?})",
            (raw - (5.0 * (raw / 5.0).floor() + 2.5)).abs(),
            queries[i]
        );
    }
    for &(i, got, want) in vix_off.iter().take(10) {
        eprintln!("  VIX query {i}: gpu {got} cpu {want} ({:?})", queries[i]);
    }
    assert!(price.0 <= 1.0, "SPX price beyond tolerance");
    assert!(fut.0 <= 1.0, "VIX future beyond tolerance");
    assert!(call.0 <= 1.0, "VIX call beyond tolerance");
    // One grid step apart at most: a rounding boundary, not a different root.
    // One grid step apart, and only where the f64 strike lies within f32
    // resolution (about 1e-5 relative after the Newton iteration) of a
    // rounding boundary: the same root, rounded the other way.
    for &(i, got, want, raw) in &spx_off {
        let to_boundary = (raw - (5.0 * (raw / 5.0).floor() + 2.5)).abs();
        assert!(
            (got - want).abs() <= 5.0 && to_boundary <= 1e-5 * raw,
            "SPX strike of query {i}: {got} vs {want} (unrounded {raw})"
        );
    }
    // The VIX strikes must not all sit on the 0.5 floor (a vacuous comparison).
    assert!(
        vix_strikes * 2 > n,
        "only {vix_strikes} VIX strikes above the floor"
    );
    for &(i, got, want) in &vix_off {
        assert!(
            (got - want).abs() <= 0.5,
            "VIX strike of query {i}: {got} vs {want}"
        );
    }
    assert!(
        spx_off.len() * 200 <= n,
        "SPX strikes equal on fewer than 99.5%"
    );
    assert!(
        vix_off.len() * 200 <= n,
        "VIX strikes equal on fewer than 99.5%"
    );
}
