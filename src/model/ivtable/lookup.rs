//! Reading the surface: implied vols, prices, deltas, strikes by delta, and the
//! exchange strike grid.

use super::super::analytic::quadrature::gauss_legendre;
use super::super::analytic::{black76_delta, black76_price, norm_cdf, norm_pdf, OptionKind};
use super::super::{MarketModel, TRADING_DAYS_PER_YEAR};
use super::{v_coord, EventCoord, SpxVolSurface};

/// Gauss-Legendre nodes of the event mixture in [`SpxVolSurface::price`].
pub const EVENT_NODES: usize = 16;
/// Half-width of the event mixture, standard deviations of the event jump.
pub const EVENT_SPAN: f64 = 6.0;

/// Newton steps of [`SpxVolSurface::strike_for_delta`] (it stops earlier once the
/// log-strike moves by less than 1e-12).
const STRIKE_NEWTON_STEPS: usize = 12;

impl SpxVolSurface {
    /// Table coordinates `[sqrt(v), sqrt(tau), z]` of a query and the scale
    /// `sqrt(vbar)`, `z = k / sqrt(vbar(v, tau))` (see the module documentation);
    /// a negative `v` is read as 0. The kernels compute exactly this before
    /// their lookup.
    #[must_use]
    pub fn coords(&self, v: f64, tau: f64, k: f64) -> ([f32; 3], f64) {
        let v = v.max(0.0);
        let tau = tau.max(0.0);
        let atm_vol = self.atm.at(v, tau).sqrt();
        #[expect(clippy::cast_possible_truncation, reason = "tables are f32 by design")]
        (
            [
                super::v_coord(v) as f32,
                tau.sqrt() as f32,
                (k / atm_vol) as f32,
            ],
            atm_vol,
        )
    }

    /// Implied vol without counting a clamp.
    fn iv_raw(&self, v: f64, tau: f64, k: f64, event_var: f64) -> (f64, bool) {
        let (x, atm_vol) = self.coords(v, tau, k);
        let (iv, clamped) = self.table.lookup(&x);
        let iv = f64::from(iv) * atm_vol;
        if event_var > 0.0 && tau > 0.0 {
            ((iv * iv + event_var / tau).sqrt(), clamped)
        } else {
            (iv, clamped)
        }
    }

    /// Black-76 implied vol (annualised) of an SPX option, and whether the query
    /// was clamped to the table's edge (then counted, see
    /// [`Self::clamped_queries`]).
    ///
    /// `v` the variance state (annualised variance), `tau` the time to expiry in
    /// years, `k = ln(K/F) / sqrt(tau)` the standardised log-moneyness (per
    /// sqrt(year)), `event_var` the summed log-price variance of the scheduled
    /// events in `(t, T]` (see [`event_variance`]); the result satisfies
    /// `sigma^2 tau = sigma_table^2 tau + event_var`.
    #[must_use]
    pub fn implied_vol(&self, v: f64, tau: f64, k: f64, event_var: f64) -> (f64, bool) {
        let out = self.iv_raw(v, tau, k, event_var);
        self.count(out.1);
        out
    }

