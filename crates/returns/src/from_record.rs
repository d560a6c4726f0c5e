//! The returns produced from careful's record: a child's folded record turned into their rows
//! of the SSDA903 and their entry in the CIN census, for one collection year.
//!
//! Everything is derived: episodes (with `RNE` and `REC`) from legal status and placement
//! changes, review participation from reviews, missing episodes, adoption milestones and care
//! leavers' contact. Nothing is typed twice.

use std::collections::HashMap;

use chrono::NaiveDate;

use careful_domain::CollectionYear;
use careful_domain::WorkerId;
use careful_domain::calendar::{add_months, age_on, date_attaining_age};
use careful_domain::codes::{Need, PreviousPermanence, SdqReason, Sex};
use careful_domain::record::{ChildRecord, SdqOutcome};

use crate::cin;
use crate::ssda903::{BuildError, ReturnBuilder, RowBuilder, Table};

/// Social Work England registration numbers by worker, for the 903's `SW_ID`.
pub type Registrations = HashMap<WorkerId, String>;

/// The 903 `SEX` code for the year: 1 and 2 until 2023-24, M, F and U from 2024-25.
fn sex_903(sex: Sex, year: CollectionYear) -> &'static str {
    if year.start_year() >= 2024 {
        sex.code()
    } else {
        match sex {
            Sex::Male => "1",
            _ => "2",
        }
    }
}

