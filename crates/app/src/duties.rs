//! Duties and worklists: what is owed to each child, kept in the store's projection in step with
//! every append, and read back as worklists for a worker, a team, an IRO or the whole council.

use chrono::NaiveDate;

use careful_domain::record::ChildRecord;
use careful_domain::{ChildId, CollectionYear, TeamId, WorkerId, WorkingDayCalendar};
use careful_duties::{Duty, DutyStatus, Policy};
use careful_store::{ChildRow, DutyRow, Scope, Store, WorklistItem, WorklistQuery};

use crate::{App, AppError};

/// The setting holding the council's practice standards, as JSON (see [`Policy`]).
pub const STANDARDS_SETTING: &str = "practice_standards";

/// A duty on a worklist, with its status today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorklistEntry {
    pub item: WorklistItem,
    pub status: DutyStatus,
}

/// Which duties a worklist holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    Council,
    Worker(WorkerId),
    Team(TeamId),
    Iro(WorkerId),
    Child(ChildId),
}

/// The council's practice standards, from its settings (the catalogue's defaults if none are
/// set).
pub async fn standards(store: &Store) -> Result<Policy, AppError> {
    match store.setting(STANDARDS_SETTING).await? {
        None => Ok(Policy::default()),
        Some(json) => {
            let policy: Policy = serde_json::from_str(&json).map_err(|e| AppError::Settings {
                key: STANDARDS_SETTING,
                detail: format!("the practice standards cannot be read: {e}"),
            })?;
            policy.check().map_err(|detail| AppError::Settings { key: STANDARDS_SETTING, detail })?;
            Ok(policy)
        }
    }
}

/// The first day of the previous collection year: the projection keeps every duty still to be
/// done and every other duty due since this day (this year's and last year's performance).
/// Earlier history is worked out from the record when asked for (`App::worklist_as_of`).
pub fn kept_from(as_of: NaiveDate) -> NaiveDate {
    CollectionYear::containing(as_of).map_or(as_of, |y| y.previous().first_day())
}

/// The projection rows for a child: their row in the children list, and every duty owed to
/// them as of `as_of`, with the worker, team and IRO responsible then.
pub fn projection(child: ChildId, record: &ChildRecord, policy: &Policy, as_of: NaiveDate) -> (ChildRow, Vec<DutyRow>) {
    let allocation = record.allocated_worker(as_of);
    let worker = allocation.map(|a| a.worker);
    let team = allocation.map(|a| a.team);
    let iro = record.iro(as_of);
    let adviser = record.personal_advisers.last().map(|(_, w)| *w);
    let row = ChildRow {
        child,
        la_child_id: record.la_child_id.to_string(),
        given_name: record.details.given_name.clone(),
        family_name: record.details.family_name.clone(),
        date_of_birth: record.date_of_birth(),
        status: record.status(as_of).headline().to_string(),
        worker,
        team,
        iro,
    };
    let keep_from = kept_from(as_of);
    let duties = careful_duties::duties_of(record, WorkingDayCalendar::england_and_wales(), policy, as_of)
        .into_iter()
        .filter(|d| d.can_still_be_done() || d.due >= keep_from)
        .map(|d| {
            // A care leaver's personal adviser holds the care leaver duties.
            let worker = if d.rule.id.starts_with("cl-") { adviser.or(worker) } else { worker };
            duty_row(&d, worker, team, iro)
        })
        .collect();
    (row, duties)
}

fn duty_row(d: &Duty, worker: Option<WorkerId>, team: Option<TeamId>, iro: Option<WorkerId>) -> DutyRow {
    DutyRow {
        rule: d.rule.id.to_string(),
        owed: d.owed.to_string(),
        trigger_what: d.trigger.what.to_string(),
        trigger_date: d.trigger.date,
        due: d.due,
        due_at: d.due_at,
        met_on: d.met_on,
        ended: d.ended,
        not_applicable: match &d.status {
            DutyStatus::NotApplicable { reason } => Some(reason.clone()),
            _ => None,
        },
        late_days: d.status.late_days(),
        open: d.can_still_be_done(),
        working: d.working_text(WorkingDayCalendar::england_and_wales()),
        worker,
        team,
        iro,
    }
}

/// The status on `today` of a duty as the projection keeps it.
pub fn status_on(duty: &DutyRow, today: NaiveDate) -> DutyStatus {
    DutyStatus::from_parts(duty.due, duty.open, duty.met_on, duty.late_days, duty.not_applicable.as_deref(), today)
}

