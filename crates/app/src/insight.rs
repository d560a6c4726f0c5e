//! The council's indicators, computed from every child's record, and each team's and worker's
//! part of them.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use careful_domain::record::{ChildRecord, fold};
use careful_domain::{TeamId, WorkerId, WorkingDayCalendar};
use careful_duties::Duty;
use careful_insight::{Breakdown, Indicator, Indicators, Period, Scrutiny, ScrutinyReport, Unit};

use crate::access::{Action, Resource, WorklistScope, authorise};
use crate::audit::{Event, Outcome};
use crate::record::entries;
use crate::{AppError, UserHandle};

/// Records folded at a time: the council's records are counted a batch at a time, so memory
/// stays bounded however many children it holds.
const BATCH: usize = 500;

/// What the duties rule `id` asks, in the catalogue's words ("Hold the first review ..."), or the
/// id itself for a rule the catalogue does not hold.
pub fn rule_duty(id: &str) -> &str {
    careful_duties::catalogue::rule(id).map_or(id, |r| r.duty)
}

/// One team's or worker's part of the indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct PartFigures {
    /// The team's or worker's ID.
    pub id: String,
    pub name: String,
    /// A worker's team (empty for a team).
    pub team: String,
    /// The indicators that mean something for a part of the council (no rates per 10,000).
    pub indicators: Vec<Indicator>,
    /// Duties overdue when worked out, on children whose case they hold.
    pub overdue: u64,
}

/// The teams' and workers' parts of the indicators that the person may see.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FiguresByPart {
    pub teams: Vec<PartFigures>,
    pub workers: Vec<PartFigures>,
}

impl UserHandle {
    /// Every indicator for `period`, from every child's record, folded, and their duties worked
    /// out today with the council's practice standards; with the duties overdue today, by rule.
    /// Rates need the number of children aged 0 to 17 in the area (`population`); without it
    /// their denominators are 0 and they have no figure. Aggregates only: no child is named, and
    /// the figures are for anyone who may see the council's figures. Audited.
    pub async fn indicators(
        &self,
        period: Period,
        population: Option<u64>,
    ) -> Result<(Vec<Indicator>, BTreeMap<&'static str, u64>), AppError> {
        self.decide(Action::ViewFigures, Resource::Council, None).await?;
        let mut counts = Indicators::default();
        let children = self
            .each_record(period, |record, duties, _| {
                counts.add(period, record);
                counts.add_duties(period, duties);
            })
            .await?;
        self.audit(
            Event::new(
                Action::ViewFigures.code(),
                Outcome::Allowed,
                format!(
                    "Computed the council's indicators from {} to {} over {children} records",
                    period.from, period.to
                ),
            )
            .subject("indicators"),
        )
        .await?;
        Ok((counts.indicators(population.unwrap_or(0)), counts.overdue_by_rule().clone()))
    }