/// Whether the child appears in the year's 903, and their rows if so.
pub fn ssda903_rows(
    record: &ChildRecord,
    year: CollectionYear,
    registrations: &Registrations,
    out: &mut ReturnBuilder,
) -> Result<bool, BuildError> {
    let (start, end) = (year.first_day(), year.last_day());
    let child = record.la_child_id.as_str();
    let Some(dob) = record.date_of_birth() else { return Ok(false) };
    let episodes: Vec<_> = record.episodes().into_iter().filter(|e| e.overlaps(start, end)).collect();
    let oc3 = care_leaver_row(record, year, dob)?;
    if episodes.is_empty() && oc3.is_none() {
        return Ok(false);
    }

    // Header.
    let female = record.details.sex == Sex::Female;
    let upn = record
        .details
        .upn
        .as_ref()
        .map(|u| u.to_string())
        .or_else(|| record.details.upn_unknown.map(|u| u.code().to_string()));
    out.push(
        RowBuilder::new(Table::Header)
            .set("CHILD", child)?
            .set("SEX", sex_903(record.details.sex, year))?
            .date("DOB", dob)?
            .set("ETHNIC", record.details.ethnicity.code())?
            .set_opt("UPN", upn)?
            // careful records no children of looked-after children yet: a girl is recorded as
            // not a mother.
            .set_opt("MOTHER", female.then_some("0"))?,
    )?;

    // Episodes.
    for e in &episodes {
        let ended_in_year = e.end.filter(|d| *d <= end);
        let p = &e.placement;
        out.push(
            RowBuilder::new(Table::Episodes)
                .set("CHILD", child)?
                .date("DECOM", e.start)?
                .set("RNE", e.reason_new.code())?
                .set("LS", e.legal_status.code())?
                .set("CIN", e.category_of_need.code())?
                .set("PLACE", p.placement_type.code())?
                .set_opt("PLACE_PROVIDER", p.provider.map(|x| x.code()))?
                .date_opt("DEC", ended_in_year)?
                .set_opt("REC", ended_in_year.and(e.reason_ceased.map(|r| r.code())))?
                .set_opt("REASON_PLACE_CHANGE", ended_in_year.and(e.reason_place_change.map(|r| r.code())))?
                .set_opt("HOME_POST", e.home_postcode.as_ref().map(|x| x.to_string()))?
                .set_opt("PL_POST", p.postcode.as_ref().map(|x| x.to_string()))?
                .set_opt("URN", p.urn.as_ref().map(|u| u.to_string()))?,
        )?;
    }

    // Reviews held in the year.
    for period in &record.care_periods {
        for (date, participation) in period.reviews.iter().filter(|(d, _)| year.contains(*d)) {
            out.push(
                RowBuilder::new(Table::Reviews)
                    .set("CHILD", child)?
                    .date("DOB", dob)?
                    .date("REVIEW", *date)?
                    .set("REVIEW_CODE", participation.code())?,
            )?;
        }
    }

    // Unaccompanied asylum-seeking children at any time in the year.
    if let Some(span) = record.uasc.iter().rev().find(|s| s.start <= end && s.end.is_none_or(|e| e >= start)) {
        out.push(
            RowBuilder::new(Table::Uasc)
                .set("CHILD", child)?
                .set("SEX", sex_903(record.details.sex, year))?
                .date("DOB", dob)?
                .date_opt("DUC", span.end.filter(|d| *d <= end))?,
        )?;
    }

    // OC2: looked after continuously for at least 12 months at 31 March.
    let year_before = year.previous().last_day();
    if record.care_periods.iter().any(|p| p.started <= year_before && p.end().is_none_or(|e| e > end)) {
        let age = age_on(dob, end).unwrap_or(0);
        let health = record.health_assessments.iter().any(|(d, _)| year.contains(*d));
        let teeth = record.dental_checks.iter().any(|d| year.contains(*d));
        let immunised = record.immunisations.iter().rev().find(|(d, _)| *d <= end).is_some_and(|(_, ok)| *ok);
        let sdq = record.sdqs.iter().rev().find(|(d, _)| year.contains(*d)).map(|(_, s)| *s);
        let (score, reason) = if !(4..=16).contains(&age) {
            (None, Some(SdqReason::AgeOutOfRange.code()))
        } else {
            match sdq {
                Some(SdqOutcome::Score { score }) => (Some(score.to_string()), None),
                Some(SdqOutcome::NotCompleted { reason }) => (None, Some(reason.code())),
                None => (None, Some(SdqReason::Other.code())),
            }
        };
        let flag = |b: bool| if b { "1" } else { "0" };
        out.push(
            RowBuilder::new(Table::Oc2)
                .set("CHILD", child)?
                .date("DOB", dob)?
                .set_opt("SDQ_SCORE", score)?
                .set_opt("SDQ_REASON", reason)?
                .set_opt("CONVICTED", (age >= 10).then_some("0"))?
                .set("HEALTH_CHECK", flag(health))?
                .set("IMMUNISATIONS", flag(immunised))?
                .set("TEETH_CHECK", flag(teeth))?
                .set("HEALTH_ASSESSMENT", flag(health))?
                .set("SUBSTANCE_MISUSE", "0")?,
        )?;
    }

    // OC3: care leavers at their 17th to 21st birthdays in the year.
    if let Some(row) = oc3 {
        out.push(row)?;
    }

    // AD1: adopted in the year.
    let adopted = record.care_periods.iter().any(|p| p.ended.is_some_and(|(d, r)| year.contains(d) && r.is_adoption()));
    if adopted && let Some(decision) = record.adoption_decisions.iter().rev().find(|d| d.reversed.is_none()) {
        let m = decision.matched.as_ref();
        out.push(
            RowBuilder::new(Table::Ad1)
                .set("CHILD", child)?
                .date("DOB", dob)?
                .date("DATE_INT", decision.decided)?
                .date_opt("DATE_MATCH", m.map(|m| m.date))?
                .set_opt("FOSTER_CARE", m.map(|m| if m.foster_carers { "1" } else { "0" }))?
                .set_opt("NB_ADOPTR", m.map(|m| m.adopters.to_string()))?
                .set_opt("SEX_ADOPTR", m.map(|m| m.sex.code()))?
                .set_opt("LS_ADOPTR", m.map(|m| m.legal_status.code()))?,
        )?;
    }

    // PlacedAdoption: decisions in force during the year for a child looked after in it.
    for decision in
        record.adoption_decisions.iter().filter(|d| d.decided <= end && d.reversed.is_none_or(|(r, _)| r >= start))
    {
        let reversed = decision.reversed.filter(|(d, _)| *d <= end);
        out.push(
            RowBuilder::new(Table::PlacedAdoption)
                .set("CHILD", child)?
                .date("DOB", dob)?
                .date("DATE_PLACED", decision.decided)?
                .date_opt("DATE_PLACED_CEASED", reversed.map(|(d, _)| d))?
                .set_opt("REASON_PLACED_CEASED", reversed.map(|(_, r)| r.code()))?,
        )?;
    }

    // PrevPerm: children who started to be looked after in the year.
    if let Some(period) = record.care_periods.iter().rev().find(|p| year.contains(p.started)) {
        let previous = period.previous_permanence.unwrap_or(PreviousPermanence::Unknown);
        out.push(
            RowBuilder::new(Table::PrevPerm)
                .set("CHILD", child)?
                .date("DOB", dob)?
                .set("PREV_PERM", previous.code())?,
        )?;
    }

    // Missing: episodes that began or ended in the year.
    for m in
        record.missing_episodes.iter().filter(|m| m.started.date() <= end && m.ended.is_none_or(|e| e.date() >= start))
    {
        out.push(
            RowBuilder::new(Table::Missing)
                .set("CHILD", child)?
                .date("DOB", dob)?
                .set("MISSING", m.kind.code())?
                .date("MIS_START", m.started.date())?
                .date_opt("MIS_END", m.ended.map(|e| e.date()).filter(|d| *d <= end))?,
        )?;
    }

    // SWEpisodes (from 2023-24): allocated social workers while looked after in the year.
    if Table::SwEpisodes.exists_in(year) && !episodes.is_empty() {
        let looked_after_from = episodes.iter().map(|e| e.start).min().unwrap_or(start);
        let allocations: Vec<_> = record.allocations.iter().collect();
        for (i, a) in allocations.iter().enumerate() {
            let next = allocations.get(i + 1).map(|n| n.date);
            let overlaps = a.date <= end && next.is_none_or(|n| n > start.max(looked_after_from));
            let Some(sw_id) = registrations.get(&a.worker) else { continue };
            if !overlaps {
                continue;
            }
            out.push(
                RowBuilder::new(Table::SwEpisodes)
                    .set("CHILD", child)?
                    .date("DOB", dob)?
                    .set("SW_ID", sw_id)?
                    .date("SW_DECOM", a.date)?
                    .date_opt("SW_DEC", next.filter(|d| *d <= end))?
                    .set_opt("SW_REASON", a.reason.map(|r| r.code()))?,
            )?;
        }
    }
    Ok(true)
}

