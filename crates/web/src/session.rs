//! Who is asking: the session cookie (or a personal access token in `Authorization: Bearer`)
//! turned into a principal by `careful-app`, and the form token (CSRF) every state-changing
//! request carries.
//!
//! - The session cookie is HttpOnly, SameSite=Lax, Path=/, and Secure (with the `__Host-`
//!   prefix) when careful is reached over HTTPS (`--base-url https://...`).
//! - Every POST made with a session cookie must carry the session's form token: in the form
//!   (`csrf_token`), in the `X-CSRF-Token` header, or, for file uploads (multipart forms, whose
//!   fields are read later), in the form's address. Signed-out forms (sign-in) carry a token
//!   matching a `careful_form` cookie instead (double submit). A missing or wrong token is
//!   refused with 403 before anything runs. Requests made with a bearer token carry no cookie,
//!   so no browser can be tricked into sending one: they need no form token.
//! - The cross-site check in `origin.rs` runs first, for every unsafe request.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use careful_app::{App, Client, Principal, SessionStage, UserHandle};

use crate::pages::{self, Layout};

/// The session cookie's name over plain HTTP (local use, behind a TLS-terminating proxy).
const SESSION_COOKIE: &str = "careful_session";
/// Over HTTPS: `__Host-` makes browsers insist on Secure, Path=/ and no Domain.
const SECURE_SESSION_COOKIE: &str = "__Host-careful_session";
/// The double-submit cookie for signed-out forms.
pub(crate) const FORM_COOKIE: &str = "careful_form";
/// Ties an OIDC sign-in's answer to the browser that asked.
pub(crate) const OIDC_COOKIE: &str = "careful_oidc";
/// The form field, header and query parameter carrying the form token.
pub(crate) const CSRF_FIELD: &str = "csrf_token";
const CSRF_HEADER: &str = "x-csrf-token";
/// The largest urlencoded form careful reads to find its token.
const FORM_LIMIT: usize = 1024 * 1024;

/// A signed-in principal and how they signed in.
#[derive(Clone)]
pub(crate) struct SignedIn {
    pub principal: Principal,
    /// The form token for this session (empty for bearer tokens).
    pub csrf: String,
    /// The session cookie's token (None for bearer tokens).
    pub session_token: Option<String>,
}

/// Everything careful knows about who sent a request.
#[derive(Clone)]
pub(crate) struct Visitor {
    pub client: Client,
    pub signed_in: Option<SignedIn>,
    /// A session part-way through signing in: its token and stage.
    pub pending: Option<(String, SessionStage)>,
    /// That session's form token: the code pages' forms (and a sign-in started again from
    /// there) carry it.
    pub pending_csrf: Option<String>,
    /// The double-submit value for signed-out forms (set when missing).
    pub form_token: String,
    /// Whether the request came with a bearer token (an API client, not a browser).
    pub bearer: bool,
}

impl Visitor {
    pub(crate) fn handle(&self, app: &App) -> Option<UserHandle> {
        self.signed_in.as_ref().map(|s| app.user(s.principal.clone(), self.client.clone()))
    }

    /// The form token a page's forms carry: the session's, once there is one (signed in, or
    /// part-way through signing in); otherwise the double-submit value of the `careful_form`
    /// cookie. It is the token [`identify`] expects back.
    pub(crate) fn csrf(&self) -> &str {
        match (&self.signed_in, &self.pending_csrf) {
            (Some(s), _) if !s.csrf.is_empty() => &s.csrf,
            (_, Some(pending)) => pending,
            _ => &self.form_token,
        }
    }
}

pub(crate) fn cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    cookies(headers).into_iter().find(|(k, _)| k == name).map(|(_, v)| v).filter(|v| !v.is_empty())
}

fn session_cookie_name(app: &App) -> &'static str {
    if app.settings().secure_cookies() { SECURE_SESSION_COOKIE } else { SESSION_COOKIE }
}

