//! The points of a sweep: `--grid KEY=V1,V2,...` options expanded as a
//! cartesian product (or, zipped, in step), each point a set of `--set`
//! assignments over the run's base configuration.

use crate::config::{Config, ConfigError};

/// One `--grid KEY=V1,V2,...`: a config key (any `--set` key, or
/// `hedge.layers[*].KEY` for that key on every layer) and its values as TOML
/// literals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    /// The key as given.
    pub key: String,
    /// The values as given (TOML literals), in order.
    pub values: Vec<String>,
}

/// Errors of the sweep's grids and points.
#[derive(Debug, thiserror::Error)]
pub enum GridError {
    /// `--grid` without `KEY=` or without values.
    #[error("--grid {0:?}: expected KEY=V1,V2,... with at least one value")]
    Malformed(String),
    /// No `--grid` at all.
    #[error("sweep: give at least one --grid KEY=V1,V2,...")]
    Empty,
    /// The same key twice.
    #[error("--grid {0}: the key is given twice")]
    Duplicate(String),
    /// `--zip` over grids of different lengths.
    #[error("--zip: grids of unequal length ({0})")]
    UnequalZip(String),
    /// `hedge.layers[*]` with no layers to set.
    #[error("--grid {0}: the base configuration has no hedge.layers to set")]
    NoLayers(String),
    /// A value that the configuration refuses (unknown key, wrong type, out of range).
    #[error("--grid {key}={value}: {reason}")]
    Config {
        /// The grid key.
        key: String,
        /// The value.
        value: String,
        /// Why the configuration refused it.
        reason: Box<ConfigError>,
    },
    /// A point whose values are each valid but not together.
    #[error("sweep point {index} ({values}): {reason}")]
    Point {
        /// The point's index.
        index: usize,
        /// Its values, `KEY=VALUE, ...`.
        values: String,
        /// Why the configuration refused it.
        reason: Box<ConfigError>,
    },
    /// Too many points.
    #[error("sweep: {0} points; at most {MAX_POINTS}")]
    TooMany(usize),
}

/// Most points one sweep evaluates.
pub const MAX_POINTS: usize = 4096;

/// Splits `a,b,[c,d],"e,f"` at the commas outside brackets, braces and quotes.
fn split_values(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut cur) = (0i32, None::<char>, String::new());
    for c in s.chars() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(std::mem::take(&mut cur).trim().to_string());
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur.trim().to_string());
    out
}

impl Grid {
    /// Parses `KEY=V1,V2,...`.
    ///
    /// # Errors
    /// No `=`, an empty key or an empty value.
    pub fn parse(text: &str) -> Result<Self, GridError> {
        let (key, values) = text
            .split_once('=')
            .ok_or_else(|| GridError::Malformed(text.to_string()))?;
        let key = key.trim();
        let values = split_values(values);
        if key.is_empty() || values.iter().any(String::is_empty) {
            return Err(GridError::Malformed(text.to_string()));
        }
        Ok(Self {
            key: key.to_string(),
            values,
        })
    }

    /// The `--set` assignments of value `i` on `base`: one, or one per layer
    /// for `hedge.layers[*].KEY`.
    fn assignments(&self, i: usize, base: &Config) -> Result<Vec<String>, GridError> {
        let value = &self.values[i];
        match self.key.strip_prefix("hedge.layers[*].") {
            Some(rest) => {
                if base.hedge.layers.is_empty() {
                    return Err(GridError::NoLayers(self.key.clone()));
                }
                Ok((0..base.hedge.layers.len())
                    .map(|l| format!("hedge.layers[{l}].{rest}={value}"))
                    .collect())
            }
            None => Ok(vec![format!("{}={value}", self.key)]),
        }
    }
}

/// One point of a sweep.
#[derive(Debug, Clone)]
pub struct Point {
    /// Index in the sweep, from 0.
    pub index: usize,
    /// (grid key, value as given), in grid order.
    pub values: Vec<(String, String)>,
    /// The `--set` assignments applied over the base.
    pub sets: Vec<String>,
    /// The resolved, validated configuration.
    pub config: Config,
}

