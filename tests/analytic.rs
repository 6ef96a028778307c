//! Analytic pricing against independent oracles: QuantLib's Lewis reference,
//! Black-Scholes and Merton limits, a closed-form SVCJ jump transform, parity,
//! the martingale property, implied-vol round trips and high-precision normals.
#![expect(
    clippy::excessive_precision,
    reason = "reference values are quoted with every digit their source gives"
)]

use crate::util::assert_close;
use vixhedge::model::analytic::{
    black76_price, bs_price, european_price, european_price_with, implied_vol_black76,
    implied_vol_bs, log_return_cf, norm_cdf, Complex64, JumpTransform, LewisSettings, OptionKind,
};
use vixhedge::model::{EventParams, MarketModel, Measure, SvcjParams};

use OptionKind::{Call, Put};

fn model(spot: f64, r: f64, q: f64, v0: f64, params: SvcjParams) -> MarketModel {
    MarketModel {
        spot,
        r,
        q,
        v0,
        mu: r,
        params,
        events: Vec::new(),
        measure: Measure::Q,
    }
}

/// QuantLib's Heston test set for the Lewis reference prices.
fn lewis_heston() -> MarketModel {
    model(
        100.0,
        0.01,
        0.02,
        0.04,
        SvcjParams::heston(4.0, 0.25, 1.0, -0.5),
    )
}

/// Duffie, Pan and Singleton (2000) SVCJ, risk-neutral (`docs/model.md`).
fn dps_svcj() -> MarketModel {
    let (sigma_s, mu_v, rho_j): (f64, f64, f64) = (0.0001, 0.05, -0.38);
    let params = SvcjParams {
        kappa: 3.46,
        theta: 0.008,
        sigma_v: 0.14,
        rho: -0.82,
        lambda: 0.47,
        mu_s: (0.9 * (1.0 - rho_j * mu_v)).ln() - 0.5 * sigma_s * sigma_s,
        sigma_s,
        mu_v,
        rho_j,
    };
    model(100.0, 0.0319, 0.0, 0.007569, params)
}

/// The DPS diffusion with Bates log-normal price jumps (no variance jumps).
fn dps_bates() -> MarketModel {
    let mut m = dps_svcj();
    m.params.mu_v = 0.0;
    m.params.rho_j = 0.0;
    m.params.mu_s = -0.12;
    m.params.sigma_s = 0.15;
    m.q = 0.013;
    m
}

/// Heston with DPS diffusion parameters.
fn dps_heston() -> MarketModel {
    let mut m = dps_svcj();
    m.params.lambda = 0.0;
    m
}

/// A monthly CPI-like event with a variance bump and a one-off FOMC-like event.
fn with_events(mut m: MarketModel) -> MarketModel {
    m.events = vec![
        EventParams {
            first_day: 3,
            every_days: 21,
            jump_sd: 0.01,
            var_bump: 0.002,
        },
        EventParams {
            first_day: 10,
            every_days: 0,
            jump_sd: 0.015,
            var_bump: 0.0,
        },
    ];
    m
}

fn all_models() -> Vec<(&'static str, MarketModel)> {
    vec![
        ("heston", dps_heston()),
        ("bates", dps_bates()),
        ("svcj", dps_svcj()),
        ("lewis-heston", lewis_heston()),
        ("heston+events", with_events(dps_heston())),
        ("bates+events", with_events(dps_bates())),
        ("svcj+events", with_events(dps_svcj())),
    ]
}

#[test]
fn heston_matches_quantlib_lewis_reference() {
    let m = lewis_heston();
    let strikes = [80.0, 90.0, 100.0, 110.0, 120.0];
    let puts = [
        7.958878113256768,
        12.017966707346305,
        17.055270961270109,
        23.017825898442801,
        29.811026202682472,
    ];
    let calls = [
        26.774758743998854,
        20.933349000596710,
        16.070154917028834,
        12.132211516709845,
        9.024913483457836,
    ];
    let mut worst: f64 = 0.0;
    for ((&k, &p), &c) in strikes.iter().zip(&puts).zip(&calls) {
        let got_p = european_price(&m, Put, k, 1.0);
        let got_c = european_price(&m, Call, k, 1.0);
        assert_close(format!("put K={k}"), got_p, p, 0.0, 1e-8);
        assert_close(format!("call K={k}"), got_c, c, 0.0, 1e-8);
        worst = worst.max((got_p - p).abs()).max((got_c - c).abs());
    }
    eprintln!("Lewis reference: worst abs error {worst:.2e}");
    // The reference digits are good to about 1e-14; hold the 1e-10 target too.
    assert!(worst < 1e-10, "worst {worst:e}");
}

