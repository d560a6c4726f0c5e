//! Recording events in a child's record: every new event is checked against the child's whole
//! history (the fold) and the law's guardrails before it is appended, so an impossible record
//! can never be written and a forbidden one only with a manager's override; the child's
//! duties are brought up to date in the same transaction, and the audit log says who recorded
//! what.
//!
//! Who recorded an event is the signed-in principal's worker, never what the caller says; a
//! manager's override is the principal's own, given by asking for it.

use chrono::NaiveDate;

use careful_domain::record::{ChildEvent, Entry};
use careful_domain::{ChildId, EventId, Reason, RecordedAt, RecordedBy, Sequence};

use crate::access::Action;
use crate::audit::{Event, Outcome};
use crate::write::{self, Addition, Guardrails, NewEntry};
use crate::{AppError, UserHandle};

/// An event a user wants to record.
#[derive(Debug, Clone)]
pub struct Proposed {
    pub event: ChildEvent,
    pub effective_date: NaiveDate,
    pub reason: Option<Reason>,
    /// The recording manager accepts the guardrails' breaches (with the reason).
    pub accept_breaches: bool,
}

impl Proposed {
    pub fn new(event: ChildEvent, effective_date: NaiveDate) -> Proposed {
        Proposed { event, effective_date, reason: None, accept_breaches: false }
    }

    pub fn because(mut self, reason: Reason) -> Proposed {
        self.reason = Some(reason);
        self
    }

    /// As a manager, accepting the guardrails' breaches.
    pub fn accepting_breaches(mut self) -> Proposed {
        self.accept_breaches = true;
        self
    }
}

/// The proposals as new entries, recorded now by `worker`.
fn new_entries(proposed: Vec<Proposed>, worker: careful_domain::WorkerId, now: RecordedAt) -> Vec<NewEntry> {
    proposed
        .into_iter()
        .map(|e| NewEntry {
            id: EventId::new(),
            event: e.event,
            effective_date: e.effective_date,
            recorded_at: now,
            recorded_by: RecordedBy::Worker(worker),
            reason: e.reason,
        })
        .collect()
}

pub(crate) fn entries(events: &[careful_domain::RecordedEvent]) -> Result<Vec<Entry>, AppError> {
    events
        .iter()
        .map(|e| {
            Entry::from_recorded(e)
                .map_err(|err| AppError::Unreadable { child: e.child.to_string(), detail: err.to_string() })
        })
        .collect()
}

impl UserHandle {
    /// Records `proposed` in the child's record, provided the record still ends at `expected`,
    /// the events make sense after everything already recorded, and the guardrails allow them
    /// (or the recording manager accepts them, with a reason). Returns the new sequence.
    pub async fn record(
        &self,
        child: ChildId,
        expected: Sequence,
        proposed: Vec<Proposed>,
    ) -> Result<Sequence, AppError> {
        let p = self.principal();
        let Some(worker) = p.worker() else {
            return Err(AppError::Denied {
                what: "record in children's records",
                reason: "this account is not linked to a worker; ask an administrator to link it".into(),
            });
        };
        let accepting = proposed.iter().any(|e| e.accept_breaches);
        let store = self.app().store();
        let manager = if accepting {
            let in_post = match store.worker(worker).await? {
                Some(w) => proposed.iter().all(|e| w.in_post(e.effective_date)),
                None => false,
            };
            if !p.role().is_manager() || !in_post {
                return Err(AppError::Override(format!(
                    "{} is not a team or service manager in post on that day; only a manager may accept a breach",
                    p.display_name()
                )));
            }
            Some(worker)
        } else {
            None
        };
        let policy = crate::duties::standards(store).await?;
        let mut tx = Some(store.begin().await?);
        self.authorise_child(&mut tx, child, Action::RecordForChild).await?;
        let mut t = tx.take().expect("a transaction");
        let events = t.read_stream(child).await?;
        let current = events.last().map_or(Sequence::EMPTY, |e| e.sequence);
        if current != expected {
            return Err(AppError::Store(careful_store::StoreError::Conflict { child, expected, current }));
        }
        let now = RecordedAt::new(self.app().now());
        let titles: Vec<&'static str> = proposed.iter().map(|e| e.event.title()).collect();
        let reason = proposed.iter().find_map(|e| e.reason.clone());
        let new = new_entries(proposed, worker, now);
        let checked = write::check(
            Addition { child, expected, existing: entries(&events)?, new, guardrails: Guardrails::Apply { manager } },
            &policy,
            self.app().today(),
        )?;
        let sequences = write::commit(&mut t, vec![checked]).await?;
        let detail = format!(
            "Recorded {}{}",
            titles.join(", "),
            if manager.is_some() { ", accepting the guardrails' breaches as manager" } else { "" }
        );
        self.audit_in(
            &mut t,
            Event::new(Action::RecordForChild.code(), Outcome::Allowed, detail)
                .child(child)
                .reason(reason.map(|r| r.as_str().to_string())),
        )
        .await?;
        t.commit().await?;
        Ok(sequences[0])
    }

