//! The condor book of the CPU study kernel: the twin of
//! `shaders/study/condor.wgsl` (rules in `crate::strategy::condor`), lane by
//! lane, with the day's SPX marks and the entry candidate's strike searches
//! evaluated for the whole block at once.

use super::super::path_step::LANES;
use super::marks::MarksData;
use super::{Block, Lane, SPX_MULT};
use crate::shared::marks::{max_wgsl, min_wgsl};
use crate::shared::pricing::OptionKind;
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

/// The requests of one batch of SPX marks, structure of arrays.
#[derive(Debug, Default)]
pub(super) struct SpxRequests {
    lane: Vec<u8>,
    slot: Vec<u8>,
    kind: Vec<OptionKind>,
    strike: Vec<f32>,
    days: Vec<u32>,
}

impl SpxRequests {
    fn clear(&mut self) {
        self.lane.clear();
        self.slot.clear();
        self.kind.clear();
        self.strike.clear();
        self.days.clear();
    }
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
    /// candidate (all lanes and targets at once), then its strikes.
    pub fn condor_candidate(&mut self, m: &MarksData, p: &StudyParams) {
        if MarksData::interpolates(&self.day_inputs) {
            self.candidate_strikes::<true>(m, p);
        } else {
            self.candidate_strikes::<false>(m, p);
        }
    }

    fn candidate_strikes<const INTERP: bool>(&mut self, m: &MarksData, p: &StudyParams) {
        let n = p.dte_days as usize;
        let tau = m.tenors.tau[n];
        let targets = if p.wing_width > 0.0 { 2 } else { 4 };
        let day = &self.day_inputs;
        let lanes = &self.lane_inputs;
        let mut strikes = [[f32::NAN; LANES]; 4];
        for (j, row) in strikes.iter_mut().enumerate().take(targets) {
            let d_star = p.d_star[j];
            let searchable = tau > 0.0 && !d_star.is_nan();
            if !searchable {
                continue;
            }
            let mut x = [0.0f32; LANES];
            for l in 0..LANES {
                x[l] = m.spx_newton_start::<INTERP>(day, &lanes[l], n, d_star);
            }
            for _ in 0..12 {
                for l in 0..LANES {
                    x[l] = m.spx_newton_step::<INTERP>(day, &lanes[l], n, d_star, x[l]);
                }
            }
            for l in 0..LANES {
                row[l] = m.spx_strike_at(x[l], self.lanes[l].spx, n);
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
    /// condors with days left and, on entry days, of the candidate.
    pub fn condor_price_legs(&mut self, m: &MarksData, p: &StudyParams, day: u32, entry_day: bool) {
        let r = &mut self.spx_requests;
        r.clear();
        let n_slots = slots(p);
        for (l, lane) in self.lanes.iter().enumerate() {
            for (s, c) in lane.condors[..n_slots].iter().enumerate() {
                if !c.live || c.expiry_day <= day {
                    continue;
                }
                let strikes = [c.long_put, c.short_put, c.short_call, c.long_call];
                push_legs(r, l, s, &strikes, c.expiry_day - day);
            }
            if entry_day {
                push_legs(r, l, CANDIDATE, &lane.candidate, p.dte_days);
            }
        }
        let n = r.lane.len();
        self.spx_prices.clear();
        self.spx_prices.resize(n, 0.0);
        if MarksData::interpolates(&self.day_inputs) {
            self.price_requests::<true>(m);
        } else {
            self.price_requests::<false>(m);
        }
        let r = &self.spx_requests;
        for (i, &price) in self.spx_prices.iter().enumerate() {
            let leg = i % 4;
            let lane = &mut self.lanes[r.lane[i] as usize];
            lane.leg_price[4 * r.slot[i] as usize + leg] = price;
        }
    }

    /// Prices the SPX requests into `spx_prices`.
    fn price_requests<const INTERP: bool>(&mut self, m: &MarksData) {
        let day_in = &self.day_inputs;
        let lanes_in = &self.lane_inputs;
        let spx: [f32; LANES] = std::array::from_fn(|l| self.lanes[l].spx);
        let r = &self.spx_requests;
        let reqs = r.lane.iter().zip(&r.kind).zip(r.strike.iter().zip(&r.days));
        for (out, ((&l, &kind), (&strike, &days))) in self.spx_prices.iter_mut().zip(reqs) {
            let l = l as usize & (LANES - 1);
            *out = m.spx_price::<INTERP>(day_in, &lanes_in[l], kind, spx[l], strike, days as usize);
        }
    }
}

fn push_legs(r: &mut SpxRequests, lane: usize, slot: usize, strikes: &[f32; 4], days: u32) {
    for (leg, &k) in strikes.iter().enumerate() {
        #[expect(clippy::cast_possible_truncation, reason = "16 lanes, 17 slots")]
        {
            r.lane.push(lane as u8);
            r.slot.push(slot as u8);
        }
        r.kind.push(if leg < 2 {
            OptionKind::Put
        } else {
            OptionKind::Call
        });
        r.strike.push(k);
        r.days.push(days);
    }
}
