//! GPU study kernel (`shaders/study.wgsl`): the path, the condor book and
//! every hedge program of a path in one invocation, the twin of
//! [`crate::study::run_block`]. The host builds the run's constants and
//! tables once ([`GpuStudy::new`]), then dispatches batches of paths and
//! turns each path's record into the [`PathOutcome`] the CPU books report.
//!
//! # Precision
//! The CPU books run in `f64`, the kernel in `f32` (WGSL has no portable
//! `f64`), with every USD amount that starts at the capital (condor cash,
//! equity lines, peaks) kept as an offset from the capital. Continuous
//! outputs agree to a few parts in a million of the capital; a path can
//! differ by more when an `f32` mark lands on the other side of a discrete
//! decision than the `f64` one (a strike rounding to the 5-point or 0.5-point
//! grid, a stop or take-profit level crossed by a hair, a contract count at a
//! whole number): `tests/gpu_study.rs` states and checks how often.

use bytemuck::{Pod, Zeroable};

use super::context::{GpuContext, GpuError};
use super::kernel::{
    bind_group, buffer, compute_pipeline, dispatch_paths, layout_entry, read_back, storage_entry,
    Kernel,
};
use super::marks::{marks_tables, DayTables, MarksParams};
use super::path_step::event_calendar;
use super::shaders;
use super::tables::{GpuTables, TABLES_GROUP};
use crate::config::{Instrument, StrikeKind};
use crate::model::vix::{event_term, VixCoefficients};
use crate::model::TRADING_DAYS_PER_YEAR;
use crate::sim::SimParams;
use crate::strategy::book::{PathOutcome, ProgramOutcome};
use crate::strategy::condor::CondorTally;
use crate::strategy::hedge::{Ledger, CAPITAL_PER_LAYER_UNIT, MAX_LAYERS};
use crate::strategy::spec::{ProgramKind, MAX_PROGRAMS, MAX_RUNGS};
use crate::strategy::stats::EquityStats;
use crate::study::StudySetup;

const LABEL: &str = "vixhedge.study";

/// Most VXTH tier levels the kernel holds.
pub const MAX_VXTH_LEVELS: usize = 8;

/// Invocations per workgroup of the study kernel.
pub const WORKGROUP_SIZE: u32 = 64;

/// The run's constants of `shaders/study.wgsl` (`StudyParams`, a storage
/// buffer of 4-byte fields). Keep in sync with the WGSL struct.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
struct StudyParams {
    horizon_days: u32,
    n_programs: u32,
    spot: f32,
    capital: f32,
    growth: f32,
    capital_growth: f32,
    vix_a: f32,
    entry_every_days: u32,
    max_open: u32,
    dte_days: u32,
    exit_dte: u32,
    short_delta: f32,
    long_delta: f32,
    wing_width: f32,
    risk_fraction: f32,
    take_profit: f32,
    stop_loss: f32,
    commission: f32,
    half_spread_min: f32,
    half_spread_frac: f32,
    h_commission: f32,
    h_half_spread_min: f32,
    h_half_spread_frac: f32,
    h_future_half_spread: f32,
    light_below: f32,
    light_scale: f32,
    moderate_up_to: f32,
    moderate_scale: f32,
    full_at: f32,
    inversion_override: u32,
    rsi_override: u32,
    rsi_period: u32,
    rsi_below: f32,
    macd_override: u32,
    macd_fast: u32,
    macd_slow: u32,
    macd_signal: u32,
    vxth_delta: f32,
    vxth_tenor_days: u32,
    vxth_roll_every_days: u32,
    vxth_levels_n: u32,
    vxth_levels: [f32; MAX_VXTH_LEVELS],
    vxth_weights: [f32; MAX_VXTH_LEVELS + 1],
}

/// One program of the run (`ProgramDesc` in the shader).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
struct ProgramDesc {
    kind: u32,
    adaptive: u32,
    n_layers: u32,
    n_rungs: u32,
    units: f32,
    ladder: [f32; MAX_RUNGS],
}

/// One layer (`LayerDesc` in the shader).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
struct LayerDesc {
    instrument: u32,
    tenor_days: u32,
    offset_days: u32,
    every_days: u32,
    roll_days_left: u32,
    strike_kind: u32,
    strike_value: f32,
    unit_contracts: f32,
}

