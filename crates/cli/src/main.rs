//! `careful`: the command line.

#![forbid(unsafe_code)]

mod admin;
mod backup;
mod bench;
mod bench_crash;
mod bench_forecast;
mod bench_web;
mod benchmarks;
mod data_dir;
mod duties;
mod export;
mod failure;
mod forecast;
mod generate;
mod import;
mod insight;
mod output;
mod retention;
mod sar;
mod search;
mod server;
mod signin;
mod validate;

use crate::output::say;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use careful_app::synthetic::GenerateRequest;
use careful_app::{App, OidcSettings, Security, Settings, SystemClock};

use crate::failure::Failure;

/// careful: children's social care records that know what the law says must happen next.
///
/// Run `careful demo` to try it with a synthetic council, or `careful serve` to run it for real.
#[derive(Parser)]
#[command(name = "careful", version, propagate_version = true, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run careful with a synthetic demonstration council on this computer.
    ///
    /// Creates (or reuses) an SQLite database in the data folder, fills it with a synthetic
    /// council the first time, and serves careful at http://127.0.0.1:PORT/ until you press
    /// Ctrl+C. Every child in it is synthetic.
    Demo(DemoArgs),
    /// Serve careful from a database.
    ///
    /// Brings the database's schema up to date, then serves careful until stopped (Ctrl+C or
    /// SIGTERM), finishing the requests in flight.
    Serve(ServeArgs),
    /// Bring a database's schema up to date, then exit.
    ///
    /// When this careful works out the record's projections (the children list and duties)
    /// differently from the one that wrote them, they are rebuilt from the event log; --rebuild
    /// rebuilds them anyway.
    Migrate(MigrateArgs),
    /// Generate a synthetic council, calibrated to England's figures.
    ///
    /// Writes it into a database through the event log (--database) and/or as the 903 tables
    /// and CIN census a council sends DfE (--ssda903, --cin), then prints the year's figures
    /// against the national targets. Every child is synthetic. The same seed and options give
    /// the same output, byte for byte.
    Generate(generate::GenerateArgs),
    /// List statutory duties: what is due or overdue, for a worker, a team, an IRO or the
    /// whole council, or every duty owed to one child with the arithmetic behind it.
    ///
    /// Reads the worklist kept up to date with every change to a record, so today's list is one
    /// query. Each duty names its rule in the statutory rule catalogue (`--catalogue` prints it),
    /// when it is due and its status: upcoming, due, overdue, met_on_time, met_late or
    /// not_applicable. Working days are England and Wales working days.
    Duties(duties::DutiesArgs),
    /// The council's indicators for a period, each with its definition, numerator and
    /// denominator.
    ///
    /// Computed from every child's record: rates per 10,000 children (with --population),
    /// re-referrals within 12 months, assessments within 45 working days, initial conferences
    /// within 15 working days, repeat and 2-year child protection plans, placement stability,
    /// children who went missing, and care leavers aged 19 to 21 in education, employment or
    /// training and in suitable accommodation. Stocks are counted at the end of the period's
    /// last day. Aggregates only; audited.
    Insight(insight::InsightArgs),
    /// The council's indicators beside England, its region and its statistical neighbours, with
    /// its rank and quartile among every local authority, like DfE's LAIT.
    ///
    /// England's figures that careful knows ship with it, each with its source and year; other
    /// councils' figures are imported from DfE's published local-authority tables (`careful
    /// benchmarks import FILE`), and the council's code and its statistical neighbours set with
    /// `careful benchmarks neighbours`. careful's own figures for the period are compared with
    /// the latest published figures up to the collection year it ends in (each with its year).
    /// Aggregates only; audited.
    Benchmarks(benchmarks::BenchmarksArgs),
    /// Forecast children looked after and what their placements will cost, with a 95% interval,
    /// scenarios and a back-test.
    ///
    /// A Markov stock-and-flow model by age band and placement type (fostering, kinship,
    /// residential, supported, other), fitted from every child's record (--database) or from
    /// SSDA903 files (--ssda903): daily rates are events / child-days at risk over a reference
    /// window; the interval comes from simulated runs that draw the rates from their
    /// uncertainty and the flows by chance. Prints the rates it used, the reference window and
    /// the costs' sources. --backtest forecasts past years and reports how often what happened
    /// fell inside the interval. Aggregates only; audited.
    Forecast(forecast::ForecastArgs),
    /// Measure careful's speed.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Check a statutory return's files against DfE's validation rules.
    #[command(subcommand)]
    Validate(validate::ValidateCommand),
    /// Bring a council's existing statutory returns into careful's record.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Produce a statutory return from careful's record.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Manage accounts and the organisation (administrators): make the first administrator,
    /// add accounts, change roles, unlock, reset second factors, add teams and workers.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Personal access tokens for the command line and scripts.
    #[command(subcommand)]
    Token(admin::TokenCommand),
    /// The audit log: verify its hash chain, list entries.
    #[command(subcommand)]
    Audit(admin::AuditCommand),
    /// Export everything careful holds about a child, for a subject access request.
    ///
    /// Writes index.html (the record, the whole chronology with who recorded what and why, the
    /// documents held, data-quality flags and every access to the record from the audit log) and
    /// record.json (the record as stored). Producing it is audited.
    Sar(sar::SarArgs),
    /// List children's records due for review under the council's retention periods (a
    /// looked-after child's record is kept until their 75th birthday). Nothing is deleted.
    Retention(retention::RetentionArgs),
    /// Search for children, and people recorded in children's lives, by name, date of birth,
    /// UPN, NHS number or postcode.
    ///
    /// Names match exactly, by their beginning ("Smi" finds Smith) and by how they sound (Smyth
    /// finds Smith, Jonson finds Johnson); the closest come first, and a matching date of birth
    /// or postcode raises a result. Records restricted without naming you are never shown. For
    /// front door workers, social workers, managers, IROs, personal advisers and complaints
    /// officers; every search is audited.
    Search(search::SearchArgs),
    /// Back up the whole database to one file, while careful goes on serving (administrators).
    ///
    /// Reads every table that holds the record in one consistent snapshot: the event log, the
    /// audit log with its hash chain, accounts (with password hashes, second factors and
    /// personal access tokens), roles, the organisation, settings, restrictions and grants,
    /// data-quality flags and published figures. Sessions are left out, and the children list,
    /// duties and search index are rebuilt from the event log on restore. The file is JSON lines
    /// ending with a SHA-256 checksum; it works for either engine. Audited.
    Backup(backup::BackupArgs),
    /// Restore a backup into a new, empty database, on either engine (SQLite or PostgreSQL).
    ///
    /// Checks the whole file first (format, versions, row counts, checksum) and refuses a
    /// damaged file or a database that holds anything, writing nothing. A backup of either
    /// engine restores into either. Then brings the schema up to date, writes every row in one transaction, records the restore in the restored
    /// audit log, rebuilds the projections from the event log and verifies the audit chain.
    /// Needs no sign-in: the empty database has no accounts; the backup's come with it.
    Restore(backup::RestoreArgs),
}

