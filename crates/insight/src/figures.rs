//! A collection year's headline figures, as DfE publishes them: flows during the year (1 April
//! to 31 March) and stocks at 31 March.
//!
//! Definitions, following DfE's statistical releases:
//! - a referral is a child in need episode starting in the year; it is a re-referral when the
//!   child had another referral in the 12 months before it;
//! - assessments are counted when authorised (completed), section 47 enquiries when started,
//!   initial conferences when held, plans when started;
//! - a stock counts the children whose plan, episode or period of care was open at the end of
//!   31 March;
//! - starts count periods of care beginning in the year; adoptions, periods ending in the year
//!   with reason E11 or E12.

use chrono::NaiveDate;

use careful_domain::CollectionYear;
use careful_domain::calendar::age_on;
use careful_domain::record::ChildRecord;

/// Counts for one collection year, gathered child by child.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct YearFigures {
    pub referrals: u64,
    pub re_referrals: u64,
    pub assessments: u64,
    pub section_47s: u64,
    pub initial_conferences: u64,
    pub plans_started: u64,
    pub plans_at_31_march: u64,
    pub children_in_need_at_31_march: u64,
    pub looked_after_at_31_march: u64,
    pub starts: u64,
    pub uasc_starts: u64,
    pub adoptions: u64,
    pub foster_at_31_march: u64,
    pub residential_at_31_march: u64,
    pub with_parents_at_31_march: u64,
    pub care_order_at_31_march: u64,
    pub section_20_at_31_march: u64,
    /// Under 1, 1 to 4, 5 to 9, 10 to 15, 16 and over.
    pub starts_by_age: [u64; 5],
    pub looked_after_by_age: [u64; 5],
}

fn band(age: u32) -> usize {
    match age {
        0 => 0,
        1..=4 => 1,
        5..=9 => 2,
        10..=15 => 3,
        _ => 4,
    }
}

impl YearFigures {
    /// Adds one child's record to the year's figures.
    pub fn add(&mut self, year: CollectionYear, record: &ChildRecord) {
        let in_year = |d: NaiveDate| year.contains(d);
        let march = year.last_day();
        let open_at = |start: NaiveDate, end: Option<NaiveDate>| start <= march && end.is_none_or(|e| e > march);
        let age = |d: NaiveDate| record.date_of_birth().and_then(|dob| age_on(dob, d).ok()).unwrap_or(0);

        let referrals: Vec<NaiveDate> = record.cin_episodes.iter().map(|e| e.referral_date).collect();
        for (i, r) in referrals.iter().enumerate() {
            if in_year(*r) {
                self.referrals += 1;
                if crate::indicators::is_re_referral(*r, referrals[..i].iter().copied()) {
                    self.re_referrals += 1;
                }
            }
        }
        for episode in &record.cin_episodes {
            self.assessments += episode.assessments.iter().filter(|a| a.authorised.is_some_and(in_year)).count() as u64;
            self.section_47s += episode.section_47s.iter().filter(|s| in_year(s.started)).count() as u64;
            self.initial_conferences +=
                episode.section_47s.iter().filter(|s| s.initial_conference.is_some_and(|(d, _)| in_year(d))).count()
                    as u64;
            self.plans_started += episode.cp_plans.iter().filter(|p| in_year(p.span.start)).count() as u64;
        }
        if record.cin_episodes.iter().flat_map(|e| &e.cp_plans).any(|p| open_at(p.span.start, p.span.end)) {
            self.plans_at_31_march += 1;
        }
        if record.cin_episodes.iter().any(|e| open_at(e.referral_date, e.end())) {
            self.children_in_need_at_31_march += 1;
        }
        for period in &record.care_periods {
            if in_year(period.started) {
                self.starts += 1;
                self.starts_by_age[band(age(period.started))] += 1;
                if record.uasc.iter().any(|s| s.covers(period.started)) {
                    self.uasc_starts += 1;
                }
            }
            if let Some((end, reason)) = period.ended
                && in_year(end)
                && reason.is_adoption()
            {
                self.adoptions += 1;
            }
            if open_at(period.started, period.end())
                && let Some(state) = period.state_on(march)
            {
                self.looked_after_at_31_march += 1;
                self.looked_after_by_age[band(age(march))] += 1;
                let kind = state.placement.placement_type;
                use careful_domain::codes::PlacementType::*;
                if kind.is_foster() {
                    self.foster_at_31_march += 1;
                } else if matches!(
                    kind,
                    ChildrensHome
                        | SecureChildrensHome
                        | SupportedAccommodation
                        | SemiIndependentLiving
                        | ResidentialCareHome
                ) {
                    self.residential_at_31_march += 1;
                } else if kind == WithParents {
                    self.with_parents_at_31_march += 1;
                }
                if state.legal_status.is_care_order() {
                    self.care_order_at_31_march += 1;
                } else if state.legal_status.is_section_20() {
                    self.section_20_at_31_march += 1;
                }
            }
        }
    }