#[test]
fn put_call_parity_and_bounds() {
    for (name, m) in all_models() {
        for &t in &[2.0 / 252.0, 30.0 / 252.0, 0.5, 2.0] {
            let fwd_df = m.spot * (-m.q * t).exp();
            let df = (-m.r * t).exp();
            for &k in &[60.0, 85.0, 97.5, 100.0, 104.0, 120.0, 150.0] {
                let c = european_price(&m, Call, k, t);
                let p = european_price(&m, Put, k, t);
                let what = format!("{name} t={t} K={k}");
                assert_close(&what, c - p, fwd_df - k * df, 0.0, 1e-10);
                assert!(
                    c >= (fwd_df - k * df).max(0.0) - 1e-10 && c <= fwd_df,
                    "{what}: call {c}"
                );
                assert!(
                    p >= (k * df - fwd_df).max(0.0) - 1e-10 && p <= k * df,
                    "{what}: put {p}"
                );
            }
        }
    }
}

#[test]
fn cf_is_normalised_and_a_martingale() {
    let minus_i = Complex64::new(0.0, -1.0);
    for (name, m) in all_models() {
        for &t in &[1.0 / 252.0, 3.0 / 252.0, 0.25, 1.0, 3.0] {
            let at0 = log_return_cf(&m, Complex64::new(0.0, 0.0), t);
            assert_close(format!("{name} phi(0) re, t={t}"), at0.re, 1.0, 0.0, 1e-12);
            assert_close(format!("{name} phi(0) im, t={t}"), at0.im, 0.0, 0.0, 1e-12);
            let mart = log_return_cf(&m, minus_i, t);
            let want = ((m.r - m.q) * t).exp();
            assert_close(
                format!("{name} phi(-i) re, t={t}"),
                mart.re,
                want,
                0.0,
                1e-12,
            );
            assert_close(
                format!("{name} phi(-i) im, t={t}"),
                mart.im,
                0.0,
                0.0,
                1e-12,
            );
        }
    }
}

/// Constant variance: `sigma_v` tiny and `v0 = theta`.
fn constant_variance(theta: f64, params_from: SvcjParams) -> MarketModel {
    let mut p = params_from;
    p.kappa = 2.0;
    p.theta = theta;
    p.sigma_v = 1e-10;
    p.rho = -0.7;
    model(100.0, 0.03, 0.01, theta, p)
}

#[test]
fn vanishing_vol_of_vol_is_black_scholes() {
    let m = constant_variance(0.04, SvcjParams::heston(0.0, 0.0, 0.0, 0.0));
    for &t in &[1.0 / 252.0, 0.1, 1.0, 5.0] {
        for &k in &[70.0, 95.0, 100.0, 110.0, 160.0] {
            for kind in [Call, Put] {
                let want = bs_price(kind, 100.0, k, t, 0.03, 0.01, 0.2);
                let got = european_price(&m, kind, k, t);
                assert_close(format!("{kind:?} t={t} K={k}"), got, want, 0.0, 1e-9);
            }
        }
    }
}

/// Merton (1976) series: Poisson mixture of Black-Scholes prices.
fn merton_price(kind: OptionKind, m: &MarketModel, strike: f64, t: f64, vol: f64) -> f64 {
    let p = &m.params;
    let mbar = p.mbar();
    let lam = p.lambda * (1.0 + mbar) * t;
    let mut weight = (-lam).exp();
    let mut sum = 0.0;
    for n in 0..200 {
        let nf = f64::from(n);
        if n > 0 {
            weight *= lam / nf;
        }
        let vol_n = (vol * vol + nf * p.sigma_s * p.sigma_s / t).sqrt();
        let r_n = m.r - p.lambda * mbar + nf * (p.mu_s + 0.5 * p.sigma_s * p.sigma_s) / t;
        sum += weight * bs_price(kind, m.spot, strike, t, r_n, m.q, vol_n);
        if nf > lam && weight < 1e-18 {
            break;
        }
    }
    sum
}

