//! The council's indicators, computed from every child's record, and each team's and worker's
//! part of them.

use std::collections::BTreeMap;

use careful_domain::record::fold;
use careful_domain::{TeamId, WorkerId, WorkingDayCalendar};
use careful_insight::{Breakdown, Indicator, Indicators, Period, Unit};

use crate::access::{Action, Resource, WorklistScope, authorise};
use crate::audit::{Event, Outcome};
use crate::record::entries;
use crate::{AppError, UserHandle};

/// Records folded at a time: the council's records are counted a batch at a time, so memory
/// stays bounded however many children it holds.
const BATCH: usize = 500;

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
        let (counts, children) = self.count(period).await?;
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
        let council = counts.council;
        Ok((council.indicators(population.unwrap_or(0)), council.overdue_by_rule().clone()))
    }

    /// Each team's and worker's part of the indicators for `period`: what happened while they
    /// held a child's case (see [`careful_insight::Breakdown`]). Only the teams and workers whose
    /// worklists the person may see: a worker their own figures, a team's members its figures, a
    /// team manager their team's workers', a service manager their service's teams, and managers
    /// and performance analysts as their worklist access allows. Audited.
    pub async fn indicators_by_part(&self, period: Period) -> Result<FiguresByPart, AppError> {
        self.decide(Action::ViewFigures, Resource::Council, None).await?;
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
        let may_see_worker = |id: WorkerId| {
            let scope = if Some(id) == p.worker() {
                WorklistScope::Own
            } else {
                let team = workers.iter().find(|w| w.id == id).map(|w| w.team);
                WorklistScope::OtherWorker { same_team: team.is_some() && team == p.team }
            };
            authorise(p, Action::ViewWorklist(scope), Resource::Council).is_allowed()
        };
        let (counts, children) = self.count(period).await?;
        let team_name =
            |id: TeamId| teams.iter().find(|t| t.id == id).map_or_else(|| id.to_string(), |t| t.name.clone());
        let part = |id: String, name: String, team: String, counts: &Indicators| PartFigures {
            id,
            name,
            team,
            indicators: counts.indicators(0).into_iter().filter(|i| i.unit != Unit::PerTenThousand).collect(),
            overdue: counts.overdue_by_rule().values().sum(),
        };
        let mut out = FiguresByPart::default();
        for (id, c) in counts.teams.iter().filter(|(id, _)| may_see_team(**id)) {
            out.teams.push(part(id.to_string(), team_name(*id), String::new(), c));
        }
        for (id, c) in counts.workers.iter().filter(|(id, _)| may_see_worker(**id)) {
            let worker = workers.iter().find(|w| w.id == *id);
            let name = worker.map_or_else(|| id.to_string(), |w| w.name.clone());
            let team = worker.map(|w| team_name(w.team)).unwrap_or_default();
            out.workers.push(part(id.to_string(), name, team, c));
        }
        out.teams.sort_by(|a, b| a.name.cmp(&b.name));
        out.workers.sort_by(|a, b| a.team.cmp(&b.team).then(a.name.cmp(&b.name)));
        if out.teams.is_empty() && out.workers.is_empty() {
            let reason = "there is no team or worker whose figures you may see".to_string();
            self.audit(
                Event::new(Action::ViewFigures.code(), Outcome::Denied, reason.clone())
                    .subject("indicators by team and worker"),
            )
            .await?;
            return Err(AppError::Denied { what: "see teams' and workers' figures", reason });
        }
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

    /// Counts every child's record, a batch at a time, with their duties worked out today (or
    /// at the end of the period, if later) with the council's practice standards.
    async fn count(&self, period: Period) -> Result<(Breakdown, usize), AppError> {
        if period.from > period.to {
            return Err(AppError::invalid("from", "the period starts after it ends"));
        }
        let store = self.app().store();
        let policy = crate::duties::standards(store).await?;
        let as_of = self.app().today().max(period.to);
        let calendar = WorkingDayCalendar::england_and_wales();
        let ids = store.child_ids().await?;
        let mut counts = Breakdown::default();
        for chunk in ids.chunks(BATCH) {
            for events in store.read_streams(chunk).await? {
                let record = fold(&entries(&events)?)?;
                counts.add(period, &record, &careful_duties::duties_of(&record, calendar, &policy, as_of), as_of);
            }
        }
        Ok((counts, ids.len()))
    }
}
