//! The f64 reference study on the CPU: paths advanced 16 lanes at a time by
//! the path kernel, and at every trading day's close each lane's books
//! (`crate::strategy`, in f64) marked and traded from the f64 model marks
//! (`crate::study::marks`). The f32 twin of the study kernel checks itself
//! against this one; `bench --kernel study --reference` times it.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::path_step::{LaneBlock, LANES};
use crate::shared::bootstrap::{filtered_variance_f32, BootstrapPath, BootstrapSeries};
use crate::strategy::book::{PathBook, PathOutcome};
use crate::strategy::marks::DayState;
use crate::study::StudySetup;

/// Runs the books over the block of paths `first_path .. first_path + n`
/// (`n <= LANES`), returning each path's outcome.
#[must_use]
pub fn run_block(setup: &StudySetup, first_path: u32, n: usize) -> Vec<PathOutcome> {
    let n = n.min(LANES);
    if let Some(series) = &setup.bootstrap {
        let map = setup.vix_map_f32();
        return (0..n)
            .map(|l| run_bootstrap_path(setup, series, &map, first_path.wrapping_add(l as u32)))
            .collect();
    }
    let p = &setup.params;
    let mut block = LaneBlock::new(p, first_path);
    // Each lane's own day-0 variance (they differ with a stationary start).
    let mut books: Vec<PathBook<'_>> = (0..n)
        .map(|l| {
            let marks0 = setup.pricing.marks(0, setup.spot, f64::from(block.v[l]));
            PathBook::start(&setup.spec, &marks0.day_state(), &marks0)
        })
        .collect();
    let spd = p.steps_per_day;
    for day in 1..=setup.horizon_days {
        for s in 0..spd {
            block.step(p, (day - 1) * spd + s);
        }
        for (l, book) in books.iter_mut().enumerate() {
            let spx = setup.spot * f64::from(block.y[l]).exp();
            let marks = setup.pricing.marks(day, spx, f64::from(block.v[l]));
            book.step(&marks.day_state(), &marks);
        }
    }
    books.iter().map(PathBook::outcome).collect()
}

/// One bootstrap path (`crate::shared::bootstrap`): SPX from the spot by the
/// historical log returns, the day's VIX the history's close (`f32`, as the
/// kernel reads it), every position marked at the variance filtered from it.
/// The path source is the kernels' `f32` arithmetic (the filtered variance
/// too, as the path kernel's variance is for model paths); the books are f64.
fn run_bootstrap_path(
    setup: &StudySetup,
    series: &BootstrapSeries,
    map: &(f32, Vec<f32>),
    path: u32,
) -> PathOutcome {
    let key = [setup.params.key0, setup.params.key1];
    let day_state = |b: &BootstrapPath, day: u32| {
        let close = series.vix(b.day);
        let v = filtered_variance_f32(close, map.0, map.1[day as usize]);
        let vix = f64::from(close);
        let spx = setup.spot * f64::from(b.y()).exp();
        let marks = setup.pricing.marks(day, spx, f64::from(v));
        let state = DayState {
            vix,
            ..marks.day_state()
        };
        (state, marks)
    };
    let mut b = BootstrapPath::start(series, key, path);
    let (s0, m0) = day_state(&b, 0);
    let mut book = PathBook::start(&setup.spec, &s0, &m0);
    for day in 1..=setup.horizon_days {
        b.step(series, key, path, day);
        let (s, m) = day_state(&b, day);
        book.step(&s, &m);
    }
    book.outcome()
}

/// Runs paths `first_path .. first_path + n` in parallel over blocks of
/// [`LANES`] paths; outcomes in path order, independent of the thread count.
#[must_use]
pub fn run_paths(setup: &StudySetup, first_path: u32, n: usize) -> Vec<PathOutcome> {
    run_paths_counted(setup, first_path, n, &AtomicUsize::new(0))
}

/// [`run_paths`], adding the number of finished paths to `done` as blocks
/// complete (for a progress display on another thread).
#[must_use]
pub fn run_paths_counted(
    setup: &StudySetup,
    first_path: u32,
    n: usize,
    done: &AtomicUsize,
) -> Vec<PathOutcome> {
    let blocks = n.div_ceil(LANES);
    let per: Vec<Vec<PathOutcome>> = (0..blocks)
        .into_par_iter()
        .map(|b| {
            let start = b * LANES;
            let len = (n - start).min(LANES);
            let out = run_block(setup, first_path.wrapping_add(start as u32), len);
            done.fetch_add(len, Ordering::Relaxed);
            out
        })
        .collect();
    per.into_iter().flatten().collect()
}
