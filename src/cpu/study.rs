//! CPU twin of `shaders/study.wgsl`: the study kernel in `f32`, sixteen paths
//! in lockstep, writing the shader's per-path record word for word
//! (`crate::study::kernel::RecordLayout`). An independent Rust
//! implementation of the shader's algorithm (the books in
//! `shaders/study/*.wgsl`, the marks of `shaders/shared/marks.wgsl`), not
//! generated from it; on lavapipe, which rounds the shader's `f32`
//! operations as written, every record word is the same bits
//! (tests/cpu_study.rs).
//!
//! # Structure
//! A block of [`LANES`] consecutive paths advances one trading day at a time:
//! the market step of all lanes ([`LaneBlock`], the path kernel's twin), the
//! close's market of every lane, then the books in the shader's order of
//! operations (`process_close`). Every lane's operations are the shader's,
//! in the shader's order; only the grouping across lanes differs:
//!
//! - the marks, which are most of the work, are evaluated sixteen at a time
//!   in loops that the compiler vectorises ([`marks`]): each live condor's
//!   legs in one batch per leg and expiry day (the condors of one entry day,
//!   at most one per lane), the candidate's strike searches and legs for
//!   every lane at once, every hedge slot of the programs that lead a group
//!   with identical layers (whose positions are identical) for every lane at
//!   once;
//! - the hedge programs and the equity lines are kept as structure of
//!   arrays over the lanes and advanced for every lane at once, their
//!   branches evaluated as selects ([`hedge`], [`stats`]);
//! - the condor book branches per lane and runs lane by lane ([`condor`]).
//!
//! Evaluating a mark early, once for several programs or for a lane that
//! does not read it does not change it: marks depend on the market only.
//!
//! The kernel's fixed capacities ([`CAPACITY`]) size the per-lane state, as
//! the shader's private arrays; the loops run to the run's slot counts.

mod condor;
mod hedge;
mod marks;
mod signals;
mod stats;

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use self::condor::Condor;
use self::hedge::{n_programs, Hedges, Programs};
use self::marks::{exp_lane, Fv, LaneInputs, MarksData, W};
use self::signals::Signals;
use self::stats::Lines;
use super::path_step::{LaneBlock, LANES};
use crate::shared::bootstrap::{filtered_variance_f32, BootstrapPath, BootstrapSeries};
use crate::shared::marks::max_wgsl;
use crate::shared::params::SimParams;
use crate::shared::pricing::vix_from_affine;
use crate::strategy::book::PathOutcome;
use crate::strategy::condor::MAX_CONDORS;
use crate::strategy::hedge::MAX_LAYERS;
use crate::strategy::spec::{MAX_PROGRAMS, MAX_RUNGS};
use crate::study::kernel::{KernelError, KernelInputs, RecordLayout, StudyParams, HEADER_WORDS};
use crate::study::StudySetup;

pub use crate::study::kernel::CAPACITY;

/// USD per index point of an SPX option, VIX option and VIX future.
const SPX_MULT: f32 = 100.0;
const VIX_OPT_MULT: f32 = 100.0;
const VIX_FUT_MULT: f32 = 1000.0;

/// Paths per parallel task: enough blocks to amortise scheduling (a block
/// takes about a millisecond), few enough to balance two to sixty-four
/// threads on a batch of a few thousand paths (a batch's last tasks keep
/// some threads idle).
const TASK_PATHS: usize = 4 * LANES;

/// The study kernel of one run on the CPU: the run's inputs, prepared for
/// the lanes.
#[derive(Debug)]
pub struct CpuStudy {
    sim: SimParams,
    study: StudyParams,
    programs: Programs,
    vix_b: Vec<f32>,
    bootstrap: Option<BootstrapSeries>,
    marks: MarksData,
    layout: RecordLayout,
}

/// The books of one lane (the shader's private state of one invocation).
#[derive(Debug, Clone)]
struct Lane {
    // The close's market.
    spx: f32,
    var_now: f32,
    vix: f32,
    vix_f1m: f32,
    max_vix: f32,
    first_vix: f32,
    spx_peak: f32,
    spx_max_dd: f32,
    // The condor book.
    condor_ruined: bool,
    condors: [Condor; MAX_CONDORS],
    condor_cash: f32,
    tally: [f32; 9],
    leg_price: [f32; 4 * (MAX_CONDORS + 1)],
    candidate: [f32; 4],
}

