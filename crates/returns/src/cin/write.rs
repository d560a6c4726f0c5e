//! Writing the CIN census as XML, one child at a time.

use std::fmt;
use std::io::{self, Write};

use chrono::{NaiveDate, NaiveDateTime};

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
/// Each child is built in memory first and written whole, so a child that cannot be written
/// ([`CinWriteError::InvalidCharacter`]) leaves nothing behind and the writer can go on with
/// the next. Give a buffered writer (`BufWriter`) for files.
pub struct CensusWriter<W: Write> {
    out: W,
    buf: String,
    children: u64,
}

impl<W: Write> CensusWriter<W> {
    /// Starts the file: the XML declaration, `<Message>`, the `<Header>` and `<Children>`.
    pub fn new(mut out: W, header: &Header) -> Result<CensusWriter<W>, CinWriteError> {
        let mut buf = String::with_capacity(4096);
        buf.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n");
        {
            let mut x = Xml { buf: &mut buf, child: None };
            x.open(1, "Header");
            x.open(2, "CollectionDetails");
            let details = &header.collection_details;
            x.leaf(3, "Collection", &details.collection)?;
            x.leaf(3, "Year", &details.year.to_string())?;
            x.date(3, "ReferenceDate", Some(details.reference_date));
            x.close(2, "CollectionDetails");
            x.open(2, "Source");
            let source = &header.source;
            x.leaf(3, "SourceLevel", &source.source_level)?;
            x.leaf(3, "LEA", &source.lea)?;
            x.leaf(3, "SoftwareCode", &source.software_code)?;
            x.leaf(3, "Release", &source.release)?;
            x.leaf(3, "SerialNo", &source.serial_no)?;
            x.leaf(3, "DateTime", &date_time(source.date_time))?;
            x.close(2, "Source");
            x.close(1, "Header");
            x.open(1, "Children");
        }
        out.write_all(buf.as_bytes())?;
        buf.clear();
        Ok(CensusWriter { out, buf, children: 0 })
    }

    /// Writes one `<Child>`.
    pub fn write_child(&mut self, child: &Child) -> Result<(), CinWriteError> {
        self.buf.clear();
        let mut x = Xml { buf: &mut self.buf, child: Some(&child.identifiers.la_child_id) };
        let built = x.child(child);
        if let Err(e) = built {
            self.buf.clear();
            return Err(e);
        }
        self.out.write_all(self.buf.as_bytes())?;
        self.children += 1;
        Ok(())
    }

    /// How many children have been written.
    pub fn children_written(&self) -> u64 {
        self.children
    }

