//! `careful forecast`: the demand and cost forecast for children looked after, from the record
//! or from SSDA903 files, and its back-test.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use careful_app::forecast::{
    BacktestReport, BacktestRequest, DEFAULT_REFERENCE_DAYS, ForecastReport, ForecastRequest, backtest_children,
    forecast_children, ssda903_children,
};
use careful_app::{App, Settings, SystemClock};
use careful_insight::forecast::{Band, LEFT_CARE, Scenario};

use crate::failure::Failure;
use crate::output::{csv, say};

#[derive(Args)]
pub struct ForecastArgs {
    /// The database: sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE. The
    /// forecast is fitted from every child's record (not needed with --ssda903).
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database: Option<String>,
    /// Fit from SSDA903 files instead of a database: each year's Header and Episodes tables (CSV,
    /// recognised by their header rows) or XML returns; several years may be given together.
    /// Only the files are read. The data ends on the last day of the collection year of the
    /// latest date in them.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    ssda903: Vec<PathBuf>,
    /// The reference window's first day: rates are estimated from what happened in it
    /// [default: 365 days before --reference-to].
    #[arg(long, value_name = "DATE")]
    reference_from: Option<NaiveDate>,
    /// The reference window's last day [default: the data's last day: for a database, the
    /// last day the record shows something happening (a placement beginning or ending, a
    /// visit, a contact, a referral), at most yesterday].
    #[arg(long, value_name = "DATE")]
    reference_to: Option<NaiveDate>,
    /// The first day forecast; the children in care at the end of the day before are the
    /// starting stock [default: the day after the reference window].
    #[arg(long, value_name = "DATE")]
    start: Option<NaiveDate>,
    /// Days to forecast.
    #[arg(long, value_name = "N", default_value_t = 730)]
    days: u32,
    /// Simulated runs for the 95% interval, each with its own draw of the rates.
    #[arg(long, value_name = "N", default_value_t = careful_insight::forecast::DEFAULT_DRAWS)]
    draws: u32,
    /// The seed of the simulated runs: the same seed gives the same interval.
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// Scenario: change the rate at which children come into care by this percentage (-20
    /// for a fifth fewer, 10 for a tenth more).
    #[arg(long, value_name = "PCT", default_value_t = 0.0, allow_negative_numbers = true)]
    entry_rate_change: f64,
    /// Scenario: step down this percentage of the children in residential care to fostering
    /// each year (an added daily chance of a move to fostering in the same age band).
    #[arg(long, value_name = "PCT", default_value_t = 0.0)]
    step_down: f64,
    /// Scenario: of the children coming into care into foster care, place this percentage with
    /// kinship (family and friends) carers [default: the shares seen in the reference window].
    #[arg(long, value_name = "PCT")]
    kinship: Option<f64>,
    /// Weekly unit costs in pounds, a CSV file with the header category,weekly_cost and a row
    /// per category (fostering, kinship, residential, supported, other), such as
    /// residential,5200. Categories left out keep careful's defaults: fostering £600 and
    /// residential £3,000 (DfE, c. 2016), kinship £234 (BAAF 2005); supported and other have
    /// none.
    #[arg(long, value_name = "FILE")]
    costs: Option<PathBuf>,
    /// Age bands, by the age each starts at [default: 0,1,5,10,16: under 1, 1-4, 5-9, 10-15,
    /// 16-17].
    #[arg(long, value_name = "AGES", value_delimiter = ',')]
    age_bands: Option<Vec<u32>>,
    /// Report the forecast every week or every day.
    #[arg(long, value_enum, default_value_t = By::Week)]
    by: By,
    /// Back-test instead of forecasting: for each of the last --years collection years, fit on
    /// the --reference-days before it, forecast it, and compare with what happened: the share
    /// of weeks whose actual stock was inside the 95% interval, and the mean absolute error.
    #[arg(long)]
    backtest: bool,
    /// With --backtest: the collection years held back.
    #[arg(long, value_name = "N", default_value_t = 3, requires = "backtest")]
    years: u32,
    /// With --backtest: the reference window's length in days.
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_REFERENCE_DAYS, requires = "backtest")]
    reference_days: u32,
    /// How to print: a table for reading (quarterly), or every reported day as csv or json.
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

#[derive(Clone, Copy, ValueEnum)]
enum By {
    Week,
    Day,
}

fn check_percent(name: &str, value: f64, low: f64) -> Result<(), Failure> {
    if !(value.is_finite() && value >= low && value <= if low < 0.0 { f64::MAX } else { 100.0 }) {
        let range = if low < 0.0 { "-100 or more".to_string() } else { "from 0 to 100".to_string() };
        return Err(Failure::new(format!("{name} is a percentage {range}, not {value}")));
    }
    Ok(())
}

