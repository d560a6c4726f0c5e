//! A council's CIN census turned into careful's record: the inverse of
//! [`from_record::cin_child`](crate::from_record::cin_child), for a council starting to use
//! careful with the census it already sends DfE.
//!
//! Each child's episodes (`CINdetails`) become the events a worker would have recorded: the
//! referral, assessments started and authorised (with their factors), child in need plans,
//! strategy discussions and section 47 enquiries, initial conferences, child protection plans
//! with their review conferences, and the episode's closure or no further action. Exporting the
//! year's census from the imported record gives the census imported.
//!
//! The census does not say everything the record holds. Where careful has to choose, the
//! event's reason says what the census did not say:
//!
//! - the day of the strategy discussion that began a section 47 enquiry is the latest day, on or
//!   before the enquiry began, from which the conference target (`InitialCPCtarget`) is 15
//!   working days, preferring a working day;
//! - an enquiry that needed no conference (`ICPCnotRequired`) is recorded as ending on the day
//!   it began (or the year's first day, if it began before: the census holds it because it
//!   ended in the year), and one whose episode closed with no conference and no `ICPCnotRequired` as
//!   ending at the closure, with a conference found needed;
//! - an assessment's outcome is inferred from what followed it;
//! - child protection plans before the census (`NumberOfPreviousCPP` of the first plan) are
//!   recorded as plans before careful's record.
//!
//! Values careful does not hold (`FormerUPN`, `AssessmentInternalReviewDate`, a review's latest
//! category with no review in the year, ...) are listed as not kept, never dropped silently.
//! What careful cannot represent at all (an unreadable date or code, a blank required value,
//! events the record's own checks refuse, such as a plan still open at the episode's closure)
//! is refused with the file, line and field; a child with any refused value is left out whole.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;

use careful_domain::codes::{
    AssessmentFactor, CategoryOfAbuse, Disability, Ethnicity, Need, ReasonForClosure, ReferralSource, Sex, UpnUnknown,
};
use careful_domain::identifiers::{LaChildId, Upn};
use careful_domain::record::{
    AssessmentOutcome, ChildEvent, PersonalDetails, ReviewConferenceDecision, Section47Outcome, fold,
};
use careful_domain::{CollectionYear, WorkingDayCalendar};

use super::check_entries;
use crate::cin::{CinTable, CinTableData, CinTables};

/// Where an imported fact came from: an element of the census file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CinSource {
    pub file: String,
    /// The line the element starts on.
    pub line: u64,
    /// The element, as DfE's tables name it: `CINdetails 2, Assessments 1`.
    pub element: String,
}

impl fmt::Display for CinSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {} ({})", self.file, self.line, self.element)
    }
}

/// One fact of an imported child's record.
#[derive(Debug, Clone, PartialEq)]
pub struct CinImportedEvent {
    pub date: NaiveDate,
    pub event: ChildEvent,
    pub source: CinSource,
    /// What the event's reason records beside its source: what the census did not say.
    pub note: Option<&'static str>,
}

impl CinImportedEvent {
    /// The events that make the child known (registration and birth): an import adding a
    /// census's episodes to a child careful already holds leaves those as they are.
    pub fn registers(&self) -> bool {
        matches!(self.event, ChildEvent::ChildRegistered { .. } | ChildEvent::ChildBorn { .. })
    }
}

/// A value in the census that careful does not hold, so is not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CinNotKept {
    pub source: CinSource,
    pub field: &'static str,
    pub why: String,
}

/// One child, ready to be recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct CinImportedChild {
    pub la_child_id: LaChildId,
    /// In the order to record them.
    pub events: Vec<CinImportedEvent>,
    pub not_kept: Vec<CinNotKept>,
}

/// A value careful cannot represent, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CinRefused {
    /// The child's ID as written.
    pub child: String,
    pub source: CinSource,
    pub field: String,
    pub problem: String,
}

impl fmt::Display for CinRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "child {}: {}: {}: {}", self.child, self.source, self.field, self.problem)
    }
}

/// The result of turning a census into records.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CinImport {
    /// Children whose every value careful can represent, in file order.
    pub children: Vec<CinImportedChild>,
    /// Every value careful cannot represent; those children are not in `children`.
    pub refused: Vec<CinRefused>,
}

