//! Streaming SPX technical signals of the ALVH adaptive scale, updated once a day
//! from the SPX close: Wilder's RSI and MACD. Both are O(1) in time and memory
//! (no history buffer), so the WGSL twin can keep them in a few registers.
//!
//! Exact specification (closes c_0, c_1, ... with c_0 the path's starting level):
//!
//! - **RSI(n)**, Wilder: from the changes d_i = c_i - c_{i-1} (i >= 1), gains
//!   g_i = max(d_i, 0) and losses l_i = max(-d_i, 0). The averages are seeded with
//!   the simple means of the first n gains and losses (available at close c_n),
//!   then smoothed as avg <- (avg (n - 1) + x) / n. RSI = 100 - 100 / (1 + G/L);
//!   with L = 0 it is 100 (or 50 when G = 0 too). Undefined before c_n.
//! - **EMA(n)**: seeded with the simple mean of its first n inputs, then
//!   ema <- ema + alpha (x - ema) with alpha = 2 / (n + 1).
//! - **MACD(f, s, g)**: line = EMA_f(c) - EMA_s(c), defined from close c_{s-1}
//!   (the s-th close, when the slow EMA is seeded); signal = EMA_g(line) of the
//!   line values, defined from close c_{s+g-2}. Before that MACD is undefined.
//!
//! A path has no price history before day 0, so an undefined signal simply does
//! not fire its override (the first 14 days of a path have no RSI override; the
//! first 33 no MACD one).

use crate::config::AdaptiveConfig;

/// Wilder's relative strength index over `period` closes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rsi {
    period: u32,
    changes: u32,
    prev_close: f64,
    avg_gain: f64,
    avg_loss: f64,
}

impl Rsi {
    /// An RSI over `period` (>= 1) daily changes, with no closes yet.
    #[must_use]
    pub fn new(period: u32) -> Self {
        Self {
            period: period.max(1),
            changes: 0,
            prev_close: f64::NAN,
            avg_gain: 0.0,
            avg_loss: 0.0,
        }
    }

    /// Adds the next close (index points).
    pub fn update(&mut self, close: f64) {
        if self.prev_close.is_nan() {
            self.prev_close = close;
            return;
        }
        let d = close - self.prev_close;
        self.prev_close = close;
        let (gain, loss) = (d.max(0.0), (-d).max(0.0));
        let n = f64::from(self.period);
        if self.changes < self.period {
            // Running sums until the seed, then the sums become means.
            self.avg_gain += gain;
            self.avg_loss += loss;
            self.changes += 1;
            if self.changes == self.period {
                self.avg_gain /= n;
                self.avg_loss /= n;
            }
        } else {
            self.avg_gain = (self.avg_gain * (n - 1.0) + gain) / n;
            self.avg_loss = (self.avg_loss * (n - 1.0) + loss) / n;
        }
    }

    /// The RSI in [0, 100], or `None` before `period` changes have been seen.
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        if self.changes < self.period {
            return None;
        }
        Some(if self.avg_loss == 0.0 {
            if self.avg_gain == 0.0 {
                50.0
            } else {
                100.0
            }
        } else {
            100.0 - 100.0 / (1.0 + self.avg_gain / self.avg_loss)
        })
    }
}

/// Exponential moving average seeded with the simple mean of its first `period` inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ema {
    period: u32,
    count: u32,
    value: f64,
}

impl Ema {
    /// An EMA with span `period` (>= 1), alpha = 2 / (period + 1).
    #[must_use]
    pub fn new(period: u32) -> Self {
        Self {
            period: period.max(1),
            count: 0,
            value: 0.0,
        }
    }

    /// Adds the next input.
    pub fn update(&mut self, x: f64) {
        if self.count < self.period {
            self.value += x;
            self.count += 1;
            if self.count == self.period {
                self.value /= f64::from(self.period);
            }
        } else {
            let alpha = 2.0 / (f64::from(self.period) + 1.0);
            self.value += alpha * (x - self.value);
        }
    }

    /// The average, or `None` before `period` inputs.
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        (self.count >= self.period).then_some(self.value)
    }
}

/// MACD(fast, slow, signal) of daily closes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Macd {
    fast: Ema,
    slow: Ema,
    signal: Ema,
    line: f64,
}

