//! DfE's rules with codes 100 to 199: the child's details, the episode codes and dates, adoption
//! and care leaver items, and the outcomes (OC2) of children looked after for 12 months.

use chrono::NaiveDate;

use crate::ssda903::Table::{Ad1, Episodes, Header, Oc2, Oc3, PlacedAdoption, Reviews, Uasc};
use crate::ssda903::validate::codes::*;
use crate::ssda903::validate::cohort::Cohort;
use crate::ssda903::validate::context::{
    Child, Col, Ctx, RESPITE, TableView, YearData, aged_at_least, is_code, years_after,
};
use crate::ssda903::validate::rule::Flags;
use crate::ssda903::validate::rule::Input::{DerivedPlacements, Table as T, XmlUasc};
use crate::ssda903::validate::rules::common::*;

rule!(R101, "101", 2024, [T(Header)], r101);
rule!(R102, "102", 2022, [T(Header)], r102);
rule!(R103, "103", 2022, [T(Header)], r103);
rule!(R104, "104", 2022, [T(Uasc)], r104);
rule!(R105, "105", 2022, [T(Header), XmlUasc], r105);
rule!(R112, "112", 2022, [T(Ad1)], r112);
rule!(R113, "113", 2022, [T(Ad1)], r113);
rule!(R114, "114", 2022, [T(Ad1)], r114);
rule!(R115, "115", 2022, [T(PlacedAdoption)], r115);
rule!(R116, "116", 2022, [T(PlacedAdoption)], r116);
rule!(R117, "117", 2022, [T(PlacedAdoption)], r117);
rule!(R118, "118", 2022, [T(PlacedAdoption)], r118);
rule!(R119, "119", 2022, [T(PlacedAdoption)], r119);
rule!(R120, "120", 2022, [T(PlacedAdoption)], r120);
rule!(R131, "131", 2022, [T(Oc3)], r131);
rule!(R132, "132", 2022, [T(Oc3)], r132);
rule!(R133, "133", 2022, [T(Oc3)], r133);
rule!(R134, "134", 2022, [T(Oc3), T(Ad1)], r134);
rule!(R141, "141", 2022, [T(Episodes)], r141);
rule!(R142, "142", 2022, [T(Episodes)], r142);
rule!(R143, "143", 2022, [T(Episodes)], r143);
rule!(R144, "144", 2022, [T(Episodes)], r144);
rule!(R145, "145", 2022, [T(Episodes)], r145);
rule!(R146, "146", 2025, [T(Episodes)], r146);
rule!(R147, "147", 2022, [T(Episodes)], r147);
rule!(R148, "148", 2022, [T(Episodes)], r148);
rule!(R149, "149", 2022, [T(Episodes)], r149);
rule!(R151, "151", 2022, [T(Ad1)], r151);
rule!(R153, "153", 2022, [T(Oc3)], r153);
rule!(R157, "157", 2022, [T(Oc2), T(Episodes)], r157);
rule!(R158, "158", 2022, [T(Oc2)], r158);
rule!(R159, "159", 2022, [T(Oc2)], r159);
rule!(R164, "164", 2022, [T(Episodes), DerivedPlacements], r164);
rule!(R165, "165", 2022, [T(Header), T(Episodes)], r165);
rule!(R166, "166", 2022, [T(Reviews)], r166);
rule!(R167, "167", 2022, [T(Reviews)], r167);
rule!(R168, "168", 2022, [T(Header)], r168);
rule!(R169, "169", 2022, [T(Episodes), DerivedPlacements], r169);
rule!(R171, "171", 2022, [T(Header)], r171);
rule!(R174, "174", 2024, [T(Header)], r174);
rule!(R175, "175", 2022, [T(Ad1)], r175);
rule!(R176, "176", 2022, [T(Ad1)], r176);
rule!(R177, "177", 2022, [T(Ad1)], r177);
rule!(R178, "178", 2025, [T(Episodes)], r178);
rule!(R179, "179", 2022, [T(Episodes), DerivedPlacements], r179);
rule!(R180, "180", 2022, [T(Oc2)], r180);
rule!(R181, "181", 2022, [T(Oc2)], r181);
rule!(R182, "182", 2022, [T(Oc2)], r182);
rule!(R184, "184", 2022, [T(Header), T(PlacedAdoption)], r184);
rule!(R185, "185", 2022, [T(Oc2), T(Episodes)], r185);
rule!(R186, "186", 2022, [T(Oc2), T(Episodes)], r186);
rule!(R187, "187", 2022, [T(Episodes)], r187);
rule!(R188, "188", 2022, [T(Oc2)], r188);
rule!(R189, "189", 2022, [T(Oc2)], r189);
rule!(R190, "190", 2022, [T(Oc2), T(Episodes)], r190);
rule!(R191, "191", 2022, [T(Oc2), T(Episodes)], r191);
rule!(R192, "192", 2022, [T(Oc2)], r192);
rule!(R193, "193", 2022, [T(Oc2)], r193);
rule!(R196, "196", 2022, [T(Oc2)], r196);
rule!(R197B, "197B", 2022, [T(Oc2), T(Episodes)], r197b);
rule!(R197A, "197a", 2022, [T(Oc2)], r197a);
rule!(R198, "198", 2022, [T(Oc2), T(Episodes)], r198);
rule!(R199, "199", 2022, [T(Episodes)], r199);

