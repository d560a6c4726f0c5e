//! The demand and cost forecast for children looked after: a Markov stock-and-flow model by age
//! band and placement type, fitted from an episode spine, with scenarios, weekly costs, a 95%
//! interval that includes the uncertainty in the estimated rates, and a back-test.
//!
//! The approach is the sector's (the Social Finance / Data to Insight demand model, described
//! in `analytics.md` section 1), rebuilt from its written description with the changes section
//! 1.14 recommends:
//!
//! - **State space** ([`StateSpace`]): age band × placement category, both configurable; the
//!   default bands are DfE's (under 1, 1 to 4, 5 to 9, 10 to 15, 16 and 17) and the default
//!   categories map DfE's `PLACE` codes to fostering, kinship (connected person) fostering,
//!   residential, supported and other. A move between two placements of the same category is not
//!   a transition: the model forecasts placements needed, not placement moves.
//! - **Episode spine** ([`Spine`]): one row per continuous spell in a state, children's spells
//!   split on the birthday that moves them to the next age band, so ageing is observed like any
//!   other transition rather than assumed uniform.
//! - **Rates** ([`fit`]): for each state, the daily probability of each transition is events ÷
//!   exposure over a reference window: transitions on the window's days divided by the
//!   child-days in the state at the end of the day before (the maximum-likelihood estimate). The
//!   sector's engines instead average each day's ratio, which is noisier and, in the older
//!   engine, biased low. Entries are a daily rate per state: entries on the window's days ÷ its
//!   days.
//! - **Forecast step** ([`Model::expected`]): each day, each state's children leave for each
//!   destination with its daily probability, from the stock at the end of the day before; new
//!   entrants are added. When a state's probabilities sum above 1 (possible after a scenario),
//!   the whole stock leaves, shared in proportion to the probabilities (the "drain" case).
//! - **Uncertainty** ([`forecast`]): each of `draws` runs first draws every rate from its
//!   posterior given the events and exposure (Gamma(events, exposure), whose mean is the
//!   estimate), then moves children day by day with random flows (each day a Poisson count of
//!   entrants and leavers, with mean the entry rates plus each state's children × their chance
//!   of leaving; a child leaves at most once a day: for a council's small daily chances this is
//!   the binomial of each state's stock to well within a percent), so the interval holds both
//!   the uncertainty in the rates and the chance in the flows. The
//!   sector's regional engine adds up only the flows' variance, so its band is too narrow for a
//!   single council, whose rates rest on few events.
//! - **Costs**: stock × weekly unit cost ÷ 7 per day, by category ([`Costs`]).
//!
//! A state with no exposure in the reference window (no child in it) has no estimated rates:
//! children forecast in it stay there, and [`Fit::unestimated`] lists it so that the output can
//! say so. A transition never seen in the window has a rate of 0 (unobserved, not impossible).

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Days, NaiveDate};

use careful_domain::calendar::{age_on, date_attaining_age};
use careful_domain::record::ChildRecord;

/// A problem with the forecast's inputs, saying what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForecastError {
    /// The reference window is empty, reversed or outside the data.
    Window(String),
    /// The state space is unusable (no bands, a band list not starting at 0...).
    StateSpace(String),
    /// A scenario cannot be applied (a percentage out of range, a category it needs missing).
    Scenario(String),
    /// A row of a costs file: the file, its line (the header being line 1), field and problem.
    Costs { file: String, line: u64, field: String, problem: String },
    /// The forecast's options are unusable (no days, no draws).
    Options(String),
}

impl fmt::Display for ForecastError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ForecastError::Window(p)
            | ForecastError::StateSpace(p)
            | ForecastError::Scenario(p)
            | ForecastError::Options(p) => f.write_str(p),
            ForecastError::Costs { file, line, field, problem } => {
                write!(f, "{file}, line {line}, field {field}: {problem}")
            }
        }
    }
}

impl std::error::Error for ForecastError {}

/// An age band: children aged `from_age` up to the next band's `from_age` (the last band has no
/// upper limit; children leave care at 18).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeBand {
    pub name: String,
    pub from_age: u32,
}

/// A placement category and the DfE `PLACE` codes in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub name: String,
    pub codes: Vec<String>,
}

/// The model's states: every age band × every placement category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSpace {
    bands: Vec<AgeBand>,
    categories: Vec<Category>,
    /// The category of a code no category lists.
    fallback: usize,
}

/// The names the scenarios look for: `--step-down` moves children from `residential` to
/// `fostering`; `--kinship` shares entries between `fostering` and `kinship`.
pub const FOSTERING: &str = "fostering";
pub const KINSHIP: &str = "kinship";
pub const RESIDENTIAL: &str = "residential";

impl StateSpace {
    /// A state space: `bands` in order of age, the first from 0; `categories`, of which the one
    /// named `fallback` takes every code no category lists.
    pub fn new(bands: Vec<AgeBand>, categories: Vec<Category>, fallback: &str) -> Result<StateSpace, ForecastError> {
        if bands.first().is_none_or(|b| b.from_age != 0) {
            return Err(ForecastError::StateSpace("the first age band must start at age 0".into()));
        }
        if bands.windows(2).any(|w| w[0].from_age >= w[1].from_age) {
            return Err(ForecastError::StateSpace("age bands must be in increasing order of age".into()));
        }
        if bands.iter().any(|b| b.from_age >= 18) {
            return Err(ForecastError::StateSpace(
                "an age band starts at 18 or more: children leave care at 18".into(),
            ));
        }
        let fallback = categories.iter().position(|c| c.name == fallback).ok_or_else(|| {
            ForecastError::StateSpace(format!("no category named {fallback} to take the codes no category lists"))
        })?;
        Ok(StateSpace { bands, categories, fallback })
    }

