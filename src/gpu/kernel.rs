//! Plumbing shared by the compute kernels: pipeline and bind-group-layout
//! creation under error scopes, labelled buffers, and the one-dispatch
//! query/result run of the test kernels (`philox_kat`, `table_lookup`,
//! `marks_test`).

use bytemuck::Pod;

use super::context::{read_buffer, with_error_scopes, GpuContext, GpuError};
use super::tables::{GpuTables, TABLES_GROUP};

/// A buffer binding visible to compute shaders, `min_size` bytes at least.
pub(crate) fn layout_entry(
    binding: u32,
    ty: wgpu::BufferBindingType,
    min_size: u64,
) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty,
            has_dynamic_offset: false,
            min_binding_size: wgpu::BufferSize::new(min_size),
        },
        count: None,
    }
}

/// A storage-buffer binding of [`layout_entry`].
pub(crate) fn storage_entry(
    binding: u32,
    read_only: bool,
    min_size: usize,
) -> wgpu::BindGroupLayoutEntry {
    layout_entry(
        binding,
        wgpu::BufferBindingType::Storage { read_only },
        min_size as u64,
    )
}

/// A compute pipeline with its own bind-group layout at group 0 and, when
/// asked for, the [`GpuTables`] layout at [`TABLES_GROUP`].
#[derive(Debug, Clone)]
pub(crate) struct Kernel {
    /// Label of the pipeline, its layouts, bind groups and passes.
    pub label: &'static str,
    /// The pipeline.
    pub pipeline: wgpu::ComputePipeline,
    /// Layout of group 0.
    pub layout: wgpu::BindGroupLayout,
    /// Layout of the tables group, when the kernel reads tables.
    pub tables_layout: Option<wgpu::BindGroupLayout>,
}

/// Builds the shader module, the layouts and the pipeline (entry point
/// `entry`) inside one pair of error scopes, so a WGSL or layout error comes
/// back as [`GpuError::Pipeline`] rather than a panic.
///
/// # Errors
/// [`GpuError::Pipeline`] when the shader or pipeline fails validation.
pub(crate) fn compute_pipeline(
    ctx: &GpuContext,
    label: &'static str,
    source: &str,
    entry: &str,
    entries: &[wgpu::BindGroupLayoutEntry],
    with_tables: bool,
    options: wgpu::PipelineCompilationOptions<'_>,
) -> Result<Kernel, GpuError> {
    let device = &ctx.device;
    let source = super::shaders::for_device(source, ctx.int64);
    let ((layout, tables_layout, pipeline), err) = with_error_scopes(device, || {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(label),
            source: wgpu::ShaderSource::Wgsl(source),
        });
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some(label),
            entries,
        });
        let tables_layout = with_tables.then(|| GpuTables::create_bind_group_layout(ctx));
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some(label),
            bind_group_layouts: &[Some(&layout), tables_layout.as_ref()],
            immediate_size: 0,
        });
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(label),
            layout: Some(&pipeline_layout),
            module: &module,
            entry_point: Some(entry),
            compilation_options: options,
            cache: None,
        });
        (layout, tables_layout, pipeline)
    });
    if let Some(message) = err {
        return Err(GpuError::Pipeline { label, message });
    }
    Ok(Kernel {
        label,
        pipeline,
        layout,
        tables_layout,
    })
}

/// An unmapped buffer of `size` bytes.
pub(crate) fn buffer(
    ctx: &GpuContext,
    label: &str,
    size: u64,
    usage: wgpu::BufferUsages,
) -> wgpu::Buffer {
    ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size,
        usage,
        mapped_at_creation: false,
    })
}

/// A bind group of `layout` with `buffers[i]` bound whole at binding `i`.
pub(crate) fn bind_group(
    ctx: &GpuContext,
    label: &str,
    layout: &wgpu::BindGroupLayout,
    buffers: &[&wgpu::Buffer],
) -> wgpu::BindGroup {
    let entries: Vec<_> = (0u32..)
        .zip(buffers)
        .map(|(binding, b)| wgpu::BindGroupEntry {
            binding,
            resource: b.as_entire_binding(),
        })
        .collect();
    ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some(label),
        layout,
        entries: &entries,
    })
}

