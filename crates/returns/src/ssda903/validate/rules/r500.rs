//! DfE's rules with codes 500 to 599: the sequence of episodes and the episode carried over from
//! last year, adopters and adoption decisions, placement providers, the outcomes of children
//! looked after for 12 months by age, and missing periods.

use chrono::NaiveDate;

use crate::ssda903::Table::{Ad1, Episodes, Missing, Oc2, PlacedAdoption};
use crate::ssda903::validate::codes::*;
use crate::ssda903::validate::cohort::Cohort;
use crate::ssda903::validate::context::{Child, Col, Ctx, DateCell, TableView, YearData, aged_at_least, years_after};
use crate::ssda903::validate::meta::DerivedPlacement;
use crate::ssda903::validate::rule::Flags;
use crate::ssda903::validate::rule::Input::{
    DerivedPlacements, PreviousDerivedPlacements, PreviousTable as P, Table as T,
};
use crate::ssda903::validate::rules::common::{cols, filled, flag_rows};
use crate::ssda903::validate::rules::r400::{carried_over, same_distance, same_text};

rule!(R501, "501", 2022, [T(Episodes)], r501);
rule!(R502, "502", 2022, [T(Episodes), P(Episodes)], r502);
rule!(R503A, "503A", 2022, [T(Episodes), P(Episodes)], r503a);
rule!(R503B, "503B", 2022, [T(Episodes), P(Episodes)], r503b);
rule!(R503C, "503C", 2022, [T(Episodes), P(Episodes)], r503c);
rule!(R503D, "503D", 2025, [T(Episodes), P(Episodes)], r503d);
rule!(R503E, "503E", 2022, [T(Episodes), P(Episodes)], r503e);
rule!(R503F, "503F", 2022, [T(Episodes), P(Episodes)], r503f);
rule!(R503G, "503G", 2022, [T(Episodes), P(Episodes), DerivedPlacements, PreviousDerivedPlacements], r503g);
rule!(R503H, "503H", 2022, [T(Episodes), P(Episodes), DerivedPlacements, PreviousDerivedPlacements], r503h);
rule!(R503J, "503J", 2022, [T(Episodes), P(Episodes), DerivedPlacements, PreviousDerivedPlacements], r503j);
rule!(R504, "504", 2022, [T(Episodes)], r504);

/// 501: an episode cannot start before the previous episode (in start date order) ceased.
fn r501(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    for child in ctx.this.children() {
        for w in ctx.this.episodes_of(child).windows(2) {
            let (before, now) = (w[0] as usize, w[1] as usize);
            if let (Some(ceased), Some(start)) = (dec.get(before), decom.get(now))
                && start < ceased
            {
                f.flag(Episodes, now);
            }
        }
    }
    Some(())
}

/// 502: when last year's return ended with an open episode, the child's first episode this year
/// must start on the same day (it is the same episode).
fn r502(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let last = ctx.last.as_ref()?.table(Episodes)?;
    let eps = ctx.this.table(Episodes)?;
    let (before, now) = (last.dates("DECOM"), eps.dates("DECOM"));
    for (open, first) in carried_over(ctx) {
        if before.get(open) != now.get(first) {
            f.flag(Episodes, first);
        }
    }
    Some(())
}

/// Flags the child's first episode this year when `column` differs from the episode left open at
/// the end of last year's return (`allowed` may excuse a change, last year's value first).
fn differs_from_open(ctx: &Ctx<'_>, f: &mut Flags, column: &str, allowed: impl Fn(&str, &str) -> bool) -> Option<()> {
    let last = ctx.last.as_ref()?.table(Episodes)?;
    let eps = ctx.this.table(Episodes)?;
    let (before, now) = (last.col(column), eps.col(column));
    for (open, first) in carried_over(ctx) {
        let (a, b) = (last.value(open, before), eps.value(first, now));
        let excused = matches!((a, b), (Some(a), Some(b)) if allowed(a, b));
        if !same_text(a, b) && !excused {
            f.flag(Episodes, first);
        }
    }
    Some(())
}

/// 503A: the reason for new episode of the child's first episode must match the episode left
/// open at the end of last year.
fn r503a(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    differs_from_open(ctx, f, "RNE", |_, _| false)
}

/// 503B: the legal status must match.
fn r503b(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    differs_from_open(ctx, f, "LS", |_, _| false)
}

/// 503C: the category of need must match.
fn r503c(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    differs_from_open(ctx, f, "CIN", |_, _| false)
}

/// 503D (2025-26): the placement type must match, except that last year's Z1 may be this year's
/// Z11 to Z14, the codes that replaced it in 2025-26.
fn r503d(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    differs_from_open(ctx, f, "PLACE", |before, now| {
        before.eq_ignore_ascii_case("Z1") && ["Z11", "Z12", "Z13", "Z14"].iter().any(|z| now.eq_ignore_ascii_case(z))
    })
}

/// 503E: the placement provider must match.
fn r503e(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    differs_from_open(ctx, f, "PLACE_PROVIDER", |_, _| false)
}

/// 503F: the Ofsted URN must match.
fn r503f(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    differs_from_open(ctx, f, "URN", |_, _| false)
}

/// Flags the child's first episode this year when a derived placement field differs from the
/// episode left open at the end of last year.
fn derived_differs(
    ctx: &Ctx<'_>,
    f: &mut Flags,
    same: impl Fn(Option<&DerivedPlacement>, Option<&DerivedPlacement>) -> bool,
) -> Option<()> {
    let last = ctx.last.as_ref()?;
    for (open, first) in carried_over(ctx) {
        if !same(last.placement(open), ctx.this.placement(first)) {
            f.flag(Episodes, first);
        }
    }
    Some(())
}

