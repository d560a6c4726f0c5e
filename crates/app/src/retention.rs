//! Records management: how long each kind of child's record is kept, and which records are due
//! for review (UK GDPR article 5(1)(e): kept no longer than necessary).
//!
//! The periods are the council's setting `retention`, with these defaults:
//!
//! | Record | Kept until | Source |
//! | --- | --- | --- |
//! | Looked after (and care leaver) | the 75th birthday, or 15 years after death if the child died before 18 | Care Planning, Placement and Case Review (England) Regulations 2010, reg 50 |
//! | Adoption | 100 years after the adoption order | Disclosure of Adoption Information (Post-Commencement Adoptions) Regulations 2005 |
//! | Child protection | the 25th birthday | council setting: no statutory period |
//! | Child in need | the 25th birthday | council setting: no statutory period |
//! | Contact only | 6 years after the last contact | council setting: no statutory period |
//!
//! A record is kept for the longest period any part of it needs. A record due for review is
//! reported, never deleted: deciding is a person's job, and the record is append-only.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use careful_domain::ChildId;
use careful_domain::record::ChildRecord;

use crate::access::{Action, Resource};
use crate::audit::{Event, Outcome};
use crate::{AppError, UserHandle};

/// The council setting holding the retention periods, as JSON.
pub const RETENTION_SETTING: &str = "retention";

/// How long each kind of record is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionPolicy {
    pub looked_after_until_age: u32,
    pub looked_after_years_after_death: u32,
    pub adoption_years_after_order: u32,
    pub child_protection_until_age: u32,
    pub child_in_need_until_age: u32,
    pub contact_only_years: u32,
}

impl Default for RetentionPolicy {
    fn default() -> RetentionPolicy {
        RetentionPolicy {
            looked_after_until_age: 75,
            looked_after_years_after_death: 15,
            adoption_years_after_order: 100,
            child_protection_until_age: 25,
            child_in_need_until_age: 25,
            contact_only_years: 6,
        }
    }
}

/// Which kind of record sets how long a child's record is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RecordKind {
    ContactOnly,
    ChildInNeed,
    ChildProtection,
    LookedAfter,
    Adoption,
}

impl RecordKind {
    pub fn describe(self) -> &'static str {
        match self {
            RecordKind::ContactOnly => "Contact only",
            RecordKind::ChildInNeed => "Child in need",
            RecordKind::ChildProtection => "Child protection",
            RecordKind::LookedAfter => "Looked after",
            RecordKind::Adoption => "Adoption",
        }
    }
}

/// How long one record is kept, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retention {
    pub kind: RecordKind,
    /// The first day the record may be reviewed for disposal.
    pub review_from: NaiveDate,
    pub basis: String,
}

fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    let year = date.year() + years as i32;
    // 29 February moves to 28 February in a year that has none.
    NaiveDate::from_ymd_opt(year, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), 28))
        .unwrap_or(NaiveDate::MAX)
}

/// How long a record is kept under `policy`: the longest period any part of it needs.
/// `None` for a record with no date to count from (an unborn child with no contact).
pub fn retention(record: &ChildRecord, policy: &RetentionPolicy) -> Option<Retention> {
    let dob = record.date_of_birth().or(record.details.expected_date_of_birth);
    let mut candidates: Vec<Retention> = Vec::new();
    let adopted = record
        .care_periods
        .iter()
        .filter_map(|p| p.ended)
        .filter(|(_, reason)| reason.is_adoption())
        .map(|(d, _)| d)
        .max();
    if let Some(order) = adopted {
        candidates.push(Retention {
            kind: RecordKind::Adoption,
            review_from: add_years(order, policy.adoption_years_after_order),
            basis: format!(
                "adopted on {order}: kept {} years after the adoption order",
                policy.adoption_years_after_order
            ),
        });
    }
    let looked_after = !record.care_periods.is_empty()
        || record.looked_after_before_record.is_some()
        || record.eligible_before_record.is_some();
    if looked_after && let Some(dob) = dob {
        let died_young = record.died.filter(|d| *d < add_years(dob, 18));
        candidates.push(match died_young {
            Some(died) => Retention {
                kind: RecordKind::LookedAfter,
                review_from: add_years(died, policy.looked_after_years_after_death),
                basis: format!(
                    "looked after, died before 18 on {died}: kept {} years after death (CPPCR 2010 reg 50)",
                    policy.looked_after_years_after_death
                ),
            },
            None => Retention {
                kind: RecordKind::LookedAfter,
                review_from: add_years(dob, policy.looked_after_until_age),
                basis: format!(
                    "looked after: kept until the {}th birthday (CPPCR 2010 reg 50)",
                    policy.looked_after_until_age
                ),
            },
        });
    }
    let protected = record.cin_episodes.iter().any(|e| !e.cp_plans.is_empty() || !e.section_47s.is_empty());
    if protected && let Some(dob) = dob {
        candidates.push(Retention {
            kind: RecordKind::ChildProtection,
            review_from: add_years(dob, policy.child_protection_until_age),
            basis: format!(
                "child protection: kept until the {}th birthday (council setting)",
                policy.child_protection_until_age
            ),
        });
    }
    if !record.cin_episodes.is_empty()
        && let Some(dob) = dob
    {
        candidates.push(Retention {
            kind: RecordKind::ChildInNeed,
            review_from: add_years(dob, policy.child_in_need_until_age),
            basis: format!(
                "child in need: kept until the {}th birthday (council setting)",
                policy.child_in_need_until_age
            ),
        });
    }
    let last_activity = record.timeline.last().map(|e| e.effective_date);
    if let Some(last) = last_activity {
        candidates.push(Retention {
            kind: RecordKind::ContactOnly,
            review_from: add_years(last, policy.contact_only_years),
            basis: format!("kept {} years after the last entry (council setting)", policy.contact_only_years),
        });
    }
    candidates.into_iter().max_by_key(|r| (r.review_from, r.kind))
}

