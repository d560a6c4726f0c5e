//! Synthetic councils: children, families, workers and events, seeded and reproducible, and
//! calibrated to England's published figures (see [`model`]).
//!
//! Nothing here is, or is derived from, a real child's record. Names come from committed lists
//! of common names; NHS numbers are in the 999 range NHS England reserves for testing; postcodes
//! are in areas no real postcode uses (EM, QA to QD).
//!
//! A council is generated one child at a time ([`generate`]), so an England-sized council
//! (12 million children) needs memory for one child's journey, not for all of them. The same
//! options always give the same children, events and identifiers, byte for byte.

#![forbid(unsafe_code)]

pub mod journey;
pub mod model;
pub mod names;
pub mod organisation;
pub mod rng;

use chrono::{DateTime, Days, NaiveDate, Utc};

use careful_domain::identifiers::LaChildId;
use careful_domain::record::{ChildEvent, Entry};
use careful_domain::{ChildId, EventId, RecordedAt, RecordedBy, Sequence};

pub use organisation::Organisation;

use crate::journey::{Context, Journey};
use crate::rng::Rng;

/// The fictional council's name.
pub const COUNCIL_NAME: &str = "Eastmoor Borough Council";
/// The synthetic council's three-digit DfE local authority number (used in UPNs).
pub const LA_NUMBER: &str = "003";
/// Years of history generated before the requested years, so that stocks (children looked
/// after, plans, open cases) are at their steady state when the requested years begin: a child
/// can be looked after from birth to 18.
pub const BURN_IN_YEARS: u32 = 18;

/// How often the generator lets a statutory timescale slip, so the duties engine has something
/// true to find. Each is the chance, per opportunity, of the failure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FailureRates {
    /// A looked-after child's statutory visit comes after its due date.
    pub late_visit: f64,
    /// An assessment is authorised after 45 working days.
    pub drifting_assessment: f64,
    /// A looked-after review is held after its due date.
    pub overdue_review: f64,
    /// A placement ends with no notice to the carer recorded.
    pub unnotified_placement_end: f64,
}

impl Default for FailureRates {
    fn default() -> Self {
        FailureRates {
            late_visit: 0.02,
            drifting_assessment: 0.05,
            overdue_review: 0.03,
            unnotified_placement_end: 0.03,
        }
    }
}

impl FailureRates {
    /// No failures at all.
    pub fn none() -> FailureRates {
        FailureRates { late_visit: 0.0, drifting_assessment: 0.0, overdue_review: 0.0, unnotified_placement_end: 0.0 }
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Children aged 0 to 17 in the council's area.
    pub population: u64,
    /// Years of history to generate (after the burn-in), ending on `end`.
    pub years: u32,
    /// The last day generated ("today" for the council).
    pub end: NaiveDate,
    pub seed: u64,
    pub failures: FailureRates,
}

impl Options {
    /// The first day of the requested years.
    pub fn window_start(&self) -> NaiveDate {
        careful_domain::calendar::add_months(self.end, -12 * self.years as i32).unwrap_or(self.end) + Days::new(1)
    }

    fn simulation_start(&self) -> NaiveDate {
        careful_domain::calendar::add_months(self.window_start(), -12 * BURN_IN_YEARS as i32).unwrap_or(self.end)
    }

    /// Children whose records end before this day are not kept: their cases closed well before
    /// the requested years.
    pub fn keep_from(&self) -> NaiveDate {
        careful_domain::calendar::add_months(self.window_start(), -12).unwrap_or(self.end)
    }
}

/// One event of a synthetic child's record, with the envelope facts a worker would supply.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticEvent {
    pub id: EventId,
    pub effective_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: RecordedBy,
    pub event: ChildEvent,
}

/// A statutory timescale the generator missed on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedFailure {
    pub child: ChildId,
    pub la_child_id: LaChildId,
    /// The rule's id in the statutory rule catalogue (`asmt-45`, `visit-year1`, `rev-n`...).
    pub rule: &'static str,
    /// The day the duty was due.
    pub due: NaiveDate,
    pub what: String,
}

/// One synthetic child.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticChild {
    pub id: ChildId,
    pub la_child_id: LaChildId,
    /// In date order.
    pub events: Vec<SyntheticEvent>,
    pub injected: Vec<InjectedFailure>,
}

impl SyntheticChild {
    /// The child's events as the entries of a record, numbered from 1, for folding.
    pub fn entries(&self) -> Vec<Entry> {
        self.events
            .iter()
            .enumerate()
            .map(|(i, e)| Entry {
                id: e.id,
                sequence: Sequence::new(i as u64 + 1),
                effective_date: e.effective_date,
                recorded_at: RecordedAt::new(e.recorded_at),
                recorded_by: e.recorded_by,
                reason: None,
                manager_override: None,
                event: e.event.clone(),
            })
            .collect()
    }
}

/// A synthetic council being generated.
pub struct Council {
    pub name: String,
    pub options: Options,
    pub organisation: Organisation,
}

impl Council {
    /// Staffs the council. Children come from [`Council::generate`].
    pub fn new(options: Options) -> Council {
        let mut rng = Rng::new(options.seed).fork("organisation");
        let organisation = Organisation::staff(options.population, options.simulation_start(), options.end, &mut rng);
        Council { name: COUNCIL_NAME.to_string(), options, organisation }
    }

