//! The SSDA903 return (children looked after) as files.
//!
//! DfE collects the SSDA903 as a set of CSV tables (one file per table) or as one XML file in
//! the "expanded SSDA903" layout (`EXPSSDA903`). This module holds:
//!
//! - [`Table`]: DfE's twelve tables, their exact column sets and the collection years they
//!   exist in;
//! - [`Return`] and [`TableData`]: a whole return holding every cell exactly as the council's
//!   file holds it, with the line each row came from, so that validation can report on what
//!   was written;
//! - [`read_return`] and [`read_submission`]: the reader, which recognises each CSV's table by
//!   its header row alone and also reads the XML form, reporting every problem as a
//!   [`ReadError`];
//! - [`write_table`] and [`write_return_to_dir`]: the CSV writer;
//! - [`RowBuilder`] and [`ReturnBuilder`]: build a return from typed data, refusing columns a
//!   table does not have;
//! - [`parse_date`] and [`format_date`]: DfE's `DD/MM/YYYY` dates;
//! - [`validate`]: DfE's validation rules, run on a return;
//! - [`postcodes`]: the ONS postcode directory, from which the placement fields DfE derives
//!   (`PL_LA`, `PL_LOCATION`, `PL_DISTANCE`) are derived;
//! - [`report`]: a validation report rendered as a terminal table, CSV, JSON or HTML.
//!
//! # Sources for the format
//!
//! The tables and column sets are those DfE's SSDA903 guidance names and the DfE-endorsed
//! validator (Data to Insight's `csc-validator-be-903`) accepts: a CSV is one table exactly when
//! its header row holds exactly that table's columns, in any order. The canonical column order
//! used for writing is the order in which those column sets are listed in the guidance
//! (`Header`: CHILD, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB, ...).

mod build;
mod date;
mod model;
pub mod postcodes;
pub(crate) mod read;
pub mod report;
pub mod validate;
mod write;
pub(crate) mod xml;

#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use careful_domain::calendar::CollectionYear;

pub use build::{BuildError, ReturnBuilder, RowBuilder};
pub use date::{DateError, DateProblem, format_date, parse_date};
pub use model::{Format, Return, Row, Submission, TableData};
pub use read::{ReadError, ReadErrorKind, Source, read_return, read_submission};
pub use write::{WriteError, write_return_to_dir, write_table};

/// The extra column that a return read from the XML form carries in its [`Table::Header`]: the
/// child's UASC status (`0` or `1`) exactly as the `<UASC>` element holds it. The CSV form has
/// no such column: there, a child is UASC when they have a row in the [`Table::Uasc`] table.
/// DfE rule 105 reads it. Look for it with [`TableData::column_index`], since a Header read
/// from CSV does not have it.
pub const XML_HEADER_UASC: &str = "UASC";

/// One of DfE's SSDA903 tables, named as DfE names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// "Header": one row per child looked after during the year.
    Header,
    /// "Episodes": one row per episode of care.
    Episodes,
    /// "Reviews": one row per review of the child's care plan.
    Reviews,
    /// "UASC": one row per unaccompanied asylum-seeking child (DUC: date UASC status ceased).
    Uasc,
    /// "OC2": outcomes for children looked after continuously for 12 months.
    Oc2,
    /// "OC3": care leavers.
    Oc3,
    /// "AD1": children adopted during the year.
    Ad1,
    /// "PlacedAdoption": decisions that a child should be placed for adoption.
    PlacedAdoption,
    /// "PrevPerm": previous permanence arrangements.
    PrevPerm,
    /// "Missing": episodes of being missing or away without authorisation.
    Missing,
    /// "SWEpisodes": the child's social workers (from 2023-24).
    SwEpisodes,
    /// "DoLo": deprivation of liberty orders (from 2026-27).
    DoLo,
}

const HEADER: &[&str] = &["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"];
const EPISODES: &[&str] = &[
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
];
const REVIEWS: &[&str] = &["CHILD", "DOB", "REVIEW", "REVIEW_CODE"];
const UASC: &[&str] = &["CHILD", "SEX", "DOB", "DUC"];
const OC2: &[&str] = &[
    "CHILD",
    "DOB",
    "SDQ_SCORE",
    "SDQ_REASON",
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
];
const OC3: &[&str] = &["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"];
const AD1: &[&str] = &["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"];
const PLACED_ADOPTION: &[&str] = &["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"];
const PREV_PERM: &[&str] = &["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"];
const MISSING: &[&str] = &["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"];
const SW_EPISODES: &[&str] = &["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"];
const DOLO: &[&str] = &["CHILD", "DOB", "DOLO_START", "DOLO_END"];

