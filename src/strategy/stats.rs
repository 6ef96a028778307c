//! Equity-path statistics kept on the fly, one daily observation at a time.

/// Running statistics of one equity line (USD), updated once per trading day.
///
/// The line starts at the capital before any trade (the initial peak); each
/// [`EquityStats::push`] adds the equity at a day's close, day 0 included.
/// Max drawdown = max_t (peak_t - e_t) / peak_t with peak_t the running maximum
/// (a fraction, 0.2 is 20%); the peak starts at the capital, so it stays
/// positive. The worst day is the largest one-day fall in equity (USD, >= 0;
/// 0 when equity never fell); the first "day" runs from the capital to the
/// day-0 equity, so it includes the opening costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EquityStats {
    /// Equity before any trade, USD.
    pub start: f64,
    /// Latest equity, USD.
    pub last: f64,
    /// Highest equity so far (the start included), USD.
    pub peak: f64,
    /// Largest drawdown from the running peak so far, as a fraction of that peak.
    pub max_drawdown: f64,
    /// Largest one-day equity loss so far, USD (>= 0).
    pub worst_day: f64,
}

impl EquityStats {
    /// A line starting at `start` USD.
    #[must_use]
    pub fn new(start: f64) -> Self {
        Self {
            start,
            last: start,
            peak: start,
            max_drawdown: 0.0,
            worst_day: 0.0,
        }
    }

    /// Adds the equity `e` (USD) of the next trading day's close.
    pub fn push(&mut self, e: f64) {
        self.worst_day = self.worst_day.max(self.last - e);
        self.last = e;
        self.peak = self.peak.max(e);
        self.max_drawdown = self.max_drawdown.max((self.peak - e) / self.peak);
    }

    /// Final equity minus the start, USD.
    #[must_use]
    pub fn pnl(&self) -> f64 {
        self.last - self.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Max drawdown by the definition over all pairs (peak at i, trough at j >= i).
    fn reference(start: f64, xs: &[f64]) -> (f64, f64) {
        let all: Vec<f64> = std::iter::once(start).chain(xs.iter().copied()).collect();
        let mut dd: f64 = 0.0;
        let mut worst: f64 = 0.0;
        for j in 0..all.len() {
            let peak = all[..=j].iter().copied().fold(f64::MIN, f64::max);
            dd = dd.max((peak - all[j]) / peak);
            if j > 0 {
                worst = worst.max(all[j - 1] - all[j]);
            }
        }
        (dd, worst)
    }

    #[test]
    fn matches_the_pairwise_definition() {
        let xs = [
            1010.0, 990.0, 1050.0, 1000.0, 940.0, 1100.0, 1080.0, 1090.0, 900.0, 1200.0,
        ];
        let mut s = EquityStats::new(1000.0);
        for &x in &xs {
            s.push(x);
        }
        let (dd, worst) = reference(1000.0, &xs);
        assert!((s.max_drawdown - dd).abs() < 1e-15);
        // The 1100 -> 900 trough: 200 / 1100.
        assert!((s.max_drawdown - 200.0 / 1100.0).abs() < 1e-15);
        assert_eq!(s.worst_day, worst);
        assert_eq!(s.worst_day, 190.0);
        assert_eq!(s.peak, 1200.0);
        assert_eq!(s.pnl(), 200.0);
    }

    #[test]
    fn rising_line_has_no_drawdown() {
        let mut s = EquityStats::new(100.0);
        for i in 1..10 {
            s.push(100.0 + f64::from(i));
        }
        assert_eq!(s.max_drawdown, 0.0);
        assert_eq!(s.worst_day, 0.0);
    }
}
