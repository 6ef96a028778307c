//! VIX options from the distribution of `v_T`, recovered from its
//! characteristic function by the COS method (Fang and Oosterlee 2008), and the
//! lognormal moment match kept only for comparison.
//!
//! With `X = a v_T + c` and `k = K/100`, both option values reduce to the CDF
//! `G` of `v_T`: `E[(k - sqrt X)^+] = int_0^{k^2} P(X < y^2) dy`, i.e.
//! `put = int_0^{x*} G(x) g(x) dx` and `call = int_{x*}^inf (1 - G(x)) g(x) dx`
//! with `g(x) = a / (2 sqrt(a x + c))` and `x* = (k^2 - c)/a`. The CDF's cosine
//! series on `[0, R]` is `G(x) = x/R + sum_{j>=1} (2/(j pi)) Re phi(j pi/R) sin(j pi x/R)`
//! (its coefficients decay one power faster than the density's). `R` bounds the
//! upper tail to `1e-12` by a Chernoff bound; the number of terms `N = 6 R / w`
//! (`w` the diffusive width of the law, so the series resolves its peak), at
//! least 512 and at most [`MAX_TERMS`]. `G` is tabulated on a uniform grid of
//! `2N + 1` points (all at once by a fast sine transform, `super::sine`:
//! `O(N log N)` operations where the sum at each point costs `O(N^2)`) and
//! integrated by Simpson's rule, with the last partial panel up to `x*`
//! evaluated from the series. The puts of many strikes on one law and one `c`
//! ([`VarianceDistribution::put_call_sqrt_many`]) share one running Simpson
//! sum over the grid.

use super::futures::expected_sqrt;
use super::transform::VarianceTransform;
use super::VixCoefficients;
use crate::model::analytic::{black76_price, OptionKind};
use crate::model::MarketModel;

/// Most cosine terms of the CDF series.
pub const MAX_TERMS: usize = 8192;

/// Points evaluated side by side by [`VarianceDistribution::cdf_many`].
const CDF_LANES: usize = 32;

/// Fewest cosine terms.
const MIN_TERMS: usize = 512;

/// Cosine terms per diffusive width `w` of the law over the range: `N = 6 R / w`.
/// Measured against the Laplace route on `default` and `dps2000` (1 to 151
/// days): 3 leaves errors near 1e-4 points in `E[VIX_T]` at long tenors, 6 near 1e-6.
const TERMS_PER_WIDTH: f64 = 6.0;

/// Upper-tail probability left out of the range `[0, R]`.
const TAIL_EPS: f64 = 1e-12;

/// The distribution function of `v_T` from one state, as a cosine series and on
/// a uniform grid.
#[derive(Debug, Clone)]
pub struct VarianceDistribution {
    /// Upper end of the range, annualised variance.
    pub range: f64,
    /// Sine coefficients `(2/(j pi)) Re phi(j pi/R)`, `j = 1..N` (index `j - 1`).
    coeffs: Vec<f64>,
    /// `G` at `x_i = i R / (2N)`, `i = 0..=2N`.
    grid: Vec<f64>,
}

impl VarianceDistribution {
    /// The law of `v_T` under `tr` from `v0`, with the term count chosen as in the
    /// module documentation.
    #[must_use]
    pub fn new(tr: &VarianceTransform, v0: f64) -> Self {
        Self::up_to(tr, v0, f64::INFINITY)
    }

