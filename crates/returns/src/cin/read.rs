//! Reading a CIN census XML file into the tables DfE's CIN rules are written against.
//!
//! DfE's rules name their inputs as tables (`ChildIdentifiers`, `CINdetails`, `Assessments`,
//! ...), each row carrying the child's `LAchildID` and, below the episode, the `CINdetailsID`
//! (1, 2, ... within the child), `AssessmentID` and `CPPID` (1, 2, ... within the episode) that
//! tie it to its parent. The reader builds exactly those tables, in one pass over the file,
//! keeping every value as written, so that a rule sees an invalid date or code as the invalid
//! value it is rather than as a blank.
//!
//! What does not fit DfE's schema is reported as a [`SchemaProblem`] naming the child, the
//! element's path (`Children/Child[3]/CINdetails[2]/Assessments[1]/AssessmentAuthorisationDate`)
//! and the line, and never silently dropped: an element the schema does not have (skipped, with
//! everything inside it), a second copy of an element that may appear once (the first is kept),
//! a date that is not `YYYY-MM-DD`, a yes/no that is not `true`, `false`, `1` or `0`, a number
//! that is not a whole number, and a required element that is missing. Codes (referral source,
//! need, category of abuse, ...) are not checked here: each code list has its own DfE rule, so
//! a wrong code is reported once, by that rule, with DfE's message.
//!
//! A file that is not well-formed XML, not UTF-8, or not a CIN census (its root is not
//! `<Message>`) cannot be read at all: that is a [`ReadError`] with the line.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::ssda903::read::{ReadError, ReadErrorKind};
use crate::ssda903::xml::{Lines, is_blank, name_of, not_utf8_error, push_text};

/// The tables of a CIN census, as DfE's rules name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CinTable {
    Header,
    ChildIdentifiers,
    ChildCharacteristics,
    Disabilities,
    CinDetails,
    Assessments,
    AssessmentFactorsList,
    CinPlanDates,
    Section47,
    ChildProtectionPlans,
    Reviews,
}

impl CinTable {
    pub const ALL: [CinTable; 11] = [
        CinTable::Header,
        CinTable::ChildIdentifiers,
        CinTable::ChildCharacteristics,
        CinTable::Disabilities,
        CinTable::CinDetails,
        CinTable::Assessments,
        CinTable::AssessmentFactorsList,
        CinTable::CinPlanDates,
        CinTable::Section47,
        CinTable::ChildProtectionPlans,
        CinTable::Reviews,
    ];

    /// DfE's name of the table.
    pub fn name(self) -> &'static str {
        match self {
            CinTable::Header => "Header",
            CinTable::ChildIdentifiers => "ChildIdentifiers",
            CinTable::ChildCharacteristics => "ChildCharacteristics",
            CinTable::Disabilities => "Disabilities",
            CinTable::CinDetails => "CINdetails",
            CinTable::Assessments => "Assessments",
            CinTable::AssessmentFactorsList => "AssessmentFactorsList",
            CinTable::CinPlanDates => "CINplanDates",
            CinTable::Section47 => "Section47",
            CinTable::ChildProtectionPlans => "ChildProtectionPlans",
            CinTable::Reviews => "Reviews",
        }
    }

    /// The table's columns: the keys that tie a row to its child and episode, then the
    /// elements it is read from.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            CinTable::Header => &[
                "Collection",
                "Year",
                "ReferenceDate",
                "SourceLevel",
                "LEA",
                "SoftwareCode",
                "Release",
                "SerialNo",
                "DateTime",
            ],
            CinTable::ChildIdentifiers => &[
                "LAchildID",
                "UPN",
                "FormerUPN",
                "UPNunknown",
                "PersonBirthDate",
                "ExpectedPersonBirthDate",
                "GenderCurrent",
                "Sex",
                "PersonDeathDate",
            ],
            CinTable::ChildCharacteristics => &["LAchildID", "Ethnicity"],
            CinTable::Disabilities => &["LAchildID", "Disability"],
            CinTable::CinDetails => &[
                "LAchildID",
                "CINdetailsID",
                "CINreferralDate",
                "ReferralSource",
                "PrimaryNeedCode",
                "CINclosureDate",
                "ReasonForClosure",
                "DateOfInitialCPC",
                "ReferralNFA",
            ],
            CinTable::Assessments => &[
                "LAchildID",
                "CINdetailsID",
                "AssessmentID",
                "AssessmentActualStartDate",
                "AssessmentInternalReviewDate",
                "AssessmentAuthorisationDate",
            ],
            CinTable::AssessmentFactorsList => &["LAchildID", "CINdetailsID", "AssessmentID", "AssessmentFactor"],
            CinTable::CinPlanDates => &["LAchildID", "CINdetailsID", "CINPlanStartDate", "CINPlanEndDate"],
            CinTable::Section47 => &[
                "LAchildID",
                "CINdetailsID",
                "S47ActualStartDate",
                "InitialCPCtarget",
                "DateOfInitialCPC",
                "ICPCnotRequired",
            ],
            CinTable::ChildProtectionPlans => &[
                "LAchildID",
                "CINdetailsID",
                "CPPID",
                "CPPstartDate",
                "CPPendDate",
                "InitialCategoryOfAbuse",
                "LatestCategoryOfAbuse",
                "NumberOfPreviousCPP",
            ],
            CinTable::Reviews => &["LAchildID", "CINdetailsID", "CPPID", "CPPreviewDate"],
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// One table's rows, each with the line of the element it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CinTableData {
    pub table: CinTable,
    rows: Vec<Box<[Option<Box<str>>]>>,
    lines: Vec<u64>,
}

