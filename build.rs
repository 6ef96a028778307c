//! Sets `cfg(skip_gpu)` when `VIXHEDGE_SKIP_GPU=1` (and `VIXHEDGE_REQUIRE_GPU`
//! is not 1): the GPU tests are then compiled as ignored, so they are reported
//! as skipped. Otherwise a GPU test that finds no adapter fails.
//!
//! Also records, for the `machine` block of `bench --json`, the compiler's
//! version (`VIXHEDGE_RUSTC`) and the source commit (`VIXHEDGE_COMMIT`, or
//! "unknown" outside a git checkout).

use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(skip_gpu)");
    println!("cargo::rerun-if-env-changed=VIXHEDGE_SKIP_GPU");
    println!("cargo::rerun-if-env-changed=VIXHEDGE_REQUIRE_GPU");
    let on = |name: &str| std::env::var(name).is_ok_and(|v| v == "1");
    if on("VIXHEDGE_SKIP_GPU") && !on("VIXHEDGE_REQUIRE_GPU") {
        println!("cargo::rustc-cfg=skip_gpu");
    }
    let output = |cmd: &str, args: &[&str]| {
        Command::new(cmd)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = output(&rustc, &["-V"]).unwrap_or_else(|| "unknown".into());
    println!("cargo::rustc-env=VIXHEDGE_RUSTC={version}");
    // The commit of the checkout; rebuilt when HEAD moves or a branch ref
    // changes (only files that exist: a missing one would rerun every build).
    let commit = output("git", &["rev-parse", "--short=12", "HEAD"]);
    let dirs = [
        output("git", &["rev-parse", "--git-dir"]),
        output("git", &["rev-parse", "--git-common-dir"]),
    ];
    for dir in dirs.iter().flatten() {
        for f in ["HEAD", "packed-refs", "refs/heads"] {
            let path = std::path::Path::new(dir).join(f);
            if path.exists() {
                println!("cargo::rerun-if-changed={}", path.display());
            }
        }
    }
    println!("cargo::rerun-if-changed=build.rs");
    println!(
        "cargo::rustc-env=VIXHEDGE_COMMIT={}",
        commit.unwrap_or_else(|| "unknown".into())
    );
}
