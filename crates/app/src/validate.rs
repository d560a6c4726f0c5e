//! Checking a council's SSDA903 files against DfE's rules: one use case, shared by
//! `careful validate ssda903` (files on disk) and the web page `/returns/ssda903/validate`
//! (files uploaded and held in memory), so both give the same report from the same steps.
//!
//! The steps: read this year's return and, if given, last year's (every problem in every file is
//! reported by file, line and column, and nothing is validated until they are fixed); settle the
//! collection year (DfE's files do not say which year they are for, so it must be given, and
//! careful says which year the files' latest episode date falls in when it is not); when a
//! postcode directory is given, read it and derive both years' placement fields from it (for the
//! council's code, which it then needs); run every rule of the year; keep the files and the findings together for the report.
//!
//! Nothing is stored: the files, the return read from them and the report live as long as the
//! [`Ssda903Check`] does.

use chrono::NaiveDate;

use careful_domain::CollectionYear;
use careful_returns::ssda903::postcodes::PostcodeDirectory;
use careful_returns::ssda903::validate::{
    Metadata, Report, SUPPORTED_YEARS, previous_year_tables, validate_report_with_progress,
};
use careful_returns::ssda903::{Return, Submission, Table, read_return};

pub use careful_returns::ssda903::report::{
    ChildSummary, NotRun, ReportFormat, RuleSummary, ValidationReport, esc, thousands,
};
pub use careful_returns::ssda903::validate::{Finding, UnsupportedYear};
pub use careful_returns::ssda903::{ReadError, ReadErrorKind, Source, format_date};

/// The collection years careful has SSDA903 rules for, earliest first.
pub fn ssda903_years() -> Vec<CollectionYear> {
    SUPPORTED_YEARS.iter().filter_map(|&start| CollectionYear::starting(start)).collect()
}

/// What to check: the files of this year's return and optionally last year's (CSV tables, one
/// file per table, or one XML file each), the collection year and the council's local authority
/// code.
#[derive(Debug, Clone, Copy)]
pub struct Ssda903Request<'a> {
    pub this_year: &'a [Source<'a>],
    pub previous_year: Option<&'a [Source<'a>]>,
    /// `None` when the person did not say: the check then stops with
    /// [`Ssda903InputError::YearNeeded`], saying which year the files' dates suggest.
    pub year: Option<CollectionYear>,
    /// Rules 229, 411 and 1015 compare placements with it; without it (or when blank) they are
    /// not run, and the report says so. A GSS code (`E09000027`) or DfE's three-digit number
    /// (`318`); a code replaced since 2019 is taken as its successor's.
    pub local_authority: Option<&'a str>,
    /// An ONS postcode directory (the NSPL or ONSPD CSV, or a `postcode,la_code,easting,northing`
    /// subset), from which the placement fields DfE derives (PL_LA, PL_LOCATION, PL_DISTANCE) are
    /// derived for both years' episodes, so that the 15 rules reading them run. Needs the local
    /// authority. Without it those rules are not run, and the report says so.
    pub postcodes: Option<Source<'a>>,
}

/// Why the files cannot be checked: nothing is validated until this is put right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ssda903InputError {
    /// Problems in the files, each naming the file and, where it has them, the line and column,
    /// kept apart by year so that a page can show each beside the upload it concerns.
    Unreadable { this_year: Vec<ReadError>, previous_year: Vec<ReadError> },
    /// The collection year was not given.
    YearNeeded {
        /// The latest episode start or end date in this year's Episodes table, and the
        /// collection year it falls in, when there is one.
        latest_episode: Option<(NaiveDate, CollectionYear)>,
    },
    /// careful has no rules for the year given.
    UnsupportedYear(UnsupportedYear),
    /// The postcode directory cannot be read: each problem names the file and, where it has
    /// them, the line and column.
    Postcodes(Vec<ReadError>),
    /// A postcode directory was given without the council's local authority code, which
    /// PL_LOCATION (in or out of the council's area) is worked out from.
    LocalAuthorityNeeded,
    /// The local authority code is neither an English authority with children's services careful
    /// knows nor one the postcode directory has, so every placement would be out of its area.
    UnknownLocalAuthority(String),
}

/// A return that was read and checked: the files, what was found, and what could not be run.
pub struct Ssda903Check {
    submission: Submission,
    meta: Metadata,
    report: Report,
}

/// One file of a return as it was read: the table it holds and how many rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRead<'a> {
    pub table: &'static str,
    pub file: &'a str,
    pub rows: usize,
}

