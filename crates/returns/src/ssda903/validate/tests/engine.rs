//! The engine: what a finding holds, which rules are skipped and why, the rule set of each year,
//! a clean return giving no findings, the Ofsted-list rules (which the conformance suite cannot
//! check), and rules never panicking on what a file holds.

use careful_domain::calendar::CollectionYear;
use chrono::NaiveDate;
use proptest::prelude::*;

use super::super::{
    DerivedPlacement, Finding, Metadata, Provider, ProviderList, all_rules, rule_set, run_rule, validate,
    validate_report, year_rules,
};
use crate::ssda903::{Format, Return, Source, Table, TableData, read_return};

fn year(start: i32) -> CollectionYear {
    CollectionYear::starting(start).expect("a year")
}

fn meta(start: i32) -> Metadata {
    Metadata::new(year(start)).expect("a supported year")
}

/// A table with the given columns and rows (`""` for blank).
fn table(t: Table, columns: &[&str], rows: &[&[&str]]) -> TableData {
    TableData::from_rows(t, columns, rows.iter().map(|r| r.iter().map(|c| Some(*c)))).expect("a table")
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    let mut c: Vec<&str> = findings.iter().map(|f| f.code).collect();
    c.sort_unstable();
    c.dedup();
    c
}

#[test]
fn a_finding_names_the_rule_message_table_row_line_child_and_fields() {
    let header = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n\
        C1,M,15/05/2012,WBRI,A123456789012,,\r\n\
        C2,F,01/01/2013,XXXX,A123456789013,0,\r\n";
    let ret = read_return(&[Source::bytes("header.csv", header)]).expect("reads");
    let findings = validate(&ret, None, &meta(2025));
    let f = findings.iter().find(|f| f.code == "103").expect("103 flags the unknown ethnicity");
    assert_eq!(f.table, Table::Header);
    assert_eq!(f.row, 1, "0-based among the data rows");
    assert_eq!(f.line, 3, "the header is line 1");
    assert_eq!(f.child.as_deref(), Some("C2"));
    assert_eq!(f.fields, ["ETHNIC"]);
    assert_eq!(f.message, "The ethnicity code is either not valid or has not been entered.");
    assert!(!findings.iter().any(|f| f.code == "103" && f.row == 0), "C1's ethnicity is valid");
}

#[test]
fn rules_without_their_inputs_are_skipped_with_the_reason() {
    let ret = Return::from_tables(
        Format::Csv,
        [
            table(Table::Header, &["CHILD", "SEX"], &[&["C1", "M"]]),
            table(Table::Episodes, &["CHILD", "DECOM"], &[&["C1", "01/06/2025"]]),
        ],
    );
    let report = validate_report(&ret, None, &meta(2025));
    let set = rule_set(year(2025)).expect("supported");
    assert_eq!(report.rules_run + report.skipped.len(), set.len(), "every rule either runs or is reported skipped");
    let reason = |code: &str| report.skipped.iter().find(|s| s.code == code).map(|s| s.reason.as_str());
    assert_eq!(reason("202"), Some("no previous year's return was given"));
    assert!(reason("1008").is_some_and(|r| r.contains("Ofsted")), "{:?}", reason("1008"));
    assert!(reason("164").is_some_and(|r| r.contains("PL_DISTANCE")), "{:?}", reason("164"));
    assert!(reason("411").is_some(), "411 needs the derived fields and the council's code");
    assert_eq!(reason("131"), Some("the return has no OC3 table"));
    assert!(reason("103").is_none(), "103 has what it needs");
    assert!(!report.findings.iter().any(|f| report.skipped.iter().any(|s| s.code == f.code)));

    // Given the inputs, they run.
    let last = ret.clone();
    let m = meta(2025)
        .with_local_authority("E09000027")
        .with_derived_placements(vec![DerivedPlacement::default()])
        .with_previous_year_derived_placements(vec![DerivedPlacement::default()])
        .with_providers(ProviderList::new(Vec::new()));
    let report = validate_report(&ret, Some(&last), &m);
    for code in ["202", "1008", "164", "411", "452"] {
        assert!(!report.skipped.iter().any(|s| s.code == code), "{code} should run: {:?}", report.skipped);
    }
}