/// The per-run capacities the kernel is compiled with (its private arrays
/// are sized to the run's books, not to the largest possible ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StudyShape {
    /// Programs on each path.
    pub programs: u32,
    /// Condor slots (`condor.max_open`).
    pub condors: u32,
    /// Hedge position slots per program.
    pub positions: u32,
    /// Ladder rungs per program.
    pub rungs: u32,
}

impl StudyShape {
    /// f32 words of one path's record.
    #[must_use]
    pub fn record_words(&self) -> u32 {
        15 + self.programs * (14 + 4 * self.rungs)
    }
}

/// The run's books do not fit the kernel.
fn unsupported(what: String) -> GpuError {
    GpuError::TooLarge(format!("the GPU study kernel does not support {what}"))
}

#[expect(clippy::cast_possible_truncation, reason = "GPU constants are f32")]
fn params_of(
    setup: &StudySetup,
) -> Result<(StudyParams, Vec<ProgramDesc>, Vec<LayerDesc>, StudyShape), GpuError> {
    let spec = &setup.spec;
    let c = &spec.condor;
    let a = &spec.adaptive;
    let x = &spec.vxth;
    let model_q = &setup.pricing.model_q;
    if x.tier_levels.len() > MAX_VXTH_LEVELS || x.tier_weights.len() > MAX_VXTH_LEVELS + 1 {
        return Err(unsupported(format!(
            "more than {MAX_VXTH_LEVELS} hedge.vxth.tier_levels"
        )));
    }
    let growth = (model_q.r / TRADING_DAYS_PER_YEAR).exp();
    let mut p = StudyParams {
        horizon_days: setup.horizon_days,
        n_programs: spec.programs.len() as u32,
        spot: setup.spot as f32,
        capital: c.capital as f32,
        growth: growth as f32,
        capital_growth: (c.capital * (growth - 1.0)) as f32,
        vix_a: VixCoefficients::new(&model_q.params).a as f32,
        entry_every_days: c.entry_every_days,
        max_open: c.max_open,
        dte_days: c.dte_days,
        exit_dte: c.exit_dte,
        short_delta: c.short_delta as f32,
        long_delta: c.long_delta as f32,
        wing_width: c.wing_width as f32,
        risk_fraction: c.risk_fraction as f32,
        take_profit: c.take_profit as f32,
        stop_loss: c.stop_loss as f32,
        commission: c.commission as f32,
        half_spread_min: c.half_spread_min as f32,
        half_spread_frac: c.half_spread_frac as f32,
        h_commission: spec.costs.commission as f32,
        h_half_spread_min: spec.costs.half_spread_min as f32,
        h_half_spread_frac: spec.costs.half_spread_frac as f32,
        h_future_half_spread: spec.costs.future_half_spread as f32,
        light_below: a.light_below as f32,
        light_scale: a.light_scale as f32,
        moderate_up_to: a.moderate_up_to as f32,
        moderate_scale: a.moderate_scale as f32,
        full_at: a.full_at as f32,
        inversion_override: u32::from(a.inversion_override),
        rsi_override: u32::from(a.rsi_override),
        rsi_period: a.rsi_period,
        rsi_below: a.rsi_below as f32,
        macd_override: u32::from(a.macd_override),
        macd_fast: a.macd_fast,
        macd_slow: a.macd_slow,
        macd_signal: a.macd_signal,
        vxth_delta: x.delta as f32,
        vxth_tenor_days: x.tenor_days,
        vxth_roll_every_days: x.roll_every_days,
        vxth_levels_n: x.tier_levels.len() as u32,
        ..StudyParams::default()
    };
    for (i, &l) in x.tier_levels.iter().enumerate() {
        p.vxth_levels[i] = l as f32;
    }
    // Tiers without a weight weigh 0, as `VxthConfig::weight`.
    for (i, &w) in x.tier_weights.iter().enumerate() {
        p.vxth_weights[i] = w as f32;
    }

    let mut programs = Vec::with_capacity(spec.programs.len());
    let mut layers = vec![LayerDesc::default(); spec.programs.len().max(1) * MAX_LAYERS];
    let mut positions = 1usize;
    let mut rungs = 1usize;
    for (i, prog) in spec.programs.iter().enumerate() {
        let (kind, adaptive) = match prog.kind() {
            ProgramKind::None => (0, false),
            ProgramKind::Layers { adaptive } => (1, adaptive),
            ProgramKind::Vxth => (2, false),
        };
        let mut ladder = [0.0f32; MAX_RUNGS];
        for (r, &k) in prog.ladder.iter().enumerate() {
            ladder[r] = k as f32;
        }
        programs.push(ProgramDesc {
            kind,
            adaptive: u32::from(adaptive),
            n_layers: prog.layers.len() as u32,
            n_rungs: prog.ladder.len() as u32,
            units: prog.units as f32,
            ladder,
        });
        rungs = rungs.max(prog.ladder.len());
        positions = positions.max(match prog.kind() {
            ProgramKind::None => 1,
            ProgramKind::Layers { .. } => crate::strategy::hedge::layer_capacity(&prog.layers),
            // One call held, plus the new one on a roll day when the old one
            // is closed the same day (it frees its slot first).
            ProgramKind::Vxth => 2,
        });
        for (j, l) in prog.layers.iter().enumerate() {
            layers[i * MAX_LAYERS + j] = LayerDesc {
                instrument: match l.instrument {
                    Instrument::Call => 0,
                    Instrument::Future => 1,
                },
                tenor_days: l.tenor_days,
                offset_days: l.offset_days,
                every_days: l.every_days,
                roll_days_left: l.roll_days_left,
                strike_kind: match l.strike.kind {
                    StrikeKind::OtmFrac => 0,
                    StrikeKind::PointsOverF => 1,
                    StrikeKind::Delta => 2,
                },
                strike_value: l.strike.value as f32,
                unit_contracts: (l.contracts * c.capital / CAPITAL_PER_LAYER_UNIT) as f32,
            };
        }
    }
    if programs.is_empty() {
        programs.push(ProgramDesc::default());
    }
    let shape = StudyShape {
        programs: programs.len() as u32,
        condors: c.max_open.max(1),
        positions: positions as u32,
        rungs: rungs as u32,
    };
    Ok((p, programs, layers, shape))
}

