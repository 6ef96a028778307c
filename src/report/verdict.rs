//! The verdict on the marketing claim (`docs/statistics.md`): in the
//! moderate-stress regime, does an ALVH program cut the book's mean max drawdown
//! by 35-40%, and at what annual drag (claimed 1-2%)?
//!
//! Rules, on the ratio-of-means reduction and its delta-method 95% CI: the claim
//! is `supported` when the whole CI is at or above 35% and the drag at most 2%/yr,
//! `cut_but_costly` when the CI is above 35% but the drag exceeds 2%/yr,
//! `inconclusive` when the CI straddles 35%, `below_claim` when the whole CI is
//! under 35%, `no_data` without moderate-stress paths.

use serde::Serialize;

use super::stats::StudyLayout;
use super::summary::{NamedMap, RegimeSummary, StrategySummary};

/// The claimed cut of moderate-stress drawdowns, fractions.
pub const CLAIMED_CUT: [f64; 2] = [0.35, 0.40];

/// The claimed annual drag, fractions per year.
pub const CLAIMED_DRAG: [f64; 2] = [0.01, 0.02];

/// The regime the claim speaks of.
pub const CLAIM_REGIME: &str = "moderate";

/// How a measurement compares with the claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// CI at or above 35% and drag at most 2%/yr.
    Supported,
    /// CI at or above 35% but the drag exceeds 2%/yr.
    CutButCostly,
    /// CI contains 35%.
    Inconclusive,
    /// CI below 35%.
    BelowClaim,
    /// No moderate-stress paths (or no ALVH program run).
    NoData,
}

/// The verdict on one line (an ALVH program, or a ladder rung).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineVerdict {
    /// Line name.
    pub name: String,
    /// Moderate-stress paths.
    pub paths: u64,
    /// Reduction of mean max drawdown (ratio of means), fraction.
    pub cut: f64,
    /// Its 95% CI (delta method), fractions.
    pub cut_ci95: [f64; 2],
    /// Annual drag in the moderate regime, fraction per year (positive: a cost).
    pub drag: f64,
    /// Its 95% CI, fractions per year.
    pub drag_ci95: [f64; 2],
    /// Comparison with the claim.
    pub status: ClaimStatus,
    /// One sentence in plain words.
    pub text: String,
}

/// The verdict: per ALVH program, the best ladder rung, and overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The regime judged.
    pub regime: String,
    /// The claimed cut range, fractions.
    pub claimed_cut: [f64; 2],
    /// The claimed drag range, fractions per year.
    pub claimed_drag: [f64; 2],
    /// One entry per ALVH program at its own size.
    pub programs: Vec<LineVerdict>,
    /// The ALVH ladder rung with the largest cut, if a ladder was run.
    pub best_ladder_rung: Option<LineVerdict>,
    /// Overall comparison: the best status among the ALVH programs.
    pub status: ClaimStatus,
    /// The overall verdict in plain words.
    pub text: String,
}

