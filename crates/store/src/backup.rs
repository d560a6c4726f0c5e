//! Backup and restore, engine-neutral: every row of every table that holds the record, read in
//! one consistent snapshot and written back in one transaction.
//!
//! Every table the migrations make is classified in [`TABLES`]: backed up (with its columns and
//! their kinds, so values travel as plain JSON between SQLite and PostgreSQL), rebuilt from the
//! event log after a restore (the projections), or left out with the reason. A backup refuses to
//! run if the database holds a table or column the classification does not know, so a new table
//! can never be silently missed; a test checks the classification against the migrations.
//!
//! The store reads and writes rows; the file format, its checksum and what a restore must check
//! are `careful-app`'s.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::Value;
use sqlx::QueryBuilder;
use sqlx::types::Json;
use uuid::Uuid;

use crate::{Store, StoreError, Transaction, TxInner, on_tx};

/// How a column's values are held, on both engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A UUID (SQLite: 16-byte BLOB; PostgreSQL: UUID). JSON: the hyphenated string.
    Uuid,
    /// Bytes (BLOB; BYTEA). JSON: lower-case hex.
    Bytes,
    Text,
    /// Integers (INTEGER; SMALLINT, INTEGER, BIGINT). JSON: a number.
    Int2,
    Int4,
    Int8,
    /// A floating-point number (REAL; DOUBLE PRECISION).
    Real,
    /// A date (TEXT; DATE). JSON: "YYYY-MM-DD".
    Date,
    /// An instant (TEXT; TIMESTAMPTZ). JSON: RFC 3339 in UTC.
    Time,
    /// A JSON document (TEXT; JSONB). JSON: the document itself.
    Json,
}

/// What a backup does with a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Every row is backed up and restored: these columns, in this order.
    BackedUp { columns: &'static [(&'static str, Kind)], order_by: &'static str },
    /// A projection of the event log: rebuilt from the log after a restore, not backed up.
    Rebuilt,
    /// Not backed up, for this reason.
    LeftOut(&'static str),
}

