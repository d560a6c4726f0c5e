//! Each guardrail: the breach, whether a manager may override it, and what passes.

use chrono::NaiveDate;

use careful_domain::codes::{
    LegalStatus::*, PlacementType::*, ReasonEpisodeCeased, ReasonForClosure, ReasonPlaceChange,
};
use careful_domain::record::*;

use crate::testing::*;
use crate::{Breach, Policy, check};

fn breaches(j: &Journey, date: NaiveDate, proposed: &ChildEvent) -> Vec<Breach> {
    check(&j.record(), date, proposed, calendar(), &Policy::default())
}

fn codes(found: &[Breach]) -> Vec<&'static str> {
    found.iter().map(|b| b.code).collect()
}

/// The one breach with this code, which must be found.
fn the(found: &[Breach], code: &str) -> Breach {
    found.iter().find(|b| b.code == code).cloned().unwrap_or_else(|| panic!("no {code} breach in {:?}", codes(found)))
}

fn aged(years: i32, on: NaiveDate) -> Journey {
    Journey::born(days(years_before(on, years), -30))
}

fn placed(kind: careful_domain::codes::PlacementType, urn: bool) -> Placement {
    let mut p = placement(kind, 5);
    if urn {
        p.urn = Some("SC123456".parse().expect("valid URN"));
    }
    p
}

fn became(ls: careful_domain::codes::LegalStatus, p: Placement) -> ChildEvent {
    ChildEvent::BecameLookedAfter {
        legal_status: ls,
        placement: p,
        category_of_need: careful_domain::codes::Need::AbuseOrNeglect,
        home_postcode: None,
        previous_permanence: None,
    }
}

const DAY: &str = "2025-06-02";

#[test]
fn pl_under16_other() {
    let on = d(DAY);
    let found = breaches(&aged(15, on), on, &became(Section20SinglePeriod, placed(SupportedAccommodation, true)));
    let breach = the(&found, "pl-under16-other");
    assert!(!breach.overridable, "refused outright: the law allows no exception");
    assert!(breach.message.contains("under 16"), "{}", breach.message);
    // A children's home is allowed.
    assert!(breaches(&aged(15, on), on, &became(Section20SinglePeriod, placed(ChildrensHome, true))).is_empty());
}

#[test]
fn pl_16_17_supported() {
    let on = d(DAY);
    let found = breaches(&aged(17, on), on, &became(Section20SinglePeriod, placed(SupportedAccommodation, false)));
    let breach = the(&found, "pl-16-17-supported");
    assert!(!breach.overridable);
    assert!(breach.message.contains("Ofsted URN"), "{}", breach.message);
    // Registered supported accommodation, with its URN, is allowed.
    assert!(
        breaches(&aged(17, on), on, &became(Section20SinglePeriod, placed(SupportedAccommodation, true))).is_empty()
    );
    // Before 28 October 2023 the regulation did not apply.
    let before = d("2023-10-27");
    assert!(
        breaches(&aged(17, before), before, &became(Section20SinglePeriod, placed(SupportedAccommodation, false)))
            .is_empty()
    );
}

#[test]
fn sec_under13_and_sec_16_s20() {
    let on = d(DAY);
    let found = breaches(&aged(12, on), on, &became(FullCareOrder, placed(SecureChildrensHome, true)));
    assert!(the(&found, "sec-under13").overridable, "with the Secretary of State's approval, recorded as the override");
    let found = breaches(&aged(16, on), on, &became(Section20SinglePeriod, placed(SecureChildrensHome, true)));
    assert!(!the(&found, "sec-16-s20").overridable);
    assert!(breaches(&aged(16, on), on, &became(FullCareOrder, placed(SecureChildrensHome, true))).is_empty());
}

#[test]
fn ad_under_6_weeks() {
    let on = d(DAY);
    let baby = Journey::born(days(on, -41));
    let found = breaches(&baby, on, &became(Section20SinglePeriod, placed(AdoptionConsentOtherCarers, false)));
    assert!(the(&found, "ad-under-6-weeks").overridable);
    // At 6 weeks, or with a placement order, no breach.
    let older = Journey::born(days(on, -42));
    assert!(breaches(&older, on, &became(Section20SinglePeriod, placed(AdoptionConsentOtherCarers, false))).is_empty());
    assert!(breaches(&baby, on, &became(PlacementOrder, placed(AdoptionPlacementOrderOtherCarers, false))).is_empty());
}

