//! The configuration's schema: for every key its type, default, allowed range,
//! unit and meaning, declared once, on one line per key, by the `section!`
//! macro that also generates the section's struct and its `Default`.
//!
//! Validation checks each key against its range from here ([`Section::check_keys`];
//! relations between keys, such as `long_delta < short_delta`, are checked in
//! `validate`), and `vixhedge config` writes its comments from here
//! ([`super::Config::to_commented_toml`]).

use std::fmt;

use super::error::ConfigError;

/// What a key holds, as a TOML user sees it.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// A number.
    Float,
    /// A number, or absent (a `[model.q]` key absent takes the `[model]` value).
    OptionalFloat,
    /// A number, or this one string (`market.v0 = "stationary"`).
    FloatOr(&'static str),
    /// A string.
    Text,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// An array of numbers.
    FloatList,
    /// A table with these keys (and its default, as TOML).
    Table(&'static [Field], fn() -> toml::Value),
    /// An array of tables with these keys (and the default of one element).
    TableList(&'static [Field], fn() -> toml::Value),
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Bool => f.write_str("true or false"),
            Kind::Integer => f.write_str("integer"),
            Kind::Float | Kind::OptionalFloat => f.write_str("number"),
            Kind::FloatOr(word) => write!(f, "number or \"{word}\""),
            Kind::Text => f.write_str("string"),
            Kind::Choice(options) => write!(f, "one of {}", options.join(", ")),
            Kind::FloatList => f.write_str("array of numbers"),
            Kind::Table(..) => f.write_str("table"),
            Kind::TableList(..) => f.write_str("array of tables"),
        }
    }
}

/// The allowed values of a key: an interval for numbers (and for each element
/// of a list of numbers) and, for arrays, a longest length.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// Lower end of the interval (`-inf`: none).
    pub lo: f64,
    /// Whether `lo` itself is allowed.
    pub lo_closed: bool,
    /// Upper end of the interval (`inf`: none).
    pub hi: f64,
    /// Whether `hi` itself is allowed.
    pub hi_closed: bool,
    /// Most elements of an array (`usize::MAX`: no limit, or not an array).
    pub max_len: usize,
}

impl Bound {
    /// Any finite value.
    pub const ANY: Bound = Bound {
        lo: f64::NEG_INFINITY,
        lo_closed: false,
        hi: f64::INFINITY,
        hi_closed: false,
        max_len: usize::MAX,
    };

    /// `[lo, hi]`.
    #[must_use]
    pub const fn closed(lo: f64, hi: f64) -> Self {
        Bound {
            lo,
            lo_closed: true,
            hi,
            hi_closed: true,
            ..Self::ANY
        }
    }

    /// `(lo, hi)`.
    #[must_use]
    pub const fn open(lo: f64, hi: f64) -> Self {
        Bound {
            lo,
            hi,
            ..Self::ANY
        }
    }

    /// `(lo, hi]`.
    #[must_use]
    pub const fn above(lo: f64, hi: f64) -> Self {
        Bound {
            lo,
            hi,
            hi_closed: true,
            ..Self::ANY
        }
    }

    /// `[lo, hi)`.
    #[must_use]
    pub const fn from_below(lo: f64, hi: f64) -> Self {
        Bound {
            lo,
            lo_closed: true,
            hi,
            ..Self::ANY
        }
    }

    /// The same interval, for an array of at most `max_len` elements.
    #[must_use]
    pub const fn list(self, max_len: usize) -> Self {
        Bound { max_len, ..self }
    }

    /// An array of at most `max_len` tables.
    #[must_use]
    pub const fn tables(max_len: usize) -> Self {
        Self::ANY.list(max_len)
    }

    /// Whether `x` lies in the interval.
    #[must_use]
    pub fn contains(&self, x: f64) -> bool {
        let above = if self.lo_closed {
            x >= self.lo
        } else {
            x > self.lo
        };
        let below = if self.hi_closed {
            x <= self.hi
        } else {
            x < self.hi
        };
        x.is_finite() && above && below
    }

    /// Whether the interval allows every finite number.
    #[must_use]
    pub fn is_unbounded(&self) -> bool {
        self.lo == f64::NEG_INFINITY && self.hi == f64::INFINITY
    }

    fn check_number(&self, key: &str, x: f64, shown: &dyn fmt::Display, unit: &str) -> Check {
        if self.contains(x) {
            return Ok(());
        }
        let reason = if x.is_finite() {
            format!("must be {self}")
        } else {
            "must be finite".to_string()
        };
        let reason = if unit.is_empty() {
            reason
        } else {
            format!("{reason} ({unit})")
        };
        Err(ConfigError::invalid(key, shown, reason))
    }

    fn check_len(&self, key: &str, len: usize, what: &str) -> Check {
        if len <= self.max_len {
            Ok(())
        } else {
            Err(ConfigError::invalid(
                key,
                format!("{len} {what}"),
                format!("at most {} {what}", self.max_len),
            ))
        }
    }
}

