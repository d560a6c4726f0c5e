//! The frame every page shares, the start page, and the pages that explain what went wrong.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use careful_app::access::WorklistScope;
use careful_app::{Action, App, AppError, FieldError, Role};
use careful_domain::calendar::long_date;

use crate::session::{Anyone, Visitor};

/// A link in the service navigation.
pub(crate) struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub active: bool,
}

/// What every page's frame needs.
pub(crate) struct Layout {
    pub council_name: String,
    pub demo: bool,
    pub version: &'static str,
    /// The service navigation, for the signed-in.
    pub nav: Vec<NavItem>,
    /// The signed-in person's name and role, if signed in.
    pub user: Option<(String, String)>,
    /// The form token every form on the page carries.
    pub csrf: String,
}

impl Layout {
    /// The frame for `visitor`, with `section` (a navigation link's address) marked current.
    pub(crate) fn new(app: &App, visitor: &Visitor, section: &str) -> Layout {
        let mut nav = Vec::new();
        let mut user = None;
        if let Some(handle) = visitor.handle(app) {
            let p = handle.principal();
            user = Some((p.display_name().to_string(), p.role().in_sentence()));
            let mut link = |href: &'static str, label: &str| {
                nav.push(NavItem { href, label: label.to_string(), active: section == href });
            };
            let own_work = handle.may(Action::ViewWorklist(WorklistScope::Own)) && p.worker().is_some();
            if own_work {
                link("/my-work", "My work");
            }
            if handle.may(Action::ViewCaseload) {
                link("/caseload", "Caseload");
            }
            if own_work && p.role() == Role::Iro {
                link("/iro", "Children I review");
            }
            if p.role().is_manager() {
                link("/team", "Team");
            }
            if handle.may(Action::SearchPeople) {
                link(crate::search::PATH, "Search");
            }
            if p.role().is_manager() || matches!(p.role(), Role::PerformanceAnalyst | Role::Scrutiny) {
                link("/insight", "Figures");
            }
            if handle.may(Action::CheckReturns) {
                link(crate::ssda903::PATH, "Check SSDA903 files");
                link(crate::cin::PATH, "Check a CIN census");
            }
            if handle.may(Action::ManageAccounts) {
                link("/admin/accounts", "Accounts");
            }
            if handle.may(Action::ViewAudit) {
                link("/admin/audit", "Audit log");
            }
            if handle.may(Action::ViewRetention) {
                link("/admin/retention", "Records due for review");
            }
            link("/alerts", "Alerts");
            link("/account", "Your account");
        }
        Layout {
            council_name: app.settings().council_name.clone(),
            demo: app.settings().demo,
            version: env!("CARGO_PKG_VERSION"),
            nav,
            user,
            csrf: visitor.csrf().to_string(),
        }
    }

    /// The frame for a visitor who has not signed in.
    pub(crate) fn signed_out(app: &App) -> Layout {
        Layout {
            council_name: app.settings().council_name.clone(),
            demo: app.settings().demo,
            version: env!("CARGO_PKG_VERSION"),
            nav: Vec::new(),
            user: None,
            csrf: String::new(),
        }
    }
}

/// A form's problems, for the GOV.UK error summary and each field's error message.
#[derive(Default, Clone)]
pub(crate) struct Errors(pub Vec<FieldError>);

impl Errors {
    pub(crate) fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// The message for a field, if it has one.
    pub(crate) fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// The (anchor, message) pairs, for the error summary: each links to its field, whose id
    /// is its name with hyphens.
    pub(crate) fn list(&self) -> Vec<(String, &str)> {
        self.0.iter().map(|e| (e.field.replace('_', "-"), e.message.as_str())).collect()
    }

    pub(crate) fn one(field: &'static str, message: impl Into<String>) -> Errors {
        Errors(vec![FieldError::new(field, message)])
    }
}

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    layout: Layout,
    signed_in: bool,
    children: u64,
    events: u64,
    workers: u64,
    teams: u64,
    engine: &'static str,
    calendar_from: String,
    calendar_to: String,
    today: String,
    today_holiday: Option<String>,
    links: Vec<(&'static str, &'static str, &'static str)>,
    unread_alerts: i64,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: String,
    paragraphs: Vec<String>,
}

