//! DfE's rules with codes 300 to 399 (and 3001): dates and ages against the child's date of
//! birth, adoption dates, care leavers, the lengths of short-lived legal statuses and temporary
//! placements, placement types by age, and postcodes.

use chrono::{Months, NaiveDate};

use crate::ssda903::Table::{Ad1, Episodes, Header, Oc3, Reviews, Uasc};
use crate::ssda903::validate::codes::*;
use crate::ssda903::validate::context::{Child, Ctx, DateCell, RESPITE, TableView, YearData, aged_at_least};
use crate::ssda903::validate::rule::Flags;
use crate::ssda903::validate::rule::Input::{DerivedPlacements, PreviousTable as P, Table as T};
use crate::ssda903::validate::rules::common::{cols, filled, flag_rows};

rule!(R301, "301", 2022, [T(Header)], r301);
rule!(R302, "302", 2022, [T(Header), T(Episodes)], r302);
rule!(R303, "303", 2022, [T(Uasc), T(Header)], r303);
rule!(R304, "304", 2022, [T(Uasc)], r304);
rule!(R331, "331", 2022, [T(Ad1), T(Episodes)], r331);
rule!(R333, "333", 2022, [T(Ad1)], r333);
rule!(R334, "334", 2022, [T(Ad1), T(Episodes)], r334);
rule!(R335, "335", 2022, [T(Ad1), T(Episodes)], r335);
rule!(R336, "336", 2022, [T(Episodes)], r336);
rule!(R344, "344", 2022, [T(Oc3)], r344);
rule!(R345, "345", 2022, [T(Oc3)], r345);
rule!(R347, "347", 2023, [T(Oc3)], r347);
rule!(R348, "348", 2025, [T(Oc3), P(Oc3)], r348);
rule!(R351, "351", 2022, [T(Header)], r351);
rule!(R352, "352", 2022, [T(Header), T(Episodes)], r352);
rule!(R353, "353", 2022, [T(Episodes)], r353);
rule!(R354, "354", 2022, [T(Episodes)], r354);
rule!(R355, "355", 2022, [T(Episodes)], r355);
rule!(R356, "356", 2022, [T(Episodes)], r356);
rule!(R357, "357", 2022, [T(Episodes)], r357);
rule!(R358, "358", 2022, [T(Header), T(Episodes)], r358);
rule!(R359, "359", 2022, [T(Header), T(Episodes)], r359);
rule!(R361, "361", 2022, [T(Episodes)], r361);
rule!(R362, "362", 2022, [T(Episodes)], r362);
rule!(R363, "363", 2022, [T(Episodes)], r363);
rule!(R364, "364", 2022, [T(Episodes)], r364);
rule!(R365, "365", 2022, [T(Episodes)], r365);
rule!(R366, "366", 2022, [T(Episodes)], r366);
rule!(R367, "367", 2022, [T(Episodes)], r367);

/// 301: the date of birth cannot be after the end of the collection year.
fn r301(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let dob = header.dates("DOB");
    flag_rows(f, header, |r| dob.get(r).is_some_and(|d| d > ctx.end()));
    Some(())
}

/// 302: the child's first episode (the earliest start date) cannot start before they were
/// born; the episode and the Header row are flagged.
fn r302(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let eps = ctx.this.table(Episodes)?;
    let decom = eps.dates("DECOM");
    let dob = header.dates("DOB");
    for row in header.rows() {
        let (Some(child), Some(born)) = (header.child(row), dob.get(row)) else { continue };
        let first = ctx.this.episodes_of(child).iter().map(|&r| r as usize).find(|&r| decom.get(r).is_some());
        if let Some(first) = first
            && decom.get(first).is_some_and(|d| d < born)
        {
            f.flag(Episodes, first);
            f.flag(Header, row);
        }
    }
    Some(())
}

/// 303: a child with a date UASC status ceased must be UASC (in the XML form, `<UASC>` 1); the
/// UASC row and the Header row are flagged.
fn r303(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let uasc = ctx.this.table(Uasc)?;
    let header = ctx.this.table(Header)?;
    let duc = uasc.col("DUC");
    for row in uasc.rows() {
        let Some(child) = uasc.child(row) else { continue };
        if !uasc.has(row, duc) {
            continue;
        }
        let not_uasc: Vec<u32> =
            header.rows_of(child).iter().copied().filter(|&h| !ctx.this.header_row_is_uasc(h as usize)).collect();
        if !not_uasc.is_empty() {
            f.flag(Uasc, row);
            f.flag_all(Header, not_uasc);
        }
    }
    Some(())
}

