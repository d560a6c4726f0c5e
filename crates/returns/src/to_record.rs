//! A council's SSDA903 files turned into careful's record: the inverse of
//! [`from_record`](crate::from_record), for a council starting to use careful with the returns it
//! already has.
//!
//! Each child's rows (of this year's return and, if given, last year's) become the events a
//! worker would have recorded: becoming looked after, legal status and placement changes, ceasing
//! to be looked after, reviews, health and SDQs, missing episodes, adoption decisions and matches,
//! care leavers' contact, and social workers. Exporting a year's 903 from the imported record gives
//! the rows imported. Where the 903 does not say (the time a child went missing; the date of a
//! health check, known only to fall in the year), the event's reason says so.
//!
//! Real returns carry DfE findings: those rows are imported as they are (the findings are the
//! importer's to show as data-quality flags). Only rows careful cannot represent at all are
//! refused, each with its file, line, field and why: an unreadable date or code, an episode that
//! ends before it starts, a chain of episodes that does not join up, a fact the record's own
//! checks refuse (a review of a child who is not looked after). A child with any refused row is
//! left out whole, so no record is half-imported. Values careful does not hold yet (`MOTHER`,
//! `CONVICTED`, ...) are listed as not kept, never dropped silently.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use careful_domain::calendar::{age_on, date_attaining_age};
use careful_domain::codes::{
    AdopterLegalStatus, AdopterSex, CareLeaverAccommodation, CareLeaverActivity, Ethnicity, InTouch, LegalStatus,
    MissingType, Need, PlacementProvider, PlacementType, PreviousPermanence, ReasonEpisodeCeased, ReasonNewEpisode,
    ReasonPlaceChange, ReasonPlacedCeased, ReviewParticipation, SdqReason, Sex, SocialWorkerChangeReason, UpnUnknown,
};
use careful_domain::identifiers::{LaChildId, Postcode, Upn};
use careful_domain::record::{
    CareLeaverStatus, ChildEvent, Entry, HealthAssessmentKind, PersonalDetails, Placement, SdqOutcome, Urn, fold,
};
use careful_domain::{
    CarerId, CollectionYear, EventId, RecordedAt, RecordedBy, Sequence, SystemProcess, TeamId, WorkerId,
};

use crate::ssda903::{Return, Row, Submission, Table};

/// Where an imported fact came from: a row of a 903 table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub table: Table,
    /// The file the table was read from.
    pub file: String,
    /// The row's 0-based index among the table's data rows.
    pub row: usize,
    /// The line of the file the row starts on (the header is line 1).
    pub line: u64,
    /// The collection year of the return the row is in.
    pub year: CollectionYear,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {} ({} table, {} return)", self.file, self.line, self.table.name(), self.year)
    }
}

/// What an imported row becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Imported {
    /// An event of the child's record.
    Event(ChildEvent),
    /// A social worker allocated (903 `SWEpisodes`), known by their Social Work England
    /// registration number: the importer finds or adds the worker.
    Allocation { sw_id: String, reason: Option<SocialWorkerChangeReason> },
}

/// One fact of an imported child's record.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedEvent {
    pub date: NaiveDate,
    pub what: Imported,
    pub source: Source,
    /// What the event's reason records beside its source: what the 903 did not say.
    pub note: Option<&'static str>,
}

/// A value in the files that careful does not hold yet, so is not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotKept {
    pub source: Source,
    pub field: &'static str,
    pub why: String,
}

/// One child, ready to be recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedChild {
    pub la_child_id: LaChildId,
    /// In the order to record them (date order; within a day, the order the record needs).
    pub events: Vec<ImportedEvent>,
    pub not_kept: Vec<NotKept>,
}

/// A row that careful cannot represent, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrepresentable {
    /// The child's ID as written.
    pub child: String,
    pub source: Option<Source>,
    pub field: String,
    pub problem: String,
}

impl fmt::Display for Unrepresentable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(s) => write!(f, "child {}: {s}: {}: {}", self.child, self.field, self.problem),
            None => write!(f, "child {}: {}: {}", self.child, self.field, self.problem),
        }
    }
}

/// The result of turning a submission into records.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Import {
    /// Children whose every row careful can represent, in the order of their IDs.
    pub children: Vec<ImportedChild>,
    /// Every row careful cannot represent; each such child is not among `children`.
    pub refused: Vec<Unrepresentable>,
}

impl Import {
    /// The children left out, in order.
    pub fn refused_children(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.refused.iter().map(|r| r.child.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Turns a submission (this year's return for `year`, and optionally last year's) into records.
pub fn import(submission: &Submission, year: CollectionYear) -> Import {
    let mut returns: Vec<(CollectionYear, &Return)> = Vec::new();
    if let Some(previous) = &submission.previous_year {
        returns.push((year.previous(), previous));
    }
    returns.push((year, &submission.this_year));
    // Every child's rows, by table, oldest return first.
    let mut by_child: BTreeMap<String, Vec<Located<'_>>> = BTreeMap::new();
    for (y, ret) in &returns {
        for data in ret.tables() {
            for row in data.rows() {
                let Some(child) = row.value("CHILD") else {
                    continue;
                };
                by_child.entry(child.to_string()).or_default().push(Located { row, year: *y, file: data.file() });
            }
        }
    }
    let mut out = Import::default();
    for (child, rows) in by_child {
        match ChildImport::new(&child, &rows, year).and_then(ChildImport::build) {
            Ok(imported) => out.children.push(imported),
            Err(mut refused) => out.refused.append(&mut refused),
        }
    }
    // Rows with no child ID cannot belong to any record.
    for (y, ret) in &returns {
        for data in ret.tables() {
            for row in data.rows().filter(|r| r.value("CHILD").is_none()) {
                out.refused.push(Unrepresentable {
                    child: String::new(),
                    source: Some(Source {
                        table: data.table(),
                        file: data.file().to_string(),
                        row: row.index(),
                        line: row.line(),
                        year: *y,
                    }),
                    field: "CHILD".into(),
                    problem: "the row has no child ID, so belongs to no child's record".into(),
                });
            }
        }
    }
    out
}

/// A row with the return it is in.
#[derive(Clone, Copy)]
struct Located<'a> {
    row: Row<'a>,
    year: CollectionYear,
    file: &'a str,
}

impl Located<'_> {
    fn table(&self) -> Table {
        self.row.table()
    }

    fn source(&self) -> Source {
        Source {
            table: self.table(),
            file: self.file.to_string(),
            row: self.row.index(),
            line: self.row.line(),
            year: self.year,
        }
    }
}

/// The order of a day's events, so that the record's checks pass: registration first, then
/// what starts care, what happens in care, and what ends care last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Registration,
    Status,
    CareStarts,
    Continued,
    LegalStatus,
    Placement,
    Adoption,
    Review,
    Health,
    Missing,
    Allocation,
    AllocationEnds,
    CareLeaver,
    CareEnds,
    /// A new period of care starting the day the last ended.
    NewCareStarts,
    NewContinued,
    After,
}

