//! The SPX implied-vol surface against the exact Fourier price: interpolation
//! accuracy, strikes by delta, the exchange grid, scheduled-event variance and
//! clamping.

use std::sync::OnceLock;

use vixhedge::config::Config;
use vixhedge::model::analytic::{european_price, OptionKind};
use vixhedge::model::ivtable::{event_variance, round_to_grid, SpxVolSurface};
use vixhedge::model::{EventParams, MarketModel, Measure, TRADING_DAYS_PER_YEAR};
use vixhedge::validate::ivtable::{accuracy, price_tolerance, TYPICAL_V};

use OptionKind::{Call, Put};

fn preset_q(name: &str) -> MarketModel {
    Config::preset(name)
        .expect("built-in preset")
        .market_model(Measure::Q)
}

/// The `default` preset's surface, built once for the whole binary.
fn default_surface() -> &'static (MarketModel, SpxVolSurface) {
    static S: OnceLock<(MarketModel, SpxVolSurface)> = OnceLock::new();
    S.get_or_init(|| {
        let m = preset_q("default");
        let s = SpxVolSurface::build(&m);
        (m, s)
    })
}

#[test]
fn table_matches_exact_prices_on_random_points() {
    for name in ["default", "dps2000"] {
        let m = preset_q(name);
        let s = SpxVolSurface::build(&m);
        assert_eq!(s.stats().uncovered_rows, 0, "{name}");
        assert!(s.table().bytes() < 4_000_000, "{name}: table too large");
        let acc = accuracy(&m, &s, 400, 7, TYPICAL_V);
        // The target is 99.9% within tolerance; on 400 points allow one miss,
        // and never a gross one.
        assert!(acc.within + 1 >= acc.points, "{name}: {acc:?}");
        assert!(acc.worst_ratio < 2.0, "{name}: {acc:?}");
        assert_eq!(acc.clamped, 0, "{name}: {acc:?}");
    }
}

#[test]
fn strike_for_delta_round_trips() {
    let (m, s) = default_surface();
    let (spot, r, q) = (m.spot, m.r, m.q);
    for &v in &[0.004, 0.02, 0.09] {
        for &days in &[3.0, 30.0, 60.0] {
            let tau = days / TRADING_DAYS_PER_YEAR;
            for &(kind, target) in &[
                (Put, -0.02),
                (Put, -0.16),
                (Put, -0.5),
                (Call, 0.05),
                (Call, 0.16),
                (Call, 0.6),
            ] {
                let k = s.strike_for_delta(kind, target, spot, tau, v, r, q, 0.0, 0.0);
                let got = s.delta(kind, spot, k, tau, v, r, q, 0.0);
                assert!(
                    (got - target).abs() < 1e-7,
                    "v {v} tau {days}d {kind:?} {target}: strike {k}, delta {got}"
                );
                let rounded = s.strike_for_delta(kind, target, spot, tau, v, r, q, 0.0, 5.0);
                assert_eq!(rounded, round_to_grid(k, 5.0));
                assert!((rounded - k).abs() <= 2.5 + 1e-9);
                // Puts below and calls above the forward for |delta| < 1/2.
                if target.abs() < 0.45 {
                    let fwd = spot * ((r - q) * tau).exp();
                    assert!(if kind == Put { k < fwd } else { k > fwd });
                }
            }
        }
    }
    // With event variance the 16-delta put moves further out.
    let tau = 10.0 / TRADING_DAYS_PER_YEAR;
    let plain = s.strike_for_delta(Put, -0.16, spot, tau, 0.02, r, q, 0.0, 0.0);
    let event = s.strike_for_delta(Put, -0.16, spot, tau, 0.02, r, q, 0.008_f64.powi(2), 0.0);
    assert!(event < plain, "{event} vs {plain}");
    assert!(s
        .strike_for_delta(Call, 1.2, spot, tau, 0.02, r, q, 0.0, 5.0)
        .is_nan());
}