/// 304: the date UASC status ceased must be on or before the child's 18th birthday (by the
/// date of birth in the UASC table).
fn r304(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let uasc = ctx.this.table(Uasc)?;
    let (dob, duc) = (uasc.dates("DOB"), uasc.dates("DUC"));
    flag_rows(f, uasc, |r| match (dob.get(r), duc.get(r)) {
        (Some(born), Some(ceased)) => aged_at_least(born, 18, ceased) && Some(ceased) != adult(born),
        _ => false,
    });
    Some(())
}

/// The 18th birthday of a child born on `dob`.
fn adult(dob: NaiveDate) -> Option<NaiveDate> {
    dob.checked_add_months(Months::new(18 * 12))
}

/// The child's episodes that ended in adoption (reason ceased E11 or E12).
fn adoption_episodes<'t>(eps: &'t TableView<'_>, child: Child) -> impl Iterator<Item = usize> + 't {
    let rec = eps.col("REC");
    eps.rows_of(child).iter().map(|&r| r as usize).filter(move |&r| eps.is_in(r, rec, ADOPTED))
}

/// 331: the date the child was matched with adopters must be on or before the day they were
/// placed for adoption: the start of the episode that ended in adoption (E11, E12). The AD1 row
/// and that episode are flagged.
fn r331(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let ad1 = ctx.this.table(Ad1)?;
    let eps = ctx.this.table(Episodes)?;
    let (matched, decom) = (ad1.dates("DATE_MATCH"), eps.dates("DECOM"));
    for row in ad1.rows() {
        let (Some(child), Some(m)) = (ad1.child(row), matched.get(row)) else { continue };
        for ep in adoption_episodes(eps, child) {
            if decom.get(ep).is_some_and(|placed| m > placed) {
                f.flag(Ad1, row);
                f.flag(Episodes, ep);
            }
        }
    }
    Some(())
}

/// 333: when the date of matching is given, the date the child should be placed for adoption
/// must be given and be on or before it.
fn r333(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let ad1 = ctx.this.table(Ad1)?;
    let (int, matched) = (ad1.dates("DATE_INT"), ad1.dates("DATE_MATCH"));
    flag_rows(f, ad1, |r| matched.get(r).is_some_and(|m| int.get(r).is_none_or(|i| i > m)));
    Some(())
}

/// The child's latest episode that started a period of care (reason for new episode S).
fn latest_start(ctx: &Ctx<'_>, child: Child) -> Option<(usize, NaiveDate)> {
    let eps = ctx.this.table(Episodes)?;
    let (rne, decom) = (eps.col("RNE"), eps.dates("DECOM"));
    ctx.this
        .episodes_of(child)
        .iter()
        .rev()
        .map(|&r| r as usize)
        .find_map(|r| if eps.is(r, rne, "S") { decom.get(r).map(|d| (r, d)) } else { None })
}

/// 334: the date the child should be placed for adoption cannot be before the child started to
/// be looked after in their latest period of care (the latest episode with reason S); the AD1
/// row and that episode are flagged.
fn r334(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let ad1 = ctx.this.table(Ad1)?;
    let int = ad1.dates("DATE_INT");
    for row in ad1.rows() {
        let (Some(child), Some(decided)) = (ad1.child(row), int.get(row)) else { continue };
        if let Some((ep, started)) = latest_start(ctx, child)
            && decided < started
        {
            f.flag(Ad1, row);
            f.flag(Episodes, ep);
        }
    }
    Some(())
}

/// The child's last episode: the latest start date, or the last in the file.
fn last_episode(year: &YearData<'_>, child: Child) -> Option<usize> {
    let eps = year.table(Episodes)?;
    let decom = eps.dates("DECOM");
    let order = year.episodes_of(child);
    order.iter().rev().map(|&r| r as usize).find(|&r| decom.get(r).is_some()).or(order.last().map(|&r| r as usize))
}

/// 335: an adoption by the current foster carers (FOSTER_CARE 1) must follow a last placement
/// with them (A2, A3, A5), and one by others (FOSTER_CARE 0) a last placement that is not (A1,
/// A4, A6). The AD1 row and the last episode are flagged.
fn r335(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let ad1 = ctx.this.table(Ad1)?;
    let eps = ctx.this.table(Episodes)?;
    let (foster, place) = (ad1.col("FOSTER_CARE"), eps.col("PLACE"));
    for row in ad1.rows() {
        let Some(child) = ad1.child(row) else { continue };
        let Some(last) = last_episode(&ctx.this, child) else { continue };
        let bad = (ad1.is(row, foster, "0") && eps.is_in(last, place, &["A2", "A3", "A5"]))
            || (ad1.is(row, foster, "1") && eps.is_in(last, place, &["A1", "A4", "A6"]));
        if bad {
            f.flag(Ad1, row);
            f.flag(Episodes, last);
        }
    }
    Some(())
}

