//! DfE's rules with codes 1000 to 1016: care leavers against the episodes of this year and
//! last, missing periods' dates and types, the reason for placement change, the data of
//! children with no episodes, and own provision outside the council's area.

use chrono::{Months, NaiveDate};

use crate::ssda903::Table::{self, Ad1, Episodes, Header, Missing, Oc2, Oc3, PlacedAdoption, PrevPerm, Reviews, Uasc};
use crate::ssda903::validate::codes::*;
use crate::ssda903::validate::context::{Child, Ctx, RESPITE, YearData};
use crate::ssda903::validate::rule::Flags;
use crate::ssda903::validate::rule::Input::{DerivedPlacements, LocalAuthority, PreviousTable as P, Table as T};
use crate::ssda903::validate::rules::common::{cols, filled, flag_rows, not_a_code, not_a_date};
use crate::ssda903::validate::rules::r400::open_at_end;

rule!(R1000, "1000", 2022, [T(Episodes), T(Oc3)], r1000);
rule!(R1001, "1001", 2022, [T(Episodes), T(Oc3), T(Header), P(Episodes)], r1001);
rule!(R1002, "1002", 2022, [T(Episodes), T(Oc3), P(Episodes)], r1002);
rule!(R1003, "1003", 2022, [T(Episodes), T(PlacedAdoption)], r1003);
rule!(R1004, "1004", 2022, [T(Missing)], r1004);
rule!(R1005, "1005", 2022, [T(Missing)], r1005);
rule!(R1006, "1006", 2022, [T(Missing)], r1006);
rule!(R1007, "1007", 2022, [T(Episodes), T(Oc3)], r1007);
rule!(R1009, "1009", 2022, [T(Episodes)], r1009);
rule!(R1010, "1010", 2022, [T(Episodes), T(Oc3), P(Episodes)], r1010);
rule!(R1011, "1011", 2022, [T(Episodes), T(Oc3)], r1011);
rule!(R1012, "1012", 2022, [T(Episodes)], r1012);
rule!(R1014, "1014", 2022, [T(Episodes), T(Uasc), T(Oc3)], r1014);
rule!(R1015, "1015", 2025, [T(Episodes), DerivedPlacements, LocalAuthority], r1015);
rule!(R1016, "1016", 2023, [T(Episodes), T(Oc3)], r1016);

/// Whether any of the child's episodes in `year` ceased for one of `reasons`.
fn ceased_for(year: Option<&YearData<'_>>, child: Child, reasons: &[&str]) -> bool {
    let Some(eps) = year.and_then(|y| y.table(Episodes)) else { return false };
    let rec = eps.col("REC");
    eps.rows_of(child).iter().any(|&r| eps.is_in(r as usize, rec, reasons))
}

/// 1000: a child who died in care (an episode ceased E2, this year or in last year's return) has
/// no care leaver record.
fn r1000(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    flag_rows(f, oc3, |r| {
        oc3.child(r)
            .is_some_and(|c| ceased_for(Some(&ctx.this), c, &["E2"]) || ceased_for(ctx.last.as_ref(), c, &["E2"]))
    });
    Some(())
}

/// The days (not on short breaks) the child was looked after from `from` on, in both years'
/// returns (an episode not yet ceased counting to the end of the collection year; an episode
/// in both returns counted once), and whether any such care reached `later`.
fn care_since(ctx: &Ctx<'_>, child: Child, from: NaiveDate, later: NaiveDate) -> (i64, bool) {
    let mut spans: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for year in [Some(&ctx.this), ctx.last.as_ref()].into_iter().flatten() {
        let Some(eps) = year.table(Episodes) else { continue };
        let ls = eps.col("LS");
        let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
        for &r in eps.rows_of(child) {
            let r = r as usize;
            let Some(start) = decom.get(r) else { continue };
            if eps.is_in(r, ls, RESPITE) {
                continue;
            }
            let end = dec.get(r).unwrap_or(ctx.end());
            if end >= start {
                spans.push((start, end));
            }
        }
    }
    spans.sort_unstable();
    let (mut days, mut reached, mut covered) = (0, false, None::<NaiveDate>);
    for (start, end) in spans {
        let start = start.max(from).max(covered.unwrap_or(from));
        if end > start {
            days += (end - start).num_days();
        }
        if end >= later {
            reached = true;
        }
        covered = Some(covered.map_or(end, |c| c.max(end)));
    }
    (days, reached)
}