/// A derived text field, trimmed, blank as `None`.
fn text(value: Option<&String>) -> Option<&str> {
    value.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// 503G: the distance must match.
fn r503g(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    derived_differs(ctx, f, |a, b| same_distance(a.and_then(|p| p.pl_distance), b.and_then(|p| p.pl_distance)))
}

/// 503H: the placement's local authority must match.
fn r503h(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    derived_differs(ctx, f, |a, b| {
        same_text(text(a.and_then(|p| p.pl_la.as_ref())), text(b.and_then(|p| p.pl_la.as_ref())))
    })
}

/// 503J: the placement location (IN or OUT) must match.
fn r503j(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    derived_differs(ctx, f, |a, b| {
        same_text(text(a.and_then(|p| p.pl_location.as_ref())), text(b.and_then(|p| p.pl_location.as_ref())))
    })
}

/// 504: the category of need of every episode must be the one given at the start of its period
/// of care (when both are given).
fn r504(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let cin = eps.col("CIN");
    for child in ctx.this.children() {
        for &r in ctx.this.episodes_of(child) {
            let r = r as usize;
            let start = ctx.this.period_start(child, r);
            // A blank category of need differs from the one reported at the start, too.
            if let Some(a) = eps.value(start, cin)
                && eps.value(r, cin).is_none_or(|b| !a.eq_ignore_ascii_case(b))
            {
                f.flag(Episodes, r);
            }
        }
    }
    Some(())
}

rule!(R511, "511", 2022, [T(Ad1)], r511);
rule!(R514, "514", 2022, [T(Ad1)], r514);
rule!(R516, "516", 2022, [T(Episodes)], r516);
rule!(R517, "517", 2022, [T(Ad1)], r517);
rule!(R518, "518", 2022, [T(Ad1)], r518);
rule!(R519, "519", 2022, [T(Ad1)], r519);
rule!(R520, "520", 2022, [T(Ad1)], r520);
rule!(R521, "521", 2022, [T(Ad1), T(Episodes)], r521);
rule!(R522, "522", 2022, [T(PlacedAdoption)], r522);
rule!(R523, "523", 2022, [T(PlacedAdoption), T(Ad1)], r523);
rule!(R524, "524", 2022, [T(Ad1)], r524);
rule!(R525, "525", 2022, [T(PlacedAdoption), T(Ad1)], r525);
rule!(R526, "526", 2025, [T(Episodes)], r526);
rule!(R527, "527", 2022, [T(Episodes)], r527);
rule!(R528, "528", 2022, [T(Episodes)], r528);
rule!(R529, "529", 2022, [T(Episodes)], r529);
rule!(R530, "530", 2022, [T(Episodes)], r530);
rule!(R531, "531", 2022, [T(Episodes)], r531);
rule!(R550, "550", 2022, [T(Episodes)], r550);

/// Flags AD1 rows whose legal status of adopters is one of `statuses` and whose sexes of
/// adopters are not one of `sexes` (a blank sex counting as wrong when `blank_is_wrong`).
fn adopters(ctx: &Ctx<'_>, f: &mut Flags, statuses: &[&str], sexes: &[&str], blank_is_wrong: bool) -> Option<()> {
    let ad1 = ctx.this.table(Ad1)?;
    let [ls, sex] = cols(ad1, ["LS_ADOPTR", "SEX_ADOPTR"]);
    flag_rows(f, ad1, |r| {
        ad1.is_in(r, ls, statuses) && (ad1.is_not_in(r, sex, sexes) || (blank_is_wrong && !ad1.has(r, sex)))
    });
    Some(())
}

/// 511: two adopters (NB_ADOPTR 2) must be a couple: MM, FF or MF.
fn r511(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let ad1 = ctx.this.table(Ad1)?;
    let [nb, sex] = cols(ad1, ["NB_ADOPTR", "SEX_ADOPTR"]);
    flag_rows(f, ad1, |r| ad1.is(r, nb, "2") && ad1.is_not_in(r, sex, &["MM", "FF", "MF"]));
    Some(())
}

/// 514: a single adopter (L0) must be M1 or F1.
fn r514(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    adopters(ctx, f, &["L0"], &["M1", "F1"], false)
}

/// 516: a child leaving care under a special guardianship order to former foster carers (E45,
/// E46) must have been in a foster placement (U1 to U6).
fn r516(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [rec, place] = cols(eps, ["REC", "PLACE"]);
    flag_rows(f, eps, |r| eps.is_in(r, rec, &["E45", "E46"]) && !eps.is_in(r, place, FOSTER));
    Some(())
}

/// 517: a different-sex couple not married or in a civil partnership (L3) must be MF.
fn r517(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    adopters(ctx, f, &["L3"], &["MF"], true)
}

/// 518: a same-sex couple not married or in a civil partnership (L4) must be MM or FF.
fn r518(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    adopters(ctx, f, &["L4"], &["MM", "FF"], true)
}

/// 519: a couple in a civil partnership (L2) must be a couple: MM, FF or MF.
fn r519(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    adopters(ctx, f, &["L2"], &["MM", "FF", "MF"], true)
}

/// 520: a different-sex married couple (L11) cannot be MM or FF.
fn r520(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let ad1 = ctx.this.table(Ad1)?;
    let [ls, sex] = cols(ad1, ["LS_ADOPTR", "SEX_ADOPTR"]);
    flag_rows(f, ad1, |r| ad1.is(r, ls, "L11") && ad1.is_in(r, sex, &["MM", "FF"]));
    Some(())
}

/// 521: the date the council decided the child should be placed for adoption (DATE_INT) must be
/// on or before the start of each of the child's placements for adoption (A3 to A6); the AD1
/// row and the placements starting earlier are flagged.
fn r521(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let ad1 = ctx.this.table(Ad1)?;
    let eps = ctx.this.table(Episodes)?;
    let int = ad1.dates("DATE_INT");
    let (place, decom) = (eps.col("PLACE"), eps.dates("DECOM"));
    for row in ad1.rows() {
        let (Some(child), Some(decided)) = (ad1.child(row), int.get(row)) else { continue };
        for &e in eps.rows_of(child) {
            let e = e as usize;
            if eps.is_in(e, place, PLACED_FOR_ADOPTION) && decom.get(e).is_some_and(|d| d < decided) {
                f.flag(Ad1, row);
                f.flag(Episodes, e);
            }
        }
    }
    Some(())
}

/// 522: the decision that the child should be placed for adoption cannot be after the decision
/// that they should no longer be.
fn r522(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let pa = ctx.this.table(PlacedAdoption)?;
    let (placed, ceased) = (pa.dates("DATE_PLACED"), pa.dates("DATE_PLACED_CEASED"));
    flag_rows(f, pa, |r| matches!((placed.get(r), ceased.get(r)), (Some(p), Some(c)) if p > c));
    Some(())
}

/// 523: the date of the decision that the child should be placed for adoption (PlacedAdoption)
/// must be the date adoption was decided to be in their best interests (AD1's DATE_INT): the
/// AD1 row and the child's decisions with another date are flagged when none agrees.
fn r523(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let pa = ctx.this.table(PlacedAdoption)?;
    let ad1 = ctx.this.table(Ad1)?;
    let (placed, int) = (pa.dates("DATE_PLACED"), ad1.dates("DATE_INT"));
    for row in ad1.rows() {
        let (Some(child), Some(decided)) = (ad1.child(row), int.get(row)) else { continue };
        let dated: Vec<u32> = pa.rows_of(child).iter().copied().filter(|&p| placed.get(p as usize).is_some()).collect();
        if !dated.is_empty() && !dated.iter().any(|&p| placed.get(p as usize) == Some(decided)) {
            f.flag(Ad1, row);
            f.flag_all(PlacedAdoption, dated);
        }
    }
    Some(())
}

/// 524: a same-sex married couple (L12) must be MM or FF.
fn r524(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    adopters(ctx, f, &["L12"], &["MM", "FF"], true)
}

/// 525: a child whose decision to be placed for adoption was reversed (every decision has a date
/// it ceased) cannot be adopted in the year (have any AD1 item); both rows are flagged.
fn r525(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let pa = ctx.this.table(PlacedAdoption)?;
    let ad1 = ctx.this.table(Ad1)?;
    let ceased = pa.col("DATE_PLACED_CEASED");
    let items = cols(ad1, ADOPTION_ITEMS);
    for row in ad1.rows() {
        let Some(child) = ad1.child(row) else { continue };
        let decisions = pa.rows_of(child);
        if filled(ad1, row, &items) > 0
            && !decisions.is_empty()
            && decisions.iter().all(|&p| pa.has(p as usize, ceased))
        {
            f.flag(Ad1, row);
            f.flag_all(PlacedAdoption, decisions.iter().copied());
        }
    }
    Some(())
}

/// 526 (2025-26): every placement but those with no provider (T0 to T3, Z11 to Z14) needs a
/// placement provider.
fn r526(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, provider] = cols(eps, ["PLACE", "PLACE_PROVIDER"]);
    flag_rows(f, eps, |r| !eps.has(r, provider) && !eps.is_in(r, place, PLACE_WITHOUT_PROVIDER_2025));
    Some(())
}

