//! What a duty is: a rule, the event that started its clock, when it is due, and whether it was
//! done on time.

use std::borrow::Cow;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

use careful_domain::calendar::long_date;
use careful_domain::{EventId, WorkingDayCalendar};

use crate::catalogue::{Rule, Status};

/// Where a duty stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DutyStatus {
    /// Not yet due.
    Upcoming,
    /// Due today and not yet done.
    DueToday,
    /// Past its due date and not done: by this many days (to today, or to when the duty stopped
    /// applying, for one that can no longer be met).
    Overdue { days: i64 },
    /// Done by the due date.
    MetOnTime,
    /// Done after the due date, by this many days.
    MetLate { days: i64 },
    /// The duty does not apply, and why.
    NotApplicable { reason: String },
}

impl DutyStatus {
    /// The status as the JSON output names it.
    pub fn code(&self) -> &'static str {
        match self {
            DutyStatus::Upcoming => "upcoming",
            DutyStatus::DueToday => "due",
            DutyStatus::Overdue { .. } => "overdue",
            DutyStatus::MetOnTime => "met_on_time",
            DutyStatus::MetLate { .. } => "met_late",
            DutyStatus::NotApplicable { .. } => "not_applicable",
        }
    }

    /// Still to be done (upcoming, due or overdue and still applying).
    pub fn is_open(&self) -> bool {
        matches!(self, DutyStatus::Upcoming | DutyStatus::DueToday | DutyStatus::Overdue { .. })
    }

    /// The status on `today` of a duty that can still be done, due on `due`.
    pub fn open_on(due: NaiveDate, today: NaiveDate) -> DutyStatus {
        match today.cmp(&due) {
            std::cmp::Ordering::Less => DutyStatus::Upcoming,
            std::cmp::Ordering::Equal => DutyStatus::DueToday,
            std::cmp::Ordering::Greater => DutyStatus::Overdue { days: (today - due).num_days() },
        }
    }

    /// The status on `today` of a duty as a worklist keeps it: whether it can still be done,
    /// when it was met, by how many days it was late or missed, and why it does not apply.
    pub fn from_parts(
        due: NaiveDate,
        open: bool,
        met_on: Option<NaiveDate>,
        late_days: u32,
        not_applicable: Option<&str>,
        today: NaiveDate,
    ) -> DutyStatus {
        if let Some(reason) = not_applicable {
            return DutyStatus::NotApplicable { reason: reason.to_string() };
        }
        match (open, met_on) {
            (true, _) => DutyStatus::open_on(due, today),
            (false, Some(_)) if late_days == 0 => DutyStatus::MetOnTime,
            (false, Some(_)) => DutyStatus::MetLate { days: i64::from(late_days) },
            (false, None) => DutyStatus::Overdue { days: i64::from(late_days) },
        }
    }

    /// Days late (met late) or missed (overdue and no longer possible), for keeping with the
    /// duty; 0 otherwise.
    pub fn late_days(&self) -> u32 {
        match self {
            DutyStatus::MetLate { days } | DutyStatus::Overdue { days } => u32::try_from(*days).unwrap_or(u32::MAX),
            _ => 0,
        }
    }
}

impl fmt::Display for DutyStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DutyStatus::Upcoming => f.write_str("upcoming"),
            DutyStatus::DueToday => f.write_str("due today"),
            DutyStatus::Overdue { days } => write!(f, "overdue by {days} day{}", if *days == 1 { "" } else { "s" }),
            DutyStatus::MetOnTime => f.write_str("met on time"),
            DutyStatus::MetLate { days } => write!(f, "met {days} day{} late", if *days == 1 { "" } else { "s" }),
            DutyStatus::NotApplicable { reason } => write!(f, "not applicable: {reason}"),
        }
    }
}

/// A clock: how a due date follows from the day that starts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The N-th working day after (the day itself not counted).
    WorkingDays(u32),
    /// N calendar days after (within one week: 7).
    Days(i64),
    /// N calendar months after, clamped to month end.
    Months(i32),
}

impl Clock {
    pub fn describe(self) -> String {
        match self {
            Clock::WorkingDays(1) => "1 working day".into(),
            Clock::WorkingDays(n) => format!("{n} working days"),
            Clock::Days(7) => "1 week".into(),
            Clock::Days(n) if n % 7 == 0 => format!("{} weeks", n / 7),
            Clock::Days(n) => format!("{n} days"),
            Clock::Months(1) => "1 month".into(),
            Clock::Months(n) => format!("{n} months"),
        }
    }
}

