use chrono::NaiveDate;

use super::*;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Writes every table of a return to memory, named `<TableName>.csv`.
fn write_all(ret: &Return, year: careful_domain::calendar::CollectionYear) -> Vec<(String, Vec<u8>)> {
    ret.tables()
        .map(|data| {
            let mut bytes = Vec::new();
            write_table(data, year, &mut bytes).unwrap();
            (data.table().file_name(), bytes)
        })
        .collect()
}

fn read_back(files: &[(String, Vec<u8>)]) -> Return {
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    read_ok(&borrowed)
}

fn sample(year_start: i32) -> Return {
    let mut b = ReturnBuilder::new(year(year_start));
    b.push(
        RowBuilder::new(Table::Header)
            .set("CHILD", "EM0001")
            .unwrap()
            .set("SEX", "F")
            .unwrap()
            .date("DOB", ymd(2012, 3, 14))
            .unwrap()
            .set("ETHNIC", "WBRI")
            .unwrap()
            .set_opt("UPN", None::<&str>)
            .unwrap()
            .set("MOTHER", "0")
            .unwrap(),
    )
    .unwrap();
    b.push(
        RowBuilder::new(Table::Episodes)
            .set("CHILD", "EM0001")
            .unwrap()
            .date("DECOM", ymd(2025, 4, 1))
            .unwrap()
            .set("RNE", "S")
            .unwrap()
            .set("PLACE", "U1")
            .unwrap()
            .set("HOME_POST", "AB1 2CD")
            .unwrap()
            .date_opt("DEC", None)
            .unwrap(),
    )
    .unwrap();
    // Cells a CSV writer must quote, and text that must survive exactly.
    b.push(
        RowBuilder::new(Table::Episodes)
            .set("CHILD", "EM,0002")
            .unwrap()
            .set("RNE", "say \"P\"")
            .unwrap()
            .set("PLACE", "two\nlines")
            .unwrap()
            .set("HOME_POST", "  spaced  ")
            .unwrap()
            .set("PL_POST", "Ŵrexham ✓")
            .unwrap()
            .set("URN", "cr\ronly")
            .unwrap(),
    )
    .unwrap();
    b.push(RowBuilder::new(Table::Reviews).set("CHILD", "EM0003").unwrap()).unwrap();
    b.finish()
}

#[test]
fn writes_dfe_columns_in_canonical_order_with_crlf() {
    let ret = sample(2025);
    let mut bytes = Vec::new();
    write_table(ret.table(Table::Header).unwrap(), year(2025), &mut bytes).unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nEM0001,F,14/03/2012,WBRI,,0,\r\n"
    );
    let mut bytes = Vec::new();
    write_table(ret.table(Table::Uasc).unwrap(), year(2025), &mut bytes).unwrap();
    assert_eq!(bytes, b"CHILD,SEX,DOB,DUC\r\n", "an empty table is its header row");
    let mut bytes = Vec::new();
    write_table(ret.table(Table::Episodes).unwrap(), year(2025), &mut bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.contains("\r\n\"EM,0002\",,\"say \"\"P\"\"\",,,\"two\nlines\",,,,,  spaced  ,Ŵrexham ✓,\"cr\ronly\"\r\n"),
        "{text:?}"
    );
}

#[test]
fn writing_then_reading_gives_the_same_return() {
    let built = sample(2025);
    let files = write_all(&built, year(2025));
    assert_eq!(files.len(), 11, "every table of 2025-26, none for DoLo");
    let read = read_back(&files);
    assert_eq!(read, built, "same tables, columns, cells and line numbers");
    let episodes = read.table(Table::Episodes).unwrap();
    assert_eq!(episodes.line(1), Some(3));
    assert_eq!(episodes.cell(1, "PLACE"), Some("two\nlines"));
    // And again, from what was read.
    assert_eq!(read_back(&write_all(&read, year(2025))), read);
}

