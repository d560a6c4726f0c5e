//! A whole SSDA903 return held cell for cell as the council's files hold it.

use std::fmt;

use chrono::NaiveDate;

use super::Table;
use super::build::BuildError;
use super::date::{DateError, parse_date};

/// The form a return was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// One CSV file per table (or built in memory, for writing as CSV).
    Csv,
    /// The single-file `EXPSSDA903` XML form.
    Xml,
}

/// One table of a return: its column names in file order, and its rows, each cell exactly as
/// written (a blank cell is `None`), with the line of the file each row starts on.
///
/// # Layout
///
/// A table keeps all its cells' text in one string (an arena); for each row, where its text
/// starts in that string (`u32`); and for each cell, where its text ends relative to the start
/// of its row (`u16`, so 2 bytes a cell). Line numbers are kept as runs: a new run starts only
/// where a row is not on the line after the previous row's (after a blank line, or a cell
/// holding a line break), so a file with one line per row needs one. Nothing is allocated per
/// row or per cell, so a table takes about the size of its file plus 2 bytes a cell and 4 a
/// row, and loading is a few appends per row. A table's text is limited to 4 GiB and a row's to
/// 64 KiB, far beyond any council's return (a 903 row is a few hundred bytes); the reader
/// reports a larger file or row as an error.
///
/// A blank cell (nothing between the commas, or `""`) is `None`. Anything else, including
/// spaces, is kept exactly; [`TableData::value`] gives the trimmed value with spaces-only
/// treated as blank, which is what most DfE rules mean by "blank".
#[derive(Clone)]
pub struct TableData {
    table: Table,
    file: Box<str>,
    columns: Box<[&'static str]>,
    /// Where each row's text starts in `text`.
    starts: Vec<u32>,
    /// Where each cell's text ends, relative to its row's start, row after row; a cell starts
    /// where the previous one in its row ends.
    ends: Vec<u16>,
    text: String,
    /// `(row, line)`: from data row `row` on, each row is on the line after the one before,
    /// until the next run.
    line_runs: Vec<(u32, u32)>,
}

/// A table's text passed 4 GiB, or one row's 64 KiB, more than the arena's offsets address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TooLarge {
    Table,
    Row,
}

impl TableData {
    /// An empty table whose columns, in file order, are `columns` (DfE's names).
    pub(crate) fn new(table: Table, file: &str, columns: Vec<&'static str>) -> TableData {
        TableData {
            table,
            file: file.into(),
            columns: columns.into_boxed_slice(),
            starts: Vec::new(),
            ends: Vec::new(),
            text: String::new(),
            line_runs: Vec::new(),
        }
    }

    /// A table built in memory from the cells of some of its columns, row by row: `columns`
    /// names the columns given (DfE's names, compared without regard to ASCII case) and each
    /// row holds one cell per named column, in that order (`None` or `""` for blank). The table
    /// has all its columns in the canonical order of [`Table::columns`]; those not named are
    /// blank. A [`Table::Header`] may also be given [`super::XML_HEADER_UASC`], as a return read
    /// from XML has it. Data row `i` is on line `i + 2`, as if written as CSV.
    ///
    /// DfE's validator tests give tables this way, holding only the columns a rule reads.
    pub fn from_rows<S: AsRef<str>>(
        table: Table,
        columns: &[&str],
        rows: impl IntoIterator<Item = impl IntoIterator<Item = Option<S>>>,
    ) -> Result<TableData, BuildError> {
        let mut names: Vec<&'static str> = table.columns().to_vec();
        let mut positions = Vec::with_capacity(columns.len());
        for column in columns {
            let position = match table.column_position(column) {
                Some(p) => p,
                None if table == Table::Header && column.eq_ignore_ascii_case(super::XML_HEADER_UASC) => {
                    names.push(super::XML_HEADER_UASC);
                    names.len() - 1
                }
                None => return Err(BuildError::UnknownColumn { table, column: (*column).to_string() }),
            };
            positions.push(position);
        }
        let mut data = TableData::new(table, &table.file_name(), names);
        let width = data.columns.len();
        for (i, row) in rows.into_iter().enumerate() {
            let mut cells: Vec<Option<S>> = (0..width).map(|_| None).collect();
            let mut found = 0;
            for (cell, &position) in row.into_iter().zip(positions.iter().chain(std::iter::repeat(&usize::MAX))) {
                found += 1;
                if let Some(slot) = cells.get_mut(position) {
                    *slot = cell;
                }
            }
            if found != positions.len() {
                return Err(BuildError::RowLength { table, row: i, expected: positions.len(), found });
            }
            let line = u32::try_from(i + 2).map_err(|_| BuildError::TooLarge { table })?;
            data.push_cells(line, cells.iter().map(|c| c.as_ref().map(AsRef::as_ref)))
                .map_err(|_| BuildError::TooLarge { table })?;
        }
        data.shrink_to_fit();
        Ok(data)
    }

