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
use careful_domain::codes::{Need, PreviousPermanence, ReasonEpisodeCeased, SdqReason, Sex, SocialWorkerChangeReason};
use careful_domain::record::{CareLeaverStatus, ChildRecord, Episode, SdqOutcome};

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
///
/// A child appears when they were looked after at some time in the year (an episode of care
/// overlapping it) or are a care leaver DfE collects information on that year (see
/// [`care_leaver_row`]). A care leaver who was not looked after in the year has a Header row
/// and an OC3 row only: DfE asks for no episodes, no mother status (rule 628), no UASC row
/// (1014) and nothing else (1012) for them.
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
    let looked_after = !episodes.is_empty();
    let oc3 = care_leaver_row(record, year, dob, &episodes)?;
    if !looked_after && oc3.is_none() {
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
            // careful records no children of looked-after children yet: a girl looked after in
            // the year is recorded as not a mother. DfE asks no mother status of a care leaver
            // who was not looked after (628).
            .set_opt("MOTHER", (female && looked_after).then_some("0"))?,
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

    if looked_after {
        looked_after_rows(record, year, dob, &episodes, registrations, out)?;
    }

    // OC3: care leavers at their 17th to 21st birthdays in the year.
    if let Some(row) = oc3 {
        out.push(row)?;
    }
    Ok(true)
}

