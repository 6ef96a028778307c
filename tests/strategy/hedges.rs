//! Hedge programs on scripted VIX paths: schedules, rolls, sizes, the adaptive
//! scale, VXTH tiers, the units ladder and the statistics of each line.

use super::{assert_close, quiet, CAPITAL};
use vixhedge::config::{CondorConfig, Config, HedgeConfig, HedgeProgram, Instrument, LayerConfig};
use vixhedge::strategy::hedge::HedgePosition;
use vixhedge::strategy::marks::round_to_step;
use vixhedge::strategy::{BookSpec, FlatMarks, Marks, PathBook, ProgramSpec, StrategyError};

fn spec_for(config: &Config, programs: &[HedgeProgram]) -> BookSpec {
    BookSpec::from_config(config, programs).unwrap()
}

/// A VIX path that wanders between 13 and 31 with a term structure that inverts
/// on some days; SPX constant so the condor is quiet.
fn scripted(day: u32) -> FlatMarks {
    let vix = [
        14.0, 15.5, 23.5, 19.0, 30.0, 26.0, 17.0, 13.0, 21.0, 31.0, 16.0,
    ][day as usize % 11];
    let f1m = [
        16.0, 17.0, 24.0, 18.0, 27.0, 28.0, 18.5, 15.0, 20.0, 29.0, 17.5,
    ][day as usize % 11];
    FlatMarks {
        vix,
        vix_future_1m: f1m,
        ..quiet()
    }
}

fn open(book: &PathBook, program: usize) -> Vec<HedgePosition> {
    book.hedge(program)
        .positions
        .iter()
        .filter(|p| p.active)
        .copied()
        .collect()
}

/// (layer, entry day) of the open positions, sorted.
fn entries(book: &PathBook, program: usize, layers: &[LayerConfig]) -> Vec<(u32, u32)> {
    let mut v: Vec<_> = open(book, program)
        .iter()
        .map(|p| (p.layer, p.expiry_day - layers[p.layer as usize].tenor_days))
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn seed_layers_enter_expire_and_pay_as_configured() {
    let config = Config::default();
    let spec = spec_for(&config, &[HedgeProgram::StaticSeed]);
    let layers = spec.programs[0].layers.clone();
    assert_eq!(layers, Config::preset("alvh-seed").unwrap().hedge.layers);
    let m0 = scripted(0);
    let mut book = PathBook::start(&spec, &m0.day_state(0), &m0);

    // Day 0: 4 calls of 4 days and 2 of 10 days, 25% over the future of their expiry.
    let day0 = open(&book, 0);
    assert_eq!(day0.len(), 2);
    for p in &day0 {
        let tenor = layers[p.layer as usize].tenor_days;
        let k = round_to_step(m0.vix_future(tenor) * 1.25, 0.5);
        assert_eq!(p.strike, k);
        assert_eq!(p.instrument, Instrument::Call);
        assert_eq!(p.qty, layers[p.layer as usize].contracts);
        assert_eq!(p.mark, 0.30, "out of the money: time value only");
    }
    // Premium 6 x 100 x 0.30; costs 6 x (1.10 + 0.05 x 100).
    let h = book.hedge(0);
    assert_close("premium", h.main.premium, 180.0, 0.0, 1e-9);
    assert_close("costs", h.main.costs, 36.6, 0.0, 1e-9);
    assert_close("hedge P&L", h.pnl(), -36.6, 0.0, 1e-9);
    assert_close(
        "line",
        book.equity(0),
        book.condor().equity() - 36.6,
        0.0,
        1e-6,
    );

    let k_first = day0.iter().find(|p| p.layer == 0).unwrap().strike;
    for day in 1..=30 {
        let m = scripted(day);
        let payoff_before = book.hedge(0).main.payoff;
        book.step(&m.day_state(day), &m);
        let want: Vec<(u32, u32)> = {
            let mut v = Vec::new();
            for (i, l) in layers.iter().enumerate() {
                let mut e = l.offset_days;
                while e <= day {
                    if e + l.tenor_days > day {
                        v.push((i as u32, e));
                    }
                    e += l.every_days;
                }
            }
            v.sort_unstable();
            v
        };
        assert_eq!(entries(&book, 0, &layers), want, "day {day}");
        if day == 4 {
            // The VIX spike to 30 on day 4 settles the first 4-day layer in the money.
            let paid = book.hedge(0).main.payoff - payoff_before;
            assert_close(
                "settlement",
                paid,
                4.0 * 100.0 * (30.0 - k_first),
                0.0,
                1e-9,
            );
        }
    }
}

#[test]
fn long_tenor_layers_roll_a_third_before_expiry() {
    let config = Config::default();
    let spec = spec_for(&config, &[HedgeProgram::Static30110220]);
    let layers = spec.programs[0].layers.clone();
    assert_eq!(
        layers
            .iter()
            .map(|l| (l.tenor_days, l.roll_days_left))
            .collect::<Vec<_>>(),
        vec![(21, 7), (76, 25), (151, 50)]
    );
    let m = quiet();
    let mut book = PathBook::start(&spec, &m.day_state(0), &m);
    let mut seen = std::collections::BTreeSet::new();
    seen.extend(entries(&book, 0, &layers));
    for day in 1..=130 {
        let before = book.hedge(0).main;
        let rolling: Vec<HedgePosition> = open(&book, 0)
            .into_iter()
            .filter(|p| p.expiry_day - day == layers[p.layer as usize].roll_days_left)
            .collect();
        book.step(&m.day_state(day), &m);
        assert_eq!(open(&book, 0).len(), 3, "one position per layer, day {day}");
        seen.extend(entries(&book, 0, &layers));
        // A roll sells at mid (time value 0.30 here) less the half-spread.
        let sold: f64 = rolling.iter().map(|p| p.qty * 100.0 * 0.30).sum();
        assert_close(
            "roll proceeds",
            book.hedge(0).main.payoff - before.payoff,
            sold,
            0.0,
            1e-9,
        );
    }
    let want: Vec<(u32, u32)> = [0, 14, 28, 42, 56, 70, 84, 98, 112, 126]
        .iter()
        .map(|&d| (0, d))
        .chain([(1, 0), (1, 51), (1, 102), (2, 0), (2, 101)])
        .collect();
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), want);
}

