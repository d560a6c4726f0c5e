//! Protection against cross-site request forgery: careful refuses every request that could
//! change something or start work (any method but GET, HEAD, OPTIONS and TRACE) when a browser
//! says it was sent from another website.
//!
//! This check comes first, before the session's form token (`session.rs`) is checked: it relies
//! on what browsers themselves say about where a request came from, as Go's
//! `net/http.CrossOriginProtection` and the OWASP cheat sheet's "Fetch Metadata" defence do:
//!
//! 1. `Sec-Fetch-Site`, which every current browser sends and no web page can set or change:
//!    `same-origin` (a form on careful's own pages) and `none` (the person typed or bookmarked
//!    the address) are allowed; `same-site` and `cross-site` are refused.
//! 2. Otherwise `Origin`, which browsers send with every cross-origin POST and pages cannot
//!    forge: it must name the host the request was sent to (the `Host` header). `Origin: null`
//!    (sandboxed frames, some redirects) is refused.
//! 3. A request with neither header did not come from a browser page (curl, a script, the
//!    test suite): it is allowed, since forgery needs a victim's browser to send it.
//!
//! The form token is checked as well, so a request from a browser that sends neither header
//! (an old one) is still refused without the session's token.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use careful_app::App;

use crate::pages;

/// Refuses unsafe requests that a browser says came from another site.
pub(crate) async fn refuse_cross_site(State(app): State<App>, request: Request, next: Next) -> Response {
    if request.method().is_safe() || !is_cross_site(request.headers()) {
        return next.run(request).await;
    }
    tracing::warn!(
        method = %request.method(),
        path = request.uri().path(),
        origin = ?request.headers().get(header::ORIGIN),
        sec_fetch_site = ?request.headers().get("sec-fetch-site"),
        "refused a request sent from another site"
    );
    pages::error_page(
        &pages::Layout::signed_out(&app),
        StatusCode::FORBIDDEN,
        "This form was sent from another website",
        vec![
            "careful only accepts forms sent from its own pages, so nothing was done.".into(),
            "Go back to careful and use the form there.".into(),
        ],
    )
}

/// Whether a browser says the request came from a page on another site.
fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else { return false };
    let origin_host = origin.to_str().ok().and_then(|o| o.split_once("://")).map(|(_, authority)| authority);
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match (origin_host, host) {
        (Some(origin_host), Some(host)) => !origin_host.eq_ignore_ascii_case(host),
        _ => true,
    }
}
