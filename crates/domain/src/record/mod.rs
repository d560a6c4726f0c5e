//! The child's record: typed events, the fold that checks and derives state from them, the
//! chronology and the 903 episodes.
//!
//! Each [`ChildEvent`] is one kind of fact, named as the sector names it. Its stored form is the
//! envelope's `kind` (snake case) and a JSON object payload; codes inside are DfE's codes.
//! Nothing here is typed twice: current status, 903 episodes (with `RNE` and `REC`) and the
//! chronology are all derived by [`fold`].

mod chronology;
mod episodes;
mod fold;
mod types;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::codes::{
    AdopterLegalStatus, AdopterSex, AssessmentFactor, CareLeaverAccommodation, CareLeaverActivity, CategoryOfAbuse,
    Disability, Ethnicity, InTouch, LegalStatus, MissingType, Need, PreviousPermanence, ReasonEpisodeCeased,
    ReasonForClosure, ReasonNewEpisode, ReasonPlaceChange, ReasonPlacedCeased, ReferralSource, ReviewParticipation,
    Sex, SocialWorkerChangeReason, UpnUnknown,
};
use crate::event::{EnvelopeError, EventKind, NewEvent, Payload, Reason, RecordedAt, RecordedBy};
use crate::identifiers::{LaChildId, NhsNumber, Upn};
use crate::ids::{ChildId, EventId, TeamId, WorkerId};

pub use chronology::ChronologyLine;
pub use episodes::Episode;
pub use fold::{
    Assessment, CareLeaverStatus, CarePeriod, CareProceedings, CareState, CeaseDecision, ChildProtectionPlan,
    ChildRecord, CinEpisode, Complaint, ComplaintExtension, ContinuedCare, Entry, IroDispute, MissingEpisode,
    PlacementEnding, PoliceProtection, RecordError, Section47, Status, TemporaryApproval, Visit, fold,
};
pub use types::{
    Address, AssessmentOutcome, CarerNotice, ComplaintFinding, ComplaintStage, ContactOutcome, DisputeOutcome,
    DisputeStage, EmergencyGround, EndingExemption, HealthAssessmentKind, NotSeenAloneReason, Placement,
    ProposedChange, RelatedPerson, Relationship, ReviewConferenceDecision, SdqOutcome, Section47Outcome, SeenAlone,
    Urn, VisitKind,
};

/// Who the child is. Held on registration and replaced whole when corrected or updated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonalDetails {
    pub given_name: String,
    pub family_name: String,
    /// Absent for an unborn child.
    pub date_of_birth: Option<NaiveDate>,
    /// For an unborn child.
    pub expected_date_of_birth: Option<NaiveDate>,
    pub sex: Sex,
    pub ethnicity: Ethnicity,
    pub upn: Option<Upn>,
    /// Why there is no UPN.
    pub upn_unknown: Option<UpnUnknown>,
    pub nhs_number: Option<NhsNumber>,
    #[serde(default)]
    pub disabilities: Vec<Disability>,
}

