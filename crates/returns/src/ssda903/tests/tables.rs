use std::collections::BTreeSet;

use super::*;

#[test]
fn tables_have_dfe_names_and_column_sets() {
    let names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
    assert_eq!(
        names,
        [
            "Header",
            "Episodes",
            "Reviews",
            "UASC",
            "OC2",
            "OC3",
            "AD1",
            "PlacedAdoption",
            "PrevPerm",
            "Missing",
            "SWEpisodes",
            "DoLo"
        ]
    );
    assert_eq!(Table::Header.columns(), ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]);
    assert_eq!(Table::Episodes.columns().len(), 13);
    assert_eq!(Table::Oc2.columns().len(), 12);
    assert_eq!(Table::DoLo.columns(), ["CHILD", "DOB", "DOLO_START", "DOLO_END"]);
    for t in Table::ALL {
        assert_eq!(t.index(), Table::ALL.iter().position(|&u| u == t).unwrap());
        assert_eq!(t.columns()[0], "CHILD", "{t} starts with CHILD");
        let set: BTreeSet<&str> = t.columns().iter().copied().collect();
        assert_eq!(set.len(), t.columns().len(), "{t} names a column twice");
    }
}

#[test]
fn no_two_tables_share_a_column_set() {
    // Recognition by header set relies on it.
    let sets: Vec<BTreeSet<&str>> = Table::ALL.iter().map(|t| t.columns().iter().copied().collect()).collect();
    for (i, a) in sets.iter().enumerate() {
        for b in &sets[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn names_read_without_regard_to_case() {
    assert_eq!(Table::from_name("uasc"), Some(Table::Uasc));
    assert_eq!("SWEpisodes".parse::<Table>(), Ok(Table::SwEpisodes));
    assert_eq!(" placedadoption ".parse::<Table>(), Ok(Table::PlacedAdoption));
    let err = "Episode".parse::<Table>().unwrap_err();
    assert!(err.to_string().contains("\"Episode\" is not an SSDA903 table"), "{err}");
    assert_eq!(Table::Oc2.to_string(), "OC2");
    assert_eq!(Table::Uasc.file_name(), "UASC.csv");
    assert!(Table::Episodes.has_column("decom"));
    assert_eq!(Table::Episodes.column_position("URN"), Some(12));
}

#[test]
fn dolo_is_collected_from_2026_27_and_social_workers_from_2023_24() {
    assert!(!Table::DoLo.exists_in(year(2025)));
    assert!(Table::DoLo.exists_in(year(2026)));
    assert!(!Table::SwEpisodes.exists_in(year(2022)));
    assert!(Table::SwEpisodes.exists_in(year(2023)));
    assert!(Table::Header.exists_in(year(2015)));
    assert_eq!(Table::in_year(year(2025)).count(), 11);
    assert_eq!(Table::in_year(year(2026)).count(), 12);
    assert_eq!(Table::DoLo.first_year().map(|y| y.to_string()), Some("2026-27".to_string()));
}
