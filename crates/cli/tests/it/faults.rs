//! Bad input from below: the database going away in the middle of a request (PostgreSQL behind
//! a proxy the test cuts; SQLite locked by another program beyond careful's busy timeout), a
//! full disk (SQLite under a file-size limit), and a database written by an older careful
//! (fixtures made by careful at migration 0009, see tests/fixtures/README.md) or by a newer one.
//! Each time: the answer says nothing was saved and what to do, nothing half-saved is kept, and
//! once the fault is gone the same request saves exactly once, without restarting careful.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::Connection;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use careful_app::{App, Settings, SystemClock};
use careful_domain::ChildId;

use crate::on_both_engines;
use crate::support::accounts::signed_in;
use crate::support::practice::{Practice, practice};
use crate::support::process::{BIN, Careful, get, run, run_as, text};
use crate::support::web::{Page, Session};
use crate::support::{Engine, TestDb};

/// A TCP proxy in front of PostgreSQL that the test can cut: every connection through it is
/// dropped and new ones are closed as soon as they arrive, until it is restored. It can also
/// cut itself the moment careful sends a given statement, so that the database goes away in
/// the middle of a transaction.
struct Proxy {
    port: u16,
    state: Arc<ProxyState>,
}

struct ProxyState {
    up: AtomicBool,
    /// Cut when careful sends bytes containing this.
    cut_on: Mutex<Option<Vec<u8>>>,
    /// Bumped at each cut; every connection ends when it changes.
    cuts: tokio::sync::watch::Sender<u64>,
}

impl ProxyState {
    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        *self.cut_on.lock().unwrap() = None;
        self.cuts.send_modify(|n| *n += 1);
    }
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(ProxyState {
            up: AtomicBool::new(true),
            cut_on: Mutex::new(None),
            cuts: tokio::sync::watch::channel(0).0,
        });
        let shared = Arc::clone(&state);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !shared.up.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let state = Arc::clone(&shared);
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(&upstream).await else { return };
                    let mut cuts = state.cuts.subscribe();
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::select! {
                        _ = pump(client_read, server_write, Some(&state)) => {}
                        _ = pump(server_read, client_write, None) => {}
                        _ = cuts.changed() => {}
                    }
                    // Both sockets close here: PostgreSQL rolls back what the connection had not
                    // committed, and careful's connection reads end of file.
                });
            }
        });
        Proxy { port, state }
    }

    fn cut(&self) {
        self.state.cut();
    }

    /// Cuts the moment careful sends a statement containing `text`, before it reaches the
    /// database.
    fn cut_on(&self, text: &str) {
        *self.state.cut_on.lock().unwrap() = Some(text.as_bytes().to_vec());
    }

    fn restore(&self) {
        self.state.up.store(true, Ordering::SeqCst);
    }

    fn is_up(&self) -> bool {
        self.state.up.load(Ordering::SeqCst)
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    watch: Option<&ProxyState>,
) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if let Some(state) = watch {
            let pattern = state.cut_on.lock().unwrap().clone();
            if let Some(pattern) = pattern
                && buffer[..n].windows(pattern.len()).any(|w| w == pattern.as_slice())
            {
                state.cut();
                return;
            }
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
}

/// The host and port a PostgreSQL URL names.
fn host_and_port(url: &str) -> String {
    let (_, rest) = url.rsplit_once('@').expect("a user in the URL");
    let (host_port, _) = rest.split_once('/').expect("a database in the URL");
    if host_port.contains(':') { host_port.to_string() } else { format!("{host_port}:5432") }
}

/// The URL with its host and port replaced by the proxy's.
fn through_proxy(url: &str, port: u16) -> String {
    let (scheme_and_user, rest) = url.rsplit_once('@').expect("a user in the URL");
    let (_, database) = rest.split_once('/').expect("a database in the URL");
    format!("{scheme_and_user}@127.0.0.1:{port}/{database}")
}

