//! Fixed-bin histograms with exact tails: mergeable by integer addition, with
//! quantiles and upper-tail means (CVaR) read off the bins.
//!
//! Values below `lo` or at and above `lo + bins * width` go to an underflow or
//! overflow tail that keeps its count and exact sum, so no value is lost and the
//! tails' means are exact. Inside the range a quantile is located in its bin
//! exactly and placed inside the bin by linear interpolation of the rank, so it
//! is within one bin width of the sample quantile defined in [`rank`].

use super::exact::ExactSum;

/// The layout of a histogram: `bins` bins of `width` starting at `lo` (value units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistSpec {
    /// Lower edge of the first bin.
    pub lo: f64,
    /// Bin width; also the quantile resolution inside the range.
    pub width: f64,
    /// Number of bins.
    pub bins: usize,
}

impl HistSpec {
    /// Upper edge of the last bin.
    #[must_use]
    pub fn hi(&self) -> f64 {
        self.lo + self.width * self.bins as f64
    }

    /// Lower edge of bin `i`.
    #[must_use]
    pub fn edge(&self, i: usize) -> f64 {
        self.lo + self.width * i as f64
    }

    /// The edges `0..=bins` rounded up to `f32`: the least `f32` at or above
    /// each, so that an `f32` value `x` is at or above edge `i` exactly when
    /// `x >= f32_edges()[i]`.
    #[must_use]
    pub fn f32_edges(&self) -> Vec<f32> {
        (0..=self.bins)
            .map(|i| f32_at_or_above(self.edge(i)))
            .collect()
    }
}

/// The least `f32` at or above `x` (finite `x` within the `f32` range).
#[must_use]
#[expect(
    clippy::cast_possible_truncation,
    reason = "rounded, then corrected upwards"
)]
pub fn f32_at_or_above(x: f64) -> f32 {
    let t = x as f32;
    if f64::from(t) < x {
        t.next_up()
    } else {
        t
    }
}

/// Count and exact sum of the values outside the binned range on one side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tail {
    /// Number of values.
    pub n: u64,
    /// Their exact sum.
    pub sum: ExactSum,
}

impl Tail {
    fn mean(&self) -> f64 {
        self.sum.value() / self.n as f64
    }
}

/// The 1-based rank of the q-quantile of n values: k = ceil(q n), at least 1 and
/// at most n. The q-quantile is the k-th smallest value (the lower empirical
/// quantile, F^-1(q) = inf{x : F_n(x) >= q}). A relative slack of 1e-9 keeps
/// q n = 95.000000001 from becoming rank 96.
#[must_use]
pub fn rank(q: f64, n: u64) -> u64 {
    let qn = q * n as f64;
    ((qn - 1e-9 * qn.max(1.0)).ceil() as u64).clamp(1, n.max(1))
}

/// A fixed-bin histogram with `u32` counts (at most 2^32 - 1 values per bin).
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    spec: HistSpec,
    counts: Vec<u32>,
    under: Tail,
    over: Tail,
}

impl Histogram {
    /// An empty histogram with layout `spec`.
    #[must_use]
    pub fn new(spec: HistSpec) -> Self {
        Self {
            spec,
            counts: vec![0; spec.bins],
            under: Tail::default(),
            over: Tail::default(),
        }
    }

    /// A histogram of layout `spec` with `counts` (one per bin; a shorter or
    /// longer vector is padded or cut to `spec.bins`) and tails `under` and `over`.
    #[must_use]
    pub fn from_parts(spec: HistSpec, mut counts: Vec<u32>, under: Tail, over: Tail) -> Self {
        counts.resize(spec.bins, 0);
        Self {
            spec,
            counts,
            under,
            over,
        }
    }

    /// The layout.
    #[must_use]
    pub fn spec(&self) -> HistSpec {
        self.spec
    }

