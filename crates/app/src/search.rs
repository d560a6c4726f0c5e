//! Searching for children and the people in their lives, by name (exact, partial or sounding
//! alike), date of birth, UPN, NHS number and postcode; and the search index it reads.
//!
//! The index is a projection like the children list: [`index_entries`] works a child's entries
//! out from their folded record (so a correction is reflected the moment it is recorded), and
//! the one write path replaces them in the same transaction as every append.
//!
//! How results are ranked ([`rank`]): each match earns points, and the most points come first.
//!
//! | match | points |
//! | --- | --- |
//! | the same UPN, or the same NHS number | 10 each |
//! | each name (given and family, or the one word typed): exact, partial, sounding alike | 3, 2, 1 |
//! | the same date of birth | 3 |
//! | the same postcode (home or placement) | 2 |
//!
//! So exact names come before partial ones and partial before sounding alike, and a matching date
//! of birth raises a result by as much as an exact name. Ties are in family name, given name,
//! date of birth and council child ID order. A search for a name finds everyone whose name
//! matches (the date of birth and postcode then raise the results that have them, since dates of
//! birth are often mistyped or unknown); a search with no name or identifier finds everyone born
//! on the day and living or placed at the postcode.
//!
//! Access: searching is a council-wide action ([`Action::SearchPeople`]) for the practitioners
//! who need to know whether careful already holds a child. A record restricted without naming
//! the person searching is never found, not even by its identifiers, so neither its child's name
//! nor that the record exists reaches them. Each search is audited: who, what they searched for
//! and how many results they were shown.

use chrono::{Datelike, NaiveDate};

use careful_domain::identifiers::{NhsNumber, Postcode, Upn};
use careful_domain::names::{NameKey, NameMatch, Soundex, split_full_name};
use careful_domain::record::ChildRecord;
use careful_domain::{ChildId, PersonId};
use careful_store::{FoundPerson, NameTerms, PeopleQuery, SearchEntry};

use crate::access::{Action, Resource};
use crate::audit::{Event, Outcome};
use crate::{AppError, FieldError, UserHandle};

/// The most results a search shows.
pub const MOST_RESULTS: usize = 50;

/// How many candidates each way of finding people may bring: enough that the best
/// [`MOST_RESULTS`] are always among them.
const PER_WAY: u32 = 200;

/// The longest name careful searches for.
const LONGEST_NAME: usize = 100;

/// A child's entries in the search index: the child (their names, date of birth, UPN, NHS
/// number, the postcode of their current address and of their current placement), then each
/// person recorded in their life (their name, split into given and family names at the last
/// space, date of birth and relationship).
pub(crate) fn index_entries(record: &ChildRecord) -> Vec<SearchEntry> {
    let d = &record.details;
    let norm = |name: &str| careful_domain::names::normalise(name);
    let key = |name: &str| Soundex::of(name).map(|s| s.to_string());
    let mut entries = vec![SearchEntry {
        person: None,
        relationship: None,
        given_name: d.given_name.clone(),
        family_name: d.family_name.clone(),
        given_norm: norm(&d.given_name),
        family_norm: norm(&d.family_name),
        given_key: key(&d.given_name),
        family_key: key(&d.family_name),
        date_of_birth: record.date_of_birth(),
        upn: d.upn.as_ref().map(|u| u.as_str().to_string()),
        nhs_number: d.nhs_number.as_ref().map(|n| n.as_str().to_string()),
        postcode: record.addresses.last().map(|(_, a)| a.postcode.as_str().to_string()),
        placement_postcode: record
            .open_care_period()
            .and_then(|p| p.current().placement.postcode.as_ref())
            .map(|p| p.as_str().to_string()),
    }];
    for person in &record.people {
        let (given, family) = split_full_name(&person.name);
        entries.push(SearchEntry {
            person: Some(person.person),
            relationship: Some(person.relationship.describe().to_string()),
            given_norm: norm(&given),
            family_norm: norm(&family),
            given_key: key(&given),
            family_key: key(&family),
            given_name: given,
            family_name: family,
            date_of_birth: person.date_of_birth,
            upn: None,
            nhs_number: None,
            postcode: None,
            placement_postcode: None,
        });
    }
    entries
}

