//! Recording forms described as data, and the one engine that runs them.
//!
//! A [`Form`] says which event it records, the questions it asks, and where each answer goes in
//! the event's payload (its `path`, as the payload and the domain's errors name it:
//! `placement.type`, `seen_alone.reason`). [`build`] turns a form's answers into the typed
//! [`ChildEvent`] (checking only what a form can: that a date is a date, a choice one of the
//! choices); the domain then checks the event against the child's whole record, and its errors
//! name the same paths, so [`Form::field_for`] puts each beside its question. [`answers_from`]
//! fills a form from an event, to correct it.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::{Map, Value};

use careful_app::FieldError;
use careful_domain::ChildId;
use careful_domain::organisation::WorkerRole;
use careful_domain::record::{ChildEvent, ChildRecord};

/// Choices as (value, words).
pub(crate) type Choices = Vec<(String, String)>;

/// Where a question's choices come from.
#[derive(Clone, Copy)]
pub(crate) enum Options {
    /// Fixed values (a domain type's stored names) with their words.
    Fixed(&'static [(&'static str, &'static str)]),
    /// A DfE code set as offered on a day (some codes are accepted only in some years).
    Codes(fn(NaiveDate) -> Choices),
    /// Staff in post: workers in these roles (every role if empty).
    Workers(&'static [WorkerRole]),
}

/// How a question is asked and its answer read.
#[derive(Clone, Copy)]
pub(crate) enum Widget {
    /// A GOV.UK date input: `YYYY-MM-DD` in the payload.
    Date,
    /// A date input and a time (`HH:MM`): `YYYY-MM-DDTHH:MM:00`.
    DateTime,
    /// One line of text.
    Text,
    /// An identifier with its own format (postcode, URN, UPN, NHS number), checked and
    /// normalised by the domain's parser.
    Identifier(fn(&str) -> Result<String, String>),
    /// Several lines of text.
    TextArea,
    /// A whole number from 0 to 255.
    Number,
    /// Yes or no: a boolean.
    YesNo,
    /// A boolean asked as two statements: (true's words, false's words).
    Either(&'static str, &'static str),
    Radios(Options),
    /// A drop-down, for long lists.
    Select(Options),
    /// Any number of choices: an array.
    Checkboxes(Options),
    /// Another child, by the council's child ID: their careful ID.
    Child,
}

/// One question on a form.
#[derive(Clone)]
pub(crate) struct Field {
    /// Where the answer goes in the payload. `date` is the entry's date; a path starting with
    /// `_` is the form's own (used by [`Form::derive`], never stored as it is).
    pub path: &'static str,
    /// The question, as the label.
    pub label: &'static str,
    /// What is asked for, for error messages: "the date of the visit".
    pub noun: &'static str,
    pub hint: Option<&'static str>,
    pub widget: Widget,
    pub required: bool,
    /// Asked only when another question has this answer (shown beneath that answer).
    pub when: Option<(&'static str, &'static str)>,
}

impl Field {
    pub(crate) fn new(path: &'static str, label: &'static str, noun: &'static str, widget: Widget) -> Field {
        Field { path, label, noun, hint: None, widget, required: true, when: None }
    }

    pub(crate) fn hint(mut self, hint: &'static str) -> Field {
        self.hint = Some(hint);
        self
    }

    pub(crate) fn optional(mut self) -> Field {
        self.required = false;
        self
    }

    pub(crate) fn when(mut self, path: &'static str, answer: &'static str) -> Field {
        self.when = Some((path, answer));
        self
    }
}

/// What building an event may use besides the answers.
pub(crate) struct Context<'a> {
    pub today: NaiveDate,
    /// The child's record as it stands.
    pub record: &'a ChildRecord,
    /// When correcting, the payload of the entry being corrected (its identities are kept).
    pub original: Option<&'a Value>,
    /// Other children named by council child ID, found.
    pub children: &'a HashMap<String, ChildId>,
    /// Staff who may be chosen, with their team.
    pub workers: &'a [StaffChoice],
}

/// A member of staff who may be chosen on a form.
#[derive(Debug, Clone)]
pub(crate) struct StaffChoice {
    pub id: String,
    pub name: String,
    pub role: WorkerRole,
    pub team_id: String,
    pub team: String,
}

/// Fills in the parts of a payload that are not asked (identities, a worker's team).
pub(crate) type Derive = fn(&mut Map<String, Value>, &Answers, &Context) -> Result<(), FieldError>;

/// An event the guardrails can be asked about before the form is filled in.
pub(crate) type Probe = fn(&ChildRecord, NaiveDate) -> Option<ChildEvent>;

/// A recording form.
pub(crate) struct Form {
    /// Its address: `/children/{child}/record/{slug}`.
    pub slug: &'static str,
    /// The event kind it records.
    pub kind: &'static str,
    /// The page's heading: "Record a visit".
    pub title: &'static str,
    /// Which part of the work it belongs to, for the list of forms.
    pub area: &'static str,
    /// The entry's date question: "When was the visit?".
    pub date_label: &'static str,
    /// When the entry's date is the date of a date-and-time question, that question's path.
    pub date_from: Option<&'static str>,
    pub fields: Vec<Field>,
    pub derive: Option<Derive>,
    pub probe: Option<Probe>,
    /// Whether the form fits the child's record now (the list of forms offers these first).
    pub fits: fn(&ChildRecord, NaiveDate) -> bool,
}

/// The answers a form was sent with, in order (a question with several answers repeats).
#[derive(Debug, Clone, Default)]
pub(crate) struct Answers(pub Vec<(String, String)>);

impl Answers {
    /// The first answer named `name`, trimmed ("" if none).
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim())
    }

    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty()).collect()
    }

    pub(crate) fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_string(), value.into()));
    }

    fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }
}