/// The child's OC3 row, if they are a care leaver with a 17th to 21st birthday in the year.
fn care_leaver_row(
    record: &ChildRecord,
    year: CollectionYear,
    dob: NaiveDate,
) -> Result<Option<RowBuilder>, BuildError> {
    let birthday = (17..=21).filter_map(|age| date_attaining_age(dob, age).ok()).find(|d| year.contains(*d));
    let Some(birthday) = birthday else { return Ok(None) };
    let status = record.care_leaver_status(birthday);
    let relevant = matches!(
        status,
        Some(careful_domain::record::CareLeaverStatus::Relevant)
            | Some(careful_domain::record::CareLeaverStatus::FormerRelevant)
    );
    if !relevant {
        return Ok(None);
    }
    // The contact nearest the birthday, from three months before to one month after.
    let from = add_months(birthday, -3).unwrap_or(birthday);
    let to = add_months(birthday, 1).unwrap_or(birthday);
    let contact = record
        .care_leaver_contacts
        .iter()
        .filter(|c| c.date >= from && c.date <= to)
        .min_by_key(|c| (c.date - birthday).num_days().abs());
    let (in_touch, activity, accommodation) = match contact {
        Some(c) => (
            c.in_touch.code().to_string(),
            c.activity.map_or("0".to_string(), |a| a.code().to_string()),
            match (c.accommodation, c.accommodation_suitable) {
                (Some(a), Some(suitable)) => format!("{}{}", a.code(), if suitable { 1 } else { 2 }),
                _ => "0".to_string(),
            },
        ),
        None => ("NO".to_string(), "0".to_string(), "0".to_string()),
    };
    Ok(Some(
        RowBuilder::new(Table::Oc3)
            .set("CHILD", record.la_child_id.as_str())?
            .date("DOB", dob)?
            .set("IN_TOUCH", in_touch)?
            .set("ACTIV", activity)?
            .set("ACCOM", accommodation)?,
    ))
}

