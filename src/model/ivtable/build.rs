//! Exact SVCJ implied vols for a whole table row from one set of
//! characteristic-function values.
//!
//! Lewis (2001): with `x = ln(K/F)` and `phi~` the characteristic function of
//! `ln(S_T/F)`, the out-of-the-money prices normalised by `D sqrt(F K)` are
//!
//! - call (`x >= 0`): `e^{-x/2} - I(x)/pi`, put (`x < 0`): `e^{x/2} - I(x)/pi`,
//! - `I(x) = int_0^inf Re[e^{-i u x} phi~(u - i/2)] / (u^2 + 1/4) du`.
//!
//! The SVCJ exponent is affine in the variance state (Duffie, Pan and Singleton
//! 2000): `ln phi~(w) = A(w, tau) + B(w, tau) v`, with `A` holding the Heston
//! and jump parts. For each `tau` the builder evaluates `A` and `B` once on a
//! fixed composite Gauss-Legendre grid in `u`; a row `(v, tau)` then needs one
//! complex exponential per node, and every strike of the row is a weighted sum
//! over the same nodes. The strikes of a row are uniform in `x`, so
//! `e^{-i u x_j}` follows from `e^{-i u x_0}` by repeated multiplication with
//! `e^{-i u dx}` (about 1e-14 accumulated rounding over a row).
//!
//! Grid in `u`: panels `[0, 1]`, `[1, 2]`, `[2, 4]`, ... doubling up to
//! [`MAX_PANEL`] wide and constant after, [`PANEL_NODES`] nodes each, up to the
//! first power of two `U` where `|phi~(U - i/2)| / U` falls below
//! [`TAIL_TOL`] at the smallest variance of the table. The width cap keeps the
//! price-jump oscillation `e^{i u mu_S}` resolved when `sigma_S` is tiny (DPS:
//! period about 72 in `u`, undamped by the jump size).

use num_complex::Complex64;

use super::super::analytic::cf::{JumpTransform, LogReturnCf};
use super::super::analytic::quadrature::gauss_legendre;
use super::super::analytic::{implied_vol_black76_near, OptionKind};
use super::super::MarketModel;

/// Gauss-Legendre nodes per panel of the `u` grid.
const PANEL_NODES: usize = 48;
/// Widest panel of the `u` grid.
const MAX_PANEL: f64 = 128.0;
/// Cut-off test on `|phi~(U - i/2)| / U` (dimensionless; the price error is
/// about `sqrt(F K)/pi` times the tail integral, below 1e-5 index points at
/// `F = 5000`).
const TAIL_TOL: f64 = 1e-9;
/// Largest cut-off `U` tried.
const MAX_CUTOFF: f64 = 1.0e6;
/// Nodes whose weighted integrand is below this (relative to the first node's)
/// are dropped from a row; the rest of the row is a prefix of the grid.
const NEGLIGIBLE: f64 = 1e-18;

/// Characteristic-function values of one maturity on the fixed `u` grid.
#[derive(Debug, Clone)]
pub(super) struct TauSlice {
    tau: f64,
    /// Nodes `u_n`.
    u: Vec<f64>,
    /// `w_n / (u_n^2 + 1/4)` (quadrature weight folded with the Lewis kernel).
    weight: Vec<f64>,
    /// `A(u_n - i/2, tau)`.
    a: Vec<Complex64>,
    /// `B(u_n - i/2, tau)`.
    b: Vec<Complex64>,
}

