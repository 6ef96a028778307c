//! The study kernel on either device, behind one call that runs a range of
//! paths: the `f32` study kernel (its CPU twin `crate::cpu::study` or the
//! GPU's `shaders/study.wgsl`), or the `f64` reference books.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::Device;
use crate::cpu::reference::run_paths_counted;
use crate::cpu::study::CpuStudy;
use crate::gpu::{GpuError, GpuReduction, GpuStudy, StudyPhases};
use crate::report::{StudyAccumulator, StudyLayout};
use crate::strategy::PathOutcome;
use crate::study::kernel::{LineSource, RecordLayout};
use crate::study::StudySetup;

/// Paths per batch on the CPU and on a software adapter: a batch's outcomes
/// take about 11 KB a path with every program (`run` holds two batches).
pub const BATCH: usize = 8_192;

/// Paths per batch of a hardware GPU. Larger batches fill a data-centre GPU
/// better: a 10^6-path `run` on an H100 took about 5, 4 and 3 s (wall time,
/// table build included) with batches of 2^14, 2^16 and 2^18 paths
/// (`results/2026-11-26-h100.md`). At 2^16 a batch's outcomes take about
/// 0.7 GB of host memory (about 11 KB a path with every program; `run` holds
/// two batches at a time); the device records are about 1 KB a path.
pub const GPU_BATCH: usize = 1 << 16;

/// What [`StudyEngine::run_batch`] returns for a range of paths.
#[derive(Debug)]
pub enum EngineBatch {
    /// The `f32` kernel's records, [`StudyEngine::layout`]'s words a path.
    Records(Vec<f32>),
    /// The `f64` reference books' outcomes.
    Outcomes(Vec<PathOutcome>),
}

impl EngineBatch {
    /// Paths in the batch (`words` words a record).
    #[must_use]
    pub fn paths(&self, words: usize) -> usize {
        match self {
            EngineBatch::Records(r) => r.len() / words.max(1),
            EngineBatch::Outcomes(o) => o.len(),
        }
    }
}

/// Which implementation a [`StudyEngine`] runs.
#[derive(Debug)]
#[expect(clippy::large_enum_variant, reason = "one engine a run, never copied")]
enum Kernel {
    /// The `f32` study kernel's CPU twin.
    Cpu(CpuStudy),
    /// The `f32` study kernel on a GPU.
    Gpu(GpuStudy),
    /// The `f64` reference books (`crate::cpu::reference`).
    Reference,
}

/// A study ready to run: the study kernel on its device (CPU twin or GPU,
/// compiled and with its tables uploaded), or the `f64` reference books.
#[derive(Debug)]
pub struct StudyEngine<'a> {
    setup: &'a StudySetup,
    device: &'a Device,
    kernel: Kernel,
}

impl<'a> StudyEngine<'a> {
    /// Prepares the study kernel of `setup` on `device`.
    ///
    /// # Errors
    /// The kernel cannot hold the run's books, or the GPU kernel fails to
    /// build.
    pub fn new(device: &'a Device, setup: &'a StudySetup) -> Result<Self, GpuError> {
        let kernel = match device {
            Device::Cpu => Kernel::Cpu(
                CpuStudy::new(setup).map_err(|e| GpuError::TooLarge(format!("CPU: {}", e.0)))?,
            ),
            Device::Gpu(ctx) => Kernel::Gpu(GpuStudy::new(ctx, setup)?),
        };
        Ok(Self {
            setup,
            device,
            kernel,
        })
    }

    /// The `f64` reference books of `setup` on the CPU (`bench --reference`,
    /// the tests' reference).
    #[must_use]
    pub fn reference(setup: &'a StudySetup) -> Self {
        Self {
            setup,
            device: &Device::Cpu,
            kernel: Kernel::Reference,
        }
    }

    /// Whether this runs the `f64` reference books.
    #[must_use]
    pub fn is_reference(&self) -> bool {
        matches!(self.kernel, Kernel::Reference)
    }

    /// The device.
    #[must_use]
    pub fn device(&self) -> &Device {
        self.device
    }

    /// Runs paths `first_path .. first_path + n` (one GPU dispatch, or the
    /// CPU's blocks in parallel) and returns their outcomes in path order;
    /// `done` grows by the paths finished as they finish.
    ///
    /// # Errors
    /// GPU dispatch or readback failures.
    pub fn run_paths(
        &self,
        first_path: u32,
        n: usize,
        done: &AtomicUsize,
    ) -> Result<Vec<PathOutcome>, GpuError> {
        match (&self.kernel, self.device) {
            (Kernel::Gpu(kernel), Device::Gpu(ctx)) => {
                kernel.run_paths(ctx, u64::from(first_path), n, n, |k| {
                    done.fetch_add(k, Ordering::Relaxed);
                })
            }
            (Kernel::Cpu(kernel), _) => Ok(kernel.run_paths(first_path, n, done)),
            _ => Ok(run_paths_counted(self.setup, first_path, n, done)),
        }
    }

