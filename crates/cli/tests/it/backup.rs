//! Backup and restore through the real binary, on both engines: a synthetic council backed up
//! and restored into a fresh database keeps every event and the whole audit log row for row,
//! its chain verifies and its worklists agree; a database that holds anything, a truncated file
//! and a file with one byte altered are refused with nothing written; a backup of SQLite
//! restores into PostgreSQL; and every table the migrations make is classified, so a backup can
//! never silently miss one.

use serde_json::Value;

use careful_store::Store;
use careful_store::backup::{Class, TABLES};

use crate::on_both_engines;
use crate::support::accounts::Accounts;
use crate::support::process::{run, run_as, text};
use crate::support::{Engine, TempDir, TestDb};

/// Every row of a backed-up table, as a backup reads it (engine-neutral JSON values).
async fn table(store: &Store, name: &str) -> Vec<Vec<Value>> {
    let mut tx = store.begin_snapshot().await.unwrap();
    let rows = tx.backup_rows(name, None, 100_000_000).await.unwrap();
    tx.rollback().await.unwrap();
    rows
}

/// As [`table`], a page of `page` rows at a time, each page after the last row of the one before.
async fn paged(store: &Store, name: &str, page: u64) -> Vec<Vec<Value>> {
    let mut tx = store.begin_snapshot().await.unwrap();
    let mut all: Vec<Vec<Value>> = Vec::new();
    loop {
        let rows = tx.backup_rows(name, all.last().map(Vec::as_slice), page).await.unwrap();
        let done = (rows.len() as u64) < page;
        all.extend(rows);
        if done {
            break;
        }
    }
    tx.rollback().await.unwrap();
    all
}

/// A projection's rows as text, for comparing two databases on the same engine.
async fn projection(store: &Store) -> Vec<String> {
    let (children, duties, search) = match store {
        Store::Sqlite(..) => (
            "SELECT hex(child_id) || ' ' || la_child_id || ' ' || status || ' ' || coalesce(hex(worker_id), '') || ' ' || front_door FROM children ORDER BY child_id",
            "SELECT hex(child_id) || ' ' || n || ' ' || rule || ' ' || due || ' ' || is_open || ' ' || coalesce(met_on, '') || ' ' || coalesce(hex(worker_id), '') FROM duties ORDER BY child_id, n",
            "SELECT hex(child_id) || ' ' || n || ' ' || family_norm || ' ' || coalesce(family_key, '') FROM search_people ORDER BY child_id, n",
        ),
        Store::Postgres(_) => (
            "SELECT child_id::text || ' ' || la_child_id || ' ' || status || ' ' || coalesce(worker_id::text, '') || ' ' || front_door FROM children ORDER BY child_id",
            "SELECT child_id::text || ' ' || n || ' ' || rule || ' ' || due::text || ' ' || is_open || ' ' || coalesce(met_on::text, '') || ' ' || coalesce(worker_id::text, '') FROM duties ORDER BY child_id, n",
            "SELECT child_id::text || ' ' || n || ' ' || family_norm || ' ' || coalesce(family_key, '') FROM search_people ORDER BY child_id, n",
        ),
    };
    let mut out = Vec::new();
    for sql in [children, duties, search] {
        let rows: Vec<String> = match store {
            Store::Sqlite(pool, _) => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_all(pool).await.unwrap()
            }
            Store::Postgres(pool) => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_all(pool).await.unwrap()
            }
        };
        out.push(format!("{} rows", rows.len()));
        out.extend(rows);
    }
    out
}

/// Asserts two lists of rows are equal, showing the first difference rather than both lists.
fn same(a: &[String], b: &[String]) {
    let first = a.iter().zip(b).position(|(x, y)| x != y);
    assert!(
        first.is_none() && a.len() == b.len(),
        "{} rows and {}; first difference: {:?}",
        a.len(),
        b.len(),
        first.map(|i| (&a[i], &b[i]))
    );
}

