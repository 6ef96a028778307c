//! The condor book of the CPU study kernel: the twin of
//! `shaders/study/condor.wgsl` (rules in `crate::strategy::condor`), lane by
//! lane, with the day's SPX marks and the entry candidate's strike searches
//! evaluated for the whole block at once.

use super::super::path_step::LANES;
use super::marks::{DayInputs, Fv, MarksData, SpxBatch, IDENTITY, W};
use super::{Block, Lane, SPX_MULT};
use crate::shared::marks::{max_wgsl, min_wgsl};
use crate::strategy::condor::MAX_CONDORS;
use crate::study::kernel::StudyParams;

/// One condor slot (`Condor` in the shader).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Condor {
    pub live: bool,
    pub expiry_day: u32,
    pub long_put: f32,
    pub short_put: f32,
    pub short_call: f32,
    pub long_call: f32,
    pub contracts: f32,
    pub credit: f32,
    pub mark: f32,
}

/// Slot index of the entry candidate's legs in `Lane::leg_price`.
pub(super) const CANDIDATE: usize = MAX_CONDORS;

fn intrinsic(c: &Condor, s: f32) -> f32 {
    max_wgsl(c.short_put - s, 0.0) - max_wgsl(c.long_put - s, 0.0) + max_wgsl(s - c.short_call, 0.0)
        - max_wgsl(s - c.long_call, 0.0)
}

/// Twin of `option_leg_cost`.
#[inline(always)]
pub(super) fn option_leg_cost(
    qty: f32,
    price: f32,
    commission: f32,
    hs_min: f32,
    hs_frac: f32,
    mult: f32,
) -> f32 {
    qty * (commission + max_wgsl(hs_min, hs_frac * price) * mult)
}

fn four_leg_cost(p: &StudyParams, contracts: f32, prices: &[f32; 4]) -> f32 {
    let mut acc = 0.0f32;
    for &x in prices {
        acc += option_leg_cost(
            contracts,
            x,
            p.commission,
            p.half_spread_min,
            p.half_spread_frac,
            SPX_MULT,
        );
    }
    acc
}

/// Net mid cost to close per contract (`condor_net`).
fn net(x: &[f32; 4]) -> f32 {
    (((0.0 - x[0]) + x[1]) + x[2]) - x[3]
}

impl Lane {
    /// Marked value of the open condors (`condor_value`), USD offset.
    pub fn condor_value(&self, p: &StudyParams) -> f32 {
        let mut acc = 0.0f32;
        for c in &self.condors[..slots(p)] {
            if c.live {
                acc -= c.contracts * SPX_MULT * c.mark;
            }
        }
        acc
    }

    /// Twin of `condor_settle_mark_exit`, from the day's leg prices.
    #[inline(never)]
    pub fn condor_settle_mark_exit(&mut self, p: &StudyParams, day: u32) {
        let spx = self.spx;
        for i in 0..slots(p) {
            let c = self.condors[i];
            if !c.live {
                continue;
            }
            let days_left = c.expiry_day.saturating_sub(day);
            if days_left == 0 {
                let owed = c.contracts * SPX_MULT * intrinsic(&c, spx);
                self.condor_cash -= owed;
                self.tally[7] += owed;
                self.tally[5] += 1.0;
                self.condors[i].live = false;
                continue;
            }
            let prices = self.legs(i);
            let net = net(&prices);
            self.condors[i].mark = net;
            let reason = if net >= (1.0 + p.stop_loss) * c.credit {
                2
            } else if net <= (1.0 - p.take_profit) * c.credit {
                3
            } else if days_left <= p.exit_dte {
                4
            } else {
                continue;
            };
            let paid = c.contracts * SPX_MULT * net;
            let cost = four_leg_cost(p, c.contracts, &prices);
            self.condor_cash -= paid + cost;
            self.tally[7] += paid;
            self.tally[8] += cost;
            self.tally[reason] += 1.0;
            self.condors[i].live = false;
        }
    }

    fn legs(&self, s: usize) -> [f32; 4] {
        let b = 4 * s;
        [
            self.leg_price[b],
            self.leg_price[b + 1],
            self.leg_price[b + 2],
            self.leg_price[b + 3],
        ]
    }

