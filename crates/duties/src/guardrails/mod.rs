//! Guardrails: what the law forbids or makes conditional, checked before an event is recorded
//! (catalogue §3). A breach is either refused outright, or accepted only on a named manager's
//! override with a reason, which is recorded with the event.

use chrono::NaiveDate;

use careful_domain::WorkingDayCalendar;
use careful_domain::calendar::{age_on, date_attaining_age, long_date};
use careful_domain::codes::{LegalStatus, PlacementType, ReasonEpisodeCeased, ReasonPlaceChange};
use careful_domain::record::{
    CarerNotice, ChildEvent, ChildRecord, Placement, ProposedChange, ReviewConferenceDecision, VisitKind,
};

#[cfg(test)]
pub(crate) mod tests;

use crate::catalogue::{Rule, known};
use crate::policy::Policy;

/// Something the proposed event would do that the law forbids or makes conditional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// The guardrail's code: the catalogue rule's id, or `open-duties` for a case closed with
    /// duties outstanding.
    pub code: &'static str,
    pub rule: Option<&'static Rule>,
    pub message: String,
    /// Whether a manager may accept it with a recorded reason; if not, it is refused.
    pub overridable: bool,
}

fn breach(rule: &'static str, message: String, overridable: bool) -> Breach {
    Breach { code: known(rule).id, rule: Some(known(rule)), message, overridable }
}

fn other_arrangements(kind: PlacementType) -> bool {
    matches!(
        kind,
        PlacementType::SemiIndependentLiving
            | PlacementType::SupportedAccommodation
            | PlacementType::IndependentLiving
            | PlacementType::Other
            | PlacementType::Other11
            | PlacementType::Other12
            | PlacementType::Other13
            | PlacementType::Other14
    )
}

/// Checks for a new placement (on becoming looked after or on a move).
fn placement(record: &ChildRecord, date: NaiveDate, legal_status: LegalStatus, p: &Placement, out: &mut Vec<Breach>) {
    let Some(age) = record.date_of_birth().and_then(|dob| age_on(dob, date).ok()) else { return };
    let kind = p.placement_type;
    // CPPCR reg 27A (from 9 September 2021): no child under 16 in "other arrangements".
    if age < 16 && other_arrangements(kind) && date >= NaiveDate::from_ymd_opt(2021, 9, 9).expect("valid") {
        out.push(breach(
            "pl-under16-other",
            format!("a child under 16 cannot be placed in {} ({}); since 9 September 2021 the law allows only care homes, hospitals, family centres and schools", kind.description(), kind.code()),
            false,
        ));
    }
    // CPPCR reg 27C (from 28 October 2023): a 16 or 17 year old in other arrangements only in
    // supported accommodation registered with Ofsted.
    if (16..18).contains(&age)
        && other_arrangements(kind)
        && date >= NaiveDate::from_ymd_opt(2023, 10, 28).expect("valid")
        && (kind != PlacementType::SupportedAccommodation && kind != PlacementType::SemiIndependentLiving
            || p.urn.is_none())
    {
        out.push(breach(
            "pl-16-17-supported",
            "since 28 October 2023 a 16 or 17 year old may be placed in other arrangements only in supported accommodation registered with Ofsted: record the provider's Ofsted URN".into(),
            false,
        ));
    }
    if kind == PlacementType::SecureChildrensHome {
        // Secure Accommodation Regs reg 4: under 13 needs the Secretary of State's approval.
        if age < 13 {
            out.push(breach(
                "sec-under13",
                "a child under 13 may be placed in secure accommodation only with the Secretary of State's approval: a manager may record it as the override".into(),
                true,
            ));
        }
        // A 16 or 17 year old accommodated under s20(5) may not be placed in secure accommodation.
        if age >= 16 && legal_status == LegalStatus::Section20SinglePeriod {
            out.push(breach(
                "sec-16-s20",
                "a young person of 16 or over accommodated under section 20 cannot be placed in secure accommodation"
                    .into(),
                false,
            ));
        }
    }
    // Adoption Agencies Regs reg 35(4): a baby under 6 weeks placed for adoption without a
    // placement order needs the parent's written agreement.
    if kind.is_placed_for_adoption()
        && legal_status != LegalStatus::PlacementOrder
        && record.date_of_birth().is_some_and(|dob| (date - dob).num_days() < 42)
    {
        out.push(breach(
            "ad-under-6-weeks",
            "a baby under 6 weeks old can be placed for adoption without a placement order only with the parent's written agreement: a manager may record it as the override".into(),
            true,
        ));
    }
}

