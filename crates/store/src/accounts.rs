//! Accounts, their role history, sessions, personal access tokens and OIDC sign-ins in
//! progress. The store keeps what it is given: what a role allows, how long a session lasts and
//! how passwords are hashed are decided in `careful-app`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use careful_domain::WorkerId;

use crate::{Db, Store, StoreError, Transaction, on_db, on_pool, on_tx};

/// An account as stored, with its role now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub worker: Option<WorkerId>,
    pub password_hash: Option<String>,
    pub totp_secret: Option<Vec<u8>>,
    pub totp_last_step: Option<i64>,
    pub failed_attempts: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub synthetic: bool,
    /// The latest row of the account's role history.
    pub role: RoleRow,
}

/// One row of an account's role history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRow {
    pub n: i32,
    pub role: String,
    pub service: Option<String>,
    pub valid_from: DateTime<Utc>,
    pub changed_by: Option<Uuid>,
    pub reason: Option<String>,
}

/// A new account and its first role.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub worker: Option<WorkerId>,
    pub password_hash: Option<String>,
    pub created_at: DateTime<Utc>,
    pub synthetic: bool,
    pub role: String,
    pub service: Option<String>,
    pub created_by: Option<Uuid>,
    pub reason: Option<String>,
}

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id_hash: Vec<u8>,
    pub account: Uuid,
    pub stage: String,
    pub method: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A personal access token as stored (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: Uuid,
    pub account: Uuid,
    pub name: String,
    pub token_hash: Vec<u8>,
    pub scopes: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

type AccountTuple = (
    Uuid,
    String,
    String,
    Option<Uuid>,
    Option<String>,
    Option<Vec<u8>>,
    Option<i64>,
    i32,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
    i16,
);

type RoleTuple = (i32, String, Option<String>, DateTime<Utc>, Option<Uuid>, Option<String>);

const ACCOUNT_COLUMNS: &str = "id, username, display_name, worker_id, password_hash, totp_secret, totp_last_step, \
     failed_attempts, locked_until, disabled_at, created_at, synthetic";

fn role_from(r: RoleTuple) -> RoleRow {
    RoleRow { n: r.0, role: r.1, service: r.2, valid_from: r.3, changed_by: r.4, reason: r.5 }
}

async fn account_where(db: Db<'_>, condition: &str, value: AccountKey<'_>) -> Result<Option<AccountRow>, StoreError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {condition}");
    let mut db = db;
    let row: Option<AccountTuple> = match value {
        AccountKey::Id(id) => on_db!(&mut db, |exec| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id)
            .fetch_optional(exec)
            .await)?,
        AccountKey::Text(text) => on_db!(&mut db, |exec| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(text.to_string())
            .fetch_optional(exec)
            .await)?,
    };
    let Some(row) = row else { return Ok(None) };
    let role: Option<RoleTuple> = on_db!(&mut db, |exec| sqlx::query_as(
        "SELECT n, role, service, valid_from, changed_by, reason FROM account_roles WHERE account_id = $1 \
         ORDER BY n DESC LIMIT 1"
    )
    .bind(row.0)
    .fetch_optional(exec)
    .await)?;
    let Some(role) = role else {
        return Err(StoreError::Corrupt {
            position: -1,
            child: String::new(),
            sequence: -1,
            detail: format!("account {} has no role", row.1),
        });
    };
    Ok(Some(account_from(row, role_from(role))))
}

enum AccountKey<'a> {
    Id(Uuid),
    Text(&'a str),
}

fn account_from(r: AccountTuple, role: RoleRow) -> AccountRow {
    AccountRow {
        id: r.0,
        username: r.1,
        display_name: r.2,
        worker: r.3.map(WorkerId::from_uuid),
        password_hash: r.4,
        totp_secret: r.5,
        totp_last_step: r.6,
        failed_attempts: r.7,
        locked_until: r.8,
        disabled_at: r.9,
        created_at: r.10,
        synthetic: r.11 != 0,
        role,
    }
}

impl Store {
    /// The account with this username (lower case), if any.
    pub async fn account_by_username(&self, username: &str) -> Result<Option<AccountRow>, StoreError> {
        account_where(Db::Pool(self), "username = $1", AccountKey::Text(username)).await
    }

    /// The account with this ID, if any.
    pub async fn account(&self, id: Uuid) -> Result<Option<AccountRow>, StoreError> {
        account_where(Db::Pool(self), "id = $1", AccountKey::Id(id)).await
    }

