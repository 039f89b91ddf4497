//! Property values stored on nodes and relationships, and the partial dates
//! news articles give ("2024", "November 2024", "19 August 2025").
//!
//! This module only defines the data. Cypher's comparison and null logic over
//! these values lives in `cypher`, which adds graph elements (nodes,
//! relationships, paths) to form its runtime values.

use std::collections::BTreeMap;
use std::fmt;

/// A property value. Graph elements are not property values: a property can
/// never hold a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Date(Date),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
}

impl Value {
    /// The string inside, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer inside, when this is an integer.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}

impl From<Date> for Value {
    fn from(d: Date) -> Self {
        Value::Date(d)
    }
}

/// A calendar date known to the precision the text gives: a year, a month of
/// a year, or a day.
///
/// The derived order is chronological, and a coarser date sorts before finer
/// dates of the same period (`2024` < `2024-01` < `2024-01-01`) because `None`
/// sorts before `Some`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
}

impl Date {
    /// A year-precision date.
    pub fn year(year: i32) -> Date {
        Date {
            year,
            month: None,
            day: None,
        }
    }

    /// A month-precision date; `None` when the month is out of range.
    pub fn month(year: i32, month: u8) -> Option<Date> {
        (1..=12).contains(&month).then_some(Date {
            year,
            month: Some(month),
            day: None,
        })
    }

    /// A day-precision date; `None` when it is not a real calendar day.
    pub fn day(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            year,
            month: Some(month),
            day: Some(day),
        })
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().split('-');
        let year_text = parts.next()?;
        if year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year_text.parse().ok()?;
        let field = |part: Option<&str>| -> Option<Option<u8>> {
            match part {
                None => Some(None),
                Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                    p.parse().ok().map(Some)
                }
                Some(_) => None,
            }
        };
        let month = field(parts.next())?;
        let day = field(parts.next())?;
        if parts.next().is_some() {
            return None;
        }
        match (month, day) {
            (None, None) => Some(Date::year(year)),
            (Some(m), None) => Date::month(year, m),
            (Some(m), Some(d)) => Date::day(year, m, d),
            (None, Some(_)) => None,
        }
    }

    pub fn year_part(&self) -> i32 {
        self.year
    }

    pub fn month_part(&self) -> Option<u8> {
        self.month
    }

    pub fn day_part(&self) -> Option<u8> {
        self.day
    }
}

/// Number of days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_precision_and_rejects_bad_dates() {
        assert_eq!(Date::parse("2024"), Some(Date::year(2024)));
        assert_eq!(Date::parse("2024-11"), Date::month(2024, 11));
        assert_eq!(Date::parse("2024-02-29"), Date::day(2024, 2, 29));
        for bad in [
            "2023-02-29",
            "2024-13",
            "24",
            "2024-1-01",
            "2024-01-01-01",
            "x",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn coarser_dates_sort_first_within_their_period() {
        let mut dates = [
            Date::parse("2024-01-01").unwrap(),
            Date::parse("2024-01").unwrap(),
            Date::parse("2023-12-31").unwrap(),
            Date::parse("2024").unwrap(),
        ];
        dates.sort();
        let shown: Vec<String> = dates.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["2023-12-31", "2024", "2024-01", "2024-01-01"]);
    }
}
