//! What every CIN rule works with: the census's tables, the census period, the working-day
//! calendar, and the rows a rule flags.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use careful_domain::WorkingDayCalendar;

use crate::cin::read::{CinTable, CinTableData, CinTables};

pub(crate) struct Ctx<'a> {
    pub tables: &'a CinTables,
    pub calendar: &'static WorkingDayCalendar,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(tables: &'a CinTables) -> Ctx<'a> {
        Ctx { tables, calendar: WorkingDayCalendar::england_and_wales() }
    }

    pub(crate) fn t(&self, table: CinTable) -> &'a CinTableData {
        self.tables.table(table)
    }

    /// The header's `ReferenceDate`, the census's last day.
    pub(crate) fn reference_date(&self) -> Option<NaiveDate> {
        date(self.t(CinTable::Header).value(0, "ReferenceDate"))
    }

    /// The date in `column` of `row`, if it is one.
    pub(crate) fn date(&self, table: CinTable, row: usize, column: &str) -> Option<NaiveDate> {
        date(self.t(table).value(row, column))
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
    pub(crate) fn by_episode(&self, table: CinTable) -> HashMap<(&'a str, &'a str), Vec<usize>> {
        let t = self.t(table);
        let mut out: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for row in 0..t.len() {
            let key = (t.value(row, "LAchildID").unwrap_or(""), t.value(row, "CINdetailsID").unwrap_or(""));
            out.entry(key).or_default().push(row);
        }
        out
    }

    /// The rows of `table`, by child.
    pub(crate) fn by_child(&self, table: CinTable) -> HashMap<&'a str, Vec<usize>> {
        let t = self.t(table);
        let mut out: HashMap<&str, Vec<usize>> = HashMap::new();
        for row in 0..t.len() {
            out.entry(t.value(row, "LAchildID").unwrap_or("")).or_default().push(row);
        }
        out
    }
}

/// A date as the census writes it, `YYYY-MM-DD`.
pub(crate) fn date(text: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text?.trim(), "%Y-%m-%d").ok()
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
