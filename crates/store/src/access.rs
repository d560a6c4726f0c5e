//! What the access rules read about a child and an account (the children projection, any
//! restriction, grants), restrictions, grants and alerts. Who may do what is decided in
//! `careful-app`; the store only keeps and finds the facts.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use careful_domain::{ChildId, TeamId, WorkerId};

use crate::{Db, Store, StoreError, Transaction, on_db, on_pool, on_tx};

/// A child as the access rules see them, for one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildAccessRow {
    pub child: ChildId,
    pub la_child_id: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub status: String,
    pub worker: Option<WorkerId>,
    pub team: Option<TeamId>,
    /// The service of the allocated team, as stored.
    pub team_service: Option<String>,
    pub iro: Option<WorkerId>,
    pub adviser: Option<WorkerId>,
    pub front_door: bool,
    pub complaint: bool,
    /// The restriction on the record, if any.
    pub restriction: Option<RestrictionRow>,
    /// Whether the account is named on the restriction.
    pub named: bool,
    /// The account's grants to this child (live or not: the caller decides).
    pub grants: Vec<GrantRow>,
}

/// A restriction on a child's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictionRow {
    pub category: String,
    pub reason: String,
    pub restricted_by: Uuid,
    pub restricted_at: DateTime<Utc>,
    pub members: Vec<Uuid>,
}

/// A time-limited grant of access (or a break-glass access).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRow {
    pub id: Uuid,
    pub child: ChildId,
    pub account: Uuid,
    pub kind: String,
    pub granted_by: Uuid,
    pub reason: String,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// An alert for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRow {
    pub id: Uuid,
    pub account: Uuid,
    pub created_at: DateTime<Utc>,
    pub child: Option<ChildId>,
    pub from_account: Option<Uuid>,
    pub what: String,
    pub reason: Option<String>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A child on a caseload, with their open duties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseloadRow {
    pub access: ChildAccessRow,
    /// The earliest due date among the duties still open.
    pub next_due: Option<NaiveDate>,
    /// Open duties due before the day asked about.
    pub overdue: i64,
}

/// What the caseload query looks for: children related to an account in any of these ways.
#[derive(Debug, Clone, Default)]
pub struct CaseloadQuery {
    pub account: Uuid,
    pub worker: Option<WorkerId>,
    pub team: Option<TeamId>,
    /// The service whose teams' children to include (a service manager).
    pub service: Option<String>,
    pub front_door: bool,
    pub complaints: bool,
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
    Option<String>,
    Option<Uuid>,
    Option<Uuid>,
    i16,
    i16,
);

const CHILD_COLUMNS: &str = "c.child_id, c.la_child_id, c.given_name, c.family_name, c.date_of_birth, c.status, \
     c.worker_id, c.team_id, t.service, c.iro_id, c.adviser_id, c.front_door, c.complaint";

fn child_from(r: ChildTuple) -> ChildAccessRow {
    ChildAccessRow {
        child: ChildId::from_uuid(r.0),
        la_child_id: r.1,
        given_name: r.2,
        family_name: r.3,
        date_of_birth: r.4,
        status: r.5,
        worker: r.6.map(WorkerId::from_uuid),
        team: r.7.map(TeamId::from_uuid),
        team_service: r.8,
        iro: r.9.map(WorkerId::from_uuid),
        adviser: r.10.map(WorkerId::from_uuid),
        front_door: r.11 != 0,
        complaint: r.12 != 0,
        restriction: None,
        named: false,
        grants: Vec::new(),
    }
}

type GrantTuple = (Uuid, Uuid, Uuid, String, Uuid, String, DateTime<Utc>, DateTime<Utc>, Option<DateTime<Utc>>);

const GRANT_COLUMNS: &str = "id, child_id, account_id, kind, granted_by, reason, valid_from, valid_until, revoked_at";

fn grant_from(r: GrantTuple) -> GrantRow {
    GrantRow {
        id: r.0,
        child: ChildId::from_uuid(r.1),
        account: r.2,
        kind: r.3,
        granted_by: r.4,
        reason: r.5,
        valid_from: r.6,
        valid_until: r.7,
        revoked_at: r.8,
    }
}

