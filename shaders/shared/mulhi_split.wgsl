// `mulhi32` for every device: core WGSL has no 32x32 -> 64 multiply, so the
// high word is built from 16-bit halves (four 16x16 products). Swapped for
// shared/mulhi_int64.wgsl by src/gpu/shaders.rs `for_device` where the
// device has 64-bit integers.

// High 32 bits of the 64-bit product a * b.
fn mulhi32(a: u32, b: u32) -> u32 {
    let a_lo = a & 0xffffu;
    let a_hi = a >> 16u;
    let b_lo = b & 0xffffu;
    let b_hi = b >> 16u;
    let ll = a_lo * b_lo;
    let lh = a_lo * b_hi;
    let hl = a_hi * b_lo;
    let hh = a_hi * b_hi;
    // At most 3 * 0xffff: cannot overflow.
    let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
    return hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}
