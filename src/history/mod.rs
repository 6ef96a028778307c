//! Real daily SPX and VIX history (`docs/history.md`): the file readers and
//! their join, the filtered variance, the stylised facts, the calibration, the
//! replay of the books on history and the historical bootstrap.

pub mod bands;
pub mod calibrate;
pub mod date;
pub mod facts;
pub mod filter;
pub mod join;
pub mod model;
pub mod plots;
pub mod read;
pub mod replay;

use std::path::Path;

pub use date::Date;
pub use join::{join, History};
pub use read::{parse_series, read_series, Layout, Series};

/// Errors of the history readers. Each displays as one line naming the file
/// (and the line where there is one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    /// The file could not be read.
    #[error("{file}: {message}")]
    Io {
        /// The file as given.
        file: String,
        /// The operating system's reason.
        message: String,
    },
    /// A bad header or row.
    #[error("{file} line {line}: {message}")]
    Data {
        /// The file as given.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong there.
        message: String,
    },
    /// The two files and the range leave too little to work with.
    #[error("{0}")]
    Range(String),
    /// A `--from` or `--to` that is not a date.
    #[error("{flag} `{text}`: not a date (expected YYYY-MM-DD)")]
    Flag {
        /// `--from` or `--to`.
        flag: &'static str,
        /// The text given.
        text: String,
    },
}

/// Parses the `--from`/`--to` value `text` (`YYYY-MM-DD`) of `flag`.
///
/// # Errors
/// Not an ISO date.
pub fn parse_bound(flag: &'static str, text: Option<&str>) -> Result<Option<Date>, HistoryError> {
    text.map(|t| {
        if t.contains('/') {
            return Err(HistoryError::Flag {
                flag,
                text: t.into(),
            });
        }
        t.parse().map_err(|_| HistoryError::Flag {
            flag,
            text: t.into(),
        })
    })
    .transpose()
}

/// Reads both files and joins them on common dates in `[from, to]`
/// (`YYYY-MM-DD`, each optional).
///
/// # Errors
/// Any reader or join error, or a bad bound.
pub fn load(
    spx: &Path,
    vix: &Path,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<History, HistoryError> {
    let from = parse_bound("--from", from)?;
    let to = parse_bound("--to", to)?;
    let spx = read_series(spx)?;
    let vix = read_series(vix)?;
    join(&spx, &vix, from, to)
}
