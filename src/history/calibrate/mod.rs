//! `vixhedge calibrate`: P and Q parameters of SVCJ from daily SPX and VIX
//! closes in two stages (`docs/history.md`, "Calibration"):
//!
//! 1. [`fit`]: quasi-maximum likelihood of the daily (log return, VIX) pairs
//!    under a daily Bernoulli-jump discretisation of SVCJ, with the VIX an
//!    exact affine map of v; it gives the drift and the price-jump law.
//! 2. [`smm`]: the simulated method of moments on the stylised facts, for
//!    the variance dynamics under P and the VIX map's Q parameters, in units
//!    of each fact's band; [`stderr`] gives its standard errors.

pub mod fit;
pub mod likelihood;
pub mod optimize;
pub mod preset;
pub mod smm;
pub mod stderr;

use serde::Serialize;

use crate::config::{Config, InitialVariance};
use crate::history::facts::{facts_of, ClosePath, FactsReport};
use crate::history::History;
use likelihood::{filtered, Data, Theta, NAMES};
use optimize::nelder_mead;
use smm::{config_of, free_of, with_free, Moments, FREE};

/// Seed of the final facts check, away from the moment stage's paths.
pub const CHECK_SEED: u64 = 0xC4EC_2018;

/// Choices of a calibration run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrateOptions {
    /// Simulated paths per moment evaluation (common random numbers).
    pub paths: usize,
    /// Paths of the final facts check.
    pub check_paths: usize,
    /// Nelder-Mead evaluations per restart of the moment stage.
    pub evals_per_round: usize,
    /// Most restarts of the moment stage.
    pub rounds: usize,
    /// Start the preset's paths from the stationary law (else from the
    /// filtered variance of the last date).
    pub stationary_v0: bool,
}

impl Default for CalibrateOptions {
    fn default() -> Self {
        Self {
            paths: 10_000,
            check_paths: 50_000,
            evals_per_round: 1500,
            rounds: 4,
            stationary_v0: false,
        }
    }
}

/// One estimated parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Estimate {
    /// Config key (`model.kappa`, `model.q.mu_s`).
    pub key: String,
    /// The estimate, in the key's unit.
    pub value: f64,
    /// Its standard error, when the stage gives one.
    pub stderr: Option<f64>,
    /// `qml` or `smm`.
    pub stage: &'static str,
}

/// The variance risk premium, data against model, annualised variances.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct VarianceRiskPremium {
    /// Mean of VIX^2/100^2 over the history.
    pub vix2_mean: f64,
    /// Mean realised variance of the following 21 trading days (annualised).
    pub realised_mean: f64,
    /// The model's E_P[VIX^2/100^2] at the stationary law.
    pub model_vix2_mean: f64,
    /// The model's E_P of the realised variance: E[v] + lambda E[Z_S^2].
    pub model_realised_mean: f64,
}

/// Everything a calibration found.
#[derive(Debug, Clone, Serialize)]
pub struct Calibration {
    /// The history's files, range and length.
    pub data: DataInfo,
    /// Every estimate, in config order.
    pub estimates: Vec<Estimate>,
    /// Log-likelihood of the first stage at its maximum.
    pub qml_log_likelihood: f64,
    /// Evaluations of each stage (likelihood, moments).
    pub evals: [usize; 2],
    /// The moment stage's objective at its minimum: the sum of squared band distances.
    pub smm_objective: f64,
    /// Simulated paths per moment evaluation.
    pub smm_paths: usize,
    /// Paths of the final facts check.
    pub check_paths: usize,
    /// VIX map `VIX^2/100^2 = a v + b` of the fit: `[a, b]`.
    pub vix_map: [f64; 2],
    /// The filtered variance of the last date, annualised variance.
    pub last_v: f64,
    /// The variance risk premium check.
    pub vrp: VarianceRiskPremium,
    /// Model (fresh paths, `check_paths`) against history.
    pub facts: FactsReport,
    /// The calibrated configuration.
    #[serde(skip)]
    pub config: Config,
}

