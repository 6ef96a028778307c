//! How many paths, and how many days of their horizon, one dispatch of the
//! study carries (the rule is in the module docs of [`super`]).

use super::{FIRST_DISPATCH_PATHS, FIRST_SEGMENT_DAYS, TARGET_DISPATCH_S, WORKGROUP_SIZE};

/// The most an adaptive dispatch grows after one timed dispatch.
const MAX_GROWTH: usize = 8;

/// The paths of a dispatch group and the days of each of its dispatches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Plan {
    /// Paths of the group (every dispatch of the group runs them all).
    pub paths: usize,
    /// Days of the horizon one dispatch runs, in `1..=max(horizon, 1)`: the
    /// group runs `ceil(horizon / days)` dispatches, the first of which also
    /// runs close 0.
    pub days: u32,
}

impl Plan {
    /// Dispatches of the group on a horizon of `horizon` days.
    pub fn segments(&self, horizon: u32) -> u32 {
        horizon.max(1).div_ceil(self.days.max(1))
    }
}

/// How many paths and days a dispatch of the study carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct DispatchSizer {
    /// Paths of the next full dispatch, a multiple of [`WORKGROUP_SIZE`].
    pub paths: usize,
    /// Set by `GpuStudy::set_dispatch_paths`: no adapting of the paths, on
    /// every adapter.
    pub fixed: bool,
    /// Days per dispatch, set by `GpuStudy::set_segment_days`, on every
    /// adapter.
    pub days: Option<u32>,
    /// Path-days one dispatch may carry at the measured rate (within the
    /// growth cap); `None` before the first timed dispatch.
    pub budget: Option<usize>,
}

impl DispatchSizer {
    pub const fn adaptive() -> Self {
        Self {
            paths: FIRST_DISPATCH_PATHS,
            fixed: false,
            days: None,
            budget: None,
        }
    }

    /// `paths` rounded up to whole workgroups, fixed.
    pub fn fixed(paths: usize) -> Self {
        let wg = WORKGROUP_SIZE as usize;
        Self {
            paths: paths.max(1).div_ceil(wg).saturating_mul(wg),
            fixed: true,
            ..Self::adaptive()
        }
    }

    /// The next dispatch group of a batch of `batch` paths on a horizon of
    /// `horizon` days. Paths: the whole batch on a software adapter unless
    /// fixed, else the size (at most the batch). Days: the fixed days if
    /// set; else the whole horizon on a software adapter; on a hardware GPU
    /// at most [`FIRST_SEGMENT_DAYS`] before any timed dispatch, then what
    /// the budget allows a dispatch of the group's paths, counted as at
    /// least [`FIRST_DISPATCH_PATHS`] (a smaller dispatch takes about as
    /// long on a device it leaves mostly idle).
    pub fn next(&self, batch: usize, hardware: bool, horizon: u32) -> Plan {
        let paths = if self.fixed || hardware {
            self.paths.min(batch).max(1)
        } else {
            batch.max(1)
        };
        let h = horizon.max(1);
        let days = match (self.days, hardware, self.budget) {
            (Some(d), _, _) => d,
            (None, false, _) => h,
            (None, true, None) => FIRST_SEGMENT_DAYS,
            (None, true, Some(budget)) => {
                u32::try_from(budget / paths.max(FIRST_DISPATCH_PATHS)).unwrap_or(u32::MAX)
            }
        };
        Plan {
            paths,
            days: days.clamp(1, h),
        }
    }

