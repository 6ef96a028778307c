//! SPX implied-vol surface (`docs/pricing.md`): exact SVCJ prices under Q,
//! turned once per run into a table of Black-76 implied vols that both kernels
//! interpolate.
//!
//! # Table
//! A [`Table`] of normalised Black-76 implied vols `sigma / sqrt(vbar)`
//! (dimensionless; not total variance) on three uniform axes, in this order:
//!
//! 1. `ln(v + V_SHIFT)` ([`v_coord`]), `v` the variance state (annualised
//!    variance), from `v = 0` to `v = 1`;
//! 2. `sqrt(tau)`, `tau` the time to expiry in years, 1 to 63 trading days;
//! 3. `z = k / sqrt(vbar)` with `k = ln(K/F) / sqrt(tau)`, `F = S e^{(r-q) tau}`:
//!    log-moneyness in standard deviations.
//!
//! `vbar = vbar(v, tau)` ([`AtmVariance`]) is the model's expected average
//! variance of the log return over the option's life, `a(tau) v + b(tau)`,
//! close to the at-the-money implied variance. Dividing it out, in the
//! moneyness and in the stored value, leaves a smile that changes slowly with
//! `v` and `tau`, so multilinear interpolation meets the accuracy target on a
//! small grid; the log-variance axis resolves low variance, where the jumps
//! dominate and the smile changes fastest (measurements in
//! `results/ivtable-2026-11-25.md`). The `z` range is chosen by the build so
//! that the `|delta| = 0.02` strikes of every `(v, tau)` node are inside.
//! Queries outside the grid are clamped to its edge (flat extrapolation in each
//! coordinate) and counted.
//!
//! The kernels compute `[v_coord(v), sqrt(tau), z]` and `sqrt(vbar)` exactly as
//! [`SpxVolSurface::coords`] does, look the table up, and multiply by
//! `sqrt(vbar)`.
//!
//! The table excludes scheduled events. The implied vols depend on the law of
//! `ln(S_T/F)` only, so one table serves every `r`, `q` and spot.
//!
//! # Events
//! A scheduled event is an independent Normal(0, s^2) log-price jump. The pricing rule
//! (`docs/pricing.md`) adds its variance to the total implied variance, and [`SpxVolSurface::implied_vol`]
//! does so: `sigma^2 tau = sigma_table^2 tau + event_var`, `event_var` the sum
//! of `s^2` over the events in `(t, T]` ([`event_variance`]). That rule is
//! exact only for a flat smile: on the SVCJ skew it misprices wings badly
//! (measured on the `default` preset with one event of `s = 0.008`: the
//! 10-delta call at `v = 0.005`, 5 days, by 0.73 index points, 36 times the
//! accuracy target; the 10-delta 30-day call at `v = 0.02` by 5 times). So
//! [`SpxVolSurface::price`] instead mixes the event-free price over the event
//! jump, which is exact up to quadrature (16 nodes; within 0.35 of the target
//! on the same cases). Deltas and strikes by delta use the total-variance vol
//! as the quoted smile vol.
//!
//! A variance bump (`var_bump`) at an event is not a log-price variance and
//! cannot be represented this way: [`event_variance`] adds its expected
//! contribution to the integrated variance, `var_bump (1 - e^{-kappa (T -
//! t_e)}) / kappa` (right at the money to first order; its effect on the
//! smile's shape is ignored). All built-in presets have `var_bump = 0`.
//!
//! # Deltas
//! "Delta" here is the Black-76 forward delta at the smile implied vol of the
//! strike itself (including event variance), undiscounted: `N(d1)` for a call,
//! `N(d1) - 1` for a put, `d1 = (ln(F/K) + sigma^2 tau / 2) / (sigma sqrt(tau))`.
//! The spot delta is `e^{-q tau}` times it. It is the delta quoted on a
//! sticky-strike smile, not the smile-adjusted sensitivity.

mod build;
mod lookup;

pub use lookup::{event_variance, norm_quantile, round_to_grid, EVENT_NODES, EVENT_SPAN};

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use num_complex::Complex64;
use rayon::prelude::*;
use serde::Serialize;

use super::analytic::norm_cdf;
use super::{MarketModel, TRADING_DAYS_PER_YEAR};
use crate::shared::tables::{Axis, Table};
use build::TauSlice;

