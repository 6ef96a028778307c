// The condor book of the study kernel (shaders/study.wgsl): the f32 twin of
// `CondorBook` in src/strategy/condor.rs, whose module doc gives the rules.
// Assembled with the kernel by src/gpu/shaders.rs; reads its bindings and
// the day's market (`day`, `spx`, the mark_* functions).
//
// The day's SPX marks are priced in one loop (`condor_price_legs`) and the
// entry strikes found in another (`condor_candidate`), each with a single
// call of the pricer: the shader compiler inlines every call, and one call
// site per pricer keeps the kernel small enough to compile in seconds. The
// candidate's strikes and legs depend on the market only, so they are priced
// on every entry day before the exits, whether or not the book has room
// (the CPU books price them after the exits; the numbers are the same).

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

// Leg mids of the day in the order long put, short put, short call, long
// call: slot i at 4 i, the entry candidate at 4 N_CONDORS.
var<private> leg_price: array<f32, 4u * (N_CONDORS + 1u)>;
// The entry candidate's strikes in leg order.
var<private> candidate: array<f32, 4>;

fn condor_intrinsic(c: Condor, s: f32) -> f32 {
    return max(c.short_put - s, 0.0f) - max(c.long_put - s, 0.0f)
        + max(s - c.short_call, 0.0f) - max(s - c.long_call, 0.0f);
}

fn option_leg_cost(qty: f32, price: f32, commission: f32, hs_min: f32, hs_frac: f32, mult: f32) -> f32 {
    return qty * (commission + opaque(max(hs_min, hs_frac * price) * mult));
}

fn four_leg_cost(contracts: f32, p: vec4<f32>) -> f32 {
    var acc = 0.0f;
    for (var i = 0u; i < 4u; i = i + 1u) {
        acc = acc + opaque(option_leg_cost(contracts, p[i], study.commission, study.half_spread_min, study.half_spread_frac, SPX_MULT));
    }
    return acc;
}

// The four leg mids of request slot `s` (condor slot, or N_CONDORS for the
// candidate).
fn legs_of(s: u32) -> vec4<f32> {
    return vec4<f32>(leg_price[4u * s], leg_price[4u * s + 1u], leg_price[4u * s + 2u], leg_price[4u * s + 3u]);
}

// Net mid cost to close per contract, summed as the CPU does.
fn condor_net(p: vec4<f32>) -> f32 {
    return (((0.0f - p.x) + p.y) + p.z) - p.w;
}

// Marked value of the open condors, USD (<= 0).
fn condor_value() -> f32 {
    var acc = 0.0f;
    for (var i = 0u; i < min(study.condor_slots, N_CONDORS); i = i + 1u) {
        if (condors[i].live != 0u) {
            acc = acc - opaque(condors[i].contracts * SPX_MULT * condors[i].mark);
        }
    }
    return acc;
}

fn condor_entry_day() -> bool {
    return day % max(study.entry_every_days, 1u) == 0u;
}

// The entry candidate's strikes (entry days): shorts at short_delta, wings
// wing_width beyond them or at long_delta (at least one 5-point step out).
// study.d_star holds N^{-1} of each target (short put, short call, long put,
// long call), NaN for a target out of range, from the host.
fn condor_candidate() {
    let dte = study.dte_days;
    let tau = f32(dte) / MARKS_DAYS_PER_YEAR;
    let e = marks_day_value(marks.event_coord_table, day, dte);
    var k: array<f32, 4>;
    let n = select(4u, 2u, study.wing_width > 0.0f);
    for (var j = 0u; j < n; j = j + 1u) {
        let d_star = study.d_star[j];
        var strike = bitcast<f32>(0x7fc00000u);
        if (tau > 0.0f && d_star == d_star) {
            strike = spx_strike_at(spx_strike_x(d_star, tau, var_now, e), spx, tau);
        }
        k[j] = strike;
    }
    let short_put = k[0];
    let short_call = k[1];
    if (study.wing_width > 0.0f) {
        candidate[0] = short_put - study.wing_width;
        candidate[3] = short_call + study.wing_width;
    } else {
        candidate[0] = min(k[2], short_put - 5.0f);
        candidate[3] = max(k[3], short_call + 5.0f);
    }
    candidate[1] = short_put;
    candidate[2] = short_call;
}

