//! The small synthetic council `careful demo` starts with: Eastmoor, a fictional borough, with a
//! front door, an assessment team and the teams that follow, and a few dozen children at the
//! start of their journeys (contact, referral, assessment, allocation).
//!
//! Everything is derived from a seed and the date the demo starts, so two runs on the same day
//! give the same council.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};

use careful_domain::codes::{ReferralSource, Sex};
use careful_domain::organisation::{Employment, Service, Team, Worker, WorkerRole};
use careful_domain::record::ChildEvent;
use careful_domain::{ChildId, EventId, RecordedBy, TeamId, WorkerId, WorkingDayCalendar};

use crate::names;
use crate::rng::Rng;

/// The fictional council's name.
pub const COUNCIL_NAME: &str = "Eastmoor Borough Council";

/// A synthetic council ready to be written to a store.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticCouncil {
    pub name: String,
    pub teams: Vec<Team>,
    pub workers: Vec<Worker>,
    pub children: Vec<SyntheticChild>,
}

/// One synthetic child and the events of their record, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticChild {
    pub id: ChildId,
    pub events: Vec<SyntheticEvent>,
}

/// One event, with the envelope facts a real worker would have supplied.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticEvent {
    pub id: EventId,
    pub effective_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: RecordedBy,
    pub event: ChildEvent,
}

impl SyntheticCouncil {
    pub fn event_count(&self) -> usize {
        self.children.iter().map(|c| c.events.len()).sum()
    }
}

const TEAMS: [(&str, Service); 6] = [
    ("Front Door and MASH", Service::FrontDoor),
    ("Assessment Team", Service::Assessment),
    ("Child in Need and Protection Team", Service::ChildInNeedAndProtection),
    ("Children in Care Team", Service::LookedAfter),
    ("Leaving Care Team", Service::LeavingCare),
    ("Independent Reviewing Service", Service::IndependentReviewing),
];

/// How many of each role each team has (besides its manager).
fn practitioners(service: Service) -> (WorkerRole, usize) {
    match service {
        Service::FrontDoor => (WorkerRole::FrontDoorWorker, 3),
        Service::LeavingCare => (WorkerRole::PersonalAdviser, 2),
        Service::IndependentReviewing => (WorkerRole::IndependentReviewingOfficer, 2),
        _ => (WorkerRole::SocialWorker, 3),
    }
}

