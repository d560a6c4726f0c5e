//! Emergency powers and care proceedings: police protection lasts at most 72 hours (CA 1989
//! s46), an emergency protection order at most 8 days with one extension of 7 (s45), and care
//! proceedings are decided within 26 weeks of the application (s32, as amended by the Children
//! and Families Act 2014 s14).

use careful_domain::codes::{LegalStatus, ReasonNewEpisode};
use careful_domain::record::ChildEvent;

use crate::catalogue::known;
use crate::ctx::{Clock, Ctx};
use crate::duty::{Duty, Trigger};
use crate::rules::reviews::continuous;

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    for run in continuous(&ctx.record.care_periods) {
        let states: Vec<_> = run.iter().flat_map(|p| &p.states).collect();
        let end = run.last().and_then(|p| p.end());
        let mut previous: Option<LegalStatus> = None;
        // For care that began before careful's record, the first legal status began on the
        // first day careful holds only if the episode began with a change of legal status.
        let first_status_began = run[0].continued.is_none_or(|c| {
            matches!(
                c.reason_new,
                ReasonNewEpisode::LegalStatusChange
                    | ReasonNewEpisode::LegalStatusAndPlacementSameCarer
                    | ReasonNewEpisode::LegalStatusPlacementAndCarer
            )
        });
        for (i, state) in states.iter().enumerate() {
            let starts = previous != Some(state.legal_status) && (i > 0 || first_status_began);
            previous = Some(state.legal_status);
            if !starts {
                continue;
            }
            // When this legal status gave way to another, or care ended.
            let changed = states[i + 1..].iter().find(|s| s.legal_status != state.legal_status).map(|s| s.date).or(end);
            let met = changed.map(|d| {
                (
                    d,
                    ctx.event_on(d, |e| {
                        matches!(e, ChildEvent::LegalStatusChanged { .. } | ChildEvent::CeasedToBeLookedAfter { .. })
                    }),
                )
            });
            let trigger = |what: &'static str| Trigger {
                event: ctx.event_on(state.date, |e| {
                    matches!(e, ChildEvent::BecameLookedAfter { .. } | ChildEvent::LegalStatusChanged { .. })
                }),
                date: state.date,
                what: what.into(),
            };
            match state.legal_status {
                LegalStatus::PoliceProtection => out.extend(ctx.duty(
                    known("police-protection"),
                    "End police protection (72 hours at most)",
                    trigger("Police protection"),
                    Clock::Days(3),
                    met,
                    None,
                )),
                LegalStatus::EmergencyProtectionOrder => out.extend(ctx.duty(
                    known("epo"),
                    "End the emergency protection order (8 days, 15 with an extension)",
                    trigger("Emergency protection order"),
                    Clock::Days(15),
                    met,
                    None,
                )),
                // The interim care order stands for the application (whose issue date careful
                // does not record); proceedings end with a final order or the child going home.
                LegalStatus::InterimCareOrder
                    if states[..i].iter().all(|s| s.legal_status != LegalStatus::InterimCareOrder) =>
                {
                    let decided = states[i + 1..]
                        .iter()
                        .find(|s| s.legal_status != LegalStatus::InterimCareOrder)
                        .map(|s| s.date)
                        .or(end);
                    let met = decided.map(|d| {
                        (
                            d,
                            ctx.event_on(d, |e| {
                                matches!(
                                    e,
                                    ChildEvent::LegalStatusChanged { .. } | ChildEvent::CeasedToBeLookedAfter { .. }
                                )
                            }),
                        )
                    });
                    // "26 weeks beginning with the day on which the application was issued": the
                    // day of issue is the first of the 182, so the last is 181 days after it.
                    out.extend(ctx.duty(
                        known("plo-26wk"),
                        "Conclude care proceedings (26 weeks, from the interim care order)",
                        trigger("Interim care order"),
                        Clock::Days(26 * 7 - 1),
                        met,
                        None,
                    ));
                }
                _ => {}
            }
        }
    }
}