    /// The figures as rates and percentages, each named as the generator's targets are.
    pub fn figures(&self, population: u64) -> Vec<Figure> {
        let per_10k = |n: u64| n as f64 * 10_000.0 / population.max(1) as f64;
        let pct = |n: u64, of: u64| if of == 0 { 0.0 } else { n as f64 * 100.0 / of as f64 };
        let mut out = vec![
            Figure::new("referrals per 10,000", per_10k(self.referrals)),
            Figure::new("re-referrals within 12 months (%)", pct(self.re_referrals, self.referrals)),
            Figure::new("assessments completed per 10,000", per_10k(self.assessments)),
            Figure::new("section 47 enquiries per 10,000", per_10k(self.section_47s)),
            Figure::new("initial conferences per 10,000", per_10k(self.initial_conferences)),
            Figure::new("initial conferences per section 47 (%)", pct(self.initial_conferences, self.section_47s)),
            Figure::new("plans per initial conference (%)", pct(self.plans_started, self.initial_conferences)),
            Figure::new("child protection plans at 31 March per 10,000", per_10k(self.plans_at_31_march)),
            Figure::new("children in need at 31 March per 10,000", per_10k(self.children_in_need_at_31_march)),
            Figure::new("children looked after at 31 March per 10,000", per_10k(self.looked_after_at_31_march)),
            Figure::new("children starting to be looked after per 10,000", per_10k(self.starts)),
            Figure::new("UASC among starts (%)", pct(self.uasc_starts, self.starts)),
            Figure::new("adoptions per 10,000", per_10k(self.adoptions)),
            Figure::new("in foster care at 31 March (%)", pct(self.foster_at_31_march, self.looked_after_at_31_march)),
            Figure::new(
                "in children's homes or supported settings at 31 March (%)",
                pct(self.residential_at_31_march, self.looked_after_at_31_march),
            ),
            Figure::new(
                "placed with parents at 31 March (%)",
                pct(self.with_parents_at_31_march, self.looked_after_at_31_march),
            ),
            Figure::new(
                "on care orders at 31 March (%)",
                pct(self.care_order_at_31_march, self.looked_after_at_31_march),
            ),
            Figure::new(
                "accommodated under section 20 at 31 March (%)",
                pct(self.section_20_at_31_march, self.looked_after_at_31_march),
            ),
        ];
        let names_start = [
            "starting aged under 1 (%)",
            "starting aged 1 to 4 (%)",
            "starting aged 5 to 9 (%)",
            "starting aged 10 to 15 (%)",
            "starting aged 16 and over (%)",
        ];
        for (name, n) in names_start.iter().zip(self.starts_by_age) {
            out.push(Figure::new(name, pct(n, self.starts)));
        }
        let names_stock = [
            "looked after aged under 1 (%)",
            "looked after aged 1 to 4 (%)",
            "looked after aged 5 to 9 (%)",
            "looked after aged 10 to 15 (%)",
            "looked after aged 16 and over (%)",
        ];
        for (name, n) in names_stock.iter().zip(self.looked_after_by_age) {
            out.push(Figure::new(name, pct(n, self.looked_after_at_31_march)));
        }
        out
    }
}

/// A named figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub name: &'static str,
    pub value: f64,
}

impl Figure {
    fn new(name: &'static str, value: f64) -> Figure {
        Figure { name, value }
    }
}
