//! Statutory duties through the real binary and the real store: the worklists on a synthetic
//! council (whose overdue duties must be exactly the failures the generator injected), one
//! child's explanation, the guardrails' override path with its audit trail, and one child's due
//! dates and statuses against a table worked out by hand (so not circular: no expected value
//! comes from careful's or the generator's arithmetic).

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};

use careful_app::record::Proposed;
use careful_app::{AppError, FixedClock, UserHandle};
use careful_domain::codes::*;
use careful_domain::organisation::{Service, WorkerRole};
use careful_domain::record::*;
use careful_domain::{CarerId, Reason, Sequence, TeamId, WorkerId};

use crate::on_both_engines;
use crate::support::accounts::{Accounts, signed_in};
use crate::support::process::{run, run_as, text};
use crate::support::{Engine, TempDir, TestDb};

/// A performance analyst's token (council-wide worklists) for a database.
async fn analyst(url: &str) -> (Accounts, String) {
    let accounts = Accounts::new(url).await;
    let token = accounts.token("test.analyst", "performance_analyst", None, "", &["read"]).await;
    (accounts, token)
}

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// (child, rule, due) of each duty in a `careful duties --format json` array.
fn duties_in(json: &str) -> Vec<serde_json::Value> {
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON ({e}): {json}"));
    value.as_array().expect("a JSON array").clone()
}

fn key(duty: &serde_json::Value) -> (String, String, String) {
    let field = |name: &str| duty[name].as_str().unwrap_or_else(|| panic!("no {name} in {duty}")).to_string();
    (field("child"), field("rule"), field("due"))
}

on_both_engines!(overdue_duties_are_the_injected_failures);

