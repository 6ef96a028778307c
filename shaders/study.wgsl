// The study kernel: one invocation per path simulates the market day by day
// (the path kernel's arithmetic, draw for draw) and, at every close, marks
// and trades the condor book and every hedge program on that path, then
// writes the path's outcome record. The twin of `run_block` in
// src/study/cpu.rs and of the books in src/strategy/ (book.rs is the order of
// operations; condor.rs, hedge.rs and signals.rs the rules). The CPU books
// run in f64; these run in f32 with every USD amount that starts at the
// capital kept as an offset from it, so cents are not lost to the capital's
// magnitude.
//
// Assembled by src/gpu/study.rs: a header of per-run `const`s (capacities
// sized to the run's books), then shared/params.wgsl, shared/philox.wgsl,
// shared/math.wgsl, shared/qe.wgsl, shared/step.wgsl, shared/tables.wgsl
// (group 1), shared/pricing.wgsl, shared/marks.wgsl and this file. Header constants:
//
//     N_PROGRAMS   programs on the path (>= 1)
//     N_CONDORS    condor slots (condor.max_open, >= 1)
//     N_POSITIONS  hedge slots per program (>= 1)
//     N_RUNGS      ladder rungs per program (>= 1)
//     RECORD_WORDS f32 words of a path's record (see `write_record`)
//
// Keep `StudyParams`, `ProgramDesc` and `LayerDesc` in sync with
// src/gpu/study.rs.

struct StudyParams {
    // Trading days simulated (the closes 1..=horizon are processed after day 0).
    horizon_days: u32,
    n_programs: u32,
    // Spot SPX at day 0, index points; capital, USD.
    spot: f32,
    capital: f32,
    // Daily cash growth e^{r/252} and capital (e^{r/252} - 1), USD.
    growth: f32,
    capital_growth: f32,
    // The VIX index: VIX^2 / 100^2 = vix_a v + vix_b[day].
    vix_a: f32,
    // [condor]
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
    // [hedge] costs
    h_commission: f32,
    h_half_spread_min: f32,
    h_half_spread_frac: f32,
    h_future_half_spread: f32,
    // [hedge.adaptive]
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
    // [hedge.vxth]
    vxth_delta: f32,
    vxth_tenor_days: u32,
    vxth_roll_every_days: u32,
    vxth_levels_n: u32,
    vxth_levels: array<f32, 8>,
    vxth_weights: array<f32, 9>,
}

// Program kinds.
const KIND_NONE: u32 = 0u;
const KIND_LAYERS: u32 = 1u;
const KIND_VXTH: u32 = 2u;

struct ProgramDesc {
    kind: u32,
    adaptive: u32,
    n_layers: u32,
    n_rungs: u32,
    units: f32,
    ladder: array<f32, 8>,
}

// Instruments and strike rules of a layer.
const INSTR_CALL: u32 = 0u;
const INSTR_FUTURE: u32 = 1u;
const STRIKE_OTM_FRAC: u32 = 0u;
const STRIKE_POINTS_OVER_F: u32 = 1u;
const STRIKE_DELTA: u32 = 2u;

struct LayerDesc {
    instrument: u32,
    tenor_days: u32,
    offset_days: u32,
    every_days: u32,
    roll_days_left: u32,
    strike_kind: u32,
    strike_value: f32,
    // Layer contracts x capital / 1e6: the one-unit size at scale 1.
    unit_contracts: f32,
}

@group(0) @binding(0) var<uniform> params: SimParams;
@group(0) @binding(1) var<storage, read_write> records: array<f32>;
// Event calendar of the path kernel: bit e of entry d - 1 is set when event
// type e occurs at the end of trading day d.
@group(0) @binding(2) var<storage, read> event_days: array<u32>;
@group(0) @binding(3) var<uniform> marks: MarksParams;
@group(0) @binding(4) var<storage, read> study: StudyParams;
@group(0) @binding(5) var<storage, read> programs: array<ProgramDesc>;
// Program p's layer i at p * 8 + i.
@group(0) @binding(6) var<storage, read> layers: array<LayerDesc>;
// b of the VIX index at the close of day d (0..=horizon), annualised variance.
@group(0) @binding(7) var<storage, read> vix_b: array<f32>;

override WORKGROUP_SIZE: u32 = 64u;