/// A planned change (a move to a new carer, or the end of care) must first be considered at a
/// review, with the IRO consulted (CPPCR regs 32(2), 14; iro-consult-move). A proposal is for
/// the change it proposed, and for one change: a proposal to end care does not answer a move,
/// and once a move to a new carer has followed a proposal, a later move needs its own proposal,
/// consultation and review.
fn planned_change(record: &ChildRecord, date: NaiveDate, what: &str, change: ProposedChange, out: &mut Vec<Breach>) {
    let Some(period) = record.open_care_period() else { return };
    let proposals = || {
        record
            .care_plan_changes
            .iter()
            .rev()
            .filter(|c| c.significant && c.proposed <= date && c.proposed >= period.started)
    };
    // A proposal recorded without saying what it changes answers any change.
    let proposal = proposals().find(|c| c.proposes.is_none_or(|p| p == change));
    if proposal.is_none()
        && let Some(other) = proposals().next()
    {
        out.push(breach(
            "rev-before-change",
            format!(
                "the change proposed on {} was {}, not {}: {} needs its own proposal, IRO consultation and review, or a record of why that was not reasonably practicable",
                long_date(other.proposed),
                other.proposes.map_or("another change", ProposedChange::describe),
                change.describe(),
                what.to_lowercase()
            ),
            true,
        ));
        return;
    }
    // The day a move to a new carer acted on it, if one has.
    let used = proposal.and_then(|p| {
        period.states.windows(2).find_map(|w| {
            (w[1].date >= p.proposed && w[1].date <= date && w[0].placement.carer != w[1].placement.carer)
                .then_some(w[1].date)
        })
    });
    let proposal = match (proposal, used) {
        (Some(p), Some(on)) => {
            out.push(breach(
                "rev-before-change",
                format!(
                    "the change proposed on {} was acted on by the move on {}: {} needs its own proposal, IRO consultation and review, or a record of why that was not reasonably practicable",
                    long_date(p.proposed),
                    long_date(on),
                    what.to_lowercase()
                ),
                true,
            ));
            return;
        }
        (Some(p), None) => p,
        (None, _) => {
            out.push(breach(
                "rev-before-change",
                format!("{what} is a significant change to the care plan: propose it, consult the IRO and consider it at a review first, or record why that was not reasonably practicable"),
                true,
            ));
            return;
        }
    };
    if proposal.iro_consulted.is_none_or(|d| d > date) {
        out.push(breach(
            "iro-consult-move",
            format!("the IRO has not been consulted on the change proposed on {}", long_date(proposal.proposed)),
            true,
        ));
    }
    let reviewed = period.reviews.iter().any(|(d, _)| *d >= proposal.proposed && *d <= date);
    if !reviewed {
        out.push(breach(
            "rev-before-change",
            format!("no looked-after review has considered the change proposed on {}", long_date(proposal.proposed)),
            true,
        ));
    }
}

/// Regulation 14 for a placement ending: notice to the carer, and before a planned ending its
/// proposal, review and the IRO's consultation; an ending at once on one of reg 14(3)'s grounds,
/// authorised by a manager. A placement with a parent is ended under reg 14 like any other,
/// unless an exemption of reg 14(5) is recorded.
fn notice_checks(
    record: &ChildRecord,
    date: NaiveDate,
    notice: &Option<CarerNotice>,
    move_reason: Option<ReasonPlaceChange>,
    what: &str,
    out: &mut Vec<Breach>,
) {
    let Some(period) = record.open_care_period() else { return };
    let ending = &period.current().placement;
    if ending.placement_type.is_temporary() {
        return;
    }
    let change = if move_reason.is_some() { ProposedChange::Placement } else { ProposedChange::EndOfCare };
    // A change of status only (the same carer) is not a move.
    let a_move = move_reason != Some(ReasonPlaceChange::StatusChangeOnly);
    match notice {
        // No notice and no emergency recorded: the ending is still a planned change, so it still
        // needs its review and the IRO's consultation as well as the carer's notice.
        None => {
            out.push(breach(
                "pl-terminate",
                format!("{what} without notice to the carer: record when written notice was given, or why the placement had to end at once"),
                true,
            ));
            if a_move {
                planned_change(record, date, what, change, out);
            }
        }
        Some(CarerNotice::Given { .. }) => {
            if a_move {
                planned_change(record, date, what, change, out);
            }
        }
        // Ended at once (reg 14(3)): the review before is lifted, and the IRO is told and the
        // case reviewed after (pl-terminate-iro, pl-terminate-review); but only on one of the
        // regulation's two grounds, on a manager's authority.
        Some(CarerNotice::Emergency { ground, authorised_by, .. }) => {
            let missing = match (ground, authorised_by) {
                (None, None) => Some("which of reg 14(3)'s grounds applied, and the manager who authorised it"),
                (None, Some(_)) => Some("which of reg 14(3)'s grounds applied"),
                (Some(_), None) => Some("the manager who authorised it"),
                (Some(_), Some(_)) => None,
            };
            if let Some(missing) = missing {
                out.push(breach(
                    "pl-terminate",
                    format!(
                        "a placement ends at once only where there is an immediate risk of significant harm to the child, or to protect others from serious injury (CPPCR reg 14(3)): record {missing}"
                    ),
                    false,
                ));
            }
        }
        // Regulation 14 does not apply (reg 14(5)); the record checked the exemption fits.
        Some(CarerNotice::NotRequired { .. }) => {}
    }
}

