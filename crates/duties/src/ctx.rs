//! What every rule works with: the child's record, the calendar, the council's standards and the
//! date duties are assessed on, and the arithmetic they share.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime};

use careful_domain::calendar::{CalendarError, add_days, add_months, long_date};
use careful_domain::record::{ChildEvent, ChildRecord, VisitKind};
use careful_domain::{EventId, WorkingDayCalendar};

use crate::catalogue::Rule;
pub(crate) use crate::duty::Clock;
use crate::duty::{Duty, DutyStatus, Trigger, Working};
use crate::policy::Policy;

pub(crate) struct Ctx<'a> {
    pub record: &'a ChildRecord,
    pub calendar: &'a WorkingDayCalendar,
    pub policy: &'a Policy,
    pub as_of: NaiveDate,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        record: &'a ChildRecord,
        calendar: &'a WorkingDayCalendar,
        policy: &'a Policy,
        as_of: NaiveDate,
    ) -> Ctx<'a> {
        Ctx { record, calendar, policy, as_of }
    }

    /// The child's visits of `kind` at which they were seen, each with its event, in date
    /// order: what meets a plan's visiting duty.
    pub(crate) fn seen_visits(&self, kind: VisitKind) -> Vec<(NaiveDate, Option<EventId>)> {
        self.record
            .visits
            .iter()
            .filter(|v| v.seen && v.kind == kind)
            .map(|v| {
                (v.date, self.event_on(v.date, |e| matches!(e, ChildEvent::VisitMade { visit, .. } if *visit == kind)))
            })
            .collect()
    }

    /// When a plan's visits are owed from: its start, or the child's birth if they were unborn
    /// then; `None` if the record has no date of birth.
    pub(crate) fn visiting_from(&self, plan_start: &Trigger) -> Option<Trigger> {
        let born = self.record.details.date_of_birth?;
        Some(if born > plan_start.date {
            Trigger {
                event: self.event_on(born, |e| matches!(e, ChildEvent::ChildBorn { .. })),
                date: born,
                what: "Child born".into(),
            }
        } else {
            plan_start.clone()
        })
    }

    /// The first event on `date` that `matches`, for naming the event that started or met a
    /// duty.
    pub(crate) fn event_on(&self, date: NaiveDate, matches: impl Fn(&ChildEvent) -> bool) -> Option<EventId> {
        // The timeline is in date order.
        let timeline = &self.record.timeline;
        let first = timeline.partition_point(|e| e.effective_date < date);
        timeline[first..].iter().take_while(|e| e.effective_date == date).find(|e| matches(&e.event)).map(|e| e.id)
    }

    /// The due date a clock gives.
    pub(crate) fn due(&self, from: NaiveDate, clock: Clock) -> Result<NaiveDate, CalendarError> {
        match clock {
            Clock::WorkingDays(n) => self.calendar.add_working_days(from, n),
            Clock::Days(n) => add_days(from, n),
            Clock::Months(n) => add_months(from, n),
        }
    }

    /// The status of a duty due on `due`, met on `met` (if it was, by `as_of`), that stopped
    /// applying on `ended` (if it did).
    pub(crate) fn status(&self, due: NaiveDate, met: Option<NaiveDate>, ended: Option<NaiveDate>) -> DutyStatus {
        match met {
            Some(m) if m <= due => DutyStatus::MetOnTime,
            Some(m) => DutyStatus::MetLate { days: (m - due).num_days() },
            None => match ended {
                Some(e) if e <= due => DutyStatus::NotApplicable {
                    reason: format!("it stopped applying on {}, before it was due", long_date(e)),
                },
                Some(e) => DutyStatus::Overdue { days: (e.min(self.as_of) - due).num_days().max(0) },
                None => DutyStatus::open_on(due, self.as_of),
            },
        }
    }

    /// The status of a duty counted in hours, due at `due_at` and met at `met_at` (if it was,
    /// by `as_of`): late by part of a day counts as a day late.
    pub(crate) fn status_at(&self, due_at: NaiveDateTime, met_at: Option<NaiveDateTime>) -> DutyStatus {
        match met_at.filter(|at| at.date() <= self.as_of) {
            Some(at) if at <= due_at => DutyStatus::MetOnTime,
            Some(at) => DutyStatus::MetLate { days: ((at - due_at).num_minutes() + 1439) / 1440 },
            None => DutyStatus::open_on(due_at.date(), self.as_of),
        }
    }

    /// Builds a duty from a clock. Returns `None` for duties due before the council's standards
    /// are assessed from (history kept from earlier systems). A clock that cannot be worked out
    /// gives a not-applicable duty saying why: only a clock started before the working-day
    /// calendar's first day (1 January 2015) that the council still assesses, or one that runs
    /// past the last date careful can represent. A due date after the published bank holiday
    /// list is counted with computed bank holidays, never dropped.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn duty(
        &self,
        rule: &'static Rule,
        owed: impl Into<Cow<'static, str>>,
        trigger: Trigger,
        clock: Clock,
        met: Option<(NaiveDate, Option<EventId>)>,
        ended: Option<NaiveDate>,
    ) -> Option<Duty> {
        let owed = owed.into();
        let due = match self.due(trigger.date, clock) {
            Ok(due) => due,
            Err(_) if trigger.date < self.policy.assessed_from => return None,
            Err(e) => {
                return Some(Duty {
                    rule,
                    owed,
                    due: trigger.date,
                    due_at: None,
                    status: DutyStatus::NotApplicable { reason: e.to_string() },
                    met_by: None,
                    met_on: None,
                    working: Working::Text(Cow::Borrowed("")),
                    trigger,
                    ended,
                });
            }
        };
        if due < self.policy.assessed_from {
            return None;
        }
        let working = Working::After { from: trigger.date, clock };
        Some(self.duty_due(rule, owed, trigger, due, working, met, ended))
    }

    /// Builds a duty whose due date is already known.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn duty_due(
        &self,
        rule: &'static Rule,
        owed: impl Into<Cow<'static, str>>,
        trigger: Trigger,
        due: NaiveDate,
        working: Working,
        met: Option<(NaiveDate, Option<EventId>)>,
        ended: Option<NaiveDate>,
    ) -> Duty {
        let met = met.filter(|(d, _)| *d <= self.as_of);
        // An end still to come (an 18th birthday) has not ended anything yet.
        let ended = ended.filter(|e| *e <= self.as_of);
        Duty {
            rule,
            owed: owed.into(),
            trigger,
            due,
            due_at: None,
            status: self.status(due, met.map(|m| m.0), ended),
            met_by: met.and_then(|m| m.1),
            met_on: met.map(|m| m.0),
            working,
            ended,
        }
    }
}

