// The reductions of the study kernel's records on the device: the twin of
// src/cpu/reduce.rs (which reads the records) and of `LineAcc::push` and
// `StudyAccumulator::push_inputs` in src/report/stats.rs (which accumulate).
// Every accumulated quantity is an integer: histogram counts, and sums of
// f32 values on the 2^-48 fixed-point grid of src/report/exact.rs, kept as
// four 32-bit limbs of a two's-complement 128-bit integer and added with
// atomics (integer addition in any order gives the same bits). The f32
// operations that derive the summed values are those of the CPU, one by
// one, so on an adapter with IEEE f32 division (lavapipe) the accumulators
// are identical to the CPU's for the same records.
//
// One invocation reduces one line (global_invocation_id.y) of PER_INVOCATION
// paths. Sums, the worst-day minimum and the counts of a workgroup gather in
// workgroup memory first and reach the global accumulator once a workgroup;
// histogram bins and tails go to it directly.
//
// The accumulator's words (src/report/flat.rs): [0] invalid paths, then per
// regime REGIME_HEAD words (paths, and the sum and sum of squares of the
// four path facts) followed by LINE_WORDS words per line.

struct ReduceParams {
    // Paths of this dispatch, and the global index of the first.
    n_paths: u32,
    path_offset: u32,
    // Index of the dispatch's first record in `records`, and a record's words.
    first_record: u32,
    words: u32,
    n_lines: u32,
    // [regimes] by: 0 max VIX, 1 VIX rise (max - first), 2 SPX max drawdown.
    by: u32,
    // Capital, USD, as f32.
    capital: f32,
    // The cut threshold (0.35) rounded up to f32, and the per-path reduction
    // a path without hedged drawdown is counted at (0.9995 as f32).
    cut_at: f32,
    reduction_top: f32,
    pad0: u32,
    pad1: u32,
    pad2: u32,
    // Regime bounds (moderate, severe, crisis) rounded up to f32, for `by`
    // 0 and 2; and as 128-bit fixed-point integers, ceil(bound x 2^48), for 1.
    bounds: vec4<f32>,
    rise_bounds: array<vec4<u32>, 3>,
}

// Where a line reads its inputs (src/study/kernel/record.rs, LineSource).
struct LineSource {
    line: u32,
    ledger: u32,
    units: f32,
    pad: u32,
}

@group(0) @binding(0) var<uniform> params: ReduceParams;
@group(0) @binding(1) var<storage, read> records: array<f32>;
@group(0) @binding(2) var<storage, read> sources: array<LineSource>;
// The histograms' edges rounded up to f32: drawdown, section drawdown,
// P&L, reduction (the `*_EDGES` offsets below; bins + 1 each).
@group(0) @binding(3) var<storage, read> edges: array<f32>;
@group(0) @binding(4) var<storage, read_write> acc: array<atomic<u32>>;

override WORKGROUP_SIZE: u32 = 64u;
const PER_INVOCATION: u32 = 4u;
const N_REGIMES: u32 = 4u;
const SECTIONS: u32 = 20u;

// Histograms: bins, edge offsets in `edges`, first edge, 1 / width.
const DD_BINS: u32 = 10000u;
const SEC_BINS: u32 = 1000u;
const PNL_BINS: u32 = 10000u;
const RED_BINS: u32 = 2000u;
const DD_EDGES: u32 = 0u;
const SEC_EDGES: u32 = 10001u;
const PNL_EDGES: u32 = 11002u;
const RED_EDGES: u32 = 21003u;
// A histogram's block: its counts, then the underflow (count, 4-limb sum)
// and the overflow (count, 4-limb sum).
const TAIL_WORDS: u32 = 10u;

// A line's block.
const L_DD: u32 = 0u;
const L_SEC: u32 = 10010u;
const L_PNL: u32 = 30210u;
const L_RED: u32 = 40220u;
const L_SUMS: u32 = 42230u;
const L_MIN: u32 = 42270u;
const L_DEFINED: u32 = 42271u;
const L_CUT: u32 = 42272u;
const LINE_WORDS: u32 = 42273u;
// A regime's head: paths, then 8 sums (fact k: sum at 2k, squares at 2k + 1).
const REGIME_HEAD: u32 = 33u;

// The line's sums, in 4-limb slots from L_SUMS.
const S_DD: u32 = 0u;
const S_DD2: u32 = 1u;
const S_PNL: u32 = 2u;
const S_PNL2: u32 = 3u;
const S_PREMIUM: u32 = 4u;
const S_PAYOFF: u32 = 5u;
const S_WORST: u32 = 6u;
const S_CROSS: u32 = 7u;
const S_DRAG: u32 = 8u;
const S_DRAG2: u32 = 9u;
const N_SUMS: u32 = 10u;

