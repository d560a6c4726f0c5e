//! DfE's SSDA903 dates: `DD/MM/YYYY`.

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// Why a cell is not a `DD/MM/YYYY` date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// The cell is blank (or only spaces).
    Blank,
    /// Not written as day/month/year with slashes and a four-digit year.
    NotDdMmYyyy,
    /// The month is not 1 to 12.
    NoSuchMonth,
    /// The month has no such day (31/04, 29/02 outside a leap year, 00/05).
    NoSuchDay,
}

/// A cell that should hold a `DD/MM/YYYY` date but does not, with the text it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    /// The cell's text, exactly as written.
    pub text: String,
    pub problem: DateProblem,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problem {
            DateProblem::Blank => f.write_str("the date is blank"),
            DateProblem::NotDdMmYyyy => {
                write!(f, "{:?} is not a date written as DD/MM/YYYY (for example 01/04/2025)", self.text)
            }
            DateProblem::NoSuchMonth => write!(f, "{:?} is not a date: the month must be 01 to 12", self.text),
            DateProblem::NoSuchDay => match days_in_named_month(&self.text) {
                Some((month, year, days)) => {
                    write!(f, "{:?} is not a date: {month} {year} has {days} days", self.text)
                }
                None => write!(f, "{:?} is not a date: there is no such day", self.text),
            },
        }
    }
}

impl std::error::Error for DateError {}

/// Reads a DfE `DD/MM/YYYY` date, such as `01/04/2025`.
///
/// Surrounding spaces are ignored (a spreadsheet shows them as nothing); the day and month may
/// have one or two digits (`1/4/2025`, as spreadsheets often write them, and as DfE's own
/// validator accepts); the year must have four. Anything else, including a time after the date,
/// is an error that says what is wrong, never a silent blank: DfE's rules must report an
/// unreadable date as such.
pub fn parse_date(text: &str) -> Result<NaiveDate, DateError> {
    // Almost every cell is exactly `DD/MM/YYYY`: read it straight from its bytes.
    if let &[d1, d2, b'/', m1, m2, b'/', y1, y2, y3, y4] = text.as_bytes()
        && [d1, d2, m1, m2, y1, y2, y3, y4].iter().all(u8::is_ascii_digit)
    {
        let n = |b: u8| u32::from(b - b'0');
        let (day, month) = (n(d1) * 10 + n(d2), n(m1) * 10 + n(m2));
        let year = (n(y1) * 1000 + n(y2) * 100 + n(y3) * 10 + n(y4)) as i32;
        if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
            return Ok(date);
        }
        // No such month or day: the general path below says which.
    }
    let err = |problem| DateError { text: text.to_string(), problem };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(err(DateProblem::Blank));
    }
    let mut parts = trimmed.split('/');
    let (Some(d), Some(m), Some(y), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(err(DateProblem::NotDdMmYyyy));
    };
    let digits =
        |s: &str, min: usize, max: usize| (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(d, 1, 2) || !digits(m, 1, 2) || !digits(y, 4, 4) {
        return Err(err(DateProblem::NotDdMmYyyy));
    }
    // The digit checks above make these parses infallible; map any failure to the same error.
    let (Ok(day), Ok(month), Ok(year)) = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>()) else {
        return Err(err(DateProblem::NotDdMmYyyy));
    };
    if !(1..=12).contains(&month) {
        return Err(err(DateProblem::NoSuchMonth));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| err(DateProblem::NoSuchDay))
}

/// Writes a date as DfE's `DD/MM/YYYY`, such as `01/04/2025`.
pub fn format_date(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// For a text already known to be d/m/yyyy with a valid month: the month's name, the year and
/// the number of days in that month, for the error message.
fn days_in_named_month(text: &str) -> Option<(&'static str, i32, u32)> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut parts = text.trim().split('/');
    let _day = parts.next()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let year: i32 = parts.next()?.parse().ok()?;
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1)? } else { first.with_month(month + 1)? };
    let days = u32::try_from(next.signed_duration_since(first).num_days()).ok()?;
    Some((MONTHS.get(usize::try_from(month).ok()?.checked_sub(1)?)?, year, days))
}
