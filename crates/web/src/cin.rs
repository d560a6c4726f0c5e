//! Checking a CIN census in the browser: `/returns/cin/validate`.
//!
//! `GET` shows the upload form; `POST` (multipart) reads the uploaded census in memory, checks it
//! with the same use case as `careful validate cin` ([`careful_app::validate::check_cin`], by way
//! of [`careful_app::validate::check_cin_for_year`]) and answers with the report on the same
//! page, or, when the form's second button was used, with the findings as CSV, byte for byte
//! what `careful validate cin --format csv` writes.
//!
//! It follows the SSDA903 page ([`crate::ssda903`]) in everything that is not particular to the
//! census: the census is never kept (read into memory, checked, dropped with the request), so
//! the CSV comes from a second submit button rather than a link, and the report is one page,
//! with the long tables in closed details elements; the upload is allowed and audited by the
//! app as the signed-in person ([`careful_app::UserHandle::start_cin_check`]), counts towards
//! the same hourly limit, and waits for one of the same turns ([`crate::ssda903::Checks`]); the
//! body is limited to [`MAX_UPLOAD_MB`] MB.
//!
//! The collection year is optional: left as "the year in the census", the census is checked as
//! the command checks it (DfE's 2025-26 rules, over the year its header's `ReferenceDate`
//! closes). A year chosen is a check that the right file was picked: a census whose header is
//! for another year is refused, saying which.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use careful_app::validate::{
    CinCheck, CinInputError, ReadErrorKind, ReportFormat, check_cin_for_year, cin_years, thousands,
};
use careful_app::{App, FieldError};
use careful_domain::CollectionYear;
use careful_domain::calendar::long_date;

use crate::pages::{Errors, Layout, failure, problem, render};
use crate::session::Me;
use crate::ssda903::{Checks, MAX_UPLOAD_MB, shortened};

/// The page's address.
pub(crate) const PATH: &str = "/returns/cin/validate";

/// The year radio meaning "the year the census's header gives".
const FROM_CENSUS: &str = "census";

/// What the form holds, to show it again: the year chosen and what is wrong. A file cannot be
/// put back into a file input, so it must be chosen again.
struct Form {
    year: String,
    errors: Errors,
}

impl Default for Form {
    fn default() -> Form {
        Form { year: FROM_CENSUS.to_string(), errors: Errors::default() }
    }
}

/// A collection year as a radio button.
struct YearOption {
    value: String,
    label: String,
    id: String,
    checked: bool,
}

impl Form {
    fn has_errors(&self) -> bool {
        self.errors.any()
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.errors.0.push(FieldError::new(field, message));
    }

    fn years(&self) -> Vec<YearOption> {
        let census = std::iter::once((FROM_CENSUS.to_string(), "The year in the census's header".to_string()));
        census
            .chain(cin_years().into_iter().map(|y| (y.to_string(), y.to_string())))
            .enumerate()
            .map(|(i, (value, label))| YearOption {
                checked: self.year == value,
                // The first radio carries the group's id, so the error summary can link to it.
                id: if i == 0 { "year".to_string() } else { format!("year-{}", i + 1) },
                value,
                label,
            })
            .collect()
    }

    fn max_upload_mb(&self) -> usize {
        MAX_UPLOAD_MB
    }
}

struct ProblemRow {
    line: u64,
    child: String,
    path: String,
    problem: String,
}

struct RuleRow {
    code: &'static str,
    severity: &'static str,
    message: &'static str,
    findings: String,
    children: String,
}

struct FindingRow {
    rule: &'static str,
    severity: &'static str,
    child: String,
    table: &'static str,
    row: usize,
    line: String,
    fields: String,
}

/// The report, as the page shows it.
struct Report {
    file: String,
    headline: String,
    year: String,
    reference_date: String,
    children: String,
    children_with_findings: String,
    findings: usize,
    findings_text: String,
    errors_text: String,
    queries_text: String,
    problems: Vec<ProblemRow>,
    problems_text: String,
    by_rule: Vec<RuleRow>,
    finding_rows: Vec<FindingRow>,
}

