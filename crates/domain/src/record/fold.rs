//! The fold: a child's events, in the order they happened, checked one by one against what came
//! before and gathered into the state of the record.
//!
//! Events are applied in effective-date order (recording order breaks ties), so an event
//! recorded late takes its proper place. Corrections are resolved first: a corrected event is
//! replaced by its replacement (or withdrawn) before anything is applied. An event that could
//! not have happened given the rest of the record (an assessment authorised before it started, a
//! review for a child who is not looked after, a placement code DfE does not accept that year)
//! makes the fold fail with a [`RecordError`] naming the event and the field; the app refuses
//! to record it.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use crate::CollectionYear;
use crate::calendar::{date_attaining_age, long_date};
use crate::codes::{
    AdopterLegalStatus, AdopterSex, AssessmentFactor, CareLeaverAccommodation, CareLeaverActivity, CategoryOfAbuse,
    InTouch, LegalStatus, MissingType, Need, PreviousPermanence, ReasonEpisodeCeased, ReasonForClosure,
    ReasonNewEpisode, ReasonPlaceChange, ReasonPlacedCeased, ReferralSource, ReviewParticipation,
    SocialWorkerChangeReason,
};
use crate::event::{Override, Reason, RecordedAt, RecordedBy, RecordedEvent, Sequence};
use crate::identifiers::{LaChildId, Postcode};
use crate::ids::{CarerId, ChildId, EventId, TeamId, WorkerId};

use super::chronology;
use super::types::{
    Address, AssessmentOutcome, CarerNotice, ComplaintFinding, ComplaintStage, ContactOutcome, DisputeOutcome,
    DisputeStage, EndingExemption, HealthAssessmentKind, Placement, ProposedChange, RelatedPerson,
    ReviewConferenceDecision, SdqOutcome, Section47Outcome, SeenAlone, VisitKind,
};
use super::{ChildEvent, PayloadError, PersonalDetails};

/// An event with the envelope facts the fold needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: EventId,
    /// Position in the child's stream (recording order).
    pub sequence: Sequence,
    pub effective_date: NaiveDate,
    pub recorded_at: RecordedAt,
    pub recorded_by: RecordedBy,
    pub reason: Option<Reason>,
    /// A manager's override of guardrails, recorded with the event.
    pub manager_override: Option<Override>,
    pub event: ChildEvent,
}

impl Entry {
    /// Reads an entry from a stored event.
    pub fn from_recorded(recorded: &RecordedEvent) -> Result<Entry, PayloadError> {
        let e = &recorded.event;
        Ok(Entry {
            id: e.id,
            sequence: recorded.sequence,
            effective_date: e.effective_date,
            recorded_at: e.recorded_at,
            recorded_by: e.recorded_by,
            reason: e.reason.clone(),
            manager_override: e.manager_override.clone(),
            event: ChildEvent::from_envelope(e)?,
        })
    }
}

/// An event that cannot be part of the record, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} on {}: {field}: {problem}", long_date(*date))]
pub struct RecordError {
    pub event: EventId,
    pub date: NaiveDate,
    /// The event in words: "Assessment authorised".
    pub what: &'static str,
    /// The field at fault, as the form and the payload name it: `date`, `legal_status`,
    /// `placement.type`...
    pub field: &'static str,
    pub problem: String,
}

/// A span of days: from `start`, to `end` if it has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

impl Span {
    pub fn is_open(&self) -> bool {
        self.end.is_none()
    }

    /// Whether `date` falls within the span (both ends included).
    pub fn covers(&self, date: NaiveDate) -> bool {
        date >= self.start && self.end.is_none_or(|end| date <= end)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub date: NaiveDate,
    pub source: ReferralSource,
    pub outcome: Option<(NaiveDate, ContactOutcome)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub started: NaiveDate,
    pub authorised: Option<NaiveDate>,
    pub factors: Vec<AssessmentFactor>,
    pub outcome: Option<AssessmentOutcome>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CinPlan {
    pub span: Span,
    pub reviews: Vec<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section47 {
    pub started: NaiveDate,
    /// The strategy discussion that initiated it (the ICPC clock starts here).
    pub strategy_discussion: NaiveDate,
    pub completed: Option<(NaiveDate, Section47Outcome)>,
    /// The initial child protection conference, and whether it made a plan.
    pub initial_conference: Option<(NaiveDate, bool)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildProtectionPlan {
    pub span: Span,
    pub initial_category: CategoryOfAbuse,
    pub latest_category: CategoryOfAbuse,
    pub review_conferences: Vec<(NaiveDate, ReviewConferenceDecision)>,
    pub core_groups: Vec<NaiveDate>,
}

/// A child in need episode: from referral to closure (the CIN census `CINdetails`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CinEpisode {
    pub referral_date: NaiveDate,
    pub source: ReferralSource,
    pub primary_need: Need,
    /// Closed at referral with no further action (CIN census `ReferralNFA`).
    pub no_further_action: bool,
    pub closed: Option<(NaiveDate, ReasonForClosure)>,
    pub assessments: Vec<Assessment>,
    pub cin_plans: Vec<CinPlan>,
    pub strategy_discussions: Vec<(NaiveDate, bool)>,
    pub section_47s: Vec<Section47>,
    pub cp_plans: Vec<ChildProtectionPlan>,
}

impl CinEpisode {
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }

    pub fn end(&self) -> Option<NaiveDate> {
        self.closed.map(|(d, _)| d)
    }
}

/// The legal status and placement from a date, within a period of care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareState {
    pub date: NaiveDate,
    pub legal_status: LegalStatus,
    pub placement: Placement,
    /// Why the previous placement ended, when this state began with a move.
    pub reason_place_change: Option<ReasonPlaceChange>,
}

/// How a placement ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementEnding {
    pub date: NaiveDate,
    pub placement: Placement,
    pub notice: Option<CarerNotice>,
    /// For a placement ended without notice beforehand: when the carer was told in writing
    /// afterwards.
    pub notified_after: Option<NaiveDate>,
    /// For a placement ended at once (reg 14(3)): when the IRO was told.
    pub iro_informed: Option<NaiveDate>,
}

/// A time in police protection (Children Act 1989 s46): from the time the police took the
/// child to the time it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoliceProtection {
    pub taken: NaiveDateTime,
    pub ended: Option<NaiveDateTime>,
}

/// A decision to cease to look after the child (CPPCR reg 39).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CeaseDecision {
    pub date: NaiveDate,
    pub arrangements: String,
    pub wishes_and_feelings: String,
    pub approved_by: Option<WorkerId>,
    /// Whether the approver is the director of children's services (reg 39(5)).
    pub director: bool,
}

/// A connected person's temporary approval as a foster carer (CPPCR reg 24): the carer, the day
/// it began, its one extension (reg 25) and the day it ended by full approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemporaryApproval {
    pub carer: CarerId,
    pub approved: NaiveDate,
    pub extension: Option<(NaiveDate, u8)>,
    pub fully_approved: Option<NaiveDate>,
}

impl TemporaryApproval {
    /// Whether the carer was under temporary approval on `date` (from the day it began until
    /// the day of full approval).
    pub fn covers(&self, carer: CarerId, date: NaiveDate) -> bool {
        self.carer == carer && self.approved <= date && self.fully_approved.is_none_or(|d| date < d)
    }
}

/// Care proceedings: the council's application for a care or supervision order, from the day
/// the court issued it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareProceedings {
    pub issued: NaiveDate,
    /// Extensions of the timetable: when, by how many weeks, and the court's reason.
    pub extensions: Vec<(NaiveDate, u8, String)>,
    pub concluded: Option<NaiveDate>,
}

/// A period of care: from becoming looked after to ceasing to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarePeriod {
    pub started: NaiveDate,
    /// Every change of legal status or placement, the first on `started`.
    pub states: Vec<CareState>,
    pub ended: Option<(NaiveDate, ReasonEpisodeCeased)>,
    pub category_of_need: Need,
    pub home_postcode: Option<Postcode>,
    pub previous_permanence: Option<PreviousPermanence>,
    pub reviews: Vec<(NaiveDate, ReviewParticipation)>,
    pub placement_endings: Vec<PlacementEnding>,
    /// Set when the period began before careful's record did (an import).
    pub continued: Option<ContinuedCare>,
}

/// A period of care that began before careful's record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContinuedCare {
    /// Why the first episode careful holds began (903 `RNE`; never `S`).
    pub reason_new: ReasonNewEpisode,
    /// A day the child is known to have been looked after continuously since, if earlier.
    pub looked_after_since: Option<NaiveDate>,
}

impl CarePeriod {
    /// The earliest day the child is known to have been looked after continuously since: the
    /// period's start, or an earlier day known from before the record began.
    pub fn looked_after_since(&self) -> NaiveDate {
        self.continued.and_then(|c| c.looked_after_since).map_or(self.started, |d| d.min(self.started))
    }

    pub fn is_open(&self) -> bool {
        self.ended.is_none()
    }

    pub fn end(&self) -> Option<NaiveDate> {
        self.ended.map(|(d, _)| d)
    }

    pub fn current(&self) -> &CareState {
        self.states.last().expect("a period of care has a first state")
    }

    /// The state in force at the end of `date`, if the child was looked after then.
    pub fn state_on(&self, date: NaiveDate) -> Option<&CareState> {
        if date < self.started || self.end().is_some_and(|end| date > end) {
            return None;
        }
        self.states.iter().rev().find(|s| s.date <= date)
    }

