//! DfE's rules with codes 200 to 299: the child's details against last year's return, unique
//! pupil numbers, placement providers and URNs, reasons for placement change.

use chrono::{Datelike, NaiveDate};

use crate::ssda903::Table::{Episodes, Header, Oc2, Oc3, Uasc};
use crate::ssda903::validate::codes::*;
use crate::ssda903::validate::context::{Child, Ctx, DateCell, RESPITE, TableView, YearData, aged_at_least};
use crate::ssda903::validate::rule::Flags;
use crate::ssda903::validate::rule::Input::{DerivedPlacements, PreviousTable as P, PreviousYear, Table as T};
use crate::ssda903::validate::rules::common::{cols, filled, flag_rows};

rule!(R202, "202", 2022, [T(Header), P(Header)], r202);
rule!(R203, "203", 2022, [T(Header), P(Header)], r203);
rule!(R204, "204", 2022, [T(Header), P(Header)], r204);
rule!(R205A, "205A", 2022, [T(Header), PreviousYear], r205a);
rule!(R205B, "205B", 2022, [T(Header), PreviousYear], r205b);
rule!(R205C, "205C", 2022, [T(Header), PreviousYear], r205c);
rule!(R205D, "205D", 2022, [T(Header), PreviousYear], r205d);
rule!(R207, "207", 2022, [T(Header), T(Episodes), P(Header)], r207);
rule!(R208, "208", 2022, [T(Header), P(Header)], r208);
rule!(R209, "209", 2022, [T(Header)], r209);
rule!(R210, "210", 2022, [T(Header), T(Episodes)], r210);

/// Whether two cells hold the same value: both blank, or equal without regard to case.
fn same_text(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => true,
        _ => false,
    }
}

/// Flags this year's Header rows whose `column` disagrees with every one of the child's Header
/// rows in last year's return, by `same`; children not in last year's Header are left alone.
fn differs_from_last_year(
    ctx: &Ctx<'_>,
    f: &mut Flags,
    column: &str,
    same: impl Fn(&TableView<'_>, usize, &TableView<'_>, usize) -> bool,
) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let last = ctx.last.as_ref()?.table(Header)?;
    let _ = header.col(column);
    for row in header.rows() {
        let Some(child) = header.child(row) else { continue };
        let before = last.rows_of(child);
        if !before.is_empty() && !before.iter().any(|&l| same(header, row, last, l as usize)) {
            f.flag(Header, row);
        }
    }
    Some(())
}

/// 202: the child's sex must be the one last year's return recorded (blank differs from a code).
fn r202(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    differs_from_last_year(ctx, f, "SEX", |a, r, b, l| same_text(a.value(r, a.col("SEX")), b.value(l, b.col("SEX"))))
}

/// 203: the child's date of birth must be the one last year's return recorded: the same day, or
/// both blank, or both the same unreadable text.
fn r203(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    differs_from_last_year(ctx, f, "DOB", |a, r, b, l| match (a.dates("DOB").cell(r), b.dates("DOB").cell(l)) {
        (DateCell::Date(x), DateCell::Date(y)) => x == y,
        (DateCell::Blank, DateCell::Blank) => true,
        (DateCell::Invalid, DateCell::Invalid) => same_text(a.value(r, a.col("DOB")), b.value(l, b.col("DOB"))),
        _ => false,
    })
}

/// 204: the child's ethnicity must be the one last year's return recorded.
fn r204(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    differs_from_last_year(ctx, f, "ETHNIC", |a, r, b, l| {
        same_text(a.value(r, a.col("ETHNIC")), b.value(l, b.col("ETHNIC")))
    })
}

/// The dates UASC status ceased that a year's return records for the child (readable ones).
fn ducs(year: &YearData<'_>, child: Child) -> Vec<NaiveDate> {
    let Some(uasc) = year.table(Uasc) else { return Vec::new() };
    let duc = uasc.dates("DUC");
    uasc.rows_of(child).iter().filter_map(|&r| duc.get(r as usize)).collect()
}

/// Whether either year's return records a date UASC status ceased for the child.
fn any_duc(ctx: &Ctx<'_>, last: &YearData<'_>, child: Child) -> bool {
    let filled = |y: &YearData<'_>| {
        y.table(Uasc).is_some_and(|t| {
            let duc = t.col("DUC");
            t.rows_of(child).iter().any(|&r| t.has(r as usize, duc))
        })
    };
    filled(&ctx.this) || filled(last)
}

