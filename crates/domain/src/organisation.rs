//! The council's children's services: teams and the workers in them.

use serde::{Deserialize, Serialize};

use crate::ids::{TeamId, WorkerId};

/// What a team does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// Contacts, referrals and the multi-agency safeguarding hub.
    FrontDoor,
    /// Child and family assessment.
    Assessment,
    /// Children in need and child protection.
    ChildInNeedAndProtection,
    /// Children looked after.
    LookedAfter,
    /// Care leavers (personal advisers).
    LeavingCare,
    /// Children with disabilities.
    Disabilities,
    /// Independent reviewing officers and child protection chairs.
    IndependentReviewing,
    /// Fostering and adoption.
    FosteringAndAdoption,
}

impl Service {
    pub const ALL: [Service; 8] = [
        Service::FrontDoor,
        Service::Assessment,
        Service::ChildInNeedAndProtection,
        Service::LookedAfter,
        Service::LeavingCare,
        Service::Disabilities,
        Service::IndependentReviewing,
        Service::FosteringAndAdoption,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Service::FrontDoor => "front_door",
            Service::Assessment => "assessment",
            Service::ChildInNeedAndProtection => "child_in_need_and_protection",
            Service::LookedAfter => "looked_after",
            Service::LeavingCare => "leaving_care",
            Service::Disabilities => "disabilities",
            Service::IndependentReviewing => "independent_reviewing",
            Service::FosteringAndAdoption => "fostering_and_adoption",
        }
    }

    pub fn parse(text: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub service: Service,
}

/// A worker's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkerRole {
    SocialWorker,
    TeamManager,
    IndependentReviewingOfficer,
    PersonalAdviser,
    FrontDoorWorker,
}

impl WorkerRole {
    pub const ALL: [WorkerRole; 5] = [
        WorkerRole::SocialWorker,
        WorkerRole::TeamManager,
        WorkerRole::IndependentReviewingOfficer,
        WorkerRole::PersonalAdviser,
        WorkerRole::FrontDoorWorker,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkerRole::SocialWorker => "social_worker",
            WorkerRole::TeamManager => "team_manager",
            WorkerRole::IndependentReviewingOfficer => "independent_reviewing_officer",
            WorkerRole::PersonalAdviser => "personal_adviser",
            WorkerRole::FrontDoorWorker => "front_door_worker",
        }
    }

    pub fn parse(text: &str) -> Option<WorkerRole> {
        WorkerRole::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The role in words: "independent reviewing officer (IRO)".
    pub fn describe(self) -> &'static str {
        match self {
            WorkerRole::SocialWorker => "social worker",
            WorkerRole::TeamManager => "team manager",
            WorkerRole::IndependentReviewingOfficer => "independent reviewing officer (IRO)",
            WorkerRole::PersonalAdviser => "personal adviser",
            WorkerRole::FrontDoorWorker => "front door worker",
        }
    }
}

/// Whether a worker is employed by the council or through an agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Employment {
    Permanent,
    Agency,
}

impl Employment {
    pub fn as_str(self) -> &'static str {
        match self {
            Employment::Permanent => "permanent",
            Employment::Agency => "agency",
        }
    }

    pub fn parse(text: &str) -> Option<Employment> {
        [Employment::Permanent, Employment::Agency].into_iter().find(|s| s.as_str() == text)
    }
}

/// A member of staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Worker {
    pub id: WorkerId,
    pub name: String,
    pub role: WorkerRole,
    pub team: TeamId,
    pub employment: Employment,
    /// When they joined the team, if known.
    pub started: Option<chrono::NaiveDate>,
    /// When they left, if they have.
    pub left: Option<chrono::NaiveDate>,
    /// A social worker's Social Work England registration number (`SW` and digits), which the
    /// 903 reports as `SW_ID`.
    pub registration: Option<String>,
}

impl Worker {
    /// Whether the worker is in post on `date`.
    pub fn in_post(&self, date: chrono::NaiveDate) -> bool {
        self.started.is_none_or(|s| s <= date) && self.left.is_none_or(|l| l > date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for s in Service::ALL {
            assert_eq!(Service::parse(s.as_str()), Some(s));
        }
        for r in WorkerRole::ALL {
            assert_eq!(WorkerRole::parse(r.as_str()), Some(r));
        }
        assert_eq!(Employment::parse("agency"), Some(Employment::Agency));
        assert_eq!(Employment::parse("locum"), None);
    }
}
