//! `careful bench`: measurements, never run as tests.

use crate::output::say;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand};

use careful_domain::codes::ReferralSource;
use careful_domain::record::ChildEvent;
use careful_domain::{ChildId, EventId, NewEvent, RecordedAt, RecordedBy, Sequence, SystemProcess};
use careful_store::{DatabaseUrl, Engine, Store, admin};

use crate::failure::Failure;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Append throughput and latency of the event log, one event per transaction and in batches.
    ///
    /// Runs in a scratch database that is removed afterwards: a temporary SQLite file by default,
    /// or, given a postgres:// URL, a new database created on that server (the user needs the
    /// CREATEDB privilege). Nothing already stored is touched.
    Append(AppendArgs),
    /// How fast the record is folded: generates a synthetic council and times the fold (the
    /// check and derivation of every child's record from its events), per core.
    Fold(FoldArgs),
    /// How fast every child's duties are worked out: generates a synthetic council and times
    /// the duties engine on each child's folded record, per core.
    Duties(FoldArgs),
    /// Worklist query latency: writes a synthetic council into a scratch database and times
    /// the worklist of a worker, a team, an IRO and the whole council, and recording an event
    /// (with the duties projection updated in the same transaction).
    Worklist(WorklistArgs),
}

#[derive(Args)]
pub struct WorklistArgs {
    /// A PostgreSQL server to measure (a scratch database is created on it), or sqlite:// for
    /// SQLite [default: SQLite in a temporary folder].
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Children aged 0 to 17 in the synthetic council.
    #[arg(long, default_value_t = 80_000)]
    population: u64,
    /// Times each query is run.
    #[arg(long, default_value_t = 50)]
    runs: usize,
}

#[derive(Args)]
pub struct FoldArgs {
    /// Children aged 0 to 17 in the synthetic council (12,000,000 is England).
    #[arg(long, default_value_t = 80_000)]
    population: u64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Args)]
pub struct AppendArgs {
    /// A PostgreSQL server to measure (a scratch database is created on it), or sqlite:// for
    /// SQLite [default: SQLite in a temporary folder].
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Events to append in each mode.
    #[arg(long, default_value_t = 10_000)]
    events: usize,
    /// Events per append in the batch mode.
    #[arg(long, default_value_t = 100)]
    batch: usize,
    /// Children the events are spread over.
    #[arg(long, default_value_t = 100)]
    children: usize,
}

pub async fn run(command: BenchCommand) -> Result<(), Failure> {
    match command {
        BenchCommand::Append(args) => append(args).await,
        BenchCommand::Fold(args) => fold(args),
        BenchCommand::Duties(args) => duties(args),
        BenchCommand::Worklist(args) => worklist(args).await,
    }
}

/// A database that exists for the length of the benchmark.
enum Scratch {
    Sqlite { dir: std::path::PathBuf, url: DatabaseUrl },
    Postgres { server: DatabaseUrl, name: String, url: DatabaseUrl },
}

impl Scratch {
    async fn create(database: Option<&str>) -> Result<Scratch, Failure> {
        let suffix = uuid_suffix();
        match database.map(str::parse::<DatabaseUrl>).transpose()? {
            Some(server) if server.engine() == Engine::Postgres => {
                let name = format!("careful_bench_{suffix}");
                let url = admin::create_postgres_database(&server, &name).await?;
                Ok(Scratch::Postgres { server, name, url })
            }
            _ => {
                let dir = std::env::temp_dir().join(format!("careful-bench-{suffix}"));
                std::fs::create_dir_all(&dir)
                    .map_err(|e| Failure::new(format!("cannot create {}: {e}", dir.display())))?;
                let url = DatabaseUrl::sqlite_file(&dir.join("bench.db"));
                Ok(Scratch::Sqlite { dir, url })
            }
        }
    }

    fn url(&self) -> &DatabaseUrl {
        match self {
            Scratch::Sqlite { url, .. } | Scratch::Postgres { url, .. } => url,
        }
    }

    async fn remove(self) -> Result<(), Failure> {
        match self {
            Scratch::Sqlite { dir, .. } => {
                std::fs::remove_dir_all(&dir).map_err(|e| Failure::new(format!("cannot remove {}: {e}", dir.display())))
            }
            Scratch::Postgres { server, name, .. } => Ok(admin::drop_postgres_database(&server, &name).await?),
        }
    }
}

fn uuid_suffix() -> String {
    EventId::new().to_string().replace('-', "")[..20].to_string()
}

struct Measurement {
    mode: String,
    events: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Measurement {
    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted.get(index).copied().unwrap_or_default()
    }
}

