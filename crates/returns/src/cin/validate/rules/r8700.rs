//! DfE's CIN rules with codes 8700 to 8799: dates within the census year, the child's
//! identifiers and age, disabilities; and the helpers the rules from 8700 up share (the census
//! period, yes/no values, overlapping spells).

use chrono::{Datelike, Months, NaiveDate};

use crate::cin::read::CinTable::{
    self, Assessments, ChildIdentifiers, ChildProtectionPlans, CinDetails, Disabilities, Section47,
};
use crate::cin::validate::CinRule;
use crate::cin::validate::context::{Ctx, Flags, Map, is_code};

cin_rule!(R8715, "8715", r8715);
cin_rule!(R8720, "8720", r8720);
cin_rule!(R8730, "8730", r8730);
cin_rule!(R8736, "8736", r8736);
cin_rule!(R8740, "8740", r8740);
cin_rule!(R8750, "8750", r8750);
cin_rule!(R8770Q, "8770Q", r8770q);
cin_rule!(R8772, "8772", r8772);
cin_rule!(R8775Q, "8775Q", r8775q);
cin_rule!(R8790, "8790", r8790);
cin_rule!(R8794, "8794", r8794);

pub(crate) static RULES: &[&CinRule] =
    &[&R8715, &R8720, &R8730, &R8736, &R8740, &R8750, &R8770Q, &R8772, &R8775Q, &R8790, &R8794];

/// The census year's first day: the day after the reference date a year before (1 April for a
/// reference date of 31 March).
pub(super) fn census_start(end: NaiveDate) -> NaiveDate {
    end.checked_sub_months(Months::new(12)).and_then(|d| d.succ_opt()).unwrap_or(end)
}

/// The census year, first and last day, from the header's reference date.
pub(super) fn census_year(ctx: &Ctx<'_>) -> Option<(NaiveDate, NaiveDate)> {
    ctx.reference_date().map(|end| (census_start(end), end))
}

/// Whether a yes/no cell says yes (`true` or `1`, without regard to case); blank or anything
/// else is no.
pub(super) fn is_yes(value: Option<&str>) -> bool {
    value.is_some_and(|v| is_code(v, &["true", "1"]))
}

/// One spell (an episode, assessment, enquiry or plan): its row, its first day, and its last day
/// (`None` while it is open).
pub(super) type Spell = (usize, NaiveDate, Option<NaiveDate>);

/// Flags every pair of `spells` that overlap: the later spell starts on or before the day the
/// earlier one ends (or the earlier one is open). The earlier spell is flagged at `start` and
/// `end` (its end comes too late, or it has none), the later at `start`; spells starting the
/// same day are each the earlier one.
pub(super) fn flag_overlaps(f: &mut Flags, table: CinTable, spells: &[Spell], start: &'static str, end: &'static str) {
    for (i, &(row_a, start_a, end_a)) in spells.iter().enumerate() {
        for &(row_b, start_b, end_b) in &spells[i + 1..] {
            let (earlier, later, earlier_end, later_start) =
                if start_a <= start_b { (row_a, row_b, end_a, start_b) } else { (row_b, row_a, end_b, start_a) };
            if earlier_end.is_some_and(|e| later_start > e) {
                continue;
            }
            f.flag(table, earlier, &[start, end]);
            let both = [start, end];
            f.flag(table, later, if start_a == start_b { &both } else { &both[..1] });
        }
    }
}

/// The child's row of ChildIdentifiers, by LAchildID (the first, if the ID is repeated).
pub(super) fn child_rows<'a>(ctx: &Ctx<'a>) -> Map<&'a str, usize> {
    let t = ctx.t(ChildIdentifiers);
    let mut out = Map::default();
    for row in 0..t.len() {
        if let Some(id) = t.value(row, "LAchildID") {
            out.entry(id).or_insert(row);
        }
    }
    out
}

/// Flags rows of `table` whose date in `column` is outside the census year (blank is not
/// checked).
fn outside_census(ctx: &Ctx<'_>, f: &mut Flags, table: CinTable, column: &'static str) {
    let Some((start, end)) = census_year(ctx) else { return };
    for row in 0..ctx.t(table).len() {
        if ctx.date(table, row, column).is_some_and(|d| d < start || d > end) {
            f.flag(table, row, &[column]);
        }
    }
}

/// 8715: "Date of Initial Child Protection Conference must fall within the census year": a
/// Section47 DateOfInitialCPC, where given, is on or after the census year's first day (the
/// day after the reference date a year before) and on or before the reference date. The
/// episode's own DateOfInitialCPC (CINdetails) is not this rule's: DfE names Section47.
fn r8715(ctx: &Ctx<'_>, f: &mut Flags) {
    outside_census(ctx, f, Section47, "DateOfInitialCPC");
}

