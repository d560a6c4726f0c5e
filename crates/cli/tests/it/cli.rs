//! The `careful` command line: help for every command, and errors that say what to do.

use crate::support::process::{run, text};
use crate::support::{TempDir, TestDb};

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["demo", "--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["bench", "--help"],
        vec!["bench", "append", "--help"],
        vec!["bench", "crash", "--help"],
        vec!["backup", "--help"],
        vec!["restore", "--help"],
    ] {
        let out = run(&args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        let help = text(&out.stdout);
        assert!(help.contains("Usage: careful"), "{args:?}: {help}");
    }
    let help = text(&run(&["bench", "crash", "--help"]).stdout);
    for option in ["--kills", "--recordings", "--clients", "--children", "SIGKILL"] {
        assert!(help.contains(option), "bench crash --help does not mention {option}:\n{help}");
    }
    let help = text(&run(&["serve", "--help"]).stdout);
    for option in ["--database", "DATABASE_URL", "--port", "--bind", "--council-name"] {
        assert!(help.contains(option), "serve --help does not mention {option}:\n{help}");
    }
}

#[test]
fn a_mistyped_command_is_a_usage_error() {
    let out = run(&["serve-it"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unrecognized subcommand"));
}

#[test]
fn a_database_url_careful_does_not_understand_is_explained() {
    let out = run(&["migrate", "--database", "mysql://root@localhost/careful"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("is not a database URL careful understands"), "{err}");
    assert!(err.contains("sqlite://PATH") && err.contains("postgres://"), "{err}");
}

#[test]
fn an_unreachable_postgres_server_is_explained() {
    // Nothing listens on port 1.
    let out = run(&["migrate", "--database", "postgres://careful:hunter2@127.0.0.1:1/careful"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("cannot open the PostgreSQL database at postgres://careful:***@127.0.0.1:1/careful"), "{err}");
    assert!(err.contains("Check that PostgreSQL is running"), "{err}");
    assert!(!err.contains("hunter2"), "the password leaked: {err}");
}

#[test]
fn an_sqlite_file_in_a_missing_folder_is_explained() {
    let dir = TempDir::new();
    let url = format!("sqlite://{}/no/such/folder/careful.db", dir.path().display());
    let out = run(&["serve", "--database", &url, "--port", "0"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("cannot open the SQLite database"), "{err}");
    assert!(err.contains("Check that the folder exists"), "{err}");
}

#[test]
fn a_port_in_use_is_explained() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let db = TestDb::new(crate::support::Engine::Sqlite).unwrap();
    let out = run(&["serve", "--database", &db.url_string(), "--port", &port]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("careful could not listen on 127.0.0.1:{port}")), "{err}");
    assert!(err.contains("already in use by another program") && err.contains("--port"), "{err}");
}

#[test]
fn a_failed_migration_is_explained_and_changes_nothing() {
    // A database that already has a table called `events`, not careful's.
    let dir = TempDir::new();
    let path = dir.path().join("other.db");
    crate::support::block_on({
        let path = path.clone();
        async move {
            use sqlx::Connection;
            let url = format!("sqlite://{}?mode=rwc", path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query("CREATE TABLE events (what TEXT)").execute(&mut conn).await.unwrap();
            sqlx::query("INSERT INTO events VALUES ('precious')").execute(&mut conn).await.unwrap();
        }
    });
    let url = format!("sqlite://{}", path.display());
    let out = run(&["migrate", "--database", &url]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("could not be brought up to date"), "{err}");
    assert!(err.contains("events already exists"), "{err}");
    // The other program's data is untouched and no half-made careful table is left behind.
    let (rows, streams): (i64, i64) = crate::support::block_on(async move {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let rows = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE what = 'precious'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        let streams = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'streams'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        (rows, streams)
    });
    assert_eq!((rows, streams), (1, 0));
}

#[test]
fn migrate_brings_a_new_database_up_to_date() {
    let db = TestDb::new(crate::support::Engine::Sqlite).unwrap();
    for _ in 0..2 {
        let out = run(&["migrate", "--database", &db.url_string()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("is up to date"));
    }
}

#[test]
fn bench_append_measures_sqlite_in_a_scratch_database() {
    let out = run(&["bench", "append", "--events", "200", "--batch", "50", "--children", "4"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("Recording on SQLite: 200 events over 4 children"), "{report}");
    assert!(
        report.contains("single (1 event per recording)") && report.contains("batch (50 events per recording)"),
        "{report}"
    );
}

#[test]
fn bench_refuses_zero_sizes() {
    let out = run(&["bench", "append", "--events", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("must each be at least 1"));
}
