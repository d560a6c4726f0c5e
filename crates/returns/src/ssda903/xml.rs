//! The XML form of the SSDA903 return, DfE's "expanded SSDA903" layout (`EXPSSDA903`).
//!
//! ```text
//! EXPSSDA903
//! └── CHILD (repeated)
//!     ├── HEADER: CHILDID, UPN, SEX, DOB, ETHNIC, UASC, DUC, DATE_INT, DATE_MATCH, FOSTER_CARE,
//!     │   NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR, IN_TOUCH, ACTIV, ACCOM, MOTHER, MC_DOB and the
//!     │   repeated groups AREVIEW (REVIEW, REVIEW_CODE), AMISSING (MISSING, MIS_START, MIS_END),
//!     │   PERMANENCE (PREV_PERM, LA_PERM, DATE_PERM), OC2 (the OC2 items) and AD_PLACED
//!     │   (DATE_PLACED, DATE_PLACED_CEASED, REASON_PLACED_CEASED)
//!     └── EPISODE (repeated): DECOM, RNE, LS, CIN, PL, PL_POST, HOME_POST, URN,
//!         PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE
//! ```
//!
//! The reader turns it into the same tables as the CSV form, as DfE's validator does:
//!
//! - CHILDID is the tables' CHILD and PL is Episodes' PLACE; every row also takes the child's
//!   DOB and SEX from the HEADER where its table has those columns.
//! - One Header row per CHILD, with an extra column, [`super::XML_HEADER_UASC`], holding the
//!   `<UASC>` element as written (the CSV form has no such column).
//! - One row per EPISODE, AREVIEW (Reviews), AMISSING (Missing), PERMANENCE (PrevPerm), OC2
//!   and AD_PLACED (PlacedAdoption) element.
//! - A UASC row when `<UASC>` holds something other than `0`, or `<DUC>` is not blank (so that
//!   a date UASC ceased is never lost, even beside UASC 0, which DfE rule 303 reports). DfE's
//!   validator makes one whenever `<UASC>` has text, even `0`; careful does not, because a row
//!   in the UASC table says the child is UASC.
//! - An OC3 row when any of IN_TOUCH, ACTIV or ACCOM is not blank; an AD1 row when any of the
//!   adoption items (DATE_INT ... LS_ADOPTR) is not blank.
//! - There are no SWEpisodes or DoLo tables: the layout has no elements for them.
//!
//! Each row's line is the line of the element it was made from. An element the layout does not
//! have is an error rather than being ignored, so that nothing the council wrote is silently
//! dropped; element names are case-sensitive, as in all XML. Only UTF-8 is read.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::model::{Format, Return, TableData};
use super::read::{ReadError, ReadErrorKind};
use super::{Table, XML_HEADER_UASC};

const ROOT: &str = "EXPSSDA903";

const HEADER_LEAVES: &[&str] = &[
    "CHILDID",
    "UPN",
    "SEX",
    "DOB",
    "ETHNIC",
    "UASC",
    "DUC",
    "DATE_INT",
    "DATE_MATCH",
    "FOSTER_CARE",
    "NB_ADOPTR",
    "SEX_ADOPTR",
    "LS_ADOPTR",
    "IN_TOUCH",
    "ACTIV",
    "ACCOM",
    "MOTHER",
    "MC_DOB",
];

/// The HEADER's repeated groups: element, leaves, and the table each becomes.
const HEADER_GROUPS: &[(&str, &[&str], Table)] = &[
    ("AREVIEW", &["REVIEW", "REVIEW_CODE"], Table::Reviews),
    ("AMISSING", &["MISSING", "MIS_START", "MIS_END"], Table::Missing),
    ("PERMANENCE", &["PREV_PERM", "LA_PERM", "DATE_PERM"], Table::PrevPerm),
    (
        "OC2",
        &[
            "SDQ_SCORE",
            "SDQ_REASON",
            "CONVICTED",
            "HEALTH_CHECK",
            "IMMUNISATIONS",
            "TEETH_CHECK",
            "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED",
        ],
        Table::Oc2,
    ),
    ("AD_PLACED", &["DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"], Table::PlacedAdoption),
];

