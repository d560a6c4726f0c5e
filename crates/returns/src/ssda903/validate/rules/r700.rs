//! DfE's rules with codes 700 to 710 (from 2026-27): deprivation of liberty orders (DoLOs), as
//! the missing-period rules treat missing periods, and the placements a child under one may be
//! in.

use chrono::NaiveDate;

use crate::ssda903::Table::{DoLo, Episodes};
use crate::ssda903::validate::context::{Child, Ctx, DateCell, TableView};
use crate::ssda903::validate::rule::Flags;
use crate::ssda903::validate::rule::Input::{PreviousTable as P, Table as T};
use crate::ssda903::validate::rules::common::{flag_rows, not_a_date};
use crate::ssda903::validate::rules::r500::{care_ended, carried_span, overlapping};

rule!(R700, "700", 2026, [T(DoLo)], r700);
rule!(R701, "701", 2026, [T(DoLo)], r701);
rule!(R702, "702", 2026, [T(DoLo)], r702);
rule!(R703, "703", 2026, [T(DoLo)], r703);
rule!(R704, "704", 2026, [T(DoLo)], r704);
rule!(R705, "705", 2026, [T(DoLo)], r705);
rule!(R706, "706", 2026, [T(DoLo), P(DoLo)], r706);
rule!(R707, "707", 2026, [T(DoLo), T(Episodes)], r707);
rule!(R708, "708", 2026, [T(DoLo)], r708);
rule!(R709, "709", 2026, [T(DoLo), T(Episodes)], r709);
rule!(R710, "710", 2026, [T(DoLo), T(Episodes)], r710);

/// 700: a DoLO's start date must be given and be a date.
fn r700(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    not_a_date(ctx, f, DoLo, "DOLO_START", true)
}

/// 701: a DoLO's end date, when given, must be a date.
fn r701(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    not_a_date(ctx, f, DoLo, "DOLO_END", false)
}

/// 702: a DoLO cannot end before it started.
fn r702(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let t = ctx.this.table(DoLo)?;
    let (start, end) = (t.dates("DOLO_START"), t.dates("DOLO_END"));
    flag_rows(f, t, |r| matches!((start.get(r), end.get(r)), (Some(s), Some(e)) if e < s));
    Some(())
}

/// 703: a DoLO cannot start after the end of the collection year.
fn r703(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let t = ctx.this.table(DoLo)?;
    let start = t.dates("DOLO_START");
    flag_rows(f, t, |r| start.get(r).is_some_and(|d| d > ctx.end()));
    Some(())
}

/// 704: a DoLO's end date must be within the collection year.
fn r704(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let t = ctx.this.table(DoLo)?;
    let end = t.dates("DOLO_END");
    flag_rows(f, t, |r| end.get(r).is_some_and(|d| d < ctx.start() || d > ctx.end()));
    Some(())
}

/// 705: a DoLO cannot start while the previous one is open (or overlap it); the later one is
/// flagged.
fn r705(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    overlapping(ctx, f, DoLo, "DOLO_START", "DOLO_END")
}

/// 706: a DoLO open at the end of last year's return must be in this year's (one of the child's
/// starting the same day); when none is, the child's first DoLO this year is flagged.
fn r706(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    carried_span(ctx, f, DoLo, "DOLO_START", "DOLO_END")
}

/// 707: a child whose care ended (their last episode ceased) cannot have a DoLO still open on
/// that day: with no end date, or ending after it.
fn r707(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let t = ctx.this.table(DoLo)?;
    let end = t.dates("DOLO_END");
    flag_rows(f, t, |r| {
        let Some(ended) = t.child(r).and_then(|c| care_ended(&ctx.this, c)) else { return false };
        match end.cell(r) {
            DateCell::Blank => true,
            DateCell::Date(e) => e > ended,
            DateCell::Invalid => false,
        }
    });
    Some(())
}

/// 708: a DoLO cannot start before the child was born (the DoLo table's DOB).
fn r708(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let t = ctx.this.table(DoLo)?;
    let (dob, start) = (t.dates("DOB"), t.dates("DOLO_START"));
    flag_rows(f, t, |r| matches!((dob.get(r), start.get(r)), (Some(b), Some(s)) if s < b));
    Some(())
}

/// Flags each DoLO with a known start (a DoLO with no end date runs to the end of the year) and
/// the child's episodes overlapping it (an episode not ceased runs to the end of the year) whose
/// placement `bad` rejects.
fn placements_under_dolo(ctx: &Ctx<'_>, f: &mut Flags, bad: impl Fn(Option<&str>) -> bool) -> Option<()> {
    let t = ctx.this.table(DoLo)?;
    let eps = ctx.this.table(Episodes)?;
    let (start, end) = (t.dates("DOLO_START"), t.dates("DOLO_END"));
    let (decom, dec, place) = (eps.dates("DECOM"), eps.dates("DEC"), eps.col("PLACE"));
    let until = |cell: DateCell| match cell {
        DateCell::Date(d) => Some(d),
        DateCell::Blank => Some(ctx.end()),
        DateCell::Invalid => None,
    };
    for row in t.rows() {
        let (Some(child), Some(from)) = (t.child(row), start.get(row)) else { continue };
        let Some(to) = until(end.cell(row)) else { continue };
        let wrong: Vec<usize> = overlapping_episodes(eps, child, from, to, &decom, &until, &dec)
            .filter(|&e| bad(eps.value(e, place)))
            .collect();
        if !wrong.is_empty() {
            f.flag(DoLo, row);
            for e in wrong {
                f.flag(Episodes, e);
            }
        }
    }
    Some(())
}

/// The child's episodes that overlap `from` to `to`.
fn overlapping_episodes<'a>(
    eps: &'a TableView<'_>,
    child: Child,
    from: NaiveDate,
    to: NaiveDate,
    decom: &'a crate::ssda903::validate::context::Dates<'a>,
    until: &'a impl Fn(DateCell) -> Option<NaiveDate>,
    dec: &'a crate::ssda903::validate::context::Dates<'a>,
) -> impl Iterator<Item = usize> + 'a {
    eps.rows_of(child).iter().map(|&e| e as usize).filter(move |&e| {
        let (Some(s), Some(x)) = (decom.get(e), until(dec.cell(e))) else { return false };
        s <= to && x >= from
    })
}

/// 709: a child under a DoLO is expected to be placed in a children's home (K2) or one of the
/// other placements Z12 or Z13.
fn r709(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    placements_under_dolo(ctx, f, |p| {
        !p.is_some_and(|p| ["K2", "Z12", "Z13"].iter().any(|c| p.eq_ignore_ascii_case(c)))
    })
}

/// 710: a child under a DoLO cannot be placed in a secure children's home (K1), with parents
/// (P1), in a young offender institution (R5) or in supported accommodation (K3).
fn r710(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    placements_under_dolo(ctx, f, |p| {
        p.is_some_and(|p| ["K1", "P1", "R5", "K3"].iter().any(|c| p.eq_ignore_ascii_case(c)))
    })
}