    /// Short breaks only (V3, V4) throughout.
    pub fn is_short_breaks(&self) -> bool {
        self.states.iter().all(|s| s.legal_status.is_short_breaks())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub date: NaiveDate,
    pub kind: VisitKind,
    pub seen: bool,
    pub seen_alone: Option<SeenAlone>,
    /// The child's wishes and feelings, as recorded at the visit.
    pub wishes_and_feelings: Option<String>,
}

/// A concern an IRO raised, and its course through the dispute resolution process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IroDispute {
    pub raised: NaiveDate,
    pub concern: String,
    /// Each stage reached, from informal resolution on the day it was raised.
    pub stages: Vec<(NaiveDate, DisputeStage)>,
    pub ended: Option<(NaiveDate, DisputeOutcome)>,
}

impl IroDispute {
    /// The stage the concern is at (or ended at), and since when.
    pub fn stage(&self) -> (NaiveDate, DisputeStage) {
        self.stages.last().copied().unwrap_or((self.raised, DisputeStage::Informal))
    }

    pub fn is_open(&self) -> bool {
        self.ended.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingEpisode {
    pub kind: MissingType,
    pub started: NaiveDateTime,
    pub ended: Option<NaiveDateTime>,
    pub interview_offered: Option<(NaiveDateTime, bool)>,
    pub interview_held: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdopterMatch {
    pub date: NaiveDate,
    pub adopters: u8,
    pub sex: AdopterSex,
    pub legal_status: AdopterLegalStatus,
    pub foster_carers: bool,
}

/// A decision that the child should be placed for adoption (903 `PlacedAdoption`, `AD1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptionDecision {
    pub decided: NaiveDate,
    pub reversed: Option<(NaiveDate, ReasonPlacedCeased)>,
    pub matched: Option<AdopterMatch>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareLeaverContact {
    pub date: NaiveDate,
    pub in_touch: InTouch,
    pub activity: Option<CareLeaverActivity>,
    pub accommodation: Option<CareLeaverAccommodation>,
    pub accommodation_suitable: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub date: NaiveDate,
    pub worker: WorkerId,
    pub team: TeamId,
    pub reason: Option<SocialWorkerChangeReason>,
    /// The day the allocation ended with nobody allocated in its place, if it did.
    pub ended: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarePlanChange {
    pub proposed: NaiveDate,
    pub change: String,
    pub significant: bool,
    /// What it is a change of, where recorded.
    pub proposes: Option<ProposedChange>,
    pub iro_consulted: Option<NaiveDate>,
    pub approved: Option<(NaiveDate, WorkerId)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    pub received: NaiveDate,
    pub stage: ComplaintStage,
    pub summary: String,
    pub responded: Option<(NaiveDate, ComplaintFinding)>,
    /// Extensions of the period for responding, in the order recorded.
    pub extensions: Vec<ComplaintExtension>,
    /// The day the review panel met, for a stage 3 request.
    pub panel_held: Option<NaiveDate>,
}

impl Complaint {
    /// The period for responding in working days, with the latest extension recorded (whether
    /// it was made in time is the duty's question, not the record's).
    pub fn working_days(&self) -> Option<u8> {
        self.extensions.last().map(|x| x.working_days).or(self.stage.response_working_days())
    }
}

/// An extension of the period for responding to a complaint at stage 1 or 2 (Representations
/// Procedure (England) Regulations 2006, regs 14 and 17).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintExtension {
    pub on: NaiveDate,
    /// The whole period as extended, in working days from the day the complaint was received.
    pub working_days: u8,
    pub reason: String,
    pub agreed_by: WorkerId,
}

/// A correction, as the chronology shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub corrected: EventId,
    pub by: EventId,
    pub on: NaiveDate,
    pub reason: Option<Reason>,
    pub withdrawn: bool,
}

/// Everything the record says, derived from its events.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildRecord {
    pub la_child_id: LaChildId,
    pub details: PersonalDetails,
    pub registered: NaiveDate,
    pub died: Option<NaiveDate>,
    pub addresses: Vec<(NaiveDate, Address)>,
    pub people: Vec<RelatedPerson>,
    pub siblings: Vec<ChildId>,
    /// Periods as an unaccompanied asylum-seeking child.
    pub uasc: Vec<Span>,
    pub contacts: Vec<Contact>,
    pub cin_episodes: Vec<CinEpisode>,
    pub care_periods: Vec<CarePeriod>,
    pub visits: Vec<Visit>,
    pub health_assessments: Vec<(NaiveDate, HealthAssessmentKind)>,
    pub dental_checks: Vec<NaiveDate>,
    pub immunisations: Vec<(NaiveDate, bool)>,
    pub sdqs: Vec<(NaiveDate, SdqOutcome)>,
    pub peps: Vec<NaiveDate>,
    pub missing_episodes: Vec<MissingEpisode>,
    pub adoption_decisions: Vec<AdoptionDecision>,
    pub care_leaver_contacts: Vec<CareLeaverContact>,
    /// Pathway plans written (`true`) or reviewed (`false`).
    pub pathway_plans: Vec<(NaiveDate, bool)>,
    /// Needs assessments of an eligible child (CPPCR reg 42), the ground for the pathway plan.
    pub needs_assessments: Vec<NaiveDate>,
    /// Extensions of emergency protection orders: the day the court extended one, and by how
    /// many days.
    pub epo_extensions: Vec<(NaiveDate, u8)>,
    /// Times in police protection, in order.
    pub police_protection: Vec<PoliceProtection>,
    /// Decisions to cease to look after the child (reg 39), in order.
    pub cease_decisions: Vec<CeaseDecision>,
    /// Connected persons' temporary approvals, in order.
    pub temporary_approvals: Vec<TemporaryApproval>,
    /// Care proceedings, in the order they were issued.
    pub proceedings: Vec<CareProceedings>,
    pub staying_put: Vec<NaiveDate>,
    pub personal_advisers: Vec<(NaiveDate, WorkerId)>,
    pub allocations: Vec<Allocation>,
    pub iros: Vec<(NaiveDate, WorkerId)>,
    /// Concerns the IRO raised through the dispute resolution process.
    pub iro_disputes: Vec<IroDispute>,
    pub care_plan_changes: Vec<CarePlanChange>,
    pub complaints: Vec<Complaint>,
    pub advocacy_offers: Vec<(NaiveDate, bool)>,
    /// When the record learned the child had been an eligible child before it began.
    pub eligible_before_record: Option<NaiveDate>,
    /// The day the child is known to have been looked after in a period of care whose first
    /// episodes careful does not hold ([`ChildEvent::LookedAfterBeforeRecord`]).
    pub looked_after_before_record: Option<NaiveDate>,
    /// Child protection plans the child had before careful's record began
    /// ([`ChildEvent::ChildProtectionPlansBeforeRecord`]); 0 when none are recorded.
    pub cp_plans_before_record: u32,
    /// The events in force, in the order they happened (corrections resolved).
    pub timeline: Vec<Entry>,
    pub corrections: Vec<Correction>,
}

/// What a care leaver is under the Children Act 1989 (rule catalogue §2.9 definitions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CareLeaverStatus {
    /// 16 or 17, looked after, with 13 weeks of care since 14 (Sch 2 para 19B).
    Eligible,
    /// 16 or 17, no longer looked after, and was eligible (s23A).
    Relevant,
    /// 18 to 25, and was eligible or relevant (s23C).
    FormerRelevant,
    /// 16 to 25, looked after on or after their 16th birthday but not eligible (s24).
    Qualifying,
}

/// Where the child stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// A child in need episode is open (referral to closure).
    pub open_case: bool,
    pub child_in_need_plan: bool,
    pub child_protection_plan: bool,
    pub looked_after: bool,
    pub care_leaver: Option<CareLeaverStatus>,
}

impl Status {
    /// The one word that best describes the child's situation, most intensive first.
    pub fn headline(&self) -> &'static str {
        if self.looked_after {
            "Looked after"
        } else if self.child_protection_plan {
            "Child protection plan"
        } else if self.child_in_need_plan {
            "Child in need"
        } else if self.open_case {
            "Open"
        } else if self.care_leaver.is_some() {
            "Care leaver"
        } else {
            "Closed"
        }
    }

    /// Nothing open, and not a care leaver.
    pub fn is_closed(&self) -> bool {
        self.headline() == "Closed"
    }
}

impl ChildRecord {
    pub fn date_of_birth(&self) -> Option<NaiveDate> {
        self.details.date_of_birth
    }

    /// The open child in need episode, if any.
    pub fn open_episode(&self) -> Option<&CinEpisode> {
        self.cin_episodes.last().filter(|e| e.is_open())
    }

    /// The day allocation number `index` (of [`ChildRecord::allocations`]) ended: the next
    /// allocation, the close of the child in need episode it was made in, or its own recorded
    /// end, whichever came first; `None` while it continues (or if there is no such
    /// allocation).
    pub fn allocation_until(&self, index: usize) -> Option<NaiveDate> {
        let allocation = self.allocations.get(index)?;
        let next = self.allocations.get(index + 1).map(|n| n.date);
        let closed = self
            .cin_episodes
            .iter()
            .rev()
            .find(|c| c.referral_date <= allocation.date && c.end().is_none_or(|d| d > allocation.date))
            .and_then(|c| c.end());
        [next, closed, allocation.ended].into_iter().flatten().min()
    }

    /// The social worker allocation in force at the end of `on`, if any, as DfE's social worker
    /// episodes count it (see [`ChildRecord::allocation_until`]).
    pub fn allocation_on(&self, on: NaiveDate) -> Option<&Allocation> {
        let index = self.allocations.iter().rposition(|a| a.date <= on)?;
        self.allocation_until(index).is_none_or(|until| until > on).then(|| &self.allocations[index])
    }

    /// The open period of care, if the child is looked after now.
    pub fn open_care_period(&self) -> Option<&CarePeriod> {
        self.care_periods.last().filter(|p| p.is_open())
    }