/// 336: a placement for adoption (A3 to A6) must follow a foster placement (U1 to U6) when the
/// child had an earlier episode.
fn r336(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let place = eps.col("PLACE");
    for child in ctx.this.children() {
        for w in ctx.this.episodes_of(child).windows(2) {
            let (before, now) = (w[0] as usize, w[1] as usize);
            // "Child does not have a foster placement immediately prior to being placed for
            // adoption": placed with the current foster carers (A3 with consent, A5 under a
            // placement order), the placement before must have been foster care, or already
            // the placement for adoption (A3 to A6).
            if eps.is_in(now, place, &["A3", "A5"])
                && !eps.is_in(before, place, FOSTER)
                && !eps.is_in(before, place, PLACED_FOR_ADOPTION)
            {
                f.flag(Episodes, now);
            }
        }
    }
    Some(())
}

/// 344: a young person who has died (DIED) or returned home for six months or more (RHOM) has no
/// activity or accommodation: both must be 0.
fn r344(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    let [touch, activ, accom] = cols(oc3, CARE_LEAVER_ITEMS);
    flag_rows(f, oc3, |r| oc3.is_in(r, touch, &["DIED", "RHOM"]) && !(oc3.is(r, activ, "0") && oc3.is(r, accom, "0")));
    Some(())
}

/// 345: a young person the council is in touch with (YES) must have an activity and an
/// accommodation other than 0.
fn r345(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    let [touch, activ, accom] = cols(oc3, CARE_LEAVER_ITEMS);
    flag_rows(f, oc3, |r| oc3.is(r, touch, "YES") && (oc3.is(r, activ, "0") || oc3.is(r, accom, "0")));
    Some(())
}

/// 347: a care leaver under 18 at the start of the collection year cannot be accommodated in a
/// foyer (accommodation T1 or T2).
fn r347(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    let (accom, dob) = (oc3.col("ACCOM"), oc3.dates("DOB"));
    flag_rows(f, oc3, |r| {
        let foyer = oc3.value(r, accom).is_some_and(|a| a.get(..1).is_some_and(|c| c.eq_ignore_ascii_case("T")));
        foyer && dob.get(r).is_some_and(|d| !aged_at_least(d, 18, ctx.start()))
    });
    Some(())
}

/// 348 (2025-26): a care leaver last year's return recorded as having died (DIED) cannot be
/// recorded this year as anything else.
fn r348(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    let last = ctx.last.as_ref()?.table(Oc3)?;
    let (touch, last_touch) = (oc3.col("IN_TOUCH"), last.col("IN_TOUCH"));
    flag_rows(f, oc3, |r| {
        let died =
            oc3.child(r).is_some_and(|c| last.rows_of(c).iter().any(|&l| last.is(l as usize, last_touch, "DIED")));
        died && !oc3.is(r, touch, "DIED")
    });
    Some(())
}

/// 351: the child cannot be 25 or over at the start of the collection year.
fn r351(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let dob = header.dates("DOB");
    flag_rows(f, header, |r| dob.get(r).is_some_and(|d| aged_at_least(d, 25, ctx.start())));
    Some(())
}

/// Flags the child's episodes for which `bad(row, dob)` holds, and, when `header` is set, their
/// Header rows too.
fn by_age(ctx: &Ctx<'_>, f: &mut Flags, header: bool, bad: impl Fn(usize, NaiveDate) -> bool) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let head = ctx.this.table(Header)?;
    for row in eps.rows() {
        let Some(child) = eps.child(row) else { continue };
        let Some(dob) = ctx.this.dob(child) else { continue };
        if bad(row, dob) {
            f.flag(Episodes, row);
            if header {
                f.flag_all(Header, head.rows_of(child).iter().copied());
            }
        }
    }
    Some(())
}

/// 352: a child cannot start to be looked after (reason S) aged 18 or over.
fn r352(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let (rne, decom) = (eps.col("RNE"), eps.dates("DECOM"));
    by_age(ctx, f, false, |r, dob| eps.is(r, rne, "S") && decom.get(r).is_some_and(|d| aged_at_least(dob, 18, d)))
}

/// 353: no episode can start before 14 October 1991, when the Children Act 1989 came into force.
fn r353(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let decom = eps.dates("DECOM");
    let act = NaiveDate::from_ymd_opt(1991, 10, 14)?;
    flag_rows(f, eps, |r| decom.get(r).is_some_and(|d| d < act));
    Some(())
}

/// 354: no episode can start after the end of the collection year (DfE's message speaks of the
/// date ceased; the rule is on the start date, which 385 complements).
fn r354(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let decom = eps.dates("DECOM");
    flag_rows(f, eps, |r| decom.get(r).is_some_and(|d| d > ctx.end()));
    Some(())
}

/// 355: an episode cannot cease on the day it started (it lasted less than 24 hours).
fn r355(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    flag_rows(f, eps, |r| decom.get(r).is_some_and(|s| dec.get(r) == Some(s)));
    Some(())
}

