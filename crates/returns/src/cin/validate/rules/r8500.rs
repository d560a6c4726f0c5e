//! DfE's CIN rules with codes 8500 to 8799: codes, dates within the census, episodes.

use chrono::{Datelike, Days, NaiveDate};

use crate::cin::read::CinTable::{
    self, AssessmentFactorsList, Assessments, ChildIdentifiers, ChildProtectionPlans, CinDetails, CinPlanDates,
    Disabilities, Section47,
};
use crate::cin::validate::CinRule;
use crate::cin::validate::context::{ByChild, Ctx, Flags, Map, is_code};

use super::r2000::{census_year, is_further_action, is_nfa, within};

cin_rule!(R8500, "8500", r8500);
cin_rule!(R8510, "8510", r8510);
cin_rule!(R8520, "8520", r8520);
cin_rule!(R8525Q, "8525Q", r8525q);
cin_rule!(R8530Q, "8530Q", r8530q);
cin_rule!(R8535Q, "8535Q", r8535q);
cin_rule!(R8540, "8540", r8540);
cin_rule!(R8545Q, "8545Q", r8545q);
cin_rule!(R8555Q, "8555Q", r8555q);
cin_rule!(R8565, "8565", r8565);
cin_rule!(R8568, "8568", r8568);
cin_rule!(R8569Q, "8569Q", r8569q);
cin_rule!(R8585Q, "8585Q", r8585q);
cin_rule!(R8590, "8590", r8590);
cin_rule!(R8600, "8600", r8600);
cin_rule!(R8606, "8606", r8606);
cin_rule!(R8608, "8608", r8608);
cin_rule!(R8610, "8610", r8610);
cin_rule!(R8614, "8614", r8614);
cin_rule!(R8615, "8615", r8615);
cin_rule!(R8620, "8620", r8620);
cin_rule!(R8630, "8630", r8630);
cin_rule!(R8640, "8640", r8640);
cin_rule!(R8650, "8650", r8650);
cin_rule!(R8670Q, "8670Q", r8670q);
cin_rule!(R8675Q, "8675Q", r8675q);
cin_rule!(R8696, "8696", r8696);

pub(crate) static RULES: &[&CinRule] = &[
    &R8500, &R8510, &R8520, &R8525Q, &R8530Q, &R8535Q, &R8540, &R8545Q, &R8555Q, &R8565, &R8568, &R8569Q, &R8585Q,
    &R8590, &R8600, &R8606, &R8608, &R8610, &R8614, &R8615, &R8620, &R8630, &R8640, &R8650, &R8670Q, &R8675Q, &R8696,
];

/// 8500: "LA Child ID missing".
fn r8500(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(ChildIdentifiers).len() {
        if !ctx.has(ChildIdentifiers, row, "LAchildID") {
            f.flag(ChildIdentifiers, row, &["LAchildID"]);
        }
    }
}

/// 8510: "More than one child record with the same LA Child ID": every record sharing an ID.
fn r8510(ctx: &Ctx<'_>, f: &mut Flags) {
    for (id, rows) in ctx.by_child(ChildIdentifiers) {
        if !id.is_empty() && rows.len() > 1 {
            for &row in rows {
                f.flag(ChildIdentifiers, row, &["LAchildID"]);
            }
        }
    }
}

/// 8520: "Date of Birth is after data collection period (must be on or before the end of the
/// census period)".
fn r8520(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some(end) = ctx.reference_date() else { return };
    for row in 0..ctx.t(ChildIdentifiers).len() {
        if ctx.date(ChildIdentifiers, row, "PersonBirthDate").is_some_and(|born| born > end) {
            f.flag(ChildIdentifiers, row, &["PersonBirthDate"]);
        }
    }
}

/// 8675Q: "S47 Enquiry started more than 15 working days before the end of the census year.
/// However, there is no date of Initial Child Protection Conference": an enquiry with no
/// conference date, not concluded as needing none (ICPCnotRequired true), that began more than
/// 15 working days before the reference date (the start day not counted).
fn r8675q(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some(end) = ctx.reference_date() else { return };
    for row in 0..ctx.t(Section47).len() {
        let Some(start) = ctx.date(Section47, row, "S47ActualStartDate") else { continue };
        let not_required = ctx.value(Section47, row, "ICPCnotRequired").is_some_and(|v| is_code(v, &["true", "1"]));
        let long_ago = ctx.calendar.working_days_between(start, end).is_ok_and(|n| n > 15);
        if long_ago && !not_required && !ctx.has(Section47, row, "DateOfInitialCPC") {
            f.flag(Section47, row, &["DateOfInitialCPC", "S47ActualStartDate", "ICPCnotRequired"]);
        }
    }
}

