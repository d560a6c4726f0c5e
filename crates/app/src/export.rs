//! The SSDA903 return and the CIN census produced from careful's record: every child's record
//! read from the store, folded, and turned into their rows of the year's return or their entry
//! in the census ([`careful_returns::from_record`]). Nothing is typed twice: episodes, reviews,
//! missing episodes, adoption and care leavers' contact, referrals, assessments, plans and
//! section 47 enquiries all come from the events.

use std::path::{Path, PathBuf};

use careful_domain::CollectionYear;
use careful_domain::record::fold;
use careful_returns::cin::{CensusWriter, CollectionDetails, Header, Source};
use careful_returns::from_record::{self, Registrations};
use careful_returns::ssda903::{self, ReturnBuilder, Table};
use chrono::Timelike;

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

/// What a CIN census export wrote.
#[derive(Debug, Clone)]
pub struct CinExportReport {
    pub year: CollectionYear,
    /// Children with a record in careful.
    pub records: usize,
    /// Children in the census (in need at some time in the year).
    pub children: usize,
    pub file: PathBuf,
}

impl UserHandle {
    /// Every child's record, folded, in order of child ID.
    pub(crate) async fn all_records(&self) -> Result<Vec<careful_domain::record::ChildRecord>, AppError> {
        let store = self.app().store();
        let ids = store.child_ids().await?;
        let mut records = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(BATCH) {
            for events in store.read_streams(chunk).await? {
                records.push(fold(&entries(&events)?)?);
            }
        }
        records.sort_by(|a, b| a.la_child_id.as_str().cmp(b.la_child_id.as_str()));
        Ok(records)
    }

    /// Writes the year's CIN census to `file` as DfE's XML, the children in order of child ID,
    /// for the council whose three-digit DfE local authority number is `lea`.
    pub async fn export_cin(&self, year: CollectionYear, lea: &str, file: &Path) -> Result<CinExportReport, AppError> {
        self.decide(Action::ExportReturns, Resource::Council, None).await?;
        let lea = lea.trim();
        if lea.len() != 3 || !lea.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::Export(format!(
                "the local authority number {lea:?} is not DfE's three-digit number for the council, such as 201"
            )));
        }
        let records = self.all_records().await?;
        let header = Header {
            collection_details: CollectionDetails::for_year(year),
            source: Source {
                source_level: "L".into(),
                lea: lea.into(),
                software_code: "careful".into(),
                release: env!("CARGO_PKG_VERSION").into(),
                serial_no: "001".into(),
                date_time: careful_domain::calendar::time_in_england(self.app().now())
                    .with_nanosecond(0)
                    .unwrap_or_default(),
            },
        };
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| AppError::Io { path: dir.to_path_buf(), source: e })?;
        }
        // Written beside the file and renamed into place, so a failure leaves no half census.
        let partial = file.with_extension("xml.partial");
        let out = std::fs::File::create(&partial).map_err(|e| AppError::Io { path: partial.clone(), source: e })?;
        let cin_error = |e: careful_returns::cin::CinWriteError| AppError::Export(format!("{}: {e}", file.display()));
        let mut writer = CensusWriter::new(std::io::BufWriter::new(out), &header).map_err(cin_error)?;
        let mut children = 0;
        for record in &records {
            if let Some(child) = from_record::cin_child(record, year) {
                writer.write_child(&child).map_err(cin_error)?;
                children += 1;
            }
        }
        let out = writer.finish().map_err(cin_error)?;
        out.into_inner()
            .map_err(|e| AppError::Io { path: partial.clone(), source: e.into_error() })?
            .sync_all()
            .map_err(|e| AppError::Io { path: partial.clone(), source: e })?;
        std::fs::rename(&partial, file).map_err(|e| AppError::Io { path: file.to_path_buf(), source: e })?;
        self.audit(
            Event::new(
                Action::ExportReturns.code(),
                Outcome::Allowed,
                format!(
                    "Produced the CIN census for {year} from {} records: {children} children, written to {}",
                    records.len(),
                    file.display()
                ),
            )
            .subject(format!("CIN census {year}")),
        )
        .await?;
        Ok(CinExportReport { year, records: records.len(), children, file: file.to_path_buf() })
    }

    /// Writes the year's SSDA903 tables, with exactly DfE's column sets, into `dir` (created
    /// if need be). Rows are in order of child ID within each table, so the same record always
    /// gives the same files.
    pub async fn export_ssda903(&self, year: CollectionYear, dir: &Path) -> Result<ExportReport, AppError> {
        self.decide(Action::ExportReturns, Resource::Council, None).await?;
        let store = self.app().store();
        let registrations: Registrations =
            store.workers().await?.into_iter().filter_map(|w| w.registration.map(|r| (w.id, r))).collect();
        let records = self.all_records().await?;
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