impl CinTableData {
    fn new(table: CinTable) -> CinTableData {
        CinTableData { table, rows: Vec::new(), lines: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The position of `column` among the table's columns.
    pub fn column(&self, column: &str) -> Option<usize> {
        self.table.columns().iter().position(|c| *c == column)
    }

    /// The value of `column` in `row`, as written (trimmed); `None` when blank or absent.
    pub fn value(&self, row: usize, column: &str) -> Option<&str> {
        let c = self.column(column)?;
        self.rows.get(row)?.get(c)?.as_deref()
    }

    /// The line of the file `row` was read from.
    pub fn line(&self, row: usize) -> Option<u64> {
        self.lines.get(row).copied()
    }
}

/// A table given row by row: the table, the columns its rows give, and the rows.
pub type GivenTable<'a> = (CinTable, Vec<&'a str>, Vec<Vec<Option<String>>>);

/// A census read into DfE's tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CinTables {
    tables: Vec<CinTableData>,
    /// Each child's `LAchildID` (blank if the file gives none), in file order.
    pub children: Vec<Option<String>>,
}

impl CinTables {
    pub fn table(&self, table: CinTable) -> &CinTableData {
        &self.tables[table.index()]
    }

    /// Tables given row by row (for tests and conformance cases): each table with the columns
    /// its rows give, in any order; columns a table lacks are blank, and a column the table
    /// does not have is an error.
    pub fn from_rows(given: Vec<GivenTable<'_>>) -> Result<CinTables, String> {
        let mut tables: Vec<CinTableData> = CinTable::ALL.iter().map(|&t| CinTableData::new(t)).collect();
        for (table, columns, rows) in given {
            let all = table.columns();
            let mut at = Vec::new();
            for c in &columns {
                at.push(all.iter().position(|x| x == c).ok_or_else(|| format!("{} has no column {c}", table.name()))?);
            }
            let data = &mut tables[table.index()];
            for (i, row) in rows.into_iter().enumerate() {
                let mut cells: Vec<Option<Box<str>>> = vec![None; all.len()];
                for (value, &c) in row.into_iter().zip(&at) {
                    cells[c] =
                        value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).map(String::into_boxed_str);
                }
                data.rows.push(cells.into_boxed_slice());
                data.lines.push(i as u64 + 2);
            }
        }
        let ids = &tables[CinTable::ChildIdentifiers.index()];
        let children = (0..ids.len()).map(|r| ids.value(r, "LAchildID").map(str::to_string)).collect();
        Ok(CinTables { tables, children })
    }
}

