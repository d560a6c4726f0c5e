//! DfE's rules with codes 400 to 499: placement location and distance, short breaks, the
//! sequence of episodes and their reasons, reviews by age, unique pupil numbers, and the
//! placement carried over from last year's return.

use chrono::NaiveDate;

use crate::ssda903::Table::{Episodes, Header, Reviews};
use crate::ssda903::validate::codes::*;
use crate::ssda903::validate::context::{Child, Ctx, RESPITE, YearData, aged_at_least};
use crate::ssda903::validate::meta::DerivedPlacement;
use crate::ssda903::validate::rule::Flags;
use crate::ssda903::validate::rule::Input::{
    DerivedPlacements, LocalAuthority, PreviousDerivedPlacements, PreviousTable as P, Table as T,
};
use crate::ssda903::validate::rules::common::{cols, flag_rows};
use crate::ssda903::validate::rules::r300::uasc_either_year;

rule!(R406, "406", 2022, [T(Episodes), DerivedPlacements], r406);
rule!(R407, "407", 2022, [T(Header), T(Episodes)], r407);
rule!(R408, "408", 2022, [T(Episodes)], r408);
rule!(R411, "411", 2022, [T(Episodes), DerivedPlacements, LocalAuthority], r411);
rule!(R420, "420", 2022, [T(Episodes), DerivedPlacements], r420);
rule!(R426, "426", 2022, [T(Episodes)], r426);
rule!(R431, "431", 2022, [T(Episodes)], r431);
rule!(R432, "432", 2022, [T(Episodes)], r432);
rule!(R433, "433", 2022, [T(Episodes)], r433);
rule!(R434, "434", 2022, [T(Episodes)], r434);
rule!(R435, "435", 2022, [T(Episodes)], r435);
rule!(R436, "436", 2022, [T(Episodes)], r436);
rule!(R437, "437", 2022, [T(Episodes)], r437);
rule!(R440, "440", 2022, [T(Reviews)], r440);
rule!(R441, "441", 2022, [T(Reviews)], r441);
rule!(R442, "442", 2022, [T(Header), T(Episodes)], r442);
rule!(R444, "444", 2025, [T(Header)], r444);
rule!(R446, "446", 2022, [T(Episodes)], r446);
rule!(R452, "452", 2022, [T(Episodes), P(Episodes), DerivedPlacements, PreviousDerivedPlacements], r452);
rule!(R453, "453", 2022, [T(Episodes), P(Episodes), DerivedPlacements, PreviousDerivedPlacements], r453);
rule!(R454, "454", 2025, [T(Episodes), DerivedPlacements], r454);
rule!(R460, "460", 2022, [T(Header), T(Episodes)], r460);

/// Whether two cells hold the same value: both blank, or equal without regard to case.
pub(crate) fn same_text(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => true,
        _ => false,
    }
}

/// 406: a child who is or was UASC has no distance from home to placement (their home may be
/// abroad).
fn r406(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    flag_rows(f, eps, |r| {
        ctx.this.placement(r).is_some_and(|p| p.pl_distance.is_some())
            && eps.child(r).is_some_and(|c| uasc_either_year(ctx, c))
    });
    Some(())
}

/// 407: a child cannot leave care under a special guardianship order (E45 to E48) aged 18 or
/// over; the episode and the Header row are flagged.
fn r407(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let header = ctx.this.table(Header)?;
    let (rec, dec) = (eps.col("REC"), eps.dates("DEC"));
    for row in eps.rows() {
        let Some(child) = eps.child(row) else { continue };
        let (Some(dob), Some(left)) = (ctx.this.dob(child), dec.get(row)) else { continue };
        if eps.is_in(row, rec, &["E45", "E46", "E47", "E48"]) && aged_at_least(dob, 18, left) {
            f.flag(Episodes, row);
            f.flag_all(Header, header.rows_of(child).iter().copied());
        }
    }
    Some(())
}

/// 408: a child placed for adoption under a placement order (A5, A6) must have the legal status
/// of a placement order (E1; or D1, the freeing order it replaced).
fn r408(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, ls] = cols(eps, ["PLACE", "LS"]);
    flag_rows(f, eps, |r| eps.is_in(r, place, &["A5", "A6"]) && !eps.is_in(r, ls, &["E1", "D1"]));
    Some(())
}

