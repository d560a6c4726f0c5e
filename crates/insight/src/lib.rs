//! Insight: the indicators councils are judged by, with their definitions, numerators and
//! denominators ([`indicators`]), and a collection year's headline figures, which the synthetic
//! council is calibrated to ([`figures`]). Scrutiny reports, benchmarks and the demand forecast
//! are not built yet.
//!
//! Pure: computed from folded records ([`careful_domain::record::ChildRecord`]), one child at a
//! time, so a council of any size can be measured in one pass.

#![forbid(unsafe_code)]

pub mod figures;
pub mod indicators;
pub mod scrutiny;

pub use figures::{Figure, YearFigures};
pub use indicators::{Breakdown, Indicator, Indicators, Period, Polarity, Unit};
pub use scrutiny::{Published, Scrutiny, ScrutinyReport};
