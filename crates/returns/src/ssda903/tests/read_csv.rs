use super::*;

const EPISODES: &str = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN";

fn only(errors: &[ReadError], kind: ReadErrorKind) -> &ReadError {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].kind, kind, "{errors:#?}");
    &errors[0]
}

#[test]
fn recognises_a_table_by_its_header_set_in_any_order_case_and_file_name() {
    let file = "  urn , Child,DECOM,rne,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST\n\
                SC000001,EM0001,01/04/2025,S,C2,N1,U1,PR1,,,,AB1 2CD,AB3 4EF\n";
    let ret = read_ok(&[("whatever-the-name.txt", file.as_bytes())]);
    assert_eq!(ret.format(), Format::Csv);
    let episodes = ret.table(Table::Episodes).expect("recognised as Episodes");
    assert_eq!(episodes.file(), "whatever-the-name.txt");
    assert_eq!(episodes.columns()[0], "URN");
    assert_eq!(episodes.columns()[1], "CHILD");
    assert_eq!(episodes.len(), 1);
    assert_eq!(episodes.cell(0, "CHILD"), Some("EM0001"));
    assert_eq!(episodes.cell(0, "urn"), Some("SC000001"));
    assert_eq!(episodes.cell(0, "DEC"), None);
    assert_eq!(episodes.cell(0, "PL_POST"), Some("AB3 4EF"));
    assert_eq!(episodes.line(0), Some(2));
    assert_eq!(ret.tables().count(), 1);
}

#[test]
fn the_file_name_plays_no_part() {
    let ret = read_ok(&[("Episodes.csv", b"CHILD,DOB,REVIEW,REVIEW_CODE\n1,01/01/2015,01/05/2025,PN1\n")]);
    assert!(ret.table(Table::Episodes).is_none());
    assert_eq!(ret.table(Table::Reviews).map(TableData::len), Some(1));
}

#[test]
fn reads_every_table_at_once() {
    let files: Vec<(String, Vec<u8>)> = Table::ALL
        .iter()
        .map(|t| {
            let header = t.columns().join(",");
            let row: Vec<String> = t.columns().iter().map(|c| format!("{c}-value")).collect();
            (
                format!("{}.csv", t.name().to_lowercase()),
                format!("{header}\n{}\n{}\n", row.join(","), row.join(",")).into_bytes(),
            )
        })
        .collect();
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let ret = read_ok(&borrowed);
    assert_eq!(ret.tables().count(), 12);
    assert_eq!(ret.row_count(), 24);
    for t in Table::ALL {
        let data = ret.table(t).unwrap();
        assert_eq!(data.table(), t);
        assert_eq!(data.columns(), t.columns());
        for c in t.columns() {
            assert_eq!(data.cell(1, c), Some(format!("{c}-value").as_str()));
        }
    }
}

#[test]
fn tolerates_a_byte_order_mark_and_crlf() {
    let ret = read_ok(&[(
        "h.csv",
        b"\xEF\xBB\xBFCHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n1,M,01/01/2015,WBRI,,,\r\n2,F,02/02/2016,WIRI,,0,\r\n",
    )]);
    let header = ret.table(Table::Header).unwrap();
    assert_eq!(header.columns()[0], "CHILD");
    assert_eq!(header.len(), 2);
    assert_eq!(header.cell(1, "MOTHER"), Some("0"));
    assert_eq!(header.cell(1, "MC_DOB"), None, "the \\r is not part of the last cell");
    assert_eq!((header.line(0), header.line(1)), (Some(2), Some(3)));
}