#[test]
fn sizes_scale_with_units_and_capital() {
    let mut config = Config::default();
    config.condor.capital = 2_500_000.0;
    config.hedge.units = 2.0;
    let spec = spec_for(&config, &[HedgeProgram::Static30110220]);
    let m = quiet();
    let book = PathBook::start(&spec, &m.day_state(0), &m);
    let mut sizes: Vec<(u32, f64, f64)> = open(&book, 0)
        .iter()
        .map(|p| (p.layer, p.qty, p.qty_unit))
        .collect();
    sizes.sort_by_key(|s| s.0);
    assert_eq!(
        sizes,
        vec![(0, 20.0, 10.0), (1, 20.0, 10.0), (2, 10.0, 5.0)]
    );

    config.hedge.units = 0.0;
    let spec = spec_for(&config, &[HedgeProgram::Static30110220]);
    let book = PathBook::start(&spec, &m.day_state(0), &m);
    assert!(open(&book, 0)
        .iter()
        .all(|p| p.qty == 0.0 && p.qty_unit > 0.0));
    assert_eq!(
        book.hedge(0).pnl(),
        0.0,
        "units = 0: no hedge on the program's line"
    );

    // Futures carry no premium: only costs, 4 x (1.10 + 0.025 x 1000).
    config.hedge.units = 1.0;
    config.condor.capital = CAPITAL;
    config.hedge.layers = vec![LayerConfig {
        contracts: 4.0,
        instrument: Instrument::Future,
        ..LayerConfig::default()
    }];
    let spec = spec_for(&config, &[HedgeProgram::Static]);
    let mut book = PathBook::start(&spec, &m.day_state(0), &m);
    assert_close(
        "future costs",
        book.hedge(0).main.costs,
        4.0 * 26.1,
        0.0,
        1e-9,
    );
    assert_eq!(book.hedge(0).main.premium, 0.0);
    let up = FlatMarks {
        vix: 20.0,
        vix_future_1m: 21.0,
        ..m
    };
    book.step(&up.day_state(1), &up);
    let gain = 4.0 * 1000.0 * (up.vix_future(20) - m.vix_future(21));
    assert_close(
        "future mark",
        book.hedge(0).pnl(),
        gain - 4.0 * 26.1,
        0.0,
        1e-6,
    );
}