/// Flags rows of CINdetails whose `column` is given but is not one of `codes`.
fn invalid_code(ctx: &Ctx<'_>, f: &mut Flags, column: &'static str, codes: &[&str]) {
    let t = ctx.t(CinDetails);
    for row in 0..t.len() {
        if t.value(row, column).is_some_and(|v| !is_code(v, codes)) {
            f.flag(CinDetails, row, &[column]);
        }
    }
}

/// 8640: "CIN Reason for closure code invalid": RC1 to RC9 where given.
fn r8640(ctx: &Ctx<'_>, f: &mut Flags) {
    invalid_code(ctx, f, "ReasonForClosure", &["RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"]);
}

/// 8650: "Primary Need Code invalid": N0 to N9 where given.
fn r8650(ctx: &Ctx<'_>, f: &mut Flags) {
    invalid_code(ctx, f, "PrimaryNeedCode", &["N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"]);
}

/// The (LAchildID, CINdetailsID) of `row` of `table`.
fn episode_of<'a>(ctx: &Ctx<'a>, table: CinTable, row: usize) -> (&'a str, &'a str) {
    (ctx.value(table, row, "LAchildID").unwrap_or(""), ctx.value(table, row, "CINdetailsID").unwrap_or(""))
}

/// The ChildIdentifiers rows of the child of `row` of `table`.
fn child_rows<'a>(ids: &'a ByChild<'_>, ctx: &Ctx<'_>, table: CinTable, row: usize) -> &'a [usize] {
    ids.get(ctx.value(table, row, "LAchildID").unwrap_or("")).map(Vec::as_slice).unwrap_or_default()
}

/// 8525Q: "Either Date of Birth or Expected Date of Birth must be provided (but not both)": a
/// child with both, or neither, is flagged at both. A value that is not a date provides no
/// date (as for every rule: the reader reports it), so a child whose only date is unreadable
/// has neither.
fn r8525q(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(ChildIdentifiers).len() {
        let born = ctx.date(ChildIdentifiers, row, "PersonBirthDate").is_some();
        let expected = ctx.date(ChildIdentifiers, row, "ExpectedPersonBirthDate").is_some();
        if born == expected {
            f.flag(ChildIdentifiers, row, &["PersonBirthDate", "ExpectedPersonBirthDate"]);
        }
    }
}

/// 8530Q: "Please check and either amend data or provide a reason: Expected Date of Birth is
/// outside the expected range for this census (March to December of the Census Year end)": an
/// ExpectedPersonBirthDate, where given, is from 1 March to 31 December (both included) of the
/// year of the ReferenceDate. Needs a ReferenceDate.
fn r8530q(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some(end) = ctx.reference_date() else { return };
    let (Some(from), Some(to)) =
        (NaiveDate::from_ymd_opt(end.year(), 3, 1), NaiveDate::from_ymd_opt(end.year(), 12, 31))
    else {
        return;
    };
    for row in 0..ctx.t(ChildIdentifiers).len() {
        if ctx.date(ChildIdentifiers, row, "ExpectedPersonBirthDate").is_some_and(|d| d < from || d > to) {
            f.flag(ChildIdentifiers, row, &["ExpectedPersonBirthDate"]);
        }
    }
}

/// 8535Q: "Please check and either amend data or provide a reason: Child's date of death should
/// not be prior to the date of birth": a PersonDeathDate before the child's PersonBirthDate (the
/// same day is allowed). Both dates are needed: a death date without a birth date is not prior
/// to anything.
fn r8535q(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(ChildIdentifiers).len() {
        let (Some(died), Some(born)) =
            (ctx.date(ChildIdentifiers, row, "PersonDeathDate"), ctx.date(ChildIdentifiers, row, "PersonBirthDate"))
        else {
            continue;
        };
        if died < born {
            f.flag(ChildIdentifiers, row, &["PersonDeathDate", "PersonBirthDate"]);
        }
    }
}

