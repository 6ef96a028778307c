//! The reductions of the study's records on the device
//! (`shaders/reduce.wgsl`) against their CPU twin (`vixhedge::cpu::reduce`):
//! on records written here, with values at and beside every kind of edge
//! (histogram edges, regime bounds, the 0.35 cut, tails, zero drawdowns,
//! subnormals, non-finite words), the device accumulator equals the CPU's
//! exactly on lavapipe, whose f32 division is correctly rounded; and the
//! CPU twin's statistics equal a hand computation.

use crate::util::gpu::{bit_exact, gpu, SplitMix};
use vixhedge::config::{HedgeProgram, RegimeBy, RegimesConfig};
use vixhedge::cpu::reduce;
use vixhedge::gpu::reduce::reduce_records;
use vixhedge::report::stats::{DRAWDOWN_SPEC, PNL_SPEC, REDUCTION_SPEC};
use vixhedge::report::{LineSet, StudyAccumulator, StudyLayout};
use vixhedge::study::kernel::LineSource;

const CAPITAL: f64 = 1_000_000.0;
/// Header words as the study kernel's records have them, then 8 words a line.
const HEADER: usize = 17;

fn layout(by: RegimeBy) -> StudyLayout {
    let regimes = RegimesConfig {
        by,
        ..RegimesConfig::default()
    };
    StudyLayout {
        lines: LineSet::new(&[HedgeProgram::Alvh, HedgeProgram::Static], &[0.5, 2.0]).unwrap(),
        regimes,
        capital: CAPITAL,
        horizon_days: 63,
    }
}

/// Line `k` at word 17 + 8k (max drawdown, P&L, peak, worst day), its ledger
/// after it (cash, premium, payoff, costs); units 1 for the programs, the
/// rung's for the rungs.
fn sources(lines: usize) -> Vec<LineSource> {
    let units = [1.0, 1.0, 1.0, 0.5, 2.0];
    (0..lines)
        .map(|k| LineSource {
            line: (HEADER + 8 * k) as u32,
            ledger: (HEADER + 8 * k + 4) as u32,
            units: units[k],
            pad: 0,
        })
        .collect()
}

/// Picks one of `edges` or the f32 just below it.
fn near_edge(r: &mut SplitMix, edges: &[f32]) -> f32 {
    let e = edges[(r.next_u32() as usize) % edges.len()];
    if r.next_u32().is_multiple_of(2) {
        e
    } else {
        e.next_down()
    }
}