    /// Price (index points) of an SPX European option: Black-76 on
    /// `F = spot e^{(r-q) tau}` with discount `e^{-r tau}` and the table's implied
    /// vol. `spot`, `strike` in index points, `tau` in years, `v` annualised
    /// variance, `r`, `q` continuously compounded per year, `event_var` as in
    /// [`Self::implied_vol`]. With `tau <= 0` the intrinsic value.
    ///
    /// With `event_var > 0` the price is not Black-76 at the total-variance vol
    /// of [`Self::implied_vol`] (that rule misprices wings by up to tens of
    /// times the accuracy target, see the module documentation) but the exact
    /// mixture over the events' Normal(0, event_var) log-price jump `y`:
    /// `E[Black76(F e^{y - event_var/2}, K, sigma_table(ln(K / F_y)))]`, by
    /// [`EVENT_NODES`]-point Gauss-Legendre quadrature on `y` within
    /// [`EVENT_SPAN`] standard deviations.
    #[expect(
        clippy::too_many_arguments,
        reason = "the kernel's pricing inputs, flat"
    )]
    #[must_use]
    pub fn price(
        &self,
        kind: OptionKind,
        spot: f64,
        strike: f64,
        tau: f64,
        v: f64,
        r: f64,
        q: f64,
        event_var: f64,
    ) -> f64 {
        let tau_pos = tau.max(0.0);
        let forward = spot * ((r - q) * tau_pos).exp();
        let discount = (-r * tau_pos).exp();
        if tau <= 0.0 || strike <= 0.0 {
            return black76_price(kind, forward, strike, 0.0, discount, 0.0);
        }
        let sqrt_tau = tau.sqrt();
        if event_var <= 0.0 {
            let k = (strike / forward).ln() / sqrt_tau;
            let (iv, _) = self.implied_vol(v, tau, k, 0.0);
            return black76_price(kind, forward, strike, tau, discount, iv);
        }
        let sd = event_var.sqrt();
        let (mut sum, mut clamped) = (0.0, false);
        for &(y, w) in gauss_legendre(EVENT_NODES) {
            let y = EVENT_SPAN * y;
            let fwd_y = forward * (sd * y - 0.5 * event_var).exp();
            let (iv, c) = self.iv_raw(v, tau, (strike / fwd_y).ln() / sqrt_tau, 0.0);
            clamped |= c;
            sum += w * norm_pdf(y) * black76_price(kind, fwd_y, strike, tau, discount, iv);
        }
        self.count(clamped);
        sum * EVENT_SPAN
    }

    /// Delta of the module documentation (Black-76 forward delta at the smile
    /// implied vol of `strike`, undiscounted, dimensionless). Arguments as in
    /// [`Self::price`].
    #[expect(
        clippy::too_many_arguments,
        reason = "the kernel's pricing inputs, flat"
    )]
    #[must_use]
    pub fn delta(
        &self,
        kind: OptionKind,
        spot: f64,
        strike: f64,
        tau: f64,
        v: f64,
        r: f64,
        q: f64,
        event_var: f64,
    ) -> f64 {
        let tau_pos = tau.max(0.0);
        let forward = spot * ((r - q) * tau_pos).exp();
        let iv = if tau > 0.0 && strike > 0.0 {
            self.implied_vol(v, tau, (strike / forward).ln() / tau.sqrt(), event_var)
                .0
        } else {
            0.0
        };
        black76_delta(kind, forward, strike, tau, 1.0, iv)
    }

    /// Strike (index points) whose delta (module documentation) equals
    /// `target_delta`, rounded to the nearest multiple of `grid_step` (index
    /// points; SPX lists 5-point strikes; `grid_step <= 0` leaves it unrounded).
    ///
    /// `target_delta` in `(0, 1)` for a call, in `(-1, 0)` for a put; other
    /// arguments as in [`Self::price`]. With `x = ln(K/F)` and
    /// `s(x) = sigma(x) sqrt(tau)` the delta hits the target when
    /// `G(x) = x - s (s/2 - d*) = 0`, `d* = N^{-1}(target)` for a call and
    /// `N^{-1}(1 + target)` for a put. Newton on `G` from the at-the-money vol,
    /// with `s'` by a central difference on the table (`G' = 1 - s' (s - d*)`;
    /// a step with `G' < 0.2`, possible only on an implausibly steep smile,
    /// falls back to the fixed point `x = s (s/2 - d*)`). A query that ends
    /// outside the table is counted as clamped once.
    ///
    /// Returns `NaN` for `tau <= 0` or a target outside those ranges.
    #[expect(
        clippy::too_many_arguments,
        reason = "the kernel's pricing inputs, flat"
    )]
    #[must_use]
    pub fn strike_for_delta(
        &self,
        kind: OptionKind,
        target_delta: f64,
        spot: f64,
        tau: f64,
        v: f64,
        r: f64,
        q: f64,
        event_var: f64,
        grid_step: f64,
    ) -> f64 {
        let p = match kind {
            OptionKind::Call => target_delta,
            OptionKind::Put => 1.0 + target_delta,
        };
        if !(tau > 0.0 && p > 0.0 && p < 1.0 && target_delta != 0.0) {
            return f64::NAN;
        }
        let sqrt_tau = tau.sqrt();
        let s_of = |x: f64| self.iv_raw(v, tau, x / sqrt_tau, event_var).0 * sqrt_tau;
        let x = strike_newton(norm_quantile(p), s_of);
        self.count(self.iv_raw(v, tau, x / sqrt_tau, event_var).1);
        let forward = spot * ((r - q) * tau).exp();
        round_to_grid(forward * x.exp(), grid_step)
    }

    /// Implied vol without counting a clamp, at event coordinate `coord`.
    fn iv_in_raw(&self, v: f64, tau: f64, k: f64, coord: EventCoord) -> (f64, bool) {
        let v = v.max(0.0);
        let tau = tau.max(0.0);
        let vbar = self.atm.at(v, tau);
        #[expect(clippy::cast_possible_truncation, reason = "tables are f32 by design")]
        let (x0, st) = (v_coord(v) as f32, tau.sqrt() as f32);
        let tables = self.tables_in_order();
        let one = |i: usize| {
            let atm_vol = (vbar + self.event_var_of(i) / tau).sqrt();
            #[expect(clippy::cast_possible_truncation, reason = "tables are f32 by design")]
            let (iv, clamped) = tables[i].lookup(&[x0, st, (k / atm_vol) as f32]);
            (f64::from(iv) * atm_vol, clamped)
        };
        let i = coord.index as usize;
        let (lo, c0) = one(i);
        if coord.weight > 0.0 {
            let (hi, c1) = one(i + 1);
            (lo + (hi - lo) * coord.weight, c0 || c1)
        } else {
            (lo, c0)
        }
    }

    /// Black-76 implied vol (annualised) of an SPX option with the scheduled
    /// events at `coord` ([`Self::event_coord`] of their variance) before
    /// expiry, from the event tables; arguments otherwise as in
    /// [`Self::implied_vol`]. Counts a clamped query.
    #[must_use]
    pub fn implied_vol_in(&self, v: f64, tau: f64, k: f64, coord: EventCoord) -> (f64, bool) {
        let out = self.iv_in_raw(v, tau, k, coord);
        self.count(out.1);
        out
    }

    /// Price (index points) of an SPX option with the events at `coord`:
    /// Black-76 at the event table's implied vol (exact prices of the model
    /// with the event jump, interpolated), otherwise as [`Self::price`].
    #[expect(
        clippy::too_many_arguments,
        reason = "the kernel's pricing inputs, flat"
    )]
    #[must_use]
    pub fn price_in(
        &self,
        kind: OptionKind,
        spot: f64,
        strike: f64,
        tau: f64,
        v: f64,
        r: f64,
        q: f64,
        coord: EventCoord,
    ) -> f64 {
        let tau_pos = tau.max(0.0);
        let forward = spot * ((r - q) * tau_pos).exp();
        let discount = (-r * tau_pos).exp();
        if tau <= 0.0 || strike <= 0.0 {
            return black76_price(kind, forward, strike, 0.0, discount, 0.0);
        }
        let k = (strike / forward).ln() / tau.sqrt();
        let (iv, _) = self.implied_vol_in(v, tau, k, coord);
        black76_price(kind, forward, strike, tau, discount, iv)
    }

    /// [`Self::strike_for_delta`] with the events at `coord`: the delta at
    /// the event table's implied vol of the strike.
    #[expect(
        clippy::too_many_arguments,
        reason = "the kernel's pricing inputs, flat"
    )]
    #[must_use]
    pub fn strike_for_delta_in(
        &self,
        kind: OptionKind,
        target_delta: f64,
        spot: f64,
        tau: f64,
        v: f64,
        r: f64,
        q: f64,
        coord: EventCoord,
        grid_step: f64,
    ) -> f64 {
        let p = match kind {
            OptionKind::Call => target_delta,
            OptionKind::Put => 1.0 + target_delta,
        };
        if !(tau > 0.0 && p > 0.0 && p < 1.0 && target_delta != 0.0) {
            return f64::NAN;
        }
        let sqrt_tau = tau.sqrt();
        let s_of = |x: f64| self.iv_in_raw(v, tau, x / sqrt_tau, coord).0 * sqrt_tau;
        let x = strike_newton(norm_quantile(p), s_of);
        self.count(self.iv_in_raw(v, tau, x / sqrt_tau, coord).1);
        let forward = spot * ((r - q) * tau).exp();
        round_to_grid(forward * x.exp(), grid_step)
    }
}