impl Lane {
    fn new() -> Self {
        Self {
            spx: 0.0,
            var_now: 0.0,
            vix: 0.0,
            vix_f1m: 0.0,
            max_vix: 0.0,
            first_vix: 0.0,
            spx_peak: 0.0,
            spx_max_dd: 0.0,
            condor_ruined: false,
            condors: [Condor::default(); MAX_CONDORS],
            condor_cash: 0.0,
            tally: [0.0; 9],
            leg_price: [0.0; 4 * (MAX_CONDORS + 1)],
            candidate: [0.0; 4],
        }
    }
}

/// A block of lanes and its scratch space.
struct Block {
    path: LaneBlock,
    /// The lanes' bootstrap paths (bootstrap runs only).
    boot: [BootstrapPath; LANES],
    lanes: Box<[Lane; LANES]>,
    /// The close's market of every lane (as in `lanes`).
    market: Market,
    /// The hedge programs and their lines.
    hedges: Box<Hedges>,
    /// The condor book's line.
    condor_line: Lines,
    signals: Signals,
    /// The lanes' inputs to the marks of the day.
    lane_inputs: LaneInputs,
    /// The day's entry quotes (strike, mark) of every lane by (leading
    /// program, layer).
    quotes: [[(Fv, Fv); MAX_LAYERS]; MAX_PROGRAMS],
}

impl CpuStudy {
    /// The kernel of `setup`'s run.
    ///
    /// # Errors
    /// Books beyond the kernel's capacities or tables beyond its index.
    pub fn new(setup: &StudySetup) -> Result<Self, KernelError> {
        Ok(Self::with_inputs(&KernelInputs::new(setup)?))
    }

    /// The kernel of the run `inputs` describes.
    #[must_use]
    pub fn with_inputs(inputs: &KernelInputs) -> Self {
        let p = &inputs.study;
        let mut max_days = p.dte_days.max(21).max(p.vxth_tenor_days);
        for l in &inputs.layers {
            max_days = max_days.max(l.tenor_days);
        }
        Self {
            sim: inputs.sim,
            study: inputs.study,
            programs: Programs {
                desc: inputs.programs.clone(),
                layers: inputs.layers.clone(),
            },
            vix_b: inputs.vix_b.clone(),
            bootstrap: inputs.bootstrap.clone(),
            marks: MarksData::new(
                inputs.marks,
                inputs.tables.clone(),
                max_days,
                p.horizon_days,
            ),
            layout: inputs.layout.clone(),
        }
    }

    /// How to read the records.
    #[must_use]
    pub fn layout(&self) -> &RecordLayout {
        &self.layout
    }

    /// The records of global paths `first_path .. first_path + n` (the
    /// layout's words per path, in path order), in parallel over blocks;
    /// `done` grows by the paths finished.
    #[must_use]
    pub fn run_records(&self, first_path: u32, n: usize, done: &AtomicUsize) -> Vec<f32> {
        let words = self.layout.words();
        let mut out = vec![0.0f32; n * words];
        out.par_chunks_mut(TASK_PATHS * words)
            .enumerate()
            .for_each(|(t, chunk)| {
                let start = first_path.wrapping_add((t * TASK_PATHS) as u32);
                let paths = chunk.len() / words;
                let mut block = self.block(start);
                for (b, recs) in chunk.chunks_mut(LANES * words).enumerate() {
                    if b > 0 {
                        block = self.block(start.wrapping_add((b * LANES) as u32));
                    }
                    self.run_block(&mut block);
                    let n_prog = n_programs(&self.study);
                    let pnl: [(Fv, Fv); MAX_PROGRAMS] = std::array::from_fn(|prog| {
                        if prog < n_prog {
                            block.hedges.pnl(&self.study, prog)
                        } else {
                            ([0.0; W], [0.0; W])
                        }
                    });
                    for (l, rec) in recs.chunks_mut(words).enumerate() {
                        self.write_record(&block, &pnl, l, rec);
                    }
                }
                done.fetch_add(paths, Ordering::Relaxed);
            });
        out
    }

