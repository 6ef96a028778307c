// Equity-line statistics of the study kernel (shaders/study.wgsl): the f32
// twin of `EquityStats` in src/strategy/stats.rs, as offsets from the
// capital, and the lines of a path. Assembled with the kernel by
// src/gpu/shaders.rs; reads its bindings.

// An equity line as offsets from the capital (USD): last, peak, max
// drawdown (fraction of the peak), worst day (USD, >= 0).
struct Line {
    last: f32,
    peak: f32,
    max_dd: f32,
    worst: f32,
}

// Whether the line is ruined: its equity reached zero (`EquityStats`).
fn line_ruined(l: Line) -> bool {
    return study.capital + l.last <= 0.0f;
}

// Ruin: at the first close with equity at zero or below the line stays at
// zero (offset -capital) with a drawdown of exactly 1 and ignores later closes.
fn line_push(l: ptr<function, Line>, e: f32) {
    if (study.capital + (*l).last <= 0.0f) {
        return;
    }
    if (study.capital + e <= 0.0f) {
        (*l).worst = max((*l).worst, study.capital + (*l).last);
        (*l).last = -study.capital;
        (*l).max_dd = 1.0f;
        return;
    }
    (*l).worst = max((*l).worst, (*l).last - e);
    (*l).last = e;
    (*l).peak = max((*l).peak, e);
    (*l).max_dd = max((*l).max_dd, ((*l).peak - e) / (study.capital + (*l).peak));
}

// The lines of the path: the condor book alone, each program's own line and
// its ladder rungs.
var<private> condor_line: Line;
var<private> lines: array<Line, N_PROGRAMS>;
var<private> rungs: array<Line, N_RUNGS * N_PROGRAMS>;
