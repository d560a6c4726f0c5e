//! The DfE CIN rule codes careful does not implement yet. `every_rule_code_implemented` fails on
//! any code of DfE's 2025-26 catalogue that is neither implemented nor listed here, and on any
//! code listed here that is implemented: the list only shrinks.

pub(crate) static PENDING: &[&str] = &[];