/// Flags the child's rows in this year's UASC table (when `uasc_rows`) and Header.
fn flag_uasc_child(ctx: &Ctx<'_>, f: &mut Flags, child: Child, uasc_rows: bool) {
    if uasc_rows && let Some(uasc) = ctx.this.table(Uasc) {
        f.flag_all(Uasc, uasc.rows_of(child).iter().copied());
    }
    if let Some(header) = ctx.this.table(Header) {
        f.flag_all(Header, header.rows_of(child).iter().copied());
    }
}

/// The children in this year's Header.
fn header_children(ctx: &Ctx<'_>) -> Vec<Child> {
    let Some(header) = ctx.this.table(Header) else { return Vec::new() };
    let mut children: Vec<Child> = header.rows().filter_map(|r| header.child(r)).collect();
    children.sort_unstable();
    children.dedup();
    children
}

/// 205A: a child UASC last year but not this year must have had their status cease before this
/// collection year began: a date UASC ceased, in either year's return, before its first day.
/// (A child is UASC in a return read from XML by its `<UASC>` item, in one read from CSV by a
/// row in the UASC table.)
fn r205a(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let last = ctx.last.as_ref()?;
    for child in header_children(ctx) {
        if !last.is_uasc(child) || ctx.this.is_uasc(child) {
            continue;
        }
        let ceased_before = ducs(&ctx.this, child).into_iter().chain(ducs(last, child)).any(|d| d < ctx.start());
        if !ceased_before {
            flag_uasc_child(ctx, f, child, true);
        }
    }
    Some(())
}

/// 205B: a child UASC both last year and this year must have the same date UASC ceased in both
/// returns (both blank, or the same day).
fn r205b(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let last = ctx.last.as_ref()?;
    for child in header_children(ctx) {
        if !last.is_uasc(child) || !ctx.this.is_uasc(child) {
            continue;
        }
        // The dates each year records, as sets: a date repeated on two rows is one date.
        let (mut now, mut before) = (ducs(&ctx.this, child), ducs(last, child));
        now.sort_unstable();
        now.dedup();
        before.sort_unstable();
        before.dedup();
        if now != before {
            flag_uasc_child(ctx, f, child, true);
        }
    }
    Some(())
}

/// 205C: a child UASC in neither year must have no date UASC ceased in either return.
fn r205c(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let last = ctx.last.as_ref()?;
    for child in header_children(ctx) {
        if !last.is_uasc(child) && !ctx.this.is_uasc(child) && any_duc(ctx, last, child) {
            flag_uasc_child(ctx, f, child, true);
        }
    }
    Some(())
}

/// 205D: a child UASC this year who was in last year's return must have been UASC there too
/// (a child new this year may be newly UASC). The Header row is flagged.
fn r205d(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let last = ctx.last.as_ref()?;
    let last_header = last.table(Header);
    for child in header_children(ctx) {
        let in_last = last_header.is_some_and(|h| h.has_child(child));
        if in_last && ctx.this.is_uasc(child) && !last.is_uasc(child) {
            flag_uasc_child(ctx, f, child, false);
        }
    }
    Some(())
}

/// 207: a child recorded as a mother last year (MOTHER 1) and looked after this year (with an
/// episode) must still be recorded as a mother.
fn r207(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let eps = ctx.this.table(Episodes)?;
    let last = ctx.last.as_ref()?.table(Header)?;
    let (mother, last_mother) = (header.col("MOTHER"), last.col("MOTHER"));
    for row in header.rows() {
        let Some(child) = header.child(row) else { continue };
        let was = last.rows_of(child).iter().any(|&l| last.is(l as usize, last_mother, "1"));
        if was && eps.has_child(child) && !header.is(row, mother, "1") {
            f.flag(Header, row);
        }
    }
    Some(())
}

/// Whether `upn` is one of the codes for an unknown UPN (UN1 to UN5).
fn unknown_upn(upn: &str) -> bool {
    UPN_UNKNOWN.iter().any(|c| c.eq_ignore_ascii_case(upn))
}

