//! Subject access requests (UK GDPR article 15): everything careful holds about a child, as a
//! bundle a person can read: their details, the whole chronology (every entry, corrections
//! beside what they correct, with who recorded it, when and why), the events as stored, the
//! documents held, data-quality flags, restrictions and grants, and every access to the record
//! from the audit log. Producing one is itself audited.

use chrono::{DateTime, NaiveDate, Utc};

use careful_domain::ChildId;
use careful_domain::record::ChronologyLine;

use crate::access::Action;
use crate::audit::{Event, Outcome};
use crate::views::{AccessLogLine, DataQualityFlag};
use crate::{AppError, UserHandle};

/// One event as stored in the record.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub sequence: u64,
    pub kind: String,
    pub effective_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub reason: Option<String>,
    pub payload: serde_json::Map<String, serde_json::Value>,
}

/// Everything careful holds about a child.
#[derive(Debug, Clone)]
pub struct SubjectAccessBundle {
    pub child: ChildId,
    pub la_child_id: String,
    pub name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub generated_at: DateTime<Utc>,
    pub generated_by: String,
    pub chronology: Vec<ChronologyLine>,
    pub events: Vec<StoredEvent>,
    /// Documents held about the child (careful does not yet hold documents).
    pub documents: Vec<String>,
    pub flags: Vec<DataQualityFlag>,
    /// The restriction on the record, in words, if any.
    pub restriction: Option<String>,
    /// Every entry in the audit log about the child, oldest first.
    pub access_log: Vec<AccessLogLine>,
}

impl UserHandle {
    /// Gathers everything careful holds about a child (managers and administrators with access
    /// to the record).
    pub async fn subject_access(&self, child: ChildId) -> Result<SubjectAccessBundle, AppError> {
        let opened = self
            .open_child(
                child,
                Action::SubjectAccess,
                "Exported everything held about the child (a subject access request)",
            )
            .await?;
        let store = self.app().store();
        let events = store.read_stream(child).await?;
        let mut access_log = Vec::new();
        let mut before = None;
        loop {
            let page = store
                .audit_entries(&careful_store::AuditFilter {
                    child: Some(child),
                    before,
                    limit: 1000,
                    ..Default::default()
                })
                .await?;
            let Some(last) = page.last() else { break };
            before = Some(last.seq);
            access_log.extend(page.into_iter().map(|r| AccessLogLine {
                at: r.at,
                who: r.actor,
                what: r.detail,
                outcome: r.outcome,
                reason: r.reason,
                from: r.ip,
            }));
        }
        access_log.reverse();
        let flags = self.app().data_quality(child).await?;
        let restriction = opened.facts.restriction.as_ref().map(|r| {
            format!(
                "Restricted ({}) since {}: {}",
                crate::handle::restriction_category(&r.category),
                r.restricted_at.format("%-d %B %Y"),
                r.reason
            )
        });
        let record = &opened.record;
        let bundle = SubjectAccessBundle {
            child,
            la_child_id: record.la_child_id.to_string(),
            name: format!("{} {}", record.details.given_name, record.details.family_name),
            date_of_birth: record.date_of_birth(),
            generated_at: self.app().now(),
            generated_by: format!("{} ({})", self.principal().display_name(), self.principal().username()),
            chronology: record.chronology(),
            events: events
                .into_iter()
                .map(|e| StoredEvent {
                    sequence: e.sequence.get(),
                    kind: e.event.kind.as_str().to_string(),
                    effective_date: e.event.effective_date,
                    recorded_at: e.event.recorded_at.get(),
                    recorded_by: e.event.recorded_by.to_string(),
                    reason: e.event.reason.map(|r| r.as_str().to_string()),
                    payload: e.event.payload.as_map().clone(),
                })
                .collect(),
            documents: Vec::new(),
            flags,
            restriction,
            access_log,
        };
        Ok(bundle)
    }

    /// Records that a subject access bundle was written somewhere (the files it went to).
    pub async fn subject_access_written(&self, child: ChildId, to: &str) -> Result<(), AppError> {
        self.audit(
            Event::new(
                Action::SubjectAccess.code(),
                Outcome::Allowed,
                format!("Wrote the subject access bundle to {to}"),
            )
            .child(child),
        )
        .await
    }
}
