//! Building children's histories for the duty and guardrail tests.

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};

use careful_domain::codes::*;
use careful_domain::event::{RecordedAt, RecordedBy, Sequence, SystemProcess};
use careful_domain::record::*;
use careful_domain::{CarerId, EventId, TeamId, WorkerId, WorkingDayCalendar};

use crate::{Duty, Policy};

pub(crate) fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{text}: {e}"))
}

pub(crate) fn at(date: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    date.and_hms_opt(hour, minute, 0).expect("valid time")
}

/// A date and time written "2026-02-27 21:30".
pub(crate) fn dt(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// A placement ended at once on the first ground of reg 14(3), authorised by a manager.
pub(crate) fn at_once() -> CarerNotice {
    CarerNotice::Emergency {
        reason: "allegation against the carer".into(),
        ground: Some(EmergencyGround::RiskToChild),
        authorised_by: Some(worker(7)),
    }
}

pub(crate) fn days(date: NaiveDate, n: i64) -> NaiveDate {
    date + chrono::Duration::days(n)
}

/// Years before `date`, on the same day of the month (29 February to 28 February).
pub(crate) fn years_before(date: NaiveDate, n: i32) -> NaiveDate {
    use chrono::Datelike;
    NaiveDate::from_ymd_opt(date.year() - n, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(date.year() - n, date.month(), date.day() - 1))
        .expect("valid date")
}

pub(crate) fn calendar() -> &'static WorkingDayCalendar {
    WorkingDayCalendar::england_and_wales()
}

pub(crate) fn worker(n: u8) -> WorkerId {
    WorkerId::from_random_bytes([n; 16])
}

pub(crate) fn team(n: u8) -> TeamId {
    TeamId::from_random_bytes([n; 16])
}

pub(crate) fn placement(kind: PlacementType, carer: u8) -> Placement {
    Placement {
        placement_type: kind,
        provider: kind.has_provider().then_some(if kind == PlacementType::WithParents {
            PlacementProvider::Parents
        } else {
            PlacementProvider::OwnProvision
        }),
        postcode: Some("EM1 4QT".parse().expect("valid postcode")),
        urn: None,
        carer: CarerId::from_random_bytes([carer; 16]),
    }
}

pub(crate) fn looked_after(ls: LegalStatus, kind: PlacementType, carer: u8) -> ChildEvent {
    ChildEvent::BecameLookedAfter {
        legal_status: ls,
        placement: placement(kind, carer),
        category_of_need: Need::AbuseOrNeglect,
        home_postcode: None,
        previous_permanence: None,
    }
}

pub(crate) fn moved(kind: PlacementType, carer: u8, notice: Option<CarerNotice>) -> ChildEvent {
    ChildEvent::PlacementChanged { placement: placement(kind, carer), reason: ReasonPlaceChange::CarePlan, notice }
}

pub(crate) fn legal_status(ls: LegalStatus) -> ChildEvent {
    ChildEvent::LegalStatusChanged { legal_status: ls }
}

pub(crate) fn ceased(reason: ReasonEpisodeCeased) -> ChildEvent {
    ChildEvent::CeasedToBeLookedAfter { reason, notice: Some(CarerNotice::Given { on: d("2015-01-01") }) }
}

pub(crate) fn visit(kind: VisitKind) -> ChildEvent {
    ChildEvent::VisitMade { visit: kind, seen: true, seen_alone: Some(SeenAlone::Yes), wishes_and_feelings: None }
}

pub(crate) fn review() -> ChildEvent {
    ChildEvent::StatutoryReviewHeld { participation: ReviewParticipation::AttendsAndSpeaks }
}

pub(crate) fn referral() -> ChildEvent {
    ChildEvent::ReferralReceived { source: ReferralSource::School, primary_need: Need::AbuseOrNeglect }
}

pub(crate) fn authorised(outcome: AssessmentOutcome) -> ChildEvent {
    ChildEvent::AssessmentAuthorised { factors: vec![AssessmentFactor::NoFactors], outcome }
}

/// A child's history, built event by event.
#[derive(Clone)]
pub(crate) struct Journey {
    pub entries: Vec<Entry>,
}

impl Journey {
    /// A child born on `born`, known to children's services from 2015 (or birth, if later).
    pub(crate) fn born(born: NaiveDate) -> Journey {
        let registered = born.max(d("2015-01-05"));
        let mut j = Journey { entries: Vec::new() };
        let details = PersonalDetails {
            given_name: "Amara".into(),
            family_name: "Okafor".into(),
            date_of_birth: Some(born),
            expected_date_of_birth: None,
            sex: Sex::Female,
            ethnicity: Ethnicity::BlackAfrican,
            upn: None,
            upn_unknown: Some(UpnUnknown::Under6NotAtSchool),
            nhs_number: None,
            disabilities: vec![],
        };
        j.on(registered, ChildEvent::ChildRegistered { la_child_id: "EM000001".parse().expect("valid"), details });
        j
    }

    /// A child aged about 10 in 2025.
    pub(crate) fn child() -> Journey {
        Journey::born(d("2015-03-10"))
    }

    pub(crate) fn entry(&self, date: NaiveDate, event: ChildEvent) -> Entry {
        Entry {
            id: EventId::new(),
            sequence: Sequence::new(self.entries.len() as u64 + 1),
            effective_date: date,
            recorded_at: RecordedAt::new(Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap()),
            recorded_by: RecordedBy::System(SystemProcess::Import),
            reason: None,
            manager_override: None,
            event,
        }
    }

    pub(crate) fn on(&mut self, date: NaiveDate, event: ChildEvent) -> &mut Journey {
        let entry = self.entry(date, event);
        self.entries.push(entry);
        self
    }

    /// Adds the event if there is a date for it.
    pub(crate) fn maybe(&mut self, date: Option<NaiveDate>, event: ChildEvent) -> &mut Journey {
        if let Some(date) = date {
            self.on(date, event);
        }
        self
    }

    pub(crate) fn record(&self) -> ChildRecord {
        fold(&self.entries).unwrap_or_else(|e| panic!("the test's history does not fold: {e}"))
    }

    pub(crate) fn duties(&self, as_of: NaiveDate) -> Vec<Duty> {
        self.duties_with(&Policy::default(), as_of)
    }

    pub(crate) fn duties_with(&self, policy: &Policy, as_of: NaiveDate) -> Vec<Duty> {
        crate::duties(&self.entries, calendar(), policy, as_of)
            .unwrap_or_else(|e| panic!("the test's history does not fold: {e}"))
    }

    /// The one duty under `rule` started on `trigger`.
    pub(crate) fn duty(&self, rule: &str, trigger: NaiveDate, as_of: NaiveDate) -> Duty {
        let all = self.duties(as_of);
        let found: Vec<&Duty> = all.iter().filter(|x| x.rule.id == rule && x.trigger.date == trigger).collect();
        match found.as_slice() {
            [one] => (*one).clone(),
            _ => panic!(
                "expected one {rule} duty started on {trigger} as of {as_of}, found {}:\n{}",
                found.len(),
                all.iter()
                    .map(|x| format!("  {} {} due {} {}", x.rule.id, x.trigger.date, x.due, x.status))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        }
    }
}
