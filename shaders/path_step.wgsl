// GPU twin of src/cpu/path_step.rs (`simulate_path_scalar`): one invocation per
// path simulates SVCJ with scheduled events to the horizon and writes the
// terminal (ln(S_T / S_0), v_T). The module doc of src/cpu/path_step.rs is the
// algorithm. Every lane performs the same float operations in the same order
// and with the same draw blocks as the CPU, so both sides agree path by path
// (bit for bit on lavapipe).
//
// Control flow is flattened into one loop that does one draw per iteration:
// the diffusion draw of a step (block 0), then that step's SVCJ jumps (blocks
// 16 + j), then, at a day's end, its events (blocks 1 + e). The CPU nests
// these as loops inside the step loop. A SIMD rasteriser such as lavapipe runs
// every branch and at least one pass of every loop whether or not any lane
// needs it, so the nested form paid for a jump draw and an event draw on every
// step; flattened, a rare jump or event costs one extra iteration for the
// lanes that have one. The order of the updates of y and v is unchanged.
//
// Assembled after shared/params.wgsl, shared/mulhi_split.wgsl (or
// shared/mulhi_int64.wgsl), shared/philox.wgsl, shared/math.wgsl,
// shared/qe.wgsl, shared/jumps.wgsl, shared/burn_in.wgsl and
// shared/bootstrap.wgsl.
//
// With params.boot_days > 0 the paths are historical bootstrap paths
// (shared/bootstrap.wgsl) instead: the state's `v` then holds the bits of
// the history day (bitcast), whose VIX close the host reads from the series.
//
// With params.record_closes = 1 the kernel also writes (y, v) at day 0 and
// at every close into `closes` (days + 1 states a path, path-major), for
// statistics of daily closes (`vixhedge facts`); otherwise `closes` is a
// placeholder and is not touched.

// Invocations per workgroup; set per pipeline (see src/gpu/path_step.rs).
override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: SimParams;
@group(0) @binding(1) var<storage, read_write> out_state: array<TerminalState>;
// Event calendar: bit e of entry d - 1 is set when event type e occurs at the
// end of trading day d (built on the host from params.events).
@group(0) @binding(2) var<storage, read> event_days: array<u32>;
// The state at every close when params.record_closes = 1.
@group(0) @binding(3) var<storage, read_write> closes: array<TerminalState>;
// The bootstrap series when params.boot_days > 0 (else a placeholder).
@group(0) @binding(4) var<storage, read> boot: array<u32>;

// A bootstrap path: (y, history day as bits) at the horizon, and at every
// close when recording.
fn bootstrap_path(path: u32, i: u32) -> TerminalState {
    let key = vec2<u32>(params.key0, params.key1);
    let days = params.n_steps / params.steps_per_day;
    let base = i * (days + 1u);
    var p = boot_start(key, path);
    let record = params.record_closes != 0u;
    if (record) {
        closes[base] = TerminalState(p.y, bitcast<f32>(p.day));
    }
    for (var d = 1u; d <= days; d = d + 1u) {
        p = boot_step(p, key, path, d);
        if (record) {
            closes[base + d] = TerminalState(p.y, bitcast<f32>(p.day));
        }
    }
    return TerminalState(p.y, bitcast<f32>(p.day));
}

// What the current iteration draws for.
const PHASE_DIFFUSION: u32 = 0u;
const PHASE_JUMP: u32 = 1u;
const PHASE_EVENT: u32 = 2u;

fn simulate_path(path: u32, i: u32) -> TerminalState {
    let key = vec2<u32>(params.key0, params.key1);
    var y = 0.0f;
    var v = start_variance(key, path);
    let record = params.record_closes != 0u;
    let closes_base = i * (params.n_steps / params.steps_per_day + 1u);
    if (record) {
        closes[closes_base] = TerminalState(y, v);
    }
    // v' of the current step (step 2, then + jumps and bumps).
    var vn = 0.0f;
    var step = 0u;
    var step_in_day = 0u;
    var day = 0u;
    var phase = PHASE_DIFFUSION;
    // Jumps of the current step still to draw, and the index of the next one.
    var jumps_left = 0u;
    var j = 0u;
    // Event types of the current day still to apply (bit e = type e).
    var events_left = 0u;
    if (params.n_steps == 0u) {
        return TerminalState(y, v);
    }
    loop {
        let e = firstTrailingBit(events_left);
        let block = select(select(BLOCK_DIFFUSION, BLOCK_JUMP0 + j, phase == PHASE_JUMP), BLOCK_EVENT0 + e, phase == PHASE_EVENT);
        let w = draw(key, path, step, block);
        let zz = box_muller(w.x, w.y);

        if (phase == PHASE_DIFFUSION) {
            // 1. Diffusion draws.
            let z_v = zz.x;
            let z_x = zz.y;
            let u_v = uniform_open(w.z);
            let u_j = uniform_open(w.w);

            // 2. Andersen QE step of the variance (shared/qe.wgsl).
            let qe = qe_variance(v, z_v, u_v);
            vn = qe.x;
            let ln_m = qe.y;

            // 3. Log price with the martingale correction (K1 terms cancel).
            let dy = params.drift_dt - ln_m - 0.5f * params.k3 * v + params.k2 * vn
                + sqrt(params.k3 * v + params.k4 * vn) * z_x;
            y = y + dy;

            // 4a. Jump count (shared/jumps.wgsl).
            let n = jump_count(u_j);
            jumps_left = n;
            j = 0u;
        } else if (phase == PHASE_JUMP) {
            // 4b. Jump j of this step.
            let yv = jump_update(w, zz, vec2<f32>(y, vn));
            y = yv.x;
            vn = yv.y;
            j = j + 1u;
            jumps_left = jumps_left - 1u;
        } else {
            // 5. Event type e on this day, in increasing e like the CPU loop.
            let yv = event_update(e, zz, vec2<f32>(y, vn));
            y = yv.x;
            vn = yv.y;
            events_left = events_left & (events_left - 1u);
        }

        // What comes next: more jumps, then (once per step) the day's events.
        var step_done = false;
        if (jumps_left > 0u) {
            phase = PHASE_JUMP;
        } else if (phase == PHASE_EVENT) {
            step_done = events_left == 0u;
        } else {
            step_in_day = step_in_day + 1u;
            if (step_in_day == params.steps_per_day) {
                step_in_day = 0u;
                day = day + 1u;
                events_left = event_days[day - 1u];
            }
            phase = PHASE_EVENT;
            step_done = events_left == 0u;
        }
        if (step_done) {
            // 6.
            v = vn;
            step = step + 1u;
            phase = PHASE_DIFFUSION;
            if (record && step_in_day == 0u) {
                closes[closes_base + day] = TerminalState(y, v);
            }
            if (step == params.n_steps) {
                break;
            }
        }
    }
    return TerminalState(y, v);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
) {
    let i = batch_index(gid, nwg);
    if (i >= params.n_paths) {
        return;
    }
    if (params.boot_days > 0u) {
        out_state[i] = bootstrap_path(params.path_offset + i, i);
    } else {
        out_state[i] = simulate_path(params.path_offset + i, i);
    }
}
