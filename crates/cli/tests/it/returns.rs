//! `careful validate ssda903`, `careful export ssda903` and `careful import ssda903` on the real
//! binary: a synthetic council's return exported from the record, checked with every DfE rule,
//! imported into another database and exported again, byte for byte the same.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_json::Value;

use careful_domain::CollectionYear;
use careful_domain::record::{ChildRecord, Entry, fold};
use careful_store::Store;

use crate::on_both_engines;
use crate::support::process::{run, run_as, text};
use crate::support::{Engine, TempDir, TestDb};

const YEAR: &str = "2025-26";
const PREVIOUS: &str = "2024-25";

fn s(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Every file in a folder, by name.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap())
        })
        .collect()
}

/// The rows of one CSV file (header left out), split at commas (synthetic files have no quotes).
fn rows(dir: &Path, file: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
    text.lines().skip(1).map(|l| l.split(',').map(str::to_string).collect()).collect()
}

fn children_in(dir: &Path, file: &str) -> HashSet<String> {
    rows(dir, file).into_iter().map(|r| r[0].clone()).collect()
}

/// A performance analyst's token (returns and read scopes) for a database.
pub(crate) async fn analyst(url: &str) -> String {
    let accounts = crate::support::accounts::Accounts::new(url).await;
    let token = accounts.token("test.analyst", "performance_analyst", None, "", &["returns", "read"]).await;
    accounts.app.close().await;
    token
}

fn export(url: &str, token: &str, year: &str, out: &Path) {
    let done = run_as(token, &["export", "ssda903", "--database", url, "--year", year, "--out", &s(out)]);
    assert!(done.status.success(), "{}", text(&done.stderr));
    let said = text(&done.stdout);
    assert!(said.contains(&format!("Wrote the {year} SSDA903 return")), "{said}");
}

async fn records_by_la_id(store: &Store) -> HashMap<String, ChildRecord> {
    let mut out = HashMap::new();
    for child in store.child_ids().await.unwrap() {
        let events = store.read_stream(child).await.unwrap();
        let entries: Vec<Entry> = events.iter().map(|e| Entry::from_recorded(e).unwrap()).collect();
        let record = fold(&entries).unwrap();
        out.insert(record.la_child_id.as_str().to_string(), record);
    }
    out
}

on_both_engines!(a_synthetic_councils_return_survives_export_validate_import_export);

