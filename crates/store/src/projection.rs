//! Projections of the log: each child as lists show them, and every duty owed to each child.
//!
//! They are replaced for a child in the same transaction as each append to that child's record
//! ([`Transaction::replace_projection`]), so they can never disagree with the log, and the
//! worklists ("what is due or overdue for this worker, team, IRO or the whole council") are one
//! indexed query ([`Store::worklist`]). A duty's status is worked out from its dates at query
//! time, so the day changing needs no batch job. The store keeps what it is given: what a duty is
//! and when it is due is decided by `careful-duties`.

use chrono::{NaiveDate, NaiveDateTime};
use sqlx::QueryBuilder;
use uuid::Uuid;

use careful_domain::{ChildId, TeamId, WorkerId};

use crate::{Db, Store, StoreError, Transaction, on_db, on_pool, on_tx};

/// Rows per INSERT: 17 parameters each keeps well under both engines' limits.
const DUTIES_PER_INSERT: usize = 400;
/// Children per INSERT: 12 parameters each.
const CHILDREN_PER_INSERT: usize = 500;

/// A child as lists show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildRow {
    pub child: ChildId,
    /// The council's own ID for the child (903 `CHILD`).
    pub la_child_id: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Option<NaiveDate>,
    /// The child's status in words ("Looked after", "Child protection plan").
    pub status: String,
    pub worker: Option<WorkerId>,
    pub team: Option<TeamId>,
    pub iro: Option<WorkerId>,
    /// A care leaver's personal adviser.
    pub adviser: Option<WorkerId>,
    /// At the front door: a contact awaiting a decision, or an open referral with nobody
    /// allocated.
    pub front_door: bool,
    /// A complaint has been made about the child's care.
    pub complaint: bool,
}

/// One duty owed to a child, as the projection keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyRow {
    /// The rule's id in the statutory rule catalogue.
    pub rule: String,
    pub owed: String,
    pub trigger_what: String,
    pub trigger_date: NaiveDate,
    pub due: NaiveDate,
    pub due_at: Option<NaiveDateTime>,
    pub met_on: Option<NaiveDate>,
    /// The day the duty stopped applying, for one that can no longer be done.
    pub ended: Option<NaiveDate>,
    /// Why the duty does not apply, if it does not.
    pub not_applicable: Option<String>,
    /// Met late, or missed, by this many days.
    pub late_days: u32,
    /// Whether it can still be done (not met, not ended, not inapplicable).
    pub open: bool,
    /// How the due date was worked out.
    pub working: String,
    pub worker: Option<WorkerId>,
    pub team: Option<TeamId>,
    pub iro: Option<WorkerId>,
}

/// Whose duties a worklist shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Council,
    Worker(WorkerId),
    Team(TeamId),
    Iro(WorkerId),
    Child(ChildId),
}

/// A worklist query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorklistQuery {
    pub scope: Scope,
    /// Only duties that can still be done.
    pub open_only: bool,
    /// Only duties due on or before this day.
    pub due_by: Option<NaiveDate>,
    /// Only duties due on or after this day.
    pub due_from: Option<NaiveDate>,
}

/// A duty with the child it is owed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorklistItem {
    pub child: ChildId,
    pub la_child_id: String,
    pub child_name: String,
    pub duty: DutyRow,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    child_id: Uuid,
    la_child_id: String,
    given_name: String,
    family_name: String,
    rule: String,
    owed: String,
    trigger_what: String,
    trigger_date: NaiveDate,
    due: NaiveDate,
    due_at: Option<NaiveDateTime>,
    met_on: Option<NaiveDate>,
    ended: Option<NaiveDate>,
    not_applicable: Option<String>,
    late_days: i32,
    is_open: i16,
    working: String,
    worker_id: Option<Uuid>,
    team_id: Option<Uuid>,
    iro_id: Option<Uuid>,
}