pub async fn run(args: ForecastArgs) -> Result<(), Failure> {
    check_percent("--entry-rate-change", args.entry_rate_change, -100.0)?;
    check_percent("--step-down", args.step_down, 0.0)?;
    if let Some(k) = args.kinship {
        check_percent("--kinship", k, 0.0)?;
    }
    if args.days == 0 || args.draws == 0 {
        return Err(Failure::new("--days and --draws must each be at least 1"));
    }
    if args.backtest && (args.reference_from.is_some() || args.start.is_some()) {
        return Err(Failure::new(
            "--backtest chooses its own reference windows and starts: give --years and --reference-days instead",
        ));
    }
    let costs = match &args.costs {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::new(format!("cannot read the costs file {}: {e}", path.display())))?;
            Some((path.display().to_string(), text))
        }
        None => None,
    };
    let request = ForecastRequest {
        reference_from: args.reference_from,
        reference_to: args.reference_to,
        start: args.start,
        days: args.days,
        draws: args.draws,
        seed: args.seed,
        every: match args.by {
            By::Week => 7,
            By::Day => 1,
        },
        scenario: Scenario {
            entry_rate_change: args.entry_rate_change,
            step_down: args.step_down,
            kinship: args.kinship,
        },
        costs: costs.clone(),
        band_starts: args.age_bands.clone(),
    };
    let backtest = BacktestRequest {
        years: args.years,
        reference_days: args.reference_days,
        draws: args.draws,
        seed: args.seed,
        band_starts: args.age_bands.clone(),
    };
    if !args.ssda903.is_empty() {
        let (children, data_end) = ssda903_children(&args.ssda903).map_err(|errors| {
            let shown: Vec<String> = errors.iter().take(20).cloned().collect();
            let more = errors.len().saturating_sub(shown.len());
            let tail = if more > 0 { format!("\n... and {more} more") } else { String::new() };
            Failure::new(format!("the SSDA903 files cannot be used:\n{}{tail}", shown.join("\n")))
        })?;
        if args.backtest {
            let report = backtest_children(&children, data_end, &backtest).map_err(|e| Failure::new(e.to_string()))?;
            print_backtest(&report, args.format, "SSDA903 files");
        } else {
            let report = forecast_children(&children, data_end, &request).map_err(|e| Failure::new(e.to_string()))?;
            print_forecast(&report, args.format, "SSDA903 files");
        }
        return Ok(());
    }
    let Some(database) = &args.database else {
        return Err(Failure::new(
            "give --database URL (or DATABASE_URL) to forecast from the record, or --ssda903 FILE...",
        ));
    };
    let app = App::open(database, Settings::command_line(), std::sync::Arc::new(SystemClock)).await?;
    let handle = crate::signin::sign_in(&app, &args.signin).await?;
    if args.backtest {
        let report = handle.forecast_backtest(&backtest).await?;
        print_backtest(&report, args.format, "the record");
    } else {
        let report = handle.forecast(&request).await?;
        print_forecast(&report, args.format, "the record");
    }
    Ok(())
}

fn band_json(b: &Band) -> serde_json::Value {
    serde_json::json!({ "expected": round(b.expected), "low": b.low, "high": b.high })
}

fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn print_forecast(report: &ForecastReport, format: Format, source: &str) {
    let space = &report.space;
    let f = &report.forecast;
    let fit = &report.fit;
    let n = space.len();
    let cats = space.categories();
    let destination = |to: usize| if to == LEFT_CARE { "left care".to_string() } else { space.state_name(to) };
    match format {
        Format::Json => {
            let rates: Vec<serde_json::Value> = (0..n)
                .map(|s| {
                    serde_json::json!({
                        "state": space.state_name(s),
                        "exposure_child_days": fit.exposure[s],
                        "entries": fit.entries[s],
                        "entries_per_day": report.model.entries[s],
                        "moves": report.model.moves[s].iter().map(|(to, p)| serde_json::json!({
                            "to": destination(*to),
                            "events": fit.events[s].get(to).copied().unwrap_or(0),
                            "daily_probability": p,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let points: Vec<serde_json::Value> = f
                .points
                .iter()
                .map(|p| {
                    let mut states = serde_json::Map::new();
                    for (s, b) in p.states.iter().enumerate() {
                        states.insert(space.state_name(s), band_json(b));
                    }
                    let mut by_cat = serde_json::Map::new();
                    for (c, b) in p.categories.iter().enumerate() {
                        by_cat.insert(cats[c].name.clone(), band_json(b));
                    }
                    serde_json::json!({
                        "date": p.date,
                        "total": band_json(&p.total),
                        "categories": by_cat,
                        "states": states,
                        "cost": band_json(&p.cost),
                    })
                })
                .collect();
            let costs: Vec<serde_json::Value> = cats
                .iter()
                .enumerate()
                .map(|(c, cat)| {
                    serde_json::json!({
                        "category": cat.name,
                        "codes": cat.codes,
                        "weekly_cost": report.costs.weekly[c],
                        "source": report.costs.sources[c],
                    })
                })
                .collect();
            let all = serde_json::json!({
                "source": source,
                "children": report.children,
                "data_end": report.data_end,
                "reference_from": fit.window.from,
                "reference_to": fit.window.to,
                "start": f.start,
                "initial_total": f.initial.iter().sum::<u32>(),
                "unestimated_states_in_use": f.unestimated_in_use.iter().map(|s| space.state_name(*s)).collect::<Vec<_>>(),
                "costs": costs,
                "rates": rates,
                "total_cost": band_json(&f.total_cost),
                "points": points,
            });
            say!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
        }
        Format::Csv => {
            say!("date,kind,name,expected,low,high");
            for p in &f.points {
                let row = |kind: &str, name: &str, b: &Band| {
                    say!("{},{},{},{:.2},{},{}", p.date, kind, csv(name), b.expected, b.low, b.high);
                };
                row("total", "all", &p.total);
                for (c, b) in p.categories.iter().enumerate() {
                    row("category", &cats[c].name, b);
                }
                for (s, b) in p.states.iter().enumerate() {
                    row("state", &space.state_name(s), b);
                }
                row("cost", "pounds", &p.cost);
            }
        }
        Format::Table => {
            say!(
                "Forecast of children looked after from {source} ({} children with placements; data to {})",
                report.children,
                report.data_end
            );
            say!(
                "Rates from the reference window {} to {}; the forecast starts on {} from the {} children in care at the end of the day before.",
                fit.window.from,
                fit.window.to,
                f.start,
                f.initial.iter().sum::<u32>()
            );
            say!(
                "Rates used, with the scenario's changes (daily probability = events / child-days at risk; entries a year = entries / days x 365):"
            );
            say!("  {:<24} {:>11} {:>9}  moves", "state", "child-days", "entries/yr");
            for s in 0..n {
                if fit.exposure[s] == 0 && fit.entries[s] == 0 && f.initial[s] == 0 {
                    continue;
                }
                let moves: Vec<String> = report.model.moves[s]
                    .iter()
                    .map(|(to, p)| {
                        format!(
                            "{} {}/{} ({:.5})",
                            destination(*to),
                            fit.events[s].get(to).copied().unwrap_or(0),
                            fit.exposure[s],
                            p
                        )
                    })
                    .collect();
                say!(
                    "  {:<24} {:>11} {:>9.1}  {}",
                    space.state_name(s),
                    fit.exposure[s],
                    report.model.entries[s] * 365.0,
                    if moves.is_empty() { "none seen".into() } else { moves.join("; ") }
                );
            }
            if !f.unestimated_in_use.is_empty() {
                let names: Vec<String> = f.unestimated_in_use.iter().map(|s| space.state_name(*s)).collect();
                say!(
                    "No child was in these states in the reference window, so their rates are unknown and their children are kept there: {}",
                    names.join(", ")
                );
            }
            say!("Weekly unit costs:");
            for (c, cat) in cats.iter().enumerate() {
                match report.costs.weekly[c] {
                    Some(w) => say!("  {:<12} £{:>9.0}  {}", cat.name, w, report.costs.sources[c]),
                    None => say!("  {:<12} {:>10}  (give one with --costs)", cat.name, "none"),
                }
            }
            say!("Children looked after: expected [95% interval], and the cost of the period ending that day:");
            let mut header = format!("  {:<10} {:>18}", "date", "total");
            for c in cats {
                header.push_str(&format!(" {:>18}", c.name));
            }
            header.push_str(&format!(" {:>26}", "cost (£)"));
            say!("{header}");
            let shown: Vec<usize> =
                (0..f.points.len()).filter(|i| (i + 1) % 13 == 0 || *i + 1 == f.points.len()).collect();
            for i in shown {
                let p = &f.points[i];
                let cell = |b: &Band| format!("{:.0} [{:.0}-{:.0}]", b.expected, b.low, b.high);
                let mut line = format!("  {:<10} {:>18}", p.date, cell(&p.total));
                for b in &p.categories {
                    line.push_str(&format!(" {:>18}", cell(b)));
                }
                let cost = &p.cost;
                line.push_str(&format!(" {:>26}", format!("{:.0} [{:.0}-{:.0}]", cost.expected, cost.low, cost.high)));
                say!("{line}");
            }
            let t = &f.total_cost;
            say!(
                "Cost of the {} days: £{:.0} [£{:.0} to £{:.0}] (priced categories only).",
                f.points.last().map_or(0, |p| (p.date - f.start).num_days() + 1),
                t.expected,
                t.low,
                t.high
            );
            say!("--format csv or json gives every reported day and every state.");
        }
    }
}

fn print_backtest(report: &BacktestReport, format: Format, source: &str) {
    let bt = &report.backtest;
    let pct = |v: f64| v * 100.0;
    match format {
        Format::Json => {
            let years: Vec<serde_json::Value> = bt
                .years
                .iter()
                .map(|y| {
                    serde_json::json!({
                        "reference_from": y.window.from,
                        "reference_to": y.window.to,
                        "start": y.start,
                        "end": y.end,
                        "weeks": y.points,
                        "total_inside": y.total_inside,
                        "categories_inside": y.categories_inside,
                        "categories_compared": y.categories_compared,
                        "states_inside": y.states_inside,
                        "states_compared": y.states_compared,
                        "actual_total_at_end": y.actual_total,
                        "forecast_total_at_end": band_json(&y.forecast_total),
                        "total_mae": round(y.total_mae),
                        "category_mae": round(y.category_mae),
                    })
                })
                .collect();
            let all = serde_json::json!({
                "source": source,
                "children": report.children,
                "data_end": report.data_end,
                "total_coverage": bt.total_coverage(),
                "category_coverage": bt.category_coverage(),
                "state_coverage": bt.state_coverage(),
                "year_end_coverage": bt.year_end_coverage(),
                "total_mae": round(bt.total_mae()),
                "category_mae": round(bt.category_mae()),
                "year_end_mape_percent": round(bt.year_end_mape()),
                "years": years,
            });
            say!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
        }
        Format::Csv => {
            say!(
                "reference_from,reference_to,start,end,weeks,total_coverage,category_coverage,state_coverage,actual_total_at_end,expected_total_at_end,low,high,total_mae,category_mae"
            );
            for y in &bt.years {
                say!(
                    "{},{},{},{},{},{:.4},{:.4},{:.4},{},{:.2},{},{},{:.2},{:.2}",
                    y.window.from,
                    y.window.to,
                    y.start,
                    y.end,
                    y.points,
                    f64::from(y.total_inside) / f64::from(y.points.max(1)),
                    f64::from(y.categories_inside) / f64::from(y.categories_compared.max(1)),
                    f64::from(y.states_inside) / f64::from(y.states_compared.max(1)),
                    y.actual_total,
                    y.forecast_total.expected,
                    y.forecast_total.low,
                    y.forecast_total.high,
                    y.total_mae,
                    y.category_mae
                );
            }
        }
        Format::Table => {
            say!(
                "Back-test of the forecast on {source} ({} children with placements; data to {}):",
                report.children,
                report.data_end
            );
            say!(
                "  {:<23} {:<23} {:>7} {:>8} {:>8} {:>8} {:>22} {:>9}",
                "reference window",
                "forecast",
                "weeks",
                "total in",
                "categ in",
                "states in",
                "end: actual / forecast",
                "MAE total"
            );
            for y in &bt.years {
                say!(
                    "  {:<23} {:<23} {:>7} {:>7.1}% {:>7.1}% {:>8.1}% {:>22} {:>9.1}",
                    format!("{} to {}", y.window.from, y.window.to),
                    format!("{} to {}", y.start, y.end),
                    y.points,
                    pct(f64::from(y.total_inside) / f64::from(y.points.max(1))),
                    pct(f64::from(y.categories_inside) / f64::from(y.categories_compared.max(1))),
                    pct(f64::from(y.states_inside) / f64::from(y.states_compared.max(1))),
                    format!(
                        "{} / {:.0} [{:.0}-{:.0}]",
                        y.actual_total, y.forecast_total.expected, y.forecast_total.low, y.forecast_total.high
                    ),
                    y.total_mae
                );
            }
            say!(
                "Coverage of the 95% interval (should be near 95%): total {:.1}% of weeks, categories {:.1}%, states {:.1}%; year-end totals inside: {:.0}%.",
                pct(bt.total_coverage()),
                pct(bt.category_coverage()),
                pct(bt.state_coverage()),
                pct(bt.year_end_coverage())
            );
            say!(
                "Mean absolute error: total {:.1} children, each category {:.1}; year-end total {:.1}% of the actual.",
                bt.total_mae(),
                bt.category_mae(),
                bt.year_end_mape()
            );
        }
    }
}
