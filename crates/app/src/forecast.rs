//! The demand and cost forecast for children looked after, from every child's record or from a
//! council's SSDA903 files, and its back-test. The model is [`careful_insight::forecast`].

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{Days, NaiveDate};

use careful_domain::CollectionYear;
use careful_insight::forecast::{
    Backtest, CareSpell, ChildCare, Costs, Fit, Forecast, ForecastError, ForecastOptions, Model, Scenario, Spine,
    StateSpace, Window, backtest, fit, forecast,
};
use careful_returns::ssda903::{Source, Table, read_return};

use crate::access::{Action, Resource};
use crate::audit::{Event, Outcome};
use crate::{AppError, UserHandle};

/// The reference window's length when none is given: the year before the forecast starts.
pub const DEFAULT_REFERENCE_DAYS: u32 = 365;

/// What to forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRequest {
    /// The reference window [default: the 365 days ending on the data's last day].
    pub reference_from: Option<NaiveDate>,
    pub reference_to: Option<NaiveDate>,
    /// The first day forecast [default: the day after the reference window].
    pub start: Option<NaiveDate>,
    pub days: u32,
    pub draws: u32,
    pub seed: u64,
    /// Report every this many days (7: weekly).
    pub every: u32,
    pub scenario: Scenario,
    /// A costs CSV: its name and text.
    pub costs: Option<(String, String)>,
    /// Age bands by the age each starts at [default: DfE's].
    pub band_starts: Option<Vec<u32>>,
}

impl Default for ForecastRequest {
    fn default() -> Self {
        ForecastRequest {
            reference_from: None,
            reference_to: None,
            start: None,
            days: 730,
            draws: careful_insight::forecast::DEFAULT_DRAWS,
            seed: 1,
            every: 7,
            scenario: Scenario::default(),
            costs: None,
            band_starts: None,
        }
    }
}

/// A forecast with everything needed to audit it: the state space, the data, the counts the
/// rates come from, the rates used and the costs.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastReport {
    pub space: StateSpace,
    pub children: usize,
    pub data_end: NaiveDate,
    pub fit: Fit,
    /// The rates used: estimated, with the scenario applied.
    pub model: Model,
    pub costs: Costs,
    pub forecast: Forecast,
}

/// The state space of a request.
fn space_of(band_starts: Option<&[u32]>) -> Result<StateSpace, ForecastError> {
    match band_starts {
        Some(starts) => StateSpace::with_band_starts(starts),
        None => Ok(StateSpace::dfe_default()),
    }
}

/// Forecasts from children's placement episodes known to the end of `data_end`.
pub fn forecast_children(
    children: &[ChildCare],
    data_end: NaiveDate,
    request: &ForecastRequest,
) -> Result<ForecastReport, ForecastError> {
    let space = space_of(request.band_starts.as_deref())?;
    let costs = match &request.costs {
        Some((name, text)) => Costs::from_csv(&space, text, name)?,
        None => Costs::defaults(&space),
    };
    let to = request.reference_to.unwrap_or(data_end);
    let from = request.reference_from.unwrap_or_else(|| to - Days::new(u64::from(DEFAULT_REFERENCE_DAYS) - 1));
    let window = Window { from, to };
    let spine = Spine::build(children, &space, data_end);
    let fitted = fit(&spine, window)?;
    let start = request.start.unwrap_or(to + Days::new(1));
    let options =
        ForecastOptions { start, days: request.days, draws: request.draws, seed: request.seed, every: request.every };
    let forecast = forecast(&spine, &fitted, &space, &request.scenario, &costs, &options)?;
    let model = fitted.model().adjusted(&request.scenario, &space);
    Ok(ForecastReport { space, children: children.len(), data_end, fit: fitted, model, costs, forecast })
}

/// What to back-test.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestRequest {
    /// Hold back each of the last this many collection years the data covers.
    pub years: u32,
    pub reference_days: u32,
    pub draws: u32,
    pub seed: u64,
    pub band_starts: Option<Vec<u32>>,
}

/// A back-test, with the state space it ran on.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestReport {
    pub space: StateSpace,
    pub children: usize,
    pub data_end: NaiveDate,
    pub backtest: Backtest,
}

