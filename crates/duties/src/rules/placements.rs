//! Ending placements (CPPCR 2010 reg 14): the carer is told in writing before a placement the
//! council ends; where it must end at once (reg 14(3)), the reason is recorded and the carer is
//! told in writing within 10 working days after.

use careful_domain::record::{CarerNotice, ChildEvent};

use crate::catalogue::known;
use crate::ctx::{Clock, Ctx};
use crate::duty::{Duty, Trigger};

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
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
