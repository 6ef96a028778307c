//! The hedge programs of the CPU study kernel: the twin of
//! `shaders/study/hedge.wgsl` (rules in `crate::strategy::hedge`), lane by
//! lane, with the day's marks of every position evaluated for the whole
//! block at once and shared by the programs whose layers are identical.

use super::marks::MarksData;
use super::{Block, Lane, LANES, VIX_FUT_MULT, VIX_OPT_MULT};
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

/// One hedge slot (`Position` in the shader).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Position {
    pub live: bool,
    pub layer: u32,
    pub instrument: u32,
    pub expiry_day: u32,
    pub close_day: u32,
    /// Call strike, or the future's entry price; VIX points.
    pub strike: f32,
    pub qty: f32,
    pub qty_unit: f32,
    pub mark: f32,
}

/// Cash, premium, payoff, costs (USD) of a program's own line and of its
/// one-unit line (`Ledgers`).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Ledgers {
    pub main: [f32; 4],
    pub unit: [f32; 4],
}

/// The run's programs and layers as the hedge books read them.
#[derive(Debug, Clone)]
pub(super) struct Programs {
    pub desc: Vec<ProgramDesc>,
    pub layers: Vec<LayerDesc>,
}

fn value_per_contract(p: &Position, price: f32) -> f32 {
    if p.instrument == INSTR_CALL {
        price * VIX_OPT_MULT
    } else {
        (price - p.strike) * VIX_FUT_MULT
    }
}