/// 356: an episode cannot cease before it started.
fn r356(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    flag_rows(f, eps, |r| matches!((decom.get(r), dec.get(r)), (Some(s), Some(e)) if e < s));
    Some(())
}

/// 357: the child's first episode in the return, when it starts in or after the collection year
/// (so no earlier episode can be missing from an earlier return), must start a period of care
/// (reason S).
fn r357(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let (rne, decom) = (eps.col("RNE"), eps.dates("DECOM"));
    for child in ctx.this.children() {
        let first = ctx.this.episodes_of(child).iter().map(|&r| r as usize).find(|&r| decom.get(r).is_some());
        if let Some(first) = first
            && decom.get(first).is_some_and(|d| d >= ctx.start())
            && !eps.is(first, rne, "S")
        {
            f.flag(Episodes, first);
        }
    }
    Some(())
}

/// 358: a child cannot start an episode with a youth justice legal status (J1, J2, J3) while
/// under 10, the age of criminal responsibility; the episode and the Header row are flagged.
fn r358(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let (ls, decom) = (eps.col("LS"), eps.dates("DECOM"));
    by_age(ctx, f, true, |r, dob| {
        eps.is_in(r, ls, &["J1", "J2", "J3"]) && decom.get(r).is_some_and(|d| !aged_at_least(dob, 10, d))
    })
}

/// 359: a child still looked after after their 18th birthday (an episode not ceased by then,
/// with the birthday within the collection year or before) must be accommodated under section
/// 20(5) (legal status V2) in a children's home (K2).
fn r359(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [ls, place] = cols(eps, ["LS", "PLACE"]);
    let dec = eps.dates("DEC");
    by_age(ctx, f, false, |r, dob| {
        let Some(eighteen) = adult(dob) else { return false };
        eighteen <= ctx.end()
            && dec.get(r).is_none_or(|d| d > eighteen)
            && !(eps.is(r, ls, "V2") && eps.is(r, place, "K2"))
    })
}

/// Flags runs of the child's consecutive episodes with legal status (or placement) `codes` in
/// `column` (each starting the day the one before ceased) that last longer than `max_days`,
/// counting an episode not yet ceased to the end of the collection year.
fn runs_longer_than(ctx: &Ctx<'_>, f: &mut Flags, column: &str, codes: &[&str], max_days: i64) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let col = eps.col(column);
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    let mut run: Vec<usize> = Vec::new();
    for child in ctx.this.children() {
        run.clear();
        let order = ctx.this.episodes_of(child);
        let finish = |run: &mut Vec<usize>, f: &mut Flags| {
            if let (Some(&first), Some(&last)) = (run.first(), run.last())
                && let Some(start) = decom.get(first)
            {
                let end = dec.get(last).unwrap_or(ctx.end());
                if (end - start).num_days() > max_days {
                    for &r in run.iter() {
                        f.flag(Episodes, r);
                    }
                }
            }
            run.clear();
        };
        for &r in order {
            let r = r as usize;
            if !eps.is_in(r, col, codes) || decom.get(r).is_none() {
                finish(&mut run, f);
                continue;
            }
            let continues = run.last().is_some_and(|&p| dec.get(p).is_some() && dec.get(p) == decom.get(r));
            if !continues {
                finish(&mut run, f);
            }
            run.push(r);
        }
        finish(&mut run, f);
    }
    Some(())
}

/// 361: police protection (L1) cannot last more than 72 hours (three days).
fn r361(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    runs_longer_than(ctx, f, "LS", &["L1"], 3)
}

/// 362: an emergency protection order (L2) cannot last more than 21 days.
fn r362(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    runs_longer_than(ctx, f, "LS", &["L2"], 21)
}

/// 363: a child assessment order (L3) cannot last more than 7 days.
fn r363(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    runs_longer_than(ctx, f, "LS", &["L3"], 7)
}

/// 364: detention in council accommodation under the Police and Criminal Evidence Act 1984 (J2)
/// is short: careful flags more than 21 days (DfE's message gives no number; the reference's
/// test passes 14 days and fails 23).
fn r364(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    runs_longer_than(ctx, f, "LS", &["J2"], 21)
}

/// 365: a single short-term break (V3) cannot last more than 17 days.
fn r365(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    runs_longer_than(ctx, f, "LS", &["V3"], 17)
}

/// 366: a child cannot change placement during a single short-term break: an episode with legal
/// status V3 must start a new period (reason S).
fn r366(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [ls, rne] = cols(eps, ["LS", "RNE"]);
    flag_rows(f, eps, |r| eps.is(r, ls, "V3") && !eps.is(r, rne, "S"));
    Some(())
}

