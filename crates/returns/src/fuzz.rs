//! What the fuzz targets of the readers and the import share: how many inputs to run, and the
//! mutations that turn a valid synthetic file into an awkward one.
//!
//! Each target (`fuzz_ssda903_csv`, `fuzz_ssda903_xml`, `fuzz_cin`, `fuzz_import`) is a property
//! test that starts from small valid files and applies a few [`Mutation`]s: byte edits with
//! awkward bytes, whole lines duplicated, deleted or swapped (in the seeds every XML element is
//! on a line of its own, so these are whole elements), a CSV cell or an XML element's text
//! replaced with an awkward value, cells of a line deleted, duplicated or swapped (on a CSV's
//! first line, the header's columns), and awkward text (entities, tags, deep nesting, a byte
//! order mark, line ends) spliced in. `scripts/fuzz` runs each target for millions of inputs;
//! the normal test suite runs a few hundred.

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

/// The largest input a target makes (the seeds are a few hundred bytes; a long value or deep
/// nesting takes an input up to this).
pub(crate) const MAX_INPUT: usize = 64 * 1024;

/// Inputs per target when `CAREFUL_FUZZ_CASES` is not set (the normal test suite).
pub(crate) const DEFAULT_CASES: u32 = 300;

/// Inputs per target: `CAREFUL_FUZZ_CASES`, else [`DEFAULT_CASES`].
pub(crate) fn cases() -> u32 {
    std::env::var("CAREFUL_FUZZ_CASES").ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(DEFAULT_CASES)
}

/// The configuration of every target: the number of inputs from `CAREFUL_FUZZ_CASES`, every
/// failing input kept in `proptest-regressions/` beside the target's source (and replayed first
/// by every later run), and no limits that would stop a long run early.
pub(crate) fn config() -> Config {
    Config {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel("proptest-regressions"))),
        max_local_rejects: u32::MAX,
        max_global_rejects: u32::MAX,
        max_shrink_iters: 20_000,
        max_shrink_time: 120_000,
        verbose: 0,
        ..Config::default()
    }
}

/// Text that upsets readers: entities, tags, nesting, byte order marks, line ends, quotes.
const AWKWARD_TEXT: &[&[u8]] = &[
    b"&amp;",
    b"&lt;",
    b"&#0;",
    b"&#x1F600;",
    b"&#99999999;",
    b"&bogus;",
    b"&",
    b"<![CDATA[x]]>",
    b"<![CDATA[",
    b"]]>",
    b"<!-- -->",
    b"<?pi x?>",
    b"<!DOCTYPE x [<!ENTITY e \"eeee\">]>",
    b"<x/>",
    b"</x>",
    b"<",
    b">",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xC3",
    b"\xE2\x80",
    b"\r",
    b"\r\n",
    b"\n\n",
    b"\"",
    b"\"\"",
    b",",
    b",,,,",
    b"\t",
    b"\0",
    b" ",
];

/// Values for a CSV cell or an XML element's text.
const AWKWARD_VALUES: &[&str] = &[
    "",
    " ",
    "29/02/2023",
    "29/02/2024",
    "31/04/2025",
    "00/00/0000",
    "01/01/9999",
    "31/12/9999",
    "01/01/0001",
    "1/4/25",
    "2025-04-01",
    "2025-02-29",
    "2024-02-29",
    "2025-04-31",
    "0000-00-00",
    "9999-12-31",
    "+2025-04-01",
    "2025-04-01T10:00:00",
    "01/04/2025 ",
    " 01/04/2025",
    "0",
    "-1",
    "-0",
    "1.5",
    "1e3",
    "255",
    "256",
    "99999999999999999999",
    "-2147483649",
    "NaN",
    "true",
    "false",
    "TRUE",
    "yes",
    "u1",
    "c2",
    "x1",
    "pr1",
    "wbri",
    "N0",
    "ZZ9",
    "\"unbalanced",
    "a\"b",
    "a,b",
    "a\nb",
    "&amp;",
    "<b>",
    "\u{FEFF}",
    "\u{1F600}",
    "é",
    "EM0001",
    "EM0002",
];

/// A byte likely to upset a CSV or XML reader.
fn awkward_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(b','),
        Just(b'"'),
        Just(b'\n'),
        Just(b'\r'),
        Just(b'<'),
        Just(b'>'),
        Just(b'/'),
        Just(b'&'),
        Just(b';'),
        Just(b'='),
        Just(b' '),
        Just(b'0'),
        Just(b'9'),
        Just(0u8),
        Just(0xFFu8),
        Just(0xC3u8),
        Just(0xA9u8),
        any::<u8>(),
    ]
}

