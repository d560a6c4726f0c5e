//! DfE's Children in Need census validation rules, run on a census read into DfE's tables.
//!
//! [`validate`] runs every rule of the 2025-26 catalogue (DfE's errors and queries) and gives one
//! [`CinFinding`] per rule per flagged row, with DfE's code, severity and message, the table,
//! the row and its line, the child and the fields at fault. The rules are DfE's, one function
//! per code in `rules/`, implemented from DfE's rule text (`data/dfe-cin-rules-2025-26.csv`) and
//! checked against the cases of DfE's reference validator (`../shared/conformance/cin`).
//!
//! # Reading cells
//!
//! Values are compared as written, trimmed; codes without regard to ASCII case. A date is
//! `YYYY-MM-DD` (`xs:date`, as the census is written); one that is not is reported by the
//! reader ([`super::SchemaProblem`]) and treated as missing by the rules, never guessed.
//!
//! # The census period and working days
//!
//! The census year ends on the header's `ReferenceDate` (31 March) and begins the day after the
//! same date a year before (1 April). Rules counting working days use careful's England and
//! Wales calendar. DfE's rules count a period of N working days from a start day as the
//! duties engine does (the start day not counted) unless a rule's text says otherwise; where a
//! rule differs (asmt-45 in `docs/duties.md`), the rule's function says so.

mod catalogue;
mod context;
mod rules;

#[cfg(test)]
mod pending;
#[cfg(test)]
mod tests;

use super::read::{CinTable, CinTables};
pub use catalogue::{CinEntry, Severity, all as catalogue, entry};
use context::Ctx;
pub(crate) use context::Flags;

/// One of DfE's CIN rules: its code and the function that flags the rows breaking it.
pub struct CinRule {
    /// DfE's code, such as `"8640"` or `"8675Q"`.
    pub code: &'static str,
    pub(crate) check: fn(&Ctx<'_>, &mut Flags),
}

impl CinRule {
    /// DfE's catalogue entry for the rule.
    pub fn entry(&self) -> Option<&'static CinEntry> {
        entry(self.code)
    }
}

impl std::fmt::Debug for CinRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CinRule").field("code", &self.code).finish()
    }
}

/// One row that breaks one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CinFinding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: &'static str,
    pub table: CinTable,
    /// The row's 0-based index in its table.
    pub row: usize,
    /// The line of the file the row was read from.
    pub line: Option<u64>,
    /// The child's `LAchildID`, where the row has one.
    pub la_child_id: Option<String>,
    /// The fields at fault.
    pub fields: Vec<&'static str>,
}

/// Every rule careful runs for 2025-26.
pub fn rules() -> impl Iterator<Item = &'static CinRule> {
    rules::ALL.iter().flat_map(|group| group.iter().copied())
}

/// Runs every rule on the census; findings in rule order, then table and row order.
pub fn validate(tables: &CinTables) -> Vec<CinFinding> {
    let ctx = Ctx::new(tables);
    let mut out = Vec::new();
    for rule in rules() {
        out.extend(run(rule, &ctx));
    }
    out
}

fn run(rule: &'static CinRule, ctx: &Ctx<'_>) -> Vec<CinFinding> {
    let mut flags = Flags::default();
    (rule.check)(ctx, &mut flags);
    let entry = rule.entry();
    flags
        .into_sorted()
        .into_iter()
        .map(|(table, row, fields)| {
            let data = ctx.tables.table(table);
            CinFinding {
                code: rule.code,
                severity: entry.map_or(Severity::Error, |e| e.severity),
                message: entry.map_or("", |e| e.message),
                table,
                row,
                line: data.line(row),
                la_child_id: data.value(row, "LAchildID").map(str::to_string),
                fields,
            }
        })
        .collect()
}

/// Runs one rule (for the tests).
#[cfg(test)]
pub(crate) fn run_rule(rule: &'static CinRule, tables: &CinTables) -> Vec<CinFinding> {
    run(rule, &Ctx::new(tables))
}
