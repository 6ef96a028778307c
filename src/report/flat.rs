//! A [`StudyAccumulator`] as flat 32-bit words: the layout the GPU's
//! reduction kernel (`shaders/reduce.wgsl`) accumulates into on the device,
//! and its reading back into an accumulator.
//!
//! Words: `[0]` invalid paths, then for each regime (in `Regime::ALL` order)
//! [`REGIME_HEAD`] words (its paths, then the 4-limb sum and sum of squares
//! of the four path facts) and [`LINE_WORDS`] words per line. A line's block
//! holds its four histograms (counts, then the underflow's count and 4-limb
//! sum and the overflow's), its ten 4-limb sums, the worst-day key and the
//! two counts of the paired reduction. A 4-limb sum is the two's-complement
//! 128-bit integer of an [`ExactSum`], least significant limb first. Counts
//! are `u32`: the device accumulator is read and cleared well before any
//! count could pass 2^32 - 1 (at most a checkpoint's paths).

use super::exact::{ExactSum, Moments};
use super::hist::{HistSpec, Histogram, Tail};
use super::stats::{
    LineAcc, RegimeAcc, StudyAccumulator, StudyLayout, DRAWDOWN_SPEC, PNL_SPEC, REDUCTION_SPEC,
    SECTIONS, SECTION_DRAWDOWN_SPEC,
};
use super::ReportError;
use crate::config::Regime;

/// Words of a histogram's tails after its counts: the underflow's count and
/// 4-limb sum, then the overflow's.
pub const TAIL_WORDS: usize = 10;

/// Offsets in a line's block: the max-drawdown histogram, the per-section
/// ones, the P&L and the reduction histograms, the sums, the worst-day key
/// and the reduction's defined and cut counts.
pub const L_DD: usize = 0;
/// See [`L_DD`].
pub const L_SEC: usize = L_DD + DRAWDOWN_SPEC.bins + TAIL_WORDS;
/// See [`L_DD`].
pub const L_PNL: usize = L_SEC + SECTIONS * (SECTION_DRAWDOWN_SPEC.bins + TAIL_WORDS);
/// See [`L_DD`].
pub const L_RED: usize = L_PNL + PNL_SPEC.bins + TAIL_WORDS;
/// See [`L_DD`].
pub const L_SUMS: usize = L_RED + REDUCTION_SPEC.bins + TAIL_WORDS;
/// The line's sums, 4 limbs each from [`L_SUMS`]: drawdown and its squares,
/// P&L and its squares, premium, payoff, worst day, the drawdown cross
/// product with `none`, drag and its squares (fractions of capital).
pub const N_SUMS: usize = 10;
/// See [`L_DD`].
pub const L_MIN: usize = L_SUMS + 4 * N_SUMS;
/// See [`L_DD`].
pub const L_DEFINED: usize = L_MIN + 1;
/// See [`L_DD`].
pub const L_CUT: usize = L_DEFINED + 1;
/// Words of a line's block.
pub const LINE_WORDS: usize = L_CUT + 1;
/// Words of a regime's head: its paths and the facts' 8 sums.
pub const REGIME_HEAD: usize = 1 + 8 * 4;

// The kernel's constants (shaders/reduce.wgsl) are these.
const _: () = assert!(L_SEC == 10_010 && L_PNL == 30_210 && L_RED == 40_220);
const _: () = assert!(L_SUMS == 42_230 && L_MIN == 42_270 && LINE_WORDS == 42_273);

/// The histograms in the order of their edges in [`f32_edges`].
pub const EDGE_SPECS: [HistSpec; 4] = [
    DRAWDOWN_SPEC,
    SECTION_DRAWDOWN_SPEC,
    PNL_SPEC,
    REDUCTION_SPEC,
];

/// Words of the accumulator of `lines` lines.
#[must_use]
pub fn words(lines: usize) -> usize {
    1 + Regime::ALL.len() * (REGIME_HEAD + lines * LINE_WORDS)
}

/// The edges of [`EDGE_SPECS`] rounded up to `f32`, one after the other
/// (`bins + 1` each), as the kernel reads them.
#[must_use]
pub fn f32_edges() -> Vec<f32> {
    EDGE_SPECS.iter().flat_map(HistSpec::f32_edges).collect()
}

/// The inverted order key of `x` the kernel keeps the worst day as (the
/// largest key is the smallest value; 0 is none).
#[must_use]
pub fn min_key(x: f32) -> u32 {
    let b = x.to_bits();
    let key = if b >> 31 == 1 { !b } else { b | 0x8000_0000 };
    !key
}

fn from_min_key(inverted: u32) -> f64 {
    if inverted == 0 {
        return f64::INFINITY;
    }
    let key = !inverted;
    let bits = if key >> 31 == 1 {
        key & 0x7fff_ffff
    } else {
        !key
    };
    f64::from(f32::from_bits(bits))
}

/// The 128-bit integer of the 4 limbs at `w[0..4]`.
#[must_use]
pub fn limbs(w: &[u32]) -> i128 {
    let u = u128::from(w[0])
        | (u128::from(w[1]) << 32)
        | (u128::from(w[2]) << 64)
        | (u128::from(w[3]) << 96);
    #[expect(clippy::cast_possible_wrap, reason = "two's complement, by design")]
    let i = u as i128;
    i
}

