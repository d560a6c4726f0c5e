//! Starting a new child's record, after looking for the child among those careful already holds.
//!
//! The person fills in the child's details ([`NewChildForm`]); careful parses them
//! ([`NewChild::parse`]), names each field that is not usable, and searches for likely
//! duplicates ([`UserHandle::check_new_child`]): the same UPN or NHS number, a matching name with
//! the same date of birth or postcode, or exactly the same names (see [`crate::search`]). Only
//! then may they start the record ([`UserHandle::start_child_record`]), saying which likely
//! duplicates they were shown; if careful now finds one they were not shown (someone started a
//! record for the child meanwhile), it shows them again instead.
//!
//! The record starts, on the day, with the child's registration, their address (if given) and
//! the contact that brought them to children's services, so the front door sees them. Someone
//! other than a front door worker who starts a record is allocated the child, so that they can
//! open it at once.

use chrono::NaiveDate;

use careful_domain::ChildId;
use careful_domain::codes::{Ethnicity, ReferralSource, Sex};
use careful_domain::identifiers::{LaChildId, NhsNumber, Postcode, Upn};
use careful_domain::names::NameKey;
use careful_domain::record::{Address, ChildEvent, PersonalDetails};

use crate::access::{Action, Resource, Role};
use crate::audit::{Event, Outcome};
use crate::record::Proposed;
use crate::search::{NameSearch, Search, SearchHit, parse_date};
use crate::{AppError, FieldError, UserHandle};

/// The prefix of the council child IDs careful gives new records, followed by 7 digits.
pub const CHILD_ID_PREFIX: &str = "CF";
const CHILD_ID_DIGITS: usize = 7;

/// The most likely duplicates shown.
const MOST_DUPLICATES: usize = 20;

/// A new child's details as typed: any field may be empty or wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewChildForm {
    pub given_name: String,
    pub family_name: String,
    pub day: String,
    pub month: String,
    pub year: String,
    /// DfE's code: M, F or U.
    pub sex: String,
    /// DfE's code, such as WBRI.
    pub ethnicity: String,
    pub upn: String,
    pub nhs_number: String,
    /// House and street.
    pub street: String,
    pub town: String,
    pub postcode: String,
    /// Who made the contact: the CIN census referral source code, such as 2A (a school).
    pub source: String,
    /// The council's own ID for the child; blank for careful to give the next free one.
    pub la_child_id: String,
}

/// A new child, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChild {
    pub details: PersonalDetails,
    pub address: Option<Address>,
    pub source: ReferralSource,
    /// `None`: careful gives the next free number.
    pub la_child_id: Option<LaChildId>,
}

