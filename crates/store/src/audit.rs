//! The audit log: append-only rows, each holding the hash of the row before it.
//!
//! The store keeps the rows and the chain's head; `careful-app` computes the hashes (what goes
//! into one is an application decision) and verifies the chain. Appending reads and advances
//! the head in one statement (`UPDATE ... RETURNING`), which on PostgreSQL takes the head row's
//! lock until commit and on SQLite runs under the write lock every careful transaction takes,
//! so entries are numbered and chained in commit order with no gaps and no forks.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use careful_domain::ChildId;

use crate::{Db, Store, StoreError, Transaction, on_db, on_pool, on_tx};

/// One audit entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub account: Option<Uuid>,
    pub actor: String,
    pub action: String,
    pub outcome: String,
    pub child: Option<ChildId>,
    pub subject: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub reason: Option<String>,
    pub detail: String,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

/// The end of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: Vec<u8>,
}

/// Which entries to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub child: Option<ChildId>,
    pub account: Option<Uuid>,
    /// Only these action codes (all when empty).
    pub actions: Vec<String>,
    /// Only entries before this number (for paging back).
    pub before: Option<i64>,
    pub limit: u32,
}

type Row = (
    i64,
    DateTime<Utc>,
    Option<Uuid>,
    String,
    String,
    String,
    Option<Uuid>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Vec<u8>,
    Vec<u8>,
);

const COLUMNS: &str =
    "seq, at, account_id, actor, action, outcome, child_id, subject, ip, user_agent, reason, detail, prev_hash, hash";

fn from_row(r: Row) -> AuditRow {
    AuditRow {
        seq: r.0,
        at: r.1,
        account: r.2,
        actor: r.3,
        action: r.4,
        outcome: r.5,
        child: r.6.map(ChildId::from_uuid),
        subject: r.7,
        ip: r.8,
        user_agent: r.9,
        reason: r.10,
        detail: r.11,
        prev_hash: r.12,
        hash: r.13,
    }
}

impl Transaction {
    /// Claims the next entry number: returns it with the hash of the entry before it. The
    /// caller computes the new entry's hash and calls [`Transaction::insert_audit`] in the same
    /// transaction.
    pub async fn claim_audit_seq(&mut self) -> Result<(i64, Vec<u8>), StoreError> {
        let (seq, hash): (i64, Vec<u8>) = on_tx!(self, |conn| sqlx::query_as(
            "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash"
        )
        .fetch_one(&mut *conn)
        .await)?;
        Ok((seq, hash))
    }

    /// Writes an entry (numbered by [`Transaction::claim_audit_seq`]) and moves the head to it.
    pub async fn insert_audit(&mut self, row: &AuditRow) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        )))
        .bind(row.seq)
        .bind(row.at)
        .bind(row.account)
        .bind(row.actor.as_str())
        .bind(row.action.as_str())
        .bind(row.outcome.as_str())
        .bind(row.child.map(|c| *c.as_uuid()))
        .bind(row.subject.as_deref())
        .bind(row.ip.as_deref())
        .bind(row.user_agent.as_deref())
        .bind(row.reason.as_deref())
        .bind(row.detail.as_str())
        .bind(row.prev_hash.clone())
        .bind(row.hash.clone())
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
        on_tx!(self, |conn| sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1 AND seq = $2")
            .bind(row.hash.clone())
            .bind(row.seq)
            .execute(&mut *conn)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}

async fn list(db: Db<'_>, filter: &AuditFilter) -> Result<Vec<AuditRow>, StoreError> {
    let mut sql = format!("SELECT {COLUMNS} FROM audit_log WHERE 1 = 1");
    let mut n = 1;
    if filter.child.is_some() {
        sql.push_str(&format!(" AND child_id = ${n}"));
        n += 1;
    }
    if filter.account.is_some() {
        sql.push_str(&format!(" AND account_id = ${n}"));
        n += 1;
    }
    if filter.before.is_some() {
        sql.push_str(&format!(" AND seq < ${n}"));
        n += 1;
    }
    if !filter.actions.is_empty() {
        let list: Vec<String> = (0..filter.actions.len()).map(|i| format!("${}", n + i)).collect();
        sql.push_str(&format!(" AND action IN ({})", list.join(", ")));
        n += filter.actions.len();
    }
    sql.push_str(&format!(" ORDER BY seq DESC LIMIT ${n}"));
    let mut db = db;
    let rows: Vec<Row> = on_db!(&mut db, |exec| {
        let mut q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql.clone()));
        if let Some(c) = filter.child {
            q = q.bind(*c.as_uuid());
        }
        if let Some(a) = filter.account {
            q = q.bind(a);
        }
        if let Some(b) = filter.before {
            q = q.bind(b);
        }
        for a in &filter.actions {
            q = q.bind(a.clone());
        }
        q.bind(i64::from(filter.limit)).fetch_all(exec).await
    })?;
    Ok(rows.into_iter().map(from_row).collect())
}

impl Store {
    /// Entries `after` < seq, in order, at most `limit` of them (for verifying the chain).
    pub async fn audit_range(&self, after: i64, limit: u32) -> Result<Vec<AuditRow>, StoreError> {
        let rows: Vec<Row> = on_pool!(self, |pool| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        )))
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await)?;
        Ok(rows.into_iter().map(from_row).collect())
    }

    /// The end of the chain as the head row records it.
    pub async fn audit_head(&self) -> Result<AuditHead, StoreError> {
        let (seq, hash): (i64, Vec<u8>) =
            on_pool!(self, |pool| sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(pool)
                .await)?;
        Ok(AuditHead { seq, hash })
    }

    /// Entries matching `filter`, newest first.
    pub async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditRow>, StoreError> {
        list(Db::Pool(self), filter).await
    }

    /// How many entries there are for a child (for tests and the child's page).
    pub async fn audit_count(&self) -> Result<i64, StoreError> {
        let n: i64 = on_pool!(self, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(pool).await)?;
        Ok(n)
    }
}

impl Transaction {
    /// As [`Store::audit_entries`], inside this transaction.
    pub async fn audit_entries(&mut self, filter: &AuditFilter) -> Result<Vec<AuditRow>, StoreError> {
        list(Db::Tx(self), filter).await
    }
}
