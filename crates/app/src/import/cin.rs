//! Importing a council's CIN census into careful's record.
//!
//! The census becomes each child's events ([`careful_returns::to_record::cin`]); DfE's findings
//! on each child's part of the file, and what the file does not fit of DfE's schema, are kept
//! as data-quality flags on the child. The whole import is one transaction: it writes
//! everything or nothing, and importing the same census again changes nothing.
//!
//! A child careful already holds is left as it is when their record already has every event
//! the census gives; a child held with no child in need episodes yet (known from an SSDA903
//! import, say) has the census's episodes added to their record, through the same checks as
//! any recording (the record's registration corrected to the day the census shows the child
//! known, if earlier). A child held with other episodes is a conflict: the import stops, naming
//! them, as careful does not yet merge two accounts of the same episodes.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use careful_domain::record::ChildEvent;
use careful_domain::{ChildId, CollectionYear, EventId, RecordedAt, Sequence};
use careful_returns::cin::{CinTable, read_census, validate};
use careful_returns::to_record::cin::{CinImportedChild, import_census};
use careful_returns::to_record::stable_bytes;
use careful_store::Flag;

use super::{ImportReport, LeftOut, Standards, imported_entry, not_kept_flag};
use crate::access::{Action, Resource};
use crate::audit::{Event, Outcome};
use crate::record::entries;
use crate::write::{self, Addition, Guardrails, NewEntry};
use crate::{AppError, UserHandle};

/// The flags' source label for a year's CIN census.
pub fn source_label(year: CollectionYear) -> String {
    format!("CIN census {year}")
}

/// What happens to one child of the census.
enum Plan {
    /// Not in careful: a new record.
    New,
    /// In careful with every event the census gives: left as it is.
    Unchanged,
    /// In careful with no child in need episodes: the census's episodes are added.
    AddTo { expected: Sequence, existing: Vec<careful_domain::record::Entry> },
}

struct Ready {
    child: ChildId,
    la_child_id: String,
    events: Vec<NewEntry>,
    flags: Vec<Flag>,
    plan: Plan,
}

