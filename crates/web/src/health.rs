//! Health checks for load balancers and orchestrators.

use axum::extract::State;
use axum::http::StatusCode;

use careful_app::App;

/// The process is up and serving requests.
pub(crate) async fn healthz() -> (StatusCode, &'static str) {
    (StatusCode::OK, "ok\n")
}

/// The process can reach its database.
pub(crate) async fn readyz(State(app): State<App>) -> (StatusCode, String) {
    match app.check_ready().await {
        Ok(()) => (StatusCode::OK, "ready\n".to_string()),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {error}\n"))
        }
    }
}
