//! Helpers shared by the integration tests: [`assert_close`], the
//! [`backend_test!`] macro and the GPU context (`gpu`), and the report
//! fixtures (`report_data`).
//!
//! GPU tests: every test that needs an adapter carries
//! `#[cfg_attr(skip_gpu, ignore = "...")]`. `skip_gpu` is set by build.rs only
//! when `VIXHEDGE_SKIP_GPU=1` (and `VIXHEDGE_REQUIRE_GPU` is not 1), so those
//! tests are then reported as ignored; otherwise they run, and one that finds
//! no adapter fails. A GPU test never passes without running on a GPU.

pub mod cli;
pub mod gpu;
pub mod report_data;

/// Asserts `|got - want| <= abs + rel * max(|got|, |want|)`, naming `what` and
/// printing both values and the difference on failure. NaN never passes.
#[track_caller]
pub fn assert_close(what: impl std::fmt::Display, got: f64, want: f64, rel: f64, abs: f64) {
    let tol = abs + rel * got.abs().max(want.abs());
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:.17e}, want {want:.17e} (|diff| {:.3e} > tolerance {tol:.3e})",
        (got - want).abs()
    );
}

/// Runs one test body on each backend: `backend_test!(fn name(device) { .. })`
/// expands to a module `name` with the tests `cpu` (on [`Device::Cpu`]) and
/// `gpu` (on the shared GPU device, see [`gpu::device`]; ignored under
/// `skip_gpu`, a failure without an adapter otherwise). The body sees the
/// enclosing module's items.
///
/// [`Device::Cpu`]: vixhedge::backend::Device::Cpu
macro_rules! backend_test {
    ($(#[$meta:meta])* fn $name:ident($device:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn body($device: &vixhedge::backend::Device) $body

            #[test]
            fn cpu() {
                body(&vixhedge::backend::Device::Cpu);
            }

            #[test]
            #[cfg_attr(skip_gpu, ignore = "skip_gpu: VIXHEDGE_SKIP_GPU=1 at build time")]
            fn gpu() {
                body($crate::util::gpu::device());
            }
        }
    };
}