/// Shape of the table (the `z` range is found by the build).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridSpec {
    /// Variance axis: smallest and largest variance (annualised variance),
    /// nodes (uniform in [`v_coord`]).
    pub v: (f64, f64, u32),
    /// Time-to-expiry axis, uniform in `sqrt(tau)`: shortest and longest expiry
    /// in trading days, nodes.
    pub tau_days: (f64, f64, u32),
    /// Nodes on the `z` axis.
    pub n_z: u32,
    /// Smallest `|delta|` the `z` range must reach at every `(v, tau)` node.
    pub min_delta: f64,
}

impl Default for GridSpec {
    /// The production grid (1.6 MB): variance 0 to 1 (48 nodes), expiries 1
    /// to 63 trading days (32 nodes), 256 moneyness nodes reaching
    /// `|delta| = 0.02`.
    fn default() -> Self {
        Self {
            v: (0.0, 1.0, 48),
            tau_days: (1.0, 63.0, 32),
            n_z: 256,
            min_delta: 0.02,
        }
    }
}

/// What the build did, for the record.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BuildStats {
    /// Wall-clock build time, seconds.
    pub seconds: f64,
    /// Characteristic-function nodes in `u`, summed over the maturities.
    pub cf_nodes: usize,
    /// Table nodes whose exact price had no implied vol (far wing, time value
    /// lost to rounding) and took their nearest neighbour's in `z`.
    pub filled_nodes: usize,
    /// `(v, tau)` rows whose `|delta| = min_delta` strikes fell outside the
    /// provisional `z` range (then the table does not reach them).
    pub uncovered_rows: usize,
}

/// Provisional `z` range searched for the `min_delta` strikes, and its nodes.
const PROBE_Z: (f64, f64, u32) = (-24.0, 12.0, 145);
/// Fraction of the found `z` range added at each end.
const Z_MARGIN: f64 = 0.05;

/// Most event tables a surface carries besides its event-free table.
pub const MAX_EVENT_TABLES: usize = 15;

/// The surface of one event variance: implied vols of the SVCJ model with an
/// independent Normal(-e/2, e) log-price jump before expiry (module
/// documentation, "Events").
#[derive(Debug, Clone, PartialEq)]
pub struct EventTable {
    /// The event's log-price variance `e`.
    pub event_var: f64,
    /// Normalised implied vols `sigma / sqrt(vbar + e / tau)` on the axes of
    /// the event-free table, the moneyness axis in `k / sqrt(vbar + e / tau)`.
    pub table: Table,
}

/// Where an event variance lies among a surface's event tables: table
/// `index` (0 the event-free one) and the weight of table `index + 1`
/// (0 when the variance is that of a table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventCoord {
    /// Table index, 0 for no event.
    pub index: u32,
    /// Weight in `[0, 1)` of the next table.
    pub weight: f64,
}

impl EventCoord {
    /// No event.
    pub const NONE: Self = Self {
        index: 0,
        weight: 0.0,
    };

    /// The coordinate as one number, `index + weight` (how the kernels read
    /// it from their per-day table).
    #[must_use]
    pub fn value(self) -> f64 {
        f64::from(self.index) + self.weight
    }
}

/// The SPX implied-vol surface: the table plus the transform of a query into
/// its coordinates, and a counter of clamped queries.
#[derive(Debug)]
pub struct SpxVolSurface {
    table: Table,
    events: Vec<EventTable>,
    atm: AtmVariance,
    stats: BuildStats,
    clamped: AtomicU64,
}

impl SpxVolSurface {
    /// Builds the production table ([`GridSpec::default`]) for the risk-neutral
    /// `model` (its parameters, not its `v0`, events, spot, `r` or `q`).
    #[must_use]
    pub fn build(model: &MarketModel) -> Self {
        Self::build_with(model, &GridSpec::default())
    }

    /// Builds the table on `spec`.
    ///
    /// # Panics
    /// On a degenerate `spec` (fewer than two nodes on an axis, empty range).
    #[must_use]
    pub fn build_with(model: &MarketModel, spec: &GridSpec) -> Self {
        Self::build_with_events(model, spec, &[], 0.0)
    }

