//! History on the GPU: the stationary start and the daily closes of the path
//! kernel against the CPU twin (bit for bit on lavapipe).

mod util;

use vixhedge::config::{Config, InitialVariance};
use vixhedge::cpu::closes::simulate_closes;
use vixhedge::gpu::PathStep;

use util::gpu::{bit_exact, gpu};

#[test]
fn stationary_closes_match_the_cpu() {
    let Some(ctx) = gpu() else { return };
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
            assert!(
                (a.y - b.y).abs() < 1e-4 && (a.v - b.v).abs() < 1e-4 * (1.0 + a.v),
                "path {path} day {day}: cpu {a:?} gpu {b:?}"
            );
        }
    }
}

/// `facts`' model side on both backends: the same closes, hence the same facts.
#[test]
fn model_facts_agree_between_backends() {
    let Some(ctx) = gpu() else { return };
    let _ = ctx;
    let mut c = Config::preset("default").unwrap();
    c.simulation.horizon_days = 21;
    let cpu =
        vixhedge::history::model::model_closes(&vixhedge::engine::Engine::Cpu, &c, 300).unwrap();
    let engine = vixhedge::engine::Engine::gpu().unwrap();
    let gpu = vixhedge::history::model::model_closes(&engine, &c, 300).unwrap();
    let (fc, fg) = (cpu.facts(&c.regimes), gpu.facts(&c.regimes));
    if bit_exact(ctx) {
        assert_eq!(cpu, gpu);
        assert_eq!(fc, fg);
    } else {
        assert!((fc.vix.mean - fg.vix.mean).abs() < 1e-3, "{fc:?} {fg:?}");
    }
}
