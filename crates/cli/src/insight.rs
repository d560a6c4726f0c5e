//! `careful insight`: the council's indicators for a period, with their definitions.

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use careful_app::insight::PartFigures;
use careful_app::{App, Settings, SystemClock};
use careful_domain::CollectionYear;
use careful_insight::{Indicator, Period, ScrutinyReport, Unit};

use crate::failure::Failure;
use crate::output::{csv, say};

#[derive(Args)]
pub struct InsightArgs {
    /// The database: sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database: String,
    #[command(flatten)]
    period: PeriodArgs,
    /// Each team's or each worker's part of the indicators (what happened while they held a
    /// child's case), for the teams and workers whose worklists you may see.
    #[arg(long, value_enum, value_name = "PART", conflicts_with = "scrutiny")]
    by: Option<By>,
    /// The scrutiny report instead: the Ombudsman's questions about children in care and care
    /// leavers, from aggregates, with counts from 1 to 4 shown as c.
    #[arg(long)]
    scrutiny: bool,
    /// How to print the indicators.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    signin: crate::signin::SignInArgs,
}

/// The period a figures command covers, and the area's population for its rates.
#[derive(Args)]
pub(crate) struct PeriodArgs {
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
    pub(crate) population: Option<u64>,
}

impl PeriodArgs {
    /// The period asked for (the last collection year ended on or before `today` if none), once
    /// the population, if given, is checked.
    pub(crate) fn period(&self, today: NaiveDate) -> Result<Period, Failure> {
        if self.population == Some(0) {
            return Err(Failure::new("--population is the number of children aged 0 to 17 in the area: at least 1"));
        }
        match (self.year, self.from, self.to) {
            (Some(year), _, _) => Ok(Period { from: year.first_day(), to: year.last_day() }),
            (None, Some(from), Some(to)) if from > to => Err(Failure::new(format!("--from {from} is after --to {to}"))),
            (None, Some(from), Some(to)) => Ok(Period { from, to }),
            _ => {
                let ended = CollectionYear::containing(today)
                    .map(CollectionYear::previous)
                    .ok_or_else(|| Failure::new("give the period with --year, or --from and --to"))?;
                Ok(Period { from: ended.first_day(), to: ended.last_day() })
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum By {
    Team,
    Worker,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Csv,
    Json,
}

pub async fn run(args: InsightArgs, today: NaiveDate) -> Result<(), Failure> {
    let period = args.period.period(today)?;
    let population = args.period.population;
    let app = App::open(&args.database, Settings::command_line(), std::sync::Arc::new(SystemClock)).await?;
    let handle = crate::signin::sign_in(&app, &args.signin).await?;
    if args.scrutiny {
        return print_scrutiny(&handle.scrutiny_report(period).await?, args.format);
    }
    if let Some(by) = args.by {
        let parts = handle.indicators_by_part(period).await?;
        return print_parts(if by == By::Team { &parts.teams } else { &parts.workers }, by, args.format, period);
    }
    let (indicators, overdue) = handle.indicators(period, population).await?;
    let shown: Vec<&Indicator> =
        indicators.iter().filter(|i| population.is_some() || i.unit != Unit::PerTenThousand).collect();
    match args.format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = shown.iter().map(|i| indicator_json(i, period)).collect();
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
                    i.unit.code(),
                    i.numerator,
                    i.denominator,
                    i.polarity.code(),
                    csv(i.definition),
                    period.from,
                    period.to
                );
            }
        }
        Format::Table => {
            say!("Indicators from {} to {} (stocks at the end of {}):", period.from, period.to, period.to);
            for i in &shown {
                say!("  {:<66} {:>16}  ({} of {})", i.name, i.formatted(), i.numerator, i.denominator);
            }
            if population.is_none() {
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

fn indicator_json(i: &Indicator, period: Period) -> serde_json::Value {
    serde_json::json!({
        "code": i.code,
        "name": i.name,
        "value": i.value(),
        "unit": i.unit.code(),
        "numerator": i.numerator,
        "denominator": i.denominator,
        "polarity": i.polarity.code(),
        "definition": i.definition,
        "from": period.from,
        "to": period.to,
    })
}

/// Prints each team's or worker's part of the indicators.
fn print_parts(parts: &[PartFigures], by: By, format: Format, period: Period) -> Result<(), Failure> {
    let what = if by == By::Team { "team" } else { "worker" };
    match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = parts
                .iter()
                .map(|p| {
                    let indicators: Vec<_> = p.indicators.iter().map(|i| indicator_json(i, period)).collect();
                    let mut row = serde_json::json!({
                        "id": p.id,
                        "name": p.name,
                        "overdue_duties": p.overdue,
                        "indicators": indicators,
                    });
                    if by == By::Worker {
                        row["team"] = serde_json::Value::from(p.team.clone());
                    }
                    row
                })
                .collect();
            let all = serde_json::json!({ if by == By::Team { "teams" } else { "workers" }: rows });
            say!("{}", serde_json::to_string_pretty(&all).map_err(|e| Failure::new(e.to_string()))?);
        }
        Format::Csv => {
            say!("{what}_id,{what},team,code,name,value,unit,numerator,denominator,polarity,from,to");
            for p in parts {
                for i in &p.indicators {
                    say!(
                        "{},{},{},{},{},{},{},{},{},{},{},{}",
                        p.id,
                        csv(&p.name),
                        csv(&p.team),
                        i.code,
                        csv(i.name),
                        i.value().map(|v| format!("{v:.1}")).unwrap_or_default(),
                        i.unit.code(),
                        i.numerator,
                        i.denominator,
                        i.polarity.code(),
                        period.from,
                        period.to
                    );
                }
            }
        }
        Format::Table => {
            say!(
                "Indicators by {what} from {} to {} (what happened while they held a child's case):",
                period.from,
                period.to
            );
            for p in parts {
                let team = if p.team.is_empty() { String::new() } else { format!(" ({})", p.team) };
                say!("");
                say!("{}{team}: {} overdue duties now", p.name, p.overdue);
                for i in &p.indicators {
                    say!("  {:<66} {:>16}  ({} of {})", i.name, i.formatted(), i.numerator, i.denominator);
                }
            }
        }
    }
    Ok(())
}

/// Prints the scrutiny report.
fn print_scrutiny(report: &ScrutinyReport, format: Format) -> Result<(), Failure> {
    let period = report.period;
    match format {
        Format::Json => {
            let sections: Vec<serde_json::Value> = report
                .sections
                .iter()
                .map(|s| {
                    let lines: Vec<_> = s
                        .lines
                        .iter()
                        .map(|l| {
                            serde_json::json!({
                                "measure": l.label,
                                "count": l.count.text(),
                                "of": l.of.map(|o| o.text()),
                                "percent": l.percent(),
                            })
                        })
                        .collect();
                    serde_json::json!({ "title": s.title, "question": s.question, "lines": lines })
                })
                .collect();
            let all = serde_json::json!({ "from": period.from, "to": period.to, "sections": sections });
            say!("{}", serde_json::to_string_pretty(&all).map_err(|e| Failure::new(e.to_string()))?);
        }
        Format::Csv => {
            say!("section,measure,count,of,percent,from,to");
            for s in &report.sections {
                for l in &s.lines {
                    say!(
                        "{},{},{},{},{},{},{}",
                        csv(s.title),
                        csv(&l.label),
                        l.count.text(),
                        l.of.map(|o| o.text()).unwrap_or_default(),
                        l.percent().map(|p| format!("{p:.1}")).unwrap_or_default(),
                        period.from,
                        period.to
                    );
                }
            }
        }
        Format::Table => {
            say!("Scrutiny report: children in care and care leavers, from {} to {}", period.from, period.to);
            say!("Counts from 1 to 4 are shown as c (and a second count in a group, so neither can be worked out).");
            for s in &report.sections {
                say!("");
                say!("{}: {}", s.title, s.question);
                for l in &s.lines {
                    let of = l.of.map(|o| format!(" of {}", o.text())).unwrap_or_default();
                    let percent = l.percent().map(|p| format!(" ({p:.1}%)")).unwrap_or_default();
                    say!("  {:<90} {}{of}{percent}", l.label, l.count.text());
                }
            }
        }
    }
    Ok(())
}