const EPISODE_LEAVES: &[&str] = &[
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PL",
    "PL_POST",
    "HOME_POST",
    "URN",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
];

const OC3_LEAVES: &[&str] = &["IN_TOUCH", "ACTIV", "ACCOM"];
const AD1_LEAVES: &[&str] = &["DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"];

/// The tables the XML form fills, in [`Table::ALL`] order.
const XML_TABLES: &[Table] = &[
    Table::Header,
    Table::Episodes,
    Table::Reviews,
    Table::Uasc,
    Table::Oc2,
    Table::Oc3,
    Table::Ad1,
    Table::PlacedAdoption,
    Table::PrevPerm,
    Table::Missing,
];

/// The columns of a table read from XML: DfE's, and for the Header the `<UASC>` element too.
fn xml_columns(table: Table) -> &'static [&'static str] {
    const HEADER: &[&str] = &["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB", XML_HEADER_UASC];
    if table == Table::Header { HEADER } else { table.columns() }
}

/// Reads a whole return from an `EXPSSDA903` file (held in memory whole: XML is not read in
/// pieces, and even a large council's file is some tens of megabytes).
pub(crate) fn read_xml(file: &str, bytes: &[u8]) -> Result<Return, ReadError> {
    let text = std::str::from_utf8(bytes).map_err(|e| not_utf8_error(file, bytes, e))?;
    let mut parser = Parser { file, reader: Reader::from_str(text), lines: Lines { text: bytes, pos: 0, line: 1 } };
    let mut tables: Vec<TableData> =
        XML_TABLES.iter().map(|&t| TableData::new(t, file, xml_columns(t).to_vec())).collect();
    parser.document(&mut tables)?;
    let mut ret = Return::new(Format::Xml);
    for t in tables {
        ret.insert(t);
    }
    Ok(ret)
}

/// The error for an XML file that is not UTF-8: the line of the first byte that is not, and
/// what to do (save the file again as UTF-8; an XML file is not saved from Excel as CSV).
pub(crate) fn not_utf8_error(file: &str, bytes: &[u8], e: std::str::Utf8Error) -> ReadError {
    let line = 1 + memchr_count(b'\n', &bytes[..e.valid_up_to()]);
    let bad = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
    let problem = format!(
        "the file is not UTF-8 text: byte 0x{bad:02X} on this line is not UTF-8 (the file may have been \
         saved as Latin-1, Windows-1252 or UTF-16). Export or save the XML file again as UTF-8 and give that file"
    );
    ReadError::new(file, ReadErrorKind::Encoding, problem).at_line(line)
}

fn memchr_count(needle: u8, haystack: &[u8]) -> u64 {
    haystack.iter().filter(|&&b| b == needle).count() as u64
}

/// Turns byte offsets into line numbers, moving forward through the text.
pub(crate) struct Lines<'a> {
    text: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a [u8]) -> Lines<'a> {
        Lines { text, pos: 0, line: 1 }
    }

    pub(crate) fn at(&mut self, offset: u64) -> u64 {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX).min(self.text.len());
        if offset < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        self.line += memchr_count(b'\n', &self.text[self.pos..offset]);
        self.pos = offset;
        self.line
    }
}

/// A HEADER, EPISODE or group element: its leaves' values and lines, and its groups.
struct Record {
    line: u64,
    values: Vec<Option<String>>,
    value_lines: Vec<u64>,
    /// One list per group element kind, in the order of the groups given.
    groups: Vec<Vec<Record>>,
}

struct Parser<'a> {
    file: &'a str,
    reader: Reader<&'a [u8]>,
    lines: Lines<'a>,
}

impl<'a> Parser<'a> {
    fn error(&self, line: u64, problem: impl Into<String>) -> ReadError {
        ReadError::new(self.file, ReadErrorKind::Xml, problem).at_line(line)
    }

    /// The next event and the line it starts on.
    fn next(&mut self) -> Result<(Event<'a>, u64), ReadError> {
        let start = self.reader.buffer_position();
        match self.reader.read_event() {
            Ok(event) => {
                let line = self.lines.at(start);
                Ok((event, line))
            }
            Err(e) => {
                let line = self.lines.at(self.reader.error_position());
                Err(self.error(
                    line,
                    format!("the XML is not well formed: {e}. Check the file is complete and was not edited by hand"),
                ))
            }
        }
    }

