//! What every CIN rule works with: the census's tables, the census period, the working-day
//! calendar, the shared indexes of the tables, and the rows a rule flags.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use chrono::NaiveDate;

use careful_domain::WorkingDayCalendar;

use crate::cin::date::parse_ymd;
use crate::cin::read::{CinTable, CinTableData, CinTables};
use crate::fxhash::FxHasher;

/// A map keyed by child IDs (and episode IDs) from the census, with a fast hash.
pub(crate) type Map<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A set of child IDs (and other keys) from the census, with a fast hash.
pub(crate) type Set<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// The rows of a table by child (`LAchildID`), each child's in file order.
pub(crate) type ByChild<'a> = Map<&'a str, Vec<usize>>;

/// The rows of a table by child and episode (`LAchildID`, `CINdetailsID`), in file order.
pub(crate) type ByEpisode<'a> = Map<(&'a str, &'a str), Vec<usize>>;

/// A column's cells read as dates (`None` when blank or not a date).
type DateColumn = Box<[Option<NaiveDate>]>;

/// The census and what the rules share: each table's rows by child and by episode, and each
/// date column read as dates, each built when a rule first asks for it and kept for every later
/// rule (about a hundred rules group a table's rows, against eleven tables).
pub(crate) struct Ctx<'a> {
    pub tables: &'a CinTables,
    pub calendar: &'static WorkingDayCalendar,
    by_child: [OnceLock<ByChild<'a>>; CinTable::ALL.len()],
    by_episode: [OnceLock<ByEpisode<'a>>; CinTable::ALL.len()],
    /// By table and column: the column's cells as dates.
    dates: [Box<[OnceLock<DateColumn>]>; CinTable::ALL.len()],
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(tables: &'a CinTables) -> Ctx<'a> {
        Ctx {
            tables,
            calendar: WorkingDayCalendar::england_and_wales(),
            by_child: std::array::from_fn(|_| OnceLock::new()),
            by_episode: std::array::from_fn(|_| OnceLock::new()),
            dates: std::array::from_fn(|i| (0..CinTable::ALL[i].columns().len()).map(|_| OnceLock::new()).collect()),
        }
    }

    pub(crate) fn t(&self, table: CinTable) -> &'a CinTableData {
        self.tables.table(table)
    }

    /// The header's `ReferenceDate`, the census's last day.
    pub(crate) fn reference_date(&self) -> Option<NaiveDate> {
        self.date(CinTable::Header, 0, "ReferenceDate")
    }

    /// The date in `column` of `row`, if it is one.
    pub(crate) fn date(&self, table: CinTable, row: usize, column: &str) -> Option<NaiveDate> {
        let t = self.t(table);
        let c = t.column(column)?;
        let cells =
            self.dates[table.index()][c].get_or_init(|| (0..t.len()).map(|r| date(t.value(r, column))).collect());
        cells.get(row).copied().flatten()
    }

    /// The value of `column` in `row`, trimmed; `None` when blank.
    pub(crate) fn value(&self, table: CinTable, row: usize, column: &str) -> Option<&'a str> {
        self.t(table).value(row, column)
    }

    /// Whether `column` of `row` holds a value.
    pub(crate) fn has(&self, table: CinTable, row: usize, column: &str) -> bool {
        self.value(table, row, column).is_some()
    }

    /// The rows of `table`, by child and episode (`LAchildID`, `CINdetailsID`).
    pub(crate) fn by_episode(&self, table: CinTable) -> &ByEpisode<'a> {
        self.by_episode[table.index()].get_or_init(|| {
            let t = self.t(table);
            let mut out = ByEpisode::default();
            for row in 0..t.len() {
                let key = (t.value(row, "LAchildID").unwrap_or(""), t.value(row, "CINdetailsID").unwrap_or(""));
                out.entry(key).or_default().push(row);
            }
            out
        })
    }

    /// The rows of `table`, by child.
    pub(crate) fn by_child(&self, table: CinTable) -> &ByChild<'a> {
        self.by_child[table.index()].get_or_init(|| {
            let t = self.t(table);
            let mut out = ByChild::default();
            for row in 0..t.len() {
                out.entry(t.value(row, "LAchildID").unwrap_or("")).or_default().push(row);
            }
            out
        })
    }
}

/// A date as the census writes it, `YYYY-MM-DD`.
pub(crate) fn date(text: Option<&str>) -> Option<NaiveDate> {
    parse_ymd(text?.trim())
}

/// Whether `value` is one of `codes`, without regard to ASCII case.
pub(crate) fn is_code(value: &str, codes: &[&str]) -> bool {
    codes.iter().any(|c| c.eq_ignore_ascii_case(value.trim()))
}

/// The rows a rule flags, each with the fields at fault.
#[derive(Default)]
pub(crate) struct Flags {
    rows: BTreeMap<(CinTable, usize), Vec<&'static str>>,
}

impl Flags {
    /// Flags `row` of `table` at `fields`.
    pub(crate) fn flag(&mut self, table: CinTable, row: usize, fields: &[&'static str]) {
        let at = self.rows.entry((table, row)).or_default();
        for f in fields {
            if !at.contains(f) {
                at.push(f);
            }
        }
    }

    pub(crate) fn into_sorted(self) -> Vec<(CinTable, usize, Vec<&'static str>)> {
        self.rows.into_iter().map(|((t, r), f)| (t, r, f)).collect()
    }
}
