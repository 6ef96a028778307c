//! The TOML configuration of DESIGN.md section 8: schema, presets, layering,
//! `--set` overrides and validation.
//!
//! Layering, later wins: built-in defaults <- preset (`default` unless named) <-
//! config file (tables deep-merged, arrays replaced) <- each `--set` in order.
//! Every struct denies unknown keys and gives every key a default, so a file sets
//! only what it changes.

mod books;
mod error;
pub mod limits;
mod presets;
mod sections;
mod validate;
mod value;

use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Value;

pub use books::{
    AdaptiveConfig, CondorConfig, HedgeConfig, HedgeProgram, Instrument, LayerConfig, StrikeKind,
    StrikeRule, VxthConfig,
};
pub use error::ConfigError;
pub use sections::{
    EventConfig, InitialVariance, MarketConfig, ModelConfig, QOverrides, Regime, RegimesConfig,
    SimulationConfig,
};

use crate::model::SimError;
use crate::model::{MarketModel, Measure};
use crate::shared::params::SimParams;

/// A complete, resolved configuration. `Default` is the built-in defaults: the
/// `default` preset's market, P model, books and simulation, with Q = P and no
/// scheduled events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `[simulation]`: path count, horizon, steps, seed.
    pub simulation: SimulationConfig,
    /// `[market]`: spot, rates, initial variance.
    pub market: MarketConfig,
    /// `[model]` and `[model.q]`: SVCJ parameters under P and Q.
    pub model: ModelConfig,
    /// `[[events]]`: scheduled events (at most 8).
    pub events: Vec<EventConfig>,
    /// `[condor]`: the iron-condor book.
    pub condor: CondorConfig,
    /// `[hedge]`: hedge sizing, costs, layers, adaptive scale and VXTH.
    pub hedge: HedgeConfig,
    /// `[regimes]`: stress regime boundaries on path max VIX.
    pub regimes: RegimesConfig,
}

/// Every shipped preset as (name, one-line description).
#[must_use]
pub fn presets() -> &'static [(&'static str, &'static str)] {
    presets::LIST
}

impl Config {
    /// Resolves the layers: built-in defaults <- preset (`default` when `None`) <-
    /// the TOML file `config` <- each of `sets` in order; then validates.
    ///
    /// # Errors
    /// Unknown preset, unreadable or malformed file, unknown key, wrong type, bad
    /// `--set`, or a value out of range.
    pub fn load(
        config: Option<&Path>,
        preset: Option<&str>,
        sets: &[String],
    ) -> Result<Config, ConfigError> {
        let mut value = Self::preset(preset.unwrap_or("default"))?.to_value();
        if let Some(path) = config {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
                path: name.clone(),
                message: error::one_line(&e.to_string()),
            })?;
            value::merge(&mut value, Value::Table(value::parse_table(&text, &name)?));
        }
        let mut config: Config = value::from_value(value)?;
        for assignment in sets {
            config.apply_set(assignment)?;
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
    /// TOML literal if it parses as one, else a string. An index one past the end
    /// appends an element with default keys. Does not validate ranges.
    ///
    /// # Errors
    /// Not `key=value`, a path through a non-table or past the end of an array, an
    /// unknown key, or a value of the wrong type. `self` is unchanged on error.
    pub fn apply_set(&mut self, assignment: &str) -> Result<(), ConfigError> {
        let mut value = self.to_value();
        value::set_path(&mut value, assignment)?;
        *self = value::from_value(value)?;
        Ok(())
    }

    /// Checks every range of DESIGN.md and the issue; returns the warnings (such
    /// as a failed Feller condition) when nothing is out of range.
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
