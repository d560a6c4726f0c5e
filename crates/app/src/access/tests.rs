//! The access rules against tables worked out by hand from the rules in words (the module's
//! documentation), not from the code: one row per role, one column per relationship.

use chrono::{TimeZone, Utc};
use uuid::Uuid;

use super::*;

fn me() -> WorkerId {
    WorkerId::from_uuid(Uuid::from_u128(1))
}
fn colleague() -> WorkerId {
    WorkerId::from_uuid(Uuid::from_u128(2))
}
fn other() -> WorkerId {
    WorkerId::from_uuid(Uuid::from_u128(3))
}
fn my_team() -> TeamId {
    TeamId::from_uuid(Uuid::from_u128(10))
}
fn other_team() -> TeamId {
    TeamId::from_uuid(Uuid::from_u128(11))
}

/// A principal in `role`: practitioners and managers are worker `me` in `my_team` (a looked
/// after team); analysts, scrutiny members and administrators have no worker.
fn principal(role: Role, via: Via) -> Principal {
    let practitioner = role.is_practitioner();
    Principal {
        account: AccountId::from_uuid(Uuid::from_u128(100)),
        username: "someone".into(),
        display_name: "Someone".into(),
        role,
        service: (role == Role::ServiceManager).then_some(Service::LookedAfter),
        worker: practitioner.then(me),
        team: practitioner.then(my_team),
        via,
    }
}

fn child() -> ChildFacts {
    ChildFacts {
        child: ChildId::from_uuid(Uuid::from_u128(1000)),
        worker: Some(other()),
        team: Some(other_team()),
        team_service: Some(Service::ChildInNeedAndProtection),
        iro: None,
        adviser: None,
        front_door: false,
        complaint: false,
        restriction: None,
        granted_until: None,
        break_glass_until: None,
    }
}

fn later() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap()
}

const COLUMNS: [&str; 11] = [
    "allocated",
    "same team",
    "other team",
    "IRO",
    "none (front door)",
    "adviser",
    "complaint",
    "granted",
    "restricted",
    "restricted, named",
    "broke glass",
];

/// The child for each column, from the principal's point of view.
fn column(name: &str) -> ChildFacts {
    let mine = || ChildFacts {
        worker: Some(me()),
        team: Some(my_team()),
        team_service: Some(Service::LookedAfter),
        iro: Some(me()),
        adviser: Some(me()),
        front_door: true,
        complaint: true,
        ..child()
    };
    let restricted =
        |named: bool| Some(RestrictionFacts { restricted_by: AccountId::from_uuid(Uuid::from_u128(7)), named });
    match name {
        "allocated" => ChildFacts {
            worker: Some(me()),
            team: Some(my_team()),
            team_service: Some(Service::LookedAfter),
            ..child()
        },
        "same team" => ChildFacts {
            worker: Some(colleague()),
            team: Some(my_team()),
            team_service: Some(Service::LookedAfter),
            ..child()
        },
        "other team" => child(),
        "IRO" => ChildFacts { iro: Some(me()), ..child() },
        "none (front door)" => ChildFacts { worker: None, team: None, team_service: None, front_door: true, ..child() },
        "adviser" => ChildFacts { adviser: Some(me()), ..child() },
        "complaint" => ChildFacts { complaint: true, ..child() },
        "granted" => ChildFacts { granted_until: Some(later()), ..child() },
        "restricted" => ChildFacts { restriction: restricted(false), ..mine() },
        "restricted, named" => ChildFacts { restriction: restricted(true), ..child() },
        "broke glass" => ChildFacts { restriction: restricted(false), break_glass_until: Some(later()), ..mine() },
        other => panic!("no column {other}"),
    }
}

fn letter(d: &Decision) -> char {
    match d {
        Decision::Allow(_) => 'A',
        Decision::Deny(_) => 'D',
        Decision::BreakGlass => 'B',
    }
}

