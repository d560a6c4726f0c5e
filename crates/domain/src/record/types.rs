//! The values events carry: placements, notices, visits, outcomes.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{PlacementProvider, PlacementType};
use crate::identifiers::{IdentifierError, Postcode};
use crate::ids::{CarerId, PersonId, WorkerId};

/// An Ofsted unique reference number for a registered provider (for example `SC123456`), the
/// 903 `URN`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Urn(String);

impl FromStr for Urn {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_uppercase();
        if (6..=8).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(Urn(t))
        } else {
            Err(IdentifierError {
                what: "Ofsted URN",
                input: s.to_string(),
                why: "a URN is 6 to 8 letters and digits, such as SC123456".into(),
            })
        }
    }
}

impl TryFrom<String> for Urn {
    type Error = IdentifierError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Urn> for String {
    fn from(value: Urn) -> Self {
        value.0
    }
}

impl fmt::Display for Urn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where and with whom a looked-after child lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    #[serde(rename = "type")]
    pub placement_type: PlacementType,
    /// Required unless the placement type has no provider (temporary and "other" placements).
    pub provider: Option<PlacementProvider>,
    /// The placement's postcode (903 `PL_POST`).
    pub postcode: Option<Postcode>,
    /// The Ofsted URN of a registered provider, where there is one.
    pub urn: Option<Urn>,
    /// The carer or carer household: the 903 distinguishes a change of placement with the same
    /// carer (`T`, `U`) from one with a new carer (`P`, `B`).
    pub carer: CarerId,
}

/// What a carer was told before a placement ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "notice", rename_all = "snake_case", deny_unknown_fields)]
pub enum CarerNotice {
    /// Written notice given to the carer on this date (CPPCR reg 14(2)).
    Given { on: NaiveDate },
    /// Ended at once (CPPCR reg 14(3)): on one of the regulation's two grounds, authorised by a
    /// manager, and why. `ground` and `authorised_by` are optional only so that entries recorded
    /// before careful asked for them still read; careful refuses a new emergency ending without
    /// them.
    Emergency {
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ground: Option<EmergencyGround>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        authorised_by: Option<WorkerId>,
    },
    /// Regulation 14 does not apply to this ending (reg 14(5)), for the reason given.
    NotRequired { exemption: EndingExemption },
}

/// Why a placement had to end at once (CPPCR 2010 reg 14(3)): the regulation's two grounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmergencyGround {
    /// There was an immediate risk of significant harm to the child.
    RiskToChild,
    /// It was needed to protect others from serious injury.
    ProtectOthers,
}

impl EmergencyGround {
    pub fn describe(self) -> &'static str {
        match self {
            EmergencyGround::RiskToChild => "an immediate risk of significant harm to the child",
            EmergencyGround::ProtectOthers => "to protect others from serious injury",
        }
    }
}

/// The endings regulation 14 does not apply to (CPPCR 2010 reg 14(5)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndingExemption {
    /// A placement with a parent made before their assessment was complete, ended because the
    /// decision was not to confirm it (reg 19(c)).
    ParentPlacementNotConfirmed,
    /// An emergency placement with an approved foster carer, for up to 6 working days, ended
    /// at its close (reg 23(2)).
    EmergencyFosterPlacementEnded,
    /// A connected person's temporary approval expired (reg 25(6)).
    TemporaryApprovalExpired,
    /// The move was decided on a review under section 22D(1) of the Children Act 1989.
    Section22dReview,
}

impl EndingExemption {
    pub fn describe(self) -> &'static str {
        match self {
            EndingExemption::ParentPlacementNotConfirmed => {
                "a placement with a parent before assessment, not confirmed (reg 19(c))"
            }
            EndingExemption::EmergencyFosterPlacementEnded => {
                "an emergency placement with a foster carer, at its end (reg 23(2))"
            }
            EndingExemption::TemporaryApprovalExpired => "a connected person's temporary approval expired (reg 25(6))",
            EndingExemption::Section22dReview => "decided at a review under section 22D of the Children Act 1989",
        }
    }
}

