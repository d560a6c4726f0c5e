//! careful's storage: the append-only event log, its projections (the search index among them),
//! accounts and sessions, access grants, the hash-chained audit log and published figures to
//! benchmark against, on SQLite or PostgreSQL.
//!
//! One API over two engines. Queries are written once in portable SQL and run on whichever pool
//! is configured ([`Store::Sqlite`] or [`Store::Postgres`]); only the migrations differ, because
//! the two engines' DDL does (`migrations/sqlite`, `migrations/postgres`, kept in step by a test
//! that compares the resulting schemas). The store holds no business rules: it keeps what it is
//! given, in order, and refuses to let anything already written change.

#![forbid(unsafe_code)]

mod access;
mod accounts;
pub mod admin;
mod audit;
pub mod backup;
mod benchmarks;
mod data_quality;
mod error;
mod event_log;
mod organisation;
mod projection;
mod search;
mod settings;
mod url;

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

pub use access::{AlertRow, CaseloadQuery, CaseloadRow, ChildAccessRow, GrantRow, RestrictionRow};
pub use accounts::{AccountRow, NewAccount, RoleRow, SessionRow, TokenRow};
pub use audit::{AuditFilter, AuditHead, AuditRow};
pub use benchmarks::{BenchmarkFigureRow, BenchmarkImport};
pub use data_quality::Flag;
pub use error::{Fault, StoreError, fault_of, sqlite_fault, sqlstate_fault};
pub use event_log::{AppendOutcome, LogPosition};
pub use projection::{ChildRow, DutyRow, Scope, WorklistItem, WorklistQuery};
pub use search::{Found, FoundPerson, NameTerms, PeopleQuery, SearchEntry};
pub use url::{DatabaseUrl, Engine};

/// Runs the same code against whichever engine's pool (or transaction) is configured. The
/// body is compiled once per engine, so each runs with its own driver's types.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match $store {
            $crate::Store::Sqlite($pool, _) => $body,
            $crate::Store::Postgres($pool) => $body,
        }
    };
}

macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match &mut $tx.inner {
            $crate::TxInner::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::TxInner::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// Runs the same code on a pool or inside a transaction, for reads that use cases make both
/// ways. `$exec` is the pool or the transaction's connection.
macro_rules! on_db {
    ($db:expr, |$exec:ident| $body:expr) => {
        match $db {
            $crate::Db::Pool($crate::Store::Sqlite($exec, _)) => $body,
            $crate::Db::Pool($crate::Store::Postgres($exec)) => $body,
            $crate::Db::Tx(tx) => match &mut tx.inner {
                $crate::TxInner::Sqlite(t) => {
                    let $exec = &mut **t;
                    $body
                }
                $crate::TxInner::Postgres(t) => {
                    let $exec = &mut **t;
                    $body
                }
            },
        }
    };
}

pub(crate) use {on_db, on_pool, on_tx};

/// Where a read runs: on the pool, or inside a transaction (so that what is read and the audit
/// entry saying it was read are committed together).
pub(crate) enum Db<'a> {
    Pool(&'a Store),
    Tx(&'a mut Transaction),
}

/// A connection pool to careful's database.
#[derive(Clone, Debug)]
pub enum Store {
    /// SQLite, and the turns of this process's writers (see [`Store::begin`]).
    Sqlite(SqlitePool, WriteTurns),
    Postgres(PgPool),
}

/// SQLite allows one writer at a time; while one writes, the others poll for the lock, and
/// under steady load a poller can lose to newcomers again and again until it gives up (found by
/// `careful bench crash`: 16 people recording at once, one save refused after 10 s). So this
/// process's write transactions wait for their turn in a queue, first come first served, before
/// asking SQLite for the lock; another process (a command run beside the server) still waits on
/// SQLite's own busy timeout.
#[derive(Clone, Debug, Default)]
pub struct WriteTurns(Arc<tokio::sync::Mutex<()>>);

/// Whether a pooled connection is fit to hand out: the driver believes no transaction is open on
/// it. When a commit fails (the disk full, the connection cut) the database has already rolled
/// the transaction back, the driver's own rollback then fails, and the driver goes on counting
/// the transaction as open, so every later `BEGIN` on that connection would be refused. Such a
/// connection is closed (its transaction, if the database still had one, rolled back) and a new
/// one opened in its place.
fn in_step(conn: &mut impl sqlx::Connection) -> bool {
    !conn.is_in_transaction()
}

/// How long to wait for a PostgreSQL connection, or for SQLite's write lock, before giving up.
const WAIT: Duration = Duration::from_secs(10);

impl Store {
    /// Opens a pool. SQLite databases are created if missing and run in WAL mode with
    /// `synchronous = FULL`, so a commit that returns is on disk.
    pub async fn connect(url: &DatabaseUrl) -> Result<Store, StoreError> {
        match url.engine() {
            Engine::Sqlite => {
                let options: SqliteConnectOptions = url
                    .expose_secret()
                    .parse::<SqliteConnectOptions>()
                    .map_err(|e| StoreError::unreachable(url, &e))?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(WAIT)
                    // 32 MB of page cache per connection (SQLite's default is 2 MB), so that a
                    // large transaction's pages are written once, at commit, rather than spilled
                    // page by page as the transaction goes.
                    .pragma("cache_size", "-32768");
                // An in-memory database exists once per connection, so it gets exactly one.
                let in_memory = url.expose_secret().contains(":memory:");
                let pool = SqlitePoolOptions::new()
                    .max_connections(if in_memory { 1 } else { 8 })
                    .min_connections(if in_memory { 1 } else { 0 })
                    .idle_timeout(if in_memory { None } else { Some(Duration::from_secs(600)) })
                    .max_lifetime(if in_memory { None } else { Some(Duration::from_secs(1800)) })
                    .acquire_timeout(WAIT)
                    .before_acquire(|conn, _| Box::pin(async move { Ok(in_step(conn)) }))
                    .connect_with(options)
                    .await
                    .map_err(|e| StoreError::unreachable(url, &e))?;
                Ok(Store::Sqlite(pool, WriteTurns::default()))
            }
            Engine::Postgres => {
                let options: PgConnectOptions = url
                    .expose_secret()
                    .parse::<PgConnectOptions>()
                    .map_err(|e| StoreError::unreachable(url, &e))?
                    .application_name("careful");
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(WAIT)
                    .before_acquire(|conn, _| Box::pin(async move { Ok(in_step(conn)) }))
                    .connect_with(options)
                    .await
                    .map_err(|e| StoreError::unreachable(url, &e))?;
                Ok(Store::Postgres(pool))
            }
        }
    }

    /// Which engine this store runs on.
    pub fn engine(&self) -> Engine {
        match self {
            Store::Sqlite(..) => Engine::Sqlite,
            Store::Postgres(_) => Engine::Postgres,
        }
    }

    /// Brings the schema up to date. Safe to run at every start: migrations already applied are
    /// skipped, and each one runs in its own transaction.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let result = match self {
            Store::Sqlite(pool, _) => sqlx::migrate!("./migrations/sqlite").run(pool).await,
            Store::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await,
        };
        result.map_err(|e| match e {
            // sqlx checks what was applied against what it knows before applying anything.
            sqlx::migrate::MigrateError::VersionMissing(version) => StoreError::NewerDatabase { version },
            e => StoreError::Migration { detail: error::describe_migrate_error(&e) },
        })
    }

    /// The migrations this build of careful knows, as (version, description).
    pub fn known_migrations(engine: Engine) -> Vec<(i64, String)> {
        let migrator = match engine {
            Engine::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Engine::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.iter().map(|m| (m.version, m.description.to_string())).collect()
    }

    /// Whether the database answers a trivial query.
    pub async fn check_ready(&self) -> Result<(), StoreError> {
        on_pool!(self, |pool| sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Starts a write transaction. On SQLite it first waits its turn among this process's
    /// writers ([`WriteTurns`]; giving up after the same wait as for a connection), then takes
    /// the write lock at once (`BEGIN IMMEDIATE`), so a transaction that reads before it writes
    /// can never fail to upgrade.
    pub async fn begin(&self) -> Result<Transaction, StoreError> {
        Ok(match self {
            Store::Sqlite(pool, _) => {
                let turn = self.turn().await?;
                Transaction { inner: TxInner::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?), _turn: turn }
            }
            Store::Postgres(pool) => Transaction { inner: TxInner::Postgres(pool.begin().await?), _turn: None },
        })
    }

    /// On SQLite, this process's next writer's turn ([`WriteTurns`]), waited for as long as
    /// for a connection; on PostgreSQL, which has no such need, none.
    pub(crate) async fn turn(&self) -> Result<Option<tokio::sync::OwnedMutexGuard<()>>, StoreError> {
        match self {
            Store::Sqlite(_, turns) => Ok(Some(
                tokio::time::timeout(WAIT, turns.0.clone().lock_owned())
                    .await
                    .map_err(|_| sqlx::Error::PoolTimedOut)?,
            )),
            Store::Postgres(_) => Ok(None),
        }
    }

    /// Closes every connection, waiting for those in use to be returned.
    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await)
    }

    /// How many children, events, teams and workers the store holds.
    pub async fn counts(&self) -> Result<Counts, StoreError> {
        let (children, events, teams, workers): (i64, i64, i64, i64) = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM streams), (SELECT COUNT(*) FROM events), \
                 (SELECT COUNT(*) FROM teams), (SELECT COUNT(*) FROM workers)",
            )
            .fetch_one(pool)
            .await
        })?;
        Ok(Counts { children: children as u64, events: events as u64, teams: teams as u64, workers: workers as u64 })
    }
}

/// Sizes of what the store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub children: u64,
    pub events: u64,
    pub teams: u64,
    pub workers: u64,
}

/// A write transaction: everything done through it is committed together or not at all.
/// Dropping it without [`Transaction::commit`] rolls it back.
pub struct Transaction {
    inner: TxInner,
    /// An SQLite writer's turn, given up when the transaction ends.
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

pub(crate) enum TxInner {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Transaction {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await?,
            TxInner::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        match self.inner {
            TxInner::Sqlite(tx) => tx.rollback().await?,
            TxInner::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

impl Store {
    /// Brings the database's statistics up to date, after writing many records at once (an
    /// import, a synthetic council). Without it, until PostgreSQL's autovacuum gets round to
    /// it, the planner guesses that each child has thousands of events and reads a child's
    /// record with a parallel scan: measured at a million children, 10.5 ms a child's page
    /// instead of 2.8 (docs/performance.md).
    pub async fn analyze(&self) -> Result<(), StoreError> {
        on_pool!(self, |pool| sqlx::query("ANALYZE").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// The bytes the database takes on disk (PostgreSQL: the database; SQLite: its pages).
    pub async fn database_size(&self) -> Result<u64, StoreError> {
        let bytes: i64 = match self {
            Store::Sqlite(pool, _) => {
                sqlx::query_scalar("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
                    .fetch_one(pool)
                    .await?
            }
            Store::Postgres(pool) => {
                sqlx::query_scalar("SELECT pg_database_size(current_database())").fetch_one(pool).await?
            }
        };
        Ok(u64::try_from(bytes).unwrap_or(0))
    }
}
