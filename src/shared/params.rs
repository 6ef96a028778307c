//! The parameter block shared by the path kernels (CPU and WGSL) and the
//! per-path terminal state they return: the twin of
//! `shaders/shared/params.wgsl`.
//!
//! Keep in sync with `shaders/shared/params.wgsl`: the uniform buffer of the path
//! kernels is the raw bytes of [`SimParams`], so field order, types and offsets
//! match. [`SimParams::new`] (in `crate::model::sim_params`) builds it from a
//! market model.

use bytemuck::{Pod, Zeroable};

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
    /// `v0`); see `crate::cpu::burn_in`.
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
    /// Days of the historical bootstrap series (0: the paths are SVCJ paths);
    /// see [`crate::shared::bootstrap`].
    pub boot_days: u32,
    /// Candidate start days of a new bootstrap block.
    pub boot_neighbours: u32,
    /// ln(1 - 1/B), B the mean bootstrap block length in days.
    pub boot_log_q: f32,
    /// Padding to a 16-byte multiple.
    pub _pad1: f32,
}

const _: () = assert!(std::mem::size_of::<SimParams>() == 288);

/// The state a path kernel returns for each path at the horizon.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct TerminalState {
    /// Log return ln(S_T / S_0).
    pub y: f32,
    /// Variance v_T.
    pub v: f32,
}
