//! The scrutiny report: the questions the Local Government and Social Care Ombudsman asks
//! councillors to put about children in care and care leavers (care planning and reviews, the
//! IRO's concerns and escalations, complaints, advocacy, visits, notices and care leavers'
//! support), answered from aggregates only.
//!
//! No child is named or identified: every count from 1 to 4 is suppressed (shown as `c`, as DfE
//! publishes small numbers), a percentage is shown only when both its counts are, and where a
//! group of counts adds up to a total that is shown, a second count is suppressed whenever one
//! is, so the suppressed one cannot be worked out by subtraction.

use chrono::NaiveDate;

use careful_domain::calendar::add_months;
use careful_domain::record::{
    CareLeaverStatus, ChildRecord, ComplaintFinding, ComplaintStage, DisputeOutcome, DisputeStage, SeenAlone,
};
use careful_duties::{Duty, DutyStatus};

use crate::indicators::{Indicators, Period};

/// Counts from 1 to this less one are suppressed.
pub const SUPPRESS_BELOW: u64 = 5;

/// A count as the report publishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    Count(u64),
    /// A count from 1 to 4, or one that would give such a count away.
    Suppressed,
}

impl Published {
    /// A count on its own: suppressed if from 1 to 4.
    pub fn of(n: u64) -> Published {
        if (1..SUPPRESS_BELOW).contains(&n) { Published::Suppressed } else { Published::Count(n) }
    }

    /// As printed: the number, or `c`.
    pub fn text(&self) -> String {
        match self {
            Published::Count(n) => n.to_string(),
            Published::Suppressed => "c".into(),
        }
    }

    fn count(&self) -> Option<u64> {
        match self {
            Published::Count(n) => Some(*n),
            Published::Suppressed => None,
        }
    }
}

/// One line of a section: a count, and what it is a share of, if anything.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub count: Published,
    /// The group the count is a share of.
    pub of: Option<Published>,
}

impl Line {
    /// The count as a percentage of the group, when both are published and the group is not
    /// empty.
    pub fn percent(&self) -> Option<f64> {
        let n = self.count.count()?;
        let of = self.of.as_ref()?.count().filter(|of| *of > 0)?;
        Some(n as f64 * 100.0 / of as f64)
    }
}

/// One of the Ombudsman's questions, and the figures that answer it.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: &'static str,
    /// The question the councillors ask.
    pub question: &'static str,
    pub lines: Vec<Line>,
}

/// The report for a period.
#[derive(Debug, Clone, PartialEq)]
pub struct ScrutinyReport {
    pub period: Period,
    pub sections: Vec<Section>,
}

/// Counts for the scrutiny report, gathered child by child (the report's other figures, such as
/// reviews and visits on time, are the council's [`Indicators`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scrutiny {
    started_care: u64,
    ceased_care: u64,
    care_leavers: u64,
    care_leavers_with_adviser: u64,
    care_leavers_pathway_plan: u64,
    significant_changes: u64,
    significant_changes_iro_first: u64,
    visits_seen: u64,
    visits_seen_alone: u64,
    notices_due: u64,
    notices_on_time: u64,
    concerns_raised: u64,
    /// Concerns raised in the period, by the furthest stage they reached.
    concerns_by_stage: [u64; DisputeStage::ALL.len()],
    concerns_ended: u64,
    /// Concerns ended in the period: resolved, withdrawn, referred to Cafcass.
    concerns_by_outcome: [u64; 3],
    concerns_open: u64,
    complaints: u64,
    /// Complaints received in the period, by stage: local resolution, investigation, panel.
    complaints_by_stage: [u64; 3],
    responses: u64,
    /// Responses in the period: upheld, partly upheld, not upheld, withdrawn.
    responses_by_finding: [u64; 4],
    complaint_duties_due: u64,
    complaint_duties_on_time: u64,
    advocacy_offers: u64,
    advocacy_taken_up: u64,
}

