//! careful's use cases: the only door to children's data.
//!
//! The web and the command line hold no store. They turn a session, a personal access token or
//! a password into a [`Principal`] (through [`App`]'s sign-in methods), and [`App::user`] hands
//! that principal a [`UserHandle`] whose methods are the use cases. Each use case decides access
//! with [`access::authorise`] (the one decision point), does its reads and writes, and writes its
//! audit entry, all in one database transaction: what was read or written and the record that it
//! was are committed together or not at all.
//!
//! Events enter a child's record only through [`write`]: the record is folded with the new
//! events (an impossible record is refused), the guardrails are applied where they apply, the
//! projections are computed, and the store appends and projects in the same transaction.
//! Recording, importing and generating a synthetic council all use it.

#![forbid(unsafe_code)]

pub mod access;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod bench;
pub mod benchmarks;
pub mod chronology;
mod clock;
pub mod crash;
pub mod demo;
pub mod duties;
mod error;
pub mod export;
pub mod forecast;
mod handle;
pub mod import;
pub mod insight;
pub mod new_child;
pub mod oidc;
mod password;
pub mod record;
pub mod retention;
pub mod sar;
pub mod scratch;
pub mod search;
mod secret;
mod summary;
pub mod synthetic;
mod totp;
pub mod validate;
mod views;
pub mod work;
mod write;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;

use careful_domain::WorkingDayCalendar;
use careful_domain::calendar::date_in_england;
use careful_store::{DatabaseUrl, Store};

pub use access::{AccountId, Action, Basis, Decision, Principal, Role, Scope, Via};
pub use auth::{Client, NewSession, SessionInfo, SessionStage, SignIn};
pub use careful_duties::DutyStatus;
pub use careful_store::Fault;
pub use chronology::{Chronology, ChronologyEntry, Superseded};
pub use clock::{Clock, FixedClock, SystemClock};
pub use duties::{DutyLine, Whose, WorklistEntry, encoded_rule_ids};
pub use error::{AppError, FieldError, SignInFailure};
pub use handle::{BREAK_GLASS_MINUTES, LONGEST_GRANT_DAYS, RECENTLY_MET_DAYS, RESTRICTION_CATEGORIES, UserHandle};
pub use oidc::OidcSettings;
pub use views::*;
pub use work::{
    CaseStatus, CaseloadFilter, CaseloadSort, Escalation, IroChild, IroView, MyWork, TeamMember, TeamView, Unallocated,
    WorkerChanges,
};

/// How long sessions last and how sign-in failures are slowed down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Security {
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, however busy.
    pub session_absolute: Duration,
    /// Consecutive failed sign-ins before an account is locked.
    pub lockout_after: u32,
    /// How long the first lock lasts; each further failure doubles it, up to a day.
    pub lockout_for: Duration,
    /// Uploads (SSDA903 files or a CIN census) one person may check in an hour.
    pub uploads_per_hour: u32,
    /// A request whose body has not all arrived, or whose answer is not ready, this long after it
    /// began is answered 408 Request Timeout (nothing half-saved: a recording is one
    /// transaction), so a slow or stalled client cannot hold the server's resources.
    pub request_timeout: Duration,
}

impl Default for Security {
    fn default() -> Security {
        Security {
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(10 * 60 * 60),
            lockout_after: 5,
            lockout_for: Duration::from_secs(15 * 60),
            uploads_per_hour: 30,
            request_timeout: Duration::from_secs(60),
        }
    }
}

/// How this careful is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The council whose children's services this careful serves, as shown in the header.
    pub council_name: String,
    /// Whether this is a demonstration holding synthetic data only (`careful demo`): its
    /// sign-in page lists the synthetic accounts, one click each.
    pub demo: bool,
    /// The address people reach careful at (`https://...` makes cookies Secure), used for the
    /// OIDC callback.
    pub base_url: Option<String>,
    pub security: Security,
    /// Sign-in through an OpenID Connect provider (Microsoft Entra ID), when configured.
    pub oidc: Option<OidcSettings>,
}

impl Settings {
    /// Settings for a command-line run: no web server, nothing to show.
    pub fn command_line() -> Settings {
        Settings { council_name: String::new(), demo: false, base_url: None, security: Security::default(), oidc: None }
    }

