//! The shared, indexed view of a return that every rule reads.
//!
//! Built once per validation: each row's child is interned to a number (the same child has the
//! same number in both years' returns), and the rest is computed the first time a rule asks for
//! it and then kept for every later rule: the rows of each child in each table, each date
//! column parsed, the episodes of each child in date order, the children looked after for 12
//! months. Rules never reparse what another rule has read.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use chrono::{Months, NaiveDate};

use super::super::date::parse_date;
use super::super::model::{Format, Return, TableData};
use super::super::{Table, XML_HEADER_UASC};
use super::meta::{DerivedPlacement, Metadata};
use crate::fxhash::FxHasher;

/// A child, as a number shared by both years' returns. Child IDs are compared trimmed and
/// without regard to ASCII case, as DfE's validator upper-cases everything it reads.
pub(crate) type Child = u32;

/// Episode codes of legal status for short breaks (respite care), which most rules leave out.
pub(crate) const RESPITE: &[&str] = &["V3", "V4"];

/// A date cell: blank, unreadable, or a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateCell {
    Blank,
    Invalid,
    Date(NaiveDate),
}

impl DateCell {
    fn read(text: Option<&str>) -> DateCell {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => DateCell::Blank,
            Some(t) => parse_date(t).map_or(DateCell::Invalid, DateCell::Date),
        }
    }

    /// The date, treating an unreadable cell as missing.
    pub(crate) fn date(self) -> Option<NaiveDate> {
        match self {
            DateCell::Date(d) => Some(d),
            DateCell::Blank | DateCell::Invalid => None,
        }
    }

    /// Whether the cell holds something that is not a `DD/MM/YYYY` date.
    pub(crate) fn is_invalid(self) -> bool {
        self == DateCell::Invalid
    }
}

/// `date` plus `years` whole years (29 February plus a year is 28 February), so that a child
/// born on `dob` is aged at least `years` on any day on or after `years_after(dob, years)`.
pub(crate) fn years_after(date: NaiveDate, years: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(years.checked_mul(12)?))
}

/// Whether a child born on `dob` is aged at least `years` on `day`.
pub(crate) fn aged_at_least(dob: NaiveDate, years: u32, day: NaiveDate) -> bool {
    years_after(dob, years).is_some_and(|d| d <= day)
}

/// `text` without the spaces around it, as [`str::trim`] gives it, quickly for the usual cell
/// that has none.
pub(crate) fn trimmed(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// Whether `value` is one of `codes`, compared without regard to ASCII case.
pub(crate) fn is_code(value: &str, codes: &[&str]) -> bool {
    codes.iter().any(|c| c.eq_ignore_ascii_case(value))
}

/// A column of a table, looked up once by name so that reading a cell is an index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col(Option<usize>);

/// A [`DateCell`] in 4 bytes rather than 8: blank is no date, and unreadable is chrono's
/// earliest date (262,144 BCE), which no `DD/MM/YYYY` cell can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PackedDate(Option<NaiveDate>);

impl PackedDate {
    const BLANK: PackedDate = PackedDate(None);
    const INVALID: PackedDate = PackedDate(Some(NaiveDate::MIN));

    fn pack(cell: DateCell) -> PackedDate {
        match cell {
            DateCell::Blank => PackedDate::BLANK,
            DateCell::Invalid => PackedDate::INVALID,
            DateCell::Date(d) => PackedDate(Some(d)),
        }
    }

    fn unpack(self) -> DateCell {
        match self.0 {
            None => DateCell::Blank,
            Some(NaiveDate::MIN) => DateCell::Invalid,
            Some(d) => DateCell::Date(d),
        }
    }
}

/// A date column, parsed once. Reading a column the table does not have gives blanks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dates<'t>(Option<&'t [PackedDate]>);

impl Dates<'_> {
    /// The cell of `row`.
    pub(crate) fn cell(&self, row: usize) -> DateCell {
        self.0.and_then(|d| d.get(row).copied()).map_or(DateCell::Blank, PackedDate::unpack)
    }

    /// The date of `row`, treating an unreadable cell as missing.
    pub(crate) fn get(&self, row: usize) -> Option<NaiveDate> {
        self.cell(row).date()
    }
}

