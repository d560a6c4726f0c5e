//! DfE's catalogue of SSDA903 rules, one per collection year: each rule's code, the version of
//! its text in force that year, the tables and fields it names, and its message.
//!
//! The catalogues are the CSV files in `crates/returns/data/` (`dfe-ssda903-rules-2025-26.csv`
//! and `-2026-27.csv`, copies of the project's shared reference; the conformance test checks the
//! copies still match it), embedded in the binary and parsed once, the first time a message is
//! asked for. A rule's message and fields are never written by hand in careful: they come from
//! here, so they cannot drift from DfE's text.
//!
//! DfE's rules have moved on since the shared reference was taken: `data/ssda903-rules-changes.csv`
//! lists what DfE's current rules add, give a new version of and withdraw, from the first year
//! each change applies (the rule codes, messages, tables and fields as DfE words them, from the
//! reference validator 0.1.17's rule definitions); it is applied on top of each year's copy.
//! `docs/returns.md` keeps the table of these changes.
//!
//! Columns: `code`, `defined_in` (the reference validator's file for the version in force, such
//! as `lac2022_23/rule_1000.py`: its folder names the collection year whose text it is),
//! `tables` and `fields` (Python-style lists, `['Episodes', 'OC3']`) and `message`.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::super::Table;

/// The embedded catalogues, by the calendar year each collection year starts in.
const SOURCES: &[(i32, &str)] = &[
    (2025, include_str!("../../../data/dfe-ssda903-rules-2025-26.csv")),
    (2026, include_str!("../../../data/dfe-ssda903-rules-2026-27.csv")),
];

/// What DfE's current rules change, on top of the shared reference's catalogues.
const CHANGES: &str = include_str!("../../../data/ssda903-rules-changes.csv");

/// Field names DfE's catalogue misspells, with the column they mean. A finding lists the fields
/// its table has, so a misspelt name would otherwise be dropped.
const FIELD_CORRECTIONS: &[(&str, &str)] =
    &[("NB_ADOPTER", "NB_ADOPTR"), ("PLACEMENT", "PLACE"), ("UASC_STATUS", "UASC")];

/// The derived placement fields, which a finding on an Episodes row may name.
const DERIVED: &[&str] = &["PL_LA", "PL_LOCATION", "PL_DISTANCE"];

/// One rule in one year's catalogue.
#[derive(Debug)]
pub struct Entry {
    /// DfE's code, such as `"101"` or `"197a"`.
    pub code: &'static str,
    /// The collection year (by its starting calendar year) whose text this is: 2022 for
    /// `lac2022_23`.
    pub defined_in: i32,
    /// The reference validator's file for this version, as the catalogue gives it.
    pub source: &'static str,
    /// The tables DfE names, as written (with DfE's own spelling).
    pub tables: Vec<&'static str>,
    /// The fields DfE names, as written.
    pub fields: Vec<&'static str>,
    /// DfE's message, exactly as published (trailing spaces and all).
    pub message: &'static str,
    /// For each table (by [`Table::ALL`] position), the named fields that table has, corrected
    /// and without repeats: what a finding on a row of that table lists.
    fields_by_table: [Vec<&'static str>; 12],
}

impl Entry {
    /// The fields a finding on a row of `table` lists.
    pub fn fields_in(&self, table: Table) -> &[&'static str] {
        &self.fields_by_table[table.index()]
    }
}

/// A malformed catalogue line: the embedded files are checked by the tests, so this is only
/// ever seen by a developer who edits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueError {
    pub year: i32,
    pub line: usize,
    pub problem: String,
}

struct Catalogues {
    years: Vec<(i32, Vec<Entry>)>,
    /// (code, defined_in) to (year index, entry index).
    by_version: HashMap<(&'static str, i32), (usize, usize)>,
}

fn catalogues() -> &'static Result<Catalogues, CatalogueError> {
    static CATALOGUES: OnceLock<Result<Catalogues, CatalogueError>> = OnceLock::new();
    CATALOGUES.get_or_init(|| {
        let mut years = Vec::new();
        let mut by_version = HashMap::new();
        for (y, &(year, text)) in SOURCES.iter().enumerate() {
            let mut entries = parse(year, text)?;
            apply_changes(year, &mut entries)?;
            for (i, e) in entries.iter().enumerate() {
                by_version.entry((e.code, e.defined_in)).or_insert((y, i));
            }
            years.push((year, entries));
        }
        Ok(Catalogues { years, by_version })
    })
}

