// The condor book of the study kernel (shaders/study.wgsl): the f32 twin of
// `CondorBook` in src/strategy/condor.rs, whose module doc gives the rules.
// Assembled with the kernel by src/gpu/shaders.rs; reads its bindings and
// the day's market (`day`, `spx`, the mark_* functions).

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
// 1 once the book's own line is ruined (its equity reached zero): no more
// entries (`CondorBook::ruined`).
var<private> condor_ruined: u32;

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
    // No capital, no new risk.
    if (condor_ruined != 0u || study.capital + (condor_cash + condor_value()) <= 0.0f) {
        tally[1] = tally[1] + 1.0f;
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
