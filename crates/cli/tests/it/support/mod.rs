//! What every integration test shares: databases on both engines, the real `careful` binary,
//! and an HTTP client.

pub mod accounts;
pub mod oidc;
pub mod pg;
pub mod practice;
pub mod process;
pub mod web;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use careful_store::{DatabaseUrl, Store};

/// The two engines every store and server test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Runs `future` to completion on a runtime of its own, on a thread of its own, so it can be
/// called from synchronous code (Drop) and from inside other runtimes alike.
pub fn block_on<T: Send + 'static>(future: impl std::future::Future<Output = T> + Send + 'static) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(future)
    })
    .join()
    .expect("the helper thread finished")
}

/// A name no other test in any concurrent run will use.
pub fn unique() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        uuid::Uuid::now_v7().simple().to_string().get(20..).unwrap_or_default()
    )
}

/// A temporary folder, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let path = std::env::temp_dir().join(format!("careful-test-{}", unique()));
        std::fs::create_dir_all(&path).expect("create temporary folder");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh, empty database on one engine, removed when dropped.
pub enum TestDb {
    Sqlite { url: DatabaseUrl, _dir: TempDir },
    Postgres(pg::PgDatabase),
}

impl TestDb {
    /// A new database, or `None` when the engine is PostgreSQL and CAREFUL_SKIP_POSTGRES=1.
    pub fn new(engine: Engine) -> Option<TestDb> {
        match engine {
            Engine::Sqlite => {
                let dir = TempDir::new();
                let url = DatabaseUrl::sqlite_file(&dir.path().join("careful.db"));
                Some(TestDb::Sqlite { url, _dir: dir })
            }
            Engine::Postgres if pg::skipped() => {
                eprintln!("skipped: CAREFUL_SKIP_POSTGRES=1");
                None
            }
            Engine::Postgres => Some(TestDb::Postgres(pg::PgDatabase::create())),
        }
    }

    pub fn url(&self) -> &DatabaseUrl {
        match self {
            TestDb::Sqlite { url, .. } => url,
            TestDb::Postgres(db) => &db.url,
        }
    }

    /// The URL with any password, for handing to the careful binary.
    pub fn url_string(&self) -> String {
        self.url().expose_secret().to_string()
    }

    /// A migrated store on this database.
    pub async fn store(&self) -> Store {
        let store = Store::connect(self.url()).await.expect("connect to the test database");
        store.migrate().await.expect("migrate the test database");
        store
    }
}

/// Declares a test that runs once on SQLite and once on PostgreSQL. The test is an async
/// function taking the [`Engine`].
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::support::Engine::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::support::Engine::Postgres).await
                }
            }
        )+
    };
}
