//! Identifiers from outside careful, each parsed once and then trusted: the council's child
//! ID, the Unique Pupil Number (UPN) with its check letter, the NHS number with its modulus 11
//! check digit, and postcodes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An identifier that is not well formed, with what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a valid {what}: {why}")]
pub struct IdentifierError {
    pub what: &'static str,
    pub input: String,
    pub why: String,
}

fn error(what: &'static str, input: &str, why: impl Into<String>) -> IdentifierError {
    IdentifierError { what, input: input.to_string(), why: why.into() }
}

macro_rules! string_identifier {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdentifierError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                value.parse()
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

/// The council's own identifier for a child: the 903 `CHILD` and CIN `LAchildID` field. One to
/// 20 letters and digits, never reused for another child.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LaChildId(String);

impl FromStr for LaChildId {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        if trimmed.is_empty() || trimmed.len() > 20 {
            return Err(error("child ID", s, "it must be 1 to 20 characters long"));
        }
        if !trimmed.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(error("child ID", s, "use only letters and digits"));
        }
        Ok(LaChildId(trimmed.to_string()))
    }
}
string_identifier!(LaChildId);

/// The letters a UPN check letter can be, indexed by the weighted sum modulo 23.
const UPN_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// A Unique Pupil Number: a check letter, the council's three-digit number, the school's
/// four-digit establishment number, the two-digit year of allocation and a three-digit serial.
/// A temporary UPN ends in a letter instead of its last digit.
///
/// The check letter is the DfE's: multiply characters 2 to 13 by 2 to 13 (a final letter counts
/// as its position in the check-letter alphabet), take the sum modulo 23, and look it up in
/// `ABCDEFGHJKLMNPQRTUVWXYZ` (no I, O or S).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Upn(String);

impl Upn {
    /// The check letter for the 12 characters after it.
    fn check_letter(rest: &[u8]) -> Option<u8> {
        let mut sum = 0u32;
        for (i, &c) in rest.iter().enumerate() {
            let value =
                if c.is_ascii_digit() { u32::from(c - b'0') } else { UPN_LETTERS.iter().position(|&l| l == c)? as u32 };
            sum += value * (i as u32 + 2);
        }
        Some(UPN_LETTERS[(sum % 23) as usize])
    }

    /// A UPN for the 12 characters given (11 digits then a digit or, for a temporary UPN, a
    /// letter), with its check letter in front.
    pub fn with_check_letter(rest: &str) -> Result<Upn, IdentifierError> {
        let bytes = rest.as_bytes();
        if bytes.len() != 12 {
            return Err(error("UPN", rest, "the part after the check letter must be 12 characters"));
        }
        let letter = Upn::check_letter(bytes).ok_or_else(|| error("UPN", rest, "it holds a character a UPN cannot"))?;
        format!("{}{rest}", letter as char).parse()
    }

    /// Whether this is a temporary UPN (its last character is a letter).
    pub fn is_temporary(&self) -> bool {
        self.0.as_bytes()[12].is_ascii_alphabetic()
    }
}

impl FromStr for Upn {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        let b = upper.as_bytes();
        if b.len() != 13 {
            return Err(error("UPN", s, format!("a UPN has 13 characters, not {}", b.len())));
        }
        if !UPN_LETTERS.contains(&b[0]) {
            return Err(error("UPN", s, "it must start with a check letter (a letter other than I, O or S)"));
        }
        if !b[1..12].iter().all(u8::is_ascii_digit) {
            return Err(error("UPN", s, "characters 2 to 12 must be digits"));
        }
        if !(b[12].is_ascii_digit() || UPN_LETTERS.contains(&b[12])) {
            return Err(error(
                "UPN",
                s,
                "the last character must be a digit, or for a temporary UPN a letter other than I, O or S",
            ));
        }
        let expected =
            Upn::check_letter(&b[1..]).ok_or_else(|| error("UPN", s, "it holds a character a UPN cannot"))?;
        if expected != b[0] {
            return Err(error(
                "UPN",
                s,
                format!("its check letter should be {}, not {}", expected as char, b[0] as char),
            ));
        }
        Ok(Upn(upper))
    }
}
string_identifier!(Upn);

