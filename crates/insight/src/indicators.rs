//! The indicators councils are judged by, computed from folded records for any period, each
//! with its definition, numerator and denominator beside the figure.
//!
//! Definitions follow DfE's statistical releases (the catalogue in `analytics.md`, section
//! 2.2); where a definition counts working days it uses the England and Wales calendar, and the
//! counting convention is the duties engine's: a timescale of N working days from a day is met
//! on or before the day [`WorkingDayCalendar::add_working_days`] gives.
//!
//! - **Stocks** ("at" the period's last day) count the children whose plan, episode or period
//!   of care was open at the end of that day: one that ended on it is not counted.
//! - **Flows** count what happened on a day of the period, both ends included.
//!
//! [`Indicators`] gathers counts one child at a time, so a council of any size is measured in
//! one pass over its records.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use careful_domain::calendar::{add_months, age_on};
use careful_domain::record::{CarePeriod, ChildRecord};
use careful_domain::{TeamId, WorkerId, WorkingDayCalendar};
use careful_duties::{Duty, DutyStatus};

/// The duties whose timeliness the reviews indicator counts: the first, second and later
/// looked-after reviews (Care Planning Regulations 2010, reg 33).
pub const REVIEW_RULES: &[&str] = &["rev-1", "rev-2", "rev-n"];
/// The statutory visits to looked-after children the visits indicator counts (reg 28).
pub const VISIT_RULES: &[&str] = &["visit-first", "visit-year1", "visit-after-year1"];

/// The days an indicator covers: from `from` to `to`, both included. Stocks are at the end of
/// `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub(crate) fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// Whether something from `start` to `end` (if it ended) was open at the end of `to`.
    fn open_at_end(&self, start: NaiveDate, end: Option<NaiveDate>) -> bool {
        start <= self.to && end.is_none_or(|e| e > self.to)
    }

    /// Whether something from `start` to `end` (if it ended) was open on any day of the period.
    fn overlaps(&self, start: NaiveDate, end: Option<NaiveDate>) -> bool {
        start <= self.to && end.is_none_or(|e| e >= self.from)
    }
}

/// How an indicator's figure is expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Per 10,000 children aged 0 to 17 in the area.
    PerTenThousand,
    /// Numerator as a percentage of the denominator.
    Percent,
    /// Numerator divided by the denominator (an average, such as children per worker).
    Average,
}

impl Unit {
    /// A figure in this unit as people read it: "84.5%", "70.1 per 10,000", "16.0".
    pub fn format(self, value: f64) -> String {
        match self {
            Unit::Percent => format!("{value:.1}%"),
            Unit::PerTenThousand => format!("{value:.1} per 10,000"),
            Unit::Average => format!("{value:.1}"),
        }
    }

    /// The unit's code in CSV and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Unit::PerTenThousand => "per_10000",
            Unit::Percent => "percent",
            Unit::Average => "average",
        }
    }
}

impl Polarity {
    /// The polarity's code in CSV and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Polarity::HigherBetter => "higher_better",
            Polarity::LowerBetter => "lower_better",
            Polarity::Context => "context",
        }
    }
}

/// One indicator: what it is, how it is counted, and its figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// A stable identifier, such as `re_referrals_12_months`.
    pub code: &'static str,
    pub name: &'static str,
    /// How it is counted, in words.
    pub definition: &'static str,
    /// Whether a higher figure is better, worse, or context only.
    pub polarity: Polarity,
    pub unit: Unit,
    pub numerator: u64,
    /// The denominator: children in the area for a rate, the group counted for a percentage.
    pub denominator: u64,
}

impl Indicator {
    /// The figure: `None` when the denominator is 0.
    pub fn value(&self) -> Option<f64> {
        if self.denominator == 0 {
            return None;
        }
        let n = self.numerator as f64 / self.denominator as f64;
        Some(match self.unit {
            Unit::PerTenThousand => n * 10_000.0,
            Unit::Percent => n * 100.0,
            Unit::Average => n,
        })
    }
}

impl Indicator {
    /// The figure as people read it: "84.5%", "70.1 per 10,000", "16.0", or "none to count"
    /// when the denominator is 0.
    pub fn formatted(&self) -> String {
        self.value().map_or_else(|| "none to count".into(), |v| self.unit.format(v))
    }
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    HigherBetter,
    LowerBetter,
    Context,
}

