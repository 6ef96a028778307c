// RSI, MACD and the ALVH adaptive scale of the study kernel
// (shaders/study.wgsl): the f32 twins of `Signals` and `adaptive_scale` in
// src/strategy/signals.rs, whose module doc gives the definitions. Assembled
// with the kernel by src/gpu/shaders.rs; reads its bindings and the day's
// market (`vix`, `vix_f1m`).

// RSI: changes seen, previous close, average gain and loss (running sums
// before the seed).
var<private> rsi_changes: u32;
var<private> rsi_prev: f32;
var<private> rsi_gain: f32;
var<private> rsi_loss: f32;

// An EMA seeded with the mean of its first `period` inputs.
struct Ema {
    count: u32,
    value: f32,
}

var<private> ema_fast: Ema;
var<private> ema_slow: Ema;
var<private> ema_signal: Ema;
var<private> macd_line: f32;

fn ema_update(e: ptr<function, Ema>, period: u32, x: f32) {
    let n = max(period, 1u);
    if ((*e).count < n) {
        (*e).value = (*e).value + x;
        (*e).count = (*e).count + 1u;
        if ((*e).count == n) {
            (*e).value = (*e).value / f32(n);
        }
    } else {
        let alpha = 2.0f / (f32(n) + 1.0f);
        (*e).value = (*e).value + opaque(alpha * (x - (*e).value));
    }
}

// Adds the close `close`; the first close only seeds the RSI.
fn signals_update(close: f32, first: bool) {
    let n = max(study.rsi_period, 1u);
    if (!first) {
        let d = close - rsi_prev;
        let gain = max(d, 0.0f);
        let loss = max(-d, 0.0f);
        let nf = f32(n);
        if (rsi_changes < n) {
            rsi_gain = rsi_gain + gain;
            rsi_loss = rsi_loss + loss;
            rsi_changes = rsi_changes + 1u;
            if (rsi_changes == n) {
                rsi_gain = rsi_gain / nf;
                rsi_loss = rsi_loss / nf;
            }
        } else {
            rsi_gain = (opaque(rsi_gain * (nf - 1.0f)) + gain) / nf;
            rsi_loss = (opaque(rsi_loss * (nf - 1.0f)) + loss) / nf;
        }
    }
    rsi_prev = close;

    var f = ema_fast;
    var s = ema_slow;
    ema_update(&f, study.macd_fast, close);
    ema_update(&s, study.macd_slow, close);
    ema_fast = f;
    ema_slow = s;
    if (f.count >= max(study.macd_fast, 1u) && s.count >= max(study.macd_slow, 1u)) {
        macd_line = f.value - s.value;
        var g = ema_signal;
        ema_update(&g, study.macd_signal, macd_line);
        ema_signal = g;
    }
}

fn adaptive_scale() -> f32 {
    let inverted = study.inversion_override != 0u && vix > vix_f1m;
    var oversold = false;
    if (study.rsi_override != 0u && rsi_changes >= max(study.rsi_period, 1u)) {
        var rsi: f32;
        if (rsi_loss == 0.0f) {
            rsi = select(100.0f, 50.0f, rsi_gain == 0.0f);
        } else {
            rsi = 100.0f - 100.0f / (1.0f + rsi_gain / rsi_loss);
        }
        oversold = rsi < study.rsi_below;
    }
    let macd_bear = study.macd_override != 0u && ema_signal.count >= max(study.macd_signal, 1u)
        && macd_line < ema_signal.value;
    if (inverted || oversold || macd_bear) {
        return 1.0f;
    }
    if (vix < study.light_below) {
        return study.light_scale;
    } else if (vix <= study.moderate_up_to) {
        return study.moderate_scale;
    } else if (vix >= study.full_at) {
        return 1.0f;
    }
    let w = (vix - study.moderate_up_to) / (study.full_at - study.moderate_up_to);
    return study.moderate_scale + opaque(w * (1.0f - study.moderate_scale));
}
