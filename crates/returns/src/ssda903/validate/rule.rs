//! What a rule is: DfE's code, the version of DfE's text it implements, what it reads, and the
//! function that checks it. Its message and fields are DfE's, from the catalogue.

use std::fmt;

use super::super::Table;
use super::catalogue::{self, Entry};
use super::context::Ctx;

/// One of DfE's SSDA903 validation rules, in one version.
///
/// A rule is a plain `static` value beside its check function in `rules/*.rs`;
/// [`super::YEARS`] lists which rules make up each collection year's rule set. The check is a
/// function from the shared, pre-indexed view of the return (`Ctx`) to the rows it flags.
pub struct Rule {
    /// DfE's code, exactly as DfE writes it: `"101"`, `"503A"`, `"197a"`, `"SW01aSTG1"`.
    pub code: &'static str,
    /// The collection year (by the calendar year it starts in) whose text of the rule this
    /// implements: 2022 for the text first published for 2022-23, which DfE's catalogue gives as
    /// `lac2022_23`. It must be the version DfE's catalogue lists for every year the rule is in.
    pub defined_in: i32,
    /// What must be present for the rule to run; without it the rule is skipped and reported.
    pub needs: &'static [Input],
    /// The check: flags the rows that break the rule. `None` means an input the rule reads was
    /// missing, which `needs` should have caught (debug builds panic, so tests find it).
    pub(crate) check: fn(&Ctx<'_>, &mut Flags) -> Option<()>,
}

impl Rule {
    /// DfE's catalogue entry for this version of the rule.
    pub fn entry(&self) -> Option<&'static Entry> {
        catalogue::entry(self.code, self.defined_in)
    }

    /// DfE's message, exactly as DfE publishes it (trailing spaces and all).
    pub fn message(&self) -> &'static str {
        self.entry().map_or("", |e| e.message)
    }

    /// The fields DfE names for the rule that `table` has (with the derived placement fields
    /// for Episodes).
    pub fn fields_in(&self, table: Table) -> &'static [&'static str] {
        self.entry().map_or(&[], |e| e.fields_in(table))
    }

    /// The reference validator's folder for this version, such as `lac2022_23`.
    pub fn folder(&self) -> String {
        format!("lac{}_{:02}", self.defined_in, (self.defined_in + 1) % 100)
    }
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule").field("code", &self.code).field("defined_in", &self.defined_in).finish()
    }
}

/// Something a rule cannot run without.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input {
    /// A table of this year's return.
    Table(Table),
    /// A table of the previous year's return (which needs a previous year's return).
    PreviousTable(Table),
    /// The previous year's return, whatever tables it has.
    PreviousYear,
    /// Ofsted's provider list ([`super::Metadata::with_providers`]).
    Providers,
    /// The derived fields `PL_LA`, `PL_LOCATION`, `PL_DISTANCE` of this year's episodes
    /// ([`super::Metadata::with_derived_placements`]).
    DerivedPlacements,
    /// The same for the previous year's episodes.
    PreviousDerivedPlacements,
    /// The council's local authority code ([`super::Metadata::with_local_authority`]).
    LocalAuthority,
    /// A return read from the XML form, whose Header holds each child's `<UASC>` item.
    XmlUasc,
}

/// The rows a rule flags, collected as it runs. Flagging a row twice is harmless.
#[derive(Debug, Default)]
pub struct Flags {
    pub(crate) hits: Vec<(Table, u32)>,
}

impl Flags {
    /// Flags data row `row` (0-based) of this year's `table`.
    pub(crate) fn flag(&mut self, table: Table, row: usize) {
        self.hits.push((table, u32::try_from(row).unwrap_or(u32::MAX)));
    }

    /// Flags several rows of `table`.
    pub(crate) fn flag_all(&mut self, table: Table, rows: impl IntoIterator<Item = u32>) {
        self.hits.extend(rows.into_iter().map(|r| (table, r)));
    }

    /// The flagged rows, sorted by table and row, each once.
    pub(crate) fn into_sorted(mut self) -> Vec<(Table, u32)> {
        self.hits.sort_unstable();
        self.hits.dedup();
        self.hits
    }
}