    /// Twin of `condor_enter` (an entry day: the candidate is priced).
    #[inline(never)]
    pub fn condor_enter(&mut self, p: &StudyParams, day: u32) {
        // No capital, no new risk.
        if self.condor_ruined || p.capital + (self.condor_cash + self.condor_value(p)) <= 0.0 {
            self.tally[1] += 1.0;
            return;
        }
        let n_slots = slots(p);
        let mut slot = n_slots;
        let mut open = 0u32;
        for (i, c) in self.condors[..n_slots].iter().enumerate() {
            if c.live {
                open += 1;
            } else if slot == n_slots {
                slot = i;
            }
        }
        if slot == n_slots || open >= p.max_open.min(n_slots as u32) {
            self.tally[1] += 1.0;
            return;
        }
        let k = self.candidate;
        let mut c = Condor {
            live: true,
            expiry_day: day + p.dte_days,
            long_put: k[0],
            short_put: k[1],
            short_call: k[2],
            long_call: k[3],
            ..Condor::default()
        };
        let prices = self.legs(CANDIDATE);
        let net = net(&prices);
        let width = max_wgsl(c.short_put - c.long_put, c.long_call - c.short_call);
        if !(net > 0.0 && net < width) {
            self.tally[1] += 1.0;
            return;
        }
        let max_loss = (width - net) * SPX_MULT;
        let equity = p.capital + (self.condor_cash + self.condor_value(p));
        c.contracts = max_wgsl((p.risk_fraction * equity / max_loss).floor(), 1.0);
        c.credit = net;
        c.mark = net;
        let received = c.contracts * SPX_MULT * net;
        let cost = four_leg_cost(p, c.contracts, &prices);
        self.condor_cash += received - cost;
        self.tally[6] += received;
        self.tally[8] += cost;
        self.tally[0] += 1.0;
        self.condors[slot] = c;
    }
}

/// Condor slots in use.
fn slots(p: &StudyParams) -> usize {
    (p.condor_slots as usize).min(MAX_CONDORS)
}

impl Block {
    /// Twin of `condor_candidate` on every lane: the strike searches of the
    /// candidate (all lanes at once, target by target), then its strikes.
    pub fn condor_candidate(&mut self, m: &MarksData, p: &StudyParams, day: &DayInputs) {
        if day.interpolates {
            self.candidate_strikes::<true>(m, p, day);
        } else {
            self.candidate_strikes::<false>(m, p, day);
        }
    }

    #[inline(never)]
    fn candidate_strikes<const INTERP: bool>(
        &mut self,
        m: &MarksData,
        p: &StudyParams,
        day: &DayInputs,
    ) {
        let n = p.dte_days as usize;
        let tau = m.tenors.tau[n];
        let targets = if p.wing_width > 0.0 { 2 } else { 4 };
        let mut strikes = [[f32::NAN; LANES]; 4];
        if tau > 0.0 {
            let mut x = [[0.0f32; W]; 4];
            let d_star = &p.d_star[..targets];
            m.spx_strike_searches::<INTERP>(day, &self.lane_inputs, n, d_star, &mut x[..targets]);
            let spx: Fv = std::array::from_fn(|l| self.lanes[l].spx);
            for j in 0..targets {
                if !d_star[j].is_nan() {
                    strikes[j] = m.spx_strikes_at(&x[j], &spx, n);
                }
            }
        }
        for (l, lane) in self.lanes.iter_mut().enumerate() {
            let (short_put, short_call) = (strikes[0][l], strikes[1][l]);
            let k = &mut lane.candidate;
            if p.wing_width > 0.0 {
                k[0] = short_put - p.wing_width;
                k[3] = short_call + p.wing_width;
            } else {
                k[0] = min_wgsl(strikes[2][l], short_put - 5.0);
                k[3] = max_wgsl(strikes[3][l], short_call + 5.0);
            }
            k[1] = short_put;
            k[2] = short_call;
        }
    }

