//! The parameter block shared by the path kernels (CPU and WGSL) and the
//! per-path terminal state they return.
//!
//! Keep in sync with `shaders/shared/params.wgsl`: the uniform buffer of the path
//! kernels is the raw bytes of [`SimParams`], so field order, types and offsets match.

use bytemuck::{Pod, Zeroable};

use crate::model::{EventParams, MarketModel, Measure, TRADING_DAYS_PER_YEAR};

/// Most scheduled event types a simulation may carry.
pub const MAX_EVENTS: usize = 8;

/// One scheduled event type as the kernels see it. Keep in sync with
/// `shaders/shared/params.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct EventBlock {
    /// First event day (trading days, 1-based).
    pub first_day: u32,
    /// Trading days between occurrences; 0 for a one-off event.
    pub every_days: u32,
    /// Standard deviation of the log-price jump.
    pub jump_sd: f32,
    /// Deterministic variance bump (annualised variance).
    pub var_bump: f32,
}

/// Uniform parameter block of the path kernel. Every derived constant is computed
/// once here in `f64` and rounded to `f32`, so both backends start from the same
/// bits. Keep in sync with `shaders/shared/params.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct SimParams {
    /// Global index of the first path of this dispatch.
    pub path_offset: u32,
    /// Paths in this dispatch.
    pub n_paths: u32,
    /// Total time steps (`horizon_days * steps_per_day`).
    pub n_steps: u32,
    /// Time steps per trading day.
    pub steps_per_day: u32,
    /// Philox key word 0 (seed low 32 bits).
    pub key0: u32,
    /// Philox key word 1 (seed high 32 bits).
    pub key1: u32,
    /// Number of active scheduled event types (at most [`MAX_EVENTS`]).
    pub n_events: u32,
    /// Most jumps drawn in one step.
    pub max_jumps: u32,
    /// Step length, years.
    pub dt: f32,
    /// (mu_M - q - lambda mbar) dt: log-price drift per step without the -v/2 term.
    pub drift_dt: f32,
    /// Initial variance v_0.
    pub v0: f32,
    /// exp(-kappa dt).
    pub exp_kdt: f32,
    /// theta.
    pub theta: f32,
    /// QE conditional-variance slope: sigma_v^2 e (1 - e) / kappa, e = exp(-kappa dt).
    pub qe_c1: f32,
    /// QE conditional-variance intercept: theta sigma_v^2 (1 - e)^2 / (2 kappa).
    pub qe_c2: f32,
    /// lambda dt: expected jumps per step.
    pub lambda_dt: f32,
    /// Andersen K1 (gamma1 = 1/2): dt/2 (kappa rho / sigma_v - 1/2) - rho / sigma_v.
    pub k1: f32,
    /// Andersen K2 (gamma2 = 1/2): dt/2 (kappa rho / sigma_v - 1/2) + rho / sigma_v.
    pub k2: f32,
    /// Andersen K3: dt/2 (1 - rho^2).
    pub k3: f32,
    /// Andersen K4: dt/2 (1 - rho^2).
    pub k4: f32,
    /// exp(-lambda dt): probability of no jump in a step.
    pub poisson_p0: f32,
    /// Mean log-price jump at zero variance jump.
    pub mu_s: f32,
    /// Standard deviation of the log-price jump.
    pub sigma_s: f32,
    /// Mean variance jump.
    pub mu_v: f32,
    /// Loading of the price jump on the variance jump.
    pub rho_j: f32,
    /// 1 under Q (event jumps compensated by -s^2/2), 0 under P.
    pub event_comp: f32,
    /// Padding to a 16-byte multiple. Must stay 0: `shaders/path_step.wgsl`
    /// reads it as a zero the shader compiler cannot see (an optimisation barrier).
    pub _pad0: f32,
    /// kappa dt: the variance's mean reversion over one step.
    pub kappa_dt: f32,
    /// Scheduled event types; the first `n_events` are active.
    pub events: [EventBlock; MAX_EVENTS],
    /// Variance-only burn-in steps before day 0 (0: every path starts at
    /// `v0`); see [`crate::cpu::burn_in`].
    pub burn_steps: u32,
    /// 1: the path kernel also writes the state at every close (day 0 included).
    pub record_closes: u32,
    /// exp(-kappa h) over one burn-in step of h years.
    pub burn_exp_kdt: f32,
    /// QE conditional-variance slope of a burn-in step: sigma_v^2 e (1 - e) / kappa.
    pub burn_qe_c1: f32,
    /// QE conditional-variance intercept of a burn-in step: theta sigma_v^2 (1 - e)^2 / (2 kappa).
    pub burn_qe_c2: f32,
    /// lambda h: expected jumps per burn-in step.
    pub burn_lambda_dt: f32,
    /// exp(-lambda h): probability of no jump in a burn-in step.
    pub burn_poisson_p0: f32,
    /// kappa h: mean reversion over one burn-in step.
    pub burn_kappa_dt: f32,
}

const _: () = assert!(std::mem::size_of::<SimParams>() == 272);

/// Longest burn-in step, years (one trading week).
pub const BURN_IN_MAX_STEP_YEARS: f64 = 1.0 / 52.0;

/// Largest kappa h of a burn-in step: keeps the cubic decay polynomial of a
/// jump within 5e-6 of its exponential.
pub const BURN_IN_MAX_KAPPA_STEP: f64 = 0.1;

/// Length of the burn-in in units of the mean-reversion time 1/kappa: after
/// 5/kappa years the initial level's weight in E[v] is e^{-5} < 0.7%.
pub const BURN_IN_REVERSION_TIMES: f64 = 5.0;

/// The state a path kernel returns for each path at the horizon.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct TerminalState {
    /// Log return ln(S_T / S_0).
    pub y: f32,
    /// Variance v_T.
    pub v: f32,
}

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
            max_jumps: crate::rng::MAX_JUMPS_PER_STEP,
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
        })
    }

    /// These parameters with a stationary start: every path first runs
    /// `ceil(5 / (kappa h))` variance-only steps of `h = min(1/52, 0.1/kappa)`
    /// years under `p` (the P parameters of the path) from the stationary
    /// mean `theta + lambda mu_v / kappa`, so day 0 holds a draw of the
    /// stationary law of v (`docs/history.md`, "Stationary start").
    #[must_use]
    pub fn with_burn_in(self, p: &crate::model::SvcjParams) -> Self {
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