/// 1001: a care leaver must be a relevant or former relevant child: looked after (not on short
/// breaks) for at least 13 weeks in all since their 14th birthday, including some time on or
/// after their 16th, and not leaving care by adoption (E11, E12); a young person with no episodes
/// at all is flagged too. Only this year's and last
/// year's returns are seen, so a child whose care was earlier may be flagged wrongly (DfE's own
/// caution).
fn r1001(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    flag_rows(f, oc3, |r| {
        let Some(child) = oc3.child(r) else { return true };
        let ever = |y: Option<&YearData<'_>>| y.and_then(|y| y.table(Episodes)).is_some_and(|t| t.has_child(child));
        if !ever(Some(&ctx.this)) && !ever(ctx.last.as_ref()) {
            return true;
        }
        let Some(dob) = ctx.this.dob(child) else { return false };
        let (Some(fourteen), Some(sixteen)) =
            (dob.checked_add_months(Months::new(14 * 12)), dob.checked_add_months(Months::new(16 * 12)))
        else {
            return false;
        };
        let (days, at_sixteen) = care_since(ctx, child, fourteen, sixteen);
        let adopted = ceased_for(Some(&ctx.this), child, ADOPTED) || ceased_for(ctx.last.as_ref(), child, ADOPTED);
        days < 91 || !at_sixteen || adopted
    });
    Some(())
}

/// 1002: a care leaver must have been looked after: an episode this year or in last year's
/// return.
fn r1002(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    let eps = ctx.this.table(Episodes)?;
    let last = ctx.last.as_ref()?.table(Episodes)?;
    flag_rows(f, oc3, |r| oc3.child(r).is_none_or(|c| !eps.has_child(c) && !last.has_child(c)));
    Some(())
}

/// 1003: the decision that the child should be placed for adoption cannot be before the child
/// first started to be looked after (their earliest episode with reason S); the decision and
/// that episode are flagged.
fn r1003(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let pa = ctx.this.table(PlacedAdoption)?;
    let (rne, decom) = (eps.col("RNE"), eps.dates("DECOM"));
    let placed = pa.dates("DATE_PLACED");
    for row in pa.rows() {
        let (Some(child), Some(decided)) = (pa.child(row), placed.get(row)) else { continue };
        let started = ctx
            .this
            .episodes_of(child)
            .iter()
            .map(|&r| r as usize)
            .find_map(|r| if eps.is(r, rne, "S") { decom.get(r).map(|d| (r, d)) } else { None });
        if let Some((episode, day)) = started
            && decided < day
        {
            f.flag(PlacedAdoption, row);
            f.flag(Episodes, episode);
        }
    }
    Some(())
}

/// 1004: a missing period's start date must be given and be a date.
fn r1004(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    not_a_date(ctx, f, Missing, "MIS_START", true)
}

/// 1005: a missing period's end date, when given, must be a date.
fn r1005(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    not_a_date(ctx, f, Missing, "MIS_END", false)
}

/// 1006: the missing type, when given, must be M (missing) or A (away without authorisation).
fn r1006(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    not_a_code(ctx, f, Missing, "MISSING", MISSING_TYPE, false)
}

/// The birthdays (17th and 18th) of a child born on `dob` that fall in the collection year.
fn leaver_birthdays(ctx: &Ctx<'_>, dob: NaiveDate) -> impl Iterator<Item = NaiveDate> + use<> {
    let (start, end) = (ctx.start(), ctx.end());
    [17u32, 18]
        .into_iter()
        .filter_map(move |age| dob.checked_add_months(Months::new(age * 12)))
        .filter(move |d| *d >= start && *d <= end)
}

/// 1007: a young person still looked after on their 17th or 18th birthday in the year (an
/// episode that began by then and had not ceased by the day) needs no care leaver information.
fn r1007(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    let eps = ctx.this.table(Episodes)?;
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    let (items, dob) = (cols(oc3, CARE_LEAVER_ITEMS), oc3.dates("DOB"));
    flag_rows(f, oc3, |r| {
        let (Some(child), Some(born)) = (oc3.child(r), dob.get(r)) else { return false };
        filled(oc3, r, &items) > 0
            && leaver_birthdays(ctx, born).any(|day| {
                eps.rows_of(child)
                    .iter()
                    .map(|&e| e as usize)
                    .any(|e| decom.get(e).is_some_and(|s| s <= day) && dec.get(e).is_none_or(|x| x > day))
            })
    });
    Some(())
}

/// 1009: the reason for placement change, when given, must be one of DfE's codes.
fn r1009(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    not_a_code(ctx, f, Episodes, "REASON_PLACE_CHANGE", REASON_PLACE_CHANGE, false)
}

/// 1010: a care leaver whose care was open at the end of last year's return (their last episode
/// had not ceased) must have episodes this year.
fn r1010(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    let eps = ctx.this.table(Episodes)?;
    let last = ctx.last.as_ref()?;
    flag_rows(f, oc3, |r| oc3.child(r).is_some_and(|c| !eps.has_child(c) && open_at_end(last, c).is_some()));
    Some(())
}

