//! `careful bench`: measurements, never run as tests.

use crate::output::say;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use crate::failure::Failure;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Recording throughput and latency: events recorded one per request and in batches, each
    /// through the whole recording path (authorise, fold, guardrails, append, project, audit).
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
    /// How fast the council's indicators are counted: generates a synthetic council, folds
    /// each record and works out its duties (in parallel), and times the counting alone of the
    /// council's indicators, each team's and worker's part, and the scrutiny report over the
    /// collection year, one record at a time; with the process's peak memory.
    Insight(FoldArgs),
    /// Worklist and search latency: writes a synthetic council into a scratch database and
    /// times the worklist of a worker, a team, an IRO and the whole council, opening a child's
    /// record, recording an event (each audited, with the projections updated in the same
    /// transaction as a recording), and searches for people of every kind, with the database's
    /// plan for them.
    Worklist(WorklistArgs),
    /// Web pages under load: serves careful over HTTP on 127.0.0.1 against a synthetic council
    /// and has many signed-in social workers open My work and their children's pages at once,
    /// each page through the whole path (session, authorise, query, render, audit). Reports
    /// throughput and p50/p95/p99 latency of each page, and the database's size.
    Web(WebArgs),
    /// Kill -9 while people record, then check nothing was lost: writes a synthetic council
    /// into a scratch database, serves it with `careful serve` in a process of its own, has
    /// many signed-in social workers of one team record visits on the same few children through
    /// the recording form, and kills the server with SIGKILL at random moments, starting it
    /// again each time. Then checks that every entry careful acknowledged is in the record once,
    /// right after the version its form was opened at (no lost updates); that nothing answered
    /// "not saved" is there; that no record is half-written; that the projections and worklists
    /// are what a rebuild from the events gives; and that the audit chain verifies. Exits with
    /// status 1 if anything is wrong.
    Crash(crate::bench_crash::CrashArgs),
    /// How long the demand forecast takes: folds a synthetic council in memory, builds the
    /// episode spine, fits the rates over the last year and times the forecast (730 days with
    /// the default draws unless told otherwise).
    Forecast(crate::bench_forecast::ForecastBenchArgs),
}

#[derive(Args)]
pub struct WebArgs {
    /// A PostgreSQL server to measure (a scratch database is created on it, or the --keep
    /// database used), or sqlite:// for SQLite [default: SQLite in a temporary folder].
    #[arg(long, value_name = "URL")]
    pub(crate) database: Option<String>,
    /// Children aged 0 to 17 in the synthetic council (1,000,000 is a large county).
    #[arg(long, default_value_t = 80_000)]
    pub(crate) population: u64,
    /// Signed-in social workers using careful at once, each in their own connection.
    #[arg(long, default_value_t = 200)]
    pub(crate) sessions: usize,
    /// How long to measure for, after every session has opened its caseload once.
    #[arg(long, default_value_t = 60)]
    pub(crate) seconds: u64,
    /// Each session's pause between pages, in milliseconds, on average (each pause is drawn
    /// between half and one and a half times this; 0: as fast as the server answers).
    #[arg(long, default_value_t = 0)]
    pub(crate) think_ms: u64,
    /// Keep the council in a database of this name (on the --database server, or an SQLite
    /// file in the temporary folder) and reuse it on later runs, instead of writing a new one
    /// and removing it.
    #[arg(long, value_name = "NAME")]
    pub(crate) keep: Option<String>,
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
        BenchCommand::Insight(args) => insight(args),
        BenchCommand::Worklist(args) => worklist(args).await,
        BenchCommand::Web(args) => crate::bench_web::run(args).await,
        BenchCommand::Forecast(args) => crate::bench_forecast::run(args),
        BenchCommand::Crash(args) => crate::bench_crash::run(args).await,
    }
}