const SPX_MULT: f32 = 100.0f;
const VIX_OPT_MULT: f32 = 100.0f;
const VIX_FUT_MULT: f32 = 1000.0f;

// ---------------------------------------------------------------- the path

var<private> y: f32;
var<private> v: f32;

// ------------------------------------------------------ the day's market

// The market at the close being processed.
var<private> day: u32;
var<private> spx: f32;
var<private> var_now: f32;
var<private> vix: f32;
var<private> vix_f1m: f32;

fn mark_spx(kind: u32, strike: f32, days_left: u32) -> f32 {
    let ev = marks_day_value(marks.event_var_table, day, days_left);
    return spx_price(kind, spx, strike, f32(days_left) / MARKS_DAYS_PER_YEAR, var_now, ev);
}

// The SPX strike of absolute delta `delta` (index points, on the 5-point grid).
fn strike_spx(kind: u32, delta: f32, days_left: u32) -> f32 {
    let ev = marks_day_value(marks.event_var_table, day, days_left);
    let signed = select(-abs(delta), abs(delta), kind == OPTION_CALL);
    return spx_strike_for_delta(kind, signed, spx, f32(days_left) / MARKS_DAYS_PER_YEAR, var_now, ev);
}

fn mark_vix_future(days_left: u32) -> f32 {
    let c = marks_day_value(marks.vix_c_table, day, days_left);
    return vix_future(var_now, f32(days_left), c);
}

fn mark_vix_call(strike: f32, days_left: u32) -> f32 {
    let c = marks_day_value(marks.vix_c_table, day, days_left);
    return vix_call(var_now, f32(days_left), c, strike, marks.r);
}

fn strike_vix_call(delta: f32, days_left: u32) -> f32 {
    let c = marks_day_value(marks.vix_c_table, day, days_left);
    return vix_call_strike_for_delta(var_now, f32(days_left), c, delta);
}

fn round_step(x: f32, step: f32) -> f32 {
    return floor(x / step + 0.5f) * step;
}

// ------------------------------------------------------------ statistics

// An equity line as offsets from the capital (USD): last, peak, max
// drawdown (fraction of the peak), worst day (USD, >= 0).
struct Line {
    last: f32,
    peak: f32,
    max_dd: f32,
    worst: f32,
}

fn line_push(l: ptr<function, Line>, e: f32) {
    (*l).worst = max((*l).worst, (*l).last - e);
    (*l).last = e;
    (*l).peak = max((*l).peak, e);
    (*l).max_dd = max((*l).max_dd, ((*l).peak - e) / (study.capital + (*l).peak));
}

// ------------------------------------------------------------ the condors

struct Condor {
    live: u32,
    expiry_day: u32,
    long_put: f32,
    short_put: f32,
    short_call: f32,
    long_call: f32,
    contracts: f32,
    credit: f32,
    mark: f32,
}

var<private> condors: array<Condor, N_CONDORS>;
// Condor cash minus the capital, USD.
var<private> condor_cash: f32;
// Tally: opened, skipped, stops, take profits, time exits, expiries (counts),
// credits, debits, costs (USD).
var<private> tally: array<f32, 9>;

fn condor_intrinsic(c: Condor, s: f32) -> f32 {
    return max(c.short_put - s, 0.0f) - max(c.long_put - s, 0.0f)
        + max(s - c.short_call, 0.0f) - max(s - c.long_call, 0.0f);
}

fn option_leg_cost(qty: f32, price: f32, commission: f32, hs_min: f32, hs_frac: f32, mult: f32) -> f32 {
    return qty * (commission + max(hs_min, hs_frac * price) * mult);
}

fn four_leg_cost(contracts: f32, p: vec4<f32>) -> f32 {
    var acc = 0.0f;
    for (var i = 0u; i < 4u; i = i + 1u) {
        acc = acc + option_leg_cost(contracts, p[i], study.commission, study.half_spread_min, study.half_spread_frac, SPX_MULT);
    }
    return acc;
}

// Leg mids in the order long put, short put, short call, long call.
fn condor_legs(c: Condor, days_left: u32) -> vec4<f32> {
    return vec4<f32>(
        mark_spx(OPTION_PUT, c.long_put, days_left),
        mark_spx(OPTION_PUT, c.short_put, days_left),
        mark_spx(OPTION_CALL, c.short_call, days_left),
        mark_spx(OPTION_CALL, c.long_call, days_left),
    );
}

