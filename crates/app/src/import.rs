//! Importing a council's existing SSDA903 files into careful's record, so the council sees its
//! children's duties and figures the day it starts.
//!
//! The files become each child's events ([`careful_returns::to_record`]); the DfE findings on
//! the rows each child came from are kept as data-quality flags on the child. The whole import
//! is one transaction: it writes everything or nothing. Importing the same files again changes
//! nothing: a child already in careful whose record the files would give again is left as it is.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use careful_domain::calendar::long_date;
use careful_domain::organisation::{Employment, Service, Team, Worker, WorkerRole};
use careful_domain::record::ChildEvent;
use careful_domain::{
    ChildId, CollectionYear, EventId, Reason, RecordedAt, RecordedBy, SystemProcess, TeamId, WorkerId,
};
use careful_returns::ssda903::Submission;
use careful_returns::ssda903::validate::{Metadata, validate_report};
use careful_returns::to_record::{self, Imported, ImportedChild, stable_bytes};
use careful_store::Flag;

pub mod cin;

use crate::access::{Action, Resource};
use crate::audit::{Event, Outcome};
use crate::duties::{STANDARDS_SETTING, standards};
use crate::write::{self, Addition, Guardrails, NewEntry};
use crate::{AppError, UserHandle};

/// The team careful puts social workers named in imported returns in, until someone moves them.
pub const IMPORTED_WORKERS_TEAM: &str = "Social workers from imported returns";

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub year: Option<CollectionYear>,
    /// Children whose records were created.
    pub imported: usize,
    /// Children already in careful with the record the files give: left as they were.
    pub unchanged: usize,
    pub events: usize,
    /// Social workers added from `SWEpisodes`.
    pub workers_added: usize,
    /// DfE findings on the files, and the children they concern.
    pub findings: usize,
    pub flagged_children: usize,
    /// Values careful does not hold yet, by child.
    pub not_kept: usize,
    /// Children left out (with `skip_unrepresentable`), and why.
    pub left_out: Vec<LeftOut>,
    /// Children already in careful whose records the import added to (a census's episodes for
    /// a child careful held from an SSDA903 import, say).
    pub added_to: usize,
    /// The day from which careful assesses duties, if the import set it.
    pub assessed_from: Option<NaiveDate>,
    /// The children already in careful whose duties were worked out again because the import
    /// set the day duties are assessed from.
    pub reassessed: u64,
}

/// Checks a day asked for as the one careful assesses duties from (`--assess-from`): not after
/// `today`, and not before the working-day calendar's first day.
pub fn check_assess_from(date: NaiveDate, today: NaiveDate) -> Result<(), AppError> {
    let first = careful_domain::calendar::WorkingDayCalendar::england_and_wales().coverage().0;
    if date > today {
        return Err(AppError::Import(format!(
            "--assess-from {date} is after today ({}): careful can judge only duties whose time has come; \
             give today or an earlier day",
            long_date(today)
        )));
    }
    if date < first {
        return Err(AppError::Import(format!(
            "--assess-from {date} is before {}, the first day of careful's working-day calendar: \
             give that day or a later one",
            long_date(first)
        )));
    }
    Ok(())
}

/// The flags' source label for a year's 903.
pub fn source_label(year: CollectionYear) -> String {
    format!("SSDA903 {year}")
}

/// A child left out of an import, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// The child's ID as written in the files.
    pub child: String,
    /// The value careful cannot represent: file, line, field and why.
    pub why: String,
}

impl std::fmt::Display for LeftOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.why)
    }
}

/// The council's practice standards for an import: careful assesses duties from the day it
/// takes over the record (earlier history was kept elsewhere, without the visits and notices
/// the returns do not hold), or from the day the council asks for, to judge its past timeliness
/// from its own returns. The first import sets the day; later imports leave it as it is.
pub(crate) struct Standards {
    pub policy: careful_duties::Policy,
    /// Whether this import sets the standards.
    pub set: bool,
    /// The day duties are assessed from, and why, for the audit.
    pub assessed: String,
    /// The children careful already held, whose duties were worked out with the standards as
    /// they were.
    held_before: Vec<ChildId>,
}

