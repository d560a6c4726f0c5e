//! Teams and workers.

use chrono::NaiveDate;
use uuid::Uuid;

use careful_domain::organisation::{Employment, Service, Team, Worker, WorkerRole};
use careful_domain::{TeamId, WorkerId};

use crate::{Store, StoreError, Transaction, on_pool, on_tx};

impl Transaction {
    pub async fn insert_team(&mut self, team: &Team) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query("INSERT INTO teams (id, name, service) VALUES ($1, $2, $3)")
            .bind(*team.id.as_uuid())
            .bind(team.name.as_str())
            .bind(team.service.as_str())
            .execute(&mut *conn)
            .await
            .map(|_| ()))
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Organisation {
                detail: format!("there is already a team called {:?} (or with ID {})", team.name, team.id),
            },
            _ => StoreError::Database(e),
        })
    }

    pub async fn insert_worker(&mut self, worker: &Worker) -> Result<(), StoreError> {
        on_tx!(self, |conn| sqlx::query(
            "INSERT INTO workers (id, name, role, team_id, employment, started_on, left_on, registration) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )
        .bind(*worker.id.as_uuid())
        .bind(worker.name.as_str())
        .bind(worker.role.as_str())
        .bind(*worker.team.as_uuid())
        .bind(worker.employment.as_str())
        .bind(worker.started)
        .bind(worker.left)
        .bind(worker.registration.as_deref())
        .execute(&mut *conn)
        .await
        .map(|_| ()))
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::Organisation {
                detail: format!("{} is in team {}, which does not exist", worker.name, worker.team),
            },
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Organisation { detail: format!("there is already a worker with ID {}", worker.id) }
            }
            _ => StoreError::Database(e),
        })
    }
}

impl Transaction {
    /// Renames a team.
    pub async fn rename_team(&mut self, team: TeamId, name: &str) -> Result<bool, StoreError> {
        let n = on_tx!(self, |conn| sqlx::query("UPDATE teams SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(*team.as_uuid())
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected()))
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Organisation { detail: format!("there is already a team called {name:?}") }
            }
            _ => StoreError::Database(e),
        })?;
        Ok(n == 1)
    }

    /// Records the day a worker left (or clears it).
    pub async fn set_worker_left(&mut self, worker: WorkerId, left: Option<NaiveDate>) -> Result<bool, StoreError> {
        let n = on_tx!(self, |conn| sqlx::query("UPDATE workers SET left_on = $1 WHERE id = $2")
            .bind(left)
            .bind(*worker.as_uuid())
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// As [`Store::worker`], inside this transaction.
    pub async fn worker(&mut self, id: WorkerId) -> Result<Option<Worker>, StoreError> {
        let row: Option<WorkerRow> = on_tx!(self, |conn| {
            sqlx::query_as(
            "SELECT id, name, role, team_id, employment, started_on, left_on, registration FROM workers WHERE id = $1",
        )
        .bind(*id.as_uuid())
        .fetch_optional(&mut *conn)
        .await
        })?;
        row.map(worker_from_row).transpose()
    }
}

impl Store {
    /// Every team, by name.
    pub async fn teams(&self) -> Result<Vec<Team>, StoreError> {
        let rows: Vec<(Uuid, String, String)> = on_pool!(self, |pool| {
            sqlx::query_as("SELECT id, name, service FROM teams ORDER BY name").fetch_all(pool).await
        })?;
        rows.into_iter()
            .map(|(id, name, service)| {
                let service = Service::parse(&service).ok_or_else(|| StoreError::Organisation {
                    detail: format!("team {name:?} has an unknown service {service:?}"),
                })?;
                Ok(Team { id: TeamId::from_uuid(id), name, service })
            })
            .collect()
    }

    /// Every worker, by name.
    pub async fn workers(&self) -> Result<Vec<Worker>, StoreError> {
        let rows: Vec<WorkerRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, name, role, team_id, employment, started_on, left_on, registration FROM workers \
                 ORDER BY name, id",
            )
            .fetch_all(pool)
            .await
        })?;
        rows.into_iter().map(worker_from_row).collect()
    }

    /// The workers with these IDs (those that exist), for naming the few people a page shows
    /// without reading every worker.
    pub async fn workers_by_id(&self, ids: &[WorkerId]) -> Result<Vec<Worker>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<WorkerRow> = on_pool!(self, |pool| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT id, name, role, team_id, employment, started_on, left_on, registration FROM workers \
                 WHERE id IN (",
            );
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id.as_uuid());
            }
            q.push(")");
            q.build_query_as().fetch_all(pool).await
        })?;
        rows.into_iter().map(worker_from_row).collect()
    }

    /// The worker with this ID, if there is one.
    pub async fn worker(&self, id: WorkerId) -> Result<Option<Worker>, StoreError> {
        let row: Option<WorkerRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, name, role, team_id, employment, started_on, left_on, registration FROM workers \
                 WHERE id = $1",
            )
            .bind(*id.as_uuid())
            .fetch_optional(pool)
            .await
        })?;
        row.map(worker_from_row).transpose()
    }
}

type WorkerRow = (Uuid, String, String, Uuid, String, Option<NaiveDate>, Option<NaiveDate>, Option<String>);

fn worker_from_row(row: WorkerRow) -> Result<Worker, StoreError> {
    let (id, name, role, team, employment, started, left, registration) = row;
    let role = WorkerRole::parse(&role)
        .ok_or_else(|| StoreError::Organisation { detail: format!("worker {name:?} has an unknown role {role:?}") })?;
    let employment = Employment::parse(&employment).ok_or_else(|| StoreError::Organisation {
        detail: format!("worker {name:?} has an unknown employment type {employment:?}"),
    })?;
    Ok(Worker {
        id: WorkerId::from_uuid(id),
        name,
        role,
        team: TeamId::from_uuid(team),
        employment,
        started,
        left,
        registration,
    })
}