// Net mid cost to close per contract, summed as the CPU does.
fn condor_net(p: vec4<f32>) -> f32 {
    return (((0.0f - p.x) + p.y) + p.z) - p.w;
}

// Marked value of the open condors, USD (<= 0).
fn condor_value() -> f32 {
    var acc = 0.0f;
    for (var i = 0u; i < N_CONDORS; i = i + 1u) {
        if (condors[i].live != 0u) {
            acc = acc - condors[i].contracts * SPX_MULT * condors[i].mark;
        }
    }
    return acc;
}

fn condor_settle_mark_exit() {
    for (var i = 0u; i < N_CONDORS; i = i + 1u) {
        if (condors[i].live == 0u) {
            continue;
        }
        let c = condors[i];
        let days_left = select(0u, c.expiry_day - day, c.expiry_day > day);
        if (days_left == 0u) {
            let owed = c.contracts * SPX_MULT * condor_intrinsic(c, spx);
            condor_cash = condor_cash - owed;
            tally[7] = tally[7] + owed;
            tally[5] = tally[5] + 1.0f;
            condors[i].live = 0u;
            continue;
        }
        let prices = condor_legs(c, days_left);
        let net = condor_net(prices);
        condors[i].mark = net;
        var reason = 0u;
        if (net >= (1.0f + study.stop_loss) * c.credit) {
            reason = 2u;
        } else if (net <= (1.0f - study.take_profit) * c.credit) {
            reason = 3u;
        } else if (days_left <= study.exit_dte) {
            reason = 4u;
        } else {
            continue;
        }
        let paid = c.contracts * SPX_MULT * net;
        let cost = four_leg_cost(c.contracts, prices);
        condor_cash = condor_cash - (paid + cost);
        tally[7] = tally[7] + paid;
        tally[8] = tally[8] + cost;
        tally[reason] = tally[reason] + 1.0f;
        condors[i].live = 0u;
    }
}

fn condor_enter() {
    if (day % max(study.entry_every_days, 1u) != 0u) {
        return;
    }
    var slot = N_CONDORS;
    var open = 0u;
    for (var i = 0u; i < N_CONDORS; i = i + 1u) {
        if (condors[i].live != 0u) {
            open = open + 1u;
        } else if (slot == N_CONDORS) {
            slot = i;
        }
    }
    if (slot == N_CONDORS || open >= min(study.max_open, N_CONDORS)) {
        tally[1] = tally[1] + 1.0f;
        return;
    }
    let dte = study.dte_days;
    let short_put = strike_spx(OPTION_PUT, study.short_delta, dte);
    let short_call = strike_spx(OPTION_CALL, study.short_delta, dte);
    var long_put: f32;
    var long_call: f32;
    if (study.wing_width > 0.0f) {
        long_put = short_put - study.wing_width;
        long_call = short_call + study.wing_width;
    } else {
        long_put = min(strike_spx(OPTION_PUT, study.long_delta, dte), short_put - 5.0f);
        long_call = max(strike_spx(OPTION_CALL, study.long_delta, dte), short_call + 5.0f);
    }
    var c = Condor(1u, day + dte, long_put, short_put, short_call, long_call, 0.0f, 0.0f, 0.0f);
    let prices = condor_legs(c, dte);
    let net = condor_net(prices);
    let width = max(short_put - long_put, long_call - short_call);
    if (!(net > 0.0f && net < width)) {
        tally[1] = tally[1] + 1.0f;
        return;
    }
    let max_loss = (width - net) * SPX_MULT;
    let equity = study.capital + (condor_cash + condor_value());
    c.contracts = max(floor(study.risk_fraction * equity / max_loss), 1.0f);
    c.credit = net;
    c.mark = net;
    let received = c.contracts * SPX_MULT * net;
    let cost = four_leg_cost(c.contracts, prices);
    condor_cash = condor_cash + (received - cost);
    tally[6] = tally[6] + received;
    tally[8] = tally[8] + cost;
    tally[0] = tally[0] + 1.0f;
    condors[slot] = c;
}

// ------------------------------------------------------------ the signals

// RSI: changes seen, previous close, average gain and loss (running sums
// before the seed).
var<private> rsi_changes: u32;
var<private> rsi_prev: f32;
var<private> rsi_gain: f32;
var<private> rsi_loss: f32;

