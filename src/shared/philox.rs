//! Philox4x32-10 counter-based random numbers (Salmon et al., "Parallel random
//! numbers: as easy as 1, 2, 3", SC 2011): the CPU twin of
//! `shaders/shared/philox.wgsl`.
//!
//! 32-bit integer operations only, so the WGSL twin (which has no 64-bit
//! multiply on every device) computes the same words. Counter layout
//! (`docs/model.md`, random numbers): key = the 64-bit seed (low word first),
//! counter = (global path index, step index, draw block, 0). Path `i` therefore
//! sees the same numbers on every backend, batch size and thread count.

/// Philox multiplier for counter word 0.
pub const PHILOX_M0: u32 = 0xD251_1F53;
/// Philox multiplier for counter word 2.
pub const PHILOX_M1: u32 = 0xCD9E_8D57;
/// Weyl increment of key word 0 (golden ratio).
pub const PHILOX_W0: u32 = 0x9E37_79B9;
/// Weyl increment of key word 1 (sqrt(3) - 1).
pub const PHILOX_W1: u32 = 0xBB67_AE85;

/// Draw block of the diffusion numbers of a step (normals for v and x, the QE
/// uniform and the jump-count uniform).
pub const BLOCK_DIFFUSION: u32 = 0;
/// First draw block of the scheduled-event price jumps; event type `e` uses block
/// `BLOCK_EVENT0 + e`.
pub const BLOCK_EVENT0: u32 = 1;
/// First draw block of the SVCJ jumps; the `j`-th jump of a step uses block
/// `BLOCK_JUMP0 + j`.
pub const BLOCK_JUMP0: u32 = 16;
/// Most jumps drawn in one step (the Poisson count is truncated here; with
/// `lambda * dt` below 0.05 the truncated mass is under 1e-15).
pub const MAX_JUMPS_PER_STEP: u32 = 8;

#[inline(always)]
fn mulhilo(a: u32, b: u32) -> (u32, u32) {
    let p = u64::from(a) * u64::from(b);
    ((p >> 32) as u32, p as u32)
}

/// One Philox4x32 evaluation with 10 rounds: `ctr` and `key` in, four words out.
#[inline(always)]
#[must_use]
pub fn philox4x32_10(ctr: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let [mut c0, mut c1, mut c2, mut c3] = ctr;
    let [mut k0, mut k1] = key;
    for round in 0..10 {
        if round > 0 {
            k0 = k0.wrapping_add(PHILOX_W0);
            k1 = k1.wrapping_add(PHILOX_W1);
        }
        let (hi0, lo0) = mulhilo(PHILOX_M0, c0);
        let (hi1, lo1) = mulhilo(PHILOX_M1, c2);
        let n0 = hi1 ^ c1 ^ k0;
        let n1 = lo1;
        let n2 = hi0 ^ c3 ^ k1;
        let n3 = lo0;
        c0 = n0;
        c1 = n1;
        c2 = n2;
        c3 = n3;
    }
    [c0, c1, c2, c3]
}

/// The Philox key words of a 64-bit seed (low word first).
#[must_use]
pub fn seed_key(seed: u64) -> [u32; 2] {
    [seed as u32, (seed >> 32) as u32]
}

/// The four words of draw block `block` of step `step` on global path `path`.
#[inline(always)]
#[must_use]
pub fn draw(key: [u32; 2], path: u32, step: u32, block: u32) -> [u32; 4] {
    philox4x32_10([path, step, block, 0], key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn philox_known_answers() {
        // Random123 kat_vectors, philox4x32_10.
        let cases: [([u32; 4], [u32; 2], [u32; 4]); 3] = [
            (
                [0; 4],
                [0; 2],
                [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8],
            ),
            (
                [u32::MAX; 4],
                [u32::MAX; 2],
                [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd],
            ),
            (
                [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344],
                [0xa409_3822, 0x299f_31d0],
                [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1],
            ),
        ];
        for (ctr, key, want) in cases {
            assert_eq!(
                philox4x32_10(ctr, key),
                want,
                "ctr {ctr:08x?} key {key:08x?}"
            );
        }
    }
}
