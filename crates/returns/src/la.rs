//! England's local authorities with children's services, by the codes careful meets them by:
//! the ONS's nine-character GSS codes (`E09000027`, what DfE calls the "new" LA code) and DfE's
//! three-digit LA numbers (`318`, the "old" LA code of the 903's `LA_PERM`).
//!
//! [`AUTHORITIES`] is the 153 authorities in force since 1 April 2023 (with Barnsley's and
//! Sheffield's codes as reissued on 1 April 2025); [`FORMER`] the codes no longer in force since
//! the 2019 reorganisations, each with the authority that took over its area where one did
//! (counties split between two unitaries have none; their districts say which). The April 2023
//! unitaries are Cumberland (`E06000063`, 942), Westmorland and Furness (`E06000064`, 943), North
//! Yorkshire (`E06000065`, 815) and Somerset (`E06000066`, 933).
//!
//! An ONS postcode directory names a postcode's lower-tier authority (district) and county;
//! DfE's `PL_LA` is the upper tier, the council with children's services. [`current_code`]
//! follows a former code to its successor, so that an older directory, or a council still
//! quoting its old code, is compared on today's boundaries.

/// One local authority with children's services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authority {
    /// The GSS code, such as `E09000027`.
    pub code: &'static str,
    /// DfE's three-digit LA number, such as `318`.
    pub number: &'static str,
    pub name: &'static str,
}

/// A code no longer in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Former {
    pub code: &'static str,
    /// DfE's number, for a former authority with children's services (not for districts).
    pub number: Option<&'static str>,
    pub name: &'static str,
    /// The year from whose 1 April the code was no longer used.
    pub until: u16,
    /// The code of the authority that took over the whole area, if one did.
    pub successor: Option<&'static str>,
}

const fn la(code: &'static str, number: &'static str, name: &'static str) -> Authority {
    Authority { code, number, name }
}