// Prices the legs of every live condor with days left and, on entry days,
// of the candidate, into `leg_price`.
fn condor_price_legs(entry_day: bool) {
    let n_slots = min(study.condor_slots, N_CONDORS);
    let n_req = 4u * (n_slots + select(0u, 1u, entry_day));
    for (var r = 0u; r < n_req; r = r + 1u) {
        let s = r / 4u;
        let leg = r % 4u;
        var strike: f32;
        var days_left: u32;
        var out = r;
        if (s == n_slots) {
            strike = candidate[leg];
            days_left = study.dte_days;
            out = 4u * N_CONDORS + leg;
        } else {
            let c = condors[s];
            if (c.live == 0u || c.expiry_day <= day) {
                continue;
            }
            days_left = c.expiry_day - day;
            if (leg == 0u) {
                strike = c.long_put;
            } else if (leg == 1u) {
                strike = c.short_put;
            } else if (leg == 2u) {
                strike = c.short_call;
            } else {
                strike = c.long_call;
            }
        }
        let kind = select(OPTION_CALL, OPTION_PUT, leg < 2u);
        leg_price[out] = mark_spx(kind, strike, days_left);
    }
}

fn condor_settle_mark_exit() {
    for (var i = 0u; i < min(study.condor_slots, N_CONDORS); i = i + 1u) {
        if (condors[i].live == 0u) {
            continue;
        }
        let c = condors[i];
        let days_left = select(0u, c.expiry_day - day, c.expiry_day > day);
        if (days_left == 0u) {
            let owed = opaque(c.contracts * SPX_MULT * condor_intrinsic(c, spx));
            condor_cash = condor_cash - owed;
            tally[7] = tally[7] + owed;
            tally[5] = tally[5] + 1.0f;
            condors[i].live = 0u;
            continue;
        }
        let prices = legs_of(i);
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
        let paid = opaque(c.contracts * SPX_MULT * net);
        let cost = four_leg_cost(c.contracts, prices);
        condor_cash = condor_cash - opaque(paid + cost);
        tally[7] = tally[7] + paid;
        tally[8] = tally[8] + cost;
        tally[reason] = tally[reason] + 1.0f;
        condors[i].live = 0u;
    }
}

fn condor_enter() {
    if (!condor_entry_day()) {
        return;
    }
    // No capital, no new risk.
    if (condor_ruined != 0u || study.capital + (condor_cash + condor_value()) <= 0.0f) {
        tally[1] = tally[1] + 1.0f;
        return;
    }
    let n_slots = min(study.condor_slots, N_CONDORS);
    var slot = n_slots;
    var open = 0u;
    for (var i = 0u; i < n_slots; i = i + 1u) {
        if (condors[i].live != 0u) {
            open = open + 1u;
        } else if (slot == n_slots) {
            slot = i;
        }
    }
    if (slot == n_slots || open >= min(study.max_open, n_slots)) {
        tally[1] = tally[1] + 1.0f;
        return;
    }
    let dte = study.dte_days;
    var c = Condor(1u, day + dte, candidate[0], candidate[1], candidate[2], candidate[3], 0.0f, 0.0f, 0.0f);
    let prices = legs_of(N_CONDORS);
    let net = condor_net(prices);
    let width = max(c.short_put - c.long_put, c.long_call - c.short_call);
    if (!(net > 0.0f && net < width)) {
        tally[1] = tally[1] + 1.0f;
        return;
    }
    let max_loss = (width - net) * SPX_MULT;
    let equity = study.capital + opaque(condor_cash + condor_value());
    c.contracts = max(floor(study.risk_fraction * equity / max_loss), 1.0f);
    c.credit = net;
    c.mark = net;
    let received = opaque(c.contracts * SPX_MULT * net);
    let cost = four_leg_cost(c.contracts, prices);
    condor_cash = condor_cash + opaque(received - cost);
    tally[6] = tally[6] + received;
    tally[8] = tally[8] + cost;
    tally[0] = tally[0] + 1.0f;
    condors[slot] = c;
}
