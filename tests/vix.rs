//! VIX index, futures and options (`docs/pricing.md`): limits, independent
//! routes, parity, the moment-match gap, the tables and `vixhedge vix --json`.

use std::process::Command;

use crate::util::assert_close;
use vixhedge::config::Config;
use vixhedge::model::analytic::OptionKind;
use vixhedge::model::vix::transform::VarianceTransform;
use vixhedge::model::vix::{
    expiry_constant, vix_future, vix_future_at, vix_index, vix_option, vix_option_moment_matched,
    vix_second_moment, VarianceDistribution, VixCoefficients, VixTables,
};
use vixhedge::model::{MarketModel, Measure, SvcjParams, TRADING_DAYS_PER_YEAR};

fn q(name: &str) -> MarketModel {
    Config::preset(name)
        .unwrap()
        .market_model(Measure::Q)
        .risk_neutral()
}

fn years(days: f64) -> f64 {
    days / TRADING_DAYS_PER_YEAR
}

#[test]
fn futures_tend_to_the_spot_index_as_the_tenor_vanishes() {
    for m in [q("default"), q("dps2000")] {
        for v in [0.005, m.v0, 0.2] {
            let spot = vix_index(&m, v, 0);
            let mut last_gap = f64::INFINITY;
            for days in [1.0, 0.1, 0.01, 1e-4] {
                let gap = (vix_future_at(&m, v, 0.0, years(days)) - spot).abs();
                assert!(gap < last_gap || gap < 1e-9, "gap {gap} at {days} days");
                last_gap = gap;
            }
            assert!(last_gap < 1e-4, "v={v}: gap {last_gap} at 1e-4 days");
        }
    }
}

#[test]
fn index_has_a_equal_one_and_no_decay_when_kappa_vanishes() {
    let mut m = q("dps2000");
    m.params.kappa = 1e-14;
    m.params.lambda = 0.0;
    let k = VixCoefficients::new(&m.params);
    assert_close("a", k.a, 1.0, 0.0, 1e-12);
    assert_close("b", k.b, 0.0, 0.0, 1e-12);
    assert_close("VIX = 100 sqrt(v)", vix_index(&m, 0.04, 0), 20.0, 0.0, 1e-9);
}

#[test]
fn laplace_and_density_routes_agree_on_the_future() {
    for (name, tol) in [("default", 2e-4), ("dps2000", 2e-5)] {
        let m = q(name);
        let k = VixCoefficients::new(&m.params);
        for v in [0.25 * m.v0, m.v0, 5.0 * m.v0] {
            for days in [1.0, 4.0, 21.0, 63.0, 151.0] {
                let t = years(days);
                let c = expiry_constant(&m, 0.0, t);
                let laplace = vix_future(&m, v, t, c);
                let dist = VarianceDistribution::new(&VarianceTransform::new(m.params, t), v);
                let density = 100.0 * dist.expected_sqrt(k.a, c);
                assert_close(
                    format!("{name} v={v} T={days}d"),
                    density,
                    laplace,
                    0.0,
                    tol,
                );
            }
        }
    }
}

#[test]
fn futures_obey_jensen_and_the_deterministic_heston_limit() {
    // Heston (lambda = 0): F^2 <= E[VIX_T^2], strictly with vol of vol.
    let mut m = q("dps2000");
    m.params = SvcjParams::heston(3.0, 0.04, 0.6, -0.7);
    for days in [5.0, 63.0, 252.0] {
        let t = years(days);
        let f = vix_future_at(&m, 0.02, 0.0, t);
        let m2 = vix_second_moment(&m, 0.02, 0.0, t);
        assert!(f * f < m2, "Jensen: F^2 = {} vs E[VIX^2] = {m2}", f * f);
        assert!(m2 - f * f > 1e-3, "vol of vol gives a gap");
    }
    // sigma_v -> 0: v_T is deterministic and F^2 = E[VIX_T^2].
    m.params.sigma_v = 0.0;
    for days in [5.0, 63.0, 252.0] {
        let t = years(days);
        let f = vix_future_at(&m, 0.02, 0.0, t);
        let m2 = vix_second_moment(&m, 0.02, 0.0, t);
        assert_close("deterministic variance", f * f, m2, 0.0, 1e-8 * m2);
    }
}

