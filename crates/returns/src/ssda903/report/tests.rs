//! Tests of the report's renderings: what each format holds, the summaries' arithmetic, and that
//! whatever a file holds (commas, quotes, markup, control characters) is written safely.

use super::*;
use crate::ssda903::validate::{Skipped, validate_report};
use crate::ssda903::{Source, read_return};

const HEADER_CSV: &str = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n\
    A1,M,01/01/2015,WBRI,,,\n\
    \"B,2\",F,01/01/2016,WBRI,,,\n\
    <script>x</script>,F,01/01/2016,WBRI,,,\n";

const REVIEWS_CSV: &str = "CHILD,DOB,REVIEW,REVIEW_CODE\nA1,01/01/2015,01/05/2025,PN1\n,01/01/2015,,PN1\n";

fn the_return() -> Return {
    read_return(&[
        Source::bytes("in/Header.csv", HEADER_CSV.as_bytes()),
        Source::bytes("in/Reviews.csv", REVIEWS_CSV.as_bytes()),
    ])
    .expect("valid files")
}

fn meta() -> Metadata {
    Metadata::new(CollectionYear::starting(2025).unwrap()).unwrap().with_local_authority("E09000027")
}

fn finding(code: &'static str, table: Table, row: usize, child: Option<&str>) -> Finding {
    Finding {
        code,
        message: "A message with \"quotes\", a comma & <markup>.",
        table,
        row,
        line: row as u64 + 2,
        child: child.map(str::to_string),
        fields: &["DOB", "SEX"],
    }
}

/// Three rules: 101 flags A1 twice (two tables) and B,2 once; 102 flags the script child and a
/// Reviews row with no child; two rules did not run for one reason, one for another.
fn the_report() -> Report {
    Report {
        findings: vec![
            finding("101", Table::Header, 0, Some("A1")),
            finding("101", Table::Header, 1, Some("B,2")),
            finding("101", Table::Reviews, 0, Some("A1")),
            finding("102", Table::Header, 2, Some("<script>x</script>")),
            finding("102", Table::Reviews, 1, None),
        ],
        skipped: vec![
            Skipped { code: "202", reason: "no previous year's return was given".into() },
            Skipped { code: "219", reason: "Ofsted's provider list was not given".into() },
            Skipped { code: "203", reason: "no previous year's return was given".into() },
        ],
        rules_run: 300,
    }
}

#[test]
fn formats_are_named_as_the_command_line_takes_them() {
    for format in ReportFormat::ALL {
        assert_eq!(format.name().parse::<ReportFormat>(), Ok(format));
        assert_eq!(format.to_string().to_uppercase().parse::<ReportFormat>(), Ok(format));
    }
    let err = "xlsx".parse::<ReportFormat>().unwrap_err();
    assert!(err.to_string().contains("table, csv, json and html"), "{err}");
}

#[test]
fn summaries_count_findings_and_distinct_children_by_rule_and_by_child() {
    let (ret, report, meta) = (the_return(), the_report(), meta());
    let view = ValidationReport::new(&report, &ret, None, &meta);
    assert_eq!(
        view.by_rule(),
        &[
            RuleSummary {
                code: "101",
                message: finding("1", Table::Header, 0, None).message,
                findings: 3,
                children: 2
            },
            RuleSummary {
                code: "102",
                message: finding("1", Table::Header, 0, None).message,
                findings: 2,
                children: 1
            },
        ]
    );
    let by_child: Vec<(Option<&str>, usize, Vec<&str>)> =
        view.by_child().iter().map(|c| (c.child, c.findings, c.rules.clone())).collect();
    assert_eq!(
        by_child,
        vec![
            (Some("A1"), 2, vec!["101"]),
            (Some("<script>x</script>"), 1, vec!["102"]),
            (Some("B,2"), 1, vec!["101"]),
            (None, 1, vec!["102"]),
        ]
    );
    assert_eq!(view.children_with_findings(), 3);
    let not_run: Vec<(&str, Vec<&str>)> = view.not_run().iter().map(|g| (g.reason, g.codes.clone())).collect();
    assert_eq!(
        not_run,
        vec![
            ("no previous year's return was given", vec!["202", "203"]),
            ("Ofsted's provider list was not given", vec!["219"]),
        ]
    );
    assert_eq!(view.headline(), "5 findings for 3 children; 300 rules ran and 3 did not (see why in the report).");
}