/// The duties whose timeliness the complaints section counts (Representations Procedure
/// (England) Regulations 2006, regs 14, 17 and 19).
const COMPLAINT_RULES: &[&str] = &["cmp-stage1", "cmp-stage2", "cmp-stage3-panel"];
/// Notice before a placement ends (Care Planning Regulations 2010, reg 14).
const NOTICE_RULES: &[&str] = &["pl-terminate"];

impl Scrutiny {
    /// Adds one child's record and their duties.
    pub fn add(&mut self, period: Period, record: &ChildRecord, duties: &[Duty]) {
        let looked_after_on =
            |day: NaiveDate| record.care_periods.iter().any(|p| p.started <= day && p.end().is_none_or(|e| e > day));
        // Children in care and care leavers: those the questions are about on a day.
        let in_care_or_leaver = |day: NaiveDate| looked_after_on(day) || record.care_leaver_status(day).is_some();

        self.started_care += record.care_periods.iter().filter(|p| period.contains(p.started)).count() as u64;
        self.ceased_care +=
            record.care_periods.iter().filter(|p| p.end().is_some_and(|e| period.contains(e))).count() as u64;

        // Care leavers at the end of the period: relevant and former relevant children.
        if matches!(
            record.care_leaver_status(period.to),
            Some(CareLeaverStatus::Relevant | CareLeaverStatus::FormerRelevant)
        ) {
            self.care_leavers += 1;
            self.care_leavers_with_adviser += u64::from(record.personal_advisers.iter().any(|(d, _)| *d <= period.to));
            // A pathway plan written or reviewed in the six months to the end of the period
            // (CPPCR reg 44: reviewed at least every six months).
            let since = add_months(period.to, -6).unwrap_or(period.to);
            self.care_leavers_pathway_plan +=
                u64::from(record.pathway_plans.iter().any(|(d, _)| *d > since && *d <= period.to));
        }

        // Care planning: significant changes approved in the period, and whether the IRO was
        // consulted first (IRO Handbook; CPR 2010 reg 36).
        for change in &record.care_plan_changes {
            if let Some((approved, _)) = change.approved.filter(|(d, _)| change.significant && period.contains(*d)) {
                self.significant_changes += 1;
                self.significant_changes_iro_first += u64::from(change.iro_consulted.is_some_and(|c| c <= approved));
            }
        }

        // Visits to looked-after children in the period at which they were seen: seen alone?
        for visit in record.visits.iter().filter(|v| v.seen && period.contains(v.date) && looked_after_on(v.date)) {
            self.visits_seen += 1;
            self.visits_seen_alone += u64::from(matches!(visit.seen_alone, Some(SeenAlone::Yes)));
        }

        // The IRO's concerns.
        for dispute in &record.iro_disputes {
            if period.contains(dispute.raised) {
                self.concerns_raised += 1;
                let furthest = dispute.stages.iter().map(|(_, s)| *s).max().unwrap_or(DisputeStage::Informal);
                let index = DisputeStage::ALL.iter().position(|s| *s == furthest).unwrap_or(0);
                self.concerns_by_stage[index] += 1;
            }
            if let Some((_, outcome)) = dispute.ended.filter(|(d, _)| period.contains(*d)) {
                self.concerns_ended += 1;
                self.concerns_by_outcome[match outcome {
                    DisputeOutcome::Resolved => 0,
                    DisputeOutcome::Withdrawn => 1,
                    DisputeOutcome::ReferredToCafcass => 2,
                }] += 1;
            }
            if dispute.raised <= period.to && dispute.ended.is_none_or(|(d, _)| d > period.to) {
                self.concerns_open += 1;
            }
        }

        // Complaints by children in care and care leavers.
        for complaint in record.complaints.iter().filter(|c| in_care_or_leaver(c.received)) {
            if period.contains(complaint.received) {
                self.complaints += 1;
                self.complaints_by_stage[match complaint.stage {
                    ComplaintStage::LocalResolution => 0,
                    ComplaintStage::Investigation => 1,
                    ComplaintStage::ReviewPanel => 2,
                }] += 1;
            }
            if let Some((_, finding)) = complaint.responded.filter(|(d, _)| period.contains(*d)) {
                self.responses += 1;
                self.responses_by_finding[match finding {
                    ComplaintFinding::Upheld => 0,
                    ComplaintFinding::PartlyUpheld => 1,
                    ComplaintFinding::NotUpheld => 2,
                    ComplaintFinding::Withdrawn => 3,
                }] += 1;
            }
        }
        for (day, accepted) in &record.advocacy_offers {
            if period.contains(*day) && in_care_or_leaver(*day) {
                self.advocacy_offers += 1;
                self.advocacy_taken_up += u64::from(*accepted);
            }
        }

        // Timeliness of notices and complaint responses, from the duties engine.
        for duty in duties.iter().filter(|d| period.contains(d.due)) {
            let settled =
                matches!(duty.status, DutyStatus::MetOnTime | DutyStatus::MetLate { .. } | DutyStatus::Overdue { .. });
            let on_time = u64::from(duty.status == DutyStatus::MetOnTime);
            if settled && NOTICE_RULES.contains(&duty.rule.id) {
                self.notices_due += 1;
                self.notices_on_time += on_time;
            }
            if settled && COMPLAINT_RULES.contains(&duty.rule.id) && in_care_or_leaver(duty.due) {
                self.complaint_duties_due += 1;
                self.complaint_duties_on_time += on_time;
            }
        }
    }

