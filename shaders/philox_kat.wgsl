// Test kernel: evaluates Philox and the portable transforms on given inputs so
// tests can compare them with src/shared/philox.rs and src/shared/math.rs bit for bit (src/gpu/philox_kat.rs).
//
// Assembled after shared/philox.wgsl and shared/math.wgsl. Keep the structs in
// sync with `KatInput` / `KatOutput` in src/gpu/philox_kat.rs.

struct KatInput {
    // Philox counter words.
    ctr: vec4<u32>,
    // Philox key words.
    key: vec2<u32>,
    // Argument of ln_portable.
    ln_x: f32,
    // Argument of sincos_2pi, in [0, 1).
    sincos_u: f32,
}

struct KatOutput {
    // philox4x32_10(ctr, key).
    philox: vec4<u32>,
    // uniform_open(ctr.x) (`uniform` in src/shared/math.rs).
    uniform: f32,
    // ln_portable(ln_x).
    ln: f32,
    // sincos_2pi(sincos_u).
    sin: f32,
    cos: f32,
    // box_muller(ctr.x, ctr.y).
    normal0: f32,
    normal1: f32,
    // exponential(ctr.z).
    exponential: f32,
    _pad: f32,
}

@group(0) @binding(0) var<storage, read> kat_in: array<KatInput>;
@group(0) @binding(1) var<storage, read_write> kat_out: array<KatOutput>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&kat_in)) {
        return;
    }
    let inp = kat_in[i];
    let sc = sincos_2pi(inp.sincos_u);
    let bm = box_muller(inp.ctr.x, inp.ctr.y);
    kat_out[i] = KatOutput(
        philox4x32_10(inp.ctr, inp.key),
        uniform_open(inp.ctr.x),
        ln_portable(inp.ln_x),
        sc.x,
        sc.y,
        bm.x,
        bm.y,
        exponential(inp.ctr.z),
        0.0f,
    );
}