#[test]
fn csv_is_one_quoted_row_per_finding() {
    let (ret, report, meta) = (the_return(), the_report(), meta());
    let csv = ValidationReport::new(&report, &ret, None, &meta).render(ReportFormat::Csv);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], "rule,table,file,row,line,child,fields,message");
    let message = "\"A message with \"\"quotes\"\", a comma & <markup>.\"";
    assert_eq!(lines[1], format!("101,Header,in/Header.csv,0,2,A1,DOB SEX,{message}"));
    assert_eq!(lines[2], format!("101,Header,in/Header.csv,1,3,\"B,2\",DOB SEX,{message}"));
    assert_eq!(lines[3], format!("101,Reviews,in/Reviews.csv,0,2,A1,DOB SEX,{message}"));
    assert_eq!(lines[5], format!("102,Reviews,in/Reviews.csv,1,3,,DOB SEX,{message}"));
    assert_eq!(lines[6], "", "ends with a line break");
    assert_eq!(lines.len(), 7);
}

#[test]
fn json_is_an_array_of_one_object_per_finding() {
    let (ret, mut report, meta) = (the_return(), the_report(), meta());
    report.findings[0].child = Some("tab\there \"quoted\" back\\slash \u{1} é".into());
    let json = ValidationReport::new(&report, &ret, None, &meta).render(ReportFormat::Json);
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let findings = parsed.as_array().expect("an array");
    assert_eq!(findings.len(), 5);
    assert_eq!(
        findings[0],
        serde_json::json!({
            "rule": "101", "table": "Header", "file": "in/Header.csv", "row": 0, "line": 2,
            "child": "tab\there \"quoted\" back\\slash \u{1} é", "fields": ["DOB", "SEX"],
            "message": "A message with \"quotes\", a comma & <markup>.",
        })
    );
    assert_eq!(findings[4]["child"], serde_json::Value::Null);
    assert_eq!(findings[4]["table"], "Reviews");
    assert_eq!(findings[4]["row"], 1);

    let empty = Report { findings: vec![], skipped: vec![], rules_run: 311 };
    let json = ValidationReport::new(&empty, &ret, None, &meta).render(ReportFormat::Json);
    assert_eq!(json, "[]\n");
}

#[test]
fn html_escapes_everything_from_the_files_and_uses_gov_uk_components() {
    let (ret, report, meta) = (the_return(), the_report(), meta());
    let html = ValidationReport::new(&report, &ret, None, &meta).render(ReportFormat::Html);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"), "{html}");
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"), "{html}");
    assert!(html.contains("A message with &quot;quotes&quot;, a comma &amp; &lt;markup&gt;."));
    for expected in [
        "<dl class=\"govuk-summary-list\">",
        "<dt class=\"govuk-summary-list__key\">Collection year</dt><dd class=\"govuk-summary-list__value\">2025-26</dd>",
        "<dt class=\"govuk-summary-list__key\">Local authority</dt><dd class=\"govuk-summary-list__value\">E09000027</dd>",
        "<dt class=\"govuk-summary-list__key\">Findings</dt><dd class=\"govuk-summary-list__value\">5</dd>",
        "<h2 class=\"govuk-heading-m\" id=\"by-rule\">Findings by rule</h2>",
        "<h2 class=\"govuk-heading-m\" id=\"by-child\">Findings by child</h2>",
        "<h2 class=\"govuk-heading-m\" id=\"findings\">Findings</h2>",
        "<td class=\"govuk-table__cell\">in/Reviews.csv</td>",
        "<td class=\"govuk-table__cell\">No previous year&#39;s return was given</td><td class=\"govuk-table__cell\">202, 203</td>",
        // 101: three findings for two children.
        "<td class=\"govuk-table__cell govuk-table__cell--numeric\">3</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">2</td>",
        "<td class=\"govuk-table__cell\">(no child ID)</td>",
    ] {
        assert!(html.contains(expected), "the HTML lacks {expected}:\n{html}");
    }
    // Every opened table is closed.
    assert_eq!(html.matches("<table").count(), html.matches("</table>").count());
}

