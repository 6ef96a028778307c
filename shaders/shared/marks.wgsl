// Model marks inside a path, in f32: SPX options from the implied-vol surface,
// VIX futures and calls from the VIX tables. The twin in intent of
// `ModelMarks` in src/study/marks.rs (f64), whose functions and module docs
// (src/model/ivtable/mod.rs, src/model/vix/tables.rs) fix the algorithms.
//
// Assembled after shared/math.wgsl (ln_portable), shared/tables.wgsl (group 1)
// and shared/pricing.wgsl. The including kernel declares the per-run constants
// itself, in a slot of its own group, under the name `marks`:
//
//     @group(0) @binding(N) var<uniform> marks: MarksParams;
//
// (src/gpu/marks.rs builds them). The per-day event inputs are two tables of
// the run's `GpuTables` read by index, not interpolated: `event_var` of an SPX
// expiry and the VIX expiry constant `c`, both at [day][days_left]
// (`marks_day_value`).
//
// Keep `MarksParams` in sync with `MarksParams` in src/gpu/marks.rs (192
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
    // Indices (into table_headers) of the SPX surface, the VIX futures, the
    // first VIX option table (the others follow in `option_c` order), the
    // per-day event-variance table and the per-day VIX-constant table.
    spx_table: u32,
    vix_future_table: u32,
    vix_option_table: u32,
    event_var_table: u32,
    vix_c_table: u32,
    // Nodes of the event quadrature used (at most 16).
    event_nodes: u32,
    // Event quadrature, two nodes per entry: (y_i, w_i, y_{i+1}, w_{i+1}),
    // y in standard deviations of the event jump, w including the normal
    // density and the span.
    event_rule: array<vec4<f32>, 8>,
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

// Table implied vol (annualised, without events) of an SPX option at variance
// v (annualised, >= 0), tau years (> 0) and k = ln(K/F) / sqrt(tau): the
// coordinates of `SpxVolSurface::coords`, times sqrt(vbar).
fn spx_table_vol(v: f32, tau: f32, k: f32) -> f32 {
    let a = marks_decay_factor(marks.kappa * tau);
    let atm_vol = sqrt(a * v + marks.theta_star * (1.0f - a) + marks.jump_var);
    let x0 = ln_portable(v + marks.spx_v_shift);
    let t = table_lookup3(marks.spx_table, x0, sqrt(tau), k / atm_vol);
    return t.value * atm_vol;
}

// SPX option price (index points) as `SpxVolSurface::price`: Black-76 on
// F = spot e^{(r-q) tau}, discount e^{-r tau}, the table's vol; with
// event_var > 0 (log-price variance of the scheduled events before expiry)
// the quadrature mixture over the events' Normal(0, event_var) jump. kind
// OPTION_CALL or OPTION_PUT, spot and strike in index points, tau in years, v
// annualised variance. tau <= 0 gives the intrinsic value.
fn spx_price(kind: u32, spot: f32, strike: f32, tau: f32, v: f32, event_var: f32) -> f32 {
    let t = max(tau, 0.0f);
    let forward = spot * exp_portable((marks.r - marks.q) * t);
    let df = exp_portable(-marks.r * t);
    if (!(tau > 0.0f && strike > 0.0f)) {
        return black76_f32(kind, forward, strike, 0.0f, df, 0.0f).price;
    }
    let vv = max(v, 0.0f);
    let sqrt_tau = sqrt(tau);
    let x = ln_portable(strike / forward);
    if (!(event_var > 0.0f)) {
        let iv = spx_table_vol(vv, tau, x / sqrt_tau);
        return black76_f32(kind, forward, strike, tau, df, iv).price;
    }
    let sd = sqrt(event_var);
    var sum = 0.0f;
    for (var i = 0u; i < marks.event_nodes; i = i + 1u) {
        let e = marks.event_rule[i / 2u];
        let node = select(e.xy, e.zw, (i & 1u) == 1u);
        let shift = sd * node.x - 0.5f * event_var;
        let fwd_y = forward * exp_portable(shift);
        let iv = spx_table_vol(vv, tau, (x - shift) / sqrt_tau);
        sum = sum + node.y * black76_f32(kind, fwd_y, strike, tau, df, iv).price;
    }
    return sum;
}

// Standard normal density.
fn marks_norm_pdf(d: f32) -> f32 {
    return 0.398942280f * exp_portable(-0.5f * d * d);
}

// N^{-1}(p) for 0 < p < 1 by Newton on ln N(d) - ln p from 0 in the lower
// half (the iteration of `norm_quantile` in src/model/ivtable/lookup.rs, fixed
// steps), by symmetry above 1/2.
fn marks_norm_quantile(p: f32) -> f32 {
    let lower = min(p, 1.0f - p);
    let ln_p = ln_portable(lower);
    var d = 0.0f;
    for (var i = 0u; i < 24u; i = i + 1u) {
        let c = norm_cdf_f32(d);
        d = d - (ln_portable(c) - ln_p) * c / marks_norm_pdf(d);
    }
    return select(d, -d, p > 0.5f);
}

// s(x) = sigma(x) sqrt(tau) of `SpxVolSurface::strike_for_delta` with the
// event variance in the total: sqrt(sigma_table^2 tau + event_var).
fn marks_total_sd(v: f32, tau: f32, sqrt_tau: f32, x: f32, event_var: f32) -> f32 {
    let iv = spx_table_vol(v, tau, x / sqrt_tau);
    return sqrt(iv * iv * tau + max(event_var, 0.0f));
}

// SPX strike (index points, rounded to 5 points) whose smile delta equals
// `delta_target` (in (0, 1) for a call, (-1, 0) for a put), as
// `SpxVolSurface::strike_for_delta`: Newton on G(x) = x - s (s/2 - d*),
// x = ln(K/F), from the at-the-money vol, slope by a central difference
// (h = 1e-3 s: wider than the CPU's 1e-4 s so f32 resolves it; the root does
// not depend on it), 12 steps. NaN for tau <= 0 or a target out of range.
fn spx_strike_for_delta(kind: u32, delta_target: f32, spot: f32, tau: f32, v: f32, event_var: f32) -> f32 {
    let p = select(1.0f + delta_target, delta_target, kind == OPTION_CALL);
    if (!(tau > 0.0f && p > 0.0f && p < 1.0f && delta_target != 0.0f)) {
        return bitcast<f32>(0x7fc00000u);
    }
    let vv = max(v, 0.0f);
    let d_star = marks_norm_quantile(p);
    let sqrt_tau = sqrt(tau);
    let s0 = marks_total_sd(vv, tau, sqrt_tau, 0.0f, event_var);
    var x = s0 * (0.5f * s0 - d_star);
    for (var i = 0u; i < 12u; i = i + 1u) {
        let s = marks_total_sd(vv, tau, sqrt_tau, x, event_var);
        let g = x - s * (0.5f * s - d_star);
        let h = 1e-3f * max(s, 1e-6f);
        let slope = (marks_total_sd(vv, tau, sqrt_tau, x + h, event_var) - marks_total_sd(vv, tau, sqrt_tau, x - h, event_var)) / (2.0f * h);
        let dg = 1.0f - slope * (s - d_star);
        x = select(x - g, x - g / dg, dg >= 0.2f);
    }
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
    let f = vix_future(v, tau_days, c);
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
    let f = vix_future(v, tau_days, c);
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
