//! `careful forecast` on the real binary: the demand and cost forecast and its back-test from a
//! synthetic council's record on both engines, and from SSDA903 files; signed in, refused
//! without figures access, and audited. The model's arithmetic is tested on hand-worked cases
//! in `careful-insight`.

use chrono::{Days, NaiveDate};

use crate::on_both_engines;
use crate::support::accounts::Accounts;
use crate::support::process::{run, run_as, text};
use crate::support::{Engine, TempDir, TestDb};

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)))
}

on_both_engines!(a_councils_forecast_and_back_test);

async fn a_councils_forecast_and_back_test(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    crate::support::process::generate(&url, 8000, 3, 3);
    let token = crate::returns::analyst(&url).await;
    let forecast = |extra: &[&str]| {
        let mut args = vec!["forecast", "--database", url.as_str(), "--days", "60", "--draws", "100"];
        args.extend_from_slice(extra);
        run_as(&token, &args)
    };

    let base = json(&forecast(&["--format", "json"]));
    // The data runs to the last day the record shows something happening: the council's last
    // days; the reference window is the 365 days to it, and the forecast starts the day after.
    let day = |v: &serde_json::Value| NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap();
    let data_end = day(&base["data_end"]);
    assert!(data_end > d("2026-03-20") && data_end <= d("2026-03-31"), "{base}");
    assert_eq!(day(&base["reference_to"]), data_end);
    assert_eq!(day(&base["reference_from"]), data_end - Days::new(364));
    let start = data_end + Days::new(1);
    assert_eq!(day(&base["start"]), start);
    let points = base["points"].as_array().unwrap();
    // Weekly for 60 days: 8 weeks, then day 60.
    assert_eq!(points.len(), 9);
    assert_eq!(day(&points[0]["date"]), start + Days::new(6));
    assert_eq!(day(&points[8]["date"]), start + Days::new(59));
    let initial = base["initial_total"].as_u64().unwrap();
    assert!(initial > 10, "{base}");
    for p in points {
        let total = &p["total"];
        let (low, high) = (total["low"].as_f64().unwrap(), total["high"].as_f64().unwrap());
        assert!(low <= high && high > 0.0, "{p}");
        let categories: f64 =
            p["categories"].as_object().unwrap().values().map(|b| b["expected"].as_f64().unwrap()).sum();
        assert!((categories - total["expected"].as_f64().unwrap()).abs() < 0.1, "{p}");
    }
    let rates = base["rates"].as_array().unwrap();
    assert_eq!(rates.len(), 25);
    assert!(rates.iter().any(|r| r["exposure_child_days"].as_u64().unwrap() > 0));
    let costs = base["costs"].as_array().unwrap();
    let residential = costs.iter().find(|c| c["category"] == "residential").unwrap();
    assert_eq!(residential["weekly_cost"], 3000.0);
    assert!(residential["source"].as_str().unwrap().contains("§3.6"));

    // A scenario with half the entries forecasts fewer children than the base.
    let fewer = json(&forecast(&["--format", "json", "--entry-rate-change", "-50"]));
    let last = |v: &serde_json::Value| v["points"][8]["total"]["expected"].as_f64().unwrap();
    assert!(last(&fewer) < last(&base), "{} vs {}", last(&fewer), last(&base));

    // The same seed, the same interval.
    let again = json(&forecast(&["--format", "json"]));
    assert_eq!(again["points"], base["points"]);

    // The table shows the rates, the window and the costs' sources; csv every week and state.
    let table = text(&forecast(&[]).stdout);
    let window = format!("Rates from the reference window {} to {}", data_end - Days::new(364), data_end);
    assert!(table.contains(&window), "{table}");
    assert!(table.contains("DfE answer to a parliamentary question"), "{table}");
    let csv = text(&forecast(&["--format", "csv"]).stdout);
    assert!(csv.starts_with("date,kind,name,expected,low,high\n"), "{csv}");
    assert!(csv.contains(&format!("{},state,10-15 residential,", start + Days::new(6))), "{csv}");

    // The back-test: the last year held back, fitted on the year before.
    let bt = json(&run_as(
        &token,
        &["forecast", "--database", &url, "--backtest", "--years", "1", "--draws", "100", "--format", "json"],
    ));
    let years = bt["years"].as_array().unwrap();
    assert_eq!(years.len(), 1);
    // The last collection year the data covers whole.
    let held = if data_end == d("2026-03-31") { ("2025-04-01", "2026-03-31") } else { ("2024-04-01", "2025-03-31") };
    assert_eq!((years[0]["start"].as_str(), years[0]["end"].as_str()), (Some(held.0), Some(held.1)));
    assert_eq!(years[0]["weeks"], 53);
    let coverage = bt["total_coverage"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&coverage), "{bt}");
    let table =
        text(&run_as(&token, &["forecast", "--database", &url, "--backtest", "--years", "1", "--draws", "50"]).stdout);
    assert!(table.contains("Coverage of the 95% interval"), "{table}");

    // Audited.
    let store = db.store().await;
    let audit = store.audit_range(0, 100_000).await.unwrap();
    assert!(
        audit.iter().any(|e| e.detail.contains(&format!("Forecast children looked after for 60 days from {start}"))),
        "no audit entry"
    );
    assert!(audit.iter().any(|e| e.detail.contains("Back-tested the forecast")), "no audit entry");
}