pub(crate) fn render(status: StatusCode, page: impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "a page could not be rendered");
            (StatusCode::INTERNAL_SERVER_ERROR, "Sorry, there is a problem with careful. Try again later.\n")
                .into_response()
        }
    }
}

/// The start page: what careful is and how to sign in; once signed in, the figures (aggregates
/// only) and where to go.
pub(crate) async fn start(State(app): State<App>, Anyone(visitor): Anyone) -> Response {
    let layout = Layout::new(&app, &visitor, "");
    // The front page leads to work: the signed-out to signing in, practitioners to My work.
    match visitor.handle(&app) {
        None if !visitor.bearer => return axum::response::Redirect::to("/sign-in").into_response(),
        Some(handle)
            if handle.may(Action::ViewWorklist(WorklistScope::Own)) && handle.principal().worker().is_some() =>
        {
            return axum::response::Redirect::to("/my-work").into_response();
        }
        _ => {}
    }
    let Some(handle) = visitor.handle(&app) else {
        return render(
            StatusCode::OK,
            StartPage {
                layout,
                signed_in: false,
                children: 0,
                events: 0,
                workers: 0,
                teams: 0,
                engine: app.engine(),
                calendar_from: String::new(),
                calendar_to: String::new(),
                today: String::new(),
                today_holiday: None,
                links: Vec::new(),
                unread_alerts: 0,
            },
        );
    };
    let overview = match handle.figures().await {
        Ok(overview) => overview,
        Err(error) => return failure(&layout, error),
    };
    let mut links = Vec::new();
    if handle.may(Action::ViewCaseload) {
        links.push(("/caseload", "Your caseload", "The children you work with, what is due and what is overdue."));
    }
    if handle.principal().role().is_manager() {
        links.push((
            "/team",
            "Team",
            "Each worker's caseload and overdue duties, children waiting for a worker, and changes of social worker.",
        ));
    }
    if handle.may(Action::CheckReturns) {
        links.push((
            crate::ssda903::PATH,
            "Check SSDA903 files",
            "Check the council's return of children looked after against every DfE rule.",
        ));
        links.push((
            crate::cin::PATH,
            "Check a CIN census",
            "Check the council's Children in Need census against DfE's schema and every DfE rule.",
        ));
    }
    if handle.may(Action::ManageAccounts) {
        links.push(("/admin/accounts", "Accounts", "Who may sign in, in what role; locks and second factors."));
    }
    if handle.may(Action::ViewAudit) {
        links.push(("/admin/audit", "Audit log", "Every read and write of a child's record, and check the chain."));
    }
    if handle.may(Action::ViewRetention) {
        links.push((
            "/admin/retention",
            "Records due for review",
            "Records whose retention period has ended or soon will.",
        ));
    }
    links.push(("/account", "Your account", "Your password, personal access tokens and sessions."));
    let unread_alerts = handle.unread_alerts().await.unwrap_or(0);
    render(
        StatusCode::OK,
        StartPage {
            layout,
            signed_in: true,
            children: overview.children,
            events: overview.events,
            workers: overview.workers,
            teams: overview.teams,
            engine: overview.engine,
            calendar_from: long_date(overview.calendar_coverage.0),
            calendar_to: long_date(overview.calendar_coverage.1),
            today: long_date(overview.today),
            today_holiday: overview.today_holiday,
            links,
            unread_alerts,
        },
    )
}

/// GOV.UK's "There is a problem with the service" page.
pub(crate) fn problem(app: &App) -> Response {
    error_page(
        &Layout::signed_out(app),
        StatusCode::INTERNAL_SERVER_ERROR,
        "Sorry, there is a problem with the service",
        vec![
            "Try again later.".into(),
            "Nothing you had already saved has been lost.".into(),
            "If this keeps happening, tell your careful administrator.".into(),
        ],
    )
}

/// The database cannot be reached: try again.
pub(crate) fn unavailable(app: &App) -> Response {
    unavailable_page(&Layout::signed_out(app))
}

/// How long careful asks a browser or client to wait before trying again when its database
/// cannot be reached (`Retry-After`, in seconds).
pub(crate) const RETRY_AFTER_SECONDS: &str = "30";

