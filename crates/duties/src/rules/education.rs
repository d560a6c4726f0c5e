//! Education of looked-after children (CA 1989 s22(3A); "Promoting the education of looked-after
//! and previously looked-after children", statutory guidance 2018).

use careful_domain::calendar::date_attaining_age;
use careful_domain::record::ChildEvent;

use crate::catalogue::known;
use crate::ctx::{Chain, Clock, Ctx};
use crate::duty::Duty;
use crate::duty::Trigger;
use crate::rules::reviews::continuous;

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    let r = ctx.record;
    let Some(dob) = r.date_of_birth() else { return };
    let (Ok(three), Ok(five), Ok(eighteen)) =
        (date_attaining_age(dob, 3), date_attaining_age(dob, 5), date_attaining_age(dob, 18))
    else {
        return;
    };
    for run in continuous(&r.care_periods) {
        let started = run[0].started;
        let end = run.last().and_then(|p| p.end()).map_or(eighteen, |e| e.min(eighteen));
        // From 3 (early years PEP, practice) or from becoming looked after.
        let from = started.max(three);
        if from >= end || run.iter().all(|p| p.is_short_breaks()) {
            continue;
        }
        let rule = if from < five { known("pep-early-years") } else { known("pep-complete") };
        let what = if from == started { "Became looked after" } else { "Turned 3 while looked after" };
        let event = if from == started {
            ctx.event_on(started, |e| matches!(e, ChildEvent::BecameLookedAfter { .. }))
        } else {
            None
        };
        let peps: Vec<_> = r
            .peps
            .iter()
            .filter(|d| **d >= from && **d < end)
            .map(|d| (*d, ctx.event_on(*d, |e| matches!(e, ChildEvent::PepReviewed {}))))
            .collect();
        // pep-complete (SG): a PEP within 20 working days; pep-review (SG): reviewed each term,
        // at least every 4 months (council setting).
        let first = peps.first().copied();
        // The first PEP of care that began before careful's record is history held elsewhere;
        // reviews run on from the first PEP careful holds.
        if run[0].continued.is_none() || from > started {
            out.extend(ctx.duty(
                rule,
                "Write the personal education plan",
                Trigger { event, date: from, what: what.into() },
                Clock::WorkingDays(20),
                first,
                if first.is_none() { Some(end) } else { None },
            ));
        }
        if let Some((first, id)) = peps.first().copied() {
            Chain {
                rule: known("pep-review"),
                owed: "Review the personal education plan",
                start: Trigger { event: id, date: first, what: "Personal education plan".into() },
                end: Some(end),
                events: peps[1..].to_vec(),
                same_day_counts: false,
                what_event: "Personal education plan review",
            }
            .run(
                ctx,
                Clock::Months(ctx.policy.pep_review_months as i32),
                |_, _| Clock::Months(ctx.policy.pep_review_months as i32),
                out,
            );
        }
    }
}
