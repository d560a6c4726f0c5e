//! The audit log and what rests on it, through the real binary and server: the hash chain
//! catches an edited, a removed and a reordered entry (the tests tamper with the database
//! directly, as someone with database access would); every look at a child's record is one
//! entry; break glass alerts the manager who restricted the record; a subject access request
//! exports everything held; records due for review are listed; projections are rebuilt.

use chrono::NaiveDate;

use careful_app::UserHandle;
use careful_app::record::Proposed;
use careful_domain::codes::*;
use careful_domain::organisation::WorkerRole;
use careful_domain::record::*;
use careful_domain::{ChildId, TeamId, WorkerId};
use careful_store::Store;

use crate::on_both_engines;
use crate::support::accounts::{Accounts, signed_in};
use crate::support::process::{Careful, run, run_as, run_with_stdin, text};
use crate::support::web::Session;
use crate::support::{Engine, TempDir, TestDb};

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn details(given: &str, born: &str) -> PersonalDetails {
    PersonalDetails {
        given_name: given.into(),
        family_name: "Testchild".into(),
        date_of_birth: Some(d(born)),
        expected_date_of_birth: None,
        sex: Sex::Male,
        ethnicity: Ethnicity::WhiteBritish,
        upn: None,
        upn_unknown: Some(UpnUnknown::IncompleteInformation),
        nhs_number: None,
        disabilities: vec![],
    }
}

/// Runs SQL on either engine.
async fn execute(store: &Store, sql: &str) -> Result<u64, sqlx::Error> {
    match store {
        Store::Sqlite(pool, _) => {
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(pool).await.map(|r| r.rows_affected())
        }
        Store::Postgres(pool) => {
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(pool).await.map(|r| r.rows_affected())
        }
    }
}

/// Lets the test change the audit log, as an attacker with the database would.
async fn remove_protection(store: &Store) {
    let statements: &[&str] = match store {
        Store::Sqlite(..) => &["DROP TRIGGER audit_log_is_never_updated", "DROP TRIGGER audit_log_is_never_deleted"],
        Store::Postgres(_) => &["DROP TRIGGER audit_log_is_never_updated_or_deleted ON audit_log"],
    };
    for sql in statements {
        execute(store, sql).await.unwrap();
    }
}

/// A database with a few dozen audit entries, and the administrator's token to verify it.
async fn audited(engine: Engine) -> Option<(TestDb, String)> {
    let db = TestDb::new(engine)?;
    let accounts = Accounts::new(&db.url_string()).await;
    for n in 0..6 {
        accounts.add(&format!("someone.{n}"), "scrutiny", None, "").await;
    }
    let token = accounts.token("auditor", "administrator", None, "", &["admin"]).await;
    accounts.app.close().await;
    Some((db, token))
}

fn verify(db: &TestDb, token: &str) -> (Option<i32>, String) {
    let out = run_as(token, &["audit", "verify", "--database", &db.url_string()]);
    (out.status.code(), format!("{}{}", text(&out.stdout), text(&out.stderr)))
}

on_both_engines!(
    the_chain_catches_an_edited_entry,
    the_chain_catches_a_removed_entry,
    the_chain_catches_swapped_entries
);

async fn the_chain_catches_an_edited_entry(engine: Engine) {
    let Some((db, token)) = audited(engine).await else { return };
    let (status, said) = verify(&db, &token);
    assert_eq!(status, Some(0), "{said}");
    assert!(said.contains("The audit chain is intact") && said.contains("Head: entry "), "{said}");
    let store = db.store().await;
    // The database itself refuses to change an entry.
    let refused = execute(&store, "UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 5").await;
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    remove_protection(&store).await;
    assert_eq!(execute(&store, "UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 5").await.unwrap(), 1);
    let (status, said) = verify(&db, &token);
    assert_eq!(status, Some(1), "{said}");
    assert!(said.contains("The audit chain is BROKEN"), "{said}");
    assert!(said.contains("entry 5: entry 5 has been changed since it was written"), "{said}");
    // Nothing else is blamed.
    assert_eq!(said.matches("\n  entry ").count(), 1, "{said}");
}

