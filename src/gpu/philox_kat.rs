//! Test kernel `shaders/philox_kat.wgsl`: evaluates Philox4x32-10 and the
//! portable transforms of [`crate::shared::math`] on the GPU for given inputs, so tests
//! can compare both sides value by value.

use bytemuck::{Pod, Zeroable};

use super::context::{GpuContext, GpuError};
use super::kernel::{compute_pipeline, storage_entry, Kernel, TestRun};
use super::shaders;

const LABEL: &str = "vixhedge.philox_kat";

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
    kernel: Kernel,
}

impl PhiloxKat {
    /// Builds the pipeline.
    ///
    /// # Errors
    /// [`GpuError::Pipeline`] when the shader or pipeline fails validation.
    pub fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        let kernel = compute_pipeline(
            ctx,
            LABEL,
            shaders::PHILOX_KAT,
            "main",
            &[
                storage_entry(0, true, std::mem::size_of::<KatInput>()),
                storage_entry(1, false, std::mem::size_of::<KatOutput>()),
            ],
            false,
            wgpu::PipelineCompilationOptions::default(),
        )?;
        Ok(Self { kernel })
    }

    /// Runs the kernel on `inputs` and returns one output per input.
    ///
    /// # Errors
    /// [`GpuError::TooLarge`] when the inputs need more workgroups or bytes than
    /// one dispatch allows; dispatch, poll or map failures.
    pub fn run(&self, ctx: &GpuContext, inputs: &[KatInput]) -> Result<Vec<KatOutput>, GpuError> {
        self.kernel.run_test(
            ctx,
            &TestRun {
                inputs,
                names: ["inputs", "outputs"],
                uniform: None,
                tables: None,
                too_large: "inputs exceed one dispatch of the test kernel",
            },
        )
    }
}
