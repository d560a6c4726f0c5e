//! The route table: every route is added with the access it needs, so a route cannot exist
//! without saying who may use it. [`crate::routes`] lists them all, and the integration tests
//! try every one as every role, with every relationship to the child (`docs/access.md`).

use axum::Router;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};

use careful_app::{Action, App};

use crate::pages::{self, Layout};
use crate::session::{Visitor, to_sign_in};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in pages, health checks, assets).
    Public,
    /// Anyone signed in (their own account, signing out).
    SignedIn,
    /// Those the access rules allow this council-wide action.
    Council(Action),
    /// Those the access rules allow this action on the child the path names (decided by the
    /// use case, with the child's relationships).
    Child(Action),
}

impl Access {
    /// In words, for `docs/access.md`.
    pub fn describe(&self) -> String {
        match self {
            Access::Public => "anyone".into(),
            Access::SignedIn => "anyone signed in".into(),
            Access::Council(a) => format!("`{}`", a.code()),
            Access::Child(a) => format!("`{}` on the child", a.code()),
        }
    }
}

/// One route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    /// What it is, in a few words.
    pub what: &'static str,
}

/// Builds the router and the list of routes together.
pub(crate) struct Routes {
    router: Router<App>,
    infos: Vec<RouteInfo>,
    app: App,
}

impl Routes {
    pub(crate) fn new(app: App) -> Routes {
        Routes { router: Router::new(), infos: Vec::new(), app }
    }

    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        access: Access,
        what: &'static str,
        route: MethodRouter<App>,
    ) -> Routes {
        let guarded = route.route_layer(middleware::from_fn_with_state(
            self.app.clone(),
            move |state: State<App>, request: Request, next: Next| enforce(access, state, request, next),
        ));
        self.router = self.router.route(path, guarded);
        self.infos.push(RouteInfo { method, path, access, what });
        self
    }

    pub(crate) fn get<H, T>(self, path: &'static str, access: Access, what: &'static str, handler: H) -> Routes
    where
        H: Handler<T, App>,
        T: 'static,
    {
        self.add("GET", path, access, what, get(handler))
    }

    pub(crate) fn post<H, T>(self, path: &'static str, access: Access, what: &'static str, handler: H) -> Routes
    where
        H: Handler<T, App>,
        T: 'static,
    {
        self.add("POST", path, access, what, post(handler))
    }

    /// A POST of files: the body may be as large as the upload allows.
    pub(crate) fn upload<H, T>(self, path: &'static str, access: Access, what: &'static str, handler: H) -> Routes
    where
        H: Handler<T, App>,
        T: 'static,
    {
        self.add("POST", path, access, what, post(handler).layer(crate::ssda903::body_limit()))
    }

    pub(crate) fn finish(self) -> (Router<App>, Vec<RouteInfo>) {
        (self.router, self.infos)
    }
}

/// Turns away those a route is not for: the signed-out (to the sign-in page, or 401 for an API
/// client) and, for council-wide actions, those the access rules refuse (403, audited).
async fn enforce(access: Access, State(app): State<App>, request: Request, next: Next) -> Response {
    if access == Access::Public {
        return next.run(request).await;
    }
    let visitor = request.extensions().get::<Visitor>().cloned();
    let Some(handle) = visitor.as_ref().and_then(|v| v.handle(&app)) else {
        if visitor.as_ref().is_some_and(|v| v.bearer) {
            return (axum::http::StatusCode::UNAUTHORIZED, "Sign in first.\n").into_response();
        }
        return to_sign_in(request.uri().path_and_query().map_or("/", |p| p.as_str()), request.method());
    };
    if let Access::Council(action) = access
        && let Err(error) = handle.require(action).await
    {
        let visitor = visitor.expect("a visitor");
        return pages::failure(&Layout::new(&app, &visitor, ""), error);
    }
    next.run(request).await
}
