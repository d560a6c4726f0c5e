//! DfE's SSDA903 validation rules, run on a return.
//!
//! [`validate`] runs every rule of the collection year on this year's return (and, where rules
//! compare the two, the previous year's) and gives one [`Finding`] per rule per flagged row,
//! with DfE's code and message, the table, the row and its line in the file, the fields and the
//! child. Rules that cannot run because an input is missing (a table the return lacks, no
//! previous year, no Ofsted provider list, no derived placement fields, no council code) are not
//! silently passed: they are listed by [`skipped`], and [`validate_report`] gives both.
//!
//! The rules are DfE's, implemented from DfE's rule text and checked against the test cases of
//! DfE's reference validator (Data to Insight's `csc-validator-be-903`); `docs/returns.md`
//! describes what they check, the inputs, how findings are reported, the known differences from
//! the reference, and how to add a rule.
//!
//! - [`catalogue`]: DfE's catalogue of rules for each year (codes, versions, fields, messages),
//!   embedded from `crates/returns/data/` and parsed once. Messages are never written by hand.
//! - [`YEARS`] and [`rule_set`]: each year's rule set, written as what it keeps from, adds to,
//!   replaces in and removes from the year before.
//! - [`Rule`]: one version of one rule; each is a `static` beside its check function in the
//!   `rules` module, one file per range of codes.
//! - [`Metadata`]: the collection year and the side inputs: the council's code, the placement
//!   fields derived from postcodes ([`DerivedPlacement`]) and Ofsted's provider list.
//!
//! # Reading cells
//!
//! As DfE's validator upper-cases everything it reads, codes and child IDs are compared without
//! regard to ASCII case, and every value is trimmed of spaces (a cell of only spaces is blank).
//! A date is `DD/MM/YYYY` ([`super::parse_date`]); a cell that is not a date is reported by the
//! rule that checks that field (such as 102 for DOB) and treated as missing by every other rule.
//! Rules never panic on what a file holds (a property test feeds them arbitrary cells).
//!
//! # Speed
//!
//! The return is indexed once (`context`): child IDs are interned to numbers shared by both
//! years, and each table's rows by child, each date column parsed, and the children's episodes
//! in date order are computed the first time a rule asks and shared by all later rules. No rule
//! copies a table. 27,000 children with a previous year validate in under half a second.

pub mod catalogue;
pub(crate) mod codes;
mod cohort;
mod context;
mod meta;
mod registry;
mod rule;
mod rules;

#[cfg(test)]
mod pending;
#[cfg(test)]
pub(crate) mod tests;

use std::sync::atomic::{AtomicUsize, Ordering};

use careful_domain::calendar::CollectionYear;

use super::Table;
use super::model::{Format, Return};
use context::Ctx;

pub use meta::{DerivedPlacement, Metadata, Provider, ProviderList, UnsupportedYear};
pub use registry::{Kept, SUPPORTED_YEARS, YEARS, YearRules, all_rules, rule_set, year_rules};
pub use rule::{Input, Rule};

/// One row that breaks one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// DfE's code, such as `"103"` or `"INT01"`.
    pub code: &'static str,
    /// DfE's message.
    pub message: &'static str,
    /// The table of this year's return the row is in.
    pub table: Table,
    /// The row's 0-based index among the table's data rows (as DfE's validator reports it).
    pub row: usize,
    /// The line of the file the row starts on (the header is line 1).
    pub line: u64,
    /// The row's child ID as written (trimmed), if it has one.
    pub child: Option<String>,
    /// The fields DfE names for the rule that this table has (for Episodes, also the derived
    /// `PL_LA`, `PL_LOCATION` and `PL_DISTANCE`).
    pub fields: &'static [&'static str],
}

/// A rule that was not run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// DfE's code.
    pub code: &'static str,
    /// What was missing, in words an analyst can act on.
    pub reason: String,
}

/// The outcome of validating a return: the findings of the rules that ran, and the rules that
/// could not run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    /// How many rules ran.
    pub rules_run: usize,
}