async fn append(args: AppendArgs) -> Result<(), Failure> {
    if args.events == 0 || args.batch == 0 || args.children == 0 {
        return Err(Failure::new("--events, --batch and --children must each be at least 1"));
    }
    let result = careful_app::bench::append(args.database.as_deref(), args.events, args.batch, args.children).await?;
    say!(
        "Recording on {}: {} events over {} children, each recording through the whole path (authorise, fold, guardrails, append, project, audit) in one transaction",
        result.engine,
        args.events,
        result.children
    );
    say!("{:<36} {:>10} {:>14} {:>12} {:>12} {:>12}", "mode", "seconds", "events/second", "p50", "p95", "p99");
    for m in &result.modes {
        say!(
            "{:<36} {:>10.2} {:>14.0} {:>10.2}ms {:>10.2}ms {:>10.2}ms",
            m.mode,
            m.elapsed.as_secs_f64(),
            m.events as f64 / m.elapsed.as_secs_f64(),
            m.latencies.percentile(0.50).as_secs_f64() * 1000.0,
            m.latencies.percentile(0.95).as_secs_f64() * 1000.0,
            m.latencies.percentile(0.99).as_secs_f64() * 1000.0,
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

fn insight(args: FoldArgs) -> Result<(), Failure> {
    use std::sync::atomic::{AtomicU64, Ordering};

    use careful_domain::record::fold;
    use careful_domain::{CollectionYear, WorkingDayCalendar};
    use careful_duties::{Policy, duties_of};
    use careful_insight::{Breakdown, Period, Scrutiny};

    let council = synthetic_council(&args)?;
    let end = council.options.end;
    let year = CollectionYear::containing(end).ok_or_else(|| Failure::new("the council's last day has no year"))?;
    let period = Period { from: year.first_day(), to: year.last_day().min(end) };
    let policy = Policy::default();
    let calendar = WorkingDayCalendar::england_and_wales();
    let failures = AtomicU64::new(0);
    let (mut breakdown, mut scrutiny) = (Breakdown::default(), Scrutiny::default());
    let (mut children, mut counting) = (0u64, Duration::ZERO);
    let started = Instant::now();
    council.generate_with(
        |child| {
            let Ok(record) = fold(&child.entries()) else {
                failures.fetch_add(1, Ordering::Relaxed);
                return None;
            };
            let duties = duties_of(&record, calendar, &policy, end);
            Some((record, duties))
        },
        |folded| {
            if let Some((record, duties)) = folded {
                let begun = Instant::now();
                breakdown.add(period, &record, &duties, end);
                scrutiny.add(period, &record, &duties);
                counting += begun.elapsed();
                children += 1;
            }
        },
    );
    let failed = failures.load(Ordering::Relaxed);
    if failed > 0 {
        return Err(Failure::new(format!("{failed} records did not fold")));
    }
    let report = scrutiny.report(period, &breakdown.council);
    let indicators = breakdown.council.indicators(args.population);
    let seconds = counting.as_secs_f64();
    say!(
        "Counted the indicators of {children} children's records of a council of {} children, {} to {} ({:.1} s in all, generation, fold and duties included).",
        args.population,
        period.from,
        period.to,
        started.elapsed().as_secs_f64()
    );
    say!(
        "Counting (council, {} teams, {} workers and the scrutiny report's {} sections): {seconds:.2} s on one core, {:.0} children per second.",
        breakdown.teams.len(),
        breakdown.workers.len(),
        report.sections.len(),
        children as f64 / seconds
    );
    for i in
        indicators.iter().filter(|i| ["looked_after_rate", "assessments_45_working_days", "caseload"].contains(&i.code))
    {
        say!("  {}: {} ({} of {})", i.name, i.formatted(), i.numerator, i.denominator);
    }
    match peak_memory() {
        Some(kb) => say!("Peak memory of the process: {:.0} MB.", kb as f64 / 1024.0),
        None => say!("Peak memory: not known on this system (no /proc/self/status)."),
    }
    Ok(())
}

/// The process's peak resident memory in kB, from Linux's /proc/self/status (VmHWM).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn worklist(args: WorklistArgs) -> Result<(), Failure> {
    if args.runs == 0 || args.population < 1_000 {
        return Err(Failure::new("--runs must be at least 1 and --population at least 1,000"));
    }
    let b = careful_app::bench::worklist(args.database.as_deref(), args.population, args.runs).await?;
    say!(
        "Worklists on {}: a synthetic council of {} children ({} records, last day {}), written with its duties in {:.1} s; {} runs each, as of {}.",
        b.engine,
        b.population,
        b.children,
        b.end,
        b.written.as_secs_f64(),
        args.runs,
        b.today
    );
    say!("{:<36} {:>8} {:>12} {:>12}", "worklist (as a performance analyst)", "duties", "p50", "p95");
    for row in &b.rows {
        say!(
            "{:<36} {:>8} {:>10.2}ms {:>10.2}ms",
            row.label,
            row.duties,
            row.latencies.percentile(0.5).as_secs_f64() * 1000.0,
            row.latencies.percentile(0.95).as_secs_f64() * 1000.0
        );
    }
    for (label, l) in [
        ("opening a child's record, audited", &b.viewing),
        ("recording an event, with its duties", &b.recording),
        ("signing in with a password", &b.signing_in),
    ] {
        say!(
            "{label:<36} {:>8} {:>10.2}ms {:>10.2}ms",
            l.0.len(),
            l.percentile(0.5).as_secs_f64() * 1000.0,
            l.percentile(0.95).as_secs_f64() * 1000.0
        );
    }
    say!("");
    say!("Searches as a front door worker, audited ({} people in the search index):", b.indexed);
    say!("{:<44} {:>8} {:>12} {:>12}", "search", "results", "p50", "p95");
    for row in &b.searches {
        say!(
            "{:<44} {:>8.1} {:>10.2}ms {:>10.2}ms",
            row.label,
            row.results,
            row.latencies.percentile(0.5).as_secs_f64() * 1000.0,
            row.latencies.percentile(0.95).as_secs_f64() * 1000.0
        );
    }
    for (what, plan) in &b.search_plans {
        say!("");
        say!("How {} carries out a search by {what}:", b.engine);
        for line in plan {
            say!("  {line}");
        }
    }
    Ok(())
}
