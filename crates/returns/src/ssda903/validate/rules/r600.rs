//! DfE's rules with codes 600 to 699: adoptions against the episodes, mothers and their
//! children's dates of birth, and previous permanence.

use chrono::{Months, NaiveDate};

use crate::ssda903::Table::{Ad1, Episodes, Header, Oc3, PrevPerm};
use crate::ssda903::validate::codes::*;
use crate::ssda903::validate::context::{Child, Ctx, DateCell, RESPITE, TableView, aged_at_least};
use crate::ssda903::validate::rule::Flags;
use crate::ssda903::validate::rule::Input::{PreviousTable as P, Table as T};
use crate::ssda903::validate::rules::common::{cols, filled, flag_rows};

rule!(R601, "601", 2022, [T(Episodes), T(Ad1)], r601);
rule!(R602, "602", 2022, [T(Episodes), T(Ad1)], r602);
rule!(R607, "607", 2024, [T(Episodes), T(Header)], r607);
rule!(R611, "611", 2022, [T(Header)], r611);
rule!(R612, "612", 2024, [T(Header)], r612);
rule!(R620, "620", 2022, [T(Header)], r620);
rule!(R621, "621", 2022, [T(Header)], r621);
rule!(R624, "624", 2022, [T(Header), P(Header)], r624);
rule!(R625, "625", 2022, [T(Header), T(Episodes)], r625);
rule!(R626, "626", 2022, [T(Header), P(Header)], r626);
rule!(R628, "628", 2022, [T(Header), T(Episodes), T(Oc3)], r628);
rule!(R630, "630", 2022, [T(Episodes), T(PrevPerm)], r630);
rule!(R631, "631", 2022, [T(PrevPerm)], r631);
rule!(R632, "632", 2022, [T(Episodes), T(PrevPerm)], r632);
rule!(R633, "633", 2022, [T(PrevPerm)], r633);
rule!(R634, "634", 2022, [T(Episodes), T(PrevPerm)], r634);
rule!(R635, "635", 2022, [T(PrevPerm)], r635);

/// The child's episodes that ended in adoption (E11, E12) during the collection year.
fn adopted_in_year(ctx: &Ctx<'_>, eps: &TableView<'_>, child: Child) -> Vec<u32> {
    let (rec, dec) = (eps.col("REC"), eps.dates("DEC"));
    eps.rows_of(child)
        .iter()
        .copied()
        .filter(|&r| {
            eps.is_in(r as usize, rec, ADOPTED)
                && dec.get(r as usize).is_some_and(|d| d >= ctx.start() && d <= ctx.end())
        })
        .collect()
}

/// 601: a child adopted during the year (an episode ceased E11 or E12 in it) must have all six
/// AD1 items; the adoption episodes and the incomplete AD1 rows are flagged.
fn r601(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let ad1 = ctx.this.table(Ad1)?;
    let items = cols(ad1, ADOPTION_ITEMS);
    for child in ctx.this.children() {
        let adoptions = adopted_in_year(ctx, eps, child);
        if adoptions.is_empty() {
            continue;
        }
        let rows = ad1.rows_of(child);
        let incomplete: Vec<u32> =
            rows.iter().copied().filter(|&r| filled(ad1, r as usize, &items) < items.len()).collect();
        if rows.is_empty() || !incomplete.is_empty() {
            f.flag_all(Episodes, adoptions);
            f.flag_all(Ad1, incomplete);
        }
    }
    Some(())
}

/// 602: a child with adoption information (any AD1 item) must have been adopted during the year
/// by their episodes (one ceased E11 or E12 in it).
fn r602(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let ad1 = ctx.this.table(Ad1)?;
    let items = cols(ad1, ADOPTION_ITEMS);
    flag_rows(f, ad1, |r| {
        filled(ad1, r, &items) > 0 && ad1.child(r).is_none_or(|c| adopted_in_year(ctx, eps, c).is_empty())
    });
    Some(())
}

/// 607 (2024-25): a girl (SEX F) who left care during the year (an episode other than a short
/// break ceased in it, for a reason other than X1) must have MOTHER given; the Header row and
/// those episodes are flagged.
fn r607(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let header = ctx.this.table(Header)?;
    let [sex, mother] = cols(header, ["SEX", "MOTHER"]);
    let [rec, ls] = cols(eps, ["REC", "LS"]);
    let dec = eps.dates("DEC");
    for row in header.rows() {
        let Some(child) = header.child(row) else { continue };
        if !header.is(row, sex, "F") || header.has(row, mother) {
            continue;
        }
        let left: Vec<u32> = eps
            .rows_of(child)
            .iter()
            .copied()
            .filter(|&e| {
                let e = e as usize;
                eps.is_not_in(e, rec, &["X1"])
                    && !eps.is_in(e, ls, RESPITE)
                    && dec.get(e).is_some_and(|d| d >= ctx.start() && d <= ctx.end())
            })
            .collect();
        if !left.is_empty() {
            f.flag(Header, row);
            f.flag_all(Episodes, left);
        }
    }
    Some(())
}

