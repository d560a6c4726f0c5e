//! Advocacy (Children Act 1989 s26A): a child who becomes looked after is told about advocacy
//! (and how to complain), by the first review.

use careful_domain::record::ChildEvent;

use crate::catalogue::known;
use crate::ctx::{Clock, Ctx};
use crate::duty::{Duty, Trigger};
use crate::rules::reviews::continuous;

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    let r = ctx.record;
    for run in continuous(&r.care_periods) {
        // Not owed for care that began before careful's record: told then, or not, elsewhere.
        if run.iter().all(|p| p.is_short_breaks()) || run[0].continued.is_some() {
            continue;
        }
        let started = run[0].started;
        let end = run.last().and_then(|p| p.end());
        let offered =
            r.advocacy_offers.iter().find(|(d, _)| *d >= started && end.is_none_or(|e| *d < e)).map(|(d, _)| *d);
        let met = offered.map(|d| (d, ctx.event_on(d, |e| matches!(e, ChildEvent::AdvocacyOffered { .. }))));
        let trigger = Trigger {
            event: ctx.event_on(started, |e| matches!(e, ChildEvent::BecameLookedAfter { .. })),
            date: started,
            what: "Became looked after".into(),
        };
        out.extend(ctx.duty(
            known("adv-inform-lac"),
            "Tell the child about advocacy and how to complain",
            trigger,
            Clock::WorkingDays(ctx.policy.advocacy_working_days),
            met,
            if met.is_none() { end } else { None },
        ));
    }
}
