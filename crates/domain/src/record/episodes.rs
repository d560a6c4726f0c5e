//! The SSDA903 episodes of care, derived from the record.
//!
//! An episode is a stretch of a period of care during which the child's legal status and
//! placement stay the same. DfE's definitions, applied here:
//!
//! - a period of care starts an episode with reason `S`;
//! - a later change starts a new episode, with the reason read from what changed: legal status
//!   only `L`; placement and carer `P`; placement with the same carer `T`; legal status and
//!   placement with the same carer `U`; legal status, placement and carer `B`;
//! - the episode it replaces ends that day with reason `X1` and, if the placement changed, the
//!   reason the placement ended (`REASON_PLACE_CHANGE`), except after a temporary placement
//!   (T0 to T4), for which the 903 records none;
//! - only the position at the end of a day counts: several changes on one day make one new
//!   episode, and changes that cancel out make none;
//! - the last episode of a period ends when care ends, with the reason care ended;
//! - a period of care that starts on the day the previous one ended continues it (DfE: a new
//!   `S` episode cannot start the day the previous episode ended).
//!
//! Nobody types `RNE` or `REC`.

use chrono::NaiveDate;

use crate::codes::{LegalStatus, Need, PreviousPermanence, ReasonEpisodeCeased, ReasonNewEpisode, ReasonPlaceChange};
use crate::identifiers::Postcode;

use super::fold::{CarePeriod, CareState, ChildRecord};
use super::types::Placement;

/// One 903 episode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Episode {
    /// `DECOM`
    pub start: NaiveDate,
    /// `RNE`
    pub reason_new: ReasonNewEpisode,
    /// `LS`
    pub legal_status: LegalStatus,
    /// `CIN`
    pub category_of_need: Need,
    /// `PLACE`, `PLACE_PROVIDER`, `PL_POST`, `URN`
    pub placement: Placement,
    /// `HOME_POST`
    pub home_postcode: Option<Postcode>,
    /// `DEC`
    pub end: Option<NaiveDate>,
    /// `REC`
    pub reason_ceased: Option<ReasonEpisodeCeased>,
    /// `REASON_PLACE_CHANGE`: why this episode's placement ended, when it ended with a move.
    pub reason_place_change: Option<ReasonPlaceChange>,
    /// Previous permanence, from the period of care this episode belongs to.
    pub previous_permanence: Option<PreviousPermanence>,
    /// The first day of the period of care this episode belongs to.
    pub period_start: NaiveDate,
}

impl Episode {
    /// Whether the episode overlaps the days `from ..= to`.
    pub fn overlaps(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.start <= to && self.end.is_none_or(|end| end >= from)
    }
}

/// Periods of care joined where one starts the day the previous ended.
fn continuous_periods(periods: &[CarePeriod]) -> Vec<Vec<&CarePeriod>> {
    let mut runs: Vec<Vec<&CarePeriod>> = Vec::new();
    for period in periods {
        match runs.last_mut() {
            Some(run) if run.last().and_then(|p| p.end()) == Some(period.started) => run.push(period),
            _ => runs.push(vec![period]),
        }
    }
    runs
}

/// The state at the end of each day on which anything changed, in order, each carrying the
/// reason for the last placement move of its day.
fn end_of_day_states(run: &[&CarePeriod]) -> Vec<CareState> {
    let mut states: Vec<CareState> = Vec::new();
    for state in run.iter().flat_map(|p| &p.states) {
        match states.last_mut() {
            Some(last) if last.date == state.date => {
                let reason = state.reason_place_change.or(last.reason_place_change);
                *last = CareState { reason_place_change: reason, ..state.clone() };
            }
            _ => states.push(state.clone()),
        }
    }
    states
}

/// What moved between two consecutive episodes, or `None` if nothing did.
fn reason_for(previous: &Episode, state: &CareState) -> Option<ReasonNewEpisode> {
    let legal_status = previous.legal_status != state.legal_status;
    let placement = previous.placement != state.placement;
    let same_carer = previous.placement.carer == state.placement.carer;
    match (legal_status, placement, same_carer) {
        (false, false, _) => None,
        (true, false, _) => Some(ReasonNewEpisode::LegalStatusChange),
        (false, true, true) => Some(ReasonNewEpisode::PlacementChangeSameCarer),
        (false, true, false) => Some(ReasonNewEpisode::PlacementAndCarerChange),
        (true, true, true) => Some(ReasonNewEpisode::LegalStatusAndPlacementSameCarer),
        (true, true, false) => Some(ReasonNewEpisode::LegalStatusPlacementAndCarer),
    }
}

/// Every 903 episode in the child's record, oldest first.
pub fn episodes(record: &ChildRecord) -> Vec<Episode> {
    let mut out = Vec::new();
    for run in continuous_periods(&record.care_periods) {
        let first = run[0];
        let states = end_of_day_states(&run);
        let mut current: Option<Episode> = None;
        for state in states {
            match current.take() {
                None => {
                    current = Some(Episode {
                        start: state.date,
                        // A period of care that began before the record: as the record says.
                        reason_new: first.continued.map_or(ReasonNewEpisode::Started, |c| c.reason_new),
                        legal_status: state.legal_status,
                        category_of_need: first.category_of_need,
                        placement: state.placement.clone(),
                        home_postcode: first.home_postcode.clone(),
                        end: None,
                        reason_ceased: None,
                        reason_place_change: None,
                        previous_permanence: first.previous_permanence,
                        period_start: first.looked_after_since(),
                    });
                }
                Some(mut previous) => match reason_for(&previous, &state) {
                    None => current = Some(previous),
                    Some(reason_new) => {
                        previous.end = Some(state.date);
                        previous.reason_ceased = Some(ReasonEpisodeCeased::NewEpisodeSameDay);
                        if previous.placement != state.placement && !previous.placement.placement_type.is_temporary() {
                            previous.reason_place_change = state.reason_place_change;
                        }
                        let next = Episode {
                            start: state.date,
                            reason_new,
                            legal_status: state.legal_status,
                            placement: state.placement.clone(),
                            end: None,
                            reason_ceased: None,
                            reason_place_change: None,
                            ..previous.clone()
                        };
                        out.push(previous);
                        current = Some(next);
                    }
                },
            }
        }
        if let Some(mut last) = current {
            if let Some((end, reason)) = run.last().and_then(|p| p.ended) {
                last.end = Some(end);
                last.reason_ceased = Some(reason);
            }
            out.push(last);
        }
    }
    out
}

impl ChildRecord {
    /// The 903 episodes of this child's record, oldest first.
    pub fn episodes(&self) -> Vec<Episode> {
        episodes(self)
    }
}
