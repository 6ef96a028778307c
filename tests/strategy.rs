//! The books on hand-built deterministic paths (`docs/books.md`): condor
//! exits, settlement, costs and sizing; hedge layer schedules, rolls and sizes for
//! both presets' layer sets; the adaptive scale; VXTH tiers; the units ladder;
//! drawdown statistics. Pricers are closed forms (`FlatMarks`, set per day) or a
//! fixed price table, so every expected value is computed by hand here.

use crate::util::assert_close;
use vixhedge::config::{CondorConfig, Config, HedgeProgram};
use vixhedge::model::analytic::{bs_price, OptionKind};
use vixhedge::strategy::{BookSpec, DayState, FlatMarks, Marks, PathBook};

const CAPITAL: f64 = 1_000_000.0;

/// A quiet market: SPX 5000 at 15% vol, r = 0 (so cash is exact), VIX 16 / F 18,
/// VIX calls at intrinsic on the future plus 0.30.
fn quiet() -> FlatMarks {
    FlatMarks {
        spx: 5000.0,
        spx_vol: 0.15,
        r: 0.0,
        vix: 16.0,
        vix_future_1m: 18.0,
        vix_vol: 1.0,
        vix_time_value: 0.30,
    }
}

fn condor_only(condor: CondorConfig) -> BookSpec {
    BookSpec::from_config(
        &Config {
            condor,
            ..Config::default()
        },
        &[HedgeProgram::None],
    )
    .unwrap()
}

/// SPX price of a condor slot's legs per contract at `m`, `days_left` to expiry:
/// (leg mids in long put, short put, short call, long call order, net cost to close).
fn condor_legs(
    c: &vixhedge::strategy::condor::Condor,
    m: &FlatMarks,
    days_left: u32,
) -> ([f64; 4], f64) {
    let t = f64::from(days_left) / 252.0;
    let p = |k, s| bs_price(k, m.spx, s, t, m.r, 0.0, m.spx_vol);
    let legs = [
        p(OptionKind::Put, c.long_put),
        p(OptionKind::Put, c.short_put),
        p(OptionKind::Call, c.short_call),
        p(OptionKind::Call, c.long_call),
    ];
    (legs, legs[1] - legs[0] + legs[2] - legs[3])
}

/// Condor close or open cost by hand: 1.10 USD + max(0.05, 2% of mid) x 100 per leg per contract.
fn condor_cost(contracts: f64, legs: &[f64; 4]) -> f64 {
    legs.iter()
        .map(|&p| contracts * (1.10 + 0.05f64.max(0.02 * p) * 100.0))
        .sum()
}

fn only_condor(book: &PathBook) -> vixhedge::strategy::condor::Condor {
    let open: Vec<_> = book
        .condor()
        .slots
        .iter()
        .filter(|c| c.active)
        .copied()
        .collect();
    assert_eq!(open.len(), 1);
    open[0]
}

