//! What use cases hand back to the web and the command line: plain data, no store types.

use chrono::{DateTime, NaiveDate, Utc};

use careful_domain::record::ChildRecord;
use careful_domain::{ChildId, Sequence, WorkerId};

use crate::access::{AccountId, Basis, Role};
use crate::duties::WorklistEntry;

/// A child's record as its summary page shows it, opened by someone allowed to.
#[derive(Debug, Clone)]
pub struct ChildSummary {
    pub child: ChildId,
    pub la_child_id: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Option<NaiveDate>,
    /// The child's situation in a word ("Looked after").
    pub status: String,
    /// Short labels for the identity bar: CIN, CP, looked after, care leaver, UASC, missing,
    /// restricted.
    pub badges: Vec<&'static str>,
    pub worker: Option<String>,
    pub team: Option<String>,
    pub iro: Option<String>,
    pub adviser: Option<String>,
    /// Duties still to be done, soonest first.
    pub duties: Vec<WorklistEntry>,
    /// Duties met in the last [`crate::RECENTLY_MET_DAYS`] days, latest first.
    pub recent: Vec<WorklistEntry>,
    /// DfE findings and values not kept, from the files the record was imported from.
    pub flags: Vec<DataQualityFlag>,
    pub restriction: Option<RestrictionView>,
    /// Why the person may see the record.
    pub basis: Basis,
    /// Who has opened, recorded in, restricted or been granted the record, newest first.
    pub access_log: Vec<AccessLogLine>,
    /// Live grants of access.
    pub grants: Vec<GrantView>,
    pub may_record: bool,
    pub may_restrict: bool,
    pub may_grant: bool,
    /// The child's plans and where they stand, a line each ("Looked after since 1 May 2025,
    /// under an interim care order (C1)").
    pub plans: Vec<String>,
    /// Where the child lives, if looked after.
    pub placement: Option<PlacementView>,
    /// The child's address, if recorded.
    pub address: Option<String>,
    /// People in the child's life.
    pub people: Vec<PersonView>,
    pub siblings: Vec<SiblingView>,
    /// The child's wishes and feelings as last recorded at a visit, and when.
    pub wishes: Option<(NaiveDate, String)>,
    /// Things that need attention now, in plain words.
    pub alerts: Vec<String>,
    /// The sequence to expect when recording (optimistic concurrency).
    pub sequence: Sequence,
    /// The whole record, folded.
    pub record: ChildRecord,
}

/// One data-quality flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataQualityFlag {
    pub source: String,
    pub rule: String,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<i64>,
    pub fields: String,
}

/// A restriction as the child's page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictionView {
    pub category: String,
    pub reason: String,
    pub restricted_by: String,
    pub restricted_at: DateTime<Utc>,
    /// Who may open the record.
    pub named: Vec<String>,
}

/// One line of "who has looked at this record".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLogLine {
    pub at: DateTime<Utc>,
    pub who: String,
    /// What they did, in words.
    pub what: String,
    pub outcome: String,
    pub reason: Option<String>,
    pub from: Option<String>,
}

/// A grant of access as the child's page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantView {
    pub id: uuid::Uuid,
    pub to: String,
    pub kind: &'static str,
    pub by: String,
    pub reason: String,
    pub until: DateTime<Utc>,
}

/// A child on someone's caseload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseloadEntry {
    pub child: ChildId,
    pub la_child_id: String,
    /// The child's name; `None` for a restricted record the person is not named on.
    pub name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub status: String,
    /// How the person reaches the child; `None` when they would need to break the glass.
    pub basis: Option<Basis>,
    pub restricted: bool,
    pub worker: Option<String>,
    pub team: Option<String>,
    pub next_due: Option<NaiveDate>,
    pub overdue: i64,
}

/// An account as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountView {
    pub id: AccountId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub service: Option<String>,
    pub worker: Option<(WorkerId, String)>,
    pub team: Option<String>,
    pub locked_until: Option<DateTime<Utc>>,
    pub failed_attempts: i32,
    pub disabled: bool,
    /// Whether an authenticator app is set up.
    pub second_factor: bool,
    pub has_password: bool,
    pub synthetic: bool,
    pub created_at: DateTime<Utc>,
}

/// One role an account held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleHistoryLine {
    pub role: String,
    pub service: Option<String>,
    pub from: DateTime<Utc>,
    pub changed_by: Option<String>,
    pub reason: Option<String>,
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionView {
    pub started: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    pub method: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A personal access token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenView {
    pub id: uuid::Uuid,
    pub name: String,
    pub scopes: Vec<String>,
    pub created: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    pub revoked: Option<DateTime<Utc>>,
    pub last_used: Option<DateTime<Utc>>,
}

/// An alert for the signed-in person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertView {
    pub at: DateTime<Utc>,
    pub child: Option<ChildId>,
    pub la_child_id: Option<String>,
    pub what: String,
    pub from: Option<String>,
    pub reason: Option<String>,
    pub read: bool,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub outcome: String,
    pub child: Option<ChildId>,
    pub subject: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub reason: Option<String>,
    pub detail: String,
}

/// A member of staff, as forms offer them (staff, not children: anyone signed in may see them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: WorkerId,
    pub name: String,
    pub role: careful_domain::organisation::WorkerRole,
    pub team_id: careful_domain::TeamId,
    pub team: String,
}

/// What a guardrail found about a proposed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardrailFinding {
    /// The catalogue rule's id (or `open-duties`).
    pub code: &'static str,
    pub message: String,
    /// Whether a manager may accept it with a recorded reason; if not, it cannot be recorded.
    pub overridable: bool,
    /// Where the law says so.
    pub citation: Option<&'static str>,
}

impl From<&careful_duties::Breach> for GuardrailFinding {
    fn from(b: &careful_duties::Breach) -> GuardrailFinding {
        GuardrailFinding {
            code: b.code,
            message: b.message.clone(),
            overridable: b.overridable,
            citation: b.rule.map(|r| r.citation),
        }
    }
}

/// A looked-after child's placement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementView {
    pub since: NaiveDate,
    /// The placement type in words, with DfE's code.
    pub kind: String,
    pub provider: Option<String>,
    pub postcode: Option<String>,
    pub urn: Option<String>,
    pub legal_status: String,
}

/// Someone in the child's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonView {
    pub name: String,
    pub relationship: &'static str,
    pub parental_responsibility: bool,
    pub date_of_birth: Option<NaiveDate>,
}

/// A sibling with a record of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiblingView {
    pub child: ChildId,
    pub la_child_id: String,
    /// `None` when the person may not open the sibling's record.
    pub name: Option<String>,
    /// Where they live, in a few words ("Looked after: foster placement, EM1").
    pub lives: Option<String>,
}
