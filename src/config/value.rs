//! Layering on `toml::Value`: parsing with one-line errors, deep merge, `--set`
//! key paths, and deserialising back with the key path of any error.

use serde::de::DeserializeOwned;
use toml::{Table, Value};

use super::error::{one_line, ConfigError};

/// Parses a TOML document; `source_name` names it in the error.
pub(crate) fn parse_table(text: &str, source_name: &str) -> Result<Table, ConfigError> {
    text.parse::<Table>().map_err(|e| {
        let position = e.span().map(|span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: ")
        });
        ConfigError::Malformed {
            source_name: source_name.to_string(),
            message: format!("{}{}", position.unwrap_or_default(), one_line(e.message())),
        }
    })
}

/// Merges `over` into `base`: tables merge key by key, recursively; any other value
/// (arrays included, so `[[events]]` in a file replaces the preset's list) replaces.
pub(crate) fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Table(base), Value::Table(over)) => {
            for (key, value) in over {
                match base.get_mut(&key) {
                    Some(slot) if slot.is_table() && value.is_table() => merge(slot, value),
                    _ => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, over) => *base = over,
    }
}

/// Deserialises `value`, naming the key path of the first error.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, ConfigError> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let mut message = one_line(e.inner().message());
        if let Some(at) = message.find(", expected struct ") {
            // Rust type names mean nothing to a user: say what TOML wants.
            message.truncate(at);
            message.push_str(", expected a table");
        }
        if let Some(field) = unknown_field(&message) {
            // The path stops at the table holding the unknown key.
            let key = if path.is_empty() {
                field.to_string()
            } else if path == field || path.ends_with(&format!(".{field}")) {
                path
            } else {
                format!("{path}.{field}")
            };
            ConfigError::UnknownKey { key }
        } else {
            let key = if path.is_empty() {
                "(top level)".to_string()
            } else {
                path
            };
            ConfigError::WrongType { key, message }
        }
    })
}

/// The field name of serde's "unknown field `x`, expected ..." message.
fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

/// One step of a `--set` key path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        let valid = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if name.is_empty() || !name.chars().all(valid) {
            return Err(format!("bad key `{part}` in path `{path}`"));
        }
        segments.push(Segment::Key(name.to_string()));
        while !rest.is_empty() {
            let (index, after) = rest
                .split_once(']')
                .ok_or_else(|| format!("missing `]` in `{part}`"))?;
            let index = index
                .parse::<usize>()
                .map_err(|_| format!("bad index `[{index}]` in `{part}`"))?;
            segments.push(Segment::Index(index));
            rest = match after {
                "" => "",
                a => a
                    .strip_prefix('[')
                    .ok_or_else(|| format!("unexpected `{a}` in `{part}`"))?,
            };
        }
    }
    Ok(segments)
}

/// A `--set` right-hand side: a TOML literal (number, bool, array, inline table,
/// quoted string) if it parses as one, else the raw text as a string.
fn parse_literal(raw: &str) -> Value {
    format!("v = {raw}")
        .parse::<Table>()
        .ok()
        .filter(|t| t.len() == 1)
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(raw.to_string()))
}

/// The key path of a `--set` assignment written canonically
/// (`hedge.layers[2].tenor_days`), or `None` if it does not parse.
pub(crate) fn set_key(assignment: &str) -> Option<String> {
    let (path, _) = assignment.split_once('=')?;
    let segments = parse_path(path.trim()).ok()?;
    let mut key = String::new();
    for s in segments {
        match s {
            Segment::Key(k) => {
                if !key.is_empty() {
                    key.push('.');
                }
                key.push_str(&k);
            }
            Segment::Index(i) => key.push_str(&format!("[{i}]")),
        }
    }
    Some(key)
}

/// Applies `key.path[i].key=value` to `root`. An index must address an existing
/// element: `hedge.layers[3]` of three layers is an error naming it (a new
/// element would take every key's default, nameless and unnoticed). To add one,
/// set the whole array (`--set 'hedge.layers=[...]'`) or use a config file.
pub(crate) fn set_path(root: &mut Value, assignment: &str) -> Result<(), ConfigError> {
    let bad = |reason: String| ConfigError::BadSet {
        assignment: assignment.to_string(),
        reason,
    };
    let (path, raw) = assignment
        .split_once('=')
        .ok_or_else(|| bad("expected key.path=value".into()))?;
    let segments = parse_path(path.trim()).map_err(bad)?;
    let value = parse_literal(raw.trim());
    let mut current = root;
    let mut walked = String::new();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        current = match segment {
            Segment::Key(key) => {
                let Value::Table(table) = current else {
                    return Err(bad(format!("`{walked}` is not a table")));
                };
                if !walked.is_empty() {
                    walked.push('.');
                }
                walked.push_str(key);
                if last {
                    table.insert(key.clone(), value);
                    return Ok(());
                }
                table
                    .entry(key.clone())
                    .or_insert_with(|| Value::Table(Table::new()))
            }
            Segment::Index(index) => {
                let Value::Array(array) = current else {
                    return Err(bad(format!("`{walked}` is not an array")));
                };
                let len = array.len();
                if *index >= len {
                    let valid = match len {
                        0 => "it is empty".to_string(),
                        1 => "the only index is 0".to_string(),
                        n => format!("indices 0 to {}", n - 1),
                    };
                    return Err(bad(format!(
                        "index {index} out of range: `{walked}` has {len} elements ({valid}; \
                         to add one, set the whole array or use a config file)"
                    )));
                }
                walked.push_str(&format!("[{index}]"));
                if last {
                    array[*index] = value;
                    return Ok(());
                }
                &mut array[*index]
            }
        };
    }
    Ok(())
}

/// The key path and value of the first non-finite float in `value`, in document order.
pub(crate) fn first_non_finite(value: &Value, path: &str) -> Option<(String, f64)> {
    match value {
        Value::Float(x) if !x.is_finite() => Some((path.to_string(), *x)),
        Value::Table(table) => table.iter().find_map(|(key, v)| {
            let child = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            first_non_finite(v, &child)
        }),
        Value::Array(array) => array
            .iter()
            .enumerate()
            .find_map(|(i, v)| first_non_finite(v, &format!("{path}[{i}]"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse_path("hedge.layers[2].tenor_days").unwrap(),
            vec![
                Segment::Key("hedge".into()),
                Segment::Key("layers".into()),
                Segment::Index(2),
                Segment::Key("tenor_days".into())
            ]
        );
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("a[x]").is_err());
        assert!(parse_path("a[1").is_err());
    }

    #[test]
    fn literals() {
        assert_eq!(parse_literal("0.2"), Value::Float(0.2));
        assert_eq!(parse_literal("5"), Value::Integer(5));
        assert_eq!(parse_literal("call"), Value::String("call".into()));
        assert_eq!(parse_literal("\"call\""), Value::String("call".into()));
        assert!(parse_literal("[1, 2]").is_array());
    }

    #[test]
    fn merge_replaces_arrays_and_merges_tables() {
        let mut base: Value = Value::Table("a = [1, 2]\n[t]\nx = 1\ny = 2\n".parse().unwrap());
        merge(
            &mut base,
            Value::Table("a = [3]\n[t]\ny = 5\n".parse().unwrap()),
        );
        let expected: Value = Value::Table("a = [3]\n[t]\nx = 1\ny = 5\n".parse().unwrap());
        assert_eq!(base, expected);
    }
}
