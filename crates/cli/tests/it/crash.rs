//! The short version of the crash harness (scripts/crash-test runs the long one): careful serve
//! is killed with SIGKILL three times while eight clients of one team record visits on the same
//! three children; afterwards every acknowledged entry is in the record once, right after the
//! version its form was opened at, nothing is half-written, the projections agree with a
//! rebuild and the audit chain verifies. The checks themselves are shown to find each kind of
//! damage by `careful_app::crash`'s unit test.

use crate::support::process::{run, text};
use crate::support::{Engine, pg};

fn crash_harness(engine: Engine) {
    let server = match engine {
        Engine::Sqlite => None,
        Engine::Postgres if pg::skipped() => return,
        Engine::Postgres => Some(pg::server().url.expose_secret().to_string()),
    };
    let mut args = vec![
        "bench",
        "crash",
        "--population",
        "300",
        "--clients",
        "8",
        "--children",
        "3",
        "--kills",
        "3",
        "--recordings",
        "150",
    ];
    if let Some(server) = &server {
        args.extend(["--database", server]);
    }
    let out = run(&args);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    let figure = |what: &str| -> u64 {
        let line = stdout
            .lines()
            .find(|l| l.trim_start().starts_with(what))
            .unwrap_or_else(|| panic!("no {what} in:\n{stdout}"));
        line.rsplit(": ").next().unwrap().trim().parse().unwrap_or_else(|_| panic!("{line}"))
    };
    for what in [
        "acknowledged entries lost",
        "lost updates",
        "entries in the record more than once",
        "entries answered \"not saved\" yet in the record",
        "records half-written",
        "children whose projection or worklist differs",
    ] {
        assert_eq!(figure(what), 0, "{what}:\n{stdout}");
    }
    let acknowledged: u64 = stdout
        .lines()
        .filter(|l| l.starts_with("Ran "))
        .find_map(|l| l.split_once(" entries acknowledged").and_then(|(a, _)| a.rsplit(' ').next()?.parse().ok()))
        .unwrap_or_else(|| panic!("no acknowledged count in:\n{stdout}"));
    assert!(acknowledged >= 150, "{stdout}");
    assert!(stdout.contains("3 restarts"), "{stdout}");
    assert!(stdout.contains("Killed (3 of 3)"), "{stdout}");
    assert!(stdout.lines().any(|l| l.contains("audit chain:") && l.ends_with("intact")), "{stdout}");
}

#[test]
fn sqlite_kill_9_while_recording_loses_nothing() {
    crash_harness(Engine::Sqlite);
}

#[test]
fn postgres_kill_9_while_recording_loses_nothing() {
    crash_harness(Engine::Postgres);
}