impl Verdict {
    /// The verdict as plain text: the overall sentence, then one line per program.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = format!("{}\n", self.text);
        for p in self.programs.iter().chain(&self.best_ladder_rung) {
            out.push_str(&format!("- {}\n", p.text));
        }
        out
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// A drag in percent: two decimals below 1%, so small costs do not print as 0.0%.
fn pct_drag(x: f64) -> String {
    if x.abs() < 0.01 {
        format!("{:.2}%", 100.0 * x)
    } else {
        pct(x)
    }
}

/// A claimed range such as "35-40%".
fn claim_range(r: [f64; 2]) -> String {
    format!("{}-{}%", 100.0 * r[0], 100.0 * r[1])
}

fn status_of(cut_ci: [f64; 2], drag: f64) -> ClaimStatus {
    if !(cut_ci[0].is_finite() && cut_ci[1].is_finite() && drag.is_finite()) {
        ClaimStatus::NoData
    } else if cut_ci[0] >= CLAIMED_CUT[0] {
        if drag <= CLAIMED_DRAG[1] {
            ClaimStatus::Supported
        } else {
            ClaimStatus::CutButCostly
        }
    } else if cut_ci[1] >= CLAIMED_CUT[0] {
        ClaimStatus::Inconclusive
    } else {
        ClaimStatus::BelowClaim
    }
}

fn line_verdict(name: &str, s: &StrategySummary) -> LineVerdict {
    let r = &s.drawdown_reduction;
    let status = status_of(r.ci95, s.annual_drag);
    let claim = claim_range(CLAIMED_CUT);
    let cut = format!(
        "moderate-stress drawdown cut {} (95% CI {} to {})",
        pct(r.mean_ratio),
        pct(r.ci95[0]),
        pct(r.ci95[1])
    );
    let against = match status {
        ClaimStatus::Supported | ClaimStatus::CutButCostly => {
            format!("reaching the claimed {claim}")
        }
        ClaimStatus::Inconclusive => format!("not distinguishable from the claimed {claim}"),
        ClaimStatus::BelowClaim if r.ci95[1] < CLAIMED_CUT[0] / 2.0 => {
            format!("far below the claimed {claim}")
        }
        ClaimStatus::BelowClaim => format!("below the claimed {claim}"),
        ClaimStatus::NoData => "not measurable".into(),
    };
    let drag = if s.annual_drag >= 0.0 {
        format!("at a drag of {}/yr", pct_drag(s.annual_drag))
    } else {
        format!(
            "with a gain of {}/yr (negative drag)",
            pct_drag(-s.annual_drag)
        )
    };
    let text = if status == ClaimStatus::NoData {
        format!("{name}: no moderate-stress paths to measure the claim on")
    } else {
        format!(
            "{name}: {cut}, {against}, {drag} (95% CI {} to {}; claimed {}), {} paths",
            pct_drag(s.annual_drag_ci95[0]),
            pct_drag(s.annual_drag_ci95[1]),
            claim_range(CLAIMED_DRAG),
            s.paths
        )
    };
    LineVerdict {
        name: name.into(),
        paths: s.paths,
        cut: r.mean_ratio,
        cut_ci95: r.ci95,
        drag: s.annual_drag,
        drag_ci95: s.annual_drag_ci95,
        status,
        text,
    }
}

/// Judges the claim on the regime summaries.
#[must_use]
pub fn judge(layout: &StudyLayout, regimes: &NamedMap<RegimeSummary>) -> Verdict {
    let moderate = regimes.get(CLAIM_REGIME);
    let lookup = |name: &str| moderate.and_then(|m| m.strategies.get(name));
    let mut programs = Vec::new();
    let mut rungs = Vec::new();
    for line in layout
        .lines
        .lines()
        .iter()
        .filter(|l| l.program.is_adaptive())
    {
        if let Some(s) = lookup(&line.name) {
            let v = line_verdict(&line.name, s);
            if line.units.is_some() {
                rungs.push(v);
            } else {
                programs.push(v);
            }
        }
    }
    let best_ladder_rung =
        rungs
            .into_iter()
            .filter(|v| v.cut.is_finite())
            .fold(None::<LineVerdict>, |best, v| match best {
                Some(b) if b.cut >= v.cut => Some(b),
                _ => Some(v),
            });
    let order = [
        ClaimStatus::Supported,
        ClaimStatus::CutButCostly,
        ClaimStatus::Inconclusive,
        ClaimStatus::BelowClaim,
    ];
    let status = order
        .into_iter()
        .find(|s| programs.iter().any(|p| p.status == *s))
        .unwrap_or(ClaimStatus::NoData);
    let claim = format!(
        "the claim (ALVH cuts moderate-stress drawdowns by {} at a drag of {}/yr)",
        claim_range(CLAIMED_CUT),
        claim_range(CLAIMED_DRAG)
    );
    let names = |s: ClaimStatus| {
        programs
            .iter()
            .filter(|p| p.status == s)
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let best = programs
        .iter()
        .filter(|p| p.cut.is_finite())
        .fold(None::<&LineVerdict>, |b, p| match b {
            Some(b) if b.cut >= p.cut => Some(b),
            _ => Some(p),
        });
    let mut text = match status {
        ClaimStatus::Supported => format!("Verdict: {claim} is supported by {}.", names(status)),
        ClaimStatus::CutButCostly => format!(
            "Verdict: {claim} holds for the cut but not the cost: {} reach the cut at more than {}%/yr.",
            names(status),
            100.0 * CLAIMED_DRAG[1]
        ),
        ClaimStatus::Inconclusive => format!(
            "Verdict: {claim} is neither confirmed nor rejected: the 95% CI of {} contains {}%.",
            names(status),
            100.0 * CLAIMED_CUT[0]
        ),
        ClaimStatus::BelowClaim => format!(
            "Verdict: {claim} is not supported: the 95% CI of every ALVH reading lies below {}%.",
            100.0 * CLAIMED_CUT[0]
        ),
        ClaimStatus::NoData => format!("Verdict: {claim} could not be tested (no moderate-stress paths or no ALVH program)."),
    };
    let largest = |what: &str, b: &LineVerdict| {
        format!(
            " Largest cut {what}: {} with {} (95% CI {} to {}) at a drag of {}/yr.",
            b.name,
            pct(b.cut),
            pct(b.cut_ci95[0]),
            pct(b.cut_ci95[1]),
            pct_drag(b.drag)
        )
    };
    if let Some(b) = best {
        text.push_str(&largest("at the programs' own size", b));
    }
    if let Some(b) = &best_ladder_rung {
        text.push_str(&largest("on the units ladder", b));
    }
    Verdict {
        regime: CLAIM_REGIME.into(),
        claimed_cut: CLAIMED_CUT,
        claimed_drag: CLAIMED_DRAG,
        programs,
        best_ladder_rung,
        status,
        text,
    }
}
