//! History on the GPU: the stationary start and the daily closes of the path
//! kernel against the CPU twin (bit for bit on lavapipe), and `facts`' model
//! side on both backends.

use crate::util::gpu::{bit_exact, device, gpu};
use vixhedge::backend::{Device, PathEngine};
use vixhedge::config::{Config, InitialVariance};
use vixhedge::cpu::closes::simulate_closes;
use vixhedge::gpu::PathStep;

#[test]
#[cfg_attr(skip_gpu, ignore = "skip_gpu: VIXHEDGE_SKIP_GPU=1 at build time")]
fn stationary_closes_match_the_cpu() {
    let ctx = gpu();
    let mut c = Config::preset("default").unwrap();
    c.simulation.horizon_days = 30;
    c.simulation.seed = 99;
    c.market.v0 = InitialVariance::Stationary;
    // Many jumps, so the burn-in's jump branch runs on most paths.
    c.model.lambda = 20.0;
    let p = c.sim_params().unwrap();
    assert!(p.burn_steps > 0);
    let n = 700;
    let cpu = simulate_closes(&p, 3, n, None);
    let kernel = PathStep::new(ctx).unwrap();
    let gpu = kernel.simulate_closes(ctx, &p, 3, n, None).unwrap();
    assert_eq!(cpu.len(), gpu.len());
    let exact = bit_exact(ctx);
    for (i, (a, b)) in cpu.iter().zip(&gpu).enumerate() {
        let (path, day) = (3 + i / 31, i % 31);
        if exact {
            assert_eq!(
                (a.y.to_bits(), a.v.to_bits()),
                (b.y.to_bits(), b.v.to_bits()),
                "path {path} day {day}: cpu {a:?} gpu {b:?}"
            );
        } else {
            // f32 error bounds of a month of daily steps on a driver that
            // fuses multiply-adds (see util::gpu::bit_exact).
            assert!(
                (a.y - b.y).abs() < 1e-4 && (a.v - b.v).abs() < 1e-4 * (1.0 + a.v),
                "path {path} day {day}: cpu {a:?} gpu {b:?}"
            );
        }
    }
}

/// `facts`' model side on both backends: the same closes, hence the same facts.
#[test]
#[cfg_attr(skip_gpu, ignore = "skip_gpu: VIXHEDGE_SKIP_GPU=1 at build time")]
fn model_facts_agree_between_backends() {
    let mut c = Config::preset("default").unwrap();
    c.simulation.horizon_days = 21;
    let cpu_engine = PathEngine::new(&Device::Cpu).unwrap();
    let cpu = vixhedge::history::model::model_closes(&cpu_engine, &c, 300).unwrap();
    let gpu_engine = PathEngine::new(device()).unwrap();
    let gpu_panel = vixhedge::history::model::model_closes(&gpu_engine, &c, 300).unwrap();
    let (fc, fg) = (cpu.facts(&c.regimes), gpu_panel.facts(&c.regimes));
    if bit_exact(gpu()) {
        assert_eq!(cpu, gpu_panel);
        assert_eq!(fc, fg);
    } else {
        crate::util::assert_close("vix mean", fg.vix.mean, fc.vix.mean, 1e-4, 0.0);
    }
}

/// A synthetic daily history (no file needed): a VIX that mean-reverts with
/// spikes and an SPX that falls when it rises.
pub(crate) fn synthetic_series(days: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rng = crate::util::gpu::SplitMix(0x0b00_75ad);
    let (mut s, mut lv) = (2500.0f64, 18f64.ln());
    let (mut spx, mut vix) = (Vec::new(), Vec::new());
    for _ in 0..days {
        let z = rng.range(-1.0, 1.0) * 3f64.sqrt();
        let spike = if rng.unit() < 0.01 { 0.4 } else { 0.0 };
        lv += 0.03 * (18f64.ln() - lv) + 0.05 * z + spike;
        s *= (-0.8 * lv.exp() / 100.0 / 252f64.sqrt() * z).exp();
        spx.push((s * 100.0).round() / 100.0);
        vix.push((lv.exp() * 100.0).round() / 100.0);
    }
    (spx, vix)
}

