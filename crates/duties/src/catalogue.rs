//! The statutory rule catalogue (`shared/reference/statutory-rules.md` §2): every rule's id,
//! trigger, duty, deadline, citation and status, and how careful implements it: as a duty, as a
//! guardrail, both, or not yet (with the reason).

#[path = "catalogue_data.rs"]
mod data;

/// How binding a rule is (catalogue §0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Statute or regulation: a duty; overdue is a breach.
    Statute,
    /// Statutory guidance: follow unless there are exceptional reasons.
    StatutoryGuidance,
    /// Good or common local practice: a council practice standard with a default.
    PracticeStandard,
    /// A check on a data return, not a duty in a child's care.
    DataRule,
    /// A design note or a dashboard, not a rule.
    Note,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Statute => "S",
            Status::StatutoryGuidance => "SG",
            Status::PracticeStandard => "GP",
            Status::DataRule => "data",
            Status::Note => "note",
        }
    }
}

/// A rule of the catalogue.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub section: &'static str,
    pub area: &'static str,
    pub trigger: &'static str,
    pub duty: &'static str,
    pub deadline: &'static str,
    pub citation: &'static str,
    pub status: Status,
    /// The status as the catalogue writes it ("S / SG", "GP (configurable)").
    pub status_text: &'static str,
}

/// Every rule of the catalogue, in its order.
pub fn rules() -> &'static [Rule] {
    data::RULES
}

/// A rule by its id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    data::RULES.iter().find(|r| r.id == id)
}

