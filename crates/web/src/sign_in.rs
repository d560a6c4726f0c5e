//! Signing in and out: password, second factor (and setting it up), the demonstration's
//! one-click accounts, and the council's identity provider (OIDC).
//!
//! Every step that signs someone further in starts a new session (a new cookie) and ends the
//! one before, so a session token planted in a browser before sign-in never becomes a signed-in
//! one.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use careful_app::demo::DemoAccount;
use careful_app::{App, AppError, NewSession, SessionStage, SignInFailure};

use crate::pages::{Errors, Layout, render};
use crate::session::{
    Anyone, OIDC_COOKIE, Visitor, clear_session_cookie, cookie, encode, safe_next, session_cookie, set_cookie,
};

#[derive(Template)]
#[template(path = "sign-in.html")]
struct SignInPage {
    layout: Layout,
    errors: Errors,
    username: String,
    next: String,
    demo_accounts: Vec<DemoAccount>,
    oidc: bool,
    notice: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "two-factor.html")]
struct TwoFactorPage {
    layout: Layout,
    errors: Errors,
    next: String,
}

#[derive(Template)]
#[template(path = "two-factor-set-up.html")]
struct SetUpPage {
    layout: Layout,
    errors: Errors,
    next: String,
    secret: String,
    uri: String,
}

