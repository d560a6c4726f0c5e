//! Who may do what, asked of the running server: every route careful has, as every role, for
//! children in every relationship to the person asking. The expected answers are tables written
//! by hand from the access rules in words (`careful_app::access`'s documentation), not from the
//! code; the answers found are printed to `docs/access.md`, which this test keeps in step.
//!
//! Requests carry each role's personal access token (all scopes), so the answer is the access
//! rules' alone; sessions, form tokens and scopes are tested in `security.rs`.

use chrono::NaiveDate;

use careful_app::record::Proposed;
use careful_app::{App, Client, UserHandle};
use careful_domain::codes::*;
use careful_domain::organisation::WorkerRole;
use careful_domain::record::*;
use careful_domain::{CarerId, ChildId, TeamId, WorkerId};
use careful_web::{Access, RouteInfo};

use crate::on_both_engines;
use crate::support::accounts::Accounts;
use crate::support::process::{Careful, http_no_redirects};
use crate::support::{Engine, TestDb};

/// The roles, as their stored names, in the order the tables list them.
const ROLES: [&str; 10] = [
    "front_door",
    "social_worker",
    "team_manager",
    "service_manager",
    "iro",
    "personal_adviser",
    "complaints_officer",
    "performance_analyst",
    "scrutiny",
    "administrator",
];

/// The relationships a child can have to the person asking.
const COLUMNS: [&str; 11] = [
    "allocated",
    "same team",
    "other team",
    "IRO of the child",
    "none (at the front door)",
    "personal adviser",
    "complaint",
    "granted",
    "restricted",
    "restricted, named",
    "broke glass",
];

// What the rules say, one row per role (in ROLES order), one letter per column (in COLUMNS
// order): A allowed, D refused, B break glass offered. Written from the rules in words.
//                          alloc same other IRO none adv comp grant restr named glass
const VIEW: [&str; 10] = [
    "A A D D A D D A B A A", // front door
    "A A D D D D D A B A A", // social worker
    "A A D D D D D A B A A", // team manager
    "A A D D D D D A B A A", // service manager
    "D D D A D D D A B A A", // IRO
    "A A D D D A D A B A A", // personal adviser
    "D D D D D D A A B A A", // complaints officer
    "D D D D D D D A D A D", // performance analyst
    "D D D D D D D D D D D", // scrutiny
    "D D D D D D D A D A D", // administrator
];

// Recording (and correcting): as reading, for the roles that work with children's records;
// never for analysts, scrutiny members or administrators.
const RECORD: [&str; 10] = [
    "A A D D A D D A B A A", // front door
    "A A D D D D D A B A A", // social worker
    "A A D D D D D A B A A", // team manager
    "A A D D D D D A B A A", // service manager
    "D D D A D D D A B A A", // IRO
    "A A D D D A D A B A A", // personal adviser
    "D D D D D D A A B A A", // complaints officer
    "D D D D D D D D D D D", // performance analyst
    "D D D D D D D D D D D", // scrutiny
    "D D D D D D D D D D D", // administrator
];

const MANAGE: [&str; 10] = [
    "D D D D D D D D D D D",
    "D D D D D D D D D D D",
    "A A D D D D D D D A D",
    "A A D D D D D D D A D",
    "D D D D D D D D D D D",
    "D D D D D D D D D D D",
    "D D D D D D D D D D D",
    "D D D D D D D D D D D",
    "D D D D D D D D D D D",
    "D D D D D D D D D D D",
];

