//! Synthetic path records for the report tests: a small seeded generator, paths
//! whose statistics are easy to compute by sorting, and an XML-ish SVG check.

use vixhedge::config::{HedgeProgram, RegimesConfig};
use vixhedge::report::{LineOutcome, LineSet, PathBatch, RunInfo, StudyAccumulator, StudyLayout};

pub const CAPITAL: f64 = 1_000_000.0;

/// SplitMix64 (Steele, Lea and Flood 2014): a small, well-mixed test generator.
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64, index: u64) -> Self {
        let mut s = SplitMix(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        s.next();
        s
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    /// Standard normal (Box-Muller, one of the pair).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

pub fn layout(programs: &[HedgeProgram], ladder: &[f64]) -> StudyLayout {
    StudyLayout {
        lines: LineSet::new(programs, ladder).unwrap(),
        regimes: RegimesConfig::default(),
        capital: CAPITAL,
        horizon_days: 126,
    }
}

pub fn run_info() -> RunInfo {
    RunInfo {
        seed: 7,
        backend: "cpu".into(),
        adapter: "test".into(),
        elapsed_s: 0.0,
        path_steps_per_s: 0.0,
        config_hash: "sha256:test".into(),
    }
}

/// `x` rounded to `f32`: the reductions read `f32` values (as the study
/// kernel writes them), so the synthetic values are `f32` values and the
/// references below see exactly what the accumulators see.
pub fn f32v(x: f64) -> f64 {
    f64::from(x as f32)
}

/// A synthetic path: regimes spread by max VIX in [12, 62); the unhedged
/// drawdown lognormal around 15% (0 on about 1% of paths, 1.2 on about 0.2%),
/// hedged lines scaled by a line factor and lognormal noise; P&L normal.
/// Every value is an `f32` value ([`f32v`]).
pub fn path(seed: u64, index: u64, lines: usize) -> (f64, f64, Vec<LineOutcome>) {
    let (v, s, mut out) = path_f64(seed, index, lines);
    for o in &mut out {
        o.max_drawdown = f32v(o.max_drawdown);
        o.final_pnl = f32v(o.final_pnl);
        o.premium_paid = f32v(o.premium_paid);
        o.hedge_payoff = f32v(o.hedge_payoff);
        o.worst_day = f32v(o.worst_day);
    }
    (f32v(v), f32v(s), out)
}

fn path_f64(seed: u64, index: u64, lines: usize) -> (f64, f64, Vec<LineOutcome>) {
    let mut r = SplitMix::new(seed, index);
    let max_vix = 12.0 + 50.0 * r.uniform();
    let spx = 0.05 + 0.15 * r.normal();
    let u = r.uniform();
    let dd0 = if u < 0.01 {
        0.0
    } else if u < 0.012 {
        1.2
    } else {
        (0.15f64.ln() + 0.4 * r.normal()).exp()
    };
    let pnl0 = CAPITAL * (0.04 + 0.1 * r.normal());
    let mut out = vec![LineOutcome {
        max_drawdown: dd0,
        final_pnl: pnl0,
        premium_paid: 0.0,
        hedge_payoff: 0.0,
        worst_day: -CAPITAL * 0.02 * r.uniform(),
    }];
    for l in 1..lines {
        let c = 1.0 - 0.05 * l as f64;
        let premium = CAPITAL * 0.004 * l as f64 * (1.0 + 0.1 * r.normal());
        let payoff = CAPITAL * 0.01 * r.uniform().powi(4);
        out.push(LineOutcome {
            max_drawdown: dd0 * c * (0.2 * r.normal()).exp(),
            final_pnl: pnl0 - premium + payoff,
            premium_paid: premium,
            hedge_payoff: payoff,
            worst_day: -CAPITAL * 0.02 * r.uniform(),
        });
    }
    (max_vix, spx, out)
}

pub fn batch(seed: u64, first: u64, n: u64, lines: usize) -> PathBatch {
    let mut b = PathBatch {
        first_path: first,
        ..PathBatch::default()
    };
    for i in first..first + n {
        let (v, s, o) = path(seed, i, lines);
        b.max_vix.push(v);
        b.spx_return.push(s);
        // Derived without further draws, so the paths stay as they were.
        b.first_vix.push(f32v(12.0 + 0.5 * (v - 12.0)));
        b.spx_max_drawdown.push(f32v((-s).clamp(0.0, 0.9)));
        b.outcomes.extend(o);
    }
    b
}

pub fn accumulate(layout: &StudyLayout, seed: u64, n: u64, batch_size: u64) -> StudyAccumulator {
    let lines = layout.lines.len();
    let mut acc = StudyAccumulator::new(layout.clone()).unwrap();
    let mut first = 0;
    while first < n {
        let size = batch_size.min(n - first);
        acc.push_batch(&batch(seed, first, size, lines)).unwrap();
        first += size;
    }
    acc
}

/// Checks that `svg` is one well-nested `<svg>` element (an XML-ish check: tags
/// balance, attribute values quoted) and returns the trimmed contents of its
/// `<text>` elements.
pub fn svg_texts(svg: &str) -> Result<Vec<String>, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut texts = Vec::new();
    let mut rest = svg.trim();
    if !rest.starts_with("<svg") {
        return Err("does not start with <svg".into());
    }
    while let Some(open) = rest.find('<') {
        let content = &rest[..open];
        if stack.last().is_some_and(|t| t == "text") {
            texts.push(content.trim().to_string());
        }
        let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
        let tag = &rest[open + 1..close];
        if !tag.matches('"').count().is_multiple_of(2) {
            return Err(format!("unbalanced quotes in <{tag}>"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(t) if t == name.trim() => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
        } else if !tag.ends_with('/') && !tag.starts_with('?') && !tag.starts_with('!') {
            stack.push(tag.split_whitespace().next().unwrap_or("").to_string());
        }
        rest = &rest[close + 1..];
        if stack.is_empty() {
            break;
        }
    }
    if !stack.is_empty() || !rest.trim().is_empty() {
        return Err(format!("unclosed {stack:?} or trailing text"));
    }
    Ok(texts)
}
