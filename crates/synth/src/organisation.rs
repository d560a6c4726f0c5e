//! The council's teams and workers over time: positions sized to the caseloads the council will
//! carry, each filled by a succession of workers (permanent or agency) as staff leave.

use chrono::{Days, NaiveDate};

use careful_domain::codes::Sex;
use careful_domain::organisation::{Employment, Service, Team, Worker, WorkerRole};
use careful_domain::{TeamId, WorkerId};

use crate::model;
use crate::names;
use crate::rng::Rng;

/// One person in post in a position, from `from` until `to`.
#[derive(Debug, Clone)]
pub struct Incumbent {
    pub worker: WorkerId,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// A post in a team, held by one worker after another.
#[derive(Debug, Clone)]
pub struct Position {
    pub team: usize,
    pub role: WorkerRole,
    pub incumbents: Vec<Incumbent>,
}

impl Position {
    /// Who holds the post on `date`, and until when.
    pub fn holder(&self, date: NaiveDate) -> &Incumbent {
        let i = self.incumbents.partition_point(|inc| inc.from <= date);
        &self.incumbents[i.saturating_sub(1)]
    }
}

/// Teams, positions and every worker who held one.
#[derive(Debug, Clone)]
pub struct Organisation {
    pub teams: Vec<Team>,
    pub workers: Vec<Worker>,
    pub positions: Vec<Position>,
    /// Positions by service: practitioners (the caseload holders) and managers.
    practitioners: Vec<(Service, Vec<usize>)>,
    managers: Vec<usize>,
}

/// The workers a service needs per 10,000 children: its expected caseload at steady state
/// divided by a caseload (16 for social workers, 20 for personal advisers, 60 for IROs).
fn practitioners_per_10k(service: Service) -> (WorkerRole, f64) {
    match service {
        Service::FrontDoor => (WorkerRole::FrontDoorWorker, 1.1),
        Service::Assessment => (WorkerRole::SocialWorker, 60.0 / model::CASELOAD),
        Service::ChildInNeedAndProtection => (WorkerRole::SocialWorker, 210.0 / model::CASELOAD),
        Service::LookedAfter => (WorkerRole::SocialWorker, 70.0 / model::CASELOAD),
        Service::LeavingCare => (WorkerRole::PersonalAdviser, 45.0 / 20.0),
        Service::IndependentReviewing => (WorkerRole::IndependentReviewingOfficer, 110.0 / 60.0),
        Service::Disabilities | Service::FosteringAndAdoption => (WorkerRole::SocialWorker, 0.0),
    }
}

const STAFFED: [Service; 6] = [
    Service::FrontDoor,
    Service::Assessment,
    Service::ChildInNeedAndProtection,
    Service::LookedAfter,
    Service::LeavingCare,
    Service::IndependentReviewing,
];

fn team_name(service: Service, n: usize, of: usize) -> String {
    let base = match service {
        Service::FrontDoor => "Front Door and MASH",
        Service::Assessment => "Assessment Team",
        Service::ChildInNeedAndProtection => "Child in Need and Protection Team",
        Service::LookedAfter => "Children in Care Team",
        Service::LeavingCare => "Leaving Care Team",
        Service::IndependentReviewing => "Independent Reviewing Service",
        Service::Disabilities => "Children with Disabilities Team",
        Service::FosteringAndAdoption => "Fostering and Adoption",
    };
    if of == 1 { base.to_string() } else { format!("{base} {}", n + 1) }
}

impl Organisation {
    /// Staffs a council of `population` children from `start` to `end`.
    pub fn staff(population: u64, start: NaiveDate, end: NaiveDate, rng: &mut Rng) -> Organisation {
        let mut org = Organisation {
            teams: Vec::new(),
            workers: Vec::new(),
            positions: Vec::new(),
            practitioners: Vec::new(),
            managers: Vec::new(),
        };
        for service in STAFFED {
            let (role, per_10k) = practitioners_per_10k(service);
            let count = ((population as f64 / 10_000.0 * per_10k).round() as usize).max(2);
            let teams = count.div_ceil(8);
            let mut practitioner_positions = Vec::with_capacity(count);
            for t in 0..teams {
                let team_index = org.teams.len();
                org.teams.push(Team {
                    id: TeamId::from_random_bytes(rng.bytes16()),
                    name: team_name(service, t, teams),
                    service,
                });
                let manager = org.new_position(team_index, WorkerRole::TeamManager, start, end, rng);
                org.managers.push(manager);
                let here = count / teams + usize::from(t < count % teams);
                for _ in 0..here {
                    practitioner_positions.push(org.new_position(team_index, role, start, end, rng));
                }
            }
            org.practitioners.push((service, practitioner_positions));
        }
        org
    }

    fn new_position(
        &mut self,
        team: usize,
        role: WorkerRole,
        start: NaiveDate,
        end: NaiveDate,
        rng: &mut Rng,
    ) -> usize {
        // Agency workers stay about a year; permanent staff leave at the national turnover rate.
        let agency_post = role != WorkerRole::TeamManager && rng.chance(model::AGENCY_SHARE);
        let mut incumbents = Vec::new();
        // The first holder started some time before the simulation began.
        let mut from = start - Days::new(rng.below(3 * 365));
        loop {
            let mean_days = if agency_post { 365.0 } else { 365.0 / model::TURNOVER };
            let tenure = rng.exponential(mean_days).max(30.0) as u64;
            let to = from + Days::new(tenure);
            let sex = if rng.chance(0.82) { Sex::Female } else { Sex::Male };
            let name = format!("{} {}", names::given_name(rng, sex), names::family_name(rng));
            let worker = WorkerId::from_random_bytes(rng.bytes16());
            let left = (to <= end).then_some(to);
            self.workers.push(Worker {
                id: worker,
                name,
                role,
                team: self.teams[team].id,
                employment: if agency_post { Employment::Agency } else { Employment::Permanent },
                started: Some(from),
                left,
                registration: matches!(
                    role,
                    WorkerRole::SocialWorker | WorkerRole::TeamManager | WorkerRole::IndependentReviewingOfficer
                )
                .then(|| format!("SW{:06}", 100_000 + rng.below(900_000))),
            });
            incumbents.push(Incumbent { worker, from, to: left });
            match left {
                Some(to) => from = to,
                None => break,
            }
        }
        self.positions.push(Position { team, role, incumbents });
        self.positions.len() - 1
    }

    /// A practitioner post in `service`, chosen at random (cases spread evenly across posts).
    pub fn pick(&self, service: Service, rng: &mut Rng) -> usize {
        let posts = &self.practitioners.iter().find(|(s, _)| *s == service).expect("staffed service").1;
        posts[rng.below(posts.len() as u64) as usize]
    }

    /// The manager of the team a post belongs to.
    pub fn manager_of(&self, position: usize) -> usize {
        self.managers[self.positions[position].team]
    }

    pub fn team_of(&self, position: usize) -> TeamId {
        self.teams[self.positions[position].team].id
    }

    /// The worker holding `position` on `date`.
    pub fn holder(&self, position: usize, date: NaiveDate) -> &Incumbent {
        self.positions[position].holder(date)
    }
}
