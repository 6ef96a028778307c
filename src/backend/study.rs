//! The study kernel on either device, behind one call that runs a range of
//! paths.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::Device;
use crate::cpu::reference::run_paths_counted;
use crate::gpu::{GpuError, GpuStudy, StudyPhases};
use crate::strategy::PathOutcome;
use crate::study::StudySetup;

/// Paths per batch of the CPU books and of a software adapter: bounds the
/// batch's outcomes (about 11 KB a path with every program) to a few hundred
/// MB.
pub const BATCH: usize = 16_384;

/// Paths per batch of a hardware GPU. Larger batches fill a data-centre GPU
/// better: a 10^6-path `run` on an H100 took about 5, 4 and 3 s (wall time,
/// table build included) with batches of 2^14, 2^16 and 2^18 paths
/// (`results/2026-11-26-h100.md`). At 2^16 a batch's outcomes take about
/// 0.7 GB of host memory (about 11 KB a path with every program; `run` holds
/// two batches at a time); the device records are about 1 KB a path.
pub const GPU_BATCH: usize = 1 << 16;

/// A study ready to run on its device: the CPU books, or the GPU kernel
/// compiled for the run's books with its tables uploaded.
#[derive(Debug)]
pub struct StudyEngine<'a> {
    setup: &'a StudySetup,
    device: &'a Device,
    kernel: Option<GpuStudy>,
}

impl<'a> StudyEngine<'a> {
    /// Prepares `setup` on `device`.
    ///
    /// # Errors
    /// The GPU kernel cannot hold the run's books or fails to build.
    pub fn new(device: &'a Device, setup: &'a StudySetup) -> Result<Self, GpuError> {
        let kernel = match device {
            Device::Cpu => None,
            Device::Gpu(ctx) => Some(GpuStudy::new(ctx, setup)?),
        };
        Ok(Self {
            setup,
            device,
            kernel,
        })
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
        match (self.device, &self.kernel) {
            (Device::Gpu(ctx), Some(kernel)) => {
                kernel.run_paths(ctx, u64::from(first_path), n, n, |k| {
                    done.fetch_add(k, Ordering::Relaxed);
                })
            }
            _ => Ok(run_paths_counted(self.setup, first_path, n, done)),
        }
    }

    /// Where the GPU kernel's time went so far; None on the CPU.
    #[must_use]
    pub fn gpu_phases(&self) -> Option<StudyPhases> {
        self.kernel.as_ref().map(GpuStudy::phases)
    }
}
