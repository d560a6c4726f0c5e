//! Tests of the validation engine: the registry against DfE's catalogue, the conformance suite,
//! and the engine's own behaviour.

pub(crate) mod conformance;
mod engine;
pub(crate) mod json;
mod registry;
mod scale;
