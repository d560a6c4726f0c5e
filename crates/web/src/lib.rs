//! careful's web server: pages on the GOV.UK Design System and MOJ Frontend.
//!
//! Routes turn requests into calls on `careful-app`'s use cases, as the signed-in principal,
//! and render the answers; they hold no business rules and no store. Every route is declared
//! with the access it needs ([`routes::Access`]); [`routes`] lists them. Every page works
//! without JavaScript.

#![forbid(unsafe_code)]

mod account;
mod admin;
mod assets;
mod children;
mod chronology;
mod cin;
mod health;
mod insight;
mod origin;
mod pages;
mod record;
mod routes;
mod search;
mod session;
mod sign_in;
mod ssda903;
pub mod subject_access;
mod work;

use std::future::Future;

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::{Extension, Router, middleware};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use careful_app::access::WorklistScope;
use careful_app::{Action, App};

pub use assets::asset_paths;
pub use routes::{Access, RouteInfo};

/// Where the test suite finds axe-core, installed from npm with the other front-end packages
/// but never served.
pub const AXE_CORE_JS: &str = careful_npm::AXE_CORE_JS;

/// Every page may load only careful's own files: no inline script, no third-party hosts.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

fn table(app: &App) -> (Router<App>, Vec<RouteInfo>) {
    use Access::*;
    routes::Routes::new(app.clone())
        .get("/", Public, "Start page (the home page when signed in)", pages::start)
        .get("/healthz", Public, "The process is up", health::healthz)
        .get("/readyz", Public, "The database answers", health::readyz)
        .get("/assets/{*path}", Public, "Static files", assets::serve)
        .get("/sign-in", Public, "Sign in", sign_in::form)
        .post("/sign-in", Public, "Sign in with a username and password", sign_in::submit)
        .get("/sign-in/two-factor", Public, "Enter the code from an authenticator app", sign_in::two_factor_form)
        .post("/sign-in/two-factor", Public, "Check the code", sign_in::two_factor_submit)
        .get("/sign-in/two-factor/set-up", Public, "Set up an authenticator app", sign_in::set_up_form)
        .post("/sign-in/two-factor/set-up", Public, "Confirm the authenticator app", sign_in::set_up_submit)
        .post("/sign-in/demo", Public, "One-click sign-in (the demonstration only)", sign_in::demo)
        .get("/sign-in/oidc", Public, "Sign in with the council's identity provider", sign_in::oidc_begin)
        .get("/sign-in/oidc/callback", Public, "The identity provider's answer", sign_in::oidc_callback)
        .post("/sign-out", SignedIn, "Sign out", sign_in::sign_out)
        .get("/account", SignedIn, "Your account", account::page)
        .post("/account/password", SignedIn, "Change your password", account::change_password)
        .post("/account/tokens", SignedIn, "Make a personal access token", account::create_token)
        .post("/account/tokens/{token}/revoke", SignedIn, "Revoke a personal access token", account::revoke_token)
        .post("/account/sign-out-everywhere", SignedIn, "Sign out everywhere", account::sign_out_everywhere)
        .get("/alerts", SignedIn, "Your alerts", account::alerts)
        .get(
            "/my-work",
            Council(Action::ViewWorklist(WorklistScope::Own)),
            "My work: duties due and overdue",
            work::my_work,
        )
        .get("/caseload", Council(Action::ViewCaseload), "Your caseload", children::caseload)
        .get(
            "/team",
            Council(Action::ViewWorklist(WorklistScope::Team { same_team: true, same_service: true })),
            "How a team's work stands",
            work::team,
        )
        .get("/iro", Council(Action::ViewWorklist(WorklistScope::Own)), "The children an IRO reviews", work::iro)
        .get("/children/{child}/chronology", Child(Action::ViewChild), "A child's chronology", chronology::chronology)
        .get(
            "/children/{child}/my-plan",
            Child(Action::ViewChild),
            "The page to show the child",
            chronology::child_view,
        )
        .get(search::PATH, Council(Action::SearchPeople), "Search for a child", search::search)
        .get("/children/new", Council(Action::RegisterChild), "Start a new child's record", search::new_child)
        .post(
            "/children/new",
            Council(Action::RegisterChild),
            "Check for children already held, then start the record",
            search::new_child_post,
        )
        .get("/children/{child}", Child(Action::ViewChild), "A child's record", children::summary)
        .post(
            "/children/{child}/break-glass",
            Child(Action::ViewChild),
            "Open a restricted record (break glass)",
            children::break_glass,
        )
        .post("/children/{child}/restrict", Child(Action::RestrictChild), "Restrict a record", children::restrict)
        .post("/children/{child}/unrestrict", Child(Action::RestrictChild), "Lift a restriction", children::unrestrict)
        .post("/children/{child}/grants", Child(Action::GrantAccess), "Grant time-limited access", children::grant)
        .post(
            "/children/{child}/grants/{grant}/revoke",
            Child(Action::GrantAccess),
            "Revoke a grant",
            children::revoke_grant,
        )
        .get("/children/{child}/record", Child(Action::RecordForChild), "What can be recorded", record::menu)
        .get("/children/{child}/record/{form}", Child(Action::RecordForChild), "A recording form", record::show)
        .post("/children/{child}/record/{form}", Child(Action::RecordForChild), "Record in the record", record::submit)
        .get(
            "/children/{child}/entries/{entry}/correct",
            Child(Action::RecordForChild),
            "Correct or withdraw an entry",
            record::correct_form,
        )
        .post(
            "/children/{child}/entries/{entry}/correct",
            Child(Action::RecordForChild),
            "Save a correction or withdrawal",
            record::correct,
        )
        .get("/insight", Council(Action::ViewFigures), "The council's indicators", insight::figures)
        .get("/insight/teams", Council(Action::ViewFigures), "Each team's and worker's figures", insight::teams)
        .get("/insight/scrutiny", Council(Action::ViewFigures), "The scrutiny report", insight::scrutiny)
        .get("/insight/forecast", Council(Action::ViewFigures), "Children looked after: forecast", insight::forecast)
        .get(
            "/insight/benchmarks",
            Council(Action::ViewFigures),
            "The council beside England and others",
            insight::benchmarks,
        )
        .get(ssda903::PATH, Council(Action::CheckReturns), "Check SSDA903 files", ssda903::form)
        .upload(ssda903::PATH, Council(Action::CheckReturns), "Check uploaded SSDA903 files", ssda903::check)
        .get(cin::PATH, Council(Action::CheckReturns), "Check a CIN census", cin::form)
        .upload(cin::PATH, Council(Action::CheckReturns), "Check an uploaded CIN census", cin::check)
        .get("/admin/accounts", Council(Action::ManageAccounts), "Accounts", admin::accounts)
        .get("/admin/accounts/new", Council(Action::ManageAccounts), "Add an account", admin::new_form)
        .post("/admin/accounts", Council(Action::ManageAccounts), "Add an account", admin::create)
        .get("/admin/accounts/{account}", Council(Action::ManageAccounts), "One account", admin::account)
        .post("/admin/accounts/{account}/role", Council(Action::ManageAccounts), "Change a role", admin::set_role)
        .post("/admin/accounts/{account}/worker", Council(Action::ManageAccounts), "Link a worker", admin::link_worker)
        .post("/admin/accounts/{account}/unlock", Council(Action::ManageAccounts), "Unlock an account", admin::unlock)
        .post(
            "/admin/accounts/{account}/disable",
            Council(Action::ManageAccounts),
            "Disable an account",
            admin::disable,
        )
        .post("/admin/accounts/{account}/enable", Council(Action::ManageAccounts), "Enable an account", admin::enable)
        .post(
            "/admin/accounts/{account}/reset-two-factor",
            Council(Action::ManageAccounts),
            "Reset the second factor",
            admin::reset_two_factor,
        )
        .post(
            "/admin/accounts/{account}/reset-password",
            Council(Action::ManageAccounts),
            "Set a new password",
            admin::reset_password,
        )
        .post(
            "/admin/accounts/{account}/end-sessions",
            Council(Action::ManageAccounts),
            "End an account's sessions",
            admin::end_sessions,
        )
        .get("/admin/audit", Council(Action::ViewAudit), "The audit log", admin::audit)
        .post("/admin/audit/verify", Council(Action::ViewAudit), "Verify the audit chain", admin::verify)
        .get("/admin/retention", Council(Action::ViewRetention), "Records due for review", admin::retention)
        .finish()
}

