//! Fuzz target `ssda903_csv`: the SSDA903 CSV reader, given a synthetic return's files with
//! awkward changes (see [`crate::fuzz`]), and DfE's validation rules over every 256th return it
//! reads (the rules take far longer than reading: over every return, a run of ten million would
//! take most of a day). `scripts/fuzz ssda903_csv` runs it for ten million inputs.

use std::sync::atomic::{AtomicU64, Ordering};

use proptest::prelude::*;

use super::*;
use crate::fuzz::{Mutation, SEED_903_CSV, SSDA903_CSV_TAGS, Tally, line_count, mutate, mutations};
use crate::ssda903::validate::{Metadata, validate};

/// Checks what the reader made of `files`: a return whose rows are no more than the files'
/// lines and whose size is in proportion to theirs, or errors each naming one of the files and
/// saying what is wrong (and, for a problem in a row, its line).
pub(super) fn check_read(files: &[(&str, &[u8])]) -> Result<Option<Return>, TestCaseError> {
    let input: usize = files.iter().map(|(_, b)| b.len()).sum();
    let lines: usize = files.iter().map(|(_, b)| crate::fuzz::line_count(b)).sum();
    match read(files) {
        Ok(ret) => {
            prop_assert!(ret.row_count() <= lines, "{} rows from {lines} lines", ret.row_count());
            let heap = ret.heap_size();
            prop_assert!(heap <= 64 * input + 64 * 1024, "{heap} bytes held for {input} bytes read");
            for data in ret.tables() {
                prop_assert!(files.iter().any(|(name, _)| *name == data.file()));
                let mut last_line = 0;
                for row in data.rows() {
                    // Lines are counted at `\n`, so rows ended by a lone `\r` share a line.
                    prop_assert!(row.line() >= last_line, "row {} is before the row before", row.index());
                    last_line = row.line();
                    prop_assert_eq!(row.cells().len(), data.columns().len());
                    for column in data.columns() {
                        let _ = row.date(column);
                    }
                }
            }
            Ok(Some(ret))
        }
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            prop_assert!(errors.len() <= files.len() * 102, "{} errors", errors.len());
            for e in &errors {
                prop_assert!(files.iter().any(|(name, _)| *name == e.file), "{e} names no file given");
                prop_assert!(!e.problem.trim().is_empty(), "{e:?} says no problem");
                let in_a_row =
                    matches!(e.kind, ReadErrorKind::RaggedRow | ReadErrorKind::UnclosedQuote | ReadErrorKind::Xml);
                prop_assert!(!in_a_row || e.line.is_some(), "{e:?} names no line");
                if let Some(line) = e.line {
                    let file = files.iter().find(|(name, _)| *name == e.file).map_or(&[][..], |(_, b)| *b);
                    prop_assert!(line >= 1 && line as usize <= line_count(file), "{e:?}: no such line");
                }
            }
            Ok(None)
        }
    }
}

/// Runs DfE's rules over a return that was read: every finding names a row of its table and
/// that row's line.
fn check_validation(ret: &Return) -> Result<(), TestCaseError> {
    let meta = Metadata::new(year(2025)).expect("2025-26 is supported");
    for finding in validate(ret, None, &meta) {
        let data = ret.table(finding.table);
        prop_assert!(data.is_some(), "rule {} names a table not read", finding.code);
        let data = data.expect("checked");
        prop_assert!(finding.row < data.len(), "rule {} names row {} of {}", finding.code, finding.row, data.len());
        prop_assert_eq!(Some(finding.line), data.line(finding.row));
    }
    Ok(())
}

static READ: AtomicU64 = AtomicU64::new(0);
static TALLY: Tally = Tally::new("ssda903_csv", ["refused with errors", "read", "read and validated"]);

/// One to four of the seed return's files, each with up to three mutations; now and then one
/// file given twice (the same table in two files).
fn files() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let seeds = proptest::sample::subsequence(SEED_903_CSV.to_vec(), 1..=4);
    let changes = proptest::collection::vec(mutations(SSDA903_CSV_TAGS, 3), 4);
    (seeds, changes, proptest::bool::weighted(0.03)).prop_map(|(seeds, changes, twice)| {
        let mut files: Vec<(String, Vec<u8>)> = seeds
            .iter()
            .zip(&changes)
            .map(|((name, text), m): (&(&str, &str), &Vec<Mutation>)| {
                ((*name).to_string(), mutate(text.as_bytes().to_vec(), m, false))
            })
            .collect();
        if twice {
            let copy = (format!("copy of {}", files[0].0), files[0].1.clone());
            files.push(copy);
        }
        files
    })
}

proptest! {
    #![proptest_config(crate::fuzz::config())]

    #[test]
    fn fuzz_ssda903_csv(files in files()) {
        let given: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
        match check_read(&given)? {
            None => TALLY.count(0),
            Some(ret) if READ.fetch_add(1, Ordering::Relaxed).is_multiple_of(256) => {
                check_validation(&ret)?;
                TALLY.count(2);
            }
            Some(_) => TALLY.count(1),
        }
    }
}
