//! DfE's CIN rules with codes 8800 to 8999: referrals, assessment factors, child protection.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::cin::read::CinTable::{
    self, AssessmentFactorsList, Assessments, ChildIdentifiers, ChildProtectionPlans, CinDetails, Reviews, Section47,
};
use crate::cin::validate::CinRule;
use crate::cin::validate::context::{ByEpisode, Ctx, Flags, Map, is_code};

use super::r8700::{Spell, census_year, child_rows, flag_overlaps, is_yes};

cin_rule!(R8805, "8805", r8805);
cin_rule!(R8810, "8810", r8810);
cin_rule!(R8815, "8815", r8815);
cin_rule!(R8816, "8816", r8816);
cin_rule!(R8820, "8820", r8820);
cin_rule!(R8825Q, "8825Q", r8825q);
cin_rule!(R8831, "8831", r8831);
cin_rule!(R8832, "8832", r8832);
cin_rule!(R8839, "8839", r8839);
cin_rule!(R8840, "8840", r8840);
cin_rule!(R8841, "8841", r8841);
cin_rule!(R8842Q, "8842Q", r8842q);
cin_rule!(R8863Q, "8863Q", r8863q);
cin_rule!(R8866, "8866", r8866);
cin_rule!(R8867, "8867", r8867);
cin_rule!(R8868, "8868", r8868);
cin_rule!(R8869, "8869", r8869);
cin_rule!(R8870Q, "8870Q", r8870q);
cin_rule!(R8873Q, "8873Q", r8873q);
cin_rule!(R8875, "8875", r8875);
cin_rule!(R8890, "8890", r8890);
cin_rule!(R8896, "8896", r8896);
cin_rule!(R8897Q, "8897Q", r8897q);
cin_rule!(R8898, "8898", r8898);
cin_rule!(R8905, "8905", r8905);
cin_rule!(R8910, "8910", r8910);
cin_rule!(R8915, "8915", r8915);
cin_rule!(R8920, "8920", r8920);
cin_rule!(R8925, "8925", r8925);
cin_rule!(R8930, "8930", r8930);
cin_rule!(R8935, "8935", r8935);
cin_rule!(R8940, "8940", r8940);
cin_rule!(R8945Q, "8945Q", r8945q);
cin_rule!(R8950Q, "8950Q", r8950q);

pub(crate) static RULES: &[&CinRule] = &[
    &R8805, &R8810, &R8815, &R8816, &R8820, &R8825Q, &R8831, &R8832, &R8839, &R8840, &R8841, &R8842Q, &R8863Q, &R8866,
    &R8867, &R8868, &R8869, &R8870Q, &R8873Q, &R8875, &R8890, &R8896, &R8897Q, &R8898, &R8905, &R8910, &R8915, &R8920,
    &R8925, &R8930, &R8935, &R8940, &R8945Q, &R8950Q,
];

