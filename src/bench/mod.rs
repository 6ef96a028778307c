//! `vixhedge bench`: the path kernel or the full study kernel on each backend
//! over the same seed and paths, wall time, throughput and the per-path
//! differences between the backends.

use std::sync::atomic::AtomicUsize;
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::backend::{Backend, BackendError, Device, PathEngine, StudyEngine};
use crate::gpu::{GpuError, StudyPhases};
use crate::shared::params::{SimParams, TerminalState};
use crate::study::compare::Agreement;
use crate::study::StudySetup;

pub mod compare;
pub mod machine;

pub use machine::Machine;

/// One backend's timing.
#[derive(Debug, Clone, Serialize)]
pub struct BenchResult {
    /// `"cpu"` or `"gpu"`.
    pub backend: String,
    /// Device description.
    pub adapter: String,
    /// The GPU's driver and version (null on the CPU).
    pub driver: Option<String>,
    /// Wall time of the best of the timed repetitions, seconds (simulation plus
    /// readback of the terminal states; device start-up and pipeline compilation
    /// excluded by a warm-up run).
    pub seconds: f64,
    /// Paths x steps / seconds.
    pub path_steps_per_s: f64,
}

/// The `bench --json` document (`docs/cli.md`).
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// `"path"`.
    pub kernel: String,
    /// The machine and build the figures were measured on.
    pub machine: Machine,
    /// The configuration's identity without its path count (see
    /// [`StudyBenchReport::config`]); set by the command.
    pub config: String,
    /// Worker threads of the CPU backend.
    pub threads: usize,
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
    backends: &[Backend],
    repeats: usize,
    batch_paths: Option<usize>,
) -> Result<BenchReport, BackendError> {
    let mut results = Vec::new();
    let mut finals: Vec<Vec<TerminalState>> = Vec::new();
    for &b in backends {
        let device = Device::new(b)?;
        let engine = PathEngine::new(&device)?;
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
            driver: device.driver(),
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
        kernel: "path".into(),
        machine: Machine::this(),
        config: String::new(),
        threads: rayon::current_num_threads(),
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

/// One backend's time on the study kernel.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StudyBenchResult {
    /// `"cpu"` or `"gpu"`.
    pub backend: String,
    /// Device description.
    pub adapter: String,
    /// The GPU's driver and version (null on the CPU and for the reference
    /// books).
    #[serde(default)]
    pub driver: Option<String>,
    /// Wall time over all batches, seconds: simulation, books and the
    /// outcomes back in host memory (pricing tables, pipeline compilation and
    /// the reductions excluded).
    pub seconds: f64,
    /// Paths x time steps / seconds.
    pub path_steps_per_s: f64,
    /// Paths x trading days (each a close at which every book is marked and traded) / seconds.
    pub path_days_per_s: f64,
    /// On a GPU: the timed batches' seconds in the kernel, the readback and
    /// the conversion of records into outcomes.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub gpu_phases: Option<StudyPhases>,
}

/// The `bench --kernel study --json` document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StudyBenchReport {
    /// `"study"`.
    pub kernel: String,
    /// The machine and build the figures were measured on (null in records
    /// written before it was added).
    #[serde(default)]
    pub machine: Option<Machine>,
    /// The configuration's identity without its path count
    /// ([`crate::config::Config::study_hash`] with `simulation.paths = 0`):
    /// `bench compare` refuses records of different configurations.
    #[serde(default)]
    pub config: String,
    /// Worker threads of the CPU backend (the machine's cores unless
    /// `RAYON_NUM_THREADS` says otherwise).
    #[serde(default)]
    pub threads: usize,
    /// Paths per backend.
    pub paths: u64,
    /// Trading days per path.
    pub days: u32,
    /// Time steps per path.
    pub steps: u64,
    /// The hedge programs on every path, `none` first.
    pub programs: Vec<String>,
    /// Equity lines per path (programs and ladder rungs).
    pub lines: usize,
    /// Paths per batch (each backend runs the same batches in turn).
    pub batch_paths: usize,
    /// One entry per backend, in the order asked.
    pub results: Vec<StudyBenchResult>,
    /// Per-path agreement of the first two backends (null with one backend):
    /// `paths`, `bit_identical` (every record word the same bits),
    /// `within_tolerance` and the largest differences.
    pub agreement: Option<Agreement>,
    /// The same count as `agreement.bit_identical`, kept for records and
    /// tools from before it moved there (null with one backend).
    #[serde(default)]
    pub bit_identical_paths: Option<u64>,
    /// Per-path agreement of the first backend with the f64 reference books
    /// (`bench --reference`; null without).
    #[serde(default)]
    pub reference_agreement: Option<Agreement>,
}