/// Copies the first `len` bytes of `src` into `staging` in a command buffer
/// of its own (labelled `label`), then maps `staging` and appends its
/// contents to `out` as `T`s.
///
/// # Errors
/// Poll or map failures.
pub(crate) fn read_back<T: Pod>(
    ctx: &GpuContext,
    label: &str,
    src: &wgpu::Buffer,
    staging: &wgpu::Buffer,
    len: u64,
    out: &mut Vec<T>,
) -> Result<(), GpuError> {
    let mut enc = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(label) });
    enc.copy_buffer_to_buffer(src, 0, staging, 0, len);
    ctx.queue.submit([enc.finish()]);
    read_buffer(ctx, staging, len, out)
}

/// One batch of a per-path kernel: [`submit_paths`], then a wait for the device.
///
/// # Errors
/// Validation or out-of-memory errors of the dispatch, or a failed wait.
pub(crate) fn dispatch_paths(
    ctx: &GpuContext,
    label: &'static str,
    pipeline: &wgpu::ComputePipeline,
    groups: &[(u32, &wgpu::BindGroup)],
    uploads: &[(&wgpu::Buffer, &[u8])],
    n: u64,
    workgroup_size: u32,
) -> Result<(), GpuError> {
    submit_paths(ctx, label, pipeline, groups, uploads, n, workgroup_size)?;
    ctx.device.poll(wgpu::PollType::wait_indefinitely())?;
    Ok(())
}

/// Writes `uploads` (buffer, bytes), then submits one dispatch of `pipeline`
/// with `groups` bound (group index, bind group) over `n` invocations of
/// `workgroup_size` (a 2D grid when one dimension cannot hold them; the
/// kernel folds the y index back), and returns without waiting. The writes
/// land just before this submission's commands, after everything submitted
/// earlier, so a uniform may be rewritten for the next submission while this
/// one is still queued (wgpu's `Queue::write_buffer`,
/// <https://docs.rs/wgpu/30.0.2/wgpu/struct.Queue.html#method.write_buffer>).
///
/// # Errors
/// Validation or out-of-memory errors of the dispatch.
pub(crate) fn submit_paths(
    ctx: &GpuContext,
    label: &'static str,
    pipeline: &wgpu::ComputePipeline,
    groups: &[(u32, &wgpu::BindGroup)],
    uploads: &[(&wgpu::Buffer, &[u8])],
    n: u64,
    workgroup_size: u32,
) -> Result<wgpu::SubmissionIndex, GpuError> {
    let device = &ctx.device;
    let max_dim = u64::from(device.limits().max_compute_workgroups_per_dimension);
    let wgs = n.div_ceil(u64::from(workgroup_size));
    let (gx, gy) = if wgs <= max_dim {
        (wgs, 1)
    } else {
        (max_dim, wgs.div_ceil(max_dim))
    };
    let (gx, gy) = match (u32::try_from(gx), u32::try_from(gy)) {
        (Ok(x), Ok(y)) if y <= max_dim as u32 => (x, y),
        _ => {
            return Err(GpuError::TooLarge(format!(
                "{n} invocations exceed one dispatch of {label}"
            )))
        }
    };
    let (index, err) = with_error_scopes(device, || {
        for (buf, bytes) in uploads {
            ctx.queue.write_buffer(buf, 0, bytes);
        }
        let mut enc =
            device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(label) });
        {
            let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some(label),
                timestamp_writes: None,
            });
            pass.set_pipeline(pipeline);
            for (index, group) in groups {
                pass.set_bind_group(*index, *group, &[]);
            }
            pass.dispatch_workgroups(gx, gy, 1);
        }
        ctx.queue.submit([enc.finish()])
    });
    if let Some(message) = err {
        return Err(GpuError::Dispatch { label, message });
    }
    Ok(index)
}

/// Workgroup size of the test kernels.
const TEST_WORKGROUP_SIZE: usize = 64;