// Workgroup memory, per regime: the 10 sums (40 limbs), the worst-day key,
// the defined and cut counts, the paths, the 8 fact sums (32 limbs).
const W_SUMS: u32 = 0u;
const W_MIN: u32 = 40u;
const W_DEFINED: u32 = 41u;
const W_CUT: u32 = 42u;
const W_PATHS: u32 = 43u;
const W_FACTS: u32 = 44u;
const W_REGIME: u32 = 76u;
const W_INVALID: u32 = 304u;
const W_WORDS: u32 = 305u;
// Items of the flush: 22 a regime (10 sums, min, defined, cut, paths, 8
// fact sums) and the invalid count.
const W_REGIME_ITEMS: u32 = 22u;
const W_ITEMS: u32 = 89u;

var<workgroup> wg: array<atomic<u32>, W_WORDS>;

fn is_finite(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// round(x 2^48) to nearest, ties to even, as a two's-complement 128-bit
// integer in four limbs (least significant first): `ExactSum::add`.
fn fixed(x: f32) -> vec4<u32> {
    let b = bitcast<u32>(x);
    let e = (b >> 23u) & 0xffu;
    var m = b & 0x7fffffu;
    var ex = e;
    if (e == 0u) {
        ex = 1u;
    } else {
        m = m | 0x800000u;
    }
    var r = vec4<u32>(0u);
    if (m == 0u) {
        return r;
    }
    // x = m 2^(ex - 150), so x 2^48 = m 2^(ex - 102).
    let s = i32(ex) - 102;
    if (s >= 0) {
        let limb = u32(s) / 32u;
        let bit = u32(s) % 32u;
        let lo = m << bit;
        let hi = select(0u, m >> (32u - bit), bit > 0u);
        if (limb < 4u) {
            r[limb] = lo;
        }
        if (limb + 1u < 4u) {
            r[limb + 1u] = hi;
        }
    } else {
        let k = u32(-s);
        if (k < 25u) {
            var q = m >> k;
            let rem = m & ((1u << k) - 1u);
            let half = 1u << (k - 1u);
            if (rem > half || (rem == half && (q & 1u) == 1u)) {
                q = q + 1u;
            }
            r[0] = q;
        }
    }
    if ((b >> 31u) == 1u) {
        // Two's complement: invert and add one.
        r = ~r;
        var c = 1u;
        for (var j = 0u; j < 4u; j = j + 1u) {
            let a = r[j] + c;
            c = select(0u, 1u, a < c);
            r[j] = a;
        }
    }
    return r;
}

// a - b on 128-bit integers.
fn sub128(a: vec4<u32>, b: vec4<u32>) -> vec4<u32> {
    var r = vec4<u32>(0u);
    var borrow = 0u;
    for (var j = 0u; j < 4u; j = j + 1u) {
        let d = a[j] - b[j];
        let d2 = d - borrow;
        borrow = select(0u, 1u, a[j] < b[j]) + select(0u, 1u, d < borrow);
        r[j] = d2;
    }
    return r;
}

// a >= b on signed 128-bit integers.
fn ge128(a: vec4<u32>, b: vec4<u32>) -> bool {
    let sa = bitcast<i32>(a[3]);
    let sb = bitcast<i32>(b[3]);
    if (sa != sb) {
        return sa > sb;
    }
    for (var j = 2; j >= 0; j = j - 1) {
        if (a[j] != b[j]) {
            return a[j] > b[j];
        }
    }
    return true;
}

// Adds the 128-bit `v` to the limbs at `at` of the global accumulator (or
// of workgroup memory): each limb's carry goes into the next limb's add,
// so concurrent adds in any order leave the exact sum modulo 2^128.
fn acc_add128(at: u32, v: vec4<u32>) {
    var c = 0u;
    for (var j = 0u; j < 4u; j = j + 1u) {
        let a = v[j] + c;
        var out = select(0u, 1u, a < c);
        if (a != 0u) {
            let old = atomicAdd(&acc[at + j], a);
            out = out + select(0u, 1u, old + a < old);
        }
        c = out;
    }
}

fn wg_add128(at: u32, v: vec4<u32>) {
    var c = 0u;
    for (var j = 0u; j < 4u; j = j + 1u) {
        let a = v[j] + c;
        var out = select(0u, 1u, a < c);
        if (a != 0u) {
            let old = atomicAdd(&wg[at + j], a);
            out = out + select(0u, 1u, old + a < old);
        }
        c = out;
    }
}

// An order-preserving key of an f32, inverted so that the largest inverted
// key is the smallest value and 0 means none (the buffer starts zeroed).
fn min_key(x: f32) -> u32 {
    let b = bitcast<u32>(x);
    let key = select(b | 0x80000000u, ~b, (b >> 31u) == 1u);
    return ~key;
}

// Adds `x` to the histogram whose block starts at `at`: the bin is the
// largest i with x >= edges[e0 + i] (`Histogram::bin_of`).
fn hist_push(at: u32, e0: u32, bins: u32, lo: f32, inv_w: f32, x: f32) {
    if (x < edges[e0]) {
        atomicAdd(&acc[at + bins], 1u);
        acc_add128(at + bins + 1u, fixed(x));
        return;
    }
    if (x >= edges[e0 + bins]) {
        atomicAdd(&acc[at + bins + 5u], 1u);
        acc_add128(at + bins + 6u, fixed(x));
        return;
    }
    var i = u32(clamp(floor((x - lo) * inv_w), 0.0f, f32(bins - 1u)));
    loop {
        if (i == 0u || x >= edges[e0 + i]) {
            break;
        }
        i = i - 1u;
    }
    loop {
        if (i + 1u >= bins || x < edges[e0 + i + 1u]) {
            break;
        }
        i = i + 1u;
    }
    atomicAdd(&acc[at + i], 1u);
}

struct Inputs {
    dd: f32,
    pnl: f32,
    premium: f32,
    payoff: f32,
    worst: f32,
}

// A line's inputs from its record (src/cpu/reduce.rs, `line_of`).
fn inputs_of(base: u32, s: LineSource) -> Inputs {
    let l = base + s.line;
    let g = base + s.ledger;
    return Inputs(
        records[l],
        records[l + 1u],
        s.units * (records[g + 1u] + records[g + 3u]),
        s.units * records[g + 2u],
        -records[l + 3u],
    );
}

fn inputs_finite(o: Inputs) -> bool {
    return is_finite(o.dd) && is_finite(o.pnl) && is_finite(o.premium)
        && is_finite(o.payoff) && is_finite(o.worst);
}

fn regime_of(max_vix: f32, first_vix: f32, spx_dd: f32) -> u32 {
    if (params.by == 1u) {
        let rise = sub128(fixed(max_vix), fixed(first_vix));
        var r = 0u;
        for (var k = 0u; k < 3u; k = k + 1u) {
            if (ge128(rise, params.rise_bounds[k])) {
                r = k + 1u;
            }
        }
        return r;
    }
    let x = select(max_vix, spx_dd, params.by == 2u);
    var r = 0u;
    for (var k = 0u; k < 3u; k = k + 1u) {
        if (x >= params.bounds[k]) {
            r = k + 1u;
        }
    }
    return r;
}

fn line_base(regime: u32, line: u32) -> u32 {
    return 1u + regime * (REGIME_HEAD + params.n_lines * LINE_WORDS) + REGIME_HEAD
        + line * LINE_WORDS;
}

fn reduce_path(i: u32, line: u32) {
    let base = (params.first_record + i) * params.words;
    let max_vix = records[base];
    let first_vix = records[base + 15u];
    let spx_return = records[base + 1u];
    let spx_dd = records[base + 16u];
    var valid = is_finite(max_vix) && is_finite(first_vix) && is_finite(spx_return)
        && is_finite(spx_dd);
    for (var k = 0u; k < params.n_lines; k = k + 1u) {
        valid = valid && inputs_finite(inputs_of(base, sources[k]));
    }
    if (!valid) {
        if (line == 0u) {
            atomicAdd(&wg[W_INVALID], 1u);
        }
        return;
    }
    let regime = regime_of(max_vix, first_vix, spx_dd);
    let w = regime * W_REGIME;
    if (line == 0u) {
        atomicAdd(&wg[w + W_PATHS], 1u);
        let facts = vec4<f32>(max_vix, first_vix, spx_return, spx_dd);
        for (var k = 0u; k < 4u; k = k + 1u) {
            let x = facts[k];
            wg_add128(w + W_FACTS + 8u * k, fixed(x));
            wg_add128(w + W_FACTS + 8u * k + 4u, fixed(x * x));
        }
    }
    let none = inputs_of(base, sources[0]);
    let o = inputs_of(base, sources[line]);
    let at = line_base(regime, line);
    let section = (params.path_offset + i) % SECTIONS;
    let cap = params.capital;

    let dd = o.dd;
    hist_push(at + L_DD, DD_EDGES, DD_BINS, 0.0f, 1e4f, dd);
    hist_push(at + L_SEC + section * (SEC_BINS + TAIL_WORDS), SEC_EDGES, SEC_BINS, 0.0f, 1e3f, dd);
    wg_add128(w + W_SUMS + 4u * S_DD, fixed(dd));
    wg_add128(w + W_SUMS + 4u * S_DD2, fixed(dd * dd));
    let pnl = o.pnl / cap;
    hist_push(at + L_PNL, PNL_EDGES, PNL_BINS, -1.0f, 5e3f, pnl);
    wg_add128(w + W_SUMS + 4u * S_PNL, fixed(pnl));
    wg_add128(w + W_SUMS + 4u * S_PNL2, fixed(pnl * pnl));
    wg_add128(w + W_SUMS + 4u * S_PREMIUM, fixed(o.premium / cap));
    wg_add128(w + W_SUMS + 4u * S_PAYOFF, fixed(o.payoff / cap));
    wg_add128(w + W_SUMS + 4u * S_WORST, fixed(o.worst / cap));
    atomicMax(&wg[w + W_MIN], min_key(o.worst));
    wg_add128(w + W_SUMS + 4u * S_CROSS, fixed(none.dd * dd));
    let drag = (none.pnl - o.pnl) / cap;
    wg_add128(w + W_SUMS + 4u * S_DRAG, fixed(drag));
    wg_add128(w + W_SUMS + 4u * S_DRAG2, fixed(drag * drag));
    if (none.dd > 0.0f) {
        let r = 1.0f - dd / none.dd;
        hist_push(at + L_RED, RED_EDGES, RED_BINS, -1.0f, 1e3f, min(r, params.reduction_top));
        atomicAdd(&wg[w + W_DEFINED], 1u);
        if (r >= params.cut_at) {
            atomicAdd(&wg[w + W_CUT], 1u);
        }
    }
}

// Moves workgroup item `item` (see W_ITEMS) of line `line` to the global
// accumulator.
fn flush_item(item: u32, line: u32) {
    if (item == W_ITEMS - 1u) {
        let n = atomicLoad(&wg[W_INVALID]);
        if (line == 0u && n > 0u) {
            atomicAdd(&acc[0], n);
        }
        return;
    }
    let regime = item / W_REGIME_ITEMS;
    let k = item % W_REGIME_ITEMS;
    let w = regime * W_REGIME;
    let head = 1u + regime * (REGIME_HEAD + params.n_lines * LINE_WORDS);
    let at = line_base(regime, line);
    if (k < N_SUMS) {
        let src = w + W_SUMS + 4u * k;
        let v = vec4<u32>(
            atomicLoad(&wg[src]),
            atomicLoad(&wg[src + 1u]),
            atomicLoad(&wg[src + 2u]),
            atomicLoad(&wg[src + 3u]),
        );
        if (any(v != vec4<u32>(0u))) {
            acc_add128(at + L_SUMS + 4u * k, v);
        }
    } else if (k == 10u) {
        let key = atomicLoad(&wg[w + W_MIN]);
        if (key != 0u) {
            atomicMax(&acc[at + L_MIN], key);
        }
    } else if (k == 11u || k == 12u || k == 13u) {
        let src = w + select(select(W_PATHS, W_CUT, k == 12u), W_DEFINED, k == 11u);
        let n = atomicLoad(&wg[src]);
        let dst = select(select(head, at + L_CUT, k == 12u), at + L_DEFINED, k == 11u);
        if (n > 0u && (k != 13u || line == 0u)) {
            atomicAdd(&acc[dst], n);
        }
    } else if (line == 0u) {
        let f = k - 14u;
        let src = w + W_FACTS + 4u * f;
        let v = vec4<u32>(
            atomicLoad(&wg[src]),
            atomicLoad(&wg[src + 1u]),
            atomicLoad(&wg[src + 2u]),
            atomicLoad(&wg[src + 3u]),
        );
        if (any(v != vec4<u32>(0u))) {
            acc_add128(head + 1u + 4u * f, v);
        }
    }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
    @builtin(local_invocation_index) lid: u32,
    @builtin(workgroup_id) group: vec3<u32>,
) {
    for (var j = lid; j < W_WORDS; j = j + WORKGROUP_SIZE) {
        atomicStore(&wg[j], 0u);
    }
    workgroupBarrier();
    let line = group.y;
    for (var k = 0u; k < PER_INVOCATION; k = k + 1u) {
        let i = (group.x * PER_INVOCATION + k) * WORKGROUP_SIZE + lid;
        if (i < params.n_paths) {
            reduce_path(i, line);
        }
    }
    workgroupBarrier();
    for (var item = lid; item < W_ITEMS; item = item + WORKGROUP_SIZE) {
        flush_item(item, line);
    }
}
