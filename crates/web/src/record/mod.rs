//! Recording in a child's record: the list of forms, each form, and corrections.
//!
//! Every form is checked three times before anything is saved: by the form (a date is a date),
//! by the domain against the child's whole record (a review for a child who is not looked
//! after), and by the guardrails of the law (a move with no notice to the carer); the page
//! shows each finding beside the question it concerns. A manager may accept what the
//! guardrails allow a manager to accept, with a reason. If someone else recorded in the child's
//! record after the form was opened, nothing is saved: the form says what they recorded and
//! keeps every answer, to check and send again.

pub(crate) mod forms;
#[cfg(test)]
mod fuzz;
pub(crate) mod spec;

use std::collections::HashMap;

use askama::Template;
use axum::Form as Posted;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use careful_app::{App, AppError, Fault, FieldError, GuardrailFinding, UserHandle};
use careful_domain::Reason;
use careful_domain::calendar::long_date;
use careful_domain::record::{ChildEvent, ChildRecord};
use careful_domain::{ChildId, EventId, Sequence};

use crate::pages::{Layout, failure, render, when};
use crate::session::Me;
use spec::{Answers, Context, Field, Form, StaffChoice, Widget, choices, id_of};

fn parse_child(text: &str) -> Result<ChildId, AppError> {
    text.parse().map_err(|_| AppError::NotFound(format!("there is no child with ID {text}")))
}

// ------------------------------------------------------------------ the pieces a form is made of

/// One piece of a form, in the order the page shows them. Questions asked only for some answer
/// sit inside that answer's conditional part, to any depth.
pub(crate) enum Piece {
    /// A question with choices: its group, fieldset and legend.
    ChoicesStart {
        id: String,
        label: &'static str,
        hint: Option<&'static str>,
        error: Option<String>,
        /// `radios` or `checkboxes`.
        kind: &'static str,
        /// Yes/no side by side.
        inline: bool,
        optional: bool,
    },
    Choice {
        id: String,
        name: &'static str,
        value: String,
        label: String,
        checked: bool,
        kind: &'static str,
        /// The conditional part this answer reveals.
        reveals: Option<String>,
    },
    RevealStart {
        id: String,
        kind: &'static str,
    },
    RevealEnd,
    ChoicesEnd,
    /// A date (and, for a date and time, a time).
    Date {
        id: String,
        name: &'static str,
        label: &'static str,
        hint: Option<&'static str>,
        error: Option<String>,
        day: String,
        month: String,
        year: String,
        time: Option<String>,
        optional: bool,
    },
    /// A text box, text area or drop-down.
    Input {
        id: String,
        name: &'static str,
        label: &'static str,
        hint: Option<&'static str>,
        error: Option<String>,
        value: String,
        /// `text`, `number`, `textarea` or `select`.
        kind: &'static str,
        options: Vec<(String, String)>,
        optional: bool,
    },
}

struct Builder<'a> {
    form: &'a Form,
    answers: &'a Answers,
    errors: &'a [FieldError],
    today: NaiveDate,
    workers: &'a [StaffChoice],
    pieces: Vec<Piece>,
}