/// `n` records of `lines` lines: plausible values, with about a third of
/// every field placed on or just below an edge that decides where it goes.
fn records(n: usize, lines: usize, seed: u64) -> Vec<f32> {
    let words = HEADER + 8 * lines;
    let dd_edges = DRAWDOWN_SPEC.f32_edges();
    let cap = CAPITAL as f32;
    let pnl_edges: Vec<f32> = PNL_SPEC.f32_edges().iter().map(|e| e * cap).collect();
    let mut r = SplitMix(seed);
    let mut out = vec![0.0f32; n * words];
    for (p, rec) in out.chunks_exact_mut(words).enumerate() {
        let pick = r.next_u32() % 6;
        let max_vix = match pick {
            0 => [20.0, 30.0, 45.0][(r.next_u32() % 3) as usize],
            1 => f32::next_down([20.0f32, 30.0, 45.0][(r.next_u32() % 3) as usize]),
            _ => (10.0 + 60.0 * r.unit()) as f32,
        };
        let rise = match r.next_u32() % 4 {
            0 => [3.0f32, 10.0, 25.0][(r.next_u32() % 3) as usize],
            _ => (30.0 * r.unit()) as f32,
        };
        rec[0] = max_vix;
        rec[15] = (max_vix - rise).max(9.0);
        rec[1] = (0.2 * (r.unit() - 0.5)) as f32;
        rec[16] = match r.next_u32() % 4 {
            0 => [0.05f32, 0.1, 0.2][(r.next_u32() % 3) as usize],
            _ => (0.3 * r.unit()) as f32,
        };
        let none_dd = match r.next_u32() % 8 {
            0 => 0.0,
            1 => near_edge(&mut r, &dd_edges),
            _ => (0.25 * r.unit()) as f32,
        };
        for k in 0..lines {
            let b = HEADER + 8 * k;
            rec[b] = match (k, r.next_u32() % 10) {
                (0, _) => none_dd,
                (_, 0) => 0.0,
                (_, 1) => 1.0,
                (_, 2) => near_edge(&mut r, &dd_edges),
                // The 0.35 cut and the reduction's edges: 1 - dd / none_dd
                // near them.
                (_, 3) => none_dd * 0.65,
                (_, 4) => 1e-40,
                (_, 5) => none_dd * 2.5,
                _ => (0.3 * r.unit()) as f32,
            };
            rec[b + 1] = match r.next_u32() % 8 {
                0 => near_edge(&mut r, &pnl_edges),
                1 => -2.5e6,
                2 => 3.0e6,
                3 => 1e-3,
                _ => (2e5 * (r.unit() - 0.5)) as f32,
            };
            rec[b + 2] = (1e5 * r.unit()) as f32;
            rec[b + 3] = (2e4 * r.unit()) as f32;
            rec[b + 4] = 0.0;
            if k > 0 {
                rec[b + 5] = (5e3 * r.unit()) as f32;
                rec[b + 6] = (2e4 * r.unit().powi(4)) as f32;
                rec[b + 7] = (50.0 * r.unit()) as f32;
            }
        }
        // Paths the reductions must leave out.
        match p % 997 {
            13 => rec[HEADER + 8 + 1] = f32::NAN,
            14 => rec[0] = f32::INFINITY,
            // 2 x (f32::MAX + costs) is infinite.
            15 => rec[HEADER + 8 * 4 + 5] = f32::MAX,
            _ => {}
        }
    }
    out
}

fn cpu_accumulator(lay: &StudyLayout, first: u64, recs: &[f32]) -> StudyAccumulator {
    let lines = lay.lines.len();
    let mut acc = StudyAccumulator::new(lay.clone()).unwrap();
    reduce::reduce_records(&mut acc, first, recs, HEADER + 8 * lines, &sources(lines)).unwrap();
    acc
}

#[test]
#[cfg_attr(skip_gpu, ignore = "skip_gpu: VIXHEDGE_SKIP_GPU=1 at build time")]
fn device_accumulators_equal_the_cpu_twins_on_edge_values() {
    let ctx = gpu();
    // Several workgroups of 256 paths and a ragged end, at a path offset
    // that is not a multiple of the 20 sections.
    let (n, first) = (3001, 1_000_003);
    for (by, seed) in [
        (RegimeBy::MaxVix, 1),
        (RegimeBy::VixRise, 2),
        (RegimeBy::SpxDrawdown, 3),
    ] {
        let lay = layout(by);
        let lines = lay.lines.len();
        let recs = records(n, lines, seed);
        let cpu = cpu_accumulator(&lay, first, &recs);
        let dev = reduce_records(
            ctx,
            lay.clone(),
            &sources(lines),
            HEADER + 8 * lines,
            first,
            &recs,
        )
        .expect("the device reduction");
        // Every regime holds paths, and the bad ones were left out.
        for r in vixhedge::config::Regime::ALL {
            assert!(cpu.regime(r).paths() > 0, "{by:?}: {r:?} is empty");
        }
        assert_eq!(cpu.invalid_paths(), 9, "{by:?}");
        if bit_exact(ctx) {
            if cpu != dev {
                let (a, b) = (cpu.to_state(), dev.to_state());
                let (a, b) = (
                    serde_json::to_value(a).unwrap(),
                    serde_json::to_value(b).unwrap(),
                );
                panic!(
                    "{by:?}: the accumulators differ: {}",
                    first_difference("", &a, &b)
                );
            }
        } else {
            // A hardware GPU may divide to 2.5 ULP: the same paths and
            // counts, statistics within the summary tolerance.
            assert_eq!(cpu.invalid_paths(), dev.invalid_paths());
            for r in vixhedge::config::Regime::ALL {
                assert_eq!(cpu.regime(r).paths(), dev.regime(r).paths());
            }
        }
    }
}

