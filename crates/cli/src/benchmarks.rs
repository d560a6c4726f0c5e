//! `careful benchmarks`: the council's indicators beside England, its region and its
//! statistical neighbours, with its rank and quartile; `careful benchmarks import` reads DfE's
//! published local-authority tables; `careful benchmarks neighbours` sets the council's code
//! and its statistical neighbours.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};

use careful_app::{App, Settings, SystemClock};
use careful_insight::Unit;
use careful_insight::benchmarks::{BenchmarkRow, Comparator, Published};

use crate::failure::Failure;
use crate::output::{csv, say};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct BenchmarksArgs {
    #[command(subcommand)]
    command: Option<BenchmarksCommand>,
    #[command(flatten)]
    show: ShowArgs,
}

#[derive(Subcommand)]
enum BenchmarksCommand {
    /// Import published figures from a CSV file in the layout explore-education-statistics
    /// publishes DfE's local-authority tables in.
    ///
    /// The header must hold time_period (202425, 2024-25, or 2025 for the year ending 31 March
    /// 2025), geographic_level (National, Regional or Local authority), region_name, la_name and
    /// new_la_code; every other column naming one of careful's indicator codes (such as
    /// re_referrals_12_months, as `careful insight --format csv` lists them) is read, in the
    /// indicator's unit (a percentage as 0 to 100, a rate per 10,000). A source column, if
    /// there is one, says where each row's figures come from; otherwise the file's name does.
    /// EES's symbols are kept as such: c (confidential), x (not available), z (not applicable),
    /// low, k and u. Other columns are listed as not read.
    ///
    /// A file with any problem is refused, every problem named by row, column and rule, and
    /// nothing is stored. The import is one transaction: importing the same file again replaces
    /// what it brought before, and a figure for the same measure, year and place from another
    /// file is replaced. For performance analysts and administrators; audited.
    Import(ImportArgs),
    /// Set the council's own local authority code and its statistical neighbours (up to 10).
    ///
    /// Give each as a GSS code (E09000027) or DfE's three-digit number (318); DfE's children's
    /// services statistical neighbour benchmarking tool lists each council's 10 closest
    /// neighbours. The council's region is taken from its own row in the imported figures. For
    /// performance analysts and administrators; audited.
    Neighbours(NeighboursArgs),
}

#[derive(Args)]
struct DatabaseArg {
    /// The database: sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database: String,
}

#[derive(Args)]
struct ImportArgs {
    #[command(flatten)]
    database: DatabaseArg,
    /// The CSV file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[command(flatten)]
    signin: crate::signin::SignInArgs,
}

#[derive(Args)]
struct NeighboursArgs {
    #[command(flatten)]
    database: DatabaseArg,
    /// The council's own local authority code [default: the one set before].
    #[arg(long, value_name = "CODE")]
    council: Option<String>,
    /// The statistical neighbours' codes, closest first.
    #[arg(value_name = "CODE", required = true, num_args = 1..)]
    neighbours: Vec<String>,
    #[command(flatten)]
    signin: crate::signin::SignInArgs,
}

#[derive(Args)]
struct ShowArgs {
    /// The database: sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database: Option<String>,
    // careful's figures for the period are compared with the latest published figures up to the
    // collection year it ends in.
    #[command(flatten)]
    period: crate::insight::PeriodArgs,
    /// How to print the comparison.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    signin: crate::signin::SignInArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Csv,
    Json,
}

pub async fn run(args: BenchmarksArgs, today: NaiveDate) -> Result<(), Failure> {
    match args.command {
        Some(BenchmarksCommand::Import(a)) => import(a).await,
        Some(BenchmarksCommand::Neighbours(a)) => neighbours(a).await,
        None => show(args.show, today).await,
    }
}

async fn open(database: &str, signin: &crate::signin::SignInArgs) -> Result<careful_app::UserHandle, Failure> {
    let app = App::open(database, Settings::command_line(), std::sync::Arc::new(SystemClock)).await?;
    crate::signin::sign_in(&app, signin).await
}

