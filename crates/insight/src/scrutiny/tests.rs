//! The scrutiny report on hand-built histories, and its suppression, worked out by hand.

use chrono::{NaiveDate, TimeZone, Utc};

use careful_domain::codes::*;
use careful_domain::record::*;
use careful_domain::{CarerId, EventId, RecordedAt, RecordedBy, Sequence, SystemProcess, WorkerId};

use super::*;

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

const YEAR: Period =
    Period { from: NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(), to: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap() };

/// A child looked after from 1 January 2025, with `events` after.
fn looked_after_child(n: u8, events: &[(&str, ChildEvent)]) -> ChildRecord {
    let details = PersonalDetails {
        given_name: "Test".into(),
        family_name: "Child".into(),
        date_of_birth: Some(d("2014-01-01")),
        expected_date_of_birth: None,
        sex: Sex::Male,
        ethnicity: Ethnicity::WhiteBritish,
        upn: None,
        upn_unknown: None,
        nhs_number: None,
        disabilities: vec![],
    };
    let mut all = vec![
        ("2025-01-01", ChildEvent::ChildRegistered { la_child_id: format!("S{n}").parse().unwrap(), details }),
        (
            "2025-01-01",
            ChildEvent::BecameLookedAfter {
                legal_status: LegalStatus::FullCareOrder,
                placement: Placement {
                    placement_type: PlacementType::FosterOtherOther,
                    provider: Some(PlacementProvider::OwnProvision),
                    postcode: None,
                    urn: None,
                    carer: CarerId::from_random_bytes([n; 16]),
                },
                category_of_need: Need::AbuseOrNeglect,
                home_postcode: None,
                previous_permanence: None,
            },
        ),
        ("2025-01-02", ChildEvent::IroAppointed { iro: WorkerId::from_random_bytes([99; 16]) }),
    ];
    all.extend(events.iter().cloned());
    let entries: Vec<Entry> = all
        .into_iter()
        .enumerate()
        .map(|(i, (date, event))| Entry {
            id: EventId::from_random_bytes([i as u8 + 1; 16]),
            sequence: Sequence::new(i as u64 + 1),
            effective_date: d(date),
            recorded_at: RecordedAt::new(Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap()),
            recorded_by: RecordedBy::System(SystemProcess::Import),
            reason: None,
            manager_override: None,
            event,
        })
        .collect();
    fold(&entries).unwrap()
}

fn report(records: &[ChildRecord]) -> ScrutinyReport {
    let mut counts = Scrutiny::default();
    let mut indicators = Indicators::default();
    for r in records {
        counts.add(YEAR, r, &[]);
        indicators.add(YEAR, r);
    }
    counts.report(YEAR, &indicators)
}

fn line<'a>(report: &'a ScrutinyReport, label: &str) -> &'a Line {
    report.sections.iter().flat_map(|s| &s.lines).find(|l| l.label == label).unwrap_or_else(|| panic!("{label}"))
}

fn raised() -> ChildEvent {
    ChildEvent::IroConcernRaised { concern: "Plan drifting".into() }
}

#[test]
fn counts_from_1_to_4_are_suppressed_and_5_is_shown() {
    assert_eq!(Published::of(0), Published::Count(0));
    assert_eq!(Published::of(1), Published::Suppressed);
    assert_eq!(Published::of(4), Published::Suppressed);
    assert_eq!(Published::of(5), Published::Count(5));
    assert_eq!(Published::Suppressed.text(), "c");
}

#[test]
fn one_suppressed_count_in_a_group_takes_the_next_smallest_with_it() {
    use Published::*;
    // 3 could be worked out as 20 - 9 - 8: the 8 is suppressed too.
    assert_eq!(suppress_group(&[9, 3, 8, 0], 20), vec![Count(9), Suppressed, Suppressed, Count(0)]);
    // Two already suppressed: nothing more.
    assert_eq!(suppress_group(&[12, 3, 2], 17), vec![Count(12), Suppressed, Suppressed]);
    // None suppressed.
    assert_eq!(suppress_group(&[5, 6], 11), vec![Count(5), Count(6)]);
    // A hidden total hides every share of it but the zeros.
    assert_eq!(suppress_group(&[3, 0, 1], 4), vec![Suppressed, Count(0), Suppressed]);
}

