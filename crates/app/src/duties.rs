//! Duties and worklists: what is owed to each child, kept in the store's projection in step with
//! every append, and read back as worklists for a worker, a team, an IRO or the whole council.

use chrono::NaiveDate;

use careful_domain::record::ChildRecord;
use careful_domain::{ChildId, CollectionYear, TeamId, WorkerId, WorkingDayCalendar};
use careful_duties::{Duty, DutyStatus, Policy};
use careful_store::{ChildRow, DutyRow, Scope, Store, WorklistItem, WorklistQuery};

use crate::access::{Action, Resource, WorklistScope};
use crate::audit::{Event, Outcome};
use crate::{App, AppError, UserHandle};

/// The setting holding the council's practice standards, as JSON (see [`Policy`]).
pub const STANDARDS_SETTING: &str = "practice_standards";

/// A duty on a worklist, with the child it is owed to and its status on the day asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorklistEntry {
    pub child: ChildId,
    /// The council's own ID for the child.
    pub la_child_id: String,
    pub child_name: String,
    pub duty: DutyLine,
    pub status: DutyStatus,
}

/// One duty owed to a child, as worklists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyLine {
    /// The rule's id in the statutory rule catalogue.
    pub rule: String,
    pub owed: String,
    pub trigger_what: String,
    pub trigger_date: NaiveDate,
    pub due: NaiveDate,
    pub due_at: Option<chrono::NaiveDateTime>,
    pub met_on: Option<NaiveDate>,
    pub ended: Option<NaiveDate>,
    pub not_applicable: Option<String>,
    pub late_days: u32,
    /// Whether it can still be done.
    pub open: bool,
    /// How the due date was worked out.
    pub working: String,
    pub worker: Option<WorkerId>,
    pub team: Option<TeamId>,
    pub iro: Option<WorkerId>,
}

impl From<DutyRow> for DutyLine {
    fn from(d: DutyRow) -> DutyLine {
        DutyLine {
            rule: d.rule,
            owed: d.owed,
            trigger_what: d.trigger_what,
            trigger_date: d.trigger_date,
            due: d.due,
            due_at: d.due_at,
            met_on: d.met_on,
            ended: d.ended,
            not_applicable: d.not_applicable,
            late_days: d.late_days,
            open: d.open,
            working: d.working,
            worker: d.worker,
            team: d.team,
            iro: d.iro,
        }
    }
}

impl WorklistEntry {
    pub(crate) fn from_item(item: WorklistItem, today: NaiveDate) -> WorklistEntry {
        let status = status_on(&item.duty, today);
        WorklistEntry {
            child: item.child,
            la_child_id: item.la_child_id,
            child_name: item.child_name,
            duty: item.duty.into(),
            status,
        }
    }
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

/// The ids of the catalogue rules careful works out as duties, in the catalogue's order.
pub fn encoded_rule_ids() -> Vec<&'static str> {
    careful_duties::catalogue::rules()
        .iter()
        .filter(|r| {
            matches!(
                careful_duties::catalogue::implementation(r.id),
                careful_duties::Implementation::Duty(_) | careful_duties::Implementation::DutyAndGuardrail(_)
            )
        })
        .map(|r| r.id)
        .collect()
}

/// The council's practice standards, from its settings (the catalogue's defaults if none are
/// set).
pub(crate) async fn standards(store: &Store) -> Result<Policy, AppError> {
    parse_standards(store.setting(STANDARDS_SETTING).await?)
}

