//! DfE's SSDA903 code lists, as the rules of the supported years accept them.

/// SEX, from 2024-25: male, female, unknown.
pub(crate) const SEX: &[&str] = &["M", "F", "U"];
/// Ethnicity.
pub(crate) const ETHNIC: &[&str] = &[
    "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH", "BCRB",
    "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
];
/// A yes/no item: 1 or 0.
pub(crate) const ZERO_OR_ONE: &[&str] = &["0", "1"];
/// Why a child should no longer be placed for adoption.
pub(crate) const REASON_PLACED_CEASED: &[&str] = &["RD1", "RD2", "RD3", "RD4"];
/// Care leavers: whether the council is in touch, activity and accommodation.
pub(crate) const IN_TOUCH: &[&str] = &["YES", "NO", "DIED", "REFU", "NREQ", "RHOM"];
pub(crate) const ACTIV: &[&str] = &["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"];
pub(crate) const ACCOM: &[&str] = &[
    "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1", "R2", "S2", "T1", "T2",
    "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2", "Z1", "Z2", "0",
];
/// Reason for new episode: started to be looked after (S), legal status change only (L),
/// placement change only (P), both (B), and the same two when placed for adoption with the
/// current foster carers (U, T).
pub(crate) const RNE: &[&str] = &["S", "P", "L", "T", "U", "B"];
/// Legal status.
pub(crate) const LS: &[&str] = &["C1", "C2", "D1", "E1", "V2", "V3", "V4", "J1", "J2", "J3", "L1", "L2", "L3"];
/// Category of need.
pub(crate) const CIN: &[&str] = &["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"];
/// PLACE from 2025-26: H5, P2 and Z1 are gone; Z1 is split into Z11 to Z14.
pub(crate) const PLACE_2025: &[&str] = &[
    "A3", "A4", "A5", "A6", "K1", "K2", "K3", "P1", "P3", "R1", "R2", "R3", "R5", "S1", "T0", "T1", "T2", "T3", "T4",
    "U1", "U2", "U3", "U4", "U5", "U6", "Z11", "Z12", "Z13", "Z14",
];
/// Reason episode ceased.
pub(crate) const REC: &[&str] = &[
    "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48", "E5", "E6", "E7", "E8", "E9",
    "E14", "E15", "E16", "E17", "X1",
];
/// Participation in reviews (PN0: child under 4).
pub(crate) const REVIEW_CODE: &[&str] = &["PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"];
/// Codes for an unknown unique pupil number.
pub(crate) const UPN_UNKNOWN: &[&str] = &["UN1", "UN2", "UN3", "UN4", "UN5"];
/// Adopters: number, sexes and legal status.
pub(crate) const NB_ADOPTR: &[&str] = &["1", "2"];
pub(crate) const SEX_ADOPTR: &[&str] = &["M1", "F1", "MM", "FF", "MF"];
pub(crate) const LS_ADOPTR: &[&str] = &["L0", "L11", "L12", "L2", "L3", "L4"];
/// Placement providers: parents (PR0), the council (PR1), another council (PR2), another public
/// body (PR3), private (PR4), voluntary (PR5).
pub(crate) const PLACE_PROVIDER: &[&str] = &["PR0", "PR1", "PR2", "PR3", "PR4", "PR5"];
/// Placements with no provider, from 2025-26: with parents and others with parental
/// responsibility, and the four kinds of other placement.
pub(crate) const PLACE_WITHOUT_PROVIDER_2025: &[&str] = &["T0", "T1", "T2", "T3", "Z11", "Z12", "Z13", "Z14"];
/// Placement location: in or out of the council's area.
pub(crate) const PL_LOCATION: &[&str] = &["IN", "OUT"];
/// Reasons for no strengths and difficulties questionnaire score.
pub(crate) const SDQ_REASON: &[&str] = &["SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"];
/// Reasons an episode ceased that mean the child was adopted.
pub(crate) const ADOPTED: &[&str] = &["E11", "E12"];

