// Philox4x32-10 (Salmon et al. 2011), the twin of `philox4x32_10` in src/shared/philox.rs.
// Assembled after one of shared/mulhi_split.wgsl (portable) or
// shared/mulhi_int64.wgsl (devices with 64-bit integers), which define
// `mulhi32`; both give the exact high word, so the draws are the same.

const PHILOX_M0: u32 = 0xD2511F53u;
const PHILOX_M1: u32 = 0xCD9E8D57u;
const PHILOX_W0: u32 = 0x9E3779B9u;
const PHILOX_W1: u32 = 0xBB67AE85u;

// Draw blocks; keep in sync with src/shared/philox.rs.
const BLOCK_DIFFUSION: u32 = 0u;
const BLOCK_EVENT0: u32 = 1u;
const BLOCK_JUMP0: u32 = 16u;

fn philox4x32_10(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
    var c = ctr;
    var k = key;
    for (var round = 0u; round < 10u; round = round + 1u) {
        if (round > 0u) {
            k = k + vec2<u32>(PHILOX_W0, PHILOX_W1);
        }
        let hi0 = mulhi32(PHILOX_M0, c.x);
        let lo0 = PHILOX_M0 * c.x;
        let hi1 = mulhi32(PHILOX_M1, c.z);
        let lo1 = PHILOX_M1 * c.z;
        c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    }
    return c;
}

// The four words of draw block `block` of step `step` on global path `path`.
fn draw(key: vec2<u32>, path: u32, step: u32, block: u32) -> vec4<u32> {
    return philox4x32_10(vec4<u32>(path, step, block, 0u), key);
}
