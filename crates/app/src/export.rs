//! The SSDA903 return produced from careful's record: every child's record read from the store,
//! folded, and turned into their rows of the year's return ([`careful_returns::from_record`]).
//! Nothing is typed twice: episodes, reviews, missing episodes, adoption and care leavers'
//! contact all come from the events.

use std::path::{Path, PathBuf};

use careful_domain::CollectionYear;
use careful_domain::record::fold;
use careful_returns::from_record::{self, Registrations};
use careful_returns::ssda903::{self, ReturnBuilder, Table};

use crate::access::{Action, Resource};
use crate::audit::{Event, Outcome};
use crate::record::entries;
use crate::{AppError, UserHandle};

/// Children read from the store at a time.
const BATCH: usize = 1_000;

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct ExportReport {
    pub year: CollectionYear,
    /// Children with a record in careful.
    pub records: usize,
    /// Children in the return (looked after in the year, or care leavers DfE asks about).
    pub children: usize,
    /// Rows written, by table, in DfE's order of tables.
    pub rows: Vec<(Table, usize)>,
    pub files: Vec<PathBuf>,
}

impl UserHandle {
    /// Writes the year's SSDA903 tables, with exactly DfE's column sets, into `dir` (created
    /// if need be). Rows are in order of child ID within each table, so the same record always
    /// gives the same files.
    pub async fn export_ssda903(&self, year: CollectionYear, dir: &Path) -> Result<ExportReport, AppError> {
        self.decide(Action::ExportReturns, Resource::Council, None).await?;
        let store = self.app().store();
        let registrations: Registrations =
            store.workers().await?.into_iter().filter_map(|w| w.registration.map(|r| (w.id, r))).collect();
        let ids = store.child_ids().await?;
        let mut records = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(BATCH) {
            for events in store.read_streams(chunk).await? {
                let record = fold(&entries(&events)?)?;
                records.push(record);
            }
        }
        records.sort_by(|a, b| a.la_child_id.as_str().cmp(b.la_child_id.as_str()));
        let mut builder = ReturnBuilder::new(year);
        let mut children = 0;
        for record in &records {
            let included = from_record::ssda903_rows(record, year, &registrations, &mut builder)
                .map_err(|e| AppError::Export(format!("child {}: {e}", record.la_child_id)))?;
            children += usize::from(included);
        }
        let ret = builder.finish();
        let rows = ret.tables().filter(|t| t.table().exists_in(year)).map(|t| (t.table(), t.len())).collect::<Vec<_>>();
        std::fs::create_dir_all(dir).map_err(|e| AppError::Io { path: dir.to_path_buf(), source: e })?;
        let files = ssda903::write_return_to_dir(&ret, year, dir)?;
        self.audit(
            Event::new(
                Action::ExportReturns.code(),
                Outcome::Allowed,
                format!(
                    "Produced the SSDA903 return for {year} from {} records: {children} children, written to {}",
                    records.len(),
                    dir.display()
                ),
            )
            .subject(format!("SSDA903 {year}")),
        )
        .await?;
        Ok(ExportReport { year, records: records.len(), children, rows, files })
    }
}
