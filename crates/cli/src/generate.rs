//! `careful generate`: a synthetic council, into a database and/or as 903 and CIN files.

use crate::output::say;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use careful_app::synthetic::{GenerateReport, GenerateRequest, generate};
use careful_app::{App, Settings, SystemClock};
use careful_domain::CollectionYear;
use careful_synth::{FailureRates, Options, model};

use crate::failure::Failure;

#[derive(Args)]
pub struct GenerateArgs {
    /// Children aged 0 to 17 in the council's area (about 80,000 is a typical council;
    /// 12,000,000 is England).
    #[arg(long, default_value_t = 80_000)]
    population: u64,
    /// Years of history to generate, ending on --end (after 18 years of burn-in, so that
    /// children looked after from birth are there).
    #[arg(long, default_value_t = 1)]
    years: u32,
    /// The seed: the same seed and options always give the same council, byte for byte.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The last day generated [default: today].
    #[arg(long, value_name = "DATE")]
    end: Option<NaiveDate>,
    /// Write the council into this database (sqlite://PATH or postgres://...), which must
    /// hold no records yet.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Write the 903 tables for --year into this folder.
    #[arg(long, value_name = "DIR")]
    ssda903: Option<PathBuf>,
    /// Write the CIN census for --year to this file.
    #[arg(long, value_name = "FILE")]
    cin: Option<PathBuf>,
    /// The collection year for the files and the figures [default: the last year ending on
    /// or before --end].
    #[arg(long, value_name = "YEAR")]
    year: Option<CollectionYear>,
    /// Write the failures injected on purpose (late visits, drifting assessments, overdue
    /// reviews, placements ended without notice) to this CSV file.
    #[arg(long, value_name = "FILE")]
    injected: Option<PathBuf>,
    /// Chance that a looked-after child's statutory visit comes late.
    #[arg(long, default_value_t = FailureRates::default().late_visit, value_name = "RATE")]
    late_visits: f64,
    /// Chance that an assessment drifts past 45 working days.
    #[arg(long, default_value_t = FailureRates::default().drifting_assessment, value_name = "RATE")]
    drifting_assessments: f64,
    /// Chance that a looked-after review is held late.
    #[arg(long, default_value_t = FailureRates::default().overdue_review, value_name = "RATE")]
    overdue_reviews: f64,
    /// Chance that a placement ends with no notice to the carer recorded.
    #[arg(long, default_value_t = FailureRates::default().unnotified_placement_end, value_name = "RATE")]
    unnotified_placement_ends: f64,
}

pub async fn run(args: GenerateArgs, today: NaiveDate) -> Result<(), Failure> {
    for (name, rate) in [
        ("--late-visits", args.late_visits),
        ("--drifting-assessments", args.drifting_assessments),
        ("--overdue-reviews", args.overdue_reviews),
        ("--unnotified-placement-ends", args.unnotified_placement_ends),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(Failure::new(format!("{name} is a chance between 0 and 1, not {rate}")));
        }
    }
    if args.population < 1_000 {
        return Err(Failure::new("--population must be at least 1,000 children"));
    }
    if args.years == 0 || args.years > 10 {
        return Err(Failure::new("--years must be from 1 to 10"));
    }
    let end = args.end.unwrap_or(today);
    let year = match args.year {
        Some(year) => year,
        None => {
            let containing = CollectionYear::containing(end)
                .ok_or_else(|| Failure::new(format!("{end} is outside the collection years careful knows")))?;
            if containing.last_day() == end { containing } else { containing.previous() }
        }
    };
    let app = match &args.database {
        Some(url) => Some(App::open(url, Settings::command_line(), Arc::new(SystemClock)).await?),
        None => None,
    };
    let options = Options {
        population: args.population,
        years: args.years,
        end,
        seed: args.seed,
        failures: FailureRates {
            late_visit: args.late_visits,
            drifting_assessment: args.drifting_assessments,
            overdue_review: args.overdue_reviews,
            unnotified_placement_end: args.unnotified_placement_ends,
        },
    };
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} children generated ({elapsed})").expect("valid template"),
    );
    let ticker = bar.clone();
    let started = std::time::Instant::now();
    let report = generate(
        GenerateRequest {
            options,
            app: app.clone(),
            ssda903_dir: args.ssda903.clone(),
            cin_file: args.cin.clone(),
            year,
            injected_file: args.injected.clone(),
        },
        Arc::new(move |n| ticker.set_position(n)),
    )
    .await?;
    bar.finish_and_clear();
    if let Some(app) = &app {
        app.close().await;
    }
    print_report(&report, args.population, started.elapsed().as_secs_f64());
    if app.is_some() {
        say!();
        say!(
            "The council was written as its synthetic administrator ({}). To sign in to it, make an administrator with careful admin bootstrap, or try it with careful demo.",
            careful_app::demo::SYNTHETIC_ADMINISTRATOR
        );
    }
    Ok(())
}

fn print_report(report: &GenerateReport, population: u64, seconds: f64) {
    say!(
        "Generated {} children ({} journeys simulated) with {} events in {seconds:.1} s.",
        report.children,
        report.simulated,
        report.events
    );
    say!("{} failures were injected on purpose.", report.injected.len());
    for file in &report.files {
        say!("Wrote {}", file.display());
    }
    say!();
    say!("Figures for {} for a population of {population}, against England's:", report.year);
    say!("{:<62} {:>9} {:>9} {:>8}", "", "target", "produced", "off by");
    let mut outside = 0;
    for target in model::targets() {
        let Some(produced) = report.figures.iter().find(|f| f.name == target.name) else { continue };
        let off = (produced.value - target.value) / target.value * 100.0;
        let mark = if off.abs() > 10.0 {
            outside += 1;
            "  outside 10%"
        } else {
            ""
        };
        say!("{:<62} {:>9.1} {:>9.1} {:>+7.1}%{mark}", target.name, target.value, produced.value, off);
    }
    if outside == 0 {
        say!("Every figure is within 10% of its target.");
    } else {
        say!(
            "{outside} figure(s) are more than 10% from their targets; small councils vary by chance (try a larger --population)."
        );
    }
}
