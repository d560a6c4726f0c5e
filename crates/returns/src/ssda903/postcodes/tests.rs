//! The postcode directory: the three layouts, lookups, DfE's distance and IN/OUT, errors, the
//! memory held, and the derived-field rules running on a crafted return.

use careful_domain::calendar::CollectionYear;

use super::*;
use crate::ssda903::validate::{Metadata, validate_report};
use crate::ssda903::{Format, Return, Table, TableData};

const NSPL: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/postcodes-synthetic-nspl.csv"));
const ONSPD: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/postcodes-synthetic-onspd.csv"));
const SUBSET: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/postcodes-synthetic-subset.csv"));

const COUNCIL: &str = "E09000027";

fn read(name: &str, bytes: &[u8]) -> Result<PostcodeDirectory, Vec<ReadError>> {
    PostcodeDirectory::read(&Source::bytes(name, bytes))
}

fn directory(name: &str, bytes: &[u8]) -> PostcodeDirectory {
    read(name, bytes).unwrap_or_else(|e| panic!("{name} reads: {e:#?}"))
}

fn errors(bytes: &str) -> Vec<ReadError> {
    read("bad.csv", bytes.as_bytes()).expect_err("the file is refused")
}

fn pl_la(dir: &PostcodeDirectory, postcode: &str) -> Option<String> {
    dir.get(postcode).and_then(|p| p.area).and_then(Area::pl_la).map(str::to_string)
}

#[test]
fn each_layout_is_read_and_gives_the_upper_tier_authority() {
    for (name, bytes, layout) in
        [("nspl.csv", NSPL, Layout::Nspl), ("onspd.csv", ONSPD, Layout::Onspd), ("subset.csv", SUBSET, Layout::Subset)]
    {
        let dir = directory(name, bytes);
        assert_eq!(dir.layout(), layout, "{name}");
        assert_eq!(dir.len(), 14, "{name}");
        assert_eq!(dir.file(), name);
        let la = |p: &str| pl_la(&dir, p);
        assert_eq!(la("EM1 1AA").as_deref(), Some("E09000027"), "{name}");
        assert_eq!(la("QA1 1AA").as_deref(), Some("E10000030"), "{name}: a district's county");
        assert_eq!(la("QB1 1AA").as_deref(), Some("WAL"), "{name}");
        assert_eq!(la("QC1 1AA").as_deref(), Some("E06000065"), "{name}: Harrogate is North Yorkshire since 2023");
        assert_eq!(la("QD1 1AA").as_deref(), Some("E08000038"), "{name}: Barnsley's code since 2025");
        assert_eq!(la("QE1 1AA").as_deref(), Some("SCO"), "{name}");
        assert_eq!(la("QF1 1AA").as_deref(), Some("NIR"), "{name}");
        assert_eq!(la("QG1 1AA"), None, "{name}: the Channel Islands have no PL_LA");
        assert_eq!(la("QH1 1AA").as_deref(), Some("E06000064"), "{name}");
        assert_eq!(dir.get("QG1 1AA").map(|p| p.grid), Some(None), "{name}: no grid reference");
        assert_eq!(dir.get("EM1 1AB").and_then(|p| p.grid), Some((503_000, 204_000)), "{name}");
        assert!(dir.has_authority("E09000027") && dir.has_authority("E10000023") && !dir.has_authority("E09000001"));
    }
}

#[test]
fn postcodes_are_compared_without_spaces_or_case_and_partial_ones_are_not_found() {
    let dir = directory("nspl.csv", NSPL);
    for written in ["EM1 1AA", "em11aa", " EM1  1AA ", "Em1 1aA"] {
        assert!(dir.get(written).is_some(), "{written:?}");
    }
    for missing in ["EM1", "EM1 1", "EM1 1A", "EM9 9ZZ", "", "EM1-1AA", "1EM 1AA", "EM1 1AAAA"] {
        assert!(dir.get(missing).is_none(), "{missing:?}");
    }
    assert_eq!(unpack(pack(b"qz9 9zz").expect("packs")), "QZ99ZZ");
}