/// The study kernel's full WGSL source for `shape`.
#[must_use]
pub fn source(shape: StudyShape) -> String {
    format!(
        "const N_PROGRAMS: u32 = {}u;\nconst N_CONDORS: u32 = {}u;\nconst N_POSITIONS: u32 = {}u;\n\
         const N_RUNGS: u32 = {}u;\nconst RECORD_WORDS: u32 = {}u;\n{}",
        shape.programs,
        shape.condors,
        shape.positions,
        shape.rungs,
        shape.record_words(),
        shaders::STUDY_BODY
    )
}

/// The VIX index's `b` at the close of each day `0..=horizon` (annualised
/// variance): `VIX^2 / 100^2 = a v + b[day]`.
#[expect(clippy::cast_possible_truncation, reason = "GPU tables are f32")]
fn vix_b(setup: &StudySetup) -> Vec<f32> {
    let m = &setup.pricing.model_q;
    let k = VixCoefficients::new(&m.params);
    (0..=setup.horizon_days)
        .map(|d| (k.b + event_term(m, f64::from(d) / TRADING_DAYS_PER_YEAR)) as f32)
        .collect()
}

/// The study kernel of one run: pipeline, tables and constant buffers.
#[derive(Debug)]
pub struct GpuStudy {
    kernel: Kernel,
    tables: GpuTables,
    shape: StudyShape,
    sim: SimParams,
    capital: f64,
    rung_counts: Vec<usize>,
    bufs: Vec<wgpu::Buffer>,
}

