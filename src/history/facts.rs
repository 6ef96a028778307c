//! Stylised facts of daily SPX and VIX closes (`docs/history.md`, "Facts"):
//! the same statistics for the history (windows starting on every day) and
//! for simulated paths (each path one window).

use serde::Serialize;

use crate::config::{Regime, RegimesConfig};

/// Trading days per year, for annualising the daily SPX volatility.
const DAYS_PER_YEAR: f64 = 252.0;

/// VIX statistics over daily closes, VIX points and fractions of days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct VixFacts {
    /// Mean VIX close, VIX points.
    pub mean: f64,
    /// Median VIX close, VIX points (linear interpolation between order statistics).
    pub p50: f64,
    /// 95th percentile of the VIX close, VIX points.
    pub p95: f64,
    /// 99th percentile of the VIX close, VIX points.
    pub p99: f64,
    /// Share of closes strictly above 20, fraction.
    pub share_above_20: f64,
    /// Share of closes strictly above 30, fraction.
    pub share_above_30: f64,
    /// Share of closes strictly above 40, fraction.
    pub share_above_40: f64,
    /// Sample standard deviation of ln(VIX_t / VIX_{t-1}) over consecutive closes.
    pub daily_log_change_sd: f64,
}

/// SPX statistics: daily returns and window drawdowns.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SpxFacts {
    /// Sample standard deviation of the daily log return times sqrt(252), per year.
    pub annual_vol: f64,
    /// Pearson correlation of the daily SPX log return with the daily VIX change (points).
    pub corr_return_vix_change: f64,
    /// Mean over windows of the SPX index's max drawdown in the window, fraction.
    pub window_max_drawdown_mean: f64,
    /// 95th percentile over windows of the SPX max drawdown, fraction.
    pub window_max_drawdown_p95: f64,
}

/// Share of windows in each regime by the window's max VIX close, fractions summing to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RegimeShares {
    /// Max VIX below `regimes.moderate_from`.
    pub calm: f64,
    /// Max VIX in `[moderate_from, severe_from)`.
    pub moderate: f64,
    /// Max VIX in `[severe_from, crisis_from)`.
    pub severe: f64,
    /// Max VIX at or above `crisis_from`.
    pub crisis: f64,
}

impl RegimeShares {
    /// The share of `regime`.
    #[must_use]
    pub fn get(&self, regime: Regime) -> f64 {
        match regime {
            Regime::Calm => self.calm,
            Regime::Moderate => self.moderate,
            Regime::Severe => self.severe,
            Regime::Crisis => self.crisis,
        }
    }
}

/// The stylised facts of one source (the model or the history).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Facts {
    /// VIX level and daily change statistics.
    pub vix: VixFacts,
    /// SPX return and drawdown statistics.
    pub spx: SpxFacts,
    /// Window regime shares.
    pub regimes: RegimeShares,
}

/// `vixhedge facts --json`: the model's facts beside the history's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactsReport {
    /// Window length, trading days (a window spans `window_days + 1` closes).
    pub window_days: u32,
    /// Facts of the model's simulated paths.
    pub model: Facts,
    /// Facts of the history, when given.
    pub history: Option<Facts>,
}

/// One path of daily closes: SPX (index points) and VIX (VIX points), same length.
#[derive(Debug, Clone, Copy)]
pub struct ClosePath<'a> {
    /// SPX closes, index points.
    pub spx: &'a [f64],
    /// VIX closes, VIX points.
    pub vix: &'a [f64],
}

/// The `p` quantile (in [0, 1]) of sorted `x`: linear interpolation between
/// the order statistics at `(n - 1) p` (Hyndman and Fan's type 7).
#[must_use]
pub fn quantile_sorted(x: &[f64], p: f64) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    let h = (x.len() - 1) as f64 * p;
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "h is in [0, n - 1]"
    )]
    let i = h.floor() as usize;
    let j = (i + 1).min(x.len() - 1);
    x[i] + (h - i as f64) * (x[j] - x[i])
}

/// Max drawdown of a price series: max over t of (max_{s <= t} x_s - x_t) / max_{s <= t} x_s.
#[must_use]
pub fn max_drawdown(x: &[f64]) -> f64 {
    let mut peak = f64::NEG_INFINITY;
    let mut worst = 0.0f64;
    for &v in x {
        peak = peak.max(v);
        worst = worst.max((peak - v) / peak);
    }
    worst
}