/// A number as the error messages and comments write it: integers without a
/// fraction, large ones in full.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e16 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (lo, hi) = (self.lo > f64::NEG_INFINITY, self.hi < f64::INFINITY);
        match (lo, hi) {
            (false, false) => f.write_str("finite"),
            (true, false) => {
                let op = if self.lo_closed { ">=" } else { ">" };
                write!(f, "{op} {}", number(self.lo))
            }
            (false, true) => {
                let op = if self.hi_closed { "<=" } else { "<" };
                write!(f, "{op} {}", number(self.hi))
            }
            (true, true) => write!(
                f,
                "in {}{}, {}{}",
                if self.lo_closed { '[' } else { '(' },
                number(self.lo),
                number(self.hi),
                if self.hi_closed { ']' } else { ')' }
            ),
        }
    }
}

/// One key of a section.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The key's name inside its table.
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Its allowed values.
    pub bound: Bound,
    /// Its unit (empty: a pure number, a name or a switch).
    pub unit: &'static str,
    /// What it means (the doc comment of the struct field).
    pub meaning: &'static str,
}

impl Field {
    /// The meaning on one line.
    #[must_use]
    pub fn meaning(&self) -> String {
        self.meaning
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The range as a comment writes it (`None` where any value of the type goes).
    #[must_use]
    pub fn range(&self) -> Option<String> {
        let interval = (!self.bound.is_unbounded()).then(|| self.bound.to_string());
        let len =
            (self.bound.max_len < usize::MAX).then(|| format!("at most {}", self.bound.max_len));
        match (interval, len) {
            (None, None) => None,
            (Some(i), None) => Some(i),
            (None, Some(l)) => Some(l),
            (Some(i), Some(l)) => Some(format!("{l}, each {i}")),
        }
    }
}

type Check = Result<(), ConfigError>;

/// A key path: `prefix.name`, or `name` at the top level.
#[must_use]
pub fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// A type a key can hold: its [`Kind`] and its range check.
pub trait SchemaValue {
    /// What the key holds.
    const KIND: Kind;
    /// Checks the value at `key` against `bound` (whose `unit` is named in the error).
    ///
    /// # Errors
    /// The value, or an element or key inside it, is out of range.
    fn check(&self, key: &str, bound: &Bound, unit: &str) -> Check;
}

impl SchemaValue for f64 {
    const KIND: Kind = Kind::Float;
    fn check(&self, key: &str, bound: &Bound, unit: &str) -> Check {
        bound.check_number(key, *self, self, unit)
    }
}

impl SchemaValue for u32 {
    const KIND: Kind = Kind::Integer;
    fn check(&self, key: &str, bound: &Bound, unit: &str) -> Check {
        bound.check_number(key, f64::from(*self), self, unit)
    }
}

impl SchemaValue for u64 {
    const KIND: Kind = Kind::Integer;
    fn check(&self, key: &str, bound: &Bound, unit: &str) -> Check {
        // Every bound on a u64 key is exact in f64 (at most 2^53).
        bound.check_number(key, *self as f64, self, unit)
    }
}

impl SchemaValue for bool {
    const KIND: Kind = Kind::Bool;
    fn check(&self, _: &str, _: &Bound, _: &str) -> Check {
        Ok(())
    }
}

impl SchemaValue for String {
    const KIND: Kind = Kind::Text;
    fn check(&self, _: &str, _: &Bound, _: &str) -> Check {
        Ok(())
    }
}

impl SchemaValue for Option<f64> {
    const KIND: Kind = Kind::OptionalFloat;
    fn check(&self, key: &str, bound: &Bound, unit: &str) -> Check {
        self.map_or(Ok(()), |x| x.check(key, bound, unit))
    }
}

impl SchemaValue for Vec<f64> {
    const KIND: Kind = Kind::FloatList;
    fn check(&self, key: &str, bound: &Bound, unit: &str) -> Check {
        bound.check_len(key, self.len(), "entries")?;
        for (i, x) in self.iter().enumerate() {
            x.check(&format!("{key}[{i}]"), bound, unit)?;
        }
        Ok(())
    }
}

/// A table of the configuration, generated by the crate's `section!` macro.
pub trait Section: Default + serde::Serialize {
    /// Its keys, in declaration (and printing) order.
    const FIELDS: &'static [Field];
    /// Checks every key under `prefix` against its range, recursively.
    ///
    /// # Errors
    /// The first key out of range, in declaration order.
    fn check_keys(&self, prefix: &str) -> Check;