    /// Every account, by username, each with its role now.
    pub async fn accounts(&self) -> Result<Vec<AccountRow>, StoreError> {
        let rows: Vec<AccountTuple> = on_pool!(self, |pool| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY username"
        )))
        .fetch_all(pool)
        .await)?;
        type Row = (Uuid, i32, String, Option<String>, DateTime<Utc>, Option<Uuid>, Option<String>);
        let roles: Vec<Row> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT account_id, n, role, service, valid_from, changed_by, reason FROM account_roles ORDER BY account_id, n"
            )
            .fetch_all(pool)
            .await
        })?;
        let mut latest: std::collections::HashMap<Uuid, RoleRow> = std::collections::HashMap::new();
        for r in roles {
            latest.insert(r.0, role_from((r.1, r.2, r.3, r.4, r.5, r.6)));
        }
        rows.into_iter()
            .map(|row| {
                let role = latest.remove(&row.0).ok_or_else(|| StoreError::Corrupt {
                    position: -1,
                    child: String::new(),
                    sequence: -1,
                    detail: format!("account {} has no role", row.1),
                })?;
                Ok(account_from(row, role))
            })
            .collect()
    }

    /// How many accounts there are.
    pub async fn account_count(&self) -> Result<u64, StoreError> {
        let n: i64 = on_pool!(self, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM accounts").fetch_one(pool).await)?;
        Ok(n as u64)
    }

    /// An account's whole role history, oldest first.
    pub async fn role_history(&self, account: Uuid) -> Result<Vec<RoleRow>, StoreError> {
        let rows: Vec<RoleTuple> = on_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT n, role, service, valid_from, changed_by, reason FROM account_roles WHERE account_id = $1 ORDER BY n"
        )
        .bind(account)
        .fetch_all(pool)
        .await
        })?;
        Ok(rows.into_iter().map(role_from).collect())
    }

    /// The session with this token hash, with its account, if both exist.
    pub async fn session(&self, id_hash: &[u8]) -> Result<Option<(SessionRow, AccountRow)>, StoreError> {
        let row: Option<SessionTuple> = on_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT id_hash, account_id, stage, method, created_at, last_seen_at, expires_at, revoked_at, ip, user_agent \
             FROM sessions WHERE id_hash = $1"
        )
        .bind(id_hash.to_vec())
        .fetch_optional(pool)
        .await
        })?;
        let Some(session) = row.map(session_from) else { return Ok(None) };
        Ok(self.account(session.account).await?.map(|a| (session, a)))
    }

    /// An account's sessions that are not revoked, newest first.
    pub async fn sessions_of(&self, account: Uuid) -> Result<Vec<SessionRow>, StoreError> {
        let rows: Vec<SessionTuple> = on_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT id_hash, account_id, stage, method, created_at, last_seen_at, expires_at, revoked_at, ip, user_agent \
             FROM sessions WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC"
        )
        .bind(account)
        .fetch_all(pool)
        .await
        })?;
        Ok(rows.into_iter().map(session_from).collect())
    }

    /// The token with this hash, with its account.
    pub async fn token(&self, token_hash: &[u8]) -> Result<Option<(TokenRow, AccountRow)>, StoreError> {
        let row: Option<TokenTuple> = on_pool!(self, |pool| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1"
        )))
        .bind(token_hash.to_vec())
        .fetch_optional(pool)
        .await)?;
        let Some(token) = row.map(token_from) else { return Ok(None) };
        Ok(self.account(token.account).await?.map(|a| (token, a)))
    }

    /// An account's tokens, newest first.
    pub async fn tokens_of(&self, account: Uuid) -> Result<Vec<TokenRow>, StoreError> {
        let rows: Vec<TokenTuple> = on_pool!(self, |pool| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE account_id = $1 ORDER BY created_at DESC"
        )))
        .bind(account)
        .fetch_all(pool)
        .await)?;
        Ok(rows.into_iter().map(token_from).collect())
    }
}

type SessionTuple = (
    Vec<u8>,
    Uuid,
    String,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<String>,
    Option<String>,
);

fn session_from(r: SessionTuple) -> SessionRow {
    SessionRow {
        id_hash: r.0,
        account: r.1,
        stage: r.2,
        method: r.3,
        created_at: r.4,
        last_seen_at: r.5,
        expires_at: r.6,
        revoked_at: r.7,
        ip: r.8,
        user_agent: r.9,
    }
}