    /// The child's status at the end of `on`.
    pub fn status(&self, on: NaiveDate) -> Status {
        let open_case = self.cin_episodes.iter().any(|e| e.referral_date <= on && e.end().is_none_or(|end| end > on));
        let child_in_need_plan = self
            .cin_episodes
            .iter()
            .flat_map(|e| &e.cin_plans)
            .any(|p| p.span.start <= on && p.span.end.is_none_or(|end| end > on));
        let child_protection_plan = self
            .cin_episodes
            .iter()
            .flat_map(|e| &e.cp_plans)
            .any(|p| p.span.start <= on && p.span.end.is_none_or(|end| end > on));
        let looked_after = self.care_periods.iter().any(|p| p.started <= on && p.end().is_none_or(|end| end > on));
        Status {
            open_case,
            child_in_need_plan,
            child_protection_plan,
            looked_after,
            care_leaver: self.care_leaver_status(on),
        }
    }

    /// Days looked after from the 14th birthday to `on`, excluding short breaks (CPPCR reg 40).
    fn days_looked_after_since_14(&self, on: NaiveDate) -> i64 {
        let Some(dob) = self.date_of_birth() else { return 0 };
        let Ok(fourteen) = date_attaining_age(dob, 14) else { return 0 };
        self.care_periods
            .iter()
            .filter(|p| !p.is_short_breaks())
            .map(|p| {
                let start = p.looked_after_since().max(fourteen);
                let end = p.end().unwrap_or(on).min(on);
                (end - start).num_days().max(0)
            })
            .sum()
    }

    /// The child's care leaver status on `on`, if any (rule catalogue def-eligible,
    /// def-relevant, def-former-relevant, def-qualifying; 13 weeks counted as 91 days).
    pub fn care_leaver_status(&self, on: NaiveDate) -> Option<CareLeaverStatus> {
        let dob = self.date_of_birth()?;
        let sixteen = date_attaining_age(dob, 16).ok()?;
        let eighteen = date_attaining_age(dob, 18).ok()?;
        let twenty_five = date_attaining_age(dob, 25).ok()?;
        if on < sixteen || on >= twenty_five || self.died.is_some_and(|d| d <= on) {
            return None;
        }
        let looked_after_now = self.care_periods.iter().any(|p| p.started <= on && p.end().is_none_or(|end| end > on));
        let eligible_before = self.eligible_before_record.is_some_and(|d| d <= on);
        // Looked after at some time on or after the 16th birthday, outside short breaks.
        let looked_after_after_16 = eligible_before
            || self
                .care_periods
                .iter()
                .filter(|p| !p.is_short_breaks())
                .any(|p| p.end().is_none_or(|end| end > sixteen));
        if !looked_after_after_16 {
            return None;
        }
        let eligible_history = eligible_before || self.days_looked_after_since_14(on) >= 91;
        match (looked_after_now, on < eighteen, eligible_history) {
            (true, true, true) => Some(CareLeaverStatus::Eligible),
            (true, _, _) => None,
            (false, true, true) => Some(CareLeaverStatus::Relevant),
            (false, false, true) => Some(CareLeaverStatus::FormerRelevant),
            (false, _, false) => Some(CareLeaverStatus::Qualifying),
        }
    }

    /// The chronology: one line per event in force, in date order.
    pub fn chronology(&self) -> Vec<chronology::ChronologyLine> {
        chronology::lines(self)
    }

    /// The worker responsible on `on`: the latest allocation made by then, unless it was ended
    /// with nobody in its place. Closing the case does not end it here, so that what is still
    /// owed after closure stays with someone; [`ChildRecord::allocation_on`] is the allocation
    /// as DfE's social worker episodes count it, ended by the closure.
    pub fn allocated_worker(&self, on: NaiveDate) -> Option<&Allocation> {
        self.allocations.iter().rev().find(|a| a.date <= on).filter(|a| a.ended.is_none_or(|d| d > on))
    }

    /// The IRO on `on`.
    /// How many times the child's allocated worker changed on or after `since`: every
    /// allocation after the first is a change (a new worker, or the same worker again after a
    /// gap), as the Children's Social Work Workforce and Ofsted count changes of social worker.
    pub fn worker_changes_since(&self, since: NaiveDate) -> usize {
        self.allocations.iter().skip(1).filter(|a| a.date >= since).count()
    }

    pub fn iro(&self, on: NaiveDate) -> Option<WorkerId> {
        self.iros.iter().rev().find(|(d, _)| *d <= on).map(|(_, w)| *w)
    }
}

/// Resolves corrections: returns the events in force, each with the sequence of the event it
/// stands for, and the corrections made.
fn resolve(entries: &[Entry]) -> Result<(Vec<Entry>, Vec<Correction>), RecordError> {
    // Items in force, keyed by slot; every event ID (original or correction) maps to its slot.
    let mut slots: Vec<Option<Entry>> = Vec::with_capacity(entries.len());
    let mut slot_of: HashMap<EventId, usize> = HashMap::new();
    let mut corrections = Vec::new();
    for entry in entries {
        if slot_of.contains_key(&entry.id) {
            return Err(err(entry, "id", "this event is already in the record".into()));
        }
        match &entry.event {
            ChildEvent::EventCorrected { corrects, replacement, replacement_date } => {
                if entry.reason.is_none() {
                    return Err(err(entry, "reason", "a correction must say why the earlier entry was wrong".into()));
                }
                let Some(&slot) = slot_of.get(corrects) else {
                    return Err(err(entry, "corrects", format!("there is no event {corrects} in this child's record")));
                };
                let Some(original) = slots[slot].take() else {
                    return Err(err(entry, "corrects", "that entry has already been withdrawn".into()));
                };
                if let Some(replacement) = replacement {
                    if matches!(**replacement, ChildEvent::EventCorrected { .. }) {
                        return Err(err(
                            entry,
                            "replacement",
                            "a correction cannot be replaced by another correction".into(),
                        ));
                    }
                    slots[slot] = Some(Entry {
                        id: entry.id,
                        sequence: original.sequence,
                        effective_date: replacement_date.unwrap_or(original.effective_date),
                        recorded_at: entry.recorded_at,
                        recorded_by: entry.recorded_by,
                        reason: entry.reason.clone(),
                        manager_override: entry.manager_override.clone(),
                        event: (**replacement).clone(),
                    });
                } else if replacement_date.is_some() {
                    return Err(err(entry, "replacement_date", "a withdrawal has no replacement to date".into()));
                }
                slot_of.insert(entry.id, slot);
                corrections.push(Correction {
                    corrected: *corrects,
                    by: entry.id,
                    on: entry.effective_date,
                    reason: entry.reason.clone(),
                    withdrawn: replacement.is_none(),
                });
            }
            _ => {
                slot_of.insert(entry.id, slots.len());
                slots.push(Some(entry.clone()));
            }
        }
    }
    let mut in_force: Vec<Entry> = slots.into_iter().flatten().collect();
    // In the order things happened; within a day, in the order recorded, except that a child is
    // registered and born before anything else happens to them that day (a birth learned of
    // later, such as a pre-birth referral imported after the care that began at birth).
    let first_of_day = |e: &Entry| match e.event {
        ChildEvent::ChildRegistered { .. } => 0,
        ChildEvent::ChildBorn { .. } => 1,
        _ => 2,
    };
    in_force.sort_by_key(|e| (e.effective_date, first_of_day(e), e.sequence));
    Ok((in_force, corrections))
}

fn err(entry: &Entry, field: &'static str, problem: String) -> RecordError {
    RecordError { event: entry.id, date: entry.effective_date, what: chronology::title(&entry.event), field, problem }
}

/// Folds a child's events (in recording order) into their record, checking each against
/// what came before. The first event must register the child.
pub fn fold(entries: &[Entry]) -> Result<ChildRecord, RecordError> {
    let (timeline, corrections) = resolve(entries)?;
    let Some(first) = timeline.first() else {
        return Err(RecordError {
            event: EventId::from_uuid(uuid::Uuid::nil()),
            date: NaiveDate::MIN,
            what: "Record",
            field: "events",
            problem: "the record has no events".into(),
        });
    };
    let ChildEvent::ChildRegistered { la_child_id, details } = &first.event else {
        return Err(match timeline.iter().find(|e| matches!(e.event, ChildEvent::ChildRegistered { .. })) {
            Some(registration) => err(
                first,
                "date",
                format!("it is before the child became known on {}", long_date(registration.effective_date)),
            ),
            None => err(first, "kind", "a child's record must begin by registering the child".into()),
        });
    };
    let mut record = ChildRecord {
        la_child_id: la_child_id.clone(),
        details: details.clone(),
        registered: first.effective_date,
        died: None,
        addresses: Vec::new(),
        people: Vec::new(),
        siblings: Vec::new(),
        uasc: Vec::new(),
        contacts: Vec::new(),
        cin_episodes: Vec::new(),
        care_periods: Vec::new(),
        visits: Vec::new(),
        health_assessments: Vec::new(),
        dental_checks: Vec::new(),
        immunisations: Vec::new(),
        sdqs: Vec::new(),
        peps: Vec::new(),
        missing_episodes: Vec::new(),
        adoption_decisions: Vec::new(),
        care_leaver_contacts: Vec::new(),
        pathway_plans: Vec::new(),
        needs_assessments: Vec::new(),
        epo_extensions: Vec::new(),
        police_protection: Vec::new(),
        cease_decisions: Vec::new(),
        proceedings: Vec::new(),
        temporary_approvals: Vec::new(),
        staying_put: Vec::new(),
        personal_advisers: Vec::new(),
        allocations: Vec::new(),
        iros: Vec::new(),
        iro_disputes: Vec::new(),
        care_plan_changes: Vec::new(),
        complaints: Vec::new(),
        advocacy_offers: Vec::new(),
        eligible_before_record: None,
        looked_after_before_record: None,
        cp_plans_before_record: 0,
        timeline: Vec::new(),
        corrections,
    };
    check_details(first, details)?;
    for entry in &timeline[1..] {
        apply(&mut record, entry)?;
    }
    record.timeline = timeline;
    Ok(record)
}

