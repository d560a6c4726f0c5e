//! The statutory duties engine.
//!
//! For every child, what the law and the council's practice standards say must happen next, by
//! when, and whether it happened on time: `duties(history, calendar, policy, as_of)`, and the
//! guardrails `check(history, proposed)` that refuse or escalate what the law forbids. Pure: it
//! reads a child's history from [`careful_domain`] and knows nothing of how the record is stored.
//!
//! The rules arrive with the duties issue; this crate exists now so that the dependency
//! directions of the workspace hold from the start (`duties` uses `domain`; `app` uses `duties`).