impl Builder<'_> {
    fn error(&self, path: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == path).map(|e| e.message.clone())
    }

    fn field(&mut self, field: &Field) {
        let id = id_of(field.path);
        let error = self.error(field.path);
        let optional = !field.required;
        match field.widget {
            Widget::Date | Widget::DateTime => {
                let part = |p: &str| self.answers.get(&format!("{}-{p}", field.path)).to_string();
                self.pieces.push(Piece::Date {
                    id,
                    name: field.path,
                    label: field.label,
                    hint: field.hint,
                    error,
                    day: part("day"),
                    month: part("month"),
                    year: part("year"),
                    time: matches!(field.widget, Widget::DateTime).then(|| part("time")),
                    optional,
                })
            }
            Widget::YesNo => {
                let options = vec![("yes".to_string(), "Yes".to_string()), ("no".to_string(), "No".to_string())];
                self.choices(field, id, error, "radios", options, true);
            }
            Widget::Either(yes, no) => {
                let options = vec![("yes".to_string(), yes.to_string()), ("no".to_string(), no.to_string())];
                self.choices(field, id, error, "radios", options, false);
            }
            Widget::Radios(o) => {
                let options = choices(o, self.today, self.workers);
                self.choices(field, id, error, "radios", options, false);
            }
            Widget::Checkboxes(o) => {
                let options = choices(o, self.today, self.workers);
                self.choices(field, id, error, "checkboxes", options, false);
            }
            Widget::Select(o) => {
                let options = choices(o, self.today, self.workers);
                self.pieces.push(Piece::Input {
                    id,
                    name: field.path,
                    label: field.label,
                    hint: field.hint,
                    error,
                    value: self.answers.get(field.path).to_string(),
                    kind: "select",
                    options,
                    optional,
                });
            }
            Widget::Text | Widget::Identifier(_) | Widget::Child | Widget::Number | Widget::TextArea => {
                let kind = match field.widget {
                    Widget::TextArea => "textarea",
                    Widget::Number => "number",
                    _ => "text",
                };
                self.pieces.push(Piece::Input {
                    id,
                    name: field.path,
                    label: field.label,
                    hint: field.hint,
                    error,
                    value: self.answers.get(field.path).to_string(),
                    kind,
                    options: Vec::new(),
                    optional,
                });
            }
        }
    }

    fn choices(
        &mut self,
        field: &Field,
        id: String,
        error: Option<String>,
        kind: &'static str,
        options: Vec<(String, String)>,
        inline: bool,
    ) {
        let chosen = self.answers.all(field.path);
        let dependants: Vec<&Field> =
            self.form.fields.iter().filter(|f| f.when.is_some_and(|(p, _)| p == field.path)).collect();
        // Yes/no with questions beneath an answer is not shown side by side.
        let inline = inline && dependants.is_empty();
        self.pieces.push(Piece::ChoicesStart {
            id: id.clone(),
            label: field.label,
            hint: field.hint,
            error,
            kind,
            inline,
            optional: !field.required,
        });
        for (i, (value, label)) in options.into_iter().enumerate() {
            // The first answer carries the question's ID, for the error summary's link.
            let option_id = if i == 0 { id.clone() } else { format!("{id}-{}", i + 1) };
            let beneath: Vec<&Field> =
                dependants.iter().copied().filter(|f| f.when.is_some_and(|(_, a)| a == value)).collect();
            let checked = chosen.contains(&value.as_str());
            let reveals = (!beneath.is_empty()).then(|| format!("conditional-{option_id}"));
            self.pieces.push(Piece::Choice {
                id: option_id,
                name: field.path,
                value: value.clone(),
                label,
                checked,
                kind,
                reveals: reveals.clone(),
            });
            if let Some(reveal) = reveals {
                self.pieces.push(Piece::RevealStart { id: reveal, kind });
                for f in beneath {
                    self.field(f);
                }
                self.pieces.push(Piece::RevealEnd);
            }
        }
        self.pieces.push(Piece::ChoicesEnd);
    }
}

/// The pieces of a form, with the answers and errors it has.
fn pieces(
    form: &Form,
    answers: &Answers,
    errors: &[FieldError],
    today: NaiveDate,
    workers: &[StaffChoice],
) -> Vec<Piece> {
    let mut b = Builder { form, answers, errors, today, workers, pieces: Vec::new() };
    for field in form.fields.iter().filter(|f| f.when.is_none()) {
        b.field(field);
    }
    b.pieces
}

// ------------------------------------------------------------------ the form page

/// A correction: what is being corrected.
pub(crate) struct Correcting {
    pub title: &'static str,
    pub date: String,
    pub detail: String,
    pub withdraw: bool,
    /// The entry has no form (history from an import): it can only be withdrawn.
    pub withdraw_only: bool,
}

#[derive(Template)]
#[template(path = "record-form.html")]
struct FormPage {
    layout: Layout,
    child: ChildId,
    child_name: String,
    heading: String,
    action: String,
    sequence: u64,
    date_label: &'static str,
    /// Whether the form asks the entry's date itself.
    asks_date: bool,
    date: (String, String, String),
    date_error: Option<String>,
    pieces: Vec<Piece>,
    reason: String,
    reason_label: &'static str,
    reason_hint: &'static str,
    reason_error: Option<String>,
    /// (anchor, message) for the error summary.
    errors: Vec<(String, String)>,
    /// What others recorded since the form was opened.
    conflict: Vec<String>,
    /// What the guardrails found on sending, and whether they refuse it outright.
    findings: Vec<GuardrailFinding>,
    refused: bool,
    /// What the guardrails say before anything is entered.
    preview: Vec<GuardrailFinding>,
    manager: bool,
    accept: bool,
    correcting: Option<Correcting>,
    submit: &'static str,
    /// Why nothing was saved, when the database could not be reached or its disk is full.
    unsaved: Option<Unsaved>,
}

