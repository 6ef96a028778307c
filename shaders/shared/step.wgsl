// One time step of a path for the study kernel: the twin of
// `simulate_path_scalar` in src/cpu/path_step.rs (whose module doc is the
// algorithm), operation for operation and draw for draw. The path kernel
// (shaders/path_step.wgsl) runs the same operations flattened into one loop,
// which is faster on lavapipe (1.14e8 path-steps/s, against 0.82e8 measured
// with this nested form); in the study kernel the books dominate the time.
//
// Assembled after shared/params.wgsl (the kernel's `params: SimParams`),
// shared/philox.wgsl, shared/math.wgsl, shared/qe.wgsl and shared/jumps.wgsl.

// (y', v') after step `step` of global path `path` from (y, v): log price
// ln(S / S_0) and variance. `events` (bit e = event type e, from the event
// calendar) are applied at the end of the step: nonzero only on the last
// step of a day with events.
fn sim_step(key: vec2<u32>, path: u32, step: u32, events: u32, y0: f32, v: f32) -> vec2<f32> {
    // 1. Diffusion draws.
    let w = draw(key, path, step, BLOCK_DIFFUSION);
    let zz = box_muller(w.x, w.y);
    let z_v = zz.x;
    let z_x = zz.y;
    let u_v = uniform_open(w.z);
    let u_j = uniform_open(w.w);

    // 2. Variance (shared/qe.wgsl).
    let qe = qe_variance(v, z_v, u_v);
    let vn = qe.x;
    let ln_m = qe.y;

    // 3. Log price with the martingale correction (K1 terms cancel).
    let dy = params.drift_dt - ln_m - 0.5f * params.k3 * v + params.k2 * vn
        + sqrt(params.k3 * v + params.k4 * vn) * z_x;
    let y = y0 + dy;

    // 4. Jumps, then 5. the day's events in increasing type (shared/jumps.wgsl).
    var yv = vec2<f32>(y, vn);
    let n = jump_count(u_j);
    for (var j = 0u; j < n; j = j + 1u) {
        let wj = draw(key, path, step, BLOCK_JUMP0 + j);
        yv = jump_update(wj, box_muller(wj.x, wj.y), yv);
    }
    var left = events;
    while (left != 0u) {
        let e = firstTrailingBit(left);
        let we = draw(key, path, step, BLOCK_EVENT0 + e);
        yv = event_update(e, box_muller(we.x, we.y), yv);
        left = left & (left - 1u);
    }
    return yv;
}
