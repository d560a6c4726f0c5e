//! The chronology: the record as dated lines a social worker, an IRO or an inspector can read.

use chrono::NaiveDate;

use crate::calendar::long_date;

use crate::event::{Override, Reason, RecordedAt, RecordedBy};
use crate::ids::EventId;

use super::ChildEvent;
use super::fold::ChildRecord;
use super::types::{
    AssessmentOutcome, CarerNotice, ContactOutcome, HealthAssessmentKind, ReviewConferenceDecision, SdqOutcome,
    Section47Outcome, SeenAlone,
};

/// One line of the chronology.
#[derive(Debug, Clone, PartialEq)]
pub struct ChronologyLine {
    pub event: EventId,
    pub date: NaiveDate,
    pub title: &'static str,
    pub detail: String,
    pub recorded_at: RecordedAt,
    pub recorded_by: RecordedBy,
    pub reason: Option<Reason>,
    /// Set when this line replaces an earlier entry: the correction's reason is `reason`.
    pub corrects: Option<EventId>,
    /// Set when a manager accepted a guardrail's breach to record this: the reason is `reason`.
    pub manager_override: Option<Override>,
}

/// The event in a few words, as a heading.
pub fn title(event: &ChildEvent) -> &'static str {
    match event {
        ChildEvent::ChildRegistered { .. } => "Child registered",
        ChildEvent::PersonalDetailsUpdated { .. } => "Personal details updated",
        ChildEvent::ChildBorn { .. } => "Child born",
        ChildEvent::ChildDied {} => "Child died",
        ChildEvent::AddressChanged { .. } => "Address changed",
        ChildEvent::PersonRecorded { .. } => "Person recorded",
        ChildEvent::SiblingLinked { .. } => "Sibling linked",
        ChildEvent::UascStatusChanged { .. } => "UASC status changed",
        ChildEvent::ContactReceived { .. } => "Contact received",
        ChildEvent::ContactDecided { .. } => "Contact decision",
        ChildEvent::ReferralReceived { .. } => "Referral received",
        ChildEvent::ReferralNoFurtherAction {} => "Referral closed: no further action",
        ChildEvent::AssessmentStarted {} => "Assessment started",
        ChildEvent::AssessmentAuthorised { .. } => "Assessment authorised",
        ChildEvent::CinPlanStarted {} => "Child in need plan started",
        ChildEvent::CinPlanReviewed {} => "Child in need plan reviewed",
        ChildEvent::CinPlanEnded {} => "Child in need plan ended",
        ChildEvent::StrategyDiscussionHeld { .. } => "Strategy discussion",
        ChildEvent::Section47Started {} => "Section 47 enquiry started",
        ChildEvent::Section47Completed { .. } => "Section 47 enquiry completed",
        ChildEvent::InitialConferenceHeld { .. } => "Initial child protection conference",
        ChildEvent::ChildProtectionPlanStarted { .. } => "Child protection plan started",
        ChildEvent::CoreGroupMeetingHeld {} => "Core group meeting",
        ChildEvent::ReviewConferenceHeld { .. } => "Review child protection conference",
        ChildEvent::ChildProtectionPlanEnded {} => "Child protection plan ended",
        ChildEvent::BecameLookedAfter { .. } => "Became looked after",
        ChildEvent::LegalStatusChanged { .. } => "Legal status changed",
        ChildEvent::PlacementChanged { .. } => "Placement changed",
        ChildEvent::CeasedToBeLookedAfter { .. } => "Ceased to be looked after",
        ChildEvent::CareContinuedFromBeforeRecord { .. } => "Looked after since before this record began",
        ChildEvent::ChildProtectionPlansBeforeRecord { .. } => "Child protection plans before this record began",
        ChildEvent::LookedAfterBeforeRecord {} => "Looked after, before the episodes careful holds",
        ChildEvent::EligibleChildBeforeRecord {} => "An eligible child before this record began",
        ChildEvent::CarerNotifiedOfEnding {} => "Carer told in writing the placement has ended",
        ChildEvent::StatutoryReviewHeld { .. } => "Looked-after review",
        ChildEvent::VisitMade { .. } => "Visit",
        ChildEvent::HealthAssessmentCompleted { .. } => "Health assessment",
        ChildEvent::DentalCheckCompleted {} => "Dental check",
        ChildEvent::ImmunisationsRecorded { .. } => "Immunisations",
        ChildEvent::SdqRecorded { .. } => "Strengths and Difficulties Questionnaire",
        ChildEvent::PepReviewed {} => "Personal education plan",
        ChildEvent::MissingEpisodeStarted { .. } => "Missing",
        ChildEvent::MissingEpisodeEnded { .. } => "Returned",
        ChildEvent::ReturnInterviewOffered { .. } => "Return interview offered",
        ChildEvent::ReturnInterviewHeld { .. } => "Return interview held",
        ChildEvent::AdoptionDecisionMade {} => "Decision to place for adoption",
        ChildEvent::AdoptionDecisionReversed { .. } => "Adoption decision reversed",
        ChildEvent::MatchedWithAdopters { .. } => "Matched with adopters",
        ChildEvent::CareLeaverContact { .. } => "Care leaver contact",
        ChildEvent::ConnectedPersonTemporarilyApproved {} => "Carer temporarily approved (reg 24)",
        ChildEvent::ConnectedPersonApprovalExtended { .. } => "Temporary approval extended (reg 25)",
        ChildEvent::ConnectedPersonApproved {} => "Carer approved as a foster carer",
        ChildEvent::CareProceedingsIssued {} => "Care proceedings issued",
        ChildEvent::CareProceedingsExtended { .. } => "Care proceedings extended",
        ChildEvent::CareProceedingsConcluded {} => "Care proceedings concluded",
        ChildEvent::EmergencyProtectionOrderExtended { .. } => "Emergency protection order extended",
        ChildEvent::PoliceProtectionTaken { .. } => "Taken into police protection",
        ChildEvent::PoliceProtectionEnded { .. } => "Police protection ended",
        ChildEvent::IroInformedOfEnding {} => "IRO told of the placement's ending",
        ChildEvent::DecidedToCeaseLookingAfter { .. } => "Decision to cease to look after",
        ChildEvent::NeedsAssessmentCompleted {} => "Needs assessment for the pathway plan",
        ChildEvent::PathwayPlanCompleted {} => "Pathway plan",
        ChildEvent::PathwayPlanReviewed {} => "Pathway plan reviewed",
        ChildEvent::StayingPutAgreed {} => "Staying put agreed",
        ChildEvent::PersonalAdviserAllocated { .. } => "Personal adviser allocated",
        ChildEvent::WorkerAllocated { .. } => "Worker allocated",
        ChildEvent::WorkerAllocationEnded {} => "Allocation ended",
        ChildEvent::IroAppointed { .. } => "IRO appointed",
        ChildEvent::IroConcernRaised { .. } => "IRO raised a concern",
        ChildEvent::IroConcernEscalated { .. } => "IRO's concern escalated",
        ChildEvent::IroConcernResolved { .. } => "IRO's concern ended",
        ChildEvent::CarePlanChangeProposed { .. } => "Care plan change proposed",
        ChildEvent::IroConsulted {} => "IRO consulted",
        ChildEvent::CarePlanChangeApproved { .. } => "Care plan change approved",
        ChildEvent::ComplaintReceived { .. } => "Complaint received",
        ChildEvent::ComplaintResponded { .. } => "Complaint response",
        ChildEvent::ComplaintExtended { .. } => "Complaint response time extended",
        ChildEvent::ComplaintPanelHeld {} => "Complaint review panel met",
        ChildEvent::AdvocacyOffered { .. } => "Advocacy offered",
        ChildEvent::CaseClosed { .. } => "Case closed",
        ChildEvent::EventCorrected { .. } => "Correction",
    }
}

