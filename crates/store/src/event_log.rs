//! The append-only event log.
//!
//! Appending names the sequence number the writer last saw. The child's row in `streams` is
//! compared and set first, in the same transaction as the inserts: if another writer got there
//! first the compare fails, nothing is written, and the writer is told the current sequence.
//! Both engines refuse UPDATE and DELETE on `events` with a trigger, so a correction can only
//! ever be a new event.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;
use sqlx::types::Json;
use uuid::Uuid;

use careful_domain::event::Payload;
use careful_domain::{
    ChildId, EventId, EventKind, NewEvent, Override, Reason, RecordedAt, RecordedBy, RecordedEvent, Sequence,
};

use crate::{Db, Store, StoreError, Transaction, on_db, on_pool, on_tx};

/// Rows per INSERT statement: 10 parameters each keeps well under both engines' limits.
const ROWS_PER_INSERT: usize = 500;

/// A place in the whole log: events are numbered in the order they were appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogPosition(i64);

impl LogPosition {
    /// Before the first event.
    pub const START: LogPosition = LogPosition(0);

    pub fn get(self) -> i64 {
        self.0
    }
}

/// What an append did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendOutcome {
    /// The child's sequence after the append: the sequence to expect next time.
    pub sequence: Sequence,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    position: i64,
    id: Uuid,
    child_id: Uuid,
    sequence: i64,
    kind: String,
    payload: Json<serde_json::Map<String, serde_json::Value>>,
    effective_date: NaiveDate,
    recorded_at: DateTime<Utc>,
    recorded_by: String,
    reason: Option<String>,
    manager_override: Option<Json<Override>>,
}

impl EventRow {
    fn into_event(self) -> Result<RecordedEvent, StoreError> {
        let corrupt = |detail: String| StoreError::Corrupt {
            position: self.position,
            child: self.child_id.to_string(),
            sequence: self.sequence,
            detail,
        };
        let kind = EventKind::parse(self.kind.clone()).map_err(|e| corrupt(e.to_string()))?;
        let recorded_by: RecordedBy =
            self.recorded_by.parse().map_err(|e: careful_domain::EnvelopeError| corrupt(e.to_string()))?;
        let reason = self.reason.clone().map(Reason::parse).transpose().map_err(|e| corrupt(e.to_string()))?;
        let payload = Payload::new(self.payload.0.clone()).map_err(|e| corrupt(e.to_string()))?;
        let sequence = u64::try_from(self.sequence).map_err(|_| corrupt("negative sequence".into()))?;
        Ok(RecordedEvent {
            child: ChildId::from_uuid(self.child_id),
            sequence: Sequence::new(sequence),
            event: NewEvent {
                id: EventId::from_uuid(self.id),
                kind,
                payload,
                effective_date: self.effective_date,
                recorded_at: RecordedAt::new(self.recorded_at),
                recorded_by,
                reason,
                manager_override: self.manager_override.map(|o| o.0),
            },
        })
    }
}

impl Store {
    /// The child's whole record, in order. A child with no events has an empty record.
    pub async fn read_stream(&self, child: ChildId) -> Result<Vec<RecordedEvent>, StoreError> {
        read_stream(Db::Pool(self), child).await
    }

    /// The whole records of several children at once (for reading every child in batches,
    /// as a return does): each child's events in order, children in the order given, a child
    /// with no events left out.
    pub async fn read_streams(&self, children: &[ChildId]) -> Result<Vec<Vec<RecordedEvent>>, StoreError> {
        if children.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<EventRow> = on_pool!(self, |pool| {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT position, id, child_id, sequence, kind, payload, effective_date, recorded_at, \
                 recorded_by, reason, manager_override FROM events WHERE child_id IN (",
            );
            let mut list = query.separated(", ");
            for child in children {
                list.push_bind(*child.as_uuid());
            }
            query.push(") ORDER BY child_id, sequence");
            query.build_query_as::<EventRow>().fetch_all(pool).await
        })?;
        let mut by_child: std::collections::HashMap<ChildId, Vec<RecordedEvent>> = std::collections::HashMap::new();
        for row in rows {
            let event = row.into_event()?;
            by_child.entry(event.child).or_default().push(event);
        }
        let mut out = Vec::with_capacity(by_child.len());
        for child in children {
            let Some(events) = by_child.remove(child) else { continue };
            gapless(*child, &events)?;
            out.push(events);
        }
        Ok(out)
    }