async fn a_synthetic_councils_return_survives_export_validate_import_export(engine: Engine) {
    let (Some(first), Some(second)) = (TestDb::new(engine), TestDb::new(engine)) else { return };
    let dir = TempDir::new();
    let (this_year, last_year) = (dir.path().join("x-this"), dir.path().join("x-last"));
    let generated = dir.path().join("generated");
    let (url, url2) = (first.url_string(), second.url_string());

    // Generate a council into the first database, with its return as the generator writes it.
    let out = run(&[
        "generate",
        "--population",
        "12000",
        "--years",
        "2",
        "--end",
        "2026-03-31",
        "--seed",
        "11",
        "--year",
        YEAR,
        "--ssda903",
        &s(&generated),
        "--database",
        &url,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Export both years from the record: the same files the generator wrote from the same events.
    let token = analyst(&url).await;
    let token2 = analyst(&url2).await;
    export(&url, &token, YEAR, &this_year);
    export(&url, &token, PREVIOUS, &last_year);
    assert_eq!(files(&this_year), files(&generated), "the export matches the generator's own files");
    assert!(rows(&this_year, "Episodes.csv").len() > 100);

    // Validate: each finding is one the record explains.
    let checked = run(&[
        "validate",
        "ssda903",
        &s(&this_year),
        "--previous",
        &s(&last_year),
        "--year",
        YEAR,
        "--la",
        "E09000027",
        "--format",
        "json",
    ]);
    assert!(matches!(checked.status.code(), Some(0 | 1)), "{}", text(&checked.stderr));
    let findings: Vec<Value> = serde_json::from_slice(&checked.stdout).unwrap();
    let store = first.store().await;
    let records = records_by_la_id(&store).await;
    let episodes_now = children_in(&this_year, "Episodes.csv");
    let episodes_before = children_in(&last_year, "Episodes.csv");
    let year: CollectionYear = YEAR.parse().unwrap();
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    for f in &findings {
        let (rule, child) = (f["rule"].as_str().unwrap(), f["child"].as_str().unwrap_or(""));
        for key in ["table", "row", "line", "fields", "message"] {
            assert!(f.get(key).is_some(), "finding without {key}: {f}");
        }
        *by_rule.entry(rule.to_string()).or_default() += 1;
        let explained = match rule {
            // A care leaver DfE asks about has a Header and OC3 row and no episodes: the
            // reference tool's warning, not a DfE rule.
            "EPI" => !episodes_now.contains(child),
            // A care leaver whose care ended before last year: the two years loaded hold none of
            // their episodes (DfE's message says this check gives such false positives).
            "1001" | "1002" => !episodes_now.contains(child) && !episodes_before.contains(child),
            // Looked after at 31 March, but with no social worker on 1 April: the council did not
            // know the child then, so there is no earlier social worker episode to report.
            "SW12STG2" => records[child].allocation_on(year.first_day()).is_none(),
            // Born on 29 February: the law's 18th birthday in a common year is 1 March, when
            // care (and UASC status) ended, but DfE's rules count 28 February.
            "359" | "304" => records[child].date_of_birth().is_some_and(|dob| {
                use chrono::Datelike;
                let eighteenth = careful_domain::calendar::date_attaining_age(dob, 18).unwrap();
                (dob.month(), dob.day()) == (2, 29)
                    && records[child].care_periods.iter().any(|p| p.ended.is_some_and(|(d, _)| d == eighteenth))
            }),
            // Care that ended on 31 March itself: careful does not count the child as looked
            // after at the end of the year (no OC2 row), where DfE's rules 191 (and so 187, for a
            // child adopted that day) do.
            "191" | "187" => {
                records[child].care_periods.iter().any(|p| p.ended.is_some_and(|(d, _)| d == year.last_day()))
            }
            _ => false,
        };
        assert!(explained, "finding not explained by the record: {f}");
    }
    eprintln!("findings by rule: {by_rule:?}");

    // Import both years into the second database, and export again: the same bytes.
    let imported = run_as(
        &token2,
        &["import", "ssda903", &s(&this_year), "--previous", &s(&last_year), "--year", YEAR, "--database", &url2],
    );
    assert!(imported.status.success(), "{}{}", text(&imported.stdout), text(&imported.stderr));
    let said = text(&imported.stdout);
    assert!(said.contains("children's records created"), "{said}");
    let (again_this, again_last) = (dir.path().join("y-this"), dir.path().join("y-last"));
    export(&url2, &token2, YEAR, &again_this);
    export(&url2, &token2, PREVIOUS, &again_last);
    assert_eq!(files(&again_this), files(&this_year), "this year's return, exported again after import");
    assert_eq!(files(&again_last), files(&last_year), "last year's return, exported again after import");

    // Importing the same files again changes nothing.
    let store2 = second.store().await;
    let counts = store2.counts().await.unwrap();
    let twice = run_as(
        &token2,
        &["import", "ssda903", &s(&this_year), "--previous", &s(&last_year), "--year", YEAR, "--database", &url2],
    );
    assert!(twice.status.success(), "{}", text(&twice.stderr));
    assert!(text(&twice.stdout).contains("0 children's records created (0 events)"), "{}", text(&twice.stdout));
    assert_eq!(store2.counts().await.unwrap(), counts);

    // The findings are on the children as data-quality flags, shown with their duties to the
    // child's social worker.
    let mut with_worker = None;
    for f in findings.iter().filter(|f| f["child"].as_str().is_some_and(|c| !c.is_empty())) {
        let child = f["child"].as_str().unwrap();
        let Some(id) = store2.children_by_la_id(child).await.unwrap().first().copied() else { continue };
        if let Some(worker) = store2.child_row(id).await.unwrap().and_then(|r| r.worker) {
            with_worker = Some((f, child, worker));
            break;
        }
    }
    if let Some((f, child, worker)) = with_worker {
        let accounts = crate::support::accounts::Accounts::new(&url2).await;
        let token = accounts.token("test.worker", "social_worker", Some(worker), "", &["read"]).await;
        let shown = run_as(&token, &["duties", "--database", &url2, "--child", child]);
        assert!(shown.status.success(), "{}", text(&shown.stderr));
        let page = text(&shown.stdout);
        assert!(page.contains("Data quality") && page.contains(f["rule"].as_str().unwrap()), "{page}");
    }
}

/// A small return in `dir`, this year and last, from a generated council.
fn small_return(dir: &Path) -> (PathBuf, PathBuf) {
    let (this_year, last_year) = (dir.join("this"), dir.join("last"));
    for (year, out) in [(YEAR, &this_year), (PREVIOUS, &last_year)] {
        let done = run(&[
            "generate",
            "--population",
            "6000",
            "--years",
            "2",
            "--end",
            "2026-03-31",
            "--seed",
            "5",
            "--year",
            year,
            "--ssda903",
            &s(out),
        ]);
        assert!(done.status.success(), "{}", text(&done.stderr));
    }
    (this_year, last_year)
}

/// Replaces this year's first open episode's DEC with a day before its DECOM; gives the child.
fn break_an_episode(this_year: &Path) -> (String, usize) {
    let path = this_year.join("Episodes.csv");
    let content = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = content.split("\r\n").map(str::to_string).collect();
    let (index, child) = lines
        .iter()
        .enumerate()
        .skip(1)
        .find_map(|(i, l)| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells.len() > 8 && cells[7].is_empty() && cells[1].ends_with("/2025")).then(|| (i, cells[0].to_string()))
        })
        .expect("an open episode that began in 2025");
    let mut cells: Vec<String> = lines[index].split(',').map(str::to_string).collect();
    let decom = NaiveDate::parse_from_str(&cells[1], "%d/%m/%Y").unwrap();
    cells[7] = (decom - chrono::Days::new(3)).format("%d/%m/%Y").to_string();
    cells[8] = "E11".into();
    lines[index] = cells.join(",");
    std::fs::write(&path, lines.join("\r\n")).unwrap();
    (child, index + 1)
}

