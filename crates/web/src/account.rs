//! Your own account: password, personal access tokens, sessions and alerts.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use careful_app::{AccountView, AlertView, App, AppError, Scope, SessionView, TokenView};

use crate::pages::{Errors, Layout, failure, render, when};
use crate::session::{Me, clear_session_cookie};

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    account: AccountView,
    sessions: Vec<SessionView>,
    tokens: Vec<TokenView>,
    errors: Errors,
    form: &'static str,
    scopes: Vec<(&'static str, &'static str)>,
    now: chrono::DateTime<chrono::Utc>,
}

impl AccountPage {
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        when(*t)
    }

    fn error(&self, form: &str, field: &str) -> Option<&str> {
        if self.form == form { self.errors.get(field) } else { None }
    }

    fn live(&self, t: &TokenView) -> bool {
        t.revoked.is_none() && t.expires > self.now
    }
}

#[derive(Template)]
#[template(path = "shown-once.html")]
pub(crate) struct ShownOnce {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub secret: String,
    pub back: String,
    pub back_text: String,
}

async fn page_with(app: &App, me: &Me, errors: Errors, form: &'static str) -> Response {
    let layout = Layout::new(app, &me.visitor, "/account");
    match me.handle.my_account().await {
        Ok((account, _, sessions, tokens)) => render(
            if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK },
            AccountPage {
                layout,
                account,
                sessions,
                tokens,
                errors,
                form,
                scopes: Scope::ALL.iter().map(|s| (s.as_str(), s.describe())).collect(),
                now: app.now(),
            },
        ),
        Err(error) => failure(&layout, error),
    }
}

/// `GET /account`.
pub(crate) async fn page(State(app): State<App>, me: Me) -> Response {
    page_with(&app, &me, Errors::default(), "").await
}

#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// `POST /account/password`: every session ends; sign in again with the new password.
pub(crate) async fn change_password(State(app): State<App>, me: Me, Form(form): Form<PasswordForm>) -> Response {
    match me.handle.change_password(&form.current_password, &form.new_password).await {
        Ok(()) => {
            let mut response = Redirect::to("/sign-in?expired=1").into_response();
            response.headers_mut().append(header::SET_COOKIE, clear_session_cookie(&app));
            response
        }
        Err(AppError::Invalid(problems)) => page_with(&app, &me, Errors(problems), "password").await,
        Err(error) => failure(&Layout::new(&app, &me.visitor, "/account"), error),
    }
}

/// A token form: its scopes come as repeated `scopes` fields.
pub(crate) struct TokenForm {
    name: String,
    days: String,
    scopes: Vec<String>,
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for TokenForm {
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<TokenForm, Response> {
        let bytes = axum::body::Bytes::from_request(request, state).await.map_err(IntoResponse::into_response)?;
        let text = String::from_utf8_lossy(&bytes);
        let mut form = TokenForm { name: String::new(), days: String::new(), scopes: Vec::new() };
        for (k, v) in text.split('&').filter_map(|p| p.split_once('=')) {
            let v = crate::session::decode(v);
            match k {
                "name" => form.name = v,
                "days" => form.days = v,
                "scopes" => form.scopes.push(v),
                _ => {}
            }
        }
        Ok(form)
    }
}

/// `POST /account/tokens`: shows the new token once.
pub(crate) async fn create_token(State(app): State<App>, me: Me, form: TokenForm) -> Response {
    match me.handle.create_token(&form.name, &form.scopes, &form.days).await {
        Ok(token) => render(
            StatusCode::OK,
            ShownOnce {
                layout: Layout::new(&app, &me.visitor, "/account"),
                heading: "Your new personal access token".into(),
                intro: format!(
                    "Copy it now: careful keeps only a fingerprint of it and cannot show it again. Use it as CAREFUL_TOKEN on the command line, or in an Authorization: Bearer header. It may be used to {}.",
                    form.scopes.join(", ")
                ),
                secret: token,
                back: "/account".into(),
                back_text: "Back to your account".into(),
            },
        ),
        Err(AppError::Invalid(problems)) => page_with(&app, &me, Errors(problems), "token").await,
        Err(error) => failure(&Layout::new(&app, &me.visitor, "/account"), error),
    }
}

/// `POST /account/tokens/{token}/revoke`.
pub(crate) async fn revoke_token(State(app): State<App>, me: Me, Path(token): Path<String>) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/account");
    let Ok(id) = token.parse::<uuid::Uuid>() else {
        return failure(&layout, AppError::NotFound("there is no such token".into()));
    };
    match me.handle.revoke_token(id).await {
        Ok(()) => Redirect::to("/account").into_response(),
        Err(error) => failure(&layout, error),
    }
}

/// `POST /account/sign-out-everywhere`.
pub(crate) async fn sign_out_everywhere(State(app): State<App>, me: Me) -> Response {
    match me.handle.sign_out_everywhere().await {
        Ok(_) => {
            let mut response = Redirect::to("/sign-in?signed-out=1").into_response();
            response.headers_mut().append(header::SET_COOKIE, clear_session_cookie(&app));
            response
        }
        Err(error) => failure(&Layout::new(&app, &me.visitor, "/account"), error),
    }
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    layout: Layout,
    alerts: Vec<AlertView>,
}

impl AlertsPage {
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        when(*t)
    }
}

/// `GET /alerts`.
pub(crate) async fn alerts(State(app): State<App>, me: Me) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/alerts");
    match me.handle.alerts().await {
        Ok(alerts) => render(StatusCode::OK, AlertsPage { layout, alerts }),
        Err(error) => failure(&layout, error),
    }
}