/// 411: the placement location (PL_LOCATION) must agree with the placement's local authority
/// (PL_LA): IN when it is the council's own, OUT when it is not.
fn r411(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let own = ctx.meta.local_authority()?;
    flag_rows(f, eps, |r| {
        let Some(DerivedPlacement { pl_la: Some(la), pl_location: Some(location), .. }) = ctx.this.placement(r) else {
            return false;
        };
        let inside = la.trim().eq_ignore_ascii_case(own);
        let location = location.trim();
        (location.eq_ignore_ascii_case("IN") && !inside) || (location.eq_ignore_ascii_case("OUT") && inside)
    });
    Some(())
}

/// 420: a short break (V3, V4) has no placement local authority.
fn r420(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let ls = eps.col("LS");
    flag_rows(f, eps, |r| {
        eps.is_in(r, ls, RESPITE)
            && ctx.this.placement(r).and_then(|p| p.pl_la.as_deref()).is_some_and(|la| !la.trim().is_empty())
    });
    Some(())
}

/// 426: a child on short breaks cannot have both V3 and V4 episodes in the same year; all their
/// short-break episodes are flagged.
fn r426(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let ls = eps.col("LS");
    for child in ctx.this.children() {
        let rows = eps.rows_of(child);
        let has = |code| rows.iter().any(|&r| eps.is(r as usize, ls, code));
        if has("V3") && has("V4") {
            f.flag_all(Episodes, rows.iter().copied().filter(|&r| eps.is_in(r as usize, ls, RESPITE)));
        }
    }
    Some(())
}

/// Each of the child's episodes with the one before it (in start date order).
fn with_previous<'y>(year: &'y YearData<'_>, child: Child) -> impl Iterator<Item = (usize, usize)> + 'y {
    year.episodes_of(child).windows(2).map(|w| (w[0] as usize, w[1] as usize))
}

/// 431: an episode that starts a period of care (S) cannot start on the day the previous one
/// ceased (that is a continuation).
fn r431(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let rne = eps.col("RNE");
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    for child in ctx.this.children() {
        for (before, now) in with_previous(&ctx.this, child) {
            if eps.is(now, rne, "S") && dec.get(before).is_some_and(|d| decom.get(now) == Some(d)) {
                f.flag(Episodes, now);
            }
        }
    }
    Some(())
}

/// 432: after an episode that ceased for a reason other than X1 (the child left care), the next
/// episode must start a new period of care (S).
fn r432(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [rne, rec] = cols(eps, ["RNE", "REC"]);
    for child in ctx.this.children() {
        for (before, now) in with_previous(&ctx.this, child) {
            // Care ceased only with one of DfE's reasons for ceasing (an E code); a blank or
            // invalid REC is its own rule's finding, not a cessation.
            let ceased = eps.is_in(before, rec, REC) && !eps.is(before, rec, "X1");
            if ceased && !eps.is(now, rne, "S") {
                f.flag(Episodes, now);
            }
        }
    }
    Some(())
}

/// 433: an episode that continues a period of care (any reason but S) must start on the day the
/// previous episode ceased.
fn r433(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let rne = eps.col("RNE");
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    for child in ctx.this.children() {
        for (before, now) in with_previous(&ctx.this, child) {
            let continuation = eps.has(now, rne) && !eps.is(now, rne, "S");
            if continuation && decom.get(now).is_some() && dec.get(before) != decom.get(now) {
                f.flag(Episodes, now);
            }
        }
    }
    Some(())
}

/// The columns that say where the child is placed.
const PLACEMENT_FIELDS: [&str; 4] = ["PLACE", "PL_POST", "URN", "PLACE_PROVIDER"];