on_both_engines!(an_import_with_rows_careful_cannot_represent_writes_nothing_unless_told_to_skip);

async fn an_import_with_rows_careful_cannot_represent_writes_nothing_unless_told_to_skip(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let dir = TempDir::new();
    let (this_year, last_year) = small_return(dir.path());
    let (child, line) = break_an_episode(&this_year);
    let url = db.url_string();
    let args = ["import", "ssda903", &s(&this_year), "--previous", &s(&last_year), "--year", YEAR, "--database", &url];
    let token = analyst(&url).await;

    let refused = run_as(&token, &args);
    assert_eq!(refused.status.code(), Some(1));
    let message = text(&refused.stderr);
    assert!(
        message.contains("cannot be represented")
            && message.contains(&format!("child {child}"))
            && message.contains(&format!("Episodes.csv line {line}"))
            && message.contains("DEC"),
        "{message}"
    );
    let store = db.store().await;
    assert_eq!(store.counts().await.unwrap().children, 0, "a refused import writes nothing");

    let mut skipping = args.to_vec();
    skipping.push("--skip-unrepresentable");
    let done = run_as(&token, &skipping);
    assert!(done.status.success(), "{}", text(&done.stderr));
    let said = text(&done.stdout);
    assert!(said.contains("Left out 1 children") && said.contains(&child), "{said}");
    let records = records_by_la_id(&store).await;
    assert!(!records.contains_key(&child));
    let expected = children_in(&this_year, "Header.csv").len() + children_in(&last_year, "Header.csv").len();
    assert!(records.len() > 50 && records.len() < expected, "{} of {expected}", records.len());
}

