//! Checks of the SPX implied-vol surface (`docs/pricing.md`) against the exact
//! Fourier price, on the CPU and without an engine: interpolation accuracy on
//! random points, clamping, coverage and strikes by delta.

use rayon::prelude::*;
use serde::Serialize;

use super::{Check, Options};
use crate::config::Config;
use crate::model::analytic::{european_price_with, LewisSettings, OptionKind};
use crate::model::ivtable::{round_to_grid, SpxVolSurface};
use crate::model::{MarketModel, Measure, TRADING_DAYS_PER_YEAR};
use crate::shared::philox::{philox4x32_10, seed_key};

/// Random points of the accuracy check.
pub const ACCURACY_POINTS: usize = 10_000;
/// Share of points that must be within [`price_tolerance`].
pub const MIN_SHARE_WITHIN: f64 = 0.999;
/// Variance range (annualised) the accuracy points are drawn from,
/// log-uniformly: volatility 3.2% to 50%, covering the stationary laws of the
/// presets (VIX 10% to 35%) with room on both sides.
pub const TYPICAL_V: (f64, f64) = (0.001, 0.25);
/// Expiries of the accuracy points, trading days (uniform).
pub const TAU_DAYS: (f64, f64) = (1.0, 63.0);
/// Smallest `|delta|` of the accuracy points (uniform in `[d, 1 - d]`).
pub const MIN_DELTA: f64 = 0.02;
/// Presets the validation builds surfaces for (under Q).
pub const PRESETS: [&str; 2] = ["default", "dps2000"];

/// Largest interpolation error that meets the table's accuracy target (`docs/pricing.md`), index points:
/// `max(0.5% of the exact price, 0.02)`.
#[must_use]
pub fn price_tolerance(exact: f64) -> f64 {
    (0.005 * exact).max(0.02)
}

/// Outcome of the random-point accuracy test.
#[derive(Debug, Clone, Serialize)]
pub struct Accuracy {
    /// Points drawn.
    pub points: usize,
    /// Points within [`price_tolerance`].
    pub within: usize,
    /// `within / points`.
    pub share_within: f64,
    /// Largest `|surface - exact| / price_tolerance(exact)` (dimensionless).
    pub worst_ratio: f64,
    /// Largest absolute price error, index points.
    pub worst_abs: f64,
    /// The point with the largest ratio: `(v, tau in trading days, kind, strike,
    /// exact price, surface price)`.
    pub worst_point: (f64, f64, String, f64, f64, f64),
    /// Points whose lookup was clamped to the table's edge.
    pub clamped: usize,
}

