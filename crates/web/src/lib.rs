//! careful's web server: pages on the GOV.UK Design System and MOJ Frontend.
//!
//! Routes turn requests into calls on the [`App`] and render the answers; they hold no business
//! rules. Every page works without JavaScript.

mod assets;
mod health;
mod origin;
mod pages;
mod ssda903;

use std::future::Future;

use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use axum::{Extension, Router, middleware};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use careful_app::App;

pub use assets::asset_paths;

/// Where the test suite finds axe-core, installed from npm with the other front-end packages
/// but never served.
pub const AXE_CORE_JS: &str = env!("CAREFUL_AXE_CORE_JS");

/// Every page may load only careful's own files: no inline script, no third-party hosts.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// The whole web application.
pub fn router(app: App) -> Router {
    let headers = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), payment=()"),
        // Pages hold children's details: never keep them in a shared or browser cache. Assets
        // set their own caching.
        (header::CACHE_CONTROL, "no-store"),
    ];
    let mut router = Router::new()
        .route("/", get(pages::start))
        .route(ssda903::PATH, get(ssda903::form).post(ssda903::check).layer(ssda903::body_limit()))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/assets/{*path}", get(assets::serve))
        .fallback(pages::not_found)
        .layer(Extension(ssda903::Checks::new()))
        // Forms are refused when a browser says they were sent from another site.
        .layer(middleware::from_fn_with_state(app.clone(), origin::refuse_cross_site))
        .with_state(app);
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    router.layer(TraceLayer::new_for_http())
}

/// Serves the application on `listener` until `shutdown` completes, then finishes the requests
/// in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(app)).with_graceful_shutdown(shutdown).await
}