async fn the_chain_catches_a_removed_entry(engine: Engine) {
    let Some((db, token)) = audited(engine).await else { return };
    let store = db.store().await;
    assert!(
        execute(&store, "DELETE FROM audit_log WHERE seq = 7").await.unwrap_err().to_string().contains("append-only")
    );
    remove_protection(&store).await;
    assert_eq!(execute(&store, "DELETE FROM audit_log WHERE seq = 7").await.unwrap(), 1);
    let (status, said) = verify(&db, &token);
    assert_eq!(status, Some(1), "{said}");
    assert!(said.contains("entries 7 to 7 are missing"), "{said}");
    assert!(said.contains("entry 8 does not follow the entry before it"), "{said}");
}

async fn the_chain_catches_swapped_entries(engine: Engine) {
    let Some((db, token)) = audited(engine).await else { return };
    let store = db.store().await;
    remove_protection(&store).await;
    for sql in [
        "UPDATE audit_log SET seq = 1000000 WHERE seq = 5",
        "UPDATE audit_log SET seq = 5 WHERE seq = 6",
        "UPDATE audit_log SET seq = 6 WHERE seq = 1000000",
    ] {
        assert_eq!(execute(&store, sql).await.unwrap(), 1, "{sql}");
    }
    let (status, said) = verify(&db, &token);
    assert_eq!(status, Some(1), "{said}");
    assert!(said.contains("entry 5: entry 5 does not follow the entry before it"), "{said}");
    assert!(said.contains("entry 5 has been changed since it was written"), "{said}");
    assert!(said.contains("entry 6 has been changed since it was written"), "{said}");
}

/// A team with a social worker, their manager, and a child allocated to the social worker.
struct Team {
    accounts: Accounts,
    team: TeamId,
    worker: WorkerId,
    sw_password: String,
    tm_password: String,
    child: ChildId,
}

async fn team(url: &str) -> Team {
    let accounts = Accounts::new(url).await;
    let admin = accounts.admin();
    let team = admin.add_team("Children in need team", "child_in_need_and_protection").await.unwrap();
    let worker = admin.add_worker("Ada Social", WorkerRole::SocialWorker, team, false, None, None).await.unwrap();
    let manager = admin.add_worker("Tariq Manager", WorkerRole::TeamManager, team, false, None, None).await.unwrap();
    let sw_password = accounts.add("ada.social", "social_worker", Some(worker), "").await;
    let tm_password = accounts.add("tariq.manager", "team_manager", Some(manager), "").await;
    let ada = signed_in(&accounts.app, "ada.social", &sw_password).await;
    let day = d("2026-11-02");
    let (child, _) = ada
        .register_child(vec![
            Proposed::new(
                ChildEvent::ChildRegistered {
                    la_child_id: "AU000001".parse().unwrap(),
                    details: details("Robin", "2016-02-29"),
                },
                day,
            ),
            Proposed::new(
                ChildEvent::ReferralReceived { source: ReferralSource::School, primary_need: Need::AbuseOrNeglect },
                day,
            ),
            Proposed::new(ChildEvent::WorkerAllocated { worker, team, reason: None }, day),
        ])
        .await
        .unwrap();
    Team { accounts, team, worker, sw_password, tm_password, child }
}

async fn child_entries(handle: &UserHandle, child: ChildId) -> Vec<careful_app::AuditLine> {
    handle.audit_log(Some(child), None, None, 1000).await.unwrap()
}

on_both_engines!(every_look_at_a_childs_record_is_one_audit_entry);

