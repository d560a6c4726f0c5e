//! Insight: indicators (rates per 10,000 children, timeliness, stability, re-referrals,
//! caseloads), scrutiny reports, benchmarks against published national figures, and the demand
//! forecast.
//!
//! Pure: computed from the record's types in [`careful_domain`]. The indicators arrive with their
//! issue; the crate exists now so the dependency directions of the workspace hold from the start.