/// The rows of a child looked after during the year beyond Header and Episodes: reviews, UASC,
/// OC2, adoption, previous permanence, missing periods and social workers.
fn looked_after_rows(
    record: &ChildRecord,
    year: CollectionYear,
    dob: NaiveDate,
    episodes: &[Episode],
    registrations: &Registrations,
    out: &mut ReturnBuilder,
) -> Result<(), BuildError> {
    let (start, end) = (year.first_day(), year.last_day());
    let child = record.la_child_id.as_str();

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

    // Unaccompanied asylum-seeking children at any time in the year. UASC status ends at 18
    // (903 rule 304), so the date it ceased (DUC) is the day the record ended it or the 18th
    // birthday, whichever is first. DfE expects that date in every year's return, including
    // those made before it (rules 205A and 205B compare the two years), so it is written even
    // when it falls after the year.
    let eighteen = date_attaining_age(dob, 18).ok();
    let ceased = |end: Option<NaiveDate>| match (end, eighteen) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(span) = record.uasc.iter().rev().find(|s| s.start <= end && ceased(s.end).is_none_or(|c| c >= start)) {
        out.push(
            RowBuilder::new(Table::Uasc)
                .set("CHILD", child)?
                .set("SEX", sex_903(record.details.sex, year))?
                .date("DOB", dob)?
                .date_opt("DUC", ceased(span.end))?,
        )?;
    }

    // OC2: looked after continuously for at least 12 months at 31 March. The child's last
    // episode of the year (short breaks aside) is still open at the end of 31 March, and the
    // period of care it belongs to began on or before 1 April. Care that ended on 31 March
    // did not last to the end of the year.
    let last = episodes.iter().rfind(|e| !e.legal_status.is_short_breaks());
    if last.is_some_and(|e| e.end.is_none_or(|d| d > end) && e.period_start <= start) {
        let (age_at_start, age_at_end) = (age_on(dob, start).unwrap_or(0), age_on(dob, end).unwrap_or(0));
        let health = record.health_assessments.iter().any(|(d, _)| year.contains(*d));
        let teeth = record.dental_checks.iter().any(|d| year.contains(*d));
        let immunised = record.immunisations.iter().rev().find(|(d, _)| *d <= end).is_some_and(|(_, ok)| *ok);
        let sdq = record.sdqs.iter().rev().find(|(d, _)| year.contains(*d)).map(|(_, s)| *s);
        let (score, reason) = sdq_items(age_at_start, age_at_end, sdq);
        let flag = |b: bool| if b { "1" } else { "0" };
        out.push(
            RowBuilder::new(Table::Oc2)
                .set("CHILD", child)?
                .date("DOB", dob)?
                .set_opt("SDQ_SCORE", score)?
                .set_opt("SDQ_REASON", reason)?
                .set_opt("CONVICTED", (age_at_end >= 10).then_some("0"))?
                // Health promotion (surveillance) is reported for children under 5 at 31 March
                // only (rules 545, 546).
                .set_opt("HEALTH_CHECK", (age_at_end < 5).then_some(flag(health)))?
                .set("IMMUNISATIONS", flag(immunised))?
                .set("TEETH_CHECK", flag(teeth))?
                .set("HEALTH_ASSESSMENT", flag(health))?
                .set("SUBSTANCE_MISUSE", "0")?,
        )?;
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

    // PlacedAdoption: decisions in force during the year.
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

    // PrevPerm: children who started to be looked after in the year (not a period of care that
    // began before careful's record did, whose start is not known).
    if let Some(period) = record.care_periods.iter().rev().find(|p| year.contains(p.started) && p.continued.is_none()) {
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

    // SWEpisodes (from 2023-24).
    if Table::SwEpisodes.exists_in(year) {
        for sw in social_worker_episodes(record, year, episodes) {
            let Some(sw_id) = registrations.get(&sw.worker) else { continue };
            out.push(
                RowBuilder::new(Table::SwEpisodes)
                    .set("CHILD", child)?
                    .date("DOB", dob)?
                    .set("SW_ID", sw_id)?
                    .date("SW_DECOM", sw.start)?
                    .date_opt("SW_DEC", sw.end.filter(|d| *d <= end))?
                    .set_opt("SW_REASON", sw.reason.map(|r| r.code()))?,
            )?;
        }
    }
    Ok(())
}

/// `SDQ_SCORE` and `SDQ_REASON` for a child in the OC2 cohort, by their age at the start and
/// the end of the year (rules 157, 186, 188, 189, 197B):
///
/// - under 4 at the end of the year, or 17 or over at its start: neither (188, 189);
/// - 4 to 16 all year: the score of the year's latest SDQ, or why there is none (`SDQ4`,
///   other, when the record holds neither; never `SDQ1`, 157);
/// - turning 4 or 17 during the year: the score, or why there is none, which with no SDQ in
///   the record is `SDQ1` (the child was outside the SDQ's ages when it was due).
fn sdq_items(age_at_start: u32, age_at_end: u32, sdq: Option<SdqOutcome>) -> (Option<String>, Option<&'static str>) {
    if age_at_end < 4 || age_at_start >= 17 {
        return (None, None);
    }
    let all_year = age_at_start >= 4 && age_at_end <= 16;
    match sdq {
        Some(SdqOutcome::Score { score }) => (Some(score.to_string()), None),
        Some(SdqOutcome::NotCompleted { reason }) => (None, Some(reason.code())),
        None if all_year => (None, Some(SdqReason::Other.code())),
        None => (None, Some(SdqReason::AgeOutOfRange.code())),
    }
}

/// One row of the SWEpisodes table: a social worker holding the child's case.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SocialWorkerEpisode {
    worker: WorkerId,
    start: NaiveDate,
    /// The day the next worker took over or the case closed, if it has.
    end: Option<NaiveDate>,
    reason: Option<SocialWorkerChangeReason>,
}

/// The social worker episodes the year's return reports for a child looked after in it: for a
/// child looked after at 31 March (short breaks aside), every one in the year, including those
/// from before they were looked after (rule SW12); for any other child, those while they were
/// looked after. An allocation lasts until the next one or until the case it was made in
/// closes; one replaced on the day it was made is left out, since only the position at the
/// end of a day counts (rule SW09: an episode cannot end the day it began).
fn social_worker_episodes(
    record: &ChildRecord,
    year: CollectionYear,
    episodes: &[Episode],
) -> Vec<SocialWorkerEpisode> {
    let (start, end) = (year.first_day(), year.last_day());
    let at_31_march = episodes.iter().any(|e| !e.legal_status.is_short_breaks() && e.end.is_none_or(|d| d > end));
    // The days to report on, each `from ..= to`.
    let windows: Vec<(NaiveDate, NaiveDate)> = if at_31_march {
        vec![(start, end)]
    } else {
        episodes.iter().map(|e| (e.start.max(start), e.end.unwrap_or(end).min(end))).collect()
    };
    let allocations = &record.allocations;
    let mut out = Vec::new();
    for (i, a) in allocations.iter().enumerate() {
        let until = record.allocation_until(i);
        if until == Some(a.date) {
            continue;
        }
        let reported = windows.iter().any(|&(from, to)| a.date <= to && until.is_none_or(|u| u > from));
        if reported {
            out.push(SocialWorkerEpisode { worker: a.worker, start: a.date, end: until, reason: a.reason });
        }
    }
    out
}

/// The day a child born on `dob` turns `age` as DfE's validators count it (a whole number of
/// calendar years, a 29 February birthday falling on 28 February), which for a leap day is a
/// day before the law's birthday.
fn dfe_birthday(dob: NaiveDate, age: u32) -> Option<NaiveDate> {
    dob.checked_add_months(chrono::Months::new(age * 12))
}

/// The child's OC3 row, if DfE collects care leaver information on them this year: a relevant
/// or former relevant child at their 17th to 21st birthday in the year. Left out, as DfE's rules
/// require:
///
/// - a young person whose care ended by adoption (1001), was taken over by another council
///   (E3, 1011; the care leaver is theirs now) or ended when an age assessment found them to
///   be 18 or over (E15; not a child, so not a care leaver);
/// - at the 17th and 18th birthdays, a young person looked after at any time in the year on or
///   after their 17th birthday: DfE collects 17- and 18-year-olds only if they had left care
///   (1007, 1016).
fn care_leaver_row(
    record: &ChildRecord,
    year: CollectionYear,
    dob: NaiveDate,
    episodes: &[Episode],
) -> Result<Option<RowBuilder>, BuildError> {
    let birthday = (17..=21)
        .filter_map(|age| date_attaining_age(dob, age).ok().map(|d| (age, d)))
        .find(|(_, d)| year.contains(*d));
    let Some((age, birthday)) = birthday else { return Ok(None) };
    let status = record.care_leaver_status(birthday);
    let relevant = matches!(status, Some(CareLeaverStatus::Relevant) | Some(CareLeaverStatus::FormerRelevant));
    if !relevant {
        return Ok(None);
    }
    let last_ending = record.care_periods.iter().rev().find(|p| p.started <= birthday).and_then(|p| p.ended);
    if last_ending.is_some_and(|(_, reason)| {
        reason.is_adoption()
            || matches!(reason, ReasonEpisodeCeased::AnotherLa | ReasonEpisodeCeased::AgeAssessedOver18)
    }) {
        return Ok(None);
    }
    if age <= 18 {
        let seventeen = dfe_birthday(dob, 17).unwrap_or(birthday).min(birthday);
        if episodes.iter().any(|e| e.end.is_none_or(|d| d >= seventeen)) {
            return Ok(None);
        }
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
    // Plans before careful's record began count as earlier plans, then each plan it holds.
    let mut previous_plans = record.cp_plans_before_record;
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
            // A conference is recorded once (CIN rule 2884): with its section 47 enquiry when
            // the census carries the enquiry, at the episode's level only when it does not.
            date_of_initial_cpc: episode
                .section_47s
                .iter()
                .filter(|s| !in_year(s.started, s.completed.map(|(d, _)| d)))
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