#[test]
fn adaptive_scale_sizes_each_new_entry() {
    let config = Config::default();
    let spec = spec_for(&config, &[HedgeProgram::AlvhSeed]);
    let layers = spec.programs[0].layers.clone();
    // (day, VIX, 1-month future, expected scale)
    let script = [
        (0, 14.0, 16.0, 0.25),
        (1, 16.0, 17.0, 0.5),
        (2, 23.5, 24.0, 0.75),
        (3, 22.0, 23.0, 0.5),
        (4, 18.0, 17.0, 1.0), // inverted
        (5, 26.0, 28.0, 1.0), // tier
        (6, 14.0, 16.0, 0.25),
    ];
    let day_marks = |&(_, vix, f, _): &(u32, f64, f64, f64)| FlatMarks {
        vix,
        vix_future_1m: f,
        ..quiet()
    };
    let m0 = day_marks(&script[0]);
    let mut book = PathBook::start(&spec, &m0.day_state(0), &m0);
    for s in &script {
        if s.0 > 0 {
            let m = day_marks(s);
            book.step(&m.day_state(s.0), &m);
        }
        assert_eq!(book.scale(), s.3, "day {}", s.0);
        for p in open(&book, 0) {
            let l = &layers[p.layer as usize];
            if p.expiry_day - l.tenor_days == s.0 {
                assert_close("unit size", p.qty_unit, l.contracts * s.3, 0.0, 1e-12);
                assert_eq!(p.qty, (l.contracts * s.3 + 0.5).floor(), "day {}", s.0);
            }
        }
    }
    // Day 0: the 2-contract layer at 0.25 is 0.5 of a contract, rounded half up to 1.
    assert!(open(&book, 0).iter().all(|p| p.qty >= 1.0));

    // Oversold: 14 falling closes make RSI(14) = 0 on day 14 at a light VIX.
    let falling = |day: u32| FlatMarks {
        spx: 5000.0 - 10.0 * f64::from(day),
        vix: 14.0,
        ..quiet()
    };
    let mut book = PathBook::start(&spec, &falling(0).day_state(0), &falling(0));
    for day in 1..=14 {
        book.step(&falling(day).day_state(day), &falling(day));
        let want = if day < 14 { 0.25 } else { 1.0 };
        assert_eq!(book.scale(), want, "day {day}");
    }
    let fresh = open(&book, 0)
        .into_iter()
        .find(|p| p.layer == 1 && p.expiry_day == 14 + 8)
        .unwrap();
    assert_eq!(fresh.qty, 4.0);
}

#[test]
fn vxth_buys_one_month_calls_sized_by_future_tier() {
    let config = Config::default();
    let spec = spec_for(&config, &[HedgeProgram::Vxth]);
    let tier = |f1m: f64, vix: f64| FlatMarks {
        vix,
        vix_future_1m: f1m,
        vix_time_value: -1.0,
        ..quiet()
    };
    // (roll day, 1-month future, VIX, budget share)
    let script = [
        (0, 20.0, 19.0, 0.01),
        (21, 40.0, 42.0, 0.005),
        (42, 14.0, 13.0, 0.0),
        (63, 60.0, 65.0, 0.0),
    ];
    let mut book = PathBook::start(&spec, &tier(20.0, 19.0).day_state(0), &tier(20.0, 19.0));
    for &(day, f1m, vix, share) in &script {
        let m = tier(f1m, vix);
        if day > 0 {
            let quiet_days = tier(f1m, vix);
            for d in day - 20..day {
                book.step(&quiet_days.day_state(d), &quiet_days);
            }
            let cash = book.hedge(0).main.cash;
            let settle: f64 = open(&book, 0)
                .iter()
                .map(|p| p.qty * 100.0 * (vix - p.strike).max(0.0))
                .sum();
            book.step(&m.day_state(day), &m);
            let line = book.condor().equity() + cash + settle;
            check_vxth(&book, &m, share, line, day);
        } else {
            check_vxth(&book, &m, share, book.condor().equity(), day);
        }
    }
}

fn check_vxth(book: &PathBook, m: &FlatMarks, share: f64, line: f64, day: u32) {
    let held = open(book, 0);
    if share == 0.0 {
        assert!(held.is_empty(), "day {day}: no budget, no calls");
        return;
    }
    assert_eq!(held.len(), 1, "day {day}");
    let p = held[0];
    assert_eq!(p.strike, m.vix_call_strike_for_delta(0.30, 21));
    assert_eq!(p.expiry_day, day + 21);
    let price = m.vix_call(p.strike, 21);
    assert_eq!(p.qty, (share * line / (price * 100.0)).floor(), "day {day}");
    assert!(p.qty > 10.0);
}

#[test]
fn ladder_lines_are_condor_plus_k_one_unit_hedges() {
    let config = Config::default();
    let spec = spec_for(&config, &[HedgeProgram::None, HedgeProgram::AlvhSeed]);
    assert_eq!(spec.programs[1].ladder, vec![0.5, 1.0, 2.0, 5.0, 10.0]);
    let ks = spec.programs[1].ladder.clone();
    let m0 = scripted(0);
    let mut book = PathBook::start(&spec, &m0.day_state(0), &m0);
    let mut series = vec![vec![CAPITAL]; ks.len()];
    let record = |book: &PathBook, series: &mut Vec<Vec<f64>>| {
        let out = book.outcome();
        assert_eq!(
            out.programs()[0].equity,
            out.condor,
            "none is the condor line"
        );
        let alvh = &out.programs()[1];
        for (j, k) in ks.iter().enumerate() {
            let want = out.condor.last + k * alvh.unit_hedge_pnl;
            assert_close("rung", alvh.ladder()[j].last, want, 0.0, 1e-6);
            series[j].push(want);
        }
    };
    record(&book, &mut series);
    for day in 1..=40 {
        let m = scripted(day);
        book.step(&m.day_state(day), &m);
        record(&book, &mut series);
    }
    let out = book.outcome();
    for (j, s) in series.iter().enumerate() {
        let (dd, worst) = drawdown_reference(s);
        assert_close(
            "rung drawdown",
            out.programs()[1].ladder()[j].max_drawdown,
            dd,
            0.0,
            1e-12,
        );
        assert_close(
            "rung worst day",
            out.programs()[1].ladder()[j].worst_day,
            worst,
            0.0,
            1e-6,
        );
    }
    // Unit totals scale too: rung k paid k x the one-unit premium.
    assert!(out.programs()[1].unit.premium > 0.0);
}

