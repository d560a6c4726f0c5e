//! The envelope every fact in a child's record travels in.
//!
//! A child's record is an ordered stream of events. Each event carries what happened (its kind
//! and typed payload), the date it happened (the effective date), when and by whom it was
//! recorded, and why. Events are never edited or deleted: a correction is a new event that
//! supersedes an earlier one, with a reason.
//!
//! The envelope is deliberately loose about the payload (`kind` plus JSON) so the store can hold
//! any version of any event; [`crate::record::ChildEvent`] is the typed view of the payload.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ChildId, EventId, WorkerId};

/// The position of an event in its child's stream: 1 for the first event, 2 for the next...
///
/// [`Sequence::EMPTY`] (0) is what a writer expects of a child who has no events yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sequence(u64);

impl Sequence {
    /// The sequence of a stream with no events.
    pub const EMPTY: Sequence = Sequence(0);

    pub const fn new(value: u64) -> Sequence {
        Sequence(value)
    }

    pub const fn get(self) -> u64 {
        self.0
    }

    /// The sequence after `count` more events.
    pub fn advanced_by(self, count: usize) -> Sequence {
        Sequence(self.0 + count as u64)
    }
}

impl fmt::Display for Sequence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The name of an event kind as stored, in lower snake case: `referral_received`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EventKind(String);

/// Something that is not a well-formed envelope field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error(
        "event kind {0:?} is not valid: use 1 to 64 lower-case letters, digits and underscores, starting with a letter"
    )]
    Kind(String),
    #[error("recorded-by {0:?} is not valid: expected worker:<worker ID> or system:<process>")]
    RecordedBy(String),
    #[error("the reason is empty; say why, or leave the reason out")]
    EmptyReason,
    #[error("the reason is {0} characters long; keep it under 4,000")]
    ReasonTooLong(usize),
    #[error("the payload holds a NUL character (\\u0000) at {path}; text in a record cannot contain one")]
    PayloadNul { path: String },
    #[error(
        "the payload is {0} bytes long; an event's payload must be under 1 MB (attach documents, do not embed them)"
    )]
    PayloadTooLarge(usize),
    #[error("an override names the guardrails it accepts (their codes, each under 64 characters)")]
    Override,
}

impl EventKind {
    pub fn parse(value: impl Into<String>) -> Result<EventKind, EnvelopeError> {
        let value = value.into();
        let mut bytes = value.bytes();
        let starts_with_letter = bytes.next().is_some_and(|b| b.is_ascii_lowercase());
        let rest_ok = bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if starts_with_letter && rest_ok && value.len() <= 64 {
            Ok(EventKind(value))
        } else {
            Err(EnvelopeError::Kind(value))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for EventKind {
    type Error = EnvelopeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        EventKind::parse(value)
    }
}

impl From<EventKind> for String {
    fn from(value: EventKind) -> Self {
        value.0
    }
}

/// A process that records events on its own account rather than a person's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SystemProcess {
    /// `careful demo` seeding its synthetic council.
    DemoSeed,
    /// `careful generate` writing a synthetic council.
    Generator,
    /// `careful import` bringing in a council's existing files.
    Import,
}

impl SystemProcess {
    const ALL: [SystemProcess; 3] = [SystemProcess::DemoSeed, SystemProcess::Generator, SystemProcess::Import];

    pub fn as_str(self) -> &'static str {
        match self {
            SystemProcess::DemoSeed => "demo-seed",
            SystemProcess::Generator => "generator",
            SystemProcess::Import => "import",
        }
    }
}

/// Who recorded an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum RecordedBy {
    Worker(WorkerId),
    System(SystemProcess),
}

impl fmt::Display for RecordedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordedBy::Worker(id) => write!(f, "worker:{id}"),
            RecordedBy::System(process) => write!(f, "system:{}", process.as_str()),
        }
    }
}

impl FromStr for RecordedBy {
    type Err = EnvelopeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || EnvelopeError::RecordedBy(s.to_string());
        match s.split_once(':') {
            Some(("worker", id)) => id.parse().map(RecordedBy::Worker).map_err(|_| err()),
            Some(("system", name)) => {
                SystemProcess::ALL.into_iter().find(|p| p.as_str() == name).map(RecordedBy::System).ok_or_else(err)
            }
            _ => Err(err()),
        }
    }
}

impl TryFrom<String> for RecordedBy {
    type Error = EnvelopeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<RecordedBy> for String {
    fn from(value: RecordedBy) -> Self {
        value.to_string()
    }
}

/// The moment an event was recorded, in UTC, to the microsecond (the precision both databases
/// keep, so what is read back equals what was written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordedAt(DateTime<Utc>);

impl RecordedAt {
    pub fn new(at: DateTime<Utc>) -> RecordedAt {
        RecordedAt(at.trunc_subsecs(6))
    }

