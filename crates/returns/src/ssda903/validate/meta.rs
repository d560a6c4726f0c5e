//! What validation needs besides the return itself: the collection year, the council, and the
//! side inputs some rules read.

use std::collections::HashMap;
use std::fmt;

use careful_domain::calendar::CollectionYear;
use chrono::NaiveDate;

use super::registry;
use crate::ssda903::postcodes::PostcodeDirectory;
use crate::ssda903::report::thousands;
use crate::ssda903::{Return, Table};

/// What a return is validated against: the collection year (which sets the rule set and the
/// collection period), the council's local authority code, and optional side inputs.
///
/// Build it with [`Metadata::new`] and the `with_*` methods:
///
/// ```ignore
/// let meta = Metadata::new(year)?
///     .with_local_authority("E09000027")
///     .with_derived_placements(derived);
/// ```
#[derive(Debug, Clone)]
pub struct Metadata {
    year: CollectionYear,
    collection_start: NaiveDate,
    collection_end: NaiveDate,
    local_authority: Option<String>,
    providers: Option<ProviderList>,
    placements: Option<Vec<DerivedPlacement>>,
    previous_placements: Option<Vec<DerivedPlacement>>,
    /// Where the derived placement fields came from, when careful derived them, for the report.
    derived_from: Option<String>,
}

/// careful has no rule set for the collection year asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsupportedYear(pub CollectionYear);

impl fmt::Display for UnsupportedYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let years: Vec<String> =
            registry::SUPPORTED_YEARS.iter().map(|&y| format!("{y}-{:02}", (y + 1) % 100)).collect();
        write!(f, "careful has no SSDA903 rules for {}: it validates the {} returns", self.0, years.join(" and "))
    }
}

impl std::error::Error for UnsupportedYear {}

impl Metadata {
    /// Validation of the return for `year`, whose collection period runs from 1 April to
    /// 31 March. An error if careful has no rule set for the year (see
    /// [`super::SUPPORTED_YEARS`]).
    pub fn new(year: CollectionYear) -> Result<Metadata, UnsupportedYear> {
        if !registry::SUPPORTED_YEARS.contains(&year.start_year()) {
            return Err(UnsupportedYear(year));
        }
        Ok(Metadata {
            year,
            collection_start: year.first_day(),
            collection_end: year.last_day(),
            local_authority: None,
            providers: None,
            placements: None,
            previous_placements: None,
            derived_from: None,
        })
    }

    /// The council's local authority code, such as `E09000027` (rules comparing a placement's
    /// local authority with the council's read it).
    pub fn with_local_authority(mut self, code: impl Into<String>) -> Metadata {
        let code = code.into().trim().to_ascii_uppercase();
        self.local_authority = (!code.is_empty()).then_some(code);
        self
    }

    /// Ofsted's list of providers (children's homes and other social care providers), which
    /// the rules on a placement's URN read.
    pub fn with_providers(mut self, providers: ProviderList) -> Metadata {
        self.providers = Some(providers);
        self
    }

    /// The placement fields DfE derives from postcodes, one per row of this year's Episodes
    /// table, in the same order. See [`DerivedPlacement`].
    pub fn with_derived_placements(mut self, placements: Vec<DerivedPlacement>) -> Metadata {
        self.placements = Some(placements);
        self
    }

    /// The same for the rows of the previous year's Episodes table.
    pub fn with_previous_year_derived_placements(mut self, placements: Vec<DerivedPlacement>) -> Metadata {
        self.previous_placements = Some(placements);
        self
    }

    /// Derives the placement fields of both years' episodes from an ONS postcode directory
    /// ([`PostcodeDirectory::derive`]), for the council given by
    /// [`Metadata::with_local_authority`] (set that first: without it no `PL_LOCATION` can be
    /// derived). Fields already given (by [`Metadata::with_derived_placements`], for the same
    /// number of episodes) are kept; those given blank are filled from the directory. A year
    /// whose return has no Episodes table gets none.
    pub fn with_placements_from_postcodes(
        mut self,
        directory: &PostcodeDirectory,
        this_year: &Return,
        previous_year: Option<&Return>,
    ) -> Metadata {
        let council = self.local_authority.clone().unwrap_or_default();
        let mut said = Vec::new();
        let mut derive = |ret: &Return, given: Option<Vec<DerivedPlacement>>, whose: &str| {
            let episodes = ret.table(Table::Episodes)?;
            let derived = directory.derive(episodes, &council);
            said.push(format!(
                "{whose}placement postcodes found for {} of {} episodes, home postcodes for {} of {}",
                thousands(derived.placement_found),
                thousands(derived.placement_postcodes),
                thousands(derived.home_found),
                thousands(derived.home_postcodes)
            ));
            let mut placements = derived.placements;
            if let Some(given) = given.filter(|g| g.len() == placements.len()) {
                for (from_file, looked_up) in given.into_iter().zip(placements.iter_mut()) {
                    *looked_up = from_file.or(std::mem::take(looked_up));
                }
            }
            Some(placements)
        };
        self.placements = derive(this_year, self.placements.take(), "");
        if let Some(previous) = previous_year {
            self.previous_placements = derive(previous, self.previous_placements.take(), "last year's ");
        }
        self.derived_from = Some(format!(
            "from {} ({}, {} postcodes): {}",
            directory.file(),
            directory.layout().name(),
            thousands(directory.len()),
            said.join("; ")
        ));
        self
    }

