//! The council's practice standards: the timescales the law leaves to councils, with the rule
//! catalogue's defaults. Statutory timescales are not here: they are code, with citations.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A council's practice standards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Policy {
    /// Duties due before this date are not assessed: earlier history is kept but was recorded
    /// elsewhere, under other standards. The default is the first day of careful's working-day
    /// calendar.
    pub assessed_from: NaiveDate,
    /// asmt-seen: child seen within this many working days of the assessment starting (4).
    pub assessment_seen_working_days: u32,
    /// cin-plan-meeting: child in need plan within this many working days of the assessment
    /// finding the child in need (10; Nottinghamshire).
    pub cin_plan_working_days: u32,
    /// cin-review: child in need plan reviewed at least every this many weeks (12).
    pub cin_review_weeks: u32,
    /// cin-visit: child in need visits at least every this many working days (20).
    pub cin_visit_working_days: u32,
    /// cp-s47: a section 47 enquiry concluded within this many working days of the strategy
    /// discussion that started it, so in time for an initial conference (15). The law sets no
    /// time for the enquiry itself.
    pub section_47_working_days: u32,
    /// cp-visit: child protection visits at least every this many working days (10).
    pub cp_visit_working_days: u32,
    /// cp-core-group: core group meets at least every this many months after the first (1).
    pub core_group_months: u32,
    /// iro-appoint: IRO appointed within this many working days of becoming looked after (5).
    pub iro_appoint_working_days: u32,
    /// pep-review: PEP reviewed at least every this many months, about once a school term (4).
    pub pep_review_months: u32,
    /// wf-allocation: a social worker allocated within this many working days of a referral (3).
    pub allocation_working_days: u32,
    /// adv-inform-lac: the child told of advocacy within this many working days of becoming
    /// looked after, so by the first review (20).
    pub advocacy_working_days: u32,
    /// visit-local-standard: looked-after visits in a placement's first year at least every this
    /// many weeks (6, the regulation's maximum; councils may set fewer).
    pub first_year_visit_weeks: u32,
    /// pl-terminate-iro: after a placement ends at once (reg 14(3)), the IRO told within this
    /// many working days ("as soon as reasonably practicable"; 1).
    pub emergency_ending_iro_working_days: u32,
    /// pl-terminate-review: after a placement ends at once, a review within this many working
    /// days (20).
    pub emergency_ending_review_working_days: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            assessed_from: NaiveDate::from_ymd_opt(2015, 1, 1).expect("valid date"),
            assessment_seen_working_days: 4,
            cin_plan_working_days: 10,
            cin_review_weeks: 12,
            cin_visit_working_days: 20,
            section_47_working_days: 15,
            cp_visit_working_days: 10,
            core_group_months: 1,
            iro_appoint_working_days: 5,
            pep_review_months: 4,
            allocation_working_days: 3,
            advocacy_working_days: 20,
            first_year_visit_weeks: 6,
            emergency_ending_iro_working_days: 1,
            emergency_ending_review_working_days: 20,
        }
    }
}

impl Policy {
    /// Checks the standards are within the law: a council may tighten a statutory maximum but
    /// not loosen it.
    pub fn check(&self) -> Result<(), String> {
        if self.first_year_visit_weeks == 0 || self.first_year_visit_weeks > 6 {
            return Err(format!(
                "first-year visits every {} weeks: CPPCR reg 28(2)(b) allows at most 6",
                self.first_year_visit_weeks
            ));
        }
        for (name, value) in [
            ("assessment_seen_working_days", self.assessment_seen_working_days),
            ("cin_plan_working_days", self.cin_plan_working_days),
            ("cin_review_weeks", self.cin_review_weeks),
            ("cin_visit_working_days", self.cin_visit_working_days),
            ("section_47_working_days", self.section_47_working_days),
            ("cp_visit_working_days", self.cp_visit_working_days),
            ("core_group_months", self.core_group_months),
            ("iro_appoint_working_days", self.iro_appoint_working_days),
            ("pep_review_months", self.pep_review_months),
            ("allocation_working_days", self.allocation_working_days),
            ("advocacy_working_days", self.advocacy_working_days),
            ("emergency_ending_iro_working_days", self.emergency_ending_iro_working_days),
            ("emergency_ending_review_working_days", self.emergency_ending_review_working_days),
        ] {
            if value == 0 {
                return Err(format!("{name} must be at least 1"));
            }
        }
        if self.advocacy_working_days > 20 {
            return Err("advocacy must be offered by the first review, within 20 working days".into());
        }
        Ok(())
    }
}