impl Report {
    fn new(file: &str, check: &CinCheck) -> Report {
        let report = check.report(file);
        let findings = &check.findings;
        let errors = findings.iter().filter(|f| f.severity.name() == "error").count();
        let mut with_findings: BTreeSet<&str> = BTreeSet::new();
        let mut rules: BTreeMap<&'static str, (&'static str, &'static str, usize, BTreeSet<&str>)> = BTreeMap::new();
        for f in findings {
            let rule = rules.entry(f.code).or_insert((f.severity.name(), f.message, 0, BTreeSet::new()));
            rule.2 += 1;
            if let Some(child) = f.la_child_id.as_deref() {
                rule.3.insert(child);
                with_findings.insert(child);
            }
        }
        Report {
            file: file.to_string(),
            headline: report.headline(),
            year: check.year().map_or_else(|| "Not given in the header".to_string(), |y| y.to_string()),
            reference_date: check.reference_date().map_or_else(|| "Not given".to_string(), long_date),
            children: thousands(check.tables.children.len()),
            children_with_findings: thousands(with_findings.len()),
            findings: findings.len(),
            findings_text: thousands(findings.len()),
            errors_text: thousands(errors),
            queries_text: thousands(findings.len() - errors),
            problems: check
                .problems
                .iter()
                .map(|p| ProblemRow {
                    line: p.line,
                    child: p.la_child_id.clone().unwrap_or_default(),
                    path: p.path.clone(),
                    problem: p.problem.clone(),
                })
                .collect(),
            problems_text: thousands(check.problems.len()),
            by_rule: rules
                .into_iter()
                .map(|(code, (severity, message, n, children))| RuleRow {
                    code,
                    severity,
                    message: message.trim(),
                    findings: thousands(n),
                    children: thousands(children.len()),
                })
                .collect(),
            finding_rows: findings
                .iter()
                .map(|f| FindingRow {
                    rule: f.code,
                    severity: f.severity.name(),
                    child: f.la_child_id.clone().unwrap_or_default(),
                    table: f.table.name(),
                    row: f.row,
                    line: f.line.map(|l| l.to_string()).unwrap_or_default(),
                    fields: f.fields.join(", "),
                })
                .collect(),
        }
    }
}

/// The page: the form, with the report above it once a census has been checked.
#[derive(Template)]
#[template(path = "cin-validate.html")]
struct Page {
    layout: Layout,
    form: Form,
    report: Option<Report>,
}

/// `GET`: the empty form.
pub(crate) async fn form(State(app): State<App>, me: Me) -> Response {
    render(StatusCode::OK, Page { layout: Layout::new(&app, &me.visitor, PATH), form: Form::default(), report: None })
}

/// Everything the form sent.
#[derive(Default)]
struct Submitted {
    /// Each file sent as the census: its name and bytes.
    census: Vec<(String, Bytes)>,
    year: Option<String>,
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
        match field.name().unwrap_or_default() {
            "census" => {
                // Only the file's own name: some browsers send the whole path it was chosen from.
                let file_name = field.file_name().unwrap_or_default();
                let file_name = file_name.rsplit(['/', '\\']).next().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(problem)?;
                // A file input with nothing chosen still sends a part, with no name and no bytes.
                if file_name.is_empty() && bytes.is_empty() {
                    continue;
                }
                let name = if file_name.is_empty() { "(a file with no name)".to_string() } else { file_name };
                submitted.census.push((name, bytes));
            }
            "year" => submitted.year = Some(field.text().await.map_err(problem)?.trim().to_string()),
            "action" => submitted.download_csv = field.text().await.map_err(problem)? == "csv",
            // Anything else is not part of the form: read past it.
            _ => {
                field.bytes().await.map_err(problem)?;
            }
        }
    }
    Ok(submitted)
}