#[derive(Deserialize, Default)]
pub(crate) struct NextQuery {
    next: Option<String>,
    #[serde(rename = "signed-out")]
    signed_out: Option<String>,
    expired: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
pub(crate) struct DemoForm {
    #[serde(default)]
    username: String,
}

/// Where a new session goes next, with its cookie set.
fn after(app: &App, session: &NewSession, next: &str) -> Response {
    let target = match session.stage {
        SessionStage::SignedIn => safe_next(Some(next)),
        SessionStage::SecondFactor => format!("/sign-in/two-factor?next={}", encode(&safe_next(Some(next)))),
        SessionStage::SetUpSecondFactor => {
            format!("/sign-in/two-factor/set-up?next={}", encode(&safe_next(Some(next))))
        }
    };
    let mut response = Redirect::to(&target).into_response();
    response.headers_mut().append(header::SET_COOKIE, session_cookie(app, &session.token));
    response
}

/// Ends whatever session the browser already had: a new sign-in always starts afresh.
async fn end_existing(app: &App, visitor: &Visitor) {
    let token = visitor
        .signed_in
        .as_ref()
        .and_then(|s| s.session_token.clone())
        .or_else(|| visitor.pending.as_ref().map(|(t, _)| t.clone()));
    if let Some(token) = token {
        let _ = app.sign_out(&token, &visitor.client).await;
    }
}

async fn sign_in_page(
    app: &App,
    visitor: &Visitor,
    errors: Errors,
    username: String,
    next: String,
    notice: Option<&'static str>,
) -> SignInPage {
    SignInPage {
        layout: Layout::new(app, &Visitor { signed_in: None, ..visitor.clone() }, ""),
        errors,
        username,
        next,
        demo_accounts: app.demo_accounts().await.unwrap_or_default(),
        oidc: app.oidc_enabled(),
        notice,
    }
}

/// `GET /sign-in`.
pub(crate) async fn form(State(app): State<App>, Anyone(visitor): Anyone, Query(q): Query<NextQuery>) -> Response {
    let next = safe_next(q.next.as_deref());
    if visitor.signed_in.is_some() {
        return Redirect::to(&next).into_response();
    }
    let notice = if q.signed_out.is_some() {
        Some("You have signed out.")
    } else if q.expired.is_some() {
        Some("Your password has been changed, or your session has ended. Sign in again.")
    } else {
        None
    };
    render(StatusCode::OK, sign_in_page(&app, &visitor, Errors::default(), String::new(), next, notice).await)
}

fn sign_in_errors(failure: &SignInFailure) -> Errors {
    let message = match failure {
        SignInFailure::WrongCredentials => "Enter a correct username and password".to_string(),
        other => capitalised(&other.to_string()),
    };
    Errors::one("username", message)
}

fn capitalised(text: &str) -> String {
    let mut c = text.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// `POST /sign-in`.
pub(crate) async fn submit(State(app): State<App>, Anyone(visitor): Anyone, Form(form): Form<SignInForm>) -> Response {
    let mut problems = Vec::new();
    if form.username.trim().is_empty() {
        problems.push(careful_app::FieldError::new("username", "Enter your username"));
    }
    if form.password.is_empty() {
        problems.push(careful_app::FieldError::new("password", "Enter your password"));
    }
    if !problems.is_empty() {
        let page = sign_in_page(&app, &visitor, Errors(problems), form.username, form.next, None).await;
        return render(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    end_existing(&app, &visitor).await;
    match app.sign_in(&form.username, &form.password, &visitor.client).await {
        Ok(session) => after(&app, &session, &form.next),
        Err(AppError::SignIn(failure)) => {
            let page = sign_in_page(&app, &visitor, sign_in_errors(&failure), form.username, form.next, None).await;
            let mut response = render(StatusCode::UNAUTHORIZED, page);
            response.headers_mut().append(header::SET_COOKIE, clear_session_cookie(&app));
            response
        }
        Err(error) => crate::pages::failure(&Layout::signed_out(&app), error),
    }
}

fn pending_token(visitor: &Visitor, stage: SessionStage) -> Option<String> {
    visitor.pending.as_ref().filter(|(_, s)| *s == stage).map(|(t, _)| t.clone())
}

/// `GET /sign-in/two-factor`.
pub(crate) async fn two_factor_form(
    State(app): State<App>,
    Anyone(visitor): Anyone,
    Query(q): Query<NextQuery>,
) -> Response {
    if pending_token(&visitor, SessionStage::SecondFactor).is_none() {
        return Redirect::to("/sign-in").into_response();
    }
    let page = TwoFactorPage {
        layout: Layout::new(&app, &visitor, ""),
        errors: Errors::default(),
        next: safe_next(q.next.as_deref()),
    };
    render(StatusCode::OK, page)
}

fn code_errors(error: &AppError) -> Option<Errors> {
    match error {
        AppError::SignIn(SignInFailure::SessionInvalid) => None,
        AppError::SignIn(failure) => Some(Errors::one("code", capitalised(&failure.to_string()))),
        _ => None,
    }
}

/// `POST /sign-in/two-factor`.
pub(crate) async fn two_factor_submit(
    State(app): State<App>,
    Anyone(visitor): Anyone,
    Form(form): Form<CodeForm>,
) -> Response {
    let Some(token) = pending_token(&visitor, SessionStage::SecondFactor) else {
        return Redirect::to("/sign-in").into_response();
    };
    match app.second_factor(&token, &form.code, &visitor.client).await {
        Ok(session) => after(&app, &session, &form.next),
        Err(error) => match code_errors(&error) {
            Some(errors) => {
                let locked = matches!(error, AppError::SignIn(SignInFailure::Locked { .. }));
                let page = TwoFactorPage { layout: Layout::new(&app, &visitor, ""), errors, next: form.next };
                let mut response = render(StatusCode::UNAUTHORIZED, page);
                if locked {
                    response.headers_mut().append(header::SET_COOKIE, clear_session_cookie(&app));
                }
                response
            }
            None if matches!(error, AppError::SignIn(_)) => Redirect::to("/sign-in").into_response(),
            None => crate::pages::failure(&Layout::signed_out(&app), error),
        },
    }
}

/// `GET /sign-in/two-factor/set-up`.
pub(crate) async fn set_up_form(
    State(app): State<App>,
    Anyone(visitor): Anyone,
    Query(q): Query<NextQuery>,
) -> Response {
    let Some(token) = pending_token(&visitor, SessionStage::SetUpSecondFactor) else {
        return Redirect::to("/sign-in").into_response();
    };
    match app.second_factor_setup(&token).await {
        Ok(setup) => render(
            StatusCode::OK,
            SetUpPage {
                layout: Layout::new(&app, &visitor, ""),
                errors: Errors::default(),
                next: safe_next(q.next.as_deref()),
                secret: setup.secret,
                uri: setup.uri,
            },
        ),
        Err(AppError::SignIn(_)) => Redirect::to("/sign-in").into_response(),
        Err(error) => crate::pages::failure(&Layout::signed_out(&app), error),
    }
}

/// `POST /sign-in/two-factor/set-up`.
pub(crate) async fn set_up_submit(
    State(app): State<App>,
    Anyone(visitor): Anyone,
    Form(form): Form<CodeForm>,
) -> Response {
    let Some(token) = pending_token(&visitor, SessionStage::SetUpSecondFactor) else {
        return Redirect::to("/sign-in").into_response();
    };
    match app.confirm_second_factor(&token, &form.code, &visitor.client).await {
        Ok(session) => after(&app, &session, &form.next),
        Err(error) => match (code_errors(&error), app.second_factor_setup(&token).await) {
            (Some(errors), Ok(setup)) => render(
                StatusCode::UNAUTHORIZED,
                SetUpPage {
                    layout: Layout::new(&app, &visitor, ""),
                    errors,
                    next: form.next,
                    secret: setup.secret,
                    uri: setup.uri,
                },
            ),
            _ => Redirect::to("/sign-in").into_response(),
        },
    }
}

/// `POST /sign-in/demo`: one click, the demonstration only.
pub(crate) async fn demo(State(app): State<App>, Anyone(visitor): Anyone, Form(form): Form<DemoForm>) -> Response {
    end_existing(&app, &visitor).await;
    match app.demo_sign_in(&form.username, &visitor.client).await {
        Ok(session) => after(&app, &session, "/"),
        Err(AppError::SignIn(failure)) => {
            let page = sign_in_page(&app, &visitor, sign_in_errors(&failure), String::new(), "/".into(), None).await;
            render(StatusCode::UNAUTHORIZED, page)
        }
        Err(error) => crate::pages::failure(&Layout::signed_out(&app), error),
    }
}

/// `GET /sign-in/oidc`: off to the council's identity provider.
pub(crate) async fn oidc_begin(State(app): State<App>, Anyone(visitor): Anyone) -> Response {
    match app.oidc_begin().await {
        Ok((url, binding)) => {
            let mut response = Redirect::to(&url).into_response();
            // Lax, so the browser sends it back on the provider's redirect (a top-level GET).
            response
                .headers_mut()
                .append(header::SET_COOKIE, set_cookie(&app, OIDC_COOKIE, &binding, Some(600), "Lax"));
            response
        }
        Err(AppError::SignIn(failure)) => {
            let page = sign_in_page(&app, &visitor, sign_in_errors(&failure), String::new(), "/".into(), None).await;
            render(StatusCode::BAD_GATEWAY, page)
        }
        Err(error) => crate::pages::failure(&Layout::signed_out(&app), error),
    }
}

#[derive(Deserialize)]
pub(crate) struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /sign-in/oidc/callback`: the identity provider's answer.
pub(crate) async fn oidc_callback(
    State(app): State<App>,
    Anyone(visitor): Anyone,
    headers: HeaderMap,
    Query(q): Query<Callback>,
) -> Response {
    let clear = set_cookie(&app, OIDC_COOKIE, "", Some(0), "Lax");
    let refuse = |message: String, visitor: Visitor, app: App| async move {
        let page =
            sign_in_page(&app, &visitor, Errors::one("username", message), String::new(), "/".into(), None).await;
        let mut response = render(StatusCode::UNAUTHORIZED, page);
        response.headers_mut().append(header::SET_COOKIE, set_cookie(&app, OIDC_COOKIE, "", Some(0), "Lax"));
        response
    };
    if let Some(error) = q.error {
        let detail = q.error_description.unwrap_or_default();
        return refuse(
            format!(
                "The identity provider did not sign you in ({error}{}{detail})",
                if detail.is_empty() { "" } else { ": " }
            ),
            visitor,
            app,
        )
        .await;
    }
    let (Some(code), Some(state), Some(binding)) = (q.code, q.state, cookie(&headers, OIDC_COOKIE)) else {
        return refuse(
            "This sign-in has expired or was started in another browser: sign in again".into(),
            visitor,
            app,
        )
        .await;
    };
    end_existing(&app, &visitor).await;
    match app.oidc_finish(&binding, &state, &code, &visitor.client).await {
        Ok(session) => {
            let mut response = after(&app, &session, "/");
            response.headers_mut().append(header::SET_COOKIE, clear);
            response
        }
        Err(AppError::SignIn(failure)) => refuse(capitalised(&failure.to_string()), visitor, app).await,
        Err(error) => crate::pages::failure(&Layout::signed_out(&app), error),
    }
}

/// `POST /sign-out`.
pub(crate) async fn sign_out(State(app): State<App>, Anyone(visitor): Anyone) -> Response {
    end_existing(&app, &visitor).await;
    let mut response = Redirect::to("/sign-in?signed-out=1").into_response();
    response.headers_mut().append(header::SET_COOKIE, clear_session_cookie(&app));
    response
}
