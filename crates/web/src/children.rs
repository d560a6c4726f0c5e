//! Children's records: the caseload, a child's summary, break glass, restrictions and grants.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use careful_app::{App, AppError, CaseStatus, CaseloadEntry, CaseloadFilter, CaseloadSort, ChildSummary};
use careful_domain::ChildId;
use careful_domain::calendar::long_date;

use crate::pages::{Errors, Layout, failure, render, when};
use crate::session::Me;

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage {
    layout: Layout,
    children: Vec<CaseloadEntry>,
    /// How many before filtering.
    total: usize,
    statuses: Vec<(&'static str, &'static str, bool)>,
    teams: Vec<(String, bool)>,
    workers: Vec<(String, bool)>,
    overdue_only: bool,
    sort: &'static str,
    filtered: bool,
}

impl CaseloadPage {
    fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(long_date).unwrap_or_default()
    }

    fn overdue_total(&self) -> i64 {
        self.children.iter().map(|c| c.overdue).sum()
    }
}

/// `GET /caseload[?status=..&team=..&worker=..&overdue=yes&sort=name|due|overdue]`.
pub(crate) async fn caseload(State(app): State<App>, me: Me, Query(query): Query<Vec<(String, String)>>) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/caseload");
    let all = match me.handle.caseload().await {
        Ok(children) => children,
        Err(error) => return failure(&layout, error),
    };
    let get = |k: &str| query.iter().find(|(key, v)| key == k && !v.is_empty()).map(|(_, v)| v.clone());
    let statuses: Vec<CaseStatus> =
        query.iter().filter(|(k, _)| k == "status").filter_map(|(_, v)| CaseStatus::parse(v)).collect();
    let sort = get("sort").and_then(|s| CaseloadSort::parse(&s)).unwrap_or_default();
    let filter = CaseloadFilter {
        statuses: statuses.clone(),
        team: get("team"),
        worker: get("worker"),
        overdue_only: get("overdue").is_some_and(|v| v == "yes"),
        sort,
    };
    let distinct = |pick: fn(&CaseloadEntry) -> Option<&String>, chosen: &Option<String>| {
        let mut names: Vec<String> = all.iter().filter_map(pick).cloned().collect();
        names.sort();
        names.dedup();
        names.into_iter().map(|n| (n.clone(), chosen.as_ref() == Some(&n))).collect::<Vec<_>>()
    };
    let teams = distinct(|e| e.team.as_ref(), &filter.team);
    let workers = distinct(|e| e.worker.as_ref(), &filter.worker);
    let total = all.len();
    let filtered = !statuses.is_empty() || filter.team.is_some() || filter.worker.is_some() || filter.overdue_only;
    let overdue_only = filter.overdue_only;
    let children = filter.apply(all);
    render(
        StatusCode::OK,
        CaseloadPage {
            layout,
            children,
            total,
            statuses: CaseStatus::ALL.iter().map(|s| (s.as_str(), s.describe(), statuses.contains(s))).collect(),
            teams,
            workers,
            overdue_only,
            sort: match sort {
                CaseloadSort::Name => "name",
                CaseloadSort::NextDue => "due",
                CaseloadSort::Overdue => "overdue",
            },
            filtered,
        },
    )
}

fn parse_child(text: &str) -> Result<ChildId, AppError> {
    text.parse().map_err(|_| AppError::NotFound(format!("there is no child with ID {text}")))
}

#[derive(Template)]
#[template(path = "child.html")]
struct ChildPage {
    layout: Layout,
    child: ChildSummary,
    /// The form just saved, for the confirmation banner.
    recorded: Option<&'static str>,
    duties: Vec<crate::work::DutyRow>,
    recent: Vec<crate::work::DutyRow>,
    recent_caption: String,
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
    show_with(app, me, child, errors, form, None).await
}

async fn show_with(
    app: &App,
    me: &Me,
    child: ChildId,
    errors: Errors,
    form: &'static str,
    recorded: Option<&'static str>,
) -> Response {
    let layout = Layout::new(app, &me.visitor, "");
    match me.handle.child_summary(child).await {
        Ok(summary) => {
            let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            let duties = summary.duties.iter().map(crate::work::DutyRow::from_entry).collect();
            let recent = summary.recent.iter().map(crate::work::DutyRow::from_entry).collect();
            render(
                status,
                ChildPage {
                    layout,
                    recorded,
                    duties,
                    recent,
                    recent_caption: format!("Met in the last {} days", careful_app::RECENTLY_MET_DAYS),
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
pub(crate) fn child_failure(layout: &Layout, child: ChildId, error: AppError) -> Response {
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

#[derive(Deserialize)]
pub(crate) struct SummaryQuery {
    #[serde(default)]
    recorded: String,
}

/// `GET /children/{child}[?recorded=FORM]`: one audit entry per view.
pub(crate) async fn summary(
    State(app): State<App>,
    me: Me,
    Path(child): Path<String>,
    Query(query): Query<SummaryQuery>,
) -> Response {
    let layout = Layout::new(&app, &me.visitor, "");
    let child = match parse_child(&child) {
        Ok(c) => c,
        Err(e) => return failure(&layout, e),
    };
    let recorded = crate::record::forms::by_slug(&query.recorded).map(|f| f.title);
    show_with(&app, &me, child, Errors::default(), "", recorded).await
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