/// The demo council as of `today`, from `seed`.
pub fn council(seed: u64, today: NaiveDate, children: usize) -> SyntheticCouncil {
    let root = Rng::new(seed);
    let mut rng = root.fork("organisation");
    let mut teams = Vec::new();
    let mut workers = Vec::new();
    for (name, service) in TEAMS {
        let team = Team { id: TeamId::from_random_bytes(rng.bytes16()), name: name.to_string(), service };
        let (role, count) = practitioners(service);
        for role in std::iter::once(WorkerRole::TeamManager).chain(std::iter::repeat_n(role, count)) {
            let sex = if rng.chance(0.8) { Sex::Female } else { Sex::Male };
            let name = format!("{} {}", names::given_name(&mut rng, sex), names::family_name(&mut rng));
            let employment = if role != WorkerRole::TeamManager && rng.chance(0.2) {
                Employment::Agency
            } else {
                Employment::Permanent
            };
            workers.push(Worker {
                id: WorkerId::from_random_bytes(rng.bytes16()),
                name,
                role,
                team: team.id,
                employment,
            });
        }
        teams.push(team);
    }

    let of = |service: Service, role: WorkerRole| -> Vec<&Worker> {
        let team = teams.iter().find(|t| t.service == service).expect("every service has a team");
        workers.iter().filter(|w| w.team == team.id && w.role == role).collect()
    };
    let front_door = of(Service::FrontDoor, WorkerRole::FrontDoorWorker);
    let assessment_team = teams.iter().find(|t| t.service == Service::Assessment).expect("assessment team").id;
    let assessment_manager = of(Service::Assessment, WorkerRole::TeamManager)[0];
    let assessment_workers = of(Service::Assessment, WorkerRole::SocialWorker);

    let mut rng = root.fork("children");
    let calendar = WorkingDayCalendar::england_and_wales();
    let next_working_day = |date: NaiveDate, n: u32| -> NaiveDate {
        calendar.add_working_days(date, n).unwrap_or_else(|_| weekday_on_or_after(date + Days::new(u64::from(n))))
    };
    let mut children_out = Vec::with_capacity(children);
    for index in 0..children {
        let id = ChildId::from_random_bytes(rng.bytes16());
        let sex = if rng.chance(0.5) { Sex::Female } else { Sex::Male };
        let age_days = rng.between(30, 17 * 365 + 300) as u64;
        let date_of_birth = today - Days::new(age_days);
        let contact = today - Days::new(rng.between(1, 120) as u64);
        let recorder = *rng.pick(&front_door);
        let mut events = Vec::new();
        let mut push = |rng: &mut Rng, date: NaiveDate, by: &Worker, event: ChildEvent| {
            let minutes = 9 * 60 + rng.below(8 * 60) as u32;
            let time = NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).expect("valid time");
            events.push(SyntheticEvent {
                id: EventId::from_random_bytes(rng.bytes16()),
                effective_date: date,
                recorded_at: date.and_time(time).and_utc(),
                recorded_by: RecordedBy::Worker(by.id),
                event,
            });
        };
        let given_name = names::given_name(&mut rng, sex).to_string();
        let family_name = names::family_name(&mut rng).to_string();
        push(
            &mut rng,
            contact,
            recorder,
            ChildEvent::ChildRegistered {
                la_child_id: format!("EM{:06}", 100_000 + index),
                given_name,
                family_name,
                date_of_birth: Some(date_of_birth),
                expected_date_of_birth: None,
                sex,
            },
        );
        let source = *rng.pick(ReferralSource::ALL);
        push(&mut rng, contact, recorder, ChildEvent::ContactReceived { source });
        if rng.chance(0.7) {
            let referral = next_working_day(contact, rng.below(2) as u32);
            if referral <= today {
                push(&mut rng, referral, recorder, ChildEvent::ReferralReceived { source });
                let allocated = next_working_day(referral, 1 + rng.below(3) as u32);
                if allocated <= today && rng.chance(0.85) {
                    let worker = *rng.pick(&assessment_workers);
                    push(
                        &mut rng,
                        allocated,
                        assessment_manager,
                        ChildEvent::WorkerAllocated { worker: worker.id, team: assessment_team },
                    );
                    push(&mut rng, allocated, worker, ChildEvent::AssessmentStarted {});
                }
            }
        }
        children_out.push(SyntheticChild { id, events });
    }
    SyntheticCouncil { name: COUNCIL_NAME.to_string(), teams, workers, children: children_out }
}

fn weekday_on_or_after(mut date: NaiveDate) -> NaiveDate {
    while matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        date = date + Days::new(1);
    }
    date
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn same_seed_and_day_give_the_same_council() {
        assert_eq!(council(1, today(), 30), council(1, today(), 30));
        assert_ne!(council(1, today(), 30), council(2, today(), 30));
    }

    #[test]
    fn every_record_starts_with_registration_and_stays_in_the_past() {
        let c = council(1, today(), 40);
        assert_eq!(c.children.len(), 40);
        assert_eq!(c.teams.len(), TEAMS.len());
        for child in &c.children {
            assert!(matches!(child.events[0].event, ChildEvent::ChildRegistered { .. }));
            let dates: Vec<NaiveDate> = child.events.iter().map(|e| e.effective_date).collect();
            assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
            assert!(dates.iter().all(|d| *d <= today()));
        }
        // Some children have got as far as an assessment.
        assert!(c.children.iter().any(|ch| ch.events.iter().any(|e| e.event == ChildEvent::AssessmentStarted {})));
    }

    #[test]
    fn workers_belong_to_teams_that_exist() {
        let c = council(3, today(), 5);
        for w in &c.workers {
            assert!(c.teams.iter().any(|t| t.id == w.team));
        }
        assert_eq!(c.workers.iter().filter(|w| w.role == WorkerRole::TeamManager).count(), TEAMS.len());
    }
}
