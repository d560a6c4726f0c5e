//! Indicators on hand-built histories, each answer worked out by hand.

use chrono::{NaiveDate, TimeZone, Utc};

use careful_domain::codes::*;
use careful_domain::record::*;
use careful_domain::{CarerId, EventId, RecordedAt, RecordedBy, Sequence, SystemProcess};

use super::*;

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A child's history: events in the order given.
struct Child {
    entries: Vec<Entry>,
}

impl Child {
    fn born(dob: &str, registered: &str) -> Child {
        let details = PersonalDetails {
            given_name: "Test".into(),
            family_name: "Child".into(),
            date_of_birth: Some(d(dob)),
            expected_date_of_birth: None,
            sex: Sex::Female,
            ethnicity: Ethnicity::WhiteBritish,
            upn: None,
            upn_unknown: None,
            nhs_number: None,
            disabilities: vec![],
        };
        let mut c = Child { entries: Vec::new() };
        c.at(registered, ChildEvent::ChildRegistered { la_child_id: "T1".parse().unwrap(), details });
        c
    }

    fn at(&mut self, date: &str, event: ChildEvent) -> &mut Child {
        let n = self.entries.len() as u64 + 1;
        self.entries.push(Entry {
            id: EventId::from_random_bytes([n as u8; 16]),
            sequence: Sequence::new(n),
            effective_date: d(date),
            recorded_at: RecordedAt::new(Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap()),
            recorded_by: RecordedBy::System(SystemProcess::Import),
            reason: None,
            manager_override: None,
            event,
        });
        self
    }

    fn record(&self) -> ChildRecord {
        fold(&self.entries).unwrap()
    }
}

fn referral() -> ChildEvent {
    ChildEvent::ReferralReceived { source: ReferralSource::School, primary_need: Need::AbuseOrNeglect }
}

fn closed() -> ChildEvent {
    ChildEvent::CaseClosed { reason: ReasonForClosure::OtherReason }
}

fn placement(carer: u8) -> Placement {
    Placement {
        placement_type: PlacementType::FosterOtherOther,
        provider: Some(PlacementProvider::OwnProvision),
        postcode: None,
        urn: None,
        carer: CarerId::from_random_bytes([carer; 16]),
    }
}

fn looked_after(carer: u8) -> ChildEvent {
    ChildEvent::BecameLookedAfter {
        legal_status: LegalStatus::FullCareOrder,
        placement: placement(carer),
        category_of_need: Need::AbuseOrNeglect,
        home_postcode: None,
        previous_permanence: None,
    }
}

fn moved(carer: u8) -> ChildEvent {
    ChildEvent::PlacementChanged {
        placement: placement(carer),
        reason: ReasonPlaceChange::CarePlan,
        notice: Some(CarerNotice::Given { on: d("2015-01-01") }),
    }
}

/// A child protection plan from a conference on `start`, after a strategy discussion that day.
fn plan_from(c: &mut Child, start: &str) {
    c.at(start, ChildEvent::StrategyDiscussionHeld { section_47: true })
        .at(start, ChildEvent::Section47Started {})
        .at(start, ChildEvent::Section47Completed { outcome: Section47Outcome::ConferenceRequired })
        .at(start, ChildEvent::InitialConferenceHeld { plan_required: true })
        .at(start, ChildEvent::ChildProtectionPlanStarted { category: CategoryOfAbuse::Neglect });
}

const YEAR: Period =
    Period { from: NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(), to: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap() };

fn figure(records: &[ChildRecord], code: &str) -> (u64, u64) {
    let mut all = Indicators::default();
    for r in records {
        all.add(YEAR, r);
    }
    let i = all.indicators(10_000).into_iter().find(|i| i.code == code).unwrap();
    (i.numerator, i.denominator)
}