struct Unsaved {
    title: &'static str,
    what: &'static str,
    next: &'static str,
}

/// Everything the form page needs about the child and the staff.
struct Setting {
    record: ChildRecord,
    sequence: Sequence,
    staff: Vec<StaffChoice>,
}

/// With the staff in post only when `with_staff` (a form that offers them, or one not known
/// yet): on a large council that is thousands of workers, which other forms need not read.
async fn setting(handle: &UserHandle, child: ChildId, with_staff: bool) -> Result<Setting, AppError> {
    let (record, sequence) = handle.open_to_record(child).await?;
    let staff = if with_staff { handle.staff().await? } else { Vec::new() };
    let staff = staff
        .into_iter()
        .map(|s| StaffChoice {
            id: s.id.to_string(),
            name: s.name,
            role: s.role,
            team_id: s.team_id.to_string(),
            team: s.team,
        })
        .collect();
    Ok(Setting { record, sequence, staff })
}

fn child_name(record: &ChildRecord) -> String {
    format!("{} {}", record.details.given_name, record.details.family_name)
}

/// What a form page shows besides the form itself.
#[derive(Default)]
struct Outcome {
    errors: Vec<FieldError>,
    conflict: Vec<String>,
    findings: Vec<GuardrailFinding>,
    refused: bool,
    preview: Vec<GuardrailFinding>,
    /// Nothing was saved because the database could not be reached or its disk is full.
    unsaved: Option<Fault>,
}

struct Target<'a> {
    form: &'a Form,
    action: String,
    correcting: Option<Correcting>,
}

fn form_page(
    app: &App,
    me: &Me,
    child: ChildId,
    s: &Setting,
    target: Target,
    answers: &Answers,
    outcome: Outcome,
) -> Response {
    let layout = Layout::new(app, &me.visitor, "");
    let today = app.today();
    let Target { form, action, correcting } = target;
    let withdrawing = correcting.as_ref().is_some_and(|c| c.withdraw);
    let pieces = if withdrawing { Vec::new() } else { pieces(form, answers, &outcome.errors, today, &s.staff) };
    let mut errors: Vec<(String, String)> = outcome
        .errors
        .iter()
        .map(|e| {
            let anchor = match form.fields.iter().find(|f| f.path == e.field).map(|f| f.widget) {
                Some(Widget::Date | Widget::DateTime) => format!("{}-day", id_of(e.field)),
                _ if e.field == "date" => "date-day".to_string(),
                _ if e.field == "_note" => "note".to_string(),
                _ => id_of(e.field),
            };
            (anchor, e.message.clone())
        })
        .collect();
    if outcome.refused {
        for f in &outcome.findings {
            errors.push((errors.first().map_or_else(|| "date-day".to_string(), |(a, _)| a.clone()), f.message.clone()));
        }
    }
    let error_of = |path: &str| outcome.errors.iter().find(|e| e.field == path).map(|e| e.message.clone());
    let manager = me.handle.principal().role().is_manager();
    let (reason_label, reason_hint) = match &correcting {
        Some(_) => (
            "Why is it being corrected?",
            "The chronology shows the correction, with this reason, beside what it corrects.",
        ),
        None => (
            "Notes and reasons (optional)",
            "Why, and anything else the chronology should say. It is kept with the entry. If you are accepting what the guardrails found, say why here.",
        ),
    };
    let status = if outcome.unsaved == Some(Fault::Unavailable) {
        StatusCode::SERVICE_UNAVAILABLE
    } else if outcome.unsaved == Some(Fault::StorageFull) {
        StatusCode::INSUFFICIENT_STORAGE
    } else if errors.is_empty() && outcome.conflict.is_empty() && outcome.findings.is_empty() {
        StatusCode::OK
    } else if outcome.conflict.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::CONFLICT
    };
    let heading = match &correcting {
        Some(c) if c.withdraw => format!("Withdraw an entry: {}", c.title.to_lowercase()),
        Some(c) => format!("Correct an entry: {}", c.title.to_lowercase()),
        None => form.title.to_string(),
    };
    let submit = match &correcting {
        Some(c) if c.withdraw => "Withdraw the entry",
        Some(_) => "Save the correction",
        None => "Save",
    };
    let unsaved = match outcome.unsaved {
        Some(Fault::Unavailable) => Some(Unsaved {
            title: "Nothing was saved: careful could not reach the record",
            what: "careful could not reach its database just now, so nothing you entered was saved. Your answers are still in the form below.",
            next: "Try saving again in a few minutes.",
        }),
        Some(Fault::StorageFull) => Some(Unsaved {
            title: "Nothing was saved: the disk is full",
            what: "The disk careful keeps its database on is full, so nothing you entered was saved. Your answers are still in the form below.",
            next: "Tell your careful administrator, who needs to free space on that disk, then save again.",
        }),
        _ => None,
    };
    let mut response = render(
        status,
        FormPage {
            layout,
            child,
            child_name: child_name(&s.record),
            heading,
            action,
            sequence: s.sequence.get(),
            date_label: if correcting.is_some() && form.date_from.is_none() {
                "When did it happen?"
            } else {
                form.date_label
            },
            asks_date: form.date_from.is_none() && !withdrawing,
            date: (answers.get("date-day").into(), answers.get("date-month").into(), answers.get("date-year").into()),
            date_error: error_of("date"),
            pieces,
            reason: answers.get("_note").to_string(),
            reason_label,
            reason_hint,
            reason_error: error_of("_note"),
            errors,
            conflict: outcome.conflict,
            findings: outcome.findings,
            refused: outcome.refused,
            preview: outcome.preview,
            manager,
            accept: answers.get("_accept") == "yes",
            correcting,
            submit,
            unsaved,
        },
    );
    if status == StatusCode::SERVICE_UNAVAILABLE {
        crate::pages::with_retry_after(&mut response);
    }
    response
}

