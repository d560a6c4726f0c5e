//! `careful validate ssda903`: checks a council's SSDA903 files against every DfE rule of the
//! collection year and reports the findings.
//!
//! Exit status: 0 when no rule that ran found anything, 1 when there are findings, 2 when the
//! input cannot be used (a file that cannot be read, a table that is not recognised, a ragged
//! row..., named by file, line and column) or the report cannot be written. Findings are the
//! normal outcome of validating a real return, so they are not an error; the status lets a
//! script tell the three apart.

use std::fs::File;
use std::io::{BufWriter, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::exit;

use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use careful_app::validate::{
    ReportFormat, Source, Ssda903InputError, Ssda903Request, ValidationReport, check_ssda903, format_date,
    suggested_year,
};
use careful_domain::CollectionYear;
use careful_returns::ssda903::Return;

use crate::failure::Failure;
use crate::output::say;

/// Inputs at least this large (in bytes, both years together) show a progress bar, when
/// standard error is a terminal.
const LARGE_INPUT: u64 = 8 * 1024 * 1024;

#[derive(Subcommand)]
pub enum ValidateCommand {
    /// Check an SSDA903 return (children looked after) against every DfE rule of its year.
    ///
    /// Reads the return's CSV tables (each recognised by its header row, whatever the file is
    /// called) or its XML file, and, with --previous, last year's return, which DfE's rules
    /// compare it with. Reports each finding with DfE's rule code and message, the table, the
    /// line of the file (the header row being line 1), the fields and the child ID, then the
    /// findings by rule and by child, and the rules that could not run and why (no previous
    /// year, no postcode directory to derive the placement fields from, no Ofsted provider
    /// list...).
    ///
    /// Exit status: 0 when there are no findings, 1 when there are findings, 2 when the input
    /// cannot be used (an unreadable file, a table not recognised, a ragged row...: the message
    /// names the file, line and column) or the report cannot be written.
    #[command(name = "ssda903")]
    Ssda903(Ssda903Args),
    /// Check a Children in Need census XML file against DfE's schema and every DfE rule of
    /// 2025-26 (errors and queries).
    ///
    /// Reports what does not fit the schema (an element the census does not have, a date that
    /// is not YYYY-MM-DD, a required element missing...) with the child, the element's path and
    /// the line, then each finding with DfE's rule code, severity and message, the table and
    /// row, the line, the child and the fields, and the findings by rule.
    ///
    /// Exit status: 0 when nothing is found, 1 when there are findings or schema problems, 2
    /// when the file cannot be read as a census (not XML, not UTF-8, not a census: the message
    /// names the file and line) or the report cannot be written.
    #[command(name = "cin")]
    Cin(CinArgs),
}

#[derive(Args)]
pub struct CinArgs {
    /// The census file (DfE's CIN census XML).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// How to write the report: a table for reading (schema problems, findings by rule, every
    /// finding), csv or json for other tools (one row or object per schema problem or
    /// finding), or html (the table's content as a web page).
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Args)]
pub struct Ssda903Args {
    /// The folder holding this year's return: its CSV files (one per table; any file names) or
    /// its one XML file. Every .csv and .xml file in it is read; a single file may be given
    /// instead of a folder.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// The folder (or XML file) holding the previous year's return. Without it, the 43 rules
    /// that compare the two years are not run, and the report says so.
    #[arg(long, value_name = "DIR")]
    previous: Option<PathBuf>,
    /// The collection year of the return, such as 2025-26 (careful has the rules of 2025-26 and
    /// 2026-27). Required: DfE's files do not say which year they are for. If it is left out,
    /// careful says which year the files' latest episode date falls in.
    #[arg(long, value_name = "YEAR")]
    year: Option<CollectionYear>,
    /// The council's local authority code, such as E09000027 (or DfE's number, such as 318).
    /// Rules 229, 411 and 1015 compare placements with it; without it they are not run.
    /// Needed with --postcodes.
    #[arg(long, value_name = "CODE")]
    la: Option<String>,
    /// The ONS postcode directory: the NSPL or ONSPD CSV file as the ONS publishes it (unzipped),
    /// or a CSV with the columns postcode, la_code, easting, northing. careful looks up each
    /// episode's placement and home postcodes in it and derives the fields DfE derives: PL_LA
    /// (the placement's upper-tier authority), PL_LOCATION (IN the council's area or OUT) and
    /// PL_DISTANCE (miles from home), so that the 15 rules reading them run (164, 169, 179,
    /// 218, 392a, 406, 411, 420, 452, 453, 454, 503G, 503H, 503J, 1015). Without it they are
    /// not run, and the report says so.
    #[arg(long, value_name = "FILE")]
    postcodes: Option<PathBuf>,
    /// How to write the report: a table for reading (with the findings by rule and by child),
    /// csv or json for other tools (the findings alone, one per row or object), or html (the
    /// table's content as a web page).
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// Plain text: what was checked, every finding, the findings by rule and by child, and the
    /// rules not run.
    Table,
    /// One row per finding: rule, table, file, row, line, child, fields, message.
    Csv,
    /// An array with one object per finding: rule, table, file, row, line, child, fields,
    /// message.
    Json,
    /// A web page with the same content as the table.
    Html,
}