fn check_details(entry: &Entry, details: &PersonalDetails) -> Result<(), RecordError> {
    if details.given_name.trim().is_empty() {
        return Err(err(entry, "details.given_name", "the child's given name is missing".into()));
    }
    if details.family_name.trim().is_empty() {
        return Err(err(entry, "details.family_name", "the child's family name is missing".into()));
    }
    match (details.date_of_birth, details.expected_date_of_birth) {
        (None, None) => {
            return Err(err(
                entry,
                "details.date_of_birth",
                "give a date of birth, or an expected date of birth for an unborn child".into(),
            ));
        }
        (Some(_), Some(_)) => {
            return Err(err(
                entry,
                "details.expected_date_of_birth",
                "a child with a date of birth has no expected date of birth".into(),
            ));
        }
        (Some(dob), None) if dob > entry.effective_date => {
            return Err(err(
                entry,
                "details.date_of_birth",
                format!(
                    "{} is after this entry's date; record an unborn child with an expected date of birth",
                    long_date(dob)
                ),
            ));
        }
        _ => {}
    }
    if details.upn.is_some() && details.upn_unknown.is_some() {
        return Err(err(entry, "details.upn_unknown", "a child with a UPN has no reason for not having one".into()));
    }
    let mut disabilities = details.disabilities.clone();
    disabilities.sort();
    disabilities.dedup();
    if disabilities.len() != details.disabilities.len() {
        return Err(err(entry, "details.disabilities", "a disability is listed twice".into()));
    }
    if details.disabilities.len() > 1 && details.disabilities.contains(&crate::codes::Disability::None) {
        return Err(err(entry, "details.disabilities", "NONE cannot be listed with a disability".into()));
    }
    Ok(())
}

/// Events an unborn child can have.
fn allowed_before_birth(event: &ChildEvent) -> bool {
    matches!(
        event,
        ChildEvent::PersonalDetailsUpdated { .. }
            | ChildEvent::ChildBorn { .. }
            | ChildEvent::AddressChanged { .. }
            | ChildEvent::PersonRecorded { .. }
            | ChildEvent::SiblingLinked { .. }
            | ChildEvent::ContactReceived { .. }
            | ChildEvent::ContactDecided { .. }
            | ChildEvent::ReferralReceived { .. }
            | ChildEvent::ReferralNoFurtherAction {}
            | ChildEvent::AssessmentStarted {}
            | ChildEvent::AssessmentAuthorised { .. }
            | ChildEvent::CinPlanStarted {}
            | ChildEvent::CinPlanReviewed {}
            | ChildEvent::CinPlanEnded {}
            | ChildEvent::StrategyDiscussionHeld { .. }
            | ChildEvent::Section47Started {}
            | ChildEvent::Section47Completed { .. }
            | ChildEvent::InitialConferenceHeld { .. }
            | ChildEvent::ChildProtectionPlanStarted { .. }
            | ChildEvent::CoreGroupMeetingHeld {}
            | ChildEvent::ReviewConferenceHeld { .. }
            | ChildEvent::ChildProtectionPlanEnded {}
            | ChildEvent::ChildProtectionPlansBeforeRecord { .. }
            | ChildEvent::WorkerAllocated { .. }
            | ChildEvent::WorkerAllocationEnded {}
            | ChildEvent::CaseClosed { .. }
            | ChildEvent::ComplaintReceived { .. }
            | ChildEvent::ComplaintResponded { .. }
            | ChildEvent::ComplaintExtended { .. }
            | ChildEvent::ComplaintPanelHeld {}
            | ChildEvent::AdvocacyOffered { .. }
    )
}

fn placement_problems(placement: &Placement, date: NaiveDate) -> Option<(&'static str, String)> {
    let year = CollectionYear::containing(date)?;
    if !placement.placement_type.valid_in(year) {
        return Some((
            "placement.type",
            format!(
                "placement type {} ({}) is not accepted by DfE in {year}",
                placement.placement_type.code(),
                placement.placement_type.description()
            ),
        ));
    }
    match (placement.placement_type.has_provider(), placement.provider) {
        (true, None) => {
            Some(("placement.provider", format!("a {} placement needs its provider", placement.placement_type.code())))
        }
        (false, Some(p)) => Some((
            "placement.provider",
            format!(
                "a {} placement has no provider in the 903, but {} was given",
                placement.placement_type.code(),
                p.code()
            ),
        )),
        _ => None,
    }
}

