//! The filtered variance: the model's VIX formula inverted at each close,
//! `v = max((VIX^2/100^2 - b - e(day)) / a, V_FLOOR)` under Q
//! (`docs/history.md`, "Filtered variance").

use crate::config::Config;
use crate::history::model::vix_affine;

pub use crate::history::calibrate::likelihood::V_FLOOR;

/// The inverse of the VIX map of a config over days `0..=days` (the event
/// term depends on the day of the path or window).
#[derive(Debug, Clone, PartialEq)]
pub struct VarianceFilter {
    /// Weight of v in VIX^2/100^2.
    pub a: f64,
    /// The rest of VIX^2/100^2 at each day, annualised variance: b plus the
    /// day's event term.
    pub c: Vec<f64>,
}

impl VarianceFilter {
    /// The filter of `config`'s Q parameters and events for days `0..=days`.
    #[must_use]
    pub fn new(config: &Config, days: u32) -> Self {
        let (a, c) = vix_affine(config, days);
        Self { a, c }
    }

    /// The variance (annualised) at VIX close `vix` (points) on `day`.
    #[must_use]
    pub fn variance(&self, vix: f64, day: u32) -> f64 {
        let c = self.c[(day as usize).min(self.c.len() - 1)];
        ((vix * vix / 1e4 - c) / self.a).max(V_FLOOR)
    }

    /// Whether the VIX close `vix` on `day` falls on the floor.
    #[must_use]
    pub fn floors(&self, vix: f64, day: u32) -> bool {
        let c = self.c[(day as usize).min(self.c.len() - 1)];
        (vix * vix / 1e4 - c) / self.a <= V_FLOOR
    }
}
