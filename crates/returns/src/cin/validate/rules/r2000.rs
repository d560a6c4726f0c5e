//! DfE's CIN rules with codes 2000 to 4999: plans and the child's characteristics.
//!
//! A finding about the whole return (the reference's "LA-level" issue, such as 2887Q's count of
//! disability codes) is given on the Header's row, the return's own, with DfE's fields: see
//! [`flag_return`].

use chrono::{Months, NaiveDate};

use crate::cin::read::CinTable::{
    self, Assessments, ChildCharacteristics, ChildIdentifiers, ChildProtectionPlans, CinDetails, CinPlanDates,
    Disabilities, Header, Reviews, Section47,
};
use crate::cin::validate::CinRule;
use crate::cin::validate::context::{Ctx, Flags, Map, Set, is_code};

use super::r1000::before_referral;

cin_rule!(R2883, "2883", r2883);
cin_rule!(R2884, "2884", r2884);
cin_rule!(R2885, "2885", r2885);
cin_rule!(R2886Q, "2886Q", r2886q);
cin_rule!(R2887Q, "2887Q", r2887q);
cin_rule!(R2888Q, "2888Q", r2888q);
cin_rule!(R2889, "2889", r2889);
cin_rule!(R2990, "2990", r2990);
cin_rule!(R2991Q, "2991Q", r2991q);
cin_rule!(R4000, "4000", r4000);
cin_rule!(R4001, "4001", r4001);
cin_rule!(R4003, "4003", r4003);
cin_rule!(R4004, "4004", r4004);
cin_rule!(R4008, "4008", r4008);
cin_rule!(R4009Q, "4009Q", r4009q);
cin_rule!(R4010, "4010", r4010);
cin_rule!(R4011, "4011", r4011);
cin_rule!(R4012Q, "4012Q", r4012q);
cin_rule!(R4013, "4013", r4013);
cin_rule!(R4014, "4014", r4014);
cin_rule!(R4015, "4015", r4015);
cin_rule!(R4016, "4016", r4016);
cin_rule!(R4017, "4017", r4017);
cin_rule!(R4180, "4180", r4180);
cin_rule!(R4220, "4220", r4220);

pub(crate) static RULES: &[&CinRule] = &[
    &R2883, &R2884, &R2885, &R2886Q, &R2887Q, &R2888Q, &R2889, &R2990, &R2991Q, &R4000, &R4001, &R4003, &R4004, &R4008,
    &R4009Q, &R4010, &R4011, &R4012Q, &R4013, &R4014, &R4015, &R4016, &R4017, &R4180, &R4220,
];

/// The census year: from the day after the same date a year before the header's ReferenceDate
/// to the ReferenceDate, both included; `None` without a ReferenceDate.
pub(super) fn census_year(ctx: &Ctx<'_>) -> Option<(NaiveDate, NaiveDate)> {
    let end = ctx.reference_date()?;
    let start = end.checked_sub_months(Months::new(12))?.succ_opt()?;
    Some((start, end))
}

/// Whether `date` is within the census year `year`.
pub(super) fn within(year: (NaiveDate, NaiveDate), date: NaiveDate) -> bool {
    year.0 <= date && date <= year.1
}

/// Flags the whole return: a finding on the Header's row (row 0, the return's own) at DfE's
/// `fields`, which are not the Header's own columns.
fn flag_return(f: &mut Flags, fields: &[&'static str]) {
    f.flag(Header, 0, fields);
}

/// Whether a ReferralNFA says the referral led to no further action (`true` or `1`).
pub(super) fn is_nfa(value: Option<&str>) -> bool {
    value.is_some_and(|v| is_code(v, &["true", "1"]))
}

/// Whether a ReferralNFA says the referral led to further action (`false` or `0`).
pub(super) fn is_further_action(value: Option<&str>) -> bool {
    value.is_some_and(|v| is_code(v, &["false", "0"]))
}

/// The (LAchildID, CINdetailsID) of `row` of `table`.
fn episode_of<'a>(ctx: &Ctx<'a>, table: CinTable, row: usize) -> (&'a str, &'a str) {
    (ctx.value(table, row, "LAchildID").unwrap_or(""), ctx.value(table, row, "CINdetailsID").unwrap_or(""))
}

