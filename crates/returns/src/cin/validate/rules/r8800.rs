//! DfE's CIN rules with codes 8800 to 8999: referrals, assessment factors, child protection.

use crate::cin::read::CinTable::AssessmentFactorsList;
use crate::cin::validate::CinRule;
use crate::cin::validate::context::{Ctx, Flags};

cin_rule!(R8869, "8869", r8869);

pub(crate) static RULES: &[&CinRule] = &[&R8869];

/// 8869: "The assessment factors code "21" cannot be used in conjunction with any other
/// assessment factors": an assessment with factor 21 has no other factor. Its factors are
/// flagged.
fn r8869(ctx: &Ctx<'_>, f: &mut Flags) {
    let factors = ctx.t(AssessmentFactorsList);
    let mut by_assessment: std::collections::HashMap<(&str, &str, &str), Vec<usize>> = Default::default();
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
