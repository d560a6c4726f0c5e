//! Settings: keys and values.

use crate::{Store, StoreError, Transaction, on_pool, on_tx};

impl Store {
    /// The value of a setting, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let value: Option<String> = on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(pool).await
        })?;
        Ok(value)
    }
}

impl Transaction {
    /// Sets a setting, replacing any earlier value.
    pub async fn put_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
        .bind(key)
        .bind(value)
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}
