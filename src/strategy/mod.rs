//! The books run on each path (`docs/books.md`): the short SPX
//! iron-condor book and the VIX hedge programs, as a deterministic,
//! allocation-free state machine advanced once per trading day. This is the CPU
//! reference; the WGSL twin follows it.
//!
//! - [`marks`]: [`DayState`] and the [`Marks`] pricing interface the books call
//!   (and [`FlatMarks`], a closed-form pricer for tests);
//! - [`condor`]: the condor book; [`hedge`]: hedge positions and ledgers;
//! - [`signals`]: streaming RSI and MACD, and the ALVH adaptive scale;
//! - [`stats`]: equity-line statistics (max drawdown, worst day);
//! - [`spec`]: the run's books resolved from the config; [`book`]: one path's
//!   books ([`PathBook`]) and what it reports ([`PathOutcome`]).
//!
//! Units: money in USD, SPX prices and strikes in index points, VIX prices in VIX
//! points, time in trading days, rates per year (continuously compounded).
//!
//! ```
//! use vixhedge::config::{Config, HedgeProgram};
//! use vixhedge::strategy::{BookSpec, FlatMarks, PathBook};
//!
//! let spec = BookSpec::from_config(&Config::default(), &HedgeProgram::ALL).unwrap();
//! let m = FlatMarks { spx: 5000.0, spx_vol: 0.16, r: 0.03, vix: 17.0,
//!                     vix_future_1m: 18.5, vix_vol: 1.0, vix_time_value: -1.0 };
//! let mut book = PathBook::start(&spec, &m.day_state(0), &m);
//! for day in 1..=21 {
//!     book.step(&m.day_state(day), &m);
//! }
//! let out = book.outcome();
//! assert_eq!(out.programs().len(), HedgeProgram::ALL.len());
//! ```

pub mod book;
pub mod condor;
pub mod costs;
pub mod hedge;
pub mod marks;
pub mod signals;
pub mod spec;
pub mod stats;

pub use book::{PathBook, PathOutcome, ProgramOutcome};
pub use condor::{CondorBook, CondorTally, ExitReason, MAX_CONDORS};
pub use hedge::{HedgeBook, HedgeCosts, Ledger, MAX_HEDGE_POSITIONS, MAX_LAYERS};
pub use marks::{DayState, FlatMarks, Marks};
pub use signals::{adaptive_scale, Signals};
pub use spec::{BookSpec, ProgramKind, ProgramSpec, StrategyError, MAX_PROGRAMS, MAX_RUNGS};
pub use stats::EquityStats;
