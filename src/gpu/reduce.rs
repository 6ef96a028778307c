//! The reductions of the study's records on the device
//! (`shaders/reduce.wgsl`): the twin of [`crate::cpu::reduce`]. A
//! [`GpuReduction`] keeps one study's accumulator in device memory (about
//! 169 KB a line and regime, [`crate::report::flat`]); each dispatch of the
//! study kernel is followed on the queue by one of the reduction over the
//! same records buffer, so no record leaves the device, and
//! [`GpuReduction::take`] reads the accumulator back (and clears it) when
//! the caller wants the statistics: at a checkpoint and at the end. What
//! comes back is the accumulator's fixed size, whatever the paths.
//!
//! The accumulators are integers added with atomics, so the order in which
//! the device runs the workgroups does not matter; and the kernel derives
//! each summed value with the `f32` operations the CPU does
//! ([`crate::report::stats::LineInputs`]). On an adapter whose `f32`
//! division is correctly rounded (lavapipe, and the CPU) the accumulator is
//! bit for bit the CPU's of the same records (`tests/gpu_study.rs` checks
//! it); WGSL allows 2.5 ULP for division, which a hardware GPU may use, so
//! there a value can differ in its last bit, as the records themselves can.

use bytemuck::{Pod, Zeroable};

use super::context::{read_buffer, with_error_scopes, GpuContext, GpuError};
use super::kernel::{bind_group, buffer, compute_pipeline, layout_entry, storage_entry, Kernel};
use super::shaders;
use crate::config::RegimeBy;
use crate::report::flat::{self, to_limbs};
use crate::report::hist::f32_at_or_above;
use crate::report::stats::{CUT_THRESHOLD, REDUCTION_TOP};
use crate::report::{StudyAccumulator, StudyLayout};
use crate::study::kernel::LineSource;

const LABEL: &str = "vixhedge.reduce";

/// Invocations per workgroup of the reduction kernel.
pub const WORKGROUP_SIZE: u32 = 64;

/// Paths each invocation reduces (`PER_INVOCATION` in the shader).
const PER_INVOCATION: u32 = 4;

/// The kernel's uniform (`ReduceParams` in `shaders/reduce.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct ReduceParams {
    /// Paths of the dispatch.
    pub n_paths: u32,
    /// Global index of its first path.
    pub path_offset: u32,
    /// Index of its first record in the records buffer.
    pub first_record: u32,
    /// Words of a record.
    pub words: u32,
    /// Lines of the accumulator.
    pub n_lines: u32,
    /// `[regimes] by`: 0 max VIX, 1 VIX rise, 2 SPX max drawdown.
    pub by: u32,
    /// Capital, USD.
    pub capital: f32,
    /// The cut threshold rounded up to `f32`.
    pub cut_at: f32,
    /// [`REDUCTION_TOP`].
    pub reduction_top: f32,
    /// Padding.
    pub pad: [u32; 3],
    /// Regime bounds rounded up to `f32` (moderate, severe, crisis; unused 4th).
    pub bounds: [f32; 4],
    /// Regime bounds as 128-bit fixed-point integers, ceil(bound x 2^48).
    pub rise_bounds: [[u32; 4]; 3],
}

impl ReduceParams {
    /// The constant part for `layout`'s regimes and capital.
    #[must_use]
    #[expect(clippy::cast_possible_truncation, reason = "f32 capital, small counts")]
    pub fn new(layout: &StudyLayout, words: usize) -> Self {
        let b = layout.regimes.bounds();
        let bounds = [b.moderate_from, b.severe_from, b.crisis_from];
        let scale = (1u64 << crate::report::exact::FRAC_BITS) as f64;
        Self {
            words: words as u32,
            n_lines: layout.lines.len() as u32,
            by: match layout.regimes.by {
                RegimeBy::MaxVix => 0,
                RegimeBy::VixRise => 1,
                RegimeBy::SpxDrawdown => 2,
            },
            capital: layout.capital as f32,
            cut_at: f32_at_or_above(CUT_THRESHOLD),
            reduction_top: REDUCTION_TOP,
            bounds: [
                f32_at_or_above(bounds[0]),
                f32_at_or_above(bounds[1]),
                f32_at_or_above(bounds[2]),
                f32::INFINITY,
            ],
            rise_bounds: bounds.map(|t| to_limbs((t * scale).ceil() as i128)),
            ..Self::default()
        }
    }
}