    /// DfE's age bands (under 1, 1 to 4, 5 to 9, 10 to 15, 16 and 17: `analytics.md` §1.2 and
    /// §3.2) and five categories: fostering (U4 to U6), kinship, that is foster care with a
    /// relative or friend (U1 to U3), residential (children's homes K1, K2, R1, residential
    /// school S1, residential employment P3), supported and independent living (H5, K3, P2), and
    /// other (placed with parents, placed for adoption, hospital, family centre, young offender
    /// institution, temporary and Z codes).
    pub fn dfe_default() -> StateSpace {
        let band = |name: &str, from_age| AgeBand { name: name.into(), from_age };
        let cat = |name: &str, codes: &[&str]| Category {
            name: name.into(),
            codes: codes.iter().map(|c| (*c).to_string()).collect(),
        };
        StateSpace::with_bands(vec![band("0", 0), band("1-4", 1), band("5-9", 5), band("10-15", 10), band("16-17", 16)])
            .with_categories(vec![
                cat(FOSTERING, &["U4", "U5", "U6"]),
                cat(KINSHIP, &["U1", "U2", "U3"]),
                cat(RESIDENTIAL, &["K1", "K2", "R1", "S1", "P3"]),
                cat("supported", &["H5", "K3", "P2"]),
                cat("other", &[]),
            ])
    }

    fn with_bands(bands: Vec<AgeBand>) -> StateSpace {
        StateSpace { bands, categories: Vec::new(), fallback: 0 }
    }

    fn with_categories(mut self, categories: Vec<Category>) -> StateSpace {
        self.fallback = categories.len() - 1;
        self.categories = categories;
        self
    }

    /// The default categories with other age bands, given by the age each starts at (the first
    /// 0), such as `[0, 1, 5, 10, 16]`. Bands are named by their ages: "0", "1-4", "16-17".
    pub fn with_band_starts(starts: &[u32]) -> Result<StateSpace, ForecastError> {
        let mut bands = Vec::new();
        for (i, from) in starts.iter().enumerate() {
            let to = starts.get(i + 1).map_or(17, |n| n.saturating_sub(1));
            let name = if to == *from { from.to_string() } else { format!("{from}-{to}") };
            bands.push(AgeBand { name, from_age: *from });
        }
        let default = StateSpace::dfe_default();
        StateSpace::new(bands, default.categories, "other")
    }

    pub fn bands(&self) -> &[AgeBand] {
        &self.bands
    }

    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// The number of states (bands × categories).
    pub fn len(&self) -> usize {
        self.bands.len() * self.categories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The state of a band and a category.
    pub fn state(&self, band: usize, category: usize) -> usize {
        band * self.categories.len() + category
    }

    pub fn band_of_state(&self, state: usize) -> usize {
        state / self.categories.len()
    }

    pub fn category_of_state(&self, state: usize) -> usize {
        state % self.categories.len()
    }

    /// A state's name, such as "10-15 residential".
    pub fn state_name(&self, state: usize) -> String {
        format!(
            "{} {}",
            self.bands[self.band_of_state(state)].name,
            self.categories[self.category_of_state(state)].name
        )
    }

    /// The band of a child of `age`.
    pub fn band_of_age(&self, age: u32) -> usize {
        self.bands.iter().rposition(|b| b.from_age <= age).unwrap_or(0)
    }

    /// The category of a DfE `PLACE` code (any case).
    pub fn category_of_code(&self, code: &str) -> usize {
        let code = code.trim();
        self.categories
            .iter()
            .position(|c| c.codes.iter().any(|k| k.eq_ignore_ascii_case(code)))
            .unwrap_or(self.fallback)
    }

    /// The category with this name.
    pub fn category_named(&self, name: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.name.eq_ignore_ascii_case(name))
    }
}

/// One placement episode of a child: from `start` to `end` (the day it ended, when the child is
/// no longer in it at the end of the day; `None` while it continues), in placement `place` (a
/// DfE `PLACE` code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareSpell {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub place: String,
}

/// A child's placement episodes, from a folded record or an SSDA903 return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildCare {
    pub date_of_birth: NaiveDate,
    pub spells: Vec<CareSpell>,
}

impl ChildCare {
    /// A child's placements from their folded record: each change of placement or legal status
    /// in each period of care, to the next change or the end of the period. `None` for a child
    /// never looked after, or with no date of birth.
    pub fn from_record(record: &ChildRecord) -> Option<ChildCare> {
        let date_of_birth = record.date_of_birth()?;
        let mut spells = Vec::new();
        for care in &record.care_periods {
            for (i, state) in care.states.iter().enumerate() {
                let end = care.states.get(i + 1).map(|s| s.date).or(care.end());
                spells.push(CareSpell { start: state.date, end, place: state.placement.placement_type.code().into() });
            }
        }
        (!spells.is_empty()).then_some(ChildCare { date_of_birth, spells })
    }
}

/// What follows a row of the spine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The child moved to another state (another category, or the next age band) that day.
    State(usize),
    /// The child left care that day.
    Left,
    /// Still in the state at the end of the data.
    Open,
}

/// One continuous spell of one child in one state: at the end of each day from `from` to the
/// day before `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpineRow {
    pub child: u32,
    pub state: usize,
    pub from: NaiveDate,
    /// The day the child left the state (or the day after the data's end, while open).
    pub to: NaiveDate,
    /// Whether the child came into care on `from` (rather than from another state).
    pub entered: bool,
    pub next: Next,
}

/// The episode spine: every child's spells in the model's states, up to the data's last day.
#[derive(Debug, Clone, PartialEq)]
pub struct Spine {
    pub rows: Vec<SpineRow>,
    /// The last day the data covers.
    pub data_end: NaiveDate,
    pub states: usize,
}

