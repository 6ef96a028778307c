//! The calibrated preset: the complete resolved TOML of the fit with a
//! comment that states the data, the method, every estimate with its
//! standard error, what the data cannot identify, and the facts table.

use std::fmt::Write as _;

use super::Calibration;
use crate::history::bands::{misses, table};

/// The preset text: a comment block, then the full config as TOML.
/// `command` is the command line that produced it, for the record.
#[must_use]
pub fn render(cal: &Calibration, command: &str) -> String {
    let mut s = String::new();
    let d = &cal.data;
    let c = &cal.config;
    let _ = writeln!(
        s,
        "# SVCJ calibrated to daily SPX and VIX closes by `vixhedge calibrate`."
    );
    let _ = writeln!(s, "#");
    let _ = writeln!(s, "# Command: {command}");
    let _ = writeln!(
        s,
        "# Data: {} (SPX) and {} (VIX), {} to {}, {} common days.",
        d.spx_file, d.vix_file, d.from, d.to, d.days
    );
    let _ = writeln!(s, "#");
    let _ = writeln!(
        s,
        "# Method (docs/history.md, \"Calibration\"), two stages:"
    );
    let _ = writeln!(
        s,
        "#  1. Quasi-maximum likelihood of the {} daily (SPX log return, VIX^2) pairs under the",
        d.days - 1
    );
    let _ = writeln!(
        s,
        "#     Euler step of SVCJ with at most one jump a day (the exponential variance jump"
    );
    let _ = writeln!(
        s,
        "#     integrated in closed form) and VIX^2/100^2 = a v + b exact, Jacobian included;"
    );
    let _ = writeln!(
        s,
        "#     log-likelihood {:.1}, {} evaluations (Nelder-Mead, restarted). Kept: the drift",
        cal.qml_log_likelihood, cal.evals[0]
    );
    let _ = writeln!(
        s,
        "#     and the price-jump law (mu_s, sigma_s, rho_j), with sandwich standard errors"
    );
    let _ = writeln!(s, "#     (conditional on the stage's other parameters).");
    let _ = writeln!(
        s,
        "#  2. Simulated method of moments for the variance dynamics under P and the VIX map:"
    );
    let _ = writeln!(
        s,
        "#     minimise sum_i ((model_i - history_i) / band_i)^2 over the 13 banded facts of"
    );
    let _ = writeln!(
        s,
        "#     the table below ({}-day windows; weights one over each band squared), the model's",
        cal.facts.window_days
    );
    let _ = writeln!(
        s,
        "#     facts from {} paths from the stationary state with common random numbers",
        cal.smm_paths
    );
    let _ = writeln!(
        s,
        "#     (seed {}), Nelder-Mead in log/atanh coordinates, {} evaluations, objective {:.3}.",
        c.simulation.seed, cal.evals[1], cal.smm_objective
    );
    let _ = writeln!(
        s,
        "#     Standard errors: (G'G)^-1 G' Omega G (G'G)^-1 (1 + 1/S), G the Jacobian of the"
    );
    let _ = writeln!(
        s,
        "#     band distances (central differences), Omega their covariance on the history"
    );
    let _ = writeln!(
        s,
        "#     (moving-block bootstrap, 200 replicates of one-year blocks)."
    );
    let _ = writeln!(s, "#");
    let _ = writeln!(s, "# Estimates (standard error; stage):");
    for e in &cal.estimates {
        let se = e
            .stderr
            .map_or_else(|| "-".to_string(), |x| format!("{x:.4}"));
        let _ = writeln!(
            s,
            "#   {:<22} {:>10.5}  ({se}; {})",
            e.key, e.value, e.stage
        );
    }
    let _ = writeln!(
        s,
        "#   VIX map: a = {:.5}, b = {:.6}; market.spot = {} and the filtered variance {:.5} at {}.",
        cal.vix_map[0], cal.vix_map[1], c.market.spot, cal.last_v, d.to
    );
    let _ = writeln!(s, "#");
    let _ = writeln!(
        s,
        "# Not identified by daily index and VIX closes, and how it was fixed:"
    );
    let _ = writeln!(
        s,
        "#   - [model.q] sigma_v, rho, lambda, sigma_s, mu_v and rho_j equal their P values:"
    );
    let _ = writeln!(
        s,
        "#     without option prices only the VIX map (a, b) is seen, not how Q reaches it."
    );
    let _ = writeln!(
        s,
        "#   - q.theta = kappa theta / q.kappa: the diffusive variance drift is the same under"
    );
    let _ = writeln!(
        s,
        "#     both measures (as Pan 2002 and Eraker 2004), so b comes from the slower Q mean"
    );
    let _ = writeln!(
        s,
        "#     reversion and from the price-jump premium q.mu_s (crash insurance)."
    );
    let _ = writeln!(
        s,
        "#   - The map must filter every close to a variance above 1e-4: the lowest VIX"
    );
    let _ = writeln!(
        s,
        "#     close bounds b, and the first stage's own map (a nuisance there) sits on that bound."
    );
    let _ = writeln!(
        s,
        "#   - No [[events]]: the files carry no event calendar; event-day moves are part of"
    );
    let _ = writeln!(s, "#     the estimated diffusion and jumps.");
    let _ = writeln!(
        s,
        "#   - market.r = {} and market.q = {} as configured (mu = estimated growth + q);",
        c.market.r, c.market.q
    );
    let _ = writeln!(
        s,
        "#     the books, costs, hedges and regimes are the base config's (the `default`"
    );
    let _ = writeln!(
        s,
        "#     preset's unless another was named), so studies differ only in the market."
    );
    let _ = writeln!(s, "#");
    let v = &cal.vrp;
    let _ = writeln!(
        s,
        "# Variance risk premium: mean VIX^2/100^2 {:.4} against a realised variance of the",
        v.vix2_mean
    );
    let _ = writeln!(
        s,
        "# next 21 days of {:.4} (history); the model's stationary means {:.4} and {:.4}.",
        v.realised_mean, v.model_vix2_mean, v.model_realised_mean
    );
    let _ = writeln!(s, "#");
    let _ = writeln!(
        s,
        "# Facts (model: {} paths from the stationary state, seed {:#x}; history: a window",
        cal.check_paths,
        super::CHECK_SEED
    );
    let _ = writeln!(s, "# starting on every day):");
    s.push_str(&table(&cal.facts, "#   "));
    if let Some(h) = &cal.facts.history {
        let out = misses(&cal.facts.model, h);
        if out.is_empty() {
            let _ = writeln!(s, "# Every banded fact is within its band.");
        } else {
            let _ = writeln!(s, "# Outside their bands: {}.", out.join(", "));
        }
    }
    s.push('\n');
    s.push_str(&c.to_toml_string());
    s
}