/// Runs every rule of `meta`'s collection year on `this_year`'s return (with `previous_year`'s
/// for the rules that compare the two). Findings come rule by rule (in [`rule_set`] order), and
/// within a rule by table and row. Rules that cannot run are left out; [`skipped`] lists them.
pub fn validate(this_year: &Return, previous_year: Option<&Return>, meta: &Metadata) -> Vec<Finding> {
    validate_report(this_year, previous_year, meta).findings
}

/// The rules of `meta`'s year that [`validate`] cannot run on these inputs, each with why.
pub fn skipped(this_year: &Return, previous_year: Option<&Return>, meta: &Metadata) -> Vec<Skipped> {
    let ctx = Ctx::new(this_year, previous_year, meta);
    rules_of(meta)
        .iter()
        .filter_map(|rule| missing_input(rule, &ctx).map(|reason| Skipped { code: rule.code, reason }))
        .collect()
}

/// [`validate`] and [`skipped`] together.
pub fn validate_report(this_year: &Return, previous_year: Option<&Return>, meta: &Metadata) -> Report {
    validate_report_with_progress(this_year, previous_year, meta, |_, _| {})
}

/// [`validate_report`], telling `progress(done, total)` how many of the year's rules have been
/// dealt with (run or skipped) as they finish and once at the end, for a progress bar.
///
/// The rules run on every core (at most [`MAX_THREADS`]), each thread taking the next rule not
/// yet taken; the shared caches of the indexed return are filled by whichever rule first asks.
/// The report is the same, in the same order, however many threads ran it.
pub fn validate_report_with_progress(
    this_year: &Return,
    previous_year: Option<&Return>,
    meta: &Metadata,
    mut progress: impl FnMut(usize, usize),
) -> Report {
    let ctx = Ctx::new(this_year, previous_year, meta);
    let rules = rules_of(meta);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_THREADS);
    let mut outcomes: Vec<Option<Outcome>> = Vec::new();
    outcomes.resize_with(rules.len(), || None);
    progress(0, rules.len());
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::channel();
        for _ in 0..threads {
            let (sender, ctx, next) = (sender.clone(), &ctx, &next);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&rule) = rules.get(i) else { break };
                    let outcome = match missing_input(rule, ctx) {
                        Some(reason) => Err(Skipped { code: rule.code, reason }),
                        None => Ok(flagged(rule, ctx)),
                    };
                    if sender.send((i, outcome)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        for (done, (i, outcome)) in receiver.into_iter().enumerate() {
            outcomes[i] = Some(outcome);
            progress(done + 1, rules.len());
        }
    });
    // Findings are made only now, all in one list, from the rows each rule flagged.
    let mut report = Report::default();
    report.findings.reserve_exact(outcomes.iter().flatten().map(|o| o.as_ref().map_or(0, Vec::len)).sum());
    for (outcome, &rule) in outcomes.into_iter().zip(rules) {
        match outcome {
            Some(Ok(rows)) => {
                report.rules_run += 1;
                findings_of(rule, &ctx, rows, &mut report.findings);
            }
            Some(Err(skipped)) => report.skipped.push(skipped),
            None => {}
        }
    }
    report
}

/// What running one rule gave: the rows it flagged, or why it could not run.
type Outcome = Result<Vec<(Table, u32)>, Skipped>;

/// The most threads one validation uses.
pub const MAX_THREADS: usize = 8;

/// Runs one rule (any version, whatever the year of `meta`), or says why it cannot run.
pub fn run_rule(
    rule: &'static Rule,
    this_year: &Return,
    previous_year: Option<&Return>,
    meta: &Metadata,
) -> Result<Vec<Finding>, Skipped> {
    let ctx = Ctx::new(this_year, previous_year, meta);
    if let Some(reason) = missing_input(rule, &ctx) {
        return Err(Skipped { code: rule.code, reason });
    }
    let mut findings = Vec::new();
    findings_of(rule, &ctx, flagged(rule, &ctx), &mut findings);
    Ok(findings)
}