/// Files, range and length of the history.
#[derive(Debug, Clone, Serialize)]
pub struct DataInfo {
    /// SPX file as given.
    pub spx_file: String,
    /// VIX file as given.
    pub vix_file: String,
    /// First date, ISO.
    pub from: String,
    /// Last date, ISO.
    pub to: String,
    /// Common days.
    pub days: usize,
}

/// Mean realised variance (annualised) of the `n` days after each day.
fn realised_forward(returns: &[f64], n: usize) -> f64 {
    let windows = returns.len().saturating_sub(n - 1);
    let total: f64 = (0..windows)
        .map(|t| returns[t..t + n].iter().map(|r| r * r).sum::<f64>() * 252.0 / n as f64)
        .sum();
    total / windows as f64
}

/// A deterministic, feasible start of the moment stage: slow mean reversion
/// (kappa 2), half the realised variance as theta, vol-of-vol 0.4, rho -0.8,
/// two variance jumps of 0.01 a year, kappa_Q 1, the first stage's price
/// jumps and a price-jump premium of 0.01.
fn smm_start(qml: &Theta, realised: f64) -> Theta {
    let mut t = *qml;
    t.p.kappa = 2.0;
    t.p.theta = 0.5 * realised;
    t.p.sigma_v = 0.4;
    t.p.rho = -0.8;
    t.p.lambda = 2.0;
    t.p.mu_v = 0.01;
    t.kappa_q = 1.0;
    t.mu_s_q = t.p.mu_s - 0.01;
    t.theta_q = t.p.kappa * t.p.theta / t.kappa_q;
    t
}

/// Calibrates to `history` with windows of `base.simulation.horizon_days`;
/// `base` supplies everything not estimated (books, regimes, r, q, steps a
/// day, seed). The returned config has no scheduled events.
///
/// # Errors
/// The first stage's VIX map cannot filter the history, or the moment
/// stage cannot be simulated.
pub fn calibrate(
    history: &History,
    base: &Config,
    opts: &CalibrateOptions,
) -> anyhow::Result<Calibration> {
    let mut base = base.clone();
    base.events.clear();
    let data = Data::new(&history.spx, &history.vix);
    let qml = fit::fit(&data);
    let window = base.simulation.horizon_days;
    let target = facts_of(
        &[ClosePath {
            spx: &history.spx,
            vix: &history.vix,
        }],
        window,
        &base.regimes,
    );
    let min_vix2 = data.vix2.iter().copied().fold(f64::INFINITY, f64::min);
    let moments = Moments {
        history: &target,
        base: &base,
        paths: opts.paths,
        min_vix2,
    };
    let realised = realised_forward(&data.returns, 21);
    let start = smm_start(&qml.theta, realised);
    let objective = |z: &[f64]| moments.objective(&with_free(&start, z));
    let mut z = free_of(&start);
    let mut best = objective(&z);
    anyhow::ensure!(
        best.is_finite(),
        "the moment stage's start cannot be simulated or floors a day's variance"
    );
    let mut evals = 1;
    for _ in 0..opts.rounds {
        let step = vec![0.3; z.len()];
        let (zn, value, e) = nelder_mead(&objective, &z, &step, opts.evals_per_round, 1e-4);
        evals += e;
        let improved = value < best - 1e-3;
        if value < best {
            z = zn;
            best = value;
        }
        if !improved {
            break;
        }
    }
    let theta = with_free(&start, &z);
    let omega = stderr::history_covariance(history, &moments);
    let se_z = stderr::smm_stderr(&moments, &start, &z, &omega, history.len());
    let mut config = config_of(&theta, &base);
    let k = theta.vix();
    let last_v = filtered(data.vix2[data.vix2.len() - 1], &k);
    config.market.spot = history.spx[history.len() - 1];
    config.market.v0 = if opts.stationary_v0 {
        InitialVariance::Stationary
    } else {
        InitialVariance::Level(last_v)
    };
    let mut check_base = base.clone();
    check_base.simulation.seed = CHECK_SEED;
    let check = Moments {
        paths: opts.check_paths,
        base: &check_base,
        ..moments.clone()
    };
    let model_facts = check.facts(&theta)?;
    let estimates = estimates(&qml, &theta, se_z.as_deref());
    let p = &theta.p;
    let jump2 =
        p.sigma_s * p.sigma_s + (p.mu_s + p.rho_j * p.mu_v).powi(2) + (p.rho_j * p.mu_v).powi(2);
    let vrp = VarianceRiskPremium {
        vix2_mean: data.vix2.iter().sum::<f64>() / data.vix2.len() as f64,
        realised_mean: realised,
        model_vix2_mean: k.a * p.theta_star() + k.b,
        model_realised_mean: p.theta_star() + p.lambda * jump2,
    };
    Ok(Calibration {
        data: DataInfo {
            spx_file: history.spx_file.clone(),
            vix_file: history.vix_file.clone(),
            from: history.first().to_string(),
            to: history.last().to_string(),
            days: history.len(),
        },
        estimates,
        qml_log_likelihood: qml.log_likelihood,
        evals: [qml.evals, evals],
        smm_objective: best,
        smm_paths: opts.paths,
        check_paths: opts.check_paths,
        vix_map: [k.a, k.b],
        last_v,
        vrp,
        facts: FactsReport {
            window_days: window,
            model: model_facts,
            history: Some(target),
        },
        config,
    })
}

