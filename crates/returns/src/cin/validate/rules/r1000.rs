//! DfE's CIN rules with codes below 2000: the header, dates against each other, identifiers.

use careful_domain::identifiers::Upn;

use crate::cin::read::CinTable::{
    self, Assessments, ChildIdentifiers, ChildProtectionPlans, CinDetails, Header, Section47,
};
use crate::cin::validate::CinRule;
use crate::cin::validate::context::{Ctx, Flags, Map};

cin_rule!(R100, "100", r100);
cin_rule!(R1103, "1103", r1103);
cin_rule!(R1104, "1104", r1104);
cin_rule!(R1105, "1105", r1105);
cin_rule!(R1510, "1510", r1510);
cin_rule!(R1520, "1520", r1520);
cin_rule!(R1530, "1530", r1530);
cin_rule!(R1540, "1540", r1540);
cin_rule!(R1550, "1550", r1550);
cin_rule!(R1560Q, "1560Q", r1560q);
cin_rule!(R1570, "1570", r1570);
cin_rule!(R1580, "1580", r1580);

pub(crate) static RULES: &[&CinRule] =
    &[&R100, &R1103, &R1104, &R1105, &R1510, &R1520, &R1530, &R1540, &R1550, &R1560Q, &R1570, &R1580];

/// 100: "Reference Date is incorrect": the header's ReferenceDate must be 31 March of the
/// census's Year.
fn r100(ctx: &Ctx<'_>, f: &mut Flags) {
    let t = ctx.t(Header);
    for row in 0..t.len() {
        let year: Option<i32> = t.value(row, "Year").and_then(|y| y.trim().parse().ok());
        let expected = year.and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 3, 31));
        let given = ctx.date(Header, row, "ReferenceDate");
        if given.is_none() || given != expected {
            f.flag(Header, row, &["ReferenceDate"]);
        }
    }
}

/// 1103: "The assessment start date cannot be before the referral date": each assessment's
/// AssessmentActualStartDate is on or after its episode's CINreferralDate.
fn r1103(ctx: &Ctx<'_>, f: &mut Flags) {
    let referrals = ctx.by_episode(CinDetails);
    let assessments = ctx.t(Assessments);
    for row in 0..assessments.len() {
        let Some(start) = ctx.date(Assessments, row, "AssessmentActualStartDate") else { continue };
        let key =
            (assessments.value(row, "LAchildID").unwrap_or(""), assessments.value(row, "CINdetailsID").unwrap_or(""));
        for &episode in referrals.get(&key).map(Vec::as_slice).unwrap_or_default() {
            if ctx.date(CinDetails, episode, "CINreferralDate").is_some_and(|referred| start < referred) {
                f.flag(Assessments, row, &["AssessmentActualStartDate"]);
                f.flag(CinDetails, episode, &["CINreferralDate"]);
            }
        }
    }
}

/// Flags each row of `table` whose date in `column` is before its episode's CINreferralDate
/// (the CINdetails row of the same LAchildID and CINdetailsID), at `column`, and that
/// episode's CINreferralDate. Rows or episodes without a date are not compared.
pub(super) fn before_referral(ctx: &Ctx<'_>, f: &mut Flags, table: CinTable, column: &'static str) {
    let referrals = ctx.by_episode(CinDetails);
    let t = ctx.t(table);
    for row in 0..t.len() {
        let Some(date) = ctx.date(table, row, column) else { continue };
        let key = (t.value(row, "LAchildID").unwrap_or(""), t.value(row, "CINdetailsID").unwrap_or(""));
        for &episode in referrals.get(&key).map(Vec::as_slice).unwrap_or_default() {
            if ctx.date(CinDetails, episode, "CINreferralDate").is_some_and(|referred| date < referred) {
                f.flag(table, row, &[column]);
                f.flag(CinDetails, episode, &["CINreferralDate"]);
            }
        }
    }
}

