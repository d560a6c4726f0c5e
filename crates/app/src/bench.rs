//! Measurements of careful's write and read paths, in scratch databases made for the purpose
//! and removed after (`careful bench append`, `careful bench worklist`). They go through the
//! same use cases as everyone else: a signed-in principal, the access rules, the one write path
//! and the audit log. The accounts they need are made in the scratch database.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use careful_domain::codes::{Ethnicity, ReferralSource, Sex};
use careful_domain::identifiers::LaChildId;
use careful_domain::organisation::{Employment, Service, Team, Worker, WorkerRole};
use careful_domain::record::{ChildEvent, PersonalDetails};
use careful_domain::{ChildId, TeamId, WorkerId};
use careful_store::NewAccount;

use crate::access::{Role, Via};
use crate::auth::Client;
use crate::duties::Whose;
use crate::record::Proposed;
use crate::scratch::ScratchDatabase;
use crate::synthetic::{GenerateRequest, generate};
use crate::{AccountId, App, AppError, FixedClock, Settings, UserHandle};

/// Latencies of repeated operations.
#[derive(Debug, Clone, Default)]
pub struct Latencies(pub Vec<Duration>);

impl Latencies {
    /// The `p`-th quantile (0.5 for the median).
    pub fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort();
        let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted.get(index).copied().unwrap_or_default()
    }
}

/// One mode of `bench append`.
#[derive(Debug, Clone)]
pub struct AppendMode {
    pub mode: String,
    pub events: usize,
    pub elapsed: Duration,
    pub latencies: Latencies,
}

/// What `bench append` measured.
#[derive(Debug, Clone)]
pub struct AppendBench {
    pub engine: &'static str,
    pub children: usize,
    pub modes: Vec<AppendMode>,
}

/// Makes an account for `worker` in `role`, and the handle acting as it.
async fn account_for(
    app: &App,
    username: &str,
    role: Role,
    worker: Option<WorkerId>,
    service: Option<Service>,
) -> Result<UserHandle, AppError> {
    let id = AccountId::new();
    let mut tx = app.store().begin().await?;
    tx.insert_account(&NewAccount {
        id: *id.as_uuid(),
        username: username.into(),
        display_name: username.into(),
        worker,
        password_hash: None,
        created_at: app.now(),
        synthetic: true,
        role: role.as_str().into(),
        service: service.map(|s| s.as_str().to_string()),
        created_by: None,
        reason: Some("made by careful bench in a scratch database".into()),
    })
    .await?;
    tx.commit().await?;
    let row =
        app.store().account(*id.as_uuid()).await?.ok_or_else(|| AppError::NotFound("the bench account".into()))?;
    let principal = app.principal_for(&row, Via::Synthetic).await?;
    Ok(app.user(principal, Client { ip: None, user_agent: Some("careful bench".into()) }))
}

