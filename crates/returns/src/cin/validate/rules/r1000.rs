//! DfE's CIN rules with codes below 2000: the header, dates against each other, identifiers.

use crate::cin::read::CinTable::{Assessments, CinDetails, Header};
use crate::cin::validate::CinRule;
use crate::cin::validate::context::{Ctx, Flags};

cin_rule!(R100, "100", r100);
cin_rule!(R1103, "1103", r1103);

pub(crate) static RULES: &[&CinRule] = &[&R100, &R1103];

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
