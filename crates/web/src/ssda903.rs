//! Checking SSDA903 files in the browser: `/returns/ssda903/validate`.
//!
//! `GET` shows the upload form; `POST` (multipart) reads the uploaded files in memory, checks
//! them with the same use case as `careful validate ssda903`
//! ([`careful_app::validate::check_ssda903`]) and answers with the report as a page, or, when
//! the form's second button was used, with the findings as CSV, byte for byte what
//! `careful validate ssda903 --format csv` writes (the `file` column names each file as it was
//! uploaded, where the command names it by its path).
//!
//! Uploaded files hold children's details, so careful never keeps them: they are read into
//! memory, checked, and dropped with the request. That settles two design choices:
//!
//! - **The CSV download** cannot be a link on the report page (there is nothing kept to
//!   download later, and a `data:` link would need the page's Content-Security-Policy relaxed).
//!   Instead the form has two submit buttons, "Check files" and "Check files and download CSV";
//!   the second answers the same POST with the CSV as an attachment, so the browser saves it and
//!   stays on the form. The report page repeats the form, with the year and local authority
//!   filled in, to download the CSV after reading the report: the files must be chosen again.
//! - **Long reports** cannot be paginated (each page would need the files again), so every
//!   finding is on the one page: the summary and the findings by rule first, then the findings
//!   by child and the full table of findings each in a GOV.UK details element, closed, so the page
//!   opens on the summary and the tables are one click (or a find-in-page) away.
//!
//! The form takes an optional postcode directory too, uploaded like the return (and forgotten
//! like it): the ONS's full NSPL is about a gigabyte, more than an upload allows, so a council
//! uploads the subset of it that its return's postcodes need (or the directory of its region),
//! in any of the layouts `careful validate ssda903 --postcodes` reads.
//!
//! The request body is limited to [`MAX_UPLOAD_MB`] MB, and at most [`CONCURRENT_CHECKS`]
//! checks run at once (a large return takes a few seconds and several times its size in
//! memory); further uploads wait for a turn.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use careful_app::App;
use careful_app::validate::{
    FileRead, ReadError, Source, Ssda903Check, Ssda903InputError, Ssda903Request, check_ssda903, ssda903_years,
    thousands,
};
use careful_domain::CollectionYear;
use careful_domain::calendar::long_date;

use crate::pages::{Layout, failure, problem, render};
use crate::session::Me;

/// The largest upload accepted, both years' files together, in megabytes.
pub(crate) const MAX_UPLOAD_MB: usize = 200;

/// How many uploads are checked at once.
pub(crate) const CONCURRENT_CHECKS: usize = 2;

/// The page's address.
pub(crate) const PATH: &str = "/returns/ssda903/validate";

/// The body limit for the page's route.
pub(crate) fn body_limit() -> DefaultBodyLimit {
    // Room for the multipart boundaries and the form's text fields besides the files.
    DefaultBodyLimit::max(MAX_UPLOAD_MB * 1024 * 1024 + 64 * 1024)
}

/// Turns for checking uploads, shared by the requests of this page and the CIN census page.
#[derive(Clone)]
pub(crate) struct Checks(pub(crate) Arc<Semaphore>);

impl Checks {
    pub(crate) fn new() -> Checks {
        Checks(Arc::new(Semaphore::new(CONCURRENT_CHECKS)))
    }
}

/// What the form holds, to show it again: the choices made and what is wrong with them. Files
/// cannot be put back into a file input, so they must be chosen again.
#[derive(Default)]
struct Form {
    year: Option<String>,
    local_authority: String,
    this_year_errors: Vec<String>,
    previous_year_errors: Vec<String>,
    postcodes_errors: Vec<String>,
    local_authority_error: Option<String>,
    year_error: Option<String>,
    /// The error summary: each problem with the field it links to.
    summary: Vec<(&'static str, String)>,
}

/// A collection year as a radio button.
struct YearOption {
    value: String,
    id: String,
    checked: bool,
}

impl Form {
    fn has_errors(&self) -> bool {
        !self.summary.is_empty()
    }

    fn years(&self) -> Vec<YearOption> {
        ssda903_years()
            .into_iter()
            .enumerate()
            .map(|(i, year)| {
                let value = year.to_string();
                YearOption {
                    checked: self.year.as_deref() == Some(value.as_str()),
                    value,
                    // The first radio carries the group's id, so the error summary can link to it.
                    id: if i == 0 { "year".to_string() } else { format!("year-{}", i + 1) },
                }
            })
            .collect()
    }

    fn max_upload_mb(&self) -> usize {
        MAX_UPLOAD_MB
    }