/// A chain of recurring duties (visits, reviews): each due a clock after the previous event
/// that met one (or after the start, for the first), whatever date that actually was.
pub(crate) struct Chain {
    pub rule: &'static Rule,
    pub owed: &'static str,
    pub start: Trigger,
    /// The first day on which the chain no longer applies (the placement or plan ended).
    pub end: Option<NaiveDate>,
    /// The events that meet a duty of the chain, in date order.
    pub events: Vec<(NaiveDate, Option<EventId>)>,
    /// Whether an event on the start day meets the first duty.
    pub same_day_counts: bool,
    pub what_event: &'static str,
}

impl Chain {
    /// Runs the chain: `first` gives the first duty's clock, `next(n, previous event date)` the
    /// clock of the n-th later one (from 1). Appends the duties to `out`.
    pub(crate) fn run(
        self,
        ctx: &Ctx<'_>,
        first: Clock,
        next: impl Fn(usize, NaiveDate) -> Clock,
        out: &mut Vec<Duty>,
    ) {
        let mut anchor = self.start.clone();
        let mut is_first = true;
        let mut link = 0;
        let mut events = self.events.iter().peekable();
        loop {
            let clock = if is_first { first } else { next(link, anchor.date) };
            // The next event that could meet this duty.
            while events.peek().is_some_and(|(d, _)| {
                if is_first && self.same_day_counts { *d < anchor.date } else { *d <= anchor.date }
            }) {
                events.next();
            }
            let candidate = events.peek().copied().filter(|(d, _)| self.end.is_none_or(|e| *d < e) && *d <= ctx.as_of);
            let Some(duty) = ctx.duty(self.rule, self.owed, anchor.clone(), clock, candidate.copied(), self.end) else {
                // Due before careful assesses duties: move on to the next event, if any.
                match candidate {
                    Some((date, id)) => {
                        anchor = Trigger { event: *id, date: *date, what: Cow::Borrowed(self.what_event) };
                        is_first = false;
                        link += 1;
                        events.next();
                        continue;
                    }
                    None => return,
                }
            };
            let stop = duty.met_on.is_none();
            out.push(duty);
            match candidate {
                Some((date, id)) if !stop => {
                    anchor = Trigger { event: *id, date: *date, what: Cow::Borrowed(self.what_event) };
                    is_first = false;
                    link += 1;
                    events.next();
                }
                _ => return,
            }
        }
    }
}
