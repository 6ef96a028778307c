// The study kernel: one invocation per path simulates the market day by day
// (the path kernel's arithmetic, draw for draw) and, at every close, marks
// and trades the condor book and every hedge program on that path, then
// writes the path's outcome record. A dispatch runs one segment of closes of
// its paths (`segment`): the whole horizon, or a run of days with the
// path's state kept in `state` from one segment to the next, which gives the
// same bits. The twin of `run_block` in
// src/cpu/reference.rs and of the books in src/strategy/ (book.rs is the order of
// operations; condor.rs, hedge.rs and signals.rs the rules). The CPU books
// run in f64; these run in f32 with every USD amount that starts at the
// capital kept as an offset from it, so cents are not lost to the capital's
// magnitude.
//
// Assembled by src/gpu/shaders.rs: shared/params.wgsl, shared/philox.wgsl,
// shared/math.wgsl, shared/qe.wgsl, shared/jumps.wgsl, shared/burn_in.wgsl,
// shared/bootstrap.wgsl, shared/step.wgsl,
// shared/tables.wgsl (group 1), shared/pricing.wgsl, shared/marks.wgsl, the
// books in shaders/study/ (stats, condor, signals, hedge) and this file.
//
// The private arrays have fixed capacities (the books' limits, below), so
// one compiled kernel serves every run: the loops run to the run's slot
// counts in `StudyParams`, and the record holds only the run's programs and
// rungs. (Sizing the arrays per run made Mesa's lavapipe compile each shape
// for minutes.)
//
// Keep `StudyParams`, `ProgramDesc` and `LayerDesc` in sync with
// src/study/kernel/params.rs, the record layout with
// src/study/kernel/record.rs.

// Capacities: programs, condor slots, hedge slots per program, ladder rungs
// per program (`CAPACITY` in src/study/kernel/params.rs).
const N_PROGRAMS: u32 = 8u;
const N_CONDORS: u32 = 16u;
const N_POSITIONS: u32 = 16u;
const N_RUNGS: u32 = 8u;