/// Rows grouped by child, in file order within each child; rows with no child are left out.
///
/// A table with rows for most children keeps where each child's rows start
/// (`rows[starts[c]..starts[c + 1]]` are child `c`'s); a table with rows for few children (AD1,
/// Missing...) keeps each row's child beside it, sorted, and finds a child's rows by binary
/// search, so that it takes 8 bytes a row rather than 4 bytes for every child of the return.
#[derive(Debug)]
enum Grouped {
    Dense {
        starts: Vec<u32>,
        rows: Vec<u32>,
    },
    /// `present` has a bit for each child with rows, so that the many children without any
    /// are answered without a search.
    Sparse {
        children: Vec<Child>,
        rows: Vec<u32>,
        present: Vec<u64>,
    },
}

impl Grouped {
    /// Groups rows by child, keeping file order within each child.
    fn new(children: &[Child], child_count: usize) -> Grouped {
        let with_child = children.iter().filter(|&&c| (c as usize) < child_count).count();
        if with_child.saturating_mul(4) < child_count {
            let mut pairs: Vec<(Child, u32)> = children
                .iter()
                .enumerate()
                .filter(|&(_, &c)| (c as usize) < child_count)
                .map(|(row, &c)| (c, row as u32))
                .collect();
            pairs.sort_unstable();
            let mut present = vec![0u64; child_count.div_ceil(64)];
            for &(c, _) in &pairs {
                present[c as usize / 64] |= 1 << (c % 64);
            }
            let (children, rows) = pairs.into_iter().unzip();
            return Grouped::Sparse { children, rows, present };
        }
        // A counting sort.
        let mut starts = vec![0u32; child_count + 1];
        for &c in children {
            if let Some(s) = starts.get_mut(c as usize + 1) {
                *s += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut rows = vec![0u32; starts.last().copied().unwrap_or(0) as usize];
        for (row, &c) in children.iter().enumerate() {
            if let Some(n) = next.get_mut(c as usize) {
                rows[*n as usize] = row as u32;
                *n += 1;
            }
        }
        Grouped::Dense { starts, rows }
    }

    fn range(&self, child: Child) -> std::ops::Range<usize> {
        match self {
            Grouped::Dense { starts, .. } => {
                let c = child as usize;
                match (starts.get(c), starts.get(c + 1)) {
                    (Some(&a), Some(&b)) => a as usize..b as usize,
                    _ => 0..0,
                }
            }
            Grouped::Sparse { children, present, .. } => {
                if present.get(child as usize / 64).is_none_or(|bits| bits & (1 << (child % 64)) == 0) {
                    return 0..0;
                }
                let a = children.partition_point(|&c| c < child);
                a..a + children[a..].partition_point(|&c| c == child)
            }
        }
    }

    fn rows(&self) -> &[u32] {
        match self {
            Grouped::Dense { rows, .. } | Grouped::Sparse { rows, .. } => rows,
        }
    }

    fn get(&self, child: Child) -> &[u32] {
        let range = self.range(child);
        self.rows().get(range).unwrap_or(&[])
    }

    /// Sorts each child's rows by `key`.
    fn sort_each_by_key<K: Ord>(&mut self, key: impl Fn(u32) -> K) {
        match self {
            Grouped::Dense { starts, rows } => {
                for pair in starts.windows(2) {
                    if let Some(group) = rows.get_mut(pair[0] as usize..pair[1] as usize) {
                        group.sort_by_key(|&r| key(r));
                    }
                }
            }
            Grouped::Sparse { children, rows, .. } => {
                let mut start = 0;
                for i in 1..=children.len() {
                    if i == children.len() || children[i] != children[start] {
                        rows[start..i].sort_by_key(|&r| key(r));
                        start = i;
                    }
                }
            }
        }
    }
}

/// One table of one year, with its rows' children and caches.
pub(crate) struct TableView<'a> {
    data: &'a TableData,
    children: Vec<Child>,
    child_count: usize,
    by_child: OnceLock<Grouped>,
    dates: Box<[OnceLock<Box<[PackedDate]>>]>,
}

impl<'a> TableView<'a> {
    /// The table.
    pub(crate) fn data(&self) -> &'a TableData {
        self.data
    }