/// How a duty's due date was worked out, put in words only when someone reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Working {
    /// A clock run from a day.
    After { from: NaiveDate, clock: Clock },
    /// Anything else, in words.
    Text(Cow<'static, str>),
}

impl Working {
    /// In words: "20 working days after 23 December 2025 is 23 January 2026, not counting
    /// weekends and Christmas Day (25 December 2025), ...". A working-day count that reaches a
    /// year after the published bank holiday list says that year's bank holidays were computed.
    pub fn describe(&self, calendar: &WorkingDayCalendar, due: NaiveDate) -> String {
        match self {
            Working::Text(text) => text.to_string(),
            Working::After { from, clock } => {
                let mut text = format!("{} after {} is {}", clock.describe(), long_date(*from), long_date(due));
                if let Clock::WorkingDays(_) = clock {
                    let holidays: Vec<String> =
                        calendar.holidays_between(*from, due).map(|(d, n)| format!("{n} ({})", long_date(d))).collect();
                    if holidays.is_empty() {
                        text.push_str(", not counting weekends");
                    } else {
                        text.push_str(&format!(", not counting weekends and {}", holidays.join(", ")));
                    }
                    // Say when the count ran past the published bank holiday list.
                    let computed = calendar.computed_years_between(*from, due);
                    if !computed.is_empty() {
                        let years = if computed.start() == computed.end() {
                            computed.start().to_string()
                        } else {
                            format!("{} to {}", computed.start(), computed.end())
                        };
                        text.push_str(&format!(
                            "; bank holidays for {years} computed from the Banking and Financial Dealings Act 1971 \
                             and the standing proclamations; not yet published"
                        ));
                    }
                }
                text
            }
        }
    }
}

impl From<&'static str> for Working {
    fn from(text: &'static str) -> Working {
        Working::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Working {
    fn from(text: String) -> Working {
        Working::Text(Cow::Owned(text))
    }
}

/// The event (or date) that started a duty's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    pub event: Option<EventId>,
    pub date: NaiveDate,
    /// In words: "Became looked after", "Statutory visit".
    pub what: Cow<'static, str>,
}

/// One duty owed to one child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duty {
    pub rule: &'static Rule,
    /// What is owed, in words.
    pub owed: Cow<'static, str>,
    pub trigger: Trigger,
    pub due: NaiveDate,
    /// For clocks counted in hours (the 72-hour return interview offer).
    pub due_at: Option<NaiveDateTime>,
    pub status: DutyStatus,
    /// The event that met the duty, and its date.
    pub met_by: Option<EventId>,
    pub met_on: Option<NaiveDate>,
    /// How the due date was worked out, so anyone can check the arithmetic
    /// ([`Working::describe`]).
    pub working: Working,
    /// The day the duty stopped applying, for one that can no longer be met (the placement
    /// ended, the plan ended, the child turned 18).
    pub ended: Option<NaiveDate>,
}

impl Duty {
    /// Whether the duty can still be done: not met, still applying, and applicable.
    pub fn can_still_be_done(&self) -> bool {
        self.status.is_open() && self.ended.is_none()
    }

    /// Whether the statute or guidance makes this a breach when missed, rather than a council
    /// practice standard.
    pub fn is_statutory(&self) -> bool {
        matches!(self.rule.status, Status::Statute | Status::StatutoryGuidance)
    }

    /// How the due date was worked out, in words.
    pub fn working_text(&self, calendar: &WorkingDayCalendar) -> String {
        let text = self.working.describe(calendar, self.due);
        match crate::catalogue::convention(self.rule.id) {
            Some(note) => format!("{text} ({note})"),
            None => text,
        }
    }

    /// The duty in one line: rule, citation, what is owed, since when, when due, and status.
    pub fn explain(&self) -> String {
        let met = match (self.met_on, &self.status) {
            (Some(on), _) => format!("; done on {}", long_date(on)),
            _ => String::new(),
        };
        format!(
            "{} ({}): {} since {} on {}; due {}{}{met}; {}",
            self.rule.id,
            self.rule.citation,
            self.owed,
            self.trigger.what,
            long_date(self.trigger.date),
            long_date(self.due),
            self.due_at.map(|t| format!(" at {}", t.format("%H:%M"))).unwrap_or_default(),
            self.status
        )
    }
}