/// The episode's rows of `table` (by LAchildID and CINdetailsID).
fn of_episode<'m, 'a>(rows: &'m ByEpisode<'a>, ctx: &Ctx<'a>, episode: usize) -> &'m [usize] {
    let key = (
        ctx.value(CinDetails, episode, "LAchildID").unwrap_or(""),
        ctx.value(CinDetails, episode, "CINdetailsID").unwrap_or(""),
    );
    rows.get(&key).map(Vec::as_slice).unwrap_or_default()
}

/// Whether the episode is a referral with no further action (ReferralNFA true or 1).
fn is_nfa(ctx: &Ctx<'_>, episode: usize) -> bool {
    is_yes(ctx.value(CinDetails, episode, "ReferralNFA"))
}

/// 8805: "A CIN case cannot have a CIN closure date without a Reason for Closure": an episode
/// with a CINclosureDate (a valid date) has a ReasonForClosure.
fn r8805(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(CinDetails).len() {
        if ctx.date(CinDetails, row, "CINclosureDate").is_some() && !ctx.has(CinDetails, row, "ReasonForClosure") {
            f.flag(CinDetails, row, &["CINclosureDate", "ReasonForClosure"]);
        }
    }
}

/// 8810: "A CIN case cannot have a Reason for Closure without a CIN Closure Date": an episode
/// with a ReasonForClosure has a CINclosureDate (an invalid date counts as none).
fn r8810(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(CinDetails).len() {
        if ctx.has(CinDetails, row, "ReasonForClosure") && ctx.date(CinDetails, row, "CINclosureDate").is_none() {
            f.flag(CinDetails, row, &["ReasonForClosure", "CINclosureDate"]);
        }
    }
}

/// Whether the episode is open: no CINclosureDate (an invalid date counts as none).
fn is_open(ctx: &Ctx<'_>, episode: usize) -> bool {
    ctx.date(CinDetails, episode, "CINclosureDate").is_none()
}

/// 8815: "More than one open CIN Details episode (a module with no CIN Closure Date) has been
/// provided for this child and case is not a referral with no further action.": a child has at
/// most one open episode that is not a referral with no further action (ReferralNFA true or
/// 1). DfE's text leaves open whether an open NFA referral counts towards "more than one";
/// careful counts only the episodes going on to further action, so a child may have an open NFA
/// referral beside its open case. Each such open episode is flagged at CINclosureDate.
fn r8815(ctx: &Ctx<'_>, f: &mut Flags) {
    for rows in ctx.by_child(CinDetails).values() {
        let open: Vec<usize> = rows.iter().copied().filter(|&r| is_open(ctx, r) && !is_nfa(ctx, r)).collect();
        if open.len() > 1 {
            for r in open {
                f.flag(CinDetails, r, &["CINclosureDate"]);
            }
        }
    }
}

/// 8816: "An open CIN episode is shown and case is not a referral with no further action, but
/// it is not the latest episode.": an open episode that is not an NFA referral has no other
/// episode of the child with a later CINreferralDate. Episodes without a referral date are
/// not compared; episodes referred the same day are each the latest (neither is later). The
/// open episode is flagged at CINreferralDate, and so is the child's latest episode, the one it
/// is not.
fn r8816(ctx: &Ctx<'_>, f: &mut Flags) {
    for rows in ctx.by_child(CinDetails).values() {
        let dated: Vec<(usize, chrono::NaiveDate)> =
            rows.iter().filter_map(|&r| ctx.date(CinDetails, r, "CINreferralDate").map(|d| (r, d))).collect();
        let Some(latest) = dated.iter().map(|&(_, d)| d).max() else { continue };
        let mut any = false;
        for &(r, d) in &dated {
            if d < latest && is_open(ctx, r) && !is_nfa(ctx, r) {
                f.flag(CinDetails, r, &["CINreferralDate"]);
                any = true;
            }
        }
        if any {
            for &(r, d) in &dated {
                if d == latest {
                    f.flag(CinDetails, r, &["CINreferralDate"]);
                }
            }
        }
    }
}

/// 8820: "The dates on the CIN episodes for this child overlap": no episode of a child is
/// referred on or before the day another episode of the child that began no later closes, or
/// while it is open. DfE's text leaves open whether a referral on the day another episode
/// closes is an overlap; careful takes it as one (both episodes are open that day), as the
/// reference does for plans (8940). An episode with no valid referral date is not compared.
/// The earlier episode is flagged at CINreferralDate and CINclosureDate, the later at
/// CINreferralDate.
fn r8820(ctx: &Ctx<'_>, f: &mut Flags) {
    for rows in ctx.by_child(CinDetails).values() {
        let spells: Vec<Spell> = rows
            .iter()
            .filter_map(|&r| {
                let start = ctx.date(CinDetails, r, "CINreferralDate")?;
                Some((r, start, ctx.date(CinDetails, r, "CINclosureDate")))
            })
            .collect();
        flag_overlaps(f, CinDetails, &spells, "CINreferralDate", "CINclosureDate");
    }
}

/// 8825Q: "Reason for Closure code RC8 (case closed after assessment) or RC9 (case closed after
/// assessment, referred to early help) has been returned but there is no assessment present
/// for the episode": an episode closed with RC8 or RC9 has at least one Assessments row.
fn r8825q(ctx: &Ctx<'_>, f: &mut Flags) {
    let assessments = ctx.by_episode(Assessments);
    for episode in 0..ctx.t(CinDetails).len() {
        let after_assessment =
            ctx.value(CinDetails, episode, "ReasonForClosure").is_some_and(|r| is_code(r, &["RC8", "RC9"]));
        if after_assessment && of_episode(assessments, ctx, episode).is_empty() {
            f.flag(CinDetails, episode, &["ReasonForClosure"]);
        }
    }
}

/// 8831: "Activity is recorded against a case marked as a referral with no further action": an
/// NFA referral (ReferralNFA true or 1) has no DateOfInitialCPC of its own, and none of its
/// assessments has an AssessmentActualStartDate or AssessmentAuthorisationDate, and none of its
/// Section 47 enquiries an S47ActualStartDate or DateOfInitialCPC. The episode is flagged at its
/// DateOfInitialCPC (the only field DfE names on CINdetails), and each activity at the dates it
/// gives.
fn r8831(ctx: &Ctx<'_>, f: &mut Flags) {
    let assessments = ctx.by_episode(Assessments);
    let enquiries = ctx.by_episode(Section47);
    for episode in 0..ctx.t(CinDetails).len() {
        if !is_nfa(ctx, episode) {
            continue;
        }
        let mut activity = ctx.date(CinDetails, episode, "DateOfInitialCPC").is_some();
        let mut flag_given = |table, rows: &[usize], fields: &[&'static str]| {
            for &r in rows {
                for &field in fields {
                    if ctx.date(table, r, field).is_some() {
                        f.flag(table, r, &[field]);
                        activity = true;
                    }
                }
            }
        };
        let dates = ["AssessmentActualStartDate", "AssessmentAuthorisationDate"];
        flag_given(Assessments, of_episode(assessments, ctx, episode), &dates);
        flag_given(Section47, of_episode(enquiries, ctx, episode), &["S47ActualStartDate", "DateOfInitialCPC"]);
        if activity {
            f.flag(CinDetails, episode, &["DateOfInitialCPC"]);
        }
    }
}

/// 8832: "Child Protection details provided for a referral with no further action.": an NFA
/// referral (ReferralNFA true or 1) has no ChildProtectionPlans rows. The episode is flagged at
/// ReferralNFA and each of its plans at CINdetailsID (the fields DfE names).
fn r8832(ctx: &Ctx<'_>, f: &mut Flags) {
    let plans = ctx.by_episode(ChildProtectionPlans);
    for episode in 0..ctx.t(CinDetails).len() {
        let of = of_episode(plans, ctx, episode);
        if is_nfa(ctx, episode) && !of.is_empty() {
            f.flag(CinDetails, episode, &["ReferralNFA"]);
            for &plan in of {
                f.flag(ChildProtectionPlans, plan, &["CINdetailsID"]);
            }
        }
    }
}

/// Whether a Section 47 enquiry is open: no DateOfInitialCPC (an invalid date counts as none)
/// and not concluded as needing no conference (ICPCnotRequired true or 1).
fn s47_open(ctx: &Ctx<'_>, row: usize) -> bool {
    ctx.date(Section47, row, "DateOfInitialCPC").is_none() && !is_yes(ctx.value(Section47, row, "ICPCnotRequired"))
}

/// 8839: "Within one CINDetails group there are 2 or more open S47 Assessments": an episode has
/// at most one open Section 47 enquiry (see `s47_open`). Each open enquiry of an episode with
/// more is flagged at DateOfInitialCPC.
fn r8839(ctx: &Ctx<'_>, f: &mut Flags) {
    for rows in ctx.by_episode(Section47).values() {
        let open: Vec<usize> = rows.iter().copied().filter(|&r| s47_open(ctx, r)).collect();
        if open.len() > 1 {
            for r in open {
                f.flag(Section47, r, &["DateOfInitialCPC"]);
            }
        }
    }
}

/// 8840: "Child Protection Plan cannot start and end on the same day": a plan's CPPendDate is
/// not its CPPstartDate.
fn r8840(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(ChildProtectionPlans).len() {
        let start = ctx.date(ChildProtectionPlans, row, "CPPstartDate");
        if start.is_some() && start == ctx.date(ChildProtectionPlans, row, "CPPendDate") {
            f.flag(ChildProtectionPlans, row, &["CPPstartDate", "CPPendDate"]);
        }
    }
}

/// 8841: "The review date cannot be on the same day or before the Child protection Plan start
/// date.": each review's CPPreviewDate is after the CPPstartDate of its plan (the plan of the
/// same LAchildID, CINdetailsID and CPPID). Flags the review's date and the plan's start.
fn r8841(ctx: &Ctx<'_>, f: &mut Flags) {
    let plans = ctx.t(ChildProtectionPlans);
    let mut by_plan: Map<(&str, &str, &str), Vec<usize>> = Map::default();
    for row in 0..plans.len() {
        let key = (
            plans.value(row, "LAchildID").unwrap_or(""),
            plans.value(row, "CINdetailsID").unwrap_or(""),
            plans.value(row, "CPPID").unwrap_or(""),
        );
        by_plan.entry(key).or_default().push(row);
    }
    let reviews = ctx.t(Reviews);
    for review in 0..reviews.len() {
        let Some(date) = ctx.date(Reviews, review, "CPPreviewDate") else { continue };
        let key = (
            reviews.value(review, "LAchildID").unwrap_or(""),
            reviews.value(review, "CINdetailsID").unwrap_or(""),
            reviews.value(review, "CPPID").unwrap_or(""),
        );
        for &plan in by_plan.get(&key).map(Vec::as_slice).unwrap_or_default() {
            if ctx.date(ChildProtectionPlans, plan, "CPPstartDate").is_some_and(|start| date <= start) {
                f.flag(Reviews, review, &["CPPreviewDate"]);
                f.flag(ChildProtectionPlans, plan, &["CPPstartDate"]);
            }
        }
    }
}

/// 8842Q: "Please check and either amend or provide a reason: Review Record has a missing
/// date": every review has a CPPreviewDate (an invalid date counts as missing).
fn r8842q(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(Reviews).len() {
        if ctx.date(Reviews, row, "CPPreviewDate").is_none() {
            f.flag(Reviews, row, &["CPPreviewDate"]);
        }
    }
}

/// 8869: "The assessment factors code "21" cannot be used in conjunction with any other
/// assessment factors": an assessment with factor 21 has no other factor. Its factors are
/// flagged.
fn r8869(ctx: &Ctx<'_>, f: &mut Flags) {
    let factors = ctx.t(AssessmentFactorsList);
    for rows in by_assessment(ctx, AssessmentFactorsList).values() {
        let given: Vec<usize> =
            rows.iter().copied().filter(|&r| factors.value(r, "AssessmentFactor").is_some()).collect();
        let has_21 = given.iter().any(|&r| factors.value(r, "AssessmentFactor") == Some("21"));
        if has_21 && given.len() > 1 {
            for &r in &given {
                f.flag(AssessmentFactorsList, r, &["AssessmentFactor"]);
            }
        }
    }
}

/// The rows of `table` by assessment (LAchildID, CINdetailsID, AssessmentID).
fn by_assessment<'a>(ctx: &Ctx<'a>, table: CinTable) -> Map<(&'a str, &'a str, &'a str), Vec<usize>> {
    let t = ctx.t(table);
    let mut out: Map<(&str, &str, &str), Vec<usize>> = Map::default();
    for row in 0..t.len() {
        out.entry(assessment_key(ctx, table, row)).or_default().push(row);
    }
    out
}

