// The jump and event updates of a time step, shared by the path kernel
// (flattened loop) and the study kernel's step (shared/step.wgsl): the twins
// of `poisson_count`, `apply_jumps` and the event loop in
// src/cpu/path_step.rs, operation for operation. Assembled after
// shared/params.wgsl (the kernel's `params: SimParams`) and shared/math.wgsl.

// `x`, hidden from the optimiser: `_pad0` is always 0 (src/shared/params.rs) but only
// known at run time. Without it Mesa rewrites `y + (a - t)` on the event line
// as `(y + a) - t`, and contracts products into fused multiply-adds the CPU
// does not perform, one ulp away from the CPU.
fn opaque(x: f32) -> f32 {
    return select(x, 0.0f, params._pad0 != 0.0f);
}

// Jumps in the step: Poisson by inversion of the uniform u_j, truncated at
// max_jumps.
fn jump_count(u_j: f32) -> u32 {
    var n = 0u;
    if (u_j > params.poisson_p0) {
        n = 1u;
        var prob = params.poisson_p0 * params.lambda_dt;
        var cum = params.poisson_p0 + prob;
        while (u_j > cum && n < params.max_jumps) {
            n = n + 1u;
            prob = prob * (params.lambda_dt / f32(n));
            cum = cum + prob;
        }
    }
    return n;
}

// (y, v') after one SVCJ jump drawn from the words `w` of its block and
// their Box-Muller pair `zz`, placed at a random time in the step.
fn jump_update(w: vec4<u32>, zz: vec2<f32>, yv: vec2<f32>) -> vec2<f32> {
    let zv = params.mu_v * exponential(w.z);
    let zs = params.mu_s + params.rho_j * zv + params.sigma_s * zz.x;
    // Integrated variance of the raised v over the rest of the step.
    let h = (params.dt * (1.0f - uniform_open(w.w))) * zv;
    let dj = zs + sqrt(h) * zz.y - 0.5f * h;
    // The jump's variance decays over the rest of the step (cubic Taylor
    // polynomial of e^{-kappa dt (1 - u)}, as on the CPU). Each product goes
    // through opaque() so Mesa cannot contract it into a fused multiply-add
    // the CPU does not perform.
    let xk = params.kappa_dt * (1.0f - uniform_open(w.w));
    let t3 = opaque(xk * -0.16666667f);
    let t2 = opaque(xk * (0.5f + t3));
    let t1 = opaque(xk * (-1.0f + t2));
    let decay = 1.0f + t1;
    return vec2<f32>(yv.x + opaque(dj), yv.y + opaque(zv * decay));
}

// (y, v') after scheduled event type `e`, drawn from the Box-Muller pair `zz`
// of its block.
fn event_update(e: u32, zz: vec2<f32>, yv: vec2<f32>) -> vec2<f32> {
    let ev = params.events[e];
    let de = ev.jump_sd * zz.x - params.event_comp * 0.5f * ev.jump_sd * ev.jump_sd;
    return vec2<f32>(yv.x + opaque(de), yv.y + ev.var_bump);
}