#[test]
fn a_gap_through_the_short_put_stops_at_that_close_mark() {
    let spec = condor_only(CondorConfig {
        entry_every_days: 1000,
        ..CondorConfig::default()
    });
    let m0 = quiet();
    let mut book = PathBook::start(&spec, &m0.day_state(0), &m0);
    let c = only_condor(&book);
    assert!(c.long_put < c.short_put && c.short_put < 5000.0 && c.short_call > 5000.0);
    assert!(c.short_call < c.long_call);

    // Day 1: a small dip, loss well below 2x credit: still open.
    let m1 = FlatMarks { spx: 4960.0, ..m0 };
    book.step(&m1.day_state(1), &m1);
    let (_, mid1) = condor_legs(&c, &m1, 29);
    assert!(mid1 < 3.0 * c.credit && mid1 > 0.5 * c.credit);
    assert_eq!(book.condor().open_count(), 1);
    assert_close("day-1 mark", book.condor().slots[0].mark, mid1, 0.0, 1e-9);

    // Day 2: SPX gaps through the whole put spread.
    let m2 = FlatMarks {
        spx: c.long_put - 20.0,
        spx_vol: 0.30,
        ..m0
    };
    let cash_before = book.condor().cash;
    book.step(&m2.day_state(2), &m2);
    let (legs, mid2) = condor_legs(&c, &m2, 28);
    assert!(
        mid2 > 3.0 * c.credit,
        "the gap overshoots the stop level: {c:?} mid {mid2}"
    );
    let t = book.condor().tally;
    assert_eq!((t.stops, t.take_profits, t.time_exits), (1, 0, 0));
    assert_eq!(book.condor().open_count(), 0);
    // Filled at the close's mid, not at 3x credit, plus four half-spreads and commissions.
    let paid = c.contracts * 100.0 * mid2 + condor_cost(c.contracts, &legs);
    assert_close(
        "stop fill",
        cash_before - book.condor().cash,
        paid,
        0.0,
        1e-6,
    );
    assert_close(
        "equity is cash",
        book.equity(0),
        book.condor().cash,
        0.0,
        1e-9,
    );
}

#[test]
fn a_stop_on_the_exit_day_counts_as_a_stop() {
    let spec = condor_only(CondorConfig {
        entry_every_days: 1000,
        dte_days: 3,
        exit_dte: 2,
        ..CondorConfig::default()
    });
    let m0 = quiet();
    let mut book = PathBook::start(&spec, &m0.day_state(0), &m0);
    let c = only_condor(&book);
    let m1 = FlatMarks {
        spx: c.short_put - 50.0,
        ..m0
    };
    book.step(&m1.day_state(1), &m1); // 2 days left = exit_dte, and through the stop
    let t = book.condor().tally;
    assert_eq!((t.stops, t.time_exits), (1, 0));
}

#[test]
fn a_vol_crush_reaches_take_profit_and_a_quiet_book_exits_on_time() {
    let spec = condor_only(CondorConfig {
        entry_every_days: 1000,
        ..CondorConfig::default()
    });
    let m0 = FlatMarks {
        spx_vol: 0.20,
        ..quiet()
    };
    let mut book = PathBook::start(&spec, &m0.day_state(0), &m0);
    let c = only_condor(&book);
    book.step(&m0.day_state(1), &m0);
    assert_eq!(book.condor().open_count(), 1);
    let crushed = FlatMarks {
        spx_vol: 0.08,
        ..m0
    };
    let cash_before = book.condor().cash;
    book.step(&crushed.day_state(2), &crushed);
    let (legs, mid) = condor_legs(&c, &crushed, 28);
    assert!(mid <= 0.5 * c.credit);
    assert_eq!(book.condor().tally.take_profits, 1);
    let paid = c.contracts * 100.0 * mid + condor_cost(c.contracts, &legs);
    assert_close(
        "take-profit fill",
        cash_before - book.condor().cash,
        paid,
        0.0,
        1e-6,
    );

    // Without the crush (and with the target out of reach) the book leaves at exit_dte = 10.
    let spec = condor_only(CondorConfig {
        entry_every_days: 1000,
        take_profit: 1.0,
        ..CondorConfig::default()
    });
    let mut book = PathBook::start(&spec, &m0.day_state(0), &m0);
    for day in 1..=20 {
        assert_eq!(book.condor().tally.time_exits, 0, "day {day}");
        book.step(&m0.day_state(day), &m0);
    }
    assert_eq!(book.condor().tally.time_exits, 1);
    assert_eq!(book.condor().open_count(), 0);
}