/// Back-tests from children's placement episodes known to the end of `data_end`: each of the
/// last `years` collection years ending on or before it is forecast from the reference window
/// before it and compared with what the data holds.
pub fn backtest_children(
    children: &[ChildCare],
    data_end: NaiveDate,
    request: &BacktestRequest,
) -> Result<BacktestReport, ForecastError> {
    let space = space_of(request.band_starts.as_deref())?;
    if request.years == 0 || request.reference_days == 0 || request.draws == 0 {
        return Err(ForecastError::Options(
            "the years held back, reference days and draws must each be at least 1".into(),
        ));
    }
    if request.years > 20 || request.reference_days > careful_insight::forecast::MAX_DAYS {
        return Err(ForecastError::Options(format!(
            "hold back at most 20 years, with a reference window of at most {} days",
            careful_insight::forecast::MAX_DAYS
        )));
    }
    let mut last = CollectionYear::containing(data_end)
        .ok_or_else(|| ForecastError::Window(format!("{data_end} is outside the collection years careful knows")))?;
    if last.last_day() > data_end {
        last = last.previous();
    }
    let mut years = vec![last];
    while years.len() < request.years as usize {
        let earlier = years.last().expect("one year").previous();
        years.push(earlier);
    }
    years.reverse();
    let spine = Spine::build(children, &space, data_end);
    if let Some(first) = spine.data_start() {
        let needed = years[0].first_day() - Days::new(u64::from(request.reference_days));
        if needed < first {
            return Err(ForecastError::Window(format!(
                "holding back {} years with a {}-day reference window needs data from {needed}; the earliest placement starts on {first}",
                request.years, request.reference_days
            )));
        }
    }
    let held: Vec<(NaiveDate, u32)> =
        years.iter().map(|y| (y.first_day(), ((y.last_day() - y.first_day()).num_days() + 1) as u32)).collect();
    let backtest = backtest(&spine, &space, &held, request.reference_days, request.draws, request.seed)?;
    Ok(BacktestReport { space, children: children.len(), data_end, backtest })
}

