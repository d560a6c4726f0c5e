//! A validation report of an SSDA903 return, rendered for people and for other tools: a table for
//! the terminal, CSV, JSON or HTML.
//!
//! Pure: it renders what [`super::validate::validate_report`] found into any [`io::Write`], so
//! the command line (`careful validate ssda903`) and the web page give the same report.
//!
//! - **table**: what was validated (year, council, files), how many rules ran, every finding
//!   (rule, table, line, row, child, fields, DfE's message), the findings by rule and by child,
//!   and the rules not run with the reason;
//! - **csv** and **json**: the findings alone, one per row or object, for other tools: `rule`
//!   (DfE's code), `table`, `file`, `row` (0-based among the table's data rows, as DfE's
//!   validator counts), `line` (the line of the file, the header being line 1), `child`,
//!   `fields` and `message`;
//! - **html**: the table's content with GOV.UK Design System classes, as a fragment for a page
//!   ([`ValidationReport::write_html_fragment`]) or a whole document that opens in a browser
//!   ([`ValidationReport::write_html_document`]).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use super::Table;
use super::model::{Return, TableData};
use super::validate::{Finding, Metadata, Report};
use careful_domain::calendar::CollectionYear;

/// The forms a report can be rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportFormat {
    /// A plain-text report for the terminal, with summaries.
    Table,
    /// The findings as CSV, one per row.
    Csv,
    /// The findings as a JSON array, one object per finding.
    Json,
    /// A whole HTML document, with summaries.
    Html,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 4] = [ReportFormat::Table, ReportFormat::Csv, ReportFormat::Json, ReportFormat::Html];

    /// The format's name, as `--format` takes it.
    pub const fn name(self) -> &'static str {
        match self {
            ReportFormat::Table => "table",
            ReportFormat::Csv => "csv",
            ReportFormat::Json => "json",
            ReportFormat::Html => "html",
        }
    }

    /// The media type of a report in this format.
    pub const fn media_type(self) -> &'static str {
        match self {
            ReportFormat::Table => "text/plain; charset=utf-8",
            ReportFormat::Csv => "text/csv; charset=utf-8",
            ReportFormat::Json => "application/json",
            ReportFormat::Html => "text/html; charset=utf-8",
        }
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of the report formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a report format: the formats are table, csv, json and html", self.0)
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for ReportFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReportFormat::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// One rule's findings, for the summary by rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSummary {
    pub code: &'static str,
    pub message: &'static str,
    /// How many rows it flagged.
    pub findings: usize,
    /// How many children those rows belong to.
    pub children: usize,
}

/// One child's findings, for the summary by child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildSummary<'a> {
    /// The child ID as written (`None` for rows with no child ID).
    pub child: Option<&'a str>,
    pub findings: usize,
    /// The codes of the rules the child's rows break, in the order the rules ran.
    pub rules: Vec<&'static str>,
}

/// Rules that did not run for one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRun<'a> {
    pub reason: &'a str,
    pub codes: Vec<&'static str>,
}

/// A validation report together with what was validated, ready to render in any
/// [`ReportFormat`].
pub struct ValidationReport<'a> {
    report: &'a Report,
    this_year: &'a Return,
    previous_year: Option<&'a Return>,
    year: CollectionYear,
    local_authority: Option<&'a str>,
    derived_from: Option<&'a str>,
    by_rule: Vec<RuleSummary>,
    by_child: Vec<ChildSummary<'a>>,
    children: usize,
}