    /// As [`VarianceDistribution::new`], with the grid of `G` only over
    /// `[0, x_max]` (annualised variance): puts with `x* <= x_max` stay exact and
    /// the grid costs `x_max / R` of the full one.
    #[must_use]
    pub fn up_to(tr: &VarianceTransform, v0: f64, x_max: f64) -> Self {
        let mean = tr.mean(v0);
        let sd = tr.diffusion_sd(v0);
        let hi = tr
            .upper_quantile_bound(v0, TAIL_EPS)
            .unwrap_or(2.0 * mean + 1e-6)
            .max(mean + 12.0 * sd)
            .max(1e-6);
        let want = TERMS_PER_WIDTH * hi / sd.max(1e-300);
        let n = if want.is_finite() {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "clamped"
            )]
            {
                (want.ceil().min(MAX_TERMS as f64) as usize).max(MIN_TERMS)
            }
        } else {
            MAX_TERMS
        };
        Self::with_terms(tr, v0, hi, n, x_max)
    }

    /// The law of `v_T` on `[0, range]` with `n` cosine terms, its grid over
    /// `[0, min(x_max, range)]`.
    #[must_use]
    pub fn with_terms(tr: &VarianceTransform, v0: f64, range: f64, n: usize, x_max: f64) -> Self {
        let n = n.max(2);
        let k = tr.constants();
        let coeffs: Vec<f64> = (1..n)
            .map(|j| {
                let u = j as f64 * std::f64::consts::PI / range;
                2.0 / (j as f64 * std::f64::consts::PI) * tr.cf_with(&k, v0, u).re
            })
            .collect();
        let m = 2 * n;
        let used = if x_max >= range {
            m
        } else {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "below m"
            )]
            let k = (x_max.max(0.0) / range * m as f64).ceil() as usize + 2;
            k.min(m)
        };
        // G(x_i) = i / (2N) + sum_j w_j sin(j pi i / (2N)), all i at once.
        let grid = super::sine::sine_sums(&coeffs, used)
            .into_iter()
            .enumerate()
            .map(|(i, s)| i as f64 / m as f64 + s)
            .collect();
        Self {
            range,
            coeffs,
            grid,
        }
    }

    /// Number of cosine terms.
    #[must_use]
    pub fn terms(&self) -> usize {
        self.coeffs.len() + 1
    }

    /// `P(v_T <= x)` from the series (`x` annualised variance).
    #[must_use]
    pub fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        if x >= self.range {
            return 1.0;
        }
        let theta = std::f64::consts::PI * x / self.range;
        let (s1, c1) = theta.sin_cos();
        let (mut s, mut c) = (s1, c1);
        let mut sum = x / self.range;
        for &w in &self.coeffs {
            sum += w * s;
            let next_s = s * c1 + c * s1;
            c = c * c1 - s * s1;
            s = next_s;
        }
        sum
    }

    fn step(&self) -> f64 {
        self.range / (2 * self.terms()) as f64
    }

    /// Upper end of the grid, annualised variance.
    fn grid_end(&self) -> f64 {
        (self.grid.len() - 1) as f64 * self.step()
    }

    /// `int_0^{x_end} h(G(x), x) dx` by Simpson on the grid, the last partial
    /// panel from the series.
    fn integrate<F: Fn(f64, f64) -> f64>(&self, x_end: f64, h: F) -> f64 {
        let x_end = x_end.clamp(0.0, self.range);
        assert!(
            x_end <= self.grid_end() * (1.0 + 1e-12),
            "integral to {x_end} beyond the grid end {}",
            self.grid_end()
        );
        let step = self.step();
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "in range"
        )]
        let mut last = ((x_end / step).floor() as usize).min(self.grid.len() - 1);
        last -= last % 2;
        let x = |i: usize| i as f64 * step;
        let mut sum = 0.0;
        for i in (0..last).step_by(2) {
            sum += h(self.grid[i], x(i))
                + 4.0 * h(self.grid[i + 1], x(i + 1))
                + h(self.grid[i + 2], x(i + 2));
        }
        sum *= step / 3.0;
        let x0 = x(last);
        if x_end > x0 {
            let xm = 0.5 * (x0 + x_end);
            sum += (x_end - x0) / 6.0
                * (h(self.grid[last], x0) + 4.0 * h(self.cdf(xm), xm) + h(self.cdf(x_end), x_end));
        }
        sum
    }

    /// `E[(k - sqrt(a v_T + c))^+]` and `E[(sqrt(a v_T + c) - k)^+]`, undiscounted,
    /// in the units of `sqrt` of an annualised variance (`VIX / 100`): the put
    /// from the distribution, the call by parity from `mean = E[sqrt(a v_T + c)]`
    /// (the Laplace route, `futures::expected_sqrt`). The grid must
    /// reach `min(x*, R)`, `x* = (k^2 - c)/a`.
    #[must_use]
    pub fn put_call_sqrt(&self, a: f64, c: f64, k: f64, mean: f64) -> (f64, f64) {
        let g = |x: f64| a / (2.0 * (a * x + c).sqrt());
        let x_star = (k * k - c) / a;
        if x_star <= 0.0 {
            return (0.0, mean - k);
        }
        // beyond the range G = 1 and g integrates to sqrt(a x + c)
        let inside = x_star.min(self.range);
        let beyond = (a * x_star + c).sqrt() - (a * inside + c).sqrt();
        let put = self.integrate(inside, |cdf, x| cdf * g(x)) + beyond;
        (put, (put + mean - k).max(0.0))
    }

    /// [`VarianceDistribution::put_call_sqrt`] at each strike of `ks`, the
    /// same numbers (the Simpson sum over the grid is the same running sum,
    /// kept at every panel instead of restarted per strike).
    #[must_use]
    pub fn put_call_sqrt_many(&self, a: f64, c: f64, ks: &[f64], mean: f64) -> Vec<(f64, f64)> {
        let g = |x: f64| a / (2.0 * (a * x + c).sqrt());
        let h = |cdf: f64, x: f64| cdf * g(x);
        let step = self.step();
        let x = |i: usize| i as f64 * step;
        // prefix[p]: the Simpson sum of the first p panels, before the step / 3.
        let panels = (self.grid.len() - 1) / 2;
        let mut prefix = Vec::with_capacity(panels + 1);
        let mut sum = 0.0;
        prefix.push(sum);
        for p in 0..panels {
            let i = 2 * p;
            sum += h(self.grid[i], x(i))
                + 4.0 * h(self.grid[i + 1], x(i + 1))
                + h(self.grid[i + 2], x(i + 2));
            prefix.push(sum);
        }
        // First the Simpson body and the partial panel's ends of every
        // strike, then the series at all those ends at once.
        struct Partial {
            body: f64,
            x0: f64,
            x_end: f64,
            last: usize,
        }
        let mut parts = Vec::with_capacity(ks.len());
        let mut at = Vec::with_capacity(2 * ks.len());
        for &k in ks {
            let x_star = (k * k - c) / a;
            if x_star <= 0.0 {
                parts.push(None);
                continue;
            }
            // integrate(min(x*, R), h), from the prefix sums
            let x_end = x_star.min(self.range).clamp(0.0, self.range);
            assert!(
                x_end <= self.grid_end() * (1.0 + 1e-12),
                "integral to {x_end} beyond the grid end {}",
                self.grid_end()
            );
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "in range"
            )]
            let mut last = ((x_end / step).floor() as usize).min(self.grid.len() - 1);
            last -= last % 2;
            let x0 = x(last);
            if x_end > x0 {
                at.push(0.5 * (x0 + x_end));
                at.push(x_end);
            }
            parts.push(Some(Partial {
                body: prefix[last / 2] * (step / 3.0),
                x0,
                x_end,
                last,
            }));
        }
        let cdfs = self.cdf_many(&at);
        let mut next = cdfs.chunks_exact(2);
        ks.iter()
            .zip(parts)
            .map(|(&k, part)| {
                let Some(p) = part else {
                    return (0.0, mean - k);
                };
                let x_star = (k * k - c) / a;
                let inside = x_star.min(self.range);
                let beyond = (a * x_star + c).sqrt() - (a * inside + c).sqrt();
                let mut body = p.body;
                if p.x_end > p.x0 {
                    let pair = next.next().expect("two series values per partial panel");
                    let xm = 0.5 * (p.x0 + p.x_end);
                    body += (p.x_end - p.x0) / 6.0
                        * (h(self.grid[p.last], p.x0) + 4.0 * h(pair[0], xm) + h(pair[1], p.x_end));
                }
                let put = body + beyond;
                (put, (put + mean - k).max(0.0))
            })
            .collect()
    }

    /// [`VarianceDistribution::cdf`] at every point of `xs`, the same numbers:
    /// the same recurrence per point, [`CDF_LANES`] points side by side.
    #[must_use]
    pub fn cdf_many(&self, xs: &[f64]) -> Vec<f64> {
        let mut out = Vec::with_capacity(xs.len());
        for chunk in xs.chunks(CDF_LANES) {
            let mut s = [0.0; CDF_LANES];
            let mut c = [0.0; CDF_LANES];
            let mut s1 = [0.0; CDF_LANES];
            let mut c1 = [0.0; CDF_LANES];
            let mut sum = [0.0; CDF_LANES];
            for (l, &x) in chunk.iter().enumerate() {
                let theta = std::f64::consts::PI * x / self.range;
                (s1[l], c1[l]) = theta.sin_cos();
                (s[l], c[l]) = (s1[l], c1[l]);
                sum[l] = x / self.range;
            }
            for &w in &self.coeffs {
                for l in 0..CDF_LANES {
                    sum[l] += w * s[l];
                    let next_s = s[l] * c1[l] + c[l] * s1[l];
                    c[l] = c[l] * c1[l] - s[l] * s1[l];
                    s[l] = next_s;
                }
            }
            for (l, &x) in chunk.iter().enumerate() {
                out.push(if x <= 0.0 {
                    0.0
                } else if x >= self.range {
                    1.0
                } else {
                    sum[l]
                });
            }
        }
        out
    }

    /// `E[(sqrt(a v_T + c) - k)^+]` from the distribution alone (needs the full
    /// grid): `int_{x*}^R (1 - G(x)) g(x) dx`.
    #[must_use]
    pub fn call_sqrt_density(&self, a: f64, c: f64, k: f64) -> f64 {
        let g = |x: f64| a / (2.0 * (a * x + c).sqrt());
        let x_star = (k * k - c) / a;
        let mean = self.expected_sqrt(a, c);
        if x_star <= 0.0 {
            return mean - k;
        }
        mean - c.sqrt() - self.integrate(x_star, |cdf, x| (1.0 - cdf) * g(x))
    }

    /// `E[sqrt(a v_T + c)]` by the density route:
    /// `sqrt c + int_0^R (1 - G(x)) g(x) dx`.
    #[must_use]
    pub fn expected_sqrt(&self, a: f64, c: f64) -> f64 {
        let g = |x: f64| a / (2.0 * (a * x + c).sqrt());
        c.sqrt() + self.integrate(self.range, |cdf, x| (1.0 - cdf) * g(x))
    }
}