#[test]
fn reads_quoted_cells_with_commas_quotes_and_line_breaks() {
    let file = "CHILD,DOB,REVIEW,REVIEW_CODE\n\
                \"1,5\",\"01/01/2015\",\"\",PN1\n\
                \"two\nlines\",01/01/2015,\"say \"\"hi\"\"\",PN2\n\
                3,01/01/2015,,\"PN\r\n3\"\n\
                4,01/01/2015,,PN4\n";
    let ret = read_ok(&[("r.csv", file.as_bytes())]);
    let reviews = ret.table(Table::Reviews).unwrap();
    assert_eq!(cells(reviews)[0], [Some("1,5".into()), Some("01/01/2015".into()), None, Some("PN1".into())]);
    assert_eq!(reviews.cell(1, "CHILD"), Some("two\nlines"));
    assert_eq!(reviews.cell(1, "REVIEW"), Some("say \"hi\""));
    assert_eq!(reviews.cell(2, "REVIEW_CODE"), Some("PN\r\n3"));
    // A row starts on the line after the previous row's line breaks.
    let lines: Vec<u64> = reviews.rows().map(|r| r.line()).collect();
    assert_eq!(lines, [2, 3, 5, 7]);
}

#[test]
fn keeps_cells_exactly_and_counts_lines_as_a_spreadsheet_does() {
    let file = "\n\nCHILD,DOB,REVIEW,REVIEW_CODE\n 1 ,01/01/2015,,pn1\n\n,,,\n3,01/01/2015,, \n";
    let ret = read_ok(&[("r.csv", file.as_bytes())]);
    let reviews = ret.table(Table::Reviews).unwrap();
    assert_eq!(reviews.cell(0, "CHILD"), Some(" 1 "), "spaces are kept");
    assert_eq!(reviews.value(0, "CHILD"), Some("1"), "value() trims");
    assert_eq!(reviews.cell(0, "REVIEW_CODE"), Some("pn1"), "case is kept");
    assert_eq!(reviews.len(), 3, "a row of empty cells is a row, never dropped");
    assert!(reviews.row(1).unwrap().cells().all(|c| c.is_none()));
    assert_eq!(reviews.value(2, "REVIEW_CODE"), None);
    let lines: Vec<u64> = reviews.rows().map(|r| r.line()).collect();
    assert_eq!(lines, [4, 6, 7], "blank lines count, as the file's lines do");
    assert_eq!(reviews.rows().map(|r| r.index()).collect::<Vec<_>>(), [0, 1, 2]);
    assert!(reviews.row(3).is_none());
    assert_eq!(reviews.cell_at(0, 99), None);
    assert_eq!(reviews.cell_at(99, 0), None);
}

#[test]
fn old_macintosh_line_ends_count_as_lines() {
    let ret = read_ok(&[("r.csv", b"CHILD,DOB,REVIEW,REVIEW_CODE\r1,01/01/2015,,PN1\r2,01/01/2015,,PN1\r")]);
    let reviews = ret.table(Table::Reviews).unwrap();
    assert_eq!(reviews.rows().map(|r| r.line()).collect::<Vec<_>>(), [2, 3]);
}

#[test]
fn a_header_with_no_rows_is_an_empty_table() {
    let ret = read_ok(&[("a.csv", b"CHILD,DOB,DOLO_START,DOLO_END")]);
    let dolo = ret.table(Table::DoLo).unwrap();
    assert!(dolo.is_empty());
    assert_eq!(dolo.rows().count(), 0);
}

#[test]
fn reads_files_from_disk() {
    let dir = TempDir::new();
    let header = dir.0.join("one.csv");
    let episodes = dir.0.join("two.csv");
    std::fs::write(&header, "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/01/2015,WBRI,,,\n").unwrap();
    // Longer than the 8 KiB the reader looks at first, to cross that boundary.
    let mut text = format!("{EPISODES}\n");
    for i in 0..400 {
        text.push_str(&format!("C{i},01/04/2025,S,C2,N1,U1,PR1,,,,AB1 2CD,AB3 4EF,\n"));
    }
    std::fs::write(&episodes, &text).unwrap();
    let ret = read_return(&[Source::path(&header), Source::path(&episodes)]).unwrap();
    assert_eq!(ret.table(Table::Header).unwrap().file(), header.display().to_string());
    let episodes_data = ret.table(Table::Episodes).unwrap();
    assert_eq!(episodes_data.len(), 400);
    assert_eq!(episodes_data.cell(399, "CHILD"), Some("C399"));
    assert_eq!(episodes_data.line(399), Some(401));

    let missing = dir.0.join("missing.csv");
    let errors = read_return(&[Source::path(&missing)]).unwrap_err();
    let e = only(&errors, ReadErrorKind::Io);
    assert!(e.problem.contains("could not be read"), "{e}");
}

