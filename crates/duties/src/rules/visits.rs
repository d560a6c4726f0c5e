//! Statutory visits to looked-after children (CPPCR 2010 Part 5, regs 28 and 29).
//!
//! Visits are counted from the actual previous visit, not the previous due date, and a child
//! must be seen: a visit at which the child was not seen does not meet a visiting duty. Each new
//! placement (a new carer) restarts the clock. Placements for adoption follow the Adoption
//! Agencies Regulations instead (see `adoption`), and series of short breaks (V3, V4) the
//! short-break regime, which careful leaves to local agreement.

use chrono::NaiveDate;

use careful_domain::EventId;
use careful_domain::calendar::add_months;
use careful_domain::codes::{LegalStatus, PlacementType, ReasonNewEpisode};
use careful_domain::record::{CarePeriod, ChildEvent, VisitKind};

use crate::catalogue::{Rule, known};
use crate::ctx::{Clock, Ctx};
use crate::duty::{Duty, Trigger};

/// A stretch of one placement (one carer) within a period of care.
struct Segment {
    start: NaiveDate,
    end: Option<NaiveDate>,
    index: usize,
}

/// Placements within a period of care: a new one starts with each change of carer, with a
/// placement for adoption, and (for visiting) with a care order for a child placed at home.
fn segments(period: &CarePeriod) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for (i, state) in period.states.iter().enumerate() {
        let new_placement = match i {
            0 => true,
            _ => {
                let previous = &period.states[i - 1];
                previous.placement.carer != state.placement.carer
                    || (state.placement.placement_type.is_placed_for_adoption()
                        && !previous.placement.placement_type.is_placed_for_adoption())
                    // A care order for a child placed at home starts a new clock (reg 28(5)).
                    || (state.placement.placement_type == PlacementType::WithParents
                        && state.legal_status == LegalStatus::FullCareOrder
                        && previous.legal_status != LegalStatus::FullCareOrder)
            }
        };
        if new_placement {
            if let Some(last) = out.last_mut() {
                last.end = Some(state.date);
            }
            out.push(Segment { start: state.date, end: period.end(), index: i });
        }
    }
    out
}