/// An NHS number: ten digits, the last a modulus 11 check digit. Held without spaces, shown
/// as `943 476 5919`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber(String);

impl NhsNumber {
    /// The check digit for nine digits, or `None` when no digit works (the number is not
    /// issued).
    fn check_digit(digits: &[u8]) -> Option<u8> {
        let sum: u32 = digits.iter().enumerate().map(|(i, d)| u32::from(d - b'0') * (10 - i as u32)).sum();
        match 11 - (sum % 11) {
            11 => Some(0),
            10 => None,
            d => Some(d as u8),
        }
    }

    /// The NHS number for nine digits, if they have a valid check digit.
    pub fn with_check_digit(first_nine: &str) -> Option<NhsNumber> {
        let b = first_nine.as_bytes();
        if b.len() != 9 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let check = NhsNumber::check_digit(b)?;
        Some(NhsNumber(format!("{first_nine}{check}")))
    }

    /// Numbers beginning 999 are reserved by NHS England for testing; careful's synthetic
    /// councils use only those.
    pub fn is_test_number(&self) -> bool {
        self.0.starts_with("999")
    }

    /// `943 476 5919`.
    pub fn spaced(&self) -> String {
        format!("{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

impl FromStr for NhsNumber {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits: String = s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        let b = digits.as_bytes();
        if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) {
            return Err(error("NHS number", s, "an NHS number has 10 digits"));
        }
        match NhsNumber::check_digit(&b[..9]) {
            Some(check) if check == b[9] - b'0' => Ok(NhsNumber(digits)),
            Some(check) => {
                Err(error("NHS number", s, format!("its check digit should be {check}, not {}", b[9] - b'0')))
            }
            None => Err(error("NHS number", s, "no NHS number has these first nine digits")),
        }
    }
}
string_identifier!(NhsNumber);

/// A UK postcode, upper case with one space before the inward code: `EM1 4QT`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

impl Postcode {
    /// The outward code (`EM1`), which the 903 reports for placements and homes.
    pub fn outward(&self) -> &str {
        self.0.split(' ').next().unwrap_or(&self.0)
    }