/// The assessment `row` of `table` belongs to (or is).
fn assessment_key<'a>(ctx: &Ctx<'a>, table: CinTable, row: usize) -> (&'a str, &'a str, &'a str) {
    let t = ctx.t(table);
    (
        t.value(row, "LAchildID").unwrap_or(""),
        t.value(row, "CINdetailsID").unwrap_or(""),
        t.value(row, "AssessmentID").unwrap_or(""),
    )
}

/// Whether an assessment is completed: it has an AssessmentAuthorisationDate (an invalid date
/// counts as none).
fn completed(ctx: &Ctx<'_>, assessment: usize) -> Option<NaiveDate> {
    ctx.date(Assessments, assessment, "AssessmentAuthorisationDate")
}

/// 8863Q: "An Assessment is shown as starting when there is another Assessment ongoing.": no
/// assessment of a child starts on or after the AssessmentActualStartDate of another of the
/// child's assessments and on or before its AssessmentAuthorisationDate (or while it has none).
/// DfE's text does not confine this to one episode, and careful compares all the child's
/// assessments; it counts a start on the day another is authorised as ongoing (as for
/// episodes, 8820). The earlier assessment is flagged at both dates, the later at its start.
fn r8863q(ctx: &Ctx<'_>, f: &mut Flags) {
    for rows in ctx.by_child(Assessments).values() {
        let spells: Vec<Spell> = rows
            .iter()
            .filter_map(|&r| Some((r, ctx.date(Assessments, r, "AssessmentActualStartDate")?, completed(ctx, r))))
            .collect();
        flag_overlaps(f, Assessments, &spells, "AssessmentActualStartDate", "AssessmentAuthorisationDate");
    }
}