/// An element ID for a path: `placement.type` is `placement-type`.
pub(crate) fn id_of(path: &str) -> String {
    path.replace(['.', '_'], "-")
}

/// What a form's answers make.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Built {
    pub date: NaiveDate,
    pub event: ChildEvent,
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Reads a GOV.UK date input's three parts, with GOV.UK's error messages.
pub(crate) fn read_date(answers: &Answers, path: &str, noun: &str) -> Result<Option<NaiveDate>, String> {
    let day = answers.get(&format!("{path}-day"));
    let month = answers.get(&format!("{path}-month"));
    let year = answers.get(&format!("{path}-year"));
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Ok(None);
    }
    let missing: Vec<&str> = [("day", day), ("month", month), ("year", year)]
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        return Err(format!("{} must include a {}", capitalised(noun), missing.join(" and ")));
    }
    let number = |text: &str| text.parse::<u32>().ok();
    let month_number = number(month).or_else(|| month_by_name(month));
    let (Some(d), Some(m), Some(y)) = (number(day), month_number, number(year)) else {
        return Err(format!("{} must be a real date", capitalised(noun)));
    };
    if year.len() != 4 {
        return Err(format!("The year must include 4 numbers, like {}", 2026));
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
        .map(Some)
        .ok_or_else(|| format!("{} must be a real date", capitalised(noun)))
}

fn month_by_name(text: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let t = text.to_ascii_lowercase();
    if t.len() < 3 {
        return None;
    }
    MONTHS.iter().position(|m| t.starts_with(m)).map(|i| i as u32 + 1)
}

fn read_time(answers: &Answers, path: &str, noun: &str) -> Result<Option<NaiveTime>, String> {
    let text = answers.get(&format!("{path}-time"));
    if text.is_empty() {
        return Ok(None);
    }
    let normalised = text.replace('.', ":");
    NaiveTime::parse_from_str(&normalised, "%H:%M")
        .map(Some)
        .map_err(|_| format!("Enter the time of {noun} as hours and minutes on the 24-hour clock, like 14:30"))
}

/// The choices a question offers on a day.
pub(crate) fn choices(options: Options, today: NaiveDate, workers: &[StaffChoice]) -> Choices {
    match options {
        Options::Fixed(list) => list.iter().map(|(v, w)| ((*v).to_string(), (*w).to_string())).collect(),
        Options::Codes(f) => f(today),
        Options::Workers(roles) => workers
            .iter()
            .filter(|w| roles.is_empty() || roles.contains(&w.role))
            .map(|w| (w.id.clone(), format!("{} ({})", w.name, w.team)))
            .collect(),
    }
}

