//! The council `careful bench crash` records into while it kills the server, and the checks
//! made afterwards: every acknowledged entry is in the record exactly once, appended right after
//! the version of the record its form was opened at (so nobody's entry silently overtook
//! another's); nothing answered as not saved is there; every child's events run 1, 2, 3... with
//! no gap and all decode and fold; the projections (the children list and every duty, which the
//! worklists read) are what a rebuild from the events gives; and the audit chain verifies.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;

use careful_domain::ChildId;
use careful_domain::organisation::WorkerRole;
use careful_domain::record::fold;
use careful_store::{Scope as ProjectionScope, WorklistQuery};

use crate::audit::Verification;
use crate::bench::{sign_in_workers, write_council};
use crate::duties::{last_date, projection, standards};
use crate::scratch::ScratchDatabase;
use crate::{App, AppError, Settings, SystemClock};

/// A synthetic council in a scratch database, with sessions of social workers of one team
/// signed in, for a server in another process to serve.
pub struct CrashCouncil {
    pub engine: &'static str,
    pub children: u64,
    pub events: u64,
    /// Each session's cookie value.
    pub sessions: Vec<String>,
    /// The council's last day (the day before it was written): its projections are as of
    /// that day, and each later one as of the day it was written.
    pub end: NaiveDate,
    scratch: ScratchDatabase,
}

/// One recording a client attempted: the child, the words that mark it (unique to it), and the
/// sequence of the record its form was opened at.
#[derive(Debug, Clone)]
pub struct Recording {
    pub child: ChildId,
    pub marker: String,
    pub opened_at: Option<u64>,
}

/// What the clients know of their recordings.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// careful answered "saved".
    pub acknowledged: Vec<Recording>,
    /// Sent, but the server went away before answering: either in the record whole, or not.
    pub unanswered: Vec<Recording>,
    /// careful answered that it did not save it (a conflict, or a refusal).
    pub not_saved: Vec<Recording>,
}

/// What the checks found.
#[derive(Debug, Clone)]
pub struct CrashCheck {
    pub children: u64,
    pub events: u64,
    pub acknowledged: usize,
    /// Acknowledged but not in the record.
    pub lost: Vec<String>,
    /// Acknowledged but not appended right after the version its form was opened at: another's
    /// entry came first, so this one was saved over a record its author had not seen.
    pub lost_updates: Vec<String>,
    /// In the record more than once.
    pub duplicated: Vec<String>,
    /// Answered "not saved", yet in the record.
    pub saved_though_refused: Vec<String>,
    /// Unanswered recordings found in the record, and not.
    pub unanswered_saved: usize,
    pub unanswered_absent: usize,
    /// Records with a gap in their sequence, an event that does not decode, or a fold that fails.
    pub half_written: Vec<String>,
    /// Children whose projection (their row or duties) differs from a rebuild from their events.
    pub projections_differ: Vec<String>,
    pub audit: Verification,
}

impl CrashCheck {
    /// Nothing lost, overtaken, duplicated, half-written or out of step, and the audit chain
    /// intact.
    pub fn is_sound(&self) -> bool {
        self.lost.is_empty()
            && self.lost_updates.is_empty()
            && self.duplicated.is_empty()
            && self.saved_though_refused.is_empty()
            && self.half_written.is_empty()
            && self.projections_differ.is_empty()
            && self.audit.is_intact()
    }
}

