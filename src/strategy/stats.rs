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
///
/// Ruin: the first close at which the equity is zero or below ruins the line.
/// Its equity is 0 from then on (the account is wiped out and trades no more;
/// what it would owe beyond its capital is not tracked), its max drawdown is 1
/// and its P&L minus the start, so max drawdown stays in [0, 1] and P&L at or
/// above -start. A line is ruined exactly when its max drawdown is 1.
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

    /// Adds the equity `e` (USD) of the next trading day's close; a ruined
    /// line ignores it.
    pub fn push(&mut self, e: f64) {
        if self.is_ruined() {
            return;
        }
        if e <= 0.0 {
            self.worst_day = self.worst_day.max(self.last);
            self.last = 0.0;
            self.max_drawdown = 1.0;
            return;
        }
        self.worst_day = self.worst_day.max(self.last - e);
        self.last = e;
        self.peak = self.peak.max(e);
        self.max_drawdown = self.max_drawdown.max((self.peak - e) / self.peak);
    }

    /// Whether the line's equity has reached zero (it then stays at 0).
    #[must_use]
    pub fn is_ruined(&self) -> bool {
        self.last <= 0.0
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
    fn ruin_stops_the_line_at_zero_with_a_full_drawdown() {
        let mut s = EquityStats::new(1000.0);
        s.push(1200.0);
        s.push(300.0);
        s.push(-250.0);
        assert!(s.is_ruined());
        assert_eq!((s.last, s.max_drawdown, s.peak), (0.0, 1.0, 1200.0));
        assert_eq!(s.worst_day, 900.0);
        assert_eq!(s.pnl(), -1000.0);
        // Nothing after ruin counts, not even a recovery.
        s.push(5000.0);
        s.push(-9000.0);
        assert_eq!((s.last, s.max_drawdown, s.worst_day), (0.0, 1.0, 900.0));
        let mut z = EquityStats::new(10.0);
        z.push(0.0);
        assert!(z.is_ruined() && z.max_drawdown == 1.0);
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