/// 1011: a young person whose last episode ceased because their care was transferred to another
/// council (E3) has no care leaver information here.
fn r1011(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    let eps = ctx.this.table(Episodes)?;
    let (rec, decom) = (eps.col("REC"), eps.dates("DECOM"));
    let items = cols(oc3, CARE_LEAVER_ITEMS);
    flag_rows(f, oc3, |r| {
        let Some(child) = oc3.child(r) else { return false };
        let last = ctx.this.episodes_of(child).iter().rev().map(|&e| e as usize).find(|&e| decom.get(e).is_some());
        filled(oc3, r, &items) > 0 && last.is_some_and(|e| eps.is(e, rec, "E3"))
    });
    Some(())
}

/// 1012: a child with no episodes this year has no other data: their rows in PlacedAdoption,
/// Missing, Reviews, AD1, PrevPerm and OC2 are flagged.
fn r1012(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    const OTHERS: [Table; 6] = [PlacedAdoption, Missing, Reviews, Ad1, PrevPerm, Oc2];
    for table in OTHERS {
        let Some(t) = ctx.this.table(table) else { continue };
        flag_rows(f, t, |r| t.child(r).is_some_and(|c| !eps.has_child(c)));
    }
    Some(())
}

/// 1014: a care leaver (with care leaver information, and not looked after during the year) has
/// no UASC information for the year (a UASC row whose status had not ceased before it began);
/// the UASC and OC3 rows are flagged.
fn r1014(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    let uasc = ctx.this.table(Uasc)?;
    let eps = ctx.this.table(Episodes)?;
    let items = cols(oc3, CARE_LEAVER_ITEMS);
    let duc = uasc.dates("DUC");
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    for row in oc3.rows() {
        let Some(child) = oc3.child(row) else { continue };
        if filled(oc3, row, &items) == 0 {
            continue;
        }
        let looked_after = eps
            .rows_of(child)
            .iter()
            .map(|&e| e as usize)
            .any(|e| decom.get(e).is_some_and(|s| s <= ctx.end()) && dec.get(e).is_none_or(|x| x >= ctx.start()));
        let current: Vec<u32> = uasc
            .rows_of(child)
            .iter()
            .copied()
            .filter(|&u| duc.get(u as usize).is_none_or(|d| d >= ctx.start()))
            .collect();
        if !looked_after && !current.is_empty() {
            f.flag(Oc3, row);
            f.flag_all(Uasc, current);
        }
    }
    Some(())
}

/// 1015: a placement in the council's own provision (PR1) must be in its own area (PL_LA the
/// council's code). Foster placements (U1 to U6), whose carers may live anywhere, and short
/// breaks are left out, as are episodes without a placement type or legal status to judge by.
/// 1015 (2025-26): as before, and supported accommodation (K3) and placements for adoption (A3
/// to A6, with the council's own adopters) are left out too: both may be outside its area.
fn r1015(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    own_provision_in_area(ctx, f, &["K3", "A3", "A4", "A5", "A6"])
}

fn own_provision_in_area(ctx: &Ctx<'_>, f: &mut Flags, left_out: &[&str]) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let own = ctx.meta.local_authority()?;
    let [place, ls, provider] = cols(eps, ["PLACE", "LS", "PLACE_PROVIDER"]);
    flag_rows(f, eps, |r| {
        let Some(la) = ctx.this.placement(r).and_then(|p| p.pl_la.as_deref()).map(str::trim).filter(|s| !s.is_empty())
        else {
            return false;
        };
        eps.is(r, provider, "PR1")
            && eps.has(r, place)
            && eps.has(r, ls)
            && !eps.is_in(r, place, FOSTER)
            && !eps.is_in(r, place, left_out)
            && !eps.is_in(r, ls, RESPITE)
            && !la.eq_ignore_ascii_case(own)
    });
    Some(())
}

/// 1016: a young person who stopped being looked after on or after their 17th or 18th birthday
/// in the year (every episode ceased, the last on or after the birthday) needs no care leaver
/// information.
fn r1016(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    let eps = ctx.this.table(Episodes)?;
    let dec = eps.dates("DEC");
    let (items, dob) = (cols(oc3, CARE_LEAVER_ITEMS), oc3.dates("DOB"));
    flag_rows(f, oc3, |r| {
        let (Some(child), Some(born)) = (oc3.child(r), dob.get(r)) else { return false };
        let episodes = eps.rows_of(child);
        let ceased: Vec<NaiveDate> = episodes.iter().filter_map(|&e| dec.get(e as usize)).collect();
        let Some(&left) = ceased.iter().max() else { return false };
        filled(oc3, r, &items) > 0
            && ceased.len() == episodes.len()
            && leaver_birthdays(ctx, born).any(|day| left >= day)
    });
    Some(())
}