    fn document(&mut self, tables: &mut [TableData]) -> Result<(), ReadError> {
        // Up to the root element.
        let root_empty = loop {
            match self.next()? {
                (Event::Start(e), line) => break self.check_root(&name_of(&e), line).map(|()| false)?,
                (Event::Empty(e), line) => break self.check_root(&name_of(&e), line).map(|()| true)?,
                (Event::Eof, line) => return Err(self.error(line, "the file has no XML elements")),
                (Event::Text(t), line) if !is_blank(&t.xml10_content()) => {
                    return Err(self.error(line, "the file has text before its first XML element"));
                }
                _ => {}
            }
        };
        if !root_empty {
            loop {
                match self.next()? {
                    (Event::Start(e), line) if name_of(&e) == "CHILD" => self.child(line, tables)?,
                    (Event::Empty(e), line) if name_of(&e) == "CHILD" => {
                        return Err(self.error(line, "this <CHILD> is empty: each CHILD needs a HEADER"));
                    }
                    (Event::End(_), _) => break,
                    (Event::Start(e) | Event::Empty(e), line) => {
                        return Err(self.unexpected(&name_of(&e), ROOT, &["CHILD"], line));
                    }
                    (Event::Eof, line) => {
                        return Err(self.error(line, format!("the file ends before </{ROOT}>: it may be cut short")));
                    }
                    (event, line) => self.allow_between_elements(&event, ROOT, line)?,
                }
            }
        }
        // Nothing but spaces, comments and processing instructions may follow the root.
        loop {
            match self.next()? {
                (Event::Eof, _) => return Ok(()),
                (Event::Start(e) | Event::Empty(e), line) => {
                    return Err(self.error(
                        line,
                        format!("<{}> follows the end of <{ROOT}>: a file holds one return", name_of(&e)),
                    ));
                }
                (event, line) => self.allow_between_elements(&event, ROOT, line)?,
            }
        }
    }

    fn check_root(&self, name: &str, line: u64) -> Result<(), ReadError> {
        if name == ROOT {
            return Ok(());
        }
        let hint = if name == "Message" {
            " This looks like a Children in Need census file, not an SSDA903 return."
        } else {
            ""
        };
        Err(self.error(line, format!("the XML's root element is <{name}>, but an SSDA903 return's is <{ROOT}>.{hint}")))
    }

    fn unexpected(&self, name: &str, parent: &str, allowed: &[&str], line: u64) -> ReadError {
        let allowed: Vec<String> = allowed.iter().map(|a| format!("<{a}>")).collect();
        self.error(
            line,
            format!(
                "<{name}> is not an element of <{parent}> in the SSDA903 XML layout, so careful cannot read it; \
                 <{parent}> holds {}",
                allowed.join(", ")
            ),
        )
    }

    /// Spaces, comments and processing instructions may stand between elements; text may not.
    fn allow_between_elements(&self, event: &Event<'a>, parent: &str, line: u64) -> Result<(), ReadError> {
        let stray = match event {
            Event::Text(t) => !is_blank(&t.xml10_content()),
            Event::CData(t) => !is_blank(&t.xml10_content()),
            Event::GeneralRef(_) => true,
            _ => false,
        };
        if stray {
            Err(self.error(
                line,
                format!("<{parent}> holds text outside its elements; text belongs inside an element such as <DOB>"),
            ))
        } else {
            Ok(())
        }
    }

