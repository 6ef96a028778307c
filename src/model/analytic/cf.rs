//! The risk-neutral characteristic function of the log return under SVCJ with
//! scheduled events.
//!
//! `ln phi(w) = i w (r - q) t + A(w, t) + B(w, t) v0 + J(w, t) + E(w, t)` for complex
//! `w` in the strip where it exists (`-1 <= Im w <= 0` always suffices):
//!
//! - `A`, `B`: the Heston coefficients in the "little Heston trap" form of
//!   Albrecher, Mayer, Schoutens and Tistaert (2007), with `b = kappa - rho sigma_v i w`,
//!   `d = sqrt(b^2 + sigma_v^2 (i w + w^2))` (principal root) and
//!   `g = (b - d)/(b + d)`. The ratio `(b - d)/sigma_v^2` is evaluated as
//!   `-(i w + w^2)/(b + d)` and the logarithm with a `log1p`, so the formulas stay
//!   exact as `sigma_v -> 0` (deterministic variance).
//! - `J`: the jumps, `lambda int_0^t (theta_J(w, B(w, s)) - 1) ds - i w lambda mbar t`
//!   with `theta_J = exp(i w mu_s - w^2 sigma_s^2/2) / (1 - mu_v (B + i w rho_J))`
//!   (Duffie, Pan and Singleton 2000, the SVCJ jump transform), `s` the time to
//!   go after the jump. Trivial when `mu_v = 0` (Bates); otherwise the integral
//!   over `s` has an exact antiderivative (see [`JumpTransform`]), with composite
//!   Gauss-Legendre in `s` as fallback and cross-check, on panels that start at
//!   `8/|d|` and double, because `B(w, s)` moves on the time scale `1/|d|` near
//!   `s = 0` and is flat after.
//! - `E`: each scheduled event occurring on trading day `d` with `0 < d/252 <= t`
//!   adds `-(i w + w^2) s^2/2` (a compensated Normal(0, s^2) log-price jump) and
//!   `B(w, t - d/252) var_bump` (a deterministic variance jump at the event).

use num_complex::Complex64;

use super::quadrature::{gauss_legendre, gauss_legendre_integral};
use crate::model::{MarketModel, SvcjParams, TRADING_DAYS_PER_YEAR};

/// How the SVCJ jump integral over time (`mu_v > 0`) is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JumpTransform {
    /// The exact antiderivative (Duffie, Pan and Singleton 2000), falling back to
    /// 64-node quadrature in the degenerate cases `|g| >= 1` or `d = 0`.
    #[default]
    ClosedForm,
    /// Composite Gauss-Legendre over the time to go, with this many nodes
    /// (1 to 128) per panel. The integrand has a pole `1 - mu_v (B + i w rho_J) = 0`
    /// off the real axis that can sit close to it: 16 nodes can be wrong by 1e-6
    /// in the exponent, 64 are good to about 1e-14 on the test sets.
    Quadrature(usize),
}

/// Nodes per panel of the quadrature fallback of [`JumpTransform::ClosedForm`].
const FALLBACK_NODES: usize = 64;

/// First panel of the jump integral covers `|d| s <= PANEL_SCALE`.
const PANEL_SCALE: f64 = 8.0;

const I: Complex64 = Complex64::new(0.0, 1.0);
const ONE: Complex64 = Complex64::new(1.0, 0.0);

/// `exp(z) - 1` without cancellation for small `|z|`.
pub(crate) fn expm1(z: Complex64) -> Complex64 {
    let (sin, cos) = z.im.sin_cos();
    let half_sin = (0.5 * z.im).sin();
    // e^x cos y - 1 = expm1(x) cos y - 2 sin^2(y/2)
    Complex64::new(
        z.re.exp_m1() * cos - 2.0 * half_sin * half_sin,
        z.re.exp() * sin,
    )
}

/// Principal `ln(1 + z)`, accurate for small `|z|`.
pub(crate) fn log1p(z: Complex64) -> Complex64 {
    Complex64::new(
        0.5 * (2.0 * z.re + z.norm_sqr()).ln_1p(),
        z.im.atan2(1.0 + z.re),
    )
}

/// `ln(1 + z) / z`, with the series near 0 and an accurate real part elsewhere.
pub(crate) fn log1p_over(z: Complex64) -> Complex64 {
    if z.norm_sqr() < 1e-10 {
        // 1 - z/2 + z^2/3 - z^3/4: the next term is below 1e-20.
        return ONE - z * (0.5 - z * (1.0 / 3.0 - 0.25 * z));
    }
    log1p(z) / z
}

/// Heston coefficients at one argument `w`, for any time to go.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HestonCoeffs {
    kappa_theta: f64,
    /// `(b - d) / sigma_v^2 = -(i w + w^2) / (b + d)`.
    beta: Complex64,
    b_plus_d: Complex64,
    d: Complex64,
    g: Complex64,
}