impl From<ItemRow> for WorklistItem {
    fn from(r: ItemRow) -> WorklistItem {
        WorklistItem {
            child: ChildId::from_uuid(r.child_id),
            la_child_id: r.la_child_id,
            child_name: format!("{} {}", r.given_name, r.family_name),
            duty: DutyRow {
                rule: r.rule,
                owed: r.owed,
                trigger_what: r.trigger_what,
                trigger_date: r.trigger_date,
                due: r.due,
                due_at: r.due_at,
                met_on: r.met_on,
                ended: r.ended,
                not_applicable: r.not_applicable,
                late_days: u32::try_from(r.late_days).unwrap_or(0),
                open: r.is_open != 0,
                working: r.working,
                worker: r.worker_id.map(WorkerId::from_uuid),
                team: r.team_id.map(TeamId::from_uuid),
                iro: r.iro_id.map(WorkerId::from_uuid),
            },
        }
    }
}

const DUTY_INSERT: &str = "INSERT INTO duties (child_id, n, rule, owed, trigger_what, trigger_date, due, due_at, met_on, ended, \
     not_applicable, late_days, is_open, working, worker_id, team_id, iro_id) ";

/// Binds one duty row's values, in [`DUTY_INSERT`]'s column order (a macro, so the same code
/// serves both engines' query builders).
macro_rules! push_duty {
    ($row:expr, $child:expr, $n:expr, $d:expr) => {{
        let d: &DutyRow = $d;
        $row.push_bind($child)
            .push_bind(i32::try_from($n).unwrap_or(i32::MAX))
            .push_bind(d.rule.clone())
            .push_bind(d.owed.clone())
            .push_bind(d.trigger_what.clone())
            .push_bind(d.trigger_date)
            .push_bind(d.due)
            .push_bind(d.due_at)
            .push_bind(d.met_on)
            .push_bind(d.ended)
            .push_bind(d.not_applicable.clone())
            .push_bind(i32::try_from(d.late_days).unwrap_or(i32::MAX))
            .push_bind(i16::from(d.open))
            .push_bind(d.working.clone())
            .push_bind(d.worker.map(|w| *w.as_uuid()))
            .push_bind(d.team.map(|t| *t.as_uuid()))
            .push_bind(d.iro.map(|w| *w.as_uuid()));
    }};
}

