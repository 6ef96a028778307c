//! GPU path kernel (`shaders/path_step.wgsl`), the twin of
//! [`crate::cpu::path_step`]: simulates paths to the horizon and reads back each
//! path's [`TerminalState`].

use std::time::Instant;

use super::context::{GpuContext, GpuError};
use super::kernel::{
    bind_group, buffer, compute_pipeline, dispatch_paths, layout_entry, read_back,
};
use super::shaders;
use crate::shared::bootstrap::BootstrapSeries;
use crate::shared::params::{SimParams, TerminalState};

const LABEL: &str = "vixhedge.path_step";

/// Bytes of one [`TerminalState`] in the output buffer.
const STATE_BYTES: u64 = std::mem::size_of::<TerminalState>() as u64;

/// Paths per batch when the caller does not choose: 2^22 paths keep the output
/// and staging buffers at 32 MiB each, far from any adapter limit, while a batch
/// is still thousands of workgroups wide.
pub const DEFAULT_BATCH_PATHS: usize = 1 << 22;

/// Wall-clock split of a GPU run, seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GpuTiming {
    /// Parameter upload, dispatch and wait for completion, summed over batches,
    /// seconds.
    pub dispatch_s: f64,
    /// Copy to the staging buffer, map and copy to host memory, summed over
    /// batches, seconds (0 for [`PathStep::dispatch_only`]).
    pub readback_s: f64,
    /// Batches dispatched.
    pub batches: usize,
}

/// The path-step pipeline and its bind-group layout, built once per
/// [`GpuContext`].
#[derive(Debug)]
pub struct PathStep {
    pipeline: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
    workgroup_size: u32,
}

impl PathStep {
    /// Invocations per workgroup. On lavapipe (2 cores, 10^6 DPS paths x 252
    /// steps) 64, 128 and 256 cost the same CPU time, about 5.6e7 path-steps per
    /// core-second; 64 is two warps on NVIDIA and one wave64 on AMD.
    pub const DEFAULT_WORKGROUP_SIZE: u32 = 64;

