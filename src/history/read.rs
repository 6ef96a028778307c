//! Readers of daily close files: the layout is recognised from the header
//! (case insensitive), every row is checked, and every error names the file
//! and the line. The layouts and rules are in `docs/history.md`.

use std::path::Path;

use super::date::Date;
use super::HistoryError;

/// The file layouts the readers recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Cboe's `DATE,OPEN,HIGH,LOW,CLOSE` (`VIX_History.csv`), dates MM/DD/YYYY.
    Cboe,
    /// Yahoo-style `Date,Open,High,Low,Close,Adj Close,Volume`; the level is `Close`.
    Yahoo,
    /// FRED's `DATE` (or `observation_date`) and one series column (`VIXCLS`, `SP500`).
    Fred,
    /// Two columns `date,close`.
    TwoColumn,
}

impl Layout {
    /// The layout of a header row (fields trimmed, any case), with the number
    /// of fields a row has and the index of the close.
    fn of_header(fields: &[String]) -> Option<(Self, usize, usize)> {
        let f: Vec<&str> = fields.iter().map(String::as_str).collect();
        match f.as_slice() {
            ["date", "open", "high", "low", "close"] => Some((Self::Cboe, 5, 4)),
            ["date", "open", "high", "low", "close", "adj close", "volume"] => {
                Some((Self::Yahoo, 7, 4))
            }
            ["date" | "observation_date", "vixcls" | "sp500"] => Some((Self::Fred, 2, 1)),
            ["date", "close"] => Some((Self::TwoColumn, 2, 1)),
            _ => None,
        }
    }

    /// The name used in messages.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Cboe => "Cboe",
            Self::Yahoo => "Yahoo",
            Self::Fred => "FRED",
            Self::TwoColumn => "date,close",
        }
    }
}

/// One file's daily closes, in date order.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The file as given.
    pub file: String,
    /// The layout its header announced.
    pub layout: Layout,
    /// Dates of the usable rows, strictly increasing.
    pub dates: Vec<Date>,
    /// Closes of the usable rows, index points (positive).
    pub closes: Vec<f64>,
    /// 1-based file line of each usable row (for messages).
    pub lines: Vec<usize>,
    /// Rows skipped because the close was missing (`.`, `null` or empty).
    pub missing: usize,
}

/// Whether a close field marks a missing value: empty, FRED's `.`, or
/// Yahoo's `null`.
fn is_missing(field: &str) -> bool {
    field.is_empty() || field == "." || field.eq_ignore_ascii_case("null")
}

fn split_fields(line: &str) -> Vec<String> {
    line.split(',')
        .map(|f| f.trim().trim_matches('"').trim().to_string())
        .collect()
}

/// Reads the daily closes of `path`.
///
/// # Errors
/// The file cannot be read; it is empty or its header is not a known layout;
/// a row has the wrong number of fields, a bad date or a close that is not a
/// positive number; a date repeats or goes backwards; fewer than 2 usable
/// rows. Every error names the file and the line.
pub fn read_series(path: &Path) -> Result<Series, HistoryError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| HistoryError::Io {
        file: file.clone(),
        message: e.to_string(),
    })?;
    parse_series(&text, &file)
}

