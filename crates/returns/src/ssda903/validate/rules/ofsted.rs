//! DfE's rules that check an episode's Ofsted unique reference number (URN) against Ofsted's
//! lists of children's homes and social care providers (1008, 219, 221, 224, 227, 228, 229).
//! careful does not ship those lists: they are an input ([`super::super::Metadata::with_providers`]),
//! and without them these rules are skipped and reported. A URN of XXXXXXX, DfE's value for a
//! placement with no URN known, is never looked up.

use chrono::NaiveDate;

use crate::ssda903::Table::Episodes;
use crate::ssda903::validate::codes::URN_UNKNOWN;
use crate::ssda903::validate::context::{Ctx, TableView};
use crate::ssda903::validate::meta::Provider;
use crate::ssda903::validate::rule::Flags;
use crate::ssda903::validate::rule::Input::{DerivedPlacements, LocalAuthority, Providers, Table as T};

rule!(R1008, "1008", 2022, [T(Episodes), Providers], r1008);
rule!(R219, "219", 2022, [T(Episodes), Providers], r219);
rule!(R221, "221", 2024, [T(Episodes), Providers], r221);
rule!(R224, "224", 2022, [T(Episodes), Providers], r224);
rule!(R227, "227", 2022, [T(Episodes), Providers], r227);
rule!(R228, "228", 2022, [T(Episodes), Providers], r228);
rule!(R229, "229", 2025, [T(Episodes), Providers, LocalAuthority], r229);
rule!(R241, "241", 2025, [T(Episodes), Providers, DerivedPlacements], r241);

/// Placement types whose URN is that of the premises the child lives in (children's homes,
/// secure children's homes, supported accommodation, residential schools), so that its postcode
/// is the placement's. A foster placement's URN is the fostering service's, elsewhere.
const PREMISES: &[&str] = &["K1", "K2", "K3", "S1"];

/// The URN of episode `row`, if it is one to look up (given, and not XXXXXXX).
fn urn<'a>(eps: &TableView<'a>, row: usize) -> Option<&'a str> {
    eps.value(row, eps.col("URN")).filter(|u| !u.eq_ignore_ascii_case(URN_UNKNOWN))
}

/// Flags each episode whose URN is on Ofsted's list and whose provider `bad` rejects.
fn check_provider(ctx: &Ctx<'_>, f: &mut Flags, bad: impl Fn(&TableView<'_>, usize, &Provider) -> bool) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let providers = ctx.meta.providers()?;
    for row in eps.rows() {
        if let Some(provider) = urn(eps, row).and_then(|u| providers.get(u))
            && bad(eps, row, provider)
        {
            f.flag(Episodes, row);
        }
    }
    Some(())
}

/// Whether `list` holds `code`, without regard to case.
fn lists(list: &[String], code: &str) -> bool {
    list.iter().any(|c| c.trim().eq_ignore_ascii_case(code))
}

/// 1008: a URN must be one on Ofsted's list.
fn r1008(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let providers = ctx.meta.providers()?;
    for row in eps.rows() {
        if urn(eps, row).is_some_and(|u| providers.get(u).is_none()) {
            f.flag(Episodes, row);
        }
    }
    Some(())
}

/// 219: the provider must offer the placement type recorded (when the list gives its types).
fn r219(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    check_provider(ctx, f, |eps, r, p| {
        !p.place_codes.is_empty() && eps.value(r, eps.col("PLACE")).is_some_and(|place| !lists(&p.place_codes, place))
    })
}

/// A postcode's outward code and as much of the inward code as is given, upper case without
/// spaces: `AB1 0JD` is (`AB1`, `0JD`), `AB10JD` the same, `AB1 0` (`AB1`, `0`), `AB1` (`AB1`, ``).
pub(crate) fn postcode_parts(text: &str) -> Option<(String, String)> {
    let upper = text.trim().to_ascii_uppercase();
    if let Some((out, inward)) = upper.split_once(char::is_whitespace) {
        return Some((out.to_string(), inward.split_whitespace().collect()));
    }
    let b = upper.as_bytes();
    if b.len() >= 5 && b[b.len() - 3].is_ascii_digit() && b[b.len() - 2..].iter().all(u8::is_ascii_uppercase) {
        return Some((upper[..b.len() - 3].to_string(), upper[b.len() - 3..].to_string()));
    }
    (!upper.is_empty()).then(|| (upper, String::new()))
}

