//! `careful`: the command line.

mod bench;
mod data_dir;
mod duties;
mod export;
mod failure;
mod generate;
mod import;
mod output;
mod server;
mod validate;

use crate::output::say;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use careful_app::synthetic::{GenerateRequest, SYNTHETIC_COUNCIL_SETTING};
use careful_app::{App, Settings, SystemClock};
use careful_store::{DatabaseUrl, Store};

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
    Migrate(DatabaseArgs),
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
        Command::Duties(args) => duties::run(args, careful_domain::calendar::date_in_england(chrono::Utc::now())).await,
        Command::Bench(command) => bench::run(command).await,
        Command::Validate(command) => validate::run(command),
        Command::Import(command) => import::run(command).await,
        Command::Export(command) => export::run(command).await,
    }
}

async fn open(url: &str) -> Result<Store, Failure> {
    let url: DatabaseUrl = url.parse()?;
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    Ok(store)
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
    let url = DatabaseUrl::sqlite_file(&path);
    let today = careful_domain::calendar::date_in_england(chrono::Utc::now());
    let mut store = Store::connect(&url).await?;
    store.migrate().await?;
    let marker = store.setting(SYNTHETIC_COUNCIL_SETTING).await?;
    let reusable = marker.as_deref().is_some_and(|m| m.starts_with("careful-synth v2;") && m.ends_with("; complete"));
    let counts = store.counts().await?;
    if !reusable && (counts.children > 0 || counts.teams > 0 || marker.is_some()) {
        // An older or unfinished demo: start again (demo data is synthetic and disposable).
        say!("The demo database in {} is from an older or unfinished demo; making a new one.", path.display());
        store.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let file = dir.join(format!("careful-demo.db{suffix}"));
            if file.exists() {
                std::fs::remove_file(&file)
                    .map_err(|e| Failure::new(format!("cannot remove {}: {e}", file.display())))?;
            }
        }
        store = Store::connect(&url).await?;
        store.migrate().await?;
    }
    if reusable {
        say!("Using the demo database in {} ({} children).", path.display(), store.counts().await?.children);
    } else {
        say!("Creating the synthetic {} in {} ...", careful_synth::COUNCIL_NAME, path.display());
        let options =
            careful_synth::Options { population: args.population.max(1_000), ..careful_synth::demo_options(today) };
        let year = careful_domain::CollectionYear::containing(today)
            .ok_or_else(|| Failure::new("today is outside the collection years careful knows"))?;
        let report = careful_app::synthetic::generate(
            GenerateRequest {
                options,
                store: Some(store.clone()),
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
    let app = App::new(
        store,
        Settings { council_name: careful_synth::COUNCIL_NAME.to_string(), demo: true },
        Arc::new(SystemClock),
    );
    let listener = server::bind("127.0.0.1".parse().expect("an IP address"), args.port).await?;
    server::run(listener, app).await
}

async fn serve(args: ServeArgs) -> Result<(), Failure> {
    let store = open(&args.database.database).await?;
    let app = App::new(store, Settings { council_name: args.council_name, demo: false }, Arc::new(SystemClock));
    let listener = server::bind(args.bind, args.port).await?;
    server::run(listener, app).await
}

async fn migrate(args: DatabaseArgs) -> Result<(), Failure> {
    let url: DatabaseUrl = args.database.parse()?;
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    store.close().await;
    say!("The database at {url} is up to date.");
    Ok(())
}
