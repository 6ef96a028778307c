//! Adapter and device selection, and the error type of the GPU backend.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use super::kernel::Kernel;

/// Errors of the GPU backend.
#[derive(Debug, thiserror::Error)]
pub enum GpuError {
    /// No adapter matched: none exists for the enabled backends, or none carries
    /// the name given in `WGPU_ADAPTER_NAME`.
    #[error("no GPU adapter: {0}")]
    NoAdapter(String),
    /// The adapter refused to create a device with its own limits.
    #[error("requesting a device: {0}")]
    RequestDevice(#[from] wgpu::RequestDeviceError),
    /// Building a shader module or pipeline failed validation.
    #[error("building pipeline {label}: {message}")]
    Pipeline {
        /// Label of the pipeline (`"vixhedge.path_step"`, ...).
        label: &'static str,
        /// The validation error reported by wgpu.
        message: String,
    },
    /// Recording or submitting a dispatch failed validation or ran out of memory.
    #[error("dispatching {label}: {message}")]
    Dispatch {
        /// Label of the pipeline.
        label: &'static str,
        /// The error reported by wgpu.
        message: String,
    },
    /// Mapping a staging buffer for readback failed.
    #[error("mapping a readback buffer: {0}")]
    Map(String),
    /// Waiting for the device failed (device lost or timeout).
    #[error("waiting for the device: {0}")]
    Poll(#[from] wgpu::PollError),
    /// The requested work cannot be expressed in one dispatch or in the kernel's
    /// 32-bit path index.
    #[error("{0}")]
    TooLarge(String),
    /// Creating buffers failed: out of device memory, or beyond a limit.
    #[error("allocating {what} ({bytes} bytes): {message}")]
    Allocation {
        /// What was being allocated.
        what: &'static str,
        /// Bytes asked for.
        bytes: u64,
        /// The error reported by wgpu.
        message: String,
    },
    /// The device was lost, or reported an error outside any error scope.
    #[error("the device failed: {0}")]
    Lost(String),
}

/// The one adapter, device and queue of a run. Create it once and share it by
/// reference.
#[derive(Debug)]
pub struct GpuContext {
    /// The logical device, created with the adapter's own limits.
    pub device: wgpu::Device,
    /// The device's queue.
    pub queue: wgpu::Queue,
    /// Name, backend and type of the adapter.
    pub adapter_info: wgpu::AdapterInfo,
    /// Whether the device has 64-bit shader integers (`SHADER_INT64`), which
    /// the kernels use for Philox's 32x32 -> 64 multiply.
    pub int64: bool,
    /// The study pipeline, compiled on first use (see [`Self::study_kernel`]).
    study: std::sync::OnceLock<Kernel>,
    /// Held while a kept pipeline compiles, so concurrent callers wait for
    /// one compilation instead of starting their own.
    compiling: std::sync::Mutex<()>,
    /// The reduction pipeline (`shaders/reduce.wgsl`), compiled on first use
    /// (see [`Self::reduce_kernel`]).
    reduce: std::sync::OnceLock<Kernel>,
    /// The first device loss or error outside an error scope, kept for
    /// [`GpuContext::check`] (wgpu's default would panic).
    failure: Arc<Mutex<Option<String>>>,
}

impl GpuContext {
    /// Picks an adapter and creates a device with the adapter's own limits.
    ///
    /// Environment (wgpu's conventions): `WGPU_BACKEND` (for example `vulkan`)
    /// restricts the backends, `WGPU_ADAPTER_NAME` picks the first adapter whose
    /// name contains it (case-insensitive), `WGPU_POWER_PREF` (`low`/`high`)
    /// steers the default choice, which otherwise prefers high performance.
    ///
    /// # Errors
    /// [`GpuError::NoAdapter`] when nothing matches, [`GpuError::RequestDevice`]
    /// when the device cannot be created.
    pub fn new() -> Result<Self, GpuError> {
        pollster::block_on(Self::new_async(true))
    }

    /// [`GpuContext::new`], with 64-bit shader integers requested only when
    /// `allow_int64` (false builds every kernel with the portable Philox
    /// multiply, for tests of that variant).
    ///
    /// # Errors
    /// As [`GpuContext::new`].
    pub fn with_int64(allow_int64: bool) -> Result<Self, GpuError> {
        pollster::block_on(Self::new_async(allow_int64))
    }

    async fn new_async(allow_int64: bool) -> Result<Self, GpuError> {
        let desc = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
        let backends = desc.backends;
        let instance = wgpu::Instance::new(desc);
        let adapter = pick_adapter(&instance, backends).await?;
        let adapter_info = adapter.get_info();
        // The defaults cap storage bindings at 128 MiB and buffers at 256 MiB;
        // ask for what this adapter really offers so batches can be larger.
        let limits = adapter.limits();
        let int64 = allow_int64 && adapter.features().contains(wgpu::Features::SHADER_INT64);
        let features = if int64 {
            wgpu::Features::SHADER_INT64
        } else {
            wgpu::Features::empty()
        };
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("vixhedge.device"),
                required_features: features,
                required_limits: limits,
                experimental_features: wgpu::ExperimentalFeatures::disabled(),
                memory_hints: wgpu::MemoryHints::Performance,
                trace: wgpu::Trace::Off,
            })
            .await?;
        let failure: Arc<Mutex<Option<String>>> = Arc::default();
        let keep = |slot: &Arc<Mutex<Option<String>>>, message: String| {
            let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
            if slot.is_none() {
                *slot = Some(message.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        };
        let slot = Arc::clone(&failure);
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| keep(&slot, e.to_string())));
        let slot = Arc::clone(&failure);
        device.set_device_lost_callback(move |reason, message| {
            keep(&slot, format!("device lost ({reason:?}): {message}"));
        });
        Ok(Self {
            device,
            queue,
            adapter_info,
            int64,
            study: std::sync::OnceLock::new(),
            compiling: std::sync::Mutex::new(()),
            reduce: std::sync::OnceLock::new(),
            failure,
        })
    }