async fn import(args: ImportArgs) -> Result<(), Failure> {
    let bytes =
        std::fs::read(&args.file).map_err(|e| Failure::new(format!("cannot read {}: {e}", args.file.display())))?;
    let name = args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let handle = open(&args.database.database, &args.signin).await?;
    let report = handle.import_benchmarks(&name, &bytes).await?;
    let periods: Vec<String> = report.periods.iter().map(ToString::to_string).collect();
    say!(
        "Imported {} figures ({} of them suppressed or not available) from {} rows of {}, for {}.",
        report.figures,
        report.suppressed,
        report.rows,
        report.file,
        if periods.is_empty() { "no year".to_string() } else { periods.join(", ") }
    );
    say!("Measures read: {}.", report.measures.join(", "));
    if !report.not_read.is_empty() {
        say!("Columns not read (no measure careful computes): {}.", report.not_read.join(", "));
    }
    if report.replaced > 0 {
        say!("Replaced the {} figures the same file brought before.", report.replaced);
    }
    Ok(())
}

async fn neighbours(args: NeighboursArgs) -> Result<(), Failure> {
    let handle = open(&args.database.database, &args.signin).await?;
    let set = handle.set_statistical_neighbours(args.council.as_deref(), &args.neighbours).await?;
    say!("The council is {}; its statistical neighbours are {}.", set.council, set.neighbours.join(", "));
    Ok(())
}

