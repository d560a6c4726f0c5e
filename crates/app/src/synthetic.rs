//! Writing a synthetic council: into a database through the event log, and as the 903 and CIN
//! census files a council would send DfE.
//!
//! Generation runs on blocking threads (it is pure computation); each child's record goes
//! through the same write path as a worker's entries ([`crate::write`]), checked on every core
//! and committed by one writer, as the synthetic council's administrator, with an audit entry
//! for each batch.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};

use careful_domain::record::{ChildRecord, fold};
use careful_domain::{CollectionYear, RecordedAt, Sequence};
use careful_duties::Policy;
use careful_insight::{Figure, YearFigures};
use careful_returns::from_record::{self, Registrations};
use careful_returns::{cin, ssda903};
use careful_synth::{Council, InjectedFailure, Options, SyntheticChild};

use crate::access::{Action, Resource};
use crate::audit::{Event, Outcome};
use crate::write::{self, Addition, Checked, Guardrails, NewEntry};
use crate::{App, AppError};

/// The setting that records which synthetic council a database holds.
pub const SYNTHETIC_COUNCIL_SETTING: &str = "synthetic_council";

/// Where to put a synthetic council.
pub struct GenerateRequest {
    pub options: Options,
    /// A careful to write into; its database must hold no records, teams or accounts yet. The
    /// council is written as its synthetic administrator (made first), through the same write
    /// path as every record, and audited.
    pub app: Option<App>,
    /// A folder for the 903 CSV tables.
    pub ssda903_dir: Option<PathBuf>,
    /// A file for the CIN census XML.
    pub cin_file: Option<PathBuf>,
    /// The collection year for the files and the figures.
    pub year: CollectionYear,
    /// A CSV file listing the failures injected on purpose.
    pub injected_file: Option<PathBuf>,
}

/// What was generated.
#[derive(Debug, Clone)]
pub struct GenerateReport {
    /// Journeys simulated, including those that ended before the requested years.
    pub simulated: u64,
    pub children: u64,
    pub events: u64,
    pub injected: Vec<InjectedFailure>,
    pub year: CollectionYear,
    /// The year's figures, to set against the national targets.
    pub figures: Vec<Figure>,
    pub files: Vec<PathBuf>,
}

/// Children are written to the database this many at a time, each batch one transaction.
const BATCH: usize = 2_000;

/// A synthetic child, checked: through the write path when going into a database, folded only
/// when going into files. (Not boxed: each is moved once, from the generating thread to the
/// writer.)
#[allow(clippy::large_enum_variant)]
enum Prepared {
    Checked { checked: Checked, injected: Vec<InjectedFailure> },
    Folded { record: ChildRecord, events: usize, injected: Vec<InjectedFailure> },
}

impl Prepared {
    fn record(&self) -> &ChildRecord {
        match self {
            Prepared::Checked { checked, .. } => checked.record(),
            Prepared::Folded { record, .. } => record,
        }
    }

    fn events(&self) -> usize {
        match self {
            Prepared::Checked { checked, .. } => checked.events(),
            Prepared::Folded { events, .. } => *events,
        }
    }
}

/// A child's events, folded and checked, and (for a database) through the write path's check
/// with their duties as of `as_of`.
fn prepare(child: SyntheticChild, duties: Option<(&Policy, NaiveDate)>) -> Result<Prepared, AppError> {
    let la = child.la_child_id.to_string();
    let named = |e: AppError| AppError::Synthetic(format!("child {la}: {e}"));
    match duties {
        Some((policy, as_of)) => {
            let new = child
                .events
                .into_iter()
                .map(|e| NewEntry {
                    id: e.id,
                    event: e.event,
                    effective_date: e.effective_date,
                    recorded_at: RecordedAt::new(e.recorded_at),
                    recorded_by: e.recorded_by,
                    reason: None,
                })
                .collect();
            let addition = Addition {
                child: child.id,
                expected: Sequence::EMPTY,
                existing: Vec::new(),
                new,
                guardrails: Guardrails::History,
            };
            let checked = write::check(addition, policy, as_of).map_err(named)?;
            Ok(Prepared::Checked { checked, injected: child.injected })
        }
        None => {
            let entries = child.entries();
            let record = fold(&entries).map_err(|e| named(e.into()))?;
            Ok(Prepared::Folded { record, events: entries.len(), injected: child.injected })
        }
    }
}

