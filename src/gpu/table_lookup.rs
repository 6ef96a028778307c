//! Test kernel `shaders/table_lookup.wgsl`: evaluates a table lookup
//! (`shaders/shared/tables.wgsl`) and the pricing functions
//! (`shaders/shared/pricing.wgsl`) for given queries, so tests can compare them
//! with [`crate::tables::Table::lookup`] and [`crate::cpu::pricing`] value by
//! value. It is also the smallest example of a kernel that reads
//! [`GpuTables`] at group [`super::tables::TABLES_GROUP`].

use bytemuck::{Pod, Zeroable};

use super::context::{read_buffer, with_error_scopes, GpuContext, GpuError};
use super::shaders;
use super::tables::GpuTables;

const LABEL: &str = "vixhedge.table_lookup";
const WORKGROUP_SIZE: u32 = 64;

/// One query of the test kernel (80 bytes). Keep in sync with
/// `shaders/table_lookup.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct LookupQuery {
    /// Table index (position in the slice given to [`GpuTables::new`]).
    pub table: u32,
    /// 0 for a call, 1 for a put (Black-76 and Black-Scholes).
    pub kind: u32,
    /// Coordinates of the lookup; those beyond the table's axes are ignored.
    pub x: [f32; 3],
    /// Argument of `exp_portable`.
    pub exp_x: f32,
    /// Argument of `norm_cdf_f32`.
    pub cdf_x: f32,
    /// Forward of `black76_f32` and spot of `bs_f32`, index points.
    pub forward: f32,
    /// Strike, index points.
    pub strike: f32,
    /// Time to expiry, years.
    pub tau: f32,
    /// Discount factor of `black76_f32`.
    pub df: f32,
    /// Annualised volatility.
    pub vol: f32,
    /// Rate of `bs_f32`, continuously compounded per year.
    pub rate: f32,
    /// Dividend yield of `bs_f32`, continuously compounded per year.
    pub div_yield: f32,
    /// `a` of `vix_from_affine` (dimensionless).
    pub vix_a: f32,
    /// Variance `v` of `vix_from_affine` (annualised).
    pub vix_v: f32,
    /// `b_t` of `vix_from_affine` (annualised variance).
    pub vix_b: f32,
    /// Padding to a 16-byte multiple.
    pub _pad: [u32; 3],
}

/// One result of the test kernel (48 bytes). Keep in sync with
/// `shaders/table_lookup.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct LookupResult {
    /// `table_lookup(table, x)`.
    pub value: f32,
    /// 1 when the lookup clamped a coordinate, else 0.
    pub clamped: u32,
    /// `exp_portable(exp_x)`.
    pub exp: f32,
    /// `norm_cdf_f32(cdf_x)`.
    pub cdf: f32,
    /// `black76_f32(kind, forward, strike, tau, df, vol).price`, index points.
    pub black76_price: f32,
    /// Its forward delta (without the discount factor).
    pub black76_delta: f32,
    /// `bs_f32(kind, forward, strike, tau, rate, div_yield, vol).price`.
    pub bs_price: f32,
    /// Its spot delta.
    pub bs_delta: f32,
    /// `vix_from_affine(vix_a, vix_v, vix_b)`, index points.
    pub vix: f32,
    /// Padding to a 16-byte multiple.
    pub _pad: [u32; 3],
}

const _: () = assert!(std::mem::size_of::<LookupQuery>() == 80);
const _: () = assert!(std::mem::size_of::<LookupResult>() == 48);

/// The test-kernel pipeline, its own bind-group layout (group 0) and the
/// tables' layout (group 1).
#[derive(Debug)]
pub struct TableLookup {
    pipeline: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
    tables_layout: wgpu::BindGroupLayout,
}

impl TableLookup {
    /// Builds the pipeline.
    ///
    /// # Errors
    /// [`GpuError::Pipeline`] when the shader or pipeline fails validation.
    pub fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        let device = &ctx.device;
        let storage = |binding, read_only, size: usize| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Storage { read_only },
                has_dynamic_offset: false,
                min_binding_size: wgpu::BufferSize::new(size as u64),
            },
            count: None,
        };
        let ((layout, tables_layout, pipeline), err) = with_error_scopes(device, || {
            let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(LABEL),
                source: wgpu::ShaderSource::Wgsl(shaders::TABLE_LOOKUP.into()),
            });
            let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some(LABEL),
                entries: &[
                    storage(0, true, std::mem::size_of::<LookupQuery>()),
                    storage(1, false, std::mem::size_of::<LookupResult>()),
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

    /// Runs the kernel on `queries` against `tables` and returns one result per
    /// query.
    ///
    /// # Errors
    /// [`GpuError::TooLarge`] when the queries need more workgroups or bytes
    /// than one dispatch allows; dispatch, poll or map failures.
    pub fn run(
        &self,
        ctx: &GpuContext,
        tables: &GpuTables,
        queries: &[LookupQuery],
    ) -> Result<Vec<LookupResult>, GpuError> {
        if queries.is_empty() {
            return Ok(Vec::new());
        }
        let device = &ctx.device;
        let limits = device.limits();
        let in_bytes = std::mem::size_of_val(queries) as u64;
        let out_bytes = (queries.len() * std::mem::size_of::<LookupResult>()) as u64;
        let groups = queries.len().div_ceil(WORKGROUP_SIZE as usize);
        let max_bytes = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size);
        if groups > limits.max_compute_workgroups_per_dimension as usize || in_bytes > max_bytes {
            return Err(GpuError::TooLarge(format!(
                "{} queries exceed one dispatch of the test kernel",
                queries.len()
            )));
        }
        let query_buf = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("vixhedge.table_lookup.queries"),
            size: in_bytes,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let result_buf = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("vixhedge.table_lookup.results"),
            size: out_bytes,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let staging_buf = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("vixhedge.table_lookup.staging"),
            size: out_bytes,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let ((), err) = with_error_scopes(device, || {
            ctx.queue
                .write_buffer(&query_buf, 0, bytemuck::cast_slice(queries));
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
