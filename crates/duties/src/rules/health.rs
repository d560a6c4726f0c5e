//! Health of looked-after children (CPPCR 2010 reg 7 and Sch 1; statutory guidance "Promoting
//! the health and wellbeing of looked-after children", 2015).

use careful_domain::calendar::{age_on, date_attaining_age, long_date};
use careful_domain::record::ChildEvent;

use crate::catalogue::known;
use crate::ctx::{Chain, Clock, Ctx};
use crate::duty::{Duty, Trigger};
use crate::rules::reviews::continuous;

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<Duty>) {
    let r = ctx.record;
    let Some(dob) = r.date_of_birth() else { return };
    for run in continuous(&r.care_periods) {
        if run.iter().all(|p| p.is_short_breaks()) {
            continue;
        }
        let started = run[0].started;
        let end = run.last().and_then(|p| p.end());
        let within = |d: chrono::NaiveDate| d >= started && end.is_none_or(|e| d < e);
        let start = Trigger {
            event: ctx.event_on(started, |e| matches!(e, ChildEvent::BecameLookedAfter { .. })),
            date: started,
            what: "Became looked after".into(),
        };
        let assessments: Vec<_> = r
            .health_assessments
            .iter()
            .filter(|(d, _)| within(*d))
            .map(|(d, _)| (*d, ctx.event_on(*d, |e| matches!(e, ChildEvent::HealthAssessmentCompleted { .. }))))
            .collect();
        // health-iha (S): CPPCR 2010 reg 7(1): the health assessment is made "before the
        // child's first review" (or, when that is not reasonably practicable, before the second).
        // So it is due by the first review once that has been held, whenever it was, and until
        // then by the first review's own due date, 20 working days after the child became looked
        // after (the statutory guidance's 20 working days). An assessment on the day of the
        // review, before it, meets it.
        let first = assessments.first().copied();
        // The initial assessment of care that began before careful's record is history held
        // elsewhere; reviews run on from the first assessment careful holds.
        let continued = run[0].continued.is_some();
        let first_review =
            run.iter().flat_map(|p| &p.reviews).map(|(d, _)| *d).find(|d| *d >= started && *d <= ctx.as_of);
        if !continued {
            let iha = match first_review {
                None => ctx.duty(
                    known("health-iha"),
                    "Arrange the initial health assessment",
                    start.clone(),
                    Clock::WorkingDays(20),
                    first,
                    if first.is_none() { end } else { None },
                ),
                Some(review) if review >= ctx.policy.assessed_from => Some(ctx.duty_due(
                    known("health-iha"),
                    "Arrange the initial health assessment",
                    start.clone(),
                    review,
                    format!("before the first review, held on {} (reg 7(1))", long_date(review)).into(),
                    first,
                    if first.is_none() { end } else { None },
                )),
                Some(_) => None,
            };
            out.extend(iha);
        }
        // health-rha-under5 / health-rha-5plus (S/SG): reviews at least every 6 months for a
        // child under 5 and every 12 months from 5 (design note health-age-switch: the interval
        // follows the child's age at the previous assessment).
        if let Some((first_date, first_id)) = first {
            let mut anchor = Trigger { event: first_id, date: first_date, what: "Health assessment".into() };
            let mut rest = assessments[1..].iter().copied();
            loop {
                let under_5 = age_on(dob, anchor.date).is_ok_and(|a| a < 5);
                let (rule, clock) = if under_5 {
                    (known("health-rha-under5"), Clock::Months(6))
                } else {
                    (known("health-rha-5plus"), Clock::Months(12))
                };
                let candidate = rest.next().filter(|(d, _)| *d <= ctx.as_of);
                match ctx.duty(rule, "Arrange a review health assessment", anchor.clone(), clock, candidate, end) {
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
                anchor = Trigger { event: id, date, what: "Health assessment".into() };
            }
        }
        // health-sdq (SG): a Strengths and Difficulties Questionnaire every year for a child
        // aged 4 to 16, the first a year after becoming looked after or turning 4.
        let (Ok(four), Ok(seventeen)) = (date_attaining_age(dob, 4), date_attaining_age(dob, 17)) else { continue };
        let from = started.max(four);
        if end.is_some_and(|e| e <= from) || from >= seventeen {
            continue;
        }
        let sdq_end = Some(end.map_or(seventeen, |e| e.min(seventeen)));
        let sdqs: Vec<_> = r
            .sdqs
            .iter()
            .filter(|(d, _)| within(*d))
            .map(|(d, _)| (*d, ctx.event_on(*d, |e| matches!(e, ChildEvent::SdqRecorded { .. }))))
            .collect();
        if continued {
            // Annual from the first questionnaire careful holds.
            if let Some((date, id)) = sdqs.first().copied().filter(|(d, _)| *d >= from && *d <= ctx.as_of) {
                Chain {
                    rule: known("health-sdq"),
                    owed: "Have the carer complete a Strengths and Difficulties Questionnaire",
                    start: Trigger { event: id, date, what: "Strengths and Difficulties Questionnaire".into() },
                    end: sdq_end,
                    events: sdqs[1..].to_vec(),
                    same_day_counts: false,
                    what_event: "Strengths and Difficulties Questionnaire",
                }
                .run(ctx, Clock::Months(12), |_, _| Clock::Months(12), out);
            }
            continue;
        }
        let what = if from == four && four > started { "Turned 4 while looked after" } else { "Became looked after" };
        Chain {
            rule: known("health-sdq"),
            owed: "Have the carer complete a Strengths and Difficulties Questionnaire",
            start: Trigger { event: if from == started { start.event } else { None }, date: from, what: what.into() },
            end: sdq_end,
            events: sdqs,
            same_day_counts: true,
            what_event: "Strengths and Difficulties Questionnaire",
        }
        .run(ctx, Clock::Months(12), |_, _| Clock::Months(12), out);
    }
}
