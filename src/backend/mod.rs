//! Where paths are simulated (`--backend cpu|gpu|auto`): the one layer above
//! the CPU kernels (`crate::cpu`) and the GPU kernels (`crate::gpu`).
//!
//! - [`Backend`] is the user's choice, [`Device`] the device it resolved to
//!   (the CPU's rayon pool or a wgpu adapter);
//! - [`PathEngine`] runs the path kernel (terminal states), [`StudyEngine`]
//!   the study kernel (the market, the condor book and every hedge program on
//!   each path), each on either device behind one call.
//!
//! Neither `cpu` nor `gpu` imports this module or the other backend: the
//! kernels are independent twins that share only parameter blocks
//! (`crate::shared`) and the host-side setup (`crate::study`).
//!
//! # Kernel twins
//!
//! Every WGSL kernel has a CPU twin with the same file stem, and its wgpu
//! pipeline carries the label `vixhedge.<stem>`:
//!
//! | WGSL | CPU twin | GPU host code | pipeline label |
//! | --- | --- | --- | --- |
//! | `shaders/path_step.wgsl` | `src/cpu/path_step.rs` | `src/gpu/path_step.rs` | `vixhedge.path_step` |
//! | `shaders/study.wgsl` (books in `shaders/study/`) | `src/cpu/study.rs` (f32, bit for bit; the f64 reference books are `src/cpu/reference.rs` with `src/strategy/`) | `src/gpu/study/` | `vixhedge.study` |
//! | `shaders/reduce.wgsl` | `src/cpu/reduce.rs` with `src/report/stats.rs` | `src/gpu/reduce.rs` | `vixhedge.reduce` |
//! | `shaders/philox_kat.wgsl` | `src/shared/philox.rs` | `src/gpu/philox_kat.rs` | `vixhedge.philox_kat` |
//! | `shaders/table_lookup.wgsl` (tests) | `src/shared/tables.rs` | `src/gpu/table_lookup.rs` | `vixhedge.table_lookup` |
//! | `shaders/marks_test.wgsl` (tests) | `src/study/marks.rs` (f64) | `src/gpu/marks_test.rs` | `vixhedge.marks_test` |
//!
//! The shared WGSL modules have CPU twins of the same stem in
//! `src/shared/`: `params.wgsl` / `params.rs`, `philox.wgsl` / `philox.rs`,
//! `math.wgsl` / `math.rs`, `tables.wgsl` / `tables.rs`, `pricing.wgsl` /
//! `pricing.rs`; `qe.wgsl`, `jumps.wgsl` and `step.wgsl` are the step of the
//! path kernel, whose CPU twin is `src/cpu/path_step.rs` (16 paths in lockstep),
//! and `marks.wgsl` the in-path marks of the study kernel.

mod path;
mod study;

pub use path::PathEngine;
pub use study::{EngineBatch, StudyEngine, BATCH, GPU_BATCH};

use crate::gpu::{GpuContext, GpuError};

/// The backend asked for on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// Rust on all CPU cores (rayon).
    Cpu,
    /// WGSL compute shaders through wgpu.
    Gpu,
    /// A hardware GPU when one exists, else the CPU.
    Auto,
}

impl Backend {
    /// The name used on the command line and in JSON output.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Backend::Cpu => "cpu",
            Backend::Gpu => "gpu",
            Backend::Auto => "auto",
        }
    }
}

/// Errors starting or running a backend.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The GPU backend failed.
    #[error(transparent)]
    Gpu(#[from] GpuError),
    /// The path count does not fit the 32-bit path index of the counter.
    #[error("paths {first}..{end} exceed the 32-bit path index")]
    PathRange {
        /// First global path index asked for.
        first: u64,
        /// One past the last.
        end: u64,
    },
}

/// The device a backend choice resolved to.
#[derive(Debug)]
pub enum Device {
    /// The CPU kernels on the global rayon pool.
    Cpu,
    /// A GPU adapter.
    Gpu(Box<GpuContext>),
}

impl Device {
    /// `cpu`; `gpu` (an error without an adapter); `auto`: a hardware GPU when
    /// one exists, else the CPU (a software adapter such as lavapipe is slower
    /// than the CPU twins and compiles the study kernel for minutes on first
    /// use).
    ///
    /// # Errors
    /// `gpu` without a usable adapter.
    pub fn new(choice: Backend) -> Result<Self, GpuError> {
        Ok(match choice {
            Backend::Cpu => Self::Cpu,
            Backend::Gpu => Self::Gpu(Box::new(GpuContext::new()?)),
            Backend::Auto => match GpuContext::new() {
                Ok(ctx) if ctx.is_hardware() => Self::Gpu(Box::new(ctx)),
                _ => Self::Cpu,
            },
        })
    }

    /// `"cpu"` or `"gpu"`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Gpu(_) => "gpu",
        }
    }

    /// Human description of the device: the CPU thread count or the adapter.
    #[must_use]
    pub fn adapter(&self) -> String {
        match self {
            Self::Cpu => format!("cpu ({} threads)", rayon::current_num_threads()),
            Self::Gpu(ctx) => ctx.describe(),
        }
    }

    /// The GPU's driver and its version (null on the CPU).
    #[must_use]
    pub fn driver(&self) -> Option<String> {
        match self {
            Self::Cpu => None,
            Self::Gpu(ctx) => Some(ctx.driver()),
        }
    }

    /// The GPU context, if this is a GPU.
    #[must_use]
    pub fn gpu(&self) -> Option<&GpuContext> {
        match self {
            Self::Cpu => None,
            Self::Gpu(ctx) => Some(ctx),
        }
    }

    /// Whether this is a hardware GPU.
    #[must_use]
    pub fn is_hardware_gpu(&self) -> bool {
        matches!(self, Self::Gpu(ctx) if ctx.is_hardware())
    }

    /// Paths per study batch when `simulation.batch_paths` is 0: [`GPU_BATCH`]
    /// on a hardware GPU, else [`BATCH`].
    #[must_use]
    pub fn default_batch(&self) -> usize {
        if self.is_hardware_gpu() {
            GPU_BATCH
        } else {
            BATCH
        }
    }

    /// One line for stderr saying which backend runs, and why when `auto`
    /// chose it.
    #[must_use]
    pub fn describe_choice(&self, asked: Backend) -> String {
        let why = match (asked, self) {
            (Backend::Auto, Self::Cpu) => " (auto: no hardware GPU adapter found)",
            (Backend::Auto, Self::Gpu(_)) => " (auto: hardware GPU found)",
            _ => "",
        };
        format!("backend: {} [{}]{why}", self.name(), self.adapter())
    }
}
