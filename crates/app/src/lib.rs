//! careful's use cases, shared by the web server and the command line.
//!
//! The web and the CLI never touch the store directly: they ask the [`App`], which (as the
//! access-control issue lands) authorises every read and write of a child's data by role and
//! relationship and audits it, in one place.

mod clock;
pub mod duties;
mod error;
pub mod export;
pub mod import;
pub mod record;
pub mod synthetic;
pub mod validate;

use std::sync::Arc;

use chrono::NaiveDate;

use careful_domain::WorkingDayCalendar;
use careful_domain::calendar::date_in_england;
use careful_store::{Counts, Engine, Store};

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

impl App {
    pub fn new(store: Store, settings: Settings, clock: Arc<dyn Clock>) -> App {
        App { inner: Arc::new(Inner { store, settings, clock }) }
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The current instant, from the app's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.clock.now()
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

    /// The council's workers and teams.
    pub async fn organisation(
        &self,
    ) -> Result<(Vec<careful_domain::organisation::Worker>, Vec<careful_domain::organisation::Team>), AppError> {
        Ok((self.inner.store.workers().await?, self.inner.store.teams().await?))
    }

    /// The store, for the use cases in this crate's modules.
    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }
}
