//! Passwords: Argon2id hashes in PHC string format, and what makes a password acceptable.
//!
//! Following the NCSC's password guidance: no forced expiry and no composition rules; instead a
//! minimum length and a check against the most used passwords (the zxcvbn list, about 49,000,
//! from the npm registry at build time), and never the username itself.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::AppError;

/// The shortest password accepted.
pub(crate) const MIN_LENGTH: usize = 10;
/// The longest (Argon2 takes any length; this bounds the work one request can cause).
pub(crate) const MAX_LENGTH: usize = 256;

fn argon2() -> Argon2<'static> {
    // OWASP's Password Storage Cheat Sheet: Argon2id with 19 MiB of memory, 2 iterations and 1
    // degree of parallelism as the minimum; careful takes the RustCrypto defaults, which are
    // exactly these.
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

fn common() -> &'static HashSet<&'static str> {
    static COMMON: OnceLock<HashSet<&'static str>> = OnceLock::new();
    COMMON.get_or_init(|| careful_npm::COMMON_PASSWORDS.lines().collect())
}

/// Why a new password is not acceptable, if it is not.
pub(crate) fn problem(password: &str, username: &str) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some(format!("The password must be {MIN_LENGTH} characters or more"));
    }
    if length > MAX_LENGTH {
        return Some(format!("The password must be {MAX_LENGTH} characters or fewer"));
    }
    let lower = password.to_lowercase();
    if common().contains(lower.as_str()) {
        return Some("This password is one of the most used passwords, so it is easy to guess: choose another".into());
    }
    if !username.is_empty() && lower.contains(&username.to_lowercase()) {
        return Some("The password must not contain the username".into());
    }
    if password.chars().collect::<HashSet<_>>().len() < 4 {
        return Some("The password repeats too few characters to be hard to guess: choose another".into());
    }
    None
}

/// Hashes a password (slow on purpose: call from a blocking thread).
pub(crate) fn hash(password: &str) -> Result<String, AppError> {
    let salt: [u8; 16] = crate::secret::random_bytes();
    argon2()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Settings { key: "password", detail: format!("the password could not be hashed: {e}") })
}

/// Whether `password` matches a stored hash (slow on purpose: call from a blocking thread).
/// A hash careful cannot read never matches.
pub(crate) fn verify(password: &str, stored: &str) -> bool {
    argon2().verify_password(password.as_bytes(), stored).is_ok()
}

/// A hash of a random password, verified against when the username is unknown so that a wrong
/// username takes as long to refuse as a wrong password.
pub(crate) fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash(&crate::secret::new_token()).unwrap_or_default())
}

/// Hashes on a blocking thread.
pub(crate) async fn hash_blocking(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| AppError::Settings { key: "password", detail: e.to_string() })?
}

/// Verifies on a blocking thread.
pub(crate) async fn verify_blocking(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || verify(&password, &stored)).await.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_argon2id_with_a_salt() {
        let h = hash("a long and unusual passphrase").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("a long and unusual passphrase", &h));
        assert!(!verify("a long and unusual passphrasf", &h));
        assert_ne!(h, hash("a long and unusual passphrase").unwrap(), "each hash has its own salt");
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn common_and_short_passwords_are_refused() {
        assert!(problem("password", "j.smith").unwrap().contains("10 characters"));
        // In the list (case does not matter).
        assert!(problem("1234567890", "j.smith").unwrap().contains("most used"));
        assert!(problem("QwertyuiOP", "j.smith").unwrap().contains("most used"));
        assert!(problem("j.smith-is-here", "j.smith").unwrap().contains("username"));
        assert!(problem("aaaaaaaaaaaa", "x").is_some());
        assert_eq!(problem("harbour kettle quietly", "j.smith"), None);
        assert!(problem(&"x1y2".repeat(65), "j.smith").unwrap().contains("256"));
    }

    #[test]
    fn the_list_is_the_full_zxcvbn_list() {
        assert!(common().len() > 40_000, "{}", common().len());
        assert!(common().contains("123456") && common().contains("password"));
    }
}