impl NewChild {
    /// Parses the form, naming every field that is not usable.
    pub fn parse(form: &NewChildForm, today: NaiveDate) -> Result<NewChild, Vec<FieldError>> {
        let mut problems = Vec::new();
        let mut name = |field: &'static str, text: &str, what: &str| {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.is_empty() {
                problems.push(FieldError::new(field, format!("Enter the child's {what}")));
            } else if text.chars().count() > 100 {
                problems.push(FieldError::new(field, format!("The child's {what} must be 100 characters or fewer")));
            } else if NameKey::new(&text).is_none() {
                problems.push(FieldError::new(field, format!("The child's {what} must include letters")));
            }
            text
        };
        let given_name = name("given_name", &form.given_name, "given name");
        let family_name = name("family_name", &form.family_name, "family name");
        let date_of_birth =
            match parse_date("Date of birth", "date_of_birth", &form.day, &form.month, &form.year, today) {
                Ok(Some(d)) => Some(d),
                Ok(None) => {
                    problems.push(FieldError::new("date_of_birth", "Enter the child's date of birth"));
                    None
                }
                Err(problem) => {
                    problems.push(problem);
                    None
                }
            };
        let sex = match form.sex.trim() {
            "" => {
                problems.push(FieldError::new("sex", "Select the child's sex"));
                None
            }
            code => match code.parse::<Sex>() {
                Ok(s) => Some(s),
                Err(_) => {
                    problems.push(FieldError::new("sex", "Select the child's sex"));
                    None
                }
            },
        };
        let ethnicity = match form.ethnicity.trim().parse::<Ethnicity>() {
            Ok(e) => Some(e),
            Err(_) => {
                problems.push(FieldError::new(
                    "ethnicity",
                    "Select the child's ethnicity, or \u{201c}Information not yet obtained\u{201d}",
                ));
                None
            }
        };
        let text = |t: &str| Some(t.trim().to_string()).filter(|t| !t.is_empty());
        let upn = match text(&form.upn).map(|t| t.parse::<Upn>()) {
            None => None,
            Some(Ok(u)) => Some(u),
            Some(Err(e)) => {
                problems.push(FieldError::new("upn", format!("Enter a UPN, such as A123456789012: {}", e.why)));
                None
            }
        };
        let nhs_number = match text(&form.nhs_number).map(|t| t.parse::<NhsNumber>()) {
            None => None,
            Some(Ok(n)) => Some(n),
            Some(Err(e)) => {
                problems.push(FieldError::new(
                    "nhs_number",
                    format!("Enter an NHS number of 10 digits, such as 943 476 5919: {}", e.why),
                ));
                None
            }
        };
        let (street, town, postcode) = (form.street.trim(), form.town.trim(), form.postcode.trim());
        let address = if street.is_empty() && town.is_empty() && postcode.is_empty() {
            None
        } else {
            if street.is_empty() {
                problems
                    .push(FieldError::new("street", "Enter the house and street, or leave the whole address blank"));
            }
            if town.is_empty() {
                problems.push(FieldError::new("town", "Enter the town, or leave the whole address blank"));
            }
            let postcode = match postcode.parse::<Postcode>() {
                Ok(p) => Some(p),
                Err(_) if postcode.is_empty() => {
                    problems.push(FieldError::new("postcode", "Enter the postcode, or leave the whole address blank"));
                    None
                }
                Err(e) => {
                    problems.push(FieldError::new(
                        "postcode",
                        format!("Enter a full postcode, such as EM1 4QT: {}", e.why),
                    ));
                    None
                }
            };
            postcode.map(|postcode| Address { street: street.to_string(), town: town.to_string(), postcode })
        };
        let source = match form.source.trim().parse::<ReferralSource>() {
            Ok(s) => Some(s),
            Err(_) => {
                problems.push(FieldError::new("source", "Select who made the contact"));
                None
            }
        };
        let la_child_id = match form.la_child_id.trim() {
            "" => None,
            text => match text.parse::<LaChildId>() {
                Ok(id) => Some(id),
                Err(e) => {
                    problems.push(FieldError::new("la_child_id", format!("Council child ID: {}", e.why)));
                    None
                }
            },
        };
        match (date_of_birth, sex, ethnicity, source) {
            (Some(date_of_birth), Some(sex), Some(ethnicity), Some(source)) if problems.is_empty() => Ok(NewChild {
                details: PersonalDetails {
                    given_name,
                    family_name,
                    date_of_birth: Some(date_of_birth),
                    expected_date_of_birth: None,
                    sex,
                    ethnicity,
                    upn,
                    upn_unknown: None,
                    nhs_number,
                    disabilities: Vec::new(),
                },
                address,
                source,
                la_child_id,
            }),
            _ => Err(problems),
        }
    }

    /// The search for children careful may already hold.
    fn search(&self) -> Search {
        let d = &self.details;
        Search {
            name: match (NameKey::new(&d.given_name), NameKey::new(&d.family_name)) {
                (Some(given), Some(family)) => Some(NameSearch::Both { given, family }),
                _ => None,
            },
            name_typed: format!("{} {}", d.given_name, d.family_name),
            date_of_birth: d.date_of_birth,
            upn: d.upn.clone(),
            nhs_number: d.nhs_number.clone(),
            postcode: self.address.as_ref().map(|a| a.postcode.clone()),
        }
    }
}

/// What starting a record came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewChildOutcome {
    /// Likely duplicates the person has not been shown: show them, and ask again.
    Check { duplicates: Vec<SearchHit> },
    /// The record was started.
    Started { child: ChildId, la_child_id: String },
}

/// How a likely duplicate is named when the person says which they were shown.
pub fn duplicate_key(hit: &SearchHit) -> String {
    match &hit.related {
        Some(r) => format!("{}/{}", hit.child, r.person),
        None => hit.child.to_string(),
    }
}

impl UserHandle {
    /// Checks a new child's details and finds the children (and people in children's lives)
    /// careful may already hold who could be the same child, closest first. Audited as a search.
    pub async fn check_new_child(&self, form: &NewChildForm) -> Result<Vec<SearchHit>, AppError> {
        self.decide(Action::RegisterChild, Resource::Council, None).await?;
        let child = NewChild::parse(form, self.app().today()).map_err(AppError::Invalid)?;
        self.likely_duplicates(&child).await
    }