// An EMA seeded with the mean of its first `period` inputs.
struct Ema {
    count: u32,
    value: f32,
}

var<private> ema_fast: Ema;
var<private> ema_slow: Ema;
var<private> ema_signal: Ema;
var<private> macd_line: f32;

fn ema_update(e: ptr<function, Ema>, period: u32, x: f32) {
    let n = max(period, 1u);
    if ((*e).count < n) {
        (*e).value = (*e).value + x;
        (*e).count = (*e).count + 1u;
        if ((*e).count == n) {
            (*e).value = (*e).value / f32(n);
        }
    } else {
        let alpha = 2.0f / (f32(n) + 1.0f);
        (*e).value = (*e).value + alpha * (x - (*e).value);
    }
}

// Adds the close `close`; the first close only seeds the RSI.
fn signals_update(close: f32, first: bool) {
    let n = max(study.rsi_period, 1u);
    if (!first) {
        let d = close - rsi_prev;
        let gain = max(d, 0.0f);
        let loss = max(-d, 0.0f);
        let nf = f32(n);
        if (rsi_changes < n) {
            rsi_gain = rsi_gain + gain;
            rsi_loss = rsi_loss + loss;
            rsi_changes = rsi_changes + 1u;
            if (rsi_changes == n) {
                rsi_gain = rsi_gain / nf;
                rsi_loss = rsi_loss / nf;
            }
        } else {
            rsi_gain = (rsi_gain * (nf - 1.0f) + gain) / nf;
            rsi_loss = (rsi_loss * (nf - 1.0f) + loss) / nf;
        }
    }
    rsi_prev = close;

    var f = ema_fast;
    var s = ema_slow;
    ema_update(&f, study.macd_fast, close);
    ema_update(&s, study.macd_slow, close);
    ema_fast = f;
    ema_slow = s;
    if (f.count >= max(study.macd_fast, 1u) && s.count >= max(study.macd_slow, 1u)) {
        macd_line = f.value - s.value;
        var g = ema_signal;
        ema_update(&g, study.macd_signal, macd_line);
        ema_signal = g;
    }
}

fn adaptive_scale() -> f32 {
    let inverted = study.inversion_override != 0u && vix > vix_f1m;
    var oversold = false;
    if (study.rsi_override != 0u && rsi_changes >= max(study.rsi_period, 1u)) {
        var rsi: f32;
        if (rsi_loss == 0.0f) {
            rsi = select(100.0f, 50.0f, rsi_gain == 0.0f);
        } else {
            rsi = 100.0f - 100.0f / (1.0f + rsi_gain / rsi_loss);
        }
        oversold = rsi < study.rsi_below;
    }
    let macd_bear = study.macd_override != 0u && ema_signal.count >= max(study.macd_signal, 1u)
        && macd_line < ema_signal.value;
    if (inverted || oversold || macd_bear) {
        return 1.0f;
    }
    if (vix < study.light_below) {
        return study.light_scale;
    } else if (vix <= study.moderate_up_to) {
        return study.moderate_scale;
    } else if (vix >= study.full_at) {
        return 1.0f;
    }
    let w = (vix - study.moderate_up_to) / (study.full_at - study.moderate_up_to);
    return study.moderate_scale + w * (1.0f - study.moderate_scale);
}

// ------------------------------------------------------------- the hedges

struct Position {
    live: u32,
    layer: u32,
    instrument: u32,
    expiry_day: u32,
    close_day: u32,
    // Call strike, or the future's entry price; VIX points.
    strike: f32,
    qty: f32,
    qty_unit: f32,
    mark: f32,
}

// cash, premium, payoff, costs (USD) of the program's own line (main) and
// its one-unit line (unit).
struct Ledgers {
    main: vec4<f32>,
    unit: vec4<f32>,
}

var<private> positions: array<Position, N_POSITIONS * N_PROGRAMS>;
var<private> ledgers: array<Ledgers, N_PROGRAMS>;
var<private> lines: array<Line, N_PROGRAMS>;
var<private> rungs: array<Line, N_RUNGS * N_PROGRAMS>;
var<private> condor_line: Line;

fn value_per_contract(p: Position, price: f32) -> f32 {
    if (p.instrument == INSTR_CALL) {
        return price * VIX_OPT_MULT;
    }
    return (price - p.strike) * VIX_FUT_MULT;
}

