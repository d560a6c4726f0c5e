//! Emergency powers and care proceedings: police protection lasts at most 72 hours (CA 1989
//! s46), an emergency protection order at most 8 days with one extension of 7 (s45), and care
//! proceedings are decided within 26 weeks of the application (s32, as amended by the Children
//! and Families Act 2014 s14).

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use careful_domain::calendar::{add_days, long_date};
use careful_domain::codes::{LegalStatus, ReasonNewEpisode};
use careful_domain::record::{CareProceedings, ChildEvent};

use crate::catalogue::known;
use crate::ctx::{Clock, Ctx};
use crate::duty::{Duty, DutyStatus, Trigger};
use crate::rules::reviews::continuous;

/// An emergency protection order has effect for at most 8 days, the day it was made being the
/// first (CA 1989 s45(1)); when the 8th is Christmas Day, Good Friday, a bank holiday or a
/// Sunday, the court may make it run to noon on the first later day that is none of these
/// (s45(2)). The court may extend it once, by up to 7 days (s45(4) to (6)), while it is in
/// force. The duty is met when the order's last day in force (the day before the next legal
/// status, or the end of care) is no later than its last lawful day.
fn epo(ctx: &Ctx<'_>, made: NaiveDate, changed: Option<NaiveDate>, trigger: Trigger) -> Option<Duty> {
    let eighth = add_days(made, 7).unwrap_or(made);
    let public_holiday = |d: NaiveDate| d.weekday() == Weekday::Sun || ctx.calendar.holiday_name(d).is_some();
    let mut last = eighth;
    while public_holiday(last) {
        last = add_days(last, 1).unwrap_or(last);
    }
    let mut working = if last == eighth {
        format!("the 8th day, counting {} as the first, is {}", long_date(made), long_date(eighth))
    } else {
        format!(
            "the 8th day, counting {} as the first, is {}, a {}: the order may run to noon on {} (s45(2))",
            long_date(made),
            long_date(eighth),
            if eighth.weekday() == Weekday::Sun { "Sunday" } else { "public holiday" },
            long_date(last)
        )
    };
    // One extension, made while the order was in force.
    let in_force = |d: NaiveDate| d >= made && d <= last && changed.is_none_or(|c| d < c);
    if let Some((on, days)) = ctx.record.epo_extensions.iter().find(|(d, _)| in_force(*d)) {
        let extended = add_days(last, i64::from(*days)).unwrap_or(last);
        working = format!(
            "{working}; extended on {} by {days} day{}, to {}",
            long_date(*on),
            if *days == 1 { "" } else { "s" },
            long_date(extended)
        );
        last = extended;
    }
    let met = changed.map(|c| {
        let last_in_force = add_days(c, -1).unwrap_or(c);
        (
            last_in_force,
            ctx.event_on(c, |e| {
                matches!(e, ChildEvent::LegalStatusChanged { .. } | ChildEvent::CeasedToBeLookedAfter { .. })
            }),
        )
    });
    if last < ctx.policy.assessed_from {
        return None;
    }
    Some(ctx.duty_due(
        known("epo"),
        "End the emergency protection order (8 days; one extension of up to 7)",
        trigger,
        last,
        working.into(),
        met,
        None,
    ))
}

/// plo-26wk from the day the application was issued: "26 weeks beginning with the day on which
/// the application was issued" (CA 1989 s32(1)(a)(ii)), so the day of issue is the first of the
/// 182 days and the last is 181 days after it; each extension the court grants (s32(5), up to 8
/// weeks each) moves the last day on. Met when the proceedings are concluded, or, where that is
/// not recorded, when a final order replaces the interim care order (the child's legal status
/// changes from it) or care ends.
fn proceedings(ctx: &Ctx<'_>, p: &CareProceedings, decided_by_status: Option<NaiveDate>) -> Option<Duty> {
    let last = add_days(p.issued, 26 * 7 - 1).ok()?;
    let mut working = format!(
        "26 weeks beginning with {}, the day the application was issued, end on {}",
        long_date(p.issued),
        long_date(last)
    );
    let mut due = last;
    for (on, weeks, reason) in &p.extensions {
        due = add_days(due, 7 * i64::from(*weeks)).ok()?;
        working = format!(
            "{working}; extended on {} by {weeks} week{} ({reason}), to {}",
            long_date(*on),
            if *weeks == 1 { "" } else { "s" },
            long_date(due)
        );
    }
    let concluded = p.concluded.or(decided_by_status);
    let met = concluded.map(|d| {
        (
            d,
            ctx.event_on(d, |e| {
                matches!(
                    e,
                    ChildEvent::CareProceedingsConcluded {}
                        | ChildEvent::LegalStatusChanged { .. }
                        | ChildEvent::CeasedToBeLookedAfter { .. }
                )
            }),
        )
    });
    if due < ctx.policy.assessed_from {
        return None;
    }
    Some(ctx.duty_due(
        known("plo-26wk"),
        "Conclude care proceedings (26 weeks from the day the application was issued)",
        Trigger {
            event: ctx.event_on(p.issued, |e| matches!(e, ChildEvent::CareProceedingsIssued {})),
            date: p.issued,
            what: "Care proceedings issued".into(),
        },
        due,
        working.into(),
        met,
        None,
    ))
}

