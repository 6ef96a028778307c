//! `vixhedge validate`: the oracles (`docs/pricing.md`) that a correct build
//! passes, run on one backend, reported as a table of checks.
//!
//! Monte Carlo checks pass when |measured - expected| <= k standard errors plus a
//! stated discretisation-bias allowance. With a fixed seed the outcome is
//! deterministic; `k = 3` is the project's acceptance rule (`docs/pricing.md`).

pub mod ivtable;
mod sets;
pub mod vix;

use serde::Serialize;

use crate::backend::{BackendError, Device, PathEngine};
use crate::model::analytic::{european_price, OptionKind};
use crate::model::TRADING_DAYS_PER_YEAR;
use crate::montecarlo::price::mc_price;
use crate::shared::params::SimParams;

pub use sets::{
    heston_lewis, mc_sets, McSet, BIAS_REL, BIAS_SPOT, LEWIS_CALLS, LEWIS_PUTS, LEWIS_STRIKES,
};

/// Standard errors allowed in every Monte Carlo check.
pub const K_SIGMA: f64 = 3.0;

/// One check of the table.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What is checked.
    pub check: String,
    /// The oracle's value.
    pub expected: f64,
    /// What this build measured.
    pub measured: f64,
    /// Largest |measured - expected| that passes.
    pub tolerance: f64,
    /// Whether it passed.
    pub pass: bool,
}

impl Check {
    fn new(check: impl Into<String>, expected: f64, measured: f64, tolerance: f64) -> Self {
        let pass = (measured - expected).abs() <= tolerance && measured.is_finite();
        Self {
            check: check.into(),
            expected,
            measured,
            tolerance,
            pass,
        }
    }
}

/// The whole validation run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Backend the Monte Carlo checks ran on.
    pub backend: String,
    /// Device description.
    pub adapter: String,
    /// Monte Carlo paths per parameter set.
    pub paths: u64,
    /// Philox key used for every Monte Carlo check.
    pub seed: u64,
    /// Every check, in order.
    pub checks: Vec<Check>,
    /// True when every check passed.
    pub pass: bool,
}

/// Options of a validation run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Monte Carlo paths per parameter set (the acceptance rule asks for at least 10^6).
    pub paths: usize,
    /// Philox key.
    pub seed: u64,
    /// Time steps per trading day.
    pub steps_per_day: u32,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            paths: 1_000_000,
            seed: 0x5EED_0009,
            steps_per_day: 1,
        }
    }
}