/// Recording throughput and latency: `events` contact events recorded, one per request and
/// then `batch` per request, across `children` children allocated to the recording social
/// worker, each through the whole recording path (authorise, read and fold the record, the
/// guardrails, append, project, audit) in one transaction.
pub async fn append(
    server: Option<&str>,
    events: usize,
    batch: usize,
    children: usize,
) -> Result<AppendBench, AppError> {
    let scratch = ScratchDatabase::create(server).await?;
    let engine = scratch.engine();
    let result = async {
        let app = App::open(scratch.url(), Settings::command_line(), Arc::new(crate::SystemClock)).await?;
        let today = app.today();
        let team = Team { id: TeamId::new(), name: "Bench team".into(), service: Service::ChildInNeedAndProtection };
        let worker = Worker {
            id: WorkerId::new(),
            name: "Bench social worker".into(),
            role: WorkerRole::SocialWorker,
            team: team.id,
            employment: Employment::Permanent,
            started: None,
            left: None,
            registration: None,
        };
        let mut tx = app.store().begin().await?;
        tx.insert_team(&team).await?;
        tx.insert_worker(&worker).await?;
        tx.commit().await?;
        let handle = account_for(&app, "bench.social.worker", Role::SocialWorker, Some(worker.id), None).await?;
        let mut modes = Vec::new();
        for (label, per) in [
            ("single (1 event per recording)".to_string(), 1),
            (format!("batch ({batch} events per recording)"), batch),
        ] {
            let mut ids = Vec::with_capacity(children);
            for i in 0..children {
                let (child, sequence) = handle
                    .register_child(vec![
                        Proposed::new(
                            registration(&format!("B{}{i:06}", ids.len() + modes.len() * children), today),
                            today,
                        ),
                        Proposed::new(
                            ChildEvent::WorkerAllocated { worker: worker.id, team: team.id, reason: None },
                            today,
                        ),
                    ])
                    .await?;
                ids.push((child, sequence));
            }
            let recordings = events.div_ceil(per);
            let mut latencies = Vec::with_capacity(recordings);
            let started = Instant::now();
            for n in 0..recordings {
                let count = per.min(events - n * per);
                let (child, sequence) = ids[n % children];
                let proposed: Vec<Proposed> = (0..count)
                    .map(|k| {
                        let source = ReferralSource::ALL[(n + k) % ReferralSource::ALL.len()];
                        Proposed::new(ChildEvent::ContactReceived { source }, today)
                    })
                    .collect();
                let begun = Instant::now();
                let next = handle.record(child, sequence, proposed).await?;
                latencies.push(begun.elapsed());
                ids[n % children] = (child, next);
            }
            modes.push(AppendMode { mode: label, events, elapsed: started.elapsed(), latencies: Latencies(latencies) });
        }
        app.close().await;
        Ok::<_, AppError>(AppendBench { engine, children, modes })
    }
    .await;
    scratch.remove().await?;
    result
}

fn registration(la: &str, today: NaiveDate) -> ChildEvent {
    ChildEvent::ChildRegistered {
        la_child_id: la.parse::<LaChildId>().expect("a valid council child ID"),
        details: PersonalDetails {
            given_name: "Bench".into(),
            family_name: "Child".into(),
            date_of_birth: Some(today - chrono::Days::new(3650)),
            expected_date_of_birth: None,
            sex: Sex::Female,
            ethnicity: Ethnicity::ALL[0],
            upn: None,
            upn_unknown: None,
            nhs_number: None,
            disabilities: Vec::new(),
        },
    }
}

/// One measured worklist.
#[derive(Debug, Clone)]
pub struct WorklistRow {
    pub label: String,
    pub duties: usize,
    pub latencies: Latencies,
}

/// What `bench worklist` measured.
#[derive(Debug, Clone)]
pub struct WorklistBench {
    pub engine: &'static str,
    pub population: u64,
    pub children: u64,
    pub end: NaiveDate,
    pub today: NaiveDate,
    pub written: Duration,
    pub rows: Vec<WorklistRow>,
    /// Recording one event (with its duties and audit entry).
    pub recording: Latencies,
    /// Opening a child's summary page's data (with its audit entry).
    pub viewing: Latencies,
    /// Signing in with a password (Argon2id), with its session and audit entry.
    pub signing_in: Latencies,
    /// Searches for people, as a front door worker.
    pub searches: Vec<SearchRow>,
    /// How the database carries out some of them: (what, the plan's lines).
    pub search_plans: Vec<(String, Vec<String>)>,
    /// Rows in the search index.
    pub indexed: u64,
}

/// One kind of search, measured.
#[derive(Debug, Clone)]
pub struct SearchRow {
    pub label: String,
    /// Results shown, on average.
    pub results: f64,
    pub latencies: Latencies,
}

/// A vowel after the first letter changed for another (`Smith` to `Smyth`, `Jones` to `Janes`):
/// a misspelling Soundex does not notice.
fn misspelt(name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    for c in chars.iter_mut().skip(1) {
        let other = match *c {
            'a' => 'e',
            'e' => 'a',
            'i' => 'y',
            'o' => 'a',
            'u' => 'o',
            'y' => 'i',
            _ => continue,
        };
        *c = other;
        return chars.into_iter().collect();
    }
    format!("{name}e")
}