/// A synthetic council with failures injected at high rates: the duties found overdue or met
/// late in the generated year are exactly the failures the generator says it injected.
async fn overdue_duties_are_the_injected_failures(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let dir = TempDir::new();
    let injected_path = dir.path().join("injected.csv");
    let injected_s = injected_path.to_string_lossy().to_string();
    #[rustfmt::skip]
    let out = run(&[
        "generate", "--population", "6000", "--years", "1", "--end", "2026-03-31", "--seed", "11",
        "--late-visits", "0.15", "--drifting-assessments", "0.2", "--overdue-reviews", "0.15",
        "--unnotified-placement-ends", "0.2", "--database", &url, "--injected", &injected_s,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let injected: BTreeSet<(String, String, String)> = std::fs::read_to_string(&injected_path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| {
            let mut cells = line.splitn(4, ',');
            let mut next = || cells.next().unwrap().to_string();
            (next(), next(), next())
        })
        .collect();
    let rules: BTreeSet<&str> = injected.iter().map(|(_, r, _)| r.as_str()).collect();
    for rule in ["asmt-45", "visit-year1", "rev-n", "pl-terminate"] {
        assert!(rules.contains(rule), "the generator injected no {rule} failures: {rules:?}");
    }
    let (_accounts, token) = analyst(&url).await;
    let out = run_as(
        &token,
        &["duties", "--database", &url, "--as-of", "2026-03-31", "--status", "overdue,met_late", "--format", "json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let found: BTreeSet<(String, String, String)> =
        duties_in(&text(&out.stdout)).iter().map(key).filter(|(_, _, due)| due.as_str() >= "2025-04-01").collect();
    let missing: Vec<_> = injected.difference(&found).collect();
    let unexpected: Vec<_> = found.difference(&injected).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "injected but not found overdue: {missing:?}\nfound overdue but not injected: {unexpected:?}"
    );
}

on_both_engines!(worklists_for_the_council_a_worker_a_team_and_an_iro);

/// Today's worklists, from the projection written with the council: every duty listed can still
/// be done, a worker's, team's and IRO's lists are theirs, and the three formats agree.
async fn worklists_for_the_council_a_worker_a_team_and_an_iro(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let out = run(&["generate", "--population", "4000", "--years", "1", "--seed", "5", "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (_accounts, token) = analyst(&url).await;
    let out = run_as(&token, &["duties", "--database", &url, "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let council = duties_in(&text(&out.stdout));
    assert!(council.len() > 100, "a council of 4,000 children owes more than {} duties", council.len());
    for duty in &council {
        for field in ["child", "rule", "due", "status"] {
            assert!(duty[field].is_string(), "{field} in {duty}");
        }
        assert!(duty["met_on"].is_null(), "{duty}");
        assert!(["upcoming", "due", "overdue"].contains(&duty["status"].as_str().unwrap()), "{duty}");
        assert_eq!(duty["can_still_be_done"], serde_json::Value::Bool(true));
    }
    let dues: Vec<&str> = council.iter().map(|d| d["due"].as_str().unwrap()).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "in due-date order");

    // One worker's, one team's and one IRO's lists are the council's duties that are theirs.
    let store = db.store().await;
    let workers = store.workers().await.unwrap();
    let name_of = |id: WorkerId| workers.iter().find(|w| w.id == id).unwrap().name.clone();
    let busiest = |role: WorkerRole, field: &str| -> WorkerId {
        let mut best = (0, None);
        for w in workers.iter().filter(|w| w.role == role) {
            let n = council.iter().filter(|d| d[field].as_str() == Some(w.name.as_str())).count();
            if n > best.0 {
                best = (n, Some(w.id));
            }
        }
        best.1.unwrap_or_else(|| panic!("no {role:?} has duties"))
    };
    let worker = busiest(WorkerRole::SocialWorker, "worker");
    let iro = busiest(WorkerRole::IndependentReviewingOfficer, "iro");
    for (flag, id, field) in [("--worker", worker.to_string(), "worker"), ("--iro", iro.to_string(), "iro")] {
        let out = run_as(&token, &["duties", "--database", &url, flag, &id, "--format", "json"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let mine: BTreeSet<_> = duties_in(&text(&out.stdout)).iter().map(key).collect();
        let name = name_of(id.parse().unwrap());
        let expected: BTreeSet<_> =
            council.iter().filter(|d| d[field].as_str() == Some(name.as_str())).map(key).collect();
        assert!(!mine.is_empty());
        assert_eq!(mine, expected, "{flag} {id}");
    }
    let teams = store.teams().await.unwrap();
    let team = teams.iter().find(|t| t.service == Service::LookedAfter).unwrap();
    let out = run_as(&token, &["duties", "--database", &url, "--team", &team.id.to_string(), "--format", "json"]);
    let theirs: BTreeSet<_> = duties_in(&text(&out.stdout)).iter().map(key).collect();
    let expected: BTreeSet<_> =
        council.iter().filter(|d| d["team"].as_str() == Some(team.name.as_str())).map(key).collect();
    assert_eq!(theirs, expected);

    // Due or overdue only.
    let out = run_as(&token, &["duties", "--database", &url, "--status", "due,overdue", "--format", "csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    assert!(csv.starts_with("child,child_name,rule,status,days,due,"), "{csv}");
    assert!(csv.lines().skip(1).all(|l| l.contains(",due,") || l.contains(",overdue,")), "{csv}");
    // The table, for people.
    let out = run_as(&token, &["duties", "--database", &url, "--worker", &worker.to_string()]);
    let table = text(&out.stdout);
    assert!(table.starts_with("Due") && table.contains("duties as of"), "{table}");
}

on_both_engines!(one_childs_duties_with_the_arithmetic);

async fn one_childs_duties_with_the_arithmetic(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    crate::support::process::generate(&url, 2000, 1, 3);
    let (accounts, analyst) = analyst(&url).await;
    let out = run_as(
        &analyst,
        &["duties", "--database", &url, "--as-of", "2026-03-31", "--status", "met_on_time", "--format", "json"],
    );
    let met = duties_in(&text(&out.stdout));
    let reviewed = met.iter().find(|d| d["rule"] == "rev-n").expect("a child with a review met on time");
    let child = reviewed["child"].as_str().unwrap();
    // An analyst may not open a child's record; the child's IRO may.
    let out = run_as(&analyst, &["duties", "--database", &url, "--child", child, "--as-of", "2026-03-31"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("performance analysts work with returns"), "{}", text(&out.stderr));
    let store = db.store().await;
    let id = store.children_by_la_id(child).await.unwrap()[0];
    let iro = store.child_row(id).await.unwrap().unwrap().iro.expect("a looked-after child has an IRO");
    let token = accounts.token("test.iro", "iro", Some(iro), "", &["read"]).await;
    let out = run_as(&token, &["duties", "--database", &url, "--child", child, "--as-of", "2026-03-31"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let explained = text(&out.stdout);
    for part in [
        "rev-n  Hold a looked-after review",
        "law:      CPPCR reg 33",
        "working:  6 months after",
        "done:",
        "status:   met on time",
    ] {
        assert!(explained.contains(part), "{part} missing from\n{explained}");
    }
    let out =
        run_as(&token, &["duties", "--database", &url, "--child", child, "--as-of", "2026-03-31", "--format", "json"]);
    let all = duties_in(&text(&out.stdout));
    assert!(all.iter().all(|d| d["child"] == child && d["working"].is_string()));
    assert!(all.iter().any(|d| d["rule"] == "rev-n" && d["met_by_event"].is_string()));

    let out = run_as(&token, &["duties", "--database", &url, "--child", "EM9999999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no child has the ID EM9999999"), "{}", text(&out.stderr));
}

#[test]
fn the_catalogue_and_bad_options() {
    let out = run(&["duties", "--catalogue"]);
    assert!(out.status.success());
    let catalogue = text(&out.stdout);
    assert_eq!(
        catalogue,
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/duties.md")).unwrap()
    );
    let out = run(&["duties", "--database", "sqlite::memory:", "--status", "late"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("met_late"), "{}", text(&out.stderr));
    let out = run(&["duties", "--database", "sqlite::memory:", "--worker", "nobody"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run_without_database(&["duties"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--database"), "{}", text(&out.stderr));
}

fn run_without_database(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_careful")).args(args).env_remove("DATABASE_URL").output().unwrap()
}

// ---------------------------------------------------------------------- guardrails and overrides

struct Council {
    social_worker: WorkerId,
    manager: WorkerId,
    team: TeamId,
    /// The social worker's and the team manager's use cases.
    priya: UserHandle,
    tom: UserHandle,
}

async fn council(db: &TestDb) -> Council {
    let clock = FixedClock(Utc.with_ymd_and_hms(2025, 6, 2, 10, 0, 0).unwrap());
    let accounts = Accounts::with_clock(db.url().expose_secret(), Arc::new(clock)).await;
    let admin = accounts.admin();
    let team = admin.add_team("Children looked after 1", "looked_after").await.unwrap();
    let started = Some(d("2020-01-06"));
    let sw = admin.add_worker("Priya Shah", WorkerRole::SocialWorker, team, false, None, started).await.unwrap();
    let tm = admin.add_worker("Tom Hughes", WorkerRole::TeamManager, team, false, None, started).await.unwrap();
    let priya = accounts.add("priya.shah", "social_worker", Some(sw), "").await;
    let tom = accounts.add("tom.hughes", "team_manager", Some(tm), "").await;
    Council {
        social_worker: sw,
        manager: tm,
        team,
        priya: signed_in(&accounts.app, "priya.shah", &priya).await,
        tom: signed_in(&accounts.app, "tom.hughes", &tom).await,
    }
}

fn placement(carer: u8) -> Placement {
    Placement {
        placement_type: PlacementType::FosterOtherOther,
        provider: Some(PlacementProvider::OwnProvision),
        postcode: Some("EM1 4QT".parse().unwrap()),
        urn: None,
        carer: CarerId::from_random_bytes([carer; 16]),
    }
}

on_both_engines!(a_breach_needs_a_team_managers_override_which_the_record_keeps);

async fn a_breach_needs_a_team_managers_override_which_the_record_keeps(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let c = council(&db).await;
    let details = PersonalDetails {
        given_name: "Leo".into(),
        family_name: "Marsh".into(),
        date_of_birth: Some(d("2016-04-09")),
        expected_date_of_birth: None,
        sex: Sex::Male,
        ethnicity: Ethnicity::WhiteBritish,
        upn: None,
        upn_unknown: Some(UpnUnknown::IncompleteInformation),
        nhs_number: None,
        disabilities: vec![],
    };
    let start = vec![
        Proposed::new(
            ChildEvent::ChildRegistered { la_child_id: "EM0900001".parse().unwrap(), details },
            d("2025-03-03"),
        ),
        Proposed::new(
            ChildEvent::ReferralReceived { source: ReferralSource::Police, primary_need: Need::AbuseOrNeglect },
            d("2025-03-03"),
        ),
        Proposed::new(
            ChildEvent::WorkerAllocated { worker: c.social_worker, team: c.team, reason: None },
            d("2025-03-03"),
        ),
        Proposed::new(
            ChildEvent::BecameLookedAfter {
                legal_status: LegalStatus::Section20SinglePeriod,
                placement: placement(1),
                category_of_need: Need::AbuseOrNeglect,
                home_postcode: None,
                previous_permanence: None,
            },
            d("2025-03-04"),
        ),
    ];
    let (child, sequence) = c.priya.register_child(start).await.unwrap();
    assert_eq!(sequence, Sequence::new(4));

    // Refused outright: a visit that does not say whether the child was seen alone.
    let unsaid = ChildEvent::VisitMade {
        visit: VisitKind::LookedAfter,
        seen: true,
        seen_alone: None,
        wishes_and_feelings: None,
    };
    match c.priya.record(child, sequence, vec![Proposed::new(unsaid, d("2025-03-07"))]).await {
        Err(AppError::Refused { breaches }) => assert_eq!(breaches[0].code, "visit-alone"),
        other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
    }

    // A move with no notice to the carer: needs a team manager's override, with a reason.
    let abrupt = || ChildEvent::PlacementChanged {
        placement: placement(2),
        reason: ReasonPlaceChange::Allegation,
        notice: None,
    };
    let err = c.priya.record(child, sequence, vec![Proposed::new(abrupt(), d("2025-05-30"))]).await.err().unwrap();
    // With no notice recorded, the move is still a planned change: never reviewed since a
    // proposal, it needs the review as well as the carer's notice.
    assert!(
        matches!(&err, AppError::NeedsOverride { breaches }
            if breaches.iter().map(|b| b.code).collect::<Vec<_>>() == ["pl-terminate", "rev-before-change"]),
        "{err}"
    );
    assert!(err.to_string().contains("team manager"), "{err}");
    // A social worker cannot accept a breach, even by asking to.
    let by_a_social_worker = Proposed::new(abrupt(), d("2025-05-30"))
        .because(Reason::parse("allegation against the carer").unwrap())
        .accepting_breaches();
    let err = c.priya.record(child, sequence, vec![by_a_social_worker]).await.err().unwrap();
    assert!(err.to_string().contains("Test priya.shah is not a team or service manager"), "{err}");
    let without_reason = Proposed::new(abrupt(), d("2025-05-30")).accepting_breaches();
    let err = c.tom.record(child, sequence, vec![without_reason]).await.err().unwrap();
    assert!(err.to_string().contains("give the reason"), "{err}");
    // Nothing was written by any of these.
    assert_eq!(c.priya.load_record(child).await.unwrap().1, sequence);

    let accepted = Proposed::new(abrupt(), d("2025-05-30"))
        .because(Reason::parse("allegation against the carer: the child was moved that evening").unwrap())
        .accepting_breaches();
    let sequence = c.tom.record(child, sequence, vec![accepted]).await.unwrap();

    // The audit trail: the event names the manager (the one who recorded it, never someone the
    // caller names), the breach and the reason, for ever.
    let (record, _) = c.priya.load_record(child).await.unwrap();
    let line = record.chronology().into_iter().find(|l| l.date == d("2025-05-30")).unwrap();
    let accepted = line.manager_override.expect("the override is in the record");
    assert_eq!(
        (accepted.manager, accepted.breaches),
        (c.manager, vec!["pl-terminate".to_string(), "rev-before-change".to_string()])
    );
    assert_eq!(line.recorded_by, careful_domain::RecordedBy::Worker(c.manager));
    assert_eq!(line.reason.unwrap().as_str(), "allegation against the carer: the child was moved that evening");

    // The worklist was brought up to date in the same transaction: the carer is now owed
    // written notice within 10 working days of the move (13 June 2025).
    let list = c
        .priya
        .worklist(careful_app::duties::Whose::Worker(c.social_worker), true, None, d("2025-06-02"))
        .await
        .unwrap();
    let notice = list.iter().find(|e| e.duty.rule == "pl-terminate").expect("a notice duty");
    assert_eq!(notice.duty.due, d("2025-06-13"));
    assert_eq!(notice.la_child_id, "EM0900001");
    assert!(list.iter().any(|e| e.duty.rule == "visit-first" && e.duty.due == d("2025-06-06")));

    // An override nobody needed is refused.
    let needless = Proposed::new(ChildEvent::CarerNotifiedOfEnding {}, d("2025-06-03"))
        .because(Reason::parse("just in case").unwrap())
        .accepting_breaches();
    let err = c.tom.record(child, sequence, vec![needless]).await.err().unwrap();
    assert!(err.to_string().contains("nothing needs overriding"), "{err}");
    let done = c
        .priya
        .record(child, sequence, vec![Proposed::new(ChildEvent::CarerNotifiedOfEnding {}, d("2025-06-03"))])
        .await;
    assert!(done.is_ok());
    let list = c.priya.worklist(careful_app::duties::Whose::Child(child), true, None, d("2025-06-03")).await.unwrap();
    assert!(list.iter().all(|e| e.duty.rule != "pl-terminate"), "met, so off the worklist");
    let _ = Service::LookedAfter;
}

// ---------------------------------------------- a non-circular check of due dates and statuses

/// (rule, due, status, days late or overdue, done on), as in `careful duties --format json`.
type Row<S> = (S, S, S, Option<i64>, Option<S>);

on_both_engines!(hand_worked_due_dates_across_christmas_and_a_month_end);

/// One synthetic child's history, recorded through careful's write path as a social worker and
/// a team manager would, and `careful duties --child` checked against a table of due dates and
/// statuses worked out by hand (never with careful's own arithmetic, nor the generator's). The
/// working is in the comments; bank holidays from
/// crates/domain/data/bank-holidays-england-and-wales.txt: Thursday 25 and Friday 26 December
/// 2025, Thursday 1 January 2026.
async fn hand_worked_due_dates_across_christmas_and_a_month_end(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let clock = FixedClock(Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap());
    let accounts = Accounts::with_clock(db.url().expose_secret(), Arc::new(clock)).await;
    let admin = accounts.admin();
    let team = admin.add_team("Children's services 9", "looked_after").await.unwrap();
    let started = Some(d("2020-01-06"));
    let sw = admin.add_worker("Amara Okafor", WorkerRole::SocialWorker, team, false, None, started).await.unwrap();
    let iro = admin
        .add_worker("Gwen Price", WorkerRole::IndependentReviewingOfficer, team, false, None, started)
        .await
        .unwrap();
    let password = accounts.add("amara.okafor", "social_worker", Some(sw), "").await;
    let amara = signed_in(&accounts.app, "amara.okafor", &password).await;
    let details = PersonalDetails {
        given_name: "Rosa".into(),
        family_name: "Fenwick".into(),
        date_of_birth: Some(d("2012-07-14")),
        expected_date_of_birth: None,
        sex: Sex::Female,
        ethnicity: Ethnicity::WhiteBritish,
        upn: None,
        upn_unknown: Some(UpnUnknown::IncompleteInformation),
        nhs_number: None,
        disabilities: vec![],
    };
    let history = [
        (
            "2025-12-19",
            ChildEvent::ChildRegistered { la_child_id: "EM0912001".parse().unwrap(), details: details.clone() },
        ),
        ("2025-12-19", ChildEvent::ContactReceived { source: ReferralSource::Police }),
        (
            "2025-12-19",
            ChildEvent::ReferralReceived { source: ReferralSource::Police, primary_need: Need::AbuseOrNeglect },
        ),
        ("2025-12-19", ChildEvent::WorkerAllocated { worker: sw, team, reason: None }),
        ("2025-12-22", ChildEvent::AssessmentStarted {}),
        ("2025-12-23", ChildEvent::ContactDecided { outcome: ContactOutcome::Referral }),
        (
            "2025-12-30",
            ChildEvent::BecameLookedAfter {
                legal_status: LegalStatus::Section20SinglePeriod,
                placement: placement(9),
                category_of_need: Need::AbuseOrNeglect,
                home_postcode: None,
                previous_permanence: None,
            },
        ),
        (
            "2026-01-06",
            ChildEvent::VisitMade {
                visit: VisitKind::LookedAfter,
                seen: true,
                seen_alone: Some(SeenAlone::Yes),
                wishes_and_feelings: None,
            },
        ),
        ("2026-01-08", ChildEvent::IroAppointed { iro }),
        ("2026-01-28", ChildEvent::StatutoryReviewHeld { participation: ReviewParticipation::AttendsAndSpeaks }),
        ("2026-02-27", ChildEvent::AssessmentAuthorised { factors: vec![], outcome: AssessmentOutcome::LookedAfter }),
    ];
    let (first, rest) = history.split_at(4);
    let (child, mut sequence) = amara
        .register_child(first.iter().map(|(day, e)| Proposed::new(e.clone(), d(day))).collect())
        .await
        .unwrap_or_else(|e| panic!("registering: {e}"));
    for (day, event) in rest {
        sequence = amara
            .record(child, sequence, vec![Proposed::new(event.clone(), d(day))])
            .await
            .unwrap_or_else(|e| panic!("{day} {event:?}: {e}"));
    }

    // Worked out by hand, as of Monday 2 March 2026:
    // - ref-decision: contact Friday 19 December 2025; 1 working day: Monday 22 December 2025.
    //   Decided Tuesday 23 December: met late by 1 day.
    // - asmt-45: referral Friday 19 December 2025; 45 working days: 22, 23, 24 December (3), not
    //   25 or 26, 29, 30, 31 (6), not 1 January, Friday 2 January (7), then 5 weeks of 5 (to
    //   Friday 6 February: 32), 9-13 February (37), 16-20 February (42), Monday 23 (43),
    //   Tuesday 24 (44), Wednesday 25 (45): due Wednesday 25 February 2026. Authorised Friday
    //   27 February: met late by 2 days.
    // - visit-first: looked after Tuesday 30 December 2025; 1 week (7 calendar days): due Tuesday
    //   6 January 2026. Visited that day: met on time.
    // - iro-appoint: 5 working days from Tuesday 30 December 2025: Wednesday 31 (1), not 1
    //   January, Friday 2 (2), Monday 5 (3), Tuesday 6 (4), Wednesday 7 (5): due Wednesday 7
    //   January 2026. Appointed Thursday 8 January: met late by 1 day.
    // - rev-1: 20 working days from Tuesday 30 December 2025: 31 December (1), 2 January (2),
    //   5-9 January (7), 12-16 (12), 19-23 (17), Monday 26 (18), Tuesday 27 (19), Wednesday 28
    //   (20): due Wednesday 28 January 2026. Held that day: met on time.
    // - health-iha: before the first review (reg 7(1)), held Wednesday 28 January 2026: due
    //   that day. No health
    //   assessment recorded: overdue on 2 March by 3 (to 31 January) + 28 (February) + 2 = 33
    //   days.
    // - rev-2: 3 months after the first review on 28 January 2026: due Tuesday 28 April 2026,
    //   upcoming.
    #[rustfmt::skip]
    let expected: Vec<Row<&str>> = vec![
        // rule           due           status         days      done on
        ("ref-decision", "2025-12-22", "met_late",    Some(1),  Some("2025-12-23")),
        ("asmt-45",      "2026-02-25", "met_late",    Some(2),  Some("2026-02-27")),
        ("visit-first",  "2026-01-06", "met_on_time", None,     Some("2026-01-06")),
        ("iro-appoint",  "2026-01-07", "met_late",    Some(1),  Some("2026-01-08")),
        ("rev-1",        "2026-01-28", "met_on_time", None,     Some("2026-01-28")),
        ("health-iha",   "2026-01-28", "overdue",     Some(33), None),
        ("rev-2",        "2026-04-28", "upcoming",    None,     None),
    ];
    // The child's IRO looks, through the binary, with a token made on today's clock (the
    // history was recorded on 2 March 2026's).
    accounts.app.close().await;
    let today = Accounts::new(&url).await;
    let token = today.token("gwen.price", "iro", Some(iro), "", &["read"]).await;
    let out = run_as(
        &token,
        &["duties", "--database", &url, "--child", "EM0912001", "--as-of", "2026-03-02", "--format", "json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let found: Vec<Row<String>> = duties_in(&text(&out.stdout))
        .iter()
        .map(|d| {
            let field = |n: &str| d[n].as_str().unwrap_or_else(|| panic!("no {n} in {d}")).to_string();
            (field("rule"), field("due"), field("status"), d["days"].as_i64(), d["met_on"].as_str().map(String::from))
        })
        .collect();
    for (rule, due, status, days, met_on) in &expected {
        let mine: Vec<_> = found.iter().filter(|f| f.0 == *rule).collect();
        let want = (rule.to_string(), due.to_string(), status.to_string(), *days, met_on.map(String::from));
        assert_eq!(mine, vec![&want], "{rule} in {found:#?}");
    }
}
