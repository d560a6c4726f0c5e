//! The rule set of each collection year, as lists: what a year keeps from the year before, what
//! it adds, what it replaces with a new version, and what it removes.
//!
//! DfE publishes the rules year by year: a year keeps the previous year's rules, adds new codes,
//! replaces the text of some (a new version of the same code) and withdraws others. careful
//! writes each supported year down in exactly those terms in [`YEARS`]; the first supported
//! year, 2025-26, lists what it keeps from 2024-25 in [`KEPT_FROM_2024_25`]. A year's rule set
//! is then the previous one, minus what it removes and replaces, plus the new versions and the
//! additions.
//!
//! The tests check each year's rule set against DfE's catalogue for that year
//! (`data/dfe-ssda903-rules-*.csv`) code by code and version by version, with the rules not yet
//! implemented listed, in one place, in `pending.rs`.
//!
//! To add a rule: write its `static` and check function in the file for its code range under
//! `rules/`, then list it here in the year it belongs to (kept, added or replaced).

use std::sync::OnceLock;

use careful_domain::calendar::CollectionYear;

use super::meta::UnsupportedYear;
use super::rule::Rule;
use super::rules::{int, ofsted, r100, r200, r300, r400, r500, r600, r700, r1000, sw};

/// The collection years careful has a rule set for, by the calendar year each starts in:
/// 2025-26 and 2026-27.
pub const SUPPORTED_YEARS: &[i32] = &[2025, 2026];

/// How one collection year's rule set differs from the year before.
#[derive(Debug)]
pub struct YearRules {
    /// The calendar year the collection year starts in (2025 for 2025-26).
    pub start_year: i32,
    /// What the year keeps from the year before.
    pub kept: Kept,
    /// Codes new this year.
    pub added: &'static [&'static Rule],
    /// New versions of codes the year before had.
    pub replaced: &'static [&'static Rule],
    /// Codes withdrawn this year.
    pub removed: &'static [&'static str],
}

/// What a year keeps from the year before.
#[derive(Debug)]
pub enum Kept {
    /// These rules (for the first year careful supports, whose previous year careful does not
    /// implement).
    Listed(&'static [&'static Rule]),
    /// Every rule of the previous year's set, except those it replaces or removes.
    PreviousYear,
}

/// Each supported year's changes, oldest first.
pub static YEARS: &[YearRules] = &[
    YearRules {
        start_year: 2025,
        kept: Kept::Listed(KEPT_FROM_2024_25),
        added: &[
            &r200::R233,
            &r200::R234,
            &r300::R348,
            &r400::R444,
            &r400::R454,
            &sw::SW17STG2,
            // DfE's rules since the shared reference (data/ssda903-rules-changes.csv).
            &ofsted::R241,
            &r200::R242,
            &r200::R243,
            &sw::SW10ASTG2,
            &sw::SW10BSTG2,
            &sw::SW18STG2,
            &sw::SW19STG2,
        ],
        replaced: &[
            &r100::R146,
            &r100::R178,
            &r200::R213,
            &r200::R218,
            &r200::R222,
            &r200::R226,
            &r300::R383,
            &r500::R503D,
            &r500::R526,
            &ofsted::R229,
            &r1000::R1015,
            &sw::SW04STG1,
            &sw::SW05STG1,
        ],
        removed: &[],
    },
    YearRules {
        start_year: 2026,
        kept: Kept::PreviousYear,
        added: &[
            &r700::R700,
            &r700::R701,
            &r700::R702,
            &r700::R703,
            &r700::R704,
            &r700::R705,
            &r700::R706,
            &r700::R707,
            &r700::R708,
            &r700::R709,
            &r700::R710,
        ],
        replaced: &[],
        removed: &[],
    },
];

