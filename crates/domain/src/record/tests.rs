use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::*;
use crate::codes::*;
use crate::event::{RecordedAt, RecordedBy, Sequence, SystemProcess};
use crate::ids::{CarerId, ChildId, EventId, PersonId, TeamId, WorkerId};

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn dt(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

fn details(dob: &str) -> PersonalDetails {
    PersonalDetails {
        given_name: "Amara".into(),
        family_name: "Okafor".into(),
        date_of_birth: Some(d(dob)),
        expected_date_of_birth: None,
        sex: Sex::Female,
        ethnicity: Ethnicity::BlackAfrican,
        upn: None,
        upn_unknown: Some(UpnUnknown::Under6NotAtSchool),
        nhs_number: None,
        disabilities: vec![],
    }
}

/// A child's record built event by event, in recording order.
struct Journey {
    entries: Vec<Entry>,
}

impl Journey {
    fn new(registered: &str, dob: &str) -> Journey {
        let mut j = Journey { entries: Vec::new() };
        j.at(
            registered,
            ChildEvent::ChildRegistered { la_child_id: "EM000001".parse().unwrap(), details: details(dob) },
        );
        j
    }

    fn entry(&self, date: &str, event: ChildEvent, reason: Option<&str>) -> Entry {
        Entry {
            id: EventId::new(),
            sequence: Sequence::new(self.entries.len() as u64 + 1),
            effective_date: d(date),
            recorded_at: RecordedAt::new(Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap()),
            recorded_by: RecordedBy::System(SystemProcess::Import),
            reason: reason.map(|r| crate::event::Reason::parse(r).unwrap()),
            manager_override: None,
            event,
        }
    }

    fn at(&mut self, date: &str, event: ChildEvent) -> EventId {
        let e = self.entry(date, event, None);
        let id = e.id;
        self.entries.push(e);
        id
    }

    fn correct(
        &mut self,
        date: &str,
        corrects: EventId,
        replacement: Option<ChildEvent>,
        replacement_date: Option<&str>,
    ) -> EventId {
        let e = self.entry(
            date,
            ChildEvent::EventCorrected {
                corrects,
                replacement: replacement.map(Box::new),
                replacement_date: replacement_date.map(d),
            },
            Some("the date was typed wrongly"),
        );
        let id = e.id;
        self.entries.push(e);
        id
    }

    fn fold(&self) -> Result<ChildRecord, RecordError> {
        fold(&self.entries)
    }

    fn record(&self) -> ChildRecord {
        self.fold().unwrap_or_else(|e| panic!("{e}"))
    }

    /// Folds with one more event and returns the error, which must name `field`.
    fn refuses(&self, date: &str, event: ChildEvent, field: &str) -> String {
        let mut entries = self.entries.clone();
        entries.push(self.entry(date, event.clone(), None));
        match fold(&entries) {
            Ok(_) => panic!("{event:?} on {date} was accepted"),
            Err(e) => {
                assert_eq!(e.field, field, "{e}");
                assert!(e.to_string().contains(field), "the message names the field: {e}");
                e.to_string()
            }
        }
    }
}

fn carer(n: u8) -> CarerId {
    CarerId::from_random_bytes([n; 16])
}

fn placement(kind: PlacementType, carer_n: u8) -> Placement {
    Placement {
        placement_type: kind,
        provider: kind.has_provider().then_some(if kind == PlacementType::WithParents {
            PlacementProvider::Parents
        } else {
            PlacementProvider::OwnProvision
        }),
        postcode: Some("EM1 4QT".parse().unwrap()),
        urn: None,
        carer: carer(carer_n),
    }
}

fn looked_after(ls: LegalStatus, kind: PlacementType, carer_n: u8) -> ChildEvent {
    ChildEvent::BecameLookedAfter {
        legal_status: ls,
        placement: placement(kind, carer_n),
        category_of_need: Need::AbuseOrNeglect,
        home_postcode: Some("EM2 1AB".parse().unwrap()),
        previous_permanence: None,
    }
}

fn moved(kind: PlacementType, carer_n: u8, reason: ReasonPlaceChange) -> ChildEvent {
    ChildEvent::PlacementChanged {
        placement: placement(kind, carer_n),
        reason,
        notice: Some(CarerNotice::Emergency {
            reason: "the carer asked for the child to move that day".into(),
            ground: None,
            authorised_by: None,
        }),
    }
}

fn status(ls: LegalStatus) -> ChildEvent {
    ChildEvent::LegalStatusChanged { legal_status: ls }
}

fn ceased(reason: ReasonEpisodeCeased) -> ChildEvent {
    ChildEvent::CeasedToBeLookedAfter { reason, notice: None }
}

/// Episodes as `DECOM RNE LS PLACE DEC REC REASON_PLACE_CHANGE`, `-` for blank.
fn episodes(j: &Journey) -> Vec<String> {
    j.record()
        .episodes()
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {} {} {} {}",
                e.start,
                e.reason_new.code(),
                e.legal_status.code(),
                e.placement.placement_type.code(),
                e.end.map_or("-".into(), |x| x.to_string()),
                e.reason_ceased.map_or("-", |r| r.code()),
                e.reason_place_change.map_or("-", |r| r.code()),
            )
        })
        .collect()
}

use LegalStatus::*;
use PlacementType::*;
use ReasonEpisodeCeased as Rec;
use ReasonPlaceChange as Why;

// ------------------------------------------------------------------ 903 episodes by hand

#[test]
fn journey_01_one_open_episode() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    j.at("2025-04-01", looked_after(InterimCareOrder, FosterOtherOther, 1));
    assert_eq!(episodes(&j), ["2025-04-01 S C1 U6 - - -"]);
}

#[test]
fn journey_02_legal_status_change_without_a_placement_change() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    j.at("2025-04-01", looked_after(InterimCareOrder, FosterOtherOther, 1));
    j.at("2025-06-10", status(FullCareOrder));
    assert_eq!(episodes(&j), ["2025-04-01 S C1 U6 2025-06-10 X1 -", "2025-06-10 L C2 U6 - - -"]);
}

#[test]
fn journey_03_placement_and_carer_change() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    j.at("2025-04-01", looked_after(Section20SinglePeriod, FosterOtherOther, 1));
    j.at("2025-07-01", moved(FosterOtherOther, 2, Why::CarerRequestBehaviour));
    assert_eq!(episodes(&j), ["2025-04-01 S V2 U6 2025-07-01 X1 CREQB", "2025-07-01 P V2 U6 - - -"]);
}

#[test]
fn journey_04_placement_change_with_the_same_carer() {
    // Short-term fostering becomes long-term with the same carers.
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    j.at("2025-04-01", looked_after(FullCareOrder, FosterOtherOther, 1));
    j.at("2025-09-15", moved(FosterOtherLongTerm, 1, Why::StatusChangeOnly));
    assert_eq!(episodes(&j), ["2025-04-01 S C2 U6 2025-09-15 X1 PLACE", "2025-09-15 T C2 U4 - - -"]);
}

#[test]
fn journey_05_legal_status_and_placement_same_day_same_carer() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    j.at("2025-04-01", looked_after(InterimCareOrder, FosterOtherOther, 1));
    j.at("2025-10-01", status(FullCareOrder));
    j.at("2025-10-01", moved(FosterOtherLongTerm, 1, Why::CarePlan));
    assert_eq!(episodes(&j), ["2025-04-01 S C1 U6 2025-10-01 X1 CARPL", "2025-10-01 U C2 U4 - - -"]);
}

#[test]
fn journey_06_legal_status_placement_and_carer_same_day_either_order() {
    for placement_first in [false, true] {
        let mut j = Journey::new("2025-04-01", "2015-06-01");
        j.at("2025-04-01", looked_after(Section20SinglePeriod, FosterOtherOther, 1));
        if placement_first {
            j.at("2025-11-03", moved(ChildrensHome, 7, Why::CarerRequestOther));
            j.at("2025-11-03", status(InterimCareOrder));
        } else {
            j.at("2025-11-03", status(InterimCareOrder));
            j.at("2025-11-03", moved(ChildrensHome, 7, Why::CarerRequestOther));
        }
        assert_eq!(
            episodes(&j),
            ["2025-04-01 S V2 U6 2025-11-03 X1 CREQO", "2025-11-03 B C1 K2 - - -"],
            "{placement_first}"
        );
    }
}

#[test]
fn journey_07_changes_that_cancel_out_on_the_same_day_make_no_episode() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    j.at("2025-04-01", looked_after(FullCareOrder, FosterOtherOther, 1));
    j.at("2025-05-05", moved(FosterOtherOther, 2, Why::Other));
    j.at("2025-05-05", moved(FosterOtherOther, 1, Why::Other));
    assert_eq!(episodes(&j), ["2025-04-01 S C2 U6 - - -"]);
}

#[test]
fn journey_08_two_moves_on_one_day_make_one_episode() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    j.at("2025-04-01", looked_after(FullCareOrder, FosterOtherOther, 1));
    j.at("2025-05-05", moved(FosterOtherOther, 2, Why::ApprovalRemoved));
    j.at("2025-05-05", moved(ChildrensHome, 3, Why::ChildRequest));
    assert_eq!(episodes(&j), ["2025-04-01 S C2 U6 2025-05-05 X1 CHILD", "2025-05-05 P C2 K2 - - -"]);
}

