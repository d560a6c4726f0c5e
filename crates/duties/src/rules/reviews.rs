//! Looked-after reviews and the IRO (CPPCR 2010 Part 6, reg 33; Children Act 1989 s25A).

use careful_domain::record::{CarePeriod, ChildEvent};

use crate::catalogue::known;
use crate::ctx::{Clock, Ctx};
use crate::duty::{Duty, Trigger};

/// Periods of care joined where one starts the day the previous ended (a continuation).
pub(crate) fn continuous(periods: &[CarePeriod]) -> Vec<Vec<&CarePeriod>> {
    let mut runs: Vec<Vec<&CarePeriod>> = Vec::new();
    for period in periods {
        match runs.last_mut() {
            Some(run) if run.last().and_then(|p| p.end()) == Some(period.started) => run.push(period),
            _ => runs.push(vec![period]),
        }
    }
    runs
}

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    for run in continuous(&ctx.record.care_periods) {
        let first = run[0];
        if run.iter().all(|p| p.is_short_breaks()) {
            continue;
        }
        let end = run.last().and_then(|p| p.end());
        let start = Trigger {
            event: ctx.event_on(first.started, |e| matches!(e, ChildEvent::BecameLookedAfter { .. })),
            date: first.started,
            what: "Became looked after".into(),
        };
        // A period of care that began before careful's record: its first review, IRO and
        // becoming looked after are history held elsewhere; its reviews run on from the first
        // one careful holds.
        let continued = first.continued.is_some();
        // iro-appoint (S; 5 working days is practice): an IRO appointed.
        let iro =
            ctx.record.iros.iter().find(|(d, _)| *d >= first.started && end.is_none_or(|e| *d < e)).map(|(d, _)| *d);
        let met = iro.map(|d| (d, ctx.event_on(d, |e| matches!(e, ChildEvent::IroAppointed { .. }))));
        out.extend(
            (!continued)
                .then(|| {
                    ctx.duty(
                        known("iro-appoint"),
                        "Appoint an independent reviewing officer",
                        start.clone(),
                        Clock::WorkingDays(ctx.policy.iro_appoint_working_days),
                        met,
                        if met.is_none() { end } else { None },
                    )
                })
                .flatten(),
        );
        // rev-1, rev-2, rev-n (S): within 20 working days of becoming looked after, then not
        // more than 3 months after the first, then not more than 6 months after the previous,
        // whenever that actually was.
        let reviews: Vec<_> = run
            .iter()
            .flat_map(|p| &p.reviews)
            .map(|(d, _)| (*d, ctx.event_on(*d, |e| matches!(e, ChildEvent::StatutoryReviewHeld { .. }))))
            .collect();
        let mut anchor = start;
        let mut from = 0;
        if continued {
            let Some((date, id)) = reviews.first().copied().filter(|(d, _)| *d <= ctx.as_of) else { continue };
            anchor = Trigger { event: id, date, what: "Looked-after review".into() };
            from = 2;
        }
        for n in from.. {
            let (rule, clock, owed) = match n {
                0 => (known("rev-1"), Clock::WorkingDays(20), "Hold the first looked-after review"),
                1 => (known("rev-2"), Clock::Months(3), "Hold the second looked-after review"),
                _ => (known("rev-n"), Clock::Months(6), "Hold a looked-after review"),
            };
            let candidate = reviews
                .iter()
                .find(|(d, _)| if n == 0 { *d >= anchor.date } else { *d > anchor.date })
                .copied()
                .filter(|(d, _)| end.is_none_or(|e| *d < e) && *d <= ctx.as_of);
            match ctx.duty(rule, owed, anchor.clone(), clock, candidate, end) {
                Some(duty) => {
                    let met = duty.met_on.is_some();
                    out.push(duty);
                    if !met {
                        break;
                    }
                }
                None if candidate.is_none() => break,
                None => {}
            }
            let (date, id) = candidate.expect("met");
            anchor = Trigger { event: id, date, what: "Looked-after review".into() };
        }
    }
}
