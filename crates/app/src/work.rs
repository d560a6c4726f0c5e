//! The practitioners' views of their work: My work (a worker's duties, overdue first), the
//! team view a manager uses to see how the team's work stands, and the IRO's view of the
//! children they review.

use std::collections::HashMap;

use chrono::NaiveDate;

use careful_domain::record::{DisputeStage, fold};
use careful_domain::{ChildId, TeamId, WorkerId};
use careful_store::{CaseloadQuery, CaseloadRow};

use crate::access::{Action, Decision, Resource, Role, WorklistScope, authorise};
use crate::audit::{Event, Outcome};
use crate::duties::{Whose, WorklistEntry};
use crate::handle::facts;
use crate::{AppError, UserHandle};

/// A worker's duties still to be done, as My work shows them.
#[derive(Debug, Clone)]
pub struct MyWork {
    /// Whose duties: "your", or the IRO's, or the front door's.
    pub whose: &'static str,
    /// Past their due date, most overdue first.
    pub overdue: Vec<WorklistEntry>,
    /// Due today or within [`SOON_DAYS`] days, soonest first.
    pub due_soon: Vec<WorklistEntry>,
    /// Due later, soonest first.
    pub later: Vec<WorklistEntry>,
}

/// How far ahead My work counts as "soon".
pub const SOON_DAYS: i64 = 28;

/// A worker in a team, with their caseload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMember {
    pub worker: WorkerId,
    pub name: String,
    pub role: String,
    pub agency: bool,
    /// Open children allocated to them.
    pub children: usize,
    /// Duties overdue on those children.
    pub overdue: i64,
}

/// A child whose social worker changed in the last 12 months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerChanges {
    pub child: ChildId,
    pub la_child_id: String,
    pub name: String,
    /// Changes of social worker in the last 12 months.
    pub changes: usize,
    pub worker: Option<String>,
}

/// A child with an open case and nobody allocated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unallocated {
    pub child: ChildId,
    pub la_child_id: String,
    /// `None` when the person may not open the record.
    pub name: Option<String>,
    pub status: String,
    pub overdue: i64,
}

/// How a team's work stands.
#[derive(Debug, Clone)]
pub struct TeamView {
    pub team: TeamId,
    pub team_name: String,
    /// The teams the person may look at, for choosing another.
    pub teams: Vec<(TeamId, String)>,
    pub members: Vec<TeamMember>,
    /// Children of the team with nobody allocated.
    pub unallocated: Vec<Unallocated>,
    /// Children at the front door with nobody allocated, whom the person may not open.
    pub unallocated_hidden: usize,
    pub changes: Vec<WorkerChanges>,
    pub children: usize,
    pub overdue: i64,
}

/// An IRO's concern, as the IRO view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    pub raised: NaiveDate,
    pub concern: String,
    pub stage: DisputeStage,
    pub since: NaiveDate,
    /// Working days at this stage, to today.
    pub working_days: i64,
}

/// A child an IRO reviews.
#[derive(Debug, Clone)]
pub struct IroChild {
    pub child: ChildId,
    pub la_child_id: String,
    pub name: String,
    pub status: String,
    pub worker: Option<String>,
    /// The next looked-after review due, and whether it is overdue.
    pub next_review: Option<(NaiveDate, bool)>,
    pub last_review: Option<NaiveDate>,
    /// Proposed care plan changes awaiting the IRO's consultation: (proposed, change).
    pub consultations: Vec<(NaiveDate, String)>,
    pub escalations: Vec<Escalation>,
}

/// The IRO's view.
#[derive(Debug, Clone)]
pub struct IroView {
    pub children: Vec<IroChild>,
}