/// A synthetic council with an administrator, a few more accounts and a setting changed;
/// returns the database and the administrator's token.
async fn council(engine: Engine) -> Option<(TestDb, String)> {
    let db = TestDb::new(engine)?;
    let url = db.url_string();
    crate::support::process::generate(&url, 2000, 1, 3);
    let accounts = Accounts::new(&url).await;
    accounts.add("sam.scrutiny", "scrutiny", None, "").await;
    accounts.admin().add_team("Backup test team", "looked_after").await.unwrap();
    let policy = careful_app::retention::RetentionPolicy { contact_only_years: 7, ..Default::default() };
    accounts.admin().set_retention_policy(&policy, "backup test").await.unwrap();
    let token = accounts.token("bea.backup", "administrator", None, "", &["admin"]).await;
    accounts.app.close().await;
    Some((db, token))
}

fn back_up(db: &TestDb, token: &str, file: &std::path::Path) -> String {
    let out = run_as(token, &["backup", "--database", &db.url_string(), "--out", file.to_str().unwrap()]);
    let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{said}");
    said
}

fn restore(target: &TestDb, file: &std::path::Path) -> (bool, String) {
    let out = run(&["restore", "--database", &target.url_string(), "--from", file.to_str().unwrap()]);
    (out.status.success(), format!("{}{}", text(&out.stdout), text(&out.stderr)))
}

on_both_engines!(
    a_restored_backup_holds_every_event_and_the_whole_audit_chain,
    a_damaged_file_or_a_database_that_holds_anything_is_refused,
    a_backup_taken_while_careful_is_writing_is_consistent,
    every_table_the_migrations_make_is_classified
);

