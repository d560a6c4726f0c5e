//! Writing a synthetic council: into a database through the event log, and as the 903 and CIN
//! census files a council would send DfE.
//!
//! Generation runs on blocking threads (it is pure computation); each child's record is checked
//! by the fold before it is written, exactly as a worker's entries are.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};

use careful_domain::record::{ChildRecord, Entry, fold};
use careful_domain::{ChildId, CollectionYear, NewEvent, RecordedAt, Sequence};
use careful_duties::Policy;
use careful_insight::{Figure, YearFigures};
use careful_returns::from_record::{self, Registrations};
use careful_returns::{cin, ssda903};
use careful_store::{ChildRow, DutyRow, Store};
use careful_synth::{Council, InjectedFailure, Options, SyntheticChild};

use crate::AppError;

/// The setting that records which synthetic council a database holds.
pub const SYNTHETIC_COUNCIL_SETTING: &str = "synthetic_council";

/// Where to put a synthetic council.
pub struct GenerateRequest {
    pub options: Options,
    /// A store to write into; it must hold no records yet.
    pub store: Option<Store>,
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

struct Prepared {
    id: ChildId,
    events: Vec<NewEvent>,
    record: ChildRecord,
    injected: Vec<InjectedFailure>,
    /// The child's projection rows, when writing to a database.
    projection: Option<(ChildRow, Vec<DutyRow>)>,
}

/// A child's events, folded and checked, and (for a database) their duties as of `as_of`.
fn prepare(child: SyntheticChild, duties: Option<(&Policy, NaiveDate)>) -> Result<Prepared, AppError> {
    let mut events = Vec::with_capacity(child.events.len());
    let mut entries = Vec::with_capacity(child.events.len());
    for (i, e) in child.events.into_iter().enumerate() {
        let recorded_at = RecordedAt::new(e.recorded_at);
        entries.push(Entry {
            id: e.id,
            sequence: Sequence::new(i as u64 + 1),
            effective_date: e.effective_date,
            recorded_at,
            recorded_by: e.recorded_by,
            reason: None,
            manager_override: None,
            event: e.event.clone(),
        });
        events.push(e.event.into_envelope(e.id, e.effective_date, recorded_at, e.recorded_by, None)?);
    }
    let record = fold(&entries).map_err(|e| AppError::Synthetic(format!("child {}: {e}", child.la_child_id)))?;
    let projection = duties.map(|(policy, as_of)| crate::duties::projection(child.id, &record, policy, as_of));
    Ok(Prepared { id: child.id, events, record, injected: child.injected, projection })
}

/// Generates a synthetic council and writes it where asked. `progress` is told how many
/// children have been generated so far.
pub async fn generate(
    request: GenerateRequest,
    progress: Arc<dyn Fn(u64) + Send + Sync>,
) -> Result<GenerateReport, AppError> {
    let council = Arc::new(Council::new(request.options.clone()));
    if let Some(store) = &request.store {
        let counts = store.counts().await?;
        if counts.children > 0 || counts.teams > 0 {
            return Err(AppError::Synthetic(format!(
                "the database already holds {} children's records and {} teams; a synthetic council is written only into an empty database",
                counts.children, counts.teams
            )));
        }
        let mut tx = store.begin().await?;
        for team in &council.organisation.teams {
            tx.insert_team(team).await?;
        }
        for worker in &council.organisation.workers {
            tx.insert_worker(worker).await?;
        }
        tx.put_setting(SYNTHETIC_COUNCIL_SETTING, &marker(&request.options, false)).await?;
        tx.commit().await?;
    }

    type Batch = Vec<(ChildId, Vec<NewEvent>, Option<(ChildRow, Vec<DutyRow>)>)>;
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Batch>(4);
    let policy = match &request.store {
        Some(store) => crate::duties::standards(store).await?,
        None => Policy::default(),
    };
    let end = request.options.end;
    let wants_db = request.store.is_some();
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
                        report.events += p.events.len() as u64;
                        figures.add(year, &p.record);
                        if let Some(builder) = returns.as_mut() {
                            from_record::ssda903_rows(&p.record, year, &registrations, builder).map_err(|e| {
                                AppError::Synthetic(format!("903 row for {}: {e}", p.record.la_child_id))
                            })?;
                        }
                        if let Some(writer) = census.as_mut()
                            && let Some(child) = from_record::cin_child(&p.record, year)
                        {
                            writer.write_child(&child)?;
                        }
                        report.injected.extend(p.injected);
                        if wants_db {
                            batch.push((p.id, p.events, p.projection));
                            if batch.len() >= BATCH && sender.blocking_send(std::mem::take(&mut batch)).is_err() {
                                return Err(AppError::Synthetic("the database writer stopped".into()));
                            }
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

    if let Some(store) = &request.store {
        while let Some(batch) = receiver.recv().await {
            let mut tx = store.begin().await?;
            let records: Vec<(ChildId, &[NewEvent])> = batch.iter().map(|(c, e, _)| (*c, e.as_slice())).collect();
            tx.create_records(&records).await?;
            let projections: Vec<(ChildRow, Vec<DutyRow>)> = batch.into_iter().filter_map(|(_, _, p)| p).collect();
            tx.insert_projections(&projections).await?;
            tx.commit().await?;
        }
    } else {
        while receiver.recv().await.is_some() {}
    }
    let (report, _) = generator.await.map_err(|e| AppError::Synthetic(format!("the generator failed: {e}")))??;
    if let Some(store) = &request.store {
        let mut tx = store.begin().await?;
        tx.put_setting(SYNTHETIC_COUNCIL_SETTING, &marker(&request.options, true)).await?;
        tx.commit().await?;
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