impl UserHandle {
    /// The principal's duties still to be done: a worker's own (a care leaver's duties are
    /// their personal adviser's), an IRO's reviews, or, at the front door, those of children
    /// awaiting a decision with nobody allocated.
    pub async fn my_work(&self) -> Result<MyWork, AppError> {
        let p = self.principal();
        let Some(worker) = p.worker() else {
            return Err(AppError::Denied {
                what: "see your work",
                reason: "this account is not linked to a worker; ask an administrator to link it".into(),
            });
        };
        let today = self.app().today();
        let (whose, mut entries) = match p.role() {
            Role::Iro => (
                "The reviews and duties of the children you are IRO for",
                self.worklist(Whose::Iro(worker), true, None, today).await?,
            ),
            Role::FrontDoor => {
                ("The front door's contacts and referrals awaiting a decision", self.front_door_work(today).await?)
            }
            _ => ("Your duties", self.worklist(Whose::Worker(worker), true, None, today).await?),
        };
        entries.sort_by(|a, b| (a.duty.due, &a.child_name).cmp(&(b.duty.due, &b.child_name)));
        let soon = today + chrono::Days::new(SOON_DAYS as u64);
        let mut work = MyWork { whose, overdue: Vec::new(), due_soon: Vec::new(), later: Vec::new() };
        for e in entries {
            if e.duty.due < today {
                work.overdue.push(e);
            } else if e.duty.due <= soon {
                work.due_soon.push(e);
            } else {
                work.later.push(e);
            }
        }
        Ok(work)
    }

    /// Open duties of children at the front door with nobody allocated.
    async fn front_door_work(&self, today: NaiveDate) -> Result<Vec<WorklistEntry>, AppError> {
        self.decide(Action::ViewWorklist(WorklistScope::Own), Resource::Council, None).await?;
        let items = self.app().store().front_door_duties().await?;
        let mut out: Vec<WorklistEntry> = items.into_iter().map(|i| WorklistEntry::from_item(i, today)).collect();
        self.hide_restricted_entries(&mut out).await?;
        self.audit(Event::new(
            "worklist.view",
            Outcome::Allowed,
            format!("Looked at the front door's work ({} duties)", out.len()),
        ))
        .await?;
        Ok(out)
    }