#[test]
fn validate_reports_in_every_format_and_refuses_unusable_input() {
    let dir = TempDir::new();
    let (this_year, last_year) = small_return(dir.path());
    let base = ["validate", "ssda903", &s(&this_year), "--previous", &s(&last_year), "--year", YEAR];

    let table = run(&base);
    assert!(matches!(table.status.code(), Some(0 | 1)), "{}", text(&table.stderr));
    let report = text(&table.stdout);
    for part in ["SSDA903 validation report: the 2025-26 return", "Rules not run"] {
        assert!(report.contains(part), "{part} missing from {report}");
    }

    let mut json_args = base.to_vec();
    json_args.extend(["--format", "json"]);
    let json = run(&json_args);
    let findings: Vec<Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json.status.code(), Some(if findings.is_empty() { 0 } else { 1 }));
    let mut csv_args = base.to_vec();
    csv_args.extend(["--format", "csv"]);
    let csv = text(&run(&csv_args).stdout);
    assert_eq!(csv.lines().count(), findings.len() + 1, "one CSV row per finding: {csv}");

    // Without last year's return, the rules comparing the years are not run, and the report says so.
    let alone = run(&["validate", "ssda903", &s(&this_year), "--year", YEAR]);
    assert!(text(&alone.stdout).contains("previous year"), "{}", text(&alone.stdout));

    // A ragged row makes the input unusable: status 2, naming the file and line.
    let path = this_year.join("Reviews.csv");
    let mut content = std::fs::read_to_string(&path).unwrap();
    content.push_str("EM9999999,01/01/2015\r\n");
    std::fs::write(&path, content.as_bytes()).unwrap();
    let ragged = run(&base);
    assert_eq!(ragged.status.code(), Some(2), "{}", text(&ragged.stdout));
    let message = text(&ragged.stderr);
    assert!(message.contains("Reviews.csv") && message.contains("line"), "{message}");
}

/// The synthetic postcode directory committed with the returns crate (invented postcodes).
fn synthetic_postcodes(layout: &str) -> String {
    format!("{}/../returns/tests/data/postcodes-synthetic-{layout}.csv", env!("CARGO_MANIFEST_DIR"))
}

/// A crafted return for two synthetic children whose postcodes are in the synthetic directory:
/// EM0911001 in the council's own children's home (PR1, K2) in Surrey (QA1 1AA), so 1015; and
/// EM0911002 placed at a postcode the directory lacks (EM9 9ZZ), so 169, 179 and 392a.
fn return_with_postcodes(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("Header.csv"),
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nEM0911001,F,14/07/2014,WBRI,,0,\r\nEM0911002,M,14/07/2013,WBRI,,,\r\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("Episodes.csv"),
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n\
         EM0911001,01/12/2025,S,V2,N1,K2,PR1,,,,EM1 1AA,QA1 1AA,SC000001\r\n\
         EM0911002,01/12/2025,S,V2,N1,U4,PR4,,,,EM1 1AA,EM9 9ZZ,SC000002\r\n",
    )
    .unwrap();
}