impl TauSlice {
    /// `model` without scheduled events (they are added at lookup); `v_min` the
    /// smallest variance the slice is used for (annualised), which sets the
    /// cut-off; `tau` in years.
    pub(super) fn new(model: &MarketModel, tau: f64, v_min: f64) -> Self {
        let mut m0 = model.clone();
        m0.events.clear();
        m0.v0 = 0.0;
        let mut m1 = m0.clone();
        m1.v0 = 1.0;
        let cf0 = LogReturnCf::new(&m0, tau, JumpTransform::ClosedForm);
        let cf1 = LogReturnCf::new(&m1, tau, JumpTransform::ClosedForm);
        // A and B from two evaluations: the exponent is exactly linear in v0.
        let parts = |u: f64| {
            let w = Complex64::new(u, -0.5);
            let a = cf0.log_cf_driftless(w);
            (a, cf1.log_cf_driftless(w) - a)
        };
        let mut cutoff = 1.0;
        while cutoff < MAX_CUTOFF {
            let (a, b) = parts(cutoff);
            let bound = (a + b * v_min).re.exp() / cutoff;
            if bound < TAIL_TOL || bound.is_nan() {
                break;
            }
            cutoff *= 2.0;
        }
        let rule = gauss_legendre(PANEL_NODES);
        let mut slice = Self {
            tau,
            u: Vec::new(),
            weight: Vec::new(),
            a: Vec::new(),
            b: Vec::new(),
        };
        let (mut lo, mut width) = (0.0, 1.0);
        while lo < cutoff {
            let hi = (lo + width).min(cutoff);
            let (mid, half) = (0.5 * (lo + hi), 0.5 * (hi - lo));
            for &(x, w) in rule {
                let u = mid + half * x;
                let (a, b) = parts(u);
                slice.u.push(u);
                slice.weight.push(w * half / (u * u + 0.25));
                slice.a.push(a);
                slice.b.push(b);
            }
            lo = hi;
            if lo >= width {
                width = (2.0 * width).min(MAX_PANEL);
            }
        }
        slice
    }

    /// Number of `u` nodes.
    pub(super) fn len(&self) -> usize {
        self.u.len()
    }

    /// The row of variance `v` (annualised) and a scheduled-event jump of
    /// log-price variance `event_var` before expiry (0 for none), whose
    /// Black-76 implied vols (annualised) at `x_j = x0 + j dx`, `j < out.len()`,
    /// [`TauSlice::implied_vols_of`] computes. A node whose price has no
    /// implied vol (time value lost to rounding far in a wing) is `NaN`.
    ///
    /// The event is an independent Normal(-e/2, e) log-price jump, so the
    /// characteristic function at `u - i/2` gains the real factor
    /// `exp(-e (u^2 + 1/4) / 2)`: the price with the event is exact, not a
    /// mixture over table prices.
    ///
    /// This is the first half, [`TauSlice::implied_vols_of`] the second: the
    /// weighted characteristic-function values `g_n` of the row, up to its
    /// cut-off, which one row's strikes of every `z` axis share.
    pub(super) fn row_weights(&self, v: f64, event_var: f64) -> Vec<Complex64> {
        let mut g: Vec<Complex64> = Vec::with_capacity(self.len());
        let mut first = 0.0;
        for n in 0..self.len() {
            let u = self.u[n];
            // exp(-0) = 1 exactly: no event, no exponential.
            let event = if event_var == 0.0 {
                1.0
            } else {
                (-0.5 * event_var * (u * u + 0.25)).exp()
            };
            let z = self.weight[n] * event * (self.a[n] + self.b[n] * v).exp();
            // |z|^2 against (NEGLIGIBLE |z_0|)^2: no square root per node.
            let size = z.norm_sqr();
            if n == 0 {
                first = size;
            }
            // Beyond the cut-off of this row the remaining terms are negligible.
            if size <= NEGLIGIBLE * NEGLIGIBLE * first && n > 0 {
                break;
            }
            g.push(z);
        }
        g
    }