impl Spine {
    /// Builds the spine from children's placement episodes, as known at the end of `data_end`.
    ///
    /// A child's episodes are first tidied as the sector tidies SSDA903 episodes: sorted by
    /// start; of two starting the same day the one that ended is kept (an episode open at one
    /// year's end appears again, ended, in the next year's return), or the longer; an episode
    /// running past the next one's start is cut to it. Episodes starting after `data_end` are
    /// left out, and one ending after it is open.
    pub fn build(children: &[ChildCare], space: &StateSpace, data_end: NaiveDate) -> Spine {
        let after_end = data_end + Days::new(1);
        let mut rows = Vec::new();
        for (index, child) in children.iter().enumerate() {
            let mut spells: Vec<&CareSpell> = child.spells.iter().filter(|s| s.start <= data_end).collect();
            spells.sort_by_key(|s| (s.start, s.end.is_some(), s.end));
            // Of spells starting the same day keep the last: ended, and ending latest.
            spells.dedup_by(|later, earlier| {
                if later.start == earlier.start {
                    *earlier = *later;
                    true
                } else {
                    false
                }
            });
            // Segments: (from, to, state), each at least one day long.
            let mut segments: Vec<(NaiveDate, NaiveDate, usize, bool)> = Vec::new();
            for (i, spell) in spells.iter().enumerate() {
                let next_start = spells.get(i + 1).map(|s| s.start);
                let mut end = spell.end.unwrap_or(after_end).min(after_end);
                if let Some(n) = next_start {
                    end = end.min(n);
                }
                if end <= spell.start {
                    continue;
                }
                let category = space.category_of_code(&spell.place);
                let mut from = spell.start;
                while from < end {
                    let age = age_on(child.date_of_birth, from).unwrap_or(0);
                    let band = space.band_of_age(age);
                    let next_band_day = space
                        .bands
                        .get(band + 1)
                        .and_then(|b| date_attaining_age(child.date_of_birth, b.from_age).ok())
                        .filter(|d| *d > from);
                    let to = next_band_day.map_or(end, |d| d.min(end));
                    let contiguous = segments.last().is_some_and(|s| s.1 == from);
                    segments.push((from, to, space.state(band, category), !contiguous));
                    from = to;
                }
            }
            // Merge contiguous segments in the same state (a move within a category).
            let mut merged: Vec<(NaiveDate, NaiveDate, usize, bool)> = Vec::new();
            for s in segments {
                match merged.last_mut() {
                    Some(last) if last.1 == s.0 && last.2 == s.2 => last.1 = s.1,
                    _ => merged.push(s),
                }
            }
            for (i, &(from, to, state, entered)) in merged.iter().enumerate() {
                let next = if to > data_end {
                    Next::Open
                } else {
                    match merged.get(i + 1) {
                        Some(n) if n.0 == to => Next::State(n.2),
                        _ => Next::Left,
                    }
                };
                rows.push(SpineRow { child: index as u32, state, from, to, entered, next });
            }
        }
        Spine { rows, data_end, states: space.len() }
    }

    /// Children in each state at the end of `date`.
    pub fn stock_at(&self, date: NaiveDate) -> Vec<u32> {
        let mut stock = vec![0; self.states];
        for row in &self.rows {
            if row.from <= date && date < row.to {
                stock[row.state] += 1;
            }
        }
        stock
    }

    /// The first day of the data: the earliest start of a spell.
    pub fn data_start(&self) -> Option<NaiveDate> {
        self.rows.iter().map(|r| r.from).min()
    }
}

/// The reference window the rates are estimated over: from `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Window {
    /// Its days, both ends included.
    pub fn days(&self) -> u64 {
        (self.to - self.from).num_days().max(-1) as u64 + 1
    }
}

/// Where a transition goes: another state, or out of care.
pub const LEFT_CARE: usize = usize::MAX;

/// The counts the rates are estimated from: events and exposure per state, and entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub window: Window,
    /// Child-days in each state at the end of the days before the window's days (the day
    /// before its first to the day before its last).
    pub exposure: Vec<u64>,
    /// Transitions on the window's days from each state: destination (a state, or
    /// [`LEFT_CARE`]) and count.
    pub events: Vec<BTreeMap<usize, u64>>,
    /// Children coming into care in each state on the window's days.
    pub entries: Vec<u64>,
}

impl Fit {
    /// The states with no exposure in the window: their rates cannot be estimated.
    pub fn unestimated(&self) -> Vec<usize> {
        (0..self.exposure.len()).filter(|s| self.exposure[*s] == 0).collect()
    }

    /// The estimated model: daily probabilities events ÷ exposure, entries ÷ days.
    pub fn model(&self) -> Model {
        let days = self.window.days() as f64;
        Model {
            moves: self
                .events
                .iter()
                .zip(&self.exposure)
                .map(|(events, exposure)| {
                    if *exposure == 0 {
                        Vec::new()
                    } else {
                        events.iter().map(|(to, n)| (*to, *n as f64 / *exposure as f64)).collect()
                    }
                })
                .collect(),
            entries: self.entries.iter().map(|n| *n as f64 / days).collect(),
        }
    }
}

/// Counts events and exposure over `window`.
///
/// A child in a state at the end of day d − 1 is at risk of a transition on day d; the
/// exposure is those child-days for d in the window, the events the transitions on its days.
/// The window must end on or before the data's last day.
pub fn fit(spine: &Spine, window: Window) -> Result<Fit, ForecastError> {
    if window.from > window.to {
        return Err(ForecastError::Window(format!(
            "the reference window starts ({}) after it ends ({})",
            window.from, window.to
        )));
    }
    if window.to > spine.data_end {
        return Err(ForecastError::Window(format!(
            "the reference window ends ({}) after the data does ({})",
            window.to, spine.data_end
        )));
    }
    let n = spine.states;
    let mut fit = Fit { window, exposure: vec![0; n], events: vec![BTreeMap::new(); n], entries: vec![0; n] };
    let first_risk = window.from.pred_opt().unwrap_or(window.from);
    let last_risk = window.to.pred_opt().unwrap_or(window.to);
    for row in &spine.rows {
        // Day-ends in the state: from..to (exclusive), within first_risk..=last_risk.
        let lo = row.from.max(first_risk);
        let hi = row.to.min(last_risk + Days::new(1));
        if hi > lo {
            fit.exposure[row.state] += (hi - lo).num_days() as u64;
        }
        if window.from <= row.to && row.to <= window.to {
            let dest = match row.next {
                Next::State(s) => Some(s),
                Next::Left => Some(LEFT_CARE),
                Next::Open => None,
            };
            if let Some(dest) = dest {
                *fit.events[row.state].entry(dest).or_default() += 1;
            }
        }
        if row.entered && window.from <= row.from && row.from <= window.to {
            fit.entries[row.state] += 1;
        }
    }
    Ok(fit)
}

