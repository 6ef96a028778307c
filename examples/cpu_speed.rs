//! Quick throughput probe of the CPU path kernel (throwaway, not committed).
use vixhedge::model::*;
use vixhedge::sim::*;
fn main() {
    let (mu_v, rho_j, sigma_s) = (0.05f64, -0.38f64, 0.0001f64);
    let model = MarketModel {
        spot: 100.0,
        r: 0.0319,
        q: 0.0,
        v0: 0.007569,
        mu: 0.0319,
        params: SvcjParams {
            kappa: 3.46,
            theta: 0.008,
            sigma_v: 0.14,
            rho: -0.82,
            lambda: 0.47,
            mu_s: (0.9 * (1.0 - rho_j * mu_v)).ln() - 0.5 * sigma_s * sigma_s,
            sigma_s,
            mu_v,
            rho_j,
        },
        events: vec![],
        measure: Measure::Q,
    };
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(1_000_000);
    let p = SimParams::new(&model, 252, 1, 42).unwrap();
    let mut out = vec![TerminalState::default(); n];
    let t = std::time::Instant::now();
    vixhedge::cpu::path_step::simulate_terminal(&p, 0, &mut out);
    let s = t.elapsed().as_secs_f64();
    println!(
        "{n} paths x 252: {s:.3} s, {:.3e} path-steps/s, y0={}",
        (n * 252) as f64 / s,
        out[0].y
    );
}
