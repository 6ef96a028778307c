//! The exact state of a [`StudyAccumulator`] as a serde document, so partial
//! results (shards, checkpoints) can be written to disk and merged later with
//! the same result as one process.
//!
//! Every integer of the accumulator is kept: bin counts (as runs of
//! consecutive non-zero bins, so a sparse histogram stays small), tail counts,
//! path counts and the `i128` fixed-point sums (as decimal strings, since JSON
//! readers commonly hold numbers in f64). The one float state, the worst day
//! over the paths, is written as its shortest round-trip decimal (`null` while
//! no path was seen) and read back exactly. The layout, with the histogram
//! specifications and the section count, travels with the state; reading
//! refuses a state whose layout or shape differs from what this build uses.

use serde::{Deserialize, Serialize};

use super::exact::{ExactSum, Moments};
use super::hist::{HistSpec, Histogram, Tail};
use super::stats::{
    LineAcc, RegimeAcc, StudyAccumulator, StudyLayout, DRAWDOWN_SPEC, PNL_SPEC, REDUCTION_SPEC,
    SECTIONS, SECTION_DRAWDOWN_SPEC,
};
use super::LineSet;
use crate::config::{Regime, RegimesConfig};

/// Version of the accumulator state layout; bumped whenever a field, a
/// histogram specification or an encoding changes meaning. Version 2: the
/// accumulated values are `f32` operations on `f32` inputs
/// ([`super::stats::LineInputs`]) and a value's bin is decided by comparisons
/// with the edges.
pub const STATE_VERSION: u32 = 2;

/// A state that does not fit this build's accumulators.
#[derive(Debug, thiserror::Error)]
#[error("accumulator state: {0}")]
pub struct StateError(String);

fn bad(what: impl Into<String>) -> StateError {
    StateError(what.into())
}

/// The layout of an accumulator state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutState {
    /// The equity lines, `none` first.
    pub lines: LineSet,
    /// The regime boundaries.
    pub regimes: RegimesConfig,
    /// Starting capital, USD.
    pub capital: f64,
    /// Horizon, trading days.
    pub horizon_days: u32,
    /// Histogram layouts: max drawdown, max drawdown per section, P&L, reduction.
    pub histograms: [HistSpecState; 4],
    /// Sections of the sectioning confidence intervals.
    pub sections: usize,
}

/// A histogram specification: `bins` bins of `width` from `lo`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistSpecState {
    /// Lower edge of the first bin.
    pub lo: f64,
    /// Bin width.
    pub width: f64,
    /// Number of bins.
    pub bins: usize,
}

impl From<HistSpec> for HistSpecState {
    fn from(s: HistSpec) -> Self {
        Self {
            lo: s.lo,
            width: s.width,
            bins: s.bins,
        }
    }
}

/// Count and exact sum of the values in a histogram tail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TailState {
    /// Number of values.
    pub n: u64,
    /// Exact sum, in units of 2^-48, as a decimal integer.
    pub sum: String,
}

/// A histogram's counts: runs `[first bin, [counts...]]` of consecutive
/// non-zero bins, and the two tails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistState {
    /// Runs of consecutive non-zero bins: the first bin's index and the counts.
    pub runs: Vec<(usize, Vec<u32>)>,
    /// Values below the range.
    pub under: TailState,
    /// Values at or above the top of the range.
    pub over: TailState,
}

/// Count and exact sums of a sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MomentsState {
    /// Number of values.
    pub n: u64,
    /// Exact sum, units of 2^-48, decimal.
    pub s1: String,
    /// Exact sum of squares, units of 2^-48, decimal.
    pub s2: String,
}

/// One line in one regime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineState {
    /// Max drawdown histogram.
    pub drawdown: HistState,
    /// Max drawdown histogram of each section.
    pub drawdown_sections: Vec<HistState>,
    /// Max drawdown moments.
    pub drawdown_moments: MomentsState,
    /// Final P&L histogram (fraction of capital).
    pub pnl: HistState,
    /// Final P&L moments.
    pub pnl_moments: MomentsState,
    /// Premium paid, fraction of capital, exact sum (2^-48 units, decimal).
    pub premium: String,
    /// Hedge payoff, likewise.
    pub payoff: String,
    /// Worst day, likewise.
    pub worst_day: String,
    /// Worst day over the paths, USD; null while no path was seen.
    pub worst_day_min: Option<f64>,
    /// Sum of DD_none x DD_line (2^-48 units, decimal).
    pub drawdown_cross: String,
    /// Paired P&L difference moments.
    pub drag: MomentsState,
    /// Per-path reduction histogram.
    pub reduction: HistState,
    /// Paths with DD_none > 0.
    pub reduction_defined: u64,
    /// Paths cut by at least the threshold.
    pub cut_at_least: u64,
}