#[test]
fn constant_variance_with_jumps_is_merton() {
    let mut jumps = SvcjParams::heston(0.0, 0.0, 0.0, 0.0);
    jumps.lambda = 0.8;
    jumps.mu_s = -0.08;
    jumps.sigma_s = 0.12;
    let m = constant_variance(0.0225, jumps);
    for &t in &[5.0 / 252.0, 0.25, 1.0, 3.0] {
        for &k in &[60.0, 90.0, 100.0, 105.0, 140.0] {
            for kind in [Call, Put] {
                let want = merton_price(kind, &m, k, t, 0.15);
                let got = european_price(&m, kind, k, t);
                assert_close(format!("{kind:?} t={t} K={k}"), got, want, 0.0, 1e-9);
            }
        }
    }
}

#[test]
fn single_event_adds_its_variance() {
    let mut m = constant_variance(0.03, SvcjParams::heston(0.0, 0.0, 0.0, 0.0));
    let s = 0.025;
    m.events = vec![EventParams {
        first_day: 5,
        every_days: 0,
        jump_sd: s,
        var_bump: 0.0,
    }];
    for &days in &[4.0, 5.0, 6.0, 21.0] {
        let t = days / 252.0;
        let total = 0.03 * t + if days >= 5.0 { s * s } else { 0.0 };
        for &k in &[90.0, 100.0, 107.0] {
            for kind in [Call, Put] {
                let want = bs_price(kind, 100.0, k, t, m.r, m.q, (total / t).sqrt());
                let got = european_price(&m, kind, k, t);
                assert_close(format!("{kind:?} days={days} K={k}"), got, want, 0.0, 1e-9);
            }
        }
    }
}

#[test]
fn variance_bump_decays_at_kappa() {
    // Deterministic variance theta + bump e^{-kappa (u - tau)} after the event at
    // tau: integrated variance theta t + bump (1 - e^{-kappa (t - tau)}) / kappa.
    let mut m = constant_variance(0.03, SvcjParams::heston(0.0, 0.0, 0.0, 0.0));
    let bump = 0.05;
    m.events = vec![EventParams {
        first_day: 10,
        every_days: 0,
        jump_sd: 0.0,
        var_bump: bump,
    }];
    let kappa = m.params.kappa;
    for &days in &[9.0_f64, 10.0, 30.0, 200.0] {
        let t = days / 252.0;
        let after = (t - 10.0 / 252.0).max(0.0);
        let total = 0.03 * t + bump * (1.0 - (-kappa * after).exp()) / kappa;
        for &k in &[92.0, 100.0, 111.0] {
            let want = bs_price(Call, 100.0, k, t, m.r, m.q, (total / t).sqrt());
            let got = european_price(&m, Call, k, t);
            assert_close(format!("days={days} K={k}"), got, want, 0.0, 1e-9);
        }
    }
}

/// SVCJ jump exponent in closed form (Duffie, Pan and Singleton 2000): with
/// `y = e^{-d s}`, `1/(1 - mu_v (B + i w rho_J)) = (1 - g y)/(P + Q y)`, which
/// integrates over `s` to `t/P + L/(d P) + g L/(d Q)`, `L = ln((P + Q e^{-dt})/(P + Q))`.
fn svcj_jump_exponent(p: &SvcjParams, w: Complex64, t: f64) -> Complex64 {
    let i = Complex64::new(0.0, 1.0);
    let one = Complex64::new(1.0, 0.0);
    let iw = i * w;
    let sv2 = p.sigma_v * p.sigma_v;
    let b = p.kappa - p.rho * p.sigma_v * iw;
    let d = (b * b + sv2 * (iw + w * w)).sqrt();
    let g = (b - d) / (b + d);
    let beta = (b - d) / sv2;
    let k = p.mu_v * iw * p.rho_j;
    let big_p = one - k - p.mu_v * beta;
    let big_q = p.mu_v * beta - g * (one - k);
    // Difference of principal logs: P + Q y stays off the negative axis on the path.
    let l = (big_p + big_q * (-d * t).exp()).ln() - (big_p + big_q).ln();
    let c = (iw * p.mu_s - 0.5 * p.sigma_s * p.sigma_s * w * w).exp();
    let integral = t / big_p + l / (d * big_p) + g * l / (d * big_q);
    p.lambda * (c * integral - t - iw * p.mbar() * t)
}