/// The 153 local authorities with children's services in England, by GSS code.
pub const AUTHORITIES: &[Authority] = &[
    // Unitary authorities.
    la("E06000001", "805", "Hartlepool"),
    la("E06000002", "806", "Middlesbrough"),
    la("E06000003", "807", "Redcar and Cleveland"),
    la("E06000004", "808", "Stockton-on-Tees"),
    la("E06000005", "841", "Darlington"),
    la("E06000006", "876", "Halton"),
    la("E06000007", "877", "Warrington"),
    la("E06000008", "889", "Blackburn with Darwen"),
    la("E06000009", "890", "Blackpool"),
    la("E06000010", "810", "Kingston upon Hull, City of"),
    la("E06000011", "811", "East Riding of Yorkshire"),
    la("E06000012", "812", "North East Lincolnshire"),
    la("E06000013", "813", "North Lincolnshire"),
    la("E06000014", "816", "York"),
    la("E06000015", "831", "Derby"),
    la("E06000016", "856", "Leicester"),
    la("E06000017", "857", "Rutland"),
    la("E06000018", "892", "Nottingham"),
    la("E06000019", "884", "Herefordshire, County of"),
    la("E06000020", "894", "Telford and Wrekin"),
    la("E06000021", "861", "Stoke-on-Trent"),
    la("E06000022", "800", "Bath and North East Somerset"),
    la("E06000023", "801", "Bristol, City of"),
    la("E06000024", "802", "North Somerset"),
    la("E06000025", "803", "South Gloucestershire"),
    la("E06000026", "879", "Plymouth"),
    la("E06000027", "880", "Torbay"),
    la("E06000030", "866", "Swindon"),
    la("E06000031", "874", "Peterborough"),
    la("E06000032", "821", "Luton"),
    la("E06000033", "882", "Southend-on-Sea"),
    la("E06000034", "883", "Thurrock"),
    la("E06000035", "887", "Medway"),
    la("E06000036", "867", "Bracknell Forest"),
    la("E06000037", "869", "West Berkshire"),
    la("E06000038", "870", "Reading"),
    la("E06000039", "871", "Slough"),
    la("E06000040", "868", "Windsor and Maidenhead"),
    la("E06000041", "872", "Wokingham"),
    la("E06000042", "826", "Milton Keynes"),
    la("E06000043", "846", "Brighton and Hove"),
    la("E06000044", "851", "Portsmouth"),
    la("E06000045", "852", "Southampton"),
    la("E06000046", "921", "Isle of Wight"),
    la("E06000047", "840", "County Durham"),
    la("E06000049", "895", "Cheshire East"),
    la("E06000050", "896", "Cheshire West and Chester"),
    la("E06000051", "893", "Shropshire"),
    la("E06000052", "908", "Cornwall"),
    la("E06000053", "420", "Isles of Scilly"),
    la("E06000054", "865", "Wiltshire"),
    la("E06000055", "822", "Bedford"),
    la("E06000056", "823", "Central Bedfordshire"),
    la("E06000057", "929", "Northumberland"),
    la("E06000058", "839", "Bournemouth, Christchurch and Poole"),
    la("E06000059", "838", "Dorset"),
    la("E06000060", "825", "Buckinghamshire"),
    la("E06000061", "940", "North Northamptonshire"),
    la("E06000062", "941", "West Northamptonshire"),
    la("E06000063", "942", "Cumberland"),
    la("E06000064", "943", "Westmorland and Furness"),
    la("E06000065", "815", "North Yorkshire"),
    la("E06000066", "933", "Somerset"),
    // Metropolitan districts.
    la("E08000001", "350", "Bolton"),
    la("E08000002", "351", "Bury"),
    la("E08000003", "352", "Manchester"),
    la("E08000004", "353", "Oldham"),
    la("E08000005", "354", "Rochdale"),
    la("E08000006", "355", "Salford"),
    la("E08000007", "356", "Stockport"),
    la("E08000008", "357", "Tameside"),
    la("E08000009", "358", "Trafford"),
    la("E08000010", "359", "Wigan"),
    la("E08000011", "340", "Knowsley"),
    la("E08000012", "341", "Liverpool"),
    la("E08000013", "342", "St. Helens"),
    la("E08000014", "343", "Sefton"),
    la("E08000015", "344", "Wirral"),
    la("E08000017", "371", "Doncaster"),
    la("E08000018", "372", "Rotherham"),
    la("E08000021", "391", "Newcastle upon Tyne"),
    la("E08000022", "392", "North Tyneside"),
    la("E08000023", "393", "South Tyneside"),
    la("E08000024", "394", "Sunderland"),
    la("E08000025", "330", "Birmingham"),
    la("E08000026", "331", "Coventry"),
    la("E08000027", "332", "Dudley"),
    la("E08000028", "333", "Sandwell"),
    la("E08000029", "334", "Solihull"),
    la("E08000030", "335", "Walsall"),
    la("E08000031", "336", "Wolverhampton"),
    la("E08000032", "380", "Bradford"),
    la("E08000033", "381", "Calderdale"),
    la("E08000034", "382", "Kirklees"),
    la("E08000035", "383", "Leeds"),
    la("E08000036", "384", "Wakefield"),
    la("E08000037", "390", "Gateshead"),
    la("E08000038", "370", "Barnsley"),
    la("E08000039", "373", "Sheffield"),
    // London boroughs and the City of London.
    la("E09000001", "201", "City of London"),
    la("E09000002", "301", "Barking and Dagenham"),
    la("E09000003", "302", "Barnet"),
    la("E09000004", "303", "Bexley"),
    la("E09000005", "304", "Brent"),
    la("E09000006", "305", "Bromley"),
    la("E09000007", "202", "Camden"),
    la("E09000008", "306", "Croydon"),
    la("E09000009", "307", "Ealing"),
    la("E09000010", "308", "Enfield"),
    la("E09000011", "203", "Greenwich"),
    la("E09000012", "204", "Hackney"),
    la("E09000013", "205", "Hammersmith and Fulham"),
    la("E09000014", "309", "Haringey"),
    la("E09000015", "310", "Harrow"),
    la("E09000016", "311", "Havering"),
    la("E09000017", "312", "Hillingdon"),
    la("E09000018", "313", "Hounslow"),
    la("E09000019", "206", "Islington"),
    la("E09000020", "207", "Kensington and Chelsea"),
    la("E09000021", "314", "Kingston upon Thames"),
    la("E09000022", "208", "Lambeth"),
    la("E09000023", "209", "Lewisham"),
    la("E09000024", "315", "Merton"),
    la("E09000025", "316", "Newham"),
    la("E09000026", "317", "Redbridge"),
    la("E09000027", "318", "Richmond upon Thames"),
    la("E09000028", "210", "Southwark"),
    la("E09000029", "319", "Sutton"),
    la("E09000030", "211", "Tower Hamlets"),
    la("E09000031", "320", "Waltham Forest"),
    la("E09000032", "212", "Wandsworth"),
    la("E09000033", "213", "Westminster"),
    // Counties.
    la("E10000003", "873", "Cambridgeshire"),
    la("E10000007", "830", "Derbyshire"),
    la("E10000008", "878", "Devon"),
    la("E10000011", "845", "East Sussex"),
    la("E10000012", "881", "Essex"),
    la("E10000013", "916", "Gloucestershire"),
    la("E10000014", "850", "Hampshire"),
    la("E10000015", "919", "Hertfordshire"),
    la("E10000016", "886", "Kent"),
    la("E10000017", "888", "Lancashire"),
    la("E10000018", "855", "Leicestershire"),
    la("E10000019", "925", "Lincolnshire"),
    la("E10000020", "926", "Norfolk"),
    la("E10000024", "891", "Nottinghamshire"),
    la("E10000025", "931", "Oxfordshire"),
    la("E10000028", "860", "Staffordshire"),
    la("E10000029", "935", "Suffolk"),
    la("E10000030", "936", "Surrey"),
    la("E10000031", "937", "Warwickshire"),
    la("E10000032", "938", "West Sussex"),
    la("E10000034", "885", "Worcestershire"),
];

