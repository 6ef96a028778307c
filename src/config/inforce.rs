//! Where a configuration came from and what is in force: the layers given on
//! the command line ([`Layers`]), and the block every command prints on stderr
//! before it works and writes into its JSON as `"resolved"` ([`InForce`]).

use std::fmt::{self, Write as _};
use std::path::PathBuf;

use serde::Serialize;

use super::books::{Instrument, LayerConfig, StrikeKind};
use super::sections::{EventConfig, MarketConfig};
use super::Config;
use crate::model::SvcjParams;

/// A dedicated flag (`--paths 5`) that sets a config key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The flag as typed, `--paths`.
    pub flag: &'static str,
    /// The key it sets, `simulation.paths`.
    pub key: &'static str,
    /// The value, as TOML.
    pub value: String,
}

impl Flag {
    /// `flag` setting `key` to `value`.
    #[must_use]
    pub fn new(flag: &'static str, key: &'static str, value: impl ToString) -> Self {
        Self {
            flag,
            key,
            value: value.to_string(),
        }
    }
}

/// The layers of a configuration, applied in this order: the preset (or, with a
/// file and no preset, the bare base; with neither, the `default` preset), the
/// file, each `--set`, then the flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layers {
    /// `--preset`.
    pub preset: Option<String>,
    /// `--config`.
    pub config: Option<PathBuf>,
    /// Each `--set key=value`, in order.
    pub sets: Vec<String>,
    /// The dedicated flags given.
    pub flags: Vec<Flag>,
}

impl Layers {
    /// The preset the layers start from: `None` for the bare base.
    #[must_use]
    pub fn base_preset(&self) -> Option<&str> {
        match (&self.preset, &self.config) {
            (Some(p), _) => Some(p),
            (None, Some(_)) => None,
            (None, None) => Some("default"),
        }
    }
}

/// One measure's model parameters as in force.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureInForce {
    /// Drift of the index (`model.mu` under P, `market.r` under Q), per year.
    pub drift: f64,
    /// Mean-reversion speed of variance, per year.
    pub kappa: f64,
    /// Long-run diffusive variance, annualised variance.
    pub theta: f64,
    /// Volatility of variance, per sqrt(year).
    pub sigma_v: f64,
    /// Price-variance correlation.
    pub rho: f64,
    /// Jump intensity, jumps per year.
    pub lambda: f64,
    /// Mean log-price jump at a zero variance jump, log price.
    pub mu_s: f64,
    /// Log-price jump standard deviation, log price.
    pub sigma_s: f64,
    /// Mean variance jump, annualised variance.
    pub mu_v: f64,
    /// Price-jump loading on the variance jump.
    pub rho_j: f64,
    /// Under Q, the keys `[model.q]` leaves out, which take their `[model]` value
    /// (empty under P).
    pub from_p: Vec<&'static str>,
}

impl MeasureInForce {
    fn new(drift: f64, p: &SvcjParams, from_p: Vec<&'static str>) -> Self {
        Self {
            drift,
            kappa: p.kappa,
            theta: p.theta,
            sigma_v: p.sigma_v,
            rho: p.rho,
            lambda: p.lambda,
            mu_s: p.mu_s,
            sigma_s: p.sigma_s,
            mu_v: p.mu_v,
            rho_j: p.rho_j,
            from_p,
        }
    }
}

/// One hedge layer as a program holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerInForce {
    /// Label.
    pub name: String,
    /// `call` or `future`.
    pub instrument: &'static str,
    /// Contracts per 1,000,000 USD of capital at one unit.
    pub contracts_per_million: f64,
    /// Contracts the program's own line buys at a full scale of 1:
    /// round(contracts x units x capital / 1,000,000 USD).
    pub contracts_held: f64,
    /// Tenor at entry, trading days.
    pub tenor_days: u32,
    /// First entry day, trading days.
    pub offset_days: u32,
    /// Days between entries (0: when the held one rolls or expires), trading days.
    pub every_days: u32,
    /// Roll with this many days left (0: held to expiry), trading days.
    pub roll_days_left: u32,
    /// The strike rule, `otm_frac 0.25` (empty for futures).
    pub strike: String,
}

impl LayerInForce {
    /// `layer` held at `units` on `capital` USD.
    #[must_use]
    pub fn new(layer: &LayerConfig, units: f64, capital: f64) -> Self {
        let unit = layer.contracts * capital / 1_000_000.0;
        let (instrument, strike) = match layer.instrument {
            Instrument::Call => {
                let kind = match layer.strike.kind {
                    StrikeKind::OtmFrac => "otm_frac",
                    StrikeKind::PointsOverF => "points_over_f",
                    StrikeKind::Delta => "delta",
                };
                ("call", format!("{kind} {}", layer.strike.value))
            }
            Instrument::Future => ("future", String::new()),
        };
        Self {
            name: layer.name.clone(),
            instrument,
            contracts_per_million: layer.contracts,
            contracts_held: (unit * units + 0.5).floor(),
            tenor_days: layer.tenor_days,
            offset_days: layer.offset_days,
            every_days: layer.every_days,
            roll_days_left: layer.roll_days_left,
            strike,
        }
    }
}

/// One hedge program of a `run` as in force.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgramInForce {
    /// Its name (`none`, `alvh`, ...).
    pub name: &'static str,
    /// Where its layers come from (`[hedge]`, a named reading's preset, `[hedge.vxth]`).
    pub source: String,
    /// Whether the ALVH adaptive scale sizes each entry.
    pub adaptive: bool,
    /// Its line's hedge size, units (0 for `none`).
    pub units: f64,
    /// Its layers (empty for `none` and `vxth`).
    pub layers: Vec<LayerInForce>,
    /// The units-ladder rungs evaluated beside it, units.
    pub ladder: Vec<f64>,
}

