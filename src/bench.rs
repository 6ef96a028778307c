//! `vixhedge bench`: the path kernel on each backend over the same seed and
//! paths, wall time, throughput and the largest per-path difference.

use serde::Serialize;

use crate::engine::{BackendChoice, Engine, EngineError};
use crate::sim::{SimParams, TerminalState};

/// One backend's timing.
#[derive(Debug, Clone, Serialize)]
pub struct BenchResult {
    /// `"cpu"` or `"gpu"`.
    pub backend: String,
    /// Device description.
    pub adapter: String,
    /// Wall time of the best of the timed repetitions, seconds (simulation plus
    /// readback of the terminal states; device start-up and pipeline compilation
    /// excluded by a warm-up run).
    pub seconds: f64,
    /// Paths x steps / seconds.
    pub path_steps_per_s: f64,
}

/// The `bench --json` document (DESIGN.md section 8).
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// Paths simulated per backend.
    pub paths: u64,
    /// Time steps per path.
    pub steps: u64,
    /// One entry per backend, in the order asked.
    pub results: Vec<BenchResult>,
    /// Largest per-path |difference| of the final log price between the first
    /// two backends (null with one backend).
    pub max_abs_diff: Option<f64>,
}

/// Times the path kernel of `params` on each backend over paths `0..paths`,
/// `repeats` timed runs after one warm-up, keeping the fastest.
///
/// # Errors
/// A backend that cannot start or fails.
pub fn run(
    params: &SimParams,
    paths: usize,
    backends: &[BackendChoice],
    repeats: usize,
    batch_paths: Option<usize>,
) -> Result<BenchReport, EngineError> {
    let mut results = Vec::new();
    let mut finals: Vec<Vec<TerminalState>> = Vec::new();
    for &b in backends {
        let engine = Engine::new(b)?;
        // Warm-up: pipeline compilation, buffer allocation, thread pool start.
        let warm = paths.min(65_536);
        engine.simulate_terminal(params, 0, warm, batch_paths)?;
        let mut best = f64::INFINITY;
        let mut last = Vec::new();
        for _ in 0..repeats.max(1) {
            let (out, s) = engine.simulate_timed(params, 0, paths, batch_paths)?;
            best = best.min(s);
            last = out;
        }
        let steps = f64::from(params.n_steps);
        results.push(BenchResult {
            backend: engine.name().to_string(),
            adapter: engine.adapter(),
            seconds: best,
            path_steps_per_s: paths as f64 * steps / best,
        });
        finals.push(last);
    }
    let max_abs_diff = if finals.len() >= 2 {
        Some(max_abs_diff_y(&finals[0], &finals[1]))
    } else {
        None
    };
    Ok(BenchReport {
        paths: paths as u64,
        steps: u64::from(params.n_steps),
        results,
        max_abs_diff,
    })
}

/// Largest |y_a - y_b| over paths (final log prices differ by the same amount).
#[must_use]
pub fn max_abs_diff_y(a: &[TerminalState], b: &[TerminalState]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (f64::from(x.y) - f64::from(y.y)).abs())
        .fold(0.0, f64::max)
}