/// Checks every role against its row of letters, one per column.
fn check(action: Action, rows: &[(Role, &str)]) {
    assert_eq!(rows.len(), Role::ALL.len(), "a row for every role");
    let mut wrong = Vec::new();
    for (role, expected) in rows {
        let expected: Vec<char> = expected.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(expected.len(), COLUMNS.len(), "{role:?}: a letter for every column");
        let p = principal(*role, Via::Session);
        for (col, want) in COLUMNS.iter().zip(expected) {
            let facts = column(col);
            let got = authorise(&p, action, Resource::Child(&facts));
            if letter(&got) != want {
                wrong.push(format!("{action:?} {role:?} / {col}: expected {want}, got {got:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

//                                    alloc same other IRO none adv comp grant restr named glass
#[test]
fn opening_a_childs_record() {
    check(
        Action::ViewChild,
        &[
            (Role::FrontDoor, "A A D D A D D A B A A"),
            (Role::SocialWorker, "A A D D D D D A B A A"),
            (Role::TeamManager, "A A D D D D D A B A A"),
            (Role::ServiceManager, "A A D D D D D A B A A"),
            (Role::Iro, "D D D A D D D A B A A"),
            (Role::PersonalAdviser, "A A D D D A D A B A A"),
            (Role::ComplaintsOfficer, "D D D D D D A A B A A"),
            (Role::PerformanceAnalyst, "D D D D D D D A D A D"),
            (Role::Scrutiny, "D D D D D D D D D D D"),
            (Role::Administrator, "D D D D D D D A D A D"),
        ],
    );
}

#[test]
fn recording_in_a_childs_record() {
    check(
        Action::RecordForChild,
        &[
            (Role::FrontDoor, "A A D D A D D A B A A"),
            (Role::SocialWorker, "A A D D D D D A B A A"),
            (Role::TeamManager, "A A D D D D D A B A A"),
            (Role::ServiceManager, "A A D D D D D A B A A"),
            (Role::Iro, "D D D A D D D A B A A"),
            (Role::PersonalAdviser, "A A D D D A D A B A A"),
            (Role::ComplaintsOfficer, "D D D D D D A A B A A"),
            (Role::PerformanceAnalyst, "D D D D D D D D D D D"),
            (Role::Scrutiny, "D D D D D D D D D D D"),
            (Role::Administrator, "D D D D D D D D D D D"),
        ],
    );
}

#[test]
fn restricting_and_granting_are_for_the_management_line() {
    for action in [Action::RestrictChild, Action::GrantAccess] {
        check(
            action,
            &[
                (Role::FrontDoor, "D D D D D D D D D D D"),
                (Role::SocialWorker, "D D D D D D D D D D D"),
                (Role::TeamManager, "A A D D D D D D D A D"),
                (Role::ServiceManager, "A A D D D D D D D A D"),
                (Role::Iro, "D D D D D D D D D D D"),
                (Role::PersonalAdviser, "D D D D D D D D D D D"),
                (Role::ComplaintsOfficer, "D D D D D D D D D D D"),
                (Role::PerformanceAnalyst, "D D D D D D D D D D D"),
                (Role::Scrutiny, "D D D D D D D D D D D"),
                (Role::Administrator, "D D D D D D D D D D D"),
            ],
        );
    }
}

#[test]
fn a_subject_access_export_is_for_managers_and_administrators_with_access() {
    check(
        Action::SubjectAccess,
        &[
            (Role::FrontDoor, "D D D D D D D D D D D"),
            (Role::SocialWorker, "D D D D D D D D D D D"),
            (Role::TeamManager, "A A D D D D D A D A D"),
            (Role::ServiceManager, "A A D D D D D A D A D"),
            (Role::Iro, "D D D D D D D D D D D"),
            (Role::PersonalAdviser, "D D D D D D D D D D D"),
            (Role::ComplaintsOfficer, "D D D D D D D D D D D"),
            (Role::PerformanceAnalyst, "D D D D D D D D D D D"),
            (Role::Scrutiny, "D D D D D D D D D D D"),
            (Role::Administrator, "D D D D D D D A D A D"),
        ],
    );
}

#[test]
fn a_service_manager_reaches_every_team_in_their_service() {
    let p = principal(Role::ServiceManager, Via::Session);
    let elsewhere_in_service = ChildFacts {
        team: Some(TeamId::from_uuid(Uuid::from_u128(12))),
        team_service: Some(Service::LookedAfter),
        ..child()
    };
    assert_eq!(
        authorise(&p, Action::ViewChild, Resource::Child(&elsewhere_in_service)),
        Decision::Allow(Some(Basis::ManagementLine))
    );
    // A team manager of another team in the same service does not.
    let tm = principal(Role::TeamManager, Via::Session);
    assert!(!authorise(&tm, Action::ViewChild, Resource::Child(&elsewhere_in_service)).is_allowed());
}

#[test]
fn council_wide_actions_by_role() {
    use Role::*;
    // Columns: figures, caseload, register a child, search for people, own worklist, council
    // worklist, check returns, export and import returns, benchmarks, generate, accounts,
    // organisation, audit, retention.
    let actions = [
        Action::ViewFigures,
        Action::ViewCaseload,
        Action::RegisterChild,
        Action::SearchPeople,
        Action::ViewWorklist(WorklistScope::Own),
        Action::ViewWorklist(WorklistScope::Council),
        Action::CheckReturns,
        Action::ExportReturns,
        Action::ImportReturns,
        Action::ManageBenchmarks,
        Action::GenerateSyntheticCouncil,
        Action::ManageAccounts,
        Action::ManageOrganisation,
        Action::ViewAudit,
        Action::ViewRetention,
    ];
    //                         fig case reg srch own cncl chk exp imp bmk gen acc org aud ret
    let rows: [(Role, &str); 10] = [
        (FrontDoor, "A A A A A D D D D D D D D D D"),
        (SocialWorker, "A A A A A D D D D D D D D D D"),
        (TeamManager, "A A A A A D A D D D D D D D D"),
        (ServiceManager, "A A A A A A A A A D D D D D A"),
        (Iro, "A A D A A D D D D D D D D D D"),
        (PersonalAdviser, "A A D A A D D D D D D D D D D"),
        (ComplaintsOfficer, "A A D A A D D D D D D D D D D"),
        (PerformanceAnalyst, "A D D D D A A A A A D D D D D"),
        (Scrutiny, "A D D D D D D D D D D D D D D"),
        (Administrator, "A D D D D D D D D A A A A A A"),
    ];
    let mut wrong = Vec::new();
    for (role, expected) in rows {
        let expected: Vec<char> = expected.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(expected.len(), actions.len());
        let p = principal(role, Via::Session);
        for (action, want) in actions.iter().zip(expected) {
            let got = authorise(&p, *action, Resource::Council);
            if letter(&got) != want {
                wrong.push(format!("{action:?} {role:?}: expected {want}, got {got:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn worklists_of_others() {
    let tm = principal(Role::TeamManager, Via::Session);
    let sw = principal(Role::SocialWorker, Via::Session);
    let own_team = Action::ViewWorklist(WorklistScope::Team { same_team: true, same_service: true });
    let other_team = Action::ViewWorklist(WorklistScope::Team { same_team: false, same_service: true });
    assert!(authorise(&tm, own_team, Resource::Council).is_allowed());
    assert!(!authorise(&tm, other_team, Resource::Council).is_allowed());
    assert!(authorise(&sw, own_team, Resource::Council).is_allowed());
    let colleague = Action::ViewWorklist(WorklistScope::OtherWorker { same_team: true });
    assert!(authorise(&tm, colleague, Resource::Council).is_allowed());
    assert!(!authorise(&sw, colleague, Resource::Council).is_allowed());
    let sm = principal(Role::ServiceManager, Via::Session);
    assert!(authorise(&sm, other_team, Resource::Council).is_allowed());
    let outside = Action::ViewWorklist(WorklistScope::Team { same_team: false, same_service: false });
    assert!(!authorise(&sm, outside, Resource::Council).is_allowed());
}

#[test]
fn a_token_is_held_to_its_scopes() {
    let allocated = column("allocated");
    let reader = principal(Role::SocialWorker, Via::Token(vec![Scope::Read]));
    assert_eq!(
        authorise(&reader, Action::ViewChild, Resource::Child(&allocated)),
        Decision::Allow(Some(Basis::Allocated))
    );
    let Decision::Deny(why) = authorise(&reader, Action::RecordForChild, Resource::Child(&allocated)) else {
        panic!("a read-only token recorded");
    };
    assert!(why.contains("\u{201c}record\u{201d} scope"), "{why}");
    let analyst = principal(Role::PerformanceAnalyst, Via::Token(vec![Scope::Read]));
    assert!(!authorise(&analyst, Action::ExportReturns, Resource::Council).is_allowed());
    let analyst = principal(Role::PerformanceAnalyst, Via::Token(vec![Scope::Returns]));
    assert!(authorise(&analyst, Action::ExportReturns, Resource::Council).is_allowed());
    // A scope never adds to what the role allows.
    let admin = principal(Role::SocialWorker, Via::Token(Scope::ALL.to_vec()));
    assert!(!authorise(&admin, Action::ManageAccounts, Resource::Council).is_allowed());
}

#[test]
fn child_actions_need_a_child_and_council_actions_need_none() {
    let p = principal(Role::SocialWorker, Via::Session);
    assert!(!authorise(&p, Action::ViewChild, Resource::Council).is_allowed());
    let facts = column("allocated");
    // A council-wide action asked about a child is decided as council-wide.
    assert!(authorise(&p, Action::ViewCaseload, Resource::Child(&facts)).is_allowed());
}

#[test]
fn denials_say_why() {
    let admin = principal(Role::Administrator, Via::Session);
    let Decision::Deny(why) = authorise(&admin, Action::ViewChild, Resource::Child(&column("allocated"))) else {
        panic!("an administrator opened a record by role alone");
    };
    assert!(why.contains("grant"), "{why}");
    let scrutiny = principal(Role::Scrutiny, Via::Session);
    let Decision::Deny(why) = authorise(&scrutiny, Action::ViewChild, Resource::Child(&column("granted"))) else {
        panic!("scrutiny opened a record");
    };
    assert!(why.contains("aggregate"), "{why}");
    let sw = principal(Role::SocialWorker, Via::Session);
    let Decision::Deny(why) = authorise(&sw, Action::ManageAccounts, Resource::Council) else { panic!() };
    assert_eq!(why, "only administrators may manage accounts");
}

#[test]
fn searching_for_people_needs_the_read_scope_and_says_who_may() {
    let reader = principal(Role::FrontDoor, Via::Token(vec![Scope::Read]));
    assert_eq!(authorise(&reader, Action::SearchPeople, Resource::Council), Decision::Allow(None));
    let recorder = principal(Role::FrontDoor, Via::Token(vec![Scope::Record]));
    assert!(!authorise(&recorder, Action::SearchPeople, Resource::Council).is_allowed());
    let analyst = principal(Role::PerformanceAnalyst, Via::Session);
    let Decision::Deny(why) = authorise(&analyst, Action::SearchPeople, Resource::Council) else {
        panic!("an analyst searched for children")
    };
    assert!(why.starts_with("only front door workers, social workers, team managers"), "{why}");
    assert!(why.ends_with("complaints officers may search for children and the people in their lives"), "{why}");
}

#[test]
fn roles_round_trip_through_their_stored_names() {
    for role in Role::ALL {
        assert_eq!(Role::parse(role.as_str()), Some(role));
    }
    assert_eq!(Role::parse("Team manager"), Some(Role::TeamManager));
    assert_eq!(Role::parse("team-manager"), Some(Role::TeamManager));
    assert_eq!(Role::parse("director"), None);
    for scope in Scope::ALL {
        assert_eq!(Scope::parse(scope.as_str()), Some(scope));
    }
}
