//! Calendar dates of daily history files: parsing (ISO `YYYY-MM-DD` and US
//! `M/D/YYYY`) and ISO printing.

use std::fmt;
use std::str::FromStr;

/// A calendar date (proleptic Gregorian). Orders chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, 1000 to 9999.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to the month's length.
    pub day: u8,
}

/// Why a date did not parse; the reader adds the file and the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a date (expected YYYY-MM-DD or M/D/YYYY)")]
pub struct DateError {
    /// The text as found.
    pub text: String,
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// The date `year-month-day`, or `None` when it does not exist.
    #[must_use]
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        ((1000..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Self { year, month, day })
    }
}

/// Digits only, 1 to `max` of them.
fn number<T: FromStr>(s: &str, max: usize) -> Option<T> {
    (!s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl FromStr for Date {
    type Err = DateError;

    /// `YYYY-MM-DD` (ISO 8601, as Yahoo and FRED write it) or `M/D/YYYY`
    /// (one or two digits for month and day, as Cboe writes `MM/DD/YYYY`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || DateError {
            text: s.to_string(),
        };
        let parts: Vec<&str>;
        let (y, m, d) = if s.contains('-') {
            parts = s.split('-').collect();
            if parts.len() != 3 || parts[0].len() != 4 {
                return Err(bad());
            }
            (parts[0], parts[1], parts[2])
        } else {
            parts = s.split('/').collect();
            if parts.len() != 3 || parts[2].len() != 4 {
                return Err(bad());
            }
            (parts[2], parts[0], parts[1])
        };
        let year = number::<u16>(y, 4).ok_or_else(bad)?;
        let month = number::<u8>(m, 2).ok_or_else(bad)?;
        let day = number::<u8>(d, 2).ok_or_else(bad)?;
        Date::new(year, month, day).ok_or_else(bad)
    }
}

impl fmt::Display for Date {
    /// ISO 8601: `2018-02-05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_layouts_parse_to_the_same_date() {
        let iso: Date = "2008-10-09".parse().unwrap();
        let us: Date = "10/09/2008".parse().unwrap();
        let short: Date = "10/9/2008".parse().unwrap();
        assert_eq!(iso, us);
        assert_eq!(iso, short);
        assert_eq!(iso.to_string(), "2008-10-09");
    }

    #[test]
    fn impossible_dates_are_refused() {
        for s in [
            "2018-02-29",
            "2018-13-01",
            "02/30/2018",
            "2018/01/02",
            "18-01-02",
            "1/2/18",
            "2018-1-2x",
            "",
            "+2018-01-02",
        ] {
            assert!(s.parse::<Date>().is_err(), "{s}");
        }
        assert!("2016-02-29".parse::<Date>().is_ok());
        assert!("2000-02-29".parse::<Date>().is_ok());
        assert!("1900-02-29".parse::<Date>().is_err());
    }
}
