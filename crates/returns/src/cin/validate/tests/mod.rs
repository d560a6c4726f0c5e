mod conformance;

use super::catalogue;
use super::pending::PENDING;
use super::rules;

#[test]
fn the_catalogue_is_the_shared_reference() {
    let shared = conformance::shared_dir().join("../reference/dfe-cin-rules-2025-26.csv");
    let text = std::fs::read_to_string(&shared).unwrap_or_else(|e| panic!("read {}: {e}", shared.display()));
    assert_eq!(text, include_str!("../../../../data/dfe-cin-rules-2025-26.csv"), "copy the shared catalogue again");
    assert_eq!(catalogue::all().len(), 109);
    assert_eq!(catalogue::all().iter().filter(|e| e.severity == catalogue::Severity::Query).count(), 26);
}

#[test]
fn every_rule_code_implemented() {
    let implemented: Vec<&str> = rules().map(|r| r.code).collect();
    let mut codes = implemented.clone();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), implemented.len(), "a code implemented twice");
    for e in catalogue::all() {
        let done = implemented.contains(&e.code);
        let pending = PENDING.contains(&e.code);
        assert!(done || pending, "{} is neither implemented nor pending", e.code);
        assert!(!(done && pending), "{} is implemented: take it off the pending list", e.code);
    }
    for code in &implemented {
        assert!(catalogue::entry(code).is_some(), "{code} is not in DfE's catalogue");
    }
}

/// 8869 by assessment: an assessment with 21 and another factor has every factor flagged; 21
/// alone, or other factors without it, is fine; a factor of another assessment does not count.
#[test]
fn r8869_code_21_stands_alone_within_an_assessment() {
    use crate::cin::read::{CinTable, CinTables};
    let row = |child: &str, assessment: &str, factor: &str| {
        vec![Some(child.to_string()), Some("1".to_string()), Some(assessment.to_string()), Some(factor.to_string())]
    };
    let tables = CinTables::from_rows(vec![(
        CinTable::AssessmentFactorsList,
        vec!["LAchildID", "CINdetailsID", "AssessmentID", "AssessmentFactor"],
        vec![
            row("A", "1", "21"),
            row("A", "1", "2B"),
            row("B", "1", "21"),
            row("B", "2", "3A"),
            row("C", "1", "2B"),
            row("C", "1", "3A"),
        ],
    )])
    .unwrap();
    let rule = rules().find(|r| r.code == "8869").unwrap();
    let flagged: Vec<usize> = super::run_rule(rule, &tables).iter().map(|f| f.row).collect();
    assert_eq!(flagged, [0, 1]);
}
