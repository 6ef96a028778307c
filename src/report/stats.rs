//! Per-path records in, mergeable accumulators out: everything the reductions
//! need, in memory that does not grow with the number of paths.
//!
//! One [`StudyAccumulator`] holds, for each regime (by path max VIX) and each
//! equity line, fixed-bin histograms and exact sums (see [`super::exact`]).
//! Its size is fixed by the layout: about 170 KB per line and regime, so 23
//! lines (8 programs and a 5-rung ladder on 3 ALVH programs) take about 16 MB
//! whatever the path count. Merging is integer addition (and `min` for the
//! worst day), hence exact, commutative and associative: the same paths give
//! the same accumulator for any batch size, batch order and thread count.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::exact::{ExactSum, Moments};
use super::hist::{HistSpec, Histogram};
use super::ReportError;
use crate::config::{HedgeProgram, Regime, RegimeMeasures, RegimesConfig};

/// Max-drawdown histogram (fraction of the running peak): [0, 1) in 10^4 bins of
/// 1e-4, so quantiles are resolved to 0.01 percentage point; drawdowns of 1
/// (ruined paths: equity at zero) go to the exact overflow tail, whose count is
/// the ruined share of `summary.json`.
pub const DRAWDOWN_SPEC: HistSpec = HistSpec {
    lo: 0.0,
    width: 1e-4,
    bins: 10_000,
};

/// Coarser max-drawdown histogram kept per section for the sectioning confidence
/// intervals of quantile ratios: [0, 1) in 1000 bins of 1e-3.
pub const SECTION_DRAWDOWN_SPEC: HistSpec = HistSpec {
    lo: 0.0,
    width: 1e-3,
    bins: 1000,
};

/// Final P&L histogram, in units of starting capital (a fixed range, so the
/// layout never depends on which paths came first): [-1, 1) in 10^4 bins of 2e-4
/// (200 USD per 1,000,000 USD of capital); beyond that, exact tails.
pub const PNL_SPEC: HistSpec = HistSpec {
    lo: -1.0,
    width: 2e-4,
    bins: 10_000,
};

/// Per-path paired drawdown reduction 1 - DD_line / DD_none: [-1, 1] in 2000 bins
/// of 1e-3 (the value 1, a hedge with no drawdown at all, is put in the top bin);
/// reductions below -1 (the hedge more than doubles the drawdown) go to the tail.
pub const REDUCTION_SPEC: HistSpec = HistSpec {
    lo: -1.0,
    width: 1e-3,
    bins: 2000,
};

/// The per-path reduction a path without any hedged drawdown (1 - 0 / DD_none
/// = 1) is counted at: the middle of the top bin of [`REDUCTION_SPEC`], as an
/// `f32` (0.9995 rounded).
#[expect(clippy::cast_possible_truncation, reason = "the f32 value of 0.9995")]
pub const REDUCTION_TOP: f32 = (1.0 - REDUCTION_SPEC.width / 2.0) as f32;

/// Number of sections (paths grouped by global path index modulo this) for the
/// sectioning confidence intervals.
pub const SECTIONS: usize = 20;

/// Paths per block handed to one rayon task by [`StudyAccumulator::push_batch_par`].
const PAR_BLOCK: usize = 8192;

/// The per-path reduction counted by the "share of paths cut by at least" statistic
/// (the low end of the claimed 35-40%), fraction.
pub const CUT_THRESHOLD: f64 = 0.35;

/// What one path reports for one equity line (a hedge program or a ladder rung).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LineOutcome {
    /// Max drawdown, max_t (peak_t - e_t) / peak_t, fraction.
    pub max_drawdown: f64,
    /// Final equity minus starting capital, USD.
    pub final_pnl: f64,
    /// Hedge premium paid over the path, including costs, USD (0 for `none`).
    pub premium_paid: f64,
    /// Hedge proceeds (sales and settlements) over the path, USD (0 for `none`).
    pub hedge_payoff: f64,
    /// Worst one-day equity change, USD (negative is a loss).
    pub worst_day: f64,
}