/// Looked after from January 2025 with a foster carer, and reviewed in February.
fn fostered() -> Journey {
    let mut j = Journey::child();
    j.on(d("2025-01-06"), looked_after(FullCareOrder, FosterOtherOther, 1)).on(d("2025-02-03"), review());
    j
}

fn move_with(notice: Option<CarerNotice>) -> ChildEvent {
    moved(FosterOtherOther, 2, notice)
}

#[test]
fn pl_terminate_a_placement_ending_without_notice() {
    let on = d(DAY);
    let found = breaches(&fostered(), on, &move_with(None));
    let breach = the(&found, "pl-terminate");
    assert!(breach.overridable);
    assert!(breach.message.contains("without notice to the carer"), "{}", breach.message);
    // With no notice recorded the move is still a planned change: it needs its proposal, the
    // IRO's consultation and a review too, not only the carer's notice.
    assert_eq!(codes(&found), ["pl-terminate", "rev-before-change"]);
    let mut proposed = fostered();
    proposed.on(
        d("2025-04-01"),
        ChildEvent::CarePlanChangeProposed {
            change: "Move to long-term carers".into(),
            significant: true,
            proposes: None,
        },
    );
    assert_eq!(
        codes(&breaches(&proposed, on, &move_with(None))),
        ["pl-terminate", "iro-consult-move", "rev-before-change"]
    );
    // Ending care without notice is the same breach.
    let found = breaches(
        &fostered(),
        on,
        &ChildEvent::CeasedToBeLookedAfter { reason: ReasonEpisodeCeased::ReturnedHomeUnplanned, notice: None },
    );
    assert!(the(&found, "pl-terminate").overridable);
    // An ending at once needs one of reg 14(3)'s two grounds and a manager's authority: it is
    // refused without them, not overridden.
    let bare = |ground, authorised_by| {
        move_with(Some(CarerNotice::Emergency { reason: "allegation against the carer".into(), ground, authorised_by }))
    };
    for (ground, manager, missing) in [
        (None, None, "which of reg 14(3)'s grounds applied, and the manager"),
        (None, Some(worker(7)), "which of reg 14(3)'s grounds applied"),
        (Some(EmergencyGround::ProtectOthers), None, "the manager who authorised it"),
    ] {
        let found = breaches(&fostered(), on, &bare(ground, manager));
        let breach = the(&found, "pl-terminate");
        assert!(!breach.overridable);
        assert!(breach.message.contains(missing), "{}", breach.message);
    }
    // With both, it is allowed, with no review or proposal first (reg 14(3)(a)); the IRO is
    // told and the case reviewed afterwards (the pl-terminate-iro and -review duties).
    assert!(breaches(&fostered(), on, &move_with(Some(at_once()))).is_empty());
    // A placement with a parent is ended under reg 14 like any other...
    let mut home = Journey::child();
    home.on(d("2025-01-06"), looked_after(FullCareOrder, WithParents, 1)).on(d("2025-02-03"), review());
    assert_eq!(codes(&breaches(&home, on, &move_with(None))), ["pl-terminate", "rev-before-change"]);
    // ... unless reg 14(5) exempts the ending: here the placement before assessment was not
    // confirmed (reg 19(c)).
    let exempt = move_with(Some(CarerNotice::NotRequired { exemption: EndingExemption::ParentPlacementNotConfirmed }));
    assert!(breaches(&home, on, &exempt).is_empty());
}

