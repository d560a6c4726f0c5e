//! Fuzz target `ssda903_xml`: the reader of the `EXPSSDA903` XML form, given a synthetic
//! return with awkward changes (see [`crate::fuzz`]). `scripts/fuzz ssda903_xml` runs it for
//! ten million inputs.

use proptest::prelude::*;

use super::Table;
use super::fuzz_csv::check_read;
use crate::fuzz::{SSDA903_XML_TAGS, Tally, mutate, mutations, tag_count};

/// Two synthetic children in the `EXPSSDA903` layout, every element on a line of its own (so
/// that line mutations move whole elements): one with a review, a missing episode, a previous
/// permanence, OC2, OC3 and two episodes; one UASC child placed for adoption.
const SEED: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<EXPSSDA903>
<CHILD>
<HEADER>
<CHILDID>EM0001</CHILDID>
<UPN>A123456789012</UPN>
<SEX>2</SEX>
<DOB>14/03/2012</DOB>
<ETHNIC>WBRI</ETHNIC>
<UASC>0</UASC>
<DUC></DUC>
<IN_TOUCH>YES</IN_TOUCH>
<ACTIV>F2</ACTIV>
<ACCOM>S</ACCOM>
<MOTHER>0</MOTHER>
<AREVIEW>
<REVIEW>20/06/2025</REVIEW>
<REVIEW_CODE>PN1</REVIEW_CODE>
</AREVIEW>
<AMISSING>
<MISSING>M</MISSING>
<MIS_START>03/07/2025</MIS_START>
<MIS_END>05/07/2025</MIS_END>
</AMISSING>
<PERMANENCE>
<PREV_PERM>Z1</PREV_PERM>
<LA_PERM></LA_PERM>
<DATE_PERM></DATE_PERM>
</PERMANENCE>
<OC2>
<SDQ_SCORE>12</SDQ_SCORE>
<SDQ_REASON>SDQ1</SDQ_REASON>
<CONVICTED>0</CONVICTED>
<HEALTH_CHECK>1</HEALTH_CHECK>
<IMMUNISATIONS>1</IMMUNISATIONS>
<TEETH_CHECK>1</TEETH_CHECK>
<HEALTH_ASSESSMENT>1</HEALTH_ASSESSMENT>
<SUBSTANCE_MISUSE>0</SUBSTANCE_MISUSE>
</OC2>
</HEADER>
<EPISODE>
<DECOM>10/05/2025</DECOM>
<RNE>S</RNE>
<LS>V2</LS>
<CIN>N1</CIN>
<PL>U6</PL>
<PLACE_PROVIDER>PR1</PLACE_PROVIDER>
<HOME_POST>EM1 1AA</HOME_POST>
<PL_POST>EM2 2BB</PL_POST>
<DEC>01/08/2025</DEC>
<REC>X1</REC>
</EPISODE>
<EPISODE>
<DECOM>01/08/2025</DECOM>
<RNE>L</RNE>
<LS>C1</LS>
<CIN>N1</CIN>
<PL>K2</PL>
<URN>SC000001</URN>
<PLACE_PROVIDER>PR4</PLACE_PROVIDER>
<REASON_PLACE_CHANGE>CHILD</REASON_PLACE_CHANGE>
</EPISODE>
</CHILD>
<CHILD>
<HEADER>
<CHILDID>EM0003</CHILDID>
<SEX>1</SEX>
<DOB>05/05/2021</DOB>
<ETHNIC>MWBC</ETHNIC>
<UASC>1</UASC>
<DUC>05/05/2039</DUC>
<DATE_INT>01/09/2025</DATE_INT>
<DATE_MATCH>10/09/2025</DATE_MATCH>
<FOSTER_CARE>0</FOSTER_CARE>
<NB_ADOPTR>2</NB_ADOPTR>
<SEX_ADOPTR>MF</SEX_ADOPTR>
<LS_ADOPTR>L0</LS_ADOPTR>
<AD_PLACED>
<DATE_PLACED>15/09/2025</DATE_PLACED>
<DATE_PLACED_CEASED></DATE_PLACED_CEASED>
<REASON_PLACED_CEASED></REASON_PLACED_CEASED>
</AD_PLACED>
</HEADER>
<EPISODE>
<DECOM>01/05/2025</DECOM>
<RNE>S</RNE>
<LS>E1</LS>
<CIN>N1</CIN>
<PL>A5</PL>
<PLACE_PROVIDER>PR1</PLACE_PROVIDER>
</EPISODE>
</CHILD>
</EXPSSDA903>
";

static TALLY: Tally = Tally::new("ssda903_xml", ["refused with errors", "read", "read with every table"]);

proptest! {
    #![proptest_config(crate::fuzz::config())]

    #[test]
    fn fuzz_ssda903_xml(m in mutations(SSDA903_XML_TAGS, 4), with_csv in proptest::bool::weighted(0.02)) {
        let bytes = mutate(SEED.as_bytes().to_vec(), &m, true);
        let mut files: Vec<(&str, &[u8])> = vec![("return.xml", &bytes)];
        if with_csv {
            files.push(("header.csv", crate::fuzz::SEED_903_CSV[0].1.as_bytes()));
        }
        if let Some(ret) = check_read(&files)? {
            prop_assert!(!with_csv, "an XML file was read with a CSV file");
            let elements = tag_count(&bytes);
            prop_assert!(ret.row_count() <= elements, "{} rows from {elements} elements", ret.row_count());
            TALLY.count(if ret.tables().all(|t| !t.is_empty()) { 2 } else { 1 });
        } else {
            TALLY.count(0);
        }
    }
}

/// The seed is a return the reader reads, with a row in every table the XML form fills.
#[test]
fn the_seed_is_read_whole() {
    let ret = super::read_ok(&[("return.xml", SEED.as_bytes())]);
    for table in [Table::Header, Table::Episodes, Table::Reviews, Table::Missing, Table::Oc2, Table::Oc3] {
        assert!(ret.table(table).is_some_and(|t| !t.is_empty()), "{table:?}");
    }
    assert_eq!(ret.table(Table::Header).map(|t| t.len()), Some(2));
    assert_eq!(ret.table(Table::Episodes).map(|t| t.len()), Some(3));
}
