//! The EES reader on small synthetic files, and rank, quartile and the comparison worked out by
//! hand. Every figure here is made up.

use super::*;
use crate::indicators::Unit;

fn year(text: &str) -> CollectionYear {
    text.parse().unwrap()
}

const HEADER: &str = "time_period,time_identifier,geographic_level,country_code,region_name,la_name,new_la_code";

/// A small file: England, one region, three authorities, two measures and a column careful
/// does not know.
fn good_file() -> String {
    [
        &format!("{HEADER},re_referrals_12_months,assessments_45_working_days,median_days,source"),
        "202425,Financial year,National,E92000001,,,,21.0,80.0,30,Made-up release",
        "202425,Financial year,Regional,E92000001,North West,,,24.5,c,31,",
        "202425,Financial year,Local authority,E92000001,North West,Blackpool,E06000009,30.0,75.5,33,",
        "202425,Financial year,Local authority,E92000001,North West,Wigan,E08000010,c,x,20,",
        "2024-25,Financial year,Local authority,E92000001,London,Camden,E09000007,18.25,,19,",
        "",
    ]
    .join("\n")
}

#[test]
fn a_good_file_is_read_with_its_symbols_and_unknown_columns() {
    let file = read_ees("figures.csv", good_file().as_bytes(), "figures.csv").unwrap();
    assert_eq!(file.rows, 5);
    assert_eq!(file.measures, vec!["re_referrals_12_months", "assessments_45_working_days"]);
    assert_eq!(file.not_read, vec!["median_days".to_string()]);
    // Five rows, two measures, one empty cell (Camden's assessments): nine figures.
    assert_eq!(file.figures.len(), 9);
    let england = &file.figures[0];
    assert_eq!(england.geography, Geography::England);
    assert_eq!(england.period, year("2024-25"));
    assert_eq!(england.value, Published::Value(21.0));
    assert_eq!(england.source, "Made-up release");
    // No source column value: the default (the file's name).
    let region = &file.figures[2];
    assert_eq!(region.geography, Geography::Region("North West".into()));
    assert_eq!(region.source, "figures.csv");
    assert_eq!(file.figures[3].value, Published::Suppressed(Suppressed::Confidential));
    let wigan: Vec<_> = file.figures.iter().filter(|f| f.geography.key() == "E08000010").collect();
    assert_eq!(wigan[0].value, Published::Suppressed(Suppressed::Confidential));
    assert_eq!(wigan[1].value, Published::Suppressed(Suppressed::NotAvailable));
    let camden = file.figures.iter().find(|f| f.geography.key() == "E09000007").unwrap();
    assert_eq!(camden.value, Published::Value(18.25));
    assert_eq!(
        camden.geography,
        Geography::LocalAuthority { code: "E09000007".into(), name: "Camden".into(), region: "London".into() }
    );
}

#[test]
fn every_symbol_ees_uses_is_read() {
    for (symbol, meaning) in [
        ("c", Suppressed::Confidential),
        ("x", Suppressed::NotAvailable),
        ("z", Suppressed::NotApplicable),
        ("low", Suppressed::Low),
        ("k", Suppressed::BelowHalfPercent),
        ("u", Suppressed::LowReliability),
        ("C", Suppressed::Confidential),
    ] {
        let text = format!(
            "time_period,geographic_level,region_name,la_name,new_la_code,three_placements\n2025,Local authority,South East,Kent,E10000016,{symbol}\n"
        );
        let file = read_ees("f.csv", text.as_bytes(), "f.csv").unwrap();
        assert_eq!(file.figures[0].value, Published::Suppressed(meaning), "{symbol}");
        // A single year is the year ending 31 March.
        assert_eq!(file.figures[0].period, year("2024-25"));
    }
}

#[test]
fn time_periods_as_ees_writes_them() {
    assert_eq!(parse_time_period("202425"), Some(year("2024-25")));
    assert_eq!(parse_time_period("2024-25"), Some(year("2024-25")));
    assert_eq!(parse_time_period("2024/25"), Some(year("2024-25")));
    assert_eq!(parse_time_period("2025"), Some(year("2024-25")));
    assert_eq!(parse_time_period("199900"), None);
    assert_eq!(parse_time_period("202426"), None);
    assert_eq!(parse_time_period("2024 Q1"), None);
    assert_eq!(parse_time_period(""), None);
    assert_eq!(ees_time_period(year("2024-25")), "202425");
}

fn errors_of(text: &str) -> Vec<ReadError> {
    read_ees("bad.csv", text.as_bytes(), "bad.csv").unwrap_err()
}