/// Parses the text of a daily close file called `file` (see [`read_series`]).
///
/// # Errors
/// As [`read_series`], except the I/O error.
pub fn parse_series(text: &str, file: &str) -> Result<Series, HistoryError> {
    let err = |line: usize, message: String| HistoryError::Data {
        file: file.to_string(),
        line,
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty());
    let Some((header_line, header)) = rows.next() else {
        return Err(err(1, "empty file, expected a header row".into()));
    };
    let names: Vec<String> = split_fields(header)
        .into_iter()
        .map(|f| f.to_ascii_lowercase())
        .collect();
    let (layout, width, close_at) = Layout::of_header(&names).ok_or_else(|| {
        err(
            header_line,
            format!(
                "unknown header `{header}` (expected DATE,OPEN,HIGH,LOW,CLOSE; \
                 Date,Open,High,Low,Close,Adj Close,Volume; DATE,VIXCLS or DATE,SP500; or date,close)"
            ),
        )
    })?;
    let mut series = Series {
        file: file.to_string(),
        layout,
        dates: Vec::new(),
        closes: Vec::new(),
        lines: Vec::new(),
        missing: 0,
    };
    let mut last_line = header_line;
    for (line, row) in rows {
        last_line = line;
        let fields = split_fields(row);
        if fields.len() != width {
            return Err(err(
                line,
                format!(
                    "{} fields, the {} header has {width}",
                    fields.len(),
                    layout.name()
                ),
            ));
        }
        let date: Date = fields[0].parse().map_err(|e| err(line, format!("{e}")))?;
        if let (Some(&prev), Some(&prev_line)) = (series.dates.last(), series.lines.last()) {
            if date == prev {
                return Err(err(
                    line,
                    format!("duplicate date {date} (also on line {prev_line})"),
                ));
            }
            if date < prev {
                return Err(err(
                    line,
                    format!(
                        "date {date} comes after {prev} (line {prev_line}): dates must increase"
                    ),
                ));
            }
        }
        let field = &fields[close_at];
        if is_missing(field) {
            series.missing += 1;
            continue;
        }
        let close: f64 = field
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite())
            .ok_or_else(|| err(line, format!("close `{field}` is not a number")))?;
        if close <= 0.0 {
            return Err(err(line, format!("close {field} is not positive")));
        }
        series.dates.push(date);
        series.closes.push(close);
        series.lines.push(line);
    }
    if series.dates.len() < 2 {
        return Err(err(
            last_line,
            format!(
                "{} usable row(s) ({} missing), at least 2 are needed",
                series.dates.len(),
                series.missing
            ),
        ));
    }
    Ok(series)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_layout_reads_its_close() {
        let cboe = "DATE,OPEN,HIGH,LOW,CLOSE\n01/02/1990,17.24,17.24,17.24,17.24\n01/03/1990,18.1,18.3,18.0,18.19\n";
        let s = parse_series(cboe, "vix.csv").unwrap();
        assert_eq!(s.layout, Layout::Cboe);
        assert_eq!(s.closes, vec![17.24, 18.19]);
        let yahoo = "Date,Open,High,Low,Close,Adj Close,Volume\r\n2018-01-02,1,2,0.5,2673.61,2673.61,100\r\n2018-01-03,1,2,0.5,null,null,null\r\n2018-01-04,1,2,0.5,2713.06,2713.06,0\r\n";
        let s = parse_series(yahoo, "spx.csv").unwrap();
        assert_eq!(s.layout, Layout::Yahoo);
        assert_eq!(s.closes, vec![2673.61, 2713.06]);
        assert_eq!(s.missing, 1);
        assert_eq!(s.lines, vec![2, 4]);
        let fred = "observation_date,VIXCLS\n2018-01-01,\n2018-01-02,9.77\n2018-01-03,.\n2018-01-04,9.22\n";
        let s = parse_series(fred, "VIXCLS.csv").unwrap();
        assert_eq!((s.layout, s.missing), (Layout::Fred, 2));
        assert_eq!(s.closes, vec![9.77, 9.22]);
        let two = "Date,Close\n1/2/2018,9.77\n2018-01-03,9.15\n";
        let s = parse_series(two, "two.csv").unwrap();
        assert_eq!(s.layout, Layout::TwoColumn);
        assert_eq!(s.dates[0].to_string(), "2018-01-02");
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("", "x.csv line 1: empty file"),
            ("DATE,VALUE\n2018-01-02,1\n", "x.csv line 1: unknown header"),
            (
                "date,close\n2018-01-02,1\n2018-01-02,2\n",
                "x.csv line 3: duplicate date",
            ),
            (
                "date,close\n2018-01-03,1\n2018-01-02,2\n",
                "x.csv line 3: date 2018-01-02 comes after",
            ),
            (
                "date,close\n2018-01-02,1\n2018-01-03,0\n",
                "x.csv line 3: close 0 is not positive",
            ),
            (
                "date,close\n2018-01-02,1\n2018-01-03,-2\n",
                "x.csv line 3: close -2 is not positive",
            ),
            (
                "date,close\n2018-01-02,1\n2018-01-03,abc\n",
                "x.csv line 3: close `abc` is not a number",
            ),
            (
                "date,close\n2018-01-02,1\n2018-02-30,2\n",
                "x.csv line 3: `2018-02-30` is not a date",
            ),
            (
                "date,close\n2018-01-02,1\n",
                "x.csv line 2: 1 usable row(s)",
            ),
            ("date,close\n2018-01-02,1,3\n", "x.csv line 2: 3 fields"),
        ];
        for (text, want) in cases {
            let got = parse_series(text, "x.csv").unwrap_err().to_string();
            assert!(
                got.starts_with(want),
                "{got:?} does not start with {want:?}"
            );
        }
    }
}