/// A value for a cell or an element: an awkward one, a very long one, or any text.
fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => proptest::sample::select(AWKWARD_VALUES).prop_map(|v| v.as_bytes().to_vec()),
        1 => (1usize..20_000, proptest::sample::select(&[b'A', b'9', b'/', b'"', b' '][..]))
            .prop_map(|(n, b)| vec![b; n]),
        1 => proptest::collection::vec(any::<u8>(), 0..12),
        1 => "[A-Za-z0-9/ -]{0,12}".prop_map(String::into_bytes),
    ]
}

/// Text to splice in: awkward text, or an element name of the seed's layout opened, closed or
/// nested many times.
fn splice(tags: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::sample::select(AWKWARD_TEXT).prop_map(<[u8]>::to_vec),
        2 => (proptest::sample::select(tags), 0u8..3).prop_map(|(tag, how)| match how {
            0 => format!("<{tag}>"),
            1 => format!("</{tag}>"),
            _ => format!("<{tag}/>"),
        }
        .into_bytes()),
        1 => (proptest::sample::select(tags), 1usize..3_000).prop_map(|(tag, depth)| format!("<{tag}>").repeat(depth).into_bytes()),
    ]
}

/// One change to a file.
#[derive(Debug, Clone)]
pub(crate) enum Mutation {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
    Splice(usize, Vec<u8>),
    DuplicateLine(usize),
    DeleteLine(usize),
    SwapLines(usize, usize),
    /// Replaces the `n`th value: a CSV line's cell, or an XML element's text.
    ReplaceValue {
        line: usize,
        n: usize,
        value: Vec<u8>,
    },
    DeleteCell {
        line: usize,
        n: usize,
    },
    DuplicateCell {
        line: usize,
        n: usize,
    },
    SwapCells {
        line: usize,
        a: usize,
        b: usize,
    },
    /// CR-only line ends throughout.
    CrOnly,
    /// A byte order mark before the first byte.
    Bom,
}

/// A mutation, splicing text that includes the element names in `tags`.
pub(crate) fn mutation(tags: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    let place = any::<usize>();
    prop_oneof![
        3 => (place, awkward_byte()).prop_map(|(i, b)| Mutation::Replace(i, b)),
        3 => (place, awkward_byte()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        2 => place.prop_map(Mutation::Delete),
        1 => place.prop_map(Mutation::Truncate),
        3 => (place, splice(tags)).prop_map(|(i, s)| Mutation::Splice(i, s)),
        2 => place.prop_map(Mutation::DuplicateLine),
        2 => place.prop_map(Mutation::DeleteLine),
        2 => (place, place).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        6 => (place, place, value()).prop_map(|(line, n, value)| Mutation::ReplaceValue { line, n, value }),
        1 => (place, place).prop_map(|(line, n)| Mutation::DeleteCell { line, n }),
        1 => (place, place).prop_map(|(line, n)| Mutation::DuplicateCell { line, n }),
        1 => (place, place, place).prop_map(|(line, a, b)| Mutation::SwapCells { line, a, b }),
        1 => Just(Mutation::CrOnly),
        1 => Just(Mutation::Bom),
    ]
}

/// Up to `max` mutations.
pub(crate) fn mutations(tags: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<Mutation>> {
    proptest::collection::vec(mutation(tags), 0..=max)
}

/// The file's lines, each with its line end.
fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes.split_inclusive(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

/// A line's cells (split at commas, quotes not considered: a mutation may well split a quoted
/// cell) and its line end.
fn cells(line: &[u8]) -> (Vec<Vec<u8>>, Vec<u8>) {
    let body_len = line.iter().rposition(|&b| b != b'\n' && b != b'\r').map_or(0, |i| i + 1);
    let (body, end) = line.split_at(body_len);
    (body.split(|&b| b == b',').map(<[u8]>::to_vec).collect(), end.to_vec())
}

/// Changes the cells of the `line`th line (modulo the number of lines).
fn edit_cells(bytes: &mut Vec<u8>, line: usize, edit: impl FnOnce(&mut Vec<Vec<u8>>)) {
    let mut all = lines(bytes);
    if all.is_empty() {
        return;
    }
    let i = line % all.len();
    let (mut cs, end) = cells(&all[i]);
    edit(&mut cs);
    let mut joined = cs.join(&b","[..]);
    joined.extend_from_slice(&end);
    all[i] = joined;
    *bytes = all.concat();
}

/// The spans of element text in XML: the bytes between a `>` and the next `<`, where there are
/// any that are not white space.
fn text_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'>' => start = Some(i + 1),
            b'<' => {
                if let Some(s) = start.take()
                    && bytes[s..i].iter().any(|b| !b.is_ascii_whitespace())
                {
                    spans.push((s, i));
                }
            }
            _ => {}
        }
    }
    spans
}