/// The points of `grids` over `base`: the cartesian product (the last grid
/// varying fastest), or with `zip` the grids in step. Every point is resolved
/// and validated, so a bad key or value fails before any work.
///
/// # Errors
/// No grid, a duplicate key, unequal zipped lengths, too many points, or a
/// value the configuration refuses.
pub fn points(base: &Config, grids: &[Grid], zip: bool) -> Result<Vec<Point>, GridError> {
    if grids.is_empty() {
        return Err(GridError::Empty);
    }
    for (i, g) in grids.iter().enumerate() {
        if grids[..i].iter().any(|h| h.key == g.key) {
            return Err(GridError::Duplicate(g.key.clone()));
        }
    }
    let combos: Vec<Vec<usize>> = if zip {
        let n = grids[0].values.len();
        if grids.iter().any(|g| g.values.len() != n) {
            let lens = grids
                .iter()
                .map(|g| format!("{}: {}", g.key, g.values.len()))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(GridError::UnequalZip(lens));
        }
        (0..n).map(|i| vec![i; grids.len()]).collect()
    } else {
        let total = grids
            .iter()
            .try_fold(1usize, |acc, g| acc.checked_mul(g.values.len()))
            .unwrap_or(usize::MAX);
        if total > MAX_POINTS {
            return Err(GridError::TooMany(total));
        }
        (0..total)
            .map(|mut k| {
                let mut idx = vec![0; grids.len()];
                for (slot, g) in idx.iter_mut().zip(grids).rev() {
                    *slot = k % g.values.len();
                    k /= g.values.len();
                }
                idx
            })
            .collect()
    };
    if combos.len() > MAX_POINTS {
        return Err(GridError::TooMany(combos.len()));
    }
    combos
        .into_iter()
        .enumerate()
        .map(|(index, idx)| {
            let mut config = base.clone();
            let mut sets = Vec::new();
            let mut values = Vec::new();
            for (g, &i) in grids.iter().zip(&idx) {
                let refused = |reason| GridError::Config {
                    key: g.key.clone(),
                    value: g.values[i].clone(),
                    reason: Box::new(reason),
                };
                for a in g.assignments(i, base)? {
                    config.apply_set(&a).map_err(refused)?;
                    sets.push(a);
                }
                values.push((g.key.clone(), g.values[i].clone()));
            }
            config.validate().map_err(|reason| GridError::Point {
                index,
                values: values
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                reason: Box::new(reason),
            })?;
            Ok(Point {
                index,
                values,
                sets,
                config,
            })
        })
        .collect()
}

/// Whether `a` and `b` simulate the same market: they differ at most in the
/// books (`[condor]`, `[hedge]`) and the reporting (`[regimes]`), so one
/// simulation of the paths serves both.
#[must_use]
pub fn same_market(a: &Config, b: &Config) -> bool {
    a.simulation == b.simulation
        && a.market == b.market
        && a.model == b.model
        && a.events == b.events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_split_outside_brackets_and_quotes() {
        assert_eq!(
            split_values(r#"1, [2,3], "a,b", {x = 1, y = 2}"#),
            vec!["1", "[2,3]", "\"a,b\"", "{x = 1, y = 2}"]
        );
    }

    #[test]
    fn product_varies_the_last_grid_fastest_and_zip_steps_together() {
        let base = Config::default();
        let g = [
            Grid::parse("hedge.units=1,2").unwrap(),
            Grid::parse("condor.short_delta=0.1,0.2,0.3").unwrap(),
        ];
        let p = points(&base, &g, false).unwrap();
        let got: Vec<(f64, f64)> = p
            .iter()
            .map(|p| (p.config.hedge.units, p.config.condor.short_delta))
            .collect();
        assert_eq!(
            got,
            vec![
                (1.0, 0.1),
                (1.0, 0.2),
                (1.0, 0.3),
                (2.0, 0.1),
                (2.0, 0.2),
                (2.0, 0.3)
            ]
        );
        assert!(matches!(
            points(&base, &g, true),
            Err(GridError::UnequalZip(_))
        ));
        let z = [
            Grid::parse("hedge.units=1,2").unwrap(),
            Grid::parse("condor.short_delta=0.1,0.2").unwrap(),
        ];
        let p = points(&base, &z, true).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[1].config.hedge.units, p[1].config.condor.short_delta),
            (2.0, 0.2)
        );
    }

    #[test]
    fn every_layer_takes_a_star_key() {
        let base = Config::default();
        let n = base.hedge.layers.len();
        assert!(n >= 2);
        let p = points(
            &base,
            &[Grid::parse("hedge.layers[*].tenor_days=6").unwrap()],
            false,
        )
        .unwrap();
        assert_eq!(p[0].sets.len(), n);
        assert!(p[0].config.hedge.layers.iter().all(|l| l.tenor_days == 6));
    }

    #[test]
    fn bad_grids_name_what_is_wrong() {
        let base = Config::default();
        assert!(matches!(
            Grid::parse("hedge.units"),
            Err(GridError::Malformed(_))
        ));
        assert!(matches!(
            Grid::parse("hedge.units="),
            Err(GridError::Malformed(_))
        ));
        assert!(matches!(points(&base, &[], false), Err(GridError::Empty)));
        let e = points(&base, &[Grid::parse("hedge.nope=1,2").unwrap()], false).unwrap_err();
        assert!(e.to_string().contains("hedge.nope"), "{e}");
        let dup = [
            Grid::parse("hedge.units=1").unwrap(),
            Grid::parse("hedge.units=2").unwrap(),
        ];
        assert!(matches!(
            points(&base, &dup, false),
            Err(GridError::Duplicate(_))
        ));
    }
}