/// 503 Service Unavailable with `Retry-After`: the database could not be reached or stayed
/// busy, so nothing was saved.
pub(crate) fn unavailable_page(layout: &Layout) -> Response {
    let mut response = error_page(
        layout,
        StatusCode::SERVICE_UNAVAILABLE,
        "Sorry, the service is unavailable",
        vec![
            "careful could not reach the record just now, so nothing was saved.".into(),
            "Try again in a few minutes. Nothing you had already saved has been lost.".into(),
        ],
    );
    with_retry_after(&mut response);
    response
}

pub(crate) fn with_retry_after(response: &mut Response) {
    response
        .headers_mut()
        .insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static(RETRY_AFTER_SECONDS));
}

/// 507 Insufficient Storage: the database's disk is full, so nothing was saved. Pages that
/// careful audits (every record and list of children) cannot be shown either, since the entry
/// saying who looked cannot be written.
pub(crate) fn storage_full_page(layout: &Layout) -> Response {
    error_page(
        layout,
        StatusCode::INSUFFICIENT_STORAGE,
        "Sorry, careful cannot save anything at the moment",
        vec![
            "The disk careful keeps its database on is full, so nothing was saved.".into(),
            "careful logs every time someone opens a child's record or a list of children, so until space is freed it cannot show those either.".into(),
            "Tell your careful administrator, who needs to free space on that disk, then try again. Nothing you had already saved has been lost.".into(),
        ],
    )
}

/// A page with a heading and a few paragraphs saying what happened and what to do.
pub(crate) fn error_page(layout: &Layout, status: StatusCode, heading: &str, paragraphs: Vec<String>) -> Response {
    let layout = Layout {
        council_name: layout.council_name.clone(),
        demo: layout.demo,
        version: layout.version,
        nav: layout.nav.iter().map(|n| NavItem { href: n.href, label: n.label.clone(), active: false }).collect(),
        user: layout.user.clone(),
        csrf: layout.csrf.clone(),
    };
    render(status, ErrorPage { layout, heading: heading.to_string(), paragraphs })
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The page for a use case that could not be carried out.
pub(crate) fn failure(layout: &Layout, error: AppError) -> Response {
    match error {
        AppError::Denied { what, reason } => error_page(
            layout,
            StatusCode::FORBIDDEN,
            "You cannot do that",
            vec![
                format!("You cannot {what}: {reason}."),
                "If you need to, ask your manager or a careful administrator.".into(),
            ],
        ),
        AppError::NotFound(what) => {
            error_page(layout, StatusCode::NOT_FOUND, "Page not found", vec![format!("{}.", capitalise(&what))])
        }
        AppError::Invalid(errors) => error_page(
            layout,
            StatusCode::BAD_REQUEST,
            "There is a problem",
            errors.iter().map(|e| format!("{}.", capitalise(&e.message))).collect(),
        ),
        AppError::TooManyUploads { .. } => error_page(
            layout,
            StatusCode::TOO_MANY_REQUESTS,
            "Too many uploads",
            vec![format!("{}.", capitalise(&error.to_string()))],
        ),
        error if error.is_unavailable() => {
            tracing::warn!(%error, "the database could not be reached");
            unavailable_page(layout)
        }
        error if error.is_storage_full() => {
            tracing::error!(%error, "the database's disk is full");
            storage_full_page(layout)
        }
        error => {
            tracing::error!(%error, "a use case failed");
            error_page(
                layout,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with the service",
                vec![
                    "Try again later.".into(),
                    "Nothing you had already saved has been lost.".into(),
                    "If this keeps happening, tell your careful administrator.".into(),
                ],
            )
        }
    }
}

pub(crate) async fn not_found(State(app): State<App>, Anyone(visitor): Anyone) -> Response {
    error_page(
        &Layout::new(&app, &visitor, ""),
        StatusCode::NOT_FOUND,
        "Page not found",
        vec![
            "If you typed the web address, check it is correct.".into(),
            "If you pasted the web address, check you copied the entire address.".into(),
        ],
    )
}

/// A date and time as the UK reads it ("5 December 2026 at 14:05").
pub(crate) fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    careful_domain::calendar::time_in_england(at).format("%-d %B %Y at %H:%M").to_string()
}