    /// The defaults as a TOML table.
    #[must_use]
    fn default_value() -> toml::Value {
        toml::Value::try_from(Self::default()).expect("every config field is representable in TOML")
    }
}

/// Checks an array of tables: its length, then each element under `key[i]`.
///
/// # Errors
/// Too many elements, or a key of an element out of range.
pub fn check_tables<T: Section>(items: &[T], key: &str, bound: &Bound, unit: &str) -> Check {
    bound.check_len(
        key,
        items.len(),
        if unit.is_empty() { "entries" } else { unit },
    )?;
    for (i, item) in items.iter().enumerate() {
        item.check_keys(&format!("{key}[{i}]"))?;
    }
    Ok(())
}

/// A closed set of strings (a serde enum with `rename_all = "snake_case"`) as a
/// schema type.
macro_rules! choice {
    ($ty:ty: $($name:literal),+) => {
        impl $crate::config::schema::SchemaValue for $ty {
            const KIND: $crate::config::schema::Kind =
                $crate::config::schema::Kind::Choice(&[$($name),+]);
            fn check(
                &self,
                _: &str,
                _: &$crate::config::schema::Bound,
                _: &str,
            ) -> Result<(), $crate::config::ConfigError> {
                Ok(())
            }
        }
    };
}
pub(crate) use choice;

/// Declares a configuration table: the struct (serde, `deny_unknown_fields`,
/// every key defaulted), its `Default`, and its [`Section`] schema, from one
/// line per key:
///
/// ```text
/// /// Meaning of the key (the doc comment, also the TOML comment).
/// name: Type = default, Bound::..., "unit";
/// ```
macro_rules! section {
    (
        $(#[doc = $sdoc:literal])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])+
                $(#[serde $sattr:tt])*
                $field:ident: $ty:ty = $default:expr, $bound:expr, $unit:literal;
            )*
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct $name {
            $(
                $(#[doc = $doc])+
                $(#[serde $sattr])*
                pub $field: $ty,
            )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self {
                    $($field: $default,)*
                }
            }
        }

        impl $crate::config::schema::Section for $name {
            const FIELDS: &'static [$crate::config::schema::Field] = &[
                $(
                    $crate::config::schema::Field {
                        name: stringify!($field),
                        kind: <$ty as $crate::config::schema::SchemaValue>::KIND,
                        bound: $bound,
                        unit: $unit,
                        meaning: concat!($($doc),+),
                    },
                )*
            ];

            fn check_keys(&self, prefix: &str) -> Result<(), $crate::config::ConfigError> {
                $(
                    <$ty as $crate::config::schema::SchemaValue>::check(
                        &self.$field,
                        &$crate::config::schema::join(prefix, stringify!($field)),
                        &$bound,
                        $unit,
                    )?;
                )*
                Ok(())
            }
        }

        impl $crate::config::schema::SchemaValue for $name {
            const KIND: $crate::config::schema::Kind = $crate::config::schema::Kind::Table(
                <$name as $crate::config::schema::Section>::FIELDS,
                <$name as $crate::config::schema::Section>::default_value,
            );
            fn check(
                &self,
                key: &str,
                _: &$crate::config::schema::Bound,
                _: &str,
            ) -> Result<(), $crate::config::ConfigError> {
                $crate::config::schema::Section::check_keys(self, key)
            }
        }

        impl $crate::config::schema::SchemaValue for Vec<$name> {
            const KIND: $crate::config::schema::Kind = $crate::config::schema::Kind::TableList(
                <$name as $crate::config::schema::Section>::FIELDS,
                <$name as $crate::config::schema::Section>::default_value,
            );
            fn check(
                &self,
                key: &str,
                bound: &$crate::config::schema::Bound,
                unit: &str,
            ) -> Result<(), $crate::config::ConfigError> {
                $crate::config::schema::check_tables(self, key, bound, unit)
            }
        }
    };
}
pub(crate) use section;

/// Every key of `fields` under `prefix`, depth first, with `[]` for the
/// elements of an array of tables (`hedge.layers[].tenor_days`).
#[must_use]
pub fn key_paths(fields: &[Field], prefix: &str) -> Vec<(String, Field)> {
    let mut out = Vec::new();
    for f in fields {
        let key = join(prefix, f.name);
        match f.kind {
            Kind::Table(sub, _) => out.extend(key_paths(sub, &key)),
            Kind::TableList(sub, _) => out.extend(key_paths(sub, &format!("{key}[]"))),
            _ => out.push((key, *f)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_display_and_contain() {
        assert_eq!(Bound::open(-1.0, 1.0).to_string(), "in (-1, 1)");
        assert_eq!(Bound::closed(1.0, 2520.0).to_string(), "in [1, 2520]");
        assert_eq!(Bound::from_below(0.0, f64::INFINITY).to_string(), ">= 0");
        assert_eq!(Bound::open(0.0, f64::INFINITY).to_string(), "> 0");
        assert!(Bound::above(0.0, 1.0).contains(1.0));
        assert!(!Bound::above(0.0, 1.0).contains(0.0));
        assert!(!Bound::ANY.contains(f64::NAN));
        assert!(!Bound::ANY.contains(f64::INFINITY));
    }
}