#[test]
fn expiry_settles_at_intrinsic_without_costs() {
    let spec = condor_only(CondorConfig {
        entry_every_days: 1000,
        exit_dte: 0,
        take_profit: 1.0,
        stop_loss: 100.0,
        ..CondorConfig::default()
    });
    let m0 = quiet();
    let mut book = PathBook::start(&spec, &m0.day_state(0), &m0);
    let c = only_condor(&book);
    for day in 1..30 {
        book.step(&m0.day_state(day), &m0);
    }
    assert_eq!(book.condor().open_count(), 1);
    let last = FlatMarks {
        spx: c.short_put - 20.0,
        ..m0
    };
    let cash_before = book.condor().cash;
    book.step(&last.day_state(30), &last);
    assert_eq!(book.condor().tally.expiries, 1);
    assert_eq!(book.condor().open_count(), 0);
    // Owes the put spread's intrinsic, 20 points, nothing else.
    assert_eq!(cash_before - book.condor().cash, c.contracts * 100.0 * 20.0);
}

/// A fixed price table: strikes by delta and mids for the condor's four strikes.
struct TableMarks;

impl Marks for TableMarks {
    fn spx_option(&self, kind: OptionKind, strike: f64, _days_left: u32) -> f64 {
        match (kind, strike as u32) {
            (OptionKind::Put, 4800) => 1.0,
            (OptionKind::Put, 4900) => 3.0,
            (OptionKind::Call, 5100) => 2.5,
            (OptionKind::Call, 5200) => 0.5,
            _ => panic!("unexpected strike {strike}"),
        }
    }
    fn spx_strike_for_delta(&self, kind: OptionKind, delta: f64, _days_left: u32) -> f64 {
        let short = delta > 0.1;
        match (kind, short) {
            (OptionKind::Put, true) => 4900.0,
            (OptionKind::Put, false) => 4800.0,
            (OptionKind::Call, true) => 5100.0,
            (OptionKind::Call, false) => 5200.0,
        }
    }
    fn vix_future(&self, _days_left: u32) -> f64 {
        18.0
    }
    fn vix_call(&self, _strike: f64, _days_left: u32) -> f64 {
        0.5
    }
    fn vix_call_strike_for_delta(&self, _delta: f64, _days_left: u32) -> f64 {
        22.0
    }
}

fn table_day() -> DayState {
    DayState {
        day: 0,
        spx: 5000.0,
        vix: 16.0,
        vix_future_1m: 18.0,
        r: 0.0,
    }
}

#[test]
fn opening_costs_are_per_leg_in_usd() {
    // Credit 3.0 - 1.0 + 2.5 - 0.5 = 4.0; max loss (100 - 4) x 100 = 9,600 USD;
    // 0.04 x 1,000,000 / 9,600 = 4.17 -> 4 contracts.
    // Per contract: legs at 1.0, 3.0, 2.5, 0.5 cross 0.05, 0.06, 0.05, 0.05 points
    // = 5, 6, 5, 5 USD, plus 4 x 1.10 commission: 25.40 USD; x 4 = 101.60 USD.
    let spec = condor_only(CondorConfig {
        risk_fraction: 0.04,
        ..CondorConfig::default()
    });
    let book = PathBook::start(&spec, &table_day(), &TableMarks);
    let c = only_condor(&book);
    assert_eq!((c.contracts, c.credit), (4.0, 4.0));
    let t = book.condor().tally;
    assert_close("costs", t.costs, 101.60, 0.0, 1e-9);
    assert_close(
        "cash",
        book.condor().cash,
        CAPITAL + 1600.0 - 101.60,
        0.0,
        1e-9,
    );
    assert_close("equity", book.equity(0), CAPITAL - 101.60, 0.0, 1e-9);
    assert_close(
        "worst day",
        book.outcome().condor.worst_day,
        101.60,
        0.0,
        1e-9,
    );
}

