//! Fuzz target `forms`: every recording form, sent complete answers that are then changed in
//! awkward ways (see [`answer_change`]), turned into its event and, when it makes one, folded
//! onto the child's record as recording it would. `scripts/fuzz forms` runs it for ten million
//! inputs; the normal test suite runs a few hundred.
//!
//! The answers are fuzzed as the form handler receives them, decoded (axum's form extractor
//! decodes the posted body; that decoding is not careful's code and is not fuzzed here).

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{LazyLock, OnceLock};

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

use careful_domain::codes::{Need, ReferralSource};
use careful_domain::organisation::WorkerRole;
use careful_domain::record::{ChildEvent, Entry, fold};
use careful_domain::{ChildId, EventId, RecordedAt, RecordedBy, Sequence, SystemProcess, TeamId, WorkerId};

use super::forms::FORMS;
use super::spec::{Answers, Context, Form, StaffChoice, Widget, build, choices, put_date};

/// The configuration: the number of inputs from `CAREFUL_FUZZ_CASES` (else a few hundred),
/// every failing input kept in `proptest-regressions/record/fuzz.txt` and replayed first by
/// every later run, and no limits that would stop a long run early.
fn config() -> Config {
    Config {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel("proptest-regressions"))),
        max_local_rejects: u32::MAX,
        max_global_rejects: u32::MAX,
        max_shrink_iters: 20_000,
        max_shrink_time: 120_000,
        verbose: 0,
        ..Config::default()
    }
}

/// Inputs to run: `CAREFUL_FUZZ_CASES`, else 300.
fn cases() -> u32 {
    std::env::var("CAREFUL_FUZZ_CASES").ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(300)
}

/// How the inputs fared: refused with errors, made an event the record refused, made an event
/// the record took. Printed once the last input is done (`scripts/fuzz` shows it).
static TALLY: [AtomicU64; 3] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];

fn count(outcome: usize) {
    static CASES: OnceLock<u64> = OnceLock::new();
    TALLY[outcome].fetch_add(1, Relaxed);
    let done: u64 = TALLY.iter().map(|c| c.load(Relaxed)).sum();
    if done == *CASES.get_or_init(|| u64::from(cases())) {
        let [errors, refused, taken] = TALLY.each_ref().map(|c| c.load(Relaxed));
        eprintln!(
            "fuzz forms: {done} inputs: {errors} refused with errors, {refused} events the record refused, \
             {taken} events recorded"
        );
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).expect("a date")
}

/// A child's record as entries: registered and referred in April 2025 (forms that need more,
/// such as a placement change, make events the fold refuses, which is fuzzed as well).
static ENTRIES: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    let details: careful_domain::record::PersonalDetails = serde_json::from_value(serde_json::json!({
        "given_name": "Ada", "family_name": "Lovelace", "date_of_birth": "2012-03-04",
        "expected_date_of_birth": null, "sex": "F", "ethnicity": "WBRI", "upn": null,
        "upn_unknown": "UN1", "nhs_number": null
    }))
    .expect("personal details");
    let events = vec![
        ChildEvent::ChildRegistered { la_child_id: "EM000001".parse().expect("an ID"), details },
        ChildEvent::ReferralReceived { source: ReferralSource::School, primary_need: Need::AbuseOrNeglect },
    ];
    entries(events.into_iter().map(|e| (NaiveDate::from_ymd_opt(2025, 4, 1).expect("a date"), e)))
});

fn entries(events: impl IntoIterator<Item = (NaiveDate, ChildEvent)>) -> Vec<Entry> {
    let at = RecordedAt::new(Utc.with_ymd_and_hms(2025, 4, 1, 9, 0, 0).single().expect("an instant"));
    events
        .into_iter()
        .enumerate()
        .map(|(i, (effective_date, event))| Entry {
            id: EventId::new(),
            sequence: Sequence::new(i as u64 + 1),
            effective_date,
            recorded_at: at,
            recorded_by: RecordedBy::System(SystemProcess::Import),
            reason: None,
            manager_override: None,
            event,
        })
        .collect()
}

static STAFF: LazyLock<Vec<StaffChoice>> = LazyLock::new(|| {
    WorkerRole::ALL
        .iter()
        .map(|role| StaffChoice {
            id: WorkerId::new().to_string(),
            name: format!("A {}", role.describe()),
            role: *role,
            team_id: TeamId::new().to_string(),
            team: "Team".into(),
        })
        .collect()
});

static CHILDREN: LazyLock<HashMap<String, ChildId>> =
    LazyLock::new(|| HashMap::from([("EM000002".to_string(), ChildId::new())]));