impl From<FormatArg> for ReportFormat {
    fn from(value: FormatArg) -> Self {
        match value {
            FormatArg::Table => ReportFormat::Table,
            FormatArg::Csv => ReportFormat::Csv,
            FormatArg::Json => ReportFormat::Json,
            FormatArg::Html => ReportFormat::Html,
        }
    }
}

/// Runs the command. It ends the process itself with status 1 when there are findings and 2 when
/// the input cannot be used, so that those are never confused with careful's status 1 for
/// other failures.
pub fn run(command: ValidateCommand) -> Result<(), Failure> {
    match command {
        ValidateCommand::Cin(args) => match cin(args) {
            Ok(Outcome::Clean) => Ok(()),
            Ok(Outcome::Findings) => exit(1),
            Err(unusable) => {
                eprintln!("error: {unusable}");
                exit(2)
            }
        },
        ValidateCommand::Ssda903(args) => match ssda903(args) {
            Ok(Outcome::Clean) => Ok(()),
            Ok(Outcome::Findings) => exit(1),
            Err(unusable) => {
                eprintln!("error: {unusable}");
                exit(2)
            }
        },
    }
}

enum Outcome {
    Clean,
    Findings,
}

fn ssda903(args: Ssda903Args) -> Result<Outcome, Failure> {
    let format = ReportFormat::from(args.format);
    let this_files = files_in(&args.dir, "this year's return")?;
    let previous_files = args.previous.as_deref().map(|dir| files_in(dir, "the previous year's return")).transpose()?;

    let postcodes_size = match &args.postcodes {
        Some(path) => Some(
            std::fs::metadata(path)
                .map(|m| m.len())
                .map_err(|e| Failure::new(format!("cannot read {} (the postcode directory): {e}", path.display())))?,
        ),
        None => None,
    };
    let bytes: u64 = this_files.iter().chain(previous_files.iter().flatten()).map(|f| f.size).sum::<u64>()
        + postcodes_size.unwrap_or(0);
    let bar = (bytes >= LARGE_INPUT && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new_spinner();
        bar.set_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("a valid template"));
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        let count =
            this_files.len() + previous_files.as_ref().map_or(0, Vec::len) + usize::from(postcodes_size.is_some());
        bar.set_message(format!("Reading {count} files ({:.1} MB)", bytes as f64 / 1e6));
        bar
    });

    let this_sources: Vec<Source<'_>> = this_files.iter().map(|f| Source::path(&f.path)).collect();
    let previous_sources: Option<Vec<Source<'_>>> =
        previous_files.as_ref().map(|files| files.iter().map(|f| Source::path(&f.path)).collect());
    if let Some(la) = &args.la
        && la.trim().is_empty()
    {
        return Err(Failure::new("--la is empty: give the council's local authority code, such as E09000027"));
    }
    let request = Ssda903Request {
        this_year: &this_sources,
        previous_year: previous_sources.as_deref(),
        year: args.year,
        local_authority: args.la.as_deref(),
        postcodes: args.postcodes.as_deref().map(Source::path),
    };
    let mut counting = false;
    let checked = check_ssda903(request, |done, total| {
        if let Some(bar) = &bar {
            if !counting {
                // Reading is over: the bar now counts the rules.
                counting = true;
                bar.set_style(
                    ProgressStyle::with_template("{bar:30} {pos}/{len} rules of {msg} ({elapsed})")
                        .expect("a valid template"),
                );
                bar.set_message(args.year.map(|y| y.to_string()).unwrap_or_default());
            }
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let checked = checked.map_err(unusable)?;

    let view = checked.report();
    let lists_findings_only = matches!(format, ReportFormat::Csv | ReportFormat::Json);
    match &args.out {
        Some(path) => {
            write_to_file(&view, format, path)?;
            say!("{}", view.headline());
            if lists_findings_only {
                for line in not_run_lines(&view) {
                    say!("{line}");
                }
            }
            say!("Wrote the report ({format}) to {}.", path.display());
        }
        None => {
            let text = view.render(format);
            say!("{}", text.trim_end_matches('\n'));
            if lists_findings_only {
                // The findings went to standard output for another tool; the rest goes beside
                // them, so that rules not run are never silent.
                eprintln!("{}", view.headline());
                for line in not_run_lines(&view) {
                    eprintln!("{line}");
                }
            }
        }
    }
    Ok(if checked.is_clean() { Outcome::Clean } else { Outcome::Findings })
}

/// "Not run (reason): codes" for each reason some rules did not run.
fn not_run_lines(view: &ValidationReport<'_>) -> Vec<String> {
    view.not_run().iter().map(|g| format!("Not run ({}): {}", g.reason, g.codes.join(", "))).collect()
}

fn write_to_file(view: &ValidationReport<'_>, format: ReportFormat, path: &Path) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::new(format!("cannot write the report to {}: {e}", path.display()));
    let file = File::create(path).map_err(fail)?;
    let mut out = BufWriter::new(file);
    view.write(format, &mut out).map_err(fail)?;
    // Every byte is handed to the system here, so a full disk is reported; the report is not
    // waited onto the disk (fsync), as it can always be made again from the files.
    out.into_inner().map_err(|e| fail(e.into_error()))?;
    Ok(())
}

/// Why --year is needed, with the year the files' dates suggest.
pub(crate) fn missing_year(this_year: &Return) -> String {
    unusable(Ssda903InputError::YearNeeded { latest_episode: suggested_year(this_year) }).to_string()
}

/// What stops the files being checked, in the command's words.
fn unusable(error: Ssda903InputError) -> Failure {
    match error {
        Ssda903InputError::Unreadable { this_year, previous_year } => {
            let errors: Vec<_> = this_year.into_iter().chain(previous_year).collect();
            let listed: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
            Failure::new(format!(
                "the files cannot be validated until {} fixed:\n{}",
                if errors.len() == 1 { "this problem is" } else { "these problems are" },
                listed.join("\n")
            ))
        }
        Ssda903InputError::YearNeeded { latest_episode } => {
            let mut message =
                "give the collection year with --year, such as --year 2025-26: DfE's SSDA903 files do not \
                               say which year they are for (neither the CSV tables nor the XML have a return header)"
                    .to_string();
            if let Some((latest, year)) = latest_episode {
                message.push_str(&format!(
                    ". The latest episode date in these files, {}, falls in {year}",
                    format_date(latest)
                ));
            }
            Failure::new(message)
        }
        Ssda903InputError::UnsupportedYear(e) => Failure::new(format!("{e}; give one of them with --year")),
        Ssda903InputError::Postcodes(errors) => {
            let listed: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
            Failure::new(format!(
                "the postcode directory (--postcodes) cannot be used until {} fixed:\n{}",
                if errors.len() == 1 { "this problem is" } else { "these problems are" },
                listed.join("\n")
            ))
        }
        Ssda903InputError::LocalAuthorityNeeded => Failure::new(
            "--postcodes needs --la, the council's local authority code (such as E09000027): PL_LOCATION says \
             whether each placement is in the council's own area",
        ),
        Ssda903InputError::UnknownLocalAuthority(code) => Failure::new(format!(
            "--la {code} is not an English local authority with children's services that careful knows, and no \
             postcode in the directory is in its area, so every placement would be out of area: give the council's \
             GSS code (such as E09000027) or DfE's number (such as 318)"
        )),
    }
}

pub(crate) struct InputFile {
    pub(crate) path: PathBuf,
    size: u64,
}

/// The files of one year's return: every .csv and .xml file in the folder (in name order), or
/// the one file given.
pub(crate) fn files_in(path: &Path, what: &str) -> Result<Vec<InputFile>, Failure> {
    let metadata = std::fs::metadata(path).map_err(|e| {
        Failure::new(format!(
            "cannot read {} ({what}): {e}; give the folder holding the return's files",
            path.display()
        ))
    })?;
    if metadata.is_file() {
        return Ok(vec![InputFile { path: path.to_path_buf(), size: metadata.len() }]);
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| Failure::new(format!("cannot read the folder {} ({what}): {e}", path.display())))?;
    let mut files = Vec::new();
    let mut ignored = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Failure::new(format!("cannot read the folder {}: {e}", path.display())))?;
        let file = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        let size = match std::fs::metadata(&file) {
            Ok(m) if m.is_file() => m.len(),
            _ => continue,
        };
        let extension = file.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
        if name.starts_with('.') {
            continue;
        }
        if matches!(extension.as_deref(), Some("csv" | "xml")) {
            files.push(InputFile { path: file, size });
        } else {
            ignored.push(name);
        }
    }
    if files.is_empty() {
        return Err(Failure::new(format!(
            "the folder {} ({what}) holds no .csv or .xml files: give the folder holding the return's CSV files \
             (one per table) or its XML file",
            path.display()
        )));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    ignored.sort();
    for name in ignored {
        eprintln!("note: not read: {} (only .csv and .xml files are read)", path.join(name).display());
    }
    Ok(files)
}

fn cin(args: CinArgs) -> Result<Outcome, Failure> {
    let format = ReportFormat::from(args.format);
    let name = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).map_err(|e| Failure::new(format!("cannot read {name} (the census): {e}")))?;
    let checked = careful_app::validate::check_cin(&name, &bytes).map_err(|e| Failure::new(e.to_string()))?;
    let report = checked.report(&name);
    match &args.out {
        Some(path) => {
            let fail = |e: std::io::Error| Failure::new(format!("cannot write the report to {}: {e}", path.display()));
            let mut out = BufWriter::new(File::create(path).map_err(fail)?);
            report.write(format, &mut out).map_err(fail)?;
            out.into_inner().map_err(|e| fail(e.into_error()))?;
            say!("{}", report.headline());
            say!("Wrote the report ({format}) to {}.", path.display());
        }
        None => {
            let mut text = Vec::new();
            report.write(format, &mut text).map_err(|e| Failure::new(format!("cannot write the report: {e}")))?;
            say!("{}", String::from_utf8_lossy(&text).trim_end_matches('\n'));
            if matches!(format, ReportFormat::Csv | ReportFormat::Json) {
                eprintln!("{}", report.headline());
            }
        }
    }
    let outcome = if report.is_clean() { Outcome::Clean } else { Outcome::Findings };
    // The process ends next: freeing every cell of the census one by one would take longer
    // than the operating system takes to reclaim it all (7% of the run at 12,000 children).
    std::mem::forget(checked);
    Ok(outcome)
}
