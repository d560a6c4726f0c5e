//! Backup and restore: the whole record in one file, engine-neutral, so a council can keep
//! copies, move between SQLite and PostgreSQL, and prove a copy is complete.
//!
//! # The file
//!
//! JSON lines (UTF-8, one JSON value a line):
//!
//! 1. a header: `{"format": "careful-backup", "format_version": 1, "careful_version", "engine",
//!    "schema_version", "created_at", "tables": [{"name", "columns", "rows"}...], "rebuilt",
//!    "left_out"}`, the rows counted in the same snapshot as they are read;
//! 2. every row of every backed-up table, table by table in [`careful_store::backup::TABLES`]'s
//!    order: `{"t": "events", "r": [value, ...]}`, the values in the header's column order
//!    (UUIDs as strings, bytes as hex, dates as YYYY-MM-DD, instants in RFC 3339 UTC, JSON
//!    columns as themselves);
//! 3. an end line: `{"end": "careful-backup", "rows": N, "sha256": "..."}`, the SHA-256 of every
//!    byte before it. A file without it was cut short; a file whose bytes do not hash to it was
//!    altered.
//!
//! The event log and the audit log are copied row for row (positions, sequences, hashes), so the
//! restored audit chain verifies. The projections (children list, duties, search index) are
//! rebuilt from the log after a restore; sessions and OpenID Connect sign-ins in progress are
//! left out, so everyone signs in again.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use careful_store::backup::{Class, TABLES};
use careful_store::{DatabaseUrl, Store};

use crate::access::{Action, Resource};
use crate::audit::{self, Actor, Event, Outcome};
use crate::auth::Client;
use crate::secret::hex;
use crate::{App, AppError, Clock, Settings, UserHandle};

/// What the first line says the file is.
pub const FORMAT: &str = "careful-backup";
/// The version of the file's layout this careful writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// Rows read from the database at a time.
const PAGE: u64 = 5_000;
/// Rows written to the database at a time.
const BATCH: usize = 2_000;
/// The setting recording which careful computed the projections: not restored, so that an
/// interrupted rebuild is finished the next time careful opens the database.
const PROJECTION_SETTING: &str = "projection_version";

/// The first line of a backup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    pub format_version: u32,
    pub careful_version: String,
    /// The engine backed up: sqlite or postgres.
    pub engine: String,
    /// The latest migration the database had.
    pub schema_version: i64,
    pub created_at: DateTime<Utc>,
    pub tables: Vec<TableHeader>,
    /// Tables rebuilt from the event log on restore.
    pub rebuilt: Vec<String>,
    /// Tables not backed up, and why.
    pub left_out: BTreeMap<String, String>,
}

/// One backed-up table: its columns and how many rows follow.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TableHeader {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: u64,
}

/// A row as written: the table first, so a line says what it is at a glance.
#[derive(Serialize)]
struct RowOut<'a> {
    t: &'a str,
    r: &'a [Value],
}

#[derive(Deserialize)]
struct RowLine {
    t: String,
    r: Vec<Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndLine {
    end: String,
    rows: u64,
    sha256: String,
}

/// What a backup or restore held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub file: PathBuf,
    /// Rows per table.
    pub tables: Vec<(String, u64)>,
    pub bytes: u64,
}

impl Summary {
    pub fn rows(&self, table: &str) -> u64 {
        self.tables.iter().find(|(t, _)| t == table).map_or(0, |(_, n)| *n)
    }

    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub summary: Summary,
    pub header: Header,
    /// Children whose projections were rebuilt.
    pub rebuilt: u64,
    /// Audit entries after the restore (the backup's, and the one recording the restore).
    pub audit_entries: u64,
}

fn bad(path: &Path, what: impl std::fmt::Display) -> AppError {
    AppError::Backup(format!("{} is not a backup careful can restore: {what}. Nothing was written", path.display()))
}

fn io(path: &Path, source: std::io::Error) -> AppError {
    AppError::Io { path: path.to_path_buf(), source }
}

/// A writer that hashes what passes through it.
struct Hashing<W: Write> {
    inner: W,
    digest: ring::digest::Context,
    bytes: u64,
}