/// A Set-Cookie value with careful's attributes.
pub(crate) fn set_cookie(app: &App, name: &str, value: &str, max_age: Option<i64>, same_site: &str) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if app.settings().secure_cookies() {
        text.push_str("; Secure");
    }
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("careful_invalid=; Max-Age=0"))
}

/// The Set-Cookie header that starts a session.
pub(crate) fn session_cookie(app: &App, token: &str) -> HeaderValue {
    // A session cookie (no Max-Age): it also ends when the browser closes. The server's idle
    // and absolute timeouts apply whatever the browser does.
    set_cookie(app, session_cookie_name(app), token, None, "Lax")
}

/// The Set-Cookie header that removes the session cookie.
pub(crate) fn clear_session_cookie(app: &App) -> HeaderValue {
    set_cookie(app, session_cookie_name(app), "", Some(0), "Lax")
}

fn client(headers: &HeaderMap, address: Option<SocketAddr>) -> Client {
    Client {
        ip: address.map(|a| a.ip().to_string()),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
    }
}

/// Works out who sent the request, checks its form token, and passes it on with a [`Visitor`]
/// in its extensions.
pub(crate) async fn identify(State(app): State<App>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let address = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let client = client(&parts.headers, address);
    let mut visitor = Visitor {
        client,
        signed_in: None,
        pending: None,
        pending_csrf: None,
        form_token: cookie(&parts.headers, FORM_COOKIE).unwrap_or_default(),
        bearer: false,
    };
    let mut clear_session = false;
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::to_string);
    if let Some(token) = bearer {
        match app.principal_from_token(&token, &visitor.client).await {
            Ok(principal) => {
                visitor.bearer = true;
                visitor.signed_in = Some(SignedIn { principal, csrf: String::new(), session_token: None });
            }
            Err(error) if error.is_unavailable() => return pages::unavailable(&app),
            Err(error) if error.is_storage_full() => {
                return pages::storage_full_page(&Layout::signed_out(&app));
            }
            Err(error) => {
                return (
                    StatusCode::UNAUTHORIZED,
                    [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
                    format!("{error}\n"),
                )
                    .into_response();
            }
        }
    } else if let Some(token) = cookie(&parts.headers, session_cookie_name(&app)) {
        match app.session(&token).await {
            Ok(Some(info)) if info.stage == SessionStage::SignedIn => {
                visitor.signed_in =
                    Some(SignedIn { principal: info.principal, csrf: info.csrf_token, session_token: Some(token) });
            }
            Ok(Some(info)) => {
                visitor.pending_csrf = Some(info.csrf_token);
                visitor.pending = Some((token, info.stage));
            }
            Ok(None) => clear_session = true,
            Err(error) if error.is_unavailable() => return pages::unavailable(&app),
            Err(error) if error.is_storage_full() => {
                return pages::storage_full_page(&Layout::signed_out(&app));
            }
            Err(error) => {
                tracing::error!(%error, "the session could not be read");
                return pages::problem(&app);
            }
        }
    }

    let mut set_form_cookie = None;
    if visitor.form_token.is_empty() && visitor.signed_in.is_none() && !visitor.bearer {
        visitor.form_token = careful_app::auth::new_form_token();
        set_form_cookie = Some(set_cookie(&app, FORM_COOKIE, &visitor.form_token, None, "Strict"));
    }

    // The form token, on every unsafe request made with cookies.
    let body = if parts.method.is_safe() || visitor.bearer {
        body
    } else {
        let expected = match (&visitor.signed_in, &visitor.pending_csrf) {
            (Some(s), _) => s.csrf.clone(),
            (None, Some(pending)) => pending.clone(),
            (None, None) => cookie(&parts.headers, FORM_COOKIE).unwrap_or_default(),
        };
        let (given, body) = match given_token(&parts, body).await {
            Ok(found) => found,
            Err(response) => return response,
        };
        let matches = !expected.is_empty() && given.as_deref().is_some_and(|g| same(g, &expected));
        if !matches {
            tracing::warn!(method = %parts.method, path = parts.uri.path(), "refused a form with a missing or wrong form token");
            if let Some(handle) = visitor.handle(&app) {
                let _ = handle.refused_form(parts.uri.path()).await;
            }
            let layout = Layout::new(&app, &visitor, "");
            return pages::error_page(
                &layout,
                StatusCode::FORBIDDEN,
                "This form has expired",
                vec![
                    "Nothing was saved or changed.".into(),
                    "This can happen if you were signed out, or signed in again in another tab, while the form was open. Go back, reload the page and try again.".into(),
                ],
            );
        }
        body
    };

    parts.extensions.insert(visitor);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if clear_session && !response.headers().contains_key(header::SET_COOKIE) {
        response.headers_mut().append(header::SET_COOKIE, clear_session_cookie(&app));
    }
    if let Some(cookie) = set_form_cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The form token the request carries, and the body to pass on (read and put back for an
/// urlencoded form).
async fn given_token(parts: &Parts, body: Body) -> Result<(Option<String>, Body), Response> {
    if let Some(value) = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return Ok((Some(value.to_string()), body));
    }
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type.starts_with("multipart/form-data") {
        let from_query = parts.uri.query().and_then(|q| query_value(q, CSRF_FIELD));
        return Ok((from_query, body));
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let bytes = match to_bytes(body, FORM_LIMIT).await {
            Ok(bytes) => bytes,
            Err(_) => {
                return Err((StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.\n").into_response());
            }
        };
        let token = std::str::from_utf8(&bytes).ok().and_then(|text| query_value(text, CSRF_FIELD));
        return Ok((token, Body::from(bytes)));
    }
    Ok((None, body))
}

/// A value from an urlencoded string (`a=1&b=2`).
pub(crate) fn query_value(text: &str, name: &str) -> Option<String> {
    text.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| decode(v))
}

/// Undoes urlencoding (`+` and `%XX`).
pub(crate) fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The signed-in principal, for handlers of routes that need one (the route's access check has
/// already turned away anyone else).
pub(crate) struct Me {
    pub handle: UserHandle,
    pub visitor: Visitor,
}

impl FromRequestParts<App> for Me {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Me, Response> {
        let visitor = parts.extensions.get::<Visitor>().cloned();
        match visitor.as_ref().and_then(|v| v.handle(app)) {
            Some(handle) => Ok(Me { handle, visitor: visitor.expect("a visitor") }),
            None => Err(to_sign_in(parts.uri.path_and_query().map_or("/", |p| p.as_str()), &parts.method)),
        }
    }
}

/// The visitor, signed in or not.
pub(crate) struct Anyone(pub Visitor);

impl FromRequestParts<App> for Anyone {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &App) -> Result<Anyone, Response> {
        parts
            .extensions
            .get::<Visitor>()
            .cloned()
            .map(Anyone)
            .ok_or_else(|| (StatusCode::INTERNAL_SERVER_ERROR, "no visitor\n").into_response())
    }
}

/// Sends someone who is not signed in to the sign-in page, to come back after.
pub(crate) fn to_sign_in(path: &str, method: &Method) -> Response {
    let next = if method == Method::GET && path.starts_with('/') && !path.starts_with("//") { path } else { "/" };
    Redirect::to(&format!("/sign-in?next={}", encode(next))).into_response()
}

/// Urlencodes a value.
pub(crate) fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where to go after signing in: a path on careful itself, never another site.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") && !n.starts_with("/sign-") => {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_forms() {
        assert_eq!(decode("a+b%20c%2Fd"), "a b c/d");
        assert_eq!(decode("%zz%"), "%zz%");
        assert_eq!(query_value("x=1&csrf_token=ab%2Bc", "csrf_token").as_deref(), Some("ab+c"));
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/children/1")), "/children/1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
