//! What went wrong, in words the person at the terminal can act on.

use std::fmt;

use careful_app::AppError;

/// A command that could not finish. Its message is printed after "error: " and careful exits
/// with status 1.
#[derive(Debug)]
pub struct Failure {
    message: String,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Failure {
        Failure { message: message.into() }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<AppError> for Failure {
    fn from(error: AppError) -> Self {
        Failure::new(error.to_string())
    }
}
