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

use std::sync::atomic::{AtomicUsize, Ordering};

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

/// The most threads one validation uses.
const MAX_THREADS: usize = 8;

/// Runs every rule on the census; findings in rule order, then table and row order.
///
/// The rules run on every core (at most [`MAX_THREADS`]), each thread taking the next rule not
/// yet taken; the context's shared indexes are built by whichever rule first asks. The findings
/// are the same, in the same order, however many threads ran them.
pub fn validate(tables: &CinTables) -> Vec<CinFinding> {
    let ctx = Ctx::new(tables);
    let rules: Vec<&'static CinRule> = rules().collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_THREADS);
    let mut flagged: Vec<Vec<Flagged>> = Vec::new();
    flagged.resize_with(rules.len(), Vec::new);
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&rule) = rules.get(i) else { break };
                        done.push((i, check(rule, &ctx)));
                    }
                    done
                })
            })
            .collect();
        for worker in workers {
            match worker.join() {
                Ok(done) => {
                    for (i, rows) in done {
                        flagged[i] = rows;
                    }
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    let mut out = Vec::with_capacity(flagged.iter().map(Vec::len).sum());
    for (rule, rows) in rules.into_iter().zip(flagged) {
        out.extend(findings(rule, &ctx, rows));
    }
    out
}

/// A flagged row: its table, its index and the fields at fault.
type Flagged = (CinTable, usize, Vec<&'static str>);

/// The rows `rule` flags, in table and row order.
fn check(rule: &'static CinRule, ctx: &Ctx<'_>) -> Vec<Flagged> {
    let mut flags = Flags::default();
    (rule.check)(ctx, &mut flags);
    flags.into_sorted()
}

/// The findings of the rows `rule` flagged.
fn findings<'c>(
    rule: &'static CinRule,
    ctx: &'c Ctx<'_>,
    flagged: Vec<Flagged>,
) -> impl Iterator<Item = CinFinding> + 'c {
    let entry = rule.entry();
    flagged.into_iter().map(move |(table, row, fields)| {
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
}

/// Runs one rule (for the tests).
#[cfg(test)]
pub(crate) fn run_rule(rule: &'static CinRule, tables: &CinTables) -> Vec<CinFinding> {
    let ctx = Ctx::new(tables);
    findings(rule, &ctx, check(rule, &ctx)).collect()
}