/// Uniform in (0, 1) from 53 bits of two Philox words.
fn unit(hi: u32, lo: u32) -> f64 {
    let bits = (u64::from(hi) << 21) ^ u64::from(lo >> 11);
    (bits as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// Compares `surface` with the exact price (Lewis, `abs_tol = 1e-11`, about 2e-8
/// index points at `S = 5000`) of `model` without events at `points` random
/// `(v, tau, K)`: `v` log-uniform on `v_range` (annualised), `tau` uniform on
/// [`TAU_DAYS`], call or put with equal odds, `|delta|` uniform on
/// `[MIN_DELTA, 1 - MIN_DELTA]` and the strike from
/// [`SpxVolSurface::strike_for_delta`] (unrounded). Points depend on `seed` only.
#[must_use]
pub fn accuracy(
    model: &MarketModel,
    surface: &SpxVolSurface,
    points: usize,
    seed: u64,
    v_range: (f64, f64),
) -> Accuracy {
    let key = seed_key(seed);
    let settings = LewisSettings {
        abs_tol: 1e-11,
        ..LewisSettings::default()
    };
    let (s, r, q) = (model.spot, model.r, model.q);
    let rows: Vec<_> = (0..points)
        .into_par_iter()
        .map(|i| {
            #[expect(clippy::cast_possible_truncation, reason = "point counts fit u32")]
            let w = philox4x32_10([i as u32, 0x1717, 0, 0], key);
            let w2 = philox4x32_10([i as u32, 0x1717, 1, 0], key);
            let (lv0, lv1) = (v_range.0.ln(), v_range.1.ln());
            let v = (lv0 + (lv1 - lv0) * unit(w[0], w[1])).exp();
            let days = TAU_DAYS.0 + (TAU_DAYS.1 - TAU_DAYS.0) * unit(w[2], w[3]);
            let tau = days / TRADING_DAYS_PER_YEAR;
            let abs_delta = MIN_DELTA + (1.0 - 2.0 * MIN_DELTA) * unit(w2[0], w2[1]);
            let (kind, target) = if w2[2] & 1 == 0 {
                (OptionKind::Call, abs_delta)
            } else {
                (OptionKind::Put, -abs_delta)
            };
            let strike = surface.strike_for_delta(kind, target, s, tau, v, r, q, 0.0, 0.0);
            let mut m = model.clone();
            m.v0 = v;
            m.events.clear();
            let exact = european_price_with(&m, kind, strike, tau, &settings);
            let fwd = s * ((r - q) * tau).exp();
            let (_, clamped) = surface.implied_vol(v, tau, (strike / fwd).ln() / tau.sqrt(), 0.0);
            let approx = surface.price(kind, s, strike, tau, v, r, q, 0.0);
            (v, days, kind, strike, exact, approx, clamped)
        })
        .collect();
    let mut out = Accuracy {
        points,
        within: 0,
        share_within: 0.0,
        worst_ratio: 0.0,
        worst_abs: 0.0,
        worst_point: (0.0, 0.0, String::new(), 0.0, 0.0, 0.0),
        clamped: 0,
    };
    for (v, days, kind, strike, exact, approx, clamped) in rows {
        let err = (approx - exact).abs();
        let ratio = err / price_tolerance(exact);
        if ratio <= 1.0 {
            out.within += 1;
        }
        out.worst_abs = out.worst_abs.max(err);
        if ratio > out.worst_ratio || !ratio.is_finite() {
            out.worst_ratio = ratio;
            out.worst_point = (v, days, format!("{kind:?}"), strike, exact, approx);
        }
        out.clamped += usize::from(clamped);
    }
    out.share_within = out.within as f64 / points.max(1) as f64;
    out
}

/// The surface checks on the [`PRESETS`] (Q models): accuracy on
/// [`ACCURACY_POINTS`] random points, clamping and coverage, the table's size,
/// and the 16-delta strikes.
#[must_use]
pub fn checks(opts: &Options) -> Vec<Check> {
    let mut out = Vec::new();
    for name in PRESETS {
        let Ok(cfg) = Config::preset(name) else {
            out.push(Check::new(
                format!("ivtable {name}: preset loads"),
                0.0,
                1.0,
                0.0,
            ));
            continue;
        };
        let model = cfg.market_model(Measure::Q);
        let surface = SpxVolSurface::build(&model);
        let acc = accuracy(&model, &surface, ACCURACY_POINTS, opts.seed, TYPICAL_V);
        let stats = surface.stats();
        out.push(Check::new(
            format!(
                "ivtable {name}: share of {} random points within max(0.5%, 0.02 pt) \
                 (worst error {:.4} pt, {:.2}x its tolerance)",
                acc.points, acc.worst_abs, acc.worst_ratio
            ),
            1.0,
            acc.share_within,
            1.0 - MIN_SHARE_WITHIN,
        ));
        out.push(Check::new(
            format!("ivtable {name}: clamped lookups among the random points"),
            0.0,
            acc.clamped as f64,
            0.0,
        ));
        out.push(Check::new(
            format!("ivtable {name}: (v, tau) rows whose 2-delta strikes the table misses"),
            0.0,
            stats.uncovered_rows as f64,
            0.0,
        ));
        out.push(Check::new(
            format!(
                "ivtable {name}: table size, MB (built in {:.2} s)",
                stats.seconds
            ),
            0.0,
            surface.table().bytes() as f64 / 1e6,
            4.0,
        ));
        strike_checks(name, &model, &surface, &mut out);
    }
    out
}

/// The 16-delta put and call at `v0` and 30 trading days: unrounded, the delta
/// hits the target; rounded to 5 points, it misses by at most the delta change
/// over half a strike step.
fn strike_checks(name: &str, m: &MarketModel, surface: &SpxVolSurface, out: &mut Vec<Check>) {
    let tau = 30.0 / TRADING_DAYS_PER_YEAR;
    let (s, v, r, q) = (m.spot, m.v0, m.r, m.q);
    for (kind, target) in [(OptionKind::Put, -0.16), (OptionKind::Call, 0.16)] {
        let exact = surface.strike_for_delta(kind, target, s, tau, v, r, q, 0.0, 0.0);
        let delta = |k: f64| surface.delta(kind, s, k, tau, v, r, q, 0.0);
        out.push(Check::new(
            format!("ivtable {name}: {kind:?} strike for delta {target}, unrounded ({exact:.2})"),
            target,
            delta(exact),
            // The f32 table coordinate makes the smile a fine staircase.
            1e-7,
        ));
        let rounded = round_to_grid(exact, 5.0);
        let slope = (delta(exact + 0.5) - delta(exact - 0.5)).abs();
        out.push(Check::new(
            format!("ivtable {name}: {kind:?} strike for delta {target}, on the 5-point grid ({rounded})"),
            target,
            delta(rounded),
            slope * 2.5 * 1.05 + 1e-9,
        ));
    }
}
