//! Matching people's names, for search and for finding a child careful may already hold.
//!
//! Three ways a name typed into a search can match a name in a record, closest first
//! ([`NameMatch`]):
//!
//! - **exact**: the same letters, once both are [`normalise`]d (case, accents, spaces, hyphens and
//!   apostrophes set aside: `O'Neill` is `oneill`, `Zoë` is `zoe`);
//! - **partial**: the record's name begins with what was typed (`Smi` finds `Smith`,
//!   `Smith-Jones`);
//! - **sounds like**: both have the same [`Soundex`] code (`Smyth` finds `Smith`, `Jonson` finds
//!   `Johnson`).
//!
//! [`Soundex`] is American Soundex as the US National Archives describe it for indexing the
//! census ("The Soundex Indexing System", National Archives and Records Administration), coded
//! here from that description: keep the first letter; code the rest `B F P V` 1, `C G J K Q S X
//! Z` 2, `D T` 3, `L` 4, `M N` 5, `R` 6; disregard vowels, `H`, `W` and `Y`; letters side by
//! side with the same code (the first letter included) are coded once, and so are two with the
//! same code separated only by `H` or `W`, but two separated by a vowel are coded twice; pad
//! with zeros or cut to a letter and three digits. The Archives disregard `Y` like a vowel
//! without saying whether it separates two letters; careful lets it separate them, as it does
//! the vowels. The Archives' rule for prefixes (`Van`, `Con`, `De`, `Di`, `La`, `Le`: code the
//! name with and without) is not applied: a name is coded as written, so `Van Deusen` is V532
//! and is not found by `Deusen` (D250). Soundex keeps the first letter, so names that differ
//! in it (`Catherine`, `Katherine`) do not sound alike to it; nor do names written in a
//! non-Latin script, which have no Soundex code (their exact and partial matches still work).
//!
//! Pure functions: no IO.

use std::fmt;

/// A name as compared: lower case, accents taken off Latin letters, and everything that is not
/// a letter (spaces, hyphens, apostrophes, full stops, digits) left out. Letters of other
/// scripts are kept, in lower case.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if let Some(plain) = unaccented(c) {
            out.push_str(plain);
        } else if c.is_alphabetic() {
            out.push(c);
        }
    }
    out
}

/// The plain letters for a lower-case Latin letter with an accent (or a ligature), or the letter
/// itself for a plain one; `None` for anything else.
fn unaccented(c: char) -> Option<&'static str> {
    Some(match c {
        'a'..='z' => {
            const LETTERS: [&str; 26] = [
                "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t",
                "u", "v", "w", "x", "y", "z",
            ];
            LETTERS[(c as u8 - b'a') as usize]
        }
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// An American Soundex code: a capital letter and three digits, such as `R163`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Soundex([u8; 4]);

impl Soundex {
    /// The code of a name, or `None` if it has no Latin letter (an empty name, or one written
    /// only in another script). The name is [`normalise`]d first, so accents, spaces, hyphens
    /// and apostrophes make no difference: `O'Neill` is O540 and `Smith-Jones` S532.
    pub fn of(name: &str) -> Option<Soundex> {
        let letters: Vec<u8> = normalise(name).bytes().filter(u8::is_ascii_lowercase).collect();
        let (&first, rest) = letters.split_first()?;
        let mut code = [first.to_ascii_uppercase(), b'0', b'0', b'0'];
        let mut len = 1;
        // The code of the last letter coded or passed over: letters with the same code side by
        // side (or with only H or W between them) are coded once; a vowel resets it.
        let mut last = digit(first);
        for &c in rest {
            if len == 4 {
                break;
            }
            match c {
                b'a' | b'e' | b'i' | b'o' | b'u' | b'y' => last = None,
                b'h' | b'w' => {}
                _ => {
                    let d = digit(c);
                    if d != last
                        && let Some(d) = d
                    {
                        code[len] = d;
                        len += 1;
                    }
                    last = d;
                }
            }
        }
        Some(Soundex(code))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("a Soundex code is ASCII")
    }
}

/// The Soundex digit of a consonant that has one.
fn digit(c: u8) -> Option<u8> {
    match c {
        b'b' | b'f' | b'p' | b'v' => Some(b'1'),
        b'c' | b'g' | b'j' | b'k' | b'q' | b's' | b'x' | b'z' => Some(b'2'),
        b'd' | b't' => Some(b'3'),
        b'l' => Some(b'4'),
        b'm' | b'n' => Some(b'5'),
        b'r' => Some(b'6'),
        _ => None,
    }
}

impl fmt::Display for Soundex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name prepared for matching: its normalised letters and its Soundex code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameKey {
    normalised: String,
    soundex: Option<Soundex>,
}

impl NameKey {
    /// The key of a name, or `None` if it has no letters at all.
    pub fn new(name: &str) -> Option<NameKey> {
        let normalised = normalise(name);
        if normalised.is_empty() {
            return None;
        }
        Some(NameKey { soundex: Soundex::of(&normalised), normalised })
    }

    pub fn normalised(&self) -> &str {
        &self.normalised
    }

    pub fn soundex(&self) -> Option<Soundex> {
        self.soundex
    }

    /// How a name in a record (`candidate`) matches this one as typed, if it does.
    pub fn matches(&self, candidate: &NameKey) -> Option<NameMatch> {
        if candidate.normalised == self.normalised {
            Some(NameMatch::Exact)
        } else if candidate.normalised.starts_with(&self.normalised) {
            Some(NameMatch::Partial)
        } else if self.soundex.is_some() && candidate.soundex == self.soundex {
            Some(NameMatch::SoundsLike)
        } else {
            None
        }
    }
}

/// How a name matched, closest first (so the derived order ranks closer matches first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameMatch {
    /// The same name.
    Exact,
    /// The record's name begins with what was typed.
    Partial,
    /// A different spelling with the same Soundex code.
    SoundsLike,
}

impl NameMatch {
    pub fn describe(self) -> &'static str {
        match self {
            NameMatch::Exact => "same name",
            NameMatch::Partial => "name begins with what was typed",
            NameMatch::SoundsLike => "name sounds the same",
        }
    }
}

