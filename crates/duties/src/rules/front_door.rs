//! The front door and assessment (Working Together 2023 ch.3; local practice).

use careful_domain::record::ChildEvent;

use crate::catalogue::known;
use crate::ctx::{Clock, Ctx};
use crate::duty::{Duty, Trigger};

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    let r = ctx.record;

    // ref-decision (SG): a decision on a referral within 1 working day of receipt. careful
    // records the decision on the contact that brought the referral; every contact gets one.
    for contact in &r.contacts {
        let trigger = Trigger {
            event: ctx.event_on(contact.date, |e| matches!(e, ChildEvent::ContactReceived { .. })),
            date: contact.date,
            what: "Contact received".into(),
        };
        let met =
            contact.outcome.map(|(d, _)| (d, ctx.event_on(d, |e| matches!(e, ChildEvent::ContactDecided { .. }))));
        out.extend(ctx.duty(
            known("ref-decision"),
            "Decide what to do about the contact",
            trigger,
            Clock::WorkingDays(1),
            met,
            None,
        ));
    }

    for episode in &r.cin_episodes {
        let referral = Trigger {
            event: ctx.event_on(episode.referral_date, |e| matches!(e, ChildEvent::ReferralReceived { .. })),
            date: episode.referral_date,
            what: "Referral received".into(),
        };
        // asmt-45 (SG): the assessment completed within 45 working days of the referral (the
        // clock starts at referral, not allocation). Not owed when the referral closed with no
        // further action before any assessment.
        if !episode.no_further_action {
            let authorised = episode.assessments.first().and_then(|a| a.authorised);
            let met =
                authorised.map(|d| (d, ctx.event_on(d, |e| matches!(e, ChildEvent::AssessmentAuthorised { .. }))));
            let ended = if authorised.is_none() { episode.end() } else { None };
            out.extend(ctx.duty(
                known("asmt-45"),
                "Complete the assessment",
                referral.clone(),
                Clock::WorkingDays(45),
                met,
                ended,
            ));
        }
        // asmt-seen (GP): the child seen within 4 working days of the assessment starting.
        for assessment in &episode.assessments {
            let start = Trigger {
                event: ctx.event_on(assessment.started, |e| matches!(e, ChildEvent::AssessmentStarted {})),
                date: assessment.started,
                what: "Assessment started".into(),
            };
            let end = assessment.authorised;
            let seen =
                r.visits.iter().find(|v| v.seen && v.date >= assessment.started && end.is_none_or(|e| v.date <= e));
            let met =
                seen.map(|v| (v.date, ctx.event_on(v.date, |e| matches!(e, ChildEvent::VisitMade { seen: true, .. }))));
            let ended = if seen.is_none() { end } else { None };
            if r.details.date_of_birth.is_some_and(|dob| dob <= assessment.started) {
                out.extend(ctx.duty(
                    known("asmt-seen"),
                    "See the child during the assessment",
                    start,
                    Clock::WorkingDays(ctx.policy.assessment_seen_working_days),
                    met,
                    ended,
                ));
            }
        }
    }
}