#[test]
fn a_re_referral_is_within_12_months_of_the_last() {
    // 1 June 2024 to 1 June 2025 is 365 days: within 12 months. From 31 May 2024, 366 days: not.
    let referred = |first: &str| {
        let mut c = Child::born("2015-01-01", "2024-01-01");
        c.at(first, referral()).at(first, closed()).at("2025-06-01", referral());
        c.record()
    };
    assert_eq!(figure(&[referred("2024-06-01")], "re_referrals_12_months"), (1, 1));
    assert_eq!(figure(&[referred("2024-05-31")], "re_referrals_12_months"), (0, 1));
    // Both referrals count as the period's only when both are in it.
    assert_eq!(figure(&[referred("2024-06-01")], "referral_rate"), (1, 10_000));
}

#[test]
fn an_assessment_is_on_time_on_working_day_45_across_christmas() {
    // Started Monday 1 December 2025. Counting the working days after it, and skipping 25 and
    // 26 December and 1 January: 17 to 24 December, 18 to 20 on 29 to 31 December, 21 on
    // 2 January, 41 on 30 January, 45 on Thursday 5 February 2026, 46 on Friday 6 February.
    let assessed = |authorised: &str| {
        let mut c = Child::born("2015-01-01", "2025-11-01");
        c.at("2025-12-01", referral()).at("2025-12-01", ChildEvent::AssessmentStarted {}).at(
            authorised,
            ChildEvent::AssessmentAuthorised {
                factors: vec![AssessmentFactor::NoFactors],
                outcome: AssessmentOutcome::NoFurtherAction,
            },
        );
        c.record()
    };
    assert_eq!(figure(&[assessed("2026-02-05")], "assessments_45_working_days"), (1, 1));
    assert_eq!(figure(&[assessed("2026-02-06")], "assessments_45_working_days"), (0, 1));
    assert_eq!(figure(&[assessed("2026-02-05"), assessed("2026-02-06")], "assessments_45_working_days"), (1, 2));
}

#[test]
fn an_initial_conference_is_on_time_on_working_day_15() {
    // Strategy discussion Monday 2 March 2026: working day 15 is Monday 23 March.
    let conference = |held: &str| {
        let mut c = Child::born("2015-01-01", "2026-03-01");
        c.at("2026-03-02", referral())
            .at("2026-03-02", ChildEvent::StrategyDiscussionHeld { section_47: true })
            .at("2026-03-03", ChildEvent::Section47Started {})
            .at(held, ChildEvent::Section47Completed { outcome: Section47Outcome::ConferenceRequired })
            .at(held, ChildEvent::InitialConferenceHeld { plan_required: false });
        c.record()
    };
    assert_eq!(figure(&[conference("2026-03-23")], "conferences_15_working_days"), (1, 1));
    assert_eq!(figure(&[conference("2026-03-24")], "conferences_15_working_days"), (0, 1));
}

#[test]
fn repeat_plans_count_every_earlier_plan_and_plans_before_the_record() {
    let mut first = Child::born("2015-01-01", "2023-01-01");
    first.at("2023-01-10", referral());
    plan_from(&mut first, "2023-02-01");
    first.at("2024-02-01", ChildEvent::ChildProtectionPlanEnded {}).at("2024-02-01", closed());
    first.at("2025-05-01", referral());
    plan_from(&mut first, "2025-05-20");
    let mut only = Child::born("2015-01-01", "2025-01-01");
    only.at("2025-05-01", referral());
    plan_from(&mut only, "2025-05-20");
    let mut before = Child::born("2015-01-01", "2025-01-01");
    before.at("2025-05-01", referral()).at("2025-05-01", ChildEvent::ChildProtectionPlansBeforeRecord { count: 1 });
    plan_from(&mut before, "2025-05-20");
    assert_eq!(figure(&[first.record(), only.record(), before.record()], "repeat_protection_plans"), (2, 3));
    assert_eq!(figure(&[first.record(), only.record(), before.record()], "protection_plan_rate"), (3, 10_000));
}

#[test]
fn a_plan_of_two_years_ends_on_the_second_anniversary() {
    let plan = |ended: &str| {
        let mut c = Child::born("2015-01-01", "2023-01-01");
        c.at("2023-05-01", referral());
        plan_from(&mut c, "2023-05-10");
        c.at(ended, ChildEvent::ChildProtectionPlanEnded {});
        c.record()
    };
    assert_eq!(figure(&[plan("2025-05-10"), plan("2025-05-09")], "protection_plans_two_years"), (1, 2));
}