fn events_for(child_index: usize, count: usize) -> Result<Vec<NewEvent>, Failure> {
    let date = NaiveDate::from_ymd_opt(2026, 4, 1).expect("valid date");
    (0..count)
        .map(|i| {
            let source = ReferralSource::ALL[(child_index + i) % ReferralSource::ALL.len()];
            ChildEvent::ContactReceived { source }
                .into_envelope(
                    EventId::new(),
                    date,
                    RecordedAt::new(Utc::now()),
                    RecordedBy::System(SystemProcess::Generator),
                    None,
                )
                .map_err(|e| Failure::new(e.to_string()))
        })
        .collect()
}

async fn measure(
    store: &Store,
    mode: &str,
    total: usize,
    per_append: usize,
    children: &[ChildId],
) -> Result<Measurement, Failure> {
    let mut sequences = vec![Sequence::EMPTY; children.len()];
    let appends = total.div_ceil(per_append);
    // Build every event first so only the database work is timed.
    let mut work = Vec::with_capacity(appends);
    for n in 0..appends {
        let count = per_append.min(total - n * per_append);
        work.push((n % children.len(), events_for(n, count)?));
    }
    let mut latencies = Vec::with_capacity(appends);
    let started = Instant::now();
    for (child_index, events) in work {
        let begun = Instant::now();
        let outcome = store.append(children[child_index], sequences[child_index], &events).await?;
        latencies.push(begun.elapsed());
        sequences[child_index] = outcome.sequence;
    }
    Ok(Measurement { mode: mode.to_string(), events: total, elapsed: started.elapsed(), latencies })
}

async fn append(args: AppendArgs) -> Result<(), Failure> {
    if args.events == 0 || args.batch == 0 || args.children == 0 {
        return Err(Failure::new("--events, --batch and --children must each be at least 1"));
    }
    let scratch = Scratch::create(args.database.as_deref()).await?;
    let result = async {
        let store = Store::connect(scratch.url()).await?;
        store.migrate().await?;
        let engine = store.engine().name();
        // Separate children per mode, so the batch run starts from empty streams too.
        let single_children: Vec<ChildId> = (0..args.children).map(|_| ChildId::new()).collect();
        let batch_children: Vec<ChildId> = (0..args.children).map(|_| ChildId::new()).collect();
        let single = measure(&store, "single (1 event per append)", args.events, 1, &single_children).await?;
        let batch = measure(
            &store,
            &format!("batch ({} events per append)", args.batch),
            args.events,
            args.batch,
            &batch_children,
        )
        .await?;
        // Check the log holds what was written, in order.
        let sample = store.read_stream(single_children[0]).await?;
        let expected = args.events.div_ceil(args.children);
        if sample.len() != expected {
            return Err(Failure::new(format!("read back {} events for a child, expected {expected}", sample.len())));
        }
        store.close().await;
        Ok::<_, Failure>((engine, [single, batch]))
    }
    .await;
    scratch.remove().await?;
    let (engine, measurements) = result?;
    say!("Event log append on {engine}: {} events over {} children", args.events, args.children);
    say!(
        "{:<32} {:>10} {:>14} {:>12} {:>12} {:>12}",
        "mode",
        "seconds",
        "events/second",
        "p50 append",
        "p95 append",
        "p99 append"
    );
    for m in &measurements {
        say!(
            "{:<32} {:>10.2} {:>14.0} {:>10.2}ms {:>10.2}ms {:>10.2}ms",
            m.mode,
            m.elapsed.as_secs_f64(),
            m.events as f64 / m.elapsed.as_secs_f64(),
            m.percentile(0.50).as_secs_f64() * 1000.0,
            m.percentile(0.95).as_secs_f64() * 1000.0,
            m.percentile(0.99).as_secs_f64() * 1000.0,
        );
    }
    Ok(())
}

/// The synthetic council `bench fold` and `bench duties` measure: one year to 31 March 2026.
fn synthetic_council(args: &FoldArgs) -> Result<careful_synth::Council, Failure> {
    if args.population < 1_000 {
        return Err(Failure::new("--population must be at least 1,000"));
    }
    let end = NaiveDate::from_ymd_opt(2026, 3, 31).expect("valid date");
    Ok(careful_synth::Council::new(careful_synth::Options {
        population: args.population,
        years: 1,
        end,
        seed: args.seed,
        failures: careful_synth::FailureRates::default(),
    }))
}