/// Searches of each kind, `runs` times each, for children sampled from the council, as a front
/// door worker; and the plans of some.
async fn searches(app: &App, runs: usize) -> Result<(Vec<SearchRow>, Vec<(String, Vec<String>)>), AppError> {
    use crate::search::SearchCriteria;
    let store = app.store();
    let searcher = account_for(app, "bench.front.door", Role::FrontDoor, None, None).await?;
    let ids = store.child_ids().await?;
    let step = (ids.len() / runs.max(1)).max(1);
    let mut sample = Vec::new();
    for child in ids.into_iter().step_by(step).take(runs) {
        let events = store.read_stream(child).await?;
        let record = careful_domain::record::fold(&crate::record::entries(&events)?)?;
        sample.push(record);
    }
    let date = |d: Option<NaiveDate>| {
        use chrono::Datelike;
        d.map_or((String::new(), String::new(), String::new()), |d| {
            (d.day().to_string(), d.month().to_string(), d.year().to_string())
        })
    };
    type Make = Box<dyn Fn(&careful_domain::record::ChildRecord) -> Option<SearchCriteria>>;
    let kinds: Vec<(&str, Make)> = vec![
        (
            "a family name alone",
            Box::new(|r| Some(SearchCriteria { name: r.details.family_name.clone(), ..Default::default() })),
        ),
        (
            "given and family names",
            Box::new(|r| {
                Some(SearchCriteria {
                    name: format!("{} {}", r.details.given_name, r.details.family_name),
                    ..Default::default()
                })
            }),
        ),
        (
            "a misspelt family name and date of birth",
            Box::new(move |r| {
                let (day, month, year) = date(r.date_of_birth());
                Some(SearchCriteria { name: misspelt(&r.details.family_name), day, month, year, ..Default::default() })
            }),
        ),
        (
            "the start of both names",
            Box::new(|r| {
                let start = |n: &str| n.chars().take(3).collect::<String>();
                Some(SearchCriteria {
                    name: format!("{} {}", start(&r.details.given_name), start(&r.details.family_name)),
                    ..Default::default()
                })
            }),
        ),
        (
            "a date of birth alone",
            Box::new(move |r| {
                let (day, month, year) = date(r.date_of_birth());
                (!year.is_empty()).then_some(SearchCriteria { day, month, year, ..Default::default() })
            }),
        ),
        (
            "an NHS number",
            Box::new(|r| {
                r.details
                    .nhs_number
                    .as_ref()
                    .map(|n| SearchCriteria { nhs_number: n.as_str().to_string(), ..Default::default() })
            }),
        ),
        (
            "a postcode",
            Box::new(|r| {
                r.addresses
                    .last()
                    .map(|(_, a)| SearchCriteria { postcode: a.postcode.as_str().to_string(), ..Default::default() })
            }),
        ),
    ];
    let mut rows = Vec::new();
    let mut plans = Vec::new();
    for (label, make) in &kinds {
        let mut latencies = Vec::new();
        let mut shown = 0usize;
        let mut planned = false;
        for record in &sample {
            let Some(criteria) = make(record) else { continue };
            let begun = Instant::now();
            shown += searcher.search(&criteria).await?.hits.len();
            latencies.push(begun.elapsed());
            if !planned {
                plans.push((
                    format!(
                        "{label} ({})",
                        crate::search::Search::parse(&criteria, app.today()).map(|s| s.describe()).unwrap_or_default()
                    ),
                    searcher.explain_search(&criteria).await?,
                ));
                planned = true;
            }
        }
        let n = latencies.len().max(1);
        rows.push(SearchRow {
            label: label.to_string(),
            results: shown as f64 / n as f64,
            latencies: Latencies(latencies),
        });
    }
    // Likely duplicates before a new record, for a misspelt child born on the same day.
    let mut latencies = Vec::new();
    let mut shown = 0;
    for record in &sample {
        let (day, month, year) = date(record.date_of_birth());
        if year.is_empty() {
            continue;
        }
        let form = crate::new_child::NewChildForm {
            given_name: record.details.given_name.clone(),
            family_name: misspelt(&record.details.family_name),
            day,
            month,
            year,
            sex: "F".into(),
            ethnicity: "NOBT".into(),
            source: "2A".into(),
            ..Default::default()
        };
        let begun = Instant::now();
        shown += searcher.check_new_child(&form).await.map(|d| d.len()).unwrap_or(0);
        latencies.push(begun.elapsed());
    }
    let n = latencies.len().max(1);
    rows.push(SearchRow {
        label: "a new child's likely duplicates".into(),
        results: shown as f64 / n as f64,
        latencies: Latencies(latencies),
    });
    Ok((rows, plans))
}