impl CrashCouncil {
    /// Writes a synthetic council of `population` children (its last day yesterday) into a
    /// scratch database on `server` (or SQLite), and signs in `sessions` sessions of the social
    /// workers in post of the team whose workers hold the most children (more sessions than
    /// workers share workers). The database is closed again: the server opens it.
    pub async fn create(server: Option<&str>, population: u64, sessions: usize) -> Result<CrashCouncil, AppError> {
        let scratch = ScratchDatabase::create(server).await?;
        let app = App::open(scratch.url(), Settings::command_line(), Arc::new(SystemClock)).await?;
        let written_on = app.today();
        let end = written_on - chrono::Days::new(1);
        let made = async {
            write_council(&app, population, end).await?;
            let store = app.store();
            let mut by_team: HashMap<careful_domain::TeamId, Vec<(careful_domain::WorkerId, u64)>> = HashMap::new();
            for (worker, n) in store.caseload_sizes().await? {
                if let Some(w) = store.worker(worker).await?
                    && w.role == WorkerRole::SocialWorker
                    && w.in_post(written_on)
                {
                    by_team.entry(w.team).or_default().push((worker, n));
                }
            }
            let team = by_team
                .into_values()
                .max_by_key(|workers| (workers.iter().map(|(_, n)| n).sum::<u64>(), workers.len()))
                .unwrap_or_default();
            let cookies = sign_in_workers(&app, &team, sessions, "bench.crash").await?;
            let counts = store.counts().await?;
            Ok::<_, AppError>((cookies, counts))
        }
        .await;
        app.close().await;
        let (cookies, counts) = match made {
            Ok(made) => made,
            Err(e) => {
                let _ = scratch.remove().await;
                return Err(e);
            }
        };
        Ok(CrashCouncil {
            engine: scratch.engine(),
            children: counts.children,
            events: counts.events,
            sessions: cookies.into_iter().map(|(cookie, _)| cookie).collect(),
            end,
            scratch,
        })
    }

    /// The database's URL, for the server.
    pub fn url(&self) -> &str {
        self.scratch.url()
    }

    /// Checks the database against what the clients know (see the module's documentation).
    /// `markers_start` begins every marker, so entries the clients made are told from the rest.
    pub async fn check(&self, ledger: &Ledger, markers_start: &str) -> Result<CrashCheck, AppError> {
        let app = App::open(self.url(), Settings::command_line(), Arc::new(SystemClock)).await?;
        let result = check(&app, ledger, markers_start, self.end).await;
        app.close().await;
        result
    }

    /// Removes the scratch database.
    pub async fn remove(self) -> Result<(), AppError> {
        self.scratch.remove().await
    }
}