/// Something in the file that does not fit DfE's schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProblem {
    pub line: u64,
    /// The element's path below `<Message>`, with positions of repeated elements from 1.
    pub path: String,
    /// The child's `LAchildID`, for a problem inside a `<Child>` that has one.
    pub la_child_id: Option<String>,
    /// What is wrong, in words an analyst can act on.
    pub problem: String,
}

/// How a leaf element's text is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Date,
    DateTime,
    YesNo,
    Number,
}

/// A leaf: its element name (also the name of the column it fills), the kind of its text, and
/// whether the schema requires it.
struct Leaf {
    name: &'static str,
    kind: Kind,
    required: bool,
}

const fn leaf(name: &'static str, kind: Kind, required: bool) -> Leaf {
    Leaf { name, kind, required }
}

/// A list element: a wrapper holding repeated leaves, each a row of `table`.
struct List {
    wrapper: &'static str,
    item: &'static str,
    kind: Kind,
    table: CinTable,
}

/// An element holding leaves, lists and repeated groups; `table` is the table its leaves fill
/// (one row per element).
struct Group {
    name: &'static str,
    table: Option<CinTable>,
    leaves: &'static [Leaf],
    lists: &'static [List],
    groups: &'static [&'static Group],
    /// At least one is required.
    required: bool,
    /// May appear more than once.
    repeated: bool,
}

use Kind::*;