/// Undiscounted option value in index points from a distribution.
fn option_value(
    dist: &VarianceDistribution,
    kind: OptionKind,
    a: f64,
    c: f64,
    strike: f64,
    mean: f64,
) -> f64 {
    let (put, call) = dist.put_call_sqrt(a, c, strike / 100.0, mean);
    100.0
        * match kind {
            OptionKind::Call => call,
            OptionKind::Put => put,
        }
}

/// VIX option price (index points), discounted at `r`: `e^{-r tau} E^Q[(VIX_T - K)^+]`
/// for a call, at variance `v` (annualised variance), expiry in `tau_years`,
/// constant `c` of `VIX_T^2/100^2 = a v_T + c` (annualised variance) and strike
/// `strike` (index points). No variance bumps before expiry (see [`vix_option_at`]).
#[must_use]
pub fn vix_option(
    model: &MarketModel,
    kind: OptionKind,
    v: f64,
    tau_years: f64,
    c: f64,
    strike: f64,
) -> f64 {
    let k = VixCoefficients::new(&model.params);
    let tr = VarianceTransform::new(model.params, tau_years);
    price_on(&tr, model.r, kind, v, k.a, c, strike)
}

/// VIX option price (index points) seen at `t` with variance `v`, expiring at
/// `expiry` (years), strike in index points, on `model`'s event calendar
/// (event variance in the window at expiry, variance bumps before it), discounted at `r`.
#[must_use]
pub fn vix_option_at(
    model: &MarketModel,
    kind: OptionKind,
    v: f64,
    t: f64,
    expiry: f64,
    strike: f64,
) -> f64 {
    let k = VixCoefficients::new(&model.params);
    let tr = VarianceTransform::with_calendar(model, t, expiry);
    let c = k.b + super::event_term(model, expiry);
    price_on(&tr, model.r, kind, v, k.a, c, strike)
}