#[test]
fn the_distance_is_dfes_metres_over_1000_over_1_6093_to_a_tenth_of_a_mile() {
    // 3,000 m east and 4,000 m north: 5,000 m, 5 / 1.6093 = 3.1069... miles.
    assert_eq!(miles_between((500_000, 200_000), (503_000, 204_000)), 3.1);
    assert_eq!(miles_between((503_000, 204_000), (500_000, 200_000)), 3.1, "either way round");
    // 10 km: 6.2137 miles; 250 m: 0.1553 miles; the same place: 0.
    assert_eq!(miles_between((500_000, 200_000), (510_000, 200_000)), 6.2);
    assert_eq!(miles_between((500_000, 200_000), (500_000, 200_250)), 0.2);
    assert_eq!(miles_between((500_000, 200_000), (500_000, 200_000)), 0.0);
    // 80.465 km is 50.0003 miles, 80.4 km 49.96: both 50.0.
    assert_eq!(miles_between((0, 0), (80_465, 0)), 50.0);
    assert_eq!(miles_between((0, 0), (80_400, 0)), 50.0);
}

/// An Episodes table with these (LS, PLACE, PLACE_PROVIDER, HOME_POST, PL_POST) rows for child C1.
fn episodes(rows: &[[&str; 5]]) -> TableData {
    let columns = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "HOME_POST", "PL_POST"];
    TableData::from_rows(
        Table::Episodes,
        &columns,
        rows.iter().enumerate().map(|(i, [ls, place, provider, home, post])| {
            let decom = format!("{:02}/05/2025", i + 1);
            ["C1", &decom, if i == 0 { "S" } else { "P" }, ls, "N1", place, provider, home, post]
                .map(|c| Some(c.to_string()))
        }),
    )
    .expect("a table")
}

#[test]
fn derived_fields_are_in_or_out_of_the_councils_area_with_the_distance_from_home() {
    let dir = directory("nspl.csv", NSPL);
    let eps = episodes(&[
        ["C2", "K2", "PR1", "EM1 1AA", "EM1 1AB"],
        ["C2", "K2", "PR4", "EM1 1AA", "QA1 1AA"],
        ["C2", "K2", "PR4", "EM1 1AA", "QB1 1AA"],
        ["C2", "K2", "PR4", "EM1 1AA", "QG1 1AA"],
        ["C2", "K2", "PR4", "", "EM2 2AA"],
        ["C2", "K2", "PR4", "EM1 1AA", "EM1"],
        ["C2", "K2", "PR4", "EM1 1AA", ""],
        ["C2", "K2", "PR4", "EM1 1AA", "QC1 1AA"],
    ]);
    let derived = dir.derive(&eps, COUNCIL);
    let got: Vec<(Option<&str>, Option<&str>, Option<f64>)> =
        derived.placements.iter().map(|p| (p.pl_la.as_deref(), p.pl_location.as_deref(), p.pl_distance)).collect();
    assert_eq!(got[0], (Some("E09000027"), Some("IN"), Some(3.1)));
    assert_eq!(got[1], (Some("E10000030"), Some("OUT"), Some(27.8)), "sqrt(20² + 40²) km = 44.72 km");
    assert_eq!(got[2], (Some("WAL"), Some("OUT"), Some(114.1)), "sqrt(182² + 24²) km = 183.58 km");
    assert_eq!(got[3], (None, Some("OUT"), None), "the Channel Islands: out, no authority, no grid");
    assert_eq!(got[4], (Some("E09000027"), Some("IN"), None), "no home postcode: no distance");
    assert_eq!(got[5], (None, None, None), "a partial postcode is not looked up");
    assert_eq!(got[6], (None, None, None), "no placement postcode");
    assert_eq!(got[7].1, Some("OUT"));
    assert_eq!((derived.placement_postcodes, derived.placement_found), (7, 6));
    assert_eq!((derived.home_postcodes, derived.home_found), (7, 7));

    // The council's own code is compared on today's boundaries: North Yorkshire's old county
    // code, or DfE's number for it, is the unitary's.
    for council in ["E10000023", "E06000065"] {
        assert_eq!(dir.derive(&eps, council).placements[7].pl_location.as_deref(), Some("IN"), "{council}");
    }
}