/// Times the study kernel of `setup` on each backend over paths `0..paths`,
/// batch by batch (every backend runs a batch, then the next batch), and
/// compares the first two backends path by path; with `reference`, also the
/// f64 reference books (a last result, backend `reference`), which the first
/// backend is compared with path by path. `batch` paths a batch, or
/// (None) the largest default batch of the devices ([`Device::default_batch`]).
/// `progress(done)` is called
/// after each batch. A warm-up batch of 64 paths per backend (pipeline
/// compilation, thread pool) is not timed.
///
/// # Errors
/// A backend that cannot start or fails.
pub fn run_study(
    setup: &StudySetup,
    config: &str,
    paths: usize,
    backends: &[Backend],
    batch: Option<usize>,
    reference: bool,
    mut progress: impl FnMut(usize),
) -> Result<StudyBenchReport, GpuError> {
    let devices = backends
        .iter()
        .map(|&b| Device::new(b))
        .collect::<Result<Vec<_>, _>>()?;
    let mut engines = devices
        .iter()
        .map(|d| StudyEngine::new(d, setup))
        .collect::<Result<Vec<_>, _>>()?;
    let kernels = engines.len();
    if reference {
        engines.push(StudyEngine::reference(setup));
    }
    let batch = batch
        .unwrap_or_else(|| devices.iter().map(Device::default_batch).max().unwrap_or(1))
        .max(1);
    #[expect(
        clippy::cast_possible_truncation,
        reason = "paths fit u32, checked by the config"
    )]
    let run = |e: &StudyEngine<'_>, first: usize, n: usize| {
        let first = first as u32;
        match e.layout() {
            // The records, then the outcomes read from them (in parallel).
            Some(layout) => {
                let words = layout.words();
                let records = e.run_records(first, n)?.unwrap_or_default();
                let outs = records
                    .par_chunks_exact(words)
                    .map(|r| layout.outcome(r))
                    .collect();
                Ok::<_, GpuError>((Some(records), outs))
            }
            None => Ok((None, e.run_paths(first, n, &AtomicUsize::new(0))?)),
        }
    };
    for e in &engines {
        run(e, 0, paths.min(64))?;
    }
    // The warm-up's phases, taken off the timed ones.
    let warm: Vec<Option<StudyPhases>> = engines.iter().map(StudyEngine::gpu_phases).collect();
    let mut seconds = vec![0.0f64; engines.len()];
    let mut agreement = (kernels >= 2).then(Agreement::default);
    let mut reference_agreement = (reference && kernels >= 1).then(Agreement::default);
    let mut identical = (kernels >= 2).then_some(0u64);
    let capital = setup.spec.condor.capital;
    let mut done = 0;
    while done < paths {
        let n = batch.min(paths - done);
        let mut outs = Vec::with_capacity(2);
        let mut recs = Vec::with_capacity(2);
        let mut reference_outs = None;
        for (i, e) in engines.iter().enumerate() {
            let t = Instant::now();
            let (rec, out) = run(e, done, n)?;
            seconds[i] += t.elapsed().as_secs_f64();
            if i >= kernels {
                reference_outs = Some(out);
            } else if i < 2 {
                outs.push(out);
                recs.push(rec);
            }
        }
        if let Some(a) = agreement.as_mut() {
            a.add(&outs[0], &outs[1], capital);
        }
        if let (Some(a), Some(r)) = (reference_agreement.as_mut(), &reference_outs) {
            a.add(&outs[0], r, capital);
        }
        if let (Some(count), [Some(a), Some(b)]) = (identical.as_mut(), &recs[..]) {
            let words = a.len() / n.max(1);
            *count += a
                .chunks_exact(words.max(1))
                .zip(b.chunks_exact(words.max(1)))
                .filter(|(x, y)| x.iter().zip(*y).all(|(p, q)| p.to_bits() == q.to_bits()))
                .count() as u64;
        } else {
            identical = None;
        }
        done += n;
        progress(done);
    }
    let steps = u64::from(setup.params.n_steps);
    let cpu = Device::Cpu;
    let results = devices
        .iter()
        .chain(reference.then_some(&cpu))
        .zip(&seconds)
        .zip(engines.iter().zip(&warm))
        .map(|((d, &s), (e, w))| StudyBenchResult {
            backend: if e.is_reference() {
                "reference".to_string()
            } else {
                d.name().to_string()
            },
            adapter: if e.is_reference() {
                format!("f64 books on {}", d.adapter())
            } else {
                d.adapter()
            },
            driver: if e.is_reference() { None } else { d.driver() },
            seconds: s,
            path_steps_per_s: paths as f64 * steps as f64 / s,
            path_days_per_s: paths as f64 * f64::from(setup.horizon_days) / s,
            gpu_phases: e.gpu_phases().zip(*w).map(|(p, w)| StudyPhases {
                kernel_s: p.kernel_s - w.kernel_s,
                readback_s: p.readback_s - w.readback_s,
                convert_s: p.convert_s - w.convert_s,
            }),
        })
        .collect();
    let lines = setup.spec.programs.iter().map(|p| 1 + p.ladder.len()).sum();
    if let Some(a) = agreement.as_mut() {
        a.bit_identical = identical;
    }
    Ok(StudyBenchReport {
        kernel: "study".into(),
        machine: Some(Machine::this()),
        config: config.to_string(),
        threads: rayon::current_num_threads(),
        paths: paths as u64,
        days: setup.horizon_days,
        steps,
        programs: setup
            .spec
            .programs
            .iter()
            .map(|p| p.program.name().to_string())
            .collect(),
        lines,
        batch_paths: batch,
        results,
        agreement,
        bit_identical_paths: identical,
        reference_agreement,
    })
}
