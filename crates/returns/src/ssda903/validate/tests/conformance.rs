//! Conformance: every case in the project's shared conformance suite
//! (`../shared/conformance/ssda903/` beside the repository, `/work/shared/conformance` in CI) is
//! run through the matching rule of the matching collection year and its findings compared, as
//! a set of (table, row), with the rows the reference validator's own test asserts.
//!
//! A case careful deliberately answers differently is listed, with the reason, in
//! `crates/returns/conformance/known-differences.csv`; a listed case that now agrees is an error
//! too, so the list stays true. Cases of a rule still pending are counted, not run. Cases of
//! a version of a rule that no supported year uses (such as 2022-23's rule 146, replaced since)
//! are counted as superseded.
//!
//! Set `CAREFUL_CONFORMANCE_DIR` to read the cases from elsewhere, and
//! `CAREFUL_CONFORMANCE_VERBOSE=1` to print every case's outcome.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use careful_domain::calendar::CollectionYear;
use chrono::{Months, NaiveDate};

use super::super::catalogue::{self, csv_records, folder_year};
use super::super::meta::{DerivedPlacement, Metadata};
use super::super::pending::PENDING;
use super::super::{SUPPORTED_YEARS, rule_set, run_rule};
use super::json::{self, Json};
use crate::ssda903::{Format, Return, Table, TableData, XML_HEADER_UASC};

const KNOWN_DIFFERENCES: &str = include_str!("../../../../conformance/known-differences.csv");

/// Columns that some of the reference validator's rules read under a name its own reader never
/// produces (a known bug of the reference: see the suite's README). Their tests feed the column
/// under that wrong name; careful reads the real column, so the harness renames it and the case
/// still tests the rule's logic.
const MISNAMED: &[(&str, &str, &str)] = &[
    ("Episodes", "DATE_EPISODE_CEASED", "DEC"),
    ("Episodes", "PLACEMENT", "PLACE"),
    ("Header", "UASC_STATUS", "UASC"),
];

/// Helper columns some test fixtures carry that no rule reads (row labels, and the SEX and DOB
/// columns the reference's integrity-check fixtures add to every table).
fn ignored(table: Table, column: &str) -> bool {
    matches!(column, "index" | "orig_idx" | "original_index" | "xx" | "ETC")
        || (matches!(column, "SEX" | "DOB") && !table.has_column(column))
}

/// The derived placement columns, which careful takes as an input beside the Episodes table.
const DERIVED: &[&str] = &["PL_LA", "PL_LOCATION", "PL_DISTANCE"];

/// Where the suite is: `CAREFUL_CONFORMANCE_DIR`, else the project's `shared/conformance`: beside
/// the repository (`../shared`), or beside any folder above it (a clone made elsewhere), or at
/// `/work/shared`, where the project's machines keep it.
pub(crate) fn conformance_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CAREFUL_CONFORMANCE_DIR") {
        return PathBuf::from(dir);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repository = manifest.join("../..").canonicalize().unwrap_or_else(|_| manifest.join("../.."));
    let candidates = repository
        .ancestors()
        .map(|a| a.join("shared/conformance"))
        .chain(std::iter::once(PathBuf::from("/work/shared/conformance")));
    let mut first = None;
    for candidate in candidates {
        if candidate.join("ssda903/_index.csv").is_file() {
            return candidate;
        }
        first.get_or_insert(candidate);
    }
    first.unwrap_or_else(|| repository.join("../shared/conformance"))
}

fn suite_dir() -> PathBuf {
    let dir = conformance_dir().join("ssda903");
    assert!(
        dir.join("_index.csv").is_file(),
        "the SSDA903 conformance cases were not found: looked for {} (the repository's \
         ../shared/conformance/ssda903; CI has them at /work/shared/conformance/ssda903). Put the \
         shared conformance suite there or set CAREFUL_CONFORMANCE_DIR to its folder.",
        dir.join("_index.csv").display()
    );
    dir
}

/// One listed difference: (folder, code, case number or `None` for every case of the file).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Known {
    folder: &'static str,
    code: &'static str,
    case: Option<usize>,
    reason: &'static str,
}