#[test]
fn journey_09_return_home_then_re_entry() {
    let mut j = Journey::new("2025-04-01", "2012-02-29");
    j.at("2025-04-01", looked_after(Section20SinglePeriod, FosterOtherOther, 1));
    j.at("2025-08-01", ceased(Rec::ReturnedHomePlanned));
    j.at("2025-12-01", looked_after(InterimCareOrder, ChildrensHome, 4));
    assert_eq!(episodes(&j), ["2025-04-01 S V2 U6 2025-08-01 E4A -", "2025-12-01 S C1 K2 - - -"]);
}

#[test]
fn journey_10_leaving_and_returning_on_the_same_day_continues_the_period() {
    let mut j = Journey::new("2025-04-01", "2012-02-29");
    j.at("2025-04-01", looked_after(Section20SinglePeriod, FosterOtherOther, 1));
    j.at("2025-08-01", ceased(Rec::ReturnedHomeUnplanned));
    j.at("2025-08-01", looked_after(InterimCareOrder, FosterOtherOther, 1));
    assert_eq!(episodes(&j), ["2025-04-01 S V2 U6 2025-08-01 X1 -", "2025-08-01 L C1 U6 - - -"]);
}

#[test]
fn journey_11_temporary_placement_needs_no_reason_when_it_ends() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    j.at("2025-04-01", looked_after(FullCareOrder, FosterOtherLongTerm, 1));
    j.at("2025-06-01", moved(TemporaryHospital, 9, Why::Other));
    j.at("2025-06-09", moved(FosterOtherLongTerm, 1, Why::Other));
    assert_eq!(
        episodes(&j),
        ["2025-04-01 S C2 U4 2025-06-01 X1 OTHER", "2025-06-01 P C2 T1 2025-06-09 X1 -", "2025-06-09 P C2 U4 - - -"]
    );
}

#[test]
fn journey_12_changes_on_consecutive_days() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    j.at("2025-04-01", looked_after(InterimCareOrder, FosterOtherOther, 1));
    j.at("2025-07-10", status(FullCareOrder));
    j.at("2025-07-11", moved(FosterRelativeOther, 5, Why::CarePlan));
    assert_eq!(
        episodes(&j),
        ["2025-04-01 S C1 U6 2025-07-10 X1 -", "2025-07-10 L C2 U6 2025-07-11 X1 CARPL", "2025-07-11 P C2 U3 - - -"]
    );
}

#[test]
fn journey_13_adoption_with_foster_carers() {
    // Fostering for adoption (U5), placement order (E1), placed with the same carers (A5),
    // adopted (E11).
    let mut j = Journey::new("2024-10-01", "2024-09-20");
    j.at("2024-10-01", looked_after(InterimCareOrder, FosterOtherForAdoption, 2));
    j.at("2025-03-03", ChildEvent::AdoptionDecisionMade {});
    j.at("2025-05-12", status(PlacementOrder));
    j.at(
        "2025-06-02",
        ChildEvent::MatchedWithAdopters {
            adopters: 2,
            sex: AdopterSex::MaleAndFemale,
            legal_status: AdopterLegalStatus::MarriedDifferentSex,
            foster_carers: true,
        },
    );
    j.at("2025-06-16", moved(AdoptionPlacementOrderCurrentCarers, 2, Why::CarePlan));
    j.at("2026-01-20", ceased(Rec::AdoptedUnopposed));
    assert_eq!(
        episodes(&j),
        [
            "2024-10-01 S C1 U5 2025-05-12 X1 -",
            "2025-05-12 L E1 U5 2025-06-16 X1 CARPL",
            "2025-06-16 T E1 A5 2026-01-20 E11 -",
        ]
    );
    let r = j.record();
    assert_eq!(r.adoption_decisions[0].matched.as_ref().unwrap().date, d("2025-06-02"));
}

#[test]
fn journey_14_looked_after_for_less_than_a_day() {
    let mut j = Journey::new("2025-04-01", "2010-06-01");
    j.at("2025-09-09", looked_after(PoliceProtection, FosterOtherOther, 1));
    j.at("2025-09-09", ceased(Rec::PersonWithoutParentalResponsibility));
    assert_eq!(episodes(&j), ["2025-09-09 S L1 U6 2025-09-09 E13 -"]);
}

#[test]
fn journey_15_two_separate_periods_across_collection_years() {
    let mut j = Journey::new("2023-01-01", "2011-03-01");
    j.at("2023-02-14", looked_after(Section20SinglePeriod, ChildrensHome, 3));
    j.at("2023-05-01", ceased(Rec::ReturnedHomePlanned));
    j.at("2025-03-31", looked_after(Section20SinglePeriod, ChildrensHome, 3));
    j.at("2025-04-01", status(InterimCareOrder));
    assert_eq!(
        episodes(&j),
        ["2023-02-14 S V2 K2 2023-05-01 E4A -", "2025-03-31 S V2 K2 2025-04-01 X1 -", "2025-04-01 L C1 K2 - - -"]
    );
}

#[test]
fn journey_16_emergency_protection_to_care_order() {
    // Police protection, then an emergency protection order, then an interim care order with a
    // move, then a full care order.
    let mut j = Journey::new("2025-05-01", "2019-01-15");
    j.at("2025-05-02", looked_after(PoliceProtection, FosterOtherOther, 1));
    j.at("2025-05-04", status(EmergencyProtectionOrder));
    j.at("2025-05-12", status(InterimCareOrder));
    j.at("2025-05-12", moved(FosterRelativeOther, 6, Why::CarePlan));
    j.at("2025-11-20", status(FullCareOrder));
    assert_eq!(
        episodes(&j),
        [
            "2025-05-02 S L1 U6 2025-05-04 X1 -",
            "2025-05-04 L L2 U6 2025-05-12 X1 CARPL",
            "2025-05-12 B C1 U3 2025-11-20 X1 -",
            "2025-11-20 L C2 U3 - - -",
        ]
    );
}

#[test]
fn journey_17_move_between_childrens_homes() {
    let mut j = Journey::new("2025-04-01", "2010-06-01");
    let mut home_a = placement(ChildrensHome, 3);
    home_a.provider = Some(PlacementProvider::Private);
    home_a.urn = Some("SC123456".parse().unwrap());
    let mut home_b = home_a.clone();
    home_b.urn = Some("SC654321".parse().unwrap());
    home_b.carer = carer(4);
    j.at(
        "2025-04-01",
        ChildEvent::BecameLookedAfter {
            legal_status: FullCareOrder,
            placement: home_a,
            category_of_need: Need::FamilyDysfunction,
            home_postcode: None,
            previous_permanence: Some(PreviousPermanence::None),
        },
    );
    j.at("2025-08-18", ChildEvent::PlacementChanged { placement: home_b, reason: Why::ProviderClosed, notice: None });
    assert_eq!(episodes(&j), ["2025-04-01 S C2 K2 2025-08-18 X1 CLOSE", "2025-08-18 P C2 K2 - - -"]);
    let e = &j.record().episodes()[1];
    assert_eq!(e.placement.urn.as_ref().unwrap().to_string(), "SC654321");
    assert_eq!(e.category_of_need, Need::FamilyDysfunction);
}

#[test]
fn journey_18_foster_carers_move_house() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    j.at("2025-04-01", looked_after(FullCareOrder, FosterOtherLongTerm, 1));
    let mut new_home = placement(FosterOtherLongTerm, 1);
    new_home.postcode = Some("EM9 9ZZ".parse().unwrap());
    j.at("2025-10-10", ChildEvent::PlacementChanged { placement: new_home, reason: Why::Other, notice: None });
    assert_eq!(episodes(&j), ["2025-04-01 S C2 U4 2025-10-10 X1 OTHER", "2025-10-10 T C2 U4 - - -"]);
}

#[test]
fn journey_19_staying_put_at_18() {
    let mut j = Journey::new("2020-01-01", "2007-12-03");
    j.at("2020-01-10", looked_after(Section20SinglePeriod, FosterOtherOther, 1));
    j.at("2020-03-01", status(InterimCareOrder));
    j.at("2020-09-01", status(FullCareOrder));
    j.at("2021-06-30", moved(FosterOtherLongTerm, 2, Why::CarePlan));
    j.at("2025-12-03", ceased(Rec::StayingPut));
    j.at("2025-12-03", ChildEvent::StayingPutAgreed {});
    assert_eq!(
        episodes(&j),
        [
            "2020-01-10 S V2 U6 2020-03-01 X1 -",
            "2020-03-01 L C1 U6 2020-09-01 X1 -",
            "2020-09-01 L C2 U6 2021-06-30 X1 CARPL",
            "2021-06-30 P C2 U4 2025-12-03 E17 -",
        ]
    );
    let r = j.record();
    assert_eq!(r.care_leaver_status(d("2025-12-04")), Some(CareLeaverStatus::FormerRelevant));
    assert_eq!(r.status(d("2025-12-04")).headline(), "Care leaver");
}

