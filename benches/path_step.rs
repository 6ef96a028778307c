//! Criterion benchmark of the path kernel on both backends: 10^6 paths x 252
//! daily steps of the `default` preset under P. Throughput is path-steps.
//! The GPU group separates dispatch (compute and wait) from dispatch plus
//! readback. Without an adapter the GPU group is left out and says so.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::time::Duration;
use vixhedge::config::Config;
use vixhedge::gpu::{GpuContext, PathStep};
use vixhedge::model::Measure;
use vixhedge::shared::params::{SimParams, TerminalState};

const PATHS: usize = 1_000_000;
const DAYS: u32 = 252;

fn params() -> SimParams {
    let cfg = Config::preset("default").expect("default preset");
    SimParams::new(&cfg.market_model(Measure::P), DAYS, 1, 42).expect("params")
}

fn bench(c: &mut Criterion) {
    let p = params();
    let steps = u64::from(p.n_steps);
    let mut g = c.benchmark_group("path_step");
    g.throughput(Throughput::Elements(PATHS as u64 * steps));
    g.sample_size(10)
        .measurement_time(Duration::from_secs(15))
        .warm_up_time(Duration::from_secs(2));
    let mut out = vec![TerminalState::default(); PATHS];
    g.bench_function("cpu", |b| {
        b.iter(|| vixhedge::cpu::path_step::simulate_terminal(&p, 0, &mut out))
    });
    match GpuContext::new() {
        Ok(ctx) => {
            let ps = PathStep::new(&ctx).expect("path_step pipeline");
            let name = ctx.describe();
            g.bench_function(format!("gpu_dispatch [{name}]"), |b| {
                b.iter(|| {
                    ps.dispatch_only(&ctx, &p, 0, PATHS, None)
                        .expect("dispatch")
                });
            });
            g.bench_function(format!("gpu_dispatch_readback [{name}]"), |b| {
                b.iter(|| {
                    ps.simulate_terminal(&ctx, &p, 0, PATHS, None)
                        .expect("simulate")
                });
            });
        }
        Err(e) => eprintln!("path_step bench: no GPU adapter ({e}); GPU group left out"),
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