impl App {
    /// The duties of a worker, team, IRO, child or the whole council, each with its status
    /// `today`. `open_only` keeps to duties that can still be done; `due_by` to those due on or
    /// before a day (today, for "due or overdue"). Duties met or missed are listed from the
    /// start of the previous collection year ([`kept_from`]).
    pub async fn worklist(
        &self,
        whose: Whose,
        open_only: bool,
        due_by: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Vec<WorklistEntry>, AppError> {
        let scope = match whose {
            Whose::Council => Scope::Council,
            Whose::Worker(w) => Scope::Worker(w),
            Whose::Team(t) => Scope::Team(t),
            Whose::Iro(i) => Scope::Iro(i),
            Whose::Child(c) => Scope::Child(c),
        };
        // Duties no longer open are kept for this and last collection year.
        let due_from = (!open_only).then(|| kept_from(today));
        let items = self.store().worklist(&WorklistQuery { scope, open_only, due_by, due_from }).await?;
        Ok(items
            .into_iter()
            .map(|item| {
                let status = status_on(&item.duty, today);
                WorklistEntry { item, status }
            })
            .collect())
    }

    /// Every duty owed to one child as of `as_of`, worked out afresh from the record (with the
    /// events that started and met each), for explaining the arithmetic.
    pub async fn child_duties(
        &self,
        child: ChildId,
        as_of: NaiveDate,
    ) -> Result<Option<(ChildRecord, Vec<Duty>)>, AppError> {
        let events = self.store().read_stream(child).await?;
        if events.is_empty() {
            return Ok(None);
        }
        let entries = crate::record::entries(&events)?;
        let policy = standards(self.store()).await?;
        let duties = careful_duties::duties(&entries, WorkingDayCalendar::england_and_wales(), &policy, as_of)?;
        let record = careful_domain::record::fold(&entries)?;
        Ok(Some((record, duties)))
    }

    /// As [`App::worklist`], but worked out afresh from every record as it stood at the end of
    /// `as_of` (for a day in the past, when duties met since then were still outstanding),
    /// with the worker, team and IRO of that day.
    pub async fn worklist_as_of(&self, whose: Whose, as_of: NaiveDate) -> Result<Vec<WorklistEntry>, AppError> {
        let policy = standards(self.store()).await?;
        let children = match whose {
            Whose::Child(c) => vec![c],
            _ => self.store().child_ids().await?,
        };
        let mut out = Vec::new();
        for child in children {
            let events = self.store().read_stream(child).await?;
            let entries = crate::record::entries(&events)?;
            if entries.first().is_none_or(|e| e.effective_date > as_of) {
                continue;
            }
            let record = careful_duties::record_as_of(&entries, as_of)?;
            let (row, duties) = projection(child, &record, &policy, as_of);
            for duty in duties {
                let keep = match whose {
                    Whose::Council | Whose::Child(_) => true,
                    Whose::Worker(w) => duty.worker == Some(w),
                    Whose::Team(t) => duty.team == Some(t),
                    Whose::Iro(i) => duty.iro == Some(i),
                };
                if keep {
                    let status = status_on(&duty, as_of);
                    out.push(WorklistEntry {
                        item: WorklistItem {
                            child,
                            la_child_id: row.la_child_id.clone(),
                            child_name: format!("{} {}", row.given_name, row.family_name),
                            duty,
                        },
                        status,
                    });
                }
            }
        }
        out.sort_by(|a, b| (a.item.duty.due, &a.item.la_child_id).cmp(&(b.item.duty.due, &b.item.la_child_id)));
        Ok(out)
    }

    /// The children with this council child ID.
    pub async fn find_child(&self, la_child_id: &str) -> Result<Vec<ChildId>, AppError> {
        Ok(self.store().children_by_la_id(la_child_id).await?)
    }

    /// Recomputes every child's projection as of `as_of` (after the council's standards change,
    /// or to move the worker, team and IRO shown on duties on to a new day).
    pub async fn rebuild_projections(&self, as_of: NaiveDate) -> Result<u64, AppError> {
        let policy = standards(self.store()).await?;
        let mut done = 0;
        for chunk in self.store().child_ids().await?.chunks(500) {
            let mut tx = self.store().begin().await?;
            for child in chunk {
                let events = self.store().read_stream(*child).await?;
                let entries = crate::record::entries(&events)?;
                let record = careful_domain::record::fold(&entries)?;
                let (row, duties) = projection(*child, &record, &policy, as_of.max(last_date(&record)));
                tx.replace_projection(&row, &duties).await?;
                done += 1;
            }
            tx.commit().await?;
        }
        Ok(done)
    }
}

/// The latest day anything in the record happened.
pub(crate) fn last_date(record: &ChildRecord) -> NaiveDate {
    record.timeline.last().map_or(NaiveDate::MIN, |e| e.effective_date)
}
