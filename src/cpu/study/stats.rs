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
    /// Adds the close's equity `e` (an offset from `capital`): twin of
    /// `line_push`.
    #[inline(always)]
    pub fn push(&mut self, e: f32, capital: f32) {
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
