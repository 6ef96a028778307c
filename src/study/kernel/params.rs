//! The run's constants of the study kernel: the `#[repr(C)]` blocks both
//! twins read (keep in sync with `shaders/study.wgsl`) and the run's slot
//! counts within the kernel's fixed capacities.

use bytemuck::{Pod, Zeroable};

use super::KernelError;
use crate::config::{Instrument, StrikeKind};
use crate::model::ivtable::norm_quantile;
use crate::model::TRADING_DAYS_PER_YEAR;
use crate::strategy::condor::MAX_CONDORS;
use crate::strategy::hedge::{CAPITAL_PER_LAYER_UNIT, MAX_HEDGE_POSITIONS, MAX_LAYERS};
use crate::strategy::spec::{ProgramKind, MAX_PROGRAMS, MAX_RUNGS};
use crate::study::StudySetup;

/// Most VXTH tier levels the kernel holds.
pub use crate::config::limits::MAX_VXTH_LEVELS;

/// The run's constants of `shaders/study.wgsl` (`StudyParams`, a storage
/// buffer of 4-byte fields; the shader's struct documents each field). Keep
/// in sync with the WGSL struct.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
#[expect(
    missing_docs,
    reason = "documented field by field in shaders/study.wgsl"
)]
pub struct StudyParams {
    pub horizon_days: u32,
    pub n_programs: u32,
    pub condor_slots: u32,
    pub position_slots: u32,
    pub record_programs: u32,
    pub record_rungs: u32,
    pub record_words: u32,
    pub spot: f32,
    pub capital: f32,
    pub growth: f32,
    pub capital_growth: f32,
    pub vix_a: f32,
    pub entry_every_days: u32,
    pub max_open: u32,
    pub dte_days: u32,
    pub exit_dte: u32,
    pub short_delta: f32,
    pub long_delta: f32,
    pub wing_width: f32,
    pub risk_fraction: f32,
    pub take_profit: f32,
    pub stop_loss: f32,
    pub commission: f32,
    pub half_spread_min: f32,
    pub half_spread_frac: f32,
    pub h_commission: f32,
    pub h_half_spread_min: f32,
    pub h_half_spread_frac: f32,
    pub h_future_half_spread: f32,
    pub light_below: f32,
    pub light_scale: f32,
    pub moderate_up_to: f32,
    pub moderate_scale: f32,
    pub full_at: f32,
    pub inversion_override: u32,
    pub rsi_override: u32,
    pub rsi_period: u32,
    pub rsi_below: f32,
    pub macd_override: u32,
    pub macd_fast: u32,
    pub macd_slow: u32,
    pub macd_signal: u32,
    pub vxth_delta: f32,
    pub vxth_tenor_days: u32,
    pub vxth_roll_every_days: u32,
    pub vxth_levels_n: u32,
    pub vxth_levels: [f32; MAX_VXTH_LEVELS],
    pub vxth_weights: [f32; MAX_VXTH_LEVELS + 1],
    pub d_star: [f32; 4],
}

/// One program of the run (`ProgramDesc` in the shader).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
#[expect(
    missing_docs,
    reason = "documented field by field in shaders/study.wgsl"
)]
pub struct ProgramDesc {
    pub kind: u32,
    pub adaptive: u32,
    pub n_layers: u32,
    pub n_rungs: u32,
    pub units: f32,
    pub ladder: [f32; MAX_RUNGS],
    pub mark_from: u32,
}

/// One layer (`LayerDesc` in the shader).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
#[expect(
    missing_docs,
    reason = "documented field by field in shaders/study.wgsl"
)]
pub struct LayerDesc {
    pub instrument: u32,
    pub tenor_days: u32,
    pub offset_days: u32,
    pub every_days: u32,
    pub roll_days_left: u32,
    pub strike_kind: u32,
    pub strike_value: f32,
    pub unit_contracts: f32,
}

/// The slots and record words a run's books use, within the kernel's fixed
/// capacities ([`CAPACITY`]): the kernel's loops run to these counts.
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
        super::HEADER_WORDS as u32 + self.programs * (14 + 4 * self.rungs)
    }
}