const SAMPLES: &[&str] = &["EM1 4QT", "SC123456", "B823100123456", "9434765919"];

/// Answers to every question a form asks: the first choice of each, `pick` choosing another.
fn complete(form: &Form, pick: usize) -> Answers {
    let today = today();
    let mut answers = Answers::default();
    put_date(&mut answers, "date", today);
    for f in &form.fields {
        match f.widget {
            Widget::Date => put_date(&mut answers, f.path, today),
            Widget::DateTime => {
                put_date(&mut answers, f.path, today);
                answers.set(&format!("{}-time", f.path), "10:30");
            }
            Widget::Text | Widget::TextArea => answers.set(f.path, "Seen at home with her foster carer"),
            Widget::Identifier(parse) => {
                answers.set(f.path, SAMPLES.iter().find(|s| parse(s).is_ok()).copied().unwrap_or(""));
            }
            Widget::Number => answers.set(f.path, "2"),
            Widget::YesNo | Widget::Either(..) => {
                answers.set(f.path, if pick.is_multiple_of(2) { "yes" } else { "no" })
            }
            Widget::Radios(o) | Widget::Select(o) | Widget::Checkboxes(o) => {
                let offered = choices(o, today, &STAFF);
                if !offered.is_empty() {
                    answers.set(f.path, offered[pick % offered.len()].0.clone());
                }
            }
            Widget::Child => answers.set(f.path, "EM000002"),
        }
    }
    answers
}

/// Awkward answers: date parts that are no date, numbers out of range, codes in the wrong
/// case, markup, line ends.
const VALUES: &[&str] = &[
    "",
    " ",
    "0",
    "00",
    "-1",
    "+1",
    "1e3",
    "29",
    "30",
    "31",
    "32",
    "2",
    "02",
    "4",
    "13",
    "Feb",
    "february",
    "Sept",
    "fe",
    "2023",
    "2024",
    "2025",
    "2026",
    "2027",
    "0000",
    "9999",
    "99999",
    "262143",
    "4294967296",
    "255",
    "256",
    "23:59",
    "24:00",
    "10.30",
    "10:30:00",
    "7",
    "yes",
    "no",
    "YES",
    "true",
    "u1",
    "c2",
    "n1",
    "EM000001",
    "EM000002",
    "EM000003",
    "SC12345",
    "EM1",
    "<script>alert(1)</script>",
    "&amp;",
    "é",
    "\u{0}",
    "\u{FEFF}2025",
    "\r\n",
    "\u{1F600}",
];

/// A value: awkward, very long, or any text.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::sample::select(VALUES).prop_map(str::to_string),
        1 => (3_990usize..4_010).prop_map(|n| "a".repeat(n)),
        1 => (1usize..200_000).prop_map(|n| "9".repeat(n)),
        2 => any::<String>(),
    ]
}

/// Field names: date parts, known paths, their parents and children, and nonsense.
const NAMES: &[&str] = &[
    "date-day",
    "date-month",
    "date-year",
    "date",
    "_sequence",
    "",
    "placement",
    "placement.type",
    "placement.type.x",
    "notice",
    "reason",
    "seen",
    "visit",
    "a.b.c",
];

/// One change to the answers a form is sent.
#[derive(Debug, Clone)]
enum AnswerChange {
    /// The `n`th answer left out.
    Remove(usize),
    /// The `n`th answer sent again after the others, with another value (a repeated field).
    Repeat(usize, String),
    /// The `n`th answer's value replaced.
    Replace(usize, String),
    /// The `n`th answer's name replaced (a field the form does not have, or another's).
    Rename(usize, String),
    /// An answer the form does not ask for.
    Add(String, String),
    /// A date's day, month or year (the `n`th date of the form) replaced.
    DatePart(usize, u8, String),
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![3 => proptest::sample::select(NAMES).prop_map(str::to_string), 1 => any::<String>()]
}

fn answer_change() -> impl Strategy<Value = AnswerChange> {
    let n = any::<usize>();
    prop_oneof![
        2 => n.prop_map(AnswerChange::Remove),
        2 => (n, value()).prop_map(|(n, v)| AnswerChange::Repeat(n, v)),
        4 => (n, value()).prop_map(|(n, v)| AnswerChange::Replace(n, v)),
        1 => (n, name()).prop_map(|(n, v)| AnswerChange::Rename(n, v)),
        1 => (name(), value()).prop_map(|(k, v)| AnswerChange::Add(k, v)),
        4 => (n, 0u8..3, value()).prop_map(|(n, part, v)| AnswerChange::DatePart(n, part, v)),
    ]
}

