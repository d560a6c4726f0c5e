//! Recording events in a child's record: every new event is checked against the child's whole
//! history (the fold) and the law's guardrails before it is appended, so an impossible record
//! can never be written and a forbidden one only with a named manager's override; the child's
//! duties are brought up to date in the same transaction.

use careful_domain::organisation::WorkerRole;
use careful_domain::record::{ChildEvent, ChildRecord, Entry, fold};
use careful_domain::{
    ChildId, EventId, NewEvent, Override, Reason, RecordedAt, RecordedBy, Sequence, WorkerId, WorkingDayCalendar,
};
use chrono::NaiveDate;

use crate::duties::{last_date, projection, standards};
use crate::{App, AppError};

/// A child's record as read from the store: the folded state and the sequence to expect when
/// adding to it.
pub struct LoadedRecord {
    pub record: ChildRecord,
    pub sequence: Sequence,
}

/// An event a user wants to record.
pub struct Proposed {
    pub event: ChildEvent,
    pub effective_date: NaiveDate,
    pub recorded_by: RecordedBy,
    pub reason: Option<Reason>,
    /// The team manager accepting any guardrail's breach; the reason says why.
    pub manager_override: Option<WorkerId>,
}

impl Proposed {
    pub fn new(event: ChildEvent, effective_date: NaiveDate, recorded_by: RecordedBy) -> Proposed {
        Proposed { event, effective_date, recorded_by, reason: None, manager_override: None }
    }
}

pub(crate) fn entries(events: &[careful_domain::RecordedEvent]) -> Result<Vec<Entry>, AppError> {
    events
        .iter()
        .map(|e| {
            Entry::from_recorded(e)
                .map_err(|err| AppError::Unreadable { child: e.child.to_string(), detail: err.to_string() })
        })
        .collect()
}

impl App {
    /// Reads and folds a child's record.
    pub async fn load_record(&self, child: ChildId) -> Result<Option<LoadedRecord>, AppError> {
        let events = self.store().read_stream(child).await?;
        let Some(last) = events.last() else { return Ok(None) };
        let sequence = last.sequence;
        let record = fold(&entries(&events)?)?;
        Ok(Some(LoadedRecord { record, sequence }))
    }

    /// Records `proposed` in the child's record, provided the record still ends at `expected`,
    /// the events make sense after everything already recorded, and the guardrails allow them
    /// (or a team manager overrides them, with a reason). The child's duties are recomputed in
    /// the same transaction. Returns the new sequence.
    pub async fn record(
        &self,
        child: ChildId,
        expected: Sequence,
        proposed: Vec<Proposed>,
    ) -> Result<Sequence, AppError> {
        let existing = self.store().read_stream(child).await?;
        let mut all = entries(&existing)?;
        let policy = standards(self.store()).await?;
        let calendar = WorkingDayCalendar::england_and_wales();
        let now = RecordedAt::new(self.now());
        let mut envelopes: Vec<NewEvent> = Vec::with_capacity(proposed.len());
        let mut record = if all.is_empty() { None } else { Some(fold(&all)?) };
        for (i, p) in proposed.into_iter().enumerate() {
            let breaches = match &record {
                Some(r) => careful_duties::check(r, p.effective_date, &p.event, calendar, &policy),
                None => Vec::new(),
            };
            let manager_override = self.accept(&breaches, &p).await?;
            let id = EventId::new();
            all.push(Entry {
                id,
                sequence: expected.advanced_by(i + 1),
                effective_date: p.effective_date,
                recorded_at: now,
                recorded_by: p.recorded_by,
                reason: p.reason.clone(),
                manager_override: manager_override.clone(),
                event: p.event.clone(),
            });
            record = Some(fold(&all)?);
            let mut envelope = p.event.into_envelope(id, p.effective_date, now, p.recorded_by, p.reason)?;
            envelope.manager_override = manager_override;
            envelopes.push(envelope);
        }
        let Some(record) = record else { return Ok(expected) };
        let as_of = self.today().max(last_date(&record));
        let (row, duties) = projection(child, &record, &policy, as_of);
        let mut tx = self.store().begin().await?;
        let outcome = tx.append(child, expected, &envelopes).await?;
        tx.replace_projection(&row, &duties).await?;
        tx.commit().await?;
        Ok(outcome.sequence)
    }

    /// Decides what the guardrails' breaches allow: refused outright, or accepted only on a team
    /// manager's override with a reason, which is returned for the event's envelope.
    async fn accept(&self, breaches: &[careful_duties::Breach], p: &Proposed) -> Result<Option<Override>, AppError> {
        let refused: Vec<_> = breaches.iter().filter(|b| !b.overridable).cloned().collect();
        if !refused.is_empty() {
            return Err(AppError::Refused { breaches: refused });
        }
        if breaches.is_empty() {
            return match p.manager_override {
                Some(_) => Err(AppError::Override("nothing needs overriding: record the event without one".into())),
                None => Ok(None),
            };
        }
        let Some(manager) = p.manager_override else {
            return Err(AppError::NeedsOverride { breaches: breaches.to_vec() });
        };
        if p.reason.is_none() {
            return Err(AppError::Override("give the reason the manager accepted it".into()));
        }
        match self.store().worker(manager).await? {
            Some(w) if w.role == WorkerRole::TeamManager && w.left.is_none_or(|left| left > p.effective_date) => {}
            Some(w) => {
                return Err(AppError::Override(format!(
                    "{} is not a team manager in post on that day; only a team manager may accept a breach",
                    w.name
                )));
            }
            None => return Err(AppError::Override(format!("there is no worker with ID {manager}"))),
        }
        Ok(Some(Override::new(manager, breaches.iter().map(|b| b.code.to_string()).collect())?))
    }
}
