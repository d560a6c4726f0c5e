//! Published figures to benchmark the council against, as imported from files. The store keeps
//! them as given; reading and comparing them is `careful-insight`'s.

use chrono::{DateTime, Utc};

use crate::{Store, StoreError, Transaction, on_pool, on_tx};

/// One published figure, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkFigureRow {
    /// careful's indicator code.
    pub measure: String,
    /// The collection year, "2024-25".
    pub period: String,
    /// `national`, `regional` or `local_authority`.
    pub level: String,
    /// `E92000001` for England, the region's name, or the authority's GSS code.
    pub area: String,
    pub area_name: String,
    pub region_name: String,
    /// The figure, or `None` when the file gave a symbol instead.
    pub value: Option<f64>,
    /// The EES symbol (`c`, `x`, `z`, `low`, `k`, `u`) when there is no figure.
    pub symbol: Option<String>,
    pub source: String,
    /// The file it was imported from.
    pub file: String,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BenchmarkImport {
    /// Rows the same file had brought before, removed.
    pub removed: u64,
    /// Rows written.
    pub written: u64,
}

type Row = (String, String, String, String, String, String, Option<f64>, Option<String>, String, String);

impl Transaction {
    /// Replaces the figures imported from `file` with `rows`: the rows it brought before are
    /// removed, and a row for the same measure, period and place from another file is replaced.
    pub async fn replace_benchmark_figures(
        &mut self,
        file: &str,
        rows: &[BenchmarkFigureRow],
        at: DateTime<Utc>,
    ) -> Result<BenchmarkImport, StoreError> {
        let removed = on_tx!(self, |conn| sqlx::query("DELETE FROM benchmark_figures WHERE file = $1")
            .bind(file)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected()))?;
        for chunk in rows.chunks(500) {
            on_tx!(self, |conn| {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO benchmark_figures (measure, period, level, area, area_name, region_name, value, \
                     symbol, source, file, imported_at) ",
                );
                insert.push_values(chunk.iter(), |mut row, f| {
                    row.push_bind(f.measure.clone())
                        .push_bind(f.period.clone())
                        .push_bind(f.level.clone())
                        .push_bind(f.area.clone())
                        .push_bind(f.area_name.clone())
                        .push_bind(f.region_name.clone())
                        .push_bind(f.value)
                        .push_bind(f.symbol.clone())
                        .push_bind(f.source.clone())
                        .push_bind(file.to_string())
                        .push_bind(at);
                });
                insert.push(
                    " ON CONFLICT (measure, period, level, area) DO UPDATE SET area_name = excluded.area_name, \
                     region_name = excluded.region_name, value = excluded.value, symbol = excluded.symbol, \
                     source = excluded.source, file = excluded.file, imported_at = excluded.imported_at",
                );
                insert.build().execute(&mut *conn).await.map(|_| ())
            })?;
        }
        Ok(BenchmarkImport { removed, written: rows.len() as u64 })
    }
}

impl Store {
    /// Every imported figure, by measure, period, level and place.
    pub async fn benchmark_figures(&self) -> Result<Vec<BenchmarkFigureRow>, StoreError> {
        let rows: Vec<Row> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT measure, period, level, area, area_name, region_name, value, symbol, source, file \
                 FROM benchmark_figures ORDER BY measure, period, level, area",
            )
            .fetch_all(pool)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(measure, period, level, area, area_name, region_name, value, symbol, source, file)| {
                BenchmarkFigureRow { measure, period, level, area, area_name, region_name, value, symbol, source, file }
            })
            .collect())
    }
}