/// 8720: "Child Protection Plan Start Date missing or out of data collection period": every
/// plan has a CPPstartDate (an invalid date counts as missing), and it is not after the
/// reference date. DfE's text leaves open whether a start before the census year is "out of
/// period"; careful allows it, since a plan that began earlier and was open during the year
/// belongs in the census (a plan that ended before the year is rule 8930's).
fn r8720(ctx: &Ctx<'_>, f: &mut Flags) {
    let end = ctx.reference_date();
    for row in 0..ctx.t(ChildProtectionPlans).len() {
        match ctx.date(ChildProtectionPlans, row, "CPPstartDate") {
            None => f.flag(ChildProtectionPlans, row, &["CPPstartDate"]),
            Some(d) if end.is_some_and(|end| d > end) => f.flag(ChildProtectionPlans, row, &["CPPstartDate"]),
            Some(_) => {}
        }
    }
}

/// 8730: "Total Number of previous Child Protection Plans missing": every plan gives
/// NumberOfPreviousCPP. A value that is not a count (a whole number, 0 or more, such as `-1`)
/// gives no total either and is flagged too.
fn r8730(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(ChildProtectionPlans).len() {
        let count = ctx.value(ChildProtectionPlans, row, "NumberOfPreviousCPP").and_then(|v| v.parse::<u32>().ok());
        if count.is_none() {
            f.flag(ChildProtectionPlans, row, &["NumberOfPreviousCPP"]);
        }
    }
}

/// 8736: "For an Assessment that has not been completed, the start date must fall within the
/// census year": an assessment with no AssessmentAuthorisationDate whose
/// AssessmentActualStartDate is before the census year's first day or after the reference
/// date. A blank start date is another rule's.
fn r8736(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some((start, end)) = census_year(ctx) else { return };
    for row in 0..ctx.t(Assessments).len() {
        if ctx.date(Assessments, row, "AssessmentAuthorisationDate").is_some() {
            continue;
        }
        if ctx.date(Assessments, row, "AssessmentActualStartDate").is_some_and(|d| d < start || d > end) {
            f.flag(Assessments, row, &["AssessmentActualStartDate", "AssessmentAuthorisationDate"]);
        }
    }
}

/// 8740: "For a Section 47 Enquiry that has not held the Initial Child Protection Conference by
/// the end of the census year, the start date must fall within the census year": an enquiry
/// with no DateOfInitialCPC on or before the reference date, and not concluded as needing no
/// conference (ICPCnotRequired true or 1), whose S47ActualStartDate is outside the census year.
/// careful takes an enquiry marked as needing no conference as not awaiting one.
fn r8740(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some((start, end)) = census_year(ctx) else { return };
    for row in 0..ctx.t(Section47).len() {
        let held = ctx.date(Section47, row, "DateOfInitialCPC").is_some_and(|d| d <= end);
        let not_required = is_yes(ctx.value(Section47, row, "ICPCnotRequired"));
        let outside = ctx.date(Section47, row, "S47ActualStartDate").is_some_and(|d| d < start || d > end);
        if !held && !not_required && outside {
            f.flag(Section47, row, &["S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired"]);
        }
    }
}

/// 8750 (2024-25): "Sex must equal U for an unborn child": a child with no PersonBirthDate and
/// an ExpectedPersonBirthDate (unborn) has Sex U. A child with neither date is not taken as
/// unborn.
fn r8750(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(ChildIdentifiers).len() {
        let unborn = ctx.date(ChildIdentifiers, row, "PersonBirthDate").is_none()
            && ctx.date(ChildIdentifiers, row, "ExpectedPersonBirthDate").is_some();
        if unborn && !ctx.value(ChildIdentifiers, row, "Sex").is_some_and(|s| is_code(s, &["U"])) {
            f.flag(ChildIdentifiers, row, &["Sex", "PersonBirthDate", "ExpectedPersonBirthDate"]);
        }
    }
}

/// Whether a child born on `born` is of school age in the census year beginning `start`: aged 5
/// or more on 31 August of the calendar year the census year begins in (in the school year
/// that starts within the census year, the child is of compulsory school age).
fn school_age(born: NaiveDate, start: NaiveDate) -> bool {
    NaiveDate::from_ymd_opt(start.year() - 5, 8, 31).is_some_and(|cut_off| born <= cut_off)
}