/// 208: a child whose UPN last year's return recorded (a UPN, not a code for an unknown one)
/// must have the same UPN this year.
fn r208(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let last = ctx.last.as_ref()?.table(Header)?;
    let (upn, last_upn) = (header.col("UPN"), last.col("UPN"));
    for row in header.rows() {
        let Some(child) = header.child(row) else { continue };
        let recorded: Vec<&str> = last
            .rows_of(child)
            .iter()
            .filter_map(|&l| last.value(l as usize, last_upn))
            .filter(|u| !unknown_upn(u))
            .collect();
        let now = header.value(row, upn);
        if !recorded.is_empty() && !recorded.iter().any(|u| same_text(Some(u), now)) {
            f.flag(Header, row);
        }
    }
    Some(())
}

/// 209: a child of school age (aged 5 or over on the first day of the collection year) cannot
/// have UN1, the code for a child not yet of school age who has no UPN.
fn r209(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let (upn, dob) = (header.col("UPN"), header.dates("DOB"));
    for row in header.rows() {
        // DfE: "If <DOB> >= 4 years prior to 31/08/YYYY then <UPN> should not be 'UN1'", YYYY
        // the year before the collection starts: aged 4 on 31 August of that year.
        let reference = NaiveDate::from_ymd_opt(ctx.start().year() - 1, 8, 31);
        if header.is(row, upn, "UN1") && dob.get(row).zip(reference).is_some_and(|(d, on)| aged_at_least(d, 4, on)) {
            f.flag(Header, row);
        }
    }
    Some(())
}

/// 210: a child looked after at 31 March whose period of care began more than a week before
/// then cannot have UN4, the code for a child newly looked after whose UPN is not yet known.
/// The Header row and the episode open at 31 March are flagged.
fn r210(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let eps = ctx.this.table(Episodes)?;
    let upn = header.col("UPN");
    let decom = eps.dates("DECOM");
    let week_before = ctx.end().checked_sub_days(chrono::Days::new(7))?;
    for row in header.rows() {
        let Some(child) = header.child(row) else { continue };
        if !header.is(row, upn, "UN4") {
            continue;
        }
        let Some(open) = ctx.this.open_episode_at(child, ctx.end()) else { continue };
        let began = decom.get(ctx.this.period_start(child, open));
        if began.is_some_and(|b| b < week_before) {
            f.flag(Header, row);
            f.flag(Episodes, open);
        }
    }
    Some(())
}

rule!(R213, "213", 2025, [T(Episodes)], r213);
rule!(R214, "214", 2022, [T(Episodes)], r214);
rule!(R215, "215", 2022, [T(Oc2), T(Oc3)], r215);
rule!(R217, "217", 2022, [T(Episodes)], r217);
rule!(R218, "218", 2025, [T(Episodes), DerivedPlacements], r218);
rule!(R222, "222", 2025, [T(Episodes)], r222);
rule!(R225, "225", 2022, [T(Episodes)], r225);
rule!(R226, "226", 2025, [T(Episodes)], r226);
rule!(R231, "231", 2024, [T(Header)], r231);
rule!(R232, "232", 2024, [T(Header)], r232);
rule!(R233, "233", 2025, [T(Episodes)], r233);
rule!(R234, "234", 2025, [T(Episodes), T(Header)], r234);
rule!(R242, "242", 2025, [T(Episodes)], r242);
rule!(R243, "243", 2025, [T(Episodes), DerivedPlacements], r243);

/// 213 (2025-26): no placement provider for a placement with parents or others with parental
/// responsibility (T0 to T3) or another placement (Z11 to Z14).
fn r213(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, provider] = cols(eps, ["PLACE", "PLACE_PROVIDER"]);
    for row in eps.rows() {
        if eps.has(row, provider) && eps.is_in(row, place, PLACE_WITHOUT_PROVIDER_2025) {
            f.flag(Episodes, row);
        }
    }
    Some(())
}

/// 214: no placement postcode or URN for a short break (legal status V3 or V4).
fn r214(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [ls, post, urn] = cols(eps, ["LS", "PL_POST", "URN"]);
    for row in eps.rows() {
        if eps.is_in(row, ls, RESPITE) && (eps.has(row, post) || eps.has(row, urn)) {
            f.flag(Episodes, row);
        }
    }
    Some(())
}