#[derive(Args)]
struct MigrateArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Rebuild every child's projections (children list and duties) from the event log.
    #[arg(long)]
    rebuild: bool,
}

#[derive(Args)]
struct DemoArgs {
    /// The port to serve on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The folder holding the demo's database [default: careful-demo in your data folder, or
    /// in the temporary folder if you have none].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The synthetic council's children aged 0 to 17 (a typical council has about 80,000, with
    /// about 3,000 open cases and 550 looked after). Used only when the demo database is made.
    #[arg(long, default_value_t = 80_000)]
    population: u64,
}

#[derive(Args)]
struct DatabaseArgs {
    /// The database: sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database: String,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// The port to serve on (0 picks a free one).
    #[arg(long, env = "CAREFUL_PORT", default_value_t = 8080)]
    port: u16,
    /// The address to listen on. Keep the default behind a reverse proxy; use 0.0.0.0 to listen
    /// on every interface.
    #[arg(long, env = "CAREFUL_BIND", default_value = "127.0.0.1", value_name = "ADDRESS")]
    bind: std::net::IpAddr,
    /// The council's name, shown at the top of every page.
    #[arg(long, env = "CAREFUL_COUNCIL_NAME", default_value = "Children's services", value_name = "NAME")]
    council_name: String,
    /// The address people reach careful at, such as https://careful.example.gov.uk. With
    /// https, cookies are marked Secure; it is also the base of the OIDC callback.
    #[arg(long, env = "CAREFUL_BASE_URL", value_name = "URL")]
    base_url: Option<String>,
    /// A session ends after this many minutes without a request.
    #[arg(long, env = "CAREFUL_SESSION_IDLE_MINUTES", default_value_t = 30, value_name = "MINUTES")]
    session_idle_minutes: u64,
    /// A session ends this many hours after sign-in, however busy.
    #[arg(long, env = "CAREFUL_SESSION_HOURS", default_value_t = 10, value_name = "HOURS")]
    session_hours: u64,
    /// Uploads (SSDA903 files or a CIN census) one person may check in an hour.
    #[arg(long, env = "CAREFUL_UPLOADS_PER_HOUR", default_value_t = 30, value_name = "N")]
    uploads_per_hour: u32,
    /// A request whose body has not all arrived, or whose answer is not ready, after this many
    /// seconds is answered 408 Request Timeout, so a slow or stalled client cannot hold the
    /// server.
    #[arg(long, env = "CAREFUL_REQUEST_TIMEOUT_SECONDS", default_value_t = 60, value_name = "SECONDS")]
    request_timeout_seconds: u64,
    #[command(flatten)]
    oidc: OidcArgs,
}

