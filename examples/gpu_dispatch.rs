//! The GPU study kernel with fixed dispatch sizes: how the split of a batch
//! into dispatches, and the overlap of each dispatch with the readback of
//! the previous one, change the wall time and the phases on this adapter.
//!
//!     cargo run --release --example gpu_dispatch -- PATHS DISPATCH...
//!
//! Runs the `default` preset's study (63 days, every program) on paths
//! `0..PATHS` as one batch once per `DISPATCH` (paths a dispatch, rounded up
//! to whole workgroups; 0 for the default rule of `GpuStudy`), after an
//! untimed warm-up, and prints the seconds, the dispatches, the phases and
//! whether the outcomes equal the first run's (they must: a path's record
//! depends only on its index).

use std::time::Instant;

use vixhedge::config::{Config, HedgeProgram};
use vixhedge::gpu::{GpuContext, GpuStudy};
use vixhedge::study::StudySetup;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numbers: PATHS DISPATCH..."))
        .collect();
    let (&paths, sizes) = args
        .split_first()
        .expect("usage: gpu_dispatch PATHS DISPATCH...");
    let mut config = Config::preset("default").expect("the default preset");
    config.simulation.horizon_days = 63;
    config.simulation.seed = 7;
    let setup = StudySetup::from_config(&config, &HedgeProgram::ALL).expect("setup");
    let ctx = GpuContext::new().expect("a GPU adapter");
    let study = GpuStudy::new(&ctx, &setup).expect("the study kernel");
    println!("adapter: {}", ctx.describe());
    let _ = study.run_paths(&ctx, 0, 64, 64, |_| {}).expect("warm-up");
    let mut first = None;
    for &size in sizes {
        study.set_dispatch_paths((size > 0).then_some(size));
        let before = study.phases();
        let mut dispatches = 0;
        let t = Instant::now();
        let outcomes = study
            .run_paths(&ctx, 0, paths, paths, |_| dispatches += 1)
            .expect("the study");
        let s = t.elapsed().as_secs_f64();
        let p = study.phases();
        let same = first.get_or_insert_with(|| outcomes.clone()) == &outcomes;
        println!(
            "dispatch {size:>6}: {s:7.3} s, {dispatches:>3} dispatches, kernel {:.3} s, readback {:.3} s, convert {:.3} s, same outcomes: {same}",
            p.kernel_s - before.kernel_s,
            p.readback_s - before.readback_s,
            p.convert_s - before.convert_s,
        );
    }
}