/// 215: a child with care leaver information (any OC3 item) cannot also have any OC2 item on
/// children looked after for 12 months; both rows are flagged.
fn r215(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let (oc2, oc3) = (ctx.this.table(Oc2)?, ctx.this.table(Oc3)?);
    let leaver = cols(oc3, CARE_LEAVER_ITEMS);
    let items = cols(oc2, OC2_ITEMS);
    for row in oc3.rows() {
        let Some(child) = oc3.child(row) else { continue };
        if filled(oc3, row, &leaver) == 0 {
            continue;
        }
        let with_items: Vec<u32> =
            oc2.rows_of(child).iter().copied().filter(|&r| filled(oc2, r as usize, &items) > 0).collect();
        if !with_items.is_empty() {
            f.flag(Oc3, row);
            f.flag_all(Oc2, with_items);
        }
    }
    Some(())
}

/// 217: a placement for adoption with the current foster carers (A3, A5) starting on or after
/// 1 April 2015, when those codes came in, must start with reason S, T or U.
fn r217(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, rne] = cols(eps, ["PLACE", "RNE"]);
    let decom = eps.dates("DECOM");
    let from = NaiveDate::from_ymd_opt(2015, 4, 1)?;
    for row in eps.rows() {
        if eps.is_in(row, place, &["A3", "A5"])
            && decom.get(row).is_some_and(|d| d >= from)
            && !eps.is_in(row, rne, &["S", "T", "U"])
        {
            f.flag(Episodes, row);
        }
    }
    Some(())
}

/// Whether a placement's local authority (PL_LA) is outside England: Wales, Scotland or
/// Northern Ireland, by DfE's codes (WAL, SCO, NIR) or a GSS code starting W, S or N.
pub(crate) fn outside_england(pl_la: &str) -> bool {
    let la = pl_la.trim();
    ["WAL", "SCO", "NIR"].iter().any(|c| la.eq_ignore_ascii_case(c))
        || (la.len() == 9 && matches!(la.as_bytes()[0].to_ascii_uppercase(), b'W' | b'S' | b'N'))
}

/// 218 (2025-26): an episode open at some point in the year in a placement that Ofsted
/// registers (any type but those of [`NO_URN_2025`]) in England needs a URN (or XXXXXXX).
fn r218(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, urn] = cols(eps, ["PLACE", "URN"]);
    let dec = eps.dates("DEC");
    for row in eps.rows() {
        let in_year = dec.get(row).is_none_or(|d| d >= ctx.start());
        let abroad = ctx.this.placement(row).and_then(|p| p.pl_la.as_deref()).is_some_and(outside_england);
        if in_year && !abroad && !eps.is_in(row, place, NO_URN_2025) && !eps.has(row, urn) {
            f.flag(Episodes, row);
        }
    }
    Some(())
}

/// 222 (2025-26): no URN for a placement type Ofsted does not register ([`NO_URN_2025`]);
/// XXXXXXX, which says there is none, is allowed.
fn r222(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, urn] = cols(eps, ["PLACE", "URN"]);
    for row in eps.rows() {
        let recorded = eps.value(row, urn).is_some_and(|u| !u.eq_ignore_ascii_case(URN_UNKNOWN));
        if recorded && eps.is_in(row, place, NO_URN_2025) {
            f.flag(Episodes, row);
        }
    }
    Some(())
}

/// For each of the child's episodes in start date order, the episode after it.
fn next_episodes<'y>(year: &'y YearData<'_>, child: Child) -> impl Iterator<Item = (usize, usize)> + 'y {
    year.episodes_of(child).windows(2).map(|w| (w[0] as usize, w[1] as usize))
}

/// 225: when an episode ends with X1 (a new episode begins) because the placement changed (the
/// next episode's reason is P or B), the ended episode must record the reason for the change,
/// unless the move is out of or into a temporary placement (T0 to T4).
fn r225(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [rec, rne, place, reason] = cols(eps, ["REC", "RNE", "PLACE", "REASON_PLACE_CHANGE"]);
    for child in ctx.this.children() {
        for (ended, next) in next_episodes(&ctx.this, child) {
            if eps.is(ended, rec, "X1")
                && eps.is_in(next, rne, PLACEMENT_CHANGED)
                && !eps.is_in(ended, place, TEMPORARY)
                && !eps.is_in(next, place, TEMPORARY)
                && !eps.has(ended, reason)
            {
                f.flag(Episodes, ended);
            }
        }
    }
    Some(())
}