/// DfE's disability codes.
const DISABILITIES: &[&str] =
    &["NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"];

/// 8540: "Child's disability is missing or invalid (see Disability table)": a Disability given
/// that is not one of DfE's codes is flagged wherever it is. DfE's fields say when one is
/// required: a child who is born (a PersonBirthDate) with a referral that led to further action
/// (an episode whose ReferralNFA is false or 0) has at least one Disability (NONE when the child
/// has none); such a child without one is flagged at its PersonBirthDate, the further-action
/// episodes' ReferralNFA, and any blank Disabilities row. Unborn children, and children whose
/// referrals all led to no further action, need none.
fn r8540(ctx: &Ctx<'_>, f: &mut Flags) {
    let disabilities = ctx.by_child(Disabilities);
    for row in 0..ctx.t(Disabilities).len() {
        if ctx.value(Disabilities, row, "Disability").is_some_and(|d| !is_code(d, DISABILITIES)) {
            f.flag(Disabilities, row, &["Disability"]);
        }
    }
    let episodes = ctx.by_child(CinDetails);
    for row in 0..ctx.t(ChildIdentifiers).len() {
        if !ctx.has(ChildIdentifiers, row, "PersonBirthDate") {
            continue;
        }
        let child = ctx.value(ChildIdentifiers, row, "LAchildID").unwrap_or("");
        let further: Vec<usize> = episodes
            .get(child)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|&e| is_further_action(ctx.value(CinDetails, e, "ReferralNFA")))
            .collect();
        let own = disabilities.get(child).map(Vec::as_slice).unwrap_or_default();
        if further.is_empty() || own.iter().any(|&d| ctx.has(Disabilities, d, "Disability")) {
            continue;
        }
        f.flag(ChildIdentifiers, row, &["PersonBirthDate"]);
        for e in further {
            f.flag(CinDetails, e, &["ReferralNFA"]);
        }
        for &d in own {
            f.flag(Disabilities, d, &["Disability"]);
        }
    }
}

/// 8545Q: "Please check and either amend data or provide a reason: Child's date of death should
/// be within the census year": a PersonDeathDate, where given, is within the census year (both
/// ends included). Needs a ReferenceDate.
fn r8545q(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some(year) = census_year(ctx) else { return };
    for row in 0..ctx.t(ChildIdentifiers).len() {
        if ctx.date(ChildIdentifiers, row, "PersonDeathDate").is_some_and(|d| !within(year, d)) {
            f.flag(ChildIdentifiers, row, &["PersonDeathDate"]);
        }
    }
}

/// 8555Q: "Child cannot be referred after its recorded date of death": a CINreferralDate after
/// the child's PersonDeathDate (the same day is allowed); both are flagged.
fn r8555q(ctx: &Ctx<'_>, f: &mut Flags) {
    let ids = ctx.by_child(ChildIdentifiers);
    for row in 0..ctx.t(CinDetails).len() {
        let Some(referred) = ctx.date(CinDetails, row, "CINreferralDate") else { continue };
        for &ident in child_rows(ids, ctx, CinDetails, row) {
            if ctx.date(ChildIdentifiers, ident, "PersonDeathDate").is_some_and(|died| referred > died) {
                f.flag(CinDetails, row, &["CINreferralDate"]);
                f.flag(ChildIdentifiers, ident, &["PersonDeathDate"]);
            }
        }
    }
}

/// The activity 8565 looks at: each table and the dates of its rows that are activity (DfE's
/// fields of that table).
const ACTIVITY: &[(CinTable, &[&str])] = &[
    (Assessments, &["AssessmentActualStartDate", "AssessmentAuthorisationDate"]),
    (Section47, &["S47ActualStartDate", "DateOfInitialCPC"]),
    (ChildProtectionPlans, &["CPPendDate"]),
    (CinPlanDates, &["CINPlanStartDate", "CINPlanEndDate"]),
];