impl UserHandle {
    /// Imports the CIN census in `bytes` (read from the file named `file`). The collection
    /// year is the census's own (its header's `Year`); `year`, when given, must agree with it.
    /// Children with values careful cannot represent stop the import, listing every such value,
    /// unless `skip_unrepresentable`, when every other child is imported and those are
    /// reported. `assess_from` is as for the SSDA903 import: the first import sets the day
    /// careful assesses duties from.
    pub async fn import_cin(
        &self,
        file: &str,
        bytes: &[u8],
        year: Option<CollectionYear>,
        skip_unrepresentable: bool,
        assess_from: Option<NaiveDate>,
    ) -> Result<ImportReport, AppError> {
        self.decide(Action::ImportReturns, Resource::Council, None).await?;
        if let Some(date) = assess_from {
            super::check_assess_from(date, self.app().today())?;
        }
        let (tables, problems) =
            read_census(file, bytes).map_err(|e| AppError::Import(format!("the census cannot be read: {e}")))?;
        let header = tables.table(CinTable::Header);
        let census_year = header
            .value(0, "Year")
            .and_then(|y| y.parse::<i32>().ok())
            .and_then(|end| format!("{}-{:02}", end - 1, end % 100).parse::<CollectionYear>().ok());
        let year = match (year, census_year) {
            (Some(given), Some(census)) if given != census => {
                return Err(AppError::Import(format!(
                    "{file}: the census is for {census} (its Header's Year), not {given} as asked"
                )));
            }
            (Some(y), _) | (None, Some(y)) => y,
            (None, None) => {
                return Err(AppError::Import(format!(
                    "{file}: the census's Header gives no collection year (Year): give it with --year"
                )));
            }
        };
        let source = source_label(year);
        let findings = validate::validate(&tables);
        let imported = import_census(file, &tables, year);
        if !imported.refused.is_empty() && !skip_unrepresentable {
            return Err(AppError::ImportRefused { rows: imported.refused.iter().map(ToString::to_string).collect() });
        }
        let today = self.app().today();
        let now = RecordedAt::new(self.app().now());

        // DfE's findings and the schema problems, by child, as flags.
        let mut flags: HashMap<String, Vec<Flag>> = HashMap::new();
        for f in &findings {
            if let Some(child) = &f.la_child_id {
                flags.entry(child.clone()).or_default().push(Flag {
                    source: source.clone(),
                    rule: f.code.to_string(),
                    message: f.message.to_string(),
                    file: Some(file.to_string()),
                    line: f.line.and_then(|l| i64::try_from(l).ok()),
                    fields: f.fields.join(","),
                });
            }
        }
        for p in &problems {
            if let Some(child) = &p.la_child_id {
                flags.entry(child.clone()).or_default().push(Flag {
                    source: source.clone(),
                    rule: "schema".into(),
                    message: p.problem.clone(),
                    file: Some(file.to_string()),
                    line: i64::try_from(p.line).ok(),
                    fields: p.path.clone(),
                });
            }
        }
        let mut out = ImportReport {
            year: Some(year),
            findings: findings.len() + problems.len(),
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

        // Each child: new, unchanged, added to, or in conflict with what careful holds.
        let store = self.app().store();
        let mut ready: Vec<Ready> = Vec::new();
        let mut conflicts: Vec<String> = Vec::new();
        for child in &imported.children {
            let la = child.la_child_id.to_string();
            let child_flags = flags.remove(&la).unwrap_or_default();
            match store.children_by_la_id(&la).await?.as_slice() {
                [] => ready.push(Ready {
                    child: ChildId::from_random_bytes(stable_bytes(&format!("careful-import child {la}"))),
                    la_child_id: la,
                    events: new_entries(child, now, true)?,
                    flags: child_flags,
                    plan: Plan::New,
                }),
                [existing] => {
                    let mut events = new_entries(child, now, false)?;
                    let held = store.read_stream(*existing).await?;
                    let existing_entries = entries(&held)?;
                    // Known to children's services before the record careful holds began (a
                    // referral years before care): the registration is corrected to that day.
                    if let (Some(first), Some(registered)) = (
                        events.iter().map(|e| e.effective_date).min(),
                        existing_entries.iter().find(|e| matches!(e.event, ChildEvent::ChildRegistered { .. })),
                    ) && first < registered.effective_date
                    {
                        let why = format!(
                            "Imported from {file}: the {source} shows the child known to children's services from {first}"
                        );
                        // Known before they were born: registered unborn, then born.
                        let mut replacement = registered.event.clone();
                        let mut birth = None;
                        if let ChildEvent::ChildRegistered { details, .. } = &mut replacement
                            && let Some(born) = details.date_of_birth.filter(|&born| first < born)
                        {
                            details.date_of_birth = None;
                            details.expected_date_of_birth = Some(born);
                            birth = Some((born, ChildEvent::ChildBorn { date_of_birth: born, sex: details.sex }));
                        }
                        let la = &child.la_child_id;
                        if let Some((born, event)) = birth {
                            let why = format!(
                                "Imported from {file}: the child was known to children's services before birth"
                            );
                            events.insert(
                                0,
                                imported_entry(&format!("careful-import cin birth {la}"), event, born, now, why)?,
                            );
                        }
                        let corrected = ChildEvent::EventCorrected {
                            corrects: registered.id,
                            replacement: Some(Box::new(replacement)),
                            replacement_date: Some(first),
                        };
                        let key = format!("careful-import cin registration {la}");
                        events.insert(0, imported_entry(&key, corrected, first, now, why)?);
                    }
                    let by_id: HashMap<EventId, &careful_domain::NewEvent> =
                        held.iter().map(|h| (h.event.id, &h.event)).collect();
                    let mut present = 0;
                    for e in &events {
                        let envelope = e.event.clone().into_envelope(
                            e.id,
                            e.effective_date,
                            e.recorded_at,
                            e.recorded_by,
                            None,
                        )?;
                        present += usize::from(by_id.get(&e.id).is_some_and(|h| {
                            h.kind == envelope.kind
                                && h.payload == envelope.payload
                                && h.effective_date == envelope.effective_date
                        }));
                    }
                    // What the census says of the child that the record lacks (the 903 carries
                    // no disabilities, for one) is added, after everything else it records.
                    let census_details = child.events.iter().find_map(|e| match &e.event {
                        ChildEvent::ChildRegistered { details, .. } => Some(details),
                        _ => None,
                    });
                    if let (Some(census), Ok(held_record)) =
                        (census_details, careful_domain::record::fold(&existing_entries))
                    {
                        let held_details = &held_record.details;
                        let mut updated = held_details.clone();
                        if updated.disabilities.is_empty() {
                            updated.disabilities = census.disabilities.clone();
                        }
                        if updated.upn.is_none() && updated.upn_unknown.is_none() {
                            updated.upn = census.upn.clone();
                            updated.upn_unknown = census.upn_unknown;
                        }
                        let last = existing_entries
                            .iter()
                            .map(|e| e.effective_date)
                            .chain(events.iter().map(|e| e.effective_date))
                            .max();
                        if &updated != held_details
                            && let Some(last) = last
                        {
                            let why = format!(
                                "Imported from {file}: what the {source} says of the child that the record did not hold"
                            );
                            let key = format!("careful-import cin details {}", child.la_child_id);
                            let event = ChildEvent::PersonalDetailsUpdated { details: updated };
                            events.push(imported_entry(&key, event, last, now, why)?);
                        }
                    }
                    let has_episodes = existing_entries.iter().any(|e| {
                        matches!(
                            e.event,
                            ChildEvent::ReferralReceived { .. } | ChildEvent::ChildProtectionPlansBeforeRecord { .. }
                        )
                    });
                    let plan = if present == events.len() {
                        Plan::Unchanged
                    } else if present == 0 && !has_episodes {
                        let expected = held.last().map_or(Sequence::EMPTY, |h| h.sequence);
                        Plan::AddTo { expected, existing: existing_entries }
                    } else {
                        conflicts.push(la);
                        continue;
                    };
                    ready.push(Ready { child: *existing, la_child_id: la, events, flags: child_flags, plan });
                }
                _ => conflicts.push(la),
            }
        }
        if !conflicts.is_empty() {
            return Err(AppError::ImportConflict { children: conflicts });
        }

        let any_new = ready.iter().any(|r| matches!(r.plan, Plan::New));
        let standards = Standards::for_import(store, assess_from, any_new, today).await?;
        out.assessed_from = standards.set.then_some(standards.policy.assessed_from);

        // Every child through the one write path: folded with what careful holds (an impossible
        // record stops the import, naming the child), projected, appended. What happened before
        // careful is history: the guardrails do not apply to it.
        let mut checked = Vec::new();
        let mut changed: Vec<(ChildId, usize, bool)> = Vec::new();
        for r in &mut ready {
            let (expected, existing, new) = match &mut r.plan {
                Plan::Unchanged => continue,
                Plan::New => (Sequence::EMPTY, Vec::new(), true),
                Plan::AddTo { expected, existing } => (*expected, std::mem::take(existing), false),
            };
            let addition =
                Addition { child: r.child, expected, existing, new: r.events.clone(), guardrails: Guardrails::History };
            checked.push(
                write::check(addition, &standards.policy, today)
                    .map_err(|e| AppError::Import(format!("child {}: {e}", r.la_child_id)))?,
            );
            changed.push((r.child, r.events.len(), new));
            out.events += r.events.len();
        }
        let mut tx = store.begin().await?;
        out.reassessed = standards.apply(&mut tx, today).await?;
        write::commit(&mut tx, checked).await?;
        for &(child, events, new) in &changed {
            let what = if new { "Imported the child's record" } else { "Added the child's episodes of need" };
            self.audit_in(
                &mut tx,
                Event::new(
                    Action::ImportReturns.code(),
                    Outcome::Allowed,
                    format!("{what} from the {source} ({events} events); {}", standards.assessed),
                )
                .child(child),
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
        out.imported = changed.iter().filter(|c| c.2).count();
        out.added_to = changed.len() - out.imported;
        out.unchanged = ready.len() - changed.len();
        out.flagged_children = flagged.len();
        self.audit_in(
            &mut tx,
            Event::new(
                Action::ImportReturns.code(),
                Outcome::Allowed,
                format!(
                    "Imported the {source}: {} new children, {} added to, {} unchanged, {} DfE findings kept as flags; {}",
                    out.imported, out.added_to, out.unchanged, out.findings, standards.assessed
                ),
            )
            .subject(source.clone()),
        )
        .await?;
        tx.commit().await?;
        if !changed.is_empty() {
            store.analyze().await?;
        }
        Ok(out)
    }
}

/// The child's events, ready for the write path, each event's reason naming the file and line
/// it came from; `registration` keeps the events that make the child known (for a new record).
fn new_entries(child: &CinImportedChild, now: RecordedAt, registration: bool) -> Result<Vec<NewEntry>, AppError> {
    child
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| registration || !e.registers())
        .map(|(i, e)| {
            let mut why = format!("Imported from {}", e.source);
            if let Some(note) = e.note {
                why.push_str("; ");
                why.push_str(note);
            }
            // The same ID each time the same census is imported.
            let key = format!("careful-import cin event {} {i}", child.la_child_id);
            imported_entry(&key, e.event.clone(), e.date, now, why)
        })
        .collect()
}