/// What is in force for one command: the layers, the market, both measures, the
/// events and, for `run`, the programs and their sizes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InForce {
    /// The preset the layers start from; null: the bare base (every key at its
    /// default, no events, Q = P).
    pub preset: Option<String>,
    /// Config files merged over it, in order.
    pub files: Vec<String>,
    /// `--set` assignments, in order.
    pub sets: Vec<String>,
    /// Dedicated flags, as `--paths 1000`.
    pub flags: Vec<String>,
    /// `[market]`.
    pub market: MarketConfig,
    /// The path measure P (`[model]`).
    pub p: MeasureInForce,
    /// The pricing measure Q (`[model.q]` over `[model]`).
    pub q: MeasureInForce,
    /// The scheduled events (empty: none).
    pub events: Vec<EventConfig>,
    /// The hedge programs of a `run` (absent for other commands).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub programs: Option<Vec<ProgramInForce>>,
}

impl InForce {
    /// What `config`, resolved from `layers`, puts in force.
    #[must_use]
    pub fn new(config: &Config, layers: &Layers) -> Self {
        let m = &config.model;
        let q = &m.q;
        let from_p: Vec<&'static str> = [
            ("kappa", q.kappa),
            ("theta", q.theta),
            ("sigma_v", q.sigma_v),
            ("rho", q.rho),
            ("lambda", q.lambda),
            ("mu_s", q.mu_s),
            ("sigma_s", q.sigma_s),
            ("mu_v", q.mu_v),
            ("rho_j", q.rho_j),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k)
        .collect();
        Self {
            preset: layers.base_preset().map(str::to_string),
            files: layers
                .config
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            sets: layers.sets.clone(),
            flags: layers
                .flags
                .iter()
                .map(|f| format!("{} {}", f.flag, f.value))
                .collect(),
            market: config.market.clone(),
            p: MeasureInForce::new(m.mu, &m.p_params(), Vec::new()),
            q: MeasureInForce::new(config.market.r, &m.q_params(), from_p),
            events: config.events.clone(),
            programs: None,
        }
    }

    /// The same with the programs of a `run`.
    #[must_use]
    pub fn with_programs(mut self, programs: Vec<ProgramInForce>) -> Self {
        self.programs = Some(programs);
        self
    }
}

fn measure_line(out: &mut String, name: &str, drift: &str, m: &MeasureInForce) {
    let _ = write!(
        out,
        "  {name}: {drift} {}, kappa {}, theta {}, sigma_v {}, rho {}, lambda {}, mu_s {}, sigma_s {}, mu_v {}, rho_j {}",
        m.drift, m.kappa, m.theta, m.sigma_v, m.rho, m.lambda, m.mu_s, m.sigma_s, m.mu_v, m.rho_j
    );
    if !m.from_p.is_empty() {
        if m.from_p.len() == 9 {
            out.push_str(" (all = P: no [model.q] keys)");
        } else {
            let _ = write!(out, " ({} = P)", m.from_p.join(", "));
        }
    }
    out.push('\n');
}

/// The events in one phrase (`none`, or each with its calendar and size).
#[must_use]
pub fn describe_events(events: &[EventConfig]) -> String {
    if events.is_empty() {
        return "none".to_string();
    }
    events
        .iter()
        .map(|e| {
            let when = if e.every_days == 0 {
                format!("day {}", e.first_day)
            } else {
                format!("day {} then every {} days", e.first_day, e.every_days)
            };
            let name = if e.name.is_empty() {
                "(unnamed)"
            } else {
                &e.name
            };
            let mut s = format!("{name} {when}, jump sd {}", e.jump_sd);
            if e.var_bump > 0.0 {
                let _ = write!(s, ", variance bump {}", e.var_bump);
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl fmt::Display for InForce {
    /// The stderr block: one header line and one indented line per part.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::from("in force: ");
        match &self.preset {
            Some(p) => {
                let _ = write!(out, "preset {p}");
            }
            None => out.push_str("bare base (no preset: defaults, no events, Q = P)"),
        }
        for file in &self.files {
            let _ = write!(out, ", config {file}");
        }
        for set in &self.sets {
            let _ = write!(out, ", --set {set}");
        }
        for flag in &self.flags {
            let _ = write!(out, ", {flag}");
        }
        out.push('\n');
        let m = &self.market;
        let _ = writeln!(
            out,
            "  market: spot {} pts, r {}, q {}, v0 {}",
            m.spot, m.r, m.q, m.v0
        );
        measure_line(&mut out, "P (paths)", "mu", &self.p);
        measure_line(&mut out, "Q (pricing)", "r", &self.q);
        let _ = writeln!(out, "  events: {}", describe_events(&self.events));
        if let Some(programs) = &self.programs {
            for p in programs {
                let _ = write!(out, "  program {}: ", p.name);
                if p.layers.is_empty() {
                    out.push_str(&p.source);
                } else {
                    let layers: Vec<String> = p
                        .layers
                        .iter()
                        .map(|l| {
                            format!(
                                "{} {} x{} {}d",
                                l.name, l.instrument, l.contracts_held, l.tenor_days
                            )
                        })
                        .collect();
                    let _ = write!(
                        out,
                        "{} at {} units{}: {}",
                        p.source,
                        p.units,
                        if p.adaptive { ", adaptive" } else { "" },
                        layers.join(", ")
                    );
                }
                if !p.ladder.is_empty() {
                    let rungs: Vec<String> = p.ladder.iter().map(f64::to_string).collect();
                    let _ = write!(out, "; ladder {} units", rungs.join("/"));
                }
                out.push('\n');
            }
        }
        f.write_str(out.trim_end())
    }
}
