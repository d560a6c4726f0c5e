//! The report of a CIN census check: what does not fit DfE's schema and what DfE's rules find,
//! as text to read, CSV or JSON for other tools, or a web page.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::read::SchemaProblem;
use super::validate::{CinFinding, Severity};
use crate::ssda903::report::{ReportFormat, esc, write_csv_cell, write_json_string};

/// A checked census, ready to report.
pub struct CinReport<'a> {
    /// The file's name, as the report names it.
    pub file: &'a str,
    pub problems: &'a [SchemaProblem],
    pub findings: &'a [CinFinding],
    /// Children in the census.
    pub children: usize,
}

impl CinReport<'_> {
    /// "N findings (E errors, Q queries) for C of the census's K children; S schema problems."
    pub fn headline(&self) -> String {
        let errors = self.findings.iter().filter(|f| f.severity == Severity::Error).count();
        let mut children: Vec<&str> = self.findings.iter().filter_map(|f| f.la_child_id.as_deref()).collect();
        children.sort_unstable();
        children.dedup();
        format!(
            "{}: {} findings ({errors} errors, {} queries) for {} of the census's {} children; {} schema problems.",
            self.file,
            self.findings.len(),
            self.findings.len() - errors,
            children.len(),
            self.children,
            self.problems.len()
        )
    }

    /// Whether nothing was found.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty() && self.problems.is_empty()
    }

    /// Findings by rule, in rule order: code, severity, message, rows flagged.
    fn by_rule(&self) -> Vec<(&'static str, Severity, &'static str, usize)> {
        let mut out: BTreeMap<&str, (Severity, &str, usize)> = BTreeMap::new();
        for f in self.findings {
            out.entry(f.code).or_insert((f.severity, f.message, 0)).2 += 1;
        }
        out.into_iter().map(|(c, (s, m, n))| (c, s, m, n)).collect()
    }

    pub fn write(&self, format: ReportFormat, out: &mut impl Write) -> io::Result<()> {
        match format {
            ReportFormat::Table => self.write_table(out),
            ReportFormat::Csv => self.write_csv(out),
            ReportFormat::Json => self.write_json(out),
            ReportFormat::Html => self.write_html(out),
        }
    }

    fn write_table(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(out, "{}", self.headline())?;
        if !self.problems.is_empty() {
            writeln!(out, "\nWhat does not fit DfE's schema:")?;
            for p in self.problems {
                writeln!(
                    out,
                    "  line {:>6}  {}  {}: {}",
                    p.line,
                    p.la_child_id.as_deref().unwrap_or("-"),
                    p.path,
                    p.problem
                )?;
            }
        }
        if !self.findings.is_empty() {
            writeln!(out, "\nBy rule:")?;
            for (code, severity, message, n) in self.by_rule() {
                writeln!(out, "  {code:<6} {:<5} {n:>6}  {}", severity.name(), message.trim())?;
            }
            writeln!(out, "\nFindings:")?;
            for f in self.findings {
                writeln!(
                    out,
                    "  {:<6} line {:>6}  {}  {}[{}] {}",
                    f.code,
                    f.line.map_or("-".to_string(), |l| l.to_string()),
                    f.la_child_id.as_deref().unwrap_or("-"),
                    f.table.name(),
                    f.row,
                    f.fields.join(", ")
                )?;
            }
        }
        Ok(())
    }

    fn write_csv(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(out, "rule,severity,table,row,line,child,fields,message")?;
        for p in self.problems {
            let cells = [
                "schema",
                "error",
                &p.path,
                "",
                &p.line.to_string(),
                p.la_child_id.as_deref().unwrap_or(""),
                "",
                &p.problem,
            ];
            csv_row(out, &cells)?;
        }
        for f in self.findings {
            let (row, line, fields) =
                (f.row.to_string(), f.line.map(|l| l.to_string()).unwrap_or_default(), f.fields.join(" "));
            let cells = [
                f.code,
                f.severity.name(),
                f.table.name(),
                &row,
                &line,
                f.la_child_id.as_deref().unwrap_or(""),
                &fields,
                f.message.trim(),
            ];
            csv_row(out, &cells)?;
        }
        Ok(())
    }

    fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        write!(out, "[")?;
        let mut first = true;
        for p in self.problems {
            out.write_all(if std::mem::take(&mut first) { b"\n" } else { b",\n" })?;
            write!(out, "{{\"rule\":\"schema\",\"severity\":\"error\",\"path\":")?;
            write_json_string(out, &p.path)?;
            write!(out, ",\"line\":{},\"child\":", p.line)?;
            optional(out, p.la_child_id.as_deref())?;
            write!(out, ",\"message\":")?;
            write_json_string(out, &p.problem)?;
            write!(out, "}}")?;
        }
        for f in self.findings {
            out.write_all(if std::mem::take(&mut first) { b"\n" } else { b",\n" })?;
            write!(out, "{{\"rule\":")?;
            write_json_string(out, f.code)?;
            write!(
                out,
                ",\"severity\":\"{}\",\"table\":\"{}\",\"row\":{},\"line\":",
                f.severity.name(),
                f.table.name(),
                f.row
            )?;
            match f.line {
                Some(l) => write!(out, "{l}")?,
                None => write!(out, "null")?,
            }
            write!(out, ",\"child\":")?;
            optional(out, f.la_child_id.as_deref())?;
            write!(out, ",\"fields\":[")?;
            for (i, field) in f.fields.iter().enumerate() {
                if i > 0 {
                    write!(out, ",")?;
                }
                write_json_string(out, field)?;
            }
            write!(out, "],\"message\":")?;
            write_json_string(out, f.message.trim())?;
            write!(out, "}}")?;
        }
        writeln!(out, "{}]", if first { "" } else { "\n" })
    }

    fn write_html(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>CIN census check: {}</title></head>\n<body>",
            esc(self.file)
        )?;
        writeln!(out, "<h1>CIN census check</h1>\n<p>{}</p>", esc(&self.headline()))?;
        if !self.problems.is_empty() {
            writeln!(
                out,
                "<h2>What does not fit DfE's schema</h2>\n<table>\n<tr><th>Line</th><th>Child</th><th>Element</th><th>Problem</th></tr>"
            )?;
            for p in self.problems {
                writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    p.line,
                    esc(p.la_child_id.as_deref().unwrap_or("")),
                    esc(&p.path),
                    esc(&p.problem)
                )?;
            }
            writeln!(out, "</table>")?;
        }
        if !self.findings.is_empty() {
            writeln!(
                out,
                "<h2>By rule</h2>\n<table>\n<tr><th>Rule</th><th>Severity</th><th>Rows</th><th>Message</th></tr>"
            )?;
            for (code, severity, message, n) in self.by_rule() {
                writeln!(
                    out,
                    "<tr><td>{code}</td><td>{}</td><td>{n}</td><td>{}</td></tr>",
                    severity.name(),
                    esc(message.trim())
                )?;
            }
            writeln!(
                out,
                "</table>\n<h2>Findings</h2>\n<table>\n<tr><th>Rule</th><th>Line</th><th>Child</th><th>Table</th><th>Row</th><th>Fields</th></tr>"
            )?;
            for f in self.findings {
                writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    f.code,
                    f.line.map(|l| l.to_string()).unwrap_or_default(),
                    esc(f.la_child_id.as_deref().unwrap_or("")),
                    f.table.name(),
                    f.row,
                    esc(&f.fields.join(", "))
                )?;
            }
            writeln!(out, "</table>")?;
        }
        writeln!(out, "</body>\n</html>")
    }
}

fn csv_row(out: &mut impl Write, cells: &[&str]) -> io::Result<()> {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_csv_cell(out, cell)?;
    }
    out.write_all(b"\n")
}

fn optional(out: &mut impl Write, text: Option<&str>) -> io::Result<()> {
    match text {
        Some(t) => write_json_string(out, t),
        None => out.write_all(b"null"),
    }
}
