//! Property tests: the readers never panic, whatever they are given, and writing then reading
//! gives back what was written.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

const VALID_CSV: &str = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n\
    EM0001,01/04/2025,S,C2,N1,U1,PR1,01/10/2025,X1,CARPL,AB1 2CD,AB3 4EF,SC000001\r\n\
    \"EM,0002\",01/10/2025,P,C2,N1,\"U\n3\",PR2,,,,,,\r\n";

const VALID_XML: &str = "<?xml version=\"1.0\"?>\n<EXPSSDA903>\n<CHILD>\n<HEADER>\n<CHILDID>EM0001</CHILDID>\n\
    <DOB>14/03/2012</DOB>\n<UASC>1</UASC>\n<AREVIEW><REVIEW>10/06/2025</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>\n\
    <OC2><SDQ_SCORE>12</SDQ_SCORE></OC2>\n<IN_TOUCH>YES</IN_TOUCH>\n</HEADER>\n<EPISODE><DECOM>01/04/2025</DECOM>\
    <PL>U1</PL></EPISODE>\n</CHILD>\n</EXPSSDA903>\n";

/// Reads the files and, if they were read, touches every cell, line and date of every table.
fn read_and_walk(files: &[(&str, &[u8])]) {
    match read(files) {
        Ok(ret) => {
            for data in ret.tables() {
                for row in data.rows() {
                    let _ = row.line();
                    for (i, column) in data.columns().iter().enumerate() {
                        let cell = data.cell_at(row.index(), i);
                        assert_eq!(row.get(column), cell);
                        let _ = row.date(column);
                    }
                }
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in errors {
                assert!(!e.problem.is_empty());
                let _ = e.to_string();
            }
        }
    }
}

/// A byte that is likely to upset a CSV or XML reader.
fn awkward_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(b','),
        Just(b'"'),
        Just(b'\n'),
        Just(b'\r'),
        Just(b'<'),
        Just(b'>'),
        Just(b'&'),
        Just(b'/'),
        Just(0u8),
        Just(0xFFu8),
        Just(0xC3u8),
        Just(0xA9u8),
        any::<u8>(),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), awkward_byte()).prop_map(|(i, b)| Mutation::Replace(i, b)),
        (any::<usize>(), awkward_byte()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len();
        match *m {
            Mutation::Replace(i, b) if len > 0 => bytes[i % len] = b,
            Mutation::Insert(i, b) => bytes.insert(i % (len + 1), b),
            Mutation::Delete(i) if len > 0 => {
                bytes.remove(i % len);
            }
            Mutation::Truncate(i) => bytes.truncate(i % (len + 1)),
            _ => {}
        }
    }
    bytes
}

/// Text for a cell: anything, but weighted towards what CSV must quote.
fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof!["[A-Z0-9/ ]{0,12}", "[,\"\r\n a-z]{0,8}", any::<String>(),]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_give_errors_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        read_and_walk(&[("any.csv", &bytes)]);
        let mut xml = b"<".to_vec();
        xml.extend_from_slice(&bytes);
        read_and_walk(&[("any.xml", &xml)]);
        read_and_walk(&[("a.csv", &bytes), ("b.csv", VALID_CSV.as_bytes())]);
    }

    #[test]
    fn mutated_csv_never_panics(mutations in proptest::collection::vec(mutation(), 1..8)) {
        let bytes = mutate(VALID_CSV.as_bytes().to_vec(), &mutations);
        read_and_walk(&[("episodes.csv", &bytes)]);
    }

    #[test]
    fn mutated_xml_never_panics(mutations in proptest::collection::vec(mutation(), 1..8)) {
        let bytes = mutate(VALID_XML.as_bytes().to_vec(), &mutations);
        read_and_walk(&[("return.xml", &bytes)]);
    }

    #[test]
    fn any_cells_written_read_back_the_same(
        rows in proptest::collection::vec(proptest::collection::vec(proptest::option::of(cell_text()), 4), 0..20),
    ) {
        let mut b = ReturnBuilder::new(year(2026));
        for cells in &rows {
            let mut row = RowBuilder::new(Table::DoLo);
            for (column, cell) in Table::DoLo.columns().iter().zip(cells) {
                row = row.set_opt(column, cell.as_deref()).unwrap();
            }
            b.push(row).unwrap();
        }
        let built = b.finish();
        let dolo = built.table(Table::DoLo).unwrap();
        let mut bytes = Vec::new();
        write_table(dolo, year(2026), &mut bytes).unwrap();
        let read = read_ok(&[("DoLo.csv", &bytes)]);
        prop_assert_eq!(read.table(Table::DoLo).unwrap(), dolo);
    }

    #[test]
    fn dates_written_read_back_the_same(days in 0i64..(366 * 200)) {
        let date = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(days as u64);
        prop_assert_eq!(parse_date(&format_date(date)), Ok(date));
    }

    #[test]
    fn parse_date_never_panics(text in any::<String>()) {
        let _ = parse_date(&text).map_err(|e| e.to_string());
    }
}

/// A record of a CSV file as an independent, byte-by-byte reading finds it: the line it starts
/// on and its cells.
#[derive(Debug)]
struct OracleRecord {
    line: u64,
    cells: Vec<Vec<u8>>,
}