    /// Each team's and worker's part of the indicators for `period`: what happened while they
    /// held a child's case (see [`careful_insight::Breakdown`]). Only the teams and workers whose
    /// worklists the person may see: a worker their own figures, a team's members its figures, a
    /// team manager their team and its workers, a service manager their service's teams and their
    /// workers, a performance analyst everyone's. Teams and workers with nothing counted in the
    /// period are left out. Audited.
    pub async fn indicators_by_part(&self, period: Period) -> Result<FiguresByPart, AppError> {
        self.decide(Action::ViewFigures, Resource::Council, None).await?;
        if !self.may_see_any_part() {
            let reason = "there is no team or worker whose figures you may see".to_string();
            self.audit(
                Event::new(Action::ViewFigures.code(), Outcome::Denied, reason.clone())
                    .subject("indicators by team and worker"),
            )
            .await?;
            return Err(AppError::Denied { what: "see teams' and workers' figures", reason });
        }
        let p = self.principal();
        let store = self.app().store();
        let teams = store.teams().await?;
        let workers = store.workers().await?;
        let may_see_team = |id: TeamId| {
            teams.iter().find(|t| t.id == id).is_some_and(|t| {
                let scope =
                    WorklistScope::Team { same_team: Some(t.id) == p.team, same_service: Some(t.service) == p.service };
                authorise(p, Action::ViewWorklist(scope), Resource::Council).is_allowed()
            })
        };
        // Another worker's figures: for those who may see that worker's worklist and their team's.
        let may_see_worker = |id: WorkerId| {
            if Some(id) == p.worker() {
                return authorise(p, Action::ViewWorklist(WorklistScope::Own), Resource::Council).is_allowed();
            }
            let team = workers.iter().find(|w| w.id == id).map(|w| w.team);
            let scope = WorklistScope::OtherWorker { same_team: team.is_some() && team == p.team };
            authorise(p, Action::ViewWorklist(scope), Resource::Council).is_allowed() && team.is_some_and(may_see_team)
        };
        let mut counts = Breakdown::default();
        let children =
            self.each_record(period, |record, duties, as_of| counts.add(period, record, duties, as_of)).await?;
        let team_name =
            |id: TeamId| teams.iter().find(|t| t.id == id).map_or_else(|| id.to_string(), |t| t.name.clone());
        let part = |id: String, name: String, team: String, counts: &Indicators| PartFigures {
            id,
            name,
            team,
            indicators: counts.indicators(0).into_iter().filter(|i| i.unit != Unit::PerTenThousand).collect(),
            overdue: counts.overdue_by_rule().values().sum(),
        };
        // A part with nothing counted in the period (a case held only before it) is left out.
        let counted =
            |c: &Indicators| c.indicators(0).iter().any(|i| i.denominator > 0) || !c.overdue_by_rule().is_empty();
        let mut out = FiguresByPart::default();
        for (id, c) in counts.teams.iter().filter(|(id, c)| may_see_team(**id) && counted(c)) {
            out.teams.push(part(id.to_string(), team_name(*id), String::new(), c));
        }
        for (id, c) in counts.workers.iter().filter(|(id, c)| may_see_worker(**id) && counted(c)) {
            let worker = workers.iter().find(|w| w.id == *id);
            let name = worker.map_or_else(|| id.to_string(), |w| w.name.clone());
            let team = worker.map(|w| team_name(w.team)).unwrap_or_default();
            out.workers.push(part(id.to_string(), name, team, c));
        }
        out.teams.sort_by(|a, b| a.name.cmp(&b.name));
        out.workers.sort_by(|a, b| a.team.cmp(&b.team).then(a.name.cmp(&b.name)));
        self.audit(
            Event::new(
                Action::ViewFigures.code(),
                Outcome::Allowed,
                format!(
                    "Computed the indicators of {} teams and {} workers from {} to {} over {children} records",
                    out.teams.len(),
                    out.workers.len(),
                    period.from,
                    period.to
                ),
            )
            .subject("indicators by team and worker"),
        )
        .await?;
        Ok(out)
    }

    /// Whether the person may see some team's or worker's part of the indicators (for a link to
    /// them; [`UserHandle::indicators_by_part`] decides which).
    pub fn may_see_any_part(&self) -> bool {
        let p = self.principal();
        let own = p.worker().is_some().then_some(WorklistScope::Own);
        let team = p.team().is_some().then_some(WorklistScope::Team { same_team: true, same_service: true });
        let any_team = WorklistScope::Team { same_team: false, same_service: p.service().is_some() };
        [own, team, Some(any_team)]
            .into_iter()
            .flatten()
            .any(|scope| authorise(p, Action::ViewWorklist(scope), Resource::Council).is_allowed())
    }

    /// The scrutiny report for `period`: the Ombudsman's questions about children in care and
    /// care leavers, answered from aggregates with small counts suppressed (see
    /// [`careful_insight::scrutiny`]). For anyone who may see the council's figures, scrutiny
    /// members included. Audited.
    pub async fn scrutiny_report(&self, period: Period) -> Result<ScrutinyReport, AppError> {
        self.decide(Action::ViewFigures, Resource::Council, None).await?;
        let mut counts = Scrutiny::default();
        let mut indicators = Indicators::default();
        let children = self
            .each_record(period, |record, duties, _| {
                counts.add(period, record, duties);
                indicators.add(period, record);
                indicators.add_duties(period, duties);
            })
            .await?;
        self.audit(
            Event::new(
                Action::ViewFigures.code(),
                Outcome::Allowed,
                format!("Produced the scrutiny report from {} to {} over {children} records", period.from, period.to),
            )
            .subject("scrutiny report"),
        )
        .await?;
        Ok(counts.report(period, &indicators))
    }

    /// Every child's record and their duties, worked out today (or at the end of the period, if
    /// later) with the council's practice standards, given to `add` with that day; a batch at a
    /// time, so memory stays bounded. Returns how many records there were.
    async fn each_record(
        &self,
        period: Period,
        mut add: impl FnMut(&ChildRecord, &[Duty], NaiveDate),
    ) -> Result<usize, AppError> {
        if period.from > period.to {
            return Err(AppError::invalid("from", "the period starts after it ends"));
        }
        let store = self.app().store();
        let policy = crate::duties::standards(store).await?;
        let as_of = self.app().today().max(period.to);
        let calendar = WorkingDayCalendar::england_and_wales();
        let ids = store.child_ids().await?;
        for chunk in ids.chunks(BATCH) {
            for events in store.read_streams(chunk).await? {
                let record = fold(&entries(&events)?)?;
                add(&record, &careful_duties::duties_of(&record, calendar, &policy, as_of), as_of);
            }
        }
        Ok(ids.len())
    }
}