/// Each child's PersonDeathDate, with the ChildIdentifiers row it is on.
fn deaths<'a>(ctx: &Ctx<'a>) -> Map<&'a str, Vec<(usize, NaiveDate)>> {
    let mut out: Map<&str, Vec<(usize, NaiveDate)>> = Map::default();
    for row in 0..ctx.t(ChildIdentifiers).len() {
        if let Some(died) = ctx.date(ChildIdentifiers, row, "PersonDeathDate") {
            out.entry(ctx.value(ChildIdentifiers, row, "LAchildID").unwrap_or("")).or_default().push((row, died));
        }
    }
    out
}

/// 2883: "There are more child protection plans starting than initial conferences taking
/// place": a finding on the whole return when the plans starting in the census year (a
/// CPPstartDate within it) outnumber the initial conferences held in it. A conference is a
/// DateOfInitialCPC within the year, at Section47 or CINdetails level, counted once per child
/// and date (so one recorded at both levels, which 2884 reports, is not counted twice). Without
/// a ReferenceDate there is no census year and nothing is counted.
fn r2883(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some(year) = census_year(ctx) else { return };
    let plans = (0..ctx.t(ChildProtectionPlans).len())
        .filter(|&row| ctx.date(ChildProtectionPlans, row, "CPPstartDate").is_some_and(|d| within(year, d)))
        .count();
    let mut conferences = Set::default();
    for table in [Section47, CinDetails] {
        for row in 0..ctx.t(table).len() {
            if let Some(held) = ctx.date(table, row, "DateOfInitialCPC").filter(|&d| within(year, d)) {
                conferences.insert((ctx.value(table, row, "LAchildID").unwrap_or(""), held));
            }
        }
    }
    if plans > conferences.len() {
        flag_return(f, &["CPPstartDate", "DateOfInitialCPC"]);
    }
}

/// 2884: "An initial child protection conference is recorded at both the S47 and CIN Details
/// level and it should only be recorded in one": a conference is the child's DateOfInitialCPC;
/// one given on a Section47 row and on a CINdetails row of the same child with the same date is
/// recorded twice, and both rows are flagged. DfE's text does not tie the two to one episode, so
/// careful matches them by child and date (as the reference's case does).
fn r2884(ctx: &Ctx<'_>, f: &mut Flags) {
    let dated = |table: CinTable| -> Vec<(usize, (&str, NaiveDate))> {
        (0..ctx.t(table).len())
            .filter_map(|row| {
                let held = ctx.date(table, row, "DateOfInitialCPC")?;
                Some((row, (ctx.value(table, row, "LAchildID").unwrap_or(""), held)))
            })
            .collect()
    };
    let s47 = dated(Section47);
    let cin = dated(CinDetails);
    let s47_keys: Set<_> = s47.iter().map(|(_, k)| *k).collect();
    let cin_keys: Set<_> = cin.iter().map(|(_, k)| *k).collect();
    for (row, key) in &s47 {
        if cin_keys.contains(key) {
            f.flag(Section47, *row, &["DateOfInitialCPC"]);
        }
    }
    for (row, key) in &cin {
        if s47_keys.contains(key) {
            f.flag(CinDetails, *row, &["DateOfInitialCPC"]);
        }
    }
}