/// 8770Q (2024-25): "UPN is missing or reason UPN is missing or is UN1 for a child who is of
/// school age": a child of school age (see `school_age`) with no UPN has a UPNunknown reason,
/// and not UN1 (the code for a child not yet of school age). DfE's text sets no upper age, and
/// careful sets none: a UPN, once given, stays the child's. A child with no birth date is not
/// checked. Flags UPN and UPNunknown.
fn r8770q(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some((start, _)) = census_year(ctx) else { return };
    for row in 0..ctx.t(ChildIdentifiers).len() {
        let Some(born) = ctx.date(ChildIdentifiers, row, "PersonBirthDate") else { continue };
        if !school_age(born, start) || ctx.has(ChildIdentifiers, row, "UPN") {
            continue;
        }
        if ctx.value(ChildIdentifiers, row, "UPNunknown").is_none_or(|r| is_code(r, &["UN1"])) {
            f.flag(ChildIdentifiers, row, &["UPN", "UPNunknown"]);
        }
    }
}

/// 8772: "UPN unknown reason is UN7 (Referral with no further action) but at least one CIN
/// details is a referral going on to further action": a child whose UPNunknown is UN7 has no
/// episode whose ReferralNFA is other than true or 1 (blank counts as further action). Flags
/// the child's UPNunknown and each such episode's ReferralNFA.
fn r8772(ctx: &Ctx<'_>, f: &mut Flags) {
    let episodes = ctx.by_child(CinDetails);
    for row in 0..ctx.t(ChildIdentifiers).len() {
        if !ctx.value(ChildIdentifiers, row, "UPNunknown").is_some_and(|r| is_code(r, &["UN7"])) {
            continue;
        }
        let Some(id) = ctx.value(ChildIdentifiers, row, "LAchildID") else { continue };
        for &episode in episodes.get(id).map(Vec::as_slice).unwrap_or_default() {
            if !is_yes(ctx.value(CinDetails, episode, "ReferralNFA")) {
                f.flag(CinDetails, episode, &["ReferralNFA"]);
                f.flag(ChildIdentifiers, row, &["UPNunknown"]);
            }
        }
    }
}

/// Whether a child born on `born` is over 25 on `day`: 26 or older (DfE's "over 25 years old"
/// read as older than 25 in whole years, so a 25-year-old care leaver is not queried).
fn over_25(born: NaiveDate, day: NaiveDate) -> bool {
    born.checked_add_months(Months::new(26 * 12)).is_some_and(|birthday| birthday <= day)
}

/// 8775Q: "Child is over 25 years old": for each episode, the child's age on its
/// CINclosureDate, or on the reference date while the episode is open, is not over 25 (see
/// `over_25`). Flags the episode's CINclosureDate and the child's PersonBirthDate.
fn r8775q(ctx: &Ctx<'_>, f: &mut Flags) {
    let children = child_rows(ctx);
    let end = ctx.reference_date();
    for episode in 0..ctx.t(CinDetails).len() {
        let Some(&child) = ctx.value(CinDetails, episode, "LAchildID").and_then(|id| children.get(id)) else {
            continue;
        };
        let Some(born) = ctx.date(ChildIdentifiers, child, "PersonBirthDate") else { continue };
        let on = ctx.date(CinDetails, episode, "CINclosureDate").or(end);
        if on.is_some_and(|day| over_25(born, day)) {
            f.flag(CinDetails, episode, &["CINclosureDate"]);
            f.flag(ChildIdentifiers, child, &["PersonBirthDate"]);
        }
    }
}

/// 8790: "Disability information includes both None and other values": a child with NONE and
/// another code. The other codes are flagged: NONE is the one that may stand alone.
fn r8790(ctx: &Ctx<'_>, f: &mut Flags) {
    for rows in ctx.by_child(Disabilities).values() {
        let given: Vec<(usize, &str)> =
            rows.iter().filter_map(|&r| ctx.value(Disabilities, r, "Disability").map(|d| (r, d))).collect();
        if given.iter().any(|&(_, d)| is_code(d, &["NONE"])) {
            for &(r, d) in &given {
                if !is_code(d, &["NONE"]) {
                    f.flag(Disabilities, r, &["Disability"]);
                }
            }
        }
    }
}

/// 8794: "Child has two or more disabilities with the same code": every disability of a child
/// whose code (without regard to case) the child has more than once.
fn r8794(ctx: &Ctx<'_>, f: &mut Flags) {
    for rows in ctx.by_child(Disabilities).values() {
        let mut by_code: Map<String, Vec<usize>> = Map::default();
        for &r in rows {
            if let Some(d) = ctx.value(Disabilities, r, "Disability") {
                by_code.entry(d.to_ascii_uppercase()).or_default().push(r);
            }
        }
        for same in by_code.values().filter(|same| same.len() > 1) {
            for &r in same {
                f.flag(Disabilities, r, &["Disability"]);
            }
        }
    }
}