impl<'a> ValidationReport<'a> {
    /// The report of validating `this_year` (with `previous_year`, if given) against `meta`.
    pub fn new(
        report: &'a Report,
        this_year: &'a Return,
        previous_year: Option<&'a Return>,
        meta: &'a Metadata,
    ) -> ValidationReport<'a> {
        let mut by_rule: Vec<RuleSummary> = Vec::new();
        let mut rule_children: HashSet<&str> = HashSet::new();
        let mut by_child: HashMap<Option<&'a str>, ChildSummary<'a>> = HashMap::new();
        for finding in &report.findings {
            let child = finding.child.as_deref();
            match by_rule.last_mut() {
                Some(last) if last.code == finding.code => last.findings += 1,
                _ => {
                    rule_children.clear();
                    by_rule.push(RuleSummary {
                        code: finding.code,
                        message: finding.message,
                        findings: 1,
                        children: 0,
                    });
                }
            }
            if let (Some(child), Some(last)) = (child, by_rule.last_mut())
                && rule_children.insert(child)
            {
                last.children += 1;
            }
            let entry = by_child.entry(child).or_insert_with(|| ChildSummary { child, findings: 0, rules: Vec::new() });
            entry.findings += 1;
            if entry.rules.last() != Some(&finding.code) && !entry.rules.contains(&finding.code) {
                entry.rules.push(finding.code);
            }
        }
        let children = by_child.keys().filter(|c| c.is_some()).count();
        let mut by_child: Vec<ChildSummary<'a>> = by_child.into_values().collect();
        // Most findings first; then by child ID, rows with no child ID last.
        by_child.sort_by(|a, b| {
            b.findings.cmp(&a.findings).then_with(|| match (a.child, b.child) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
        });
        ValidationReport {
            report,
            this_year,
            previous_year,
            year: meta.year(),
            local_authority: meta.local_authority(),
            derived_from: meta.derived_from(),
            by_rule,
            by_child,
            children,
        }
    }