/// Flags episodes with placement provider `provider` in one of the placements `places`.
fn provider_in(ctx: &Ctx<'_>, f: &mut Flags, provider: &str, places: &[&str]) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, pp] = cols(eps, ["PLACE", "PLACE_PROVIDER"]);
    flag_rows(f, eps, |r| eps.is(r, pp, provider) && eps.is_in(r, place, places));
    Some(())
}

/// 527: the council's own provision (PR1) cannot be a placement with parents (P1), a family
/// centre (R2) or youth custody (R5).
fn r527(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    provider_in(ctx, f, "PR1", &["P1", "R2", "R5"])
}

/// 528: another council's provision (PR2) cannot be P1, R2 or R5.
fn r528(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    provider_in(ctx, f, "PR2", &["P1", "R2", "R5"])
}

/// 529: another public body (PR3) cannot provide P1, A3 to A6, K1, K2 or U1 to U6.
fn r529(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    provider_in(ctx, f, "PR3", &["P1", "A3", "A4", "A5", "A6", "K1", "K2", "U1", "U2", "U3", "U4", "U5", "U6"])
}

/// 530: a private provider (PR4) cannot be a placement with parents (P1).
fn r530(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    provider_in(ctx, f, "PR4", &["P1"])
}

/// 531: a voluntary or third sector provider (PR5) cannot be a placement with parents (P1).
fn r531(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    provider_in(ctx, f, "PR5", &["P1"])
}

