//! Searching for children and the people in their lives (`/search`), and starting a new child's
//! record once careful has shown the children it may already hold (`/children/new`).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use careful_app::new_child::{NewChildForm, NewChildOutcome, duplicate_key};
use careful_app::search::{SearchCriteria, SearchHit, SearchResults};
use careful_app::{Action, App, AppError, FieldError};
use careful_domain::calendar::long_date;
use careful_domain::codes::{Ethnicity, ReferralSource};

use crate::pages::{Errors, Layout, failure, render};
use crate::session::Me;

/// The search page's address, and the navigation section both pages belong to.
pub(crate) const PATH: &str = "/search";

/// The date input's first box is where a problem with the date takes the person.
fn for_page(problems: Vec<FieldError>) -> Errors {
    Errors(
        problems
            .into_iter()
            .map(|p| if p.field == "date_of_birth" { FieldError { field: "date_of_birth_day", ..p } } else { p })
            .collect(),
    )
}

fn date(d: &Option<chrono::NaiveDate>) -> String {
    d.map(long_date).unwrap_or_else(|| "Not known".into())
}

#[derive(Deserialize, Default)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    name: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    upn: String,
    #[serde(default)]
    nhs_number: String,
    #[serde(default)]
    postcode: String,
}

impl SearchQuery {
    fn criteria(&self) -> SearchCriteria {
        SearchCriteria {
            name: self.name.clone(),
            day: self.day.clone(),
            month: self.month.clone(),
            year: self.year.clone(),
            upn: self.upn.clone(),
            nhs_number: self.nhs_number.clone(),
            postcode: self.postcode.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    q: SearchQuery,
    errors: Errors,
    results: Option<SearchResults>,
    may_start: bool,
}

impl SearchPage {
    fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        date(d)
    }
}

/// `GET /search`: the form, and the results when something was searched for (a GET, so a
/// search can be bookmarked or shared; each one is audited).
pub(crate) async fn search(State(app): State<App>, me: Me, Query(q): Query<SearchQuery>) -> Response {
    let layout = Layout::new(&app, &me.visitor, PATH);
    let may_start = me.handle.may(Action::RegisterChild);
    let criteria = q.criteria();
    if criteria.is_empty() {
        return render(StatusCode::OK, SearchPage { layout, q, errors: Errors::default(), results: None, may_start });
    }
    match me.handle.search(&criteria).await {
        Ok(results) => render(
            StatusCode::OK,
            SearchPage { layout, q, errors: Errors::default(), results: Some(results), may_start },
        ),
        Err(AppError::Invalid(problems)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            SearchPage { layout, q, errors: for_page(problems), results: None, may_start },
        ),
        Err(error) => failure(&layout, error),
    }
}

/// The new child's details as the form sends them, with what the person chose to do.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct NewChildPost {
    #[serde(default)]
    step: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    ethnicity: String,
    #[serde(default)]
    upn: String,
    #[serde(default)]
    nhs_number: String,
    #[serde(default)]
    street: String,
    #[serde(default)]
    town: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    la_child_id: String,
    /// The likely duplicates the person was shown, as [`duplicate_key`]s separated by spaces.
    #[serde(default)]
    seen: String,
}

impl NewChildPost {
    fn form(&self) -> NewChildForm {
        NewChildForm {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            day: self.day.clone(),
            month: self.month.clone(),
            year: self.year.clone(),
            sex: self.sex.clone(),
            ethnicity: self.ethnicity.clone(),
            upn: self.upn.clone(),
            nhs_number: self.nhs_number.clone(),
            street: self.street.clone(),
            town: self.town.clone(),
            postcode: self.postcode.clone(),
            source: self.source.clone(),
            la_child_id: self.la_child_id.clone(),
        }
    }

    /// The fields to carry through the check page, as (name, value).
    fn hidden(&self) -> Vec<(&'static str, String)> {
        vec![
            ("given_name", self.given_name.clone()),
            ("family_name", self.family_name.clone()),
            ("day", self.day.clone()),
            ("month", self.month.clone()),
            ("year", self.year.clone()),
            ("sex", self.sex.clone()),
            ("ethnicity", self.ethnicity.clone()),
            ("upn", self.upn.clone()),
            ("nhs_number", self.nhs_number.clone()),
            ("street", self.street.clone()),
            ("town", self.town.clone()),
            ("postcode", self.postcode.clone()),
            ("source", self.source.clone()),
            ("la_child_id", self.la_child_id.clone()),
        ]
    }
}

