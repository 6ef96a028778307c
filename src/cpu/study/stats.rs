//! Equity-line statistics of the CPU study kernel: the twin of
//! `shaders/study/stats.wgsl` (`Line`, `line_push`), as offsets from the
//! capital in `f32`.

use crate::shared::marks::max_wgsl;

/// An equity line as offsets from the capital (USD): last, peak, max
/// drawdown (fraction of the peak), worst day (USD, >= 0).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Line {
    pub last: f32,
    pub peak: f32,
    pub max_dd: f32,
    pub worst: f32,
}

impl Line {
    /// Whether the line is ruined: its equity reached zero (`line_ruined`).
    #[inline(always)]
    pub fn ruined(&self, capital: f32) -> bool {
        capital + self.last <= 0.0
    }

    /// Adds the close's equity `e` (an offset from `capital`): twin of
    /// `line_push`. At the first close with equity at zero or below the line
    /// is ruined: it stays at zero (offset `-capital`) with a drawdown of
    /// exactly 1 and ignores later closes.
    #[inline(always)]
    pub fn push(&mut self, e: f32, capital: f32) {
        if self.ruined(capital) {
            return;
        }
        if capital + e <= 0.0 {
            self.worst = max_wgsl(self.worst, capital + self.last);
            self.last = -capital;
            self.max_dd = 1.0;
            return;
        }
        self.worst = max_wgsl(self.worst, self.last - e);
        self.last = e;
        self.peak = max_wgsl(self.peak, e);
        self.max_dd = max_wgsl(self.max_dd, (self.peak - e) / (capital + self.peak));
    }

    /// The record's four words: max drawdown, last, peak, worst day.
    pub fn words(&self) -> [f32; 4] {
        [self.max_dd, self.last, self.peak, self.worst]
    }
}