    /// The sequence of the child's latest event ([`Sequence::EMPTY`] if none).
    pub async fn current_sequence(&self, child: ChildId) -> Result<Sequence, StoreError> {
        let value: Option<i64> = on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT last_sequence FROM streams WHERE child_id = $1")
                .bind(*child.as_uuid())
                .fetch_optional(pool)
                .await
        })?;
        Ok(Sequence::new(value.unwrap_or(0) as u64))
    }

    /// Events from the whole log in the order they were appended, after `after` (the position
    /// of the last event already seen; [`LogPosition::START`] for the beginning), at most `limit`
    /// at a time. For rebuilding projections.
    ///
    /// Positions are assigned as events are inserted. On PostgreSQL two appends in flight at once
    /// may commit out of position order, so a reader following the log while it is being written
    /// must allow for a late, lower position; a read of a log nobody is writing is exact.
    pub async fn read_log(
        &self,
        after: LogPosition,
        limit: u32,
    ) -> Result<Vec<(LogPosition, RecordedEvent)>, StoreError> {
        let rows: Vec<EventRow> = on_pool!(self, |pool| {
            sqlx::query_as::<_, EventRow>(
                "SELECT position, id, child_id, sequence, kind, payload, effective_date, recorded_at, \
                 recorded_by, reason, manager_override FROM events WHERE position > $1 ORDER BY position LIMIT $2",
            )
            .bind(after.0)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
        })?;
        rows.into_iter()
            .map(|row| {
                let position = LogPosition(row.position);
                row.into_event().map(|event| (position, event))
            })
            .collect()
    }

    /// Every child with a record, in the order their records began.
    pub async fn child_ids(&self) -> Result<Vec<ChildId>, StoreError> {
        let ids: Vec<Uuid> = on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT child_id FROM events WHERE sequence = 1 ORDER BY position").fetch_all(pool).await
        })?;
        Ok(ids.into_iter().map(ChildId::from_uuid).collect())
    }
}

async fn read_stream(db: Db<'_>, child: ChildId) -> Result<Vec<RecordedEvent>, StoreError> {
    let mut db = db;
    let rows: Vec<EventRow> = on_db!(&mut db, |exec| {
        sqlx::query_as::<_, EventRow>(
            "SELECT position, id, child_id, sequence, kind, payload, effective_date, recorded_at, \
             recorded_by, reason, manager_override FROM events WHERE child_id = $1 ORDER BY sequence",
        )
        .bind(*child.as_uuid())
        .fetch_all(exec)
        .await
    })?;
    let events = rows.into_iter().map(EventRow::into_event).collect::<Result<Vec<_>, _>>()?;
    gapless(child, &events)?;
    Ok(events)
}

/// Checks a child's events run 1, 2, 3... with no gap.
fn gapless(child: ChildId, events: &[RecordedEvent]) -> Result<(), StoreError> {
    for (index, event) in events.iter().enumerate() {
        if event.sequence.get() != index as u64 + 1 {
            return Err(StoreError::Corrupt {
                position: -1,
                child: child.to_string(),
                sequence: event.sequence.get() as i64,
                detail: format!("expected event {} at this point; the record has a gap", index + 1),
            });
        }
    }
    Ok(())
}

impl Transaction {
    /// As [`Store::read_stream`], inside this transaction.
    pub async fn read_stream(&mut self, child: ChildId) -> Result<Vec<RecordedEvent>, StoreError> {
        read_stream(Db::Tx(self), child).await
    }

