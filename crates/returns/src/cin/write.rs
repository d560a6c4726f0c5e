//! Writing the CIN census as XML, one child at a time, with quick-xml (as it is read).

use std::fmt;
use std::io::{self, Write};

use chrono::{NaiveDate, NaiveDateTime};

use quick_xml::Writer;
use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{Census, Child, ChildIdentifiers, CinDetails, Header};

/// Why the census could not be written.
#[derive(Debug)]
pub enum CinWriteError {
    /// A value holds a character XML 1.0 cannot carry (a control character such as U+0001, or
    /// U+FFFE/U+FFFF). Nothing of that child has been written: the file is still well formed,
    /// and the child can be corrected and written again, or left out.
    InvalidCharacter {
        /// The child's LAchildID, or `None` for the header.
        la_child_id: Option<String>,
        /// The element whose value holds it.
        element: &'static str,
        character: char,
    },
    /// Writing failed.
    Io(io::Error),
}

impl fmt::Display for CinWriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CinWriteError::InvalidCharacter { la_child_id, element, character } => {
                let whose = match la_child_id {
                    Some(id) => format!("child {id:?}"),
                    None => "the census header".to_string(),
                };
                write!(
                    f,
                    "for {whose}, <{element}> holds the character U+{:04X}, which XML cannot carry: remove it from the record",
                    u32::from(*character)
                )
            }
            CinWriteError::Io(e) => write!(f, "could not write the census: {e}"),
        }
    }
}

impl std::error::Error for CinWriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CinWriteError::Io(e) => Some(e),
            CinWriteError::InvalidCharacter { .. } => None,
        }
    }
}

impl From<io::Error> for CinWriteError {
    fn from(e: io::Error) -> Self {
        CinWriteError::Io(e)
    }
}

/// Writes a census to `out`, stream fashion: [`CensusWriter::new`] writes the XML declaration
/// and the header, [`CensusWriter::write_child`] each child, and [`CensusWriter::finish`] the
/// closing tags. Output is deterministic: the same header and children always give the same
/// bytes (UTF-8, two-space indentation, `\n` line ends, no trailing spaces).
///
/// The XML is written by quick-xml's [`Writer`] (the reader's library), indenting by two spaces.
/// Each child is built in memory first and written whole, so a child that cannot be written
/// ([`CinWriteError::InvalidCharacter`]) leaves nothing behind and the writer can go on with
/// the next. Give a buffered writer (`BufWriter`) for files.
pub struct CensusWriter<W: Write> {
    out: W,
    /// The buffer each child is built in, kept between children for its allocation.
    buf: Vec<u8>,
    children: u64,
}

impl<W: Write> CensusWriter<W> {
    /// Starts the file: the XML declaration, `<Message>`, the `<Header>` and `<Children>`.
    pub fn new(mut out: W, header: &Header) -> Result<CensusWriter<W>, CinWriteError> {
        let mut x = Xml { w: Writer::new_with_indent(Vec::with_capacity(4096), b' ', INDENT), child: None };
        x.w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        x.open("Message")?;
        x.open("Header")?;
        x.open("CollectionDetails")?;
        let details = &header.collection_details;
        x.leaf("Collection", &details.collection)?;
        x.leaf("Year", &details.year.to_string())?;
        x.date("ReferenceDate", Some(details.reference_date))?;
        x.close("CollectionDetails")?;
        x.open("Source")?;
        let source = &header.source;
        x.leaf("SourceLevel", &source.source_level)?;
        x.leaf("LEA", &source.lea)?;
        x.leaf("SoftwareCode", &source.software_code)?;
        x.leaf("Release", &source.release)?;
        x.leaf("SerialNo", &source.serial_no)?;
        x.leaf("DateTime", &date_time(source.date_time))?;
        x.close("Source")?;
        x.close("Header")?;
        x.open("Children")?;
        let mut buf = x.w.into_inner();
        out.write_all(&buf)?;
        buf.clear();
        Ok(CensusWriter { out, buf, children: 0 })
    }

    /// Writes one `<Child>`.
    pub fn write_child(&mut self, child: &Child) -> Result<(), CinWriteError> {
        let w = in_children(std::mem::take(&mut self.buf))?;
        let mut x = Xml { w, child: Some(&child.identifiers.la_child_id) };
        let built = x.child(child);
        let mut buf = x.w.into_inner();
        let written = match built {
            Ok(()) => self.out.write_all(&buf).map_err(CinWriteError::from),
            Err(e) => Err(e),
        };
        buf.clear();
        self.buf = buf;
        written?;
        self.children += 1;
        Ok(())
    }