/// Worklist latency on a synthetic council of `population`, written into a scratch database:
/// the worklists of the busiest worker, team and IRO and the whole council (as a performance
/// analyst), recording an event (as the child's allocated worker) and opening a child's record.
pub async fn worklist(server: Option<&str>, population: u64, runs: usize) -> Result<WorklistBench, AppError> {
    let end = NaiveDate::from_ymd_opt(2026, 3, 31).expect("valid date");
    // Four weeks after the council's last day, when a month of its duties has fallen due with
    // nothing recorded since.
    let today = end + chrono::Days::new(28);
    let scratch = ScratchDatabase::create(server).await?;
    let engine = scratch.engine();
    let result = async {
        let clock = FixedClock(today.and_hms_opt(12, 0, 0).expect("valid time").and_utc());
        let app = App::open(scratch.url(), Settings::command_line(), Arc::new(clock)).await?;
        let (report, written) = write_council(&app, population, end).await?;
        let analyst = account_for(&app, "bench.analyst", Role::PerformanceAnalyst, None, None).await?;
        let council = analyst.worklist(Whose::Council, true, None, today).await?;
        let busiest = |pick: &dyn Fn(&crate::duties::DutyLine) -> Option<String>| {
            let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
            for e in &council {
                if let Some(k) = pick(&e.duty) {
                    *counts.entry(k).or_default() += 1;
                }
            }
            counts.into_iter().max_by_key(|(k, n)| (*n, k.clone())).map(|(k, _)| k)
        };
        let worker = busiest(&|d| d.worker.map(|w| w.to_string())).and_then(|w| w.parse().ok());
        let team = busiest(&|d| d.team.map(|t| t.to_string())).and_then(|t| t.parse().ok());
        let iro = busiest(&|d| d.iro.map(|w| w.to_string())).and_then(|w| w.parse().ok());
        let (Some(worker), Some(team), Some(iro)) = (worker, team, iro) else {
            return Err(AppError::Synthetic("the synthetic council has no allocated duties".into()));
        };
        let mut rows = Vec::new();
        for (label, whose) in [
            ("a worker", Whose::Worker(worker)),
            ("a team", Whose::Team(team)),
            ("an IRO", Whose::Iro(iro)),
            ("the council", Whose::Council),
        ] {
            for (what, due_by) in [("due or overdue", Some(today)), ("all still to do", None)] {
                let mut latencies = Vec::with_capacity(runs);
                let mut found = 0;
                for _ in 0..runs {
                    let begun = Instant::now();
                    found = analyst.worklist(whose, true, due_by, today).await?.len();
                    latencies.push(begun.elapsed());
                }
                rows.push(WorklistRow {
                    label: format!("{label}: {what}"),
                    duties: found,
                    latencies: Latencies(latencies),
                });
            }
        }
        // Recording one event and opening a record, as the child's allocated worker.
        let store = app.store();
        let mut recording = Vec::new();
        let mut viewing = Vec::new();
        let mut handles: std::collections::HashMap<WorkerId, UserHandle> = std::collections::HashMap::new();
        let sample: Vec<ChildId> = store.child_ids().await?.into_iter().step_by(7).collect();
        for child in sample {
            if recording.len() >= runs.max(20) {
                break;
            }
            let Some(row) = store.child_row(child).await? else { continue };
            let Some(w) = row.worker else { continue };
            let Some(worker) = store.worker(w).await? else { continue };
            if worker.role != WorkerRole::SocialWorker {
                continue;
            }
            let handle = match handles.get(&w) {
                Some(h) => h.clone(),
                None => {
                    let h = account_for(
                        &app,
                        &format!("bench.worker.{}", handles.len()),
                        Role::SocialWorker,
                        Some(w),
                        None,
                    )
                    .await?;
                    handles.insert(w, h.clone());
                    h
                }
            };
            let begun = Instant::now();
            let summary = handle.child_summary(child).await?;
            viewing.push(begun.elapsed());
            let begun = Instant::now();
            handle
                .record(
                    child,
                    summary.sequence,
                    vec![Proposed::new(ChildEvent::ContactReceived { source: ReferralSource::School }, today)],
                )
                .await?;
            recording.push(begun.elapsed());
        }
        // Signing in with a password: Argon2id's deliberate cost, the session and the audit entry.
        let password = "a long benchmark passphrase";
        let hash = crate::password::hash_blocking(password.to_string()).await?;
        let mut tx = app.store().begin().await?;
        tx.insert_account(&NewAccount {
            id: *AccountId::new().as_uuid(),
            username: "bench.signer".into(),
            display_name: "Bench".into(),
            worker: None,
            password_hash: Some(hash),
            created_at: app.now(),
            synthetic: true,
            role: Role::PerformanceAnalyst.as_str().into(),
            service: None,
            created_by: None,
            reason: None,
        })
        .await?;
        tx.commit().await?;
        let mut signing_in = Vec::new();
        for _ in 0..runs.clamp(5, 20) {
            let begun = Instant::now();
            app.sign_in("bench.signer", password, &Client::default()).await?;
            signing_in.push(begun.elapsed());
        }
        let (searches, search_plans) = searches(&app, runs).await?;
        let indexed = app.store().search_entries().await?;
        app.close().await;
        Ok::<_, AppError>(WorklistBench {
            engine,
            population,
            children: report.children,
            end,
            today,
            written,
            rows,
            recording: Latencies(recording),
            viewing: Latencies(viewing),
            signing_in: Latencies(signing_in),
            searches,
            search_plans,
            indexed,
        })
    }
    .await;
    scratch.remove().await?;
    result
}

