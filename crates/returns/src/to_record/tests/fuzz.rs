//! Fuzz target `import`: a council's returns turned into each child's events, from a synthetic
//! SSDA903 return (CSV) or CIN census with awkward changes that the readers still read (see
//! [`crate::fuzz`]), and the record's fold over every child imported. `scripts/fuzz import`
//! runs it for ten million inputs. Writing an import to the database is not fuzzed here.

use proptest::prelude::*;

use super::*;
use crate::cin::read_census;
use crate::fuzz::{Mutation, SEED_903_CSV, SSDA903_CSV_TAGS, Tally, mutate, mutation};
use crate::ssda903::{Source as FileSource, read_return};
use crate::to_record::cin::import_census;

/// Element names of the census, for splicing in tags.
/// The census the CIN import is fuzzed from: the one the census reader is fuzzed from (a child
/// referred, assessed, on a CIN plan, in a section 47 enquiry and on a child protection plan
/// with reviews, and a child referred with no further action).
fn cin_seed() -> &'static Vec<u8> {
    &crate::cin::tests::fuzz::SEED
}

const CIN_TAGS: &[&str] = &["Child", "CINdetails", "Assessments", "Section47", "ChildProtectionPlans", "Reviews"];

fn import_year() -> CollectionYear {
    year("2025-26")
}

/// The 903 files (the Header and Episodes, and the others in `others`, a bit for each), each
/// changed by the mutations aimed at it.
fn mutated_903(others: u8, changes: &[(usize, Mutation)]) -> Vec<(&'static str, Vec<u8>)> {
    SEED_903_CSV
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 2 || others & (1 << (i - 2)) != 0)
        .map(|(i, (name, text))| {
            let mine: Vec<Mutation> =
                changes.iter().filter(|(f, _)| f % SEED_903_CSV.len() == i).map(|(_, m)| m.clone()).collect();
            (*name, mutate(text.as_bytes().to_vec(), &mine, false))
        })
        .collect()
}

/// Folds a child's imported events as the importer records them: the record's own checks must
/// accept every child the import did not refuse.
fn folds(child: &str, events: Vec<(NaiveDate, ChildEvent)>) -> Result<(), TestCaseError> {
    let entries = check_entries(events);
    if let Err(e) = fold(&entries) {
        return Err(TestCaseError::fail(format!("child {child} was imported, but its record does not fold: {e}")));
    }
    Ok(())
}

/// Imports a 903 return that was read, checking what the import gives.
fn check_903_import(files: &[(&str, Vec<u8>)]) -> Result<usize, TestCaseError> {
    let sources: Vec<FileSource<'_>> = files.iter().map(|(n, b)| FileSource::bytes(n, b)).collect();
    let Ok(ret) = read_return(&sources) else { return Ok(0) };
    let rows = ret.row_count();
    let submission = Submission { this_year: ret, previous_year: None };
    let out = import(&submission, import_year());
    let refused = out.refused_children();
    for r in &out.refused {
        prop_assert!(!r.field.is_empty() && !r.problem.trim().is_empty(), "{r}: no field or problem");
        if let Some(s) = &r.source {
            prop_assert!(files.iter().any(|(n, _)| *n == s.file), "{r}: no such file");
            prop_assert!(s.line >= 1, "{r}: no line");
        }
    }
    let events: usize = out.children.iter().map(|c| c.events.len()).sum();
    prop_assert!(events <= 8 * rows + 8, "{events} events from {rows} rows");
    for child in &out.children {
        prop_assert!(!refused.contains(&child.la_child_id.as_str()), "{} imported and refused", child.la_child_id);
        let team = TeamId::from_random_bytes([7; 16]);
        let events = child
            .events
            .iter()
            .map(|e| {
                let event = match &e.what {
                    Imported::Event(event) => event.clone(),
                    Imported::Allocation { sw_id, reason } => ChildEvent::WorkerAllocated {
                        worker: WorkerId::from_random_bytes(stable_bytes(sw_id)),
                        team,
                        reason: *reason,
                    },
                };
                (e.date, event)
            })
            .collect();
        folds(child.la_child_id.as_str(), events)?;
    }
    Ok(if out.refused.is_empty() { 2 } else { 1 })
}

/// Imports a census that was read, checking what the import gives.
fn check_cin_import(bytes: &[u8]) -> Result<usize, TestCaseError> {
    let Ok((tables, _)) = read_census("census.xml", bytes) else { return Ok(0) };
    let elements = crate::fuzz::tag_count(bytes);
    let out = import_census("census.xml", &tables, import_year());
    for r in &out.refused {
        prop_assert!(!r.field.is_empty() && !r.problem.trim().is_empty(), "{r}: no field or problem");
        prop_assert_eq!(&r.source.file, "census.xml");
        prop_assert!(r.source.line >= 1 && r.source.line as usize <= crate::fuzz::line_count(bytes), "{r}: no line");
    }
    let events: usize = out.children.iter().map(|c| c.events.len()).sum();
    prop_assert!(events <= 4 * elements + 4, "{events} events from {elements} elements");
    for child in &out.children {
        prop_assert!(!out.refused.iter().any(|r| r.child == child.la_child_id.as_str()));
        folds(child.la_child_id.as_str(), child.events.iter().map(|e| (e.date, e.event.clone())).collect())?;
    }
    Ok(if out.refused.is_empty() { 2 } else { 1 })
}

static TALLY: Tally = Tally::new("import", ["not read", "read, some child refused", "read, every child imported"]);

proptest! {
    #![proptest_config(crate::fuzz::config())]

    #[test]
    fn fuzz_import(
        census in proptest::bool::weighted(0.3),
        others in any::<u8>(),
        changes in proptest::collection::vec((any::<usize>(), mutation(SSDA903_CSV_TAGS)), 0..=4),
        cin_changes in crate::fuzz::mutations(CIN_TAGS, 4),
    ) {
        let outcome = if census {
            check_cin_import(&mutate(cin_seed().clone(), &cin_changes, true))?
        } else {
            check_903_import(&mutated_903(others, &changes))?
        };
        TALLY.count(outcome);
    }
}

/// The seeds are read, and imported with no child refused: the mutated inputs start from
/// returns that reach every part of the import.
#[test]
fn the_seeds_import_whole() {
    let files = mutated_903(u8::MAX, &[]);
    let sources: Vec<FileSource<'_>> = files.iter().map(|(n, b)| FileSource::bytes(n, b)).collect();
    let ret = read_return(&sources).expect("the seed return is read");
    let out = import(&Submission { this_year: ret, previous_year: None }, import_year());
    assert!(out.refused.is_empty(), "{}", out.refused.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"));
    assert_eq!(out.children.len(), 3);
    assert_eq!(check_903_import(&files).unwrap(), 2);

    let (tables, problems) = read_census("census.xml", cin_seed()).expect("the seed census is read");
    assert!(problems.is_empty(), "{problems:?}");
    let out = import_census("census.xml", &tables, import_year());
    assert!(out.refused.is_empty(), "{}", out.refused.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"));
    assert_eq!(out.children.len(), 2);
    assert_eq!(check_cin_import(cin_seed()).unwrap(), 2);
}
