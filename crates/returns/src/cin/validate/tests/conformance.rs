//! Conformance: every case of the shared CIN suite (`../shared/conformance/cin/`) whose rule
//! careful implements is run through careful's rule and its findings compared, as a set of
//! (table, field, row), with the locations the reference validator's own test asserts.
//!
//! The cases are in the reference's shape, which differs from careful's tables in two ways the
//! harness bridges: dates written `DD/MM/YYYY` or `DD-MM-YYYY` are given as `YYYY-MM-DD` (the
//! census's own form), and assessment factors given inline on `Assessments` rows (the reference
//! keeps them as a list there: one code, or a list of codes) become `AssessmentFactorsList`
//! rows, one per code, whose findings are compared as the `Assessments` row they came from (the
//! case's Assessments rows, when they carry no `AssessmentID`, are given the same made-up one as
//! their factors, so that a rule can tie an assessment to its factors). A case that gives an
//! `AssessmentFactorsList` table besides inline factors (the reference's own derivation of the
//! same factors, with columns careful's list lacks) is read from its inline factors alone. A
//! finding careful gives on the whole return (on the Header's row, at fields the Header does not
//! have: DfE's fields of a rule about the return, such as 2887Q's count of disability codes) is
//! compared as the reference's return-level location `["LA", "-", -1]`. A case careful
//! deliberately answers differently is listed,
//! with the reason, in `crates/returns/conformance/cin-known-differences.csv`; a listed case that
//! agrees is an error, so the list stays true. Cases of pending rules are counted, not run.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::cin::read::{CinTable, CinTables};
use crate::cin::validate::pending::PENDING;
use crate::cin::validate::{rules, run_rule};
use crate::ssda903::validate::catalogue::csv_records;
use crate::ssda903::validate::tests::json::{self, Json};

const KNOWN: &str = include_str!("../../../../conformance/cin-known-differences.csv");

pub(super) fn shared_dir() -> PathBuf {
    crate::ssda903::validate::tests::conformance::conformance_dir()
}

fn table_named(name: &str) -> Option<CinTable> {
    CinTable::ALL.into_iter().find(|t| t.name() == name)
}

/// Columns some fixtures carry that careful's table does not have and no rule of that table
/// reads from it.
fn ignored(table: CinTable, column: &str) -> bool {
    matches!(
        (table, column),
        (CinTable::Assessments, "CPPstartDate")
            | (CinTable::AssessmentFactorsList, "AssessmentActualStartDate" | "AssessmentAuthorisationDate")
    )
}

fn iso(text: String) -> String {
    let parsed = ["%d/%m/%Y", "%d-%m-%Y"].iter().find_map(|f| chrono::NaiveDate::parse_from_str(text.trim(), f).ok());
    match parsed {
        Some(d) => d.format("%Y-%m-%d").to_string(),
        None => text,
    }
}

/// A case's tables as careful's, and for each AssessmentFactorsList row made from an inline
/// factor, the Assessments row it came from.
fn inputs(case: &Json) -> Result<(CinTables, Vec<usize>), String> {
    let mut given = Vec::new();
    let mut factor_rows: Vec<(Vec<Option<String>>, usize)> = Vec::new();
    let tables = case.get("tables").ok_or("no tables")?.as_object();
    let inline_factors = tables.iter().any(|(name, table)| {
        name == "Assessments"
            && table
                .get("columns")
                .is_some_and(|c| c.as_array().iter().any(|c| c.as_str() == Some("AssessmentFactors")))
    });
    for (name, table) in tables {
        let t = table_named(name).ok_or_else(|| format!("unknown table {name}"))?;
        if t == CinTable::AssessmentFactorsList && inline_factors {
            continue;
        }
        let raw: Vec<&[Json]> = table.get("rows").ok_or("no rows")?.as_array().iter().map(|r| r.as_array()).collect();
        let columns: Vec<&str> =
            table.get("columns").ok_or("no columns")?.as_array().iter().filter_map(Json::as_str).collect();
        let rows: Vec<Vec<Option<String>>> =
            raw.iter().map(|r| r.iter().map(|c| c.as_cell().map(iso)).collect()).collect();
        let mut keep: Vec<usize> = Vec::new();
        for (i, c) in columns.iter().enumerate() {
            if t == CinTable::Assessments && *c == "AssessmentFactors" {
                for (r, row) in rows.iter().enumerate() {
                    let key =
                        |k: &str| columns.iter().position(|x| *x == k).and_then(|p| row.get(p).cloned().flatten());
                    let id = key("AssessmentID").or_else(|| Some(format!("row{r}")));
                    let codes = match raw[r].get(i) {
                        Some(Json::Array(items)) => items.iter().map(|c| c.as_cell().map(iso)).collect(),
                        _ => vec![row.get(i).cloned().flatten()],
                    };
                    for code in codes {
                        factor_rows.push((vec![key("LAchildID"), key("CINdetailsID"), id.clone(), code], r));
                    }
                }
            } else if t.columns().contains(c) {
                keep.push(i);
            } else if !ignored(t, c) {
                return Err(format!("the case's {name} table has a column {c:?} careful's does not"));
            }
        }
        let mut names: Vec<&str> = keep.iter().map(|&i| columns[i]).collect();
        let mut kept: Vec<Vec<Option<String>>> =
            rows.iter().map(|r| keep.iter().map(|&i| r.get(i).cloned().flatten()).collect()).collect();
        if t == CinTable::Assessments && columns.contains(&"AssessmentFactors") && !columns.contains(&"AssessmentID") {
            names.push("AssessmentID");
            for (r, row) in kept.iter_mut().enumerate() {
                row.push(Some(format!("row{r}")));
            }
        }
        given.push((t, names, kept));
    }
    let mut origin = Vec::new();
    if !factor_rows.is_empty() {
        let rows = factor_rows.iter().map(|(r, _)| r.clone()).collect();
        origin = factor_rows.iter().map(|(_, o)| *o).collect();
        given.push((
            CinTable::AssessmentFactorsList,
            vec!["LAchildID", "CINdetailsID", "AssessmentID", "AssessmentFactor"],
            rows,
        ));
    }
    Ok((CinTables::from_rows(given)?, origin))
}