#[test]
fn integer_sizes_make_the_own_line_equal_its_rung() {
    let config = Config::default();
    let program = ProgramSpec {
        program: HedgeProgram::StaticSeed,
        layers: Config::preset("alvh-seed").unwrap().hedge.layers,
        units: 2.0,
        ladder: vec![2.0],
    };
    let spec = BookSpec::new(CondorConfig::default(), &config.hedge, vec![program]).unwrap();
    let m0 = scripted(0);
    let mut book = PathBook::start(&spec, &m0.day_state(0), &m0);
    for day in 1..=30 {
        let m = scripted(day);
        book.step(&m.day_state(day), &m);
        let p = book.outcome().programs[0];
        assert_close("own vs rung", p.equity.last, p.ladder()[0].last, 0.0, 1e-6);
        assert_close("premium", p.hedge.premium, 2.0 * p.unit.premium, 0.0, 1e-6);
    }
}

/// Max drawdown and worst day by the definition, on a series starting at the capital.
fn drawdown_reference(e: &[f64]) -> (f64, f64) {
    let mut dd: f64 = 0.0;
    let mut worst: f64 = 0.0;
    for j in 0..e.len() {
        let peak = e[..=j].iter().copied().fold(f64::MIN, f64::max);
        dd = dd.max((peak - e[j]) / peak);
        if j > 0 {
            worst = worst.max(e[j - 1] - e[j]);
        }
    }
    (dd, worst)
}

#[test]
fn every_program_runs_deterministically_and_reports_its_path() {
    let config = Config::default();
    let spec = spec_for(&config, &HedgeProgram::ALL);
    let run = || {
        let m0 = scripted(0);
        let mut book = PathBook::start(&spec, &m0.day_state(0), &m0);
        let mut equity = vec![vec![CAPITAL]; HedgeProgram::ALL.len()];
        for (i, e) in equity.iter_mut().enumerate() {
            e.push(book.equity(i));
        }
        for day in 1..=60 {
            let m = FlatMarks {
                spx: 5000.0 - 8.0 * f64::from(day),
                ..scripted(day)
            };
            book.step(&m.day_state(day), &m);
            for (i, e) in equity.iter_mut().enumerate() {
                e.push(book.equity(i));
            }
        }
        (book.outcome(), equity)
    };
    let (a, equity) = run();
    let (b, _) = run();
    assert_eq!(a, b);
    assert_eq!(a.max_vix, 31.0);
    assert_close("spx return", a.spx_return, -480.0 / 5000.0, 0.0, 1e-12);
    for (i, p) in a.programs().iter().enumerate() {
        let (dd, worst) = drawdown_reference(&equity[i]);
        assert_close("drawdown", p.equity.max_drawdown, dd, 0.0, 1e-12);
        assert_close("worst day", p.equity.worst_day, worst, 0.0, 1e-6);
        assert_close(
            "pnl",
            p.equity.pnl(),
            a.condor.pnl() + p.hedge_pnl,
            0.0,
            1e-6,
        );
    }
    // Hedged programs paid premium; none did not.
    assert_eq!(a.programs()[0].hedge.premium, 0.0);
    assert!(a.programs()[1..].iter().all(|p| p.hedge.premium > 0.0));
}

#[test]
fn capacities_are_checked_up_front() {
    let hedge = HedgeConfig::default();
    let condor = CondorConfig {
        max_open: 17,
        ..CondorConfig::default()
    };
    assert!(matches!(
        BookSpec::new(condor, &hedge, vec![]),
        Err(StrategyError::TooManyCondors(17))
    ));
    let greedy = ProgramSpec {
        program: HedgeProgram::Static,
        layers: vec![LayerConfig {
            tenor_days: 40,
            every_days: 1,
            ..LayerConfig::default()
        }],
        units: 1.0,
        ladder: vec![],
    };
    let err = BookSpec::new(CondorConfig::default(), &hedge, vec![greedy]).unwrap_err();
    assert!(
        matches!(err, StrategyError::TooManyPositions { needed: 40, .. }),
        "{err}"
    );
}