fn cost_per_contract(instrument: u32, price: f32) -> f32 {
    if (instrument == INSTR_CALL) {
        return option_leg_cost(1.0f, price, study.h_commission, study.h_half_spread_min, study.h_half_spread_frac, VIX_OPT_MULT);
    }
    return study.h_commission + study.h_future_half_spread * VIX_FUT_MULT;
}

// Hedge P&L of program `prog`: (own line, one-unit line), USD.
fn hedge_pnl(prog: u32) -> vec2<f32> {
    var a = 0.0f;
    var b = 0.0f;
    for (var i = 0u; i < N_POSITIONS; i = i + 1u) {
        let p = positions[prog * N_POSITIONS + i];
        if (p.live != 0u) {
            let per = value_per_contract(p, p.mark);
            a = a + p.qty * per;
            b = b + p.qty_unit * per;
        }
    }
    return vec2<f32>(ledgers[prog].main.x + a, ledgers[prog].unit.x + b);
}

fn hedge_settle_mark_close(prog: u32) {
    var l = ledgers[prog];
    for (var i = 0u; i < N_POSITIONS; i = i + 1u) {
        let k = prog * N_POSITIONS + i;
        var p = positions[k];
        if (p.live == 0u) {
            continue;
        }
        let days_left = select(0u, p.expiry_day - day, p.expiry_day > day);
        if (days_left == 0u) {
            let settle = select(vix, max(vix - p.strike, 0.0f), p.instrument == INSTR_CALL);
            let per = value_per_contract(p, settle);
            l.main.x = l.main.x + p.qty * per;
            l.main.z = l.main.z + p.qty * per;
            l.unit.x = l.unit.x + p.qty_unit * per;
            l.unit.z = l.unit.z + p.qty_unit * per;
            positions[k].live = 0u;
            continue;
        }
        if (p.instrument == INSTR_CALL) {
            p.mark = mark_vix_call(p.strike, days_left);
        } else {
            p.mark = mark_vix_future(days_left);
        }
        positions[k].mark = p.mark;
        if (day >= p.close_day) {
            let per = value_per_contract(p, p.mark);
            let cost = cost_per_contract(p.instrument, p.mark);
            l.main.x = l.main.x + p.qty * (per - cost);
            l.main.z = l.main.z + p.qty * per;
            l.main.w = l.main.w + p.qty * cost;
            l.unit.x = l.unit.x + p.qty_unit * (per - cost);
            l.unit.z = l.unit.z + p.qty_unit * per;
            l.unit.w = l.unit.w + p.qty_unit * cost;
            positions[k].live = 0u;
        }
    }
    ledgers[prog] = l;
}

// Opens `p` in program `prog`'s first free slot (the host sized the slots so
// one is free), paying premium and costs on both ledgers.
fn hedge_open(prog: u32, p: Position) {
    var slot = N_POSITIONS;
    for (var i = 0u; i < N_POSITIONS; i = i + 1u) {
        if (positions[prog * N_POSITIONS + i].live == 0u) {
            slot = i;
            break;
        }
    }
    if (slot == N_POSITIONS) {
        return;
    }
    let premium = select(0.0f, p.mark * VIX_OPT_MULT, p.instrument == INSTR_CALL);
    let cost = cost_per_contract(p.instrument, p.mark);
    var l = ledgers[prog];
    l.main.x = l.main.x - p.qty * (premium + cost);
    l.main.y = l.main.y + p.qty * premium;
    l.main.w = l.main.w + p.qty * cost;
    l.unit.x = l.unit.x - p.qty_unit * (premium + cost);
    l.unit.y = l.unit.y + p.qty_unit * premium;
    l.unit.w = l.unit.w + p.qty_unit * cost;
    ledgers[prog] = l;
    positions[prog * N_POSITIONS + slot] = p;
}

fn layer_due(prog: u32, index: u32, layer: LayerDesc) -> bool {
    if (day < layer.offset_days) {
        return false;
    }
    if (layer.every_days > 0u) {
        return (day - layer.offset_days) % layer.every_days == 0u;
    }
    for (var i = 0u; i < N_POSITIONS; i = i + 1u) {
        let p = positions[prog * N_POSITIONS + i];
        if (p.live != 0u && p.layer == index) {
            return false;
        }
    }
    return true;
}