/// 550: the provider code for parents (PR0) only goes with a placement with parents (P1).
fn r550(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, pp] = cols(eps, ["PLACE", "PLACE_PROVIDER"]);
    flag_rows(f, eps, |r| eps.is(r, pp, "PR0") && !eps.is(r, place, "P1"));
    Some(())
}

rule!(R542, "542", 2022, [T(Oc2)], r542);
rule!(R543, "543", 2022, [T(Oc2), T(Episodes)], r543);
rule!(R544, "544", 2022, [T(Oc2)], r544);
rule!(R545, "545", 2022, [T(Oc2), T(Episodes)], r545);
rule!(R546, "546", 2022, [T(Oc2)], r546);
rule!(R547, "547", 2022, [T(Oc2)], r547);

/// 542: a child under 10 at 31 March has no conviction item.
fn r542(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let (convicted, dob) = (oc2.col("CONVICTED"), oc2.dates("DOB"));
    flag_rows(f, oc2, |r| oc2.has(r, convicted) && dob.get(r).is_some_and(|d| !aged_at_least(d, 10, ctx.end())));
    Some(())
}

/// Flags OC2 rows of children in the OC2 cohort whose date of birth meets `age` and whose
/// `column` is blank.
fn cohort_missing(ctx: &Ctx<'_>, f: &mut Flags, column: &str, age: impl Fn(NaiveDate) -> bool) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let cohort = Cohort::get(ctx);
    let (col, dob) = (oc2.col(column), oc2.dates("DOB"));
    flag_rows(f, oc2, |r| {
        !oc2.has(r, col) && dob.get(r).is_some_and(&age) && oc2.child(r).is_some_and(|c| cohort.contains(c))
    });
    Some(())
}

/// 543: a child in the OC2 cohort aged 10 or over at 31 March must have the conviction item.
fn r543(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    cohort_missing(ctx, f, "CONVICTED", |d| aged_at_least(d, 10, ctx.end()))
}

/// Flags OC2 rows where `trigger` holds but one of immunisations, teeth check, health
/// assessment and substance misuse is blank.
fn needs_core_items(ctx: &Ctx<'_>, f: &mut Flags, trigger: impl Fn(&TableView<'_>, usize) -> bool) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let required: Vec<Col> = OC2_REQUIRED.iter().map(|c| oc2.col(c)).collect();
    flag_rows(f, oc2, |r| trigger(oc2, r) && filled(oc2, r, &required) < required.len());
    Some(())
}

/// 544: a child with the conviction item given must have the four core OC2 items given.
fn r544(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    needs_core_items(ctx, f, |t, r| t.has(r, t.col("CONVICTED")))
}

/// 545: a child in the OC2 cohort under 5 at 31 March must have the health promotion item.
fn r545(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    cohort_missing(ctx, f, "HEALTH_CHECK", |d| !aged_at_least(d, 5, ctx.end()))
}

/// 546: a child aged 5 or over at 31 March has no health promotion item.
fn r546(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let oc2 = ctx.this.table(Oc2)?;
    let (check, dob) = (oc2.col("HEALTH_CHECK"), oc2.dates("DOB"));
    flag_rows(f, oc2, |r| oc2.has(r, check) && dob.get(r).is_some_and(|d| aged_at_least(d, 5, ctx.end())));
    Some(())
}

/// 547: a child whose health promotion is up to date (HEALTH_CHECK 1) must have the four core
/// OC2 items given.
fn r547(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    needs_core_items(ctx, f, |t, r| t.is(r, t.col("HEALTH_CHECK"), "1"))
}

rule!(R551, "551", 2022, [T(Episodes), T(PlacedAdoption)], r551);
rule!(R552, "552", 2022, [T(Episodes), T(PlacedAdoption)], r552);
rule!(R553, "553", 2022, [T(Episodes), T(PlacedAdoption)], r553);
rule!(R554, "554", 2022, [T(Episodes), T(PlacedAdoption)], r554);
rule!(R557, "557", 2024, [T(Episodes), T(PlacedAdoption)], r557);
rule!(R558, "558", 2022, [T(Episodes), T(PlacedAdoption)], r558);
rule!(R559, "559", 2022, [T(PlacedAdoption), P(PlacedAdoption)], r559);
rule!(R560, "560", 2022, [T(PlacedAdoption), P(PlacedAdoption)], r560);
rule!(R561, "561", 2022, [T(PlacedAdoption), P(PlacedAdoption)], r561);
rule!(R562, "562", 2022, [T(Episodes), P(Episodes)], r562);
rule!(R563, "563", 2022, [T(PlacedAdoption)], r563);

/// 551: a child placed for adoption (A3 to A6) must have a decision that they should be placed
/// for adoption (a DATE_PLACED, which 115 checks is a date).
fn r551(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let pa = ctx.this.table(PlacedAdoption)?;
    let (place, placed) = (eps.col("PLACE"), pa.col("DATE_PLACED"));
    flag_rows(f, eps, |r| {
        eps.is_in(r, place, PLACED_FOR_ADOPTION)
            && !eps.child(r).is_some_and(|c| pa.rows_of(c).iter().any(|&p| pa.has(p as usize, placed)))
    });
    Some(())
}

