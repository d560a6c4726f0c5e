//! A child's chronology as people read it: every entry in force with who recorded it, when and
//! why, each correction beside what it corrected, and entries withdrawn as entered in error.

use chrono::{DateTime, NaiveDate, Utc};

use careful_domain::record::{ChildEvent, ChildRecord, Entry};
use careful_domain::{ChildId, EventId, RecordedBy, Sequence, SystemProcess};

use crate::access::Action;
use crate::{AppError, UserHandle};

/// One line of a child's chronology.
#[derive(Debug, Clone, PartialEq)]
pub struct ChronologyEntry {
    /// The entry's ID (a correction's, for a corrected entry): what a further correction
    /// corrects.
    pub event: EventId,
    pub date: NaiveDate,
    /// The event kind, as stored (`visit_made`).
    pub kind: String,
    pub title: &'static str,
    pub detail: String,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    /// Why, as the person recording said.
    pub reason: Option<String>,
    /// A manager who accepted the guardrails' breaches to record it, and which.
    pub manager_override: Option<String>,
    /// What this entry put right, when it is a correction.
    pub corrected: Option<Superseded>,
    /// Withdrawn as entered in error (shown struck through, with the withdrawal's reason).
    pub withdrawn: Option<Superseded>,
    /// Its position in the record (recording order).
    pub sequence: Sequence,
}

/// An entry as it was before a correction or withdrawal.
#[derive(Debug, Clone, PartialEq)]
pub struct Superseded {
    pub date: NaiveDate,
    pub title: &'static str,
    pub detail: String,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    /// For a withdrawal: who withdrew it, when and why.
    pub by: Option<(String, DateTime<Utc>, Option<String>)>,
}

/// A child's chronology, opened by someone allowed to read it.
#[derive(Debug, Clone)]
pub struct Chronology {
    pub child: ChildId,
    pub la_child_id: String,
    pub name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub status: String,
    pub entries: Vec<ChronologyEntry>,
    pub sequence: Sequence,
    /// Whether the principal may record (and so correct) in the record.
    pub may_record: bool,
}

pub(crate) fn recorder(by: RecordedBy, names: &crate::handle::Names) -> String {
    match by {
        RecordedBy::Worker(w) => names.worker(w),
        RecordedBy::System(SystemProcess::Import) => "careful, importing the council's returns".into(),
        RecordedBy::System(SystemProcess::Generator) => "careful's synthetic council generator".into(),
        RecordedBy::System(SystemProcess::DemoSeed) => "careful's demonstration".into(),
    }
}

/// The chronology lines of a record: the timeline in force, with what each correction
/// replaced, and the entries withdrawn.
pub(crate) fn entries_of(record: &ChildRecord, all: &[Entry], names: &crate::handle::Names) -> Vec<ChronologyEntry> {
    let find = |id: EventId| all.iter().find(|e| e.id == id);
    // What each entry stood as before it was replaced: follow corrections back from the one in
    // force to the entry it replaced (itself perhaps a correction's replacement).
    let as_it_stood = |id: EventId| -> Option<(NaiveDate, &ChildEvent, &Entry)> {
        let e = find(id)?;
        match &e.event {
            ChildEvent::EventCorrected { replacement: Some(r), replacement_date, corrects } => {
                let date = replacement_date.or_else(|| find(*corrects).map(|o| o.effective_date))?;
                Some((date, r.as_ref(), e))
            }
            ChildEvent::EventCorrected { replacement: None, .. } => None,
            other => Some((e.effective_date, other, e)),
        }
    };
    let superseded = |id: EventId| -> Option<Superseded> {
        let (date, event, entry) = as_it_stood(id)?;
        Some(Superseded {
            date,
            title: event.title(),
            detail: event.summary(),
            recorded_at: entry.recorded_at.get(),
            recorded_by: recorder(entry.recorded_by, names),
            by: None,
        })
    };
    let mut out: Vec<ChronologyEntry> = record
        .chronology()
        .into_iter()
        .zip(&record.timeline)
        .map(|(line, entry)| ChronologyEntry {
            event: line.event,
            date: line.date,
            kind: entry.event.kind().to_string(),
            title: line.title,
            detail: line.detail,
            recorded_at: line.recorded_at.get(),
            recorded_by: recorder(line.recorded_by, names),
            reason: line.reason.map(|r| r.as_str().to_string()),
            manager_override: line.manager_override.map(|o| {
                format!("{} accepted the guardrails' findings: {}", names.worker(o.manager), o.breaches.join(", "))
            }),
            corrected: line.corrects.and_then(superseded),
            withdrawn: None,
            sequence: entry.sequence,
        })
        .collect();
    for c in record.corrections.iter().filter(|c| c.withdrawn) {
        let Some(mut was) = superseded(c.corrected) else { continue };
        let Some(by) = find(c.by) else { continue };
        was.by = Some((
            recorder(by.recorded_by, names),
            by.recorded_at.get(),
            c.reason.as_ref().map(|r| r.as_str().to_string()),
        ));
        let kind = as_it_stood(c.corrected).map(|(_, e, _)| e.kind().to_string()).unwrap_or_default();
        out.push(ChronologyEntry {
            event: c.corrected,
            date: was.date,
            kind,
            title: was.title,
            detail: was.detail.clone(),
            recorded_at: was.recorded_at,
            recorded_by: was.recorded_by.clone(),
            reason: None,
            manager_override: None,
            corrected: None,
            withdrawn: Some(was),
            sequence: by.sequence,
        });
    }
    out.sort_by_key(|e| (e.date, e.sequence));
    out
}

impl UserHandle {
    /// A child's chronology: one audited read of the record.
    pub async fn chronology(&self, child: ChildId) -> Result<Chronology, AppError> {
        let opened = self.open_child(child, Action::ViewChild, "Read the chronology").await?;
        // Only the workers the chronology names (who recorded each entry, and managers who
        // accepted guardrails' findings), not every worker of the council.
        let mut named = Vec::new();
        for entry in &opened.entries {
            if let RecordedBy::Worker(w) = entry.recorded_by {
                named.push(w);
            }
            if let Some(o) = &entry.manager_override {
                named.push(o.manager);
            }
        }
        let names = self.app().names_of(named).await?;
        let today = self.app().today();
        let may_record = self.may_on(&opened, Action::RecordForChild);
        let record = &opened.record;
        Ok(Chronology {
            child,
            la_child_id: record.la_child_id.to_string(),
            name: format!("{} {}", record.details.given_name, record.details.family_name),
            date_of_birth: record.date_of_birth(),
            status: record.status(today).headline().to_string(),
            entries: entries_of(record, &opened.entries, &names),
            sequence: opened.sequence,
            may_record,
        })
    }
}