/// Whether a referral on `date` is a re-referral: the child had another referral in the 12
/// months before it (DfE: "a referral within 12 months of a previous referral"), counted in
/// calendar months, so a previous referral on the same date a year before counts (day 365 of a
/// common year) and one a day earlier does not.
pub fn is_re_referral(date: NaiveDate, earlier: impl IntoIterator<Item = NaiveDate>) -> bool {
    let year_before = add_months(date, -12).unwrap_or(date);
    earlier.into_iter().any(|p| p >= year_before && p < date)
}

/// Counts for a period, gathered child by child.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Indicators {
    looked_after: u64,
    in_need: u64,
    protection_plans: u64,
    referrals: u64,
    re_referrals: u64,
    assessments: u64,
    assessments_in_time: u64,
    conferences: u64,
    conferences_in_time: u64,
    plans_started: u64,
    repeat_plans: u64,
    plans_ended: u64,
    plans_two_years: u64,
    three_placements: u64,
    long_term_group: u64,
    long_term_stable: u64,
    looked_after_in_period: u64,
    went_missing: u64,
    care_leavers: u64,
    care_leavers_eet: u64,
    care_leavers_suitable: u64,
    reviews_due: u64,
    reviews_on_time: u64,
    visits_due: u64,
    visits_on_time: u64,
    /// Children allocated to a worker at the end of the period.
    allocated: u64,
    /// Of those, children who had 3 or more social workers during the period.
    three_workers: u64,
    /// The workers holding a child's case at the end of the period.
    case_holders: BTreeSet<WorkerId>,
    /// Duties overdue at the time they were worked out, by rule.
    overdue: BTreeMap<&'static str, u64>,
}

impl Indicators {
    /// Adds one child's duties, worked out by the duties engine: reviews and visits due in the
    /// period that were met on time, of those met or overdue (met late, or not met by the day
    /// the duties were worked out); and the duties overdue then, by rule.
    pub fn add_duties(&mut self, period: Period, duties: &[Duty]) {
        self.add_duties_of(period, duties, |_| true, true);
    }

    /// [`Indicators::add_duties`] for the duties `owns` gives to this part of the council (by
    /// their due day), counting the overdue ones only when `overdue_here` (they belong to
    /// whoever holds the child's case when the duties were worked out).
    fn add_duties_of(&mut self, period: Period, duties: &[Duty], owns: impl Fn(NaiveDate) -> bool, overdue_here: bool) {
        for duty in duties {
            let id = duty.rule.id;
            let settled =
                matches!(duty.status, DutyStatus::MetOnTime | DutyStatus::MetLate { .. } | DutyStatus::Overdue { .. });
            if settled && period.contains(duty.due) && owns(duty.due) {
                let on_time = u64::from(duty.status == DutyStatus::MetOnTime);
                if REVIEW_RULES.contains(&id) {
                    self.reviews_due += 1;
                    self.reviews_on_time += on_time;
                } else if VISIT_RULES.contains(&id) {
                    self.visits_due += 1;
                    self.visits_on_time += on_time;
                }
            }
            if overdue_here && matches!(duty.status, DutyStatus::Overdue { .. }) && duty.ended.is_none() {
                *self.overdue.entry(id).or_default() += 1;
            }
        }
    }

