//! The integrity checks DfE's catalogue carries from its reference validator: every child in a
//! table must be in the Header (INT01 to INT09), with the same date of birth (INT11 to INT18)
//! and sex (INT21), only once in the tables that hold one row per child (INT31 to INT36), and
//! with episodes (EPI, a warning).
//!
//! careful's reading where the catalogue is silent:
//!
//! - A row whose CHILD is blank cannot be found in the Header, so INT01 to INT09 flag it; it is
//!   never a duplicate of another blank row (INT31 to INT36).
//! - Two dates of birth are the same when both are blank or both are the same day (`1/4/2020`
//!   is `01/04/2020`); a date that cannot be read is compared as written. A child with several
//!   Header rows (which INT32 reports) is compared with each: a row is flagged only if it agrees
//!   with none. Sex is compared as a code, without regard to case.

use crate::ssda903::Table::{self, Ad1, Episodes, Header, Missing, Oc2, Oc3, PlacedAdoption, PrevPerm, Reviews, Uasc};
use crate::ssda903::validate::context::{Ctx, DateCell};
use crate::ssda903::validate::rule::Flags;
use crate::ssda903::validate::rule::Input::Table as T;

rule!(EPI, "EPI", 2022, [T(Header), T(Episodes)], epi);
rule!(INT01, "INT01", 2022, [T(Header), T(Ad1)], not_in_header::<{ Ad1 as usize }>);
rule!(INT02, "INT02", 2022, [T(Header), T(PlacedAdoption)], not_in_header::<{ PlacedAdoption as usize }>);
rule!(INT03, "INT03", 2022, [T(Header), T(Episodes)], not_in_header::<{ Episodes as usize }>);
rule!(INT04, "INT04", 2022, [T(Header), T(Missing)], not_in_header::<{ Missing as usize }>);
rule!(INT05, "INT05", 2022, [T(Header), T(Oc2)], not_in_header::<{ Oc2 as usize }>);
rule!(INT06, "INT06", 2022, [T(Header), T(Oc3)], not_in_header::<{ Oc3 as usize }>);
rule!(INT07, "INT07", 2022, [T(Header), T(PrevPerm)], not_in_header::<{ PrevPerm as usize }>);
rule!(INT08, "INT08", 2022, [T(Header), T(Reviews)], not_in_header::<{ Reviews as usize }>);
rule!(INT09, "INT09", 2022, [T(Header), T(Uasc)], not_in_header::<{ Uasc as usize }>);
rule!(INT11, "INT11", 2022, [T(Header), T(Ad1)], dob_differs::<{ Ad1 as usize }>);
rule!(INT12, "INT12", 2022, [T(Header), T(PlacedAdoption)], dob_differs::<{ PlacedAdoption as usize }>);
rule!(INT13, "INT13", 2022, [T(Header), T(Missing)], dob_differs::<{ Missing as usize }>);
rule!(INT14, "INT14", 2022, [T(Header), T(Oc2)], dob_differs::<{ Oc2 as usize }>);
rule!(INT15, "INT15", 2022, [T(Header), T(Oc3)], dob_differs::<{ Oc3 as usize }>);
rule!(INT16, "INT16", 2022, [T(Header), T(PrevPerm)], dob_differs::<{ PrevPerm as usize }>);
rule!(INT17, "INT17", 2022, [T(Header), T(Reviews)], dob_differs::<{ Reviews as usize }>);
rule!(INT18, "INT18", 2022, [T(Header), T(Uasc)], dob_differs::<{ Uasc as usize }>);
rule!(INT21, "INT21", 2022, [T(Header), T(Uasc)], int21);
rule!(INT31, "INT31", 2022, [T(Ad1)], once::<{ Ad1 as usize }>);
rule!(INT32, "INT32", 2022, [T(Header)], once::<{ Header as usize }>);
rule!(INT33, "INT33", 2022, [T(Oc2)], once::<{ Oc2 as usize }>);
rule!(INT34, "INT34", 2022, [T(Oc3)], once::<{ Oc3 as usize }>);
rule!(INT35, "INT35", 2022, [T(PrevPerm)], once::<{ PrevPerm as usize }>);
rule!(INT36, "INT36", 2022, [T(Uasc)], once::<{ Uasc as usize }>);

/// EPI: "Episodes need to be loaded for this child before further validation is possible": a
/// child in the Header with no episodes, other than a care leaver DfE asks about, who has an
/// OC3 row and no episodes in the year by design.
fn epi(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let eps = ctx.this.table(Episodes)?;
    let oc3 = ctx.this.table(Oc3);
    for row in header.rows() {
        let care_leaver = header.child(row).is_some_and(|c| oc3.is_some_and(|t| t.has_child(c)));
        if !care_leaver && header.child(row).is_none_or(|c| !eps.has_child(c)) {
            f.flag(Header, row);
        }
    }
    Some(())
}

/// INT01 to INT09: a child in table `T` who is not in the Header.
fn not_in_header<const T: usize>(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let table = Table::ALL[T];
    let header = ctx.this.table(Header)?;
    let data = ctx.this.table(table)?;
    for row in data.rows() {
        if data.child(row).is_none_or(|c| !header.has_child(c)) {
            f.flag(table, row);
        }
    }
    Some(())
}

/// INT11 to INT18: a child whose date of birth in table `T` is not the one in the Header.
fn dob_differs<const T: usize>(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let table = Table::ALL[T];
    let header = ctx.this.table(Header)?;
    let data = ctx.this.table(table)?;
    let (h_dob, d_dob) = (header.dates("DOB"), data.dates("DOB"));
    let (h_text, d_text) = (header.col("DOB"), data.col("DOB"));
    for row in data.rows() {
        let Some(child) = data.child(row) else { continue };
        let headers = header.rows_of(child);
        let same = |&h: &u32| {
            let h = h as usize;
            match (d_dob.cell(row), h_dob.cell(h)) {
                (DateCell::Date(a), DateCell::Date(b)) => a == b,
                (DateCell::Blank, DateCell::Blank) => true,
                (DateCell::Invalid, DateCell::Invalid) => data.value(row, d_text) == header.value(h, h_text),
                _ => false,
            }
        };
        if !headers.is_empty() && !headers.iter().any(same) {
            f.flag(table, row);
        }
    }
    Some(())
}

/// INT21: a child whose sex in the UASC table is not the one in the Header.
fn int21(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let uasc = ctx.this.table(Uasc)?;
    let (h_sex, u_sex) = (header.col("SEX"), uasc.col("SEX"));
    for row in uasc.rows() {
        let Some(child) = uasc.child(row) else { continue };
        let headers = header.rows_of(child);
        let sex = uasc.value(row, u_sex);
        let same = |&h: &u32| match (sex, header.value(h as usize, h_sex)) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (None, None) => true,
            _ => false,
        };
        if !headers.is_empty() && !headers.iter().any(same) {
            f.flag(Uasc, row);
        }
    }
    Some(())
}

/// INT31 to INT36: a child with more than one row in a table that holds one row per child.
fn once<const T: usize>(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let table = Table::ALL[T];
    let data = ctx.this.table(table)?;
    for row in data.rows() {
        if data.rows_of_row(row).len() > 1 {
            f.flag(table, row);
        }
    }
    Some(())
}