/// The roles a council-wide route is for.
fn council_allows(route: &RouteInfo, action: careful_app::Action, role: &str) -> bool {
    match route.path {
        // The children an IRO reviews: for IROs.
        "/iro" => return role == "iro",
        // A team's work: its own members, their service's manager, and performance analysts.
        "/team" => {
            return [
                "front_door",
                "social_worker",
                "team_manager",
                "service_manager",
                "personal_adviser",
                "performance_analyst",
            ]
            .contains(&role);
        }
        // Each team's and worker's figures: for those who may see some team's or worker's
        // worklist (every practitioner here is linked to a worker), never scrutiny members or
        // administrators.
        "/insight/teams" => return !["scrutiny", "administrator"].contains(&role),
        _ => {}
    }

    use careful_app::Action::*;
    let practitioners = [
        "front_door",
        "social_worker",
        "team_manager",
        "service_manager",
        "iro",
        "personal_adviser",
        "complaints_officer",
    ];
    match action {
        // The council's figures and the scrutiny report: aggregates, for everyone signed in.
        ViewFigures => true,
        ViewCaseload => practitioners.contains(&role),
        // One's own work: everyone who works with children's records (each linked to a worker).
        ViewWorklist(careful_app::access::WorklistScope::Own) => practitioners.contains(&role),
        // Searching shows who children are: for practitioners, never analysts, scrutiny members
        // or administrators.
        SearchPeople => practitioners.contains(&role),
        // Starting a record: the front door, social workers and their managers.
        RegisterChild => ["front_door", "social_worker", "team_manager", "service_manager"].contains(&role),
        CheckReturns => ["team_manager", "service_manager", "performance_analyst"].contains(&role),
        ManageAccounts | ViewAudit => role == "administrator",
        ViewRetention => ["service_manager", "administrator"].contains(&role),
        other => panic!("no expectation written for {other:?}: add one from the access rules"),
    }
}