    /// The implied vols at `x_j = x0 + j dx`, `j < out.len()`, of the row
    /// whose [`TauSlice::row_weights`] are `g`.
    pub(super) fn implied_vols_of(&self, g: &[Complex64], x0: f64, dx: f64, out: &mut [f64]) {
        let m = g.len();
        // Structure of arrays and LANES partial sums, so the compiler
        // vectorises the m x n_z inner loop (a single running sum is a chain
        // of dependent additions).
        let pad = m.div_ceil(LANES) * LANES;
        let lanes = || vec![[0.0f64; LANES]; pad / LANES];
        let (mut gre, mut gim, mut rre, mut rim, mut cre, mut cim) =
            (lanes(), lanes(), lanes(), lanes(), lanes(), lanes());
        #[expect(
            clippy::needless_range_loop,
            reason = "n indexes the nodes and, through n / LANES, the lanes"
        )]
        for n in 0..m {
            let u = self.u[n];
            let rot = Complex64::from_polar(1.0, -u * dx);
            let cur = Complex64::from_polar(1.0, -u * x0);
            let (c, l) = (n / LANES, n % LANES);
            (gre[c][l], gim[c][l]) = (g[n].re, g[n].im);
            (rre[c][l], rim[c][l]) = (rot.re, rot.im);
            (cre[c][l], cim[c][l]) = (cur.re, cur.im);
        }
        // Node blocks outermost, strikes inside: a block's factors stay in
        // registers across the strikes and only the strikes' partial sums
        // travel. Every partial sum still adds the blocks in node order, so
        // the sums are those of a strike-by-strike loop.
        let mut acc = vec![[0.0f64; LANES]; out.len()];
        let chunks = pad / LANES;
        let mut c = 0;
        while c + BLOCK <= chunks {
            node_block::<BLOCK>(c, &gre, &gim, &rre, &rim, &cre, &cim, &mut acc);
            c += BLOCK;
        }
        while c < chunks {
            node_block::<1>(c, &gre, &gim, &rre, &rim, &cre, &cim, &mut acc);
            c += 1;
        }
        // Each strike's implied vol solved from its neighbour's.
        let mut near = f64::NAN;
        for (j, (slot, acc)) in out.iter_mut().zip(&acc).enumerate() {
            let integral: f64 = acc.iter().sum();
            let x = x0 + dx * j as f64;
            *slot = implied_from_integral(x, integral, self.tau, near).unwrap_or(f64::NAN);
            near = *slot;
        }
    }
}

/// Lane chunks of nodes held in registers together by [`node_block`].
const BLOCK: usize = 4;

/// Adds the nodes of lane chunks `c..c + B` to every strike's partial sums
/// `acc[j]`, strike by strike: `acc[j] += Re[cur g]`, then `cur <- cur rot`.
#[inline(always)]
#[expect(
    clippy::too_many_arguments,
    reason = "the row's arrays, split for the vectoriser"
)]
fn node_block<const B: usize>(
    c: usize,
    gre: &[[f64; LANES]],
    gim: &[[f64; LANES]],
    rre: &[[f64; LANES]],
    rim: &[[f64; LANES]],
    cre: &[[f64; LANES]],
    cim: &[[f64; LANES]],
    acc: &mut [[f64; LANES]],
) {
    let gr: [[f64; LANES]; B] = std::array::from_fn(|b| gre[c + b]);
    let gi: [[f64; LANES]; B] = std::array::from_fn(|b| gim[c + b]);
    let rr: [[f64; LANES]; B] = std::array::from_fn(|b| rre[c + b]);
    let ri: [[f64; LANES]; B] = std::array::from_fn(|b| rim[c + b]);
    let mut cr: [[f64; LANES]; B] = std::array::from_fn(|b| cre[c + b]);
    let mut ci: [[f64; LANES]; B] = std::array::from_fn(|b| cim[c + b]);
    for a in acc.iter_mut() {
        for b in 0..B {
            for l in 0..LANES {
                // Re[c g], then c <- c rot
                a[l] += cr[b][l] * gr[b][l] - ci[b][l] * gi[b][l];
                let re = cr[b][l] * rr[b][l] - ci[b][l] * ri[b][l];
                ci[b][l] = cr[b][l] * ri[b][l] + ci[b][l] * rr[b][l];
                cr[b][l] = re;
            }
        }
    }
}

/// Partial sums of the Lewis integral over the strikes of a row.
const LANES: usize = 8;

/// Implied vol of the out-of-the-money option at `x = ln(K/F)` from the Lewis
/// integral `I(x)`, the solver started at the vol `near` (`NaN`: no start).
fn implied_from_integral(x: f64, integral: f64, tau: f64, near: f64) -> Option<f64> {
    let (kind, norm) = if x >= 0.0 {
        (
            OptionKind::Call,
            (-0.5 * x).exp() - integral / std::f64::consts::PI,
        )
    } else {
        (
            OptionKind::Put,
            (0.5 * x).exp() - integral / std::f64::consts::PI,
        )
    };
    let strike = x.exp();
    // Price on a unit forward with unit discount: sqrt(F K) times the normalised one.
    let price = (0.5 * x).exp() * norm;
    implied_vol_black76_near(kind, 1.0, strike, tau, 1.0, price, near).filter(|s| *s > 0.0)
}