fn apply(r: &mut ChildRecord, e: &Entry) -> Result<(), RecordError> {
    let date = e.effective_date;
    let fail = |field: &'static str, problem: String| Err(err(e, field, problem));
    if date < r.registered {
        return fail("date", format!("it is before the child became known on {}", long_date(r.registered)));
    }
    if let Some(died) = r.died {
        let winding_up = matches!(
            e.event,
            ChildEvent::CaseClosed { .. }
                | ChildEvent::CeasedToBeLookedAfter { .. }
                | ChildEvent::ChildProtectionPlanEnded {}
                | ChildEvent::CinPlanEnded {}
                | ChildEvent::ComplaintReceived { .. }
                | ChildEvent::ComplaintResponded { .. }
                | ChildEvent::ComplaintExtended { .. }
                | ChildEvent::ComplaintPanelHeld {}
        );
        if date > died && !winding_up {
            return fail("date", format!("the child died on {}", long_date(died)));
        }
    }
    let born = r.details.date_of_birth.is_some_and(|dob| dob <= date);
    if !born && !allowed_before_birth(&e.event) {
        return fail("date", "the child is not yet born on this date".into());
    }
    let looked_after = r.care_periods.last().is_some_and(CarePeriod::is_open)
        || (r.care_periods.is_empty() && r.looked_after_before_record.is_some());

    match &e.event {
        ChildEvent::ChildRegistered { .. } => return fail("kind", "the child is already registered".into()),
        ChildEvent::PersonalDetailsUpdated { details } => {
            check_details(e, details)?;
            if details.date_of_birth.is_none() && r.details.date_of_birth.is_some() {
                return fail("details.date_of_birth", "a born child's date of birth cannot be removed".into());
            }
            r.details = details.clone();
        }
        ChildEvent::ChildBorn { date_of_birth, sex } => {
            if r.details.date_of_birth.is_some() {
                return fail("date_of_birth", "the child's birth is already recorded".into());
            }
            if *date_of_birth > date {
                return fail("date_of_birth", "a birth cannot be recorded before it happens".into());
            }
            r.details.date_of_birth = Some(*date_of_birth);
            r.details.expected_date_of_birth = None;
            r.details.sex = *sex;
        }
        ChildEvent::ChildDied {} => {
            if r.died.is_some() {
                return fail("kind", "the child's death is already recorded".into());
            }
            r.died = Some(date);
        }
        ChildEvent::AddressChanged { address } => r.addresses.push((date, address.clone())),
        ChildEvent::PersonRecorded { person } => {
            if person.name.trim().is_empty() {
                return fail("person.name", "the person's name is missing".into());
            }
            if r.people.iter().any(|p| p.person == person.person) {
                return fail("person.person", "this person is already recorded".into());
            }
            r.people.push(person.clone());
        }
        ChildEvent::SiblingLinked { sibling } => {
            if r.siblings.contains(sibling) {
                return fail("sibling", "these children are already linked as siblings".into());
            }
            r.siblings.push(*sibling);
        }
        ChildEvent::UascStatusChanged { uasc } => {
            let open = r.uasc.last().is_some_and(Span::is_open);
            match (uasc, open) {
                (true, true) => {
                    return fail("uasc", "the child is already recorded as unaccompanied and asylum-seeking".into());
                }
                (false, false) => {
                    return fail("uasc", "the child is not recorded as unaccompanied and asylum-seeking".into());
                }
                (true, false) => r.uasc.push(Span { start: date, end: None }),
                (false, true) => {
                    if let Some(span) = r.uasc.last_mut() {
                        span.end = Some(date);
                    }
                }
            }
        }

        ChildEvent::ContactReceived { source } => r.contacts.push(Contact { date, source: *source, outcome: None }),
        ChildEvent::ContactDecided { outcome } => {
            let Some(contact) = r.contacts.last_mut().filter(|c| c.outcome.is_none()) else {
                return fail("outcome", "there is no contact awaiting a decision".into());
            };
            contact.outcome = Some((date, *outcome));
        }
        ChildEvent::ReferralReceived { source, primary_need } => {
            if let Some(open) = r.open_episode() {
                return fail(
                    "date",
                    format!("the referral of {} is still open; close it first", long_date(open.referral_date)),
                );
            }
            if let Some(last) = r.cin_episodes.last().and_then(CinEpisode::end)
                && last > date
            {
                return fail("date", format!("the previous episode closed on {}, after this date", long_date(last)));
            }
            r.cin_episodes.push(CinEpisode {
                referral_date: date,
                source: *source,
                primary_need: *primary_need,
                no_further_action: false,
                closed: None,
                assessments: Vec::new(),
                cin_plans: Vec::new(),
                strategy_discussions: Vec::new(),
                section_47s: Vec::new(),
                cp_plans: Vec::new(),
            });
        }
        ChildEvent::ReferralNoFurtherAction {} => {
            let Some(episode) = r.cin_episodes.last_mut().filter(|ep| ep.is_open()) else {
                return fail("date", "there is no open referral".into());
            };
            if !episode.assessments.is_empty() || !episode.section_47s.is_empty() {
                return fail("kind", "work has begun on this referral; close the case with a reason instead".into());
            }
            episode.no_further_action = true;
            // Closed with no assessment, so not RC8 or RC9 ("case closed after assessment", as
            // DfE's CIN code list and its query 8825Q have it) but RC7, "services ceased for any
            // other reason, including child no longer in need".
            episode.closed = Some((date, ReasonForClosure::OtherReason));
        }

        ChildEvent::AssessmentStarted {} => {
            let Some(episode) = r.cin_episodes.last_mut().filter(|ep| ep.is_open()) else {
                return fail("date", "there is no open referral to assess".into());
            };
            if episode.assessments.iter().any(|a| a.authorised.is_none()) {
                return fail("kind", "an assessment is already in progress".into());
            }
            episode.assessments.push(Assessment {
                started: date,
                authorised: None,
                factors: Vec::new(),
                outcome: None,
            });
        }
        ChildEvent::AssessmentAuthorised { factors, outcome } => {
            let Some(assessment) = r
                .cin_episodes
                .last_mut()
                .filter(|ep| ep.is_open())
                .and_then(|ep| ep.assessments.iter_mut().find(|a| a.authorised.is_none()))
            else {
                return fail("date", "there is no assessment in progress to authorise".into());
            };
            if date < assessment.started {
                return fail(
                    "date",
                    format!("the assessment started on {}, after this date", long_date(assessment.started)),
                );
            }
            let mut sorted = factors.clone();
            sorted.sort();
            sorted.dedup();
            if sorted.len() != factors.len() {
                return fail("factors", "a factor is listed twice".into());
            }
            if factors.len() > 1 && factors.contains(&AssessmentFactor::NoFactors) {
                return fail("factors", "21 (no factors identified) cannot be listed with other factors".into());
            }
            assessment.authorised = Some(date);
            assessment.factors = factors.clone();
            assessment.outcome = Some(*outcome);
        }
        ChildEvent::CinPlanStarted {} => {
            let Some(episode) = r.cin_episodes.last_mut().filter(|ep| ep.is_open()) else {
                return fail("date", "a child in need plan needs an open referral".into());
            };
            if episode.cin_plans.last().is_some_and(|p| p.span.is_open()) {
                return fail("kind", "a child in need plan is already in place".into());
            }
            if episode.cp_plans.last().is_some_and(|p| p.span.is_open()) {
                return fail(
                    "kind",
                    "the child has a child protection plan; end it before a child in need plan starts".into(),
                );
            }
            episode.cin_plans.push(CinPlan { span: Span { start: date, end: None }, reviews: Vec::new() });
        }
        ChildEvent::CinPlanReviewed {} | ChildEvent::CinPlanEnded {} => {
            let ending = matches!(e.event, ChildEvent::CinPlanEnded {});
            let Some(plan) =
                r.cin_episodes.last_mut().and_then(|ep| ep.cin_plans.last_mut()).filter(|p| p.span.is_open())
            else {
                return fail("date", "there is no child in need plan in place".into());
            };
            if ending {
                plan.span.end = Some(date);
            } else {
                plan.reviews.push(date);
            }
        }

        ChildEvent::StrategyDiscussionHeld { section_47 } => {
            let Some(episode) = r.cin_episodes.last_mut().filter(|ep| ep.is_open()) else {
                return fail("date", "a strategy discussion needs an open referral".into());
            };
            episode.strategy_discussions.push((date, *section_47));
        }
        ChildEvent::Section47Started {} => {
            let Some(episode) = r.cin_episodes.last_mut().filter(|ep| ep.is_open()) else {
                return fail("date", "a section 47 enquiry needs an open referral".into());
            };
            if episode.section_47s.iter().any(|s| s.completed.is_none()) {
                return fail("kind", "a section 47 enquiry is already in progress".into());
            }
            let Some(&(discussion, _)) = episode.strategy_discussions.iter().rev().find(|(_, s47)| *s47) else {
                return fail(
                    "kind",
                    "a section 47 enquiry starts from a strategy discussion that decided on one".into(),
                );
            };
            if episode.section_47s.iter().any(|s| s.strategy_discussion == discussion) {
                return fail(
                    "kind",
                    "the strategy discussion's enquiry has already started; hold a new strategy discussion".into(),
                );
            }
            episode.section_47s.push(Section47 {
                started: date,
                strategy_discussion: discussion,
                completed: None,
                initial_conference: None,
            });
        }
        ChildEvent::Section47Completed { outcome } => {
            let Some(s47) =
                r.cin_episodes.last_mut().and_then(|ep| ep.section_47s.iter_mut().find(|s| s.completed.is_none()))
            else {
                return fail("date", "there is no section 47 enquiry in progress".into());
            };
            s47.completed = Some((date, *outcome));
        }
        ChildEvent::InitialConferenceHeld { plan_required } => {
            let Some(episode) = r.cin_episodes.last_mut().filter(|ep| ep.is_open()) else {
                return fail("date", "a conference needs an open referral".into());
            };
            let Some(s47) = episode.section_47s.iter_mut().rev().find(|s| {
                s.initial_conference.is_none()
                    && s.completed.is_none_or(|(_, o)| o == Section47Outcome::ConferenceRequired)
            }) else {
                return fail(
                    "kind",
                    "an initial conference follows a section 47 enquiry that found one was needed".into(),
                );
            };
            s47.initial_conference = Some((date, *plan_required));
        }
        ChildEvent::ChildProtectionPlanStarted { category } => {
            let Some(episode) = r.cin_episodes.last_mut().filter(|ep| ep.is_open()) else {
                return fail("date", "a child protection plan needs an open referral".into());
            };
            if episode.cp_plans.last().is_some_and(|p| p.span.is_open()) {
                return fail("kind", "the child already has a child protection plan".into());
            }
            if episode.cin_plans.last().is_some_and(|p| p.span.is_open()) {
                return fail("kind", "end the child in need plan when the child protection plan starts".into());
            }
            let decided = episode.section_47s.iter().any(|s| s.initial_conference == Some((date, true)));
            if !decided {
                return fail(
                    "date",
                    "a child protection plan starts on the day an initial conference decides on one".into(),
                );
            }
            episode.cp_plans.push(ChildProtectionPlan {
                span: Span { start: date, end: None },
                initial_category: *category,
                latest_category: *category,
                review_conferences: Vec::new(),
                core_groups: Vec::new(),
            });
        }
        ChildEvent::CoreGroupMeetingHeld {} => {
            let Some(plan) =
                r.cin_episodes.last_mut().and_then(|ep| ep.cp_plans.last_mut()).filter(|p| p.span.is_open())
            else {
                return fail("date", "a core group meets while a child protection plan is in place".into());
            };
            plan.core_groups.push(date);
        }
        ChildEvent::ReviewConferenceHeld { decision, category } => {
            let Some(plan) =
                r.cin_episodes.last_mut().and_then(|ep| ep.cp_plans.last_mut()).filter(|p| p.span.is_open())
            else {
                return fail("date", "a review conference needs a child protection plan in place".into());
            };
            plan.review_conferences.push((date, *decision));
            if let Some(category) = category {
                plan.latest_category = *category;
            }
        }
        ChildEvent::ChildProtectionPlanEnded {} => {
            let Some(plan) =
                r.cin_episodes.last_mut().and_then(|ep| ep.cp_plans.last_mut()).filter(|p| p.span.is_open())
            else {
                return fail("date", "there is no child protection plan in place".into());
            };
            plan.span.end = Some(date);
        }

        ChildEvent::BecameLookedAfter {
            legal_status,
            placement,
            category_of_need,
            home_postcode,
            previous_permanence,
        } => {
            // (Looked after before careful's record is the same care, now recorded.)
            if r.care_periods.last().is_some_and(CarePeriod::is_open) {
                return fail("kind", "the child is already looked after".into());
            }
            if let Some(end) = r.care_periods.last().and_then(CarePeriod::end)
                && end > date
            {
                return fail("date", format!("the last period of care ended on {}, after this date", long_date(end)));
            }
            if !category_of_need.valid_in_903() {
                return fail(
                    "category_of_need",
                    format!("the 903 category of need is N1 to N8, not {}", category_of_need.code()),
                );
            }
            if let Some((field, problem)) = placement_problems(placement, date) {
                return fail(field, problem);
            }
            r.care_periods.push(CarePeriod {
                started: date,
                states: vec![CareState {
                    date,
                    legal_status: *legal_status,
                    placement: placement.clone(),
                    reason_place_change: None,
                }],
                ended: None,
                category_of_need: *category_of_need,
                home_postcode: home_postcode.clone(),
                previous_permanence: *previous_permanence,
                reviews: Vec::new(),
                placement_endings: Vec::new(),
                continued: None,
            });
        }
        ChildEvent::LegalStatusChanged { legal_status } => {
            let Some(period) = r.care_periods.last_mut().filter(|p| p.is_open()) else {
                return fail("date", "the child is not looked after".into());
            };
            let current = period.current().clone();
            if current.legal_status == *legal_status {
                return fail("legal_status", format!("the child's legal status is already {}", legal_status.code()));
            }
            period.states.push(CareState {
                date,
                legal_status: *legal_status,
                placement: current.placement,
                reason_place_change: None,
            });
        }
        ChildEvent::ConnectedPersonTemporarilyApproved {} => {
            let Some(period) = r.care_periods.last().filter(|p| p.is_open()) else {
                return fail("date", "the child is not looked after".into());
            };
            let placement = &period.current().placement;
            if !placement.placement_type.is_with_relative_or_friend() {
                return fail(
                    "kind",
                    format!(
                        "temporary approval under reg 24 is for a relative, friend or other connected person; the child's placement is {} ({})",
                        placement.placement_type.description(),
                        placement.placement_type.code()
                    ),
                );
            }
            let carer = placement.carer;
            if r.temporary_approvals.iter().any(|a| a.carer == carer && a.fully_approved.is_none()) {
                return fail("kind", "this carer is already temporarily approved".into());
            }
            r.temporary_approvals.push(TemporaryApproval {
                carer,
                approved: date,
                extension: None,
                fully_approved: None,
            });
        }
        ChildEvent::ConnectedPersonApprovalExtended { weeks } => {
            let carer = r.care_periods.last().filter(|p| p.is_open()).map(|p| p.current().placement.carer);
            let Some(approval) =
                r.temporary_approvals.iter_mut().rev().find(|a| Some(a.carer) == carer && a.fully_approved.is_none())
            else {
                return fail("kind", "the child's carer is not temporarily approved".into());
            };
            if approval.extension.is_some() {
                return fail("kind", "a temporary approval can be extended only once (CPPCR reg 25)".into());
            }
            if !(1..=8).contains(weeks) {
                return fail("weeks", "a temporary approval can be extended by up to 8 weeks (CPPCR reg 25)".into());
            }
            approval.extension = Some((date, *weeks));
        }
        ChildEvent::ConnectedPersonApproved {} => {
            let carer = r.care_periods.last().filter(|p| p.is_open()).map(|p| p.current().placement.carer);
            let Some(approval) =
                r.temporary_approvals.iter_mut().rev().find(|a| Some(a.carer) == carer && a.fully_approved.is_none())
            else {
                return fail("kind", "the child's carer is not temporarily approved".into());
            };
            approval.fully_approved = Some(date);
        }
        ChildEvent::CareProceedingsIssued {} => {
            if r.proceedings.last().is_some_and(|p| p.concluded.is_none()) {
                return fail("kind", "care proceedings are already under way for the child".into());
            }
            r.proceedings.push(CareProceedings { issued: date, extensions: Vec::new(), concluded: None });
        }
        ChildEvent::CareProceedingsExtended { weeks, reason } => {
            let Some(open) = r.proceedings.last_mut().filter(|p| p.concluded.is_none()) else {
                return fail("kind", "there are no care proceedings under way to extend".into());
            };
            if !(1..=8).contains(weeks) {
                return fail(
                    "weeks",
                    "the court extends care proceedings by up to 8 weeks at a time (Children Act 1989 s32(8))".into(),
                );
            }
            if reason.trim().is_empty() {
                return fail("reason", "give the court's reason for the extension (s32(5))".into());
            }
            open.extensions.push((date, *weeks, reason.trim().to_string()));
        }
        ChildEvent::CareProceedingsConcluded {} => {
            let Some(open) = r.proceedings.last_mut().filter(|p| p.concluded.is_none()) else {
                return fail("kind", "there are no care proceedings under way to conclude".into());
            };
            open.concluded = Some(date);
        }
        ChildEvent::EmergencyProtectionOrderExtended { days } => {
            let Some(period) = r.care_periods.last().filter(|p| p.is_open()) else {
                return fail("date", "the child is not looked after".into());
            };
            if period.current().legal_status != LegalStatus::EmergencyProtectionOrder {
                return fail("kind", "the child is not under an emergency protection order".into());
            }
            if !(1..=7).contains(days) {
                return fail(
                    "days",
                    "an emergency protection order can be extended by 1 to 7 days (Children Act 1989 s45(5))".into(),
                );
            }
            // The day this order was made: the first of the run of EPO states at the end.
            let made = period
                .states
                .iter()
                .rev()
                .take_while(|s| s.legal_status == LegalStatus::EmergencyProtectionOrder)
                .last()
                .map_or(period.started, |s| s.date);
            if r.epo_extensions.iter().any(|(d, _)| *d >= made) {
                return fail(
                    "kind",
                    "this emergency protection order has already been extended, and can be extended only once (Children Act 1989 s45(6))".into(),
                );
            }
            r.epo_extensions.push((date, *days));
        }
        ChildEvent::PlacementChanged { placement, reason, notice } => {
            let Some(period) = r.care_periods.last_mut().filter(|p| p.is_open()) else {
                return fail("date", "the child is not looked after".into());
            };
            if let Some((field, problem)) = placement_problems(placement, date) {
                return fail(field, problem);
            }
            let current = period.current().clone();
            if current.placement == *placement {
                return fail("placement", "this is the placement the child is already in".into());
            }
            check_notice(e, notice.as_ref(), &current.placement, &r.temporary_approvals)?;
            let period = r.care_periods.last_mut().expect("open period found above");
            period.placement_endings.push(PlacementEnding {
                date,
                placement: current.placement,
                notice: notice.clone(),
                notified_after: None,
                iro_informed: None,
            });
            period.states.push(CareState {
                date,
                legal_status: current.legal_status,
                placement: placement.clone(),
                reason_place_change: Some(*reason),
            });
        }
        ChildEvent::CeasedToBeLookedAfter { reason, notice } => {
            let Some(period) = r.care_periods.last_mut().filter(|p| p.is_open()) else {
                return fail("date", "the child is not looked after".into());
            };
            if *reason == ReasonEpisodeCeased::NewEpisodeSameDay {
                return fail("reason", "X1 is derived when a new episode begins; give the reason care ended".into());
            }
            let placement = period.current().placement.clone();
            check_notice(e, notice.as_ref(), &placement, &r.temporary_approvals)?;
            let period = r.care_periods.last_mut().expect("open period found above");
            period.placement_endings.push(PlacementEnding {
                date,
                placement,
                notice: notice.clone(),
                notified_after: None,
                iro_informed: None,
            });
            period.ended = Some((date, *reason));
        }
        ChildEvent::CareContinuedFromBeforeRecord { reason_new, looked_after_since } => {
            let Some(period) = r.care_periods.last_mut().filter(|p| p.is_open() && p.started == date) else {
                return fail("date", "it qualifies a period of care recorded as beginning the same day".into());
            };
            if period.states.len() > 1 || period.continued.is_some() {
                return fail("kind", "the period of care already says how it began".into());
            }
            if *reason_new == ReasonNewEpisode::Started {
                return fail("reason_new", "S means care began that day; give the reason the episode began".into());
            }
            if looked_after_since.is_some_and(|d| d >= date) {
                return fail(
                    "looked_after_since",
                    "give a day before the period of care is recorded as beginning".into(),
                );
            }
            period.continued = Some(ContinuedCare { reason_new: *reason_new, looked_after_since: *looked_after_since });
        }
        ChildEvent::ChildProtectionPlansBeforeRecord { count } => {
            if r.cp_plans_before_record > 0 {
                return fail("kind", "the record already says how many plans the child had before it began".into());
            }
            if *count == 0 {
                return fail("count", "give the number of earlier plans, 1 or more".into());
            }
            r.cp_plans_before_record = *count;
        }
        ChildEvent::LookedAfterBeforeRecord {} => {
            if !r.care_periods.is_empty() || r.looked_after_before_record.is_some() {
                return fail("kind", "it comes before the first period of care careful records, once".into());
            }
            r.looked_after_before_record = Some(date);
        }
        ChildEvent::EligibleChildBeforeRecord {} => {
            if r.eligible_before_record.is_some() {
                return fail("kind", "the record already says the child was an eligible child".into());
            }
            r.eligible_before_record = Some(date);
        }
        ChildEvent::CarerNotifiedOfEnding {} => {
            let Some(ending) = r
                .care_periods
                .iter_mut()
                .flat_map(|p| p.placement_endings.iter_mut())
                // The earliest ending still awaiting notice: each notice answers one ending.
                .find(|p| {
                    !matches!(p.notice, Some(CarerNotice::Given { .. } | CarerNotice::NotRequired { .. }))
                        && p.notified_after.is_none()
                })
            else {
                return fail(
                    "kind",
                    "there is no placement that ended without notice awaiting written notice to the carer".into(),
                );
            };
            ending.notified_after = Some(date);
        }
        ChildEvent::IroInformedOfEnding {} => {
            let Some(ending) = r
                .care_periods
                .iter_mut()
                .flat_map(|p| p.placement_endings.iter_mut())
                .find(|p| matches!(p.notice, Some(CarerNotice::Emergency { .. })) && p.iro_informed.is_none())
            else {
                return fail("kind", "there is no placement that ended at once awaiting word to the IRO".into());
            };
            if date < ending.date {
                return fail("date", "the IRO is told after the placement ended".into());
            }
            ending.iro_informed = Some(date);
        }
        ChildEvent::DecidedToCeaseLookingAfter { arrangements, wishes_and_feelings, approved_by, director } => {
            if !looked_after {
                return fail("date", "the child is not looked after".into());
            }
            if arrangements.trim().is_empty() {
                return fail(
                    "arrangements",
                    "say where the child will live and the support they and their family will need (reg 39(2)(a), (b))"
                        .into(),
                );
            }
            if wishes_and_feelings.trim().is_empty() {
                return fail(
                    "wishes_and_feelings",
                    "record the child's wishes and feelings about leaving care (reg 39(2)(c))".into(),
                );
            }
            if *director && approved_by.is_none() {
                return fail("approved_by", "name the director of children's services who approved it".into());
            }
            r.cease_decisions.push(CeaseDecision {
                date,
                arrangements: arrangements.trim().to_string(),
                wishes_and_feelings: wishes_and_feelings.trim().to_string(),
                approved_by: *approved_by,
                director: *director,
            });
        }
        ChildEvent::PoliceProtectionTaken { at } => {
            if at.date() != date {
                return fail(
                    "at",
                    "the time the child was taken into police protection must be on the entry's date".into(),
                );
            }
            if let Some(last) = r.police_protection.last() {
                match last.ended {
                    None => return fail("kind", "the child is already recorded as in police protection".into()),
                    Some(end) if end > *at => {
                        return fail("at", "the child's previous police protection had not yet ended".into());
                    }
                    Some(_) => {}
                }
            }
            r.police_protection.push(PoliceProtection { taken: *at, ended: None });
        }
        ChildEvent::PoliceProtectionEnded { at } => {
            let Some(open) = r.police_protection.last_mut().filter(|p| p.ended.is_none()) else {
                return fail("kind", "the child is not recorded as in police protection".into());
            };
            if at.date() != date {
                return fail("at", "the time police protection ended must be on the entry's date".into());
            }
            if *at < open.taken {
                return fail("at", "police protection ended before it began".into());
            }
            open.ended = Some(*at);
        }
        ChildEvent::StatutoryReviewHeld { participation } => {
            let Some(period) = r.care_periods.last_mut().filter(|p| p.is_open()) else {
                return fail("date", "a looked-after review is for a child who is looked after".into());
            };
            period.reviews.push((date, *participation));
        }
        ChildEvent::VisitMade { visit, seen, seen_alone, wishes_and_feelings } => {
            let open = match visit {
                VisitKind::Assessment => r.open_episode().is_some_and(|ep| {
                    ep.assessments.iter().any(|a| a.authorised.is_none())
                        || ep.section_47s.iter().any(|s| s.completed.is_none())
                }),
                VisitKind::ChildInNeed => {
                    r.open_episode().is_some_and(|ep| ep.cin_plans.last().is_some_and(|p| p.span.is_open()))
                }
                VisitKind::ChildProtection => {
                    r.open_episode().is_some_and(|ep| ep.cp_plans.last().is_some_and(|p| p.span.is_open()))
                }
                VisitKind::LookedAfter => looked_after,
                VisitKind::CareLeaver => !r.care_periods.is_empty() || r.eligible_before_record.is_some(),
            };
            if !open {
                return fail("visit", format!("a {} needs the plan it is made under to be in place", visit.describe()));
            }
            if !seen && seen_alone.is_some_and(|s| s == SeenAlone::Yes) {
                return fail("seen_alone", "a child who was not seen cannot have been seen alone".into());
            }
            let wishes_and_feelings = wishes_and_feelings.as_ref().map(|w| w.trim().to_string());
            if wishes_and_feelings.as_ref().is_some_and(String::is_empty) {
                return fail("wishes_and_feelings", "leave the child's wishes and feelings out, or say them".into());
            }
            if !seen && wishes_and_feelings.is_some() {
                return fail(
                    "wishes_and_feelings",
                    "a child who was not seen gave no wishes and feelings at this visit; record what others said in a note of the visit"
                        .into(),
                );
            }
            r.visits.push(Visit { date, kind: *visit, seen: *seen, seen_alone: *seen_alone, wishes_and_feelings });
        }
        ChildEvent::HealthAssessmentCompleted { assessment } => {
            if !looked_after {
                return fail("date", "health assessments are recorded for looked-after children".into());
            }
            r.health_assessments.push((date, *assessment));
        }
        ChildEvent::DentalCheckCompleted {} => {
            if !looked_after {
                return fail("date", "dental checks are recorded for looked-after children".into());
            }
            r.dental_checks.push(date);
        }
        ChildEvent::ImmunisationsRecorded { up_to_date } => {
            if !looked_after {
                return fail("date", "immunisations are recorded for looked-after children".into());
            }
            r.immunisations.push((date, *up_to_date));
        }
        ChildEvent::SdqRecorded { outcome } => {
            if !looked_after {
                return fail("date", "SDQs are recorded for looked-after children".into());
            }
            if let SdqOutcome::Score { score } = outcome
                && *score > 40
            {
                return fail("outcome.score", format!("an SDQ score is 0 to 40, not {score}"));
            }
            r.sdqs.push((date, *outcome));
        }
        ChildEvent::PepReviewed {} => {
            if !looked_after {
                return fail("date", "a personal education plan is for a looked-after child".into());
            }
            r.peps.push(date);
        }
        ChildEvent::MissingEpisodeStarted { missing, at } => {
            if r.missing_episodes.last().is_some_and(|m| m.ended.is_none()) {
                return fail("kind", "the child is already recorded as missing or away".into());
            }
            if at.date() != date {
                return fail("at", "the time the child went missing must be on the entry's date".into());
            }
            if let Some(prev) = r.missing_episodes.last().and_then(|m| m.ended)
                && prev > *at
            {
                return fail("at", "the child had not yet returned from the previous episode".into());
            }
            r.missing_episodes.push(MissingEpisode {
                kind: *missing,
                started: *at,
                ended: None,
                interview_offered: None,
                interview_held: None,
            });
        }
        ChildEvent::MissingEpisodeEnded { returned_at } => {
            let Some(episode) = r.missing_episodes.last_mut().filter(|m| m.ended.is_none()) else {
                return fail("date", "the child is not recorded as missing or away".into());
            };
            if *returned_at < episode.started {
                return fail("returned_at", "the child returned before they went missing".into());
            }
            if returned_at.date() != date {
                return fail("returned_at", "the time of return must be on the entry's date".into());
            }
            episode.ended = Some(*returned_at);
        }
        ChildEvent::ReturnInterviewOffered { offered_at, accepted } => {
            let Some(episode) = r.missing_episodes.last_mut().filter(|m| m.ended.is_some()) else {
                return fail("date", "a return interview follows a missing episode that has ended".into());
            };
            if episode.ended.is_some_and(|end| *offered_at < end) {
                return fail("offered_at", "the interview was offered before the child returned".into());
            }
            if episode.interview_offered.is_some() {
                return fail("kind", "a return interview has already been offered for this episode".into());
            }
            episode.interview_offered = Some((*offered_at, *accepted));
        }
        ChildEvent::ReturnInterviewHeld { held_at } => {
            let Some(episode) = r.missing_episodes.last_mut().filter(|m| m.ended.is_some()) else {
                return fail("date", "a return interview follows a missing episode that has ended".into());
            };
            if episode.ended.is_some_and(|end| *held_at < end) {
                return fail("held_at", "the interview was held before the child returned".into());
            }
            episode.interview_held = Some(*held_at);
        }

        ChildEvent::AdoptionDecisionMade {} => {
            if !looked_after {
                return fail("date", "a decision to place for adoption is for a looked-after child".into());
            }
            if r.adoption_decisions.last().is_some_and(|d| d.reversed.is_none()) {
                return fail("kind", "a decision to place this child for adoption is already in force".into());
            }
            r.adoption_decisions.push(AdoptionDecision { decided: date, reversed: None, matched: None });
        }
        ChildEvent::AdoptionDecisionReversed { reason } => {
            let Some(decision) = r.adoption_decisions.last_mut().filter(|d| d.reversed.is_none()) else {
                return fail("date", "there is no decision to place for adoption to reverse".into());
            };
            decision.reversed = Some((date, *reason));
        }
        ChildEvent::MatchedWithAdopters { adopters, sex, legal_status, foster_carers } => {
            let Some(decision) = r.adoption_decisions.last_mut().filter(|d| d.reversed.is_none()) else {
                return fail("date", "matching follows a decision that the child should be placed for adoption".into());
            };
            if !(1..=2).contains(adopters) {
                return fail("adopters", format!("a child is matched with one or two adopters, not {adopters}"));
            }
            let couple = !matches!(sex, AdopterSex::SingleFemale | AdopterSex::SingleMale);
            if couple != (*adopters == 2) {
                return fail("sex", format!("{} does not describe {adopters} adopter(s)", sex.code()));
            }
            if (*legal_status == AdopterLegalStatus::Single) == couple {
                return fail(
                    "legal_status",
                    format!("{} does not describe {adopters} adopter(s)", legal_status.code()),
                );
            }
            decision.matched = Some(AdopterMatch {
                date,
                adopters: *adopters,
                sex: *sex,
                legal_status: *legal_status,
                foster_carers: *foster_carers,
            });
        }

        ChildEvent::CareLeaverContact { in_touch, activity, accommodation, accommodation_suitable } => {
            if r.care_periods.is_empty() && r.eligible_before_record.is_none() {
                return fail("date", "care leaver contact is for a child who has been looked after".into());
            }
            let in_contact = *in_touch == InTouch::Yes;
            if !in_contact && (activity.is_some() || accommodation.is_some()) {
                return fail(
                    "in_touch",
                    "activity and accommodation are recorded only for a care leaver the council is in touch with"
                        .into(),
                );
            }
            if accommodation.is_some() != accommodation_suitable.is_some() {
                return fail("accommodation_suitable", "say whether the accommodation is suitable".into());
            }
            r.care_leaver_contacts.push(CareLeaverContact {
                date,
                in_touch: *in_touch,
                activity: *activity,
                accommodation: *accommodation,
                accommodation_suitable: *accommodation_suitable,
            });
        }
        ChildEvent::NeedsAssessmentCompleted {} => {
            if r.care_periods.is_empty() && r.eligible_before_record.is_none() {
                return fail("date", "a needs assessment for a pathway plan is for an eligible child".into());
            }
            r.needs_assessments.push(date);
        }
        ChildEvent::PathwayPlanCompleted {} | ChildEvent::PathwayPlanReviewed {} => {
            if r.care_periods.is_empty() && r.eligible_before_record.is_none() {
                return fail("date", "a pathway plan is for an eligible child or a care leaver".into());
            }
            let initial = matches!(e.event, ChildEvent::PathwayPlanCompleted {});
            if !initial && r.pathway_plans.is_empty() {
                return fail("kind", "there is no pathway plan to review".into());
            }
            r.pathway_plans.push((date, initial));
        }
        ChildEvent::StayingPutAgreed {} => {
            if r.care_periods.is_empty() && r.eligible_before_record.is_none() {
                return fail("date", "staying put is for a young person who has been looked after".into());
            }
            r.staying_put.push(date);
        }
        ChildEvent::PersonalAdviserAllocated { worker } => {
            if r.care_periods.is_empty() && r.eligible_before_record.is_none() {
                return fail("date", "a personal adviser is for an eligible child or a care leaver".into());
            }
            r.personal_advisers.push((date, *worker));
        }

        ChildEvent::WorkerAllocated { worker, team, reason } => {
            // The same worker may be allocated again once the case they held has closed.
            let closed_since =
                |since: NaiveDate| r.cin_episodes.iter().any(|ep| ep.closed.is_some_and(|(d, _)| d >= since));
            if r.allocations
                .last()
                .is_some_and(|a| a.worker == *worker && a.team == *team && a.ended.is_none() && !closed_since(a.date))
            {
                return fail("worker", "this worker is already allocated".into());
            }
            r.allocations.push(Allocation { date, worker: *worker, team: *team, reason: *reason, ended: None });
        }
        ChildEvent::WorkerAllocationEnded {} => match r.allocations.last_mut() {
            Some(a) if a.ended.is_none() => {
                if a.date == date {
                    return fail("date", "an allocation cannot end on the day it was made".into());
                }
                a.ended = Some(date);
            }
            _ => return fail("kind", "no worker is allocated to the child".into()),
        },
        ChildEvent::IroAppointed { iro } => {
            if !looked_after {
                return fail("date", "an IRO is appointed for a looked-after child".into());
            }
            r.iros.push((date, *iro));
        }

        ChildEvent::IroConcernRaised { concern } => {
            if r.iro(date).is_none() {
                return fail(
                    "date",
                    "a concern is raised by the child's IRO, and no IRO is appointed on this date".into(),
                );
            }
            if concern.trim().is_empty() {
                return fail("concern", "say what the concern is".into());
            }
            if r.iro_disputes.iter().any(IroDispute::is_open) {
                return fail(
                    "kind",
                    "a concern is already open in the dispute resolution process; escalate or end it first".into(),
                );
            }
            r.iro_disputes.push(IroDispute {
                raised: date,
                concern: concern.trim().to_string(),
                stages: vec![(date, DisputeStage::Informal)],
                ended: None,
            });
        }
        ChildEvent::IroConcernEscalated { stage } => {
            let Some(dispute) = r.iro_disputes.iter_mut().rev().find(|d| d.is_open()) else {
                return fail("kind", "there is no open concern to escalate".into());
            };
            let (since, current) = dispute.stage();
            if *stage <= current {
                return fail(
                    "stage",
                    format!(
                        "the concern has been with the {} since {}; it can only go to a later stage",
                        current.describe(),
                        long_date(since)
                    ),
                );
            }
            dispute.stages.push((date, *stage));
        }
        ChildEvent::IroConcernResolved { outcome } => {
            let Some(dispute) = r.iro_disputes.iter_mut().rev().find(|d| d.is_open()) else {
                return fail("kind", "there is no open concern to end".into());
            };
            dispute.ended = Some((date, *outcome));
        }
        ChildEvent::CarePlanChangeProposed { change, significant, proposes } => {
            if !looked_after {
                return fail("date", "care plan changes are recorded for a looked-after child".into());
            }
            if change.trim().is_empty() {
                return fail("change", "say what the change is".into());
            }
            r.care_plan_changes.push(CarePlanChange {
                proposed: date,
                change: change.clone(),
                significant: *significant,
                proposes: *proposes,
                iro_consulted: None,
                approved: None,
            });
        }
        ChildEvent::IroConsulted {} => {
            let Some(change) = r.care_plan_changes.iter_mut().rev().find(|c| c.approved.is_none()) else {
                return fail("date", "there is no proposed care plan change to consult the IRO on".into());
            };
            change.iro_consulted = Some(date);
        }
        ChildEvent::CarePlanChangeApproved { approved_by } => {
            let Some(change) = r.care_plan_changes.iter_mut().rev().find(|c| c.approved.is_none()) else {
                return fail("date", "there is no proposed care plan change to approve".into());
            };
            change.approved = Some((date, *approved_by));
        }

        ChildEvent::ComplaintReceived { stage, summary } => {
            if summary.trim().is_empty() {
                return fail("summary", "say what the complaint is about".into());
            }
            if *stage != ComplaintStage::LocalResolution
                && !r.complaints.iter().any(|c| c.responded.is_some() && c.stage < *stage)
            {
                return fail("stage", "a complaint reaches a later stage after a response at an earlier one".into());
            }
            r.complaints.push(Complaint {
                received: date,
                stage: *stage,
                summary: summary.clone(),
                responded: None,
                extensions: Vec::new(),
                panel_held: None,
            });
        }
        ChildEvent::ComplaintExtended { stage, working_days, reason, agreed_by } => {
            // Regs 14 and 17: stage 1's 10 working days may be extended to 20, stage 2's 25 to
            // 65; the regulations give the review panel's 30 no extension (reg 19(4)).
            let Some(most) = stage.extended_working_days() else {
                return fail("stage", "the review panel's 30 working days cannot be extended (reg 19(4))".into());
            };
            let Some(complaint) = r.complaints.iter_mut().rev().find(|c| c.stage == *stage && c.responded.is_none())
            else {
                return fail("stage", format!("there is no complaint at {} awaiting a response", stage.describe()));
            };
            if reason.trim().is_empty() {
                return fail("reason", "say why the period is extended".into());
            }
            let current = complaint.working_days().unwrap_or(most);
            if *working_days > most {
                return fail(
                    "working_days",
                    format!(
                        "at {} the period may be extended to at most {most} working days ({})",
                        stage.describe(),
                        if *stage == ComplaintStage::LocalResolution { "reg 14" } else { "reg 17" }
                    ),
                );
            }
            if *working_days <= current {
                return fail(
                    "working_days",
                    format!("the period is already {current} working days; an extension must lengthen it"),
                );
            }
            complaint.extensions.push(ComplaintExtension {
                on: date,
                working_days: *working_days,
                reason: reason.trim().to_string(),
                agreed_by: *agreed_by,
            });
        }
        ChildEvent::ComplaintPanelHeld {} => {
            let Some(complaint) =
                r.complaints.iter_mut().rev().find(|c| {
                    c.stage == ComplaintStage::ReviewPanel && c.responded.is_none() && c.panel_held.is_none()
                })
            else {
                return fail("date", "there is no review panel request awaiting its panel".into());
            };
            complaint.panel_held = Some(date);
        }
        ChildEvent::ComplaintResponded { stage, finding } => {
            let Some(complaint) = r.complaints.iter_mut().rev().find(|c| c.stage == *stage && c.responded.is_none())
            else {
                return fail("stage", "there is no complaint at this stage awaiting a response".into());
            };
            complaint.responded = Some((date, *finding));
        }
        ChildEvent::AdvocacyOffered { accepted } => r.advocacy_offers.push((date, *accepted)),

        ChildEvent::CaseClosed { reason } => {
            let Some(episode) = r.cin_episodes.last_mut().filter(|ep| ep.is_open()) else {
                return fail("date", "there is no open case to close".into());
            };
            if looked_after {
                return fail(
                    "kind",
                    "the child is looked after; record that they ceased to be looked after first".into(),
                );
            }
            if episode.cp_plans.last().is_some_and(|p| p.span.is_open()) {
                return fail("kind", "the child protection plan is still in place".into());
            }
            if episode.cin_plans.last().is_some_and(|p| p.span.is_open()) {
                return fail("kind", "the child in need plan is still in place".into());
            }
            if episode.assessments.iter().any(|a| a.authorised.is_none()) {
                return fail("kind", "an assessment is still in progress".into());
            }
            if episode.section_47s.iter().any(|s| s.completed.is_none()) {
                return fail("kind", "a section 47 enquiry is still in progress".into());
            }
            episode.closed = Some((date, *reason));
        }
        ChildEvent::EventCorrected { .. } => unreachable!("corrections are resolved before the fold"),
    }
    Ok(())
}