fn fold(args: FoldArgs) -> Result<(), Failure> {
    use std::sync::atomic::{AtomicU64, Ordering};

    use careful_domain::record::fold;

    let council = synthetic_council(&args)?;
    let nanos = AtomicU64::new(0);
    let failures = AtomicU64::new(0);
    let (mut children, mut events) = (0u64, 0u64);
    let started = Instant::now();
    council.generate_with(
        |child| {
            let entries = child.entries();
            let begun = Instant::now();
            if fold(&entries).is_err() {
                failures.fetch_add(1, Ordering::Relaxed);
            }
            nanos.fetch_add(begun.elapsed().as_nanos() as u64, Ordering::Relaxed);
            entries.len() as u64
        },
        |n| {
            children += 1;
            events += n;
        },
    );
    let fold_seconds = nanos.load(Ordering::Relaxed) as f64 / 1e9;
    say!(
        "Folded {children} children's records ({events} events) of a council of {} children in {:.1} s (generation included).",
        args.population,
        started.elapsed().as_secs_f64()
    );
    say!(
        "Fold time: {fold_seconds:.2} s of one core: {:.0} children per second per core, {:.0} events per second per core.",
        children as f64 / fold_seconds,
        events as f64 / fold_seconds
    );
    let failed = failures.load(Ordering::Relaxed);
    if failed > 0 {
        return Err(Failure::new(format!("{failed} records did not fold")));
    }
    Ok(())
}

fn duties(args: FoldArgs) -> Result<(), Failure> {
    use std::sync::atomic::{AtomicU64, Ordering};

    use careful_domain::WorkingDayCalendar;
    use careful_domain::record::fold;
    use careful_duties::{Policy, duties_of};

    let council = synthetic_council(&args)?;
    let end = council.options.end;
    let policy = Policy::default();
    let calendar = WorkingDayCalendar::england_and_wales();
    let (fold_nanos, duty_nanos, failures) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    let (mut children, mut owed, mut open) = (0u64, 0u64, 0u64);
    let started = Instant::now();
    council.generate_with(
        |child| {
            let entries = child.entries();
            let begun = Instant::now();
            let Ok(record) = fold(&entries) else {
                failures.fetch_add(1, Ordering::Relaxed);
                return (0, 0);
            };
            fold_nanos.fetch_add(begun.elapsed().as_nanos() as u64, Ordering::Relaxed);
            let begun = Instant::now();
            let found = duties_of(&record, calendar, &policy, end);
            duty_nanos.fetch_add(begun.elapsed().as_nanos() as u64, Ordering::Relaxed);
            (found.len() as u64, found.iter().filter(|d| d.can_still_be_done()).count() as u64)
        },
        |(n, o)| {
            children += 1;
            owed += n;
            open += o;
        },
    );
    let failed = failures.load(Ordering::Relaxed);
    if failed > 0 {
        return Err(Failure::new(format!("{failed} records did not fold")));
    }
    let fold_seconds = fold_nanos.load(Ordering::Relaxed) as f64 / 1e9;
    let duty_seconds = duty_nanos.load(Ordering::Relaxed) as f64 / 1e9;
    say!(
        "Worked out the duties of {children} children of a council of {} children as of {end}: {owed} duties, {open} still to be done ({:.1} s in all, generation included).",
        args.population,
        started.elapsed().as_secs_f64()
    );
    say!(
        "Duties: {duty_seconds:.2} s of one core, {:.0} children per second per core ({:.0} duties per second).",
        children as f64 / duty_seconds,
        owed as f64 / duty_seconds
    );
    say!(
        "Fold and duties together: {:.0} children per second per core.",
        children as f64 / (fold_seconds + duty_seconds)
    );
    Ok(())
}

