//! DfE's catalogue of CIN census rules for 2025-26 (`data/dfe-cin-rules-2025-26.csv`, a copy of
//! the project's shared reference, which a test keeps in step): each rule's code, the version of
//! its text, its severity, the table and fields it names, and DfE's message. Messages are never
//! written by hand in careful.

use std::sync::OnceLock;

use crate::ssda903::validate::catalogue::{csv_records, folder_year_of};

const SOURCE: &str = include_str!("../../../data/dfe-cin-rules-2025-26.csv");

/// Whether a rule's finding must be put right (an error) or explained (a query).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Query,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Query => "query",
        }
    }
}

/// One rule of the catalogue.
#[derive(Debug)]
pub struct CinEntry {
    pub code: &'static str,
    /// The collection year (by its starting calendar year) whose text this is.
    pub defined_in: i32,
    pub severity: Severity,
    /// The table DfE names.
    pub table: &'static str,
    /// The fields DfE names.
    pub fields: Vec<&'static str>,
    pub message: &'static str,
}

fn entries() -> &'static [CinEntry] {
    static ENTRIES: OnceLock<Vec<CinEntry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let mut out = Vec::new();
        for (i, record) in csv_records(SOURCE).enumerate() {
            let Ok(record) = record else { continue };
            if i == 0 || record.len() != 6 {
                continue;
            }
            let [code, source, severity, table, fields, message] = record[..] else { continue };
            let folder = source.split('/').next().unwrap_or("");
            let Some(defined_in) = folder_year_of(folder, "cin") else { continue };
            let severity = if severity.eq_ignore_ascii_case("QUERY") { Severity::Query } else { Severity::Error };
            let fields = fields
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split(',')
                .map(|f| f.trim().trim_matches('\'').trim_matches('"'))
                .filter(|f| !f.is_empty())
                .collect();
            out.push(CinEntry { code, defined_in, severity, table, fields, message });
        }
        out
    })
}

/// Every rule of the catalogue, in its order.
pub fn all() -> &'static [CinEntry] {
    entries()
}

/// The catalogue entry for `code`.
pub fn entry(code: &str) -> Option<&'static CinEntry> {
    entries().iter().find(|e| e.code == code)
}