/// Applies the mutations in order. XML (`xml`) has its element text replaced where CSV has a
/// cell. The result is cut to [`MAX_INPUT`] bytes.
pub(crate) fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation], xml: bool) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len();
        match m {
            Mutation::Replace(i, b) if len > 0 => bytes[i % len] = *b,
            Mutation::Insert(i, b) => bytes.insert(i % (len + 1), *b),
            Mutation::Delete(i) if len > 0 => {
                bytes.remove(i % len);
            }
            Mutation::Truncate(i) => bytes.truncate(i % (len + 1)),
            Mutation::Splice(i, text) => {
                let at = i % (len + 1);
                bytes.splice(at..at, text.iter().copied());
            }
            Mutation::DuplicateLine(i) => {
                let mut all = lines(&bytes);
                if !all.is_empty() {
                    let i = i % all.len();
                    let copy = all[i].clone();
                    all.insert(i, copy);
                    bytes = all.concat();
                }
            }
            Mutation::DeleteLine(i) => {
                let mut all = lines(&bytes);
                if !all.is_empty() {
                    all.remove(i % all.len());
                    bytes = all.concat();
                }
            }
            Mutation::SwapLines(a, b) => {
                let mut all = lines(&bytes);
                if !all.is_empty() {
                    let n = all.len();
                    all.swap(a % n, b % n);
                    bytes = all.concat();
                }
            }
            Mutation::ReplaceValue { line, n, value } => {
                if xml {
                    let spans = text_spans(&bytes);
                    if !spans.is_empty() {
                        let (s, e) = spans[n % spans.len()];
                        bytes.splice(s..e, value.iter().copied());
                    }
                } else {
                    edit_cells(&mut bytes, *line, |cs| {
                        let k = n % cs.len();
                        cs[k] = value.clone();
                    });
                }
            }
            Mutation::DeleteCell { line, n } => edit_cells(&mut bytes, *line, |cs| {
                if cs.len() > 1 {
                    cs.remove(n % cs.len());
                }
            }),
            Mutation::DuplicateCell { line, n } => edit_cells(&mut bytes, *line, |cs| {
                let k = n % cs.len();
                let copy = cs[k].clone();
                cs.insert(k, copy);
            }),
            Mutation::SwapCells { line, a, b } => edit_cells(&mut bytes, *line, |cs| {
                let n = cs.len();
                cs.swap(a % n, b % n);
            }),
            Mutation::CrOnly => {
                let mut out = Vec::with_capacity(bytes.len());
                for &b in &bytes {
                    if b != b'\n' {
                        out.push(b);
                    } else if out.last() != Some(&b'\r') {
                        out.push(b'\r');
                    }
                }
                bytes = out;
            }
            Mutation::Bom => {
                bytes.splice(0..0, *b"\xEF\xBB\xBF");
            }
            _ => {}
        }
        bytes.truncate(MAX_INPUT);
    }
    bytes
}

/// The number of lines of a file, however its lines end (the most a reader can make rows of).
pub(crate) fn line_count(bytes: &[u8]) -> usize {
    1 + bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count()
}

/// The number of elements a file could hold (the most an XML reader can make rows of).
pub(crate) fn tag_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'<').count()
}

/// A small synthetic SSDA903 return for 2025-26 as CSV files, one per table: three children
/// (one moving placement and legal status and going missing, one looked after since the year
/// before and ceasing UASC status, one placed for adoption), each table a few rows. The
/// `fuzz_import` target checks that it imports with no child refused.
pub(crate) const SEED_903_CSV: &[(&str, &str)] = &[
    (
        "header.csv",
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n\
         EM0001,2,14/03/2012,WBRI,UN5,,\r\n\
         EM0002,1,02/02/2008,AIND,UN1,,\r\n\
         EM0003,1,05/05/2021,MWBC,UN5,,\r\n",
    ),
    (
        "episodes.csv",
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n\
         EM0001,10/05/2025,S,V2,N1,U6,PR1,01/08/2025,X1,,EM1 1AA,EM2 2BB,\r\n\
         EM0001,01/08/2025,L,C1,N1,U6,PR1,15/09/2025,X1,CHILD,EM1 1AA,EM2 2BB,\r\n\
         EM0001,15/09/2025,P,C1,N1,K2,PR4,20/02/2026,E13,,EM1 1AA,EM3 3CC,SC000001\r\n\
         EM0002,15/06/2024,S,V2,N4,U1,PR1,,,,EM1 4QT,EM5 5EE,\r\n\
         EM0003,01/05/2025,S,C2,N1,U3,PR1,01/11/2025,E11,,EM6 6FF,EM7 7GG,\r\n\
         EM0003,01/11/2025,P,E1,N1,A5,PR1,,,,EM6 6FF,EM8 8HH,\r\n",
    ),
    (
        "reviews.csv",
        "CHILD,DOB,REVIEW,REVIEW_CODE\r\n\
         EM0001,14/03/2012,20/06/2025,PN1\r\n\
         EM0001,14/03/2012,10/12/2025,PN3\r\n\
         EM0002,02/02/2008,01/07/2025,PN0\r\n",
    ),
    ("uasc.csv", "CHILD,SEX,DOB,DUC\r\nEM0002,1,02/02/2008,02/02/2026\r\n"),
    (
        "missing.csv",
        "CHILD,DOB,MISSING,MIS_START,MIS_END\r\n\
         EM0001,14/03/2012,M,03/07/2025,05/07/2025\r\n\
         EM0001,14/03/2012,A,11/11/2025,\r\n",
    ),
    (
        "oc2.csv",
        "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,\
         SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\r\n\
         EM0002,02/02/2008,12,SDQ1,0,1,1,1,1,0,,\r\n",
    ),
    (
        "placed_adoption.csv",
        "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\r\n\
         EM0003,05/05/2021,15/09/2025,,\r\n",
    ),
    (
        "sw_episodes.csv",
        "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\r\n\
         EM0001,14/03/2012,SW123456,10/05/2025,01/12/2025,MANAGE\r\n\
         EM0001,14/03/2012,SW654321,01/12/2025,,\r\n",
    ),
];

