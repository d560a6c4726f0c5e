//! The one way events enter a child's record.
//!
//! [`check`] folds the record with the new events (so an impossible record is refused, naming
//! the field), applies the guardrails where they apply, and computes the child's projection
//! rows; the result, a [`Checked`], can only be made here. [`commit`] is the only caller of the
//! store's append: it appends the checked events and writes the projections (the children list,
//! duties and the search index) in the caller's transaction. Recording by a signed-in worker,
//! importing a council's returns and generating a synthetic council all go through these two
//! functions.
//!
//! `check` is pure (no database), so a synthetic council's children are checked on every core
//! while one writer commits them.

use chrono::NaiveDate;

use careful_domain::record::{ChildEvent, ChildRecord, Entry, fold};
use careful_domain::{
    ChildId, EventId, NewEvent, Override, Reason, RecordedAt, RecordedBy, Sequence, WorkerId, WorkingDayCalendar,
};
use careful_duties::{Breach, Policy};
use careful_store::{ChildRow, DutyRow, SearchEntry, Transaction};

use crate::AppError;
use crate::duties::{last_date, projection};

/// One new event for a child's record.
#[derive(Debug, Clone)]
pub(crate) struct NewEntry {
    pub id: EventId,
    pub event: ChildEvent,
    pub effective_date: NaiveDate,
    pub recorded_at: RecordedAt,
    pub recorded_by: RecordedBy,
    pub reason: Option<Reason>,
}

/// Whether the guardrails apply to the new events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Guardrails {
    /// A worker recording now: breaches the law forbids are refused; those it makes
    /// conditional need a manager's acceptance. `manager` is the recording principal's worker
    /// when they are a manager in post who chose to accept the breaches (with a reason).
    Apply { manager: Option<WorkerId> },
    /// History as it happened elsewhere (an import) or in a simulation (a synthetic council):
    /// the fold still refuses an impossible record, but what was done cannot be refused now.
    History,
}

/// Events to add to one child's record.
pub(crate) struct Addition {
    pub child: ChildId,
    /// The sequence the record was read at ([`Sequence::EMPTY`] for a new record).
    pub expected: Sequence,
    /// The record as read.
    pub existing: Vec<Entry>,
    pub new: Vec<NewEntry>,
    pub guardrails: Guardrails,
}

/// Events that have been checked against the record and the guardrails, with the projection
/// rows they give. Only [`check`] makes one.
pub(crate) struct Checked {
    child: ChildId,
    expected: Sequence,
    envelopes: Vec<NewEvent>,
    row: ChildRow,
    duties: Vec<DutyRow>,
    /// The child's entries in the search index.
    search: Vec<SearchEntry>,
    record: ChildRecord,
}

impl Checked {
    pub(crate) fn record(&self) -> &ChildRecord {
        &self.record
    }

    pub(crate) fn events(&self) -> usize {
        self.envelopes.len()
    }
}

/// Folds the record with the new events one by one, applying the guardrails to each, and
/// computes the projection as of `today` (or the record's last day, if later).
pub(crate) fn check(addition: Addition, policy: &Policy, today: NaiveDate) -> Result<Checked, AppError> {
    let Addition { child, expected, existing, new, guardrails } = addition;
    let calendar = WorkingDayCalendar::england_and_wales();
    let mut all = existing;
    let mut record = if all.is_empty() { None } else { Some(fold(&all)?) };
    let mut envelopes = Vec::with_capacity(new.len());
    let apply = matches!(guardrails, Guardrails::Apply { .. });
    for (i, e) in new.into_iter().enumerate() {
        let manager_override = match (guardrails, &record) {
            (Guardrails::Apply { manager }, Some(r)) => {
                let breaches = careful_duties::check(r, e.effective_date, &e.event, calendar, policy);
                accept(&breaches, manager, e.reason.as_ref())?
            }
            (Guardrails::Apply { manager: Some(_) }, None) => {
                return Err(AppError::Override("nothing needs overriding: record the event without one".into()));
            }
            _ => None,
        };
        all.push(Entry {
            id: e.id,
            sequence: expected.advanced_by(i + 1),
            effective_date: e.effective_date,
            recorded_at: e.recorded_at,
            recorded_by: e.recorded_by,
            reason: e.reason.clone(),
            manager_override: manager_override.clone(),
            event: e.event.clone(),
        });
        let mut envelope = e.event.into_envelope(e.id, e.effective_date, e.recorded_at, e.recorded_by, e.reason)?;
        envelope.manager_override = manager_override;
        envelopes.push(envelope);
        // The next event's guardrails see the record with this one.
        if apply {
            record = Some(fold(&all)?);
        }
    }
    if envelopes.is_empty() {
        return Err(AppError::invalid("event", "there is nothing to record"));
    }
    let record = match record {
        Some(r) if apply => r,
        _ => fold(&all)?,
    };
    let as_of = today.max(last_date(&record));
    let (row, duties) = projection(child, &record, policy, as_of);
    let search = crate::search::index_entries(&record);
    Ok(Checked { child, expected, envelopes, row, duties, search, record })
}

