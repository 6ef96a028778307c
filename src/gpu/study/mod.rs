//! GPU study kernel (`shaders/study.wgsl`): the path, the condor book and
//! every hedge program of a path in one invocation, the twin of
//! [`crate::cpu::reference::run_block`]. The host builds the run's constants and
//! tables once ([`GpuStudy::new`]), then dispatches batches of paths and
//! turns each path's record into the [`PathOutcome`] the CPU books report.
//!
//! # Precision
//! The CPU books run in `f64`, the kernel in `f32` (WGSL has no portable
//! `f64`), with every USD amount that starts at the capital (condor cash,
//! equity lines, peaks) kept as an offset from the capital. Continuous
//! outputs agree to a few parts in a million of the capital; a path can
//! differ by more when an `f32` mark lands on the other side of a discrete
//! decision than the `f64` one (a strike rounding to the 5-point or 0.5-point
//! grid, a stop or take-profit level crossed by a hair, a contract count at a
//! whole number): `tests/gpu_study.rs` states and checks how often.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::context::{with_error_scopes, GpuContext, GpuError};
use super::kernel::{
    bind_group, buffer, compute_pipeline, dispatch_paths, layout_entry, read_back, storage_entry,
    Kernel,
};
use super::path_step::event_calendar;
use super::shaders;
use super::tables::{GpuTables, TABLES_GROUP};
use crate::shared::marks::MarksParams;
use crate::shared::params::SimParams;
use crate::strategy::book::PathOutcome;
use crate::study::kernel::{KernelInputs, LayerDesc, ProgramDesc, RecordLayout, StudyParams};
use crate::study::StudySetup;

pub use crate::study::kernel::{StudyShape, CAPACITY, MAX_VXTH_LEVELS};

/// The study kernel's full WGSL source: one for every run (its arrays have
/// the fixed capacities [`CAPACITY`]).
#[must_use]
pub fn source() -> &'static str {
    shaders::STUDY
}

const LABEL: &str = "vixhedge.study";

/// Invocations per workgroup of the study kernel.
pub const WORKGROUP_SIZE: u32 = 64;

/// The study kernel of one run: pipeline, tables and constant buffers.
#[derive(Debug)]
pub struct GpuStudy {
    kernel: Kernel,
    tables: GpuTables,
    sim: SimParams,
    layout: RecordLayout,
    bufs: Vec<wgpu::Buffer>,
    /// Nanoseconds spent in each [`StudyPhases`] part since creation.
    phase_ns: [AtomicU64; 3],
    /// The buffers of the largest batch so far, kept for the next call
    /// (allocating 2 x 75 MB a batch cost an H100 run about a fifth of its
    /// time).
    batch_buffers: Mutex<Option<BatchBuffers>>,
}

/// The buffers one batch of the study kernel writes and reads back.
#[derive(Debug)]
struct BatchBuffers {
    /// Paths they hold.
    paths: usize,
    sim_buf: wgpu::Buffer,
    rec_buf: wgpu::Buffer,
    staging: wgpu::Buffer,
    group: wgpu::BindGroup,
    /// The records of a batch in host memory.
    host: Vec<f32>,
}

/// Where a GPU study's time went, seconds summed over its batches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct StudyPhases {
    /// Upload, dispatch and the wait for the device to finish.
    pub kernel_s: f64,
    /// Copy of the records to a mappable buffer, map and copy into host memory.
    pub readback_s: f64,
    /// Records into outcomes (on the host, in parallel).
    pub convert_s: f64,
}

impl GpuStudy {
    /// Compiles the kernel for `setup`'s books and uploads its tables and constants.
    ///
    /// # Errors
    /// Books beyond the kernel's capacities, tables beyond the device limits,
    /// or a pipeline that fails validation.
    pub fn new(ctx: &GpuContext, setup: &StudySetup) -> Result<Self, GpuError> {
        let inputs =
            KernelInputs::new(setup).map_err(|e| GpuError::TooLarge(format!("GPU: {}", e.0)))?;
        Self::with_inputs(ctx, &inputs)
    }