// The rules.

/// 101: the child's SEX must be M, F or U (from 2024-25).
fn r101(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Header, "SEX", SEX, true)
}

/// 102: the date of birth must be given and be a `DD/MM/YYYY` date.
fn r102(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_date(ctx, out, Header, "DOB", true)
}

/// 103: the ethnicity must be given and be one of DfE's 20 codes.
fn r103(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Header, "ETHNIC", ETHNIC, true)
}

/// 104: the date UASC status ceased, when given, must be a date, and not before the start of
/// the collection year (a status that ended earlier belongs to an earlier return).
fn r104(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let t = ctx.this.table(Uasc)?;
    let duc = t.dates("DUC");
    for row in 0..t.len() {
        let cell = duc.cell(row);
        if cell.is_invalid() || cell.date().is_some_and(|d| d < ctx.start()) {
            out.flag(Uasc, row);
        }
    }
    Some(())
}

/// 105: in the XML form, each child's UASC item must be 0 or 1. (CSV files have no such item:
/// a child is UASC when they have a row in the UASC table, so the rule only runs on XML.)
fn r105(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Header, crate::ssda903::XML_HEADER_UASC, ZERO_OR_ONE, true)
}

/// 112: the date the child should be placed for adoption, when given, must be a date.
fn r112(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_date(ctx, out, Ad1, "DATE_INT", false)
}

/// 113: the date the child was matched with adopters, when given, must be a date.
fn r113(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_date(ctx, out, Ad1, "DATE_MATCH", false)
}

/// 114: whether the adopters were the child's foster carers, when given, must be 0 or 1.
fn r114(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Ad1, "FOSTER_CARE", ZERO_OR_ONE, false)
}

/// 115: the date of the decision that the child should be placed for adoption, when given,
/// must be a date.
fn r115(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_date(ctx, out, PlacedAdoption, "DATE_PLACED", false)
}

/// 116: the date of the decision that the child should no longer be placed for adoption, when
/// given, must be a date.
fn r116(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_date(ctx, out, PlacedAdoption, "DATE_PLACED_CEASED", false)
}

/// 117: neither adoption decision date may be after the end of the collection year, nor after
/// the child ceased to be looked after. The day care ceased is taken from the child's episode
/// with the latest date ceased among those that ended other than by X1 (another episode
/// following); that episode is flagged with the decision.
fn r117(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let pa = ctx.this.table(PlacedAdoption)?;
    let (placed, ceased) = (pa.dates("DATE_PLACED"), pa.dates("DATE_PLACED_CEASED"));
    let eps = ctx.this.table(Episodes);
    for row in 0..pa.len() {
        let left_care = match (eps, pa.child(row)) {
            (Some(eps), Some(child)) => care_ceased(eps, child),
            _ => None,
        };
        let too_late = [placed.get(row), ceased.get(row)]
            .into_iter()
            .flatten()
            .any(|d| d > ctx.end() || left_care.is_some_and(|(left, _)| d > left));
        if too_late {
            out.flag(PlacedAdoption, row);
            if let Some((_, episode)) = left_care {
                out.flag(Episodes, episode);
            }
        }
    }
    Some(())
}

