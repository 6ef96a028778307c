//! Full WGSL sources of the kernels, assembled from `shaders/shared/*.wgsl` and
//! the kernel file. Tests parse and validate each with naga, so a WGSL error
//! fails before any adapter exists.
//!
//! The sources hold the portable `mulhi32` (`shaders/shared/mulhi_split.wgsl`);
//! [`for_device`] swaps in the 64-bit one where the device has 64-bit integers.

use std::borrow::Cow;

/// The files under `shaders/` named, in order, each followed by a newline.
macro_rules! kernel_source {
    ($($file:literal),+ $(,)?) => {
        concat!($(include_str!(concat!("../../shaders/", $file)), "\n"),+)
    };
}

/// The portable `mulhi32` of Philox, as it appears in the kernel sources.
pub const MULHI_SPLIT: &str = include_str!("../../shaders/shared/mulhi_split.wgsl");
/// `mulhi32` with one 64-bit multiply (needs `wgpu::Features::SHADER_INT64`).
pub const MULHI_INT64: &str = include_str!("../../shaders/shared/mulhi_int64.wgsl");

/// `source` as compiled on a device with (`int64`) or without 64-bit integers:
/// with them the portable `mulhi32` is replaced by [`MULHI_INT64`]. Sources
/// without Philox are returned unchanged.
#[must_use]
pub fn for_device(source: &str, int64: bool) -> Cow<'_, str> {
    if int64 && source.contains(MULHI_SPLIT) {
        Cow::Owned(source.replacen(MULHI_SPLIT, MULHI_INT64, 1))
    } else {
        Cow::Borrowed(source)
    }
}

/// Source of `shaders/path_step.wgsl` with its shared modules.
pub const PATH_STEP: &str = kernel_source!(
    "shared/params.wgsl",
    "shared/mulhi_split.wgsl",
    "shared/philox.wgsl",
    "shared/math.wgsl",
    "shared/qe.wgsl",
    "shared/jumps.wgsl",
    "shared/burn_in.wgsl",
    "shared/bootstrap.wgsl",
    "path_step.wgsl",
);

/// Source of `shaders/philox_kat.wgsl` with its shared modules.
pub const PHILOX_KAT: &str = kernel_source!(
    "shared/mulhi_split.wgsl",
    "shared/philox.wgsl",
    "shared/math.wgsl",
    "philox_kat.wgsl",
);

/// Source of `shaders/table_lookup.wgsl` (a test kernel) with its shared modules (the tables
/// at bind group 1, then the pricing math).
#[cfg(feature = "test-kernels")]
pub const TABLE_LOOKUP: &str = kernel_source!(
    "shared/math.wgsl",
    "shared/tables.wgsl",
    "shared/pricing.wgsl",
    "table_lookup.wgsl",
);

/// Source of `shaders/marks_test.wgsl` (a test kernel) with its shared modules (the tables at
/// bind group 1, the pricing math, then the marks).
#[cfg(feature = "test-kernels")]
pub const MARKS_TEST: &str = kernel_source!(
    "shared/math.wgsl",
    "shared/tables.wgsl",
    "shared/pricing.wgsl",
    "shared/marks.wgsl",
    "marks_test.wgsl",
);

/// Source of the study kernel: its shared modules, the books
/// (`shaders/study/*.wgsl`) and `shaders/study.wgsl`.
pub const STUDY: &str = kernel_source!(
    "shared/params.wgsl",
    "shared/mulhi_split.wgsl",
    "shared/philox.wgsl",
    "shared/math.wgsl",
    "shared/qe.wgsl",
    "shared/jumps.wgsl",
    "shared/burn_in.wgsl",
    "shared/bootstrap.wgsl",
    "shared/step.wgsl",
    "shared/tables.wgsl",
    "shared/pricing.wgsl",
    "shared/marks.wgsl",
    "study/stats.wgsl",
    "study/condor.wgsl",
    "study/signals.wgsl",
    "study/hedge.wgsl",
    "study.wgsl",
);

/// Source of `shaders/reduce.wgsl`, the reductions of the study's records.
pub const REDUCE: &str = kernel_source!("reduce.wgsl");

/// Every kernel as (label, full source), for validation (the test kernels
/// with the `test-kernels` feature).
pub const ALL: &[(&str, &str)] = &[
    ("vixhedge.path_step", PATH_STEP),
    ("vixhedge.study", STUDY),
    ("vixhedge.reduce", REDUCE),
    ("vixhedge.philox_kat", PHILOX_KAT),
    #[cfg(feature = "test-kernels")]
    ("vixhedge.table_lookup", TABLE_LOOKUP),
    #[cfg(feature = "test-kernels")]
    ("vixhedge.marks_test", MARKS_TEST),
];