    /// Starts the new child's record, provided every likely duplicate careful now finds is among
    /// `seen` (their [`duplicate_key`]s: the ones the person was shown and said were not this
    /// child). Otherwise nothing is started and the likely duplicates are handed back to show.
    pub async fn start_child_record(&self, form: &NewChildForm, seen: &[String]) -> Result<NewChildOutcome, AppError> {
        self.decide(Action::RegisterChild, Resource::Council, None).await?;
        let today = self.app().today();
        let mut child = NewChild::parse(form, today).map_err(AppError::Invalid)?;
        let duplicates = self.likely_duplicates(&child).await?;
        if duplicates.iter().any(|d| !seen.contains(&duplicate_key(d))) {
            return Ok(NewChildOutcome::Check { duplicates });
        }
        let store = self.app().store();
        let la_child_id = match child.la_child_id.take() {
            Some(id) => {
                if !store.children_by_la_id(id.as_str()).await?.is_empty() {
                    return Err(AppError::invalid(
                        "la_child_id",
                        format!(
                            "Another child's record has council child ID {id}: leave it blank for careful to give the next free one"
                        ),
                    ));
                }
                id
            }
            None => {
                let next = store.highest_numbered_child_id(CHILD_ID_PREFIX, CHILD_ID_DIGITS).await?.unwrap_or(0) + 1;
                format!("{CHILD_ID_PREFIX}{next:0width$}", width = CHILD_ID_DIGITS)
                    .parse::<LaChildId>()
                    .map_err(|e| AppError::invalid("la_child_id", format!("Council child ID: {}", e.why)))?
            }
        };
        let mut events = vec![Proposed::new(
            ChildEvent::ChildRegistered { la_child_id: la_child_id.clone(), details: child.details },
            today,
        )];
        if let Some(address) = child.address {
            events.push(Proposed::new(ChildEvent::AddressChanged { address }, today));
        }
        events.push(Proposed::new(ChildEvent::ContactReceived { source: child.source }, today));
        let p = self.principal();
        if p.role() != Role::FrontDoor
            && let (Some(worker), Some(team)) = (p.worker(), p.team())
        {
            events.push(Proposed::new(ChildEvent::WorkerAllocated { worker, team, reason: None }, today));
        }
        let (id, _) = self.register_child(events).await?;
        Ok(NewChildOutcome::Started { child: id, la_child_id: la_child_id.to_string() })
    }

    async fn likely_duplicates(&self, child: &NewChild) -> Result<Vec<SearchHit>, AppError> {
        let search = child.search();
        let results = self.find(&search, usize::MAX).await?;
        let duplicates: Vec<SearchHit> =
            results.hits.into_iter().filter(|h| h.likely_duplicate).take(MOST_DUPLICATES).collect();
        self.audit(
            Event::new(
                Action::SearchPeople.code(),
                Outcome::Allowed,
                format!(
                    "Looked for children careful may already hold, before starting a new record, by {}: {} likely duplicate(s) shown",
                    results.searched,
                    duplicates.len()
                ),
            )
            .subject(results.searched),
        )
        .await?;
        Ok(duplicates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
    }

    fn form() -> NewChildForm {
        NewChildForm {
            given_name: " Amy ".into(),
            family_name: "Smith-Jones".into(),
            day: "1".into(),
            month: "6".into(),
            year: "2015".into(),
            sex: "F".into(),
            ethnicity: "WBRI".into(),
            source: "2A".into(),
            ..NewChildForm::default()
        }
    }

    fn fields(f: &NewChildForm) -> Vec<&'static str> {
        NewChild::parse(f, today()).unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_complete_form_is_a_new_child() {
        let child = NewChild::parse(&form(), today()).unwrap();
        assert_eq!(child.details.given_name, "Amy");
        assert_eq!(child.details.date_of_birth, NaiveDate::from_ymd_opt(2015, 6, 1));
        assert_eq!((child.details.sex, child.details.ethnicity), (Sex::Female, Ethnicity::WhiteBritish));
        assert_eq!(child.source, ReferralSource::School);
        assert_eq!((&child.address, &child.la_child_id), (&None, &None));
        let search = child.search();
        assert!(matches!(search.name, Some(NameSearch::Both { .. })));
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        assert_eq!(
            fields(&NewChildForm::default()),
            ["given_name", "family_name", "date_of_birth", "sex", "ethnicity", "source"]
        );
        let bad = NewChildForm {
            given_name: "123".into(),
            day: "31".into(),
            month: "2".into(),
            sex: "X".into(),
            upn: "A823100123456".into(),
            nhs_number: "12".into(),
            town: "Eastmoor".into(),
            la_child_id: "EM-1".into(),
            ..form()
        };
        assert_eq!(
            fields(&bad),
            ["given_name", "date_of_birth", "sex", "upn", "nhs_number", "street", "postcode", "la_child_id"]
        );
        let problems = NewChild::parse(&bad, today()).unwrap_err();
        assert_eq!(problems[1].message, "Date of birth must be a real date");
        assert!(problems[6].message.contains("or leave the whole address blank"), "{}", problems[6].message);
    }

    #[test]
    fn an_address_is_all_or_nothing() {
        let child = NewChild::parse(
            &NewChildForm {
                street: "1 Mill Road".into(),
                town: "Eastmoor".into(),
                postcode: "em1 4qt".into(),
                ..form()
            },
            today(),
        )
        .unwrap();
        assert_eq!(child.address.unwrap().postcode.as_str(), "EM1 4QT");
        assert_eq!(fields(&NewChildForm { postcode: "EM1 4QT".into(), ..form() }), ["street", "town"]);
    }

    #[test]
    fn a_child_not_yet_born_cannot_be_started_here() {
        let tomorrow = NewChildForm { day: "6".into(), month: "12".into(), year: "2026".into(), ..form() };
        let problems = NewChild::parse(&tomorrow, today()).unwrap_err();
        assert_eq!(problems[0].message, "Date of birth must be today or in the past");
    }
}