/// 2885: "Child protection plan shown as starting a different day to the initial child
/// protection conference.": each plan starting in the census year starts on the day of an
/// initial conference of its episode, recorded at Section47 level or at CINdetails level (DfE's
/// text does not prefer one). Where none of the episode's conferences is on that day, the plan's
/// CPPstartDate is flagged with the DateOfInitialCPC of each of the episode's Section47 and
/// CINdetails rows that gives one (a plan whose episode records no conference at all is flagged
/// alone). Needs a ReferenceDate.
fn r2885(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some(year) = census_year(ctx) else { return };
    let s47 = ctx.by_episode(Section47);
    let cin = ctx.by_episode(CinDetails);
    for row in 0..ctx.t(ChildProtectionPlans).len() {
        let Some(start) = ctx.date(ChildProtectionPlans, row, "CPPstartDate").filter(|&d| within(year, d)) else {
            continue;
        };
        let key = episode_of(ctx, ChildProtectionPlans, row);
        let mut conferences = Vec::new();
        for (table, rows) in [(Section47, s47.get(&key)), (CinDetails, cin.get(&key))] {
            for &r in rows.map(Vec::as_slice).unwrap_or_default() {
                if let Some(held) = ctx.date(table, r, "DateOfInitialCPC") {
                    conferences.push((table, r, held));
                }
            }
        }
        if conferences.iter().all(|&(_, _, held)| held != start) {
            f.flag(ChildProtectionPlans, row, &["CPPstartDate"]);
            for (table, r, _) in conferences {
                f.flag(table, r, &["DateOfInitialCPC"]);
            }
        }
    }
}

/// 2886Q (2024-25): "Please check and either amend or provide a reason: Percentage of children
/// with no sex recorded is more than 2% (excluding unborns)": a finding on the whole return
/// when, of the children who are born (every ChildIdentifiers row except an unborn child's, one
/// with an ExpectedPersonBirthDate and no PersonBirthDate), more than 2% have no sex recorded:
/// Sex blank or U (DfE's code for a sex not known or not recorded).
fn r2886q(ctx: &Ctx<'_>, f: &mut Flags) {
    let (mut born, mut unrecorded) = (0usize, 0usize);
    for row in 0..ctx.t(ChildIdentifiers).len() {
        let unborn = ctx.has(ChildIdentifiers, row, "ExpectedPersonBirthDate")
            && !ctx.has(ChildIdentifiers, row, "PersonBirthDate");
        if unborn {
            continue;
        }
        born += 1;
        if ctx.value(ChildIdentifiers, row, "Sex").is_none_or(|s| is_code(s, &["U"])) {
            unrecorded += 1;
        }
    }
    if unrecorded * 100 > born * 2 {
        flag_return(f, &["Sex", "ExpectedPersonBirthDate"]);
    }
}

/// DfE's disability codes.
const DISABILITIES: &[&str] =
    &["NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"];

/// 2887Q: "Please check and either amend or provide a reason: Less than 8 disability codes have
/// been used in your return": a finding on the whole return when fewer than 8 different codes
/// of DfE's disability list (NONE included: it is on the list) appear in it. A code not on the
/// list is not a disability code (8540 reports it) and is not counted.
fn r2887q(ctx: &Ctx<'_>, f: &mut Flags) {
    let used: Set<&str> = (0..ctx.t(Disabilities).len())
        .filter_map(|row| ctx.value(Disabilities, row, "Disability"))
        .filter_map(|v| DISABILITIES.iter().copied().find(|c| c.eq_ignore_ascii_case(v)))
        .collect();
    if used.len() < 8 {
        flag_return(f, &["Disability"]);
    }
}

/// 2888Q: "Please check and either amend or provide a reason: Only one disability code is
/// recorded per child and multiple disabilities should be recorded where possible.": a finding on
/// the whole return when some child has a disability recorded (a Disability other than NONE)
/// and no child has two or more different ones. Codes are compared without regard to case;
/// whether a code is valid is 8540's question, so any code other than NONE counts.
fn r2888q(ctx: &Ctx<'_>, f: &mut Flags) {
    let mut by_child: Map<&str, Set<String>> = Map::default();
    for row in 0..ctx.t(Disabilities).len() {
        let Some(code) = ctx.value(Disabilities, row, "Disability").filter(|v| !is_code(v, &["NONE"])) else {
            continue;
        };
        by_child
            .entry(ctx.value(Disabilities, row, "LAchildID").unwrap_or(""))
            .or_default()
            .insert(code.to_ascii_uppercase());
    }
    if !by_child.is_empty() && by_child.values().all(|codes| codes.len() < 2) {
        flag_return(f, &["Disability"]);
    }
}

