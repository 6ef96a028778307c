//! Dumps the f32 bits of every pricing table of a preset's run to a file, to
//! compare two builds bit for bit:
//! `cargo run --release --example dump_tables -- PRESET OUT`.

use std::io::Write;

use vixhedge::config::Config;
use vixhedge::model::Measure;
use vixhedge::study::kernel::{marks_tables, DayTables};
use vixhedge::study::marks::StudyPricing;

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().expect("preset");
    let out = args.next().expect("out file");
    let config = Config::preset(&name).expect("preset");
    let m = config.market_model(Measure::Q).risk_neutral();
    let days = config.simulation.horizon_days + 1;
    let dte = config.condor.dte_days.max(1);
    let t = std::time::Instant::now();
    let p = StudyPricing::build_for(m, days, dte);
    eprintln!("built in {:.3} s", t.elapsed().as_secs_f64());
    let d = DayTables::build(&p, days, 253);
    let mut f = std::io::BufWriter::new(std::fs::File::create(out).expect("create"));
    for t in marks_tables(&p, &d) {
        writeln!(f, "# {} {:?}", t.name, t.axes).unwrap();
        for x in &t.data {
            writeln!(f, "{:08x}", x.to_bits()).unwrap();
        }
    }
}