/// DfE's codes of ReferralSource.
const REFERRAL_SOURCES: &[&str] = &[
    "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C", "5D", "6", "7", "8",
    "9", "10",
];

/// 8866: "Source of Referral is missing or an invalid code": an episode's ReferralSource is one
/// of DfE's codes (1A to 10). The code set applies to referrals from 1 April 2013, when it was
/// introduced; an episode referred before then is not checked, and one with no valid referral
/// date is. Flags CINreferralDate and ReferralSource.
fn r8866(ctx: &Ctx<'_>, f: &mut Flags) {
    let introduced = NaiveDate::from_ymd_opt(2013, 4, 1);
    for row in 0..ctx.t(CinDetails).len() {
        if ctx.date(CinDetails, row, "CINreferralDate").is_some_and(|d| Some(d) < introduced) {
            continue;
        }
        if !ctx.value(CinDetails, row, "ReferralSource").is_some_and(|s| is_code(s, REFERRAL_SOURCES)) {
            f.flag(CinDetails, row, &["CINreferralDate", "ReferralSource"]);
        }
    }
}

/// 8867: "CIN episode is shown as closed, however Assessment is not shown as completed": an
/// episode with a CINclosureDate has no assessment without an AssessmentAuthorisationDate.
/// Flags the episode's CINclosureDate and the assessment's AssessmentAuthorisationDate.
fn r8867(ctx: &Ctx<'_>, f: &mut Flags) {
    let assessments = ctx.by_episode(Assessments);
    for episode in 0..ctx.t(CinDetails).len() {
        if is_open(ctx, episode) {
            continue;
        }
        for &a in of_episode(assessments, ctx, episode) {
            if completed(ctx, a).is_none() {
                f.flag(CinDetails, episode, &["CINclosureDate"]);
                f.flag(Assessments, a, &["AssessmentAuthorisationDate"]);
            }
        }
    }
}

/// 8868: "CIN episode is shown as closed, however Section 47 enquiry is not shown as completed
/// by ICPC date or ICPC not required flag": an episode with a CINclosureDate has no open
/// Section 47 enquiry (one with neither a DateOfInitialCPC nor ICPCnotRequired true or 1). An
/// enquiry with both is shown as completed. Flags the episode's CINclosureDate and the
/// enquiry's DateOfInitialCPC and ICPCnotRequired.
fn r8868(ctx: &Ctx<'_>, f: &mut Flags) {
    let enquiries = ctx.by_episode(Section47);
    for episode in 0..ctx.t(CinDetails).len() {
        if is_open(ctx, episode) {
            continue;
        }
        for &e in of_episode(enquiries, ctx, episode) {
            if s47_open(ctx, e) {
                f.flag(CinDetails, episode, &["CINclosureDate"]);
                f.flag(Section47, e, &["DateOfInitialCPC", "ICPCnotRequired"]);
            }
        }
    }
}