/// 2889: "The S47 start date cannot be before the referral date.": each Section47 row's
/// S47ActualStartDate is on or after its episode's CINreferralDate.
fn r2889(ctx: &Ctx<'_>, f: &mut Flags) {
    before_referral(ctx, f, Section47, "S47ActualStartDate");
}

/// 2990: "Activity is recorded against a case marked as 'Case closed after assessment, no
/// further action' or 'case closed after assessment, referred to early help'.": an episode whose
/// ReasonForClosure is RC8 or RC9 has no CIN plan (CINplanDates row), no Section 47 enquiry, no
/// child protection plan and no initial conference of its own (DateOfInitialCPC). Assessments
/// are not activity here: both reasons say the case closed after one. The episode is flagged at
/// ReasonForClosure (and at DateOfInitialCPC where that is the activity), each activity row at
/// LAchildID (the row as a whole).
fn r2990(ctx: &Ctx<'_>, f: &mut Flags) {
    let activity = [CinPlanDates, Section47, ChildProtectionPlans].map(|t| (t, ctx.by_episode(t)));
    for row in 0..ctx.t(CinDetails).len() {
        if !ctx.value(CinDetails, row, "ReasonForClosure").is_some_and(|v| is_code(v, &["RC8", "RC9"])) {
            continue;
        }
        let key = episode_of(ctx, CinDetails, row);
        let mut active = false;
        for (table, by_episode) in &activity {
            for &r in by_episode.get(&key).map(Vec::as_slice).unwrap_or_default() {
                f.flag(*table, r, &["LAchildID"]);
                active = true;
            }
        }
        if ctx.has(CinDetails, row, "DateOfInitialCPC") {
            f.flag(CinDetails, row, &["DateOfInitialCPC"]);
            active = true;
        }
        if active {
            f.flag(CinDetails, row, &["ReasonForClosure"]);
        }
    }
}

/// 2991Q: "Please check and either amend data or provide a reason: A Section 47 module is
/// recorded and there is no assessment on the episode": each Section47 row whose episode (same
/// LAchildID and CINdetailsID) has no Assessments row is flagged, at LAchildID (the row as a
/// whole).
fn r2991q(ctx: &Ctx<'_>, f: &mut Flags) {
    let assessed = ctx.by_episode(Assessments);
    for row in 0..ctx.t(Section47).len() {
        if !assessed.contains_key(&episode_of(ctx, Section47, row)) {
            f.flag(Section47, row, &["LAchildID"]);
        }
    }
}

/// 4000: "CIN Plan details provided for a referral with no further action": no CINplanDates
/// row belongs to an episode whose ReferralNFA is true (or 1). The plan is flagged at LAchildID
/// (the row as a whole) and the episode at ReferralNFA.
fn r4000(ctx: &Ctx<'_>, f: &mut Flags) {
    let episodes = ctx.by_episode(CinDetails);
    for row in 0..ctx.t(CinPlanDates).len() {
        for &episode in episodes.get(&episode_of(ctx, CinPlanDates, row)).map(Vec::as_slice).unwrap_or_default() {
            if is_nfa(ctx.value(CinDetails, episode, "ReferralNFA")) {
                f.flag(CinPlanDates, row, &["LAchildID"]);
                f.flag(CinDetails, episode, &["ReferralNFA"]);
            }
        }
    }
}

/// A plan's period: its start (if given) and its end (`None` while open).
type Period = (Option<NaiveDate>, Option<NaiveDate>);

