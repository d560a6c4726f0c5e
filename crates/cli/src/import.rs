//! `careful import ssda903` and `careful import cin`: a council's existing statutory returns
//! into careful's record.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use careful_app::{App, AppError, Settings, SystemClock};
use careful_domain::CollectionYear;
use careful_domain::calendar::long_date;
use careful_returns::ssda903::{Source, read_submission};

use crate::failure::Failure;
use crate::output::say;
use crate::validate::{files_in, missing_year};

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import an SSDA903 return (children looked after) into careful's record.
    ///
    /// Turns each child's rows into the events of their record: becoming looked after, legal
    /// status and placement changes, ceasing to be looked after, reviews, health and SDQs,
    /// missing episodes, adoption decisions and matches, care leavers' contact and social
    /// workers, so the council sees its children's duties and figures the day it starts. With
    /// --previous, last year's return adds the history before this year. DfE's findings on the
    /// files are kept as data-quality flags on each child (`careful duties --child ID` shows
    /// them); rows with findings are still imported.
    ///
    /// The import is one transaction: a failed import leaves the database as it was. Importing
    /// the same files again changes nothing. Rows careful cannot represent at all (an unreadable
    /// date, an episode that ends before it starts, episodes that do not join up) stop the
    /// import, every one listed with its file, line and field; with --skip-unrepresentable every
    /// other child is imported and those children are listed.
    ///
    /// The 903 holds no visits, notices to carers or names: careful assesses duties from the day
    /// of the first import (the practice standard assessed_from), so history kept elsewhere does
    /// not show as overdue, and records each child by their ID until a worker adds their name.
    /// With --assess-from DATE the first import sets that day instead, so a council can judge its
    /// past timeliness (met late, overdue) from its own returns; the day is the council's, for
    /// every child, and later imports leave it as it is.
    #[command(name = "ssda903")]
    Ssda903(Ssda903Args),
    /// Import a CIN census (children in need) into careful's record.
    ///
    /// Turns each child's episodes into the events of their record: the referral, assessments
    /// and their factors, child in need plans, strategy discussions and section 47 enquiries,
    /// initial conferences, child protection plans and their reviews, and the episode's closure
    /// or no further action. Where the census does not say (the day of a strategy discussion,
    /// an assessment's outcome), each event's reason says what careful chose. DfE's findings on
    /// the census are kept as data-quality flags on each child; children with findings are
    /// still imported.
    ///
    /// The import is one transaction: a failed import leaves the database as it was. Importing
    /// the same census again changes nothing. A child careful already holds with no episodes of
    /// need (from an SSDA903 import, say) has the census's episodes added to their record; a
    /// child held with other episodes stops the import. Values careful cannot represent (an
    /// unreadable date or code, a plan still open when its episode closed) stop the import,
    /// every one listed with its line and field; with --skip-unrepresentable every other child
    /// is imported and those children are listed. --assess-from is as for `import ssda903`.
    #[command(name = "cin")]
    Cin(CinArgs),
}

#[derive(Args)]
pub struct CinArgs {
    /// The census: DfE's CIN census XML file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The collection year, such as 2025-26 [default: the census's own, from its Header].
    #[arg(long, value_name = "YEAR")]
    year: Option<CollectionYear>,
    /// The database: sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database: String,
    /// Import every child careful can represent, and list the children left out, instead of
    /// stopping.
    #[arg(long)]
    skip_unrepresentable: bool,
    /// Assess duties due from this day (YYYY-MM-DD), as for `import ssda903`.
    #[arg(long, value_name = "DATE")]
    assess_from: Option<NaiveDate>,
    #[command(flatten)]
    signin: crate::signin::SignInArgs,
}

#[derive(Args)]
pub struct Ssda903Args {
    /// The folder holding this year's return: its CSV files (one per table; any file names) or
    /// its one XML file.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// The folder (or XML file) holding the previous year's return, for the history before this
    /// year.
    #[arg(long, value_name = "DIR")]
    previous: Option<PathBuf>,
    /// The collection year of the return, such as 2025-26.
    #[arg(long, value_name = "YEAR")]
    year: Option<CollectionYear>,
    /// The database: sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database: String,
    /// Import every child careful can represent, and list the children left out, instead of
    /// stopping.
    #[arg(long)]
    skip_unrepresentable: bool,
    /// Assess duties due from this day (YYYY-MM-DD), to judge past timeliness from the returns;
    /// by default the day of the import. Not after today, nor before 1 January 2015. Sets the
    /// council's practice standard assessed_from at the first import; a later import giving a
    /// different day is refused (change it with `careful admin standards --set`).
    #[arg(long, value_name = "DATE")]
    assess_from: Option<NaiveDate>,
    #[command(flatten)]
    signin: crate::signin::SignInArgs,
}

