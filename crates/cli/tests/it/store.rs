//! The event log's promises, on SQLite and on PostgreSQL alike.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use careful_domain::event::Payload;
use careful_domain::organisation::{Employment, Service, Team, Worker, WorkerRole};
use careful_domain::{
    ChildId, EventId, EventKind, NewEvent, Reason, RecordedAt, RecordedBy, RecordedEvent, Sequence, SystemProcess,
    TeamId, WorkerId,
};
use careful_store::{LogPosition, Store, StoreError};

use crate::on_both_engines;
use crate::support::{Engine, TestDb};

/// Appends in a transaction of its own (the store's own test: careful itself appends only
/// through its write path).
async fn append(
    store: &Store,
    child: ChildId,
    expected: Sequence,
    events: &[careful_domain::NewEvent],
) -> Result<careful_store::AppendOutcome, StoreError> {
    let mut tx = store.begin().await?;
    let outcome = tx.append(child, expected, events).await?;
    tx.commit().await?;
    Ok(outcome)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(text: &str) -> RecordedAt {
    RecordedAt::new(DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc))
}

fn payload(value: serde_json::Value) -> Payload {
    Payload::new(value.as_object().expect("an object").clone()).expect("a valid payload")
}

fn event(kind: &str, body: serde_json::Value) -> NewEvent {
    NewEvent {
        id: EventId::new(),
        kind: EventKind::parse(kind).unwrap(),
        payload: payload(body),
        effective_date: date(2026, 3, 2),
        recorded_at: at("2026-03-02T09:15:30.123456Z"),
        recorded_by: RecordedBy::System(SystemProcess::Import),
        reason: None,
        manager_override: None,
    }
}

fn numbered(n: usize) -> NewEvent {
    event("contact_received", json!({ "n": n }))
}

async fn expect_stream(store: &Store, child: ChildId, written: &[NewEvent]) {
    let read = store.read_stream(child).await.expect("read the stream");
    let expected: Vec<RecordedEvent> = written
        .iter()
        .enumerate()
        .map(|(i, e)| RecordedEvent { child, sequence: Sequence::new(i as u64 + 1), event: e.clone() })
        .collect();
    assert_eq!(read, expected);
}

on_both_engines!(
    reading_back_gives_exactly_what_was_written,
    a_new_record_must_expect_the_empty_sequence,
    a_stale_sequence_is_a_conflict_and_writes_nothing,
    a_stale_batch_writes_none_of_its_events,
    an_empty_append_checks_the_sequence_only,
    concurrent_writers_never_overwrite_each_other,
    the_database_refuses_update_and_delete_on_the_log,
    ten_thousand_appends_read_back_in_order,
    a_transaction_dropped_without_commit_writes_nothing,
    an_event_is_recorded_once,
    migrating_again_changes_nothing,
    teams_and_workers_are_kept,
);

async fn reading_back_gives_exactly_what_was_written(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let store = db.store().await;
    let child = ChildId::new();
    let mut events = vec![
        event(
            "child_registered",
            json!({ "given_name": "Zoë", "family_name": "O'Neill-Ćorić", "la_child_id": "EM000001" }),
        ),
        event("contact_received", json!({ "source": "3E", "nested": { "list": [1, 2.5, -3, true, null, "x"] } })),
        event("assessment_started", json!({})),
        event("note", json!({ "text": "Line one\nline two\t\"quoted\" \\ backslash 🙂", "big": 9007199254740993u64 })),
    ];
    events[1].effective_date = date(2024, 2, 29);
    events[1].recorded_by = RecordedBy::Worker(WorkerId::new());
    events[2].reason = Some(Reason::parse("Entered late: the worker was on leave").unwrap());
    events[2].recorded_at = at("2026-12-31T23:59:59.999999Z");
    events[3].effective_date = date(2015, 1, 1);
    let outcome = append(&store, child, Sequence::EMPTY, &events[..2]).await.unwrap();
    assert_eq!(outcome.sequence, Sequence::new(2));
    let outcome = append(&store, child, outcome.sequence, &events[2..]).await.unwrap();
    assert_eq!(outcome.sequence, Sequence::new(4));
    expect_stream(&store, child, &events).await;
    assert_eq!(store.current_sequence(child).await.unwrap(), Sequence::new(4));
    // Another child's record is separate, and an unknown child's record is empty.
    assert_eq!(store.read_stream(ChildId::new()).await.unwrap(), vec![]);
    assert_eq!(store.current_sequence(ChildId::new()).await.unwrap(), Sequence::EMPTY);
    assert_eq!(store.child_ids().await.unwrap(), vec![child]);
}