#[test]
fn svcj_cf_matches_closed_form_jump_transform() {
    let mut strong = lewis_heston();
    strong.params.lambda = 1.5;
    strong.params.mu_v = 0.1;
    strong.params.rho_j = -0.5;
    strong.params.mu_s = -0.05;
    strong.params.sigma_s = 0.1;
    for m in [dps_svcj(), strong] {
        let mut heston = m.clone();
        heston.params.lambda = 0.0;
        for &t in &[1.0 / 252.0, 0.1, 1.0, 4.0] {
            for &u in &[0.0, 0.3, 1.0, 4.0, 15.0, 40.0] {
                for &im in &[0.0, -0.5] {
                    if u == 0.0 && im == 0.0 {
                        continue; // the closed form is 0/0 there
                    }
                    let w = Complex64::new(u, im);
                    let got = log_return_cf(&m, w, t) / log_return_cf(&heston, w, t);
                    let want = svcj_jump_exponent(&m.params, w, t).exp();
                    let tol = 1e-11 * want.norm().max(1e-3);
                    assert!((got - want).norm() < tol, "t={t} w={w}: {got} vs {want}");
                }
            }
        }
    }
}

#[test]
fn svcj_time_quadrature_converges_to_closed_form() {
    let mut strong = with_events(lewis_heston());
    strong.params.lambda = 1.5;
    strong.params.mu_v = 0.1;
    strong.params.rho_j = -0.5;
    strong.params.mu_s = -0.05;
    strong.params.sigma_s = 0.1;
    let closed = LewisSettings::default();
    let q64 = LewisSettings {
        jump: JumpTransform::Quadrature(64),
        ..closed
    };
    let q128 = LewisSettings {
        jump: JumpTransform::Quadrature(128),
        ..closed
    };
    let (mut doubling, mut vs_closed) = (0.0_f64, 0.0_f64);
    for m in [with_events(dps_svcj()), strong] {
        for &t in &[3.0 / 252.0, 0.1, 1.0, 5.0] {
            for &k in &[70.0, 95.0, 100.0, 103.0, 130.0] {
                let a = european_price_with(&m, Put, k, t, &q64);
                let b = european_price_with(&m, Put, k, t, &q128);
                let c = european_price_with(&m, Put, k, t, &closed);
                doubling = doubling.max((a - b).abs());
                vs_closed = vs_closed.max((b - c).abs());
                assert_close(format!("64 vs 128 nodes t={t} K={k}"), a, b, 0.0, 1e-10);
                assert_close(
                    format!("closed form vs 128 nodes t={t} K={k}"),
                    c,
                    b,
                    0.0,
                    1e-10,
                );
            }
        }
    }
    eprintln!("SVCJ jump integral: 64 vs 128 nodes {doubling:.2e}, closed vs 128 {vs_closed:.2e}");
}

#[test]
fn implied_vol_round_trips() {
    let df = 0.98;
    let fwd = 100.0;
    for &t in &[1.0 / (252.0 * 24.0), 1.0 / 252.0, 0.1, 1.0, 10.0] {
        for &vol in &[0.03, 0.2, 0.8, 3.0] {
            let sd = vol * f64::sqrt(t);
            for &z in &[-8.0, -5.0, -2.0, -0.5, 0.0, 0.3, 1.0, 3.0, 6.0, 9.0] {
                let strike = fwd * f64::exp(z * sd);
                for kind in [Call, Put] {
                    let price = black76_price(kind, fwd, strike, t, df, vol);
                    let what = format!("{kind:?} t={t} vol={vol} z={z}");
                    let intrinsic = match kind {
                        Call => df * (fwd - strike).max(0.0),
                        Put => df * (strike - fwd).max(0.0),
                    };
                    let scale = df * (fwd * strike).sqrt();
                    if price - intrinsic <= 1e-14 * scale {
                        continue; // no time value left in double precision
                    }
                    let iv = implied_vol_black76(kind, fwd, strike, t, df, price)
                        .unwrap_or_else(|| panic!("{what}: no implied vol for {price}"));
                    let back = black76_price(kind, fwd, strike, t, df, iv);
                    assert_close(
                        &what,
                        back,
                        price,
                        0.0,
                        1e-12 * scale + 4.0 * f64::EPSILON * price,
                    );
                    if price - intrinsic > 1e-6 * scale {
                        assert_close(&what, iv, vol, 0.0, 1e-7 * vol);
                    }
                }
            }
        }
    }
    // Black-Scholes wrapper with rates and dividends.
    let (s, r, q) = (4500.0, 0.045, 0.013);
    for &t in &[2.0 / 252.0, 0.5] {
        for &k in &[3000.0, 4300.0, 4500.0, 4700.0, 6000.0] {
            for kind in [Call, Put] {
                let price = bs_price(kind, s, k, t, r, q, 0.22);
                let iv = implied_vol_bs(kind, s, k, t, r, q, price).expect("implied vol");
                assert_close(
                    "bs round trip",
                    bs_price(kind, s, k, t, r, q, iv),
                    price,
                    0.0,
                    1e-9,
                );
                let intrinsic = match kind {
                    Call => (s * (-q * t).exp() - k * (-r * t).exp()).max(0.0),
                    Put => (k * (-r * t).exp() - s * (-q * t).exp()).max(0.0),
                };
                if price - intrinsic > 1e-3 {
                    assert_close(format!("bs {kind:?} t={t} K={k}"), iv, 0.22, 0.0, 1e-8);
                }
            }
        }
    }
}