    /// How a team's work stands: each worker's caseload and overdue duties, children with
    /// nobody allocated, and children whose social worker changed in the last 12 months. A team
    /// manager sees their own team; a service manager any team in their service.
    pub async fn team_view(&self, team: Option<TeamId>) -> Result<TeamView, AppError> {
        let p = self.principal();
        let store = self.app().store();
        let all_teams = store.teams().await?;
        let scope = |t: &careful_domain::organisation::Team| WorklistScope::Team {
            same_team: Some(t.id) == p.team,
            same_service: Some(t.service) == p.service,
        };
        let teams: Vec<(TeamId, String)> = all_teams
            .iter()
            .filter(|t| authorise(p, Action::ViewWorklist(scope(t)), Resource::Council).is_allowed())
            .map(|t| (t.id, t.name.clone()))
            .collect();
        // Without a team asked for: the person's own team, or the first they may see.
        let team = team.or(p.team).or_else(|| teams.first().map(|(t, _)| *t)).ok_or_else(|| AppError::Denied {
            what: "see a team's work",
            reason: "there is no team whose work you may see".into(),
        })?;
        let this = all_teams
            .iter()
            .find(|t| t.id == team)
            .ok_or_else(|| AppError::NotFound(format!("there is no team with ID {team}")))?;
        self.decide(Action::ViewWorklist(scope(this)), Resource::Council, None).await?;
        let today = self.app().today();
        let names = self.app().names().await?;
        let query = CaseloadQuery { account: *p.account().as_uuid(), team: Some(team), ..CaseloadQuery::default() };
        let rows: Vec<CaseloadRow> =
            store.caseload(&query, today).await?.into_iter().filter(|r| r.access.team == Some(team)).collect();
        let workers: Vec<careful_domain::organisation::Worker> =
            store.workers().await?.into_iter().filter(|w| w.team == team && w.in_post(today)).collect();
        let mut members: Vec<TeamMember> = workers
            .iter()
            .map(|w| TeamMember {
                worker: w.id,
                name: w.name.clone(),
                role: w.role.describe().to_string(),
                agency: w.employment == careful_domain::organisation::Employment::Agency,
                children: 0,
                overdue: 0,
            })
            .collect();
        for r in &rows {
            if let Some(m) = members.iter_mut().find(|m| Some(m.worker) == r.access.worker) {
                m.children += 1;
                m.overdue += r.overdue;
            }
        }
        members.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.name.cmp(&b.name)));
        // Children with an open case and nobody allocated: at the front door.
        let now = self.app().now();
        let mut unallocated = Vec::new();
        let mut unallocated_hidden = 0;
        let waiting = store
            .caseload(
                &CaseloadQuery { account: *p.account().as_uuid(), front_door: true, ..CaseloadQuery::default() },
                today,
            )
            .await?;
        for r in waiting.into_iter().filter(|r| r.access.front_door && r.access.worker.is_none()) {
            let f = facts(&r.access, now);
            let visible = matches!(authorise(p, Action::ViewChild, Resource::Child(&f)), Decision::Allow(_));
            if !visible {
                unallocated_hidden += 1;
                continue;
            }
            unallocated.push(Unallocated {
                child: r.access.child,
                la_child_id: r.access.la_child_id.clone(),
                name: Some(format!("{} {}", r.access.given_name, r.access.family_name)),
                status: r.access.status.clone(),
                overdue: r.overdue,
            });
        }
        // Changes of social worker in the last 12 months, from each record.
        let since = careful_domain::calendar::add_months(today, -12).unwrap_or(today);
        let ids: Vec<ChildId> = rows.iter().map(|r| r.access.child).collect();
        let mut changes = Vec::new();
        for (row, events) in rows.iter().zip(store.read_streams(&ids).await?) {
            let entries = crate::record::entries(&events)?;
            let record = fold(&entries)?;
            let n = record.worker_changes_since(since);
            if n > 0 {
                changes.push(WorkerChanges {
                    child: row.access.child,
                    la_child_id: row.access.la_child_id.clone(),
                    name: format!("{} {}", row.access.given_name, row.access.family_name),
                    changes: n,
                    worker: row.access.worker.map(|w| names.worker(w)),
                });
            }
        }
        changes.sort_by(|a, b| b.changes.cmp(&a.changes).then(a.name.cmp(&b.name)));
        let children = rows.len();
        let overdue = rows.iter().map(|r| r.overdue).sum();
        self.audit(
            Event::new(
                "worklist.view",
                Outcome::Allowed,
                format!("Looked at the team view of {} ({children} children)", this.name),
            )
            .subject(format!("team {team}")),
        )
        .await?;
        Ok(TeamView {
            team,
            team_name: this.name.clone(),
            teams,
            members,
            unallocated,
            unallocated_hidden,
            changes,
            children,
            overdue,
        })
    }

    /// The children the principal is IRO for: their next review, care plan changes awaiting
    /// the IRO's consultation, and concerns in the dispute resolution process.
    pub async fn iro_view(&self) -> Result<IroView, AppError> {
        let p = self.principal();
        let Some(iro) = p.worker().filter(|_| p.role() == Role::Iro) else {
            return Err(AppError::Denied {
                what: "see the children you review",
                reason: "only an independent reviewing officer linked to a worker reviews children".into(),
            });
        };
        self.decide(Action::ViewWorklist(WorklistScope::Own), Resource::Council, None).await?;
        let store = self.app().store();
        let today = self.app().today();
        let names = self.app().names().await?;
        let calendar = careful_domain::WorkingDayCalendar::england_and_wales();
        let query = CaseloadQuery { account: *p.account().as_uuid(), worker: Some(iro), ..CaseloadQuery::default() };
        let hidden: std::collections::HashSet<ChildId> =
            store.restricted_for(*p.account().as_uuid()).await?.into_iter().collect();
        let rows: Vec<CaseloadRow> = store
            .caseload(&query, today)
            .await?
            .into_iter()
            .filter(|r| r.access.iro == Some(iro) && !hidden.contains(&r.access.child))
            .collect();
        let reviews: HashMap<ChildId, Vec<WorklistEntry>> = {
            let mut by_child: HashMap<ChildId, Vec<WorklistEntry>> = HashMap::new();
            let items = store
                .worklist(&careful_store::WorklistQuery {
                    scope: careful_store::Scope::Iro(iro),
                    open_only: true,
                    due_by: None,
                    due_from: None,
                })
                .await?;
            for item in items.into_iter().filter(|i| i.duty.rule.starts_with("rev-")) {
                by_child.entry(item.child).or_default().push(WorklistEntry::from_item(item, today));
            }
            by_child
        };
        let ids: Vec<ChildId> = rows.iter().map(|r| r.access.child).collect();
        let mut children = Vec::new();
        for (row, events) in rows.iter().zip(store.read_streams(&ids).await?) {
            let entries = crate::record::entries(&events)?;
            let record = fold(&entries)?;
            let a = &row.access;
            let next_review = reviews
                .get(&a.child)
                .and_then(|list| list.iter().map(|e| e.duty.due).min())
                .map(|due| (due, due < today));
            let last_review = record.care_periods.iter().flat_map(|p| &p.reviews).map(|(d, _)| *d).max();
            let consultations = record
                .care_plan_changes
                .iter()
                .filter(|c| c.approved.is_none() && c.iro_consulted.is_none())
                .map(|c| (c.proposed, c.change.clone()))
                .collect();
            let escalations = record
                .iro_disputes
                .iter()
                .filter(|d| d.is_open())
                .map(|d| {
                    let (since, stage) = d.stage();
                    Escalation {
                        raised: d.raised,
                        concern: d.concern.clone(),
                        stage,
                        since,
                        working_days: calendar.working_days_between(since, today).unwrap_or(0),
                    }
                })
                .collect();
            children.push(IroChild {
                child: a.child,
                la_child_id: a.la_child_id.clone(),
                name: format!("{} {}", a.given_name, a.family_name),
                status: a.status.clone(),
                worker: a.worker.map(|w| names.worker(w)),
                next_review,
                last_review,
                consultations,
                escalations,
            });
        }
        children.sort_by(|a, b| {
            let key = |c: &IroChild| c.next_review.map_or(NaiveDate::MAX, |(d, _)| d);
            key(a).cmp(&key(b)).then(a.name.cmp(&b.name))
        });
        self.audit(Event::new(
            "caseload.view",
            Outcome::Allowed,
            format!("Looked at the children they review as IRO ({} children)", children.len()),
        ))
        .await?;
        Ok(IroView { children })
    }
}

