//! Children's records: the caseload, a child's summary, break glass, restrictions and grants.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use careful_app::{App, AppError, CaseloadEntry, ChildSummary};
use careful_domain::ChildId;
use careful_domain::calendar::long_date;

use crate::pages::{Errors, Layout, failure, render, when};
use crate::session::Me;

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage {
    layout: Layout,
    children: Vec<CaseloadEntry>,
}

impl CaseloadPage {
    fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(long_date).unwrap_or_default()
    }

    fn overdue_total(&self) -> i64 {
        self.children.iter().map(|c| c.overdue).sum()
    }
}

/// `GET /caseload`.
pub(crate) async fn caseload(State(app): State<App>, me: Me) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/caseload");
    match me.handle.caseload().await {
        Ok(children) => render(StatusCode::OK, CaseloadPage { layout, children }),
        Err(error) => failure(&layout, error),
    }
}

fn parse_child(text: &str) -> Result<ChildId, AppError> {
    text.parse().map_err(|_| AppError::NotFound(format!("there is no child with ID {text}")))
}

#[derive(Template)]
#[template(path = "child.html")]
struct ChildPage {
    layout: Layout,
    child: ChildSummary,
    errors: Errors,
    /// Which form the errors belong to.
    form: &'static str,
    categories: Vec<(&'static str, &'static str)>,
}

impl ChildPage {
    fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(long_date).unwrap_or_else(|| "Not known".into())
    }

    fn day(&self, d: &chrono::NaiveDate) -> String {
        long_date(*d)
    }

    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        when(*t)
    }

    /// The error for a field of one of the page's forms, if that form was the one sent.
    fn error(&self, form: &str, field: &str) -> Option<&str> {
        if self.form == form { self.errors.get(field) } else { None }
    }
}

#[derive(Template)]
#[template(path = "break-glass.html")]
struct BreakGlassPage {
    layout: Layout,
    child: String,
    errors: Errors,
    reason: String,
}

async fn show(app: &App, me: &Me, child: ChildId, errors: Errors, form: &'static str) -> Response {
    let layout = Layout::new(app, &me.visitor, "");
    match me.handle.child_summary(child).await {
        Ok(summary) => {
            let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            render(
                status,
                ChildPage {
                    layout,
                    child: summary,
                    errors,
                    form,
                    categories: careful_app::RESTRICTION_CATEGORIES.to_vec(),
                },
            )
        }
        Err(error) => child_failure(&layout, child, error),
    }
}

/// The page for a child's record that cannot be shown: break glass for a restricted record the
/// person would otherwise see, else the usual failure pages.
fn child_failure(layout: &Layout, child: ChildId, error: AppError) -> Response {
    match error {
        AppError::BreakGlassNeeded { .. } => render(
            StatusCode::FORBIDDEN,
            BreakGlassPage {
                layout: Layout { csrf: layout.csrf.clone(), ..clone_layout(layout) },
                child: child.to_string(),
                errors: Errors::default(),
                reason: String::new(),
            },
        ),
        error => failure(layout, error),
    }
}

fn clone_layout(layout: &Layout) -> Layout {
    Layout {
        council_name: layout.council_name.clone(),
        demo: layout.demo,
        version: layout.version,
        nav: layout
            .nav
            .iter()
            .map(|n| crate::pages::NavItem { href: n.href, label: n.label.clone(), active: false })
            .collect(),
        user: layout.user.clone(),
        csrf: layout.csrf.clone(),
    }
}

/// `GET /children/{child}`: one audit entry per view.
pub(crate) async fn summary(State(app): State<App>, me: Me, Path(child): Path<String>) -> Response {
    let layout = Layout::new(&app, &me.visitor, "");
    let child = match parse_child(&child) {
        Ok(c) => c,
        Err(e) => return failure(&layout, e),
    };
    show(&app, &me, child, Errors::default(), "").await
}

#[derive(Deserialize)]
pub(crate) struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// `POST /children/{child}/break-glass`.
pub(crate) async fn break_glass(
    State(app): State<App>,
    me: Me,
    Path(child): Path<String>,
    Form(form): Form<ReasonForm>,
) -> Response {
    let layout = Layout::new(&app, &me.visitor, "");
    let child = match parse_child(&child) {
        Ok(c) => c,
        Err(e) => return failure(&layout, e),
    };
    match me.handle.break_glass(child, &form.reason).await {
        Ok(()) => Redirect::to(&format!("/children/{child}")).into_response(),
        Err(AppError::Invalid(problems)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            BreakGlassPage { layout, child: child.to_string(), errors: Errors(problems), reason: form.reason },
        ),
        Err(error) => failure(&layout, error),
    }
}

#[derive(Deserialize)]
pub(crate) struct RestrictForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    named: String,
}

/// After a change to a child's record: back to the record, or the record with the form's
/// problems.
async fn outcome(app: &App, me: &Me, child: ChildId, result: Result<(), AppError>, form: &'static str) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/children/{child}")).into_response(),
        Err(AppError::Invalid(problems)) => show(app, me, child, Errors(problems), form).await,
        Err(error) => child_failure(&Layout::new(app, &me.visitor, ""), child, error),
    }
}

/// `POST /children/{child}/restrict`.
pub(crate) async fn restrict(
    State(app): State<App>,
    me: Me,
    Path(child): Path<String>,
    Form(form): Form<RestrictForm>,
) -> Response {
    let child = match parse_child(&child) {
        Ok(c) => c,
        Err(e) => return failure(&Layout::new(&app, &me.visitor, ""), e),
    };
    let named: Vec<String> = vec![form.named.clone()];
    let result = me.handle.restrict(child, &form.category, &form.reason, &named).await;
    outcome(&app, &me, child, result, "restrict").await
}

/// `POST /children/{child}/unrestrict`.
pub(crate) async fn unrestrict(
    State(app): State<App>,
    me: Me,
    Path(child): Path<String>,
    Form(form): Form<ReasonForm>,
) -> Response {
    let child = match parse_child(&child) {
        Ok(c) => c,
        Err(e) => return failure(&Layout::new(&app, &me.visitor, ""), e),
    };
    let result = me.handle.unrestrict(child, &form.reason).await;
    outcome(&app, &me, child, result, "unrestrict").await
}

#[derive(Deserialize)]
pub(crate) struct GrantForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    reason: String,
}

/// `POST /children/{child}/grants`.
pub(crate) async fn grant(
    State(app): State<App>,
    me: Me,
    Path(child): Path<String>,
    Form(form): Form<GrantForm>,
) -> Response {
    let child = match parse_child(&child) {
        Ok(c) => c,
        Err(e) => return failure(&Layout::new(&app, &me.visitor, ""), e),
    };
    let result = me.handle.grant_access(child, &form.username, &form.days, &form.reason).await;
    outcome(&app, &me, child, result, "grant").await
}

/// `POST /children/{child}/grants/{grant}/revoke`.
pub(crate) async fn revoke_grant(
    State(app): State<App>,
    me: Me,
    Path((child, grant)): Path<(String, String)>,
) -> Response {
    let layout = Layout::new(&app, &me.visitor, "");
    let child = match parse_child(&child) {
        Ok(c) => c,
        Err(e) => return failure(&layout, e),
    };
    let Ok(grant) = grant.parse::<uuid::Uuid>() else {
        return failure(&layout, AppError::NotFound("there is no such grant".into()));
    };
    let result = me.handle.revoke_grant(child, grant).await;
    outcome(&app, &me, child, result, "grant").await
}