/// Flags rows of Section47 whose date in `column` is a Saturday or a Sunday.
fn on_weekend(ctx: &Ctx<'_>, f: &mut Flags, column: &'static str) {
    for row in 0..ctx.t(Section47).len() {
        if ctx.date(Section47, row, column).is_some_and(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun)) {
            f.flag(Section47, row, &[column]);
        }
    }
}

/// 8870Q: "Please check and either amend or provide a reason: The Target Date for Initial Child
/// Protection Conference should not be a weekend": an enquiry's InitialCPCtarget is not a
/// Saturday or Sunday. DfE's text names weekends only, so a bank holiday is not queried.
fn r8870q(ctx: &Ctx<'_>, f: &mut Flags) {
    on_weekend(ctx, f, "InitialCPCtarget");
}

/// 8875: "The Date of Initial Child Protection Conference cannot be a weekend": an enquiry's
/// DateOfInitialCPC is not a Saturday or Sunday (a bank holiday is not DfE's concern here).
fn r8875(ctx: &Ctx<'_>, f: &mut Flags) {
    on_weekend(ctx, f, "DateOfInitialCPC");
}

/// The non-blank factor rows of each assessment.
fn factors_of<'a>(ctx: &Ctx<'a>) -> Map<(&'a str, &'a str, &'a str), Vec<usize>> {
    let mut out = by_assessment(ctx, AssessmentFactorsList);
    for rows in out.values_mut() {
        rows.retain(|&r| ctx.has(AssessmentFactorsList, r, "AssessmentFactor"));
    }
    out
}

/// 8873Q: "When there is only one assessment on the episode and the factors code “21 No factors
/// identified” has been used for the completed assessment, the reason for closure ‘RC8’ or
/// 'RC9' should be used.": an episode with a ReasonForClosure other than RC8 and RC9, exactly
/// one assessment, completed (it has an AssessmentAuthorisationDate), and factor 21 among that
/// assessment's factors. An episode with no reason yet is not queried (it is not closed; a
/// closure date without a reason is 8805's). Flags the episode's ReasonForClosure and the
/// assessment's factor 21.
fn r8873q(ctx: &Ctx<'_>, f: &mut Flags) {
    let assessments = ctx.by_episode(Assessments);
    let factors = factors_of(ctx);
    for episode in 0..ctx.t(CinDetails).len() {
        let Some(reason) = ctx.value(CinDetails, episode, "ReasonForClosure") else { continue };
        let [only] = of_episode(assessments, ctx, episode) else { continue };
        if is_code(reason, &["RC8", "RC9"]) || completed(ctx, *only).is_none() {
            continue;
        }
        let key = assessment_key(ctx, Assessments, *only);
        for &r in factors.get(&key).map(Vec::as_slice).unwrap_or_default() {
            if ctx.value(AssessmentFactorsList, r, "AssessmentFactor").is_some_and(|c| is_code(c, &["21"])) {
                f.flag(AssessmentFactorsList, r, &["AssessmentFactor"]);
                f.flag(CinDetails, episode, &["ReasonForClosure"]);
            }
        }
    }
}

/// 8890: "A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry
/// ongoing": no enquiry of a child starts on or after the S47ActualStartDate of another of the
/// child's enquiries and on or before its DateOfInitialCPC, or while it has none and is not
/// concluded as needing no conference. An enquiry concluded with ICPCnotRequired and no
/// conference date ended on a day the census does not give, and is taken as ongoing on its
/// start day only. DfE's text does not confine this to one episode; careful compares all the
/// child's enquiries. The earlier is flagged at S47ActualStartDate and DateOfInitialCPC, the
/// later at S47ActualStartDate.
fn r8890(ctx: &Ctx<'_>, f: &mut Flags) {
    for rows in ctx.by_child(Section47).values() {
        let spells: Vec<Spell> = rows
            .iter()
            .filter_map(|&r| {
                let start = ctx.date(Section47, r, "S47ActualStartDate")?;
                let end = match ctx.date(Section47, r, "DateOfInitialCPC") {
                    Some(d) => Some(d),
                    None if is_yes(ctx.value(Section47, r, "ICPCnotRequired")) => Some(start),
                    None => None,
                };
                Some((r, start, end))
            })
            .collect();
        flag_overlaps(f, Section47, &spells, "S47ActualStartDate", "DateOfInitialCPC");
    }
}

/// 8896: "Within one CINDetails group there are 2 or more open Assessments groups": an episode
/// has at most one assessment without an AssessmentAuthorisationDate. Each open assessment of
/// an episode with more is flagged.
fn r8896(ctx: &Ctx<'_>, f: &mut Flags) {
    for rows in ctx.by_episode(Assessments).values() {
        let open: Vec<usize> = rows.iter().copied().filter(|&r| completed(ctx, r).is_none()).collect();
        if open.len() > 1 {
            for r in open {
                f.flag(Assessments, r, &["AssessmentAuthorisationDate"]);
            }
        }
    }
}