async fn check(app: &App, ledger: &Ledger, markers_start: &str, since: NaiveDate) -> Result<CrashCheck, AppError> {
    let store = app.store();
    let policy = standards(store).await?;
    let today = app.today();
    // Where each marker is: (child, the event's sequence).
    let mut found: HashMap<String, Vec<(ChildId, u64)>> = HashMap::new();
    let mut half_written = Vec::new();
    let mut projections_differ = Vec::new();
    let mut children = 0u64;
    let mut events = 0u64;
    for chunk in store.child_ids().await?.chunks(200) {
        for stream in store.read_streams(chunk).await? {
            let Some(first) = stream.first() else { continue };
            let child = first.child;
            children += 1;
            events += stream.len() as u64;
            if let Some((i, e)) = stream.iter().enumerate().find(|(i, e)| e.sequence.get() != *i as u64 + 1) {
                half_written.push(format!("child {child}: event {} has sequence {}", i + 1, e.sequence));
                continue;
            }
            for e in &stream {
                for text in strings(&serde_json::Value::Object(e.event.payload.as_map().clone())) {
                    if text.starts_with(markers_start) {
                        found.entry(text).or_default().push((child, e.sequence.get()));
                    }
                }
            }
            let record = match crate::record::entries(&stream).and_then(|entries| Ok(fold(&entries)?)) {
                Ok(record) => record,
                Err(e) => {
                    half_written.push(format!("child {child}: {e}"));
                    continue;
                }
            };
            let row = store.child_row(child).await?;
            let mut duties: Vec<_> = store
                .worklist(&WorklistQuery {
                    scope: ProjectionScope::Child(child),
                    open_only: false,
                    due_by: None,
                    due_from: None,
                })
                .await?
                .into_iter()
                .map(|item| item.duty)
                .collect();
            duties.sort_by_key(|d| d.due);
            // A projection is as of the day it was written: the council's last day for one
            // written with the council, or any day since (a run may pass midnight); or the
            // record's last day if later.
            let agrees = since.iter_days().take_while(|d| *d <= today).any(|day| {
                let (want_row, mut want_duties) = projection(child, &record, &policy, day.max(last_date(&record)));
                want_duties.sort_by_key(|d| d.due);
                row.as_ref() == Some(&want_row) && duties == want_duties
            });
            if !agrees {
                projections_differ.push(format!("child {child}: the projection is not what the events give"));
            }
        }
    }

    let mut lost = Vec::new();
    let mut lost_updates = Vec::new();
    let mut duplicated: Vec<String> = found
        .iter()
        .filter(|(_, places)| places.len() > 1)
        .map(|(marker, places)| format!("\"{marker}\" is in the record {} times", places.len()))
        .collect();
    duplicated.sort();
    for r in &ledger.acknowledged {
        match found.get(&r.marker).map(Vec::as_slice) {
            None | Some([]) => {
                lost.push(format!("\"{}\" (child {}) was acknowledged but is not in the record", r.marker, r.child))
            }
            Some([(child, sequence), ..]) => {
                if *child != r.child {
                    lost.push(format!(
                        "\"{}\" was recorded for child {} but is in child {child}'s record",
                        r.marker, r.child
                    ));
                } else if r.opened_at.map(|s| s + 1) != Some(*sequence) {
                    lost_updates.push(format!(
                        "\"{}\" (child {}) is entry {sequence}, but its form was opened at entry {}",
                        r.marker,
                        r.child,
                        r.opened_at.map_or("unknown".to_string(), |s| s.to_string())
                    ));
                }
            }
        }
    }
    // Two acknowledged entries opened at the same version of one record: one overtook the other.
    let mut opened: HashSet<(ChildId, u64)> = HashSet::new();
    for r in &ledger.acknowledged {
        if let Some(s) = r.opened_at
            && !opened.insert((r.child, s))
        {
            lost_updates.push(format!(
                "two entries on child {} were both saved from a form opened at entry {s} (\"{}\")",
                r.child, r.marker
            ));
        }
    }
    let saved_though_refused = ledger
        .not_saved
        .iter()
        .filter(|r| found.contains_key(&r.marker))
        .map(|r| format!("\"{}\" (child {}) was answered as not saved but is in the record", r.marker, r.child))
        .collect();
    let unanswered_saved = ledger.unanswered.iter().filter(|r| found.contains_key(&r.marker)).count();
    let audit = crate::audit::verify(store).await?;
    Ok(CrashCheck {
        children,
        events,
        acknowledged: ledger.acknowledged.len(),
        lost,
        lost_updates,
        duplicated,
        saved_though_refused,
        unanswered_saved,
        unanswered_absent: ledger.unanswered.len() - unanswered_saved,
        half_written,
        projections_differ,
        audit,
    })
}

