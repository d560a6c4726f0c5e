//! Child in need plans (local practice standards: catalogue §2.1).

use careful_domain::record::{AssessmentOutcome, ChildEvent, VisitKind};

use crate::catalogue::known;
use crate::ctx::{Chain, Clock, Ctx};
use crate::duty::{Duty, Trigger};

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    let r = ctx.record;
    let p = ctx.policy;
    for episode in &r.cin_episodes {
        // cin-plan-meeting (GP): a child in need plan within 10 working days of the assessment
        // finding the child in need.
        for a in &episode.assessments {
            let (Some(authorised), Some(AssessmentOutcome::ChildInNeed)) = (a.authorised, a.outcome) else { continue };
            let trigger = Trigger {
                event: ctx.event_on(authorised, |e| matches!(e, ChildEvent::AssessmentAuthorised { .. })),
                date: authorised,
                what: "Assessment found the child in need".into(),
            };
            let plan = episode.cin_plans.iter().find(|pl| pl.span.start >= authorised).map(|pl| pl.span.start);
            let protection = episode.cp_plans.iter().find(|pl| pl.span.start >= authorised).map(|pl| pl.span.start);
            let met = match (plan, protection) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let met = met.map(|d| {
                (
                    d,
                    ctx.event_on(d, |e| {
                        matches!(e, ChildEvent::CinPlanStarted {} | ChildEvent::ChildProtectionPlanStarted { .. })
                    }),
                )
            });
            let ended = if met.is_none() { episode.end() } else { None };
            out.extend(ctx.duty(
                known("cin-plan-meeting"),
                "Make a child in need plan",
                trigger,
                Clock::WorkingDays(p.cin_plan_working_days),
                met,
                ended,
            ));
        }
        for plan in &episode.cin_plans {
            let start = Trigger {
                event: ctx.event_on(plan.span.start, |e| matches!(e, ChildEvent::CinPlanStarted {})),
                date: plan.span.start,
                what: "Child in need plan started".into(),
            };
            // cin-review (GP): reviewed at least every 12 weeks.
            Chain {
                rule: known("cin-review"),
                owed: "Review the child in need plan",
                start: start.clone(),
                end: plan.span.end,
                events: plan
                    .reviews
                    .iter()
                    .map(|d| (*d, ctx.event_on(*d, |e| matches!(e, ChildEvent::CinPlanReviewed {}))))
                    .collect(),
                same_day_counts: false,
                what_event: "Child in need plan reviewed",
            }
            .run(
                ctx,
                Clock::Days(7 * i64::from(p.cin_review_weeks)),
                |_, _| Clock::Days(7 * i64::from(p.cin_review_weeks)),
                out,
            );
            // cin-visit (GP): visited at least every 20 working days.
            let visits = ctx.seen_visits(VisitKind::ChildInNeed);
            // An unborn child is visited from birth.
            let Some(from) = ctx.visiting_from(&start) else { continue };
            if plan.span.end.is_some_and(|e| e <= from.date) {
                continue;
            }
            Chain {
                rule: known("cin-visit"),
                owed: "Visit the child",
                start: from,
                end: plan.span.end,
                events: visits,
                same_day_counts: false,
                what_event: "Child in need visit",
            }
            .run(
                ctx,
                Clock::WorkingDays(p.cin_visit_working_days),
                |_, _| Clock::WorkingDays(p.cin_visit_working_days),
                out,
            );
        }
    }
}