/// The rules of 2024-25 that DfE keeps, unchanged, in 2025-26: those first written for 2022-23,
/// 2023-24 or 2024-25 and neither replaced nor withdrawn since. (2024-25 itself withdrew 217t,
/// 230, 370, 445, 451, 555, 556, SW01STG1, SW03STG1, SW11aSTG2 and SW14STG2; 2025-26 withdraws
/// SW01aSTG1 and SW01bSTG1, and gives 229, 1015, SW04STG1 and SW05STG1 new versions.)
static KEPT_FROM_2024_25: &[&Rule] = &[
    &r100::R101,
    &r100::R102,
    &r100::R103,
    &r100::R104,
    &r100::R105,
    &r100::R112,
    &r100::R113,
    &r100::R114,
    &r100::R115,
    &r100::R116,
    &r100::R117,
    &r100::R118,
    &r100::R119,
    &r100::R120,
    &r100::R131,
    &r100::R132,
    &r100::R133,
    &r100::R134,
    &r100::R141,
    &r100::R142,
    &r100::R143,
    &r100::R144,
    &r100::R145,
    &r100::R147,
    &r100::R148,
    &r100::R149,
    &r100::R151,
    &r100::R153,
    &r100::R157,
    &r100::R158,
    &r100::R159,
    &r100::R164,
    &r100::R165,
    &r100::R166,
    &r100::R167,
    &r100::R168,
    &r100::R169,
    &r100::R171,
    &r100::R174,
    &r100::R175,
    &r100::R176,
    &r100::R177,
    &r100::R179,
    &r100::R180,
    &r100::R181,
    &r100::R182,
    &r100::R184,
    &r100::R185,
    &r100::R186,
    &r100::R187,
    &r100::R188,
    &r100::R189,
    &r100::R190,
    &r100::R191,
    &r100::R192,
    &r100::R193,
    &r100::R196,
    &r100::R197B,
    &r100::R197A,
    &r100::R198,
    &r100::R199,
    &r200::R202,
    &r200::R203,
    &r200::R204,
    &r200::R205A,
    &r200::R205B,
    &r200::R205C,
    &r200::R205D,
    &r200::R207,
    &r200::R208,
    &r200::R209,
    &r200::R210,
    &r200::R214,
    &r200::R215,
    &r200::R217,
    &ofsted::R219,
    &ofsted::R221,
    &ofsted::R224,
    &r200::R225,
    &ofsted::R227,
    &ofsted::R228,
    &r200::R231,
    &r200::R232,
    &r300::R301,
    &r300::R302,
    &r300::R303,
    &r300::R304,
    &r300::R331,
    &r300::R333,
    &r300::R334,
    &r300::R335,
    &r300::R336,
    &r300::R344,
    &r300::R345,
    &r300::R347,
    &r300::R351,
    &r300::R352,
    &r300::R353,
    &r300::R354,
    &r300::R355,
    &r300::R356,
    &r300::R357,
    &r300::R358,
    &r300::R359,
    &r300::R361,
    &r300::R362,
    &r300::R363,
    &r300::R364,
    &r300::R365,
    &r300::R366,
    &r300::R367,
    &r300::R371,
    &r300::R372,
    &r300::R373,
    &r300::R374,
    &r300::R375,
    &r300::R376,
    &r300::R377,
    &r300::R378,
    &r300::R379,
    &r300::R380,
    &r300::R381,
    &r300::R382,
    &r300::R384,
    &r300::R385,
    &r300::R386,
    &r300::R387,
    &r300::R388,
    &r300::R389,
    &r300::R390,
    &r300::R391,
    &r300::R392A,
    &r300::R392B,
    &r300::R392C,
    &r300::R392D,
    &r300::R393,
    &r300::R398,
    &r300::R399,
    &r400::R406,
    &r400::R407,
    &r400::R408,
    &r400::R411,
    &r400::R420,
    &r400::R426,
    &r400::R431,
    &r400::R432,
    &r400::R433,
    &r400::R434,
    &r400::R435,
    &r400::R436,
    &r400::R437,
    &r400::R440,
    &r400::R441,
    &r400::R442,
    &r400::R446,
    &r400::R452,
    &r400::R453,
    &r400::R460,
    &r500::R501,
    &r500::R502,
    &r500::R503A,
    &r500::R503B,
    &r500::R503C,
    &r500::R503E,
    &r500::R503F,
    &r500::R503G,
    &r500::R503H,
    &r500::R503J,
    &r500::R504,
    &r500::R511,
    &r500::R514,
    &r500::R516,
    &r500::R517,
    &r500::R518,
    &r500::R519,
    &r500::R520,
    &r500::R521,
    &r500::R522,
    &r500::R523,
    &r500::R524,
    &r500::R525,
    &r500::R527,
    &r500::R528,
    &r500::R529,
    &r500::R530,
    &r500::R531,
    &r500::R542,
    &r500::R543,
    &r500::R544,
    &r500::R545,
    &r500::R546,
    &r500::R547,
    &r500::R550,
    &r500::R551,
    &r500::R552,
    &r500::R553,
    &r500::R554,
    &r500::R557,
    &r500::R558,
    &r500::R559,
    &r500::R560,
    &r500::R561,
    &r500::R562,
    &r500::R563,
    &r500::R564,
    &r500::R565,
    &r500::R566,
    &r500::R567,
    &r500::R570,
    &r500::R571,
    &r500::R574,
    &r500::R575,
    &r500::R576,
    &r500::R577,
    &r500::R578,
    &r500::R579,
    &r500::R580,
    &r500::R581,
    &r500::R582,
    &r500::R583,
    &r500::R584,
    &r500::R586,
    &r600::R601,
    &r600::R602,
    &r600::R607,
    &r600::R611,
    &r600::R612,
    &r600::R620,
    &r600::R621,
    &r600::R624,
    &r600::R625,
    &r600::R626,
    &r600::R628,
    &r600::R630,
    &r600::R631,
    &r600::R632,
    &r600::R633,
    &r600::R634,
    &r600::R635,
    &r1000::R1000,
    &r1000::R1001,
    &r1000::R1002,
    &r1000::R1003,
    &r1000::R1004,
    &r1000::R1005,
    &r1000::R1006,
    &r1000::R1007,
    &ofsted::R1008,
    &r1000::R1009,
    &r1000::R1010,
    &r1000::R1011,
    &r1000::R1012,
    &r1000::R1014,
    &r1000::R1016,
    &r300::R3001,
    &int::EPI,
    &int::INT01,
    &int::INT02,
    &int::INT03,
    &int::INT04,
    &int::INT05,
    &int::INT06,
    &int::INT07,
    &int::INT08,
    &int::INT09,
    &int::INT11,
    &int::INT12,
    &int::INT13,
    &int::INT14,
    &int::INT15,
    &int::INT16,
    &int::INT17,
    &int::INT18,
    &int::INT21,
    &int::INT31,
    &int::INT32,
    &int::INT33,
    &int::INT34,
    &int::INT35,
    &int::INT36,
    &sw::NOE,
    &sw::SW02STG1,
    &sw::SW06STG2,
    &sw::SW07STG2,
    &sw::SW08STG2,
    &sw::SW09STG2,
    &sw::SW10STG2,
    &sw::SW11BSTG2,
    &sw::SW12STG2,
    &sw::SW13STG1,
];