/// Running sums for a mean, variance and covariance.
#[derive(Debug, Clone, Copy, Default)]
struct Pair {
    n: f64,
    sx: f64,
    sy: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
}

impl Pair {
    fn push(&mut self, x: f64, y: f64) {
        self.n += 1.0;
        self.sx += x;
        self.sy += y;
        self.sxx += x * x;
        self.syy += y * y;
        self.sxy += x * y;
    }

    /// Sample variance of x (n - 1 in the denominator).
    fn var_x(&self) -> f64 {
        (self.sxx - self.sx * self.sx / self.n) / (self.n - 1.0)
    }

    fn var_y(&self) -> f64 {
        (self.syy - self.sy * self.sy / self.n) / (self.n - 1.0)
    }

    fn corr(&self) -> f64 {
        let c = (self.sxy - self.sx * self.sy / self.n) / (self.n - 1.0);
        c / (self.var_x() * self.var_y()).sqrt()
    }
}

/// The facts of `paths`, with windows of `window_days` days (`window_days +
/// 1` closes) starting on every day of every path that has room for one.
/// Levels are pooled over every close, daily changes over consecutive
/// closes within a path; `regimes` classifies each window by its max VIX.
/// Sums run in f64 in path order; the sums of squares are taken about the
/// sample (not a shifted) mean, which is accurate for these magnitudes.
#[must_use]
pub fn facts_of(paths: &[ClosePath<'_>], window_days: u32, regimes: &RegimesConfig) -> Facts {
    let w = window_days as usize;
    let mut levels: Vec<f64> = Vec::new();
    let mut log_change = Pair::default();
    let mut ret_dvix = Pair::default();
    let mut drawdowns: Vec<f64> = Vec::new();
    let mut counts = [0u64; 4];
    for p in paths {
        debug_assert_eq!(p.spx.len(), p.vix.len());
        levels.extend_from_slice(p.vix);
        for t in 1..p.vix.len() {
            let dl = (p.vix[t] / p.vix[t - 1]).ln();
            log_change.push(dl, 0.0);
            ret_dvix.push((p.spx[t] / p.spx[t - 1]).ln(), p.vix[t] - p.vix[t - 1]);
        }
        if p.vix.len() > w {
            for start in 0..p.vix.len() - w {
                let window = start..=start + w;
                let max_vix = p.vix[window.clone()]
                    .iter()
                    .copied()
                    .fold(f64::NEG_INFINITY, f64::max);
                let r = regimes.classify(max_vix);
                counts[Regime::ALL.iter().position(|&x| x == r).unwrap_or(0)] += 1;
                drawdowns.push(max_drawdown(&p.spx[window]));
            }
        }
    }
    let n_levels = levels.len() as f64;
    let share = |t: f64| levels.iter().filter(|&&x| x > t).count() as f64 / n_levels;
    let mean = levels.iter().sum::<f64>() / n_levels;
    let (s20, s30, s40) = (share(20.0), share(30.0), share(40.0));
    levels.sort_by(f64::total_cmp);
    drawdowns.sort_by(f64::total_cmp);
    let windows = drawdowns.len() as f64;
    let frac = |i: usize| counts[i] as f64 / windows;
    Facts {
        vix: VixFacts {
            mean,
            p50: quantile_sorted(&levels, 0.50),
            p95: quantile_sorted(&levels, 0.95),
            p99: quantile_sorted(&levels, 0.99),
            share_above_20: s20,
            share_above_30: s30,
            share_above_40: s40,
            daily_log_change_sd: log_change.var_x().sqrt(),
        },
        spx: SpxFacts {
            annual_vol: (ret_dvix.var_x() * DAYS_PER_YEAR).sqrt(),
            corr_return_vix_change: ret_dvix.corr(),
            window_max_drawdown_mean: drawdowns.iter().sum::<f64>() / windows,
            window_max_drawdown_p95: quantile_sorted(&drawdowns, 0.95),
        },
        regimes: RegimeShares {
            calm: frac(0),
            moderate: frac(1),
            severe: frac(2),
            crisis: frac(3),
        },
    }
}
