//! Test kernel `shaders/marks_test.wgsl`: evaluates the GPU marks
//! (`shaders/shared/marks.wgsl`) for given queries, so tests can compare them
//! with [`crate::study::ModelMarks`] query by query. Also the smallest example
//! of a kernel that reads the marks: [`MarksParams`] as a uniform in its own
//! group 0, the tables of [`super::marks::marks_tables`] at group
//! [`super::tables::TABLES_GROUP`].

use bytemuck::{Pod, Zeroable};

use super::context::{GpuContext, GpuError};
use super::kernel::{compute_pipeline, layout_entry, storage_entry, Kernel, TestRun};
use super::marks::MarksParams;
use super::shaders;
use super::tables::GpuTables;

const LABEL: &str = "vixhedge.marks_test";

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
    /// `N^{-1}` of the SPX delta target's probability (`spx_delta` for a
    /// call, `1 + spx_delta` for a put).
    pub spx_d_star: f32,
    /// Padding to a 16-byte multiple.
    pub _pad: u32,
}

/// One result of the test kernel (32 bytes). Keep in sync with
/// `shaders/marks_test.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct MarksResult {
    /// SPX event coordinate read from the day table (index + weight).
    pub event_coord: f32,
    /// VIX expiry constant read from the day table (annualised variance).
    pub vix_c: f32,
    /// `spx_price`, index points.
    pub spx_price: f32,
    /// `spx_strike_at` of `spx_strike_x`, index points (5-point grid).
    pub spx_strike: f32,
    /// `vix_future`, VIX points.
    pub vix_future: f32,
    /// `vix_call` at the run's rate, VIX points.
    pub vix_call: f32,
    /// `vix_call_strike_for_delta`, VIX points (0.5-point grid).
    pub vix_strike: f32,
    /// `spx_strike_x`: the log-strike of the SPX strike search, before
    /// rounding.
    pub spx_strike_x: f32,
}

const _: () = assert!(std::mem::size_of::<MarksQuery>() == 48);
const _: () = assert!(std::mem::size_of::<MarksResult>() == 32);

/// The test-kernel pipeline, its own bind-group layout (group 0) and the
/// tables' layout (group 1).
#[derive(Debug)]
pub struct MarksTest {
    kernel: Kernel,
}

impl MarksTest {
    /// Builds the pipeline.
    ///
    /// # Errors
    /// [`GpuError::Pipeline`] when the shader or pipeline fails validation.
    pub fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        let kernel = compute_pipeline(
            ctx,
            LABEL,
            shaders::MARKS_TEST,
            "main",
            &[
                storage_entry(0, true, std::mem::size_of::<MarksQuery>()),
                storage_entry(1, false, std::mem::size_of::<MarksResult>()),
                layout_entry(
                    2,
                    wgpu::BufferBindingType::Uniform,
                    std::mem::size_of::<MarksParams>() as u64,
                ),
            ],
            true,
            wgpu::PipelineCompilationOptions::default(),
        )?;
        Ok(Self { kernel })
    }

    /// The layout to build the [`GpuTables`] this kernel reads with.
    #[must_use]
    pub fn tables_layout(&self) -> &wgpu::BindGroupLayout {
        self.kernel
            .tables_layout
            .as_ref()
            .expect("built with the tables layout")
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
        self.kernel.run_test(
            ctx,
            &TestRun {
                inputs: queries,
                names: ["queries", "results"],
                uniform: Some(("params", bytemuck::bytes_of(params))),
                tables: Some(tables),
                too_large: "queries exceed one dispatch of the marks test kernel",
            },
        )
    }
}
