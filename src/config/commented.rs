//! The resolved configuration as TOML with a comment on every key (meaning,
//! unit, range and default, from the schema), for `vixhedge config`. The text
//! reads back to the same configuration.

use std::fmt::Write as _;

use toml::{Table, Value};

use super::schema::{join, Field, Kind, Section};
use super::Config;

/// Comment lines are wrapped at this width.
const WIDTH: usize = 88;

/// A TOML comment may hold no control character: they are written escaped.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\t' && c != '\n' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn comment(out: &mut String, text: &str) {
    let text = printable(text);
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() + 1 + word.len() > WIDTH && line.len() > 1 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

/// The comment of a scalar key: meaning, then unit, type, range and default.
fn describe(f: &Field, default: Option<&Value>) -> String {
    let mut facts = Vec::new();
    if !f.unit.is_empty() {
        facts.push(f.unit.to_string());
    }
    facts.push(f.kind.to_string());
    if let Some(range) = f.range() {
        facts.push(range);
    }
    match (f.kind, default) {
        (Kind::OptionalFloat, _) => facts.push("default: the [model] value".into()),
        (_, Some(d)) => facts.push(format!("default {d}")),
        (_, None) => {}
    }
    format!("{} [{}]", f.meaning(), facts.join("; "))
}

fn is_deferred(f: &Field, value: Option<&Value>) -> bool {
    match f.kind {
        Kind::Table(..) => true,
        Kind::TableList(..) => value
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty()),
        _ => false,
    }
}

/// Writes the keys of one table (`path` is its dotted name, empty at the top):
/// scalars first, then sub-tables and arrays of tables, so the text is valid TOML.
///
/// `root` is the whole configuration: a `[model.q]` key left out shows the
/// `[model]` value it takes.
fn table(
    out: &mut String,
    root: &Table,
    path: &str,
    fields: &[Field],
    values: &Table,
    defaults: &Value,
) {
    let default_of = |name: &str| defaults.get(name);
    for f in fields {
        let value = values.get(f.name);
        if is_deferred(f, value) {
            continue;
        }
        comment(out, &describe(f, default_of(f.name)));
        match value {
            Some(v) => {
                let _ = writeln!(out, "{} = {v}", f.name);
            }
            None if matches!(f.kind, Kind::TableList(..)) => {
                let _ = writeln!(out, "{} = []", f.name);
            }
            None => {
                let p_value = root
                    .get("model")
                    .and_then(|m| m.get(f.name))
                    .map_or_else(String::new, |v| format!(" = {v}"));
                let _ = writeln!(
                    out,
                    "# {}{p_value} is not set: the [model] value applies",
                    f.name
                );
            }
        }
    }
    for f in fields {
        let value = values.get(f.name);
        if !is_deferred(f, value) {
            continue;
        }
        let key = join(path, f.name);
        match (f.kind, value) {
            (Kind::Table(sub, default), v) => {
                let empty = Table::new();
                let v = v.and_then(Value::as_table).unwrap_or(&empty);
                out.push('\n');
                comment(out, &f.meaning());
                let _ = writeln!(out, "[{key}]");
                table(out, root, &key, sub, v, &default());
            }
            (Kind::TableList(sub, default), Some(Value::Array(items))) => {
                let d = default();
                for (i, item) in items.iter().enumerate() {
                    out.push('\n');
                    comment(out, &format!("{} (entry {i})", f.meaning()));
                    let _ = writeln!(out, "[[{key}]]");
                    let empty = Table::new();
                    table(out, root, &key, sub, item.as_table().unwrap_or(&empty), &d);
                }
            }
            _ => {}
        }
    }
}

/// `config` as TOML with a comment on every key; `header` (one or more lines)
/// opens the text as comments.
#[must_use]
pub fn commented_toml(config: &Config, header: &str) -> String {
    let mut out = String::new();
    for line in header.lines() {
        comment(&mut out, line);
    }
    out.push('\n');
    let value = Value::try_from(config).expect("every config field is representable in TOML");
    let empty = Table::new();
    let root = value.as_table().unwrap_or(&empty);
    table(
        &mut out,
        root,
        "",
        Config::FIELDS,
        root,
        &Config::default_value(),
    );
    out
}