    /// Bin counts, lowest bin first.
    #[must_use]
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }

    /// Values below the range.
    #[must_use]
    pub fn underflow(&self) -> Tail {
        self.under
    }

    /// Values at or above the top of the range.
    #[must_use]
    pub fn overflow(&self) -> Tail {
        self.over
    }

    /// Number of values pushed.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.under.n + self.over.n + self.counts.iter().map(|&c| u64::from(c)).sum::<u64>()
    }

    /// The bin of `x`: the largest `i` with `x >= edge(i)` (`Err(false)`
    /// below `lo`, `Err(true)` at or above the top edge), the edges being
    /// the `f64` values of [`HistSpec::edge`]. Comparisons only, so an `f32`
    /// value lands where the GPU's reduction kernel puts it against the
    /// edges rounded up to `f32` ([`HistSpec::f32_edges`]).
    pub fn bin_of(spec: &HistSpec, x: f64) -> Result<usize, bool> {
        if x < spec.lo {
            return Err(false);
        }
        if x >= spec.hi() {
            return Err(true);
        }
        // A first guess, then the edges decide.
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped to the bins"
        )]
        let mut i = (((x - spec.lo) / spec.width).floor().max(0.0) as usize).min(spec.bins - 1);
        while i > 0 && x < spec.edge(i) {
            i -= 1;
        }
        while i + 1 < spec.bins && x >= spec.edge(i + 1) {
            i += 1;
        }
        Ok(i)
    }

    /// Adds a finite value (to the bin of [`Self::bin_of`]).
    pub fn push(&mut self, x: f64) {
        match Self::bin_of(&self.spec, x) {
            Err(false) => {
                self.under.n += 1;
                self.under.sum.add(x);
            }
            Err(true) => {
                self.over.n += 1;
                self.over.sum.add(x);
            }
            Ok(i) => {
                let c = &mut self.counts[i];
                *c = c.checked_add(1).expect("histogram bin overflow");
            }
        }
    }

    /// Adds another histogram of the same layout exactly. Panics on a layout mismatch.
    pub fn merge(&mut self, other: &Histogram) {
        assert_eq!(
            self.spec, other.spec,
            "merging histograms of different layouts"
        );
        for (a, &b) in self.counts.iter_mut().zip(&other.counts) {
            *a = a.checked_add(b).expect("histogram bin overflow");
        }
        for (a, b) in [(&mut self.under, other.under), (&mut self.over, other.over)] {
            a.n += b.n;
            a.sum.merge(b.sum);
        }
    }

    /// The q-quantile (see [`rank`]) for q in (0, 1], within one bin width of the
    /// sample quantile when it falls inside the range; the tail's exact mean when
    /// it falls in a tail. NaN when empty.
    #[must_use]
    pub fn quantile(&self, q: f64) -> f64 {
        let n = self.total();
        if n == 0 {
            return f64::NAN;
        }
        let k = rank(q, n);
        if k <= self.under.n {
            return self.under.mean();
        }
        let mut before = self.under.n;
        for (i, &c) in self.counts.iter().enumerate() {
            let c = u64::from(c);
            if k <= before + c {
                let frac = ((k - before) as f64 - 0.5) / c as f64;
                return self.spec.edge(i) + self.spec.width * frac;
            }
            before += c;
        }
        self.over.mean()
    }

    /// Mean of the largest (1 - alpha) share of the values, CVaR_alpha of a loss-like
    /// quantity: with m = (1 - alpha) n, the top floor(m) values plus the fraction
    /// m - floor(m) of the next one, divided by m. Inside a bin the values are taken
    /// as evenly spread, so the result is within one bin width of the exact value
    /// while the tail starts inside the range. NaN when empty.
    #[must_use]
    pub fn upper_tail_mean(&self, alpha: f64) -> f64 {
        let n = self.total();
        if n == 0 {
            return f64::NAN;
        }
        let m = ((1.0 - alpha) * n as f64).max(f64::MIN_POSITIVE);
        let mut left = m;
        let mut sum = 0.0;
        let take_tail = |tail: &Tail, left: &mut f64, sum: &mut f64| {
            if tail.n > 0 && *left > 0.0 {
                let t = left.min(tail.n as f64);
                *sum += t * tail.mean();
                *left -= t;
            }
        };
        take_tail(&self.over, &mut left, &mut sum);
        for i in (0..self.spec.bins).rev() {
            if left <= 0.0 {
                break;
            }
            let c = f64::from(self.counts[i]);
            if c == 0.0 {
                continue;
            }
            let t = left.min(c);
            // The top t of c values spread evenly over the bin average hi - t w / (2c).
            let hi = self.spec.edge(i + 1);
            sum += t * (hi - t * self.spec.width / (2.0 * c));
            left -= t;
        }
        take_tail(&self.under, &mut left, &mut sum);
        sum / (m - left.max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: HistSpec = HistSpec {
        lo: 0.0,
        width: 0.01,
        bins: 100,
    };

    #[test]
    fn quantile_and_tail_mean_of_a_grid_match_the_definitions() {
        let mut h = Histogram::new(SPEC);
        // 1000 values evenly spread: 0.0005, 0.0015, ... 0.9995.
        let xs: Vec<f64> = (0..1000).map(|i| (f64::from(i) + 0.5) * 1e-3).collect();
        xs.iter().for_each(|&x| h.push(x));
        assert_eq!(h.total(), 1000);
        // Rank 500 is the value 0.4995.
        assert!((h.quantile(0.5) - 0.4995).abs() <= SPEC.width);
        let top: f64 = xs[950..].iter().sum::<f64>() / 50.0;
        assert!((h.upper_tail_mean(0.95) - top).abs() <= SPEC.width);
    }

    #[test]
    fn tails_keep_exact_means() {
        let mut h = Histogram::new(SPEC);
        for x in [-0.5, -0.25, 0.5, 2.0, 4.0] {
            h.push(x);
        }
        assert_eq!(h.underflow().n, 2);
        assert_eq!(h.overflow().n, 2);
        assert_eq!(h.quantile(0.2), -0.375);
        assert_eq!(h.quantile(1.0), 3.0);
        assert_eq!(h.upper_tail_mean(0.6), 3.0);
    }

    #[test]
    fn rank_is_robust_to_rounding() {
        assert_eq!(rank(0.95, 100), 95);
        assert_eq!(rank(0.5, 1), 1);
        assert_eq!(rank(0.99, 1000), 990);
        assert_eq!(rank(0.5, 3), 2);
    }
}