/// A line's per-path inputs as the reductions read them: `f32` values (the
/// study kernel's record words, or a [`LineOutcome`] rounded once to `f32`).
/// Every derived quantity (P&L as a fraction of capital, the paired
/// reduction, the squares of the moments) is one `f32` operation on these, in
/// the order of `LineAcc::push`, and the GPU's reduction kernel
/// (`shaders/reduce.wgsl`) does the same operations: the accumulators of
/// the same records are identical on both.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LineInputs {
    /// Max drawdown, fraction.
    pub max_drawdown: f32,
    /// Final P&L, USD.
    pub final_pnl: f32,
    /// Hedge premium paid including costs, USD.
    pub premium_paid: f32,
    /// Hedge proceeds, USD.
    pub hedge_payoff: f32,
    /// Worst one-day equity change, USD.
    pub worst_day: f32,
}

impl LineInputs {
    /// `o` with each field rounded to `f32` (exact for values that are
    /// `f32` already, as the study kernel's are).
    #[must_use]
    #[expect(
        clippy::cast_possible_truncation,
        reason = "rounding to f32 is the definition"
    )]
    pub fn of(o: &LineOutcome) -> Self {
        Self {
            max_drawdown: o.max_drawdown as f32,
            final_pnl: o.final_pnl as f32,
            premium_paid: o.premium_paid as f32,
            hedge_payoff: o.hedge_payoff as f32,
            worst_day: o.worst_day as f32,
        }
    }

    fn is_finite(&self) -> bool {
        [
            self.max_drawdown,
            self.final_pnl,
            self.premium_paid,
            self.hedge_payoff,
            self.worst_day,
        ]
        .iter()
        .all(|x| x.is_finite())
    }
}

/// What a path reports about its market, whatever the books did: the
/// regime measures and the SPX return.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PathFacts {
    /// Highest VIX close over the path, day 0 included, VIX points.
    pub max_vix: f64,
    /// VIX at the path's first close, VIX points.
    pub first_vix: f64,
    /// SPX total return over the horizon, S_T / S_0 - 1, fraction.
    pub spx_return: f64,
    /// The SPX index's max drawdown over the path, fraction of its running peak.
    pub spx_max_drawdown: f64,
}

impl PathFacts {
    fn measures(&self) -> RegimeMeasures {
        RegimeMeasures {
            max_vix: self.max_vix,
            first_vix: self.first_vix,
            spx_max_drawdown: self.spx_max_drawdown,
        }
    }

    /// The facts rounded to `f32`, as the reductions read them (exact for
    /// the study kernel's, which are `f32` already).
    #[expect(
        clippy::cast_possible_truncation,
        reason = "rounding to f32 is the definition"
    )]
    fn rounded(&self) -> Self {
        let r = |x: f64| f64::from(x as f32);
        Self {
            max_vix: r(self.max_vix),
            first_vix: r(self.first_vix),
            spx_return: r(self.spx_return),
            spx_max_drawdown: r(self.spx_max_drawdown),
        }
    }

    fn is_finite(&self) -> bool {
        [
            self.max_vix,
            self.first_vix,
            self.spx_return,
            self.spx_max_drawdown,
        ]
        .iter()
        .all(|x| x.is_finite())
    }
}

/// A batch of consecutive paths `first_path, first_path + 1, ...`.
///
/// `outcomes` is path-major: path `p` of the batch reports line `l` (in the order
/// of the accumulator's [`LineSet`]) at `outcomes[p * lines + l]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PathBatch {
    /// Global index of the batch's first path.
    pub first_path: u64,
    /// Per path: maximum VIX over the path, VIX points.
    pub max_vix: Vec<f64>,
    /// Per path: VIX at the first close, VIX points.
    pub first_vix: Vec<f64>,
    /// Per path: SPX total return over the horizon, S_T / S_0 - 1, fraction.
    pub spx_return: Vec<f64>,
    /// Per path: the SPX index's max drawdown, fraction.
    pub spx_max_drawdown: Vec<f64>,
    /// Per path and line: the outcomes, path-major.
    pub outcomes: Vec<LineOutcome>,
}

impl PathBatch {
    /// Paths in the batch.
    #[must_use]
    pub fn len(&self) -> usize {
        self.max_vix.len()
    }