/// The log-strike `x = ln(K/F)` where `G(x) = x - s (s/2 - d*)` vanishes,
/// `s(x)` the smile's total sd: Newton from the at-the-money sd with `s'` by
/// a central difference (a step with `G' < 0.2` falls back to the fixed
/// point), at most [`STRIKE_NEWTON_STEPS`] steps.
fn strike_newton(d_star: f64, s_of: impl Fn(f64) -> f64) -> f64 {
    let mut x = {
        let s = s_of(0.0);
        s * (0.5 * s - d_star)
    };
    for _ in 0..STRIKE_NEWTON_STEPS {
        let s = s_of(x);
        let g = x - s * (0.5 * s - d_star);
        let h = 1e-4 * s.max(1e-6);
        let slope = (s_of(x + h) - s_of(x - h)) / (2.0 * h);
        let dg = 1.0 - slope * (s - d_star);
        let next = if dg >= 0.2 { x - g / dg } else { x - g };
        let done = (next - x).abs() <= 1e-12;
        x = next;
        if done {
            break;
        }
    }
    x
}

/// `x` rounded to the nearest multiple of `step` (halves away from zero): SPX
/// strikes use `step = 5` index points, VIX strikes `0.5` VIX points. With
/// `step <= 0` (or not finite) `x` unchanged.
#[must_use]
pub fn round_to_grid(x: f64, step: f64) -> f64 {
    if step > 0.0 && step.is_finite() {
        (x / step).round() * step
    } else {
        x
    }
}