/// 8565: "Activity shown after a case has been closed": no activity of an episode is dated after
/// its CINclosureDate. Activity is DfE's list: the episode's own DateOfInitialCPC, its
/// assessments' start and authorisation dates, its Section 47 enquiries' start and conference
/// dates, its child protection plans' end dates and its CIN plans' start and end dates. The same
/// day as the closure is allowed. A row with a date after the closure is flagged at DfE's fields
/// of its table (its activity dates), and the episode at CINclosureDate and DateOfInitialCPC.
fn r8565(ctx: &Ctx<'_>, f: &mut Flags) {
    let tables: Vec<_> = ACTIVITY.iter().map(|&(t, fields)| (t, fields, ctx.by_episode(t))).collect();
    for row in 0..ctx.t(CinDetails).len() {
        let Some(closed) = ctx.date(CinDetails, row, "CINclosureDate") else { continue };
        let mut after = ctx.date(CinDetails, row, "DateOfInitialCPC").is_some_and(|d| d > closed);
        let key = episode_of(ctx, CinDetails, row);
        for (table, fields, by_episode) in &tables {
            for &r in by_episode.get(&key).map(Vec::as_slice).unwrap_or_default() {
                if fields.iter().any(|c| ctx.date(*table, r, c).is_some_and(|d| d > closed)) {
                    let fields: Vec<&'static str> = fields.to_vec();
                    f.flag(*table, r, &fields);
                    after = true;
                }
            }
        }
        if after {
            f.flag(CinDetails, row, &["CINclosureDate", "DateOfInitialCPC"]);
        }
    }
}

/// 8568: "RNFA flag is missing or invalid": each episode's ReferralNFA is given and is true,
/// false, 1 or 0 (without regard to case).
fn r8568(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(CinDetails).len() {
        if !ctx.value(CinDetails, row, "ReferralNFA").is_some_and(|v| is_code(v, &["true", "false", "1", "0"])) {
            f.flag(CinDetails, row, &["ReferralNFA"]);
        }
    }
}

/// The last working day before `day` (careful's calendar), if the calendar can say.
fn working_day_before(ctx: &Ctx<'_>, day: NaiveDate) -> Option<NaiveDate> {
    let mut d = day.pred_opt()?;
    for _ in 0..14 {
        if ctx.calendar.is_working_day(d).ok()? {
            return Some(d);
        }
        d = d.pred_opt()?;
    }
    None
}

/// 8569Q: "A case with referral date before one working day prior to the collection start date
/// must not be flagged as a no further action case": an episode whose ReferralNFA is `true` or
/// `1` has a CINreferralDate on or after the last working day before the census year's first
/// day, 1 April (careful's calendar). For a census before the calendar's first year, a referral
/// more than 14 days before the first day is certainly before that working day and is flagged;
/// one closer is not judged. Flagged at ReferralNFA, DfE's field. Needs a ReferenceDate.
fn r8569q(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some((start, _)) = census_year(ctx) else { return };
    let threshold = working_day_before(ctx, start);
    for row in 0..ctx.t(CinDetails).len() {
        let Some(referred) = ctx.date(CinDetails, row, "CINreferralDate") else { continue };
        let early = match threshold {
            Some(day) => referred < day,
            None => referred.checked_add_days(Days::new(14)).is_some_and(|d| d < start),
        };
        if early && is_nfa(ctx.value(CinDetails, row, "ReferralNFA")) {
            f.flag(CinDetails, row, &["ReferralNFA"]);
        }
    }
}

/// 8585Q: "Please check and either amend or provide a reason: CIN episode shows Died as the
/// Closure Reason, however child has no recorded Date of Death": an episode closed with RC2
/// (died) whose child has no PersonDeathDate; the episode is flagged at ReasonForClosure and the
/// child's ChildIdentifiers rows at PersonDeathDate.
fn r8585q(ctx: &Ctx<'_>, f: &mut Flags) {
    let ids = ctx.by_child(ChildIdentifiers);
    for row in 0..ctx.t(CinDetails).len() {
        if !ctx.value(CinDetails, row, "ReasonForClosure").is_some_and(|v| is_code(v, &["RC2"])) {
            continue;
        }
        let idents = child_rows(ids, ctx, CinDetails, row);
        if idents.iter().any(|&i| ctx.has(ChildIdentifiers, i, "PersonDeathDate")) {
            continue;
        }
        f.flag(CinDetails, row, &["ReasonForClosure"]);
        for &i in idents {
            f.flag(ChildIdentifiers, i, &["PersonDeathDate"]);
        }
    }
}