/// Daily transition probabilities and entry rates.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// For each state, each destination (a state or [`LEFT_CARE`]) with its daily probability.
    pub moves: Vec<Vec<(usize, f64)>>,
    /// For each state, children coming into care in it per day.
    pub entries: Vec<f64>,
}

/// Scenario adjustments, applied to the estimated rates (and to every draw of them).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Scenario {
    /// Change in the entry rate, in percent (−100 or more): 10 means 10% more children come
    /// into care.
    pub entry_rate_change: f64,
    /// A programme stepping children down from residential care to fostering: this percentage
    /// of the children in residential care each year, as an added daily probability
    /// 1 − (1 − p)^(1/365) of a move to fostering in the same age band.
    pub step_down: f64,
    /// Of the children coming into care into foster care (fostering or kinship), the
    /// percentage placed with kinship carers; `None` keeps the shares seen.
    pub kinship: Option<f64>,
}

impl Scenario {
    /// Whether it changes nothing.
    pub fn is_base(&self) -> bool {
        self.entry_rate_change == 0.0 && self.step_down == 0.0 && self.kinship.is_none()
    }

    /// Checks the percentages and that the categories they need exist.
    pub fn check(&self, space: &StateSpace) -> Result<(), ForecastError> {
        if !(self.entry_rate_change >= -100.0 && self.entry_rate_change.is_finite()) {
            return Err(ForecastError::Scenario(format!(
                "the entry rate change is a percentage of −100 or more, not {}",
                self.entry_rate_change
            )));
        }
        if !(0.0..=100.0).contains(&self.step_down) {
            return Err(ForecastError::Scenario(format!(
                "the step-down is a percentage from 0 to 100, not {}",
                self.step_down
            )));
        }
        if let Some(k) = self.kinship
            && !(0.0..=100.0).contains(&k)
        {
            return Err(ForecastError::Scenario(format!("the kinship share is a percentage from 0 to 100, not {k}")));
        }
        let need = |name: &str| {
            space.category_named(name).map(|_| ()).ok_or_else(|| {
                ForecastError::Scenario(format!("this scenario needs a placement category named {name}"))
            })
        };
        if self.step_down > 0.0 {
            need(RESIDENTIAL)?;
            need(FOSTERING)?;
        }
        if self.kinship.is_some() {
            need(KINSHIP)?;
            need(FOSTERING)?;
        }
        Ok(())
    }
}

impl Model {
    /// The model with a scenario applied (see [`Scenario`]); states whose probabilities then sum
    /// above 1 drain (see [`Model::expected`]).
    pub fn adjusted(&self, scenario: &Scenario, space: &StateSpace) -> Model {
        let mut m = self.clone();
        let factor = 1.0 + scenario.entry_rate_change / 100.0;
        for e in &mut m.entries {
            *e *= factor;
        }
        if let (Some(res), Some(fost)) = (space.category_named(RESIDENTIAL), space.category_named(FOSTERING))
            && scenario.step_down > 0.0
        {
            let daily = 1.0 - (1.0 - scenario.step_down / 100.0).powf(1.0 / 365.0);
            for band in 0..space.bands.len() {
                let from = space.state(band, res);
                let to = space.state(band, fost);
                match m.moves[from].iter_mut().find(|(d, _)| *d == to) {
                    Some((_, p)) => *p += daily,
                    None => m.moves[from].push((to, daily)),
                }
            }
        }
        if let (Some(kin), Some(fost), Some(share)) =
            (space.category_named(KINSHIP), space.category_named(FOSTERING), scenario.kinship)
        {
            for band in 0..space.bands.len() {
                let (k, f) = (space.state(band, kin), space.state(band, fost));
                let both = m.entries[k] + m.entries[f];
                m.entries[k] = both * share / 100.0;
                m.entries[f] = both - m.entries[k];
            }
        }
        m
    }

    /// Each state's probabilities, scaled down to sum to 1 where they sum above it.
    fn capped(&self) -> Vec<Vec<(usize, f64)>> {
        self.moves
            .iter()
            .map(|moves| {
                let total: f64 = moves.iter().map(|(_, p)| p).sum();
                if total > 1.0 { moves.iter().map(|(d, p)| (*d, p / total)).collect() } else { moves.clone() }
            })
            .collect()
    }

    /// One day: from the stock at the end of the day before, the expected stock at the end of
    /// the day. Each state's children leave for each destination with its probability; when
    /// the probabilities sum above 1 the whole stock leaves, shared in proportion to them (the
    /// "drain"); then the day's expected entrants are added.
    pub fn step(&self, stock: &[f64]) -> Vec<f64> {
        let capped = self.capped();
        step_with(&capped, &self.entries, stock)
    }

    /// The expected stock at the end of each of `days` days after `stock`.
    pub fn expected(&self, stock: &[f64], days: u32) -> Vec<Vec<f64>> {
        let capped = self.capped();
        let mut out = Vec::with_capacity(days as usize);
        let mut now = stock.to_vec();
        for _ in 0..days {
            now = step_with(&capped, &self.entries, &now);
            out.push(now.clone());
        }
        out
    }
}

fn step_with(moves: &[Vec<(usize, f64)>], entries: &[f64], stock: &[f64]) -> Vec<f64> {
    let mut next = stock.to_vec();
    for (s, moves) in moves.iter().enumerate() {
        for &(to, p) in moves {
            let flow = stock[s] * p;
            next[s] -= flow;
            if to != LEFT_CARE {
                next[to] += flow;
            }
        }
    }
    for (s, e) in entries.iter().enumerate() {
        next[s] += e;
    }
    for v in &mut next {
        // Rounding when a state drains.
        if *v < 0.0 && *v > -1e-9 {
            *v = 0.0;
        }
    }
    next
}

/// Weekly unit cost of a placement in each category, with where the figure comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Costs {
    /// By category: pounds a week, or `None` when careful has no figure.
    pub weekly: Vec<Option<f64>>,
    pub sources: Vec<String>,
}