/// The answers a form starts with: today's date, and what the link asked for.
fn starting_answers(form: &Form, query: &HashMap<String, String>, today: NaiveDate) -> Answers {
    let mut answers = Answers::default();
    if form.date_from.is_none() {
        spec::put_date(&mut answers, "date", today);
    }
    for field in &form.fields {
        if let Some(value) = query.get(field.path) {
            answers.set(field.path, value.as_str());
        }
    }
    answers
}

/// `GET /children/{child}/record/{form}`.
pub(crate) async fn show(
    State(app): State<App>,
    me: Me,
    Path((child, slug)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let layout = Layout::new(&app, &me.visitor, "");
    let (child, form) = match (parse_child(&child), forms::by_slug(&slug)) {
        (Ok(c), Some(f)) => (c, f),
        (Err(e), _) => return failure(&layout, e),
        (_, None) => return failure(&layout, AppError::NotFound(format!("there is no form called {slug}"))),
    };
    let s = match setting(&me.handle, child, form.asks_for_staff()).await {
        Ok(s) => s,
        Err(e) => return crate::children::child_failure(&layout, child, e),
    };
    let today = app.today();
    let mut answers = starting_answers(form, &query, today);
    if form.slug == "personal-details" {
        let current = ChildEvent::PersonalDetailsUpdated { details: s.record.details.clone() };
        answers = spec::answers_from(form, &current, today);
    }
    if form.fields.iter().any(|f| f.path == "approved_by")
        && let Some(worker) = me.handle.principal().worker()
    {
        answers.set("approved_by", worker.to_string());
    }
    let mut outcome = Outcome::default();
    if let Some(event) = form.probe.and_then(|probe| probe(&s.record, today)) {
        outcome.preview = me.handle.guardrails_for(&s.record, today, &event).await.unwrap_or_default();
    }
    let target = Target { form, action: format!("/children/{child}/record/{slug}"), correcting: None };
    form_page(&app, &me, child, &s, target, &answers, outcome)
}

/// Finds the other children a form names by council child ID.
async fn children_named(
    handle: &UserHandle,
    form: &Form,
    answers: &Answers,
) -> Result<HashMap<String, ChildId>, AppError> {
    let mut out = HashMap::new();
    for field in form.fields.iter().filter(|f| matches!(f.widget, Widget::Child)) {
        let id = answers.get(field.path);
        if !id.is_empty()
            && let Some(child) = handle.find_child(id).await?.into_iter().next()
        {
            out.insert(id.to_string(), child);
        }
    }
    Ok(out)
}

/// What the record gained since `since`, in words, for the conflict message.
fn changes_since(
    record: &ChildRecord,
    since: Sequence,
    names: &HashMap<careful_domain::WorkerId, String>,
) -> Vec<String> {
    let mut lines: Vec<(Sequence, String)> = record
        .timeline
        .iter()
        .filter(|e| e.sequence > since)
        .map(|e| {
            let who = match e.recorded_by {
                careful_domain::RecordedBy::Worker(w) => names.get(&w).cloned().unwrap_or_else(|| "someone".into()),
                careful_domain::RecordedBy::System(_) => "careful".into(),
            };
            (
                e.sequence,
                format!(
                    "{}, {} ({}), recorded by {who}, {}",
                    e.event.title(),
                    long_date(e.effective_date),
                    e.event.summary(),
                    when(e.recorded_at.get())
                ),
            )
        })
        .collect();
    lines.sort_by_key(|(s, _)| *s);
    let mut out: Vec<String> = lines.into_iter().map(|(_, l)| l).collect();
    if out.is_empty() {
        out.push("An earlier entry was corrected or withdrawn.".into());
    }
    out
}

/// Sends what a form built; re-shows the form with what stopped it.
#[allow(clippy::too_many_arguments)]
async fn send(
    app: &App,
    me: &Me,
    child: ChildId,
    s: Setting,
    target: Target<'_>,
    answers: Answers,
    expected: Sequence,
    event: ChildEvent,
    date: NaiveDate,
) -> Response {
    let reason_text = answers.get("_note").to_string();
    let accept = answers.get("_accept") == "yes";
    let mut outcome = Outcome::default();
    let reason = if reason_text.is_empty() {
        None
    } else {
        match Reason::parse(reason_text.clone()) {
            Ok(r) => Some(r),
            Err(e) => {
                outcome.errors.push(FieldError::new("_note", capital(&e.to_string())));
                return form_page(app, me, child, &s, target, &answers, outcome);
            }
        }
    };
    if target.correcting.is_some() && reason.is_none() {
        outcome.errors.push(FieldError::new("_note", "Say why the entry is being corrected"));
        return form_page(app, me, child, &s, target, &answers, outcome);
    }
    if accept && reason.is_none() {
        outcome.errors.push(FieldError::new("_note", "Say why you accept what the guardrails found"));
        return form_page(app, me, child, &s, target, &answers, outcome);
    }
    let mut proposed = careful_app::record::Proposed::new(event, date);
    proposed.reason = reason;
    proposed.accept_breaches = accept;
    match me.handle.record(child, expected, vec![proposed]).await {
        Ok(_) => {
            let what = target.form.slug;
            Redirect::to(&format!("/children/{child}?recorded={what}")).into_response()
        }
        Err(error) if error.is_conflict() => {
            // Someone else recorded meanwhile: show what, keep the answers, and expect the record
            // as it is now.
            let s = match setting(&me.handle, child, target.form.asks_for_staff()).await {
                Ok(s) => s,
                Err(e) => return failure(&Layout::new(app, &me.visitor, ""), e),
            };
            let names = me.handle.staff_names().await.map(|(w, _)| w).unwrap_or_default();
            outcome.conflict = changes_since(&s.record, expected, &names);
            form_page(app, me, child, &s, target, &answers, outcome)
        }
        Err(error) => {
            if let Some((refused, findings)) = error.guardrails() {
                outcome.refused = refused;
                outcome.findings = findings;
                return form_page(app, me, child, &s, target, &answers, outcome);
            }
            match error {
                AppError::Record(e) => {
                    // A correction's reason is the note; any other field is the form's.
                    let field = if e.field == "reason" && target.correcting.is_some() {
                        "_note"
                    } else {
                        target.form.field_for(e.field)
                    };
                    outcome.errors.push(FieldError::new(field, capital(&e.problem)));
                }
                AppError::Invalid(problems) => outcome.errors = problems,
                AppError::Override(message) => outcome.errors.push(FieldError::new("_note", capital(&message))),
                // Nothing was committed: the form comes back with every answer, to save again.
                error if error.fault() != Fault::Other => {
                    tracing::warn!(%error, "a recording could not be saved");
                    outcome.unsaved = Some(error.fault());
                }
                error => return failure(&Layout::new(app, &me.visitor, ""), error),
            }
            form_page(app, me, child, &s, target, &answers, outcome)
        }
    }
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The expected sequence a form was opened at.
fn expected(answers: &Answers) -> Option<Sequence> {
    answers.get("_sequence").parse::<u64>().ok().map(Sequence::new)
}

/// `POST /children/{child}/record/{form}`.
pub(crate) async fn submit(
    State(app): State<App>,
    me: Me,
    Path((child, slug)): Path<(String, String)>,
    Posted(posted): Posted<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&app, &me.visitor, "");
    let (child, form) = match (parse_child(&child), forms::by_slug(&slug)) {
        (Ok(c), Some(f)) => (c, f),
        (Err(e), _) => return failure(&layout, e),
        (_, None) => return failure(&layout, AppError::NotFound(format!("there is no form called {slug}"))),
    };
    let answers = Answers(posted);
    let s = match setting(&me.handle, child, form.asks_for_staff()).await {
        Ok(s) => s,
        Err(e) => return crate::children::child_failure(&layout, child, e),
    };
    let target = Target { form, action: format!("/children/{child}/record/{slug}"), correcting: None };
    let Some(expected) = expected(&answers) else {
        return form_page(&app, &me, child, &s, target, &answers, Outcome::default());
    };
    let children = match children_named(&me.handle, form, &answers).await {
        Ok(c) => c,
        Err(e) => return failure(&layout, e),
    };
    let ctx = Context { today: app.today(), record: &s.record, original: None, children: &children, workers: &s.staff };
    match spec::build(form, &answers, &ctx) {
        Ok(built) => send(&app, &me, child, s, target, answers, expected, built.event, built.date).await,
        Err(errors) => form_page(&app, &me, child, &s, target, &answers, Outcome { errors, ..Outcome::default() }),
    }
}

// ------------------------------------------------------------------ corrections

/// The entry in force with this ID, and its date.
fn entry_in_force(record: &ChildRecord, id: EventId) -> Option<(&ChildEvent, NaiveDate)> {
    record.timeline.iter().find(|e| e.id == id).map(|e| (&e.event, e.effective_date))
}

/// A form for an entry with none of its own: only withdrawal.
static WITHDRAW_ONLY: std::sync::LazyLock<Form> = std::sync::LazyLock::new(|| Form {
    slug: "withdraw",
    kind: "event_corrected",
    title: "Withdraw an entry",
    area: "",
    date_label: "When did it happen?",
    date_from: None,
    fields: Vec::new(),
    derive: None,
    probe: None,
    fits: |_, _| true,
});

fn correction_target(record: &ChildRecord, child: ChildId, id: EventId, withdraw: bool) -> Option<Target<'static>> {
    let (event, date) = entry_in_force(record, id)?;
    let form = forms::by_kind(event.kind().as_str());
    Some(Target {
        form: form.unwrap_or(&WITHDRAW_ONLY),
        action: format!("/children/{child}/entries/{id}/correct"),
        correcting: Some(Correcting {
            title: event.title(),
            date: long_date(date),
            detail: event.summary(),
            withdraw: withdraw || form.is_none(),
            withdraw_only: form.is_none(),
        }),
    })
}

