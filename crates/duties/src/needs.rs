//! For each statutory rule (S) that careful does not yet encode, the event careful would need to
//! record to encode it: a proposed event kind, in snake case like the kinds of
//! [`careful_domain::record::ChildEvent`], and what it would hold. `docs/duties.md` shows it
//! beside the rule's reason. A rule that becomes encoded loses its entry (a test checks).

// Needs shared by rules, or long enough to read better on their own.
const PLACEMENT_PLAN: &str = "`placement_plan_agreed`: the day the placement plan (Sch 2) was agreed and signed by the carer, with the child's wishes and the IRO informed, for the placement it belongs to; the placement's start (`became_looked_after`, `placement_changed`) is recorded already";
const KS4_MOVE: &str = "`ks4_move_approved`: the nominated officer's approval, after consulting the designated teacher and the IRO, of a move that would disrupt the education of a pupil in key stage 4, on a day before the move, with the child's national curriculum year where it differs from their age";
const PARENT_BEFORE_ASSESSMENT: &str = "`placed_with_parent_before_assessment`: that a placement with a parent was made under reg 19 before their assessment was complete, which starts the 10 working days, and `parent_assessment_completed`: the day the assessment of the parent and household was completed and the placement approved";
const CARE_LEAVER_ACCOMMODATION: &str = "`care_leaver_accommodation_provided`: accommodation provided to a relevant child under s23B, whether it was judged suitable (the Sch 2 matters, the landlord's character, the young person's wishes and needs) and on which day, before they move in; `care_leaver_contact` holds only the 903's yearly view of suitability";
const SECURE: &str = "`secure_accommodation_started` and `secure_accommodation_ended`: each period in secure accommodation without a court's authority, from and to the hour, so that the 72 hours in any 28 days can be added up";
const PRIVATE_FOSTERING_NOTIFIED: &str = "`private_fostering_notified`: the day the council was told of a proposed or actual private fostering arrangement, by whom, and the day the arrangement began or is to begin";
const PRIVATE_FOSTERING_VISIT: &str = "`private_fostering_visit_made`: an officer's visit to a privately fostered child, whether the child was seen alone (or why not), and the day the written report was made";
const LATE_REQUEST: &str = "`late_request_accepted`: the council's decision to consider a request made after the 20 working days, and why; the window itself runs between `complaint_responded` and the next `complaint_received`, which careful records already";
const PANEL_REPORT: &str = "`panel_report_sent`: the day the review panel sent its written report and recommendations to the council, the complainant, the advocate and the independent person";