impl Ssda903Check {
    /// The report, to render in any [`ReportFormat`] or to read piece by piece.
    pub fn report(&self) -> ValidationReport<'_> {
        ValidationReport::new(
            &self.report,
            &self.submission.this_year,
            self.submission.previous_year.as_ref(),
            &self.meta,
        )
    }

    /// Whether no rule that ran found anything.
    pub fn is_clean(&self) -> bool {
        self.report.findings.is_empty()
    }

    /// The collection year the return was checked for.
    pub fn year(&self) -> CollectionYear {
        self.meta.year()
    }

    /// The local authority code the placement rules compared with, if one was given.
    pub fn local_authority(&self) -> Option<&str> {
        self.meta.local_authority()
    }

    /// The tables of this year's return, in DfE's order, with the file each came from.
    pub fn this_year_files(&self) -> Vec<FileRead<'_>> {
        files_read(&self.submission.this_year)
    }

    /// The tables of last year's return, if it was given.
    pub fn previous_year_files(&self) -> Option<Vec<FileRead<'_>>> {
        self.submission.previous_year.as_ref().map(files_read)
    }
}

fn files_read(ret: &Return) -> Vec<FileRead<'_>> {
    ret.tables().map(|t| FileRead { table: t.table().name(), file: t.file(), rows: t.len() }).collect()
}

/// Reads the files and checks them against every rule of the year. `progress` is told, as the
/// rules run, how many of how many have run.
pub fn check_ssda903(
    request: Ssda903Request<'_>,
    progress: impl FnMut(usize, usize),
) -> Result<Ssda903Check, Ssda903InputError> {
    // Each year is read on its own (as `read_submission` does) so that every problem in both
    // years is reported at once, and each with the year it belongs to.
    let this_year = read_return(request.this_year);
    let previous_year = request.previous_year.map(read_return).transpose();
    let submission = match (this_year, previous_year) {
        (Ok(this_year), Ok(previous_year)) => Submission { this_year, previous_year },
        (this_year, previous_year) => {
            return Err(Ssda903InputError::Unreadable {
                this_year: this_year.err().unwrap_or_default(),
                previous_year: previous_year.err().unwrap_or_default(),
            });
        }
    };
    let Some(year) = request.year else {
        let latest_episode = suggested_year(&submission.this_year);
        return Err(Ssda903InputError::YearNeeded { latest_episode });
    };
    let mut meta = Metadata::new(year).map_err(Ssda903InputError::UnsupportedYear)?;
    let local_authority = request.local_authority.map(str::trim).filter(|la| !la.is_empty()).map(|code| {
        // DfE's number, or a code replaced since, as the authority's code in force.
        careful_returns::la::authority(code).map_or_else(|| code.to_ascii_uppercase(), |a| a.code.to_string())
    });
    if let Some(la) = &local_authority {
        meta = meta.with_local_authority(la);
    }
    if let Some(source) = &request.postcodes {
        let Some(la) = &local_authority else { return Err(Ssda903InputError::LocalAuthorityNeeded) };
        let directory = PostcodeDirectory::read(source).map_err(Ssda903InputError::Postcodes)?;
        if careful_returns::la::authority(la).is_none() && !directory.has_authority(la) {
            return Err(Ssda903InputError::UnknownLocalAuthority(la.clone()));
        }
        meta =
            meta.with_placements_from_postcodes(&directory, &submission.this_year, submission.previous_year.as_ref());
    }
    // The previous year's tables that no rule reads are listed in the report but not kept.
    let mut submission = submission;
    if let Some(previous) = submission.previous_year.as_mut() {
        previous.release_cells_except(&previous_year_tables(year));
    }
    let report =
        validate_report_with_progress(&submission.this_year, submission.previous_year.as_ref(), &meta, progress);
    Ok(Ssda903Check { submission, meta, report })
}

/// The latest episode date in a return and the collection year it falls in, for saying which
/// year files seem to be for when nobody said.
pub fn suggested_year(ret: &Return) -> Option<(NaiveDate, CollectionYear)> {
    latest_episode_date(ret).and_then(|d| CollectionYear::containing(d).map(|y| (d, y)))
}

/// The latest episode start or end date in the return's Episodes table.
fn latest_episode_date(ret: &Return) -> Option<NaiveDate> {
    let episodes = ret.table(Table::Episodes)?;
    (0..episodes.len())
        .flat_map(|row| ["DECOM", "DEC"].map(|column| episodes.date(row, column).ok().flatten()))
        .flatten()
        .max()
}

impl crate::UserHandle {
    /// Before checking uploaded SSDA903 files in the browser: the principal must be allowed to
    /// check returns (performance analysts and managers) and within the per-person limit on
    /// uploads an hour ([`crate::Security::uploads_per_hour`]); the upload is audited (its
    /// files' names and sizes; careful never keeps the files).
    pub async fn start_ssda903_check(&self, files: &[(&str, usize)]) -> Result<(), crate::AppError> {
        self.start_upload_check("SSDA903 upload", "Checked uploaded SSDA903 files against DfE's rules", files).await
    }