    /// Where careful derived the placement fields from and how many postcodes it found, when it
    /// derived them from a postcode directory.
    pub fn derived_from(&self) -> Option<&'a str> {
        self.derived_from
    }

    /// Every finding, rule by rule.
    pub fn findings(&self) -> &[Finding] {
        &self.report.findings
    }

    /// The findings counted by rule, in the order the rules ran.
    pub fn by_rule(&self) -> &[RuleSummary] {
        &self.by_rule
    }

    /// The findings counted by child, the child with most findings first.
    pub fn by_child(&self) -> &[ChildSummary<'a>] {
        &self.by_child
    }

    /// How many children have at least one finding.
    pub fn children_with_findings(&self) -> usize {
        self.children
    }

    /// How many rules ran.
    pub fn rules_run(&self) -> usize {
        self.report.rules_run
    }

    /// The rules that did not run, grouped by the reason, in the order the rules come.
    pub fn not_run(&self) -> Vec<NotRun<'_>> {
        let mut groups: Vec<NotRun<'_>> = Vec::new();
        for skipped in &self.report.skipped {
            match groups.iter_mut().find(|g| g.reason == skipped.reason) {
                Some(group) => group.codes.push(skipped.code),
                None => groups.push(NotRun { reason: &skipped.reason, codes: vec![skipped.code] }),
            }
        }
        groups
    }

    /// How many rules did not run.
    pub fn rules_not_run(&self) -> usize {
        self.report.skipped.len()
    }

    /// The collection year the return was validated for.
    pub fn year(&self) -> CollectionYear {
        self.year
    }

    /// The name of the file this year's `table` was read from.
    pub fn file_of(&self, table: Table) -> &str {
        self.this_year.table(table).map_or("", TableData::file)
    }

    /// One sentence saying how it went: "1,234 findings for 567 children; 296 rules ran and 15
    /// did not." or "No findings: ...".
    pub fn headline(&self) -> String {
        let findings = self.findings().len();
        let ran =
            format!("{} {} ran", thousands(self.rules_run()), if self.rules_run() == 1 { "rule" } else { "rules" });
        let not_run = match self.rules_not_run() {
            0 => String::new(),
            n => format!(" and {} did not (see why in the report)", thousands(n)),
        };
        if findings == 0 {
            format!("No findings: the return meets every rule that ran ({ran}{not_run}).")
        } else {
            format!(
                "{} {} for {} {}; {ran}{not_run}.",
                thousands(findings),
                if findings == 1 { "finding" } else { "findings" },
                thousands(self.children),
                if self.children == 1 { "child" } else { "children" },
            )
        }
    }

    /// Renders the report in `format`.
    pub fn write(&self, format: ReportFormat, out: &mut impl Write) -> io::Result<()> {
        match format {
            ReportFormat::Table => self.write_table(out),
            ReportFormat::Csv => self.write_csv(out),
            ReportFormat::Json => self.write_json(out),
            ReportFormat::Html => self.write_html_document(out),
        }
    }

    /// The report in `format`, as text.
    pub fn render(&self, format: ReportFormat) -> String {
        let mut out = Vec::new();
        self.write(format, &mut out).expect("writing to memory cannot fail");
        String::from_utf8(out).expect("reports are written as UTF-8")
    }

    /// The findings as CSV: a header row, then one row per finding, with the fields separated
    /// by spaces.
    pub fn write_csv(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(b"rule,table,file,row,line,child,fields,message\r\n")?;
        for f in self.findings() {
            let fields = f.fields.join(" ");
            let cells = [
                f.code,
                f.table.name(),
                self.file_of(f.table),
                &f.row.to_string(),
                &f.line.to_string(),
                f.child.as_deref().unwrap_or(""),
                &fields,
                f.message,
            ];
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write_csv_cell(out, cell)?;
            }
            out.write_all(b"\r\n")?;
        }
        Ok(())
    }

    /// The findings as a JSON array, one object per finding on a line of its own.
    pub fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        if self.findings().is_empty() {
            return out.write_all(b"[]\n");
        }
        out.write_all(b"[\n")?;
        for (i, f) in self.findings().iter().enumerate() {
            out.write_all(b"{\"rule\":")?;
            write_json_string(out, f.code)?;
            out.write_all(b",\"table\":")?;
            write_json_string(out, f.table.name())?;
            out.write_all(b",\"file\":")?;
            write_json_string(out, self.file_of(f.table))?;
            write!(out, ",\"row\":{},\"line\":{},\"child\":", f.row, f.line)?;
            match &f.child {
                Some(child) => write_json_string(out, child)?,
                None => out.write_all(b"null")?,
            }
            out.write_all(b",\"fields\":[")?;
            for (j, field) in f.fields.iter().enumerate() {
                if j > 0 {
                    out.write_all(b",")?;
                }
                write_json_string(out, field)?;
            }
            out.write_all(b"],\"message\":")?;
            write_json_string(out, f.message)?;
            out.write_all(if i + 1 == self.findings().len() { b"}\n" } else { b"},\n" })?;
        }
        out.write_all(b"]\n")
    }

    /// The report as plain text for a terminal: what was validated, the findings, the findings
    /// by rule and by child, and the rules not run.
    pub fn write_table(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(out, "SSDA903 validation report: the {} return", self.year)?;
        writeln!(out)?;
        writeln!(out, "Local authority: {}", self.local_authority.unwrap_or("not given"))?;
        if let Some(from) = self.derived_from {
            writeln!(out, "Placement fields derived {}", terminal_safe(from))?;
        }
        for (title, ret) in self.returns() {
            writeln!(out, "{title}: {}", return_size(ret))?;
            let rows: Vec<[String; 3]> = ret
                .tables()
                .map(|t| [t.table().name().to_string(), thousands(t.len()), terminal_safe(t.file()).into_owned()])
                .collect();
            write_columns(out, &["  table", "rows", "file"], &[false, true, false], &indent(rows))?;
        }
        writeln!(out)?;
        writeln!(out, "{}", self.headline())?;

        if !self.findings().is_empty() {
            heading(out, "Findings")?;
            let findings = self.findings();
            write_columns_by(
                out,
                &["rule", "table", "line", "row", "child", "fields", "message"],
                &[false, false, true, true, false, false, false],
                findings.len(),
                |i| {
                    let f = &findings[i];
                    [
                        Cow::Borrowed(f.code),
                        Cow::Borrowed(f.table.name()),
                        Cow::Owned(f.line.to_string()),
                        Cow::Owned(f.row.to_string()),
                        terminal_safe(f.child.as_deref().unwrap_or("-")),
                        Cow::Owned(f.fields.join(" ")),
                        Cow::Borrowed(f.message),
                    ]
                },
            )?;

            heading(out, "Findings by rule")?;
            let rows: Vec<[String; 4]> = self
                .by_rule
                .iter()
                .map(|r| [r.code.to_string(), thousands(r.findings), thousands(r.children), r.message.to_string()])
                .collect();
            write_columns(out, &["rule", "findings", "children", "message"], &[false, true, true, false], &rows)?;

            heading(out, "Findings by child")?;
            let by_child = &self.by_child;
            write_columns_by(out, &["child", "findings", "rules"], &[false, true, false], by_child.len(), |i| {
                let c = &by_child[i];
                [
                    terminal_safe(c.child.unwrap_or("(no child ID)")),
                    Cow::Owned(thousands(c.findings)),
                    Cow::Owned(c.rules.join(" ")),
                ]
            })?;
        }

        let not_run = self.not_run();
        if !not_run.is_empty() {
            heading(out, "Rules not run")?;
            for group in not_run {
                writeln!(out, "{} ({}): {}", capitalise(group.reason), group.codes.len(), group.codes.join(", "))?;
            }
        }
        Ok(())
    }

    /// A whole HTML document holding [`ValidationReport::write_html_fragment`], with a small
    /// stylesheet of its own, to open in a browser or attach to an email.
    pub fn write_html_document(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(out, "<!DOCTYPE html>")?;
        writeln!(out, "<html lang=\"en\">")?;
        writeln!(out, "<head>")?;
        writeln!(out, "<meta charset=\"utf-8\">")?;
        writeln!(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")?;
        writeln!(out, "<title>SSDA903 validation report, {}</title>", self.year)?;
        writeln!(out, "<style>{DOCUMENT_STYLE}</style>")?;
        writeln!(out, "</head>")?;
        writeln!(out, "<body>")?;
        writeln!(out, "<main>")?;
        writeln!(out, "<h1 class=\"govuk-heading-l\">SSDA903 validation report: the {} return</h1>", self.year)?;
        self.write_html_fragment(out)?;
        writeln!(out, "<p class=\"govuk-body\">Made by careful {}.</p>", env!("CARGO_PKG_VERSION"))?;
        writeln!(out, "</main>")?;
        writeln!(out, "</body>")?;
        writeln!(out, "</html>")
    }

    /// The report's body with GOV.UK Design System classes (a summary list and tables), for a
    /// page to place under its own `<h1>`. Every value from the files is escaped.
    pub fn write_html_fragment(&self, out: &mut impl Write) -> io::Result<()> {
        let findings = self.findings().len();
        writeln!(out, "<p class=\"govuk-body-l\" id=\"headline\">{}</p>", esc(&self.headline()))?;

        writeln!(out, "<h2 class=\"govuk-heading-m\" id=\"summary\">Summary</h2>")?;
        writeln!(out, "<dl class=\"govuk-summary-list\">")?;
        summary_row(out, "Collection year", &self.year.to_string())?;
        summary_row(out, "Local authority", self.local_authority.unwrap_or("Not given"))?;
        if let Some(from) = self.derived_from {
            summary_row(out, "Placement fields derived", from)?;
        }
        for (title, ret) in self.returns() {
            summary_row(out, title, &return_size(ret))?;
        }
        summary_row(out, "Rules run", &thousands(self.rules_run()))?;
        summary_row(out, "Rules not run", &thousands(self.rules_not_run()))?;
        summary_row(out, "Findings", &thousands(findings))?;
        summary_row(out, "Children with findings", &thousands(self.children))?;
        writeln!(out, "</dl>")?;

        writeln!(out, "<h2 class=\"govuk-heading-m\" id=\"files\">Files</h2>")?;
        for (title, ret) in self.returns() {
            table_start(out, title, &[("Table", false), ("File", false), ("Rows", true)])?;
            for t in ret.tables() {
                row(out, &[(t.table().name(), false), (t.file(), false), (&thousands(t.len()), true)])?;
            }
            table_end(out)?;
        }

        if findings > 0 {
            writeln!(out, "<h2 class=\"govuk-heading-m\" id=\"by-rule\">Findings by rule</h2>")?;
            table_start(
                out,
                "The rules the return breaks, with how many rows and children each flags",
                &[("Rule", false), ("Message", false), ("Findings", true), ("Children", true)],
            )?;
            for r in &self.by_rule {
                row(
                    out,
                    &[
                        (r.code, false),
                        (r.message, false),
                        (&thousands(r.findings), true),
                        (&thousands(r.children), true),
                    ],
                )?;
            }
            table_end(out)?;

            writeln!(out, "<h2 class=\"govuk-heading-m\" id=\"by-child\">Findings by child</h2>")?;
            table_start(
                out,
                "The children whose rows break rules, most findings first",
                &[("Child", false), ("Findings", true), ("Rules", false)],
            )?;
            for c in &self.by_child {
                let rules = c.rules.join(", ");
                row(
                    out,
                    &[(c.child.unwrap_or("(no child ID)"), false), (&thousands(c.findings), true), (&rules, false)],
                )?;
            }
            table_end(out)?;

            writeln!(out, "<h2 class=\"govuk-heading-m\" id=\"findings\">Findings</h2>")?;
            table_start(
                out,
                "Every row that breaks a rule (the line is the line of the file, the header being line 1)",
                &[
                    ("Rule", false),
                    ("Table", false),
                    ("Line", true),
                    ("Child", false),
                    ("Fields", false),
                    ("Message", false),
                ],
            )?;
            for f in self.findings() {
                let fields = f.fields.join(", ");
                row(
                    out,
                    &[
                        (f.code, false),
                        (f.table.name(), false),
                        (&f.line.to_string(), true),
                        (f.child.as_deref().unwrap_or(""), false),
                        (&fields, false),
                        (f.message, false),
                    ],
                )?;
            }
            table_end(out)?;
        }

        let not_run = self.not_run();
        if !not_run.is_empty() {
            writeln!(out, "<h2 class=\"govuk-heading-m\" id=\"not-run\">Rules not run</h2>")?;
            writeln!(
                out,
                "<p class=\"govuk-body\">These rules were not run, so the return has not been checked against them.</p>"
            )?;
            table_start(out, "Rules not run, and why", &[("Why", false), ("Rules", false)])?;
            for group in not_run {
                row(out, &[(&capitalise(group.reason), false), (&group.codes.join(", "), false)])?;
            }
            table_end(out)?;
        }
        Ok(())
    }

    fn returns(&self) -> Vec<(&'static str, &'a Return)> {
        let mut returns = vec![("This year's return", self.this_year)];
        if let Some(previous) = self.previous_year {
            returns.push(("Previous year's return", previous));
        }
        returns
    }
}