fn letters(row: &str) -> Vec<char> {
    row.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What the rules say for a child route, as a role, for a child in a relationship.
fn child_expected(route: &RouteInfo, role: usize, column: usize) -> char {
    let Access::Child(action) = route.access else { unreachable!() };
    use careful_app::Action::*;
    let table = match action {
        ViewChild => &VIEW,
        RecordForChild => &RECORD,
        RestrictChild | GrantAccess => &MANAGE,
        other => panic!("no expectation written for {other:?}: add one from the access rules"),
    };
    let letter = letters(table[role])[column];
    // Asking to break the glass is open to those offered it; for those already allowed it does
    // nothing (and goes back to the record).
    if route.path.ends_with("/break-glass") && letter == 'B' { 'A' } else { letter }
}

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn placement() -> Placement {
    Placement {
        placement_type: PlacementType::FosterOtherOther,
        provider: Some(PlacementProvider::OwnProvision),
        postcode: Some("EM1 4QT".parse().unwrap()),
        urn: None,
        carer: CarerId::from_random_bytes([7; 16]),
    }
}

/// A child as the fixture makes them.
#[derive(Default, Clone)]
struct Shape {
    allocated: Option<(WorkerId, TeamId)>,
    looked_after: bool,
    iro: Option<WorkerId>,
    adviser: Option<WorkerId>,
    complaint: bool,
    /// Only a contact, awaiting the front door's decision.
    contact_only: bool,
}

/// One synthetic child, made by the front-door worker who registers every child here.
async fn make_child(creator: &UserHandle, la: &str, given: &str, shape: Shape) -> ChildId {
    let day = d("2026-11-02");
    let details = PersonalDetails {
        given_name: given.into(),
        family_name: "Testchild".into(),
        date_of_birth: Some(d("2015-06-01")),
        expected_date_of_birth: None,
        sex: Sex::Female,
        ethnicity: Ethnicity::WhiteBritish,
        upn: None,
        upn_unknown: Some(UpnUnknown::IncompleteInformation),
        nhs_number: None,
        disabilities: vec![],
    };
    let mut events =
        vec![Proposed::new(ChildEvent::ChildRegistered { la_child_id: la.parse().unwrap(), details }, day)];
    if shape.contact_only {
        events.push(Proposed::new(ChildEvent::ContactReceived { source: ReferralSource::School }, day));
    } else {
        events.push(Proposed::new(
            ChildEvent::ReferralReceived { source: ReferralSource::Police, primary_need: Need::AbuseOrNeglect },
            day,
        ));
    }
    if let Some((worker, team)) = shape.allocated {
        events.push(Proposed::new(ChildEvent::WorkerAllocated { worker, team, reason: None }, day));
    }
    if shape.looked_after {
        events.push(Proposed::new(
            ChildEvent::BecameLookedAfter {
                legal_status: LegalStatus::Section20SinglePeriod,
                placement: placement(),
                category_of_need: Need::AbuseOrNeglect,
                home_postcode: None,
                previous_permanence: None,
            },
            day,
        ));
    }
    if let Some(iro) = shape.iro {
        events.push(Proposed::new(ChildEvent::IroAppointed { iro }, day));
    }
    if let Some(worker) = shape.adviser {
        events.push(Proposed::new(ChildEvent::PersonalAdviserAllocated { worker }, day));
    }
    if shape.complaint {
        events.push(Proposed::new(
            ChildEvent::ComplaintReceived { stage: ComplaintStage::LocalResolution, summary: "Late visits".into() },
            day,
        ));
    }
    creator.register_child(events).await.unwrap_or_else(|e| panic!("make child {la}: {e}")).0
}

/// Everything the matrix needs: a token per role, and per role a child in each relationship.
struct Fixture {
    tokens: Vec<String>,
    /// children[role][column]
    children: Vec<Vec<ChildId>>,
    /// Every child's name and IDs, which scrutiny must never receive.
    identities: Vec<String>,
    /// An account the administration routes act on.
    target_account: String,
}

async fn handle_for(app: &App, token: &str) -> UserHandle {
    let principal = app.principal_from_token(token, &Client::default()).await.unwrap();
    app.user(principal, Client::default())
}

async fn fixture(accounts: &Accounts) -> Fixture {
    let admin = accounts.admin();
    let mine = admin.add_team("Looked after team A", "looked_after").await.unwrap();
    let theirs = admin.add_team("Child in need team B", "child_in_need_and_protection").await.unwrap();
    let front = admin.add_team("Front door", "front_door").await.unwrap();
    let worker = |name: String, role: WorkerRole, team: TeamId| async move {
        admin.add_worker(&name, role, team, false, None, Some(d("2020-01-06"))).await.unwrap()
    };
    let colleague = worker("A colleague".into(), WorkerRole::SocialWorker, mine).await;
    let other = worker("Someone in team B".into(), WorkerRole::SocialWorker, theirs).await;
    let stand_in = worker("Nobody's worker".into(), WorkerRole::SocialWorker, mine).await;
    // Who registers children, who restricts them (a manager in team A) and who grants access
    // (a manager in team B): none of them is asked anything by the matrix.
    let creator_worker = worker("Registering worker".into(), WorkerRole::FrontDoorWorker, front).await;
    let restrictor_worker = worker("Restricting manager".into(), WorkerRole::TeamManager, mine).await;
    let grantor_worker = worker("Granting manager".into(), WorkerRole::TeamManager, theirs).await;
    let creator = accounts.token("matrix.creator", "front_door", Some(creator_worker), "", &["read", "record"]).await;
    let restrictor =
        accounts.token("matrix.restrictor", "team_manager", Some(restrictor_worker), "", &["read", "record"]).await;
    let grantor = accounts.token("matrix.grantor", "team_manager", Some(grantor_worker), "", &["read", "record"]).await;
    let creator = handle_for(&accounts.app, &creator).await;
    let restrictor = handle_for(&accounts.app, &restrictor).await;
    let grantor = handle_for(&accounts.app, &grantor).await;
    accounts.add("matrix.target", "scrutiny", None, "").await;

    let mut tokens = Vec::new();
    let mut children = Vec::new();
    let mut identities = Vec::new();
    for (r, role) in ROLES.iter().enumerate() {
        let username = format!("matrix.{}", role.replace('_', "."));
        let practitioner = !["performance_analyst", "scrutiny", "administrator"].contains(role);
        let worker_role = match *role {
            "front_door" => WorkerRole::FrontDoorWorker,
            "team_manager" | "service_manager" => WorkerRole::TeamManager,
            "iro" => WorkerRole::IndependentReviewingOfficer,
            "personal_adviser" => WorkerRole::PersonalAdviser,
            _ => WorkerRole::SocialWorker,
        };
        let me = if practitioner { Some(worker(format!("Worker for {role}"), worker_role, mine).await) } else { None };
        let service = if *role == "service_manager" { "looked_after" } else { "" };
        let token = accounts.token(&username, role, me, service, &["read", "record", "returns", "admin"]).await;
        let handle = handle_for(&accounts.app, &token).await;
        let w = me.unwrap_or(stand_in);
        let la = |c: usize| format!("MX{r:02}{c:02}");
        let given = |c: usize| format!("Matrixchild{r}x{c}");
        let in_b = Shape { allocated: Some((other, theirs)), ..Shape::default() };
        let everything = Shape {
            allocated: Some((w, mine)),
            looked_after: true,
            iro: Some(w),
            adviser: Some(w),
            complaint: true,
            contact_only: false,
        };
        let shapes = [
            Shape { allocated: Some((w, mine)), ..Shape::default() },
            Shape { allocated: Some((colleague, mine)), ..Shape::default() },
            in_b.clone(),
            Shape { looked_after: true, iro: Some(w), ..in_b.clone() },
            Shape { contact_only: true, ..Shape::default() },
            Shape { looked_after: true, adviser: Some(w), ..in_b.clone() },
            Shape { complaint: true, ..in_b.clone() },
            in_b.clone(),
            everything.clone(),
            Shape { allocated: Some((colleague, mine)), ..Shape::default() },
            everything,
        ];
        let mut row = Vec::new();
        for (c, shape) in shapes.into_iter().enumerate() {
            let child = make_child(&creator, &la(c), &given(c), shape).await;
            identities.extend([la(c), given(c), child.to_string()]);
            row.push(child);
        }
        // Granted: by team B's manager (refused for a scrutiny member, who sees no records).
        let _ = grantor.grant_access(row[7], &username, "7", "covering team B's duty rota").await;
        // Restricted, not naming them; restricted naming them; restricted, then broken into.
        restrictor.restrict(row[8], "high_profile", "a case in the local news", &[]).await.unwrap();
        restrictor
            .restrict(row[9], "staff_relative", "a relative of a member of staff", std::slice::from_ref(&username))
            .await
            .unwrap();
        restrictor.restrict(row[10], "high_profile", "a case in the local news", &[]).await.unwrap();
        let _ = handle.break_glass(row[10], "out-of-hours child protection enquiry").await;
        tokens.push(token);
        children.push(row);
    }
    Fixture { tokens, children, identities, target_account: String::new() }
}

/// How the server answered, as a letter.
fn classify(route: &RouteInfo, status: u16, location: Option<&str>, body: &str) -> char {
    match status {
        303 if location.is_some_and(|l| l.starts_with("/sign-in?next=")) && route.access != Access::Public => 'S',
        401 if route.access != Access::Public => 'S',
        403 if body.contains("This record is restricted") => 'B',
        403 => 'D',
        _ => 'A',
    }
}

/// The address to ask for, with the path's parameters filled in.
fn address(route: &RouteInfo, child: Option<ChildId>, target: &str) -> String {
    let mut path = route.path.to_string();
    if let Some(child) = child {
        path = path.replace("{child}", &child.to_string());
    }
    path.replace("{grant}", "0190f5a4-7c1e-7b4e-9a55-2f0c1d2e3f40")
        .replace("{token}", "0190f5a4-7c1e-7b4e-9a55-2f0c1d2e3f41")
        .replace("{account}", target)
        .replace("{*path}", "careful.css")
        .replace("{form}", "visit")
        .replace("{entry}", "0190f5a4-7c1e-7b4e-9a55-2f0c1d2e3f42")
}

struct Answer {
    letter: char,
    body: String,
}

async fn ask(base: &str, route: &RouteInfo, token: Option<&str>, path: &str) -> Answer {
    let client = http_no_redirects();
    let url = format!("{base}{path}");
    let mut request = match (route.method, token) {
        ("GET", _) => client.get(&url),
        (_, Some(_)) => client.post(&url).header("content-type", "application/x-www-form-urlencoded").body(""),
        // Signed out, a browser holds the form cookie the sign-in page set, and the form
        // carries its value.
        (_, None) => client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", "careful_form=matrix-form-token")
            .body("csrf_token=matrix-form-token"),
    };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap_or_else(|e| panic!("{} {path}: {e}", route.method));
    let status = response.status().as_u16();
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = response.text().await.unwrap_or_default();
    Answer { letter: classify(route, status, location.as_deref(), &body), body }
}

on_both_engines!(every_route_for_every_role_and_relationship);

async fn every_route_for_every_role_and_relationship(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let accounts = Accounts::new(&url).await;
    let mut f = fixture(&accounts).await;
    f.target_account = accounts.admin().account_by_username("matrix.target").await.unwrap().id.to_string();
    let routes = careful_web::routes(&accounts.app);
    accounts.app.close().await;
    let careful = Careful::serve(&url);
    let base = careful.base_url.clone();

    let mut wrong = Vec::new();
    let mut council_rows: Vec<(String, String, Vec<char>)> = Vec::new();
    let mut child_tables: Vec<(String, String, Vec<Vec<char>>)> = Vec::new();
    // Signing out (and signing out everywhere) ends the tokens' sessions, so they go last.
    let mut ordered: Vec<&RouteInfo> = routes
        .iter()
        .filter(|r| !r.path.starts_with("/sign-out") && !r.path.ends_with("sign-out-everywhere"))
        .collect();
    ordered
        .extend(routes.iter().filter(|r| r.path.starts_with("/sign-out") || r.path.ends_with("sign-out-everywhere")));
    for route in ordered {
        let name = format!("{} {}", route.method, route.path);
        match route.access {
            Access::Child(_) => {
                let mut table = Vec::new();
                for (r, role) in ROLES.iter().enumerate() {
                    let mut row = Vec::new();
                    for (c, column) in COLUMNS.iter().enumerate() {
                        let path = address(route, Some(f.children[r][c]), &f.target_account);
                        let answer = ask(&base, route, Some(&f.tokens[r]), &path).await;
                        let expected = child_expected(route, r, c);
                        if answer.letter != expected {
                            wrong.push(format!(
                                "{name} as {role}, {column}: expected {expected}, got {}",
                                answer.letter
                            ));
                        }
                        if *role == "scrutiny" {
                            assert_no_child_identity(&f.identities, &answer.body, &name);
                        }
                        row.push(answer.letter);
                    }
                    table.push(row);
                }
                // Signed out: sent to sign in, whatever the child.
                let path = address(route, Some(f.children[0][0]), &f.target_account);
                let answer = ask(&base, route, None, &path).await;
                assert_eq!(answer.letter, 'S', "{name} signed out");
                assert_no_child_identity(&f.identities, &answer.body, &name);
                child_tables.push((name, route.what.to_string(), table));
            }
            access => {
                let mut row = Vec::new();
                let path = address(route, None, &f.target_account);
                let answer = ask(&base, route, None, &path).await;
                let expected = if access == Access::Public { 'A' } else { 'S' };
                if answer.letter != expected {
                    wrong.push(format!("{name} signed out: expected {expected}, got {}", answer.letter));
                }
                assert_no_child_identity(&f.identities, &answer.body, &name);
                row.push(answer.letter);
                for (r, role) in ROLES.iter().enumerate() {
                    let answer = ask(&base, route, Some(&f.tokens[r]), &path).await;
                    let expected = match access {
                        Access::Public | Access::SignedIn => 'A',
                        Access::Council(action) => {
                            if council_allows(route, action, role) {
                                'A'
                            } else {
                                'D'
                            }
                        }
                        Access::Child(_) => unreachable!(),
                    };
                    if answer.letter != expected {
                        wrong.push(format!("{name} as {role}: expected {expected}, got {}", answer.letter));
                    }
                    if *role == "scrutiny" {
                        assert_no_child_identity(&f.identities, &answer.body, &name);
                    }
                    row.push(answer.letter);
                }
                council_rows.push((name, access_words(&access), row));
            }
        }
    }
    assert!(wrong.is_empty(), "{} answers differ from the access rules:\n{}", wrong.len(), wrong.join("\n"));

    // docs/access.md is the matrix found.
    let docs = markdown(&council_rows, &child_tables);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/access.md");
    if std::env::var("CAREFUL_WRITE_DOCS").is_ok_and(|v| v == "1") {
        std::fs::write(path, &docs).unwrap();
    }
    let written = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        written == docs,
        "docs/access.md is not the matrix the server gives: run CAREFUL_WRITE_DOCS=1 scripts/test access:: and commit it"
    );
}