fn enter_layers(prog: u32, desc: ProgramDesc, scale: f32) {
    for (var i = 0u; i < min(desc.n_layers, 8u); i = i + 1u) {
        let layer = layers[prog * 8u + i];
        if (!layer_due(prog, i, layer)) {
            continue;
        }
        let tenor = layer.tenor_days;
        var strike: f32;
        var mark: f32;
        if (layer.instrument == INSTR_CALL) {
            let f = mark_vix_future(tenor);
            var k: f32;
            if (layer.strike_kind == STRIKE_OTM_FRAC) {
                k = round_step(f * (1.0f + layer.strike_value), 0.5f);
            } else if (layer.strike_kind == STRIKE_POINTS_OVER_F) {
                k = round_step(f + layer.strike_value, 0.5f);
            } else {
                k = strike_vix_call(layer.strike_value, tenor);
            }
            strike = max(k, 0.5f);
            mark = mark_vix_call(strike, tenor);
        } else {
            strike = mark_vix_future(tenor);
            mark = strike;
        }
        let qty_unit = layer.unit_contracts * scale;
        let expiry = day + tenor;
        let hold = min(layer.roll_days_left, select(0u, tenor - 1u, tenor > 0u));
        hedge_open(prog, Position(1u, i, layer.instrument, expiry, expiry - hold, strike,
            floor(qty_unit * desc.units + 0.5f), qty_unit, mark));
    }
}

fn vxth_weight(future: f32) -> f32 {
    var tier = study.vxth_levels_n;
    for (var i = 0u; i < study.vxth_levels_n; i = i + 1u) {
        if (future <= study.vxth_levels[i]) {
            tier = i;
            break;
        }
    }
    return study.vxth_weights[tier];
}

fn enter_vxth(prog: u32, line_equity: f32) {
    if (day % max(study.vxth_roll_every_days, 1u) != 0u) {
        return;
    }
    let budget = vxth_weight(vix_f1m) * line_equity;
    let tenor = study.vxth_tenor_days;
    let strike = max(strike_vix_call(study.vxth_delta, tenor), 0.5f);
    let mark = mark_vix_call(strike, tenor);
    if (budget <= 0.0f || mark <= 0.0f) {
        return;
    }
    let qty = floor(budget / (mark * VIX_OPT_MULT));
    if (qty < 1.0f) {
        return;
    }
    let expiry = day + tenor;
    hedge_open(prog, Position(1u, 0u, INSTR_CALL, expiry,
        min(day + study.vxth_roll_every_days, expiry), strike, qty, qty, mark));
}

// ------------------------------------------------------------ one close

var<private> max_vix: f32;

// The close of `day` (market fields set): the order of `PathBook::process`.
fn process_close(first: bool) {
    let n_prog = min(study.n_programs, N_PROGRAMS);
    signals_update(spx, first);
    max_vix = max(max_vix, vix);

    condor_settle_mark_exit();
    for (var p = 0u; p < n_prog; p = p + 1u) {
        hedge_settle_mark_close(p);
    }
    condor_enter();
    let condor_eq = condor_cash + condor_value();

    let scale = adaptive_scale();
    for (var p = 0u; p < n_prog; p = p + 1u) {
        let desc = programs[p];
        if (desc.kind == KIND_LAYERS) {
            enter_layers(p, desc, select(1.0f, scale, desc.adaptive != 0u));
        } else if (desc.kind == KIND_VXTH) {
            let line = study.capital + (condor_eq + hedge_pnl(p).x);
            enter_vxth(p, line);
        }
    }

    var cl = condor_line;
    line_push(&cl, condor_eq);
    condor_line = cl;
    for (var p = 0u; p < n_prog; p = p + 1u) {
        let h = hedge_pnl(p);
        var l = lines[p];
        line_push(&l, condor_eq + h.x);
        lines[p] = l;
        let desc = programs[p];
        for (var r = 0u; r < min(desc.n_rungs, N_RUNGS); r = r + 1u) {
            var rl = rungs[p * N_RUNGS + r];
            line_push(&rl, condor_eq + desc.ladder[r] * h.y);
            rungs[p * N_RUNGS + r] = rl;
        }
    }
}

