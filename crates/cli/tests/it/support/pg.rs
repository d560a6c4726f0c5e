//! Finding a PostgreSQL server for the test suite, in this order:
//!
//! 1. `DATABASE_URL`, if set (it must work: a set but broken URL is an error, not a fallback);
//! 2. `postgres://postgres@127.0.0.1:5432/postgres`;
//! 3. a throwaway server started here (initdb in a temporary folder, on a free port, stopped and
//!    removed when the test process exits), when PostgreSQL's server programs are installed.
//!
//! Each test gets a database of its own, created fresh and dropped afterwards. If none of the
//! three is possible the PostgreSQL tests fail, saying how to fix it, unless
//! `CAREFUL_SKIP_POSTGRES=1`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use careful_store::{DatabaseUrl, admin};

use super::block_on;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub struct PgServer {
    pub url: DatabaseUrl,
    pub origin: String,
}

static SERVER: OnceLock<Result<PgServer, String>> = OnceLock::new();

/// Whether the PostgreSQL tests were asked to be skipped.
pub fn skipped() -> bool {
    std::env::var("CAREFUL_SKIP_POSTGRES").is_ok_and(|v| v == "1")
}

/// The server the suite uses, found once per test process.
pub fn server() -> &'static PgServer {
    match SERVER.get_or_init(locate) {
        Ok(server) => server,
        Err(message) => panic!("{message}"),
    }
}

fn reachable(url: &DatabaseUrl) -> Result<(), String> {
    let url = url.clone();
    block_on(async move {
        let store = careful_store::Store::connect(&url).await.map_err(|e| e.to_string())?;
        store.close().await;
        Ok(())
    })
}

fn locate() -> Result<PgServer, String> {
    if let Some(url) = std::env::var("DATABASE_URL").ok().filter(|v| !v.trim().is_empty()) {
        let parsed: DatabaseUrl = url.parse().map_err(|e| format!("DATABASE_URL: {e}"))?;
        if parsed.engine() != careful_store::Engine::Postgres {
            return Err(format!("DATABASE_URL is {parsed}, but the PostgreSQL tests need a postgres:// URL"));
        }
        reachable(&parsed).map_err(|e| format!("DATABASE_URL is set, but {e}"))?;
        return Ok(PgServer { url: parsed, origin: "DATABASE_URL".into() });
    }
    let default: DatabaseUrl = DEFAULT_URL.parse().expect("default URL parses");
    let default_error = match reachable(&default) {
        Ok(()) => return Ok(PgServer { url: default, origin: DEFAULT_URL.into() }),
        Err(e) => e,
    };
    match start_throwaway() {
        Ok(server) => Ok(server),
        Err(throwaway_error) => Err(format!(
            "The PostgreSQL tests have no server to run against.\n\
             - DATABASE_URL is not set;\n\
             - {DEFAULT_URL} did not answer: {default_error};\n\
             - a throwaway server could not be started: {throwaway_error}.\n\
             Fix one of these: start PostgreSQL on 127.0.0.1:5432 with a trusted postgres user, \
             set DATABASE_URL to a server where that user may CREATE DATABASE, or install \
             PostgreSQL's server programs (Debian: apt-get install postgresql). To run without \
             PostgreSQL, set CAREFUL_SKIP_POSTGRES=1."
        )),
    }
}

fn find_program(name: &str) -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).map(|d| d.join(name)).collect()).unwrap_or_default();
    if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<PathBuf> =
            entries.filter_map(|e| e.ok()).map(|e| e.path().join("bin").join(name)).collect();
        versions.sort();
        versions.reverse();
        candidates.extend(versions);
    }
    candidates.into_iter().find(|p| p.is_file())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs a PostgreSQL program, as the `postgres` user when we are root (the server refuses to run
/// as root).
fn run_as_server_user(program: &Path, args: &[&str]) -> Result<(), String> {
    let mut command = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    let output = command.args(args).output().map_err(|e| format!("could not run {}: {e}", program.display()))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} failed: {}{}",
            program.display(),
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout)
        ))
    }
}

fn start_throwaway() -> Result<PgServer, String> {
    let initdb = find_program("initdb").ok_or("initdb is not installed")?;
    let pg_ctl = find_program("pg_ctl").ok_or("pg_ctl is not installed")?;
    let dir = std::env::temp_dir().join(format!("careful-test-pg-{}-{}", std::process::id(), super::unique()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if is_root() {
        let status = Command::new("chown").args(["postgres:postgres"]).arg(&dir).status();
        if !status.is_ok_and(|s| s.success()) {
            return Err(
                "running as root, and the postgres user (who must own the server's files) does not exist".into()
            );
        }
    }
    let data = dir.join("data");
    let data_arg = data.to_string_lossy().to_string();
    run_as_server_user(&initdb, &["-D", &data_arg, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let options = format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -F", dir.display());
    let log = dir.join("server.log").to_string_lossy().to_string();
    run_as_server_user(&pg_ctl, &["-D", &data_arg, "-o", &options, "-l", &log, "-w", "start"])?;
    // Stop and remove the server when this test process ends, however it ends.
    let watcher = format!(
        "while [ -d /proc/{pid} ]; do sleep 1; done; {pg_ctl} -D {data} stop -m immediate >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        pg_ctl = pg_ctl.display(),
        data = data_arg,
        dir = dir.display()
    );
    let mut command = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "sh", "-c", &watcher]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", &watcher]);
        c
    };
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start the clean-up watcher: {e}"))?;
    let url: DatabaseUrl = format!("postgres://postgres@127.0.0.1:{port}/postgres").parse().expect("valid URL");
    reachable(&url)?;
    Ok(PgServer { url, origin: format!("a throwaway server in {}", dir.display()) })
}

/// A PostgreSQL database of a test's own, dropped when the test ends.
pub struct PgDatabase {
    pub url: DatabaseUrl,
    name: String,
}

impl PgDatabase {
    pub fn create() -> PgDatabase {
        let server = server();
        let name = format!("careful_test_{}", super::unique());
        let url = {
            let server_url = server.url.clone();
            let name = name.clone();
            block_on(async move { admin::create_postgres_database(&server_url, &name).await })
                .unwrap_or_else(|e| panic!("could not create a test database on {}: {e}", server.origin))
        };
        PgDatabase { url, name }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let server_url = server().url.clone();
        let name = self.name.clone();
        if let Err(e) = block_on(async move { admin::drop_postgres_database(&server_url, &name).await }) {
            eprintln!("warning: could not drop test database {}: {e}", self.name);
        }
    }
}
