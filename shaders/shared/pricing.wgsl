// Portable f32 pricing math inside a path: exp, the normal distribution,
// Black-76 / Black-Scholes prices and deltas, the VIX index from its affine
// coefficients. The twin of src/shared/pricing.rs (whose module doc is the
// algorithm): only + - * /, sqrt, floor, min/max and bit operations, in the
// same order and with the same f32 constants, so lavapipe gives the CPU's bits.
// Built-in exp/log are avoided for the reason given in shared/math.wgsl.
//
// Assembled after shared/math.wgsl (ln_portable).

// Option kinds; the twin of `OptionKind` (Call = 0, Put = 1).
const OPTION_CALL: u32 = 0u;
const OPTION_PUT: u32 = 1u;

// A price (index points) and a delta.
struct PriceDelta {
    price: f32,
    delta: f32,
}

// e^x (see `exp_portable` in src/shared/pricing.rs): k = floor(x log2 e),
// r = x - k ln 2 in two parts (the first exact), Taylor to r^9 on [0, ln 2),
// times 2^k built from the exponent bits (1.44269504f is Rust's f32 LOG2_E).
// 0 below -126 ln 2 (no subnormals, which GPUs may flush), +inf from 128 ln 2
// on; NaN gives an unspecified value.
fn exp_portable(x: f32) -> f32 {
    let xc = clamp(x, -88.0f, 89.0f);
    let kf = floor(xc * 1.44269504f);
    let r = (xc - kf * 0.693359375f) - kf * -2.12194440e-4f;
    let p = ((((((((2.75573192e-6f * r + 2.48015873e-5f) * r + 1.98412698e-4f) * r + 1.38888889e-3f) * r + 8.33333333e-3f) * r + 4.16666667e-2f) * r + 0.166666667f) * r + 0.5f) * r + 1.0f) * r + 1.0f;
    let scale = bitcast<f32>(u32(i32(kf) + 127) << 23u);
    return p * scale;
}

// Upper tail Q(z) = P(Z > z) of the standard normal for z >= 0 (see
// `norm_tail_f32` in src/shared/pricing.rs): Hart's (1968) rational function
// times e^{-z^2/2} below 5 sqrt 2, a continued fraction above.
fn norm_tail_f32(z: f32) -> f32 {
    let e = exp_portable(-0.5f * z * z);
    if (z < 7.07106781f) {
        let num = (((((3.52624966e-2f * z + 0.700383064f) * z + 6.37396220f) * z + 33.9128661f) * z + 112.079291f) * z + 221.213596f) * z + 220.206868f;
        let den = ((((((8.83883476e-2f * z + 1.75566716f) * z + 16.0641776f) * z + 86.7807322f) * z + 296.564249f) * z + 637.333633f) * z + 793.826513f) * z + 440.413736f;
        return (e * num) / den;
    }
    var b = z + 0.65f;
    b = z + 4.0f / b;
    b = z + 3.0f / b;
    b = z + 2.0f / b;
    b = z + 1.0f / b;
    return (e * 0.398942280f) / b;
}

// Standard normal distribution function Phi(x), absolute error below 1.5e-7
// and relative error in the lower tail below 3e-7 (1 + x^2).
fn norm_cdf_f32(x: f32) -> f32 {
    let q = norm_tail_f32(abs(x));
    return select(q, 1.0f - q, x > 0.0f);
}

// Black-76 price and forward delta (see `black76_f32` in src/shared/pricing.rs).
// forward, strike in index points, tau in years, df the discount factor,
// vol annualised. The delta excludes df (N(d1) or N(d1) - 1), like
// `black76_delta`. Degenerate inputs (tau, vol, strike or forward <= 0) give
// the discounted intrinsic value and the step delta.
fn black76_f32(kind: u32, forward: f32, strike: f32, tau: f32, df: f32, vol: f32) -> PriceDelta {
    let call = kind == OPTION_CALL;
    if (!(tau > 0.0f && vol > 0.0f && strike > 0.0f && forward > 0.0f)) {
        let call_delta = select(0.0f, 1.0f, forward > strike);
        let intrinsic = select(max(strike - forward, 0.0f), max(forward - strike, 0.0f), call);
        return PriceDelta(df * intrinsic, select(call_delta - 1.0f, call_delta, call));
    }
    let s = vol * sqrt(tau);
    let x = ln_portable(forward / strike);
    let d1 = x / s + 0.5f * s;
    let d2 = d1 - s;
    let q1 = norm_tail_f32(abs(d1));
    let q2 = norm_tail_f32(abs(d2));
    // N(d) and N(-d) from one tail each, so the small one keeps its digits.
    let n1 = select(q1, 1.0f - q1, d1 > 0.0f);
    let m1 = select(1.0f - q1, q1, d1 > 0.0f);
    let n2 = select(q2, 1.0f - q2, d2 > 0.0f);
    let m2 = select(1.0f - q2, q2, d2 > 0.0f);
    // The out-of-the-money option directly, the other one by parity.
    var c: f32;
    var p: f32;
    if (x <= 0.0f) {
        c = max(forward * n1 - strike * n2, 0.0f);
        p = c + (strike - forward);
    } else {
        p = max(strike * m2 - forward * m1, 0.0f);
        c = p + (forward - strike);
    }
    return PriceDelta(df * select(p, c, call), select(-m1, n1, call));
}

// Black-Scholes-Merton price and spot delta with a continuous dividend yield
// (see `bs_f32` in src/shared/pricing.rs): Black-76 on F = S e^{(r-q) tau} with
// df = e^{-r tau}; the delta includes e^{-q tau}.
fn bs_f32(kind: u32, spot: f32, strike: f32, tau: f32, rate: f32, div_yield: f32, vol: f32) -> PriceDelta {
    let t = max(tau, 0.0f);
    let forward = spot * exp_portable((rate - div_yield) * t);
    let df = exp_portable(-rate * t);
    let b = black76_f32(kind, forward, strike, tau, df, vol);
    return PriceDelta(b.price, exp_portable(-div_yield * t) * b.delta);
}

// VIX index points from the affine coefficients: 100 sqrt(a v + b_t), with the
// radicand floored at 0 (docs/pricing.md; b_t includes event variance).
fn vix_from_affine(a: f32, v: f32, b_t: f32) -> f32 {
    return 100.0f * sqrt(max(a * v + b_t, 0.0f));
}