#[test]
fn journey_20_recorded_out_of_order_is_applied_in_date_order() {
    // The move is recorded before the legal status change that happened earlier.
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    j.at("2025-04-01", looked_after(InterimCareOrder, FosterOtherOther, 1));
    j.at("2025-09-01", moved(FosterOtherOther, 2, Why::CarerRequestOther));
    j.at("2025-08-01", status(FullCareOrder));
    assert_eq!(
        episodes(&j),
        ["2025-04-01 S C1 U6 2025-08-01 X1 -", "2025-08-01 L C2 U6 2025-09-01 X1 CREQO", "2025-09-01 P C2 U6 - - -"]
    );
}

#[test]
fn journey_21_a_corrected_move_date_moves_the_episode_boundary() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    j.at("2025-04-01", looked_after(FullCareOrder, FosterOtherOther, 1));
    let wrong = j.at("2025-07-01", moved(FosterOtherOther, 2, Why::CarePlan));
    j.correct("2025-07-20", wrong, Some(moved(FosterOtherOther, 2, Why::CarePlan)), Some("2025-07-10"));
    assert_eq!(episodes(&j), ["2025-04-01 S C2 U6 2025-07-10 X1 CARPL", "2025-07-10 P C2 U6 - - -"]);
    let r = j.record();
    assert_eq!(r.corrections.len(), 1);
    let lines = r.chronology();
    let line = lines.iter().find(|l| l.corrects == Some(wrong)).unwrap();
    assert_eq!(line.date, d("2025-07-10"));
    assert_eq!(line.reason.as_ref().unwrap().as_str(), "the date was typed wrongly");
}

#[test]
fn journey_22_a_withdrawn_period_of_care_leaves_no_episodes() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    let wrong = j.at("2025-04-01", looked_after(FullCareOrder, FosterOtherOther, 1));
    j.correct("2025-04-02", wrong, None, None);
    assert_eq!(episodes(&j), Vec::<String>::new());
    assert!(!j.record().status(d("2025-04-02")).looked_after);
}

// ------------------------------------------------------------------ impossible events are refused

/// A child with an open referral, for the tests below.
fn referred() -> Journey {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    j.at("2025-04-01", ChildEvent::ContactReceived { source: ReferralSource::School });
    j.at("2025-04-01", ChildEvent::ContactDecided { outcome: ContactOutcome::Referral });
    j.at(
        "2025-04-02",
        ChildEvent::ReferralReceived { source: ReferralSource::School, primary_need: Need::AbuseOrNeglect },
    );
    j
}

fn in_care() -> Journey {
    let mut j = referred();
    j.at("2025-05-01", looked_after(Section20SinglePeriod, FosterOtherOther, 1));
    j
}

#[test]
fn refuses_a_second_registration_and_bad_details() {
    let j = Journey::new("2025-04-01", "2015-06-01");
    j.refuses(
        "2025-04-02",
        ChildEvent::ChildRegistered { la_child_id: "EM2".parse().unwrap(), details: details("2015-06-01") },
        "kind",
    );
    let mut nameless = details("2015-06-01");
    nameless.given_name = " ".into();
    j.refuses("2025-04-02", ChildEvent::PersonalDetailsUpdated { details: nameless }, "details.given_name");
    let mut both = details("2015-06-01");
    both.expected_date_of_birth = Some(d("2015-06-01"));
    j.refuses("2025-04-02", ChildEvent::PersonalDetailsUpdated { details: both }, "details.expected_date_of_birth");
    let mut twice = details("2015-06-01");
    twice.disabilities = vec![Disability::Hearing, Disability::Hearing];
    j.refuses("2025-04-02", ChildEvent::PersonalDetailsUpdated { details: twice }, "details.disabilities");
    j.refuses("2025-04-02", ChildEvent::ChildBorn { date_of_birth: d("2015-06-01"), sex: Sex::Male }, "date_of_birth");
    let mut died = Journey::new("2025-04-01", "2015-06-01");
    died.at("2025-04-10", ChildEvent::ChildDied {});
    died.refuses("2025-04-10", ChildEvent::ChildDied {}, "kind");
    died.refuses("2025-04-12", ChildEvent::ContactReceived { source: ReferralSource::Police }, "date");
}

#[test]
fn refuses_events_before_the_child_became_known_and_care_before_birth() {
    let j = Journey::new("2025-04-01", "2015-06-01");
    j.refuses(
        "2025-03-31",
        ChildEvent::AddressChanged {
            address: Address {
                street: "1 High Street".into(),
                town: "Eastmoor".into(),
                postcode: "EM1 1AA".parse().unwrap(),
            },
        },
        "date",
    );
    let mut unborn = Journey { entries: Vec::new() };
    let mut expected = details("2026-01-01");
    expected.date_of_birth = None;
    expected.expected_date_of_birth = Some(d("2026-01-01"));
    unborn.at("2025-10-01", ChildEvent::ChildRegistered { la_child_id: "EM9".parse().unwrap(), details: expected });
    unborn.refuses("2025-11-01", looked_after(PoliceProtection, FosterOtherOther, 1), "date");
    // A pre-birth referral and plan are allowed.
    unborn.at(
        "2025-10-02",
        ChildEvent::ReferralReceived { source: ReferralSource::HealthVisitor, primary_need: Need::AbuseOrNeglect },
    );
    unborn.fold().unwrap();
    // A birth recorded after what happened that day (care from birth, recorded before the
    // birth was) is still the day's first event.
    unborn.at("2026-01-03", looked_after(PoliceProtection, FosterOtherOther, 1));
    unborn.at("2026-01-03", ChildEvent::ChildBorn { date_of_birth: d("2026-01-03"), sex: Sex::Female });
    let born = unborn.fold().unwrap();
    assert_eq!(born.details.date_of_birth, Some(d("2026-01-03")));
    assert_eq!(born.care_periods.len(), 1);
}

#[test]
fn child_protection_plans_before_the_record_are_recorded_once() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    j.refuses("2025-04-02", ChildEvent::ChildProtectionPlansBeforeRecord { count: 0 }, "count");
    j.at("2025-04-02", ChildEvent::ChildProtectionPlansBeforeRecord { count: 2 });
    j.refuses("2025-04-03", ChildEvent::ChildProtectionPlansBeforeRecord { count: 1 }, "kind");
    assert_eq!(j.record().cp_plans_before_record, 2);
}

#[test]
fn refuses_people_and_sibling_mistakes() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    let person = RelatedPerson {
        person: PersonId::from_random_bytes([1; 16]),
        name: "Grace Okafor".into(),
        relationship: Relationship::Mother,
        parental_responsibility: true,
        date_of_birth: None,
    };
    j.refuses(
        "2025-04-02",
        ChildEvent::PersonRecorded { person: RelatedPerson { name: "".into(), ..person.clone() } },
        "person.name",
    );
    j.at("2025-04-02", ChildEvent::PersonRecorded { person: person.clone() });
    j.refuses("2025-04-03", ChildEvent::PersonRecorded { person }, "person.person");
    let sibling = ChildId::from_random_bytes([2; 16]);
    j.at("2025-04-02", ChildEvent::SiblingLinked { sibling });
    j.refuses("2025-04-03", ChildEvent::SiblingLinked { sibling }, "sibling");
    j.refuses("2025-04-03", ChildEvent::UascStatusChanged { uasc: false }, "uasc");
}

#[test]
fn refuses_front_door_events_out_of_turn() {
    let j = Journey::new("2025-04-01", "2015-06-01");
    j.refuses("2025-04-02", ChildEvent::ContactDecided { outcome: ContactOutcome::Referral }, "outcome");
    j.refuses("2025-04-02", ChildEvent::ReferralNoFurtherAction {}, "date");
    j.refuses("2025-04-02", ChildEvent::AssessmentStarted {}, "date");
    let r = referred();
    r.refuses(
        "2025-04-03",
        ChildEvent::ReferralReceived { source: ReferralSource::Police, primary_need: Need::AbuseOrNeglect },
        "date",
    );
}

#[test]
fn refuses_an_assessment_authorised_before_it_started() {
    let mut j = referred();
    j.at("2025-04-08", ChildEvent::AssessmentStarted {});
    let message = j.refuses(
        "2025-04-07",
        ChildEvent::AssessmentAuthorised { factors: vec![], outcome: AssessmentOutcome::NoFurtherAction },
        "date",
    );
    assert!(message.contains("no assessment in progress"), "{message}");
    // An assessment cannot start before its referral.
    let r = referred();
    r.refuses("2025-04-01", ChildEvent::AssessmentStarted {}, "date");
    j.refuses(
        "2025-05-07",
        ChildEvent::AssessmentAuthorised {
            factors: vec![AssessmentFactor::NoFactors, AssessmentFactor::Neglect],
            outcome: AssessmentOutcome::ChildInNeed,
        },
        "factors",
    );
    j.refuses("2025-05-07", ChildEvent::AssessmentStarted {}, "kind");
}

#[test]
fn refuses_child_in_need_plan_events_without_a_plan() {
    let j = referred();
    j.refuses("2025-05-01", ChildEvent::CinPlanReviewed {}, "date");
    j.refuses("2025-05-01", ChildEvent::CinPlanEnded {}, "date");
    Journey::new("2025-04-01", "2015-06-01").refuses("2025-05-01", ChildEvent::CinPlanStarted {}, "date");
}