    /// Appends `events` to the child's record, provided the record still ends at `expected`.
    /// Returns the new sequence. On a stale `expected` nothing is written and the error names
    /// the current sequence; the transaction must then be rolled back.
    ///
    /// Only `careful-app`'s one write path calls this, after folding the record with the new
    /// events, applying the guardrails and computing the projection it writes alongside.
    pub async fn append(
        &mut self,
        child: ChildId,
        expected: Sequence,
        events: &[NewEvent],
    ) -> Result<AppendOutcome, StoreError> {
        let child_uuid = *child.as_uuid();
        let new_last = expected.advanced_by(events.len());
        if events.is_empty() {
            let current = self.current_sequence(child).await?;
            if current != expected {
                return Err(StoreError::Conflict { child, expected, current });
            }
            return Ok(AppendOutcome { sequence: current });
        }
        let to_i64 = |s: Sequence| i64::try_from(s.get()).unwrap_or(i64::MAX);

        // Compare and set the child's stream row: the first statement is a write, so the row (or
        // SQLite's write lock) is held from here to commit.
        let claimed: u64 = if expected == Sequence::EMPTY {
            on_tx!(self, |conn| sqlx::query(
                "INSERT INTO streams (child_id, last_sequence) VALUES ($1, $2) ON CONFLICT (child_id) DO NOTHING"
            )
            .bind(child_uuid)
            .bind(to_i64(new_last))
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected()))?
        } else {
            on_tx!(self, |conn| sqlx::query(
                "UPDATE streams SET last_sequence = $1 WHERE child_id = $2 AND last_sequence = $3"
            )
            .bind(to_i64(new_last))
            .bind(child_uuid)
            .bind(to_i64(expected))
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected()))?
        };
        if claimed != 1 {
            let current = self.current_sequence(child).await?;
            return Err(StoreError::Conflict { child, expected, current });
        }

        for (chunk_index, chunk) in events.chunks(ROWS_PER_INSERT).enumerate() {
            let first = expected.get() + (chunk_index * ROWS_PER_INSERT) as u64 + 1;
            let result = on_tx!(self, |conn| {
                let mut insert = QueryBuilder::new(
                    "INSERT INTO events (id, child_id, sequence, kind, payload, effective_date, recorded_at, recorded_by, reason, manager_override) ",
                );
                insert.push_values(chunk.iter().enumerate(), |mut row, (i, event)| {
                    row.push_bind(*event.id.as_uuid())
                        .push_bind(child_uuid)
                        .push_bind(to_i64(Sequence::new(first + i as u64)))
                        .push_bind(event.kind.as_str().to_string())
                        .push_bind(Json(event.payload.as_map().clone()))
                        .push_bind(event.effective_date)
                        .push_bind(event.recorded_at.get())
                        .push_bind(event.recorded_by.to_string())
                        .push_bind(event.reason.as_ref().map(|r| r.as_str().to_string()))
                        .push_bind(event.manager_override.clone().map(Json));
                });
                insert.build().execute(&mut *conn).await.map(|_| ())
            });
            if let Err(error) = result {
                return Err(match &error {
                    sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::DuplicateEvent { child },
                    _ => StoreError::Database(error),
                });
            }
        }
        Ok(AppendOutcome { sequence: new_last })
    }

    /// Starts the records of many new children at once (a synthetic council, an import): each
    /// child's events become their whole record, numbered from 1. Rows are inserted in fixed-size
    /// statements across children, so a large load is a few prepared statements run many times.
    /// A child who already has a record makes the whole call fail with a conflict, and the
    /// transaction must then be rolled back.
    pub async fn create_records(&mut self, records: &[(ChildId, &[NewEvent])]) -> Result<(), StoreError> {
        let to_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let streams: Vec<(ChildId, u64)> =
            records.iter().filter(|(_, e)| !e.is_empty()).map(|(c, e)| (*c, e.len() as u64)).collect();
        for chunk in streams.chunks(ROWS_PER_INSERT) {
            let result = on_tx!(self, |conn| {
                let mut insert = QueryBuilder::new("INSERT INTO streams (child_id, last_sequence) ");
                insert.push_values(chunk.iter(), |mut row, (child, last)| {
                    row.push_bind(*child.as_uuid()).push_bind(to_i64(*last));
                });
                insert.build().execute(&mut *conn).await.map(|_| ())
            });
            if let Err(error) = result {
                return Err(match &error {
                    sqlx::Error::Database(db) if db.is_unique_violation() => {
                        let child = chunk[0].0;
                        StoreError::Conflict { child, expected: Sequence::EMPTY, current: Sequence::new(1) }
                    }
                    _ => StoreError::Database(error),
                });
            }
        }
        let rows: Vec<(ChildId, u64, &NewEvent)> = records
            .iter()
            .flat_map(|(child, events)| events.iter().enumerate().map(move |(i, e)| (*child, i as u64 + 1, e)))
            .collect();
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let result = on_tx!(self, |conn| {
                let mut insert = QueryBuilder::new(
                    "INSERT INTO events (id, child_id, sequence, kind, payload, effective_date, recorded_at, recorded_by, reason, manager_override) ",
                );
                insert.push_values(chunk.iter(), |mut row, (child, sequence, event)| {
                    row.push_bind(*event.id.as_uuid())
                        .push_bind(*child.as_uuid())
                        .push_bind(to_i64(*sequence))
                        .push_bind(event.kind.as_str().to_string())
                        .push_bind(Json(event.payload.as_map().clone()))
                        .push_bind(event.effective_date)
                        .push_bind(event.recorded_at.get())
                        .push_bind(event.recorded_by.to_string())
                        .push_bind(event.reason.as_ref().map(|r| r.as_str().to_string()))
                        .push_bind(event.manager_override.clone().map(Json));
                });
                insert.build().execute(&mut *conn).await.map(|_| ())
            });
            if let Err(error) = result {
                return Err(match &error {
                    sqlx::Error::Database(db) if db.is_unique_violation() => {
                        StoreError::DuplicateEvent { child: chunk[0].0 }
                    }
                    _ => StoreError::Database(error),
                });
            }
        }
        Ok(())
    }

    /// The sequence of the child's latest event, as this transaction sees it.
    pub async fn current_sequence(&mut self, child: ChildId) -> Result<Sequence, StoreError> {
        let value: Option<i64> =
            on_tx!(self, |conn| sqlx::query_scalar("SELECT last_sequence FROM streams WHERE child_id = $1")
                .bind(*child.as_uuid())
                .fetch_optional(&mut *conn)
                .await)?;
        Ok(Sequence::new(value.unwrap_or(0) as u64))
    }
}