    fn child(&mut self, child_line: u64, tables: &mut [TableData]) -> Result<(), ReadError> {
        let groups: Vec<(&str, &[&str])> = HEADER_GROUPS.iter().map(|(g, leaves, _)| (*g, *leaves)).collect();
        let mut header: Option<Record> = None;
        let mut episodes: Vec<Record> = Vec::new();
        loop {
            match self.next()? {
                (Event::Start(e), line) => match name_of(&e).as_ref() {
                    "HEADER" => {
                        if header.is_some() {
                            return Err(self.error(line, "this CHILD has a second <HEADER>: each CHILD has one"));
                        }
                        header = Some(self.record("HEADER", line, HEADER_LEAVES, &groups)?);
                    }
                    "EPISODE" => episodes.push(self.record("EPISODE", line, EPISODE_LEAVES, &[])?),
                    other => return Err(self.unexpected(other, "CHILD", &["HEADER", "EPISODE"], line)),
                },
                (Event::Empty(e), line) => match name_of(&e).as_ref() {
                    "HEADER" => return Err(self.error(line, "this <HEADER> is empty: it needs at least CHILDID")),
                    "EPISODE" => episodes.push(empty_record(line, EPISODE_LEAVES, 0)),
                    other => return Err(self.unexpected(other, "CHILD", &["HEADER", "EPISODE"], line)),
                },
                (Event::End(_), _) => break,
                (Event::Eof, line) => {
                    return Err(self.error(line, "the file ends inside a <CHILD>: it may be cut short"));
                }
                (event, line) => self.allow_between_elements(&event, "CHILD", line)?,
            }
        }
        let Some(header) = header else {
            return Err(self.error(child_line, "this <CHILD> has no <HEADER>: each CHILD needs one, holding CHILDID"));
        };
        emit(&header, &episodes, tables).map_err(|()| {
            self.error(
                child_line,
                "this <CHILD> makes a row of more than 64 KiB, or the file more than 4 GiB of text in one \
                 table, more than careful can hold; check it is the right file",
            )
        })
    }

    /// Reads an element holding leaves and repeated groups, up to its end tag.
    fn record(
        &mut self,
        element: &str,
        line: u64,
        leaves: &[&str],
        groups: &[(&str, &[&str])],
    ) -> Result<Record, ReadError> {
        let mut record = empty_record(line, leaves, groups.len());
        let mut seen = vec![false; leaves.len()];
        let allowed = || leaves.iter().chain(groups.iter().map(|(g, _)| g)).copied().collect::<Vec<_>>();
        loop {
            let (event, event_line) = self.next()?;
            let (start, empty) = match &event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(_) => return Ok(record),
                Event::Eof => {
                    return Err(
                        self.error(event_line, format!("the file ends inside a <{element}>: it may be cut short"))
                    );
                }
                other => {
                    self.allow_between_elements(other, element, event_line)?;
                    continue;
                }
            };
            let name = start.local_name().into_inner();
            if let Some(i) = leaves.iter().position(|l| *l == name) {
                if seen[i] {
                    return Err(self.error(
                        event_line,
                        format!(
                            "<{element}> has a second <{name}>: it may have one (the first is on line {})",
                            record.value_lines[i]
                        ),
                    ));
                }
                seen[i] = true;
                record.value_lines[i] = event_line;
                record.values[i] = if empty { None } else { self.leaf(name, event_line)? };
            } else if let Some(g) = groups.iter().position(|(group, _)| *group == name) {
                let group_leaves = groups[g].1;
                let group = if empty {
                    empty_record(event_line, group_leaves, 0)
                } else {
                    self.record(name, event_line, group_leaves, &[])?
                };
                record.groups[g].push(group);
            } else {
                return Err(self.unexpected(name, element, &allowed(), event_line));
            }
        }
    }

    /// Reads a leaf element's text, up to its end tag; `None` if it has none.
    fn leaf(&mut self, element: &str, line: u64) -> Result<Option<String>, ReadError> {
        let mut text = String::new();
        loop {
            match self.next()? {
                (event @ (Event::Text(_) | Event::CData(_) | Event::GeneralRef(_)), at) => {
                    push_text(&event, element, &mut text).map_err(|problem| self.error(at, problem))?;
                }
                (Event::End(_), _) => break,
                (Event::Start(e) | Event::Empty(e), inner_line) => {
                    return Err(self.error(
                        inner_line,
                        format!("<{element}> (line {line}) should hold only text, but holds <{}>", name_of(&e)),
                    ));
                }
                (Event::Eof, eof_line) => {
                    return Err(self.error(eof_line, format!("the file ends inside <{element}>: it may be cut short")));
                }
                _ => {}
            }
        }
        Ok((!text.is_empty()).then_some(text))
    }
}