/// A search as typed (on the search page, or on the command line): any field may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchCriteria {
    /// A name: one word (a given or family name), or a given name and a family name.
    pub name: String,
    /// The date of birth as three fields, as the GOV.UK date input has it.
    pub day: String,
    pub month: String,
    pub year: String,
    pub upn: String,
    pub nhs_number: String,
    pub postcode: String,
}

impl SearchCriteria {
    /// Whether anything was typed at all.
    pub fn is_empty(&self) -> bool {
        [&self.name, &self.day, &self.month, &self.year, &self.upn, &self.nhs_number, &self.postcode]
            .iter()
            .all(|f| f.trim().is_empty())
    }
}

/// A name as searched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameSearch {
    /// One word: a given name or a family name.
    Either(NameKey),
    /// Given names (all but the last word) and a family name (the last word).
    Both { given: NameKey, family: NameKey },
}

/// A search, parsed: what careful looks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Search {
    pub name: Option<NameSearch>,
    /// The name as typed, for saying what was searched for.
    pub name_typed: String,
    pub date_of_birth: Option<NaiveDate>,
    pub upn: Option<Upn>,
    pub nhs_number: Option<NhsNumber>,
    pub postcode: Option<Postcode>,
}

impl Search {
    /// Parses what was typed, naming each field that is not usable.
    pub fn parse(criteria: &SearchCriteria, today: NaiveDate) -> Result<Search, Vec<FieldError>> {
        let mut problems = Vec::new();
        if criteria.is_empty() {
            return Err(vec![FieldError::new("name", "Enter a name, date of birth, UPN, NHS number or postcode")]);
        }
        let mut search = Search::default();
        let typed = criteria.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if typed.chars().count() > LONGEST_NAME {
            problems.push(FieldError::new("name", format!("Name must be {LONGEST_NAME} characters or fewer")));
        } else if !typed.is_empty() {
            match name_search(&typed) {
                Some(name) => {
                    search.name = Some(name);
                    search.name_typed = typed;
                }
                None => problems.push(FieldError::new("name", "Name must include letters")),
            }
        }
        match parse_date("Date of birth", "date_of_birth", &criteria.day, &criteria.month, &criteria.year, today) {
            Ok(date) => search.date_of_birth = date,
            Err(problem) => problems.push(problem),
        }
        match optional(&criteria.upn, "upn", "Enter a UPN, such as A123456789012") {
            Ok(upn) => search.upn = upn,
            Err(problem) => problems.push(problem),
        }
        match optional(&criteria.nhs_number, "nhs_number", "Enter an NHS number of 10 digits, such as 943 476 5919") {
            Ok(nhs) => search.nhs_number = nhs,
            Err(problem) => problems.push(problem),
        }
        match optional(&criteria.postcode, "postcode", "Enter a full postcode, such as EM1 4QT") {
            Ok(postcode) => search.postcode = postcode,
            Err(problem) => problems.push(problem),
        }
        if problems.is_empty() { Ok(search) } else { Err(problems) }
    }

    /// What was searched for, in words (for the audit log and the results page).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.name.is_some() {
            parts.push(format!("name \u{201c}{}\u{201d}", self.name_typed));
        }
        if let Some(d) = self.date_of_birth {
            parts.push(format!("date of birth {}", careful_domain::calendar::long_date(d)));
        }
        if let Some(upn) = &self.upn {
            parts.push(format!("UPN {upn}"));
        }
        if let Some(nhs) = &self.nhs_number {
            parts.push(format!("NHS number {}", nhs.spaced()));
        }
        if let Some(p) = &self.postcode {
            parts.push(format!("postcode {p}"));
        }
        parts.join(", ")
    }

    fn query(&self, account: uuid::Uuid) -> PeopleQuery {
        let key = |k: &NameKey| k.soundex().map(|s| s.to_string());
        PeopleQuery {
            account,
            name: self.name.as_ref().map(|n| match n {
                NameSearch::Either(k) => NameTerms::Either { norm: k.normalised().to_string(), key: key(k) },
                NameSearch::Both { given, family } => NameTerms::Both {
                    given_norm: given.normalised().to_string(),
                    given_key: key(given),
                    family_norm: family.normalised().to_string(),
                    family_key: key(family),
                },
            }),
            date_of_birth: self.date_of_birth,
            upn: self.upn.as_ref().map(|u| u.as_str().to_string()),
            nhs_number: self.nhs_number.as_ref().map(|n| n.as_str().to_string()),
            postcode: self.postcode.as_ref().map(|p| p.as_str().to_string()),
            per_way: PER_WAY,
        }
    }
}

