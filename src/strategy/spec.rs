//! What a run's books are: the condor parameters and the hedge programs, resolved
//! from the configuration once per run and shared by every path.

use super::condor::MAX_CONDORS;
use super::hedge::{layer_capacity, HedgeCosts, MAX_HEDGE_POSITIONS, MAX_LAYERS};
use crate::config::{
    AdaptiveConfig, CondorConfig, Config, ConfigError, HedgeConfig, HedgeProgram, LayerConfig,
    LayerInForce, ProgramInForce, VxthConfig,
};

pub use crate::config::limits::{MAX_PROGRAMS, MAX_RUNGS};

/// A run's books do not fit the fixed capacities of the per-path state.
#[derive(Debug, thiserror::Error)]
pub enum StrategyError {
    /// More condors may be open at once than the book has slots for.
    #[error("condor.max_open = {0} exceeds the book's capacity of {MAX_CONDORS}")]
    TooManyCondors(u32),
    /// More hedge programs than one path evaluates.
    #[error("{0} hedge programs requested; at most {MAX_PROGRAMS}")]
    TooManyPrograms(usize),
    /// A program has more layers than a hedge book holds.
    #[error("program {program}: {count} hedge.layers; at most {MAX_LAYERS}")]
    TooManyLayers {
        /// Program name.
        program: &'static str,
        /// Layers configured.
        count: usize,
    },
    /// A program's layers can hold more positions at once than a hedge book has slots.
    #[error(
        "program {program}: the layers can hold {needed} positions at once; at most \
         {MAX_HEDGE_POSITIONS} (enter less often or hold shorter)"
    )]
    TooManyPositions {
        /// Program name.
        program: &'static str,
        /// Positions the layers can hold at once.
        needed: usize,
    },
    /// A program's units ladder is longer than the per-path state holds.
    #[error("program {program}: {count} hedge.units_ladder rungs; at most {MAX_RUNGS}")]
    TooManyRungs {
        /// Program name.
        program: &'static str,
        /// Rungs configured.
        count: usize,
    },
    /// The preset holding a named reading's layers could not be loaded.
    #[error(transparent)]
    Preset(#[from] ConfigError),
}

/// What kind of book a [`HedgeProgram`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramKind {
    /// No hedge.
    None,
    /// VIX layers; `adaptive` applies the scale s(t), else s = 1.
    Layers {
        /// Whether the ALVH adaptive scale sizes each new entry.
        adaptive: bool,
    },
    /// The VXTH-style one-month calls.
    Vxth,
}

impl ProgramKind {
    /// The kind of `program`.
    #[must_use]
    pub fn of(program: HedgeProgram) -> Self {
        match program {
            HedgeProgram::None => ProgramKind::None,
            HedgeProgram::Vxth => ProgramKind::Vxth,
            p => ProgramKind::Layers {
                adaptive: p.is_adaptive(),
            },
        }
    }
}

/// One hedge program as run on every path.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgramSpec {
    /// Which program (its name and kind).
    pub program: HedgeProgram,
    /// The layers (empty for `none` and `vxth`).
    pub layers: Vec<LayerConfig>,
    /// Multiple of the one-unit layer sizes held by the program's own line.
    pub units: f64,
    /// Unit multiples k of the ladder lines (condor + k x one-unit hedge P&L);
    /// empty for none.
    pub ladder: Vec<f64>,
}

impl ProgramSpec {
    /// The program's kind.
    #[must_use]
    pub fn kind(&self) -> ProgramKind {
        ProgramKind::of(self.program)
    }

    /// Whether `self` and `other` have the same own line on every path,
    /// whatever their names and ladders: the same kind and layers, and for
    /// layered programs the same units (`none` and `vxth` do not read
    /// `units`).
    #[must_use]
    pub fn same_line(&self, other: &ProgramSpec) -> bool {
        let kind = self.kind();
        kind == other.kind()
            && self.layers == other.layers
            && (!matches!(kind, ProgramKind::Layers { .. }) || self.units == other.units)
    }

    /// Whether `self` and `other` have the same ladder lines on every path:
    /// the same kind, layers and ladder, whatever their units (a rung is the
    /// condor's equity plus k times the one-unit ledger, which no program's
    /// own size changes).
    #[must_use]
    pub fn same_rungs(&self, other: &ProgramSpec) -> bool {
        self.kind() == other.kind() && self.layers == other.layers && self.ladder == other.ladder
    }