/// The default weekly costs' source (`analytics.md` §3.6).
pub const DFE_PQ_2016: &str = "DfE answer to a parliamentary question, c. 2016 (analytics.md §3.6)";
pub const BAAF_2005: &str = "BAAF / Fostering Network 2005, local authority foster care unit cost, as a proxy for kinship care (analytics.md §3.6)";

impl Costs {
    /// Defaults for the default categories, from `analytics.md` §3.6: fostering £600 a week
    /// (DfE, c. 2016: the average for foster care), kinship £234 (BAAF / Fostering Network 2005:
    /// a council's own foster care, the nearest published figure to kinship care's), residential
    /// £3,000 (DfE, c. 2016: a council's children's home). Supported and other have no published
    /// figure there, so no default: give them in a costs file. These are old national figures:
    /// a council should use its own.
    pub fn defaults(space: &StateSpace) -> Costs {
        let mut costs =
            Costs { weekly: vec![None; space.categories.len()], sources: vec![String::new(); space.categories.len()] };
        for (name, weekly, source) in
            [(FOSTERING, 600.0, DFE_PQ_2016), (KINSHIP, 234.0, BAAF_2005), (RESIDENTIAL, 3000.0, DFE_PQ_2016)]
        {
            if let Some(c) = space.category_named(name) {
                costs.weekly[c] = Some(weekly);
                costs.sources[c] = source.into();
            }
        }
        costs
    }

    /// The defaults, overridden by a CSV file's rows: a header `category,weekly_cost` then one
    /// row per category, such as `residential,5200`. Categories not in the file keep their
    /// default; `file` names the file in what the rows' source says.
    pub fn from_csv(space: &StateSpace, text: &str, file: &str) -> Result<Costs, ForecastError> {
        let mut costs = Costs::defaults(space);
        let mut lines = text.lines().enumerate().map(|(i, l)| (i as u64 + 1, l.trim().trim_start_matches('\u{feff}')));
        let header = lines.by_ref().find(|(_, l)| !l.is_empty());
        let Some((line, header)) = header else {
            return Err(ForecastError::Costs {
                file: file.into(),
                line: 1,
                field: "header".into(),
                problem: "the file is empty: give a header category,weekly_cost then a row per category".into(),
            });
        };
        let columns: Vec<String> = header.split(',').map(|c| c.trim().to_ascii_lowercase()).collect();
        if columns != ["category", "weekly_cost"] {
            return Err(ForecastError::Costs {
                file: file.into(),
                line,
                field: "header".into(),
                problem: format!("the header must be category,weekly_cost, not {header}"),
            });
        }
        for (line, text) in lines {
            if text.is_empty() {
                continue;
            }
            let cells: Vec<&str> = text.split(',').map(str::trim).collect();
            if cells.len() != 2 {
                return Err(ForecastError::Costs {
                    file: file.into(),
                    line,
                    field: "row".into(),
                    problem: format!("the row has {} fields, not 2 (category,weekly_cost)", cells.len()),
                });
            }
            let Some(category) = space.category_named(cells[0]) else {
                let names: Vec<&str> = space.categories.iter().map(|c| c.name.as_str()).collect();
                return Err(ForecastError::Costs {
                    file: file.into(),
                    line,
                    field: "category".into(),
                    problem: format!("no category named {:?}: the categories are {}", cells[0], names.join(", ")),
                });
            };
            let cost: f64 =
                cells[1].trim_start_matches('£').replace('_', "").parse().map_err(|_| ForecastError::Costs {
                    file: file.into(),
                    line,
                    field: "weekly_cost".into(),
                    problem: format!("{:?} is not a number of pounds a week", cells[1]),
                })?;
            if !(cost.is_finite() && cost >= 0.0) {
                return Err(ForecastError::Costs {
                    file: file.into(),
                    line,
                    field: "weekly_cost".into(),
                    problem: format!("{:?} is not a number of pounds a week of 0 or more", cells[1]),
                });
            }
            costs.weekly[category] = Some(cost);
            costs.sources[category] = format!("{file}, line {line}");
        }
        Ok(costs)
    }

    /// Pounds a day for each state.
    fn daily_by_state(&self, space: &StateSpace) -> Vec<f64> {
        (0..space.len()).map(|s| self.weekly[space.category_of_state(s)].unwrap_or(0.0) / 7.0).collect()
    }
}

/// What to forecast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForecastOptions {
    /// The first day forecast: the stock at the end of the day before is the starting point.
    pub start: NaiveDate,
    pub days: u32,
    /// Runs drawn for the interval (each with its own draw of the rates).
    pub draws: u32,
    pub seed: u64,
    /// Report every this many days (7: weekly; 1: daily). The last day is always reported.
    pub every: u32,
}

/// The longest forecast, in days (ten years).
pub const MAX_DAYS: u32 = 3653;
/// The most draws.
pub const MAX_DRAWS: u32 = 100_000;

/// The default number of draws: 300 runs put the 2.5% and 97.5% points at the 8th and 293rd,
/// and keep a two-year daily forecast for a typical council under 50 ms on one core
/// (`careful bench forecast`; each run costs about 0.1 ms). More draws smooth the interval's
/// ends a little; the back-test's coverage is measured with the default.
pub const DEFAULT_DRAWS: u32 = 300;

/// A forecast figure: the expected value and the 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// From the estimated rates (the mean of the chain at the point estimates).
    pub expected: f64,
    /// The 2.5% and 97.5% points over the draws.
    pub low: f64,
    pub high: f64,
}

/// The forecast at the end of one reported day.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastPoint {
    pub date: NaiveDate,
    /// Children in each state.
    pub states: Vec<Band>,
    /// Children in each category (all ages).
    pub categories: Vec<Band>,
    pub total: Band,
    /// The cost of the days since the previous reported day (or the start), in pounds.
    pub cost: Band,
}

