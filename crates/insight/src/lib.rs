//! Insight: the indicators councils are judged by, with their definitions, numerators and
//! denominators ([`indicators`]); a collection year's headline figures, which the synthetic
//! council is calibrated to ([`figures`]); and benchmarks against published figures
//! ([`benchmarks`]): England's figures shipped with their sources, a reader for DfE's
//! local-authority tables in the explore-education-statistics layout, and the council beside
//! England, its region and its statistical neighbours, with its rank and quartile. Scrutiny
//! reports and the demand forecast are not built yet.
//!
//! Pure: computed from folded records ([`careful_domain::record::ChildRecord`]), one child at a
//! time, so a council of any size can be measured in one pass; published figures are read from
//! bytes.

#![forbid(unsafe_code)]

pub mod benchmarks;
pub mod figures;
pub mod indicators;
pub mod scrutiny;

pub use figures::{Figure, YearFigures};
pub use indicators::{Breakdown, Indicator, Indicators, Period, Polarity, Unit};
pub use scrutiny::{Published, Scrutiny, ScrutinyReport};