/// A whole name written as one (as people in a child's life are recorded): the last word is
/// the family name and the words before it the given names. A one-word name is taken as the
/// family name.
pub fn split_full_name(name: &str) -> (String, String) {
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.split_last() {
        None => (String::new(), String::new()),
        Some((family, given)) => (given.join(" "), (*family).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(name: &str) -> String {
        Soundex::of(name).map(|s| s.to_string()).unwrap_or_default()
    }

    #[test]
    fn the_national_archives_worked_examples() {
        // "The Soundex Indexing System": the examples the Archives give for each rule.
        assert_eq!(code("Robert"), "R163");
        assert_eq!(code("Rupert"), "R163");
        assert_eq!(code("Gutierrez"), "G362", "double letters are coded once");
        assert_eq!(code("Pfister"), "P236", "F has the first letter's code, so is not coded");
        assert_eq!(code("Jackson"), "J250", "C, K and S side by side are coded once");
        assert_eq!(code("Tymczak"), "T522", "a vowel between two 2s: both are coded");
        assert_eq!(code("Ashcraft"), "A261", "H between two 2s: coded once");
        assert_eq!(code("Honeyman"), "H555");
        assert_eq!(code("VanDeusen"), "V532", "coded as written, without taking off the prefix");
        assert_eq!(code("Lee"), "L000", "padded with zeros");
    }

    #[test]
    fn misspellings_social_workers_meet_sound_the_same() {
        for (a, b) in [
            ("Smith", "Smyth"),
            ("Johnson", "Jonson"),
            ("Mohammed", "Muhammad"),
            ("Philips", "Phillips"),
            ("Stephens", "Stevens"),
            ("Reid", "Read"),
        ] {
            assert_eq!(code(a), code(b), "{a} and {b}");
        }
        assert_eq!(code("Smith"), "S530");
        assert_eq!(code("Johnson"), "J525");
        // Soundex keeps the first letter: these do not sound alike to it.
        assert_ne!(code("Catherine"), code("Katherine"));
        assert_ne!(code("Smith"), code("Jones"));
    }

    #[test]
    fn apostrophes_hyphens_spaces_and_accents_make_no_difference() {
        assert_eq!(normalise("O'Neill"), "oneill");
        assert_eq!(normalise("O’Neill"), "oneill");
        assert_eq!(code("O'Neill"), "O540");
        assert_eq!(code("O'Neill"), code("Oneill"));
        assert_eq!(normalise("Smith-Jones"), "smithjones");
        assert_eq!(code("Smith-Jones"), "S532");
        assert_eq!(code("Smith Jones"), code("Smith-Jones"));
        assert_eq!(normalise("  Zoë  "), "zoe");
        assert_eq!(normalise("Müller"), "muller");
        assert_eq!(code("Müller"), code("Muller"));
        assert_eq!(normalise("Łukasz Wałęsa"), "lukaszwalesa");
        assert_eq!(normalise("Søren Ærø"), "sorenaero");
        assert_eq!(normalise("Straße"), "strasse");
        assert_eq!(normalise("Dr. J. St.John"), "drjstjohn");
    }

    #[test]
    fn empty_names_and_other_scripts_have_no_code() {
        assert_eq!(Soundex::of(""), None);
        assert_eq!(Soundex::of("   "), None);
        assert_eq!(Soundex::of("'-."), None);
        assert_eq!(Soundex::of("1234"), None);
        assert_eq!(NameKey::new(" - "), None);
        // Cyrillic: kept for exact and partial matching, no Soundex code.
        let key = NameKey::new("Иван").unwrap();
        assert_eq!(key.normalised(), "иван");
        assert_eq!(key.soundex(), None);
        assert_eq!(NameKey::new("иВАН").unwrap().matches(&key), Some(NameMatch::Exact));
        // A name with no code never sounds like another with none.
        assert_eq!(NameKey::new("Пётр").unwrap().matches(&key), None);
        // Latin letters among others are coded.
        assert_eq!(code("Ivan Иван"), "I150");
    }

    #[test]
    fn matches_closest_first() {
        let typed = NameKey::new("smith").unwrap();
        let m = |name: &str| typed.matches(&NameKey::new(name).unwrap());
        assert_eq!(m("Smith"), Some(NameMatch::Exact));
        assert_eq!(m("SMITH"), Some(NameMatch::Exact));
        assert_eq!(m("Smith-Jones"), Some(NameMatch::Partial));
        assert_eq!(m("Smithers"), Some(NameMatch::Partial));
        assert_eq!(m("Smyth"), Some(NameMatch::SoundsLike));
        assert_eq!(m("Jones"), None);
        assert_eq!(m("Smi"), None, "a shorter name does not begin with what was typed");
        let partial = NameKey::new("Jon").unwrap();
        assert_eq!(partial.matches(&NameKey::new("Jonathan").unwrap()), Some(NameMatch::Partial));
        assert_eq!(partial.matches(&NameKey::new("John").unwrap()), Some(NameMatch::SoundsLike));
        assert!(NameMatch::Exact < NameMatch::Partial && NameMatch::Partial < NameMatch::SoundsLike);
    }

    #[test]
    fn full_names_split_into_given_and_family() {
        assert_eq!(split_full_name("Sarah Jane Smith"), ("Sarah Jane".into(), "Smith".into()));
        assert_eq!(split_full_name("  Smith "), (String::new(), "Smith".into()));
        assert_eq!(split_full_name(""), (String::new(), String::new()));
        assert_eq!(split_full_name("Amy Smith-Jones"), ("Amy".into(), "Smith-Jones".into()));
    }

    proptest! {
        #[test]
        fn every_code_is_a_letter_and_three_digits(name in "\\PC{0,30}") {
            if let Some(s) = Soundex::of(&name) {
                let b = s.as_str().as_bytes();
                prop_assert_eq!(b.len(), 4);
                prop_assert!(b[0].is_ascii_uppercase());
                prop_assert!(b[1..].iter().all(|d| (b'0'..=b'6').contains(d)));
            }
            let n = normalise(&name);
            prop_assert!(n.chars().all(char::is_alphabetic));
            prop_assert_eq!(normalise(&n), n.clone());
        }

        #[test]
        fn a_name_matches_itself_exactly_and_its_beginnings_partly(name in "[A-Za-z' -]{1,20}", cut in 1usize..20) {
            if let Some(key) = NameKey::new(&name) {
                prop_assert_eq!(key.matches(&key), Some(NameMatch::Exact));
                let n = key.normalised();
                if cut < n.len() {
                    let start = NameKey::new(&n[..cut]).unwrap();
                    prop_assert_eq!(start.matches(&key), Some(NameMatch::Partial));
                }
            }
        }
    }
}