/// Each child's rows of `table` with their periods read from `start` and `end`.
fn periods<'a>(ctx: &Ctx<'a>, table: CinTable, start: &str, end: &str) -> Map<&'a str, Vec<(usize, Period)>> {
    let mut out: Map<&str, Vec<(usize, Period)>> = Map::default();
    for (child, rows) in ctx.by_child(table) {
        out.insert(*child, rows.iter().map(|&r| (r, (ctx.date(table, r, start), ctx.date(table, r, end)))).collect());
    }
    out
}

/// 4001: "A CIN Plan cannot run concurrently with a Child Protection Plan": DfE's fields are the
/// two end dates, so careful reads this as both still running: a child with a CIN plan that has
/// no CINPlanEndDate and a child protection plan that has no CPPendDate. Both are flagged at
/// their end dates. DfE's text speaks of the child, not an episode, so plans of different
/// episodes of one child count. (Dated overlaps are 4016 and 4017.)
fn r4001(ctx: &Ctx<'_>, f: &mut Flags) {
    let cpps = ctx.by_child(ChildProtectionPlans);
    for (child, plans) in ctx.by_child(CinPlanDates) {
        let open_plans: Vec<usize> =
            plans.iter().copied().filter(|&r| !ctx.has(CinPlanDates, r, "CINPlanEndDate")).collect();
        let open_cpps: Vec<usize> = cpps
            .get(child)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|&r| !ctx.has(ChildProtectionPlans, r, "CPPendDate"))
            .collect();
        if !open_plans.is_empty() && !open_cpps.is_empty() {
            for r in open_plans {
                f.flag(CinPlanDates, r, &["CINPlanEndDate"]);
            }
            for r in open_cpps {
                f.flag(ChildProtectionPlans, r, &["CPPendDate"]);
            }
        }
    }
}

/// 4003: "A CPP review date is shown as being held at the same time as an open CIN Plan.": no
/// CPPreviewDate of a child falls while one of the child's CIN plans is open, that is after the
/// plan's CINPlanStartDate and before its CINPlanEndDate (or at any time after the start while
/// the plan has no end date). The boundary days are allowed: a child protection plan's last
/// review can end it on the day a CIN plan starts, and a CIN plan can end on the day the child
/// protection plan begins. The review is flagged at CPPreviewDate and the plan at both dates.
fn r4003(ctx: &Ctx<'_>, f: &mut Flags) {
    let plans = periods(ctx, CinPlanDates, "CINPlanStartDate", "CINPlanEndDate");
    for row in 0..ctx.t(Reviews).len() {
        let Some(reviewed) = ctx.date(Reviews, row, "CPPreviewDate") else { continue };
        let child = ctx.value(Reviews, row, "LAchildID").unwrap_or("");
        for &(plan, (start, end)) in plans.get(child).map(Vec::as_slice).unwrap_or_default() {
            let Some(start) = start else { continue };
            if start < reviewed && end.is_none_or(|end| reviewed < end) {
                f.flag(Reviews, row, &["CPPreviewDate"]);
                f.flag(CinPlanDates, plan, &["CINPlanStartDate", "CINPlanEndDate"]);
            }
        }
    }
}

/// 4004: "This child is showing more than one open CIN Plan, i.e. with no End Date": a child
/// (DfE's text: the child, not an episode) with two or more CINplanDates rows without a
/// CINPlanEndDate has each of them flagged.
fn r4004(ctx: &Ctx<'_>, f: &mut Flags) {
    for rows in ctx.by_child(CinPlanDates).values() {
        let open: Vec<usize> = rows.iter().copied().filter(|&r| !ctx.has(CinPlanDates, r, "CINPlanEndDate")).collect();
        if open.len() > 1 {
            for r in open {
                f.flag(CinPlanDates, r, &["CINPlanEndDate"]);
            }
        }
    }
}