impl Transaction {
    /// Replaces the child's row and duties in the projections.
    pub async fn replace_projection(&mut self, child: &ChildRow, duties: &[DutyRow]) -> Result<(), StoreError> {
        let id = *child.child.as_uuid();
        on_tx!(self, |conn| sqlx::query("DELETE FROM duties WHERE child_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|_| ()))?;
        on_tx!(self, |conn| {
            sqlx::query(
            "INSERT INTO children (child_id, la_child_id, given_name, family_name, date_of_birth, status, worker_id, team_id, iro_id, \
             adviser_id, front_door, complaint) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (child_id) DO UPDATE SET la_child_id = excluded.la_child_id, given_name = excluded.given_name, \
             family_name = excluded.family_name, date_of_birth = excluded.date_of_birth, status = excluded.status, \
             worker_id = excluded.worker_id, team_id = excluded.team_id, iro_id = excluded.iro_id, \
             adviser_id = excluded.adviser_id, front_door = excluded.front_door, complaint = excluded.complaint"
        )
        .bind(id)
        .bind(child.la_child_id.as_str())
        .bind(child.given_name.as_str())
        .bind(child.family_name.as_str())
        .bind(child.date_of_birth)
        .bind(child.status.as_str())
        .bind(child.worker.map(|w| *w.as_uuid()))
        .bind(child.team.map(|t| *t.as_uuid()))
        .bind(child.iro.map(|w| *w.as_uuid()))
        .bind(child.adviser.map(|w| *w.as_uuid()))
        .bind(i16::from(child.front_door))
        .bind(i16::from(child.complaint))
        .execute(&mut *conn)
        .await
        .map(|_| ())
        })?;
        for (chunk_index, chunk) in duties.chunks(DUTIES_PER_INSERT).enumerate() {
            on_tx!(self, |conn| {
                let mut insert = QueryBuilder::new(DUTY_INSERT);
                insert.push_values(chunk.iter().enumerate(), |mut row, (i, d)| {
                    push_duty!(row, id, chunk_index * DUTIES_PER_INSERT + i, d);
                });
                insert.build().execute(&mut *conn).await.map(|_| ())
            })?;
        }
        Ok(())
    }
}

impl Transaction {
    /// Adds the projection rows of many children who have none yet (new records written in
    /// bulk), in fixed-size statements across children.
    pub async fn insert_projections(&mut self, children: &[(ChildRow, Vec<DutyRow>)]) -> Result<(), StoreError> {
        for chunk in children.chunks(CHILDREN_PER_INSERT) {
            on_tx!(self, |conn| {
                let mut insert = QueryBuilder::new(
                    "INSERT INTO children (child_id, la_child_id, given_name, family_name, date_of_birth, status, worker_id, team_id, \
                     iro_id, adviser_id, front_door, complaint) ",
                );
                insert.push_values(chunk.iter(), |mut row, (c, _)| {
                    row.push_bind(*c.child.as_uuid())
                        .push_bind(c.la_child_id.as_str())
                        .push_bind(c.given_name.as_str())
                        .push_bind(c.family_name.as_str())
                        .push_bind(c.date_of_birth)
                        .push_bind(c.status.as_str())
                        .push_bind(c.worker.map(|w| *w.as_uuid()))
                        .push_bind(c.team.map(|t| *t.as_uuid()))
                        .push_bind(c.iro.map(|w| *w.as_uuid()))
                        .push_bind(c.adviser.map(|w| *w.as_uuid()))
                        .push_bind(i16::from(c.front_door))
                        .push_bind(i16::from(c.complaint));
                });
                insert.build().execute(&mut *conn).await.map(|_| ())
            })?;
        }
        let rows: Vec<(Uuid, usize, &DutyRow)> = children
            .iter()
            .flat_map(|(c, duties)| duties.iter().enumerate().map(move |(n, d)| (*c.child.as_uuid(), n, d)))
            .collect();
        for chunk in rows.chunks(DUTIES_PER_INSERT) {
            on_tx!(self, |conn| {
                let mut insert = QueryBuilder::new(DUTY_INSERT);
                insert.push_values(chunk.iter(), |mut row, (child, n, d)| {
                    push_duty!(row, *child, *n, *d);
                });
                insert.build().execute(&mut *conn).await.map(|_| ())
            })?;
        }
        Ok(())
    }
}

impl Store {
    /// The duties in `query`'s scope, in due-date order (then child and the duty's place in the
    /// child's list).
    pub async fn worklist(&self, query: &WorklistQuery) -> Result<Vec<WorklistItem>, StoreError> {
        let (scope_sql, scope_id): (&str, Option<Uuid>) = match query.scope {
            Scope::Council => ("", None),
            Scope::Worker(w) => (" AND d.worker_id = $1", Some(*w.as_uuid())),
            Scope::Team(t) => (" AND d.team_id = $1", Some(*t.as_uuid())),
            Scope::Iro(i) => (" AND d.iro_id = $1", Some(*i.as_uuid())),
            Scope::Child(c) => (" AND d.child_id = $1", Some(*c.as_uuid())),
        };
        // Placeholders are numbered in the order they are added.
        let mut next = if scope_id.is_some() { 2 } else { 1 };
        let mut sql = String::from(
            "SELECT d.child_id, c.la_child_id, c.given_name, c.family_name, d.rule, d.owed, d.trigger_what, \
             d.trigger_date, d.due, d.due_at, d.met_on, d.ended, d.not_applicable, d.late_days, d.is_open, d.working, \
             d.worker_id, d.team_id, d.iro_id FROM duties d JOIN children c ON c.child_id = d.child_id WHERE 1 = 1",
        );
        sql.push_str(scope_sql);
        if query.open_only {
            sql.push_str(" AND d.is_open = 1");
        }
        if query.due_by.is_some() {
            sql.push_str(&format!(" AND d.due <= ${next}"));
            next += 1;
        }
        if query.due_from.is_some() {
            sql.push_str(&format!(" AND d.due >= ${next}"));
        }
        sql.push_str(" ORDER BY d.due, c.la_child_id, d.n");
        let rows: Vec<ItemRow> = on_pool!(self, |pool| {
            let mut q = sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(sql.clone()));
            if let Some(id) = scope_id {
                q = q.bind(id);
            }
            if let Some(d) = query.due_by {
                q = q.bind(d);
            }
            if let Some(d) = query.due_from {
                q = q.bind(d);
            }
            q.fetch_all(pool).await
        })?;
        Ok(rows.into_iter().map(WorklistItem::from).collect())
    }

    /// Open duties of children at the front door (a contact awaiting a decision, or an open
    /// referral with nobody allocated) that nobody is allocated to, soonest first.
    pub async fn front_door_duties(&self) -> Result<Vec<WorklistItem>, StoreError> {
        let sql = "SELECT d.child_id, c.la_child_id, c.given_name, c.family_name, d.rule, d.owed, d.trigger_what, \
             d.trigger_date, d.due, d.due_at, d.met_on, d.ended, d.not_applicable, d.late_days, d.is_open, d.working, \
             d.worker_id, d.team_id, d.iro_id FROM children c JOIN duties d ON d.child_id = c.child_id \
             WHERE c.front_door = 1 AND d.is_open = 1 AND d.worker_id IS NULL ORDER BY d.due, c.la_child_id, d.n";
        let rows: Vec<ItemRow> = on_pool!(self, |pool| sqlx::query_as::<_, ItemRow>(sql).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(WorklistItem::from).collect())
    }

    /// The child's row in the projection.
    pub async fn child_row(&self, child: ChildId) -> Result<Option<ChildRow>, StoreError> {
        child_row(Db::Pool(self), child).await
    }

    /// How many children each worker is allocated, most first (for choosing workers with
    /// caseloads to measure with).
    pub async fn caseload_sizes(&self) -> Result<Vec<(WorkerId, u64)>, StoreError> {
        let rows: Vec<(Uuid, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT worker_id, COUNT(*) AS n FROM children WHERE worker_id IS NOT NULL \
                 GROUP BY worker_id ORDER BY n DESC, worker_id",
            )
            .fetch_all(pool)
            .await
        })?;
        Ok(rows.into_iter().map(|(w, n)| (WorkerId::from_uuid(w), u64::try_from(n).unwrap_or(0))).collect())
    }

    /// The children with this council child ID (normally one; an import may briefly hold two).
    pub async fn children_by_la_id(&self, la_child_id: &str) -> Result<Vec<ChildId>, StoreError> {
        let ids: Vec<Uuid> = on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT child_id FROM children WHERE la_child_id = $1 ORDER BY child_id")
                .bind(la_child_id)
                .fetch_all(pool)
                .await
        })?;
        Ok(ids.into_iter().map(ChildId::from_uuid).collect())
    }
}