    /// Learns from a group `plan` on a horizon of `horizon` days whose
    /// dispatches took at most `seconds` together. The budget becomes the
    /// path-days one dispatch would run in [`TARGET_DISPATCH_S`] at the
    /// measured rate, at most [`MAX_GROWTH`] times a measured dispatch's;
    /// unless fixed, the paths become the budget spread over the days of a
    /// dispatch: over the fixed days if set, else over the whole horizon but
    /// not below [`FIRST_DISPATCH_PATHS`] (the days shrink instead, see
    /// [`Self::next`]) unless the budget is smaller still. A group smaller
    /// than the current size (the ragged end of a run) within the target
    /// says nothing about a full one and is ignored; one over the target
    /// shrinks the sizes whatever its paths.
    pub fn observe(&mut self, plan: Plan, horizon: u32, seconds: f64) {
        if (self.fixed && self.days.is_some())
            || plan.paths == 0
            || seconds.is_nan()
            || seconds <= 0.0
        {
            return;
        }
        let h = horizon.max(1);
        let days = plan.days.clamp(1, h);
        let per_dispatch = seconds / f64::from(plan.segments(h));
        if plan.paths < self.paths && per_dispatch <= TARGET_DISPATCH_S {
            return;
        }
        let work = plan.paths.saturating_mul(days as usize);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "a path-day count, positive and clamped below"
        )]
        let want = (TARGET_DISPATCH_S / per_dispatch * work as f64).min(usize::MAX as f64) as usize;
        let budget = want.min(work.saturating_mul(MAX_GROWTH)).max(1);
        self.budget = Some(budget);
        if self.fixed {
            return;
        }
        let paths = match self.days {
            Some(d) => budget / d.clamp(1, h) as usize,
            None => (budget / h as usize).max(FIRST_DISPATCH_PATHS.min(budget)),
        };
        let wg = WORKGROUP_SIZE as usize;
        self.paths = (paths / wg).max(1) * wg;
    }
}

#[cfg(test)]
mod tests {
    use super::{DispatchSizer, Plan, FIRST_DISPATCH_PATHS, FIRST_SEGMENT_DAYS, TARGET_DISPATCH_S};

    const WG: usize = super::WORKGROUP_SIZE as usize;

    /// The plan of a full dispatch on a hardware GPU.
    fn full(s: &DispatchSizer, horizon: u32) -> Plan {
        s.next(1 << 24, true, horizon)
    }

    #[test]
    fn an_adaptive_dispatch_grows_at_most_eightfold_and_aims_at_the_target() {
        let h = 21;
        let mut s = DispatchSizer::adaptive();
        let first = full(&s, h);
        assert_eq!(
            first,
            Plan {
                paths: FIRST_DISPATCH_PATHS,
                days: h
            }
        );
        // Fast: growth is capped.
        s.observe(first, h, 1e-3);
        assert_eq!(
            full(&s, h),
            Plan {
                paths: 8 * FIRST_DISPATCH_PATHS,
                days: h
            }
        );
        // 1e5 paths a second: 25,000 paths, rounded down to workgroups.
        let p = full(&s, h);
        s.observe(p, h, p.paths as f64 / 1e5);
        assert_eq!(
            full(&s, h),
            Plan {
                paths: 25_000 / WG * WG,
                days: h
            }
        );
        // Never above the batch.
        assert_eq!(s.next(1000, true, h).paths, 1000);
        const { assert!(TARGET_DISPATCH_S < 0.5) };
    }

    #[test]
    fn a_slow_dispatch_shrinks_the_days_below_the_path_floor() {
        let h = 2520;
        let mut s = DispatchSizer::adaptive();
        // Before any timing: the first paths, segments of a trading year.
        let first = full(&s, h);
        assert_eq!(
            first,
            Plan {
                paths: FIRST_DISPATCH_PATHS,
                days: FIRST_SEGMENT_DAYS
            }
        );
        assert_eq!(first.segments(h), 10);
        // 0.5 s a dispatch: half the path-days, 51 paths over the whole
        // horizon, below the floor: the floor's paths, 126 days each.
        s.observe(first, h, 10.0 * 0.5);
        assert_eq!(s.budget, Some(FIRST_DISPATCH_PATHS * 126));
        let p = full(&s, h);
        assert_eq!(
            p,
            Plan {
                paths: FIRST_DISPATCH_PATHS,
                days: 126
            }
        );
        assert_eq!(p.segments(h), 20);
        // Fast: the days grow (at most 8-fold), the paths stay at the floor...
        s.observe(p, h, 20.0 / 64.0);
        let p = full(&s, h);
        assert_eq!(
            p,
            Plan {
                paths: FIRST_DISPATCH_PATHS,
                days: 1008
            }
        );
        // ...until the whole horizon fits: then the paths grow.
        s.observe(p, h, 3.0 / 64.0);
        assert_eq!(
            full(&s, h),
            Plan {
                paths: 3264,
                days: h
            }
        );
        // A small batch is counted as the floor: the same days.
        let small = DispatchSizer {
            budget: Some(FIRST_DISPATCH_PATHS * 126),
            ..s
        };
        assert_eq!(
            small.next(100, true, h),
            Plan {
                paths: 100,
                days: 126
            }
        );
        // Very slow: one day a dispatch, and paths below the floor only when
        // even one day of the floor passes the target.
        s.observe(full(&s, h), h, 1e5);
        assert_eq!(full(&s, h), Plan { paths: WG, days: 1 });
        // A software adapter never segments on its own.
        assert_eq!(
            s.next(5000, false, h),
            Plan {
                paths: 5000,
                days: h
            }
        );
    }