impl GpuStudy {
    /// Compiles the kernel for `setup`'s books and uploads its tables and constants.
    ///
    /// # Errors
    /// Books beyond the kernel's capacities, tables beyond the device limits,
    /// or a pipeline that fails validation.
    pub fn new(ctx: &GpuContext, setup: &StudySetup) -> Result<Self, GpuError> {
        let (params, programs, layers, shape) = params_of(setup)?;
        let spec = &setup.spec;
        let mut max_tenor = spec.condor.dte_days.max(21).max(spec.vxth.tenor_days);
        for p in &spec.programs {
            for l in &p.layers {
                max_tenor = max_tenor.max(l.tenor_days);
            }
        }
        let days = DayTables::build(
            &setup.pricing.model_q,
            setup.horizon_days + 1,
            max_tenor.max(1),
        );
        let marks = MarksParams::new(&setup.pricing, 0);
        let src = source(shape);
        let record_bytes = u64::from(shape.record_words()) * 4;
        let kernel = compute_pipeline(
            ctx,
            LABEL,
            &src,
            "main",
            &[
                wgpu_uniform(0, std::mem::size_of::<SimParams>()),
                storage_entry(1, false, record_bytes as usize),
                storage_entry(2, true, 4),
                wgpu_uniform(3, std::mem::size_of::<MarksParams>()),
                storage_entry(4, true, std::mem::size_of::<StudyParams>()),
                storage_entry(5, true, std::mem::size_of::<ProgramDesc>()),
                storage_entry(6, true, std::mem::size_of::<LayerDesc>()),
                storage_entry(7, true, 4),
            ],
            true,
            wgpu::PipelineCompilationOptions {
                constants: &[("WORKGROUP_SIZE", f64::from(WORKGROUP_SIZE))],
                zero_initialize_workgroup_memory: false,
            },
        )?;
        let tables_layout = kernel
            .tables_layout
            .as_ref()
            .expect("the study kernel reads tables");
        let tables = GpuTables::new(ctx, tables_layout, &marks_tables(&setup.pricing, &days))?;
        use wgpu::BufferUsages as U;
        let upload = |name: &str, bytes: &[u8], usage: U| {
            let b = buffer(
                ctx,
                &format!("{LABEL}.{name}"),
                bytes.len().max(4) as u64,
                usage | U::COPY_DST,
            );
            ctx.queue.write_buffer(&b, 0, bytes);
            b
        };
        let calendar = event_calendar(&setup.params);
        let bufs = vec![
            upload("event_days", bytemuck::cast_slice(&calendar), U::STORAGE),
            upload("marks", bytemuck::bytes_of(&marks), U::UNIFORM),
            upload("params", bytemuck::bytes_of(&params), U::STORAGE),
            upload("programs", bytemuck::cast_slice(&programs), U::STORAGE),
            upload("layers", bytemuck::cast_slice(&layers), U::STORAGE),
            upload("vix_b", bytemuck::cast_slice(&vix_b(setup)), U::STORAGE),
        ];
        let rung_counts = spec.programs.iter().map(|p| p.ladder.len()).collect();
        Ok(Self {
            kernel,
            tables,
            shape,
            sim: setup.params,
            capital: spec.condor.capital,
            rung_counts,
            bufs,
        })
    }

    /// The capacities the kernel was compiled with.
    #[must_use]
    pub fn shape(&self) -> StudyShape {
        self.shape
    }

    /// The most paths one dispatch may carry on this device.
    #[must_use]
    pub fn max_batch_paths(&self, ctx: &GpuContext) -> usize {
        let l = ctx.device.limits();
        let record = u64::from(self.shape.record_words()) * 4;
        let by_binding = l.max_storage_buffer_binding_size.min(l.max_buffer_size) / record;
        let dim = u64::from(l.max_compute_workgroups_per_dimension);
        let by_grid = dim * dim * u64::from(WORKGROUP_SIZE);
        usize::try_from(by_binding.min(by_grid).min(u64::from(u32::MAX))).unwrap_or(usize::MAX)
    }