    /// Appends a row whose cells, in column order, are the consecutive pieces of `joined` that
    /// end at the byte offsets `cell_ends` (relative to `joined`). The caller guarantees one end
    /// per column, ascending, each on a character boundary of `joined`.
    pub(crate) fn push_joined(
        &mut self,
        line: u32,
        joined: &str,
        cell_ends: impl Iterator<Item = usize>,
    ) -> Result<(), TooLarge> {
        let start = self.start_row(line, joined.len())?;
        self.text.push_str(joined);
        // Each end is at most `joined.len()`, checked by `start_row`.
        self.ends.extend(cell_ends.map(|end| end as u16));
        self.starts.push(start);
        Ok(())
    }

    /// Appends a row of cells in column order (`None` or `""` for blank). The caller
    /// guarantees one cell per column.
    pub(crate) fn push_cells<'c>(
        &mut self,
        line: u32,
        cells: impl IntoIterator<Item = Option<&'c str>> + Clone,
    ) -> Result<(), TooLarge> {
        let length = cells.clone().into_iter().map(|c| c.map_or(0, str::len)).sum();
        let start = self.start_row(line, length)?;
        let mut end = 0usize;
        for cell in cells {
            let cell = cell.unwrap_or("");
            self.text.push_str(cell);
            end += cell.len();
            self.ends.push(end as u16);
        }
        self.starts.push(start);
        Ok(())
    }

    /// Checks that a row of `length` bytes of text fits, records its line, and gives where its
    /// text will start.
    fn start_row(&mut self, line: u32, length: usize) -> Result<u32, TooLarge> {
        if u16::try_from(length).is_err() {
            return Err(TooLarge::Row);
        }
        let start = u32::try_from(self.text.len()).map_err(|_| TooLarge::Table)?;
        if u32::try_from(self.text.len() + length).is_err() {
            return Err(TooLarge::Table);
        }
        let row = u32::try_from(self.starts.len()).map_err(|_| TooLarge::Table)?;
        let follows = self.line_runs.last().is_some_and(|&(r, l)| l.checked_add(row - r) == Some(line));
        if !follows {
            self.line_runs.push((row, line));
        }
        Ok(start)
    }

    /// Lets go of the cells' text, keeping the table, its file, its number of rows and their
    /// lines: for a table that will be listed but never read (every cell then reads as blank).
    pub fn release_cells(&mut self) {
        self.text = String::new();
        self.ends = Vec::new();
    }

    /// Makes room for `bytes` more of cell text.
    pub(crate) fn reserve_text(&mut self, bytes: usize) {
        self.text.reserve_exact(bytes);
    }

    /// Makes room for `rows` more rows' cells and lines.
    pub(crate) fn reserve_rows(&mut self, rows: usize) {
        self.ends.reserve_exact(rows.saturating_mul(self.columns.len()));
        self.starts.reserve_exact(rows);
    }

    /// Releases the spare capacity left by growing the arena.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.starts.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.line_runs.shrink_to_fit();
    }

    /// The table.
    pub fn table(&self) -> Table {
        self.table
    }

    /// The name of the file the table was read from (as given to the reader), or the file name
    /// it would be written to if it was built in memory.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// DfE's names of the table's columns, in the order the file has them. A table read from a
    /// CSV has exactly [`Table::columns`] in some order; the [`Table::Header`] of a return read
    /// from XML also has [`super::XML_HEADER_UASC`] at the end.
    pub fn columns(&self) -> &[&'static str] {
        &self.columns
    }

    /// The number of data rows.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether the table has no data rows.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Where `column` (DfE's name, compared without regard to ASCII case) stands in
    /// [`TableData::columns`].
    pub fn column_index(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.eq_ignore_ascii_case(column))
    }

    /// The cell of data row `row` (0-based) in column number `column` (as in
    /// [`TableData::columns`]), exactly as written; `None` if blank or out of range.
    pub fn cell_at(&self, row: usize, column: usize) -> Option<&str> {
        let width = self.columns.len();
        if column >= width || row >= self.len() {
            return None;
        }
        let i = row * width + column;
        let row_start = *self.starts.get(row)? as usize;
        let start = if column == 0 { 0 } else { *self.ends.get(i - 1)? as usize };
        let end = *self.ends.get(i)? as usize;
        self.text.get(row_start + start..row_start + end).filter(|s| !s.is_empty())
    }

    /// The cell of data row `row` (0-based) in column `column` (DfE's name, compared without
    /// regard to ASCII case), exactly as written; `None` if blank.
    ///
    /// Asking for a column the table does not have is a mistake in the caller (DfE's own
    /// validator has rules that read columns no file has, and so never fire): debug builds
    /// panic on it, so tests catch it; release builds answer `None`.
    pub fn cell(&self, row: usize, column: &str) -> Option<&str> {
        let index = self.column_index(column);
        debug_assert!(index.is_some(), "the {} table has no column {column:?}", self.table);
        self.cell_at(row, index?)
    }

    /// The cell trimmed of surrounding spaces, `None` if blank or only spaces.
    pub fn value(&self, row: usize, column: &str) -> Option<&str> {
        self.cell(row, column).map(str::trim).filter(|s| !s.is_empty())
    }

    /// The cell read as a DfE `DD/MM/YYYY` date: `Ok(None)` if blank (or only spaces), an
    /// error saying what is wrong if it holds something that is not a date.
    pub fn date(&self, row: usize, column: &str) -> Result<Option<NaiveDate>, DateError> {
        self.value(row, column).map(parse_date).transpose()
    }

    /// The line of the file on which data row `row` starts, counting the file's first line as
    /// 1: with one line per row (no line breaks inside cells), the header is line 1 and data
    /// row 0 is line 2, as a spreadsheet numbers them. For a return read from XML, the line of
    /// the element the row was made from.
    pub fn line(&self, row: usize) -> Option<u64> {
        if row >= self.len() {
            return None;
        }
        let run = self.line_runs.partition_point(|&(r, _)| r as usize <= row).checked_sub(1)?;
        let (first, line) = self.line_runs[run];
        Some(u64::from(line) + (row - first as usize) as u64)
    }

    /// Data row `row` (0-based).
    pub fn row(&self, row: usize) -> Option<Row<'_>> {
        (row < self.len()).then_some(Row { data: self, index: row })
    }

    /// Every data row, in file order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        (0..self.len()).map(move |index| Row { data: self, index })
    }

    /// Bytes held by the table's arena, offsets and line runs (for measuring).
    pub fn heap_size(&self) -> usize {
        self.text.capacity() + self.starts.capacity() * 4 + self.ends.capacity() * 2 + self.line_runs.capacity() * 8
    }
}