    /// Whether the batch holds no path.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.max_vix.is_empty()
    }

    /// The facts of path `p` of the batch.
    #[must_use]
    pub fn facts(&self, p: usize) -> PathFacts {
        PathFacts {
            max_vix: self.max_vix[p],
            first_vix: self.first_vix[p],
            spx_return: self.spx_return[p],
            spx_max_drawdown: self.spx_max_drawdown[p],
        }
    }

    fn shape_ok(&self, lines: usize) -> bool {
        let n = self.max_vix.len();
        self.first_vix.len() == n
            && self.spx_return.len() == n
            && self.spx_max_drawdown.len() == n
            && self.outcomes.len() == n * lines
    }
}

/// One equity line: a program, or a program at a ladder rung of hedge units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineSpec {
    /// Name in reports and `summary.json` (`alvh-seed`, or `alvh-seed@x2` for a rung).
    pub name: String,
    /// The hedge program.
    pub program: HedgeProgram,
    /// Hedge size of a ladder rung, in `[hedge] units`; `None` for the program's own size.
    pub units: Option<f64>,
}

/// The name of a ladder line: `alvh-seed@x2`, `alvh@x0.5`.
#[must_use]
pub fn ladder_line_name(program: HedgeProgram, units: f64) -> String {
    format!("{}@x{units}", program.name())
}

/// The equity lines of a run, `none` first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineSet(Vec<LineSpec>);

impl LineSet {
    /// `none`, then `programs` in order (duplicates and `none` dropped), then for each
    /// adaptive (ALVH) program in `programs` one rung per entry of `units_ladder`
    /// (positive, finite `[hedge] units` multiples).
    pub fn new(programs: &[HedgeProgram], units_ladder: &[f64]) -> Result<Self, ReportError> {
        if let Some(&u) = units_ladder.iter().find(|u| !(u.is_finite() && **u > 0.0)) {
            return Err(ReportError::BadLadder(u));
        }
        let mut lines = vec![LineSpec {
            name: HedgeProgram::None.name().into(),
            program: HedgeProgram::None,
            units: None,
        }];
        let mut chosen: Vec<HedgeProgram> = Vec::new();
        for &p in programs {
            if p != HedgeProgram::None && !chosen.contains(&p) {
                chosen.push(p);
            }
        }
        for &p in &chosen {
            lines.push(LineSpec {
                name: p.name().into(),
                program: p,
                units: None,
            });
        }
        for &p in chosen.iter().filter(|p| p.is_adaptive()) {
            for &u in units_ladder {
                lines.push(LineSpec {
                    name: ladder_line_name(p, u),
                    program: p,
                    units: Some(u),
                });
            }
        }
        Ok(Self(lines))
    }

    /// The lines, `none` first.
    #[must_use]
    pub fn lines(&self) -> &[LineSpec] {
        &self.0
    }

    /// Number of lines.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a line set holds at least `none`.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Index of the line called `name`.
    #[must_use]
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|l| l.name == name)
    }
}

/// What the accumulators are laid out for; merging needs equal layouts.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyLayout {
    /// The equity lines, `none` first.
    pub lines: LineSet,
    /// Regime boundaries on the path max VIX.
    pub regimes: RegimesConfig,
    /// Starting capital, USD (P&L is accumulated as a fraction of it).
    pub capital: f64,
    /// Path horizon, trading days (annualisation by 252 / horizon_days).
    pub horizon_days: u32,
}

/// Accumulated statistics of one line in one regime.
#[derive(Debug, Clone, PartialEq)]
pub struct LineAcc {
    pub(super) drawdown: Histogram,
    pub(super) drawdown_sections: Vec<Histogram>,
    pub(super) drawdown_moments: Moments,
    pub(super) pnl: Histogram,
    pub(super) pnl_moments: Moments,
    /// Sums of premium, payoff and worst day, fractions of capital.
    pub(super) premium: ExactSum,
    pub(super) payoff: ExactSum,
    pub(super) worst_day: ExactSum,
    /// Worst day over the paths, USD.
    pub(super) worst_day_min: f64,
    /// Sum of DD_none x DD_line over the same paths (the pairing term of the
    /// delta method; the other sums are `none`'s and this line's moments).
    pub(super) drawdown_cross: ExactSum,
    /// (P&L_none - P&L_line) / capital per path.
    pub(super) drag: Moments,
    pub(super) reduction: Histogram,
    pub(super) reduction_defined: u64,
    pub(super) cut_at_least: u64,
}