/// Fills in the restriction, naming and grants of each child for `account`.
async fn complete(db: &mut Db<'_>, rows: &mut [ChildAccessRow], account: Uuid) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    for chunk in rows.chunks_mut(500) {
        let ids: Vec<Uuid> = chunk.iter().map(|r| *r.child.as_uuid()).collect();
        let placeholders =
            |from: usize| (0..ids.len()).map(|i| format!("${}", i + from)).collect::<Vec<_>>().join(", ");
        let restrictions: Vec<(Uuid, String, String, Uuid, DateTime<Utc>)> = {
            let sql = format!(
                "SELECT child_id, category, reason, restricted_by, restricted_at FROM restrictions WHERE child_id IN ({})",
                placeholders(1)
            );
            on_db!(db, |exec| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for id in &ids {
                    q = q.bind(*id);
                }
                q.fetch_all(exec).await
            })?
        };
        if !restrictions.is_empty() {
            let members: Vec<(Uuid, Uuid)> = {
                let sql = format!(
                    "SELECT child_id, account_id FROM restriction_members WHERE child_id IN ({}) ORDER BY account_id",
                    placeholders(1)
                );
                on_db!(db, |exec| {
                    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                    for id in &ids {
                        q = q.bind(*id);
                    }
                    q.fetch_all(exec).await
                })?
            };
            for (child, category, reason, by, at) in restrictions {
                let list: Vec<Uuid> = members.iter().filter(|(c, _)| *c == child).map(|(_, a)| *a).collect();
                if let Some(row) = chunk.iter_mut().find(|r| *r.child.as_uuid() == child) {
                    row.named = list.contains(&account);
                    row.restriction =
                        Some(RestrictionRow { category, reason, restricted_by: by, restricted_at: at, members: list });
                }
            }
        }
        let grants: Vec<GrantTuple> = {
            let sql = format!(
                "SELECT {GRANT_COLUMNS} FROM access_grants WHERE account_id = $1 AND revoked_at IS NULL \
                 AND child_id IN ({}) ORDER BY valid_until",
                placeholders(2)
            );
            on_db!(db, |exec| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(account);
                for id in &ids {
                    q = q.bind(*id);
                }
                q.fetch_all(exec).await
            })?
        };
        for g in grants.into_iter().map(grant_from) {
            if let Some(row) = chunk.iter_mut().find(|r| r.child == g.child) {
                row.grants.push(g);
            }
        }
    }
    Ok(())
}

async fn child_access(db: Db<'_>, child: ChildId, account: Uuid) -> Result<Option<ChildAccessRow>, StoreError> {
    let mut db = db;
    let row: Option<ChildTuple> = on_db!(&mut db, |exec| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {CHILD_COLUMNS} FROM children c LEFT JOIN teams t ON t.id = c.team_id WHERE c.child_id = $1"
    )))
    .bind(*child.as_uuid())
    .fetch_optional(exec)
    .await)?;
    let Some(row) = row else { return Ok(None) };
    let mut rows = [child_from(row)];
    complete(&mut db, &mut rows, account).await?;
    let [row] = rows;
    Ok(Some(row))
}

impl Store {
    /// The child as the access rules see them for `account`, if the child has a record.
    pub async fn child_access(&self, child: ChildId, account: Uuid) -> Result<Option<ChildAccessRow>, StoreError> {
        child_access(Db::Pool(self), child, account).await
    }

