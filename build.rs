//! Sets `cfg(skip_gpu)` when `VIXHEDGE_SKIP_GPU=1` (and `VIXHEDGE_REQUIRE_GPU`
//! is not 1): the GPU tests are then compiled as ignored, so they are reported
//! as skipped. Otherwise a GPU test that finds no adapter fails.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(skip_gpu)");
    println!("cargo::rerun-if-env-changed=VIXHEDGE_SKIP_GPU");
    println!("cargo::rerun-if-env-changed=VIXHEDGE_REQUIRE_GPU");
    let on = |name: &str| std::env::var(name).is_ok_and(|v| v == "1");
    if on("VIXHEDGE_SKIP_GPU") && !on("VIXHEDGE_REQUIRE_GPU") {
        println!("cargo::rustc-cfg=skip_gpu");
    }
}