/// The rule with this id, which must exist (for ids written in careful's own code, which a test
/// checks).
pub(crate) fn known(id: &'static str) -> &'static Rule {
    rule(id).unwrap_or_else(|| panic!("{id} is not in the rule catalogue"))
}

/// How careful implements a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implementation {
    /// A duty with due dates, in this module of `careful-duties` (tests beside it).
    Duty(&'static str),
    /// A guardrail (`careful_duties::check`).
    Guardrail,
    /// Both a duty and a guardrail.
    DutyAndGuardrail(&'static str),
    /// Not encoded yet, and why.
    NotEncoded(&'static str),
    /// Not a duty in a child's care (a definition, a data-return check, an indicator).
    NotADuty(&'static str),
    /// Met by other rules or settings, as described.
    CoveredBy(&'static str),
}

const NO_CARE_PLAN: &str =
    "careful does not yet record the care plan document itself; it arrives with the care planning pages";
const NO_PLACEMENT_PAPERS: &str = "careful does not yet record placement plans, notifications and approvals";
const COUNCIL_LEVEL: &str = "a duty of the council as a whole, not of a child's care";
const PRIVATE_FOSTERING: &str = "careful does not yet record private fostering arrangements";
const ADOPTERS: &str = "concerns adopters' assessment and panels, outside the child's record";
const NO_REPORTS: &str = "careful does not yet record conference and review reports";

/// How careful implements the rule with this id.
pub fn implementation(id: &str) -> Implementation {
    use Implementation::*;
    match id {
        // 2.1 front door, assessment, children in need
        "ref-decision" | "asmt-45" | "asmt-seen" => Duty("front_door"),
        "cin-plan-meeting" | "cin-review" | "cin-visit" => Duty("child_in_need"),
        "ref-feedback" => NotEncoded("careful does not yet record feedback to referrers"),
        "ref-nfa-reason" => NotEncoded("the reason for no further action is the event's reason; there is no timescale"),
        "cin-after-cp" => NotEncoded("a pattern of practice, not a timescale; the chronology shows it"),
        "census-referral-nfa" => NotADuty("a CIN census validation rule, checked with the census"),
        // 2.2 child protection
        "cp-s47" | "cp-icpc" | "cp-core-group-1" | "cp-core-group" | "cp-visit" | "cp-rcpc-1" | "cp-rcpc-n" => {
            Duty("child_protection")
        }
        "cp-end" => Guardrail,
        "cp-strategy" => {
            NotEncoded("careful does not yet record the decision that starts the strategy discussion clock")
        }
        "cp-icpc-request" => NotEncoded("careful does not yet record requests to the conference service"),
        "cp-icpc-report" | "cp-rcpc-report" => NotEncoded(NO_REPORTS),
        "cp-prebirth" | "cp-prebirth-review" => {
            NotEncoded("local standards differ too widely for one default; to be added as a council setting")
        }
        "lado-referral" => {
            NotEncoded("concerns allegations against people who work with children, outside the child's record")
        }
        "sin-notify" | "sin-rapid-review" | "sin-lcspr" | "sin-care-leaver-death" => {
            NotEncoded("serious incident notifications and reviews are not yet recorded in careful")
        }
        // 2.3 care planning and placements
        "pl-terminate" => DutyAndGuardrail("placements"),
        "pl-terminate-iro" | "pl-terminate-review" => Duty("placements"),
        "cla-s20-cease" | "pl-under16-other" | "pl-16-17-supported" => Guardrail,
        "cla-care-plan" | "cla-permanence-plan" | "cla-care-plan-update" => NotEncoded(NO_CARE_PLAN),
        "pl-placement-plan"
        | "pl-notify"
        | "pl-out-of-area"
        | "pl-emergency-foster"
        | "pl-other-arrangements"
        | "pl-long-term-foster" => NotEncoded(NO_PLACEMENT_PAPERS),
        "pl-ks4" | "pep-ks4-move" => NotEncoded("careful does not yet record a child's key stage"),
        "pl-carer-notice" => NotEncoded(
            "28 days' notice is common practice, not law; careful records when notice was given (pl-terminate)",
        ),
        "pl-parents-assess" | "pl-parents-urgent" => {
            NotEncoded("careful does not yet record assessments of parents before a placement with them")
        }
        "pl-connected-temp" => Duty("placements"),
        "pl-connected-extend" => CoveredBy(
            "one extension of up to 8 weeks (CPPCR reg 25) moves pl-connected-temp's date; a second is refused",
        ),
        "pl-remand" => NotEncoded("careful does not yet record detention placement plans"),
        "pl-short-breaks" => NotEncoded(
            "the short-break regime's visits are agreed locally; careful applies no looked-after visit or review duties to short breaks",
        ),
        "cla-contact" => NotEncoded("careful does not yet record contact arrangements"),
        "cla-records" => NotEncoded("a records-retention duty, not a timescale in the child's care"),
        // 2.4 visits
        "visit-first" | "visit-year1" | "visit-after-year1" | "visit-connected-ico" | "visit-co-parent" => {
            Duty("visits")
        }
        "visit-local-standard" => {
            CoveredBy("the council setting `first_year_visit_weeks` (at most 6) is visit-year1's interval")
        }
        "visit-alone" => DutyAndGuardrail("visits"),
        "visit-ltf-agreed" => NotEncoded("careful does not yet record a child's agreement to visits every 6 months"),
        "visit-parent-pre-assess" => {
            NotEncoded("careful does not yet record whether a parent's assessment (reg 19) is complete")
        }
        "visit-other" => NotEncoded("the text of reg 28(6) has not been verified"),
        "visit-request" => NotEncoded("careful does not yet record requests for visits"),
        // 2.5 reviews and the IRO
        "rev-1" | "rev-2" | "rev-n" | "iro-appoint" => Duty("reviews"),
        "rev-before-change" | "iro-inform-change" | "iro-consult-move" => Guardrail,
        "rev-early" => NotEncoded("the events that call for an early review are not yet recorded"),
        "rev-iro-privately" | "iro-child-told" => {
            NotEncoded("careful does not yet record the IRO's conversations with the child")
        }
        "rev-record" | "rev-prep" => NotEncoded(NO_REPORTS),
        "iro-dispute" => NotEncoded("careful does not yet record IRO escalations"),
        "iro-complaint-info" | "cmp-iro" => NotEncoded("careful does not yet record who is told of a complaint"),
        // 2.6 health
        "health-iha" | "health-rha-under5" | "health-rha-5plus" | "health-sdq" => Duty("health"),
        "health-iha-request" => NotEncoded("careful does not yet record requests to health services"),
        "health-age-switch" => NotADuty(
            "a design decision, made in the health module: the interval follows the age at the previous assessment",
        ),
        "health-dental-imms" => NotADuty("a 903 data item (OC2), produced with the return"),
        "health-ooa-notify" => NotEncoded("careful does not yet record notifications to health bodies"),
        // 2.7 education
        "pep-complete" | "pep-review" | "pep-early-years" => Duty("education"),
        "pep-initiate" => NotEncoded("careful records the PEP itself, not when it was started"),
        // 2.8 missing
        "miss-rhi" => Duty("missing"),
        "miss-rhi-decline" => NotEncoded("the reason for declining is the event's reason; there is no timescale"),
        "miss-repeat" => NotEncoded("careful does not yet record risk management meetings"),
        "miss-ch-review" => NotEncoded("a duty of the children's home, not the council"),
        "miss-data" => NotADuty("903 Missing table checks, with the return"),
        // 2.9 care leavers
        "cl-pa-appoint"
        | "cl-needs-assessment"
        | "cl-pathway-plan"
        | "cl-pathway-review"
        | "cl-pathway-review-eligible" => Duty("care_leavers"),
        "cl-18-no-cliff" => DutyAndGuardrail("care_leavers"),
        "cl-accom-review" | "cl-pa-visit" | "cl-suitable-accom" => {
            NotEncoded("careful does not yet record accommodation provided under s23B or s24B")
        }
        "cl-keep-in-touch" => NotEncoded("no timescale in law; careful shows the last contact"),
        "cl-pa-to-25" => NotEncoded("careful does not yet record offers of personal adviser support after 21"),
        "cl-staying-put" => NotEncoded("an ongoing duty of support with no timescale"),
        "cl-staying-close" => {
            NotEncoded("not yet in force (Children's Wellbeing and Schools Act 2026 s7 commencement not verified)")
        }
        "cl-local-offer" | "cmp-manager" => NotEncoded(COUNCIL_LEVEL),
        "cl-custody" => NotEncoded("careful does not yet record detention of former looked-after children"),
        // 2.10 adoption
        "ad-review-authorised" | "ad-review-placed" | "ad-visit-placed" => Duty("adoption"),
        "ad-under-6-weeks" => Guardrail,
        "ad-present-adm" | "ad-adm-decision" | "ad-placement-plan" | "ad-life-story" => {
            NotEncoded("careful does not yet record adoption panel papers, placement plans or life-story work")
        }
        "ad-adopter-stage1" | "ad-adopter-stage2" | "ad-panel" => NotEncoded(ADOPTERS),
        "ad-10-weeks" => NotEncoded("a condition of the adopters' application to court"),
        "ad-scorecard-A1" | "ad-scorecard-A2" | "ad-scorecard-A3" | "ad-scorecard-A10" => {
            NotADuty("an adoption scorecard indicator, reported with insight")
        }
        // 2.11 private fostering
        "pf-notify-proposed" | "pf-visit-proposed" | "pf-visit-arrived" | "pf-visits" | "pf-alone"
        | "pf-change-end" => NotEncoded(PRIVATE_FOSTERING),
        // 2.12 secure accommodation
        "sec-under13" | "sec-16-s20" => Guardrail,
        "sec-72h" | "sec-court-max" | "sec-review" | "sec-dol" => {
            NotEncoded("careful does not yet record secure accommodation authorisations and panels")
        }
        // 2.13 UASC
        "uasc-care" => CoveredBy(
            "every looked-after and care-leaver duty applies to an unaccompanied asylum-seeking child as to any other",
        ),
        "uasc-nts-transfer" => NotEncoded("careful does not yet record National Transfer Scheme referrals"),
        "uasc-age" => NotEncoded("no timescale found"),
        // 2.14 complaints
        "cmp-stage1" | "cmp-stage2" | "cmp-stage3-panel" => Duty("complaints"),
        "cmp-time-limit" => NotEncoded("careful does not yet record when the matter complained of happened"),
        "cmp-ack" => NotEncoded("careful does not yet record acknowledgements"),
        "cmp-advocacy" => NotEncoded("careful does not yet record whether the complainant is the child"),
        "cmp-stage2-request" | "cmp-stage3-request" => {
            NotEncoded("a window for the complainant, not a duty of the council")
        }
        "cmp-stage3-report" | "cmp-stage3-response" => {
            NotEncoded("careful records the review panel's meeting and the response, not yet the panel's report")
        }
        "cmp-overall" => NotADuty("a dashboard of open complaints, built with the complaints pages"),
        // 2.15 advocacy
        "adv-inform-lac" => Duty("advocacy"),
        "adv-cp-conference" | "adv-care-leaver" => {
            NotEncoded("careful does not yet record advocacy offers for conferences or requests from care leavers")
        }
        "iv-appoint" => NotEncoded("careful does not yet record independent visitors"),
        // 2.16 court and emergency powers
        "epo" | "police-protection" | "plo-26wk" => Duty("court"),
        "plo-fgdm" => {
            NotEncoded("not yet in force (Children's Wellbeing and Schools Act 2026 s1 commencement not verified)")
        }
        "plo-lbp" | "plo-cmh" => NotEncoded("careful does not yet record pre-proceedings and court hearings"),
        "s20-consent" => NotEncoded("careful does not yet record consent to accommodation"),
        "sgo-support" | "sup-order" => {
            NotEncoded("careful does not yet record special guardianship support or supervision orders")
        }
        // 2.17 workforce
        "wf-allocation" => Duty("workforce"),
        "wf-sup-nqsw" | "wf-sup" | "wf-asye-load" | "wf-registration" | "wf-iro-caseload" => {
            NotEncoded("concerns the workforce, not a child's care; arrives with the workforce pages")
        }
        _ => NotEncoded("not yet considered"),
    }
}

/// A convention a duty's explanation states, where the way it is counted differs from another
/// reading a worker or analyst will meet.
pub fn convention(id: &str) -> Option<&'static str> {
    Some(match id {
        "asmt-45" => {
            "the referral day is not counted, as the guidance counts; DfE's CIN census validator counts the referral day as day 1, so its 45-day check falls a working day earlier, and careful's CIN census checks use DfE's convention"
        }
        "cp-s47" => {
            "a practice standard the council sets, not a national deadline: the law sets no time for a section 47 enquiry, only that an initial conference follows within 15 working days of the strategy discussion"
        }
        _ => return None,
    })
}

/// For a rule encoded in part: what careful encodes of it and what of the law it does not, so
/// that no partial rule is silent (`docs/duties.md` shows it beside the rule).
pub fn scope(id: &str) -> Option<&'static str> {
    Some(match id {
        "visit-connected-ico" => {
            "encoded for a child placed with parents under an interim care order and for a child placed with a connected person while they are temporarily approved under reg 24"
        }
        "pl-connected-temp" => {
            "encoded: 16 weeks from the temporary approval, and a recorded extension; met by full approval as a foster carer, ended by the child's placement elsewhere. The initial assessment before approval (Sch 4) is not checked"
        }
        "pl-connected-extend" => {
            "encoded: once, by up to 8 weeks; the fostering panel's view, the IRO's being informed and the nominated officer's approval are not yet recorded or checked"
        }
        "police-protection" => {
            "encoded in hours: 72 hours from the time the child was taken into police protection, met by the time it ended (or, where no end time is recorded, the day the legal status gave way, counted by the day). Where no time was recorded, counted as 3 days from the day the child became looked after under police protection, and the duty says so. The police's duties to inform the council and the parents (s46(3), (4)) are not the council's to record"
        }
        "pl-terminate" => {
            "encoded: written notice before the ending, or within 10 working days after one at once or with none recorded; the guardrail asks for the review and the IRO's consultation before a planned ending, and a manager and one of reg 14(3)'s two grounds for an ending at once. Reg 14(5)'s exemptions (reg 19(c), 23(2), 25(6), s22D(1)) are recorded as such, and the placement with a parent is otherwise treated like any other. Notice to the others notified under reg 13 and to the area authority is not yet recorded"
        }
        "pl-terminate-iro" => {
            "encoded for every placement ended at once; \"as soon as reasonably practicable\" is counted as a council setting (`emergency_ending_iro_working_days`, 1 working day by default), met when careful records that the IRO was told"
        }
        "pl-terminate-review" => {
            "encoded for a placement ended at once while the child stays looked after: a review within the council's setting (`emergency_ending_review_working_days`, 20 working days by default); the duty ends if care ends first"
        }
        "epo" => {
            "encoded: 8 days counting the day the order was made, to noon on the next day that is not a Sunday or public holiday when the 8th is one (s45(2): the court may so order, and careful allows it), and one recorded extension of up to 7 days (s45(4) to (6)); the order is taken to end with the next legal status or the end of care"
        }
        "plo-26wk" => {
            "encoded from the day the application was issued, with each recorded extension (up to 8 weeks, with the court's reason); when the issue date is not recorded (records from 903 returns), counted from the first interim care order, and the duty says so. Whether an extension was necessary to resolve the proceedings justly (s32(5)) is the court's decision, not checked"
        }
        "cl-pa-appoint" => "encoded: owed from the day the child becomes eligible, with no period of grace",
        "cl-needs-assessment" => {
            "encoded: 3 months from the 16th birthday or from becoming eligible after it, and before the 18th birthday; what the assessment covered (reg 42(2)) is not checked"
        }
        "cl-pathway-plan" => {
            "the law says \"as soon as possible\" after the needs assessment and gives no number of days: careful counts the plan due by the day the assessment is due; a plan written before any recorded assessment still meets it (903 returns do not record assessments)"
        }
        "cmp-stage1" => {
            "encoded: 10 working days from the day the complaint was received, or up to 20 with an extension recorded (with its reason and the manager who agreed it) by the last day of the period it extends; an extension recorded after the period ran out does not count. Whether the complainant was told of the extension is not yet recorded"
        }
        "cmp-stage2" => {
            "encoded: 25 working days from the day the stage 2 request was received, or up to 65 with an extension recorded (with its reason and the manager who agreed it) by the last day of the period it extends; an extension recorded after the period ran out does not count. Not counted from the day a written record of an oral complaint was agreed (reg 16), which careful does not yet record. Whether the complainant was told of the extension and the new date is not yet recorded"
        }
        "cmp-stage3-panel" => {
            "encoded: 30 working days from the day the review panel request was received, met by the panel's meeting; a request answered or withdrawn without a panel stops the duty that day. The panel's membership (three independent persons, reg 19(2) and (3)) is not checked"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_is_said_only_of_encoded_rules() {
        for rule in rules() {
            if scope(rule.id).is_some() {
                assert!(
                    matches!(
                        implementation(rule.id),
                        Implementation::Duty(_) | Implementation::DutyAndGuardrail(_) | Implementation::CoveredBy(_)
                    ),
                    "{} has a scope but is not encoded",
                    rule.id
                );
            }
        }
        for id in ["epo", "plo-26wk", "police-protection", "visit-connected-ico", "cl-pathway-plan"] {
            assert!(scope(id).is_some(), "{id} is encoded in part and says what of the law it leaves out");
        }
    }

    #[test]
    fn every_rule_has_a_decided_implementation() {
        for rule in rules() {
            assert_ne!(
                implementation(rule.id),
                Implementation::NotEncoded("not yet considered"),
                "{} has no decision",
                rule.id
            );
        }
    }

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<&str> = rules().iter().map(|r| r.id).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert_eq!(n, 175);
    }
}