    /// Generates every child whose record reaches the requested years, oldest first, handing
    /// each to `each`. Returns how many journeys were simulated in all (including those dropped
    /// because they ended before the requested years).
    pub fn generate(&self, mut each: impl FnMut(SyntheticChild)) -> u64 {
        self.generate_with(|child| child, &mut each)
    }

    /// As [`Council::generate`], but with `map` run on several threads (it may fold the
    /// record, or turn it into rows) while `each` receives the results one at a time, in the
    /// same order as [`Council::generate`] would give the children. The output is identical
    /// whatever the number of threads.
    pub fn generate_with<T: Send>(&self, map: impl Fn(SyntheticChild) -> T + Sync, mut each: impl FnMut(T)) -> u64 {
        let o = &self.options;
        let ctx = Context {
            org: &self.organisation,
            end: o.end,
            failures: o.failures,
            inject_from: o.window_start(),
            la_number: LA_NUMBER,
            postcode_area: "EM",
        };
        let keep_from = o.keep_from();
        let scale = o.population as f64 / 10_000.0 / 365.25;
        let first_referrals = scale * model::FIRST_REFERRALS;
        let uasc = scale * model::UASC_STARTS;
        let contacts = scale * model::REFERRALS.value * model::CONTACTS_NOT_REFERRED;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(16);
        let mut arrivals = Rng::new(o.seed).fork("arrivals");
        let mut index: u64 = 0;
        let mut day = o.simulation_start();
        // Arrivals are drawn day by day, then simulated in batches across threads.
        let mut batch: Vec<Arrival> = Vec::with_capacity(4096);
        let simulate = |a: &Arrival| -> Option<T> {
            let mut rng = Rng::stream(o.seed, a.index);
            let age_days = a.age_days(&mut rng);
            let mut journey = Journey::new(&ctx, rng, a.index, a.day, age_days, a.kind == Kind::Unaccompanied);
            if a.kind == Kind::ContactOnly {
                journey.contact_only(a.day);
            } else {
                journey.run(a.day);
            }
            let child = journey.finish();
            child.events.last().is_some_and(|e| e.effective_date >= keep_from).then(|| map(child))
        };
        let run_batch = |batch: &[Arrival], each: &mut dyn FnMut(T)| {
            let chunk = batch.len().div_ceil(threads).max(1);
            let results: Vec<Vec<Option<T>>> = std::thread::scope(|scope| {
                let handles: Vec<_> = batch
                    .chunks(chunk)
                    .map(|part| scope.spawn(|| part.iter().map(&simulate).collect::<Vec<_>>()))
                    .collect();
                handles.into_iter().map(|h| h.join().expect("a generator thread panicked")).collect()
            });
            for result in results.into_iter().flatten().flatten() {
                each(result);
            }
        };
        while day <= o.end {
            let referred = arrivals.poisson(first_referrals);
            let unaccompanied = arrivals.poisson(uasc);
            let contacted = if day >= keep_from { arrivals.poisson(contacts) } else { 0 };
            for (kind, count) in
                [(Kind::Referred, referred), (Kind::Unaccompanied, unaccompanied), (Kind::ContactOnly, contacted)]
            {
                for _ in 0..count {
                    index += 1;
                    batch.push(Arrival { index, day, kind });
                }
            }
            if batch.len() >= 4096 {
                run_batch(&batch, &mut each);
                batch.clear();
            }
            day = day + Days::new(1);
        }
        run_batch(&batch, &mut each);
        index
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Referred,
    Unaccompanied,
    ContactOnly,
}

/// A child's first contact with children's services.
struct Arrival {
    index: u64,
    day: NaiveDate,
    kind: Kind,
}

impl Arrival {
    /// The child's age in days on arrival (negative: unborn).
    fn age_days(&self, rng: &mut Rng) -> i64 {
        if self.kind == Kind::Unaccompanied {
            // Unaccompanied children arrive aged 14 to 17, mostly 16 or 17.
            let years = if rng.chance(0.87) { 16 + rng.below(2) } else { 14 + rng.below(2) };
            return (years * 365 + rng.below(320)) as i64;
        }
        let band = rng.weighted(&model::REFERRAL_AGE);
        let (lo, hi) = model::AGE_BANDS[band];
        if band == 0 && rng.chance(model::PRE_BIRTH_SHARE_OF_UNDER_1) {
            -(20 + rng.below(140) as i64)
        } else if band == 0 {
            // Babies are mostly referred in their first months.
            let upper = 1 + rng.below(365);
            rng.below(upper) as i64
        } else {
            // Not in the last months before 18, when no plan could follow.
            (lo as u64 * 365 + rng.below(((hi - lo + 1) as u64) * 365 - if hi == 17 { 150 } else { 0 })) as i64
        }
    }
}

/// The small demo council: a typical council's population (about 3,000 open cases and 550
/// looked-after children), two years of history, ending today.
pub fn demo_options(today: NaiveDate) -> Options {
    Options { population: 80_000, years: 2, end: today, seed: 1, failures: FailureRates::default() }
}

#[cfg(test)]
mod tests;
