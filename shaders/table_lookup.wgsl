// Test kernel: evaluates a table lookup and the pricing functions for each
// query so tests can compare them with src/shared/tables.rs and src/shared/pricing.rs
// (src/gpu/table_lookup.rs).
//
// Assembled after shared/math.wgsl, shared/tables.wgsl (group 1) and
// shared/pricing.wgsl. Keep the structs in sync with `LookupQuery` /
// `LookupResult` in src/gpu/table_lookup.rs.

struct LookupQuery {
    // Table index (into table_headers) and coordinates; extra ones are ignored.
    table: u32,
    // OPTION_CALL or OPTION_PUT for the Black-76 and Black-Scholes calls.
    kind: u32,
    x0: f32,
    x1: f32,
    x2: f32,
    // Argument of exp_portable.
    exp_x: f32,
    // Argument of norm_cdf_f32.
    cdf_x: f32,
    // Forward for black76_f32, spot for bs_f32.
    forward: f32,
    strike: f32,
    tau: f32,
    // Discount factor for black76_f32.
    df: f32,
    vol: f32,
    // Rate and dividend yield for bs_f32.
    rate: f32,
    div_yield: f32,
    // vix_from_affine(vix_a, vix_v, vix_b).
    vix_a: f32,
    vix_v: f32,
    vix_b: f32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

struct LookupResult {
    // table_lookup(table, (x0, x1, x2)).
    value: f32,
    // 1 when the lookup clamped a coordinate.
    clamped: u32,
    exp: f32,
    cdf: f32,
    black76_price: f32,
    black76_delta: f32,
    bs_price: f32,
    bs_delta: f32,
    vix: f32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<storage, read> queries: array<LookupQuery>;
@group(0) @binding(1) var<storage, read_write> results: array<LookupResult>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&queries)) {
        return;
    }
    let q = queries[i];
    let t = table_lookup(q.table, vec3<f32>(q.x0, q.x1, q.x2));
    let b76 = black76_f32(q.kind, q.forward, q.strike, q.tau, q.df, q.vol);
    let bs = bs_f32(q.kind, q.forward, q.strike, q.tau, q.rate, q.div_yield, q.vol);
    results[i] = LookupResult(
        t.value,
        select(0u, 1u, t.clamped),
        exp_portable(q.exp_x),
        norm_cdf_f32(q.cdf_x),
        b76.price,
        b76.delta,
        bs.price,
        bs.delta,
        vix_from_affine(q.vix_a, q.vix_v, q.vix_b),
        0u,
        0u,
        0u,
    );
}