/// 552: the decision to place the child for adoption must be on or before the day they were
/// placed for adoption (A3 to A6): when none of the child's decisions is, the placement and the
/// later decisions are flagged.
fn r552(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let pa = ctx.this.table(PlacedAdoption)?;
    let (place, decom) = (eps.col("PLACE"), eps.dates("DECOM"));
    let placed = pa.dates("DATE_PLACED");
    for e in eps.rows() {
        let (Some(child), Some(start)) = (eps.child(e), decom.get(e)) else { continue };
        if !eps.is_in(e, place, PLACED_FOR_ADOPTION) {
            continue;
        }
        let decisions: Vec<(u32, NaiveDate)> =
            pa.rows_of(child).iter().filter_map(|&p| Some((p, placed.get(p as usize)?))).collect();
        if !decisions.is_empty() && decisions.iter().all(|&(_, d)| d > start) {
            f.flag(Episodes, e);
            f.flag_all(PlacedAdoption, decisions.iter().map(|&(p, _)| p));
        }
    }
    Some(())
}

/// 553: a child with a placement order (legal status E1) must have a decision that they should
/// be placed for adoption: the episode is flagged when the child has no PlacedAdoption row, and
/// the child's rows without a DATE_PLACED are flagged.
fn r553(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let pa = ctx.this.table(PlacedAdoption)?;
    let (ls, placed) = (eps.col("LS"), pa.col("DATE_PLACED"));
    for e in eps.rows() {
        let Some(child) = eps.child(e) else { continue };
        if !eps.is(e, ls, "E1") {
            continue;
        }
        let decisions = pa.rows_of(child);
        if decisions.is_empty() {
            f.flag(Episodes, e);
        }
        f.flag_all(PlacedAdoption, decisions.iter().copied().filter(|&p| !pa.has(p as usize, placed)));
    }
    Some(())
}

/// 554: the decision to place the child for adoption must be on or before the placement order
/// was granted: the start of the child's latest run of placement order (E1) episodes. That
/// episode and the later decisions are flagged.
fn r554(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let pa = ctx.this.table(PlacedAdoption)?;
    let (ls, decom) = (eps.col("LS"), eps.dates("DECOM"));
    let placed = pa.dates("DATE_PLACED");
    for child in ctx.this.children() {
        let order = ctx.this.episodes_of(child);
        let granted = order.iter().enumerate().rev().find_map(|(i, &r)| {
            let r = r as usize;
            let starts_run = eps.is(r, ls, "E1") && (i == 0 || !eps.is(order[i - 1] as usize, ls, "E1"));
            if starts_run { decom.get(r).map(|d| (r, d)) } else { None }
        });
        let Some((episode, day)) = granted else { continue };
        let late: Vec<u32> =
            pa.rows_of(child).iter().copied().filter(|&p| placed.get(p as usize).is_some_and(|d| d > day)).collect();
        if !late.is_empty() {
            f.flag(Episodes, episode);
            f.flag_all(PlacedAdoption, late);
        }
    }
    Some(())
}

/// 557 (2024-25): a child with a decision that they should be placed for adoption (placed for
/// adoption, A3 to A6, or under a placement order, E1) who left care other than by adoption
/// (the episode ceased, not with X1, E11 or E12) must have the decision's reversal recorded: a
/// date and a reason it ceased. The episode and the child's decisions lacking either are
/// flagged (the episode alone when there is no decision).
fn r557(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let pa = ctx.this.table(PlacedAdoption)?;
    let [place, ls, rec] = cols(eps, ["PLACE", "LS", "REC"]);
    let [ceased, reason] = cols(pa, ["DATE_PLACED_CEASED", "REASON_PLACED_CEASED"]);
    for e in eps.rows() {
        let Some(child) = eps.child(e) else { continue };
        let adoptive = eps.is_in(e, place, PLACED_FOR_ADOPTION) || eps.is(e, ls, "E1");
        let left = eps.is_not_in(e, rec, &["X1", "E11", "E12"]);
        if !adoptive || !left {
            continue;
        }
        let decisions = pa.rows_of(child);
        let open: Vec<u32> =
            decisions.iter().copied().filter(|&p| !pa.has(p as usize, ceased) || !pa.has(p as usize, reason)).collect();
        if decisions.is_empty() || !open.is_empty() {
            f.flag(Episodes, e);
            f.flag_all(PlacedAdoption, open);
        }
    }
    Some(())
}

/// 558: a child adopted (an episode ceased E11 or E12) must have a decision to place them for
/// adoption that was not reversed (a row with no DATE_PLACED_CEASED) when they have any
/// decision; the adoption episode is flagged.
fn r558(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let pa = ctx.this.table(PlacedAdoption)?;
    let (rec, ceased) = (eps.col("REC"), pa.col("DATE_PLACED_CEASED"));
    flag_rows(f, eps, |e| {
        let Some(child) = eps.child(e) else { return false };
        let decisions = pa.rows_of(child);
        eps.is_in(e, rec, ADOPTED) && !decisions.is_empty() && decisions.iter().all(|&p| pa.has(p as usize, ceased))
    });
    Some(())
}

/// 559: a decision dated before this collection year must have been in last year's return: the
/// row is flagged when last year's PlacedAdoption gave the child no DATE_PLACED.
fn r559(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let pa = ctx.this.table(PlacedAdoption)?;
    let last = ctx.last.as_ref()?.table(PlacedAdoption)?;
    let (placed, last_placed) = (pa.dates("DATE_PLACED"), last.col("DATE_PLACED"));
    flag_rows(f, pa, |r| {
        placed.get(r).is_some_and(|d| d < ctx.start())
            && !pa.child(r).is_some_and(|c| last.rows_of(c).iter().any(|&l| last.has(l as usize, last_placed)))
    });
    Some(())
}