    /// Where careful derived the placement fields from, and how many postcodes it found, when it
    /// did ([`Metadata::with_placements_from_postcodes`]).
    pub fn derived_from(&self) -> Option<&str> {
        self.derived_from.as_deref()
    }

    /// Replaces the collection period (1 April to 31 March of the year) with `start` to `end`.
    /// Only for replaying DfE's validator's own test cases, many of which are set in other
    /// years; a council's return is always validated over its year.
    pub fn with_collection_period(mut self, start: NaiveDate, end: NaiveDate) -> Metadata {
        self.collection_start = start;
        self.collection_end = end;
        self
    }

    /// The collection year, which chooses the rule set.
    pub fn year(&self) -> CollectionYear {
        self.year
    }

    /// The first day of the collection period (1 April).
    pub fn collection_start(&self) -> NaiveDate {
        self.collection_start
    }

    /// The last day of the collection period (31 March).
    pub fn collection_end(&self) -> NaiveDate {
        self.collection_end
    }

    /// The council's local authority code, if given.
    pub fn local_authority(&self) -> Option<&str> {
        self.local_authority.as_deref()
    }

    /// Ofsted's provider list, if given.
    pub fn providers(&self) -> Option<&ProviderList> {
        self.providers.as_ref()
    }

    /// The derived placement fields of this year's episodes, if given.
    pub fn derived_placements(&self) -> Option<&[DerivedPlacement]> {
        self.placements.as_deref()
    }

    /// The derived placement fields of the previous year's episodes, if given.
    pub fn previous_year_derived_placements(&self) -> Option<&[DerivedPlacement]> {
        self.previous_placements.as_deref()
    }
}

/// The placement fields that DfE (and its reference validator) derive for each episode from the
/// episode's postcodes, using the ONS postcode directory, which careful does not ship. careful
/// derives them from a directory the council gives
/// ([`Metadata::with_placements_from_postcodes`], [`crate::ssda903::postcodes`]), or they are
/// handed in ([`Metadata::with_derived_placements`]); rules that read them are skipped, and
/// reported as skipped, when they are not given.
///
/// - `PL_LA`: the upper-tier local authority code of the placement postcode (`PL_POST`);
///   `WAL`, `SCO` or `NIR` for a postcode in Wales, Scotland or Northern Ireland.
/// - `PL_LOCATION`: `IN` if `PL_LA` is the council's own local authority, else `OUT`.
/// - `PL_DISTANCE`: the straight-line distance in miles between the home postcode (`HOME_POST`)
///   and the placement postcode, from their Ordnance Survey grid references: metres / 1000 /
///   1.6093, rounded to 0.1.
///
/// Each is `None` when the postcode could not be found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DerivedPlacement {
    pub pl_la: Option<String>,
    pub pl_location: Option<String>,
    pub pl_distance: Option<f64>,
}

impl DerivedPlacement {
    /// These fields, with each one blank (missing, or only spaces) taken from `other`.
    pub fn or(self, other: DerivedPlacement) -> DerivedPlacement {
        let text = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        DerivedPlacement {
            pl_la: text(self.pl_la).or(other.pl_la),
            pl_location: text(self.pl_location).or(other.pl_location),
            pl_distance: self.pl_distance.or(other.pl_distance),
        }
    }
}

/// One provider on Ofsted's lists of children's homes and social care providers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provider {
    /// Ofsted's unique reference number (URN).
    pub urn: String,
    /// The placement types (DfE's `PLACE` codes) the provider offers.
    pub place_codes: Vec<String>,
    /// The placement provider codes (DfE's `PLACE_PROVIDER`, `PR0` to `PR5`) that fit it.
    pub provider_codes: Vec<String>,
    /// The day it was registered with Ofsted, if known.
    pub registration_start: Option<NaiveDate>,
    /// The day its registration ended, if it has.
    pub registration_end: Option<NaiveDate>,
    /// The provider's postcode.
    pub postcode: Option<String>,
    /// The local authority code of the provider's postcode.
    pub local_authority: Option<String>,
}

/// Ofsted's provider list, looked up by URN.
#[derive(Debug, Clone, Default)]
pub struct ProviderList {
    providers: Vec<Provider>,
    by_urn: HashMap<String, usize>,
}

impl ProviderList {
    /// The list; a URN given twice keeps its first entry. URNs are compared trimmed and without
    /// regard to ASCII case.
    pub fn new(providers: Vec<Provider>) -> ProviderList {
        let mut by_urn = HashMap::with_capacity(providers.len());
        for (i, p) in providers.iter().enumerate() {
            by_urn.entry(p.urn.trim().to_ascii_uppercase()).or_insert(i);
        }
        ProviderList { providers, by_urn }
    }

    /// The provider with this URN.
    pub fn get(&self, urn: &str) -> Option<&Provider> {
        self.by_urn.get(&urn.trim().to_ascii_uppercase()).and_then(|&i| self.providers.get(i))
    }

    /// Every provider, in the order given.
    pub fn providers(&self) -> &[Provider] {
        &self.providers
    }

    /// Every entry with this URN, in the order given (a provider with premises in several
    /// areas may be listed once for each).
    pub fn with_urn<'a>(&'a self, urn: &'a str) -> impl Iterator<Item = &'a Provider> + 'a {
        let key = urn.trim();
        self.providers.iter().filter(move |p| p.urn.trim().eq_ignore_ascii_case(key))
    }
}
