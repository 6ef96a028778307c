// `mulhi32` on devices with 64-bit integers (wgpu's SHADER_INT64): one
// widening multiply, which a CPU rasteriser such as lavapipe turns into one
// vector instruction instead of the four products of shared/mulhi_split.wgsl.
// Same result bit for bit.

// High 32 bits of the 64-bit product a * b.
fn mulhi32(a: u32, b: u32) -> u32 {
    return u32((u64(a) * u64(b)) >> 32u);
}