static COLLECTION_DETAILS: Group = Group {
    name: "CollectionDetails",
    table: Some(CinTable::Header),
    leaves: &[leaf("Collection", Text, true), leaf("Year", Number, true), leaf("ReferenceDate", Date, true)],
    lists: &[],
    groups: &[],
    required: true,
    repeated: false,
};
static SOURCE: Group = Group {
    name: "Source",
    table: Some(CinTable::Header),
    leaves: &[
        leaf("SourceLevel", Text, true),
        leaf("LEA", Text, true),
        leaf("SoftwareCode", Text, true),
        leaf("Release", Text, true),
        leaf("SerialNo", Text, true),
        leaf("DateTime", DateTime, true),
    ],
    lists: &[],
    groups: &[],
    required: true,
    repeated: false,
};
static HEADER: Group = Group {
    name: "Header",
    table: None,
    leaves: &[],
    lists: &[],
    groups: &[&COLLECTION_DETAILS, &SOURCE],
    required: true,
    repeated: false,
};
static IDENTIFIERS: Group = Group {
    name: "ChildIdentifiers",
    table: Some(CinTable::ChildIdentifiers),
    leaves: &[
        leaf("LAchildID", Text, true),
        leaf("UPN", Text, false),
        leaf("FormerUPN", Text, false),
        leaf("UPNunknown", Text, false),
        leaf("PersonBirthDate", Date, false),
        leaf("ExpectedPersonBirthDate", Date, false),
        leaf("GenderCurrent", Text, false),
        leaf("Sex", Text, false),
        leaf("PersonDeathDate", Date, false),
    ],
    lists: &[],
    groups: &[],
    required: true,
    repeated: false,
};
static CHARACTERISTICS: Group = Group {
    name: "ChildCharacteristics",
    table: Some(CinTable::ChildCharacteristics),
    leaves: &[leaf("Ethnicity", Text, false)],
    lists: &[List { wrapper: "Disabilities", item: "Disability", kind: Text, table: CinTable::Disabilities }],
    groups: &[],
    required: true,
    repeated: false,
};
static ASSESSMENTS: Group = Group {
    name: "Assessments",
    table: Some(CinTable::Assessments),
    leaves: &[
        leaf("AssessmentActualStartDate", Date, true),
        leaf("AssessmentInternalReviewDate", Date, false),
        leaf("AssessmentAuthorisationDate", Date, false),
    ],
    lists: &[List {
        wrapper: "FactorsIdentifiedAtAssessment",
        item: "AssessmentFactors",
        kind: Text,
        table: CinTable::AssessmentFactorsList,
    }],
    groups: &[],
    required: false,
    repeated: true,
};
static CIN_PLAN_DATES: Group = Group {
    name: "CINPlanDates",
    table: Some(CinTable::CinPlanDates),
    leaves: &[leaf("CINPlanStartDate", Date, true), leaf("CINPlanEndDate", Date, false)],
    lists: &[],
    groups: &[],
    required: false,
    repeated: true,
};
static SECTION_47: Group = Group {
    name: "Section47",
    table: Some(CinTable::Section47),
    leaves: &[
        leaf("S47ActualStartDate", Date, true),
        leaf("InitialCPCtarget", Date, false),
        leaf("DateOfInitialCPC", Date, false),
        leaf("ICPCnotRequired", YesNo, false),
    ],
    lists: &[],
    groups: &[],
    required: false,
    repeated: true,
};
static CP_PLANS: Group = Group {
    name: "ChildProtectionPlans",
    table: Some(CinTable::ChildProtectionPlans),
    leaves: &[
        leaf("CPPstartDate", Date, true),
        leaf("CPPendDate", Date, false),
        leaf("InitialCategoryOfAbuse", Text, false),
        leaf("LatestCategoryOfAbuse", Text, false),
        leaf("NumberOfPreviousCPP", Number, false),
    ],
    lists: &[List { wrapper: "Reviews", item: "CPPreviewDate", kind: Date, table: CinTable::Reviews }],
    groups: &[],
    required: false,
    repeated: true,
};
/// The 2026-27 pre-proceedings and family group decision making block: read for its shape, not
/// yet given to any rule (DfE has published none).
static PRE_PROCEEDINGS: Group = Group {
    name: "PreProceedingsandFGDM",
    table: None,
    leaves: &[
        leaf("PPStartDate", Date, false),
        leaf("LBPSentDate", Date, false),
        leaf("FGDMMeetingOffer", Text, false),
        leaf("FGDMMeetingFac", Text, false),
        leaf("InitialPPMeetingDate", Date, false),
        leaf("ReviewMeetingsCount", Number, false),
        leaf("StepDecisionDate", Date, false),
        leaf("PPOutcome", Text, false),
        leaf("CourtAppDate", Date, false),
        leaf("LetterInitCPDate", Date, false),
    ],
    lists: &[],
    groups: &[],
    required: false,
    repeated: true,
};
static CIN_DETAILS: Group = Group {
    name: "CINdetails",
    table: Some(CinTable::CinDetails),
    leaves: &[
        leaf("CINreferralDate", Date, true),
        leaf("ReferralSource", Text, false),
        leaf("PrimaryNeedCode", Text, false),
        leaf("CINclosureDate", Date, false),
        leaf("ReasonForClosure", Text, false),
        leaf("DateOfInitialCPC", Date, false),
        leaf("ReferralNFA", YesNo, false),
    ],
    lists: &[],
    groups: &[&ASSESSMENTS, &CIN_PLAN_DATES, &SECTION_47, &CP_PLANS, &PRE_PROCEEDINGS],
    required: true,
    repeated: true,
};
static CHILD: Group = Group {
    name: "Child",
    table: None,
    leaves: &[],
    lists: &[],
    groups: &[&IDENTIFIERS, &CHARACTERISTICS, &CIN_DETAILS],
    required: false,
    repeated: true,
};
static CHILDREN: Group = Group {
    name: "Children",
    table: None,
    leaves: &[],
    lists: &[],
    groups: &[&CHILD],
    required: true,
    repeated: false,
};
static MESSAGE: Group = Group {
    name: "Message",
    table: None,
    leaves: &[],
    lists: &[],
    groups: &[&HEADER, &CHILDREN],
    required: true,
    repeated: false,
};

/// The keys a row below the child carries.
#[derive(Default, Clone, Copy)]
struct Keys {
    cin_details: u32,
    assessment: u32,
    cpp: u32,
}

/// The state of one pass over a census file.
struct CensusReader<'a> {
    file: &'a str,
    reader: Reader<&'a [u8]>,
    lines: Lines<'a>,
    tables: Vec<CinTableData>,
    children: Vec<Option<String>>,
    problems: Vec<SchemaProblem>,
    /// The first problem of the child being read, to give it the child's ID at its end.
    child_problems_from: usize,
    /// The first row of each table for the child being read.
    child_rows_from: [usize; 11],
}

