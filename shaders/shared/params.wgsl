// Kernel parameter block and per-path output of the path kernels.
//
// Keep in sync with src/shared/params.rs (`EventBlock`, `SimParams`, `TerminalState`):
// the uniform buffer is the raw bytes of `SimParams` (288 bytes, u32/f32 only),
// so every field here has the same type, order and offset as there.

// One scheduled event type (16 bytes).
struct EventBlock {
    // First event day (trading days, 1-based).
    first_day: u32,
    // Trading days between occurrences; 0 for a one-off event.
    every_days: u32,
    // Standard deviation of the log-price jump.
    jump_sd: f32,
    // Deterministic variance bump (annualised variance).
    var_bump: f32,
}

// Uniform parameter block (288 bytes); see src/shared/params.rs for each field's meaning.
struct SimParams {
    path_offset: u32,   // byte 0
    n_paths: u32,       // 4
    n_steps: u32,       // 8
    steps_per_day: u32, // 12
    key0: u32,          // 16
    key1: u32,          // 20
    n_events: u32,      // 24
    max_jumps: u32,     // 28
    dt: f32,            // 32, years
    drift_dt: f32,      // 36
    v0: f32,            // 40
    exp_kdt: f32,       // 44
    theta: f32,         // 48
    qe_c1: f32,         // 52
    qe_c2: f32,         // 56
    lambda_dt: f32,     // 60
    k1: f32,            // 64
    k2: f32,            // 68
    k3: f32,            // 72
    k4: f32,            // 76
    poisson_p0: f32,    // 80
    mu_s: f32,          // 84
    sigma_s: f32,       // 88
    mu_v: f32,          // 92
    rho_j: f32,         // 96
    event_comp: f32,    // 100
    _pad0: f32,         // 104
    kappa_dt: f32,      // 108
    events: array<EventBlock, 8>, // 112..240
    // Variance-only burn-in before day 0 (shared/burn_in.wgsl); 0: start at v0.
    burn_steps: u32,      // 240
    // 1: the path kernel writes the state at every close.
    record_closes: u32,   // 244
    burn_exp_kdt: f32,    // 248
    burn_qe_c1: f32,      // 252
    burn_qe_c2: f32,      // 256
    burn_lambda_dt: f32,  // 260
    burn_poisson_p0: f32, // 264
    burn_kappa_dt: f32,   // 268
    // Historical bootstrap (shared/bootstrap.wgsl); boot_days = 0: SVCJ paths.
    boot_days: u32,       // 272
    boot_neighbours: u32, // 276
    boot_log_q: f32,      // 280
    _pad1: f32,           // 284
}

// Per-path state at the horizon (8 bytes).
struct TerminalState {
    // Log return ln(S_T / S_0).
    y: f32,
    // Variance v_T.
    v: f32,
}

// Index within the batch of the invocation `gid` of a dispatch of `nwg`
// workgroups of WORKGROUP_SIZE (the including kernel's override): the host
// dispatches a 2D grid when a batch needs more than
// max_compute_workgroups_per_dimension workgroups along x.
fn batch_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
    return gid.x + gid.y * (nwg.x * WORKGROUP_SIZE);
}