    /// The outcomes of global paths `first_path .. first_path + n`, in path
    /// order.
    #[must_use]
    pub fn run_paths(&self, first_path: u32, n: usize, done: &AtomicUsize) -> Vec<PathOutcome> {
        let words = self.layout.words();
        let records = self.run_records(first_path, n, done);
        records
            .par_chunks_exact(words)
            .map(|r| self.layout.outcome(r))
            .collect()
    }

    fn block(&self, first_path: u32) -> Block {
        let key = [self.sim.key0, self.sim.key1];
        let boot = std::array::from_fn(|l| match &self.bootstrap {
            Some(s) => BootstrapPath::start(s, key, first_path.wrapping_add(l as u32)),
            None => BootstrapPath::default(),
        });
        // Bootstrap paths read no variance: no burn-in for them.
        let mut sim = self.sim;
        if self.bootstrap.is_some() {
            sim.burn_steps = 0;
        }
        let path = LaneBlock::new(&sim, first_path);
        Block {
            path,
            boot,
            lanes: Box::new(std::array::from_fn(|_| Lane::new())),
            market: Market::default(),
            hedges: Box::new(Hedges::new()),
            condor_line: Lines::default(),
            signals: Signals::new(),
            lane_inputs: LaneInputs::default(),
            quotes: [[([0.0; W], [0.0; W]); MAX_LAYERS]; MAX_PROGRAMS],
        }
    }

    /// The shader's `main` for the lanes of `block`, up to the record.
    fn run_block(&self, block: &mut Block) {
        let p = &self.study;
        let sim = &self.sim;
        let key = [sim.key0, sim.key1];
        self.set_market(block, 0);
        for lane in block.lanes.iter_mut() {
            lane.max_vix = lane.vix;
            lane.first_vix = lane.vix;
            lane.spx_peak = lane.spx;
            lane.spx_max_dd = 0.0;
        }
        self.process_close(block, 0, true);
        let spd = sim.steps_per_day;
        for d in 1..=p.horizon_days {
            if let Some(series) = &self.bootstrap {
                for l in 0..LANES {
                    let path = block.path.paths[l];
                    block.boot[l].step(series, key, path, d);
                    block.path.y[l] = block.boot[l].y();
                }
            } else {
                for s in 0..spd {
                    block.path.step(sim, (d - 1) * spd + s);
                }
            }
            // Interest, before anything else on the day.
            for lane in block.lanes.iter_mut() {
                lane.condor_cash = lane.condor_cash * p.growth + p.capital_growth;
            }
            block.hedges.interest(p);
            self.set_market(block, d);
            self.process_close(block, d, false);
        }
    }

    /// Twin of `set_market` on every lane (of `set_market_history` on
    /// bootstrap paths: the day's VIX close and the variance filtered from it).
    #[inline(never)]
    fn set_market(&self, block: &mut Block, d: u32) {
        let p = &self.study;
        let m = &self.marks;
        let b = self.vix_b[d as usize];
        let spx: Fv = block.path.y.map(|y| p.spot * exp_lane(y));
        let mut var_now = [0.0f32; W];
        let mut vix = [0.0f32; W];
        if let Some(series) = &self.bootstrap {
            for l in 0..W {
                let close = series.vix(block.boot[l].day);
                vix[l] = close;
                var_now[l] = filtered_variance_f32(close, p.vix_a, b);
            }
        } else {
            for l in 0..W {
                let v = block.path.v[l];
                var_now[l] = if v > 0.0 { v } else { 0.0 };
                vix[l] = vix_from_affine(p.vix_a, var_now[l], b);
            }
        }
        m.lane_inputs(&var_now, &mut block.lane_inputs);
        let f1m = m.vix_futures(m.day(d), &block.lane_inputs, 21);
        for (l, lane) in block.lanes.iter_mut().enumerate() {
            lane.spx = spx[l];
            lane.var_now = var_now[l];
            lane.vix = vix[l];
            lane.vix_f1m = f1m[l];
        }
        block.market = Market { vix, vix_f1m: f1m };
    }

