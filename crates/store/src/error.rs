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

    /// The database was brought up to date by a newer careful: this one does not know its
    /// schema, so it touches nothing.
    #[error(
        "this database has been used by a newer careful: its schema has migration {version}, \
         which this careful does not know. Nothing was changed; run the newer careful (or a \
         newer one still) on it, or restore a backup taken with this version"
    )]
    NewerDatabase { version: i64 },

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

    /// What the driver said; its [`Fault`] decides the message and the answer careful gives.
    #[error("{}", database_message(.0))]
    Database(#[from] sqlx::Error),
}

/// What kind of failure a store error is, for what careful tells the person and whether trying
/// again can help. The one place that sorts the drivers' errors: the web pages and the command
/// line both ask [`StoreError::fault`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The database could not be reached, or stayed busy (locked by another program) longer than
    /// careful waits: the transaction was not committed, so nothing was saved. Try again later.
    Unavailable,
    /// The database could not write to its disk because it is full (or the file is over a size
    /// limit): the transaction was not committed, so nothing was saved. Try again once space is
    /// freed.
    StorageFull,
    /// Anything else: a fault in careful or in the database's contents.
    Other,
}

/// The driver's message with what it means for the person.
fn database_message(error: &sqlx::Error) -> String {
    let detail = describe(error);
    match fault_of(error) {
        Fault::Unavailable => format!(
            "careful could not reach its database, or it stayed busy ({detail}). Nothing was saved; try \
             again in a few minutes. If this keeps happening, check that the database is running and \
             that no other program holds it locked"
        ),
        Fault::StorageFull => format!(
            "the database could not write to its disk, which is full or over its size limit ({detail}). \
             Nothing was saved; free some space on the database's disk and try again"
        ),
        Fault::Other => format!("the database refused the request: {detail}"),
    }
}

/// Sorts a driver's error: the connection lost or refused, waiting too long for a connection or
/// for SQLite's lock, and PostgreSQL's shutdown or connection errors are
/// [`Fault::Unavailable`]; a full disk is [`Fault::StorageFull`]; everything else (a constraint,
/// a query careful got wrong, a damaged file) is [`Fault::Other`].
pub fn fault_of(error: &sqlx::Error) -> Fault {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => {
            Fault::Unavailable
        }
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                code.parse::<i32>().map_or(Fault::Other, sqlite_fault)
            } else {
                sqlstate_fault(&code)
            }
        }
        _ => Fault::Other,
    }
}

/// SQLite's (extended) result code: busy or locked beyond the busy timeout, or a file that
/// cannot be opened, is unavailable; `SQLITE_FULL`, and a write the system refused
/// (`SQLITE_IOERR_WRITE`: the file over its size limit, EFBIG, or no space), is a full disk.
pub fn sqlite_fault(code: i32) -> Fault {
    const SQLITE_IOERR_WRITE: i32 = 10 | (3 << 8);
    match code & 0xff {
        5 | 6 | 14 => Fault::Unavailable,
        13 => Fault::StorageFull,
        10 if code == SQLITE_IOERR_WRITE => Fault::StorageFull,
        _ => Fault::Other,
    }
}

/// PostgreSQL's SQLSTATE: class 08 (connection exception) and 57P01-57P03 (the server shutting
/// down or starting) are unavailable; 53100 (disk_full) is a full disk; the rest of class 53
/// (insufficient resources: out of memory, too many connections) is unavailable, since waiting
/// can help.
pub fn sqlstate_fault(code: &str) -> Fault {
    match code {
        "53100" => Fault::StorageFull,
        "57P01" | "57P02" | "57P03" => Fault::Unavailable,
        _ if code.starts_with("08") || code.starts_with("53") => Fault::Unavailable,
        _ => Fault::Other,
    }
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

    /// What kind of failure this is: see [`Fault`].
    pub fn fault(&self) -> Fault {
        match self {
            StoreError::Unreachable { .. } => Fault::Unavailable,
            StoreError::Database(error) => fault_of(error),
            _ => Fault::Other,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_codes_are_sorted_by_what_trying_again_can_do() {
        // SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT (517), SQLITE_LOCKED, SQLITE_CANTOPEN.
        for code in [5, 517, 6, 14] {
            assert_eq!(sqlite_fault(code), Fault::Unavailable, "{code}");
        }
        // SQLITE_FULL and SQLITE_IOERR_WRITE (778).
        assert_eq!(sqlite_fault(13), Fault::StorageFull);
        assert_eq!(sqlite_fault(778), Fault::StorageFull);
        // A constraint (19, 2067 unique, 1555 primary key), a read error (266), a damaged file
        // (11), an error in SQL (1), out of memory (7), a read-only database (8) are not.
        for code in [19, 2067, 1555, 266, 10, 11, 1, 7, 8] {
            assert_eq!(sqlite_fault(code), Fault::Other, "{code}");
        }
    }

    #[test]
    fn postgres_sqlstates_are_sorted_by_what_trying_again_can_do() {
        for code in ["08000", "08003", "08006", "08001", "57P01", "57P02", "57P03", "53000", "53200", "53300"] {
            assert_eq!(sqlstate_fault(code), Fault::Unavailable, "{code}");
        }
        assert_eq!(sqlstate_fault("53100"), Fault::StorageFull);
        // Unique and foreign-key violations, a serialization failure, a syntax error, a query
        // cancelled, an I/O error reading a page, an unknown database: not.
        for code in ["23505", "23503", "40001", "42601", "57014", "58030", "3D000", ""] {
            assert_eq!(sqlstate_fault(code), Fault::Other, "{code}");
        }
    }

    #[test]
    fn driver_errors_are_sorted_and_say_whether_anything_was_saved() {
        let lost = sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "connection reset"));
        assert_eq!(fault_of(&lost), Fault::Unavailable);
        assert_eq!(fault_of(&sqlx::Error::PoolTimedOut), Fault::Unavailable);
        assert_eq!(fault_of(&sqlx::Error::PoolClosed), Fault::Unavailable);
        assert_eq!(fault_of(&sqlx::Error::RowNotFound), Fault::Other);
        assert_eq!(fault_of(&sqlx::Error::Protocol("unexpected message".into())), Fault::Other);
        let message = StoreError::Database(sqlx::Error::PoolTimedOut).to_string();
        assert!(message.contains("could not reach its database") && message.contains("Nothing was saved"), "{message}");
        assert_eq!(StoreError::Database(sqlx::Error::RowNotFound).fault(), Fault::Other);
        assert_eq!(StoreError::Migration { detail: String::new() }.fault(), Fault::Other);
    }
}
