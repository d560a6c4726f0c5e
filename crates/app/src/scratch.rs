//! Scratch databases for benchmarks: made for one measurement and removed after, so nothing
//! already stored is touched.

use std::path::PathBuf;

use careful_store::{DatabaseUrl, Engine, admin};

use crate::AppError;

/// A database that exists for the length of a benchmark.
pub struct ScratchDatabase(Scratch);

enum Scratch {
    Sqlite { dir: PathBuf, url: DatabaseUrl },
    Postgres { server: DatabaseUrl, name: String, url: DatabaseUrl },
}

impl ScratchDatabase {
    /// A new, empty database: on the PostgreSQL server `server` names (the user needs the
    /// CREATEDB privilege), or an SQLite file in a temporary folder.
    pub async fn create(server: Option<&str>) -> Result<ScratchDatabase, AppError> {
        let suffix = uuid::Uuid::now_v7().simple().to_string()[12..].to_string();
        match server.map(str::parse::<DatabaseUrl>).transpose()? {
            Some(server) if server.engine() == Engine::Postgres => {
                let name = format!("careful_bench_{suffix}");
                let url = admin::create_postgres_database(&server, &name).await?;
                Ok(ScratchDatabase(Scratch::Postgres { server, name, url }))
            }
            _ => {
                let dir = std::env::temp_dir().join(format!("careful-bench-{suffix}"));
                std::fs::create_dir_all(&dir).map_err(|e| AppError::Io { path: dir.clone(), source: e })?;
                let url = DatabaseUrl::sqlite_file(&dir.join("bench.db"));
                Ok(ScratchDatabase(Scratch::Sqlite { dir, url }))
            }
        }
    }

    /// The database's URL, to open with [`crate::App::open`].
    pub fn url(&self) -> &str {
        match &self.0 {
            Scratch::Sqlite { url, .. } | Scratch::Postgres { url, .. } => url.expose_secret(),
        }
    }

    /// The engine's name.
    pub fn engine(&self) -> &'static str {
        match &self.0 {
            Scratch::Sqlite { .. } => Engine::Sqlite.name(),
            Scratch::Postgres { .. } => Engine::Postgres.name(),
        }
    }

    /// Removes the database.
    pub async fn remove(self) -> Result<(), AppError> {
        match self.0 {
            Scratch::Sqlite { dir, .. } => {
                std::fs::remove_dir_all(&dir).map_err(|e| AppError::Io { path: dir, source: e })
            }
            Scratch::Postgres { server, name, .. } => Ok(admin::drop_postgres_database(&server, &name).await?),
        }
    }
}