/// A record due for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueForReview {
    pub child: ChildId,
    pub la_child_id: String,
    pub retention: Retention,
}

impl UserHandle {
    /// The council's retention periods.
    pub async fn retention_policy(&self) -> Result<RetentionPolicy, AppError> {
        match self.app().store().setting(RETENTION_SETTING).await? {
            None => Ok(RetentionPolicy::default()),
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| AppError::Settings { key: RETENTION_SETTING, detail: e.to_string() }),
        }
    }

    /// Records whose retention period ends on or before `by` (reported, never deleted), by
    /// review date. Names are left out: the council's child ID identifies the record.
    pub async fn retention_report(&self, by: NaiveDate) -> Result<Vec<DueForReview>, AppError> {
        self.decide(Action::ViewRetention, Resource::Council, None).await?;
        let policy = self.retention_policy().await?;
        let store = self.app().store();
        let mut due = Vec::new();
        for chunk in store.child_ids().await?.chunks(1_000) {
            for events in store.read_streams(chunk).await? {
                let Some(first) = events.first() else { continue };
                let child = first.child;
                let entries = crate::record::entries(&events)?;
                let record = careful_domain::record::fold(&entries)?;
                if let Some(r) = retention(&record, &policy).filter(|r| r.review_from <= by) {
                    due.push(DueForReview { child, la_child_id: record.la_child_id.to_string(), retention: r });
                }
            }
        }
        due.sort_by(|a, b| (a.retention.review_from, &a.la_child_id).cmp(&(b.retention.review_from, &b.la_child_id)));
        self.audit(Event::new(
            Action::ViewRetention.code(),
            Outcome::Allowed,
            format!("Listed the {} records due for review by {by}", due.len()),
        ))
        .await?;
        Ok(due)
    }

    /// Sets the council's retention periods.
    pub async fn set_retention_policy(&self, policy: &RetentionPolicy, reason: &str) -> Result<(), AppError> {
        self.decide(Action::ManageOrganisation, Resource::Council, None).await?;
        let json = serde_json::to_string(policy)
            .map_err(|e| AppError::Settings { key: RETENTION_SETTING, detail: e.to_string() })?;
        let mut tx = self.app().store().begin().await?;
        tx.put_setting(RETENTION_SETTING, &json).await?;
        self.audit_in(
            &mut tx,
            Event::new(
                Action::ManageOrganisation.code(),
                Outcome::Allowed,
                format!("Set the retention periods to {json}"),
            )
            .subject("retention periods")
            .reason(Some(reason.trim().to_string()).filter(|r| !r.is_empty())),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use careful_domain::codes::*;
    use careful_domain::identifiers::LaChildId;
    use careful_domain::record::{ChildEvent, Entry, PersonalDetails, Placement, fold};
    use careful_domain::{CarerId, EventId, RecordedAt, RecordedBy, Sequence, SystemProcess};

    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// A record from (date, event) pairs, registered on the first date.
    fn record(born: &str, events: Vec<(&str, ChildEvent)>) -> ChildRecord {
        let details = PersonalDetails {
            given_name: "Sky".into(),
            family_name: "Test".into(),
            date_of_birth: Some(d(born)),
            expected_date_of_birth: None,
            sex: Sex::Female,
            ethnicity: Ethnicity::WhiteBritish,
            upn: None,
            upn_unknown: Some(UpnUnknown::IncompleteInformation),
            nhs_number: None,
            disabilities: vec![],
        };
        let first = events.first().map_or("2019-01-07", |(day, _)| *day);
        let mut all =
            vec![(first, ChildEvent::ChildRegistered { la_child_id: "RT1".parse::<LaChildId>().unwrap(), details })];
        all.extend(events);
        let entries: Vec<Entry> = all
            .into_iter()
            .enumerate()
            .map(|(i, (day, event))| Entry {
                id: EventId::new(),
                sequence: Sequence::new(i as u64 + 1),
                effective_date: d(day),
                recorded_at: RecordedAt::new(chrono::Utc::now()),
                recorded_by: RecordedBy::System(SystemProcess::Import),
                reason: None,
                manager_override: None,
                event,
            })
            .collect();
        fold(&entries).unwrap()
    }

    fn looked_after(day: &str) -> (&str, ChildEvent) {
        (
            day,
            ChildEvent::BecameLookedAfter {
                legal_status: LegalStatus::Section20SinglePeriod,
                placement: Placement {
                    placement_type: PlacementType::FosterOtherOther,
                    provider: Some(PlacementProvider::OwnProvision),
                    postcode: None,
                    urn: None,
                    carer: CarerId::from_random_bytes([1; 16]),
                },
                category_of_need: Need::AbuseOrNeglect,
                home_postcode: None,
                previous_permanence: None,
            },
        )
    }

    fn referral(day: &str) -> (&str, ChildEvent) {
        (day, ChildEvent::ReferralReceived { source: ReferralSource::School, primary_need: Need::AbuseOrNeglect })
    }

    // Hand-worked: each expected date is the birth (or event) date with the years added.
    #[test]
    fn a_looked_after_childs_record_is_kept_until_the_75th_birthday() {
        let r = record("2010-05-04", vec![referral("2019-01-07"), looked_after("2019-01-08")]);
        let kept = retention(&r, &RetentionPolicy::default()).unwrap();
        assert_eq!((kept.kind, kept.review_from), (RecordKind::LookedAfter, d("2085-05-04")));
        assert!(kept.basis.contains("CPPCR 2010 reg 50"), "{}", kept.basis);
    }

    #[test]
    fn a_leap_day_birthday_falls_on_28_february() {
        let r = record("2012-02-29", vec![referral("2019-01-07"), looked_after("2019-01-08")]);
        assert_eq!(retention(&r, &RetentionPolicy::default()).unwrap().review_from, d("2087-02-28"));
        // 2012 + 76 = 2088 is a leap year: 29 February itself.
        let policy = RetentionPolicy { looked_after_until_age: 76, ..RetentionPolicy::default() };
        assert_eq!(retention(&r, &policy).unwrap().review_from, d("2088-02-29"));
    }

    #[test]
    fn a_child_who_died_young_is_kept_15_years_after_death() {
        let r = record(
            "2010-05-04",
            vec![referral("2019-01-07"), looked_after("2019-01-08"), ("2020-06-01", ChildEvent::ChildDied {})],
        );
        let kept = retention(&r, &RetentionPolicy::default()).unwrap();
        assert_eq!((kept.kind, kept.review_from), (RecordKind::LookedAfter, d("2035-06-01")));
    }

    #[test]
    fn child_in_need_and_contact_only_records_follow_the_council_settings() {
        let r = record("2016-09-30", vec![referral("2019-01-07")]);
        let kept = retention(&r, &RetentionPolicy::default()).unwrap();
        assert_eq!((kept.kind, kept.review_from), (RecordKind::ChildInNeed, d("2041-09-30")));
        let contact =
            record("2016-09-30", vec![("2020-01-10", ChildEvent::ContactReceived { source: ReferralSource::School })]);
        let kept = retention(&contact, &RetentionPolicy::default()).unwrap();
        assert_eq!((kept.kind, kept.review_from), (RecordKind::ContactOnly, d("2026-01-10")));
        let longer = RetentionPolicy { contact_only_years: 10, ..RetentionPolicy::default() };
        assert_eq!(retention(&contact, &longer).unwrap().review_from, d("2030-01-10"));
    }
}