#[test]
fn refuses_child_protection_events_out_of_turn() {
    let mut j = referred();
    Journey::new("2025-04-01", "2015-06-01").refuses(
        "2025-05-01",
        ChildEvent::StrategyDiscussionHeld { section_47: true },
        "date",
    );
    j.refuses("2025-04-03", ChildEvent::Section47Started {}, "kind");
    j.refuses("2025-04-03", ChildEvent::Section47Completed { outcome: Section47Outcome::NoFurtherAction }, "date");
    j.refuses("2025-04-03", ChildEvent::InitialConferenceHeld { plan_required: true }, "kind");
    j.refuses("2025-04-03", ChildEvent::ChildProtectionPlanStarted { category: CategoryOfAbuse::Neglect }, "date");
    j.refuses("2025-04-03", ChildEvent::CoreGroupMeetingHeld {}, "date");
    j.refuses(
        "2025-04-03",
        ChildEvent::ReviewConferenceHeld { decision: ReviewConferenceDecision::EndPlan, category: None },
        "date",
    );
    j.refuses("2025-04-03", ChildEvent::ChildProtectionPlanEnded {}, "date");
    // The whole path, then a plan on a day no conference decided one.
    j.at("2025-04-03", ChildEvent::StrategyDiscussionHeld { section_47: true });
    j.at("2025-04-03", ChildEvent::Section47Started {});
    j.at("2025-04-15", ChildEvent::Section47Completed { outcome: Section47Outcome::ConferenceRequired });
    j.at("2025-04-24", ChildEvent::InitialConferenceHeld { plan_required: true });
    j.refuses("2025-04-25", ChildEvent::ChildProtectionPlanStarted { category: CategoryOfAbuse::Neglect }, "date");
    j.at("2025-04-24", ChildEvent::ChildProtectionPlanStarted { category: CategoryOfAbuse::Neglect });
    j.refuses("2025-04-30", ChildEvent::CinPlanStarted {}, "kind");
    let r = j.record();
    assert!(r.status(d("2025-04-24")).child_protection_plan);
}

#[test]
fn refuses_a_placement_code_dfe_does_not_accept_that_year() {
    let j = referred();
    let message = j.refuses("2025-05-01", looked_after(Section20SinglePeriod, Other, 1), "placement.type");
    assert!(message.contains("not accepted by DfE in 2025-26"), "{message}");
    // Z1 was still accepted in 2024-25.
    let mut early = Journey::new("2024-04-01", "2015-06-01");
    early.at("2025-03-31", looked_after(Section20SinglePeriod, Other, 1));
    early.fold().unwrap();
    // A provider is needed, or not, by type.
    let mut no_provider = placement(FosterOtherOther, 1);
    no_provider.provider = None;
    j.refuses(
        "2025-05-01",
        ChildEvent::BecameLookedAfter {
            legal_status: Section20SinglePeriod,
            placement: no_provider,
            category_of_need: Need::AbuseOrNeglect,
            home_postcode: None,
            previous_permanence: None,
        },
        "placement.provider",
    );
    j.refuses(
        "2025-05-01",
        ChildEvent::BecameLookedAfter {
            legal_status: Section20SinglePeriod,
            placement: placement(FosterOtherOther, 1),
            category_of_need: Need::NotStated,
            home_postcode: None,
            previous_permanence: None,
        },
        "category_of_need",
    );
}

#[test]
fn refuses_looked_after_events_for_a_child_not_looked_after() {
    let j = referred();
    let message = j.refuses(
        "2025-05-01",
        ChildEvent::StatutoryReviewHeld { participation: ReviewParticipation::AttendsAndSpeaks },
        "date",
    );
    assert!(message.contains("not looked after") || message.contains("who is looked after"), "{message}");
    j.refuses("2025-05-01", status(FullCareOrder), "date");
    j.refuses("2025-05-01", moved(FosterOtherOther, 2, Why::Other), "date");
    j.refuses("2025-05-01", ceased(Rec::ReturnedHomePlanned), "date");
    j.refuses(
        "2025-05-01",
        ChildEvent::VisitMade {
            visit: VisitKind::LookedAfter,
            seen: true,
            seen_alone: Some(SeenAlone::Yes),
            wishes_and_feelings: None,
        },
        "visit",
    );
    j.refuses(
        "2025-05-01",
        ChildEvent::HealthAssessmentCompleted { assessment: HealthAssessmentKind::Initial },
        "date",
    );
    j.refuses("2025-05-01", ChildEvent::DentalCheckCompleted {}, "date");
    j.refuses("2025-05-01", ChildEvent::ImmunisationsRecorded { up_to_date: true }, "date");
    j.refuses("2025-05-01", ChildEvent::SdqRecorded { outcome: SdqOutcome::Score { score: 12 } }, "date");
    j.refuses("2025-05-01", ChildEvent::PepReviewed {}, "date");
    j.refuses("2025-05-01", ChildEvent::AdoptionDecisionMade {}, "date");
    j.refuses("2025-05-01", ChildEvent::IroAppointed { iro: WorkerId::from_random_bytes([3; 16]) }, "date");
    j.refuses(
        "2025-05-01",
        ChildEvent::CarePlanChangeProposed {
            change: "Move to long-term carers".into(),
            significant: true,
            proposes: None,
        },
        "date",
    );
}

#[test]
fn refuses_an_episode_that_ends_before_it_starts() {
    let j = in_care();
    // Ceasing to be looked after dated before the child became looked after.
    j.refuses("2025-04-20", ceased(Rec::ReturnedHomePlanned), "date");
    j.refuses("2025-06-01", ceased(Rec::NewEpisodeSameDay), "reason");
    j.refuses("2025-06-01", status(Section20SinglePeriod), "legal_status");
    j.refuses("2025-06-01", moved(FosterOtherOther, 1, Why::Other), "placement");
    j.refuses("2025-06-01", looked_after(FullCareOrder, FosterOtherOther, 1), "kind");
    j.refuses(
        "2025-06-01",
        ChildEvent::PlacementChanged {
            placement: placement(FosterOtherOther, 2),
            reason: Why::Other,
            notice: Some(CarerNotice::Given { on: d("2025-06-02") }),
        },
        "notice.on",
    );
    j.refuses("2025-06-01", ChildEvent::SdqRecorded { outcome: SdqOutcome::Score { score: 41 } }, "outcome.score");
    j.refuses(
        "2025-06-01",
        ChildEvent::VisitMade {
            visit: VisitKind::LookedAfter,
            seen: false,
            seen_alone: Some(SeenAlone::Yes),
            wishes_and_feelings: None,
        },
        "seen_alone",
    );
}

#[test]
fn refuses_missing_episode_mistakes() {
    let mut j = in_care();
    j.refuses(
        "2025-06-01",
        ChildEvent::MissingEpisodeStarted { missing: MissingType::Missing, at: dt("2025-06-02 22:00") },
        "at",
    );
    j.refuses(
        "2025-06-01",
        ChildEvent::ReturnInterviewOffered { offered_at: dt("2025-06-01 10:00"), accepted: true },
        "date",
    );
    j.at("2025-06-01", ChildEvent::MissingEpisodeStarted { missing: MissingType::Missing, at: dt("2025-06-01 22:00") });
    j.refuses("2025-06-01", ChildEvent::MissingEpisodeEnded { returned_at: dt("2025-06-01 21:00") }, "returned_at");
    j.refuses(
        "2025-06-02",
        ChildEvent::MissingEpisodeStarted { missing: MissingType::Away, at: dt("2025-06-02 10:00") },
        "kind",
    );
    j.at("2025-06-02", ChildEvent::MissingEpisodeEnded { returned_at: dt("2025-06-02 08:30") });
    j.refuses("2025-06-02", ChildEvent::ReturnInterviewHeld { held_at: dt("2025-06-02 08:00") }, "held_at");
    j.at("2025-06-03", ChildEvent::ReturnInterviewOffered { offered_at: dt("2025-06-03 09:00"), accepted: true });
    j.at("2025-06-04", ChildEvent::ReturnInterviewHeld { held_at: dt("2025-06-04 16:00") });
    let r = j.record();
    assert_eq!(r.missing_episodes[0].interview_held, Some(dt("2025-06-04 16:00")));
}

#[test]
fn refuses_adoption_events_out_of_turn() {
    let mut j = in_care();
    j.refuses("2025-06-01", ChildEvent::AdoptionDecisionReversed { reason: ReasonPlacedCeased::NeedsChanged }, "date");
    j.refuses(
        "2025-06-01",
        ChildEvent::MatchedWithAdopters {
            adopters: 1,
            sex: AdopterSex::SingleFemale,
            legal_status: AdopterLegalStatus::Single,
            foster_carers: false,
        },
        "date",
    );
    j.at("2025-06-01", ChildEvent::AdoptionDecisionMade {});
    j.refuses(
        "2025-07-01",
        ChildEvent::MatchedWithAdopters {
            adopters: 3,
            sex: AdopterSex::FemaleCouple,
            legal_status: AdopterLegalStatus::MarriedSameSex,
            foster_carers: false,
        },
        "adopters",
    );
    j.refuses(
        "2025-07-01",
        ChildEvent::MatchedWithAdopters {
            adopters: 2,
            sex: AdopterSex::SingleMale,
            legal_status: AdopterLegalStatus::CivilPartners,
            foster_carers: false,
        },
        "sex",
    );
    j.refuses("2025-07-01", ChildEvent::AdoptionDecisionMade {}, "kind");
}

