//! The statutory duties engine.
//!
//! For every child, what the law and the council's practice standards say must happen next, by
//! when, and whether it happened on time: [`duties`], a pure function of the child's history,
//! the working-day calendar, the council's [`Policy`] and the date; and the guardrails,
//! [`check`], that refuse or escalate what the law forbids.
//!
//! Every rule carries its id in the statutory rule catalogue ([`catalogue`]), its citation and
//! its status. Statutory timescales are code; practice standards are [`Policy`] settings with the
//! catalogue's defaults.

#![forbid(unsafe_code)]

pub mod catalogue;
mod ctx;
pub mod docs;
mod duty;
mod guardrails;
pub mod needs;
mod policy;
mod rules;
#[cfg(test)]
mod testing;

use chrono::NaiveDate;

use careful_domain::WorkingDayCalendar;
use careful_domain::record::{ChildEvent, ChildRecord, Entry, RecordError, fold};

pub use catalogue::{Implementation, Rule, Status};
pub use duty::{Clock, Duty, DutyStatus, Trigger, Working};
pub use guardrails::{Breach, check};
pub use policy::Policy;
pub use rules::care_leavers::eligible_from;

/// Every duty owed to the child, met or not, as of `as_of`: the record is read as it stood at
/// the end of that day (events dated later have not happened yet).
pub fn duties(
    history: &[Entry],
    calendar: &WorkingDayCalendar,
    policy: &Policy,
    as_of: NaiveDate,
) -> Result<Vec<Duty>, RecordError> {
    let record = record_as_of(history, as_of)?;
    Ok(duties_of(&record, calendar, policy, as_of))
}

/// The child's record as it stood at the end of `as_of`: events dated later have not happened
/// yet, and a correction made later of an event before it has not been made.
pub fn record_as_of(history: &[Entry], as_of: NaiveDate) -> Result<ChildRecord, RecordError> {
    let known: Vec<Entry> = history.iter().filter(|e| e.effective_date <= as_of).cloned().collect();
    let ids: std::collections::HashSet<_> = known.iter().map(|e| e.id).collect();
    let known: Vec<Entry> = known
        .into_iter()
        .filter(|e| match &e.event {
            ChildEvent::EventCorrected { corrects, .. } => ids.contains(corrects),
            _ => true,
        })
        .collect();
    fold(&known)
}

/// As [`duties`], for a record already folded from events up to `as_of`.
pub fn duties_of(record: &ChildRecord, calendar: &WorkingDayCalendar, policy: &Policy, as_of: NaiveDate) -> Vec<Duty> {
    let ctx = ctx::Ctx::new(record, calendar, policy, as_of);
    let mut out = Vec::new();
    rules::front_door::evaluate(&ctx, &mut out);
    rules::workforce::evaluate(&ctx, &mut out);
    rules::child_in_need::evaluate(&ctx, &mut out);
    rules::child_protection::evaluate(&ctx, &mut out);
    rules::visits::evaluate(&ctx, &mut out);
    rules::reviews::evaluate(&ctx, &mut out);
    rules::placements::evaluate(&ctx, &mut out);
    rules::health::evaluate(&ctx, &mut out);
    rules::education::evaluate(&ctx, &mut out);
    rules::missing::evaluate(&ctx, &mut out);
    rules::care_leavers::evaluate(&ctx, &mut out);
    rules::adoption::evaluate(&ctx, &mut out);
    rules::complaints::evaluate(&ctx, &mut out);
    rules::advocacy::evaluate(&ctx, &mut out);
    rules::court::evaluate(&ctx, &mut out);
    out.sort_by(|a, b| a.due.cmp(&b.due).then(a.rule.id.cmp(b.rule.id)));
    out
}
