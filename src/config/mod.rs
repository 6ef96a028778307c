//! The TOML configuration (`docs/config.md`): schema, presets, layering,
//! `--set` overrides, validation and what is in force.
//!
//! Layering, later wins: the preset `--preset P` (with `--config F` and no
//! preset, the bare base [`Config::default`]; with neither, the `default`
//! preset) <- the config file (tables deep-merged, arrays replaced) <- each
//! `--set` in order <- the dedicated flags (`--paths` and friends; a flag and a
//! `--set` of the same key is an error). Every struct denies unknown keys and
//! gives every key a default, so a file sets only what it changes. Each key's
//! type, default, range, unit and meaning is declared once ([`schema`]).

mod books;
mod commented;
mod error;
mod identity;
mod inforce;
pub mod limits;
mod presets;
pub mod schema;
mod sections;
mod validate;
mod value;

use std::path::Path;

use toml::Value;

use schema::{section, Bound};

pub use books::{
    AdaptiveConfig, CondorConfig, HedgeConfig, HedgeProgram, Instrument, LayerConfig, StrikeKind,
    StrikeRule, VxthConfig,
};
pub use error::ConfigError;
pub use inforce::{
    describe_events, Flag, InForce, LayerInForce, Layers, MeasureInForce, ProgramInForce,
};
pub use sections::{
    EventConfig, InitialVariance, MarketConfig, ModelConfig, QOverrides, Regime, RegimeBounds,
    RegimeBy, RegimeMeasures, RegimesConfig, SimulationConfig, MAX_HORIZON_DAYS, MAX_PATHS,
};

use crate::model::SimError;
use crate::model::{MarketModel, Measure};
use crate::shared::params::{SimParams, MAX_EVENTS};

section! {
    /// A complete, resolved configuration. `Default` is the bare base: the
    /// `default` preset's market, P model, books and simulation, with Q = P
    /// (an empty `[model.q]`) and no scheduled events.
    pub struct Config {
        /// `[simulation]`: path count, horizon, steps, seed.
        simulation: SimulationConfig = SimulationConfig::default(), Bound::ANY, "";
        /// `[market]`: spot, rates, initial variance.
        market: MarketConfig = MarketConfig::default(), Bound::ANY, "";
        /// `[model]` and `[model.q]`: SVCJ parameters under P and Q.
        model: ModelConfig = ModelConfig::default(), Bound::ANY, "";
        /// `[[events]]`: scheduled events (CPI, FOMC), at most 8 types; none in the bare base.
        events: Vec<EventConfig> = Vec::new(), Bound::tables(MAX_EVENTS), "event types";
        /// `[condor]`: the iron-condor book.
        condor: CondorConfig = CondorConfig::default(), Bound::ANY, "";
        /// `[hedge]`: hedge sizing, costs, layers, adaptive scale and VXTH.
        hedge: HedgeConfig = HedgeConfig::default(), Bound::ANY, "";
        /// `[regimes]`: stress regime boundaries on the path max VIX.
        regimes: RegimesConfig = RegimesConfig::default(), Bound::ANY, "";
    }
}

/// Every shipped preset as (name, one-line description).
#[must_use]
pub fn presets() -> &'static [(&'static str, &'static str)] {
    presets::LIST
}

impl Config {
    /// Resolves `--preset`, `--config` and `--set` (no flags): see [`Config::resolve`].
    ///
    /// # Errors
    /// As [`Config::resolve`].
    pub fn load(
        config: Option<&Path>,
        preset: Option<&str>,
        sets: &[String],
    ) -> Result<Config, ConfigError> {
        Self::resolve(&Layers {
            preset: preset.map(str::to_string),
            config: config.map(Path::to_path_buf),
            sets: sets.to_vec(),
            flags: Vec::new(),
        })
    }