fn access_words(access: &Access) -> String {
    access.describe()
}

/// Scrutiny members (and the signed-out) never receive a child's name or ID.
fn assert_no_child_identity(identities: &[String], body: &str, route: &str) {
    for id in identities {
        assert!(!body.contains(id.as_str()), "{route} gave a child's identity ({id}) to someone who may not see it");
    }
}

const ROLE_NAMES: [&str; 10] = [
    "Front door",
    "Social worker",
    "Team manager",
    "Service manager",
    "IRO",
    "Personal adviser",
    "Complaints officer",
    "Performance analyst",
    "Scrutiny",
    "Administrator",
];

fn markdown(council: &[(String, String, Vec<char>)], children: &[(String, String, Vec<Vec<char>>)]) -> String {
    let mut out = String::new();
    out.push_str("# Who may do what\n\n");
    out.push_str(
        "This page is written by the test `access::every_route_for_every_role_and_relationship`, which asks the \
         running server every route careful has, as every role and, for a child's record, for children in every \
         relationship to the person asking, and checks each answer against the access rules written out by hand. \
         Do not edit it: run `CAREFUL_WRITE_DOCS=1 scripts/test access::` after changing the rules or the routes. \
         The rules in words are in `crates/app/src/access.rs`; how sign-in works is in [security.md](security.md).\n\n",
    );
    out.push_str(
        "Key: **A** allowed (the page or action runs; a form may still find problems with what was sent), \
         **D** refused with a page saying why (403, and the refusal is in the audit log), **B** the record is \
         restricted: break glass is offered, **S** sent to sign in first.\n\n",
    );
    out.push_str("## Pages and actions not about one child\n\n");
    out.push_str("| Route | Needs | Signed out |");
    for name in ROLE_NAMES {
        out.push_str(&format!(" {name} |"));
    }
    out.push_str("\n| --- | --- | --- |");
    for _ in ROLE_NAMES {
        out.push_str(" --- |");
    }
    out.push('\n');
    for (route, needs, row) in council {
        out.push_str(&format!("| `{route}` | {needs} |"));
        for letter in row {
            out.push_str(&format!(" {letter} |"));
        }
        out.push('\n');
    }
    out.push_str("\n## A child's record\n\n");
    out.push_str(
        "Columns are the child's relationship to the person asking: **allocated** to them; allocated to someone in \
         their **team**; allocated in **another team**; they are the child's **IRO**; **none** (a contact at the \
         front door, nobody allocated); they are the child's **personal adviser**; a **complaint** has been made \
         about the child's care; a manager has **granted** them time-limited access; the record is **restricted** \
         and they are not named on it (though they would otherwise have every relationship); restricted and \
         they are **named**; restricted and they **broke the glass** (with a reason, for an hour). Signed out, every \
         one of these sends the browser to sign in.\n\n",
    );
    for (route, what, table) in children {
        out.push_str(&format!("### `{route}`: {what}\n\n| Role |"));
        for column in COLUMNS {
            out.push_str(&format!(" {column} |"));
        }
        out.push_str("\n| --- |");
        for _ in COLUMNS {
            out.push_str(" --- |");
        }
        out.push('\n');
        for (r, row) in table.iter().enumerate() {
            out.push_str(&format!("| {} |", ROLE_NAMES[r]));
            for letter in row {
                out.push_str(&format!(" {letter} |"));
            }
            out.push('\n');
        }
        out.push('\n');
    }
    out
}