    fn add_file_errors(&mut self, field: &'static str, errors: &[ReadError]) {
        for error in errors {
            let message = shortened(error.to_string());
            self.summary.push((field, message.clone()));
            if field == "previous-year" {
                self.previous_year_errors.push(message);
            } else if field == "postcodes" {
                self.postcodes_errors.push(message);
            } else {
                self.this_year_errors.push(message);
            }
        }
    }
}

#[derive(Template)]
#[template(path = "ssda903-validate.html")]
struct FormPage {
    layout: Layout,
    form: Form,
}

/// One table of a return, for the files table.
struct FileRow {
    table: &'static str,
    file: String,
    rows: String,
}

struct ReturnFiles {
    title: &'static str,
    size: String,
    files: Vec<FileRow>,
}

struct RuleRow {
    code: &'static str,
    message: &'static str,
    findings: String,
    children: String,
}

struct ChildRow {
    child: String,
    findings: String,
    rules: String,
}

struct FindingRow {
    rule: &'static str,
    message: &'static str,
    table: &'static str,
    line: u64,
    fields: String,
    child: String,
}

struct NotRunRow {
    reason: String,
    count: usize,
    codes: String,
}

#[derive(Template)]
#[template(path = "ssda903-report.html")]
struct ReportPage {
    layout: Layout,
    form: Form,
    year: String,
    headline: String,
    local_authority: String,
    derived_from: Option<String>,
    findings: usize,
    findings_text: String,
    children_text: String,
    rules_run: String,
    rules_not_run: usize,
    rules_not_run_text: String,
    returns: Vec<ReturnFiles>,
    by_rule: Vec<RuleRow>,
    by_child: Vec<ChildRow>,
    finding_rows: Vec<FindingRow>,
    not_run: Vec<NotRunRow>,
}

impl ReportPage {
    fn new(layout: Layout, form: Form, check: &Ssda903Check) -> ReportPage {
        let report = check.report();
        let mut returns = vec![return_files("This year's return", check.this_year_files())];
        if let Some(files) = check.previous_year_files() {
            returns.push(return_files("Previous year's return", files));
        }
        let not_run: Vec<NotRunRow> = report
            .not_run()
            .iter()
            .map(|g| NotRunRow { reason: capitalise(g.reason), count: g.codes.len(), codes: g.codes.join(", ") })
            .collect();
        ReportPage {
            layout,
            form,
            year: check.year().to_string(),
            headline: report.headline(),
            local_authority: check.local_authority().unwrap_or("Not given").to_string(),
            derived_from: report.derived_from().map(capitalise),
            findings: report.findings().len(),
            findings_text: thousands(report.findings().len()),
            children_text: thousands(report.children_with_findings()),
            rules_run: thousands(report.rules_run()),
            rules_not_run: report.rules_not_run(),
            rules_not_run_text: thousands(report.rules_not_run()),
            returns,
            by_rule: report
                .by_rule()
                .iter()
                .map(|r| RuleRow {
                    code: r.code,
                    message: r.message,
                    findings: thousands(r.findings),
                    children: thousands(r.children),
                })
                .collect(),
            by_child: report
                .by_child()
                .iter()
                .map(|c| ChildRow {
                    child: c.child.unwrap_or("(no child ID)").to_string(),
                    findings: thousands(c.findings),
                    rules: c.rules.join(", "),
                })
                .collect(),
            finding_rows: report
                .findings()
                .iter()
                .map(|f| FindingRow {
                    rule: f.code,
                    message: f.message,
                    table: f.table.name(),
                    line: f.line,
                    fields: f.fields.join(", "),
                    child: f.child.clone().unwrap_or_default(),
                })
                .collect(),
            not_run,
        }
    }
}

fn return_files(title: &'static str, files: Vec<FileRead<'_>>) -> ReturnFiles {
    let rows: usize = files.iter().map(|f| f.rows).sum();
    let size = format!(
        "{} {}, {} {}",
        files.len(),
        if files.len() == 1 { "table" } else { "tables" },
        thousands(rows),
        if rows == 1 { "row" } else { "rows" }
    );
    ReturnFiles {
        title,
        size,
        files: files
            .into_iter()
            .map(|f| FileRow { table: f.table, file: f.file.to_string(), rows: thousands(f.rows) })
            .collect(),
    }
}

/// The longest problem shown, in characters.
const MAX_PROBLEM_CHARS: usize = 1_000;

/// A problem cut short if it is very long. The reader quotes what it found, so a file whose
/// "header row" is megabytes long (one with no line breaks, or not a CSV at all) would otherwise
/// put all of it on the page, twice. The file, line and column come first, so they are kept.
pub(crate) fn shortened(message: String) -> String {
    match message.char_indices().nth(MAX_PROBLEM_CHARS) {
        Some((cut, _)) => format!("{}… (shortened: the rest is what careful found in the file)", &message[..cut]),
        None => message,
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `GET`: the empty form.
pub(crate) async fn form(State(app): State<App>, me: Me) -> Response {
    render(StatusCode::OK, FormPage { layout: Layout::new(&app, &me.visitor, PATH), form: Form::default() })
}

/// An uploaded file: the name it was uploaded with and its bytes.
struct Upload {
    name: String,
    bytes: Bytes,
}

/// Everything the form sent.
#[derive(Default)]
struct Submitted {
    this_year: Vec<Upload>,
    previous_year: Vec<Upload>,
    postcodes: Option<Upload>,
    year: Option<String>,
    local_authority: String,
    download_csv: bool,
}

/// Why the form's body could not be read.
enum BodyProblem {
    TooLarge,
    Unreadable(String),
}

async fn read_form(multipart: &mut Multipart) -> Result<Submitted, BodyProblem> {
    let mut submitted = Submitted::default();
    let problem = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            BodyProblem::TooLarge
        } else {
            BodyProblem::Unreadable(e.body_text())
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(problem)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "this_year" | "previous_year" | "postcodes" => {
                // Only the file's own name: some browsers send the whole path it was chosen from.
                let file_name = field.file_name().unwrap_or_default();
                let file_name = file_name.rsplit(['/', '\\']).next().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(problem)?;
                // A file input with nothing chosen still sends a part, with no name and no bytes.
                if file_name.is_empty() && bytes.is_empty() {
                    continue;
                }
                let upload = Upload {
                    name: if file_name.is_empty() { "(a file with no name)".into() } else { file_name },
                    bytes,
                };
                if name == "this_year" {
                    submitted.this_year.push(upload);
                } else if name == "postcodes" {
                    submitted.postcodes = Some(upload);
                } else {
                    submitted.previous_year.push(upload);
                }
            }
            "year" => submitted.year = Some(field.text().await.map_err(problem)?.trim().to_string()),
            "local_authority" => submitted.local_authority = field.text().await.map_err(problem)?.trim().to_string(),
            "action" => submitted.download_csv = field.text().await.map_err(problem)? == "csv",
            // Anything else is not part of the form: read past it.
            _ => {
                field.bytes().await.map_err(problem)?;
            }
        }
    }
    Ok(submitted)
}

/// `POST`: checks the uploaded files and answers with the report, the CSV, or the form with
/// what is wrong.
pub(crate) async fn check(
    State(app): State<App>,
    me: Me,
    Extension(checks): Extension<Checks>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let layout = Layout::new(&app, &me.visitor, PATH);
    let mut form = Form::default();
    let mut multipart = match multipart {
        Ok(multipart) => multipart,
        Err(rejection) => {
            tracing::info!(%rejection, "SSDA903 upload: not a multipart form");
            form.this_year_errors.push("Select this year's SSDA903 files with the form on this page".into());
            form.summary.push(("this-year", "Select this year's SSDA903 files with the form on this page".into()));
            return render(StatusCode::BAD_REQUEST, FormPage { layout, form });
        }
    };
    // Wait for a turn before reading the body, so that at most CONCURRENT_CHECKS uploads are
    // held in memory at once.
    let Ok(_turn) = checks.0.acquire().await else { return problem(&app) };
    let submitted = match read_form(&mut multipart).await {
        Ok(submitted) => submitted,
        Err(BodyProblem::TooLarge) => {
            let message = format!("The selected files must be smaller than {MAX_UPLOAD_MB} MB altogether");
            form.this_year_errors.push(message.clone());
            form.summary.push(("this-year", message));
            return render(StatusCode::PAYLOAD_TOO_LARGE, FormPage { layout, form });
        }
        Err(BodyProblem::Unreadable(detail)) => {
            tracing::info!(%detail, "SSDA903 upload: the form could not be read");
            let message = "The files could not be uploaded: select them again and check them".to_string();
            form.this_year_errors.push(message.clone());
            form.summary.push(("this-year", message));
            return render(StatusCode::BAD_REQUEST, FormPage { layout, form });
        }
    };

    form.year = submitted.year.clone().filter(|y| !y.is_empty());
    form.local_authority = submitted.local_authority.clone();
    let year = match form.year.as_deref().map(str::parse::<CollectionYear>) {
        None => None,
        Some(Ok(year)) if ssda903_years().contains(&year) => Some(year),
        Some(_) => {
            form.year_error = Some("Select a collection year careful has rules for".into());
            form.year = None;
            None
        }
    };
    if submitted.this_year.is_empty() {
        let message = "Select this year's SSDA903 files".to_string();
        form.this_year_errors.push(message.clone());
        form.summary.push(("this-year", message));
        if form.year.is_none() && form.year_error.is_none() {
            form.year_error = Some("Select the collection year of the return".into());
        }
        if let Some(error) = &form.year_error {
            form.summary.push(("year", error.clone()));
        }
        return render(StatusCode::UNPROCESSABLE_ENTITY, FormPage { layout, form });
    }
    if let Some(error) = &form.year_error {
        form.summary.push(("year", error.clone()));
        return render(StatusCode::UNPROCESSABLE_ENTITY, FormPage { layout, form });
    }

    // Allowed to check returns, within the hourly limit; the upload is audited.
    let files: Vec<(&str, usize)> = submitted
        .this_year
        .iter()
        .chain(&submitted.previous_year)
        .chain(&submitted.postcodes)
        .map(|u| (u.name.as_str(), u.bytes.len()))
        .collect();
    if let Err(error) = me.handle.start_ssda903_check(&files).await {
        return failure(&layout, error);
    }

    // Reading and checking a large return takes seconds of CPU: off the async threads.
    let rendered = tokio::task::spawn_blocking(move || {
        let this_year: Vec<Source<'_>> = submitted.this_year.iter().map(|u| Source::bytes(&u.name, &u.bytes)).collect();
        let previous_year: Vec<Source<'_>> =
            submitted.previous_year.iter().map(|u| Source::bytes(&u.name, &u.bytes)).collect();
        let request = Ssda903Request {
            this_year: &this_year,
            previous_year: (!previous_year.is_empty()).then_some(previous_year.as_slice()),
            year,
            local_authority: Some(&submitted.local_authority),
            postcodes: submitted.postcodes.as_ref().map(|u| Source::bytes(&u.name, &u.bytes)),
        };
        match check_ssda903(request, |_, _| {}) {
            Ok(check) if submitted.download_csv => csv(&check),
            Ok(check) => render(StatusCode::OK, ReportPage::new(layout, form, &check)),
            Err(error) => {
                explain(&mut form, error);
                render(StatusCode::UNPROCESSABLE_ENTITY, FormPage { layout, form })
            }
        }
    })
    .await;
    rendered.unwrap_or_else(|error| {
        tracing::error!(%error, "SSDA903 upload: the check failed");
        problem(&app)
    })
}

/// Puts what stops the files being checked on the form.
fn explain(form: &mut Form, error: Ssda903InputError) {
    match error {
        Ssda903InputError::Unreadable { this_year, previous_year } => {
            form.add_file_errors("this-year", &this_year);
            form.add_file_errors("previous-year", &previous_year);
            if form.year.is_none() {
                let message = "Select the collection year of the return".to_string();
                form.year_error = Some(message.clone());
                form.summary.push(("year", message));
            }
        }
        Ssda903InputError::YearNeeded { latest_episode } => {
            let mut message = "Select the collection year of the return".to_string();
            if let Some((latest, year)) = latest_episode {
                message.push_str(&format!(
                    ": the latest episode date in these files, {}, falls in {year}",
                    long_date(latest)
                ));
            }
            form.year_error = Some(message.clone());
            form.summary.push(("year", message));
        }
        Ssda903InputError::UnsupportedYear(error) => {
            let message = capitalise(&error.to_string());
            form.year_error = Some(message.clone());
            form.summary.push(("year", message));
        }
        Ssda903InputError::Postcodes(errors) => form.add_file_errors("postcodes", &errors),
        Ssda903InputError::LocalAuthorityNeeded => {
            let message = "Enter the council's local authority code: careful needs it to tell placements in the \
                           council's area from those outside it"
                .to_string();
            form.local_authority_error = Some(message.clone());
            form.summary.push(("local-authority", message));
        }
        Ssda903InputError::UnknownLocalAuthority(code) => {
            let message = format!(
                "Enter the council's local authority code, such as E09000027: {code} is not an English council \
                 careful knows, and no postcode in the directory is in its area"
            );
            form.local_authority_error = Some(message.clone());
            form.summary.push(("local-authority", message));
        }
    }
}

/// The findings as CSV, to save.
fn csv(check: &Ssda903Check) -> Response {
    let mut body = Vec::new();
    if let Err(error) = check.report().write_csv(&mut body) {
        tracing::error!(%error, "SSDA903 upload: the CSV could not be written");
        return (StatusCode::INTERNAL_SERVER_ERROR, "Sorry, the CSV could not be made. Try again later.\n")
            .into_response();
    }
    let disposition = format!("attachment; filename=\"ssda903-findings-{}.csv\"", check.year());
    let disposition = HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment"));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}
