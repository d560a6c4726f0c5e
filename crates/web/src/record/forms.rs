//! Every recording form: one for each kind of entry a practitioner makes in a child's record.
//!
//! The entries careful makes only when importing another system's history
//! (`care_continued_from_before_record`, `looked_after_before_record`,
//! `eligible_child_before_record`) have no form; a child's record is started on its own page
//! (`/children/new`), and corrections use the form of the entry they correct.

use std::sync::LazyLock;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use careful_app::FieldError;
use careful_domain::codes::{
    AdopterLegalStatus, AdopterSex, AssessmentFactor, CareLeaverAccommodation, CareLeaverActivity, CategoryOfAbuse,
    Disability, Ethnicity, InTouch, LegalStatus, MissingType, Need, PlacementProvider, PlacementType,
    PreviousPermanence, ReasonEpisodeCeased, ReasonForClosure, ReasonPlaceChange, ReasonPlacedCeased, ReferralSource,
    ReviewParticipation, SdqReason, Sex, SocialWorkerChangeReason, UpnUnknown,
};
use careful_domain::identifiers::{NhsNumber, Postcode, Upn};
use careful_domain::organisation::WorkerRole;
use careful_domain::record::{CarerNotice, ChildEvent, ChildRecord, ComplaintStage, Urn};
use careful_domain::{CarerId, CollectionYear, PersonId, WorkerId};

use super::spec::{Answers, Choices, Context, Field, Form, Options, Widget};

macro_rules! code_choices {
    ($name:ident, $ty:ty) => {
        fn $name(_: NaiveDate) -> Choices {
            <$ty>::ALL.iter().map(|c| (c.code().to_string(), format!("{} ({})", c.description(), c.code()))).collect()
        }
    };
    ($name:ident, $ty:ty, $keep:expr) => {
        fn $name(today: NaiveDate) -> Choices {
            let keep: fn($ty, NaiveDate) -> bool = $keep;
            <$ty>::ALL
                .iter()
                .filter(|c| keep(**c, today))
                .map(|c| (c.code().to_string(), format!("{} ({})", c.description(), c.code())))
                .collect()
        }
    };
}

code_choices!(referral_sources, ReferralSource);
code_choices!(needs, Need);
code_choices!(needs_903, Need, |n, _| n.valid_in_903());
code_choices!(factors, AssessmentFactor);
code_choices!(categories, CategoryOfAbuse);
code_choices!(legal_statuses, LegalStatus);
code_choices!(placement_types, PlacementType, |t, today| CollectionYear::containing(today)
    .is_none_or(|y| t.valid_in(y)));
code_choices!(providers, PlacementProvider);
code_choices!(place_change_reasons, ReasonPlaceChange);
code_choices!(ceased_reasons, ReasonEpisodeCeased);
code_choices!(participations, ReviewParticipation);
code_choices!(missing_types, MissingType);
code_choices!(in_touch, InTouch);
code_choices!(activities, CareLeaverActivity);
code_choices!(accommodations, CareLeaverAccommodation);
code_choices!(sdq_reasons, SdqReason);
code_choices!(adopter_sexes, AdopterSex);
code_choices!(adopter_statuses, AdopterLegalStatus);
code_choices!(adoption_reversals, ReasonPlacedCeased);
code_choices!(previous_permanence, PreviousPermanence);
code_choices!(closure_reasons, ReasonForClosure);
code_choices!(worker_change_reasons, SocialWorkerChangeReason);
code_choices!(sexes, Sex);
code_choices!(ethnicities, Ethnicity);
code_choices!(upn_unknown, UpnUnknown);
code_choices!(disabilities, Disability);

const VISIT_KINDS: &[(&str, &str)] = &[
    ("looked_after", "Statutory visit to a looked-after child"),
    ("child_protection", "Child protection visit"),
    ("child_in_need", "Child in need visit"),
    ("assessment", "Visit during an assessment or section 47 enquiry"),
    ("care_leaver", "Visit to a care leaver"),
];
const ALONE: &[(&str, &str)] = &[("yes", "Yes"), ("no", "No")];
const NOT_ALONE: &[(&str, &str)] = &[
    ("child_refused", "The child, of sufficient understanding, refused"),
    ("inappropriate", "It was not appropriate, given the child's age and understanding"),
    ("unable", "I was unable to"),
];
const CONTACT_OUTCOMES: &[(&str, &str)] = &[
    ("referral", "Accept as a referral to children's social care"),
    ("early_help", "Pass to early help"),
    ("advice_or_signposting", "Advice or signposting"),
    ("no_further_action", "No further action"),
];
const ASSESSMENT_OUTCOMES: &[(&str, &str)] = &[
    ("child_in_need", "Child in need: services under a child in need plan"),
    ("strategy_discussion", "Concerns of significant harm: a strategy discussion"),
    ("looked_after", "The child should be looked after"),
    ("early_help", "Not in need: early help"),
    ("no_further_action", "Not in need: no further action"),
];
const S47_OUTCOMES: &[(&str, &str)] = &[
    ("conference_required", "Concerns substantiated: an initial child protection conference"),
    ("child_in_need", "Concerns not substantiated, but the child is in need"),
    ("no_further_action", "No further action"),
];
const RCPC_DECISIONS: &[(&str, &str)] =
    &[("continue_plan", "The plan continues"), ("end_plan", "The child no longer needs a plan")];
const HEALTH_KINDS: &[(&str, &str)] =
    &[("initial", "Initial health assessment"), ("review", "Review health assessment")];
const NOTICE: &[(&str, &str)] = &[
    ("given", "Written notice was given to the carer"),
    ("emergency", "It had to end at once: there was no time to give notice"),
    ("not_required", "Regulation 14 does not apply to this ending"),
];
const EMERGENCY_GROUNDS: &[(&str, &str)] = &[
    ("risk_to_child", "An immediate risk of significant harm to the child"),
    ("protect_others", "To protect others from serious injury"),
];
const EXEMPTIONS: &[(&str, &str)] = &[
    ("parent_placement_not_confirmed", "A placement with a parent before their assessment, not confirmed (reg 19(c))"),
    ("emergency_foster_placement_ended", "An emergency placement with a foster carer, at its end (reg 23(2))"),
    ("temporary_approval_expired", "A connected person's temporary approval expired (reg 25(6))"),
    ("section22d_review", "Decided at a review under section 22D of the Children Act 1989"),
];
const PROPOSES: &[(&str, &str)] = &[
    ("placement", "A move of placement"),
    ("end_of_care", "Ceasing to look after the child"),
    ("other", "Another change to the plan"),
];
const SDQ: &[(&str, &str)] = &[("score", "A score"), ("not_completed", "It was not completed")];
const RELATIONSHIPS: &[(&str, &str)] = &[
    ("mother", "Mother"),
    ("father", "Father"),
    ("step_parent", "Step-parent"),
    ("sibling", "Sibling"),
    ("half_sibling", "Half-sibling"),
    ("grandparent", "Grandparent"),
    ("aunt_or_uncle", "Aunt or uncle"),
    ("other_relative", "Other relative"),
    ("family_friend", "Family friend"),
    ("parents_partner", "Parent's partner"),
];
const COMPLAINT_STAGES: &[(&str, &str)] = &[
    ("local_resolution", "Stage 1: local resolution"),
    ("investigation", "Stage 2: investigation"),
    ("review_panel", "Stage 3: review panel"),
];
/// The stages whose period for responding may be extended (regs 14 and 17).
const EXTENDABLE_STAGES: &[(&str, &str)] = &[
    ("local_resolution", "Stage 1: local resolution (10 working days, up to 20)"),
    ("investigation", "Stage 2: investigation (25 working days, up to 65)"),
];
const COMPLAINT_FINDINGS: &[(&str, &str)] = &[
    ("upheld", "Upheld"),
    ("partly_upheld", "Partly upheld"),
    ("not_upheld", "Not upheld"),
    ("withdrawn", "Withdrawn"),
];
const ESCALATION_STAGES: &[(&str, &str)] = &[
    ("team_manager", "Formal: the team manager"),
    ("service_manager", "Formal: the service manager or head of service"),
    ("assistant_director", "Formal: the assistant director"),
    ("director", "Formal: the director of children's services"),
];
const DISPUTE_OUTCOMES: &[(&str, &str)] = &[
    ("resolved", "Resolved: the council put right what was raised"),
    ("withdrawn", "Withdrawn by the IRO"),
    ("referred_to_cafcass", "Referred to Cafcass"),
];

const SOCIAL_WORKERS: &[WorkerRole] = &[WorkerRole::SocialWorker, WorkerRole::TeamManager];
const IROS: &[WorkerRole] = &[WorkerRole::IndependentReviewingOfficer];
const ADVISERS: &[WorkerRole] = &[WorkerRole::PersonalAdviser, WorkerRole::SocialWorker];
const MANAGERS: &[WorkerRole] = &[WorkerRole::TeamManager];