/// Reads CSV the way careful's reader promises to, written separately from it as a plain state
/// machine: a double quote opens a quoted cell only at a cell's start, a doubled quote inside
/// one is a quote, a quote after a quoted cell's closing quote is kept as text, `\r`, `\n` and
/// `\r\n` end a record, and blank lines are no records. Lines are counted at `\n` (at `\r` in a
/// file with no `\n`). Gives the records and whether the file ends inside a quoted cell.
fn oracle(bytes: &[u8]) -> (Vec<OracleRecord>, bool) {
    #[derive(Clone, Copy, PartialEq)]
    enum S {
        Between,
        CellStart,
        Unquoted,
        Quoted,
        QuotedQuote,
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let line_end = if bytes.contains(&b'\r') && !bytes.contains(&b'\n') { b'\r' } else { b'\n' };
    let (mut records, mut cells, mut cell) = (Vec::new(), Vec::new(), Vec::new());
    let (mut line, mut start, mut state) = (1u64, 1u64, S::Between);
    for &b in bytes {
        let end_of_line = b == b'\r' || b == b'\n';
        if state == S::Between {
            if end_of_line {
                line += u64::from(b == line_end);
                continue;
            }
            start = line;
            state = S::CellStart;
        }
        let end_cell = |cells: &mut Vec<Vec<u8>>, cell: &mut Vec<u8>| cells.push(std::mem::take(cell));
        state = match (state, b) {
            (S::Quoted, b'"') => S::QuotedQuote,
            (S::Quoted, _) => {
                cell.push(b);
                S::Quoted
            }
            (S::CellStart, b'"') => S::Quoted,
            (S::QuotedQuote, b'"') => {
                cell.push(b'"');
                S::Quoted
            }
            (_, b',') => {
                end_cell(&mut cells, &mut cell);
                S::CellStart
            }
            (_, _) if end_of_line => {
                end_cell(&mut cells, &mut cell);
                records.push(OracleRecord { line: start, cells: std::mem::take(&mut cells) });
                S::Between
            }
            (_, _) => {
                cell.push(b);
                S::Unquoted
            }
        };
        line += u64::from(b == line_end);
    }
    let unclosed = state == S::Quoted;
    if state != S::Between {
        cells.push(cell);
        records.push(OracleRecord { line: start, cells });
    }
    (records, unclosed)
}

/// Reads `bytes` as one file and holds careful's reader to the oracle: either it reports
/// errors naming the file, or it read every record after the header as a row, on the same
/// line, with the same cells, and the file did not end inside a quoted cell.
fn matches_oracle(bytes: &[u8]) -> Result<(), TestCaseError> {
    let (records, unclosed) = oracle(bytes);
    match read(&[("reviews.csv", bytes)]) {
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            for e in &errors {
                prop_assert_eq!(&e.file, "reviews.csv");
            }
        }
        Ok(ret) => {
            prop_assert!(!unclosed, "a file ending inside a quoted cell was read without an error");
            let tables: Vec<&TableData> = ret.tables().collect();
            prop_assert_eq!(tables.len(), 1);
            let table = tables[0];
            prop_assert_eq!(table.len() + 1, records.len(), "rows read, against records in the file: {:?}", records);
            for (row, record) in table.rows().zip(&records[1..]) {
                prop_assert_eq!(row.line(), record.line, "row {} starts on another line", row.index());
                let cells: Vec<&[u8]> = row.cells().map(|c| c.unwrap_or("").as_bytes()).collect();
                let expected: Vec<&[u8]> = record.cells.iter().map(Vec::as_slice).collect();
                prop_assert_eq!(cells, expected, "row {} has other cells", row.index());
            }
        }
    }
    Ok(())
}

/// A cell of a Reviews file, as written: plain, or quoted (with its quotes doubled).
fn written_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z0-9/ ]{0,8}",
        "[A-Z0-9,\"\r\n ]{0,6}".prop_map(|text| format!("\"{}\"", text.replace('"', "\"\""))),
    ]
}

/// A well-formed Reviews file: its header row, then rows of four cells, each line ending in
/// `\r\n` or `\n`.
fn reviews_file() -> impl Strategy<Value = Vec<u8>> {
    (proptest::collection::vec(proptest::collection::vec(written_cell(), 4), 0..12), any::<bool>()).prop_map(
        |(rows, crlf)| {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("CHILD,DOB,REVIEW,REVIEW_CODE{end}");
            for row in rows {
                text.push_str(&row.join(","));
                text.push_str(end);
            }
            text.into_bytes()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn well_formed_files_are_read_row_for_row(file in reviews_file()) {
        let (records, unclosed) = oracle(&file);
        prop_assert!(!unclosed);
        let ret = read_ok(&[("reviews.csv", &file)]);
        prop_assert_eq!(ret.table(Table::Reviews).map(TableData::len), Some(records.len() - 1));
        matches_oracle(&file)?;
    }

    #[test]
    fn mutated_files_give_errors_or_every_row_exactly(
        file in reviews_file(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        matches_oracle(&mutate(file, &mutations))?;
    }

    #[test]
    fn arbitrary_bytes_after_a_header_give_errors_or_every_row_exactly(
        bytes in proptest::collection::vec(prop_oneof![awkward_byte(), Just(b'A'), Just(b'1')], 0..400),
    ) {
        let mut file = b"CHILD,DOB,REVIEW,REVIEW_CODE\n".to_vec();
        file.extend_from_slice(&bytes);
        matches_oracle(&file)?;
    }
}