pub(crate) fn parse_standards(value: Option<String>) -> Result<Policy, AppError> {
    match value {
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

/// Bumped whenever the projection is computed differently (new columns, new rules): a database
/// whose projections were written by an older careful is rebuilt when opened. 4: due dates after
/// the published bank holiday list are counted with computed bank holidays (no longer not
/// applicable), and their working says so. 6: a birth is folded first among its day's events,
/// a referral closed with no further action is RC7, and earlier child protection plans are
/// counted from `child_protection_plans_before_record`.
pub(crate) const PROJECTION_VERSION: &str = "6";

/// The setting recording which [`PROJECTION_VERSION`] wrote the projections.
const PROJECTION_SETTING: &str = "projection_version";

/// Whether a child is at the front door on `as_of`: a contact awaiting the front door's
/// decision, or an open referral with nobody allocated yet.
fn at_front_door(record: &ChildRecord, as_of: NaiveDate) -> bool {
    let undecided_contact = record.contacts.last().is_some_and(|c| c.outcome.is_none() && c.date <= as_of);
    let unallocated_referral = record.open_episode().is_some() && record.allocation_on(as_of).is_none();
    undecided_contact || unallocated_referral
}

/// The projection rows for a child: their row in the children list, and every duty owed to
/// them as of `as_of`, with the worker, team and IRO responsible then.
pub(crate) fn projection(
    child: ChildId,
    record: &ChildRecord,
    policy: &Policy,
    as_of: NaiveDate,
) -> (ChildRow, Vec<DutyRow>) {
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
        adviser,
        front_door: at_front_door(record, as_of),
        complaint: !record.complaints.is_empty(),
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
pub(crate) fn status_on(duty: &DutyRow, today: NaiveDate) -> DutyStatus {
    DutyStatus::from_parts(duty.due, duty.open, duty.met_on, duty.late_days, duty.not_applicable.as_deref(), today)
}

/// Whose duties, and who is asking about them, as the access rules see it.
async fn worklist_scope(handle: &UserHandle, whose: Whose) -> Result<Option<WorklistScope>, AppError> {
    let p = handle.principal();
    let store = handle.app().store();
    Ok(match whose {
        Whose::Council => Some(WorklistScope::Council),
        Whose::Worker(w) | Whose::Iro(w) if Some(w) == p.worker => Some(WorklistScope::Own),
        Whose::Worker(w) | Whose::Iro(w) => {
            let worker =
                store.worker(w).await?.ok_or_else(|| AppError::NotFound(format!("there is no worker with ID {w}")))?;
            Some(WorklistScope::OtherWorker { same_team: Some(worker.team) == p.team })
        }
        Whose::Team(t) => {
            let teams = store.teams().await?;
            let team = teams
                .iter()
                .find(|x| x.id == t)
                .ok_or_else(|| AppError::NotFound(format!("there is no team with ID {t}")))?;
            Some(WorklistScope::Team { same_team: Some(t) == p.team, same_service: Some(team.service) == p.service })
        }
        Whose::Child(_) => None,
    })
}

fn describe_whose(whose: Whose) -> String {
    match whose {
        Whose::Council => "the whole council".into(),
        Whose::Worker(w) => format!("worker {w}"),
        Whose::Team(t) => format!("team {t}"),
        Whose::Iro(i) => format!("IRO {i}"),
        Whose::Child(c) => format!("child {c}"),
    }
}

impl UserHandle {
    /// Checks the principal may see `whose` worklist, and audits the look.
    async fn authorise_worklist(&self, whose: Whose, what: &str) -> Result<(), AppError> {
        match worklist_scope(self, whose).await? {
            Some(scope) => {
                let action = Action::ViewWorklist(scope);
                self.decide(action, Resource::Council, None).await?;
                self.audit(
                    Event::new("worklist.view", Outcome::Allowed, format!("{what} for {}", describe_whose(whose)))
                        .subject(describe_whose(whose)),
                )
                .await
            }
            None => {
                let Whose::Child(child) = whose else { unreachable!("only a child has no worklist scope") };
                self.open_child(child, Action::ViewChild, what).await.map(|_| ())
            }
        }
    }

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
        self.authorise_worklist(whose, "Looked at the worklist").await?;
        let scope = match whose {
            Whose::Council => Scope::Council,
            Whose::Worker(w) => Scope::Worker(w),
            Whose::Team(t) => Scope::Team(t),
            Whose::Iro(i) => Scope::Iro(i),
            Whose::Child(c) => Scope::Child(c),
        };
        // Duties no longer open are kept for this and last collection year.
        let due_from = (!open_only).then(|| kept_from(today));
        let items = self.app().store().worklist(&WorklistQuery { scope, open_only, due_by, due_from }).await?;
        let mut entries: Vec<WorklistEntry> = items.into_iter().map(|i| WorklistEntry::from_item(i, today)).collect();
        self.hide_restricted_entries(&mut entries).await?;
        Ok(entries)
    }

    /// Leaves out of a list the children whose records are restricted and who the principal
    /// may not open (a restricted child's name is not shown to those not named on it).
    pub(crate) async fn hide_restricted_entries(&self, entries: &mut Vec<WorklistEntry>) -> Result<(), AppError> {
        let hidden: std::collections::HashSet<ChildId> =
            self.app().store().restricted_for(*self.principal().account.as_uuid()).await?.into_iter().collect();
        if !hidden.is_empty() {
            entries.retain(|e| !hidden.contains(&e.child));
        }
        Ok(())
    }

    /// Every duty owed to one child as of `as_of`, worked out afresh from the record (with the
    /// events that started and met each), for explaining the arithmetic.
    pub async fn child_duties(
        &self,
        child: ChildId,
        as_of: NaiveDate,
    ) -> Result<(ChildRecord, Vec<Duty>, Vec<crate::DataQualityFlag>), AppError> {
        let opened = self.open_child(child, Action::ViewChild, "Worked out the child's duties").await?;
        let policy = standards(self.app().store()).await?;
        let duties = careful_duties::duties(&opened.entries, WorkingDayCalendar::england_and_wales(), &policy, as_of)?;
        let flags = self.app().data_quality(child).await?;
        Ok((opened.record, duties, flags))
    }

    /// As [`UserHandle::worklist`], but worked out afresh from every record as it stood at the
    /// end of `as_of` (for a day in the past, when duties met since then were still
    /// outstanding), with the worker, team and IRO of that day.
    pub async fn worklist_as_of(&self, whose: Whose, as_of: NaiveDate) -> Result<Vec<WorklistEntry>, AppError> {
        self.authorise_worklist(whose, &format!("Looked at the worklist as it stood on {as_of}")).await?;
        let store = self.app().store();
        let policy = standards(store).await?;
        let children = match whose {
            Whose::Child(c) => vec![c],
            _ => store.child_ids().await?,
        };
        let mut out = Vec::new();
        for child in children {
            let events = store.read_stream(child).await?;
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
                        child,
                        la_child_id: row.la_child_id.clone(),
                        child_name: format!("{} {}", row.given_name, row.family_name),
                        duty: duty.into(),
                        status,
                    });
                }
            }
        }
        out.sort_by(|a, b| (a.duty.due, &a.la_child_id).cmp(&(b.duty.due, &b.la_child_id)));
        self.hide_restricted_entries(&mut out).await?;
        Ok(out)
    }

    /// The children with this council child ID (normally one).
    pub async fn find_child(&self, la_child_id: &str) -> Result<Vec<ChildId>, AppError> {
        Ok(self.app().store().children_by_la_id(la_child_id).await?)
    }
}