/// Which duty the next visit is, given the placement and legal status on the day of the
/// previous visit.
fn regime(
    ctx: &Ctx<'_>,
    period: &CarePeriod,
    segment: &Segment,
    first: bool,
    previous: NaiveDate,
) -> Option<(&'static Rule, Clock, &'static str)> {
    let state = period.state_on(previous).or(period.states.get(segment.index))?;
    let place = state.placement.placement_type;
    if state.legal_status.is_short_breaks() || place.is_placed_for_adoption() {
        return None;
    }
    let first_review = period.reviews.first().map(|(d, _)| *d);
    let weeks = |n: i64| Clock::Days(7 * n);
    if place == PlacementType::WithParents && state.legal_status == LegalStatus::InterimCareOrder {
        // reg 28(4): at least weekly until the first review, then at most 4 weeks apart.
        return Some(if first_review.is_none_or(|r| previous < r) {
            (known("visit-connected-ico"), weeks(1), "Visit the child at home (weekly until the first review)")
        } else {
            (known("visit-connected-ico"), weeks(4), "Visit the child at home")
        });
    }
    // reg 28(4) too: a child placed with a connected person temporarily approved under reg 24.
    let carer = state.placement.carer;
    if ctx.record.temporary_approvals.iter().any(|a| a.covers(carer, previous)) {
        return Some(if first_review.is_none_or(|r| previous < r) {
            (
                known("visit-connected-ico"),
                weeks(1),
                "Visit the child with their temporarily approved carer (weekly until the first review)",
            )
        } else {
            (known("visit-connected-ico"), weeks(4), "Visit the child with their temporarily approved carer")
        });
    }
    if place == PlacementType::WithParents && state.legal_status == LegalStatus::FullCareOrder {
        // reg 28(5): within a week of the care order, then at most 6 weeks apart.
        return Some(if first {
            (known("visit-co-parent"), weeks(1), "Visit the child at home after the care order")
        } else {
            (known("visit-co-parent"), weeks(6), "Visit the child at home")
        });
    }
    if first {
        return Some((known("visit-first"), weeks(1), "Visit the child in their new placement"));
    }
    let first_year = previous < add_months(segment.start, 12).unwrap_or(segment.start);
    let long_term = matches!(place, PlacementType::FosterOtherLongTerm | PlacementType::FosterRelativeLongTerm);
    let standard = i64::from(ctx.policy.first_year_visit_weeks);
    Some(if first_year {
        (known("visit-year1"), weeks(standard), "Visit the child")
    } else if long_term {
        (known("visit-after-year1"), Clock::Months(3), "Visit the child in their long-term placement")
    } else {
        (known("visit-after-year1"), weeks(6), "Visit the child")
    })
}

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    let r = ctx.record;
    let visits: Vec<(NaiveDate, Option<EventId>)> = r
        .visits
        .iter()
        .filter(|v| v.seen && v.kind == VisitKind::LookedAfter)
        .map(|v| {
            (v.date, ctx.event_on(v.date, |e| matches!(e, ChildEvent::VisitMade { visit: VisitKind::LookedAfter, .. })))
        })
        .collect();
    for period in &r.care_periods {
        for segment in segments(period) {
            // The clock starts at the placement, or for a child at home under a new care order,
            // at the order.
            let mut anchor = Trigger {
                event: ctx.event_on(segment.start, |e| {
                    matches!(
                        e,
                        ChildEvent::BecameLookedAfter { .. }
                            | ChildEvent::PlacementChanged { .. }
                            | ChildEvent::LegalStatusChanged { .. }
                    )
                }),
                date: segment.start,
                what: "Placement began".into(),
            };
            let mut first = true;
            // Care that began before careful's record, in a placement that began before it too
            // (the first episode began with a change of legal status only): the last visit is
            // history held elsewhere, so visiting runs on from the first visit careful holds.
            let placement_began_before = segment.index == 0
                && period.continued.is_some_and(|c| c.reason_new == ReasonNewEpisode::LegalStatusChange);
            if placement_began_before {
                let Some((date, id)) = visits
                    .iter()
                    .copied()
                    .find(|(d, _)| *d >= segment.start && segment.end.is_none_or(|e| *d < e) && *d <= ctx.as_of)
                else {
                    continue;
                };
                anchor = Trigger { event: id, date, what: "Statutory visit".into() };
                first = false;
            }
            while let Some((rule, clock, owed)) = regime(ctx, period, &segment, first, anchor.date) {
                let candidate = visits
                    .iter()
                    .find(|(d, _)| if first { *d >= anchor.date } else { *d > anchor.date })
                    .copied()
                    .filter(|(d, _)| segment.end.is_none_or(|e| *d < e) && *d <= ctx.as_of);
                match ctx.duty(rule, owed, anchor.clone(), clock, candidate, segment.end) {
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
                anchor = Trigger { event: id, date, what: "Statutory visit".into() };
                first = false;
            }
        }
    }
    // visit-alone (S, CPPCR reg 29): each statutory visit records whether the child was seen
    // alone, or why not.
    for v in r.visits.iter().filter(|v| v.kind == VisitKind::LookedAfter && v.seen) {
        let id = ctx.event_on(v.date, |e| matches!(e, ChildEvent::VisitMade { visit: VisitKind::LookedAfter, .. }));
        let trigger = Trigger { event: id, date: v.date, what: "Statutory visit".into() };
        let met = v.seen_alone.map(|_| (v.date, id));
        if v.date >= ctx.policy.assessed_from {
            out.push(ctx.duty_due(
                known("visit-alone"),
                "Record whether the child was seen alone, or why not",
                trigger,
                v.date,
                "on the visit itself".into(),
                met,
                None,
            ));
        }
    }
}