/// 8590: "Child does not have a recorded CIN episode.": a child (ChildIdentifiers row) with no
/// CINdetails row of its LAchildID. A row without an LAchildID is 8500's.
fn r8590(ctx: &Ctx<'_>, f: &mut Flags) {
    let episodes = ctx.by_child(CinDetails);
    for row in 0..ctx.t(ChildIdentifiers).len() {
        if ctx.value(ChildIdentifiers, row, "LAchildID").is_some_and(|id| !episodes.contains_key(id)) {
            f.flag(ChildIdentifiers, row, &["LAchildID"]);
        }
    }
}

/// 8600: "Child referral date missing or after data collection period": each episode has a
/// CINreferralDate on or before the ReferenceDate (without a ReferenceDate, only a missing
/// date is flagged).
fn r8600(ctx: &Ctx<'_>, f: &mut Flags) {
    let end = ctx.reference_date();
    for row in 0..ctx.t(CinDetails).len() {
        let late = match ctx.date(CinDetails, row, "CINreferralDate") {
            None => true,
            Some(referred) => end.is_some_and(|end| referred > end),
        };
        if late {
            f.flag(CinDetails, row, &["CINreferralDate"]);
        }
    }
}

/// 8606: "Child referral date is more than 40 weeks before DOB or expected DOB": a
/// CINreferralDate more than 280 days before the child's PersonBirthDate or, for a child
/// without one, its ExpectedPersonBirthDate (exactly 40 weeks is allowed). The episode is
/// flagged at CINreferralDate, the child at both birth dates (DfE's fields).
fn r8606(ctx: &Ctx<'_>, f: &mut Flags) {
    let ids = ctx.by_child(ChildIdentifiers);
    for row in 0..ctx.t(CinDetails).len() {
        let Some(referred) = ctx.date(CinDetails, row, "CINreferralDate") else { continue };
        for &ident in child_rows(ids, ctx, CinDetails, row) {
            let birth = ctx
                .date(ChildIdentifiers, ident, "PersonBirthDate")
                .or_else(|| ctx.date(ChildIdentifiers, ident, "ExpectedPersonBirthDate"));
            if birth.and_then(|b| b.checked_sub_days(Days::new(280))).is_some_and(|limit| referred < limit) {
                f.flag(CinDetails, row, &["CINreferralDate"]);
                f.flag(ChildIdentifiers, ident, &["PersonBirthDate", "ExpectedPersonBirthDate"]);
            }
        }
    }
}

/// 8608: "Assessment Start Date cannot be later than its End Date": an
/// AssessmentActualStartDate after the AssessmentAuthorisationDate; both flagged.
fn r8608(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(Assessments).len() {
        let (Some(start), Some(end)) = (
            ctx.date(Assessments, row, "AssessmentActualStartDate"),
            ctx.date(Assessments, row, "AssessmentAuthorisationDate"),
        ) else {
            continue;
        };
        if start > end {
            f.flag(Assessments, row, &["AssessmentActualStartDate", "AssessmentAuthorisationDate"]);
        }
    }
}

/// 8610: "Primary Need code is missing for a referral which led to further action.": an episode
/// whose ReferralNFA is false (or 0) has a PrimaryNeedCode; both flagged. A blank ReferralNFA
/// is 8568's.
fn r8610(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(CinDetails).len() {
        if is_further_action(ctx.value(CinDetails, row, "ReferralNFA")) && !ctx.has(CinDetails, row, "PrimaryNeedCode")
        {
            f.flag(CinDetails, row, &["ReferralNFA", "PrimaryNeedCode"]);
        }
    }
}

