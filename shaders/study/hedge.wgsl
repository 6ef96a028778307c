// The hedge programs of the study kernel (shaders/study.wgsl): the f32 twin
// of `HedgeBook` in src/strategy/hedge.rs, whose module doc gives the rules.
// Assembled with the kernel by src/gpu/shaders.rs; reads its bindings and
// the day's market (`day`, `vix`, `vix_f1m`, the mark_* functions).

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