fn check_notice(
    e: &Entry,
    notice: Option<&CarerNotice>,
    ending: &Placement,
    approvals: &[TemporaryApproval],
) -> Result<(), RecordError> {
    let kind = ending.placement_type;
    let exempt = |why: &str| Err(err(e, "notice.exemption", why.into()));
    match notice {
        Some(CarerNotice::Given { on }) if *on > e.effective_date => {
            Err(err(e, "notice.on", "notice must be given before the placement ends".into()))
        }
        Some(CarerNotice::Emergency { reason, .. }) if reason.trim().is_empty() => {
            Err(err(e, "notice.reason", "say why there was no time to give notice".into()))
        }
        Some(CarerNotice::NotRequired { exemption }) => match exemption {
            EndingExemption::ParentPlacementNotConfirmed if kind != crate::codes::PlacementType::WithParents => {
                exempt("reg 19(c) is for a placement with a parent; this placement is not one")
            }
            EndingExemption::EmergencyFosterPlacementEnded if !kind.is_foster() => {
                exempt("reg 23(2) is for an emergency placement with a foster carer; this placement is not one")
            }
            EndingExemption::TemporaryApprovalExpired
                if !approvals.iter().any(|a| a.covers(ending.carer, e.effective_date)) =>
            {
                exempt("the carer has no temporary approval under reg 24 to expire (reg 25(6))")
            }
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}
