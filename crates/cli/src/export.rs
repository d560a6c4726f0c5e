//! `careful export ssda903` and `careful export cin`: the SSDA903 return and the CIN census
//! produced from careful's record.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use careful_app::{App, Settings, SystemClock};

use crate::signin::{SignInArgs, sign_in};
use careful_domain::CollectionYear;

use crate::failure::Failure;
use crate::output::say;

#[derive(Subcommand)]
pub enum ExportCommand {
    /// Write the SSDA903 return (children looked after) for a collection year from careful's
    /// record.
    ///
    /// Writes one CSV file per table, with exactly DfE's column sets for the year (Header,
    /// Episodes, Reviews, UASC, OC2, OC3, AD1, PlacedAdoption, PrevPerm, Missing, SWEpisodes,
    /// and DoLo from 2026-27), named as DfE names them. Everything is derived from the record:
    /// episodes (with RNE and REC) from legal status and placement changes, review
    /// participation, missing episodes, adoption and care leavers' contact. Check the files with
    /// `careful validate ssda903 DIR --previous LAST_YEAR_DIR --year YEAR` before sending them.
    #[command(name = "ssda903")]
    Ssda903(Ssda903Args),
    /// Write the Children in Need census for a collection year from careful's record, as DfE's
    /// XML.
    ///
    /// Every child in need at some time in the year (a referral open in it) is in the census:
    /// their identifiers and characteristics, and each episode of need (referral to closure)
    /// with its assessments and factors, child in need plans, section 47 enquiries and child
    /// protection plans with their reviews, all derived from the record. Elements are in the
    /// order DfE's schema fixes. The file is written whole or not at all.
    #[command(name = "cin")]
    Cin(CinArgs),
}

#[derive(Args)]
pub struct CinArgs {
    /// The database: sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database: String,
    /// The collection year, such as 2025-26 (1 April 2025 to 31 March 2026).
    #[arg(long, value_name = "YEAR")]
    year: CollectionYear,
    /// The council's three-digit DfE local authority number, such as 201, for the census header
    /// (LEA).
    #[arg(long, value_name = "NNN")]
    lea: String,
    /// The file to write (replaced if it exists).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    signin: SignInArgs,
}

#[derive(Args)]
pub struct Ssda903Args {
    /// The database: sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database: String,
    /// The collection year, such as 2025-26 (1 April 2025 to 31 March 2026).
    #[arg(long, value_name = "YEAR")]
    year: CollectionYear,
    /// The folder to write the files into (made if need be; files of the same names in it are
    /// replaced).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    signin: SignInArgs,
}

pub async fn run(command: ExportCommand) -> Result<(), Failure> {
    let args = match command {
        ExportCommand::Ssda903(args) => args,
        ExportCommand::Cin(args) => return cin(args).await,
    };
    let app = App::open(&args.database, Settings::command_line(), std::sync::Arc::new(SystemClock)).await?;
    let handle = sign_in(&app, &args.signin).await?;
    let report = handle.export_ssda903(args.year, &args.out).await?;
    say!(
        "Wrote the {} SSDA903 return to {}: {} of careful's {} children are in it.",
        report.year,
        args.out.display(),
        report.children,
        report.records
    );
    for (table, rows) in &report.rows {
        say!("  {:<16} {rows:>7} rows", table.file_name());
    }
    Ok(())
}

async fn cin(args: CinArgs) -> Result<(), Failure> {
    let app = App::open(&args.database, Settings::command_line(), std::sync::Arc::new(SystemClock)).await?;
    let handle = sign_in(&app, &args.signin).await?;
    let report = handle.export_cin(args.year, &args.lea, &args.out).await?;
    say!(
        "Wrote the {} CIN census to {}: {} of careful's {} children are in it.",
        report.year,
        report.file.display(),
        report.children,
        report.records
    );
    Ok(())
}
