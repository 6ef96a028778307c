// The stationary start of `market.v0 = "stationary"`: the twin of
// `start_variance` in src/cpu/burn_in.rs (whose module doc is the
// algorithm), operation for operation and draw for draw. Variance-only QE
// steps of h years with the burn-in coefficients of SimParams, plus variance
// jumps, on the Philox counters (path, k, block, 1): counter word 3 is 1, so
// the burn-in never draws a number of the path itself (word 3 is 0 there).
//
// Assembled after shared/params.wgsl (the kernel's `params: SimParams`),
// shared/philox.wgsl, shared/math.wgsl and shared/jumps.wgsl (`opaque`).

const BURN_IN_WORD3: u32 = 1u;

// The variance of global path `path` at day 0.
fn start_variance(key: vec2<u32>, path: u32) -> f32 {
    var v = params.v0;
    for (var k = 0u; k < params.burn_steps; k = k + 1u) {
        let w = philox4x32_10(vec4<u32>(path, k, BLOCK_DIFFUSION, BURN_IN_WORD3), key);
        let z_v = box_muller(w.x, w.y).x;
        let u_v = uniform_open(w.z);
        let u_j = uniform_open(w.w);
        let m = params.theta + (v - params.theta) * params.burn_exp_kdt;
        let s2 = v * params.burn_qe_c1 + params.burn_qe_c2;
        let psi = s2 / (m * m);
        var vn = 0.0f;
        if (psi <= 1.5f) {
            let t = 2.0f / psi;
            let b2 = t - 1.0f + sqrt(t) * sqrt(t - 1.0f);
            let a = m / (1.0f + b2);
            let zb = sqrt(b2) + z_v;
            vn = a * (zb * zb);
        } else {
            let pz = (psi - 1.0f) / (psi + 1.0f);
            let beta = (1.0f - pz) / m;
            if (u_v > pz) {
                vn = ln_portable((1.0f - pz) / (1.0f - u_v)) / beta;
            }
        }
        if (u_j > params.burn_poisson_p0) {
            var n = 1u;
            var prob = params.burn_poisson_p0 * params.burn_lambda_dt;
            var cum = params.burn_poisson_p0 + prob;
            while (u_j > cum && n < params.max_jumps) {
                n = n + 1u;
                prob = prob * (params.burn_lambda_dt / f32(n));
                cum = cum + prob;
            }
            for (var j = 0u; j < n; j = j + 1u) {
                let wj = philox4x32_10(vec4<u32>(path, k, BLOCK_JUMP0 + j, BURN_IN_WORD3), key);
                let zv = params.mu_v * exponential(wj.z);
                // The cubic decay polynomial of src/cpu/path_step.rs, each
                // product through opaque() as in shared/jumps.wgsl.
                let xk = params.burn_kappa_dt * (1.0f - uniform_open(wj.w));
                let t3 = opaque(xk * -0.16666667f);
                let t2 = opaque(xk * (0.5f + t3));
                let t1 = opaque(xk * (-1.0f + t2));
                let decay = 1.0f + t1;
                vn = vn + opaque(zv * decay);
            }
        }
        v = vn;
    }
    return v;
}