/// A name as typed, as a search: one word matches a given or family name; more than one word
/// is given names then a family name. `None` if no word has a letter.
fn name_search(typed: &str) -> Option<NameSearch> {
    let words: Vec<&str> = typed.split_whitespace().filter(|w| NameKey::new(w).is_some()).collect();
    match words.as_slice() {
        [] => None,
        [one] => NameKey::new(one).map(NameSearch::Either),
        [given @ .., family] => {
            Some(NameSearch::Both { given: NameKey::new(&given.join(" "))?, family: NameKey::new(family)? })
        }
    }
}

/// An identifier that may be left blank, parsed; an error for `field` if it is not blank and
/// not valid.
fn optional<T: std::str::FromStr<Err = careful_domain::identifiers::IdentifierError>>(
    text: &str,
    field: &'static str,
    example: &str,
) -> Result<Option<T>, FieldError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    text.parse::<T>().map(Some).map_err(|e| FieldError::new(field, format!("{example}: {}", e.why)))
}

/// A date typed as day, month and year (all blank for no date), with the GOV.UK Design
/// System's messages for one that is incomplete, not real or in the future.
pub(crate) fn parse_date(
    label: &str,
    field: &'static str,
    day: &str,
    month: &str,
    year: &str,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, FieldError> {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    let missing: Vec<&str> = [("day", day), ("month", month), ("year", year)]
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(n, _)| *n)
        .collect();
    match missing.len() {
        0 => {}
        3 => return Ok(None),
        _ => return Err(FieldError::new(field, format!("{label} must include a {}", missing.join(" and ")))),
    }
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new(field, format!("{label}: the year must include 4 numbers")));
    }
    let number = |text: &str| if text.len() <= 2 { text.parse::<u32>().ok() } else { None };
    let date = match (number(day), number(month), year.parse::<i32>()) {
        (Some(d), Some(m), Ok(y)) => NaiveDate::from_ymd_opt(y, m, d),
        _ => None,
    };
    let Some(date) = date else {
        return Err(FieldError::new(field, format!("{label} must be a real date")));
    };
    if date > today {
        return Err(FieldError::new(field, format!("{label} must be today or in the past")));
    }
    if date.year() < 1900 {
        return Err(FieldError::new(field, format!("{label} must be after 1900")));
    }
    Ok(Some(date))
}

/// Someone found: a child, or a person recorded in a child's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// The child whose record they are on (the child themselves, for a child).
    pub child: ChildId,
    pub la_child_id: String,
    /// The person found, their name as recorded.
    pub name: String,
    pub date_of_birth: Option<NaiveDate>,
    /// The child's status in words.
    pub status: String,
    /// For someone recorded in a child's life: who they are to the child.
    pub related: Option<RelatedHit>,
    /// How they matched, in words ("Family name sounds the same", "Same date of birth").
    pub matched: Vec<String>,
    pub points: u32,
    /// Whether this is likely to be the same child as a new record would be: the same UPN or
    /// NHS number; or a matching name and the same date of birth or postcode; or exactly the
    /// same given and family names.
    pub likely_duplicate: bool,
}

