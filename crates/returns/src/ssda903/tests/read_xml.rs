use super::*;

/// A small hand-written, entirely synthetic return in the EXPSSDA903 layout.
const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- synthetic test data -->
<EXPSSDA903>
  <CHILD>
    <HEADER>
      <CHILDID>EM0001</CHILDID>
      <UPN>A123456789012</UPN>
      <SEX>F</SEX>
      <DOB>14/03/2012</DOB>
      <ETHNIC>WBRI</ETHNIC>
      <UASC>1</UASC>
      <DUC>01/02/2026</DUC>
      <AMISSING>
        <MISSING>M</MISSING>
        <MIS_START>03/05/2025</MIS_START>
        <MIS_END>04/05/2025</MIS_END>
      </AMISSING>
      <AREVIEW>
        <REVIEW>10/06/2025</REVIEW>
        <REVIEW_CODE>PN1</REVIEW_CODE>
      </AREVIEW>
      <AREVIEW>
        <REVIEW>10/12/2025</REVIEW>
        <REVIEW_CODE>PN0</REVIEW_CODE>
      </AREVIEW>
      <MOTHER>0</MOTHER>
      <MC_DOB></MC_DOB>
      <PERMANENCE>
        <PREV_PERM>Z1</PREV_PERM>
        <LA_PERM/>
        <DATE_PERM>zz/05/2020</DATE_PERM>
      </PERMANENCE>
      <OC2>
        <SDQ_SCORE>12</SDQ_SCORE>
        <SDQ_REASON/>
        <CONVICTED>0</CONVICTED>
        <HEALTH_CHECK>1</HEALTH_CHECK>
        <IMMUNISATIONS>1</IMMUNISATIONS>
        <TEETH_CHECK>1</TEETH_CHECK>
        <HEALTH_ASSESSMENT>1</HEALTH_ASSESSMENT>
        <SUBSTANCE_MISUSE>0</SUBSTANCE_MISUSE>
        <INTERVENTION_RECEIVED/>
        <INTERVENTION_OFFERED/>
      </OC2>
      <AD_PLACED>
        <DATE_PLACED>01/09/2025</DATE_PLACED>
        <DATE_PLACED_CEASED/>
        <REASON_PLACED_CEASED/>
      </AD_PLACED>
    </HEADER>
    <EPISODE>
      <DECOM>01/04/2025</DECOM>
      <RNE>S</RNE>
      <LS>C2</LS>
      <CIN>N1</CIN>
      <PL>U1</PL>
      <PL_POST>AB3 4EF</PL_POST>
      <HOME_POST>AB1 2CD</HOME_POST>
      <URN>SC000001</URN>
      <PLACE_PROVIDER>PR1</PLACE_PROVIDER>
      <DEC>01/10/2025</DEC>
      <REC>X1</REC>
      <REASON_PLACE_CHANGE>CARPL</REASON_PLACE_CHANGE>
    </EPISODE>
    <EPISODE>
      <DECOM>01/10/2025</DECOM>
      <RNE>P</RNE>
      <LS>C2</LS>
      <CIN>N1</CIN>
      <PL>U3</PL>
      <URN>XXXXXXX</URN>
      <PLACE_PROVIDER>PR2</PLACE_PROVIDER>
    </EPISODE>
  </CHILD>
  <CHILD>
    <HEADER>
      <CHILDID>EM&amp;0002</CHILDID>
      <SEX>M</SEX>
      <DOB>01/01/2007</DOB>
      <ETHNIC>MWBC</ETHNIC>
      <UASC>0</UASC>
      <DATE_INT>01/06/2025</DATE_INT>
      <DATE_MATCH>01/07/2025</DATE_MATCH>
      <IN_TOUCH>YES</IN_TOUCH>
      <ACTIV>F1</ACTIV>
      <ACCOM><![CDATA[B1]]></ACCOM>
    </HEADER>
  </CHILD>
</EXPSSDA903>
"#;

fn line_of(needle: &str, nth: usize) -> u64 {
    let at = SAMPLE.match_indices(needle).nth(nth).expect("in the sample").0;
    1 + SAMPLE[..at].matches('\n').count() as u64
}