/// Sign-in through the council's identity provider (OpenID Connect: Microsoft Entra ID or any
/// standard provider). All of issuer, client ID and --base-url are needed to turn it on.
#[derive(Args)]
struct OidcArgs {
    /// The provider's issuer, exactly as its discovery document states it, such as
    /// https://login.microsoftonline.com/TENANT/v2.0.
    #[arg(long, env = "CAREFUL_OIDC_ISSUER", value_name = "URL", requires = "oidc_client_id")]
    oidc_issuer: Option<String>,
    /// careful's application (client) ID at the provider.
    #[arg(long, env = "CAREFUL_OIDC_CLIENT_ID", value_name = "ID", requires = "oidc_issuer")]
    oidc_client_id: Option<String>,
    /// careful's client secret at the provider (best given in the environment).
    #[arg(long, env = "CAREFUL_OIDC_CLIENT_SECRET", value_name = "SECRET", hide_env_values = true)]
    oidc_client_secret: Option<String>,
    /// The callback registered at the provider [default: BASE_URL/sign-in/oidc/callback].
    #[arg(long, env = "CAREFUL_OIDC_REDIRECT_URL", value_name = "URL")]
    oidc_redirect_url: Option<String>,
    /// The ID token claim that names the careful account (its username).
    #[arg(long, env = "CAREFUL_OIDC_USERNAME_CLAIM", default_value = "preferred_username", value_name = "CLAIM")]
    oidc_username_claim: String,
}