#[test]
fn rev_before_change_a_planned_move_needs_a_proposal_iro_consultation_and_review() {
    let on = d(DAY);
    let notice = Some(CarerNotice::Given { on: d("2025-05-01") });
    // No proposal at all.
    let found = breaches(&fostered(), on, &move_with(notice.clone()));
    assert_eq!(codes(&found), ["rev-before-change"]);
    assert!(found[0].overridable);
    // Proposed, but the IRO not consulted and no review since.
    let mut j = fostered();
    j.on(
        d("2025-04-01"),
        ChildEvent::CarePlanChangeProposed {
            change: "Move to long-term carers".into(),
            significant: true,
            proposes: None,
        },
    );
    let found = breaches(&j, on, &move_with(notice.clone()));
    assert_eq!(codes(&found), ["iro-consult-move", "rev-before-change"]);
    assert!(found.iter().all(|b| b.overridable));
    // IRO consulted, still no review.
    j.on(d("2025-04-03"), ChildEvent::IroConsulted {});
    assert_eq!(codes(&breaches(&j, on, &move_with(notice.clone()))), ["rev-before-change"]);
    // Reviewed after the proposal: the move may go ahead.
    j.on(d("2025-04-20"), review());
    assert!(breaches(&j, on, &move_with(notice.clone())).is_empty());
    // The proposal is used once: after the move on 12 May, a second move on 2 June reusing the
    // same proposal, consultation and review is refused until it has its own.
    let mut again = j.clone();
    again.on(d("2025-05-12"), move_with(notice.clone()));
    let second = moved(FosterOtherOther, 3, Some(CarerNotice::Given { on: d("2025-05-20") }));
    let found = breaches(&again, d("2025-06-02"), &second);
    assert_eq!(codes(&found), ["rev-before-change"]);
    assert!(found[0].message.contains("acted on by the move on 12 May 2025"), "{}", found[0].message);
    again
        .on(
            d("2025-05-19"),
            ChildEvent::CarePlanChangeProposed {
                change: "Move nearer school".into(),
                significant: true,
                proposes: None,
            },
        )
        .on(d("2025-05-20"), ChildEvent::IroConsulted {})
        .on(d("2025-05-27"), review());
    assert!(breaches(&again, d("2025-06-02"), &second).is_empty());
    // A change in the placement's status with the same carers is not a move.
    let same_carer = ChildEvent::PlacementChanged {
        placement: placement(FosterOtherLongTerm, 1),
        reason: ReasonPlaceChange::StatusChangeOnly,
        notice,
    };
    assert!(breaches(&fostered(), on, &same_carer).is_empty());
}

#[test]
fn iro_inform_change_and_rev_before_change_on_approving_a_care_plan_change() {
    let on = d(DAY);
    let approve = ChildEvent::CarePlanChangeApproved { approved_by: worker(3) };
    let mut j = fostered();
    j.on(
        d("2025-04-01"),
        ChildEvent::CarePlanChangeProposed { change: "Plan for adoption".into(), significant: true, proposes: None },
    );
    let found = breaches(&j, on, &approve);
    assert_eq!(codes(&found), ["iro-inform-change", "rev-before-change"]);
    assert!(found[0].message.contains("Plan for adoption"), "{}", found[0].message);
    j.on(d("2025-04-02"), ChildEvent::IroConsulted {}).on(d("2025-05-12"), review());
    assert!(breaches(&j, on, &approve).is_empty());
    // A minor change needs neither.
    let mut j = fostered();
    j.on(
        d("2025-04-01"),
        ChildEvent::CarePlanChangeProposed {
            change: "Contact moved to Saturdays".into(),
            significant: false,
            proposes: None,
        },
    );
    assert!(breaches(&j, on, &approve).is_empty());
}

#[test]
fn visit_alone_must_be_recorded() {
    let on = d(DAY);
    let unsaid = ChildEvent::VisitMade {
        visit: VisitKind::LookedAfter,
        seen: true,
        seen_alone: None,
        wishes_and_feelings: None,
    };
    let found = breaches(&fostered(), on, &unsaid);
    assert!(!the(&found, "visit-alone").overridable, "refused: say whether the child was seen alone");
    let said = ChildEvent::VisitMade {
        visit: VisitKind::LookedAfter,
        seen: true,
        seen_alone: Some(SeenAlone::No { reason: NotSeenAloneReason::Unable }),
        wishes_and_feelings: None,
    };
    assert!(breaches(&fostered(), on, &said).is_empty());
    // A visit at which the child was not seen has no one to see alone.
    let unseen = ChildEvent::VisitMade {
        visit: VisitKind::LookedAfter,
        seen: false,
        seen_alone: None,
        wishes_and_feelings: None,
    };
    assert!(breaches(&fostered(), on, &unseen).is_empty());
}

fn on_plan() -> Journey {
    let mut j = Journey::child();
    j.on(d("2025-01-06"), referral())
        .on(d("2025-01-07"), ChildEvent::StrategyDiscussionHeld { section_47: true })
        .on(d("2025-01-07"), ChildEvent::Section47Started {})
        .on(d("2025-01-20"), ChildEvent::Section47Completed { outcome: Section47Outcome::ConferenceRequired })
        .on(d("2025-01-27"), ChildEvent::InitialConferenceHeld { plan_required: true })
        .on(
            d("2025-01-27"),
            ChildEvent::ChildProtectionPlanStarted { category: careful_domain::codes::CategoryOfAbuse::Neglect },
        );
    j
}