/// The 4 limbs of a 128-bit integer, least significant first.
#[must_use]
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "limbs"
)]
pub fn to_limbs(x: i128) -> [u32; 4] {
    let u = x as u128;
    [
        u as u32,
        (u >> 32) as u32,
        (u >> 64) as u32,
        (u >> 96) as u32,
    ]
}

fn sum_at(w: &[u32], at: usize) -> ExactSum {
    ExactSum::from_raw(limbs(&w[at..at + 4]))
}

fn hist_at(w: &[u32], at: usize, spec: HistSpec) -> Histogram {
    let b = spec.bins;
    let tail = |t: usize| Tail {
        n: u64::from(w[at + b + t]),
        sum: sum_at(w, at + b + t + 1),
    };
    Histogram::from_parts(spec, w[at..at + b].to_vec(), tail(0), tail(5))
}

/// The accumulator of `layout` whose words (as the kernel writes them) are `w`.
///
/// # Errors
/// `w` is not [`words`] long for the layout's lines, or the layout is bad.
pub fn accumulator(layout: StudyLayout, w: &[u32]) -> Result<StudyAccumulator, ReportError> {
    let lines = layout.lines.len();
    if w.len() != words(lines) {
        return Err(ReportError::LineCount {
            expected: lines,
            got: (w.len().saturating_sub(1) / Regime::ALL.len()).saturating_sub(REGIME_HEAD)
                / LINE_WORDS,
        });
    }
    let mut acc = StudyAccumulator::new(layout)?;
    let mut regimes = Vec::with_capacity(Regime::ALL.len());
    for r in 0..Regime::ALL.len() {
        let head = 1 + r * (REGIME_HEAD + lines * LINE_WORDS);
        let paths = u64::from(w[head]);
        let fact = |k: usize| {
            Moments::from_parts(
                paths,
                sum_at(w, head + 1 + 8 * k),
                sum_at(w, head + 5 + 8 * k),
            )
        };
        let mut out = Vec::with_capacity(lines);
        for l in 0..lines {
            let at = head + REGIME_HEAD + l * LINE_WORDS;
            let sum = |k: usize| sum_at(w, at + L_SUMS + 4 * k);
            let moments = |k: usize| Moments::from_parts(paths, sum(k), sum(k + 1));
            out.push(LineAcc {
                drawdown: hist_at(w, at + L_DD, DRAWDOWN_SPEC),
                drawdown_sections: (0..SECTIONS)
                    .map(|s| {
                        hist_at(
                            w,
                            at + L_SEC + s * (SECTION_DRAWDOWN_SPEC.bins + TAIL_WORDS),
                            SECTION_DRAWDOWN_SPEC,
                        )
                    })
                    .collect(),
                drawdown_moments: moments(0),
                pnl: hist_at(w, at + L_PNL, PNL_SPEC),
                pnl_moments: moments(2),
                premium: sum(4),
                payoff: sum(5),
                worst_day: sum(6),
                worst_day_min: from_min_key(w[at + L_MIN]),
                drawdown_cross: sum(7),
                drag: moments(8),
                reduction: hist_at(w, at + L_RED, REDUCTION_SPEC),
                reduction_defined: u64::from(w[at + L_DEFINED]),
                cut_at_least: u64::from(w[at + L_CUT]),
            });
        }
        regimes.push(RegimeAcc {
            paths,
            max_vix: fact(0),
            first_vix: fact(1),
            spx_return: fact(2),
            spx_max_drawdown: fact(3),
            lines: out,
        });
    }
    acc.set_parts(regimes, u64::from(w[0]));
    Ok(acc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::hist::f32_at_or_above;

    #[test]
    fn limbs_round_trip_signed_integers() {
        for x in [
            0i128,
            1,
            -1,
            1 << 70,
            -(1 << 100) + 12345,
            i128::MAX,
            i128::MIN,
        ] {
            assert_eq!(limbs(&to_limbs(x)), x);
        }
        assert_eq!(to_limbs(-1), [u32::MAX; 4]);
    }

    #[test]
    fn the_worst_day_key_orders_like_the_values() {
        let xs = [-1e6f32, -2.5, -0.0, 0.0, 1e-30, 3.0, 7e5];
        for w in xs.windows(2) {
            assert!(min_key(w[0]) >= min_key(w[1]), "{} {}", w[0], w[1]);
        }
        for x in xs {
            assert_eq!(from_min_key(min_key(x)), f64::from(x));
        }
        assert_eq!(from_min_key(0), f64::INFINITY);
    }

    #[test]
    fn f32_edges_decide_as_the_f64_edges_do() {
        let e = f32_edges();
        assert_eq!(
            e.len(),
            EDGE_SPECS.iter().map(|s| s.bins + 1).sum::<usize>()
        );
        // 0.35 is not an f32; the least f32 above it is 0x3eb33334.
        assert_eq!(f32_at_or_above(0.35).to_bits(), 0x3eb3_3334);
        let spec = PNL_SPEC;
        let edges = spec.f32_edges();
        for i in [0usize, 1, 4999, 5000, 5001, 9999, 10_000] {
            let t = edges[i];
            // The edge itself and the f32 just below it fall on either side.
            assert!(f64::from(t) >= spec.edge(i));
            assert!(f64::from(t.next_down()) < spec.edge(i));
            if i < spec.bins {
                assert_eq!(Histogram::bin_of(&spec, f64::from(t)), Ok(i));
            }
            if i > 0 {
                assert_eq!(
                    Histogram::bin_of(&spec, f64::from(t.next_down())),
                    Ok(i - 1)
                );
            }
        }
    }
}