/// The latest date on which one of the child's episodes ceased other than by X1, and that
/// episode's row (the first in the file if several share the date).
fn care_ceased(eps: &TableView<'_>, child: Child) -> Option<(NaiveDate, usize)> {
    let (dec, rec) = (eps.dates("DEC"), eps.col("REC"));
    let mut latest: Option<(NaiveDate, usize)> = None;
    for &r in eps.rows_of(child) {
        let r = r as usize;
        if eps.is(r, rec, "X1") {
            continue;
        }
        if let Some(d) = dec.get(r)
            && latest.is_none_or(|(l, _)| d > l)
        {
            latest = Some((d, r));
        }
    }
    latest
}

/// 118: the date of the decision that the child should no longer be placed for adoption may not
/// be before the start of the collection year, nor before the child started to be looked after
/// (their earliest episode, leaving out short breaks); that episode is flagged with it.
fn r118(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let pa = ctx.this.table(PlacedAdoption)?;
    let ceased = pa.dates("DATE_PLACED_CEASED");
    let eps = ctx.this.table(Episodes);
    for row in 0..pa.len() {
        let Some(date) = ceased.get(row) else { continue };
        let first = match (eps, pa.child(row)) {
            (Some(eps), Some(child)) => {
                let (ls, decom) = (eps.col("LS"), eps.dates("DECOM"));
                ctx.this
                    .episodes_of(child)
                    .iter()
                    .map(|&r| r as usize)
                    .find(|&r| !eps.is_in(r, ls, RESPITE) && decom.get(r).is_some())
                    .and_then(|r| Some((decom.get(r)?, r)))
            }
            _ => None,
        };
        if date < ctx.start() || first.is_some_and(|(started, _)| date < started) {
            out.flag(PlacedAdoption, row);
            if let Some((_, episode)) = first {
                out.flag(Episodes, episode);
            }
        }
    }
    Some(())
}

/// 119: the date of the decision that the child should no longer be placed for adoption and
/// the reason for it must both be given, or both left blank.
fn r119(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let pa = ctx.this.table(PlacedAdoption)?;
    let [date, reason] = cols(pa, ["DATE_PLACED_CEASED", "REASON_PLACED_CEASED"]);
    for row in 0..pa.len() {
        if pa.has(row, date) != pa.has(row, reason) {
            out.flag(PlacedAdoption, row);
        }
    }
    Some(())
}

/// 120: the reason the child should no longer be placed for adoption, when given, must be RD1
/// to RD4.
fn r120(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, PlacedAdoption, "REASON_PLACED_CEASED", REASON_PLACED_CEASED, false)
}

/// 131: a care leaver's "in touch" item must be given and be one of DfE's codes.
fn r131(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Oc3, "IN_TOUCH", IN_TOUCH, true)
}

/// 132: a care leaver's activity must be given and be one of DfE's codes.
fn r132(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Oc3, "ACTIV", ACTIV, true)
}

/// 133: a care leaver's accommodation must be given and be one of DfE's codes.
fn r133(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Oc3, "ACCOM", ACCOM, true)
}

/// 134: a child with care leaver information (any OC3 item) must not also have adoption
/// information (any AD1 item); the AD1 row is flagged.
fn r134(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let (oc3, ad1) = (ctx.this.table(Oc3)?, ctx.this.table(Ad1)?);
    let leaver = cols(oc3, CARE_LEAVER_ITEMS);
    let adoption = cols(ad1, ADOPTION_ITEMS);
    for row in 0..ad1.len() {
        if filled(ad1, row, &adoption) == 0 {
            continue;
        }
        let Some(child) = ad1.child(row) else { continue };
        if oc3.rows_of(child).iter().any(|&r| filled(oc3, r as usize, &leaver) > 0) {
            out.flag(Ad1, row);
        }
    }
    Some(())
}

/// 141: the date an episode began, when given, must be a date.
fn r141(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_date(ctx, out, Episodes, "DECOM", false)
}

/// 142: every episode but a child's latest (by start date) must have ended: its date ceased and
/// reason ceased must both be given. Episodes with no readable start date are left out.
fn r142(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let (decom, dec, rec) = (eps.dates("DECOM"), eps.dates("DEC"), eps.col("REC"));
    for child in ctx.this.children() {
        let dated: Vec<usize> =
            ctx.this.episodes_of(child).iter().map(|&r| r as usize).filter(|&r| decom.get(r).is_some()).collect();
        let Some((_, earlier)) = dated.split_last() else { continue };
        for &r in earlier {
            if dec.get(r).is_none() || !eps.has(r, rec) {
                out.flag(Episodes, r);
            }
        }
    }
    Some(())
}