    pub fn get(self) -> DateTime<Utc> {
        self.0
    }
}

/// Why an event was recorded (required for corrections and overrides).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reason(String);

impl Reason {
    pub fn parse(text: impl Into<String>) -> Result<Reason, EnvelopeError> {
        let text = text.into();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(EnvelopeError::EmptyReason);
        }
        if trimmed.contains('\0') {
            return Err(EnvelopeError::PayloadNul { path: "the reason".into() });
        }
        let chars = trimmed.chars().count();
        if chars > 4000 {
            return Err(EnvelopeError::ReasonTooLong(chars));
        }
        Ok(Reason(trimmed.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Reason {
    type Error = EnvelopeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Reason::parse(value)
    }
}

impl From<Reason> for String {
    fn from(value: Reason) -> Self {
        value.0
    }
}

/// The payload of an event: a JSON object that both databases can hold exactly (no NUL
/// characters, under 1 MB).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Payload(serde_json::Map<String, serde_json::Value>);

impl Payload {
    /// The largest payload careful accepts, in bytes of JSON.
    pub const MAX_BYTES: usize = 1_000_000;

    pub fn new(map: serde_json::Map<String, serde_json::Value>) -> Result<Payload, EnvelopeError> {
        fn check(value: &serde_json::Value, path: &mut String) -> Result<(), EnvelopeError> {
            match value {
                serde_json::Value::String(s) if s.contains('\0') => {
                    Err(EnvelopeError::PayloadNul { path: path.clone() })
                }
                serde_json::Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let len = path.len();
                        path.push_str(&format!("[{i}]"));
                        check(item, path)?;
                        path.truncate(len);
                    }
                    Ok(())
                }
                serde_json::Value::Object(map) => {
                    for (key, item) in map {
                        let len = path.len();
                        path.push('.');
                        path.push_str(key);
                        if key.contains('\0') {
                            return Err(EnvelopeError::PayloadNul { path: path.clone() });
                        }
                        check(item, path)?;
                        path.truncate(len);
                    }
                    Ok(())
                }
                _ => Ok(()),
            }
        }
        let object = serde_json::Value::Object(map);
        check(&object, &mut String::from("payload"))?;
        let size = object.to_string().len();
        if size > Payload::MAX_BYTES {
            return Err(EnvelopeError::PayloadTooLarge(size));
        }
        match object {
            serde_json::Value::Object(map) => Ok(Payload(map)),
            _ => unreachable!("built from a map"),
        }
    }

    pub fn as_map(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.0
    }

    pub fn into_map(self) -> serde_json::Map<String, serde_json::Value> {
        self.0
    }
}

/// A manager's acceptance of what a guardrail would otherwise refuse: who accepted it, and the
/// guardrails' codes (such as `pl-terminate`). The event's reason says why; the manager is named
/// in the record for ever.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub manager: WorkerId,
    pub breaches: Vec<String>,
}

impl Override {
    /// An override of `breaches` (at least one) by `manager`.
    pub fn new(manager: WorkerId, breaches: Vec<String>) -> Result<Override, EnvelopeError> {
        if breaches.is_empty() || breaches.iter().any(|b| b.trim().is_empty() || b.len() > 64) {
            return Err(EnvelopeError::Override);
        }
        Ok(Override { manager, breaches })
    }
}

/// An event about to be appended to a child's record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub id: EventId,
    pub kind: EventKind,
    /// The typed payload.
    pub payload: Payload,
    /// The date the thing happened (which may be before it was recorded).
    pub effective_date: NaiveDate,
    pub recorded_at: RecordedAt,
    pub recorded_by: RecordedBy,
    pub reason: Option<Reason>,
    /// A manager's override of guardrails, if the event needed one.
    pub manager_override: Option<Override>,
}

/// An event as stored in a child's record.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedEvent {
    pub child: ChildId,
    pub sequence: Sequence,
    pub event: NewEvent,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_lower_snake_case() {
        assert!(EventKind::parse("referral_received").is_ok());
        assert!(EventKind::parse("s47_started").is_ok());
        for bad in ["", "Referral", "1abc", "referral-received", "a b", &"a".repeat(65)] {
            assert!(EventKind::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn recorded_by_round_trips() {
        let worker = RecordedBy::Worker(WorkerId::new());
        assert_eq!(worker.to_string().parse::<RecordedBy>().unwrap(), worker);
        let system = RecordedBy::System(SystemProcess::DemoSeed);
        assert_eq!(system.to_string(), "system:demo-seed");
        assert_eq!("system:demo-seed".parse::<RecordedBy>().unwrap(), system);
        for bad in ["worker:nope", "system:cron", "someone", ""] {
            assert!(bad.parse::<RecordedBy>().is_err(), "{bad}");
        }
    }

    #[test]
    fn reasons_are_trimmed_and_bounded() {
        assert_eq!(Reason::parse("  wrong date  ").unwrap().as_str(), "wrong date");
        assert_eq!(Reason::parse("   "), Err(EnvelopeError::EmptyReason));
        assert!(matches!(Reason::parse("x".repeat(4001)), Err(EnvelopeError::ReasonTooLong(4001))));
    }

    #[test]
    fn recorded_at_keeps_microseconds() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T10:11:12.123456789Z").unwrap().with_timezone(&Utc);
        assert_eq!(RecordedAt::new(at).get().to_rfc3339(), "2026-11-22T10:11:12.123456+00:00");
    }

    #[test]
    fn payloads_refuse_nul_characters_wherever_they_are() {
        let map = |v: serde_json::Value| v.as_object().unwrap().clone();
        assert!(Payload::new(map(serde_json::json!({"a": [1, "x", {"b": "ok"}]}))).is_ok());
        assert_eq!(
            Payload::new(map(serde_json::json!({"a": [1, {"b": "x\u{0}y"}]}))),
            Err(EnvelopeError::PayloadNul { path: "payload.a[1].b".into() })
        );
        assert!(Payload::new(map(serde_json::json!({"k\u{0}": 1}))).is_err());
        let big = "x".repeat(Payload::MAX_BYTES);
        assert!(matches!(Payload::new(map(serde_json::json!({ "a": big }))), Err(EnvelopeError::PayloadTooLarge(_))));
    }

    #[test]
    fn sequence_advances() {
        assert_eq!(Sequence::EMPTY.advanced_by(3), Sequence::new(3));
    }
}