impl Standards {
    pub(crate) async fn for_import(
        store: &careful_store::Store,
        assess_from: Option<NaiveDate>,
        any_new: bool,
        today: NaiveDate,
    ) -> Result<Standards, AppError> {
        let mut policy = standards(store).await?;
        let standards_set = store.setting(STANDARDS_SETTING).await?.is_some();
        if let Some(date) = assess_from
            && standards_set
            && date != policy.assessed_from
        {
            return Err(AppError::Import(format!(
                "--assess-from {date}: the council's practice standards already assess duties from {}, \
                 for every child; an import does not change them (use `careful admin standards --set`, \
                 which works out every child's duties again)",
                long_date(policy.assessed_from)
            )));
        }
        let set = !standards_set && (assess_from.is_some() || any_new);
        if set {
            policy.assessed_from = assess_from.unwrap_or(today);
        }
        let assessed = match (assess_from, set) {
            (Some(date), _) => format!("duties assessed from {date}, as asked (--assess-from)"),
            (None, true) => format!("duties assessed from {today}, the day of the import"),
            (None, false) => format!("duties assessed from {}, the council's standard", policy.assessed_from),
        };
        let held_before = if set { store.child_ids().await? } else { Vec::new() };
        Ok(Standards { policy, set, assessed, held_before })
    }

    /// Saves the standards if this import sets them, and works out again the duties of the
    /// children careful already held, in the same transaction, so the worklists and `careful
    /// duties` agree. Returns how many children were worked out again.
    pub(crate) async fn apply(&self, tx: &mut careful_store::Transaction, today: NaiveDate) -> Result<u64, AppError> {
        if !self.set {
            return Ok(0);
        }
        let json = serde_json::to_string(&self.policy).map_err(|e| AppError::Import(e.to_string()))?;
        tx.put_setting(STANDARDS_SETTING, &json).await?;
        for child in &self.held_before {
            write::reproject(tx, *child, &self.policy, today).await?;
        }
        Ok(self.held_before.len() as u64)
    }
}

/// An imported child, resolved to careful's IDs and ready to write.
struct Ready {
    child: ChildId,
    la_child_id: String,
    events: Vec<NewEntry>,
    flags: Vec<Flag>,
    new: bool,
}

