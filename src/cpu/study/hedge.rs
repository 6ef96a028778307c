//! The hedge programs of the CPU study kernel: the twin of
//! `shaders/study/hedge.wgsl` (rules in `crate::strategy::hedge`) on every
//! lane of a block at once. The books are kept as structure of arrays over
//! the lanes (a slot of every lane is one [`Positions`]) and every rule is a
//! loop over the lanes whose branches are selects, so each lane's values are
//! those of the shader's operations in the shader's order; the day's marks
//! of the leading programs' slots are evaluated one batch per slot and
//! shared by the programs whose layers are identical.

#![expect(
    clippy::needless_range_loop,
    reason = "the lane loops index several lane arrays in step"
)]

use super::marks::{DayInputs, Fv, LaneInputs, MarksData, Uv, VixBatch, IDENTITY, W};
use super::stats::Lines;
use super::{Block, VIX_FUT_MULT, VIX_OPT_MULT};
use crate::shared::marks::max_wgsl;
use crate::strategy::hedge::{MAX_HEDGE_POSITIONS, MAX_LAYERS};
use crate::strategy::spec::MAX_PROGRAMS;
use crate::study::kernel::{LayerDesc, ProgramDesc, StudyParams};

/// Program kinds and instruments and strike rules of a layer (the shader's
/// constants).
const KIND_LAYERS: u32 = 1;
const KIND_VXTH: u32 = 2;
const INSTR_CALL: u32 = 0;
const STRIKE_OTM_FRAC: u32 = 0;
const STRIKE_POINTS_OVER_F: u32 = 1;
const STRIKE_DELTA: u32 = 2;

/// `W` flags, 0 or 1 (32-bit lanes, so that loops over them vectorise).
pub(super) type Mv = [u32; W];

/// `W` clear flags and `W` set flags.
pub(super) const NONE: Mv = [0; W];
pub(super) const ALL: Mv = [1; W];

/// Whether any flag of `m` is set.
#[inline(always)]
pub(super) fn any(m: &Mv) -> bool {
    m.iter().fold(0, |a, &x| a | x) != 0
}

/// One hedge slot of every lane (`Position` in the shader, lane by lane).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Positions {
    pub live: Mv,
    pub layer: Uv,
    pub instrument: Uv,
    pub expiry_day: Uv,
    pub close_day: Uv,
    /// Call strike, or the future's entry price; VIX points.
    pub strike: Fv,
    pub qty: Fv,
    pub qty_unit: Fv,
    pub mark: Fv,
}

/// Cash, premium, payoff, costs (USD) of a program's own line and of its
/// one-unit line (`Ledgers`), every lane.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Ledgers {
    pub main: [Fv; 4],
    pub unit: [Fv; 4],
}

/// The hedge books of a block's lanes.
#[derive(Debug, Clone)]
pub(super) struct Hedges {
    pub pos: [[Positions; MAX_HEDGE_POSITIONS]; MAX_PROGRAMS],
    pub ledgers: [Ledgers; MAX_PROGRAMS],
    /// The programs' lines and their rungs' lines.
    pub lines: [Lines; MAX_PROGRAMS],
    pub rungs: [[Lines; crate::strategy::spec::MAX_RUNGS]; MAX_PROGRAMS],
}

impl Hedges {
    pub fn new() -> Self {
        Self {
            pos: [[Positions::default(); MAX_HEDGE_POSITIONS]; MAX_PROGRAMS],
            ledgers: [Ledgers::default(); MAX_PROGRAMS],
            lines: [Lines::default(); MAX_PROGRAMS],
            rungs: [[Lines::default(); crate::strategy::spec::MAX_RUNGS]; MAX_PROGRAMS],
        }
    }

    /// The day's interest on the programs' cash.
    #[inline]
    pub fn interest(&mut self, sp: &StudyParams) {
        for l in &mut self.ledgers[..n_programs(sp)] {
            for x in l.main[0].iter_mut().chain(l.unit[0].iter_mut()) {
                *x *= sp.growth;
            }
        }
    }