/// Turns a census, read into DfE's tables, into each child's events. `file` names the file in
/// sources and messages.
pub fn import_census(file: &str, tables: &CinTables, year: CollectionYear) -> CinImport {
    let rows = Rows::new(tables);
    let mut out = CinImport::default();
    let ids = tables.table(CinTable::ChildIdentifiers);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for row in 0..ids.len() {
        if let Some(id) = ids.value(row, "LAchildID") {
            *seen.entry(id).or_default() += 1;
        }
    }
    for row in 0..ids.len() {
        let id = ids.value(row, "LAchildID").unwrap_or("");
        let source = CinSource { file: file.to_string(), line: ids.line(row).unwrap_or(0), element: "Child".into() };
        if seen.get(id).copied().unwrap_or(0) > 1 {
            out.refused.push(CinRefused {
                child: id.to_string(),
                source,
                field: "LAchildID".into(),
                problem: "the census gives this child more than once; give each child once, with all their episodes"
                    .into(),
            });
            continue;
        }
        let mut child = ChildBuilder {
            file,
            id,
            rows: &rows,
            year,
            planned: Vec::new(),
            not_kept: Vec::new(),
            problems: Vec::new(),
        };
        match child.build(row, source) {
            Some(done) => out.children.push(done),
            None => out.refused.append(&mut child.problems),
        }
    }
    out
}

/// Each table's rows by child (and below the child, by the keys that tie them to their parent).
struct Rows<'t> {
    tables: &'t CinTables,
    by_child: HashMap<(CinTable, &'t str), Vec<usize>>,
}

impl<'t> Rows<'t> {
    fn new(tables: &'t CinTables) -> Rows<'t> {
        let mut by_child: HashMap<(CinTable, &'t str), Vec<usize>> = HashMap::new();
        for table in CinTable::ALL {
            let data = tables.table(table);
            if data.column("LAchildID").is_none() {
                continue;
            }
            for row in 0..data.len() {
                if let Some(id) = data.value(row, "LAchildID") {
                    by_child.entry((table, id)).or_default().push(row);
                }
            }
        }
        Rows { tables, by_child }
    }

    fn data(&self, table: CinTable) -> &'t CinTableData {
        self.tables.table(table)
    }

    /// The child's rows of `table` whose key columns have the values given.
    fn of(&self, table: CinTable, child: &str, keys: &[(&str, &str)]) -> Vec<usize> {
        let data = self.data(table);
        self.by_child
            .get(&(table, child))
            .map(|rows| {
                rows.iter().copied().filter(|&r| keys.iter().all(|(c, v)| data.value(r, c) == Some(*v))).collect()
            })
            .unwrap_or_default()
    }
}

/// Where an event falls among those of the same day and episode: the order the record needs
/// (a plan's review before its end, an ended plan before the next begins, a conference before
/// the plan it makes, closure last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Registration,
    Referral,
    Review,
    PlanEnds,
    Assessment,
    Section47,
    ProtectionPlanStarts,
    CinPlanStarts,
    Closure,
    Death,
}

struct Planned {
    date: NaiveDate,
    /// The episode (0 for what belongs to the child), the phase, the item within the phase and
    /// the step within the item: the order events of one day are recorded in.
    order: (usize, Phase, usize, usize),
    event: ChildEvent,
    source: CinSource,
    note: Option<&'static str>,
}

struct ChildBuilder<'a, 't> {
    file: &'a str,
    id: &'a str,
    rows: &'a Rows<'t>,
    year: CollectionYear,
    planned: Vec<Planned>,
    not_kept: Vec<CinNotKept>,
    problems: Vec<CinRefused>,
}

/// One CIN episode's values, read.
struct Episode {
    index: usize,
    source: CinSource,
    referral: NaiveDate,
}

impl ChildBuilder<'_, '_> {
    fn source(&self, table: CinTable, row: usize, element: String) -> CinSource {
        CinSource { file: self.file.to_string(), line: self.rows.data(table).line(row).unwrap_or(0), element }
    }

    fn refuse(&mut self, source: &CinSource, field: &str, problem: impl Into<String>) {
        self.problems.push(CinRefused {
            child: self.id.to_string(),
            source: source.clone(),
            field: field.to_string(),
            problem: problem.into(),
        });
    }

    fn not_kept(&mut self, source: &CinSource, field: &'static str, why: impl Into<String>) {
        self.not_kept.push(CinNotKept { source: source.clone(), field, why: why.into() });
    }

    fn plan(
        &mut self,
        date: NaiveDate,
        order: (usize, Phase, usize, usize),
        event: ChildEvent,
        source: &CinSource,
        note: Option<&'static str>,
    ) {
        self.planned.push(Planned { date, order, event, source: source.clone(), note });
    }