impl Macd {
    /// A MACD with EMA spans `fast` < `slow` and `signal`, trading days.
    #[must_use]
    pub fn new(fast: u32, slow: u32, signal: u32) -> Self {
        Self {
            fast: Ema::new(fast),
            slow: Ema::new(slow),
            signal: Ema::new(signal),
            line: f64::NAN,
        }
    }

    /// Adds the next close (index points).
    pub fn update(&mut self, close: f64) {
        self.fast.update(close);
        self.slow.update(close);
        if let (Some(f), Some(s)) = (self.fast.value(), self.slow.value()) {
            self.line = f - s;
            self.signal.update(self.line);
        }
    }

    /// (MACD line, signal line), index points, once both are defined.
    #[must_use]
    pub fn value(&self) -> Option<(f64, f64)> {
        self.signal.value().map(|s| (self.line, s))
    }
}

/// The signals the adaptive scale reads, updated once per trading day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Signals {
    /// RSI of the SPX closes.
    pub rsi: Rsi,
    /// MACD of the SPX closes.
    pub macd: Macd,
}

impl Signals {
    /// Fresh signals with the periods of `cfg`.
    #[must_use]
    pub fn new(cfg: &AdaptiveConfig) -> Self {
        Self {
            rsi: Rsi::new(cfg.rsi_period),
            macd: Macd::new(cfg.macd_fast, cfg.macd_slow, cfg.macd_signal),
        }
    }

    /// Adds the day's SPX close (index points).
    pub fn update(&mut self, spx: f64) {
        self.rsi.update(spx);
        self.macd.update(spx);
    }
}