/// The fixed capacities of the study kernel's per-path arrays (its private
/// arrays in WGSL, the lane arrays of the CPU twin): the books' own limits,
/// so one compiled kernel serves every run.
pub const CAPACITY: StudyShape = StudyShape {
    programs: MAX_PROGRAMS as u32,
    condors: MAX_CONDORS as u32,
    positions: MAX_HEDGE_POSITIONS as u32,
    rungs: MAX_RUNGS as u32,
};

/// The run's books do not fit the kernel.
fn unsupported(what: String) -> KernelError {
    KernelError(format!("the study kernel does not support {what}"))
}

/// The constants, program and layer descriptions and slot counts of
/// `setup`'s books.
///
/// # Errors
/// Books beyond the kernel's capacities.
#[expect(clippy::cast_possible_truncation, reason = "kernel constants are f32")]
pub fn params_of(
    setup: &StudySetup,
) -> Result<(StudyParams, Vec<ProgramDesc>, Vec<LayerDesc>, StudyShape), KernelError> {
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
            mark_from: i as u32,
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
    // Identical layers hold identical positions: the later program copies
    // the earlier one's marks.
    let structure = |p: usize| -> Vec<[u32; 7]> {
        layers[p * MAX_LAYERS..p * MAX_LAYERS + programs[p].n_layers as usize]
            .iter()
            .map(|l| {
                [
                    l.instrument,
                    l.tenor_days,
                    l.offset_days,
                    l.every_days,
                    l.roll_days_left,
                    l.strike_kind,
                    l.strike_value.to_bits(),
                ]
            })
            .collect()
    };
    let from: Vec<u32> = (0..programs.len())
        .map(|i| {
            (0..i)
                .find(|&j| {
                    programs[j].kind == 1 && programs[i].kind == 1 && structure(j) == structure(i)
                })
                .unwrap_or(i) as u32
        })
        .collect();
    for (prog, f) in programs.iter_mut().zip(from) {
        prog.mark_from = f;
    }
    p.d_star = strike_quantiles(p.short_delta, p.long_delta);
    let shape = StudyShape {
        programs: programs.len() as u32,
        condors: c.max_open.max(1),
        positions: positions as u32,
        rungs: rungs as u32,
    };
    if shape.programs > CAPACITY.programs
        || shape.condors > CAPACITY.condors
        || shape.positions > CAPACITY.positions
        || shape.rungs > CAPACITY.rungs
    {
        return Err(unsupported(format!("{shape:?} (capacities {CAPACITY:?})")));
    }
    p.condor_slots = shape.condors;
    p.position_slots = shape.positions;
    p.record_programs = shape.programs;
    p.record_rungs = shape.rungs;
    p.record_words = shape.record_words();
    Ok((p, programs, layers, shape))
}

/// `N^{-1}` of the condor's four strike targets (short put, short call, long
/// put, long call), computed once on the host for both kernels: the signed
/// delta `-|delta|` for a put, `|delta|` for a call, `p = 1 + delta` for a
/// put (in `f32`, as the kernels used to), and [`norm_quantile`] of `p` in
/// `f64`, rounded (NaN when `p` is not in (0, 1) or the delta is 0, which the
/// kernels turn into a NaN strike).
#[must_use]
#[expect(clippy::cast_possible_truncation, reason = "kernel constants are f32")]
pub fn strike_quantiles(short_delta: f32, long_delta: f32) -> [f32; 4] {
    let mut out = [0.0f32; 4];
    for (j, slot) in out.iter_mut().enumerate() {
        let delta = if j < 2 { short_delta } else { long_delta };
        let call = j % 2 == 1;
        let signed = if call { delta.abs() } else { -delta.abs() };
        let p = if call { signed } else { 1.0 + signed };
        *slot = if p > 0.0 && p < 1.0 && signed != 0.0 {
            norm_quantile(f64::from(p)) as f32
        } else {
            f32::NAN
        };
    }
    out
}

/// The VIX index's `b` at the close of each day `0..=horizon` (annualised
/// variance): `VIX^2 / 100^2 = a v + b[day]`.
#[must_use]
pub fn vix_b(setup: &StudySetup) -> Vec<f32> {
    setup.vix_map_f32().1
}
