// Model marks inside a path, in f32: SPX options from the implied-vol
// surfaces, VIX futures and calls from the VIX tables. The twin of
// src/shared/marks.rs (operation for operation) and in intent of
// `ModelMarks` in src/study/marks.rs (f64), whose functions and module docs
// (src/model/ivtable/mod.rs, src/model/vix/tables.rs) fix the algorithms.
//
// Assembled after shared/math.wgsl (ln_portable), shared/tables.wgsl (group 1)
// and shared/pricing.wgsl. The including kernel declares the per-run constants
// itself, in a slot of its own group, under the name `marks`:
//
//     @group(0) @binding(N) var<uniform> marks: MarksParams;
//
// (src/study/kernel/days.rs builds them). The per-day event inputs are two
// tables of the run read by index, not interpolated: the event coordinate
// of an SPX expiry (which event surface, and the weight of the next) and
// the VIX expiry constant `c`, both at [day][days_left] (`marks_day_value`).
//
// Keep `MarksParams` in sync with `MarksParams` in src/shared/marks.rs (144
// bytes, u32/f32 only).

struct MarksParams {
    // Risk-free rate and dividend yield, continuously compounded per year.
    r: f32,
    q: f32,
    // vbar(v, tau) = a v + theta_star (1 - a) + jump_var of `AtmVariance`:
    // kappa per year, the others annualised variance.
    kappa: f32,
    theta_star: f32,
    jump_var: f32,
    // Shift of the SPX surface's variance axis ln(v + spx_v_shift).
    spx_v_shift: f32,
    // Shift of the VIX tables' variance axis sqrt(v + vix_v_shift).
    vix_v_shift: f32,
    // The `option_c` axis of the VIX option tables: first node, (n - 1) /
    // (hi - lo), nodes.
    option_c_lo: f32,
    option_c_inv: f32,
    option_c_n: u32,
    // Indices (into table_headers) of the first SPX surface (the event-free
    // one; the event surfaces follow it), the VIX futures, the first VIX
    // option table (the others follow in `option_c` order), the per-day
    // event-coordinate table and the per-day VIX-constant table.
    spx_table: u32,
    vix_future_table: u32,
    vix_option_table: u32,
    event_coord_table: u32,
    vix_c_table: u32,
    // SPX surfaces (the event-free one and the event surfaces).
    spx_tables: u32,
    // The log-price event variance of SPX surface i at [i / 4][i % 4]
    // (0 for surface 0).
    spx_event_var: array<vec4<f32>, 4>,
    // Always 0, but known only at run time: see `marks_opaque`.
    zero: f32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

// `x`, hidden from the optimiser (`marks.zero` is 0 but known only at run
// time). Mesa reassociates some sums and fuses some products into
// multiply-adds that the CPU twin does not perform, one ulp away from it;
// the marks put this barrier where that happened (measured against the twin
// by tests/gpu_marks.rs), so lavapipe evaluates them as written.
fn marks_opaque(x: f32) -> f32 {
    return select(x, 0.0f, marks.zero != 0.0f);
}

// Trading days per year, as `TRADING_DAYS_PER_YEAR`.
const MARKS_DAYS_PER_YEAR: f32 = 252.0f;

// Value [day][days_left] of a per-day table (src/gpu/marks.rs `DayTables`),
// read directly: row `day` (trading day of the query, 0 = start), column
// `days_left` (trading days to expiry). Out-of-range indices are clamped to
// the table's last row and column.
fn marks_day_value(tab: u32, day: u32, days_left: u32) -> f32 {
    let h = table_headers[tab];
    let d = min(day, h.n0 - 1u);
    let n = min(days_left, h.n1 - 1u);
    return table_data[h.offset + d * h.n1 + n];
}

// (1 - e^{-x}) / x for x >= 0: a series below 0.5, where 1 - e^{-x} would
// lose digits in f32.
fn marks_decay_factor(x: f32) -> f32 {
    if (x < 0.5f) {
        return ((((((-x / 40320.0f + 1.0f / 5040.0f) * x - 1.0f / 720.0f) * x + 1.0f / 120.0f) * x - 1.0f / 24.0f) * x + 1.0f / 6.0f) * x - 0.5f) * x + 1.0f;
    }
    return (1.0f - exp_portable(-x)) / x;
}

// The event variance of SPX surface i (log-price variance).
fn spx_event_var(i: u32) -> f32 {
    let e = marks.spx_event_var[i / 4u];
    return e[i % 4u];
}

// Vol (annualised) of SPX surface i at the coordinates x0 = ln(v + shift),
// sqrt(tau), k = ln(K/F) / sqrt(tau), with vbar = vbar(v, tau): the stored
// normalised vol times sqrt(vbar + e_i / tau), the moneyness normalised alike.
fn spx_vol_in(i: u32, x0: f32, sqrt_tau: f32, tau: f32, vbar: f32, k: f32) -> f32 {
    let atm_vol = sqrt(vbar + spx_event_var(i) / tau);
    let t = table_lookup3(marks.spx_table + i, x0, sqrt_tau, k / atm_vol);
    return t.value * atm_vol;
}

// Implied vol (annualised, events included) of an SPX option at variance v
// (annualised, >= 0), tau years (> 0), k = ln(K/F) / sqrt(tau) and event
// coordinate e (surface floor(e), linear to the next with weight e -
// floor(e)): as `SpxVolSurface::implied_vol_in`.
fn spx_table_vol(v: f32, tau: f32, k: f32, e: f32) -> f32 {
    let a = marks_decay_factor(marks.kappa * tau);
    let vbar = marks_opaque(a * v + marks.theta_star * (1.0f - a)) + marks.jump_var;
    let x0 = ln_portable(v + marks.spx_v_shift);
    let sqrt_tau = sqrt(tau);
    let i = u32(floor(e));
    let w = e - f32(i);
    let lo = spx_vol_in(i, x0, sqrt_tau, tau, vbar, k);
    if (w > 0.0f) {
        let hi = spx_vol_in(i + 1u, x0, sqrt_tau, tau, vbar, k);
        return lo + (hi - lo) * w;
    }
    return lo;
}

// SPX option price (index points) as `SpxVolSurface::price_in`: Black-76 on
// F = spot e^{(r-q) tau}, discount e^{-r tau}, at the implied vol of the
// surfaces at event coordinate e. kind OPTION_CALL or OPTION_PUT, spot and
// strike in index points, tau in years, v annualised variance. tau <= 0
// gives the intrinsic value.
fn spx_price(kind: u32, spot: f32, strike: f32, tau: f32, v: f32, e: f32) -> f32 {
    let t = max(tau, 0.0f);
    let forward = spot * exp_portable((marks.r - marks.q) * t);
    let df = exp_portable(-marks.r * t);
    if (!(tau > 0.0f && strike > 0.0f)) {
        return black76_f32(kind, forward, strike, 0.0f, df, 0.0f).price;
    }
    let vv = max(v, 0.0f);
    let sqrt_tau = sqrt(tau);
    let x = ln_portable(strike / forward);
    let iv = spx_table_vol(vv, tau, x / sqrt_tau, e);
    return black76_f32(kind, forward, strike, tau, df, iv).price;
}

// s(x) = sigma(x) sqrt(tau) of `SpxVolSurface::strike_for_delta_in`.
fn marks_total_sd(v: f32, tau: f32, sqrt_tau: f32, x: f32, e: f32) -> f32 {
    return spx_table_vol(v, tau, x / sqrt_tau, e) * sqrt_tau;
}

// Log-strike x = ln(K/F) whose smile delta has the normal quantile `d_star`
// (N^{-1} of the delta for a call, of 1 + delta for a put; from the host),
// as `SpxVolSurface::strike_for_delta_in`: Newton on G(x) = x - s (s/2 -
// d*) from the at-the-money vol, slope by a central difference (h = 1e-3 s:
// wider than the CPU's 1e-4 s so f32 resolves it; the root does not depend
// on it), 12 steps.
fn spx_strike_x(d_star: f32, tau: f32, v: f32, e: f32) -> f32 {
    let vv = max(v, 0.0f);
    let sqrt_tau = sqrt(tau);
    let s0 = marks_total_sd(vv, tau, sqrt_tau, 0.0f, e);
    var x = s0 * (0.5f * s0 - d_star);
    for (var i = 0u; i < 12u; i = i + 1u) {
        let s = marks_total_sd(vv, tau, sqrt_tau, x, e);
        let g = x - s * (0.5f * s - d_star);
        let h = 1e-3f * max(s, 1e-6f);
        let slope = (marks_total_sd(vv, tau, sqrt_tau, x + h, e) - marks_total_sd(vv, tau, sqrt_tau, x - h, e)) / (2.0f * h);
        let dg = 1.0f - slope * (s - d_star);
        x = select(x - g, x - g / dg, dg >= 0.2f);
    }
    return x;
}

// The SPX strike (index points, on the 5-point grid) at log-strike x.
fn spx_strike_at(x: f32, spot: f32, tau: f32) -> f32 {
    let forward = spot * exp_portable((marks.r - marks.q) * tau);
    return floor(forward * exp_portable(x) / 5.0f + 0.5f) * 5.0f;
}

// VIX future (index points) at variance v (annualised), tau_days trading days
// and expiry constant c (annualised variance), as `VixTables::future`.
fn vix_future(v: f32, tau_days: f32, c: f32) -> f32 {
    let z = sqrt(max(v, 0.0f) + marks.vix_v_shift);
    return table_lookup3(marks.vix_future_table, z, tau_days, c).value;
}

// Black-76 total implied sd (sigma sqrt(tau years)) of a VIX option at
// variance v, tenor tau_days (trading days, >= 1), constant c and
// m = ln(K/F) / sqrt(tau years): the two option tables around c, linear in c
// between them (`VixTables::option_iv`).
fn vix_total_sd(v: f32, tau_days: f32, c: f32, m: f32) -> f32 {
    let z = sqrt(max(v, 0.0f) + marks.vix_v_shift);
    let lt = ln_portable(max(tau_days, 1e-9f));
    let cell = table_locate(c, marks.option_c_lo, marks.option_c_inv, marks.option_c_n);
    let lo = table_lookup3(marks.vix_option_table + cell.i, z, lt, m).value;
    let hi = table_lookup3(marks.vix_option_table + cell.i + 1u, z, lt, m).value;
    return lo + (hi - lo) * cell.w;
}

// VIX call price (index points, discounted at r per year) of strike `strike`
// (VIX points), as `VixTables::option_price`: the table future and implied
// vol into Black-76.
fn vix_call(v: f32, tau_days: f32, c: f32, strike: f32, r: f32) -> f32 {
    return vix_call_f(vix_future(v, tau_days, c), v, tau_days, c, strike, r);
}

// `vix_call` given its future `f = vix_future(v, tau_days, c)`.
fn vix_call_f(f: f32, v: f32, tau_days: f32, c: f32, strike: f32, r: f32) -> f32 {
    let t = tau_days / MARKS_DAYS_PER_YEAR;
    let sqrt_t = sqrt(t);
    let sd = vix_total_sd(v, tau_days, c, ln_portable(strike / f) / sqrt_t);
    return black76_f32(OPTION_CALL, f, strike, t, exp_portable(-r * t), sd / sqrt_t).price;
}

// VIX call strike (VIX points, rounded to 0.5, at least 0.5) whose forward
// delta at the table's smile equals `delta`: bisection on x = ln(K/F) in
// [-1.5, 2.5] as `vix_call_strike_for_delta` of `ModelMarks` (40 halvings
// exhaust f32).
fn vix_call_strike_for_delta(v: f32, tau_days: f32, c: f32, delta: f32) -> f32 {
    return vix_call_strike_f(vix_future(v, tau_days, c), v, tau_days, c, delta);
}

// `vix_call_strike_for_delta` given its future `f = vix_future(v, tau_days, c)`.
fn vix_call_strike_f(f: f32, v: f32, tau_days: f32, c: f32, delta: f32) -> f32 {
    let sqrt_t = sqrt(tau_days / MARKS_DAYS_PER_YEAR);
    var lo = -1.5f;
    var hi = 2.5f;
    for (var i = 0u; i < 40u; i = i + 1u) {
        let mid = 0.5f * (lo + hi);
        let s = vix_total_sd(v, tau_days, c, mid / sqrt_t);
        let d = norm_cdf_f32(-mid / s + 0.5f * s);
        if (d > delta) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let k = f * exp_portable(0.5f * (lo + hi));
    return max(floor(k / 0.5f + 0.5f) * 0.5f, 0.5f);
}