/// One study's accumulator on the device and the buffers to fill and read it.
#[derive(Debug)]
pub struct GpuReduction {
    kernel: Kernel,
    layout: StudyLayout,
    params: ReduceParams,
    params_buf: wgpu::Buffer,
    sources_buf: wgpu::Buffer,
    edges_buf: wgpu::Buffer,
    acc_buf: wgpu::Buffer,
    staging: wgpu::Buffer,
}

impl GpuReduction {
    /// An empty device accumulator of `layout`, reading records of `words`
    /// words whose lines are at `sources` (one per line, `none` first).
    ///
    /// # Errors
    /// `sources` that do not match the lines, an accumulator beyond the
    /// device's limits, or a pipeline that fails validation.
    pub fn new(
        ctx: &GpuContext,
        layout: StudyLayout,
        sources: &[LineSource],
        words: usize,
    ) -> Result<Self, GpuError> {
        if sources.len() != layout.lines.len() || sources.is_empty() {
            return Err(GpuError::TooLarge(format!(
                "the reduction has {} line sources for {} lines",
                sources.len(),
                layout.lines.len()
            )));
        }
        let kernel = compile(ctx)?.clone();
        let bytes = (flat::words(layout.lines.len()) * 4) as u64;
        let limit = ctx.limits();
        if bytes
            > limit
                .max_storage_buffer_binding_size
                .min(limit.max_buffer_size)
        {
            return Err(GpuError::TooLarge(format!(
                "the device accumulator of {} lines takes {bytes} bytes, beyond one storage binding",
                layout.lines.len()
            )));
        }
        use wgpu::BufferUsages as U;
        let upload = |name: &str, data: &[u8], usage: U| {
            let b = buffer(ctx, name, data.len() as u64, usage | U::COPY_DST);
            ctx.queue.write_buffer(&b, 0, data);
            b
        };
        let edges = flat::f32_edges();
        let (bufs, err) = with_error_scopes(&ctx.device, || {
            let acc_buf = buffer(
                ctx,
                "vixhedge.reduce.acc",
                bytes,
                U::STORAGE | U::COPY_SRC | U::COPY_DST,
            );
            let staging = buffer(
                ctx,
                "vixhedge.reduce.staging",
                bytes,
                U::MAP_READ | U::COPY_DST,
            );
            (acc_buf, staging)
        });
        if let Some(message) = err {
            return Err(GpuError::Allocation {
                what: "the device accumulator",
                bytes: 2 * bytes,
                message,
            });
        }
        let (acc_buf, staging) = bufs;
        // New buffers are zeroed (wgpu guarantees it): an empty accumulator.
        Ok(Self {
            kernel,
            params: ReduceParams::new(&layout, words),
            layout,
            params_buf: buffer(
                ctx,
                "vixhedge.reduce.params",
                std::mem::size_of::<ReduceParams>() as u64,
                U::UNIFORM | U::COPY_DST,
            ),
            sources_buf: upload(
                "vixhedge.reduce.sources",
                bytemuck::cast_slice(sources),
                U::STORAGE,
            ),
            edges_buf: upload(
                "vixhedge.reduce.edges",
                bytemuck::cast_slice(&edges),
                U::STORAGE,
            ),
            acc_buf,
            staging,
        })
    }

    /// The layout of the accumulator.
    #[must_use]
    pub fn layout(&self) -> &StudyLayout {
        &self.layout
    }