    /// Before checking an uploaded CIN census in the browser: as for SSDA903 files, the
    /// principal must be allowed to check returns and within the same limit on uploads an hour
    /// (the two pages' uploads count together), and the upload is audited (the file's name and
    /// size; careful never keeps the file).
    pub async fn start_cin_check(&self, file: &str, size: usize) -> Result<(), crate::AppError> {
        self.start_upload_check(
            "CIN census upload",
            "Checked an uploaded CIN census against DfE's rules",
            &[(file, size)],
        )
        .await
    }

    async fn start_upload_check(
        &self,
        subject: &str,
        what: &str,
        files: &[(&str, usize)],
    ) -> Result<(), crate::AppError> {
        use crate::access::{Action, Resource};
        use crate::audit::{Event, Outcome};
        self.decide(Action::CheckReturns, Resource::Council, None).await?;
        let limit = self.app().settings().security.uploads_per_hour;
        let now = self.app().now();
        {
            let mut uploads = self.app().uploads().lock().unwrap_or_else(|e| e.into_inner());
            let mine = uploads.entry(self.principal().account()).or_default();
            mine.retain(|at| now - *at < chrono::Duration::hours(1));
            if mine.len() >= limit as usize {
                let retry = mine.iter().min().copied().unwrap_or(now) + chrono::Duration::hours(1);
                return Err(crate::AppError::TooManyUploads { limit, retry_after: crate::error::uk_date_time(retry) });
            }
            mine.push(now);
        }
        let list: Vec<String> = files.iter().map(|(name, size)| format!("{name} ({size} bytes)")).collect();
        self.audit(
            Event::new(Action::CheckReturns.code(), Outcome::Allowed, format!("{what}: {}", list.join(", ")))
                .subject(subject),
        )
        .await
    }
}

/// A CIN census checked: its tables, what does not fit DfE's schema, and what DfE's rules find.
pub struct CinCheck {
    pub tables: careful_returns::cin::CinTables,
    pub problems: Vec<careful_returns::cin::SchemaProblem>,
    pub findings: Vec<careful_returns::cin::validate::CinFinding>,
}

impl CinCheck {
    /// The report, naming the file as `file`.
    pub fn report<'a>(&'a self, file: &'a str) -> careful_returns::cin::CinReport<'a> {
        careful_returns::cin::CinReport {
            file,
            problems: &self.problems,
            findings: &self.findings,
            children: self.tables.children.len(),
        }
    }
}

/// Reads a CIN census (`file` names it in messages) and runs every DfE rule of 2025-26 on it. A
/// file that cannot be read as a census is an error naming the file and line; everything else
/// is in the check. Reads the bytes given only: no record is touched, so no account is needed.
pub fn check_cin(file: &str, bytes: &[u8]) -> Result<CinCheck, ReadError> {
    let (tables, problems) = careful_returns::cin::read_census(file, bytes)?;
    let findings = careful_returns::cin::validate::validate(&tables);
    Ok(CinCheck { tables, problems, findings })
}

/// The collection years careful has CIN rules for, earliest first.
pub fn cin_years() -> Vec<CollectionYear> {
    CollectionYear::starting(2025).into_iter().collect()
}

/// Why a CIN census cannot be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CinInputError {
    /// The file cannot be read as a census: the error names the file and, where it has one,
    /// the line.
    Unreadable(ReadError),
    /// careful has no CIN rules for the year asked for.
    UnsupportedYear(CollectionYear),
    /// A year was asked for and the census's header (its `ReferenceDate`) is for another.
    WrongYear { asked: CollectionYear, census: CollectionYear, reference_date: NaiveDate },
}

impl CinCheck {
    /// The collection year the census's header says it is for: the year its `ReferenceDate`
    /// falls in, when it has a date there.
    pub fn year(&self) -> Option<CollectionYear> {
        self.reference_date().and_then(CollectionYear::containing)
    }

    /// The header's `ReferenceDate`, when it is a date.
    pub fn reference_date(&self) -> Option<NaiveDate> {
        let header = self.tables.table(careful_returns::cin::CinTable::Header);
        header.value(0, "ReferenceDate").and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
    }
}

/// [`check_cin`], for a collection year when one is given: the census must be for that year (by
/// its header's `ReferenceDate`), and careful must have the year's rules. Without a year the
/// census is checked as `careful validate cin` checks it: against DfE's 2025-26 rules, over the
/// year its header gives.
pub fn check_cin_for_year(file: &str, bytes: &[u8], year: Option<CollectionYear>) -> Result<CinCheck, CinInputError> {
    if let Some(asked) = year
        && !cin_years().contains(&asked)
    {
        return Err(CinInputError::UnsupportedYear(asked));
    }
    let check = check_cin(file, bytes).map_err(CinInputError::Unreadable)?;
    if let (Some(asked), Some(reference_date)) = (year, check.reference_date())
        && let Some(census) = CollectionYear::containing(reference_date)
        && census != asked
    {
        return Err(CinInputError::WrongYear { asked, census, reference_date });
    }
    Ok(check)
}
