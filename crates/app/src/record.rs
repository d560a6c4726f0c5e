//! Recording events in a child's record: every new event is checked against the child's whole
//! history (the fold) before it is appended, so an impossible record can never be written.

use careful_domain::record::{ChildEvent, ChildRecord, Entry, fold};
use careful_domain::{ChildId, EventId, NewEvent, Reason, RecordedAt, RecordedBy, Sequence};
use chrono::NaiveDate;

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
}

fn entries(events: &[careful_domain::RecordedEvent]) -> Result<Vec<Entry>, AppError> {
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

    /// Records `proposed` in the child's record, provided the record still ends at `expected`
    /// and the events make sense after everything already recorded. Returns the new sequence.
    pub async fn record(
        &self,
        child: ChildId,
        expected: Sequence,
        proposed: Vec<Proposed>,
    ) -> Result<Sequence, AppError> {
        let existing = self.store().read_stream(child).await?;
        let mut all = entries(&existing)?;
        let now = RecordedAt::new(self.now());
        let mut envelopes: Vec<NewEvent> = Vec::with_capacity(proposed.len());
        for (i, p) in proposed.into_iter().enumerate() {
            let id = EventId::new();
            all.push(Entry {
                id,
                sequence: expected.advanced_by(i + 1),
                effective_date: p.effective_date,
                recorded_at: now,
                recorded_by: p.recorded_by,
                reason: p.reason.clone(),
                event: p.event.clone(),
            });
            envelopes.push(p.event.into_envelope(id, p.effective_date, now, p.recorded_by, p.reason)?);
        }
        fold(&all)?;
        Ok(self.store().append(child, expected, &envelopes).await?.sequence)
    }
}
