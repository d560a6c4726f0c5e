//! `careful backup` and `careful restore`: the whole database to one file and back, on either
//! engine (a backup of SQLite restores into PostgreSQL and the other way round).

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use careful_app::{App, SystemClock};

use crate::admin::{Common, DatabaseArg};
use crate::failure::Failure;
use crate::output::say;

#[derive(Args)]
pub struct BackupArgs {
    #[command(flatten)]
    common: Common,
    /// The file to write. careful writes FILE.partial, flushes it to disk and then renames it,
    /// so a file with this name is always a whole backup; an existing file is never overwritten.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// The database to restore into, which must be new and empty (careful makes its tables):
    /// sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database: String,
    /// The backup file made by careful backup. It is checked whole (format, versions, row
    /// counts and checksum) before anything is written.
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
}

pub async fn backup(args: BackupArgs) -> Result<(), Failure> {
    let (app, handle) = crate::admin::handle(&args.common).await?;
    let summary = handle.back_up(&args.out).await?;
    app.close().await;
    say!(
        "Backed up {} events, {} audit entries, {} accounts and {} rows in all to {} ({} bytes).",
        summary.rows("events"),
        summary.rows("audit_log"),
        summary.rows("accounts"),
        summary.total_rows(),
        args.out.display(),
        summary.bytes
    );
    say!("Sessions are not backed up: after a restore, everyone signs in again.");
    Ok(())
}

pub async fn restore(args: RestoreArgs) -> Result<(), Failure> {
    let db = DatabaseArg { database: args.database };
    let restored = App::restore(&db.database, &args.from, Arc::new(SystemClock)).await?;
    let shown = careful_app::redacted_database_url(&db.database);
    say!(
        "Restored {} events, {} audit entries and {} rows in all from {} into {shown}.",
        restored.summary.rows("events"),
        restored.summary.rows("audit_log"),
        restored.summary.total_rows(),
        args.from.display()
    );
    say!(
        "The backup was made {} by careful {} on {}.",
        restored.header.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
        restored.header.careful_version,
        restored.header.engine
    );
    say!("Rebuilt the projections of {} children from the event log.", restored.rebuilt);
    say!("The audit chain is intact: {} entries, the last recording this restore.", restored.audit_entries);
    Ok(())
}