#[test]
fn derived_placements_must_match_the_episodes() {
    let ret = Return::from_tables(
        Format::Csv,
        [table(Table::Episodes, &["CHILD", "DECOM"], &[&["C1", "01/06/2025"], &["C1", "02/06/2025"]])],
    );
    let m = meta(2025).with_derived_placements(vec![DerivedPlacement::default()]);
    let report = validate_report(&ret, None, &m);
    let skipped = report.skipped.iter().find(|s| s.code == "392a").expect("skipped");
    assert!(skipped.reason.contains("1 of the episodes") && skipped.reason.contains("2 rows"), "{}", skipped.reason);
}

#[test]
fn each_year_runs_its_own_rule_set() {
    let y25 = rule_set(year(2025)).expect("2025-26");
    let y26 = rule_set(year(2026)).expect("2026-27");
    assert_eq!(y25.len(), 316);
    assert_eq!(y26.len(), 327);
    assert!(!y25.iter().any(|r| r.code == "700"));
    assert!(y26.iter().any(|r| r.code == "710"));
    let changes = year_rules(year(2026)).expect("2026-27");
    assert_eq!(changes.added.len(), 11);
    assert!(changes.replaced.is_empty() && changes.removed.is_empty());
    assert!(rule_set(year(2027)).is_err() && Metadata::new(year(2024)).is_err());
    assert_eq!(all_rules().count(), 327, "one version of each code");

    // The DoLo table only exists from 2026-27: its rules run then.
    let ret =
        Return::from_tables(Format::Csv, [table(Table::DoLo, &["CHILD", "DOLO_START"], &[&["C1", "not a date"]])]);
    assert!(!codes(&validate(&ret, None, &meta(2025))).contains(&"700"));
    assert!(codes(&validate(&ret, None, &meta(2026))).contains(&"700"));
}

