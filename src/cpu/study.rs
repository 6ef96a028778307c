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
//! operations (`process_close`). The books branch per lane and run lane by
//! lane; the marks, which are most of the work, are evaluated for the whole
//! block at once ([`marks`]): the legs of every lane's condors in one batch,
//! the candidate condor's strike searches in another, every lane's hedge
//! positions in a third (once per group of programs with identical layers,
//! whose positions are identical). Evaluating a mark early or once for
//! several programs does not change it: marks depend on the market only.
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

use self::condor::{Condor, SpxRequests};
use self::hedge::{n_programs, Ledgers, Position, Programs, VixRequests};
use self::marks::{DayInputs, LaneInputs, MarksData};
use self::signals::Signals;
use self::stats::Line;
use super::path_step::{LaneBlock, LANES};
use crate::shared::bootstrap::{filtered_variance_f32, BootstrapPath, BootstrapSeries};
use crate::shared::marks::max_wgsl;
use crate::shared::params::SimParams;
use crate::shared::pricing::{exp_portable, vix_from_affine};
use crate::strategy::book::PathOutcome;
use crate::strategy::condor::MAX_CONDORS;
use crate::strategy::hedge::MAX_HEDGE_POSITIONS;
use crate::strategy::spec::{MAX_PROGRAMS, MAX_RUNGS};
use crate::study::kernel::{KernelError, KernelInputs, RecordLayout, StudyParams, HEADER_WORDS};
use crate::study::StudySetup;

pub use crate::study::kernel::CAPACITY;

/// USD per index point of an SPX option, VIX option and VIX future.
const SPX_MULT: f32 = 100.0;
const VIX_OPT_MULT: f32 = 100.0;
const VIX_FUT_MULT: f32 = 1000.0;

/// Paths per parallel task: enough blocks to amortise scheduling, few enough
/// to balance two to sixty-four threads.
const TASK_PATHS: usize = 16 * LANES;

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
    // The hedge programs.
    positions: [[Position; MAX_HEDGE_POSITIONS]; MAX_PROGRAMS],
    ledgers: [Ledgers; MAX_PROGRAMS],
    // The lines.
    condor_line: Line,
    lines: [Line; MAX_PROGRAMS],
    rungs: [[Line; MAX_RUNGS]; MAX_PROGRAMS],
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
            positions: [[Position::default(); MAX_HEDGE_POSITIONS]; MAX_PROGRAMS],
            ledgers: [Ledgers::default(); MAX_PROGRAMS],
            condor_line: Line::default(),
            lines: [Line::default(); MAX_PROGRAMS],
            rungs: [[Line::default(); MAX_RUNGS]; MAX_PROGRAMS],
        }
    }
}