#[test]
fn a_missing_required_column_is_named() {
    let errors = errors_of("time_period,geographic_level,region_name,la_name,three_placements\n2025,National,,,10\n");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].row, Some(1));
    assert_eq!(errors[0].column.as_deref(), Some("new_la_code"));
    assert!(errors[0].rule.contains("no new_la_code column"), "{}", errors[0]);
    assert!(errors[0].to_string().starts_with("bad.csv, row 1, column new_la_code: the header has no new_la_code"));
}

#[test]
fn each_bad_cell_is_named_by_row_column_and_rule() {
    let text = [
        "time_period,geographic_level,region_name,la_name,new_la_code,three_placements,long_term_stability",
        "2024-26,National,,,,10,68",
        "202425,Local authority,London,Camden,,10,68",
        "202425,Local authority,London,Camden,318,10,68",
        "202425,Regional,,,,10,68",
        "202425,Ward,London,,,10,68",
        "202425,National,,,,ten,",
        "202425,National,,,,10,68",
        "202425,National,,,,11,",
        "202425,Local authority,London,Camden,E09000007,10,",
        "202425,Local authority,London,Camden (London Borough),E09000007,10,",
        "202425,National,,,",
    ]
    .join("\n");
    let errors = errors_of(&text);
    let found: Vec<(Option<usize>, Option<&str>)> = errors.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(
        found,
        vec![
            (Some(2), Some("time_period")),
            (Some(3), Some("new_la_code")),
            (Some(4), Some("new_la_code")),
            (Some(5), Some("region_name")),
            (Some(6), Some("geographic_level")),
            (Some(7), Some("three_placements")),
            (Some(9), Some("three_placements")),
            (Some(11), Some("three_placements")),
            (Some(12), None),
        ],
        "{errors:#?}"
    );
    assert!(errors[0].rule.contains("not a time period"));
    assert!(errors[1].rule.contains("needs its new_la_code"));
    assert!(errors[2].rule.contains("not a local authority's code"));
    assert!(errors[5].rule.contains("\"ten\" is not a number"));
    assert!(errors[6].rule.contains("given twice (first on row 8)"), "{}", errors[6]);
    assert!(errors[7].rule.contains("for Camden (London Borough) is given twice (first on row 10)"), "{}", errors[7]);
    assert!(errors[8].rule.contains("has 5 cells but the header has 7"));
}

#[test]
fn empty_and_odd_files_are_refused_without_panicking() {
    assert!(errors_of("")[0].rule.contains("empty"));
    assert!(errors_of("\n\n")[0].rule.contains("empty"));
    let twice = errors_of("time_period,geographic_level,region_name,la_name,new_la_code,source,source\n");
    assert!(twice[0].rule.contains("twice"), "{twice:?}");
    let not_utf8 =
        read_ees("f.csv", b"time_period,geographic_level,region_name,la_name,new_la_code\n\xff\xfe,x\n", "f")
            .unwrap_err();
    assert_eq!(not_utf8[0].row, Some(2));
    // A header only is a file with no figures.
    let header_only =
        read_ees("f.csv", b"\xEF\xBB\xBFtime_period,geographic_level,region_name,la_name,new_la_code\n", "f").unwrap();
    assert_eq!(header_only.rows, 0);
    // Many problems are listed up to a limit.
    let mut many = String::from("time_period,geographic_level,region_name,la_name,new_la_code\n");
    for _ in 0..80 {
        many.push_str("never,National,,,\n");
    }
    let errors = errors_of(&many);
    assert_eq!(errors.len(), MOST_ERRORS + 1);
}

#[test]
fn quoted_cells_and_line_numbers() {
    let text = "time_period,geographic_level,region_name,la_name,new_la_code,three_placements,source\n\
                202425,Local authority,Yorkshire and The Humber,\"Kingston upon Hull, City of\",E06000010,12.5,\"a\nsource\"\n\
                202425,National,,,,oops,\n";
    let errors = errors_of(text);
    // The quoted cell spans lines 2 and 3, so the bad row is on line 4.
    assert_eq!(errors[0].row, Some(4), "{errors:?}");
}

#[test]
fn the_national_figures_parse_and_say_where_they_come_from() {
    let figures = national_figures().unwrap();
    assert!(figures.len() >= 20, "{}", figures.len());
    for f in &figures {
        assert_eq!(f.geography, Geography::England);
        assert!(f.source.contains("analytics.md"), "{f:?}");
        assert!(f.value.value().is_some());
    }
    let find = |measure: &str, period: &str| {
        figures.iter().find(|f| f.measure == measure && f.period == year(period)).map(|f| f.value)
    };
    assert_eq!(find("looked_after_rate", "2023-24"), Some(Published::Value(70.0)));
    assert_eq!(find("in_need_rate", "2023-24"), Some(Published::Value(332.9)));
    assert_eq!(find("re_referrals_12_months", "2024-25"), Some(Published::Value(22.6)));
    assert_eq!(find("assessments_45_working_days", "2024-25"), Some(Published::Value(85.7)));
    assert_eq!(find("conferences_15_working_days", "2024-25"), Some(Published::Value(81.4)));
    assert_eq!(find("long_term_stability", "2023-24"), Some(Published::Value(68.0)));
    assert_eq!(find("caseload", "2023-24"), Some(Published::Value(16.0)));
    // The indicators careful computes with no national figure in analytics.md.
    assert_eq!(
        without_national_figure(&figures),
        vec![
            "protection_plans_two_years",
            "went_missing",
            "reviews_on_time",
            "visits_on_time",
            "care_leavers_eet",
            "social_worker_changes"
        ]
    );
}

