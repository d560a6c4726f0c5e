//! Children placed, or authorised to be placed, for adoption (Adoption Agencies Regulations 2005
//! reg 36). careful treats a looked-after review held in these months as the adoption review.

use chrono::NaiveDate;

use careful_domain::EventId;
use careful_domain::codes::LegalStatus;
use careful_domain::record::{ChildEvent, VisitKind};

use crate::catalogue::known;
use crate::ctx::{Chain, Clock, Ctx};
use crate::duty::{Duty, Trigger};

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    let r = ctx.record;
    for period in &r.care_periods {
        let end = period.end();
        let reviews: Vec<(NaiveDate, Option<EventId>)> = period
            .reviews
            .iter()
            .map(|(d, _)| (*d, ctx.event_on(*d, |e| matches!(e, ChildEvent::StatutoryReviewHeld { .. }))))
            .collect();
        let placed = period.states.iter().find(|s| s.placement.placement_type.is_placed_for_adoption()).map(|s| s.date);
        // ad-review-authorised (S): authority to place (a placement order) but not yet placed:
        // a review within 3 months of the authority, then every 6 months until placed.
        if let Some(order) =
            period.states.iter().find(|s| s.legal_status == LegalStatus::PlacementOrder).map(|s| s.date)
            && placed.is_none_or(|p| p > order)
        {
            let until = match (placed, end) {
                (Some(p), Some(e)) => Some(p.min(e)),
                (a, b) => a.or(b),
            };
            Chain {
                rule: known("ad-review-authorised"),
                owed: "Review the plan for adoption",
                start: Trigger {
                    event: ctx.event_on(order, |e| {
                        matches!(e, ChildEvent::LegalStatusChanged { legal_status: LegalStatus::PlacementOrder })
                    }),
                    date: order,
                    what: "Placement order granted".into(),
                },
                end: until,
                events: reviews.iter().copied().filter(|(d, _)| *d > order).collect(),
                same_day_counts: false,
                what_event: "Review",
            }
            .run(ctx, Clock::Months(3), |_, _| Clock::Months(6), out);
        }
        let Some(placed) = placed else { continue };
        let start = Trigger {
            event: ctx.event_on(placed, |e| matches!(e, ChildEvent::PlacementChanged { .. })),
            date: placed,
            what: "Placed for adoption".into(),
        };
        // ad-review-placed (S): first review within 4 weeks of placement, the second within 3
        // months of the first, then every 6 months until the adoption order.
        let after: Vec<_> = reviews.iter().copied().filter(|(d, _)| *d > placed).collect();
        Chain {
            rule: known("ad-review-placed"),
            owed: "Review the adoption placement",
            start: start.clone(),
            end,
            events: after.clone(),
            same_day_counts: false,
            what_event: "Adoption review",
        }
        .run(ctx, Clock::Days(28), |n, _| if n == 1 { Clock::Months(3) } else { Clock::Months(6) }, out);
        // ad-visit-placed (S): visits within a week of placement and weekly until the first
        // review, then at least every 6 weeks (the frequency a review sets; careful uses the
        // looked-after maximum).
        let first_review = after.first().map(|(d, _)| *d);
        let visits: Vec<_> = r
            .visits
            .iter()
            .filter(|v| v.seen && v.kind == VisitKind::LookedAfter && v.date >= placed)
            .map(|v| (v.date, ctx.event_on(v.date, |e| matches!(e, ChildEvent::VisitMade { .. }))))
            .collect();
        Chain {
            rule: known("ad-visit-placed"),
            owed: "Visit the child and the prospective adopters",
            start,
            end,
            events: visits,
            same_day_counts: true,
            what_event: "Visit",
        }
        .run(
            ctx,
            Clock::Days(7),
            |_, previous| if first_review.is_none_or(|r| previous < r) { Clock::Days(7) } else { Clock::Days(42) },
            out,
        );
    }
}