/// The tables of the previous year's return that the rules of `year` read: those a rule names
/// as an input ([`Input::PreviousTable`]), and the Header and UASC tables, from which the rules
/// comparing the two years ([`Input::PreviousYear`]) tell which children were unaccompanied
/// asylum seekers last year. Rules are shown only these of the previous year's tables, so the
/// others can be let go of once read ([`Return::release_cells_except`]).
pub fn previous_year_tables(year: CollectionYear) -> Vec<Table> {
    let rules = rule_set(year).unwrap_or(&[]);
    let mut tables = vec![Table::Header, Table::Uasc];
    for need in rules.iter().flat_map(|r| r.needs) {
        if let Input::PreviousTable(t) = need
            && !tables.contains(t)
        {
            tables.push(*t);
        }
    }
    tables.sort();
    tables
}

/// DfE's three-digit local authority numbers, past and present, as `LA_PERM` accepts them.
#[cfg(test)]
pub(crate) fn la_perm_codes() -> &'static [&'static str] {
    codes::LA_PERM
}

fn rules_of(meta: &Metadata) -> &'static [&'static Rule] {
    rule_set(meta.year()).unwrap_or(&[])
}

/// Runs the rule: the rows it flags, sorted by table and row, each once.
fn flagged(rule: &'static Rule, ctx: &Ctx<'_>) -> Vec<(Table, u32)> {
    let mut flags = rule::Flags::default();
    let ran = (rule.check)(ctx, &mut flags);
    debug_assert!(ran.is_some(), "rule {} read an input its `needs` do not name", rule.code);
    let mut rows = flags.into_sorted();
    rows.shrink_to_fit();
    rows
}

/// The findings of the rows the rule flagged.
fn findings_of(rule: &'static Rule, ctx: &Ctx<'_>, rows: Vec<(Table, u32)>, out: &mut Vec<Finding>) {
    let message = rule.message();
    for (table, row) in rows {
        let Some(view) = ctx.this.table(table) else { continue };
        let data = view.data();
        let row = row as usize;
        if row >= data.len() {
            continue;
        }
        out.push(Finding {
            code: rule.code,
            message,
            table,
            row,
            line: data.line(row).unwrap_or(0),
            child: view.value(row, view.col("CHILD")).map(str::to_string),
            fields: rule.fields_in(table),
        });
    }
}

/// Why the rule cannot run on these inputs, if it cannot.
fn missing_input(rule: &Rule, ctx: &Ctx<'_>) -> Option<String> {
    rule.needs.iter().find_map(|need| match *need {
        Input::Table(t) => ctx.this.table(t).is_none().then(|| format!("the return has no {t} table")),
        Input::PreviousTable(t) => match &ctx.last {
            None => Some("no previous year's return was given".to_string()),
            Some(last) => last.table(t).is_none().then(|| format!("the previous year's return has no {t} table")),
        },
        Input::PreviousYear => ctx.last.is_none().then(|| "no previous year's return was given".to_string()),
        Input::Providers => ctx.meta.providers().is_none().then(|| "Ofsted's provider list was not given".to_string()),
        Input::DerivedPlacements => placements_missing(
            ctx.this.has_placements(),
            ctx.meta.derived_placements().map(<[_]>::len),
            ctx.this.table(Table::Episodes).map_or(0, |t| t.len()),
            "",
        ),
        Input::PreviousDerivedPlacements => match &ctx.last {
            None => Some("no previous year's return was given".to_string()),
            Some(last) => placements_missing(
                last.has_placements(),
                ctx.meta.previous_year_derived_placements().map(<[_]>::len),
                last.table(Table::Episodes).map_or(0, |t| t.len()),
                "previous year's ",
            ),
        },
        Input::LocalAuthority => {
            ctx.meta.local_authority().is_none().then(|| "the council's local authority code was not given".to_string())
        }
        Input::XmlUasc => (ctx.this.format() != Format::Xml).then(|| {
            "the return was not read from XML: only the XML form records each child's UASC status in the Header"
                .to_string()
        }),
    })
}

fn placements_missing(usable: bool, given: Option<usize>, episodes: usize, whose: &str) -> Option<String> {
    if usable {
        return None;
    }
    Some(match given {
        Some(n) => format!(
            "the derived placement fields were given for {n} of the {whose}episodes, but the {whose}Episodes table \
             has {episodes} rows: give one per episode, in the table's order"
        ),
        None => format!(
            "the derived placement fields of the {whose}episodes (PL_LA, PL_LOCATION, PL_DISTANCE, which DfE derives \
             from postcodes) were not given"
        ),
    })
}