#[test]
fn rank_and_quartile_worked_by_hand() {
    // Seven other authorities and the council: eight ranked.
    let others = [10.0, 12.0, 15.0, 15.0, 20.0, 25.0, 30.0];
    // Higher is better: 30, 25, 20, [18], 15, 15, 12, 10: fourth.
    assert_eq!(rank(18.0, &others, Polarity::HigherBetter), (4, 8));
    // Lower is better: 10, 12, 15, 15, [18], 20, 25, 30: fifth.
    assert_eq!(rank(18.0, &others, Polarity::LowerBetter), (5, 8));
    // A tie shares the rank: 10, 12, [15, 15, 15] ... third (lower better), fifth (higher).
    assert_eq!(rank(15.0, &others, Polarity::LowerBetter), (3, 8));
    assert_eq!(rank(15.0, &others, Polarity::HigherBetter), (4, 8));
    // Context indicators rank from the lowest.
    assert_eq!(rank(5.0, &others, Polarity::Context), (1, 8));
    assert_eq!(rank(50.0, &others, Polarity::Context), (8, 8));
    // Of 8: ranks 1-2 are quartile 1, 3-4 quartile 2, 5-6 quartile 3, 7-8 quartile 4.
    let quartiles: Vec<_> = (1..=8).map(|r| quartile(r, 8).unwrap()).collect();
    assert_eq!(quartiles, vec![1, 1, 2, 2, 3, 3, 4, 4]);
    // Of 153: 38 in the first quarter (4 x 38 = 152 <= 153), rank 39 in the second.
    assert_eq!(quartile(38, 153), Some(1));
    assert_eq!(quartile(39, 153), Some(2));
    assert_eq!(quartile(153, 153), Some(4));
    assert_eq!(quartile(1, 1), Some(4));
    assert_eq!(quartile(0, 8), None);
    assert_eq!(quartile(9, 8), None);
}

fn indicator(code: &'static str, polarity: Polarity, numerator: u64, denominator: u64) -> Indicator {
    Indicator { code, name: code, definition: "", polarity, unit: Unit::Percent, numerator, denominator }
}

fn la(measure: &'static str, code: &str, region: &str, value: Published) -> PublishedFigure {
    PublishedFigure {
        measure,
        period: year("2024-25"),
        geography: Geography::LocalAuthority { code: code.into(), name: format!("LA {code}"), region: region.into() },
        value,
        source: "made-up.csv".into(),
    }
}