/// Whether two date cells agree: the same day, both blank, or the same unreadable text.
fn same_date(a: &TableView<'_>, ar: usize, b: &TableView<'_>, br: usize, column: &str) -> bool {
    match (a.dates(column).cell(ar), b.dates(column).cell(br)) {
        (DateCell::Date(x), DateCell::Date(y)) => x == y,
        (DateCell::Blank, DateCell::Blank) => true,
        (DateCell::Invalid, DateCell::Invalid) => same_text(a.value(ar, a.col(column)), b.value(br, b.col(column))),
        _ => false,
    }
}

/// 560: a decision still open at the end of last year's return (no DATE_PLACED_CEASED) must be
/// in this year's return with the same date: when none of the child's rows has it, their rows
/// are flagged.
fn r560(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let pa = ctx.this.table(PlacedAdoption)?;
    let last = ctx.last.as_ref()?.table(PlacedAdoption)?;
    let last_ceased = last.col("DATE_PLACED_CEASED");
    for child in ctx.this.children() {
        let rows = pa.rows_of(child);
        if rows.is_empty() {
            continue;
        }
        let open = last.rows_of(child).iter().map(|&l| l as usize).filter(|&l| !last.has(l, last_ceased));
        for l in open {
            if !rows.iter().any(|&r| same_date(pa, r as usize, last, l, "DATE_PLACED")) {
                f.flag_all(PlacedAdoption, rows.iter().copied());
            }
        }
    }
    Some(())
}

/// 561: a decision last year's return recorded as reversed (with a DATE_PLACED_CEASED) cannot
/// come back this year as a decision with the same date.
fn r561(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let pa = ctx.this.table(PlacedAdoption)?;
    let last = ctx.last.as_ref()?.table(PlacedAdoption)?;
    let (placed, last_ceased) = (pa.col("DATE_PLACED"), last.col("DATE_PLACED_CEASED"));
    flag_rows(f, pa, |r| {
        pa.has(r, placed)
            && pa.child(r).is_some_and(|c| {
                last.rows_of(c)
                    .iter()
                    .any(|&l| last.has(l as usize, last_ceased) && same_date(pa, r, last, l as usize, "DATE_PLACED"))
            })
    });
    Some(())
}

/// 562: an episode that started before this collection year must be in last year's return (an
/// episode of the child starting the same day).
fn r562(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let last = ctx.last.as_ref()?.table(Episodes)?;
    let (decom, last_decom) = (eps.dates("DECOM"), last.dates("DECOM"));
    flag_rows(f, eps, |r| {
        let Some(start) = decom.get(r).filter(|&d| d < ctx.start()) else { return false };
        !eps.child(r).is_some_and(|c| last.rows_of(c).iter().any(|&l| last_decom.get(l as usize) == Some(start)))
    });
    Some(())
}

/// 563: a decision recorded as reversed (a date or reason it ceased) must have the date it was
/// made.
fn r563(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let pa = ctx.this.table(PlacedAdoption)?;
    let [placed, ceased, reason] = cols(pa, ["DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"]);
    flag_rows(f, pa, |r| !pa.has(r, placed) && (pa.has(r, ceased) || pa.has(r, reason)));
    Some(())
}

rule!(R564, "564", 2022, [T(Missing)], r564);
rule!(R565, "565", 2022, [T(Missing)], r565);
rule!(R566, "566", 2022, [T(Missing)], r566);
rule!(R567, "567", 2022, [T(Missing)], r567);
rule!(R570, "570", 2022, [T(Missing)], r570);
rule!(R571, "571", 2022, [T(Missing)], r571);
rule!(R574, "574", 2022, [T(Missing)], r574);
rule!(R575, "575", 2022, [T(Missing), T(Episodes)], r575);
rule!(R576, "576", 2022, [T(Missing), P(Missing)], r576);
rule!(R577, "577", 2022, [T(Missing), T(Episodes)], r577);
rule!(R578, "578", 2022, [T(Missing), T(Episodes)], r578);
rule!(R579, "579", 2022, [T(PlacedAdoption)], r579);
rule!(R580, "580", 2022, [T(Missing), T(Episodes)], r580);
rule!(R581, "581", 2022, [T(Missing), T(Episodes)], r581);
rule!(R582, "582", 2022, [T(Episodes), T(Ad1)], r582);
rule!(R583, "583", 2022, [T(PlacedAdoption)], r583);
rule!(R584, "584", 2022, [T(PlacedAdoption), P(PlacedAdoption)], r584);
rule!(R586, "586", 2022, [T(Missing)], r586);

/// 564: a missing (M) or away without authorisation (A) period must have its start date.
fn r564(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let m = ctx.this.table(Missing)?;
    let [kind, start] = cols(m, ["MISSING", "MIS_START"]);
    flag_rows(f, m, |r| m.has(r, kind) && !m.has(r, start));
    Some(())
}

/// 565: a period with a start date must say whether the child was missing or away.
fn r565(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let m = ctx.this.table(Missing)?;
    let [kind, start] = cols(m, ["MISSING", "MIS_START"]);
    flag_rows(f, m, |r| !m.has(r, kind) && m.has(r, start));
    Some(())
}

