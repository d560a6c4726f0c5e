//! `careful benchmarks` on the real binary: published figures imported from a small synthetic
//! file in DfE's explore-education-statistics layout (real local authority codes and names,
//! made-up figures), imported again without duplicates, statistical neighbours set, the
//! comparison printed as JSON, CSV and a table; a bad file refused with its row and column and
//! nothing stored; and the import refused to a role without the right. The arithmetic of rank,
//! quartile and the neighbours' average is tested by hand in `careful-insight`.

use crate::on_both_engines;
use crate::support::process::{run, run_as, text};
use crate::support::{Engine, TempDir, TestDb};

/// Made-up figures for 2024-25: England, the North West, Blackpool (the council), three of its
/// neighbours (one suppressed) and Camden, with a column careful does not read.
const FIGURES: &str = "\
time_period,time_identifier,geographic_level,country_code,country_name,region_name,la_name,new_la_code,re_referrals_12_months,assessments_45_working_days,median_referral_days,source
202425,Financial year,National,E92000001,England,,,,20.5,x,30,Made-up national release
202425,Financial year,Regional,E92000001,England,North West,,,21.5,80.0,31,
202425,Financial year,Local authority,E92000001,England,North West,Blackpool,E06000009,99.0,50.0,40,
202425,Financial year,Local authority,E92000001,England,North West,Blackburn with Darwen,E06000008,10.0,90.0,20,
202425,Financial year,Local authority,E92000001,England,North West,Bolton,E08000001,30.0,70.0,22,
202425,Financial year,Local authority,E92000001,England,North West,Halton,E06000006,c,c,c,
202425,Financial year,Local authority,E92000001,England,London,Camden,E09000007,40.0,95.0,25,
";

/// The same layout with two mistakes: a figure that is not a number (row 3) and a local
/// authority row without its code (row 4).
const BAD: &str = "\
time_period,geographic_level,region_name,la_name,new_la_code,re_referrals_12_months,assessments_45_working_days
202425,National,,,,20.0,80.0
202425,Local authority,North West,Bolton,E08000001,30.0,seventy
202425,Local authority,North West,Bury,,12.0,60.0
";

on_both_engines!(published_figures_imported_and_compared);