impl Form {
    /// Whether a question offers the staff in post (so the page needs every worker's name).
    pub(crate) fn asks_for_staff(&self) -> bool {
        self.fields.iter().any(|f| {
            matches!(
                f.widget,
                Widget::Radios(Options::Workers(_))
                    | Widget::Select(Options::Workers(_))
                    | Widget::Checkboxes(Options::Workers(_))
            )
        })
    }

    /// Whether a question is asked, given the answers to the questions it depends on.
    pub(crate) fn asked(&self, field: &Field, answers: &Answers) -> bool {
        match field.when {
            None => true,
            Some((path, answer)) => {
                answers.get(path) == answer
                    && self.fields.iter().find(|f| f.path == path).is_none_or(|parent| self.asked(parent, answers))
            }
        }
    }

    /// The question a domain error's field belongs to: the question with that path, or the
    /// first question under it (`notice` is the notice question), or the entry's date.
    pub(crate) fn field_for(&self, path: &str) -> &'static str {
        if path == "date" {
            return self.date_from.unwrap_or("date");
        }
        let prefix = format!("{path}.");
        self.fields
            .iter()
            .find(|f| f.path == path)
            .or_else(|| self.fields.iter().find(|f| f.path.starts_with(&prefix)))
            .or_else(|| {
                // A field the form does not ask: the nearest question above it (`notice.on`
                // belongs with `notice.notice`).
                let parent = path.rsplit_once('.').map(|(p, _)| format!("{p}."))?;
                self.fields.iter().find(|f| f.path.starts_with(&parent))
            })
            .map_or(self.date_from.unwrap_or("date"), |f| f.path)
    }
}