/// A table given row by row, blank cells as `""` (for the rules' tests).
#[cfg(test)]
pub(super) type Given<'a> = (CinTable, Vec<&'a str>, Vec<Vec<&'a str>>);

/// What a rule flags: the table, the row and the fields (for the rules' tests).
#[cfg(test)]
pub(super) type Found = (CinTable, usize, Vec<&'static str>);

/// What a rule flags in tables given row by row (for the rules' tests).
#[cfg(test)]
pub(super) fn flagged(code: &str, given: Vec<Given<'_>>) -> Vec<Found> {
    let given = given
        .into_iter()
        .map(|(t, columns, rows)| {
            let rows = rows
                .into_iter()
                .map(|r| r.into_iter().map(|c| Some(c.to_string()).filter(|c| !c.is_empty())).collect())
                .collect();
            (t, columns, rows)
        })
        .collect();
    let tables = crate::cin::read::CinTables::from_rows(given).unwrap();
    let rule = crate::cin::validate::rules().find(|r| r.code == code).unwrap();
    crate::cin::validate::run_rule(rule, &tables).into_iter().map(|f| (f.table, f.row, f.fields)).collect()
}

/// The header of a census whose reference date is 31 March 2026.
#[cfg(test)]
pub(super) fn header_2026() -> Given<'static> {
    (CinTable::Header, vec!["ReferenceDate"], vec![vec!["2026-03-31"]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(found: Vec<Found>) -> Vec<(CinTable, usize)> {
        found.into_iter().map(|(t, r, _)| (t, r)).collect()
    }

    /// 8740: an enquiry begun before the year is fine once its conference is held by the
    /// reference date, or it needs none; one held after the reference date was not held by the
    /// end of the year.
    #[test]
    fn r8740_a_conference_after_the_reference_date_was_not_held_in_the_year() {
        let columns = vec!["LAchildID", "S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired"];
        let given = vec![
            header_2026(),
            (
                Section47,
                columns,
                vec![
                    vec!["A", "2025-03-20", "2026-03-31", ""],
                    vec!["A", "2025-03-20", "2026-04-01", ""],
                    vec!["A", "2025-03-20", "", "true"],
                    vec!["A", "2025-04-01", "", ""],
                    vec!["A", "2025-03-31", "", "false"],
                ],
            ),
        ];
        assert_eq!(rows(flagged("8740", given)), [(Section47, 1), (Section47, 4)]);
    }

    /// 8730: 0 is a total; a negative or non-number is none.
    #[test]
    fn r8730_a_total_is_a_whole_number_0_or_more() {
        let given =
            vec![(ChildProtectionPlans, vec!["NumberOfPreviousCPP"], vec![vec!["0"], vec!["-1"], vec!["x"], vec![""]])];
        let found = rows(flagged("8730", given));
        assert_eq!(found, [(ChildProtectionPlans, 1), (ChildProtectionPlans, 2), (ChildProtectionPlans, 3)]);
    }

    /// 8775Q: the age on the closure date, or on the reference date while open.
    #[test]
    fn r8775q_age_on_closure_or_at_the_reference_date() {
        let given = vec![
            header_2026(),
            (ChildIdentifiers, vec!["LAchildID", "PersonBirthDate"], vec![vec!["A", "2000-03-31"]]),
            (
                CinDetails,
                vec!["LAchildID", "CINclosureDate"],
                vec![vec!["A", "2026-03-30"], vec!["A", "2026-03-31"], vec!["A", ""]],
            ),
        ];
        let found = rows(flagged("8775Q", given));
        assert_eq!(found, [(ChildIdentifiers, 0), (CinDetails, 1), (CinDetails, 2)]);
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_census_year_begins_the_day_after_the_reference_date_a_year_before() {
        assert_eq!(census_start(day("2026-03-31")), day("2025-04-01"));
        assert_eq!(census_start(day("2024-02-29")), day("2023-03-01"));
    }

    #[test]
    fn school_age_is_five_by_31_august_of_the_census_year() {
        let start = day("2025-04-01");
        assert!(school_age(day("2020-08-31"), start));
        assert!(!school_age(day("2020-09-01"), start));
    }

    #[test]
    fn over_25_is_from_the_26th_birthday() {
        assert!(!over_25(day("2000-04-02"), day("2026-04-01")));
        assert!(over_25(day("2000-04-01"), day("2026-04-01")));
        assert!(!over_25(day("2000-04-01"), day("2025-12-31")));
    }
}