    /// Children related to an account in any of the query's ways, or named on their
    /// restriction, or granted to it (a superset: the caller decides what the account may see),
    /// each with their open duties as of `today`, by family name.
    pub async fn caseload(&self, query: &CaseloadQuery, today: NaiveDate) -> Result<Vec<CaseloadRow>, StoreError> {
        let mut conditions: Vec<String> = Vec::new();
        let mut n = 2;
        let mut binds: Vec<Uuid> = Vec::new();
        if let Some(w) = query.worker {
            conditions.push(format!("c.worker_id = ${n} OR c.iro_id = ${n} OR c.adviser_id = ${n}"));
            binds.push(*w.as_uuid());
            n += 1;
        }
        if let Some(t) = query.team {
            conditions.push(format!("c.team_id = ${n}"));
            binds.push(*t.as_uuid());
            n += 1;
        }
        if query.front_door {
            conditions.push("c.front_door = 1".into());
        }
        if query.complaints {
            conditions.push("c.complaint = 1".into());
        }
        conditions.push("c.child_id IN (SELECT child_id FROM restriction_members WHERE account_id = $1)".into());
        conditions.push(
            "c.child_id IN (SELECT child_id FROM access_grants WHERE account_id = $1 AND revoked_at IS NULL)".into(),
        );
        let service_condition = query.service.as_ref().map(|_| format!("t.service = ${n}"));
        if let Some(c) = &service_condition {
            conditions.push(c.clone());
        }
        // Open cases only: a closed record is still reachable by the same relationships, but is
        // no longer on anyone's caseload.
        let sql = format!(
            "SELECT {CHILD_COLUMNS} FROM children c LEFT JOIN teams t ON t.id = c.team_id WHERE c.status <> 'Closed' \
             AND ({}) ORDER BY c.family_name, c.given_name, c.la_child_id",
            conditions.iter().map(|c| format!("({c})")).collect::<Vec<_>>().join(" OR ")
        );
        let rows: Vec<ChildTuple> = on_pool!(self, |pool| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(query.account);
            for b in &binds {
                q = q.bind(*b);
            }
            if let Some(s) = &query.service {
                q = q.bind(s.clone());
            }
            q.fetch_all(pool).await
        })?;
        let mut access: Vec<ChildAccessRow> = rows.into_iter().map(child_from).collect();
        complete(&mut Db::Pool(self), &mut access, query.account).await?;
        let mut duties: std::collections::HashMap<Uuid, (NaiveDate, i64)> = std::collections::HashMap::new();
        for chunk in access.chunks(500) {
            let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT child_id, MIN(due), SUM(CASE WHEN due < $1 THEN 1 ELSE 0 END) FROM duties \
                 WHERE is_open = 1 AND child_id IN ({}) GROUP BY child_id",
                list.join(", ")
            );
            let found: Vec<(Uuid, NaiveDate, i64)> = on_pool!(self, |pool| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(today);
                for r in chunk {
                    q = q.bind(*r.child.as_uuid());
                }
                q.fetch_all(pool).await
            })?;
            for (c, due, overdue) in found {
                duties.insert(c, (due, overdue));
            }
        }
        Ok(access
            .into_iter()
            .map(|a| {
                let (next_due, overdue) = duties.get(a.child.as_uuid()).map_or((None, 0), |(d, o)| (Some(*d), *o));
                CaseloadRow { access: a, next_due, overdue }
            })
            .collect())
    }

    /// For each worker: how many open children they are allocated, IRO to and personal adviser
    /// to (for choosing the demonstration's accounts).
    pub async fn relationship_counts(&self) -> Result<Vec<(WorkerId, i64, i64, i64)>, StoreError> {
        let rows: Vec<(Uuid, i64, i64, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT w, SUM(a), SUM(i), SUM(p) FROM ( \
               SELECT worker_id AS w, 1 AS a, 0 AS i, 0 AS p FROM children WHERE worker_id IS NOT NULL AND status <> 'Closed' \
               UNION ALL SELECT iro_id, 0, 1, 0 FROM children WHERE iro_id IS NOT NULL AND status <> 'Closed' \
               UNION ALL SELECT adviser_id, 0, 0, 1 FROM children WHERE adviser_id IS NOT NULL AND status <> 'Closed' \
             ) x GROUP BY w ORDER BY w"
        )
        .fetch_all(pool)
        .await
        })?;
        Ok(rows.into_iter().map(|(w, a, i, p)| (WorkerId::from_uuid(w), a, i, p)).collect())
    }

    /// The children whose records are restricted without naming `account`.
    pub async fn restricted_for(&self, account: Uuid) -> Result<Vec<ChildId>, StoreError> {
        let rows: Vec<Uuid> = on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT child_id FROM restrictions WHERE child_id NOT IN \
             (SELECT child_id FROM restriction_members WHERE account_id = $1)"
        )
        .bind(account)
        .fetch_all(pool)
        .await)?;
        Ok(rows.into_iter().map(ChildId::from_uuid).collect())
    }

    /// Every grant to a child (live, expired and revoked), newest first.
    pub async fn grants_to(&self, child: ChildId) -> Result<Vec<GrantRow>, StoreError> {
        let rows: Vec<GrantTuple> = on_pool!(self, |pool| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {GRANT_COLUMNS} FROM access_grants WHERE child_id = $1 ORDER BY valid_from DESC"
        )))
        .bind(*child.as_uuid())
        .fetch_all(pool)
        .await)?;
        Ok(rows.into_iter().map(grant_from).collect())
    }

    /// An account's alerts, newest first.
    pub async fn alerts_for(&self, account: Uuid, limit: u32) -> Result<Vec<AlertRow>, StoreError> {
        type Row =
            (Uuid, Uuid, DateTime<Utc>, Option<Uuid>, Option<Uuid>, String, Option<String>, Option<DateTime<Utc>>);
        let rows: Vec<Row> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT id, account_id, created_at, child_id, from_account, what, reason, read_at FROM alerts \
             WHERE account_id = $1 ORDER BY created_at DESC LIMIT $2"
        )
        .bind(account)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|r| AlertRow {
                id: r.0,
                account: r.1,
                created_at: r.2,
                child: r.3.map(ChildId::from_uuid),
                from_account: r.4,
                what: r.5,
                reason: r.6,
                read_at: r.7,
            })
            .collect())
    }

    /// How many unread alerts an account has.
    pub async fn unread_alerts(&self, account: Uuid) -> Result<i64, StoreError> {
        let n: i64 = on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM alerts WHERE account_id = $1 AND read_at IS NULL"
        )
        .bind(account)
        .fetch_one(pool)
        .await)?;
        Ok(n)
    }
}

