//! DfE's CIN rules with codes 8800 to 8999: referrals, assessment factors, child protection.

use std::collections::HashMap;

use crate::cin::read::CinTable::{
    AssessmentFactorsList, Assessments, ChildProtectionPlans, CinDetails, Reviews, Section47,
};
use crate::cin::validate::CinRule;
use crate::cin::validate::context::{Ctx, Flags, is_code};

use super::r8700::{Spell, flag_overlaps, is_yes};

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
cin_rule!(R8869, "8869", r8869);

pub(crate) static RULES: &[&CinRule] =
    &[&R8805, &R8810, &R8815, &R8816, &R8820, &R8825Q, &R8831, &R8832, &R8839, &R8840, &R8841, &R8842Q, &R8869];

/// The episode's rows of `table` (by LAchildID and CINdetailsID).
fn of_episode<'m, 'a>(rows: &'m HashMap<(&'a str, &'a str), Vec<usize>>, ctx: &Ctx<'a>, episode: usize) -> &'m [usize] {
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
        if after_assessment && of_episode(&assessments, ctx, episode).is_empty() {
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
        let mut activity = ctx.has(CinDetails, episode, "DateOfInitialCPC");
        let mut flag_given = |table, rows: &[usize], fields: &[&'static str]| {
            for &r in rows {
                for &field in fields {
                    if ctx.has(table, r, field) {
                        f.flag(table, r, &[field]);
                        activity = true;
                    }
                }
            }
        };
        let dates = ["AssessmentActualStartDate", "AssessmentAuthorisationDate"];
        flag_given(Assessments, of_episode(&assessments, ctx, episode), &dates);
        flag_given(Section47, of_episode(&enquiries, ctx, episode), &["S47ActualStartDate", "DateOfInitialCPC"]);
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
        let of = of_episode(&plans, ctx, episode);
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
    let mut by_plan: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
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
    let mut by_assessment: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
    for row in 0..factors.len() {
        let key = (
            factors.value(row, "LAchildID").unwrap_or(""),
            factors.value(row, "CINdetailsID").unwrap_or(""),
            factors.value(row, "AssessmentID").unwrap_or(""),
        );
        by_assessment.entry(key).or_default().push(row);
    }
    for rows in by_assessment.values() {
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