/// Someone recorded in a child's life, found by a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedHit {
    pub person: PersonId,
    /// Who they are to the child ("mother").
    pub relationship: String,
    /// The child's name.
    pub child_name: String,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchResults {
    /// What was searched for, in words.
    pub searched: String,
    /// The closest matches first, at most [`MOST_RESULTS`].
    pub hits: Vec<SearchHit>,
    /// Whether more people matched than are shown.
    pub more: bool,
}

/// How one candidate matched, if it did.
fn assess(search: &Search, found: &FoundPerson) -> Option<SearchHit> {
    let e = &found.entry;
    let key = |norm: &str| NameKey::new(norm);
    let (given, family) = (key(&e.given_norm), key(&e.family_norm));
    let against = |typed: &NameKey, recorded: &Option<NameKey>| recorded.as_ref().and_then(|r| typed.matches(r));
    let points_for = |m: NameMatch| match m {
        NameMatch::Exact => 3,
        NameMatch::Partial => 2,
        NameMatch::SoundsLike => 1,
    };
    let mut points = 0;
    let mut matched = Vec::new();
    let mut identifier = false;
    let mut name_matched = false;
    let mut both_exact = false;
    if let Some(upn) = &search.upn
        && e.upn.as_deref() == Some(upn.as_str())
    {
        points += 10;
        identifier = true;
        matched.push("Same UPN".to_string());
    }
    if let Some(nhs) = &search.nhs_number
        && e.nhs_number.as_deref() == Some(nhs.as_str())
    {
        points += 10;
        identifier = true;
        matched.push("Same NHS number".to_string());
    }
    match &search.name {
        Some(NameSearch::Either(typed)) => {
            let best = [against(typed, &family), against(typed, &given)].into_iter().flatten().min();
            if let Some(m) = best {
                points += points_for(m);
                name_matched = true;
                matched.push(capitalised(m.describe()));
            }
        }
        Some(NameSearch::Both { given: g, family: f }) => {
            if let (Some(fm), Some(gm)) = (against(f, &family), against(g, &given)) {
                points += points_for(fm) + points_for(gm);
                name_matched = true;
                both_exact = fm == NameMatch::Exact && gm == NameMatch::Exact;
                if both_exact {
                    matched.push("Same name".to_string());
                } else {
                    matched.push(format!("Family name: {}", words(fm)));
                    matched.push(format!("Given name: {}", words(gm)));
                }
            }
        }
        None => {}
    }
    let born = search.date_of_birth.is_some() && e.date_of_birth == search.date_of_birth;
    if born {
        points += 3;
        matched.push("Same date of birth".to_string());
    }
    let lives = search.postcode.as_ref().is_some_and(|p| {
        e.postcode.as_deref() == Some(p.as_str()) || e.placement_postcode.as_deref() == Some(p.as_str())
    });
    if lives {
        points += 2;
        matched.push("Same postcode".to_string());
    }
    let found_by = if search.name.is_some() {
        identifier || name_matched
    } else if search.upn.is_some() || search.nhs_number.is_some() {
        identifier
    } else {
        // Date of birth and postcode alone: both must match, if both were given.
        (search.date_of_birth.is_none() || born) && (search.postcode.is_none() || lives)
    };
    if !found_by {
        return None;
    }
    let name = [e.given_name.as_str(), e.family_name.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    Some(SearchHit {
        child: found.child,
        la_child_id: found.la_child_id.clone(),
        name,
        date_of_birth: e.date_of_birth,
        status: found.status.clone(),
        related: e.person.map(|person| RelatedHit {
            person,
            relationship: e.relationship.clone().unwrap_or_default(),
            child_name: format!("{} {}", found.child_given_name, found.child_family_name),
        }),
        matched,
        points,
        likely_duplicate: identifier || (name_matched && (born || lives)) || both_exact,
    })
}

fn words(m: NameMatch) -> &'static str {
    match m {
        NameMatch::Exact => "the same",
        NameMatch::Partial => "begins with what was typed",
        NameMatch::SoundsLike => "sounds the same",
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The candidates that match, closest first (see the module's documentation), at most `most`;
/// and whether there were more.
pub(crate) fn rank(search: &Search, found: &[FoundPerson], most: usize) -> (Vec<SearchHit>, bool) {
    let mut hits: Vec<(SearchHit, &FoundPerson)> =
        found.iter().filter_map(|f| assess(search, f).map(|h| (h, f))).collect();
    hits.sort_by(|(a, fa), (b, fb)| {
        b.points
            .cmp(&a.points)
            .then_with(|| fa.entry.family_norm.cmp(&fb.entry.family_norm))
            .then_with(|| fa.entry.given_norm.cmp(&fb.entry.given_norm))
            .then_with(|| a.date_of_birth.cmp(&b.date_of_birth))
            .then_with(|| a.la_child_id.cmp(&b.la_child_id))
            .then_with(|| fa.n.cmp(&fb.n))
    });
    let more = hits.len() > most;
    (hits.into_iter().take(most).map(|(h, _)| h).collect(), more)
}

impl UserHandle {
    /// Searches for children and the people recorded in their lives. Records restricted
    /// without naming the person searching are left out. Audited: who, what was searched for
    /// and how many results were shown.
    pub async fn search(&self, criteria: &SearchCriteria) -> Result<SearchResults, AppError> {
        self.decide(Action::SearchPeople, Resource::Council, None).await?;
        let search = Search::parse(criteria, self.app().today()).map_err(AppError::Invalid)?;
        let results = self.find(&search, MOST_RESULTS).await?;
        self.audit(
            Event::new(
                Action::SearchPeople.code(),
                Outcome::Allowed,
                format!(
                    "Searched for {}: {} result(s) shown{}",
                    results.searched,
                    results.hits.len(),
                    if results.more { ", and more not shown" } else { "" }
                ),
            )
            .subject(results.searched.clone()),
        )
        .await?;
        Ok(results)
    }

    /// Finds and ranks the people a parsed search matches (not audited: the callers audit).
    pub(crate) async fn find(&self, search: &Search, most: usize) -> Result<SearchResults, AppError> {
        let found = self.app().store().find_people(&search.query(*self.principal().account().as_uuid())).await?;
        let (hits, more) = rank(search, &found.people, most);
        Ok(SearchResults { searched: search.describe(), hits, more: more || found.more })
    }

    /// How the database carries out a search (for `careful bench`).
    pub(crate) async fn explain_search(&self, criteria: &SearchCriteria) -> Result<Vec<String>, AppError> {
        let search = Search::parse(criteria, self.app().today()).map_err(AppError::Invalid)?;
        Ok(self.app().store().explain_find_people(&search.query(*self.principal().account().as_uuid())).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
    }

    fn criteria(name: &str) -> SearchCriteria {
        SearchCriteria { name: name.into(), ..SearchCriteria::default() }
    }

    fn born(day: &str, month: &str, year: &str) -> SearchCriteria {
        SearchCriteria { day: day.into(), month: month.into(), year: year.into(), ..SearchCriteria::default() }
    }

    fn problems(c: &SearchCriteria) -> Vec<(&'static str, String)> {
        Search::parse(c, today()).unwrap_err().into_iter().map(|e| (e.field, e.message)).collect()
    }

    #[test]
    fn an_empty_search_asks_for_something() {
        assert_eq!(
            problems(&SearchCriteria::default()),
            vec![("name", "Enter a name, date of birth, UPN, NHS number or postcode".to_string())]
        );
        assert_eq!(problems(&criteria("   ")).len(), 1);
    }

    #[test]
    fn names_are_one_word_or_given_and_family() {
        let s = Search::parse(&criteria(" smyth "), today()).unwrap();
        assert_eq!(s.name, Some(NameSearch::Either(NameKey::new("Smyth").unwrap())));
        assert_eq!(s.describe(), "name \u{201c}smyth\u{201d}");
        let s = Search::parse(&criteria("Mary  Jane O'Neill"), today()).unwrap();
        assert_eq!(
            s.name,
            Some(NameSearch::Both {
                given: NameKey::new("Mary Jane").unwrap(),
                family: NameKey::new("ONeill").unwrap()
            })
        );
        assert_eq!(problems(&criteria("1234 --")), vec![("name", "Name must include letters".to_string())]);
        assert_eq!(problems(&criteria(&"a".repeat(101)))[0].0, "name");
    }

    #[test]
    fn dates_of_birth_follow_the_design_systems_messages() {
        let s = Search::parse(&born("1", "6", "2015"), today()).unwrap();
        assert_eq!(s.date_of_birth, NaiveDate::from_ymd_opt(2015, 6, 1));
        for (c, message) in [
            (born("", "6", "2015"), "Date of birth must include a day"),
            (born("1", "", ""), "Date of birth must include a month and year"),
            (born("31", "2", "2015"), "Date of birth must be a real date"),
            (born("29", "2", "2015"), "Date of birth must be a real date"),
            (born("x", "2", "2015"), "Date of birth must be a real date"),
            (born("1", "13", "2015"), "Date of birth must be a real date"),
            (born("1", "6", "15"), "Date of birth: the year must include 4 numbers"),
            (born("6", "12", "2026"), "Date of birth must be today or in the past"),
            (born("1", "1", "1899"), "Date of birth must be after 1900"),
        ] {
            assert_eq!(problems(&c), vec![("date_of_birth", message.to_string())], "{c:?}");
        }
        assert!(Search::parse(&born("29", "2", "2016"), today()).is_ok());
        assert!(Search::parse(&born("05", "12", "2026"), today()).is_ok());
    }

    #[test]
    fn identifiers_are_parsed_and_each_problem_named() {
        let c = SearchCriteria {
            upn: "A823100123456".into(),
            nhs_number: "943 476 5918".into(),
            postcode: "EM1".into(),
            ..SearchCriteria::default()
        };
        let found = problems(&c);
        let fields: Vec<&str> = found.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["upn", "nhs_number", "postcode"]);
        assert!(found[0].1.contains("check letter should be B, not A"), "{}", found[0].1);
        assert!(found[1].1.contains("check digit should be 9, not 8"), "{}", found[1].1);
        assert!(found[2].1.starts_with("Enter a full postcode"), "{}", found[2].1);
        let ok = Search::parse(
            &SearchCriteria {
                upn: "b823100123456".into(),
                nhs_number: "9434765919".into(),
                postcode: "em1 4qt".into(),
                ..SearchCriteria::default()
            },
            today(),
        )
        .unwrap();
        assert_eq!(ok.describe(), "UPN B823100123456, NHS number 943 476 5919, postcode EM1 4QT");
    }

    /// A candidate as the store would return it.
    fn person(la: &str, given: &str, family: &str, dob: Option<(i32, u32, u32)>) -> FoundPerson {
        let norm = careful_domain::names::normalise;
        let key = |n: &str| Soundex::of(n).map(|s| s.to_string());
        FoundPerson {
            child: ChildId::new(),
            n: 0,
            entry: SearchEntry {
                person: None,
                relationship: None,
                given_name: given.into(),
                family_name: family.into(),
                given_norm: norm(given),
                family_norm: norm(family),
                given_key: key(given),
                family_key: key(family),
                date_of_birth: dob.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
                upn: None,
                nhs_number: None,
                postcode: None,
                placement_postcode: None,
            },
            la_child_id: la.into(),
            child_given_name: given.into(),
            child_family_name: family.into(),
            status: "Open".into(),
        }
    }

    fn order(c: &SearchCriteria, found: &[FoundPerson]) -> Vec<String> {
        let s = Search::parse(c, today()).unwrap();
        rank(&s, found, 10).0.into_iter().map(|h| h.la_child_id).collect()
    }

    #[test]
    fn exact_names_come_first_then_partial_then_sounding_alike() {
        let found = [
            person("SOUNDS", "Amy", "Smyth", None),
            person("PARTIAL", "Amy", "Smithers", None),
            person("EXACT", "Amy", "Smith", None),
            person("OTHER", "Amy", "Jones", None),
        ];
        assert_eq!(order(&criteria("Smith"), &found), ["EXACT", "PARTIAL", "SOUNDS"]);
        // A misspelt surname finds the right one, sounding alike.
        assert_eq!(order(&criteria("Smyth"), &found), ["SOUNDS", "EXACT"]);
        let johnson = [person("J", "Bo", "Johnson", None)];
        assert_eq!(order(&criteria("Jonson"), &johnson), ["J"]);
    }

    #[test]
    fn a_matching_date_of_birth_raises_a_result() {
        let found = [
            person("EXACT", "Amy", "Smith", Some((2014, 1, 1))),
            person("SOUNDS-BORN", "Amy", "Smyth", Some((2015, 6, 1))),
            person("PARTIAL", "Amy", "Smithson", Some((2015, 6, 2))),
        ];
        let mut c = criteria("Amy Smith");
        assert_eq!(order(&c, &found), ["EXACT", "PARTIAL", "SOUNDS-BORN"]);
        (c.day, c.month, c.year) = ("1".into(), "6".into(), "2015".into());
        // Exact (6) is below sounding alike with the same date of birth (4 + 3).
        assert_eq!(order(&c, &found), ["SOUNDS-BORN", "EXACT", "PARTIAL"]);
        let s = Search::parse(&c, today()).unwrap();
        let hits = rank(&s, &found, 10).0;
        assert_eq!(hits[0].matched, ["Family name: sounds the same", "Given name: the same", "Same date of birth"]);
        assert!(hits[0].likely_duplicate, "a matching name and date of birth");
        assert!(hits[1].likely_duplicate, "exactly the same names");
        assert!(!hits[2].likely_duplicate, "a partial name alone");
    }

    #[test]
    fn both_names_must_match_when_both_are_typed() {
        let found = [person("A", "Amy", "Smith", None), person("B", "Zara", "Smith", None)];
        assert_eq!(order(&criteria("Amy Smith"), &found), ["A"]);
        assert_eq!(order(&criteria("Am Smi"), &found), ["A"]);
        // One word matches either name.
        assert_eq!(order(&criteria("Zara"), &found), ["B"]);
    }

    #[test]
    fn identifiers_find_a_child_whatever_the_name() {
        let mut child = person("U", "Amy", "Smith", None);
        child.entry.upn = Some("B823100123456".into());
        let c = SearchCriteria { name: "Jones".into(), upn: "B823100123456".into(), ..SearchCriteria::default() };
        let s = Search::parse(&c, today()).unwrap();
        let hits = rank(&s, &[child], 10).0;
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].matched, ["Same UPN"]);
        assert!(hits[0].likely_duplicate);
    }

    #[test]
    fn date_of_birth_and_postcode_alone_must_both_match() {
        let mut here = person("HERE", "Amy", "Smith", Some((2015, 6, 1)));
        here.entry.placement_postcode = Some("EM1 4QT".into());
        let elsewhere = person("ELSEWHERE", "Bo", "Jones", Some((2015, 6, 1)));
        let mut c = born("1", "6", "2015");
        // Tied on points: in family name order.
        assert_eq!(order(&c, &[here.clone(), elsewhere.clone()]), ["ELSEWHERE", "HERE"]);
        c.postcode = "EM1 4QT".into();
        assert_eq!(order(&c, &[here, elsewhere]), ["HERE"]);
    }

    #[test]
    fn at_most_the_number_asked_for_and_whether_there_were_more() {
        let found: Vec<FoundPerson> = (0..12).map(|i| person(&format!("C{i:02}"), "Amy", "Smith", None)).collect();
        let s = Search::parse(&criteria("Smith"), today()).unwrap();
        let (hits, more) = rank(&s, &found, 10);
        assert_eq!((hits.len(), more), (10, true));
        let (hits, more) = rank(&s, &found, 12);
        assert_eq!((hits.len(), more), (12, false));
        // Ties are in council child ID order.
        assert_eq!(hits[0].la_child_id, "C00");
    }
}
