//! Insight: the indicators councils are judged by, with their definitions, numerators and
//! denominators ([`indicators`]); a collection year's headline figures, which the synthetic
//! council is calibrated to ([`figures`]); and the demand and cost forecast for children looked
//! after, a Markov stock-and-flow model by age band and placement type with scenarios, costs, a
//! 95% interval that includes the uncertainty in its rates, and a back-test ([`forecast`]).
//! Scrutiny reports and benchmarks are not built yet.
//!
//! Pure: computed from folded records ([`careful_domain::record::ChildRecord`]), one child at a
//! time, so a council of any size can be measured in one pass; the forecast also from SSDA903
//! episodes (the caller reads the files).

#![forbid(unsafe_code)]

pub mod figures;
pub mod forecast;
pub mod indicators;

pub use figures::{Figure, YearFigures};
pub use indicators::{Indicator, Indicators, Period, Polarity, Unit};
