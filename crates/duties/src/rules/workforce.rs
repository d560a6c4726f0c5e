//! Allocation (Working Together 2023): every child open to children's social care has an
//! allocated social worker, within a council standard of the referral (3 working days).

use careful_domain::record::ChildEvent;

use crate::catalogue::known;
use crate::ctx::{Clock, Ctx};
use crate::duty::{Duty, Trigger};

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    let r = ctx.record;
    for episode in &r.cin_episodes {
        let end = episode.end();
        let allocated = r
            .allocations
            .iter()
            .find(|a| a.date >= episode.referral_date && end.is_none_or(|e| a.date <= e))
            .map(|a| a.date);
        let met = allocated.map(|d| (d, ctx.event_on(d, |e| matches!(e, ChildEvent::WorkerAllocated { .. }))));
        let trigger = Trigger {
            event: ctx.event_on(episode.referral_date, |e| matches!(e, ChildEvent::ReferralReceived { .. })),
            date: episode.referral_date,
            what: "Referral received".into(),
        };
        out.extend(ctx.duty(
            known("wf-allocation"),
            "Allocate a social worker",
            trigger,
            Clock::WorkingDays(ctx.policy.allocation_working_days),
            met,
            if met.is_none() { end } else { None },
        ));
    }
}