type ChildTuple = (
    Uuid,
    String,
    String,
    String,
    Option<NaiveDate>,
    String,
    Option<Uuid>,
    Option<Uuid>,
    Option<Uuid>,
    Option<Uuid>,
    i16,
    i16,
);

async fn child_row(db: Db<'_>, child: ChildId) -> Result<Option<ChildRow>, StoreError> {
    let mut db = db;
    let row: Option<ChildTuple> = on_db!(&mut db, |exec| {
        sqlx::query_as(
            "SELECT child_id, la_child_id, given_name, family_name, date_of_birth, status, worker_id, team_id, iro_id, \
             adviser_id, front_door, complaint FROM children WHERE child_id = $1",
        )
        .bind(*child.as_uuid())
        .fetch_optional(exec)
        .await
    })?;
    Ok(row.map(|r| ChildRow {
        child: ChildId::from_uuid(r.0),
        la_child_id: r.1,
        given_name: r.2,
        family_name: r.3,
        date_of_birth: r.4,
        status: r.5,
        worker: r.6.map(WorkerId::from_uuid),
        team: r.7.map(TeamId::from_uuid),
        iro: r.8.map(WorkerId::from_uuid),
        adviser: r.9.map(WorkerId::from_uuid),
        front_door: r.10 != 0,
        complaint: r.11 != 0,
    }))
}

impl Transaction {
    /// As [`Store::child_row`], inside this transaction.
    pub async fn child_row(&mut self, child: ChildId) -> Result<Option<ChildRow>, StoreError> {
        child_row(Db::Tx(self), child).await
    }
}
