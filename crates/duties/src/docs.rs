//! `docs/duties.md`, rendered from the catalogue and the implementation table, so the
//! documentation cannot drift from the code (a test compares them).

use std::fmt::Write as _;

use crate::catalogue::{Implementation, Status, implementation, rules};
use crate::policy::Policy;

/// The council setting that holds a practice standard's default, by rule id.
fn default_for(id: &str, p: &Policy) -> Option<String> {
    Some(match id {
        "asmt-seen" => format!("{} working days (`assessment_seen_working_days`)", p.assessment_seen_working_days),
        "cin-plan-meeting" => format!("{} working days (`cin_plan_working_days`)", p.cin_plan_working_days),
        "cin-review" => format!("{} weeks (`cin_review_weeks`)", p.cin_review_weeks),
        "cin-visit" => format!("{} working days (`cin_visit_working_days`)", p.cin_visit_working_days),
        "cp-s47" => format!("{} working days (`section_47_working_days`)", p.section_47_working_days),
        "cp-visit" => format!("{} working days (`cp_visit_working_days`)", p.cp_visit_working_days),
        "cp-core-group" => format!("{} month (`core_group_months`)", p.core_group_months),
        "iro-appoint" => format!("{} working days (`iro_appoint_working_days`)", p.iro_appoint_working_days),
        "pep-review" | "pep-early-years" => format!("{} months (`pep_review_months`)", p.pep_review_months),
        "wf-allocation" => format!("{} working days (`allocation_working_days`)", p.allocation_working_days),
        "adv-inform-lac" => format!("{} working days (`advocacy_working_days`)", p.advocacy_working_days),
        "pl-terminate-iro" => {
            format!("{} working day(s) (`emergency_ending_iro_working_days`)", p.emergency_ending_iro_working_days)
        }
        "pl-terminate-review" => {
            format!("{} working days (`emergency_ending_review_working_days`)", p.emergency_ending_review_working_days)
        }
        "visit-local-standard" | "visit-year1" => {
            format!("{} weeks (`first_year_visit_weeks`)", p.first_year_visit_weeks)
        }
        _ => return None,
    })
}

/// The test of a duty's boundaries, in `rules/tests.rs`.
pub(crate) fn duty_test(id: &str) -> String {
    match id {
        "miss-rhi" => "miss_rhi_return_interview_offered_within_72_hours".into(),
        "visit-alone" => "visit_alone_is_recorded_at_each_visit".into(),
        other => other.replace('-', "_"),
    }
}

/// The test of a guardrail, in `guardrails/tests.rs`.
pub(crate) fn guardrail_test(id: &str) -> Option<&'static str> {
    Some(match id {
        "pl-under16-other" => "pl_under16_other",
        "pl-16-17-supported" => "pl_16_17_supported",
        "sec-under13" | "sec-16-s20" => "sec_under13_and_sec_16_s20",
        "ad-under-6-weeks" => "ad_under_6_weeks",
        "pl-terminate" => "pl_terminate_a_placement_ending_without_notice",
        "rev-before-change" | "iro-consult-move" => {
            "rev_before_change_a_planned_move_needs_a_proposal_iro_consultation_and_review"
        }
        "iro-inform-change" => "iro_inform_change_and_rev_before_change_on_approving_a_care_plan_change",
        "cla-s20-cease" => "cla_s20_cease_ending_accommodation_needs_a_review_and_a_decision_first",
        "visit-alone" => "visit_alone_must_be_recorded",
        "cp-end" => "cp_end_only_by_a_conference",
        "cl-18-no-cliff" => "cl_18_no_cliff_leaving_care_without_an_adviser_or_plan",
        "open-duties" => "open_duties_closing_a_case_with_duties_outstanding",
        _ => return None,
    })
}