/// 367: a child cannot have more than 75 days of short breaks (V3, V4) in the collection year
/// (each episode counted from its start, or the start of the year, to its end, or the end of the
/// year); all their short-break episodes in the year are flagged.
fn r367(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let ls = eps.col("LS");
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    for child in ctx.this.children() {
        let mut days = 0;
        let mut breaks = Vec::new();
        for &r in ctx.this.episodes_of(child) {
            let r = r as usize;
            let Some(start) = decom.get(r) else { continue };
            if !eps.is_in(r, ls, RESPITE) {
                continue;
            }
            let end = dec.get(r).unwrap_or(ctx.end()).min(ctx.end());
            let from = start.max(ctx.start());
            if end >= from && end >= start {
                days += (end - from).num_days();
                breaks.push(r);
            }
        }
        if days > 75 {
            for r in breaks {
                f.flag(Episodes, r);
            }
        }
    }
    Some(())
}

rule!(R371, "371", 2024, [T(Header), T(Episodes)], r371);
rule!(R372, "372", 2022, [T(Header), T(Episodes)], r372);
rule!(R373, "373", 2022, [T(Header), T(Episodes)], r373);
rule!(R374, "374", 2022, [T(Header), T(Episodes)], r374);
rule!(R375, "375", 2022, [T(Episodes)], r375);
rule!(R376, "376", 2022, [T(Episodes)], r376);
rule!(R377, "377", 2022, [T(Episodes)], r377);
rule!(R378, "378", 2022, [T(Episodes)], r378);
rule!(R379, "379", 2022, [T(Episodes)], r379);
rule!(R380, "380", 2022, [T(Episodes)], r380);
rule!(R381, "381", 2022, [T(Episodes)], r381);
rule!(R382, "382", 2022, [T(Episodes)], r382);
rule!(R383, "383", 2025, [T(Episodes)], r383);
rule!(R384, "384", 2022, [T(Episodes)], r384);
rule!(R385, "385", 2022, [T(Episodes)], r385);
rule!(R386, "386", 2022, [T(Header), T(Episodes)], r386);
rule!(R387, "387", 2022, [T(Header), T(Episodes)], r387);
rule!(R388, "388", 2022, [T(Episodes)], r388);
rule!(R389, "389", 2022, [T(Header), T(Episodes)], r389);
rule!(R390, "390", 2022, [T(Episodes)], r390);
rule!(R391, "391", 2022, [T(Oc3)], r391);
rule!(R392A, "392a", 2022, [T(Episodes), DerivedPlacements], r392a);
rule!(R392B, "392b", 2022, [T(Episodes)], r392b);
rule!(R392C, "392c", 2022, [T(Episodes)], r392c);
rule!(R392D, "392d", 2022, [T(Episodes)], r392d);
rule!(R393, "393", 2024, [T(Header), T(Episodes)], r393);
rule!(R398, "398", 2022, [T(Episodes)], r398);
rule!(R399, "399", 2022, [T(Header), T(Episodes)], r399);
rule!(R3001, "3001", 2022, [T(Oc3), T(Header)], r3001);

/// Flags episodes in placement `place` that start before the child reaches `years`.
fn placed_under(ctx: &Ctx<'_>, f: &mut Flags, place: &str, years: u32) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let (pl, decom) = (eps.col("PLACE"), eps.dates("DECOM"));
    by_age(ctx, f, false, |r, dob| eps.is(r, pl, place) && decom.get(r).is_some_and(|d| !aged_at_least(dob, years, d)))
}

/// 371 (2024-25): a child placed in supported accommodation (K3) must be 16 or over when the
/// placement starts.
fn r371(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    placed_under(ctx, f, "K3", 16)
}

/// 372: a child placed in youth custody or prison (R5) must be 10 or over.
fn r372(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    placed_under(ctx, f, "R5", 10)
}

/// 373: a child placed in a school (S1) must be 4 or over.
fn r373(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    placed_under(ctx, f, "S1", 4)
}

/// 374: a child in residential employment (P3) must be 14 or over.
fn r374(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    placed_under(ctx, f, "P3", 14)
}

/// Flags episodes in placement `place` lasting more than `max_days` (an episode not yet ceased
/// counted to the end of the collection year).
fn placement_longer_than(ctx: &Ctx<'_>, f: &mut Flags, place: &str, max_days: i64) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let pl = eps.col("PLACE");
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    flag_rows(f, eps, |r| {
        eps.is(r, pl, place)
            && decom.get(r).is_some_and(|s| (dec.get(r).unwrap_or(ctx.end()) - s).num_days() > max_days)
    });
    Some(())
}

/// 375: a temporary placement in hospital (T1) cannot last more than six weeks.
fn r375(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    placement_longer_than(ctx, f, "T1", 42)
}