    /// The number of data rows.
    pub(crate) fn len(&self) -> usize {
        self.data.len()
    }

    /// Every data row's index.
    pub(crate) fn rows(&self) -> std::ops::Range<usize> {
        0..self.data.len()
    }

    /// Whether the table has the column (a Header read from CSV has no `UASC` column).
    pub(crate) fn has_column(&self, name: &str) -> bool {
        self.data.column_index(name).is_some()
    }

    /// The column `name` (DfE's name). Asking for a column the table cannot have is a mistake
    /// in a rule, caught in debug builds.
    pub(crate) fn col(&self, name: &str) -> Col {
        let table = self.data.table();
        debug_assert!(
            table.has_column(name) || (table == Table::Header && name == XML_HEADER_UASC),
            "the {table} table has no column {name:?}"
        );
        Col(self.data.column_index(name))
    }

    /// The cell trimmed, `None` if blank.
    pub(crate) fn value(&self, row: usize, col: Col) -> Option<&'a str> {
        let text = trimmed(self.data.cell_at(row, col.0?)?);
        (!text.is_empty()).then_some(text)
    }

    /// Whether the cell is filled in (not blank, not only spaces).
    pub(crate) fn has(&self, row: usize, col: Col) -> bool {
        self.value(row, col).is_some()
    }

    /// Whether the cell is `code`, without regard to ASCII case.
    pub(crate) fn is(&self, row: usize, col: Col, code: &str) -> bool {
        self.value(row, col).is_some_and(|v| v.eq_ignore_ascii_case(code))
    }

    /// Whether the cell is one of `codes`, without regard to ASCII case.
    pub(crate) fn is_in(&self, row: usize, col: Col, codes: &[&str]) -> bool {
        self.value(row, col).is_some_and(|v| is_code(v, codes))
    }

    /// Whether the cell is filled in with something other than one of `codes`.
    pub(crate) fn is_not_in(&self, row: usize, col: Col, codes: &[&str]) -> bool {
        self.value(row, col).is_some_and(|v| !is_code(v, codes))
    }

    /// The column `name` read as dates, parsed the first time any rule asks.
    pub(crate) fn dates(&self, name: &str) -> Dates<'_> {
        let Col(Some(index)) = self.col(name) else { return Dates(None) };
        let Some(cell) = self.dates.get(index) else { return Dates(None) };
        let parsed = cell.get_or_init(|| {
            (0..self.len()).map(|row| PackedDate::pack(DateCell::read(self.data.cell_at(row, index)))).collect()
        });
        Dates(Some(parsed))
    }

    /// The child of `row`, `None` if its CHILD cell is blank.
    pub(crate) fn child(&self, row: usize) -> Option<Child> {
        self.children.get(row).copied().filter(|&c| c != NO_CHILD)
    }

    /// The rows of the child of `row` (none if its CHILD is blank), in file order.
    pub(crate) fn rows_of_row(&self, row: usize) -> &[u32] {
        self.child(row).map_or(&[], |c| self.rows_of(c))
    }

    /// The rows of `child`, in file order.
    pub(crate) fn rows_of(&self, child: Child) -> &[u32] {
        self.by_child.get_or_init(|| Grouped::new(&self.children, self.child_count)).get(child)
    }

    /// Whether the table has a row for `child`.
    pub(crate) fn has_child(&self, child: Child) -> bool {
        !self.rows_of(child).is_empty()
    }
}