/// Errors that stop a validation run (failed checks are not errors).
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// Backend failure.
    #[error(transparent)]
    Engine(#[from] BackendError),
    /// Bad simulation parameters.
    #[error(transparent)]
    Sim(#[from] crate::model::SimError),
}

/// Runs every check on `engine`.
///
/// # Errors
/// Backend failures.
pub fn run(engine: &PathEngine, opts: &Options) -> Result<Report, ValidateError> {
    let mut checks = Vec::new();
    philox_checks(engine, &mut checks)?;
    lewis_analytic(&mut checks);
    checks.extend(ivtable::checks(opts));
    for set in mc_sets() {
        mc_set_checks(engine, &set, opts, &mut checks)?;
    }
    checks.extend(vix::checks(engine, opts)?);
    let pass = checks.iter().all(|c| c.pass);
    Ok(Report {
        backend: engine.name().to_string(),
        adapter: engine.adapter(),
        paths: opts.paths as u64,
        seed: opts.seed,
        checks,
        pass,
    })
}

fn philox_checks(engine: &PathEngine, checks: &mut Vec<Check>) -> Result<(), ValidateError> {
    let got = philox_on(engine, &sets::PHILOX_KAT.map(|(c, k, _)| (c, k)))?;
    for ((ctr, key, want), out) in sets::PHILOX_KAT.iter().zip(got) {
        let ok = out == *want;
        checks.push(Check {
            check: format!(
                "philox4x32-10 {:08x}.. key {:08x}..: {:08x?}",
                ctr[0], key[0], out
            ),
            expected: 0.0,
            measured: if ok { 0.0 } else { 1.0 },
            tolerance: 0.0,
            pass: ok,
        });
    }
    Ok(())
}

fn philox_on(
    engine: &PathEngine,
    inputs: &[([u32; 4], [u32; 2])],
) -> Result<Vec<[u32; 4]>, ValidateError> {
    match engine.device() {
        Device::Cpu => Ok(inputs
            .iter()
            .map(|(c, k)| crate::shared::philox::philox4x32_10(*c, *k))
            .collect()),
        Device::Gpu(ctx) => {
            let kat = crate::gpu::PhiloxKat::new(ctx).map_err(BackendError::from)?;
            let ins: Vec<_> = inputs
                .iter()
                .map(|&(ctr, key)| crate::gpu::KatInput {
                    ctr,
                    key,
                    ln_x: 1.0,
                    sincos_u: 0.0,
                })
                .collect();
            let outs = kat.run(ctx, &ins).map_err(BackendError::from)?;
            Ok(outs.into_iter().map(|o| o.philox).collect())
        }
    }
}

fn lewis_analytic(checks: &mut Vec<Check>) {
    let m = heston_lewis();
    for (i, &k) in LEWIS_STRIKES.iter().enumerate() {
        let p = european_price(&m, OptionKind::Put, k, 1.0);
        checks.push(Check::new(
            format!("Heston analytic put K={k} vs Lewis reference"),
            LEWIS_PUTS[i],
            p,
            1e-8,
        ));
        let c = european_price(&m, OptionKind::Call, k, 1.0);
        checks.push(Check::new(
            format!("Heston analytic call K={k} vs Lewis reference"),
            LEWIS_CALLS[i],
            c,
            1e-8,
        ));
    }
}

fn mc_set_checks(
    engine: &PathEngine,
    set: &McSet,
    opts: &Options,
    checks: &mut Vec<Check>,
) -> Result<(), ValidateError> {
    let m = &set.model;
    let params = SimParams::new(m, set.expiry_days, opts.steps_per_day, opts.seed)?;
    let states = engine.simulate_terminal(&params, 0, opts.paths, None)?;
    let t = f64::from(set.expiry_days) / TRADING_DAYS_PER_YEAR;
    let df = (-m.r * t).exp();
    let bias = set.bias_allowance;
    for &(kind, k) in &set.options {
        let exact = european_price(m, kind, k, t);
        let est = mc_price(&states, m, kind, k, t);
        let name = if kind == OptionKind::Call {
            "call"
        } else {
            "put"
        };
        checks.push(Check::new(
            format!("{}: MC {name} K={k:.2} T={}d", set.name, set.expiry_days),
            exact,
            est.mean,
            K_SIGMA * est.stderr + bias + sets::BIAS_REL * exact,
        ));
    }
    // Martingale: E^Q[e^{-rT} S_T] = S_0 e^{-qT}.
    let fwd = crate::montecarlo::discounted(&states, m.spot, df, |s| s);
    checks.push(Check::new(
        format!(
            "{}: martingale E[e^-rT S_T] T={}d",
            set.name, set.expiry_days
        ),
        m.spot * (-m.q * t).exp(),
        fwd.mean,
        K_SIGMA * fwd.stderr + bias,
    ));
    // Put-call parity, analytic: C - P = S e^{-qT} - K e^{-rT}.
    let k_atm = set.options[set.options.len() / 2].1;
    let c = european_price(m, OptionKind::Call, k_atm, t);
    let p = european_price(m, OptionKind::Put, k_atm, t);
    checks.push(Check::new(
        format!("{}: analytic put-call parity K={k_atm:.2}", set.name),
        m.spot * (-m.q * t).exp() - k_atm * df,
        c - p,
        1e-8 * m.spot,
    ));
    // Put-call parity on the simulated paths against the simulated forward.
    let cm = mc_price(&states, m, OptionKind::Call, k_atm, t);
    let pm = mc_price(&states, m, OptionKind::Put, k_atm, t);
    checks.push(Check::new(
        format!("{}: MC put-call parity K={k_atm:.2}", set.name),
        fwd.mean - k_atm * df,
        cm.mean - pm.mean,
        1e-9 * m.spot,
    ));
    Ok(())
}

/// The human table: check, expected, measured, tolerance, pass.
#[must_use]
pub fn render_table(r: &Report) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "vixhedge validate: backend {} ({}), {} paths per Monte Carlo set, seed {}",
        r.backend, r.adapter, r.paths, r.seed
    );
    let w = r
        .checks
        .iter()
        .map(|c| c.check.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        s,
        "{:<w$}  {:>20}  {:>20}  {:>11}  {:>11}  pass",
        "check", "expected", "measured", "|diff|", "tolerance"
    );
    for c in &r.checks {
        let _ = writeln!(
            s,
            "{:<w$}  {:>20.12}  {:>20.12}  {:>11.3e}  {:>11.3e}  {}",
            c.check,
            c.expected,
            c.measured,
            (c.measured - c.expected).abs(),
            c.tolerance,
            if c.pass { "ok" } else { "FAIL" }
        );
    }
    let failed = r.checks.iter().filter(|c| !c.pass).count();
    let _ = writeln!(
        s,
        "{} checks, {} passed, {} failed",
        r.checks.len(),
        r.checks.len() - failed,
        failed
    );
    s
}
