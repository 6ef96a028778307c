// Portable transforms of Philox words, the twins of src/shared/math.rs. Only + - * /,
// sqrt and bit operations, in the same order as the Rust code (Horner form,
// left to right) and with the same f32 constants, so both sides draw the same
// numbers. Built-in log/sin/cos are avoided: drivers are far looser than libm.

// Uniform in (0, 1) from the top 23 bits: (u >> 9 + 0.5) * 2^-23, exact. The
// twin of `uniform` in src/shared/math.rs, renamed: a WGSL declaration named `uniform`
// shadows the address space in `var<uniform>`.
fn uniform_open(u: u32) -> f32 {
    return (f32(u >> 9u) + 0.5f) * 1.1920928955078125e-7f;
}

// Natural log of a positive normal f32 (see `ln_portable` in src/shared/math.rs).
fn ln_portable(x: f32) -> f32 {
    let bits = bitcast<u32>(x);
    var e = i32((bits >> 23u) & 0xffu) - 127;
    var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
    if (m > 1.4142135f) {
        m = m * 0.5f;
        e = e + 1;
    }
    let f = m - 1.0f;
    let s = f / (2.0f + f);
    let s2 = s * s;
    let poly = (((0.22222222f * s2 + 0.2857143f) * s2 + 0.4f) * s2 + 0.6666667f) * s2 + 2.0f;
    let lnm = s * poly;
    return f32(e) * 0.6931472f + lnm;
}

// (sin(2 pi u), cos(2 pi u)) for u in [0, 1) (see `sincos_2pi` in src/shared/math.rs).
fn sincos_2pi(u: f32) -> vec2<f32> {
    let t = u * 4.0f;
    // u32(t) for t in [0, 4), by comparisons: lavapipe converts f32 to u32
    // lane by lane (a saturating scalar conversion), selects stay vectors.
    let q = select(0u, 1u, t >= 1.0f) + select(0u, 1u, t >= 2.0f) + select(0u, 1u, t >= 3.0f);
    let f = t - f32(q);
    let a = f * 1.5707964f;
    let a2 = a * a;
    let s = a * (((((-2.5052108e-8f * a2 + 2.7557319e-6f) * a2 - 1.984127e-4f) * a2 + 8.3333333e-3f) * a2 - 0.16666667f) * a2 + 1.0f);
    let c = (((((2.0876757e-9f * a2 - 2.7557319e-7f) * a2 + 2.4801587e-5f) * a2 - 1.3888889e-3f) * a2 + 4.1666668e-2f) * a2 - 0.5f) * a2 + 1.0f;
    // Quadrant q: (s, c), (c, -s), (-s, -c), (-c, s), by selects rather
    // than a switch (a SIMD rasteriser runs every case of a divergent switch).
    let odd = (q & 1u) == 1u;
    let first = select(s, c, odd);
    let second = select(c, s, odd);
    let quadrant = q & 3u;
    return vec2<f32>(
        select(first, -first, quadrant >= 2u),
        select(second, -second, quadrant == 1u || quadrant == 2u),
    );
}

// Two standard normals from two words by Box-Muller: (r cos, r sin).
fn box_muller(w0: u32, w1: u32) -> vec2<f32> {
    let u0 = uniform_open(w0);
    let u1 = uniform_open(w1);
    let r = sqrt(-2.0f * ln_portable(u0));
    let sc = sincos_2pi(u1);
    return vec2<f32>(r * sc.y, r * sc.x);
}

// A standard exponential (mean 1) from one word: -ln(u).
fn exponential(w: u32) -> f32 {
    return -ln_portable(uniform_open(w));
}