async fn a_new_record_must_expect_the_empty_sequence(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let store = db.store().await;
    let child = ChildId::new();
    let err = append(&store, child, Sequence::new(3), &[numbered(1)]).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { expected, current, .. } if expected == Sequence::new(3) && current == Sequence::EMPTY),
        "{err:?}"
    );
    assert_eq!(store.read_stream(child).await.unwrap(), vec![]);
    assert_eq!(store.counts().await.unwrap().events, 0);
}

async fn a_stale_sequence_is_a_conflict_and_writes_nothing(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let store = db.store().await;
    let child = ChildId::new();
    let written: Vec<NewEvent> = (1..=3).map(numbered).collect();
    append(&store, child, Sequence::EMPTY, &written).await.unwrap();

    for stale in [Sequence::new(2), Sequence::EMPTY, Sequence::new(1), Sequence::new(4)] {
        let err = append(&store, child, stale, &[numbered(99)]).await.unwrap_err();
        match &err {
            StoreError::Conflict { child: c, expected, current } => {
                assert_eq!((*c, *expected, *current), (child, stale, Sequence::new(3)));
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        let message = err.to_string();
        assert!(message.contains("now ends at event 3"), "{message}");
        assert!(message.contains("Nothing was saved"), "{message}");
    }
    expect_stream(&store, child, &written).await;
    assert_eq!(store.counts().await.unwrap().events, 3);
    assert_eq!(store.current_sequence(child).await.unwrap(), Sequence::new(3));
}

async fn a_stale_batch_writes_none_of_its_events(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let store = db.store().await;
    let child = ChildId::new();
    let first: Vec<NewEvent> = (1..=2).map(numbered).collect();
    append(&store, child, Sequence::EMPTY, &first).await.unwrap();
    let batch: Vec<NewEvent> = (3..=700).map(numbered).collect();
    assert!(append(&store, child, Sequence::new(1), &batch).await.unwrap_err().is_conflict());
    expect_stream(&store, child, &first).await;
    // The same batch at the right sequence goes in whole (it spans two INSERT statements).
    append(&store, child, Sequence::new(2), &batch).await.unwrap();
    let all: Vec<NewEvent> = first.into_iter().chain(batch).collect();
    expect_stream(&store, child, &all).await;
}

async fn an_empty_append_checks_the_sequence_only(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let store = db.store().await;
    let child = ChildId::new();
    assert_eq!(append(&store, child, Sequence::EMPTY, &[]).await.unwrap().sequence, Sequence::EMPTY);
    append(&store, child, Sequence::EMPTY, &[numbered(1)]).await.unwrap();
    assert!(append(&store, child, Sequence::EMPTY, &[]).await.unwrap_err().is_conflict());
    assert_eq!(append(&store, child, Sequence::new(1), &[]).await.unwrap().sequence, Sequence::new(1));
}

async fn concurrent_writers_never_overwrite_each_other(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let store = db.store().await;
    let child = ChildId::new();

    // Eight writers all start a new record at once: exactly one succeeds.
    let racers: Vec<_> = (0..8)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move { append(&store, child, Sequence::EMPTY, &[numbered(n)]).await })
        })
        .collect();
    let mut successes = 0;
    for racer in racers {
        match racer.await.unwrap() {
            Ok(_) => successes += 1,
            Err(e) => assert!(e.is_conflict(), "{e:?}"),
        }
    }
    assert_eq!(successes, 1);

    // Eight writers each add 25 events, re-reading after every conflict: none is lost.
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut conflicts = 0;
                for i in 0..25 {
                    loop {
                        let seen = store.current_sequence(child).await.unwrap();
                        match append(&store, child, seen, &[numbered(1000 * w + i)]).await {
                            Ok(_) => break,
                            Err(e) if e.is_conflict() => conflicts += 1,
                            Err(e) => panic!("{e:?}"),
                        }
                    }
                }
                conflicts
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    let stream = store.read_stream(child).await.unwrap();
    assert_eq!(stream.len(), 1 + 8 * 25);
    let mut seen: Vec<u64> = stream.iter().skip(1).map(|e| e.event.payload.as_map()["n"].as_u64().unwrap()).collect();
    seen.sort();
    let mut expected: Vec<u64> = (0..8).flat_map(|w| (0..25).map(move |i| 1000 * w + i)).collect();
    expected.sort();
    assert_eq!(seen, expected);
}

