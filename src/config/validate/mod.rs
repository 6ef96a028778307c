//! Range checks (errors) and soft checks (warnings) of a resolved [`Config`].

use std::fmt::Display;

mod books;

use super::error::ConfigError;
use super::sections::{EventConfig, ModelConfig, RegimesConfig, SimulationConfig};
use super::value::first_non_finite;
use super::Config;
use crate::model::SvcjParams;
use crate::shared::params::MAX_EVENTS;

/// Most paths: the global path index is one 32-bit Philox counter word.
const MAX_PATHS: u64 = u32::MAX as u64;
/// Longest horizon, trading days (ten years).
const MAX_HORIZON_DAYS: u32 = 2520;
/// Most time steps per trading day.
const MAX_STEPS_PER_DAY: u32 = 64;

type Check = Result<(), ConfigError>;

fn ensure(
    ok: bool,
    key: impl Into<String>,
    value: impl Display,
    reason: impl Into<String>,
) -> Check {
    if ok {
        Ok(())
    } else {
        Err(ConfigError::invalid(key, value, reason))
    }
}

/// The first error in schema order, or the warnings.
pub(super) fn validate(config: &Config) -> Result<Vec<String>, ConfigError> {
    if let Some((key, x)) = first_non_finite(&config.to_value(), "") {
        return Err(ConfigError::invalid(key, x, "must be finite"));
    }
    let mut warnings = Vec::new();
    simulation(&config.simulation)?;
    let m = &config.market;
    ensure(
        m.spot > 0.0,
        "market.spot",
        m.spot,
        "must be positive (index points)",
    )?;
    ensure(
        m.v0.level().is_none_or(|v| v >= 0.0),
        "market.v0",
        m.v0,
        "must be >= 0 (annualised variance) or \"stationary\"",
    )?;
    model(&config.model, &mut warnings)?;
    events(
        &config.events,
        config.simulation.horizon_days,
        &mut warnings,
    )?;
    books::condor(&config.condor)?;
    books::hedge(&config.hedge, &mut warnings)?;
    regimes(&config.regimes)?;
    Ok(warnings)
}

fn simulation(s: &SimulationConfig) -> Check {
    ensure(
        (1..=MAX_PATHS).contains(&s.paths),
        "simulation.paths",
        s.paths,
        format!("must be in 1..={MAX_PATHS}"),
    )?;
    ensure(
        (1..=MAX_HORIZON_DAYS).contains(&s.horizon_days),
        "simulation.horizon_days",
        s.horizon_days,
        format!("must be in 1..={MAX_HORIZON_DAYS} trading days"),
    )?;
    ensure(
        (1..=MAX_STEPS_PER_DAY).contains(&s.steps_per_day),
        "simulation.steps_per_day",
        s.steps_per_day,
        format!("must be in 1..={MAX_STEPS_PER_DAY}"),
    )?;
    ensure(
        s.batch_paths <= MAX_PATHS,
        "simulation.batch_paths",
        s.batch_paths,
        format!("must be in 0..={MAX_PATHS} (0: automatic)"),
    )
}

fn model(m: &ModelConfig, warnings: &mut Vec<String>) -> Check {
    let p = m.p_params();
    svcj(&p, |name| Some(format!("model.{name}")))?;
    let q = m.q_params();
    svcj(&q, |name| {
        q_overrides(m, name).then(|| format!("model.q.{name}"))
    })?;
    feller(&p, "P", warnings);
    if (q.kappa, q.theta, q.sigma_v) != (p.kappa, p.theta, p.sigma_v) {
        feller(&q, "Q", warnings);
    }
    Ok(())
}

/// Whether `[model.q]` sets `name`.
fn q_overrides(m: &ModelConfig, name: &str) -> bool {
    let q = &m.q;
    match name {
        "kappa" => q.kappa.is_some(),
        "theta" => q.theta.is_some(),
        "sigma_v" => q.sigma_v.is_some(),
        "rho" => q.rho.is_some(),
        "lambda" => q.lambda.is_some(),
        "mu_s" => q.mu_s.is_some(),
        "sigma_s" => q.sigma_s.is_some(),
        "mu_v" => q.mu_v.is_some(),
        "rho_j" => q.rho_j.is_some(),
        _ => false,
    }
}