/// The adoption items of AD1.
pub(crate) const ADOPTION_ITEMS: [&str; 6] =
    ["DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"];
/// The care leaver items of OC3.
pub(crate) const CARE_LEAVER_ITEMS: [&str; 3] = ["IN_TOUCH", "ACTIV", "ACCOM"];
/// The OC2 items on children looked after continuously for 12 months (all but the SDQ).
pub(crate) const OC2_ITEMS: [&str; 8] = [
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
];
/// The OC2 items every child in the OC2 cohort must have.
pub(crate) const OC2_REQUIRED: [&str; 4] = ["IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE"];

/// Placements with parents or others with parental responsibility (T0 to T3) and temporary
/// placements (T4), which have no reason for placement change.
pub(crate) const TEMPORARY: &[&str] = &["T0", "T1", "T2", "T3", "T4"];
/// Placement types for which no Ofsted URN is recorded, from 2025-26: placed with parents,
/// independent and residential employment, NHS and family centres, young offender
/// institutions, temporary placements and the four other placements (H5, P2 and Z1 are gone).
pub(crate) const NO_URN_2025: &[&str] =
    &["P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"];
/// The URN DfE asks for when a placement that needs one has none known.
pub(crate) const URN_UNKNOWN: &str = "XXXXXXX";
/// Reasons for a new episode that mean the placement changed: placement only (P), placement
/// and legal status (B).
pub(crate) const PLACEMENT_CHANGED: &[&str] = &["P", "B"];
/// Placed for adoption: with consent (A3 with the current foster carers, A4 not) or under a
/// placement order (A5 with the current foster carers, A6 not).
pub(crate) const PLACED_FOR_ADOPTION: &[&str] = &["A3", "A4", "A5", "A6"];
/// Foster placements.
pub(crate) const FOSTER: &[&str] = &["U1", "U2", "U3", "U4", "U5", "U6"];
/// Reasons for placement change.
pub(crate) const REASON_PLACE_CHANGE: &[&str] =
    &["CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ", "PLACE", "CUSTOD", "OTHER"];
/// Previous permanence options.
pub(crate) const PREV_PERM: &[&str] = &["P1", "P2", "P3", "P4", "Z1"];
/// Missing (M) or away from placement without authorisation (A).
pub(crate) const MISSING_TYPE: &[&str] = &["M", "A"];
/// DfE's three-digit numbers of English local authorities, past and present (for the authority
/// that arranged a previous permanence order, which may have been reorganised since), and the
/// codes for Wales, Scotland, Northern Ireland and outside the UK.
pub(crate) const LA_PERM: &[&str] = &[
    "201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212", "213", "301", "302", "303",
    "304", "305", "306", "307", "308", "309", "310", "311", "312", "313", "314", "315", "316", "317", "318", "319",
    "320", "330", "331", "332", "333", "334", "335", "336", "340", "341", "342", "343", "344", "350", "351", "352",
    "353", "354", "355", "356", "357", "358", "359", "370", "371", "372", "373", "380", "381", "382", "383", "384",
    "390", "391", "392", "393", "394", "420", "800", "801", "802", "803", "805", "806", "807", "808", "810", "811",
    "812", "813", "815", "816", "821", "822", "823", "825", "826", "830", "831", "835", "836", "837", "838", "839",
    "840", "841", "845", "846", "850", "851", "852", "855", "856", "857", "860", "861", "865", "866", "867", "868",
    "869", "870", "871", "872", "873", "874", "876", "877", "878", "879", "880", "881", "882", "883", "884", "885",
    "886", "887", "888", "889", "890", "891", "892", "893", "894", "895", "896", "908", "909", "916", "919", "921",
    "925", "926", "928", "929", "931", "933", "935", "936", "937", "938", "940", "941", "942", "943", "WAL", "SCO",
    "NUK", "NIR",
];