/// Bootstrap paths are the same paths on both backends: the path kernel's
/// closes (the log price and the history day) bit for bit on lavapipe.
#[test]
#[cfg_attr(skip_gpu, ignore = "skip_gpu: VIXHEDGE_SKIP_GPU=1 at build time")]
fn bootstrap_paths_match_the_cpu() {
    let ctx = gpu();
    let (spx, vix) = synthetic_series(3000);
    let series = vixhedge::shared::bootstrap::BootstrapSeries::new(&spx, &vix, 10.0);
    let mut c = Config::preset("default").unwrap();
    c.simulation.horizon_days = 120;
    let p = c.sim_params().unwrap().with_bootstrap(&series);
    let n = 500;
    let cpu = simulate_closes(&p, 11, n, Some(&series));
    let gpu = PathStep::new(ctx)
        .unwrap()
        .simulate_closes(ctx, &p, 11, n, Some(&series))
        .unwrap();
    assert_eq!(cpu.len(), gpu.len());
    for (i, (a, b)) in cpu.iter().zip(&gpu).enumerate() {
        // The history day is an integer: equal everywhere.
        assert_eq!(
            a.v.to_bits(),
            b.v.to_bits(),
            "path {} day {}",
            11 + i / 121,
            i % 121
        );
        if bit_exact(ctx) {
            assert_eq!(
                a.y.to_bits(),
                b.y.to_bits(),
                "path {} day {}",
                11 + i / 121,
                i % 121
            );
        } else {
            crate::util::assert_close("y", f64::from(b.y), f64::from(a.y), 0.0, 1e-5);
        }
    }
}

/// The study kernel with a stationary start and with bootstrap paths
/// against the CPU books, with the tolerances of tests/gpu_study.rs (same
/// kernel shape as its first test, so the compiled kernel is shared).
#[test]
#[cfg_attr(skip_gpu, ignore = "skip_gpu: VIXHEDGE_SKIP_GPU=1 at build time")]
fn study_kernel_runs_stationary_and_bootstrap_paths_like_the_cpu() {
    use vixhedge::config::HedgeProgram;
    use vixhedge::study::StudySetup;
    let mut c = Config::preset("default").unwrap();
    c.simulation.horizon_days = 63;
    c.simulation.seed = 7;
    c.market.v0 = InitialVariance::Stationary;
    let setup = StudySetup::from_config(&c, &HedgeProgram::ALL).unwrap();
    assert!(setup.params.burn_steps > 0);
    // 2048 paths: about 0.5% of the paths take another f32 decision (measured
    // on 4096 paths of each source), so the 99% bound holds with room.
    let cpu = crate::gpu_study::assert_setup_agrees(&setup, 2048, 900);
    // Stationary starts differ from path to path.
    let starts: std::collections::BTreeSet<u64> = cpu.iter().map(|o| o.max_vix.to_bits()).collect();
    assert!(starts.len() > 2000);

    let (spx, vix) = synthetic_series(3000);
    c.market.v0 = InitialVariance::Level(0.02);
    let series = vixhedge::shared::bootstrap::BootstrapSeries::new(&spx, &vix, 21.0);
    let setup = StudySetup::from_config(&c, &HedgeProgram::ALL)
        .unwrap()
        .with_bootstrap(series.clone());
    let cpu = crate::gpu_study::assert_setup_agrees(&setup, 2048, 900);
    // Every path's max VIX is one of the history's closes.
    let closes: std::collections::BTreeSet<u32> =
        (0..series.days).map(|j| series.vix(j).to_bits()).collect();
    for o in &cpu {
        #[expect(clippy::cast_possible_truncation, reason = "the f32 close, widened")]
        let m = o.max_vix as f32;
        assert!(closes.contains(&m.to_bits()), "{}", o.max_vix);
    }
}