#[test]
fn bad_rows_are_reported_by_file_line_column_and_rule() {
    let header = "postcode,la_code,easting,northing\n";
    let one = |row: &str| {
        let e = errors(&format!("{header}EM1 1AA,E09000027,500000,200000\n{row}\n"));
        assert_eq!(e.len(), 1, "{e:#?}");
        let e = e.into_iter().next().unwrap();
        assert_eq!(e.file, "bad.csv");
        assert_eq!(e.line, Some(3), "{e}");
        e
    };
    let e = one("EM1,E09000027,500000,200000");
    assert_eq!(e.column.as_deref(), Some("postcode"));
    assert!(e.problem.contains("\"EM1\" is not a postcode") && e.problem.contains("five to seven"), "{e}");
    let e = one("EM1 1AB,Richmond,500000,200000");
    assert_eq!(e.column.as_deref(), Some("la_code"));
    assert!(e.problem.contains("not an ONS area code") && e.problem.contains("E09000027"), "{e}");
    let e = one("EM1 1AB,E09000027,5e5,200000");
    assert_eq!(e.column.as_deref(), Some("easting"));
    assert!(e.problem.contains("whole number of metres"), "{e}");
    let e = one("EM1 1AB,E09000027,500000,-1");
    assert_eq!(e.column.as_deref(), Some("northing"));
    let e = one("EM1 1AB,E07000207,500000,200000");
    assert!(e.problem.contains("district council") && e.problem.contains("county"), "{e}");
    let e = one("EM1 1AB,E09000027,500000");
    assert_eq!(e.kind, ReadErrorKind::RaggedRow);
    assert_eq!(e.to_string().split(':').next(), Some("bad.csv, line 3"), "{e}");

    // A postcode twice with different places; the same row twice is harmless.
    let e = errors(&format!("{header}EM1 1AA,E09000027,500000,200000\nem11aa,E09000027,500001,200000\n"));
    assert!(e[0].problem.contains("EM11AA is on more than one row"), "{e:#?}");
    assert!(read("twice.csv", format!("{header}EM1 1AA,E09000027,1,2\nEM1 1AA,E09000027,1,2\n").as_bytes()).is_ok());

    // Every bad row is reported, up to 20.
    let many: String = (0..50).map(|i| format!("X{i},E09000027,1,2\n")).collect();
    let e = errors(&format!("{header}{many}"));
    assert_eq!(e.len(), 21, "20 problems and a note that reading stopped");
    assert!(e[20].problem.contains("stopped reading after 20 problems"));
}

#[test]
fn a_file_that_is_not_a_directory_says_which_columns_it_lacks() {
    let e = errors("CHILD,DECOM,RNE\nC1,01/01/2025,S\n");
    assert_eq!(e[0].kind, ReadErrorKind::UnknownHeader);
    assert!(e[0].problem.contains("no column for a postcode") && e[0].problem.contains("la_code"), "{}", e[0]);
    let e = errors("pcds,laua,oseast1m\n");
    assert!(e[0].problem.contains("for a northing") && !e[0].problem.contains("for a postcode"), "{}", e[0]);
    let e = errors("");
    assert_eq!(e[0].kind, ReadErrorKind::Empty);
    let e = errors("<?xml version=\"1.0\"?><x/>");
    assert!(e[0].problem.contains("XML"), "{}", e[0]);
}