#[test]
fn cp_end_only_by_a_conference() {
    let on = d("2025-04-22");
    let found = breaches(&on_plan(), on, &ChildEvent::ChildProtectionPlanEnded {});
    let breach = the(&found, "cp-end");
    assert!(breach.overridable);
    assert!(breach.message.contains("conference"), "{}", breach.message);
    let mut j = on_plan();
    j.on(on, ChildEvent::ReviewConferenceHeld { decision: ReviewConferenceDecision::EndPlan, category: None });
    assert!(breaches(&j, on, &ChildEvent::ChildProtectionPlanEnded {}).is_empty());
}

#[test]
fn cl_18_no_cliff_leaving_care_without_an_adviser_or_plan() {
    // 17 and 9 months, looked after since 15: an eligible child.
    let leaving = d("2025-06-02");
    let born = d("2007-09-01");
    let mut j = Journey::born(born);
    j.on(d("2022-10-03"), looked_after(FullCareOrder, FosterOtherOther, 1));
    let leave = ChildEvent::CeasedToBeLookedAfter {
        reason: ReasonEpisodeCeased::IndependentLivingSupported,
        notice: Some(CarerNotice::Given { on: d("2025-05-01") }),
    };
    let found = breaches(&j, leaving, &leave);
    let breach = the(&found, "cl-18-no-cliff");
    assert!(breach.overridable);
    assert!(breach.message.contains("has no personal adviser and no pathway plan"), "{}", breach.message);
    j.on(d("2024-10-01"), ChildEvent::PersonalAdviserAllocated { worker: worker(9) });
    let breach = the(&breaches(&j, leaving, &leave), "cl-18-no-cliff");
    assert!(breach.message.contains("has no pathway plan"), "{}", breach.message);
    j.on(d("2024-11-01"), ChildEvent::PathwayPlanCompleted {});
    assert!(!codes(&breaches(&j, leaving, &leave)).contains(&"cl-18-no-cliff"));
    // Leaving care at 16 (born 1 September 2008, 16 on 1 September 2024), an eligible child
    // becomes a relevant child, owed both as much as at 17 and a half (CA 1989 s23B, s23E).
    let mut sixteen = Journey::born(d("2008-09-01"));
    sixteen.on(d("2023-10-02"), looked_after(FullCareOrder, FosterOtherOther, 1));
    assert!(codes(&breaches(&sixteen, leaving, &leave)).contains(&"cl-18-no-cliff"));
    // The day before the 16th birthday, not yet (not an eligible child either).
    let mut fifteen = Journey::born(d("2009-06-03"));
    fifteen.on(d("2023-10-02"), looked_after(FullCareOrder, FosterOtherOther, 1));
    assert!(!codes(&breaches(&fifteen, leaving, &leave)).contains(&"cl-18-no-cliff"));
    // A case closed after care, under 17 and a half: the duties follow the young person, and
    // the closure is not checked until 17 and a half.
    let close = ChildEvent::CaseClosed { reason: ReasonForClosure::OtherReason };
    let mut left = Journey::born(d("2008-09-01"));
    left.on(d("2023-10-02"), looked_after(FullCareOrder, FosterOtherOther, 1)).on(
        d("2025-03-03"),
        ChildEvent::CeasedToBeLookedAfter {
            reason: ReasonEpisodeCeased::IndependentLivingSupported,
            notice: Some(CarerNotice::Given { on: d("2025-02-03") }),
        },
    );
    assert!(!codes(&breaches(&left, leaving, &close)).contains(&"cl-18-no-cliff"));
}