#[test]
fn three_placements_in_the_year_of_a_child_looked_after_at_its_end() {
    let mut three = Child::born("2015-01-01", "2025-01-01");
    three.at("2025-05-01", looked_after(1)).at("2025-08-01", moved(2)).at("2026-01-10", moved(3));
    let mut two = Child::born("2015-01-01", "2024-01-01");
    // A placement that ended before the year does not count.
    two.at("2024-05-01", looked_after(1)).at("2025-03-31", moved(2)).at("2025-09-01", moved(3));
    assert_eq!(figure(&[three.record(), two.record()], "three_placements"), (1, 2));
    assert_eq!(figure(&[three.record(), two.record()], "looked_after_rate"), (2, 10_000));
}

#[test]
fn long_term_stability_is_two_and_a_half_years_in_care_and_two_in_the_placement() {
    // At 31 March 2026: looked after since 30 September 2023 (2 years 6 months), in the same
    // placement since 31 March 2024 (2 years).
    let child = |moved_on: &str, since: &str, dob: &str| {
        let mut c = Child::born(dob, "2023-01-01");
        c.at(since, looked_after(1)).at(moved_on, moved(2));
        c.record()
    };
    let stable = child("2024-03-31", "2023-09-30", "2014-01-01");
    let moved_a_day_late = child("2024-04-01", "2023-09-30", "2014-01-01");
    let not_long_enough = child("2024-03-31", "2023-10-01", "2014-01-01");
    let sixteen = child("2024-03-31", "2023-09-30", "2010-03-31");
    assert_eq!(figure(&[stable, moved_a_day_late, not_long_enough, sixteen], "long_term_stability"), (1, 2));
}

#[test]
fn reviews_and_visits_on_time_come_from_the_duties_engine() {
    // Looked after from Monday 2 March 2026: the first review is due 20 working days on, on
    // Monday 30 March (CPR 2010 reg 33(1)); held then, it is on time, and the next day, late.
    let reviewed = |held: &str| {
        let mut c = Child::born("2015-01-01", "2026-03-01");
        c.at("2026-03-02", looked_after(1))
            .at(held, ChildEvent::StatutoryReviewHeld { participation: ReviewParticipation::AttendsAndSpeaks });
        c.record()
    };
    let on = |records: &[ChildRecord]| {
        let mut all = Indicators::default();
        for r in records {
            all.add(YEAR, r);
            let duties = careful_duties::duties_of(
                r,
                careful_domain::WorkingDayCalendar::england_and_wales(),
                &careful_duties::Policy::default(),
                d("2026-04-15"),
            );
            all.add_duties(YEAR, &duties);
        }
        all
    };
    let all = on(&[reviewed("2026-03-30"), reviewed("2026-03-31")]);
    let reviews = all.indicators(1).into_iter().find(|i| i.code == "reviews_on_time").unwrap();
    assert_eq!((reviews.numerator, reviews.denominator), (1, 2));
    // The first visit is due within a week (reg 28(2)(a)): neither child was visited, so both
    // visits are overdue, and counted so.
    let visits = all.indicators(1).into_iter().find(|i| i.code == "visits_on_time").unwrap();
    assert_eq!((visits.numerator, visits.denominator), (0, 2));
    assert_eq!(all.overdue_by_rule().get("visit-first"), Some(&2));
}

#[test]
fn children_who_went_missing_while_looked_after() {
    let mut missing = Child::born("2012-01-01", "2025-01-01");
    missing.at("2025-05-01", looked_after(1)).at(
        "2025-07-01",
        ChildEvent::MissingEpisodeStarted {
            missing: MissingType::Missing,
            at: d("2025-07-01").and_hms_opt(20, 0, 0).unwrap(),
        },
    );
    let mut before = Child::born("2012-01-01", "2025-01-01");
    // Missing before care began: not counted.
    before
        .at(
            "2025-04-10",
            ChildEvent::MissingEpisodeStarted {
                missing: MissingType::Missing,
                at: d("2025-04-10").and_hms_opt(20, 0, 0).unwrap(),
            },
        )
        .at(
            "2025-04-11",
            ChildEvent::MissingEpisodeEnded { returned_at: d("2025-04-11").and_hms_opt(8, 0, 0).unwrap() },
        )
        .at("2025-05-01", looked_after(1));
    let not_looked_after = Child::born("2012-01-01", "2025-01-01");
    assert_eq!(figure(&[missing.record(), before.record(), not_looked_after.record()], "went_missing"), (1, 2));
}

