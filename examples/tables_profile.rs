//! Times the pricing tables of a run stage by stage (the record in
//! `results/2026-12-01-tables-speed.md`):
//! `cargo run --release --example tables_profile -- [PRESET [spx|separate]]`
//! (`spx`: the SPX surface only; `separate`: both, not joined).

use std::time::Instant;

use vixhedge::config::Config;
use vixhedge::model::ivtable::{GridSpec, SpxVolSurface};
use vixhedge::model::vix::VixTables;
use vixhedge::model::Measure;
use vixhedge::study::marks::{event_vars, StudyPricing};

/// CPU seconds of this process so far (user + system, from `/proc/self/stat`).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    f.iter().sum::<f64>() / 100.0
}

fn main() {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "hist-1990-2018".into());
    let config = Config::preset(&name).expect("preset");
    let m = config.market_model(Measure::Q).risk_neutral();
    // The run's event window (src/study/setup.rs): its days and the condor's tenor.
    let days = config.simulation.horizon_days + 1;
    let dte = config.condor.dte_days.max(1);
    println!("preset {name}, threads {}", rayon::current_num_threads());
    let t = Instant::now();
    let events = event_vars(&m, days, dte);
    println!(
        "event variances: {} in {:.3} s",
        events.len(),
        t.elapsed().as_secs_f64()
    );
    let only = std::env::args().nth(2).unwrap_or_default();
    let (t, c) = (Instant::now(), cpu_seconds());
    let s = SpxVolSurface::build_with_events(&m, &GridSpec::default(), &events, f64::from(dte));
    println!(
        "SPX surface: {:.3} s wall, {:.2} s CPU (stats {:?})",
        t.elapsed().as_secs_f64(),
        cpu_seconds() - c,
        s.stats()
    );
    if only == "spx" {
        return;
    }
    let (t, c) = (Instant::now(), cpu_seconds());
    let v = VixTables::build(&m);
    println!(
        "VIX tables: {:.3} s wall, {:.2} s CPU (futures {:.3} s, options {:.3} s wall)",
        t.elapsed().as_secs_f64(),
        cpu_seconds() - c,
        v.futures_seconds,
        v.options_seconds
    );
    if only == "separate" {
        return;
    }
    let (t, c) = (Instant::now(), cpu_seconds());
    let _p = StudyPricing::build_for(m.clone(), days, dte);
    println!(
        "StudyPricing::build_for (both, joined): {:.3} s wall, {:.2} s CPU",
        t.elapsed().as_secs_f64(),
        cpu_seconds() - c
    );
}