    /// The device's first loss or uncaptured error so far, as an error.
    ///
    /// # Errors
    /// [`GpuError::Lost`] once the device was lost or reported an error no
    /// error scope caught.
    pub fn check(&self) -> Result<(), GpuError> {
        match self
            .failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            Some(message) => Err(GpuError::Lost(message.clone())),
            None => Ok(()),
        }
    }

    /// Whether the adapter is real hardware (anything but a CPU rasteriser such
    /// as lavapipe/llvmpipe or WARP).
    #[must_use]
    pub fn is_hardware(&self) -> bool {
        self.adapter_info.device_type != wgpu::DeviceType::Cpu
    }

    /// One line naming the adapter: `"<name> (<backend>, <device type>)"`.
    #[must_use]
    pub fn describe(&self) -> String {
        let i = &self.adapter_info;
        format!("{} ({:?}, {:?})", i.name, i.backend, i.device_type)
    }

    /// The adapter's driver and its version information, as the adapter
    /// reports them (empty parts left out).
    #[must_use]
    pub fn driver(&self) -> String {
        let i = &self.adapter_info;
        [i.driver.trim(), i.driver_info.trim()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The study kernel's pipeline on this device, built by `build` the first
    /// time and kept: every study of the process reuses it (one source serves
    /// every run), and callers that come while it compiles wait for it.
    ///
    /// # Errors
    /// What `build` returns; a later call tries again.
    pub(crate) fn study_kernel(
        &self,
        build: impl FnOnce() -> Result<Kernel, GpuError>,
    ) -> Result<&Kernel, GpuError> {
        self.kept(&self.study, build)
    }

    /// The reduction kernel's pipeline on this device (`shaders/reduce.wgsl`),
    /// built and kept as [`Self::study_kernel`] is.
    ///
    /// # Errors
    /// What `build` returns; a later call tries again.
    pub(crate) fn reduce_kernel(
        &self,
        build: impl FnOnce() -> Result<Kernel, GpuError>,
    ) -> Result<&Kernel, GpuError> {
        self.kept(&self.reduce, build)
    }

    /// The kernel in `cell`, built by `build` under the compile lock the
    /// first time.
    fn kept<'a>(
        &self,
        cell: &'a std::sync::OnceLock<Kernel>,
        build: impl FnOnce() -> Result<Kernel, GpuError>,
    ) -> Result<&'a Kernel, GpuError> {
        if let Some(k) = cell.get() {
            return Ok(k);
        }
        let _guard = self
            .compiling
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(k) = cell.get() {
            return Ok(k);
        }
        let kernel = build()?;
        Ok(cell.get_or_init(|| kernel))
    }

    /// The device limits (equal to the adapter's).
    #[must_use]
    pub fn limits(&self) -> wgpu::Limits {
        self.device.limits()
    }
}

