// GPU twin of src/cpu/path_step.rs (`simulate_path_scalar`): one invocation per
// path simulates SVCJ with scheduled events to the horizon and writes the
// terminal (ln(S_T / S_0), v_T). The module doc of src/cpu/path_step.rs is the
// algorithm; this kernel follows it operation for operation, in the same order
// and with the same draw blocks, so both sides agree path by path.
//
// Assembled after shared/params.wgsl, shared/philox.wgsl and shared/math.wgsl.

// Invocations per workgroup; set per pipeline (see src/gpu/path_step.rs).
override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: SimParams;
@group(0) @binding(1) var<storage, read_write> out_state: array<TerminalState>;

// Whether an event with this calendar happens on trading day `day` (1-based).
fn event_on(first_day: u32, every_days: u32, day: u32) -> bool {
    if (day < first_day) {
        return false;
    }
    if (every_days == 0u) {
        return day == first_day;
    }
    return (day - first_day) % every_days == 0u;
}

// `x`, hidden from the optimiser: `_pad0` is always 0 (src/sim.rs) but only
// known at run time. Without it Mesa rewrites `y + (a - t)` on the event line
// as `(y + a) - t`, one ulp away from the CPU; with it lavapipe matches the CPU
// bit for bit. Costs one select per event occurrence.
fn opaque(x: f32) -> f32 {
    return select(x, 0.0f, params._pad0 != 0.0f);
}

fn simulate_path(path: u32) -> TerminalState {
    let key = vec2<u32>(params.key0, params.key1);
    let a_mc = params.k2 + 0.5f * params.k4;
    var y = 0.0f;
    var v = params.v0;
    for (var step = 0u; step < params.n_steps; step = step + 1u) {
        // 1. Diffusion draws.
        let w = draw(key, path, step, BLOCK_DIFFUSION);
        let zz = box_muller(w.x, w.y);
        let z_v = zz.x;
        let z_x = zz.y;
        let u_v = uniform_open(w.z);
        let u_j = uniform_open(w.w);

        // 2. Andersen QE step of the variance.
        let m = params.theta + (v - params.theta) * params.exp_kdt;
        let s2 = v * params.qe_c1 + params.qe_c2;
        let psi = s2 / (m * m);
        var vn: f32;
        var ln_m: f32;
        if (psi <= 1.5f) {
            let t = 2.0f / psi;
            let b2 = t - 1.0f + sqrt(t) * sqrt(t - 1.0f);
            let a = m / (1.0f + b2);
            let b = sqrt(b2);
            let zb = b + z_v;
            let d = max(1.0f - 2.0f * a_mc * a, 1e-6f);
            vn = a * (zb * zb);
            ln_m = a_mc * b2 * a / d - 0.5f * ln_portable(d);
        } else {
            let pz = (psi - 1.0f) / (psi + 1.0f);
            let beta = (1.0f - pz) / m;
            if (u_v <= pz) {
                vn = 0.0f;
            } else {
                vn = ln_portable((1.0f - pz) / (1.0f - u_v)) / beta;
            }
            let den = max(beta - a_mc, 1e-6f);
            ln_m = ln_portable(pz + beta * (1.0f - pz) / den);
        }

        // 3. Log price with the martingale correction (K1 terms cancel).
        let dy = params.drift_dt - ln_m - 0.5f * params.k3 * v + params.k2 * vn
            + sqrt(params.k3 * v + params.k4 * vn) * z_x;
        y = y + dy;

        // 4. SVCJ jumps: Poisson count by inversion, truncated at max_jumps.
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
                let z = box_muller(wj.x, wj.y).x;
                let zv = params.mu_v * exponential(wj.z);
                let zs = params.mu_s + params.rho_j * zv + params.sigma_s * z;
                y = y + zs;
                vn = vn + zv;
            }
        }

        // 5. Scheduled events on the last step of a trading day.
        if ((step + 1u) % params.steps_per_day == 0u) {
            let day = (step + 1u) / params.steps_per_day;
            for (var e = 0u; e < params.n_events; e = e + 1u) {
                let ev = params.events[e];
                if (event_on(ev.first_day, ev.every_days, day)) {
                    let we = draw(key, path, step, BLOCK_EVENT0 + e);
                    let z = box_muller(we.x, we.y).x;
                    let de = ev.jump_sd * z - params.event_comp * 0.5f * ev.jump_sd * ev.jump_sd;
                    y = y + opaque(de);
                    vn = vn + ev.var_bump;
                }
            }
        }

        // 6.
        v = vn;
    }
    return TerminalState(y, v);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
) {
    // 2D dispatch when a batch needs more than max_compute_workgroups_per_dimension
    // workgroups along x.
    let i = gid.x + gid.y * (nwg.x * WORKGROUP_SIZE);
    if (i >= params.n_paths) {
        return;
    }
    out_state[i] = simulate_path(params.path_offset + i);
}