/// Checks `proposed`, dated `date`, against the child's record as it stands.
pub fn check(
    record: &ChildRecord,
    date: NaiveDate,
    proposed: &ChildEvent,
    calendar: &WorkingDayCalendar,
    policy: &Policy,
) -> Vec<Breach> {
    let mut out = Vec::new();
    match proposed {
        ChildEvent::BecameLookedAfter { legal_status, placement: p, .. } => {
            placement(record, date, *legal_status, p, &mut out)
        }
        ChildEvent::PlacementChanged { placement: p, reason, notice } => {
            let status = record
                .open_care_period()
                .map(|pd| pd.current().legal_status)
                .unwrap_or(LegalStatus::Section20SinglePeriod);
            placement(record, date, status, p, &mut out);
            notice_checks(record, date, notice, Some(*reason), "Ending this placement", &mut out);
        }
        ChildEvent::CeasedToBeLookedAfter { notice, reason } => {
            notice_checks(record, date, notice, None, "Ending care", &mut out);
            ceasing_accommodation(record, date, *reason, calendar, &mut out);
            leaving_care(record, date, &mut out);
        }
        ChildEvent::VisitMade {
            visit: VisitKind::LookedAfter | VisitKind::ChildProtection,
            seen: true,
            seen_alone: None,
            ..
        } => {
            out.push(breach("visit-alone", "say whether the child was seen alone, and if not, why not".into(), false));
        }
        // rev-before-change and iro-inform-change: a significant change to a looked-after child's
        // care plan is approved only after the IRO is consulted and a review has considered it.
        ChildEvent::CarePlanChangeApproved { .. } => {
            if let Some(change) = record.care_plan_changes.iter().rev().find(|c| c.approved.is_none())
                && change.significant
            {
                if change.iro_consulted.is_none_or(|d| d > date) {
                    out.push(breach(
                        "iro-inform-change",
                        format!(
                            "the IRO has not been consulted on the change proposed on {}: {}",
                            long_date(change.proposed),
                            change.change
                        ),
                        true,
                    ));
                }
                let reviewed = record
                    .care_periods
                    .iter()
                    .flat_map(|p| &p.reviews)
                    .any(|(d, _)| *d >= change.proposed && *d <= date);
                if !reviewed {
                    out.push(breach(
                        "rev-before-change",
                        format!(
                            "no looked-after review has considered the change proposed on {}: {}",
                            long_date(change.proposed),
                            change.change
                        ),
                        true,
                    ));
                }
            }
        }
        ChildEvent::ChildProtectionPlanEnded {} => {
            let by_conference = record.open_episode().and_then(|e| e.cp_plans.last()).is_some_and(|p| {
                p.review_conferences
                    .iter()
                    .any(|(d, decision)| *d == date && *decision == ReviewConferenceDecision::EndPlan)
            });
            if !by_conference {
                out.push(breach(
                    "cp-end",
                    "only a review child protection conference can end a child protection plan: record the conference's decision first".into(),
                    true,
                ));
            }
        }
        ChildEvent::CaseClosed { .. } => {
            leaving_care(record, date, &mut out);
            let open: Vec<String> = crate::duties_of(record, calendar, policy, date)
                .into_iter()
                .filter(|d| d.status.is_open() && d.due <= date)
                .map(|d| format!("{} ({}, due {})", d.owed, d.rule.id, long_date(d.due)))
                .collect();
            if !open.is_empty() {
                out.push(Breach {
                    code: "open-duties",
                    rule: None,
                    message: format!("the case has duties outstanding: {}", open.join("; ")),
                    overridable: true,
                });
            }
        }
        _ => {}
    }
    out
}