/// Discounted option price on the law `tr` from `v`.
fn price_on(
    tr: &VarianceTransform,
    r: f64,
    kind: OptionKind,
    v: f64,
    a: f64,
    c: f64,
    strike: f64,
) -> f64 {
    let x_star = ((strike / 100.0).powi(2) - c) / a;
    let dist = VarianceDistribution::up_to(tr, v, x_star);
    let mean = expected_sqrt(tr, v, a, c);
    (-r * tr.tau).exp() * option_value(&dist, kind, a, c, strike, mean)
}

/// The lognormal moment match (for comparison only, it is not accurate with
/// variance jumps): Black-76 on the exact future `F` with the volatility that
/// matches the exact `E[VIX_T^2]`, `sigma^2 tau = ln(E[VIX_T^2] / F^2)`.
/// Arguments and units as in [`vix_option`]; discounted at `r`.
#[must_use]
pub fn vix_option_moment_matched(
    model: &MarketModel,
    kind: OptionKind,
    v: f64,
    tau_years: f64,
    c: f64,
    strike: f64,
) -> f64 {
    let k = VixCoefficients::new(&model.params);
    let tr = VarianceTransform::new(model.params, tau_years);
    let f = 100.0 * expected_sqrt(&tr, v, k.a, c);
    let m2 = 1e4 * (k.a * tr.mean(v) + c);
    let total_var = (m2 / (f * f)).ln().max(0.0);
    let vol = if tau_years > 0.0 {
        (total_var / tau_years).sqrt()
    } else {
        0.0
    };
    black76_price(
        kind,
        f,
        strike,
        tau_years,
        (-model.r * tau_years).exp(),
        vol,
    )
}
