//! The Children in Need census, as DfE's XML.
//!
//! The census is one XML file per council: a `Header` (the collection and the council) and
//! every child in need during the year, each with identifiers, characteristics and one
//! `CINdetails` per episode of need (referral to closure), holding the episode's assessments,
//! CIN plans, section 47 enquiries and child protection plans.
//!
//! [`Census`] and the types below are the census as typed data; [`CensusWriter`] writes it,
//! one child at a time, so that even an England-sized census (about 400,000 children) never has
//! to be held in memory at once. Both the writer and the reader ([`read_census`]) stream the XML
//! with quick-xml.
//!
//! # Element order
//!
//! DfE's schema fixes the order of elements (an `xs:sequence`), and COLLECT rejects a file
//! whose elements are out of order. careful writes them in the order of the DfE CIN census
//! schema as published with the 2022 to 2023 specification (copied in the open-source LIIA
//! tools as `liiatools/spec/cin_census/cin-2022.xsd`), with the one change DfE has made to it
//! since: from 2024 to 2025, `<Sex>` (N00783, M/F/U) replaces `<GenderCurrent>` (N00007) in the
//! same place, as the 2024 to 2025 business and technical specification says and DfE's
//! validator's 2024 and 2026 sample files show. The 2025 to 2026 census has no structural
//! change. In particular, within `CINdetails`, `ReferralNFA` comes after the `Section47`
//! groups and before the `ChildProtectionPlans`:
//!
//! ```text
//! Message
//! ├── Header
//! │   ├── CollectionDetails: Collection, Year, ReferenceDate
//! │   └── Source: SourceLevel, LEA, SoftwareCode, Release, SerialNo, DateTime
//! └── Children
//!     └── Child (repeated)
//!         ├── ChildIdentifiers: LAchildID, UPN, FormerUPN, UPNunknown, PersonBirthDate,
//!         │   ExpectedPersonBirthDate, Sex, PersonDeathDate
//!         ├── ChildCharacteristics: Ethnicity, Disabilities (Disability, repeated)
//!         └── CINdetails (repeated): CINreferralDate, ReferralSource, PrimaryNeedCode,
//!             CINclosureDate, ReasonForClosure, DateOfInitialCPC,
//!             Assessments (repeated): AssessmentActualStartDate, AssessmentInternalReviewDate,
//!                 AssessmentAuthorisationDate, FactorsIdentifiedAtAssessment
//!                 (AssessmentFactors, repeated)
//!             CINPlanDates (repeated): CINPlanStartDate, CINPlanEndDate
//!             Section47 (repeated): S47ActualStartDate, InitialCPCtarget, DateOfInitialCPC,
//!                 ICPCnotRequired
//!             ReferralNFA
//!             ChildProtectionPlans (repeated): CPPstartDate, CPPendDate,
//!                 InitialCategoryOfAbuse, LatestCategoryOfAbuse, NumberOfPreviousCPP,
//!                 Reviews (CPPreviewDate, repeated)
//! ```
//!
//! Dates are ISO `YYYY-MM-DD` (`xs:date`); `DateTime` is `YYYY-MM-DDTHH:MM:SS`. Optional
//! elements with no value are left out rather than written empty, and so are `Disabilities`,
//! `FactorsIdentifiedAtAssessment` and `Reviews` when they would be empty (the schema requires
//! at least one item inside each). Codes are written exactly as given: the census's code lists
//! (ReferralSource, PrimaryNeedCode, ...) are checked by validation, not here.

mod date;
mod read;
mod report;
pub mod validate;
mod write;

#[cfg(test)]
pub(crate) mod tests;

use careful_domain::calendar::CollectionYear;
use chrono::{NaiveDate, NaiveDateTime};

pub use read::{CinTable, CinTableData, CinTables, GivenTable, SchemaProblem, read_census};
pub use report::CinReport;
pub use write::{CensusWriter, CinWriteError, write_census};

/// A whole census: the header and every child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Census {
    pub header: Header,
    pub children: Vec<Child>,
}

/// The message header: which collection, and which council's software sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub collection_details: CollectionDetails,
    pub source: Source,
}

/// `CollectionDetails`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionDetails {
    /// `Collection`: always "CIN".
    pub collection: String,
    /// `Year`: the year the collection ends (2026 for 2025-26).
    pub year: i32,
    /// `ReferenceDate`: the census date, 31 March at the end of the collection year.
    pub reference_date: NaiveDate,
}

impl CollectionDetails {
    /// The details of the census for `year`: Collection "CIN", Year the year it ends in (2026
    /// for 2025-26) and ReferenceDate its last day (31 March 2026).
    pub fn for_year(year: CollectionYear) -> CollectionDetails {
        CollectionDetails { collection: "CIN".to_string(), year: year.end_year(), reference_date: year.last_day() }
    }
}