impl HestonCoeffs {
    pub(crate) fn new(p: &SvcjParams, w: Complex64) -> Self {
        let iw = I * w;
        let iw_w2 = iw + w * w;
        let b = Complex64::new(p.kappa, 0.0) - iw * (p.rho * p.sigma_v);
        let d = (b * b + iw_w2 * (p.sigma_v * p.sigma_v)).sqrt();
        let b_plus_d = b + d;
        let beta = -iw_w2 / b_plus_d;
        let g = beta * (p.sigma_v * p.sigma_v) / b_plus_d;
        Self {
            kappa_theta: p.kappa * p.theta,
            beta,
            b_plus_d,
            d,
            g,
        }
    }

    /// `(e^{-d s}, 1 - e^{-d s})`.
    fn decay(&self, s: f64) -> (Complex64, Complex64) {
        let one_minus = -expm1(-self.d * s);
        (ONE - one_minus, one_minus)
    }

    /// Variance coefficient `B(w, s)` at time to go `s` (years).
    pub(crate) fn b(&self, s: f64) -> Complex64 {
        let (e, one_minus) = self.decay(s);
        self.beta * one_minus / (ONE - self.g * e)
    }

    /// `(A(w, s), B(w, s))` at time to go `s` (years).
    pub(crate) fn a_b(&self, s: f64) -> (Complex64, Complex64) {
        let (e, one_minus) = self.decay(s);
        let b = self.beta * one_minus / (ONE - self.g * e);
        // ln((1 - g e)/(1 - g)) / sigma_v^2 = log1p(z)/z * z / sigma_v^2 with
        // z = g (1 - e)/(1 - g) and g / sigma_v^2 = beta / (b + d).
        let one_minus_g = ONE - self.g;
        let z = self.g * one_minus / one_minus_g;
        let z_over_sv2 = self.beta * one_minus / (self.b_plus_d * one_minus_g);
        let a = self.kappa_theta * (self.beta * s - 2.0 * log1p_over(z) * z_over_sv2);
        (a, b)
    }
}

/// Scheduled events that fall in `(0, t]`, reduced to what the CF needs.
#[derive(Debug, Clone, Default)]
struct EventSchedule {
    /// Sum of the event log-price variances `s^2`.
    jump_var: f64,
    /// `(time to go after the event in years, variance bump)` per bump.
    bumps: Vec<(f64, f64)>,
}

impl EventSchedule {
    fn new(model: &MarketModel, t: f64) -> Self {
        let mut out = Self::default();
        if t.is_nan() || t <= 0.0 || model.events.is_empty() {
            return out;
        }
        let last = ((t + 1e-12) * TRADING_DAYS_PER_YEAR)
            .floor()
            .min(f64::from(u32::MAX - 1));
        // Exact: `last` is a non-negative whole number below u32::MAX.
        let last_day = last as u32;
        for ev in &model.events {
            for day in ev.days_in(0, last_day) {
                out.jump_var += ev.jump_sd * ev.jump_sd;
                if ev.var_bump != 0.0 {
                    let to_go = (t - f64::from(day) / TRADING_DAYS_PER_YEAR).max(0.0);
                    out.bumps.push((to_go, ev.var_bump));
                }
            }
        }
        out
    }
}

/// The characteristic function of `ln(S_t/S_0)` for one model and horizon, with
/// the event calendar resolved once.
#[derive(Debug, Clone)]
pub(crate) struct LogReturnCf<'a> {
    model: &'a MarketModel,
    t: f64,
    events: EventSchedule,
    jump: JumpTransform,
}

impl<'a> LogReturnCf<'a> {
    /// `t` in years; `jump` chooses how the SVCJ jump integral is evaluated.
    pub(crate) fn new(model: &'a MarketModel, t: f64, jump: JumpTransform) -> Self {
        Self {
            model,
            t,
            events: EventSchedule::new(model, t),
            jump,
        }
    }

    /// `ln E^Q[exp(i w ln(S_t/S_0))]` without the drift term `i w (r - q) t`.
    pub(crate) fn log_cf_driftless(&self, w: Complex64) -> Complex64 {
        let p = &self.model.params;
        let t = self.t;
        let hc = HestonCoeffs::new(p, w);
        let (a, b) = hc.a_b(t);
        let mut out = a + b * self.model.v0;
        if p.lambda != 0.0 {
            out += p.lambda * self.jump_integral(&hc, w);
        }
        let iw_w2 = I * w + w * w;
        out -= 0.5 * self.events.jump_var * iw_w2;
        for &(to_go, bump) in &self.events.bumps {
            out += hc.b(to_go) * bump;
        }
        out
    }

    /// `ln E^Q[exp(i w ln(S_t/S_0))]`.
    pub(crate) fn log_cf(&self, w: Complex64) -> Complex64 {
        let m = self.model;
        I * w * ((m.r - m.q) * self.t) + self.log_cf_driftless(w)
    }

