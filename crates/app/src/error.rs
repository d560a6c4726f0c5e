use std::path::PathBuf;

use careful_domain::EnvelopeError;
use careful_domain::record::RecordError;
use careful_store::StoreError;

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
    /// Rows careful cannot represent; nothing was imported.
    #[error("{} row(s) cannot be represented in careful's record, so nothing was imported (use --skip-unrepresentable to import every other child):\n{}", .rows.len(), .rows.iter().map(|r| format!("  {r}")).collect::<Vec<_>>().join("\n"))]
    ImportRefused { rows: Vec<careful_returns::to_record::Unrepresentable> },
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
    #[error("the SSDA903 files could not be written: {0}")]
    Ssda903Write(#[from] careful_returns::ssda903::WriteError),
    #[error("the CIN census could not be written: {0}")]
    CinWrite(#[from] careful_returns::cin::CinWriteError),
}

fn messages(breaches: &[careful_duties::Breach]) -> String {
    breaches.iter().map(|b| format!("{} ({})", b.message, b.code)).collect::<Vec<_>>().join("; ")
}
