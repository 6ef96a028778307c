use num_complex::Complex64;

use super::transform::VarianceTransform;
use super::*;
use crate::model::analytic::quadrature::{gauss_legendre, gauss_legendre_integral};
use crate::model::{EventParams, Measure, SvcjParams};

/// The Duffie-Pan-Singleton (2000) SVCJ set of the `dps2000` preset, under Q
/// (spot 5000 as the built-in default; the mean relative price jump is -10%).
fn dps() -> MarketModel {
    let (sigma_s, mu_v, rho_j) = (0.0001, 0.05, -0.38);
    MarketModel {
        spot: 5000.0,
        r: 0.0319,
        q: 0.0,
        v0: 0.007569,
        mu: 0.0319,
        params: SvcjParams {
            kappa: 3.46,
            theta: 0.008,
            sigma_v: 0.14,
            rho: -0.82,
            lambda: 0.47,
            mu_s: (0.9f64 * (1.0 - rho_j * mu_v)).ln() - sigma_s * sigma_s / 2.0,
            sigma_s,
            mu_v,
            rho_j,
        },
        events: Vec::new(),
        measure: Measure::Q,
    }
}

#[test]
fn coefficients_tend_to_a_equal_one_as_kappa_vanishes() {
    let mut p = dps().params;
    p.kappa = 1e-12;
    let k = VixCoefficients::new(&p);
    assert!((k.a - 1.0).abs() < 1e-12, "a = {}", k.a);
    // b -> lambda mu_v tau / 2 + jump term as kappa -> 0
    let jump = 2.0 * p.lambda * (p.mbar() - p.mu_s - p.rho_j * p.mu_v);
    let want = p.lambda * p.mu_v * VIX_WINDOW_YEARS / 2.0 + jump;
    assert!((k.b - want).abs() < 1e-12, "b = {} vs {want}", k.b);
    // the series branch (kappa tau < 1e-4) agrees with the direct formula
    p.kappa = 0.99e-4 / VIX_WINDOW_YEARS;
    let series = VixCoefficients::new(&p);
    let a = -(-p.kappa * VIX_WINDOW_YEARS).exp_m1() / (p.kappa * VIX_WINDOW_YEARS);
    let direct = p.theta_star() * (1.0 - a) + jump;
    assert!(
        (series.b - direct).abs() < 1e-12,
        "{} vs {direct}",
        series.b
    );
}

#[test]
fn event_window_holds_the_next_twenty_trading_days() {
    let mut m = dps();
    m.events = vec![EventParams {
        first_day: 20,
        every_days: 0,
        jump_sd: 0.01,
        var_bump: 0.0,
    }];
    let tau = VIX_WINDOW_YEARS;
    // from day 0 the window is days 1..=20; from day 1 it is 2..=21
    assert!((event_term(&m, 0.0) - 1e-4 / tau).abs() < 1e-15);
    assert!((event_term(&m, 19.0 / 252.0) - 1e-4 / tau).abs() < 1e-15);
    assert_eq!(event_term(&m, 20.0 / 252.0), 0.0);
    m.events[0].first_day = 21;
    assert_eq!(event_term(&m, 0.0), 0.0);
    assert!(event_term(&m, 1.0 / 252.0) > 0.0);
}

#[test]
fn variance_bump_term_is_the_integral_of_its_expected_decay() {
    let mut m = dps();
    m.events = vec![EventParams {
        first_day: 5,
        every_days: 0,
        jump_sd: 0.0,
        var_bump: 0.02,
    }];
    let tau = VIX_WINDOW_YEARS;
    let u = 5.0 / 252.0;
    let kappa = m.params.kappa;
    let rule = gauss_legendre(64);
    let integral: f64 =
        gauss_legendre_integral(rule, u, tau, |s| 0.02 * (-kappa * (s - u)).exp()) / tau;
    assert!((event_term(&m, 0.0) - integral).abs() < 1e-14);
}

#[test]
fn transform_mean_matches_the_derivative_at_zero() {
    let m = dps();
    for tau in [1.0 / 252.0, 0.25, 2.0] {
        let mut tr = VarianceTransform::new(m.params, tau);
        tr.bumps.push((0.5 * tau, 0.01));
        let h = 1e-6;
        let d = -(tr.log_laplace_real(0.02, h) - tr.log_laplace_real(0.02, -h)) / (2.0 * h);
        assert!((d - tr.mean(0.02)).abs() < 1e-8, "{d} vs {}", tr.mean(0.02));
    }
}