/// 611: a mother (MOTHER 1) must have the date of birth of her child.
fn r611(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let [mother, mc_dob] = cols(header, ["MOTHER", "MC_DOB"]);
    flag_rows(f, header, |r| header.is(r, mother, "1") && !header.has(r, mc_dob));
    Some(())
}

/// 612 (2024-25): a girl (SEX F) with a date of birth of her child must be recorded as a mother.
fn r612(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let [sex, mother, mc_dob] = cols(header, ["SEX", "MOTHER", "MC_DOB"]);
    flag_rows(f, header, |r| header.is(r, sex, "F") && header.has(r, mc_dob) && !header.is(r, mother, "1"));
    Some(())
}

/// 620: a mother must be 11 or over at the start of the collection year.
fn r620(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let (mother, dob) = (header.col("MOTHER"), header.dates("DOB"));
    flag_rows(f, header, |r| {
        header.is(r, mother, "1") && dob.get(r).is_some_and(|d| !aged_at_least(d, 11, ctx.start()))
    });
    Some(())
}

/// 621: a mother cannot be born on or after her child.
fn r621(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let (dob, mc_dob) = (header.dates("DOB"), header.dates("MC_DOB"));
    flag_rows(f, header, |r| matches!((dob.get(r), mc_dob.get(r)), (Some(m), Some(c)) if c <= m));
    Some(())
}

/// 624: the date of birth of a mother's first child must be the one last year's return gave,
/// when it gave one.
fn r624(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let last = ctx.last.as_ref()?.table(Header)?;
    let (now, before) = (header.dates("MC_DOB"), last.dates("MC_DOB"));
    flag_rows(f, header, |r| {
        let Some(child) = header.child(r) else { return false };
        let given: Vec<DateCell> =
            last.rows_of(child).iter().map(|&l| before.cell(l as usize)).filter(|c| *c != DateCell::Blank).collect();
        !given.is_empty() && !given.contains(&now.cell(r))
    });
    Some(())
}

/// 625: the date of birth of a mother's first child cannot be after the end of the collection
/// year, nor after the child left care (when every episode has ceased, the latest date ceased).
/// The Header row and the episode that ceased last are flagged.
fn r625(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let eps = ctx.this.table(Episodes)?;
    let mc_dob = header.dates("MC_DOB");
    let dec = eps.dates("DEC");
    for row in header.rows() {
        let (Some(child), Some(born)) = (header.child(row), mc_dob.get(row)) else { continue };
        let episodes = eps.rows_of(child);
        let all_ceased = !episodes.is_empty() && episodes.iter().all(|&e| dec.get(e as usize).is_some());
        let last = episodes.iter().filter_map(|&e| Some((dec.get(e as usize)?, e))).max();
        let left = last.filter(|_| all_ceased).map(|(d, _)| d);
        if born > ctx.end() || left.is_some_and(|l| born > l) {
            f.flag(Header, row);
            if let Some((_, e)) = last {
                f.flag(Episodes, e as usize);
            }
        }
    }
    Some(())
}

/// 626: a child recorded as a mother this year whose first child was born before the year began
/// contradicts last year's return recording her as not a mother (MOTHER 0).
fn r626(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let last = ctx.last.as_ref()?.table(Header)?;
    let (mother, mc_dob, last_mother) = (header.col("MOTHER"), header.dates("MC_DOB"), last.col("MOTHER"));
    flag_rows(f, header, |r| {
        header.is(r, mother, "1")
            && mc_dob.get(r).is_some_and(|d| d < ctx.start())
            && header.child(r).is_some_and(|c| last.rows_of(c).iter().any(|&l| last.is(l as usize, last_mother, "0")))
    });
    Some(())
}

/// 628: a care leaver (with care leaver information) not looked after during the year (no
/// episode) has no mother item.
fn r628(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let eps = ctx.this.table(Episodes)?;
    let oc3 = ctx.this.table(Oc3)?;
    let mother = header.col("MOTHER");
    let items = cols(oc3, CARE_LEAVER_ITEMS);
    flag_rows(f, header, |r| {
        let Some(child) = header.child(r) else { return false };
        header.has(r, mother)
            && !eps.has_child(child)
            && oc3.rows_of(child).iter().any(|&o| filled(oc3, o as usize, &items) > 0)
    });
    Some(())
}

/// 630: a child starting a period of care (S) during the collection year must have previous
/// permanence information: PREV_PERM, and unless it is Z1 (none), the local authority and date
/// of the order. The episode is flagged.
fn r630(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let pp = ctx.this.table(PrevPerm)?;
    let (rne, decom) = (eps.col("RNE"), eps.dates("DECOM"));
    let [prev, la, date] = cols(pp, ["PREV_PERM", "LA_PERM", "DATE_PERM"]);
    flag_rows(f, eps, |e| {
        if !eps.is(e, rne, "S") || !decom.get(e).is_some_and(|d| d >= ctx.start() && d <= ctx.end()) {
            return false;
        }
        let complete = |p: usize| pp.has(p, prev) && (pp.is(p, prev, "Z1") || (pp.has(p, la) && pp.has(p, date)));
        !eps.child(e).is_some_and(|c| pp.rows_of(c).iter().any(|&p| complete(p as usize)))
    });
    Some(())
}