/// 143: the reason for a new episode, when given, must be S, P, L, T, U or B.
fn r143(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Episodes, "RNE", RNE, false)
}

/// 144: the legal status, when given, must be one of DfE's codes.
fn r144(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Episodes, "LS", LS, false)
}

/// 145: the category of need, when given, must be N1 to N8.
fn r145(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Episodes, "CIN", CIN, false)
}

/// 146 (2025-26): the placement type, when given, must be one of DfE's codes for 2025-26 (no
/// longer H5, P2 or Z1; Z11 to Z14 instead of Z1).
fn r146(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Episodes, "PLACE", PLACE_2025, false)
}

/// 147: the date an episode ceased, when given, must be a date.
fn r147(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_date(ctx, out, Episodes, "DEC", false)
}

/// 148: the date an episode ceased and the reason it ceased must both be filled in, or both
/// left blank. (Filled in means the cell holds something; 147 reports a DEC that is not a date.)
fn r148(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [dec, rec] = cols(eps, ["DEC", "REC"]);
    for row in 0..eps.len() {
        if eps.has(row, dec) != eps.has(row, rec) {
            out.flag(Episodes, row);
        }
    }
    Some(())
}

/// 149: the reason an episode ceased, when given, must be one of DfE's codes.
fn r149(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Episodes, "REC", REC, false)
}

/// 151: the six adoption items of AD1 must all be given, or all left blank.
fn r151(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let ad1 = ctx.this.table(Ad1)?;
    let items = cols(ad1, ADOPTION_ITEMS);
    for row in 0..ad1.len() {
        let n = filled(ad1, row, &items);
        if n > 0 && n < items.len() {
            out.flag(Ad1, row);
        }
    }
    Some(())
}

/// 153: the three care leaver items of OC3 must all be given, or all left blank.
fn r153(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let oc3 = ctx.this.table(Oc3)?;
    let items = cols(oc3, CARE_LEAVER_ITEMS);
    for row in 0..oc3.len() {
        let n = filled(oc3, row, &items);
        if n > 0 && n < items.len() {
            out.flag(Oc3, row);
        }
    }
    Some(())
}

/// Whether a child born on `dob` is of SDQ age throughout the year: aged 4 or over on the
/// first day and 16 or under on the last.
fn sdq_age_all_year(ctx: &Ctx<'_>, dob: NaiveDate) -> bool {
    aged_at_least(dob, 4, ctx.start()) && !aged_at_least(dob, 17, ctx.end())
}

/// 157: for a child in the OC2 cohort who is aged 4 or over at the start of the year and 16 or
/// under at the end, SDQ1 (no SDQ because the child is under 4 or over 16) is not a valid reason
/// for having no SDQ score.
fn r157(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let cohort = Cohort::get(ctx);
    let (reason, dob) = (oc2.col("SDQ_REASON"), oc2.dates("DOB"));
    for row in 0..oc2.len() {
        if oc2.is(row, reason, "SDQ1")
            && in_cohort(cohort, oc2, row)
            && dob.get(row).is_some_and(|d| sdq_age_all_year(ctx, d))
        {
            out.flag(Oc2, row);
        }
    }
    Some(())
}

/// 158: when a child received an intervention for substance misuse (INTERVENTION_RECEIVED 1),
/// whether one was offered must be left blank.
fn r158(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let [received, offered] = cols(oc2, ["INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"]);
    for row in 0..oc2.len() {
        if oc2.is(row, received, "1") && oc2.has(row, offered) {
            out.flag(Oc2, row);
        }
    }
    Some(())
}

/// 159: when a child with a substance misuse problem (SUBSTANCE_MISUSE 1) did not receive an
/// intervention (INTERVENTION_RECEIVED 0), whether one was offered must be given.
fn r159(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let [misuse, received, offered] = cols(oc2, ["SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"]);
    for row in 0..oc2.len() {
        if oc2.is(row, misuse, "1") && oc2.is(row, received, "0") && !oc2.has(row, offered) {
            out.flag(Oc2, row);
        }
    }
    Some(())
}

