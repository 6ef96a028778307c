//! Test kernel `shaders/table_lookup.wgsl`: evaluates a table lookup
//! (`shaders/shared/tables.wgsl`) and the pricing functions
//! (`shaders/shared/pricing.wgsl`) for given queries, so tests can compare them
//! with [`crate::shared::tables::Table::lookup`] and [`crate::shared::pricing`] value by
//! value. It is also the smallest example of a kernel that reads
//! [`GpuTables`] at group [`super::tables::TABLES_GROUP`].

use bytemuck::{Pod, Zeroable};

use super::context::{GpuContext, GpuError};
use super::kernel::{compute_pipeline, storage_entry, Kernel, TestRun};
use super::shaders;
use super::tables::GpuTables;

const LABEL: &str = "vixhedge.table_lookup";

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
    kernel: Kernel,
}

impl TableLookup {
    /// Builds the pipeline.
    ///
    /// # Errors
    /// [`GpuError::Pipeline`] when the shader or pipeline fails validation.
    pub fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        let kernel = compute_pipeline(
            ctx,
            LABEL,
            shaders::TABLE_LOOKUP,
            "main",
            &[
                storage_entry(0, true, std::mem::size_of::<LookupQuery>()),
                storage_entry(1, false, std::mem::size_of::<LookupResult>()),
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
        self.kernel.run_test(
            ctx,
            &TestRun {
                inputs: queries,
                names: ["queries", "results"],
                uniform: None,
                tables: Some(tables),
                too_large: "queries exceed one dispatch of the test kernel",
            },
        )
    }
}