fn tests_column(id: &str, how: Implementation) -> String {
    let duty = |id: &str| format!("`rules::tests::{}`", duty_test(id));
    let guard = |id: &str| guardrail_test(id).map(|t| format!("`guardrails::tests::{t}`")).unwrap_or_default();
    match how {
        Implementation::Duty(_) => duty(id),
        Implementation::Guardrail => guard(id),
        Implementation::DutyAndGuardrail(_) => format!("{}, {}", duty(id), guard(id)),
        _ => String::new(),
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The whole of `docs/duties.md`.
pub fn markdown() -> String {
    let policy = Policy::default();
    let mut out = String::new();
    let all = rules();
    let statutory = |s: Status| matches!(s, Status::Statute | Status::StatutoryGuidance);
    let encoded = |i: Implementation| {
        matches!(
            i,
            Implementation::Duty(_)
                | Implementation::Guardrail
                | Implementation::DutyAndGuardrail(_)
                | Implementation::CoveredBy(_)
        )
    };
    let s_total = all.iter().filter(|r| statutory(r.status)).count();
    let s_encoded = all.iter().filter(|r| statutory(r.status) && encoded(implementation(r.id))).count();
    let s_only_total = all.iter().filter(|r| r.status == Status::Statute).count();
    let s_not_encoded = all
        .iter()
        .filter(|r| r.status == Status::Statute && matches!(implementation(r.id), Implementation::NotEncoded(_)))
        .count();
    let gp_total = all.iter().filter(|r| r.status == Status::PracticeStandard).count();
    let gp_encoded =
        all.iter().filter(|r| r.status == Status::PracticeStandard && encoded(implementation(r.id))).count();
    writeln!(out, "# Statutory duties").unwrap();
    writeln!(out).unwrap();
    writeln!(
        out,
        "<!-- Generated by `careful duties --catalogue` from crates/duties (catalogue.rs, catalogue_data.rs, policy.rs). Do not edit by hand: a test fails if this file differs. -->"
    )
    .unwrap();
    writeln!(out).unwrap();
    writeln!(out, "Every rule of the statutory rule catalogue (`shared/reference/statutory-rules.md` §2), with how careful implements it. Of {s_total} rules that are statute or statutory guidance (S, SG), {s_encoded} are encoded as duties or guardrails; of {gp_total} practice standards (GP), {gp_encoded} are encoded with the catalogue's default, which a council can change. The rest are listed with the reason they are not encoded yet. Of the {s_only_total} statute rules (S), {s_not_encoded} are not encoded yet, and each names the event careful would need to record to encode it (\"would need\").").unwrap();
    writeln!(out).unwrap();
    writeln!(out, "- **Counting.** \"Within N working days of E\" is the N-th working day after E (the day of E is not counted; see `careful_domain::calendar`). Weeks are 7 calendar days (\"within one week\" of a Monday is the next Monday, still on time). Months are calendar months, clamped to month end. The 72-hour return interview offer is counted in hours.").unwrap();
    let (first, published_last) = careful_domain::WorkingDayCalendar::england_and_wales().coverage();
    writeln!(out, "- **Calendar.** Working days are England and Wales working days: not a Saturday, a Sunday or a bank holiday. From {} to {} the bank holidays are the published list (`crates/domain/data/bank-holidays-england-and-wales.txt`), the only source of the days proclaimed for one year (a jubilee, a coronation, a state funeral, a moved early May bank holiday). After it they are computed from the Banking and Financial Dealings Act 1971 (Schedule 1), the royal proclamations made under it every year (New Year's Day, the early May bank holiday, Boxing Day moved to 28 December) and the common-law holidays of Good Friday and Christmas Day, with Easter by the Gregorian computus: a due date after the list is counted, never not applicable, and its working says which years' bank holidays were computed. Before {} working days are not counted.", careful_domain::calendar::long_date(first), careful_domain::calendar::long_date(published_last), careful_domain::calendar::long_date(first)).unwrap();
    writeln!(out, "- **Complaints.** Stage 1 counts from the day the complaint was received and stage 2 from the day the stage 2 request was received (Children Act 1989 Representations Procedure (England) Regulations 2006, regs 14 and 17). Some councils' published procedures run stage 2 instead from the day the complainant agrees the written record of the complaint (reg 16); careful has not checked that reading against DfE's guidance (*Getting the best from complaints*, 2006). careful counts from the request: it is the day the record holds, it is never later than the agreement, so a reply on time from the request is on time from the agreement too and no late reply is shown as on time, and a period that waited on agreement would leave the complainant's time with no limit while the council drafted the record. An extension (to at most 20 working days at stage 1 and 65 at stage 2, with its reason and the manager who agreed it) counts only if recorded by the last day of the period it extends. The review panel (stage 3) meets within 30 working days of the request (reg 19(4)), which cannot be extended.").unwrap();
    writeln!(out, "- **Chains.** Recurring duties (visits, reviews, health assessments, PEPs, core groups, conferences) are due a fixed interval after the actual previous one, whatever date that was; an early one resets the clock. A new placement (a new carer) restarts visiting; a chain stops when what it belongs to ends (the placement, the plan, the period of care, the 18th or 21st birthday), and a duty whose chain ended before it was due is not applicable.").unwrap();
    writeln!(out, "- **History.** Duties due before {} (the first day of the working-day calendar) are not assessed: earlier history is kept but was recorded elsewhere. This is the practice standard `assessed_from`, one day for every child: a council's first `careful import ssda903` sets it to the day of the import, or to `--assess-from DATE` to judge its past timeliness from its own returns.", careful_domain::calendar::long_date(policy.assessed_from)).unwrap();
    writeln!(out, "- **Tests.** Each encoded duty is tested at its boundaries (the day before it is due, the day it is due and the day after; met on the last allowed day and the day after; across weekends, Christmas, New Year and Easter, month ends and 29 February) by the test named in its row, in `crates/duties/src/rules/tests.rs`; each guardrail (refused, or accepted on a manager's override) in `crates/duties/src/guardrails/tests.rs`. The override itself, its reason and the manager named in the event are tested through the real binary in `crates/cli/tests/it/duties.rs`.
- **Guardrails.** `open-duties` (careful's own): closing a case with a duty overdue or due that day needs a manager's override.").unwrap();
    writeln!(out).unwrap();
    let mut section = "";
    for rule in all {
        if rule.section != section {
            section = rule.section;
            let heading = match section {
                "2.1" => "Front door, assessment, children in need",
                "2.2" => "Child protection",
                "2.3" => "Looked-after children: care planning and placements",
                "2.4" => "Looked-after children: statutory visits",
                "2.5" => "Looked-after children: reviews and the IRO",
                "2.6" => "Health of looked-after children",
                "2.7" => "Education of looked-after children",
                "2.8" => "Missing from home or care",
                "2.9" => "Care leavers",
                "2.10" => "Adoption",
                "2.11" => "Private fostering",
                "2.12" => "Secure accommodation",
                "2.13" => "Unaccompanied asylum-seeking children",
                "2.14" => "Complaints",
                "2.15" => "Advocacy, participation, independent visitors",
                "2.16" => "Court, pre-proceedings, emergency powers, section 20",
                "2.17" => "Workforce and supervision",
                other => other,
            };
            writeln!(out, "## {section} {heading}").unwrap();
            writeln!(out).unwrap();
            writeln!(out, "| id | status | deadline | citation | default | careful | tests |").unwrap();
            writeln!(out, "| --- | --- | --- | --- | --- | --- | --- |").unwrap();
        }
        let tests = tests_column(rule.id, implementation(rule.id));
        let how = match implementation(rule.id) {
            Implementation::Duty(m) => format!("duty (`rules/{m}.rs`)"),
            Implementation::Guardrail => "guardrail (`guardrails.rs`)".to_string(),
            Implementation::DutyAndGuardrail(m) => format!("duty (`rules/{m}.rs`) and guardrail"),
            Implementation::NotEncoded(why) => match crate::needs::needs(rule.id) {
                Some(need) => format!("not encoded: {why}. Would need {need}"),
                None => format!("not encoded: {why}"),
            },
            Implementation::NotADuty(why) => format!("not a duty: {why}"),
            Implementation::CoveredBy(how) => format!("covered: {how}"),
        };
        let how = match crate::catalogue::scope(rule.id) {
            Some(scope) => format!("{how}; {scope}"),
            None => how,
        };
        let default = default_for(rule.id, &policy)
            .unwrap_or_else(|| if rule.status == Status::PracticeStandard { "—".into() } else { String::new() });
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            rule.id,
            cell(rule.status_text),
            cell(rule.deadline),
            cell(rule.citation),
            cell(&default),
            cell(&how),
            tests
        )
        .unwrap();
        if section.is_empty() {
            unreachable!();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_name_tests_that_exist() {
        for rule in rules() {
            let how = implementation(rule.id);
            if let Implementation::Duty(_) | Implementation::DutyAndGuardrail(_) = how {
                let name = duty_test(rule.id);
                let known = crate::rules::tests::TESTED.iter().any(|(id, n)| *id == rule.id && *n == name)
                    || crate::rules::tests::ELSEWHERE.iter().any(|(id, n, _)| *id == rule.id && *n == name);
                assert!(known, "docs name rules::tests::{name} for {}, which is not its test", rule.id);
            }
            if let Implementation::Guardrail | Implementation::DutyAndGuardrail(_) = how {
                let name = guardrail_test(rule.id).unwrap_or_else(|| panic!("{} has no guardrail test named", rule.id));
                assert!(
                    crate::guardrails::tests::TESTED.iter().any(|(id, n, _)| *id == rule.id && *n == name),
                    "docs name guardrails::tests::{name} for {}, which is not its test",
                    rule.id
                );
            }
        }
    }

    #[test]
    fn docs_show_what_each_statute_rule_not_encoded_would_need() {
        let md = markdown();
        for rule in rules() {
            if let Some(need) = crate::needs::needs(rule.id) {
                let row = md
                    .lines()
                    .find(|l| l.starts_with(&format!("| `{}` |", rule.id)))
                    .unwrap_or_else(|| panic!("{} has no row", rule.id));
                assert!(
                    row.contains(&format!("Would need {}", cell(need))),
                    "{}'s row does not show its need",
                    rule.id
                );
            }
        }
    }

    #[test]
    fn docs_duties_md_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/duties.md");
        let written = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            written == markdown(),
            "docs/duties.md is out of date: run `cargo run -- duties --catalogue > docs/duties.md`"
        );
    }
}