/// 8897Q: "Parental or child factors at assessment information is missing from a completed
/// assessment": an assessment completed in the census year (AssessmentAuthorisationDate on or
/// after its first day) has at least one AssessmentFactors code. DfE's text leaves open which
/// completed assessments; careful queries those completed in the year being returned (all of
/// them when the header has no reference date). Any code counts as information: careful has
/// no list of valid factor codes. Flags the assessment's AssessmentAuthorisationDate and
/// AssessmentFactors.
fn r8897q(ctx: &Ctx<'_>, f: &mut Flags) {
    let start = census_year(ctx).map(|(start, _)| start);
    let factors = factors_of(ctx);
    for a in 0..ctx.t(Assessments).len() {
        let Some(done) = completed(ctx, a) else { continue };
        if start.is_some_and(|start| done < start) {
            continue;
        }
        if factors.get(&assessment_key(ctx, Assessments, a)).is_none_or(Vec::is_empty) {
            f.flag(Assessments, a, &["AssessmentAuthorisationDate", "AssessmentFactors"]);
        }
    }
}

/// 8898: "The assessment has more than one parental or child factors with the same code":
/// every factor of an assessment whose code (without regard to case) the assessment has more
/// than once.
fn r8898(ctx: &Ctx<'_>, f: &mut Flags) {
    for rows in factors_of(ctx).values() {
        let mut by_code: Map<String, Vec<usize>> = Map::default();
        for &r in rows {
            if let Some(code) = ctx.value(AssessmentFactorsList, r, "AssessmentFactor") {
                by_code.entry(code.to_ascii_uppercase()).or_default().push(r);
            }
        }
        for same in by_code.values().filter(|same| same.len() > 1) {
            for &r in same {
                f.flag(AssessmentFactorsList, r, &["AssessmentFactor"]);
            }
        }
    }
}

/// DfE's categories of abuse.
const CATEGORIES_OF_ABUSE: &[&str] = &["NEG", "PHY", "SAB", "EMO", "MUL"];

/// Flags plans whose `column` is blank or not a category of abuse.
fn category_of_abuse(ctx: &Ctx<'_>, f: &mut Flags, column: &'static str) {
    for row in 0..ctx.t(ChildProtectionPlans).len() {
        if !ctx.value(ChildProtectionPlans, row, column).is_some_and(|c| is_code(c, CATEGORIES_OF_ABUSE)) {
            f.flag(ChildProtectionPlans, row, &[column]);
        }
    }
}

/// 8905: "Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN
/// Census code set)": every plan's InitialCategoryOfAbuse is NEG, PHY, SAB, EMO or MUL.
fn r8905(ctx: &Ctx<'_>, f: &mut Flags) {
    category_of_abuse(ctx, f, "InitialCategoryOfAbuse");
}

/// 8910: "Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN
/// Census code set)": every plan's LatestCategoryOfAbuse is NEG, PHY, SAB, EMO or MUL.
fn r8910(ctx: &Ctx<'_>, f: &mut Flags) {
    category_of_abuse(ctx, f, "LatestCategoryOfAbuse");
}

/// Flags plans whose date in `column` is after the child's PersonDeathDate, and the child's
/// death date.
fn after_death(ctx: &Ctx<'_>, f: &mut Flags, column: &'static str) {
    let children = child_rows(ctx);
    for plan in 0..ctx.t(ChildProtectionPlans).len() {
        let Some(&child) = ctx.value(ChildProtectionPlans, plan, "LAchildID").and_then(|id| children.get(id)) else {
            continue;
        };
        let Some(died) = ctx.date(ChildIdentifiers, child, "PersonDeathDate") else { continue };
        if ctx.date(ChildProtectionPlans, plan, column).is_some_and(|d| d > died) {
            f.flag(ChildProtectionPlans, plan, &[column]);
            f.flag(ChildIdentifiers, child, &["PersonDeathDate"]);
        }
    }
}

/// 8915: "Child Protection Plan shown as starting after the child’s Date of Death": a plan's
/// CPPstartDate is on or before the child's PersonDeathDate.
fn r8915(ctx: &Ctx<'_>, f: &mut Flags) {
    after_death(ctx, f, "CPPstartDate");
}

/// 8920: "Child Protection Plan cannot end after the child’s Date of Death": a plan's
/// CPPendDate, where given, is on or before the child's PersonDeathDate. An open plan of a
/// child who has died has not ended after the death and is not this rule's.
fn r8920(ctx: &Ctx<'_>, f: &mut Flags) {
    after_death(ctx, f, "CPPendDate");
}

/// 8925: "Child Protection Plan End Date earlier than Start Date": a plan's CPPendDate, where
/// given, is not before its CPPstartDate.
fn r8925(ctx: &Ctx<'_>, f: &mut Flags) {
    for row in 0..ctx.t(ChildProtectionPlans).len() {
        let start = ctx.date(ChildProtectionPlans, row, "CPPstartDate");
        let end = ctx.date(ChildProtectionPlans, row, "CPPendDate");
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            f.flag(ChildProtectionPlans, row, &["CPPstartDate", "CPPendDate"]);
        }
    }
}

