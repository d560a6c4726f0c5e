//! careful's domain: the child's record as typed events, identifiers, DfE code sets and the
//! England and Wales working-day calendar.
//!
//! Everything here is pure (no IO, no clocks, no randomness of its own), so every rule can be
//! tested exhaustively at its boundaries.

#![forbid(unsafe_code)]

pub mod calendar;
pub mod codes;
pub mod event;
pub mod identifiers;
pub mod ids;
pub mod names;
pub mod organisation;
pub mod record;

pub use calendar::{CalendarError, CollectionYear, WorkingDayCalendar};
pub use event::{
    EnvelopeError, EventKind, NewEvent, Override, Payload, Reason, RecordedAt, RecordedBy, RecordedEvent, Sequence,
    SystemProcess,
};
pub use ids::{AccountId, CarerId, ChildId, EventId, PersonId, TeamId, WorkerId};
