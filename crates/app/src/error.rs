use careful_domain::EnvelopeError;
use careful_store::StoreError;

/// Why a use case could not be carried out. Each message says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the event could not be recorded: {0}")]
    Envelope(#[from] EnvelopeError),
}