/// Reads a CIN census. `file` names it in messages.
pub fn read_census(file: &str, bytes: &[u8]) -> Result<(CinTables, Vec<SchemaProblem>), ReadError> {
    // Found by the fuzz target `cin`: this error named no line (and advised saving as CSV).
    let text = std::str::from_utf8(bytes).map_err(|e| not_utf8_error(file, bytes, e))?;
    if is_blank(text) {
        return Err(ReadError::new(file, ReadErrorKind::Empty, "the file is empty"));
    }
    let mut r = CensusReader {
        file,
        reader: Reader::from_reader(text.as_bytes()),
        lines: Lines::new(text.as_bytes()),
        tables: CinTable::ALL.iter().map(|&t| CinTableData::new(t)).collect(),
        children: Vec::new(),
        problems: Vec::new(),
        child_problems_from: 0,
        child_rows_from: [0; 11],
    };
    r.reader.config_mut().trim_text(false);
    // Up to the root element.
    loop {
        match r.next()? {
            (Event::Start(e), line) => {
                r.root(&e, line)?;
                r.group(&MESSAGE, "", line, Keys::default(), None)?;
                break;
            }
            (Event::Empty(e), line) => {
                r.root(&e, line)?;
                return Err(r.error(line, "<Message> is empty: the census has no header and no children"));
            }
            (Event::Eof, line) => return Err(r.error(line, "the file has no XML elements")),
            (Event::Text(t), line) if !is_blank(&t.xml10_content()) => {
                return Err(r.error(line, "the file has text before its first element: is it XML?"));
            }
            _ => {}
        }
    }
    // Nothing but comments and spaces after it.
    loop {
        match r.next()? {
            (Event::Eof, _) => break,
            (Event::Start(e) | Event::Empty(e), line) => {
                return Err(
                    r.error(line, format!("<{}> follows the end of <Message>: a file holds one census", name_of(&e)))
                );
            }
            _ => {}
        }
    }
    let tables = CinTables { tables: r.tables, children: r.children };
    Ok((tables, r.problems))
}

impl<'a> CensusReader<'a> {
    fn error(&self, line: u64, problem: impl Into<String>) -> ReadError {
        ReadError::new(self.file, ReadErrorKind::Xml, problem).at_line(line)
    }

    fn root(&self, e: &BytesStart<'_>, line: u64) -> Result<(), ReadError> {
        let name = name_of(e);
        if name != "Message" {
            return Err(
                self.error(line, format!("the root element is <{name}>, not <Message>: is this a CIN census file?"))
            );
        }
        Ok(())
    }

    fn next(&mut self) -> Result<(Event<'a>, u64), ReadError> {
        let start = self.reader.buffer_position();
        match self.reader.read_event() {
            Ok(event) => Ok((event, self.lines.at(start))),
            Err(e) => {
                let line = self.lines.at(self.reader.error_position());
                Err(self.error(
                    line,
                    format!("the XML is not well formed: {e}. Check the file is complete and was not edited by hand"),
                ))
            }
        }
    }

    fn problem(&mut self, line: u64, path: String, problem: String) {
        self.problems.push(SchemaProblem { line, path, la_child_id: None, problem });
    }

    /// Skips the rest of an element whose start tag was just read.
    fn skip(&mut self, element: &str) -> Result<(), ReadError> {
        let mut depth = 1u32;
        loop {
            match self.next()? {
                (Event::Start(_), _) => depth += 1,
                (Event::End(_), _) => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                (Event::Eof, line) => {
                    return Err(self.error(line, format!("the file ends inside <{element}>: it may be cut short")));
                }
                _ => {}
            }
        }
    }

