//! The numbers the synthetic council is calibrated to, and the modelling choices that turn them
//! into individual children's journeys.
//!
//! Targets are England's published figures (`shared/reference/analytics.md` §3), per 10,000
//! children aged 0 to 17 a year unless stated. The journey probabilities below are derived from
//! them by hand, then checked by running the generator (`careful generate` prints what it
//! produced against each target).

/// A published figure the generator aims at, and where it comes from.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    pub value: f64,
    pub source: &'static str,
}

/// Referrals a year per 10,000 children: 640,430 in 2023 and 632,830 in 2025 over about 12.0
/// million children (analytics.md §3.3; §3.7 rounds to 530).
pub const REFERRALS: Target = Target { name: "referrals per 10,000", value: 530.0, source: "§3.3, §3.7" };
/// Share of referrals within 12 months of a previous referral: 22.4% (2023), 22.6% (2025).
pub const RE_REFERRALS: Target = Target { name: "re-referrals within 12 months (%)", value: 22.0, source: "§3.3" };
/// Assessments completed: 648,830 in 2025, 655,540 in 2023.
pub const ASSESSMENTS: Target = Target { name: "assessments completed per 10,000", value: 540.0, source: "§3.3" };
/// Section 47 enquiries: 230,590 in 2025 (190 per 10,000 in §3.7).
pub const SECTION_47S: Target =
    Target { name: "section 47 enquiries per 10,000", value: 190.0, source: "§3.3, §3.7" };
/// Initial child protection conferences: 72,100 in 2025.
pub const ICPCS: Target = Target { name: "initial conferences per 10,000", value: 60.0, source: "§3.3" };
/// Child protection plans at 31 March: 51,510 in 2020 (42.8 per 10,000).
pub const CP_PLANS_AT_31_MARCH: Target =
    Target { name: "child protection plans at 31 March per 10,000", value: 43.0, source: "§3.3" };
/// Children in need at 31 March: 332.9 per 10,000 in 2024.
pub const CIN_AT_31_MARCH: Target =
    Target { name: "children in need at 31 March per 10,000", value: 333.0, source: "§3.3" };
/// Children looked after at 31 March: 70 per 10,000 (2024: 83,630).
pub const CLA_AT_31_MARCH: Target =
    Target { name: "children looked after at 31 March per 10,000", value: 70.0, source: "§3.2" };
/// Children starting to be looked after: 33,000 in 2023 over 12.0 million (§3.7: 28).
pub const CLA_STARTS: Target =
    Target { name: "children starting to be looked after per 10,000", value: 27.5, source: "§3.2, §3.7" };
/// Adoptions: 3,040 in 2025.
pub const ADOPTIONS: Target = Target { name: "adoptions per 10,000", value: 2.5, source: "§3.2" };
/// Conversion: initial conferences as a share of section 47 enquiries (72,100 / 230,590).
pub const ICPC_PER_S47: Target =
    Target { name: "initial conferences per section 47 (%)", value: 31.3, source: "§3.3" };
/// Conversion: plans started per initial conference (§3.7: 85 to 90%).
pub const CPP_PER_ICPC: Target = Target { name: "plans per initial conference (%)", value: 87.0, source: "§3.7" };
/// Placement mix at 31 March: foster care 68% (2023), 71% (2022).
pub const FOSTER_SHARE: Target = Target { name: "in foster care at 31 March (%)", value: 69.0, source: "§3.2" };
/// Placed with parents: 7% (2022).
pub const WITH_PARENTS_SHARE: Target =
    Target { name: "placed with parents at 31 March (%)", value: 7.0, source: "§3.2" };
/// Secure or open children's homes and semi-independent or supported settings: 17% (2023).
pub const RESIDENTIAL_SHARE: Target =
    Target { name: "in children's homes or supported settings at 31 March (%)", value: 17.0, source: "§3.2" };
/// Legal status at 31 March: care orders 76% (2023).
pub const CARE_ORDER_SHARE: Target = Target { name: "on care orders at 31 March (%)", value: 76.0, source: "§3.2" };
/// Section 20: 19% (2023).
pub const SECTION_20_SHARE: Target =
    Target { name: "accommodated under section 20 at 31 March (%)", value: 19.0, source: "§3.2" };
/// Age at 31 March (2018, "relatively stable"): under 1 6%, 1 to 4 13%, 5 to 9 19%, 10 to 15
/// 39%, 16 and over 23%.
pub const AGE_AT_31_MARCH: [Target; 5] = [
    Target { name: "looked after aged under 1 (%)", value: 6.0, source: "§3.2" },
    Target { name: "looked after aged 1 to 4 (%)", value: 13.0, source: "§3.2" },
    Target { name: "looked after aged 5 to 9 (%)", value: 19.0, source: "§3.2" },
    Target { name: "looked after aged 10 to 15 (%)", value: 39.0, source: "§3.2" },
    Target { name: "looked after aged 16 and over (%)", value: 23.0, source: "§3.2" },
];
/// Age on starting to be looked after (2023): under 1 17%, 1 to 4 15%, 5 to 9 14%, 10 to 15
/// 27%, 16 and over 27%.
pub const AGE_AT_START: [Target; 5] = [
    Target { name: "starting aged under 1 (%)", value: 17.0, source: "§3.2" },
    Target { name: "starting aged 1 to 4 (%)", value: 15.0, source: "§3.2" },
    Target { name: "starting aged 5 to 9 (%)", value: 14.0, source: "§3.2" },
    Target { name: "starting aged 10 to 15 (%)", value: 27.0, source: "§3.2" },
    Target { name: "starting aged 16 and over (%)", value: 27.0, source: "§3.2" },
];
/// Unaccompanied asylum-seeking children: 21% of starts (7,090 of 33,000, 2023).
pub const UASC_SHARE_OF_STARTS: Target = Target { name: "UASC among starts (%)", value: 21.0, source: "§3.2" };
/// Caseload: 16.0 cases per case-holding social worker (30 September 2023).
pub const CASELOAD: f64 = 16.0;
/// Social worker turnover 15.9% a year; agency workers 17.8% of FTE.
pub const TURNOVER: f64 = 0.159;
pub const AGENCY_SHARE: f64 = 0.178;