#[derive(Template)]
#[template(path = "new-child.html")]
struct NewChildPage {
    layout: Layout,
    f: NewChildPost,
    errors: Errors,
    ethnicities: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
    /// DfE's code, the words and the radio's id (the first is the field's, for the error summary).
    sexes: [(&'static str, &'static str, &'static str); 3],
}

fn new_child_page(layout: Layout, f: NewChildPost, errors: Errors) -> Response {
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(
        status,
        NewChildPage {
            layout,
            f,
            errors,
            ethnicities: Ethnicity::ALL.iter().map(|e| (e.code(), e.description())).collect(),
            sources: ReferralSource::ALL.iter().map(|s| (s.code(), s.description())).collect(),
            sexes: [("F", "Female", "sex"), ("M", "Male", "sex-male"), ("U", "Not known", "sex-not-known")],
        },
    )
}

#[derive(Template)]
#[template(path = "new-child-check.html")]
struct CheckPage {
    layout: Layout,
    f: NewChildPost,
    duplicates: Vec<SearchHit>,
    seen: String,
    /// careful found likely duplicates the person had not been shown when they confirmed.
    again: bool,
}

impl CheckPage {
    fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        date(d)
    }

    fn sex(&self) -> String {
        self.f.sex.parse::<careful_domain::codes::Sex>().map(|s| s.description().to_string()).unwrap_or_default()
    }

    fn ethnicity(&self) -> String {
        self.f.ethnicity.parse::<Ethnicity>().map(|e| e.description().to_string()).unwrap_or_default()
    }

    fn source(&self) -> String {
        self.f.source.parse::<ReferralSource>().map(|s| s.description().to_string()).unwrap_or_default()
    }

    fn born(&self) -> String {
        format!("{} {} {}", self.f.day.trim(), self.f.month.trim(), self.f.year.trim())
    }
}

fn check_page(layout: Layout, f: NewChildPost, duplicates: Vec<SearchHit>, again: bool) -> Response {
    let seen = duplicates.iter().map(duplicate_key).collect::<Vec<_>>().join(" ");
    render(StatusCode::OK, CheckPage { layout, f, duplicates, seen, again })
}

/// `GET /children/new`: the child's details.
pub(crate) async fn new_child(State(app): State<App>, me: Me) -> Response {
    new_child_page(Layout::new(&app, &me.visitor, PATH), NewChildPost::default(), Errors::default())
}

/// `POST /children/new`: `check` shows the children careful may already hold; `change` goes
/// back to the details; `confirm` starts the record (unless careful now finds a likely duplicate
/// the person was not shown) and goes to it.
pub(crate) async fn new_child_post(State(app): State<App>, me: Me, Form(f): Form<NewChildPost>) -> Response {
    let layout = Layout::new(&app, &me.visitor, PATH);
    match f.step.as_str() {
        "change" => new_child_page(layout, f, Errors::default()),
        "confirm" => {
            let seen: Vec<String> = f.seen.split_whitespace().map(str::to_string).collect();
            match me.handle.start_child_record(&f.form(), &seen).await {
                Ok(NewChildOutcome::Started { child, .. }) => {
                    Redirect::to(&format!("/children/{child}")).into_response()
                }
                Ok(NewChildOutcome::Check { duplicates }) => check_page(layout, f, duplicates, true),
                Err(AppError::Invalid(problems)) => new_child_page(layout, f, for_page(problems)),
                Err(error) => failure(&layout, error),
            }
        }
        _ => match me.handle.check_new_child(&f.form()).await {
            Ok(duplicates) => check_page(layout, f, duplicates, false),
            Err(AppError::Invalid(problems)) => new_child_page(layout, f, for_page(problems)),
            Err(error) => failure(&layout, error),
        },
    }
}