#[test]
fn iro_concerns_by_furthest_stage_and_outcome_with_small_counts_suppressed() {
    // Six concerns raised in the year: five settled informally, one taken to the service
    // manager and referred to Cafcass. The one would identify a child: it is suppressed, and so
    // is the five beside it (else 6 - 5 = 1 gives it away).
    let mut records = Vec::new();
    for n in 0..5 {
        records.push(looked_after_child(
            n,
            &[
                ("2025-06-02", raised()),
                ("2025-06-09", ChildEvent::IroConcernResolved { outcome: DisputeOutcome::Resolved }),
            ],
        ));
    }
    records.push(looked_after_child(
        9,
        &[
            ("2025-06-02", raised()),
            ("2025-06-20", ChildEvent::IroConcernEscalated { stage: DisputeStage::TeamManager }),
            ("2025-07-20", ChildEvent::IroConcernEscalated { stage: DisputeStage::ServiceManager }),
            ("2026-03-31", ChildEvent::IroConcernResolved { outcome: DisputeOutcome::ReferredToCafcass }),
        ],
    ));
    let r = report(&records);
    assert_eq!(line(&r, "Concerns raised by IROs in the period").count, Published::Count(6));
    assert_eq!(line(&r, "Furthest stage reached: informal resolution").count, Published::Suppressed);
    assert_eq!(line(&r, "Furthest stage reached: service manager").count, Published::Suppressed);
    assert_eq!(line(&r, "Furthest stage reached: team manager").count, Published::Count(0));
    assert_eq!(line(&r, "Ended: resolved").count, Published::Suppressed);
    assert_eq!(line(&r, "Ended: referred to Cafcass").count, Published::Suppressed);
    assert_eq!(line(&r, "Concerns still open at the end of the period").count, Published::Count(0));
    assert_eq!(line(&r, "Children looked after at the end of the period").count, Published::Count(6));
}

#[test]
fn significant_changes_count_the_iro_consulted_on_or_before_approval() {
    let manager = WorkerId::from_random_bytes([7; 16]);
    let proposed = || ChildEvent::CarePlanChangeProposed { change: "Move".into(), significant: true, proposes: None };
    let approved = || ChildEvent::CarePlanChangeApproved { approved_by: manager };
    let mut records = Vec::new();
    // Three consulted the day before approval, two on the day: five of five.
    for n in 0..3 {
        records.push(looked_after_child(
            n,
            &[("2025-05-01", proposed()), ("2025-05-02", ChildEvent::IroConsulted {}), ("2025-05-03", approved())],
        ));
    }
    for n in 3..5 {
        records.push(looked_after_child(
            n,
            &[("2025-05-01", proposed()), ("2025-05-03", ChildEvent::IroConsulted {}), ("2025-05-03", approved())],
        ));
    }
    let first_five = line(
        &report(&records),
        "Significant changes to care plans approved with the IRO consulted first, of all approved",
    )
    .clone();
    assert_eq!((first_five.count, first_five.of), (Published::Count(5), Some(Published::Count(5))));
    assert_eq!(first_five.percent(), Some(100.0));
    // A sixth approved with no IRO consulted: 5 of 6, 83.3%.
    records.push(looked_after_child(6, &[("2025-05-01", proposed()), ("2025-05-03", approved())]));
    let six = line(
        &report(&records),
        "Significant changes to care plans approved with the IRO consulted first, of all approved",
    )
    .clone();
    assert_eq!((six.count, six.of), (Published::Count(5), Some(Published::Count(6))));
    assert!((six.percent().unwrap() - 500.0 / 6.0).abs() < 1e-9);
    // With only four changes, the share is suppressed and has no percentage.
    let few = line(
        &report(&records[..4]),
        "Significant changes to care plans approved with the IRO consulted first, of all approved",
    )
    .clone();
    assert_eq!((few.count, few.of, few.percent()), (Published::Suppressed, Some(Published::Suppressed), None));
}

#[test]
fn complaints_and_advocacy_of_children_in_care_only() {
    let received = |stage| ChildEvent::ComplaintReceived { stage, summary: "Contact".into() };
    let mut records = Vec::new();
    for n in 0..6 {
        records.push(looked_after_child(
            n,
            &[
                ("2025-09-01", received(ComplaintStage::LocalResolution)),
                (
                    "2025-09-05",
                    ChildEvent::ComplaintResponded {
                        stage: ComplaintStage::LocalResolution,
                        finding: if n < 5 { ComplaintFinding::Upheld } else { ComplaintFinding::NotUpheld },
                    },
                ),
                ("2025-09-01", ChildEvent::AdvocacyOffered { accepted: n % 2 == 0 }),
            ],
        ));
    }
    // A complaint made before the year is not counted as received, nor its offer.
    records.push(looked_after_child(
        8,
        &[
            ("2025-03-01", received(ComplaintStage::LocalResolution)),
            ("2025-03-01", ChildEvent::AdvocacyOffered { accepted: true }),
        ],
    ));
    let r = report(&records);
    assert_eq!(line(&r, "Complaints received from children in care and care leavers").count, Published::Count(6));
    assert_eq!(line(&r, "Stage 1 (local resolution)").count, Published::Count(6));
    assert_eq!(line(&r, "Upheld").count, Published::Suppressed);
    assert_eq!(line(&r, "Not upheld").count, Published::Suppressed);
    assert_eq!(line(&r, "Offers of an advocate in the period").count, Published::Count(6));
    // 3 of 6 taken up: 3 is suppressed.
    assert_eq!(line(&r, "Offers taken up, of offers made").count, Published::Suppressed);
}