fn change(form: &Form, answers: &mut Answers, change: &AnswerChange) {
    let len = answers.0.len();
    match change {
        AnswerChange::Remove(n) if len > 0 => {
            answers.0.remove(n % len);
        }
        AnswerChange::Repeat(n, v) if len > 0 => {
            let name = answers.0[n % len].0.clone();
            answers.0.push((name, v.clone()));
        }
        AnswerChange::Replace(n, v) if len > 0 => answers.0[n % len].1 = v.clone(),
        AnswerChange::Rename(n, k) if len > 0 => answers.0[n % len].0 = k.clone(),
        AnswerChange::Add(k, v) => answers.0.push((k.clone(), v.clone())),
        AnswerChange::DatePart(n, part, v) => {
            let dates: Vec<&str> = std::iter::once("date")
                .chain(
                    form.fields.iter().filter(|f| matches!(f.widget, Widget::Date | Widget::DateTime)).map(|f| f.path),
                )
                .collect();
            let path = dates[n % dates.len()];
            let suffix = ["day", "month", "year"][usize::from(*part) % 3];
            answers.set(&format!("{path}-{suffix}"), v.clone());
        }
        _ => {}
    }
}

/// Builds the form's event from the answers and checks it: errors each name a question of the
/// form (or the entry's date) and say what is wrong; an event is the form's kind, dated no
/// later than today, of a size in proportion to the answers, and the record's fold either
/// takes it or refuses it naming a question of the form.
fn check(form: &Form, answers: &Answers) -> Result<usize, TestCaseError> {
    let record = fold(&ENTRIES).expect("the record folds");
    let ctx = Context { today: today(), record: &record, original: None, children: &CHILDREN, workers: &STAFF };
    let sent: usize = answers.0.iter().map(|(k, v)| k.len() + v.len()).sum();
    match build(form, answers, &ctx) {
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            prop_assert!(errors.len() <= form.fields.len() + 2, "{} errors", errors.len());
            for e in &errors {
                let known = e.field == "date" || form.fields.iter().any(|f| f.path == e.field);
                prop_assert!(known, "{}: error for {:?}, not a question of the form", form.slug, e.field);
                prop_assert!(!e.message.trim().is_empty(), "{}: an error for {} says nothing", form.slug, e.field);
            }
            Ok(0)
        }
        Ok(built) => {
            let kind = built.event.kind();
            prop_assert_eq!(kind.as_str(), form.kind);
            prop_assert!(built.date <= today(), "{}: dated {}", form.slug, built.date);
            let size = serde_json::to_string(&built.event).map_or(0, |s| s.len());
            prop_assert!(size <= 2 * sent + 4_096, "{}: an event of {size} bytes from {sent} bytes sent", form.slug);
            let mut all = ENTRIES.clone();
            let next = entries([(built.date, built.event)]).remove(0);
            all.push(Entry { sequence: Sequence::new(all.len() as u64 + 1), ..next });
            if let Err(e) = fold(&all) {
                prop_assert!(!e.problem.trim().is_empty(), "{}: the record refuses it saying nothing", form.slug);
                let question = form.field_for(e.field);
                let known = question == "date" || form.fields.iter().any(|f| f.path == question);
                prop_assert!(known, "{}: refused for {:?}, shown at {question:?}", form.slug, e.field);
                Ok(1)
            } else {
                Ok(2)
            }
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_forms(
        form in any::<usize>(),
        pick in any::<usize>(),
        changes in proptest::collection::vec(answer_change(), 0..4),
    ) {
        let form = &FORMS[form % FORMS.len()];
        let mut answers = complete(form, pick);
        for c in &changes {
            change(form, &mut answers, c);
        }
        count(check(form, &answers)?);
    }
}

/// The complete answers make every form's event: the changed answers start from answers that
/// reach the event and the record's fold.
#[test]
fn complete_answers_make_every_forms_event() {
    let record = fold(&ENTRIES).expect("the record folds");
    let ctx = Context { today: today(), record: &record, original: None, children: &CHILDREN, workers: &STAFF };
    for form in FORMS.iter() {
        let built = build(form, &complete(form, 0), &ctx).unwrap_or_else(|e| panic!("{}: {e:?}", form.slug));
        assert_eq!(built.event.kind().as_str(), form.kind);
        check(form, &complete(form, 1)).unwrap_or_else(|e| panic!("{}: {e}", form.slug));
    }
}