    /// The duties overdue when they were worked out (and still able to be done), by rule id.
    pub fn overdue_by_rule(&self) -> &BTreeMap<&'static str, u64> {
        &self.overdue
    }

    /// Adds one child's record.
    pub fn add(&mut self, period: Period, record: &ChildRecord) {
        self.add_owned(period, record, |_| true);
    }

    /// Adds what of one child's record belongs to this part of the council: `owns(day)` says
    /// whether a count about `day` does. Each percentage's numerator and denominator are owned
    /// by the same day, so a part's numerator is always within its denominator: a stock by the
    /// period's last day, an assessment by the day it was authorised, a conference by the day it
    /// was held, a referral by the day its episode was first allocated, a plan by the day it
    /// began (repeats) or ended (two years), a care leaver by the day of their contact, a child
    /// looked after in the period by the last day of the period they were looked after.
    fn add_owned(&mut self, period: Period, record: &ChildRecord, owns: impl Fn(NaiveDate) -> bool) {
        let calendar = WorkingDayCalendar::england_and_wales();
        let within = |from: NaiveDate, days: u32, done: NaiveDate| {
            calendar.add_working_days(from, days).is_ok_and(|due| done <= due)
        };
        let at_end = owns(period.to);

        // Children in need and child protection.
        if at_end && record.cin_episodes.iter().any(|e| period.open_at_end(e.referral_date, e.end())) {
            self.in_need += 1;
        }
        let plans: Vec<_> = record.cin_episodes.iter().flat_map(|e| &e.cp_plans).collect();
        if at_end && plans.iter().any(|p| period.open_at_end(p.span.start, p.span.end)) {
            self.protection_plans += 1;
        }
        for (i, episode) in record.cin_episodes.iter().enumerate() {
            if period.contains(episode.referral_date) {
                // The team that took the referral: the first allocation in the episode.
                let allocated = record
                    .allocations
                    .iter()
                    .map(|a| a.date)
                    .find(|d| *d >= episode.referral_date && episode.end().is_none_or(|end| *d <= end));
                if owns(allocated.unwrap_or(episode.referral_date)) {
                    self.referrals += 1;
                    let earlier = record.cin_episodes[..i].iter().map(|e| e.referral_date);
                    self.re_referrals += u64::from(is_re_referral(episode.referral_date, earlier));
                }
            }
            for a in &episode.assessments {
                if let Some(done) = a.authorised.filter(|d| period.contains(*d) && owns(*d)) {
                    self.assessments += 1;
                    self.assessments_in_time += u64::from(within(a.started, 45, done));
                }
            }
            for s in &episode.section_47s {
                if let Some((held, _)) = s.initial_conference.filter(|(d, _)| period.contains(*d) && owns(*d)) {
                    self.conferences += 1;
                    self.conferences_in_time += u64::from(within(s.strategy_discussion, 15, held));
                }
            }
        }
        for (i, plan) in plans.iter().enumerate() {
            if period.contains(plan.span.start) && owns(plan.span.start) {
                self.plans_started += 1;
                self.repeat_plans += u64::from(i > 0 || record.cp_plans_before_record > 0);
            }
            if let Some(end) = plan.span.end.filter(|d| period.contains(*d) && owns(*d)) {
                self.plans_ended += 1;
                self.plans_two_years += u64::from(add_months(plan.span.start, 24).is_ok_and(|two| end >= two));
            }
        }

        // Looked after.
        let open = record.care_periods.iter().find(|p| period.open_at_end(p.started, p.end()));
        if let Some(care) = open.filter(|_| at_end) {
            self.looked_after += 1;
            if placements_during(&record.care_periods, period) >= 3 {
                self.three_placements += 1;
            }
            let under_16 = record.date_of_birth().is_some_and(|dob| age_on(dob, period.to).is_ok_and(|a| a < 16));
            let since = continuous_since(&record.care_periods, care);
            if under_16 && add_months(since, 30).is_ok_and(|d| d <= period.to) {
                self.long_term_group += 1;
                let placed = current_placement_since(care, period.to);
                self.long_term_stable += u64::from(add_months(placed, 24).is_ok_and(|d| d <= period.to));
            }
        }
        let last_looked_after = record
            .care_periods
            .iter()
            .filter(|p| period.overlaps(p.started, p.end()))
            .map(|p| p.end().map_or(period.to, |e| e.min(period.to)))
            .max();
        if last_looked_after.is_some_and(&owns) {
            self.looked_after_in_period += 1;
            let went_missing = record.missing_episodes.iter().any(|m| {
                let day = m.started.date();
                period.contains(day)
                    && record.care_periods.iter().any(|p| p.started <= day && p.end().is_none_or(|e| e >= day))
            });
            self.went_missing += u64::from(went_missing);
        }

        // Care leavers aged 19 to 21 (DfE: their circumstances on or around their birthday): the
        // latest contact in the period of a child who left care and was 19, 20 or 21 then.
        if let Some(dob) = record.date_of_birth()
            && !record.care_periods.is_empty()
            && let Some(contact) = record
                .care_leaver_contacts
                .iter()
                .rev()
                .find(|c| period.contains(c.date) && age_on(dob, c.date).is_ok_and(|a| (19..=21).contains(&a)))
            && owns(contact.date)
        {
            self.care_leavers += 1;
            self.care_leavers_eet += u64::from(contact.activity.is_some_and(|a| !a.code().starts_with('G')));
            self.care_leavers_suitable += u64::from(contact.accommodation_suitable == Some(true));
        }

        // Caseloads and changes of social worker: children allocated at the end of the period.
        if let Some(allocation) = record.allocation_on(period.to).filter(|_| at_end) {
            self.allocated += 1;
            self.case_holders.insert(allocation.worker);
            let mut workers: Vec<WorkerId> = (0..record.allocations.len())
                .filter(|i| {
                    let a = &record.allocations[*i];
                    a.date <= period.to && record.allocation_until(*i).is_none_or(|until| until > period.from)
                })
                .map(|i| record.allocations[i].worker)
                .collect();
            workers.sort();
            workers.dedup();
            self.three_workers += u64::from(workers.len() >= 3);
        }
    }

    /// Every indicator, for an area with `population` children aged 0 to 17.
    pub fn indicators(&self, population: u64) -> Vec<Indicator> {
        use Polarity::*;
        use Unit::*;
        let ind = |code, name, definition, polarity, unit, numerator, denominator| Indicator {
            code,
            name,
            definition,
            polarity,
            unit,
            numerator,
            denominator,
        };
        vec![
            ind(
                "looked_after_rate",
                "Children looked after, per 10,000",
                "Children looked after at the end of the period's last day, per 10,000 children aged 0 to 17 in the area.",
                Context,
                PerTenThousand,
                self.looked_after,
                population,
            ),
            ind(
                "in_need_rate",
                "Children in need, per 10,000",
                "Children with an episode of need open at the end of the period's last day, per 10,000 children aged 0 to 17.",
                Context,
                PerTenThousand,
                self.in_need,
                population,
            ),
            ind(
                "protection_plan_rate",
                "Children on a child protection plan, per 10,000",
                "Children with a child protection plan open at the end of the period's last day, per 10,000 children aged 0 to 17.",
                Context,
                PerTenThousand,
                self.protection_plans,
                population,
            ),
            ind(
                "referral_rate",
                "Referrals, per 10,000",
                "Referrals received in the period, per 10,000 children aged 0 to 17.",
                Context,
                PerTenThousand,
                self.referrals,
                population,
            ),
            ind(
                "re_referrals_12_months",
                "Re-referrals within 12 months",
                "Referrals in the period of a child referred in the 12 months before (the same date a year before counts), of all referrals in the period.",
                LowerBetter,
                Percent,
                self.re_referrals,
                self.referrals,
            ),
            ind(
                "assessments_45_working_days",
                "Assessments completed within 45 working days",
                "Assessments authorised in the period no more than 45 England and Wales working days after they started, of all assessments authorised in the period.",
                HigherBetter,
                Percent,
                self.assessments_in_time,
                self.assessments,
            ),
            ind(
                "conferences_15_working_days",
                "Initial conferences within 15 working days",
                "Initial child protection conferences held in the period no more than 15 working days after the strategy discussion that started the section 47 enquiry, of all initial conferences in the period.",
                HigherBetter,
                Percent,
                self.conferences_in_time,
                self.conferences,
            ),
            ind(
                "repeat_protection_plans",
                "Child protection plans for a second or later time",
                "Child protection plans starting in the period for a child who had had a plan before, however long ago, of all plans starting in the period.",
                LowerBetter,
                Percent,
                self.repeat_plans,
                self.plans_started,
            ),
            ind(
                "protection_plans_two_years",
                "Child protection plans ending after 2 years or more",
                "Child protection plans ending in the period that had lasted 2 years or more, of all plans ending in the period.",
                LowerBetter,
                Percent,
                self.plans_two_years,
                self.plans_ended,
            ),
            ind(
                "three_placements",
                "Children looked after with 3 or more placements",
                "Children looked after at the end of the period with 3 or more placements (a new carer or setting) during it, of all children looked after then.",
                LowerBetter,
                Percent,
                self.three_placements,
                self.looked_after,
            ),
            ind(
                "long_term_stability",
                "Long-term placement stability",
                "Children under 16 looked after at the end of the period who had been looked after continuously for 2 and a half years or more and in the same placement for 2 years or more, of all children under 16 looked after continuously for 2 and a half years or more.",
                HigherBetter,
                Percent,
                self.long_term_stable,
                self.long_term_group,
            ),
            ind(
                "went_missing",
                "Children looked after who went missing",
                "Children who went missing while looked after during the period, of all children looked after at some time in the period.",
                LowerBetter,
                Percent,
                self.went_missing,
                self.looked_after_in_period,
            ),
            ind(
                "reviews_on_time",
                "Looked-after reviews held on time",
                "First, second and later looked-after reviews due in the period that were held by their due date, of those held or overdue.",
                HigherBetter,
                Percent,
                self.reviews_on_time,
                self.reviews_due,
            ),
            ind(
                "visits_on_time",
                "Statutory visits to looked-after children on time",
                "Statutory visits to looked-after children due in the period that were made by their due date, of those made or overdue.",
                HigherBetter,
                Percent,
                self.visits_on_time,
                self.visits_due,
            ),
            ind(
                "care_leavers_eet",
                "Care leavers aged 19 to 21 in education, employment or training",
                "Care leavers aged 19 to 21 whose latest contact in the period found them in education, employment or training, of those with a contact in the period.",
                HigherBetter,
                Percent,
                self.care_leavers_eet,
                self.care_leavers,
            ),
            ind(
                "care_leavers_suitable_accommodation",
                "Care leavers aged 19 to 21 in suitable accommodation",
                "Care leavers aged 19 to 21 whose latest contact in the period found their accommodation suitable, of those with a contact in the period.",
                HigherBetter,
                Percent,
                self.care_leavers_suitable,
                self.care_leavers,
            ),
            ind(
                "caseload",
                "Average caseload",
                "Children allocated to a social worker at the end of the period, per worker holding at least one child's case then (a headcount: careful does not hold full-time equivalents).",
                Context,
                Average,
                self.allocated,
                self.case_holders.len() as u64,
            ),
            ind(
                "social_worker_changes",
                "Children with 3 or more social workers",
                "Children allocated to a social worker at the end of the period who had 3 or more different social workers allocated during it (two or more changes), of all children allocated then.",
                LowerBetter,
                Percent,
                self.three_workers,
                self.allocated,
            ),
        ]
    }
}