fn postcode(text: &str) -> Result<String, String> {
    text.parse::<Postcode>().map(|p| p.to_string()).map_err(|e| e.why)
}

fn urn(text: &str) -> Result<String, String> {
    text.parse::<Urn>().map(|u| u.to_string()).map_err(|e| e.why)
}

fn upn(text: &str) -> Result<String, String> {
    text.parse::<Upn>().map(|u| u.to_string()).map_err(|e| e.why)
}

fn nhs_number(text: &str) -> Result<String, String> {
    text.parse::<NhsNumber>().map(|n| n.to_string()).map_err(|e| e.why)
}

// ------------------------------------------------------------------ what fits a record now

fn always(_: &ChildRecord, _: NaiveDate) -> bool {
    true
}

fn looked_after(r: &ChildRecord, on: NaiveDate) -> bool {
    r.status(on).looked_after
}

fn in_proceedings(r: &ChildRecord, _: NaiveDate) -> bool {
    r.proceedings.last().is_some_and(|p| p.concluded.is_none())
}

fn not_in_proceedings(r: &ChildRecord, on: NaiveDate) -> bool {
    !in_proceedings(r, on) && r.died.is_none()
}

fn with_connected_person(r: &ChildRecord, on: NaiveDate) -> bool {
    r.care_periods
        .last()
        .filter(|p| p.is_open())
        .and_then(|p| p.state_on(on))
        .is_some_and(|s| s.placement.placement_type.is_with_relative_or_friend())
}

fn temporarily_approved(r: &ChildRecord, on: NaiveDate) -> bool {
    let carer = r.care_periods.last().filter(|p| p.is_open()).and_then(|p| p.state_on(on)).map(|s| s.placement.carer);
    carer.is_some_and(|c| r.temporary_approvals.iter().any(|a| a.covers(c, on)))
}

fn under_epo(r: &ChildRecord, on: NaiveDate) -> bool {
    r.care_periods
        .last()
        .filter(|p| p.is_open())
        .and_then(|p| p.state_on(on))
        .is_some_and(|s| s.legal_status == careful_domain::codes::LegalStatus::EmergencyProtectionOrder)
}

fn not_looked_after(r: &ChildRecord, on: NaiveDate) -> bool {
    !r.status(on).looked_after && r.died.is_none()
}

fn open_case(r: &ChildRecord, _: NaiveDate) -> bool {
    r.open_episode().is_some()
}

fn no_open_case(r: &ChildRecord, _: NaiveDate) -> bool {
    r.open_episode().is_none()
}

fn assessing(r: &ChildRecord, _: NaiveDate) -> bool {
    r.open_episode().is_some_and(|e| e.assessments.iter().any(|a| a.authorised.is_none()))
}

fn in_cin_plan(r: &ChildRecord, _: NaiveDate) -> bool {
    r.open_episode().is_some_and(|e| e.cin_plans.last().is_some_and(|p| p.span.is_open()))
}

fn in_s47(r: &ChildRecord, _: NaiveDate) -> bool {
    r.open_episode().is_some_and(|e| e.section_47s.iter().any(|s| s.completed.is_none()))
}

fn in_cp_plan(r: &ChildRecord, _: NaiveDate) -> bool {
    r.open_episode().is_some_and(|e| e.cp_plans.last().is_some_and(|p| p.span.is_open()))
}

fn undecided_contact(r: &ChildRecord, _: NaiveDate) -> bool {
    r.contacts.last().is_some_and(|c| c.outcome.is_none())
}

fn unborn(r: &ChildRecord, _: NaiveDate) -> bool {
    r.details.date_of_birth.is_none()
}

fn missing_now(r: &ChildRecord, _: NaiveDate) -> bool {
    r.missing_episodes.last().is_some_and(|m| m.ended.is_none())
}

fn has_been_missing(r: &ChildRecord, _: NaiveDate) -> bool {
    !r.missing_episodes.is_empty()
}

fn care_experienced(r: &ChildRecord, _: NaiveDate) -> bool {
    !r.care_periods.is_empty() || r.eligible_before_record.is_some()
}

fn adoption_planned(r: &ChildRecord, on: NaiveDate) -> bool {
    looked_after(r, on) && r.adoption_decisions.last().is_some_and(|d| d.reversed.is_none())
}

fn pending_change(r: &ChildRecord, _: NaiveDate) -> bool {
    r.care_plan_changes.iter().any(|c| c.approved.is_none())
}

fn has_iro(r: &ChildRecord, on: NaiveDate) -> bool {
    r.iro(on).is_some()
}

fn open_dispute(r: &ChildRecord, _: NaiveDate) -> bool {
    r.iro_disputes.iter().any(|d| d.is_open())
}

fn allocated(r: &ChildRecord, on: NaiveDate) -> bool {
    r.allocation_on(on).is_some()
}

fn open_complaint(r: &ChildRecord, _: NaiveDate) -> bool {
    r.complaints.iter().any(|c| c.responded.is_none())
}

fn extendable_complaint(r: &ChildRecord, _: NaiveDate) -> bool {
    r.complaints.iter().any(|c| c.responded.is_none() && c.stage.extended_working_days().is_some())
}

fn awaiting_panel(r: &ChildRecord, _: NaiveDate) -> bool {
    r.complaints
        .iter()
        .any(|c| c.stage == ComplaintStage::ReviewPanel && c.responded.is_none() && c.panel_held.is_none())
}

fn ended_without_notice(r: &ChildRecord, _: NaiveDate) -> bool {
    r.care_periods.iter().flat_map(|p| &p.placement_endings).any(|p| {
        !matches!(p.notice, Some(CarerNotice::Given { .. } | CarerNotice::NotRequired { .. }))
            && p.notified_after.is_none()
    })
}

fn ended_at_once_iro_not_told(r: &ChildRecord, _: NaiveDate) -> bool {
    r.care_periods
        .iter()
        .flat_map(|p| &p.placement_endings)
        .any(|p| matches!(p.notice, Some(CarerNotice::Emergency { .. })) && p.iro_informed.is_none())
}

fn in_police_protection(r: &ChildRecord, _: NaiveDate) -> bool {
    r.police_protection.last().is_some_and(|p| p.ended.is_none())
}

fn not_in_police_protection(r: &ChildRecord, on: NaiveDate) -> bool {
    !in_police_protection(r, on)
}

// ------------------------------------------------------------------ what a form fills in

/// Keeps the identity the corrected entry had at `path`, else makes it.
fn keep_or(payload: &mut Map<String, Value>, ctx: &Context, path: &str, make: impl FnOnce() -> String) {
    let kept = ctx.original.and_then(|o| super::spec::get_path(o, path)).and_then(Value::as_str).map(str::to_string);
    let value = Value::String(kept.unwrap_or_else(make));
    let (outer, key) = path.split_once('.').expect("a nested path");
    if let Some(Value::Object(inner)) = payload.get_mut(outer) {
        inner.insert(key.to_string(), value);
    }
}

/// A new placement's carer: the current carer when it is a change with the same carer, else a
/// new one (the 903 tells a move to a new carer from a change of status).
fn placement_carer(payload: &mut Map<String, Value>, answers: &Answers, ctx: &Context) -> Result<(), FieldError> {
    let current = ctx.record.open_care_period().map(|p| p.current().placement.carer);
    keep_or(payload, ctx, "placement.carer", || match (answers.get("_same_carer"), current) {
        ("yes", Some(carer)) => carer.to_string(),
        _ => CarerId::new().to_string(),
    });
    Ok(())
}

fn person_id(payload: &mut Map<String, Value>, _: &Answers, ctx: &Context) -> Result<(), FieldError> {
    keep_or(payload, ctx, "person.person", || PersonId::new().to_string());
    Ok(())
}

/// An allocation is to the worker's own team.
fn worker_team(payload: &mut Map<String, Value>, _: &Answers, ctx: &Context) -> Result<(), FieldError> {
    let worker = payload.get("worker").and_then(Value::as_str).unwrap_or_default().to_string();
    let Some(choice) = ctx.workers.iter().find(|w| w.id == worker) else {
        return Err(FieldError::new("worker", "Select the worker from the list"));
    };
    payload.insert("team".into(), Value::String(choice.team_id.clone()));
    Ok(())
}

// ------------------------------------------------------------------ guardrails asked about early

fn probe_move(r: &ChildRecord, on: NaiveDate) -> Option<ChildEvent> {
    let current = r.open_care_period()?.current().placement.clone();
    Some(ChildEvent::PlacementChanged {
        placement: careful_domain::record::Placement { carer: CarerId::new(), ..current },
        reason: ReasonPlaceChange::CarePlan,
        notice: Some(CarerNotice::Given { on }),
    })
}