/// Whether the child was an unaccompanied asylum-seeking child this year or last.
fn uasc_either_year(ctx: &Ctx<'_>, child: Child) -> bool {
    ctx.this.is_uasc(child) || ctx.last.as_ref().is_some_and(|last: &YearData<'_>| last.is_uasc(child))
}

/// 164: the distance from home to placement (PL_DISTANCE, derived from the postcodes), when
/// known, must be between 0 and 999.9 miles, except for short breaks (V3, V4) and for children
/// who are or were unaccompanied asylum-seeking children (this year or in the previous year's
/// return), whose home postcode may be far away or abroad.
fn r164(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let ls = eps.col("LS");
    for row in 0..eps.len() {
        let Some(distance) = ctx.this.placement(row).and_then(|p| p.pl_distance) else { continue };
        if (0.0..=999.9).contains(&distance) || eps.is_in(row, ls, RESPITE) {
            continue;
        }
        if eps.child(row).is_some_and(|c| uasc_either_year(ctx, c)) {
            continue;
        }
        out.flag(Episodes, row);
    }
    Some(())
}

/// 165: "Data entry for mother status is invalid": whether a girl is a mother (MOTHER) must be
/// 0 or 1 when given; it must be given for a girl looked after during the year (other than on
/// short breaks); and it is for girls only ("If provided <MOTHER> must be a valid value (and
/// child must be female)"), so a boy's MOTHER, even 0, is a finding. The child's OC3 rows are flagged with the Header row. Girls are SEX F (or 2, the
/// code before 2024-25, which the reference's version of this rule still reads), boys M (or 1).
fn r165(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let [sex, mother] = cols(header, ["SEX", "MOTHER"]);
    let oc3 = ctx.this.table(Oc3);
    for row in 0..header.len() {
        let girl = header.is_in(row, sex, &["F", "2"]);
        let boy = header.is_in(row, sex, &["M", "1"]);
        let child = header.child(row);
        let bad = match header.value(row, mother) {
            Some(m) => !is_code(m, ZERO_OR_ONE) || boy,
            None => girl && child.is_some_and(|c| looked_after_in_year(ctx, c)),
        };
        if bad {
            out.flag(Header, row);
            if let (Some(oc3), Some(child)) = (oc3, child) {
                out.flag_all(Oc3, oc3.rows_of(child).iter().copied());
            }
        }
    }
    Some(())
}

/// 166: the date of a review must be given and be a date.
fn r166(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_date(ctx, out, Reviews, "REVIEW", true)
}

/// 167: the child's participation in a review must be PN0 to PN7: given for every review with a
/// date, and valid whenever given.
fn r167(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let reviews = ctx.this.table(Reviews)?;
    let [review, code] = cols(reviews, ["REVIEW", "REVIEW_CODE"]);
    for row in 0..reviews.len() {
        // "Data entry for participation is invalid or blank": a code that is not DfE's, a
        // review with no code, and a code on a row with no review to describe.
        let bad = match reviews.value(row, code) {
            Some(c) => !is_code(c, REVIEW_CODE) || !reviews.has(row, review),
            None => reviews.has(row, review),
        };
        if bad {
            out.flag(Reviews, row);
        }
    }
    Some(())
}

/// Whether `upn` is a unique pupil number: a letter other than I, O or S, then 12 digits, or
/// 11 digits and a letter (a temporary UPN); or one of the codes for an unknown UPN.
fn valid_upn(upn: &str) -> bool {
    if is_code(upn, UPN_UNKNOWN) {
        return true;
    }
    let b = upn.as_bytes();
    let [first, middle @ .., last] = b else { return false };
    b.len() == 13
        && first.is_ascii_alphabetic()
        && !matches!(first.to_ascii_uppercase(), b'I' | b'O' | b'S')
        && middle.iter().all(u8::is_ascii_digit)
        && last.is_ascii_alphanumeric()
}

/// 168: the UPN, when given, must be a valid UPN or UN1 to UN5.
fn r168(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let upn = header.col("UPN");
    for row in 0..header.len() {
        if header.value(row, upn).is_some_and(|u| !valid_upn(u)) {
            out.flag(Header, row);
        }
    }
    Some(())
}

/// 169: the local authority of the placement (PL_LA, derived from the placement postcode) must
/// be known for every episode other than a short break (V3, V4). careful cannot check the code
/// itself, which comes from the postcode lookup.
fn r169(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let ls = eps.col("LS");
    for row in 0..eps.len() {
        let known = ctx.this.placement(row).and_then(|p| p.pl_la.as_deref()).is_some_and(|v| !v.trim().is_empty());
        if !known && !eps.is_in(row, ls, RESPITE) {
            out.flag(Episodes, row);
        }
    }
    Some(())
}

/// 171: the date of birth of a mother's child, when given, must be a date.
fn r171(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_date(ctx, out, Header, "MC_DOB", false)
}

/// 174 (2024-25): a boy (SEX M) cannot have a date of birth of a mother's child.
fn r174(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let [sex, mc_dob] = cols(header, ["SEX", "MC_DOB"]);
    for row in 0..header.len() {
        if header.is(row, sex, "M") && header.has(row, mc_dob) {
            out.flag(Header, row);
        }
    }
    Some(())
}

/// 175: the number of adopters, when given, must be 1 or 2.
fn r175(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Ad1, "NB_ADOPTR", NB_ADOPTR, false)
}