/// The ALVH adaptive scale s in [0, 1] for a new entry: the VIX tier of `cfg`
/// ([`AdaptiveConfig::vix_scale`]) at `vix` (VIX points), raised to 1 when an
/// enabled override fires: the term structure is inverted (`vix` above
/// `vix_future_1m`, strictly), RSI is defined and strictly below `rsi_below`, or
/// the MACD line is defined and strictly below its signal line.
#[must_use]
pub fn adaptive_scale(cfg: &AdaptiveConfig, vix: f64, vix_future_1m: f64, s: &Signals) -> f64 {
    let inverted = cfg.inversion_override && vix > vix_future_1m;
    let oversold = cfg.rsi_override && s.rsi.value().is_some_and(|r| r < cfg.rsi_below);
    let macd_bear = cfg.macd_override && s.macd.value().is_some_and(|(m, sig)| m < sig);
    if inverted || oversold || macd_bear {
        1.0
    } else {
        cfg.vix_scale(vix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Batch RSI written from the textbook definition, as an independent reference.
    fn rsi_reference(closes: &[f64], n: usize) -> Vec<Option<f64>> {
        let d: Vec<f64> = closes.windows(2).map(|w| w[1] - w[0]).collect();
        let mut out = vec![None; closes.len()];
        if d.len() < n {
            return out;
        }
        let mut g: f64 = d[..n].iter().map(|x| x.max(0.0)).sum::<f64>() / n as f64;
        let mut l: f64 = d[..n].iter().map(|x| (-x).max(0.0)).sum::<f64>() / n as f64;
        let rsi = |g: f64, l: f64| 100.0 * g / (g + l);
        out[n] = Some(rsi(g, l));
        for i in n..d.len() {
            g = (g * (n as f64 - 1.0) + d[i].max(0.0)) / n as f64;
            l = (l * (n as f64 - 1.0) + (-d[i]).max(0.0)) / n as f64;
            out[i + 1] = Some(rsi(g, l));
        }
        out
    }

    fn wiggly(n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| {
                let x = i as f64;
                5000.0 + 40.0 * (0.7 * x).sin() - 3.0 * x + 15.0 * (1.9 * x).cos()
            })
            .collect()
    }

    #[test]
    fn rsi_matches_the_batch_definition() {
        let closes = wiggly(60);
        let want = rsi_reference(&closes, 14);
        let mut rsi = Rsi::new(14);
        for (i, &c) in closes.iter().enumerate() {
            rsi.update(c);
            match (rsi.value(), want[i]) {
                (None, None) => {}
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-10, "day {i}: {a} vs {b}"),
                (a, b) => panic!("day {i}: {a:?} vs {b:?}"),
            }
        }
        assert!(want[13].is_none() && want[14].is_some());
    }

    #[test]
    fn rsi_edges() {
        let mut up = Rsi::new(3);
        let mut flat = Rsi::new(3);
        let mut down = Rsi::new(3);
        for i in 0..5 {
            up.update(100.0 + f64::from(i));
            flat.update(100.0);
            down.update(100.0 - f64::from(i));
        }
        assert_eq!(up.value(), Some(100.0));
        assert_eq!(flat.value(), Some(50.0));
        assert_eq!(down.value(), Some(0.0));
    }

    #[test]
    fn ema_seeds_with_the_mean_then_smooths() {
        let mut e = Ema::new(3);
        e.update(1.0);
        e.update(2.0);
        assert_eq!(e.value(), None);
        e.update(6.0);
        assert_eq!(e.value(), Some(3.0));
        e.update(7.0); // 3 + 0.5 (7 - 3)
        assert_eq!(e.value(), Some(5.0));
    }

    #[test]
    fn macd_matches_the_batch_definition() {
        let closes = wiggly(80);
        let ema = |xs: &[f64], n: usize| -> Vec<f64> {
            let a = 2.0 / (n as f64 + 1.0);
            let mut out = vec![xs[..n].iter().sum::<f64>() / n as f64];
            for &x in &xs[n..] {
                let prev = *out.last().unwrap();
                out.push(prev + a * (x - prev));
            }
            out // out[j] is the EMA at input n - 1 + j
        };
        let fast = ema(&closes, 12);
        let slow = ema(&closes, 26);
        let line: Vec<f64> = (25..80).map(|i| fast[i - 11] - slow[i - 25]).collect();
        let signal = ema(&line, 9);
        let mut m = Macd::new(12, 26, 9);
        for (i, &c) in closes.iter().enumerate() {
            m.update(c);
            if i < 33 {
                assert_eq!(m.value(), None, "day {i}");
            } else {
                let (l, s) = m.value().unwrap();
                assert!((l - line[i - 25]).abs() < 1e-9, "line day {i}");
                assert!((s - signal[i - 33]).abs() < 1e-9, "signal day {i}");
            }
        }
    }

    #[test]
    fn adaptive_scale_tiers_and_overrides() {
        let cfg = AdaptiveConfig::default();
        let s = Signals::new(&cfg);
        let scale = |vix: f64, f: f64| adaptive_scale(&cfg, vix, f, &s);
        assert_eq!(scale(14.0, 16.0), 0.25);
        assert_eq!(scale(15.0, 16.0), 0.5);
        assert_eq!(scale(22.0, 23.0), 0.5);
        assert!((scale(23.5, 24.0) - 0.75).abs() < 1e-12);
        assert_eq!(scale(26.0, 27.0), 1.0);
        // Inversion lifts a light tier to 1; equality is not an inversion.
        assert_eq!(scale(14.0, 13.9), 1.0);
        assert_eq!(scale(14.0, 14.0), 0.25);
        let off = AdaptiveConfig {
            inversion_override: false,
            ..cfg.clone()
        };
        assert_eq!(adaptive_scale(&off, 14.0, 13.0, &s), 0.25);

        // Oversold RSI: 15 falling closes.
        let mut sold = Signals::new(&cfg);
        for i in 0..15 {
            sold.update(5000.0 - 10.0 * f64::from(i));
        }
        assert_eq!(adaptive_scale(&cfg, 14.0, 16.0, &sold), 1.0);
        let no_rsi = AdaptiveConfig {
            rsi_override: false,
            ..cfg.clone()
        };
        assert_eq!(adaptive_scale(&no_rsi, 14.0, 16.0, &sold), 0.25);

        // MACD below signal after a late sell-off, only when enabled.
        let mut bear = Signals::new(&cfg);
        for i in 0..40 {
            bear.update(if i < 34 {
                5000.0 + f64::from(i)
            } else {
                4900.0
            });
        }
        let (l, sig) = bear.macd.value().unwrap();
        assert!(l < sig);
        let macd_on = AdaptiveConfig {
            rsi_override: false,
            macd_override: true,
            ..cfg.clone()
        };
        assert_eq!(adaptive_scale(&no_rsi, 14.0, 16.0, &bear), 0.25);
        assert_eq!(adaptive_scale(&macd_on, 14.0, 16.0, &bear), 1.0);
    }
}