/// 1104: "The date of the initial child protection conference cannot be before the referral
/// date": each Section47 row's DateOfInitialCPC is on or after its episode's CINreferralDate.
/// DfE names the Section47 table, so the conference recorded at CINdetails level (which DfE's
/// text also does not mention) is not checked here.
fn r1104(ctx: &Ctx<'_>, f: &mut Flags) {
    before_referral(ctx, f, Section47, "DateOfInitialCPC");
}

/// 1105: "The child protection plan start date cannot be before the referral date": each
/// plan's CPPstartDate is on or after its episode's CINreferralDate.
fn r1105(ctx: &Ctx<'_>, f: &mut Flags) {
    before_referral(ctx, f, ChildProtectionPlans, "CPPstartDate");
}

/// Each ChildIdentifiers row's value of `column` (upper-cased: UPNs are written in capitals,
/// and careful compares codes without regard to case), with its row.
fn upns(ctx: &Ctx<'_>, column: &str) -> Vec<(usize, String)> {
    let t = ctx.t(ChildIdentifiers);
    (0..t.len()).filter_map(|row| t.value(row, column).map(|v| (row, v.to_ascii_uppercase()))).collect()
}

/// 1510: "UPN invalid (wrong check letter at character 1)": for a UPN whose characters 2 to 13
/// are well formed (11 digits, then a digit or a letter other than I, O or S), the first
/// character is DfE's check letter for them (careful's [`Upn`]). A UPN too malformed to have a
/// check letter (wrong length, letters in the middle) is left to 1530, 1540 and 1550.
fn r1510(ctx: &Ctx<'_>, f: &mut Flags) {
    for (row, upn) in upns(ctx, "UPN") {
        if upn.len() != 13 || !upn.is_ascii() {
            continue;
        }
        let Ok(expected) = Upn::with_check_letter(&upn[1..]) else { continue };
        if expected.as_str().as_bytes()[0] != upn.as_bytes()[0] {
            f.flag(ChildIdentifiers, row, &["UPN"]);
        }
    }
}

/// 1520: "More than one record with the same UPN.": every ChildIdentifiers row whose UPN
/// (compared without regard to case) another row also has.
fn r1520(ctx: &Ctx<'_>, f: &mut Flags) {
    let mut by_upn: Map<String, Vec<usize>> = Default::default();
    for (row, upn) in upns(ctx, "UPN") {
        by_upn.entry(upn).or_default().push(row);
    }
    for rows in by_upn.values().filter(|rows| rows.len() > 1) {
        for &row in rows {
            f.flag(ChildIdentifiers, row, &["UPN"]);
        }
    }
}

/// Whether `n` is one of the three-digit numbers DfE allocates to English local authorities
/// (those of councils reorganised since, such as 940 to 943, included): the numbers careful's
/// SSDA903 rules know as councils (`LA_PERM`, without its codes for the other nations).
fn la_number(n: &str) -> bool {
    n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()) && crate::ssda903::validate::codes::LA_PERM.contains(&n)
}

/// 1530 (2023-24): "UPN invalid (characters 2-4 not a recognised LA code)": where a UPN has
/// characters 2 to 4, they are an English council's number ([`la_number`]) or a number in one
/// of the ranges 001 to 009 and 701 to 708. DfE's text does not list the recognised codes: the
/// council numbers are those careful already holds, and the two extra ranges are careful's
/// choice, kept broad so as not to reject UPNs given outside a council's own schools (DfE's
/// reference validator accepts 003 in its cases); they are not from a DfE list careful holds. A
/// UPN shorter than 4 characters has no characters 2 to 4 to check.
fn r1530(ctx: &Ctx<'_>, f: &mut Flags) {
    for (row, upn) in upns(ctx, "UPN") {
        let Some(la) = upn.get(1..4) else { continue };
        let pseudo =
            la.parse::<u16>().is_ok_and(|n| la.bytes().all(|b| b.is_ascii_digit()) && matches!(n, 1..=9 | 701..=708));
        if !pseudo && !la_number(la) {
            f.flag(ChildIdentifiers, row, &["UPN"]);
        }
    }
}