impl Table {
    /// Every table, in the order careful lists and writes them.
    pub const ALL: [Table; 12] = [
        Table::Header,
        Table::Episodes,
        Table::Reviews,
        Table::Uasc,
        Table::Oc2,
        Table::Oc3,
        Table::Ad1,
        Table::PlacedAdoption,
        Table::PrevPerm,
        Table::Missing,
        Table::SwEpisodes,
        Table::DoLo,
    ];

    /// DfE's name for the table: "Header", "Episodes", "Reviews", "UASC", "OC2", "OC3", "AD1",
    /// "PlacedAdoption", "PrevPerm", "Missing", "SWEpisodes" or "DoLo".
    pub const fn name(self) -> &'static str {
        match self {
            Table::Header => "Header",
            Table::Episodes => "Episodes",
            Table::Reviews => "Reviews",
            Table::Uasc => "UASC",
            Table::Oc2 => "OC2",
            Table::Oc3 => "OC3",
            Table::Ad1 => "AD1",
            Table::PlacedAdoption => "PlacedAdoption",
            Table::PrevPerm => "PrevPerm",
            Table::Missing => "Missing",
            Table::SwEpisodes => "SWEpisodes",
            Table::DoLo => "DoLo",
        }
    }

    /// The table's exact column set, in the canonical order careful writes it.
    pub const fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Header => HEADER,
            Table::Episodes => EPISODES,
            Table::Reviews => REVIEWS,
            Table::Uasc => UASC,
            Table::Oc2 => OC2,
            Table::Oc3 => OC3,
            Table::Ad1 => AD1,
            Table::PlacedAdoption => PLACED_ADOPTION,
            Table::PrevPerm => PREV_PERM,
            Table::Missing => MISSING,
            Table::SwEpisodes => SW_EPISODES,
            Table::DoLo => DOLO,
        }
    }

    /// Where `column` (DfE's name, compared without regard to ASCII case) stands in the
    /// canonical order of [`Table::columns`].
    pub fn column_position(self, column: &str) -> Option<usize> {
        self.columns().iter().position(|c| c.eq_ignore_ascii_case(column))
    }

    /// Whether the table has `column` (compared without regard to ASCII case).
    pub fn has_column(self, column: &str) -> bool {
        self.column_position(column).is_some()
    }

    /// The table DfE names `name` (compared without regard to ASCII case).
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name().eq_ignore_ascii_case(name))
    }

    /// The first collection year whose return has this table: 2023-24 for SWEpisodes, 2026-27
    /// for DoLo, and `None` for the tables every supported year has.
    pub fn first_year(self) -> Option<CollectionYear> {
        match self {
            Table::SwEpisodes => CollectionYear::starting(2023),
            Table::DoLo => CollectionYear::starting(2026),
            _ => None,
        }
    }

    /// Whether the return for `year` has this table.
    pub fn exists_in(self, year: CollectionYear) -> bool {
        self.first_year().is_none_or(|first| year >= first)
    }

    /// The tables of the return for `year`, in [`Table::ALL`] order.
    pub fn in_year(year: CollectionYear) -> impl Iterator<Item = Table> {
        Table::ALL.into_iter().filter(move |t| t.exists_in(year))
    }

    /// The file name careful writes the table to: `<TableName>.csv`, such as `Header.csv`.
    pub fn file_name(self) -> String {
        format!("{}.csv", self.name())
    }

    /// The table's position in [`Table::ALL`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of DfE's SSDA903 table names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTable(pub String);

impl fmt::Display for UnknownTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
        write!(f, "{:?} is not an SSDA903 table: the tables are {}", self.0, names.join(", "))
    }
}

impl std::error::Error for UnknownTable {}

impl FromStr for Table {
    type Err = UnknownTable;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Table::from_name(s.trim()).ok_or_else(|| UnknownTable(s.to_string()))
    }
}