on_both_engines!(the_forecast_needs_figures_access);

async fn the_forecast_needs_figures_access(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let out = run(&["generate", "--population", "2000", "--end", "2026-03-31", "--seed", "5", "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Nobody signed in.
    let anonymous = run(&["forecast", "--database", &url, "--days", "7", "--draws", "10"]);
    assert!(!anonymous.status.success());
    // A token for returns only may not see the council's figures.
    let accounts = Accounts::new(&url).await;
    let returns_only = accounts.token("test.returns", "performance_analyst", None, "", &["returns"]).await;
    accounts.app.close().await;
    let refused = run_as(&returns_only, &["forecast", "--database", &url, "--days", "7", "--draws", "10"]);
    assert!(!refused.status.success());
    let said = text(&refused.stderr);
    assert!(said.contains("see the council's figures"), "{said}");
    assert!(refused.stdout.is_empty());
}

const HEADER: &str = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n";
const EPISODES: &str =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";

#[test]
fn a_forecast_from_ssda903_files_and_their_errors() {
    let dir = TempDir::new();
    let header = dir.path().join("header.csv");
    let episodes = dir.path().join("episodes.csv");
    // Two children: one in foster care all year, one in a children's home who leaves in March.
    std::fs::write(&header, format!("{HEADER}1,1,01/05/2012,WBRI,,,\n2,2,03/02/2010,WBRI,,,\n")).unwrap();
    std::fs::write(
        &episodes,
        format!("{EPISODES}1,01/01/2024,S,C2,N1,U4,PR1,,,,,,\n2,01/06/2024,S,C2,N1,K2,PR4,20/03/2025,E13,,,,\n"),
    )
    .unwrap();
    let (h, e) = (header.to_string_lossy().to_string(), episodes.to_string_lossy().to_string());
    let out = run(&["forecast", "--ssda903", &h, &e, "--days", "14", "--draws", "20", "--format", "json"]);
    let f = json(&out);
    // The files' latest date (20 March 2025) is in 2024-25: the data ends on 31 March 2025.
    assert_eq!(f["data_end"], "2025-03-31", "{f}");
    assert_eq!(f["source"], "SSDA903 files");
    assert_eq!(f["initial_total"], 1);
    // The child in foster care, 12 on 31 March 2025, stays: no leaving was seen in fostering.
    let points = f["points"].as_array().unwrap();
    assert_eq!(points[1]["states"]["10-15 fostering"]["expected"], 1.0);
    // Week 1's cost: £600 for the foster child, and residential entrants at 1 in 365 days
    // (one entry in the year), each leaving with a daily chance of 1 in 292 (one leaving in
    // 292 child-days): expected residential stock on day t is (1/365) × Σ_{k<t} (1 − 1/292)^k,
    // summing to 0.07619 child-days-per-day over days 1 to 7, at £3,000 / 7 a day: £32.65.
    let week1 = points[0]["cost"]["expected"].as_f64().unwrap();
    assert!((week1 - 632.65).abs() < 0.05, "{week1}");

    // A date that is not one names the file, line and column.
    std::fs::write(&episodes, format!("{EPISODES}1,31/02/2024,S,C2,N1,U4,PR1,,,,,,\n")).unwrap();
    let out = run(&["forecast", "--ssda903", &h, &e]);
    assert!(!out.status.success());
    let said = text(&out.stderr);
    assert!(said.contains("episodes.csv, line 2, column DECOM"), "{said}");
    // A child with no Header row.
    std::fs::write(&episodes, format!("{EPISODES}9,01/01/2024,S,C2,N1,U4,PR1,,,,,,\n")).unwrap();
    let said = text(&run(&["forecast", "--ssda903", &h, &e]).stderr);
    assert!(said.contains("child 9 has no Header row"), "{said}");
    // A costs file with a bad figure.
    std::fs::write(&episodes, format!("{EPISODES}1,01/01/2024,S,C2,N1,U4,PR1,,,,,,\n")).unwrap();
    let costs = dir.path().join("costs.csv");
    std::fs::write(&costs, "category,weekly_cost\nresidential,a lot\n").unwrap();
    let c = costs.to_string_lossy().to_string();
    let said = text(&run(&["forecast", "--ssda903", &h, &e, "--costs", &c]).stderr);
    assert!(said.contains("costs.csv, line 2, field weekly_cost"), "{said}");
    // A percentage out of range.
    let said = text(&run(&["forecast", "--ssda903", &h, &e, "--step-down", "150"]).stderr);
    assert!(said.contains("--step-down is a percentage from 0 to 100"), "{said}");
}

#[test]
fn every_flag_has_help() {
    let out = run(&["forecast", "--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for flag in [
        "--database",
        "--ssda903",
        "--reference-from",
        "--reference-to",
        "--start",
        "--days",
        "--draws",
        "--seed",
        "--entry-rate-change",
        "--step-down",
        "--kinship",
        "--costs",
        "--age-bands",
        "--backtest",
        "--format",
    ] {
        assert!(help.contains(flag), "{flag} missing from {help}");
    }
}

#[test]
fn a_back_test_from_two_years_of_ssda903_files() {
    let dir = TempDir::new();
    let mut files = Vec::new();
    for year in ["2024-25", "2025-26"] {
        let out_dir = dir.path().join(year);
        let o = out_dir.to_string_lossy().to_string();
        let out = run(&[
            "generate",
            "--population",
            "4000",
            "--years",
            "3",
            "--end",
            "2026-03-31",
            "--seed",
            "3",
            "--ssda903",
            &o,
            "--year",
            year,
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        for table in ["Header.csv", "Episodes.csv"] {
            files.push(out_dir.join(table).to_string_lossy().to_string());
        }
    }
    let mut args = vec!["forecast", "--backtest", "--years", "1", "--draws", "50", "--format", "json", "--ssda903"];
    args.extend(files.iter().map(String::as_str));
    let bt = json(&run(&args));
    assert_eq!(bt["data_end"], "2026-03-31", "{bt}");
    let years = bt["years"].as_array().unwrap();
    // 2025-26 held back, fitted on 2024-25 (from the first year's files).
    assert_eq!((years[0]["start"].as_str(), years[0]["end"].as_str()), (Some("2025-04-01"), Some("2026-03-31")));
    assert_eq!(
        (years[0]["reference_from"].as_str(), years[0]["reference_to"].as_str()),
        (Some("2024-04-01"), Some("2025-03-31"))
    );
    assert!(years[0]["actual_total_at_end"].as_u64().unwrap() > 0, "{bt}");
}

#[test]
fn the_forecast_benchmark_runs() {
    let out = run(&["bench", "forecast", "--population", "2000", "--runs", "2", "--draws", "10", "--days", "30"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("30-day forecast with 10 draws"), "{said}");
}