/// A council's indicators, and each team's and worker's part of them.
///
/// A team's or worker's part counts what happened while they held the child's case (see
/// [`Indicators::add_owned`] for which day each count belongs to), and the duties due while
/// they held it; the duties overdue when worked out belong to whoever holds the case then.
/// Rates per 10,000 children have no meaning for a team and are the council's only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Breakdown {
    pub council: Indicators,
    pub teams: BTreeMap<TeamId, Indicators>,
    pub workers: BTreeMap<WorkerId, Indicators>,
}

impl Breakdown {
    /// Adds one child's record and their duties as worked out on `as_of`.
    pub fn add(&mut self, period: Period, record: &ChildRecord, duties: &[Duty], as_of: NaiveDate) {
        self.council.add(period, record);
        self.council.add_duties(period, duties);
        let current = record.allocation_on(as_of);
        let mut teams: Vec<TeamId> = record.allocations.iter().map(|a| a.team).collect();
        teams.sort();
        teams.dedup();
        for team in teams {
            let owns = |day| record.allocation_on(day).is_some_and(|a| a.team == team);
            let part = self.teams.entry(team).or_default();
            part.add_owned(period, record, owns);
            part.add_duties_of(period, duties, owns, current.is_some_and(|a| a.team == team));
        }
        let mut workers: Vec<WorkerId> = record.allocations.iter().map(|a| a.worker).collect();
        workers.sort();
        workers.dedup();
        for worker in workers {
            let owns = |day| record.allocation_on(day).is_some_and(|a| a.worker == worker);
            let part = self.workers.entry(worker).or_default();
            part.add_owned(period, record, owns);
            part.add_duties_of(period, duties, owns, current.is_some_and(|a| a.worker == worker));
        }
    }
}