impl<W: Write> Hashing<W> {
    fn line(&mut self, json: &impl Serialize) -> std::io::Result<()> {
        let mut text = serde_json::to_vec(json).map_err(std::io::Error::other)?;
        text.push(b'\n');
        self.digest.update(&text);
        self.bytes += text.len() as u64;
        self.inner.write_all(&text)
    }
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

fn latest_migration(store: &Store) -> i64 {
    Store::known_migrations(store.engine()).iter().map(|(v, _)| *v).max().unwrap_or(0)
}

fn engine_name(store: &Store) -> &'static str {
    match store.engine() {
        careful_store::Engine::Sqlite => "sqlite",
        careful_store::Engine::Postgres => "postgres",
    }
}

fn backed_up() -> impl Iterator<Item = (&'static str, &'static [(&'static str, careful_store::backup::Kind)])> {
    TABLES.iter().filter_map(|(name, class)| match class {
        Class::BackedUp { columns, .. } => Some((*name, *columns)),
        _ => None,
    })
}

impl UserHandle {
    /// Backs up the whole database to `out` (administrators): every backed-up table read in one
    /// snapshot while careful goes on serving, written to `out.partial`, flushed to disk and
    /// only then renamed to `out`. Audited.
    pub async fn back_up(&self, out: &Path) -> Result<Summary, AppError> {
        self.decide(Action::BackUp, Resource::Council, None).await?;
        if out.exists() {
            return Err(AppError::Backup(format!(
                "{} already exists: careful does not overwrite a file; choose another name",
                out.display()
            )));
        }
        let store = self.app().store();
        let partial = partial_path(out);
        let written = write_backup(store, self.app().now(), &partial).await;
        let summary = match written {
            Ok(summary) => summary,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
        std::fs::rename(&partial, out).map_err(|e| io(out, e))?;
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Make the rename itself durable (where the platform allows opening a folder).
            if let Ok(dir) = File::open(dir) {
                let _ = dir.sync_all();
            }
        }
        let summary = Summary { file: out.to_path_buf(), ..summary };
        let detail = format!(
            "Backed up {} events, {} audit entries, {} accounts and {} rows in all to {}",
            summary.rows("events"),
            summary.rows("audit_log"),
            summary.rows("accounts"),
            summary.total_rows(),
            out.display()
        );
        if let Err(e) = self
            .audit(Event::new(Action::BackUp.code(), Outcome::Allowed, detail).subject(out.display().to_string()))
            .await
        {
            // A backup nobody can see was taken must not be left lying about.
            let _ = std::fs::remove_file(out);
            return Err(e);
        }
        Ok(summary)
    }
}

async fn write_backup(store: &Store, now: DateTime<Utc>, partial: &Path) -> Result<Summary, AppError> {
    let mut snapshot = store.begin_snapshot().await?;
    snapshot.check_classified().await?;
    let mut tables = Vec::new();
    for (name, columns) in backed_up() {
        let rows = snapshot.count_rows(name).await?;
        tables.push(TableHeader {
            name: name.to_string(),
            columns: columns.iter().map(|(c, _)| c.to_string()).collect(),
            rows,
        });
    }
    let header = Header {
        format: FORMAT.to_string(),
        format_version: FORMAT_VERSION,
        careful_version: env!("CARGO_PKG_VERSION").to_string(),
        engine: engine_name(store).to_string(),
        schema_version: latest_migration(store),
        created_at: now,
        tables: tables.clone(),
        rebuilt: TABLES.iter().filter(|(_, c)| *c == Class::Rebuilt).map(|(n, _)| n.to_string()).collect(),
        left_out: TABLES
            .iter()
            .filter_map(|(n, c)| match c {
                Class::LeftOut(why) => Some((n.to_string(), why.to_string())),
                _ => None,
            })
            .collect(),
    };
    let file = File::create(partial).map_err(|e| io(partial, e))?;
    let mut w =
        Hashing { inner: BufWriter::new(file), digest: ring::digest::Context::new(&ring::digest::SHA256), bytes: 0 };
    w.line(&header).map_err(|e| io(partial, e))?;
    let mut total = 0;
    for table in &tables {
        let mut offset = 0;
        let mut after: Option<Vec<Value>> = None;
        loop {
            let rows = snapshot.backup_rows(&table.name, after.as_deref(), PAGE).await?;
            for r in &rows {
                w.line(&RowOut { t: &table.name, r }).map_err(|e| io(partial, e))?;
            }
            offset += rows.len() as u64;
            if (rows.len() as u64) < PAGE {
                break;
            }
            after = rows.into_iter().next_back();
        }
        if offset != table.rows {
            return Err(AppError::Backup(format!(
                "{} had {} rows when counted and {offset} when read: the snapshot did not hold; try again",
                table.name, table.rows
            )));
        }
        total += offset;
    }
    snapshot.rollback().await?;
    let sha256 = hex(w.digest.clone().finish().as_ref());
    let end = EndLine { end: FORMAT.to_string(), rows: total, sha256 };
    let mut end_line = serde_json::to_vec(&end).map_err(|e| AppError::Backup(e.to_string()))?;
    end_line.push(b'\n');
    w.inner.write_all(&end_line).map_err(|e| io(partial, e))?;
    let file = w.inner.into_inner().map_err(|e| io(partial, e.into_error()))?;
    file.sync_all().map_err(|e| io(partial, e))?;
    Ok(Summary {
        file: partial.to_path_buf(),
        tables: tables.iter().map(|t| (t.name.clone(), t.rows)).collect(),
        bytes: w.bytes + end_line.len() as u64,
    })
}

/// Reads a backup file through once: the header, every row's shape and count, the end line and
/// the checksum. Returns the header and the rows per table; nothing is written anywhere.
pub fn check_file(path: &Path) -> Result<(Header, Summary), AppError> {
    let file = File::open(path).map_err(|e| AppError::Backup(format!("cannot read {}: {e}", path.display())))?;
    let mut reader = BufReader::new(file);
    let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
    let mut line = Vec::new();
    let mut bytes = 0u64;
    let mut read = |reader: &mut BufReader<File>, line: &mut Vec<u8>| -> Result<bool, AppError> {
        line.clear();
        let n = reader.read_until(b'\n', line).map_err(|e| io(path, e))?;
        bytes += n as u64;
        Ok(n > 0)
    };
    if !read(&mut reader, &mut line)? {
        return Err(bad(path, "the file is empty"));
    }
    // The format and its version first, so a newer layout is named as such.
    let value: Value = serde_json::from_slice(&line)
        .map_err(|e| bad(path, format!("the first line is not a careful backup header ({e})")))?;
    let format = value.get("format").and_then(Value::as_str).unwrap_or_default();
    if format != FORMAT {
        return Err(bad(path, format!("its first line says it is {format:?}, not {FORMAT}")));
    }
    let version = value.get("format_version").and_then(Value::as_u64).unwrap_or_default();
    if version != u64::from(FORMAT_VERSION) {
        return Err(bad(
            path,
            format!("it is in format version {version}, and this careful reads version {FORMAT_VERSION}"),
        ));
    }
    let header: Header = serde_json::from_value(value)
        .map_err(|e| bad(path, format!("the first line is not a careful backup header ({e})")))?;
    for table in &header.tables {
        let known: Vec<String> = match careful_store::backup::class_of(&table.name) {
            Some(Class::BackedUp { columns, .. }) => columns.iter().map(|(c, _)| c.to_string()).collect(),
            _ => return Err(bad(path, format!("it holds a table, {}, this careful does not restore", table.name))),
        };
        if known != table.columns {
            return Err(bad(
                path,
                format!(
                    "its table {} has columns {} where this careful has {}",
                    table.name,
                    table.columns.join(", "),
                    known.join(", ")
                ),
            ));
        }
    }
    for (name, _) in backed_up() {
        if !header.tables.iter().any(|t| t.name == name) {
            return Err(bad(path, format!("it has no table {name}")));
        }
    }
    digest.update(&line);
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut order = 0usize;
    let mut end: Option<EndLine> = None;
    let mut line_no = 1u64;
    while read(&mut reader, &mut line)? {
        line_no += 1;
        if end.is_some() {
            return Err(bad(path, format!("line {line_no} comes after the end line")));
        }
        if !line.ends_with(b"\n") {
            return Err(bad(path, format!("line {line_no} is cut short: the file is truncated")));
        }
        if line.starts_with(b"{\"end\"") {
            let e: EndLine = serde_json::from_slice(&line)
                .map_err(|e| bad(path, format!("the end line (line {line_no}) cannot be read: {e}")))?;
            end = Some(e);
            continue;
        }
        digest.update(&line);
        let row: RowLine = serde_json::from_slice(&line)
            .map_err(|e| bad(path, format!("line {line_no} is not a row of a table ({e})")))?;
        let Some(position) = header.tables.iter().position(|t| t.name == row.t) else {
            return Err(bad(path, format!("line {line_no} is a row of {}, which the header does not list", row.t)));
        };
        if position < order {
            return Err(bad(path, format!("line {line_no} is a row of {} out of order", row.t)));
        }
        order = position;
        let table = &header.tables[position];
        if row.r.len() != table.columns.len() {
            return Err(bad(
                path,
                format!(
                    "line {line_no} has {} values where {} has {} columns",
                    row.r.len(),
                    table.name,
                    table.columns.len()
                ),
            ));
        }
        *counts.entry(row.t).or_default() += 1;
    }
    let Some(end) = end else {
        return Err(bad(
            path,
            "it has no end line: the file is truncated (the backup did not finish, or the copy was cut short)",
        ));
    };
    let actual = hex(digest.finish().as_ref());
    if end.sha256 != actual {
        return Err(bad(
            path,
            format!(
                "its checksum does not match its contents (the end line says {}, the contents hash to {actual}): the file has been altered or damaged",
                end.sha256
            ),
        ));
    }
    for table in &header.tables {
        let found = counts.get(&table.name).copied().unwrap_or(0);
        if found != table.rows {
            return Err(bad(
                path,
                format!("the header says {} has {} rows, and the file holds {found}", table.name, table.rows),
            ));
        }
    }
    let total: u64 = counts.values().sum();
    if end.end != FORMAT || end.rows != total {
        return Err(bad(path, format!("the end line says {} rows, and the file holds {total}", end.rows)));
    }
    let summary = Summary {
        file: path.to_path_buf(),
        tables: header.tables.iter().map(|t| (t.name.clone(), t.rows)).collect(),
        bytes,
    };
    Ok((header, summary))
}

/// What a database holds that makes it not empty, in words ("1,204 events, 3 accounts").
async fn contents(store: &Store) -> Result<Vec<String>, AppError> {
    let mut tx = store.begin_snapshot().await?;
    let existing: Vec<String> = tx.tables().await?.into_iter().map(|(t, _)| t).collect();
    let mut found = Vec::new();
    for (name, _) in TABLES {
        if *name == "_sqlx_migrations" || !existing.iter().any(|t| t == name) {
            continue;
        }
        let n = match *name {
            // The migrations make the head row; the audit log's own rows are counted.
            "audit_head" => 0,
            // careful notes which projections it computed in any database it opens.
            "settings" => {
                let all = tx.backup_rows("settings", None, 1_000_000).await?;
                all.iter().filter(|r| r.first().and_then(Value::as_str) != Some(PROJECTION_SETTING)).count() as u64
            }
            _ => tx.count_rows(name).await?,
        };
        if n > 0 {
            found.push(format!("{n} {} in {name}", if n == 1 { "row" } else { "rows" }));
        }
    }
    tx.rollback().await?;
    Ok(found)
}

impl App {
    /// Restores a backup into an empty database: checks the whole file first (header, versions,
    /// every row's shape, the checksum), brings the database's schema up to date, refuses it if
    /// it holds anything, then writes every row in one transaction with an audit entry recording
    /// the restore, rebuilds the projections from the event log and verifies the audit chain.
    /// Needs no sign-in: the database is empty, so it has no accounts; the backup's own accounts
    /// and audit log come with it.
    pub async fn restore(url: &str, from: &Path, clock: std::sync::Arc<dyn Clock>) -> Result<Restored, AppError> {
        let (header, summary) = check_file(from)?;
        let url: DatabaseUrl = url.parse()?;
        let store = Store::connect(&url).await?;
        let result = restore_into(store.clone(), &url, from, header, summary, clock).await;
        store.close().await;
        result
    }
}

async fn restore_into(
    store: Store,
    url: &DatabaseUrl,
    from: &Path,
    header: Header,
    summary: Summary,
    clock: std::sync::Arc<dyn Clock>,
) -> Result<Restored, AppError> {
    let latest = latest_migration(&store);
    if header.schema_version != latest {
        return Err(AppError::Backup(format!(
            "{} was made by a careful whose database schema is at migration {}, and this careful's is at {latest}: restore it with the careful version that made it ({}), then upgrade. Nothing was written",
            from.display(),
            header.schema_version,
            header.careful_version
        )));
    }
    // Refused before the schema is touched if careful's tables hold anything; checked again
    // once the migrations have run.
    let found = contents(&store).await?;
    if found.is_empty() {
        store.migrate().await?;
    }
    let found = if found.is_empty() { contents(&store).await? } else { found };
    if !found.is_empty() {
        return Err(AppError::Backup(format!(
            "the database at {url} is not empty: it holds {}. careful restores only into a new, empty database, so nothing was written",
            found.join(", ")
        )));
    }
    let app = App::from_store(store.clone(), Settings::command_line(), clock);
    let mut tx = store.begin().await?;
    let file = File::open(from).map_err(|e| io(from, e))?;
    let mut lines = BufReader::new(file).lines();
    // Skip the header: the file was checked whole a moment ago. Rows are checked again as they
    // are bound, and the checksum is recomputed so a file changed since is caught before commit.
    let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
    let first = lines.next().transpose().map_err(|e| io(from, e))?.unwrap_or_default();
    digest.update(first.as_bytes());
    digest.update(b"\n");
    let mut batch: Vec<Vec<Value>> = Vec::new();
    let mut batch_table = String::new();
    let mut end_sha = None;
    for line in lines {
        let line = line.map_err(|e| io(from, e))?;
        if line.starts_with("{\"end\"") {
            let end: EndLine = serde_json::from_str(&line).map_err(|e| bad(from, e))?;
            end_sha = Some(end.sha256);
            break;
        }
        digest.update(line.as_bytes());
        digest.update(b"\n");
        let row: RowLine = serde_json::from_str(&line).map_err(|e| bad(from, e))?;
        if row.t != batch_table || batch.len() >= BATCH {
            flush(&mut tx, &batch_table, &mut batch).await?;
            batch_table = row.t.clone();
        }
        if row.t == "settings" && row.r.first().and_then(Value::as_str) == Some(PROJECTION_SETTING) {
            continue;
        }
        batch.push(row.r);
    }
    flush(&mut tx, &batch_table, &mut batch).await?;
    if end_sha.as_deref() != Some(hex(digest.finish().as_ref()).as_str()) {
        return Err(bad(from, "it changed while it was being restored"));
    }
    tx.finish_restore().await?;
    audit::write(
        &mut tx,
        app.now(),
        &Actor { account: None, name: "careful restore".into() },
        &Client::command_line(),
        Event::new(
            "database.restore",
            Outcome::Allowed,
            format!(
                "Restored {} events, {} audit entries and {} rows in all from {} (a backup of a {} database made {} by careful {})",
                summary.rows("events"),
                summary.rows("audit_log"),
                summary.total_rows(),
                from.display(),
                header.engine,
                header.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                header.careful_version
            ),
        )
        .subject(from.display().to_string()),
    )
    .await?;
    tx.commit().await?;
    let rebuilt = app.rebuild_projections().await?;
    let verification = audit::verify(&store).await?;
    if !verification.is_intact() {
        return Err(AppError::Backup(format!(
            "the restored audit chain does not verify ({} problems; the first: entry {}: {}). The database at {url} holds the restored data: check it with careful audit verify before using it",
            verification.problems.len(),
            verification.problems[0].seq,
            verification.problems[0].what
        )));
    }
    Ok(Restored { summary, header, rebuilt, audit_entries: verification.entries })
}

async fn flush(tx: &mut careful_store::Transaction, table: &str, batch: &mut Vec<Vec<Value>>) -> Result<(), AppError> {
    if !batch.is_empty() {
        tx.restore_rows(table, batch).await?;
        batch.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file with every backed-up table empty but `settings`, which holds `rows`, and an end
    /// line with the right checksum; `edit` changes the lines before the checksum is taken.
    fn file(rows: &[Value], edit: impl FnOnce(&mut Vec<String>)) -> (tempdir::Dir, PathBuf) {
        let tables = backed_up()
            .map(|(name, columns)| TableHeader {
                name: name.to_string(),
                columns: columns.iter().map(|(c, _)| c.to_string()).collect(),
                rows: if name == "settings" { rows.len() as u64 } else { 0 },
            })
            .collect();
        let header = Header {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            careful_version: "0.1.0".into(),
            engine: "sqlite".into(),
            schema_version: 10,
            created_at: chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap(),
            tables,
            rebuilt: vec![],
            left_out: BTreeMap::new(),
        };
        let mut lines = vec![serde_json::to_string(&header).unwrap()];
        for r in rows {
            lines.push(serde_json::to_string(&serde_json::json!({"t": "settings", "r": r})).unwrap());
        }
        edit(&mut lines);
        let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let sha = hex(ring::digest::digest(&ring::digest::SHA256, body.as_bytes()).as_ref());
        let end = format!("{{\"end\":\"careful-backup\",\"rows\":{},\"sha256\":\"{sha}\"}}\n", rows.len());
        let dir = tempdir::Dir::new();
        let path = dir.0.join("test.backup");
        std::fs::write(&path, format!("{body}{end}")).unwrap();
        (dir, path)
    }

    mod tempdir {
        pub struct Dir(pub std::path::PathBuf);
        impl Dir {
            pub fn new() -> Dir {
                let path = std::env::temp_dir().join(format!("careful-backup-test-{}", uuid::Uuid::now_v7()));
                std::fs::create_dir_all(&path).unwrap();
                Dir(path)
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    fn refusal(path: &Path) -> String {
        check_file(path).unwrap_err().to_string()
    }

    #[test]
    fn a_well_formed_file_passes() {
        let (_dir, path) = file(&[serde_json::json!(["council", "Eastmoor"])], |_| {});
        let (header, summary) = check_file(&path).unwrap();
        assert_eq!(header.schema_version, 10);
        assert_eq!(summary.rows("settings"), 1);
        assert_eq!(summary.total_rows(), 1);
    }

    #[test]
    fn a_newer_format_is_named() {
        let (_dir, path) =
            file(&[], |lines| lines[0] = lines[0].replace("\"format_version\":1", "\"format_version\":2"));
        assert!(refusal(&path).contains("format version 2, and this careful reads version 1"), "{}", refusal(&path));
    }

    #[test]
    fn a_row_with_the_wrong_number_of_values_is_refused() {
        let (_dir, path) = file(&[serde_json::json!(["council"])], |_| {});
        assert!(refusal(&path).contains("line 2 has 1 values where settings has 2 columns"), "{}", refusal(&path));
    }

    #[test]
    fn rows_the_header_does_not_count_are_refused() {
        let (_dir, path) = file(&[serde_json::json!(["a", "b"])], |lines| {
            lines.push(r#"{"t":"settings","r":["c","d"]}"#.into());
        });
        assert!(
            refusal(&path).contains("the header says settings has 1 rows, and the file holds 2"),
            "{}",
            refusal(&path)
        );
    }

    #[test]
    fn a_table_this_careful_does_not_know_is_refused() {
        let (_dir, path) = file(&[], |lines| {
            lines.push(r#"{"t":"secrets","r":["c","d"]}"#.into());
        });
        assert!(refusal(&path).contains("a row of secrets, which the header does not list"), "{}", refusal(&path));
    }

    #[test]
    fn anything_after_the_end_line_is_refused() {
        let (_dir, path) = file(&[], |_| {});
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("{\"t\":\"settings\",\"r\":[\"a\",\"b\"]}\n");
        std::fs::write(&path, text).unwrap();
        assert!(refusal(&path).contains("comes after the end line"), "{}", refusal(&path));
    }

    #[test]
    fn an_empty_file_or_another_kind_of_file_is_refused() {
        let dir = tempdir::Dir::new();
        let path = dir.0.join("x");
        std::fs::write(&path, "").unwrap();
        assert!(refusal(&path).contains("the file is empty"));
        std::fs::write(&path, "child,name\n1,Ada\n").unwrap();
        assert!(refusal(&path).contains("the first line is not a careful backup header"), "{}", refusal(&path));
        std::fs::write(&path, "{\"format\":\"something-else\"}\n").unwrap();
        assert!(refusal(&path).contains("not careful-backup"), "{}", refusal(&path));
    }
}