/// The catalogue of the collection year starting in `start_year`, in the file's order; `None`
/// for a year careful has no catalogue for (or if an embedded file were malformed, which the
/// tests rule out).
pub fn year(start_year: i32) -> Option<&'static [Entry]> {
    let cats = catalogues().as_ref().ok()?;
    cats.years.iter().find(|(y, _)| *y == start_year).map(|(_, e)| e.as_slice())
}

/// The catalogue entry of one version of one rule, from whichever year's catalogue has it.
pub fn entry(code: &str, defined_in: i32) -> Option<&'static Entry> {
    let cats = catalogues().as_ref().ok()?;
    // `HashMap` is covariant in its key, so the `'static` keys can be looked up by a shorter one.
    let by_version: &HashMap<(&str, i32), (usize, usize)> = &cats.by_version;
    let &(y, i) = by_version.get(&(code, defined_in))?;
    cats.years.get(y)?.1.get(i)
}

/// Whether the embedded catalogues parse (for the tests: every other function hides an error).
pub fn check() -> Result<(), CatalogueError> {
    catalogues().as_ref().map(|_| ()).map_err(Clone::clone)
}

/// The collection year named by a reference folder such as `lac2022_23`.
pub fn folder_year(folder: &str) -> Option<i32> {
    folder_year_of(folder, "lac")
}

/// The collection year named by a reference folder with this prefix, such as `cin2022_23`.
pub(crate) fn folder_year_of(folder: &str, prefix: &str) -> Option<i32> {
    let rest = folder.strip_prefix(prefix)?;
    let (start, end) = rest.split_once('_')?;
    let start: i32 = start.parse().ok()?;
    let end: i32 = end.parse().ok()?;
    (end == (start + 1) % 100).then_some(start)
}

fn parse(year: i32, text: &'static str) -> Result<Vec<Entry>, CatalogueError> {
    let err = |line: usize, problem: String| CatalogueError { year, line, problem };
    let mut records = Records { text, pos: 0, line: 1 };
    let header = records.next().ok_or_else(|| err(1, "the file is empty".into()))?.map_err(|p| err(1, p))?;
    let header: Vec<&str> = header.iter().map(|c| c.trim_start_matches('\u{feff}')).collect();
    if header != ["code", "defined_in", "tables", "fields", "message"] {
        return Err(err(1, format!("the header is {header:?}, not code,defined_in,tables,fields,message")));
    }
    let mut entries: Vec<Entry> = Vec::new();
    loop {
        let line = records.line;
        let Some(record) = records.next() else { break };
        let record = record.map_err(|p| err(line, p))?;
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        let [code, source, tables, fields, message] = record[..] else {
            return Err(err(line, format!("{} cells, not 5", record.len())));
        };
        if code.is_empty() || entries.iter().any(|e| e.code == code) {
            return Err(err(line, format!("the code {code:?} is blank or repeated")));
        }
        entries.push(entry_of([code, source, tables, fields, message]).map_err(|p| err(line, p))?);
    }
    Ok(entries)
}