#[test]
fn sizing_floors_and_keeps_at_least_one_contract() {
    for (risk_fraction, want) in [(0.05, 5.0), (0.0479, 4.0), (0.0096, 1.0), (1e-6, 1.0)] {
        let spec = condor_only(CondorConfig {
            risk_fraction,
            ..CondorConfig::default()
        });
        let book = PathBook::start(&spec, &table_day(), &TableMarks);
        assert_eq!(
            only_condor(&book).contracts,
            want,
            "risk_fraction {risk_fraction}"
        );
    }
    // Wings by width: 4900 - 50 is not in the table, so check the strikes only.
    let cfg = CondorConfig {
        wing_width: 50.0,
        ..CondorConfig::default()
    };
    let spec = condor_only(cfg);
    let m = quiet();
    let book = PathBook::start(&spec, &m.day_state(0), &m);
    let c = only_condor(&book);
    assert_eq!(
        (c.short_put - c.long_put, c.long_call - c.short_call),
        (50.0, 50.0)
    );
}

#[test]
fn entries_every_five_days_up_to_max_open() {
    let spec = condor_only(CondorConfig {
        max_open: 3,
        exit_dte: 1,
        take_profit: 1.0,
        stop_loss: 100.0,
        ..CondorConfig::default()
    });
    let m = quiet();
    let mut book = PathBook::start(&spec, &m.day_state(0), &m);
    let mut open = vec![book.condor().open_count()];
    for day in 1..=35 {
        book.step(&m.day_state(day), &m);
        open.push(book.condor().open_count());
    }
    // Opens on days 0, 5, 10; full on 15, 20, 25; the day-0 condor leaves on day 29
    // (1 day left), so day 30 opens again; day 34 the day-5 one leaves, day 35 opens.
    let want: Vec<usize> = (0..=35)
        .map(|d| match d {
            0..=4 => 1,
            5..=9 => 2,
            10..=28 => 3,
            29 => 2,
            30..=33 => 3,
            34 => 2,
            _ => 3,
        })
        .collect();
    assert_eq!(open, want);
    let t = book.condor().tally;
    assert_eq!((t.opened, t.skipped, t.time_exits), (5, 3, 2));
    let entries: Vec<u32> = book
        .condor()
        .slots
        .iter()
        .filter(|c| c.active)
        .map(|c| c.entry_day)
        .collect();
    assert_eq!(entries, vec![30, 35, 10]);
}

#[test]
fn cash_earns_the_daily_rate() {
    let spec = condor_only(CondorConfig {
        entry_every_days: 1000,
        ..CondorConfig::default()
    });
    let m = FlatMarks { r: 0.05, ..quiet() };
    let mut book = PathBook::start(&spec, &m.day_state(0), &m);
    let cash0 = book.condor().cash;
    book.step(&m.day_state(1), &m);
    assert_close(
        "accrual",
        book.condor().cash,
        cash0 * (0.05f64 / 252.0).exp(),
        0.0,
        1e-6,
    );
}

#[path = "strategy/hedges.rs"]
mod hedges;

#[test]
fn a_path_reports_its_first_vix_and_the_spx_max_drawdown() {
    let spec = condor_only(CondorConfig::default());
    let m0 = quiet();
    let mut book = PathBook::start(&spec, &m0.day_state(0), &m0);
    // SPX 5000, 5100 (new peak), 4900, 4800 (4800 / 5100 - 1: the deepest), 5200, 5000;
    // VIX 16, then 22, 31, 19.
    let closes = [
        (5100.0, 22.0),
        (4900.0, 31.0),
        (4800.0, 19.0),
        (5200.0, 17.0),
        (5000.0, 18.0),
    ];
    for (day, &(spx, vix)) in closes.iter().enumerate() {
        let m = FlatMarks { spx, vix, ..m0 };
        book.step(&m.day_state(day as u32 + 1), &m);
    }
    let o = book.outcome();
    assert_eq!(o.first_vix, 16.0);
    assert_eq!(o.max_vix, 31.0);
    assert_close(
        "SPX max drawdown",
        o.spx_max_drawdown,
        300.0 / 5100.0,
        1e-15,
        0.0,
    );
    assert_close("SPX return", o.spx_return, 0.0, 0.0, 1e-15);
}