/// The children's placement episodes in SSDA903 files (CSV tables of one or more years, or XML
/// returns), and the data's last day: the end of the collection year holding the latest date
/// in them. Each file is read on its own, so several years' Header and Episodes tables may be
/// given together. Problems name the file, line and column.
pub fn ssda903_children(files: &[PathBuf]) -> Result<(Vec<ChildCare>, NaiveDate), Vec<String>> {
    if files.is_empty() {
        return Err(vec!["give the SSDA903 files: each year's Header and Episodes tables (CSV) or XML returns".into()]);
    }
    let mut errors = Vec::new();
    let mut births: HashMap<String, NaiveDate> = HashMap::new();
    // Episodes by child: (file, line) for messages.
    let mut episodes: Vec<(String, CareSpell)> = Vec::new();
    let mut episode_places: Vec<(String, u64)> = Vec::new();
    let mut latest: Option<NaiveDate> = None;
    let mut saw = (false, false);
    for path in files {
        let ret = match read_return(&[Source::path(path)]) {
            Ok(ret) => ret,
            Err(problems) => {
                errors.extend(problems.iter().map(ToString::to_string));
                continue;
            }
        };
        if let Some(header) = ret.table(Table::Header) {
            saw.0 = true;
            for row in header.rows() {
                let place = |column: &str| format!("{}, line {}, column {column}", header.file(), row.line());
                let Some(child) = row.value("CHILD") else {
                    errors.push(format!("{}: the child's ID (CHILD) is blank", place("CHILD")));
                    continue;
                };
                match row.date("DOB") {
                    Ok(Some(dob)) => {
                        births.insert(child.to_string(), dob);
                    }
                    Ok(None) => errors.push(format!("{}: the date of birth is blank", place("DOB"))),
                    Err(e) => errors.push(format!("{}: {e}", place("DOB"))),
                }
            }
        }
        if let Some(table) = ret.table(Table::Episodes) {
            saw.1 = true;
            for row in table.rows() {
                let place = |column: &str| format!("{}, line {}, column {column}", table.file(), row.line());
                let Some(child) = row.value("CHILD") else {
                    errors.push(format!("{}: the child's ID (CHILD) is blank", place("CHILD")));
                    continue;
                };
                let start = match row.date("DECOM") {
                    Ok(Some(d)) => d,
                    Ok(None) => {
                        errors.push(format!("{}: the episode's start date is blank", place("DECOM")));
                        continue;
                    }
                    Err(e) => {
                        errors.push(format!("{}: {e}", place("DECOM")));
                        continue;
                    }
                };
                let end = match row.date("DEC") {
                    Ok(d) => d,
                    Err(e) => {
                        errors.push(format!("{}: {e}", place("DEC")));
                        continue;
                    }
                };
                if end.is_some_and(|e| e < start) {
                    errors.push(format!("{}: the episode ends before it starts ({start})", place("DEC")));
                    continue;
                }
                let Some(code) = row.value("PLACE") else {
                    errors.push(format!("{}: the placement type is blank", place("PLACE")));
                    continue;
                };
                latest = latest.max(Some(end.unwrap_or(start).max(start)));
                episodes.push((child.to_string(), CareSpell { start, end, place: code.to_string() }));
                episode_places.push((table.file().to_string(), row.line()));
            }
        }
    }
    if errors.is_empty() && !saw.1 {
        errors.push("no Episodes table was found in the files: give each year's Episodes and Header tables".into());
    } else if errors.is_empty() && !saw.0 {
        errors.push("no Header table was found in the files: the children's dates of birth are in it".into());
    }
    let mut by_child: HashMap<String, ChildCare> = HashMap::new();
    let mut order = Vec::new();
    for ((child, spell), (file, line)) in episodes.into_iter().zip(episode_places) {
        let Some(dob) = births.get(&child) else {
            if errors.len() < 100 {
                errors.push(format!(
                    "{file}, line {line}, column CHILD: child {child} has no Header row in any file given"
                ));
            }
            continue;
        };
        by_child
            .entry(child.clone())
            .or_insert_with(|| {
                order.push(child.clone());
                ChildCare { date_of_birth: *dob, spells: Vec::new() }
            })
            .spells
            .push(spell);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let latest = latest.ok_or_else(|| vec!["the Episodes tables hold no episodes".to_string()])?;
    let data_end = CollectionYear::containing(latest)
        .map(CollectionYear::last_day)
        .ok_or_else(|| vec![format!("{latest} is outside the collection years careful knows")])?;
    order.sort();
    let children = order.into_iter().filter_map(|c| by_child.remove(&c)).collect();
    Ok((children, data_end))
}

/// The placement episodes of every child in `records`, and the data's last day: the latest day
/// the record shows something happening (a placement beginning or ending, a visit, a contact or
/// a referral), capped at `yesterday`. For a council using careful that is yesterday or close to
/// it; for a record that stopped (a synthetic council, an old copy) it is where the record ends,
/// so that children are not counted as staying in care after it.
fn record_children(
    records: &[careful_domain::record::ChildRecord],
    yesterday: NaiveDate,
) -> (Vec<ChildCare>, NaiveDate) {
    let children: Vec<ChildCare> = records.iter().filter_map(ChildCare::from_record).collect();
    let placements = children.iter().flat_map(|c| c.spells.iter().flat_map(|s| [Some(s.start), s.end])).flatten();
    let activity = records.iter().flat_map(|r| {
        r.visits
            .iter()
            .map(|v| v.date)
            .chain(r.contacts.iter().map(|c| c.date))
            .chain(r.cin_episodes.iter().map(|e| e.referral_date))
    });
    let last = placements.chain(activity).filter(|d| *d <= yesterday).max().unwrap_or(yesterday);
    (children, last)
}

impl UserHandle {
    /// The demand and cost forecast from every child's record. The data runs to the last day
    /// the record shows something happening (at most yesterday). Aggregates only:
    /// no child is named; for anyone who may see the council's figures. Audited.
    pub async fn forecast(&self, request: &ForecastRequest) -> Result<ForecastReport, AppError> {
        self.decide(Action::ViewFigures, Resource::Council, None).await?;
        let records = self.all_records().await?;
        let yesterday = self.app().today().pred_opt().unwrap_or(self.app().today());
        let (children, data_end) = record_children(&records, yesterday);
        let report = forecast_children(&children, data_end, request)
            .map_err(|e| AppError::invalid("forecast", e.to_string()))?;
        self.audit(
            Event::new(
                Action::ViewFigures.code(),
                Outcome::Allowed,
                format!(
                    "Forecast children looked after for {} days from {} (reference {} to {}) over {} records",
                    request.days,
                    report.forecast.start,
                    report.fit.window.from,
                    report.fit.window.to,
                    records.len()
                ),
            )
            .subject("forecast"),
        )
        .await?;
        Ok(report)
    }

    /// The forecast's back-test from every child's record. Aggregates only; audited.
    pub async fn forecast_backtest(&self, request: &BacktestRequest) -> Result<BacktestReport, AppError> {
        self.decide(Action::ViewFigures, Resource::Council, None).await?;
        let records = self.all_records().await?;
        let yesterday = self.app().today().pred_opt().unwrap_or(self.app().today());
        let (children, data_end) = record_children(&records, yesterday);
        let report = backtest_children(&children, data_end, request)
            .map_err(|e| AppError::invalid("backtest", e.to_string()))?;
        self.audit(
            Event::new(
                Action::ViewFigures.code(),
                Outcome::Allowed,
                format!(
                    "Back-tested the forecast over the {} years to {} over {} records",
                    request.years,
                    data_end,
                    records.len()
                ),
            )
            .subject("forecast"),
        )
        .await?;
        Ok(report)
    }
}