/// Every table careful's migrations make, in the order a restore writes them (each after the
/// tables it refers to).
pub const TABLES: &[(&str, Class)] = &[
    (
        "streams",
        Class::BackedUp { columns: &[("child_id", Kind::Uuid), ("last_sequence", Kind::Int8)], order_by: "child_id" },
    ),
    (
        "events",
        Class::BackedUp {
            columns: &[
                ("position", Kind::Int8),
                ("id", Kind::Uuid),
                ("child_id", Kind::Uuid),
                ("sequence", Kind::Int8),
                ("kind", Kind::Text),
                ("payload", Kind::Json),
                ("effective_date", Kind::Date),
                ("recorded_at", Kind::Time),
                ("recorded_by", Kind::Text),
                ("reason", Kind::Text),
                ("manager_override", Kind::Json),
            ],
            order_by: "position",
        },
    ),
    (
        "teams",
        Class::BackedUp {
            columns: &[("id", Kind::Uuid), ("name", Kind::Text), ("service", Kind::Text)],
            order_by: "id",
        },
    ),
    (
        "workers",
        Class::BackedUp {
            columns: &[
                ("id", Kind::Uuid),
                ("name", Kind::Text),
                ("role", Kind::Text),
                ("team_id", Kind::Uuid),
                ("employment", Kind::Text),
                ("started_on", Kind::Date),
                ("left_on", Kind::Date),
                ("registration", Kind::Text),
            ],
            order_by: "id",
        },
    ),
    ("settings", Class::BackedUp { columns: &[("key", Kind::Text), ("value", Kind::Text)], order_by: "key" }),
    (
        "data_quality",
        Class::BackedUp {
            columns: &[
                ("child_id", Kind::Uuid),
                ("source", Kind::Text),
                ("n", Kind::Int4),
                ("rule", Kind::Text),
                ("message", Kind::Text),
                ("file", Kind::Text),
                ("line", Kind::Int8),
                ("fields", Kind::Text),
            ],
            order_by: "child_id, source, n",
        },
    ),
    (
        "accounts",
        Class::BackedUp {
            columns: &[
                ("id", Kind::Uuid),
                ("username", Kind::Text),
                ("display_name", Kind::Text),
                ("worker_id", Kind::Uuid),
                ("password_hash", Kind::Text),
                ("totp_secret", Kind::Bytes),
                ("totp_last_step", Kind::Int8),
                ("failed_attempts", Kind::Int4),
                ("locked_until", Kind::Time),
                ("disabled_at", Kind::Time),
                ("created_at", Kind::Time),
                ("synthetic", Kind::Int2),
            ],
            order_by: "id",
        },
    ),
    (
        "account_roles",
        Class::BackedUp {
            columns: &[
                ("account_id", Kind::Uuid),
                ("n", Kind::Int4),
                ("role", Kind::Text),
                ("service", Kind::Text),
                ("valid_from", Kind::Time),
                ("changed_by", Kind::Uuid),
                ("reason", Kind::Text),
            ],
            order_by: "account_id, n",
        },
    ),
    (
        "api_tokens",
        Class::BackedUp {
            columns: &[
                ("id", Kind::Uuid),
                ("account_id", Kind::Uuid),
                ("name", Kind::Text),
                ("token_hash", Kind::Bytes),
                ("scopes", Kind::Text),
                ("created_at", Kind::Time),
                ("expires_at", Kind::Time),
                ("revoked_at", Kind::Time),
                ("last_used_at", Kind::Time),
            ],
            order_by: "id",
        },
    ),
    (
        "restrictions",
        Class::BackedUp {
            columns: &[
                ("child_id", Kind::Uuid),
                ("category", Kind::Text),
                ("reason", Kind::Text),
                ("restricted_by", Kind::Uuid),
                ("restricted_at", Kind::Time),
            ],
            order_by: "child_id",
        },
    ),
    (
        "restriction_members",
        Class::BackedUp {
            columns: &[("child_id", Kind::Uuid), ("account_id", Kind::Uuid)],
            order_by: "child_id, account_id",
        },
    ),
    (
        "access_grants",
        Class::BackedUp {
            columns: &[
                ("id", Kind::Uuid),
                ("child_id", Kind::Uuid),
                ("account_id", Kind::Uuid),
                ("kind", Kind::Text),
                ("granted_by", Kind::Uuid),
                ("reason", Kind::Text),
                ("valid_from", Kind::Time),
                ("valid_until", Kind::Time),
                ("revoked_at", Kind::Time),
            ],
            order_by: "id",
        },
    ),
    (
        "alerts",
        Class::BackedUp {
            columns: &[
                ("id", Kind::Uuid),
                ("account_id", Kind::Uuid),
                ("created_at", Kind::Time),
                ("child_id", Kind::Uuid),
                ("from_account", Kind::Uuid),
                ("what", Kind::Text),
                ("reason", Kind::Text),
                ("read_at", Kind::Time),
            ],
            order_by: "id",
        },
    ),
    (
        "audit_log",
        Class::BackedUp {
            columns: &[
                ("seq", Kind::Int8),
                ("at", Kind::Time),
                ("account_id", Kind::Uuid),
                ("actor", Kind::Text),
                ("action", Kind::Text),
                ("outcome", Kind::Text),
                ("child_id", Kind::Uuid),
                ("subject", Kind::Text),
                ("ip", Kind::Text),
                ("user_agent", Kind::Text),
                ("reason", Kind::Text),
                ("detail", Kind::Text),
                ("prev_hash", Kind::Bytes),
                ("hash", Kind::Bytes),
            ],
            order_by: "seq",
        },
    ),
    (
        "audit_head",
        Class::BackedUp { columns: &[("id", Kind::Int4), ("seq", Kind::Int8), ("hash", Kind::Bytes)], order_by: "id" },
    ),
    (
        "benchmark_figures",
        Class::BackedUp {
            columns: &[
                ("measure", Kind::Text),
                ("period", Kind::Text),
                ("level", Kind::Text),
                ("area", Kind::Text),
                ("area_name", Kind::Text),
                ("region_name", Kind::Text),
                ("value", Kind::Real),
                ("symbol", Kind::Text),
                ("source", Kind::Text),
                ("file", Kind::Text),
                ("imported_at", Kind::Time),
            ],
            order_by: "measure, period, level, area",
        },
    ),
    ("children", Class::Rebuilt),
    ("duties", Class::Rebuilt),
    ("search_people", Class::Rebuilt),
    (
        "sessions",
        Class::LeftOut(
            "signed-in sessions: everyone signs in again after a restore (accounts, passwords, second factors and personal access tokens are kept)",
        ),
    ),
    ("oidc_sign_ins", Class::LeftOut("OpenID Connect sign-ins in progress, which expire within minutes")),
    ("_sqlx_migrations", Class::LeftOut("written by the migrations, which a restore runs first")),
];