/// 8614: "Parental or child factors at assessment should only be present for a completed
/// assessment.": an assessment without an AssessmentAuthorisationDate has no factor (a
/// non-blank AssessmentFactor on an AssessmentFactorsList row of the same child, episode and
/// AssessmentID). The assessment is flagged at its authorisation date, each such factor row at
/// AssessmentFactor.
fn r8614(ctx: &Ctx<'_>, f: &mut Flags) {
    let mut factors: Map<(&str, &str, &str), Vec<usize>> = Map::default();
    for row in 0..ctx.t(AssessmentFactorsList).len() {
        if ctx.has(AssessmentFactorsList, row, "AssessmentFactor") {
            let (child, episode) = episode_of(ctx, AssessmentFactorsList, row);
            let id = ctx.value(AssessmentFactorsList, row, "AssessmentID").unwrap_or("");
            factors.entry((child, episode, id)).or_default().push(row);
        }
    }
    for row in 0..ctx.t(Assessments).len() {
        if ctx.has(Assessments, row, "AssessmentAuthorisationDate") {
            continue;
        }
        let (child, episode) = episode_of(ctx, Assessments, row);
        let id = ctx.value(Assessments, row, "AssessmentID").unwrap_or("");
        if let Some(rows) = factors.get(&(child, episode, id)) {
            f.flag(Assessments, row, &["AssessmentAuthorisationDate"]);
            for &r in rows {
                f.flag(AssessmentFactorsList, r, &["AssessmentFactor"]);
            }
        }
    }
}

/// 8615: "Section 47 Enquiry Start Date must be present and cannot be later than the date of
/// the initial Child Protection Conference": each Section47 row has an S47ActualStartDate, on
/// or before its DateOfInitialCPC where that is given. Flagged at both fields.
fn r8615(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(Section47).len() {
        let bad = match ctx.date(Section47, row, "S47ActualStartDate") {
            None => true,
            Some(start) => ctx.date(Section47, row, "DateOfInitialCPC").is_some_and(|held| start > held),
        };
        if bad {
            f.flag(Section47, row, &["S47ActualStartDate", "DateOfInitialCPC"]);
        }
    }
}

/// 8620: "CIN Closure Date present and does not fall within the Census year": a CINclosureDate,
/// where given, is within the census year (both ends included). Needs a ReferenceDate.
fn r8620(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some(year) = census_year(ctx) else { return };
    for row in 0..ctx.t(CinDetails).len() {
        if ctx.date(CinDetails, row, "CINclosureDate").is_some_and(|d| !within(year, d)) {
            f.flag(CinDetails, row, &["CINclosureDate"]);
        }
    }
}

/// 8630: "CIN Closure Date is before CIN Referral Date for the same CIN episode": both flagged
/// (closing on the day of referral is allowed).
fn r8630(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(CinDetails).len() {
        let (Some(referred), Some(closed)) =
            (ctx.date(CinDetails, row, "CINreferralDate"), ctx.date(CinDetails, row, "CINclosureDate"))
        else {
            continue;
        };
        if closed < referred {
            f.flag(CinDetails, row, &["CINreferralDate", "CINclosureDate"]);
        }
    }
}

/// Whether more than `n` working days (careful's calendar, the start day not counted) pass from
/// `start` to `end`: the `n`-th working day after `start` is before `end`. For a start before
/// the calendar's first year, `end` more than 100 days later is certainly more than `n <= 45`
/// working days on; anything closer is not judged (`false`).
fn more_working_days_than(ctx: &Ctx<'_>, start: NaiveDate, end: NaiveDate, n: u32) -> bool {
    match ctx.calendar.add_working_days(start, n) {
        Ok(met) => met < end,
        Err(_) => start.checked_add_days(Days::new(100)).is_some_and(|d| d < end),
    }
}

/// 8670Q: "Please check and either amend data or provide a reason: Assessment started more than
/// 45 working days before the end of the census year. However, there is no Assessment end
/// date.": an assessment without an AssessmentAuthorisationDate whose 45th working day after
/// its AssessmentActualStartDate (careful's calendar; the start day not counted, as careful
/// counts every period, where DfE's reference validator counts it as day 1) is before the
/// ReferenceDate. An assessment whose 45th working day is the ReferenceDate itself started
/// exactly 45 working days before it, not more. An AssessmentAuthorisationDate that is not a
/// date is no end date (as for every rule: the reader reports it). Flagged at
/// AssessmentActualStartDate, DfE's field. Needs a ReferenceDate.
fn r8670q(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some(end) = ctx.reference_date() else { return };
    for row in 0..ctx.t(Assessments).len() {
        if ctx.date(Assessments, row, "AssessmentAuthorisationDate").is_some() {
            continue;
        }
        let Some(start) = ctx.date(Assessments, row, "AssessmentActualStartDate") else { continue };
        if more_working_days_than(ctx, start, end, 45) {
            f.flag(Assessments, row, &["AssessmentActualStartDate"]);
        }
    }
}