#[test]
fn a_file_in_another_column_order_is_written_in_canonical_order() {
    let ret = read_ok(&[("r.csv", b"review_code,DOB,CHILD,REVIEW\nPN1,01/01/2015,EM1,\n")]);
    let mut bytes = Vec::new();
    write_table(ret.table(Table::Reviews).unwrap(), year(2025), &mut bytes).unwrap();
    assert_eq!(bytes, b"CHILD,DOB,REVIEW,REVIEW_CODE\r\nEM1,01/01/2015,,PN1\r\n");
}

#[test]
fn writes_a_return_to_a_folder() {
    let dir = TempDir::new();
    let built = sample(2026);
    let paths = write_return_to_dir(&built, year(2026), &dir.0).unwrap();
    assert_eq!(paths.len(), 12);
    assert!(paths.iter().any(|p| p.ends_with("DoLo.csv")));
    assert!(paths.iter().any(|p| p.ends_with("SWEpisodes.csv")));
    let sources: Vec<Source<'_>> = paths.iter().map(Source::path).collect();
    let read = read_return(&sources).unwrap();
    assert_eq!(read, built);
    assert!(read.table(Table::DoLo).unwrap().file().ends_with("DoLo.csv"));

    let nowhere = dir.0.join("no-such-folder");
    let err = write_return_to_dir(&built, year(2026), &nowhere).unwrap_err();
    assert!(err.to_string().starts_with("could not write "), "{err}");
}

#[test]
fn a_table_the_year_does_not_collect_is_refused() {
    let dolo = read_ok(&[("d.csv", b"CHILD,DOB,DOLO_START,DOLO_END\nEM1,01/01/2015,01/05/2025,\n")]);
    let err = write_table(dolo.table(Table::DoLo).unwrap(), year(2025), Vec::new()).unwrap_err();
    assert_eq!(err.to_string(), "the DoLo table is collected from 2026-27, so it cannot be part of the 2025-26 return");
    let dir = TempDir::new();
    assert!(matches!(
        write_return_to_dir(&dolo, year(2025), &dir.0),
        Err(WriteError::NotInYear { table: Table::DoLo, .. })
    ));
    let empty = read_ok(&[("d.csv", b"CHILD,DOB,DOLO_START,DOLO_END\n")]);
    assert_eq!(write_return_to_dir(&empty, year(2025), &dir.0).unwrap(), Vec::<std::path::PathBuf>::new());
}

#[test]
fn builders_refuse_what_dfe_does_not_collect() {
    let err = RowBuilder::new(Table::Episodes).set("PLACEMENT", "U1").unwrap_err();
    assert_eq!(err, BuildError::UnknownColumn { table: Table::Episodes, column: "PLACEMENT".into() });
    assert!(
        err.to_string().starts_with("the Episodes table has no column \"PLACEMENT\"; its columns are CHILD, DECOM")
    );

    let mut b = ReturnBuilder::new(year(2025));
    let err = b.push(RowBuilder::new(Table::DoLo)).unwrap_err();
    assert_eq!(err.to_string(), "the DoLo table is collected from 2026-27, so the 2025-26 return has none");
    assert_eq!(b.year(), year(2025));

    let row = RowBuilder::new(Table::Reviews).set("review", "01/05/2025").unwrap().set("CHILD", "").unwrap();
    assert_eq!(row.get("REVIEW"), Some("01/05/2025"), "column names without regard to case");
    assert_eq!(row.get("CHILD"), None, "an empty value is a blank");
    assert_eq!(row.table(), Table::Reviews);
}

#[test]
fn a_built_return_has_every_table_of_its_year() {
    let ret = ReturnBuilder::new(year(2022)).finish();
    assert_eq!(ret.tables().count(), 10, "no SWEpisodes before 2023-24, no DoLo before 2026-27");
    assert_eq!(ret.format(), Format::Csv);
    assert_eq!(ret.table(Table::Header).unwrap().file(), "Header.csv");
}