#[test]
fn a_directory_holds_sixteen_bytes_a_postcode() {
    let mut file = String::from("pcds,oslaua,oscty,oseast1m,osnrth1m,other\n");
    let letters = b"ABDEFGHJLNPQRSTUWXYZ";
    let mut n = 0;
    for district in 1..=25 {
        for sector in 0..10 {
            for a in letters {
                for b in letters {
                    file.push_str(&format!(
                        "QA{district} {sector}{}{},E09000027,E99999999,{},{},x\n",
                        *a as char,
                        *b as char,
                        500_000 + n % 1000,
                        200_000 + n / 1000
                    ));
                    n += 1;
                }
            }
        }
    }
    let dir = directory("big.csv", file.as_bytes());
    assert_eq!(dir.len(), 100_000);
    assert!(dir.heap_size() < 100_000 * 16 + 100_000 * 16 / 16, "{} bytes", dir.heap_size());
    assert_eq!(dir.get("QA25 9ZZ").and_then(|p| p.grid), Some((500_000 + 99_999 % 1000, 200_000 + 99)));
}

// ------------------------------------------------------------ the rules that read the fields

fn year() -> CollectionYear {
    CollectionYear::starting(2025).expect("a year")
}

/// A return for three synthetic children: C1 in the council's own children's home (PR1) out of
/// its area; C2 placed somewhere the directory does not know; C3 (a short break, V3) with two
/// episodes and a far placement.
fn crafted() -> Return {
    let header = TableData::from_rows(
        Table::Header,
        &["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
        [
            ["C1", "M", "01/01/2012", "WBRI", "A123456789012", "", ""],
            ["C2", "F", "01/01/2013", "WBRI", "A123456789013", "0", ""],
            ["C3", "M", "01/01/2014", "WBRI", "A123456789014", "", ""],
            ["C4", "F", "01/01/2011", "WBRI", "A123456789015", "0", ""],
        ]
        .map(|r| r.map(Some)),
    )
    .expect("header");
    let columns = [
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ];
    let episodes = TableData::from_rows(
        Table::Episodes,
        &columns,
        [
            // 0: the council's own home (PR1, K2) in Surrey: 1015.
            ["C1", "01/05/2025", "S", "C2", "N1", "K2", "PR1", "", "", "", "EM1 1AA", "QA1 1AA", "SC000001"],
            // 1: a placement postcode the directory does not have: 169, 179, 392a.
            ["C2", "01/05/2025", "S", "C2", "N1", "U4", "PR1", "", "", "", "EM1 1AA", "EM9 9ZZ", "SC000002"],
            // 2: a short break with a placement authority: 420; over 999.9 miles: but a short
            // break, so not 164.
            ["C3", "01/05/2025", "S", "V3", "N1", "U4", "PR1", "02/05/2025", "E13", "", "EM1 1AA", "EM1 1AB", ""],
            // 3: over 999.9 miles from home (a grid reference off the British grid): 164.
            ["C3", "03/05/2025", "S", "C2", "N1", "U4", "PR4", "", "", "", "EM1 1AA", "QZ9 9ZZ", "SC000003"],
            // 4: 585 miles from home: 454.
            ["C4", "01/05/2025", "S", "C2", "N1", "K2", "PR4", "", "", "", "EM1 1AA", "QJ1 1AA", "SC000004"],
        ]
        .map(|r| r.map(Some)),
    )
    .expect("episodes");
    Return::from_tables(Format::Csv, [header, episodes])
}

fn flagged(report: &crate::ssda903::validate::Report, code: &str) -> Vec<usize> {
    report.findings.iter().filter(|f| f.code == code && f.table == Table::Episodes).map(|f| f.row).collect()
}

#[test]
fn without_a_directory_the_derived_field_rules_are_not_run_and_with_one_they_run_and_fire() {
    let ret = crafted();
    let meta = Metadata::new(year()).expect("supported").with_local_authority(COUNCIL);
    let derived_rules = ["164", "169", "179", "218", "392a", "406", "411", "420", "454", "1015"];

    let without = validate_report(&ret, None, &meta);
    for code in derived_rules {
        let skipped = without.skipped.iter().find(|s| s.code == code);
        assert!(skipped.is_some_and(|s| s.reason.contains("PL_LA, PL_LOCATION, PL_DISTANCE")), "{code}: {skipped:?}");
    }

    let dir = directory("postcodes-synthetic-nspl.csv", NSPL);
    let meta = meta.with_placements_from_postcodes(&dir, &ret, None);
    let note = meta.derived_from().expect("says where the fields came from");
    assert!(
        note.contains("postcodes-synthetic-nspl.csv (NSPL, 14 postcodes)")
            && note.contains("placement postcodes found for 4 of 5 episodes, home postcodes for 5 of 5"),
        "{note}"
    );
    let with = validate_report(&ret, None, &meta);
    for code in derived_rules {
        assert!(!with.skipped.iter().any(|s| s.code == code), "{code} still skipped: {:?}", with.skipped);
    }
    assert_eq!(flagged(&with, "1015"), [0], "own provision out of the council's area");
    assert_eq!(flagged(&with, "169"), [1], "no PL_LA for an unknown postcode");
    assert_eq!(flagged(&with, "179"), [1], "no PL_LOCATION for an unknown postcode");
    assert_eq!(flagged(&with, "392a"), [1], "no distance for an unknown postcode");
    assert_eq!(flagged(&with, "420"), [2], "a short break with a placement authority");
    assert_eq!(flagged(&with, "164"), [3], "over 999.9 miles");
    assert!(flagged(&with, "411").is_empty(), "derived IN and OUT always agree with PL_LA");
    assert_eq!(flagged(&with, "454"), [4], "over 350 miles (999.9, DfE's 'cannot be worked out', aside)");
    assert_eq!(meta.derived_placements().expect("derived")[4].pl_distance, Some(585.1));

    // Fields handed in are kept, and only their blanks filled from the directory: an episode
    // given as IN with no authority gets Surrey's, and 411 then finds the disagreement.
    let given = vec![
        DerivedPlacement { pl_la: None, pl_location: Some("IN".into()), pl_distance: None },
        DerivedPlacement::default(),
        DerivedPlacement { pl_la: Some(" ".into()), pl_location: None, pl_distance: Some(1.0) },
        DerivedPlacement::default(),
        DerivedPlacement::default(),
    ];
    let meta = Metadata::new(year())
        .expect("supported")
        .with_local_authority(COUNCIL)
        .with_derived_placements(given)
        .with_placements_from_postcodes(&dir, &ret, None);
    let placements = meta.derived_placements().expect("given");
    assert_eq!(placements[0].pl_la.as_deref(), Some("E10000030"));
    assert_eq!(placements[0].pl_location.as_deref(), Some("IN"));
    assert_eq!(placements[0].pl_distance, Some(27.8));
    assert_eq!(placements[2].pl_la.as_deref(), Some("E09000027"), "a blank of spaces is filled");
    assert_eq!(placements[2].pl_distance, Some(1.0), "a distance given is kept");
    let report = validate_report(&ret, None, &meta);
    assert_eq!(flagged(&report, "411"), [0], "IN, but the placement is in Surrey");
}

#[test]
fn with_last_years_return_the_rules_comparing_the_years_fields_run_too() {
    let (this, last) = (crafted(), crafted());
    let dir = directory("nspl.csv", NSPL);
    let meta = Metadata::new(year()).expect("supported").with_local_authority(COUNCIL).with_placements_from_postcodes(
        &dir,
        &this,
        Some(&last),
    );
    assert!(meta.derived_from().is_some_and(|n| n.contains("last year's placement postcodes found for 4 of 5")));
    let report = validate_report(&this, Some(&last), &meta);
    for code in ["452", "453", "503G", "503H", "503J"] {
        assert!(!report.skipped.iter().any(|s| s.code == code), "{code} skipped: {:?}", report.skipped);
        // C3's first episode this year (row 2, a short break near home) is not the one left open
        // at the end of last year (row 3, far away): authority, distance and location differ.
        assert_eq!(flagged(&report, code), [2], "{code}");
    }
}