/// One fact in a child's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChildEvent {
    // ------------------------------------------------------------- the child and family
    /// The child (or unborn child) becomes known to children's services.
    ChildRegistered {
        /// The council's own identifier (903 `CHILD`, CIN `LAchildID`).
        la_child_id: LaChildId,
        details: PersonalDetails,
    },
    /// The child's personal details change, or are put right.
    PersonalDetailsUpdated {
        details: PersonalDetails,
    },
    /// An unborn child is born.
    ChildBorn {
        date_of_birth: NaiveDate,
        sex: Sex,
    },
    /// The child died.
    ChildDied {},
    /// The child lives at a new address.
    AddressChanged {
        address: Address,
    },
    /// Someone in the child's life is recorded.
    PersonRecorded {
        person: RelatedPerson,
    },
    /// Another child with a record is the child's sibling (siblings are placed together where
    /// possible and share an IRO).
    SiblingLinked {
        sibling: ChildId,
    },
    /// The child is, or stops being, an unaccompanied asylum-seeking child.
    UascStatusChanged {
        uasc: bool,
    },

    // ------------------------------------------------------------- front door
    /// Information about the child reaches the front door.
    ContactReceived {
        source: ReferralSource,
    },
    /// The front door's decision on the latest contact.
    ContactDecided {
        outcome: ContactOutcome,
    },
    /// A referral to children's social care: a child in need episode begins.
    ReferralReceived {
        source: ReferralSource,
        primary_need: Need,
    },
    /// The referral is closed with no further action, before any assessment.
    ReferralNoFurtherAction {},

    // ------------------------------------------------------------- assessment and child in need
    AssessmentStarted {},
    /// The assessment is completed and authorised by a manager.
    AssessmentAuthorised {
        factors: Vec<AssessmentFactor>,
        outcome: AssessmentOutcome,
    },
    CinPlanStarted {},
    CinPlanReviewed {},
    CinPlanEnded {},

    // ------------------------------------------------------------- child protection
    /// A strategy discussion about significant harm, and whether it started a section 47
    /// enquiry.
    StrategyDiscussionHeld {
        section_47: bool,
    },
    Section47Started {},
    Section47Completed {
        outcome: Section47Outcome,
    },
    /// An initial child protection conference, and whether it made a child protection plan.
    InitialConferenceHeld {
        plan_required: bool,
    },
    ChildProtectionPlanStarted {
        category: CategoryOfAbuse,
    },
    CoreGroupMeetingHeld {},
    /// A review child protection conference; it may change the category of abuse.
    ReviewConferenceHeld {
        decision: ReviewConferenceDecision,
        category: Option<CategoryOfAbuse>,
    },
    ChildProtectionPlanEnded {},
    /// Before careful's record began, the child had had `count` child protection plans, known
    /// from another system's returns (the CIN census `NumberOfPreviousCPP`) when the plans
    /// themselves are not. They count as earlier plans wherever the record counts them (the
    /// census's `NumberOfPreviousCPP`, repeat plans); recorded once.
    ChildProtectionPlansBeforeRecord {
        count: u32,
    },

    // ------------------------------------------------------------- looked after
    /// The child starts to be looked after.
    BecameLookedAfter {
        legal_status: LegalStatus,
        placement: Placement,
        /// The 903 category of need (N1 to N8).
        category_of_need: Need,
        /// The postcode of the home the child came from (903 `HOME_POST`).
        home_postcode: Option<crate::identifiers::Postcode>,
        /// Any permanence order the child had before (903 `PrevPerm`).
        previous_permanence: Option<PreviousPermanence>,
    },
    LegalStatusChanged {
        legal_status: LegalStatus,
    },
    /// The child's carer, a relative, friend or other connected person, is approved as a foster
    /// carer temporarily, for up to 16 weeks, while they are assessed (CPPCR 2010 reg 24).
    ConnectedPersonTemporarilyApproved {},
    /// The temporary approval is extended, once, by up to 8 weeks (CPPCR 2010 reg 25).
    ConnectedPersonApprovalExtended {
        weeks: u8,
    },
    /// The connected person is approved as a foster carer, ending the temporary approval.
    ConnectedPersonApproved {},
    /// The court issues the council's application for a care or supervision order (Children
    /// Act 1989 s31): the day the 26 weeks of s32(1)(a)(ii) begin.
    CareProceedingsIssued {},
    /// The court extends the timetable for the proceedings by up to 8 weeks, for its stated
    /// reason (s32(5) to (8)).
    CareProceedingsExtended {
        weeks: u8,
        reason: String,
    },
    /// The proceedings are decided (a final order, or the application withdrawn or refused).
    CareProceedingsConcluded {},
    /// The court extends an emergency protection order, once, by up to 7 days (Children Act
    /// 1989 s45(4) to (6)).
    EmergencyProtectionOrderExtended {
        days: u8,
    },
    /// The police take the child into police protection (Children Act 1989 s46), at this time:
    /// no child may be kept in police protection for more than 72 hours (s46(6)).
    PoliceProtectionTaken {
        at: NaiveDateTime,
    },
    /// The child's police protection ends, at this time: released, or an order made.
    PoliceProtectionEnded {
        at: NaiveDateTime,
    },
    /// The child moves placement. The previous placement ends, with what its carer was told.
    PlacementChanged {
        placement: Placement,
        reason: ReasonPlaceChange,
        notice: Option<CarerNotice>,
    },
    /// The period of care the child was just recorded as in began before careful's record began
    /// (an import of another system's returns): its first episode here began for `reason_new`
    /// (903 `RNE`, not `S`), and the child had been looked after continuously since
    /// `looked_after_since`, when an earlier date is known (a 903 OC2 row, for example). Recorded
    /// on the day of the `BecameLookedAfter` it qualifies.
    CareContinuedFromBeforeRecord {
        reason_new: ReasonNewEpisode,
        looked_after_since: Option<NaiveDate>,
    },
    /// On this day the child was looked after, in a period of care that began before careful's
    /// record and whose episodes careful holds only from a later day (a decision to place for
    /// adoption made during an earlier episode, known from another system's returns). The child
    /// counts as looked after from this day until that period's first recorded episode.
    LookedAfterBeforeRecord {},
    /// Before careful's record began, the child was an eligible child (looked after at 16 or 17,
    /// with 13 weeks of care since 14: CA 1989 Sch 2 para 19B), so is a relevant or former
    /// relevant child once out of care (s23A, s23C). Recorded from another system's returns (a
    /// 903 OC3 row) when the periods of care themselves are not known.
    EligibleChildBeforeRecord {},
    /// The child stops being looked after; the placement ends with what its carer was told.
    CeasedToBeLookedAfter {
        reason: ReasonEpisodeCeased,
        notice: Option<CarerNotice>,
    },
    /// After a placement ended without notice beforehand (at once, in an emergency, or with no
    /// notice recorded), the carer is told in writing (CPPCR reg 14(3)).
    CarerNotifiedOfEnding {},
    /// After a placement ended at once (CPPCR reg 14(3)), the IRO is told, as soon as
    /// reasonably practicable (reg 14(3)(b), (2)(b)).
    IroInformedOfEnding {},
    /// The decision to cease to look after the child (CPPCR reg 39): the arrangements for their
    /// accommodation and the support they will need assessed, and their wishes and feelings
    /// ascertained, before deciding (reg 39(2)); approved by a nominated officer when the child
    /// has been looked after for 20 working days or more (reg 39(4)), or by the director of
    /// children's services for a 16 or 17 year old not in care (reg 39(5)).
    DecidedToCeaseLookingAfter {
        arrangements: String,
        wishes_and_feelings: String,
        approved_by: Option<WorkerId>,
        /// Whether the approver is the director of children's services.
        director: bool,
    },
    /// A looked-after review (CPPCR reg 32 to 38), chaired by the IRO.
    StatutoryReviewHeld {
        participation: ReviewParticipation,
    },
    /// A visit to the child, and whether the child was seen and seen alone (CPPCR reg 29), with
    /// the child's wishes and feelings as the child gave them (CA 1989 s22(4), s17(4A)).
    VisitMade {
        visit: VisitKind,
        seen: bool,
        seen_alone: Option<SeenAlone>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wishes_and_feelings: Option<String>,
    },
    HealthAssessmentCompleted {
        assessment: HealthAssessmentKind,
    },
    DentalCheckCompleted {},
    ImmunisationsRecorded {
        up_to_date: bool,
    },
    SdqRecorded {
        outcome: SdqOutcome,
    },
    /// A personal education plan (PEP) is written or reviewed.
    PepReviewed {},
    /// The child goes missing, or is away from placement without authorisation.
    MissingEpisodeStarted {
        missing: MissingType,
        at: NaiveDateTime,
    },
    MissingEpisodeEnded {
        returned_at: NaiveDateTime,
    },
    /// An independent return interview is offered, and whether the child accepts it.
    ReturnInterviewOffered {
        offered_at: NaiveDateTime,
        accepted: bool,
    },
    ReturnInterviewHeld {
        held_at: NaiveDateTime,
    },

    // ------------------------------------------------------------- adoption
    /// The agency decision maker decides the child should be placed for adoption.
    AdoptionDecisionMade {},
    AdoptionDecisionReversed {
        reason: ReasonPlacedCeased,
    },
    MatchedWithAdopters {
        adopters: u8,
        sex: AdopterSex,
        legal_status: AdopterLegalStatus,
        /// Whether the adopters are the child's foster carers.
        foster_carers: bool,
    },

    // ------------------------------------------------------------- care leavers
    /// Contact with a care leaver: in touch, activity and accommodation (903 `OC3`).
    CareLeaverContact {
        in_touch: InTouch,
        activity: Option<CareLeaverActivity>,
        accommodation: Option<CareLeaverAccommodation>,
        accommodation_suitable: Option<bool>,
    },
    /// The assessment of an eligible child's needs that the pathway plan rests on: health,
    /// education, training and employment, family and social relationships, practical and other
    /// skills, finances, accommodation, wishes and views (CPPCR 2010 reg 42).
    NeedsAssessmentCompleted {},
    PathwayPlanCompleted {},
    PathwayPlanReviewed {},
    StayingPutAgreed {},
    PersonalAdviserAllocated {
        worker: WorkerId,
    },

    // ------------------------------------------------------------- workers and the IRO
    /// A worker in a team becomes the child's allocated worker.
    WorkerAllocated {
        worker: WorkerId,
        team: TeamId,
        reason: Option<SocialWorkerChangeReason>,
    },
    /// The allocated worker's allocation ends with nobody allocated in their place (the
    /// child moved to another council's care, or the work with them ended).
    WorkerAllocationEnded {},
    IroAppointed {
        iro: WorkerId,
    },
    /// The IRO raises a concern about the child's care plan, its progress or how the council is
    /// meeting its duties to the child, and the council's dispute resolution process begins with
    /// informal resolution (CA 1989 s25B(3); IRO Handbook 2010 ch. 6).
    IroConcernRaised {
        concern: String,
    },
    /// The IRO takes the open concern to a later stage of the dispute resolution process.
    IroConcernEscalated {
        stage: DisputeStage,
    },
    /// The open concern is settled, withdrawn, or referred to Cafcass (CA 1989 s25B(3)).
    IroConcernResolved {
        outcome: DisputeOutcome,
    },

    // ------------------------------------------------------------- care planning
    CarePlanChangeProposed {
        change: String,
        significant: bool,
        /// What the change is a change of; optional so that proposals recorded before careful
        /// asked still read (such a proposal answers any change).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        proposes: Option<ProposedChange>,
    },
    IroConsulted {},
    CarePlanChangeApproved {
        approved_by: WorkerId,
    },

    // ------------------------------------------------------------- complaints and advocacy
    ComplaintReceived {
        stage: ComplaintStage,
        summary: String,
    },
    ComplaintResponded {
        stage: ComplaintStage,
        finding: ComplaintFinding,
    },
    /// The period for responding at stage 1 or 2 is extended (Children Act 1989 Representations
    /// Procedure (England) Regulations 2006, reg 14: 10 working days, at most 20; reg 17: 25
    /// working days, at most 65). `working_days` is the whole period as extended, counted from
    /// the day the complaint was received at that stage, not the days added.
    ComplaintExtended {
        stage: ComplaintStage,
        working_days: u8,
        reason: String,
        agreed_by: WorkerId,
    },
    /// The review panel met on a stage 3 request (reg 19(4): within 30 working days of the
    /// request).
    ComplaintPanelHeld {},
    AdvocacyOffered {
        accepted: bool,
    },

    // ------------------------------------------------------------- closure and corrections
    /// The child in need episode closes.
    CaseClosed {
        reason: ReasonForClosure,
    },
    /// Puts right an earlier event: `replacement` takes its place (on `replacement_date`, or the
    /// original's date), or, without one, the earlier event is withdrawn as entered in error.
    /// The envelope's reason says why.
    EventCorrected {
        corrects: EventId,
        replacement: Option<Box<ChildEvent>>,
        replacement_date: Option<NaiveDate>,
    },
}

