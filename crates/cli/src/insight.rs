//! `careful insight`: the council's indicators for a period, with their definitions.

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use careful_app::{App, Settings, SystemClock};
use careful_domain::CollectionYear;
use careful_insight::{Indicator, Period, Unit};

use crate::failure::Failure;
use crate::output::{csv, say};

#[derive(Args)]
pub struct InsightArgs {
    /// The database: sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database: String,
    /// A collection year, such as 2025-26 (1 April to 31 March) [default: the last year ended
    /// on or before today].
    #[arg(long, value_name = "YEAR", conflicts_with_all = ["from", "to"])]
    year: Option<CollectionYear>,
    /// The period's first day (with --to), for a period other than a collection year.
    #[arg(long, value_name = "DATE", requires = "to")]
    from: Option<NaiveDate>,
    /// The period's last day; stocks are counted at its end.
    #[arg(long, value_name = "DATE", requires = "from")]
    to: Option<NaiveDate>,
    /// Children aged 0 to 17 in the council's area (ONS mid-year estimate), for the rates per
    /// 10,000; without it the rates are left out.
    #[arg(long, value_name = "N")]
    population: Option<u64>,
    /// How to print the indicators.
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

pub async fn run(args: InsightArgs, today: NaiveDate) -> Result<(), Failure> {
    let period = match (args.year, args.from, args.to) {
        (Some(year), _, _) => Period { from: year.first_day(), to: year.last_day() },
        (None, Some(from), Some(to)) => {
            if from > to {
                return Err(Failure::new(format!("--from {from} is after --to {to}")));
            }
            Period { from, to }
        }
        _ => {
            let ended = CollectionYear::containing(today)
                .map(CollectionYear::previous)
                .ok_or_else(|| Failure::new("give the period with --year, or --from and --to"))?;
            Period { from: ended.first_day(), to: ended.last_day() }
        }
    };
    if args.population == Some(0) {
        return Err(Failure::new("--population is the number of children aged 0 to 17 in the area: at least 1"));
    }
    let app = App::open(&args.database, Settings::command_line(), std::sync::Arc::new(SystemClock)).await?;
    let handle = crate::signin::sign_in(&app, &args.signin).await?;
    let (indicators, overdue) = handle.indicators(period, args.population).await?;
    let shown: Vec<&Indicator> =
        indicators.iter().filter(|i| args.population.is_some() || i.unit != Unit::PerTenThousand).collect();
    match args.format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = shown
                .iter()
                .map(|i| {
                    serde_json::json!({
                        "code": i.code,
                        "name": i.name,
                        "value": i.value(),
                        "unit": unit(i.unit),
                        "numerator": i.numerator,
                        "denominator": i.denominator,
                        "polarity": polarity(i),
                        "definition": i.definition,
                        "from": period.from,
                        "to": period.to,
                    })
                })
                .collect();
            let all = serde_json::json!({ "indicators": rows, "overdue_by_rule": overdue });
            say!("{}", serde_json::to_string_pretty(&all).map_err(|e| Failure::new(e.to_string()))?);
        }
        Format::Csv => {
            say!("code,name,value,unit,numerator,denominator,polarity,definition,from,to");
            for i in &shown {
                say!(
                    "{},{},{},{},{},{},{},{},{},{}",
                    i.code,
                    csv(i.name),
                    i.value().map(|v| format!("{v:.1}")).unwrap_or_default(),
                    unit(i.unit),
                    i.numerator,
                    i.denominator,
                    polarity(i),
                    csv(i.definition),
                    period.from,
                    period.to
                );
            }
        }
        Format::Table => {
            say!("Indicators from {} to {} (stocks at the end of {}):", period.from, period.to, period.to);
            for i in &shown {
                let value = match (i.value(), i.unit) {
                    (Some(v), Unit::Percent) => format!("{v:.1}%"),
                    (Some(v), Unit::PerTenThousand) => format!("{v:.1} per 10,000"),
                    (None, _) => "none to count".into(),
                };
                say!("  {:<66} {:>16}  ({} of {})", i.name, value, i.numerator, i.denominator);
            }
            if args.population.is_none() {
                say!("Rates per 10,000 children need --population (children aged 0 to 17 in the area).");
            }
            if !overdue.is_empty() {
                say!("Duties overdue today, by rule (careful duties --catalogue says what each is):");
                for (rule, n) in &overdue {
                    say!("  {rule:<30} {n:>8}");
                }
            }
        }
    }
    Ok(())
}

fn unit(u: Unit) -> &'static str {
    match u {
        Unit::PerTenThousand => "per_10000",
        Unit::Percent => "percent",
    }
}

fn polarity(i: &Indicator) -> &'static str {
    match i.polarity {
        careful_insight::Polarity::HigherBetter => "higher_better",
        careful_insight::Polarity::LowerBetter => "lower_better",
        careful_insight::Polarity::Context => "context",
    }
}