    /// A leaf's text, up to its end tag; a leaf holding elements is a problem (and skipped).
    /// (`path` makes the element's path, which is needed only for a problem.)
    fn text(&mut self, element: &str, path: &dyn Fn() -> String, line: u64) -> Result<Option<String>, ReadError> {
        let mut text = String::new();
        loop {
            match self.next()? {
                (event @ (Event::Text(_) | Event::CData(_) | Event::GeneralRef(_)), at) => {
                    push_text(&event, element, &mut text).map_err(|problem| self.error(at, problem))?;
                }
                (Event::End(_), _) => break,
                (Event::Start(e), inner) => {
                    let inner_name = name_of(&e).into_owned();
                    self.problem(
                        inner,
                        format!("{}/{inner_name}", path()),
                        format!("<{element}> (line {line}) should hold only text, not <{inner_name}>: it is left out"),
                    );
                    self.skip(&inner_name)?;
                }
                (Event::Empty(e), inner) => {
                    let inner_name = name_of(&e).into_owned();
                    self.problem(
                        inner,
                        format!("{}/{inner_name}", path()),
                        format!("<{element}> (line {line}) should hold only text, not <{inner_name}>: it is left out"),
                    );
                }
                (Event::Eof, eof) => {
                    return Err(self.error(eof, format!("the file ends inside <{element}>: it may be cut short")));
                }
                _ => {}
            }
        }
        let trimmed = text.trim();
        Ok(match (trimmed.len(), trimmed.len() == text.len()) {
            (0, _) => None,
            (_, true) => Some(text),
            _ => Some(trimmed.to_string()),
        })
    }

    /// Checks a leaf's text against its kind, reporting a value that does not fit.
    fn check(&mut self, kind: Kind, value: &str, path: &dyn Fn() -> String, line: u64, element: &str) {
        let problem = match kind {
            Text => None,
            Date => super::date::parse_ymd(value)
                .is_none()
                .then(|| format!("<{element}> is {value:?}, not a date: write it as YYYY-MM-DD, such as 2025-06-30")),
            DateTime => chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S")
                .is_err()
                .then(|| format!("<{element}> is {value:?}, not a date and time: write it as YYYY-MM-DDTHH:MM:SS")),
            YesNo => (!["true", "false", "1", "0"].iter().any(|v| v.eq_ignore_ascii_case(value)))
                .then(|| format!("<{element}> is {value:?}: write true or false (or 1 or 0)")),
            Number => value.parse::<u32>().is_err().then(|| format!("<{element}> is {value:?}, not a whole number")),
        };
        if let Some(problem) = problem {
            self.problem(line, path(), problem);
        }
    }