    /// Hedge P&L of program `prog` on every lane (`hedge_pnl`): own line,
    /// one-unit line.
    #[inline]
    pub fn pnl(&self, sp: &StudyParams, prog: usize) -> (Fv, Fv) {
        let mut a = [0.0f32; W];
        let mut b = [0.0f32; W];
        for p in &self.pos[prog][..slots(sp)] {
            for l in 0..W {
                let per = value_per_contract(p.instrument[l], p.strike[l], p.mark[l]);
                let (na, nb) = (a[l] + p.qty[l] * per, b[l] + p.qty_unit[l] * per);
                a[l] = if p.live[l] != 0 { na } else { a[l] };
                b[l] = if p.live[l] != 0 { nb } else { b[l] };
            }
        }
        let led = &self.ledgers[prog];
        let mut main = [0.0f32; W];
        let mut unit = [0.0f32; W];
        for l in 0..W {
            main[l] = led.main[0][l] + a[l];
            unit[l] = led.unit[0][l] + b[l];
        }
        (main, unit)
    }

    /// Twin of `hedge_settle_mark_close` of program `prog` on every lane
    /// (the marks are in place), at VIX closes `vix`.
    #[inline(never)]
    pub fn settle_close(&mut self, sp: &StudyParams, prog: usize, day: u32, vix: &Fv) {
        let n_slots = slots(sp);
        let led = &mut self.ledgers[prog];
        for p in &mut self.pos[prog][..n_slots] {
            // Most slots of most days neither expire nor close.
            let mut due = 0u32;
            for l in 0..W {
                due |= p.live[l] & u32::from((p.expiry_day[l] <= day) | (day >= p.close_day[l]));
            }
            if due != 0 {
                settle_slot(sp, p, day, vix, led);
            }
        }
    }

    /// Twin of `hedge_open` of program `prog` on the lanes of `open`: the
    /// first free slot of each, which gets `p`; a lane without one opens
    /// nothing.
    #[inline(always)]
    fn open(&mut self, sp: &StudyParams, prog: usize, open: &Mv, p: &Positions) {
        let mut placed = NONE;
        for slot in &mut self.pos[prog][..slots(sp)] {
            place(slot, open, &mut placed, p);
            if placed == *open {
                break;
            }
        }
        open_ledgers(sp, &mut self.ledgers[prog], &placed, p);
    }

    /// Twin of `layer_due` on every lane.
    #[inline]
    fn layer_due(
        &self,
        sp: &StudyParams,
        prog: usize,
        index: u32,
        layer: &LayerDesc,
        day: u32,
    ) -> Mv {
        if day < layer.offset_days {
            return NONE;
        }
        if layer.every_days > 0 {
            let due = (day - layer.offset_days).is_multiple_of(layer.every_days);
            return [u32::from(due); W];
        }
        let mut held = NONE;
        for p in &self.pos[prog][..slots(sp)] {
            for l in 0..W {
                held[l] |= p.live[l] & u32::from(p.layer[l] == index);
            }
        }
        held.map(|h| h ^ 1)
    }
}

/// [`Hedges::settle_close`] of one slot: expiries settle at the VIX close,
/// positions at their close day are sold at the mark less costs.
#[inline(always)]
fn settle_slot(sp: &StudyParams, q: &mut Positions, day: u32, vix: &Fv, led: &mut Ledgers) {
    for l in 0..W {
        let call = q.instrument[l] == INSTR_CALL;
        let (strike, mark, qty, qu) = (q.strike[l], q.mark[l], q.qty[l], q.qty_unit[l]);
        let live = q.live[l] != 0;
        let expires = live & (q.expiry_day[l] <= day);
        let closes = live & !expires & (day >= q.close_day[l]);
        let settle = if call {
            max_wgsl(vix[l] - strike, 0.0)
        } else {
            vix[l]
        };
        let per_s = value_per_contract(q.instrument[l], strike, settle);
        let per_m = value_per_contract(q.instrument[l], strike, mark);
        let cost = cost_per_contract(sp, q.instrument[l], mark);
        let (m0, m2, m3) = (led.main[0][l], led.main[2][l], led.main[3][l]);
        let (u0, u2, u3) = (led.unit[0][l], led.unit[2][l], led.unit[3][l]);
        let (m0_s, m0_c) = (m0 + qty * per_s, m0 + qty * (per_m - cost));
        let (m2_s, m2_c) = (m2 + qty * per_s, m2 + qty * per_m);
        let (u0_s, u0_c) = (u0 + qu * per_s, u0 + qu * (per_m - cost));
        let (u2_s, u2_c) = (u2 + qu * per_s, u2 + qu * per_m);
        let (m3_c, u3_c) = (m3 + qty * cost, u3 + qu * cost);
        // The settled value on expiry, the closed one on a close, else as is.
        let pick = |settled: f32, closed: f32, kept: f32| {
            if expires {
                settled
            } else if closes {
                closed
            } else {
                kept
            }
        };
        led.main[0][l] = pick(m0_s, m0_c, m0);
        led.main[2][l] = pick(m2_s, m2_c, m2);
        led.main[3][l] = if closes { m3_c } else { m3 };
        led.unit[0][l] = pick(u0_s, u0_c, u0);
        led.unit[2][l] = pick(u2_s, u2_c, u2);
        led.unit[3][l] = if closes { u3_c } else { u3 };
        q.live[l] = u32::from(live & !expires & !closes);
    }
}