fn probe_cease(r: &ChildRecord, on: NaiveDate) -> Option<ChildEvent> {
    r.open_care_period()?;
    Some(ChildEvent::CeasedToBeLookedAfter {
        reason: ReasonEpisodeCeased::ALL[0],
        notice: Some(CarerNotice::Given { on }),
    })
}

fn probe_close(r: &ChildRecord, _: NaiveDate) -> Option<ChildEvent> {
    r.open_episode()?;
    Some(ChildEvent::CaseClosed { reason: ReasonForClosure::ALL[0] })
}

fn probe_approve(r: &ChildRecord, _: NaiveDate) -> Option<ChildEvent> {
    r.care_plan_changes
        .iter()
        .any(|c| c.approved.is_none())
        .then(|| ChildEvent::CarePlanChangeApproved { approved_by: WorkerId::from_random_bytes([0; 16]) })
}

fn probe_cp_end(r: &ChildRecord, on: NaiveDate) -> Option<ChildEvent> {
    in_cp_plan(r, on).then_some(ChildEvent::ChildProtectionPlanEnded {})
}

// ------------------------------------------------------------------ the forms

fn form(slug: &'static str, kind: &'static str, title: &'static str, area: &'static str) -> Form {
    Form {
        slug,
        kind,
        title,
        area,
        date_label: "When did it happen?",
        date_from: None,
        fields: Vec::new(),
        derive: None,
        probe: None,
        fits: always,
    }
}

impl Form {
    fn dated(mut self, label: &'static str) -> Form {
        self.date_label = label;
        self
    }

    fn dated_by(mut self, path: &'static str) -> Form {
        self.date_from = Some(path);
        self
    }

    fn ask(mut self, field: Field) -> Form {
        self.fields.push(field);
        self
    }

    fn fits(mut self, fits: fn(&ChildRecord, NaiveDate) -> bool) -> Form {
        self.fits = fits;
        self
    }

    fn derive(mut self, derive: super::spec::Derive) -> Form {
        self.derive = Some(derive);
        self
    }

    fn probe(mut self, probe: super::spec::Probe) -> Form {
        self.probe = Some(probe);
        self
    }
}

fn placement_fields(form: Form) -> Form {
    form.ask(
        Field::new("placement.type", "What kind of placement is it?", "the placement type", Widget::Select(Options::Codes(placement_types)))
            .hint("DfE's placement types accepted this year."),
    )
    .ask(
        Field::new("placement.provider", "Who provides it?", "the placement provider", Widget::Radios(Options::Codes(providers)))
            .hint("Leave this out for a temporary placement or placement with parents, which have no provider in the SSDA903.")
            .optional(),
    )
    .ask(
        Field::new("placement.postcode", "What is the placement's postcode?", "the placement's postcode", Widget::Identifier(postcode))
            .optional(),
    )
    .ask(
        Field::new("placement.urn", "What is the provider's Ofsted URN?", "the Ofsted URN", Widget::Identifier(urn))
            .hint("For a registered provider, such as SC123456.")
            .optional(),
    )
}

fn notice_fields(form: Form) -> Form {
    form.ask(
        Field::new("notice.notice", "What was the carer told before the placement ended?", "what the carer was told", Widget::Radios(Options::Fixed(NOTICE)))
            .hint("The law requires written notice to a carer before a placement ends, unless an emergency made it impossible (Care Planning Regulations 2010, reg 14).")
            .optional(),
    )
    .ask(
        Field::new("notice.on", "When was notice given?", "the date notice was given", Widget::Date)
            .when("notice.notice", "given"),
    )
    .ask(
        Field::new("notice.ground", "Why did it have to end at once?", "why it had to end at once", Widget::Radios(Options::Fixed(EMERGENCY_GROUNDS)))
            .hint("The only two grounds on which a placement may end without a review first (Care Planning Regulations 2010, reg 14(3)). The IRO must be told as soon as reasonably practicable.")
            .when("notice.notice", "emergency"),
    )
    .ask(
        Field::new("notice.authorised_by", "Which manager authorised it?", "the manager who authorised it", Widget::Select(Options::Workers(MANAGERS)))
            .when("notice.notice", "emergency"),
    )
    .ask(
        Field::new("notice.reason", "What happened?", "what happened", Widget::TextArea)
            .when("notice.notice", "emergency"),
    )
    .ask(
        Field::new("notice.exemption", "Why does regulation 14 not apply?", "why regulation 14 does not apply", Widget::Radios(Options::Fixed(EXEMPTIONS)))
            .hint("Regulation 14(5) lists the only endings it does not cover.")
            .when("notice.notice", "not_required"),
    )
}

