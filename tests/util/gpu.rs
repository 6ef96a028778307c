//! Helpers of the GPU tests: the shared device and context, shader
//! validation, SplitMix inputs and error measures.

use std::sync::OnceLock;

use vixhedge::backend::Device;
use vixhedge::gpu::GpuContext;

/// The shared GPU device of the test binary (created once). A test that
/// calls it runs on a GPU or fails: without an adapter it panics with the
/// reason. Tests that call it carry `#[cfg_attr(skip_gpu, ignore = ...)]`, so
/// `VIXHEDGE_SKIP_GPU=1` at build time reports them as ignored instead.
#[track_caller]
pub fn device() -> &'static Device {
    static DEVICE: OnceLock<Result<Device, String>> = OnceLock::new();
    match DEVICE.get_or_init(|| {
        GpuContext::new()
            .map(|ctx| Device::Gpu(Box::new(ctx)))
            .map_err(|e| e.to_string())
    }) {
        Ok(device) => device,
        Err(e) => panic!(
            "this GPU test found no adapter ({e}); install Mesa's lavapipe (scripts/setup.sh) \
             or build the tests with VIXHEDGE_SKIP_GPU=1 to report GPU tests as ignored"
        ),
    }
}

/// The shared GPU context ([`device`]'s).
#[track_caller]
pub fn gpu() -> &'static GpuContext {
    device().gpu().expect("device() is a GPU")
}

/// Whether `ctx` evaluates the WGSL with the CPU twin's f32 arithmetic, so a
/// test may demand bit-identical results there: Mesa's lavapipe (llvmpipe)
/// rounds every operation as written (measured on every kernel). Other drivers
/// may fuse a product and the sum it feeds into one multiply-add, rounded once
/// (SPIR-V allows it unless an instruction is decorated `NoContraction`, which
/// naga does not emit); NVIDIA's does (measured on an H100, 2026-11-26). There
/// the tests hold the GPU to the f32 error bounds of each computation instead.
pub fn bit_exact(ctx: &GpuContext) -> bool {
    !ctx.is_hardware() && ctx.adapter_info.name.starts_with("llvmpipe")
}

/// Parses and validates `src` with naga, panicking with `label` and the
/// rendered error, so WGSL errors fail even without an adapter.
#[track_caller]
pub fn validate_wgsl(label: &str, src: &str) {
    validate_wgsl_with(label, src, naga::valid::Capabilities::default());
}

/// [`validate_wgsl`] with the device capabilities `caps`.
#[track_caller]
pub fn validate_wgsl_with(label: &str, src: &str, caps: naga::valid::Capabilities) {
    let module = naga::front::wgsl::parse_str(src)
        .unwrap_or_else(|e| panic!("{label}: {}", e.emit_to_string(src)));
    naga::valid::Validator::new(naga::valid::ValidationFlags::all(), caps)
        .validate(&module)
        .unwrap_or_else(|e| panic!("{label}: {}", e.emit_to_string(src)));
}

/// SplitMix64: test inputs without a dependency.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Log-uniform in [lo, hi).
    pub fn log_range(&mut self, lo: f64, hi: f64) -> f64 {
        self.range(lo.ln(), hi.ln()).exp()
    }
    /// Uniform integer in [lo, hi].
    pub fn int(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next_u64() % u64::from(hi - lo + 1)) as u32
    }
}

/// Distance in units in the last place between two finite f32 of any sign.
pub fn ulps(a: f32, b: f32) -> u32 {
    fn key(x: f32) -> i64 {
        let b = i64::from(x.to_bits() as i32);
        if b < 0 {
            i64::from(i32::MIN) - b
        } else {
            b
        }
    }
    (key(a) - key(b)).unsigned_abs() as u32
}

/// Worst error seen so far: (error, input index).
#[derive(Debug, Default, Clone, Copy)]
pub struct Worst(pub f64, pub usize);

impl Worst {
    pub fn see(&mut self, err: f64, i: usize) {
        if err > self.0 || err.is_nan() {
            self.0 = err;
            self.1 = i;
        }
    }
}