    /// Reads a group element whose start tag was just read, up to its end tag: its leaves into
    /// a row of its table (or `row`, the row a parent is filling), its lists and its groups.
    fn group(
        &mut self,
        g: &'static Group,
        parent: &str,
        line: u64,
        keys: Keys,
        row: Option<&mut Vec<Option<Box<str>>>>,
    ) -> Result<(), ReadError> {
        let path = if parent.is_empty() { String::new() } else { parent.to_string() };
        let columns = g.table.map(CinTable::columns).unwrap_or(&[]);
        let mut own_row: Vec<Option<Box<str>>> = vec![None; columns.len()];
        let owns_row = row.is_none() && g.table.is_some();
        let row: &mut Vec<Option<Box<str>>> = match row {
            Some(r) => r,
            None => &mut own_row,
        };
        let mut seen_leaf = vec![false; g.leaves.len()];
        let mut counts = vec![0u32; g.groups.len()];
        let mut seen_list = vec![false; g.lists.len()];
        // The Header's two groups share one row.
        let mut header_row: Vec<Option<Box<str>>> = vec![None; CinTable::Header.columns().len()];
        let is_child = std::ptr::eq(g, &CHILD);
        if is_child {
            self.child_problems_from = self.problems.len();
            for t in CinTable::ALL {
                self.child_rows_from[t.index()] = self.tables[t.index()].len();
            }
            self.children.push(None);
        }
        loop {
            let (event, at) = self.next()?;
            let (start, empty) = match &event {
                Event::Start(e) => (e.clone(), false),
                Event::Empty(e) => (e.clone(), true),
                Event::End(_) => break,
                Event::Eof => {
                    return Err(self.error(at, format!("the file ends inside <{}>: it may be cut short", g.name)));
                }
                Event::Text(t) if !is_blank(&t.xml10_content()) => {
                    let where_ = if path.is_empty() { g.name.to_string() } else { path.clone() };
                    self.problem(at, where_, format!("<{}> holds text outside any element: it is left out", g.name));
                    continue;
                }
                _ => continue,
            };
            let name = name_of(&start);
            let here = |i: Option<u32>| {
                let own = match i {
                    Some(n) => format!("{name}[{n}]"),
                    None => name.to_string(),
                };
                if path.is_empty() { own } else { format!("{path}/{own}") }
            };
            if let Some(i) = g.leaves.iter().position(|l| l.name == name) {
                let leaf = &g.leaves[i];
                let leaf_path = || here(None);
                let value = if empty { None } else { self.text(&name, &leaf_path, at)? };
                if seen_leaf[i] {
                    self.problem(
                        at,
                        leaf_path(),
                        format!("<{}> has a second <{name}>: it may have one, and the first is kept", g.name),
                    );
                    continue;
                }
                seen_leaf[i] = true;
                if let Some(v) = &value {
                    self.check(leaf.kind, v, &leaf_path, at, &name);
                }
                if let Some(c) = columns.iter().position(|c| *c == name) {
                    row[c] = value.map(String::into_boxed_str);
                }
                if is_child_id(&name)
                    && let Some(last) = self.children.last_mut()
                {
                    *last = row.first().cloned().flatten().map(String::from);
                }
            } else if let Some(i) = g.lists.iter().position(|l| l.wrapper == name) {
                let list = &g.lists[i];
                let list_path = here(None);
                if seen_list[i] {
                    self.problem(
                        at,
                        list_path.clone(),
                        format!("<{}> has a second <{name}>: put every <{}> in one", g.name, list.item),
                    );
                }
                seen_list[i] = true;
                if !empty {
                    self.list(list, &list_path, keys)?;
                }
            } else if let Some(i) = g.groups.iter().position(|sub| sub.name == name) {
                let sub = g.groups[i];
                counts[i] += 1;
                let n = counts[i];
                if n > 1 && !sub.repeated {
                    self.problem(
                        at,
                        here(Some(n)),
                        format!("<{}> has a second <{name}>: it may have one; the second is left out", g.name),
                    );
                    if !empty {
                        self.skip(&name)?;
                    }
                    continue;
                }
                let sub_path = if sub.repeated { here(Some(n)) } else { here(None) };
                let mut sub_keys = keys;
                if std::ptr::eq(sub, &CIN_DETAILS) {
                    sub_keys = Keys { cin_details: n, assessment: 0, cpp: 0 };
                } else if std::ptr::eq(sub, &ASSESSMENTS) {
                    sub_keys.assessment = n;
                } else if std::ptr::eq(sub, &CP_PLANS) {
                    sub_keys.cpp = n;
                }
                if empty {
                    self.empty_group(sub, &sub_path, at, sub_keys);
                } else if sub.table == Some(CinTable::Header) {
                    self.group(sub, &sub_path, at, sub_keys, Some(&mut header_row))?;
                } else {
                    self.group(sub, &sub_path, at, sub_keys, None)?;
                }
            } else {
                let expected: Vec<&str> = g
                    .leaves
                    .iter()
                    .map(|l| l.name)
                    .chain(g.lists.iter().map(|l| l.wrapper))
                    .chain(g.groups.iter().map(|s| s.name))
                    .collect();
                self.problem(
                    at,
                    here(None),
                    format!(
                        "<{name}> is not an element of <{}>, which holds {}: it is left out, with everything in it",
                        g.name,
                        expected.iter().map(|e| format!("<{e}>")).collect::<Vec<_>>().join(", ")
                    ),
                );
                if !empty {
                    self.skip(&name)?;
                }
            }
        }
        // What the schema requires and the element lacks.
        for (i, leaf) in g.leaves.iter().enumerate() {
            if leaf.required && !seen_leaf[i] {
                let where_ = if path.is_empty() { g.name.to_string() } else { path.clone() };
                self.problem(
                    line,
                    format!("{where_}/{}", leaf.name),
                    format!("<{}> has no <{}>, which it must have", g.name, leaf.name),
                );
            }
        }
        for (i, sub) in g.groups.iter().enumerate() {
            if sub.required && counts[i] == 0 {
                let where_ = if path.is_empty() { g.name.to_string() } else { path.clone() };
                self.problem(
                    line,
                    format!("{where_}/{}", sub.name),
                    format!("<{}> has no <{}>, which it must have", g.name, sub.name),
                );
            }
        }
        if std::ptr::eq(g, &HEADER) {
            self.push(CinTable::Header, header_row, line, Keys::default());
        } else if owns_row && let Some(table) = g.table {
            self.push(table, own_row, line, keys);
        }
        if is_child {
            self.end_child();
        }
        Ok(())
    }