    /// Compiles the kernel (once per device and process, see
    /// [`GpuContext::study_kernel`]) and uploads the run's `inputs`.
    ///
    /// # Errors
    /// Tables beyond the device limits, or a pipeline that fails validation.
    pub fn with_inputs(ctx: &GpuContext, inputs: &KernelInputs) -> Result<Self, GpuError> {
        let kernel = compile(ctx)?.clone();
        let tables_layout = kernel
            .tables_layout
            .as_ref()
            .expect("the study kernel reads tables");
        let tables = GpuTables::from_packed(
            ctx,
            tables_layout,
            &inputs.tables,
            inputs.table_names.clone(),
        )?;
        use wgpu::BufferUsages as U;
        let upload = |name: &str, bytes: &[u8], usage: U| {
            let b = buffer(
                ctx,
                &format!("{LABEL}.{name}"),
                bytes.len().max(4) as u64,
                usage | U::COPY_DST,
            );
            ctx.queue.write_buffer(&b, 0, bytes);
            b
        };
        let calendar = event_calendar(&inputs.sim);
        let bufs = vec![
            upload("event_days", bytemuck::cast_slice(&calendar), U::STORAGE),
            upload("marks", bytemuck::bytes_of(&inputs.marks), U::UNIFORM),
            upload("params", bytemuck::bytes_of(&inputs.study), U::STORAGE),
            upload(
                "programs",
                bytemuck::cast_slice(&inputs.programs),
                U::STORAGE,
            ),
            upload("layers", bytemuck::cast_slice(&inputs.layers), U::STORAGE),
            upload("vix_b", bytemuck::cast_slice(&inputs.vix_b), U::STORAGE),
            // The historical bootstrap series, uploaded once (a placeholder
            // word for model paths).
            upload(
                "boot",
                bytemuck::cast_slice(inputs.bootstrap.as_ref().map_or(&[0u32][..], |b| &b.data)),
                U::STORAGE,
            ),
        ];
        Ok(Self {
            kernel,
            tables,
            sim: inputs.sim,
            layout: inputs.layout.clone(),
            bufs,
            phase_ns: Default::default(),
            batch_buffers: Mutex::new(None),
        })
    }

