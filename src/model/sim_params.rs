//! The path kernels' parameter block of a market model: [`SimParams::new`].
//! Every derived constant is computed once here in `f64` and rounded to `f32`,
//! so both backends start from the same bits.

use bytemuck::Zeroable;

use super::{EventParams, MarketModel, Measure, TRADING_DAYS_PER_YEAR};
use crate::shared::params::{EventBlock, SimParams, MAX_EVENTS};

/// Longest burn-in step, years (one trading week).
pub const BURN_IN_MAX_STEP_YEARS: f64 = 1.0 / 52.0;

/// Largest kappa h of a burn-in step: keeps the cubic decay polynomial of a
/// jump within 5e-6 of its exponential.
pub const BURN_IN_MAX_KAPPA_STEP: f64 = 0.1;

/// Length of the burn-in in units of the mean-reversion time 1/kappa: after
/// 5/kappa years the initial level's weight in E[v] is e^{-5} < 0.7%.
pub const BURN_IN_REVERSION_TIMES: f64 = 5.0;

/// Errors building kernel parameters.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// More event types than the kernels carry.
    #[error("{0} event types given, at most {MAX_EVENTS} are supported")]
    TooManyEvents(usize),
    /// A count is zero or too large.
    #[error("{0}")]
    BadCount(String),
}

impl SimParams {
    /// Kernel parameters for simulating `model` over `horizon_days` trading days
    /// with `steps_per_day` steps a day and Philox key `seed`.
    ///
    /// # Errors
    /// Too many event types, or a zero step count.
    pub fn new(
        model: &MarketModel,
        horizon_days: u32,
        steps_per_day: u32,
        seed: u64,
    ) -> Result<Self, SimError> {
        if model.events.len() > MAX_EVENTS {
            return Err(SimError::TooManyEvents(model.events.len()));
        }
        if horizon_days == 0 || steps_per_day == 0 {
            return Err(SimError::BadCount(
                "horizon_days and steps_per_day must be positive".into(),
            ));
        }
        let n_steps = horizon_days
            .checked_mul(steps_per_day)
            .ok_or_else(|| SimError::BadCount("horizon_days * steps_per_day overflows".into()))?;
        let p = &model.params;
        let dt = 1.0 / (TRADING_DAYS_PER_YEAR * f64::from(steps_per_day));
        let e = (-p.kappa * dt).exp();
        let s2v = p.sigma_v * p.sigma_v;
        let (k1, k2) = if p.sigma_v > 0.0 {
            let base = 0.5 * dt * (p.kappa * p.rho / p.sigma_v - 0.5);
            (base - p.rho / p.sigma_v, base + p.rho / p.sigma_v)
        } else {
            (-0.25 * dt, -0.25 * dt)
        };
        let k3 = 0.5 * dt * (1.0 - p.rho * p.rho);
        let mut events = [EventBlock::zeroed(); MAX_EVENTS];
        for (slot, ev) in events.iter_mut().zip(&model.events) {
            *slot = event_block(ev);
        }
        #[expect(
            clippy::cast_possible_truncation,
            reason = "kernel parameters are f32 by design"
        )]
        Ok(Self {
            path_offset: 0,
            n_paths: 0,
            n_steps,
            steps_per_day,
            key0: seed as u32,
            key1: (seed >> 32) as u32,
            n_events: model.events.len() as u32,
            max_jumps: crate::shared::philox::MAX_JUMPS_PER_STEP,
            dt: dt as f32,
            drift_dt: ((model.mu - model.q - p.lambda * p.mbar()) * dt) as f32,
            v0: model.v0 as f32,
            exp_kdt: e as f32,
            theta: p.theta as f32,
            qe_c1: (s2v * e * (1.0 - e) / p.kappa) as f32,
            qe_c2: (p.theta * s2v * (1.0 - e) * (1.0 - e) / (2.0 * p.kappa)) as f32,
            lambda_dt: (p.lambda * dt) as f32,
            k1: k1 as f32,
            k2: k2 as f32,
            k3: k3 as f32,
            k4: k3 as f32,
            poisson_p0: (-p.lambda * dt).exp() as f32,
            mu_s: p.mu_s as f32,
            sigma_s: p.sigma_s as f32,
            mu_v: p.mu_v as f32,
            rho_j: p.rho_j as f32,
            event_comp: if model.measure == Measure::Q {
                1.0
            } else {
                0.0
            },
            _pad0: 0.0,
            kappa_dt: (p.kappa * dt) as f32,
            events,
            burn_steps: 0,
            record_closes: 0,
            burn_exp_kdt: 0.0,
            burn_qe_c1: 0.0,
            burn_qe_c2: 0.0,
            burn_lambda_dt: 0.0,
            burn_poisson_p0: 1.0,
            burn_kappa_dt: 0.0,
            boot_days: 0,
            boot_neighbours: 0,
            boot_log_q: 0.0,
            _pad1: 0.0,
        })
    }

    /// These parameters with the paths drawn from the historical bootstrap
    /// `series` instead of the SVCJ model (`crate::shared::bootstrap`).
    #[must_use]
    pub fn with_bootstrap(self, series: &crate::shared::bootstrap::BootstrapSeries) -> Self {
        Self {
            boot_days: series.days,
            boot_neighbours: series.neighbours,
            boot_log_q: series.log_q,
            ..self
        }
    }

    /// These parameters with a stationary start: every path first runs
    /// `ceil(5 / (kappa h))` variance-only steps of `h = min(1/52, 0.1/kappa)`
    /// years under `p` (the P parameters of the path) from the stationary
    /// mean `theta + lambda mu_v / kappa`, so day 0 holds a draw of the
    /// stationary law of v (`docs/history.md`, "Stationary start").
    #[must_use]
    pub fn with_burn_in(self, p: &super::SvcjParams) -> Self {
        let kappa = p.kappa.max(1e-6);
        let h = BURN_IN_MAX_STEP_YEARS.min(BURN_IN_MAX_KAPPA_STEP / kappa);
        let e = (-kappa * h).exp();
        let s2v = p.sigma_v * p.sigma_v;
        let steps = (BURN_IN_REVERSION_TIMES / (kappa * h)).ceil();
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "kernel parameters are f32 by design; the step count is at least 50 and bounded by 5 / (kappa h)"
        )]
        Self {
            v0: p.theta_star() as f32,
            burn_steps: steps.min(f64::from(u32::MAX)) as u32,
            burn_exp_kdt: e as f32,
            burn_qe_c1: (s2v * e * (1.0 - e) / kappa) as f32,
            burn_qe_c2: (p.theta * s2v * (1.0 - e) * (1.0 - e) / (2.0 * kappa)) as f32,
            burn_lambda_dt: (p.lambda * h) as f32,
            burn_poisson_p0: (-p.lambda * h).exp() as f32,
            burn_kappa_dt: (kappa * h) as f32,
            ..self
        }
    }

    /// The same parameters for the dispatch of paths `[path_offset, path_offset + n_paths)`.
    #[must_use]
    pub fn for_batch(&self, path_offset: u32, n_paths: u32) -> Self {
        Self {
            path_offset,
            n_paths,
            ..*self
        }
    }
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "kernel parameters are f32 by design"
)]
fn event_block(ev: &EventParams) -> EventBlock {
    EventBlock {
        first_day: ev.first_day,
        every_days: ev.every_days,
        jump_sd: ev.jump_sd as f32,
        var_bump: ev.var_bump as f32,
    }
}
