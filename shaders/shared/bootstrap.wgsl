// The historical bootstrap path source: the twin of src/shared/bootstrap.rs
// (whose module doc is the algorithm), operation for operation and draw for
// draw. The including kernel declares `boot: array<u32>`, the packed series
// [ret bits (n) | vix bits (n) | rank (n) | sorted (n - 1)], n =
// params.boot_days. A path source yields, at each close, ln(S_t / S_0) and
// the history day whose VIX close the day has.
//
// Assembled after shared/params.wgsl (the kernel's `params: SimParams`),
// shared/philox.wgsl and shared/math.wgsl.

const BOOTSTRAP_WORD3: u32 = 2u;
const MAX_BLOCK_DAYS: u32 = 65535u;

struct BootPath {
    // Current history day.
    day: u32,
    // Days left in the block after the current one.
    left: u32,
    // ln(S_t / S_0).
    y: f32,
}

fn boot_ret(j: u32) -> f32 {
    return bitcast<f32>(boot[j]);
}

// The VIX close of history day j, VIX points.
fn boot_vix(j: u32) -> f32 {
    return bitcast<f32>(boot[params.boot_days + j]);
}

fn boot_block_length(w: u32) -> u32 {
    let l = floor(ln_portable(uniform_open(w)) / params.boot_log_q);
    return 1u + u32(min(l, f32(MAX_BLOCK_DAYS) - 1.0f));
}

// Day 0 of global path `path`.
fn boot_start(key: vec2<u32>, path: u32) -> BootPath {
    let w = philox4x32_10(vec4<u32>(path, 0u, 0u, BOOTSTRAP_WORD3), key);
    return BootPath(w.x % (params.boot_days - 1u), boot_block_length(w.y) - 1u, 0.0f);
}

// The close of path day `d` (1-based) after `p`.
fn boot_step(p: BootPath, key: vec2<u32>, path: u32, d: u32) -> BootPath {
    let w = philox4x32_10(vec4<u32>(path, d, 0u, BOOTSTRAP_WORD3), key);
    var q = p;
    if (q.left > 0u && q.day + 1u < params.boot_days) {
        q.day = q.day + 1u;
        q.left = q.left - 1u;
    } else {
        let m = params.boot_days - 1u;
        let k = params.boot_neighbours;
        let r = boot[2u * params.boot_days + q.day];
        let lo = min(select(0u, r - k / 2u, r >= k / 2u), m - k);
        q.day = boot[3u * params.boot_days + lo + w.x % k] + 1u;
        q.left = boot_block_length(w.y) - 1u;
    }
    q.y = q.y + boot_ret(q.day);
    return q;
}