/// For episodes with reason `reason`, whether the legal status changed from the previous episode
/// and whether the placement did; `bad` says which combination DfE's rule forbids.
fn changes_since_previous(ctx: &Ctx<'_>, f: &mut Flags, reason: &str, bad: impl Fn(bool, bool) -> bool) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [rne, ls] = cols(eps, ["RNE", "LS"]);
    let placement = cols(eps, PLACEMENT_FIELDS);
    for child in ctx.this.children() {
        for (before, now) in with_previous(&ctx.this, child) {
            if !eps.is(now, rne, reason) {
                continue;
            }
            let ls_changed = !same_text(eps.value(before, ls), eps.value(now, ls));
            let placement_changed = placement.iter().any(|&c| !same_text(eps.value(before, c), eps.value(now, c)));
            if bad(ls_changed, placement_changed) {
                f.flag(Episodes, now);
            }
        }
    }
    Some(())
}

/// 434: an episode whose reason is a change of legal status only (L) must have a legal status
/// different from the previous episode's and the same placement (type, postcode, URN,
/// provider).
fn r434(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    changes_since_previous(ctx, f, "L", |ls, placement| !ls || placement)
}

/// 435: an episode whose reason is a change of placement only (P) must have the previous
/// episode's legal status and a different placement.
fn r435(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    changes_since_previous(ctx, f, "P", |ls, placement| ls || !placement)
}

/// 436: an episode whose reason is a change of both (B) must differ from the previous episode in
/// both legal status and placement.
fn r436(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    changes_since_previous(ctx, f, "B", |ls, placement| !ls || !placement)
}

/// 437: an episode that ceased because the child died (E2) or was found to be 18 or over (E15)
/// cannot be followed by a later episode.
fn r437(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let rec = eps.col("REC");
    let decom = eps.dates("DECOM");
    for row in eps.rows() {
        let Some(start) = decom.get(row) else { continue };
        if !eps.is_in(row, rec, &["E2", "E15"]) {
            continue;
        }
        if eps.rows_of_row(row).iter().any(|&o| decom.get(o as usize).is_some_and(|d| d > start)) {
            f.flag(Episodes, row);
        }
    }
    Some(())
}

/// Flags reviews whose participation code is (`under_four`) or is not PN0, the code for a child
/// under 4, when the child's age on the day of the review says otherwise.
fn review_age(ctx: &Ctx<'_>, f: &mut Flags, pn0: bool) -> Option<()> {
    let reviews = ctx.this.table(Reviews)?;
    let code = reviews.col("REVIEW_CODE");
    let (dob, day) = (reviews.dates("DOB"), reviews.dates("REVIEW"));
    flag_rows(f, reviews, |r| {
        let (Some(born), Some(held)) = (dob.get(r), day.get(r)) else { return false };
        let four = aged_at_least(born, 4, held);
        // 441 names the codes that say the child was 4 or over (PN1 to PN7); a blank or
        // invalid code is 167's finding, not this one's.
        if pn0 { reviews.is(r, code, "PN0") && four } else { reviews.is_in(r, code, &REVIEW_CODE[1..]) && !four }
    });
    Some(())
}

/// 440: a review coded PN0 (child under 4) must be of a child under 4 on the day.
fn r440(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    review_age(ctx, f, true)
}

/// 441: a review coded PN1 to PN7 must be of a child aged 4 or over on the day.
fn r441(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    review_age(ctx, f, false)
}

/// 442: a child looked after other than only on short breaks must have a UPN (or a code for an
/// unknown one).
fn r442(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let eps = ctx.this.table(Episodes)?;
    let (upn, ls) = (header.col("UPN"), eps.col("LS"));
    flag_rows(f, header, |r| {
        !header.has(r, upn)
            && header.child(r).is_some_and(|c| eps.rows_of(c).iter().any(|&e| !eps.is_in(e as usize, ls, RESPITE)))
    });
    Some(())
}

/// 444 (2025-26): no two Header rows can have the same UPN (codes for an unknown UPN aside).
fn r444(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let upn = header.col("UPN");
    let mut upns: Vec<(String, usize)> = header
        .rows()
        .filter_map(|r| header.value(r, upn).map(|u| (u.to_ascii_uppercase(), r)))
        .filter(|(u, _)| !UPN_UNKNOWN.contains(&u.as_str()))
        .collect();
    upns.sort_unstable();
    for group in upns.chunk_by(|a, b| a.0 == b.0) {
        if group.len() > 1 {
            for &(_, r) in group {
                f.flag(Header, r);
            }
        }
    }
    Some(())
}

