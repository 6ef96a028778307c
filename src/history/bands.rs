//! How close the model's facts must come to the history's (the targets of
//! a calibration), and the facts table printed by `vixhedge facts` and in
//! calibrated presets.

use super::facts::{Facts, FactsReport};

/// How a band measures the distance between model and history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    /// Within this many units of the fact (VIX points, or fractions for shares).
    Abs(f64),
    /// Within this fraction of the history's value.
    Rel(f64),
}

/// One row of the facts table: a fact, how to print it, and its band if any.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// Label, with its unit.
    pub label: &'static str,
    /// The fact.
    pub get: fn(&Facts) -> f64,
    /// Factor for printing (100 for fractions shown in percent).
    pub scale: f64,
    /// Decimals printed.
    pub decimals: usize,
    /// The band, when the fact is a calibration target.
    pub band: Option<Tolerance>,
}

/// Every fact in table order, with the bands a calibrated preset must meet
/// in sample: VIX mean and median within 1.5 points, p95 within 3, p99
/// within 6; the shares above 30 and 40 within 3 and 1.5 points of a
/// percent; the daily log-change sd within 25%; the correlation within
/// 0.08; SPX volatility within 2 points; every regime share within 6 points.
pub const ROWS: [Row; 16] = [
    Row {
        label: "VIX mean (points)",
        get: |f| f.vix.mean,
        scale: 1.0,
        decimals: 2,
        band: Some(Tolerance::Abs(1.5)),
    },
    Row {
        label: "VIX median (points)",
        get: |f| f.vix.p50,
        scale: 1.0,
        decimals: 2,
        band: Some(Tolerance::Abs(1.5)),
    },
    Row {
        label: "VIX p95 (points)",
        get: |f| f.vix.p95,
        scale: 1.0,
        decimals: 2,
        band: Some(Tolerance::Abs(3.0)),
    },
    Row {
        label: "VIX p99 (points)",
        get: |f| f.vix.p99,
        scale: 1.0,
        decimals: 2,
        band: Some(Tolerance::Abs(6.0)),
    },
    Row {
        label: "days VIX > 20 (%)",
        get: |f| f.vix.share_above_20,
        scale: 100.0,
        decimals: 2,
        band: None,
    },
    Row {
        label: "days VIX > 30 (%)",
        get: |f| f.vix.share_above_30,
        scale: 100.0,
        decimals: 2,
        band: Some(Tolerance::Abs(0.03)),
    },
    Row {
        label: "days VIX > 40 (%)",
        get: |f| f.vix.share_above_40,
        scale: 100.0,
        decimals: 2,
        band: Some(Tolerance::Abs(0.015)),
    },
    Row {
        label: "sd daily VIX log change",
        get: |f| f.vix.daily_log_change_sd,
        scale: 1.0,
        decimals: 4,
        band: Some(Tolerance::Rel(0.25)),
    },
    Row {
        label: "SPX volatility (%/yr)",
        get: |f| f.spx.annual_vol,
        scale: 100.0,
        decimals: 2,
        band: Some(Tolerance::Abs(0.02)),
    },
    Row {
        label: "corr(SPX log return, VIX change)",
        get: |f| f.spx.corr_return_vix_change,
        scale: 1.0,
        decimals: 3,
        band: Some(Tolerance::Abs(0.08)),
    },
    Row {
        label: "window SPX max drawdown mean (%)",
        get: |f| f.spx.window_max_drawdown_mean,
        scale: 100.0,
        decimals: 2,
        band: None,
    },
    Row {
        label: "window SPX max drawdown p95 (%)",
        get: |f| f.spx.window_max_drawdown_p95,
        scale: 100.0,
        decimals: 2,
        band: None,
    },
    Row {
        label: "windows calm (%)",
        get: |f| f.regimes.calm,
        scale: 100.0,
        decimals: 1,
        band: Some(Tolerance::Abs(0.06)),
    },
    Row {
        label: "windows moderate (%)",
        get: |f| f.regimes.moderate,
        scale: 100.0,
        decimals: 1,
        band: Some(Tolerance::Abs(0.06)),
    },
    Row {
        label: "windows severe (%)",
        get: |f| f.regimes.severe,
        scale: 100.0,
        decimals: 1,
        band: Some(Tolerance::Abs(0.06)),
    },
    Row {
        label: "windows crisis (%)",
        get: |f| f.regimes.crisis,
        scale: 100.0,
        decimals: 1,
        band: Some(Tolerance::Abs(0.06)),
    },
];

impl Row {
    /// Whether `model` is within the band of `history` (true without a band).
    #[must_use]
    pub fn within(&self, model: &Facts, history: &Facts) -> bool {
        let (m, h) = ((self.get)(model), (self.get)(history));
        match self.band {
            None => true,
            Some(Tolerance::Abs(t)) => (m - h).abs() <= t,
            Some(Tolerance::Rel(t)) => (m - h).abs() <= t * h.abs(),
        }
    }

    /// The band as text (`+-1.5`, `+-25%`), or empty.
    #[must_use]
    pub fn band_text(&self) -> String {
        match self.band {
            None => String::new(),
            Some(Tolerance::Abs(t)) => {
                let t = t * self.scale;
                format!("+-{t}")
            }
            Some(Tolerance::Rel(t)) => format!("+-{}%", t * 100.0),
        }
    }
}

/// The rows outside their band (labels), empty when every band holds.
#[must_use]
pub fn misses(model: &Facts, history: &Facts) -> Vec<&'static str> {
    ROWS.iter()
        .filter(|r| !r.within(model, history))
        .map(|r| r.label)
        .collect()
}

/// The facts table: one row per fact, model and history side by side with
/// the band and whether the model is inside it; `prefix` starts every line
/// (`"# "` in a preset comment).
#[must_use]
pub fn table(report: &FactsReport, prefix: &str) -> String {
    let mut out = format!(
        "{prefix}{:<34} {:>9} {:>9} {:>7}  {}\n",
        format!("fact ({}-day windows)", report.window_days),
        "model",
        "history",
        "band",
        if report.history.is_some() { "ok" } else { "" }
    );
    for r in &ROWS {
        let m = (r.get)(&report.model) * r.scale;
        let (h, ok) = match &report.history {
            Some(h) => (
                format!("{:.*}", r.decimals, (r.get)(h) * r.scale),
                if r.band.is_none() {
                    ""
                } else if r.within(&report.model, h) {
                    "yes"
                } else {
                    "NO"
                },
            ),
            None => (String::from("-"), ""),
        };
        out.push_str(&format!(
            "{prefix}{:<34} {:>9.*} {:>9} {:>7}  {ok}\n",
            r.label,
            r.decimals,
            m,
            h,
            r.band_text()
        ));
    }
    out
}
