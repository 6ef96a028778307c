//! Test kernel `shaders/philox_kat.wgsl`: evaluates Philox4x32-10 and the
//! portable transforms of [`crate::rng`] on the GPU for given inputs, so tests
//! can compare both sides value by value.

use bytemuck::{Pod, Zeroable};

use super::context::{read_buffer, with_error_scopes, GpuContext, GpuError};
use super::shaders;

const LABEL: &str = "vixhedge.philox_kat";
const WORKGROUP_SIZE: u32 = 64;

/// One input of the test kernel (32 bytes). Keep in sync with
/// `shaders/philox_kat.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct KatInput {
    /// Philox counter words; word 0 also feeds `uniform`, words 0 and 1
    /// `box_muller`, word 2 `exponential`.
    pub ctr: [u32; 4],
    /// Philox key words.
    pub key: [u32; 2],
    /// Argument of `ln_portable` (positive, normal).
    pub ln_x: f32,
    /// Argument of `sincos_2pi`, in [0, 1).
    pub sincos_u: f32,
}

/// One output of the test kernel (48 bytes). Keep in sync with
/// `shaders/philox_kat.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct KatOutput {
    /// `philox4x32_10(ctr, key)`.
    pub philox: [u32; 4],
    /// `uniform(ctr[0])`.
    pub uniform: f32,
    /// `ln_portable(ln_x)`.
    pub ln: f32,
    /// `sincos_2pi(sincos_u).0`.
    pub sin: f32,
    /// `sincos_2pi(sincos_u).1`.
    pub cos: f32,
    /// `box_muller(ctr[0], ctr[1]).0`.
    pub normal0: f32,
    /// `box_muller(ctr[0], ctr[1]).1`.
    pub normal1: f32,
    /// `exponential(ctr[2])`.
    pub exponential: f32,
    /// Padding to a 16-byte multiple.
    pub _pad: f32,
}

const _: () = assert!(std::mem::size_of::<KatInput>() == 32);
const _: () = assert!(std::mem::size_of::<KatOutput>() == 48);

/// The test-kernel pipeline and its bind-group layout.
#[derive(Debug)]
pub struct PhiloxKat {
    pipeline: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
}

impl PhiloxKat {
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
        let ((layout, pipeline), err) = with_error_scopes(device, || {
            let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(LABEL),
                source: wgpu::ShaderSource::Wgsl(shaders::PHILOX_KAT.into()),
            });
            let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some(LABEL),
                entries: &[
                    storage(0, true, std::mem::size_of::<KatInput>()),
                    storage(1, false, std::mem::size_of::<KatOutput>()),
                ],
            });
            let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some(LABEL),
                bind_group_layouts: &[Some(&layout)],
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
            (layout, pipeline)
        });
        if let Some(message) = err {
            return Err(GpuError::Pipeline {
                label: LABEL,
                message,
            });
        }
        Ok(Self { pipeline, layout })
    }

    /// Runs the kernel on `inputs` and returns one output per input.
    ///
    /// # Errors
    /// [`GpuError::TooLarge`] when the inputs need more workgroups or bytes than
    /// one dispatch allows; dispatch, poll or map failures.
    pub fn run(&self, ctx: &GpuContext, inputs: &[KatInput]) -> Result<Vec<KatOutput>, GpuError> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        let device = &ctx.device;
        let limits = device.limits();
        let in_bytes = std::mem::size_of_val(inputs) as u64;
        let out_bytes = (inputs.len() * std::mem::size_of::<KatOutput>()) as u64;
        let groups = inputs.len().div_ceil(WORKGROUP_SIZE as usize);
        let max_bytes = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size);
        if groups > limits.max_compute_workgroups_per_dimension as usize || out_bytes > max_bytes {
            return Err(GpuError::TooLarge(format!(
                "{} inputs exceed one dispatch of the test kernel",
                inputs.len()
            )));
        }
        let input_buf = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("vixhedge.philox_kat.inputs"),
            size: in_bytes,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let output_buf = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("vixhedge.philox_kat.outputs"),
            size: out_bytes,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let staging_buf = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("vixhedge.philox_kat.staging"),
            size: out_bytes,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let ((), err) = with_error_scopes(device, || {
            ctx.queue
                .write_buffer(&input_buf, 0, bytemuck::cast_slice(inputs));
            let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some(LABEL),
                layout: &self.layout,
                entries: &[
                    wgpu::BindGroupEntry {
                        binding: 0,
                        resource: input_buf.as_entire_binding(),
                    },
                    wgpu::BindGroupEntry {
                        binding: 1,
                        resource: output_buf.as_entire_binding(),
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
                pass.dispatch_workgroups(groups as u32, 1, 1);
            }
            enc.copy_buffer_to_buffer(&output_buf, 0, &staging_buf, 0, out_bytes);
            ctx.queue.submit([enc.finish()]);
        });
        if let Some(message) = err {
            return Err(GpuError::Dispatch {
                label: LABEL,
                message,
            });
        }
        let mut out = Vec::with_capacity(inputs.len());
        read_buffer(ctx, &staging_buf, out_bytes, &mut out)?;
        Ok(out)
    }
}
