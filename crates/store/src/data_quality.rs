//! Data-quality flags on children: what was wrong with, or could not be kept from, the files a
//! child's record was imported from.

use careful_domain::ChildId;

use crate::{Db, Store, StoreError, Transaction, on_db, on_pool, on_tx};

/// One flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// Where the data came from: "SSDA903 2025-26".
    pub source: String,
    /// A DfE rule code, or "not kept".
    pub rule: String,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<i64>,
    /// The fields concerned, comma-separated.
    pub fields: String,
}

impl Transaction {
    /// Replaces the child's flags from `source`.
    pub async fn replace_data_quality(
        &mut self,
        child: ChildId,
        source: &str,
        flags: &[Flag],
    ) -> Result<(), StoreError> {
        let id = *child.as_uuid();
        on_tx!(self, |conn| sqlx::query("DELETE FROM data_quality WHERE child_id = $1 AND source = $2")
            .bind(id)
            .bind(source)
            .execute(&mut *conn)
            .await
            .map(|_| ()))?;
        for (c, chunk) in flags.chunks(500).enumerate() {
            on_tx!(self, |conn| {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO data_quality (child_id, source, n, rule, message, file, line, fields) ",
                );
                insert.push_values(chunk.iter().enumerate(), |mut row, (i, f)| {
                    row.push_bind(id)
                        .push_bind(source.to_string())
                        .push_bind(i32::try_from(c * 500 + i).unwrap_or(i32::MAX))
                        .push_bind(f.rule.clone())
                        .push_bind(f.message.clone())
                        .push_bind(f.file.clone())
                        .push_bind(f.line)
                        .push_bind(f.fields.clone());
                });
                insert.build().execute(&mut *conn).await.map(|_| ())
            })?;
        }
        Ok(())
    }
}

async fn data_quality(db: Db<'_>, child: ChildId) -> Result<Vec<Flag>, StoreError> {
    type Row = (String, String, String, Option<String>, Option<i64>, String);
    let mut db = db;
    let rows: Vec<Row> = on_db!(&mut db, |exec| {
        sqlx::query_as(
            "SELECT source, rule, message, file, line, fields FROM data_quality WHERE child_id = $1 ORDER BY source, n",
        )
        .bind(*child.as_uuid())
        .fetch_all(exec)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(source, rule, message, file, line, fields)| Flag { source, rule, message, file, line, fields })
        .collect())
}

impl Transaction {
    /// As [`Store::data_quality`], inside this transaction.
    pub async fn data_quality(&mut self, child: ChildId) -> Result<Vec<Flag>, StoreError> {
        data_quality(Db::Tx(self), child).await
    }
}

impl Store {
    /// The child's flags, by source and order.
    pub async fn data_quality(&self, child: ChildId) -> Result<Vec<Flag>, StoreError> {
        data_quality(Db::Pool(self), child).await
    }

    /// How many children have flags from `source`, and how many flags.
    pub async fn data_quality_counts(&self, source: &str) -> Result<(u64, u64), StoreError> {
        let (children, flags): (i64, i64) = on_pool!(self, |pool| {
            sqlx::query_as("SELECT COUNT(DISTINCT child_id), COUNT(*) FROM data_quality WHERE source = $1")
                .bind(source)
                .fetch_one(pool)
                .await
        })?;
        Ok((children as u64, flags as u64))
    }
}