/// Every form, in the order the list of forms shows them.
pub(crate) static FORMS: LazyLock<Vec<Form>> = LazyLock::new(|| {
    const FAMILY: &str = "The child and family";
    const FRONT_DOOR: &str = "Contacts and referrals";
    const ASSESSMENT: &str = "Assessment and child in need";
    const PROTECTION: &str = "Child protection";
    const VISITS: &str = "Visits";
    const CARE: &str = "Looked after";
    const PLANNING: &str = "Care planning, reviews and the IRO";
    const HEALTH: &str = "Health and education";
    const MISSING: &str = "Missing from home or care";
    const ADOPTION: &str = "Adoption";
    const LEAVING: &str = "Leaving care";
    const WORKERS: &str = "Allocation";
    const COMPLAINTS: &str = "Complaints and advocacy";
    const CLOSING: &str = "Closing the case";
    vec![
        // ---------------------------------------------------------------- visits
        form("visit", "visit_made", "Record a visit", VISITS)
            .dated("When was the visit?")
            .ask(Field::new("visit", "What kind of visit was it?", "the kind of visit", Widget::Radios(Options::Fixed(VISIT_KINDS))))
            .ask(Field::new("seen", "Was the child seen?", "whether the child was seen", Widget::YesNo))
            .ask(
                Field::new("seen_alone.alone", "Was the child seen alone?", "whether the child was seen alone", Widget::Radios(Options::Fixed(ALONE)))
                    .hint("The law requires you to say, at a statutory or child protection visit (Care Planning Regulations 2010, reg 29).")
                    .when("seen", "yes"),
            )
            .ask(
                Field::new("seen_alone.reason", "Why was the child not seen alone?", "why the child was not seen alone", Widget::Radios(Options::Fixed(NOT_ALONE)))
                    .when("seen_alone.alone", "no"),
            )
            .ask(
                Field::new("wishes_and_feelings", "What did the child say about their wishes and feelings?", "the child's wishes and feelings", Widget::TextArea)
                    .hint("In the child's own words where you can. The child's page shows what they said last.")
                    .when("seen", "yes")
                    .optional(),
            ),
        // ---------------------------------------------------------------- front door
        form("contact", "contact_received", "Record a contact", FRONT_DOOR)
            .dated("When was the contact received?")
            .ask(Field::new("source", "Who made the contact?", "who made the contact", Widget::Select(Options::Codes(referral_sources)))),
        form("contact-decision", "contact_decided", "Record the decision on a contact", FRONT_DOOR)
            .dated("When was the decision made?")
            .ask(Field::new("outcome", "What was decided?", "what was decided", Widget::Radios(Options::Fixed(CONTACT_OUTCOMES))))
            .fits(undecided_contact),
        form("referral", "referral_received", "Record a referral", FRONT_DOOR)
            .dated("When was the referral received?")
            .ask(Field::new("source", "Who made the referral?", "who made the referral", Widget::Select(Options::Codes(referral_sources))))
            .ask(Field::new("primary_need", "What is the child's primary need?", "the child's primary need", Widget::Radios(Options::Codes(needs))))
            .fits(no_open_case),
        form("referral-no-further-action", "referral_no_further_action", "Close a referral with no further action", FRONT_DOOR)
            .dated("When was it decided?")
            .fits(open_case),
        // ---------------------------------------------------------------- assessment and CIN
        form("assessment-start", "assessment_started", "Start an assessment", ASSESSMENT)
            .dated("When did the assessment start?")
            .fits(open_case),
        form("assessment-authorised", "assessment_authorised", "Record an assessment's outcome", ASSESSMENT)
            .dated("When was the assessment authorised?")
            .ask(
                Field::new("factors", "Which factors did the assessment identify?", "the factors identified", Widget::Checkboxes(Options::Codes(factors)))
                    .hint("Select all that apply (the CIN census factors).")
                    .optional(),
            )
            .ask(Field::new("outcome", "What did the assessment conclude?", "what the assessment concluded", Widget::Radios(Options::Fixed(ASSESSMENT_OUTCOMES))))
            .fits(assessing),
        form("cin-plan-start", "cin_plan_started", "Start a child in need plan", ASSESSMENT)
            .dated("When did the plan start?")
            .fits(open_case),
        form("cin-plan-review", "cin_plan_reviewed", "Record a child in need plan review", ASSESSMENT)
            .dated("When was the plan reviewed?")
            .fits(in_cin_plan),
        form("cin-plan-end", "cin_plan_ended", "End a child in need plan", ASSESSMENT)
            .dated("When did the plan end?")
            .fits(in_cin_plan),
        // ---------------------------------------------------------------- child protection
        form("strategy-discussion", "strategy_discussion_held", "Record a strategy discussion", PROTECTION)
            .dated("When was the strategy discussion?")
            .ask(Field::new("section_47", "Did it decide on a section 47 enquiry?", "whether it decided on a section 47 enquiry", Widget::YesNo))
            .fits(open_case),
        form("section-47-start", "section47_started", "Start a section 47 enquiry", PROTECTION)
            .dated("When did the enquiry start?")
            .fits(open_case),
        form("section-47-complete", "section47_completed", "Record a section 47 enquiry's outcome", PROTECTION)
            .dated("When was the enquiry completed?")
            .ask(Field::new("outcome", "What did the enquiry conclude?", "what the enquiry concluded", Widget::Radios(Options::Fixed(S47_OUTCOMES))))
            .fits(in_s47),
        form("initial-conference", "initial_conference_held", "Record an initial child protection conference", PROTECTION)
            .dated("When was the conference?")
            .ask(Field::new("plan_required", "Did the conference decide the child needs a child protection plan?", "whether the child needs a plan", Widget::YesNo))
            .fits(open_case),
        form("child-protection-plan-start", "child_protection_plan_started", "Start a child protection plan", PROTECTION)
            .dated("When did the plan start?")
            .ask(Field::new("category", "What is the category of abuse?", "the category of abuse", Widget::Radios(Options::Codes(categories))))
            .fits(open_case),
        form("core-group", "core_group_meeting_held", "Record a core group meeting", PROTECTION)
            .dated("When was the meeting?")
            .fits(in_cp_plan),
        form("review-conference", "review_conference_held", "Record a review child protection conference", PROTECTION)
            .dated("When was the conference?")
            .ask(Field::new("decision", "What did the conference decide?", "what the conference decided", Widget::Radios(Options::Fixed(RCPC_DECISIONS))))
            .ask(
                Field::new("category", "If the category of abuse changed, what is it now?", "the new category of abuse", Widget::Radios(Options::Codes(categories)))
                    .hint("Leave this out if the category is the same.")
                    .optional(),
            )
            .fits(in_cp_plan),
        form("child-protection-plan-end", "child_protection_plan_ended", "End a child protection plan", PROTECTION)
            .dated("When did the plan end?")
            .probe(probe_cp_end)
            .fits(in_cp_plan),
        // ---------------------------------------------------------------- looked after
        placement_fields(
            form("looked-after", "became_looked_after", "Record that the child became looked after", CARE)
                .dated("When did the child become looked after?")
                .ask(Field::new("legal_status", "What is the child's legal status?", "the legal status", Widget::Select(Options::Codes(legal_statuses)))),
        )
        .ask(Field::new("category_of_need", "What is the child's category of need?", "the category of need", Widget::Radios(Options::Codes(needs_903))))
        .ask(
            Field::new("home_postcode", "What is the postcode of the home the child came from?", "the home postcode", Widget::Identifier(postcode))
                .optional(),
        )
        .ask(
            Field::new("previous_permanence", "Did the child have a permanence order before?", "the previous permanence order", Widget::Select(Options::Codes(previous_permanence)))
                .optional(),
        )
        .derive(placement_carer)
        .fits(not_looked_after),
        form("legal-status", "legal_status_changed", "Record a change of legal status", CARE)
            .dated("When did the legal status change?")
            .ask(Field::new("legal_status", "What is the child's legal status now?", "the legal status", Widget::Select(Options::Codes(legal_statuses))))
            .fits(looked_after),
        form("proceedings-issued", "care_proceedings_issued", "Record that care proceedings were issued", CARE)
            .dated("On what day did the court issue the application?")
            .fits(not_in_proceedings),
        form("proceedings-extended", "care_proceedings_extended", "Record an extension of care proceedings", CARE)
            .dated("When did the court extend the timetable?")
            .ask(Field::new("weeks", "By how many weeks?", "the weeks of the extension", Widget::Number).hint("Up to 8 at a time."))
            .ask(Field::new("reason", "What reason did the court give?", "the court's reason", Widget::Text))
            .fits(in_proceedings),
        form("proceedings-concluded", "care_proceedings_concluded", "Record that care proceedings concluded", CARE)
            .dated("When did the proceedings conclude?")
            .fits(in_proceedings),
        form("connected-person-temporary", "connected_person_temporarily_approved", "Record a connected person's temporary approval (reg 24)", CARE)
            .dated("When was the carer temporarily approved?")
            .fits(with_connected_person),
        form("connected-person-extended", "connected_person_approval_extended", "Record an extension of a temporary approval (reg 25)", CARE)
            .dated("When was the approval extended?")
            .ask(Field::new("weeks", "By how many weeks?", "the weeks of the extension", Widget::Number).hint("Up to 8, once."))
            .fits(temporarily_approved),
        form("connected-person-approved", "connected_person_approved", "Record that the connected person was approved as a foster carer", CARE)
            .dated("When was the carer approved?")
            .fits(temporarily_approved),
        form("epo-extended", "emergency_protection_order_extended", "Record an extension of an emergency protection order", CARE)
            .dated("When did the court extend the order?")
            .ask(Field::new("days", "By how many days did the court extend it?", "the days of the extension", Widget::Number)
                .hint("Up to 7. An order can be extended only once (Children Act 1989 section 45)."))
            .fits(under_epo),
        notice_fields(
            placement_fields(
                form("placement-change", "placement_changed", "Record a change of placement", CARE)
                    .dated("When did the child move?")
                    .ask(Field::new("_same_carer", "Is it the same carer or carer household as now?", "whether the carer is the same", Widget::YesNo)
                        .hint("Answer yes for a change in the status of the placement only.")),
            )
            .ask(Field::new("reason", "Why did the previous placement end?", "why the placement ended", Widget::Select(Options::Codes(place_change_reasons)))),
        )
        .derive(placement_carer)
        .probe(probe_move)
        .fits(looked_after),
        notice_fields(
            form("ceased", "ceased_to_be_looked_after", "Record that the child ceased to be looked after", CARE)
                .dated("When did the child cease to be looked after?")
                .ask(Field::new("reason", "Why did the child cease to be looked after?", "why the child ceased to be looked after", Widget::Select(Options::Codes(ceased_reasons)))),
        )
        .probe(probe_cease)
        .fits(looked_after),
        form("carer-notified", "carer_notified_of_ending", "Record written notice to a carer after a placement ended", CARE)
            .dated("When was the carer told in writing?")
            .fits(ended_without_notice),
        form("iro-informed-of-ending", "iro_informed_of_ending", "Record that the IRO was told a placement ended at once", CARE)
            .dated("When was the IRO told?")
            .fits(ended_at_once_iro_not_told),
        form("decided-to-cease", "decided_to_cease_looking_after", "Record the decision to cease to look after the child", CARE)
            .dated("When was the decision made?")
            .ask(
                Field::new("arrangements", "Where will the child live, and what support will they and their family need?", "the arrangements and support", Widget::TextArea)
                    .hint("Assessed before deciding (Care Planning Regulations 2010, reg 39(2)); the support goes in the care plan."),
            )
            .ask(Field::new("wishes_and_feelings", "What are the child's wishes and feelings?", "the child's wishes and feelings", Widget::TextArea))
            .ask(
                Field::new("approved_by", "Who approved the decision?", "who approved it", Widget::Select(Options::Workers(MANAGERS)))
                    .hint("A nominated officer, once the child has been looked after for 20 working days (reg 39(4)); the director of children's services for a 16 or 17 year old accommodated under section 20 (reg 39(5)).")
                    .optional(),
            )
            .ask(Field::new("director", "Is the approver the director of children's services?", "whether the approver is the director", Widget::YesNo))
            .fits(looked_after),
        form("police-protection", "police_protection_taken", "Record that the child was taken into police protection", CARE)
            .dated_by("at")
            .ask(
                Field::new("at", "When did the police take the child into police protection?", "the time of police protection", Widget::DateTime)
                    .hint("The date, and the time on the 24-hour clock. No child may be kept in police protection for more than 72 hours (Children Act 1989, section 46)."),
            )
            .fits(not_in_police_protection),
        form("police-protection-ended", "police_protection_ended", "Record that police protection ended", CARE)
            .dated_by("at")
            .ask(Field::new("at", "When did police protection end?", "the end of police protection", Widget::DateTime))
            .fits(in_police_protection),
        // ---------------------------------------------------------------- planning, reviews, IRO
        form("review", "statutory_review_held", "Record a looked-after review", PLANNING)
            .dated("When was the review?")
            .ask(Field::new("participation", "How did the child take part?", "how the child took part", Widget::Radios(Options::Codes(participations))))
            .fits(looked_after),
        form("care-plan-change", "care_plan_change_proposed", "Propose a change to the care plan", PLANNING)
            .dated("When was the change proposed?")
            .ask(Field::new("change", "What is the change?", "the change", Widget::TextArea))
            .ask(Field::new("proposes", "What is it a change of?", "what the change is of", Widget::Radios(Options::Fixed(PROPOSES))))
            .ask(
                Field::new("significant", "Is it a significant change?", "whether it is significant", Widget::YesNo)
                    .hint("A move of placement, ending care, or another significant change must be considered at a review, with the IRO consulted, before it happens (Care Planning Regulations 2010, reg 32)."),
            )
            .fits(looked_after),
        form("iro-consulted", "iro_consulted", "Record that the IRO was consulted on a proposed change", PLANNING)
            .dated("When was the IRO consulted?")
            .fits(pending_change),
        form("care-plan-approved", "care_plan_change_approved", "Approve a change to the care plan", PLANNING)
            .dated("When was the change approved?")
            .ask(Field::new("approved_by", "Who approved it?", "who approved it", Widget::Select(Options::Workers(MANAGERS))))
            .probe(probe_approve)
            .fits(pending_change),
        form("iro", "iro_appointed", "Appoint an IRO", PLANNING)
            .dated("When was the IRO appointed?")
            .ask(Field::new("iro", "Who is the IRO?", "the IRO", Widget::Select(Options::Workers(IROS))))
            .fits(looked_after),
        form("iro-concern", "iro_concern_raised", "Raise a concern (IRO dispute resolution)", PLANNING)
            .dated("When was the concern raised?")
            .ask(
                Field::new("concern", "What is the concern?", "the concern", Widget::TextArea)
                    .hint("About the care plan, its progress, or how the council is meeting its duties to the child. It starts at informal resolution with the social worker and their manager."),
            )
            .fits(has_iro),
        form("iro-escalate", "iro_concern_escalated", "Escalate an IRO's concern", PLANNING)
            .dated("When was it escalated?")
            .ask(Field::new("stage", "Which stage is it going to?", "the stage", Widget::Radios(Options::Fixed(ESCALATION_STAGES))))
            .fits(open_dispute),
        form("iro-concern-end", "iro_concern_resolved", "End an IRO's concern", PLANNING)
            .dated("When did it end?")
            .ask(Field::new("outcome", "How did it end?", "how it ended", Widget::Radios(Options::Fixed(DISPUTE_OUTCOMES))))
            .fits(open_dispute),
        // ---------------------------------------------------------------- health and education
        form("health-assessment", "health_assessment_completed", "Record a health assessment", HEALTH)
            .dated("When was the assessment?")
            .ask(Field::new("assessment", "Which health assessment was it?", "which health assessment it was", Widget::Radios(Options::Fixed(HEALTH_KINDS))))
            .fits(looked_after),
        form("dental-check", "dental_check_completed", "Record a dental check", HEALTH)
            .dated("When was the check?")
            .fits(looked_after),
        form("immunisations", "immunisations_recorded", "Record immunisations", HEALTH)
            .dated("When were they checked?")
            .ask(Field::new("up_to_date", "Are the child's immunisations up to date?", "whether immunisations are up to date", Widget::YesNo))
            .fits(looked_after),
        form("sdq", "sdq_recorded", "Record a Strengths and Difficulties Questionnaire", HEALTH)
            .dated("When was it completed?")
            .ask(Field::new("outcome.sdq", "What was the result?", "the result", Widget::Radios(Options::Fixed(SDQ))))
            .ask(Field::new("outcome.score", "What was the total score?", "the score", Widget::Number).hint("From 0 to 40.").when("outcome.sdq", "score"))
            .ask(
                Field::new("outcome.reason", "Why was it not completed?", "why it was not completed", Widget::Radios(Options::Codes(sdq_reasons)))
                    .when("outcome.sdq", "not_completed"),
            )
            .fits(looked_after),
        form("pep", "pep_reviewed", "Record a personal education plan (PEP)", HEALTH)
            .dated("When was the PEP written or reviewed?")
            .fits(looked_after),
        // ---------------------------------------------------------------- missing
        form("missing", "missing_episode_started", "Record that the child is missing", MISSING)
            .dated_by("at")
            .ask(Field::new("missing", "Is the child missing, or away without authorisation?", "whether the child is missing or away", Widget::Radios(Options::Codes(missing_types))))
            .ask(Field::new("at", "When did the child go missing?", "going missing", Widget::DateTime).hint("The date, and the time on the 24-hour clock, like 21:30.")),
        form("missing-returned", "missing_episode_ended", "Record that the child has returned", MISSING)
            .dated_by("returned_at")
            .ask(Field::new("returned_at", "When did the child return?", "the return", Widget::DateTime))
            .fits(missing_now),
        form("return-interview-offered", "return_interview_offered", "Record a return interview offer", MISSING)
            .dated_by("offered_at")
            .ask(Field::new("offered_at", "When was the return interview offered?", "the offer", Widget::DateTime)
                .hint("An independent return interview is offered within 72 hours of the child's return (statutory guidance on children who run away or go missing, 2014)."))
            .ask(Field::new("accepted", "Did the child accept it?", "whether the child accepted it", Widget::YesNo))
            .fits(has_been_missing),
        form("return-interview-held", "return_interview_held", "Record a return interview", MISSING)
            .dated_by("held_at")
            .ask(Field::new("held_at", "When was the return interview held?", "the interview", Widget::DateTime))
            .fits(has_been_missing),
        // ---------------------------------------------------------------- adoption
        form("adoption-decision", "adoption_decision_made", "Record the decision to place for adoption", ADOPTION)
            .dated("When did the agency decision maker decide?")
            .fits(looked_after),
        form("adoption-reversed", "adoption_decision_reversed", "Record that the adoption decision was reversed", ADOPTION)
            .dated("When was it reversed?")
            .ask(Field::new("reason", "Why?", "why the decision was reversed", Widget::Radios(Options::Codes(adoption_reversals))))
            .fits(adoption_planned),
        form("matched", "matched_with_adopters", "Record a match with adopters", ADOPTION)
            .dated("When was the child matched?")
            .ask(Field::new("adopters", "How many adopters are there?", "the number of adopters", Widget::Number))
            .ask(Field::new("sex", "What are the adopters' sexes?", "the adopters' sexes", Widget::Radios(Options::Codes(adopter_sexes))))
            .ask(Field::new("legal_status", "What is the adopters' legal status?", "the adopters' legal status", Widget::Radios(Options::Codes(adopter_statuses))))
            .ask(Field::new("foster_carers", "Are the adopters the child's foster carers?", "whether they are the foster carers", Widget::YesNo))
            .fits(adoption_planned),
        // ---------------------------------------------------------------- leaving care
        form("care-leaver-contact", "care_leaver_contact", "Record contact with a care leaver", LEAVING)
            .dated("When was the contact?")
            .ask(Field::new("in_touch", "Is the council in touch with the young person?", "whether the council is in touch", Widget::Radios(Options::Codes(in_touch))))
            .ask(Field::new("activity", "What is the young person doing?", "their main activity", Widget::Select(Options::Codes(activities))).optional())
            .ask(Field::new("accommodation", "Where is the young person living?", "their accommodation", Widget::Select(Options::Codes(accommodations))).optional())
            .ask(Field::new("accommodation_suitable", "Is the accommodation suitable?", "whether the accommodation is suitable", Widget::YesNo).optional())
            .fits(care_experienced),
        form("needs-assessment", "needs_assessment_completed", "Record a needs assessment for the pathway plan", LEAVING)
            .dated("When was the assessment of needs completed?")
            .fits(care_experienced),
        form("pathway-plan", "pathway_plan_completed", "Record a pathway plan", LEAVING)
            .dated("When was the pathway plan completed?")
            .fits(care_experienced),
        form("pathway-plan-review", "pathway_plan_reviewed", "Record a pathway plan review", LEAVING)
            .dated("When was the pathway plan reviewed?")
            .fits(care_experienced),
        form("staying-put", "staying_put_agreed", "Record a staying put arrangement", LEAVING)
            .dated("When was it agreed?")
            .fits(care_experienced),
        form("personal-adviser", "personal_adviser_allocated", "Allocate a personal adviser", LEAVING)
            .dated("When was the personal adviser allocated?")
            .ask(Field::new("worker", "Who is the personal adviser?", "the personal adviser", Widget::Select(Options::Workers(ADVISERS))))
            .fits(care_experienced),
        // ---------------------------------------------------------------- allocation
        form("allocate", "worker_allocated", "Allocate a social worker", WORKERS)
            .dated("When was the worker allocated?")
            .ask(Field::new("worker", "Who is the allocated worker?", "the worker", Widget::Select(Options::Workers(SOCIAL_WORKERS))))
            .ask(
                Field::new("reason", "If this replaces another worker, why?", "why the worker changed", Widget::Select(Options::Codes(worker_change_reasons)))
                    .optional(),
            )
            .derive(worker_team),
        form("allocation-end", "worker_allocation_ended", "End the allocation with nobody in its place", WORKERS)
            .dated("When did the allocation end?")
            .fits(allocated),
        // ---------------------------------------------------------------- complaints and advocacy
        form("complaint", "complaint_received", "Record a complaint", COMPLAINTS)
            .dated("When was the complaint received?")
            .ask(Field::new("stage", "At which stage?", "the stage", Widget::Radios(Options::Fixed(COMPLAINT_STAGES))))
            .ask(Field::new("summary", "What is the complaint about?", "what the complaint is about", Widget::TextArea)),
        form("complaint-response", "complaint_responded", "Record a response to a complaint", COMPLAINTS)
            .dated("When was the response sent?")
            .ask(Field::new("stage", "At which stage?", "the stage", Widget::Radios(Options::Fixed(COMPLAINT_STAGES))))
            .ask(Field::new("finding", "What did the response find?", "the finding", Widget::Radios(Options::Fixed(COMPLAINT_FINDINGS))))
            .fits(open_complaint),
        form("complaint-extended", "complaint_extended", "Extend the time to respond to a complaint", COMPLAINTS)
            .dated("When was the extension agreed?")
            .ask(Field::new("stage", "At which stage?", "the stage", Widget::Radios(Options::Fixed(EXTENDABLE_STAGES))))
            .ask(
                Field::new("working_days", "How many working days is the period now, in all?", "the working days", Widget::Number)
                    .hint("Counted from the day the complaint was received at this stage: at most 20 at stage 1 and 65 at stage 2 (Representations Procedure Regulations 2006, regs 14 and 17)."),
            )
            .ask(Field::new("reason", "Why is it extended?", "why it is extended", Widget::TextArea).hint("The complainant is told the reason and the new date."))
            .ask(Field::new("agreed_by", "Who agreed it?", "who agreed it", Widget::Select(Options::Workers(MANAGERS))))
            .fits(extendable_complaint),
        form("complaint-panel", "complaint_panel_held", "Record that a complaint review panel met", COMPLAINTS)
            .dated("When did the review panel meet?")
            .fits(awaiting_panel),
        form("advocacy", "advocacy_offered", "Record an offer of advocacy", COMPLAINTS)
            .dated("When was advocacy offered?")
            .ask(Field::new("accepted", "Did the child accept it?", "whether the child accepted", Widget::YesNo)),
        // ---------------------------------------------------------------- the child and family
        form("personal-details", "personal_details_updated", "Update the child's personal details", FAMILY)
            .dated("From when are these details right?")
            .ask(Field::new("details.given_name", "Given name", "the child's given name", Widget::Text))
            .ask(Field::new("details.family_name", "Family name", "the child's family name", Widget::Text))
            .ask(Field::new("details.date_of_birth", "Date of birth", "the date of birth", Widget::Date).optional().hint("Leave this out for an unborn child."))
            .ask(Field::new("details.expected_date_of_birth", "Expected date of birth", "the expected date of birth", Widget::Date).optional().hint("For an unborn child."))
            .ask(Field::new("details.sex", "Sex", "the child's sex", Widget::Radios(Options::Codes(sexes))))
            .ask(Field::new("details.ethnicity", "Ethnicity", "the child's ethnicity", Widget::Select(Options::Codes(ethnicities))))
            .ask(Field::new("details.upn", "Unique pupil number (UPN)", "unique pupil number", Widget::Identifier(upn)).optional())
            .ask(Field::new("details.upn_unknown", "If there is no UPN, why not?", "why there is no UPN", Widget::Select(Options::Codes(upn_unknown))).optional())
            .ask(Field::new("details.nhs_number", "NHS number", "NHS number", Widget::Identifier(nhs_number)).optional())
            .ask(Field::new("details.disabilities", "Disabilities", "the child's disabilities", Widget::Checkboxes(Options::Codes(disabilities))).optional()),
        form("birth", "child_born", "Record the child's birth", FAMILY)
            .dated("When was the birth recorded?")
            .ask(Field::new("date_of_birth", "What is the child's date of birth?", "the date of birth", Widget::Date))
            .ask(Field::new("sex", "What is the child's sex?", "the child's sex", Widget::Radios(Options::Codes(sexes))))
            .fits(unborn),
        form("address", "address_changed", "Record a new address", FAMILY)
            .dated("From when does the child live there?")
            .ask(Field::new("address.street", "House and street", "the house and street", Widget::Text))
            .ask(Field::new("address.town", "Town or city", "the town or city", Widget::Text))
            .ask(Field::new("address.postcode", "Postcode", "the postcode", Widget::Identifier(postcode))),
        form("person", "person_recorded", "Record someone in the child's life", FAMILY)
            .dated("When did they become known?")
            .ask(Field::new("person.name", "What is their name?", "their name", Widget::Text))
            .ask(Field::new("person.relationship", "How are they related to the child?", "how they are related", Widget::Radios(Options::Fixed(RELATIONSHIPS))))
            .ask(Field::new("person.parental_responsibility", "Do they have parental responsibility?", "whether they have parental responsibility", Widget::YesNo))
            .ask(Field::new("person.date_of_birth", "What is their date of birth?", "their date of birth", Widget::Date).optional())
            .derive(person_id),
        form("sibling", "sibling_linked", "Link a sibling's record", FAMILY)
            .dated("When did the link become known?")
            .ask(Field::new("sibling", "What is the sibling's council child ID?", "the sibling's council child ID", Widget::Child)
                .hint("Siblings are placed together where possible, and share an IRO.")),
        form("uasc", "uasc_status_changed", "Record unaccompanied asylum-seeking status", FAMILY)
            .dated("From when?")
            .ask(Field::new("uasc", "Which is it?", "the child's status", Widget::Either(
                "The child is an unaccompanied asylum-seeking child",
                "The child is no longer an unaccompanied asylum-seeking child",
            ))),
        form("death", "child_died", "Record the child's death", FAMILY)
            .dated("When did the child die?")
            .fits(|r, _| r.died.is_none()),
        // ---------------------------------------------------------------- closing
        form("close", "case_closed", "Close the case", CLOSING)
            .dated("When did the case close?")
            .ask(Field::new("reason", "Why is the case closing?", "why the case is closing", Widget::Select(Options::Codes(closure_reasons))))
            .probe(probe_close)
            .fits(open_case),
    ]
});