/// The stylesheet of a report saved as a whole HTML document: enough of the GOV.UK Design
/// System's look for the classes the fragment uses.
const DOCUMENT_STYLE: &str = "body{margin:0;font-family:arial,sans-serif;color:#0b0c0c;background:#fff}\
main{max-width:1200px;margin:0 auto;padding:30px 15px}\
h1{font-size:36px;margin:0 0 30px}h2{font-size:24px;margin:45px 0 20px}\
.govuk-body,.govuk-body-l{font-size:19px;line-height:1.3}.govuk-body-l{font-size:24px}\
dl{display:table;width:100%;border-collapse:collapse;font-size:19px}\
.govuk-summary-list__row{display:table-row;border-bottom:1px solid #b1b4b6}\
dt,dd{display:table-cell;padding:10px 20px 10px 0;margin:0}dt{font-weight:bold;width:30%}\
table{border-collapse:collapse;width:100%;font-size:16px;margin-bottom:30px}\
caption{text-align:left;font-weight:bold;font-size:19px;padding-bottom:10px}\
th,td{text-align:left;vertical-align:top;padding:8px 20px 8px 0;border-bottom:1px solid #b1b4b6}\
.govuk-table__header--numeric,.govuk-table__cell--numeric{text-align:right}";

fn summary_row(out: &mut impl Write, key: &str, value: &str) -> io::Result<()> {
    writeln!(
        out,
        "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">{}</dt>\
         <dd class=\"govuk-summary-list__value\">{}</dd></div>",
        esc(key),
        esc(value)
    )
}

