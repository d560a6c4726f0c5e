//! Every encoded duty at its boundaries.
//!
//! Each rule is given a history in which its clock starts on a chosen day and (optionally) the
//! duty is met on another, and is checked on every case of its clock: the day before it is due
//! (upcoming), the day it is due (due today), the day after (overdue by 1), met on the due day
//! (on time) and met the day after (late by 1). The cases cross a weekend, Christmas and New
//! Year, Easter and a month end, and 29 February, and start on a Saturday; for month clocks they
//! end on a bank holiday (not moved), at a month end, and clamp to 28 or 29 February. The
//! expected due dates were worked out independently of careful's calendar, from the bank
//! holiday list by a separate script, and are written here as data.

use chrono::NaiveDate;

use careful_domain::codes::{LegalStatus::*, MissingType, PlacementType::*, ReasonEpisodeCeased};
use careful_domain::record::*;

use crate::catalogue::{Implementation, implementation, rules};
use crate::duty::Working;
use crate::testing::*;
use crate::{DutyStatus, Policy};

/// A case: the day the clock starts, the day the duty is due, and what the case exercises.
type Case = (&'static str, &'static str, &'static str);

// Working-day clocks (the N-th working day after; the trigger day is not counted).
const WD1: &[Case] = &[
    ("2025-06-13", "2025-06-16", "a Friday, over a weekend"),
    ("2025-12-24", "2025-12-29", "Christmas Eve, over Christmas Day, Boxing Day and a weekend"),
    ("2024-02-28", "2024-02-29", "due on 29 February"),
    ("2024-03-28", "2024-04-02", "over Good Friday, a weekend, Easter Monday and a month end"),
    ("2025-05-31", "2025-06-02", "from a Saturday at a month end"),
];
const WD3: &[Case] = &[
    ("2025-06-13", "2025-06-18", "over a weekend"),
    ("2025-12-23", "2025-12-30", "over Christmas"),
    ("2024-03-27", "2024-04-03", "over Easter and a month end"),
    ("2024-02-27", "2024-03-01", "over 29 February"),
    ("2025-05-31", "2025-06-04", "from a Saturday at a month end"),
];
const WD4: &[Case] = &[
    ("2025-06-13", "2025-06-19", "over a weekend"),
    ("2025-12-23", "2025-12-31", "over Christmas"),
    ("2024-03-27", "2024-04-04", "over Easter and a month end"),
    ("2024-02-27", "2024-03-04", "over 29 February"),
    ("2025-05-31", "2025-06-05", "from a Saturday at a month end"),
];
const WD5: &[Case] = &[
    ("2025-06-13", "2025-06-20", "over a weekend"),
    ("2025-12-23", "2026-01-02", "over Christmas and New Year"),
    ("2024-03-27", "2024-04-05", "over Easter and a month end"),
    ("2024-02-27", "2024-03-05", "over 29 February"),
    ("2025-05-31", "2025-06-06", "from a Saturday at a month end"),
];
const WD10: &[Case] = &[
    ("2025-06-13", "2025-06-27", "over weekends"),
    ("2025-12-23", "2026-01-09", "over Christmas and New Year"),
    ("2024-03-27", "2024-04-12", "over Easter and a month end"),
    ("2024-02-27", "2024-03-12", "over 29 February"),
    ("2025-05-31", "2025-06-13", "from a Saturday at a month end"),
];
const WD15: &[Case] = &[
    ("2025-06-13", "2025-07-04", "over weekends"),
    ("2025-12-23", "2026-01-16", "over Christmas and New Year"),
    ("2024-03-27", "2024-04-19", "over Easter and a month end"),
    ("2024-02-27", "2024-03-19", "over 29 February"),
    ("2025-05-31", "2025-06-20", "from a Saturday at a month end"),
];
const WD20: &[Case] = &[
    ("2025-06-13", "2025-07-11", "over weekends"),
    ("2025-12-23", "2026-01-23", "over Christmas and New Year"),
    ("2024-03-27", "2024-04-26", "over Easter and a month end"),
    ("2024-02-27", "2024-03-26", "over 29 February"),
    ("2025-05-31", "2025-06-27", "from a Saturday at a month end"),
];
const WD25: &[Case] = &[
    ("2025-06-13", "2025-07-18", "over weekends"),
    ("2025-12-23", "2026-01-30", "over Christmas and New Year"),
    ("2024-03-27", "2024-05-03", "over Easter and a month end"),
    ("2024-02-27", "2024-04-04", "over 29 February"),
    ("2025-05-31", "2025-07-04", "from a Saturday at a month end"),
];
// Worked by hand from the bank holiday list: each is WD25's day (or WD45's, for WD65) counted on.
const WD30: &[Case] = &[
    ("2025-06-13", "2025-07-25", "over weekends"),
    ("2025-12-23", "2026-02-06", "over Christmas and New Year"),
    ("2024-03-27", "2024-05-13", "over Easter, a month end and the early May bank holiday"),
    ("2024-02-27", "2024-04-11", "over 29 February and Easter"),
    ("2025-05-31", "2025-07-11", "from a Saturday at a month end"),
];
const WD65: &[Case] = &[
    ("2025-06-13", "2025-09-15", "over the summer bank holiday and month ends"),
    ("2025-12-23", "2026-03-27", "over Christmas and New Year"),
    ("2024-03-27", "2024-07-02", "over Easter and the May bank holidays"),
    ("2024-02-27", "2024-06-03", "over 29 February, Easter and the May bank holidays"),
    ("2025-05-31", "2025-09-01", "from a Saturday, over the summer bank holiday to a month's first day"),
];
const WD45: &[Case] = &[
    ("2025-06-13", "2025-08-15", "over weekends"),
    ("2025-12-23", "2026-02-27", "over Christmas and New Year"),
    ("2024-03-27", "2024-06-04", "over Easter, the May bank holidays and month ends"),
    ("2024-02-27", "2024-05-02", "over 29 February and Easter"),
    ("2025-05-31", "2025-08-01", "from a Saturday at a month end"),
];

// Calendar-day clocks: bank holidays and weekends do not move them.
/// An emergency protection order's last day: the 8th, counting the day it was made as the
/// first; when that is Christmas Day, Good Friday, a bank holiday or a Sunday, the first later
/// day that is none of these (CA 1989 s45(1) and (2)). Saturdays are not in s45(2)'s list.
const EPO8: &[Case] = &[
    ("2025-06-10", "2025-06-17", "made on a Tuesday: its 8th day is the next Tuesday"),
    ("2025-12-18", "2025-12-27", "8th day Christmas Day, then Boxing Day: to noon on Saturday 27th"),
    ("2025-06-08", "2025-06-16", "8th day a Sunday: to noon on Monday"),
    ("2025-04-11", "2025-04-19", "8th day Good Friday: to noon on Saturday"),
    ("2025-08-18", "2025-08-26", "8th day the summer bank holiday: to noon on Tuesday"),
    ("2024-02-22", "2024-02-29", "8th day 29 February"),
    ("2025-05-27", "2025-06-03", "over a month end"),
];
/// 16 weeks (112 calendar days): a connected person's temporary approval (CPPCR reg 24).
const D112: &[Case] = &[
    ("2025-06-14", "2025-10-04", "from a Saturday"),
    ("2025-09-04", "2025-12-25", "due on Christmas Day"),
    ("2024-01-10", "2024-05-01", "over 29 February"),
    ("2025-05-31", "2025-09-20", "from a month end"),
];
/// Due on the day itself (a duty owed from the moment it arises).
const D0: &[Case] = &[
    ("2025-06-14", "2025-06-14", "on a Saturday"),
    ("2025-12-25", "2025-12-25", "on Christmas Day"),
    ("2025-08-31", "2025-08-31", "at a month end, on a Sunday"),
    ("2024-02-29", "2024-02-29", "on 29 February"),
];
const D3: &[Case] = &[
    ("2025-06-14", "2025-06-17", "from a Saturday"),
    ("2025-12-22", "2025-12-25", "due on Christmas Day"),
    ("2025-05-29", "2025-06-01", "over a month end, due on a Sunday"),
    ("2024-02-27", "2024-03-01", "over 29 February"),
];
const D7: &[Case] = &[
    ("2025-06-14", "2025-06-21", "from a Saturday"),
    ("2025-12-18", "2025-12-25", "due on Christmas Day"),
    ("2025-05-28", "2025-06-04", "over a month end"),
    ("2024-02-26", "2024-03-04", "over 29 February"),
];
const D28: &[Case] = &[
    ("2025-06-14", "2025-07-12", "from a Saturday"),
    ("2025-11-27", "2025-12-25", "due on Christmas Day"),
    ("2025-05-28", "2025-06-25", "over a month end"),
    ("2024-02-26", "2024-03-25", "over 29 February"),
];
const D42: &[Case] = &[
    ("2025-06-14", "2025-07-26", "from a Saturday"),
    ("2025-11-13", "2025-12-25", "due on Christmas Day"),
    ("2025-05-28", "2025-07-09", "over a month end"),
    ("2024-02-26", "2024-04-08", "over 29 February"),
];
const D84: &[Case] = &[
    ("2025-06-14", "2025-09-06", "from a Saturday"),
    ("2025-10-02", "2025-12-25", "due on Christmas Day"),
    ("2025-05-28", "2025-08-20", "over month ends"),
    ("2024-02-26", "2024-05-20", "over 29 February"),
];
const D181: &[Case] = &[
    ("2025-06-14", "2025-12-12", "from a Saturday"),
    ("2025-06-27", "2025-12-25", "due on Christmas Day"),
    ("2025-05-28", "2025-11-25", "over month ends"),
    ("2024-02-26", "2024-08-25", "over 29 February"),
];

// Calendar-month clocks: clamped to the month's end.
const M1: &[Case] = &[
    ("2025-11-25", "2025-12-25", "due on Christmas Day"),
    ("2025-05-31", "2025-06-30", "31 May to 30 June"),
    ("2026-01-31", "2026-02-28", "clamped to 28 February"),
    ("2024-01-31", "2024-02-29", "clamped to 29 February"),
    ("2024-02-29", "2024-03-29", "from 29 February"),
];
const M3: &[Case] = &[
    ("2025-09-25", "2025-12-25", "due on Christmas Day"),
    ("2025-05-31", "2025-08-31", "due at a month end, on a Sunday"),
    ("2025-11-30", "2026-02-28", "clamped to 28 February"),
    ("2023-11-30", "2024-02-29", "clamped to 29 February"),
    ("2024-02-29", "2024-05-29", "from 29 February"),
];
const M4: &[Case] = &[
    ("2025-08-25", "2025-12-25", "due on Christmas Day"),
    ("2025-05-31", "2025-09-30", "31 May to 30 September"),
    ("2025-10-31", "2026-02-28", "clamped to 28 February"),
    ("2023-10-31", "2024-02-29", "clamped to 29 February"),
    ("2024-02-29", "2024-06-29", "from 29 February"),
];
const M6: &[Case] = &[
    ("2025-06-25", "2025-12-25", "due on Christmas Day"),
    ("2025-05-31", "2025-11-30", "31 May to 30 November"),
    ("2025-08-31", "2026-02-28", "clamped to 28 February"),
    ("2023-08-31", "2024-02-29", "clamped to 29 February"),
    ("2024-02-29", "2024-08-29", "from 29 February"),
];
const M12: &[Case] = &[
    ("2024-12-25", "2025-12-25", "due on Christmas Day"),
    ("2025-05-31", "2026-05-31", "due at a month end, on a Sunday"),
    ("2024-02-29", "2025-02-28", "from 29 February, clamped to 28 February"),
    ("2023-03-01", "2024-03-01", "over 29 February"),
];

/// Checks `rule` on every case: `build(trigger, met)` gives a history in which the rule's clock
/// starts on `trigger` and the duty is met on `met`, if given.
fn boundaries(rule: &str, cases: &[Case], build: impl Fn(NaiveDate, Option<NaiveDate>) -> Journey) {
    let mut failures = Vec::new();
    for &(trigger, due, what) in cases {
        let (trigger, due) = (d(trigger), d(due));
        let mut check = |j: &Journey, as_of: NaiveDate, expected: DutyStatus, label: &str| {
            let all = j.duties(as_of);
            let found: Vec<_> = all.iter().filter(|x| x.rule.id == rule && x.trigger.date == trigger).collect();
            match found.as_slice() {
                [duty] if duty.due == due && duty.status == expected => {}
                [duty] => failures.push(format!(
                    "{rule}, started {trigger} ({what}), {label} as of {as_of}: expected due {due} and {expected}, found due {} and {}",
                    duty.due, duty.status
                )),
                _ => failures.push(format!(
                    "{rule}, started {trigger} ({what}), {label}: {} duties found as of {as_of}: {:?}",
                    found.len(),
                    all.iter().map(|x| format!("{} {} due {}", x.rule.id, x.trigger.date, x.due)).collect::<Vec<_>>()
                )),
            }
        };
        let open = build(trigger, None);
        if due > trigger {
            check(&open, days(due, -1), DutyStatus::Upcoming, "not yet due");
        }
        check(&open, due, DutyStatus::DueToday, "due today");
        check(&open, days(due, 1), DutyStatus::Overdue { days: 1 }, "the day after");
        check(&build(trigger, Some(due)), days(due, 1), DutyStatus::MetOnTime, "met on the last allowed day");
        check(&build(trigger, Some(days(due, 1))), days(due, 1), DutyStatus::MetLate { days: 1 }, "met the day after");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Defines one test per rule and lists the rules tested, so that a test can check every encoded
/// duty has one.
macro_rules! boundary_tests {
    ($($name:ident: $rule:literal, $cases:expr, $build:expr;)*) => {
        $(
            #[test]
            fn $name() {
                boundaries($rule, $cases, $build);
            }
        )*
        /// Each rule's boundary test, by name.
        pub(crate) const TESTED: &[(&str, &str)] = &[$(($rule, stringify!($name))),*];
    };
}

fn in_care(
    ls: careful_domain::codes::LegalStatus,
    kind: careful_domain::codes::PlacementType,
    on: NaiveDate,
) -> Journey {
    let mut j = Journey::child();
    j.on(on, looked_after(ls, kind, 1));
    j
}

/// A child protection plan made at an initial conference on `icpc`.
fn on_plan(icpc: NaiveDate) -> Journey {
    let mut j = Journey::child();
    j.on(days(icpc, -30), referral())
        .on(days(icpc, -20), ChildEvent::StrategyDiscussionHeld { section_47: true })
        .on(days(icpc, -20), ChildEvent::Section47Started {})
        .on(days(icpc, -5), ChildEvent::Section47Completed { outcome: Section47Outcome::ConferenceRequired })
        .on(icpc, ChildEvent::InitialConferenceHeld { plan_required: true })
        .on(icpc, ChildEvent::ChildProtectionPlanStarted { category: careful_domain::codes::CategoryOfAbuse::Neglect });
    j
}

/// A child in need plan started on `start`.
fn on_cin_plan(start: NaiveDate) -> Journey {
    let mut j = Journey::child();
    j.on(days(start, -30), referral())
        .on(days(start, -30), ChildEvent::AssessmentStarted {})
        .on(days(start, -20), authorised(AssessmentOutcome::ChildInNeed))
        .on(start, ChildEvent::CinPlanStarted {});
    j
}

/// A young person whose 16th birthday is `sixteen`, looked after since before they were 15.
fn eligible_on(sixteen: NaiveDate) -> Journey {
    let mut j = Journey::born(years_before(sixteen, 16));
    j.on(days(sixteen, -400), looked_after(FullCareOrder, FosterOtherOther, 1));
    j
}

fn review_conference() -> ChildEvent {
    ChildEvent::ReviewConferenceHeld { decision: ReviewConferenceDecision::ContinuePlan, category: None }
}

fn health_assessment(kind: HealthAssessmentKind) -> ChildEvent {
    ChildEvent::HealthAssessmentCompleted { assessment: kind }
}

fn complaint(stage: ComplaintStage) -> ChildEvent {
    ChildEvent::ComplaintReceived { stage, summary: "Contact with my brother keeps being cancelled".into() }
}

fn response(stage: ComplaintStage) -> ChildEvent {
    ChildEvent::ComplaintResponded { stage, finding: ComplaintFinding::PartlyUpheld }
}

fn extended(stage: ComplaintStage, working_days: u8) -> ChildEvent {
    ChildEvent::ComplaintExtended {
        stage,
        working_days,
        reason: "The independent person could not start until next month".into(),
        agreed_by: careful_domain::WorkerId::from_random_bytes([9; 16]),
    }
}

/// Placed for adoption (with a placement order) on `placed`.
fn placed_for_adoption(placed: NaiveDate) -> Journey {
    let mut j = in_care(FullCareOrder, FosterOtherOther, days(placed, -200));
    j.on(days(placed, -100), legal_status(PlacementOrder))
        .on(placed, moved(AdoptionPlacementOrderOtherCarers, 3, Some(CarerNotice::Given { on: days(placed, -20) })));
    j
}

boundary_tests! {
    // ------------------------------------------------------------------ front door
    ref_decision: "ref-decision", WD1, |t, met| {
        let mut j = Journey::child();
        j.on(t, ChildEvent::ContactReceived { source: careful_domain::codes::ReferralSource::School })
            .maybe(met, ChildEvent::ContactDecided { outcome: ContactOutcome::Referral });
        j
    };
    asmt_45: "asmt-45", WD45, |t, met| {
        let mut j = Journey::child();
        j.on(t, referral()).on(t, ChildEvent::AssessmentStarted {}).maybe(met, authorised(AssessmentOutcome::ChildInNeed));
        j
    };
    asmt_seen: "asmt-seen", WD4, |t, met| {
        let mut j = Journey::child();
        j.on(t, referral()).on(t, ChildEvent::AssessmentStarted {}).maybe(met, visit(VisitKind::Assessment));
        j
    };
    wf_allocation: "wf-allocation", WD3, |t, met| {
        let mut j = Journey::child();
        j.on(t, referral()).maybe(met, ChildEvent::WorkerAllocated { worker: worker(1), team: team(1), reason: None });
        j
    };
    // ------------------------------------------------------------------ children in need
    cin_plan_meeting: "cin-plan-meeting", WD10, |t, met| {
        let mut j = Journey::child();
        j.on(days(t, -20), referral())
            .on(days(t, -20), ChildEvent::AssessmentStarted {})
            .on(t, authorised(AssessmentOutcome::ChildInNeed))
            .maybe(met, ChildEvent::CinPlanStarted {});
        j
    };
    cin_review: "cin-review", D84, |t, met| {
        let mut j = on_cin_plan(t);
        j.maybe(met, ChildEvent::CinPlanReviewed {});
        j
    };
    cin_visit: "cin-visit", WD20, |t, met| {
        let mut j = on_cin_plan(t);
        j.maybe(met, visit(VisitKind::ChildInNeed));
        j
    };
    // ------------------------------------------------------------------ child protection
    cp_s47: "cp-s47", WD15, |t, met| {
        let mut j = Journey::child();
        j.on(days(t, -5), referral())
            .on(t, ChildEvent::StrategyDiscussionHeld { section_47: true })
            .on(t, ChildEvent::Section47Started {})
            .maybe(met, ChildEvent::Section47Completed { outcome: Section47Outcome::ConferenceRequired });
        j
    };
    cp_icpc: "cp-icpc", WD15, |t, met| {
        let mut j = Journey::child();
        j.on(days(t, -5), referral())
            .on(t, ChildEvent::StrategyDiscussionHeld { section_47: true })
            .on(t, ChildEvent::Section47Started {})
            .on(t, ChildEvent::Section47Completed { outcome: Section47Outcome::ConferenceRequired })
            .maybe(met, ChildEvent::InitialConferenceHeld { plan_required: false });
        j
    };
    cp_core_group_1: "cp-core-group-1", WD10, |t, met| {
        let mut j = on_plan(t);
        j.maybe(met, ChildEvent::CoreGroupMeetingHeld {});
        j
    };
    cp_core_group: "cp-core-group", M1, |t, met| {
        let mut j = on_plan(days(t, -7));
        j.on(t, ChildEvent::CoreGroupMeetingHeld {}).maybe(met, ChildEvent::CoreGroupMeetingHeld {});
        j
    };
    cp_visit: "cp-visit", WD10, |t, met| {
        let mut j = on_plan(t);
        j.maybe(met, visit(VisitKind::ChildProtection));
        j
    };
    cp_rcpc_1: "cp-rcpc-1", M3, |t, met| {
        let mut j = on_plan(t);
        j.maybe(met, review_conference());
        j
    };
    cp_rcpc_n: "cp-rcpc-n", M6, |t, met| {
        let mut j = on_plan(days(t, -60));
        j.on(t, review_conference()).maybe(met, review_conference());
        j
    };
    // ------------------------------------------------------------------ looked after: visits
    visit_first: "visit-first", D7, |t, met| {
        let mut j = in_care(Section20SinglePeriod, FosterOtherOther, t);
        j.maybe(met, visit(VisitKind::LookedAfter));
        j
    };
    visit_year1: "visit-year1", D42, |t, met| {
        let mut j = in_care(Section20SinglePeriod, FosterOtherOther, days(t, -3));
        j.on(t, visit(VisitKind::LookedAfter)).maybe(met, visit(VisitKind::LookedAfter));
        j
    };
    visit_after_year1: "visit-after-year1", D42, |t, met| {
        let mut j = in_care(FullCareOrder, FosterOtherOther, days(t, -400));
        j.on(days(t, -399), visit(VisitKind::LookedAfter))
            .on(t, visit(VisitKind::LookedAfter))
            .maybe(met, visit(VisitKind::LookedAfter));
        j
    };
    visit_connected_ico: "visit-connected-ico", D7, |t, met| {
        let mut j = in_care(InterimCareOrder, WithParents, t);
        j.maybe(met, visit(VisitKind::LookedAfter));
        j
    };
    visit_co_parent: "visit-co-parent", D7, |t, met| {
        let mut j = in_care(InterimCareOrder, WithParents, days(t, -30));
        j.on(t, legal_status(FullCareOrder)).maybe(met, visit(VisitKind::LookedAfter));
        j
    };
    // ------------------------------------------------------------------ reviews and the IRO
    rev_1: "rev-1", WD20, |t, met| {
        let mut j = in_care(Section20SinglePeriod, FosterOtherOther, t);
        j.maybe(met, review());
        j
    };
    rev_2: "rev-2", M3, |t, met| {
        let mut j = in_care(Section20SinglePeriod, FosterOtherOther, days(t, -10));
        j.on(t, review()).maybe(met, review());
        j
    };
    rev_n: "rev-n", M6, |t, met| {
        let mut j = in_care(Section20SinglePeriod, FosterOtherOther, days(t, -100));
        j.on(days(t, -90), review()).on(t, review()).maybe(met, review());
        j
    };
    iro_appoint: "iro-appoint", WD5, |t, met| {
        let mut j = in_care(Section20SinglePeriod, FosterOtherOther, t);
        j.maybe(met, ChildEvent::IroAppointed { iro: worker(7) });
        j
    };
    // ------------------------------------------------------------------ placements
    pl_terminate: "pl-terminate", WD10, |t, met| {
        let mut j = in_care(FullCareOrder, FosterOtherOther, days(t, -30));
        j.on(t, moved(FosterOtherOther, 2, Some(CarerNotice::Emergency { reason: "the carer was taken to hospital".into(), ground: None, authorised_by: None })))
            .maybe(met, ChildEvent::CarerNotifiedOfEnding {});
        j
    };
    pl_connected_temp: "pl-connected-temp", D112, |t, met| {
        let mut j = in_care(InterimCareOrder, FosterRelativeOther, t);
        j.on(t, ChildEvent::ConnectedPersonTemporarilyApproved {}).maybe(met, ChildEvent::ConnectedPersonApproved {});
        j
    };
    // ------------------------------------------------------------------ health
    health_iha: "health-iha", WD20, |t, met| {
        let mut j = in_care(Section20SinglePeriod, FosterOtherOther, t);
        j.maybe(met, health_assessment(HealthAssessmentKind::Initial));
        j
    };
    health_rha_under5: "health-rha-under5", M6, |t, met| {
        let mut j = Journey::born(years_before(t, 2));
        j.on(days(t, -10), looked_after(InterimCareOrder, FosterOtherOther, 1))
            .on(t, health_assessment(HealthAssessmentKind::Initial))
            .maybe(met, health_assessment(HealthAssessmentKind::Review));
        j
    };
    health_rha_5plus: "health-rha-5plus", M12, |t, met| {
        let mut j = in_care(FullCareOrder, FosterOtherOther, days(t, -10));
        j.on(t, health_assessment(HealthAssessmentKind::Initial)).maybe(met, health_assessment(HealthAssessmentKind::Review));
        j
    };
    health_sdq: "health-sdq", M12, |t, met| {
        let mut j = in_care(FullCareOrder, FosterOtherOther, t);
        j.maybe(met, ChildEvent::SdqRecorded { outcome: SdqOutcome::Score { score: 14 } });
        j
    };
    // ------------------------------------------------------------------ education
    pep_complete: "pep-complete", WD20, |t, met| {
        let mut j = in_care(Section20SinglePeriod, FosterOtherOther, t);
        j.maybe(met, ChildEvent::PepReviewed {});
        j
    };
    pep_early_years: "pep-early-years", WD20, |t, met| {
        let mut j = Journey::born(days(years_before(t, 3), -100));
        j.on(t, looked_after(InterimCareOrder, FosterOtherOther, 1)).maybe(met, ChildEvent::PepReviewed {});
        j
    };
    pep_review: "pep-review", M4, |t, met| {
        let mut j = in_care(FullCareOrder, FosterOtherOther, days(t, -10));
        j.on(t, ChildEvent::PepReviewed {}).maybe(met, ChildEvent::PepReviewed {});
        j
    };
    // ------------------------------------------------------------------ care leavers
    cl_pa_appoint: "cl-pa-appoint", D0, |t, met| {
        let mut j = eligible_on(t);
        j.maybe(met, ChildEvent::PersonalAdviserAllocated { worker: worker(9) });
        j
    };
    cl_needs_assessment: "cl-needs-assessment", M3, |t, met| {
        let mut j = eligible_on(t);
        j.maybe(met, ChildEvent::NeedsAssessmentCompleted {});
        j
    };
    cl_pathway_plan: "cl-pathway-plan", M3, |t, met| {
        let mut j = eligible_on(t);
        j.maybe(met, ChildEvent::PathwayPlanCompleted {});
        j
    };
    cl_18_no_cliff: "cl-18-no-cliff", &[
        ("2024-02-29", "2026-02-28", "born 29 February: 18 on 1 March in a common year"),
        ("2025-01-01", "2026-12-31", "the day before an 18th birthday on New Year's Day"),
        ("2024-12-26", "2026-12-25", "due on Christmas Day"),
        ("2024-06-14", "2026-06-13", "due on a Saturday"),
    ], |t, met| {
        let mut j = eligible_on(t);
        j.maybe(met, ChildEvent::PersonalAdviserAllocated { worker: worker(9) }).maybe(met, ChildEvent::PathwayPlanCompleted {});
        j
    };
    cl_pathway_review_eligible: "cl-pathway-review-eligible", M6, |t, met| {
        let mut j = eligible_on(days(t, -60));
        j.on(t, ChildEvent::PathwayPlanCompleted {}).maybe(met, ChildEvent::PathwayPlanReviewed {});
        j
    };
    cl_pathway_review: "cl-pathway-review", M6, |t, met| {
        let mut j = eligible_on(days(t, -800));
        j.on(days(t, -30), ceased(ReasonEpisodeCeased::IndependentLivingSupported))
            .on(t, ChildEvent::PathwayPlanCompleted {})
            .maybe(met, ChildEvent::PathwayPlanReviewed {});
        j
    };
    // ------------------------------------------------------------------ adoption
    ad_review_authorised: "ad-review-authorised", M3, |t, met| {
        let mut j = in_care(FullCareOrder, FosterOtherOther, days(t, -100));
        j.on(t, legal_status(PlacementOrder)).maybe(met, review());
        j
    };
    ad_review_placed: "ad-review-placed", D28, |t, met| {
        let mut j = placed_for_adoption(t);
        j.maybe(met, review());
        j
    };
    ad_visit_placed: "ad-visit-placed", D7, |t, met| {
        let mut j = placed_for_adoption(t);
        j.maybe(met, visit(VisitKind::LookedAfter));
        j
    };
    // ------------------------------------------------------------------ complaints and advocacy
    cmp_stage1: "cmp-stage1", WD10, |t, met| {
        let mut j = Journey::child();
        j.on(t, complaint(ComplaintStage::LocalResolution)).maybe(met, response(ComplaintStage::LocalResolution));
        j
    };
    cmp_stage2: "cmp-stage2", WD25, |t, met| {
        let mut j = Journey::child();
        j.on(days(t, -30), complaint(ComplaintStage::LocalResolution))
            .on(days(t, -20), response(ComplaintStage::LocalResolution))
            .on(t, complaint(ComplaintStage::Investigation))
            .maybe(met, response(ComplaintStage::Investigation));
        j
    };
    // Extended to 20 working days on the last day of the 10 (reg 14).
    cmp_stage1_extended: "cmp-stage1", WD20, |t, met| {
        let mut j = Journey::child();
        let tenth = WD10.iter().find(|(from, _, _)| d(from) == t).map(|(_, due, _)| d(due)).expect("a WD10 case");
        j.on(t, complaint(ComplaintStage::LocalResolution))
            .on(tenth, extended(ComplaintStage::LocalResolution, 20))
            .maybe(met, response(ComplaintStage::LocalResolution));
        j
    };
    // Extended to 65 working days the day after the request (reg 17).
    cmp_stage2_extended: "cmp-stage2", WD65, |t, met| {
        let mut j = Journey::child();
        j.on(days(t, -30), complaint(ComplaintStage::LocalResolution))
            .on(days(t, -20), response(ComplaintStage::LocalResolution))
            .on(t, complaint(ComplaintStage::Investigation))
            .on(days(t, 1), extended(ComplaintStage::Investigation, 65))
            .maybe(met, response(ComplaintStage::Investigation));
        j
    };
    cmp_stage3_panel: "cmp-stage3-panel", WD30, |t, met| {
        let mut j = Journey::child();
        j.on(days(t, -90), complaint(ComplaintStage::LocalResolution))
            .on(days(t, -80), response(ComplaintStage::LocalResolution))
            .on(days(t, -60), complaint(ComplaintStage::Investigation))
            .on(days(t, -10), response(ComplaintStage::Investigation))
            .on(t, complaint(ComplaintStage::ReviewPanel))
            .maybe(met, ChildEvent::ComplaintPanelHeld {});
        j
    };
    adv_inform_lac: "adv-inform-lac", WD20, |t, met| {
        let mut j = in_care(Section20SinglePeriod, FosterOtherOther, t);
        j.maybe(met, ChildEvent::AdvocacyOffered { accepted: true });
        j
    };
    // A placement ended at once (reg 14(3)) on `t`: the IRO told by the next working day, the
    // case reviewed within 20 working days.
    pl_terminate_iro: "pl-terminate-iro", WD1, |t, met| {
        let mut j = in_care(FullCareOrder, FosterOtherOther, days(t, -60));
        j.on(t, moved(FosterOtherOther, 2, Some(at_once())))
            .maybe(met, ChildEvent::IroInformedOfEnding {});
        j
    };
    pl_terminate_review: "pl-terminate-review", WD20, |t, met| {
        let mut j = in_care(FullCareOrder, FosterOtherOther, days(t, -60));
        j.on(t, moved(FosterOtherOther, 2, Some(at_once())))
            .maybe(met, review());
        j
    };
    // ------------------------------------------------------------------ court
    // Only the day police protection began is known (a record from 903 returns).
    police_protection: "police-protection", D3, |t, met| {
        let mut j = in_care(PoliceProtection, FosterOtherOther, t);
        j.maybe(met, legal_status(Section20SinglePeriod));
        j
    };
    // Issued on `t`; an interim care order a week later does not move the clock.
    plo_26wk: "plo-26wk", D181, |t, met| {
        let mut j = Journey::child();
        j.on(days(t, -20), referral())
            .on(t, ChildEvent::CareProceedingsIssued {})
            .on(days(t, 7), looked_after(InterimCareOrder, FosterOtherOther, 1))
            .maybe(met, ChildEvent::CareProceedingsConcluded {});
        j
    };
}

// ---------------------------------------------------------------------- later links of chains

#[test]
fn visit_after_year1_long_term_placement_is_every_3_months() {
    boundaries("visit-after-year1", M3, |t, met| {
        let mut j = in_care(FullCareOrder, FosterOtherLongTerm, days(t, -400));
        j.on(days(t, -399), visit(VisitKind::LookedAfter))
            .on(t, visit(VisitKind::LookedAfter))
            .maybe(met, visit(VisitKind::LookedAfter));
        j
    });
}

#[test]
fn visit_connected_ico_after_the_first_review_is_every_4_weeks() {
    boundaries("visit-connected-ico", D28, |t, met| {
        let mut j = in_care(InterimCareOrder, WithParents, days(t, -14));
        j.on(days(t, -9), visit(VisitKind::LookedAfter))
            .on(days(t, -5), review())
            .on(t, visit(VisitKind::LookedAfter))
            .maybe(met, visit(VisitKind::LookedAfter));
        j
    });
}

#[test]
fn visit_co_parent_after_the_first_visit_is_every_6_weeks() {
    boundaries("visit-co-parent", D42, |t, met| {
        let mut j = in_care(InterimCareOrder, WithParents, days(t, -30));
        j.on(days(t, -3), legal_status(FullCareOrder))
            .on(t, visit(VisitKind::LookedAfter))
            .maybe(met, visit(VisitKind::LookedAfter));
        j
    });
}

#[test]
fn ad_review_placed_second_is_3_months_after_the_first_then_6() {
    boundaries("ad-review-placed", M3, |t, met| {
        let mut j = placed_for_adoption(days(t, -20));
        j.on(t, review()).maybe(met, review());
        j
    });
    boundaries("ad-review-placed", M6, |t, met| {
        let mut j = placed_for_adoption(days(t, -110));
        j.on(days(t, -90), review()).on(t, review()).maybe(met, review());
        j
    });
}

#[test]
fn ad_review_authorised_then_every_6_months_until_placed() {
    boundaries("ad-review-authorised", M6, |t, met| {
        let mut j = in_care(FullCareOrder, FosterOtherOther, days(t, -200));
        j.on(days(t, -80), legal_status(PlacementOrder)).on(t, review()).maybe(met, review());
        j
    });
}

#[test]
fn ad_visit_placed_weekly_until_the_first_review_then_6_weekly() {
    boundaries("ad-visit-placed", D7, |t, met| {
        let mut j = placed_for_adoption(days(t, -4));
        j.on(t, visit(VisitKind::LookedAfter)).maybe(met, visit(VisitKind::LookedAfter));
        j
    });
    boundaries("ad-visit-placed", D42, |t, met| {
        let mut j = placed_for_adoption(days(t, -20));
        j.on(days(t, -15), visit(VisitKind::LookedAfter))
            .on(days(t, -10), visit(VisitKind::LookedAfter))
            .on(days(t, -5), review())
            .on(t, visit(VisitKind::LookedAfter))
            .maybe(met, visit(VisitKind::LookedAfter));
        j
    });
}

#[test]
fn health_rha_interval_follows_the_age_at_the_previous_assessment() {
    // Assessed 2 days before the 5th birthday: the next is due 6 months later (under 5).
    let t = d("2025-03-08");
    let mut j = in_care(FullCareOrder, FosterOtherOther, d("2024-01-10"));
    j.entries[0] = Journey::born(d("2020-03-10")).entries[0].clone();
    j.on(t, health_assessment(HealthAssessmentKind::Review));
    let duty = j.duty("health-rha-under5", t, d("2025-06-01"));
    assert_eq!(duty.due, d("2025-09-08"));
    // Assessed on the 5th birthday: 12 months.
    let mut j = in_care(FullCareOrder, FosterOtherOther, d("2024-01-10"));
    j.entries[0] = Journey::born(d("2020-03-10")).entries[0].clone();
    j.on(d("2025-03-10"), health_assessment(HealthAssessmentKind::Review));
    let duty = j.duty("health-rha-5plus", d("2025-03-10"), d("2025-06-01"));
    assert_eq!(duty.due, d("2026-03-10"));
}

// ---------------------------------------------------------------------- clocks in hours

#[test]
fn miss_rhi_return_interview_offered_within_72_hours() {
    let build = |returned: chrono::NaiveDateTime, offered: Option<chrono::NaiveDateTime>| {
        let mut j = in_care(FullCareOrder, ChildrensHome, d("2023-06-01"));
        let went = returned - chrono::Duration::hours(30);
        j.on(went.date(), ChildEvent::MissingEpisodeStarted { missing: MissingType::Missing, at: went })
            .on(returned.date(), ChildEvent::MissingEpisodeEnded { returned_at: returned });
        if let Some(o) = offered {
            j.on(o.date(), ChildEvent::ReturnInterviewOffered { offered_at: o, accepted: true });
        }
        j
    };
    // (returned at, due at, what): hours run through weekends and bank holidays.
    let cases = [
        (at(d("2025-12-23"), 16, 30), at(d("2025-12-26"), 16, 30), "over Christmas: due on Boxing Day"),
        (at(d("2024-02-27"), 9, 0), at(d("2024-03-01"), 9, 0), "over 29 February"),
        (at(d("2025-05-30"), 23, 45), at(d("2025-06-02"), 23, 45), "over a weekend and a month end"),
    ];
    for (returned, due_at, what) in cases {
        let due = due_at.date();
        let duty = |j: &Journey, as_of| j.duty("miss-rhi", returned.date(), as_of);
        let open = build(returned, None);
        assert_eq!(duty(&open, days(due, -1)).status, DutyStatus::Upcoming, "{what}");
        let today = duty(&open, due);
        assert_eq!((today.due_at, today.status), (Some(due_at), DutyStatus::DueToday), "{what}");
        assert_eq!(duty(&open, days(due, 1)).status, DutyStatus::Overdue { days: 1 }, "{what}");
        let on_the_hour = build(returned, Some(due_at));
        assert_eq!(duty(&on_the_hour, days(due, 1)).status, DutyStatus::MetOnTime, "{what}: at 72 hours exactly");
        let a_minute_late = build(returned, Some(due_at + chrono::Duration::minutes(1)));
        assert_eq!(duty(&a_minute_late, days(due, 1)).status, DutyStatus::MetLate { days: 1 }, "{what}: a minute late");
    }
}

// ---------------------------------------------------------------------- duties met on the day

#[test]
fn visit_alone_is_recorded_at_each_visit() {
    let t = d("2025-06-10");
    let mut j = in_care(FullCareOrder, FosterOtherOther, days(t, -3));
    j.on(
        t,
        ChildEvent::VisitMade {
            visit: VisitKind::LookedAfter,
            seen: true,
            seen_alone: None,
            wishes_and_feelings: None,
        },
    );
    let duty = j.duty("visit-alone", t, days(t, 1));
    assert_eq!((duty.due, duty.status), (t, DutyStatus::Overdue { days: 1 }));
    let mut j = in_care(FullCareOrder, FosterOtherOther, days(t, -3));
    j.on(
        t,
        ChildEvent::VisitMade {
            visit: VisitKind::LookedAfter,
            seen: true,
            seen_alone: Some(SeenAlone::No { reason: NotSeenAloneReason::ChildRefused }),
            wishes_and_feelings: None,
        },
    );
    assert_eq!(j.duty("visit-alone", t, t).status, DutyStatus::MetOnTime);
}

#[test]
fn pl_terminate_notice_before_the_placement_ends() {
    let t = d("2025-12-24");
    let with_notice = |on| {
        let mut j = in_care(FullCareOrder, FosterOtherOther, d("2025-06-02"));
        j.on(t, moved(FosterOtherOther, 2, Some(CarerNotice::Given { on })));
        j
    };
    // Notice on the day the placement ends is the last allowed day; notice after it cannot be
    // recorded at all (the record refuses it).
    for notice in [d("2025-11-26"), t] {
        let duty = with_notice(notice).duty("pl-terminate", t, days(t, 1));
        assert_eq!((duty.due, duty.status, duty.met_on), (t, DutyStatus::MetOnTime, Some(notice)));
    }
    // No notice recorded: the carer is told in writing within 10 working days after, as after an
    // emergency ending.
    let mut j = in_care(FullCareOrder, FosterOtherOther, d("2025-06-02"));
    j.on(t, moved(FosterOtherOther, 2, None));
    let duty = j.duty("pl-terminate", t, d("2026-01-12"));
    assert_eq!((duty.due, duty.status), (d("2026-01-12"), DutyStatus::DueToday));
    assert!(duty.owed.contains("no notice was recorded"), "{}", duty.owed);
    // A placement with a parent is ended under reg 14 like any other (reg 14(5) exempts only
    // the endings it names)...
    let mut j = in_care(FullCareOrder, WithParents, d("2025-06-02"));
    j.on(t, moved(FosterOtherOther, 2, None));
    assert_eq!(j.duty("pl-terminate", t, d("2026-01-12")).due, d("2026-01-12"));
    // ... and an ending reg 14(5) names owes nothing under it.
    let mut j = in_care(FullCareOrder, WithParents, d("2025-06-02"));
    j.on(
        t,
        moved(
            FosterOtherOther,
            2,
            Some(CarerNotice::NotRequired { exemption: EndingExemption::ParentPlacementNotConfirmed }),
        ),
    );
    assert!(j.duties(days(t, 30)).iter().all(|x| !x.rule.id.starts_with("pl-terminate")));
    // Temporary placements are not ended by notice to a carer.
    let mut j = in_care(FullCareOrder, TemporaryHoliday, d("2025-06-02"));
    j.on(t, moved(FosterOtherOther, 2, None));
    assert!(j.duties(days(t, 30)).iter().all(|x| x.rule.id != "pl-terminate"));
}

/// An ending at once owes the IRO word and a review; ended at once with care ending, the IRO
/// only; a review before the ending does not count, and one after care ended cannot be held.
#[test]
fn pl_terminate_an_emergency_ending_creates_the_iro_and_review_duties() {
    let t = d("2025-12-24");
    let mut j = in_care(FullCareOrder, FosterOtherOther, d("2025-06-02"));
    j.on(d("2025-12-01"), review()).on(t, moved(FosterOtherOther, 2, Some(at_once())));
    // Wednesday 24 December 2025: the next working day is Monday 29 December.
    let iro = j.duty("pl-terminate-iro", t, d("2025-12-29"));
    assert_eq!((iro.due, iro.status), (d("2025-12-29"), DutyStatus::DueToday));
    // The review of 1 December came before the ending: 20 working days from Wednesday 24
    // December 2025 (not counting 25 and 26 December, 1 January and weekends) is Monday 26
    // January 2026.
    let review_duty = j.duty("pl-terminate-review", t, d("2026-01-26"));
    assert_eq!((review_duty.due, review_duty.status), (d("2026-01-26"), DutyStatus::DueToday));
    // A notice given before the ending owes neither.
    let mut planned = in_care(FullCareOrder, FosterOtherOther, d("2025-06-02"));
    planned.on(t, moved(FosterOtherOther, 2, Some(CarerNotice::Given { on: d("2025-12-01") })));
    assert!(planned.duties(d("2026-02-01")).iter().all(|x| !x.rule.id.starts_with("pl-terminate-")));
    // Care ending at once: the IRO is told; there is no case left to review.
    let mut ended = in_care(Section20SinglePeriod, FosterOtherOther, d("2025-06-02"));
    ended.on(
        t,
        ChildEvent::CeasedToBeLookedAfter {
            reason: ReasonEpisodeCeased::ReturnedHomeUnplanned,
            notice: Some(at_once()),
        },
    );
    let all = ended.duties(d("2026-02-01"));
    assert!(all.iter().any(|x| x.rule.id == "pl-terminate-iro"));
    assert!(all.iter().all(|x| x.rule.id != "pl-terminate-review"));
    // Care ending before the review is due: the review duty stops applying then.
    let mut moved_then_home = in_care(FullCareOrder, FosterOtherOther, d("2025-06-02"));
    moved_then_home.on(t, moved(FosterOtherOther, 2, Some(at_once()))).on(
        d("2026-01-05"),
        ChildEvent::CeasedToBeLookedAfter {
            reason: ReasonEpisodeCeased::ChildArrangementsOrder,
            notice: Some(CarerNotice::Given { on: d("2026-01-05") }),
        },
    );
    let duty = moved_then_home.duty("pl-terminate-review", t, d("2026-02-01"));
    assert!(matches!(duty.status, DutyStatus::NotApplicable { .. }), "{}", duty.status);
}

/// Police protection counted in hours from the time recorded (CA 1989 s46(6)): taken at 21:30
/// on Friday 27 February 2026, the 72 hours end at 21:30 on Monday 2 March.
#[test]
fn police_protection_is_counted_in_hours() {
    let taken = dt("2026-02-27 21:30");
    let build = |ended: Option<&str>| {
        let mut j = Journey::child();
        j.on(taken.date(), ChildEvent::PoliceProtectionTaken { at: taken })
            .on(taken.date(), looked_after(PoliceProtection, FosterOtherOther, 1));
        if let Some(e) = ended {
            let at = dt(e);
            j.on(at.date(), ChildEvent::PoliceProtectionEnded { at });
        }
        j
    };
    let start = taken.date();
    let open = build(None);
    let duty = open.duty("police-protection", start, d("2026-03-01"));
    assert_eq!(
        (duty.due, duty.due_at, duty.status),
        (d("2026-03-02"), Some(dt("2026-03-02 21:30")), DutyStatus::Upcoming)
    );
    assert_eq!(open.duty("police-protection", start, d("2026-03-02")).status, DutyStatus::DueToday);
    assert_eq!(open.duty("police-protection", start, d("2026-03-03")).status, DutyStatus::Overdue { days: 1 });
    // Ended at 21:30 exactly: on time; at 21:31 the same day: late, by part of a day, so 1.
    assert_eq!(
        build(Some("2026-03-02 21:30")).duty("police-protection", start, d("2026-03-03")).status,
        DutyStatus::MetOnTime
    );
    assert_eq!(
        build(Some("2026-03-02 21:31")).duty("police-protection", start, d("2026-03-03")).status,
        DutyStatus::MetLate { days: 1 }
    );
    // One duty, not a second by the day for the same police protection.
    assert_eq!(open.duties(d("2026-03-03")).iter().filter(|x| x.rule.id == "police-protection").count(), 1);
    // With no end time, the day the legal status moved on meets it, counted by the day.
    let mut by_day = build(None);
    by_day.on(d("2026-03-02"), legal_status(EmergencyProtectionOrder));
    let duty = by_day.duty("police-protection", start, d("2026-03-03"));
    assert_eq!(duty.status, DutyStatus::MetOnTime);
    assert!(matches!(&duty.working, Working::Text(t) if t.contains("not recorded")), "{:?}", duty.working);
}

// ---------------------------------------------------------------------- chains and clocks stopping

#[test]
fn an_early_visit_resets_the_clock() {
    let mut j = in_care(FullCareOrder, FosterOtherOther, d("2025-01-06"));
    j.on(d("2025-01-07"), visit(VisitKind::LookedAfter)).on(d("2025-01-20"), visit(VisitKind::LookedAfter));
    // Due 6 weeks after the visit of 20 January, not after 7 January's due date.
    assert_eq!(j.duty("visit-year1", d("2025-01-20"), d("2025-02-01")).due, d("2025-03-03"));
}

#[test]
fn a_late_review_moves_the_next_one() {
    let mut j = in_care(Section20SinglePeriod, FosterOtherOther, d("2025-01-06"));
    // First review 10 days late; the second is 3 months after it actually happened.
    j.on(d("2025-02-13"), review());
    let first = j.duty("rev-1", d("2025-01-06"), d("2025-03-01"));
    assert_eq!((first.due, first.status), (d("2025-02-03"), DutyStatus::MetLate { days: 10 }));
    assert_eq!(j.duty("rev-2", d("2025-02-13"), d("2025-03-01")).due, d("2025-05-13"));
}

#[test]
fn clocks_stop_when_the_child_stops_being_looked_after() {
    let mut j = in_care(Section20SinglePeriod, FosterOtherOther, d("2025-01-06"));
    j.on(d("2025-01-07"), visit(VisitKind::LookedAfter)).on(
        d("2025-02-10"),
        ChildEvent::CeasedToBeLookedAfter {
            reason: ReasonEpisodeCeased::ReturnedHomePlanned,
            notice: Some(CarerNotice::Given { on: d("2025-01-27") }),
        },
    );
    let all = j.duties(d("2025-06-01"));
    // The next visit was due on 18 February, after care ended: it does not apply.
    let next = all.iter().find(|x| x.rule.id == "visit-year1").expect("visit duty");
    assert!(matches!(next.status, DutyStatus::NotApplicable { .. }), "{}", next.status);
    // The first review was due on 3 February, before care ended, and was missed.
    let review = all.iter().find(|x| x.rule.id == "rev-1").expect("review duty");
    assert_eq!(review.status, DutyStatus::Overdue { days: 7 });
    assert!(!review.can_still_be_done());
    // Nothing is owed after care ended.
    assert!(
        all.iter().all(|x| !x.can_still_be_done()),
        "{:?}",
        all.iter().filter(|x| x.can_still_be_done()).map(|x| x.rule.id).collect::<Vec<_>>()
    );
}

#[test]
fn a_new_placement_restarts_visiting() {
    let mut j = in_care(FullCareOrder, FosterOtherOther, d("2025-01-06"));
    j.on(d("2025-01-07"), visit(VisitKind::LookedAfter))
        .on(d("2025-02-03"), moved(ChildrensHome, 4, Some(CarerNotice::Given { on: d("2025-01-20") })));
    let all = j.duties(d("2025-02-05"));
    let first = all
        .iter()
        .find(|x| x.rule.id == "visit-first" && x.trigger.date == d("2025-02-03"))
        .expect("a first visit is owed");
    assert_eq!(first.due, d("2025-02-10"));
    let old = all.iter().find(|x| x.rule.id == "visit-year1").expect("the old placement's visit");
    assert!(matches!(old.status, DutyStatus::NotApplicable { .. }), "{}", old.status);
}

#[test]
fn cp_visits_stop_when_the_plan_ends() {
    let mut j = on_plan(d("2025-03-03"));
    j.on(d("2025-03-10"), visit(VisitKind::ChildProtection))
        .on(d("2025-03-14"), review_conference())
        .on(d("2025-03-14"), ChildEvent::ChildProtectionPlanEnded {});
    let all = j.duties(d("2025-05-01"));
    assert!(all.iter().filter(|x| x.rule.id.starts_with("cp-")).all(|x| !x.can_still_be_done()));
}

#[test]
fn peps_stop_at_18_and_pathway_reviews_at_21() {
    // Looked after until 18 with no PEP: the duty is missed, and stops at 18.
    let mut j = Journey::born(d("2007-09-01"));
    j.on(d("2025-08-01"), looked_after(FullCareOrder, FosterOtherOther, 1));
    let pep = j.duty("pep-complete", d("2025-08-01"), d("2025-12-01"));
    assert_eq!(pep.ended, Some(d("2025-09-01")));
    assert!(!pep.can_still_be_done());
    // A pathway plan reviewed until the 21st birthday and no further.
    let mut j = eligible_on(d("2020-01-15"));
    j.on(d("2020-02-01"), ChildEvent::PathwayPlanCompleted {})
        .on(d("2022-01-15"), ceased(ReasonEpisodeCeased::StayingPut));
    let mut review = d("2020-02-01");
    while review < d("2024-12-01") {
        review = careful_domain::calendar::add_months(review, 5).unwrap();
        if review < d("2025-01-15") {
            j.on(review, ChildEvent::PathwayPlanReviewed {});
        }
    }
    let all = j.duties(d("2025-06-01"));
    assert!(all.iter().filter(|x| x.rule.id.starts_with("cl-pathway-review")).all(|x| !x.can_still_be_done()));
}

#[test]
fn an_eligible_child_nearly_18_is_owed_a_plan_before_18_not_3_months_on() {
    // Looked after from 17 years 7 months: eligible once looked after for 13 weeks (91 days)
    // since turning 14, on 1 December, seven weeks before turning 18.
    let mut j = Journey::born(d("2008-01-20"));
    j.on(d("2025-09-01"), looked_after(Section20SinglePeriod, SupportedAccommodation, 1));
    let eligible = crate::eligible_from(&j.record()).expect("eligible");
    assert_eq!(eligible, d("2025-12-01"));
    let plan = j.duty("cl-pathway-plan", eligible, d("2025-12-02"));
    // 3 months after 1 December would be 1 March; the day before the 18th birthday is sooner.
    assert_eq!(plan.due, d("2026-01-19"));
}

#[test]
fn a_council_may_set_a_tighter_first_year_visit_standard() {
    let mut j = in_care(FullCareOrder, FosterOtherOther, d("2025-01-06"));
    j.on(d("2025-01-07"), visit(VisitKind::LookedAfter));
    let policy = Policy { first_year_visit_weeks: 4, ..Policy::default() };
    let all = j.duties_with(&policy, d("2025-01-08"));
    let next = all.iter().find(|x| x.rule.id == "visit-year1").expect("visit duty");
    assert_eq!(next.due, d("2025-02-04"));
    assert!(Policy { first_year_visit_weeks: 7, ..Policy::default() }.check().is_err());
}

#[test]
fn duties_due_before_the_council_assesses_from_are_not_listed() {
    let mut j = in_care(FullCareOrder, FosterOtherOther, d("2025-01-06"));
    j.on(d("2025-01-07"), visit(VisitKind::LookedAfter));
    let policy = Policy { assessed_from: d("2025-06-01"), ..Policy::default() };
    let all = j.duties_with(&policy, d("2025-07-01"));
    assert!(
        all.iter().all(|x| x.due >= d("2025-06-01")),
        "{:?}",
        all.iter().map(|x| (x.rule.id, x.due)).collect::<Vec<_>>()
    );
}

#[test]
fn every_duty_explains_its_arithmetic() {
    let mut j = in_care(FullCareOrder, FosterOtherOther, d("2025-12-23"));
    j.on(d("2025-12-24"), visit(VisitKind::LookedAfter));
    let rev = j.duty("rev-1", d("2025-12-23"), d("2026-01-05"));
    assert_eq!(
        rev.working.describe(calendar(), rev.due),
        "20 working days after 23 December 2025 is 23 January 2026, not counting weekends and Christmas Day (25 December 2025), Boxing Day (26 December 2025), New Year's Day (1 January 2026)"
    );
    assert!(rev.explain().starts_with("rev-1 (CPPCR"), "{}", rev.explain());
}

/// Duties whose clocks are not days, tested above on their own tests: the return interview
/// (hours) and seeing the child alone (on the visit itself).
pub(crate) const ELSEWHERE: &[(&str, &str, fn())] = &[
    (
        "miss-rhi",
        "miss_rhi_return_interview_offered_within_72_hours",
        miss_rhi_return_interview_offered_within_72_hours,
    ),
    ("visit-alone", "visit_alone_is_recorded_at_each_visit", visit_alone_is_recorded_at_each_visit),
    ("epo", "epo", epo),
];

/// The emergency protection order at its boundaries. The duty is met by the order's last day
/// in force, the day before the next legal status begins, so the checks of a met duty are made
/// once that next status has begun.
#[test]
fn epo() {
    let mut failures = Vec::new();
    for &(made, due, what) in EPO8 {
        let (made, due) = (d(made), d(due));
        let build = |last_in_force: Option<NaiveDate>| {
            let mut j = in_care(EmergencyProtectionOrder, FosterOtherOther, made);
            j.maybe(last_in_force.map(|l| days(l, 1)), legal_status(InterimCareOrder));
            j
        };
        for (j, as_of, expected) in [
            (build(None), days(due, -1), DutyStatus::Upcoming),
            (build(None), due, DutyStatus::DueToday),
            (build(None), days(due, 1), DutyStatus::Overdue { days: 1 }),
            (build(Some(due)), days(due, 1), DutyStatus::MetOnTime),
            (build(Some(days(due, 1))), days(due, 2), DutyStatus::MetLate { days: 1 }),
        ] {
            let duty = j.duty("epo", made, as_of);
            if duty.due != due || duty.status != expected {
                failures.push(format!(
                    "made {made} ({what}), as of {as_of}: expected due {due} and {expected}, found due {} and {}",
                    duty.due, duty.status
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A stage 2 request received on Friday 13 June 2025: its 25th working day is Friday 18 July,
/// its 40th Friday 8 August, its 65th Monday 15 September (after the summer bank holiday, 25
/// August). Worked by hand from the bank holiday list.
fn stage2(extension: Option<(&str, u8)>, reply: &str) -> Journey {
    let mut j = Journey::child();
    j.on(d("2025-05-01"), complaint(ComplaintStage::LocalResolution))
        .on(d("2025-05-15"), response(ComplaintStage::LocalResolution))
        .on(d("2025-06-13"), complaint(ComplaintStage::Investigation));
    if let Some((on, working_days)) = extension {
        j.on(d(on), extended(ComplaintStage::Investigation, working_days));
    }
    j.on(d(reply), response(ComplaintStage::Investigation));
    j
}

#[test]
fn a_stage_2_reply_on_working_day_40_of_an_agreed_extension_is_on_time() {
    let duty = stage2(Some(("2025-07-10", 65)), "2025-08-08").duty("cmp-stage2", d("2025-06-13"), d("2025-09-30"));
    assert_eq!((duty.due, duty.status), (d("2025-09-15"), DutyStatus::MetOnTime));
    assert!(duty.owed.contains("extended on 10 July 2025 to 65 working days"), "{}", duty.owed);
    // An extension to 45 working days (due Friday 15 August) holds the same reply too.
    let duty = stage2(Some(("2025-07-10", 45)), "2025-08-08").duty("cmp-stage2", d("2025-06-13"), d("2025-09-30"));
    assert_eq!((duty.due, duty.status), (d("2025-08-15"), DutyStatus::MetOnTime));
}

#[test]
fn the_same_stage_2_reply_with_no_extension_is_late() {
    let duty = stage2(None, "2025-08-08").duty("cmp-stage2", d("2025-06-13"), d("2025-09-30"));
    // 18 July to 8 August: 21 days late.
    assert_eq!((duty.due, duty.status), (d("2025-07-18"), DutyStatus::MetLate { days: 21 }));
}

/// An extension counts when agreed by the last day of the period it extends: on Friday 18 July
/// (the 25th working day) it does; on Monday 21 July, once the 25 days have run out, it does not.
#[test]
fn a_stage_2_extension_counts_only_before_the_period_runs_out() {
    let on_the_day =
        stage2(Some(("2025-07-18", 65)), "2025-08-08").duty("cmp-stage2", d("2025-06-13"), d("2025-09-30"));
    assert_eq!((on_the_day.due, on_the_day.status), (d("2025-09-15"), DutyStatus::MetOnTime));
    let after = stage2(Some(("2025-07-21", 65)), "2025-08-08").duty("cmp-stage2", d("2025-06-13"), d("2025-09-30"));
    assert_eq!((after.due, after.status), (d("2025-07-18"), DutyStatus::MetLate { days: 21 }));
    assert!(after.owed.contains("does not count"), "{}", after.owed);
}

/// Stage 1 from Tuesday 23 December 2025: its 10th working day is Friday 9 January 2026 (not
/// counting Christmas Day, Boxing Day and New Year's Day), its 20th Friday 23 January. An
/// extension agreed on the 9th holds a reply on the 23rd; a reply on Monday 26th is 3 days late.
/// Extended twice (to 15, due Friday 16 January, then to 20 on the 16th), the second counts.
#[test]
fn a_stage_1_reply_within_an_extension_over_christmas() {
    let build = |extensions: &[(&str, u8)], reply: &str| {
        let mut j = Journey::child();
        j.on(d("2025-12-23"), complaint(ComplaintStage::LocalResolution));
        for (on, n) in extensions {
            j.on(d(on), extended(ComplaintStage::LocalResolution, *n));
        }
        j.on(d(reply), response(ComplaintStage::LocalResolution));
        j.duty("cmp-stage1", d("2025-12-23"), d("2026-02-27"))
    };
    let on_time = build(&[("2026-01-09", 20)], "2026-01-23");
    assert_eq!((on_time.due, on_time.status), (d("2026-01-23"), DutyStatus::MetOnTime));
    let late = build(&[("2026-01-09", 20)], "2026-01-26");
    assert_eq!((late.due, late.status), (d("2026-01-23"), DutyStatus::MetLate { days: 3 }));
    let unextended = build(&[], "2026-01-23");
    assert_eq!((unextended.due, unextended.status), (d("2026-01-09"), DutyStatus::MetLate { days: 14 }));
    let twice = build(&[("2026-01-05", 15), ("2026-01-16", 20)], "2026-01-23");
    assert_eq!((twice.due, twice.status), (d("2026-01-23"), DutyStatus::MetOnTime));
    // The second extension a working day too late (Monday 19 January, after the 15 ran out).
    let too_late = build(&[("2026-01-05", 15), ("2026-01-19", 20)], "2026-01-23");
    assert_eq!((too_late.due, too_late.status), (d("2026-01-16"), DutyStatus::MetLate { days: 7 }));
}

/// A review panel request answered or withdrawn without a panel stops the duty that day.
#[test]
fn a_review_panel_request_withdrawn_before_its_panel_is_not_owed() {
    let mut j = Journey::child();
    j.on(d("2025-05-01"), complaint(ComplaintStage::LocalResolution))
        .on(d("2025-05-15"), response(ComplaintStage::LocalResolution))
        .on(d("2025-05-20"), complaint(ComplaintStage::Investigation))
        .on(d("2025-06-10"), response(ComplaintStage::Investigation))
        .on(d("2025-06-13"), complaint(ComplaintStage::ReviewPanel))
        .on(
            d("2025-07-01"),
            ChildEvent::ComplaintResponded { stage: ComplaintStage::ReviewPanel, finding: ComplaintFinding::Withdrawn },
        );
    let duty = j.duty("cmp-stage3-panel", d("2025-06-13"), d("2025-09-30"));
    assert_eq!(duty.due, d("2025-07-25"));
    assert!(matches!(duty.status, DutyStatus::NotApplicable { .. }), "{}", duty.status);
}

#[test]
fn every_encoded_duty_has_boundary_tests() {
    for rule in rules() {
        if let Implementation::Duty(_) | Implementation::DutyAndGuardrail(_) = implementation(rule.id) {
            assert!(
                TESTED.iter().any(|(id, _)| *id == rule.id) || ELSEWHERE.iter().any(|(id, _, _)| *id == rule.id),
                "{} is encoded as a duty but has no boundary test",
                rule.id
            );
        }
    }
    for id in TESTED.iter().map(|(id, _)| id).chain(ELSEWHERE.iter().map(|(id, _, _)| id)) {
        assert!(
            matches!(implementation(id), Implementation::Duty(_) | Implementation::DutyAndGuardrail(_)),
            "{id} is tested but not listed as a duty"
        );
    }
}

// ---------------------------------------------------------------------- care from before the record

fn continued(reason_new: careful_domain::codes::ReasonNewEpisode, on: NaiveDate) -> Journey {
    let mut j = in_care(FullCareOrder, FosterOtherOther, on);
    j.on(on, ChildEvent::CareContinuedFromBeforeRecord { reason_new, looked_after_since: None });
    j
}

#[test]
fn care_from_before_the_record_owes_no_start_of_care_duties() {
    use careful_domain::codes::ReasonNewEpisode;
    let t = d("2025-04-01");
    let mut j = continued(ReasonNewEpisode::PlacementAndCarerChange, t);
    let all = j.duties(d("2025-09-01"));
    for rule in ["iro-appoint", "rev-1", "rev-2", "health-iha", "adv-inform-lac", "pep-complete", "plo-26wk"] {
        assert!(all.iter().all(|x| x.rule.id != rule), "{rule} is owed for care that began before the record");
    }
    // The placement began on the first day careful holds: a first visit is owed.
    assert_eq!(j.duty("visit-first", t, d("2025-09-01")).due, d("2025-04-08"));
    // Reviews run on, six-monthly, from the first review careful holds.
    j.on(d("2025-06-10"), review());
    let next = j.duty("rev-n", d("2025-06-10"), d("2025-09-01"));
    assert_eq!(next.due, d("2025-12-10"));
}

#[test]
fn care_from_before_the_record_in_a_placement_from_before_it_visits_from_the_first_visit() {
    use careful_domain::codes::ReasonNewEpisode;
    let t = d("2025-04-01");
    let mut j = continued(ReasonNewEpisode::LegalStatusChange, t);
    assert!(j.duties(d("2025-09-01")).iter().all(|x| !x.rule.id.starts_with("visit-")), "no visit is known yet");
    j.on(d("2025-05-12"), visit(VisitKind::LookedAfter));
    assert_eq!(j.duty("visit-year1", d("2025-05-12"), d("2025-06-01")).due, d("2025-06-23"));
}

#[test]
fn an_eligible_child_before_the_record_is_owed_care_leaver_duties() {
    let mut j = Journey::born(d("2007-02-10"));
    j.on(d("2025-01-15"), ChildEvent::EligibleChildBeforeRecord {});
    assert_eq!(crate::eligible_from(&j.record()), Some(d("2025-01-15")));
    j.on(d("2025-02-01"), ChildEvent::PathwayPlanCompleted {});
    // Not looked after: a relevant child's plan, reviewed six-monthly.
    assert_eq!(j.duty("cl-pathway-review", d("2025-02-01"), d("2025-03-01")).due, d("2025-08-01"));
}

#[test]
fn an_emergency_protection_order_lasts_8_days_unless_extended_once() {
    // Made on Tuesday 10 June 2025: the 8th day, counting the 10th as the first, is Tuesday
    // 17 June. Unextended and still in force on day 9 (Wednesday 18 June): overdue by 1.
    let made = d("2025-06-10");
    let j = in_care(EmergencyProtectionOrder, FosterOtherOther, made);
    let epo = j.duty("epo", made, d("2025-06-18"));
    assert_eq!(epo.due, d("2025-06-17"));
    assert_eq!(epo.status, DutyStatus::Overdue { days: 1 });
    // An interim care order made on day 9: the EPO's last day was day 8, on time.
    let mut ended = in_care(EmergencyProtectionOrder, FosterOtherOther, made);
    ended.on(d("2025-06-18"), legal_status(InterimCareOrder));
    assert_eq!(ended.duty("epo", made, d("2025-06-18")).status, DutyStatus::MetOnTime);
    // Extended on day 7 (16 June) by 7 days: to Tuesday 24 June. Due on the 24th, overdue on
    // the 25th, met by an interim care order made on the 25th.
    let mut extended = in_care(EmergencyProtectionOrder, FosterOtherOther, made);
    extended.on(d("2025-06-16"), ChildEvent::EmergencyProtectionOrderExtended { days: 7 });
    let epo = extended.duty("epo", made, d("2025-06-18"));
    assert_eq!((epo.due, &epo.status), (d("2025-06-24"), &DutyStatus::Upcoming));
    assert_eq!(extended.duty("epo", made, d("2025-06-24")).status, DutyStatus::DueToday);
    assert_eq!(extended.duty("epo", made, d("2025-06-25")).status, DutyStatus::Overdue { days: 1 });
    extended.on(d("2025-06-25"), legal_status(InterimCareOrder));
    assert_eq!(extended.duty("epo", made, d("2025-06-25")).status, DutyStatus::MetOnTime);
    // Extended by 3 days: to Friday 20 June; the working shows the sum.
    let mut three = in_care(EmergencyProtectionOrder, FosterOtherOther, made);
    three.on(d("2025-06-17"), ChildEvent::EmergencyProtectionOrderExtended { days: 3 });
    let epo = three.duty("epo", made, d("2025-06-21"));
    assert_eq!((epo.due, &epo.status), (d("2025-06-20"), &DutyStatus::Overdue { days: 1 }));
    assert!(matches!(&epo.working, Working::Text(t) if t.contains("by 3 days, to 20 June 2025")), "{:?}", epo.working);
}

#[test]
fn care_proceedings_run_26_weeks_from_issue_with_the_courts_extensions() {
    // Issued on Monday 6 January 2025: 26 weeks beginning that day end on Sunday 6 July
    // (day 182). Interim care order on 13 January; a full care order on 7 July is a day late.
    let issued = d("2025-01-06");
    let mut j = Journey::child();
    j.on(d("2024-12-16"), referral())
        .on(issued, ChildEvent::CareProceedingsIssued {})
        .on(d("2025-01-13"), looked_after(InterimCareOrder, FosterOtherOther, 1));
    let plo = j.duty("plo-26wk", issued, d("2025-07-06"));
    assert_eq!((plo.due, &plo.status), (d("2025-07-06"), &DutyStatus::DueToday));
    assert!(
        !j.duties(d("2025-07-06")).iter().any(|x| x.rule.id == "plo-26wk" && x.trigger.date == d("2025-01-13")),
        "the interim care order does not start a clock of its own once the issue is recorded"
    );
    let mut late = j.clone();
    late.on(d("2025-07-07"), legal_status(FullCareOrder));
    assert_eq!(late.duty("plo-26wk", issued, d("2025-07-07")).status, DutyStatus::MetLate { days: 1 });
    // Extended by 8 weeks on 30 June (the court's reason recorded): to Sunday 31 August; then by
    // 4 more on 25 August: to Sunday 28 September.
    let mut extended = j.clone();
    extended.on(
        d("2025-06-30"),
        ChildEvent::CareProceedingsExtended { weeks: 8, reason: "a further expert assessment of the mother".into() },
    );
    let plo = extended.duty("plo-26wk", issued, d("2025-07-07"));
    assert_eq!((plo.due, &plo.status), (d("2025-08-31"), &DutyStatus::Upcoming));
    assert!(
        matches!(&plo.working, Working::Text(t) if t.contains("by 8 weeks (a further expert assessment of the mother), to 31 August 2025")),
        "{:?}",
        plo.working
    );
    extended.on(
        d("2025-08-25"),
        ChildEvent::CareProceedingsExtended { weeks: 4, reason: "the final hearing was adjourned".into() },
    );
    assert_eq!(extended.duty("plo-26wk", issued, d("2025-09-29")).status, DutyStatus::Overdue { days: 1 });
    extended.on(d("2025-09-28"), ChildEvent::CareProceedingsConcluded {});
    assert_eq!(extended.duty("plo-26wk", issued, d("2025-09-29")).status, DutyStatus::MetOnTime);
}

#[test]
fn without_the_issue_date_proceedings_are_counted_from_the_interim_care_order_and_say_so() {
    // A record from 903 returns: an interim care order on 3 March 2025 and no issue date. 26
    // weeks beginning 3 March end on 31 August.
    let ico = d("2025-03-03");
    let j = in_care(InterimCareOrder, FosterOtherOther, ico);
    let plo = j.duty("plo-26wk", ico, d("2025-08-31"));
    assert_eq!((plo.due, &plo.status), (d("2025-08-31"), &DutyStatus::DueToday));
    assert!(matches!(&plo.working, Working::Text(t) if t.contains("not recorded")), "{:?}", plo.working);
}

// ---------------------------------------------------------------- after the published bank holiday list

/// Working-day cases whose due dates fall after the published bank holiday list (which ends on
/// 31 December 2030), worked out by hand from the rules of the Banking and Financial Dealings Act
/// 1971: New Year's Day 2031 is a Wednesday, Easter Sunday 2031 is 13 April, Christmas 2032 is a
/// Saturday (27 and 28 December), and 1 January 2041 (a Tuesday) is past the calendar's table.
const WD1_COMPUTED: &[Case] = &[
    ("2030-12-31", "2031-01-02", "from the list's last day over New Year's Day 2031"),
    ("2031-02-28", "2031-03-03", "over a weekend and a month end in 2031"),
    ("2031-04-10", "2031-04-15", "over Good Friday and Easter Monday 2031"),
    ("2032-12-24", "2032-12-29", "over Christmas 2032 on a Saturday and its two substitute days"),
    ("2040-12-31", "2041-01-02", "past the calendar's table into 2041"),
];
// Monday 30 December 2030: 31 December, 2 and 3 January 2031, four full weeks to 31 January
// (23), four weeks of February to Friday 28 (43), Monday 3 and Tuesday 4 March 2031 (45).
const WD45_COMPUTED: &[Case] = &[("2030-12-30", "2031-03-04", "across the end of the published list")];

#[test]
fn working_day_duties_after_the_published_list_are_counted_never_not_applicable() {
    // A child born in 2028, so still a child in 2041.
    boundaries("ref-decision", WD1_COMPUTED, |t, met| {
        let mut j = Journey::born(d("2028-06-01"));
        j.on(t, ChildEvent::ContactReceived { source: careful_domain::codes::ReferralSource::School })
            .maybe(met, ChildEvent::ContactDecided { outcome: ContactOutcome::Referral });
        j
    });
    let assessment = |t: NaiveDate, met: Option<NaiveDate>| {
        let mut j = Journey::born(d("2028-06-01"));
        j.on(t, referral())
            .on(t, ChildEvent::AssessmentStarted {})
            .maybe(met, authorised(AssessmentOutcome::ChildInNeed));
        j
    };
    boundaries("asmt-45", WD45_COMPUTED, assessment);

    // Every duty of the record, whenever asked, is something other than not applicable.
    let j = assessment(d("2030-12-30"), None);
    for as_of in [d("2030-12-30"), d("2031-03-03"), d("2031-03-04"), d("2031-03-05"), d("2045-01-01")] {
        for duty in j.duties(as_of) {
            assert!(
                !matches!(duty.status, DutyStatus::NotApplicable { .. }),
                "{} as of {as_of}: {}",
                duty.rule.id,
                duty.status
            );
        }
    }
}

#[test]
fn a_due_date_counted_across_computed_years_says_so() {
    let mut j = Journey::born(d("2028-06-01"));
    j.on(d("2030-12-30"), referral()).on(d("2030-12-30"), ChildEvent::AssessmentStarted {});
    let duty = j.duty("asmt-45", d("2030-12-30"), d("2031-01-06"));
    assert_eq!(
        duty.working.describe(calendar(), duty.due),
        "45 working days after 30 December 2030 is 4 March 2031, not counting weekends and New Year's Day \
         (1 January 2031); bank holidays for 2031 computed from the Banking and Financial Dealings Act 1971 and \
         the standing proclamations; not yet published"
    );
    // Within the published list nothing is said.
    let mut earlier = Journey::child();
    earlier.on(d("2026-03-02"), referral()).on(d("2026-03-02"), ChildEvent::AssessmentStarted {});
    let within = earlier.duty("asmt-45", d("2026-03-02"), d("2026-03-03"));
    assert!(!within.working_text(calendar()).contains("computed"), "{}", within.working_text(calendar()));
    // Several computed years are named as a span.
    let mut later = Journey::born(d("2028-06-01"));
    later.on(d("2032-12-20"), referral()).on(d("2032-12-20"), ChildEvent::AssessmentStarted {});
    let text = later.duty("asmt-45", d("2032-12-20"), d("2032-12-21")).working_text(calendar());
    assert!(text.contains("bank holidays for 2032 to 2033 computed"), "{text}");
    assert!(text.contains("Christmas Day (substitute day) (27 December 2032)"), "{text}");
}

#[test]
fn the_initial_health_assessment_is_due_by_the_first_review_as_reg_7_says() {
    // Looked after from Monday 1 December 2025: the 20th working day after it, counted by
    // hand, skipping 25 and 26 December: 2-5 Dec (4), 8-12 (9), 15-19 (14), 22-24 (17),
    // 29-31 (20): Wednesday 31 December 2025.
    let start = d("2025-12-01");
    let j = in_care(Section20SinglePeriod, FosterOtherOther, start);
    assert_eq!(j.duty("health-iha", start, d("2025-12-02")).due, d("2025-12-31"));
    // The first review held late, on Friday 9 January 2026; the assessment on Thursday 8
    // January is before it: on time (reg 7(1)), though after the 20th working day.
    let mut late_review = j.clone();
    late_review
        .on(d("2026-01-08"), ChildEvent::HealthAssessmentCompleted { assessment: HealthAssessmentKind::Initial })
        .on(d("2026-01-09"), review());
    let iha = late_review.duty("health-iha", start, d("2026-01-12"));
    assert_eq!((iha.due, &iha.status), (d("2026-01-09"), &DutyStatus::MetOnTime));
    // The first review held early, on Friday 12 December; the assessment on Monday 15
    // December is after it: 3 days late.
    let mut early_review = j.clone();
    early_review
        .on(d("2025-12-12"), review())
        .on(d("2025-12-15"), ChildEvent::HealthAssessmentCompleted { assessment: HealthAssessmentKind::Initial });
    let iha = early_review.duty("health-iha", start, d("2025-12-16"));
    assert_eq!((iha.due, &iha.status), (d("2025-12-12"), &DutyStatus::MetLate { days: 3 }));
}

#[test]
fn conventions_are_stated_in_the_explanation() {
    let mut j = Journey::child();
    j.on(d("2025-12-19"), referral());
    let text = j.duty("asmt-45", d("2025-12-19"), d("2025-12-22")).working_text(calendar());
    assert!(text.contains("counts the referral day as day 1"), "{text}");
    let s47 = on_plan(d("2026-01-20")).duties(d("2026-01-21"));
    let s47 = s47.iter().find(|x| x.rule.id == "cp-s47").expect("cp-s47");
    assert_eq!(s47.rule.status, crate::catalogue::Status::PracticeStandard);
    assert!(s47.working_text(calendar()).contains("not a national deadline"));
    // A council's own standard for the enquiry.
    let policy = Policy { section_47_working_days: 10, ..Policy::default() };
    let all = on_plan(d("2026-01-20")).duties_with(&policy, d("2026-01-21"));
    let s47 = all.iter().find(|x| x.rule.id == "cp-s47").expect("cp-s47");
    // Strategy discussion on Wednesday 31 December 2025 (20 days before the conference):
    // 10 working days, skipping New Year's Day: Thursday 15 January 2026.
    assert_eq!((s47.trigger.date, s47.due), (d("2025-12-31"), d("2026-01-15")));
}

#[test]
fn a_child_with_a_temporarily_approved_connected_person_is_visited_weekly_until_the_first_review() {
    // Placed with her aunt on Monday 2 June 2025, approved temporarily that day (reg 24).
    let placed = d("2025-06-02");
    let mut j = in_care(InterimCareOrder, FosterRelativeOther, placed);
    j.on(placed, ChildEvent::ConnectedPersonTemporarilyApproved {});
    // Visited on day 8 (Monday 9 June): on time. The next is due a week later, Monday 16 June,
    // not 6 weeks later: overdue on Tuesday 17 June.
    j.on(d("2025-06-09"), visit(VisitKind::LookedAfter));
    let first = j.duties(d("2025-06-17"));
    let first: Vec<_> =
        first.iter().filter(|x| x.rule.id.starts_with("visit-") && x.rule.id != "visit-alone").collect();
    assert!(first.iter().any(|x| x.due == d("2025-06-09") && x.status == DutyStatus::MetOnTime), "{first:?}");
    let next = first.iter().find(|x| x.trigger.date == d("2025-06-09")).expect("the next visit");
    assert_eq!(
        (next.rule.id, next.due, &next.status),
        ("visit-connected-ico", d("2025-06-16"), &DutyStatus::Overdue { days: 1 })
    );
    // Visited on 16 June; first review on 27 June; a visit on 30 June: after the review, the next
    // is due 4 weeks later, Monday 28 July.
    j.on(d("2025-06-16"), visit(VisitKind::LookedAfter))
        .on(d("2025-06-27"), review())
        .on(d("2025-06-30"), visit(VisitKind::LookedAfter));
    let next = j.duty("visit-connected-ico", d("2025-06-30"), d("2025-07-01"));
    assert_eq!(next.due, d("2025-07-28"));
    // Approved as a foster carer on 1 July: visits return to the first-year standard, 6 weeks
    // after the visit of Monday 7 July: Monday 18 August.
    j.on(d("2025-07-01"), ChildEvent::ConnectedPersonApproved {}).on(d("2025-07-07"), visit(VisitKind::LookedAfter));
    let later = j.duties(d("2025-07-08"));
    let later = later
        .iter()
        .find(|x| x.trigger.date == d("2025-07-07") && x.rule.id.starts_with("visit-") && x.rule.id != "visit-alone")
        .unwrap();
    assert_eq!((later.rule.id, later.due), ("visit-year1", d("2025-08-18")));
}

#[test]
fn a_temporary_approval_extended_once_by_8_weeks_runs_24() {
    // Approved Monday 2 June 2025: 16 weeks is Monday 22 September; extended by 8 weeks on 15
    // September: Monday 17 November.
    let approved = d("2025-06-02");
    let mut j = in_care(InterimCareOrder, FosterRelativeOther, approved);
    j.on(approved, ChildEvent::ConnectedPersonTemporarilyApproved {});
    assert_eq!(j.duty("pl-connected-temp", approved, d("2025-06-03")).due, d("2025-09-22"));
    j.on(d("2025-09-15"), ChildEvent::ConnectedPersonApprovalExtended { weeks: 8 });
    let duty = j.duty("pl-connected-temp", approved, d("2025-11-18"));
    assert_eq!((duty.due, &duty.status), (d("2025-11-17"), &DutyStatus::Overdue { days: 1 }));
    // The child placed with other foster carers on 1 September, before the approval ran out: the
    // duty ends there.
    let mut moved_on = in_care(InterimCareOrder, FosterRelativeOther, approved);
    moved_on
        .on(approved, ChildEvent::ConnectedPersonTemporarilyApproved {})
        .on(d("2025-09-01"), moved(FosterOtherOther, 2, Some(CarerNotice::Given { on: d("2025-08-20") })));
    let duty = moved_on.duty("pl-connected-temp", approved, d("2025-11-18"));
    assert!(!duty.status.is_open(), "{:?}", duty.status);
}