/// [`Hedges::open`] in one slot: the lanes of `open` not yet `placed` whose
/// slot is free get `p`.
#[inline(always)]
fn place(q: &mut Positions, open: &Mv, placed: &mut Mv, p: &Positions) {
    for l in 0..W {
        let here = (open[l] != 0) & (placed[l] == 0) & (q.live[l] == 0);
        placed[l] |= u32::from(here);
        q.live[l] |= u32::from(here);
        q.layer[l] = if here { p.layer[l] } else { q.layer[l] };
        q.instrument[l] = if here {
            p.instrument[l]
        } else {
            q.instrument[l]
        };
        q.expiry_day[l] = if here {
            p.expiry_day[l]
        } else {
            q.expiry_day[l]
        };
        q.close_day[l] = if here { p.close_day[l] } else { q.close_day[l] };
        q.strike[l] = if here { p.strike[l] } else { q.strike[l] };
        q.qty[l] = if here { p.qty[l] } else { q.qty[l] };
        q.qty_unit[l] = if here { p.qty_unit[l] } else { q.qty_unit[l] };
        q.mark[l] = if here { p.mark[l] } else { q.mark[l] };
    }
}

/// [`Hedges::open`]'s premium and costs on the lanes that `placed` a
/// position.
#[inline(always)]
fn open_ledgers(sp: &StudyParams, led: &mut Ledgers, placed: &Mv, p: &Positions) {
    for l in 0..W {
        let premium = if p.instrument[l] == INSTR_CALL {
            p.mark[l] * VIX_OPT_MULT
        } else {
            0.0
        };
        let cost = cost_per_contract(sp, p.instrument[l], p.mark[l]);
        let (qty, qu) = (p.qty[l], p.qty_unit[l]);
        let m = [
            led.main[0][l] - qty * (premium + cost),
            led.main[1][l] + qty * premium,
            led.main[3][l] + qty * cost,
        ];
        let u = [
            led.unit[0][l] - qu * (premium + cost),
            led.unit[1][l] + qu * premium,
            led.unit[3][l] + qu * cost,
        ];
        let on = placed[l] != 0;
        for (k, i) in [0usize, 1, 3].into_iter().enumerate() {
            led.main[i][l] = if on { m[k] } else { led.main[i][l] };
            led.unit[i][l] = if on { u[k] } else { led.unit[i][l] };
        }
    }
}

/// The run's programs and layers as the hedge books read them.
#[derive(Debug, Clone)]
pub(super) struct Programs {
    pub desc: Vec<ProgramDesc>,
    pub layers: Vec<LayerDesc>,
}

#[inline(always)]
fn value_per_contract(instrument: u32, strike: f32, price: f32) -> f32 {
    if instrument == INSTR_CALL {
        price * VIX_OPT_MULT
    } else {
        (price - strike) * VIX_FUT_MULT
    }
}

#[inline(always)]
fn cost_per_contract(sp: &StudyParams, instrument: u32, price: f32) -> f32 {
    let option = super::condor::option_leg_cost(
        1.0,
        price,
        sp.h_commission,
        sp.h_half_spread_min,
        sp.h_half_spread_frac,
        VIX_OPT_MULT,
    );
    let future = sp.h_commission + sp.h_future_half_spread * VIX_FUT_MULT;
    if instrument == INSTR_CALL {
        option
    } else {
        future
    }
}

fn round_step(x: f32, step: f32) -> f32 {
    (x / step + 0.5).floor() * step
}

/// Position slots in use per program.
fn slots(sp: &StudyParams) -> usize {
    (sp.position_slots as usize).min(MAX_HEDGE_POSITIONS)
}

/// Programs on the path.
pub(super) fn n_programs(sp: &StudyParams) -> usize {
    (sp.n_programs as usize).min(MAX_PROGRAMS)
}