fn table_start(out: &mut impl Write, caption: &str, headers: &[(&str, bool)]) -> io::Result<()> {
    writeln!(out, "<table class=\"govuk-table\">")?;
    writeln!(out, "<caption class=\"govuk-table__caption govuk-table__caption--s\">{}</caption>", esc(caption))?;
    write!(out, "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">")?;
    for (header, numeric) in headers {
        let class = if *numeric { "govuk-table__header govuk-table__header--numeric" } else { "govuk-table__header" };
        write!(out, "<th scope=\"col\" class=\"{class}\">{}</th>", esc(header))?;
    }
    writeln!(out, "</tr></thead>")?;
    writeln!(out, "<tbody class=\"govuk-table__body\">")
}

fn row(out: &mut impl Write, cells: &[(&str, bool)]) -> io::Result<()> {
    write!(out, "<tr class=\"govuk-table__row\">")?;
    for (cell, numeric) in cells {
        let class = if *numeric { "govuk-table__cell govuk-table__cell--numeric" } else { "govuk-table__cell" };
        write!(out, "<td class=\"{class}\">{}</td>", esc(cell))?;
    }
    writeln!(out, "</tr>")
}

fn table_end(out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "</tbody>")?;
    writeln!(out, "</table>")
}

/// Text escaped for HTML, in an element or a quoted attribute.
pub fn esc(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out.into()
}