/// `WGPU_ADAPTER_NAME` first (like `wgpu::util::initialize_adapter_from_env`,
/// which panics on a mismatch instead of returning an error), else wgpu's
/// default choice.
async fn pick_adapter(
    instance: &wgpu::Instance,
    backends: wgpu::Backends,
) -> Result<wgpu::Adapter, GpuError> {
    if let Some(wanted) = std::env::var("WGPU_ADAPTER_NAME")
        .ok()
        .filter(|s| !s.is_empty())
    {
        let wanted_lc = wanted.to_lowercase();
        let adapters = instance.enumerate_adapters(backends).await;
        let mut seen = String::new();
        for adapter in adapters {
            let info = adapter.get_info();
            if info.name.to_lowercase().contains(&wanted_lc) {
                return Ok(adapter);
            }
            let _ = write!(
                seen,
                "{}{} ({:?})",
                if seen.is_empty() { "" } else { ", " },
                info.name,
                info.backend
            );
        }
        if seen.is_empty() {
            seen.push_str("none");
        }
        return Err(GpuError::NoAdapter(format!(
            "no adapter name contains WGPU_ADAPTER_NAME={wanted:?} for backends {backends:?}; available: {seen}"
        )));
    }
    instance
        .request_adapter(&wgpu::RequestAdapterOptions {
            power_preference: wgpu::PowerPreference::from_env()
                .unwrap_or(wgpu::PowerPreference::HighPerformance),
            force_fallback_adapter: false,
            compatible_surface: None,
            // Bucketed limits would hide the adapter's real binding sizes.
            apply_limit_buckets: false,
        })
        .await
        .map_err(|e| GpuError::NoAdapter(e.to_string()))
}

/// Runs `f` inside a validation and an out-of-memory error scope and turns a
/// captured error into a message.
pub(crate) fn with_error_scopes<T>(
    device: &wgpu::Device,
    f: impl FnOnce() -> T,
) -> (T, Option<String>) {
    let oom = device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
    let validation = device.push_error_scope(wgpu::ErrorFilter::Validation);
    let value = f();
    let v = pollster::block_on(validation.pop());
    let o = pollster::block_on(oom.pop());
    (value, v.or(o).map(|e| e.to_string()))
}

/// Maps `slice` for reading: asks for the mapping, runs `wait` (a poll of
/// the device that returns once the buffer's last use is done), then hands
/// the mapped bytes to `read` and returns what it returns. The caller
/// unmaps the buffer.
///
/// # Errors
/// A failed wait or mapping.
pub(crate) fn with_mapped<R>(
    slice: wgpu::BufferSlice<'_>,
    wait: impl FnOnce() -> Result<(), GpuError>,
    read: impl FnOnce(&[u8]) -> R,
) -> Result<R, GpuError> {
    let (tx, rx) = std::sync::mpsc::channel();
    slice.map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    wait()?;
    rx.recv()
        .map_err(|e| GpuError::Map(e.to_string()))?
        .map_err(|e| GpuError::Map(e.to_string()))?;
    let view = slice
        .get_mapped_range()
        .map_err(|e| GpuError::Map(e.to_string()))?;
    Ok(read(&view))
}

/// Maps `buffer` for reading, waits for the device, and returns a copy of the
/// first `len` bytes as `T`s; the buffer is unmapped again.
pub(crate) fn read_buffer<T: bytemuck::Pod>(
    ctx: &GpuContext,
    buffer: &wgpu::Buffer,
    len: u64,
    out: &mut Vec<T>,
) -> Result<(), GpuError> {
    let wait = || {
        ctx.device.poll(wgpu::PollType::wait_indefinitely())?;
        Ok(())
    };
    with_mapped(buffer.slice(..len), wait, |bytes| {
        out.extend_from_slice(bytemuck::cast_slice(bytes));
    })?;
    buffer.unmap();
    Ok(())
}