/// Turns a form's answers into its event, or says what is wrong with each answer.
pub(crate) fn build(form: &Form, answers: &Answers, ctx: &Context) -> Result<Built, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut payload = Map::new();
    let mut date = None;
    if form.date_from.is_none() {
        match read_date(answers, "date", "the date") {
            Ok(Some(d)) => date = Some(d),
            Ok(None) => errors.push(FieldError::new("date", "Enter the date")),
            Err(message) => errors.push(FieldError::new("date", message)),
        }
    }
    for field in &form.fields {
        if !form.asked(field, answers) {
            continue;
        }
        match read(field, answers, ctx) {
            Ok(Some(value)) => {
                if Some(field.path) == form.date_from
                    && let Some(d) = value.as_str().and_then(|s| s.get(0..10)).and_then(|s| s.parse().ok())
                {
                    date = Some(d);
                }
                if !field.path.starts_with('_') {
                    set_path(&mut payload, field.path, value);
                }
            }
            Ok(None) if field.required => errors.push(FieldError::new(field.path, missing(field))),
            Ok(None) => {}
            Err(message) => errors.push(FieldError::new(field.path, message)),
        }
    }
    if let Some(d) = date
        && d > ctx.today
    {
        errors.push(FieldError::new(
            form.date_from.unwrap_or("date"),
            "The date must be today or in the past: record what has happened",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(derive) = form.derive {
        derive(&mut payload, answers, ctx).map_err(|e| vec![e])?;
    }
    let date = date.unwrap_or(ctx.today);
    let event = serde_json::from_value::<ChildEvent>(serde_json::json!({ "kind": form.kind, "payload": payload }))
        .map_err(|e| {
            vec![FieldError::new(
                form.fields.first().map_or("date", |f| f.path),
                format!("careful could not make this entry from the answers ({e}); tell your careful administrator"),
            )]
        })?;
    Ok(Built { date, event })
}

fn missing(field: &Field) -> String {
    match field.widget {
        Widget::Radios(_) | Widget::Select(_) | Widget::YesNo | Widget::Either(..) | Widget::Checkboxes(_) => {
            format!("Select {}", field.noun)
        }
        _ => format!("Enter {}", field.noun),
    }
}

/// Reads one answer: `None` when it was left empty.
fn read(field: &Field, answers: &Answers, ctx: &Context) -> Result<Option<Value>, String> {
    let raw = answers.get(field.path);
    let chosen = |options: Options, value: &str| -> Result<Option<Value>, String> {
        if value.is_empty() {
            return Ok(None);
        }
        if choices(options, ctx.today, ctx.workers).iter().any(|(v, _)| v == value) {
            Ok(Some(Value::String(value.to_string())))
        } else {
            Err(format!("Select {} from the list", field.noun))
        }
    };
    match field.widget {
        Widget::Date => Ok(read_date(answers, field.path, field.noun)?.map(|d| Value::String(d.to_string()))),
        Widget::DateTime => {
            let date = read_date(answers, field.path, field.noun)?;
            let time = read_time(answers, field.path, field.noun)?;
            match (date, time) {
                (None, None) => Ok(None),
                (Some(d), Some(t)) => {
                    Ok(Some(Value::String(NaiveDateTime::new(d, t).format("%Y-%m-%dT%H:%M:%S").to_string())))
                }
                (Some(_), None) => Err(format!("Enter the time of {}", field.noun)),
                (None, Some(_)) => Err(format!("Enter the date of {}", field.noun)),
            }
        }
        Widget::Text | Widget::TextArea => {
            if raw.is_empty() {
                Ok(None)
            } else if raw.chars().count() > 4_000 {
                Err(format!("{} must be 4,000 characters or fewer", capitalised(field.noun)))
            } else {
                Ok(Some(Value::String(raw.to_string())))
            }
        }
        Widget::Identifier(parse) => {
            if raw.is_empty() {
                Ok(None)
            } else {
                parse(raw).map(|v| Some(Value::String(v))).map_err(|why| format!("Enter a real {}: {why}", field.noun))
            }
        }
        Widget::Number => {
            if raw.is_empty() {
                return Ok(None);
            }
            raw.parse::<u8>()
                .map(|n| Some(Value::from(n)))
                .map_err(|_| format!("{} must be a whole number from 0 to 255", capitalised(field.noun)))
        }
        Widget::YesNo | Widget::Either(..) => match raw {
            "" => Ok(None),
            "yes" => Ok(Some(Value::Bool(true))),
            "no" => Ok(Some(Value::Bool(false))),
            _ => Err(format!("Select {}", field.noun)),
        },
        Widget::Radios(options) | Widget::Select(options) => chosen(options, raw),
        Widget::Checkboxes(options) => {
            let offered = choices(options, ctx.today, ctx.workers);
            let picked = answers.all(field.path);
            if let Some(bad) = picked.iter().find(|p| !offered.iter().any(|(v, _)| v == *p)) {
                return Err(format!("{bad:?} is not one of the choices for {}", field.noun));
            }
            if picked.is_empty() {
                Ok(None)
            } else {
                Ok(Some(Value::Array(picked.iter().map(|p| Value::String((*p).to_string())).collect())))
            }
        }
        Widget::Child => {
            if raw.is_empty() {
                return Ok(None);
            }
            match ctx.children.get(raw) {
                Some(child) => Ok(Some(Value::String(child.to_string()))),
                None => Err(format!("There is no child with the council child ID {raw}: check {}", field.noun)),
            }
        }
    }
}

fn set_path(map: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            map.insert(path.to_string(), value);
        }
        Some((head, rest)) => {
            let inner = map.entry(head.to_string()).or_insert_with(|| Value::Object(Map::new()));
            if !inner.is_object() {
                *inner = Value::Object(Map::new());
            }
            if let Value::Object(inner) = inner {
                set_path(inner, rest, value);
            }
        }
    }
}

/// The value at a path of a payload.
pub(crate) fn get_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}

/// The payload of an event, as stored.
pub(crate) fn payload_of(event: &ChildEvent) -> Value {
    serde_json::to_value(event).ok().and_then(|v| v.get("payload").cloned()).unwrap_or(Value::Null)
}