/// 376: a temporary placement while the usual foster carers are on holiday (T3) cannot last
/// more than three weeks.
fn r376(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    placement_longer_than(ctx, f, "T3", 21)
}

/// 377: a child can have at most two temporary placements for the foster carers' holiday (T3)
/// starting within any 12 months; every T3 placement in a 12-month span holding three or more
/// is flagged.
fn r377(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let (place, decom) = (eps.col("PLACE"), eps.dates("DECOM"));
    let mut holidays: Vec<(NaiveDate, usize)> = Vec::new();
    for child in ctx.this.children() {
        holidays.clear();
        holidays.extend(
            ctx.this
                .episodes_of(child)
                .iter()
                .map(|&r| r as usize)
                .filter(|&r| eps.is(r, place, "T3"))
                .filter_map(|r| Some((decom.get(r)?, r))),
        );
        for (i, &(from, _)) in holidays.iter().enumerate() {
            let Some(until) = from.checked_add_months(Months::new(12)) else { continue };
            let within: Vec<usize> = holidays[i..].iter().take_while(|(d, _)| *d < until).map(|&(_, r)| r).collect();
            if within.len() > 2 {
                for r in within {
                    f.flag(Episodes, r);
                }
            }
        }
    }
    Some(())
}

/// 378: a child placed with parents (P1) cannot be accommodated under a single period of
/// accommodation under section 20 (legal status V2).
fn r378(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, ls] = cols(eps, ["PLACE", "LS"]);
    flag_rows(f, eps, |r| eps.is(r, place, "P1") && eps.is(r, ls, "V2"));
    Some(())
}

/// 379: a temporary placement for an unspecified reason (T4) cannot last more than seven days.
fn r379(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    placement_longer_than(ctx, f, "T4", 7)
}

/// 380: a temporary placement (T0 to T4) cannot be where a period of care starts (reason S), nor
/// where only the legal status changed (reason L, so the placement is the one the period began
/// in), as DfE's validator reads it.
fn r380(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, rne] = cols(eps, ["PLACE", "RNE"]);
    flag_rows(f, eps, |r| eps.is_in(r, rne, &["S", "L"]) && eps.is_in(r, place, TEMPORARY));
    Some(())
}

/// 381: a period of care cannot end in a temporary placement (T0 to T4): an episode in one can
/// only cease with X1 (a new episode begins).
fn r381(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, rec] = cols(eps, ["PLACE", "REC"]);
    flag_rows(f, eps, |r| eps.is_not_in(r, rec, &["X1"]) && eps.is_in(r, place, TEMPORARY));
    Some(())
}

/// 382: a child on a short break (V3, V4) cannot be in a temporary placement (T0 to T4).
fn r382(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, ls] = cols(eps, ["PLACE", "LS"]);
    flag_rows(f, eps, |r| eps.is_in(r, ls, RESPITE) && eps.is_in(r, place, TEMPORARY));
    Some(())
}

/// 383 (2025-26): after a temporary placement (T0 to T4) the child returns to their usual
/// placement: when the next episode is not temporary and continues the period of care (its
/// reason is not S), it must be a change of placement (P or B) back to the placement type and
/// postcode of the episode before the temporary one. That next episode is flagged.
fn r383(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, rne, post] = cols(eps, ["PLACE", "RNE", "PL_POST"]);
    let same = |a: usize, b: usize, c| match (eps.value(a, c), eps.value(b, c)) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        (None, None) => true,
        _ => false,
    };
    for child in ctx.this.children() {
        for w in ctx.this.episodes_of(child).windows(3) {
            let (before, temp, after) = (w[0] as usize, w[1] as usize, w[2] as usize);
            if !eps.is_in(temp, place, TEMPORARY)
                || eps.is_in(before, place, TEMPORARY)
                || eps.is_in(after, place, TEMPORARY)
                || eps.is(after, rne, "S")
            {
                continue;
            }
            let returned =
                eps.is_in(after, rne, PLACEMENT_CHANGED) && same(before, after, place) && same(before, after, post);
            if !returned {
                f.flag(Episodes, after);
            }
        }
    }
    Some(())
}

/// 384: a child on a short break (V3, V4) cannot be in a long-term foster placement (U1, U4).
fn r384(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, ls] = cols(eps, ["PLACE", "LS"]);
    flag_rows(f, eps, |r| eps.is_in(r, ls, RESPITE) && eps.is_in(r, place, &["U1", "U4"]));
    Some(())
}

/// 385: an episode cannot cease after the end of the collection year.
fn r385(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let dec = eps.dates("DEC");
    flag_rows(f, eps, |r| dec.get(r).is_some_and(|d| d > ctx.end()));
    Some(())
}