    /// The per-batch buffers and bind group for batches of up to `paths` paths.
    fn batch_buffers(&self, ctx: &GpuContext, paths: usize) -> BatchBuffers {
        use wgpu::BufferUsages as U;
        let out_bytes = (paths * self.layout.words() * 4) as u64;
        let sim_buf = buffer(
            ctx,
            "vixhedge.study.sim",
            std::mem::size_of::<SimParams>() as u64,
            U::UNIFORM | U::COPY_DST,
        );
        let rec_buf = buffer(
            ctx,
            "vixhedge.study.records",
            out_bytes,
            U::STORAGE | U::COPY_SRC,
        );
        let staging = buffer(
            ctx,
            "vixhedge.study.staging",
            out_bytes,
            U::MAP_READ | U::COPY_DST,
        );
        let b = &self.bufs;
        let group = bind_group(
            ctx,
            LABEL,
            &self.kernel.layout,
            &[
                &sim_buf, &rec_buf, &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6],
            ],
        );
        BatchBuffers {
            paths,
            sim_buf,
            rec_buf,
            staging,
            group,
            host: Vec::new(),
        }
    }

    /// Where the time of every batch since creation went.
    #[must_use]
    pub fn phases(&self) -> StudyPhases {
        let s = |i: usize| self.phase_ns[i].load(Ordering::Relaxed) as f64 * 1e-9;
        StudyPhases {
            kernel_s: s(0),
            readback_s: s(1),
            convert_s: s(2),
        }
    }

    /// Adds the time since `t` to phase `i` and restarts `t`.
    fn lap(&self, i: usize, t: &mut Instant) {
        let ns = u64::try_from(t.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.phase_ns[i].fetch_add(ns, Ordering::Relaxed);
        *t = Instant::now();
    }

    /// The run's slot counts.
    #[must_use]
    pub fn shape(&self) -> StudyShape {
        self.layout.shape
    }

    /// How to read the records of [`Self::run_records`].
    #[must_use]
    pub fn layout(&self) -> &RecordLayout {
        &self.layout
    }

    /// The most paths one dispatch may carry on this device.
    #[must_use]
    pub fn max_batch_paths(&self, ctx: &GpuContext) -> usize {
        let l = ctx.device.limits();
        let record = self.layout.words() as u64 * 4;
        let by_binding = l.max_storage_buffer_binding_size.min(l.max_buffer_size) / record;
        let dim = u64::from(l.max_compute_workgroups_per_dimension);
        let by_grid = dim * dim * u64::from(WORKGROUP_SIZE);
        usize::try_from(by_binding.min(by_grid).min(u64::from(u32::MAX))).unwrap_or(usize::MAX)
    }

    /// Runs global paths `first_path .. first_path + n` in one dispatch per
    /// `batch` paths (clamped to the device limits) and returns their
    /// outcomes in path order; `on_batch` is called with the paths finished
    /// after each dispatch.
    ///
    /// # Errors
    /// A path index beyond `u32::MAX`, dispatch, poll or map failures.
    pub fn run_paths(
        &self,
        ctx: &GpuContext,
        first_path: u64,
        n: usize,
        batch: usize,
        on_batch: impl FnMut(usize),
    ) -> Result<Vec<PathOutcome>, GpuError> {
        let mut out = Vec::with_capacity(n);
        let words = self.layout.words();
        self.run_batches(ctx, first_path, n, batch, on_batch, |records| {
            out.par_extend(
                records
                    .par_chunks_exact(words)
                    .map(|rec| self.layout.outcome(rec)),
            );
        })?;
        Ok(out)
    }

    /// The raw records ([`Self::layout`]'s words per path, in path order) of
    /// global paths `first_path .. first_path + n`, as [`Self::run_paths`]
    /// dispatches them.
    ///
    /// # Errors
    /// As [`Self::run_paths`].
    pub fn run_records(
        &self,
        ctx: &GpuContext,
        first_path: u64,
        n: usize,
        batch: usize,
    ) -> Result<Vec<f32>, GpuError> {
        let mut out = Vec::with_capacity(n * self.layout.words());
        self.run_batches(
            ctx,
            first_path,
            n,
            batch,
            |_| {},
            |records| {
                out.extend_from_slice(records);
            },
        )?;
        Ok(out)
    }

    /// Dispatches the batches of paths `first_path .. first_path + n` and
    /// hands each batch's records to `take` (timed as the conversion phase).
    fn run_batches(
        &self,
        ctx: &GpuContext,
        first_path: u64,
        n: usize,
        batch: usize,
        mut on_batch: impl FnMut(usize),
        mut take: impl FnMut(&[f32]),
    ) -> Result<(), GpuError> {
        if n == 0 {
            return Ok(());
        }
        let end = first_path
            .checked_add(n as u64)
            .filter(|&e| e <= 1u64 << 32)
            .ok_or_else(|| {
                GpuError::TooLarge(format!(
                    "paths {first_path}..+{n} pass the 32-bit path index"
                ))
            })?;
        let batch = batch.clamp(1, self.max_batch_paths(ctx)).min(n);
        let words = self.layout.words();
        let mut cached = self
            .batch_buffers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cached.as_ref().is_none_or(|c| c.paths < batch) {
            *cached = None;
            let (bufs, err) = with_error_scopes(&ctx.device, || self.batch_buffers(ctx, batch));
            if let Some(message) = err {
                return Err(GpuError::Allocation {
                    what: "the study's batch buffers",
                    bytes: 2 * (batch * self.layout.words() * 4) as u64,
                    message,
                });
            }
            *cached = Some(bufs);
        }
        let BatchBuffers {
            sim_buf,
            rec_buf,
            staging,
            group,
            host: words_out,
            ..
        } = cached.as_mut().expect("just set");
        let mut start = first_path;
        while start < end {
            let m = (end - start).min(batch as u64);
            #[expect(clippy::cast_possible_truncation, reason = "range checked above")]
            let sim = self.sim.for_batch(start as u32, m as u32);
            let mut t = Instant::now();
            dispatch_paths(
                ctx,
                LABEL,
                &self.kernel.pipeline,
                &[(0, group), (TABLES_GROUP, self.tables.bind_group())],
                &[(sim_buf, bytemuck::bytes_of(&sim))],
                m,
                WORKGROUP_SIZE,
            )?;
            self.lap(0, &mut t);
            words_out.clear();
            read_back(
                ctx,
                "vixhedge.study.readback",
                rec_buf,
                staging,
                m * words as u64 * 4,
                words_out,
            )?;
            self.lap(1, &mut t);
            take(words_out);
            self.lap(2, &mut t);
            ctx.check()?;
            on_batch(m as usize);
            start += m;
        }
        Ok(())
    }
}

fn wgpu_uniform(binding: u32, size: usize) -> wgpu::BindGroupLayoutEntry {
    layout_entry(binding, wgpu::BufferBindingType::Uniform, size as u64)
}

/// The study pipeline of `ctx`'s device: compiled on first use and kept in
/// the context, so every study of a process shares it (lavapipe takes
/// minutes to compile it cold).
fn compile(ctx: &GpuContext) -> Result<&Kernel, GpuError> {
    ctx.study_kernel(|| {
        compute_pipeline(
            ctx,
            LABEL,
            shaders::STUDY,
            "main",
            &[
                wgpu_uniform(0, std::mem::size_of::<SimParams>()),
                storage_entry(1, false, 4),
                storage_entry(2, true, 4),
                wgpu_uniform(3, std::mem::size_of::<MarksParams>()),
                storage_entry(4, true, std::mem::size_of::<StudyParams>()),
                storage_entry(5, true, std::mem::size_of::<ProgramDesc>()),
                storage_entry(6, true, std::mem::size_of::<LayerDesc>()),
                storage_entry(7, true, 4),
                storage_entry(8, true, 4),
            ],
            true,
            wgpu::PipelineCompilationOptions {
                constants: &[("WORKGROUP_SIZE", f64::from(WORKGROUP_SIZE))],
                zero_initialize_workgroup_memory: false,
            },
        )
    })
}