/// A forecast: the stock it starts from, the estimated model, and the reported days.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub start: NaiveDate,
    pub initial: Vec<u32>,
    pub points: Vec<ForecastPoint>,
    /// The cost of the whole forecast.
    pub total_cost: Band,
    /// States children are in at the start whose rates could not be estimated (no exposure).
    pub unestimated_in_use: Vec<usize>,
}

/// Forecasts from the spine: the stock at the end of the day before `options.start`, the rates
/// of `fit` adjusted by `scenario`, for `options.days` days.
pub fn forecast(
    spine: &Spine,
    fit: &Fit,
    space: &StateSpace,
    scenario: &Scenario,
    costs: &Costs,
    options: &ForecastOptions,
) -> Result<Forecast, ForecastError> {
    if options.days == 0 || options.draws == 0 || options.every == 0 {
        return Err(ForecastError::Options("the days, draws and reporting interval must each be at least 1".into()));
    }
    if options.days > MAX_DAYS || options.draws > MAX_DRAWS {
        return Err(ForecastError::Options(format!(
            "a forecast runs for at most {MAX_DAYS} days (ten years) with at most {MAX_DRAWS} draws"
        )));
    }
    scenario.check(space)?;
    let day_before = options.start.pred_opt().unwrap_or(options.start);
    if day_before > spine.data_end {
        return Err(ForecastError::Window(format!(
            "the forecast starts ({}) more than a day after the data ends ({}): there is no stock to start from",
            options.start, spine.data_end
        )));
    }
    let initial = spine.stock_at(day_before);
    let estimate = fit.model().adjusted(scenario, space);
    let unestimated_in_use = fit.unestimated().into_iter().filter(|s| initial[*s] > 0).collect();
    let sim = simulate(fit, space, scenario, costs, &initial, options);
    Ok(summarise(&estimate, space, costs, &initial, options, sim, unestimated_in_use))
}

/// The reported days (1-based day numbers).
fn report_days(options: &ForecastOptions) -> Vec<u32> {
    let mut days: Vec<u32> = (1..=options.days).filter(|d| d % options.every == 0).collect();
    if days.last() != Some(&options.days) {
        days.push(options.days);
    }
    days
}

/// The draws' values: for each reported day, each draw, each series (states, categories,
/// total, cost); and each draw's total cost.
struct Simulation {
    series: usize,
    draws: usize,
    values: Vec<f32>,
    total_cost: Vec<f64>,
}

fn simulate(
    fit: &Fit,
    space: &StateSpace,
    scenario: &Scenario,
    costs: &Costs,
    initial: &[u32],
    options: &ForecastOptions,
) -> Simulation {
    let n = space.len();
    let cats = space.categories.len();
    let series = n + cats + 2;
    let reports = report_days(options);
    let draws = options.draws as usize;
    let mut values = vec![0f32; reports.len() * series * draws];
    let mut total_cost = vec![0f64; draws];
    let daily_cost = costs.daily_by_state(space);
    let category: Vec<usize> = (0..n).map(|s| space.category_of_state(s)).collect();
    let days_in_window = fit.window.days() as f64;

    let mut stock = vec![0i64; n];
    let mut weight = vec![0f64; n];
    let mut pending: Vec<usize> = Vec::new();
    let mut by_cat = vec![0i64; cats];
    for draw in 0..draws {
        let mut rng = Rng::stream(options.seed, draw as u64);
        // The rates, drawn from their posterior.
        let mut drawn = Model { moves: vec![Vec::new(); n], entries: vec![0.0; n] };
        for s in 0..n {
            let exposure = fit.exposure[s] as f64;
            if exposure > 0.0 {
                for (to, events) in &fit.events[s] {
                    drawn.moves[s].push((*to, rng.gamma(*events as f64) / exposure));
                }
            }
            if fit.entries[s] > 0 {
                drawn.entries[s] = rng.gamma(fit.entries[s] as f64) / days_in_window;
            }
        }
        let drawn = drawn.adjusted(scenario, space);
        let moves = drawn.capped();
        let leave: Vec<f64> = moves.iter().map(|m| m.iter().map(|(_, p)| p).sum::<f64>().min(1.0)).collect();
        let entry_total: f64 = drawn.entries.iter().sum();

        for s in 0..n {
            stock[s] = i64::from(initial[s]);
            weight[s] = stock[s] as f64 * leave[s];
        }
        // The states searched for each leaver and entrant, likeliest first, so that the search
        // usually stops after a few.
        let mut leave_order: Vec<usize> = (0..n).filter(|s| leave[*s] > 0.0).collect();
        leave_order.sort_by(|a, b| weight[*b].total_cmp(&weight[*a]).then(a.cmp(b)));
        let mut entry_order: Vec<usize> = (0..n).filter(|s| drawn.entries[*s] > 0.0).collect();
        entry_order.sort_by(|a, b| drawn.entries[*b].total_cmp(&drawn.entries[*a]).then(a.cmp(b)));
        let mut hazard: f64 = weight.iter().sum();
        let mut cost_rate: f64 = (0..n).map(|s| stock[s] as f64 * daily_cost[s]).sum();
        let mut cost_since = 0.0;
        let mut report = 0;
        let exp_leave: Vec<f64> = leave.iter().map(|p| p.exp()).collect();
        // The chance of no leaver or entrant in a day, kept up to date as the stock changes.
        let mut limit = (-(hazard + entry_total)).exp();
        for day in 1..=options.days {
            // The day's leavers and entrants: a Poisson count with mean (children × their
            // chance of leaving) + entries a day, from the stock at the start of the day. Each
            // is an entrant (to a state in proportion to its entry rate) or a leaver (from a
            // state in proportion to its children × chance of leaving, to a destination in
            // proportion to its probability); a child leaves at most once a day, so a leaver
            // falling on a child who has already left that day is dropped.
            let rate = hazard + entry_total;
            let events = if rate > 30.0 { rng.poisson(rate) } else { rng.poisson_with_limit(limit) };
            for _ in 0..events {
                let mut u = rng.unit() * rate;
                if u < entry_total {
                    let mut to = entry_order[entry_order.len() - 1];
                    for &k in &entry_order {
                        if u < drawn.entries[k] {
                            to = k;
                            break;
                        }
                        u -= drawn.entries[k];
                    }
                    pending.push(to);
                    continue;
                }
                u -= entry_total;
                let mut found = None;
                for &k in &leave_order {
                    if u < weight[k] {
                        found = Some(k);
                        break;
                    }
                    u -= weight[k];
                }
                let Some(s) = found.filter(|s| stock[*s] > 0) else { continue };
                // Where u fell within the state's share picks the destination.
                let mut v = (u / weight[s]).clamp(0.0, 1.0) * leave[s];
                let mut to = LEFT_CARE;
                for &(d, p) in &moves[s] {
                    to = d;
                    if v < p {
                        break;
                    }
                    v -= p;
                }
                stock[s] -= 1;
                weight[s] = (weight[s] - leave[s]).max(0.0);
                hazard = (hazard - leave[s]).max(0.0);
                limit *= exp_leave[s];
                cost_rate -= daily_cost[s];
                if to != LEFT_CARE {
                    pending.push(to);
                }
            }
            for to in pending.drain(..) {
                stock[to] += 1;
                weight[to] += leave[to];
                hazard += leave[to];
                limit /= exp_leave[to];
                cost_rate += daily_cost[to];
            }
            cost_since += cost_rate;
            total_cost[draw] += cost_rate;
            if reports.get(report) == Some(&day) {
                let base = report * series * draws;
                by_cat.fill(0);
                let mut total = 0;
                let row = &mut values[base + draw * series..base + (draw + 1) * series];
                for s in 0..n {
                    row[s] = stock[s] as f32;
                    by_cat[category[s]] += stock[s];
                    total += stock[s];
                }
                for (c, v) in by_cat.iter().enumerate() {
                    row[n + c] = *v as f32;
                }
                row[n + cats] = total as f32;
                row[n + cats + 1] = cost_since as f32;
                cost_since = 0.0;
                report += 1;
                // Keep the running sums exact.
                hazard = weight.iter().sum();
                limit = (-(hazard + entry_total)).exp();
            }
        }
    }
    Simulation { series, draws, values, total_cost }
}