/// Runs raw SQL on its own connection, outside careful's store API.
async fn raw(db: &TestDb, sql: &'static str) -> Result<u64, String> {
    use sqlx::Connection;
    match db.url().engine() {
        careful_store::Engine::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(db.url().expose_secret()).await.unwrap();
            sqlx::query(sql).execute(&mut conn).await.map(|r| r.rows_affected()).map_err(|e| e.to_string())
        }
        careful_store::Engine::Postgres => {
            let mut conn = sqlx::PgConnection::connect(db.url().expose_secret()).await.unwrap();
            sqlx::query(sql).execute(&mut conn).await.map(|r| r.rows_affected()).map_err(|e| e.to_string())
        }
    }
}

async fn the_database_refuses_update_and_delete_on_the_log(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let store = db.store().await;
    let child = ChildId::new();
    let written: Vec<NewEvent> = (1..=3).map(numbered).collect();
    append(&store, child, Sequence::EMPTY, &written).await.unwrap();

    let mut refused = vec![
        "UPDATE events SET kind = 'tampered'",
        "UPDATE events SET reason = 'backdated' WHERE sequence = 2",
        "DELETE FROM events",
        "DELETE FROM events WHERE sequence = 3",
    ];
    if engine == Engine::Postgres {
        refused.push("TRUNCATE events CASCADE");
    }
    for sql in refused {
        let err = raw(&db, sql).await.expect_err(sql);
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    expect_stream(&store, child, &written).await;
}

async fn ten_thousand_appends_read_back_in_order(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let store = db.store().await;
    let children: Vec<ChildId> = (0..10).map(|_| ChildId::new()).collect();
    let mut sequences = vec![Sequence::EMPTY; children.len()];
    let mut written: Vec<Vec<NewEvent>> = vec![Vec::new(); children.len()];
    for n in 0..10_000usize {
        let which = (n * 7 + n / 10) % children.len();
        let e = numbered(n);
        sequences[which] =
            append(&store, children[which], sequences[which], std::slice::from_ref(&e)).await.unwrap().sequence;
        written[which].push(e);
    }
    for (child, events) in children.iter().zip(&written) {
        expect_stream(&store, *child, events).await;
    }
    // The whole log, in append order, page by page.
    let mut after = LogPosition::START;
    let mut ns = Vec::new();
    loop {
        let page = store.read_log(after, 1_000).await.unwrap();
        let Some((last, _)) = page.last() else { break };
        after = *last;
        ns.extend(page.iter().map(|(_, e)| e.event.payload.as_map()["n"].as_u64().unwrap()));
    }
    assert_eq!(ns, (0..10_000u64).collect::<Vec<_>>());
    assert_eq!(store.counts().await.unwrap().events, 10_000);
}

async fn a_transaction_dropped_without_commit_writes_nothing(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let store = db.store().await;
    let child = ChildId::new();
    {
        let mut tx = store.begin().await.unwrap();
        tx.append(child, Sequence::EMPTY, &[numbered(1)]).await.unwrap();
        tx.insert_team(&Team { id: TeamId::new(), name: "Never saved".into(), service: Service::FrontDoor })
            .await
            .unwrap();
    }
    let tx = store.begin().await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(store.counts().await.unwrap(), careful_store::Counts::default());
    assert_eq!(store.current_sequence(child).await.unwrap(), Sequence::EMPTY);
}

async fn an_event_is_recorded_once(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let store = db.store().await;
    let (a, b) = (ChildId::new(), ChildId::new());
    let e = numbered(1);
    append(&store, a, Sequence::EMPTY, std::slice::from_ref(&e)).await.unwrap();
    let err = append(&store, b, Sequence::EMPTY, std::slice::from_ref(&e)).await.unwrap_err();
    assert!(matches!(err, StoreError::DuplicateEvent { .. }), "{err:?}");
    assert!(err.to_string().contains("each event is recorded once"));
    assert_eq!(store.current_sequence(b).await.unwrap(), Sequence::EMPTY);
    assert_eq!(store.counts().await.unwrap().events, 1);
}

async fn migrating_again_changes_nothing(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let store = db.store().await;
    let child = ChildId::new();
    append(&store, child, Sequence::EMPTY, &[numbered(1)]).await.unwrap();
    store.migrate().await.unwrap();
    let again = Store::connect(db.url()).await.unwrap();
    again.migrate().await.unwrap();
    assert_eq!(again.read_stream(child).await.unwrap().len(), 1);
}

async fn teams_and_workers_are_kept(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let store = db.store().await;
    let team = Team { id: TeamId::new(), name: "Assessment Team".into(), service: Service::Assessment };
    let worker = Worker {
        id: WorkerId::new(),
        name: "Grace Okafor".into(),
        role: WorkerRole::SocialWorker,
        team: team.id,
        employment: Employment::Agency,
        started: NaiveDate::from_ymd_opt(2024, 9, 2),
        left: None,
        registration: Some("SW123456".into()),
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_team(&team).await.unwrap();
    tx.insert_worker(&worker).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.teams().await.unwrap(), vec![team.clone()]);
    assert_eq!(store.workers().await.unwrap(), vec![worker.clone()]);

    let mut tx = store.begin().await.unwrap();
    let orphan = Worker { id: WorkerId::new(), team: TeamId::new(), ..worker.clone() };
    let err = tx.insert_worker(&orphan).await.unwrap_err();
    assert!(err.to_string().contains("which does not exist"), "{err}");
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    let err = tx.insert_team(&Team { id: TeamId::new(), ..team.clone() }).await.unwrap_err();
    assert!(err.to_string().contains("already a team called"), "{err}");
    drop(tx);
    assert_eq!(store.workers().await.unwrap().len(), 1);
}

/// Both engines' migrations must produce the same tables and columns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_engines_have_the_same_schema() {
    let Some(pg) = TestDb::new(Engine::Postgres) else { return };
    let sqlite = TestDb::new(Engine::Sqlite).unwrap();
    let (s, p) = (sqlite.store().await, pg.store().await);
    let mut sqlite_columns: Vec<(String, String)> = match &s {
        Store::Sqlite(pool, _) => sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' ORDER BY 1, 2",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        _ => unreachable!(),
    };
    let mut pg_columns: Vec<(String, String)> = match &p {
        Store::Postgres(pool) => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%' ORDER BY 1, 2",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        _ => unreachable!(),
    };
    sqlite_columns.sort();
    pg_columns.sort();
    assert!(!sqlite_columns.is_empty());
    assert_eq!(sqlite_columns, pg_columns);
}

#[test]
fn both_engines_have_the_same_migrations() {
    let sqlite = Store::known_migrations(careful_store::Engine::Sqlite);
    let postgres = Store::known_migrations(careful_store::Engine::Postgres);
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
}
