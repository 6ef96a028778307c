//! Builds the VIX tables of each pricing preset and prints their sizes, build
//! times and interpolation errors as Markdown table rows (the record in
//! `results/tables-*.md`). Run: `cargo run --release --example vix_tables`.

use vixhedge::config::Config;
use vixhedge::model::vix::VixTables;
use vixhedge::model::Measure;

fn main() {
    println!("| preset | futures nodes | option nodes | KiB | futures s | options s | v range | F max abs pts | F max rel | option max rel (> 0.05 pts) | option max abs pts | IV max err (vol pts) |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for name in ["default", "dps2000", "eraker2004"] {
        let m = Config::preset(name)
            .expect("preset")
            .market_model(Measure::Q);
        let t = VixTables::build(&m);
        let opt_nodes: usize = t.options.iter().map(|o| o.data.len()).sum();
        for range in [(0.003, 0.6), (0.0, 1.44)] {
            let e = t.interpolation_error(&m, 400, range, (1.0, 151.0));
            println!(
                "| {name} | {} | {} | {:.0} | {:.2} | {:.2} | {:?} | {:.4} | {:.2e} | {:.3} | {:.4} | {:.2} |",
                t.futures.data.len(),
                opt_nodes,
                t.bytes() as f64 / 1024.0,
                t.futures_seconds,
                t.options_seconds,
                range,
                e.future_abs,
                e.future_rel,
                e.option_rel,
                e.option_abs,
                100.0 * e.option_iv
            );
        }
    }
}