/// Element names of the SSDA903 XML form, for splicing in tags.
pub(crate) const SSDA903_XML_TAGS: &[&str] =
    &["EXPSSDA903", "CHILD", "HEADER", "EPISODE", "AREVIEW", "REVIEW", "OC2", "DOB", "CHILDID", "UASC", "PL"];

/// Cell names of the SSDA903 CSV files, for splicing in "tags" (which a CSV reader must take as
/// text).
pub(crate) const SSDA903_CSV_TAGS: &[&str] = &["CHILD", "DOB", "DECOM", "REVIEW", "x"];

/// How a target's inputs fared, printed once the run's last input is done (`scripts/fuzz` shows
/// it), so that a run shows how deep its inputs went and not only that none failed.
pub(crate) struct Tally {
    target: &'static str,
    outcomes: [&'static str; 3],
    counts: [std::sync::atomic::AtomicU64; 3],
    total: std::sync::atomic::AtomicU64,
}

impl Tally {
    pub(crate) const fn new(target: &'static str, outcomes: [&'static str; 3]) -> Tally {
        use std::sync::atomic::AtomicU64;
        Tally {
            target,
            outcomes,
            counts: [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)],
            total: AtomicU64::new(0),
        }
    }

    /// Counts an input with the `i`th outcome.
    pub(crate) fn count(&self, i: usize) {
        use std::sync::atomic::Ordering::Relaxed;
        static CASES: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        self.counts[i].fetch_add(1, Relaxed);
        let done = self.total.fetch_add(1, Relaxed) + 1;
        if done == *CASES.get_or_init(|| u64::from(cases())) {
            let parts: Vec<String> =
                self.outcomes.iter().zip(&self.counts).map(|(o, c)| format!("{} {o}", c.load(Relaxed))).collect();
            eprintln!("fuzz {}: {done} inputs: {}", self.target, parts.join(", "));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_do_what_they_say() {
        let csv = b"A,B,C\r\n1,2,3\n".to_vec();
        let swap = [Mutation::SwapCells { line: 0, a: 0, b: 2 }];
        assert_eq!(mutate(csv.clone(), &swap, false), b"C,B,A\r\n1,2,3\n");
        let replace = [Mutation::ReplaceValue { line: 1, n: 1, value: b"x".to_vec() }];
        assert_eq!(mutate(csv.clone(), &replace, false), b"A,B,C\r\n1,x,3\n");
        assert_eq!(mutate(csv.clone(), &[Mutation::DeleteLine(0)], false), b"1,2,3\n");
        assert_eq!(mutate(csv.clone(), &[Mutation::CrOnly], false), b"A,B,C\r1,2,3\r");
        let xml = b"<A>\n<B>1</B>\n<C>2</C>\n</A>\n".to_vec();
        let replace = [Mutation::ReplaceValue { line: 0, n: 1, value: b"&amp;".to_vec() }];
        assert_eq!(mutate(xml.clone(), &replace, true), b"<A>\n<B>1</B>\n<C>&amp;</C>\n</A>\n");
        assert_eq!(mutate(xml, &[Mutation::SwapLines(1, 2)], true), b"<A>\n<C>2</C>\n<B>1</B>\n</A>\n");
        let long = [Mutation::Splice(0, vec![b'x'; MAX_INPUT + 10])];
        assert_eq!(mutate(Vec::new(), &long, false).len(), MAX_INPUT);
    }
}