    /// Builds the table on `spec` and one [`EventTable`] per event variance
    /// of `event_vars` (positive, at most [`MAX_EVENT_TABLES`]; sorted and
    /// deduplicated here), those on the expiries up to `max_tau_days`
    /// trading days only (the nodes beyond repeat the last one built).
    ///
    /// # Panics
    /// On a degenerate `spec`, or more than [`MAX_EVENT_TABLES`] event
    /// variances.
    #[must_use]
    pub fn build_with_events(
        model: &MarketModel,
        spec: &GridSpec,
        event_vars: &[f64],
        max_tau_days: f64,
    ) -> Self {
        let start = Instant::now();
        let atm = AtmVariance::new(model);
        let sv_axis = Axis::new(v_coord(spec.v.0), v_coord(spec.v.1), spec.v.2);
        let tau_axis = Axis::new(
            (spec.tau_days.0 / TRADING_DAYS_PER_YEAR).sqrt(),
            (spec.tau_days.1 / TRADING_DAYS_PER_YEAR).sqrt(),
            spec.tau_days.2,
        );
        let v_min = v_of_coord(sv_axis.node(0));
        let slices: Vec<TauSlice> = (0..tau_axis.n)
            .into_par_iter()
            .map(|j| TauSlice::new(model, tau_axis.node(j).powi(2), v_min))
            .collect();
        // Rows of expiry index j <= last_j are computed, the others copied.
        // A row's characteristic-function weights are taken from `weights`
        // when given, else computed and, with `keep`, returned (the
        // event-free rows of the probe serve the event-free table).
        let rows = |z_axis: Axis,
                    e: f64,
                    last_j: usize,
                    weights: Option<&[Vec<Complex64>]>,
                    keep: bool|
         -> (Vec<f64>, Vec<Vec<Complex64>>) {
            let n_z = z_axis.n as usize;
            let n_tau = tau_axis.n as usize;
            let mut out = vec![0.0; (sv_axis.n * tau_axis.n) as usize * n_z];
            let kept = out
                .par_chunks_mut(n_z)
                .enumerate()
                .map(|(r, row)| {
                    let (i, j) = (r / n_tau, (r % n_tau).min(last_j));
                    let v = v_of_coord(sv_axis.node(i as u32));
                    let sqrt_tau = tau_axis.node(j as u32);
                    let tau = sqrt_tau * sqrt_tau;
                    let atm_vol = (atm.at(v, tau) + e / tau).sqrt();
                    let unit = sqrt_tau * atm_vol;
                    let dz = (z_axis.node(1) - z_axis.node(0)) * unit;
                    let fresh = match weights {
                        Some(_) => Vec::new(),
                        None => slices[j].row_weights(v, e),
                    };
                    let g = weights.map_or(fresh.as_slice(), |w| w[r].as_slice());
                    slices[j].implied_vols_of(g, z_axis.node(0) * unit, dz, row);
                    row.iter_mut().for_each(|s| *s /= atm_vol);
                    if keep {
                        fresh
                    } else {
                        Vec::new()
                    }
                })
                .collect();
            (out, kept)
        };
        let all = tau_axis.n as usize - 1;

        let probe = Axis::new(PROBE_Z.0, PROBE_Z.1, PROBE_Z.2);
        let (probe_ivs, probe_weights) = rows(probe, 0.0, all, None, true);
        let (mut z_lo, mut z_hi, mut uncovered) = (0.0f64, 0.0f64, 0);
        for (r, row) in probe_ivs.chunks(probe.n as usize).enumerate() {
            let v = v_of_coord(sv_axis.node((r / tau_axis.n as usize) as u32));
            let sqrt_tau = tau_axis.node((r % tau_axis.n as usize) as u32);
            let atm_vol = atm.at(v, sqrt_tau * sqrt_tau).sqrt();
            let unit = sqrt_tau * atm_vol;
            match delta_reach(&probe, row, sqrt_tau * atm_vol, unit, spec.min_delta) {
                Some((lo, hi)) => {
                    z_lo = z_lo.min(lo);
                    z_hi = z_hi.max(hi);
                }
                None => uncovered += 1,
            }
        }
        if z_hi <= z_lo {
            // No row reaches the delta bound (a model whose smile the probe
            // cannot resolve): keep the whole probe range rather than an empty axis.
            (z_lo, z_hi) = (PROBE_Z.0, PROBE_Z.1);
        }
        let pad = Z_MARGIN * (z_hi - z_lo);
        let z_axis = Axis::new(
            (z_lo - pad).max(PROBE_Z.0),
            (z_hi + pad).min(PROBE_Z.1),
            spec.n_z,
        );
        let mut filled = 0;
        let mut table_of =
            |e: f64, last_j: usize, weights: Option<&[Vec<Complex64>]>, name: String| {
                let (mut ivs, _) = rows(z_axis, e, last_j, weights, false);
                filled += ivs
                    .chunks_mut(z_axis.n as usize)
                    .map(fill_gaps)
                    .sum::<usize>();
                #[expect(clippy::cast_possible_truncation, reason = "tables are f32 by design")]
                let data = ivs.iter().map(|&s| s as f32).collect();
                Table {
                    name,
                    axes: vec![sv_axis, tau_axis, z_axis],
                    data,
                }
            };
        let table = table_of(
            0.0,
            all,
            Some(&probe_weights),
            "SPX Black-76 implied vol (annualised) on (sqrt v, sqrt tau, z)".to_string(),
        );
        drop(probe_weights);
        let mut event_vars: Vec<f64> = event_vars.iter().copied().filter(|&e| e > 0.0).collect();
        event_vars.sort_by(f64::total_cmp);
        event_vars.dedup_by(|a, b| (*a - *b).abs() <= 1e-12 * b.abs());
        assert!(
            event_vars.len() <= MAX_EVENT_TABLES,
            "at most {MAX_EVENT_TABLES} event tables"
        );
        // The first expiry node at or beyond max_tau_days.
        let sqrt_max = (max_tau_days.max(0.0) / TRADING_DAYS_PER_YEAR).sqrt();
        let last_j = (0..tau_axis.n)
            .find(|&j| tau_axis.node(j) >= sqrt_max)
            .map_or(all, |j| j as usize);
        let events = event_vars
            .iter()
            .map(|&e| EventTable {
                event_var: e,
                table: table_of(
                    e,
                    last_j,
                    None,
                    format!(
                        "SPX Black-76 implied vol with an event of variance {e:.6e}, \
                         normalised by sqrt(vbar + e / tau), on (ln(v + shift), sqrt tau, z)"
                    ),
                ),
            })
            .collect();
        let stats = BuildStats {
            seconds: start.elapsed().as_secs_f64(),
            cf_nodes: slices.iter().map(TauSlice::len).sum(),
            filled_nodes: filled,
            uncovered_rows: uncovered,
        };
        Self {
            table,
            events,
            atm,
            stats,
            clamped: AtomicU64::new(0),
        }
    }