impl LineAcc {
    fn new() -> Self {
        Self {
            drawdown: Histogram::new(DRAWDOWN_SPEC),
            drawdown_sections: vec![Histogram::new(SECTION_DRAWDOWN_SPEC); SECTIONS],
            drawdown_moments: Moments::default(),
            pnl: Histogram::new(PNL_SPEC),
            pnl_moments: Moments::default(),
            premium: ExactSum::default(),
            payoff: ExactSum::default(),
            worst_day: ExactSum::default(),
            worst_day_min: f64::INFINITY,
            drawdown_cross: ExactSum::default(),
            drag: Moments::default(),
            reduction: Histogram::new(REDUCTION_SPEC),
            reduction_defined: 0,
            cut_at_least: 0,
        }
    }

    /// Adds one path's line `o` (and the same path's `none` line) in the
    /// arithmetic of [`LineInputs`]: `f32` operations on the `f32` inputs,
    /// each result accumulated exactly.
    fn push(&mut self, section: usize, none: &LineInputs, o: &LineInputs, capital: f32) {
        let dd = o.max_drawdown;
        self.drawdown.push(f64::from(dd));
        self.drawdown_sections[section].push(f64::from(dd));
        self.drawdown_moments.push_f32(dd);
        let pnl = o.final_pnl / capital;
        self.pnl.push(f64::from(pnl));
        self.pnl_moments.push_f32(pnl);
        self.premium.add(f64::from(o.premium_paid / capital));
        self.payoff.add(f64::from(o.hedge_payoff / capital));
        self.worst_day.add(f64::from(o.worst_day / capital));
        self.worst_day_min = self.worst_day_min.min(f64::from(o.worst_day));
        self.drawdown_cross.add(f64::from(none.max_drawdown * dd));
        self.drag.push_f32((none.final_pnl - o.final_pnl) / capital);
        // A path on which the unhedged book never draws down has no reduction to
        // measure: it is left out of the per-path reduction and of the share cut.
        if none.max_drawdown > 0.0 {
            let r = 1.0f32 - dd / none.max_drawdown;
            self.reduction.push(f64::from(r.min(REDUCTION_TOP)));
            self.reduction_defined += 1;
            if f64::from(r) >= CUT_THRESHOLD {
                self.cut_at_least += 1;
            }
        }
    }

    fn merge(&mut self, other: &LineAcc) {
        self.drawdown.merge(&other.drawdown);
        for (a, b) in self
            .drawdown_sections
            .iter_mut()
            .zip(&other.drawdown_sections)
        {
            a.merge(b);
        }
        self.drawdown_moments.merge(&other.drawdown_moments);
        self.pnl.merge(&other.pnl);
        self.pnl_moments.merge(&other.pnl_moments);
        self.premium.merge(other.premium);
        self.payoff.merge(other.payoff);
        self.worst_day.merge(other.worst_day);
        self.worst_day_min = self.worst_day_min.min(other.worst_day_min);
        self.drawdown_cross.merge(other.drawdown_cross);
        self.drag.merge(&other.drag);
        self.reduction.merge(&other.reduction);
        self.reduction_defined += other.reduction_defined;
        self.cut_at_least += other.cut_at_least;
    }

    /// Max-drawdown histogram ([`DRAWDOWN_SPEC`], fraction).
    #[must_use]
    pub fn drawdown_hist(&self) -> &Histogram {
        &self.drawdown
    }

    /// Final P&L histogram ([`PNL_SPEC`], fraction of capital).
    #[must_use]
    pub fn pnl_hist(&self) -> &Histogram {
        &self.pnl
    }

    /// Per-path reduction histogram ([`REDUCTION_SPEC`], fraction; paths with
    /// DD_none = 0 left out).
    #[must_use]
    pub fn reduction_hist(&self) -> &Histogram {
        &self.reduction
    }
}

/// Accumulated statistics of the paths of one regime (or of all paths).
#[derive(Debug, Clone, PartialEq)]
pub struct RegimeAcc {
    pub(super) paths: u64,
    pub(super) max_vix: Moments,
    pub(super) first_vix: Moments,
    pub(super) spx_return: Moments,
    pub(super) spx_max_drawdown: Moments,
    pub(super) lines: Vec<LineAcc>,
}