/// 8930: "Child Protection Plan End Date must fall within the census year": a plan's
/// CPPendDate, where given, is on or after the census year's first day and on or before the
/// reference date.
fn r8930(ctx: &Ctx<'_>, f: &mut Flags) {
    let Some((start, end)) = census_year(ctx) else { return };
    for row in 0..ctx.t(ChildProtectionPlans).len() {
        if ctx.date(ChildProtectionPlans, row, "CPPendDate").is_some_and(|d| d < start || d > end) {
            f.flag(ChildProtectionPlans, row, &["CPPendDate"]);
        }
    }
}

/// 8935: "This child is showing more than one open Child Protection plan, i.e. with no End
/// Date": a child has at most one plan without a CPPendDate (an invalid date counts as none),
/// across all the child's episodes. Each open plan of a child with more is flagged.
fn r8935(ctx: &Ctx<'_>, f: &mut Flags) {
    for rows in ctx.by_child(ChildProtectionPlans).values() {
        let open: Vec<usize> =
            rows.iter().copied().filter(|&r| ctx.date(ChildProtectionPlans, r, "CPPendDate").is_none()).collect();
        if open.len() > 1 {
            for r in open {
                f.flag(ChildProtectionPlans, r, &["CPPendDate"]);
            }
        }
    }
}

/// 8940: "Child Protection Plan data contains overlapping dates": no plan of a child starts on
/// or after the CPPstartDate of another of the child's plans and on or before its CPPendDate
/// (or while it is open); a plan starting the day another ends overlaps it. The earlier plan
/// is flagged at CPPstartDate and CPPendDate, the later at CPPstartDate.
fn r8940(ctx: &Ctx<'_>, f: &mut Flags) {
    for rows in ctx.by_child(ChildProtectionPlans).values() {
        let spells: Vec<Spell> = rows
            .iter()
            .filter_map(|&r| {
                let start = ctx.date(ChildProtectionPlans, r, "CPPstartDate")?;
                Some((r, start, ctx.date(ChildProtectionPlans, r, "CPPendDate")))
            })
            .collect();
        flag_overlaps(f, ChildProtectionPlans, &spells, "CPPstartDate", "CPPendDate");
    }
}

/// Flags factor rows whose code is `code` (without regard to case).
fn factor_code(ctx: &Ctx<'_>, f: &mut Flags, code: &str) {
    for row in 0..ctx.t(AssessmentFactorsList).len() {
        if ctx.value(AssessmentFactorsList, row, "AssessmentFactor").is_some_and(|c| is_code(c, &[code])) {
            f.flag(AssessmentFactorsList, row, &["AssessmentFactor"]);
        }
    }
}

/// 8945Q (2024-25): "the assessment factors code '18A' should not be used ('18B' or '18C'
/// should be used instead)": any factor 18A.
fn r8945q(ctx: &Ctx<'_>, f: &mut Flags) {
    factor_code(ctx, f, "18A");
}

/// 8950Q (2024-25): "the assessment factors code '19A' should not be used ('19B' or '19C'
/// should be used instead)": any factor 19A.
fn r8950q(ctx: &Ctx<'_>, f: &mut Flags) {
    factor_code(ctx, f, "19A");
}

#[cfg(test)]
mod tests {
    use super::super::r8700::{Found, Given, flagged, header_2026};
    use super::*;

    fn rows(found: Vec<Found>) -> Vec<(CinTable, usize)> {
        found.into_iter().map(|(t, r, _)| (t, r)).collect()
    }

    /// 8866: the code set applies to referrals from 1 April 2013, and to an episode with no
    /// referral date.
    #[test]
    fn r8866_checks_referrals_from_april_2013() {
        let given = vec![(
            CinDetails,
            vec!["CINreferralDate", "ReferralSource"],
            vec![vec!["2013-03-31", "1Z"], vec!["2013-04-01", "1Z"], vec!["", ""], vec!["2020-01-01", "5d"]],
        )];
        assert_eq!(rows(flagged("8866", given)), [(CinDetails, 1), (CinDetails, 2)]);
    }

