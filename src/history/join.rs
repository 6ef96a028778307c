//! The SPX and VIX series joined on their common dates, inside an optional
//! `--from/--to` range.

use super::date::Date;
use super::read::Series;
use super::HistoryError;

/// Daily SPX and VIX closes on the dates both files list.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// The SPX file as given.
    pub spx_file: String,
    /// The VIX file as given.
    pub vix_file: String,
    /// Common dates, strictly increasing.
    pub dates: Vec<Date>,
    /// SPX closes, index points.
    pub spx: Vec<f64>,
    /// VIX closes, VIX points.
    pub vix: Vec<f64>,
    /// SPX rows in range whose date the VIX file lacks.
    pub dropped_spx: usize,
    /// VIX rows in range whose date the SPX file lacks.
    pub dropped_vix: usize,
    /// Rows with a missing SPX close (skipped by the reader).
    pub missing_spx: usize,
    /// Rows with a missing VIX close (skipped by the reader).
    pub missing_vix: usize,
}

impl History {
    /// Number of common days.
    #[must_use]
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// Whether there are no days (never true for a joined history).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// First common date.
    #[must_use]
    pub fn first(&self) -> Date {
        self.dates[0]
    }

    /// Last common date.
    #[must_use]
    pub fn last(&self) -> Date {
        self.dates[self.dates.len() - 1]
    }

    /// One line for stderr: the range, the days, and what was dropped.
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "history: {} to {}, {} common days (dropped {} SPX and {} VIX days without a match; \
             skipped {} SPX and {} VIX missing values)",
            self.first(),
            self.last(),
            self.len(),
            self.dropped_spx,
            self.dropped_vix,
            self.missing_spx,
            self.missing_vix
        )
    }
}

/// Keeps the rows of `s` dated in `[from, to]`.
fn in_range(s: &Series, from: Option<Date>, to: Option<Date>) -> (Vec<Date>, Vec<f64>) {
    s.dates
        .iter()
        .zip(&s.closes)
        .filter(|(d, _)| from.is_none_or(|f| **d >= f) && to.is_none_or(|t| **d <= t))
        .map(|(d, c)| (*d, *c))
        .unzip()
}

/// Joins `spx` and `vix` on their common dates in `[from, to]` (each bound optional).
///
/// # Errors
/// `from` after `to`; no row of a file in the range; date ranges that do not
/// overlap; fewer than 2 common days.
pub fn join(
    spx: &Series,
    vix: &Series,
    from: Option<Date>,
    to: Option<Date>,
) -> Result<History, HistoryError> {
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(HistoryError::Range(format!("--from {f} is after --to {t}")));
        }
    }
    let range = || match (from, to) {
        (Some(f), Some(t)) => format!(" in {f}..{t}"),
        (Some(f), None) => format!(" from {f}"),
        (None, Some(t)) => format!(" up to {t}"),
        (None, None) => String::new(),
    };
    let (sd, sc) = in_range(spx, from, to);
    let (vd, vc) = in_range(vix, from, to);
    for (s, d) in [(spx, &sd), (vix, &vd)] {
        if d.is_empty() {
            return Err(HistoryError::Range(format!(
                "{}: no rows{} (the file runs {} to {})",
                s.file,
                range(),
                s.dates[0],
                s.dates[s.dates.len() - 1]
            )));
        }
    }
    if sd[sd.len() - 1] < vd[0] || vd[vd.len() - 1] < sd[0] {
        return Err(HistoryError::Range(format!(
            "{} ({} to {}) and {} ({} to {}) do not overlap{}",
            spx.file,
            sd[0],
            sd[sd.len() - 1],
            vix.file,
            vd[0],
            vd[vd.len() - 1],
            range()
        )));
    }
    let mut out = History {
        spx_file: spx.file.clone(),
        vix_file: vix.file.clone(),
        dates: Vec::new(),
        spx: Vec::new(),
        vix: Vec::new(),
        dropped_spx: 0,
        dropped_vix: 0,
        missing_spx: spx.missing,
        missing_vix: vix.missing,
    };
    let (mut i, mut j) = (0, 0);
    while i < sd.len() && j < vd.len() {
        match sd[i].cmp(&vd[j]) {
            std::cmp::Ordering::Less => {
                out.dropped_spx += 1;
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.dropped_vix += 1;
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.dates.push(sd[i]);
                out.spx.push(sc[i]);
                out.vix.push(vc[j]);
                i += 1;
                j += 1;
            }
        }
    }
    out.dropped_spx += sd.len() - i;
    out.dropped_vix += vd.len() - j;
    if out.dates.len() < 2 {
        return Err(HistoryError::Range(format!(
            "{} and {} have {} common date(s){}, at least 2 are needed",
            spx.file,
            vix.file,
            out.dates.len(),
            range()
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::parse_series;

    fn series(name: &str, rows: &[(&str, f64)]) -> Series {
        let mut text = String::from("date,close\n");
        for (d, c) in rows {
            text.push_str(&format!("{d},{c}\n"));
        }
        parse_series(&text, name).unwrap()
    }

    #[test]
    fn joins_on_common_dates_and_counts_the_rest() {
        let spx = series(
            "spx",
            &[
                ("2018-01-02", 1.0),
                ("2018-01-03", 2.0),
                ("2018-01-04", 3.0),
                ("2018-01-08", 4.0),
            ],
        );
        let vix = series(
            "vix",
            &[
                ("2018-01-03", 10.0),
                ("2018-01-04", 11.0),
                ("2018-01-05", 12.0),
                ("2018-01-08", 13.0),
            ],
        );
        let h = join(&spx, &vix, None, None).unwrap();
        assert_eq!(h.spx, vec![2.0, 3.0, 4.0]);
        assert_eq!(h.vix, vec![10.0, 11.0, 13.0]);
        assert_eq!((h.dropped_spx, h.dropped_vix), (1, 1));
        let from = "2018-01-04".parse().ok();
        let h = join(&spx, &vix, from, None).unwrap();
        assert_eq!(h.spx, vec![3.0, 4.0]);
        assert_eq!((h.dropped_spx, h.dropped_vix), (0, 1));
    }

    #[test]
    fn disjoint_ranges_are_errors() {
        let spx = series("spx", &[("2018-01-02", 1.0), ("2018-01-03", 2.0)]);
        let vix = series("vix", &[("2019-01-02", 10.0), ("2019-01-03", 11.0)]);
        let e = join(&spx, &vix, None, None).unwrap_err().to_string();
        assert!(e.contains("do not overlap"), "{e}");
        let (f, t) = ("2018-01-03".parse().ok(), "2018-01-02".parse().ok());
        let e = join(&spx, &spx, f, t).unwrap_err().to_string();
        assert!(e.contains("is after"), "{e}");
        let f = "2020-01-01".parse().ok();
        let e = join(&spx, &spx, f, None).unwrap_err().to_string();
        assert!(e.starts_with("spx: no rows from 2020-01-01"), "{e}");
    }
}