impl Transaction {
    /// As [`Store::child_access`], inside this transaction.
    pub async fn child_access(&mut self, child: ChildId, account: Uuid) -> Result<Option<ChildAccessRow>, StoreError> {
        child_access(Db::Tx(self), child, account).await
    }

    /// Restricts a child's record (replacing any restriction), naming who may open it.
    pub async fn restrict(&mut self, child: ChildId, r: &RestrictionRow) -> Result<(), StoreError> {
        self.unrestrict(child).await?;
        let id = *child.as_uuid();
        on_tx!(self, |conn| {
            sqlx::query(
            "INSERT INTO restrictions (child_id, category, reason, restricted_by, restricted_at) VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(id)
        .bind(r.category.as_str())
        .bind(r.reason.as_str())
        .bind(r.restricted_by)
        .bind(r.restricted_at)
        .execute(&mut *conn)
        .await
        .map(|_| ())
        })?;
        for member in &r.members {
            on_tx!(self, |conn| sqlx::query(
                "INSERT INTO restriction_members (child_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
            )
            .bind(id)
            .bind(*member)
            .execute(&mut *conn)
            .await
            .map(|_| ()))?;
        }
        Ok(())
    }

    /// Lifts any restriction on a child's record. Returns whether there was one.
    pub async fn unrestrict(&mut self, child: ChildId) -> Result<bool, StoreError> {
        let id = *child.as_uuid();
        on_tx!(self, |conn| sqlx::query("DELETE FROM restriction_members WHERE child_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|_| ()))?;
        let n = on_tx!(self, |conn| sqlx::query("DELETE FROM restrictions WHERE child_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Adds a grant (or a break-glass access).
    pub async fn insert_grant(&mut self, g: &GrantRow) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO access_grants ({GRANT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )))
        .bind(g.id)
        .bind(*g.child.as_uuid())
        .bind(g.account)
        .bind(g.kind.as_str())
        .bind(g.granted_by)
        .bind(g.reason.as_str())
        .bind(g.valid_from)
        .bind(g.valid_until)
        .bind(g.revoked_at)
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Revokes a grant to a child. Returns it if it was live.
    pub async fn revoke_grant(
        &mut self,
        child: ChildId,
        id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Option<GrantRow>, StoreError> {
        let row: Option<GrantTuple> = on_tx!(self, |conn| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE access_grants SET revoked_at = $1 WHERE id = $2 AND child_id = $3 AND revoked_at IS NULL \
             RETURNING {GRANT_COLUMNS}"
        )))
        .bind(at)
        .bind(id)
        .bind(*child.as_uuid())
        .fetch_optional(&mut *conn)
        .await)?;
        Ok(row.map(grant_from))
    }

    /// Adds an alert.
    pub async fn insert_alert(&mut self, a: &AlertRow) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query(
            "INSERT INTO alerts (id, account_id, created_at, child_id, from_account, what, reason, read_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )
        .bind(a.id)
        .bind(a.account)
        .bind(a.created_at)
        .bind(a.child.map(|c| *c.as_uuid()))
        .bind(a.from_account)
        .bind(a.what.as_str())
        .bind(a.reason.as_deref())
        .bind(a.read_at)
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Marks every alert of an account read.
    pub async fn mark_alerts_read(&mut self, account: Uuid, at: DateTime<Utc>) -> Result<u64, StoreError> {
        let n = on_tx!(self, |conn| sqlx::query(
            "UPDATE alerts SET read_at = $1 WHERE account_id = $2 AND read_at IS NULL"
        )
        .bind(at)
        .bind(account)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n)
    }
}
