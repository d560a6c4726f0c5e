//! The registry against DfE's catalogue: each year's rule set holds every code of DfE's
//! catalogue for that year, in the version the catalogue names, or lists it as pending.

use std::collections::BTreeSet;

use careful_domain::calendar::CollectionYear;

use super::super::catalogue::{self, Entry};
use super::super::pending::PENDING;
use super::super::registry::{Kept, YEARS, code_order};
use super::super::{SUPPORTED_YEARS, all_rules, rule_set};

fn year(start: i32) -> CollectionYear {
    CollectionYear::starting(start).expect("a supported year")
}

fn entries(start: i32) -> &'static [Entry] {
    catalogue::year(start).unwrap_or_else(|| panic!("no catalogue for {start}"))
}

#[test]
fn the_embedded_catalogues_parse() {
    catalogue::check().expect("the embedded catalogues parse");
    assert_eq!(entries(2025).len(), 316);
    assert_eq!(entries(2026).len(), 327);
    let e = catalogue::entry("149", 2022).expect("149");
    assert_eq!(e.message, "Reason episode ceased code is not valid. ", "messages keep DfE's trailing space");
    assert_eq!(e.fields_in(crate::ssda903::Table::Episodes), ["REC"]);
    let e = catalogue::entry("151", 2022).expect("151");
    assert!(e.fields_in(crate::ssda903::Table::Ad1).contains(&"NB_ADOPTR"), "DfE's NB_ADOPTER means NB_ADOPTR");
    assert!(catalogue::entry("146", 2022).is_none(), "only versions in force in a supported year are listed");
}

#[test]
fn every_rule_code_implemented() {
    let pending: BTreeSet<&str> = PENDING.iter().copied().collect();
    assert_eq!(pending.len(), PENDING.len(), "pending.rs lists a code twice");
    let mut problems = Vec::new();
    let mut dfe_codes: BTreeSet<&str> = BTreeSet::new();
    for &start in SUPPORTED_YEARS {
        let set = rule_set(year(start)).expect("supported");
        for e in entries(start) {
            dfe_codes.insert(e.code);
            let implemented = set.iter().any(|r| r.code == e.code);
            if !implemented && !pending.contains(e.code) {
                problems.push(format!(
                    "{}: {} is in DfE's catalogue but neither implemented nor pending",
                    year(start),
                    e.code
                ));
            }
        }
    }
    for code in &pending {
        if !dfe_codes.contains(code) {
            problems.push(format!("pending.rs lists {code}, which no catalogue has"));
        }
        if all_rules().any(|r| r.code == *code) {
            problems.push(format!("{code} is implemented: take it off pending.rs"));
        }
    }
    let done = dfe_codes.len() - pending.len();
    eprintln!("rules: {done} of {} DfE codes implemented, {} pending", dfe_codes.len(), pending.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn each_year_runs_the_version_dfe_lists() {
    let mut problems = Vec::new();
    for &start in SUPPORTED_YEARS {
        let set = rule_set(year(start)).expect("supported");
        for rule in set {
            match entries(start).iter().find(|e| e.code == rule.code) {
                None => problems.push(format!("{}: {} is not in DfE's catalogue for the year", year(start), rule.code)),
                Some(e) if e.defined_in != rule.defined_in => problems.push(format!(
                    "{}: careful runs the {} version of {}, DfE lists {}",
                    year(start),
                    rule.folder(),
                    rule.code,
                    e.source
                )),
                Some(_) => {}
            }
            if rule.message().is_empty() {
                problems.push(format!("{} has no message", rule.code));
            }
        }
        let codes: Vec<&str> = set.iter().map(|r| r.code).collect();
        let mut unique = codes.clone();
        unique.dedup();
        assert_eq!(codes, unique, "{}: a code twice", year(start));
        assert!(codes.windows(2).all(|w| code_order(w[0], w[1]).is_lt()), "{}: not in code order", year(start));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn each_year_lists_its_additions_replacements_and_removals_truly() {
    let mut previous: Option<Vec<(&str, i32)>> = None;
    for y in YEARS {
        for r in y.added.iter().chain(y.replaced) {
            assert_eq!(
                r.defined_in,
                y.start_year,
                "{} is added or replaced in {} but is the {} text",
                r.code,
                y.start_year,
                r.folder()
            );
        }
        if let Kept::Listed(kept) = y.kept {
            for r in kept {
                assert!(r.defined_in < y.start_year, "{} is kept in {} but is that year's text", r.code, y.start_year);
            }
        }
        if let Some(prev) = &previous {
            for r in y.added {
                assert!(
                    !prev.iter().any(|(c, _)| *c == r.code),
                    "{} is added in {} but the year before had it",
                    r.code,
                    y.start_year
                );
            }
            for r in y.replaced {
                assert!(
                    prev.iter().any(|(c, _)| *c == r.code),
                    "{} is replaced in {} but the year before lacked it",
                    r.code,
                    y.start_year
                );
            }
            for code in y.removed {
                assert!(
                    prev.iter().any(|(c, _)| c == code),
                    "{code} is removed in {} but the year before lacked it",
                    y.start_year
                );
            }
        }
        let set = rule_set(year(y.start_year)).expect("supported");
        previous = Some(set.iter().map(|r| (r.code, r.defined_in)).collect());
    }
    assert!(rule_set(year(2024)).is_err(), "2024-25 is not supported");
}