/// Checks one measure's parameters; `key` names a parameter, or returns `None`
/// where that value was already checked (a Q key that falls back to P).
fn svcj(p: &SvcjParams, key: impl Fn(&str) -> Option<String>) -> Check {
    let checks: [(&str, f64, bool, &str); 7] = [
        (
            "kappa",
            p.kappa,
            p.kappa > 0.0,
            "must be positive (per year)",
        ),
        (
            "theta",
            p.theta,
            p.theta > 0.0,
            "must be positive (annualised variance)",
        ),
        ("sigma_v", p.sigma_v, p.sigma_v >= 0.0, "must be >= 0"),
        ("rho", p.rho, p.rho.abs() < 1.0, "must be in (-1, 1)"),
        (
            "lambda",
            p.lambda,
            p.lambda >= 0.0,
            "must be >= 0 (jumps per year)",
        ),
        ("sigma_s", p.sigma_s, p.sigma_s >= 0.0, "must be >= 0"),
        (
            "mu_v",
            p.mu_v,
            p.mu_v >= 0.0,
            "must be >= 0 (annualised variance)",
        ),
    ];
    for (name, value, ok, reason) in checks {
        if let Some(key) = key(name) {
            ensure(ok, key, value, reason)?;
        }
    }
    let (rho_j, mu_v) = (key("rho_j"), key("mu_v"));
    if rho_j.is_some() || mu_v.is_some() {
        // Name each factor by where it came from: a Q key may fall back to P.
        let name = |k: Option<String>, n: &str| k.unwrap_or_else(|| format!("model.{n}"));
        ensure(
            p.rho_j * p.mu_v < 1.0,
            format!("{} * {}", name(rho_j, "rho_j"), name(mu_v, "mu_v")),
            p.rho_j * p.mu_v,
            "must be below 1 (the mean price jump needs 1 - rho_j mu_v > 0)",
        )?;
    }
    Ok(())
}

fn feller(p: &SvcjParams, measure: &str, warnings: &mut Vec<String>) {
    let lhs = 2.0 * p.kappa * p.theta;
    let rhs = p.sigma_v * p.sigma_v;
    if lhs < rhs {
        warnings.push(format!(
            "Feller condition fails under {measure}: 2 kappa theta = {lhs:.4} < sigma_v^2 = {rhs:.4} (variance can reach zero)"
        ));
    }
}

fn events(events: &[EventConfig], horizon_days: u32, warnings: &mut Vec<String>) -> Check {
    ensure(
        events.len() <= MAX_EVENTS,
        "events",
        format!("{} entries", events.len()),
        format!("at most {MAX_EVENTS} event types"),
    )?;
    for (i, e) in events.iter().enumerate() {
        let key = |k: &str| format!("events[{i}].{k}");
        ensure(
            e.first_day >= 1,
            key("first_day"),
            e.first_day,
            "must be >= 1 (trading days are 1-based)",
        )?;
        ensure(
            e.jump_sd >= 0.0,
            key("jump_sd"),
            e.jump_sd,
            "must be >= 0 (log-price jump sd)",
        )?;
        ensure(
            e.var_bump >= 0.0,
            key("var_bump"),
            e.var_bump,
            "must be >= 0 (annualised variance)",
        )?;
        if e.first_day > horizon_days {
            warnings.push(format!(
                "events[{i}] `{}` first occurs on trading day {}, after the {horizon_days}-day horizon",
                e.name, e.first_day
            ));
        }
    }
    Ok(())
}

fn regimes(r: &RegimesConfig) -> Check {
    ensure(
        r.moderate_from > 0.0,
        "regimes.moderate_from",
        r.moderate_from,
        "must be positive VIX points",
    )?;
    ensure(
        r.severe_from > r.moderate_from,
        "regimes.severe_from",
        r.severe_from,
        format!(
            "must exceed regimes.moderate_from = {} (boundaries strictly increase)",
            r.moderate_from
        ),
    )?;
    ensure(
        r.crisis_from > r.severe_from,
        "regimes.crisis_from",
        r.crisis_from,
        format!(
            "must exceed regimes.severe_from = {} (boundaries strictly increase)",
            r.severe_from
        ),
    )
}