/// The `_sequence` a form was opened at.
fn sequence(page: &Page) -> String {
    let at = page.body.find("name=\"_sequence\" value=\"").expect("a sequence in the form") + 24;
    let end = page.body[at..].find('"').unwrap() + at;
    page.body[at..end].to_string()
}

const WISHES: &str = "Would like to keep going to the Saturday football club";

/// A visit to Mia today, seen alone, with her wishes and feelings.
fn visit_answers(p: &Practice, sequence: &str) -> Vec<(String, String)> {
    use chrono::Datelike;
    vec![
        ("_sequence".into(), sequence.into()),
        ("date-day".into(), p.today.day().to_string()),
        ("date-month".into(), p.today.month().to_string()),
        ("date-year".into(), p.today.year().to_string()),
        ("visit".into(), "looked_after".into()),
        ("seen".into(), "yes".into()),
        ("seen_alone.alone".into(), "yes".into()),
        ("wishes_and_feelings".into(), WISHES.into()),
        ("_note".into(), String::new()),
    ]
}

async fn send_visit(sam: &Session, p: &Practice, form: &Page, sequence: &str) -> Page {
    let answers = visit_answers(p, sequence);
    let fields: Vec<(&str, &str)> = answers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    sam.post(&format!("/children/{}/record/visit", p.mia), form, &fields).await
}

/// How many visits Mia's record holds, read from the store (not through careful's pages).
async fn visits_saved(db: &TestDb, mia: ChildId) -> usize {
    let store = db.store().await;
    let events = store.read_stream(mia).await.expect("read Mia's record");
    store.close().await;
    events.iter().filter(|e| e.event.kind.as_str() == "visit_made").count()
}

/// The audit chain verifies, as an administrator's token sees it.
async fn audit_verifies(p: &Practice, url: &str) {
    let token =
        p.accounts.token(&format!("auditor.{}", crate::support::unique()), "administrator", None, "", &["admin"]).await;
    let out = run_as(&token, &["audit", "verify", "--database", url]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("The audit chain is intact"), "{}", text(&out.stdout));
}