#[test]
fn rounding_to_exchange_grids() {
    assert_eq!(round_to_grid(5012.4, 5.0), 5010.0);
    assert_eq!(round_to_grid(5012.5, 5.0), 5015.0);
    assert_eq!(round_to_grid(4997.4, 5.0), 4995.0);
    assert_eq!(round_to_grid(4997.6, 5.0), 5000.0);
    assert_eq!(round_to_grid(17.26, 0.5), 17.5);
    assert_eq!(round_to_grid(17.24, 0.5), 17.0);
    assert_eq!(round_to_grid(17.75, 0.5), 18.0);
    assert_eq!(round_to_grid(17.24, 0.0), 17.24);
}

#[test]
fn scheduled_events_price_like_the_exact_model() {
    let (base, s) = default_surface();
    let mut m = base.clone();
    let sd = 0.008;
    m.events = vec![EventParams {
        first_day: 3,
        every_days: 0,
        jump_sd: sd,
        var_bump: 0.0,
    }];
    assert_eq!(event_variance(&m, 0, 2), 0.0);
    assert_eq!(event_variance(&m, 0, 3), sd * sd);
    assert_eq!(event_variance(&m, 3, 10), 0.0);
    // The default preset: CPI on days 8, 29, ..., FOMC on days 15, 47, ...
    let d = preset_q("default");
    let want = 2.0 * 0.008_f64.powi(2) + 0.007_f64.powi(2);
    assert!((event_variance(&d, 0, 30) - want).abs() < 1e-18);

    let (spot, r, q) = (m.spot, m.r, m.q);
    let mut worst: f64 = 0.0;
    for &v in &[0.005, 0.02, 0.06] {
        m.v0 = v;
        for &days in &[3.0, 5.0, 10.0, 30.0] {
            let tau = days / TRADING_DAYS_PER_YEAR;
            let ev = event_variance(&m, 0, days as u32);
            for &(kind, target) in &[(Put, -0.05), (Put, -0.25), (Call, 0.5), (Call, 0.1)] {
                let k = s.strike_for_delta(kind, target, spot, tau, v, r, q, ev, 0.0);
                let exact = european_price(&m, kind, k, tau);
                let got = s.price(kind, spot, k, tau, v, r, q, ev);
                let without = s.price(kind, spot, k, tau, v, r, q, 0.0);
                assert!(got > without, "the event adds value");
                worst = worst.max((got - exact).abs() / price_tolerance(exact));
                // implied_vol keeps the total-variance rule of `docs/pricing.md`.
                let kk = (k / (spot * ((r - q) * tau).exp())).ln() / tau.sqrt();
                let (plain, _) = s.implied_vol(v, tau, kk, 0.0);
                let (total, _) = s.implied_vol(v, tau, kk, ev);
                assert!((total * total * tau - plain * plain * tau - ev).abs() < 1e-12);
            }
        }
    }
    // The price mixes over the event jump (exact up to quadrature); adding s^2
    // to the total implied variance instead would miss the 10-delta call at
    // v = 0.005, 5 days by 36 times the tolerance.
    assert!(worst < 1.0, "worst error / tolerance {worst}");
}

#[test]
fn clamped_queries_are_reported_and_counted() {
    let (m, s) = default_surface();
    let tau = 20.0 / TRADING_DAYS_PER_YEAR;
    let before = s.clamped_queries();
    assert!(!s.implied_vol(0.02, tau, 0.0, 0.0).1);
    assert!(
        s.implied_vol(2.0, tau, 0.0, 0.0).1,
        "variance above the grid"
    );
    assert!(
        s.implied_vol(0.02, 0.2 / TRADING_DAYS_PER_YEAR, 0.0, 0.0).1,
        "expiry below"
    );
    assert!(s.implied_vol(0.02, 0.5, 0.0, 0.0).1, "expiry above");
    assert!(s.implied_vol(0.02, tau, -5.0, 0.0).1, "strike far below");
    // Clamped lookups still price: flat extrapolation of the edge vol.
    let far = s.price(Put, m.spot, 1000.0, tau, 0.02, m.r, m.q, 0.0);
    assert!((0.0..1e-6).contains(&far), "{far}");
    // Other tests share the surface: the counter only grows.
    assert!(s.clamped_queries() >= before + 5);
}

#[test]
fn validation_checks_pass() {
    let checks = vixhedge::validate::ivtable::checks(&vixhedge::validate::Options::default());
    assert!(checks.len() >= 10);
    for c in &checks {
        assert!(c.pass, "{c:?}");
    }
}
