//! Administrators' pages: accounts, the audit log (and checking its chain), records due for
//! review.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use careful_app::admin::AccountForm;
use careful_app::audit::Verification;
use careful_app::retention::DueForReview;
use careful_app::{AccountId, AccountView, App, AppError, AuditLine, Role, RoleHistoryLine, SessionView, TokenView};
use careful_domain::calendar::long_date;
use careful_domain::organisation::Service;

use crate::account::ShownOnce;
use crate::pages::{Errors, Layout, failure, render, when};
use crate::session::Me;

#[derive(Template)]
#[template(path = "admin-accounts.html")]
struct AccountsPage {
    layout: Layout,
    accounts: Vec<AccountView>,
}

/// `GET /admin/accounts`.
pub(crate) async fn accounts(State(app): State<App>, me: Me) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/admin/accounts");
    match me.handle.accounts().await {
        Ok(accounts) => render(StatusCode::OK, AccountsPage { layout, accounts }),
        Err(error) => failure(&layout, error),
    }
}

fn roles() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.as_str(), r.describe())).collect()
}

fn services() -> Vec<(&'static str, &'static str)> {
    Service::ALL.iter().map(|s| (s.as_str(), careful_app::admin::service_words(*s))).collect()
}

#[derive(Template)]
#[template(path = "admin-account-new.html")]
struct NewAccountPage {
    layout: Layout,
    errors: Errors,
    form: NewAccountForm,
    roles: Vec<(&'static str, &'static str)>,
    services: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
pub(crate) struct NewAccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    worker: String,
}

/// `GET /admin/accounts/new`.
pub(crate) async fn new_form(State(app): State<App>, me: Me) -> Response {
    render(
        StatusCode::OK,
        NewAccountPage {
            layout: Layout::new(&app, &me.visitor, "/admin/accounts"),
            errors: Errors::default(),
            form: NewAccountForm::default(),
            roles: roles(),
            services: services(),
        },
    )
}

/// `POST /admin/accounts`: makes the account and shows its first password once.
pub(crate) async fn create(State(app): State<App>, me: Me, Form(form): Form<NewAccountForm>) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/admin/accounts");
    let request = AccountForm {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        service: form.service.clone(),
        worker: form.worker.clone(),
        password: String::new(),
    };
    match me.handle.create_account(&request).await {
        Ok((id, password)) => render(
            StatusCode::OK,
            ShownOnce {
                layout,
                heading: format!("Account {} made", form.username.trim().to_lowercase()),
                intro: "Give this first password to the person securely. careful cannot show it again. They should change it when they first sign in (Your account, Change your password).".into(),
                secret: password.unwrap_or_default(),
                back: format!("/admin/accounts/{id}"),
                back_text: "Go to the account".into(),
            },
        ),
        Err(AppError::Invalid(problems)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            NewAccountPage { layout, errors: Errors(problems), form, roles: roles(), services: services() },
        ),
        Err(error) => failure(&layout, error),
    }
}

#[derive(Template)]
#[template(path = "admin-account.html")]
struct AccountPage {
    layout: Layout,
    account: AccountView,
    history: Vec<RoleHistoryLine>,
    sessions: Vec<SessionView>,
    tokens: Vec<TokenView>,
    errors: Errors,
    roles: Vec<(&'static str, &'static str)>,
    services: Vec<(&'static str, &'static str)>,
}

impl AccountPage {
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        when(*t)
    }
}

fn parse_account(text: &str) -> Result<AccountId, AppError> {
    text.parse().map_err(|_| AppError::NotFound(format!("there is no account with ID {text}")))
}

async fn show(app: &App, me: &Me, id: &str, errors: Errors) -> Response {
    let layout = Layout::new(app, &me.visitor, "/admin/accounts");
    let id = match parse_account(id) {
        Ok(id) => id,
        Err(e) => return failure(&layout, e),
    };
    match me.handle.account(id).await {
        Ok((account, history, sessions, tokens)) => render(
            if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK },
            AccountPage { layout, account, history, sessions, tokens, errors, roles: roles(), services: services() },
        ),
        Err(error) => failure(&layout, error),
    }
}

/// `GET /admin/accounts/{account}`.
pub(crate) async fn account(State(app): State<App>, me: Me, Path(id): Path<String>) -> Response {
    show(&app, &me, &id, Errors::default()).await
}

async fn after(app: &App, me: &Me, id: &str, result: Result<(), AppError>) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/admin/accounts/{id}")).into_response(),
        Err(AppError::Invalid(problems)) => show(app, me, id, Errors(problems)).await,
        Err(error) => failure(&Layout::new(app, &me.visitor, "/admin/accounts"), error),
    }
}

#[derive(Deserialize)]
pub(crate) struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    reason: String,
}

