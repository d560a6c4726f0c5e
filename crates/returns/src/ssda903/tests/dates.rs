use chrono::NaiveDate;

use super::*;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn problem(text: &str) -> (DateProblem, String) {
    let err = parse_date(text).unwrap_err();
    assert_eq!(err.text, text);
    (err.problem, err.to_string())
}

#[test]
fn reads_dd_mm_yyyy() {
    assert_eq!(parse_date("01/04/2025"), Ok(ymd(2025, 4, 1)));
    assert_eq!(parse_date("31/03/2026"), Ok(ymd(2026, 3, 31)));
    assert_eq!(parse_date("1/4/2025"), Ok(ymd(2025, 4, 1)));
    assert_eq!(parse_date(" 01/04/2025 "), Ok(ymd(2025, 4, 1)));
}

#[test]
fn leap_days_and_short_months() {
    assert_eq!(parse_date("29/02/2024"), Ok(ymd(2024, 2, 29)));
    assert_eq!(parse_date("29/02/2000"), Ok(ymd(2000, 2, 29)));
    assert_eq!(
        problem("29/02/2025"),
        (DateProblem::NoSuchDay, "\"29/02/2025\" is not a date: February 2025 has 28 days".into())
    );
    assert_eq!(problem("29/02/1900").0, DateProblem::NoSuchDay);
    assert_eq!(
        problem("31/04/2025"),
        (DateProblem::NoSuchDay, "\"31/04/2025\" is not a date: April 2025 has 30 days".into())
    );
    assert_eq!(problem("31/06/2025").0, DateProblem::NoSuchDay);
    assert_eq!(problem("32/01/2025").0, DateProblem::NoSuchDay);
    assert_eq!(problem("00/05/2025").0, DateProblem::NoSuchDay);
    assert_eq!(parse_date("31/12/2025"), Ok(ymd(2025, 12, 31)));
}

#[test]
fn says_what_is_wrong() {
    assert_eq!(
        problem("01/13/2025"),
        (DateProblem::NoSuchMonth, "\"01/13/2025\" is not a date: the month must be 01 to 12".into())
    );
    assert_eq!(problem("01/00/2025").0, DateProblem::NoSuchMonth);
    for text in [
        "2025-04-01",
        "01/04/25",
        "01-04-2025",
        "01/04/2025 00:00",
        "1st April 2025",
        "01/04/+025",
        "001/04/2025",
        "01/04/2025/1",
        "01//2025",
        "０1/04/2025",
    ] {
        let (p, message) = problem(text);
        assert_eq!(p, DateProblem::NotDdMmYyyy, "{text}");
        assert!(message.contains("DD/MM/YYYY"), "{message}");
    }
    assert_eq!(problem("").0, DateProblem::Blank);
    assert_eq!(problem("   ").0, DateProblem::Blank);
}

#[test]
fn writes_dd_mm_yyyy() {
    assert_eq!(format_date(ymd(2025, 4, 1)), "01/04/2025");
    assert_eq!(format_date(ymd(2024, 2, 29)), "29/02/2024");
    assert_eq!(format_date(ymd(999, 12, 31)), "31/12/0999");
}

#[test]
fn a_cell_read_as_a_date_is_blank_a_date_or_an_error() {
    let ret = read_ok(&[(
        "r.csv",
        b"CHILD,DOB,REVIEW,REVIEW_CODE\n1,01/01/2015,,PN1\n2,29/02/2016, ,PN1\n3,31/04/2016,31/04/2025,PN1\n",
    )]);
    let reviews = ret.table(Table::Reviews).unwrap();
    assert_eq!(reviews.date(0, "DOB"), Ok(Some(ymd(2015, 1, 1))));
    assert_eq!(reviews.date(0, "REVIEW"), Ok(None));
    assert_eq!(reviews.date(1, "REVIEW"), Ok(None), "only spaces is blank");
    assert_eq!(reviews.cell(1, "REVIEW"), Some(" "), "but the cell keeps what was written");
    let err = reviews.date(2, "REVIEW").unwrap_err();
    assert_eq!(err.problem, DateProblem::NoSuchDay);
    let row = reviews.row(2).unwrap();
    assert!(row.date("DOB").is_err());
    assert_eq!(row.value("REVIEW_CODE"), Some("PN1"));
}

/// The quick path for exactly `DD/MM/YYYY` gives what the general path gives (reached here by a
/// leading space and unpadded day and month), date or problem, for every day and month number
/// from 0 to 32 and 0 to 13 in ordinary, leap and edge years.
#[test]
fn the_quick_path_for_ten_characters_agrees_with_the_general_path() {
    for year in [0, 1900, 2000, 2023, 2024, 2025, 9999] {
        for month in 0..=13 {
            for day in 0..=32 {
                let quick = parse_date(&format!("{day:02}/{month:02}/{year:04}")).map_err(|e| e.problem);
                let general = parse_date(&format!(" {day}/{month}/{year:04}")).map_err(|e| e.problem);
                assert_eq!(quick, general, "{day:02}/{month:02}/{year:04}");
            }
        }
    }
}