    /// Queues the reduction of records `first_record ..` of `records` (the
    /// paths `path_offset ..`, `n` of them) into the device accumulator,
    /// behind whatever was submitted before, and returns without waiting.
    ///
    /// # Errors
    /// A path index past 32 bits, or a failed dispatch.
    pub fn submit(
        &self,
        ctx: &GpuContext,
        records: &wgpu::Buffer,
        first_record: u32,
        path_offset: u64,
        n: u64,
    ) -> Result<Option<wgpu::SubmissionIndex>, GpuError> {
        let max_dim = u64::from(ctx.limits().max_compute_workgroups_per_dimension);
        let per_group = u64::from(WORKGROUP_SIZE * PER_INVOCATION);
        let chunk = max_dim * per_group;
        let group = bind_group(
            ctx,
            LABEL,
            &self.kernel.layout,
            &[
                &self.params_buf,
                records,
                &self.sources_buf,
                &self.edges_buf,
                &self.acc_buf,
            ],
        );
        let mut last = None;
        let mut done = 0u64;
        while done < n {
            let m = (n - done).min(chunk);
            let (first, offset) = match (
                u32::try_from(u64::from(first_record) + done),
                u32::try_from(path_offset + done),
            ) {
                (Ok(f), Ok(o)) if path_offset + done + m <= 1u64 << 32 => (f, o),
                _ => {
                    return Err(GpuError::TooLarge(format!(
                        "paths {path_offset}..+{n} pass the 32-bit path index"
                    )))
                }
            };
            #[expect(clippy::cast_possible_truncation, reason = "at most a chunk")]
            let params = ReduceParams {
                n_paths: m as u32,
                path_offset: offset,
                first_record: first,
                ..self.params
            };
            #[expect(clippy::cast_possible_truncation, reason = "at most max_dim")]
            let groups = m.div_ceil(per_group) as u32;
            let lines = self.params.n_lines;
            let (index, err) = with_error_scopes(&ctx.device, || {
                ctx.queue
                    .write_buffer(&self.params_buf, 0, bytemuck::bytes_of(&params));
                let mut enc = ctx
                    .device
                    .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(LABEL) });
                {
                    let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                        label: Some(LABEL),
                        timestamp_writes: None,
                    });
                    pass.set_pipeline(&self.kernel.pipeline);
                    pass.set_bind_group(0, &group, &[]);
                    pass.dispatch_workgroups(groups, lines, 1);
                }
                ctx.queue.submit([enc.finish()])
            });
            if let Some(message) = err {
                return Err(GpuError::Dispatch {
                    label: LABEL,
                    message,
                });
            }
            last = Some(index);
            done += m;
        }
        Ok(last)
    }

    /// Reads the device accumulator (after everything submitted so far) and
    /// clears it: the statistics of the paths reduced since the last call.
    ///
    /// # Errors
    /// A failed copy, map or poll.
    pub fn take(&self, ctx: &GpuContext) -> Result<StudyAccumulator, GpuError> {
        let bytes = self.acc_buf.size();
        let (_, err) = with_error_scopes(&ctx.device, || {
            let mut enc = ctx
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("vixhedge.reduce.take"),
                });
            enc.copy_buffer_to_buffer(&self.acc_buf, 0, &self.staging, 0, bytes);
            enc.clear_buffer(&self.acc_buf, 0, None);
            ctx.queue.submit([enc.finish()])
        });
        if let Some(message) = err {
            return Err(GpuError::Dispatch {
                label: "vixhedge.reduce.take",
                message,
            });
        }
        let mut words: Vec<u32> = Vec::new();
        read_buffer(ctx, &self.staging, bytes, &mut words)?;
        ctx.check()?;
        flat::accumulator(self.layout.clone(), &words)
            .map_err(|e| GpuError::TooLarge(format!("the device accumulator: {e}")))
    }
}

/// Reduces `records` (paths `first_path ..`, `words` words each, lines at
/// `sources`) on the device: uploads them, reduces and reads the
/// accumulator back. For tests and checks of the kernel on given records.
///
/// # Errors
/// As [`GpuReduction::new`], [`GpuReduction::submit`] and [`GpuReduction::take`].
pub fn reduce_records(
    ctx: &GpuContext,
    layout: StudyLayout,
    sources: &[LineSource],
    words: usize,
    first_path: u64,
    records: &[f32],
) -> Result<StudyAccumulator, GpuError> {
    let reduction = GpuReduction::new(ctx, layout, sources, words)?;
    let buf = buffer(
        ctx,
        "vixhedge.reduce.records",
        (records.len().max(1) * 4) as u64,
        wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
    );
    ctx.queue
        .write_buffer(&buf, 0, bytemuck::cast_slice(records));
    let n = (records.len() / words.max(1)) as u64;
    reduction.submit(ctx, &buf, 0, first_path, n)?;
    reduction.take(ctx)
}

/// The reduction pipeline of `ctx`'s device, compiled on first use.
fn compile(ctx: &GpuContext) -> Result<&Kernel, GpuError> {
    ctx.reduce_kernel(|| {
        compute_pipeline(
            ctx,
            LABEL,
            shaders::REDUCE,
            "main",
            &[
                layout_entry(
                    0,
                    wgpu::BufferBindingType::Uniform,
                    std::mem::size_of::<ReduceParams>() as u64,
                ),
                storage_entry(1, true, 4),
                storage_entry(2, true, std::mem::size_of::<LineSource>()),
                storage_entry(3, true, 4),
                storage_entry(4, false, 4),
            ],
            false,
            wgpu::PipelineCompilationOptions {
                constants: &[("WORKGROUP_SIZE", f64::from(WORKGROUP_SIZE))],
                zero_initialize_workgroup_memory: false,
            },
        )
    })
}