async fn published_figures_imported_and_compared(engine: Engine) {
    let Some(db) = TestDb::new(engine) else { return };
    let url = db.url_string();
    let out = run(&[
        "generate",
        "--population",
        "4000",
        "--years",
        "3",
        "--end",
        "2025-03-31",
        "--seed",
        "5",
        "--database",
        &url,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let analyst = crate::returns::analyst(&url).await;
    let dir = TempDir::new();
    let file = dir.path().join("nw-figures.csv");
    std::fs::write(&file, FIGURES).unwrap();
    let file = file.to_string_lossy().into_owned();
    let store = db.store().await;

    // Imported: 7 rows of 2 measures, less England's "x"... kept as a symbol: 14 figures.
    let out = run_as(&analyst, &["benchmarks", "import", &file, "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("Imported 14 figures (3 of them suppressed or not available) from 7 rows"), "{said}");
    assert!(said.contains("Measures read: re_referrals_12_months, assessments_45_working_days."), "{said}");
    assert!(said.contains("Columns not read (no measure careful computes): median_referral_days."), "{said}");
    assert_eq!(store.benchmark_figures().await.unwrap().len(), 14);

    // Again: the same rows, replaced, not added.
    let out = run_as(&analyst, &["benchmarks", "import", &file, "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Replaced the 14 figures the same file brought before."));
    let stored = store.benchmark_figures().await.unwrap();
    assert_eq!(stored.len(), 14);
    let halton = stored.iter().find(|r| r.area == "E06000006" && r.measure == "re_referrals_12_months").unwrap();
    assert_eq!((halton.value, halton.symbol.as_deref()), (None, Some("c")));
    assert!(stored.iter().all(|r| r.file == "nw-figures.csv"));

    // A bad file is refused with its rows and columns, and nothing is stored: not under its
    // own name, and the earlier file's figures are untouched.
    let bad = dir.path().join("nw-figures-bad.csv");
    std::fs::write(&bad, BAD).unwrap();
    let out = run_as(&analyst, &["benchmarks", "import", &bad.to_string_lossy(), "--database", &url]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("nothing was stored"), "{err}");
    assert!(
        err.contains("nw-figures-bad.csv, row 3, column assessments_45_working_days: \"seventy\" is not a number"),
        "{err}"
    );
    assert!(err.contains("nw-figures-bad.csv, row 4, column new_la_code: a local authority row needs its new_la_code"));
    assert_eq!(store.benchmark_figures().await.unwrap(), stored);
    // A file with no column careful reads is refused, saying which columns it has.
    let none = dir.path().join("workforce.csv");
    std::fs::write(
        &none,
        "time_period,geographic_level,region_name,la_name,new_la_code,turnover_rate\n2024,National,,,,15.9\n",
    )
    .unwrap();
    let out = run_as(&analyst, &["benchmarks", "import", &none.to_string_lossy(), "--database", &url]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("workforce.csv, row 1: no column names a measure careful computes"), "{err}");
    assert!(err.contains("columns not read: turnover_rate"), "{err}");
    assert_eq!(store.benchmark_figures().await.unwrap(), stored);

    // The council and its neighbours; a code careful does not know is refused.
    let out =
        run_as(&analyst, &["benchmarks", "neighbours", "--database", &url, "--council", "E06000009", "E99999999"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("\"E99999999\" is not an English local authority careful knows"));
    let out = run_as(
        &analyst,
        &["benchmarks", "neighbours", "--database", &url, "--council", "890", "E06000008", "E08000001", "E06000006"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout)
            .contains("The council is E06000009; its statistical neighbours are E06000008, E08000001, E06000006.")
    );

    // The comparison for 2024-25.
    let show = |extra: &[&str]| {
        let mut args = vec!["benchmarks", "--database", url.as_str(), "--year", "2024-25"];
        args.extend_from_slice(extra);
        let out = run_as(&analyst, &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let json: serde_json::Value = serde_json::from_str(&show(&["--format", "json"])).unwrap();
    assert_eq!(json["council"], "E06000009");
    let rows = json["benchmarks"].as_array().unwrap();
    let row = |code: &str| rows.iter().find(|r| r["code"] == code).unwrap_or_else(|| panic!("no {code}"));
    let re = row("re_referrals_12_months");
    assert_eq!(re["period"], "2024-25");
    // England's imported figure replaces the one careful ships for the same year.
    assert_eq!(re["england"]["value"], 20.5);
    assert_eq!(re["england"]["source"], "Made-up national release");
    assert_eq!(re["region_name"], "North West");
    assert_eq!(re["region"]["value"], 21.5);
    assert_eq!(re["region"]["source"], "nw-figures.csv");
    // Neighbours 10 and 30 (Halton's is suppressed): 20.
    assert_eq!(re["neighbours_average"], 20.0);
    assert_eq!((re["neighbours_with_figure"].as_u64(), re["neighbours"].as_u64()), (Some(2), Some(3)));
    // Ranked among Blackburn with Darwen (10), Bolton (30), Camden (40) and the council, by
    // careful's own figure (Blackpool's published 99 is not used): lower is better.
    let own = re["value"].as_f64().expect("the synthetic council has referrals in 2024-25");
    let ahead = [10.0, 30.0, 40.0].iter().filter(|&&o| o < own).count() as u64;
    assert_eq!((re["rank"].as_u64(), re["of"].as_u64()), (Some(ahead + 1), Some(4)), "{re}");
    assert_eq!(re["quartile"].as_u64(), Some(ahead + 1), "of 4, each rank is its own quarter");
    // England's "x" is kept as a symbol, not a number.
    let assess = row("assessments_45_working_days");
    assert_eq!(assess["england"]["symbol"], "x");
    assert_eq!(assess["england"]["value"], serde_json::Value::Null);
    assert_eq!(assess["neighbours_average"], 80.0);
    // A figure careful ships, for the same year: England's initial conferences within 15 days.
    let icpc = row("conferences_15_working_days");
    assert_eq!(icpc["england"]["value"], 81.4);
    assert!(icpc["england"]["source"].as_str().unwrap().contains("C4"), "{icpc}");
    assert_eq!((icpc["rank"].clone(), icpc["of"].as_u64()), (serde_json::Value::Null, Some(0)));
    // Without --population there are no rates.
    assert!(rows.iter().all(|r| r["unit"] != "per_10000"));
    assert!(rows.iter().any(|r| r["code"] == "caseload"));

    let table = show(&[]);
    assert!(table.contains("beside the latest published figures up to 2024-25"), "{table}");
    assert!(table.contains("The council is E06000009, in North West; 3 statistical neighbours."), "{table}");
    assert!(table.contains("Re-referrals within 12 months"), "{table}");
    assert!(table.contains("Made-up national release"), "{table}");
    let csv = show(&["--format", "csv", "--population", "4000"]);
    assert!(csv.starts_with("code,name,unit,polarity,value,"), "{csv}");
    assert!(csv.contains("looked_after_rate,"), "{csv}");
    assert!(
        csv.lines().any(|l| l.starts_with("re_referrals_12_months,") && l.contains(",20.5,North West,21.5,20.0,2,3,"))
    );

    // A scrutiny member sees the comparison, but may not import or set neighbours.
    let accounts = crate::support::accounts::Accounts::new(&url).await;
    let scrutiny = accounts.token("test.scrutiny", "scrutiny", None, "", &["read", "returns"]).await;
    accounts.app.close().await;
    let out = run_as(&scrutiny, &["benchmarks", "import", &file, "--database", &url]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("you cannot import published figures"), "{err}");
    assert!(err.contains("only performance analysts and administrators"), "{err}");
    let out = run_as(&scrutiny, &["benchmarks", "neighbours", "--database", &url, "E06000008"]);
    assert!(!out.status.success());
    let out = run_as(&scrutiny, &["benchmarks", "--database", &url, "--year", "2024-25"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Without signing in, nothing.
    assert!(!run(&["benchmarks", "--database", &url, "--year", "2024-25"]).status.success());

    // Audited: the imports, the neighbours, the comparisons and the refusal.
    let audit = store.audit_range(0, 100_000).await.unwrap();
    let has = |text: &str| audit.iter().any(|e| e.detail.contains(text));
    assert!(has("Imported 14 published figures (3 suppressed) for 2024-25 from nw-figures.csv, replacing 14"));
    assert!(has(
        "Set the council's code to E06000009 and its statistical neighbours to E06000008, E08000001, E06000006"
    ));
    assert!(has(
        "Compared the council's indicators from 2024-04-01 to 2025-03-31 with the published figures for 2024-25"
    ));
    assert!(audit.iter().any(|e| e.action == "benchmarks.manage" && e.outcome == "denied"), "no refusal audited");
}