/// One dispatch of a test kernel: `inputs` at binding 0, one `R` per input
/// at binding 1, an optional uniform at binding 2, and `tables` at
/// [`TABLES_GROUP`].
pub(crate) struct TestRun<'a, Q> {
    /// The inputs, one invocation each.
    pub inputs: &'a [Q],
    /// Buffer-label suffixes of the input and result buffers.
    pub names: [&'static str; 2],
    /// The uniform at binding 2 (label suffix, bytes), if any.
    pub uniform: Option<(&'static str, &'a [u8])>,
    /// The tables' bind group, if the kernel reads tables.
    pub tables: Option<&'a GpuTables>,
    /// What the too-large message calls the inputs and the kernel.
    pub too_large: &'static str,
}

impl Kernel {
    /// Runs a test kernel: uploads, dispatches, copies the results to a
    /// staging buffer in one submission, and reads them back.
    ///
    /// # Errors
    /// [`GpuError::TooLarge`] when the inputs need more workgroups or bytes
    /// than one dispatch allows; dispatch, poll or map failures.
    pub(crate) fn run_test<Q: Pod, R: Pod>(
        &self,
        ctx: &GpuContext,
        run: &TestRun<'_, Q>,
    ) -> Result<Vec<R>, GpuError> {
        let inputs = run.inputs;
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        let device = &ctx.device;
        let limits = device.limits();
        let in_bytes = std::mem::size_of_val(inputs) as u64;
        let out_bytes = (inputs.len() * std::mem::size_of::<R>()) as u64;
        let groups = inputs.len().div_ceil(TEST_WORKGROUP_SIZE);
        let max_bytes = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size);
        if groups > limits.max_compute_workgroups_per_dimension as usize
            || in_bytes.max(out_bytes) > max_bytes
        {
            return Err(GpuError::TooLarge(format!(
                "{} {}",
                inputs.len(),
                run.too_large
            )));
        }
        use wgpu::BufferUsages as U;
        let label = self.label;
        let [in_name, out_name] = run.names;
        let input_buf = buffer(
            ctx,
            &format!("{label}.{in_name}"),
            in_bytes,
            U::STORAGE | U::COPY_DST,
        );
        let result_buf = buffer(
            ctx,
            &format!("{label}.{out_name}"),
            out_bytes,
            U::STORAGE | U::COPY_SRC,
        );
        let uniform_buf = run.uniform.map(|(name, bytes)| {
            let b = buffer(
                ctx,
                &format!("{label}.{name}"),
                bytes.len() as u64,
                U::UNIFORM | U::COPY_DST,
            );
            (b, bytes)
        });
        let staging_buf = buffer(
            ctx,
            &format!("{label}.staging"),
            out_bytes,
            U::MAP_READ | U::COPY_DST,
        );
        let ((), err) = with_error_scopes(device, || {
            ctx.queue
                .write_buffer(&input_buf, 0, bytemuck::cast_slice(inputs));
            let mut bound = vec![&input_buf, &result_buf];
            if let Some((b, bytes)) = &uniform_buf {
                ctx.queue.write_buffer(b, 0, bytes);
                bound.push(b);
            }
            let group = bind_group(ctx, label, &self.layout, &bound);
            let mut enc = device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(label) });
            {
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some(label),
                    timestamp_writes: None,
                });
                pass.set_pipeline(&self.pipeline);
                pass.set_bind_group(0, &group, &[]);
                if let Some(tables) = run.tables {
                    pass.set_bind_group(TABLES_GROUP, tables.bind_group(), &[]);
                }
                pass.dispatch_workgroups(groups as u32, 1, 1);
            }
            enc.copy_buffer_to_buffer(&result_buf, 0, &staging_buf, 0, out_bytes);
            ctx.queue.submit([enc.finish()]);
        });
        if let Some(message) = err {
            return Err(GpuError::Dispatch { label, message });
        }
        let mut out = Vec::with_capacity(inputs.len());
        read_buffer(ctx, &staging_buf, out_bytes, &mut out)?;
        Ok(out)
    }
}