struct StudyParams {
    // Trading days simulated (the closes 1..=horizon are processed after day 0).
    horizon_days: u32,
    n_programs: u32,
    // Slots in use: condors (condor.max_open, >= 1) and hedge positions per
    // program (>= 1); programs and rungs per program in the record (>= 1)
    // and its words.
    condor_slots: u32,
    position_slots: u32,
    record_programs: u32,
    record_rungs: u32,
    record_words: u32,
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
    // N^{-1} of the condor's strike targets (short put, short call, long
    // put, long call; NaN for a target out of range), computed on the host
    // by the f32 twin of `marks_norm_quantile`.
    d_star: array<f32, 4>,
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
    // The first program (<= this one) whose layers are identical: its
    // positions' marks are this program's.
    mark_from: u32,
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
// The historical bootstrap series (shared/bootstrap.wgsl) when
// params.boot_days > 0; a placeholder otherwise.
@group(0) @binding(8) var<storage, read> boot: array<u32>;

// The closes [day_begin, day_end) this dispatch runs of each of its paths:
// close 0 is the path's start (its books initialised and the first close
// processed), closes 1..=horizon_days the simulated days. The first segment
// begins at 0, the last ends at horizon_days + 1 (or beyond) and writes the
// record; an unsegmented dispatch is the segment [0, horizon_days + 1).
struct Segment {
    day_begin: u32,
    day_end: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(9) var<uniform> segment: Segment;
// Every path's state between the segments of a dispatch (`save_state`,
// word k of path i at k * params.n_paths + i); a placeholder word when the
// dispatches are not segmented.
@group(0) @binding(10) var<storage, read_write> state: array<u32>;

// Lowest variance the VIX close is inverted to (src/model/vix, V_FLOOR).
const V_FLOOR: f32 = 1e-4f;

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
    let e = marks_day_value(marks.event_coord_table, day, days_left);
    return spx_price(kind, spx, strike, f32(days_left) / MARKS_DAYS_PER_YEAR, var_now, e);
}

fn mark_vix_future(days_left: u32) -> f32 {
    let c = marks_day_value(marks.vix_c_table, day, days_left);
    return vix_future(var_now, f32(days_left), c);
}

fn round_step(x: f32, step: f32) -> f32 {
    return floor(x / step + 0.5f) * step;
}

// ------------------------------------------------------------ one close

var<private> max_vix: f32;
var<private> first_vix: f32;
var<private> spx_peak: f32;
var<private> spx_max_dd: f32;

// The close of `day` (market fields set): the order of `PathBook::process`.
fn process_close(first: bool) {
    let n_prog = min(study.n_programs, N_PROGRAMS);
    signals_update(spx, first);
    max_vix = max(max_vix, vix);
    spx_peak = max(spx_peak, spx);
    spx_max_dd = max(spx_max_dd, (spx_peak - spx) / spx_peak);

    let entry_day = condor_entry_day();
    if (entry_day) {
        condor_candidate();
    }
    condor_price_legs(entry_day);
    condor_settle_mark_exit();
    hedge_mark_all();
    for (var p = 0u; p < n_prog; p = p + 1u) {
        hedge_settle_mark_close(p);
    }
    condor_enter();
    let condor_eq = condor_cash + condor_value();

    enter_hedges(adaptive_scale(), condor_eq);

    var cl = condor_line;
    line_push(&cl, condor_eq);
    condor_line = cl;
    if (line_ruined(cl)) {
        condor_ruined = 1u;
    }
    for (var p = 0u; p < n_prog; p = p + 1u) {
        let h = hedge_pnl(p);
        var l = lines[p];
        line_push(&l, condor_eq + h.x);
        lines[p] = l;
        let desc = programs[p];
        for (var r = 0u; r < min(desc.n_rungs, N_RUNGS); r = r + 1u) {
            var rl = rungs[p * N_RUNGS + r];
            line_push(&rl, condor_eq + opaque(desc.ladder[r] * h.y));
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

// The market of a bootstrap path at the close of `d`: the day's VIX close
// itself, and the variance filtered from it (the model's VIX formula
// inverted), as in the replay.
fn set_market_history(d: u32, close: f32) {
    day = d;
    spx = study.spot * exp_portable(y);
    vix = close;
    // The constant multiplies first (Mesa reassociates `(close * close) *
    // 0.0001` into this order), and no fused multiply-add: as
    // `filtered_variance_f32` on the CPU.
    var_now = max((opaque(close * (close * 0.0001f)) - vix_b[d]) / study.vix_a, V_FLOOR);
    vix_f1m = mark_vix_future(21u);
}

fn put_line(base: u32, l: Line) {
    records[base] = l.max_dd;
    records[base + 1u] = l.last;
    records[base + 2u] = l.peak;
    records[base + 3u] = l.worst;
}

// The path's record (study.record_words f32 words; src/study/kernel/record.rs
// reads it): [0] max VIX, [1] SPX return, [2..6) condor line (max dd, pnl,
// peak - capital, worst day), [6..15) condor tally, [15] first VIX, [16] SPX
// max drawdown (HEADER_WORDS = 17), then per program 14 + 4 record_rungs
// words: line (4), own ledger (cash, premium, payoff, costs), one-unit ledger
// (4), hedge P&L (own, one-unit), the rungs' lines (4 each).
fn write_record(i: u32) {
    let base = i * study.record_words;
    records[base] = max_vix;
    records[base + 1u] = spx / study.spot - 1.0f;
    put_line(base + 2u, condor_line);
    for (var t = 0u; t < 9u; t = t + 1u) {
        records[base + 6u + t] = tally[t];
    }
    records[base + 15u] = first_vix;
    records[base + 16u] = spx_max_dd;
    let n_rungs = min(study.record_rungs, N_RUNGS);
    for (var p = 0u; p < min(study.record_programs, N_PROGRAMS); p = p + 1u) {
        let pb = base + 17u + p * (14u + 4u * n_rungs);
        put_line(pb, lines[p]);
        let l = ledgers[p];
        for (var t = 0u; t < 4u; t = t + 1u) {
            records[pb + 4u + t] = l.main[t];
            records[pb + 8u + t] = l.unit[t];
        }
        let h = hedge_pnl(p);
        records[pb + 12u] = h.x;
        records[pb + 13u] = h.y;
        for (var r = 0u; r < n_rungs; r = r + 1u) {
            put_line(pb + 14u + 4u * r, rungs[p * N_RUNGS + r]);
        }
    }
}

// ------------------------------------------------- state between segments

// Every piece of a path's state that lives from one close to the next, in
// the order of `save_state` (the market of the day and the day's leg marks
// are recomputed every close): the header below (STATE_HEADER_WORDS), then
// 9 words per condor slot, then per recorded program its ledgers (8), line
// (4), rungs (4 each) and hedge slots (9 each); `state_words` in
// src/gpu/study/mod.rs counts them. f32 words are stored as their bits.
const STATE_HEADER_WORDS: u32 = 35u;

// Index of the next state word of the invocation's path.
var<private> state_at: u32;

fn put_u(w: u32) {
    state[state_at] = w;
    state_at = state_at + params.n_paths;
}

fn put_f(x: f32) {
    put_u(bitcast<u32>(x));
}

fn take_u() -> u32 {
    let w = state[state_at];
    state_at = state_at + params.n_paths;
    return w;
}

fn take_f() -> f32 {
    return bitcast<f32>(take_u());
}

fn put_line_state(l: Line) {
    put_f(l.last);
    put_f(l.peak);
    put_f(l.max_dd);
    put_f(l.worst);
}

fn take_line_state() -> Line {
    let last = take_f();
    let peak = take_f();
    let max_dd = take_f();
    let worst = take_f();
    return Line(last, peak, max_dd, worst);
}

// Stores path `i`'s state (and its bootstrap position `bp`) at the end of a
// segment that is not the last.
fn save_state(i: u32, bp: BootPath) {
    state_at = i;
    put_f(y);
    put_f(v);
    put_u(bp.day);
    put_u(bp.left);
    put_f(bp.y);
    put_f(max_vix);
    put_f(first_vix);
    put_f(spx_peak);
    put_f(spx_max_dd);
    put_f(condor_cash);
    put_u(condor_ruined);
    put_u(rsi_changes);
    put_f(rsi_prev);
    put_f(rsi_gain);
    put_f(rsi_loss);
    put_u(ema_fast.count);
    put_f(ema_fast.value);
    put_u(ema_slow.count);
    put_f(ema_slow.value);
    put_u(ema_signal.count);
    put_f(ema_signal.value);
    put_f(macd_line);
    for (var t = 0u; t < 9u; t = t + 1u) {
        put_f(tally[t]);
    }
    put_line_state(condor_line);
    for (var k = 0u; k < min(study.condor_slots, N_CONDORS); k = k + 1u) {
        let c = condors[k];
        put_u(c.live);
        put_u(c.expiry_day);
        put_f(c.long_put);
        put_f(c.short_put);
        put_f(c.short_call);
        put_f(c.long_call);
        put_f(c.contracts);
        put_f(c.credit);
        put_f(c.mark);
    }
    let n_slots = min(study.position_slots, N_POSITIONS);
    let n_rungs = min(study.record_rungs, N_RUNGS);
    for (var p = 0u; p < min(study.record_programs, N_PROGRAMS); p = p + 1u) {
        let l = ledgers[p];
        for (var t = 0u; t < 4u; t = t + 1u) {
            put_f(l.main[t]);
            put_f(l.unit[t]);
        }
        put_line_state(lines[p]);
        for (var r = 0u; r < n_rungs; r = r + 1u) {
            put_line_state(rungs[p * N_RUNGS + r]);
        }
        for (var k = 0u; k < n_slots; k = k + 1u) {
            let q = positions[p * N_POSITIONS + k];
            put_u(q.live);
            put_u(q.layer);
            put_u(q.instrument);
            put_u(q.expiry_day);
            put_u(q.close_day);
            put_f(q.strike);
            put_f(q.qty);
            put_f(q.qty_unit);
            put_f(q.mark);
        }
    }
}

// Loads what `save_state` stored for path `i` at the start of a segment
// that is not the first; returns the bootstrap position.
fn load_state(i: u32) -> BootPath {
    state_at = i;
    y = take_f();
    v = take_f();
    let bp_day = take_u();
    let bp_left = take_u();
    let bp_y = take_f();
    max_vix = take_f();
    first_vix = take_f();
    spx_peak = take_f();
    spx_max_dd = take_f();
    condor_cash = take_f();
    condor_ruined = take_u();
    rsi_changes = take_u();
    rsi_prev = take_f();
    rsi_gain = take_f();
    rsi_loss = take_f();
    let fast_count = take_u();
    ema_fast = Ema(fast_count, take_f());
    let slow_count = take_u();
    ema_slow = Ema(slow_count, take_f());
    let signal_count = take_u();
    ema_signal = Ema(signal_count, take_f());
    macd_line = take_f();
    for (var t = 0u; t < 9u; t = t + 1u) {
        tally[t] = take_f();
    }
    condor_line = take_line_state();
    for (var k = 0u; k < min(study.condor_slots, N_CONDORS); k = k + 1u) {
        var c: Condor;
        c.live = take_u();
        c.expiry_day = take_u();
        c.long_put = take_f();
        c.short_put = take_f();
        c.short_call = take_f();
        c.long_call = take_f();
        c.contracts = take_f();
        c.credit = take_f();
        c.mark = take_f();
        condors[k] = c;
    }
    let n_slots = min(study.position_slots, N_POSITIONS);
    let n_rungs = min(study.record_rungs, N_RUNGS);
    for (var p = 0u; p < min(study.record_programs, N_PROGRAMS); p = p + 1u) {
        var l: Ledgers;
        for (var t = 0u; t < 4u; t = t + 1u) {
            l.main[t] = take_f();
            l.unit[t] = take_f();
        }
        ledgers[p] = l;
        lines[p] = take_line_state();
        for (var r = 0u; r < n_rungs; r = r + 1u) {
            rungs[p * N_RUNGS + r] = take_line_state();
        }
        for (var k = 0u; k < n_slots; k = k + 1u) {
            var q: Position;
            q.live = take_u();
            q.layer = take_u();
            q.instrument = take_u();
            q.expiry_day = take_u();
            q.close_day = take_u();
            q.strike = take_f();
            q.qty = take_f();
            q.qty_unit = take_f();
            q.mark = take_f();
            positions[p * N_POSITIONS + k] = q;
        }
    }
    return BootPath(bp_day, bp_left, bp_y);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
) {
    let i = batch_index(gid, nwg);
    if (i >= params.n_paths) {
        return;
    }
    let path = params.path_offset + i;
    let key = vec2<u32>(params.key0, params.key1);
    let bootstrap = params.boot_days > 0u;
    let day_end = min(segment.day_end, study.horizon_days + 1u);
    var bp = BootPath(0u, 0u, 0.0f);
    if (segment.day_begin == 0u) {
        bp = start_path(key, path, bootstrap);
    } else {
        bp = load_state(i);
    }

    let spd = params.steps_per_day;
    let n_prog = min(study.n_programs, N_PROGRAMS);
    for (var d = max(segment.day_begin, 1u); d < day_end; d = d + 1u) {
        if (bootstrap) {
            bp = boot_step(bp, key, path, d);
            y = bp.y;
        } else {
            for (var s = 0u; s < spd; s = s + 1u) {
                let events = select(0u, event_days[d - 1u], s + 1u == spd);
                let yv = sim_step(key, path, (d - 1u) * spd + s, events, y, v);
                y = yv.x;
                v = yv.y;
            }
        }
        // Interest, before anything else on the day.
        condor_cash = opaque(condor_cash * study.growth) + study.capital_growth;
        for (var p = 0u; p < n_prog; p = p + 1u) {
            ledgers[p].main.x = ledgers[p].main.x * study.growth;
            ledgers[p].unit.x = ledgers[p].unit.x * study.growth;
        }
        if (bootstrap) {
            set_market_history(d, boot_vix(bp.day));
        } else {
            set_market(d);
        }
        process_close(false);
    }
    if (day_end == study.horizon_days + 1u) {
        write_record(i);
    } else {
        save_state(i, bp);
    }
}

// Close 0 of global path `path`: the start of its path source, the books
// initialised and the first close processed; returns the bootstrap position.
fn start_path(key: vec2<u32>, path: u32, bootstrap: bool) -> BootPath {
    y = 0.0f;
    v = start_variance(key, path);
    condor_cash = 0.0f;
    condor_ruined = 0u;
    for (var t = 0u; t < 9u; t = t + 1u) {
        tally[t] = 0.0f;
    }
    for (var k = 0u; k < min(study.condor_slots, N_CONDORS); k = k + 1u) {
        condors[k].live = 0u;
    }
    let n_slots = min(study.position_slots, N_POSITIONS);
    let n_rec = min(study.record_programs, N_PROGRAMS);
    let n_rungs = min(study.record_rungs, N_RUNGS);
    for (var p = 0u; p < n_rec; p = p + 1u) {
        for (var k = 0u; k < n_slots; k = k + 1u) {
            positions[p * N_POSITIONS + k].live = 0u;
        }
    }
    let zero_line = Line(0.0f, 0.0f, 0.0f, 0.0f);
    condor_line = zero_line;
    for (var p = 0u; p < n_rec; p = p + 1u) {
        ledgers[p] = Ledgers(vec4<f32>(0.0f), vec4<f32>(0.0f));
        lines[p] = zero_line;
        for (var r = 0u; r < n_rungs; r = r + 1u) {
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

    // The path source: SVCJ steps, or the historical bootstrap.
    var bp = BootPath(0u, 0u, 0.0f);
    if (bootstrap) {
        bp = boot_start(key, path);
        set_market_history(0u, boot_vix(bp.day));
    } else {
        set_market(0u);
    }
    max_vix = vix;
    first_vix = vix;
    spx_peak = spx;
    spx_max_dd = 0.0f;
    process_close(true);
    return bp;
}