const fn gone(
    code: &'static str,
    number: Option<&'static str>,
    name: &'static str,
    until: u16,
    successor: Option<&'static str>,
) -> Former {
    Former { code, number, name, until, successor }
}

/// Codes no longer in force since the 2019 reorganisations (and a few recodings before), with
/// the authority that took over.
pub const FORMER: &[Former] = &[
    // Authorities with children's services.
    gone("E08000020", Some("390"), "Gateshead (before its 2013 recoding)", 2013, Some("E08000037")),
    gone("E06000048", Some("929"), "Northumberland (before its recoding)", 2020, Some("E06000057")),
    gone("E06000028", Some("837"), "Bournemouth", 2019, Some("E06000058")),
    gone("E06000029", Some("836"), "Poole", 2019, Some("E06000058")),
    gone("E10000009", Some("835"), "Dorset County Council", 2019, None),
    gone("E10000002", Some("825"), "Buckinghamshire County Council", 2020, Some("E06000060")),
    gone("E10000021", Some("928"), "Northamptonshire", 2021, None),
    gone("E10000006", Some("909"), "Cumbria", 2023, None),
    gone("E10000023", Some("815"), "North Yorkshire County Council", 2023, Some("E06000065")),
    gone("E10000027", Some("933"), "Somerset County Council", 2023, Some("E06000066")),
    gone("E08000016", Some("370"), "Barnsley (before its 2025 recoding)", 2025, Some("E08000038")),
    gone("E08000019", Some("373"), "Sheffield (before its 2025 recoding)", 2025, Some("E08000039")),
    // Districts merged into unitary authorities.
    gone("E07000048", None, "Christchurch", 2019, Some("E06000058")),
    gone("E07000049", None, "East Dorset", 2019, Some("E06000059")),
    gone("E07000050", None, "North Dorset", 2019, Some("E06000059")),
    gone("E07000051", None, "Purbeck", 2019, Some("E06000059")),
    gone("E07000052", None, "West Dorset", 2019, Some("E06000059")),
    gone("E07000053", None, "Weymouth and Portland", 2019, Some("E06000059")),
    gone("E07000004", None, "Aylesbury Vale", 2020, Some("E06000060")),
    gone("E07000005", None, "Chiltern", 2020, Some("E06000060")),
    gone("E07000006", None, "South Bucks", 2020, Some("E06000060")),
    gone("E07000007", None, "Wycombe", 2020, Some("E06000060")),
    gone("E07000150", None, "Corby", 2021, Some("E06000061")),
    gone("E07000152", None, "East Northamptonshire", 2021, Some("E06000061")),
    gone("E07000153", None, "Kettering", 2021, Some("E06000061")),
    gone("E07000156", None, "Wellingborough", 2021, Some("E06000061")),
    gone("E07000151", None, "Daventry", 2021, Some("E06000062")),
    gone("E07000154", None, "Northampton", 2021, Some("E06000062")),
    gone("E07000155", None, "South Northamptonshire", 2021, Some("E06000062")),
    gone("E07000026", None, "Allerdale", 2023, Some("E06000063")),
    gone("E07000028", None, "Carlisle", 2023, Some("E06000063")),
    gone("E07000029", None, "Copeland", 2023, Some("E06000063")),
    gone("E07000027", None, "Barrow-in-Furness", 2023, Some("E06000064")),
    gone("E07000030", None, "Eden", 2023, Some("E06000064")),
    gone("E07000031", None, "South Lakeland", 2023, Some("E06000064")),
    gone("E07000163", None, "Craven", 2023, Some("E06000065")),
    gone("E07000164", None, "Hambleton", 2023, Some("E06000065")),
    gone("E07000165", None, "Harrogate", 2023, Some("E06000065")),
    gone("E07000166", None, "Richmondshire", 2023, Some("E06000065")),
    gone("E07000167", None, "Ryedale", 2023, Some("E06000065")),
    gone("E07000168", None, "Scarborough", 2023, Some("E06000065")),
    gone("E07000169", None, "Selby", 2023, Some("E06000065")),
    gone("E07000187", None, "Mendip", 2023, Some("E06000066")),
    gone("E07000188", None, "Sedgemoor", 2023, Some("E06000066")),
    gone("E07000189", None, "South Somerset", 2023, Some("E06000066")),
    gone("E07000246", None, "Somerset West and Taunton", 2023, Some("E06000066")),
    gone("E07000190", None, "Taunton Deane", 2019, Some("E06000066")),
    gone("E07000191", None, "West Somerset", 2019, Some("E06000066")),
];