async fn every_look_at_a_childs_record_is_one_audit_entry(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let t = team(&url).await;
    let other_team = t.accounts.admin().add_team("Another team", "looked_after").await.unwrap();
    let stranger = t
        .accounts
        .admin()
        .add_worker("Sam Elsewhere", WorkerRole::SocialWorker, other_team, false, None, None)
        .await
        .unwrap();
    let stranger_password = t.accounts.add("sam.elsewhere", "social_worker", Some(stranger), "").await;
    let admin = t.accounts.admin().clone();
    let before = child_entries(&admin, t.child).await.len();
    let careful = Careful::serve(&url);

    let ada = Session::new(&careful.base_url);
    assert_eq!(ada.sign_in("ada.social", &t.sw_password).await.status, 303);
    for n in 1..=3 {
        let page = ada.get(&format!("/children/{}", t.child)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let entries = child_entries(&admin, t.child).await;
        assert_eq!(entries.len(), before + n, "view {n} added exactly one entry");
        let newest = &entries[0];
        assert_eq!(
            (newest.action.as_str(), newest.outcome.as_str(), newest.actor.as_str()),
            ("child.view", "allowed", "ada.social")
        );
        assert!(newest.detail.contains("Allocated worker"), "{}", newest.detail);
        assert_eq!(newest.ip.as_deref(), Some("127.0.0.1"));
        // The page shows who has looked, this look included.
        assert!(page.body.contains("Who has looked at this record"));
        assert_eq!(page.body.matches("Opened the record (Allocated worker)").count(), n);
    }
    // Someone with no relationship is refused, and the refusal is one entry too.
    let sam = Session::new(&careful.base_url);
    assert_eq!(sam.sign_in("sam.elsewhere", &stranger_password).await.status, 303);
    let refused = sam.get(&format!("/children/{}", t.child)).await;
    assert_eq!(refused.status, 403);
    assert!(!refused.body.contains("Robin"), "a refused page shows nothing of the child");
    let entries = child_entries(&admin, t.child).await;
    assert_eq!(entries.len(), before + 4);
    assert_eq!((entries[0].action.as_str(), entries[0].outcome.as_str()), ("child.view", "denied"));
}

on_both_engines!(break_glass_asks_a_reason_and_alerts_the_manager_who_restricted_the_record);

async fn break_glass_asks_a_reason_and_alerts_the_manager_who_restricted_the_record(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let t = team(&url).await;
    // A colleague in the same team, who would otherwise see the record.
    let colleague = t
        .accounts
        .admin()
        .add_worker("Cal Colleague", WorkerRole::SocialWorker, t.team, false, None, None)
        .await
        .unwrap();
    let cal_password = t.accounts.add("cal.colleague", "social_worker", Some(colleague), "").await;
    let tariq = signed_in(&t.accounts.app, "tariq.manager", &t.tm_password).await;
    tariq.restrict(t.child, "staff_relative", "the child of a member of staff", &["ada.social".into()]).await.unwrap();
    let careful = Careful::serve(&url);

    let cal = Session::new(&careful.base_url);
    assert_eq!(cal.sign_in("cal.colleague", &cal_password).await.status, 303);
    // The caseload lists the record without the child's name.
    let caseload = cal.get("/caseload").await;
    assert!(caseload.body.contains("Restricted record") && !caseload.body.contains("Robin"), "{}", caseload.body);
    let page = cal.get(&format!("/children/{}", t.child)).await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("This record is restricted") && !page.body.contains("Robin"), "{}", page.body);
    // A reason is needed.
    let empty = cal.post(&format!("/children/{}/break-glass", t.child), &page, &[("reason", "")]).await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("Say why you need to open this record"), "{}", empty.body);
    let broke = cal
        .post(
            &format!("/children/{}/break-glass", t.child),
            &page,
            &[("reason", "duty cover: the police called about the child")],
        )
        .await;
    assert_eq!((broke.status, broke.location.as_deref()), (303, Some(format!("/children/{}", t.child).as_str())));
    let record = cal.get(&format!("/children/{}", t.child)).await;
    assert_eq!(record.status, 200);
    assert!(record.body.contains("Robin") && record.body.contains("duty cover: the police called about the child"));

    // The manager who restricted it is alerted, with the reason.
    let alerts = tariq.alerts().await.unwrap();
    assert_eq!(alerts.len(), 1);
    assert!(
        alerts[0].what.contains("opened the restricted record of child AU000001 through break glass"),
        "{}",
        alerts[0].what
    );
    assert_eq!(alerts[0].reason.as_deref(), Some("duty cover: the police called about the child"));
    // Someone named on the restriction sees the record as usual.
    let ada = Session::new(&careful.base_url);
    assert_eq!(ada.sign_in("ada.social", &t.sw_password).await.status, 303);
    assert_eq!(ada.get(&format!("/children/{}", t.child)).await.status, 200);
}