fn set_market(d: u32) {
    day = d;
    spx = study.spot * exp_portable(y);
    var_now = max(v, 0.0f);
    vix = vix_from_affine(study.vix_a, var_now, vix_b[d]);
    vix_f1m = mark_vix_future(21u);
}

fn put_line(base: u32, l: Line) {
    records[base] = l.max_dd;
    records[base + 1u] = l.last;
    records[base + 2u] = l.peak;
    records[base + 3u] = l.worst;
}

// The path's record (RECORD_WORDS f32 words; src/gpu/study.rs reads it):
// [0] max VIX, [1] SPX return, [2..6) condor line (max dd, pnl, peak - capital,
// worst day), [6..15) condor tally, then per program 14 + 4 N_RUNGS words:
// line (4), own ledger (cash, premium, payoff, costs), one-unit ledger (4),
// hedge P&L (own, one-unit), the rungs' lines (4 each).
fn write_record(i: u32) {
    let base = i * RECORD_WORDS;
    records[base] = max_vix;
    records[base + 1u] = spx / study.spot - 1.0f;
    put_line(base + 2u, condor_line);
    for (var t = 0u; t < 9u; t = t + 1u) {
        records[base + 6u + t] = tally[t];
    }
    for (var p = 0u; p < N_PROGRAMS; p = p + 1u) {
        let pb = base + 15u + p * (14u + 4u * N_RUNGS);
        put_line(pb, lines[p]);
        let l = ledgers[p];
        for (var t = 0u; t < 4u; t = t + 1u) {
            records[pb + 4u + t] = l.main[t];
            records[pb + 8u + t] = l.unit[t];
        }
        let h = hedge_pnl(p);
        records[pb + 12u] = h.x;
        records[pb + 13u] = h.y;
        for (var r = 0u; r < N_RUNGS; r = r + 1u) {
            put_line(pb + 14u + 4u * r, rungs[p * N_RUNGS + r]);
        }
    }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
) {
    let i = gid.x + gid.y * (nwg.x * WORKGROUP_SIZE);
    if (i >= params.n_paths) {
        return;
    }
    let path = params.path_offset + i;
    let key = vec2<u32>(params.key0, params.key1);

    y = 0.0f;
    v = params.v0;
    condor_cash = 0.0f;
    for (var t = 0u; t < 9u; t = t + 1u) {
        tally[t] = 0.0f;
    }
    for (var k = 0u; k < N_CONDORS; k = k + 1u) {
        condors[k].live = 0u;
    }
    for (var k = 0u; k < N_POSITIONS * N_PROGRAMS; k = k + 1u) {
        positions[k].live = 0u;
    }
    let zero_line = Line(0.0f, 0.0f, 0.0f, 0.0f);
    condor_line = zero_line;
    for (var p = 0u; p < N_PROGRAMS; p = p + 1u) {
        ledgers[p] = Ledgers(vec4<f32>(0.0f), vec4<f32>(0.0f));
        lines[p] = zero_line;
        for (var r = 0u; r < N_RUNGS; r = r + 1u) {
            rungs[p * N_RUNGS + r] = zero_line;
        }
    }
    rsi_changes = 0u;
    rsi_gain = 0.0f;
    rsi_loss = 0.0f;
    ema_fast = Ema(0u, 0.0f);
    ema_slow = Ema(0u, 0.0f);
    ema_signal = Ema(0u, 0.0f);
    macd_line = 0.0f;

    set_market(0u);
    max_vix = vix;
    process_close(true);

    let spd = params.steps_per_day;
    let n_prog = min(study.n_programs, N_PROGRAMS);
    for (var d = 1u; d <= study.horizon_days; d = d + 1u) {
        for (var s = 0u; s < spd; s = s + 1u) {
            let events = select(0u, event_days[d - 1u], s + 1u == spd);
            let yv = sim_step(key, path, (d - 1u) * spd + s, events, y, v);
            y = yv.x;
            v = yv.y;
        }
        // Interest, before anything else on the day.
        condor_cash = condor_cash * study.growth + study.capital_growth;
        for (var p = 0u; p < n_prog; p = p + 1u) {
            ledgers[p].main.x = ledgers[p].main.x * study.growth;
            ledgers[p].unit.x = ledgers[p].unit.x * study.growth;
        }
        set_market(d);
        process_close(false);
    }
    write_record(i);
}