    /// Resolves the layers in order: the preset `P` (with a file and no preset,
    /// the bare base [`Config::default`]; with neither, the `default` preset),
    /// then the file (tables merged key by key, arrays replaced), then each
    /// `--set`, then the flags; then validates.
    ///
    /// # Errors
    /// A flag and a `--set` of the same key, an unknown preset, an unreadable or
    /// malformed file, an unknown key, a wrong type, a bad `--set`, or a value
    /// out of range.
    pub fn resolve(layers: &Layers) -> Result<Config, ConfigError> {
        for flag in &layers.flags {
            if let Some(set) = layers
                .sets
                .iter()
                .find(|s| value::set_key(s).as_deref() == Some(flag.key))
            {
                return Err(ConfigError::Conflict {
                    flag: flag.flag.to_string(),
                    set: set.clone(),
                    key: flag.key.to_string(),
                });
            }
        }
        let mut value = match layers.base_preset() {
            Some(name) => Self::preset(name)?.to_value(),
            None => Config::default().to_value(),
        };
        if let Some(path) = &layers.config {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
                path: name.clone(),
                message: error::one_line(&e.to_string()),
            })?;
            value::merge(&mut value, Value::Table(value::parse_table(&text, &name)?));
        }
        let mut config: Config = value::from_value(value)?;
        for assignment in &layers.sets {
            config.apply_set(assignment)?;
        }
        for flag in &layers.flags {
            config.apply_set(&format!("{}={}", flag.key, flag.value))?;
        }
        config.validate()?;
        Ok(config)
    }

    /// A shipped preset, merged over its base and validated.
    ///
    /// # Errors
    /// The name is not shipped (or, a build defect caught by tests, the preset is invalid).
    pub fn preset(name: &str) -> Result<Config, ConfigError> {
        let (base, text) = presets::source(name).ok_or_else(|| ConfigError::UnknownPreset {
            name: name.to_string(),
            available: presets::LIST
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", "),
        })?;
        let mut value = match base {
            Some(base) => Self::preset(base)?.to_value(),
            None => Config::default().to_value(),
        };
        value::merge(
            &mut value,
            Value::Table(value::parse_table(text, &format!("preset {name}"))?),
        );
        let config: Config = value::from_value(value)?;
        config.validate()?;
        Ok(config)
    }

    /// Parses a TOML document over the built-in defaults (not over a preset). Does
    /// not validate ranges: call [`Config::validate`].
    ///
    /// # Errors
    /// Malformed TOML, unknown key or wrong type.
    pub fn from_toml_str(s: &str) -> Result<Config, ConfigError> {
        let mut value = Config::default().to_value();
        value::merge(&mut value, Value::Table(value::parse_table(s, "string")?));
        value::from_value(value)
    }

    /// Applies one `key.path=value` override, such as `condor.short_delta=0.2`,
    /// `hedge.layers[2].tenor_days=15` or `events[0].jump_sd=0.01`. The value is a
    /// TOML literal if it parses as one, else a string. An index must address an
    /// existing element (to add one, set the whole array). Does not validate ranges.
    ///
    /// # Errors
    /// Not `key=value`, a path through a non-table or outside an array, an
    /// unknown key, or a value of the wrong type. `self` is unchanged on error.
    pub fn apply_set(&mut self, assignment: &str) -> Result<(), ConfigError> {
        let mut value = self.to_value();
        value::set_path(&mut value, assignment)?;
        *self = value::from_value(value)?;
        Ok(())
    }

    /// Checks every key against its range in the schema and the relations
    /// between keys; returns the warnings (such as a failed Feller condition, or
    /// condors floored at one contract) when nothing is out of range.
    ///
    /// # Errors
    /// The first value out of range, in schema order.
    pub fn validate(&self) -> Result<Vec<String>, ConfigError> {
        validate::validate(self)
    }

    /// The full resolved configuration as TOML; [`Config::from_toml_str`] reads it back to an equal value.
    #[must_use]
    pub fn to_toml_string(&self) -> String {
        toml::to_string(self).expect("every config field is representable in TOML")
    }

    /// The full resolved configuration as TOML with a comment on every key
    /// (meaning, unit, type, range and default, from the schema), opened by
    /// `header` as comment lines; it reads back to an equal value.
    #[must_use]
    pub fn to_commented_toml(&self, header: &str) -> String {
        commented::commented_toml(self, header)
    }

    /// The simulation model under `measure`: under P the drift is `model.mu` and the
    /// parameters are `[model]`; under Q the drift is `market.r` and each
    /// `[model.q]` key overrides its `[model]` value. Events are shared.
    #[must_use]
    pub fn market_model(&self, measure: Measure) -> MarketModel {
        let (mu, params) = match measure {
            Measure::P => (self.model.mu, self.model.p_params()),
            Measure::Q => (self.market.r, self.model.q_params()),
        };
        MarketModel {
            spot: self.market.spot,
            r: self.market.r,
            q: self.market.q,
            v0: self.market.v0.level_or_mean(&self.model.p_params()),
            mu,
            params,
            events: self.events.iter().map(EventConfig::params).collect(),
            measure,
        }
    }

    /// The kernel parameters of the study's paths: the model under P over
    /// `[simulation]`'s horizon, steps a day and seed.
    ///
    /// # Errors
    /// Too many event types, or a zero step count.
    pub fn sim_params(&self) -> Result<SimParams, SimError> {
        let sim = &self.simulation;
        let params = SimParams::new(
            &self.market_model(Measure::P),
            sim.horizon_days,
            sim.steps_per_day,
            sim.seed,
        )?;
        Ok(match self.market.v0 {
            InitialVariance::Level(_) => params,
            InitialVariance::Stationary => params.with_burn_in(&self.model.p_params()),
        })
    }

    fn to_value(&self) -> Value {
        Value::try_from(self).expect("every config field is representable in TOML")
    }
}
