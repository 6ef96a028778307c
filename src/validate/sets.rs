//! The parameter sets and reference values the validation runs on.

use crate::config::Config;
use crate::model::analytic::OptionKind;
use crate::model::{MarketModel, Measure, SvcjParams, TRADING_DAYS_PER_YEAR};

/// Random123 known-answer vectors of philox4x32-10: counter, key, output.
pub const PHILOX_KAT: [([u32; 4], [u32; 2], [u32; 4]); 3] = [
    (
        [0; 4],
        [0; 2],
        [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8],
    ),
    (
        [u32::MAX; 4],
        [u32::MAX; 2],
        [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd],
    ),
    (
        [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344],
        [0xa409_3822, 0x299f_31d0],
        [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1],
    ),
];

/// Strikes of QuantLib's published Heston reference (Lewis 2000 method).
pub const LEWIS_STRIKES: [f64; 5] = [80.0, 90.0, 100.0, 110.0, 120.0];
/// Reference puts at [`LEWIS_STRIKES`], with the published digits.
#[expect(clippy::excessive_precision, reason = "published reference digits")]
pub const LEWIS_PUTS: [f64; 5] = [
    7.958_878_113_256_768,
    12.017_966_707_346_305,
    17.055_270_961_270_109,
    23.017_825_898_442_801,
    29.811_026_202_682_472,
];
/// Reference calls at [`LEWIS_STRIKES`], with the published digits.
#[expect(clippy::excessive_precision, reason = "published reference digits")]
pub const LEWIS_CALLS: [f64; 5] = [
    26.774_758_743_998_854,
    20.933_349_000_596_710,
    16.070_154_917_028_834,
    12.132_211_516_709_845,
    9.024_913_483_457_836,
];

/// The Heston model of the Lewis reference: S=100, T=1, r=0.01, q=0.02, v0=0.04,
/// kappa=4, theta=0.25, sigma_v=1, rho=-0.5.
#[must_use]
pub fn heston_lewis() -> MarketModel {
    MarketModel {
        spot: 100.0,
        r: 0.01,
        q: 0.02,
        v0: 0.04,
        mu: 0.01,
        params: SvcjParams::heston(4.0, 0.25, 1.0, -0.5),
        events: vec![],
        measure: Measure::Q,
    }
}

/// A Monte Carlo parameter set: a risk-neutral model, an expiry and the options
/// priced on it.
#[derive(Debug, Clone)]
pub struct McSet {
    /// Short name for the table.
    pub name: String,
    /// The Q model.
    pub model: MarketModel,
    /// Expiry, trading days.
    pub expiry_days: u32,
    /// Options (kind, strike in index points).
    pub options: Vec<(OptionKind, f64)>,
    /// Spot-proportional part of the discretisation-bias allowance, index
    /// points; [`BIAS_REL`] of the price is added per option.
    pub bias_allowance: f64,
}

/// Discretisation-bias allowance of a Monte Carlo price, index points:
/// `BIAS_REL * price + BIAS_SPOT * spot`. The QE scheme with Andersen's
/// martingale correction at one step a day, jumps placed within the step
/// (see `src/cpu/path_step.rs`), showed no bias distinguishable from noise at
/// 4e6 paths on the DPS and `default` sets (|z| < 1.7 on calls, puts and the
/// forward, one to sixteen steps a day); the allowance bounds what that
/// measurement could not see.
pub const BIAS_REL: f64 = 1e-3;
/// See [`BIAS_REL`].
pub const BIAS_SPOT: f64 = 1e-5;

fn strikes_around(m: &MarketModel, expiry_days: u32) -> Vec<(OptionKind, f64)> {
    let t = f64::from(expiry_days) / TRADING_DAYS_PER_YEAR;
    let fwd = m.spot * ((m.r - m.q) * t).exp();
    let vol = m.v0.max(m.params.theta).sqrt() * t.sqrt();
    let at = |z: f64| (fwd * (z * vol).exp() * 100.0).round() / 100.0;
    vec![
        (OptionKind::Put, at(-2.0)),
        (OptionKind::Put, at(-1.0)),
        (OptionKind::Put, at(0.0)),
        (OptionKind::Call, at(0.0)),
        (OptionKind::Call, at(1.0)),
        (OptionKind::Call, at(2.0)),
    ]
}

fn set(name: &str, model: MarketModel, expiry_days: u32) -> McSet {
    let options = strikes_around(&model, expiry_days);
    let bias_allowance = BIAS_SPOT * model.spot;
    McSet {
        name: name.to_string(),
        model,
        expiry_days,
        options,
        bias_allowance,
    }
}

fn preset_q(name: &str) -> MarketModel {
    let cfg =
        Config::preset(name).unwrap_or_else(|e| panic!("built-in preset {name} must load: {e}"));
    cfg.market_model(Measure::Q).risk_neutral()
}

/// The Monte Carlo sets: Heston (Lewis), Bates, SVCJ `dps2000`, SVCJ
/// `eraker2004` and the `default` preset with its scheduled events.
#[must_use]
pub fn mc_sets() -> Vec<McSet> {
    let mut lewis = set("heston-lewis", heston_lewis(), 252);
    lewis.options = super::LEWIS_STRIKES
        .iter()
        .flat_map(|&k| [(OptionKind::Put, k), (OptionKind::Call, k)])
        .collect();
    lewis.options.sort_by(|a, b| a.1.total_cmp(&b.1));
    let bates = MarketModel {
        spot: 100.0,
        r: 0.03,
        q: 0.01,
        v0: 0.04,
        mu: 0.03,
        params: SvcjParams {
            kappa: 2.0,
            theta: 0.04,
            sigma_v: 0.5,
            rho: -0.7,
            lambda: 0.5,
            mu_s: -0.1,
            sigma_s: 0.1,
            mu_v: 0.0,
            rho_j: 0.0,
        },
        events: vec![],
        measure: Measure::Q,
    };
    vec![
        lewis,
        set("bates", bates, 126),
        set("svcj-dps2000", preset_q("dps2000"), 63),
        set("svcj-eraker2004", preset_q("eraker2004"), 126),
        set("default+events", preset_q("default"), 63),
    ]
}