    /// The table, for upload to the GPU (axes: `sqrt(v)`, `sqrt(tau)`, `z`).
    #[must_use]
    pub fn table(&self) -> &Table {
        &self.table
    }

    /// The event tables, by increasing event variance.
    #[must_use]
    pub fn event_tables(&self) -> &[EventTable] {
        &self.events
    }

    /// The event-free table and the event tables in coordinate order (table
    /// `i` of [`EventCoord`]).
    #[must_use]
    pub fn tables_in_order(&self) -> Vec<&Table> {
        std::iter::once(&self.table)
            .chain(self.events.iter().map(|e| &e.table))
            .collect()
    }

    /// The event variance of table `i` in coordinate order (0 for `i = 0`).
    #[must_use]
    pub fn event_var_of(&self, i: usize) -> f64 {
        if i == 0 {
            0.0
        } else {
            self.events[i - 1].event_var
        }
    }

    /// Where the event variance `ev` lies among the tables: exactly on a
    /// table (within 1e-12 relative), between two (linear in the variance),
    /// or beyond the last (clamped to it).
    #[must_use]
    pub fn event_coord(&self, ev: f64) -> EventCoord {
        let n = self.events.len();
        #[expect(
            clippy::neg_cmp_op_on_partial_ord,
            reason = "NaN takes the no-event branch"
        )]
        if !(ev > 0.0) || n == 0 {
            return EventCoord::NONE;
        }
        for i in 0..=n {
            let e = self.event_var_of(i);
            if (ev - e).abs() <= 1e-12 * e {
                return EventCoord {
                    index: i as u32,
                    weight: 0.0,
                };
            }
            if i < n {
                let next = self.event_var_of(i + 1);
                if ev < next {
                    return EventCoord {
                        index: i as u32,
                        weight: (ev - e) / (next - e),
                    };
                }
            }
        }
        EventCoord {
            index: n as u32,
            weight: 0.0,
        }
    }

    /// The moneyness scale `vbar(v, tau)` of the `z` axis.
    #[must_use]
    pub fn atm_variance(&self) -> AtmVariance {
        self.atm
    }

    /// Build time and diagnostics.
    #[must_use]
    pub fn stats(&self) -> BuildStats {
        self.stats
    }

    /// Queries clamped to the table's edge since the build (or the last
    /// [`Self::reset_clamped`]), counted by [`Self::implied_vol`], [`Self::price`],
    /// [`Self::delta`] and [`Self::strike_for_delta`].
    #[must_use]
    pub fn clamped_queries(&self) -> u64 {
        self.clamped.load(Ordering::Relaxed)
    }

    /// Sets the clamped-query counter to zero.
    pub fn reset_clamped(&self) {
        self.clamped.store(0, Ordering::Relaxed);
    }

    fn count(&self, clamped: bool) {
        if clamped {
            self.clamped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Shift of the logarithmic variance axis (annualised variance): the axis
/// coordinate is `ln(v + V_SHIFT)`, so `v = 0` (reachable by the QE scheme) is
/// on the grid and steps are about 10% in volatility at every level.
pub const V_SHIFT: f64 = 1e-4;

/// Coordinate of variance `v` (annualised, negative read as 0) on the table's
/// first axis: `ln(v + V_SHIFT)`.
#[must_use]
pub fn v_coord(v: f64) -> f64 {
    (v.max(0.0) + V_SHIFT).ln()
}

/// Inverse of [`v_coord`]: annualised variance.
#[must_use]
pub fn v_of_coord(c: f64) -> f64 {
    (c.exp() - V_SHIFT).max(0.0)
}

/// Expected average variance of the log return per year over `(t, t + tau]`
/// given `v_t = v`, the moneyness scale of the table:
/// `vbar(v, tau) = a v + b`, `a = (1 - e^{-kappa tau}) / (kappa tau)`,
/// `b = theta* (1 - a) + lambda E[Z_S^2]` (Q parameters; `theta*` includes the
/// mean variance jumps, `E[Z_S^2]` is the second moment of the price jump),
/// since `E[int v] = theta* tau + (v - theta*) (1 - e^{-kappa tau}) / kappa`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AtmVariance {
    /// Mean-reversion speed `kappa`, per year.
    pub kappa: f64,
    /// Long-run variance including jumps `theta*` (annualised variance).
    pub theta_star: f64,
    /// `lambda E[Z_S^2]` (annualised variance), with `Z_S = mu_S + rho_J Z_v +
    /// sigma_S eps` and `Z_v` exponential with mean `mu_v`.
    pub jump_var: f64,
}

impl AtmVariance {
    /// From the parameters of a risk-neutral `model`.
    #[must_use]
    pub fn new(model: &MarketModel) -> Self {
        let p = &model.params;
        let mean = p.mu_s + p.rho_j * p.mu_v;
        let var = p.sigma_s * p.sigma_s + (p.rho_j * p.mu_v).powi(2);
        Self {
            kappa: p.kappa,
            theta_star: p.theta_star(),
            jump_var: p.lambda * (mean * mean + var),
        }
    }

    /// `vbar(v, tau)` (annualised variance) for `v` annualised variance and `tau`
    /// in years.
    #[must_use]
    pub fn at(&self, v: f64, tau: f64) -> f64 {
        let kt = self.kappa * tau;
        let a = if kt > 1e-8 {
            -(-kt).exp_m1() / kt
        } else {
            1.0 - 0.5 * kt
        };
        a * v.max(0.0) + self.theta_star * (1.0 - a) + self.jump_var
    }
}

/// The `z` nodes of one probe row just beyond the strikes where the put and the
/// call delta reach `min_delta`: `(put side, call side)`; `None` when either
/// lies outside the probe range. `unit = sqrt(tau (v + c))` converts `z` to
/// `x = ln(K/F)`.
fn delta_reach(
    axis: &Axis,
    ivs: &[f64],
    sqrt_tau: f64,
    unit: f64,
    min_delta: f64,
) -> Option<(f64, f64)> {
    let n = ivs.len();
    let d1 = |i: usize| {
        let s = ivs[i] * sqrt_tau;
        -axis.node(i as u32) * unit / s + 0.5 * s
    };
    let lo = (0..n).find(|&i| ivs[i].is_finite() && norm_cdf(-d1(i)) >= min_delta)?;
    let hi = (0..n)
        .rev()
        .find(|&i| ivs[i].is_finite() && norm_cdf(d1(i)) >= min_delta)?;
    if lo == 0 || hi + 1 == n {
        return None;
    }
    Some((axis.node(lo as u32 - 1), axis.node(hi as u32 + 1)))
}

/// Replaces `NaN` entries of a row by the nearest finite entry; returns how many.
fn fill_gaps(row: &mut [f64]) -> usize {
    let bad: Vec<usize> = (0..row.len()).filter(|&i| !row[i].is_finite()).collect();
    for &i in &bad {
        let near = (1..row.len()).find_map(|d| {
            [i.checked_sub(d), Some(i + d)]
                .into_iter()
                .flatten()
                .find(|&j| j < row.len() && row[j].is_finite())
        });
        if let Some(j) = near {
            row[i] = row[j];
        }
    }
    bad.len()
}