#[test]
fn care_leavers_at_19_to_21_by_their_latest_contact() {
    // Left care at 18 on 1 June 2023; 20 on 1 June 2025.
    let leaver = |activity: CareLeaverActivity, suitable: bool| {
        let mut c = Child::born("2005-06-01", "2019-01-01");
        c.at("2019-01-10", looked_after(1))
            .at(
                "2023-06-01",
                ChildEvent::CeasedToBeLookedAfter {
                    reason: ReasonEpisodeCeased::IndependentLivingSupported,
                    notice: Some(CarerNotice::Given { on: d("2023-05-01") }),
                },
            )
            .at(
                "2025-05-01",
                ChildEvent::CareLeaverContact {
                    in_touch: InTouch::Yes,
                    activity: Some(CareLeaverActivity::NeetOther),
                    accommodation: Some(CareLeaverAccommodation::Independent),
                    accommodation_suitable: Some(false),
                },
            )
            .at(
                "2025-06-02",
                ChildEvent::CareLeaverContact {
                    in_touch: InTouch::Yes,
                    activity: Some(activity),
                    accommodation: Some(CareLeaverAccommodation::Independent),
                    accommodation_suitable: Some(suitable),
                },
            );
        c.record()
    };
    let records = [
        leaver(CareLeaverActivity::EducationFullTime, true),
        leaver(CareLeaverActivity::NeetIllnessOrDisability, true),
        leaver(CareLeaverActivity::TrainingOrEmploymentPartTime, false),
    ];
    assert_eq!(figure(&records, "care_leavers_eet"), (2, 3));
    assert_eq!(figure(&records, "care_leavers_suitable_accommodation"), (2, 3));
}

fn worker(n: u8) -> careful_domain::WorkerId {
    careful_domain::WorkerId::from_random_bytes([n; 16])
}

fn team(n: u8) -> careful_domain::TeamId {
    careful_domain::TeamId::from_random_bytes([n; 16])
}

fn allocated(w: u8, t: u8) -> ChildEvent {
    ChildEvent::WorkerAllocated { worker: worker(w), team: team(t), reason: None }
}

#[test]
fn caseloads_and_children_with_three_social_workers() {
    // Child 1: worker 1 since January 2025. Child 2: workers 1 (until 1 June 2025), 2 and 3
    // in the year 2025-26: three social workers. Child 3: worker 1 until 1 April 2025 (the
    // year's first day: worker 1 held the case to 31 March, outside it), then 2 and 3: two.
    let mut one = Child::born("2015-01-01", "2025-01-01");
    one.at("2025-01-01", referral()).at("2025-01-01", allocated(1, 1));
    let mut two = Child::born("2015-01-01", "2025-01-01");
    two.at("2025-01-01", referral())
        .at("2025-01-01", allocated(1, 1))
        .at("2025-06-01", allocated(2, 1))
        .at("2026-01-01", allocated(3, 1));
    let mut three = Child::born("2015-01-01", "2025-01-01");
    three
        .at("2025-01-01", referral())
        .at("2025-01-01", allocated(1, 1))
        .at("2025-04-01", allocated(2, 1))
        .at("2025-05-01", allocated(3, 1));
    let records = [one.record(), two.record(), three.record()];
    // At 31 March 2026: worker 1 holds child 1, worker 3 children 2 and 3: 3 children, 2 workers.
    assert_eq!(figure(&records, "caseload"), (3, 2));
    assert_eq!(figure(&records, "social_worker_changes"), (1, 3));
    // A child whose case closed is on nobody's caseload.
    let mut closed_case = Child::born("2015-01-01", "2025-01-01");
    closed_case.at("2025-01-01", referral()).at("2025-01-01", allocated(1, 1)).at("2026-03-31", closed());
    assert_eq!(figure(&[closed_case.record()], "caseload"), (0, 0));
}