    /// `program` as `config` defines it: layered programs take the config's
    /// `[hedge]` layers, or for a named reading (`alvh-seed`, ...) the layers of
    /// that preset; all take the config's `hedge.units` (so `--set hedge.units=2`
    /// scales every reading alike). ALVH (adaptive) programs get the config's
    /// `units_ladder`; static ones, `none` and `vxth` none, as `docs/books.md` describes.
    ///
    /// # Errors
    /// A named reading's preset fails to load (a build defect).
    pub fn from_config(config: &Config, program: HedgeProgram) -> Result<Self, StrategyError> {
        let layers = match (ProgramKind::of(program), program.layers_preset()) {
            (ProgramKind::Layers { .. }, Some(preset)) => Config::preset(preset)?.hedge.layers,
            (ProgramKind::Layers { .. }, None) => config.hedge.layers.clone(),
            _ => Vec::new(),
        };
        Ok(Self {
            program,
            layers,
            units: config.hedge.units,
            ladder: if program.is_adaptive() {
                config.hedge.units_ladder.clone()
            } else {
                Vec::new()
            },
        })
    }
}

/// Everything the books of one run need, shared read-only by all paths.
#[derive(Debug, Clone, PartialEq)]
pub struct BookSpec {
    /// The condor book.
    pub condor: CondorConfig,
    /// Hedge trading costs.
    pub costs: HedgeCosts,
    /// The ALVH adaptive scale (shared by every adaptive program).
    pub adaptive: AdaptiveConfig,
    /// The VXTH-style program.
    pub vxth: VxthConfig,
    /// The programs, in output order.
    pub programs: Vec<ProgramSpec>,
}

impl BookSpec {
    /// Books from their parts, checked against the fixed capacities.
    ///
    /// # Errors
    /// A capacity of the per-path state is exceeded.
    pub fn new(
        condor: CondorConfig,
        hedge: &HedgeConfig,
        programs: Vec<ProgramSpec>,
    ) -> Result<Self, StrategyError> {
        if condor.max_open as usize > MAX_CONDORS {
            return Err(StrategyError::TooManyCondors(condor.max_open));
        }
        if programs.len() > MAX_PROGRAMS {
            return Err(StrategyError::TooManyPrograms(programs.len()));
        }
        for p in &programs {
            let program = p.program.name();
            if p.layers.len() > MAX_LAYERS {
                return Err(StrategyError::TooManyLayers {
                    program,
                    count: p.layers.len(),
                });
            }
            let needed = layer_capacity(&p.layers);
            if needed > MAX_HEDGE_POSITIONS {
                return Err(StrategyError::TooManyPositions { program, needed });
            }
            if p.ladder.len() > MAX_RUNGS {
                return Err(StrategyError::TooManyRungs {
                    program,
                    count: p.ladder.len(),
                });
            }
        }
        Ok(Self {
            condor,
            costs: HedgeCosts::from(hedge),
            adaptive: hedge.adaptive.clone(),
            vxth: hedge.vxth.clone(),
            programs,
        })
    }

    /// The programs and their sizes as in force, for the stderr block and
    /// `summary.json`'s `"resolved"`.
    #[must_use]
    pub fn in_force(&self) -> Vec<ProgramInForce> {
        let capital = self.condor.capital;
        self.programs
            .iter()
            .map(|p| {
                let (source, units) = match (p.kind(), p.program.layers_preset()) {
                    (ProgramKind::None, _) => ("no hedge".to_string(), 0.0),
                    (ProgramKind::Vxth, _) => {
                        let v = &self.vxth;
                        let tiers: Vec<String> = v
                            .tier_weights
                            .iter()
                            .map(|w| format!("{}%", 100.0 * w))
                            .collect();
                        (
                            format!(
                                "[hedge.vxth] {}-delta VIX calls, {} days, rolled every {} days, \
                                 premium {} of equity by 1-month future tiers {:?}",
                                v.delta,
                                v.tenor_days,
                                v.roll_every_days,
                                tiers.join("/"),
                                v.tier_levels
                            ),
                            1.0,
                        )
                    }
                    (ProgramKind::Layers { .. }, Some(preset)) => {
                        (format!("preset {preset} layers"), p.units)
                    }
                    (ProgramKind::Layers { .. }, None) => ("[hedge] layers".to_string(), p.units),
                };
                ProgramInForce {
                    name: p.program.name(),
                    source,
                    adaptive: p.program.is_adaptive(),
                    units,
                    layers: p
                        .layers
                        .iter()
                        .map(|l| LayerInForce::new(l, p.units, capital))
                        .collect(),
                    ladder: p.ladder.clone(),
                }
            })
            .collect()
    }

    /// The books of `config` for `programs` (in that order).
    ///
    /// # Errors
    /// A capacity is exceeded or a named reading's preset fails to load.
    pub fn from_config(config: &Config, programs: &[HedgeProgram]) -> Result<Self, StrategyError> {
        let specs = programs
            .iter()
            .map(|&p| ProgramSpec::from_config(config, p))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(config.condor.clone(), &config.hedge, specs)
    }
}