/// `Source`: the council and the software that produced the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// `SourceLevel`: "L" (local authority).
    pub source_level: String,
    /// `LEA`: the council's three-digit DfE local authority number, such as "201".
    pub lea: String,
    /// `SoftwareCode`: the software that produced the file.
    pub software_code: String,
    /// `Release`: the software's version.
    pub release: String,
    /// `SerialNo`: the file's serial number, such as "001".
    pub serial_no: String,
    /// `DateTime`: when the file was produced (given, not read from a clock, so that the same
    /// input always gives the same file).
    pub date_time: NaiveDateTime,
}

/// `Child`: one child in need during the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    pub identifiers: ChildIdentifiers,
    pub characteristics: ChildCharacteristics,
    /// `CINdetails`: one per episode of need, at least one.
    pub cin_details: Vec<CinDetails>,
}

/// `ChildIdentifiers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildIdentifiers {
    /// `LAchildID`: the council's identifier for the child.
    pub la_child_id: String,
    /// `UPN`: the unique pupil number.
    pub upn: Option<String>,
    /// `FormerUPN`.
    pub former_upn: Option<String>,
    /// `UPNunknown`: why there is no UPN (UN1 to UN7).
    pub upn_unknown: Option<String>,
    /// `PersonBirthDate`.
    pub person_birth_date: Option<NaiveDate>,
    /// `ExpectedPersonBirthDate`: for an unborn child.
    pub expected_person_birth_date: Option<NaiveDate>,
    /// `Sex`: M, F or U (from 2024-25).
    pub sex: String,
    /// `PersonDeathDate`.
    pub person_death_date: Option<NaiveDate>,
}

/// `ChildCharacteristics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildCharacteristics {
    /// `Ethnicity`: DfE's ethnicity code, such as WBRI.
    pub ethnicity: String,
    /// `Disabilities/Disability`: the child's disability codes (NONE for none).
    pub disabilities: Vec<String>,
}

/// `CINdetails`: one episode of need, from referral to closure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CinDetails {
    /// `CINreferralDate`.
    pub cin_referral_date: NaiveDate,
    /// `ReferralSource`, such as 1A or 5D.
    pub referral_source: String,
    /// `PrimaryNeedCode`: N0 to N9.
    pub primary_need_code: Option<String>,
    /// `CINclosureDate`.
    pub cin_closure_date: Option<NaiveDate>,
    /// `ReasonForClosure`: RC1 to RC9.
    pub reason_for_closure: Option<String>,
    /// `DateOfInitialCPC`: the initial child protection conference of this episode.
    pub date_of_initial_cpc: Option<NaiveDate>,
    /// `Assessments`.
    pub assessments: Vec<Assessment>,
    /// `CINPlanDates`.
    pub cin_plan_dates: Vec<CinPlanDates>,
    /// `Section47`: section 47 enquiries.
    pub section47: Vec<Section47>,
    /// `ReferralNFA`: whether the referral led to no further action (written `true`/`false`).
    pub referral_nfa: bool,
    /// `ChildProtectionPlans`.
    pub child_protection_plans: Vec<ChildProtectionPlan>,
}

/// `Assessments`: one assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// `AssessmentActualStartDate`.
    pub assessment_actual_start_date: NaiveDate,
    /// `AssessmentInternalReviewDate`.
    pub assessment_internal_review_date: Option<NaiveDate>,
    /// `AssessmentAuthorisationDate`: when the assessment was completed.
    pub assessment_authorisation_date: Option<NaiveDate>,
    /// `FactorsIdentifiedAtAssessment/AssessmentFactors`: factor codes such as 2A or 21.
    pub assessment_factors: Vec<String>,
}

/// `CINPlanDates`: one child in need plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CinPlanDates {
    /// `CINPlanStartDate`.
    pub cin_plan_start_date: NaiveDate,
    /// `CINPlanEndDate`.
    pub cin_plan_end_date: Option<NaiveDate>,
}

/// `Section47`: one section 47 enquiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section47 {
    /// `S47ActualStartDate`.
    pub s47_actual_start_date: NaiveDate,
    /// `InitialCPCtarget`: 15 working days after the strategy discussion.
    pub initial_cpc_target: Option<NaiveDate>,
    /// `DateOfInitialCPC`.
    pub date_of_initial_cpc: Option<NaiveDate>,
    /// `ICPCnotRequired`: whether the enquiry concluded no conference was needed (written
    /// `true`/`false`).
    pub icpc_not_required: bool,
}

/// `ChildProtectionPlans`: one child protection plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildProtectionPlan {
    /// `CPPstartDate`.
    pub cpp_start_date: NaiveDate,
    /// `CPPendDate`.
    pub cpp_end_date: Option<NaiveDate>,
    /// `InitialCategoryOfAbuse`: NEG, PHY, SAB, EMO or MUL.
    pub initial_category_of_abuse: String,
    /// `LatestCategoryOfAbuse`.
    pub latest_category_of_abuse: String,
    /// `NumberOfPreviousCPP`.
    pub number_of_previous_cpp: u32,
    /// `Reviews/CPPreviewDate`.
    pub cpp_review_dates: Vec<NaiveDate>,
}