fn empty_record(line: u64, leaves: &[&str], groups: usize) -> Record {
    Record {
        line,
        values: vec![None; leaves.len()],
        value_lines: vec![line; leaves.len()],
        groups: (0..groups).map(|_| Vec::new()).collect(),
    }
}

pub(crate) fn name_of<'e>(e: &'e quick_xml::events::BytesStart<'_>) -> Cow<'e, str> {
    Cow::Borrowed(e.local_name().into_inner())
}

pub(crate) fn is_blank(text: &str) -> bool {
    text.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

/// Adds a text event's characters to `text` (text, CDATA, or an entity or character
/// reference); a reference XML does not define is an error, in words, naming `element`. Any other
/// event adds nothing.
pub(crate) fn push_text(event: &Event<'_>, element: &str, text: &mut String) -> Result<(), String> {
    match event {
        Event::Text(t) => text.push_str(&t.xml10_content()),
        Event::CData(t) => text.push_str(&t.xml10_content()),
        Event::GeneralRef(r) => match resolve_reference(r) {
            Some(c) => text.push(c),
            None => {
                return Err(format!(
                    "<{element}> uses &{};, which XML does not define: write the character itself",
                    &**r
                ));
            }
        },
        _ => {}
    }
    Ok(())
}

/// The character an entity or character reference stands for: XML's five predefined entities
/// and `&#...;` references. Other entities would need a DTD, which careful does not read.
fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    if r.is_char_ref() {
        return r.resolve_char_ref().ok().flatten();
    }
    match &**r {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    }
}

/// Adds one child's rows to the tables.
fn emit<'r>(header: &'r Record, episodes: &'r [Record], tables: &mut [TableData]) -> Result<(), ()> {
    let leaf = |name: &str| -> Option<&'r str> {
        HEADER_LEAVES
            .iter()
            .position(|l| *l == name)
            .and_then(|i| header.values[i].as_deref())
            .filter(|v| !v.is_empty())
    };
    let leaf_line = |name: &str| -> u64 {
        HEADER_LEAVES.iter().position(|l| *l == name).map_or(header.line, |i| header.value_lines[i])
    };
    let not_blank = |name: &str| leaf(name).is_some_and(|v| !is_blank(v));
    // A value for one of a table's columns: from the row's own element first, then the HEADER.
    let value = |column: &str, own_leaves: &[&str], own: Option<&'r Record>| -> Option<&'r str> {
        let own_name = match column {
            "PLACE" => "PL",
            other => other,
        };
        if let Some(own) = own
            && let Some(i) = own_leaves.iter().position(|l| *l == own_name)
        {
            return own.values[i].as_deref();
        }
        let header_name = if column == "CHILD" { "CHILDID" } else { column };
        leaf(header_name)
    };
    let mut push = |table: Table, line: u64, own_leaves: &[&str], own: Option<&'r Record>| -> Result<(), ()> {
        let Some(data) = tables.iter_mut().find(|t| t.table() == table) else { return Ok(()) };
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        data.push_cells(line, xml_columns(table).iter().map(|c| value(c, own_leaves, own))).map_err(|_| ())
    };

    push(Table::Header, header.line, &[], None)?;
    for episode in episodes {
        push(Table::Episodes, episode.line, EPISODE_LEAVES, Some(episode))?;
    }
    let uasc_is_set = leaf("UASC").is_some_and(|v| v.trim() != "0" && !is_blank(v));
    if uasc_is_set || not_blank("DUC") {
        let line = if uasc_is_set { leaf_line("UASC") } else { leaf_line("DUC") };
        push(Table::Uasc, line, &[], None)?;
    }
    if let Some(first) = OC3_LEAVES.iter().find(|l| not_blank(l)) {
        push(Table::Oc3, leaf_line(first), &[], None)?;
    }
    if let Some(first) = AD1_LEAVES.iter().find(|l| not_blank(l)) {
        push(Table::Ad1, leaf_line(first), &[], None)?;
    }
    for ((_, leaves, table), records) in HEADER_GROUPS.iter().zip(&header.groups) {
        for record in records {
            push(*table, record.line, leaves, Some(record))?;
        }
    }
    Ok(())
}
