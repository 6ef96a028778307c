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
    let cpu = simulate_closes(&p, 3, n);
    let kernel = PathStep::new(ctx).unwrap();
    let gpu = kernel.simulate_closes(ctx, &p, 3, n).unwrap();
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