impl App {
    /// Recomputes every child's projection (after the council's standards change, or when this
    /// careful computes projections differently from the one that wrote them), in batches of
    /// 500 children a transaction. Returns how many children.
    pub(crate) async fn rebuild_projections(&self) -> Result<u64, AppError> {
        let store = self.store();
        let policy = standards(store).await?;
        let today = self.today();
        let mut done = 0;
        for chunk in store.child_ids().await?.chunks(500) {
            let mut tx = store.begin().await?;
            for child in chunk {
                crate::write::reproject(&mut tx, *child, &policy, today).await?;
                done += 1;
            }
            tx.commit().await?;
        }
        let mut tx = store.begin().await?;
        tx.put_setting(PROJECTION_SETTING, PROJECTION_VERSION).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// Rebuilds the projections if an older careful wrote them. Returns how many children.
    pub(crate) async fn rebuild_projections_if_stale(&self) -> Result<u64, AppError> {
        let store = self.store();
        if store.setting(PROJECTION_SETTING).await?.as_deref() == Some(PROJECTION_VERSION) {
            return Ok(0);
        }
        if store.counts().await?.children == 0 {
            let mut tx = store.begin().await?;
            tx.put_setting(PROJECTION_SETTING, PROJECTION_VERSION).await?;
            tx.commit().await?;
            return Ok(0);
        }
        self.rebuild_projections().await
    }
}

/// The latest day anything in the record happened.
pub(crate) fn last_date(record: &ChildRecord) -> NaiveDate {
    record.timeline.last().map_or(NaiveDate::MIN, |e| e.effective_date)
}