/// 176: the sex of the adopters, when given, must be M1, F1, MM, FF or MF.
fn r176(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Ad1, "SEX_ADOPTR", SEX_ADOPTR, false)
}

/// 177: the legal status of the adopters, when given, must be L0, L11, L12, L2, L3 or L4.
fn r177(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Ad1, "LS_ADOPTR", LS_ADOPTR, false)
}

/// 178 (2025-26): a placement provider, when given, must be PR0 to PR5, and must not be given
/// for a placement with parents or others with parental responsibility (T0 to T3) or another
/// placement (Z11 to Z14).
fn r178(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [provider, place] = cols(eps, ["PLACE_PROVIDER", "PLACE"]);
    for row in 0..eps.len() {
        let Some(p) = eps.value(row, provider) else { continue };
        if !is_code(p, PLACE_PROVIDER) || eps.is_in(row, place, PLACE_WITHOUT_PROVIDER_2025) {
            out.flag(Episodes, row);
        }
    }
    Some(())
}

/// 179: the placement location (PL_LOCATION, derived: IN or OUT of the council's area) must be
/// IN or OUT, and must be known for every episode other than a short break (V3, V4).
fn r179(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let ls = eps.col("LS");
    for row in 0..eps.len() {
        let location = ctx.this.placement(row).and_then(|p| p.pl_location.as_deref()).map(str::trim);
        let bad = match location.filter(|l| !l.is_empty()) {
            Some(l) => !is_code(l, PL_LOCATION),
            None => !eps.is_in(row, ls, RESPITE),
        };
        if bad {
            out.flag(Episodes, row);
        }
    }
    Some(())
}

/// 180: the SDQ score, when given, must be a whole number from 0 to 40.
fn r180(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let score = oc2.col("SDQ_SCORE");
    for row in 0..oc2.len() {
        if oc2.value(row, score).is_some_and(|s| !sdq_score(s)) {
            out.flag(Oc2, row);
        }
    }
    Some(())
}

/// Whether `s` is a whole number from 0 to 40.
fn sdq_score(s: &str) -> bool {
    s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit()) && s.parse::<u8>().is_ok_and(|n| n <= 40)
}

/// 181: each of the eight OC2 items on children looked after for 12 months, when given, must be
/// 0 or 1.
fn r181(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let items = cols(oc2, OC2_ITEMS);
    for row in 0..oc2.len() {
        if items.iter().any(|&c| oc2.is_not_in(row, c, ZERO_OR_ONE)) {
            out.flag(Oc2, row);
        }
    }
    Some(())
}

/// 182: immunisations, teeth check, health assessment and substance misuse must all be given,
/// unless every OC2 item on children looked after for 12 months is blank.
fn r182(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let required = cols(oc2, OC2_REQUIRED);
    let items = cols(oc2, OC2_ITEMS);
    for row in 0..oc2.len() {
        if filled(oc2, row, &required) < required.len() && filled(oc2, row, &items) > 0 {
            out.flag(Oc2, row);
        }
    }
    Some(())
}