#[test]
fn refuses_care_leaver_events_for_a_child_never_looked_after() {
    let j = referred();
    j.refuses(
        "2025-06-01",
        ChildEvent::CareLeaverContact {
            in_touch: InTouch::Yes,
            activity: None,
            accommodation: None,
            accommodation_suitable: None,
        },
        "date",
    );
    j.refuses("2025-06-01", ChildEvent::PathwayPlanCompleted {}, "date");
    j.refuses("2025-06-01", ChildEvent::StayingPutAgreed {}, "date");
    j.refuses(
        "2025-06-01",
        ChildEvent::PersonalAdviserAllocated { worker: WorkerId::from_random_bytes([4; 16]) },
        "date",
    );
    let c = in_care();
    c.refuses("2025-06-01", ChildEvent::PathwayPlanReviewed {}, "kind");
    c.refuses(
        "2025-06-01",
        ChildEvent::CareLeaverContact {
            in_touch: InTouch::No,
            activity: Some(CareLeaverActivity::NeetOther),
            accommodation: None,
            accommodation_suitable: None,
        },
        "in_touch",
    );
    c.refuses(
        "2025-06-01",
        ChildEvent::CareLeaverContact {
            in_touch: InTouch::Yes,
            activity: None,
            accommodation: Some(CareLeaverAccommodation::Independent),
            accommodation_suitable: None,
        },
        "accommodation_suitable",
    );
}

#[test]
fn refuses_allocation_care_plan_complaint_and_closure_mistakes() {
    let mut j = in_care();
    let worker = WorkerId::from_random_bytes([5; 16]);
    let team = TeamId::from_random_bytes([6; 16]);
    j.refuses("2025-05-02", ChildEvent::WorkerAllocationEnded {}, "kind");
    j.at("2025-05-02", ChildEvent::WorkerAllocated { worker, team, reason: None });
    j.refuses("2025-05-02", ChildEvent::WorkerAllocationEnded {}, "date");
    j.refuses("2025-05-03", ChildEvent::WorkerAllocated { worker, team, reason: None }, "worker");
    j.refuses("2025-05-03", ChildEvent::IroConsulted {}, "date");
    j.refuses("2025-05-03", ChildEvent::CarePlanChangeApproved { approved_by: worker }, "date");
    j.refuses(
        "2025-05-03",
        ChildEvent::CarePlanChangeProposed { change: "  ".into(), significant: true, proposes: None },
        "change",
    );
    j.refuses(
        "2025-05-03",
        ChildEvent::ComplaintReceived { stage: ComplaintStage::Investigation, summary: "Contact".into() },
        "stage",
    );
    j.refuses(
        "2025-05-03",
        ChildEvent::ComplaintReceived { stage: ComplaintStage::LocalResolution, summary: "".into() },
        "summary",
    );
    j.refuses(
        "2025-05-03",
        ChildEvent::ComplaintResponded { stage: ComplaintStage::LocalResolution, finding: ComplaintFinding::Upheld },
        "stage",
    );
    j.refuses("2025-03-03", ChildEvent::AdvocacyOffered { accepted: true }, "date");
    j.refuses("2025-05-03", ChildEvent::CaseClosed { reason: ReasonForClosure::OtherReason }, "kind");
    Journey::new("2025-04-01", "2015-06-01").refuses(
        "2025-05-03",
        ChildEvent::CaseClosed { reason: ReasonForClosure::OtherReason },
        "date",
    );
}

fn extended(stage: ComplaintStage, working_days: u8, reason: &str) -> ChildEvent {
    ChildEvent::ComplaintExtended {
        stage,
        working_days,
        reason: reason.into(),
        agreed_by: WorkerId::from_random_bytes([7; 16]),
    }
}

fn complaint_at(stage: ComplaintStage) -> ChildEvent {
    ChildEvent::ComplaintReceived { stage, summary: "Contact with my brother keeps being cancelled".into() }
}

fn answered(stage: ComplaintStage) -> ChildEvent {
    ChildEvent::ComplaintResponded { stage, finding: ComplaintFinding::NotUpheld }
}

/// Regs 14 and 17: an extension of stage 1 to at most 20 working days and of stage 2 to at most
/// 65, with a reason, for a complaint still awaiting its response at that stage; the review
/// panel's 30 working days (reg 19(4)) have no extension.
#[test]
fn refuses_complaint_extensions_the_regulations_do_not_allow() {
    use ComplaintStage::*;
    let mut j = in_care();
    // Nothing open at stage 1 yet.
    j.refuses("2025-05-02", extended(LocalResolution, 20, "Three services involved"), "stage");
    j.at("2025-05-02", complaint_at(LocalResolution));
    j.refuses("2025-05-06", extended(LocalResolution, 21, "Three services involved"), "working_days");
    j.refuses("2025-05-06", extended(LocalResolution, 10, "Three services involved"), "working_days");
    j.refuses("2025-05-06", extended(LocalResolution, 20, "  "), "reason");
    j.refuses("2025-05-06", extended(Investigation, 30, "Three services involved"), "stage");
    j.refuses("2025-05-06", extended(ReviewPanel, 40, "Three services involved"), "stage");
    j.refuses("2025-05-06", ChildEvent::ComplaintPanelHeld {}, "date");
    j.at("2025-05-06", extended(LocalResolution, 15, "Three services involved"));
    // A second extension may lengthen it further, to 20 at most, but not shorten it.
    j.refuses("2025-05-07", extended(LocalResolution, 15, "Still waiting"), "working_days");
    j.refuses("2025-05-07", extended(LocalResolution, 12, "Still waiting"), "working_days");
    j.at("2025-05-07", extended(LocalResolution, 20, "The school has not replied"));
    j.at("2025-05-20", answered(LocalResolution));
    // Answered: no more extensions at stage 1.
    j.refuses("2025-05-21", extended(LocalResolution, 20, "Late"), "stage");
    j.at("2025-06-02", complaint_at(Investigation));
    j.refuses("2025-06-03", extended(Investigation, 66, "Independent person unwell"), "working_days");
    j.refuses("2025-06-03", extended(Investigation, 25, "Independent person unwell"), "working_days");
    let reason = j.refuses("2025-06-03", extended(Investigation, 0, "Independent person unwell"), "working_days");
    assert!(reason.contains("already 25 working days"), "{reason}");
    j.at("2025-06-03", extended(Investigation, 65, "Independent person unwell"));
    j.at("2025-08-01", answered(Investigation));
    j.at("2025-08-20", complaint_at(ReviewPanel));
    j.refuses("2025-08-21", extended(ReviewPanel, 40, "Panel members away"), "stage");
    j.at("2025-09-10", ChildEvent::ComplaintPanelHeld {});
    // One panel for one request.
    j.refuses("2025-09-11", ChildEvent::ComplaintPanelHeld {}, "date");

    let r = j.record();
    let stage1 = &r.complaints[0];
    assert_eq!(stage1.working_days(), Some(20));
    assert_eq!(stage1.extensions.len(), 2);
    assert_eq!(stage1.extensions[1].on, d("2025-05-07"));
    assert_eq!(stage1.extensions[1].reason, "The school has not replied");
    assert_eq!(r.complaints[1].working_days(), Some(65));
    assert_eq!(r.complaints[2].working_days(), None);
    assert_eq!(r.complaints[2].panel_held, Some(d("2025-09-10")));
}

#[test]
fn refuses_corrections_without_a_reason_or_a_target() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    let contact = j.at("2025-04-02", ChildEvent::ContactReceived { source: ReferralSource::School });
    // No reason.
    j.refuses(
        "2025-04-03",
        ChildEvent::EventCorrected { corrects: contact, replacement: None, replacement_date: None },
        "reason",
    );
    // No such event.
    let mut k = Journey::new("2025-04-01", "2015-06-01");
    k.correct("2025-04-03", EventId::from_random_bytes([9; 16]), None, None);
    assert_eq!(k.fold().unwrap_err().field, "corrects");
    // Withdrawn twice.
    j.correct("2025-04-03", contact, None, None);
    j.correct("2025-04-04", contact, None, None);
    assert_eq!(j.fold().unwrap_err().field, "corrects");
}

// ------------------------------------------------------------------ status, care leavers, chronology

