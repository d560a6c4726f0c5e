//! Time-based one-time passwords (RFC 6238), as authenticator apps make them: HMAC-SHA1 over the
//! number of 30-second steps since the Unix epoch, truncated to 6 digits (RFC 4226 §5.3).
//!
//! A code is accepted for the current step and the one either side (RFC 6238 §5.2 allows for
//! clock drift and typing time), and never twice: the store keeps the last step used
//! (`Transaction::use_totp_step`).

use chrono::{DateTime, Utc};

/// Seconds per step.
const STEP: i64 = 30;
/// Digits in a code.
const DIGITS: u32 = 6;

/// The secret's size: 160 bits, as RFC 4226 §4 recommends.
pub(crate) const SECRET_BYTES: usize = 20;

/// The step `at` falls in.
pub(crate) fn step_at(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP)
}

/// The code for a step (RFC 4226 HOTP with the step as the counter).
pub(crate) fn code(secret: &[u8], step: i64) -> u32 {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let tag = ring::hmac::sign(&key, &step.to_be_bytes());
    let hmac = tag.as_ref();
    let offset = usize::from(hmac[hmac.len() - 1] & 0x0f);
    let binary = (u32::from(hmac[offset]) & 0x7f) << 24
        | u32::from(hmac[offset + 1]) << 16
        | u32::from(hmac[offset + 2]) << 8
        | u32::from(hmac[offset + 3]);
    binary % 10u32.pow(DIGITS)
}

/// The step a typed code is right for, at `now`: the current step or one either side.
/// Spaces in the code are ignored (apps show "123 456").
pub(crate) fn matching_step(secret: &[u8], typed: &str, now: DateTime<Utc>) -> Option<i64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let typed: u32 = digits.parse().ok()?;
    let now = step_at(now);
    // The later step first, so a code valid for two steps records the later.
    [now + 1, now, now - 1].into_iter().find(|s| code(secret, *s) == typed)
}

/// RFC 4648 base32 without padding, as authenticator apps take secrets.
pub(crate) fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(ALPHABET[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The `otpauth://` address an authenticator app reads (Google Authenticator's key URI format).
pub(crate) fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        base32(secret),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    /// RFC 6238 Appendix B (SHA1 rows): the secret is the ASCII string "12345678901234567890";
    /// the published codes have 8 digits, of which a 6-digit code is the last 6.
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (unix, eight_digits) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            let at = Utc.timestamp_opt(unix, 0).unwrap();
            let six: u32 = eight_digits[2..].parse().unwrap();
            assert_eq!(code(secret, step_at(at)), six, "at {unix}");
        }
    }

    /// RFC 4226 Appendix D: HOTP values for counters 0 to 9.
    #[test]
    fn rfc_4226_test_vectors() {
        let secret = b"12345678901234567890";
        let expected = [755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489];
        for (counter, want) in expected.into_iter().enumerate() {
            assert_eq!(code(secret, counter as i64), want);
        }
    }

    #[test]
    fn codes_are_accepted_one_step_either_side_only() {
        let secret = b"12345678901234567890";
        let now = Utc.timestamp_opt(1_111_111_111, 0).unwrap();
        let step = step_at(now);
        for (offset, accepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let typed = format!("{:06}", code(secret, step + offset));
            assert_eq!(matching_step(secret, &typed, now).is_some(), accepted, "offset {offset}");
        }
        let typed = format!("{:06}", code(secret, step));
        let spaced = format!("{} {}", &typed[..3], &typed[3..]);
        assert_eq!(matching_step(secret, &spaced, now), Some(step));
        assert_eq!(matching_step(secret, "12345", now), None);
        assert_eq!(matching_step(secret, "abcdef", now), None);
        assert_eq!(matching_step(secret, "1234567", now), None);
    }

    #[test]
    fn base32_matches_rfc_4648() {
        // RFC 4648 §10 test vectors, without padding.
        for (input, output) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32(input.as_bytes()), output);
        }
    }

    #[test]
    fn the_key_uri_names_the_issuer_and_account() {
        let uri = otpauth_uri("careful (Eastmoor)", "j.smith", b"12345678901234567890");
        assert_eq!(
            uri,
            "otpauth://totp/careful%20%28Eastmoor%29:j.smith?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=careful%20%28Eastmoor%29&algorithm=SHA1&digits=6&period=30"
        );
    }
}