/// `POST`: checks the uploaded census and answers with the report, the CSV, or the form with
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
            tracing::info!(%rejection, "CIN census upload: not a multipart form");
            form.add("census", "Select a CIN census file with the form on this page");
            return render(StatusCode::BAD_REQUEST, Page { layout, form, report: None });
        }
    };
    // Wait for a turn before reading the body, so that few uploads are held in memory at once.
    let Ok(_turn) = checks.0.acquire().await else { return problem(&app) };
    let submitted = match read_form(&mut multipart).await {
        Ok(submitted) => submitted,
        Err(BodyProblem::TooLarge) => {
            form.add("census", format!("The selected file must be smaller than {MAX_UPLOAD_MB} MB"));
            return render(StatusCode::PAYLOAD_TOO_LARGE, Page { layout, form, report: None });
        }
        Err(BodyProblem::Unreadable(detail)) => {
            tracing::info!(%detail, "CIN census upload: the form could not be read");
            form.add("census", "The file could not be uploaded: select it again and check it");
            return render(StatusCode::BAD_REQUEST, Page { layout, form, report: None });
        }
    };

    let chosen = submitted.year.clone().filter(|y| !y.is_empty() && y != FROM_CENSUS);
    let year = match chosen.as_deref().map(str::parse::<CollectionYear>) {
        None => None,
        Some(Ok(year)) if cin_years().contains(&year) => {
            form.year = year.to_string();
            Some(year)
        }
        Some(_) => {
            form.add("year", "Select a collection year careful has CIN rules for, or the year in the census");
            None
        }
    };
    let mut census = submitted.census;
    if census.is_empty() {
        form.add("census", "Select a CIN census file");
    } else if census.len() > 1 {
        form.add("census", "Select one CIN census file: the census is one XML file");
    } else if census[0].1.is_empty() {
        form.add("census", "The selected file is empty");
    }
    if form.has_errors() {
        form.errors.0.sort_by_key(|e| e.field != "census");
        return render(StatusCode::UNPROCESSABLE_ENTITY, Page { layout, form, report: None });
    }
    let (name, bytes) = census.remove(0);

    // Allowed to check returns, within the hourly limit; the upload is audited.
    if let Err(error) = me.handle.start_cin_check(&name, bytes.len()).await {
        return failure(&layout, error);
    }

    // Reading and checking a large census takes seconds of CPU: off the async threads.
    let download_csv = submitted.download_csv;
    let rendered = tokio::task::spawn_blocking(move || match check_cin_for_year(&name, &bytes, year) {
        Ok(check) if download_csv => csv(&name, &check),
        Ok(check) => {
            let report = Report::new(&name, &check);
            render(StatusCode::OK, Page { layout, form, report: Some(report) })
        }
        Err(error) => {
            explain(&mut form, error);
            render(StatusCode::UNPROCESSABLE_ENTITY, Page { layout, form, report: None })
        }
    })
    .await;
    rendered.unwrap_or_else(|error| {
        tracing::error!(%error, "CIN census upload: the check failed");
        problem(&app)
    })
}

/// Puts what stops the census being checked on the form.
fn explain(form: &mut Form, error: CinInputError) {
    match error {
        CinInputError::Unreadable(error) if error.kind == ReadErrorKind::Empty => {
            form.add("census", "The selected file is empty");
        }
        CinInputError::Unreadable(error) => {
            let message = shortened(format!("The selected file is not a CIN census careful can read: {error}"));
            form.add("census", message);
        }
        CinInputError::UnsupportedYear(year) => {
            form.add("year", format!("careful has no CIN rules for {year}: select the year in the census"));
        }
        CinInputError::WrongYear { asked, census, reference_date } => {
            form.add(
                "year",
                format!(
                    "The selected file is the {census} census (its ReferenceDate is {}): select the {asked} \
                     census, or the year in the census",
                    long_date(reference_date)
                ),
            );
        }
    }
}

/// The findings as CSV, to save: what `careful validate cin --format csv` writes.
fn csv(name: &str, check: &CinCheck) -> Response {
    let mut body = Vec::new();
    if let Err(error) = check.report(name).write(ReportFormat::Csv, &mut body) {
        tracing::error!(%error, "CIN census upload: the CSV could not be written");
        return (StatusCode::INTERNAL_SERVER_ERROR, "Sorry, the CSV could not be made. Try again later.\n")
            .into_response();
    }
    let year = check.year().map_or_else(|| "census".to_string(), |y| y.to_string());
    let disposition = format!("attachment; filename=\"cin-findings-{year}.csv\"");
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