/// The authority with this GSS code or DfE number, compared trimmed and without regard to case;
/// a former code or number whose area passed whole to one authority gives that authority.
pub fn authority(code_or_number: &str) -> Option<&'static Authority> {
    let wanted = code_or_number.trim();
    if let Some(found) = AUTHORITIES.iter().find(|a| a.code.eq_ignore_ascii_case(wanted) || a.number == wanted) {
        return Some(found);
    }
    let former = FORMER.iter().find(|f| f.code.eq_ignore_ascii_case(wanted) || f.number == Some(wanted))?;
    let successor = former.successor?;
    AUTHORITIES.iter().find(|a| a.code == successor)
}

/// The code in force for `code`: its successor's if it is a former code whose area passed whole
/// to one authority (a district merged into a unitary, a recoded authority), else `None`.
pub fn successor(code: &str) -> Option<&'static str> {
    let code = code.trim();
    FORMER.iter().find(|f| f.code.eq_ignore_ascii_case(code)).and_then(|f| f.successor)
}

/// The code to compare `code` by: its successor's if it has one ([`successor`]), else itself,
/// upper-cased.
pub fn current_code(code: &str) -> String {
    match successor(code) {
        Some(now) => now.to_string(),
        None => code.trim().to_ascii_uppercase(),
    }
}