pub(crate) fn write_csv_cell(out: &mut impl Write, cell: &str) -> io::Result<()> {
    let quote = cell.contains([',', '"', '\r', '\n']) || cell.starts_with(' ') || cell.ends_with(' ');
    if !quote {
        return out.write_all(cell.as_bytes());
    }
    out.write_all(b"\"")?;
    out.write_all(cell.replace('"', "\"\"").as_bytes())?;
    out.write_all(b"\"")
}

pub(crate) fn write_json_string(out: &mut impl Write, text: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let escaped: Option<std::borrow::Cow<'static, str>> = match c {
            '"' => Some("\\\"".into()),
            '\\' => Some("\\\\".into()),
            '\n' => Some("\\n".into()),
            '\r' => Some("\\r".into()),
            '\t' => Some("\\t".into()),
            c if (c as u32) < 0x20 => Some(format!("\\u{:04x}", c as u32).into()),
            _ => None,
        };
        if let Some(escaped) = escaped {
            out.write_all(&text.as_bytes()[start..i])?;
            out.write_all(escaped.as_bytes())?;
            start = i + c.len_utf8();
        }
    }
    out.write_all(&text.as_bytes()[start..])?;
    out.write_all(b"\"")
}

/// Text safe to print on a terminal: control characters (which could move the cursor or
/// change colours) are shown escaped.
fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect(),
    )
}

/// Rows with their first cell indented by two spaces, to sit under a title.
fn indent<const N: usize>(rows: Vec<[String; N]>) -> Vec<[String; N]> {
    rows.into_iter()
        .map(|mut r| {
            if let Some(first) = r.first_mut() {
                first.insert_str(0, "  ");
            }
            r
        })
        .collect()
}

fn heading(out: &mut impl Write, title: &str) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{title}")?;
    writeln!(out, "{}", "=".repeat(title.chars().count()))
}

/// Writes rows in columns as wide as their widest cell (`right` aligns a column to the right);
/// the last column is never padded.
fn write_columns<const N: usize>(
    out: &mut impl Write,
    headers: &[&str; N],
    right: &[bool; N],
    rows: &[[String; N]],
) -> io::Result<()> {
    write_columns_by(out, headers, right, rows.len(), |i| rows[i].each_ref().map(|c| Cow::Borrowed(c.as_str())))
}

/// [`write_columns`] for `count` rows made one at a time by `row(i)`, twice (once to measure the
/// columns, once to write), so that a long report is never held in memory as text.
fn write_columns_by<'r, const N: usize>(
    out: &mut impl Write,
    headers: &[&str; N],
    right: &[bool; N],
    count: usize,
    row: impl Fn(usize) -> [Cow<'r, str>; N],
) -> io::Result<()> {
    let mut widths = headers.map(|h| h.chars().count());
    for i in 0..count {
        // The last column is never padded, so its width is not needed.
        for (w, cell) in widths.iter_mut().zip(row(i)).take(N - 1) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut line = String::new();
    let mut write_row = |cells: &[Cow<'_, str>; N]| {
        line.clear();
        for (i, cell) in cells.iter().enumerate() {
            let last = i + 1 == N;
            let pad = widths[i].saturating_sub(cell.chars().count());
            if i > 0 {
                line.push_str("  ");
            }
            if right[i] {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if !last {
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
        }
        writeln!(out, "{}", line.trim_end())
    };
    write_row(&headers.map(Cow::Borrowed))?;
    for i in 0..count {
        write_row(&row(i))?;
    }
    Ok(())
}

fn return_size(ret: &Return) -> String {
    let tables = ret.tables().count();
    format!(
        "{} {}, {} {}",
        tables,
        if tables == 1 { "table" } else { "tables" },
        thousands(ret.row_count()),
        if ret.row_count() == 1 { "row" } else { "rows" }
    )
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `1234567` as "1,234,567".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
