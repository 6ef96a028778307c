// The hedge programs of the study kernel (shaders/study.wgsl): the f32 twin
// of `HedgeBook` in src/strategy/hedge.rs, whose module doc gives the rules.
// Assembled with the kernel by src/gpu/shaders.rs; reads its bindings and
// the day's market (`day`, `vix`, `vix_f1m`, the mark_* functions).
//
// As in condor.wgsl, each pricer has one call site: the day's marks of every
// program in `hedge_mark_all`, every entry's strike and mark in
// `hedge_entry_quote`. Programs whose layers are identical hold identical
// positions (same strikes and days; only the sizes differ), so a program
// copies the day's marks of the first such program (`ProgramDesc.mark_from`).

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
    return study.h_commission + opaque(study.h_future_half_spread * VIX_FUT_MULT);
}

// Hedge P&L of program `prog`: (own line, one-unit line), USD.
fn hedge_pnl(prog: u32) -> vec2<f32> {
    var a = 0.0f;
    var b = 0.0f;
    for (var i = 0u; i < min(study.position_slots, N_POSITIONS); i = i + 1u) {
        let p = positions[prog * N_POSITIONS + i];
        if (p.live != 0u) {
            let per = value_per_contract(p, p.mark);
            a = a + opaque(p.qty * per);
            b = b + opaque(p.qty_unit * per);
        }
    }
    return vec2<f32>(ledgers[prog].main.x + a, ledgers[prog].unit.x + b);
}

// The day's mark of every live position with days left, in every program
// (before any settles or closes).
fn hedge_mark_all() {
    let n_prog = min(study.n_programs, N_PROGRAMS);
    let n_slots = min(study.position_slots, N_POSITIONS);
    for (var k = 0u; k < n_prog * n_slots; k = k + 1u) {
        let prog = k / n_slots;
        let i = prog * N_POSITIONS + k % n_slots;
        let p = positions[i];
        if (p.live == 0u || p.expiry_day <= day) {
            continue;
        }
        let leader = programs[prog].mark_from;
        if (leader != prog) {
            positions[i].mark = positions[leader * N_POSITIONS + k % n_slots].mark;
            continue;
        }
        let days_left = p.expiry_day - day;
        let c = marks_day_value(marks.vix_c_table, day, days_left);
        let f = vix_future(var_now, f32(days_left), c);
        var mark = f;
        if (p.instrument == INSTR_CALL) {
            mark = vix_call_f(f, var_now, f32(days_left), c, p.strike, marks.r);
        }
        positions[i].mark = mark;
    }
}

fn hedge_settle_mark_close(prog: u32) {
    var l = ledgers[prog];
    for (var i = 0u; i < min(study.position_slots, N_POSITIONS); i = i + 1u) {
        let k = prog * N_POSITIONS + i;
        let p = positions[k];
        if (p.live == 0u) {
            continue;
        }
        let days_left = select(0u, p.expiry_day - day, p.expiry_day > day);
        if (days_left == 0u) {
            let settle = select(vix, max(vix - p.strike, 0.0f), p.instrument == INSTR_CALL);
            let per = value_per_contract(p, settle);
            l.main.x = l.main.x + opaque(p.qty * per);
            l.main.z = l.main.z + opaque(p.qty * per);
            l.unit.x = l.unit.x + opaque(p.qty_unit * per);
            l.unit.z = l.unit.z + opaque(p.qty_unit * per);
            positions[k].live = 0u;
            continue;
        }
        if (day >= p.close_day) {
            let per = value_per_contract(p, p.mark);
            let cost = cost_per_contract(p.instrument, p.mark);
            l.main.x = l.main.x + opaque(p.qty * (per - cost));
            l.main.z = l.main.z + opaque(p.qty * per);
            l.main.w = l.main.w + opaque(p.qty * cost);
            l.unit.x = l.unit.x + opaque(p.qty_unit * (per - cost));
            l.unit.z = l.unit.z + opaque(p.qty_unit * per);
            l.unit.w = l.unit.w + opaque(p.qty_unit * cost);
            positions[k].live = 0u;
        }
    }
    ledgers[prog] = l;
}