fn summarise(
    estimate: &Model,
    space: &StateSpace,
    costs: &Costs,
    initial: &[u32],
    options: &ForecastOptions,
    sim: Simulation,
    unestimated_in_use: Vec<usize>,
) -> Forecast {
    let n = space.len();
    let cats = space.categories.len();
    let start: Vec<f64> = initial.iter().map(|v| f64::from(*v)).collect();
    let expected = estimate.expected(&start, options.days);
    let daily_cost = costs.daily_by_state(space);
    let reports = report_days(options);
    let mut points = Vec::with_capacity(reports.len());
    let mut previous = 0usize;
    let mut expected_total_cost = 0.0;
    for (r, day) in reports.iter().enumerate() {
        let e = &expected[*day as usize - 1];
        let cost_expected: f64 = expected[previous..*day as usize]
            .iter()
            .map(|st| st.iter().zip(&daily_cost).map(|(a, b)| a * b).sum::<f64>())
            .sum();
        expected_total_cost += cost_expected;
        previous = *day as usize;
        let block = &sim.values[r * sim.series * sim.draws..(r + 1) * sim.series * sim.draws];
        let mut scratch = vec![0f32; sim.draws];
        let mut band = |series: usize, expected: f64| {
            for (draw, v) in scratch.iter_mut().enumerate() {
                *v = block[draw * sim.series + series];
            }
            let (low, high) = interval(&mut scratch);
            Band { expected, low, high }
        };
        let states: Vec<Band> = (0..n).map(|s| band(s, e[s])).collect();
        let categories: Vec<Band> = (0..cats)
            .map(|c| band(n + c, (0..n).filter(|s| space.category_of_state(*s) == c).map(|s| e[s]).sum()))
            .collect();
        let total = band(n + cats, e.iter().sum());
        let cost = band(n + cats + 1, cost_expected);
        let date = options.start + Days::new(u64::from(*day) - 1);
        points.push(ForecastPoint { date, states, categories, total, cost });
    }
    let mut totals: Vec<f32> = sim.total_cost.iter().map(|v| *v as f32).collect();
    let (low, high) = interval(&mut totals);
    Forecast {
        start: options.start,
        initial: initial.to_vec(),
        points,
        total_cost: Band { expected: expected_total_cost, low, high },
        unestimated_in_use,
    }
}

/// The 2.5% and 97.5% points of the draws (nearest rank).
fn interval(values: &mut [f32]) -> (f64, f64) {
    let n = values.len();
    let rank = |q: f64| ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
    let (lo, hi) = (rank(0.025), rank(0.975));
    let (_, low, _) = values.select_nth_unstable_by(lo, f32::total_cmp);
    let low = f64::from(*low);
    let (_, high, _) = values.select_nth_unstable_by(hi, f32::total_cmp);
    (low, f64::from(*high))
}

/// How well forecasts made in earlier years did against what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    pub years: Vec<BacktestYear>,
}

/// One held-back year: fitted on the reference window ending the day before `start`, forecast
/// for the year from `start`, compared with the stock the data holds.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestYear {
    pub window: Window,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Week-ends (and the last day) compared.
    pub points: u32,
    /// Of the total's reported days, those whose actual stock was inside the 95% interval.
    pub total_inside: u32,
    /// Of the categories' (category, day) pairs, those inside.
    pub categories_inside: u32,
    pub categories_compared: u32,
    /// Of the states' (state, day) pairs where the actual or the interval is not all 0, those
    /// inside.
    pub states_inside: u32,
    pub states_compared: u32,
    /// At the year's end: the actual total, the forecast, and each category's actual and
    /// forecast.
    pub actual_total: u32,
    pub forecast_total: Band,
    pub actual_categories: Vec<u32>,
    pub forecast_categories: Vec<Band>,
    /// Mean absolute error of the expected total over the reported days.
    pub total_mae: f64,
    /// Mean absolute error of the expected category stocks over (category, day) pairs.
    pub category_mae: f64,
}

