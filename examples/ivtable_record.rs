//! Records the SPX implied-vol table's build time, size and accuracy on the
//! built-in presets (under Q) as JSON on stdout:
//! `cargo run --release --example ivtable_record > results/ivtable-2026-11-25.json`.

use serde_json::json;
use vixhedge::config::Config;
use vixhedge::model::ivtable::{GridSpec, SpxVolSurface};
use vixhedge::model::Measure;
use vixhedge::validate::ivtable::{accuracy, ACCURACY_POINTS, TYPICAL_V};

fn main() {
    let spec = GridSpec::default();
    let mut presets = Vec::new();
    for name in ["default", "dps2000", "eraker2004"] {
        let m = Config::preset(name)
            .expect("built-in preset")
            .market_model(Measure::Q);
        // Best of three builds: the machine is shared.
        let builds: Vec<SpxVolSurface> = (0..3).map(|_| SpxVolSurface::build(&m)).collect();
        let best = builds
            .iter()
            .map(|s| s.stats().seconds)
            .fold(f64::INFINITY, f64::min);
        let s = &builds[0];
        let typical = accuracy(&m, s, ACCURACY_POINTS, 1, TYPICAL_V);
        let full = accuracy(&m, s, ACCURACY_POINTS, 2, (1e-4, 1.0));
        let z = s.table().axes[2];
        presets.push(json!({
            "preset": name,
            "build_seconds_best_of_3": best,
            "build_stats": s.stats(),
            "table_bytes": s.table().bytes(),
            "z_range": [z.lo, z.hi],
            "atm_variance": s.atm_variance(),
            "accuracy_typical_v": typical,
            "accuracy_full_v": full,
        }));
    }
    let out = json!({
        "grid": {
            "v": spec.v, "tau_days": spec.tau_days, "n_z": spec.n_z, "min_delta": spec.min_delta,
        },
        "threads": rayon::current_num_threads(),
        "typical_v": TYPICAL_V,
        "points": ACCURACY_POINTS,
        "presets": presets,
    });
    println!("{}", serde_json::to_string_pretty(&out).expect("JSON"));
}