const NO_CHILD: Child = Child::MAX;

/// One year's return, indexed.
pub(crate) struct YearData<'a> {
    ret: &'a Return,
    tables: [Option<TableView<'a>>; 12],
    /// The derived placement fields, when given for exactly this year's episodes.
    placements: Option<&'a [DerivedPlacement]>,
    episodes_in_order: OnceLock<Grouped>,
    child_count: usize,
}

impl<'a> YearData<'a> {
    /// The table, if the return has it.
    pub(crate) fn table(&self, table: Table) -> Option<&TableView<'a>> {
        self.tables[table.index()].as_ref()
    }

    /// Every child number (of both years' returns; most have rows in only some tables).
    pub(crate) fn children(&self) -> impl Iterator<Item = Child> + use<> {
        (0..self.child_count).map(|c| c as Child)
    }

    /// The child's first Header row.
    pub(crate) fn header_row(&self, child: Child) -> Option<usize> {
        self.table(Table::Header)?.rows_of(child).first().map(|&r| r as usize)
    }

    /// The child's date of birth, from their first Header row.
    pub(crate) fn dob(&self, child: Child) -> Option<NaiveDate> {
        let header = self.table(Table::Header)?;
        header.dates("DOB").get(self.header_row(child)?)
    }

    /// The form the return was read from.
    pub(crate) fn format(&self) -> Format {
        self.ret.format()
    }

    /// The derived placement fields of the Episodes row `row`.
    pub(crate) fn placement(&self, row: usize) -> Option<&'a DerivedPlacement> {
        self.placements?.get(row)
    }

    /// Whether the derived placement fields were given, one per episode.
    pub(crate) fn has_placements(&self) -> bool {
        self.placements.is_some()
    }

    /// The child's episodes ordered by start date (DECOM), then file order; episodes whose
    /// DECOM is blank or unreadable come last.
    pub(crate) fn episodes_of(&self, child: Child) -> &[u32] {
        let Some(eps) = self.table(Table::Episodes) else { return &[] };
        self.episodes_in_order
            .get_or_init(|| {
                let decom = eps.dates("DECOM");
                let mut grouped = Grouped::new(&eps.children, self.child_count);
                grouped.sort_each_by_key(|r| (decom.get(r as usize).is_none(), decom.get(r as usize), r));
                grouped
            })
            .get(child)
    }

    /// The child's episode open at the end of `day` (started on or before it, and with no date
    /// ceased or one after it), the latest-starting if several; short breaks included.
    pub(crate) fn open_episode_at(&self, child: Child, day: NaiveDate) -> Option<usize> {
        let eps = self.table(Table::Episodes)?;
        let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
        self.episodes_of(child)
            .iter()
            .rev()
            .map(|&r| r as usize)
            .find(|&r| decom.get(r).is_some_and(|d| d <= day) && dec.get(r).is_none_or(|d| d > day))
    }

    /// The row of the first episode of the period of care that episode `row` (of `child`)
    /// belongs to: walking back through the child's episodes (in start date order) while this
    /// one does not start a new period (reason for new episode S) and the one before ended with
    /// X1 (a new episode began) on the day this one started.
    pub(crate) fn period_start(&self, child: Child, row: usize) -> usize {
        let Some(eps) = self.table(Table::Episodes) else { return row };
        let (rne, rec) = (eps.col("RNE"), eps.col("REC"));
        let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
        let order = self.episodes_of(child);
        let Some(mut i) = order.iter().position(|&r| r as usize == row) else { return row };
        while i > 0 {
            let (this, before) = (order[i] as usize, order[i - 1] as usize);
            let continues = !eps.is(this, rne, "S")
                && eps.is(before, rec, "X1")
                && dec.get(before).is_some_and(|d| Some(d) == decom.get(this));
            if !continues {
                break;
            }
            i -= 1;
        }
        order[i] as usize
    }

    /// Whether the child of Header row `row` is an unaccompanied asylum-seeking child: the row's
    /// own `<UASC>` item when the Header has one (a return read from XML), else as
    /// [`YearData::is_uasc`].
    pub(crate) fn header_row_is_uasc(&self, row: usize) -> bool {
        let Some(header) = self.table(Table::Header) else { return false };
        if header.has_column(XML_HEADER_UASC) {
            return header.is(row, header.col(XML_HEADER_UASC), "1");
        }
        header.child(row).is_some_and(|c| self.is_uasc(c))
    }

    /// Whether the child is an unaccompanied asylum-seeking child in this return: from the
    /// Header's `<UASC>` item when the return was read from XML, else from the child having a
    /// row in the UASC table (as DfE's validator derives it for CSV files).
    pub(crate) fn is_uasc(&self, child: Child) -> bool {
        if let Some(header) = self.table(Table::Header) {
            let uasc = header.col(XML_HEADER_UASC);
            if uasc.0.is_some() {
                return header.rows_of(child).iter().any(|&r| header.is(r as usize, uasc, "1"));
            }
        }
        self.table(Table::Uasc).is_some_and(|t| t.has_child(child))
    }
}