on_both_engines!(a_subject_access_request_exports_everything_held_and_is_audited);

async fn a_subject_access_request_exports_everything_held_and_is_audited(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let t = team(&url).await;
    let manager = t.accounts.token("sar.manager", "team_manager", None, "", &["read"]).await;
    // A team manager with no worker has no team: refused.
    let dir = TempDir::new();
    let out_dir = dir.path().join("bundle");
    let out_s = out_dir.to_string_lossy().to_string();
    let refused = run_as(&manager, &["sar", "--database", &url, "--person", "AU000001", "--out", &out_s]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("you cannot export everything held about this child"),
        "{}",
        text(&refused.stderr)
    );
    // The child's team manager may.
    let tariq = signed_in(&t.accounts.app, "tariq.manager", &t.tm_password).await;
    let token = tariq.create_token("sar", &["read".into()], "1").await.unwrap();
    let done = run_as(&token, &["sar", "--database", &url, "--person", "AU000001", "--out", &out_s]);
    assert!(done.status.success(), "{}", text(&done.stderr));
    let html = std::fs::read_to_string(out_dir.join("index.html")).unwrap();
    for part in [
        "Everything careful holds about Robin Testchild",
        "Child registered",
        "Referral received",
        "careful holds no documents about this child",
        "Who has looked at or changed the record",
        "Started the record of child AU000001",
    ] {
        assert!(html.contains(part), "{part} missing from the bundle");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("record.json")).unwrap()).unwrap();
    assert_eq!(json["la_child_id"], "AU000001");
    assert_eq!(json["events"].as_array().unwrap().len(), 3);
    assert_eq!(json["events"][0]["kind"], "child_registered");
    // Producing it is in the audit log, with where it was written.
    let entries = child_entries(t.accounts.admin(), t.child).await;
    assert!(
        entries
            .iter()
            .any(|e| e.action == "child.subject_access" && e.detail.contains("Wrote the subject access bundle to"))
    );
    assert!(entries.iter().any(|e| e.action == "child.subject_access" && e.outcome == "denied"));
}

on_both_engines!(records_due_for_review_follow_the_retention_periods);

