//! Exact, order-independent sums and moments.
//!
//! Every value is rounded once, on entry, to a fixed-point grid of 2^-48 and
//! added as an `i128` integer. Integer addition is associative and commutative,
//! so merging accumulators of any batch split, in any order or thread count,
//! gives bit-identical sums; only the single rounding of each input (at most
//! 2^-49, about 1.8e-15, per value) separates them from the real-number sums.
//! Inputs are expected to be of order one (drawdown fractions, P&L as a fraction
//! of capital): the sum of 10^7 values stays exact while it is below 2^79 (6e23)
//! in magnitude.

/// Fractional bits of the fixed-point grid: values are rounded to multiples of 2^-48.
pub const FRAC_BITS: i32 = 48;

/// 2^48 as an `f64` (exact).
const SCALE: f64 = (1u64 << FRAC_BITS) as f64;

/// A sum kept as an integer multiple of 2^-48: merges are exact and order-free.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExactSum(i128);

impl ExactSum {
    /// Adds `x` (rounded to the 2^-48 grid). Panics if the sum leaves the `i128`
    /// range, which needs inputs far outside the documented order of one.
    pub fn add(&mut self, x: f64) {
        // Power-of-two scaling is exact; rounding to nearest-even and the casts are
        // deterministic on every platform. The i64 cast is a single instruction,
        // the i128 one a library call, so it is kept for huge values only.
        let y = (x * SCALE).round_ties_even();
        let fixed = if y.abs() < 9.0e18 {
            y as i64 as i128
        } else {
            y as i128
        };
        self.0 = self.0.checked_add(fixed).expect("ExactSum overflow");
    }

    /// Adds another sum exactly.
    pub fn merge(&mut self, other: ExactSum) {
        self.0 = self.0.checked_add(other.0).expect("ExactSum overflow");
    }

    /// The exact integer: the sum in units of 2^-48.
    #[must_use]
    pub fn raw(self) -> i128 {
        self.0
    }

    /// The sum whose exact integer, in units of 2^-48, is `raw`.
    #[must_use]
    pub fn from_raw(raw: i128) -> Self {
        Self(raw)
    }

    /// The sum as an `f64` (one rounding of the exact integer).
    #[must_use]
    pub fn value(self) -> f64 {
        self.0 as f64 / SCALE
    }
}

/// Count, sum and sum of squares of a sample, exact under merge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moments {
    /// Number of values.
    pub n: u64,
    s1: ExactSum,
    s2: ExactSum,
}

impl Moments {
    /// Adds one value.
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        self.s1.add(x);
        self.s2.add(x * x);
    }

    /// Adds one `f32` value: the value and its `f32` square (one rounding),
    /// each exactly (the sums the GPU's reduction kernel keeps).
    pub fn push_f32(&mut self, x: f32) {
        self.n += 1;
        self.s1.add(f64::from(x));
        self.s2.add(f64::from(x * x));
    }

    /// The exact sum and sum of squares.
    #[must_use]
    pub fn sums(&self) -> (ExactSum, ExactSum) {
        (self.s1, self.s2)
    }

    /// Moments of `n` values with exact sum `s1` and sum of squares `s2`.
    #[must_use]
    pub fn from_parts(n: u64, s1: ExactSum, s2: ExactSum) -> Self {
        Self { n, s1, s2 }
    }

    /// Adds another accumulator exactly.
    pub fn merge(&mut self, other: &Moments) {
        self.n += other.n;
        self.s1.merge(other.s1);
        self.s2.merge(other.s2);
    }

    /// Sample mean (NaN when empty).
    #[must_use]
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        self.s1.value() / self.n as f64
    }

    /// Sample variance with the n - 1 divisor (NaN below two values).
    #[must_use]
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            return f64::NAN;
        }
        let n = self.n as f64;
        let m = self.s1.value() / n;
        ((self.s2.value() - self.s1.value() * m) / (n - 1.0)).max(0.0)
    }

    /// Sample standard deviation (NaN below two values).
    #[must_use]
    pub fn sd(&self) -> f64 {
        self.variance().sqrt()
    }

    /// Standard error of the mean, sd / sqrt(n) (NaN below two values).
    #[must_use]
    pub fn stderr(&self) -> f64 {
        (self.variance() / self.n as f64).sqrt()
    }
}

/// A ratio of means mean(y) / mean(x) with its delta-method standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatioEstimate {
    /// mean(y) / mean(x).
    pub ratio: f64,
    /// Asymptotic standard error of the ratio (delta method).
    pub stderr: f64,
}

/// R = mean(y) / mean(x) of paired samples and its standard error by the delta
/// method: Var(R) ~ (s_yy - 2 R s_xy + R^2 s_xx) / (n mean(x)^2), with sample
/// (co)variances (n - 1 divisor). `x` and `y` are the moments of the two samples
/// over the same pairs and `sxy` the exact sum of the products x_i y_i; the pairing
/// enters through s_xy. NaN when mean(x) = 0, n < 2 or the counts differ.
#[must_use]
pub fn ratio_of_means(x: &Moments, y: &Moments, sxy: ExactSum) -> RatioEstimate {
    if x.n < 2 || x.n != y.n || x.s1.value() == 0.0 {
        return RatioEstimate {
            ratio: f64::NAN,
            stderr: f64::NAN,
        };
    }
    let n = x.n as f64;
    let (sx, sy) = (x.s1.value(), y.s1.value());
    let (mx, my) = (sx / n, sy / n);
    let r = sy / sx;
    let vxx = (x.s2.value() - sx * mx) / (n - 1.0);
    let vyy = (y.s2.value() - sy * my) / (n - 1.0);
    let vxy = (sxy.value() - sx * my) / (n - 1.0);
    let var = ((vyy - 2.0 * r * vxy + r * r * vxx) / (n * mx * mx)).max(0.0);
    RatioEstimate {
        ratio: r,
        stderr: var.sqrt(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_do_not_depend_on_order() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1013) as f64 * 1e-3 + 1e-9)
            .collect();
        let mut a = Moments::default();
        xs.iter().for_each(|&x| a.push(x));
        let mut b = Moments::default();
        xs.iter().rev().for_each(|&x| b.push(x));
        assert_eq!(a, b);
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((a.mean() - mean).abs() < 1e-13);
    }

    #[test]
    fn ratio_of_identical_samples_is_one_with_zero_error() {
        let (mut m, mut sxy) = (Moments::default(), ExactSum::default());
        for i in 0..100 {
            let x = 0.1 + 0.001 * f64::from(i);
            m.push(x);
            sxy.add(x * x);
        }
        let r = ratio_of_means(&m, &m, sxy);
        assert_eq!(r.ratio, 1.0);
        assert_eq!(r.stderr, 0.0);
    }
}