    /// The postcode district's area letters (`EM`).
    pub fn area(&self) -> &str {
        let outward = self.outward();
        let end = outward.find(|c: char| c.is_ascii_digit()).unwrap_or(outward.len());
        &outward[..end]
    }
}

impl FromStr for Postcode {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        let b = compact.as_bytes();
        if !b.iter().all(u8::is_ascii_alphanumeric) {
            return Err(error("postcode", s, "a postcode has only letters and digits, such as EM1 4QT"));
        }
        if !(5..=7).contains(&b.len()) {
            return Err(error("postcode", s, "a postcode has 5 to 7 letters and digits, such as EM1 4QT"));
        }
        let (outward, inward) = compact.split_at(b.len() - 3);
        let i = inward.as_bytes();
        if !(i[0].is_ascii_digit() && i[1].is_ascii_alphabetic() && i[2].is_ascii_alphabetic()) {
            return Err(error("postcode", s, "the last part must be a digit and two letters, such as 4QT"));
        }
        let o = outward.as_bytes();
        let shape: String = o
            .iter()
            .map(|c| {
                if c.is_ascii_digit() {
                    '9'
                } else if c.is_ascii_alphabetic() {
                    'A'
                } else {
                    '?'
                }
            })
            .collect();
        if !matches!(shape.as_str(), "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A") {
            return Err(error("postcode", s, "the first part must be like E1, EM1, EM12, E1W or EC1A"));
        }
        Ok(Postcode(format!("{outward} {inward}")))
    }
}
string_identifier!(Postcode);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn child_ids_are_letters_and_digits() {
        assert_eq!("  EM000123 ".parse::<LaChildId>().unwrap().as_str(), "EM000123");
        assert!("".parse::<LaChildId>().is_err());
        assert!("EM-1".parse::<LaChildId>().unwrap_err().to_string().contains("only letters and digits"));
        assert!("A".repeat(21).parse::<LaChildId>().is_err());
    }

    #[test]
    fn upn_check_letter_by_hand() {
        // 8 2 3 1 0 0 1 2 3 4 5 6 with weights 2..13:
        // 16+6+12+5+0+0+8+18+30+44+60+78 = 277; 277 mod 23 = 1 -> B.
        let upn = Upn::with_check_letter("823100123456").unwrap();
        assert_eq!(upn.as_str(), "B823100123456");
        assert!(!upn.is_temporary());
        assert_eq!("b823100123456".parse::<Upn>().unwrap(), upn);
        let err = "A823100123456".parse::<Upn>().unwrap_err();
        assert!(err.to_string().contains("check letter should be B, not A"), "{err}");
    }

    #[test]
    fn temporary_upns_end_in_a_letter() {
        let upn = Upn::with_check_letter("82310012345A").unwrap();
        assert!(upn.is_temporary());
        assert!(Upn::with_check_letter("82310012345I").is_err());
        assert!("A82310012345".parse::<Upn>().unwrap_err().to_string().contains("13 characters"));
        assert!("I823100123456".parse::<Upn>().is_err());
        assert!("A8231001234X6".parse::<Upn>().is_err());
    }

    #[test]
    fn nhs_number_modulus_11() {
        // The NHS's own worked example: 943 476 5919.
        let n: NhsNumber = "943 476 5919".parse().unwrap();
        assert_eq!(n.as_str(), "9434765919");
        assert_eq!(n.spaced(), "943 476 5919");
        assert!("9434765918".parse::<NhsNumber>().unwrap_err().to_string().contains("check digit should be 9, not 8"));
        assert!("943476591".parse::<NhsNumber>().is_err());
        assert_eq!(NhsNumber::with_check_digit("943476591").unwrap(), n);
        // A remainder of 1 gives check value 10: no such number.
        let unusable = (0..1_000u32)
            .map(|i| format!("999{i:06}"))
            .find(|nine| NhsNumber::with_check_digit(nine).is_none())
            .expect("some nine digits have no check digit");
        assert!(format!("{unusable}0").parse::<NhsNumber>().unwrap_err().to_string().contains("no NHS number"));
    }

    #[test]
    fn postcodes_are_normalised() {
        assert_eq!(" em14qt ".parse::<Postcode>().unwrap().as_str(), "EM1 4QT");
        let p: Postcode = "EC1A 1BB".parse().unwrap();
        assert_eq!((p.outward(), p.area()), ("EC1A", "EC"));
        for ok in ["E1 6AN", "EM12 3AB", "W1A 0AX", "M1 1AE"] {
            assert!(ok.parse::<Postcode>().is_ok(), "{ok}");
        }
        for bad in ["", "EM1", "EM1 4Q", "1EM 4QT", "EM1 QQT", "EMMM1 4QT"] {
            assert!(bad.parse::<Postcode>().is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn every_generated_upn_reads_back(rest in "[0-9]{11}[0-9A-HJ-NP-RT-Z]") {
            let upn = Upn::with_check_letter(&rest).unwrap();
            prop_assert_eq!(upn.as_str().parse::<Upn>().unwrap(), upn.clone());
            // Changing any digit breaks the check letter or another rule.
            let mut bytes = upn.as_str().as_bytes().to_vec();
            bytes[5] = if bytes[5] == b'9' { b'0' } else { bytes[5] + 1 };
            prop_assert!(String::from_utf8(bytes).unwrap().parse::<Upn>().is_err());
        }

        #[test]
        fn every_checked_nhs_number_reads_back(nine in "999[0-9]{6}") {
            if let Some(n) = NhsNumber::with_check_digit(&nine) {
                prop_assert!(n.is_test_number());
                prop_assert_eq!(n.as_str().parse::<NhsNumber>().unwrap(), n);
            }
        }

        #[test]
        fn parsing_never_panics(s in "\\PC{0,20}") {
            let _ = s.parse::<Upn>();
            let _ = s.parse::<NhsNumber>();
            let _ = s.parse::<Postcode>();
            let _ = s.parse::<LaChildId>();
        }
    }
}
