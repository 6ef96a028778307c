// One time step of a path for the study kernel: the twin of
// `simulate_path_scalar` in src/cpu/path_step.rs (whose module doc is the
// algorithm), operation for operation and draw for draw. The path kernel
// (shaders/path_step.wgsl) runs the same operations flattened into one loop,
// which is faster on lavapipe (1.14e8 path-steps/s, against 0.82e8 measured
// with this nested form); in the study kernel the books dominate the time.
//
// Assembled after shared/params.wgsl (the kernel's `params: SimParams`),
// shared/philox.wgsl, shared/math.wgsl and shared/qe.wgsl.

// `x`, hidden from the optimiser: `_pad0` is always 0 (src/sim.rs) but only
// known at run time. Without it Mesa rewrites `y + (a - t)` on the event line
// as `(y + a) - t`, and contracts products into fused multiply-adds the CPU
// does not perform, one ulp away from the CPU.
fn opaque(x: f32) -> f32 {
    return select(x, 0.0f, params._pad0 != 0.0f);
}

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
    var vn = qe.x;
    let ln_m = qe.y;

    // 3. Log price with the martingale correction (K1 terms cancel).
    let dy = params.drift_dt - ln_m - 0.5f * params.k3 * v + params.k2 * vn
        + sqrt(params.k3 * v + params.k4 * vn) * z_x;
    var y = y0 + dy;

    // 4. Jumps: Poisson count by inversion of u_j, truncated at max_jumps;
    // each placed at a random time in the step.
    if (u_j > params.poisson_p0) {
        var n = 1u;
        var prob = params.poisson_p0 * params.lambda_dt;
        var cum = params.poisson_p0 + prob;
        while (u_j > cum && n < params.max_jumps) {
            n = n + 1u;
            prob = prob * (params.lambda_dt / f32(n));
            cum = cum + prob;
        }
        for (var j = 0u; j < n; j = j + 1u) {
            let wj = draw(key, path, step, BLOCK_JUMP0 + j);
            let zj = box_muller(wj.x, wj.y);
            let zv = params.mu_v * exponential(wj.z);
            let zs = params.mu_s + params.rho_j * zv + params.sigma_s * zj.x;
            // Integrated variance of the raised v over the rest of the step.
            let h = (params.dt * (1.0f - uniform_open(wj.w))) * zv;
            let dj = zs + sqrt(h) * zj.y - 0.5f * h;
            y = y + opaque(dj);
            // The jump's variance decays over the rest of the step (cubic
            // Taylor polynomial of e^{-kappa dt (1 - u)}, as on the CPU); each
            // product through opaque() so Mesa cannot fuse it.
            let xk = params.kappa_dt * (1.0f - uniform_open(wj.w));
            let t3 = opaque(xk * -0.16666667f);
            let t2 = opaque(xk * (0.5f + t3));
            let t1 = opaque(xk * (-1.0f + t2));
            let decay = 1.0f + t1;
            vn = vn + opaque(zv * decay);
        }
    }

    // 5. The day's events, in increasing type like the CPU loop.
    if (events != 0u) {
        var left = events;
        while (left != 0u) {
            let e = firstTrailingBit(left);
            let we = draw(key, path, step, BLOCK_EVENT0 + e);
            let ze = box_muller(we.x, we.y);
            let ev = params.events[e];
            let de = ev.jump_sd * ze.x - params.event_comp * 0.5f * ev.jump_sd * ev.jump_sd;
            y = y + opaque(de);
            vn = vn + ev.var_bump;
            left = left & (left - 1u);
        }
    }
    return vec2<f32>(y, vn);
}
