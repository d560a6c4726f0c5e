//! Dates as the law counts them: England and Wales working days, calendar months, weeks, ages
//! and collection years.
//!
//! # Working days
//!
//! A working day is a day that is not a Saturday, a Sunday or a bank holiday in England and
//! Wales (Christmas Day, Boxing Day and Good Friday are on the list). The list is data, in
//! `crates/domain/data/bank-holidays-england-and-wales.txt`, embedded at build time; when a new
//! bank holiday is proclaimed, add a line there. A council may add its own closure days with
//! [`WorkingDayCalendar::with_closure_days`].
//!
//! The published list is the source for the years it covers (1 January 2015 to 31 December
//! 2030): it alone holds the one-off days proclaimed for a single year (a jubilee, a coronation,
//! a state funeral) and the years the early May bank holiday was moved. After it, bank holidays
//! are computed from the standing rules ([`bank_holidays_by_rule`]): the Banking and Financial
//! Dealings Act 1971 and the proclamations made under it every year. The calendar holds them in
//! its table to 31 December 2040 and computes any later year when asked, so a due date is never
//! lost for want of a published list; [`WorkingDayCalendar::computed_years_between`] says which
//! years of a count were computed, so a due date can say so. A working-day question about a date
//! before the list starts is an error ([`CalendarError::OutsideCalendar`]), never a guess.
//!
//! # "Within N working days of E"
//!
//! careful counts working days the way the law does: **the day of the event is not counted**.
//! "Within N working days of E" means "on or before the N-th working day after E", so
//! [`WorkingDayCalendar::add_working_days`]`(E, N)` is the last day on which the duty is met on
//! time, and the next day it is late. If E is not itself a working day (a referral received on
//! a Saturday), the first working day after E is day 1: a referral on Saturday 7 March 2026 needs
//! a decision within 1 working day, so by Monday 9 March. Data-to-Insight's CIN validator counts
//! the event day as day 1 instead; careful does not, and the duties that follow the validator
//! say so where they are defined.
//!
//! # Months, weeks and ages
//!
//! Months are calendar months (Interpretation Act 1978, Sch 1). Adding months keeps the day of
//! the month, or the last day of the month when it does not exist: 31 August + 6 months is 28
//! February (29 in a leap year). Weeks are 7 calendar days. A person attains an age at the start
//! of the anniversary of their birth (Family Law Reform Act 1969 s9); someone born on 29 February
//! attains an age on 1 March in a year that is not a leap year (see [`date_attaining_age`]).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

mod generated {
    include!(concat!(env!("OUT_DIR"), "/bank_holidays.rs"));
}

/// Why a date question could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The date is before the working-day calendar starts (its bank holidays are not listed).
    #[error(
        "{} is before careful's working-day calendar, which starts on {}; \
         working days cannot be counted there until that year's bank holidays are added to \
         crates/domain/data/bank-holidays-england-and-wales.txt",
        long_date(*date), long_date(*first)
    )]
    OutsideCalendar { date: NaiveDate, first: NaiveDate },
    /// An age was asked for a date before the person was born.
    #[error("an age on {} was asked for someone born on {}, who was not yet born", long_date(*on), long_date(*date_of_birth))]
    BeforeBirth { on: NaiveDate, date_of_birth: NaiveDate },
    /// The arithmetic left the range of representable dates.
    #[error("{} plus {amount} is beyond the last date careful can represent", long_date(*date))]
    Overflow { date: NaiveDate, amount: String },
    /// A council closure day is a weekend or already a bank holiday, or outside the calendar's
    /// table.
    #[error("{} cannot be added as a closure day: {why}", long_date(*date))]
    InvalidClosureDay { date: NaiveDate, why: &'static str },
}

/// A date written the GOV.UK way: "9 March 2026".
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// The last year the calendar's table holds. Years after the published list up to this one are
/// computed once, when the calendar is built; later years are computed when asked.
pub const TABLE_THROUGH_YEAR: i32 = 2040;

