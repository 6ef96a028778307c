// Test kernel: evaluates the marks of shared/marks.wgsl for each query so
// tests can compare them with `ModelMarks` in src/study/marks.rs
// (src/gpu/marks_test.rs).
//
// Assembled after shared/math.wgsl, shared/tables.wgsl (group 1),
// shared/pricing.wgsl and shared/marks.wgsl. Keep the structs in sync with
// `MarksQuery` / `MarksResult` in src/gpu/marks_test.rs.

struct MarksQuery {
    // OPTION_CALL or OPTION_PUT for the SPX option.
    kind: u32,
    // Trading day of the path (0 = start).
    day: u32,
    // Trading days to the SPX expiry and to the VIX expiry.
    spx_days: u32,
    vix_days: u32,
    // SPX level (index points) and variance (annualised).
    spot: f32,
    v: f32,
    // SPX strike to price (index points) and delta to find a strike for
    // (signed: negative for a put).
    strike: f32,
    spx_delta: f32,
    // VIX call strike to price (VIX points) and call delta to find a strike for.
    vix_strike: f32,
    vix_delta: f32,
    // N^{-1} of the SPX delta target's probability (delta for a call, 1 +
    // delta for a put), from the host.
    spx_d_star: f32,
    _pad0: u32,
}

struct MarksResult {
    // The per-day inputs as read: SPX event coordinate and VIX constant c.
    event_coord: f32,
    vix_c: f32,
    spx_price: f32,
    spx_strike: f32,
    vix_future: f32,
    vix_call: f32,
    vix_strike: f32,
    // The log-strike of the SPX strike search (before rounding).
    spx_strike_x: f32,
}

@group(0) @binding(0) var<storage, read> queries: array<MarksQuery>;
@group(0) @binding(1) var<storage, read_write> results: array<MarksResult>;
@group(0) @binding(2) var<uniform> marks: MarksParams;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&queries)) {
        return;
    }
    let q = queries[i];
    let e = marks_day_value(marks.event_coord_table, q.day, q.spx_days);
    let c = marks_day_value(marks.vix_c_table, q.day, q.vix_days);
    let tau = f32(q.spx_days) / MARKS_DAYS_PER_YEAR;
    let vix_tau = f32(q.vix_days);
    var x = bitcast<f32>(0x7fc00000u);
    var strike = x;
    if (tau > 0.0f) {
        x = spx_strike_x(q.spx_d_star, tau, q.v, e);
        strike = spx_strike_at(x, q.spot, tau);
    }
    results[i] = MarksResult(
        e,
        c,
        spx_price(q.kind, q.spot, q.strike, tau, q.v, e),
        strike,
        vix_future(q.v, vix_tau, c),
        vix_call(q.v, vix_tau, c, q.vix_strike, marks.r),
        vix_call_strike_for_delta(q.v, vix_tau, c, q.vix_delta),
        x,
    );
}
