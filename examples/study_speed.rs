//! The CPU study kernel alone, for profiling and for checking that a change
//! to it keeps every record bit: builds the setups once, times the `default`
//! preset's study (63 days, every program) and saves or compares the records
//! of several setups (default, ruin, the other branches of the rules, a
//! stationary start, bootstrap paths) against a file written by an earlier
//! build.
//!
//!     cargo run --release --example study_speed -- PATHS REPS [save|check] FILE
//!
//! `PATHS` timed paths `REPS` times (wall and CPU seconds, the best CPU
//! microseconds per path); `save FILE` writes the records of every setup,
//! `check FILE` compares them bit for bit with that file (exit status 1 when
//! they differ). `PRINT_TABLES=1` prints the packed tables, the study's
//! constants and the programs first.

use std::sync::atomic::AtomicUsize;
use std::time::Instant;

use vixhedge::config::{Config, HedgeProgram, InitialVariance, Instrument, StrikeKind};
use vixhedge::cpu::study::CpuStudy;
use vixhedge::shared::bootstrap::BootstrapSeries;
use vixhedge::study::StudySetup;

fn default_config() -> Config {
    let mut c = Config::preset("default").expect("the default preset");
    c.simulation.horizon_days = 63;
    c.simulation.seed = 7;
    c
}

fn branches_config() -> Config {
    let mut c = Config::preset("default").expect("the default preset");
    c.simulation.horizon_days = 50;
    c.simulation.steps_per_day = 2;
    c.simulation.seed = 11;
    c.events[0].var_bump = 0.01;
    c.condor.wing_width = 50.0;
    c.condor.exit_dte = 0;
    c.condor.dte_days = 20;
    c.condor.entry_every_days = 3;
    c.condor.max_open = 4;
    c.hedge.adaptive.macd_override = true;
    c.hedge.vxth.tier_levels = vec![18.0, 25.0];
    c.hedge.vxth.tier_weights = vec![0.002, 0.01, 0.004];
    let l = &mut c.hedge.layers;
    l[0].instrument = Instrument::Future;
    l[0].every_days = 0;
    l[0].tenor_days = 15;
    l[0].roll_days_left = 2;
    l[1].strike.kind = StrikeKind::Delta;
    l[1].strike.value = 0.3;
    l[2].strike.kind = StrikeKind::PointsOverF;
    l[2].strike.value = 3.0;
    l[2].roll_days_left = 3;
    c
}

/// A synthetic history (the series of tests/history_gpu.rs).
fn synthetic_series(days: usize) -> BootstrapSeries {
    let mut state = 0x0b00_75adu64;
    let mut unit = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    };
    let (mut s, mut lv) = (2500.0f64, 18f64.ln());
    let (mut spx, mut vix) = (Vec::new(), Vec::new());
    for _ in 0..days {
        let z = (-1.0 + 2.0 * unit()) * 3f64.sqrt();
        let spike = if unit() < 0.01 { 0.4 } else { 0.0 };
        lv += 0.03 * (18f64.ln() - lv) + 0.05 * z + spike;
        s *= (-0.8 * lv.exp() / 100.0 / 252f64.sqrt() * z).exp();
        spx.push((s * 100.0).round() / 100.0);
        vix.push((lv.exp() * 100.0).round() / 100.0);
    }
    BootstrapSeries::new(&spx, &vix, 21.0)
}

