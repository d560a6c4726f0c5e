//! Typed identifiers. Each is a UUID under the hood, but a `ChildId` can never be passed where a
//! `WorkerId` is wanted, from URL to SQL.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An identifier that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a valid {what} (expected a UUID such as 0190f5a4-7c1e-7b4e-9a55-2f0c1d2e3f40)")]
pub struct IdError {
    pub what: &'static str,
    pub input: String,
}

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// What this identifies, in words, for messages.
            pub const WHAT: &'static str = $what;

            /// Wraps an existing UUID (read back from storage).
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// A new time-ordered identifier (UUID version 7) from the system clock.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// A deterministic identifier from 16 random bytes (for seeded synthetic data).
            pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
                Self(uuid::Builder::from_random_bytes(bytes).into_uuid())
            }

            /// A deterministic time-ordered identifier (UUID version 7) for seeded synthetic
            /// data: ordered by `millis`, then by `tail`. Identifiers made in order are stored
            /// in order, which keeps the database's indexes compact when millions are written.
            pub fn from_ordered(millis: u64, tail: [u8; 10]) -> Self {
                Self(uuid::Builder::from_unix_timestamp_millis(millis, &tail).into_uuid())
            }

            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|_| IdError { what: $what, input: s.to_string() })
            }
        }
    };
}

typed_id!(
    /// A child (or unborn child) whose record careful holds. Internal: the council's own child
    /// identifier (the 903 `CHILD` field) is held in the record separately.
    ChildId,
    "child ID"
);
typed_id!(
    /// One event in a child's record.
    EventId,
    "event ID"
);
typed_id!(
    /// A member of staff: social worker, team manager, IRO, personal adviser, front-door worker.
    WorkerId,
    "worker ID"
);
typed_id!(
    /// A team in the council's children's services.
    TeamId,
    "team ID"
);

typed_id!(
    /// An account: someone who signs in to careful (usually linked to a worker).
    AccountId,
    "account ID"
);

typed_id!(
    /// A relative, parent or other person in a child's life (not a child with a record).
    PersonId,
    "person ID"
);
typed_id!(
    /// A carer or carer household (foster carers, a children's home): the 903 asks whether a
    /// placement change kept the same carer.
    CarerId,
    "carer ID"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = ChildId::new();
        assert_eq!(id.to_string().parse::<ChildId>().unwrap(), id);
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{id}\""));
    }

    #[test]
    fn bad_ids_name_what_was_expected() {
        let err = "abc".parse::<WorkerId>().unwrap_err();
        assert_eq!(err.what, "worker ID");
        assert!(err.to_string().contains("\"abc\" is not a valid worker ID"));
    }

    #[test]
    fn seeded_ids_are_deterministic() {
        assert_eq!(ChildId::from_random_bytes([7; 16]), ChildId::from_random_bytes([7; 16]));
        assert_ne!(ChildId::from_random_bytes([7; 16]), ChildId::from_random_bytes([8; 16]));
    }
}
