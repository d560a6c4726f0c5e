//! Synthetic councils: children, families, workers and events, seeded and reproducible.
//!
//! Nothing here is, or is derived from, a real child's record. Names come from committed lists of
//! common names; identifiers are generated.

pub mod demo;
pub mod names;
pub mod rng;

pub use demo::{SyntheticChild, SyntheticCouncil, SyntheticEvent};