/// 566: a period with an end date must say whether the child was missing or away.
fn r566(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let m = ctx.this.table(Missing)?;
    let [kind, end] = cols(m, ["MISSING", "MIS_END"]);
    flag_rows(f, m, |r| !m.has(r, kind) && m.has(r, end));
    Some(())
}

/// 567: a period cannot end before it started.
fn r567(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let m = ctx.this.table(Missing)?;
    let (start, end) = (m.dates("MIS_START"), m.dates("MIS_END"));
    flag_rows(f, m, |r| matches!((start.get(r), end.get(r)), (Some(s), Some(e)) if e < s));
    Some(())
}

/// 570: a period cannot start after the end of the collection year.
fn r570(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let m = ctx.this.table(Missing)?;
    let start = m.dates("MIS_START");
    flag_rows(f, m, |r| start.get(r).is_some_and(|d| d > ctx.end()));
    Some(())
}

/// 571: a period's end date must be within the collection year.
fn r571(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let m = ctx.this.table(Missing)?;
    let end = m.dates("MIS_END");
    flag_rows(f, m, |r| end.get(r).is_some_and(|d| d < ctx.start() || d > ctx.end()));
    Some(())
}

/// Flags, for each child, the spans (of `table`, from `start` to `end`, blank end meaning still
/// open) that start while the one before (in start order) is still open: before its end, or at
/// all when it has none.
pub(crate) fn overlapping(
    ctx: &Ctx<'_>,
    f: &mut Flags,
    table: crate::ssda903::Table,
    start: &str,
    end: &str,
) -> Option<()> {
    let t = ctx.this.table(table)?;
    let (starts, ends) = (t.dates(start), t.dates(end));
    let mut spans: Vec<(NaiveDate, usize)> = Vec::new();
    for child in ctx.this.children() {
        spans.clear();
        spans.extend(t.rows_of(child).iter().filter_map(|&r| Some((starts.get(r as usize)?, r as usize))));
        spans.sort_unstable();
        for w in spans.windows(2) {
            let ((_, before), (next_start, now)) = (w[0], w[1]);
            let open = match ends.cell(before) {
                DateCell::Date(e) => next_start < e,
                DateCell::Blank => true,
                DateCell::Invalid => false,
            };
            if open {
                f.flag(table, now);
            }
        }
    }
    Some(())
}

/// 574: a missing period cannot start while the previous one is open or overlap it; the later
/// period is flagged.
fn r574(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    overlapping(ctx, f, Missing, "MIS_START", "MIS_END")
}

/// The child's episodes whose span (start to date ceased, or still open) takes in `day`.
fn episodes_on<'t>(eps: &'t TableView<'_>, child: Child, day: NaiveDate) -> impl Iterator<Item = usize> + 't {
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    eps.rows_of(child)
        .iter()
        .map(|&r| r as usize)
        .filter(move |&r| decom.get(r).is_some_and(|s| s <= day) && dec.get(r).is_none_or(|e| e >= day))
}

/// 575: a missing period that began in a placement that has since ended (an episode taking in
/// the day it began, with a date ceased) must have an end date.
fn r575(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let m = ctx.this.table(Missing)?;
    let eps = ctx.this.table(Episodes)?;
    let (start, end) = (m.dates("MIS_START"), m.col("MIS_END"));
    let dec = eps.dates("DEC");
    flag_rows(f, m, |r| {
        let (Some(child), Some(day)) = (m.child(r), start.get(r)) else { return false };
        !m.has(r, end) && episodes_on(eps, child, day).any(|e| dec.get(e).is_some())
    });
    Some(())
}

/// 576: a missing period open at the end of last year's return must be in this year's return
/// (a period of the child starting the same day); when none is, the child's first period this
/// year (the one that should have continued it) is flagged.
fn r576(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    carried_span(ctx, f, Missing, "MIS_START", "MIS_END")
}

/// For spans (in `table`, from `start` to `end`) open at the end of last year's return, flags
/// the child's first span this year when none starts the same day.
pub(crate) fn carried_span(
    ctx: &Ctx<'_>,
    f: &mut Flags,
    table: crate::ssda903::Table,
    start: &str,
    end: &str,
) -> Option<()> {
    let t = ctx.this.table(table)?;
    let last = ctx.last.as_ref()?.table(table)?;
    let (starts, last_start, last_end) = (t.dates(start), last.dates(start), last.col(end));
    for child in ctx.this.children() {
        let rows = t.rows_of(child);
        let Some(&first) = rows.iter().min_by_key(|&&r| (starts.get(r as usize).is_none(), starts.get(r as usize), r))
        else {
            continue;
        };
        let open = last.rows_of(child).iter().map(|&l| l as usize).filter(|&l| !last.has(l, last_end));
        for l in open {
            let Some(began) = last_start.get(l) else { continue };
            if !rows.iter().any(|&r| starts.get(r as usize) == Some(began)) {
                f.flag(table, first as usize);
            }
        }
    }
    Some(())
}

/// The day the child's care ended, if their last episode (by start date) has ceased.
pub(crate) fn care_ended(year: &YearData<'_>, child: Child) -> Option<NaiveDate> {
    let eps = year.table(Episodes)?;
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    let last = year.episodes_of(child).iter().rev().map(|&r| r as usize).find(|&r| decom.get(r).is_some())?;
    dec.get(last)
}