impl RegimeAcc {
    fn new(lines: usize) -> Self {
        Self {
            paths: 0,
            max_vix: Moments::default(),
            first_vix: Moments::default(),
            spx_return: Moments::default(),
            spx_max_drawdown: Moments::default(),
            lines: vec![LineAcc::new(); lines],
        }
    }

    fn merge(&mut self, other: &RegimeAcc) {
        self.paths += other.paths;
        self.max_vix.merge(&other.max_vix);
        self.first_vix.merge(&other.first_vix);
        self.spx_return.merge(&other.spx_return);
        self.spx_max_drawdown.merge(&other.spx_max_drawdown);
        for (a, b) in self.lines.iter_mut().zip(&other.lines) {
            a.merge(b);
        }
    }

    /// Number of paths.
    #[must_use]
    pub fn paths(&self) -> u64 {
        self.paths
    }

    /// The statistics of line `i` (in [`LineSet`] order).
    #[must_use]
    pub fn line(&self, i: usize) -> &LineAcc {
        &self.lines[i]
    }
}

/// All the statistics of a run, mergeable across batches and threads.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyAccumulator {
    layout: StudyLayout,
    regimes: Vec<RegimeAcc>,
    invalid_paths: u64,
}

impl StudyAccumulator {
    /// An empty accumulator (about 170 KB per line and regime).
    pub fn new(layout: StudyLayout) -> Result<Self, ReportError> {
        if !(layout.capital.is_finite() && layout.capital > 0.0) {
            return Err(ReportError::BadCapital(layout.capital));
        }
        if layout.horizon_days == 0 {
            return Err(ReportError::BadHorizon);
        }
        let n = layout.lines.len();
        Ok(Self {
            layout,
            regimes: vec![RegimeAcc::new(n); Regime::ALL.len()],
            invalid_paths: 0,
        })
    }

    /// An empty accumulator of the same (already validated) layout.
    fn empty_like(&self) -> Self {
        Self {
            layout: self.layout.clone(),
            regimes: vec![RegimeAcc::new(self.layout.lines.len()); Regime::ALL.len()],
            invalid_paths: 0,
        }
    }

    /// The layout.
    #[must_use]
    pub fn layout(&self) -> &StudyLayout {
        &self.layout
    }

    /// Paths skipped because a reported value was not finite (a bug upstream).
    #[must_use]
    pub fn invalid_paths(&self) -> u64 {
        self.invalid_paths
    }

    /// Adds one path: its global index, its facts (the regime by
    /// `[regimes] by`) and one outcome per line in [`LineSet`] order.
    pub fn push_path(
        &mut self,
        path: u64,
        facts: &PathFacts,
        outcomes: &[LineOutcome],
    ) -> Result<(), ReportError> {
        if outcomes.len() != self.layout.lines.len() {
            return Err(ReportError::LineCount {
                expected: self.layout.lines.len(),
                got: outcomes.len(),
            });
        }
        let mut inputs = Vec::with_capacity(outcomes.len());
        self.push_rounded(path, facts, outcomes, &mut inputs);
        Ok(())
    }

    /// Rounds `outcomes` to `f32` into `scratch` (reused across paths) and
    /// adds the path.
    fn push_rounded(
        &mut self,
        path: u64,
        facts: &PathFacts,
        outcomes: &[LineOutcome],
        scratch: &mut Vec<LineInputs>,
    ) {
        scratch.clear();
        scratch.extend(outcomes.iter().map(LineInputs::of));
        self.push_inputs(path, facts, scratch);
    }