/// What a proposed change to the care plan is a change of, so that a proposal answers only the
/// change it proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposedChange {
    /// A move to another placement.
    Placement,
    /// Ceasing to look after the child.
    EndOfCare,
    /// Any other change to the plan.
    Other,
}

impl ProposedChange {
    pub fn describe(self) -> &'static str {
        match self {
            ProposedChange::Placement => "a move of placement",
            ProposedChange::EndOfCare => "ceasing to look after the child",
            ProposedChange::Other => "another change to the plan",
        }
    }
}

/// Why a child was not seen alone at a visit (CPPCR reg 29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotSeenAloneReason {
    /// The child, of sufficient understanding, refused.
    ChildRefused,
    /// The worker considered it inappropriate, given the child's age and understanding.
    Inappropriate,
    /// The worker was unable to.
    Unable,
}

impl NotSeenAloneReason {
    pub fn describe(self) -> &'static str {
        match self {
            NotSeenAloneReason::ChildRefused => "the child refused",
            NotSeenAloneReason::Inappropriate => "not appropriate, given the child's age and understanding",
            NotSeenAloneReason::Unable => "the worker was unable to",
        }
    }
}

/// Whether the child was seen alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "alone", rename_all = "snake_case", deny_unknown_fields)]
pub enum SeenAlone {
    Yes,
    No { reason: NotSeenAloneReason },
}

/// Which plan a visit is made under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// During an assessment.
    Assessment,
    /// Under a child in need plan.
    ChildInNeed,
    /// Under a child protection plan.
    ChildProtection,
    /// A statutory visit to a looked-after child (CPPCR Part 5).
    LookedAfter,
    /// A personal adviser's or worker's contact with a care leaver.
    CareLeaver,
}

impl VisitKind {
    pub fn describe(self) -> &'static str {
        match self {
            VisitKind::Assessment => "assessment visit",
            VisitKind::ChildInNeed => "child in need visit",
            VisitKind::ChildProtection => "child protection visit",
            VisitKind::LookedAfter => "statutory visit",
            VisitKind::CareLeaver => "care leaver visit",
        }
    }
}

/// What the front door decided about a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactOutcome {
    /// Accepted as a referral to children's social care.
    Referral,
    /// Passed to early help.
    EarlyHelp,
    /// Advice or signposting given.
    AdviceOrSignposting,
    /// No further action.
    NoFurtherAction,
}

/// What a child and family assessment concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentOutcome {
    /// The child is in need: services under a child in need plan.
    ChildInNeed,
    /// Concerns of significant harm: a strategy discussion.
    StrategyDiscussion,
    /// The child should be looked after.
    LookedAfter,
    /// Not in need: referred to early help.
    EarlyHelp,
    /// Not in need: no further action.
    NoFurtherAction,
}

/// What a section 47 enquiry concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section47Outcome {
    /// Concerns substantiated: an initial child protection conference.
    ConferenceRequired,
    /// Concerns not substantiated, but the child is in need.
    ChildInNeed,
    /// No further action.
    NoFurtherAction,
}

/// The kind of health assessment a looked-after child had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthAssessmentKind {
    Initial,
    Review,
}

/// A Strengths and Difficulties Questionnaire: a score, or why there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "sdq", rename_all = "snake_case", deny_unknown_fields)]
pub enum SdqOutcome {
    Score { score: u8 },
    NotCompleted { reason: crate::codes::SdqReason },
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// House and street.
    pub street: String,
    pub town: String,
    pub postcode: Postcode,
}

/// How someone is related to the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    Mother,
    Father,
    StepParent,
    Sibling,
    HalfSibling,
    Grandparent,
    AuntOrUncle,
    OtherRelative,
    FamilyFriend,
    ParentsPartner,
}

impl Relationship {
    pub fn describe(self) -> &'static str {
        match self {
            Relationship::Mother => "mother",
            Relationship::Father => "father",
            Relationship::StepParent => "step-parent",
            Relationship::Sibling => "sibling",
            Relationship::HalfSibling => "half-sibling",
            Relationship::Grandparent => "grandparent",
            Relationship::AuntOrUncle => "aunt or uncle",
            Relationship::OtherRelative => "other relative",
            Relationship::FamilyFriend => "family friend",
            Relationship::ParentsPartner => "parent's partner",
        }
    }
}