/// One boy looked after in foster care since June 2024, whose return for 2025-26 (and last year's)
/// is complete and consistent: no rule should fault it.
fn clean_returns() -> (Return, Return) {
    let header = table(
        Table::Header,
        &["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
        &[&["C1", "M", "15/05/2012", "WBRI", "A123456789012", "", ""]],
    );
    let episode: &[&str] =
        &["C1", "01/06/2024", "S", "C2", "N1", "U4", "PR1", "", "", "", "AB1 2CD", "AB3 4EF", "SC123456"];
    let episodes = table(Table::Episodes, Table::Episodes.columns(), &[episode]);
    let reviews = |day: &str| {
        table(Table::Reviews, &["CHILD", "DOB", "REVIEW", "REVIEW_CODE"], &[&["C1", "15/05/2012", day, "PN1"]])
    };
    let oc2 = table(
        Table::Oc2,
        &[
            "CHILD",
            "DOB",
            "SDQ_SCORE",
            "CONVICTED",
            "IMMUNISATIONS",
            "TEETH_CHECK",
            "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
        ],
        &[&["C1", "15/05/2012", "12", "0", "1", "1", "1", "0"]],
    );
    let sw = table(
        Table::SwEpisodes,
        &["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_REASON"],
        &[&["C1", "15/05/2012", "SW0001", "01/06/2024", "OTHERS"]],
    );
    let empty = |t: Table| table(t, &["CHILD"], &[]);
    let this = Return::from_tables(
        Format::Csv,
        [
            header.clone(),
            episodes.clone(),
            reviews("10/07/2025"),
            oc2,
            sw.clone(),
            empty(Table::Uasc),
            empty(Table::Oc3),
            empty(Table::Ad1),
            empty(Table::PlacedAdoption),
            empty(Table::PrevPerm),
            empty(Table::Missing),
        ],
    );
    let last = Return::from_tables(
        Format::Csv,
        [
            header,
            episodes,
            reviews("10/07/2024"),
            sw,
            empty(Table::Uasc),
            empty(Table::Oc3),
            empty(Table::PlacedAdoption),
            empty(Table::Missing),
        ],
    );
    (this, last)
}

fn clean_meta() -> Metadata {
    let placement =
        DerivedPlacement { pl_la: Some("E09000027".into()), pl_location: Some("IN".into()), pl_distance: Some(5.0) };
    let provider = Provider {
        urn: "SC123456".into(),
        place_codes: vec!["U4".into()],
        provider_codes: vec!["PR1".into()],
        registration_start: NaiveDate::from_ymd_opt(2010, 1, 1),
        registration_end: None,
        postcode: Some("AB3 4EF".into()),
        local_authority: Some("E09000027".into()),
    };
    meta(2025)
        .with_local_authority("E09000027")
        .with_derived_placements(vec![placement.clone()])
        .with_previous_year_derived_placements(vec![placement])
        .with_providers(ProviderList::new(vec![provider]))
}

#[test]
fn a_clean_return_has_no_findings() {
    let (this, last) = clean_returns();
    let report = validate_report(&this, Some(&last), &clean_meta());
    let skipped: Vec<&str> = report.skipped.iter().map(|s| s.code).collect();
    assert_eq!(skipped, ["105"], "every input was given; 105 checks an item only the XML form has");
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn a_fault_in_the_clean_return_is_found() {
    // The same child, placed with parents (P1) by a private provider (PR4): 530 faults the
    // provider, 503D and 503E see the placement differ from last year's open episode, and the
    // provider list has neither P1 nor PR4 for the home's URN (219, 224).
    let (this, last) = clean_returns();
    let mut tables: Vec<TableData> = this.tables().cloned().collect();
    let eps = tables.iter_mut().find(|t| t.table() == Table::Episodes).expect("episodes");
    let mut row: Vec<Option<String>> = eps.row(0).expect("a row").cells().map(|c| c.map(str::to_string)).collect();
    let columns: Vec<&str> = eps.columns().to_vec();
    let place = columns.iter().position(|c| *c == "PLACE").expect("PLACE");
    let provider = columns.iter().position(|c| *c == "PLACE_PROVIDER").expect("provider");
    row[place] = Some("P1".into());
    row[provider] = Some("PR4".into());
    *eps = TableData::from_rows(Table::Episodes, &columns, [row]).expect("a table");
    let this = Return::from_tables(Format::Csv, tables);
    let found = codes(&validate(&this, Some(&last), &clean_meta()));
    for code in ["530", "503D", "503E", "219", "224"] {
        assert!(found.contains(&code), "{code} should fault it: {found:?}");
    }
}

/// The Ofsted-list rules, which the conformance suite cannot run (its cases lack the list).
#[test]
fn the_ofsted_rules_check_urns_against_the_provider_list() {
    let episodes = table(
        Table::Episodes,
        &["CHILD", "DECOM", "DEC", "PLACE", "PLACE_PROVIDER", "PL_POST", "URN"],
        &[
            &["A", "01/05/2025", "", "K2", "PR1", "AB1 0JD", "SC000001"], // all agrees
            &["B", "01/05/2025", "", "K2", "PR1", "AB1 0JD", "SC999999"], // not on the list
            &["C", "01/05/2025", "", "U1", "PR1", "AB1 0JD", "SC000001"], // home does not offer U1
            &["D", "01/05/2025", "", "K2", "PR1", "ZZ9 9ZZ", "SC000001"], // wrong postcode
            &["E", "01/05/2025", "", "K2", "PR4", "AB1 0", "SC000001"],   // wrong provider; partial postcode fine
            &["F", "01/05/2009", "", "K2", "PR1", "AB1 0JD", "SC000001"], // began before registration
            &["G", "01/05/2025", "", "K2", "PR2", "AB1 0JD", "SC000002"], // closed; other council's own home
            &["H", "01/05/2025", "", "K2", "PR1", "AB1 0JD", "XXXXXXX"],  // no URN known: never looked up
        ],
    );
    let ret = Return::from_tables(Format::Csv, [episodes]);
    let home = |urn: &str, end: Option<NaiveDate>, la: &str| Provider {
        urn: urn.into(),
        place_codes: vec!["K2".into()],
        provider_codes: vec!["PR1".into(), "PR2".into()],
        registration_start: NaiveDate::from_ymd_opt(2010, 1, 1),
        registration_end: end,
        postcode: Some("AB1 0JD".into()),
        local_authority: Some(la.into()),
    };
    let providers = ProviderList::new(vec![
        home("SC000001", None, "E09000027"),
        home("sc000002", NaiveDate::from_ymd_opt(2025, 12, 31), "E09000027"),
    ]);
    let m = meta(2025).with_local_authority("E09000027").with_providers(providers);
    let flagged = |code: &str| -> Vec<String> {
        let rule = rule_set(year(2025)).expect("set").iter().find(|r| r.code == code).expect("rule");
        run_rule(rule, &ret, None, &m).expect("runs").into_iter().filter_map(|f| f.child).collect()
    };
    assert_eq!(flagged("1008"), ["B"]);
    assert_eq!(flagged("219"), ["C"]);
    assert_eq!(flagged("221"), ["D"]);
    assert_eq!(flagged("224"), ["E"]);
    assert_eq!(flagged("227"), ["F"]);
    assert_eq!(flagged("228"), ["G"], "the home closed before the end of the year, the episode still open");
    assert_eq!(flagged("229"), ["G"], "PR2 (another council) but the home is in this council's area");
}

/// 2025-26's 229 leaves out placements Ofsted does not register and supported accommodation;
/// 241 checks supported accommodation's area against every area the provider has premises in.
#[test]
fn the_2025_26_provider_rules_229_and_241() {
    let cols = ["CHILD", "DECOM", "PLACE", "PLACE_PROVIDER", "URN", "PL_LA"];
    let rows: &[&[&str]] = &[
        &["A", "01/05/2025", "K2", "PR2", "SC000001", "E09000027"], // another council's, but ours: 229
        &["B", "01/05/2025", "K3", "PR2", "SC000001", "E09000027"], // K3: 229 leaves it out
        &["C", "01/05/2025", "K3", "PR3", "SC000003", "E08000001"], // premises in E08000001: fine
        &["D", "01/05/2025", "K3", "PR3", "SC000003", "E06000063"], // no premises there: 241
        &["E", "01/05/2025", "K3", "PR3", "XXXXXXX", "E06000063"],  // no URN known: not looked up
    ];
    let episodes = Table::Episodes;
    let keep: Vec<&str> = cols[..5].to_vec();
    let data = table(episodes, &keep, &rows.iter().map(|r| &r[..5]).collect::<Vec<_>>());
    let ret = Return::from_tables(Format::Csv, [data]);
    let provider = |urn: &str, place: &str, la: &str| Provider {
        urn: urn.into(),
        place_codes: vec![place.into()],
        provider_codes: vec!["PR1".into(), "PR2".into(), "PR3".into()],
        registration_start: NaiveDate::from_ymd_opt(2010, 1, 1),
        registration_end: None,
        postcode: None,
        local_authority: Some(la.into()),
    };
    let providers = ProviderList::new(vec![
        provider("SC000001", "K2", "E09000027"),
        provider("SC000003", "K3", "E09000027"),
        provider("SC000003", "K3", "E08000001"),
    ]);
    let placements = rows
        .iter()
        .map(|r| DerivedPlacement { pl_la: Some(r[5].into()), pl_location: None, pl_distance: None })
        .collect();
    let m = meta(2025).with_local_authority("E09000027").with_providers(providers).with_derived_placements(placements);
    let flagged = |code: &str| -> Vec<String> {
        let rule = rule_set(year(2025)).expect("set").iter().find(|r| r.code == code).expect("rule");
        run_rule(rule, &ret, None, &m).expect("runs").into_iter().filter_map(|f| f.child).collect()
    };
    assert_eq!(flagged("229"), ["A"]);
    assert_eq!(flagged("241"), ["D"]);
}

/// Cells rules find hard: blanks, spaces, dates right and wrong, codes right and wrong, numbers,
/// text that is not ASCII.
const CELLS: &[&str] = &[
    "",
    " ",
    "C1",
    "C2",
    "c1",
    "01/04/2025",
    "31/03/2026",
    "29/02/2024",
    "31/02/2025",
    "1/4/2025",
    "2025-04-01",
    "ZZ/ZZ/ZZZZ",
    "05/ZZ/2020",
    "01/01/1900",
    "01/01/2100",
    "S",
    "P",
    "B",
    "L",
    "T",
    "U",
    "X1",
    "E11",
    "E2",
    "E3",
    "E8",
    "E15",
    "E45",
    "V2",
    "V3",
    "V4",
    "C2",
    "E1",
    "J2",
    "L1",
    "L3",
    "U1",
    "U4",
    "A3",
    "A5",
    "K2",
    "P1",
    "T1",
    "T3",
    "T4",
    "Z1",
    "Z12",
    "R5",
    "PR0",
    "PR1",
    "PR4",
    "M",
    "F",
    "U",
    "1",
    "0",
    "2",
    "-5",
    "999.9",
    "NaN",
    "SW1",
    "UN1",
    "UN4",
    "A123456789012",
    "AB1 2CD",
    "AB1",
    "YES",
    "DIED",
    "RHOM",
    "Z2",
    "T2",
    "PN0",
    "PN3",
    "SDQ1",
    "L0",
    "L3",
    "MF",
    "MM",
    "M1",
    "RD1",
    "P4",
    "352",
    "CUSTOD",
    "OTHER",
    "XXXXXXX",
    "é£",
    "\u{1F600}",
    "aé£",
    "AB1 é£D",
    "Zürich 1AB",
    "ZZ/é/2020",
    "01/01/20é0",
];

fn any_cell() -> impl Strategy<Value = Option<String>> {
    prop::sample::select(CELLS).prop_map(|c| (!c.is_empty()).then(|| c.to_string()))
}

/// A table of `t` with up to `max` rows of cells drawn from [`CELLS`].
fn any_table(t: Table, max: usize) -> impl Strategy<Value = TableData> {
    let width = t.columns().len();
    prop::collection::vec(prop::collection::vec(any_cell(), width), 0..max)
        .prop_map(move |rows| TableData::from_rows(t, t.columns(), rows).expect("a table"))
}

fn any_return() -> impl Strategy<Value = Return> {
    let tables: Vec<BoxedStrategy<Option<TableData>>> =
        Table::ALL.iter().map(|&t| prop::option::weighted(0.8, any_table(t, 6)).boxed()).collect();
    tables.prop_map(|ts| Return::from_tables(Format::Csv, ts.into_iter().flatten()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Whatever the files hold, every rule of both years runs to the end without panicking, and
    /// (in debug builds, where the engine asserts it) never lacks an input it did not declare.
    #[test]
    fn rules_never_panic_on_file_content(
        this in any_return(),
        last in prop::option::of(any_return()),
        distance in prop::option::of(-10.0f64..2000.0),
        la in prop::option::of(prop::sample::select(vec!["E09000027", "WAL", "", "e09000027"])),
    ) {
        let placements = |r: &Return| {
            let n = r.table(Table::Episodes).map_or(0, TableData::len);
            (0..n)
                .map(|i| DerivedPlacement {
                    pl_la: la.map(str::to_string),
                    pl_location: Some(if i % 2 == 0 { "IN" } else { "OUT" }.to_string()),
                    pl_distance: distance.filter(|_| i % 3 != 0),
                })
                .collect::<Vec<_>>()
        };
        let provider = Provider { urn: "SC123456".into(), ..Provider::default() };
        for start in [2025, 2026] {
            let mut m = meta(start)
                .with_local_authority("E09000027")
                .with_derived_placements(placements(&this))
                .with_providers(ProviderList::new(vec![provider.clone()]));
            if let Some(last) = &last {
                m = m.with_previous_year_derived_placements(placements(last));
            }
            let report = validate_report(&this, last.as_ref(), &m);
            for f in &report.findings {
                let data = this.table(f.table).expect("a finding is in a table of the return");
                prop_assert!(f.row < data.len());
                prop_assert_eq!(Some(f.line), data.line(f.row));
            }
        }
    }
}

#[test]
fn postcodes_whole_or_partial() {
    use super::super::rules::ofsted::postcode_parts;
    use super::super::rules::r300::valid_postcode;
    for good in ["AB1 0JD", "AB10JD", "ab1 0jd", "SW1A 1AA", "M1 1AE", "AB1", "AB1 0", "B33 8TH"] {
        assert!(valid_postcode(good), "{good}");
    }
    for bad in ["invalid", "AB1 0J", "1AB 0JD", "ABC1 0JD", "AB1 JD0", "", "aé£xx", "Zürich 1AB", "AB1 0JDX"] {
        assert!(!valid_postcode(bad), "{bad}");
    }
    assert_eq!(postcode_parts("ab10jd"), Some(("AB1".into(), "0JD".into())));
    assert_eq!(postcode_parts("AB1 0"), Some(("AB1".into(), "0".into())));
    assert_eq!(postcode_parts("a1é£0"), Some(("A1é£0".into(), String::new())), "never splits inside a character");
}

#[test]
fn dates_with_unknown_parts() {
    use super::super::rules::r600::date_perm;
    let d = |y, m, day| Ok(NaiveDate::from_ymd_opt(y, m, day));
    assert_eq!(date_perm("05/06/2020"), d(2020, 6, 5));
    assert_eq!(date_perm("ZZ/02/2024"), d(2024, 2, 29), "an unknown day is the month's last");
    assert_eq!(date_perm("zz/ZZ/2020"), d(2020, 12, 31));
    assert_eq!(date_perm("ZZ/ZZ/ZZZZ"), Ok(None), "an unknown year cannot be compared");
    for bad in ["zz", "ZZ/ZZ/ZZ", "01/13/2000", "31/02/2021", "xx/10/2011", "1/1/20", "01/01/20é0"] {
        assert_eq!(date_perm(bad), Err(()), "{bad}");
    }
}