/// A child's situation, as a caseload filters by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStatus {
    /// An open case without a child protection plan or care: child in need, or being assessed.
    ChildInNeed,
    ChildProtection,
    LookedAfter,
    CareLeaver,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 4] =
        [CaseStatus::ChildInNeed, CaseStatus::ChildProtection, CaseStatus::LookedAfter, CaseStatus::CareLeaver];

    /// As it appears in an address (`?status=looked-after`).
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::ChildInNeed => "child-in-need",
            CaseStatus::ChildProtection => "child-protection",
            CaseStatus::LookedAfter => "looked-after",
            CaseStatus::CareLeaver => "care-leaver",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            CaseStatus::ChildInNeed => "Child in need",
            CaseStatus::ChildProtection => "Child protection plan",
            CaseStatus::LookedAfter => "Looked after",
            CaseStatus::CareLeaver => "Care leaver",
        }
    }

    pub fn parse(text: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The status of a child whose headline status ([`careful_domain::record::Status::headline`])
    /// is `headline`.
    fn of(headline: &str) -> Option<CaseStatus> {
        match headline {
            "Looked after" => Some(CaseStatus::LookedAfter),
            "Child protection plan" => Some(CaseStatus::ChildProtection),
            "Child in need" | "Open" => Some(CaseStatus::ChildInNeed),
            "Care leaver" => Some(CaseStatus::CareLeaver),
            _ => None,
        }
    }
}

/// How a caseload is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseloadSort {
    /// By family name (as the caseload comes).
    #[default]
    Name,
    /// Soonest next duty first.
    NextDue,
    /// Most overdue duties first.
    Overdue,
}

impl CaseloadSort {
    pub fn parse(text: &str) -> Option<CaseloadSort> {
        match text {
            "name" => Some(CaseloadSort::Name),
            "due" => Some(CaseloadSort::NextDue),
            "overdue" => Some(CaseloadSort::Overdue),
            _ => None,
        }
    }
}

