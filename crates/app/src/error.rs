use std::path::PathBuf;

use chrono::{DateTime, Utc};

use careful_domain::record::RecordError;
use careful_domain::{ChildId, EnvelopeError};
use careful_store::{Fault, StoreError};

/// One problem with what someone entered, for the field it concerns (a form shows it beside
/// the field and in the error summary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The form field's name.
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> FieldError {
        FieldError { field, message: message.into() }
    }
}

/// Why signing in did not work. The messages never say whether a username exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInFailure {
    #[error("the username or password is not right")]
    WrongCredentials,
    #[error(
        "this account is locked after too many failed sign-ins; try again after {} (UK time) or ask an administrator to unlock it",
        uk_date_time(*until)
    )]
    Locked { until: DateTime<Utc> },
    #[error("this account is disabled; ask an administrator")]
    Disabled,
    #[error("the code is not right: enter the 6-digit code your authenticator app shows now")]
    WrongCode,
    #[error("that code has already been used: wait for your authenticator app to show a new one")]
    ReplayedCode,
    #[error("the sign-in has expired or is not valid: sign in again")]
    SessionInvalid,
    #[error("the personal access token is not valid (it may have expired or been revoked)")]
    TokenInvalid,
    #[error("{0}")]
    Oidc(String),
    #[error("there is no careful account for {0}; ask an administrator to make one")]
    NoAccount(String),
    #[error("one-click sign-in is only for the demonstration")]
    NotDemo,
}

/// An instant as a date and time in the UK ("5 December 2026 10:30").
pub(crate) fn uk_date_time(at: DateTime<Utc>) -> String {
    careful_domain::calendar::time_in_england(at).format("%-d %B %Y %H:%M").to_string()
}

/// Why a use case could not be carried out. Each message says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the event could not be recorded: {0}")]
    Envelope(#[from] EnvelopeError),
    /// The event cannot be part of the child's record, given what the record already says.
    #[error("{0}")]
    Record(#[from] RecordError),
    #[error("the record of child {child} cannot be read: {detail}")]
    Unreadable { child: String, detail: String },
    #[error("{0}")]
    Synthetic(String),
    /// Signing in did not work.
    #[error("{0}")]
    SignIn(SignInFailure),
    /// Not allowed, and why.
    #[error("you cannot {what}: {reason}")]
    Denied { what: &'static str, reason: String },
    /// The record is restricted: the person may open it by giving a reason (break glass).
    #[error("this record is restricted: give a reason to open it (the manager who restricted it is told)")]
    BreakGlassNeeded { child: ChildId },
    /// Nothing by that name or ID.
    #[error("{0}")]
    NotFound(String),
    /// What was entered is not usable; nothing was changed.
    #[error("{}", .0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// Too many uploads in the last hour.
    #[error(
        "you have checked {limit} uploads in the last hour, the most careful allows; try again after {retry_after}"
    )]
    TooManyUploads { limit: u32, retry_after: String },
    /// The law forbids what was proposed.
    #[error("this cannot be recorded: {}", messages(.breaches))]
    Refused { breaches: Vec<careful_duties::Breach> },
    /// What was proposed needs a team manager's override, with a reason.
    #[error("this needs a team manager's agreement, recorded with a reason: {}", messages(.breaches))]
    NeedsOverride { breaches: Vec<careful_duties::Breach> },
    /// An override that cannot be accepted.
    #[error("the override cannot be accepted: {0}")]
    Override(String),
    #[error("the import cannot go ahead: {0}")]
    Import(String),
    /// A file of published figures that cannot be read: each problem names the file, row,
    /// column and rule. Nothing was stored.
    #[error("the file cannot be imported, so nothing was stored:\n{}", .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    BenchmarkFile(Vec<careful_insight::benchmarks::ReadError>),
    /// Rows careful cannot represent; nothing was imported.
    #[error("{} value(s) cannot be represented in careful's record, so nothing was imported (use --skip-unrepresentable to import every other child):\n{}", .rows.len(), .rows.iter().map(|r| format!("  {r}")).collect::<Vec<_>>().join("\n"))]
    ImportRefused { rows: Vec<String> },
    /// Children already in careful whose records differ from what the files say.
    #[error("{} child(ren) are already in careful with a different record, so nothing was imported (careful does not yet import updates to records it holds): {}", .children.len(), .children.join(", "))]
    ImportConflict { children: Vec<String> },
    /// A child's record that cannot be put into a return.
    #[error("the return cannot be produced: {0}")]
    Export(String),
    #[error("the council setting {key} is not usable: {detail}")]
    Settings { key: &'static str, detail: String },
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A backup that cannot be made, or a backup file or database that cannot be restored (and
    /// why); nothing was written.
    #[error("{0}")]
    Backup(String),
    #[error("the SSDA903 files could not be written: {0}")]
    Ssda903Write(#[from] careful_returns::ssda903::WriteError),
    #[error("the CIN census could not be written: {0}")]
    CinWrite(#[from] careful_returns::cin::CinWriteError),
}

impl AppError {
    /// Whether someone else changed the child's record since it was read (nothing was saved).
    pub fn is_conflict(&self) -> bool {
        matches!(self, AppError::Store(e) if e.is_conflict())
    }

    /// What kind of store failure this is ([`Fault::Other`] for everything that is not the
    /// store's): the store sorts its drivers' errors in one place, [`StoreError::fault`].
    pub fn fault(&self) -> Fault {
        match self {
            AppError::Store(error) => error.fault(),
            _ => Fault::Other,
        }
    }

    /// Whether the database could not be reached or stayed busy: nothing was saved; try again
    /// later.
    pub fn is_unavailable(&self) -> bool {
        self.fault() == Fault::Unavailable
    }

    /// Whether the database's disk is full: nothing was saved; try again once space is freed.
    pub fn is_storage_full(&self) -> bool {
        self.fault() == Fault::StorageFull
    }

    /// What the guardrails found, when they stopped a recording: the findings, and whether
    /// they refuse it outright (else a manager may accept them).
    pub fn guardrails(&self) -> Option<(bool, Vec<crate::GuardrailFinding>)> {
        match self {
            AppError::Refused { breaches } => Some((true, breaches.iter().map(Into::into).collect())),
            AppError::NeedsOverride { breaches } => Some((false, breaches.iter().map(Into::into).collect())),
            _ => None,
        }
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }
}

fn messages(breaches: &[careful_duties::Breach]) -> String {
    breaches.iter().map(|b| format!("{} ({})", b.message, b.code)).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn lock_times_are_given_in_uk_time() {
        // 10:30 UTC in December is 10:30 in London; in July it is 11:30.
        let winter = Utc.with_ymd_and_hms(2026, 12, 5, 10, 30, 0).unwrap();
        assert!(SignInFailure::Locked { until: winter }.to_string().contains("5 December 2026 10:30"));
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 10, 30, 0).unwrap();
        assert!(SignInFailure::Locked { until: summer }.to_string().contains("1 July 2026 11:30"));
        // The clocks go back at 01:00 UTC on 25 October 2026.
        let before = Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap();
        assert!(SignInFailure::Locked { until: before }.to_string().contains("01:30"));
        let after = Utc.with_ymd_and_hms(2026, 10, 25, 1, 30, 0).unwrap();
        assert!(SignInFailure::Locked { until: after }.to_string().contains("01:30"));
    }
}