#[test]
fn vix_put_call_parity_holds_across_the_two_routes() {
    // The call from the distribution alone minus the put equals e^{-rT}(F - K)
    // with F from the Laplace route.
    let m = q("default");
    let k = VixCoefficients::new(&m.params);
    for days in [4.0, 21.0, 126.0] {
        let t = years(days);
        let c = expiry_constant(&m, 0.0, t);
        let f = vix_future(&m, m.v0, t, c);
        let dist = VarianceDistribution::new(&VarianceTransform::new(m.params, t), m.v0);
        for strike in [0.8 * f, f, 1.3 * f] {
            let (put, _) = dist.put_call_sqrt(k.a, c, strike / 100.0, f / 100.0);
            let call = dist.call_sqrt_density(k.a, c, strike / 100.0);
            let df = (-m.r * t).exp();
            assert_close(
                "parity",
                100.0 * df * (call - put),
                df * (f - strike),
                0.0,
                5e-4,
            );
            let p = vix_option(&m, OptionKind::Put, m.v0, t, c, strike);
            let cc = vix_option(&m, OptionKind::Call, m.v0, t, c, strike);
            assert_close("parity of vix_option", cc - p, df * (f - strike), 0.0, 1e-9);
        }
    }
}

#[test]
fn moment_match_underprices_a_short_out_of_the_money_call_by_more_than_half() {
    let m = q("default");
    let t = years(4.0);
    let c = expiry_constant(&m, 0.0, t);
    let f = vix_future(&m, m.v0, t, c);
    let exact = vix_option(&m, OptionKind::Call, m.v0, t, c, 1.25 * f);
    let mm = vix_option_moment_matched(&m, OptionKind::Call, m.v0, t, c, 1.25 * f);
    // Nested MC at 10^6 paths agrees with `exact` (see `vixhedge validate`).
    assert!(exact > 0.05, "exact {exact}");
    assert!(mm < 0.5 * exact, "moment match {mm} vs exact {exact}");
}

#[test]
fn tables_interpolate_within_their_stated_accuracy() {
    let m = q("default");
    let t = VixTables::build(&m);
    let e = t.interpolation_error(&m, 120, (0.003, 0.6), (1.0, 151.0));
    assert!(e.future_abs < 0.01, "{e:?}");
    assert!(e.option_rel < 0.1, "{e:?}");
    // nodes reproduce the exact values to f32 rounding
    let k = VixCoefficients::new(&m.params);
    let (f, clamped) = t.future(0.0, 0.0, k.b);
    assert!(!clamped);
    assert_close("node at v = 0, tau = 0", f, 100.0 * k.b.sqrt(), 0.0, 1e-4);
}

#[test]
fn cli_json_has_the_curve_and_shows_contango_and_backwardation() {
    let theta_q = q("default").params.theta;
    let run = |v: f64| -> serde_json::Value {
        let out = Command::new(env!("CARGO_BIN_EXE_vixhedge"))
            .args([
                "vix",
                "--preset",
                "default",
                "--json",
                "--v",
                &v.to_string(),
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        serde_json::from_slice(&out.stdout).expect("one JSON document")
    };
    let calm = run(0.6 * theta_q);
    assert_eq!(calm["preset"], "default");
    assert!(calm["v"].as_f64().is_some() && calm["vix"].as_f64().is_some());
    let curve = calm["futures"].as_array().unwrap();
    let days: Vec<u64> = curve.iter().map(|p| p["days"].as_u64().unwrap()).collect();
    assert_eq!(days, [1, 5, 10, 21, 42, 63, 84, 105, 126, 150]);
    let spot = calm["vix"].as_f64().unwrap();
    assert!(
        curve.iter().all(|p| p["future"].as_f64().unwrap() > spot),
        "contango"
    );
    let stressed = run(4.0 * theta_q);
    let spot = stressed["vix"].as_f64().unwrap();
    let curve = stressed["futures"].as_array().unwrap();
    assert!(
        curve.iter().all(|p| p["future"].as_f64().unwrap() < spot),
        "backwardation"
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_vixhedge"))
        .args(["vix", "--v", "-1"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty());
}