    /// A date column: `None` when blank; refused when not a date.
    fn date(&mut self, table: CinTable, row: usize, column: &str, source: &CinSource) -> Option<NaiveDate> {
        let text = self.rows.data(table).value(row, column)?;
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.refuse(source, column, format!("{text:?} is not a date (YYYY-MM-DD)"));
                None
            }
        }
    }

    /// A date column the record needs.
    fn required_date(&mut self, table: CinTable, row: usize, column: &str, source: &CinSource) -> Option<NaiveDate> {
        let value = self.date(table, row, column, source);
        if value.is_none() && self.rows.data(table).value(row, column).is_none() {
            self.refuse(source, column, "the date is blank");
        }
        value
    }

    /// A code column: `None` when blank; refused when not in its code set.
    fn code<T: std::str::FromStr<Err = careful_domain::codes::CodeError>>(
        &mut self,
        table: CinTable,
        row: usize,
        column: &str,
        source: &CinSource,
    ) -> Option<T> {
        let text = self.rows.data(table).value(row, column)?;
        match text.parse::<T>() {
            Ok(c) => Some(c),
            Err(e) => {
                self.refuse(source, column, e.to_string());
                None
            }
        }
    }

    fn required_code<T: std::str::FromStr<Err = careful_domain::codes::CodeError>>(
        &mut self,
        table: CinTable,
        row: usize,
        column: &str,
        source: &CinSource,
    ) -> Option<T> {
        if self.rows.data(table).value(row, column).is_none() {
            self.refuse(source, column, "the code is blank");
            return None;
        }
        self.code(table, row, column, source)
    }

    fn yes(&self, table: CinTable, row: usize, column: &str) -> bool {
        matches!(self.rows.data(table).value(row, column).map(str::to_ascii_lowercase).as_deref(), Some("true" | "1"))
    }

    fn build(&mut self, row: usize, source: CinSource) -> Option<CinImportedChild> {
        use CinTable::*;
        let la_child_id = match self.id.parse::<LaChildId>() {
            Ok(id) => Some(id),
            Err(e) => {
                self.refuse(&source, "LAchildID", e.to_string());
                None
            }
        };
        let dob = self.date(ChildIdentifiers, row, "PersonBirthDate", &source);
        let expected = self.date(ChildIdentifiers, row, "ExpectedPersonBirthDate", &source);
        let died = self.date(ChildIdentifiers, row, "PersonDeathDate", &source);
        let sex: Option<Sex> = self.code(ChildIdentifiers, row, "Sex", &source).or(Some(Sex::NotKnown));
        let upn_unknown: Option<UpnUnknown> = self.code(ChildIdentifiers, row, "UPNunknown", &source);
        let mut upn = None;
        if let Some(text) = self.rows.data(ChildIdentifiers).value(row, "UPN") {
            match text.parse::<Upn>() {
                Ok(u) => upn = Some(u),
                Err(e) => self.not_kept(&source, "UPN", format!("{text:?} is not a valid UPN: {e}")),
            }
        }
        if self.rows.data(ChildIdentifiers).value(row, "FormerUPN").is_some() {
            self.not_kept(&source, "FormerUPN", "careful does not yet record a child's former UPN");
        }
        if dob.is_none() && expected.is_none() && self.problems.is_empty() {
            self.refuse(&source, "PersonBirthDate", "the census gives neither a date of birth nor an expected one");
        }
        let characteristics = self.rows.of(ChildCharacteristics, self.id, &[]);
        let ethnicity: Option<Ethnicity> = match characteristics.first() {
            Some(&r) => {
                let s = self.source(ChildCharacteristics, r, "ChildCharacteristics".into());
                self.required_code(ChildCharacteristics, r, "Ethnicity", &s)
            }
            None => {
                self.refuse(&source, "Ethnicity", "the census gives no ChildCharacteristics");
                None
            }
        };
        let mut disabilities: Vec<Disability> = Vec::new();
        for r in self.rows.of(Disabilities, self.id, &[]) {
            let s = self.source(Disabilities, r, "Disabilities".into());
            if let Some(d) = self.code::<Disability>(Disabilities, r, "Disability", &s)
                && !disabilities.contains(&d)
            {
                disabilities.push(d);
            }
        }

        let mut episodes = Vec::new();
        for (i, r) in self.rows.of(CinDetails, self.id, &[]).into_iter().enumerate() {
            if let Some(e) = self.episode(i + 1, r) {
                episodes.push(e);
            }
        }
        self.previous_plans(&episodes);

        let (Some(la_child_id), Some(sex), Some(ethnicity)) = (la_child_id, sex, ethnicity) else {
            return None;
        };
        if !self.problems.is_empty() {
            return None;
        }
        if let Some(day) = died {
            self.plan(day, (usize::MAX, Phase::Death, 0, 0), ChildEvent::ChildDied {}, &source, None);
        }
        // Registered on the first day anything is known; born before or on it, or unborn then.
        let first = self.planned.iter().map(|p| p.date).min().or(dob).or(expected)?;
        let details = PersonalDetails {
            // The census carries no names: the child is known by their ID until a worker adds them.
            given_name: "Child".into(),
            family_name: self.id.to_string(),
            date_of_birth: dob,
            expected_date_of_birth: expected,
            sex,
            ethnicity,
            upn,
            upn_unknown,
            nhs_number: None,
            disabilities,
        };
        match dob {
            Some(born) if first < born => {
                let unborn = PersonalDetails { date_of_birth: None, expected_date_of_birth: Some(born), ..details };
                let registered = ChildEvent::ChildRegistered { la_child_id: la_child_id.clone(), details: unborn };
                self.plan(first, (0, Phase::Registration, 0, 0), registered, &source, None);
                let birth = ChildEvent::ChildBorn { date_of_birth: born, sex };
                self.plan(born, (0, Phase::Registration, 0, 1), birth, &source, None);
            }
            _ => {
                let registered = ChildEvent::ChildRegistered { la_child_id: la_child_id.clone(), details };
                self.plan(first.min(dob.unwrap_or(first)), (0, Phase::Registration, 0, 0), registered, &source, None);
            }
        }
        self.planned.sort_by_key(|p| (p.date, p.order));
        // The record's own checks, as the importer will record the events.
        let entries = check_entries(self.planned.iter().map(|p| (p.date, p.event.clone())));
        if let Err(e) = fold(&entries) {
            let at = entries.iter().position(|x| x.id == e.event).unwrap_or(0);
            let source = self.planned.get(at).map(|p| p.source.clone()).unwrap_or(source);
            self.refuse(&source, e.field, format!("{} on {}: {}", e.what, e.date, e.problem));
            return None;
        }
        let events = std::mem::take(&mut self.planned)
            .into_iter()
            .map(|p| CinImportedEvent { date: p.date, event: p.event, source: p.source, note: p.note })
            .collect();
        Some(CinImportedChild { la_child_id, events, not_kept: std::mem::take(&mut self.not_kept) })
    }

    /// One `CINdetails`: the referral and everything below it.
    fn episode(&mut self, index: usize, row: usize) -> Option<Episode> {
        use CinTable::*;
        let key = self.rows.data(CinDetails).value(row, "CINdetailsID").unwrap_or("").to_string();
        let source = self.source(CinDetails, row, format!("CINdetails {index}"));
        let referral = self.required_date(CinDetails, row, "CINreferralDate", &source);
        let referral_source: Option<ReferralSource> = self.required_code(CinDetails, row, "ReferralSource", &source);
        let nfa = self.yes(CinDetails, row, "ReferralNFA");
        let need: Option<Need> = if nfa {
            self.code(CinDetails, row, "PrimaryNeedCode", &source).or(Some(Need::NotStated))
        } else {
            self.required_code(CinDetails, row, "PrimaryNeedCode", &source)
        };
        let closure = self.date(CinDetails, row, "CINclosureDate", &source);
        let reason: Option<ReasonForClosure> = self.code(CinDetails, row, "ReasonForClosure", &source);
        let episode_icpc = self.date(CinDetails, row, "DateOfInitialCPC", &source);
        let (Some(referral), Some(referral_source), Some(need)) = (referral, referral_source, need) else {
            return None;
        };
        let ep = Episode { index, source: source.clone(), referral };
        self.plan(
            referral,
            (index, Phase::Referral, 0, 0),
            ChildEvent::ReferralReceived { source: referral_source, primary_need: need },
            &source,
            None,
        );
        let keys = [("CINdetailsID", key.as_str())];

        // CIN plans, and CP plans (whose start days the conferences need).
        let cin_plans = self.rows.of(CinPlanDates, self.id, &keys);
        let mut cin_plan_starts = Vec::new();
        for (i, r) in cin_plans.into_iter().enumerate() {
            let s = self.source(CinPlanDates, r, format!("CINdetails {index}, CINPlanDates {}", i + 1));
            let Some(start) = self.required_date(CinPlanDates, r, "CINPlanStartDate", &s) else { continue };
            cin_plan_starts.push(start);
            self.plan(start, (index, Phase::CinPlanStarts, i, 0), ChildEvent::CinPlanStarted {}, &s, None);
            if let Some(end) = self.date(CinPlanDates, r, "CINPlanEndDate", &s) {
                self.plan(end, (index, Phase::PlanEnds, i, 0), ChildEvent::CinPlanEnded {}, &s, None);
            }
        }
        let cp_plans = self.cp_plans(&ep, &keys);

        // Assessments, with their factors.
        for (i, r) in self.rows.of(Assessments, self.id, &keys).into_iter().enumerate() {
            let s = self.source(Assessments, r, format!("CINdetails {index}, Assessments {}", i + 1));
            let Some(start) = self.required_date(Assessments, r, "AssessmentActualStartDate", &s) else { continue };
            if self.rows.data(Assessments).value(r, "AssessmentInternalReviewDate").is_some() {
                self.not_kept(
                    &s,
                    "AssessmentInternalReviewDate",
                    "careful does not yet record internal reviews of assessments",
                );
            }
            self.plan(start, (index, Phase::Assessment, i, 0), ChildEvent::AssessmentStarted {}, &s, None);
            let Some(authorised) = self.date(Assessments, r, "AssessmentAuthorisationDate", &s) else { continue };
            let id = self.rows.data(Assessments).value(r, "AssessmentID").unwrap_or("").to_string();
            let mut factors: Vec<AssessmentFactor> = Vec::new();
            let factor_keys = [("CINdetailsID", key.as_str()), ("AssessmentID", id.as_str())];
            for f in self.rows.of(AssessmentFactorsList, self.id, &factor_keys) {
                if let Some(code) = self.code::<AssessmentFactor>(AssessmentFactorsList, f, "AssessmentFactor", &s)
                    && !factors.contains(&code)
                {
                    factors.push(code);
                }
            }
            // What followed the assessment says what it found.
            let outcome = if cin_plan_starts.iter().any(|&d| d >= authorised) {
                AssessmentOutcome::ChildInNeed
            } else if cp_plans.iter().any(|&d| d >= start) {
                AssessmentOutcome::StrategyDiscussion
            } else if reason == Some(ReasonForClosure::ClosedAfterAssessmentEarlyHelp) {
                AssessmentOutcome::EarlyHelp
            } else if reason == Some(ReasonForClosure::ClosedAfterAssessmentNoFurtherAction) {
                AssessmentOutcome::NoFurtherAction
            } else {
                AssessmentOutcome::ChildInNeed
            };
            self.plan(
                authorised,
                (index, Phase::Assessment, i, 1),
                ChildEvent::AssessmentAuthorised { factors, outcome },
                &s,
                Some("the census does not record the assessment's outcome: careful infers it from what followed"),
            );
        }

        // Section 47 enquiries and their conferences.
        let mut conferences: Vec<NaiveDate> = Vec::new();
        let enquiries = self.rows.of(Section47, self.id, &keys);
        for (i, r) in enquiries.into_iter().enumerate() {
            let s = self.source(Section47, r, format!("CINdetails {index}, Section47 {}", i + 1));
            let Some(start) = self.required_date(Section47, r, "S47ActualStartDate", &s) else { continue };
            let target = self.date(Section47, r, "InitialCPCtarget", &s);
            let icpc = self.date(Section47, r, "DateOfInitialCPC", &s);
            let not_required = self.yes(Section47, r, "ICPCnotRequired");
            let (discussion, note) = match target.and_then(|t| strategy_discussion(t, start, referral)) {
                Some(day) => (
                    day,
                    Some(
                        "the census gives the conference target: the strategy discussion is the day it counts 15 working days from",
                    ),
                ),
                None => (
                    start,
                    Some(
                        "the census gives no conference target that counts from a day of this episode: the strategy discussion is recorded on the day the enquiry began",
                    ),
                ),
            };
            let order = |step| (index, Phase::Section47, i, step);
            self.plan(discussion, order(0), ChildEvent::StrategyDiscussionHeld { section_47: true }, &s, note);
            self.plan(start, order(1), ChildEvent::Section47Started {}, &s, None);
            match (icpc, not_required) {
                (Some(day), _) => {
                    if not_required {
                        self.not_kept(
                            &s,
                            "ICPCnotRequired",
                            "the enquiry has a conference: careful keeps the conference",
                        );
                    }
                    conferences.push(day);
                    let completed = ChildEvent::Section47Completed { outcome: Section47Outcome::ConferenceRequired };
                    self.plan(
                        day,
                        order(2),
                        completed,
                        &s,
                        Some(
                            "the census does not give the day the enquiry ended: recorded on the day of its conference",
                        ),
                    );
                    let plan_required = cp_plans.contains(&day);
                    self.plan(day, order(3), ChildEvent::InitialConferenceHeld { plan_required }, &s, None);
                }
                (None, true) => {
                    let outcome = if cin_plan_starts.iter().any(|&d| d >= start) {
                        Section47Outcome::ChildInNeed
                    } else {
                        Section47Outcome::NoFurtherAction
                    };
                    // In the census, so ended in the year if it began before.
                    let ended = start.max(self.year.first_day());
                    self.plan(
                        ended,
                        order(2),
                        ChildEvent::Section47Completed { outcome },
                        &s,
                        Some("the census does not give the day the enquiry ended or its outcome: recorded as ending the day it began (or the year's first day, if it began before), found no conference needed"),
                    );
                }
                (None, false) => {
                    if let Some(closed) = closure {
                        let completed =
                            ChildEvent::Section47Completed { outcome: Section47Outcome::ConferenceRequired };
                        self.plan(closed, (index, Phase::PlanEnds, usize::MAX, i), completed, &s, Some("the census gives neither a conference nor that none was needed: recorded as ending at the episode's closure, with a conference found needed"));
                    }
                }
            }
        }
        // A conference the census gives for the episode alone (its enquiry was before the year),
        // and the conference that began each plan the census gives no conference for.
        let mut needed: Vec<(NaiveDate, &'static str)> = Vec::new();
        if let Some(day) = episode_icpc.filter(|d| !conferences.contains(d)) {
            needed.push((day, "the census gives the episode's initial conference without its enquiry: the strategy discussion and enquiry are recorded on the day of the referral"));
        }
        for &start in &cp_plans {
            if !conferences.contains(&start) && episode_icpc != Some(start) {
                needed.push((
                    start,
                    "the census gives no initial conference for this plan: careful records one on the day it began",
                ));
            }
        }
        for (n, (day, note)) in needed.into_iter().enumerate() {
            let from = if episode_icpc == Some(day) { referral } else { day };
            let order = |step| (index, Phase::Section47, usize::MAX - 8 + n, step);
            let s = source.clone();
            self.plan(from, order(0), ChildEvent::StrategyDiscussionHeld { section_47: true }, &s, Some(note));
            self.plan(from, order(1), ChildEvent::Section47Started {}, &s, Some(note));
            let completed = ChildEvent::Section47Completed { outcome: Section47Outcome::ConferenceRequired };
            self.plan(from, order(2), completed, &s, Some(note));
            let plan_required = cp_plans.contains(&day);
            self.plan(day, order(3), ChildEvent::InitialConferenceHeld { plan_required }, &s, Some(note));
        }

        // The episode's end.
        if nfa {
            if reason.is_some_and(|r| r != ReasonForClosure::OtherReason) {
                self.not_kept(
                    &source,
                    "ReasonForClosure",
                    "careful records a referral with no further action, closed with no assessment, as RC7 (RC8 and RC9 are for cases closed after assessment)",
                );
            }
            let (day, note) = match closure {
                Some(day) => (day, None),
                None => (
                    referral,
                    Some(
                        "the census gives no closure date for a referral with no further action: recorded on the day of the referral",
                    ),
                ),
            };
            self.plan(day, (index, Phase::Closure, 0, 0), ChildEvent::ReferralNoFurtherAction {}, &source, note);
        } else if let Some(day) = closure {
            match reason {
                Some(reason) => {
                    self.plan(day, (index, Phase::Closure, 0, 0), ChildEvent::CaseClosed { reason }, &source, None)
                }
                None => {
                    self.refuse(&source, "ReasonForClosure", "the episode has a closure date but no reason for closure")
                }
            }
        } else if reason.is_some() {
            self.not_kept(&source, "ReasonForClosure", "the episode has a reason for closure but no closure date");
        }
        Some(ep)
    }

    /// The episode's child protection plans; returns the days they began.
    fn cp_plans(&mut self, ep: &Episode, keys: &[(&str, &str)]) -> Vec<NaiveDate> {
        use CinTable::*;
        let index = ep.index;
        let mut starts = Vec::new();
        for (i, r) in self.rows.of(ChildProtectionPlans, self.id, keys).into_iter().enumerate() {
            let s = self.source(ChildProtectionPlans, r, format!("CINdetails {index}, ChildProtectionPlans {}", i + 1));
            let start = self.required_date(ChildProtectionPlans, r, "CPPstartDate", &s);
            let end = self.date(ChildProtectionPlans, r, "CPPendDate", &s);
            let initial: Option<CategoryOfAbuse> =
                self.required_code(ChildProtectionPlans, r, "InitialCategoryOfAbuse", &s);
            let latest: Option<CategoryOfAbuse> = self.code(ChildProtectionPlans, r, "LatestCategoryOfAbuse", &s);
            let (Some(start), Some(initial)) = (start, initial) else { continue };
            starts.push(start);
            self.plan(
                start,
                (index, Phase::ProtectionPlanStarts, i, 0),
                ChildEvent::ChildProtectionPlanStarted { category: initial },
                &s,
                None,
            );
            let id = self.rows.data(ChildProtectionPlans).value(r, "CPPID").unwrap_or("").to_string();
            let review_keys = [keys[0], ("CPPID", id.as_str())];
            let mut reviews: Vec<NaiveDate> = Vec::new();
            for v in self.rows.of(Reviews, self.id, &review_keys) {
                if let Some(day) = self.date(Reviews, v, "CPPreviewDate", &s) {
                    reviews.push(day);
                }
            }
            reviews.sort();
            reviews.dedup();
            let changed = latest.filter(|&l| l != initial);
            if changed.is_some() && reviews.is_empty() {
                self.not_kept(&s, "LatestCategoryOfAbuse", "the category changed at a review the census does not give (none in the year): careful keeps the initial category");
            }
            let last = reviews.len();
            for (n, day) in reviews.into_iter().enumerate() {
                let decision = if Some(day) == end {
                    ReviewConferenceDecision::EndPlan
                } else {
                    ReviewConferenceDecision::ContinuePlan
                };
                let category = if n + 1 == last { changed } else { None };
                self.plan(
                    day,
                    (index, Phase::Review, i, n),
                    ChildEvent::ReviewConferenceHeld { decision, category },
                    &s,
                    None,
                );
            }
            if let Some(end) = end {
                self.plan(end, (index, Phase::PlanEnds, i, 1), ChildEvent::ChildProtectionPlanEnded {}, &s, None);
            }
        }
        starts
    }

    /// The plans before careful's record: the first plan's `NumberOfPreviousCPP`; the later
    /// plans' numbers are checked against what the record then counts.
    fn previous_plans(&mut self, episodes: &[Episode]) {
        use CinTable::*;
        let mut plans = Vec::new();
        for ep in episodes {
            let key =
                self.rows.data(CinDetails).value(self.episode_row(ep.index), "CINdetailsID").unwrap_or("").to_string();
            for r in self.rows.of(ChildProtectionPlans, self.id, &[("CINdetailsID", key.as_str())]) {
                plans.push((ep, r));
            }
        }
        let mut before = None;
        for (n, (ep, r)) in plans.into_iter().enumerate() {
            let s = self.source(ChildProtectionPlans, r, format!("CINdetails {}, ChildProtectionPlans", ep.index));
            let Some(text) = self.rows.data(ChildProtectionPlans).value(r, "NumberOfPreviousCPP") else {
                continue;
            };
            let Ok(count) = text.parse::<u32>() else {
                self.refuse(&s, "NumberOfPreviousCPP", format!("{text:?} is not a whole number"));
                continue;
            };
            let earlier = *before.get_or_insert_with(|| count.saturating_sub(n as u32));
            if earlier as usize + n != count as usize {
                self.not_kept(
                    &s,
                    "NumberOfPreviousCPP",
                    format!(
                        "the census gives {count} earlier plans; careful counts {} (plans before its record and those it holds)",
                        earlier as usize + n
                    ),
                );
            }
        }
        if let Some(count) = before.filter(|&c| c > 0)
            && let Some(first) = episodes.first()
        {
            self.plan(
                first.referral,
                (0, Phase::Registration, 0, 2),
                ChildEvent::ChildProtectionPlansBeforeRecord { count },
                &first.source,
                Some("the census's NumberOfPreviousCPP"),
            );
        }
    }

    fn episode_row(&self, index: usize) -> usize {
        self.rows.of(CinTable::CinDetails, self.id, &[]).get(index - 1).copied().unwrap_or(0)
    }
}