fn breakdown(records: &[ChildRecord], as_of: &str) -> Breakdown {
    let mut all = Breakdown::default();
    for r in records {
        let duties = careful_duties::duties_of(
            r,
            careful_domain::WorkingDayCalendar::england_and_wales(),
            &careful_duties::Policy::default(),
            d(as_of),
        );
        all.add(YEAR, r, &duties, d(as_of));
    }
    all
}

fn part(counts: &Indicators, code: &str) -> (u64, u64) {
    let i = counts.indicators(0).into_iter().find(|i| i.code == code).unwrap();
    (i.numerator, i.denominator)
}

#[test]
fn a_team_counts_what_happened_while_it_held_the_case() {
    // Assessment started 1 December 2025 in team 1 (worker 1), transferred to team 2 (worker
    // 2) on 2 February 2026 and authorised there on Friday 6 February: working day 46, late.
    // It is team 2's late assessment, not team 1's.
    let mut c = Child::born("2015-01-01", "2025-11-01");
    c.at("2025-12-01", referral())
        .at("2025-12-01", allocated(1, 1))
        .at("2025-12-01", ChildEvent::AssessmentStarted {})
        .at("2026-02-02", allocated(2, 2))
        .at(
            "2026-02-06",
            ChildEvent::AssessmentAuthorised {
                factors: vec![AssessmentFactor::NoFactors],
                outcome: AssessmentOutcome::NoFurtherAction,
            },
        );
    let all = breakdown(&[c.record()], "2026-03-31");
    assert_eq!(part(&all.council, "assessments_45_working_days"), (0, 1));
    assert_eq!(part(&all.teams[&team(2)], "assessments_45_working_days"), (0, 1));
    assert_eq!(part(&all.teams[&team(1)], "assessments_45_working_days"), (0, 0));
    assert_eq!(part(&all.workers[&worker(2)], "assessments_45_working_days"), (0, 1));
    // The referral belongs to the team that first took the case.
    assert_eq!(part(&all.teams[&team(1)], "re_referrals_12_months"), (0, 1));
    assert_eq!(part(&all.teams[&team(2)], "re_referrals_12_months"), (0, 0));
    // At the end of the year the case is team 2's and worker 2's.
    assert_eq!(part(&all.teams[&team(2)], "caseload"), (1, 1));
    assert_eq!(part(&all.teams[&team(1)], "caseload"), (0, 0));
    // Rates per 10,000 have no meaning for a team.
    assert_eq!(part(&all.teams[&team(2)], "in_need_rate"), (1, 0));
}

#[test]
fn visits_due_while_a_worker_held_the_case_are_theirs_and_overdue_duties_the_current_holders() {
    // Looked after from Monday 2 March 2026 with worker 1; the first visit is due within a week
    // (CPR 2010 reg 28(2)(a)): by 9 March, while worker 1 held the case; nobody visited. Worker
    // 2 took over on 16 March. Worked out on 15 April: the visit is worker 1's late visit, and
    // the duties overdue now are worker 2's to put right.
    let mut c = Child::born("2015-01-01", "2026-03-01");
    c.at("2026-03-01", referral())
        .at("2026-03-01", allocated(1, 1))
        .at("2026-03-02", looked_after(1))
        .at("2026-03-16", allocated(2, 1));
    let all = breakdown(&[c.record()], "2026-04-15");
    assert_eq!(part(&all.workers[&worker(1)], "visits_on_time"), (0, 1));
    assert_eq!(part(&all.workers[&worker(2)], "visits_on_time"), (0, 0));
    assert_eq!(all.workers[&worker(1)].overdue_by_rule().get("visit-first"), None);
    assert_eq!(all.workers[&worker(2)].overdue_by_rule().get("visit-first"), Some(&1));
    assert_eq!(all.council.overdue_by_rule().get("visit-first"), Some(&1));
}