/// 446: a placement order (E1) cannot start before 30 December 2005, when placement orders came
/// in (DfE's message says December 2005: careful flags episodes starting before 1 December).
fn r446(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let (ls, decom) = (eps.col("LS"), eps.dates("DECOM"));
    let from = NaiveDate::from_ymd_opt(2005, 12, 1)?;
    flag_rows(f, eps, |r| eps.is(r, ls, "E1") && decom.get(r).is_some_and(|d| d < from));
    Some(())
}

/// For each child whose last year's return ended with an open episode (their last episode, by
/// start date, has no date ceased), that episode's row in last year's Episodes and the row of
/// the child's first episode this year.
pub(crate) fn carried_over(ctx: &Ctx<'_>) -> Vec<(usize, usize)> {
    let (Some(last), Some(eps)) = (ctx.last.as_ref(), ctx.this.table(Episodes)) else { return Vec::new() };
    let decom = eps.dates("DECOM");
    let mut out = Vec::new();
    for child in ctx.this.children() {
        let Some(open) = open_at_end(last, child) else { continue };
        let first = ctx.this.episodes_of(child).iter().map(|&r| r as usize).find(|&r| decom.get(r).is_some());
        if let Some(first) = first {
            out.push((open, first));
        }
    }
    out
}

/// The child's last episode (by start date) in a year's return, if it has no date ceased.
pub(crate) fn open_at_end(year: &YearData<'_>, child: Child) -> Option<usize> {
    let eps = year.table(Episodes)?;
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    let last = year.episodes_of(child).iter().rev().map(|&r| r as usize).find(|&r| decom.get(r).is_some())?;
    (dec.cell(last) == crate::ssda903::validate::context::DateCell::Blank).then_some(last)
}

/// 452: the placement's local authority in the child's first episode this year must be the one
/// in the episode left open at the end of last year's return.
fn r452(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let last = ctx.last.as_ref()?;
    for (open, first) in carried_over(ctx) {
        let before = last.placement(open).and_then(|p| p.pl_la.as_deref()).map(str::trim).filter(|s| !s.is_empty());
        let now = ctx.this.placement(first).and_then(|p| p.pl_la.as_deref()).map(str::trim).filter(|s| !s.is_empty());
        if !same_text(before, now) {
            f.flag(Episodes, first);
        }
    }
    Some(())
}

/// Whether two distances are the same to the tenth of a mile DfE gives them to.
pub(crate) fn same_distance(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 0.05 || (a.is_nan() && b.is_nan()),
        (None, None) => true,
        _ => false,
    }
}

/// 453: the distance in the child's first episode this year must be the one in the episode left
/// open at the end of last year's return.
fn r453(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let last = ctx.last.as_ref()?;
    for (open, first) in carried_over(ctx) {
        let before = last.placement(open).and_then(|p| p.pl_distance);
        let now = ctx.this.placement(first).and_then(|p| p.pl_distance);
        if !same_distance(before, now) {
            f.flag(Episodes, first);
        }
    }
    Some(())
}

/// 454 (2025-26): a placement more than 350 miles from home is queried (999.9, DfE's value for a
/// distance that cannot be worked out, aside), except for a child who is or was UASC.
fn r454(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    flag_rows(f, eps, |r| {
        let far = ctx.this.placement(r).and_then(|p| p.pl_distance).is_some_and(|d| d > 350.0 && d < 999.85);
        far && !eps.child(r).is_some_and(|c| uasc_either_year(ctx, c))
    });
    Some(())
}

/// 460: a child cannot leave care by staying with their carers at 18 or over (E17) while under
/// 18.
fn r460(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let (rec, dec) = (eps.col("REC"), eps.dates("DEC"));
    for row in eps.rows() {
        let Some(child) = eps.child(row) else { continue };
        let (Some(dob), Some(left)) = (ctx.this.dob(child), dec.get(row)) else { continue };
        if eps.is(row, rec, "E17") && !aged_at_least(dob, 18, left) {
            f.flag(Episodes, row);
        }
    }
    Some(())
}