async fn show(args: ShowArgs, today: NaiveDate) -> Result<(), Failure> {
    let Some(database) = args.database.as_deref() else {
        return Err(Failure::new("give the database with --database URL (or DATABASE_URL)"));
    };
    let period = args.period.period(today)?;
    let population = args.period.population;
    let handle = open(database, &args.signin).await?;
    let council = handle.statistical_neighbours().await?;
    let rows = handle.benchmarks(period, population).await?;
    let shown: Vec<&BenchmarkRow> =
        rows.iter().filter(|r| population.is_some() || r.indicator.unit != Unit::PerTenThousand).collect();
    match args.format {
        Format::Json => {
            let comparator = |c: &Option<Comparator>| match c {
                Some(c) => serde_json::json!({
                    "value": c.value.value(),
                    "symbol": match c.value { Published::Suppressed(s) => Some(s.symbol()), Published::Value(_) => None },
                    "source": c.source,
                    "year": c.year.to_string(),
                }),
                None => serde_json::Value::Null,
            };
            let json: Vec<serde_json::Value> = shown
                .iter()
                .map(|r| {
                    let i = &r.indicator;
                    serde_json::json!({
                        "code": i.code,
                        "name": i.name,
                        "unit": i.unit.code(),
                        "polarity": i.polarity.code(),
                        "value": i.value(),
                        "numerator": i.numerator,
                        "denominator": i.denominator,
                        "period": r.period.to_string(),
                        "england": comparator(&r.england),
                        "region_name": r.region_name,
                        "region": comparator(&r.region),
                        "neighbours_average": r.neighbours_average,
                        "neighbours_with_figure": r.neighbours_with_figure,
                        "neighbours": r.neighbours,
                        "rank": r.rank,
                        "of": r.of,
                        "quartile": r.quartile,
                        "sources": r.sources,
                    })
                })
                .collect();
            let all = serde_json::json!({
                "from": period.from,
                "to": period.to,
                "council": council.as_ref().map(|c| c.council.clone()),
                "statistical_neighbours": council.as_ref().map(|c| c.neighbours.clone()).unwrap_or_default(),
                "benchmarks": json,
            });
            say!("{}", serde_json::to_string_pretty(&all).map_err(|e| Failure::new(e.to_string()))?);
        }
        Format::Csv => {
            say!(
                "code,name,unit,polarity,value,numerator,denominator,period,england,region_name,region,neighbours_average,neighbours_with_figure,neighbours,rank,of,quartile,sources,england_year,region_year"
            );
            for r in &shown {
                let i = &r.indicator;
                let published = |c: &Option<Comparator>| c.as_ref().map(|c| c.value.to_string()).unwrap_or_default();
                say!(
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    i.code,
                    csv(i.name),
                    i.unit.code(),
                    i.polarity.code(),
                    i.value().map(|v| format!("{v:.1}")).unwrap_or_default(),
                    i.numerator,
                    i.denominator,
                    r.period,
                    published(&r.england),
                    csv(r.region_name.as_deref().unwrap_or_default()),
                    published(&r.region),
                    r.neighbours_average.map(|v| format!("{v:.1}")).unwrap_or_default(),
                    r.neighbours_with_figure,
                    r.neighbours,
                    r.rank.map(|v| v.to_string()).unwrap_or_default(),
                    r.of,
                    r.quartile.map(|v| v.to_string()).unwrap_or_default(),
                    csv(&r.sources.join("; ")),
                    r.england.as_ref().map(|c| c.year.to_string()).unwrap_or_default(),
                    r.region.as_ref().map(|c| c.year.to_string()).unwrap_or_default()
                );
            }
        }
        Format::Table => {
            let year = shown.first().map(|r| r.period.to_string()).unwrap_or_default();
            say!(
                "careful's figures from {} to {}, beside the latest published figures up to {year} (each one's year in --format json or csv).",
                period.from,
                period.to
            );
            match &council {
                Some(c) => say!(
                    "The council is {}{}; {} statistical neighbours.",
                    c.council,
                    rows.iter()
                        .find_map(|r| r.region_name.as_ref())
                        .map(|r| format!(", in {r}"))
                        .unwrap_or_else(|| ", whose region no imported figure gives".into()),
                    c.neighbours.len()
                ),
                None => say!(
                    "The council's code and statistical neighbours are not set (careful benchmarks neighbours), so there is no region or neighbours' average."
                ),
            }
            say!(
                "  {:<63} {:>8} {:>8} {:>8} {:>10} {:>10} {:>8}",
                "Indicator",
                "Council",
                "England",
                "Region",
                "Neighbours",
                "Rank",
                "Quartile"
            );
            let mut sources: Vec<&str> = Vec::new();
            for r in &shown {
                let i = &r.indicator;
                let number = |v: f64| match i.unit {
                    Unit::Percent => format!("{v:.1}%"),
                    Unit::PerTenThousand | Unit::Average => format!("{v:.1}"),
                };
                let published = |c: &Option<Comparator>| match c.as_ref().map(|c| c.value) {
                    Some(Published::Value(v)) => number(v),
                    Some(Published::Suppressed(s)) => s.symbol().to_string(),
                    None => "-".into(),
                };
                say!(
                    "  {:<63} {:>8} {:>8} {:>8} {:>10} {:>10} {:>8}",
                    i.name,
                    i.value().map(number).unwrap_or_else(|| "-".into()),
                    published(&r.england),
                    published(&r.region),
                    r.neighbours_average.map(number).unwrap_or_else(|| "-".into()),
                    r.rank.map(|n| format!("{n} of {}", r.of)).unwrap_or_else(|| "-".into()),
                    r.quartile.map(|q| q.to_string()).unwrap_or_else(|| "-".into()),
                );
                for s in &r.sources {
                    if !sources.contains(&s.as_str()) {
                        sources.push(s);
                    }
                }
            }
            say!(
                "Rank 1 is the best figure (for context indicators, the lowest); quartile 1 is the best quarter. \
                 c: suppressed, x: not available, z: not applicable, -: no figure."
            );
            if population.is_none() {
                say!("Rates per 10,000 children need --population (children aged 0 to 17 in the area).");
            }
            if !sources.is_empty() {
                say!("Sources:");
                for s in sources {
                    say!("  {s}");
                }
            }
        }
    }
    Ok(())
}
