//! Writing an SSDA903 return as DfE's CSV files.
//!
//! Each table is one CSV file: the header row names exactly the table's columns in the
//! canonical order of [`Table::columns`], then one row per data row. Lines end in `\r\n`
//! (CRLF), as RFC 4180 and Excel on Windows write CSV and as DfE's tools expect; careful reads
//! either ending. Cells are written exactly as the model holds them (dates are already
//! `DD/MM/YYYY` text), blanks as empty cells, and a cell is put in double quotes only when it
//! holds a comma, a double quote or a line break. No byte order mark is written.

use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use careful_domain::calendar::CollectionYear;

use super::Table;
use super::model::{Return, TableData};

/// A table that could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The table is not collected in that year.
    NotInYear { table: Table, year: CollectionYear },
    /// Writing failed (for a file, `path` says which).
    Io { path: Option<PathBuf>, source: io::Error },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::NotInYear { table, year } => match table.first_year() {
                Some(first) => {
                    write!(f, "the {table} table is collected from {first}, so it cannot be part of the {year} return")
                }
                None => write!(f, "the {year} return has no {table} table"),
            },
            WriteError::Io { path: Some(path), source } => write!(f, "could not write {}: {source}", path.display()),
            WriteError::Io { path: None, source } => write!(f, "could not write the table: {source}"),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io { source, .. } => Some(source),
            WriteError::NotInYear { .. } => None,
        }
    }
}

/// Writes one table as a CSV file for the `year` return: DfE's column set for the table, in
/// canonical order, then the rows (see the module documentation for the format). A table the
/// year does not collect is an error. The one column a table read from XML can have beyond
/// DfE's CSV set, [`super::XML_HEADER_UASC`], is not written: in the CSV form a child's UASC
/// status is their row in the UASC table, which the XML reader makes.
pub fn write_table(data: &TableData, year: CollectionYear, mut out: impl Write) -> Result<(), WriteError> {
    let table = data.table();
    if !table.exists_in(year) {
        return Err(WriteError::NotInYear { table, year });
    }
    let positions: Vec<Option<usize>> = table.columns().iter().map(|c| data.column_index(c)).collect();
    let mut line = String::with_capacity(256);
    push_record(&mut line, table.columns().iter().copied());
    for row in data.rows() {
        if line.len() >= 32 * 1024 {
            out.write_all(line.as_bytes()).map_err(|source| WriteError::Io { path: None, source })?;
            line.clear();
        }
        push_record(&mut line, positions.iter().map(|p| p.and_then(|c| data.cell_at(row.index(), c)).unwrap_or("")));
    }
    out.write_all(line.as_bytes()).map_err(|source| WriteError::Io { path: None, source })?;
    out.flush().map_err(|source| WriteError::Io { path: None, source })?;
    Ok(())
}

/// Appends one CSV record ending in `\r\n`, quoting the cells that need it.
fn push_record<'c>(out: &mut String, cells: impl Iterator<Item = &'c str>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if cell.contains([',', '"', '\r', '\n']) {
            out.push('"');
            for c in cell.chars() {
                if c == '"' {
                    out.push('"');
                }
                out.push(c);
            }
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
}

/// Writes every table of a return as `<TableName>.csv` in `dir` (which must exist), replacing
/// files of those names, and gives the paths written. An empty table of a table the year does
/// not collect is skipped; one with rows is an error, as nothing may be silently dropped.
pub fn write_return_to_dir(ret: &Return, year: CollectionYear, dir: &Path) -> Result<Vec<PathBuf>, WriteError> {
    let mut written = Vec::new();
    for data in ret.tables() {
        let table = data.table();
        if !table.exists_in(year) {
            if data.is_empty() {
                continue;
            }
            return Err(WriteError::NotInYear { table, year });
        }
        let path = dir.join(table.file_name());
        let with_path = |source: io::Error| WriteError::Io { path: Some(path.clone()), source };
        let file = File::create(&path).map_err(with_path)?;
        let mut out = BufWriter::new(file);
        write_table(data, year, &mut out).map_err(|e| match e {
            WriteError::Io { source, .. } => with_path(source),
            other => other,
        })?;
        out.flush().map_err(with_path)?;
        written.push(path);
    }
    Ok(written)
}