async fn a_restored_backup_holds_every_event_and_the_whole_audit_chain(engine: Engine) {
    let Some((source, token)) = council(engine).await else { return };
    let dir = TempDir::new();
    let file = dir.path().join("council.careful-backup");
    let said = back_up(&source, &token, &file);
    assert!(said.contains("Backed up ") && said.contains(" events, "), "{said}");
    assert!(file.exists() && !dir.path().join("council.careful-backup.partial").exists());
    // A backup never overwrites a file.
    let again = run_as(&token, &["backup", "--database", &source.url_string(), "--out", file.to_str().unwrap()]);
    assert!(!again.status.success() && text(&again.stderr).contains("already exists"), "{}", text(&again.stderr));

    let target = TestDb::new(engine).unwrap();
    let (ok, said) = restore(&target, &file);
    assert!(ok, "{said}");
    assert!(said.contains("The audit chain is intact"), "{said}");

    let (from, to) = (source.store().await, target.store().await);
    // Every event, with its position, sequence, payload, who recorded it and when.
    let events = table(&from, "events").await;
    assert!(events.len() > 1_000, "a council of 2,000 children has thousands of events: {}", events.len());
    assert_eq!(events, table(&to, "events").await);
    // Every other table, row for row (the audit log and its head end differently: see below).
    for (name, class) in TABLES {
        if matches!(class, Class::BackedUp { .. }) && !["audit_log", "audit_head"].contains(name) {
            assert_eq!(table(&from, name).await, table(&to, name).await, "{name}");
        }
        // Reading page by page (as a backup does, by key) reads every row once, in order.
        if matches!(class, Class::BackedUp { .. }) {
            assert_eq!(paged(&from, name, 7).await, table(&from, name).await, "{name} read in pages");
        }
    }
    // The audit log row for row up to the backup; then the source records the backup and the
    // restored database the restore.
    let (before, after) = (table(&from, "audit_log").await, table(&to, "audit_log").await);
    assert_eq!(before.len(), after.len(), "one entry after the snapshot each");
    let n = before.len() - 1;
    assert_eq!(before[..n], after[..n]);
    assert_eq!(before[n][4], "database.backup");
    assert_eq!(after[n][4], "database.restore");
    assert_eq!(after[n][2], Value::Null, "the restore is a system entry");
    // The projections, rebuilt from the log, agree with the source's rebuilt today (a synthetic
    // council's were worked out as of the end of its year; duties kept depend on the day).
    let out = run(&["migrate", "--rebuild", "--database", &source.url_string()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    same(&projection(&from).await, &projection(&to).await);
    from.close().await;
    to.close().await;
    // The restored chain verifies, and the restored token still works.
    let out = run_as(&token, &["audit", "verify", "--database", &target.url_string()]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("The audit chain is intact"));
}

async fn a_damaged_file_or_a_database_that_holds_anything_is_refused(engine: Engine) {
    let Some(source) = TestDb::new(engine) else { return };
    let accounts = Accounts::new(&source.url_string()).await;
    let token = accounts.token("bea.backup", "administrator", None, "", &["admin"]).await;
    let scrutiny = accounts.token("sam.scrutiny", "scrutiny", None, "", &["read"]).await;
    accounts.app.close().await;
    let dir = TempDir::new();
    let file = dir.path().join("small.careful-backup");

    // Backing up is administrators' work.
    let denied = run_as(&scrutiny, &["backup", "--database", &source.url_string(), "--out", file.to_str().unwrap()]);
    assert!(!denied.status.success() && !file.exists(), "{}", text(&denied.stderr));
    assert!(text(&denied.stderr).contains("you cannot back up the database"), "{}", text(&denied.stderr));
    back_up(&source, &token, &file);
    let bytes = std::fs::read(&file).unwrap();

    // A database that holds anything is refused, and nothing in it changes.
    let busy = TestDb::new(engine).unwrap();
    let other = Accounts::new(&busy.url_string()).await;
    other.app.close().await;
    let store = busy.store().await;
    let (accounts_before, audit_before) = (table(&store, "accounts").await, table(&store, "audit_log").await);
    let (ok, said) = restore(&busy, &file);
    assert!(!ok, "{said}");
    assert!(said.contains("is not empty") && said.contains("1 row in accounts"), "{said}");
    assert_eq!(table(&store, "accounts").await, accounts_before);
    assert_eq!(table(&store, "audit_log").await, audit_before);
    store.close().await;

    // A truncated file: refused, naming what is wrong, and nothing written.
    let empty = TestDb::new(engine).unwrap();
    let cut = dir.path().join("cut.careful-backup");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let (ok, said) = restore(&empty, &cut);
    assert!(!ok && said.contains("truncated") && said.contains("Nothing was written"), "{said}");
    assert!(!said.contains("panicked"), "{said}");
    // The last line cut off too.
    let text_bytes = String::from_utf8(bytes.clone()).unwrap();
    let without_end = &text_bytes[..text_bytes.trim_end().rfind('\n').unwrap() + 1];
    std::fs::write(&cut, without_end).unwrap();
    let (ok, said) = restore(&empty, &cut);
    assert!(!ok && said.contains("no end line"), "{said}");

    // One byte altered, the file still well-formed: the checksum catches it.
    let altered = dir.path().join("altered.careful-backup");
    let at = text_bytes.find("bea.backup").unwrap();
    let mut changed = bytes.clone();
    changed[at] = b'x';
    std::fs::write(&altered, &changed).unwrap();
    let (ok, said) = restore(&empty, &altered);
    assert!(!ok && said.contains("checksum does not match"), "{said}");

    let store = empty.store().await;
    assert_eq!(store.audit_count().await.unwrap(), 0);
    assert!(table(&store, "accounts").await.is_empty());
    store.close().await;
    // The whole file restores into the same database, which nothing above touched.
    let (ok, said) = restore(&empty, &file);
    assert!(ok, "{said}");
}

async fn a_backup_taken_while_careful_is_writing_is_consistent(engine: Engine) {
    let Some((source, token)) = council(engine).await else { return };
    let url = source.url_string();
    let dir = TempDir::new();
    let file = dir.path().join("online.careful-backup");
    // Someone keeps changing the organisation (each change a team and an audit entry, in one
    // transaction) while the backup runs.
    let accounts = Accounts::new(&url).await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let admin = accounts.admin().clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut n = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                admin.add_team(&format!("Online team {n}"), "looked_after").await.unwrap();
                n += 1;
            }
            n
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let backup = {
        let (token, url, file) = (token.clone(), url.clone(), file.clone());
        tokio::task::spawn_blocking(move || {
            run_as(&token, &["backup", "--database", &url, "--out", file.to_str().unwrap()])
        })
    };
    let out = backup.await.unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.await.unwrap();
    accounts.app.close().await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(written > 0);

    // The backup is one moment of the database: it restores, its audit chain verifies up to its
    // head, and every team in it has the audit entry written with it, and no other.
    let target = TestDb::new(engine).unwrap();
    let (ok, said) = restore(&target, &file);
    assert!(ok, "{said}");
    let to = target.store().await;
    let teams = table(&to, "teams").await;
    let online_teams = teams.iter().filter(|t| t[1].as_str().unwrap_or_default().starts_with("Online team ")).count();
    let entries = table(&to, "audit_log").await;
    let online_entries = entries.iter().filter(|e| e[11].as_str().unwrap_or_default().contains("Online team ")).count();
    assert_eq!(online_teams, online_entries, "teams and their audit entries come from the same moment");
    assert!(online_teams > 0, "teams added before the backup are in it");
    let from = source.store().await;
    assert!(table(&from, "teams").await.len() > teams.len(), "teams added after its moment are not");
    from.close().await;
    to.close().await;
}

async fn every_table_the_migrations_make_is_classified(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let store = db.store().await;
    let mut tx = store.begin_snapshot().await.unwrap();
    // Every table is classified, and every backed-up table's columns are exactly those a
    // backup knows: adding a table or a column to the migrations without deciding fails here.
    tx.check_classified().await.unwrap();
    let tables: Vec<String> = tx.tables().await.unwrap().into_iter().map(|(t, _)| t).collect();
    for (name, _) in TABLES {
        assert!(tables.iter().any(|t| t == name), "{name} is classified but the migrations make no such table");
    }
    tx.rollback().await.unwrap();
    store.close().await;
}

/// A backup of SQLite restores into PostgreSQL, and PostgreSQL's back into SQLite: the format
/// is engine-neutral.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_of_sqlite_restores_into_postgres_and_back() {
    let Some(target) = TestDb::new(Engine::Postgres) else { return };
    let Some((source, token)) = council(Engine::Sqlite).await else { return };
    let dir = TempDir::new();
    let file = dir.path().join("sqlite.careful-backup");
    back_up(&source, &token, &file);
    let (ok, said) = restore(&target, &file);
    assert!(ok, "{said}");
    let (from, to) = (source.store().await, target.store().await);
    assert_eq!(table(&from, "events").await, table(&to, "events").await);
    let (before, after) = (table(&from, "audit_log").await, table(&to, "audit_log").await);
    let n = before.len() - 1;
    assert_eq!(before[..n], after[..n]);
    assert_eq!(from.counts().await.unwrap(), to.counts().await.unwrap());
    let out = run_as(&token, &["audit", "verify", "--database", &target.url_string()]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    // A new event appended after the restore takes the next position.
    let max: i64 = match &to {
        Store::Postgres(pool) => sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('events', 'position'))")
            .fetch_one(pool)
            .await
            .unwrap(),
        Store::Sqlite(..) => unreachable!(),
    };
    assert_eq!(max, events_last_position(&events_of(&from).await) + 1);

    // And back: PostgreSQL's backup restores into SQLite, every event as it began.
    let back = TestDb::new(Engine::Sqlite).unwrap();
    let file = dir.path().join("postgres.careful-backup");
    back_up(&target, &token, &file);
    let (ok, said) = restore(&back, &file);
    assert!(ok, "{said}");
    let again = back.store().await;
    assert_eq!(table(&from, "events").await, table(&again, "events").await);
    assert_eq!(table(&to, "audit_log").await[..n], table(&again, "audit_log").await[..n]);
    again.close().await;
    from.close().await;
    to.close().await;
}

async fn events_of(store: &Store) -> Vec<Vec<Value>> {
    table(store, "events").await
}

fn events_last_position(events: &[Vec<Value>]) -> i64 {
    events.last().and_then(|e| e[0].as_i64()).unwrap_or(0)
}