/// Twin of `vxth_weight` on every lane.
fn vxth_weights(sp: &StudyParams, future: &Fv) -> Fv {
    let n = (sp.vxth_levels_n as usize).min(sp.vxth_levels.len());
    let mut out = [0.0f32; W];
    for l in 0..W {
        let mut tier = n;
        for (k, &level) in sp.vxth_levels[..n].iter().enumerate().rev() {
            tier = if future[l] <= level { k } else { tier };
        }
        out[l] = sp.vxth_weights[tier];
    }
    out
}

impl Block {
    /// Twin of `hedge_mark_all` on every lane: the marks of the leading
    /// programs' positions (one batch per slot), then the copies.
    #[inline(never)]
    pub fn hedge_mark_all(
        &mut self,
        m: &MarksData,
        sp: &StudyParams,
        progs: &Programs,
        day: u32,
        day_in: &DayInputs,
    ) {
        let n_prog = n_programs(sp);
        let n_slots = slots(sp);
        let h = &mut self.hedges;
        for prog in 0..n_prog {
            if progs.desc[prog].mark_from as usize != prog {
                continue;
            }
            for p in &mut h.pos[prog][..n_slots] {
                let mut open = NONE;
                let mut call = [0u32; W];
                for l in 0..W {
                    open[l] = p.live[l] & u32::from(p.expiry_day[l] > day);
                    call[l] = u32::from(p.instrument[l] == INSTR_CALL);
                }
                if !any(&open) {
                    continue;
                }
                let Some(first) = open.iter().position(|&x| x != 0) else {
                    continue;
                };
                // The lanes without a mark to take get the life of one that
                // has (the slots of the lanes mostly hold the same position).
                let n0 = p.expiry_day[first] - day;
                let mut n = [n0; W];
                for l in 0..W {
                    n[l] = if open[l] != 0 {
                        p.expiry_day[l].wrapping_sub(day)
                    } else {
                        n0
                    };
                }
                let batch = VixBatch {
                    lane: &IDENTITY,
                    call: &call,
                    strike: &p.strike,
                    n: &n,
                };
                let mut out = [0.0f32; W];
                m.vix_marks(day_in, &self.lane_inputs, &batch, &mut out);
                for l in 0..W {
                    p.mark[l] = if open[l] != 0 { out[l] } else { p.mark[l] };
                }
            }
        }
        for prog in 0..n_prog {
            let leader = progs.desc[prog].mark_from as usize;
            if leader == prog {
                continue;
            }
            for k in 0..n_slots {
                let lead = h.pos[leader][k].mark;
                let p = &mut h.pos[prog][k];
                for l in 0..W {
                    let open = (p.live[l] != 0) & (p.expiry_day[l] > day);
                    p.mark[l] = if open { lead[l] } else { p.mark[l] };
                }
            }
        }
    }