#[test]
fn open_duties_closing_a_case_with_duties_outstanding() {
    let mut j = Journey::child();
    j.on(d("2025-03-03"), referral()).on(d("2025-03-04"), ChildEvent::AssessmentStarted {});
    let close = ChildEvent::CaseClosed { reason: ReasonForClosure::OtherReason };
    // The assessment was due on 6 May 2025 (45 working days) and was never completed.
    let found = breaches(&j, d("2025-06-02"), &close);
    let breach = the(&found, "open-duties");
    assert!(breach.overridable);
    assert!(breach.message.contains("asmt-45"), "{}", breach.message);
    // With everything done, the case closes cleanly.
    j.on(d("2025-03-05"), ChildEvent::WorkerAllocated { worker: worker(1), team: team(1), reason: None })
        .on(d("2025-03-06"), visit(VisitKind::Assessment))
        .on(d("2025-04-01"), authorised(AssessmentOutcome::NoFurtherAction));
    assert!(breaches(&j, d("2025-06-02"), &close).is_empty(), "{:?}", codes(&breaches(&j, d("2025-06-02"), &close)));
}

fn decided(approved_by: Option<careful_domain::WorkerId>, director: bool) -> ChildEvent {
    ChildEvent::DecidedToCeaseLookingAfter {
        arrangements: "Home to mother, with family support twice a week".into(),
        wishes_and_feelings: "Wants to go home".into(),
        approved_by,
        director,
    }
}

#[test]
fn cla_s20_cease_ending_accommodation_needs_a_review_and_a_decision_first() {
    let mut j = Journey::child();
    j.on(d("2025-01-06"), looked_after(Section20SinglePeriod, FosterOtherOther, 1));
    let home = ChildEvent::CeasedToBeLookedAfter {
        reason: ReasonEpisodeCeased::ReturnedHomePlanned,
        notice: Some(CarerNotice::Given { on: d("2025-05-01") }),
    };
    assert_eq!(codes(&breaches(&j, d(DAY), &home)), ["rev-before-change", "cla-s20-cease"]);
    j.on(
        d("2025-04-01"),
        ChildEvent::CarePlanChangeProposed {
            change: "Return home to mother".into(),
            significant: true,
            proposes: Some(ProposedChange::EndOfCare),
        },
    )
    .on(d("2025-04-02"), ChildEvent::IroConsulted {})
    .on(d("2025-04-28"), review());
    // Reviewed, but no decision recorded with the arrangements and the child's wishes (reg
    // 39(2)): refused, not overridden.
    let found = breaches(&j, d(DAY), &home);
    assert_eq!(codes(&found), ["cla-s20-cease"]);
    assert!(!the(&found, "cla-s20-cease").overridable);
    // Looked after for months: the decision needs a nominated officer's approval (reg 39(4)).
    let mut unapproved = j.clone();
    unapproved.on(d("2025-05-01"), decided(None, false));
    let breach = the(&breaches(&unapproved, d(DAY), &home), "cla-s20-cease");
    assert!(breach.message.contains("nominated officer"), "{}", breach.message);
    j.on(d("2025-05-01"), decided(Some(worker(7)), false));
    assert!(breaches(&j, d(DAY), &home).is_empty());
    // An ending the council does not decide (a child arrangements order) is not checked.
    let mut ordered = Journey::child();
    ordered.on(d("2025-01-06"), looked_after(Section20SinglePeriod, FosterOtherOther, 1));
    let order = ChildEvent::CeasedToBeLookedAfter {
        reason: ReasonEpisodeCeased::ChildArrangementsOrder,
        notice: Some(at_once()),
    };
    assert!(!codes(&breaches(&ordered, d(DAY), &order)).contains(&"cla-s20-cease"));
}

/// Reg 39(4): approval once the child "has been a looked after child for at least 20 working
/// days". Looked after from Monday 23 March 2026, the 20th working day after is Wednesday 22
/// April (Good Friday 3 April and Easter Monday 6 April not counted): on 21 April a decision
/// needs no approval, on 22 April it does. Reg 39(5): a 16 or 17 year old's needs the director.
#[test]
fn cla_s20_cease_approval_from_20_working_days_and_the_director_at_16() {
    let start = d("2026-03-23");
    let home =
        ChildEvent::CeasedToBeLookedAfter { reason: ReasonEpisodeCeased::ReturnedHomePlanned, notice: Some(at_once()) };
    let build = |born: NaiveDate, decision: ChildEvent| {
        let mut j = Journey::born(born);
        j.on(start, looked_after(Section20SinglePeriod, FosterOtherOther, 1)).on(days(start, 7), decision);
        j
    };
    let young = d("2015-03-10");
    let unapproved = build(young, decided(None, false));
    assert!(breaches(&unapproved, d("2026-04-21"), &home).is_empty());
    let found = breaches(&unapproved, d("2026-04-22"), &home);
    assert!(the(&found, "cla-s20-cease").message.contains("reg 39(4)"));
    assert!(breaches(&build(young, decided(Some(worker(7)), false)), d("2026-04-22"), &home).is_empty());
    // Sixteen (born 10 March 2010): a nominated officer is not enough, even before 20 days.
    let sixteen = d("2010-03-10");
    for decision in [decided(None, false), decided(Some(worker(7)), false)] {
        let found = breaches(&build(sixteen, decision), d("2026-04-01"), &home);
        assert!(the(&found, "cla-s20-cease").message.contains("director of children's services"));
    }
    let found = breaches(&build(sixteen, decided(Some(worker(8)), true)), d("2026-04-01"), &home);
    assert!(!codes(&found).contains(&"cla-s20-cease"), "{:?}", codes(&found));
}