/// 577: a child whose care ended (their last episode ceased) cannot have a missing period still
/// open at that day: one with no end date, or ending after it.
fn r577(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let m = ctx.this.table(Missing)?;
    let end = m.dates("MIS_END");
    flag_rows(f, m, |r| {
        let Some(ended) = m.child(r).and_then(|c| care_ended(&ctx.this, c)) else { return false };
        match end.cell(r) {
            DateCell::Blank => true,
            DateCell::Date(e) => e > ended,
            DateCell::Invalid => false,
        }
    });
    Some(())
}

/// 578: a missing period cannot start after the child's care ended.
fn r578(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let m = ctx.this.table(Missing)?;
    let start = m.dates("MIS_START");
    flag_rows(f, m, |r| {
        let Some(ended) = m.child(r).and_then(|c| care_ended(&ctx.this, c)) else { return false };
        start.get(r).is_some_and(|s| s > ended)
    });
    Some(())
}

/// 579: a decision that the child should be placed for adoption cannot be made while the
/// previous one is open, or before the previous one ceased; the later decision is flagged.
fn r579(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    overlapping(ctx, f, PlacedAdoption, "DATE_PLACED", "DATE_PLACED_CEASED")
}

/// 580: an episode in which the child left care (it ceased, not with X1) while missing or away
/// (a period that began on or before the day and had not ended before it) must have ceased with
/// E8.
fn r580(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let m = ctx.this.table(Missing)?;
    let (rec, dec) = (eps.col("REC"), eps.dates("DEC"));
    let (start, end, born) = (m.dates("MIS_START"), m.dates("MIS_END"), m.dates("DOB"));
    flag_rows(f, eps, |e| {
        let (Some(child), Some(left)) = (eps.child(e), dec.get(e)) else { return false };
        let away = m.rows_of(child).iter().map(|&r| r as usize).any(|r| {
            start.get(r).is_none_or(|s| s <= left)
                && match end.cell(r) {
                    // Still missing after care ceased; or the missing period closed on the
                    // day care ended at 18, the child not found. One found on the day care
                    // ceased otherwise (returned home, say) was not missing when it ceased.
                    DateCell::Date(x) => {
                        let born = born.get(r).or_else(|| ctx.this.dob(child));
                        x > left || (x == left && born.and_then(|d| years_after(d, 18)) == Some(left))
                    }
                    DateCell::Blank => start.get(r).is_some(),
                    DateCell::Invalid => false,
                }
        });
        away && eps.is_not_in(e, rec, &["X1", "E8"])
    });
    Some(())
}

/// 581: a missing period must start while the child is looked after: on a day one of their
/// episodes takes in.
fn r581(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let m = ctx.this.table(Missing)?;
    let eps = ctx.this.table(Episodes)?;
    let start = m.dates("MIS_START");
    flag_rows(f, m, |r| {
        let (Some(child), Some(day)) = (m.child(r), start.get(r)) else { return false };
        episodes_on(eps, child, day).next().is_none()
    });
    Some(())
}

/// 582: a child adopted (E11, E12) on the day they were matched with adopters is queried: the
/// match is expected before the adoption.
fn r582(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let ad1 = ctx.this.table(Ad1)?;
    let (rec, dec) = (eps.col("REC"), eps.dates("DEC"));
    let matched = ad1.dates("DATE_MATCH");
    flag_rows(f, eps, |e| {
        let (Some(child), Some(adopted)) = (eps.child(e), dec.get(e)) else { return false };
        eps.is_in(e, rec, ADOPTED) && ad1.rows_of(child).iter().any(|&a| matched.get(a as usize) == Some(adopted))
    });
    Some(())
}

/// 583: when a child has several decisions that they should be placed for adoption, every one
/// but the latest must have been reversed (have a DATE_PLACED_CEASED).
fn r583(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let pa = ctx.this.table(PlacedAdoption)?;
    let (placed, ceased) = (pa.dates("DATE_PLACED"), pa.col("DATE_PLACED_CEASED"));
    for child in ctx.this.children() {
        let mut decisions: Vec<(NaiveDate, usize)> =
            pa.rows_of(child).iter().filter_map(|&r| Some((placed.get(r as usize)?, r as usize))).collect();
        decisions.sort_unstable();
        if let Some((_, earlier)) = decisions.split_last() {
            for &(_, r) in earlier {
                if !pa.has(r, ceased) {
                    f.flag(PlacedAdoption, r);
                }
            }
        }
    }
    Some(())
}

/// 584: a decision recorded this year as reversed (with a DATE_PLACED_CEASED) must be one last
/// year's return had: the child was in last year's PlacedAdoption, and none of its decisions has
/// this date.
fn r584(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let pa = ctx.this.table(PlacedAdoption)?;
    let last = ctx.last.as_ref()?.table(PlacedAdoption)?;
    let ceased = pa.col("DATE_PLACED_CEASED");
    flag_rows(f, pa, |r| {
        let Some(child) = pa.child(r) else { return false };
        let before = last.rows_of(child);
        pa.has(r, ceased)
            && !before.is_empty()
            && !before.iter().any(|&l| same_date(pa, r, last, l as usize, "DATE_PLACED"))
    });
    Some(())
}

/// 586: a missing period cannot start before the child was born (the Missing table's DOB).
fn r586(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let m = ctx.this.table(Missing)?;
    let (dob, start) = (m.dates("DOB"), m.dates("MIS_START"));
    flag_rows(f, m, |r| matches!((dob.get(r), start.get(r)), (Some(b), Some(s)) if s < b));
    Some(())
}