/// `GET /children/{child}/entries/{entry}/correct[?withdraw=yes]`.
pub(crate) async fn correct_form(
    State(app): State<App>,
    me: Me,
    Path((child, entry)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let layout = Layout::new(&app, &me.visitor, "");
    let child = match parse_child(&child) {
        Ok(c) => c,
        Err(e) => return failure(&layout, e),
    };
    let s = match setting(&me.handle, child, true).await {
        Ok(s) => s,
        Err(e) => return crate::children::child_failure(&layout, child, e),
    };
    let not_found =
        || failure(&layout, AppError::NotFound("there is no such entry in force in this child's record".into()));
    let Ok(id) = entry.parse::<EventId>() else { return not_found() };
    let withdraw = query.get("withdraw").is_some_and(|w| w == "yes");
    let Some(target) = correction_target(&s.record, child, id, withdraw) else { return not_found() };
    let (event, date) = entry_in_force(&s.record, id).expect("found above");
    let mut answers = spec::answers_from(target.form, event, date);
    if withdraw {
        answers.set("_withdraw", "yes");
    }
    form_page(&app, &me, child, &s, target, &answers, Outcome::default())
}

/// `POST /children/{child}/entries/{entry}/correct`.
pub(crate) async fn correct(
    State(app): State<App>,
    me: Me,
    Path((child, entry)): Path<(String, String)>,
    Posted(posted): Posted<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&app, &me.visitor, "");
    let child = match parse_child(&child) {
        Ok(c) => c,
        Err(e) => return failure(&layout, e),
    };
    let answers = Answers(posted);
    let s = match setting(&me.handle, child, true).await {
        Ok(s) => s,
        Err(e) => return crate::children::child_failure(&layout, child, e),
    };
    let Ok(id) = entry.parse::<EventId>() else {
        return failure(&layout, AppError::NotFound("there is no such entry in this child's record".into()));
    };
    let withdraw = answers.get("_withdraw") == "yes";
    let Some(target) = correction_target(&s.record, child, id, withdraw) else {
        return failure(
            &layout,
            AppError::NotFound("that entry is no longer in force: it was corrected or withdrawn meanwhile".into()),
        );
    };
    let Some(expected) = expected(&answers) else {
        return form_page(&app, &me, child, &s, target, &answers, Outcome::default());
    };
    let today = app.today();
    let (original_event, original_date) = entry_in_force(&s.record, id).expect("found above");
    let original = spec::payload_of(original_event);
    if target.correcting.as_ref().is_some_and(|c| c.withdraw) {
        let event = ChildEvent::EventCorrected { corrects: id, replacement: None, replacement_date: None };
        return send(&app, &me, child, s, target, answers, expected, event, today).await;
    }
    let children = match children_named(&me.handle, target.form, &answers).await {
        Ok(c) => c,
        Err(e) => return failure(&layout, e),
    };
    let ctx = Context { today, record: &s.record, original: Some(&original), children: &children, workers: &s.staff };
    let built = match spec::build(target.form, &answers, &ctx) {
        Ok(b) => b,
        Err(errors) => {
            return form_page(&app, &me, child, &s, target, &answers, Outcome { errors, ..Outcome::default() });
        }
    };
    if built.event == *original_event && built.date == original_date {
        let errors = vec![FieldError::new(
            target.form.fields.first().map_or("date", |f| f.path),
            "Nothing has changed: change what was wrong, or withdraw the entry",
        )];
        return form_page(&app, &me, child, &s, target, &answers, Outcome { errors, ..Outcome::default() });
    }
    let event = ChildEvent::EventCorrected {
        corrects: id,
        replacement: Some(Box::new(built.event)),
        replacement_date: (built.date != original_date).then_some(built.date),
    };
    send(&app, &me, child, s, target, answers, expected, event, today).await
}