/// The strategy discussion's day: the latest day, on or after the referral and on or before the
/// enquiry began, from which `target` is 15 working days (`InitialCPCtarget`), preferring a
/// working day.
fn strategy_discussion(target: NaiveDate, start: NaiveDate, referral: NaiveDate) -> Option<NaiveDate> {
    let calendar = WorkingDayCalendar::england_and_wales();
    let mut found = None;
    let mut day = start;
    while day >= referral && start.signed_duration_since(day).num_days() <= 60 {
        if calendar.add_working_days(day, 15).ok() == Some(target) {
            if calendar.is_working_day(day).unwrap_or(false) {
                return Some(day);
            }
            found.get_or_insert(day);
        }
        day = day.pred_opt()?;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_strategy_discussion_is_the_working_day_the_target_counts_from() {
        // Worked by hand: a strategy discussion on Thursday 2 April 2026; 15 working days on,
        // skipping Good Friday (3 April) and Easter Monday (6 April), is Monday 27 April.
        assert_eq!(strategy_discussion(d("2026-04-27"), d("2026-04-02"), d("2026-03-20")), Some(d("2026-04-02")));
        // The enquiry began on Tuesday 7 April: the discussion is still Thursday 2 April, not the
        // Saturday, Sunday, Good Friday or Easter Monday from which 15 working days also end on
        // 27 April.
        assert_eq!(strategy_discussion(d("2026-04-27"), d("2026-04-07"), d("2026-03-20")), Some(d("2026-04-02")));
        // Not before the referral.
        assert_eq!(strategy_discussion(d("2026-04-27"), d("2026-04-07"), d("2026-04-03")), Some(d("2026-04-06")));
        // A target no day of the episode counts to.
        assert_eq!(strategy_discussion(d("2026-04-28"), d("2026-04-02"), d("2026-04-01")), None);
    }

    fn census(rows: Vec<crate::cin::GivenTable<'_>>) -> CinTables {
        CinTables::from_rows(rows).unwrap()
    }

    fn some(v: &[&str]) -> Vec<Option<String>> {
        v.iter().map(|s| if s.is_empty() { None } else { Some(s.to_string()) }).collect()
    }

    fn one_child(episode: &[&str], section47: Option<&[&str]>) -> CinTables {
        let mut rows = vec![
            (
                CinTable::ChildIdentifiers,
                vec!["LAchildID", "PersonBirthDate", "Sex"],
                vec![some(&["C1", "2015-06-01", "F"])],
            ),
            (CinTable::ChildCharacteristics, vec!["LAchildID", "Ethnicity"], vec![some(&["C1", "WBRI"])]),
            (
                CinTable::CinDetails,
                vec![
                    "LAchildID",
                    "CINdetailsID",
                    "CINreferralDate",
                    "ReferralSource",
                    "PrimaryNeedCode",
                    "CINclosureDate",
                    "ReasonForClosure",
                    "ReferralNFA",
                ],
                vec![some(episode)],
            ),
        ];
        if let Some(s47) = section47 {
            rows.push((
                CinTable::Section47,
                vec!["LAchildID", "CINdetailsID", "S47ActualStartDate", "InitialCPCtarget", "ICPCnotRequired"],
                vec![some(s47)],
            ));
        }
        census(rows)
    }

    fn year() -> CollectionYear {
        "2025-26".parse().unwrap()
    }

    #[test]
    fn an_enquiry_that_needed_no_conference_ends_in_the_year_it_is_reported_for() {
        let tables = one_child(
            &["C1", "1", "2025-03-20", "1A", "N1", "2025-05-01", "RC7", "false"],
            Some(&["C1", "1", "2025-03-27", "2025-04-17", "true"]),
        );
        let import = import_census("cin.xml", &tables, year());
        assert_eq!(import.refused, vec![]);
        let events = &import.children[0].events;
        let completed: Vec<_> = events
            .iter()
            .filter(|e| matches!(e.event, ChildEvent::Section47Completed { .. }))
            .map(|e| e.date)
            .collect();
        // Began before 1 April 2025; in the 2025-26 census, so it ended on or after that day.
        assert_eq!(completed, vec![d("2025-04-01")]);
        let discussion = events.iter().find(|e| matches!(e.event, ChildEvent::StrategyDiscussionHeld { .. })).unwrap();
        // 15 working days before Thursday 17 April 2025, with no holiday between: Thursday 27 March.
        assert_eq!(discussion.date, d("2025-03-27"));
        assert!(
            discussion.source.to_string().contains("cin.xml line 2 (CINdetails 1, Section47 1)"),
            "{}",
            discussion.source
        );
    }

    #[test]
    fn what_careful_cannot_represent_is_refused_with_line_and_field() {
        // The episode closed with no reason for closure.
        let tables = one_child(&["C1", "1", "2025-05-01", "1A", "N1", "2025-06-01", "", "false"], None);
        let import = import_census("cin.xml", &tables, year());
        assert!(import.children.is_empty());
        assert_eq!(import.refused.len(), 1);
        let refused = import.refused[0].to_string();
        assert!(refused.contains("child C1: cin.xml line 2 (CINdetails 1): ReasonForClosure"), "{refused}");
        // A referral date that is not a date.
        let tables = one_child(&["C1", "1", "01/05/2025", "1A", "N1", "", "", "false"], None);
        let refused = import_census("cin.xml", &tables, year()).refused[0].to_string();
        assert!(refused.contains("CINreferralDate: \"01/05/2025\" is not a date"), "{refused}");
        // A referral that went on to further action needs its primary need.
        let tables = one_child(&["C1", "1", "2025-05-01", "1A", "", "", "", "false"], None);
        let refused = import_census("cin.xml", &tables, year()).refused[0].to_string();
        assert!(refused.contains("PrimaryNeedCode: the code is blank"), "{refused}");
        // With no further action it does not, and the referral closes RC7; an RC8 is not kept.
        let tables = one_child(&["C1", "1", "2025-05-01", "1A", "", "2025-05-01", "RC8", "true"], None);
        let import = import_census("cin.xml", &tables, year());
        assert_eq!(import.refused, vec![]);
        assert_eq!(import.children[0].not_kept[0].field, "ReasonForClosure");
        assert!(import.children[0].events.iter().any(|e| e.event == ChildEvent::ReferralNoFurtherAction {}));
    }
}