    /// The report, with the council's `indicators` for the same period (reviews and visits on
    /// time, care leavers in education, employment or training and in suitable accommodation).
    pub fn report(&self, period: Period, indicators: &Indicators) -> ScrutinyReport {
        let from_indicators = |code: &str| {
            indicators
                .indicators(0)
                .into_iter()
                .find(|i| i.code == code)
                .map(|i| (i.numerator, i.denominator))
                .unwrap_or((0, 0))
        };
        let share = |label: &str, (n, of): (u64, u64)| Line {
            label: label.to_string(),
            count: Published::of(n),
            of: Some(Published::of(of)),
        };
        let count = |label: &str, n: u64| Line { label: label.to_string(), count: Published::of(n), of: None };
        let group = |labels: &[&str], counts: &[u64], total: u64| -> Vec<Line> {
            let published = suppress_group(counts, total);
            labels
                .iter()
                .zip(published)
                .map(|(label, p)| Line { label: label.to_string(), count: p, of: Some(Published::of(total)) })
                .collect()
        };

        let mut sections = Vec::new();
        sections.push(Section {
            title: "Children in care and care leavers",
            question: "How many children and young people is the council corporate parent to?",
            lines: vec![
                count("Children looked after at the end of the period", from_indicators("looked_after_rate").0),
                count("Periods of care that began in the period", self.started_care),
                count("Periods of care that ended in the period", self.ceased_care),
                count("Care leavers (relevant and former relevant) at the end of the period", self.care_leavers),
            ],
        });
        sections.push(Section {
            title: "Care planning and reviews",
            question: "Are care plans reviewed on time, and is the IRO consulted before a significant change to a child's plan?",
            lines: vec![
                share("Looked-after reviews held on time, of those due", from_indicators("reviews_on_time")),
                share(
                    "Significant changes to care plans approved with the IRO consulted first, of all approved",
                    (self.significant_changes_iro_first, self.significant_changes),
                ),
            ],
        });
        sections.push(Section {
            title: "Visits and notices",
            question: "Are children visited on time and seen alone, and are carers given notice before a placement ends?",
            lines: vec![
                share("Statutory visits made on time, of those due", from_indicators("visits_on_time")),
                share("Visits at which the child was seen alone, of visits at which they were seen", (
                    self.visits_seen_alone,
                    self.visits_seen,
                )),
                share(
                    "Placements ended with notice given on time, of endings due notice",
                    (self.notices_on_time, self.notices_due),
                ),
            ],
        });
        let mut concerns = vec![count("Concerns raised by IROs in the period", self.concerns_raised)];
        let stage_labels: Vec<String> =
            DisputeStage::ALL.iter().map(|s| format!("Furthest stage reached: {}", s.describe())).collect();
        let stage_labels: Vec<&str> = stage_labels.iter().map(String::as_str).collect();
        concerns.extend(group(&stage_labels, &self.concerns_by_stage, self.concerns_raised));
        concerns.push(count("Concerns that ended in the period", self.concerns_ended));
        concerns.extend(group(
            &["Ended: resolved", "Ended: withdrawn", "Ended: referred to Cafcass"],
            &self.concerns_by_outcome,
            self.concerns_ended,
        ));
        concerns.push(count("Concerns still open at the end of the period", self.concerns_open));
        sections.push(Section {
            title: "IRO concerns and escalations",
            question: "What concerns have IROs raised, how far did they have to escalate them, and what came of them?",
            lines: concerns,
        });
        let mut complaints = vec![count("Complaints received from children in care and care leavers", self.complaints)];
        complaints.extend(group(
            &["Stage 1 (local resolution)", "Stage 2 (investigation)", "Stage 3 (review panel)"],
            &self.complaints_by_stage,
            self.complaints,
        ));
        complaints.push(count("Responses in the period", self.responses));
        complaints.extend(group(
            &["Upheld", "Partly upheld", "Not upheld", "Withdrawn"],
            &self.responses_by_finding,
            self.responses,
        ));
        complaints.push(share(
            "Responses and review panels on time, of those due",
            (self.complaint_duties_on_time, self.complaint_duties_due),
        ));
        sections.push(Section {
            title: "Complaints from children in care and care leavers",
            question: "Do children in care and care leavers complain, and are their complaints handled on time and taken seriously?",
            lines: complaints,
        });
        sections.push(Section {
            title: "Advocacy",
            question: "Are children in care and care leavers offered an advocate, and do they take the offer up?",
            lines: vec![
                count("Offers of an advocate in the period", self.advocacy_offers),
                share("Offers taken up, of offers made", (self.advocacy_taken_up, self.advocacy_offers)),
            ],
        });
        sections.push(Section {
            title: "Care leavers' support",
            question: "Do care leavers have a personal adviser and an up-to-date pathway plan, and how are they doing?",
            lines: vec![
                share(
                    "Care leavers with a personal adviser, of all care leavers",
                    (self.care_leavers_with_adviser, self.care_leavers),
                ),
                share(
                    "Care leavers whose pathway plan was written or reviewed in the last 6 months, of all care leavers",
                    (self.care_leavers_pathway_plan, self.care_leavers),
                ),
                share(
                    "Care leavers aged 19 to 21 in education, employment or training, of those in touch",
                    from_indicators("care_leavers_eet"),
                ),
                share(
                    "Care leavers aged 19 to 21 in suitable accommodation, of those in touch",
                    from_indicators("care_leavers_suitable_accommodation"),
                ),
            ],
        });
        ScrutinyReport { period, sections }
    }
}

/// Publishes a group of counts that adds up to `total` (which is published): counts from 1 to 4
/// are suppressed, and if exactly one is (or the suppressed ones add up to a count from 1 to
/// 4 that subtraction would reveal for a single cell), the smallest count still shown is
/// suppressed too, so no suppressed count can be worked out from the total and the rest.
pub fn suppress_group(counts: &[u64], total: u64) -> Vec<Published> {
    let mut out: Vec<Published> = counts.iter().map(|n| Published::of(*n)).collect();
    if Published::of(total) == Published::Suppressed {
        // The total itself is hidden: every share of it would be a count from 1 to 4.
        return counts.iter().map(|n| if *n == 0 { Published::Count(0) } else { Published::Suppressed }).collect();
    }
    let suppressed = out.iter().filter(|p| **p == Published::Suppressed).count();
    if suppressed == 1 {
        let smallest = counts
            .iter()
            .enumerate()
            .filter(|(i, n)| out[*i] != Published::Suppressed && **n > 0)
            .min_by_key(|(_, n)| **n)
            .map(|(i, _)| i);
        if let Some(i) = smallest {
            out[i] = Published::Suppressed;
        }
    }
    out
}

#[cfg(test)]
mod tests;