    #[test]
    fn fixed_days_hold_on_every_adapter_and_the_paths_fill_the_budget() {
        let h = 100;
        let mut s = DispatchSizer {
            days: Some(7),
            ..DispatchSizer::adaptive()
        };
        assert_eq!(
            s.next(5000, false, h),
            Plan {
                paths: 5000,
                days: 7
            }
        );
        let first = full(&s, h);
        assert_eq!(
            first,
            Plan {
                paths: FIRST_DISPATCH_PATHS,
                days: 7
            }
        );
        assert_eq!(first.segments(h), 15);
        // 0.125 s a dispatch: twice the paths, 7 days each.
        s.observe(first, h, 15.0 * 0.125);
        assert_eq!(
            full(&s, h),
            Plan {
                paths: 2 * FIRST_DISPATCH_PATHS,
                days: 7
            }
        );
        // More days than the horizon: the horizon.
        assert_eq!(full(&s, 5).days, 5);
        // Fixed paths and days: nothing to learn.
        let f = DispatchSizer {
            days: Some(3),
            ..DispatchSizer::fixed(100)
        };
        let mut g = f;
        g.observe(full(&g, h), h, 100.0);
        assert_eq!(g, f);
        // Fixed paths, adaptive days: the days fit the budget (0.5 s a
        // dispatch of 10 days: 5 days).
        let mut g = DispatchSizer::fixed(4096);
        g.observe(
            Plan {
                paths: 4096,
                days: 10,
            },
            h,
            10.0 * 0.5,
        );
        assert_eq!(
            full(&g, h),
            Plan {
                paths: 4096,
                days: 5
            }
        );
        assert_eq!(
            g.next(10_000, false, h),
            Plan {
                paths: 4096,
                days: h
            }
        );
    }

    #[test]
    fn a_ragged_dispatch_only_shrinks_the_size() {
        let h = 21;
        let mut s = DispatchSizer::adaptive();
        s.paths = 64 * WG;
        s.budget = Some(64 * WG * 21);
        // A small dispatch within the target is ignored...
        s.observe(
            Plan {
                paths: 3 * WG,
                days: h,
            },
            h,
            0.2,
        );
        assert_eq!(s.paths, 64 * WG);
        // ...one over it is not: 1,008 path-days, less than one day of the
        // floor: 960 paths (whole workgroups), one day each.
        s.observe(
            Plan {
                paths: 3 * WG,
                days: h,
            },
            h,
            1.0,
        );
        assert_eq!(
            full(&s, h),
            Plan {
                paths: 960,
                days: 1
            }
        );
        // Nonsense timings change nothing.
        let before = s;
        s.observe(Plan { paths: WG, days: h }, h, 0.0);
        s.observe(Plan { paths: WG, days: h }, h, f64::NAN);
        assert_eq!(s, before);
    }

    #[test]
    fn a_software_adapter_dispatches_whole_batches_unless_fixed() {
        let s = DispatchSizer::adaptive();
        assert_eq!(
            s.next(10_000, false, 21),
            Plan {
                paths: 10_000,
                days: 21
            }
        );
        let f = DispatchSizer::fixed(100);
        assert_eq!(f.paths, 2 * WG);
        assert_eq!(
            (
                f.next(10_000, false, 21).paths,
                f.next(10_000, true, 21).paths
            ),
            (128, 128)
        );
        assert_eq!(f.next(100, false, 21).paths, 100);
        // A horizon of 0 days is one dispatch of close 0.
        assert_eq!(
            f.next(100, false, 0),
            Plan {
                paths: 100,
                days: 1
            }
        );
        assert_eq!(f.next(100, false, 0).segments(0), 1);
    }
}