/// Where two JSON values first differ, for the failure message.
fn first_difference(path: &str, a: &serde_json::Value, b: &serde_json::Value) -> String {
    use serde_json::Value as V;
    match (a, b) {
        (V::Object(x), V::Object(y)) => {
            for (k, v) in x {
                if y.get(k) != Some(v) {
                    return first_difference(&format!("{path}.{k}"), v, &y[k]);
                }
            }
            format!("{path}: keys differ")
        }
        (V::Array(x), V::Array(y)) if x.len() == y.len() => {
            for (i, (u, w)) in x.iter().zip(y).enumerate() {
                if u != w {
                    return first_difference(&format!("{path}[{i}]"), u, w);
                }
            }
            format!("{path}: equal")
        }
        _ => format!("{path}: cpu {a} device {b}"),
    }
}

/// The CPU twin reads the words the record layout says, with the f32
/// arithmetic it states: a hand computation of three paths.
#[test]
fn the_cpu_twin_reads_lines_and_derives_values_by_hand() {
    let lay = layout(RegimeBy::MaxVix);
    let lines = lay.lines.len();
    let words = HEADER + 8 * lines;
    let mut recs = vec![0.0f32; 3 * words];
    for (p, rec) in recs.chunks_exact_mut(words).enumerate() {
        rec[0] = 25.0; // moderate
        rec[15] = 18.0;
        for k in 0..lines {
            let b = HEADER + 8 * k;
            rec[b] = [0.2, 0.1, 0.13, 0.3, 0.0][k] * (1.0 + p as f32);
            rec[b + 1] = 1000.0 * (k as f32 + 1.0) - 500.0 * p as f32;
            rec[b + 3] = 250.0;
            rec[b + 5] = 100.0 * k as f32;
            rec[b + 6] = 40.0 * k as f32;
            rec[b + 7] = 10.0;
        }
    }
    let acc = cpu_accumulator(&lay, 0, &recs);
    let m = acc.regime(vixhedge::config::Regime::Moderate);
    assert_eq!(m.paths(), 3);
    let s = vixhedge::report::summarize(
        &acc,
        vixhedge::report::RunInfo {
            seed: 0,
            backend: "cpu".into(),
            adapter: "test".into(),
            elapsed_s: 0.0,
            path_steps_per_s: 0.0,
            config_hash: "sha256:test".into(),
        },
    );
    let line = |name: &str| s.strategies.get(name).unwrap();
    let rung = line("alvh@x2");
    // Fractions of the capital as the reductions take them: one f32
    // division, back in USD.
    let usd = |x: f32| f64::from(x / CAPITAL as f32) * CAPITAL;
    let near = |got: f64, want: f64| (got - want).abs() <= 1e-9 * want.abs();
    // The rung x2 of line 4: premium 2 (400 + 10), payoff 2 x 160.
    let h = &rung.hedge;
    assert!(near(h.premium_paid_mean, usd(820.0)), "{h:?}");
    assert!(near(h.hedge_payoff_mean, usd(320.0)), "{h:?}");
    // Within f32 rounding of the exact amounts.
    assert!((h.premium_paid_mean - 820.0).abs() < 820.0 * 1e-7);
    // The rung x0.5 of line 3: premium 0.5 (300 + 10).
    let h = &line("alvh@x0.5").hedge;
    assert!(near(h.premium_paid_mean, usd(155.0)), "{h:?}");
    // Mean P&L of `static` (line 2): 3000, 2500 and 2000 USD.
    let want = (usd(3000.0) + usd(2500.0) + usd(2000.0)) / 3.0;
    assert!(near(line("static").pnl.mean, want));
    assert_eq!(line("static").hedge.worst_day_min, -250.0);
    // Line 4 never draws down: every path cut by 100%, counted in the top bin.
    let cut = &rung.drawdown_reduction;
    assert_eq!(cut.share_cut_35, 1.0);
    assert_eq!(cut.paths_with_drawdown, 3);
    assert!(REDUCTION_SPEC.hi() > 0.9995);
}
