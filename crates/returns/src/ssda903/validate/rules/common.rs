//! Shapes of rule that several rule files share.

use crate::ssda903::Table::{self, Episodes};
use crate::ssda903::validate::cohort::Cohort;
use crate::ssda903::validate::context::{Child, Col, Ctx, DateCell, RESPITE, TableView, is_code};
use crate::ssda903::validate::rule::Flags;

/// Flags every row of `t` in which `bad` holds.
pub(crate) fn flag_rows(f: &mut Flags, t: &TableView<'_>, mut bad: impl FnMut(usize) -> bool) {
    for row in t.rows() {
        if bad(row) {
            f.flag(t.data().table(), row);
        }
    }
}

/// Flags rows of `table` whose `column` is filled in but is not one of `codes`; with
/// `required`, also rows where it is blank.
pub(crate) fn not_a_code(
    ctx: &Ctx<'_>,
    out: &mut Flags,
    table: Table,
    column: &str,
    codes: &[&str],
    required: bool,
) -> Option<()> {
    let t = ctx.this.table(table)?;
    let col = t.col(column);
    for row in 0..t.len() {
        let bad = match t.value(row, col) {
            Some(v) => !is_code(v, codes),
            None => required,
        };
        if bad {
            out.flag(table, row);
        }
    }
    Some(())
}

/// Flags rows of `table` whose `column` holds something that is not a `DD/MM/YYYY` date; with
/// `required`, also rows where it is blank.
pub(crate) fn not_a_date(ctx: &Ctx<'_>, out: &mut Flags, table: Table, column: &str, required: bool) -> Option<()> {
    let t = ctx.this.table(table)?;
    let dates = t.dates(column);
    for row in 0..t.len() {
        let cell = dates.cell(row);
        if cell.is_invalid() || (required && cell == DateCell::Blank) {
            out.flag(table, row);
        }
    }
    Some(())
}

/// The columns `names` of `t`.
pub(crate) fn cols<const N: usize>(t: &TableView<'_>, names: [&str; N]) -> [Col; N] {
    names.map(|n| t.col(n))
}

/// How many of `cols` are filled in on `row`.
pub(crate) fn filled(t: &TableView<'_>, row: usize, cols: &[Col]) -> usize {
    cols.iter().filter(|&&c| t.has(row, c)).count()
}

/// The child of `row` of `t`, if they are in the OC2 cohort.
pub(crate) fn in_cohort(cohort: &Cohort, t: &TableView<'_>, row: usize) -> bool {
    t.child(row).is_some_and(|c| cohort.contains(c))
}

/// Whether the child had an episode (other than a short break) during the collection period.
pub(crate) fn looked_after_in_year(ctx: &Ctx<'_>, child: Child) -> bool {
    let Some(eps) = ctx.this.table(Episodes) else { return false };
    let (ls, decom, dec) = (eps.col("LS"), eps.dates("DECOM"), eps.dates("DEC"));
    eps.rows_of(child).iter().map(|&r| r as usize).any(|r| {
        !eps.is_in(r, ls, RESPITE)
            && decom.get(r).is_some_and(|d| d <= ctx.end())
            && dec.get(r).is_none_or(|d| d >= ctx.start())
    })
}