/// A 503 page that says nothing was saved and asks to try again later.
fn assert_unavailable(page: &Page) {
    assert_eq!(page.status, 503, "{}", page.body);
    assert_eq!(page.headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("30"), "{:?}", page.headers);
    assert!(page.body.contains("nothing was saved") || page.body.contains("Nothing was saved"), "{}", page.body);
    assert!(
        page.body.contains("Try again in a few minutes") || page.body.contains("Try saving again"),
        "{}",
        page.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_going_away_mid_request_is_503_and_the_retry_saves_once() {
    let Some(db) = TestDb::new(Engine::Postgres) else { return };
    let p = practice(&db.url_string()).await;
    let proxy = Proxy::start(host_and_port(&db.url_string())).await;
    let proxied = through_proxy(&db.url_string(), proxy.port);
    let careful = Careful::serve(&proxied);
    let sam = Session::new(&careful.base_url);
    assert_eq!(sam.sign_in("sam.social", &p.sam_password).await.status, 303);
    let path = format!("/children/{}/record/visit", p.mia);
    let form = sam.get(&path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let seq = sequence(&form);

    // The database goes away in the middle of saving: careful has begun the transaction and
    // sends the event, which never arrives. Meanwhile others are reading Mia's chronology.
    proxy.cut_on("INSERT INTO events");
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let url = careful.base_url.clone();
            let cookie = sam.cookie("careful_session").expect("a session cookie");
            let mia = p.mia;
            tokio::spawn(async move {
                let reader = Session::new(&url);
                reader.set_cookie("careful_session", &cookie);
                reader.get(&format!("/children/{mia}/chronology")).await.status
            })
        })
        .collect();
    let page = send_visit(&sam, &p, &form, &seq).await;
    assert!(!proxy.is_up(), "the proxy was cut by the recording");
    assert_unavailable(&page);
    // The form comes back with what was typed, to save again.
    assert!(page.body.contains("Nothing was saved: careful could not reach the record"), "{}", page.body);
    assert!(page.body.contains(WISHES) && page.body.contains("value=\"yes\" checked"), "{}", page.body);
    assert_eq!(sequence(&page), seq);
    for reader in readers {
        let status = reader.await.unwrap();
        assert!(status == 200 || status == 503, "a read answered {status} while the database went away");
    }

    // While it is away: every page is 503 with Retry-After, and so is readiness.
    assert_unavailable(&sam.get("/my-work").await);
    assert_eq!(get(&careful.url("/readyz")).await.status(), 503);
    assert_eq!(get(&careful.url("/healthz")).await.status(), 200);
    // The command line says what to do.
    let out = run(&["migrate", "--database", &proxied]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("Check that PostgreSQL is running"), "{}", text(&out.stderr));
    // Nothing half-saved.
    assert_eq!(visits_saved(&db, p.mia).await, 0);

    // The database comes back: the same careful, the same form, saved once.
    proxy.restore();
    assert_eq!(get(&careful.url("/readyz")).await.status(), 200);
    let saved = send_visit(&sam, &p, &page, &seq).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(visits_saved(&db, p.mia).await, 1);
    // Sending it again (a second click) cannot save it twice: the record has moved on.
    let again = send_visit(&sam, &p, &page, &seq).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(visits_saved(&db, p.mia).await, 1);
    let chronology = sam.get(&format!("/children/{}/chronology", p.mia)).await;
    assert_eq!(chronology.body.matches("Statutory visit: child seen alone").count(), 1, "{}", chronology.body);

    // And again, cut between requests rather than within one: the next request is 503, the
    // one after the database is back is served.
    proxy.cut();
    assert_unavailable(&sam.get(&format!("/children/{}/chronology", p.mia)).await);
    proxy.restore();
    assert_eq!(sam.get(&format!("/children/{}/chronology", p.mia)).await.status, 200);
    audit_verifies(&p, &db.url_string()).await;
}

/// Holds SQLite's write lock from another connection, as another program would.
async fn lock_sqlite(url: &str) -> sqlx::SqliteConnection {
    let mut conn = sqlx::SqliteConnection::connect(url).await.expect("open the database");
    sqlx::raw_sql("BEGIN EXCLUSIVE").execute(&mut conn).await.expect("take the write lock");
    conn
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_locked_by_another_program_is_503_and_the_retry_saves_once() {
    let Some(db) = TestDb::new(Engine::Sqlite) else { return };
    let p = practice(&db.url_string()).await;
    let careful = Careful::serve(&db.url_string());
    let sam = Session::new(&careful.base_url);
    assert_eq!(sam.sign_in("sam.social", &p.sam_password).await.status, 303);
    let path = format!("/children/{}/record/visit", p.mia);
    let form = sam.get(&path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let seq = sequence(&form);

    let token = p.accounts.token("locked.admin", "administrator", None, "", &["admin"]).await;

    // Another program holds the write lock longer than careful waits for it (10 seconds).
    let mut lock = lock_sqlite(&db.url_string()).await;
    let page = send_visit(&sam, &p, &form, &seq).await;
    assert_unavailable(&page);
    assert_eq!(get(&careful.url("/healthz")).await.status(), 200);
    // The command line says what to do.
    let out = run_as(
        &token,
        &["admin", "add-team", "--database", &db.url_string(), "--name", "Locked out", "--service", "assessment"],
    );
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("careful could not reach its database, or it stayed busy (database is locked)")
            && stderr.contains("Nothing was saved; try again in a few minutes"),
        "{stderr}"
    );
    sqlx::raw_sql("ROLLBACK").execute(&mut lock).await.expect("let the lock go");
    lock.close().await.expect("close");
    assert_eq!(visits_saved(&db, p.mia).await, 0);

    // Released: the same careful saves the same form once.
    let saved = send_visit(&sam, &p, &form, &seq).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(visits_saved(&db, p.mia).await, 1);
    let again = send_visit(&sam, &p, &form, &seq).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(visits_saved(&db, p.mia).await, 1);
    audit_verifies(&p, &db.url_string()).await;
}

/// `PRAGMA integrity_check` on an SQLite file.
async fn integrity(url: &str) -> String {
    let mut conn = sqlx::SqliteConnection::connect(url).await.expect("open the database");
    let result: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut conn).await.expect("check");
    conn.close().await.expect("close");
    result
}

fn prlimit(pid: u32, limit: &str) {
    let status = std::process::Command::new("prlimit")
        .args(["--pid", &pid.to_string(), &format!("--fsize={limit}")])
        .status()
        .expect("run prlimit (util-linux)");
    assert!(status.success(), "prlimit --fsize={limit} failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_is_507_nothing_half_written_and_the_retry_saves_once() {
    let Some(db) = TestDb::new(Engine::Sqlite) else { return };
    let url = db.url_string();
    let p = practice(&url).await;
    // careful runs with SIGXFSZ ignored (as under a service manager that sets a file-size
    // limit), so a write past the limit fails with EFBIG instead of killing it.
    let careful = Careful::start_with(
        "sh",
        &["-c", "trap '' XFSZ; exec \"$0\" \"$@\"", BIN, "serve", "--database", &url, "--port", "0"],
    );
    let sam = Session::new(&careful.base_url);
    assert_eq!(sam.sign_in("sam.social", &p.sam_password).await.status, 303);
    let path = format!("/children/{}/record/visit", p.mia);
    let form = sam.get(&path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let seq = sequence(&form);
    // A token not used yet: careful notes its first use, which needs a write.
    let token = p.accounts.token("disk.analyst", "performance_analyst", None, "", &["read"]).await;

    // The disk fills: no file careful writes may grow past 1 KB.
    prlimit(careful.pid(), "1024:unlimited");
    let page = send_visit(&sam, &p, &form, &seq).await;
    assert_eq!(page.status, 507, "{}", page.body);
    assert!(page.body.contains("disk careful keeps its database on is full"), "{}", page.body);
    assert!(page.body.contains("nothing was saved") || page.body.contains("Nothing was saved"), "{}", page.body);
    // Nothing half-written: the file is sound, the visit absent.
    assert_eq!(integrity(&url).await, "ok");
    assert_eq!(visits_saved(&db, p.mia).await, 0);
    // careful keeps running and answering. Every page showing children is audited, and the
    // entry saying who looked cannot be written, so My work says the same rather than show
    // Mia's name without a trace.
    assert_eq!(get(&careful.url("/healthz")).await.status(), 200);
    assert_eq!(get(&careful.url("/readyz")).await.status(), 200);
    let work = sam.get("/my-work").await;
    assert_eq!(work.status, 507, "{}", work.body);
    assert!(work.body.contains("until space is freed it cannot show those either"), "{}", work.body);
    assert!(!work.body.contains("Mia Smith"), "{}", work.body);
    // A token careful cannot note the use of is answered the same way, not as a wrong token.
    let response = crate::support::process::get_as(&token, &careful.url("/insight")).await;
    assert_eq!(response.status(), 507);

    // Space is freed: the same careful saves the same form once.
    prlimit(careful.pid(), "unlimited:unlimited");
    let saved = send_visit(&sam, &p, &form, &seq).await;
    assert_eq!(saved.status, 303, "{}", careful.stderr());
    assert_eq!(visits_saved(&db, p.mia).await, 1);
    assert_eq!(integrity(&url).await, "ok");
    // The projections agree with the record: the overdue visit is met.
    let work = sam.get("/my-work").await;
    assert!(!work.body.contains("Overdue by 53 days"), "{}", work.body);
    audit_verifies(&p, &url).await;
}

/// Loads an SQL dump made by an older careful into an empty database.
async fn load_fixture(db: &TestDb, engine: Engine) {
    let url = db.url_string();
    match engine {
        Engine::Sqlite => {
            let dump = include_str!("../fixtures/careful-0009-sqlite.sql");
            // As the sqlite3 shell loads a dump: foreign keys unchecked while tables are made in
            // alphabetical order.
            let options: sqlx::sqlite::SqliteConnectOptions = url.parse().unwrap();
            let options = options.create_if_missing(true).foreign_keys(false);
            let mut conn = sqlx::SqliteConnection::connect_with(&options).await.unwrap();
            sqlx::raw_sql(dump).execute(&mut conn).await.expect("load the SQLite fixture");
            conn.close().await.unwrap();
        }
        Engine::Postgres => {
            let dump = include_str!("../fixtures/careful-0009-postgres.sql");
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::raw_sql(dump).execute(&mut conn).await.expect("load the PostgreSQL fixture");
            conn.close().await.unwrap();
        }
    }
}

/// Every event and audit entry, as text, in order.
async fn everything(url: &str) -> (Vec<String>, Vec<String>) {
    const EVENTS: &str = "SELECT CAST(position AS TEXT) || '|' || CAST(sequence AS TEXT) || '|' || kind || '|' \
         || payload || '|' || effective_date || '|' || recorded_at || '|' || recorded_by FROM events ORDER BY position";
    let store = careful_store::Store::connect(&url.parse().unwrap()).await.unwrap();
    let result = match &store {
        careful_store::Store::Sqlite(pool, _) => {
            let events = sqlx::query_scalar::<_, String>(EVENTS).fetch_all(pool).await.expect("read the events");
            let audit = sqlx::query_scalar::<_, String>(
                "SELECT CAST(seq AS TEXT) || '|' || action || '|' || detail || '|' || hex(hash) FROM audit_log ORDER BY seq",
            )
            .fetch_all(pool)
            .await
            .expect("read the audit log");
            (events, audit)
        }
        careful_store::Store::Postgres(pool) => {
            let events = sqlx::query_scalar::<_, String>(EVENTS).fetch_all(pool).await.expect("read the events");
            let audit = sqlx::query_scalar::<_, String>(
                "SELECT CAST(seq AS TEXT) || '|' || action || '|' || detail || '|' || upper(encode(hash, 'hex')) \
                 FROM audit_log ORDER BY seq",
            )
            .fetch_all(pool)
            .await
            .expect("read the audit log");
            (events, audit)
        }
    };
    store.close().await;
    result
}

on_both_engines!(a_database_from_an_older_careful_is_brought_up_to_date_with_nothing_lost);

async fn a_database_from_an_older_careful_is_brought_up_to_date_with_nothing_lost(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    load_fixture(&db, engine).await;
    let (events, audit) = everything(&url).await;
    assert_eq!((events.len(), audit.len()), (444, 5), "the fixture as careful 0009 wrote it");

    // Today's careful brings it up to date.
    let out = run(&["migrate", "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (events_after, audit_after) = everything(&url).await;
    assert_eq!(events_after, events, "every event as it was");
    assert_eq!(audit_after[..audit.len()], audit[..], "every audit entry as it was");

    // The administrator the older careful made signs in; the chain verifies; the projections
    // answer; a worker records.
    let app = App::open(&url, Settings::command_line(), Arc::new(SystemClock)).await.expect("open the database");
    let admin = signed_in(&app, "fixture.admin", "fixture-password-1").await;
    let token = admin.create_token("tests", &["admin".to_string()], "1").await.expect("a token");
    let out = run_as(&token, &["audit", "verify", "--database", &url]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));

    // A child allocated to a worker, that worker's account, their work and a recording.
    let store = careful_store::Store::connect(&url.parse().unwrap()).await.unwrap();
    let (child, worker): (uuid::Uuid, uuid::Uuid) = match &store {
        careful_store::Store::Sqlite(pool, _) => sqlx::query_as(
            "SELECT c.child_id, c.worker_id FROM children c WHERE EXISTS (SELECT 1 FROM duties d \
             WHERE d.child_id = c.child_id AND d.worker_id = c.worker_id AND d.is_open = 1) ORDER BY c.child_id LIMIT 1",
        )
        .fetch_one(pool)
        .await
        .unwrap(),
        careful_store::Store::Postgres(pool) => sqlx::query_as(
            "SELECT c.child_id, c.worker_id FROM children c WHERE EXISTS (SELECT 1 FROM duties d \
             WHERE d.child_id = c.child_id AND d.worker_id = c.worker_id AND d.is_open = 1) ORDER BY c.child_id LIMIT 1",
        )
        .fetch_one(pool)
        .await
        .unwrap(),
    };
    store.close().await;
    let form = careful_app::admin::AccountForm {
        username: "fixture.recorder".into(),
        display_name: "Fixture Recorder".into(),
        role: "social_worker".into(),
        service: String::new(),
        worker: worker.to_string(),
        password: String::new(),
    };
    let (_, password) = admin.create_account(&form).await.expect("an account for the worker");
    let worker_handle = signed_in(&app, "fixture.recorder", &password.expect("a first password")).await;
    let child = ChildId::from_uuid(child);
    worker_handle.my_work().await.expect("My work answers");
    let worklist = worker_handle
        .worklist(careful_app::Whose::Worker(careful_domain::WorkerId::from_uuid(worker)), false, None, app.today())
        .await
        .expect("the worker's worklist");
    assert!(worklist.iter().any(|e| e.child == child), "the worker's child is in their worklist");
    let before = worker_handle.chronology(child).await.expect("the chronology").entries.len();
    let (_, sequence) = worker_handle.load_record(child).await.expect("the record");
    worker_handle
        .record(
            child,
            sequence,
            vec![careful_app::record::Proposed::new(
                careful_domain::record::ChildEvent::AddressChanged {
                    address: careful_domain::record::Address {
                        street: "2 Mill Road".into(),
                        town: "Eastmoor".into(),
                        postcode: "EM1 4QT".parse().unwrap(),
                    },
                },
                app.today(),
            )],
        )
        .await
        .expect("a new recording is saved");
    assert_eq!(worker_handle.chronology(child).await.unwrap().entries.len(), before + 1);
    let (events_now, _) = everything(&url).await;
    assert_eq!(events_now.len(), events.len() + 1);
    assert_eq!(events_now[..events.len()], events[..]);
    let out = run_as(&token, &["audit", "verify", "--database", &url]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
}

on_both_engines!(a_database_from_a_newer_careful_is_refused_untouched);

async fn a_database_from_a_newer_careful_is_refused_untouched(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    load_fixture(&db, engine).await;
    // A newer careful applied a migration this one does not know.
    match engine {
        Engine::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::raw_sql(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                 VALUES (9999, 'from a newer careful', TRUE, X'00', 0)",
            )
            .execute(&mut conn)
            .await
            .unwrap();
            conn.close().await.unwrap();
        }
        Engine::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::raw_sql(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                 VALUES (9999, 'from a newer careful', TRUE, '\\x00'::bytea, 0)",
            )
            .execute(&mut conn)
            .await
            .unwrap();
            conn.close().await.unwrap();
        }
    }
    let before = everything(&url).await;
    for args in [vec!["migrate", "--database", &url], vec!["serve", "--database", &url, "--port", "0"]] {
        let out = run(&args);
        assert!(!out.status.success(), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("this database has been used by a newer careful: its schema has migration 9999")
                && stderr.contains("Nothing was changed"),
            "{stderr}"
        );
    }
    // Untouched: migration 0010, which this careful would otherwise have applied, was not.
    assert_eq!(everything(&url).await, before);
    let store = careful_store::Store::connect(&url.parse().unwrap()).await.unwrap();
    let applied: i64 = match &store {
        careful_store::Store::Sqlite(pool, _) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(pool).await.unwrap()
        }
        careful_store::Store::Postgres(pool) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(pool).await.unwrap()
        }
    };
    store.close().await;
    assert_eq!(applied, 10, "nine from careful 0009 and the newer one, nothing else");
}
