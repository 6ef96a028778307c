//! Backend selection (`--backend cpu|gpu|auto`) and the one entry point the
//! commands use to simulate paths on either backend.

use std::time::Instant;

pub use crate::cli::Backend as BackendChoice;
use crate::gpu::{GpuContext, GpuError, PathStep};
use crate::sim::{SimParams, TerminalState};

/// Errors creating or running a backend.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
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

/// A ready backend: the CPU, or a GPU context with its compiled pipelines.
#[expect(clippy::large_enum_variant, reason = "one engine per process")]
pub enum Engine {
    /// The CPU backend on the global rayon pool.
    Cpu,
    /// The GPU backend.
    Gpu {
        /// The device, queue and adapter description.
        ctx: GpuContext,
        /// The path kernel.
        path_step: PathStep,
    },
}

impl Engine {
    /// Creates the backend for `choice`. `auto` picks a hardware GPU when one
    /// exists and falls back to the CPU otherwise (software adapters are slower
    /// than the CPU twin, so `auto` does not use them).
    ///
    /// # Errors
    /// `gpu` with no usable adapter, or a device that fails to start.
    pub fn new(choice: BackendChoice) -> Result<Self, EngineError> {
        match choice {
            BackendChoice::Cpu => Ok(Self::Cpu),
            BackendChoice::Gpu => Self::gpu(),
            BackendChoice::Auto => match GpuContext::new() {
                Ok(ctx) if ctx.is_hardware() => {
                    let path_step = PathStep::new(&ctx)?;
                    Ok(Self::Gpu { ctx, path_step })
                }
                _ => Ok(Self::Cpu),
            },
        }
    }

    /// The GPU backend on the adapter the environment selects.
    ///
    /// # Errors
    /// No adapter, or the device fails to start.
    pub fn gpu() -> Result<Self, EngineError> {
        let ctx = GpuContext::new()?;
        let path_step = PathStep::new(&ctx)?;
        Ok(Self::Gpu { ctx, path_step })
    }

    /// `"cpu"` or `"gpu"`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Gpu { .. } => "gpu",
        }
    }

    /// Human description of the device: the CPU thread count or the adapter.
    #[must_use]
    pub fn adapter(&self) -> String {
        match self {
            Self::Cpu => format!("cpu ({} threads)", rayon::current_num_threads()),
            Self::Gpu { ctx, .. } => ctx.describe(),
        }
    }

    /// Simulates global paths `first_path .. first_path + n` to the horizon of
    /// `params`. `batch_paths` bounds the paths per GPU dispatch (None: as many
    /// as the device limits allow); the CPU ignores it. Results do not depend on
    /// it.
    ///
    /// # Errors
    /// GPU failures, or a path range beyond the 32-bit counter word.
    pub fn simulate_terminal(
        &self,
        params: &SimParams,
        first_path: u64,
        n: usize,
        batch_paths: Option<usize>,
    ) -> Result<Vec<TerminalState>, EngineError> {
        let end = first_path + n as u64;
        if end > u64::from(u32::MAX) + 1 {
            return Err(EngineError::PathRange {
                first: first_path,
                end,
            });
        }
        match self {
            Self::Cpu => {
                let mut out = vec![TerminalState::default(); n];
                #[expect(clippy::cast_possible_truncation, reason = "range checked above")]
                crate::cpu::path_step::simulate_terminal(params, first_path as u32, &mut out);
                Ok(out)
            }
            Self::Gpu { ctx, path_step } => {
                Ok(path_step.simulate_terminal(ctx, params, first_path, n, batch_paths)?)
            }
        }
    }

    /// Like [`Engine::simulate_terminal`], also returning the wall time in seconds.
    ///
    /// # Errors
    /// As [`Engine::simulate_terminal`].
    pub fn simulate_timed(
        &self,
        params: &SimParams,
        first_path: u64,
        n: usize,
        batch_paths: Option<usize>,
    ) -> Result<(Vec<TerminalState>, f64), EngineError> {
        let t = Instant::now();
        let out = self.simulate_terminal(params, first_path, n, batch_paths)?;
        Ok((out, t.elapsed().as_secs_f64()))
    }
}
