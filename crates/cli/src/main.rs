//! `careful`: the command line.

mod bench;
mod data_dir;
mod failure;
mod server;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use careful_app::{App, SeedOutcome, Settings, SystemClock};
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
    /// Measure careful's speed.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
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
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: careful could not start its runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("CAREFUL_LOG").unwrap_or_else(|_| EnvFilter::new("warn,careful=info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).init();
}

async fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Demo(args) => demo(args).await,
        Command::Serve(args) => serve(args).await,
        Command::Migrate(args) => migrate(args).await,
        Command::Bench(command) => bench::run(command).await,
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
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    let app = App::new(
        store,
        Settings { council_name: careful_synth::demo::COUNCIL_NAME.to_string(), demo: true },
        Arc::new(SystemClock),
    );
    let council = careful_synth::demo::council(1, app.today(), 40);
    match app.seed_synthetic_council(&council).await? {
        SeedOutcome::Seeded { children, events } => {
            println!(
                "Created the synthetic {} in {} ({children} children, {events} events).",
                council.name,
                path.display()
            );
        }
        SeedOutcome::AlreadyPresent { children } => {
            println!("Using the demo database in {} ({children} children).", path.display());
        }
    }
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
    println!("The database at {url} is up to date.");
    Ok(())
}