#[test]
fn an_unknown_header_names_the_closest_table_and_its_differences() {
    let file = "CHILD,DECOM,RNE,LS,CIN,PLACEMENT,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";
    let errors = read_err(&[("eps.csv", file.as_bytes())]);
    let e = only(&errors, ReadErrorKind::UnknownHeader);
    assert_eq!((e.file.as_str(), e.line), ("eps.csv", Some(1)));
    assert_eq!(
        e.to_string(),
        "eps.csv, line 1: the header row does not match any SSDA903 table. The closest table is Episodes \
         (this file has no PLACE; PLACEMENT is not one of its columns). The first row of each file must name \
         exactly the columns of one table, in any order (see the DfE SSDA903 guidance for each table's columns)"
    );

    let errors = read_err(&[("x.csv", b"Name,Address\nA,B\n")]);
    let e = only(&errors, ReadErrorKind::UnknownHeader);
    assert!(e.problem.contains("The closest table"), "{e}");
    assert!(e.problem.contains("Name and Address are not among its columns"), "{e}");
}

#[test]
fn a_file_that_is_no_table_gives_a_short_message() {
    // One enormous first line with many long "columns".
    let line: String = (0..5_000).map(|i| format!("{}{i},", "x".repeat(200))).collect();
    let errors = read_err(&[("big.csv", line.as_bytes())]);
    let e = only(&errors, ReadErrorKind::UnknownHeader);
    assert!(e.to_string().len() < 2_000, "{} characters", e.to_string().len());
    assert!(e.problem.contains("4996 more are not among its columns"), "{e}");
}

#[test]
fn a_missing_column_is_named() {
    let file = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST\n";
    let errors = read_err(&[("eps.csv", file.as_bytes())]);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors.iter().all(|e| e.kind == ReadErrorKind::MissingColumn && e.line == Some(1)));
    let columns: Vec<Option<&str>> = errors.iter().map(|e| e.column.as_deref()).collect();
    assert_eq!(columns, [Some("PL_POST"), Some("URN")]);
    assert_eq!(
        errors[1].to_string(),
        "eps.csv, line 1, column URN: this file looks like the Episodes table but has no URN column: add the \
         column to the header row (its cells may be left empty where there is nothing to report)"
    );
}