/// Flags episodes that ceased for one of `reasons` when the child was `too_old` on that day.
fn ceased_at_age(
    ctx: &Ctx<'_>,
    f: &mut Flags,
    reasons: &[&str],
    too_old: impl Fn(NaiveDate, NaiveDate) -> bool,
) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let (rec, dec) = (eps.col("REC"), eps.dates("DEC"));
    by_age(ctx, f, false, |r, dob| eps.is_in(r, rec, reasons) && dec.get(r).is_some_and(|d| too_old(dob, d)))
}

/// 386: a child cannot be adopted (E11, E12) aged 18 or over.
fn r386(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    ceased_at_age(ctx, f, ADOPTED, |dob, d| aged_at_least(dob, 18, d))
}

/// 387: a child cannot move into independent living (E5, E6) under 14.
fn r387(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    ceased_at_age(ctx, f, &["E5", "E6"], |dob, d| !aged_at_least(dob, 14, d))
}

/// 388: an episode ceases with X1 (a new episode begins) exactly when the child's next episode
/// starts on the day it ceased: X1 with no such next episode is flagged, and so is an episode
/// followed the same day by another that ceased for some other reason.
fn r388(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let rec = eps.col("REC");
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    for child in ctx.this.children() {
        let order = ctx.this.episodes_of(child);
        for (i, &r) in order.iter().enumerate() {
            let r = r as usize;
            // The continuation episode is the next one, beginning the day this one ends. An
            // episode with no start date of its own sorts last, so has no next: its
            // continuation is found by its end date instead.
            // With an end date that cannot be read, an episode after it is taken as the
            // continuation (the date is its own rule's finding).
            let continued = match (dec.cell(r), decom.get(r)) {
                (DateCell::Date(end), Some(_)) => order.get(i + 1).is_some_and(|&n| decom.get(n as usize) == Some(end)),
                (DateCell::Date(end), None) => {
                    order.iter().any(|&n| n as usize != r && decom.get(n as usize) == Some(end))
                }
                (DateCell::Invalid, _) => order.get(i + 1).is_some(),
                (DateCell::Blank, _) => false,
            };
            let x1 = eps.is(r, rec, "X1");
            if x1 != continued && (x1 || eps.has(r, rec)) {
                f.flag(Episodes, r);
            }
        }
    }
    Some(())
}

/// 389: a child cannot transfer to adult social care (E7) under 16.
fn r389(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    ceased_at_age(ctx, f, &["E7"], |dob, d| !aged_at_least(dob, 16, d))
}

/// 390: an episode that ceased with adoption (E11, E12) must be a placement for adoption (A3 to
/// A6).
fn r390(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [rec, place] = cols(eps, ["REC", "PLACE"]);
    flag_rows(f, eps, |r| eps.is_in(r, rec, ADOPTED) && !eps.is_in(r, place, PLACED_FOR_ADOPTION));
    Some(())
}

/// 391: a care leaver with any care leaver item given must be 17 to 21 at some time in the
/// collection year: 17 or over by its end, and under 22 at its start.
fn r391(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    let items = cols(oc3, CARE_LEAVER_ITEMS);
    let dob = oc3.dates("DOB");
    flag_rows(f, oc3, |r| {
        filled(oc3, r, &items) > 0
            && dob.get(r).is_some_and(|d| !aged_at_least(d, 17, ctx.end()) || aged_at_least(d, 22, ctx.start()))
    });
    Some(())
}

/// Whether the child was an unaccompanied asylum-seeking child this year or in last year's
/// return (so formerly UASC).
pub(crate) fn uasc_either_year(ctx: &Ctx<'_>, child: Child) -> bool {
    ctx.this.is_uasc(child) || ctx.last.as_ref().is_some_and(|l| l.is_uasc(child))
}

/// 392a: an episode other than a short break (V3, V4) must have a distance from home to
/// placement, except for a child who is or was UASC (whose home may be abroad).
fn r392a(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let ls = eps.col("LS");
    flag_rows(f, eps, |r| {
        ctx.this.placement(r).is_some_and(|p| p.pl_distance.is_none())
            && !eps.is_in(r, ls, RESPITE)
            && !eps.child(r).is_some_and(|c| uasc_either_year(ctx, c))
    });
    Some(())
}

/// 392b: an episode other than a short break (V3, V4) must have both postcodes, home and
/// placement, except for a child who is or was UASC.
fn r392b(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [ls, home, post] = cols(eps, ["LS", "HOME_POST", "PL_POST"]);
    flag_rows(f, eps, |r| {
        (!eps.has(r, home) || !eps.has(r, post))
            && !eps.is_in(r, ls, RESPITE)
            && !eps.child(r).is_some_and(|c| uasc_either_year(ctx, c))
    });
    Some(())
}