    /// [`Self::push_path`] on inputs already in `f32`; `inputs` has one entry
    /// per line (checked by the callers). A path with a non-finite fact or
    /// input is counted in [`Self::invalid_paths`] and left out.
    fn push_inputs(&mut self, path: u64, facts: &PathFacts, inputs: &[LineInputs]) {
        let facts = facts.rounded();
        if !(facts.is_finite() && inputs.iter().all(LineInputs::is_finite)) {
            self.invalid_paths += 1;
            return;
        }
        let regime = self.layout.regimes.classify_path(&facts.measures());
        let acc = &mut self.regimes[regime_index(regime)];
        acc.paths += 1;
        #[expect(clippy::cast_possible_truncation, reason = "f32 values, rounded above")]
        for (m, x) in [
            (&mut acc.max_vix, facts.max_vix),
            (&mut acc.first_vix, facts.first_vix),
            (&mut acc.spx_return, facts.spx_return),
            (&mut acc.spx_max_drawdown, facts.spx_max_drawdown),
        ] {
            m.push_f32(x as f32);
        }
        let section = (path % SECTIONS as u64) as usize;
        #[expect(
            clippy::cast_possible_truncation,
            reason = "the definition: f32 capital"
        )]
        let capital = self.layout.capital as f32;
        let none = inputs[0];
        for (line, o) in acc.lines.iter_mut().zip(inputs) {
            line.push(section, &none, o, capital);
        }
    }

    /// The regime of a path with `facts` (by `[regimes] by`).
    #[must_use]
    pub fn regime_of(&self, facts: &PathFacts) -> Regime {
        self.layout
            .regimes
            .classify_path(&facts.rounded().measures())
    }

    /// Adds a batch (see [`PathBatch`] for its layout).
    pub fn push_batch(&mut self, batch: &PathBatch) -> Result<(), ReportError> {
        let n = batch.max_vix.len();
        let lines = self.layout.lines.len();
        if !batch.shape_ok(lines) {
            return Err(ReportError::BatchShape {
                paths: n,
                lines,
                returns: batch.spx_return.len(),
                outcomes: batch.outcomes.len(),
            });
        }
        let mut scratch = Vec::with_capacity(lines);
        for (p, chunk) in batch.outcomes.chunks_exact(lines).enumerate() {
            let index = batch.first_path + p as u64;
            self.push_rounded(index, &batch.facts(p), chunk, &mut scratch);
        }
        Ok(())
    }

    /// Adds a batch on rayon's thread pool: blocks of 8192 paths are pushed into
    /// per-task accumulators (about 16 MB each for 23 lines), which are then merged.
    /// The result is identical to [`Self::push_batch`] because merges are exact.
    pub fn push_batch_par(&mut self, batch: &PathBatch) -> Result<(), ReportError> {
        let lines = self.layout.lines.len();
        if !batch.shape_ok(lines) {
            return self.push_batch(batch);
        }
        let empty = || self.empty_like();
        let part = batch
            .outcomes
            .par_chunks(lines * PAR_BLOCK)
            .enumerate()
            .try_fold(empty, |mut acc, (block, chunk)| {
                let mut scratch = Vec::with_capacity(lines);
                for (p, outcomes) in chunk.chunks_exact(lines).enumerate() {
                    let i = block * PAR_BLOCK + p;
                    let index = batch.first_path + i as u64;
                    acc.push_rounded(index, &batch.facts(i), outcomes, &mut scratch);
                }
                Ok::<_, ReportError>(acc)
            })
            .try_reduce(empty, |mut a, b| {
                a.merge(&b)?;
                Ok(a)
            })?;
        self.merge(&part)
    }

    /// Adds another accumulator of the same layout; exact, so the result does not
    /// depend on how the paths were split or in which order parts are merged.
    pub fn merge(&mut self, other: &StudyAccumulator) -> Result<(), ReportError> {
        if self.layout != other.layout {
            return Err(ReportError::LayoutMismatch);
        }
        for (a, b) in self.regimes.iter_mut().zip(&other.regimes) {
            a.merge(b);
        }
        self.invalid_paths += other.invalid_paths;
        Ok(())
    }

    /// Replaces the regimes' statistics (in [`Regime::ALL`] order, laid out
    /// as this accumulator) and the invalid-path count; for
    /// [`StudyAccumulator::from_state`].
    pub(super) fn set_parts(&mut self, regimes: Vec<RegimeAcc>, invalid_paths: u64) {
        debug_assert_eq!(regimes.len(), Regime::ALL.len());
        self.regimes = regimes;
        self.invalid_paths = invalid_paths;
    }

    /// The statistics of one regime.
    #[must_use]
    pub fn regime(&self, regime: Regime) -> &RegimeAcc {
        &self.regimes[regime_index(regime)]
    }

    /// The statistics of all paths (the regimes merged).
    #[must_use]
    pub fn all(&self) -> RegimeAcc {
        let mut all = self.regimes[0].clone();
        for r in &self.regimes[1..] {
            all.merge(r);
        }
        all
    }
}

fn regime_index(regime: Regime) -> usize {
    Regime::ALL
        .iter()
        .position(|&r| r == regime)
        .expect("every regime is in Regime::ALL")
}