struct Planned {
    date: NaiveDate,
    phase: Phase,
    what: Imported,
    source: Source,
    note: Option<&'static str>,
}

/// One child's rows being turned into events.
struct ChildImport<'a> {
    child: String,
    rows: &'a [Located<'a>],
    year: CollectionYear,
    problems: Vec<Unrepresentable>,
    not_kept: Vec<NotKept>,
    planned: Vec<Planned>,
    dob: NaiveDate,
    la_child_id: LaChildId,
    details_source: Source,
    details: PersonalDetails,
}

const NO_TIME: &str = "the 903 records the day, not the time";
const IN_THE_YEAR: &str = "the 903 records that it happened in the year, not when: dated the year's last day";

impl<'a> ChildImport<'a> {
    fn new(
        child: &str,
        rows: &'a [Located<'a>],
        year: CollectionYear,
    ) -> Result<ChildImport<'a>, Vec<Unrepresentable>> {
        let refuse = |source: Option<Source>, field: &str, problem: String| {
            vec![Unrepresentable { child: child.to_string(), source, field: field.into(), problem }]
        };
        let la_child_id: LaChildId =
            child.parse().map_err(|e| refuse(rows.first().map(Located::source), "CHILD", format!("{e}")))?;
        // The Header row of the latest return the child is in.
        let Some(header) = rows.iter().rev().find(|r| r.table() == Table::Header) else {
            return Err(refuse(
                rows.first().map(Located::source),
                "CHILD",
                "the child has no Header row, so no date of birth, sex or ethnicity".into(),
            ));
        };
        let source = header.source();
        let mut problems = Vec::new();
        let mut field = |name: &'static str, problem: String| {
            problems.push(Unrepresentable {
                child: child.to_string(),
                source: Some(source.clone()),
                field: name.into(),
                problem,
            });
        };
        let dob = match header.row.date("DOB") {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                field("DOB", "the date of birth is blank".into());
                None
            }
            Err(e) => {
                field("DOB", e.to_string());
                None
            }
        };
        let sex = match header.row.value("SEX") {
            Some("1") => Some(Sex::Male),
            Some("2") => Some(Sex::Female),
            Some(code) => code.parse::<Sex>().map_err(|e| field("SEX", e.to_string())).ok(),
            None => Some(Sex::NotKnown),
        };
        let ethnicity = match header.row.value("ETHNIC") {
            Some(code) => code.parse::<Ethnicity>().map_err(|e| field("ETHNIC", e.to_string())).ok(),
            None => {
                field("ETHNIC", "the ethnicity is blank".into());
                None
            }
        };
        let mut not_kept = Vec::new();
        let (mut upn, mut upn_unknown) = (None, None);
        if let Some(text) = header.row.value("UPN") {
            if let Ok(u) = text.parse::<Upn>() {
                upn = Some(u);
            } else if let Ok(reason) = text.parse::<UpnUnknown>() {
                upn_unknown = Some(reason);
            } else {
                not_kept.push(NotKept {
                    source: source.clone(),
                    field: "UPN",
                    why: format!("{text:?} is neither a valid UPN (with its check letter) nor a UN code"),
                });
            }
        }
        if header.row.value("MOTHER") == Some("1") || header.row.value("MC_DOB").is_some() {
            not_kept.push(NotKept {
                source: source.clone(),
                field: "MOTHER",
                why: "careful does not yet record the children of looked-after children".into(),
            });
        }
        let (Some(dob), Some(sex), Some(ethnicity)) = (dob, sex, ethnicity) else {
            return Err(problems);
        };
        let details = PersonalDetails {
            // The 903 carries no names: the child is known by their ID until a worker adds them.
            given_name: "Child".into(),
            family_name: child.to_string(),
            date_of_birth: Some(dob),
            expected_date_of_birth: None,
            sex,
            ethnicity,
            upn,
            upn_unknown,
            nhs_number: None,
            disabilities: vec![],
        };
        Ok(ChildImport {
            child: child.to_string(),
            rows,
            year,
            problems,
            not_kept,
            planned: Vec::new(),
            dob,
            la_child_id,
            details_source: source,
            details,
        })
    }

    fn refuse(&mut self, source: &Source, field: &str, problem: impl Into<String>) {
        self.problems.push(Unrepresentable {
            child: self.child.clone(),
            source: Some(source.clone()),
            field: field.into(),
            problem: problem.into(),
        });
    }

    fn plan(&mut self, date: NaiveDate, phase: Phase, what: ChildEvent, source: &Source, note: Option<&'static str>) {
        self.planned.push(Planned { date, phase, what: Imported::Event(what), source: source.clone(), note });
    }

    /// The rows of one table, oldest return first, without the older copy of a row the newer
    /// return repeats (the same `key`).
    fn rows_of(&self, table: Table, key: &[&str]) -> Vec<Located<'a>> {
        let mut kept: Vec<Located<'a>> = Vec::new();
        for r in self.rows.iter().filter(|r| r.table() == table) {
            let k: Vec<Option<&str>> = key.iter().map(|c| r.row.value(c)).collect();
            kept.retain(|old| key.iter().map(|c| old.row.value(c)).collect::<Vec<_>>() != k);
            kept.push(*r);
        }
        kept
    }

    fn date(&mut self, r: &Located<'_>, column: &'static str) -> Result<Option<NaiveDate>, ()> {
        match r.row.date(column) {
            Ok(d) => Ok(d),
            Err(e) => {
                self.refuse(&r.source(), column, e.to_string());
                Err(())
            }
        }
    }

    fn required_date(&mut self, r: &Located<'_>, column: &'static str) -> Result<NaiveDate, ()> {
        match self.date(r, column)? {
            Some(d) => Ok(d),
            None => {
                self.refuse(&r.source(), column, "the date is blank");
                Err(())
            }
        }
    }

    fn code<T: std::str::FromStr<Err = careful_domain::codes::CodeError>>(
        &mut self,
        r: &Located<'_>,
        column: &'static str,
    ) -> Result<Option<T>, ()> {
        match r.row.value(column) {
            None => Ok(None),
            Some(text) => match text.parse::<T>() {
                Ok(v) => Ok(Some(v)),
                Err(e) => {
                    self.refuse(&r.source(), column, e.to_string());
                    Err(())
                }
            },
        }
    }

    fn required_code<T: std::str::FromStr<Err = careful_domain::codes::CodeError>>(
        &mut self,
        r: &Located<'_>,
        column: &'static str,
    ) -> Result<T, ()> {
        match self.code(r, column)? {
            Some(v) => Ok(v),
            None => {
                self.refuse(&r.source(), column, "the code is blank");
                Err(())
            }
        }
    }

    fn build(mut self) -> Result<ImportedChild, Vec<Unrepresentable>> {
        self.episodes();
        self.reviews();
        self.uasc();
        self.outcomes();
        self.care_leavers();
        self.adoption();
        self.missing();
        self.social_workers();
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        // Registered on the first day anything is known.
        let first = self.planned.iter().map(|p| p.date).min().unwrap_or(self.year.last_day());
        let registered = if first < self.dob { first } else { first.max(self.dob) };
        let details_source = self.details_source.clone();
        if registered < self.dob {
            // Work began before the child was born (a social worker allocated to an unborn
            // child): registered as unborn, expected on the day they were born, then born.
            if let Some(early) = self
                .planned
                .iter()
                .find(|p| p.date < self.dob && !matches!(p.phase, Phase::Allocation | Phase::AllocationEnds))
            {
                let source = early.source.clone();
                self.refuse(&source, "date", format!("{} is before the child's date of birth", early.date));
                return Err(self.problems);
            }
            let details =
                PersonalDetails { date_of_birth: None, expected_date_of_birth: Some(self.dob), ..self.details.clone() };
            self.plan(
                registered,
                Phase::Registration,
                ChildEvent::ChildRegistered { la_child_id: self.la_child_id.clone(), details },
                &details_source,
                None,
            );
            let sex = self.details.sex;
            self.plan(
                self.dob,
                Phase::Registration,
                ChildEvent::ChildBorn { date_of_birth: self.dob, sex },
                &details_source,
                None,
            );
        } else {
            self.plan(
                registered,
                Phase::Registration,
                ChildEvent::ChildRegistered { la_child_id: self.la_child_id.clone(), details: self.details.clone() },
                &details_source,
                None,
            );
        }
        self.order();
        // A care leaver known only from OC3 rows: say they were an eligible child, if the periods
        // of care imported do not show it already.
        if let Some(birthday) = self.oc3_birthday() {
            // Checked without the care leaver rows themselves, which need the answer.
            let entries = entries(self.planned.iter().filter(|p| p.phase != Phase::CareLeaver));
            // A fold that fails is reported below.
            if let Ok(record) = fold(&entries) {
                {
                    let status = record.care_leaver_status(birthday);
                    if !matches!(status, Some(CareLeaverStatus::Relevant) | Some(CareLeaverStatus::FormerRelevant)) {
                        let source = self
                            .rows
                            .iter()
                            .find(|r| r.table() == Table::Oc3)
                            .map(Located::source)
                            .unwrap_or(details_source.clone());
                        self.planned.push(Planned {
                            date: registered,
                            phase: Phase::Status,
                            what: Imported::Event(ChildEvent::EligibleChildBeforeRecord {}),
                            source,
                            note: None,
                        });
                        self.order();
                    }
                }
            }
        }
        // The record's own checks: anything they refuse cannot be represented.
        let entries = entries(&self.planned);
        if let Err(e) = fold(&entries) {
            let source = entries
                .iter()
                .position(|x| x.id == e.event)
                .and_then(|i| self.planned.get(i))
                .map(|p| p.source.clone());
            self.problems.push(Unrepresentable {
                child: self.child.clone(),
                source,
                field: e.field.to_string(),
                problem: format!("{}: {}", e.what, e.problem),
            });
            return Err(self.problems);
        }
        Ok(ImportedChild {
            la_child_id: self.la_child_id,
            events: self
                .planned
                .into_iter()
                .map(|p| ImportedEvent { date: p.date, what: p.what, source: p.source, note: p.note })
                .collect(),
            not_kept: self.not_kept,
        })
    }

    /// Puts the planned events in the record's order, by date and phase. What happened in a
    /// period of care that began before the record, dated before the first episode the files
    /// hold (a decision to place for adoption made during an earlier episode), shows the child
    /// was looked after then: the record says so from that day ([`ChildEvent::LookedAfterBeforeRecord`]),
    /// and the period is known to have begun by then.
    fn order(&mut self) {
        self.planned.sort_by_key(|p| (p.date, p.phase));
        let Some(at) = self.planned.iter().position(|p| p.phase == Phase::Continued) else { return };
        let start = self.planned[at].date;
        let earliest = self.planned[..at]
            .iter()
            .filter(|p| {
                !matches!(p.phase, Phase::Registration | Phase::Status | Phase::Allocation | Phase::AllocationEnds)
            })
            .map(|p| p.date)
            .min();
        let Some(earliest) = earliest.filter(|d| *d < start) else { return };
        if let Imported::Event(ChildEvent::CareContinuedFromBeforeRecord { looked_after_since, .. }) =
            &mut self.planned[at].what
        {
            *looked_after_since = Some(looked_after_since.map_or(earliest, |d| d.min(earliest)));
        }
        let source = self.planned[at].source.clone();
        self.planned.push(Planned {
            date: earliest,
            phase: Phase::Status,
            what: Imported::Event(ChildEvent::LookedAfterBeforeRecord {}),
            source,
            note: Some("the files show the child looked after on this day, before the first episode they hold"),
        });
        self.planned.sort_by_key(|p| (p.date, p.phase));
    }

    /// The child's 17th to 21st birthday in a year an OC3 row was returned for, if any.
    fn oc3_birthday(&self) -> Option<NaiveDate> {
        self.rows.iter().filter(|r| r.table() == Table::Oc3).find_map(|r| {
            (17..=21).filter_map(|age| date_attaining_age(self.dob, age).ok()).find(|d| r.year.contains(*d))
        })
    }

    // ------------------------------------------------------------------ episodes

    fn placement(&mut self, r: &Located<'_>, carer: CarerId) -> Result<Placement, ()> {
        let placement_type: PlacementType = self.required_code(r, "PLACE")?;
        let provider: Option<PlacementProvider> = self.code(r, "PLACE_PROVIDER")?;
        let postcode = match r.row.value("PL_POST") {
            None => None,
            Some(text) => match text.parse::<Postcode>() {
                Ok(p) => Some(p),
                Err(e) => {
                    self.refuse(&r.source(), "PL_POST", e.to_string());
                    return Err(());
                }
            },
        };
        let urn = match r.row.value("URN") {
            None => None,
            Some(text) if text.eq_ignore_ascii_case("XXXXXXX") => None,
            Some(text) => match text.parse::<Urn>() {
                Ok(u) => Some(u),
                Err(e) => {
                    self.refuse(&r.source(), "URN", e.to_string());
                    return Err(());
                }
            },
        };
        Ok(Placement { placement_type, provider, postcode, urn, carer })
    }

    fn episodes(&mut self) {
        let episodes = self.rows_of(Table::Episodes, &["DECOM"]);
        // Read every episode first.
        let mut parsed = Vec::new();
        for e in &episodes {
            let (Ok(start), Ok(end)) = (self.required_date(e, "DECOM"), self.date(e, "DEC")) else { continue };
            let (Ok(rne), Ok(ls), Ok(need), Ok(rec), Ok(reason_place_change)) = (
                self.required_code::<ReasonNewEpisode>(e, "RNE"),
                self.required_code::<LegalStatus>(e, "LS"),
                self.required_code::<Need>(e, "CIN"),
                self.code::<ReasonEpisodeCeased>(e, "REC"),
                self.code::<ReasonPlaceChange>(e, "REASON_PLACE_CHANGE"),
            ) else {
                continue;
            };
            if let Some(end) = end {
                if end < start {
                    self.refuse(&e.source(), "DEC", format!("the episode ends on {end}, before it starts on {start}"));
                    continue;
                }
                if rec.is_none() {
                    self.refuse(&e.source(), "REC", "the episode has an end date but no reason it ended");
                    continue;
                }
            } else if rec.is_some() {
                self.refuse(&e.source(), "DEC", "the episode has a reason it ended but no end date");
                continue;
            }
            let home = match e.row.value("HOME_POST") {
                None => None,
                Some(text) => match text.parse::<Postcode>() {
                    Ok(p) => Some(p),
                    Err(err) => {
                        self.refuse(&e.source(), "HOME_POST", err.to_string());
                        continue;
                    }
                },
            };
            parsed.push((*e, start, end, rne, ls, need, rec, reason_place_change, home));
        }
        if parsed.len() != episodes.len() {
            return;
        }
        parsed.sort_by_key(|p| p.1);
        let previous_permanence = self.previous_permanence();
        let oc2_years: Vec<CollectionYear> =
            self.rows.iter().filter(|r| r.table() == Table::Oc2).map(|r| r.year).collect();
        let mut in_care = false;
        let mut last_end: Option<NaiveDate> = None;
        let mut carer = 0u32;
        let mut current_carer = self.carer(carer);
        let mut previous: Option<(LegalStatus, Placement, Option<ReasonPlaceChange>)> = None;
        for (i, (e, start, end, rne, ls, need, rec, reason_place_change, home)) in parsed.iter().enumerate() {
            let source = e.source();
            let same_carer = matches!(
                rne,
                ReasonNewEpisode::PlacementChangeSameCarer | ReasonNewEpisode::LegalStatusAndPlacementSameCarer
            );
            let new_carer = matches!(
                rne,
                ReasonNewEpisode::Started
                    | ReasonNewEpisode::PlacementAndCarerChange
                    | ReasonNewEpisode::LegalStatusPlacementAndCarer
            );
            if new_carer || !in_care {
                carer += 1;
                current_carer = self.carer(carer);
            }
            let Ok(placement) = self.placement(e, current_carer) else { return };
            if !in_care {
                if i > 0 && last_end == Some(*start) && *rne == ReasonNewEpisode::Started {
                    // DfE: a new period of care cannot start on the day the last ended; careful
                    // joins them, and the episode would be read back with another RNE.
                    self.refuse(&source, "DECOM", "a new period of care (S) starts on the day the previous one ended");
                    return;
                }
                let new_period = i > 0 && last_end == Some(*start);
                let phase = if new_period { Phase::NewCareStarts } else { Phase::CareStarts };
                let previous_permanence = (*rne == ReasonNewEpisode::Started)
                    .then(|| previous_permanence.iter().find(|(y, _)| y.contains(*start)).map(|(_, p)| *p))
                    .flatten();
                self.plan(
                    *start,
                    phase,
                    ChildEvent::BecameLookedAfter {
                        legal_status: *ls,
                        placement: placement.clone(),
                        category_of_need: *need,
                        home_postcode: home.clone(),
                        previous_permanence,
                    },
                    &source,
                    None,
                );
                if *rne != ReasonNewEpisode::Started {
                    // Looked after before this record began: since when, if an OC2 row says the
                    // child had been looked after for 12 months at the end of a year.
                    let since = oc2_years.iter().map(|y| y.previous().last_day()).filter(|d| d < start).min();
                    let since = self.looked_after_since(*start, since);
                    self.plan(
                        *start,
                        if new_period { Phase::NewContinued } else { Phase::Continued },
                        ChildEvent::CareContinuedFromBeforeRecord { reason_new: *rne, looked_after_since: since },
                        &source,
                        None,
                    );
                }
                in_care = true;
            } else {
                let Some((previous_ls, previous_placement, previous_reason)) = previous.clone() else { return };
                if last_end != Some(*start) {
                    self.refuse(&source, "DECOM", "the previous episode ended with X1 (a new episode the same day), but this one starts on another day");
                    return;
                }
                let legal_status_changes = matches!(
                    rne,
                    ReasonNewEpisode::LegalStatusChange
                        | ReasonNewEpisode::LegalStatusAndPlacementSameCarer
                        | ReasonNewEpisode::LegalStatusPlacementAndCarer
                );
                let placement_changes = !matches!(rne, ReasonNewEpisode::LegalStatusChange);
                if *rne == ReasonNewEpisode::Started {
                    self.refuse(&source, "RNE", "S starts a period of care, but the previous episode ended with X1");
                    return;
                }
                if legal_status_changes != (previous_ls != *ls) {
                    self.refuse(
                        &source,
                        "LS",
                        format!(
                            "{} says the legal status {}, but it was {} before",
                            rne.code(),
                            if legal_status_changes { "changed" } else { "did not change" },
                            previous_ls.code()
                        ),
                    );
                    return;
                }
                let mut moved = placement.clone();
                if same_carer {
                    moved.carer = previous_placement.carer;
                }
                if placement_changes && moved == previous_placement {
                    self.refuse(
                        &source,
                        "PLACE",
                        format!("{} says the placement changed, but it is the same as before", rne.code()),
                    );
                    return;
                }
                if !placement_changes && moved != previous_placement {
                    self.refuse(&source, "PLACE", "L says only the legal status changed, but the placement differs");
                    return;
                }
                if legal_status_changes {
                    self.plan(
                        *start,
                        Phase::LegalStatus,
                        ChildEvent::LegalStatusChanged { legal_status: *ls },
                        &source,
                        None,
                    );
                }
                if placement_changes {
                    let reason = previous_reason.unwrap_or(ReasonPlaceChange::Other);
                    self.plan(
                        *start,
                        Phase::Placement,
                        ChildEvent::PlacementChanged { placement: moved.clone(), reason, notice: None },
                        &source,
                        Some("the 903 does not record the notice given to the carer"),
                    );
                }
                current_carer = moved.carer;
            }
            let kept = Placement { carer: current_carer, ..placement };
            previous = Some((*ls, kept, *reason_place_change));
            match (end, rec) {
                (Some(end), Some(ReasonEpisodeCeased::NewEpisodeSameDay)) => {
                    if parsed.get(i + 1).is_none_or(|n| n.1 != *end) {
                        self.refuse(
                            &source,
                            "REC",
                            "X1 says a new episode begins the day this one ends, but none does",
                        );
                        return;
                    }
                    last_end = Some(*end);
                }
                (Some(end), Some(rec)) => {
                    self.plan(
                        *end,
                        Phase::CareEnds,
                        ChildEvent::CeasedToBeLookedAfter { reason: *rec, notice: None },
                        &source,
                        Some("the 903 does not record the notice given to the carer"),
                    );
                    in_care = false;
                    last_end = Some(*end);
                    previous = None;
                }
                _ => {
                    if i + 1 < parsed.len() {
                        self.refuse(&source, "DEC", "the episode has no end date, but a later episode begins");
                        return;
                    }
                }
            }
        }
    }

    /// A day before `start` the child was looked after since, if known and earlier.
    fn looked_after_since(&self, start: NaiveDate, since: Option<NaiveDate>) -> Option<NaiveDate> {
        since.filter(|d| *d < start)
    }

    /// A carer's ID, the same for the same child and placement every time the files are read,
    /// so importing twice gives the same record.
    fn carer(&self, n: u32) -> CarerId {
        CarerId::from_random_bytes(stable_bytes(&format!("careful-import carer {} {n}", self.child)))
    }

    /// Previous permanence, by the year of the return that gave it.
    fn previous_permanence(&mut self) -> Vec<(CollectionYear, PreviousPermanence)> {
        let mut out = Vec::new();
        for r in self.rows_of(Table::PrevPerm, &[]) {
            if let Ok(Some(p)) = self.code::<PreviousPermanence>(&r, "PREV_PERM") {
                out.push((r.year, p));
            }
            if r.row.value("LA_PERM").is_some() || r.row.value("DATE_PERM").is_some() {
                self.not_kept.push(NotKept {
                    source: r.source(),
                    field: "LA_PERM",
                    why: "careful records the kind of previous permanence order, not the council or date".into(),
                });
            }
        }
        out
    }

    // ------------------------------------------------------------------ reviews and UASC

    fn reviews(&mut self) {
        for r in self.rows_of(Table::Reviews, &["REVIEW"]) {
            let (Ok(date), Ok(code)) =
                (self.required_date(&r, "REVIEW"), self.required_code::<ReviewParticipation>(&r, "REVIEW_CODE"))
            else {
                continue;
            };
            self.plan(date, Phase::Review, ChildEvent::StatutoryReviewHeld { participation: code }, &r.source(), None);
        }
    }

    fn uasc(&mut self) {
        let rows = self.rows_of(Table::Uasc, &[]);
        let Some(r) = rows.last() else { return };
        let Ok(ceased) = self.date(r, "DUC") else { return };
        // Unaccompanied from the start of the record (the 903 does not say since when).
        let first = self.planned.iter().map(|p| p.date).min().unwrap_or(r.year.first_day()).max(self.dob);
        let first = ceased.map_or(first, |c| first.min(c));
        self.plan(
            first,
            Phase::Status,
            ChildEvent::UascStatusChanged { uasc: true },
            &r.source(),
            Some("the 903 records when UASC status ceased, not when it began"),
        );
        if let Some(ceased) = ceased {
            self.plan(ceased, Phase::After, ChildEvent::UascStatusChanged { uasc: false }, &r.source(), None);
        }
    }

    // ------------------------------------------------------------------ OC2 outcomes

    fn outcomes(&mut self) {
        for r in self.rows.iter().filter(|r| r.table() == Table::Oc2).copied().collect::<Vec<_>>() {
            let day = r.year.last_day();
            let source = r.source();
            let flag = |column: &str| r.row.value(column);
            let health = flag("HEALTH_CHECK") == Some("1") || flag("HEALTH_ASSESSMENT") == Some("1");
            if flag("HEALTH_CHECK") != flag("HEALTH_ASSESSMENT") {
                self.not_kept.push(NotKept {
                    source: source.clone(),
                    field: "HEALTH_ASSESSMENT",
                    why: "careful records health assessments once; HEALTH_CHECK and HEALTH_ASSESSMENT differ".into(),
                });
            }
            if health {
                self.plan(
                    day,
                    Phase::Health,
                    ChildEvent::HealthAssessmentCompleted { assessment: HealthAssessmentKind::Review },
                    &source,
                    Some(IN_THE_YEAR),
                );
            }
            if flag("TEETH_CHECK") == Some("1") {
                self.plan(day, Phase::Health, ChildEvent::DentalCheckCompleted {}, &source, Some(IN_THE_YEAR));
            }
            match flag("IMMUNISATIONS") {
                Some("1") => self.plan(
                    day,
                    Phase::Health,
                    ChildEvent::ImmunisationsRecorded { up_to_date: true },
                    &source,
                    Some(IN_THE_YEAR),
                ),
                Some("0") => self.plan(
                    day,
                    Phase::Health,
                    ChildEvent::ImmunisationsRecorded { up_to_date: false },
                    &source,
                    Some(IN_THE_YEAR),
                ),
                _ => {}
            }
            let score = flag("SDQ_SCORE");
            let reason = flag("SDQ_REASON");
            match (score, reason) {
                (Some(text), _) => match text.parse::<u8>() {
                    Ok(score) if score <= 40 => {
                        self.plan(
                            day,
                            Phase::Health,
                            ChildEvent::SdqRecorded { outcome: SdqOutcome::Score { score } },
                            &source,
                            Some(IN_THE_YEAR),
                        );
                    }
                    _ => self.refuse(&source, "SDQ_SCORE", format!("{text:?} is not an SDQ score from 0 to 40")),
                },
                (None, Some(_)) => {
                    if let Ok(Some(reason)) = self.code::<SdqReason>(&r, "SDQ_REASON") {
                        // SDQ1 (aged under 4 or over 17) follows from the child's age.
                        if reason != SdqReason::AgeOutOfRange {
                            self.plan(
                                day,
                                Phase::Health,
                                ChildEvent::SdqRecorded { outcome: SdqOutcome::NotCompleted { reason } },
                                &source,
                                Some(IN_THE_YEAR),
                            );
                        }
                    }
                }
                (None, None) => {}
            }
            let age = age_on(self.dob, day).unwrap_or(0);
            for column in ["CONVICTED", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"] {
                let derived = match column {
                    "CONVICTED" => (age >= 10).then_some("0"),
                    "SUBSTANCE_MISUSE" => Some("0"),
                    _ => None,
                };
                if flag(column).is_some() && flag(column) != derived {
                    self.not_kept.push(NotKept {
                        source: source.clone(),
                        field: match column {
                            "CONVICTED" => "CONVICTED",
                            "SUBSTANCE_MISUSE" => "SUBSTANCE_MISUSE",
                            "INTERVENTION_RECEIVED" => "INTERVENTION_RECEIVED",
                            _ => "INTERVENTION_OFFERED",
                        },
                        why: "careful does not yet record convictions, substance misuse or interventions".into(),
                    });
                }
            }
        }
    }

    // ------------------------------------------------------------------ care leavers

    fn care_leavers(&mut self) {
        for r in self.rows.iter().filter(|r| r.table() == Table::Oc3).copied().collect::<Vec<_>>() {
            let source = r.source();
            let Some(birthday) =
                (17..=21).filter_map(|age| date_attaining_age(self.dob, age).ok()).find(|d| r.year.contains(*d))
            else {
                self.refuse(
                    &source,
                    "DOB",
                    format!("the child has no 17th to 21st birthday in {}, so cannot be in its OC3 table", r.year),
                );
                continue;
            };
            let Ok(in_touch) = self.required_code::<InTouch>(&r, "IN_TOUCH") else { continue };
            let activity = match r.row.value("ACTIV") {
                None | Some("0") => None,
                Some(_) => match self.code::<CareLeaverActivity>(&r, "ACTIV") {
                    Ok(a) => a,
                    Err(()) => continue,
                },
            };
            let (accommodation, suitable) = match r.row.value("ACCOM") {
                None | Some("0") => (None, None),
                Some(text) => {
                    let (code, suitability) = text.split_at(text.len().saturating_sub(1));
                    let suitable = match suitability {
                        "1" => true,
                        "2" => false,
                        _ => {
                            self.refuse(
                                &source,
                                "ACCOM",
                                format!("{text:?} does not end in 1 (suitable) or 2 (unsuitable)"),
                            );
                            continue;
                        }
                    };
                    match code.parse::<CareLeaverAccommodation>() {
                        Ok(a) => (Some(a), Some(suitable)),
                        Err(e) => {
                            self.refuse(&source, "ACCOM", e.to_string());
                            continue;
                        }
                    }
                }
            };
            self.plan(
                birthday,
                Phase::CareLeaver,
                ChildEvent::CareLeaverContact { in_touch, activity, accommodation, accommodation_suitable: suitable },
                &source,
                Some("the 903 records contact around the birthday, not the day: dated the birthday"),
            );
        }
    }

    // ------------------------------------------------------------------ adoption

    fn adoption(&mut self) {
        // Decisions that the child should be placed for adoption, by date, with the rows that
        // gave them.
        let mut decisions: BTreeMap<NaiveDate, Source> = BTreeMap::new();
        for r in self.rows_of(Table::PlacedAdoption, &["DATE_PLACED"]) {
            let (Ok(decided), Ok(ceased), Ok(reason)) = (
                self.required_date(&r, "DATE_PLACED"),
                self.date(&r, "DATE_PLACED_CEASED"),
                self.code::<ReasonPlacedCeased>(&r, "REASON_PLACED_CEASED"),
            ) else {
                continue;
            };
            decisions.entry(decided).or_insert_with(|| r.source());
            match (ceased, reason) {
                (Some(ceased), Some(reason)) => {
                    self.plan(
                        ceased,
                        Phase::CareEnds,
                        ChildEvent::AdoptionDecisionReversed { reason },
                        &r.source(),
                        None,
                    );
                }
                (None, None) => {}
                (Some(_), None) => {
                    self.refuse(&r.source(), "REASON_PLACED_CEASED", "the decision ceased but no reason is given")
                }
                (None, Some(_)) => {
                    self.refuse(&r.source(), "DATE_PLACED_CEASED", "a reason the decision ceased is given but no date")
                }
            }
        }
        for r in self.rows_of(Table::Ad1, &["DATE_INT"]) {
            let (Ok(decided), Ok(matched)) = (self.required_date(&r, "DATE_INT"), self.date(&r, "DATE_MATCH")) else {
                continue;
            };
            decisions.entry(decided).or_insert_with(|| r.source());
            let Some(matched) = matched else { continue };
            let (Ok(sex), Ok(legal_status)) = (
                self.required_code::<AdopterSex>(&r, "SEX_ADOPTR"),
                self.required_code::<AdopterLegalStatus>(&r, "LS_ADOPTR"),
            ) else {
                continue;
            };
            let adopters = match r.row.value("NB_ADOPTR").map(str::parse::<u8>) {
                Some(Ok(n)) => n,
                _ => {
                    self.refuse(&r.source(), "NB_ADOPTR", "the number of adopters is not 1 or 2");
                    continue;
                }
            };
            let foster_carers = match r.row.value("FOSTER_CARE") {
                Some("1") => true,
                Some("0") | None => false,
                Some(other) => {
                    self.refuse(&r.source(), "FOSTER_CARE", format!("{other:?} is not 0 or 1"));
                    continue;
                }
            };
            self.plan(
                matched,
                Phase::Adoption,
                ChildEvent::MatchedWithAdopters { adopters, sex, legal_status, foster_carers },
                &r.source(),
                None,
            );
        }
        for (decided, source) in decisions {
            self.plan(decided, Phase::Adoption, ChildEvent::AdoptionDecisionMade {}, &source, None);
        }
        // A match follows its decision on the same day.
        self.planned.sort_by_key(|p| {
            (p.date, p.phase, !matches!(p.what, Imported::Event(ChildEvent::AdoptionDecisionMade {})))
        });
    }

    // ------------------------------------------------------------------ missing

    fn missing(&mut self) {
        for r in self.rows_of(Table::Missing, &["MIS_START", "MISSING"]) {
            let (Ok(kind), Ok(start), Ok(end)) = (
                self.required_code::<MissingType>(&r, "MISSING"),
                self.required_date(&r, "MIS_START"),
                self.date(&r, "MIS_END"),
            ) else {
                continue;
            };
            if end.is_some_and(|e| e < start) {
                self.refuse(
                    &r.source(),
                    "MIS_END",
                    format!("the child returned on {}, before going missing on {start}", end.unwrap_or(start)),
                );
                continue;
            }
            let midnight = |d: NaiveDate| NaiveDateTime::new(d, NaiveTime::MIN);
            self.plan(
                start,
                Phase::Missing,
                ChildEvent::MissingEpisodeStarted { missing: kind, at: midnight(start) },
                &r.source(),
                Some(NO_TIME),
            );
            if let Some(end) = end {
                self.plan(
                    end,
                    Phase::Missing,
                    ChildEvent::MissingEpisodeEnded { returned_at: midnight(end) },
                    &r.source(),
                    Some(NO_TIME),
                );
            }
        }
    }

    // ------------------------------------------------------------------ social workers

    fn social_workers(&mut self) {
        let mut rows = self.rows_of(Table::SwEpisodes, &["SW_DECOM"]);
        rows.sort_by_key(|r| r.row.date("SW_DECOM").ok().flatten());
        let mut last: Option<String> = None;
        // The end of the episode before, and the row that gave it.
        let mut ended: Option<(NaiveDate, Source)> = None;
        // The latest allocation: when it began, and the return and row that gave it.
        struct OpenAllocation {
            start: NaiveDate,
            year: CollectionYear,
            source: Source,
        }
        let mut open_row: Option<OpenAllocation> = None;
        for r in rows {
            let (Ok(start), Ok(reason)) =
                (self.required_date(&r, "SW_DECOM"), self.code::<SocialWorkerChangeReason>(&r, "SW_REASON"))
            else {
                continue;
            };
            let Some(sw_id) = r.row.value("SW_ID").map(str::to_string) else {
                self.refuse(&r.source(), "SW_ID", "the social worker's registration number is blank");
                continue;
            };
            let Ok(end) = self.date(&r, "SW_DEC") else { continue };
            // The same worker again from the day the last episode ended (or overlapping it):
            // one allocation, which lasts to this episode's end.
            if last.as_deref() == Some(sw_id.as_str()) && ended.as_ref().is_none_or(|(before, _)| *before >= start) {
                self.not_kept.push(NotKept {
                    source: r.source(),
                    field: "SW_DECOM",
                    why: "the same social worker again: careful keeps one allocation until the worker changes".into(),
                });
                ended = end.map(|d| (d, r.source()));
                if let Some(open) = open_row.as_mut() {
                    (open.year, open.source) = (r.year, r.source());
                }
                continue;
            }
            if let Some((before, source)) = ended.take().filter(|(before, _)| *before != start) {
                self.plan(before, Phase::AllocationEnds, ChildEvent::WorkerAllocationEnded {}, &source, None);
            }
            last = Some(sw_id.clone());
            self.planned.push(Planned {
                date: start,
                phase: Phase::Allocation,
                what: Imported::Allocation { sw_id, reason },
                source: r.source(),
                note: None,
            });
            ended = end.map(|d| (d, r.source()));
            open_row = Some(OpenAllocation { start, year: r.year, source: r.source() });
        }
        // The last episode's end: nobody took over.
        if let Some((end, source)) = ended {
            self.plan(end, Phase::AllocationEnds, ChildEvent::WorkerAllocationEnded {}, &source, None);
        } else if let Some(open) = open_row {
            // A social worker episode still open at the end of one year that the next year's
            // return leaves out, for a child whose care ended in that year: it ended by the
            // time their care did (a return reports the episodes of a child's time in care).
            let care_ended = self
                .planned
                .iter()
                .filter_map(|p| match p.what {
                    Imported::Event(ChildEvent::CeasedToBeLookedAfter { .. }) => Some(p.date),
                    _ => None,
                })
                .max();
            let later = self
                .rows
                .iter()
                .filter(|r| r.table() == Table::Header && r.year > open.year && Table::SwEpisodes.exists_in(r.year))
                .map(|r| r.year)
                .max();
            if let (Some(ended), Some(later)) = (care_ended, later)
                && later.contains(ended)
                && ended > open.start
            {
                self.plan(
                    ended,
                    Phase::AllocationEnds,
                    ChildEvent::WorkerAllocationEnded {},
                    &open.source,
                    Some("the next year's return does not have this social worker episode: ended when care did"),
                );
            }
        }
    }
}