/// Flags each CINplanDates row whose date in `column` is after the child's PersonDeathDate, at
/// `column`, and the death date.
fn plan_after_death(ctx: &Ctx<'_>, f: &mut Flags, column: &'static str) {
    let deaths = deaths(ctx);
    for row in 0..ctx.t(CinPlanDates).len() {
        let Some(date) = ctx.date(CinPlanDates, row, column) else { continue };
        let child = ctx.value(CinPlanDates, row, "LAchildID").unwrap_or("");
        for &(ident, died) in deaths.get(child).map(Vec::as_slice).unwrap_or_default() {
            if date > died {
                f.flag(CinPlanDates, row, &[column]);
                f.flag(ChildIdentifiers, ident, &["PersonDeathDate"]);
            }
        }
    }
}

/// 4008: "CIN Plan shown as starting after the child's Date of Death.": a CINPlanStartDate after
/// the child's PersonDeathDate (the day of death itself is allowed).
fn r4008(ctx: &Ctx<'_>, f: &mut Flags) {
    plan_after_death(ctx, f, "CINPlanStartDate");
}

/// 4009Q: "CIN Plan cannot end after the child's Date of Death": a CINPlanEndDate after the
/// child's PersonDeathDate (ending on the day of death is allowed).
fn r4009q(ctx: &Ctx<'_>, f: &mut Flags) {
    plan_after_death(ctx, f, "CINPlanEndDate");
}

/// 4010: "CIN Plan start date is missing or out of data collection period": a CINplanDates row
/// with no CINPlanStartDate, or one after the ReferenceDate. A plan started before the census
/// year and still open in it is reported with its own start date, so "out of the period" can
/// only mean after it: an earlier start is not flagged.
fn r4010(ctx: &Ctx<'_>, f: &mut Flags) {
    let end = ctx.reference_date();
    for row in 0..ctx.t(CinPlanDates).len() {
        match ctx.date(CinPlanDates, row, "CINPlanStartDate") {
            None => f.flag(CinPlanDates, row, &["CINPlanStartDate"]),
            Some(start) if end.is_some_and(|end| start > end) => f.flag(CinPlanDates, row, &["CINPlanStartDate"]),
            Some(_) => {}
        }
    }
}

/// The CINplanDates rows with both dates, and the dates.
fn plan_dates<'a>(ctx: &'a Ctx<'_>) -> impl Iterator<Item = (usize, NaiveDate, NaiveDate)> + 'a {
    (0..ctx.t(CinPlanDates).len()).filter_map(|row| {
        Some((row, ctx.date(CinPlanDates, row, "CINPlanStartDate")?, ctx.date(CinPlanDates, row, "CINPlanEndDate")?))
    })
}

/// 4011: "CIN Plan End Date earlier than Start Date": both dates flagged.
fn r4011(ctx: &Ctx<'_>, f: &mut Flags) {
    for (row, start, end) in plan_dates(ctx) {
        if end < start {
            f.flag(CinPlanDates, row, &["CINPlanEndDate", "CINPlanStartDate"]);
        }
    }
}

/// 4012Q: "Please check and either amend or provide a reason: CIN Plan shown as starting and
/// ending on the same day": both dates flagged.
fn r4012q(ctx: &Ctx<'_>, f: &mut Flags) {
    for (row, start, end) in plan_dates(ctx) {
        if end == start {
            f.flag(CinPlanDates, row, &["CINPlanStartDate", "CINPlanEndDate"]);
        }
    }
}

/// 4013: "CIN Plan end date must fall within the census year": a CINPlanEndDate, where given,
/// is within the census year (both ends included). The plan is flagged, not the header's
/// ReferenceDate DfE also names. Needs a ReferenceDate.
fn r4013(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some(year) = census_year(ctx) else { return };
    for row in 0..ctx.t(CinPlanDates).len() {
        if ctx.date(CinPlanDates, row, "CINPlanEndDate").is_some_and(|end| !within(year, end)) {
            f.flag(CinPlanDates, row, &["CINPlanEndDate"]);
        }
    }
}

