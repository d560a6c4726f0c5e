//! Complaints (Children Act 1989 Representations Procedure (England) Regulations 2006): a
//! response at stage 1 within 10 working days and at stage 2 within 25 (careful does not yet
//! record extensions, which may take them to 20 and 65).

use careful_domain::record::{ChildEvent, ComplaintStage};

use crate::catalogue::known;
use crate::ctx::{Clock, Ctx};
use crate::duty::{Duty, Trigger};

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    for complaint in &ctx.record.complaints {
        let (rule, working_days) = match complaint.stage {
            ComplaintStage::LocalResolution => (known("cmp-stage1"), 10),
            ComplaintStage::Investigation => (known("cmp-stage2"), 25),
            ComplaintStage::ReviewPanel => continue,
        };
        let trigger = Trigger {
            event: ctx.event_on(complaint.received, |e| matches!(e, ChildEvent::ComplaintReceived { .. })),
            date: complaint.received,
            what: "Complaint received".into(),
        };
        let met = complaint
            .responded
            .map(|(d, _)| (d, ctx.event_on(d, |e| matches!(e, ChildEvent::ComplaintResponded { .. }))));
        out.extend(ctx.duty(rule, "Respond to the complaint", trigger, Clock::WorkingDays(working_days), met, None));
    }
}