/// Every route, with the access it needs.
pub fn routes(app: &App) -> Vec<RouteInfo> {
    table(app).1
}

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
    let (routes, _) = table(&app);
    let request_timeout = app.settings().security.request_timeout;
    let mut router = routes
        .fallback(pages::not_found)
        .layer(Extension(ssda903::Checks::new()))
        // Who is asking, and their form token on every unsafe request.
        .layer(middleware::from_fn_with_state(app.clone(), session::identify))
        // Forms are refused when a browser says they were sent from another site.
        .layer(middleware::from_fn_with_state(app.clone(), origin::refuse_cross_site))
        .with_state(app);
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    // A request not answered in time (its body still arriving, or its answer not ready) is
    // answered 408 and dropped, with any transaction it had begun rolled back.
    router
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, request_timeout))
        .layer(TraceLayer::new_for_http())
}

/// Serves the application on `listener` until `shutdown` completes, then finishes the requests
/// in flight.
///
/// Each connection is served by hyper's HTTP/1.1 server with a timer, so that a client must send
/// a request's headers within the request timeout (`Security::request_timeout`) or have its
/// connection closed; the body and the answer are bounded by the same timeout in [`router`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower_service::Service;

    let header_timeout = app.settings().security.request_timeout;
    let router = router(app);
    // Told to each connection when careful is shutting down, so it finishes its request and
    // closes.
    let (closing, closed) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, address) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Too many open files and the like: wait a moment rather than spin.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: axum::http::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(address));
            let mut router = router.clone();
            async move { router.call(request.map(axum::body::Body::new)).await }
        });
        let mut closed = closed.clone();
        connections.spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
            let connection = builder.serve_connection(TokioIo::new(stream), service).with_upgrades();
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        tracing::debug!(%error, "a connection ended with an error");
                    }
                }
                _ = closed.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
        // Forget the connections that have finished.
        while connections.try_join_next().is_some() {}
    }
    let _ = closing.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}
