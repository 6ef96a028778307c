// Andersen's QE step of the variance with the martingale correction, shared
// by the path and study kernels: the twin of step 2 of the module doc of
// src/cpu/path_step.rs, operation for operation. Assembled after
// shared/params.wgsl (the kernel's `params: SimParams`) and shared/math.wgsl.
//
// (Merging the two branches into one sequence of selected operands, so a
// SIMD rasteriser would not run both, measured no faster on lavapipe: it
// skips a branch no lane takes, and the exponential branch is rare.)

// (v', ln M) from variance v, the normal z_v and the uniform u_v of the step.
fn qe_variance(v: f32, z_v: f32, u_v: f32) -> vec2<f32> {
    let a_mc = params.k2 + 0.5f * params.k4;
    let m = params.theta + (v - params.theta) * params.exp_kdt;
    let s2 = v * params.qe_c1 + params.qe_c2;
    let psi = s2 / (m * m);
    if (psi <= 1.5f) {
        let t = 2.0f / psi;
        let b2 = t - 1.0f + sqrt(t) * sqrt(t - 1.0f);
        let a = m / (1.0f + b2);
        let b = sqrt(b2);
        let zb = b + z_v;
        let d = max(1.0f - 2.0f * a_mc * a, 1e-6f);
        return vec2<f32>(a * (zb * zb), a_mc * b2 * a / d - 0.5f * ln_portable(d));
    }
    let pz = (psi - 1.0f) / (psi + 1.0f);
    let beta = (1.0f - pz) / m;
    var vn = 0.0f;
    if (u_v > pz) {
        vn = ln_portable((1.0f - pz) / (1.0f - u_v)) / beta;
    }
    let den = max(beta - a_mc, 1e-6f);
    return vec2<f32>(vn, ln_portable(pz + beta * (1.0f - pz) / den));
}