/// The classification of a table, if it has one.
pub fn class_of(table: &str) -> Option<Class> {
    TABLES.iter().find(|(name, _)| *name == table).map(|(_, class)| *class)
}

fn columns_of(table: &str) -> Result<&'static [(&'static str, Kind)], StoreError> {
    match class_of(table) {
        Some(Class::BackedUp { columns, .. }) => Ok(columns),
        _ => Err(StoreError::Backup(format!("{table} is not a table a backup holds"))),
    }
}

/// Rows per INSERT when restoring: well under both engines' limits on parameters.
const PARAMETERS_PER_INSERT: usize = 20_000;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

fn time_to_json(t: DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// A value as a restore (or a page's key) binds it.
#[derive(Clone)]
enum Bound {
    Uuid(Option<Uuid>),
    Bytes(Option<Vec<u8>>),
    Text(Option<String>),
    Int2(Option<i16>),
    Int4(Option<i32>),
    Int8(Option<i64>),
    Real(Option<f64>),
    Date(Option<NaiveDate>),
    Time(Option<DateTime<Utc>>),
    Json(Option<Json<Value>>),
}

fn bind_value(table: &str, column: &str, kind: Kind, value: &Value) -> Result<Bound, StoreError> {
    let bad = || StoreError::Backup(format!("the value of {table}.{column} is not a {kind:?}: {value}"));
    let text = || value.as_str().ok_or_else(bad);
    let null = value.is_null();
    Ok(match kind {
        Kind::Uuid => Bound::Uuid(if null { None } else { Some(text()?.parse().map_err(|_| bad())?) }),
        Kind::Bytes => Bound::Bytes(if null { None } else { Some(unhex(text()?).ok_or_else(bad)?) }),
        Kind::Text => Bound::Text(if null { None } else { Some(text()?.to_string()) }),
        Kind::Int2 => Bound::Int2(if null {
            None
        } else {
            Some(value.as_i64().and_then(|n| i16::try_from(n).ok()).ok_or_else(bad)?)
        }),
        Kind::Int4 => Bound::Int4(if null {
            None
        } else {
            Some(value.as_i64().and_then(|n| i32::try_from(n).ok()).ok_or_else(bad)?)
        }),
        Kind::Int8 => Bound::Int8(if null { None } else { Some(value.as_i64().ok_or_else(bad)?) }),
        Kind::Real => Bound::Real(if null { None } else { Some(value.as_f64().ok_or_else(bad)?) }),
        Kind::Date => Bound::Date(if null { None } else { Some(text()?.parse().map_err(|_| bad())?) }),
        Kind::Time => Bound::Time(if null {
            None
        } else {
            Some(DateTime::parse_from_rfc3339(text()?).map_err(|_| bad())?.with_timezone(&Utc))
        }),
        Kind::Json => Bound::Json(if null { None } else { Some(Json(value.clone())) }),
    })
}

/// Reads column `i` of a row as the JSON a backup holds. A macro rather than a function so that
/// it compiles once per engine's row type.
macro_rules! read_value {
    ($row:expr, $i:expr, $kind:expr) => {{
        use sqlx::Row as _;
        let row = $row;
        let i = $i;
        let value: Result<Value, sqlx::Error> = match $kind {
            Kind::Uuid => {
                row.try_get::<Option<Uuid>, _>(i).map(|v| v.map_or(Value::Null, |u| Value::String(u.to_string())))
            }
            Kind::Bytes => {
                row.try_get::<Option<Vec<u8>>, _>(i).map(|v| v.map_or(Value::Null, |b| Value::String(hex(&b))))
            }
            Kind::Text => row.try_get::<Option<String>, _>(i).map(|v| v.map_or(Value::Null, Value::String)),
            Kind::Int2 => row.try_get::<Option<i16>, _>(i).map(|v| v.map_or(Value::Null, Value::from)),
            Kind::Int4 => row.try_get::<Option<i32>, _>(i).map(|v| v.map_or(Value::Null, Value::from)),
            Kind::Int8 => row.try_get::<Option<i64>, _>(i).map(|v| v.map_or(Value::Null, Value::from)),
            Kind::Real => row.try_get::<Option<f64>, _>(i).map(|v| v.map_or(Value::Null, Value::from)),
            Kind::Date => row
                .try_get::<Option<NaiveDate>, _>(i)
                .map(|v| v.map_or(Value::Null, |d| Value::String(d.format("%Y-%m-%d").to_string()))),
            Kind::Time => row.try_get::<Option<DateTime<Utc>>, _>(i).map(|v| v.map_or(Value::Null, time_to_json)),
            Kind::Json => row.try_get::<Option<Json<Value>>, _>(i).map(|v| v.map_or(Value::Null, |j| j.0)),
        };
        value
    }};
}

/// Binds a value, whichever engine's query it is for.
macro_rules! push_bound {
    ($builder:expr, $value:expr) => {
        match $value {
            Bound::Uuid(v) => $builder.push_bind(v),
            Bound::Bytes(v) => $builder.push_bind(v),
            Bound::Text(v) => $builder.push_bind(v),
            Bound::Int2(v) => $builder.push_bind(v),
            Bound::Int4(v) => $builder.push_bind(v),
            Bound::Int8(v) => $builder.push_bind(v),
            Bound::Real(v) => $builder.push_bind(v),
            Bound::Date(v) => $builder.push_bind(v),
            Bound::Time(v) => $builder.push_bind(v),
            Bound::Json(v) => $builder.push_bind(v),
        }
    };
}

impl Store {
    /// Starts a read-only transaction that sees the database as it was at one moment, while
    /// others go on writing: on PostgreSQL REPEATABLE READ READ ONLY; on SQLite a read
    /// transaction, which in WAL mode keeps its snapshot and never blocks writers.
    pub async fn begin_snapshot(&self) -> Result<Transaction, StoreError> {
        let inner = match self {
            Store::Sqlite(pool, _) => TxInner::Sqlite(pool.begin_with("BEGIN DEFERRED").await?),
            Store::Postgres(pool) => {
                TxInner::Postgres(pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?)
            }
        };
        Ok(Transaction { inner, _turn: None })
    }
}

impl Transaction {
    /// Every table in the database (careful's schema), with its columns in order.
    pub async fn tables(&mut self) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let rows: Vec<(String, String)> = match &mut self.inner {
            TxInner::Sqlite(tx) => {
                sqlx::query_as(
                    "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid",
                )
                .fetch_all(&mut **tx)
                .await?
            }
            TxInner::Postgres(tx) => {
                sqlx::query_as(
                    "SELECT c.table_name::TEXT, c.column_name::TEXT FROM information_schema.columns c \
                     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
                     WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
                     ORDER BY c.table_name, c.ordinal_position",
                )
                .fetch_all(&mut **tx)
                .await?
            }
        };
        let mut tables: Vec<(String, Vec<String>)> = Vec::new();
        for (table, column) in rows {
            match tables.last_mut() {
                Some((name, columns)) if *name == table => columns.push(column),
                _ => tables.push((table, vec![column])),
            }
        }
        Ok(tables)
    }

    /// Checks that every table in the database is classified, and that every backed-up table
    /// has exactly the columns the classification lists: a backup must never miss data.
    pub async fn check_classified(&mut self) -> Result<(), StoreError> {
        let mut problems = Vec::new();
        for (table, columns) in self.tables().await? {
            match class_of(&table) {
                None => problems.push(format!("table {table} is not classified (backed up, rebuilt or left out)")),
                Some(Class::BackedUp { columns: known, .. }) => {
                    let mut have: Vec<&str> = columns.iter().map(String::as_str).collect();
                    let mut want: Vec<&str> = known.iter().map(|(c, _)| *c).collect();
                    have.sort_unstable();
                    want.sort_unstable();
                    if have != want {
                        problems.push(format!(
                            "table {table} has columns {} but a backup knows {}",
                            have.join(", "),
                            want.join(", ")
                        ));
                    }
                }
                Some(_) => {}
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Backup(format!("this careful cannot back up this database: {}", problems.join("; "))))
        }
    }

    /// How many rows a table holds.
    pub async fn count_rows(&mut self, table: &str) -> Result<u64, StoreError> {
        class_of(table).ok_or_else(|| StoreError::Backup(format!("unknown table {table}")))?;
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n: i64 = on_tx!(self, |conn| sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&mut *conn).await)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Up to `limit` rows of a backed-up table in its key order, after the row `after` (the
    /// last row of the page before; `None` for the first page), each as one JSON value per
    /// column in the classification's order. Pages follow the key (an index range each), so
    /// reading a large table page by page costs the same for the last page as the first.
    pub async fn backup_rows(
        &mut self,
        table: &str,
        after: Option<&[Value]>,
        limit: u64,
    ) -> Result<Vec<Vec<Value>>, StoreError> {
        let Some(Class::BackedUp { columns, order_by }) = class_of(table) else {
            return Err(StoreError::Backup(format!("{table} is not a table a backup holds")));
        };
        let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        let keys: Vec<&str> = order_by.split(',').map(str::trim).collect();
        let mut key_values = Vec::new();
        if let Some(after) = after {
            for key in &keys {
                let i = names.iter().position(|n| n == key).expect("a table's key columns are among its columns");
                let value = after.get(i).ok_or_else(|| StoreError::Backup(format!("a row of {table} is short")))?;
                key_values.push(bind_value(table, key, columns[i].1, value)?);
            }
        }
        let mut out = Vec::new();
        on_tx!(self, |conn| {
            let mut query = QueryBuilder::new(format!("SELECT {} FROM {table}", names.join(", ")));
            if !key_values.is_empty() {
                query.push(format!(" WHERE ({order_by}) > ("));
                for (n, value) in key_values.into_iter().enumerate() {
                    if n > 0 {
                        query.push(", ");
                    }
                    push_bound!(query, value);
                }
                query.push(")");
            }
            query.push(format!(" ORDER BY {order_by} LIMIT {limit}"));
            let rows = query.build().fetch_all(&mut *conn).await?;
            for row in &rows {
                let mut values = Vec::with_capacity(columns.len());
                for (i, (_, kind)) in columns.iter().enumerate() {
                    values.push(read_value!(row, i, *kind)?);
                }
                out.push(values);
            }
            Ok::<(), sqlx::Error>(())
        })?;
        Ok(out)
    }

    /// Writes rows of a backed-up table, as [`Transaction::backup_rows`] read them. The audit
    /// head (one row, made by the migrations) is moved rather than inserted.
    pub async fn restore_rows(&mut self, table: &str, rows: &[Vec<Value>]) -> Result<(), StoreError> {
        let columns = columns_of(table)?;
        let mut bound = Vec::with_capacity(rows.len());
        for row in rows {
            if row.len() != columns.len() {
                return Err(StoreError::Backup(format!(
                    "a row of {table} has {} values where {} were expected",
                    row.len(),
                    columns.len()
                )));
            }
            let values = columns
                .iter()
                .zip(row)
                .map(|((name, kind), value)| bind_value(table, name, *kind, value))
                .collect::<Result<Vec<_>, _>>()?;
            bound.push(values);
        }
        if table == "audit_head" {
            for values in &bound {
                let (Bound::Int8(Some(seq)), Bound::Bytes(Some(hash))) = (&values[1], &values[2]) else {
                    return Err(StoreError::Backup("the audit head is not a number and a hash".into()));
                };
                on_tx!(self, |conn| sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                    .bind(*seq)
                    .bind(hash.clone())
                    .execute(&mut *conn)
                    .await
                    .map(|_| ()))?;
            }
            return Ok(());
        }
        let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        let per_insert = (PARAMETERS_PER_INSERT / columns.len()).max(1);
        let overriding = matches!(self.inner, TxInner::Postgres(_)) && table == "events";
        for chunk in bound.chunks(per_insert) {
            on_tx!(self, |conn| {
                let mut insert = QueryBuilder::new(format!("INSERT INTO {table} ({}) ", names.join(", ")));
                if overriding {
                    // events.position is an identity column: the restored positions are kept.
                    insert.push("OVERRIDING SYSTEM VALUE ");
                }
                insert.push_values(chunk.iter(), |mut b, values| {
                    for value in values {
                        push_bound!(b, value.clone());
                    }
                });
                insert.build().execute(&mut *conn).await.map(|_| ())
            })
            .map_err(|e| StoreError::Backup(format!("the rows of {table} could not be restored: {e}")))?;
        }
        Ok(())
    }

    /// After a restore: lets the next event appended take the position after the last restored
    /// (PostgreSQL's identity sequence does not see explicit values; SQLite needs nothing).
    pub async fn finish_restore(&mut self) -> Result<(), StoreError> {
        if let TxInner::Postgres(tx) = &mut self.inner {
            sqlx::query(
                "SELECT setval(pg_get_serial_sequence('events', 'position'), COALESCE(MAX(position), 0) + 1, false) FROM events",
            )
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        assert_eq!(unhex(&hex(&[0, 1, 254, 255])), Some(vec![0, 1, 254, 255]));
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("abc"), None);
    }
}