fn known_differences() -> Vec<Known> {
    let mut out = Vec::new();
    for (i, record) in csv_records(KNOWN_DIFFERENCES).enumerate() {
        let record = record.unwrap_or_else(|e| panic!("known-differences.csv line {}: {e}", i + 1));
        if i == 0 {
            assert_eq!(record, ["folder", "code", "case", "reason"], "known-differences.csv header");
            continue;
        }
        if record.iter().all(|c| c.is_empty()) {
            continue;
        }
        let [folder, code, case, reason] = record[..] else {
            panic!("known-differences.csv line {}: {} cells, not 4", i + 1, record.len());
        };
        assert!(!reason.trim().is_empty(), "known-differences.csv line {}: give the reason", i + 1);
        let case = match case {
            "*" => None,
            n => Some(n.parse().unwrap_or_else(|_| panic!("known-differences.csv line {}: case {n:?}", i + 1))),
        };
        out.push(Known { folder, code, case, reason });
    }
    out
}

/// The inputs a case gives, ready for careful.
struct Inputs {
    this: Return,
    last: Option<Return>,
    meta: Metadata,
    /// For each table of this year's return, the case's label of each row.
    labels: BTreeMap<Table, Vec<String>>,
}

fn date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(t.get(..10).unwrap_or(t), "%Y-%m-%d"))
        .ok()
}

/// Builds careful's inputs from one case of the suite.
fn inputs(case: &Json, year: CollectionYear) -> Result<Inputs, String> {
    let metadata = case.get("metadata").ok_or("no metadata")?;
    let meta_str = |k: &str| metadata.get(k).and_then(Json::as_str);
    let format = match meta_str("file_format") {
        Some(f) if f.eq_ignore_ascii_case("xml") => Format::Xml,
        _ => Format::Csv,
    };
    let mut this = Vec::new();
    let mut last = Vec::new();
    let mut labels = BTreeMap::new();
    let mut placements: [Option<Vec<DerivedPlacement>>; 2] = [None, None];
    for (name, table) in case.get("tables").ok_or("no tables")?.as_object() {
        let (base, is_last) = match name.strip_suffix("_last") {
            Some(base) => (base, true),
            None => (name.as_str(), false),
        };
        let t = Table::from_name(base).ok_or_else(|| format!("unknown table {name}"))?;
        let columns: Vec<&str> =
            table.get("columns").ok_or("no columns")?.as_array().iter().filter_map(Json::as_str).collect();
        let rows: Vec<Vec<Option<String>>> = table
            .get("rows")
            .ok_or("no rows")?
            .as_array()
            .iter()
            .map(|r| r.as_array().iter().map(Json::as_cell).collect())
            .collect();
        let mut keep: Vec<(usize, &str)> = Vec::new();
        let mut derived: Vec<(usize, &str)> = Vec::new();
        for (i, &c) in columns.iter().enumerate() {
            let c = MISNAMED.iter().find(|(tb, wrong, _)| *tb == base && *wrong == c).map_or(c, |&(_, _, right)| right);
            if t == Table::Episodes && DERIVED.contains(&c) {
                derived.push((i, c));
            } else if t.has_column(c) || (t == Table::Header && c == XML_HEADER_UASC) {
                keep.push((i, c));
            } else if !ignored(t, c) {
                return Err(format!("the case's {name} table has a column {c:?} that careful does not know"));
            }
        }
        let names: Vec<&str> = keep.iter().map(|&(_, c)| c).collect();
        let data = TableData::from_rows(
            t,
            &names,
            rows.iter().map(|r| keep.iter().map(|&(i, _)| r.get(i).cloned().flatten()).collect::<Vec<_>>()),
        )
        .map_err(|e| format!("{name}: {e}"))?;
        if !derived.is_empty() {
            let cell = |r: &Vec<Option<String>>, c: &str| {
                derived.iter().find(|(_, n)| *n == c).and_then(|&(i, _)| r.get(i).cloned().flatten())
            };
            let list = rows
                .iter()
                .map(|r| DerivedPlacement {
                    pl_la: cell(r, "PL_LA"),
                    pl_location: cell(r, "PL_LOCATION"),
                    // A distance that is not a number (some fixtures write text) is given as NaN:
                    // present, but not a valid distance.
                    pl_distance: cell(r, "PL_DISTANCE").map(|d| d.trim().parse().unwrap_or(f64::NAN)),
                })
                .collect();
            placements[usize::from(is_last)] = Some(list);
        }
        if is_last {
            last.push(data);
        } else {
            let index = table.get("index").ok_or("no index")?.as_array();
            labels.insert(t, index.iter().map(|i| i.as_cell().unwrap_or_default()).collect());
            this.push(data);
        }
    }

    let mut meta = Metadata::new(year).map_err(|e| e.to_string())?;
    let start = meta_str("collection_start").and_then(date);
    let end = meta_str("collection_end").and_then(date);
    let from_year = meta_str("collectionYear")
        .and_then(|y| y.trim().parse::<i32>().ok())
        .and_then(|y| Some((NaiveDate::from_ymd_opt(y - 1, 4, 1)?, NaiveDate::from_ymd_opt(y, 3, 31)?)));
    let period = match (start, end) {
        (Some(s), Some(e)) => Some((s, e)),
        (Some(s), None) => s.checked_add_months(Months::new(12)).and_then(|e| e.pred_opt()).map(|e| (s, e)),
        (None, Some(e)) => e.checked_sub_months(Months::new(12)).and_then(|s| s.succ_opt()).map(|s| (s, e)),
        (None, None) => from_year,
    };
    if let Some((s, e)) = period {
        meta = meta.with_collection_period(s, e);
    }
    if let Some(la) = meta_str("localAuthority") {
        meta = meta.with_local_authority(la);
    }
    let [this_placements, last_placements] = placements;
    if let Some(p) = this_placements {
        meta = meta.with_derived_placements(p);
    }
    if let Some(p) = last_placements {
        meta = meta.with_previous_year_derived_placements(p);
    }
    let last = (!last.is_empty()).then(|| Return::from_tables(format, last));
    Ok(Inputs { this: Return::from_tables(format, this), last, meta, labels })
}