/// Variance (annualised variance times years, i.e. log-price variance) that
/// the scheduled events of `model` add between the end of trading day
/// `from_day` and the end of trading day `to_day` (1-based; events on days in
/// `(from_day, to_day]`), to be passed as `event_var`.
///
/// Each event adds its jump variance `s^2`; a variance bump `var_bump` at day
/// `d` adds its expected integrated variance up to expiry,
/// `var_bump (1 - e^{-kappa h}) / kappa` with `h = (to_day - d) / 252` years
/// and `kappa` of `model` (use the Q model). The bump is thereby treated as
/// known extra variance at the money; its effect on the smile's shape is not
/// represented (module documentation).
#[must_use]
pub fn event_variance(model: &MarketModel, from_day: u32, to_day: u32) -> f64 {
    let kappa = model.params.kappa;
    let mut total = 0.0;
    for ev in &model.events {
        for day in ev.days_in(from_day, to_day) {
            total += ev.jump_sd * ev.jump_sd;
            if ev.var_bump != 0.0 {
                let h = f64::from(to_day - day) / TRADING_DAYS_PER_YEAR;
                let decay = if kappa * h > 1e-12 {
                    -(-kappa * h).exp_m1() / kappa
                } else {
                    h
                };
                total += ev.var_bump * decay;
            }
        }
    }
    total
}

/// `N^{-1}(p)` for `0 < p < 1`, to about 1e-15: Newton on `ln N(d) - ln p` in
/// the lower half (concave, so the iterates approach the root monotonically
/// from the left after the first step), by symmetry above 1/2.
#[must_use]
pub fn norm_quantile(p: f64) -> f64 {
    if p > 0.5 {
        return -norm_quantile(1.0 - p);
    }
    let target = p.ln();
    let mut d = 0.0;
    for _ in 0..100 {
        let c = norm_cdf(d);
        let step = (c.ln() - target) * c / norm_pdf(d);
        d -= step;
        if step.abs() <= 1e-15 * d.abs().max(1.0) {
            break;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_inverts_the_distribution_function() {
        for p in [1e-10, 0.001, 0.02, 0.16, 0.5, 0.84, 0.98, 0.999_999] {
            let d = norm_quantile(p);
            assert!(
                (norm_cdf(d) - p).abs() <= 1e-14 * p.min(1.0 - p).max(1e-3),
                "{p}"
            );
        }
    }
}