#[test]
fn status_follows_the_journey() {
    let mut j = referred();
    assert_eq!(j.record().status(d("2025-04-02")).headline(), "Open");
    assert_eq!(j.record().status(d("2025-04-01")).headline(), "Closed");
    j.at("2025-04-03", ChildEvent::AssessmentStarted {});
    j.at(
        "2025-05-20",
        ChildEvent::AssessmentAuthorised {
            factors: vec![AssessmentFactor::DomesticAbuseParent],
            outcome: AssessmentOutcome::ChildInNeed,
        },
    );
    j.at("2025-05-20", ChildEvent::CinPlanStarted {});
    assert_eq!(j.record().status(d("2025-05-20")).headline(), "Child in need");
    j.at("2025-08-01", ChildEvent::CinPlanEnded {});
    j.at("2025-08-01", ChildEvent::CaseClosed { reason: ReasonForClosure::OtherReason });
    let r = j.record();
    assert_eq!(r.status(d("2025-07-31")).headline(), "Child in need");
    assert_eq!(r.status(d("2025-08-01")).headline(), "Closed");
    assert!(r.status(d("2025-08-01")).is_closed());
}

#[test]
fn care_leaver_status_counts_13_weeks_after_14() {
    // Born 29 February 2008: 14 on 1 March 2022 (not a leap year), 16 on 29 February 2024, 18
    // on 1 March 2026.
    let mut j = Journey::new("2023-01-01", "2008-02-29");
    j.at("2023-12-01", looked_after(Section20SinglePeriod, FosterOtherOther, 1));
    // Left at 16 after 91 days: eligible history.
    j.at("2024-03-01", ceased(Rec::IndependentLivingSupported));
    let r = j.record();
    assert_eq!(r.care_leaver_status(d("2024-03-02")), Some(CareLeaverStatus::Relevant));
    assert_eq!(r.care_leaver_status(d("2026-02-28")), Some(CareLeaverStatus::Relevant));
    assert_eq!(r.care_leaver_status(d("2026-03-01")), Some(CareLeaverStatus::FormerRelevant));
    assert_eq!(r.care_leaver_status(d("2033-02-28")), Some(CareLeaverStatus::FormerRelevant));
    assert_eq!(r.care_leaver_status(d("2033-03-01")), None);
    // Left a day sooner: 90 days, so qualifying only.
    let mut k = Journey::new("2023-01-01", "2008-02-29");
    k.at("2023-12-01", looked_after(Section20SinglePeriod, FosterOtherOther, 1));
    k.at("2024-02-29", ceased(Rec::IndependentLivingSupported));
    assert_eq!(
        k.record().care_leaver_status(d("2024-03-02")),
        None,
        "left on the 16th birthday: not looked after after 16"
    );
    let mut q = Journey::new("2023-01-01", "2008-02-29");
    q.at("2024-01-01", looked_after(Section20SinglePeriod, FosterOtherOther, 1));
    q.at("2024-03-15", ceased(Rec::IndependentLivingSupported));
    assert_eq!(q.record().care_leaver_status(d("2024-03-16")), Some(CareLeaverStatus::Qualifying));
}

#[test]
fn chronology_reads_in_date_order() {
    let mut j = in_care();
    j.at(
        "2025-05-08",
        ChildEvent::VisitMade {
            visit: VisitKind::LookedAfter,
            seen: true,
            seen_alone: Some(SeenAlone::Yes),
            wishes_and_feelings: None,
        },
    );
    j.at("2025-05-02", ChildEvent::HealthAssessmentCompleted { assessment: HealthAssessmentKind::Initial });
    let lines = j.record().chronology();
    let dates: Vec<NaiveDate> = lines.iter().map(|l| l.date).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    let titles: Vec<&str> = lines.iter().map(|l| l.title).collect();
    assert_eq!(
        titles,
        [
            "Child registered",
            "Contact received",
            "Contact decision",
            "Referral received",
            "Became looked after",
            "Health assessment",
            "Visit",
        ]
    );
    assert_eq!(lines[6].detail, "Statutory visit: child seen alone");
    assert!(lines[4].detail.starts_with("Single period of accommodation under section 20"));
}

#[test]
fn every_event_kind_round_trips_through_its_envelope() {
    let j = in_care();
    for entry in &j.entries {
        let envelope = entry
            .event
            .clone()
            .into_envelope(entry.id, entry.effective_date, entry.recorded_at, entry.recorded_by, None)
            .unwrap();
        assert_eq!(envelope.kind, entry.event.kind());
        assert_eq!(ChildEvent::from_envelope(&envelope).unwrap(), entry.event);
    }
    let env = ChildEvent::ReferralReceived {
        source: ReferralSource::AccidentAndEmergency,
        primary_need: Need::AbuseOrNeglect,
    }
    .into_envelope(
        EventId::new(),
        d("2025-04-01"),
        RecordedAt::new(Utc::now()),
        RecordedBy::System(SystemProcess::Import),
        None,
    )
    .unwrap();
    assert_eq!(env.kind.as_str(), "referral_received");
    assert_eq!(
        serde_json::Value::Object(env.payload.into_map()),
        serde_json::json!({ "source": "3E", "primary_need": "N1" })
    );
}

#[test]
fn carer_told_in_writing_after_an_emergency_ending() {
    let mut j = in_care();
    // No placement has ended at once yet.
    j.refuses("2025-05-03", ChildEvent::CarerNotifiedOfEnding {}, "kind");
    j.at("2025-06-02", moved(FosterOtherOther, 2, Why::CarerRequestBehaviour));
    // Not before the placement ended.
    j.refuses("2025-06-01", ChildEvent::CarerNotifiedOfEnding {}, "kind");
    j.at("2025-06-05", ChildEvent::CarerNotifiedOfEnding {});
    let record = j.record();
    let ending = &record.care_periods[0].placement_endings[0];
    assert_eq!(ending.notified_after, Some(d("2025-06-05")));
    // Once told, there is nothing left to tell.
    j.refuses("2025-06-06", ChildEvent::CarerNotifiedOfEnding {}, "kind");
}

#[test]
fn the_same_worker_may_be_allocated_again_after_the_case_closed() {
    let mut j = referred();
    let worker = WorkerId::from_random_bytes([5; 16]);
    let team = TeamId::from_random_bytes([6; 16]);
    j.at("2025-04-03", ChildEvent::WorkerAllocated { worker, team, reason: None });
    j.at("2025-04-10", ChildEvent::CaseClosed { reason: ReasonForClosure::ClosedAfterAssessmentNoFurtherAction });
    j.refuses("2025-04-04", ChildEvent::WorkerAllocated { worker, team, reason: None }, "worker");
    j.at(
        "2025-09-01",
        ChildEvent::ReferralReceived { source: ReferralSource::School, primary_need: Need::AbuseOrNeglect },
    );
    j.at("2025-09-02", ChildEvent::WorkerAllocated { worker, team, reason: None });
    assert_eq!(j.record().allocations.len(), 2);
}

#[test]
fn an_override_is_kept_with_the_entry_and_shown_in_the_chronology() {
    let mut j = in_care();
    let manager = WorkerId::from_random_bytes([9; 16]);
    let mut entry = j.entry(
        "2025-06-02",
        ChildEvent::PlacementChanged {
            placement: placement(FosterOtherOther, 2),
            reason: Why::CarerRequestBehaviour,
            notice: None,
        },
        Some("the carer was in hospital and could not be reached"),
    );
    entry.manager_override = Some(crate::event::Override::new(manager, vec!["pl-terminate".into()]).unwrap());
    j.entries.push(entry);
    let lines = j.record().chronology();
    let line = lines.last().unwrap();
    assert_eq!(line.manager_override.as_ref().map(|o| o.manager), Some(manager));
    assert_eq!(line.reason.as_ref().map(|r| r.as_str()), Some("the carer was in hospital and could not be reached"));
    assert!(crate::event::Override::new(manager, vec![]).is_err());
}

#[test]
fn journey_21_a_period_of_care_that_began_before_the_record() {
    // Imported from a return: the child was already looked after; the first episode careful
    // holds began with a move to new carers (P), and an OC2 row says they had been looked after
    // since at least 31 March 2024.
    let mut j = Journey::new("2024-09-02", "2015-06-01");
    j.at("2024-09-02", looked_after(FullCareOrder, FosterOtherOther, 1));
    j.at(
        "2024-09-02",
        ChildEvent::CareContinuedFromBeforeRecord {
            reason_new: ReasonNewEpisode::PlacementAndCarerChange,
            looked_after_since: Some(d("2024-03-31")),
        },
    );
    j.at("2025-01-06", moved(FosterOtherOther, 2, Why::CarerRequestOther));
    assert_eq!(episodes(&j), ["2024-09-02 P C2 U6 2025-01-06 X1 CREQO", "2025-01-06 P C2 U6 - - -"]);
    let record = j.record();
    assert_eq!(record.care_periods[0].looked_after_since(), d("2024-03-31"));
    assert_eq!(record.episodes()[0].period_start, d("2024-03-31"));
}

