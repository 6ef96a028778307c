//! The CPU study kernel (`vixhedge::cpu::study`, the f32 twin of
//! `shaders/study.wgsl`; tests/gpu_study.rs holds it to the GPU's records
//! bit for bit) on its own: against the f64 reference books within the
//! stated tolerances, and independent of how the paths are sliced and
//! threaded.

use std::sync::atomic::AtomicUsize;

use vixhedge::config::{Config, HedgeProgram};
use vixhedge::cpu::reference::run_paths;
use vixhedge::cpu::study::CpuStudy;
use vixhedge::study::compare::{compare, Agreement};
use vixhedge::study::StudySetup;

fn setup(horizon: u32, seed: u64) -> StudySetup {
    let mut config = Config::preset("default").expect("the default preset");
    config.simulation.horizon_days = horizon;
    config.simulation.seed = seed;
    StudySetup::from_config(&config, &HedgeProgram::ALL).expect("setup")
}

/// The stated tolerances of tests/gpu_study.rs (the same f32 kernel): path
/// quantities on every path, every book number on at least 99% of paths.
#[test]
fn cpu_kernel_agrees_with_the_f64_books() {
    let s = setup(63, 5);
    let n = 2048;
    let f64_books = run_paths(&s, 0, n);
    let twin = CpuStudy::new(&s).expect("the CPU kernel");
    let f32_books = twin.run_paths(0, n, &AtomicUsize::new(0));
    let cap = s.spec.condor.capital;
    let mut a = Agreement::default();
    a.add(&f64_books, &f32_books, cap);
    let others: Vec<_> = f64_books
        .iter()
        .zip(&f32_books)
        .map(|(x, y)| compare(x, y, cap))
        .enumerate()
        .filter(|(_, d)| !d.within_tolerance())
        .take(5)
        .collect();
    eprintln!("{a:?}; first others: {others:?}");
    assert!(a.max_vix_diff <= 2e-6, "{a:?}");
    assert!(a.max_spx_return_diff <= 2e-6, "{a:?}");
    assert!(a.within_tolerance * 100 >= n * 99, "{a:?}");
    let opened: u32 = f32_books.iter().map(|o| o.condor_tally.opened).sum();
    assert!(opened as usize > 5 * n);
}

#[test]
fn records_do_not_depend_on_slicing_or_threads() {
    let s = setup(21, 9);
    let twin = CpuStudy::new(&s).expect("the CPU kernel");
    let words = twin.layout().words();
    let n = 700;
    let all = twin.run_records(0, n, &AtomicUsize::new(0));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    let mut pieces = Vec::new();
    pool.install(|| {
        let mut start = 0;
        for len in [1usize, 17, 300, 382] {
            pieces.extend(twin.run_records(start as u32, len, &AtomicUsize::new(0)));
            start += len;
        }
    });
    assert_eq!(all.len(), n * words);
    let same = all
        .iter()
        .zip(&pieces)
        .all(|(a, b)| a.to_bits() == b.to_bits());
    assert!(same, "records differ between slicings");
}