/// The child's entry in the year's CIN census, if they were a child in need during it.
pub fn cin_child(record: &ChildRecord, year: CollectionYear) -> Option<cin::Child> {
    let (start, end) = (year.first_day(), year.last_day());
    let in_year = |from: NaiveDate, to: Option<NaiveDate>| from <= end && to.is_none_or(|t| t >= start);
    let episodes: Vec<_> = record.cin_episodes.iter().filter(|e| in_year(e.referral_date, e.end())).collect();
    if episodes.is_empty() {
        return None;
    }
    let before = |d: Option<NaiveDate>| d.filter(|d| *d <= end);
    let mut previous_plans = 0u32;
    let mut details = Vec::new();
    for episode in &record.cin_episodes {
        if !in_year(episode.referral_date, episode.end()) {
            previous_plans += episode.cp_plans.iter().filter(|p| p.span.start < start).count() as u32;
            continue;
        }
        let closed = episode.closed.filter(|(d, _)| *d <= end);
        let mut plans = Vec::new();
        for plan in &episode.cp_plans {
            if in_year(plan.span.start, plan.span.end) {
                plans.push(cin::ChildProtectionPlan {
                    cpp_start_date: plan.span.start,
                    cpp_end_date: before(plan.span.end),
                    initial_category_of_abuse: plan.initial_category.code().to_string(),
                    latest_category_of_abuse: plan.latest_category.code().to_string(),
                    number_of_previous_cpp: previous_plans,
                    cpp_review_dates: plan
                        .review_conferences
                        .iter()
                        .map(|(d, _)| *d)
                        .filter(|d| *d <= end && *d >= start)
                        .collect(),
                });
            }
            previous_plans += 1;
        }
        details.push(cin::CinDetails {
            cin_referral_date: episode.referral_date,
            referral_source: episode.source.code().to_string(),
            primary_need_code: Some(
                if episode.no_further_action { Need::NotStated } else { episode.primary_need }.code().to_string(),
            ),
            cin_closure_date: closed.map(|(d, _)| d),
            reason_for_closure: closed.map(|(_, r)| r.code().to_string()),
            date_of_initial_cpc: episode
                .section_47s
                .iter()
                .filter_map(|s| s.initial_conference)
                .map(|(d, _)| d)
                .filter(|d| *d <= end)
                .min(),
            assessments: episode
                .assessments
                .iter()
                .filter(|a| in_year(a.started, a.authorised))
                .map(|a| {
                    let authorised = before(a.authorised);
                    cin::Assessment {
                        assessment_actual_start_date: a.started,
                        assessment_internal_review_date: None,
                        assessment_authorisation_date: authorised,
                        assessment_factors: if authorised.is_some() {
                            a.factors.iter().map(|f| f.code().to_string()).collect()
                        } else {
                            Vec::new()
                        },
                    }
                })
                .collect(),
            cin_plan_dates: episode
                .cin_plans
                .iter()
                .filter(|p| in_year(p.span.start, p.span.end))
                .map(|p| cin::CinPlanDates { cin_plan_start_date: p.span.start, cin_plan_end_date: before(p.span.end) })
                .collect(),
            section47: episode
                .section_47s
                .iter()
                .filter(|s| in_year(s.started, s.completed.map(|(d, _)| d)))
                .map(|s| {
                    let conference = s.initial_conference.filter(|(d, _)| *d <= end);
                    cin::Section47 {
                        s47_actual_start_date: s.started,
                        initial_cpc_target: careful_domain::WorkingDayCalendar::england_and_wales()
                            .add_working_days(s.strategy_discussion, 15)
                            .ok(),
                        date_of_initial_cpc: conference.map(|(d, _)| d),
                        icpc_not_required: s.completed.is_some_and(|(d, o)| {
                            d <= end && o != careful_domain::record::Section47Outcome::ConferenceRequired
                        }),
                    }
                })
                .collect(),
            referral_nfa: episode.no_further_action,
            child_protection_plans: plans,
        });
    }
    let d = &record.details;
    Some(cin::Child {
        identifiers: cin::ChildIdentifiers {
            la_child_id: record.la_child_id.to_string(),
            upn: d.upn.as_ref().map(|u| u.to_string()),
            former_upn: None,
            upn_unknown: d.upn_unknown.map(|u| u.code().to_string()),
            person_birth_date: d.date_of_birth,
            expected_person_birth_date: d.expected_date_of_birth,
            sex: d.sex.code().to_string(),
            person_death_date: record.died,
        },
        characteristics: cin::ChildCharacteristics {
            ethnicity: d.ethnicity.code().to_string(),
            disabilities: d.disabilities.iter().map(|x| x.code().to_string()).collect(),
        },
        cin_details: details,
    })
}
