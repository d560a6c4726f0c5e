//! Tests of the SSDA903 files: tables, dates, the CSV and XML readers, the writer and builders.

mod dates;
mod fuzz_csv;
mod fuzz_xml;
mod props;
mod read_csv;
mod read_xml;
mod scale;
mod tables;
mod write;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use super::*;

/// Reads in-memory files as one return.
fn read(files: &[(&str, &[u8])]) -> Result<Return, Vec<ReadError>> {
    let sources: Vec<Source<'_>> = files.iter().map(|(name, bytes)| Source::bytes(name, bytes)).collect();
    read_return(&sources)
}

/// Reads in-memory files that must hold no problem.
fn read_ok(files: &[(&str, &[u8])]) -> Return {
    match read(files) {
        Ok(ret) => ret,
        Err(errors) => panic!("unexpected read errors: {errors:#?}"),
    }
}

/// Reads in-memory files that must hold problems.
fn read_err(files: &[(&str, &[u8])]) -> Vec<ReadError> {
    match read(files) {
        Ok(ret) => panic!("expected read errors, got {ret:#?}"),
        Err(errors) => errors,
    }
}

/// Every cell of a table, row by row, in the table's column order.
fn cells(data: &TableData) -> Vec<Vec<Option<String>>> {
    data.rows().map(|r| r.cells().map(|c| c.map(str::to_string)).collect()).collect()
}

fn year(start: i32) -> careful_domain::calendar::CollectionYear {
    careful_domain::calendar::CollectionYear::starting(start).expect("a supported year")
}

/// A fresh directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("careful-returns-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
