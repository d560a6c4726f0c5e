//! Insight: indicators (rates per 10,000 children, conversions, stocks at 31 March, placement,
//! legal status and age mixes), and later scrutiny reports, benchmarks and the demand
//! forecast.
//!
//! Pure: computed from folded records ([`careful_domain::record::ChildRecord`]), one child at a
//! time, so a council of any size can be measured in one pass.

#![forbid(unsafe_code)]

pub mod figures;
pub mod indicators;

pub use figures::{Figure, YearFigures};
pub use indicators::{Indicator, Indicators, Period, Polarity, Unit};