    /// Whether cookies must be Secure: careful is reached over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }
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
    /// The OIDC provider's configuration, discovered on the first sign-in through it.
    oidc: tokio::sync::Mutex<Option<Arc<oidc::OidcClient>>>,
    /// When each account's recent uploads were checked (for the per-person limit).
    uploads: Mutex<HashMap<AccountId, Vec<chrono::DateTime<chrono::Utc>>>>,
}

/// What the start page shows about this careful.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub children: u64,
    pub events: u64,
    pub teams: u64,
    pub workers: u64,
    pub engine: &'static str,
    pub today: NaiveDate,
    /// The bank holiday today is, if it is one.
    pub today_holiday: Option<String>,
    /// The first and last days of the published bank holiday list (later years are computed).
    pub calendar_coverage: (NaiveDate, NaiveDate),
}

/// What `careful migrate` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigrateReport {
    /// Children whose projections were rebuilt from the log (0 when none needed it).
    pub rebuilt: u64,
}

impl App {
    /// Opens the database at `url`, brings its schema up to date (and the projections, when
    /// this careful computes them differently from the one that wrote them), and returns the
    /// application.
    pub async fn open(url: &str, settings: Settings, clock: Arc<dyn Clock>) -> Result<App, AppError> {
        let store = connect(url).await?;
        store.migrate().await?;
        let app = App::from_store(store, settings, clock);
        app.rebuild_projections_if_stale().await?;
        Ok(app)
    }

    /// Brings the schema of the database at `url` up to date, and its projections when they
    /// were computed by an older careful (or always, with `rebuild`).
    pub async fn migrate(url: &str, rebuild: bool, clock: Arc<dyn Clock>) -> Result<MigrateReport, AppError> {
        let store = connect(url).await?;
        store.migrate().await?;
        let app = App::from_store(store, Settings::command_line(), clock);
        let rebuilt =
            if rebuild { app.rebuild_projections().await? } else { app.rebuild_projections_if_stale().await? };
        app.close().await;
        Ok(MigrateReport { rebuilt })
    }

    pub(crate) fn from_store(store: Store, settings: Settings, clock: Arc<dyn Clock>) -> App {
        App {
            inner: Arc::new(Inner {
                store,
                settings,
                clock,
                oidc: tokio::sync::Mutex::new(None),
                uploads: Mutex::new(HashMap::new()),
            }),
        }
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

    /// The database engine's name ("SQLite", "PostgreSQL").
    pub fn engine(&self) -> &'static str {
        self.inner.store.engine().name()
    }

    /// Closes the database connections, waiting for those in use.
    pub async fn close(&self) {
        self.inner.store.close().await
    }

    /// How many children's records the database holds (no child's details).
    pub async fn children_count(&self) -> Result<u64, AppError> {
        Ok(self.inner.store.counts().await?.children)
    }

    /// The use cases open to `principal`, acting from `client`.
    pub fn user(&self, principal: Principal, client: Client) -> UserHandle {
        UserHandle::new(self.clone(), principal, client)
    }

    /// Aggregate figures about this careful, for the start page. No child's details are read.
    pub(crate) async fn overview(&self) -> Result<Overview, AppError> {
        let counts = self.inner.store.counts().await?;
        let today = self.today();
        let calendar = WorkingDayCalendar::england_and_wales();
        Ok(Overview {
            children: counts.children,
            events: counts.events,
            teams: counts.teams,
            workers: counts.workers,
            engine: self.inner.store.engine().name(),
            today,
            today_holiday: calendar.holiday_name(today).map(str::to_string),
            calendar_coverage: calendar.coverage(),
        })
    }

    pub(crate) fn uploads(&self) -> &Mutex<HashMap<AccountId, Vec<chrono::DateTime<chrono::Utc>>>> {
        &self.inner.uploads
    }

    /// The store, for the use cases in this crate's modules.
    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }
}

/// A database URL with any password hidden, for messages.
pub fn redacted_database_url(url: &str) -> String {
    url.parse::<DatabaseUrl>().map(|u| u.to_string()).unwrap_or_else(|_| "(not a database URL)".into())
}

async fn connect(url: &str) -> Result<Store, AppError> {
    let url: DatabaseUrl = url.parse()?;
    Ok(Store::connect(&url).await?)
}
