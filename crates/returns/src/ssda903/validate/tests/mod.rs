//! Tests of the validation engine: the registry against DfE's catalogue, the conformance suite,
//! and the engine's own behaviour.

mod conformance;
mod engine;
mod json;
mod registry;
mod scale;