    /// An element written empty (`<Assessments/>`): its required parts are missing.
    fn empty_group(&mut self, g: &'static Group, path: &str, line: u64, keys: Keys) {
        for leaf in g.leaves.iter().filter(|l| l.required) {
            self.problem(
                line,
                format!("{path}/{}", leaf.name),
                format!("<{}> has no <{}>, which it must have", g.name, leaf.name),
            );
        }
        for sub in g.groups.iter().filter(|s| s.required) {
            self.problem(
                line,
                format!("{path}/{}", sub.name),
                format!("<{}> has no <{}>, which it must have", g.name, sub.name),
            );
        }
        if let Some(table) = g.table.filter(|t| *t != CinTable::Header) {
            let row = vec![None; table.columns().len()];
            self.push(table, row, line, keys);
        }
        if std::ptr::eq(g, &CHILD) {
            self.children.push(None);
        }
    }

    /// A list: each item a row of its table.
    fn list(&mut self, list: &List, path: &str, keys: Keys) -> Result<(), ReadError> {
        let mut n = 0u32;
        loop {
            let (event, at) = self.next()?;
            let empty = matches!(event, Event::Empty(_));
            match event {
                Event::End(_) => return Ok(()),
                Event::Eof => {
                    return Err(self.error(at, format!("the file ends inside <{}>: it may be cut short", list.wrapper)));
                }
                Event::Start(e) | Event::Empty(e) => {
                    let name = name_of(&e);
                    if name != list.item {
                        self.problem(
                            at,
                            format!("{path}/{name}"),
                            format!("<{}> holds only <{}>, not <{name}>: it is left out", list.wrapper, list.item),
                        );
                        if !empty {
                            self.skip(&name)?;
                        }
                        continue;
                    }
                    n += 1;
                    let item_path = || format!("{path}/{name}[{n}]");
                    let value = if empty { None } else { self.text(&name, &item_path, at)? };
                    if let Some(v) = &value {
                        self.check(list.kind, v, &item_path, at, &name);
                    }
                    let columns = list.table.columns();
                    let mut row: Vec<Option<Box<str>>> = vec![None; columns.len()];
                    row[columns.len() - 1] = value.map(String::into_boxed_str);
                    self.push(list.table, row, at, keys);
                }
                _ => {}
            }
        }
    }

    /// Adds a row, with its keys (the child's ID is filled in at the child's end).
    fn push(&mut self, table: CinTable, mut row: Vec<Option<Box<str>>>, line: u64, keys: Keys) {
        let columns = table.columns();
        let mut set = |column: &str, value: u32| {
            if let Some(c) = columns.iter().position(|c| *c == column)
                && value > 0
            {
                row[c] = Some(value.to_string().into_boxed_str());
            }
        };
        set("CINdetailsID", keys.cin_details);
        set("AssessmentID", keys.assessment);
        set("CPPID", keys.cpp);
        let data = &mut self.tables[table.index()];
        data.rows.push(row.into_boxed_slice());
        data.lines.push(line);
    }

    /// At a child's end: its ID into every row and problem of the child.
    fn end_child(&mut self) {
        let id = self.children.last().cloned().flatten();
        for t in CinTable::ALL {
            if t == CinTable::Header || t == CinTable::ChildIdentifiers {
                continue;
            }
            let from = self.child_rows_from[t.index()];
            let data = &mut self.tables[t.index()];
            for row in &mut data.rows[from..] {
                row[0] = id.clone().map(String::into_boxed_str);
            }
        }
        for p in &mut self.problems[self.child_problems_from..] {
            p.la_child_id = id.clone();
        }
    }
}

fn is_child_id(name: &str) -> bool {
    name == "LAchildID"
}