#[test]
fn jump_part_closed_form_matches_quadrature_over_time() {
    // lambda int_0^T (1/(1 - mu_v B(s, u)) - 1) du by 128-point Gauss-Legendre.
    let m = dps();
    let p = m.params;
    for (s, tau) in [
        (Complex64::new(10.0, 0.0), 0.5),
        (Complex64::new(0.0, -200.0), 0.1),
        (Complex64::new(3.0, 50.0), 1.5),
    ] {
        let tr = VarianceTransform::new(p, tau);
        let mut no_jump = tr.clone();
        no_jump.params.lambda = 0.0;
        let closed = tr.log_laplace(0.01, s) - no_jump.log_laplace(0.01, s);
        let b = |u: f64| {
            let c = p.sigma_v * p.sigma_v * (1.0 - (-p.kappa * u).exp()) / (2.0 * p.kappa);
            -s * (-p.kappa * u).exp() / (1.0 + s * c)
        };
        let quad: Complex64 = gauss_legendre_integral(gauss_legendre(128), 0.0, tau, |u| {
            1.0 / (1.0 - p.mu_v * b(u)) - 1.0
        }) * p.lambda;
        assert!((closed - quad).norm() < 1e-12, "s={s}: {closed} vs {quad}");
    }
}

#[test]
fn future_at_zero_tenor_is_the_index() {
    let m = dps();
    for v in [0.0, 0.01, 0.2] {
        let spot = vix_index(&m, v, 0);
        let f = vix_future_at(&m, v, 0.0, 0.0);
        assert!((f - spot).abs() < 1e-8 * spot, "{f} vs {spot}");
    }
}

/// The fast sine sums of the COS grid (`super::sine`) against the direct sums
/// the grid was first computed by, both against a compensated sum of the same
/// terms, on the coefficient series of laws with many terms (a short tenor
/// from a low variance, where the build uses the most terms) and few: the
/// fast sums are at least as close to the reference.
#[test]
fn fast_sine_sums_are_as_accurate_as_the_direct_sums() {
    let m = dps();
    for &(v0, tau, n) in &[
        (1e-4, 1.0 / 252.0, 8192usize),
        (0.04, 0.25, 700),
        (0.2, 0.6, 513),
    ] {
        let tr = VarianceTransform::new(m.params, tau);
        let range = tr.upper_quantile_bound(v0, 1e-12).unwrap();
        let coeffs: Vec<f64> = (1..n)
            .map(|j| {
                let u = j as f64 * std::f64::consts::PI / range;
                2.0 / (j as f64 * std::f64::consts::PI) * tr.cf(v0, u).re
            })
            .collect();
        let used = 2 * n;
        let fast = super::sine::sine_sums(&coeffs, used);
        let period = 4 * n;
        let table: Vec<f64> = (0..period)
            .map(|k| (std::f64::consts::PI * k as f64 / (2 * n) as f64).sin())
            .collect();
        let (mut err_fast, mut err_direct) = (0.0f64, 0.0f64);
        for (i, &f) in fast.iter().enumerate() {
            // the direct sum (the old grid) and a Neumaier-compensated one
            let (mut direct, mut sum, mut comp) = (0.0, 0.0f64, 0.0);
            for (j, &w) in coeffs.iter().enumerate() {
                let t = w * table[((j + 1) * i) % period];
                direct += t;
                let s = sum + t;
                comp += if sum.abs() >= t.abs() {
                    (sum - s) + t
                } else {
                    (t - s) + sum
                };
                sum = s;
            }
            let reference = sum + comp;
            err_fast = err_fast.max((f - reference).abs());
            err_direct = err_direct.max((direct - reference).abs());
        }
        eprintln!("v0 {v0} tau {tau} n {n}: fast {err_fast:.2e}, direct {err_direct:.2e}");
        assert!(
            err_fast <= err_direct.max(1e-15),
            "v0 {v0} tau {tau} n {n}: fast sums off by {err_fast:e}, direct by {err_direct:e}"
        );
    }
}

/// The real-arithmetic transform of the futures integrand agrees with the
/// complex one on the positive axis, with and without variance bumps.
#[test]
fn real_laplace_transform_matches_the_complex_one() {
    let m = dps();
    for &tau in &[0.0, 1.0 / 252.0, 0.1, 0.6, 3.0] {
        let mut tr = VarianceTransform::new(m.params, tau);
        for bumps in [vec![], vec![(0.5 * tau, 0.01)]] {
            tr.bumps = bumps;
            let k = tr.constants();
            for &s in &[0.0, 1e-12, 1e-6, 0.3, 7.0, 1e3, 1e7, 1e12] {
                for &v0 in &[0.0, 0.004, 0.3] {
                    let complex = tr.log_laplace(v0, Complex64::new(s, 0.0)).re;
                    let real = tr.log_laplace_real_with(&k, v0, s);
                    assert!(
                        (real - complex).abs() <= 1e-14 * complex.abs().max(1e-300),
                        "tau {tau} s {s} v0 {v0}: {real} vs {complex}"
                    );
                }
            }
        }
    }
}