#[test]
fn refuses_care_before_the_record_mistakes() {
    let mut j = in_care();
    j.refuses(
        "2025-05-02",
        ChildEvent::CareContinuedFromBeforeRecord {
            reason_new: ReasonNewEpisode::LegalStatusChange,
            looked_after_since: None,
        },
        "date",
    );
    j.refuses(
        "2025-05-01",
        ChildEvent::CareContinuedFromBeforeRecord { reason_new: ReasonNewEpisode::Started, looked_after_since: None },
        "reason_new",
    );
    j.refuses(
        "2025-05-01",
        ChildEvent::CareContinuedFromBeforeRecord {
            reason_new: ReasonNewEpisode::LegalStatusChange,
            looked_after_since: Some(d("2025-05-01")),
        },
        "looked_after_since",
    );
    j.at(
        "2025-05-01",
        ChildEvent::CareContinuedFromBeforeRecord {
            reason_new: ReasonNewEpisode::LegalStatusChange,
            looked_after_since: None,
        },
    );
    j.refuses(
        "2025-05-01",
        ChildEvent::CareContinuedFromBeforeRecord {
            reason_new: ReasonNewEpisode::LegalStatusChange,
            looked_after_since: None,
        },
        "kind",
    );
    j.at("2025-05-02", ChildEvent::EligibleChildBeforeRecord {});
    j.refuses("2025-05-03", ChildEvent::EligibleChildBeforeRecord {}, "kind");
}

#[test]
fn an_eligible_child_before_the_record_is_a_care_leaver() {
    // A care leaver known only from an OC3 row: no periods of care in careful's record.
    let mut j = Journey::new("2025-01-10", "2006-05-20");
    j.at("2025-01-10", ChildEvent::EligibleChildBeforeRecord {});
    let record = j.record();
    assert_eq!(record.care_leaver_status(d("2025-05-20")), Some(CareLeaverStatus::FormerRelevant));
    assert_eq!(record.care_leaver_status(d("2025-01-09")), None);
    assert_eq!(record.care_leaver_status(d("2031-05-20")), None, "support ends at 25");
}

#[test]
fn an_ended_allocation_leaves_the_child_unallocated_until_the_next() {
    let mut j = in_care();
    let worker = WorkerId::from_random_bytes([5; 16]);
    let team = TeamId::from_random_bytes([6; 16]);
    j.at("2025-05-02", ChildEvent::WorkerAllocated { worker, team, reason: None });
    j.at("2025-06-30", ChildEvent::WorkerAllocationEnded {});
    j.refuses("2025-07-01", ChildEvent::WorkerAllocationEnded {}, "kind");
    let r = j.record();
    assert_eq!(r.allocated_worker(d("2025-06-29")).map(|a| a.worker), Some(worker));
    assert_eq!(r.allocated_worker(d("2025-06-30")), None);
    // The same worker can be allocated again.
    j.at("2025-08-01", ChildEvent::WorkerAllocated { worker, team, reason: None });
    assert_eq!(j.record().allocated_worker(d("2025-08-01")).map(|a| a.worker), Some(worker));
}

#[test]
fn care_known_from_before_the_first_recorded_episode() {
    let mut j = Journey::new("2023-04-01", "2022-01-08");
    // Nothing that needs care is accepted before it is known.
    j.refuses("2023-04-19", ChildEvent::AdoptionDecisionMade {}, "date");
    j.at("2023-04-19", ChildEvent::LookedAfterBeforeRecord {});
    j.refuses("2023-04-20", ChildEvent::LookedAfterBeforeRecord {}, "kind");
    j.at("2023-04-19", ChildEvent::AdoptionDecisionMade {});
    j.at("2023-11-14", looked_after(PlacementOrder, AdoptionPlacementOrderOtherCarers, 1));
    j.at(
        "2023-11-14",
        ChildEvent::CareContinuedFromBeforeRecord {
            reason_new: ReasonNewEpisode::PlacementAndCarerChange,
            looked_after_since: Some(d("2023-04-19")),
        },
    );
    let r = j.record();
    assert_eq!(r.adoption_decisions[0].decided, d("2023-04-19"));
    assert_eq!(r.episodes()[0].start, d("2023-11-14"));
    assert_eq!(r.episodes()[0].period_start, d("2023-04-19"));
    j.refuses("2023-12-01", ChildEvent::LookedAfterBeforeRecord {}, "kind");
}

#[test]
fn an_allocation_ends_with_the_next_the_case_closing_or_its_own_end() {
    let mut j = Journey::new("2025-04-01", "2015-06-01");
    let (a, b) = (WorkerId::from_random_bytes([5; 16]), WorkerId::from_random_bytes([7; 16]));
    let team = TeamId::from_random_bytes([6; 16]);
    j.at(
        "2025-04-01",
        ChildEvent::ReferralReceived { source: ReferralSource::School, primary_need: Need::AbuseOrNeglect },
    );
    j.at("2025-04-02", ChildEvent::WorkerAllocated { worker: a, team, reason: None });
    j.at("2025-05-01", ChildEvent::WorkerAllocated { worker: b, team, reason: None });
    j.at("2025-06-02", ChildEvent::CaseClosed { reason: ReasonForClosure::OtherReason });
    let r = j.record();
    assert_eq!(r.allocation_until(0), Some(d("2025-05-01")));
    assert_eq!(r.allocation_until(1), Some(d("2025-06-02")));
    assert_eq!(r.allocation_until(2), None);
    assert_eq!(r.allocation_on(d("2025-04-01")), None);
    assert_eq!(r.allocation_on(d("2025-04-30")).map(|x| x.worker), Some(a));
    assert_eq!(r.allocation_on(d("2025-06-01")).map(|x| x.worker), Some(b));
    assert_eq!(r.allocation_on(d("2025-06-02")), None);
    // The worker stays responsible for what is still owed after closure.
    assert_eq!(r.allocated_worker(d("2025-06-02")).map(|x| x.worker), Some(b));
}

#[test]
fn an_iros_concern_goes_up_the_stages_of_dispute_resolution_and_ends() {
    let mut j = in_care();
    let raise = ChildEvent::IroConcernRaised { concern: "The plan for permanence has drifted".into() };
    // Only a child's IRO raises a concern.
    j.refuses("2025-05-10", raise.clone(), "date");
    j.at("2025-05-02", ChildEvent::IroAppointed { iro: WorkerId::from_random_bytes([3; 16]) });
    j.refuses("2025-05-10", ChildEvent::IroConcernRaised { concern: "  ".into() }, "concern");
    j.refuses("2025-05-10", ChildEvent::IroConcernEscalated { stage: DisputeStage::TeamManager }, "kind");
    j.refuses("2025-05-10", ChildEvent::IroConcernResolved { outcome: DisputeOutcome::Resolved }, "kind");
    j.at("2025-05-10", raise.clone());
    j.refuses("2025-05-11", raise.clone(), "kind");
    j.refuses("2025-05-11", ChildEvent::IroConcernEscalated { stage: DisputeStage::Informal }, "stage");
    j.at("2025-05-20", ChildEvent::IroConcernEscalated { stage: DisputeStage::ServiceManager });
    let message =
        j.refuses("2025-05-21", ChildEvent::IroConcernEscalated { stage: DisputeStage::TeamManager }, "stage");
    assert!(message.contains("service manager since 20 May 2025"), "{message}");
    let r = j.record();
    assert_eq!(r.iro_disputes.len(), 1);
    assert_eq!(r.iro_disputes[0].stage(), (d("2025-05-20"), DisputeStage::ServiceManager));
    assert!(r.iro_disputes[0].is_open());
    j.at("2025-06-02", ChildEvent::IroConcernResolved { outcome: DisputeOutcome::ReferredToCafcass });
    let r = j.record();
    assert_eq!(r.iro_disputes[0].ended, Some((d("2025-06-02"), DisputeOutcome::ReferredToCafcass)));
    // Once ended, a new concern may be raised.
    j.at("2025-07-01", raise);
    assert_eq!(j.record().iro_disputes.len(), 2);
}

#[test]
fn a_visit_keeps_the_childs_wishes_and_feelings_in_their_words() {
    let mut j = in_care();
    let visit = |seen: bool, words: Option<&str>| ChildEvent::VisitMade {
        visit: VisitKind::LookedAfter,
        seen,
        seen_alone: if seen { Some(SeenAlone::Yes) } else { None },
        wishes_and_feelings: words.map(str::to_string),
    };
    j.refuses("2025-05-08", visit(true, Some("   ")), "wishes_and_feelings");
    j.refuses("2025-05-08", visit(false, Some("Wants to see Nan")), "wishes_and_feelings");
    j.at("2025-05-08", visit(true, Some("  Wants to see Nan at weekends ")));
    let r = j.record();
    assert_eq!(r.visits[0].wishes_and_feelings.as_deref(), Some("Wants to see Nan at weekends"));
    // Stored without the field when there are none, so older events read the same.
    let json = serde_json::to_value(visit(true, None)).unwrap();
    assert!(json["payload"].get("wishes_and_feelings").is_none(), "{json}");
    let back: ChildEvent = serde_json::from_value(serde_json::json!({
        "kind": "visit_made",
        "payload": { "visit": "looked_after", "seen": true, "seen_alone": { "alone": "yes" } }
    }))
    .unwrap();
    assert_eq!(back, visit(true, None));
}

