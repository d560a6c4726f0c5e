//! Insight: the indicators councils are judged by, with their definitions, numerators and
//! denominators ([`indicators`]); a collection year's headline figures, which the synthetic
//! council is calibrated to ([`figures`]); each team's and worker's part of the indicators
//! ([`Breakdown`]); the scrutiny report, with small counts suppressed ([`scrutiny`]); benchmarks
//! against published figures ([`benchmarks`]): England's figures shipped with their sources, a
//! reader for DfE's local-authority tables in the explore-education-statistics layout, and the
//! council beside England, its region and its statistical neighbours, with its rank and
//! quartile; and the demand and cost forecast for children looked after, a Markov
//! stock-and-flow model by age band and placement type with scenarios, costs, a 95% interval
//! that includes the uncertainty in its rates, and a back-test ([`forecast`]).
//!
//! Pure: computed from folded records ([`careful_domain::record::ChildRecord`]), one child at a
//! time, so a council of any size can be measured in one pass; published figures are read from
//! bytes, and the forecast also from SSDA903 episodes (the caller reads the files).

#![forbid(unsafe_code)]

pub mod benchmarks;
pub mod figures;
pub mod forecast;
pub mod indicators;
pub mod scrutiny;

pub use figures::{Figure, YearFigures};
pub use indicators::{Breakdown, Indicator, Indicators, Period, Polarity, Unit};
pub use scrutiny::{Published, Scrutiny, ScrutinyReport};