    fn episode_with_assessments(
        reason: &'static str,
        assessments: Vec<Vec<&'static str>>,
        factors: Vec<Vec<&'static str>>,
    ) -> Vec<Given<'static>> {
        vec![
            (CinDetails, vec!["LAchildID", "CINdetailsID", "ReasonForClosure"], vec![vec!["A", "1", reason]]),
            (
                Assessments,
                vec!["LAchildID", "CINdetailsID", "AssessmentID", "AssessmentAuthorisationDate"],
                assessments,
            ),
            (AssessmentFactorsList, vec!["LAchildID", "CINdetailsID", "AssessmentID", "AssessmentFactor"], factors),
        ]
    }

    /// 8873Q: the episode's one completed assessment with factor 21 and a reason other than
    /// RC8 and RC9; not with RC9, two assessments, or an assessment not completed.
    #[test]
    fn r8873q_queries_21_on_the_one_completed_assessment() {
        let one = || vec![vec!["A", "1", "1", "2025-06-01"]];
        let factors = || vec![vec!["A", "1", "1", "21"]];
        let found = flagged("8873Q", episode_with_assessments("RC3", one(), factors()));
        assert_eq!(
            found,
            [(CinDetails, 0, vec!["ReasonForClosure"]), (AssessmentFactorsList, 0, vec!["AssessmentFactor"])]
        );
        assert!(flagged("8873Q", episode_with_assessments("rc9", one(), factors())).is_empty());
        assert!(flagged("8873Q", episode_with_assessments("RC3", vec![vec!["A", "1", "1", ""]], factors())).is_empty());
        let two = vec![vec!["A", "1", "1", "2025-06-01"], vec!["A", "1", "2", "2025-08-01"]];
        assert!(flagged("8873Q", episode_with_assessments("RC3", two, factors())).is_empty());
    }

    /// 8897Q: assessments completed from the census year's first day, without a factor.
    #[test]
    fn r8897q_queries_assessments_completed_in_the_year() {
        let mut given = episode_with_assessments(
            "",
            vec![
                vec!["A", "1", "1", "2025-03-31"],
                vec!["A", "1", "2", "2025-04-01"],
                vec!["A", "1", "3", "2025-04-01"],
                vec!["A", "1", "4", ""],
            ],
            vec![vec!["A", "1", "3", "2B"]],
        );
        given.push(header_2026());
        assert_eq!(rows(flagged("8897Q", given)), [(Assessments, 1)]);
    }

    /// 8863Q: assessments of one child overlap across episodes; one starting the day another is
    /// authorised overlaps it, one starting the day after does not.
    #[test]
    fn r8863q_compares_the_childs_assessments() {
        let given = vec![(
            Assessments,
            vec!["LAchildID", "CINdetailsID", "AssessmentActualStartDate", "AssessmentAuthorisationDate"],
            vec![
                vec!["A", "1", "2025-05-01", "2025-06-01"],
                vec!["A", "2", "2025-06-01", "2025-06-20"],
                vec!["A", "2", "2025-06-21", ""],
                vec!["B", "1", "2025-06-21", ""],
            ],
        )];
        let found = flagged("8863Q", given);
        assert_eq!(
            found,
            [
                (Assessments, 0, vec!["AssessmentActualStartDate", "AssessmentAuthorisationDate"]),
                (Assessments, 1, vec!["AssessmentActualStartDate"]),
            ]
        );
    }

    /// 8868: an enquiry of a closed episode with a conference date or marked not required (or
    /// both) is completed; one with neither is not; an open episode's enquiries are not checked.
    #[test]
    fn r8868_an_enquiry_with_a_date_or_the_flag_is_completed() {
        let given = vec![
            (
                CinDetails,
                vec!["LAchildID", "CINdetailsID", "CINclosureDate"],
                vec![vec!["A", "1", "2025-09-01"], vec!["A", "2", ""]],
            ),
            (
                Section47,
                vec!["LAchildID", "CINdetailsID", "DateOfInitialCPC", "ICPCnotRequired"],
                vec![
                    vec!["A", "1", "2025-06-02", "true"],
                    vec!["A", "1", "", "1"],
                    vec!["A", "1", "2025-06-02", ""],
                    vec!["A", "1", "", "false"],
                    vec!["A", "2", "", ""],
                ],
            ),
        ];
        assert_eq!(rows(flagged("8868", given)), [(CinDetails, 0), (Section47, 3)]);
    }

    /// 8890: an enquiry needing no conference and with no date is ongoing on its start day only.
    #[test]
    fn r8890_an_enquiry_needing_no_conference_ends_unseen() {
        let given = vec![(
            Section47,
            vec!["LAchildID", "S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired"],
            vec![
                vec!["A", "2025-05-01", "", "true"],
                vec!["A", "2025-05-02", "", ""],
                vec!["A", "2025-05-03", "", ""],
                vec!["B", "2025-05-01", "", "true"],
                vec!["B", "2025-05-01", "2025-05-20", ""],
            ],
        )];
        let found = rows(flagged("8890", given));
        assert_eq!(found, [(Section47, 1), (Section47, 2), (Section47, 3), (Section47, 4)]);
    }

    /// 8816: an open episode referred before another is flagged with the latest; two open
    /// episodes referred the same day are each the latest.
    #[test]
    fn r8816_ties_are_each_the_latest() {
        let given = vec![(
            CinDetails,
            vec!["LAchildID", "CINreferralDate", "CINclosureDate", "ReferralNFA"],
            vec![
                vec!["A", "2025-05-01", "", "false"],
                vec!["A", "2025-06-01", "2025-07-01", "false"],
                vec!["B", "2025-05-01", "", "false"],
                vec!["B", "2025-05-01", "", "false"],
                vec!["C", "2025-05-01", "", "true"],
                vec!["C", "2025-06-01", "", "false"],
            ],
        )];
        assert_eq!(rows(flagged("8816", given)), [(CinDetails, 0), (CinDetails, 1)]);
    }
}
