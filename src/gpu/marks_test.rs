//! Test kernel `shaders/marks_test.wgsl`: evaluates the GPU marks
//! (`shaders/shared/marks.wgsl`) for given queries, so tests can compare them
//! with [`crate::study::ModelMarks`] query by query. Also the smallest example
//! of a kernel that reads the marks: [`MarksParams`] as a uniform in its own
//! group 0, the tables of [`super::marks::marks_tables`] at group
//! [`super::tables::TABLES_GROUP`].

use bytemuck::{Pod, Zeroable};

use super::context::{read_buffer, with_error_scopes, GpuContext, GpuError};
use super::marks::MarksParams;
use super::shaders;
use super::tables::GpuTables;

const LABEL: &str = "vixhedge.marks_test";
const WORKGROUP_SIZE: u32 = 64;

/// One query of the test kernel (48 bytes). Keep in sync with
/// `shaders/marks_test.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct MarksQuery {
    /// 0 for an SPX call, 1 for a put.
    pub kind: u32,
    /// Trading day of the path (0 = start).
    pub day: u32,
    /// Trading days to the SPX expiry.
    pub spx_days: u32,
    /// Trading days to the VIX expiry.
    pub vix_days: u32,
    /// SPX level, index points.
    pub spot: f32,
    /// Variance, annualised.
    pub v: f32,
    /// SPX strike to price, index points.
    pub strike: f32,
    /// SPX delta to find a strike for: in (0, 1) for a call, (-1, 0) for a put.
    pub spx_delta: f32,
    /// VIX call strike to price, VIX points.
    pub vix_strike: f32,
    /// VIX call delta to find a strike for, in (0, 1).
    pub vix_delta: f32,
    /// Padding to a 16-byte multiple.
    pub _pad: [u32; 2],
}

/// One result of the test kernel (32 bytes). Keep in sync with
/// `shaders/marks_test.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct MarksResult {
    /// SPX event variance read from the day table (log-price variance).
    pub event_var: f32,
    /// VIX expiry constant read from the day table (annualised variance).
    pub vix_c: f32,
    /// `spx_price`, index points.
    pub spx_price: f32,
    /// `spx_strike_for_delta`, index points (5-point grid).
    pub spx_strike: f32,
    /// `vix_future`, VIX points.
    pub vix_future: f32,
    /// `vix_call` at the run's rate, VIX points.
    pub vix_call: f32,
    /// `vix_call_strike_for_delta`, VIX points (0.5-point grid).
    pub vix_strike: f32,
    /// Padding to a 16-byte multiple.
    pub _pad: u32,
}

const _: () = assert!(std::mem::size_of::<MarksQuery>() == 48);
const _: () = assert!(std::mem::size_of::<MarksResult>() == 32);

/// The test-kernel pipeline, its own bind-group layout (group 0) and the
/// tables' layout (group 1).
#[derive(Debug)]
pub struct MarksTest {
    pipeline: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
    tables_layout: wgpu::BindGroupLayout,
}

