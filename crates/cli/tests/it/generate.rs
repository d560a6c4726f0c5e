//! `careful generate`: a synthetic council into a database and as the DfE returns.

use crate::on_both_engines;
use crate::support::process::{run, text};
use crate::support::{Engine, TempDir, TestDb};

const SMALL: [&str; 8] = ["generate", "--population", "4000", "--years", "1", "--end", "2026-03-31", "--seed"];

fn args<'a>(seed: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut out = SMALL.to_vec();
    out.push(seed);
    out.extend_from_slice(extra);
    out
}

#[test]
fn writes_the_returns_and_reports_the_figures() {
    let dir = TempDir::new();
    let ssda903 = dir.path().join("903");
    let cin = dir.path().join("cin.xml");
    let injected = dir.path().join("injected.csv");
    let (ssda903_s, cin_s, injected_s) = (
        ssda903.to_string_lossy().to_string(),
        cin.to_string_lossy().to_string(),
        injected.to_string_lossy().to_string(),
    );
    let out = run(&args("3", &["--ssda903", &ssda903_s, "--cin", &cin_s, "--injected", &injected_s]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("Figures for 2025-26 for a population of 4000"), "{report}");
    for figure in [
        "referrals per 10,000",
        "children looked after at 31 March per 10,000",
        "in foster care at 31 March (%)",
        "starting aged under 1 (%)",
    ] {
        assert!(report.contains(figure), "{figure} missing from {report}");
    }
    // The 903 tables, with exactly DfE's columns, readable by careful's own reader.
    let header = std::fs::read_to_string(ssda903.join("Episodes.csv")).unwrap();
    assert!(
        header.starts_with(
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n"
        ),
        "{}",
        &header[..200.min(header.len())]
    );
    assert!(header.lines().count() > 20);
    let paths: Vec<_> = std::fs::read_dir(&ssda903).unwrap().map(|e| e.unwrap().path()).collect();
    let files: Vec<_> = paths.iter().map(careful_returns::ssda903::Source::path).collect();
    let read = careful_returns::ssda903::read_return(&files).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(read.table(careful_returns::ssda903::Table::Header).is_some_and(|t| t.len() > 10));
    // The CIN census.
    let xml = std::fs::read_to_string(&cin).unwrap();
    assert!(
        xml.contains("<Collection>CIN</Collection>")
            && xml.contains("<Year>2026</Year>")
            && xml.contains("<CINdetails>"),
        "{}",
        &xml[..500.min(xml.len())]
    );
    // The failures injected on purpose.
    let injected = std::fs::read_to_string(&injected).unwrap();
    assert!(injected.starts_with("child,rule,due,what\n"));
}

#[test]
fn the_same_options_give_byte_identical_files() {
    let make = |dir: &TempDir| {
        let (a, b) = (
            dir.path().join("903").to_string_lossy().to_string(),
            dir.path().join("cin.xml").to_string_lossy().to_string(),
        );
        let out = run(&args("5", &["--ssda903", &a, "--cin", &b]));
        assert!(out.status.success(), "{}", text(&out.stderr));
    };
    let (one, two) = (TempDir::new(), TempDir::new());
    make(&one);
    make(&two);
    for name in ["903/Header.csv", "903/Episodes.csv", "903/Reviews.csv", "903/OC3.csv", "cin.xml"] {
        let a = std::fs::read(one.path().join(name)).unwrap();
        let b = std::fs::read(two.path().join(name)).unwrap();
        assert!(a == b, "{name} differs between two runs with the same options");
    }
}

#[test]
fn bad_options_are_explained() {
    let out = run(&["generate", "--late-visits", "1.5"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--late-visits is a chance between 0 and 1"));
    let out = run(&["generate", "--year", "2025"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("for example 2025-26"), "{}", text(&out.stderr));
}

on_both_engines!(writes_a_council_into_an_empty_database_only);

async fn writes_a_council_into_an_empty_database_only(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let out = run(&args("7", &["--database", &url]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let store = db.store().await;
    let counts = store.counts().await.unwrap();
    assert!(counts.children > 300 && counts.events > 5_000 && counts.teams > 5, "{counts:?}");
    assert!(store.setting("synthetic_council").await.unwrap().unwrap().ends_with("; complete"));
    // Every record in the database folds.
    for child in store.child_ids().await.unwrap().into_iter().take(200) {
        let events = store.read_stream(child).await.unwrap();
        let entries: Vec<_> = events.iter().map(|e| careful_domain::record::Entry::from_recorded(e).unwrap()).collect();
        careful_domain::record::fold(&entries).unwrap();
    }
    let again = run(&args("7", &["--database", &url]));
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("a synthetic council is written only into an empty database"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(store.counts().await.unwrap(), counts, "nothing was added");
}
