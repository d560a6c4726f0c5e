//! The pages.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use careful_app::App;
use careful_domain::calendar::long_date;

/// What every page's frame needs.
pub(crate) struct Layout {
    pub council_name: String,
    pub demo: bool,
    pub version: &'static str,
    /// The service navigation item the page belongs to: `""` for none, `"ssda903"` for
    /// checking SSDA903 files.
    pub section: &'static str,
}

impl Layout {
    pub(crate) fn for_app(app: &App) -> Layout {
        Layout {
            council_name: app.settings().council_name.clone(),
            demo: app.settings().demo,
            version: env!("CARGO_PKG_VERSION"),
            section: "",
        }
    }

    /// The frame of a page in one section of the service navigation.
    pub(crate) fn in_section(app: &App, section: &'static str) -> Layout {
        Layout { section, ..Layout::for_app(app) }
    }
}

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    layout: Layout,
    children: u64,
    events: u64,
    workers: u64,
    teams: u64,
    engine: &'static str,
    calendar_from: String,
    calendar_to: String,
    today: String,
    today_holiday: Option<String>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
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

pub(crate) async fn start(State(app): State<App>) -> Response {
    match app.overview().await {
        Ok(overview) => render(
            StatusCode::OK,
            StartPage {
                layout: Layout::for_app(&app),
                children: overview.counts.children,
                events: overview.counts.events,
                workers: overview.counts.workers,
                teams: overview.counts.teams,
                engine: overview.engine.name(),
                calendar_from: long_date(overview.calendar_coverage.0),
                calendar_to: long_date(overview.calendar_coverage.1),
                today: long_date(overview.today),
                today_holiday: overview.today_holiday,
            },
        ),
        Err(error) => {
            tracing::error!(%error, "start page: overview failed");
            problem(&app)
        }
    }
}

/// GOV.UK's "There is a problem with the service" page.
pub(crate) fn problem(app: &App) -> Response {
    error_page(
        app,
        StatusCode::INTERNAL_SERVER_ERROR,
        "Sorry, there is a problem with the service",
        vec![
            "Try again later.".into(),
            "Nothing you had already saved has been lost.".into(),
            "If this keeps happening, tell your careful administrator.".into(),
        ],
    )
}

/// A page with a heading and a few paragraphs saying what happened and what to do.
pub(crate) fn error_page(app: &App, status: StatusCode, heading: &'static str, paragraphs: Vec<String>) -> Response {
    render(status, ErrorPage { layout: Layout::for_app(app), heading, paragraphs })
}

pub(crate) async fn not_found(State(app): State<App>) -> Response {
    render(
        StatusCode::NOT_FOUND,
        ErrorPage {
            layout: Layout::for_app(&app),
            heading: "Page not found",
            paragraphs: vec![
                "If you typed the web address, check it is correct.".into(),
                "If you pasted the web address, check you copied the entire address.".into(),
            ],
        },
    )
}