    /// Twin of `process_close` on every lane.
    #[inline(never)]
    fn process_close(&self, block: &mut Block, day: u32, first: bool) {
        let p = &self.study;
        let m = &self.marks;
        let day_in = m.day(day);
        let progs = &self.programs;
        let n_prog = n_programs(p);
        let spx: [f32; LANES] = std::array::from_fn(|l| block.lanes[l].spx);
        block.signals.update(p, &spx, first);
        for lane in block.lanes.iter_mut() {
            lane.max_vix = if lane.max_vix > lane.vix {
                lane.max_vix
            } else {
                lane.vix
            };
            lane.spx_peak = max_wgsl(lane.spx_peak, lane.spx);
            lane.spx_max_dd = max_wgsl(lane.spx_max_dd, (lane.spx_peak - lane.spx) / lane.spx_peak);
        }
        let entry_day = day.is_multiple_of(p.entry_every_days.max(1));
        if entry_day {
            block.condor_candidate(m, p, day_in);
        }
        block.condor_price_legs(m, p, day, entry_day, day_in);
        for lane in block.lanes.iter_mut() {
            lane.condor_settle_mark_exit(p, day);
        }
        block.hedge_mark_all(m, p, progs, day, day_in);
        for prog in 0..n_prog {
            block.hedges.settle_close(p, prog, day, &block.market.vix);
        }
        if entry_day {
            for lane in block.lanes.iter_mut() {
                lane.condor_enter(p, day);
            }
        }
        let mut condor_eq = [0.0f32; W];
        let mut scale = [0.0f32; W];
        for (l, lane) in block.lanes.iter().enumerate() {
            condor_eq[l] = lane.condor_cash + lane.condor_value(p);
            scale[l] = block.signals.scale(p, l, lane.vix, lane.vix_f1m);
        }
        block.enter_hedges(m, p, progs, day, day_in, &scale, &condor_eq);
        block.condor_line.push(&condor_eq, p.capital);
        let ruined = block.condor_line.ruined(p.capital);
        for (lane, &r) in block.lanes.iter_mut().zip(&ruined) {
            if r != 0 {
                lane.condor_ruined = true;
            }
        }
        let h = &mut *block.hedges;
        for prog in 0..n_prog {
            let (h_main, h_unit) = h.pnl(p, prog);
            let mut e = [0.0f32; W];
            for l in 0..W {
                e[l] = condor_eq[l] + h_main[l];
            }
            h.lines[prog].push(&e, p.capital);
            let desc = &progs.desc[prog];
            for r in 0..(desc.n_rungs as usize).min(MAX_RUNGS) {
                let k = desc.ladder[r];
                for l in 0..W {
                    e[l] = condor_eq[l] + k * h_unit[l];
                }
                h.rungs[prog][r].push(&e, p.capital);
            }
        }
    }

    /// Twin of `write_record` for lane `l` of `block`, with the programs'
    /// hedge P&L `pnl`.
    #[expect(
        clippy::needless_range_loop,
        reason = "prog indexes the lines, ledgers and P&L"
    )]
    fn write_record(
        &self,
        block: &Block,
        pnl: &[(Fv, Fv); MAX_PROGRAMS],
        l: usize,
        rec: &mut [f32],
    ) {
        let p = &self.study;
        let lane = &block.lanes[l];
        let h = &block.hedges;
        rec[0] = lane.max_vix;
        rec[1] = lane.spx / p.spot - 1.0;
        rec[2..6].copy_from_slice(&block.condor_line.words(l));
        rec[6..15].copy_from_slice(&lane.tally);
        rec[15] = lane.first_vix;
        rec[16] = lane.spx_max_dd;
        let n_rungs = (p.record_rungs as usize).min(MAX_RUNGS);
        let n_rec = (p.record_programs as usize).min(MAX_PROGRAMS);
        for prog in 0..n_rec {
            let b = HEADER_WORDS + prog * (14 + 4 * n_rungs);
            rec[b..b + 4].copy_from_slice(&h.lines[prog].words(l));
            let led = &h.ledgers[prog];
            for k in 0..4 {
                rec[b + 4 + k] = led.main[k][l];
                rec[b + 8 + k] = led.unit[k][l];
            }
            rec[b + 12] = pnl[prog].0[l];
            rec[b + 13] = pnl[prog].1[l];
            for r in 0..n_rungs {
                let o = b + 14 + 4 * r;
                rec[o..o + 4].copy_from_slice(&h.rungs[prog][r].words(l));
            }
        }
    }
}

/// The close's market of every lane of a block.
#[derive(Debug, Clone, Copy, Default)]
struct Market {
    vix: Fv,
    vix_f1m: Fv,
}