fn expected(case: &Json) -> BTreeSet<(String, String, usize)> {
    let e =
        case.get("expected_after_normalisation").filter(|e| !e.is_null()).or_else(|| case.get("expected_locations"));
    let mut out = BTreeSet::new();
    for loc in e.map(Json::as_array).unwrap_or_default() {
        let l = loc.as_array();
        let (Some(t), Some(c), Some(r)) =
            (l.first().and_then(Json::as_str), l.get(1).and_then(Json::as_str), l.get(2).and_then(Json::as_cell))
        else {
            continue;
        };
        out.insert((t.to_string(), c.to_string(), r.parse().unwrap_or(usize::MAX)));
    }
    out
}

fn run_case(rule: &'static crate::cin::validate::CinRule, case: &Json) -> Result<(), String> {
    let (tables, origin) = inputs(case)?;
    let mut got = BTreeSet::new();
    for f in run_rule(rule, &tables) {
        for field in &f.fields {
            let loc = if f.table == CinTable::AssessmentFactorsList && !origin.is_empty() {
                ("Assessments".to_string(), "AssessmentFactors".to_string(), origin[f.row])
            } else if f.table == CinTable::Header && !CinTable::Header.columns().contains(field) {
                ("LA".to_string(), "-".to_string(), usize::MAX)
            } else {
                (f.table.name().to_string(), field.to_string(), f.row)
            };
            got.insert(loc);
        }
    }
    let want = expected(case);
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "careful misses {:?} and flags {:?} besides",
            want.difference(&got).collect::<Vec<_>>(),
            got.difference(&want).collect::<Vec<_>>()
        ))
    }
}

#[test]
fn conformance_cases() {
    let dir = shared_dir().join("cin");
    let index =
        std::fs::read_to_string(dir.join("_index.csv")).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    let known: Vec<Vec<&str>> = csv_records(KNOWN).skip(1).filter_map(Result::ok).filter(|r| r.len() == 4).collect();
    let (mut passed, mut listed, mut pending, mut superseded) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for line in index.lines().skip(1) {
        let cells: Vec<&str> = line.splitn(4, ',').collect();
        let (folder, code) = (cells[0], cells[2]);
        let Some(rule) = rules().find(|r| r.code == code) else {
            assert!(PENDING.contains(&code), "{code} is neither implemented nor pending");
            pending += 1;
            continue;
        };
        // A version of the rule DfE has since replaced.
        let version = crate::ssda903::validate::catalogue::folder_year_of(folder, "cin");
        if rule.entry().is_none_or(|e| Some(e.defined_in) != version) {
            superseded += 1;
            continue;
        }
        let path = dir.join(format!("{folder}__rule_{code}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let file = json::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for (n, case) in file.get("cases").map(Json::as_array).unwrap_or_default().iter().enumerate() {
            let is_known =
                known.iter().any(|k| k[0] == folder && k[1] == code && (k[2] == "*" || k[2] == n.to_string()));
            match (run_case(rule, case), is_known) {
                (Ok(()), false) => passed += 1,
                (Ok(()), true) => {
                    failures.push(format!("{folder} {code} case {n} is listed as a known difference but agrees"))
                }
                (Err(_), true) => listed += 1,
                (Err(e), false) => failures.push(format!("{folder} {code} case {n}: {e}")),
            }
        }
    }
    eprintln!(
        "CIN conformance: {passed} cases agree, {listed} differ as listed, {pending} files of pending rules, \
         {superseded} files of superseded versions"
    );
    assert!(failures.is_empty(), "CIN conformance failures:\n{}", failures.join("\n"));
}
