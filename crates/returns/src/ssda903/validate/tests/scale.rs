//! Validating a large council's return. Timings are printed, never asserted; run with
//! `cargo test -p careful-returns --release -- --ignored --nocapture validate_27000`.

use std::time::Instant;

use careful_domain::calendar::CollectionYear;

use super::super::{DerivedPlacement, Metadata, Provider, ProviderList, validate_report};
use crate::ssda903::{Return, ReturnBuilder, RowBuilder, Table};

/// A synthetic return for `children` children for the year starting in `start`: each child has a
/// Header row, two episodes (a placement change in the year, the second still open), five
/// reviews, OC2 and previous permanence rows, a social worker, and every tenth a missing period.
fn synthetic(children: usize, start: i32) -> Return {
    let year = CollectionYear::starting(start).expect("a year");
    let mut b = ReturnBuilder::new(year);
    for i in 0..children {
        let child = format!("EM{i:07}");
        let dob = format!("{:02}/{:02}/{}", 1 + i % 28, 1 + i % 12, 2006 + i % 12);
        let row = |t: Table| RowBuilder::new(t).set("CHILD", &child).expect("CHILD");
        let set =
            |r: RowBuilder, cells: &[(&str, &str)]| cells.iter().fold(r, |r, (c, v)| r.set(c, v).expect("a column"));
        let sex = if i % 2 == 0 { "F" } else { "M" };
        let mother = if sex == "F" { "0" } else { "" };
        b.push(set(
            row(Table::Header),
            &[("SEX", sex), ("DOB", &dob), ("ETHNIC", "WBRI"), ("UPN", "A123456789012"), ("MOTHER", mother)],
        ))
        .expect("header");
        let began = format!("01/06/{}", start - 1);
        let moved = format!("{:02}/09/{start}", 1 + i % 28);
        b.push(set(
            row(Table::Episodes),
            &[
                ("DECOM", &began),
                ("RNE", "S"),
                ("LS", "C2"),
                ("CIN", "N1"),
                ("PLACE", "U4"),
                ("PLACE_PROVIDER", "PR1"),
                ("DEC", &moved),
                ("REC", "X1"),
                ("REASON_PLACE_CHANGE", "CARPL"),
                ("HOME_POST", "AB1 2CD"),
                ("PL_POST", "AB3 4EF"),
                ("URN", "SC000001"),
            ],
        ))
        .expect("episode");
        b.push(set(
            row(Table::Episodes),
            &[
                ("DECOM", &moved),
                ("RNE", "P"),
                ("LS", "C2"),
                ("CIN", "N1"),
                ("PLACE", "U1"),
                ("PLACE_PROVIDER", "PR4"),
                ("HOME_POST", "AB1 2CD"),
                ("PL_POST", "AB5 6GH"),
                ("URN", "SC000002"),
            ],
        ))
        .expect("episode");
        for r in 0..5 {
            let day = format!("1{r}/0{}/{start}", 5 + r);
            b.push(set(row(Table::Reviews), &[("DOB", &dob), ("REVIEW", &day), ("REVIEW_CODE", "PN1")]))
                .expect("review");
        }
        b.push(set(
            row(Table::Oc2),
            &[
                ("DOB", &dob),
                ("SDQ_SCORE", "12"),
                ("CONVICTED", "0"),
                ("IMMUNISATIONS", "1"),
                ("TEETH_CHECK", "1"),
                ("HEALTH_ASSESSMENT", "1"),
                ("SUBSTANCE_MISUSE", "0"),
            ],
        ))
        .expect("oc2");
        b.push(set(row(Table::PrevPerm), &[("DOB", &dob), ("PREV_PERM", "Z1")])).expect("prevperm");
        b.push(set(
            row(Table::SwEpisodes),
            &[("DOB", &dob), ("SW_ID", "SW0001"), ("SW_DECOM", &began), ("SW_REASON", "OTHERS")],
        ))
        .expect("sw");
        if i % 10 == 0 {
            let gone = format!("0{}/11/{start}", 1 + i % 9);
            b.push(set(
                row(Table::Missing),
                &[("DOB", &dob), ("MISSING", "M"), ("MIS_START", &gone), ("MIS_END", &gone)],
            ))
            .expect("missing");
        }
    }
    b.finish()
}

/// The process's peak resident memory so far, in MB (Linux; `None` elsewhere).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn validate_27000_children() {
    let this = synthetic(27_000, 2025);
    let last = synthetic(27_000, 2024);
    let placements = |r: &Return| {
        let n = r.table(Table::Episodes).map_or(0, |t| t.len());
        vec![
            DerivedPlacement { pl_la: Some("E09000027".into()), pl_location: Some("IN".into()), pl_distance: Some(4.2) };
            n
        ]
    };
    let providers = ProviderList::new(
        ["SC000001", "SC000002"].iter().map(|urn| Provider { urn: (*urn).into(), ..Provider::default() }).collect(),
    );
    let meta = Metadata::new(CollectionYear::starting(2025).expect("a year"))
        .expect("supported")
        .with_local_authority("E09000027")
        .with_derived_placements(placements(&this))
        .with_previous_year_derived_placements(placements(&last))
        .with_providers(providers);
    let before = peak_rss_mb();
    let started = Instant::now();
    let report = validate_report(&this, Some(&last), &meta);
    let elapsed = started.elapsed();
    println!(
        "27,000 children ({} rows this year, {} last year): {} rules run, {} skipped, {} findings in {:.0} ms; \
         peak memory {:.0} MB before validating, {:.0} MB after (returns held: {:.0} MB)",
        this.row_count(),
        last.row_count(),
        report.rules_run,
        report.skipped.len(),
        report.findings.len(),
        elapsed.as_secs_f64() * 1e3,
        before.unwrap_or(f64::NAN),
        peak_rss_mb().unwrap_or(f64::NAN),
        (this.heap_size() + last.heap_size()) as f64 / 1e6,
    );
    let mut by_code: Vec<(&str, usize)> = Vec::new();
    for f in &report.findings {
        match by_code.iter_mut().find(|(c, _)| *c == f.code) {
            Some((_, n)) => *n += 1,
            None => by_code.push((f.code, 1)),
        }
    }
    println!("findings by rule: {by_code:?}");
}

/// The rules read only the previous year's tables `previous_year_tables` names, so letting go
/// of the others' cells changes nothing in the report.
#[test]
fn releasing_the_previous_years_unread_tables_changes_no_finding() {
    let year = CollectionYear::starting(2025).expect("a year");
    let read = super::super::previous_year_tables(year);
    for t in [Table::Header, Table::Uasc, Table::Episodes, Table::Missing, Table::Oc3, Table::PlacedAdoption] {
        assert!(read.contains(&t), "{t}");
    }
    for t in [Table::Reviews, Table::SwEpisodes, Table::Oc2, Table::PrevPerm] {
        assert!(!read.contains(&t), "{t}");
    }
    let (this, last) = (synthetic(300, 2025), synthetic(320, 2024));
    let meta = Metadata::new(year).expect("a supported year").with_local_authority("E09000027");
    let whole = validate_report(&this, Some(&last), &meta);
    let mut released = last.clone();
    released.release_cells_except(&read);
    assert_eq!(released.table(Table::Reviews).map(|t| (t.len(), t.cell_at(0, 0))), Some((1600, None)));
    assert_eq!(validate_report(&this, Some(&released), &meta), whole);
    assert!(!whole.findings.is_empty() && whole.rules_run > 250, "{} rules ran", whole.rules_run);
}