/// Every target `careful generate` reports against.
pub fn targets() -> Vec<Target> {
    let mut all = vec![
        REFERRALS,
        RE_REFERRALS,
        ASSESSMENTS,
        SECTION_47S,
        ICPCS,
        ICPC_PER_S47,
        CPP_PER_ICPC,
        CP_PLANS_AT_31_MARCH,
        CIN_AT_31_MARCH,
        CLA_AT_31_MARCH,
        CLA_STARTS,
        UASC_SHARE_OF_STARTS,
        ADOPTIONS,
        FOSTER_SHARE,
        RESIDENTIAL_SHARE,
        WITH_PARENTS_SHARE,
        CARE_ORDER_SHARE,
        SECTION_20_SHARE,
    ];
    all.extend(AGE_AT_START);
    all.extend(AGE_AT_31_MARCH);
    all
}

// ------------------------------------------------------------------ the journey model

/// Age bands used throughout: under 1, 1 to 4, 5 to 9, 10 to 15, 16 and 17.
pub const AGE_BANDS: [(u32, u32); 5] = [(0, 0), (1, 4), (5, 9), (10, 15), (16, 17)];

/// The age band of an age in years.
pub fn age_band(age: u32) -> usize {
    AGE_BANDS.iter().position(|(lo, hi)| age >= *lo && age <= *hi).unwrap_or(4)
}

/// Share of a year's referrals by the child's age band at referral (unborn children count as
/// under 1). Chosen with the care-entry probabilities below to give DfE's ages at entry.
pub const REFERRAL_AGE: [f64; 5] = [0.12, 0.19, 0.24, 0.34, 0.11];
/// Share of under-1 referrals made before birth.
pub const PRE_BIRTH_SHARE_OF_UNDER_1: f64 = 0.65;

/// Chance that a referral (not of an unaccompanied child) leads to the child being looked
/// after, by age band. Derived: England's non-UASC starts by age (starts by age, less UASC
/// starts, 87% of which are 16 or 17) divided by referrals in that band.
pub const CARE_PER_REFERRAL: [f64; 5] = [0.03, 0.042, 0.029, 0.038, 0.04];
/// Chance that a referral before birth leads to care (at birth): most babies who come into
/// care do so in their first days.
pub const CARE_PER_PRE_BIRTH_REFERRAL: f64 = 0.145;

/// How a care-bound referral reaches care: through a child protection plan, straight after a
/// section 47 enquiry (emergency protection), or at the end of an assessment (section 20).
pub const CARE_ROUTE: [f64; 3] = [0.42, 0.40, 0.18];

/// Referral closed with no further action before assessment (about 7%, §3.7).
pub const NFA_AT_REFERRAL: f64 = 0.07;
/// Among assessed referrals not bound for care: share with a strategy discussion and
/// section 47 enquiry (190 of 530 referrals, less care-bound ones).
pub const S47_PER_ASSESSMENT: f64 = 0.36;
/// Section 47 outcomes (not care-bound): initial conference, child in need plan, no further
/// action.
pub const S47_OUTCOME: [f64; 3] = [0.29, 0.36, 0.35];
/// Initial conferences that make a plan.
pub const PLAN_PER_ICPC: f64 = 0.87;
/// Assessments (no section 47, not care-bound) that find the child in need.
pub const IN_NEED_PER_ASSESSMENT: f64 = 0.42;
/// How child protection plans end (not care-bound): step down to child in need, close.
pub const CP_STEP_DOWN: f64 = 0.75;
/// After a case closes, the chance of another referral (before 18), and the mean gap in days.
pub const RE_REFERRAL_CHANCE: f64 = 0.37;
pub const RE_REFERRAL_MEAN_GAP_DAYS: f64 = 130.0;

/// New children referred a year per 10,000 (referrals less re-referrals of children already
/// known; tuned so that all referrals come to `REFERRALS`).
pub const FIRST_REFERRALS: f64 = 355.0;

/// Unaccompanied asylum-seeking children starting to be looked after, per 10,000 a year (21%
/// of 27.5).
pub const UASC_STARTS: f64 = 5.6;

/// How a period of care ends, by age band at entry: adoption, special guardianship, home,
/// adulthood (18), other.
pub const CARE_EXIT: [[f64; 5]; 5] = [
    [0.36, 0.20, 0.25, 0.12, 0.07],
    [0.18, 0.20, 0.38, 0.19, 0.05],
    [0.03, 0.13, 0.36, 0.42, 0.06],
    [0.00, 0.05, 0.56, 0.27, 0.12],
    [0.00, 0.00, 0.73, 0.22, 0.05],
];

/// Placement moves a year while looked after, by age band (about 10% of children have three
/// or more placements in a year, §3.2).
pub const MOVES_PER_YEAR: [f64; 5] = [0.30, 0.30, 0.35, 0.55, 0.55];

/// Looked-after teenagers (11 and over) who go missing at all, and episodes a year for them.
pub const MISSING_PRONE: f64 = 0.25;
pub const MISSING_PER_YEAR: f64 = 2.0;

/// Contacts that are not accepted as referrals, per referral.
pub const CONTACTS_NOT_REFERRED: f64 = 0.6;

/// Complaints a looked-after child makes a year (about 1 in 12 children a year).
pub const COMPLAINTS_PER_YEAR: f64 = 0.08;