#[test]
fn a_column_named_twice_is_an_error() {
    let errors = read_err(&[("h.csv", b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,dob\n")]);
    let e = only(&errors, ReadErrorKind::DuplicateColumn);
    assert_eq!(e.column.as_deref(), Some("dob"));
    assert!(e.problem.contains("more than once"), "{e}");
}

#[test]
fn a_column_with_no_name_is_reported() {
    let errors = read_err(&[("h.csv", b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,\n1,M,01/01/2015,WBRI,,,,\n")]);
    let e = only(&errors, ReadErrorKind::UnknownHeader);
    assert!(e.problem.contains("a column with no name is not one of its columns"), "{e}");
}

#[test]
fn a_table_given_twice_is_an_error() {
    let header = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/01/2015,WBRI,,,\n";
    let errors = read_err(&[("Header.csv", header), ("header (1).csv", header)]);
    let e = only(&errors, ReadErrorKind::DuplicateTable);
    assert_eq!(e.file, "header (1).csv");
    assert_eq!(
        e.problem,
        "this file holds the Header table, and so does Header.csv: give each table once (if the rows belong \
         together, copy them into one file)"
    );
}

#[test]
fn a_row_with_the_wrong_number_of_cells_is_an_error_never_dropped() {
    let file = "CHILD,DOB,REVIEW,REVIEW_CODE\n1,01/01/2015,,PN1\n2,01/01/2015,PN1\n3,01/01/2015,01/05/2025,PN1,extra\n4,01/01/2015,,PN1\n";
    let errors = read_err(&[("r.csv", file.as_bytes())]);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors.iter().all(|e| e.kind == ReadErrorKind::RaggedRow));
    assert_eq!(errors[0].line, Some(3));
    assert_eq!(errors[1].line, Some(4));
    assert_eq!(
        errors[0].to_string(),
        "r.csv, line 3: this row has 3 cells but the header row has 4 columns: every row must have one cell per \
         column (leave a cell empty for a blank; a cell holding a comma must be in double quotes)"
    );
    assert!(errors[1].problem.starts_with("this row has 5 cells"));
}

#[test]
fn a_quote_never_closed_is_an_error_not_rows_read_into_one_cell() {
    // The quote opened on line 3 would take lines 4 and 5 into REVIEW_CODE, leaving a row of
    // exactly four cells: without the check, two rows would vanish into one cell.
    let file =
        "CHILD,DOB,REVIEW,REVIEW_CODE\n1,01/01/2015,,PN1\n2,01/01/2015,,\"PN1\n3,01/01/2015,,PN1\n4,01/01/2015,,PN1\n";
    let errors = read_err(&[("r.csv", file.as_bytes())]);
    let e = only(&errors, ReadErrorKind::UnclosedQuote);
    assert_eq!((e.line, e.column.as_deref()), (Some(3), Some("REVIEW_CODE")));
    assert!(
        e.to_string().starts_with("r.csv, line 3, column REVIEW_CODE: a cell here starts with a double quote"),
        "{e}"
    );

    // In the header row itself.
    let errors = read_err(&[("r.csv", b"CHILD,DOB,REVIEW,\"REVIEW_CODE\n1,01/01/2015,,PN1\n")]);
    let e = only(&errors, ReadErrorKind::UnclosedQuote);
    assert_eq!((e.line, e.column.as_deref()), (Some(1), None));

    // Beside ragged rows, both are reported.
    let errors = read_err(&[("r.csv", b"CHILD,DOB,REVIEW,REVIEW_CODE\n1,01/01/2015\n2,\"01/01/2015,,PN1\n")]);
    let kinds: Vec<ReadErrorKind> = errors.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [ReadErrorKind::RaggedRow, ReadErrorKind::RaggedRow, ReadErrorKind::UnclosedQuote]);

    // A quote closed on a later line is a cell holding a line break, as CSV allows; a quote
    // inside a cell that did not start with one is text.
    let ret =
        read_ok(&[("r.csv", b"CHILD,DOB,REVIEW,REVIEW_CODE\n\"1\n\",0\"1,,PN1\n2,01/01/2015,,\"PN\"\"1\"\"\"\n")]);
    let reviews = ret.table(Table::Reviews).unwrap();
    assert_eq!(cells(reviews)[0], [Some("1\n".to_string()), Some("0\"1".into()), None, Some("PN1".into())]);
    assert_eq!(reviews.cell(1, "REVIEW_CODE"), Some("PN\"1\""));
}

#[test]
fn at_most_a_hundred_ragged_rows_are_listed() {
    let mut file = String::from("CHILD,DOB,REVIEW,REVIEW_CODE\n");
    for i in 0..150 {
        file.push_str(&format!("{i},01/01/2015\n"));
    }
    let errors = read_err(&[("r.csv", file.as_bytes())]);
    assert_eq!(errors.len(), 101);
    assert_eq!(errors[99].line, Some(101));
    assert_eq!(errors[100].line, None);
    assert_eq!(errors[100].problem, "50 more rows have the wrong number of cells (only the first 100 are listed)");
}

#[test]
fn latin_1_is_recognised_and_the_fix_given() {
    let errors = read_err(&[(
        "h.csv",
        b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/01/2015,WBRI,,,\n2,F,01/01/2015,W\xA3RI,,,\n",
    )]);
    let e = only(&errors, ReadErrorKind::Encoding);
    assert_eq!((e.line, e.column.as_deref()), (Some(3), Some("ETHNIC")));
    assert!(e.problem.contains("byte 0xA3 ('£' in Windows-1252)"), "{e}");
    assert!(e.problem.contains("Latin-1 or Windows-1252"), "{e}");
    assert!(e.problem.contains("CSV UTF-8 (Comma delimited)"), "{e}");

    let errors = read_err(&[("h.csv", b"CHILD,SEX,D\x92OB,ETHNIC,UPN,MOTHER,MC_DOB\n")]);
    let e = only(&errors, ReadErrorKind::Encoding);
    assert_eq!(e.line, Some(1));
    assert!(e.problem.contains("Windows-1252"), "{e}");
}

#[test]
fn a_cell_that_is_not_utf8_on_its_own_is_caught() {
    // The two cells' bytes make "é" only when joined: each cell on its own is not UTF-8.
    let errors = read_err(&[("r.csv", b"CHILD,DOB,REVIEW,REVIEW_CODE\n1\xC3,\xA9,,PN1\n")]);
    let e = only(&errors, ReadErrorKind::Encoding);
    assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("CHILD")));
}

#[test]
fn utf16_is_recognised_and_the_fix_given() {
    let text = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n1,M,01/01/2015,WBRI,,,\r\n";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be_no_bom = Vec::new();
    be_no_bom.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    for bytes in [le, be_no_bom] {
        let errors = read_err(&[("h.csv", &bytes)]);
        let e = only(&errors, ReadErrorKind::Encoding);
        assert!(e.problem.contains("looks like UTF-16"), "{e}");
        assert!(e.problem.contains("CSV UTF-8 (Comma delimited) (*.csv)"), "{e}");
    }
}

#[test]
fn an_empty_file_is_an_error() {
    for bytes in [&b""[..], b"\xEF\xBB\xBF", b"\r\n \n\t\n"] {
        let errors = read_err(&[("e.csv", bytes)]);
        let e = only(&errors, ReadErrorKind::Empty);
        assert!(e.problem.starts_with("the file is empty"), "{e}");
    }
}

#[test]
fn every_file_s_problems_are_reported_together() {
    let errors = read_err(&[
        ("a.csv", b""),
        ("b.csv", b"CHILD,DOB,REVIEW,REVIEW_CODE\n1\n"),
        ("c.csv", b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/01/2015,WBRI,,,\n"),
    ]);
    let files: Vec<&str> = errors.iter().map(|e| e.file.as_str()).collect();
    assert_eq!(files, ["a.csv", "b.csv"]);
}

#[test]
fn reads_this_year_and_last_year() {
    let header = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/01/2015,WBRI,,,\n";
    let this_year = [Source::bytes("Header.csv", header)];
    let submission = read_submission(&this_year, None).unwrap();
    assert!(submission.previous_year.is_none());
    let last_year = [Source::bytes("Header.csv", header)];
    let submission = read_submission(&this_year, Some(&last_year)).unwrap();
    assert_eq!(submission.previous_year.as_ref().map(Return::row_count), Some(1));
    assert_eq!(submission.this_year, submission.previous_year.unwrap());

    let broken = [Source::bytes("last/Header.csv", b"CHILD\n")];
    let bad_this = [Source::bytes("this/Header.csv", b"")];
    let errors = read_submission(&bad_this, Some(&broken)).unwrap_err();
    let files: Vec<&str> = errors.iter().map(|e| e.file.as_str()).collect();
    assert_eq!(files, ["this/Header.csv", "last/Header.csv"]);

    let errors = read_submission(&this_year, Some(&[])).unwrap_err();
    assert_eq!(errors[0].kind, ReadErrorKind::NoFiles);
    assert_eq!(
        errors[0].to_string(),
        "no files were given: give the return's CSV files (one per table) or its XML file"
    );
}

#[test]
fn xml_must_come_on_its_own() {
    let errors = read_err(&[
        ("h.csv", b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"),
        ("return.xml", b"<EXPSSDA903></EXPSSDA903>"),
    ]);
    let e = only(&errors, ReadErrorKind::MixedFormats);
    assert_eq!(e.file, "return.xml");
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "the Reviews table has no column \"DATE_EPISODE_CEASED\"")]
fn asking_for_a_column_the_table_does_not_have_is_caught_in_tests() {
    let ret = read_ok(&[("r.csv", b"CHILD,DOB,REVIEW,REVIEW_CODE\n1,01/01/2015,,PN1\n")]);
    let _ = ret.table(Table::Reviews).unwrap().cell(0, "DATE_EPISODE_CEASED");
}

#[test]
fn memory_is_proportional_to_the_file() {
    let mut file = String::from("CHILD,DOB,REVIEW,REVIEW_CODE\n");
    for i in 0..10_000 {
        file.push_str(&format!("EM{i:06},01/01/2015,01/05/2025,PN1\n"));
    }
    let ret = read_ok(&[("r.csv", file.as_bytes())]);
    let reviews = ret.table(Table::Reviews).unwrap();
    // The cells' text (31 bytes a row, without commas or line ends), 4 bytes a cell and 4 a
    // row: nothing allocated per cell or per row.
    let expected = 10_000 * (31 + 4 * 4 + 4);
    assert!(reviews.heap_size() <= expected + 64, "{} > {expected}", reviews.heap_size());
    assert!(reviews.heap_size() < file.len() * 3 / 2);
}

#[test]
fn a_row_of_more_than_64_kib_is_an_error_naming_its_line() {
    let long = "A".repeat(70_000);
    let file = format!("CHILD,DOB,REVIEW,REVIEW_CODE\n1,01/01/2015,,PN1\n2,01/01/2015,,{long}\n");
    let errors = read_err(&[("r.csv", file.as_bytes())]);
    let e = only(&errors, ReadErrorKind::TooLarge);
    assert_eq!(e.line, Some(3));
    assert!(e.problem.starts_with("this row holds more than 64 KiB of text"), "{e}");

    // Just under the limit is read.
    let under = "A".repeat(65_535 - "201/01/2015".len());
    let file = format!("CHILD,DOB,REVIEW,REVIEW_CODE\n2,01/01/2015,,{under}\n");
    let ret = read_return(&[Source::bytes("r.csv", file.as_bytes())]).expect("a row of 65,535 bytes of text is read");
    let reviews = ret.table(Table::Reviews).expect("the Reviews table");
    assert_eq!(reviews.cell(0, "REVIEW_CODE"), Some(under.as_str()));
    assert_eq!(reviews.cell(0, "CHILD"), Some("2"));
}

#[test]
fn line_numbers_follow_blank_lines_and_line_breaks_inside_cells() {
    let file = "CHILD,DOB,REVIEW,REVIEW_CODE\n1,01/01/2015,,PN1\n\n\n2,01/01/2015,,\"PN\n1\"\n3,01/01/2015,,PN1\r\n4,01/01/2015,,PN1\n";
    let ret = read_return(&[Source::bytes("r.csv", file.as_bytes())]).expect("readable");
    let reviews = ret.table(Table::Reviews).expect("the Reviews table");
    let lines: Vec<Option<u64>> = (0..5).map(|row| reviews.line(row)).collect();
    assert_eq!(lines, [Some(2), Some(5), Some(7), Some(8), None]);
    assert_eq!(reviews.cell(1, "REVIEW_CODE"), Some("PN\n1"));
}