/// A payload that does not match its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event {event} of kind {kind} could not be read: {detail}")]
pub struct PayloadError {
    pub event: EventId,
    pub kind: EventKind,
    pub detail: String,
}

impl ChildEvent {
    /// The stored kind of this event (its variant in snake case).
    pub fn kind(&self) -> EventKind {
        let value = serde_json::to_value(self).unwrap_or_default();
        let name = value.get("kind").and_then(|k| k.as_str()).unwrap_or("unknown").to_string();
        EventKind::parse(name).unwrap_or_else(|_| EventKind::parse("unknown").expect("valid"))
    }

    /// Puts this event in an envelope ready to append. Fails only if a text field holds a NUL
    /// character or the event is over a megabyte.
    pub fn into_envelope(
        self,
        id: EventId,
        effective_date: NaiveDate,
        recorded_at: RecordedAt,
        recorded_by: RecordedBy,
        reason: Option<Reason>,
    ) -> Result<NewEvent, EnvelopeError> {
        let (kind, map) = match serde_json::to_value(&self) {
            Ok(serde_json::Value::Object(mut map)) => {
                let kind = map.remove("kind").and_then(|k| k.as_str().map(str::to_string)).unwrap_or_default();
                let payload = match map.remove("payload") {
                    Some(serde_json::Value::Object(payload)) => payload,
                    _ => serde_json::Map::new(),
                };
                (kind, payload)
            }
            _ => (String::new(), serde_json::Map::new()),
        };
        Ok(NewEvent {
            id,
            kind: EventKind::parse(kind)?,
            payload: Payload::new(map)?,
            effective_date,
            recorded_at,
            recorded_by,
            reason,
            manager_override: None,
        })
    }

    /// Reads the typed event back out of an envelope.
    pub fn from_envelope(event: &NewEvent) -> Result<ChildEvent, PayloadError> {
        let value = serde_json::json!({ "kind": event.kind.as_str(), "payload": event.payload.as_map() });
        serde_json::from_value(value).map_err(|e| PayloadError {
            event: event.id,
            kind: event.kind.clone(),
            detail: e.to_string(),
        })
    }

    /// The event in a few words, as a heading ("Looked-after review").
    pub fn title(&self) -> &'static str {
        chronology::title(self)
    }

    /// One line for the chronology, in plain words.
    pub fn summary(&self) -> String {
        chronology::summary(self)
    }
}

#[cfg(test)]
mod tests;