    /// How many children have been written.
    pub fn children_written(&self) -> u64 {
        self.children
    }

    /// Ends the file (`</Children></Message>`), flushes it and hands back the writer.
    pub fn finish(mut self) -> Result<W, CinWriteError> {
        let mut w = in_children(std::mem::take(&mut self.buf))?;
        w.write_event(Event::End(BytesEnd::new("Children")))?;
        w.write_event(Event::End(BytesEnd::new("Message")))?;
        // quick-xml puts a line break before each tag, none after the last.
        w.get_mut().push(b'\n');
        self.out.write_all(w.get_ref())?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Writes a whole census held in memory (see [`CensusWriter`]).
pub fn write_census<W: Write>(out: W, census: &Census) -> Result<W, CinWriteError> {
    let mut writer = CensusWriter::new(out, &census.header)?;
    for child in &census.children {
        writer.write_child(child)?;
    }
    writer.finish()
}

/// Spaces per level of indentation.
const INDENT: usize = 2;

/// A quick-xml writer into `buf` (emptied) standing where a `<Child>` is written: inside
/// `<Message>` and `<Children>`, so that it indents the child as the whole file's writer would.
/// quick-xml keeps its depth to itself, so the writer opens the two elements and their bytes are
/// dropped.
fn in_children(mut buf: Vec<u8>) -> io::Result<Writer<Vec<u8>>> {
    buf.clear();
    let mut w = Writer::new_with_indent(buf, b' ', INDENT);
    w.write_event(Event::Start(BytesStart::new("Message")))?;
    w.write_event(Event::Start(BytesStart::new("Children")))?;
    w.get_mut().clear();
    Ok(w)
}

fn date_time(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Writes elements with quick-xml into a buffer, indenting as it goes.
struct Xml<'a> {
    w: Writer<Vec<u8>>,
    /// The child being written, for error messages.
    child: Option<&'a str>,
}

impl Xml<'_> {
    fn open(&mut self, name: &str) -> io::Result<()> {
        self.w.write_event(Event::Start(BytesStart::new(name)))
    }

    fn close(&mut self, name: &str) -> io::Result<()> {
        self.w.write_event(Event::End(BytesEnd::new(name)))
    }

    /// `<name>text</name>` on one line, `text` already escaped.
    fn text(&mut self, name: &str, escaped: &str) -> io::Result<()> {
        self.w.create_element(name).write_text_content(BytesText::from_escaped(escaped))?;
        Ok(())
    }

    /// `<name>value</name>`, escaped; refuses characters XML 1.0 cannot carry.
    fn leaf(&mut self, name: &'static str, value: &str) -> Result<(), CinWriteError> {
        if let Some(character) = value.chars().find(|&c| !xml_char(c)) {
            return Err(CinWriteError::InvalidCharacter {
                la_child_id: self.child.map(str::to_string),
                element: name,
                character,
            });
        }
        // `&`, `<` and `>` as entities, and a carriage return as `&#13;` (a parser turns a raw
        // one into a line feed; a reference keeps it). Quotes need no escaping in text, and are
        // left as they are.
        self.text(name, &partial_escape(value))?;
        Ok(())
    }

    /// An optional text element: left out when `None` or empty.
    fn opt(&mut self, name: &'static str, value: Option<&str>) -> Result<(), CinWriteError> {
        match value {
            Some(v) if !v.is_empty() => self.leaf(name, v),
            _ => Ok(()),
        }
    }

    /// An optional date element, as ISO `YYYY-MM-DD`.
    fn date(&mut self, name: &str, value: Option<NaiveDate>) -> io::Result<()> {
        match value {
            Some(date) => self.text(name, &date.format("%Y-%m-%d").to_string()),
            None => Ok(()),
        }
    }

    fn flag(&mut self, name: &'static str, value: bool) -> Result<(), CinWriteError> {
        self.leaf(name, if value { "true" } else { "false" })
    }

    fn child(&mut self, child: &Child) -> Result<(), CinWriteError> {
        self.open("Child")?;
        self.identifiers(&child.identifiers)?;
        self.open("ChildCharacteristics")?;
        self.leaf("Ethnicity", &child.characteristics.ethnicity)?;
        if !child.characteristics.disabilities.is_empty() {
            self.open("Disabilities")?;
            for disability in &child.characteristics.disabilities {
                self.leaf("Disability", disability)?;
            }
            self.close("Disabilities")?;
        }
        self.close("ChildCharacteristics")?;
        for details in &child.cin_details {
            self.cin_details(details)?;
        }
        self.close("Child")?;
        Ok(())
    }

    fn identifiers(&mut self, ids: &ChildIdentifiers) -> Result<(), CinWriteError> {
        self.open("ChildIdentifiers")?;
        self.leaf("LAchildID", &ids.la_child_id)?;
        self.opt("UPN", ids.upn.as_deref())?;
        self.opt("FormerUPN", ids.former_upn.as_deref())?;
        self.opt("UPNunknown", ids.upn_unknown.as_deref())?;
        self.date("PersonBirthDate", ids.person_birth_date)?;
        self.date("ExpectedPersonBirthDate", ids.expected_person_birth_date)?;
        self.leaf("Sex", &ids.sex)?;
        self.date("PersonDeathDate", ids.person_death_date)?;
        self.close("ChildIdentifiers")?;
        Ok(())
    }

    fn cin_details(&mut self, d: &CinDetails) -> Result<(), CinWriteError> {
        self.open("CINdetails")?;
        self.date("CINreferralDate", Some(d.cin_referral_date))?;
        self.leaf("ReferralSource", &d.referral_source)?;
        self.opt("PrimaryNeedCode", d.primary_need_code.as_deref())?;
        self.date("CINclosureDate", d.cin_closure_date)?;
        self.opt("ReasonForClosure", d.reason_for_closure.as_deref())?;
        self.date("DateOfInitialCPC", d.date_of_initial_cpc)?;
        for a in &d.assessments {
            self.open("Assessments")?;
            self.date("AssessmentActualStartDate", Some(a.assessment_actual_start_date))?;
            self.date("AssessmentInternalReviewDate", a.assessment_internal_review_date)?;
            self.date("AssessmentAuthorisationDate", a.assessment_authorisation_date)?;
            if !a.assessment_factors.is_empty() {
                self.open("FactorsIdentifiedAtAssessment")?;
                for factor in &a.assessment_factors {
                    self.leaf("AssessmentFactors", factor)?;
                }
                self.close("FactorsIdentifiedAtAssessment")?;
            }
            self.close("Assessments")?;
        }
        for p in &d.cin_plan_dates {
            self.open("CINPlanDates")?;
            self.date("CINPlanStartDate", Some(p.cin_plan_start_date))?;
            self.date("CINPlanEndDate", p.cin_plan_end_date)?;
            self.close("CINPlanDates")?;
        }
        for s in &d.section47 {
            self.open("Section47")?;
            self.date("S47ActualStartDate", Some(s.s47_actual_start_date))?;
            self.date("InitialCPCtarget", s.initial_cpc_target)?;
            self.date("DateOfInitialCPC", s.date_of_initial_cpc)?;
            self.flag("ICPCnotRequired", s.icpc_not_required)?;
            self.close("Section47")?;
        }
        self.flag("ReferralNFA", d.referral_nfa)?;
        for p in &d.child_protection_plans {
            self.open("ChildProtectionPlans")?;
            self.date("CPPstartDate", Some(p.cpp_start_date))?;
            self.date("CPPendDate", p.cpp_end_date)?;
            self.leaf("InitialCategoryOfAbuse", &p.initial_category_of_abuse)?;
            self.leaf("LatestCategoryOfAbuse", &p.latest_category_of_abuse)?;
            self.leaf("NumberOfPreviousCPP", &p.number_of_previous_cpp.to_string())?;
            if !p.cpp_review_dates.is_empty() {
                self.open("Reviews")?;
                for review in &p.cpp_review_dates {
                    self.date("CPPreviewDate", Some(*review))?;
                }
                self.close("Reviews")?;
            }
            self.close("ChildProtectionPlans")?;
        }
        self.close("CINdetails")?;
        Ok(())
    }
}

/// Whether XML 1.0 can carry `c` (its `Char` production).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}