/// Generates a synthetic council and writes it where asked. `progress` is told how many
/// children have been generated so far.
pub async fn generate(
    request: GenerateRequest,
    progress: Arc<dyn Fn(u64) + Send + Sync>,
) -> Result<GenerateReport, AppError> {
    let council = Arc::new(Council::new(request.options.clone()));
    let admin = match &request.app {
        Some(app) => {
            let handle = app.synthetic_administrator_for_empty_database(&request.options).await?;
            handle.decide(Action::GenerateSyntheticCouncil, Resource::Council, None).await?;
            let mut tx = app.store().begin().await?;
            for team in &council.organisation.teams {
                tx.insert_team(team).await?;
            }
            for worker in &council.organisation.workers {
                tx.insert_worker(worker).await?;
            }
            tx.put_setting(SYNTHETIC_COUNCIL_SETTING, &marker(&request.options, false)).await?;
            handle
                .audit_in(
                    &mut tx,
                    Event::new(
                        Action::GenerateSyntheticCouncil.code(),
                        Outcome::Allowed,
                        format!(
                            "Began writing a synthetic council ({}): {} teams and {} workers",
                            marker(&request.options, false),
                            council.organisation.teams.len(),
                            council.organisation.workers.len()
                        ),
                    ),
                )
                .await?;
            tx.commit().await?;
            Some(handle)
        }
        None => None,
    };

    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<Checked>>(4);
    let policy = match &request.app {
        Some(app) => crate::duties::standards(app.store()).await?,
        None => Policy::default(),
    };
    let end = request.options.end;
    let wants_db = request.app.is_some();
    let year = request.year;
    let ssda903_dir = request.ssda903_dir.clone();
    let cin_file = request.cin_file.clone();
    let registrations: Registrations =
        council.organisation.workers.iter().filter_map(|w| w.registration.clone().map(|r| (w.id, r))).collect();
    let generator = {
        let council = Arc::clone(&council);
        tokio::task::spawn_blocking(move || -> Result<(GenerateReport, u64), AppError> {
            let mut figures = YearFigures::default();
            let mut returns = ssda903_dir.as_ref().map(|_| ssda903::ReturnBuilder::new(year));
            let mut census = match &cin_file {
                Some(path) => Some(cin::CensusWriter::new(create(path)?, &cin_header(year))?),
                None => None,
            };
            let mut report = GenerateReport {
                simulated: 0,
                children: 0,
                events: 0,
                injected: Vec::new(),
                year,
                figures: Vec::new(),
                files: Vec::new(),
            };
            let mut batch = Vec::new();
            let mut failure: Option<AppError> = None;
            let duties = wants_db.then_some((&policy, end));
            let simulated = council.generate_with(
                |child| prepare(child, duties),
                |prepared| {
                    if failure.is_some() {
                        return;
                    }
                    let result = (|| -> Result<(), AppError> {
                        let p = prepared?;
                        report.children += 1;
                        report.events += p.events() as u64;
                        figures.add(year, p.record());
                        if let Some(builder) = returns.as_mut() {
                            from_record::ssda903_rows(p.record(), year, &registrations, builder).map_err(|e| {
                                AppError::Synthetic(format!("903 row for {}: {e}", p.record().la_child_id))
                            })?;
                        }
                        if let Some(writer) = census.as_mut()
                            && let Some(child) = from_record::cin_child(p.record(), year)
                        {
                            writer.write_child(&child)?;
                        }
                        match p {
                            Prepared::Checked { checked, injected } => {
                                report.injected.extend(injected);
                                batch.push(checked);
                                if batch.len() >= BATCH && sender.blocking_send(std::mem::take(&mut batch)).is_err() {
                                    return Err(AppError::Synthetic("the database writer stopped".into()));
                                }
                            }
                            Prepared::Folded { injected, .. } => report.injected.extend(injected),
                        }
                        if report.children.is_multiple_of(500) {
                            progress(report.children);
                        }
                        Ok(())
                    })();
                    if let Err(e) = result {
                        failure = Some(e);
                    }
                },
            );
            if let Some(e) = failure {
                return Err(e);
            }
            if wants_db && !batch.is_empty() && sender.blocking_send(batch).is_err() {
                return Err(AppError::Synthetic("the database writer stopped".into()));
            }
            drop(sender);
            progress(report.children);
            report.simulated = simulated;
            report.figures = figures.figures(council.options.population);
            if let (Some(dir), Some(builder)) = (&ssda903_dir, returns) {
                std::fs::create_dir_all(dir).map_err(|e| AppError::Io { path: dir.clone(), source: e })?;
                let written = ssda903::write_return_to_dir(&builder.finish(), year, dir)?;
                report.files.extend(written);
            }
            if let (Some(path), Some(writer)) = (&cin_file, census) {
                let mut file = writer.finish()?;
                file.flush().map_err(|e| AppError::Io { path: path.clone(), source: e })?;
                report.files.push(path.clone());
            }
            Ok((report, simulated))
        })
    };

    if let (Some(app), Some(admin)) = (&request.app, &admin) {
        let mut written = 0u64;
        while let Some(batch) = receiver.recv().await {
            let mut tx = app.store().begin().await?;
            let children = batch.len();
            let events: usize = batch.iter().map(Checked::events).sum();
            write::commit(&mut tx, batch).await?;
            written += children as u64;
            admin
                .audit_in(
                    &mut tx,
                    Event::new(
                        Action::GenerateSyntheticCouncil.code(),
                        Outcome::Allowed,
                        format!("Wrote {children} synthetic children's records ({events} events; {written} so far)"),
                    ),
                )
                .await?;
            tx.commit().await?;
        }
    } else {
        while receiver.recv().await.is_some() {}
    }
    let (report, _) = generator.await.map_err(|e| AppError::Synthetic(format!("the generator failed: {e}")))??;
    if let (Some(app), Some(admin)) = (&request.app, &admin) {
        let mut tx = app.store().begin().await?;
        tx.put_setting(SYNTHETIC_COUNCIL_SETTING, &marker(&request.options, true)).await?;
        admin
            .audit_in(
                &mut tx,
                Event::new(
                    Action::GenerateSyntheticCouncil.code(),
                    Outcome::Allowed,
                    format!(
                        "Finished writing the synthetic council: {} children, {} events",
                        report.children, report.events
                    ),
                ),
            )
            .await?;
        tx.commit().await?;
        app.store().analyze().await?;
    }
    let mut report = report;
    if let Some(path) = &request.injected_file {
        write_injected(path, &report.injected)?;
        report.files.push(path.clone());
    }
    Ok(report)
}

