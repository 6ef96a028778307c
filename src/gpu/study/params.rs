//! The run's constants of the study kernel: the `#[repr(C)]` blocks the
//! shader reads (keep in sync with `shaders/study.wgsl`), the capacities it
//! is compiled with, and its full source.

use bytemuck::{Pod, Zeroable};

use super::super::context::GpuError;
use super::super::shaders;
use crate::config::{Instrument, StrikeKind};
use crate::model::TRADING_DAYS_PER_YEAR;
use crate::strategy::hedge::{CAPITAL_PER_LAYER_UNIT, MAX_LAYERS};
use crate::strategy::spec::{ProgramKind, MAX_RUNGS};
use crate::study::StudySetup;

/// Most VXTH tier levels the kernel holds.
pub use crate::config::limits::MAX_VXTH_LEVELS;

/// The run's constants of `shaders/study.wgsl` (`StudyParams`, a storage
/// buffer of 4-byte fields). Keep in sync with the WGSL struct.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub(super) struct StudyParams {
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
pub(super) struct ProgramDesc {
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
pub(super) struct LayerDesc {
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

/// f32 words of a record before the programs: max VIX, SPX return, the
/// condor line (4), the condor tally (9), first VIX, SPX max drawdown.
pub const RECORD_HEAD: u32 = 17;

impl StudyShape {
    /// f32 words of one path's record.
    #[must_use]
    pub fn record_words(&self) -> u32 {
        RECORD_HEAD + self.programs * (14 + 4 * self.rungs)
    }
}

/// The run's books do not fit the kernel.
fn unsupported(what: String) -> GpuError {
    GpuError::TooLarge(format!("the GPU study kernel does not support {what}"))
}

#[expect(clippy::cast_possible_truncation, reason = "GPU constants are f32")]
pub(super) fn params_of(
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
        vix_a: setup.vix_map_f32().0,
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
pub(super) fn vix_b(setup: &StudySetup) -> Vec<f32> {
    setup.vix_map_f32().1
}
