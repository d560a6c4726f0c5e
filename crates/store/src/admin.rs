//! Creating and dropping whole databases: for benchmarks and test suites that need a database of
//! their own on a PostgreSQL server without touching any other.

use sqlx::Connection;
use sqlx::postgres::PgConnection;

use crate::{DatabaseUrl, Engine, StoreError};

fn check_name(name: &str) -> Result<(), StoreError> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && name.as_bytes()[0].is_ascii_lowercase();
    if ok {
        Ok(())
    } else {
        Err(StoreError::InvalidUrl { url: format!("database name {name:?} (use lower-case letters, digits and _)") })
    }
}

async fn admin_connection(server: &DatabaseUrl) -> Result<PgConnection, StoreError> {
    if server.engine() != Engine::Postgres {
        return Err(StoreError::InvalidUrl { url: server.redacted() });
    }
    PgConnection::connect(server.expose_secret()).await.map_err(|e| StoreError::unreachable(server, &e))
}

/// Creates database `name` on the PostgreSQL server `server` points at, and returns its URL.
pub async fn create_postgres_database(server: &DatabaseUrl, name: &str) -> Result<DatabaseUrl, StoreError> {
    check_name(name)?;
    let mut conn = admin_connection(server).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(&mut conn).await?;
    conn.close().await?;
    Ok(server.with_database(name))
}

/// Whether database `name` exists on the PostgreSQL server `server` points at.
pub async fn postgres_database_exists(server: &DatabaseUrl, name: &str) -> Result<bool, StoreError> {
    check_name(name)?;
    let mut conn = admin_connection(server).await?;
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1").bind(name).fetch_optional(&mut conn).await?;
    conn.close().await?;
    Ok(found.is_some())
}

/// Drops database `name` on the server, disconnecting anyone still using it.
pub async fn drop_postgres_database(server: &DatabaseUrl, name: &str) -> Result<(), StoreError> {
    check_name(name)?;
    let mut conn = admin_connection(server).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}