/// cla-s20-cease (CPPCR reg 39): before the council decides to stop accommodating a child under
/// section 20, it assesses the arrangements for their accommodation and the support they will
/// need and ascertains their wishes and feelings (reg 39(2)); once the child has been looked
/// after for 20 working days, the decision is approved by a nominated officer before it takes
/// effect (reg 39(4)), and for a 16 or 17 year old by the director of children's services (reg
/// 39(5)). Endings the council does not decide (adoption, an order of the court, death, custody,
/// another council taking over, an age assessment, the child's return home unplanned) are not
/// checked, nor are short breaks (reg 48).
fn ceasing_accommodation(
    record: &ChildRecord,
    date: NaiveDate,
    reason: ReasonEpisodeCeased,
    calendar: &WorkingDayCalendar,
    out: &mut Vec<Breach>,
) {
    use ReasonEpisodeCeased::*;
    let Some(period) = record.open_care_period() else { return };
    let decided_by_council = matches!(
        reason,
        ReturnedHomePlanned
            | PersonWithoutParentalResponsibility
            | IndependentLivingSupported
            | IndependentLivingUnsupported
            | AdultResidentialCare
            | MovedAbroad
            | Other
    );
    if !decided_by_council || period.current().legal_status != LegalStatus::Section20SinglePeriod {
        return;
    }
    let Some(decision) = record.cease_decisions.iter().rev().find(|d| d.date >= period.started && d.date <= date)
    else {
        out.push(breach(
            "cla-s20-cease",
            "before deciding to stop accommodating the child, assess the arrangements for where they will live and the support they will need, and ascertain their wishes and feelings (CPPCR reg 39(2)): record the decision to cease to look after them first".into(),
            false,
        ));
        return;
    };
    let since = period.continued.and_then(|c| c.looked_after_since).unwrap_or(period.started);
    let twenty = calendar.add_working_days(since, 20).is_ok_and(|d| d <= date);
    let sixteen = record.date_of_birth().and_then(|dob| age_on(dob, date).ok()).is_some_and(|a| (16..18).contains(&a));
    if sixteen && !(decision.director && decision.approved_by.is_some()) {
        out.push(breach(
            "cla-s20-cease",
            format!(
                "the decision of {} to stop accommodating a 16 or 17 year old is approved by the director of children's services before it takes effect (CPPCR reg 39(5))",
                long_date(decision.date)
            ),
            false,
        ));
    } else if twenty && decision.approved_by.is_none() {
        out.push(breach(
            "cla-s20-cease",
            format!(
                "the child has been looked after for 20 working days or more, so the decision of {} is approved by a nominated officer before it takes effect (CPPCR reg 39(4))",
                long_date(decision.date)
            ),
            false,
        ));
    }
}

/// cl-18-no-cliff: an eligible child who leaves care from 16 becomes a relevant child, and is
/// owed a personal adviser and a pathway plan (CA 1989 s23B, s23E); a case is not closed from 17
/// and a half without them either.
fn leaving_care(record: &ChildRecord, date: NaiveDate, out: &mut Vec<Breach>) {
    let Some(dob) = record.date_of_birth() else { return };
    let leaving = record.open_care_period().is_some();
    let from = if leaving {
        date_attaining_age(dob, 16)
    } else {
        date_attaining_age(dob, 17).map(|d| careful_domain::calendar::add_months(d, 6).unwrap_or(d))
    };
    let Ok(from) = from else { return };
    if date < from || crate::eligible_from(record).is_none_or(|e| e > date) {
        return;
    }
    let adviser = record.personal_advisers.iter().any(|(d, _)| *d <= date);
    let plan = record.pathway_plans.iter().any(|(d, _)| *d <= date);
    if !adviser || !plan {
        let missing = match (adviser, plan) {
            (false, false) => "personal adviser and no pathway plan",
            (false, true) => "personal adviser",
            _ => "pathway plan",
        };
        out.push(breach(
            "cl-18-no-cliff",
            format!("this young person is a care leaver and has no {missing}; support continues after 18 and must be in place first"),
            true,
        ));
    }
}