/// Everything a rule reads: the metadata and both years' returns, indexed.
pub(crate) struct Ctx<'a> {
    pub(crate) meta: &'a Metadata,
    pub(crate) this: YearData<'a>,
    pub(crate) last: Option<YearData<'a>>,
    pub(crate) cohort: OnceLock<super::cohort::Cohort>,
}

impl<'a> Ctx<'a> {
    /// Indexes both returns: interns every row's child. Everything else waits until a rule
    /// asks for it.
    pub(crate) fn new(this_year: &'a Return, previous_year: Option<&'a Return>, meta: &'a Metadata) -> Ctx<'a> {
        // Most children of both years have a Header row in this year's return or last year's.
        let headers = [Some(this_year), previous_year].into_iter().flatten().filter_map(|r| r.table(Table::Header));
        let mut interner = Interner::with_capacity(headers.map(TableData::len).sum());
        let this = index_children(this_year, &mut interner, None);
        let read_last_year = super::previous_year_tables(meta.year());
        let last = previous_year.map(|r| (r, index_children(r, &mut interner, Some(&read_last_year))));
        let child_count = interner.len();
        let this = YearData::new(this_year, this, child_count, meta.derived_placements());
        let last =
            last.map(|(r, tables)| YearData::new(r, tables, child_count, meta.previous_year_derived_placements()));
        Ctx { meta, this, last, cohort: OnceLock::new() }
    }

    /// The first day of the collection period.
    pub(crate) fn start(&self) -> NaiveDate {
        self.meta.collection_start()
    }

    /// The last day of the collection period.
    pub(crate) fn end(&self) -> NaiveDate {
        self.meta.collection_end()
    }
}

impl<'a> YearData<'a> {
    fn new(
        ret: &'a Return,
        children: [Option<(&'a TableData, Vec<Child>)>; 12],
        child_count: usize,
        placements: Option<&'a [DerivedPlacement]>,
    ) -> YearData<'a> {
        let tables = children.map(|t| {
            t.map(|(data, children)| TableView {
                data,
                children,
                child_count,
                by_child: OnceLock::new(),
                dates: (0..data.columns().len()).map(|_| OnceLock::new()).collect(),
            })
        });
        let episodes = ret.table(Table::Episodes).map_or(0, TableData::len);
        let placements = placements.filter(|p| p.len() == episodes);
        YearData { ret, tables, placements, episodes_in_order: OnceLock::new(), child_count }
    }
}

/// Interns the children of the return's tables (only of `only`, if given: the others are left
/// out, as if the return did not have them).
fn index_children<'a>(
    ret: &'a Return,
    interner: &mut Interner<'a>,
    only: Option<&[Table]>,
) -> [Option<(&'a TableData, Vec<Child>)>; 12] {
    let mut out: [Option<(&'a TableData, Vec<Child>)>; 12] = Default::default();
    for data in ret.tables().filter(|t| only.is_none_or(|only| only.contains(&t.table()))) {
        let children = match data.column_index("CHILD") {
            Some(col) => {
                // A child's rows usually come together, so the previous row's child is tried
                // before the table of every child.
                let mut last: Option<(&str, Child)> = None;
                (0..data.len())
                    .map(|row| {
                        let cell = data.cell_at(row, col);
                        match (last, cell) {
                            (Some((id, child)), Some(cell)) if id == cell => child,
                            _ => {
                                let child = interner.intern(cell);
                                last = cell.map(|cell| (cell, child));
                                child
                            }
                        }
                    })
                    .collect()
            }
            None => vec![NO_CHILD; data.len()],
        };
        out[data.table().index()] = Some((data, children));
    }
    out
}

/// Child IDs to numbers. The IDs are borrowed from the returns' own text, except the few
/// written with lower-case letters, which are kept upper-cased.
struct Interner<'a> {
    ids: HashMap<Cow<'a, str>, Child, BuildHasherDefault<FxHasher>>,
}

impl<'a> Interner<'a> {
    fn with_capacity(children: usize) -> Interner<'a> {
        Interner { ids: HashMap::with_capacity_and_hasher(children, BuildHasherDefault::default()) }
    }

    fn intern(&mut self, cell: Option<&'a str>) -> Child {
        let Some(id) = cell.map(trimmed).filter(|s| !s.is_empty()) else { return NO_CHILD };
        let key = if id.bytes().any(|b| b.is_ascii_lowercase()) {
            Cow::Owned(id.to_ascii_uppercase())
        } else {
            Cow::Borrowed(id)
        };
        if let Some(&c) = self.ids.get(key.as_ref()) {
            return c;
        }
        let c = Child::try_from(self.ids.len()).unwrap_or(NO_CHILD - 1);
        self.ids.insert(key, c);
        c
    }

    fn len(&self) -> usize {
        self.ids.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both ways of grouping give every child's rows in file order, and none for a child
    /// without rows or out of range; sorting each child's rows works the same on both.
    #[test]
    fn sparse_and_dense_grouping_give_the_same_rows() {
        let children = [3, NO_CHILD, 0, 3, 7, 0, 3, NO_CHILD, 7];
        for child_count in [8, 100] {
            let mut grouped = Grouped::new(&children, child_count);
            assert_eq!(matches!(grouped, Grouped::Sparse { .. }), child_count == 100);
            assert_eq!(grouped.get(0), [2, 5]);
            assert_eq!(grouped.get(3), [0, 3, 6]);
            assert_eq!(grouped.get(7), [4, 8]);
            assert_eq!(grouped.get(1), [0u32; 0]);
            assert_eq!(grouped.get(99), [0u32; 0]);
            assert_eq!(grouped.get(NO_CHILD), [0u32; 0]);
            grouped.sort_each_by_key(std::cmp::Reverse);
            assert_eq!(grouped.get(3), [6, 3, 0]);
            assert_eq!(grouped.get(0), [5, 2]);
        }
    }

    #[test]
    fn a_packed_date_cell_reads_back_as_it_was() {
        for cell in [
            DateCell::Blank,
            DateCell::Invalid,
            DateCell::Date(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()),
            DateCell::Date(NaiveDate::from_ymd_opt(1, 1, 1).unwrap()),
            DateCell::Date(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()),
        ] {
            assert_eq!(PackedDate::pack(cell).unpack(), cell);
        }
        assert_eq!(std::mem::size_of::<PackedDate>(), 4);
    }
}