/// A form's answers as they would be for an event of its kind (to correct it), dated `date`.
pub(crate) fn answers_from(form: &Form, event: &ChildEvent, date: NaiveDate) -> Answers {
    let payload = payload_of(event);
    let mut answers = Answers::default();
    put_date(&mut answers, "date", date);
    for field in &form.fields {
        let Some(value) = get_path(&payload, field.path) else { continue };
        match (field.widget, value) {
            (Widget::Date, Value::String(s)) => {
                if let Ok(d) = s.parse::<NaiveDate>() {
                    put_date(&mut answers, field.path, d);
                }
            }
            (Widget::DateTime, Value::String(s)) => {
                if let Ok(t) = s.parse::<NaiveDateTime>() {
                    put_date(&mut answers, field.path, t.date());
                    answers.push(format!("{}-time", field.path), t.format("%H:%M").to_string());
                }
            }
            (Widget::YesNo | Widget::Either(..), Value::Bool(b)) => {
                answers.push(field.path, if *b { "yes" } else { "no" })
            }
            (_, Value::Array(items)) => {
                for item in items {
                    if let Some(s) = item.as_str() {
                        answers.push(field.path, s);
                    }
                }
            }
            (_, Value::String(s)) => answers.push(field.path, s.as_str()),
            (_, Value::Number(n)) => answers.push(field.path, n.to_string()),
            _ => {}
        }
    }
    answers
}

/// Puts a date into a date input's three parts.
pub(crate) fn put_date(answers: &mut Answers, path: &str, date: NaiveDate) {
    use chrono::Datelike;
    answers.set(&format!("{path}-day"), date.day().to_string());
    answers.set(&format!("{path}-month"), date.month().to_string());
    answers.set(&format!("{path}-year"), date.year().to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        Answers(pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect())
    }

    #[test]
    fn dates_are_read_as_govuk_asks() {
        let read = |d: &str, m: &str, y: &str| {
            read_date(&answers(&[("x-day", d), ("x-month", m), ("x-year", y)]), "x", "the date of the visit")
        };
        assert_eq!(read("29", "2", "2028"), Ok(NaiveDate::from_ymd_opt(2028, 2, 29)));
        assert_eq!(read("", "", ""), Ok(None));
        assert_eq!(read("5", "", "2026"), Err("The date of the visit must include a month".into()));
        assert_eq!(read("", "", "2026"), Err("The date of the visit must include a day and month".into()));
        assert_eq!(read("29", "2", "2027"), Err("The date of the visit must be a real date".into()));
        assert_eq!(read("1", "13", "2026"), Err("The date of the visit must be a real date".into()));
        assert_eq!(read("1", "2", "26"), Err("The year must include 4 numbers, like 2026".into()));
        assert_eq!(read(" 3 ", "Dec", "2026"), Ok(NaiveDate::from_ymd_opt(2026, 12, 3)));
        assert_eq!(read("3", "x", "2026"), Err("The date of the visit must be a real date".into()));
    }

    #[test]
    fn times_take_the_24_hour_clock() {
        let read = |t: &str| read_time(&answers(&[("at-time", t)]), "at", "going missing");
        assert_eq!(read("14:30"), Ok(NaiveTime::from_hms_opt(14, 30, 0)));
        assert_eq!(read("7.05"), Ok(NaiveTime::from_hms_opt(7, 5, 0)));
        assert_eq!(read(""), Ok(None));
        assert!(read("25:00").unwrap_err().contains("24-hour clock"));
        assert!(read("half two").is_err());
    }

    #[test]
    fn nested_paths_make_nested_objects() {
        let mut map = Map::new();
        set_path(&mut map, "notice.notice", Value::String("given".into()));
        set_path(&mut map, "notice.on", Value::String("2026-12-01".into()));
        set_path(&mut map, "reason", Value::String("P1".into()));
        let value = Value::Object(map);
        assert_eq!(value, serde_json::json!({"notice": {"notice": "given", "on": "2026-12-01"}, "reason": "P1"}));
        assert_eq!(get_path(&value, "notice.on"), Some(&Value::String("2026-12-01".into())));
        assert_eq!(get_path(&value, "notice.reason"), None);
    }

    #[test]
    fn ids_follow_paths() {
        assert_eq!(id_of("seen_alone.reason"), "seen-alone-reason");
        assert_eq!(id_of("date"), "date");
    }
}