/// An entry from its cells: code, source file, tables, fields and message.
fn entry_of([code, source, tables, fields, message]: [&'static str; 5]) -> Result<Entry, String> {
    let folder = source.split('/').next().unwrap_or("");
    let defined_in =
        folder_year(folder).ok_or_else(|| format!("{source:?} does not start with a lacYYYY_YY folder"))?;
    let tables = list(tables).ok_or_else(|| format!("tables {tables:?} is not a list"))?;
    let fields = list(fields).ok_or_else(|| format!("fields {fields:?} is not a list"))?;
    let fields_by_table = Table::ALL.map(|t| fields_of(t, &fields));
    Ok(Entry { code, defined_in, source, tables, fields, message, fields_by_table })
}

/// Applies the changes that apply to `year` (those from it or an earlier year) to its entries.
fn apply_changes(year: i32, entries: &mut Vec<Entry>) -> Result<(), CatalogueError> {
    let err = |line: usize, problem: String| CatalogueError { year, line, problem: format!("changes: {problem}") };
    let mut records = Records { text: CHANGES, pos: 0, line: 1 };
    let header = records.next().ok_or_else(|| err(1, "the file is empty".into()))?.map_err(|p| err(1, p))?;
    if header != ["from_year", "change", "code", "defined_in", "tables", "fields", "message"] {
        return Err(err(1, format!("the header is {header:?}")));
    }
    loop {
        let line = records.line;
        let Some(record) = records.next() else { break };
        let record = record.map_err(|p| err(line, p))?;
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        let [from, change, code, source, tables, fields, message] = record[..] else {
            return Err(err(line, format!("{} cells, not 7", record.len())));
        };
        let from: i32 = from.parse().map_err(|_| err(line, format!("from_year {from:?}")))?;
        if from > year {
            continue;
        }
        let at = entries.iter().position(|e| e.code == code);
        let entry = || entry_of([code, source, tables, fields, message]).map_err(|p| err(line, p));
        match (change, at) {
            ("add", None) => entries.push(entry()?),
            ("modify", Some(i)) => entries[i] = entry()?,
            ("delete", Some(i)) => {
                entries.remove(i);
            }
            (c, _) => return Err(err(line, format!("cannot {c} {code} in {year}'s catalogue"))),
        }
    }
    Ok(())
}

fn fields_of(table: Table, fields: &[&'static str]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for &f in fields {
        let f = FIELD_CORRECTIONS.iter().find(|(wrong, _)| *wrong == f).map_or(f, |&(_, right)| right);
        let has = table.has_column(f)
            || (table == Table::Episodes && DERIVED.contains(&f))
            || (table == Table::Header && f == super::super::XML_HEADER_UASC);
        if has && !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

/// `['A', 'B']` as `["A", "B"]`.
fn list(text: &'static str) -> Option<Vec<&'static str>> {
    let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    if inner.is_empty() {
        return Some(Vec::new());
    }
    inner
        .split(',')
        .map(|item| {
            let item = item.trim();
            item.strip_prefix('\'')
                .and_then(|i| i.strip_suffix('\''))
                .or_else(|| item.strip_prefix('"').and_then(|i| i.strip_suffix('"')))
        })
        .collect()
}

/// The records of a CSV text embedded in the binary, each a list of cells.
pub(crate) fn csv_records(text: &'static str) -> impl Iterator<Item = Result<Vec<&'static str>, String>> {
    Records { text, pos: 0, line: 1 }
}

/// CSV records (RFC 4180: quoted cells may hold commas, line breaks and doubled quotes).
struct Records {
    text: &'static str,
    pos: usize,
    line: usize,
}

impl Iterator for Records {
    type Item = Result<Vec<&'static str>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let mut cells = Vec::new();
        loop {
            let rest = &self.text[self.pos..];
            if let Some(quoted) = rest.strip_prefix('"') {
                // A quoted cell: runs to the next quote not doubled.
                let mut end = None;
                let mut i = 0;
                let bytes = quoted.as_bytes();
                while i < bytes.len() {
                    if bytes[i] == b'"' {
                        if bytes.get(i + 1) == Some(&b'"') {
                            i += 2;
                            continue;
                        }
                        end = Some(i);
                        break;
                    }
                    i += 1;
                }
                let Some(end) = end else { return Some(Err("a quoted cell is never closed".into())) };
                let raw = &quoted[..end];
                self.line += raw.matches('\n').count();
                cells.push(if raw.contains("\"\"") {
                    // Only at start-up, once per catalogue cell holding a doubled quote.
                    &*Box::leak(raw.replace("\"\"", "\"").into_boxed_str())
                } else {
                    raw
                });
                self.pos += end + 2;
            } else {
                let end = rest.find([',', '\n', '\r']).unwrap_or(rest.len());
                cells.push(&rest[..end]);
                self.pos += end;
            }
            let rest = &self.text[self.pos..];
            if rest.starts_with(',') {
                self.pos += 1;
                continue;
            }
            if rest.starts_with("\r\n") {
                self.pos += 2;
            } else if rest.starts_with('\n') || rest.starts_with('\r') {
                self.pos += 1;
            } else if !rest.is_empty() {
                return Some(Err("text follows a quoted cell".into()));
            }
            self.line += 1;
            return Some(Ok(cells));
        }
    }
}