/// One regime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegimeState {
    /// The regime's name.
    pub name: String,
    /// Paths.
    pub paths: u64,
    /// Path max VIX moments.
    pub max_vix: MomentsState,
    /// Path first VIX moments.
    pub first_vix: MomentsState,
    /// SPX return moments.
    pub spx_return: MomentsState,
    /// SPX max drawdown moments.
    pub spx_max_drawdown: MomentsState,
    /// Per line, in layout order.
    pub lines: Vec<LineState>,
}

/// The whole accumulator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccumulatorState {
    /// [`STATE_VERSION`] of the writer.
    pub version: u32,
    /// What the accumulators are laid out for.
    pub layout: LayoutState,
    /// Paths skipped for non-finite values.
    pub invalid_paths: u64,
    /// Per regime, in [`Regime::ALL`] order.
    pub regimes: Vec<RegimeState>,
}

fn sum_out(s: ExactSum) -> String {
    s.raw().to_string()
}

fn sum_in(s: &str, what: &str) -> Result<ExactSum, StateError> {
    s.parse::<i128>()
        .map(ExactSum::from_raw)
        .map_err(|_| bad(format!("{what}: {s:?} is not a decimal integer")))
}

fn moments_out(m: &Moments) -> MomentsState {
    let (s1, s2) = m.sums();
    MomentsState {
        n: m.n,
        s1: sum_out(s1),
        s2: sum_out(s2),
    }
}

fn moments_in(m: &MomentsState, what: &str) -> Result<Moments, StateError> {
    Ok(Moments::from_parts(
        m.n,
        sum_in(&m.s1, what)?,
        sum_in(&m.s2, what)?,
    ))
}

fn tail_out(t: Tail) -> TailState {
    TailState {
        n: t.n,
        sum: sum_out(t.sum),
    }
}

fn tail_in(t: &TailState, what: &str) -> Result<Tail, StateError> {
    Ok(Tail {
        n: t.n,
        sum: sum_in(&t.sum, what)?,
    })
}

fn hist_out(h: &Histogram) -> HistState {
    let mut runs: Vec<(usize, Vec<u32>)> = Vec::new();
    let mut prev_nonzero = false;
    for (i, &c) in h.counts().iter().enumerate() {
        if c == 0 {
            prev_nonzero = false;
            continue;
        }
        if prev_nonzero {
            runs.last_mut().expect("a run is open").1.push(c);
        } else {
            runs.push((i, vec![c]));
        }
        prev_nonzero = true;
    }
    HistState {
        runs,
        under: tail_out(h.underflow()),
        over: tail_out(h.overflow()),
    }
}

fn hist_in(s: &HistState, spec: HistSpec, what: &str) -> Result<Histogram, StateError> {
    let mut counts = vec![0u32; spec.bins];
    for (first, run) in &s.runs {
        let end = first
            .checked_add(run.len())
            .filter(|&e| e <= spec.bins)
            .ok_or_else(|| {
                bad(format!(
                    "{what}: bins {first}..+{} past {}",
                    run.len(),
                    spec.bins
                ))
            })?;
        counts[*first..end].copy_from_slice(run);
    }
    Ok(Histogram::from_parts(
        spec,
        counts,
        tail_in(&s.under, what)?,
        tail_in(&s.over, what)?,
    ))
}

fn layout_state(layout: &StudyLayout) -> LayoutState {
    LayoutState {
        lines: layout.lines.clone(),
        regimes: layout.regimes.clone(),
        capital: layout.capital,
        horizon_days: layout.horizon_days,
        histograms: [
            DRAWDOWN_SPEC.into(),
            SECTION_DRAWDOWN_SPEC.into(),
            PNL_SPEC.into(),
            REDUCTION_SPEC.into(),
        ],
        sections: SECTIONS,
    }
}

