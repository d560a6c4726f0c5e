//! Loading a large council's return. Timings are printed, never asserted; run with
//! `cargo test -p careful-returns --release -- --ignored --nocapture scale`.

use std::time::Instant;

use super::*;

/// A synthetic return for `children` children: about 4.7 rows per child across the tables.
fn synthetic_files(children: usize) -> Vec<(String, Vec<u8>)> {
    let mut b = ReturnBuilder::new(year(2025));
    for i in 0..children {
        let child = format!("EM{i:07}");
        let row = |t: Table| RowBuilder::new(t).set("CHILD", &child).unwrap();
        b.push(
            row(Table::Header)
                .set("SEX", "F")
                .unwrap()
                .set("DOB", "14/03/2012")
                .unwrap()
                .set("ETHNIC", "WBRI")
                .unwrap()
                .set("UPN", "A123456789012")
                .unwrap(),
        )
        .unwrap();
        for e in 0..2 {
            b.push(
                row(Table::Episodes)
                    .set("DECOM", format!("0{}/04/2025", e + 1))
                    .unwrap()
                    .set("RNE", "P")
                    .unwrap()
                    .set("LS", "C2")
                    .unwrap()
                    .set("CIN", "N1")
                    .unwrap()
                    .set("PLACE", "U1")
                    .unwrap()
                    .set("PLACE_PROVIDER", "PR1")
                    .unwrap()
                    .set("HOME_POST", "AB1 2CD")
                    .unwrap()
                    .set("PL_POST", "AB3 4EF")
                    .unwrap()
                    .set("URN", "SC000001")
                    .unwrap(),
            )
            .unwrap();
        }
        for r in 0..5 {
            b.push(
                row(Table::Reviews)
                    .set("DOB", "14/03/2012")
                    .unwrap()
                    .set("REVIEW", format!("1{r}/06/2025"))
                    .unwrap()
                    .set("REVIEW_CODE", "PN1")
                    .unwrap(),
            )
            .unwrap();
        }
        b.push(
            row(Table::Oc2)
                .set("DOB", "14/03/2012")
                .unwrap()
                .set("SDQ_SCORE", "12")
                .unwrap()
                .set("CONVICTED", "0")
                .unwrap(),
        )
        .unwrap();
        b.push(row(Table::PrevPerm).set("DOB", "14/03/2012").unwrap().set("PREV_PERM", "Z1").unwrap()).unwrap();
    }
    let ret = b.finish();
    ret.tables()
        .map(|data| {
            let mut bytes = Vec::new();
            write_table(data, year(2025), &mut bytes).unwrap();
            (data.table().file_name(), bytes)
        })
        .collect()
}

#[test]
fn a_small_council_loads() {
    let files = synthetic_files(200);
    let ret = read_back(&files);
    assert_eq!(ret.table(Table::Header).unwrap().len(), 200);
    assert_eq!(ret.row_count(), 200 * 10);
}

fn read_back(files: &[(String, Vec<u8>)]) -> Return {
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    read_ok(&borrowed)
}

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn scale_27000_children() {
    let files = synthetic_files(27_000);
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let started = Instant::now();
    let ret = read_back(&files);
    let elapsed = started.elapsed();
    println!(
        "27,000 children: {} rows, {:.1} MB of CSV, read in {:.0} ms, held in {:.1} MB",
        ret.row_count(),
        bytes as f64 / 1e6,
        elapsed.as_secs_f64() * 1e3,
        ret.heap_size() as f64 / 1e6
    );
    let dir = TempDir::new();
    for (name, b) in &files {
        std::fs::write(dir.0.join(name), b).unwrap();
    }
    let paths: Vec<std::path::PathBuf> = files.iter().map(|(n, _)| dir.0.join(n)).collect();
    let sources: Vec<Source<'_>> = paths.iter().map(Source::path).collect();
    let started = Instant::now();
    let from_disk = read_return(&sources).unwrap();
    println!("from disk: read in {:.0} ms", started.elapsed().as_secs_f64() * 1e3);
    assert_eq!(from_disk, ret);
}

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn scale_27000_children_xml() {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<EXPSSDA903>\n");
    for i in 0..27_000 {
        xml.push_str(&format!(
            "<CHILD>\n<HEADER>\n<CHILDID>EM{i:07}</CHILDID>\n<UPN>A123456789012</UPN>\n<SEX>F</SEX>\n<DOB>14/03/2012</DOB>\n\
             <ETHNIC>WBRI</ETHNIC>\n<UASC>0</UASC>\n"
        ));
        for r in 0..5 {
            xml.push_str(&format!(
                "<AREVIEW>\n<REVIEW>1{r}/06/2025</REVIEW>\n<REVIEW_CODE>PN1</REVIEW_CODE>\n</AREVIEW>\n"
            ));
        }
        xml.push_str("<MOTHER>0</MOTHER>\n<PERMANENCE><PREV_PERM>Z1</PREV_PERM></PERMANENCE>\n<OC2><SDQ_SCORE>12</SDQ_SCORE><CONVICTED>0</CONVICTED></OC2>\n</HEADER>\n");
        for e in 0..2 {
            xml.push_str(&format!(
                "<EPISODE>\n<DECOM>0{}/04/2025</DECOM>\n<RNE>P</RNE>\n<LS>C2</LS>\n<CIN>N1</CIN>\n<PL>U1</PL>\n<PL_POST>AB3 4EF</PL_POST>\n\
                 <HOME_POST>AB1 2CD</HOME_POST>\n<URN>SC000001</URN>\n<PLACE_PROVIDER>PR1</PLACE_PROVIDER>\n</EPISODE>\n",
                e + 1
            ));
        }
        xml.push_str("</CHILD>\n");
    }
    xml.push_str("</EXPSSDA903>\n");
    let started = Instant::now();
    let ret = read_ok(&[("return.xml", xml.as_bytes())]);
    println!(
        "27,000 children as XML: {} rows, {:.1} MB, read in {:.0} ms",
        ret.row_count(),
        xml.len() as f64 / 1e6,
        started.elapsed().as_secs_f64() * 1e3
    );
    assert_eq!(ret.table(Table::Reviews).unwrap().len(), 135_000);
}