fn cost_per_contract(sp: &StudyParams, instrument: u32, price: f32) -> f32 {
    if instrument == INSTR_CALL {
        super::condor::option_leg_cost(
            1.0,
            price,
            sp.h_commission,
            sp.h_half_spread_min,
            sp.h_half_spread_frac,
            VIX_OPT_MULT,
        )
    } else {
        sp.h_commission + sp.h_future_half_spread * VIX_FUT_MULT
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

impl Lane {
    /// Hedge P&L of program `prog` (`hedge_pnl`): own line, one-unit line.
    pub fn hedge_pnl(&self, sp: &StudyParams, prog: usize) -> (f32, f32) {
        let (mut a, mut b) = (0.0f32, 0.0f32);
        for p in &self.positions[prog][..slots(sp)] {
            if p.live {
                let per = value_per_contract(p, p.mark);
                a += p.qty * per;
                b += p.qty_unit * per;
            }
        }
        let l = &self.ledgers[prog];
        (l.main[0] + a, l.unit[0] + b)
    }

    /// Twin of `hedge_settle_mark_close` (the marks are in place).
    pub fn hedge_settle_close(&mut self, sp: &StudyParams, prog: usize, day: u32) {
        let mut l = self.ledgers[prog];
        let vix = self.vix;
        for k in 0..slots(sp) {
            let p = self.positions[prog][k];
            if !p.live {
                continue;
            }
            let days_left = p.expiry_day.saturating_sub(day);
            if days_left == 0 {
                let settle = if p.instrument == INSTR_CALL {
                    max_wgsl(vix - p.strike, 0.0)
                } else {
                    vix
                };
                let per = value_per_contract(&p, settle);
                l.main[0] += p.qty * per;
                l.main[2] += p.qty * per;
                l.unit[0] += p.qty_unit * per;
                l.unit[2] += p.qty_unit * per;
                self.positions[prog][k].live = false;
                continue;
            }
            if day >= p.close_day {
                let per = value_per_contract(&p, p.mark);
                let cost = cost_per_contract(sp, p.instrument, p.mark);
                l.main[0] += p.qty * (per - cost);
                l.main[2] += p.qty * per;
                l.main[3] += p.qty * cost;
                l.unit[0] += p.qty_unit * (per - cost);
                l.unit[2] += p.qty_unit * per;
                l.unit[3] += p.qty_unit * cost;
                self.positions[prog][k].live = false;
            }
        }
        self.ledgers[prog] = l;
    }

    /// Twin of `hedge_open`.
    fn hedge_open(&mut self, sp: &StudyParams, prog: usize, p: Position) {
        let n_slots = slots(sp);
        let Some(slot) = self.positions[prog][..n_slots].iter().position(|q| !q.live) else {
            return;
        };
        let premium = if p.instrument == INSTR_CALL {
            p.mark * VIX_OPT_MULT
        } else {
            0.0
        };
        let cost = cost_per_contract(sp, p.instrument, p.mark);
        let l = &mut self.ledgers[prog];
        l.main[0] -= p.qty * (premium + cost);
        l.main[1] += p.qty * premium;
        l.main[3] += p.qty * cost;
        l.unit[0] -= p.qty_unit * (premium + cost);
        l.unit[1] += p.qty_unit * premium;
        l.unit[3] += p.qty_unit * cost;
        self.positions[prog][slot] = p;
    }

    /// Twin of `layer_due`.
    fn layer_due(
        &self,
        sp: &StudyParams,
        prog: usize,
        index: u32,
        layer: &LayerDesc,
        day: u32,
    ) -> bool {
        if day < layer.offset_days {
            return false;
        }
        if layer.every_days > 0 {
            return (day - layer.offset_days).is_multiple_of(layer.every_days);
        }
        !self.positions[prog][..slots(sp)]
            .iter()
            .any(|p| p.live && p.layer == index)
    }

    /// Twin of `vxth_weight`.
    fn vxth_weight(sp: &StudyParams, future: f32) -> f32 {
        let n = sp.vxth_levels_n as usize;
        let tier = sp.vxth_levels[..n]
            .iter()
            .position(|&level| future <= level)
            .unwrap_or(n);
        sp.vxth_weights[tier]
    }
}

impl Block {
    /// Twin of `hedge_mark_all` on every lane: the marks of the leading
    /// programs' positions for the whole block, then the copies.
    pub fn hedge_mark_all(&mut self, m: &MarksData, sp: &StudyParams, progs: &Programs, day: u32) {
        let n_prog = n_programs(sp);
        let n_slots = slots(sp);
        let r = &mut self.vix_requests;
        r.clear();
        for (l, lane) in self.lanes.iter().enumerate() {
            for prog in 0..n_prog {
                if progs.desc[prog].mark_from as usize != prog {
                    continue;
                }
                for (k, p) in lane.positions[prog][..n_slots].iter().enumerate() {
                    if p.live && p.expiry_day > day {
                        r.push(
                            l,
                            prog,
                            k,
                            p.expiry_day - day,
                            p.strike,
                            p.instrument == INSTR_CALL,
                        );
                    }
                }
            }
        }
        let day_in = &self.day_inputs;
        let lanes_in = &self.lane_inputs;
        let n = r.len();
        let reqs = r.lane.iter().zip(&r.days).zip(r.strike.iter().zip(&r.call));
        for (mark, ((&l, &days), (&strike, &call))) in r.mark.iter_mut().zip(reqs) {
            let lane = &lanes_in[l as usize & (LANES - 1)];
            let days = days as usize;
            let f = m.vix_future(day_in, lane, days);
            let c = m.vix_call(day_in, lane, days, f, strike);
            *mark = if call { c } else { f };
        }
        for i in 0..n {
            self.lanes[r.lane[i] as usize].positions[r.prog[i] as usize][r.slot[i] as usize].mark =
                r.mark[i];
        }
        for lane in self.lanes.iter_mut() {
            for prog in 0..n_prog {
                let leader = progs.desc[prog].mark_from as usize;
                if leader == prog {
                    continue;
                }
                for k in 0..n_slots {
                    let p = lane.positions[prog][k];
                    if p.live && p.expiry_day > day {
                        lane.positions[prog][k].mark = lane.positions[leader][k].mark;
                    }
                }
            }
        }
    }

    /// Twin of `enter_hedges` on lane `l`: every program's entries of the
    /// day, with adaptive scale `scale` and condor equity `condor_eq`.
    #[expect(
        clippy::too_many_arguments,
        reason = "the shader's enter_hedges and the lane it runs for"
    )]
    pub fn enter_hedges(
        &mut self,
        m: &MarksData,
        sp: &StudyParams,
        progs: &Programs,
        day: u32,
        l: usize,
        scale: f32,
        condor_eq: f32,
    ) {
        // Quotes of the day by (leading program, layer), computed once.
        let mut quotes = [[None::<(f32, f32)>; MAX_LAYERS]; MAX_PROGRAMS];
        let day_in = &self.day_inputs;
        let lane_in = &self.lane_inputs[l];
        let lane = &mut self.lanes[l];
        for prog in 0..n_programs(sp) {
            let desc = progs.desc[prog];
            let vxth = desc.kind == KIND_VXTH;
            let n = if desc.kind == KIND_LAYERS {
                (desc.n_layers as usize).min(MAX_LAYERS)
            } else if vxth && day.is_multiple_of(sp.vxth_roll_every_days.max(1)) {
                1
            } else {
                0
            };
            #[expect(clippy::needless_range_loop, reason = "i indexes layers and quotes")]
            for i in 0..n {
                let mut layer = progs.layers[prog * MAX_LAYERS + i];
                let mut budget = 0.0f32;
                if vxth {
                    // A ruined line has no equity to budget from.
                    if !lane.lines[prog].ruined(sp.capital) {
                        let line = sp.capital + (condor_eq + lane.hedge_pnl(sp, prog).0);
                        budget = Lane::vxth_weight(sp, lane.vix_f1m) * line;
                    }
                    layer = LayerDesc {
                        instrument: INSTR_CALL,
                        tenor_days: sp.vxth_tenor_days,
                        offset_days: 0,
                        every_days: 0,
                        roll_days_left: 0,
                        strike_kind: STRIKE_DELTA,
                        strike_value: sp.vxth_delta,
                        unit_contracts: 0.0,
                    };
                } else if !lane.layer_due(sp, prog, i as u32, &layer, day) {
                    continue;
                }
                let tenor = layer.tenor_days;
                let key = if vxth { prog } else { desc.mark_from as usize };
                let (strike, mark) =
                    *quotes[key][i].get_or_insert_with(|| quote(m, day_in, lane_in, &layer));
                let expiry = day + tenor;
                if vxth {
                    if budget <= 0.0 || mark <= 0.0 {
                        continue;
                    }
                    let qty = (budget / (mark * VIX_OPT_MULT)).floor();
                    if qty < 1.0 {
                        continue;
                    }
                    lane.hedge_open(
                        sp,
                        prog,
                        Position {
                            live: true,
                            layer: 0,
                            instrument: INSTR_CALL,
                            expiry_day: expiry,
                            close_day: (day + sp.vxth_roll_every_days).min(expiry),
                            strike,
                            qty,
                            qty_unit: qty,
                            mark,
                        },
                    );
                } else {
                    let s = if desc.adaptive != 0 { scale } else { 1.0 };
                    let qty_unit = layer.unit_contracts * s;
                    let hold = layer
                        .roll_days_left
                        .min(if tenor > 0 { tenor - 1 } else { 0 });
                    lane.hedge_open(
                        sp,
                        prog,
                        Position {
                            live: true,
                            layer: i as u32,
                            instrument: layer.instrument,
                            expiry_day: expiry,
                            close_day: expiry - hold,
                            strike,
                            qty: (qty_unit * desc.units + 0.5).floor(),
                            qty_unit,
                            mark,
                        },
                    );
                }
            }
        }
    }
}