/// The rows a case expects, as (table, label).
fn expected(case: &Json) -> BTreeSet<(String, String)> {
    let normalised = case.get("expected_after_normalisation").filter(|e| !e.is_null());
    let expected = normalised.or_else(|| case.get("expected")).unwrap_or(&Json::Null);
    let mut out = BTreeSet::new();
    for (table, rows) in expected.as_object() {
        for row in rows.as_array() {
            out.insert((table.clone(), row.as_cell().unwrap_or_default()));
        }
    }
    out
}

#[derive(Default)]
struct Tally {
    passed: usize,
    known: usize,
    pending: usize,
    superseded: usize,
    failures: Vec<String>,
    verbose: String,
}

#[test]
fn conformance_cases() {
    let dir = suite_dir();
    let known = known_differences();
    let mut used_known: BTreeSet<Known> = BTreeSet::new();
    let verbose = std::env::var_os("CAREFUL_CONFORMANCE_VERBOSE").is_some();
    let index = std::fs::read_to_string(dir.join("_index.csv")).expect("read _index.csv");
    let mut tally = Tally::default();
    let mut files: Vec<(String, String)> = Vec::new();
    for (i, line) in index.lines().enumerate().skip(1) {
        let mut cells = line.splitn(4, ',');
        let (Some(folder), Some(_file), Some(code)) = (cells.next(), cells.next(), cells.next()) else {
            panic!("_index.csv line {}: too few cells", i + 1);
        };
        files.push((folder.to_string(), code.to_string()));
    }
    assert!(files.len() > 300, "_index.csv lists only {} cases", files.len());

    for (folder, code) in &files {
        let version = folder_year(folder).unwrap_or_else(|| panic!("_index.csv: folder {folder:?}"));
        // The first supported year whose catalogue has this version of the rule.
        let year = SUPPORTED_YEARS.iter().copied().find(|&y| {
            catalogue::year(y).is_some_and(|entries| entries.iter().any(|e| e.code == code && e.defined_in == version))
        });
        let Some(year) = year else {
            tally.superseded += 1;
            continue;
        };
        let year = CollectionYear::starting(year).expect("a supported year");
        let path = dir.join(format!("{folder}__rule_{code}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let file = json::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let rule = rule_set(year).expect("supported").iter().find(|r| r.code == code);
        let Some(rule) = rule else {
            assert!(PENDING.contains(&code.as_str()), "{code} is neither implemented for {year} nor pending");
            tally.pending += 1;
            continue;
        };
        if rule.defined_in != version {
            tally.failures.push(format!("{folder} {code}: careful runs the {} version for {year}", rule.folder()));
            continue;
        }
        for (n, case) in file.get("cases").map(Json::as_array).unwrap_or_default().iter().enumerate() {
            let listed = known.iter().find(|k| k.folder == folder && k.code == code && k.case.is_none_or(|c| c == n));
            let outcome = run_case(rule, case, year);
            match (outcome, listed) {
                (Ok(()), None) => tally.passed += 1,
                (Ok(()), Some(k)) => tally.failures.push(format!(
                    "{folder} {code} case {n} is listed in known-differences.csv ({}) but now agrees: remove it",
                    k.reason
                )),
                (Err(_), Some(k)) => {
                    tally.known += 1;
                    used_known.insert(k.clone());
                }
                (Err(detail), None) => tally.failures.push(format!("{folder} {code} case {n}: {detail}")),
            }
            if verbose {
                let _ = writeln!(
                    tally.verbose,
                    "{folder} {code} case {n}: {}",
                    if listed.is_some() { "known" } else { "run" }
                );
            }
        }
    }
    for k in &known {
        let exists = files.iter().any(|(f, c)| f == k.folder && c == k.code);
        if !exists {
            tally
                .failures
                .push(format!("known-differences.csv lists {} {}, which is not in the suite", k.folder, k.code));
        }
    }
    if verbose {
        eprintln!("{}", tally.verbose);
    }
    eprintln!(
        "conformance: {} cases agree, {} differ as listed in known-differences.csv, {} files are of pending rules, \
         {} files are of superseded versions, {} failures",
        tally.passed,
        tally.known,
        tally.pending,
        tally.superseded,
        tally.failures.len()
    );
    assert!(tally.failures.is_empty(), "conformance failures:\n{}", tally.failures.join("\n"));
}

/// Runs one case: `Ok` if careful flags exactly the rows the case expects.
fn run_case(rule: &'static super::super::Rule, case: &Json, year: CollectionYear) -> Result<(), String> {
    let inputs = inputs(case, year)?;
    let expected = expected(case);
    let (got, skipped) = match run_rule(rule, &inputs.this, inputs.last.as_ref(), &inputs.meta) {
        Ok(findings) => {
            let mut got = BTreeSet::new();
            for f in findings {
                let label = inputs.labels.get(&f.table).and_then(|l| l.get(f.row)).cloned().unwrap_or_default();
                got.insert((f.table.name().to_string(), label));
            }
            (got, None)
        }
        Err(skipped) => (BTreeSet::new(), Some(skipped.reason)),
    };
    if got == expected {
        return Ok(());
    }
    let missing: Vec<_> = expected.difference(&got).collect();
    let extra: Vec<_> = got.difference(&expected).collect();
    let mut detail = format!("careful misses {missing:?} and flags {extra:?} besides");
    if let Some(reason) = skipped {
        let _ = write!(detail, " (careful skipped the rule: {reason})");
    }
    Err(detail)
}

/// The catalogues careful embeds are the project's shared reference, unchanged.
#[test]
fn embedded_catalogues_match_the_shared_reference() {
    let reference = conformance_dir().join("../reference");
    for name in ["dfe-ssda903-rules-2025-26.csv", "dfe-ssda903-rules-2026-27.csv"] {
        let shared = reference.join(name);
        let shared = std::fs::read(&shared).unwrap_or_else(|e| {
            panic!(
                "the shared reference catalogue was not found: looked for {} ({e}); CI has it at \
                 /work/shared/reference",
                shared.display()
            )
        });
        let embedded =
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(name)).expect("embedded copy");
        assert!(shared == embedded, "crates/returns/data/{name} differs from the shared reference: copy it again");
    }
}

/// careful's own cases for the rules where it departs from the reference validator, each built
/// from DfE's wording of the rule (`crates/returns/conformance/wording.json`, in the suite's
/// format), run for 2025-26.
#[test]
fn cases_from_dfe_wording() {
    let text = include_str!("../../../../conformance/wording.json");
    let file = json::parse(text).expect("wording.json parses");
    let year = CollectionYear::starting(2025).expect("a supported year");
    let mut failures = Vec::new();
    let cases = file.get("cases").map(Json::as_array).unwrap_or_default();
    assert!(cases.len() >= 8, "{} cases", cases.len());
    for case in cases {
        let code = case.get("code").and_then(Json::as_str).expect("a code");
        assert!(case.get("wording").and_then(Json::as_str).is_some_and(|w| !w.is_empty()), "{code}: DfE's wording");
        let rule = rule_set(year).expect("supported").iter().find(|r| r.code == code);
        let rule = rule.unwrap_or_else(|| panic!("{code} is not run in {year}"));
        if let Err(detail) = run_case(rule, case, year) {
            failures.push(format!("{code}: {detail}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