/// The day an interim care order in force on or after `from` gave way to another legal status
/// (a final order) or care ended: how proceedings end when their conclusion is not recorded.
fn ico_decided(ctx: &Ctx<'_>, from: NaiveDate) -> Option<NaiveDate> {
    for run in continuous(&ctx.record.care_periods) {
        let states: Vec<_> = run.iter().flat_map(|p| &p.states).collect();
        let end = run.last().and_then(|p| p.end());
        for (i, state) in states.iter().enumerate() {
            if state.legal_status != LegalStatus::InterimCareOrder {
                continue;
            }
            let decided = states[i + 1..]
                .iter()
                .find(|s| s.legal_status != LegalStatus::InterimCareOrder)
                .map(|s| s.date)
                .or(end);
            if decided.is_some_and(|d| d > from) {
                return decided;
            }
        }
    }
    None
}

/// Police protection (CA 1989 s46(6)): no child may be kept in police protection for more than
/// 72 hours, counted from the time the police took the child. Met by the time it ended; where
/// only the day the child's legal status moved on is recorded, by that day.
fn police_protection(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    let fmt = "%H:%M on %-d %B %Y";
    for pp in &ctx.record.police_protection {
        let due_at = pp.taken + Duration::hours(72);
        if due_at.date() < ctx.policy.assessed_from || pp.taken.date() > ctx.as_of {
            continue;
        }
        let taken = pp.taken.date();
        let mut working = format!("72 hours after {} is {}", pp.taken.format(fmt), due_at.format(fmt));
        let (status, met_on, met_by): (DutyStatus, Option<NaiveDate>, _) = match pp.ended {
            Some(at) => (
                ctx.status_at(due_at, Some(at)),
                Some(at.date()).filter(|d| *d <= ctx.as_of),
                ctx.event_on(at.date(), |e| matches!(e, ChildEvent::PoliceProtectionEnded { .. })),
            ),
            None => {
                // The child looked after under police protection from that day or the next
                // three: the day that legal status gave way.
                let moved_on = ctx.record.care_periods.iter().find_map(|p| {
                    let i = p.states.iter().position(|s| {
                        s.legal_status == LegalStatus::PoliceProtection
                            && s.date >= taken
                            && s.date <= add_days(taken, 3).unwrap_or(taken)
                    })?;
                    p.states[i + 1..]
                        .iter()
                        .find(|s| s.legal_status != LegalStatus::PoliceProtection)
                        .map(|s| s.date)
                        .or(p.end())
                });
                match moved_on.filter(|d| *d <= ctx.as_of) {
                    Some(d) => {
                        working.push_str(&format!(
                            "; the time it ended is not recorded: the legal status moved on on {}",
                            long_date(d)
                        ));
                        (
                            ctx.status(due_at.date(), Some(d), None),
                            Some(d),
                            ctx.event_on(d, |e| {
                                matches!(
                                    e,
                                    ChildEvent::LegalStatusChanged { .. } | ChildEvent::CeasedToBeLookedAfter { .. }
                                )
                            }),
                        )
                    }
                    None => (ctx.status_at(due_at, None), None, None),
                }
            }
        };
        out.push(Duty {
            rule: known("police-protection"),
            owed: "End police protection (72 hours at most)".into(),
            trigger: Trigger {
                event: ctx.event_on(taken, |e| matches!(e, ChildEvent::PoliceProtectionTaken { .. })),
                date: taken,
                what: format!("Taken into police protection at {}", pp.taken.format("%H:%M")).into(),
            },
            due: due_at.date(),
            due_at: Some(due_at),
            status,
            met_by,
            met_on,
            working: working.into(),
            ended: None,
        });
    }
}

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    police_protection(ctx, out);
    for p in &ctx.record.proceedings {
        let by_status = if p.concluded.is_none() { ico_decided(ctx, p.issued) } else { None };
        out.extend(proceedings(ctx, p, by_status));
    }
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
                // The time the police took the child is recorded: counted in hours above.
                LegalStatus::PoliceProtection
                    if ctx.record.police_protection.iter().any(|pp| {
                        pp.taken.date() <= state.date && add_days(pp.taken.date(), 3).is_ok_and(|d| d >= state.date)
                    }) => {}
                // Only the day is known: 72 hours end, at the latest, 3 days after it.
                LegalStatus::PoliceProtection => out.extend(ctx.duty(
                    known("police-protection"),
                    "End police protection (72 hours at most; the time it began is not recorded)",
                    trigger("Police protection"),
                    Clock::Days(3),
                    met,
                    None,
                )),
                LegalStatus::EmergencyProtectionOrder => {
                    out.extend(epo(ctx, state.date, changed, trigger("Emergency protection order")));
                }
                // Where the day the application was issued is not recorded (a record imported
                // from 903 returns, which do not hold it), the first interim care order stands
                // for it: the application cannot have been issued later than the order.
                LegalStatus::InterimCareOrder
                    if states[..i].iter().all(|s| s.legal_status != LegalStatus::InterimCareOrder)
                        && !ctx
                            .record
                            .proceedings
                            .iter()
                            .any(|p| p.issued <= state.date && p.concluded.is_none_or(|c| c >= state.date)) =>
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
                    let last = add_days(state.date, 26 * 7 - 1).unwrap_or(state.date);
                    if last < ctx.policy.assessed_from {
                        continue;
                    }
                    out.push(ctx.duty_due(
                        known("plo-26wk"),
                        "Conclude care proceedings (26 weeks, counted from the interim care order)",
                        trigger("Interim care order"),
                        last,
                        format!(
                            "the day the application was issued is not recorded: 26 weeks beginning with {}, the day of the interim care order, which cannot be earlier, end on {}",
                            long_date(state.date),
                            long_date(last)
                        )
                        .into(),
                        met,
                        None,
                    ));
                }
                _ => {}
            }
        }
    }
}