    /// Ends the file (`</Children></Message>`), flushes it and hands back the writer.
    pub fn finish(mut self) -> Result<W, CinWriteError> {
        self.out.write_all(b"  </Children>\n</Message>\n")?;
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

fn date_time(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Builds XML text into a buffer.
struct Xml<'a> {
    buf: &'a mut String,
    /// The child being written, for error messages.
    child: Option<&'a str>,
}

impl Xml<'_> {
    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.buf.push_str("  ");
        }
    }

    fn open(&mut self, depth: usize, name: &str) {
        self.indent(depth);
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push_str(">\n");
    }

    fn close(&mut self, depth: usize, name: &str) {
        self.indent(depth);
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push_str(">\n");
    }

    /// `<name>value</name>`, escaped; refuses characters XML 1.0 cannot carry.
    fn leaf(&mut self, depth: usize, name: &'static str, value: &str) -> Result<(), CinWriteError> {
        if let Some(character) = value.chars().find(|&c| !xml_char(c)) {
            return Err(CinWriteError::InvalidCharacter {
                la_child_id: self.child.map(str::to_string),
                element: name,
                character,
            });
        }
        self.indent(depth);
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push('>');
        for c in value.chars() {
            match c {
                '&' => self.buf.push_str("&amp;"),
                '<' => self.buf.push_str("&lt;"),
                '>' => self.buf.push_str("&gt;"),
                // A parser turns a raw carriage return into a line feed; a reference keeps it.
                '\r' => self.buf.push_str("&#13;"),
                c => self.buf.push(c),
            }
        }
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push_str(">\n");
        Ok(())
    }

    /// An optional text element: left out when `None` or empty.
    fn opt(&mut self, depth: usize, name: &'static str, value: Option<&str>) -> Result<(), CinWriteError> {
        match value {
            Some(v) if !v.is_empty() => self.leaf(depth, name, v),
            _ => Ok(()),
        }
    }

    /// An optional date element, as ISO `YYYY-MM-DD`.
    fn date(&mut self, depth: usize, name: &'static str, value: Option<NaiveDate>) {
        if let Some(date) = value {
            self.indent(depth);
            self.buf.push('<');
            self.buf.push_str(name);
            self.buf.push('>');
            self.buf.push_str(&date.format("%Y-%m-%d").to_string());
            self.buf.push_str("</");
            self.buf.push_str(name);
            self.buf.push_str(">\n");
        }
    }

    fn flag(&mut self, depth: usize, name: &'static str, value: bool) -> Result<(), CinWriteError> {
        self.leaf(depth, name, if value { "true" } else { "false" })
    }

    fn child(&mut self, child: &Child) -> Result<(), CinWriteError> {
        self.open(2, "Child");
        self.identifiers(&child.identifiers)?;
        self.open(3, "ChildCharacteristics");
        self.leaf(4, "Ethnicity", &child.characteristics.ethnicity)?;
        if !child.characteristics.disabilities.is_empty() {
            self.open(4, "Disabilities");
            for disability in &child.characteristics.disabilities {
                self.leaf(5, "Disability", disability)?;
            }
            self.close(4, "Disabilities");
        }
        self.close(3, "ChildCharacteristics");
        for details in &child.cin_details {
            self.cin_details(details)?;
        }
        self.close(2, "Child");
        Ok(())
    }

    fn identifiers(&mut self, ids: &ChildIdentifiers) -> Result<(), CinWriteError> {
        self.open(3, "ChildIdentifiers");
        self.leaf(4, "LAchildID", &ids.la_child_id)?;
        self.opt(4, "UPN", ids.upn.as_deref())?;
        self.opt(4, "FormerUPN", ids.former_upn.as_deref())?;
        self.opt(4, "UPNunknown", ids.upn_unknown.as_deref())?;
        self.date(4, "PersonBirthDate", ids.person_birth_date);
        self.date(4, "ExpectedPersonBirthDate", ids.expected_person_birth_date);
        self.leaf(4, "Sex", &ids.sex)?;
        self.date(4, "PersonDeathDate", ids.person_death_date);
        self.close(3, "ChildIdentifiers");
        Ok(())
    }

    fn cin_details(&mut self, d: &CinDetails) -> Result<(), CinWriteError> {
        self.open(3, "CINdetails");
        self.date(4, "CINreferralDate", Some(d.cin_referral_date));
        self.leaf(4, "ReferralSource", &d.referral_source)?;
        self.opt(4, "PrimaryNeedCode", d.primary_need_code.as_deref())?;
        self.date(4, "CINclosureDate", d.cin_closure_date);
        self.opt(4, "ReasonForClosure", d.reason_for_closure.as_deref())?;
        self.date(4, "DateOfInitialCPC", d.date_of_initial_cpc);
        for a in &d.assessments {
            self.open(4, "Assessments");
            self.date(5, "AssessmentActualStartDate", Some(a.assessment_actual_start_date));
            self.date(5, "AssessmentInternalReviewDate", a.assessment_internal_review_date);
            self.date(5, "AssessmentAuthorisationDate", a.assessment_authorisation_date);
            if !a.assessment_factors.is_empty() {
                self.open(5, "FactorsIdentifiedAtAssessment");
                for factor in &a.assessment_factors {
                    self.leaf(6, "AssessmentFactors", factor)?;
                }
                self.close(5, "FactorsIdentifiedAtAssessment");
            }
            self.close(4, "Assessments");
        }
        for p in &d.cin_plan_dates {
            self.open(4, "CINPlanDates");
            self.date(5, "CINPlanStartDate", Some(p.cin_plan_start_date));
            self.date(5, "CINPlanEndDate", p.cin_plan_end_date);
            self.close(4, "CINPlanDates");
        }
        for s in &d.section47 {
            self.open(4, "Section47");
            self.date(5, "S47ActualStartDate", Some(s.s47_actual_start_date));
            self.date(5, "InitialCPCtarget", s.initial_cpc_target);
            self.date(5, "DateOfInitialCPC", s.date_of_initial_cpc);
            self.flag(5, "ICPCnotRequired", s.icpc_not_required)?;
            self.close(4, "Section47");
        }
        self.flag(4, "ReferralNFA", d.referral_nfa)?;
        for p in &d.child_protection_plans {
            self.open(4, "ChildProtectionPlans");
            self.date(5, "CPPstartDate", Some(p.cpp_start_date));
            self.date(5, "CPPendDate", p.cpp_end_date);
            self.leaf(5, "InitialCategoryOfAbuse", &p.initial_category_of_abuse)?;
            self.leaf(5, "LatestCategoryOfAbuse", &p.latest_category_of_abuse)?;
            self.leaf(5, "NumberOfPreviousCPP", &p.number_of_previous_cpp.to_string())?;
            if !p.cpp_review_dates.is_empty() {
                self.open(5, "Reviews");
                for review in &p.cpp_review_dates {
                    self.date(6, "CPPreviewDate", Some(*review));
                }
                self.close(5, "Reviews");
            }
            self.close(4, "ChildProtectionPlans");
        }
        self.close(3, "CINdetails");
        Ok(())
    }
}

/// Whether XML 1.0 can carry `c` (its `Char` production).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}
