//! The practitioners' pages of work: My work, the team view and the IRO view.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use careful_app::{App, AppError, DutyStatus, IroView, TeamView, WorklistEntry};
use careful_domain::calendar::long_date;
use careful_domain::{ChildId, TeamId};

use crate::pages::{Layout, failure, render};
use crate::record::forms;
use crate::session::Me;

/// A duty as a table row: what is owed, when, its status, how the date was worked out, and
/// the form that meets it.
pub(crate) struct DutyRow {
    pub child: ChildId,
    pub child_name: String,
    pub la_child_id: String,
    pub owed: String,
    pub due: String,
    /// The due date for sorting (`YYYY-MM-DD`).
    pub due_iso: String,
    pub status: String,
    /// `red` overdue, `orange` due today, `blue` upcoming.
    pub colour: &'static str,
    pub days_overdue: i64,
    pub working: String,
    pub rule: String,
    /// The form that meets it: (address, words).
    pub action: Option<(String, &'static str)>,
}

impl DutyRow {
    pub(crate) fn from_entry(e: &WorklistEntry) -> DutyRow {
        let (colour, days_overdue) = match e.status {
            DutyStatus::Overdue { days } => ("red", days),
            DutyStatus::DueToday => ("orange", 0),
            DutyStatus::MetOnTime => ("green", 0),
            DutyStatus::MetLate { .. } => ("yellow", 0),
            _ => ("blue", 0),
        };
        let action = e.status.is_open().then(|| forms::for_duty(&e.duty.rule)).flatten().and_then(|(slug, prefill)| {
            let form = forms::by_slug(slug)?;
            let query: Vec<String> = prefill.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let href = if query.is_empty() {
                format!("/children/{}/record/{slug}", e.child)
            } else {
                format!("/children/{}/record/{slug}?{}", e.child, query.join("&"))
            };
            Some((href, form.title))
        });
        DutyRow {
            child: e.child,
            child_name: e.child_name.clone(),
            la_child_id: e.la_child_id.clone(),
            owed: e.duty.owed.clone(),
            due: long_date(e.duty.due),
            due_iso: e.duty.due.to_string(),
            status: capitalised(&e.status.to_string()),
            colour,
            days_overdue,
            working: e.duty.working.clone(),
            rule: e.duty.rule.clone(),
            action,
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[derive(Template)]
#[template(path = "my-work.html")]
struct MyWorkPage {
    layout: Layout,
    whose: &'static str,
    overdue: Vec<DutyRow>,
    due_soon: Vec<DutyRow>,
    later: Vec<DutyRow>,
    soon_days: i64,
    today: String,
    unread_alerts: i64,
}

/// `GET /my-work`.
pub(crate) async fn my_work(State(app): State<App>, me: Me) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/my-work");
    let unread_alerts = me.handle.unread_alerts().await.unwrap_or(0);
    match me.handle.my_work().await {
        Ok(work) => render(
            StatusCode::OK,
            MyWorkPage {
                layout,
                whose: work.whose,
                overdue: work.overdue.iter().map(DutyRow::from_entry).collect(),
                due_soon: work.due_soon.iter().map(DutyRow::from_entry).collect(),
                later: work.later.iter().map(DutyRow::from_entry).collect(),
                soon_days: careful_app::work::SOON_DAYS,
                today: long_date(app.today()),
                unread_alerts,
            },
        ),
        Err(error) => failure(&layout, error),
    }
}

#[derive(Deserialize)]
pub(crate) struct TeamQuery {
    #[serde(default)]
    team: String,
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    layout: Layout,
    view: TeamView,
}

/// `GET /team[?team=ID]`.
pub(crate) async fn team(State(app): State<App>, me: Me, Query(query): Query<TeamQuery>) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/team");
    let team = if query.team.is_empty() {
        None
    } else {
        match query.team.parse::<TeamId>() {
            Ok(t) => Some(t),
            Err(_) => return failure(&layout, AppError::NotFound(format!("there is no team with ID {}", query.team))),
        }
    };
    match me.handle.team_view(team).await {
        Ok(view) => render(StatusCode::OK, TeamPage { layout, view }),
        Err(error) => failure(&layout, error),
    }
}

#[derive(Template)]
#[template(path = "iro.html")]
struct IroPage {
    layout: Layout,
    view: IroView,
}

impl IroPage {
    fn day(&self, d: &chrono::NaiveDate) -> String {
        long_date(*d)
    }
}

/// `GET /iro`.
pub(crate) async fn iro(State(app): State<App>, me: Me) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/iro");
    match me.handle.iro_view().await {
        Ok(view) => render(StatusCode::OK, IroPage { layout, view }),
        Err(error) => failure(&layout, error),
    }
}
