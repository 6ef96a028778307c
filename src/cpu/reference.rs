//! The f64 reference study on the CPU: paths advanced 16 lanes at a time by
//! the path kernel, and at every trading day's close each lane's books
//! (`crate::strategy`, in f64) marked and traded from the f64 model marks
//! (`crate::study::marks`). The f32 twin of the study kernel checks itself
//! against this one; `bench --kernel study --reference` times it.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::path_step::{LaneBlock, LANES};
use crate::strategy::book::{PathBook, PathOutcome};
use crate::study::StudySetup;

/// Runs the books over the block of paths `first_path .. first_path + n`
/// (`n <= LANES`), returning each path's outcome.
#[must_use]
pub fn run_block(setup: &StudySetup, first_path: u32, n: usize) -> Vec<PathOutcome> {
    let n = n.min(LANES);
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