#[test]
fn the_table_lists_findings_summaries_and_rules_not_run_for_a_terminal() {
    let (ret, mut report, meta) = (the_return(), the_report(), meta());
    report.findings[1].child = Some("B\u{1b}[31m".into());
    let text = ValidationReport::new(&report, &ret, None, &meta).render(ReportFormat::Table);
    assert!(!text.contains('\u{1b}'), "control characters reach the terminal:\n{text}");
    assert!(text.contains("B\\u{1b}[31m"), "{text}");
    for expected in [
        "SSDA903 validation report: the 2025-26 return",
        "Local authority: E09000027",
        "This year's return: 2 tables, 5 rows",
        "5 findings for 3 children; 300 rules ran and 3 did not (see why in the report).",
        "rule  table    line  row  child",
        "101   Reviews     2    0  A1",
        "Findings by rule",
        "101          3         2  A message",
        "Findings by child",
        "A1                         2  101",
        "(no child ID)              1  102",
        "No previous year's return was given (2): 202, 203",
        "Ofsted's provider list was not given (1): 219",
    ] {
        assert!(text.contains(expected), "the table lacks {expected:?}:\n{text}");
    }
}

#[test]
fn a_clean_return_says_so() {
    let (ret, meta) = (the_return(), meta());
    let report = Report { findings: vec![], skipped: vec![], rules_run: 311 };
    let view = ValidationReport::new(&report, &ret, None, &meta);
    assert_eq!(view.headline(), "No findings: the return meets every rule that ran (311 rules ran).");
    assert_eq!(view.render(ReportFormat::Csv), "rule,table,file,row,line,child,fields,message\r\n");
    let text = view.render(ReportFormat::Table);
    assert!(!text.contains("Findings by rule") && !text.contains("Rules not run"), "{text}");
    let html = view.render(ReportFormat::Html);
    assert!(!html.contains("id=\"findings\"") && html.contains("No findings"), "{html}");
}

#[test]
fn a_real_validation_renders_every_finding_in_every_format() {
    let (ret, meta) = (the_return(), meta());
    let report = validate_report(&ret, None, &meta);
    assert!(!report.findings.is_empty(), "these files break rules (no episodes, invalid child IDs...)");
    let view = ValidationReport::new(&report, &ret, None, &meta);
    let n = report.findings.len();
    assert_eq!(view.by_rule().iter().map(|r| r.findings).sum::<usize>(), n);
    assert_eq!(view.by_child().iter().map(|c| c.findings).sum::<usize>(), n);
    let json: serde_json::Value = serde_json::from_str(&view.render(ReportFormat::Json)).unwrap();
    assert_eq!(json.as_array().unwrap().len(), n);
    for (object, finding) in json.as_array().unwrap().iter().zip(&report.findings) {
        assert_eq!(object["rule"], finding.code);
        assert_eq!(object["line"], finding.line);
    }
    let csv = view.render(ReportFormat::Csv);
    assert_eq!(csv.matches("\r\n").count(), n + 1);
    assert!(report.skipped.iter().any(|s| s.reason.contains("previous year")));
    assert!(view.render(ReportFormat::Table).contains("Rules not run"));
}

#[test]
fn thousands_are_separated_by_commas() {
    for (n, text) in [(0, "0"), (999, "999"), (1_000, "1,000"), (27_000, "27,000"), (1_234_567, "1,234,567")] {
        assert_eq!(thousands(n), text);
    }
}