/// 1540: "UPN invalid (characters 5-12 not all numeric)": every character of a UPN from the
/// 5th to the 12th that it has is a digit. (A UPN shorter than 5 characters has none to check;
/// its length is the schema's matter, reported by the reader.)
fn r1540(ctx: &Ctx<'_>, f: &mut Flags) {
    for (row, upn) in upns(ctx, "UPN") {
        if !upn.chars().skip(4).take(8).all(|c| c.is_ascii_digit()) {
            f.flag(ChildIdentifiers, row, &["UPN"]);
        }
    }
}

/// 1550: "UPN invalid (character 13 not a recognised value)": a UPN's 13th character, where it
/// has one, is a digit (a permanent UPN) or a letter other than I, O and S (a temporary one).
fn r1550(ctx: &Ctx<'_>, f: &mut Flags) {
    for (row, upn) in upns(ctx, "UPN") {
        let Some(c) = upn.chars().nth(12) else { continue };
        if !(c.is_ascii_digit() || (c.is_ascii_uppercase() && !matches!(c, 'I' | 'O' | 'S'))) {
            f.flag(ChildIdentifiers, row, &["UPN"]);
        }
    }
}

/// 1560Q: "Please check and either amend or provide a reason: Former UPN wrongly formatted": a
/// FormerUPN, where given, has a UPN's format: 13 characters, a letter, 11 digits, then a digit
/// or a letter. Only the format is checked (DfE's text says formatted), not the check letter.
fn r1560q(ctx: &Ctx<'_>, f: &mut Flags) {
    for (row, upn) in upns(ctx, "FormerUPN") {
        let b = upn.as_bytes();
        let formatted = b.len() == 13
            && b[0].is_ascii_alphabetic()
            && b[1..12].iter().all(u8::is_ascii_digit)
            && b[12].is_ascii_alphanumeric();
        if !formatted {
            f.flag(ChildIdentifiers, row, &["FormerUPN"]);
        }
    }
}

/// 1570 (2024-25): "LA Child ID must not be longer than 20 characters": counted in characters
/// (as written, trimmed).
fn r1570(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(ChildIdentifiers).len() {
        if ctx.value(ChildIdentifiers, row, "LAchildID").is_some_and(|id| id.chars().count() > 20) {
            f.flag(ChildIdentifiers, row, &["LAchildID"]);
        }
    }
}

/// 1580 (2024-25): "LA Child ID must not contain any non-alphanumeric characters": every
/// character is an ASCII letter or digit (careful's own rule for a child's ID, so a space or
/// an accented letter is flagged too).
fn r1580(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(ChildIdentifiers).len() {
        if ctx
            .value(ChildIdentifiers, row, "LAchildID")
            .is_some_and(|id| !id.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            f.flag(ChildIdentifiers, row, &["LAchildID"]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cin::read::CinTables;
    use crate::cin::validate::run_rule;

    /// 1510 with a UPN whose check letter careful works out: right, wrong, a temporary UPN
    /// (ending in a letter), and lower case (read as capitals); a UPN too short to have a check
    /// letter is left to the format rules.
    #[test]
    fn r1510_checks_the_letter_of_well_formed_upns() {
        let good = Upn::with_check_letter("82310012345A").unwrap().to_string();
        let permanent = Upn::with_check_letter("823100123459").unwrap().to_string();
        let wrong = format!("{}{}", if permanent.starts_with('A') { 'B' } else { 'A' }, &permanent[1..]);
        let upns = [good.clone(), permanent.clone(), wrong, permanent.to_ascii_lowercase(), "A123".to_string()];
        let t = CinTables::from_rows(vec![(
            ChildIdentifiers,
            vec!["UPN"],
            upns.iter().map(|u| vec![Some(u.clone())]).collect(),
        )])
        .unwrap();
        let flagged: Vec<usize> = run_rule(&R1510, &t).into_iter().map(|f| f.row).collect();
        assert_eq!(flagged, [2]);
    }
}