/// 4014: "CIN Plan data contains overlapping dates": two CIN plans of one child overlap when the
/// later one (by start date; either, for two starting the same day) starts on or before the
/// earlier one's end date, or while the earlier has none. A day shared by one plan's end and the
/// next one's start counts as overlapping (both are open that day). The earlier plan is flagged
/// at both dates, the later at its start date (the date inside the other plan). A plan without
/// a start date is not compared.
fn r4014(ctx: &Ctx<'_>, f: &mut Flags) {
    for plans in periods(ctx, CinPlanDates, "CINPlanStartDate", "CINPlanEndDate").into_values() {
        for &(a, (a_start, a_end)) in &plans {
            for &(b, (b_start, _)) in &plans {
                let (Some(a_start), Some(b_start)) = (a_start, b_start) else { continue };
                if a != b && a_start <= b_start && a_end.is_none_or(|a_end| b_start <= a_end) {
                    f.flag(CinPlanDates, a, &["CINPlanStartDate", "CINPlanEndDate"]);
                    f.flag(CinPlanDates, b, &["CINPlanStartDate"]);
                }
            }
        }
    }
}

/// 4015: "The CIN Plan start date cannot be before the referral date": each CINPlanStartDate is
/// on or after its episode's CINreferralDate.
fn r4015(ctx: &Ctx<'_>, f: &mut Flags) {
    before_referral(ctx, f, CinPlanDates, "CINPlanStartDate");
}