impl StudyAccumulator {
    /// The exact state, for [`StudyAccumulator::from_state`].
    #[must_use]
    pub fn to_state(&self) -> AccumulatorState {
        let line = |l: &LineAcc| LineState {
            drawdown: hist_out(&l.drawdown),
            drawdown_sections: l.drawdown_sections.iter().map(hist_out).collect(),
            drawdown_moments: moments_out(&l.drawdown_moments),
            pnl: hist_out(&l.pnl),
            pnl_moments: moments_out(&l.pnl_moments),
            premium: sum_out(l.premium),
            payoff: sum_out(l.payoff),
            worst_day: sum_out(l.worst_day),
            worst_day_min: l.worst_day_min.is_finite().then_some(l.worst_day_min),
            drawdown_cross: sum_out(l.drawdown_cross),
            drag: moments_out(&l.drag),
            reduction: hist_out(&l.reduction),
            reduction_defined: l.reduction_defined,
            cut_at_least: l.cut_at_least,
        };
        AccumulatorState {
            version: STATE_VERSION,
            layout: layout_state(self.layout()),
            invalid_paths: self.invalid_paths(),
            regimes: Regime::ALL
                .iter()
                .map(|&r| {
                    let ra = self.regime(r);
                    RegimeState {
                        name: r.name().into(),
                        paths: ra.paths,
                        max_vix: moments_out(&ra.max_vix),
                        first_vix: moments_out(&ra.first_vix),
                        spx_return: moments_out(&ra.spx_return),
                        spx_max_drawdown: moments_out(&ra.spx_max_drawdown),
                        lines: ra.lines.iter().map(line).collect(),
                    }
                })
                .collect(),
        }
    }

    /// Rebuilds an accumulator from [`StudyAccumulator::to_state`]'s output,
    /// bit for bit.
    ///
    /// # Errors
    /// A state of another version, histogram layout or section count, a
    /// malformed sum, or counts that do not fit the layout.
    pub fn from_state(state: &AccumulatorState) -> Result<Self, StateError> {
        if state.version != STATE_VERSION {
            return Err(bad(format!(
                "version {} (this build reads version {STATE_VERSION})",
                state.version
            )));
        }
        let l = &state.layout;
        let mine = layout_state(&StudyLayout {
            lines: l.lines.clone(),
            regimes: l.regimes.clone(),
            capital: l.capital,
            horizon_days: l.horizon_days,
        });
        if l.histograms != mine.histograms || l.sections != mine.sections {
            return Err(bad(
                "its histogram layout or section count differs from this build's",
            ));
        }
        let layout = StudyLayout {
            lines: l.lines.clone(),
            regimes: l.regimes.clone(),
            capital: l.capital,
            horizon_days: l.horizon_days,
        };
        let mut acc = StudyAccumulator::new(layout).map_err(|e| bad(e.to_string()))?;
        let names: Vec<&str> = state.regimes.iter().map(|r| r.name.as_str()).collect();
        let want: Vec<&str> = Regime::ALL.iter().map(|r| r.name()).collect();
        if names != want {
            return Err(bad(format!("regimes {names:?}, expected {want:?}")));
        }
        let lines = l.lines.len();
        let mut regimes = Vec::with_capacity(Regime::ALL.len());
        for r in &state.regimes {
            if r.lines.len() != lines {
                return Err(bad(format!(
                    "regime {} has {} lines, the layout {lines}",
                    r.name,
                    r.lines.len()
                )));
            }
            let mut out = Vec::with_capacity(lines);
            for (i, s) in r.lines.iter().enumerate() {
                let what = format!("regime {} line {i}", r.name);
                if s.drawdown_sections.len() != SECTIONS {
                    return Err(bad(format!(
                        "{what}: {} sections",
                        s.drawdown_sections.len()
                    )));
                }
                out.push(LineAcc {
                    drawdown: hist_in(&s.drawdown, DRAWDOWN_SPEC, &what)?,
                    drawdown_sections: s
                        .drawdown_sections
                        .iter()
                        .map(|h| hist_in(h, SECTION_DRAWDOWN_SPEC, &what))
                        .collect::<Result<_, _>>()?,
                    drawdown_moments: moments_in(&s.drawdown_moments, &what)?,
                    pnl: hist_in(&s.pnl, PNL_SPEC, &what)?,
                    pnl_moments: moments_in(&s.pnl_moments, &what)?,
                    premium: sum_in(&s.premium, &what)?,
                    payoff: sum_in(&s.payoff, &what)?,
                    worst_day: sum_in(&s.worst_day, &what)?,
                    worst_day_min: s.worst_day_min.unwrap_or(f64::INFINITY),
                    drawdown_cross: sum_in(&s.drawdown_cross, &what)?,
                    drag: moments_in(&s.drag, &what)?,
                    reduction: hist_in(&s.reduction, REDUCTION_SPEC, &what)?,
                    reduction_defined: s.reduction_defined,
                    cut_at_least: s.cut_at_least,
                });
            }
            regimes.push(RegimeAcc {
                paths: r.paths,
                max_vix: moments_in(&r.max_vix, &r.name)?,
                first_vix: moments_in(&r.first_vix, &r.name)?,
                spx_return: moments_in(&r.spx_return, &r.name)?,
                spx_max_drawdown: moments_in(&r.spx_max_drawdown, &r.name)?,
                lines: out,
            });
        }
        acc.set_parts(regimes, state.invalid_paths);
        Ok(acc)
    }
}
