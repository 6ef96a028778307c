//! RSI, MACD and the ALVH adaptive scale of the CPU study kernel: the twin
//! of `shaders/study/signals.wgsl` (the definitions are in
//! `crate::strategy::signals`). The counts are the same on every lane (every
//! lane sees the same days), so they live once per block; the values per
//! lane.

use super::super::path_step::LANES;
use crate::shared::marks::max_wgsl;
use crate::study::kernel::StudyParams;

/// An EMA's per-lane values seeded with the mean of its first `period`
/// inputs, and its (block-wide) count of inputs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ema {
    pub count: u32,
    pub value: [f32; LANES],
}

impl Ema {
    pub fn new() -> Self {
        Self {
            count: 0,
            value: [0.0; LANES],
        }
    }

    /// Twin of `ema_update` on every lane (`x` per lane).
    #[inline(always)]
    fn update(&mut self, period: u32, x: &[f32; LANES]) {
        let n = period.max(1);
        if self.count < n {
            for (v, &x) in self.value.iter_mut().zip(x) {
                *v += x;
            }
            self.count += 1;
            if self.count == n {
                let nf = n as f32;
                for v in &mut self.value {
                    *v /= nf;
                }
            }
        } else {
            let alpha = 2.0 / (n as f32 + 1.0);
            for (v, &x) in self.value.iter_mut().zip(x) {
                *v += alpha * (x - *v);
            }
        }
    }
}

/// The signals of a block of lanes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Signals {
    pub rsi_changes: u32,
    pub rsi_prev: [f32; LANES],
    pub rsi_gain: [f32; LANES],
    pub rsi_loss: [f32; LANES],
    pub fast: Ema,
    pub slow: Ema,
    pub signal: Ema,
    pub macd_line: [f32; LANES],
}

impl Signals {
    pub fn new() -> Self {
        Self {
            rsi_changes: 0,
            rsi_prev: [0.0; LANES],
            rsi_gain: [0.0; LANES],
            rsi_loss: [0.0; LANES],
            fast: Ema::new(),
            slow: Ema::new(),
            signal: Ema::new(),
            macd_line: [0.0; LANES],
        }
    }

    /// Twin of `signals_update`: adds the closes `close`; the first close
    /// only seeds the RSI.
    #[inline(never)]
    pub fn update(&mut self, p: &StudyParams, close: &[f32; LANES], first: bool) {
        let n = p.rsi_period.max(1);
        if !first {
            let nf = n as f32;
            let seeding = self.rsi_changes < n;
            #[expect(clippy::needless_range_loop, reason = "l indexes every lane array")]
            for l in 0..LANES {
                let d = close[l] - self.rsi_prev[l];
                let gain = max_wgsl(d, 0.0);
                let loss = max_wgsl(-d, 0.0);
                if seeding {
                    self.rsi_gain[l] += gain;
                    self.rsi_loss[l] += loss;
                } else {
                    self.rsi_gain[l] = (self.rsi_gain[l] * (nf - 1.0) + gain) / nf;
                    self.rsi_loss[l] = (self.rsi_loss[l] * (nf - 1.0) + loss) / nf;
                }
            }
            if seeding {
                self.rsi_changes += 1;
                if self.rsi_changes == n {
                    for l in 0..LANES {
                        self.rsi_gain[l] /= nf;
                        self.rsi_loss[l] /= nf;
                    }
                }
            }
        }
        self.rsi_prev = *close;
        self.fast.update(p.macd_fast, close);
        self.slow.update(p.macd_slow, close);
        if self.fast.count >= p.macd_fast.max(1) && self.slow.count >= p.macd_slow.max(1) {
            for l in 0..LANES {
                self.macd_line[l] = self.fast.value[l] - self.slow.value[l];
            }
            let line = self.macd_line;
            self.signal.update(p.macd_signal, &line);
        }
    }

    /// Twin of `adaptive_scale` for lane `l` at VIX `vix` and 1-month future
    /// `f1m`.
    pub fn scale(&self, p: &StudyParams, l: usize, vix: f32, f1m: f32) -> f32 {
        let inverted = p.inversion_override != 0 && vix > f1m;
        let mut oversold = false;
        if p.rsi_override != 0 && self.rsi_changes >= p.rsi_period.max(1) {
            let (g, s) = (self.rsi_gain[l], self.rsi_loss[l]);
            let rsi = if s == 0.0 {
                if g == 0.0 {
                    50.0
                } else {
                    100.0
                }
            } else {
                100.0 - 100.0 / (1.0 + g / s)
            };
            oversold = rsi < p.rsi_below;
        }
        let macd_bear = p.macd_override != 0
            && self.signal.count >= p.macd_signal.max(1)
            && self.macd_line[l] < self.signal.value[l];
        if inverted || oversold || macd_bear {
            return 1.0;
        }
        if vix < p.light_below {
            p.light_scale
        } else if vix <= p.moderate_up_to {
            p.moderate_scale
        } else if vix >= p.full_at {
            1.0
        } else {
            let w = (vix - p.moderate_up_to) / (p.full_at - p.moderate_up_to);
            p.moderate_scale + w * (1.0 - p.moderate_scale)
        }
    }
}
