//! Care leavers (Children Act 1989 Sch 2 paras 19A to 19C, ss 23A to 24D; CPPCR 2010 Part 7;
//! Care Leavers (England) Regulations 2010).

use chrono::NaiveDate;

use careful_domain::calendar::{add_days, add_months, date_attaining_age, long_date};
use careful_domain::record::{ChildEvent, ChildRecord};

use crate::catalogue::known;
use crate::ctx::{Chain, Clock, Ctx};
use crate::duty::{Duty, Trigger};

/// The day the child became an eligible child (CA 1989 Sch 2 para 19B; CPPCR reg 40): aged 16
/// or 17, looked after, and looked after for 13 weeks (91 days) in all since the 14th
/// birthday, short breaks not counted.
pub fn eligible_from(record: &ChildRecord) -> Option<NaiveDate> {
    let dob = record.date_of_birth()?;
    let (fourteen, sixteen, eighteen) =
        (date_attaining_age(dob, 14).ok()?, date_attaining_age(dob, 16).ok()?, date_attaining_age(dob, 18).ok()?);
    let mut counted = 0i64;
    for period in record.care_periods.iter().filter(|p| !p.is_short_breaks()) {
        let since = period.looked_after_since();
        let start = since.max(fourteen);
        let end = period.end().unwrap_or(NaiveDate::MAX);
        if end <= start {
            continue;
        }
        // The day this period brings the count to 91.
        let reaches = add_days(start, 91 - counted).ok()?;
        let candidate = reaches.max(sixteen).max(since);
        if candidate < end && candidate < eighteen {
            return Some(candidate);
        }
        counted += (end.min(eighteen) - start).num_days().max(0);
    }
    // Known only from another system's returns to have been an eligible child.
    record.eligible_before_record
}

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    let r = ctx.record;
    let Some(eligible) = eligible_from(r) else { return };
    let Some(dob) = r.date_of_birth() else { return };
    let (Ok(eighteen), Ok(twenty_one)) = (date_attaining_age(dob, 18), date_attaining_age(dob, 21)) else { return };
    let trigger = Trigger {
        event: None,
        date: eligible,
        what: format!("Became an eligible child on {}", long_date(eligible)).into(),
    };
    let adviser = r
        .personal_advisers
        .first()
        .map(|(d, _)| (*d, ctx.event_on(*d, |e| matches!(e, ChildEvent::PersonalAdviserAllocated { .. }))));
    let plan = r
        .pathway_plans
        .iter()
        .find(|(_, initial)| *initial)
        .map(|(d, _)| (*d, ctx.event_on(*d, |e| matches!(e, ChildEvent::PathwayPlanCompleted {}))));
    let assessment = r
        .needs_assessments
        .first()
        .map(|d| (*d, ctx.event_on(*d, |e| matches!(e, ChildEvent::NeedsAssessmentCompleted {}))));
    let ended = r.died;
    let before_18 = add_days(eighteen, -1).unwrap_or(eighteen);
    if eligible >= ctx.policy.assessed_from {
        // cl-pa-appoint (S): CA 1989 Sch 2 para 19C: the council "shall arrange for each child
        // whom they are looking after who is an eligible child ... to have a personal adviser".
        // The duty is owed from the day the child becomes eligible, with no period of grace.
        out.push(
            ctx.duty_due(
                known("cl-pa-appoint"),
                "Appoint a personal adviser",
                trigger.clone(),
                eligible,
                format!(
                    "owed from the day the child became eligible, {} (Sch 2 para 19C gives no period of grace)",
                    long_date(eligible)
                )
                .into(),
                adviser,
                ended,
            ),
        );
    }
    // cl-needs-assessment (S): CPPCR 2010 reg 42(1): the assessment of needs is completed "not
    // more than three months after" the 16th birthday or, when the child becomes eligible
    // after that, the day they do; and no later than the day before the 18th birthday
    // (cl-18-no-cliff). cl-pathway-plan (S): the plan is prepared "as soon as possible" after
    // the assessment (reg 43(1)); the law gives it no number of days of its own, so careful
    // counts it due by the day the assessment is due. A plan written before any assessment is
    // recorded still meets it (returns from other systems do not record assessments).
    let three_months = add_months(eligible, 3).unwrap_or(eligible);
    let due = three_months.min(before_18).max(eligible);
    let working = if due < three_months {
        format!(
            "3 months after {} would be {}; the day before the 18th birthday is sooner",
            long_date(eligible),
            long_date(three_months)
        )
    } else {
        format!("3 months after {} is {}", long_date(eligible), long_date(due))
    };
    if due >= ctx.policy.assessed_from {
        out.push(ctx.duty_due(
            known("cl-needs-assessment"),
            "Complete the assessment of needs for the pathway plan",
            trigger.clone(),
            due,
            working.clone().into(),
            assessment,
            ended,
        ));
        out.push(ctx.duty_due(
            known("cl-pathway-plan"),
            "Write the pathway plan",
            trigger.clone(),
            due,
            format!("{working}: the day the assessment of needs it follows is due").into(),
            plan,
            ended,
        ));
        // cl-18-no-cliff (S): both in place before the 18th birthday.
        let both = match (adviser, plan) {
            (Some(a), Some(p)) => Some((a.0.max(p.0), if a.0 >= p.0 { a.1 } else { p.1 })),
            _ => None,
        };
        out.push(ctx.duty_due(
            known("cl-18-no-cliff"),
            "Have a personal adviser and a pathway plan in place before the 18th birthday",
            trigger,
            before_18,
            format!("the day before the 18th birthday is {}", long_date(before_18)).into(),
            both,
            ended,
        ));
    }
    // cl-pathway-review and cl-pathway-review-eligible (S): reviewed at least every 6 months,
    // while eligible and after leaving care, until 21.
    if let Some((first, id)) = plan {
        let reviews: Vec<_> = r
            .pathway_plans
            .iter()
            .filter(|(d, _)| *d > first)
            .map(|(d, _)| {
                (
                    *d,
                    ctx.event_on(*d, |e| {
                        matches!(e, ChildEvent::PathwayPlanReviewed {} | ChildEvent::PathwayPlanCompleted {})
                    }),
                )
            })
            .collect();
        let end = Some(ended.map_or(twenty_one, |d| d.min(twenty_one)));
        let looked_after_at =
            |d: NaiveDate| r.care_periods.iter().any(|p| p.started <= d && p.end().is_none_or(|e| e > d));
        let rule =
            if looked_after_at(first) { known("cl-pathway-review-eligible") } else { known("cl-pathway-review") };
        Chain {
            rule,
            owed: "Review the pathway plan",
            start: Trigger { event: id, date: first, what: "Pathway plan".into() },
            end,
            events: reviews,
            same_day_counts: false,
            what_event: "Pathway plan review",
        }
        .run(ctx, Clock::Months(6), |_, _| Clock::Months(6), out);
    }
}