type TokenTuple =
    (Uuid, Uuid, String, Vec<u8>, String, DateTime<Utc>, DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

const TOKEN_COLUMNS: &str =
    "id, account_id, name, token_hash, scopes, created_at, expires_at, revoked_at, last_used_at";

fn token_from(r: TokenTuple) -> TokenRow {
    TokenRow {
        id: r.0,
        account: r.1,
        name: r.2,
        token_hash: r.3,
        scopes: r.4,
        created_at: r.5,
        expires_at: r.6,
        revoked_at: r.7,
        last_used_at: r.8,
    }
}

fn unique_username(e: sqlx::Error, username: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Organisation {
            detail: format!("there is already an account called {username:?} (or for that worker)"),
        },
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            StoreError::Organisation { detail: "the account names a worker careful does not hold".into() }
        }
        _ => StoreError::Database(e),
    }
}

impl Transaction {
    /// As [`Store::account`], inside this transaction.
    pub async fn account(&mut self, id: Uuid) -> Result<Option<AccountRow>, StoreError> {
        account_where(Db::Tx(self), "id = $1", AccountKey::Id(id)).await
    }

    /// As [`Store::account_by_username`], inside this transaction.
    pub async fn account_by_username(&mut self, username: &str) -> Result<Option<AccountRow>, StoreError> {
        account_where(Db::Tx(self), "username = $1", AccountKey::Text(username)).await
    }

