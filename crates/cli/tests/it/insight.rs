//! `careful insight` on the real binary: every indicator, with its definition, numerator and
//! denominator, for a synthetic council, as a table, CSV and JSON; signed in and audited. The
//! arithmetic of each indicator is tested on hand-worked histories in `careful-insight`.

use crate::on_both_engines;
use crate::support::process::{run, run_as, text};
use crate::support::{Engine, TestDb};

on_both_engines!(a_councils_indicators_for_a_year);

async fn a_councils_indicators_for_a_year(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    crate::support::process::generate(&url, 8000, 3, 3);
    let token = crate::returns::analyst(&url).await;
    let insight = |extra: &[&str]| {
        let mut args = vec!["insight", "--database", url.as_str(), "--year", "2025-26"];
        args.extend_from_slice(extra);
        let out = run_as(&token, &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };

    let all: serde_json::Value = serde_json::from_str(&insight(&["--population", "8000", "--format", "json"])).unwrap();
    let json = all["indicators"].as_array().unwrap();
    let overdue = all["overdue_by_rule"].as_object().unwrap();
    assert!(overdue.values().all(|n| n.as_u64().unwrap() > 0), "{overdue:?}");
    let codes: Vec<&str> = json.iter().map(|i| i["code"].as_str().unwrap()).collect();
    for code in [
        "looked_after_rate",
        "in_need_rate",
        "protection_plan_rate",
        "referral_rate",
        "re_referrals_12_months",
        "assessments_45_working_days",
        "conferences_15_working_days",
        "repeat_protection_plans",
        "protection_plans_two_years",
        "three_placements",
        "long_term_stability",
        "went_missing",
        "reviews_on_time",
        "visits_on_time",
        "care_leavers_eet",
        "care_leavers_suitable_accommodation",
        "caseload",
        "social_worker_changes",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    for i in json {
        let (n, of) = (i["numerator"].as_u64().unwrap(), i["denominator"].as_u64().unwrap());
        assert!(n <= of || i["unit"] == "average", "{i}");
        assert!(!i["definition"].as_str().unwrap().is_empty());
        assert_eq!((i["from"].as_str(), i["to"].as_str()), (Some("2025-04-01"), Some("2026-03-31")));
        if i["unit"] == "percent" && of > 0 {
            let value = i["value"].as_f64().unwrap();
            assert!((value - n as f64 * 100.0 / of as f64).abs() < 1e-9, "{i}");
        }
    }
    let looked_after = json.iter().find(|i| i["code"] == "looked_after_rate").unwrap();
    assert!(looked_after["numerator"].as_u64().unwrap() > 10, "{looked_after}");
    assert_eq!(looked_after["denominator"], 8000);

    // Without --population the rates are left out, and the table says why.
    let table = insight(&[]);
    assert!(table.contains("Assessments completed within 45 working days"), "{table}");
    assert!(!table.contains("Children looked after, per 10,000"), "{table}");
    assert!(table.contains("Rates per 10,000 children need --population"), "{table}");
    let csv = insight(&["--format", "csv"]);
    assert!(csv.starts_with("code,name,value,unit,numerator,denominator,polarity,definition,from,to\n"), "{csv}");
    assert!(!csv.contains("looked_after_rate"), "{csv}");

    // Signed in only, and audited.
    let anonymous = run(&["insight", "--database", &url, "--year", "2025-26"]);
    assert!(!anonymous.status.success());
    let store = db.store().await;
    let audit = store.audit_range(0, 100_000).await.unwrap();
    assert!(audit.iter().any(|e| e.detail.contains("Computed the council's indicators from 2025-04-01 to 2026-03-31")));
}

on_both_engines!(each_teams_and_workers_part_for_those_who_may_see_it);

/// Each team's and worker's part: no more than the council's counts, every child on a
/// caseload counted once, and only the parts the person may see.
async fn each_teams_and_workers_part_for_those_who_may_see_it(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    crate::support::process::generate(&url, 4000, 2, 5);
    let token = crate::returns::analyst(&url).await;
    let json = |token: &str, extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["insight", "--database", url.as_str(), "--year", "2025-26", "--format", "json"];
        args.extend_from_slice(extra);
        let out = run_as(token, &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_str(&text(&out.stdout)).unwrap()
    };
    let council = json(&token, &[]);
    let count = |all: &serde_json::Value, code: &str| -> (u64, u64) {
        let i = all["indicators"].as_array().unwrap().iter().find(|i| i["code"] == code).unwrap();
        (i["numerator"].as_u64().unwrap(), i["denominator"].as_u64().unwrap())
    };
    let teams = json(&token, &["--by", "team"]);
    let teams = teams["teams"].as_array().unwrap();
    assert!(teams.len() >= 2, "{teams:?}");
    let workers = json(&token, &["--by", "worker"]);
    let workers = workers["workers"].as_array().unwrap();
    assert!(workers.len() > teams.len());
    for parts in [teams, workers] {
        for code in ["assessments_45_working_days", "visits_on_time", "reviews_on_time", "re_referrals_12_months"] {
            let (mut n, mut of) = (0, 0);
            for p in parts.iter() {
                let i = p["indicators"].as_array().unwrap().iter().find(|i| i["code"] == code).unwrap();
                n += i["numerator"].as_u64().unwrap();
                of += i["denominator"].as_u64().unwrap();
            }
            let (council_n, council_of) = count(&council, code);
            assert!(n <= council_n && of <= council_of && of > 0, "{code}: {n}/{of} against {council_n}/{council_of}");
        }
        // Every child on a caseload at the end of the year is on exactly one worker's and team's.
        let allocated: u64 = parts
            .iter()
            .map(|p| {
                let i = p["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "caseload").unwrap();
                i["numerator"].as_u64().unwrap()
            })
            .sum();
        assert_eq!(allocated, count(&council, "caseload").0);
        assert!(parts.iter().all(|p| p["indicators"].as_array().unwrap().iter().all(|i| i["unit"] != "per_10000")));
    }

    // A social worker sees their own part and their own team's, nobody else's.
    let accounts = crate::support::accounts::Accounts::new(&url).await;
    let store = db.store().await;
    let worker = store
        .workers()
        .await
        .unwrap()
        .into_iter()
        .find(|w| workers.iter().any(|p| p["id"] == w.id.to_string()))
        .unwrap();
    let own = accounts.token("test.worker", "social_worker", Some(worker.id), "", &["read"]).await;
    let mine = json(&own, &["--by", "worker"]);
    let mine = mine["workers"].as_array().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["id"], worker.id.to_string());
    let my_team = json(&own, &["--by", "team"]);
    let my_team = my_team["teams"].as_array().unwrap();
    assert_eq!(my_team.len(), 1);
    assert_eq!(my_team[0]["id"], worker.team.to_string());
    let table = run_as(&own, &["insight", "--database", &url, "--year", "2025-26", "--by", "worker"]);
    assert!(text(&table.stdout).contains(&worker.name), "{}", text(&table.stdout));

    // A scrutiny member sees the council's figures but no team's or worker's.
    let scrutiny = accounts.token("test.scrutiny", "scrutiny", None, "", &["read"]).await;
    let refused = run_as(&scrutiny, &["insight", "--database", &url, "--year", "2025-26", "--by", "worker"]);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("no team or worker whose figures you may see"), "{}", text(&refused.stderr));
    accounts.app.close().await;
}

on_both_engines!(the_scrutiny_report_holds_no_identifying_data);

/// The scrutiny report for a synthetic council, as a councillor fetches it: no child's name,
/// ID, UPN or date of birth, no link to a record, and no count from 1 to 4 in any cell.
async fn the_scrutiny_report_holds_no_identifying_data(engine: Engine) {
    use careful_domain::record::{Entry, fold};
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    crate::support::process::generate(&url, 4000, 2, 7);
    let accounts = crate::support::accounts::Accounts::new(&url).await;
    let councillor = accounts.token("test.councillor", "scrutiny", None, "", &["read"]).await;
    accounts.app.close().await;
    let careful = crate::support::process::Careful::serve(&url);
    let response = crate::support::process::get_as(&councillor, &careful.url("/insight/scrutiny?year=2025-26")).await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("IRO concerns and escalations"), "{page}");

    // Every count and "of" cell: empty, c, 0, or 5 and more; percentages end in %.
    let mut cells = 0;
    for cell in page.split("govuk-table__cell--numeric\">").skip(1) {
        let value = cell.split("</td>").next().unwrap().trim();
        cells += 1;
        if value.is_empty() || value == "c" || value.ends_with('%') {
            continue;
        }
        let n: u64 = value.parse().unwrap_or_else(|_| panic!("{value:?} is not a count"));
        assert!(n == 0 || n >= 5, "a count of {n} is published");
    }
    assert!(cells > 40, "{cells} cells");
    assert!(page.contains(">c</td>"), "a synthetic council of 4,000 children has some small counts to hide");

    // Nothing that identifies a child.
    assert!(!page.contains("/children/"));
    let store = db.store().await;
    for child in store.child_ids().await.unwrap() {
        let events = store.read_stream(child).await.unwrap();
        let entries: Vec<Entry> = events.iter().map(|e| Entry::from_recorded(e).unwrap()).collect();
        let record = fold(&entries).unwrap();
        let d = &record.details;
        let name = format!("{} {}", d.given_name, d.family_name);
        assert!(!page.contains(&name), "{name} is in the report");
        assert!(!page.contains(record.la_child_id.as_str()), "{} is in the report", record.la_child_id.as_str());
        assert!(!page.contains(&child.to_string()));
        if let Some(upn) = &d.upn {
            assert!(!page.contains(upn.as_str()));
        }
        if let Some(dob) = record.date_of_birth() {
            assert!(!page.contains(&dob.to_string()));
        }
    }
    assert!(careful.terminate());

    // The same report on the command line, as CSV: the same suppression.
    let out =
        run_as(&councillor, &["insight", "--database", &url, "--year", "2025-26", "--scrutiny", "--format", "csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    assert!(csv.starts_with("section,measure,count,of,percent,from,to\n"), "{csv}");
    for line in csv.lines().skip(1) {
        let fields: Vec<&str> = line.rsplitn(6, ',').collect();
        for value in [fields[4], fields[3]] {
            if let Ok(n) = value.parse::<u64>() {
                assert!(n == 0 || n >= 5, "{line}");
            }
        }
    }
    assert!(csv.contains("Looked-after reviews held on time"), "{csv}");
}