/// Twin of `hedge_entry_quote`: strike and entry mark of a new position of
/// `layer`.
fn quote(
    m: &MarksData,
    day: &super::marks::DayInputs,
    lane: &super::marks::LaneInputs,
    layer: &LayerDesc,
) -> (f32, f32) {
    let n = layer.tenor_days as usize;
    let f = m.vix_future(day, lane, n);
    if layer.instrument != INSTR_CALL {
        return (f, f);
    }
    let v = layer.strike_value;
    let k = if layer.strike_kind == STRIKE_OTM_FRAC {
        round_step(f * (1.0 + v), 0.5)
    } else if layer.strike_kind == STRIKE_POINTS_OVER_F {
        round_step(f + v, 0.5)
    } else {
        m.vix_call_strike(day, lane, n, f, v)
    };
    let strike = max_wgsl(k, 0.5);
    (strike, m.vix_call(day, lane, n, f, strike))
}

/// The requests of one batch of VIX marks, structure of arrays.
#[derive(Debug, Default)]
pub(super) struct VixRequests {
    lane: Vec<u8>,
    prog: Vec<u8>,
    slot: Vec<u8>,
    days: Vec<u32>,
    strike: Vec<f32>,
    call: Vec<bool>,
    mark: Vec<f32>,
}

impl VixRequests {
    fn clear(&mut self) {
        self.lane.clear();
        self.prog.clear();
        self.slot.clear();
        self.days.clear();
        self.strike.clear();
        self.call.clear();
        self.mark.clear();
    }

    #[expect(
        clippy::cast_possible_truncation,
        reason = "lanes, programs and slots fit u8"
    )]
    fn push(&mut self, lane: usize, prog: usize, slot: usize, days: u32, strike: f32, call: bool) {
        self.lane.push(lane as u8);
        self.prog.push(prog as u8);
        self.slot.push(slot as u8);
        self.days.push(days);
        self.strike.push(strike);
        self.call.push(call);
        self.mark.push(0.0);
    }

    fn len(&self) -> usize {
        self.lane.len()
    }
}
