//! Children missing from home or care (statutory guidance, DfE January 2014): an independent
//! return interview offered within 72 hours of the child's return.

use chrono::Duration;

use careful_domain::record::ChildEvent;

use crate::catalogue::known;
use crate::ctx::Ctx;
use crate::duty::{Duty, Trigger};

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    for episode in &ctx.record.missing_episodes {
        let Some(returned) = episode.ended else { continue };
        if returned.date() < ctx.policy.assessed_from || returned.date() > ctx.as_of {
            continue;
        }
        let due_at = returned + Duration::hours(72);
        let offered = episode.interview_offered.map(|(at, _)| at).filter(|at| at.date() <= ctx.as_of);
        let status = ctx.status_at(due_at, offered);
        out.push(Duty {
            rule: known("miss-rhi"),
            owed: "Offer an independent return interview".into(),
            trigger: Trigger {
                event: ctx.event_on(returned.date(), |e| matches!(e, ChildEvent::MissingEpisodeEnded { .. })),
                date: returned.date(),
                what: format!("Returned at {}", returned.format("%H:%M")).into(),
            },
            due: due_at.date(),
            due_at: Some(due_at),
            status,
            met_by: offered
                .and_then(|at| ctx.event_on(at.date(), |e| matches!(e, ChildEvent::ReturnInterviewOffered { .. }))),
            met_on: offered.map(|at| at.date()),
            working: format!(
                "72 hours after {} is {}",
                returned.format("%H:%M on %-d %B %Y"),
                due_at.format("%H:%M on %-d %B %Y")
            )
            .into(),
            ended: None,
        });
    }
}