/// Every rule careful implements, every version, once each.
pub fn all_rules() -> impl Iterator<Item = &'static Rule> {
    let mut seen: Vec<*const Rule> = Vec::new();
    YEARS
        .iter()
        .flat_map(|y| {
            let kept: &'static [&'static Rule] = match y.kept {
                Kept::Listed(rules) => rules,
                Kept::PreviousYear => &[],
            };
            kept.iter().chain(y.added).chain(y.replaced).copied()
        })
        .filter(move |r| {
            let p: *const Rule = *r;
            if seen.contains(&p) {
                false
            } else {
                seen.push(p);
                true
            }
        })
}

/// What `year` keeps, adds, replaces and removes, if careful supports it.
pub fn year_rules(year: CollectionYear) -> Option<&'static YearRules> {
    YEARS.iter().find(|y| y.start_year == year.start_year())
}

/// The rules careful runs for `year`, ordered by code (numeric codes by number, then the
/// others), one version of each code.
pub fn rule_set(year: CollectionYear) -> Result<&'static [&'static Rule], UnsupportedYear> {
    static SETS: OnceLock<Vec<Vec<&'static Rule>>> = OnceLock::new();
    let sets = SETS.get_or_init(|| {
        let mut sets: Vec<Vec<&'static Rule>> = Vec::new();
        for y in YEARS {
            let mut set: Vec<&'static Rule> = match (&y.kept, sets.last()) {
                (Kept::Listed(rules), _) => rules.to_vec(),
                (Kept::PreviousYear, Some(previous)) => previous
                    .iter()
                    .copied()
                    .filter(|r| !y.removed.contains(&r.code) && !y.replaced.iter().any(|n| n.code == r.code))
                    .collect(),
                (Kept::PreviousYear, None) => Vec::new(),
            };
            set.extend(y.replaced.iter().chain(y.added).copied());
            set.sort_by(|a, b| code_order(a.code, b.code));
            sets.push(set);
        }
        sets
    });
    YEARS
        .iter()
        .position(|y| y.start_year == year.start_year())
        .and_then(|i| sets.get(i))
        .map(Vec::as_slice)
        .ok_or(UnsupportedYear(year))
}

/// Numeric codes first, by number then suffix ("101" < "197B" < "197a" < "1000"), then the
/// others alphabetically ("EPI" < "INT01" < "NoE" < "SW01aSTG1").
pub(crate) fn code_order(a: &str, b: &str) -> std::cmp::Ordering {
    let split = |c: &str| {
        let digits = c.bytes().take_while(u8::is_ascii_digit).count();
        (digits == 0, c[..digits].parse::<u32>().unwrap_or(0), c[digits..].to_string())
    };
    split(a).cmp(&split(b))
}