/// Every string in a JSON value.
fn strings(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(items) => items.iter().flat_map(strings).collect(),
        serde_json::Value::Object(map) => map.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    //! The checks find what they are for: each kind of damage, made on purpose in a synthetic
    //! council, is reported, and an undamaged council passes.

    use super::*;
    use careful_domain::record::{ChildEvent, SeenAlone, VisitKind};
    use careful_domain::{EventId, RecordedAt, RecordedBy, Sequence, SystemProcess};

    const MARK: &str = "crash check test:";

    fn recording(child: ChildId, marker: &str, opened_at: Option<u64>) -> Recording {
        Recording { child, marker: format!("{MARK} {marker}"), opened_at }
    }

    /// Appends visits marked `markers` to the first looked-after child's record, one after
    /// another, with the projection brought up to date as the write path does; returns the
    /// child and the sequence before the first.
    async fn visit_first_looked_after_child(app: &App, markers: &[&str]) -> (ChildId, u64) {
        let store = app.store();
        let mut child = None;
        for id in store.child_ids().await.unwrap() {
            if store.child_row(id).await.unwrap().is_some_and(|r| r.status == "Looked after") {
                child = Some(id);
                break;
            }
        }
        let child = child.expect("the synthetic council has a child looked after");
        let before = store.read_stream(child).await.unwrap().len() as u64;
        let policy = standards(store).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        for (i, marker) in markers.iter().enumerate() {
            let event = ChildEvent::VisitMade {
                visit: VisitKind::LookedAfter,
                seen: true,
                seen_alone: Some(SeenAlone::Yes),
                wishes_and_feelings: Some(format!("{MARK} {marker}")),
            }
            .into_envelope(
                EventId::new(),
                app.today(),
                RecordedAt::new(app.now()),
                RecordedBy::System(SystemProcess::Generator),
                None,
            )
            .unwrap();
            tx.append(child, Sequence::new(before + i as u64), &[event]).await.unwrap();
        }
        crate::write::reproject(&mut tx, child, &policy, app.today()).await.unwrap();
        tx.commit().await.unwrap();
        (child, before)
    }

    #[tokio::test]
    async fn the_checks_find_lost_entries_lost_updates_and_projections_out_of_step() {
        let council = CrashCouncil::create(None, 300, 1).await.unwrap();
        let sound = council.check(&Ledger::default(), MARK).await.unwrap();
        assert!(sound.is_sound(), "{sound:?}");
        assert!(sound.children > 0 && sound.events > 0 && sound.audit.entries > 0);

        let app = App::open(council.url(), Settings::command_line(), Arc::new(SystemClock)).await.unwrap();
        let (child, before) = visit_first_looked_after_child(&app, &["one", "two"]).await;

        // Each entry where its form was opened: sound.
        let right = Ledger {
            acknowledged: vec![recording(child, "one", Some(before)), recording(child, "two", Some(before + 1))],
            ..Ledger::default()
        };
        let found = council.check(&right, MARK).await.unwrap();
        assert!(found.is_sound(), "{found:?}");
        assert_eq!(found.acknowledged, 2);

        // Both saved from forms opened at the same version: the second overtook the first.
        let overtaken = Ledger {
            acknowledged: vec![recording(child, "one", Some(before)), recording(child, "two", Some(before))],
            ..Ledger::default()
        };
        let found = council.check(&overtaken, MARK).await.unwrap();
        assert!(!found.is_sound());
        assert_eq!(found.lost_updates.len(), 2, "{:?}", found.lost_updates);
        assert!(found.lost.is_empty());

        // Acknowledged but absent; answered "not saved" but present; unanswered either way.
        let ledger = Ledger {
            acknowledged: vec![recording(child, "never written", Some(before))],
            not_saved: vec![recording(child, "one", None)],
            unanswered: vec![recording(child, "two", None), recording(child, "also never written", None)],
        };
        let found = council.check(&ledger, MARK).await.unwrap();
        assert_eq!(found.lost.len(), 1, "{:?}", found.lost);
        assert!(found.lost[0].contains("never written"));
        assert_eq!(found.saved_though_refused.len(), 1);
        assert_eq!((found.unanswered_saved, found.unanswered_absent), (1, 1));
        assert!(found.projections_differ.is_empty() && found.half_written.is_empty());

        // The same entry twice.
        visit_first_looked_after_child(&app, &["one"]).await;
        let found = council.check(&right, MARK).await.unwrap();
        assert_eq!(found.duplicated.len(), 1, "{:?}", found.duplicated);

        // A projection out of step with the events.
        let store = app.store();
        let mut row = store.child_row(child).await.unwrap().unwrap();
        row.status = "Child in need".into();
        let mut tx = store.begin().await.unwrap();
        tx.replace_projection(&row, &[]).await.unwrap();
        tx.commit().await.unwrap();
        let found = council.check(&Ledger::default(), MARK).await.unwrap();
        assert_eq!(found.projections_differ.len(), 1, "{:?}", found.projections_differ);
        assert!(found.projections_differ[0].contains(&child.to_string()));

        app.close().await;
        council.remove().await.unwrap();
    }
}
