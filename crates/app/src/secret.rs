//! Random tokens and hashes: session and CSRF tokens, personal access tokens, TOTP secrets and
//! the audit chain's SHA-256, all from `ring`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SecureRandom;

/// `N` bytes from the operating system's secure random source.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The system source failing is not something careful can carry on from.
    ring::rand::SystemRandom::new().fill(&mut bytes).expect("the operating system's random source failed");
    bytes
}

/// A new random token: 32 bytes as base64url (43 characters).
pub(crate) fn new_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// The stored form of a token: its SHA-256 (the token itself is never stored).
pub(crate) fn token_hash(token: &str) -> [u8; 32] {
    sha256(token.as_bytes())
}

/// The form token (CSRF) that goes with a session: derived from the session's secret token, so
/// only someone holding the session cookie can know it, and nothing more need be stored.
pub(crate) fn csrf_for(session_token: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, session_token.as_bytes());
    URL_SAFE_NO_PAD.encode(ring::hmac::sign(&key, b"careful form token v1").as_ref())
}

/// Compares two secrets in time that does not depend on where they differ.
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_published_test_vector() {
        // FIPS 180-2, appendix B.1: "abc".
        assert_eq!(hex(&sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn tokens_are_random_and_url_safe() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn form_tokens_belong_to_their_session() {
        assert_eq!(csrf_for("session-a"), csrf_for("session-a"));
        assert_ne!(csrf_for("session-a"), csrf_for("session-b"));
    }

    #[test]
    fn secrets_compare_by_content() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"abcd"));
    }
}
