//! Complaints (Children Act 1989 Representations Procedure (England) Regulations 2006): a
//! response at stage 1 within 10 working days (reg 14) and at stage 2 within 25 (reg 17), each
//! with any extension recorded in time (to at most 20 and 65); and at stage 3 the review panel
//! meets within 30 working days of the request (reg 19(4)).
//!
//! Stage 2 counts from the day the stage 2 request was received, the day the record holds for
//! the complaint at that stage (see the note on complaints in docs/duties.md).

use careful_domain::calendar::long_date;
use careful_domain::record::{ChildEvent, Complaint, ComplaintStage};

use crate::catalogue::known;
use crate::ctx::{Clock, Ctx};
use crate::duty::{Duty, Trigger};

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    for complaint in &ctx.record.complaints {
        let trigger = Trigger {
            event: ctx.event_on(complaint.received, |e| matches!(e, ChildEvent::ComplaintReceived { .. })),
            date: complaint.received,
            what: "Complaint received".into(),
        };
        let (rule, working_days) = match (complaint.stage, complaint.stage.response_working_days()) {
            (ComplaintStage::LocalResolution, Some(n)) => (known("cmp-stage1"), n),
            (ComplaintStage::Investigation, Some(n)) => (known("cmp-stage2"), n),
            _ => {
                panel(ctx, complaint, trigger, out);
                continue;
            }
        };
        let (working_days, owed) = lawful_period(ctx, complaint, working_days);
        let met = complaint
            .responded
            .map(|(d, _)| (d, ctx.event_on(d, |e| matches!(e, ChildEvent::ComplaintResponded { .. }))));
        out.extend(ctx.duty(rule, owed, trigger, Clock::WorkingDays(working_days.into()), met, None));
    }
}

/// The period for responding with the extensions that count, and the duty's words. An extension
/// counts when it was agreed by the last day of the period it extends (a period that has run out
/// cannot then be extended) and is within the regulations' most (the record refuses more).
fn lawful_period(ctx: &Ctx<'_>, complaint: &Complaint, base: u8) -> (u8, String) {
    let mut working_days = base;
    let mut owed = "Respond to the complaint".to_string();
    let most = complaint.stage.extended_working_days().unwrap_or(base);
    for extension in &complaint.extensions {
        let Ok(due) = ctx.due(complaint.received, Clock::WorkingDays(working_days.into())) else {
            break;
        };
        if extension.on <= due && extension.working_days > working_days && extension.working_days <= most {
            working_days = extension.working_days;
            owed = format!(
                "Respond to the complaint (extended on {} to {working_days} working days: {})",
                long_date(extension.on),
                extension.reason
            );
        } else {
            owed.push_str(&format!(
                " (an extension recorded on {} does not count: the {working_days} working days had run out on {})",
                long_date(extension.on),
                long_date(due)
            ));
        }
    }
    (working_days, owed)
}

/// Reg 19(4): the review panel meets within 30 working days of the authority receiving the
/// request. A request answered (or withdrawn) without a panel stops the duty on that day.
fn panel(ctx: &Ctx<'_>, complaint: &Complaint, trigger: Trigger, out: &mut Vec<Duty>) {
    let met = complaint.panel_held.map(|d| (d, ctx.event_on(d, |e| matches!(e, ChildEvent::ComplaintPanelHeld {}))));
    let ended = match (complaint.panel_held, complaint.responded) {
        (None, Some((answered, _))) => Some(answered),
        _ => None,
    };
    let trigger = Trigger { what: "Review panel requested".into(), ..trigger };
    out.extend(ctx.duty(
        known("cmp-stage3-panel"),
        "Hold the review panel",
        trigger,
        Clock::WorkingDays(30),
        met,
        ended,
    ));
}