impl UserHandle {
    /// Imports `submission` (this year's 903 for `year`, and optionally last year's). Children
    /// with rows careful cannot represent stop the import, listing every such row, unless
    /// `skip_unrepresentable`, when every other child is imported and those are reported.
    ///
    /// The day careful assesses duties from is the council's practice standard
    /// `assessed_from`, which the projections and every duty use. The first import sets it:
    /// to `assess_from` if given (so a council can judge its past timeliness from its own
    /// returns), otherwise to the day of the import. Once the standards are set, an import
    /// leaves them alone, and one asking for a different day is refused: changing the day for
    /// every child is `careful admin standards --set`.
    pub async fn import_ssda903(
        &self,
        submission: &Submission,
        year: CollectionYear,
        skip_unrepresentable: bool,
        assess_from: Option<NaiveDate>,
    ) -> Result<ImportReport, AppError> {
        self.decide(Action::ImportReturns, Resource::Council, None).await?;
        if let Some(date) = assess_from {
            check_assess_from(date, self.app().today())?;
        }
        let meta = Metadata::new(year).map_err(|e| AppError::Import(e.to_string()))?;
        let report = validate_report(&submission.this_year, submission.previous_year.as_ref(), &meta);
        let imported = to_record::import(submission, year);
        if !imported.refused.is_empty() && !skip_unrepresentable {
            return Err(AppError::ImportRefused { rows: imported.refused.iter().map(ToString::to_string).collect() });
        }
        let source = source_label(year);
        let today = self.app().today();
        let now = RecordedAt::new(self.app().now());

        // Social workers by registration number: those careful has, and those to add.
        let store = self.app().store();
        let workers = store.workers().await?;
        let teams = store.teams().await?;
        let mut by_registration: HashMap<String, (WorkerId, TeamId)> =
            workers.iter().filter_map(|w| w.registration.clone().map(|r| (r, (w.id, w.team)))).collect();
        let existing_team = teams.iter().find(|t| t.name == IMPORTED_WORKERS_TEAM).map(|t| t.id);
        let team = existing_team.unwrap_or_else(|| TeamId::from_random_bytes(stable_bytes("careful-import team")));
        let mut new_workers: Vec<Worker> = Vec::new();
        for child in &imported.children {
            for e in &child.events {
                if let Imported::Allocation { sw_id, .. } = &e.what
                    && !by_registration.contains_key(sw_id)
                {
                    let worker = Worker {
                        id: WorkerId::from_random_bytes(stable_bytes(&format!("careful-import worker {sw_id}"))),
                        name: format!("Social worker {sw_id}"),
                        role: WorkerRole::SocialWorker,
                        team,
                        employment: Employment::Permanent,
                        started: None,
                        left: None,
                        registration: Some(sw_id.clone()),
                    };
                    by_registration.insert(sw_id.clone(), (worker.id, team));
                    new_workers.push(worker);
                }
            }
        }

        // Findings by child, as flags.
        let mut flags: HashMap<String, Vec<Flag>> = HashMap::new();
        for f in &report.findings {
            if let Some(child) = &f.child {
                flags.entry(child.clone()).or_default().push(Flag {
                    source: source.clone(),
                    rule: f.code.to_string(),
                    message: f.message.to_string(),
                    file: submission.this_year.table(f.table).map(|t| t.file().to_string()),
                    line: i64::try_from(f.line).ok(),
                    fields: f.fields.join(","),
                });
            }
        }
        let mut out = ImportReport {
            year: Some(year),
            findings: report.findings.len(),
            left_out: imported.refused.iter().map(|r| LeftOut { child: r.child.clone(), why: r.to_string() }).collect(),
            ..ImportReport::default()
        };
        for child in &imported.children {
            for n in &child.not_kept {
                out.not_kept += 1;
                let flag = not_kept_flag(&source, &n.why, &n.source.file, n.source.line, n.field);
                flags.entry(child.la_child_id.to_string()).or_default().push(flag);
            }
        }

        // Each child: new, unchanged, or in conflict with what careful already holds.
        let mut ready: Vec<Ready> = Vec::new();
        let mut conflicts: Vec<String> = Vec::new();
        for child in &imported.children {
            let la = child.la_child_id.to_string();
            let events = new_entries(child, &by_registration, now)?;
            let child_flags = flags.remove(&la).unwrap_or_default();
            match store.children_by_la_id(&la).await?.as_slice() {
                [] => ready.push(Ready {
                    child: ChildId::from_random_bytes(stable_bytes(&format!("careful-import child {la}"))),
                    la_child_id: la,
                    events,
                    flags: child_flags,
                    new: true,
                }),
                [existing] => {
                    let held = store.read_stream(*existing).await?;
                    let mut same = held.len() == events.len();
                    for (h, e) in held.iter().zip(&events) {
                        let envelope = e.event.clone().into_envelope(
                            e.id,
                            e.effective_date,
                            e.recorded_at,
                            e.recorded_by,
                            None,
                        )?;
                        same &= h.event.kind == envelope.kind
                            && h.event.payload == envelope.payload
                            && h.event.effective_date == envelope.effective_date;
                    }
                    if same {
                        ready.push(Ready {
                            child: *existing,
                            la_child_id: la,
                            events: Vec::new(),
                            flags: child_flags,
                            new: false,
                        });
                    } else {
                        conflicts.push(la);
                    }
                }
                _ => conflicts.push(la),
            }
        }
        if !conflicts.is_empty() {
            return Err(AppError::ImportConflict { children: conflicts });
        }

        let standards = Standards::for_import(store, assess_from, ready.iter().any(|r| r.new), today).await?;
        out.assessed_from = standards.set.then_some(standards.policy.assessed_from);
        let assessed = standards.assessed.clone();
        let policy = standards.policy.clone();

        let mut tx = store.begin().await?;
        if !new_workers.is_empty() && existing_team.is_none() {
            tx.insert_team(&Team { id: team, name: IMPORTED_WORKERS_TEAM.into(), service: Service::LookedAfter })
                .await?;
        }
        for w in &new_workers {
            tx.insert_worker(w).await?;
        }
        out.workers_added = new_workers.len();
        out.reassessed = standards.apply(&mut tx, today).await?;
        // Every new child through the one write path: folded (an impossible record stops the
        // import), projected, appended. What happened before careful is history: the
        // guardrails do not apply to it.
        let mut checked = Vec::new();
        for r in ready.iter().filter(|r| r.new) {
            out.events += r.events.len();
            let addition = Addition {
                child: r.child,
                expected: careful_domain::Sequence::EMPTY,
                existing: Vec::new(),
                new: r.events.clone(),
                guardrails: Guardrails::History,
            };
            checked.push(
                write::check(addition, &policy, today)
                    .map_err(|e| AppError::Import(format!("child {}: {e}", r.la_child_id)))?,
            );
        }
        let imported_children = checked.len();
        write::commit(&mut tx, checked).await?;
        for r in ready.iter().filter(|r| r.new) {
            self.audit_in(
                &mut tx,
                Event::new(
                    Action::ImportReturns.code(),
                    Outcome::Allowed,
                    format!("Imported the child's record from {source} ({} events); {assessed}", r.events.len()),
                )
                .child(r.child),
            )
            .await?;
        }
        let mut flagged: HashSet<ChildId> = HashSet::new();
        for r in &ready {
            if !r.flags.is_empty() {
                flagged.insert(r.child);
            }
            tx.replace_data_quality(r.child, &source, &r.flags).await?;
        }
        self.audit_in(
            &mut tx,
            Event::new(
                Action::ImportReturns.code(),
                Outcome::Allowed,
                format!(
                    "Imported {source}: {imported_children} new children, {} unchanged, {} workers added, {} DfE findings kept as flags; {assessed}",
                    ready.len() - imported_children,
                    new_workers.len(),
                    out.findings
                ),
            )
            .subject(source.clone()),
        )
        .await?;
        tx.commit().await?;
        if imported_children > 0 {
            self.app().store().analyze().await?;
        }
        out.imported = imported_children;
        out.unchanged = ready.len() - imported_children;
        out.flagged_children = flagged.len();
        Ok(out)
    }
}