/// Writes a synthetic council of `population` children, its last day `end`, as its synthetic
/// administrator; returns the generator's report and how long writing took.
pub(crate) async fn write_council(
    app: &App,
    population: u64,
    end: NaiveDate,
) -> Result<(crate::synthetic::GenerateReport, Duration), AppError> {
    let options = careful_synth::Options { population, years: 1, ..careful_synth::demo_options(end) };
    let year = careful_domain::CollectionYear::containing(end).expect("a collection year");
    let begun = Instant::now();
    let report = generate(
        GenerateRequest {
            options,
            app: Some(app.clone()),
            ssda903_dir: None,
            cin_file: None,
            year,
            injected_file: None,
        },
        Arc::new(|_| {}),
    )
    .await?;
    Ok((report, begun.elapsed()))
}

/// The council `careful bench web` measures pages against: a synthetic council in a scratch
/// database removed afterwards, or one kept under a name for later runs.
pub struct WebCouncil {
    pub app: App,
    pub engine: &'static str,
    /// The children's records it holds, and their events.
    pub children: u64,
    pub events: u64,
    /// How long writing it took, when this run wrote it.
    pub written: Option<Duration>,
    pub today: NaiveDate,
    scratch: Option<ScratchDatabase>,
}

impl WebCouncil {
    /// A synthetic council of `population` children (one year to 31 March 2026, seen four
    /// weeks later), written into a scratch database on `server` (or SQLite), or, with `keep`,
    /// into the database of that name, which is reused as it is when it already holds one.
    pub async fn open(server: Option<&str>, population: u64, keep: Option<&str>) -> Result<WebCouncil, AppError> {
        let end = NaiveDate::from_ymd_opt(2026, 3, 31).expect("valid date");
        let today = end + chrono::Days::new(28);
        let (url, scratch) = match keep {
            Some(name) => (kept_database(server, name).await?, None),
            None => {
                let scratch = ScratchDatabase::create(server).await?;
                (scratch.url().to_string(), Some(scratch))
            }
        };
        let clock = FixedClock(today.and_hms_opt(12, 0, 0).expect("valid time").and_utc());
        let app = App::open(&url, Settings::command_line(), Arc::new(clock)).await?;
        let engine = app.store().engine().name();
        let mut written = None;
        if app.store().counts().await?.children == 0 {
            written = Some(write_council(&app, population, end).await?.1);
        }
        let counts = app.store().counts().await?;
        Ok(WebCouncil { app, engine, children: counts.children, events: counts.events, written, today, scratch })
    }