async fn records_due_for_review_follow_the_retention_periods(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let t = team(&url).await;
    let ada = signed_in(&t.accounts.app, "ada.social", &t.sw_password).await;
    // Two children in need, referred in 2018 and closed at once: one 25 on 1 January 2026 (due
    // for review by 31 December 2026), one 25 on 1 March 2030 (not due).
    for (la, born) in [("RT000001", "2001-01-01"), ("RT000002", "2005-03-01")] {
        let day = d("2018-06-04");
        ada.register_child(vec![
            Proposed::new(
                ChildEvent::ChildRegistered { la_child_id: la.parse().unwrap(), details: details("Rowan", born) },
                day,
            ),
            Proposed::new(
                ChildEvent::ReferralReceived { source: ReferralSource::School, primary_need: Need::AbuseOrNeglect },
                day,
            ),
            Proposed::new(ChildEvent::ReferralNoFurtherAction {}, d("2018-06-05")),
        ])
        .await
        .unwrap();
    }
    let token = t.accounts.token("records.manager", "administrator", None, "", &["admin"]).await;
    let out = run_as(&token, &["retention", "--database", &url, "--by", "2026-12-31"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("RT000001") && report.contains("2026-01-01"), "{report}");
    assert!(report.contains("child in need: kept until the 25th birthday"), "{report}");
    assert!(!report.contains("RT000002"), "{report}");
    assert!(!report.contains("AU000001"), "a child born in 2016 is not due: {report}");
    // A social worker may not see it.
    let sw = t.accounts.token("rt.worker", "social_worker", None, "", &["admin", "read"]).await;
    let refused = run_as(&sw, &["retention", "--database", &url]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("only service managers and administrators may see records due for review"),
        "{}",
        text(&refused.stderr)
    );
}

on_both_engines!(migrate_rebuilds_projections_written_by_an_older_careful);

async fn migrate_rebuilds_projections_written_by_an_older_careful(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let out = run(&["generate", "--population", "1500", "--years", "1", "--seed", "4", "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let store = db.store().await;
    let count = |store: Store| async move {
        match &store {
            Store::Sqlite(pool, _) => {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM duties").fetch_one(pool).await.unwrap()
            }
            Store::Postgres(pool) => {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM duties").fetch_one(pool).await.unwrap()
            }
        }
    };
    let duties = count(store.clone()).await;
    let children = store.counts().await.unwrap().children;
    // Up to date: nothing to rebuild.
    let out = run(&["migrate", "--database", &url]);
    assert!(out.status.success() && !text(&out.stdout).contains("Rebuilt"), "{}", text(&out.stdout));
    // As an older careful left it: the projections are rebuilt, to the same rows.
    execute(&store, "UPDATE settings SET value = '1' WHERE key = 'projection_version'").await.unwrap();
    execute(&store, "DELETE FROM duties").await.unwrap();
    let out = run(&["migrate", "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("Rebuilt the projections of {children} children")),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(count(store.clone()).await, duties);
    let out = run(&["migrate", "--database", &url, "--rebuild"]);
    assert!(
        text(&out.stdout).contains(&format!("Rebuilt the projections of {children} children")),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(count(store).await, duties);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_runs_as_a_named_account() {
    let db = TestDb::new(Engine::Sqlite).unwrap();
    let url = db.url_string();
    let t = team(&url).await;
    let (_, secret) = crate::support::accounts::set_up(&t.accounts.app, "tariq.manager", &t.tm_password).await;
    t.accounts.app.close().await;
    // Nobody named: refused, saying how.
    let out = run(&["duties", "--database", &url]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--as USERNAME"), "{}", text(&out.stderr));
    // The social worker's password on standard input: their own worklist.
    let out = run_with_stdin(
        &["duties", "--database", &url, "--as", "ada.social", "--password-stdin", "--worker", &t.worker.to_string()],
        &format!("{}\n", t.sw_password),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A wrong password is refused, and counts towards the lockout.
    let out =
        run_with_stdin(&["duties", "--database", &url, "--as", "ada.social", "--password-stdin"], "not the password\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("the username or password is not right"), "{}", text(&out.stderr));
    // A manager needs the code from their authenticator app, on the next line: the team's
    // worklist. (The code for the next 30-second step: this step's was used setting the app up.)
    let code = crate::support::accounts::totp(&secret, chrono::Utc::now(), 1);
    let args =
        ["duties", "--database", &url, "--as", "tariq.manager", "--password-stdin", "--team", &t.team.to_string()];
    let out = run_with_stdin(&args, &format!("{}\n{code}\n", t.tm_password));
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Without the code: refused.
    let out = run_with_stdin(&args, &format!("{}\n", t.tm_password));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("6-digit code"), "{}", text(&out.stderr));
}
