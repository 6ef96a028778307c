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
    _pad0: u32,
    _pad1: u32,
}

struct MarksResult {
    // The per-day inputs as read: SPX event variance and VIX constant c.
    event_var: f32,
    vix_c: f32,
    spx_price: f32,
    spx_strike: f32,
    vix_future: f32,
    vix_call: f32,
    vix_strike: f32,
    _pad0: u32,
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
    let ev = marks_day_value(marks.event_var_table, q.day, q.spx_days);
    let c = marks_day_value(marks.vix_c_table, q.day, q.vix_days);
    let tau = f32(q.spx_days) / MARKS_DAYS_PER_YEAR;
    let vix_tau = f32(q.vix_days);
    results[i] = MarksResult(
        ev,
        c,
        spx_price(q.kind, q.spot, q.strike, tau, q.v, ev),
        spx_strike_for_delta(q.kind, q.spx_delta, q.spot, tau, q.v, ev),
        vix_future(q.v, vix_tau, c),
        vix_call(q.v, vix_tau, c, q.vix_strike, marks.r),
        vix_call_strike_for_delta(q.v, vix_tau, c, q.vix_delta),
        0u,
    );
}