    /// Twin of `condor_price_legs` on every lane: the legs of the live
    /// condors with days left and, on entry days, of the candidate. The legs
    /// are priced a batch per leg and expiry day (the condors of one entry
    /// day, at most one per lane), so each batch has one remaining life.
    #[inline(never)]
    pub fn condor_price_legs(
        &mut self,
        m: &MarksData,
        p: &StudyParams,
        day: u32,
        entry_day: bool,
        day_in: &DayInputs,
    ) {
        let n_slots = slots(p);
        let spx: Fv = std::array::from_fn(|l| self.lanes[l].spx);
        // The live condors with days left (lane, slot) and their expiry days.
        let mut held = [(0u8, 0u8); LANES * MAX_CONDORS];
        let mut expiry_of = [0u32; LANES * MAX_CONDORS];
        let mut count = 0;
        let mut expiries = [0u32; LANES * MAX_CONDORS];
        let mut n_exp = 0;
        // Written unconditionally and kept by advancing the count, without
        // branches on the data (`count` stays below the entries visited).
        for (l, lane) in self.lanes.iter().enumerate() {
            for (s, c) in lane.condors[..n_slots].iter().enumerate() {
                #[expect(clippy::cast_possible_truncation, reason = "16 lanes, 16 slots")]
                {
                    held[count] = (l as u8, s as u8);
                }
                expiry_of[count] = c.expiry_day;
                count += usize::from(c.live && c.expiry_day > day);
            }
        }
        for &e in &expiry_of[..count] {
            if !expiries[..n_exp].contains(&e) {
                expiries[n_exp] = e;
                n_exp += 1;
            }
        }
        for &expiry in &expiries[..n_exp] {
            let mut group = [(0u8, 0u8); LANES * MAX_CONDORS];
            let mut g = 0;
            for k in 0..count {
                group[g] = held[k];
                g += usize::from(expiry_of[k] == expiry);
            }
            let n = [expiry - day; W];
            for chunk in group[..g].chunks(W) {
                let mut lane = [0u32; W];
                for (j, &(l, _)) in chunk.iter().enumerate() {
                    lane[j] = u32::from(l);
                }
                for j in chunk.len()..W {
                    lane[j] = lane[0];
                }
                for leg in 0..4 {
                    let mut strike = [0.0f32; W];
                    for (j, &(l, s)) in chunk.iter().enumerate() {
                        let c = &self.lanes[l as usize].condors[s as usize];
                        strike[j] = [c.long_put, c.short_put, c.short_call, c.long_call][leg];
                    }
                    for j in chunk.len()..W {
                        strike[j] = strike[0];
                    }
                    let call = [u32::from(leg >= 2); W];
                    let batch = SpxBatch {
                        lane: &lane,
                        call: &call,
                        strike: &strike,
                        n: &n,
                    };
                    let mut out = [0.0f32; W];
                    self.spx_batch(m, day_in, &spx, &batch, &mut out);
                    for (j, &(l, s)) in chunk.iter().enumerate() {
                        self.lanes[l as usize].leg_price[4 * s as usize + leg] = out[j];
                    }
                }
            }
        }
        if entry_day {
            let n = [p.dte_days; W];
            for leg in 0..4 {
                let strike: Fv = std::array::from_fn(|l| self.lanes[l].candidate[leg]);
                let call = [u32::from(leg >= 2); W];
                let batch = SpxBatch {
                    lane: &IDENTITY,
                    call: &call,
                    strike: &strike,
                    n: &n,
                };
                let mut out = [0.0f32; W];
                self.spx_batch(m, day_in, &spx, &batch, &mut out);
                for (lane, &price) in self.lanes.iter_mut().zip(&out) {
                    lane.leg_price[4 * CANDIDATE + leg] = price;
                }
            }
        }
    }

    /// One batch of SPX prices of the day.
    #[inline(always)]
    fn spx_batch(
        &self,
        m: &MarksData,
        day_in: &DayInputs,
        spx: &Fv,
        b: &SpxBatch<'_>,
        out: &mut Fv,
    ) {
        if day_in.interpolates {
            m.spx_prices::<true>(day_in, &self.lane_inputs, spx, b, out);
        } else {
            m.spx_prices::<false>(day_in, &self.lane_inputs, spx, b, out);
        }
    }
}