/// The entries for checking the planned events with the record's fold (allocations, whose
/// workers are not known yet, to stand-in workers named by their registration numbers).
fn entries<'p>(planned: impl IntoIterator<Item = &'p Planned>) -> Vec<Entry> {
    let team = TeamId::from_random_bytes(stable_bytes("check team"));
    check_entries(planned.into_iter().map(|p| match &p.what {
        Imported::Event(e) => (p.date, e.clone()),
        Imported::Allocation { sw_id, reason } => (
            p.date,
            ChildEvent::WorkerAllocated {
                worker: WorkerId::from_random_bytes(stable_bytes(&format!("check worker {sw_id}"))),
                team,
                reason: *reason,
            },
        ),
    }))
}

/// Events an importer plans, in order, as entries for checking with the record's fold: the
/// `i`th has the ID `stable_bytes("check {i}")`, so a fold error names the event by position.
pub(crate) fn check_entries(events: impl IntoIterator<Item = (NaiveDate, ChildEvent)>) -> Vec<Entry> {
    let at = RecordedAt::new(Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).single().expect("a valid instant"));
    events
        .into_iter()
        .enumerate()
        .map(|(i, (effective_date, event))| Entry {
            id: EventId::from_random_bytes(stable_bytes(&format!("check {i}"))),
            sequence: Sequence::new(i as u64 + 1),
            effective_date,
            recorded_at: at,
            recorded_by: RecordedBy::System(SystemProcess::Import),
            reason: None,
            manager_override: None,
            event,
        })
        .collect()
}

/// Sixteen bytes that depend only on `text` (two FNV-1a hashes), for identifiers that must be
/// the same every time the same files are read.
pub fn stable_bytes(text: &str) -> [u8; 16] {
    let hash = |seed: u64| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
        for b in text.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    };
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&hash(0).to_be_bytes());
    out[8..].copy_from_slice(&hash(0x9e37_79b9_7f4a_7c15).to_be_bytes());
    out
}

pub mod cin;

#[cfg(test)]
mod tests;