// ------------------------------------------------------------------ the list of forms

#[derive(Template)]
#[template(path = "record-menu.html")]
struct MenuPage {
    layout: Layout,
    child: ChildId,
    child_name: String,
    /// (area, [(slug, title)]).
    areas: Vec<(&'static str, Vec<(&'static str, &'static str)>)>,
    all: bool,
    hidden: usize,
}

/// `GET /children/{child}/record[?all=yes]`: what can be recorded now.
pub(crate) async fn menu(
    State(app): State<App>,
    me: Me,
    Path(child): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let layout = Layout::new(&app, &me.visitor, "");
    let child = match parse_child(&child) {
        Ok(c) => c,
        Err(e) => return failure(&layout, e),
    };
    let (record, _) = match me.handle.open_to_record(child).await {
        Ok(r) => r,
        Err(e) => return crate::children::child_failure(&layout, child, e),
    };
    let all = query.get("all").is_some_and(|a| a == "yes");
    let today = app.today();
    let mut areas: Vec<(&'static str, Vec<(&'static str, &'static str)>)> = Vec::new();
    let mut hidden = 0;
    for form in forms::FORMS.iter() {
        if !all && !(form.fits)(&record, today) {
            hidden += 1;
            continue;
        }
        match areas.iter_mut().find(|(a, _)| *a == form.area) {
            Some((_, list)) => list.push((form.slug, form.title)),
            None => areas.push((form.area, vec![(form.slug, form.title)])),
        }
    }
    render(StatusCode::OK, MenuPage { layout, child, child_name: child_name(&record), areas, all, hidden })
}
