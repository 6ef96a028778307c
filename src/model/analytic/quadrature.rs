//! Gauss-Legendre rules, computed once per node count, and an adaptive
//! Gauss-Legendre integrator for smooth real integrands.

use std::sync::OnceLock;

/// Largest supported Gauss-Legendre node count.
pub(crate) const MAX_NODES: usize = 128;

/// Nodes and weights of the `n`-point Gauss-Legendre rule on `[-1, 1]`, ascending,
/// accurate to a few ulp. `n` is clamped to `1..=MAX_NODES`.
pub(crate) fn gauss_legendre(n: usize) -> &'static [(f64, f64)] {
    static CACHE: [OnceLock<Vec<(f64, f64)>>; MAX_NODES + 1] =
        [const { OnceLock::new() }; MAX_NODES + 1];
    let n = n.clamp(1, MAX_NODES);
    CACHE[n].get_or_init(|| compute_rule(n))
}

/// Legendre polynomial `P_n(x)` and its derivative, by the three-term recurrence.
fn legendre(n: usize, x: f64) -> (f64, f64) {
    let (mut p0, mut p1) = (1.0, x);
    for k in 2..=n {
        let kf = k as f64;
        let p2 = ((2.0 * kf - 1.0) * x * p1 - (kf - 1.0) * p0) / kf;
        p0 = p1;
        p1 = p2;
    }
    // P_n'(x) = n (x P_n - P_{n-1}) / (x^2 - 1); nodes are never at +-1.
    let dp = n as f64 * (x * p1 - p0) / (x * x - 1.0);
    (p1, dp)
}

fn compute_rule(n: usize) -> Vec<(f64, f64)> {
    let mut rule = Vec::with_capacity(n);
    for i in 0..n.div_ceil(2) {
        // Tricomi's initial guess for the i-th largest root, then Newton.
        let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        for _ in 0..100 {
            let (p, dp) = legendre(n, x);
            let dx = p / dp;
            x -= dx;
            if dx.abs() <= 1e-16 {
                break;
            }
        }
        let middle = n % 2 == 1 && i == n / 2;
        if middle {
            x = 0.0; // P_n is odd for odd n
        }
        let (_, dp) = legendre(n, x);
        let w = 2.0 / ((1.0 - x * x) * dp * dp);
        rule.push((x, w));
        if !middle {
            rule.push((-x, w));
        }
    }
    rule.sort_by(|a, b| a.0.total_cmp(&b.0));
    rule
}

/// `n`-point Gauss-Legendre approximation of `int_a^b f`.
pub(crate) fn gauss_legendre_integral<T, F>(rule: &[(f64, f64)], a: f64, b: f64, mut f: F) -> T
where
    T: std::ops::Add<Output = T> + std::ops::Mul<f64, Output = T> + Default,
    F: FnMut(f64) -> T,
{
    let half = 0.5 * (b - a);
    let mid = 0.5 * (a + b);
    let mut sum = T::default();
    for &(x, w) in rule {
        sum = sum + f(mid + half * x) * w;
    }
    sum * half
}

/// Points of the rule used by [`adaptive_integral`].
const ADAPTIVE_NODES: usize = 16;

/// Deepest bisection level of [`adaptive_integral`].
const MAX_DEPTH: u32 = 40;

/// Rounding floor of the local error test, relative to `int |f|` on the interval:
/// asking for less than the rounding of the sums themselves would bisect forever.
const ROUNDING_FLOOR: f64 = 64.0 * f64::EPSILON;

/// Gauss-Legendre approximations of `int_a^b f` and `int_a^b |f|`.
fn rule_sums<F: FnMut(f64) -> f64>(rule: &[(f64, f64)], a: f64, b: f64, f: &mut F) -> (f64, f64) {
    let half = 0.5 * (b - a);
    let mid = 0.5 * (a + b);
    let (mut sum, mut abs_sum) = (0.0, 0.0);
    for &(x, w) in rule {
        let v = f(mid + half * x) * w;
        sum += v;
        abs_sum += v.abs();
    }
    (sum * half, abs_sum * half)
}

/// `int_a^b f` by adaptive bisection with a 16-point Gauss-Legendre rule. An
/// interval is accepted when the sum of its halves differs from the whole by at
/// most `abs_tol * length / (b - a)` (or by the rounding floor of the sums), and
/// the halves' sum, far more accurate than that difference, is kept. Returns the
/// integral and the number of evaluations of `f`.
pub(crate) fn adaptive_integral<F: FnMut(f64) -> f64>(
    a: f64,
    b: f64,
    abs_tol: f64,
    mut f: F,
) -> (f64, usize) {
    let rule = gauss_legendre(ADAPTIVE_NODES);
    let mut evals = rule.len();
    let (whole, _) = rule_sums(rule, a, b, &mut f);
    let mut stack = vec![(a, b, whole, 0_u32)];
    let mut total = 0.0;
    let span = b - a;
    while let Some((lo, hi, whole, depth)) = stack.pop() {
        let mid = 0.5 * (lo + hi);
        let (left, left_abs) = rule_sums(rule, lo, mid, &mut f);
        let (right, right_abs) = rule_sums(rule, mid, hi, &mut f);
        evals += 2 * rule.len();
        let err = (left + right - whole).abs();
        let tol = (abs_tol * (hi - lo) / span).max(ROUNDING_FLOOR * (left_abs + right_abs));
        if err <= tol || depth >= MAX_DEPTH || !err.is_finite() {
            total += left + right;
        } else {
            stack.push((lo, mid, left, depth + 1));
            stack.push((mid, hi, right, depth + 1));
        }
    }
    (total, evals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_integrate_polynomials_exactly() {
        for n in [1, 2, 5, 16, 33, 64, 128] {
            let rule = gauss_legendre(n);
            assert_eq!(rule.len(), n);
            let wsum: f64 = rule.iter().map(|r| r.1).sum();
            assert!((wsum - 2.0).abs() < 1e-14, "n = {n}: {wsum}");
            // x^(2n-2) integrates to 2 / (2n - 1) on [-1, 1].
            let deg = 2 * n as i32 - 2;
            let got: f64 = gauss_legendre_integral(rule, -1.0, 1.0, |x| x.powi(deg));
            let want = 2.0 / f64::from(deg + 1);
            assert!((got - want).abs() < 1e-14, "n = {n}: {got} vs {want}");
        }
    }

    #[test]
    fn adaptive_handles_oscillation_and_peaks() {
        // int_0^50 cos(10 x) e^{-x/5} dx = (1/5 - e^{-10}(cos 500 / 5 - 10 sin 500)) / (1/25 + 100)
        let (got, _) = adaptive_integral(0.0, 50.0, 1e-13, |x| (10.0 * x).cos() * (-x / 5.0).exp());
        let e = (-10.0_f64).exp();
        let want = (0.2 - e * (0.2 * 500.0_f64.cos() - 10.0 * 500.0_f64.sin())) / (0.04 + 100.0);
        assert!((got - want).abs() < 1e-13, "{got} vs {want}");
        // A narrow Lorentzian: int_0^10 1/(1e-4 + (x-3)^2) = 100 (atan(700) + atan(300)).
        let (got, _) =
            adaptive_integral(0.0, 10.0, 1e-12, |x| 1.0 / (1e-4 + (x - 3.0) * (x - 3.0)));
        let want = 100.0 * (700.0_f64.atan() + 300.0_f64.atan());
        assert!((got - want).abs() < 1e-10, "{got} vs {want}");
    }
}