/// 184: the decision that a child should be placed for adoption cannot be before the child was
/// born (the Header's date of birth).
fn r184(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let (header, pa) = (ctx.this.table(Header)?, ctx.this.table(PlacedAdoption)?);
    let (dob, placed) = (header.dates("DOB"), pa.dates("DATE_PLACED"));
    for row in 0..pa.len() {
        let (Some(date), Some(child)) = (placed.get(row), pa.child(row)) else { continue };
        let born = header.rows_of(child).iter().find_map(|&r| dob.get(r as usize));
        if born.is_some_and(|b| date < b) {
            out.flag(PlacedAdoption, row);
        }
    }
    Some(())
}

/// 185: a child not in the OC2 cohort (not looked after continuously for 12 months at
/// 31 March) must have no SDQ score.
fn r185(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    outside_cohort_with(ctx, out, &["SDQ_SCORE"])
}

/// Flags OC2 rows of children outside the OC2 cohort that fill in any of `items`.
fn outside_cohort_with(ctx: &Ctx<'_>, out: &mut Flags, items: &[&str]) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let cohort = Cohort::get(ctx);
    let items: Vec<Col> = items.iter().map(|&i| oc2.col(i)).collect();
    for row in 0..oc2.len() {
        if filled(oc2, row, &items) > 0 && !in_cohort(cohort, oc2, row) {
            out.flag(Oc2, row);
        }
    }
    Some(())
}

/// 186: a child in the OC2 cohort aged 4 or over at the start of the year and under 17 at the
/// end must have an SDQ score (or a reason for having none).
fn r186(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let cohort = Cohort::get(ctx);
    let [score, reason] = cols(oc2, ["SDQ_SCORE", "SDQ_REASON"]);
    let dob = oc2.dates("DOB");
    for row in 0..oc2.len() {
        if !oc2.has(row, score)
            && !oc2.has(row, reason)
            && in_cohort(cohort, oc2, row)
            && dob.get(row).is_some_and(|d| sdq_age_all_year(ctx, d))
        {
            out.flag(Oc2, row);
        }
    }
    Some(())
}

/// 187: a child in the OC2 cohort cannot also have adoption information (AD1) or care leaver
/// information (OC3); the AD1 and OC3 rows with any item given are flagged.
fn r187(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let cohort = Cohort::get(ctx);
    for (table, items) in [(Ad1, &ADOPTION_ITEMS[..]), (Oc3, &CARE_LEAVER_ITEMS[..])] {
        let Some(t) = ctx.this.table(table) else { continue };
        let items: Vec<Col> = items.iter().map(|&i| t.col(i)).collect();
        for row in 0..t.len() {
            if filled(t, row, &items) > 0 && in_cohort(cohort, t, row) {
                out.flag(table, row);
            }
        }
    }
    Some(())
}

/// 188: a child under 4 at the end of the year must have neither an SDQ score nor a reason for
/// having none.
fn r188(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    sdq_given_at_age(ctx, out, |dob| !aged_at_least(dob, 4, ctx.end()))
}

/// 189: a child aged 17 or over at the start of the year must have neither an SDQ score nor a
/// reason for having none.
fn r189(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    sdq_given_at_age(ctx, out, |dob| aged_at_least(dob, 17, ctx.start()))
}

/// Flags OC2 rows giving an SDQ score or reason for a child whose date of birth meets `age`.
fn sdq_given_at_age(ctx: &Ctx<'_>, out: &mut Flags, age: impl Fn(NaiveDate) -> bool) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let [score, reason] = cols(oc2, ["SDQ_SCORE", "SDQ_REASON"]);
    let dob = oc2.dates("DOB");
    for row in 0..oc2.len() {
        if (oc2.has(row, score) || oc2.has(row, reason)) && dob.get(row).is_some_and(&age) {
            out.flag(Oc2, row);
        }
    }
    Some(())
}

/// 190: a child not in the OC2 cohort must have none of the eight OC2 items on children looked
/// after for 12 months.
fn r190(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    outside_cohort_with(ctx, out, &OC2_ITEMS)
}

/// 191: a child in the OC2 cohort must have immunisations, teeth check, health assessment and
/// substance misuse given. A child in the cohort with no OC2 row at all is reported on their
/// last episode.
fn r191(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let cohort = Cohort::get(ctx);
    let required = cols(oc2, OC2_REQUIRED);
    for row in 0..oc2.len() {
        if in_cohort(cohort, oc2, row) && filled(oc2, row, &required) < required.len() {
            out.flag(Oc2, row);
        }
    }
    for child in ctx.this.children() {
        if let Some(last) = cohort.last_episode(child)
            && !oc2.has_child(child)
        {
            out.flag(Episodes, last);
        }
    }
    Some(())
}