/// 631: the previous permanence option, when given, must be P1 to P4 or Z1.
fn r631(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let pp = ctx.this.table(PrevPerm)?;
    let prev = pp.col("PREV_PERM");
    flag_rows(f, pp, |r| pp.is_not_in(r, prev, PREV_PERM));
    Some(())
}

/// A previous permanence order's date, where DfE allows ZZ for an unknown day, ZZ for an unknown
/// month and ZZZZ for an unknown year: `Err` if it is not such a date, `Ok(None)` if the year is
/// unknown, else the latest day it can be.
pub(crate) fn date_perm(text: &str) -> Result<Option<NaiveDate>, ()> {
    let mut parts = text.trim().split('/');
    let (Some(d), Some(m), Some(y), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(());
    };
    let zz = |s: &str, n| s.len() == n && s.bytes().all(|b| b.eq_ignore_ascii_case(&b'Z'));
    let num = |s: &str, lo: usize, hi: usize| {
        ((lo..=hi).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
    };
    let year = if zz(y, 4) { None } else { Some(i32::try_from(num(y, 4, 4).ok_or(())?).map_err(|_| ())?) };
    let month = if zz(m, 2) { None } else { Some(num(m, 1, 2).filter(|m| (1..=12).contains(m)).ok_or(())?) };
    let day = if zz(d, 2) { None } else { Some(num(d, 1, 2).filter(|d| (1..=31).contains(d)).ok_or(())?) };
    let Some(year) = year else { return Ok(None) };
    let month_end = |m: u32| {
        NaiveDate::from_ymd_opt(year, m, 1)
            .and_then(|first| first.checked_add_months(Months::new(1)))
            .and_then(|n| n.pred_opt())
    };
    let date = match (month, day) {
        (Some(m), Some(d)) => NaiveDate::from_ymd_opt(year, m, d),
        (Some(m), None) => month_end(m),
        (None, Some(d)) => NaiveDate::from_ymd_opt(year, 12, d),
        (None, None) => NaiveDate::from_ymd_opt(year, 12, 31),
    };
    date.map(Some).ok_or(())
}

/// 632: the date of a previous permanence order must be a date (ZZ allowed for unknown parts)
/// before the child's first episode began; the PrevPerm row and that episode are flagged.
fn r632(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let pp = ctx.this.table(PrevPerm)?;
    let date = pp.col("DATE_PERM");
    let decom = eps.dates("DECOM");
    for row in pp.rows() {
        let Some(text) = pp.value(row, date) else { continue };
        let Some(child) = pp.child(row) else { continue };
        let first = ctx.this.episodes_of(child).iter().map(|&r| r as usize).find(|&r| decom.get(r).is_some());
        let bad = match date_perm(text) {
            Err(()) => true,
            Ok(None) => false,
            Ok(Some(d)) => first.and_then(|e| decom.get(e)).is_some_and(|start| d >= start),
        };
        if bad {
            f.flag(PrevPerm, row);
            if let Some(e) = first {
                f.flag(Episodes, e);
            }
        }
    }
    Some(())
}

/// 633: the local authority that arranged a previous permanence option, when given, must be one
/// of DfE's codes ([`LA_PERM`]).
fn r633(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let pp = ctx.this.table(PrevPerm)?;
    let la = pp.col("LA_PERM");
    flag_rows(f, pp, |r| pp.is_not_in(r, la, LA_PERM));
    Some(())
}

/// 634: previous permanence information is only for children who started to be looked after on
/// or after 1 April 2016: a child with any item given whose episodes all began before then is
/// flagged, with those episodes.
fn r634(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let pp = ctx.this.table(PrevPerm)?;
    let items = cols(pp, ["PREV_PERM", "LA_PERM", "DATE_PERM"]);
    let decom = eps.dates("DECOM");
    let from = NaiveDate::from_ymd_opt(2016, 4, 1)?;
    for row in pp.rows() {
        let Some(child) = pp.child(row) else { continue };
        let episodes = eps.rows_of(child);
        let dated: Vec<(u32, NaiveDate)> = episodes.iter().filter_map(|&e| Some((e, decom.get(e as usize)?))).collect();
        if filled(pp, row, &items) > 0 && !dated.is_empty() && dated.iter().all(|&(_, d)| d < from) {
            f.flag(PrevPerm, row);
            f.flag_all(Episodes, dated.iter().map(|&(e, _)| e));
        }
    }
    Some(())
}

/// 635: with no previous permanence option (Z1, or none given) there can be no local authority
/// or date of order.
fn r635(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let pp = ctx.this.table(PrevPerm)?;
    let [prev, la, date] = cols(pp, ["PREV_PERM", "LA_PERM", "DATE_PERM"]);
    flag_rows(f, pp, |r| (pp.is(r, prev, "Z1") || !pp.has(r, prev)) && (pp.has(r, la) || pp.has(r, date)));
    Some(())
}