/// Flags each row of `inner` whose start date falls within a period of a row of `outer` of the
/// same child: on or after the outer start and before its end (or with no end); a start on the
/// day the outer period ends is a handover, allowed. The inner row is flagged at `inner_fields`,
/// the outer at `outer_fields`.
fn starts_within(
    ctx: &Ctx<'_>,
    f: &mut Flags,
    inner: (CinTable, &str, &[&'static str]),
    outer: (CinTable, &str, &str, &[&'static str]),
) {
    let (inner_table, inner_start, inner_fields) = inner;
    let (outer_table, outer_start, outer_end, outer_fields) = outer;
    let outers = periods(ctx, outer_table, outer_start, outer_end);
    for row in 0..ctx.t(inner_table).len() {
        let Some(start) = ctx.date(inner_table, row, inner_start) else { continue };
        let child = ctx.value(inner_table, row, "LAchildID").unwrap_or("");
        for &(o, (o_start, o_end)) in outers.get(child).map(Vec::as_slice).unwrap_or_default() {
            let Some(o_start) = o_start else { continue };
            if o_start <= start && o_end.is_none_or(|end| start < end) {
                f.flag(inner_table, row, inner_fields);
                f.flag(outer_table, o, outer_fields);
            }
        }
    }
}

/// 4016: "A CIN Plan has been reported as open at the same time as a Child Protection Plan.":
/// no CIN plan of a child starts while one of the child's child protection plans is open: on or
/// after its CPPstartDate and before its CPPendDate (or with none). A CIN plan starting on the
/// day the protection plan ends (a step down) is allowed. DfE's text speaks of the child, so
/// plans of different episodes count. The CIN plan is flagged at its start date, the protection
/// plan at both its dates.
fn r4016(ctx: &Ctx<'_>, f: &mut Flags) {
    starts_within(
        ctx,
        f,
        (CinPlanDates, "CINPlanStartDate", &["CINPlanStartDate"]),
        (ChildProtectionPlans, "CPPstartDate", "CPPendDate", &["CPPstartDate", "CPPendDate"]),
    );
}

/// 4017: "A CIN Plan has been reported as open at the same time as a Child Protection Plan.":
/// no child protection plan of a child starts while one of the child's CIN plans is open: on or
/// after its CINPlanStartDate and before its CINPlanEndDate (or with none). A protection plan
/// starting on the day the CIN plan ends (a step up) is allowed. The protection plan is flagged
/// at its start date, the CIN plan at both its dates.
fn r4017(ctx: &Ctx<'_>, f: &mut Flags) {
    starts_within(
        ctx,
        f,
        (ChildProtectionPlans, "CPPstartDate", &["CPPstartDate"]),
        (CinPlanDates, "CINPlanStartDate", "CINPlanEndDate", &["CINPlanStartDate", "CINPlanEndDate"]),
    );
}

/// 4180 (2024-25): "Sex must be provided and equal M, F, or U".
fn r4180(ctx: &Ctx<'_>, f: &mut Flags) {
    let t = ctx.t(ChildIdentifiers);
    for row in 0..t.len() {
        if !t.value(row, "Sex").is_some_and(|s| is_code(s, &["M", "F", "U"])) {
            f.flag(ChildIdentifiers, row, &["Sex"]);
        }
    }
}

/// DfE's ethnicity codes.
const ETHNICITIES: &[&str] = &[
    "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH", "BCRB",
    "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
];

/// 4220: "Ethnicity is missing or invalid (see Ethnicity table)": each ChildCharacteristics
/// row's Ethnicity is one of DfE's 20 codes.
fn r4220(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(ChildCharacteristics).len() {
        if !ctx.value(ChildCharacteristics, row, "Ethnicity").is_some_and(|e| is_code(e, ETHNICITIES)) {
            f.flag(ChildCharacteristics, row, &["Ethnicity"]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cin::read::CinTables;
    use crate::cin::validate::run_rule;

    fn child(id: &str, sex: &str, born: &str, expected: &str) -> Vec<Option<String>> {
        [id, sex, born, expected].iter().map(|c| (!c.is_empty()).then(|| c.to_string())).collect()
    }

    fn identifiers(rows: Vec<Vec<Option<String>>>) -> CinTables {
        CinTables::from_rows(vec![(
            ChildIdentifiers,
            vec!["LAchildID", "Sex", "PersonBirthDate", "ExpectedPersonBirthDate"],
            rows,
        )])
        .unwrap()
    }

    /// 2886Q: 1 of 50 born children without a sex is 2%, not more; 2 of 50 is. Unborn
    /// children are left out of both counts, and U counts as no sex recorded. The finding is on
    /// the return (the Header's row), at DfE's fields.
    #[test]
    fn r2886q_is_more_than_two_percent_of_born_children() {
        let mut rows: Vec<_> = (0..49).map(|i| child(&format!("C{i}"), "F", "2020-01-01", "")).collect();
        rows.push(child("X", "", "2020-01-01", ""));
        rows.extend((0..5).map(|i| child(&format!("U{i}"), "", "", "2026-06-01")));
        assert!(run_rule(&R2886Q, &identifiers(rows.clone())).is_empty());
        rows[0] = child("C0", "U", "2020-01-01", "");
        let found = run_rule(&R2886Q, &identifiers(rows));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].table, found[0].row), (Header, 0));
        assert_eq!(found[0].fields, ["Sex", "ExpectedPersonBirthDate"]);
    }

    /// 4010 and 4013 on the last day of the census: a plan starting or ending on the
    /// ReferenceDate is in the census; the day after is not. A plan started before the census
    /// year (still open in it) is fine for 4010.
    #[test]
    fn plans_on_the_last_day_of_the_census() {
        let cell = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let t = CinTables::from_rows(vec![
            (Header, vec!["ReferenceDate"], vec![vec![cell("2026-03-31")]]),
            (
                CinPlanDates,
                vec!["LAchildID", "CINPlanStartDate", "CINPlanEndDate"],
                vec![
                    vec![cell("A"), cell("2026-03-31"), cell("2026-03-31")],
                    vec![cell("B"), cell("2026-04-01"), cell("2026-04-01")],
                    vec![cell("C"), cell("2024-06-01"), cell("")],
                ],
            ),
        ])
        .unwrap();
        let rows = |rule| run_rule(rule, &t).into_iter().map(|f| f.row).collect::<Vec<_>>();
        assert_eq!(rows(&R4010), [1]);
        assert_eq!(rows(&R4013), [1]);
    }
}