    /// Signs in `sessions` social workers (the workers with the biggest caseloads, each with an
    /// account made for the purpose, or reused when the council was kept), with a password as
    /// anyone would, and returns each session's cookie value and the worker's caseload size.
    /// More sessions than workers share workers, as one person in two tabs does.
    pub async fn sign_in_social_workers(&self, sessions: usize) -> Result<Vec<(String, u64)>, AppError> {
        let store = self.app.store();
        let mut workers = Vec::new();
        for (worker, n) in store.caseload_sizes().await? {
            if workers.len() >= sessions {
                break;
            }
            if store.worker(worker).await?.is_some_and(|w| w.role == WorkerRole::SocialWorker && w.left.is_none()) {
                workers.push((worker, n));
            }
        }
        sign_in_workers(&self.app, &workers, sessions, "bench.web").await
    }

    /// The bytes the database takes.
    pub async fn size(&self) -> Result<u64, AppError> {
        Ok(self.app.store().database_size().await?)
    }

    /// Closes the database, and removes it unless it was kept.
    pub async fn close(self) -> Result<(), AppError> {
        self.app.close().await;
        match self.scratch {
            Some(scratch) => scratch.remove().await,
            None => Ok(()),
        }
    }
}

/// Signs in `sessions` sessions of `workers` (cycling through them: more sessions than workers
/// share workers, as one person in two tabs does), each worker with an account made for the
/// purpose (`{prefix}.N`) or reused, with a password as anyone would; returns each session's
/// cookie value and the worker's caseload size.
pub(crate) async fn sign_in_workers(
    app: &App,
    workers: &[(WorkerId, u64)],
    sessions: usize,
    prefix: &str,
) -> Result<Vec<(String, u64)>, AppError> {
    if workers.is_empty() {
        return Err(AppError::Synthetic("the synthetic council has no social worker with a caseload".into()));
    }
    let store = app.store();
    let password = "a long benchmark passphrase";
    let hash = crate::password::hash_blocking(password.to_string()).await?;
    let client = Client { ip: None, user_agent: Some(format!("careful {}", prefix.replace('.', " "))) };
    let mut cookies = Vec::with_capacity(sessions);
    for (i, (worker, n)) in workers.iter().cycle().take(sessions).enumerate() {
        let username = format!("{prefix}.{}", i % workers.len());
        if store.account_by_username(&username).await?.is_none() {
            let mut tx = store.begin().await?;
            tx.insert_account(&NewAccount {
                id: *AccountId::new().as_uuid(),
                username: username.clone(),
                display_name: format!("Bench social worker {i}"),
                worker: Some(*worker),
                password_hash: Some(hash.clone()),
                created_at: app.now(),
                synthetic: true,
                role: Role::SocialWorker.as_str().into(),
                service: None,
                created_by: None,
                reason: Some(format!("made by careful {}", prefix.replace('.', " "))),
            })
            .await?;
            tx.commit().await?;
        }
        let session = app.sign_in(&username, password, &client).await?;
        cookies.push((session.token, *n));
    }
    Ok(cookies)
}

/// The URL of the kept database `name`: on the PostgreSQL server `server` names (created if it
/// is not there), or an SQLite file of that name in the temporary folder.
async fn kept_database(server: Option<&str>, name: &str) -> Result<String, AppError> {
    use careful_store::{DatabaseUrl, Engine, admin};
    match server.map(str::parse::<DatabaseUrl>).transpose()? {
        Some(server) if server.engine() == Engine::Postgres => {
            if !admin::postgres_database_exists(&server, name).await? {
                admin::create_postgres_database(&server, name).await?;
            }
            Ok(server.with_database(name).expose_secret().to_string())
        }
        _ => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            Ok(DatabaseUrl::sqlite_file(&path).expose_secret().to_string())
        }
    }
}