#[test]
fn validate_derives_the_placement_fields_from_a_postcode_directory() {
    let dir = TempDir::new();
    let this_year = dir.path().join("this");
    return_with_postcodes(&this_year);
    let base = ["validate", "ssda903", &s(&this_year), "--year", YEAR, "--format", "json"];
    let derived_rules = ["164", "169", "179", "218", "392a", "406", "411", "420", "454", "1015"];

    // Without a directory, the rules reading the derived fields are listed as not run.
    let without = run(&[&base[..], &["--la", "E09000027"]].concat());
    let said = text(&without.stderr);
    let not_run = said.lines().find(|l| l.contains("PL_LA, PL_LOCATION, PL_DISTANCE")).unwrap_or_default();
    for code in derived_rules {
        assert!(not_run.split([' ', ',']).any(|c| c == code), "{code} not listed as not run: {said}");
    }

    // With one (in each layout), they run and fire; the council may be named by DfE's number.
    for layout in ["nspl", "onspd", "subset"] {
        let postcodes = synthetic_postcodes(layout);
        let with = run(&[&base[..], &["--la", "318", "--postcodes", &postcodes]].concat());
        assert_eq!(with.status.code(), Some(1), "{}", text(&with.stderr));
        let said = text(&with.stderr);
        assert!(!said.contains("PL_LA, PL_LOCATION, PL_DISTANCE"), "{said}");
        let findings: Vec<Value> = serde_json::from_slice(&with.stdout).unwrap();
        let rows = |rule: &str| -> Vec<(String, u64)> {
            findings
                .iter()
                .filter(|f| f["rule"] == rule)
                .map(|f| (f["child"].as_str().unwrap().to_string(), f["line"].as_u64().unwrap()))
                .collect()
        };
        assert_eq!(rows("1015"), [("EM0911001".to_string(), 2)], "{layout}");
        for rule in ["169", "179", "392a"] {
            assert_eq!(rows(rule), [("EM0911002".to_string(), 3)], "{layout}: {rule}");
        }
        assert!(rows("411").is_empty() && rows("164").is_empty(), "{layout}");
    }

    // The table says where the fields came from and how many postcodes were found.
    let table = run(&[
        "validate",
        "ssda903",
        &s(&this_year),
        "--year",
        YEAR,
        "--la",
        "E09000027",
        "--postcodes",
        &synthetic_postcodes("nspl"),
    ]);
    let report = text(&table.stdout);
    assert!(
        report
            .contains("(NSPL, 14 postcodes): placement postcodes found for 1 of 2 episodes, home postcodes for 2 of 2"),
        "{report}"
    );

    // A directory needs the council's code, a known one, and good rows: status 2, saying so.
    let postcodes = synthetic_postcodes("subset");
    let no_la = run(&[&base[..], &["--postcodes", &postcodes]].concat());
    assert_eq!(no_la.status.code(), Some(2));
    assert!(text(&no_la.stderr).contains("--postcodes needs --la"), "{}", text(&no_la.stderr));
    let unknown = run(&[&base[..], &["--la", "E09999999", "--postcodes", &postcodes]].concat());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("E09999999 is not an English local authority"));
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "postcode,la_code,easting,northing\nEM1 1AA,E09000027,500000,north\n").unwrap();
    let unreadable = run(&[&base[..], &["--la", "318", "--postcodes", &s(&bad)]].concat());
    assert_eq!(unreadable.status.code(), Some(2));
    let message = text(&unreadable.stderr);
    assert!(message.contains("bad.csv, line 2, column northing: \"north\" is not a grid reference"), "{message}");
}

// ------------------------------------------------ importing history for audit: --assess-from

/// A hand-written 2025-26 return for one synthetic child, EM0911001: looked after (section 20,
/// foster care) from Monday 1 December 2025 and still at 31 March 2026, with one review, held on
/// Friday 9 January 2026, and a social worker from the first day. No IRO, visits or health
/// assessments: the 903 does not hold them.
fn hand_written_return(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for (file, text) in [
        ("Header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nEM0911001,F,14/07/2014,WBRI,,,\r\n"),
        (
            "Episodes.csv",
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n\
             EM0911001,01/12/2025,S,V2,N1,U4,PR1,,,,EM1 4QT,EM2 5RS,\r\n",
        ),
        ("Reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\r\nEM0911001,14/07/2014,09/01/2026,PN1\r\n"),
        (
            "SWEpisodes.csv",
            "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\r\nEM0911001,14/07/2014,SW911001,01/12/2025,,\r\n",
        ),
    ] {
        std::fs::write(dir.join(file), text).unwrap();
    }
}