#[test]
fn changes_of_social_worker_are_counted_from_a_day() {
    let mut j = referred();
    let team = TeamId::from_random_bytes([6; 16]);
    let worker = |n: u8| WorkerId::from_random_bytes([n; 16]);
    let change = Some(SocialWorkerChangeReason::ALL[0]);
    j.at("2025-04-03", ChildEvent::WorkerAllocated { worker: worker(1), team, reason: None });
    j.at("2025-06-30", ChildEvent::WorkerAllocated { worker: worker(2), team, reason: change });
    j.at("2025-07-01", ChildEvent::WorkerAllocated { worker: worker(3), team, reason: change });
    j.at("2026-03-01", ChildEvent::WorkerAllocated { worker: worker(1), team, reason: change });
    let r = j.record();
    // The first allocation is not a change; a change on the day counted from counts.
    assert_eq!(r.worker_changes_since(d("2025-04-01")), 3);
    assert_eq!(r.worker_changes_since(d("2025-07-01")), 2);
    assert_eq!(r.worker_changes_since(d("2025-07-02")), 1);
    assert_eq!(r.worker_changes_since(d("2026-03-02")), 0);
}

#[test]
fn an_emergency_protection_order_is_extended_once_by_7_days_at_most_while_in_force() {
    let extend = |days: u8| ChildEvent::EmergencyProtectionOrderExtended { days };
    // Not under an EPO: section 20.
    let mut j = in_care();
    j.refuses("2025-05-03", extend(3), "kind");
    j.at("2025-05-10", status(EmergencyProtectionOrder));
    j.refuses("2025-05-16", extend(8), "days");
    j.refuses("2025-05-16", extend(0), "days");
    j.at("2025-05-16", extend(4));
    let message = j.refuses("2025-05-19", extend(2), "kind");
    assert!(message.contains("s45(6)"), "{message}");
    assert_eq!(j.record().epo_extensions, vec![(d("2025-05-16"), 4)]);
    // A later order, after an interim care order and back, may be extended again.
    j.at("2025-05-21", status(InterimCareOrder));
    j.at("2025-06-02", status(EmergencyProtectionOrder));
    j.at("2025-06-05", extend(7));
    assert_eq!(j.record().epo_extensions.len(), 2);
}

#[test]
fn care_proceedings_are_issued_extended_by_8_weeks_at_most_with_a_reason_and_concluded_once() {
    let extend = |weeks: u8, reason: &str| ChildEvent::CareProceedingsExtended { weeks, reason: reason.into() };
    let mut j = referred();
    j.refuses("2025-04-03", extend(4, "an expert report"), "kind");
    j.refuses("2025-04-03", ChildEvent::CareProceedingsConcluded {}, "kind");
    j.at("2025-04-03", ChildEvent::CareProceedingsIssued {});
    j.refuses("2025-04-04", ChildEvent::CareProceedingsIssued {}, "kind");
    j.refuses("2025-09-01", extend(9, "an expert report"), "weeks");
    j.refuses("2025-09-01", extend(0, "an expert report"), "weeks");
    j.refuses("2025-09-01", extend(4, "  "), "reason");
    j.at("2025-09-01", extend(8, "an expert report"));
    j.at("2025-10-20", ChildEvent::CareProceedingsConcluded {});
    j.refuses("2025-10-21", ChildEvent::CareProceedingsConcluded {}, "kind");
    let p = &j.record().proceedings[0];
    assert_eq!((p.issued, p.concluded), (d("2025-04-03"), Some(d("2025-10-20"))));
    assert_eq!(p.extensions, vec![(d("2025-09-01"), 8, "an expert report".to_string())]);
    // New proceedings after the first concluded.
    j.at("2026-01-05", ChildEvent::CareProceedingsIssued {});
    assert_eq!(j.record().proceedings.len(), 2);
}

#[test]
fn a_connected_persons_temporary_approval_is_for_a_relative_or_friend_and_extended_once() {
    // A child with unrelated foster carers cannot have a reg 24 approval.
    let j = in_care();
    j.refuses("2025-05-02", ChildEvent::ConnectedPersonTemporarilyApproved {}, "kind");
    j.refuses("2025-05-02", ChildEvent::ConnectedPersonApprovalExtended { weeks: 4 }, "kind");
    let mut k = referred();
    k.at("2025-05-01", looked_after(InterimCareOrder, FosterRelativeOther, 1));
    k.at("2025-05-01", ChildEvent::ConnectedPersonTemporarilyApproved {});
    k.refuses("2025-05-02", ChildEvent::ConnectedPersonTemporarilyApproved {}, "kind");
    k.refuses("2025-08-01", ChildEvent::ConnectedPersonApprovalExtended { weeks: 9 }, "weeks");
    k.at("2025-08-01", ChildEvent::ConnectedPersonApprovalExtended { weeks: 8 });
    let message = k.refuses("2025-08-02", ChildEvent::ConnectedPersonApprovalExtended { weeks: 1 }, "kind");
    assert!(message.contains("reg 25"), "{message}");
    k.at("2025-09-01", ChildEvent::ConnectedPersonApproved {});
    let a = &k.record().temporary_approvals[0];
    assert_eq!(
        (a.approved, a.extension, a.fully_approved),
        (d("2025-05-01"), Some((d("2025-08-01"), 8)), Some(d("2025-09-01")))
    );
    k.refuses("2025-09-02", ChildEvent::ConnectedPersonApproved {}, "kind");
}

fn at(text: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

#[test]
fn police_protection_is_held_in_time_and_refused_out_of_order() {
    let mut j = Journey::new("2025-04-01", "2012-06-01");
    // The time must be on the entry's day.
    j.refuses("2025-09-09", ChildEvent::PoliceProtectionTaken { at: at("2025-09-08 23:50") }, "at");
    j.refuses("2025-09-09", ChildEvent::PoliceProtectionEnded { at: at("2025-09-09 10:00") }, "kind");
    j.at("2025-09-09", ChildEvent::PoliceProtectionTaken { at: at("2025-09-09 23:50") });
    j.refuses("2025-09-10", ChildEvent::PoliceProtectionTaken { at: at("2025-09-10 08:00") }, "kind");
    j.refuses("2025-09-09", ChildEvent::PoliceProtectionEnded { at: at("2025-09-09 22:00") }, "at");
    j.at("2025-09-11", ChildEvent::PoliceProtectionEnded { at: at("2025-09-11 09:15") });
    let r = j.record();
    assert_eq!(r.police_protection.len(), 1);
    assert_eq!(r.police_protection[0].ended, Some(at("2025-09-11 09:15")));
}

#[test]
fn an_ending_at_once_is_told_to_the_iro_once_and_exemptions_must_fit() {
    use crate::record::{EmergencyGround, EndingExemption};
    let mut j = Journey::new("2025-04-01", "2012-06-01");
    j.at("2025-05-01", looked_after(FullCareOrder, FosterOtherOther, 1));
    j.refuses("2025-05-02", ChildEvent::IroInformedOfEnding {}, "kind");
    // A foster placement ended as if it were a placement with a parent: refused.
    let as_parent = CarerNotice::NotRequired { exemption: EndingExemption::ParentPlacementNotConfirmed };
    j.refuses(
        "2025-06-02",
        ChildEvent::PlacementChanged {
            placement: placement(ChildrensHome, 2),
            reason: ReasonPlaceChange::CarePlan,
            notice: Some(as_parent),
        },
        "notice.exemption",
    );
    // No temporary approval to expire: refused.
    j.refuses(
        "2025-06-02",
        ChildEvent::PlacementChanged {
            placement: placement(ChildrensHome, 2),
            reason: ReasonPlaceChange::CarePlan,
            notice: Some(CarerNotice::NotRequired { exemption: EndingExemption::TemporaryApprovalExpired }),
        },
        "notice.exemption",
    );
    j.at(
        "2025-06-02",
        ChildEvent::PlacementChanged {
            placement: placement(ChildrensHome, 2),
            reason: ReasonPlaceChange::CarePlan,
            notice: Some(CarerNotice::Emergency {
                reason: "allegation".into(),
                ground: Some(EmergencyGround::RiskToChild),
                authorised_by: None,
            }),
        },
    );
    j.at("2025-06-03", ChildEvent::IroInformedOfEnding {});
    assert_eq!(j.record().care_periods[0].placement_endings[0].iro_informed, Some(d("2025-06-03")));
    j.refuses("2025-06-04", ChildEvent::IroInformedOfEnding {}, "kind");
}

#[test]
fn a_decision_to_cease_to_look_after_says_where_and_what_the_child_wants() {
    let mut j = Journey::new("2025-04-01", "2012-06-01");
    let decided = |arrangements: &str, wishes: &str, director: bool| ChildEvent::DecidedToCeaseLookingAfter {
        arrangements: arrangements.into(),
        wishes_and_feelings: wishes.into(),
        approved_by: None,
        director,
    };
    j.refuses("2025-05-02", decided("Home", "Wants to go home", false), "date");
    j.at("2025-05-01", looked_after(Section20SinglePeriod, FosterOtherOther, 1));
    j.refuses("2025-05-02", decided(" ", "Wants to go home", false), "arrangements");
    j.refuses("2025-05-02", decided("Home", "", false), "wishes_and_feelings");
    j.refuses("2025-05-02", decided("Home", "Wants to go home", true), "approved_by");
    j.at("2025-05-02", decided("Home to mother", "Wants to go home", false));
    assert_eq!(j.record().cease_decisions.len(), 1);
}