/// Placements (a new carer or setting) open on some day of the period, across the child's
/// periods of care.
fn placements_during(periods: &[CarePeriod], period: Period) -> usize {
    let mut count = 0;
    for care in periods {
        for (i, state) in care.states.iter().enumerate() {
            let new_placement = i == 0 || care.states[i - 1].placement != state.placement;
            if !new_placement {
                continue;
            }
            // The placement lasts until the next state with a different placement, or care ends.
            let next = care.states[i + 1..].iter().find(|s| s.placement != state.placement).map(|s| s.date);
            let end = next.map(|d| d.pred_opt().unwrap_or(d)).or(care.end());
            count += usize::from(period.overlaps(state.date, end));
        }
    }
    count
}

/// The day the child's current spell of care began: the start of `care`, or of an earlier
/// period that ended the day before it began or on it.
fn continuous_since(periods: &[CarePeriod], care: &CarePeriod) -> NaiveDate {
    let mut since = care.started;
    for p in periods.iter().rev() {
        if let Some(end) = p.end()
            && end <= since
            && end.succ_opt().is_some_and(|next| next >= since)
        {
            since = p.started;
        }
    }
    since
}

/// The day the placement in force at the end of `date` began.
fn current_placement_since(care: &CarePeriod, date: NaiveDate) -> NaiveDate {
    let states: Vec<_> = care.states.iter().filter(|s| s.date <= date).collect();
    let Some(current) = states.last() else { return care.started };
    let mut since = current.date;
    for s in states.iter().rev() {
        if s.placement == current.placement {
            since = s.date;
        } else {
            break;
        }
    }
    since
}

#[cfg(test)]
mod tests;
