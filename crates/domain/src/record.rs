//! The typed events of a child's record.
//!
//! Each variant is one kind of fact, named as the sector names it. Its serialised form is the
//! envelope's `kind` (snake case) plus a JSON object payload.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{ReferralSource, Sex};
use crate::event::{EnvelopeError, EventKind, NewEvent, Payload, Reason, RecordedAt, RecordedBy};
use crate::ids::{EventId, TeamId, WorkerId};

/// One fact in a child's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChildEvent {
    /// The child (or unborn child) becomes known to children's services.
    ChildRegistered {
        /// The council's own identifier for the child (the 903 `CHILD` field).
        la_child_id: String,
        given_name: String,
        family_name: String,
        /// Absent for an unborn child.
        date_of_birth: Option<NaiveDate>,
        /// For an unborn child.
        expected_date_of_birth: Option<NaiveDate>,
        sex: Sex,
    },
    /// Information about a child reaches the front door.
    ContactReceived { source: ReferralSource },
    /// A contact is accepted as a referral to children's social care.
    ReferralReceived { source: ReferralSource },
    /// A child and family assessment (s17) begins.
    AssessmentStarted {},
    /// A worker in a team becomes the child's allocated worker.
    WorkerAllocated { worker: WorkerId, team: TeamId },
}

/// A payload that does not match its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event {event} of kind {kind} could not be read: {detail}")]
pub struct PayloadError {
    pub event: EventId,
    pub kind: EventKind,
    pub detail: String,
}

impl ChildEvent {
    /// The stored kind of this event.
    pub fn kind(&self) -> EventKind {
        let name = match self {
            ChildEvent::ChildRegistered { .. } => "child_registered",
            ChildEvent::ContactReceived { .. } => "contact_received",
            ChildEvent::ReferralReceived { .. } => "referral_received",
            ChildEvent::AssessmentStarted {} => "assessment_started",
            ChildEvent::WorkerAllocated { .. } => "worker_allocated",
        };
        EventKind::parse(name).expect("event kind names are valid")
    }

    /// Puts this event in an envelope ready to append. Fails only if a text field holds a NUL
    /// character or the event is over a megabyte.
    pub fn into_envelope(
        self,
        id: EventId,
        effective_date: NaiveDate,
        recorded_at: RecordedAt,
        recorded_by: RecordedBy,
        reason: Option<Reason>,
    ) -> Result<NewEvent, EnvelopeError> {
        let kind = self.kind();
        let payload = match serde_json::to_value(&self) {
            Ok(serde_json::Value::Object(mut map)) => match map.remove("payload") {
                Some(serde_json::Value::Object(payload)) => payload,
                _ => serde_json::Map::new(),
            },
            _ => serde_json::Map::new(),
        };
        let payload = Payload::new(payload)?;
        Ok(NewEvent { id, kind, payload, effective_date, recorded_at, recorded_by, reason })
    }

    /// Reads the typed event back out of an envelope.
    pub fn from_envelope(event: &NewEvent) -> Result<ChildEvent, PayloadError> {
        let value = serde_json::json!({ "kind": event.kind.as_str(), "payload": event.payload.as_map() });
        serde_json::from_value(value).map_err(|e| PayloadError {
            event: event.id,
            kind: event.kind.clone(),
            detail: e.to_string(),
        })
    }

    /// One line for the chronology.
    pub fn summary(&self) -> String {
        match self {
            ChildEvent::ChildRegistered { given_name, family_name, .. } => {
                format!("{given_name} {family_name} became known to children's services")
            }
            ChildEvent::ContactReceived { source } => format!("Contact received from {}", source.description()),
            ChildEvent::ReferralReceived { source } => format!("Referral received from {}", source.description()),
            ChildEvent::AssessmentStarted {} => "Child and family assessment started".to_string(),
            ChildEvent::WorkerAllocated { .. } => "Worker allocated".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::SystemProcess;
    use chrono::Utc;

    fn envelope(event: ChildEvent) -> NewEvent {
        event
            .into_envelope(
                EventId::new(),
                NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                RecordedAt::new(Utc::now()),
                RecordedBy::System(SystemProcess::DemoSeed),
                None,
            )
            .unwrap()
    }

    #[test]
    fn every_kind_round_trips_through_its_envelope() {
        let events = [
            ChildEvent::ChildRegistered {
                la_child_id: "C0001".into(),
                given_name: "Amara".into(),
                family_name: "Okafor".into(),
                date_of_birth: NaiveDate::from_ymd_opt(2014, 2, 28),
                expected_date_of_birth: None,
                sex: Sex::Female,
            },
            ChildEvent::ContactReceived { source: ReferralSource::School },
            ChildEvent::ReferralReceived { source: ReferralSource::Police },
            ChildEvent::AssessmentStarted {},
            ChildEvent::WorkerAllocated { worker: WorkerId::new(), team: TeamId::new() },
        ];
        for event in events {
            let env = envelope(event.clone());
            assert_eq!(env.kind, event.kind());
            assert_eq!(ChildEvent::from_envelope(&env).unwrap(), event);
        }
    }

    #[test]
    fn payload_uses_dfe_codes() {
        let env = envelope(ChildEvent::ReferralReceived { source: ReferralSource::AccidentAndEmergency });
        assert_eq!(env.kind.as_str(), "referral_received");
        assert_eq!(serde_json::Value::Object(env.payload.into_map()), serde_json::json!({ "source": "3E" }));
    }

    #[test]
    fn a_payload_that_does_not_match_its_kind_is_an_error_naming_the_event() {
        let mut env = envelope(ChildEvent::ReferralReceived { source: ReferralSource::Police });
        let mut map = env.payload.into_map();
        map.insert("source".into(), serde_json::json!("99"));
        env.payload = Payload::new(map).unwrap();
        let err = ChildEvent::from_envelope(&env).unwrap_err();
        assert!(err.to_string().contains("referral_received"), "{err}");
        assert!(err.to_string().contains("\"99\" is not a referral source code"), "{err}");
    }
}