    /// Runs paths `first_path .. first_path + n` as [`Self::run_paths`]
    /// does, returning what the reductions read: the `f32` kernel's records
    /// (read by [`Self::layout`]), or the reference books' outcomes; `done`
    /// grows by the paths finished as they finish.
    ///
    /// # Errors
    /// GPU dispatch or readback failures.
    pub fn run_batch(
        &self,
        first_path: u32,
        n: usize,
        done: &AtomicUsize,
    ) -> Result<EngineBatch, GpuError> {
        Ok(match (&self.kernel, self.device) {
            (Kernel::Gpu(kernel), Device::Gpu(ctx)) => EngineBatch::Records(
                kernel.run_records_counted(ctx, u64::from(first_path), n, n, |k| {
                    done.fetch_add(k, Ordering::Relaxed);
                })?,
            ),
            (Kernel::Cpu(kernel), _) => {
                EngineBatch::Records(kernel.run_records(first_path, n, done))
            }
            _ => EngineBatch::Outcomes(run_paths_counted(self.setup, first_path, n, done)),
        })
    }

    /// Device accumulators for studies of these records, one per
    /// `(layout, line sources)`: Some on a GPU, None elsewhere (the host
    /// reduces there).
    ///
    /// # Errors
    /// An accumulator the device cannot hold, or a kernel that fails to build.
    pub fn device_reductions(
        &self,
        studies: &[(StudyLayout, Vec<LineSource>)],
    ) -> Result<Option<Vec<GpuReduction>>, GpuError> {
        let (Kernel::Gpu(kernel), Device::Gpu(ctx)) = (&self.kernel, self.device) else {
            return Ok(None);
        };
        let words = kernel.layout().words();
        studies
            .iter()
            .map(|(layout, sources)| GpuReduction::new(ctx, layout.clone(), sources, words))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// Runs paths `first_path .. first_path + n` on the GPU and reduces
    /// their records on the device into `reductions` (none comes back);
    /// `done` grows by the paths finished as they finish. When `take`, the
    /// accumulators are then read back and cleared, and returned in the order
    /// of `reductions`.
    ///
    /// # Errors
    /// Not a GPU engine, or dispatch and readback failures.
    pub fn run_reduced(
        &self,
        first_path: u32,
        n: usize,
        done: &AtomicUsize,
        reductions: &[GpuReduction],
        take: bool,
    ) -> Result<Option<Vec<StudyAccumulator>>, GpuError> {
        let (Kernel::Gpu(kernel), Device::Gpu(ctx)) = (&self.kernel, self.device) else {
            return Err(GpuError::TooLarge(
                "device reductions need the GPU study kernel".into(),
            ));
        };
        kernel.run_reduced(ctx, u64::from(first_path), n, n, reductions, |k| {
            done.fetch_add(k, Ordering::Relaxed);
        })?;
        if !take {
            return Ok(None);
        }
        reductions
            .iter()
            .map(|r| r.take(ctx))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// The `f32` kernel's raw records of paths `first_path .. first_path +
    /// n` (the layout's words per path); None for the reference books.
    ///
    /// # Errors
    /// GPU dispatch or readback failures.
    pub fn run_records(&self, first_path: u32, n: usize) -> Result<Option<Vec<f32>>, GpuError> {
        Ok(match (&self.kernel, self.device) {
            (Kernel::Gpu(kernel), Device::Gpu(ctx)) => {
                Some(kernel.run_records(ctx, u64::from(first_path), n, n)?)
            }
            (Kernel::Cpu(kernel), _) => {
                Some(kernel.run_records(first_path, n, &AtomicUsize::new(0)))
            }
            _ => None,
        })
    }

    /// How the `f32` kernel's records read; None for the reference books.
    #[must_use]
    pub fn layout(&self) -> Option<&RecordLayout> {
        match &self.kernel {
            Kernel::Cpu(k) => Some(k.layout()),
            Kernel::Gpu(k) => Some(k.layout()),
            Kernel::Reference => None,
        }
    }

    /// Where the GPU kernel's time went so far; None elsewhere.
    #[must_use]
    pub fn gpu_phases(&self) -> Option<StudyPhases> {
        match &self.kernel {
            Kernel::Gpu(k) => Some(k.phases()),
            _ => None,
        }
    }
}