fn xml_err(xml: &str) -> ReadError {
    let errors = read_err(&[("return.xml", xml.as_bytes())]);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn reads_the_xml_form_into_the_csv_tables() {
    let ret = read_ok(&[("return.xml", SAMPLE.as_bytes())]);
    assert_eq!(ret.format(), Format::Xml);
    let names: Vec<Table> = ret.tables().map(TableData::table).collect();
    assert_eq!(
        names,
        [
            Table::Header,
            Table::Episodes,
            Table::Reviews,
            Table::Uasc,
            Table::Oc2,
            Table::Oc3,
            Table::Ad1,
            Table::PlacedAdoption,
            Table::PrevPerm,
            Table::Missing
        ],
        "no SWEpisodes or DoLo: the XML layout has none"
    );

    let header = ret.table(Table::Header).unwrap();
    assert_eq!(header.columns(), ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB", "UASC"]);
    assert_eq!(
        cells(header),
        [
            ["EM0001", "F", "14/03/2012", "WBRI", "A123456789012", "0", "", "1"].map(opt),
            ["EM&0002", "M", "01/01/2007", "MWBC", "", "", "", "0"].map(opt),
        ]
    );
    assert_eq!(header.line(0), Some(line_of("<HEADER>", 0)));
    assert_eq!(header.line(1), Some(line_of("<HEADER>", 1)));

    let episodes = ret.table(Table::Episodes).unwrap();
    assert_eq!(episodes.columns(), Table::Episodes.columns());
    assert_eq!(episodes.len(), 2);
    assert_eq!(episodes.cell(0, "CHILD"), Some("EM0001"), "CHILDID becomes CHILD");
    assert_eq!(episodes.cell(0, "PLACE"), Some("U1"), "PL becomes PLACE");
    assert_eq!(episodes.cell(0, "HOME_POST"), Some("AB1 2CD"));
    assert_eq!(episodes.cell(1, "DEC"), None);
    assert_eq!(episodes.cell(1, "URN"), Some("XXXXXXX"));
    assert_eq!(episodes.line(1), Some(line_of("<EPISODE>", 1)));

    let reviews = ret.table(Table::Reviews).unwrap();
    assert_eq!(
        cells(reviews),
        [
            ["EM0001", "14/03/2012", "10/06/2025", "PN1"].map(opt),
            ["EM0001", "14/03/2012", "10/12/2025", "PN0"].map(opt)
        ],
        "the child's CHILD and DOB are copied into every row"
    );
    assert_eq!(reviews.line(1), Some(line_of("<AREVIEW>", 1)));

    let uasc = ret.table(Table::Uasc).unwrap();
    assert_eq!(cells(uasc), [["EM0001", "F", "14/03/2012", "01/02/2026"].map(opt)], "UASC 0 makes no UASC row");
    assert_eq!(uasc.line(0), Some(line_of("<UASC>", 0)));

    let oc3 = ret.table(Table::Oc3).unwrap();
    assert_eq!(cells(oc3), [["EM&0002", "01/01/2007", "YES", "F1", "B1"].map(opt)]);
    let ad1 = ret.table(Table::Ad1).unwrap();
    assert_eq!(cells(ad1), [["EM&0002", "01/01/2007", "01/06/2025", "01/07/2025", "", "", "", ""].map(opt)]);
    assert_eq!(ad1.line(0), Some(line_of("<DATE_INT>", 0)));

    let missing = ret.table(Table::Missing).unwrap();
    assert_eq!(cells(missing), [["EM0001", "14/03/2012", "M", "03/05/2025", "04/05/2025"].map(opt)]);
    let prev_perm = ret.table(Table::PrevPerm).unwrap();
    assert_eq!(cells(prev_perm), [["EM0001", "14/03/2012", "Z1", "", "zz/05/2020"].map(opt)]);
    let oc2 = ret.table(Table::Oc2).unwrap();
    assert_eq!(oc2.cell(0, "SDQ_SCORE"), Some("12"));
    assert_eq!(oc2.cell(0, "SUBSTANCE_MISUSE"), Some("0"));
    assert_eq!(oc2.cell(0, "SDQ_REASON"), None);
    let placed = ret.table(Table::PlacedAdoption).unwrap();
    assert_eq!(cells(placed), [["EM0001", "14/03/2012", "01/09/2025", "", ""].map(opt)]);
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

#[test]
fn a_date_uasc_ceased_is_kept_even_beside_uasc_0() {
    let xml = "<EXPSSDA903><CHILD><HEADER><CHILDID>1</CHILDID><UASC>0</UASC><DUC>01/01/2026</DUC></HEADER></CHILD></EXPSSDA903>";
    let ret = read_ok(&[("r.xml", xml.as_bytes())]);
    assert_eq!(ret.table(Table::Uasc).unwrap().cell(0, "DUC"), Some("01/01/2026"));
}

#[test]
fn an_empty_return_has_empty_tables() {
    let ret = read_ok(&[("r.xml", b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<EXPSSDA903/>\n")]);
    assert_eq!(ret.tables().count(), 10);
    assert_eq!(ret.row_count(), 0);
}

#[test]
fn the_xml_form_written_as_csv_reads_back_the_same() {
    let from_xml = read_ok(&[("return.xml", SAMPLE.as_bytes())]);
    let mut files = Vec::new();
    for data in from_xml.tables() {
        let mut bytes = Vec::new();
        write_table(data, year(2025), &mut bytes).unwrap();
        files.push((data.table().file_name(), bytes));
    }
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let from_csv = read_ok(&borrowed);
    for data in from_xml.tables() {
        let csv = from_csv.table(data.table()).unwrap();
        for row in data.rows() {
            for column in data.table().columns() {
                assert_eq!(csv.cell(row.index(), column), row.get(column), "{} {column}", data.table());
            }
        }
        assert_eq!(csv.len(), data.len());
    }
}

#[test]
fn malformed_xml_is_reported_with_its_line() {
    let e = xml_err("<EXPSSDA903>\n  <CHILD>\n    <HEADER>\n      <CHILDID>1</CHILDIDX>\n");
    assert_eq!((e.kind, e.line), (ReadErrorKind::Xml, Some(4)));
    assert!(e.problem.starts_with("the XML is not well formed"), "{e}");

    let e = xml_err("<EXPSSDA903>\n  <CHILD>\n    <HEADER>\n      <CHILDID>1</CHILDID>\n");
    assert_eq!(e.kind, ReadErrorKind::Xml);
    assert!(e.problem.contains("cut short"), "{e}");

    let e = xml_err("<EXPSSDA903>\n<CHILD><HEADER><CHILDID>&nbsp;</CHILDID></HEADER></CHILD></EXPSSDA903>");
    assert_eq!(e.line, Some(2));
    assert!(e.problem.contains("&nbsp;"), "{e}");
}

#[test]
fn a_cin_census_is_not_an_ssda903_return() {
    let e = xml_err("<?xml version=\"1.0\"?>\n<Message><Header/></Message>");
    assert_eq!((e.kind, e.line), (ReadErrorKind::Xml, Some(2)));
    assert!(e.problem.contains("looks like a Children in Need census"), "{e}");
}

#[test]
fn an_element_the_layout_does_not_have_is_an_error_not_dropped() {
    let xml = "<EXPSSDA903>\n<CHILD>\n<HEADER><CHILDID>1</CHILDID></HEADER>\n<EPISODE>\n<DECOM>01/04/2025</DECOM>\n<PLACEMENT>U1</PLACEMENT>\n</EPISODE></CHILD></EXPSSDA903>";
    let e = xml_err(xml);
    assert_eq!((e.kind, e.line), (ReadErrorKind::Xml, Some(6)));
    assert!(e.problem.starts_with("<PLACEMENT> is not an element of <EPISODE>"), "{e}");
    assert!(e.problem.contains("<PL>"), "{e}");

    let e = xml_err("<EXPSSDA903><CHILD><HEADER><CHILDID>1</CHILDID></HEADER><SWEPISODE/></CHILD></EXPSSDA903>");
    assert!(e.problem.starts_with("<SWEPISODE> is not an element of <CHILD>"), "{e}");
}

#[test]
fn structural_mistakes_are_reported() {
    let e = xml_err("<EXPSSDA903>\n<CHILD>\n<EPISODE><DECOM>01/04/2025</DECOM></EPISODE>\n</CHILD></EXPSSDA903>");
    assert_eq!(e.line, Some(2));
    assert!(e.problem.contains("has no <HEADER>"), "{e}");

    let e =
        xml_err("<EXPSSDA903><CHILD><HEADER><CHILDID>1</CHILDID>\n<CHILDID>2</CHILDID></HEADER></CHILD></EXPSSDA903>");
    assert_eq!(e.line, Some(2));
    assert!(e.problem.contains("second <CHILDID>"), "{e}");

    let e = xml_err("<EXPSSDA903><CHILD><HEADER><CHILDID>1<UPN>x</UPN></CHILDID></HEADER></CHILD></EXPSSDA903>");
    assert!(e.problem.contains("<CHILDID> (line 1) should hold only text, but holds <UPN>"), "{e}");

    let e = xml_err("<EXPSSDA903><CHILD><HEADER><CHILDID>1</CHILDID>stray</HEADER></CHILD></EXPSSDA903>");
    assert!(e.problem.contains("holds text outside its elements"), "{e}");

    let e = xml_err("<EXPSSDA903></EXPSSDA903><EXPSSDA903/>");
    assert!(e.problem.contains("follows the end of <EXPSSDA903>"), "{e}");
}

#[test]
fn xml_that_is_not_utf8_is_reported_with_its_line() {
    let e = xml_err("<EXPSSDA903>\n<CHILD><HEADER><CHILDID>J\u{0}</CHILDID></HEADER></CHILD></EXPSSDA903>");
    assert_eq!(e.kind, ReadErrorKind::Encoding, "a NUL byte suggests UTF-16");
    let errors =
        read_err(&[("r.xml", b"<EXPSSDA903>\n<CHILD><HEADER><CHILDID>J\xE9</CHILDID></HEADER></CHILD></EXPSSDA903>")]);
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].kind, errors[0].line), (ReadErrorKind::Encoding, Some(2)));
    assert!(errors[0].problem.contains("Latin-1"), "{}", errors[0]);
}