impl Backtest {
    /// The share of the totals' reported days inside the interval, over every year.
    pub fn total_coverage(&self) -> f64 {
        share(self.years.iter().map(|y| (y.total_inside, y.points)))
    }

    pub fn category_coverage(&self) -> f64 {
        share(self.years.iter().map(|y| (y.categories_inside, y.categories_compared)))
    }

    pub fn state_coverage(&self) -> f64 {
        share(self.years.iter().map(|y| (y.states_inside, y.states_compared)))
    }

    /// The share of year-end totals inside their interval.
    pub fn year_end_coverage(&self) -> f64 {
        share(self.years.iter().map(|y| (u32::from(inside(&y.forecast_total, f64::from(y.actual_total))), 1)))
    }

    pub fn total_mae(&self) -> f64 {
        mean(self.years.iter().map(|y| y.total_mae))
    }

    pub fn category_mae(&self) -> f64 {
        mean(self.years.iter().map(|y| y.category_mae))
    }

    /// Mean absolute error of the year-end total, as a percentage of the actual.
    pub fn year_end_mape(&self) -> f64 {
        mean(self.years.iter().map(|y| {
            (y.forecast_total.expected - f64::from(y.actual_total)).abs() / f64::from(y.actual_total.max(1)) * 100.0
        }))
    }
}

fn share(pairs: impl Iterator<Item = (u32, u32)>) -> f64 {
    let (a, b) = pairs.fold((0u64, 0u64), |(a, b), (x, y)| (a + u64::from(x), b + u64::from(y)));
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { sum / f64::from(n) }
}

fn inside(band: &Band, actual: f64) -> bool {
    band.low <= actual && actual <= band.high
}

/// Back-tests the model: for each held-back period (its first day and its days), fits on the
/// `reference_days` days before it, forecasts the period with weekly reporting, and compares
/// each reported day with the stock the spine holds. Each period must end by the data's last
/// day.
pub fn backtest(
    spine: &Spine,
    space: &StateSpace,
    held_back: &[(NaiveDate, u32)],
    reference_days: u32,
    draws: u32,
    seed: u64,
) -> Result<Backtest, ForecastError> {
    let costs = Costs::defaults(space);
    let mut years = Vec::new();
    for (start, horizon) in held_back {
        let horizon = (*horizon).max(1);
        let end = *start + Days::new(u64::from(horizon) - 1);
        if end > spine.data_end {
            return Err(ForecastError::Window(format!(
                "a back-test from {start} needs data to {end}; the data ends on {}",
                spine.data_end
            )));
        }
        let window =
            Window { from: *start - Days::new(u64::from(reference_days)), to: start.pred_opt().unwrap_or(*start) };
        let fitted = fit(spine, window)?;
        let options = ForecastOptions { start: *start, days: horizon, draws, seed, every: 7 };
        let f = forecast(spine, &fitted, space, &Scenario::default(), &costs, &options)?;
        let mut year = BacktestYear {
            window,
            start: *start,
            end,
            points: 0,
            total_inside: 0,
            categories_inside: 0,
            categories_compared: 0,
            states_inside: 0,
            states_compared: 0,
            actual_total: 0,
            forecast_total: f.points.last().map(|p| p.total).unwrap_or(Band { expected: 0.0, low: 0.0, high: 0.0 }),
            actual_categories: Vec::new(),
            forecast_categories: Vec::new(),
            total_mae: 0.0,
            category_mae: 0.0,
        };
        let mut category_error = 0.0;
        for point in &f.points {
            let actual = spine.stock_at(point.date);
            let total: u32 = actual.iter().sum();
            year.points += 1;
            year.total_inside += u32::from(inside(&point.total, f64::from(total)));
            year.total_mae += (point.total.expected - f64::from(total)).abs();
            let mut by_cat = vec![0u32; space.categories.len()];
            for (s, a) in actual.iter().enumerate() {
                by_cat[space.category_of_state(s)] += a;
                let band = &point.states[s];
                if *a > 0 || band.high > 0.0 {
                    year.states_compared += 1;
                    year.states_inside += u32::from(inside(band, f64::from(*a)));
                }
            }
            for (c, a) in by_cat.iter().enumerate() {
                year.categories_compared += 1;
                year.categories_inside += u32::from(inside(&point.categories[c], f64::from(*a)));
                category_error += (point.categories[c].expected - f64::from(*a)).abs();
            }
            if point.date == end {
                year.actual_total = total;
                year.actual_categories = by_cat;
                year.forecast_categories = point.categories.clone();
            }
        }
        year.total_mae /= f64::from(year.points.max(1));
        year.category_mae = category_error / f64::from(year.categories_compared.max(1));
        years.push(year);
    }
    Ok(Backtest { years })
}

/// A small seeded random number generator (SplitMix64), the same on every machine, with the
/// draws the forecast needs.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The `index`-th independent stream of `seed` (one per draw).
    pub(crate) fn stream(seed: u64, index: u64) -> Rng {
        let mut mixer = Rng::new(seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        Rng::new(mixer.next_u64())
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller; one of the pair).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Gamma(shape, scale 1), shape > 0 (Marsaglia and Tsang's method; for shape below 1,
    /// Gamma(shape + 1) × U^(1/shape)).
    pub(crate) fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let u = 1.0 - self.unit();
            return self.gamma(shape + 1.0) * u.powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = 1.0 - self.unit();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    /// Poisson(mean).
    pub(crate) fn poisson(&mut self, mean: f64) -> u64 {
        if mean > 30.0 {
            // Large means: the normal approximation, rounded (not reached by a council's
            // daily flows).
            return (mean + self.normal() * mean.sqrt()).round().max(0.0) as u64;
        }
        self.poisson_with_limit((-mean).exp())
    }

    /// Poisson with mean −ln(limit), by multiplying uniforms (for small means).
    pub(crate) fn poisson_with_limit(&mut self, limit: f64) -> u64 {
        let mut k = 0;
        let mut p = self.unit();
        while p > limit && k < 10_000 {
            k += 1;
            p *= self.unit();
        }
        k
    }
}

#[cfg(test)]
mod tests;