pub async fn run(command: ImportCommand) -> Result<(), Failure> {
    match command {
        ImportCommand::Ssda903(args) => ssda903(args).await,
        ImportCommand::Cin(args) => cin(args).await,
    }
}

async fn cin(args: CinArgs) -> Result<(), Failure> {
    let bytes =
        std::fs::read(&args.file).map_err(|e| Failure::new(format!("{}: cannot be read: {e}", args.file.display())))?;
    let name = args.file.display().to_string();
    let app = App::open(&args.database, Settings::command_line(), std::sync::Arc::new(SystemClock)).await?;
    let handle = crate::signin::sign_in(&app, &args.signin).await?;
    let report = match handle.import_cin(&name, &bytes, args.year, args.skip_unrepresentable, args.assess_from).await {
        Ok(report) => report,
        Err(e @ (AppError::ImportRefused { .. } | AppError::ImportConflict { .. } | AppError::Import(_))) => {
            return Err(Failure::new(e.to_string()));
        }
        Err(e) => return Err(e.into()),
    };
    let year = report.year.map(|y| y.to_string()).unwrap_or_default();
    say!(
        "Imported the {year} CIN census: {} children's records created and {} added to ({} events), {} already in careful and unchanged.",
        report.imported,
        report.added_to,
        report.events,
        report.unchanged
    );
    summary(&report, args.assess_from.is_some());
    Ok(())
}

async fn ssda903(args: Ssda903Args) -> Result<(), Failure> {
    let this_files = files_in(&args.dir, "this year's return")?;
    let previous_files = args.previous.as_deref().map(|p| files_in(p, "the previous year's return")).transpose()?;
    let this_sources: Vec<Source<'_>> = this_files.iter().map(|f| Source::path(&f.path)).collect();
    let previous_sources: Option<Vec<Source<'_>>> =
        previous_files.as_ref().map(|files| files.iter().map(|f| Source::path(&f.path)).collect());
    let submission = read_submission(&this_sources, previous_sources.as_deref()).map_err(|errors| {
        Failure::new(format!(
            "the files cannot be read, so nothing was imported:\n{}",
            errors.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n")
        ))
    })?;
    let Some(year) = args.year else {
        return Err(Failure::new(missing_year(&submission.this_year)));
    };
    let app = App::open(&args.database, Settings::command_line(), std::sync::Arc::new(SystemClock)).await?;
    let handle = crate::signin::sign_in(&app, &args.signin).await?;
    let report = match handle.import_ssda903(&submission, year, args.skip_unrepresentable, args.assess_from).await {
        Ok(report) => report,
        Err(e @ (AppError::ImportRefused { .. } | AppError::ImportConflict { .. })) => {
            return Err(Failure::new(e.to_string()));
        }
        Err(e) => return Err(e.into()),
    };
    say!(
        "Imported the {year} SSDA903 return{}: {} children's records created ({} events), {} already in careful and unchanged.",
        if args.previous.is_some() { " with the previous year's" } else { "" },
        report.imported,
        report.events,
        report.unchanged
    );
    if report.workers_added > 0 {
        say!(
            "Added {} social workers named in SWEpisodes, in the team \"{}\"; give them their names and teams.",
            report.workers_added,
            careful_app::import::IMPORTED_WORKERS_TEAM
        );
    }
    summary(&report, args.assess_from.is_some());
    Ok(())
}

/// What every import says after its first line: findings, the day duties are assessed from,
/// children worked out again and children left out.
fn summary(report: &careful_app::import::ImportReport, assess_from: bool) {
    say!(
        "DfE's rules found {} issues in the files; {} children have data-quality flags ({} values careful does not hold yet).",
        report.findings,
        report.flagged_children,
        report.not_kept
    );
    match (report.assessed_from, assess_from) {
        (Some(from), true) => say!(
            "careful assesses duties due from {}, as asked: duties the returns show were met late or are overdue since then are shown so.",
            long_date(from)
        ),
        (Some(from), false) => {
            say!("careful assesses duties from {}: earlier history was recorded elsewhere.", long_date(from))
        }
        _ => {}
    }
    if report.reassessed > 0 {
        say!(
            "Worked out again the duties of the {} children careful already held, from the new day.",
            report.reassessed
        );
    }
    if !report.left_out.is_empty() {
        let mut children: Vec<&str> = report.left_out.iter().map(|r| r.child.as_str()).collect();
        children.dedup();
        say!("Left out {} children whose values careful cannot represent:", children.len());
        for row in &report.left_out {
            say!("  {row}");
        }
    }
}