    /// Twin of `enter_hedges` on every lane: every program's entries of the
    /// day, with adaptive scales `scale` and condor equities `condor_eq`; the
    /// entry quotes (`hedge_entry_quote`) of a (leading program, layer) are
    /// evaluated once for every lane, when some lane enters.
    #[expect(
        clippy::too_many_arguments,
        reason = "the shader's enter_hedges and the lanes' inputs to it"
    )]
    #[inline(never)]
    pub fn enter_hedges(
        &mut self,
        m: &MarksData,
        sp: &StudyParams,
        progs: &Programs,
        day: u32,
        day_in: &DayInputs,
        scale: &Fv,
        condor_eq: &Fv,
    ) {
        let mut quoted = [[false; MAX_LAYERS]; MAX_PROGRAMS];
        for prog in 0..n_programs(sp) {
            let desc = progs.desc[prog];
            if desc.kind == KIND_LAYERS {
                let n = (desc.n_layers as usize).min(MAX_LAYERS);
                let key = desc.mark_from as usize;
                for i in 0..n {
                    let layer = progs.layers[prog * MAX_LAYERS + i];
                    let due = self.hedges.layer_due(sp, prog, i as u32, &layer, day);
                    if !any(&due) {
                        continue;
                    }
                    if !quoted[key][i] {
                        self.quotes[key][i] = quotes(m, day_in, &self.lane_inputs, &layer);
                        quoted[key][i] = true;
                    }
                    let (strike, mark) = self.quotes[key][i];
                    let tenor = layer.tenor_days;
                    let expiry = day + tenor;
                    let hold = layer
                        .roll_days_left
                        .min(if tenor > 0 { tenor - 1 } else { 0 });
                    let mut p = Positions {
                        live: ALL,
                        layer: [i as u32; W],
                        instrument: [layer.instrument; W],
                        expiry_day: [expiry; W],
                        close_day: [expiry - hold; W],
                        strike,
                        mark,
                        ..Positions::default()
                    };
                    for l in 0..W {
                        let s = if desc.adaptive != 0 { scale[l] } else { 1.0 };
                        let qty_unit = layer.unit_contracts * s;
                        p.qty_unit[l] = qty_unit;
                        p.qty[l] = (qty_unit * desc.units + 0.5).floor();
                    }
                    self.hedges.open(sp, prog, &due, &p);
                }
            } else if desc.kind == KIND_VXTH && day.is_multiple_of(sp.vxth_roll_every_days.max(1)) {
                // A ruined line has no equity to budget from.
                let ruined = self.hedges.lines[prog].ruined(sp.capital);
                let pnl = self.hedges.pnl(sp, prog).0;
                let weight = vxth_weights(sp, &self.market.vix_f1m);
                let mut budget = [0.0f32; W];
                for l in 0..W {
                    let line = sp.capital + (condor_eq[l] + pnl[l]);
                    budget[l] = if ruined[l] != 0 {
                        0.0
                    } else {
                        weight[l] * line
                    };
                }
                // (`budget <= 0` skips; a NaN budget does not.)
                if budget.iter().all(|&b| b <= 0.0) {
                    continue;
                }
                let layer = vxth_layer(sp);
                if !quoted[prog][0] {
                    self.quotes[prog][0] = quotes(m, day_in, &self.lane_inputs, &layer);
                    quoted[prog][0] = true;
                }
                let (strike, mark) = self.quotes[prog][0];
                let expiry = day + layer.tenor_days;
                let mut p = Positions {
                    live: ALL,
                    layer: [0; W],
                    instrument: [INSTR_CALL; W],
                    expiry_day: [expiry; W],
                    close_day: [(day + sp.vxth_roll_every_days).min(expiry); W],
                    strike,
                    mark,
                    ..Positions::default()
                };
                let mut enter = NONE;
                #[expect(
                    clippy::neg_cmp_op_on_partial_ord,
                    reason = "the shader's tests, which a NaN budget passes"
                )]
                for l in 0..W {
                    let qty = (budget[l] / (mark[l] * VIX_OPT_MULT)).floor();
                    enter[l] = u32::from(!((budget[l] <= 0.0) | (mark[l] <= 0.0)) & !(qty < 1.0));
                    p.qty[l] = qty;
                    p.qty_unit[l] = qty;
                }
                self.hedges.open(sp, prog, &enter, &p);
            }
        }
    }
}

/// The layer of a VXTH roll.
fn vxth_layer(sp: &StudyParams) -> LayerDesc {
    LayerDesc {
        instrument: INSTR_CALL,
        tenor_days: sp.vxth_tenor_days,
        offset_days: 0,
        every_days: 0,
        roll_days_left: 0,
        strike_kind: STRIKE_DELTA,
        strike_value: sp.vxth_delta,
        unit_contracts: 0.0,
    }
}

/// Twin of `hedge_entry_quote` on every lane: strikes and entry marks of a
/// new position of `layer`.
fn quotes(m: &MarksData, day: &DayInputs, lanes: &LaneInputs, layer: &LayerDesc) -> (Fv, Fv) {
    let n = layer.tenor_days as usize;
    let f = m.vix_futures(day, lanes, n);
    if layer.instrument != INSTR_CALL {
        return (f, f);
    }
    let v = layer.strike_value;
    let k = if layer.strike_kind == STRIKE_OTM_FRAC {
        f.map(|f| round_step(f * (1.0 + v), 0.5))
    } else if layer.strike_kind == STRIKE_POINTS_OVER_F {
        f.map(|f| round_step(f + v, 0.5))
    } else {
        m.vix_call_strikes(day, lanes, n, &f, v)
    };
    let strike = k.map(|k| max_wgsl(k, 0.5));
    let mut mark = [0.0f32; W];
    let batch = VixBatch {
        lane: &IDENTITY,
        call: &[1; W],
        strike: &strike,
        n: &[layer.tenor_days; W],
    };
    m.vix_marks(day, lanes, &batch, &mut mark);
    (strike, mark)
}
