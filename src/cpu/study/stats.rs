//! Equity-line statistics of the CPU study kernel: the twin of
//! `shaders/study/stats.wgsl` (`Line`, `line_push`), as offsets from the
//! capital in `f32`, for every lane of a block at once.

use super::hedge::Mv;
use super::marks::{Fv, W};
use crate::shared::marks::max_wgsl;

/// The equity lines of a block's lanes as offsets from the capital (USD):
/// last, peak, max drawdown (fraction of the peak), worst day (USD, >= 0).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Lines {
    pub last: Fv,
    pub peak: Fv,
    pub max_dd: Fv,
    pub worst: Fv,
}

impl Lines {
    /// Whether each lane's line is ruined: its equity reached zero
    /// (`line_ruined`).
    #[inline(always)]
    pub fn ruined(&self, capital: f32) -> Mv {
        self.last.map(|last| u32::from(capital + last <= 0.0))
    }

    /// Adds the close's equities `e` (offsets from `capital`), the twin of
    /// `line_push` on every lane: at the first close with equity at zero or
    /// below a line is ruined: it stays at zero (offset `-capital`) with a
    /// drawdown of exactly 1 and ignores later closes. The three cases are
    /// evaluated on every lane and selected.
    #[inline(always)]
    pub fn push(&mut self, e: &Fv, capital: f32) {
        for l in 0..W {
            let (last, peak, max_dd, worst) =
                (self.last[l], self.peak[l], self.max_dd[l], self.worst[l]);
            let e = e[l];
            let ruined = capital + last <= 0.0;
            let falls = capital + e <= 0.0;
            let worst_ruin = max_wgsl(worst, capital + last);
            let worst_on = max_wgsl(worst, last - e);
            let peak_on = max_wgsl(peak, e);
            let dd_on = max_wgsl(max_dd, (peak_on - e) / (capital + peak_on));
            self.worst[l] = if ruined {
                worst
            } else if falls {
                worst_ruin
            } else {
                worst_on
            };
            self.last[l] = if ruined {
                last
            } else if falls {
                -capital
            } else {
                e
            };
            self.peak[l] = if ruined | falls { peak } else { peak_on };
            self.max_dd[l] = if ruined {
                max_dd
            } else if falls {
                1.0
            } else {
                dd_on
            };
        }
    }

    /// The record's four words of lane `l`: max drawdown, last, peak, worst
    /// day.
    pub fn words(&self, l: usize) -> [f32; 4] {
        [self.max_dd[l], self.last[l], self.peak[l], self.worst[l]]
    }
}