    /// Starts a new child's record with `proposed` (the first event registers the child). The
    /// record is checked like any other; nothing is refused for being new except an impossible
    /// record. Returns the child's ID and the record's sequence.
    pub async fn register_child(&self, proposed: Vec<Proposed>) -> Result<(ChildId, Sequence), AppError> {
        self.decide(Action::RegisterChild, crate::access::Resource::Council, None).await?;
        let Some(worker) = self.principal().worker() else {
            return Err(AppError::Denied {
                what: "start a new child's record",
                reason: "this account is not linked to a worker; ask an administrator to link it".into(),
            });
        };
        if !matches!(proposed.first().map(|p| &p.event), Some(ChildEvent::ChildRegistered { .. })) {
            return Err(AppError::invalid("event", "A new record starts with the child's registration"));
        }
        let store = self.app().store();
        let policy = crate::duties::standards(store).await?;
        let child = ChildId::new();
        let now = RecordedAt::new(self.app().now());
        let new = new_entries(proposed, worker, now);
        let checked = write::check(
            Addition {
                child,
                expected: Sequence::EMPTY,
                existing: Vec::new(),
                new,
                guardrails: Guardrails::Apply { manager: None },
            },
            &policy,
            self.app().today(),
        )?;
        let la = checked.record().la_child_id.to_string();
        let mut tx = store.begin().await?;
        let sequences = write::commit(&mut tx, vec![checked]).await?;
        self.audit_in(
            &mut tx,
            Event::new(Action::RegisterChild.code(), Outcome::Allowed, format!("Started the record of child {la}"))
                .child(child),
        )
        .await?;
        tx.commit().await?;
        Ok((child, sequences[0]))
    }

    /// What the guardrails would say of recording `event` on `date` in `record` (read by
    /// [`UserHandle::load_record`]), before anything is entered or saved.
    pub async fn guardrails_for(
        &self,
        record: &careful_domain::record::ChildRecord,
        date: NaiveDate,
        event: &ChildEvent,
    ) -> Result<Vec<crate::GuardrailFinding>, AppError> {
        let policy = crate::duties::standards(self.app().store()).await?;
        let calendar = careful_domain::WorkingDayCalendar::england_and_wales();
        Ok(careful_duties::check(record, date, event, calendar, &policy).iter().map(Into::into).collect())
    }

    /// Staff in post today, for choosing a worker on a form.
    pub async fn staff(&self) -> Result<Vec<crate::StaffMember>, AppError> {
        let store = self.app().store();
        let today = self.app().today();
        let teams: std::collections::HashMap<_, _> = store.teams().await?.into_iter().map(|t| (t.id, t.name)).collect();
        let mut out: Vec<crate::StaffMember> = store
            .workers()
            .await?
            .into_iter()
            .filter(|w| w.in_post(today))
            .map(|w| crate::StaffMember {
                id: w.id,
                team: teams.get(&w.team).cloned().unwrap_or_default(),
                name: w.name,
                role: w.role,
                team_id: w.team,
            })
            .collect();
        out.sort_by(|a, b| (&a.team, &a.name).cmp(&(&b.team, &b.name)));
        Ok(out)
    }

    /// A child's record opened to record in it (authorised and audited as such), with the
    /// sequence to expect when adding to it.
    pub async fn open_to_record(
        &self,
        child: ChildId,
    ) -> Result<(careful_domain::record::ChildRecord, Sequence), AppError> {
        let opened = self.open_child(child, Action::RecordForChild, "Opened a form to record in the record").await?;
        Ok((opened.record, opened.sequence))
    }

    /// A child's record as read now, with the sequence to expect when adding to it.
    pub async fn load_record(
        &self,
        child: ChildId,
    ) -> Result<(careful_domain::record::ChildRecord, Sequence), AppError> {
        let opened = self.open_child(child, Action::ViewChild, "Read the record").await?;
        Ok((opened.record, opened.sequence))
    }
}