/// The form with this address.
pub(crate) fn by_slug(slug: &str) -> Option<&'static Form> {
    FORMS.iter().find(|f| f.slug == slug)
}

/// The form that records events of this kind.
pub(crate) fn by_kind(kind: &str) -> Option<&'static Form> {
    FORMS.iter().find(|f| f.kind == kind)
}

/// The form that meets a duty (a rule in the statutory rule catalogue), with the answers it
/// starts with. `None` where no single entry meets it (a court's timetable, an order).
pub(crate) fn for_duty(rule: &str) -> Option<(&'static str, &'static [(&'static str, &'static str)])> {
    Some(match rule {
        "ref-decision" => ("contact-decision", &[]),
        "asmt-45" => ("assessment-authorised", &[]),
        "asmt-seen" => ("visit", &[("visit", "assessment"), ("seen", "yes")]),
        "cin-plan-meeting" => ("cin-plan-start", &[]),
        "cin-review" => ("cin-plan-review", &[]),
        "cin-visit" => ("visit", &[("visit", "child_in_need"), ("seen", "yes")]),
        "cp-s47" => ("section-47-complete", &[]),
        "cp-icpc" => ("initial-conference", &[]),
        "cp-core-group-1" | "cp-core-group" => ("core-group", &[]),
        "cp-visit" => ("visit", &[("visit", "child_protection"), ("seen", "yes")]),
        "cp-rcpc-1" | "cp-rcpc-n" => ("review-conference", &[]),
        "pl-terminate" => ("carer-notified", &[]),
        "pl-terminate-iro" => ("iro-informed-of-ending", &[]),
        "pl-terminate-review" => ("review", &[]),
        "cla-s20-cease" => ("decided-to-cease", &[]),
        "police-protection" => ("police-protection-ended", &[]),
        "visit-first"
        | "visit-year1"
        | "visit-after-year1"
        | "visit-connected-ico"
        | "visit-co-parent"
        | "visit-alone"
        | "ad-visit-placed" => ("visit", &[("visit", "looked_after"), ("seen", "yes")]),
        "rev-1" | "rev-2" | "rev-n" | "ad-review-authorised" | "ad-review-placed" => ("review", &[]),
        "iro-appoint" => ("iro", &[]),
        "health-iha" => ("health-assessment", &[("assessment", "initial")]),
        "health-rha-under5" | "health-rha-5plus" => ("health-assessment", &[("assessment", "review")]),
        "health-sdq" => ("sdq", &[]),
        "pep-complete" | "pep-review" | "pep-early-years" => ("pep", &[]),
        "miss-rhi" => ("return-interview-offered", &[]),
        "cl-pathway-plan" | "cl-18-no-cliff" => ("pathway-plan", &[]),
        "cl-needs-assessment" => ("needs-assessment", &[]),
        "cl-pa-appoint" => ("personal-adviser", &[]),
        "cl-pathway-review" | "cl-pathway-review-eligible" => ("pathway-plan-review", &[]),
        "cmp-stage1" => ("complaint-response", &[("stage", "local_resolution")]),
        "cmp-stage2" => ("complaint-response", &[("stage", "investigation")]),
        "cmp-stage2-request" => ("complaint", &[("stage", "investigation")]),
        "cmp-stage3-panel" => ("complaint-panel", &[]),
        "cmp-stage3-request" | "cmp-manager" | "cmp-overall" => ("complaint-response", &[]),
        "adv-inform-lac" => ("advocacy", &[]),
        "wf-allocation" => ("allocate", &[]),
        "plo-26wk" => ("proceedings-concluded", &[]),
        "pl-connected-temp" => ("connected-person-approved", &[]),
        // Police protection and an emergency protection order end with the next legal status.
        "epo" => ("legal-status", &[]),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::super::spec::{Built, StaffChoice, answers_from, build, choices};
    use super::*;
    use careful_domain::record::{Entry, fold};
    use careful_domain::{ChildId, EventId, RecordedAt, RecordedBy, Sequence, SystemProcess, TeamId};
    use chrono::{TimeZone, Utc};

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// A looked-after child, registered in 2025.
    fn record() -> ChildRecord {
        let details: careful_domain::record::PersonalDetails = serde_json::from_value(serde_json::json!({
            "given_name": "Ada", "family_name": "Lovelace", "date_of_birth": "2012-03-04",
            "expected_date_of_birth": null, "sex": "F", "ethnicity": "WBRI", "upn": null,
            "upn_unknown": "UN1", "nhs_number": null
        }))
        .unwrap();
        let events = vec![
            ChildEvent::ChildRegistered { la_child_id: "EM000001".parse().unwrap(), details },
            ChildEvent::ReferralReceived { source: ReferralSource::School, primary_need: Need::AbuseOrNeglect },
        ];
        let entries: Vec<Entry> = events
            .into_iter()
            .enumerate()
            .map(|(i, event)| Entry {
                id: EventId::new(),
                sequence: Sequence::new(i as u64 + 1),
                effective_date: d("2025-04-01"),
                recorded_at: RecordedAt::new(Utc.with_ymd_and_hms(2025, 4, 1, 9, 0, 0).unwrap()),
                recorded_by: RecordedBy::System(SystemProcess::Import),
                reason: None,
                manager_override: None,
                event,
            })
            .collect();
        fold(&entries).unwrap()
    }

    fn staff() -> Vec<StaffChoice> {
        WorkerRole::ALL
            .iter()
            .map(|role| StaffChoice {
                id: WorkerId::new().to_string(),
                name: format!("A {}", role.describe()),
                role: *role,
                team_id: TeamId::new().to_string(),
                team: "Team".into(),
            })
            .collect()
    }

    const SAMPLES: &[&str] = &["EM1 4QT", "SC123456", "B823100123456", "9434765919"];

    /// Answers to every question a form asks, with the first choice of each (or `pick` for
    /// one question).
    fn complete(form: &Form, today: NaiveDate, staff: &[StaffChoice], pick: Option<(&str, &str)>) -> Answers {
        let mut answers = Answers::default();
        super::super::spec::put_date(&mut answers, "date", today);
        for f in &form.fields {
            if let Some((path, value)) = pick
                && path == f.path
            {
                answers.set(f.path, value);
                continue;
            }
            match f.widget {
                Widget::Date => super::super::spec::put_date(&mut answers, f.path, today),
                Widget::DateTime => {
                    super::super::spec::put_date(&mut answers, f.path, today);
                    answers.set(&format!("{}-time", f.path), "10:30");
                }
                Widget::Text | Widget::TextArea => answers.set(f.path, "Something said"),
                Widget::Identifier(parse) => {
                    let sample = SAMPLES.iter().find(|s| parse(s).is_ok()).expect("a sample for every identifier");
                    answers.set(f.path, *sample);
                }
                Widget::Number => answers.set(f.path, "2"),
                Widget::YesNo | Widget::Either(..) => answers.set(f.path, "yes"),
                Widget::Radios(o) | Widget::Select(o) | Widget::Checkboxes(o) => {
                    let first = choices(o, today, staff).into_iter().next().expect("choices").0;
                    answers.set(f.path, first);
                }
                Widget::Child => answers.set(f.path, "EM000002"),
            }
        }
        answers
    }

    #[test]
    fn every_form_makes_its_event_with_every_choice_it_offers() {
        let today = d("2026-12-05");
        let staff = staff();
        let record = record();
        let children = HashMap::from([("EM000002".to_string(), ChildId::new())]);
        let ctx = Context { today, record: &record, original: None, children: &children, workers: &staff };
        let mut slugs = std::collections::HashSet::new();
        for form in FORMS.iter() {
            assert!(slugs.insert(form.slug), "{} twice", form.slug);
            let built = build(form, &complete(form, today, &staff, None), &ctx)
                .unwrap_or_else(|e| panic!("{}: {e:?}", form.slug));
            assert_eq!(built.event.kind().as_str(), form.kind, "{}", form.slug);
            for f in &form.fields {
                if let Widget::Radios(o) | Widget::Select(o) = f.widget {
                    for (value, _) in choices(o, today, &staff) {
                        let answers = complete(form, today, &staff, Some((f.path, &value)));
                        build(form, &answers, &ctx)
                            .unwrap_or_else(|e| panic!("{} {}={value}: {e:?}", form.slug, f.path));
                    }
                }
            }
        }
    }

    #[test]
    fn a_form_filled_from_its_event_makes_the_same_event() {
        let today = d("2026-12-05");
        let staff = staff();
        let record = record();
        let children = HashMap::from([("EM000002".to_string(), ChildId::new())]);
        for form in FORMS.iter() {
            let ctx = Context { today, record: &record, original: None, children: &children, workers: &staff };
            let Built { event, date } = build(form, &complete(form, today, &staff, None), &ctx).unwrap();
            let original = super::super::spec::payload_of(&event);
            let ctx = Context { original: Some(&original), ..ctx };
            let mut again = answers_from(form, &event, date);
            // A child named by their careful ID is asked for by council child ID.
            if form.fields.iter().any(|f| matches!(f.widget, Widget::Child)) {
                again.set("sibling", "EM000002");
            }
            // A question the form asks of its own is answered again.
            if form.fields.iter().any(|f| f.path == "_same_carer") {
                again.set("_same_carer", "yes");
            }
            let rebuilt = build(form, &again, &ctx).unwrap_or_else(|e| panic!("{}: {e:?}", form.slug));
            assert_eq!(rebuilt.event, event, "{}", form.slug);
            assert_eq!(rebuilt.date, date, "{}", form.slug);
        }
    }

    #[test]
    fn required_questions_are_asked_and_the_answers_checked() {
        let today = d("2026-12-05");
        let staff = staff();
        let record = record();
        let children = HashMap::new();
        let ctx = Context { today, record: &record, original: None, children: &children, workers: &staff };
        let visit = by_slug("visit").unwrap();
        let errors = build(visit, &Answers::default(), &ctx).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["date", "visit", "seen"]);
        assert_eq!(errors[2].message, "Select whether the child was seen");
        // Seen, but whether alone not said; seen alone "no" needs the reason.
        let mut answers = complete(visit, today, &staff, Some(("seen_alone.alone", "no")));
        answers.set("seen_alone.reason", "");
        let errors = build(visit, &answers, &ctx).unwrap_err();
        assert_eq!(errors[0].field, "seen_alone.reason");
        assert_eq!(errors[0].message, "Select why the child was not seen alone");
        // Not seen: the questions about being seen are not asked, and their answers not kept.
        let mut answers = complete(visit, today, &staff, Some(("seen", "no")));
        answers.set("wishes_and_feelings", "ignored");
        let built = build(visit, &answers, &ctx).unwrap();
        assert!(matches!(
            built.event,
            ChildEvent::VisitMade { seen: false, seen_alone: None, wishes_and_feelings: None, .. }
        ));
        // A date in the future is refused.
        let mut answers = complete(visit, today, &staff, None);
        super::super::spec::put_date(&mut answers, "date", d("2026-12-06"));
        let errors = build(visit, &answers, &ctx).unwrap_err();
        assert_eq!(errors[0].field, "date");
        // A choice not offered is refused.
        let answers = complete(visit, today, &staff, Some(("visit", "holiday")));
        assert_eq!(build(visit, &answers, &ctx).unwrap_err()[0].message, "Select the kind of visit from the list");
        // A postcode is checked by the domain's parser.
        let address = by_slug("address").unwrap();
        let answers = complete(address, today, &staff, Some(("address.postcode", "XYZ")));
        let errors = build(address, &answers, &ctx).unwrap_err();
        assert_eq!(errors[0].field, "address.postcode");
        assert!(errors[0].message.starts_with("Enter a real the postcode") || errors[0].message.contains("postcode"));
        // A sibling who is not known.
        let sibling = by_slug("sibling").unwrap();
        let errors = build(sibling, &complete(sibling, today, &staff, None), &ctx).unwrap_err();
        assert!(errors[0].message.contains("There is no child with the council child ID EM000002"));
    }

    #[test]
    fn a_missing_episode_is_dated_by_when_the_child_went_missing() {
        let today = d("2026-12-05");
        let staff = staff();
        let record = record();
        let children = HashMap::new();
        let ctx = Context { today, record: &record, original: None, children: &children, workers: &staff };
        let missing = by_slug("missing").unwrap();
        let mut answers = Answers::default();
        answers.set("missing", "M");
        super::super::spec::put_date(&mut answers, "at", d("2026-12-04"));
        answers.set("at-time", "23:15");
        let built = build(missing, &answers, &ctx).unwrap();
        assert_eq!(built.date, d("2026-12-04"));
        answers.set("at-time", "");
        assert_eq!(build(missing, &answers, &ctx).unwrap_err()[0].message, "Enter the time of going missing");
        assert_eq!(missing.field_for("date"), "at");
    }

    #[test]
    fn domain_errors_find_their_question() {
        let change = by_slug("placement-change").unwrap();
        assert_eq!(change.field_for("placement.type"), "placement.type");
        assert_eq!(change.field_for("notice.on"), "notice.on");
        assert_eq!(change.field_for("notice"), "notice.notice");
        assert_eq!(change.field_for("placement"), "placement.type");
        assert_eq!(change.field_for("kind"), "date");
        let sdq = by_slug("sdq").unwrap();
        assert_eq!(sdq.field_for("outcome.score"), "outcome.score");
    }

    #[test]
    fn every_kind_a_practitioner_records_has_a_form() {
        // Every event kind, by an exhaustive match: a new kind fails to compile here until it
        // is given a form or said to have none.
        fn kind_has_form(event: &ChildEvent) -> bool {
            match event {
                ChildEvent::ChildRegistered { .. }
                | ChildEvent::CareContinuedFromBeforeRecord { .. }
                | ChildEvent::LookedAfterBeforeRecord {}
                | ChildEvent::EligibleChildBeforeRecord {}
                | ChildEvent::ChildProtectionPlansBeforeRecord { .. }
                | ChildEvent::EventCorrected { .. } => false,
                ChildEvent::PersonalDetailsUpdated { .. }
                | ChildEvent::ChildBorn { .. }
                | ChildEvent::ChildDied {}
                | ChildEvent::AddressChanged { .. }
                | ChildEvent::PersonRecorded { .. }
                | ChildEvent::SiblingLinked { .. }
                | ChildEvent::UascStatusChanged { .. }
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
                | ChildEvent::BecameLookedAfter { .. }
                | ChildEvent::LegalStatusChanged { .. }
                | ChildEvent::PlacementChanged { .. }
                | ChildEvent::CeasedToBeLookedAfter { .. }
                | ChildEvent::CarerNotifiedOfEnding {}
                | ChildEvent::IroInformedOfEnding {}
                | ChildEvent::DecidedToCeaseLookingAfter { .. }
                | ChildEvent::PoliceProtectionTaken { .. }
                | ChildEvent::PoliceProtectionEnded { .. }
                | ChildEvent::StatutoryReviewHeld { .. }
                | ChildEvent::VisitMade { .. }
                | ChildEvent::HealthAssessmentCompleted { .. }
                | ChildEvent::DentalCheckCompleted {}
                | ChildEvent::ImmunisationsRecorded { .. }
                | ChildEvent::SdqRecorded { .. }
                | ChildEvent::PepReviewed {}
                | ChildEvent::MissingEpisodeStarted { .. }
                | ChildEvent::MissingEpisodeEnded { .. }
                | ChildEvent::ReturnInterviewOffered { .. }
                | ChildEvent::ReturnInterviewHeld { .. }
                | ChildEvent::AdoptionDecisionMade {}
                | ChildEvent::AdoptionDecisionReversed { .. }
                | ChildEvent::MatchedWithAdopters { .. }
                | ChildEvent::CareLeaverContact { .. }
                | ChildEvent::NeedsAssessmentCompleted {}
                | ChildEvent::EmergencyProtectionOrderExtended { .. }
                | ChildEvent::CareProceedingsIssued {}
                | ChildEvent::ConnectedPersonTemporarilyApproved {}
                | ChildEvent::ConnectedPersonApprovalExtended { .. }
                | ChildEvent::ConnectedPersonApproved {}
                | ChildEvent::CareProceedingsExtended { .. }
                | ChildEvent::CareProceedingsConcluded {}
                | ChildEvent::PathwayPlanCompleted {}
                | ChildEvent::PathwayPlanReviewed {}
                | ChildEvent::StayingPutAgreed {}
                | ChildEvent::PersonalAdviserAllocated { .. }
                | ChildEvent::WorkerAllocated { .. }
                | ChildEvent::WorkerAllocationEnded {}
                | ChildEvent::IroAppointed { .. }
                | ChildEvent::IroConcernRaised { .. }
                | ChildEvent::IroConcernEscalated { .. }
                | ChildEvent::IroConcernResolved { .. }
                | ChildEvent::CarePlanChangeProposed { .. }
                | ChildEvent::IroConsulted {}
                | ChildEvent::CarePlanChangeApproved { .. }
                | ChildEvent::ComplaintReceived { .. }
                | ChildEvent::ComplaintResponded { .. }
                | ChildEvent::ComplaintExtended { .. }
                | ChildEvent::ComplaintPanelHeld {}
                | ChildEvent::AdvocacyOffered { .. }
                | ChildEvent::CaseClosed { .. } => true,
            }
        }
        // Each form's kind is a real kind, and the kinds with forms are exactly those above.
        let today = d("2026-12-05");
        let staff = staff();
        let record = record();
        let children = HashMap::from([("EM000002".to_string(), ChildId::new())]);
        let ctx = Context { today, record: &record, original: None, children: &children, workers: &staff };
        let kinds: std::collections::HashSet<&str> = FORMS.iter().map(|f| f.kind).collect();
        assert_eq!(kinds.len(), FORMS.len(), "one form per kind");
        for form in FORMS.iter() {
            let built = build(form, &complete(form, today, &staff, None), &ctx).unwrap();
            assert!(kind_has_form(&built.event), "{}", form.kind);
        }
        // 80 kinds of event, 5 of them without a form.
        assert_eq!(kinds.len(), 75, "every kind a practitioner records has a form");
    }

    #[test]
    fn every_encoded_duty_is_met_by_a_form_or_said_not_to_be() {
        // A duty no single entry meets: every looked-after duty applies to an unaccompanied
        // asylum-seeking child as to any other.
        const NO_FORM: &[&str] = &["uasc-care"];
        for rule in careful_app::encoded_rule_ids() {
            match for_duty(rule) {
                Some((slug, prefill)) => {
                    let form = by_slug(slug).unwrap_or_else(|| panic!("{rule}: no form {slug}"));
                    for (path, _) in prefill {
                        assert!(form.fields.iter().any(|f| f.path == *path), "{rule}: {slug} has no {path}");
                    }
                }
                None => assert!(NO_FORM.contains(&rule), "{rule} has no form"),
            }
        }
    }
}
