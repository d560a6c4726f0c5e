//! careful's use cases, shared by the web server and the command line.
//!
//! The web and the CLI never touch the store directly: they ask the [`App`], which (as the
//! access-control issue lands) authorises every read and write of a child's data by role and
//! relationship and audits it, in one place.

mod clock;
mod error;

use std::sync::Arc;

use chrono::NaiveDate;

use careful_domain::calendar::date_in_england;
use careful_domain::{NewEvent, RecordedAt, Sequence, WorkingDayCalendar};
use careful_store::{Counts, Engine, Store};
use careful_synth::SyntheticCouncil;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::AppError;

/// How this careful is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The council whose children's services this careful serves, as shown in the header.
    pub council_name: String,
    /// Whether this is a demonstration holding synthetic data only.
    pub demo: bool,
}

/// The application: the store, the council's settings and a clock.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    settings: Settings,
    clock: Arc<dyn Clock>,
}

/// What the start page shows about this careful.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub counts: Counts,
    pub engine: Engine,
    pub today: NaiveDate,
    /// The bank holiday today is, if it is one.
    pub today_holiday: Option<String>,
    pub calendar_coverage: (NaiveDate, NaiveDate),
}

/// What seeding a synthetic council did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The council was written: this many children and events.
    Seeded { children: usize, events: usize },
    /// The store already held records, so nothing was written.
    AlreadyPresent { children: u64 },
}

impl App {
    pub fn new(store: Store, settings: Settings, clock: Arc<dyn Clock>) -> App {
        App { inner: Arc::new(Inner { store, settings, clock }) }
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// Today's date in England.
    pub fn today(&self) -> NaiveDate {
        date_in_england(self.inner.clock.now())
    }

    /// Whether the database answers.
    pub async fn check_ready(&self) -> Result<(), AppError> {
        Ok(self.inner.store.check_ready().await?)
    }

    /// Aggregate figures about this careful, for the start page. No child's details are read.
    pub async fn overview(&self) -> Result<Overview, AppError> {
        let counts = self.inner.store.counts().await?;
        let today = self.today();
        let calendar = WorkingDayCalendar::england_and_wales();
        Ok(Overview {
            counts,
            engine: self.inner.store.engine(),
            today,
            today_holiday: calendar.holiday_name(today).map(str::to_string),
            calendar_coverage: calendar.coverage(),
        })
    }

    /// Writes a synthetic council through the event log, all in one transaction, unless the
    /// store already holds records (so restarting the demo reuses what is there).
    pub async fn seed_synthetic_council(&self, council: &SyntheticCouncil) -> Result<SeedOutcome, AppError> {
        let existing = self.inner.store.counts().await?;
        if existing.children > 0 || existing.teams > 0 {
            return Ok(SeedOutcome::AlreadyPresent { children: existing.children });
        }
        let mut tx = self.inner.store.begin().await?;
        for team in &council.teams {
            tx.insert_team(team).await?;
        }
        for worker in &council.workers {
            tx.insert_worker(worker).await?;
        }
        for child in &council.children {
            let events = child
                .events
                .iter()
                .map(|e| {
                    e.event.clone().into_envelope(
                        e.id,
                        e.effective_date,
                        RecordedAt::new(e.recorded_at),
                        e.recorded_by,
                        None,
                    )
                })
                .collect::<Result<Vec<NewEvent>, _>>()?;
            tx.append(child.id, Sequence::EMPTY, &events).await?;
        }
        tx.commit().await?;
        Ok(SeedOutcome::Seeded { children: council.children.len(), events: council.event_count() })
    }
}