/// England and Wales working days, with any closure days a council adds.
///
/// Built once; a query within the table (to [`TABLE_THROUGH_YEAR`]) is a table lookup, and one
/// after it counts whole years by the rule. Offsets count days from the first day the calendar
/// covers.
#[derive(Debug, Clone)]
pub struct WorkingDayCalendar {
    first: NaiveDate,
    /// The last day of the last year of the published list.
    published_last: NaiveDate,
    /// The last day of the table.
    last: NaiveDate,
    /// `cumulative[i]` = number of working days in `first ..= first + i`.
    cumulative: Vec<u32>,
    /// `working[k]` = offset of the `k`-th working day (0-based) since `first`.
    working: Vec<u32>,
    non_working_names: BTreeMap<NaiveDate, String>,
}

impl WorkingDayCalendar {
    /// The England and Wales calendar from the embedded bank holiday list.
    pub fn england_and_wales() -> &'static WorkingDayCalendar {
        static CALENDAR: OnceLock<WorkingDayCalendar> = OnceLock::new();
        CALENDAR.get_or_init(|| {
            let mut names: BTreeMap<NaiveDate, String> = generated::BANK_HOLIDAYS
                .iter()
                .filter_map(|&(y, m, d, name)| NaiveDate::from_ymd_opt(y, m, d).map(|date| (date, name.to_string())))
                .collect();
            let table_through = TABLE_THROUGH_YEAR.max(generated::LAST_YEAR);
            for year in generated::LAST_YEAR + 1..=table_through {
                names.extend(bank_holidays_by_rule(year).into_iter().map(|(date, name)| (date, name.to_string())));
            }
            WorkingDayCalendar::build(generated::FIRST_YEAR, generated::LAST_YEAR, table_through, names)
        })
    }

    /// This calendar with a council's own closure days (for example a staff development day)
    /// treated as non-working. Each must be a weekday within the calendar's table (to 31
    /// December [`TABLE_THROUGH_YEAR`]) that is not already a bank holiday.
    pub fn with_closure_days(
        &self,
        days: impl IntoIterator<Item = (NaiveDate, String)>,
    ) -> Result<WorkingDayCalendar, CalendarError> {
        let mut names = self.non_working_names.clone();
        for (date, name) in days {
            self.check_in_range(date)?;
            if date > self.last {
                return Err(CalendarError::InvalidClosureDay {
                    date,
                    why: "it is after the years careful's calendar holds",
                });
            }
            if is_weekend(date) {
                return Err(CalendarError::InvalidClosureDay { date, why: "it is a weekend" });
            }
            if names.contains_key(&date) {
                return Err(CalendarError::InvalidClosureDay { date, why: "it is already a non-working day" });
            }
            names.insert(date, name);
        }
        Ok(WorkingDayCalendar::build(self.first.year(), self.published_last.year(), self.last.year(), names))
    }

    fn build(
        first_year: i32,
        published_last_year: i32,
        last_year: i32,
        non_working_names: BTreeMap<NaiveDate, String>,
    ) -> WorkingDayCalendar {
        let first = NaiveDate::from_ymd_opt(first_year, 1, 1).expect("1 January exists");
        let published_last = NaiveDate::from_ymd_opt(published_last_year, 12, 31).expect("31 December exists");
        let last = NaiveDate::from_ymd_opt(last_year, 12, 31).expect("31 December exists");
        let days = (last - first).num_days() as usize + 1;
        let mut cumulative = Vec::with_capacity(days);
        let mut working = Vec::with_capacity(days);
        let mut count = 0u32;
        for (offset, date) in first.iter_days().take(days).enumerate() {
            if !is_weekend(date) && !non_working_names.contains_key(&date) {
                working.push(offset as u32);
                count += 1;
            }
            cumulative.push(count);
        }
        WorkingDayCalendar { first, published_last, last, cumulative, working, non_working_names }
    }

    /// The first and last dates of the published bank holiday list. Working-day questions can be
    /// asked about any date from the first; after the last, bank holidays are computed from the
    /// rules ([`bank_holidays_by_rule`]).
    pub fn coverage(&self) -> (NaiveDate, NaiveDate) {
        (self.first, self.published_last)
    }

    /// Whether the bank holidays of `year` were computed from the rules rather than taken from
    /// the published list.
    pub fn is_computed_year(&self, year: i32) -> bool {
        year > self.published_last.year()
    }

    /// The years from `from` to `to` (inclusive, either order) whose bank holidays were computed
    /// from the rules rather than published: empty when the whole span is within the list.
    pub fn computed_years_between(&self, from: NaiveDate, to: NaiveDate) -> std::ops::RangeInclusive<i32> {
        let (from, to) = if from <= to { (from, to) } else { (to, from) };
        (from.year().max(self.published_last.year() + 1))..=to.year()
    }

    /// The offset of `date` from the first day, for a date the calendar can count from (on or
    /// after its first day). The date may be after the table.
    fn check_in_range(&self, date: NaiveDate) -> Result<usize, CalendarError> {
        if date < self.first {
            return Err(CalendarError::OutsideCalendar { date, first: self.first });
        }
        Ok((date - self.first).num_days() as usize)
    }

    /// The number of working days from the first day of the calendar to `date` inclusive. After
    /// the table, whole years are counted by the rule and the last, partial year day by day.
    fn working_days_through(&self, date: NaiveDate) -> Result<u64, CalendarError> {
        let i = self.check_in_range(date)?;
        if date <= self.last {
            return Ok(u64::from(self.cumulative[i]));
        }
        let mut count = self.working.len() as u64;
        for year in self.last.year() + 1..date.year() {
            count += u64::from(working_days_in_year_by_rule(year));
        }
        let holidays = bank_holidays_by_rule(date.year());
        let year_start = NaiveDate::from_ymd_opt(date.year(), 1, 1).unwrap_or(date);
        count += year_start
            .iter_days()
            .take_while(|day| *day <= date)
            .filter(|day| !is_weekend(*day) && !holidays.iter().any(|(h, _)| h == day))
            .count() as u64;
        Ok(count)
    }

    fn date_at(&self, offset: u32) -> NaiveDate {
        self.first + chrono::Days::new(u64::from(offset))
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let i = self.check_in_range(date)?;
        if date > self.last {
            return Ok(!is_weekend(date) && !bank_holidays_by_rule(date.year()).iter().any(|(h, _)| *h == date));
        }
        let before = if i == 0 { 0 } else { self.cumulative[i - 1] };
        Ok(self.cumulative[i] > before)
    }

    /// The name of the bank holiday or closure day on `date`, if it is one.
    pub fn holiday_name(&self, date: NaiveDate) -> Option<&str> {
        if date > self.last {
            return bank_holidays_by_rule(date.year()).into_iter().find(|(h, _)| *h == date).map(|(_, name)| name);
        }
        self.non_working_names.get(&date).map(String::as_str)
    }

    /// The bank holidays and closure days from `from` to `to` inclusive, in date order (none
    /// when `to` is before `from`).
    pub fn holidays_between<'a>(
        &'a self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDate, &'a str)> + 'a {
        let listed = (from <= to).then(|| self.non_working_names.range(from..=to)).into_iter().flatten();
        let after_table = (from.year().max(self.last.year() + 1))..=to.year();
        listed.map(|(d, n)| (*d, n.as_str())).chain(
            after_table
                .flat_map(bank_holidays_by_rule)
                .filter(move |(d, _)| *d >= from && *d <= to)
                .map(|(d, n)| (d, n as &'a str)),
        )
    }

    /// The `n`-th working day after `event` (the event day itself is never counted; see the
    /// module documentation). `n = 0` gives `event` itself.
    pub fn add_working_days(&self, event: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        if n == 0 {
            self.check_in_range(event)?;
            return Ok(event);
        }
        // Working days up to and including the event day; the target is `n` further on.
        let target = self.working_days_through(event)? + u64::from(n);
        if let Some(&offset) = usize::try_from(target - 1).ok().and_then(|k| self.working.get(k)) {
            return Ok(self.date_at(offset));
        }
        // After the table: skip whole years by the rule, then walk the year the target is in.
        let overflow = || CalendarError::Overflow { date: event, amount: format!("{n} working days") };
        let mut left = target - self.working.len() as u64;
        let mut year = self.last.year() + 1;
        loop {
            let year_start = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(overflow)?;
            let in_year = u64::from(working_days_in_year_by_rule(year));
            if left > in_year {
                left -= in_year;
                year = year.checked_add(1).ok_or_else(overflow)?;
                continue;
            }
            let holidays = bank_holidays_by_rule(year);
            return year_start
                .iter_days()
                .take_while(|day| day.year() == year)
                .filter(|day| !is_weekend(*day) && !holidays.iter().any(|(h, _)| h == day))
                .nth(usize::try_from(left - 1).map_err(|_| overflow())?)
                .ok_or_else(overflow);
        }
    }

    /// The number of working days after `from` up to and including `to`; negative when `to` is
    /// before `from`. So `working_days_between(e, add_working_days(e, n)) == n`, and a duty due
    /// within N working days of E is met on time on day D exactly when
    /// `working_days_between(E, D) <= N`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<i64, CalendarError> {
        let a = self.working_days_through(from)?;
        let b = self.working_days_through(to)?;
        // Both counts are at most the days since 2015, well within i64.
        Ok(b as i64 - a as i64)
    }

    /// The first working day on or after `date`.
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        if self.is_working_day(date)? { Ok(date) } else { self.add_working_days(date, 1) }
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Easter Sunday of `year` in the Gregorian calendar, by the anonymous Gregorian algorithm
/// (Meeus/Jones/Butcher). `None` only for a year chrono cannot represent.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The bank holidays and common-law holidays of `year` in England and Wales by the standing
/// rules, in date order, named as GOV.UK names them. This is the rule as it has stood since
/// 1978; it knows nothing of the days proclaimed for one year only (a jubilee, a coronation, a
/// state funeral, VE Day's move of the early May bank holiday), which only the published list
/// holds. careful uses it only for years after the published list.
///
/// - **New Year's Day**, 1 January, or the Monday after when it falls at a weekend: a bank
///   holiday by royal proclamation under s1(3) of the Banking and Financial Dealings Act 1971,
///   made every year since 1974.
/// - **Good Friday**: a common-law holiday (not in the 1971 Act for England and Wales), two days
///   before Easter Sunday ([`easter_sunday`]).
/// - **Easter Monday**: 1971 Act, Schedule 1 para 1.
/// - **Early May bank holiday**, the first Monday in May: by royal proclamation under s1(3),
///   every year since 1978.
/// - **Spring bank holiday**, the last Monday in May, and **Summer bank holiday**, the last
///   Monday in August: 1971 Act, Schedule 1 para 1.
/// - **Christmas Day**, 25 December: a common-law holiday. When it falls on a Saturday or a
///   Sunday, 27 December is a bank holiday under Schedule 1 para 1 ("27th December in a year in
///   which 25th or 26th December is a Sunday").
/// - **Boxing Day**, 26 December "if it be not a Sunday" (Schedule 1 para 1). When it falls on a
///   Saturday or a Sunday, the next weekday not already a holiday is the substitute: Monday 28
///   December when Christmas is a Friday or a Saturday (by proclamation under s1(3)); when
///   Christmas is a Sunday, Boxing Day is Monday 26 and Christmas Day's substitute Tuesday 27.
pub fn bank_holidays_by_rule(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let date = |month: u32, day: u32| NaiveDate::from_ymd_opt(year, month, day);
    let mut out: Vec<(Option<NaiveDate>, &'static str)> = Vec::with_capacity(8);

    match date(1, 1).map(|d| d.weekday()) {
        Some(Weekday::Sat) => out.push((date(1, 3), "New Year's Day (substitute day)")),
        Some(Weekday::Sun) => out.push((date(1, 2), "New Year's Day (substitute day)")),
        _ => out.push((date(1, 1), "New Year's Day")),
    }
    let easter = easter_sunday(year);
    out.push((easter.and_then(|e| e.checked_sub_days(chrono::Days::new(2))), "Good Friday"));
    out.push((easter.and_then(|e| e.checked_add_days(chrono::Days::new(1))), "Easter Monday"));
    out.push((first_monday(year, 5), "Early May bank holiday"));
    out.push((last_monday(year, 5, 31), "Spring bank holiday"));
    out.push((last_monday(year, 8, 31), "Summer bank holiday"));
    match date(12, 25).map(|d| d.weekday()) {
        Some(Weekday::Fri) => {
            out.push((date(12, 25), "Christmas Day"));
            out.push((date(12, 28), "Boxing Day (substitute day)"));
        }
        Some(Weekday::Sat) => {
            out.push((date(12, 27), "Christmas Day (substitute day)"));
            out.push((date(12, 28), "Boxing Day (substitute day)"));
        }
        Some(Weekday::Sun) => {
            out.push((date(12, 26), "Boxing Day"));
            out.push((date(12, 27), "Christmas Day (substitute day)"));
        }
        _ => {
            out.push((date(12, 25), "Christmas Day"));
            out.push((date(12, 26), "Boxing Day"));
        }
    }
    let mut holidays: Vec<(NaiveDate, &'static str)> =
        out.into_iter().filter_map(|(d, name)| d.map(|d| (d, name))).collect();
    holidays.sort_by_key(|(d, _)| *d);
    holidays
}

/// The first Monday of `month` in `year`.
fn first_monday(year: i32, month: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    first.checked_add_days(chrono::Days::new(u64::from((7 - first.weekday().num_days_from_monday()) % 7)))
}

/// The last Monday of `month` in `year`, whose last day is `last_day`.
fn last_monday(year: i32, month: u32, last_day: u32) -> Option<NaiveDate> {
    let last = NaiveDate::from_ymd_opt(year, month, last_day)?;
    last.checked_sub_days(chrono::Days::new(u64::from(last.weekday().num_days_from_monday())))
}

/// The working days in `year` by the rule: its weekdays less its bank holidays (which are all
/// weekdays). 52 whole weeks hold 260 weekdays; the one or two days left over are the last of
/// the year.
fn working_days_in_year_by_rule(year: i32) -> u32 {
    let Some(last) = NaiveDate::from_ymd_opt(year, 12, 31) else { return 0 };
    let spare = if last.leap_year() { [last.pred_opt(), Some(last)] } else { [Some(last), None] };
    let spare_weekdays = spare.into_iter().flatten().filter(|d| !is_weekend(*d)).count() as u32;
    (260 + spare_weekdays).saturating_sub(bank_holidays_by_rule(year).len() as u32)
}

/// The date in England at the instant `at`: UTC in winter, UTC+1 during British Summer Time
/// (from 01:00 UTC on the last Sunday in March to 01:00 UTC on the last Sunday in October, under
/// the Summer Time Order 2002). A duty due "today" is due on this date, not the UTC date.
pub fn date_in_england(at: DateTime<Utc>) -> NaiveDate {
    time_in_england(at).date()
}

/// The date and time on a clock in England at the instant `at` (see [`date_in_england`]).
pub fn time_in_england(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    let year = at.year();
    let last_sunday = |month: u32| {
        let last = NaiveDate::from_ymd_opt(year, month, 31).expect("March and October have 31 days");
        last - chrono::Days::new(u64::from(last.weekday().num_days_from_sunday()))
    };
    let starts = last_sunday(3).and_hms_opt(1, 0, 0).expect("valid time").and_utc();
    let ends = last_sunday(10).and_hms_opt(1, 0, 0).expect("valid time").and_utc();
    if at >= starts && at < ends { (at + chrono::Duration::hours(1)).naive_utc() } else { at.naive_utc() }
}

/// `date` plus `months` calendar months, clamped to the end of a shorter month (31 August + 6
/// months = 28 or 29 February). Negative `months` go back.
pub fn add_months(date: NaiveDate, months: i32) -> Result<NaiveDate, CalendarError> {
    let result = if months >= 0 {
        date.checked_add_months(Months::new(months.unsigned_abs()))
    } else {
        date.checked_sub_months(Months::new(months.unsigned_abs()))
    };
    result.ok_or(CalendarError::Overflow { date, amount: format!("{months} months") })
}

/// `date` plus `weeks` weeks of 7 calendar days.
pub fn add_weeks(date: NaiveDate, weeks: u32) -> Result<NaiveDate, CalendarError> {
    add_days(date, i64::from(weeks) * 7)
}

/// `date` plus `days` calendar days (negative goes back).
pub fn add_days(date: NaiveDate, days: i64) -> Result<NaiveDate, CalendarError> {
    let result = if days >= 0 {
        date.checked_add_days(chrono::Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(chrono::Days::new(days.unsigned_abs()))
    };
    result.ok_or(CalendarError::Overflow { date, amount: format!("{days} days") })
}

/// The date on which someone born on `date_of_birth` attains `age` (Family Law Reform Act 1969
/// s9: at the start of the anniversary of their birth).
///
/// For a birth on 29 February the anniversary in a year that is not a leap year is taken to be
/// 1 March: the person has not completed that year of life until 28 February has passed. The
/// rule catalogue (§1 time-age, open question 12) records this as a choice to confirm; it is
/// the reading that never treats a child as older than they are, so a duty owed "until 18" is
/// never dropped a day early.
pub fn date_attaining_age(date_of_birth: NaiveDate, age: u32) -> Result<NaiveDate, CalendarError> {
    let overflow = || CalendarError::Overflow { date: date_of_birth, amount: format!("{age} years") };
    let year = date_of_birth.year().checked_add(i32::try_from(age).map_err(|_| overflow())?).ok_or_else(overflow)?;
    match NaiveDate::from_ymd_opt(year, date_of_birth.month(), date_of_birth.day()) {
        Some(d) => Ok(d),
        // Only 29 February in a non-leap year has no anniversary.
        None => NaiveDate::from_ymd_opt(year, 3, 1).ok_or_else(overflow),
    }
}

/// Age in whole years on `on` of someone born on `date_of_birth`.
pub fn age_on(date_of_birth: NaiveDate, on: NaiveDate) -> Result<u32, CalendarError> {
    if on < date_of_birth {
        return Err(CalendarError::BeforeBirth { on, date_of_birth });
    }
    let mut age = (on.year() - date_of_birth.year()) as u32;
    if date_attaining_age(date_of_birth, age)? > on {
        age -= 1;
    }
    Ok(age)
}

/// A DfE collection year: 1 April to 31 March, written "2025-26".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CollectionYear {
    start_year: i32,
}

/// A collection year that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a collection year: write it as the two years it spans, for example 2025-26")]
pub struct CollectionYearError {
    pub input: String,
}

impl CollectionYear {
    /// The collection year starting on 1 April of `start_year` (2000 to 2098).
    pub fn starting(start_year: i32) -> Option<CollectionYear> {
        (2000..=2098).contains(&start_year).then_some(CollectionYear { start_year })
    }

    /// The collection year that `date` falls in.
    pub fn containing(date: NaiveDate) -> Option<CollectionYear> {
        let start_year = if date.month() >= 4 { date.year() } else { date.year() - 1 };
        CollectionYear::starting(start_year)
    }

    /// The calendar year in which this collection year starts (2025 for 2025-26).
    pub fn start_year(self) -> i32 {
        self.start_year
    }

    /// The calendar year in which this collection year ends (2026 for 2025-26); DfE's tools
    /// call this the collection year.
    pub fn end_year(self) -> i32 {
        self.start_year + 1
    }

    /// 1 April.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start_year, 4, 1).expect("1 April exists")
    }

    /// 31 March of the following year.
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start_year + 1, 3, 31).expect("31 March exists")
    }

    /// Whether `date` falls within this collection year.
    pub fn contains(self, date: NaiveDate) -> bool {
        date >= self.first_day() && date <= self.last_day()
    }

    /// The year before.
    pub fn previous(self) -> CollectionYear {
        CollectionYear { start_year: self.start_year - 1 }
    }
}

impl fmt::Display for CollectionYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.start_year, (self.start_year + 1) % 100)
    }
}

impl FromStr for CollectionYear {
    type Err = CollectionYearError;

    /// Reads "2025-26", "2025/26" or "2025-2026" (the two years must be consecutive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || CollectionYearError { input: s.to_string() };
        let trimmed = s.trim();
        let (start, end) = trimmed.split_once(['-', '/']).ok_or_else(err)?;
        if start.len() != 4 || !start.bytes().all(|b| b.is_ascii_digit()) || !end.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let start_year: i32 = start.parse().map_err(|_| err())?;
        let end_year: i32 = match end.len() {
            2 => (start_year / 100) * 100 + end.parse::<i32>().map_err(|_| err())?,
            4 => end.parse().map_err(|_| err())?,
            _ => return Err(err()),
        };
        // "2099-00" style century wrap is outside the supported range anyway.
        if end_year != start_year + 1 {
            return Err(err());
        }
        CollectionYear::starting(start_year).ok_or_else(err)
    }
}

impl TryFrom<String> for CollectionYear {
    type Error = CollectionYearError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<CollectionYear> for String {
    fn from(value: CollectionYear) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests;