/// Which children of a caseload to show, and in what order.
#[derive(Debug, Clone, Default)]
pub struct CaseloadFilter {
    /// Any of these statuses (all when empty).
    pub statuses: Vec<CaseStatus>,
    /// The allocated team's name.
    pub team: Option<String>,
    /// The allocated worker's name.
    pub worker: Option<String>,
    /// Only children with an overdue duty.
    pub overdue_only: bool,
    pub sort: CaseloadSort,
}

impl CaseloadFilter {
    /// The children that pass, in order. A restricted record the person may not open is kept
    /// only when no filter that would need its details is set.
    pub fn apply(&self, entries: Vec<crate::CaseloadEntry>) -> Vec<crate::CaseloadEntry> {
        let mut out: Vec<crate::CaseloadEntry> = entries
            .into_iter()
            .filter(|e| {
                self.statuses.is_empty() || CaseStatus::of(&e.status).is_some_and(|s| self.statuses.contains(&s))
            })
            .filter(|e| self.team.as_ref().is_none_or(|t| e.team.as_ref() == Some(t)))
            .filter(|e| self.worker.as_ref().is_none_or(|w| e.worker.as_ref() == Some(w)))
            .filter(|e| !self.overdue_only || e.overdue > 0)
            .collect();
        match self.sort {
            CaseloadSort::Name => {}
            CaseloadSort::NextDue => out.sort_by_key(|e| e.next_due.unwrap_or(NaiveDate::MAX)),
            CaseloadSort::Overdue => out.sort_by_key(|e| std::cmp::Reverse(e.overdue)),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CaseloadEntry;

    fn entry(name: &str, status: &str, worker: Option<&str>, next_due: Option<&str>, overdue: i64) -> CaseloadEntry {
        CaseloadEntry {
            child: ChildId::new(),
            la_child_id: name.to_uppercase(),
            name: Some(name.into()),
            date_of_birth: None,
            status: status.into(),
            basis: None,
            restricted: false,
            worker: worker.map(str::to_string),
            team: worker.map(|_| "Looked after 1".to_string()),
            next_due: next_due.map(|d| d.parse().unwrap()),
            overdue,
        }
    }

    fn names(list: &[CaseloadEntry]) -> Vec<&str> {
        list.iter().map(|e| e.name.as_deref().unwrap()).collect()
    }

    #[test]
    fn a_caseload_filters_by_status_team_worker_and_overdue_and_sorts() {
        let caseload = vec![
            entry("Ada", "Looked after", Some("Sam"), Some("2026-12-20"), 0),
            entry("Ben", "Child protection plan", Some("Kim"), Some("2026-12-01"), 2),
            entry("Cai", "Open", None, None, 0),
            entry("Dee", "Care leaver", Some("Sam"), Some("2026-12-10"), 1),
            entry("Eve", "Child in need", Some("Kim"), Some("2026-12-02"), 0),
        ];
        let f = |filter: CaseloadFilter| names(&filter.apply(caseload.clone())).join(" ");
        assert_eq!(f(CaseloadFilter::default()), "Ada Ben Cai Dee Eve");
        assert_eq!(f(CaseloadFilter { statuses: vec![CaseStatus::ChildInNeed], ..Default::default() }), "Cai Eve");
        assert_eq!(
            f(CaseloadFilter { statuses: vec![CaseStatus::LookedAfter, CaseStatus::CareLeaver], ..Default::default() }),
            "Ada Dee"
        );
        assert_eq!(f(CaseloadFilter { worker: Some("Sam".into()), ..Default::default() }), "Ada Dee");
        assert_eq!(f(CaseloadFilter { team: Some("Looked after 1".into()), ..Default::default() }), "Ada Ben Dee Eve");
        assert_eq!(f(CaseloadFilter { overdue_only: true, ..Default::default() }), "Ben Dee");
        assert_eq!(f(CaseloadFilter { sort: CaseloadSort::NextDue, ..Default::default() }), "Ben Eve Dee Ada Cai");
        assert_eq!(f(CaseloadFilter { sort: CaseloadSort::Overdue, ..Default::default() }), "Ben Dee Ada Cai Eve");
        assert_eq!(CaseStatus::parse("looked-after"), Some(CaseStatus::LookedAfter));
        assert_eq!(CaseStatus::parse("lac"), None);
    }
}