    /// `int_0^t (theta_J(w, B(w, s)) - 1) ds - i w mbar t` (per unit intensity).
    fn jump_integral(&self, hc: &HestonCoeffs, w: Complex64) -> Complex64 {
        let p = &self.model.params;
        let t = self.t;
        let iw = I * w;
        let price_part = (iw * p.mu_s - 0.5 * p.sigma_s * p.sigma_s * w * w).exp();
        let compensator = iw * p.mbar() * t;
        if p.mu_v == 0.0 {
            return (price_part - ONE) * t - compensator;
        }
        let shift = iw * p.rho_j;
        let integral = match self.jump {
            JumpTransform::ClosedForm => self
                .jump_closed_form(hc, price_part, shift)
                .unwrap_or_else(|| self.jump_quadrature(hc, price_part, shift, FALLBACK_NODES)),
            JumpTransform::Quadrature(n) => self.jump_quadrature(hc, price_part, shift, n),
        };
        integral - compensator
    }

    /// `int_0^t (theta_J - 1) ds` exactly. With `y = e^{-d s}`,
    /// `1 / (1 - mu_v (B + i w rho_J)) = (1 - g y) / (P + Q y)`,
    /// `P = 1 - mu_v (beta + i w rho_J)`, `Q = mu_v beta - g (1 - mu_v i w rho_J)`,
    /// whose integral is `t/P + L/(d P) + g L/(d Q)`, `L = ln((P + Q e^{-dt})/(P + Q))`.
    /// `P + Q y = (1 - g y)(1 - mu_v (B + i w rho_J))` is a product of two factors
    /// with positive real part when `|g| < 1`, so it never crosses the negative
    /// real axis and the difference of principal logarithms is the continuous
    /// branch of `L`; `L` itself is evaluated with `log1p` on that branch, exact
    /// also when `|Q/P|` is tiny. `None` (use quadrature) when `|g| >= 1` or `d = 0`.
    fn jump_closed_form(
        &self,
        hc: &HestonCoeffs,
        price_part: Complex64,
        shift: Complex64,
    ) -> Option<Complex64> {
        let (g, d) = (hc.g.norm(), hc.d.norm());
        if g.is_nan() || g >= 1.0 || d.is_nan() || d <= 1e-12 {
            return None;
        }
        let t = self.t;
        let mu_v = self.model.params.mu_v;
        let k = mu_v * shift;
        let big_p = ONE - k - mu_v * hc.beta;
        let big_q = mu_v * hc.beta - hc.g * (ONE - k);
        let (e_t, one_minus_e_t) = hc.decay(t);
        let integral = if big_q == Complex64::new(0.0, 0.0) {
            (t - hc.g * one_minus_e_t / hc.d) / big_p
        } else {
            let ratio = big_q / big_p;
            let accurate = log1p(ratio * e_t) - log1p(ratio);
            let branch = (big_p + big_q * e_t).ln() - (big_p + big_q).ln();
            let turns = ((branch.im - accurate.im) / std::f64::consts::TAU).round();
            let l = accurate + I * (std::f64::consts::TAU * turns);
            t / big_p + l / (hc.d * big_p) + hc.g * l / (hc.d * big_q)
        };
        let out = price_part * integral - t;
        out.is_finite().then_some(out)
    }

    /// `int_0^t (theta_J - 1) ds` by composite Gauss-Legendre with `nodes` per
    /// panel, panels starting at `8/|d|` and doubling.
    fn jump_quadrature(
        &self,
        hc: &HestonCoeffs,
        price_part: Complex64,
        shift: Complex64,
        nodes: usize,
    ) -> Complex64 {
        let t = self.t;
        let mu_v = self.model.params.mu_v;
        let rule = gauss_legendre(nodes);
        let integrand = |s: f64| price_part / (ONE - mu_v * (hc.b(s) + shift)) - ONE;
        let dn = hc.d.norm();
        let mut width = if dn * t > PANEL_SCALE {
            PANEL_SCALE / dn
        } else {
            t
        };
        let mut lo = 0.0;
        let mut sum = Complex64::new(0.0, 0.0);
        while lo < t {
            let hi = if lo + width >= t * (1.0 - 1e-12) {
                t
            } else {
                lo + width
            };
            sum += gauss_legendre_integral(rule, lo, hi, integrand);
            lo = hi;
            width *= 2.0;
        }
        sum
    }
}

/// Risk-neutral characteristic function of the log return,
/// `E^Q[exp(i u ln(S_t/S_0))]`, at complex `u` and horizon `t` (years).
///
/// `model` is read as a risk-neutral model: the drift is `model.r - model.q`
/// (`model.mu` is ignored) and every jump (SVCJ and scheduled events) is
/// compensated, so `phi(-i) = e^{(r-q)t}`. The CF exists at least for
/// `-1 <= Im u <= 0` (`rho_J mu_v < 1` is required for the jumps). See the module
/// documentation for the formulas.
#[must_use]
pub fn log_return_cf(model: &MarketModel, u: Complex64, t: f64) -> Complex64 {
    LogReturnCf::new(model, t, JumpTransform::ClosedForm)
        .log_cf(u)
        .exp()
}