    /// Runs global paths `first_path .. first_path + n` in one dispatch per
    /// `batch` paths (clamped to the device limits) and returns their
    /// outcomes in path order; `on_batch` is called with the paths finished
    /// after each dispatch.
    ///
    /// # Errors
    /// A path index beyond `u32::MAX`, dispatch, poll or map failures.
    pub fn run_paths(
        &self,
        ctx: &GpuContext,
        first_path: u64,
        n: usize,
        batch: usize,
        mut on_batch: impl FnMut(usize),
    ) -> Result<Vec<PathOutcome>, GpuError> {
        let mut out = Vec::with_capacity(n);
        if n == 0 {
            return Ok(out);
        }
        let end = first_path
            .checked_add(n as u64)
            .filter(|&e| e <= 1u64 << 32)
            .ok_or_else(|| {
                GpuError::TooLarge(format!(
                    "paths {first_path}..+{n} pass the 32-bit path index"
                ))
            })?;
        let batch = batch.clamp(1, self.max_batch_paths(ctx)).min(n);
        let words = self.shape.record_words() as usize;
        let out_bytes = (batch * words * 4) as u64;
        use wgpu::BufferUsages as U;
        let sim_buf = buffer(
            ctx,
            "vixhedge.study.sim",
            std::mem::size_of::<SimParams>() as u64,
            U::UNIFORM | U::COPY_DST,
        );
        let rec_buf = buffer(
            ctx,
            "vixhedge.study.records",
            out_bytes,
            U::STORAGE | U::COPY_SRC,
        );
        let staging = buffer(
            ctx,
            "vixhedge.study.staging",
            out_bytes,
            U::MAP_READ | U::COPY_DST,
        );
        let b = &self.bufs;
        let group = bind_group(
            ctx,
            LABEL,
            &self.kernel.layout,
            &[&sim_buf, &rec_buf, &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]],
        );
        let mut words_out: Vec<f32> = Vec::with_capacity(batch * words);
        let mut start = first_path;
        while start < end {
            let m = (end - start).min(batch as u64);
            #[expect(clippy::cast_possible_truncation, reason = "range checked above")]
            let sim = self.sim.for_batch(start as u32, m as u32);
            dispatch_paths(
                ctx,
                LABEL,
                &self.kernel.pipeline,
                &[(0, &group), (TABLES_GROUP, self.tables.bind_group())],
                &[(&sim_buf, bytemuck::bytes_of(&sim))],
                m,
                WORKGROUP_SIZE,
            )?;
            words_out.clear();
            read_back(
                ctx,
                "vixhedge.study.readback",
                &rec_buf,
                &staging,
                m * words as u64 * 4,
                &mut words_out,
            )?;
            for rec in words_out.chunks_exact(words) {
                out.push(self.outcome(rec));
            }
            on_batch(m as usize);
            start += m;
        }
        Ok(out)
    }

    /// One path's record as the CPU books' [`PathOutcome`].
    fn outcome(&self, rec: &[f32]) -> PathOutcome {
        let cap = self.capital;
        let f = |i: usize| f64::from(rec[i]);
        let line = |i: usize| EquityStats {
            start: cap,
            last: cap + f(i + 1),
            peak: cap + f(i + 2),
            max_drawdown: f(i),
            worst_day: f(i + 3),
        };
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "whole counts"
        )]
        let count = |i: usize| rec[i] as u32;
        let condor = line(2);
        let tally = CondorTally {
            opened: count(6),
            skipped: count(7),
            stops: count(8),
            take_profits: count(9),
            time_exits: count(10),
            expiries: count(11),
            credits: f(12),
            debits: f(13),
            costs: f(14),
        };
        let ledger = |i: usize| Ledger {
            cash: f(i),
            premium: f(i + 1),
            payoff: f(i + 2),
            costs: f(i + 3),
        };
        let rungs = self.shape.rungs as usize;
        let empty = ProgramOutcome {
            equity: condor,
            hedge: Ledger::default(),
            unit: Ledger::default(),
            hedge_pnl: 0.0,
            unit_hedge_pnl: 0.0,
            ladder: [condor; MAX_RUNGS],
            rungs: 0,
        };
        let mut programs = [empty; MAX_PROGRAMS];
        for (p, &n_rungs) in self.rung_counts.iter().enumerate() {
            let b = 15 + p * (14 + 4 * rungs);
            let mut ladder = [condor; MAX_RUNGS];
            for (r, slot) in ladder.iter_mut().enumerate().take(n_rungs) {
                *slot = line(b + 14 + 4 * r);
            }
            programs[p] = ProgramOutcome {
                equity: line(b),
                hedge: ledger(b + 4),
                unit: ledger(b + 8),
                hedge_pnl: f(b + 12),
                unit_hedge_pnl: f(b + 13),
                ladder,
                rungs: n_rungs,
            };
        }
        PathOutcome {
            max_vix: f(0),
            spx_return: f(1),
            condor,
            condor_tally: tally,
            programs,
            count: self.rung_counts.len(),
        }
    }
}

fn wgpu_uniform(binding: u32, size: usize) -> wgpu::BindGroupLayoutEntry {
    layout_entry(binding, wgpu::BufferBindingType::Uniform, size as u64)
}