/// What the settings table says about a synthetic council: its options, and whether it was
/// written completely.
pub fn marker(options: &Options, complete: bool) -> String {
    format!(
        "careful-synth v2; seed {}; population {}; years {}; end {}; {}",
        options.seed,
        options.population,
        options.years,
        options.end,
        if complete { "complete" } else { "incomplete" }
    )
}

fn create(path: &Path) -> Result<std::io::BufWriter<std::fs::File>, AppError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| AppError::Io { path: parent.to_path_buf(), source: e })?;
    }
    std::fs::File::create(path)
        .map(std::io::BufWriter::new)
        .map_err(|e| AppError::Io { path: path.to_path_buf(), source: e })
}

fn cin_header(year: CollectionYear) -> cin::Header {
    cin::Header {
        collection_details: cin::CollectionDetails::for_year(year),
        source: cin::Source {
            source_level: "L".into(),
            lea: careful_synth::LA_NUMBER.into(),
            software_code: "careful".into(),
            release: env!("CARGO_PKG_VERSION").into(),
            serial_no: "1".into(),
            // Fixed, so the same options always give the same file.
            date_time: NaiveDateTime::new(year.last_day(), chrono::NaiveTime::MIN),
        },
    }
}

fn write_injected(path: &Path, injected: &[InjectedFailure]) -> Result<(), AppError> {
    let mut out = create(path)?;
    let io = |e| AppError::Io { path: path.to_path_buf(), source: e };
    writeln!(out, "child,rule,due,what").map_err(io)?;
    for f in injected {
        writeln!(out, "{},{},{},\"{}\"", f.la_child_id, f.rule, f.due, f.what.replace('"', "\"\"")).map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(())
}
