//! The fixed capacities of the per-path book state (the WGSL twin holds the
//! same arrays per invocation), which validation checks a config against.

use super::{HedgeProgram, LayerConfig};

/// Most condors open at once.
pub const MAX_CONDORS: usize = 16;
/// Most layers in one hedge program.
pub const MAX_LAYERS: usize = 8;
/// Most hedge positions open at once in one program.
pub const MAX_HEDGE_POSITIONS: usize = 16;
/// Most hedge programs evaluated on one path (every [`HedgeProgram`] once).
pub const MAX_PROGRAMS: usize = HedgeProgram::ALL.len();
/// Most units-ladder rungs per program.
pub const MAX_RUNGS: usize = 8;
/// Most VXTH tier levels (the study kernel's parameter block holds this many,
/// and one more weight).
pub const MAX_VXTH_LEVELS: usize = 8;

/// Most positions `layers` can hold at once: a layer entering every `e` days and
/// closing `h = tenor - roll_days_left` days after entry holds ceil(h / e); one
/// with `every_days = 0` holds one.
#[must_use]
pub fn layer_capacity(layers: &[LayerConfig]) -> usize {
    layers
        .iter()
        .map(|l| {
            let hold = l.tenor_days.saturating_sub(l.roll_days_left).max(1);
            if l.every_days == 0 {
                1
            } else {
                hold.div_ceil(l.every_days) as usize
            }
        })
        .sum()
}
