//! The path kernel on either device: terminal states of simulated paths.

use std::time::Instant;

use super::{BackendError, Device};
use crate::gpu::PathStep;
use crate::shared::bootstrap::BootstrapSeries;
use crate::shared::params::{SimParams, TerminalState};

/// The path kernel ready on its device: the CPU, or a GPU context with the
/// compiled pipeline.
#[derive(Debug)]
pub struct PathEngine<'a> {
    device: &'a Device,
    path_step: Option<PathStep>,
}

impl<'a> PathEngine<'a> {
    /// The path kernel on `device`.
    ///
    /// # Errors
    /// The GPU pipeline fails to build.
    pub fn new(device: &'a Device) -> Result<Self, BackendError> {
        let path_step = match device {
            Device::Cpu => None,
            Device::Gpu(ctx) => Some(PathStep::new(ctx)?),
        };
        Ok(Self { device, path_step })
    }

    /// The device.
    #[must_use]
    pub fn device(&self) -> &'a Device {
        self.device
    }

    /// `"cpu"` or `"gpu"`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.device.name()
    }

    /// Human description of the device: the CPU thread count or the adapter.
    #[must_use]
    pub fn adapter(&self) -> String {
        self.device.adapter()
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
    ) -> Result<Vec<TerminalState>, BackendError> {
        check_range(first_path, n)?;
        match (self.device, &self.path_step) {
            (Device::Gpu(ctx), Some(path_step)) => {
                Ok(path_step.simulate_terminal(ctx, params, first_path, n, batch_paths)?)
            }
            _ => {
                let mut out = vec![TerminalState::default(); n];
                #[expect(clippy::cast_possible_truncation, reason = "range checked above")]
                crate::cpu::path_step::simulate_terminal(params, first_path as u32, &mut out);
                Ok(out)
            }
        }
    }

    /// Simulates global paths `first_path .. first_path + n` and returns, path
    /// after path, the state at day 0 and at every close (`days + 1` states a
    /// path; the twins `crate::cpu::closes::simulate_closes` and
    /// [`PathStep::simulate_closes`]); bootstrap paths of `boot` when
    /// `params.boot_days > 0`.
    ///
    /// # Errors
    /// GPU failures, or a path range beyond the 32-bit counter word.
    pub fn simulate_closes(
        &self,
        params: &SimParams,
        first_path: u64,
        n: usize,
        boot: Option<&BootstrapSeries>,
    ) -> Result<Vec<TerminalState>, BackendError> {
        check_range(first_path, n)?;
        match (self.device, &self.path_step) {
            (Device::Gpu(ctx), Some(path_step)) => {
                Ok(path_step.simulate_closes(ctx, params, first_path, n, boot)?)
            }
            #[expect(clippy::cast_possible_truncation, reason = "range checked above")]
            _ => Ok(crate::cpu::closes::simulate_closes(
                params,
                first_path as u32,
                n,
                boot,
            )),
        }
    }

    /// Like [`PathEngine::simulate_terminal`], also returning the wall time in
    /// seconds.
    ///
    /// # Errors
    /// As [`PathEngine::simulate_terminal`].
    pub fn simulate_timed(
        &self,
        params: &SimParams,
        first_path: u64,
        n: usize,
        batch_paths: Option<usize>,
    ) -> Result<(Vec<TerminalState>, f64), BackendError> {
        let t = Instant::now();
        let out = self.simulate_terminal(params, first_path, n, batch_paths)?;
        Ok((out, t.elapsed().as_secs_f64()))
    }
}

/// Paths `first .. first + n` must fit the 32-bit path counter word.
fn check_range(first: u64, n: usize) -> Result<(), BackendError> {
    let end = first + n as u64;
    if end > u64::from(u32::MAX) + 1 {
        return Err(BackendError::PathRange { first, end });
    }
    Ok(())
}