/// Someone in the child's life, as recorded on the child's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelatedPerson {
    pub person: PersonId,
    pub name: String,
    pub relationship: Relationship,
    pub parental_responsibility: bool,
    pub date_of_birth: Option<NaiveDate>,
}

/// The three stages of the Children Act 1989 representations procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStage {
    /// Local resolution.
    LocalResolution,
    /// Investigation.
    Investigation,
    /// Review panel.
    ReviewPanel,
}

impl ComplaintStage {
    /// The working days the authority has to respond at this stage, counted from the day the
    /// complaint was received at it, before any extension: 10 at stage 1 (Children Act 1989
    /// Representations Procedure (England) Regulations 2006, reg 14) and 25 at stage 2 (reg 17).
    /// None at the review panel, whose clock is the panel's meeting (reg 19(4)).
    pub fn response_working_days(self) -> Option<u8> {
        match self {
            ComplaintStage::LocalResolution => Some(10),
            ComplaintStage::Investigation => Some(25),
            ComplaintStage::ReviewPanel => None,
        }
    }

    /// The longest the period may be extended to, in working days from the same day: 20 at
    /// stage 1 (reg 14) and 65 at stage 2 (reg 17). None at the review panel: the regulations
    /// allow no extension of its 30 working days.
    pub fn extended_working_days(self) -> Option<u8> {
        match self {
            ComplaintStage::LocalResolution => Some(20),
            ComplaintStage::Investigation => Some(65),
            ComplaintStage::ReviewPanel => None,
        }
    }

    /// The stage in a few words ("stage 1 (local resolution)").
    pub fn describe(self) -> &'static str {
        match self {
            ComplaintStage::LocalResolution => "stage 1 (local resolution)",
            ComplaintStage::Investigation => "stage 2 (investigation)",
            ComplaintStage::ReviewPanel => "stage 3 (review panel)",
        }
    }
}

/// What a complaint response found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintFinding {
    Upheld,
    PartlyUpheld,
    NotUpheld,
    Withdrawn,
}

/// What a child protection review conference decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewConferenceDecision {
    ContinuePlan,
    EndPlan,
}

/// The stages of a council's dispute resolution process for an IRO's concern (IRO Handbook
/// 2010, ch. 6): informal resolution with the social worker and their manager, then formal
/// stages up the line of management to the director of children's services. Councils name and
/// time their stages locally; these are the steps their procedures share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStage {
    /// With the social worker and their team manager.
    Informal,
    /// Formal: the team manager.
    TeamManager,
    /// Formal: the service manager or head of service.
    ServiceManager,
    /// Formal: the assistant director.
    AssistantDirector,
    /// Formal: the director of children's services.
    Director,
}

impl DisputeStage {
    pub const ALL: [DisputeStage; 5] = [
        DisputeStage::Informal,
        DisputeStage::TeamManager,
        DisputeStage::ServiceManager,
        DisputeStage::AssistantDirector,
        DisputeStage::Director,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            DisputeStage::Informal => "informal resolution",
            DisputeStage::TeamManager => "team manager",
            DisputeStage::ServiceManager => "service manager",
            DisputeStage::AssistantDirector => "assistant director",
            DisputeStage::Director => "director of children's services",
        }
    }
}

/// How an IRO's concern ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeOutcome {
    /// The council put right what the IRO raised.
    Resolved,
    /// The IRO withdrew the concern.
    Withdrawn,
    /// The IRO referred the case to Cafcass (CA 1989 s25B(3)).
    ReferredToCafcass,
}

impl DisputeOutcome {
    pub fn describe(self) -> &'static str {
        match self {
            DisputeOutcome::Resolved => "resolved",
            DisputeOutcome::Withdrawn => "withdrawn",
            DisputeOutcome::ReferredToCafcass => "referred to Cafcass",
        }
    }
}