/// CPU seconds of this process's threads so far, from the scheduler's
/// accounting (`/proc/self/task/*/schedstat`, nanoseconds; 10 ms ticks of
/// `/proc/self/stat` where that is missing).
fn cpu_seconds() -> f64 {
    let mut ns = 0u64;
    let mut any = false;
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for t in tasks.flatten() {
            if let Ok(s) = std::fs::read_to_string(t.path().join("schedstat")) {
                if let Some(x) = s
                    .split_whitespace()
                    .next()
                    .and_then(|x| x.parse::<u64>().ok())
                {
                    ns += x;
                    any = true;
                }
            }
        }
    }
    if any {
        return ns as f64 * 1e-9;
    }
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn setup(c: &Config) -> StudySetup {
    StudySetup::from_config(c, &HedgeProgram::ALL).expect("setup")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let paths: usize = args.get(1).map_or(16384, |s| s.parse().expect("PATHS"));
    let reps: usize = args.get(2).map_or(1, |s| s.parse().expect("REPS"));
    let mode = args.get(3).cloned();
    let file = args.get(4).cloned();

    let t = Instant::now();
    let main_setup = setup(&default_config());
    eprintln!("setup {:.1} s", t.elapsed().as_secs_f64());
    if std::env::var_os("PRINT_TABLES").is_some() {
        print_tables(&main_setup);
    }
    let kernel = CpuStudy::new(&main_setup).expect("kernel");
    let days = main_setup.horizon_days as f64;
    let _ = kernel.run_records(0, 64, &AtomicUsize::new(0));
    let mut best = f64::INFINITY;
    for _ in 0..reps {
        let t = Instant::now();
        let c = cpu_seconds();
        let r = kernel.run_records(0, paths, &AtomicUsize::new(0));
        let s = t.elapsed().as_secs_f64();
        let c = cpu_seconds() - c;
        std::hint::black_box(r);
        println!(
            "{paths} paths: {s:.3} s, {:.4e} path-days/s, {:.1} us/path; CPU {c:.2} s, {:.1} CPU-us/path",
            paths as f64 * days / s,
            s * 1e6 / paths as f64,
            c * 1e6 / paths as f64
        );
        best = best.min(c * 1e6 / paths as f64);
    }
    if reps > 0 {
        println!("best {best:.1} CPU-us/path");
    }
    let Some(mode) = mode else { return };
    let file = file.expect("FILE");

    let mut records: Vec<(String, Vec<f32>)> = Vec::new();
    records.push((
        "default".into(),
        kernel.run_records(3, 4096, &AtomicUsize::new(0)),
    ));
    let mut ruin = default_config();
    ruin.condor.risk_fraction = 1.0;
    let k = CpuStudy::new(&setup(&ruin)).expect("kernel");
    records.push(("ruin".into(), k.run_records(0, 1024, &AtomicUsize::new(0))));
    let k = CpuStudy::new(&setup(&branches_config())).expect("kernel");
    records.push((
        "branches".into(),
        k.run_records(0, 2048, &AtomicUsize::new(0)),
    ));
    let mut st = default_config();
    st.market.v0 = InitialVariance::Stationary;
    let k = CpuStudy::new(&setup(&st)).expect("kernel");
    records.push((
        "stationary".into(),
        k.run_records(0, 1024, &AtomicUsize::new(0)),
    ));
    let mut b = default_config();
    b.market.v0 = InitialVariance::Level(0.02);
    let s = setup(&b).with_bootstrap(synthetic_series(3000));
    let k = CpuStudy::new(&s).expect("kernel");
    records.push((
        "bootstrap".into(),
        k.run_records(0, 1024, &AtomicUsize::new(0)),
    ));

    let bits: Vec<u32> = records
        .iter()
        .flat_map(|(_, r)| r.iter().map(|x| x.to_bits()))
        .collect();
    if mode == "save" {
        let bytes: Vec<u8> = bits.iter().flat_map(|b| b.to_le_bytes()).collect();
        std::fs::write(&file, bytes).expect("write");
        println!("saved {} words", bits.len());
    } else {
        let bytes = std::fs::read(&file).expect("read");
        let want: Vec<u32> = bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        assert_eq!(want.len(), bits.len(), "word counts differ");
        let mut off = 0;
        let mut all_same = true;
        for (name, r) in &records {
            let diff = (0..r.len())
                .filter(|&i| bits[off + i] != want[off + i])
                .count();
            println!("{name}: {} words, {diff} differ", r.len());
            all_same &= diff == 0;
            off += r.len();
        }
        println!("{}", if all_same { "IDENTICAL" } else { "DIFFERENT" });
        if !all_same {
            std::process::exit(1);
        }
    }
}

/// The tables, the study's constants and the programs of `s`.
pub fn print_tables(s: &StudySetup) {
    let k = vixhedge::study::kernel::KernelInputs::new(s).expect("inputs");
    for (h, name) in k.tables.headers.iter().zip(&k.table_names) {
        eprintln!("{name}: n {:?} offset {}", h.n, h.offset);
    }
    eprintln!("total {} floats; study {:?}", k.tables.data.len(), k.study);
    eprintln!("programs {:?}", k.programs);
    eprintln!("layers {:?}", k.layers);
}
