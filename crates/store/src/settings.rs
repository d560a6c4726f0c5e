//! Settings: keys and values.

use crate::{Db, Store, StoreError, Transaction, on_db, on_tx};

async fn setting(db: Db<'_>, key: &str) -> Result<Option<String>, StoreError> {
    let mut db = db;
    let value: Option<String> = on_db!(&mut db, |exec| {
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(exec).await
    })?;
    Ok(value)
}

impl Store {
    /// The value of a setting, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        setting(Db::Pool(self), key).await
    }
}

impl Transaction {
    /// As [`Store::setting`], inside this transaction.
    pub async fn setting(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        setting(Db::Tx(self), key).await
    }

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