// Opens `p` in program `prog`'s first free slot (the host sized the slots so
// one is free), paying premium and costs on both ledgers.
fn hedge_open(prog: u32, p: Position) {
    let n_slots = min(study.position_slots, N_POSITIONS);
    var slot = n_slots;
    for (var i = 0u; i < n_slots; i = i + 1u) {
        if (positions[prog * N_POSITIONS + i].live == 0u) {
            slot = i;
            break;
        }
    }
    if (slot == n_slots) {
        return;
    }
    let premium = select(0.0f, p.mark * VIX_OPT_MULT, p.instrument == INSTR_CALL);
    let cost = cost_per_contract(p.instrument, p.mark);
    var l = ledgers[prog];
    l.main.x = l.main.x - opaque(p.qty * (premium + cost));
    l.main.y = l.main.y + opaque(p.qty * premium);
    l.main.w = l.main.w + opaque(p.qty * cost);
    l.unit.x = l.unit.x - opaque(p.qty_unit * (premium + cost));
    l.unit.y = l.unit.y + opaque(p.qty_unit * premium);
    l.unit.w = l.unit.w + opaque(p.qty_unit * cost);
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
    for (var i = 0u; i < min(study.position_slots, N_POSITIONS); i = i + 1u) {
        let p = positions[prog * N_POSITIONS + i];
        if (p.live != 0u && p.layer == index) {
            return false;
        }
    }
    return true;
}

// Strike and entry mark (VIX points) of a new position: a future at its
// price, or a call whose strike follows `strike_kind` / `value` from the
// future of its own expiry, `tenor` trading days out.
fn hedge_entry_quote(instrument: u32, strike_kind: u32, value: f32, tenor: u32) -> vec2<f32> {
    let c = marks_day_value(marks.vix_c_table, day, tenor);
    let tau = f32(tenor);
    let f = vix_future(var_now, tau, c);
    if (instrument != INSTR_CALL) {
        return vec2<f32>(f, f);
    }
    var k: f32;
    if (strike_kind == STRIKE_OTM_FRAC) {
        k = round_step(f * (1.0f + value), 0.5f);
    } else if (strike_kind == STRIKE_POINTS_OVER_F) {
        k = round_step(f + value, 0.5f);
    } else {
        k = vix_call_strike_f(f, var_now, tau, c, value);
    }
    let strike = max(k, 0.5f);
    return vec2<f32>(strike, vix_call_f(f, var_now, tau, c, strike, marks.r));
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

// Every program's entries of the day, in program order: the due layers of
// a layered program (sized by `scale` when adaptive), the VXTH roll of a
// VXTH program (sized on its line's equity, `condor_eq` plus its hedge P&L).
fn enter_hedges(scale: f32, condor_eq: f32) {
    let n_prog = min(study.n_programs, N_PROGRAMS);
    for (var prog = 0u; prog < n_prog; prog = prog + 1u) {
        let desc = programs[prog];
        let vxth = desc.kind == KIND_VXTH;
        var n = 0u;
        if (desc.kind == KIND_LAYERS) {
            n = min(desc.n_layers, 8u);
        } else if (vxth && day % max(study.vxth_roll_every_days, 1u) == 0u) {
            n = 1u;
        }
        for (var i = 0u; i < n; i = i + 1u) {
            var layer = layers[prog * 8u + i];
            var budget = 0.0f;
            if (vxth) {
                // A ruined line has no equity to budget from.
                if (!line_ruined(lines[prog])) {
                    budget = vxth_weight(vix_f1m) * (study.capital + opaque(condor_eq + hedge_pnl(prog).x));
                }
                layer = LayerDesc(INSTR_CALL, study.vxth_tenor_days, 0u, 0u, 0u, STRIKE_DELTA, study.vxth_delta, 0.0f);
            } else if (!layer_due(prog, i, layer)) {
                continue;
            }
            let tenor = layer.tenor_days;
            let quote = hedge_entry_quote(layer.instrument, layer.strike_kind, layer.strike_value, tenor);
            let expiry = day + tenor;
            if (vxth) {
                let mark = quote.y;
                if (budget <= 0.0f || mark <= 0.0f) {
                    continue;
                }
                let qty = floor(budget / (mark * VIX_OPT_MULT));
                if (qty < 1.0f) {
                    continue;
                }
                hedge_open(prog, Position(1u, 0u, INSTR_CALL, expiry,
                    min(day + study.vxth_roll_every_days, expiry), quote.x, qty, qty, mark));
            } else {
                let qty_unit = layer.unit_contracts * select(1.0f, scale, desc.adaptive != 0u);
                let hold = min(layer.roll_days_left, select(0u, tenor - 1u, tenor > 0u));
                hedge_open(prog, Position(1u, i, layer.instrument, expiry, expiry - hold, quote.x,
                    floor(opaque(qty_unit * desc.units) + 0.5f), qty_unit, quote.y));
            }
        }
    }
}