/// The former code, if `code` is one (with or without a successor).
pub fn former(code: &str) -> Option<&'static Former> {
    let code = code.trim();
    FORMER.iter().find(|f| f.code.eq_ignore_ascii_case(code))
}

/// Whether `code` is an English county's (`E10`): an upper tier above districts.
pub fn is_county(code: &str) -> bool {
    code.trim().get(..3).is_some_and(|p| p.eq_ignore_ascii_case("E10"))
}

/// Whether `code` is an English non-metropolitan district's (`E07`), whose children's services
/// are the county's.
pub fn is_district(code: &str) -> bool {
    code.trim().get(..3).is_some_and(|p| p.eq_ignore_ascii_case("E07"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn there_are_153_authorities_each_with_one_code_and_number() {
        assert_eq!(AUTHORITIES.len(), 153);
        let codes: HashSet<&str> = AUTHORITIES.iter().map(|a| a.code).collect();
        let numbers: HashSet<&str> = AUTHORITIES.iter().map(|a| a.number).collect();
        assert_eq!(codes.len(), 153);
        assert_eq!(numbers.len(), 153);
        for a in AUTHORITIES {
            assert!(a.code.len() == 9 && a.code.starts_with('E') && a.code[1..].bytes().all(|b| b.is_ascii_digit()));
            assert!(a.number.len() == 3 && a.number.bytes().all(|b| b.is_ascii_digit()), "{a:?}");
        }
        for f in FORMER {
            assert!(!codes.contains(f.code), "{} is both current and former", f.code);
            if let Some(s) = f.successor {
                assert!(codes.contains(s), "{}'s successor {s} is not current", f.code);
            }
        }
    }

    #[test]
    fn the_april_2023_unitaries_are_known_with_their_dfe_numbers() {
        for (code, number, name) in [
            ("E06000063", "942", "Cumberland"),
            ("E06000064", "943", "Westmorland and Furness"),
            ("E06000065", "815", "North Yorkshire"),
            ("E06000066", "933", "Somerset"),
        ] {
            let a = authority(code).expect(name);
            assert_eq!((a.code, a.number, a.name), (code, number, name));
            assert_eq!(authority(number).map(|a| a.code), Some(code), "DfE's number {number} gives {name}");
        }
        // The abolished county councils and districts lead to them; Cumbria was split, so its
        // county code leads nowhere and its districts say which.
        assert_eq!(current_code("E10000023"), "E06000065");
        assert_eq!(current_code("e10000027"), "E06000066");
        assert_eq!(current_code("E07000165"), "E06000065", "Harrogate");
        assert_eq!(current_code("E07000026"), "E06000063", "Allerdale");
        assert_eq!(current_code("E07000027"), "E06000064", "Barrow-in-Furness");
        assert_eq!(current_code("E07000246"), "E06000066", "Somerset West and Taunton");
        assert_eq!(successor("E10000006"), None, "Cumbria was split in two");
        assert!(authority("909").is_none(), "Cumbria's number leads to no one authority");
        assert_eq!(current_code("E09000027"), "E09000027");
        // Barnsley and Sheffield were reissued codes in 2025.
        assert_eq!(current_code("E08000016"), "E08000038");
        assert_eq!(authority("373").map(|a| a.code), Some("E08000039"));
    }

    #[test]
    fn every_dfe_number_is_one_the_903_accepts_in_la_perm() {
        let la_perm: HashSet<&str> = crate::ssda903::validate::la_perm_codes().iter().copied().collect();
        for a in AUTHORITIES {
            assert!(la_perm.contains(a.number), "{} ({}) is missing from LA_PERM's codes", a.number, a.name);
        }
        for f in FORMER {
            if let Some(n) = f.number {
                assert!(la_perm.contains(n), "former {n} ({}) is missing from LA_PERM's codes", f.name);
            }
        }
    }
}