/// 8696: "Assessment end date must fall within the census year": an AssessmentAuthorisationDate,
/// where given, is within the census year (both ends included). The assessment is flagged, not
/// the header's ReferenceDate DfE also names. Needs a ReferenceDate.
fn r8696(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some(year) = census_year(ctx) else { return };
    for row in 0..ctx.t(Assessments).len() {
        if ctx.date(Assessments, row, "AssessmentAuthorisationDate").is_some_and(|d| !within(year, d)) {
            f.flag(Assessments, row, &["AssessmentAuthorisationDate"]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cin::read::CinTable::Header;
    use crate::cin::read::CinTables;
    use crate::cin::validate::run_rule;

    /// A table given as rows of strings.
    type Given<'a> = (CinTable, &'a [&'a str], Vec<Vec<&'a str>>);

    /// Tables from rows of strings, "" for a blank cell.
    fn tables(given: Vec<Given<'_>>) -> CinTables {
        CinTables::from_rows(
            given
                .into_iter()
                .map(|(t, cols, rows)| {
                    let rows = rows
                        .into_iter()
                        .map(|r| r.into_iter().map(|c| (!c.is_empty()).then(|| c.to_string())).collect())
                        .collect();
                    (t, cols.to_vec(), rows)
                })
                .collect(),
        )
        .unwrap()
    }

    fn header(reference: &str) -> Given<'_> {
        (Header, &["ReferenceDate"], vec![vec![reference]])
    }

    fn flagged(rule: &'static CinRule, tables: &CinTables, table: CinTable) -> Vec<usize> {
        run_rule(rule, tables).into_iter().filter(|f| f.table == table).map(|f| f.row).collect()
    }

    /// 8670Q at the boundary: 31 March 2026 is the 45th working day after Tuesday 27 January
    /// 2026 (no bank holiday between), so an assessment started then began exactly 45 working
    /// days before the end of the census, not more; one started the day before is flagged. An
    /// authorised assessment never is.
    #[test]
    fn r8670q_counts_45_working_days_without_the_start_day() {
        let calendar = careful_domain::WorkingDayCalendar::england_and_wales();
        let end = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        assert_eq!(calendar.add_working_days(NaiveDate::from_ymd_opt(2026, 1, 27).unwrap(), 45).unwrap(), end);
        let t = tables(vec![
            header("2026-03-31"),
            (
                Assessments,
                &["LAchildID", "AssessmentActualStartDate", "AssessmentAuthorisationDate"],
                vec![
                    vec!["A", "2026-01-27", ""],
                    vec!["B", "2026-01-26", ""],
                    vec!["C", "2026-01-26", "2026-03-01"],
                    vec!["D", "2014-01-06", ""],
                    vec!["E", "2026-01-26", "unknown"],
                    vec!["F", "2026-01-26", "2026-02-30"],
                ],
            ),
        ]);
        assert_eq!(flagged(&R8670Q, &t, Assessments), [1, 3, 4, 5]);
    }

    /// 8525Q: DfE's "Either Date of Birth or Expected Date of Birth must be provided (but not
    /// both)". A date of birth that is not a date ("unknown", 32 July) provides none, so with no
    /// expected date the child has neither; with an expected date, only that one.
    #[test]
    fn r8525q_an_unreadable_date_of_birth_is_no_date_of_birth() {
        let t = tables(vec![(
            ChildIdentifiers,
            &["LAchildID", "PersonBirthDate", "ExpectedPersonBirthDate"],
            vec![
                vec!["A", "2014-07-04", ""],
                vec!["B", "unknown", ""],
                vec!["C", "2014-07-32", ""],
                vec!["D", "unknown", "2026-06-01"],
                vec!["E", "2014-07-04", "2026-06-01"],
                vec!["F", "", ""],
            ],
        )]);
        assert_eq!(flagged(&R8525Q, &t, ChildIdentifiers), [1, 2, 4, 5]);
    }

    /// 8569Q: the census of 2025-26 begins on Tuesday 1 April 2025; the last working day before
    /// it is Monday 31 March. An NFA referral that day is fine; one on Friday 28 March or on
    /// the weekend between is flagged; a referral that led to further action never is.
    #[test]
    fn r8569q_allows_nfa_referrals_from_the_last_working_day_before_the_census() {
        let t = tables(vec![
            header("2026-03-31"),
            (
                CinDetails,
                &["LAchildID", "CINreferralDate", "ReferralNFA"],
                vec![
                    vec!["A", "2025-03-31", "true"],
                    vec!["B", "2025-03-28", "1"],
                    vec!["C", "2025-03-28", "false"],
                    vec!["D", "2025-03-29", "true"],
                ],
            ),
        ]);
        assert_eq!(flagged(&R8569Q, &t, CinDetails), [1, 3]);
    }

    /// The census year includes its last day, the ReferenceDate, and its first, 1 April; the
    /// day after the end and the day before the start are outside it.
    #[test]
    fn the_census_year_includes_both_its_ends() {
        let t = tables(vec![
            header("2026-03-31"),
            (
                CinDetails,
                &["LAchildID", "CINreferralDate", "CINclosureDate"],
                vec![
                    vec!["A", "2026-03-31", "2026-03-31"],
                    vec!["B", "2026-04-01", "2026-04-01"],
                    vec!["C", "2025-03-01", "2025-04-01"],
                    vec!["D", "2025-03-01", "2025-03-31"],
                ],
            ),
            (
                Assessments,
                &["LAchildID", "AssessmentAuthorisationDate"],
                vec![
                    vec!["A", "2026-03-31"],
                    vec!["B", "2026-04-01"],
                    vec!["C", "2025-04-01"],
                    vec!["D", "2025-03-31"],
                ],
            ),
            (
                ChildIdentifiers,
                &["LAchildID", "PersonDeathDate"],
                vec![
                    vec!["A", "2026-03-31"],
                    vec!["B", "2026-04-01"],
                    vec!["C", "2025-04-01"],
                    vec!["D", "2025-03-31"],
                ],
            ),
        ]);
        assert_eq!(flagged(&R8620, &t, CinDetails), [1, 3]);
        assert_eq!(flagged(&R8600, &t, CinDetails), [1]);
        assert_eq!(flagged(&R8696, &t, Assessments), [1, 3]);
        assert_eq!(flagged(&R8545Q, &t, ChildIdentifiers), [1, 3]);
    }

    /// 8606: a referral exactly 40 weeks (280 days) before the birth is allowed, a day earlier
    /// is not; the expected date of birth counts for a child not yet born.
    #[test]
    fn r8606_allows_exactly_40_weeks() {
        let t = tables(vec![
            (
                ChildIdentifiers,
                &["LAchildID", "PersonBirthDate", "ExpectedPersonBirthDate"],
                vec![vec!["A", "2025-10-06", ""], vec!["B", "2025-10-06", ""], vec!["C", "", "2025-10-06"]],
            ),
            (
                CinDetails,
                &["LAchildID", "CINreferralDate"],
                vec![vec!["A", "2024-12-30"], vec!["B", "2024-12-29"], vec!["C", "2024-12-29"]],
            ),
        ]);
        assert_eq!(flagged(&R8606, &t, CinDetails), [1, 2]);
    }

    /// 8540: an invalid code is flagged wherever it is; a born child with a further-action
    /// referral and no disability is flagged; an unborn child, or one whose only referral led to
    /// no further action, needs none.
    #[test]
    fn r8540_requires_a_disability_for_born_children_with_further_action() {
        let t = tables(vec![
            (
                ChildIdentifiers,
                &["LAchildID", "PersonBirthDate", "ExpectedPersonBirthDate"],
                vec![
                    vec!["A", "2020-01-01", ""],
                    vec!["B", "2020-01-01", ""],
                    vec!["C", "", "2026-05-01"],
                    vec!["D", "2020-01-01", ""],
                    vec!["E", "2020-01-01", ""],
                ],
            ),
            (
                CinDetails,
                &["LAchildID", "ReferralNFA"],
                vec![vec!["A", "false"], vec!["B", "0"], vec!["C", "false"], vec!["D", "true"], vec!["E", "false"]],
            ),
            (Disabilities, &["LAchildID", "Disability"], vec![vec!["A", "MOB"], vec!["E", "WALK"]]),
        ]);
        assert_eq!(flagged(&R8540, &t, ChildIdentifiers), [1]);
        assert_eq!(flagged(&R8540, &t, Disabilities), [1]);
    }
}
