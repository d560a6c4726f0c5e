//! A child's situation in plain words, from their folded record: their plans, placement, the
//! people in their life, and what needs attention now. Pure functions of the record, for the
//! child's page.

use chrono::NaiveDate;

use careful_domain::calendar::long_date;
use careful_domain::record::{CarerNotice, ChildRecord};

use crate::views::{PersonView, PlacementView};

/// The child's plans and where each stands, most intensive first.
pub(crate) fn plans(record: &ChildRecord, today: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(period) = record.open_care_period() {
        let state = period.current();
        out.push(format!(
            "Looked after since {}, {} ({})",
            long_date(period.looked_after_since()),
            state.legal_status.description().to_lowercase(),
            state.legal_status.code()
        ));
    }
    if let Some(episode) = record.open_episode() {
        if let Some(plan) = episode.cp_plans.last().filter(|p| p.span.is_open()) {
            out.push(format!(
                "Child protection plan since {} (category: {})",
                long_date(plan.span.start),
                plan.latest_category.description().to_lowercase()
            ));
        }
        if let Some(plan) = episode.cin_plans.last().filter(|p| p.span.is_open()) {
            out.push(format!("Child in need plan since {}", long_date(plan.span.start)));
        }
        if let Some(s47) = episode.section_47s.iter().find(|s| s.completed.is_none()) {
            out.push(format!("Section 47 enquiry in progress since {}", long_date(s47.started)));
        }
        if let Some(a) = episode.assessments.iter().find(|a| a.authorised.is_none()) {
            out.push(format!("Assessment in progress since {}", long_date(a.started)));
        }
        if out.is_empty() {
            out.push(format!(
                "Referred on {}; {}",
                long_date(episode.referral_date),
                episode.primary_need.description().to_lowercase()
            ));
        }
    }
    if let Some(status) = record.care_leaver_status(today)
        && record.open_care_period().is_none()
    {
        let words = match status {
            careful_domain::record::CareLeaverStatus::Eligible => "an eligible child",
            careful_domain::record::CareLeaverStatus::Relevant => "a relevant child",
            careful_domain::record::CareLeaverStatus::FormerRelevant => "a former relevant child",
            careful_domain::record::CareLeaverStatus::Qualifying => "a qualifying care leaver",
        };
        let mut line = format!("Care leaver: {words}");
        if let Some((d, _)) = record.pathway_plans.last() {
            line.push_str(&format!("; pathway plan last written or reviewed on {}", long_date(*d)));
        }
        out.push(line);
    }
    if out.is_empty() {
        out.push(if record.status(today).is_closed() { "No open case".into() } else { "Open".into() });
    }
    out
}

/// The looked-after child's placement now.
pub(crate) fn placement(record: &ChildRecord) -> Option<PlacementView> {
    let period = record.open_care_period()?;
    let state = period.current();
    // The placement began when the child came to its carer: changes of legal status, or of
    // the placement's status with the same carer, do not start a new placement.
    let since = period
        .states
        .iter()
        .rev()
        .take_while(|s| s.placement.carer == state.placement.carer)
        .last()
        .map_or(state.date, |s| s.date);
    let p = &state.placement;
    Some(PlacementView {
        since,
        kind: format!("{} ({})", p.placement_type.description(), p.placement_type.code()),
        provider: p.provider.map(|x| format!("{} ({})", x.description(), x.code())),
        postcode: p.postcode.as_ref().map(ToString::to_string),
        urn: p.urn.as_ref().map(ToString::to_string),
        legal_status: format!("{} ({})", state.legal_status.description(), state.legal_status.code()),
    })
}

pub(crate) fn people(record: &ChildRecord) -> Vec<PersonView> {
    record
        .people
        .iter()
        .map(|p| PersonView {
            name: p.name.clone(),
            relationship: p.relationship.describe(),
            parental_responsibility: p.parental_responsibility,
            date_of_birth: p.date_of_birth,
        })
        .collect()
}

/// Where a child lives, in a few words, for a sibling's page. Only the postcode's outward
/// part is given for a placement.
pub(crate) fn lives(record: &ChildRecord, today: NaiveDate) -> String {
    if let Some(period) = record.open_care_period() {
        let p = &period.current().placement;
        let area = p.postcode.as_ref().map(|pc| {
            let text = pc.to_string();
            text.split_whitespace().next().unwrap_or_default().to_string()
        });
        return match area {
            Some(area) => format!("Looked after: {}, {area}", p.placement_type.description().to_lowercase()),
            None => format!("Looked after: {}", p.placement_type.description().to_lowercase()),
        };
    }
    match record.addresses.last() {
        Some((_, a)) => format!("At home in {}", a.town),
        None => record.status(today).headline().to_string(),
    }
}

/// What needs attention now, in plain words.
pub(crate) fn alerts(record: &ChildRecord, overdue: usize) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(m) = record.missing_episodes.last().filter(|m| m.ended.is_none()) {
        out.push(format!("{} since {}", m.kind.description(), m.started.format("%H:%M on %-d %B %Y")));
    }
    if overdue > 0 {
        out.push(format!("{overdue} {} overdue", if overdue == 1 { "duty is" } else { "duties are" }));
    }
    for d in record.iro_disputes.iter().filter(|d| d.is_open()) {
        let (since, stage) = d.stage();
        out.push(format!(
            "The IRO has raised a concern, with the {} since {}: {}",
            stage.describe(),
            long_date(since),
            d.concern
        ));
    }
    for c in record.care_plan_changes.iter().filter(|c| c.approved.is_none()) {
        out.push(format!(
            "A change to the care plan proposed on {} awaits {}: {}",
            long_date(c.proposed),
            if c.iro_consulted.is_none() { "the IRO's consultation" } else { "approval" },
            c.change
        ));
    }
    for p in record.care_periods.iter().flat_map(|p| &p.placement_endings) {
        if !matches!(p.notice, Some(CarerNotice::Given { .. })) && p.notified_after.is_none() {
            out.push(format!(
                "The placement that ended on {} ended without written notice to the carer; tell them in writing",
                long_date(p.date)
            ));
        }
    }
    for c in record.complaints.iter().filter(|c| c.responded.is_none()) {
        out.push(format!("A complaint received on {} awaits a response", long_date(c.received)));
    }
    if record.died.is_some() {
        out.push("The child has died".into());
    }
    out
}