impl OidcArgs {
    fn settings(&self, base_url: Option<&str>) -> Result<Option<OidcSettings>, Failure> {
        let (Some(issuer), Some(client_id)) = (&self.oidc_issuer, &self.oidc_client_id) else {
            return Ok(None);
        };
        let redirect_url = match (&self.oidc_redirect_url, base_url) {
            (Some(url), _) => url.clone(),
            (None, Some(base)) => format!("{}/sign-in/oidc/callback", base.trim_end_matches('/')),
            (None, None) => {
                return Err(Failure::new(
                    "sign-in through OIDC needs careful's own address: give --base-url (or --oidc-redirect-url)",
                ));
            }
        };
        Ok(Some(OidcSettings {
            issuer: issuer.clone(),
            client_id: client_id.clone(),
            client_secret: self.oidc_client_secret.clone(),
            redirect_url,
            username_claim: self.oidc_username_claim.clone(),
        }))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    // Validation reads files and computes: it needs no database, network or runtime threads.
    let result = match cli.command {
        Command::Validate(command) => validate::run(command),
        command => run_async(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a command that uses the database or the network, on a multi-threaded runtime.
fn run_async(command: Command) -> Result<(), Failure> {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return Err(Failure::new(format!("careful could not start its runtime: {e}"))),
    };
    runtime.block_on(run(command))
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("CAREFUL_LOG").unwrap_or_else(|_| EnvFilter::new("warn,sqlx=error,careful=info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).init();
}

async fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Demo(args) => demo(args).await,
        Command::Serve(args) => serve(args).await,
        Command::Migrate(args) => migrate(args).await,
        Command::Generate(args) => {
            generate::run(args, careful_domain::calendar::date_in_england(chrono::Utc::now())).await
        }
        Command::Insight(args) => {
            insight::run(args, careful_domain::calendar::date_in_england(chrono::Utc::now())).await
        }
        Command::Benchmarks(args) => {
            benchmarks::run(args, careful_domain::calendar::date_in_england(chrono::Utc::now())).await
        }
        Command::Forecast(args) => forecast::run(args).await,
        Command::Duties(args) => duties::run(args, careful_domain::calendar::date_in_england(chrono::Utc::now())).await,
        Command::Bench(command) => bench::run(command).await,
        Command::Validate(command) => validate::run(command),
        Command::Import(command) => import::run(command).await,
        Command::Export(command) => export::run(command).await,
        Command::Admin(command) => admin::run(command).await,
        Command::Token(command) => admin::token(command).await,
        Command::Audit(command) => admin::audit(command).await,
        Command::Sar(args) => sar::run(args).await,
        Command::Search(args) => search::run(args).await,
        Command::Backup(args) => backup::backup(args).await,
        Command::Restore(args) => backup::restore(args).await,
        Command::Retention(args) => {
            retention::run(args, careful_domain::calendar::date_in_england(chrono::Utc::now())).await
        }
    }
}

async fn demo(args: DemoArgs) -> Result<(), Failure> {
    let dir = match args.data_dir {
        Some(dir) => dir,
        None => data_dir::default_demo_dir(),
    };
    std::fs::create_dir_all(&dir).map_err(|e| {
        Failure::new(format!(
            "cannot create the demo's data folder {}: {e}. Choose another with --data-dir",
            dir.display()
        ))
    })?;
    let path = dir.join("careful-demo.db");
    let url = format!("sqlite://{}", path.display());
    let today = careful_domain::calendar::date_in_england(chrono::Utc::now());
    let settings = Settings {
        council_name: careful_synth::COUNCIL_NAME.to_string(),
        demo: true,
        base_url: None,
        security: Security::default(),
        oidc: None,
    };
    let mut app = App::open(&url, settings.clone(), Arc::new(SystemClock)).await?;
    let marker = app.synthetic_marker().await?;
    let reusable = marker.as_deref().is_some_and(|m| m.starts_with("careful-synth v2;") && m.ends_with("; complete"));
    if !reusable && (marker.is_some() || app.children_count().await? > 0) {
        // An older or unfinished demo: start again (demo data is synthetic and disposable).
        say!("The demo database in {} is from an older or unfinished demo; making a new one.", path.display());
        app.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let file = dir.join(format!("careful-demo.db{suffix}"));
            if file.exists() {
                std::fs::remove_file(&file)
                    .map_err(|e| Failure::new(format!("cannot remove {}: {e}", file.display())))?;
            }
        }
        app = App::open(&url, settings, Arc::new(SystemClock)).await?;
    }
    if reusable {
        say!("Using the demo database in {} ({} children).", path.display(), app.children_count().await?);
    } else {
        say!("Creating the synthetic {} in {} ...", careful_synth::COUNCIL_NAME, path.display());
        let options =
            careful_synth::Options { population: args.population.max(1_000), ..careful_synth::demo_options(today) };
        let year = careful_domain::CollectionYear::containing(today)
            .ok_or_else(|| Failure::new("today is outside the collection years careful knows"))?;
        let report = careful_app::synthetic::generate(
            GenerateRequest {
                options,
                app: Some(app.clone()),
                ssda903_dir: None,
                cin_file: None,
                year,
                injected_file: None,
            },
            std::sync::Arc::new(|_| {}),
        )
        .await?;
        say!(
            "Created the synthetic {} ({} children, {} events).",
            careful_synth::COUNCIL_NAME,
            report.children,
            report.events
        );
    }
    let accounts = app.prepare_demo_accounts().await?;
    say!("Sign in with one click as any of these synthetic people (the sign-in page lists them):");
    for a in &accounts {
        say!("  {:<36} {:<24} {}", a.role.describe(), a.username, a.description);
    }
    let listener = server::bind("127.0.0.1".parse().expect("an IP address"), args.port).await?;
    server::run(listener, app).await
}

async fn serve(args: ServeArgs) -> Result<(), Failure> {
    let oidc = args.oidc.settings(args.base_url.as_deref())?;
    let settings = Settings {
        council_name: args.council_name,
        demo: false,
        base_url: args.base_url,
        security: Security {
            session_idle: std::time::Duration::from_secs(args.session_idle_minutes.max(1) * 60),
            session_absolute: std::time::Duration::from_secs(args.session_hours.max(1) * 3600),
            uploads_per_hour: args.uploads_per_hour,
            request_timeout: std::time::Duration::from_secs(args.request_timeout_seconds.max(1)),
            ..Security::default()
        },
        oidc,
    };
    let app = App::open(&args.database.database, settings, Arc::new(SystemClock)).await?;
    let listener = server::bind(args.bind, args.port).await?;
    server::run(listener, app).await
}

async fn migrate(args: MigrateArgs) -> Result<(), Failure> {
    let report = App::migrate(&args.database.database, args.rebuild, Arc::new(SystemClock)).await?;
    let shown = careful_app::redacted_database_url(&args.database.database);
    say!("The database at {shown} is up to date.");
    if report.rebuilt > 0 {
        say!("Rebuilt the projections of {} children from the event log.", report.rebuilt);
    }
    Ok(())
}