/// 192: a child with a substance misuse problem (SUBSTANCE_MISUSE 1) must have whether an
/// intervention was received given.
fn r192(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let [misuse, received] = cols(oc2, ["SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED"]);
    for row in 0..oc2.len() {
        if oc2.is(row, misuse, "1") && !oc2.has(row, received) {
            out.flag(Oc2, row);
        }
    }
    Some(())
}

/// 193: a child not identified as having a substance misuse problem (SUBSTANCE_MISUSE other than
/// 1) must have both intervention items blank.
fn r193(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let [misuse, received, offered] = cols(oc2, ["SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"]);
    for row in 0..oc2.len() {
        if !oc2.is(row, misuse, "1") && (oc2.has(row, received) || oc2.has(row, offered)) {
            out.flag(Oc2, row);
        }
    }
    Some(())
}

/// 196: the reason for having no SDQ score, when given, must be SDQ1 to SDQ5.
fn r196(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    not_a_code(ctx, out, Oc2, "SDQ_REASON", SDQ_REASON, false)
}

/// 197B: a child in the OC2 cohort aged 4 or over at the end of the year and under 17 at the
/// start (which takes in those turning 4 or 17 during the year) should have an SDQ score or a
/// reason for having none.
fn r197b(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let cohort = Cohort::get(ctx);
    let [score, reason] = cols(oc2, ["SDQ_SCORE", "SDQ_REASON"]);
    let dob = oc2.dates("DOB");
    for row in 0..oc2.len() {
        // "SDQ score or reason for no SDQ should be reported for 4- or 17-year-olds": children
        // whose 4th or 17th birthday falls in the year, 1 April and 31 March included.
        let birthday_in_year =
            |d: NaiveDate, n: u32| years_after(d, n).is_some_and(|b| b >= ctx.start() && b <= ctx.end());
        let of_age = |d: NaiveDate| birthday_in_year(d, 4) || birthday_in_year(d, 17);
        if !oc2.has(row, score)
            && !oc2.has(row, reason)
            && in_cohort(cohort, oc2, row)
            && dob.get(row).is_some_and(of_age)
        {
            out.flag(Oc2, row);
        }
    }
    Some(())
}

/// 197a: a child with an SDQ score needs no reason for having none.
fn r197a(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let [score, reason] = cols(oc2, ["SDQ_SCORE", "SDQ_REASON"]);
    for row in 0..oc2.len() {
        if oc2.has(row, score) && oc2.has(row, reason) {
            out.flag(Oc2, row);
        }
    }
    Some(())
}

/// 198: a child not in the OC2 cohort must have no reason for having no SDQ score.
fn r198(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    outside_cohort_with(ctx, out, &["SDQ_REASON"])
}

/// 199: a child adopted from care (an episode that ceased with E11 or E12, this year or in the
/// previous year's return) cannot have an episode starting on or after the day of adoption.
fn r199(ctx: &Ctx<'_>, out: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let decom = eps.dates("DECOM");
    let adopted_in = |year: &YearData<'_>, child: Child| -> Option<(NaiveDate, Option<u32>)> {
        let t = year.table(Episodes)?;
        let (dec, rec) = (t.dates("DEC"), t.col("REC"));
        t.rows_of(child)
            .iter()
            .filter(|&&r| t.is_in(r as usize, rec, ADOPTED))
            .filter_map(|&r| Some((dec.get(r as usize)?, Some(r))))
            .min()
    };
    for child in ctx.this.children() {
        let this_year = adopted_in(&ctx.this, child);
        let last_year = ctx.last.as_ref().and_then(|l| adopted_in(l, child)).map(|(d, _)| (d, None));
        let Some((adopted, adoption_row)) = [this_year, last_year].into_iter().flatten().min() else { continue };
        for &r in eps.rows_of(child) {
            if Some(r) != adoption_row && decom.get(r as usize).is_some_and(|d| d >= adopted) {
                out.flag(Episodes, r as usize);
            }
        }
    }
    Some(())
}