/// `POST /admin/accounts/{account}/role`.
pub(crate) async fn set_role(
    State(app): State<App>,
    me: Me,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Response {
    let result = match parse_account(&id) {
        Ok(account) => me.handle.set_role(account, &form.role, &form.service, &form.reason).await,
        Err(e) => Err(e),
    };
    after(&app, &me, &id, result).await
}

#[derive(Deserialize)]
pub(crate) struct WorkerForm {
    #[serde(default)]
    worker: String,
}

/// `POST /admin/accounts/{account}/worker`.
pub(crate) async fn link_worker(
    State(app): State<App>,
    me: Me,
    Path(id): Path<String>,
    Form(form): Form<WorkerForm>,
) -> Response {
    let result = match parse_account(&id) {
        Ok(account) => me.handle.link_worker(account, &form.worker).await,
        Err(e) => Err(e),
    };
    after(&app, &me, &id, result).await
}

#[derive(Deserialize)]
pub(crate) struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// `POST /admin/accounts/{account}/unlock`.
pub(crate) async fn unlock(State(app): State<App>, me: Me, Path(id): Path<String>) -> Response {
    let result = match parse_account(&id) {
        Ok(account) => me.handle.unlock(account).await,
        Err(e) => Err(e),
    };
    after(&app, &me, &id, result).await
}

/// `POST /admin/accounts/{account}/disable`.
pub(crate) async fn disable(
    State(app): State<App>,
    me: Me,
    Path(id): Path<String>,
    Form(form): Form<ReasonForm>,
) -> Response {
    let result = match parse_account(&id) {
        Ok(account) => me.handle.disable(account, &form.reason).await,
        Err(e) => Err(e),
    };
    after(&app, &me, &id, result).await
}

/// `POST /admin/accounts/{account}/enable`.
pub(crate) async fn enable(State(app): State<App>, me: Me, Path(id): Path<String>) -> Response {
    let result = match parse_account(&id) {
        Ok(account) => me.handle.enable(account).await,
        Err(e) => Err(e),
    };
    after(&app, &me, &id, result).await
}

/// `POST /admin/accounts/{account}/reset-two-factor`.
pub(crate) async fn reset_two_factor(State(app): State<App>, me: Me, Path(id): Path<String>) -> Response {
    let result = match parse_account(&id) {
        Ok(account) => me.handle.reset_second_factor(account).await,
        Err(e) => Err(e),
    };
    after(&app, &me, &id, result).await
}

/// `POST /admin/accounts/{account}/end-sessions`.
pub(crate) async fn end_sessions(State(app): State<App>, me: Me, Path(id): Path<String>) -> Response {
    let result = match parse_account(&id) {
        Ok(account) => me.handle.end_sessions(account).await,
        Err(e) => Err(e),
    };
    after(&app, &me, &id, result).await
}

/// `POST /admin/accounts/{account}/reset-password`: shows the new password once.
pub(crate) async fn reset_password(State(app): State<App>, me: Me, Path(id): Path<String>) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/admin/accounts");
    let account = match parse_account(&id) {
        Ok(a) => a,
        Err(e) => return failure(&layout, e),
    };
    match me.handle.reset_password(account, "").await {
        Ok(password) => render(
            StatusCode::OK,
            ShownOnce {
                layout,
                heading: "New password set".into(),
                intro: "Give this password to the person securely; careful cannot show it again. Their sessions have ended.".into(),
                secret: password.unwrap_or_default(),
                back: format!("/admin/accounts/{id}"),
                back_text: "Back to the account".into(),
            },
        ),
        Err(error) => failure(&layout, error),
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    entries: Vec<AuditLine>,
    verification: Option<Verification>,
    older: Option<i64>,
}

impl AuditPage {
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        when(*t)
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct AuditQuery {
    before: Option<i64>,
    child: Option<String>,
}

const AUDIT_PAGE: u32 = 100;

async fn audit_page(app: &App, me: &Me, q: AuditQuery, verification: Option<Verification>) -> Response {
    let layout = Layout::new(app, &me.visitor, "/admin/audit");
    let child = q.child.as_deref().filter(|c| !c.is_empty()).and_then(|c| c.parse().ok());
    match me.handle.audit_log(child, None, q.before, AUDIT_PAGE).await {
        Ok(entries) => {
            let older = (entries.len() == AUDIT_PAGE as usize).then(|| entries.last().map(|e| e.seq)).flatten();
            render(StatusCode::OK, AuditPage { layout, entries, verification, older })
        }
        Err(error) => failure(&layout, error),
    }
}

/// `GET /admin/audit`.
pub(crate) async fn audit(State(app): State<App>, me: Me, Query(q): Query<AuditQuery>) -> Response {
    audit_page(&app, &me, q, None).await
}

/// `POST /admin/audit/verify`: checks the whole chain and shows the result above the log.
pub(crate) async fn verify(State(app): State<App>, me: Me) -> Response {
    match me.handle.verify_audit().await {
        Ok(v) => audit_page(&app, &me, AuditQuery::default(), Some(v)).await,
        Err(error) => failure(&Layout::new(&app, &me.visitor, "/admin/audit"), error),
    }
}

#[derive(Template)]
#[template(path = "retention.html")]
struct RetentionPage {
    layout: Layout,
    due: Vec<DueForReview>,
    by: String,
}

impl RetentionPage {
    fn day(&self, d: &chrono::NaiveDate) -> String {
        long_date(*d)
    }
}

/// `GET /admin/retention`: records due for review within 90 days (or overdue for it).
pub(crate) async fn retention(State(app): State<App>, me: Me) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/admin/retention");
    let by = app.today() + chrono::Days::new(90);
    match me.handle.retention_report(by).await {
        Ok(due) => render(StatusCode::OK, RetentionPage { layout, due, by: long_date(by) }),
        Err(error) => failure(&layout, error),
    }
}
