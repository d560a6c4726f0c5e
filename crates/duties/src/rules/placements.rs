//! Ending placements (CPPCR 2010 reg 14): the carer is told in writing before a placement the
//! council ends; where it must end at once (reg 14(3)), the reason is recorded and the carer is
//! told in writing within 10 working days after.

use careful_domain::calendar::long_date;
use careful_domain::record::{CarerNotice, ChildEvent};

use crate::catalogue::known;
use crate::ctx::{Clock, Ctx};
use crate::duty::{Duty, Trigger};

/// pl-connected-temp (CPPCR reg 24): a connected person's temporary approval lasts at most 16
/// weeks, extended once by at most 8 (reg 25); by then the connected person is approved as a
/// foster carer, or the child is placed elsewhere. Weeks are counted as 7 calendar days from the
/// day of approval, as careful counts weeks everywhere.
fn temporary_approvals(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    for approval in &ctx.record.temporary_approvals {
        let weeks = 16 + approval.extension.map_or(0, |(_, w)| i64::from(w));
        let Ok(due) = careful_domain::calendar::add_days(approval.approved, 7 * weeks) else { continue };
        if due < ctx.policy.assessed_from {
            continue;
        }
        let mut working = format!(
            "16 weeks after {}, the day of temporary approval, is {}",
            long_date(approval.approved),
            long_date(careful_domain::calendar::add_days(approval.approved, 112).unwrap_or(due))
        );
        if let Some((on, w)) = approval.extension {
            working = format!("{working}; extended on {} by {w} weeks, to {}", long_date(on), long_date(due));
        }
        let met = approval
            .fully_approved
            .map(|d| (d, ctx.event_on(d, |e| matches!(e, ChildEvent::ConnectedPersonApproved {}))));
        // The child placed elsewhere (another carer, or care ended) ends the duty.
        let moved_on = ctx
            .record
            .care_periods
            .iter()
            .flat_map(|p| {
                p.states
                    .iter()
                    .filter(|s| s.date > approval.approved && s.placement.carer != approval.carer)
                    .map(|s| s.date)
                    .chain(p.end().filter(|e| *e > approval.approved && p.started <= approval.approved))
            })
            .min();
        out.push(ctx.duty_due(
            known("pl-connected-temp"),
            "Approve the connected person as a foster carer, or place the child elsewhere",
            Trigger {
                event:
                    ctx.event_on(approval.approved, |e| matches!(e, ChildEvent::ConnectedPersonTemporarilyApproved {})),
                date: approval.approved,
                what: "Connected person temporarily approved".into(),
            },
            due,
            working.into(),
            met,
            if met.is_none() { moved_on } else { None },
        ));
    }
}

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    temporary_approvals(ctx, out);
    for period in &ctx.record.care_periods {
        for ending in &period.placement_endings {
            if ending.date < ctx.policy.assessed_from || ending.placement.placement_type.is_temporary() {
                continue;
            }
            // Placements with parents are not ended by notice to a carer.
            if ending.placement.placement_type == careful_domain::codes::PlacementType::WithParents {
                continue;
            }
            let id = ctx.event_on(ending.date, |e| {
                matches!(e, ChildEvent::PlacementChanged { .. } | ChildEvent::CeasedToBeLookedAfter { .. })
            });
            let trigger = Trigger { event: id, date: ending.date, what: "Placement ended".into() };
            match &ending.notice {
                // Notice given before the placement ended: the duty was met then.
                Some(CarerNotice::Given { on }) => out.push(ctx.duty_due(
                    known("pl-terminate"),
                    "Tell the carer in writing before the placement ends",
                    trigger,
                    ending.date,
                    "before the placement ends".into(),
                    Some((*on, id)),
                    None,
                )),
                // Ended at once (reg 14(3)), or with no notice recorded: the carer is told in
                // writing within 10 working days after.
                _ => {
                    let notified = ending
                        .notified_after
                        .map(|d| (d, ctx.event_on(d, |e| matches!(e, ChildEvent::CarerNotifiedOfEnding {}))));
                    out.extend(ctx.duty(
                        known("pl-terminate"),
                        match ending.notice {
                            Some(_) => "Tell the carer in writing, after the placement ended at once",
                            None => "Tell the carer in writing: no notice was recorded before the placement ended",
                        },
                        trigger,
                        Clock::WorkingDays(10),
                        notified,
                        None,
                    ));
                }
            }
        }
    }
}