#[test]
fn the_comparison_worked_by_hand() {
    use Published::*;
    let m = "re_referrals_12_months";
    let mut figures = vec![
        PublishedFigure {
            measure: m,
            period: year("2024-25"),
            geography: Geography::England,
            value: Value(22.0),
            source: "England file".into(),
        },
        PublishedFigure {
            measure: m,
            period: year("2024-25"),
            geography: Geography::Region("North West".into()),
            value: Value(24.0),
            source: "made-up.csv".into(),
        },
        // The council's own published figure: replaced by careful's in the ranking.
        la(m, "E06000009", "North West", Value(99.0)),
        la(m, "E08000010", "North West", Value(10.0)),
        la(m, "E08000011", "North West", Value(30.0)),
        la(m, "E08000012", "North West", Suppressed(crate::benchmarks::Suppressed::Confidential)),
        la(m, "E09000007", "London", Value(20.0)),
        // Another year: not compared.
        PublishedFigure { period: year("2023-24"), ..la(m, "E09000008", "London", Value(1.0)) },
    ];
    figures.push(la("three_placements", "E08000010", "North West", Value(8.0)));
    let council = StatisticalNeighbours {
        council: "E06000009".into(),
        neighbours: vec!["E08000010".into(), "E08000011".into(), "E08000012".into()],
    };
    // The council: 25 of 100 referrals were re-referrals (25%); 1 of 10 with 3 placements.
    let indicators = vec![
        indicator(m, Polarity::LowerBetter, 25, 100),
        indicator("three_placements", Polarity::LowerBetter, 1, 10),
        indicator("went_missing", Polarity::LowerBetter, 0, 0),
    ];
    let rows = compare(&indicators, year("2024-25"), &figures, Some(&council));
    assert_eq!(rows.len(), 3);
    let r = &rows[0];
    assert_eq!(r.england.as_ref().map(|c| c.value), Some(Value(22.0)));
    assert_eq!(r.region_name.as_deref(), Some("North West"));
    assert_eq!(r.region.as_ref().map(|c| c.value), Some(Value(24.0)));
    // Neighbours 10 and 30 (the third is suppressed): 20.
    assert_eq!(r.neighbours_average, Some(20.0));
    assert_eq!((r.neighbours_with_figure, r.neighbours), (2, 3));
    // Lower is better: 10, 20, [25], 30: third of four, quartile 3.
    assert_eq!((r.rank, r.of, r.quartile), (Some(3), 4, Some(3)));
    assert_eq!(r.sources, vec!["England file".to_string(), "made-up.csv".to_string()]);
    // Three placements: 10%, against one authority's 8%: second of two, quartile 4.
    let t = &rows[1];
    assert_eq!((t.rank, t.of, t.quartile), (Some(2), 2, Some(4)));
    assert_eq!(t.england, None);
    assert_eq!(t.neighbours_average, Some(8.0));
    // No figure of the council's own, nor anything published: nothing to rank.
    let w = &rows[2];
    assert_eq!((w.rank, w.of, w.quartile, w.neighbours_average), (None, 0, None, None));
    assert!(w.sources.is_empty());

    // With higher better, the same figures rank the other way: 30, [25], 20, 10.
    let rows = compare(&[indicator(m, Polarity::HigherBetter, 25, 100)], year("2024-25"), &figures, Some(&council));
    assert_eq!((rows[0].rank, rows[0].of, rows[0].quartile), (Some(2), 4, Some(2)));

    // Without the council's code there is no region and no neighbours, but still a rank (the
    // council's published row is then just another authority).
    let rows = compare(&[indicator(m, Polarity::LowerBetter, 25, 100)], year("2024-25"), &figures, None);
    assert_eq!((rows[0].region_name.as_deref(), rows[0].neighbours_average), (None, None));
    assert_eq!((rows[0].rank, rows[0].of), (Some(3), 5));

    // For 2025-26, not published yet: the latest year before it, for each comparison (England
    // and the region 2024-25); a later year's figure is never used.
    figures.push(PublishedFigure { period: year("2026-27"), ..la(m, "E08000010", "North West", Value(50.0)) });
    let rows = compare(&[indicator(m, Polarity::LowerBetter, 25, 100)], year("2025-26"), &figures, Some(&council));
    let r = &rows[0];
    assert_eq!(r.england.as_ref().map(|c| (c.value, c.year)), Some((Value(22.0), year("2024-25"))));
    assert_eq!(r.region.as_ref().map(|c| c.year), Some(year("2024-25")));
    assert_eq!(r.neighbours_average, Some(20.0));
    assert_eq!((r.rank, r.of), (Some(3), 4));
    // In 2023-24 only one authority had a figure: ranked on that year alone.
    let rows = compare(&[indicator(m, Polarity::LowerBetter, 25, 100)], year("2023-24"), &figures, Some(&council));
    assert_eq!((rows[0].rank, rows[0].of, rows[0].england.clone()), (Some(2), 2, None));
}

#[test]
fn imported_figures_replace_shipped_ones() {
    let shipped = national_figures().unwrap();
    let count = shipped.len();
    let imported = vec![PublishedFigure {
        measure: "re_referrals_12_months",
        period: year("2024-25"),
        geography: Geography::England,
        value: Published::Value(23.0),
        source: "imported".into(),
    }];
    let all = merge(shipped, imported);
    assert_eq!(all.len(), count);
    let found: Vec<_> = all
        .iter()
        .filter(|f| f.measure == "re_referrals_12_months" && f.period == year("2024-25"))
        .map(|f| (f.value, f.source.as_str()))
        .collect();
    assert_eq!(found, vec![(Published::Value(23.0), "imported")]);
}

#[test]
fn geographies_round_trip_through_their_stored_parts() {
    for g in [
        Geography::England,
        Geography::Region("London".into()),
        Geography::LocalAuthority { code: "E09000007".into(), name: "Camden".into(), region: "London".into() },
    ] {
        let (name, region) = match &g {
            Geography::LocalAuthority { name, region, .. } => (name.as_str(), region.as_str()),
            _ => ("", ""),
        };
        assert_eq!(Geography::from_parts(g.level(), g.key(), name, region), Some(g.clone()));
    }
    assert_eq!(Geography::from_parts("ward", "x", "", ""), None);
}