/// The child's events, ready for the write path: allocations resolved to careful's workers, each
/// event's reason naming the file and line it came from.
fn new_entries(
    child: &ImportedChild,
    workers: &HashMap<String, (WorkerId, TeamId)>,
    now: RecordedAt,
) -> Result<Vec<NewEntry>, AppError> {
    child
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let event = match &e.what {
                Imported::Event(event) => event.clone(),
                Imported::Allocation { sw_id, reason } => {
                    let (worker, team) = workers[sw_id];
                    ChildEvent::WorkerAllocated { worker, team, reason: *reason }
                }
            };
            let mut why = format!("Imported from {}", e.source);
            if let Some(note) = e.note {
                why.push_str("; ");
                why.push_str(note);
            }
            // The same ID each time the same row is imported.
            imported_entry(&format!("careful-import event {} {i}", child.la_child_id), event, e.date, now, why)
        })
        .collect()
}

/// A fact an import records, by the import: the same ID each time the same files are
/// imported (from `key`), and its reason (`why`: where it came from and what the files did not
/// say).
pub(crate) fn imported_entry(
    key: &str,
    event: ChildEvent,
    effective_date: NaiveDate,
    now: RecordedAt,
    why: String,
) -> Result<NewEntry, AppError> {
    let reason = Reason::parse(why).map_err(|err| AppError::Import(err.to_string()))?;
    Ok(NewEntry {
        id: EventId::from_random_bytes(stable_bytes(key)),
        event,
        effective_date,
        recorded_at: now,
        recorded_by: RecordedBy::System(SystemProcess::Import),
        reason: Some(reason),
    })
}

/// The data-quality flag for a value an import did not keep.
pub(crate) fn not_kept_flag(source: &str, why: &str, file: &str, line: u64, field: &str) -> Flag {
    Flag {
        source: source.to_string(),
        rule: "not kept".into(),
        message: why.to_string(),
        file: Some(file.to_string()),
        line: i64::try_from(line).ok(),
        fields: field.to_string(),
    }
}