    /// Builds the pipeline with [`Self::DEFAULT_WORKGROUP_SIZE`].
    ///
    /// # Errors
    /// [`GpuError::Pipeline`] when the shader or pipeline fails validation.
    pub fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        Self::with_workgroup_size(ctx, Self::DEFAULT_WORKGROUP_SIZE)
    }

    /// Builds the pipeline with `workgroup_size` invocations per workgroup.
    ///
    /// # Errors
    /// [`GpuError::TooLarge`] when the size exceeds the device limits,
    /// [`GpuError::Pipeline`] when the shader or pipeline fails validation.
    pub fn with_workgroup_size(ctx: &GpuContext, workgroup_size: u32) -> Result<Self, GpuError> {
        let limits = ctx.device.limits();
        if workgroup_size == 0
            || workgroup_size > limits.max_compute_workgroup_size_x
            || workgroup_size > limits.max_compute_invocations_per_workgroup
        {
            return Err(GpuError::TooLarge(format!(
                "workgroup size {workgroup_size} outside 1..={} on this device",
                limits
                    .max_compute_workgroup_size_x
                    .min(limits.max_compute_invocations_per_workgroup)
            )));
        }
        let kernel = compute_pipeline(
            ctx,
            LABEL,
            shaders::PATH_STEP,
            "main",
            &[
                layout_entry(
                    0,
                    wgpu::BufferBindingType::Uniform,
                    std::mem::size_of::<SimParams>() as u64,
                ),
                layout_entry(
                    1,
                    wgpu::BufferBindingType::Storage { read_only: false },
                    STATE_BYTES,
                ),
                layout_entry(2, wgpu::BufferBindingType::Storage { read_only: true }, 4),
                layout_entry(
                    3,
                    wgpu::BufferBindingType::Storage { read_only: false },
                    STATE_BYTES,
                ),
                layout_entry(4, wgpu::BufferBindingType::Storage { read_only: true }, 4),
            ],
            false,
            wgpu::PipelineCompilationOptions {
                constants: &[("WORKGROUP_SIZE", f64::from(workgroup_size))],
                zero_initialize_workgroup_memory: false,
            },
        )?;
        Ok(Self {
            pipeline: kernel.pipeline,
            layout: kernel.layout,
            workgroup_size,
        })
    }

    /// Invocations per workgroup of this pipeline.
    #[must_use]
    pub fn workgroup_size(&self) -> u32 {
        self.workgroup_size
    }

    /// The most paths one dispatch may carry on this device: bounded by the
    /// storage binding and buffer size limits (8 bytes a path) and by a 2D grid
    /// of `max_compute_workgroups_per_dimension`^2 workgroups.
    #[must_use]
    pub fn max_batch_paths(&self, ctx: &GpuContext) -> usize {
        let l = ctx.device.limits();
        let by_binding = l.max_storage_buffer_binding_size.min(l.max_buffer_size) / STATE_BYTES;
        let dim = u64::from(l.max_compute_workgroups_per_dimension);
        let by_grid = dim * dim * u64::from(self.workgroup_size);
        let paths = by_binding.min(by_grid).min(u64::from(u32::MAX));
        usize::try_from(paths).unwrap_or(usize::MAX)
    }

    /// Simulates global paths `first_path .. first_path + n_paths` and returns
    /// their terminal states in path order. `params` comes from
    /// [`SimParams::new`]; its `path_offset` and `n_paths` are replaced per batch.
    /// `batch_paths` caps the paths per dispatch (default
    /// [`DEFAULT_BATCH_PATHS`]); the device limits cap it further. Results do not
    /// depend on the batch size.
    ///
    /// # Errors
    /// [`GpuError::TooLarge`] when a path index passes `u32::MAX`; dispatch,
    /// poll or map failures.
    pub fn simulate_terminal(
        &self,
        ctx: &GpuContext,
        params: &SimParams,
        first_path: u64,
        n_paths: usize,
        batch_paths: Option<usize>,
    ) -> Result<Vec<TerminalState>, GpuError> {
        self.simulate_terminal_timed(ctx, params, first_path, n_paths, batch_paths)
            .map(|(states, _)| states)
    }

    /// [`Self::simulate_terminal`], also returning the time spent dispatching and
    /// reading back.
    ///
    /// # Errors
    /// As [`Self::simulate_terminal`].
    pub fn simulate_terminal_timed(
        &self,
        ctx: &GpuContext,
        params: &SimParams,
        first_path: u64,
        n_paths: usize,
        batch_paths: Option<usize>,
    ) -> Result<(Vec<TerminalState>, GpuTiming), GpuError> {
        let mut out = Vec::with_capacity(n_paths);
        let timing = self.run(
            ctx,
            params,
            first_path,
            n_paths,
            batch_paths,
            Some(&mut out),
            None,
            None,
        )?;
        Ok((out, timing))
    }

    /// Simulates global paths `first_path .. first_path + n_paths` and returns,
    /// path after path, the state at day 0 and at every close (`days + 1`
    /// states a path, `days = n_steps / steps_per_day`): the twin of
    /// [`crate::cpu::closes::simulate_closes`]. Batches are sized so the
    /// closes of one batch fit one storage binding. With `params.boot_days >
    /// 0` the paths are bootstrap paths of `boot` (the state's `v` holds the
    /// history day's bits).
    ///
    /// # Errors
    /// As [`Self::simulate_terminal`].
    pub fn simulate_closes(
        &self,
        ctx: &GpuContext,
        params: &SimParams,
        first_path: u64,
        n_paths: usize,
        boot: Option<&BootstrapSeries>,
    ) -> Result<Vec<TerminalState>, GpuError> {
        let per_path = u64::from(params.n_steps / params.steps_per_day.max(1)) + 1;
        let l = ctx.device.limits();
        let by_binding =
            l.max_storage_buffer_binding_size.min(l.max_buffer_size) / (per_path * STATE_BYTES);
        let batch = usize::try_from(by_binding.clamp(1, 1 << 16)).unwrap_or(1 << 16);
        let recording = SimParams {
            record_closes: 1,
            ..*params
        };
        let mut terminal = Vec::with_capacity(n_paths);
        let mut closes = Vec::new();
        self.run(
            ctx,
            &recording,
            first_path,
            n_paths,
            Some(batch),
            Some(&mut terminal),
            Some(&mut closes),
            boot,
        )?;
        Ok(closes)
    }

    /// Dispatches the same batches as [`Self::simulate_terminal`] and waits for
    /// each to finish, without reading anything back: for benchmarks.
    ///
    /// # Errors
    /// As [`Self::simulate_terminal`].
    pub fn dispatch_only(
        &self,
        ctx: &GpuContext,
        params: &SimParams,
        first_path: u64,
        n_paths: usize,
        batch_paths: Option<usize>,
    ) -> Result<GpuTiming, GpuError> {
        self.run(
            ctx,
            params,
            first_path,
            n_paths,
            batch_paths,
            None,
            None,
            None,
        )
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one private runner behind the public entry points, each passing what it reads back"
    )]
    fn run(
        &self,
        ctx: &GpuContext,
        params: &SimParams,
        first_path: u64,
        n_paths: usize,
        batch_paths: Option<usize>,
        mut out: Option<&mut Vec<TerminalState>>,
        mut closes: Option<&mut Vec<TerminalState>>,
        boot: Option<&BootstrapSeries>,
    ) -> Result<GpuTiming, GpuError> {
        let mut timing = GpuTiming::default();
        if n_paths == 0 {
            return Ok(timing);
        }
        let end = first_path
            .checked_add(n_paths as u64)
            .filter(|&e| e <= 1u64 << 32)
            .ok_or_else(|| {
                GpuError::TooLarge(format!(
                    "paths {first_path}..{first_path}+{n_paths} pass the 32-bit path index"
                ))
            })?;
        let batch = batch_paths
            .unwrap_or(DEFAULT_BATCH_PATHS)
            .clamp(1, self.max_batch_paths(ctx))
            .min(n_paths);
        let out_bytes = batch as u64 * STATE_BYTES;
        use wgpu::BufferUsages as U;
        let params_buf = buffer(
            ctx,
            "vixhedge.path_step.params",
            std::mem::size_of::<SimParams>() as u64,
            U::UNIFORM | U::COPY_DST,
        );
        let states_buf = buffer(
            ctx,
            "vixhedge.path_step.states",
            out_bytes,
            U::STORAGE | U::COPY_SRC,
        );
        let staging_buf = out.is_some().then(|| {
            buffer(
                ctx,
                "vixhedge.path_step.staging",
                out_bytes,
                U::MAP_READ | U::COPY_DST,
            )
        });
        // The closes of a batch when recording; else an unused placeholder.
        let per_path = u64::from(params.n_steps / params.steps_per_day.max(1)) + 1;
        let closes_bytes = if closes.is_some() {
            batch as u64 * per_path * STATE_BYTES
        } else {
            STATE_BYTES
        };
        let closes_buf = buffer(
            ctx,
            "vixhedge.path_step.closes",
            closes_bytes,
            U::STORAGE | U::COPY_SRC,
        );
        let closes_staging = closes.is_some().then(|| {
            buffer(
                ctx,
                "vixhedge.path_step.closes_staging",
                closes_bytes,
                U::MAP_READ | U::COPY_DST,
            )
        });
        // The bootstrap series (uploaded once for all batches), or a placeholder.
        let boot_words: &[u32] = boot.map_or(&[0u32], |b| b.data.as_slice());
        if params.boot_days > 0 && boot.is_none_or(|b| b.days != params.boot_days) {
            return Err(GpuError::TooLarge(
                "bootstrap parameters without their series".into(),
            ));
        }
        let boot_buf = buffer(
            ctx,
            "vixhedge.path_step.boot",
            std::mem::size_of_val(boot_words) as u64,
            U::STORAGE | U::COPY_DST,
        );
        ctx.queue
            .write_buffer(&boot_buf, 0, bytemuck::cast_slice(boot_words));
        let calendar = event_calendar(params);
        let calendar_bytes = std::mem::size_of_val(calendar.as_slice()) as u64;
        if calendar_bytes > ctx.device.limits().max_storage_buffer_binding_size {
            return Err(GpuError::TooLarge(format!(
                "an event calendar of {} days exceeds the storage binding limit",
                calendar.len()
            )));
        }
        let calendar_buf = buffer(
            ctx,
            "vixhedge.path_step.event_days",
            calendar_bytes,
            U::STORAGE | U::COPY_DST,
        );
        ctx.queue
            .write_buffer(&calendar_buf, 0, bytemuck::cast_slice(&calendar));
        let bind_group = bind_group(
            ctx,
            LABEL,
            &self.layout,
            &[
                &params_buf,
                &states_buf,
                &calendar_buf,
                &closes_buf,
                &boot_buf,
            ],
        );

        let mut start = first_path;
        while start < end {
            let n = (end - start).min(batch as u64);
            // start < end <= 2^32 and n <= batch <= u32::MAX: both fit in u32.
            let batch_params = params.for_batch(start as u32, n as u32);
            let t0 = Instant::now();
            dispatch_paths(
                ctx,
                LABEL,
                &self.pipeline,
                &[(0, &bind_group)],
                &[(&params_buf, bytemuck::bytes_of(&batch_params))],
                n,
                self.workgroup_size,
            )?;
            timing.dispatch_s += t0.elapsed().as_secs_f64();

            if let (Some(out), Some(staging)) = (out.as_deref_mut(), staging_buf.as_ref()) {
                let t1 = Instant::now();
                let bytes = n * STATE_BYTES;
                read_back(
                    ctx,
                    "vixhedge.path_step.readback",
                    &states_buf,
                    staging,
                    bytes,
                    out,
                )?;
                timing.readback_s += t1.elapsed().as_secs_f64();
            }
            if let (Some(closes), Some(staging)) = (closes.as_deref_mut(), closes_staging.as_ref())
            {
                read_back(
                    ctx,
                    "vixhedge.path_step.closes_readback",
                    &closes_buf,
                    staging,
                    n * per_path * STATE_BYTES,
                    closes,
                )?;
            }
            timing.batches += 1;
            start += n;
        }
        Ok(timing)
    }
}