/// A proposal answers only the change it proposed: a proposal to end care does not answer a
/// move of placement.
#[test]
fn rev_before_change_a_proposal_answers_only_its_own_change() {
    let on = d(DAY);
    let notice = Some(CarerNotice::Given { on: d("2025-05-01") });
    let mut j = fostered();
    j.on(
        d("2025-04-01"),
        ChildEvent::CarePlanChangeProposed {
            change: "Return home to father".into(),
            significant: true,
            proposes: Some(ProposedChange::EndOfCare),
        },
    )
    .on(d("2025-04-02"), ChildEvent::IroConsulted {})
    .on(d("2025-04-28"), review());
    let found = breaches(&j, on, &move_with(notice.clone()));
    let breach = the(&found, "rev-before-change");
    assert!(
        breach.message.contains("was ceasing to look after the child, not a move of placement"),
        "{}",
        breach.message
    );
    // The same history ending care passes.
    let end = ChildEvent::CeasedToBeLookedAfter { reason: ReasonEpisodeCeased::ChildArrangementsOrder, notice };
    assert!(!codes(&breaches(&j, on, &end)).contains(&"rev-before-change"));
}

/// Each guardrail's test, by the catalogue id it checks (`open-duties` is careful's own).
pub(crate) const TESTED: &[(&str, &str, fn())] = &[
    ("pl-under16-other", "pl_under16_other", pl_under16_other),
    ("pl-16-17-supported", "pl_16_17_supported", pl_16_17_supported),
    ("sec-under13", "sec_under13_and_sec_16_s20", sec_under13_and_sec_16_s20),
    ("sec-16-s20", "sec_under13_and_sec_16_s20", sec_under13_and_sec_16_s20),
    ("ad-under-6-weeks", "ad_under_6_weeks", ad_under_6_weeks),
    ("pl-terminate", "pl_terminate_a_placement_ending_without_notice", pl_terminate_a_placement_ending_without_notice),
    (
        "rev-before-change",
        "rev_before_change_a_planned_move_needs_a_proposal_iro_consultation_and_review",
        rev_before_change_a_planned_move_needs_a_proposal_iro_consultation_and_review,
    ),
    (
        "iro-consult-move",
        "rev_before_change_a_planned_move_needs_a_proposal_iro_consultation_and_review",
        rev_before_change_a_planned_move_needs_a_proposal_iro_consultation_and_review,
    ),
    (
        "iro-inform-change",
        "iro_inform_change_and_rev_before_change_on_approving_a_care_plan_change",
        iro_inform_change_and_rev_before_change_on_approving_a_care_plan_change,
    ),
    (
        "cla-s20-cease",
        "cla_s20_cease_ending_accommodation_needs_a_review_and_a_decision_first",
        cla_s20_cease_ending_accommodation_needs_a_review_and_a_decision_first,
    ),
    ("visit-alone", "visit_alone_must_be_recorded", visit_alone_must_be_recorded),
    ("cp-end", "cp_end_only_by_a_conference", cp_end_only_by_a_conference),
    (
        "cl-18-no-cliff",
        "cl_18_no_cliff_leaving_care_without_an_adviser_or_plan",
        cl_18_no_cliff_leaving_care_without_an_adviser_or_plan,
    ),
    (
        "open-duties",
        "open_duties_closing_a_case_with_duties_outstanding",
        open_duties_closing_a_case_with_duties_outstanding,
    ),
];
