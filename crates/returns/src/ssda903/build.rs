//! Building a return from typed data, for writing.

use std::fmt;

use careful_domain::calendar::CollectionYear;
use chrono::NaiveDate;

use super::Table;
use super::date::format_date;
use super::model::{Format, Return, TableData};

/// A mistake in building a return: a column or table the return does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// The table has no such column.
    UnknownColumn { table: Table, column: String },
    /// The table is not collected in that year (SWEpisodes before 2023-24, DoLo before 2026-27).
    NotInYear { table: Table, year: CollectionYear },
    /// The table's text passed 4 GiB, or a row's 64 KiB.
    TooLarge { table: Table },
    /// A row given to [`TableData::from_rows`] has more or fewer cells than columns were named.
    RowLength { table: Table, row: usize, expected: usize, found: usize },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::UnknownColumn { table, column } => {
                write!(f, "the {table} table has no column {column:?}; its columns are {}", table.columns().join(", "))
            }
            BuildError::NotInYear { table, year } => match table.first_year() {
                Some(first) => write!(f, "the {table} table is collected from {first}, so the {year} return has none"),
                None => write!(f, "the {year} return has no {table} table"),
            },
            BuildError::TooLarge { table } => {
                write!(f, "the {table} table holds more than 4 GiB of text, or a row more than 64 KiB")
            }
            BuildError::RowLength { table, row, expected, found } => {
                write!(f, "row {row} of the {table} table has {found} cells for {expected} columns")
            }
        }
    }
}

impl std::error::Error for BuildError {}

/// One row of one table, set cell by cell by DfE's column names. Columns left unset are blank.
///
/// ```ignore
/// let row = RowBuilder::new(Table::Episodes)
///     .set("CHILD", "EM0001")?
///     .date("DECOM", decom)?
///     .set("RNE", "S")?
///     .set_opt("REC", None::<&str>)?;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowBuilder {
    table: Table,
    /// In [`Table::columns`] order.
    cells: Vec<Option<String>>,
}

impl RowBuilder {
    /// A row of `table` with every cell blank.
    pub fn new(table: Table) -> RowBuilder {
        RowBuilder { table, cells: vec![None; table.columns().len()] }
    }

    /// The table the row belongs to.
    pub fn table(&self) -> Table {
        self.table
    }

    /// Sets `column` (DfE's name, compared without regard to ASCII case) to `value`, exactly as
    /// it should be written. An empty value is a blank cell. A column the table does not have is
    /// an error.
    pub fn set(self, column: &str, value: impl AsRef<str>) -> Result<RowBuilder, BuildError> {
        self.set_opt(column, Some(value))
    }

    /// Sets `column` to `value`, or leaves it blank for `None`.
    pub fn set_opt(mut self, column: &str, value: Option<impl AsRef<str>>) -> Result<RowBuilder, BuildError> {
        let Some(i) = self.table.column_position(column) else {
            return Err(BuildError::UnknownColumn { table: self.table, column: column.to_string() });
        };
        self.cells[i] = value.map(|v| v.as_ref().to_string()).filter(|v| !v.is_empty());
        Ok(self)
    }

    /// Sets `column` to `date`, written as DfE's `DD/MM/YYYY`.
    pub fn date(self, column: &str, date: NaiveDate) -> Result<RowBuilder, BuildError> {
        self.set(column, format_date(date))
    }

    /// Sets `column` to `date` as `DD/MM/YYYY`, or leaves it blank for `None`.
    pub fn date_opt(self, column: &str, date: Option<NaiveDate>) -> Result<RowBuilder, BuildError> {
        self.set_opt(column, date.map(format_date))
    }

    /// The value set for `column`, if any.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.table.column_position(column).and_then(|i| self.cells[i].as_deref())
    }
}

/// A return for one collection year, built row by row. It starts with every table of the year,
/// empty, so that a return with no adoptions still has its (empty) AD1 table.
#[derive(Debug, Clone)]
pub struct ReturnBuilder {
    year: CollectionYear,
    /// Each table of the year, with the line its next row will start on when written.
    tables: Vec<(TableData, u32)>,
}

impl ReturnBuilder {
    /// An empty return for `year`, with every table DfE collects that year.
    pub fn new(year: CollectionYear) -> ReturnBuilder {
        let tables =
            Table::in_year(year).map(|t| (TableData::new(t, &t.file_name(), t.columns().to_vec()), 2)).collect();
        ReturnBuilder { year, tables }
    }

    /// The year the return is for.
    pub fn year(&self) -> CollectionYear {
        self.year
    }

    /// Adds a row to its table. Each row's line number is the line the CSV writer will put it
    /// on (the header is line 1; a line break inside a cell moves later rows down).
    pub fn push(&mut self, row: RowBuilder) -> Result<(), BuildError> {
        let table = row.table;
        let Some((data, next_line)) = self.tables.iter_mut().find(|(d, _)| d.table() == table) else {
            return Err(BuildError::NotInYear { table, year: self.year });
        };
        data.push_cells(*next_line, row.cells.iter().map(|c| c.as_deref()))
            .map_err(|_| BuildError::TooLarge { table })?;
        let breaks: usize = row.cells.iter().flatten().map(|c| c.bytes().filter(|&b| b == b'\n').count()).sum();
        let breaks = u32::try_from(breaks).unwrap_or(u32::MAX);
        *next_line = next_line.saturating_add(1).saturating_add(breaks);
        Ok(())
    }

    /// The finished return.
    pub fn finish(self) -> Return {
        let mut ret = Return::new(Format::Csv);
        for (data, _) in self.tables {
            ret.insert(data);
        }
        ret
    }
}