impl MarksTest {
    /// Builds the pipeline.
    ///
    /// # Errors
    /// [`GpuError::Pipeline`] when the shader or pipeline fails validation.
    pub fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        let device = &ctx.device;
        let entry = |binding, ty, size: usize| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty,
                has_dynamic_offset: false,
                min_binding_size: wgpu::BufferSize::new(size as u64),
            },
            count: None,
        };
        let ((layout, tables_layout, pipeline), err) = with_error_scopes(device, || {
            let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(LABEL),
                source: wgpu::ShaderSource::Wgsl(shaders::MARKS_TEST.into()),
            });
            let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some(LABEL),
                entries: &[
                    entry(
                        0,
                        wgpu::BufferBindingType::Storage { read_only: true },
                        std::mem::size_of::<MarksQuery>(),
                    ),
                    entry(
                        1,
                        wgpu::BufferBindingType::Storage { read_only: false },
                        std::mem::size_of::<MarksResult>(),
                    ),
                    entry(
                        2,
                        wgpu::BufferBindingType::Uniform,
                        std::mem::size_of::<MarksParams>(),
                    ),
                ],
            });
            let tables_layout = GpuTables::create_bind_group_layout(ctx);
            let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some(LABEL),
                bind_group_layouts: &[Some(&layout), Some(&tables_layout)],
                immediate_size: 0,
            });
            let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(LABEL),
                layout: Some(&pipeline_layout),
                module: &module,
                entry_point: Some("main"),
                compilation_options: wgpu::PipelineCompilationOptions::default(),
                cache: None,
            });
            (layout, tables_layout, pipeline)
        });
        if let Some(message) = err {
            return Err(GpuError::Pipeline {
                label: LABEL,
                message,
            });
        }
        Ok(Self {
            pipeline,
            layout,
            tables_layout,
        })
    }

    /// The layout to build the [`GpuTables`] this kernel reads with.
    #[must_use]
    pub fn tables_layout(&self) -> &wgpu::BindGroupLayout {
        &self.tables_layout
    }

    /// Runs the kernel on `queries` with the constants `params` against
    /// `tables` (built from [`super::marks::marks_tables`] in the order
    /// `params` names) and returns one result per query.
    ///
    /// # Errors
    /// [`GpuError::TooLarge`] when the queries need more workgroups or bytes
    /// than one dispatch allows; dispatch, poll or map failures.
    pub fn run(
        &self,
        ctx: &GpuContext,
        tables: &GpuTables,
        params: &MarksParams,
        queries: &[MarksQuery],
    ) -> Result<Vec<MarksResult>, GpuError> {
        if queries.is_empty() {
            return Ok(Vec::new());
        }
        let device = &ctx.device;
        let limits = device.limits();
        let in_bytes = std::mem::size_of_val(queries) as u64;
        let out_bytes = (queries.len() * std::mem::size_of::<MarksResult>()) as u64;
        let groups = queries.len().div_ceil(WORKGROUP_SIZE as usize);
        let max_bytes = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size);
        if groups > limits.max_compute_workgroups_per_dimension as usize || in_bytes > max_bytes {
            return Err(GpuError::TooLarge(format!(
                "{} queries exceed one dispatch of the marks test kernel",
                queries.len()
            )));
        }
        let buffer = |label: &'static str, size: u64, usage: wgpu::BufferUsages| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size,
                usage,
                mapped_at_creation: false,
            })
        };
        use wgpu::BufferUsages as U;
        let query_buf = buffer(
            "vixhedge.marks_test.queries",
            in_bytes,
            U::STORAGE | U::COPY_DST,
        );
        let result_buf = buffer(
            "vixhedge.marks_test.results",
            out_bytes,
            U::STORAGE | U::COPY_SRC,
        );
        let params_buf = buffer(
            "vixhedge.marks_test.params",
            std::mem::size_of::<MarksParams>() as u64,
            U::UNIFORM | U::COPY_DST,
        );
        let staging_buf = buffer(
            "vixhedge.marks_test.staging",
            out_bytes,
            U::MAP_READ | U::COPY_DST,
        );
        let ((), err) = with_error_scopes(device, || {
            ctx.queue
                .write_buffer(&query_buf, 0, bytemuck::cast_slice(queries));
            ctx.queue
                .write_buffer(&params_buf, 0, bytemuck::bytes_of(params));
            let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some(LABEL),
                layout: &self.layout,
                entries: &[
                    wgpu::BindGroupEntry {
                        binding: 0,
                        resource: query_buf.as_entire_binding(),
                    },
                    wgpu::BindGroupEntry {
                        binding: 1,
                        resource: result_buf.as_entire_binding(),
                    },
                    wgpu::BindGroupEntry {
                        binding: 2,
                        resource: params_buf.as_entire_binding(),
                    },
                ],
            });
            let mut enc = device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(LABEL) });
            {
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some(LABEL),
                    timestamp_writes: None,
                });
                pass.set_pipeline(&self.pipeline);
                pass.set_bind_group(0, &bind_group, &[]);
                pass.set_bind_group(super::tables::TABLES_GROUP, tables.bind_group(), &[]);
                pass.dispatch_workgroups(groups as u32, 1, 1);
            }
            enc.copy_buffer_to_buffer(&result_buf, 0, &staging_buf, 0, out_bytes);
            ctx.queue.submit([enc.finish()]);
        });
        if let Some(message) = err {
            return Err(GpuError::Dispatch {
                label: LABEL,
                message,
            });
        }
        let mut out = Vec::with_capacity(queries.len());
        read_buffer(ctx, &staging_buf, out_bytes, &mut out)?;
        Ok(out)
    }
}
