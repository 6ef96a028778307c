//! Validation of a resolved [`Config`]: every key against its range in the
//! schema ([`super::schema`]), then the relations between keys (errors), then
//! the soft checks (warnings).

use std::fmt::Display;

mod books;

use super::error::ConfigError;
use super::schema::Section;
use super::sections::{EventConfig, ModelConfig, RegimesConfig};
use super::value::first_non_finite;
use super::Config;
use crate::model::SvcjParams;

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

/// The first error (non-finite numbers first, then ranges in schema order, then
/// relations), or the warnings.
pub(super) fn validate(config: &Config) -> Result<Vec<String>, ConfigError> {
    if let Some((key, x)) = first_non_finite(&config.to_value(), "") {
        return Err(ConfigError::invalid(key, x, "must be finite"));
    }
    config.check_keys("")?;
    let mut warnings = Vec::new();
    model(&config.model, &mut warnings)?;
    events(
        &config.events,
        config.simulation.horizon_days,
        &mut warnings,
    );
    books::condor(&config.condor)?;
    books::hedge(&config.hedge, &mut warnings)?;
    regimes(&config.regimes)?;
    books::sizing(config, &mut warnings);
    Ok(warnings)
}

fn model(m: &ModelConfig, warnings: &mut Vec<String>) -> Check {
    let p = m.p_params();
    jumps(&p, |name| Some(format!("model.{name}")))?;
    let q = m.q_params();
    jumps(&q, |name| {
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

/// Largest mean gross price jump E[e^{Z_S}] = mbar + 1 allowed (2: a jump
/// doubles the index on average). Near rho_j mu_v = 1 the mean is carried by
/// ever rarer, ever larger jumps that no simulation sees (a call's Monte Carlo
/// price reads 0 with a standard error of 0 while the exact price is the spot),
/// and the pricing tables cannot resolve the smile.
const MAX_MEAN_GROSS_JUMP: f64 = 2.0;
/// Largest jump compensator lambda x |mbar|, per year: the drift correction
/// that keeps the discounted index a martingale must stay a correction, not
/// a crash of every path between jumps.
const MAX_COMPENSATOR: f64 = 2.0;

/// Checks the relations between one measure's jump parameters; `key` names a
/// parameter, or returns `None` where the relation was already checked (a Q key
/// that falls back to P).
fn jumps(p: &SvcjParams, key: impl Fn(&str) -> Option<String>) -> Check {
    let names = ["rho_j", "mu_v", "mu_s", "sigma_s", "lambda"].map(&key);
    if names.iter().all(Option::is_none) {
        return Ok(());
    }
    // Name each factor by where it came from: a Q key may fall back to P.
    let name = |k: &Option<String>, n: &str| k.clone().unwrap_or_else(|| format!("model.{n}"));
    let (rho_j, mu_v) = (name(&names[0], "rho_j"), name(&names[1], "mu_v"));
    ensure(
        p.rho_j * p.mu_v < 1.0,
        format!("{rho_j} * {mu_v}"),
        p.rho_j * p.mu_v,
        "must be below 1 (the mean price jump needs 1 - rho_j mu_v > 0)",
    )?;
    let gross = p.mbar() + 1.0;
    ensure(
        gross <= MAX_MEAN_GROSS_JUMP,
        format!("{rho_j} * {mu_v}"),
        p.rho_j * p.mu_v,
        format!(
            "gives a mean price jump factor e^(mu_s + sigma_s^2/2) / (1 - rho_j mu_v) = {gross:.3}, \
             above {MAX_MEAN_GROSS_JUMP} (rare huge jumps no simulation sees)"
        ),
    )?;
    let lambda = key("lambda").unwrap_or_else(|| "model.lambda".into());
    let compensator = p.lambda * p.mbar().abs();
    ensure(
        compensator <= MAX_COMPENSATOR,
        format!("{lambda} * |mbar|"),
        compensator,
        format!(
            "must be at most {MAX_COMPENSATOR} per year (the jump compensator would drain every \
             path between jumps; mbar = {:.4})",
            p.mbar()
        ),
    )
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

fn events(events: &[EventConfig], horizon_days: u32, warnings: &mut Vec<String>) {
    for (i, e) in events.iter().enumerate() {
        if e.first_day > horizon_days {
            warnings.push(format!(
                "events[{i}] `{}` first occurs on trading day {}, after the {horizon_days}-day horizon",
                e.name, e.first_day
            ));
        }
    }
}

fn regimes(r: &RegimesConfig) -> Check {
    bounds("regimes", &r.max_vix_bounds(), "VIX points")?;
    bounds("regimes.vix_rise", &r.vix_rise, "VIX points")?;
    bounds("regimes.spx_drawdown", &r.spx_drawdown, "a fraction")?;
    ensure(
        r.spx_drawdown.crisis_from <= 1.0,
        "regimes.spx_drawdown.crisis_from",
        r.spx_drawdown.crisis_from,
        "must be at most 1 (a drawdown is at most 100%)",
    )
}

/// Positive, finite, strictly increasing boundaries.
fn bounds(table: &str, b: &crate::config::RegimeBounds, unit: &str) -> Check {
    ensure(
        b.moderate_from.is_finite() && b.moderate_from > 0.0,
        format!("{table}.moderate_from"),
        b.moderate_from,
        format!("must be positive ({unit})"),
    )?;
    ensure(
        b.severe_from.is_finite() && b.severe_from > b.moderate_from,
        format!("{table}.severe_from"),
        b.severe_from,
        format!(
            "must exceed {table}.moderate_from = {} (boundaries strictly increase)",
            b.moderate_from
        ),
    )?;
    ensure(
        b.crisis_from.is_finite() && b.crisis_from > b.severe_from,
        format!("{table}.crisis_from"),
        b.crisis_from,
        format!(
            "must exceed {table}.severe_from = {} (boundaries strictly increase)",
            b.severe_from
        ),
    )
}