/// Decides what the guardrails' breaches allow: refused outright, or accepted only by a manager
/// in post, with a reason; returns the override for the event's envelope.
fn accept(
    breaches: &[Breach],
    manager: Option<WorkerId>,
    reason: Option<&Reason>,
) -> Result<Option<Override>, AppError> {
    let refused: Vec<_> = breaches.iter().filter(|b| !b.overridable).cloned().collect();
    if !refused.is_empty() {
        return Err(AppError::Refused { breaches: refused });
    }
    if breaches.is_empty() {
        return match manager {
            Some(_) => Err(AppError::Override("nothing needs overriding: record the event without one".into())),
            None => Ok(None),
        };
    }
    let Some(manager) = manager else {
        return Err(AppError::NeedsOverride { breaches: breaches.to_vec() });
    };
    if reason.is_none() {
        return Err(AppError::Override("give the reason the manager accepted it".into()));
    }
    Ok(Some(Override::new(manager, breaches.iter().map(|b| b.code.to_string()).collect())?))
}

/// Appends checked events and writes their projections, in `tx`. New records (expected at
/// [`Sequence::EMPTY`]) are written in bulk. Returns each child's new sequence, in order.
pub(crate) async fn commit(tx: &mut Transaction, checked: Vec<Checked>) -> Result<Vec<Sequence>, AppError> {
    let mut sequences = Vec::with_capacity(checked.len());
    let (new, existing): (Vec<&Checked>, Vec<&Checked>) =
        checked.iter().partition(|c| c.expected == Sequence::EMPTY && checked.len() > 1);
    if !new.is_empty() {
        for chunk in new.chunks(2_000) {
            let records: Vec<(ChildId, &[NewEvent])> =
                chunk.iter().map(|c| (c.child, c.envelopes.as_slice())).collect();
            tx.create_records(&records).await?;
        }
        let projections: Vec<(ChildRow, Vec<DutyRow>)> =
            new.iter().map(|c| (c.row.clone(), c.duties.clone())).collect();
        tx.insert_projections(&projections).await?;
        let entries: Vec<(ChildId, &[SearchEntry])> = new.iter().map(|c| (c.child, c.search.as_slice())).collect();
        tx.insert_search_entries(&entries).await?;
    }
    for c in existing {
        tx.append(c.child, c.expected, &c.envelopes).await?;
        tx.replace_projection(&c.row, &c.duties).await?;
        tx.replace_search_entries(c.child, &c.search).await?;
    }
    for c in &checked {
        sequences.push(c.expected.advanced_by(c.envelopes.len()));
    }
    Ok(sequences)
}

/// Recomputes a child's projection from their whole record (after the council's standards
/// change, or when this careful computes projections differently from the one that wrote them).
pub(crate) async fn reproject(
    tx: &mut Transaction,
    child: ChildId,
    policy: &Policy,
    today: NaiveDate,
) -> Result<(), AppError> {
    let events = tx.read_stream(child).await?;
    let entries = crate::record::entries(&events)?;
    let record = fold(&entries)?;
    let as_of = today.max(last_date(&record));
    let (row, duties) = projection(child, &record, policy, as_of);
    tx.replace_projection(&row, &duties).await?;
    tx.replace_search_entries(child, &crate::search::index_entries(&record)).await?;
    Ok(())
}