    /// Adds an account with its first role.
    pub async fn insert_account(&mut self, a: &NewAccount) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query(
            "INSERT INTO accounts (id, username, display_name, worker_id, password_hash, created_at, synthetic) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(a.id)
        .bind(a.username.as_str())
        .bind(a.display_name.as_str())
        .bind(a.worker.map(|w| *w.as_uuid()))
        .bind(a.password_hash.as_deref())
        .bind(a.created_at)
        .bind(i16::from(a.synthetic))
        .execute(&mut *conn)
        .await
        .map(|_| ()))
        .map_err(|e| unique_username(e, &a.username))?;
        self.add_role(a.id, &a.role, a.service.as_deref(), a.created_at, a.created_by, a.reason.as_deref()).await
    }

    /// Gives an account a new role from `from` (the history keeps the old one).
    pub async fn add_role(
        &mut self,
        account: Uuid,
        role: &str,
        service: Option<&str>,
        from: DateTime<Utc>,
        changed_by: Option<Uuid>,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query(
            "INSERT INTO account_roles (account_id, n, role, service, valid_from, changed_by, reason) \
             SELECT $1, COALESCE(MAX(n), 0) + 1, $2, $3, $4, $5, $6 FROM account_roles WHERE account_id = $1"
        )
        .bind(account)
        .bind(role)
        .bind(service)
        .bind(from)
        .bind(changed_by)
        .bind(reason)
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Links an account to a worker (or unlinks it).
    pub async fn set_account_worker(&mut self, account: Uuid, worker: Option<WorkerId>) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query("UPDATE accounts SET worker_id = $1 WHERE id = $2")
            .bind(worker.map(|w| *w.as_uuid()))
            .bind(account)
            .execute(&mut *conn)
            .await
            .map(|_| ()))
        .map_err(|e| unique_username(e, "that worker"))
    }

    /// Records a failed sign-in: one more failure, and the account locked until `lock_until`
    /// when given. Returns the failures since the last success.
    pub async fn record_failed_sign_in(
        &mut self,
        account: Uuid,
        lock_until: Option<DateTime<Utc>>,
    ) -> Result<i32, StoreError> {
        let n: i32 = on_tx!(self, |conn| sqlx::query_scalar(
            "UPDATE accounts SET failed_attempts = failed_attempts + 1, locked_until = COALESCE($1, locked_until) \
             WHERE id = $2 RETURNING failed_attempts"
        )
        .bind(lock_until)
        .bind(account)
        .fetch_one(&mut *conn)
        .await)?;
        Ok(n)
    }

    /// Clears failed sign-ins and any lock.
    pub async fn clear_failed_sign_ins(&mut self, account: Uuid) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query("UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE id = $1")
            .bind(account)
            .execute(&mut *conn)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn set_password_hash(&mut self, account: Uuid, hash: Option<&str>) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(account)
            .execute(&mut *conn)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Sets (or clears) the account's TOTP secret, forgetting the last step used.
    pub async fn set_totp_secret(&mut self, account: Uuid, secret: Option<&[u8]>) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query("UPDATE accounts SET totp_secret = $1, totp_last_step = NULL WHERE id = $2")
            .bind(secret.map(<[u8]>::to_vec))
            .bind(account)
            .execute(&mut *conn)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Records that a TOTP code for time step `step` was used, provided no code for this step
    /// or a later one was used before. Returns false (and changes nothing) for a replay.
    pub async fn use_totp_step(&mut self, account: Uuid, step: i64) -> Result<bool, StoreError> {
        let changed = on_tx!(self, |conn| {
            sqlx::query(
            "UPDATE accounts SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)"
        )
        .bind(step)
        .bind(account)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(changed == 1)
    }

    /// Disables (or re-enables) an account.
    pub async fn set_account_disabled(&mut self, account: Uuid, at: Option<DateTime<Utc>>) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query("UPDATE accounts SET disabled_at = $1 WHERE id = $2")
            .bind(at)
            .bind(account)
            .execute(&mut *conn)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Starts a session.
    pub async fn insert_session(&mut self, s: &SessionRow) -> Result<(), StoreError> {
        on_tx!(self, |conn| {
            sqlx::query(
            "INSERT INTO sessions (id_hash, account_id, stage, method, created_at, last_seen_at, expires_at, ip, user_agent) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )
        .bind(s.id_hash.clone())
        .bind(s.account)
        .bind(s.stage.as_str())
        .bind(s.method.as_str())
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .bind(s.expires_at)
        .bind(s.ip.as_deref())
        .bind(s.user_agent.as_deref())
        .execute(&mut *conn)
        .await
        .map(|_| ())
        })?;
        Ok(())
    }

    /// Ends one session. Returns whether it was live.
    pub async fn revoke_session(&mut self, id_hash: &[u8], at: DateTime<Utc>) -> Result<bool, StoreError> {
        let n = on_tx!(self, |conn| sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE id_hash = $2 AND revoked_at IS NULL"
        )
        .bind(at)
        .bind(id_hash.to_vec())
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Ends every session of an account. Returns how many were live.
    pub async fn revoke_sessions_of(&mut self, account: Uuid, at: DateTime<Utc>) -> Result<u64, StoreError> {
        let n = on_tx!(self, |conn| sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL"
        )
        .bind(at)
        .bind(account)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n)
    }

    /// Adds a personal access token.
    pub async fn insert_token(&mut self, t: &TokenRow) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query(
            "INSERT INTO api_tokens (id, account_id, name, token_hash, scopes, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(t.id)
        .bind(t.account)
        .bind(t.name.as_str())
        .bind(t.token_hash.clone())
        .bind(t.scopes.as_str())
        .bind(t.created_at)
        .bind(t.expires_at)
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Revokes one of an account's tokens. Returns whether it was live.
    pub async fn revoke_token(&mut self, account: Uuid, id: Uuid, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let n = on_tx!(self, |conn| sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL"
        )
        .bind(at)
        .bind(id)
        .bind(account)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Revokes every token of an account.
    pub async fn revoke_tokens_of(&mut self, account: Uuid, at: DateTime<Utc>) -> Result<u64, StoreError> {
        let n = on_tx!(self, |conn| sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL"
        )
        .bind(at)
        .bind(account)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n)
    }

    /// Keeps an OIDC sign-in waiting for the provider's answer.
    pub async fn insert_oidc_sign_in(
        &mut self,
        binding_hash: &[u8],
        pending: &str,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query(
            "INSERT INTO oidc_sign_ins (binding_hash, pending, created_at, expires_at) VALUES ($1, $2, $3, $4)"
        )
        .bind(binding_hash.to_vec())
        .bind(pending)
        .bind(created_at)
        .bind(expires_at)
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Takes (and removes) the OIDC sign-in waiting for this browser, with its expiry; removes
    /// every expired one too.
    pub async fn take_oidc_sign_in(
        &mut self,
        binding_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
        let row: Option<(String, DateTime<Utc>)> = on_tx!(self, |conn| sqlx::query_as(
            "DELETE FROM oidc_sign_ins WHERE binding_hash = $1 RETURNING pending, expires_at"
        )
        .bind(binding_hash.to_vec())
        .fetch_optional(&mut *conn)
        .await)?;
        on_tx!(self, |conn| sqlx::query("DELETE FROM oidc_sign_ins WHERE expires_at < $1")
            .bind(now)
            .execute(&mut *conn)
            .await
            .map(|_| ()))?;
        Ok(row)
    }
}

impl Store {
    /// Moves a session's last-seen time on (at most once a minute is enough for idle timeouts),
    /// and promotes it to `stage`.
    pub async fn touch_session(&self, id_hash: &[u8], at: DateTime<Utc>) -> Result<(), StoreError> {
        let _turn = self.turn().await?;
        on_pool!(self, |pool| sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(at)
            .bind(id_hash.to_vec())
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Notes when a token was last used.
    pub async fn touch_token(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
        let _turn = self.turn().await?;
        on_pool!(self, |pool| sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}