async fn worklist(args: WorklistArgs) -> Result<(), Failure> {
    use std::sync::Arc;

    use careful_app::duties::Whose;
    use careful_app::record::Proposed;
    use careful_app::synthetic::{GenerateRequest, generate};
    use careful_app::{App, FixedClock, Settings};
    use careful_domain::organisation::WorkerRole;

    if args.runs == 0 || args.population < 1_000 {
        return Err(Failure::new("--runs must be at least 1 and --population at least 1,000"));
    }
    let end = NaiveDate::from_ymd_opt(2026, 3, 31).expect("valid date");
    let scratch = Scratch::create(args.database.as_deref()).await?;
    let result = async {
        let store = Store::connect(scratch.url()).await?;
        store.migrate().await?;
        let engine = store.engine().name();
        let options =
            careful_synth::Options { population: args.population, years: 1, ..careful_synth::demo_options(end) };
        let year = careful_domain::CollectionYear::containing(end).expect("a collection year");
        let begun = Instant::now();
        let report = generate(
            GenerateRequest {
                options,
                store: Some(store.clone()),
                ssda903_dir: None,
                cin_file: None,
                year,
                injected_file: None,
            },
            Arc::new(|_| {}),
        )
        .await?;
        let written = begun.elapsed();
        let clock = FixedClock(end.and_hms_opt(12, 0, 0).expect("valid time").and_utc());
        let app = App::new(store.clone(), Settings { council_name: String::new(), demo: true }, Arc::new(clock));
        // The busiest worker, team and IRO by open duties, and the whole council.
        // Four weeks after the council's last day, when a month of its duties has fallen due
        // with nothing recorded since.
        let today = end + chrono::Days::new(28);
        let council = app.worklist(Whose::Council, true, None, today).await?;
        let busiest = |pick: &dyn Fn(&careful_store::DutyRow) -> Option<String>| {
            let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
            for e in &council {
                if let Some(k) = pick(&e.item.duty) {
                    *counts.entry(k).or_default() += 1;
                }
            }
            counts.into_iter().max_by_key(|(k, n)| (*n, k.clone())).map(|(k, _)| k)
        };
        let worker = busiest(&|d| d.worker.map(|w| w.to_string())).and_then(|w| w.parse().ok());
        let team = busiest(&|d| d.team.map(|t| t.to_string())).and_then(|t| t.parse().ok());
        let iro = busiest(&|d| d.iro.map(|w| w.to_string())).and_then(|w| w.parse().ok());
        let (Some(worker), Some(team), Some(iro)) = (worker, team, iro) else {
            return Err(Failure::new("the synthetic council has no allocated duties"));
        };
        let mut rows = Vec::new();
        for (label, whose) in [
            ("a worker", Whose::Worker(worker)),
            ("a team", Whose::Team(team)),
            ("an IRO", Whose::Iro(iro)),
            ("the council", Whose::Council),
        ] {
            for (what, due_by) in [("due or overdue", Some(today)), ("all still to do", None)] {
                let mut latencies = Vec::with_capacity(args.runs);
                let mut found = 0;
                for _ in 0..args.runs {
                    let begun = Instant::now();
                    found = app.worklist(whose, true, due_by, today).await?.len();
                    latencies.push(begun.elapsed());
                }
                rows.push((
                    format!("{label}: {what}"),
                    found,
                    Measurement { mode: String::new(), events: 0, elapsed: Duration::ZERO, latencies },
                ));
            }
        }
        // Recording one event: read and fold the record, check the guardrails, append, and
        // replace the child's duties, in one transaction.
        let workers = store.workers().await?;
        let by = careful_domain::RecordedBy::Worker(
            workers.iter().find(|w| w.role == WorkerRole::SocialWorker).map(|w| w.id).expect("a social worker"),
        );
        let children: Vec<ChildId> = store.child_ids().await?.into_iter().step_by(7).take(args.runs.max(20)).collect();
        let mut latencies = Vec::with_capacity(children.len());
        for child in &children {
            let current = store.current_sequence(*child).await?;
            let event = ChildEvent::ContactReceived { source: ReferralSource::School };
            let begun = Instant::now();
            app.record(*child, current, vec![Proposed::new(event, end, by)]).await?;
            latencies.push(begun.elapsed());
        }
        let recording = Measurement { mode: String::new(), events: 0, elapsed: Duration::ZERO, latencies };
        store.close().await;
        Ok::<_, Failure>((engine, report.children, written, rows, recording, today))
    }
    .await;
    scratch.remove().await?;
    let (engine, children, written, rows, recording, today) = result?;
    say!(
        "Worklists on {engine}: a synthetic council of {} children ({children} records, last day {end}), written with its duties in {:.1} s; {} runs each, as of {today}.",
        args.population,
        written.as_secs_f64(),
        args.runs
    );
    say!("{:<36} {:>8} {:>12} {:>12}", "worklist", "duties", "p50", "p95");
    for (label, found, m) in &rows {
        say!(
            "{label:<36} {found:>8} {:>10.2}ms {:>10.2}ms",
            m.percentile(0.5).as_secs_f64() * 1000.0,
            m.percentile(0.95).as_secs_f64() * 1000.0
        );
    }
    say!(
        "{:<36} {:>8} {:>10.2}ms {:>10.2}ms",
        "recording an event, with its duties",
        recording.latencies.len(),
        recording.percentile(0.5).as_secs_f64() * 1000.0,
        recording.percentile(0.95).as_secs_f64() * 1000.0
    );
    Ok(())
}
