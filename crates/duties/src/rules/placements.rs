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
            let id = ctx.event_on(ending.date, |e| {
                matches!(e, ChildEvent::PlacementChanged { .. } | ChildEvent::CeasedToBeLookedAfter { .. })
            });
            let trigger = Trigger { event: id, date: ending.date, what: "Placement ended".into() };
            match &ending.notice {
                // Regulation 14 does not apply to this ending (reg 14(5)).
                Some(CarerNotice::NotRequired { .. }) => {}
                // Notice given before the placement ended: the duty was met then.
                Some(CarerNotice::Given { on }) => out.push(ctx.duty_due(
                    known("pl-terminate"),
                    "Tell the carer in writing before the placement ends",
                    trigger.clone(),
                    ending.date,
                    "before the placement ends".into(),
                    Some((*on, id)),
                    None,
                )),
                // Ended at once (reg 14(3)), or with no notice recorded: the carer is told in
                // writing within 10 working days after (reg 14(4)).
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
                        trigger.clone(),
                        Clock::WorkingDays(10),
                        notified,
                        None,
                    ));
                }
            }
            if matches!(ending.notice, Some(CarerNotice::Emergency { .. })) {
                emergency_ending(ctx, period, ending, trigger, out);
            }
        }
    }
}

/// After a placement ends at once (reg 14(3)): the IRO is told as soon as reasonably
/// practicable (reg 14(3)(b)), and, the review before the ending having been lifted (reg
/// 14(3)(a)), the child's case is reviewed after it while they stay looked after.
fn emergency_ending(
    ctx: &Ctx<'_>,
    period: &careful_domain::record::CarePeriod,
    ending: &careful_domain::record::PlacementEnding,
    trigger: Trigger,
    out: &mut Vec<Duty>,
) {
    let informed =
        ending.iro_informed.map(|d| (d, ctx.event_on(d, |e| matches!(e, ChildEvent::IroInformedOfEnding {}))));
    out.extend(ctx.duty(
        known("pl-terminate-iro"),
        "Tell the IRO that the placement ended at once",
        trigger.clone(),
        Clock::WorkingDays(ctx.policy.emergency_ending_iro_working_days),
        informed,
        None,
    ));
    // Care that ended with this placement leaves no case to review.
    if period.end() == Some(ending.date) {
        return;
    }
    let reviewed = period
        .reviews
        .iter()
        .find(|(d, _)| *d >= ending.date)
        .map(|(d, _)| (*d, ctx.event_on(*d, |e| matches!(e, ChildEvent::StatutoryReviewHeld { .. }))));
    let ended = period.end().filter(|e| reviewed.is_none_or(|(d, _)| d > *e));
    out.extend(ctx.duty(
        known("pl-terminate-review"),
        "Review the child's case after the placement ended at once",
        trigger,
        Clock::WorkingDays(ctx.policy.emergency_ending_review_working_days),
        reviewed,
        ended,
    ));
}