/// 226 (2025-26): no reason for placement change for a temporary placement (T0 to T4): the
/// temporary placement is flagged when it records one, or when the episode before it records
/// one for the move into it.
fn r226(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [place, reason] = cols(eps, ["PLACE", "REASON_PLACE_CHANGE"]);
    for child in ctx.this.children() {
        let order = ctx.this.episodes_of(child);
        for (i, &row) in order.iter().enumerate() {
            let row = row as usize;
            if !eps.is_in(row, place, TEMPORARY) {
                continue;
            }
            let before = i.checked_sub(1).map(|j| order[j] as usize);
            if eps.has(row, reason) || before.is_some_and(|b| eps.has(b, reason)) {
                f.flag(Episodes, row);
            }
        }
    }
    Some(())
}

/// 231: an unaccompanied asylum-seeking child is expected to be aged 11 or over at the end of
/// the collection year.
fn r231(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let dob = header.dates("DOB");
    for row in header.rows() {
        if ctx.this.header_row_is_uasc(row) && dob.get(row).is_some_and(|d| !aged_at_least(d, 11, ctx.end())) {
            f.flag(Header, row);
        }
    }
    Some(())
}

/// 232: the child's sex is recorded as unknown (U).
fn r232(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let header = ctx.this.table(Header)?;
    let sex = header.col("SEX");
    for row in header.rows() {
        if header.is(row, sex, "U") {
            f.flag(Header, row);
        }
    }
    Some(())
}

/// 233 (2025-26): no reason for placement change on an episode that has not ceased.
fn r233(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [dec, reason] = cols(eps, ["DEC", "REASON_PLACE_CHANGE"]);
    for row in eps.rows() {
        if eps.has(row, reason) && !eps.has(row, dec) {
            f.flag(Episodes, row);
        }
    }
    Some(())
}

/// 234 (2025-26): a child under 10 cannot change placement because they were admitted to
/// custody (CUSTOD). Their age is taken on the day the episode ceased (or, if it has not, the
/// day it began); the episode and the child's Header row are flagged.
fn r234(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let header = ctx.this.table(Header)?;
    let reason = eps.col("REASON_PLACE_CHANGE");
    let (decom, dec) = (eps.dates("DECOM"), eps.dates("DEC"));
    for row in eps.rows() {
        if !eps.is(row, reason, "CUSTOD") {
            continue;
        }
        let Some(child) = eps.child(row) else { continue };
        let (Some(dob), Some(day)) = (ctx.this.dob(child), dec.get(row).or(decom.get(row))) else { continue };
        if !aged_at_least(dob, 10, day) {
            f.flag(Episodes, row);
            f.flag_all(Header, header.rows_of(child).iter().copied());
        }
    }
    Some(())
}

/// 242 (2025-26): "URN = 'XXXXXXX' can only be used for regional adoption agencies": the URN
/// for no URN known is for placements for adoption and foster placements only (A3 to A6, U1 to
/// U6).
fn r242(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let [urn, place] = cols(eps, ["URN", "PLACE"]);
    flag_rows(f, eps, |r| {
        eps.value(r, urn).is_some_and(|u| u.eq_ignore_ascii_case(URN_UNKNOWN))
            && !eps.is_in(r, place, PLACED_FOR_ADOPTION)
            && !eps.is_in(r, place, FOSTER)
    });
    Some(())
}

/// Placement areas outside England's local authorities (PL_LA): "CON" (a British Crown
/// dependency), Northern Ireland, Scotland, Wales, and outside the UK.
const OUTSIDE_ENGLAND: &[&str] = &["CON", "NIR", "SCO", "WAL", "NUK"];

/// 243 (2025-26): "Only placements with providers registered with Ofsted should have a URN
/// reported": a placement outside England (PL_LA CON, NIR, SCO, WAL or NUK) has no URN.
fn r243(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let urn = eps.col("URN");
    flag_rows(f, eps, |r| {
        eps.has(r, urn)
            && ctx
                .this
                .placement(r)
                .and_then(|p| p.pl_la.as_deref())
                .is_some_and(|la| OUTSIDE_ENGLAND.iter().any(|c| la.trim().eq_ignore_ascii_case(c)))
    });
    Some(())
}