#[test]
fn implied_vol_rejects_prices_outside_bounds() {
    let (f, k, t, df) = (100.0, 90.0, 0.5, 0.99);
    let intrinsic = df * 10.0;
    assert_eq!(
        implied_vol_black76(Call, f, k, t, df, intrinsic - 1e-6),
        None
    );
    assert_eq!(implied_vol_black76(Call, f, k, t, df, df * f), None);
    assert_eq!(implied_vol_black76(Call, f, k, t, df, df * f + 1.0), None);
    assert_eq!(implied_vol_black76(Put, f, k, t, df, -0.1), None);
    assert_eq!(implied_vol_black76(Put, f, k, t, df, df * k), None);
    assert_eq!(implied_vol_black76(Put, f, k, t, df, f64::NAN), None);
    assert_eq!(implied_vol_black76(Put, f, k, 0.0, df, 1.0), None);
    assert_eq!(implied_vol_black76(Put, f, -5.0, t, df, 1.0), None);
    assert_eq!(implied_vol_black76(Call, f, k, t, df, intrinsic), Some(0.0));
    assert_eq!(
        implied_vol_bs(Call, 100.0, 120.0, 1.0, 0.02, 0.0, 100.0),
        None
    );
    // Inside the bounds, however close to the top, there is an answer.
    let near_top = implied_vol_black76(Call, f, k, t, df, df * f * (1.0 - 1e-9));
    assert!(near_top.is_some_and(|v| v > 3.0), "{near_top:?}");
}

#[test]
fn norm_cdf_matches_high_precision_values() {
    // Phi(x) to 20 digits (mpmath.ncdf at 30 digits).
    let table = [
        (-37.5, 4.6053530095819548438e-308),
        (-20.0, 2.7536241186062336951e-89),
        (-10.0, 7.619853024160526066e-24),
        (-5.0, 2.8665157187919391167e-7),
        (-3.0, 0.0013498980316300945267),
        (-1.5, 0.066807201268858066004),
        (-1.0, 0.15865525393145705141),
        (-0.5, 0.30853753872598689636),
        (-0.001, 0.49960105778608893741),
        (0.25, 0.59870632568292372424),
        (1.0, 0.84134474606854294859),
        (1.7, 0.95543453724145695634),
        (2.5, 0.99379033467422386483),
        (4.0, 0.99996832875816688008),
        (8.3, 0.99999999999999994794),
    ];
    for (x, want) in table {
        let got = norm_cdf(x);
        assert_close(format!("Phi({x}) absolute"), got, want, 0.0, 1e-15);
        if x < 0.0 && want > 1e-300 {
            assert_close(format!("Phi({x}) relative"), got / want, 1.0, 0.0, 1e-13);
        }
    }
}

#[test]
fn degenerate_inputs_give_intrinsic_values() {
    let m = with_events(dps_svcj());
    assert_eq!(european_price(&m, Call, 90.0, 0.0), 10.0);
    assert_eq!(european_price(&m, Put, 90.0, -1.0), 0.0);
    assert_eq!(european_price(&m, Put, 110.0, 0.0), 10.0);
    let t = 0.5;
    assert_eq!(european_price(&m, Put, 0.0, t), 0.0);
    assert_close(
        "K=0 call",
        european_price(&m, Call, 0.0, t),
        m.spot * (-m.q * t).exp(),
        0.0,
        1e-12,
    );
}