/// A block of lanes and its scratch space.
struct Block {
    path: LaneBlock,
    /// The lanes' bootstrap paths (bootstrap runs only).
    boot: [BootstrapPath; LANES],
    lanes: Box<[Lane; LANES]>,
    signals: Signals,
    day_inputs: DayInputs,
    lane_inputs: [LaneInputs; LANES],
    spx_requests: SpxRequests,
    spx_prices: Vec<f32>,
    vix_requests: VixRequests,
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
            marks: MarksData::new(inputs.marks, inputs.tables.clone(), max_days),
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
                    for (l, rec) in recs.chunks_mut(words).enumerate() {
                        self.write_record(&block.lanes[l], &block.path, l, rec);
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
            signals: Signals::new(),
            day_inputs: DayInputs::default(),
            lane_inputs: [LaneInputs::default(); LANES],
            spx_requests: SpxRequests::default(),
            spx_prices: Vec::new(),
            vix_requests: VixRequests::default(),
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
        let n_prog = n_programs(p);
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
                for l in &mut lane.ledgers[..n_prog] {
                    l.main[0] *= p.growth;
                    l.unit[0] *= p.growth;
                }
            }
            self.set_market(block, d);
            self.process_close(block, d, false);
        }
    }

    /// Twin of `set_market` on every lane (of `set_market_history` on
    /// bootstrap paths: the day's VIX close and the variance filtered from it).
    fn set_market(&self, block: &mut Block, d: u32) {
        let p = &self.study;
        let m = &self.marks;
        m.day_inputs(d, &mut block.day_inputs);
        let b = self.vix_b[d as usize];
        for l in 0..LANES {
            let lane = &mut block.lanes[l];
            lane.spx = p.spot * exp_portable(block.path.y[l]);
            if let Some(series) = &self.bootstrap {
                let close = series.vix(block.boot[l].day);
                lane.vix = close;
                lane.var_now = filtered_variance_f32(close, p.vix_a, b);
            } else {
                lane.var_now = if block.path.v[l] > 0.0 {
                    block.path.v[l]
                } else {
                    0.0
                };
                lane.vix = vix_from_affine(p.vix_a, lane.var_now, b);
            }
            block.lane_inputs[l] = m.lane_inputs(lane.var_now);
            lane.vix_f1m = m.vix_future(&block.day_inputs, &block.lane_inputs[l], 21);
        }
    }

    /// Twin of `process_close` on every lane.
    fn process_close(&self, block: &mut Block, day: u32, first: bool) {
        let p = &self.study;
        let m = &self.marks;
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
            block.condor_candidate(m, p);
        }
        block.condor_price_legs(m, p, day, entry_day);
        for lane in block.lanes.iter_mut() {
            lane.condor_settle_mark_exit(p, day);
        }
        block.hedge_mark_all(m, p, progs, day);
        for lane in block.lanes.iter_mut() {
            for prog in 0..n_prog {
                lane.hedge_settle_close(p, prog, day);
            }
            if entry_day {
                lane.condor_enter(p, day);
            }
        }
        for l in 0..LANES {
            let lane = &block.lanes[l];
            let condor_eq = lane.condor_cash + lane.condor_value(p);
            let scale = block.signals.scale(p, l, lane.vix, lane.vix_f1m);
            block.enter_hedges(m, p, progs, day, l, scale, condor_eq);
            let lane = &mut block.lanes[l];
            lane.condor_line.push(condor_eq, p.capital);
            if lane.condor_line.ruined(p.capital) {
                lane.condor_ruined = true;
            }
            for prog in 0..n_prog {
                let (h_main, h_unit) = lane.hedge_pnl(p, prog);
                lane.lines[prog].push(condor_eq + h_main, p.capital);
                let desc = &progs.desc[prog];
                for r in 0..(desc.n_rungs as usize).min(MAX_RUNGS) {
                    lane.rungs[prog][r].push(condor_eq + desc.ladder[r] * h_unit, p.capital);
                }
            }
        }
    }

    /// Twin of `write_record` for lane `l`.
    fn write_record(&self, lane: &Lane, path: &LaneBlock, l: usize, rec: &mut [f32]) {
        let p = &self.study;
        let _ = (path, l);
        rec[0] = lane.max_vix;
        rec[1] = lane.spx / p.spot - 1.0;
        rec[2..6].copy_from_slice(&lane.condor_line.words());
        rec[6..15].copy_from_slice(&lane.tally);
        rec[15] = lane.first_vix;
        rec[16] = lane.spx_max_dd;
        let n_rungs = (p.record_rungs as usize).min(MAX_RUNGS);
        let n_rec = (p.record_programs as usize).min(MAX_PROGRAMS);
        for prog in 0..n_rec {
            let b = HEADER_WORDS + prog * (14 + 4 * n_rungs);
            rec[b..b + 4].copy_from_slice(&lane.lines[prog].words());
            let led = &lane.ledgers[prog];
            rec[b + 4..b + 8].copy_from_slice(&led.main);
            rec[b + 8..b + 12].copy_from_slice(&led.unit);
            let (h_main, h_unit) = lane.hedge_pnl(p, prog);
            rec[b + 12] = h_main;
            rec[b + 13] = h_unit;
            for r in 0..n_rungs {
                let o = b + 14 + 4 * r;
                rec[o..o + 4].copy_from_slice(&lane.rungs[prog][r].words());
            }
        }
    }
}