/// The estimates with their stages and standard errors: the drift and the
/// price-jump law from the likelihood (sandwich errors), the rest from the
/// moments (delta method from the unconstrained coordinates); `model.q.theta`
/// has none (it follows from kappa_Q theta_Q = kappa theta).
fn estimates(qml: &fit::QmlFit, theta: &Theta, se_z: Option<&[f64]>) -> Vec<Estimate> {
    let qse = |name: &str| {
        let i = NAMES.iter().position(|n| *n == name)?;
        qml.stderr.as_ref().map(|s| s[i])
    };
    let sse = |name: &str, value: f64| {
        let j = FREE.iter().position(|n| *n == name)?;
        let s = se_z?[j];
        Some(match name {
            "rho" => (1.0 - value * value) * s,
            // q.mu_s = mu_s - e^z.
            "q.mu_s" => (theta.p.mu_s - value) * s,
            _ => value.abs() * s,
        })
    };
    let p = &theta.p;
    let mut out = vec![Estimate {
        key: "model.mu - market.q".into(),
        value: theta.growth,
        stderr: qse("mu - q"),
        stage: "qml",
    }];
    for (name, value) in [
        ("kappa", p.kappa),
        ("theta", p.theta),
        ("sigma_v", p.sigma_v),
        ("rho", p.rho),
        ("lambda", p.lambda),
        ("mu_v", p.mu_v),
    ] {
        out.push(Estimate {
            key: format!("model.{name}"),
            value,
            stderr: sse(name, value),
            stage: "smm",
        });
    }
    for (name, value) in [("mu_s", p.mu_s), ("sigma_s", p.sigma_s), ("rho_j", p.rho_j)] {
        out.push(Estimate {
            key: format!("model.{name}"),
            value,
            stderr: qse(name),
            stage: "qml",
        });
    }
    out.push(Estimate {
        key: "model.q.kappa".into(),
        value: theta.kappa_q,
        stderr: sse("q.kappa", theta.kappa_q),
        stage: "smm",
    });
    out.push(Estimate {
        key: "model.q.mu_s".into(),
        value: theta.mu_s_q,
        stderr: sse("q.mu_s", theta.mu_s_q),
        stage: "smm",
    });
    out.push(Estimate {
        key: "model.q.theta".into(),
        value: theta.theta_q,
        stderr: None,
        stage: "smm",
    });
    out
}
