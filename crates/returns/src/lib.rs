//! Statutory returns: SSDA903, the CIN census, Ofsted Annex A, the standard safeguarding
//! dataset and the DfE API feed. Typed models, readers and writers, and DfE's validation rules,
//! one function per rule code with DfE's message, by collection year.
//!
//! Pure: it reads and writes bytes and the record's types from [`careful_domain`], never the
//! database or the web. The returns arrive with their issues; the crate exists now so the
//! dependency directions of the workspace hold from the start.
