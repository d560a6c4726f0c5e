use careful_domain::{ChildId, Sequence};

use crate::url::{DatabaseUrl, Engine};

/// Everything that can go wrong in the store, each with a message saying what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone else appended to the child's record since the writer read it. Nothing was
    /// written.
    #[error(
        "the record of child {child} has changed since it was read: it now ends at event \
         {current}, not {expected}. Nothing was saved; reload the child's record and try again"
    )]
    Conflict { child: ChildId, expected: Sequence, current: Sequence },

    #[error(
        "{url:?} is not a database URL careful understands: use sqlite://PATH for an SQLite \
         file or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE for PostgreSQL"
    )]
    InvalidUrl { url: String },

    #[error("cannot open the {engine} database at {url}: {detail}. {hint}")]
    Unreachable { engine: &'static str, url: String, detail: String, hint: String },

    #[error(
        "the database schema could not be brought up to date: {detail}. Nothing in this \
         migration was applied; check that the database belongs to careful and that this is \
         the newest careful"
    )]
    Migration { detail: String },

    /// A stored row that careful cannot read back; the log is damaged or was written by
    /// something other than careful.
    #[error("stored event {position} (child {child}, event {sequence}) cannot be read: {detail}")]
    Corrupt { position: i64, child: String, sequence: i64, detail: String },

    /// An event with the same ID is already in the log. Nothing was written.
    #[error(
        "an event being added to the record of child {child} is already in the log (same event \
         ID); each event is recorded once. Nothing was saved"
    )]
    DuplicateEvent { child: ChildId },

    #[error("a team or worker could not be saved: {detail}")]
    Organisation { detail: String },

    /// A backup or restore could not read or write a table's rows.
    #[error("{0}")]
    Backup(String),

    #[error("the database refused the request: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    pub(crate) fn unreachable(url: &DatabaseUrl, error: &sqlx::Error) -> StoreError {
        let detail = describe(error);
        let hint = match (url.engine(), error) {
            (Engine::Postgres, sqlx::Error::Io(_)) | (Engine::Postgres, sqlx::Error::PoolTimedOut) => {
                "Check that PostgreSQL is running and accepting connections at that host and port, \
                 and that DATABASE_URL (or --database) names it"
                    .to_string()
            }
            (Engine::Postgres, sqlx::Error::Database(db)) if db.code().as_deref() == Some("3D000") => {
                "Create the database first (for example: createdb NAME), or name one that exists".to_string()
            }
            (Engine::Postgres, sqlx::Error::Database(db))
                if matches!(db.code().as_deref(), Some("28P01") | Some("28000")) =>
            {
                "Check the user name and password in the database URL".to_string()
            }
            (Engine::Sqlite, _) => "Check that the folder exists and that careful can write to it, and that the file \
                 is an SQLite database"
                .to_string(),
            _ => "Check the database URL and that the database server is running".to_string(),
        };
        StoreError::Unreachable { engine: url.engine().name(), url: url.redacted(), detail, hint }
    }

    /// Whether this is an optimistic-concurrency conflict.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}

/// The driver's error in one line, without the Rust debug noise.
pub(crate) fn describe(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => db.message().to_string(),
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::PoolTimedOut => "timed out waiting for a connection".to_string(),
        other => other.to_string(),
    }
}

pub(crate) fn describe_migrate_error(error: &sqlx::migrate::MigrateError) -> String {
    match error {
        sqlx::migrate::MigrateError::Execute(e) => describe(e),
        sqlx::migrate::MigrateError::ExecuteMigration(e, version) => {
            format!("migration {version} failed: {}", describe(e))
        }
        other => other.to_string(),
    }
}