/// EM0911001's duties as of a day, as (rule, due, status, days), through `careful duties --child`
/// run as the child's social worker (the one the return's SWEpisodes names).
async fn imported_childs_duties(store: &Store, url: &str, as_of: &str) -> Vec<(String, String, String, Option<i64>)> {
    let worker = store.workers().await.unwrap().into_iter().find(|w| w.registration.as_deref() == Some("SW911001"));
    let worker = worker.expect("the social worker from SWEpisodes").id;
    let accounts = crate::support::accounts::Accounts::new(url).await;
    let token = accounts.token("test.sw911001", "social_worker", Some(worker), "", &["read"]).await;
    accounts.app.close().await;
    let out =
        run_as(&token, &["duties", "--database", url, "--child", "EM0911001", "--as-of", as_of, "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    all.iter()
        .map(|d| {
            let field = |name: &str| d[name].as_str().unwrap_or_else(|| panic!("no {name} in {d}")).to_string();
            (field("rule"), field("due"), field("status"), d["days"].as_i64())
        })
        .collect()
}

on_both_engines!(an_import_assessed_from_a_past_day_shows_the_councils_past_timeliness);

/// `--assess-from` a past day: the duties the hand-written return shows due since then are
/// judged (met late, overdue), with due dates worked out by hand below; without it nothing due
/// before the import day is judged. Bad days are refused, naming the option, and write nothing.
async fn an_import_assessed_from_a_past_day_shows_the_councils_past_timeliness(engine: Engine) {
    let (Some(past), Some(default)) = (TestDb::new(engine), TestDb::new(engine)) else { return };
    let dir = TempDir::new();
    let files = dir.path().join("903");
    hand_written_return(&files);
    let (url, url2) = (past.url_string(), default.url_string());
    let token = analyst(&url).await;
    let files = s(&files);
    let import = |token: &str, url: &str, extra: &[&str]| {
        let mut args = vec!["import", "ssda903", files.as_str(), "--year", YEAR, "--database", url];
        args.extend_from_slice(extra);
        run_as(token, &args)
    };

    // Days careful cannot assess from: refused, naming the option, and nothing written.
    let store = past.store().await;
    for (day, code, says) in [
        ("1/4/2025", 2, "--assess-from"),
        ("2099-01-01", 1, "--assess-from 2099-01-01 is after today"),
        ("2014-12-31", 1, "--assess-from 2014-12-31 is before 1 January 2015"),
    ] {
        let refused = import(&token, &url, &["--assess-from", day]);
        assert_eq!(refused.status.code(), Some(code), "{day}: {}", text(&refused.stdout));
        assert!(text(&refused.stderr).contains(says), "{day}: {}", text(&refused.stderr));
        assert_eq!(store.counts().await.unwrap().children, 0, "{day}: a refused import writes nothing");
        assert!(store.setting("practice_standards").await.unwrap().is_none(), "{day}: nor sets the standards");
    }

    // Assessed from 1 April 2025, the start of the return's year.
    let done = import(&token, &url, &["--assess-from", "2025-04-01"]);
    assert!(done.status.success(), "{}{}", text(&done.stdout), text(&done.stderr));
    let said = text(&done.stdout);
    assert!(said.contains("1 children's records created") && said.contains("from 1 April 2025, as asked"), "{said}");

    // Worked out by hand, as of Tuesday 31 March 2026 (bank holidays from
    // crates/domain/data/bank-holidays-england-and-wales.txt: 25 and 26 December 2025, 1 January
    // 2026). Looked after from Monday 1 December 2025:
    // - iro-appoint, 5 working days (the council's default): Tue 2, Wed 3, Thu 4, Fri 5, Mon 8
    //   December: due Monday 8 December 2025. No IRO in the 903: overdue by 23 (to 31 Dec) + 31
    //   (January) + 28 (February) + 31 (March) = 113 days.
    // - visit-first, 1 week (7 calendar days): due Monday 8 December 2025. No visits in the 903:
    //   overdue by 113 days.
    // - rev-1, 20 working days: 2-5 December (4), 8-12 (9), 15-19 (14), 22, 23, 24 (17), not 25
    //   or 26 (bank holidays), 29, 30, 31 (20): due Wednesday 31 December 2025. Held Friday 9
    //   January 2026: met late by 9 days.
    // - health-iha, before the first review (reg 7(1)), held Friday 9 January 2026: due that
    //   day. No assessment in the 903 (OC2 is for children looked after a year at 31 March):
    //   overdue by 22 (to 31 January) + 28 + 31 = 81 days.
    // - rev-2, 3 months after the first review (9 January 2026): due Thursday 9 April 2026,
    //   upcoming on 31 March.
    let expected: Vec<(&str, &str, &str, Option<i64>)> = vec![
        ("iro-appoint", "2025-12-08", "overdue", Some(113)),
        ("visit-first", "2025-12-08", "overdue", Some(113)),
        ("rev-1", "2025-12-31", "met_late", Some(9)),
        ("health-iha", "2026-01-09", "overdue", Some(81)),
        ("rev-2", "2026-04-09", "upcoming", None),
    ];
    let duties = imported_childs_duties(&store, &url, "2026-03-31").await;
    for (rule, due, status, days) in &expected {
        let found: Vec<_> = duties.iter().filter(|d| d.0 == *rule).collect();
        assert_eq!(
            found,
            vec![&(rule.to_string(), due.to_string(), status.to_string(), *days)],
            "{rule} in {duties:#?}"
        );
    }
    assert!(duties.iter().all(|d| d.1.as_str() >= "2025-04-01"), "nothing due before 1 April 2025: {duties:#?}");

    // The day is the council's standard, in the audit trail with the import.
    let standards: Value = serde_json::from_str(&store.setting("practice_standards").await.unwrap().unwrap()).unwrap();
    assert_eq!(standards["assessed_from"], "2025-04-01");
    let audit = store.audit_range(0, 1000).await.unwrap();
    assert!(
        audit.iter().any(|a| a.detail.starts_with("Imported SSDA903 2025-26: 1 new children")
            && a.detail.contains("duties assessed from 2025-04-01, as asked (--assess-from)")),
        "{:#?}",
        audit.iter().map(|a| &a.detail).collect::<Vec<_>>()
    );
    // A later import asking for another day is refused; the same day changes nothing.
    let other = import(&token, &url, &["--assess-from", "2025-10-01"]);
    assert_eq!(other.status.code(), Some(1));
    assert!(text(&other.stderr).contains("already assess duties from 1 April 2025"), "{}", text(&other.stderr));
    let same = import(&token, &url, &["--assess-from", "2025-04-01"]);
    assert!(same.status.success(), "{}", text(&same.stderr));
    assert!(text(&same.stdout).contains("0 children's records created"), "{}", text(&same.stdout));

    // Without the option: assessed from the day of the import, so none of those duties is judged.
    let token2 = analyst(&url2).await;
    let done = import(&token2, &url2, &[]);
    assert!(done.status.success(), "{}{}", text(&done.stdout), text(&done.stderr));
    let store2 = default.store().await;
    let standards: Value = serde_json::from_str(&store2.setting("practice_standards").await.unwrap().unwrap()).unwrap();
    let import_day: NaiveDate = standards["assessed_from"].as_str().unwrap().parse().unwrap();
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    assert!(import_day >= yesterday, "assessed from the import day, not {import_day}");
    let said = text(&done.stdout);
    assert!(said.contains(&format!("careful assesses duties from {}", import_day.format("%-d %B %Y"))), "{said}");
    let duties = imported_childs_duties(&store2, &url2, "2026-03-31").await;
    for (rule, ..) in &expected {
        assert!(duties.iter().all(|d| d.0 != *rule), "{rule} judged before the import day: {duties:#?}");
    }
    assert!(duties.iter().all(|d| d.1 >= import_day.to_string()), "{duties:#?}");
}

on_both_engines!(the_first_import_works_out_again_the_duties_of_children_already_held);

/// A child recorded by hand before the first import was worked out with the catalogue's
/// default standards (assessed from 1 January 2015), so their duties from a year ago are on the
/// council's worklist; the first import sets the day to the import day, and the worklist (the
/// projection) drops them, as `careful duties --child` does.
async fn the_first_import_works_out_again_the_duties_of_children_already_held(engine: Engine) {
    use careful_app::record::Proposed;
    use careful_domain::codes::*;
    use careful_domain::record::*;

    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let accounts = crate::support::accounts::Accounts::new(&url).await;
    let admin = accounts.admin();
    let team = admin.add_team("Children looked after 7", "looked_after").await.unwrap();
    let since = Some(NaiveDate::from_ymd_opt(2020, 1, 6).unwrap());
    let sw = admin
        .add_worker("Nia Lloyd", careful_domain::organisation::WorkerRole::SocialWorker, team, false, None, since)
        .await
        .unwrap();
    let password = accounts.add("nia.lloyd", "social_worker", Some(sw), "").await;
    let nia = crate::support::accounts::signed_in(&accounts.app, "nia.lloyd", &password).await;
    let details = PersonalDetails {
        given_name: "Ada".into(),
        family_name: "Hale".into(),
        date_of_birth: Some(NaiveDate::from_ymd_opt(2013, 2, 3).unwrap()),
        expected_date_of_birth: None,
        sex: Sex::Female,
        ethnicity: Ethnicity::WhiteBritish,
        upn: None,
        upn_unknown: Some(UpnUnknown::IncompleteInformation),
        nhs_number: None,
        disabilities: vec![],
    };
    let day = NaiveDate::from_ymd_opt(2025, 11, 3).unwrap();
    let placement = Placement {
        placement_type: PlacementType::FosterOtherOther,
        provider: Some(PlacementProvider::OwnProvision),
        postcode: Some("EM1 4QT".parse().unwrap()),
        urn: None,
        carer: careful_domain::CarerId::from_random_bytes([7; 16]),
    };
    nia.register_child(vec![
        Proposed::new(ChildEvent::ChildRegistered { la_child_id: "EM0913001".parse().unwrap(), details }, day),
        Proposed::new(ChildEvent::WorkerAllocated { worker: sw, team, reason: None }, day),
        Proposed::new(
            ChildEvent::BecameLookedAfter {
                legal_status: LegalStatus::Section20SinglePeriod,
                placement,
                category_of_need: Need::AbuseOrNeglect,
                home_postcode: None,
                previous_permanence: None,
            },
            day,
        ),
    ])
    .await
    .unwrap();
    let token = accounts.token("test.analyst", "performance_analyst", None, "", &["returns", "read"]).await;
    accounts.app.close().await;
    let held = |out: std::process::Output| -> Vec<String> {
        assert!(out.status.success(), "{}", text(&out.stderr));
        let all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        all.iter().filter(|d| d["child"] == "EM0913001").map(|d| d["due"].as_str().unwrap().to_string()).collect()
    };
    // Looked after from 3 November 2025: the first visit was due on 10 November 2025 (7 days).
    let before = held(run_as(&token, &["duties", "--database", &url, "--format", "json"]));
    assert!(before.contains(&"2025-11-10".to_string()), "{before:?}");

    let dir = TempDir::new();
    let files = dir.path().join("903");
    hand_written_return(&files);
    let done = run_as(&token, &["import", "ssda903", &s(&files), "--year", YEAR, "--database", &url]);
    assert!(done.status.success(), "{}{}", text(&done.stdout), text(&done.stderr));
    assert!(text(&done.stdout).contains("Worked out again the duties of the 1 children"), "{}", text(&done.stdout));
    let store = db.store().await;
    let standards: Value = serde_json::from_str(&store.setting("practice_standards").await.unwrap().unwrap()).unwrap();
    let import_day = standards["assessed_from"].as_str().unwrap().to_string();
    let after = held(run_as(&token, &["duties", "--database", &url, "--format", "json"]));
    assert!(after.iter().all(|due| *due >= import_day), "due before {import_day}: {after:?}");
}