/// What careful would need to record to encode this statutory rule, for a statutory rule (S) it
/// does not yet encode.
pub fn needs(id: &str) -> Option<&'static str> {
    Some(match id {
        // 2.2 child protection
        "sin-notify" => {
            "`serious_incident_known`: the day the council became aware that a child had died or been seriously harmed where abuse or neglect is known or suspected, which starts the 5 working days, and `serious_incident_notified`: the day it notified the Child Safeguarding Practice Review Panel (and Ofsted, for a looked-after child)"
        }
        // 2.3 care planning and placements
        "cla-care-plan" => {
            "`care_plan_agreed`: the day the care plan (with the plan for permanence, health plan, PEP and placement plan) was completed and agreed with the parents, or with a young person of 16 or 17 accommodated under s20(11); the 10 working days run from the first placement in `became_looked_after`"
        }
        "pl-placement-plan" => PLACEMENT_PLAN,
        "pl-notify" => {
            "`placement_notified`: who was told of the placement in writing (the child, parents, IRO, health body, GP, school, and the area authority for a placement out of area), and on which day; after an emergency placement the 5 working days run from the placement's start"
        }
        "pl-out-of-area" => {
            "`out_of_area_placement_approved`: the nominated officer's approval (the director of children's services' for a placement at a distance) and the day the area authority was consulted, before the placement starts"
        }
        "pl-ks4" | "pep-ks4-move" => KS4_MOVE,
        "pl-parents-assess" => {
            "`parent_assessment_completed`: the day the assessment of the parent and household (Sch 3) was completed and the placement with them approved by the nominated officer, with the IRO consulted, before the child is placed"
        }
        "pl-parents-urgent" => PARENT_BEFORE_ASSESSMENT,
        "pl-emergency-foster" => {
            "`emergency_foster_placement_made`: that a child was placed in an emergency with a foster carer not approved for them (reg 23), which starts the 6 working days, ended by a move (`placement_changed`) or by `foster_placement_approved`: the carer's approval for this child"
        }
        "pl-other-arrangements" => {
            "`other_arrangements_approved`: the day the council was satisfied the accommodation was suitable (Sch 6), whether the child visited it beforehand (or why not) and that the IRO was informed, before the placement"
        }
        "pl-long-term-foster" => {
            "`long_term_foster_designated`: the day a placement was designated long-term foster care (reg 22B), with the nominated officer's confirmation and the IRO informed"
        }
        "pl-remand" => {
            "`detention_placement_plan_agreed`: the day the detention placement plan was made for a child remanded to youth detention accommodation; the remand itself is recorded as the legal status J1"
        }
        "pl-short-breaks" => {
            "`short_break_visits_agreed`: the intervals for visits agreed with the IRO and the parents for a series of short breaks, recorded before the first short break, which would start the short-break regime's visits and reviews"
        }
        "cla-contact" => {
            "`contact_arrangements_agreed`: who the child has contact with (parents and others, s34), how often, and the day the arrangements were set in the care plan or changed by the court"
        }
        "cla-records" => {
            "`case_record_destroyed`: the day a closed case record was destroyed, so that careful could refuse it before the 75th birthday (or 15 years after a child's death); a records-management entry rather than an event in the child's care, and careful itself keeps every record"
        }
        // 2.4 visits
        "visit-ltf-agreed" => {
            "`long_term_foster_designated`: the day the placement was designated long-term foster care, and `reduced_visits_agreed`: the day the child, of sufficient age and understanding, agreed to visits at intervals of up to 6 months after a year in it"
        }
        "visit-parent-pre-assess" => PARENT_BEFORE_ASSESSMENT,
        "visit-other" => {
            "no new event for the arrangement: a placement in a young offender institution (R5) or a hospital (R2) is recorded already as `placement_changed`, and visits as `visit_made`; what is missing is the checked text of reg 28(6)"
        }
        "visit-request" => {
            "`visit_requested`: who asked for an extra visit (the child, the carer or the IRO) and on which day, met by the next `visit_made`"
        }
        // 2.5 reviews and the IRO
        "rev-early" => {
            "`early_review_requested`: the day the IRO asked for a review, or the event that calls for one (concerns after a visit under reg 30, a remand ending, a release from custody), which the review must come before"
        }
        "rev-iro-privately" => {
            "`iro_spoke_with_child`: the day the IRO spoke with the child in private before a review (or why not), beside the `statutory_review_held` the IRO chaired"
        }
        "iro-dispute" => {
            "`iro_concern_answered`: the council's answer at each stage of the dispute resolution process, and on which day; the concern, its escalation and its resolution (`iro_concern_raised`, `iro_concern_escalated`, `iro_concern_resolved`) are recorded already, so the local timescales could be counted from them as council settings"
        }
        // 2.7 education
        "pep-initiate" => {
            "`pep_initiated`: the day the PEP was started with the designated teacher or the virtual school, as part of the care plan (before the placement, or within 10 working days after an emergency one); `pep_reviewed` records only the written PEP"
        }
        // 2.8 missing
        "miss-ch-review" => {
            "`home_review_requested`: the day a children's home's registered person asked the council to review a child's plans after persistent absence; the duty is the home's, so careful would record the request it receives"
        }
        // 2.9 care leavers
        "cl-accom-review" => {
            "`care_leaver_accommodation_provided`: the day accommodation was first provided to a relevant child under s23B, whose 28 days start the pathway plan's review (`pathway_plan_reviewed`)"
        }
        "cl-pa-visit" => {
            "`care_leaver_accommodation_provided`: the day accommodation was first provided under s23B or s24B, which starts the 7 days to the personal adviser's first `visit_made` there, then visits every 2 months"
        }
        "cl-suitable-accom" => CARE_LEAVER_ACCOMMODATION,
        "cl-keep-in-touch" => {
            "`contact_attempted`: each step taken to get back in touch with a former relevant child the council has lost touch with, and on which day; `care_leaver_contact` records whether they are in touch"
        }
        "cl-pa-to-25" => {
            "`adviser_support_offered`: the day personal adviser support after 21 was offered to a former relevant child, and whether they accepted it or asked for it later, which starts the assessment and pathway plan"
        }
        "cl-staying-put" => {
            "`staying_put_considered`: that staying put was discussed at the first looked-after review after the 16th birthday, and `staying_put_ended`: the day the arrangement ended before 21 and why (`staying_put_agreed` is recorded already)"
        }
        "cl-staying-close" => {
            "`staying_close_assessed`: the day the council assessed whether a former relevant child under 25 needs staying close support, and its outcome, once s23CZAA is in force"
        }
        "cl-local-offer" => {
            "`local_offer_published`: a council-level entry of the day the local offer for care leavers was published or updated; it lies outside any child's record"
        }
        "cl-custody" => {
            "`former_looked_after_child_detained`: the day a former looked-after child entered a young offender institution, secure training centre or secure children's home, which starts the s23ZA visits (`visit_made`)"
        }
        // 2.10 adoption
        "ad-placement-plan" => {
            "`adoption_placement_plan_sent`: the day the adoption placement plan (Sch 5) was sent to the prospective adopters and the health report to their GP, after `matched_with_adopters` and before the child is placed"
        }
        "ad-10-weeks" => {
            "`adoption_application_made`: the day the adopters applied to court, to check that the child had lived with them for 10 weeks since the adoption placement began; a condition on the adopters' application rather than a duty of the council"
        }
        // 2.11 private fostering
        "pf-notify-proposed" => PRIVATE_FOSTERING_NOTIFIED,
        "pf-visit-proposed" | "pf-visit-arrived" => {
            "`private_fostering_notified`: the day the council was told of the arrangement (proposed, or begun already), which starts the 7 working days, met by `private_fostering_visit_made`: the officer's visit to the premises, the carer, the household and the child"
        }
        "pf-visits" => {
            "`private_fostering_began`: the day the arrangement is taken to begin (the day the council became aware of it), then each `private_fostering_visit_made`: every 6 weeks in the first year, every 12 weeks after"
        }
        "pf-alone" => PRIVATE_FOSTERING_VISIT,
        "pf-change-end" => {
            "`private_fostering_ended` (or `private_fostering_changed`): the hour the arrangement ended or changed and the hour the council was told, for the 48 hours"
        }
        // 2.12 secure accommodation
        "sec-72h" => SECURE,
        "sec-court-max" => {
            "`secure_accommodation_authorised`: the day the court authorised secure accommodation and the period it allows (at most 3 months at first, 6 after, or the remand's length), so that careful can show when it runs out"
        }
        "sec-review" => {
            "`secure_accommodation_reviewed`: the day a panel of three (one independent) reviewed whether the criteria are still met, counted from the secure placement's start (`secure_accommodation_started`)"
        }
        "sec-dol" => {
            "`deprivation_of_liberty_authorised`: the day the High Court (or, once in force, the statutory scheme) authorised depriving the child of liberty outside a secure children's home, for how long, and its review date"
        }
        // 2.13 UASC
        "uasc-age" => {
            "`age_assessment_completed`: the day a disputed age was assessed and its outcome, with the day the age was disputed; no timescale is known, so it would be shown, not counted"
        }
        // 2.14 complaints
        "cmp-time-limit" => {
            "the day the matter complained of happened, on `complaint_received`, and `late_complaint_accepted`: the council's decision to consider a complaint made more than a year after it, and why"
        }
        "cmp-advocacy" => {
            "whether the complainant is the child, on `complaint_received`, then `advocacy_offered` (recorded already) at receipt, and `advocate_appointed`: the day an advocate was appointed where stage 1 waited for one"
        }
        "cmp-stage2-request" | "cmp-stage3-request" => LATE_REQUEST,
        "cmp-stage3-report" => PANEL_REPORT,
        "cmp-stage3-response" => {
            "`panel_report_sent`: the review panel's written report and recommendations, with the day they reached the council, which starts the 15 working days to the council's `complaint_responded` at the review panel stage"
        }
        "cmp-manager" => {
            "`complaints_manager_appointed`: a council-level entry naming the complaints manager and from which day; it lies outside any child's record"
        }
        // 2.15 advocacy
        "adv-care-leaver" => {
            "`advocacy_requested`: the day a relevant or former relevant child asked for an advocate to make representations, met by `advocacy_offered`"
        }
        "iv-appoint" => {
            "`independent_visitor_appointed`: the day the council decided the child would benefit from an independent visitor, who was appointed and when, and each review of the appointment"
        }
        // 2.16 court and emergency powers
        "plo-fgdm" => {
            "`family_group_meeting_offered`: the day a family group decision-making meeting was offered to the parents, whether it was accepted and held, or why it was not in the child's interests, before `care_proceedings_issued`; once s31ZA is in force"
        }
        "plo-cmh" => {
            "`case_management_hearing_held`: the day of the case management hearing, due by day 12 from `care_proceedings_issued`"
        }
        "s20-consent" => {
            "`accommodation_consent_recorded`: who with parental responsibility consented to s20 accommodation (or the young person of 16 or 17), and on which day, and `accommodation_consent_withdrawn`: the day it was withdrawn"
        }
        "sgo-support" => {
            "`special_guardianship_support_requested`: the day a special guardian, the child or a parent asked for an assessment of special guardianship support needs, and the day it was completed"
        }
        "sup-order" => {
            "`supervision_order_made`: the day the court made a supervision order and its length (up to 12 months), and `supervision_order_extended`: each extension, to at most 3 years"
        }
        // 2.17 workforce
        "wf-registration" => {
            "`registration_renewed`: a worker-level entry of the social worker's Social Work England registration and each annual renewal; it lies outside any child's record"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize as _;

    use careful_domain::record::ChildEvent;

    use super::*;
    use crate::catalogue::{Implementation, Status, implementation, rule, rules};

    /// Rules the other work in hand may re-encode (police protection's 72 hours, ending s20
    /// accommodation, endings in an emergency): encoded already, so they have no entry whatever
    /// becomes of them.
    const IN_HAND: &[&str] = &["police-protection", "cla-s20-cease", "pl-terminate"];

    /// The backticked snake-case names in a need: the event kinds it names.
    fn kinds(need: &str) -> Vec<&str> {
        need.split('`')
            .skip(1)
            .step_by(2)
            .filter(|k| {
                k.starts_with(|c: char| c.is_ascii_lowercase())
                    && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            })
            .collect()
    }

    /// Whether careful records events of this kind already.
    fn recorded(kind: &str) -> bool {
        let de = serde::de::value::MapDeserializer::<_, serde::de::value::Error>::new([("kind", kind)].into_iter());
        match ChildEvent::deserialize(de) {
            Ok(_) => true,
            Err(e) => !e.to_string().contains("unknown variant"),
        }
    }

    fn not_encoded_statute(id: &str) -> bool {
        rule(id).is_some_and(|r| r.status == Status::Statute)
            && matches!(implementation(id), Implementation::NotEncoded(_))
    }

    #[test]
    fn every_statute_rule_not_encoded_names_the_event_it_needs() {
        for r in rules() {
            if !not_encoded_statute(r.id) {
                continue;
            }
            let need = needs(r.id);
            assert!(need.is_some(), "{} is statute and not encoded, and names no event it would need", r.id);
            let need = need.unwrap_or_default();
            assert!(!kinds(need).is_empty(), "{}: the need names no event kind in backticks: {need}", r.id);
            assert!(!need.contains('|'), "{}: the need has a | (it sits in a table cell)", r.id);
        }
    }

    #[test]
    fn a_need_is_said_only_of_statute_rules_not_encoded() {
        for r in rules() {
            if needs(r.id).is_some() {
                assert!(
                    not_encoded_statute(r.id),
                    "{} has a need but is encoded, or is not statute: remove its entry from needs.rs",
                    r.id
                );
            }
        }
        for id in IN_HAND {
            assert!(rule(id).is_some(), "{id} is not in the rule catalogue");
            assert!(needs(id).is_none(), "{id} is encoded (work in hand) and has no need");
        }
        assert!(needs("no-such-rule").is_none());
    }

    #[test]
    fn each_need_proposes_an_event_careful_does_not_record() {
        assert!(recorded("visit_made") && recorded("child_died"), "the check knows recorded kinds");
        assert!(!recorded("no_such_kind"), "the check knows unrecorded kinds");
        for r in rules() {
            let Some(need) = needs(r.id) else { continue };
            let kinds = kinds(need);
            // reg 28(6) waits on its text, not on an event.
            if r.id == "visit-other" {
                assert!(kinds.iter().all(|k| recorded(k)), "visit-other names kinds careful records");
                continue;
            }
            assert!(
                kinds.iter().any(|k| !recorded(k)),
                "{}: every kind it names ({}) is recorded already: the need should name what careful still lacks",
                r.id,
                kinds.join(", ")
            );
        }
    }
}
