//! A child's chronology (filterable, printable) and the page a worker can show the child.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;

use careful_app::{App, AppError, ChildSummary, Chronology, ChronologyEntry};
use careful_domain::ChildId;
use careful_domain::calendar::long_date;

use crate::pages::{Layout, failure, render, when};
use crate::record::forms;
use crate::record::spec::{Answers, read_date};
use crate::session::Me;

fn parse_child(text: &str) -> Result<ChildId, AppError> {
    text.parse().map_err(|_| AppError::NotFound(format!("there is no child with ID {text}")))
}

/// Percent-encodes a query string's key or value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The part of the work an entry belongs to, for filtering (the recording forms' areas).
fn area_of(kind: &str) -> &'static str {
    match kind {
        "child_registered" => forms::by_slug("personal-details").map_or("", |f| f.area),
        _ => forms::by_kind(kind).map_or("History from before careful", |f| f.area),
    }
}

/// One line of the chronology as the page shows it.
struct Line {
    entry: ChronologyEntry,
    area: &'static str,
    date: String,
    recorded_at: String,
    /// Whether a correction or withdrawal may be made from it.
    correctable: bool,
}

#[derive(Template)]
#[template(path = "chronology.html")]
struct ChronologyPage {
    layout: Layout,
    chronology: Chronology,
    lines: Vec<Line>,
    areas: Vec<&'static str>,
    area: String,
    from: (String, String, String),
    to: (String, String, String),
    newest_first: bool,
    print: bool,
    /// (anchor, message).
    errors: Vec<(String, String)>,
    from_error: Option<String>,
    to_error: Option<String>,
    total: usize,
    query: String,
}

impl ChronologyPage {
    fn is_area(&self, a: &str) -> bool {
        self.area == a
    }

    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        when(*t)
    }

    fn day(&self, d: &NaiveDate) -> String {
        long_date(*d)
    }
}

/// `GET /children/{child}/chronology[?area=&from-day=..&to-day=..&order=newest&print=yes]`.
pub(crate) async fn chronology(
    State(app): State<App>,
    me: Me,
    Path(child): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&app, &me.visitor, "");
    let child = match parse_child(&child) {
        Ok(c) => c,
        Err(e) => return failure(&layout, e),
    };
    let chronology = match me.handle.chronology(child).await {
        Ok(c) => c,
        Err(e) => return crate::children::child_failure(&layout, child, e),
    };
    let answers = Answers(query.clone());
    let mut errors = Vec::new();
    let mut read = |path: &str, noun: &str| match read_date(&answers, path, noun) {
        Ok(d) => (d, None),
        Err(message) => {
            errors.push((format!("{path}-day"), message.clone()));
            (None, Some(message))
        }
    };
    let (from, from_error) = read("from", "the first date");
    let (to, to_error) = read("to", "the last date");
    let area = answers.get("area").to_string();
    let newest_first = answers.get("order") == "newest";
    let print = answers.get("print") == "yes";
    let mut areas: Vec<&'static str> = Vec::new();
    for e in &chronology.entries {
        let a = area_of(&e.kind);
        if !areas.contains(&a) {
            areas.push(a);
        }
    }
    let total = chronology.entries.len();
    let mut lines: Vec<Line> = chronology
        .entries
        .iter()
        .filter(|e| area.is_empty() || area_of(&e.kind) == area)
        .filter(|e| from.is_none_or(|f| e.date >= f) && to.is_none_or(|t| e.date <= t))
        .map(|e| Line {
            entry: e.clone(),
            area: area_of(&e.kind),
            date: long_date(e.date),
            recorded_at: when(e.recorded_at),
            correctable: chronology.may_record && e.withdrawn.is_none() && e.kind != "child_registered",
        })
        .collect();
    if newest_first {
        lines.reverse();
    }
    let query_string: Vec<String> =
        query.iter().filter(|(k, _)| k != "print").map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let part = |p: &str, x: &str| answers.get(&format!("{p}-{x}")).to_string();
    render(
        status,
        ChronologyPage {
            layout,
            lines,
            areas,
            area,
            from: (part("from", "day"), part("from", "month"), part("from", "year")),
            to: (part("to", "day"), part("to", "month"), part("to", "year")),
            newest_first,
            print,
            errors,
            from_error,
            to_error,
            total,
            query: query_string.join("&"),
            chronology,
        },
    )
}

#[derive(Template)]
#[template(path = "child-view.html")]
struct ChildViewPage {
    layout: Layout,
    child: ChildSummary,
    /// When the next review and visit are due, in words.
    next_review: Option<String>,
    next_visit: Option<String>,
    looked_after: bool,
    care_leaver: bool,
    protection: bool,
    complained: bool,
}

impl ChildViewPage {
    fn long(&self, d: &NaiveDate) -> String {
        long_date(*d)
    }
}

/// `GET /children/{child}/my-plan`: the child's own page, in plain words.
pub(crate) async fn child_view(State(app): State<App>, me: Me, Path(child): Path<String>) -> Response {
    let layout = Layout::new(&app, &me.visitor, "");
    let child = match parse_child(&child) {
        Ok(c) => c,
        Err(e) => return failure(&layout, e),
    };
    let summary = match me.handle.child_summary(child).await {
        Ok(s) => s,
        Err(e) => return crate::children::child_failure(&layout, child, e),
    };
    let next = |prefixes: &[&str]| {
        summary
            .duties
            .iter()
            .filter(|d| prefixes.iter().any(|p| d.duty.rule.starts_with(p)))
            .map(|d| d.duty.due)
            .min()
            .map(|d| if d < app.today() { "as soon as possible".to_string() } else { format!("by {}", long_date(d)) })
    };
    let next_review = next(&["rev-", "cp-rcpc", "cin-review", "cl-pathway-review"]);
    let next_visit = next(&["visit-", "cp-visit", "cin-visit", "ad-visit"]);
    let badges: HashMap<&str, bool> = summary.badges.iter().map(|b| (*b, true)).collect();
    render(
        StatusCode::OK,
        ChildViewPage {
            layout,
            next_review,
            next_visit,
            looked_after: badges.contains_key("Looked after"),
            care_leaver: badges.contains_key("Care leaver"),
            protection: badges.contains_key("Child protection"),
            complained: !summary.record.complaints.is_empty(),
            child: summary,
        },
    )
}