/// Whether `text` is a UK postcode, whole (`AB1 0JD`, with or without the space) or in part as
/// the 903 may give it: the outward code alone (`AB1`) or with the first digit of the inward
/// code (`AB1 0`).
pub(crate) fn valid_postcode(text: &str) -> bool {
    if !text.is_ascii() {
        return false;
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    let outward = |o: &str| {
        let b = o.as_bytes();
        let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
        (1..=2).contains(&letters)
            && b.get(letters).is_some_and(u8::is_ascii_digit)
            && b.len() <= letters + 2
            && b[letters + 1..].iter().all(u8::is_ascii_alphanumeric)
    };
    let inward = |i: &str| {
        let b = i.as_bytes();
        !b.is_empty()
            && b[0].is_ascii_digit()
            && (b.len() == 1 || (b.len() == 3 && b[1..].iter().all(u8::is_ascii_uppercase)))
    };
    if let Some((out, inw)) = text.trim().split_once(char::is_whitespace) {
        return outward(&out.to_ascii_uppercase()) && inward(&inw.trim().to_ascii_uppercase());
    }
    if compact.len() >= 5 && inward(&compact[compact.len() - 3..]) && outward(&compact[..compact.len() - 3]) {
        return true;
    }
    outward(&compact)
}

/// 392c: the home and placement postcodes, when given, must be postcodes.
fn r392c(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [home, post] = cols(eps, ["HOME_POST", "PL_POST"]);
    flag_rows(f, eps, |r| [home, post].iter().any(|&c| eps.value(r, c).is_some_and(|p| !valid_postcode(p))));
    Some(())
}

/// 392d: the home and placement postcodes cannot be the same except for a placement with parents
/// (P1).
fn r392d(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [home, post, place] = cols(eps, ["HOME_POST", "PL_POST", "PLACE"]);
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    flag_rows(f, eps, |r| match (eps.value(r, home), eps.value(r, post)) {
        (Some(h), Some(p)) => squash(h) == squash(p) && !eps.is(r, place, "P1"),
        _ => false,
    });
    Some(())
}

/// 393 (2024-25): a girl (SEX F) looked after other than on short breaks must have MOTHER given.
fn r393(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let eps = ctx.this.table(Episodes)?;
    let [sex, mother] = cols(header, ["SEX", "MOTHER"]);
    let ls = eps.col("LS");
    flag_rows(f, header, |r| {
        header.is(r, sex, "F")
            && !header.has(r, mother)
            && header.child(r).is_some_and(|c| eps.rows_of(c).iter().any(|&e| !eps.is_in(e as usize, ls, RESPITE)))
    });
    Some(())
}

/// 398: an episode that is a short break (V3, V4) has no postcodes, from which the distance is
/// derived.
fn r398(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [ls, home, post] = cols(eps, ["LS", "HOME_POST", "PL_POST"]);
    flag_rows(f, eps, |r| eps.is_in(r, ls, RESPITE) && (eps.has(r, home) || eps.has(r, post)));
    Some(())
}

/// 399: a child looked after only on short breaks (every episode V3 or V4) has no mother item and
/// no reviews: the Header rows giving MOTHER, the reviews giving a date or participation, and the
/// child's episodes are flagged.
fn r399(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let eps = ctx.this.table(Episodes)?;
    let reviews = ctx.this.table(Reviews);
    let (mother, ls) = (header.col("MOTHER"), eps.col("LS"));
    for child in ctx.this.children() {
        let episodes = eps.rows_of(child);
        if episodes.is_empty() || !episodes.iter().all(|&e| eps.is_in(e as usize, ls, RESPITE)) {
            continue;
        }
        let mothers: Vec<u32> =
            header.rows_of(child).iter().copied().filter(|&h| header.has(h as usize, mother)).collect();
        let held: Vec<u32> = reviews.map_or_else(Vec::new, |rv| {
            let [review, code] = cols(rv, ["REVIEW", "REVIEW_CODE"]);
            rv.rows_of(child)
                .iter()
                .copied()
                .filter(|&x| rv.has(x as usize, review) || rv.has(x as usize, code))
                .collect()
        });
        if mothers.is_empty() && held.is_empty() {
            continue;
        }
        f.flag_all(Header, mothers);
        f.flag_all(Reviews, held);
        f.flag_all(Episodes, episodes.iter().copied());
    }
    Some(())
}

/// 3001: a care leaver turning 17 during the collection year cannot be living with former foster
/// carers (accommodation Z1 or Z2).
fn r3001(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    let accom = oc3.col("ACCOM");
    flag_rows(f, oc3, |r| {
        let seventeen =
            oc3.child(r).and_then(|c| ctx.this.dob(c)).and_then(|d| d.checked_add_months(Months::new(17 * 12)));
        oc3.is_in(r, accom, &["Z1", "Z2"]) && seventeen.is_some_and(|d| d >= ctx.start() && d <= ctx.end())
    });
    Some(())
}