/// Tables are equal when they are the same table with the same columns in the same order, the
/// same cells and the same line numbers. The file name is not compared: writing a return and
/// reading it back gives an equal return whatever the files are called.
impl PartialEq for TableData {
    fn eq(&self, other: &Self) -> bool {
        self.table == other.table
            && self.columns == other.columns
            && self.starts == other.starts
            && self.ends == other.ends
            && self.text == other.text
            && self.line_runs == other.line_runs
    }
}

impl Eq for TableData {}

impl fmt::Debug for TableData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: Vec<(u64, Vec<Option<&str>>)> = self
            .rows()
            .map(|r| (r.line(), (0..self.columns.len()).map(|c| self.cell_at(r.index(), c)).collect()))
            .collect();
        f.debug_struct("TableData")
            .field("table", &self.table)
            .field("file", &self.file)
            .field("columns", &self.columns)
            .field("rows", &rows)
            .finish()
    }
}

/// One data row of a [`TableData`].
#[derive(Clone, Copy)]
pub struct Row<'a> {
    data: &'a TableData,
    index: usize,
}

impl<'a> Row<'a> {
    /// The table the row is in.
    pub fn table(&self) -> super::Table {
        self.data.table
    }

    /// The row's 0-based index among the table's data rows (DfE's validator reports errors by
    /// this index).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The line of the file the row starts on (see [`TableData::line`]).
    pub fn line(&self) -> u64 {
        self.data.line(self.index).unwrap_or(0)
    }