/// Whether a placement postcode (whole or partial) is the provider's postcode.
fn same_place(placement: &str, provider: &str) -> bool {
    match (postcode_parts(placement), postcode_parts(provider)) {
        (Some((a_out, a_in)), Some((b_out, b_in))) => a_out == b_out && b_in.starts_with(&a_in),
        _ => false,
    }
}

/// 221 (2024-25): for a placement in the premises its URN names (children's homes, secure
/// children's homes, supported accommodation, residential schools), the placement postcode must
/// be the provider's postcode (a partial postcode matching as far as it goes).
fn r221(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    check_provider(ctx, f, |eps, r, p| {
        let (Some(post), Some(theirs)) = (eps.value(r, eps.col("PL_POST")), p.postcode.as_deref()) else {
            return false;
        };
        eps.is_in(r, eps.col("PLACE"), PREMISES) && !same_place(post, theirs)
    })
}

/// 224: the placement provider recorded must be one the provider's entry allows (when the list
/// gives them).
fn r224(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    check_provider(ctx, f, |eps, r, p| {
        !p.provider_codes.is_empty()
            && eps.value(r, eps.col("PLACE_PROVIDER")).is_some_and(|code| !lists(&p.provider_codes, code))
    })
}

/// Whether the provider was registered on `day`.
fn registered_on(p: &Provider, day: NaiveDate) -> bool {
    p.registration_start.is_none_or(|s| s <= day) && p.registration_end.is_none_or(|e| e >= day)
}

/// 227: the provider must have been registered on the day the episode began.
fn r227(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    check_provider(ctx, f, |eps, r, p| eps.dates("DECOM").get(r).is_some_and(|d| !registered_on(p, d)))
}

/// 228: the provider must have been registered on the day the episode ceased, or, for an
/// episode not ceased, at the end of the collection year (DfE's note: this can fault an open
/// episode with a provider that closed during the year).
fn r228(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    check_provider(ctx, f, |eps, r, p| !registered_on(p, eps.dates("DEC").get(r).unwrap_or(ctx.end())))
}

/// 229: the council's own provision (PR1) must be a provider in its own area, and another
/// council's provision (PR2) one outside it, by the local authority of the provider's postcode.
/// Placements 229 leaves out from 2025-26: those Ofsted does not register (parents, NHS and
/// other health settings, young offender institutions, temporary placements, others) and
/// supported accommodation (K3), whose provider may serve several areas.
const NOT_229_FROM_2025: &[&str] =
    &["K3", "P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"];

/// 229 (2025-26): as before, except for the placements DfE now leaves out ("If Ofsted URN is
/// provided and not 'XXXXXXX' and PL not in K3, P1, P3, R1, R2, R5, T0 to T4, Z11 to Z14").
fn r229(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    provider_la_matches(ctx, f, NOT_229_FROM_2025)
}

/// 241 (2025-26): "LA of placement is not an LA the provider has premises": for supported
/// accommodation (K3) with a URN (not XXXXXXX), PL_LA must be one of the local authorities of
/// the provider's premises on Ofsted's list (a provider may have premises in several).
fn r241(ctx: &Ctx<'_>, f: &mut Flags) -> Option<()> {
    let eps = ctx.this.table(Episodes)?;
    let providers = ctx.meta.providers()?;
    let place = eps.col("PLACE");
    for row in eps.rows() {
        if !eps.is(row, place, "K3") {
            continue;
        }
        let Some(u) = urn(eps, row) else { continue };
        let Some(pl_la) = ctx.this.placement(row).and_then(|p| p.pl_la.as_deref()).map(str::trim) else { continue };
        if pl_la.is_empty() || providers.get(u).is_none() {
            continue;
        }
        let has_premises = providers
            .with_urn(u)
            .filter_map(|p| p.local_authority.as_deref())
            .any(|la| la.trim().eq_ignore_ascii_case(pl_la));
        if !has_premises {
            f.flag(Episodes, row);
        }
    }
    Some(())
}

fn provider_la_matches(ctx: &Ctx<'_>, f: &mut Flags, left_out: &[&str]) -> Option<()> {
    let own = ctx.meta.local_authority()?;
    check_provider(ctx, f, |eps, r, p| {
        if eps.is_in(r, eps.col("PLACE"), left_out) {
            return false;
        }
        let Some(theirs) = p.local_authority.as_deref().map(str::trim).filter(|s| !s.is_empty()) else { return false };
        let ours = theirs.eq_ignore_ascii_case(own);
        let provider = eps.col("PLACE_PROVIDER");
        (eps.is(r, provider, "PR1") && !ours) || (eps.is(r, provider, "PR2") && ours)
    })
}
