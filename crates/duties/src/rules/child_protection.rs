//! Child protection (Working Together 2023 ch.3; local practice standards).

use careful_domain::record::{ChildEvent, ReviewConferenceDecision, Section47Outcome, VisitKind};

use crate::catalogue::known;
use crate::ctx::{Chain, Clock, Ctx};
use crate::duty::{Duty, Trigger};

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    let r = ctx.record;
    let p = ctx.policy;
    for episode in &r.cin_episodes {
        for s47 in &episode.section_47s {
            let discussion = Trigger {
                event: ctx.event_on(s47.strategy_discussion, |e| {
                    matches!(e, ChildEvent::StrategyDiscussionHeld { section_47: true })
                }),
                date: s47.strategy_discussion,
                what: "Strategy discussion that started the section 47 enquiry".into(),
            };
            // cp-s47 (GP): the enquiry concluded in time for an initial conference, by default
            // within 15 working days of the strategy discussion. The duty to enquire is statute
            // (CA 1989 s47); its timescale is a practice standard the council sets.
            let completed = s47
                .completed
                .map(|(d, _)| (d, ctx.event_on(d, |e| matches!(e, ChildEvent::Section47Completed { .. }))));
            let ended = if completed.is_none() { episode.end() } else { None };
            out.extend(ctx.duty(
                known("cp-s47"),
                "Conclude the section 47 enquiry",
                discussion.clone(),
                Clock::WorkingDays(ctx.policy.section_47_working_days),
                completed,
                ended,
            ));
            // cp-icpc (SG): an initial conference within 15 working days of the strategy
            // discussion at which the enquiry was started (open question 15: the s47-initiating
            // discussion, the stricter reading). Not owed when the enquiry found no conference
            // was needed.
            let needed = s47.completed.is_none_or(|(_, o)| o == Section47Outcome::ConferenceRequired);
            if needed || s47.initial_conference.is_some() {
                let met = s47
                    .initial_conference
                    .map(|(d, _)| (d, ctx.event_on(d, |e| matches!(e, ChildEvent::InitialConferenceHeld { .. }))));
                let ended = if met.is_none() { episode.end() } else { None };
                out.extend(ctx.duty(
                    known("cp-icpc"),
                    "Hold the initial child protection conference",
                    discussion,
                    Clock::WorkingDays(15),
                    met,
                    ended,
                ));
            }
        }
        for plan in &episode.cp_plans {
            let start = Trigger {
                event: ctx.event_on(plan.span.start, |e| {
                    matches!(e, ChildEvent::InitialConferenceHeld { plan_required: true })
                }),
                date: plan.span.start,
                what: "Initial conference made a child protection plan".into(),
            };
            let end = plan.span.end;
            // cp-core-group-1 (SG 2018 / GP): first core group within 10 working days; then
            // cp-core-group (GP) at least monthly.
            let core_groups: Vec<_> = plan
                .core_groups
                .iter()
                .map(|d| (*d, ctx.event_on(*d, |e| matches!(e, ChildEvent::CoreGroupMeetingHeld {}))))
                .collect();
            let first_core = core_groups.first().copied();
            out.extend(ctx.duty(
                known("cp-core-group-1"),
                "Hold the first core group meeting",
                start.clone(),
                Clock::WorkingDays(10),
                first_core,
                if first_core.is_none() { end } else { None },
            ));
            if let Some((first_date, first_id)) = first_core {
                Chain {
                    rule: known("cp-core-group"),
                    owed: "Hold a core group meeting",
                    start: Trigger { event: first_id, date: first_date, what: "Core group meeting".into() },
                    end,
                    events: core_groups[1..].to_vec(),
                    same_day_counts: false,
                    what_event: "Core group meeting",
                }
                .run(
                    ctx,
                    Clock::Months(p.core_group_months as i32),
                    |_, _| Clock::Months(p.core_group_months as i32),
                    out,
                );
            }
            // cp-visit (GP): visits at least every 10 working days.
            let visits = ctx.seen_visits(VisitKind::ChildProtection);
            if let Some(from) = ctx.visiting_from(&start) {
                Chain {
                    rule: known("cp-visit"),
                    owed: "Visit the child",
                    start: from,
                    end,
                    events: visits,
                    same_day_counts: false,
                    what_event: "Child protection visit",
                }
                .run(
                    ctx,
                    Clock::WorkingDays(p.cp_visit_working_days),
                    |_, _| Clock::WorkingDays(p.cp_visit_working_days),
                    out,
                );
            }
            // cp-rcpc-1 and cp-rcpc-n (SG): the first review conference within 3 months of the
            // initial conference, then at intervals of not more than 6 months.
            let reviews: Vec<_> = plan
                .review_conferences
                .iter()
                .map(|(d, _)| (*d, ctx.event_on(*d, |e| matches!(e, ChildEvent::ReviewConferenceHeld { .. }))))
                .collect();
            let first_review = reviews.first().copied();
            out.extend(ctx.duty(
                known("cp-rcpc-1"),
                "Hold the first review conference",
                start.clone(),
                Clock::Months(3),
                first_review,
                if first_review.is_none() { end } else { None },
            ));
            if let Some((first_date, first_id)) = first_review {
                let ended_by_first =
                    plan.review_conferences.first().is_some_and(|(_, d)| *d == ReviewConferenceDecision::EndPlan);
                if !ended_by_first {
                    Chain {
                        rule: known("cp-rcpc-n"),
                        owed: "Hold a review conference",
                        start: Trigger { event: first_id, date: first_date, what: "Review conference".into() },
                        end,
                        events: reviews[1..].to_vec(),
                        same_day_counts: false,
                        what_event: "Review conference",
                    }
                    .run(ctx, Clock::Months(6), |_, _| Clock::Months(6), out);
                }
            }
        }
    }
}