    /// The cell in `column`, exactly as written; `None` if blank (see [`TableData::cell`]).
    pub fn get(&self, column: &str) -> Option<&'a str> {
        self.data.cell(self.index, column)
    }

    /// The cell trimmed, `None` if blank or only spaces.
    pub fn value(&self, column: &str) -> Option<&'a str> {
        self.data.value(self.index, column)
    }

    /// The cell read as a `DD/MM/YYYY` date (see [`TableData::date`]).
    pub fn date(&self, column: &str) -> Result<Option<NaiveDate>, DateError> {
        self.data.date(self.index, column)
    }

    /// The row's cells in the table's column order.
    pub fn cells(&self) -> impl ExactSizeIterator<Item = Option<&'a str>> + 'a {
        let (data, index) = (self.data, self.index);
        (0..data.columns.len()).map(move |c| data.cell_at(index, c))
    }
}

impl fmt::Debug for Row<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Row")
            .field("table", &self.data.table)
            .field("index", &self.index)
            .field("line", &self.line())
            .field("cells", &self.cells().collect::<Vec<_>>())
            .finish()
    }
}

/// A whole SSDA903 return: the tables the council's files hold, at most one of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Return {
    format: Format,
    /// Indexed by [`Table::index`].
    tables: [Option<TableData>; 12],
}

impl Return {
    pub(crate) fn new(format: Format) -> Return {
        Return { format, tables: Default::default() }
    }

    /// A return of the given tables (at most one of each: a later table replaces an earlier one
    /// of the same kind), as if read in `format`.
    pub fn from_tables(format: Format, tables: impl IntoIterator<Item = TableData>) -> Return {
        let mut ret = Return::new(format);
        for table in tables {
            ret.insert(table);
        }
        ret
    }

    /// Puts a table in the return, handing back the one it replaces.
    pub(crate) fn insert(&mut self, mut data: TableData) -> Option<TableData> {
        data.shrink_to_fit();
        let slot = &mut self.tables[data.table().index()];
        slot.replace(data)
    }

    /// The form the return was read from.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The table, if the return has it.
    pub fn table(&self, table: Table) -> Option<&TableData> {
        self.tables[table.index()].as_ref()
    }

    /// The tables the return has, in [`Table::ALL`] order.
    pub fn tables(&self) -> impl Iterator<Item = &TableData> {
        self.tables.iter().flatten()
    }

    /// The number of data rows across all tables.
    pub fn row_count(&self) -> usize {
        self.tables().map(TableData::len).sum()
    }

    /// Bytes held by all tables (for measuring).
    pub fn heap_size(&self) -> usize {
        self.tables().map(TableData::heap_size).sum()
    }

    /// Lets go of the cells of every table not in `keep` (see [`TableData::release_cells`]),
    /// for a return of which only those tables will be read.
    pub fn release_cells_except(&mut self, keep: &[Table]) {
        for data in self.tables.iter_mut().flatten() {
            if !keep.contains(&data.table()) {
                data.release_cells();
            }
        }
    }
}

/// What a council submits for validation: this year's return and, optionally, last year's, which
/// DfE's rules compare it with (open episodes carried over, identity consistency, and so on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub this_year: Return,
    pub previous_year: Option<Return>,
}