fn notice(notice: &Option<CarerNotice>) -> String {
    match notice {
        Some(CarerNotice::Given { on }) => format!("; carer given notice on {}", crate::calendar::long_date(*on)),
        Some(CarerNotice::Emergency { reason, ground, .. }) => match ground {
            Some(g) => format!("; ended at once, {}: {reason}", g.describe()),
            None => format!("; emergency move, no notice: {reason}"),
        },
        Some(CarerNotice::NotRequired { exemption }) => {
            format!("; no notice under reg 14: {}", exemption.describe())
        }
        None => "; no notice to the carer recorded".to_string(),
    }
}

/// The event's particulars in a sentence.
pub fn summary(event: &ChildEvent) -> String {
    match event {
        ChildEvent::ChildRegistered { la_child_id, details } => {
            format!(
                "{} {} (child ID {la_child_id}) became known to children's services",
                details.given_name, details.family_name
            )
        }
        ChildEvent::PersonalDetailsUpdated { details } => {
            format!("Details now: {} {}", details.given_name, details.family_name)
        }
        ChildEvent::ChildBorn { date_of_birth, .. } => {
            format!("Born on {}", crate::calendar::long_date(*date_of_birth))
        }
        ChildEvent::ChildDied {} => "The child died".into(),
        ChildEvent::AddressChanged { address } => {
            format!("Now living at {}, {}, {}", address.street, address.town, address.postcode)
        }
        ChildEvent::PersonRecorded { person } => format!("{} ({})", person.name, person.relationship.describe()),
        ChildEvent::SiblingLinked { .. } => "Linked to a sibling's record".into(),
        ChildEvent::UascStatusChanged { uasc: true } => "Unaccompanied asylum-seeking child".into(),
        ChildEvent::UascStatusChanged { uasc: false } => "No longer an unaccompanied asylum-seeking child".into(),
        ChildEvent::ContactReceived { source } => format!("From {}", source.description()),
        ChildEvent::ContactDecided { outcome } => match outcome {
            ContactOutcome::Referral => "Accepted as a referral",
            ContactOutcome::EarlyHelp => "Passed to early help",
            ContactOutcome::AdviceOrSignposting => "Advice or signposting",
            ContactOutcome::NoFurtherAction => "No further action",
        }
        .into(),
        ChildEvent::ReferralReceived { source, primary_need } => {
            format!("From {}; need: {}", source.description(), primary_need.description())
        }
        ChildEvent::AssessmentAuthorised { factors, outcome } => {
            let factors: Vec<&str> = factors.iter().map(|f| f.description()).collect();
            let outcome = match outcome {
                AssessmentOutcome::ChildInNeed => "child in need",
                AssessmentOutcome::StrategyDiscussion => "strategy discussion",
                AssessmentOutcome::LookedAfter => "to be looked after",
                AssessmentOutcome::EarlyHelp => "early help",
                AssessmentOutcome::NoFurtherAction => "no further action",
            };
            format!(
                "Outcome: {outcome}; factors: {}",
                if factors.is_empty() { "none recorded".into() } else { factors.join(", ") }
            )
        }
        ChildEvent::StrategyDiscussionHeld { section_47 } => {
            if *section_47 { "Decided on a section 47 enquiry" } else { "No section 47 enquiry" }.into()
        }
        ChildEvent::Section47Completed { outcome } => match outcome {
            Section47Outcome::ConferenceRequired => "Initial child protection conference needed",
            Section47Outcome::ChildInNeed => "Concerns not substantiated; child in need",
            Section47Outcome::NoFurtherAction => "No further action",
        }
        .into(),
        ChildEvent::InitialConferenceHeld { plan_required } => {
            if *plan_required { "Child protection plan needed" } else { "No child protection plan" }.into()
        }
        ChildEvent::ChildProtectionPlanStarted { category } => format!("Category: {}", category.description()),
        ChildEvent::ReviewConferenceHeld { decision, category } => {
            let decision = match decision {
                ReviewConferenceDecision::ContinuePlan => "Plan continues",
                ReviewConferenceDecision::EndPlan => "Plan to end",
            };
            match category {
                Some(c) => format!("{decision}; category now {}", c.description()),
                None => decision.into(),
            }
        }
        ChildEvent::BecameLookedAfter { legal_status, placement, .. } => {
            format!(
                "{} ({}); placement {} ({})",
                legal_status.description(),
                legal_status.code(),
                placement.placement_type.description(),
                placement.placement_type.code()
            )
        }
        ChildEvent::LegalStatusChanged { legal_status } => {
            format!("{} ({})", legal_status.description(), legal_status.code())
        }
        ChildEvent::PlacementChanged { placement, reason, notice: n } => format!(
            "To {} ({}); reason: {}{}",
            placement.placement_type.description(),
            placement.placement_type.code(),
            reason.description(),
            notice(n)
        ),
        ChildEvent::CareContinuedFromBeforeRecord { reason_new, looked_after_since } => format!(
            "This episode began: {} ({}){}",
            reason_new.description(),
            reason_new.code(),
            looked_after_since.map(|d| format!("; looked after since at least {}", long_date(d))).unwrap_or_default()
        ),
        ChildEvent::CeasedToBeLookedAfter { reason, notice: n } => {
            format!("{} ({}){}", reason.description(), reason.code(), notice(n))
        }
        ChildEvent::StatutoryReviewHeld { participation } => {
            format!("{} ({})", participation.description(), participation.code())
        }
        ChildEvent::VisitMade { visit, seen, seen_alone, wishes_and_feelings } => {
            let seen = match (seen, seen_alone) {
                (false, _) => "child not seen".to_string(),
                (true, Some(SeenAlone::Yes)) => "child seen alone".to_string(),
                (true, Some(SeenAlone::No { reason })) => format!("child seen, not alone: {}", reason.describe()),
                (true, None) => "child seen; whether alone not recorded".to_string(),
            };
            let mut kind = visit.describe().to_string();
            if let Some(first) = kind.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            match wishes_and_feelings {
                Some(words) => format!("{kind}: {seen}; the child's wishes and feelings: {words}"),
                None => format!("{kind}: {seen}"),
            }
        }
        ChildEvent::HealthAssessmentCompleted { assessment } => match assessment {
            HealthAssessmentKind::Initial => "Initial health assessment",
            HealthAssessmentKind::Review => "Review health assessment",
        }
        .into(),
        ChildEvent::ImmunisationsRecorded { up_to_date } => {
            if *up_to_date { "Up to date" } else { "Not up to date" }.into()
        }
        ChildEvent::SdqRecorded { outcome } => match outcome {
            SdqOutcome::Score { score } => format!("Score {score}"),
            SdqOutcome::NotCompleted { reason } => format!("Not completed: {}", reason.description()),
        },
        ChildEvent::MissingEpisodeStarted { missing, at } => {
            format!("{} from {}", missing.description(), at.format("%H:%M"))
        }
        ChildEvent::MissingEpisodeEnded { returned_at } => {
            format!("Returned at {}", returned_at.format("%H:%M on %-d %B %Y"))
        }
        ChildEvent::ReturnInterviewOffered { accepted, .. } => if *accepted { "Accepted" } else { "Declined" }.into(),
        ChildEvent::AdoptionDecisionReversed { reason } => reason.description().into(),
        ChildEvent::MatchedWithAdopters { adopters, sex, .. } => {
            format!("{adopters} adopter(s): {}", sex.description())
        }
        ChildEvent::CareLeaverContact { in_touch, activity, accommodation, .. } => {
            let mut parts = vec![in_touch.description().to_string()];
            if let Some(a) = activity {
                parts.push(a.description().into());
            }
            if let Some(a) = accommodation {
                parts.push(a.description().into());
            }
            parts.join("; ")
        }
        ChildEvent::WorkerAllocated { reason, .. } => match reason {
            Some(r) => format!("Reason for change: {}", r.description()),
            None => "First allocation".into(),
        },
        ChildEvent::CarePlanChangeProposed { change, significant, proposes } => {
            let of = proposes.map(|p| format!(" ({})", p.describe())).unwrap_or_default();
            format!("{change}{of}{}", if *significant { " (significant change)" } else { "" })
        }
        ChildEvent::PoliceProtectionTaken { at } => format!("At {}", at.format("%H:%M on %-d %B %Y")),
        ChildEvent::PoliceProtectionEnded { at } => format!("At {}", at.format("%H:%M on %-d %B %Y")),
        ChildEvent::DecidedToCeaseLookingAfter { arrangements, director, approved_by, .. } => {
            let approval = match (approved_by, director) {
                (Some(_), true) => "; approved by the director of children's services",
                (Some(_), false) => "; approved by a nominated officer",
                (None, _) => "",
            };
            format!("{arrangements}{approval}")
        }
        ChildEvent::IroConcernRaised { concern } => concern.clone(),
        ChildEvent::IroConcernEscalated { stage } => format!("Now with the {}", stage.describe()),
        ChildEvent::IroConcernResolved { outcome } => {
            let mut words = outcome.describe().to_string();
            if let Some(first) = words.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            words
        }
        ChildEvent::ComplaintReceived { summary, .. } => summary.clone(),
        ChildEvent::ComplaintResponded { finding, .. } => {
            format!("{finding:?}").replace("PartlyUpheld", "Partly upheld").replace("NotUpheld", "Not upheld")
        }
        ChildEvent::ComplaintExtended { stage, working_days, reason, .. } => {
            let mut at = stage.describe().to_string();
            if let Some(first) = at.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            format!("{at}: to {working_days} working days. {reason}")
        }
        ChildEvent::AdvocacyOffered { accepted } => if *accepted { "Accepted" } else { "Declined" }.into(),
        ChildEvent::CaseClosed { reason } => format!("{} ({})", reason.description(), reason.code()),
        ChildEvent::EventCorrected { replacement: None, .. } => {
            "An earlier entry was withdrawn as entered in error".into()
        }
        ChildEvent::EventCorrected { replacement: Some(r), .. } => format!("Corrected to: {}", summary(r)),
        other => title(other).into(),
    }
}

/// The chronology of a folded record, in date order.
pub fn lines(record: &ChildRecord) -> Vec<ChronologyLine> {
    record
        .timeline
        .iter()
        .map(|entry| {
            let corrects = record.corrections.iter().find(|c| c.by == entry.id).map(|c| c.corrected);
            ChronologyLine {
                event: entry.id,
                date: entry.effective_date,
                title: title(&entry.event),
                detail: summary(&entry.event),
                recorded_at: entry.recorded_at,
                recorded_by: entry.recorded_by,
                reason: entry.reason.clone(),
                corrects,
                manager_override: entry.manager_override.clone(),
            }
        })
        .collect()
}