/// The kernel's event calendar: entry `d - 1` has bit `e` set when event type
/// `e` occurs at the end of trading day `d`, for the `n_steps / steps_per_day`
/// whole days of the run (at least one entry, so the binding is never empty).
/// Built from the event parameters alone; the kernel applies the set bits in
/// increasing `e`, the order of the CPU reference's event loop.
pub(crate) fn event_calendar(p: &SimParams) -> Vec<u32> {
    let days = p.n_steps.checked_div(p.steps_per_day).unwrap_or(0);
    let mut calendar = vec![0u32; (days as usize).max(1)];
    let n_events = (p.n_events as usize).min(p.events.len());
    for (e, ev) in p.events[..n_events].iter().enumerate() {
        // Occurrences first_day, first_day + every_days, ...; days are 1-based.
        let mut d = u64::from(ev.first_day);
        while d <= u64::from(days) {
            if d >= 1 {
                calendar[(d - 1) as usize] |= 1 << e;
            }
            if ev.every_days == 0 {
                break;
            }
            d += u64::from(ev.every_days);
        }
    }
    calendar
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::params::EventBlock;
    use bytemuck::Zeroable;

    #[test]
    fn event_calendar_marks_the_event_days() {
        let mut p = SimParams::zeroed();
        p.n_steps = 40;
        p.steps_per_day = 2;
        p.n_events = 3;
        p.events[0] = EventBlock {
            first_day: 3,
            every_days: 7,
            jump_sd: 0.0,
            var_bump: 0.0,
        };
        p.events[1] = EventBlock {
            first_day: 5,
            every_days: 0,
            jump_sd: 0.0,
            var_bump: 0.0,
        };
        p.events[2] = EventBlock {
            first_day: 0,
            every_days: 10,
            jump_sd: 0.0,
            var_bump: 0.0,
        };
        // Inactive (beyond n_events): must not appear.
        p.events[3] = EventBlock {
            first_day: 1,
            every_days: 1,
            jump_sd: 0.0,
            var_bump: 0.0,
        };
        let c = event_calendar(&p);
        assert_eq!(c.len(), 20);
        for day in 1..=20u32 {
            let want = u32::from(day >= 3 && (day - 3) % 7 == 0)
                | u32::from(day == 5) << 1
                | u32::from(day % 10 == 0) << 2;
            assert_eq!(c[day as usize - 1], want, "day {day}");
        }
    }
}
