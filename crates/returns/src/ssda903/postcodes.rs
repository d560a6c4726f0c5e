//! The ONS postcode directory, read to derive the three placement fields DfE derives for each
//! episode from its postcodes: `PL_LA`, `PL_LOCATION` and `PL_DISTANCE` (see
//! [`DerivedPlacement`]).
//!
//! # Layouts
//!
//! The layout is told from the header row (column names compared trimmed and without regard to
//! case; other columns are ignored, so the ONS's full files are read as published):
//!
//! | layout | postcode | authority | county | easting | northing |
//! | --- | --- | --- | --- | --- | --- |
//! | NSPL (National Statistics Postcode Lookup) | `pcds` or `pcd` (or `pcd7`, `pcd8`, `pcd2`) | `laua` or `ladNNcd` | `cty` or `ctyNNcd` | `oseast1m` or `east1m` | `osnrth1m` or `north1m` |
//! | ONSPD (ONS Postcode Directory) | `pcds` or `pcd` | `oslaua` | `oscty` | `oseast1m` | `osnrth1m` |
//! | subset | `postcode` | `la_code` | (`county`, optional) | `easting` | `northing` |
//!
//! # Upper tier
//!
//! DfE's `PL_LA` is the upper-tier authority, the council with children's services. A
//! postcode's authority code is taken as the directory gives it, then: a former code
//! ([`crate::la::FORMER`]: a district merged into a unitary, a recoded authority) becomes its
//! successor; a district (`E07`) becomes its county, from the county column; a code in Wales,
//! Scotland or Northern Ireland becomes `WAL`, `SCO` or `NIR`; the Channel Islands and the Isle of
//! Man (and the ONS's "pseudo" codes) have no `PL_LA`. A district with no county is an error:
//! careful does not guess the county.
//!
//! # Memory
//!
//! A full directory has about 2.7 million postcodes. Each is held in 16 bytes: the postcode
//! packed into a `u64` (base 37, up to seven letters and digits), and a `u64` holding the
//! authority (an index into the few hundred distinct authorities, each held once) and the
//! easting and northing (24 bits each), in one vector sorted by postcode and searched by
//! bisection. Only the five columns careful needs are looked at; the file is streamed.

use std::collections::HashMap;

use super::read::{Records, open_csv};
use super::validate::DerivedPlacement;
use super::{ReadError, ReadErrorKind, Source, TableData};
use crate::la;

/// At most this many bad rows are reported; reading stops there.
const MAX_ERRORS: usize = 20;

/// The largest easting and northing held, in metres (the British National Grid runs to 700 km
/// east and 1,300 km north; the Irish Grid, which the ONS uses for Northern Ireland, less).
const MAX_EASTING: u32 = 999_999;
const MAX_NORTHING: u32 = 1_999_999;

/// A grid coordinate not given.
const NO_COORD: u64 = 0xFF_FFFF;
/// An authority not given.
const NO_AREA: u64 = 0xFFFF;

/// Which of the ONS's layouts a directory file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The National Statistics Postcode Lookup (`laua`, `cty`, or `ladNNcd`, `ctyNNcd`).
    Nspl,
    /// The ONS Postcode Directory (`oslaua`, `oscty`).
    Onspd,
    /// careful's own subset: `postcode`, `la_code`, `easting`, `northing`.
    Subset,
}

impl Layout {
    /// The layout's name, for reports.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Nspl => "NSPL",
            Layout::Onspd => "ONSPD",
            Layout::Subset => "postcode subset",
        }
    }
}

/// Where a postcode is, as DfE's `PL_LA` sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Area {
    /// In England, in the area of this authority with children's services (its GSS code).
    England(Box<str>),
    Wales,
    Scotland,
    NorthernIreland,
    /// The Channel Islands, the Isle of Man, or a code that names no authority.
    Elsewhere,
}

impl Area {
    /// DfE's `PL_LA`: the authority's code, or `WAL`, `SCO`, `NIR`; none elsewhere.
    pub fn pl_la(&self) -> Option<&str> {
        match self {
            Area::England(code) => Some(code),
            Area::Wales => Some("WAL"),
            Area::Scotland => Some("SCO"),
            Area::NorthernIreland => Some("NIR"),
            Area::Elsewhere => None,
        }
    }

    /// DfE's `PL_LOCATION` for a placement here by the council `council` (a current GSS code):
    /// `IN` in its own area, else `OUT`.
    pub fn pl_location(&self, council: &str) -> &'static str {
        match self {
            Area::England(code) if code.eq_ignore_ascii_case(council) => "IN",
            _ => "OUT",
        }
    }
}

/// What the directory holds for one postcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place<'a> {
    /// `None` when the directory gives no authority for it.
    pub area: Option<&'a Area>,
    /// Easting and northing in metres, when the directory gives them.
    pub grid: Option<(u32, u32)>,
}

/// A postcode directory, read and held compactly. See the module's documentation.
#[derive(Debug, Clone)]
pub struct PostcodeDirectory {
    file: String,
    layout: Layout,
    /// (packed postcode, packed place), sorted by postcode, each postcode once.
    entries: Vec<(u64, u64)>,
    areas: Vec<Area>,
}

/// The placement fields derived for one year's Episodes table, and how many postcodes were found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Derived {
    /// One per Episodes row, in the table's order.
    pub placements: Vec<DerivedPlacement>,
    /// Episodes with a placement postcode, and how many of those the directory has.
    pub placement_postcodes: usize,
    pub placement_found: usize,
    /// Episodes with a home postcode, and how many of those the directory has.
    pub home_postcodes: usize,
    pub home_found: usize,
}

impl PostcodeDirectory {
    /// Reads a directory file in any of the [`Layout`]s. Every bad row is reported (up to 20)
    /// by file, line and column, saying what the column must hold; nothing is given unless the
    /// whole file is good.
    pub fn read(source: &Source<'_>) -> Result<PostcodeDirectory, Vec<ReadError>> {
        let (name, size, mut records) = open_csv(source).map_err(|e| vec![e])?;
        Reader::new(&name, size, &mut records)?.read(&mut records)
    }

    /// The file it was read from, as errors name it.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The layout it was read in.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// How many postcodes it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes held (for measuring).
    pub fn heap_size(&self) -> usize {
        self.entries.capacity() * 16 + self.areas.capacity() * std::mem::size_of::<Area>() + self.areas.len() * 9
    }

    /// What the directory holds for `postcode`, compared without spaces and regardless of case;
    /// `None` if it is not there (as a partial postcode, such as `AB1` or `AB1 2`, never is).
    pub fn get(&self, postcode: &str) -> Option<Place<'_>> {
        let key = pack(postcode.as_bytes())?;
        let i = self.entries.binary_search_by_key(&key, |&(k, _)| k).ok()?;
        let value = self.entries[i].1;
        let area = value >> 48;
        let (east, north) = ((value >> 24) & NO_COORD, value & NO_COORD);
        Some(Place {
            area: (area != NO_AREA).then(|| &self.areas[area as usize]),
            grid: (east != NO_COORD && north != NO_COORD).then_some((east as u32, north as u32)),
        })
    }

    /// Whether some postcode of the directory is in the area of the authority `code` (compared
    /// after following a former code to its successor).
    pub fn has_authority(&self, code: &str) -> bool {
        let code = la::current_code(code);
        self.areas.iter().any(|a| matches!(a, Area::England(c) if **c == *code))
    }

    /// The placement fields of each row of an Episodes table, as DfE derives them, for the
    /// council whose code is `council`:
    ///
    /// - `PL_LA`: the upper-tier authority of the placement postcode (`PL_POST`; see
    ///   [`Area::pl_la`]); none if the postcode is blank, not in the directory, or has no
    ///   authority there.
    /// - `PL_LOCATION`: `IN` if that is the council (compared after following former codes to
    ///   their successors), else `OUT` (so also in Wales, Scotland, Northern Ireland and beyond);
    ///   none when `PL_LA` could not be looked up.
    /// - `PL_DISTANCE`: [`miles_between`] the home postcode (`HOME_POST`) and the placement
    ///   postcode; none unless both are in the directory with grid references.
    pub fn derive(&self, episodes: &TableData, council: &str) -> Derived {
        let council = la::current_code(council);
        let (home_col, post_col) = (episodes.column_index("HOME_POST"), episodes.column_index("PL_POST"));
        let given = |row: usize, col: Option<usize>| {
            col.and_then(|c| episodes.cell_at(row, c)).map(str::trim).filter(|s| !s.is_empty())
        };
        let mut derived = Derived { placements: Vec::with_capacity(episodes.len()), ..Derived::default() };
        for row in 0..episodes.len() {
            let post = given(row, post_col);
            let home = given(row, home_col);
            let placed = post.and_then(|p| self.get(p));
            let lives = home.and_then(|h| self.get(h));
            derived.placement_postcodes += usize::from(post.is_some());
            derived.placement_found += usize::from(placed.is_some());
            derived.home_postcodes += usize::from(home.is_some());
            derived.home_found += usize::from(lives.is_some());
            let area = placed.and_then(|p| p.area);
            derived.placements.push(DerivedPlacement {
                pl_la: area.and_then(Area::pl_la).map(str::to_string),
                pl_location: area.map(|a| a.pl_location(&council).to_string()),
                pl_distance: match (lives.and_then(|p| p.grid), placed.and_then(|p| p.grid)) {
                    (Some(a), Some(b)) => Some(miles_between(a, b)),
                    _ => None,
                },
            });
        }
        derived
    }
}

/// The straight-line distance in miles between two Ordnance Survey grid references (easting,
/// northing, in metres), by DfE's formula: metres / 1000 / 1.6093, rounded to a tenth of a mile
/// as DfE's reference validator rounds (pandas' `round(1)`: times ten, to the nearest whole
/// number with halves to even, divided by ten).
pub fn miles_between(a: (u32, u32), b: (u32, u32)) -> f64 {
    let dx = f64::from(a.0) - f64::from(b.0);
    let dy = f64::from(a.1) - f64::from(b.1);
    let miles = (dx * dx + dy * dy).sqrt() / 1000.0 / 1.6093;
    (miles * 10.0).round_ties_even() / 10.0
}

/// A postcode packed into a number: upper-cased, spaces left out, each of up to seven letters
/// and digits a base-37 digit. `None` if it is not five to seven letters and digits starting
/// with a letter.
fn pack(postcode: &[u8]) -> Option<u64> {
    let mut key = 0u64;
    let mut len = 0usize;
    for &b in postcode {
        let digit = match b {
            b' ' | b'\t' => continue,
            b'0'..=b'9' => u64::from(b - b'0') + 1,
            b'A'..=b'Z' => u64::from(b - b'A') + 11,
            b'a'..=b'z' => u64::from(b - b'a') + 11,
            _ => return None,
        };
        if len == 0 && digit <= 10 {
            return None;
        }
        len += 1;
        if len > 7 {
            return None;
        }
        key = key * 37 + digit;
    }
    if len < 5 {
        return None;
    }
    // Padded to seven places, so that a shorter postcode is never a longer one's prefix.
    Some(key * 37u64.pow((7 - len) as u32))
}

/// Which column of the file holds what careful needs.
struct Columns {
    width: usize,
    postcode: usize,
    la: usize,
    county: Option<usize>,
    easting: usize,
    northing: usize,
    names: Vec<String>,
}

struct Reader<'n> {
    name: &'n str,
    size: u64,
    layout: Layout,
    columns: Columns,
    header_bytes: u64,
}

impl<'n> Reader<'n> {
    /// Reads and understands the header row.
    fn new<R: std::io::Read>(name: &'n str, size: u64, records: &mut Records<R>) -> Result<Reader<'n>, Vec<ReadError>> {
        let io_error = |e: std::io::Error| {
            vec![ReadError::new(name, ReadErrorKind::Io, format!("the file could not be read ({e})"))]
        };
        let Some((line, count)) = records.next_record().map_err(io_error)? else {
            return Err(vec![ReadError::new(
                name,
                ReadErrorKind::Empty,
                "the file is empty: a postcode directory's first row names its columns",
            )]);
        };
        let (joined, ends) = records.record(count);
        let mut names = Vec::with_capacity(count);
        let mut start = 0;
        for &end in ends {
            names.push(String::from_utf8_lossy(&joined[start..end]).trim().to_ascii_lowercase());
            start = end;
        }
        let find = |exact: &[&str], numbered: Option<(&str, &str)>| {
            names.iter().position(|n| exact.contains(&n.as_str())).or_else(|| {
                let (prefix, suffix) = numbered?;
                names.iter().position(|n| {
                    n.len() == prefix.len() + 2 + suffix.len()
                        && n.starts_with(prefix)
                        && n.ends_with(suffix)
                        && n.as_bytes()[prefix.len()..prefix.len() + 2].iter().all(u8::is_ascii_digit)
                })
            })
        };
        let postcode = find(&["pcds", "pcd", "pcd7", "pcd8", "pcd2", "postcode"], None);
        let la = find(&["oslaua", "laua", "la_code"], Some(("lad", "cd")));
        let county = find(&["oscty", "cty", "county"], Some(("cty", "cd")));
        let easting = find(&["oseast1m", "east1m", "easting"], None);
        let northing = find(&["osnrth1m", "north1m", "northing"], None);
        let mut missing = Vec::new();
        for (found, what) in [
            (postcode, "a postcode (pcds, pcd or postcode)"),
            (la, "a local authority (oslaua, laua, ladNNcd or la_code)"),
            (easting, "an easting (oseast1m, east1m or easting)"),
            (northing, "a northing (osnrth1m, north1m or northing)"),
        ] {
            if found.is_none() {
                missing.push(what);
            }
        }
        let (Some(postcode), Some(la), Some(easting), Some(northing)) = (postcode, la, easting, northing) else {
            let shown: String = names.join(",").chars().take(300).collect();
            return Err(vec![
                ReadError::new(
                    name,
                    ReadErrorKind::UnknownHeader,
                    format!(
                        "this is not a postcode directory careful can read: its header row ({shown}) has no column \
                         for {}. Give the ONS's NSPL or ONSPD CSV file as published, or a CSV file with the columns \
                         postcode, la_code, easting, northing",
                        missing.join(", nor ")
                    ),
                )
                .at_line(line),
            ]);
        };
        let layout = match names[la].as_str() {
            "oslaua" => Layout::Onspd,
            "la_code" => Layout::Subset,
            _ => Layout::Nspl,
        };
        let header_bytes = records.consumed();
        Ok(Reader {
            name,
            size,
            layout,
            columns: Columns { width: count, postcode, la, county, easting, northing, names },
            header_bytes,
        })
    }

    fn read<R: std::io::Read>(self, records: &mut Records<R>) -> Result<PostcodeDirectory, Vec<ReadError>> {
        let name = self.name;
        let cols = &self.columns;
        let io_error = |e: std::io::Error| {
            vec![ReadError::new(name, ReadErrorKind::Io, format!("the file could not be read ({e})"))]
        };
        let mut entries: Vec<(u64, u64)> = Vec::new();
        let mut areas: Vec<Area> = Vec::new();
        let mut area_index: HashMap<Box<str>, u64> = HashMap::new();
        let mut by_codes: HashMap<([u8; 9], [u8; 9]), u64> = HashMap::new();
        let mut errors: Vec<ReadError> = Vec::new();
        let mut rows = 0u64;
        let bad = |line: u64, col: usize, problem: String| {
            ReadError::new(name, ReadErrorKind::InvalidValue, problem).at_line(line).in_column(&cols.names[col])
        };

        while let Some((line, count)) = records.next_record().map_err(io_error)? {
            if errors.len() >= MAX_ERRORS {
                errors.push(ReadError::new(
                    name,
                    ReadErrorKind::InvalidValue,
                    format!(
                        "careful stopped reading after {MAX_ERRORS} problems: put them right and give the file again"
                    ),
                ));
                return Err(errors);
            }
            rows += 1;
            if rows == 1000 {
                // Room for the rest, estimated from the first rows' length.
                let per_row = (records.consumed() - self.header_bytes).max(1) / 1000;
                let rest = self.size.saturating_sub(records.consumed()) / per_row.max(1);
                entries.reserve(usize::try_from(rest + rest / 32).unwrap_or(0));
            }
            if count != cols.width {
                errors.push(
                    ReadError::new(
                        name,
                        ReadErrorKind::RaggedRow,
                        format!(
                            "this row has {count} cells but the header row has {} columns: every row needs one cell \
                             per column (a cell holding a comma must be in double quotes)",
                            cols.width
                        ),
                    )
                    .at_line(line),
                );
                continue;
            }
            let (joined, ends) = records.record(count);
            let cell = |i: usize| {
                let start = if i == 0 { 0 } else { ends[i - 1] };
                trim(&joined[start..ends[i]])
            };

            let postcode = cell(cols.postcode);
            let Some(key) = pack(postcode) else {
                errors.push(bad(
                    line,
                    cols.postcode,
                    format!(
                        "{} is not a postcode: a postcode is five to seven letters and digits, starting with a \
                         letter, with or without its space (such as AB1 2CD)",
                        shown(postcode)
                    ),
                ));
                continue;
            };

            let (la_cell, county_cell) = (cell(cols.la), cols.county.map(cell).unwrap_or_default());
            let mut codes = ([0u8; 9], [0u8; 9]);
            let mut code_ok = true;
            for (col, text, slot) in [(Some(cols.la), la_cell, &mut codes.0), (cols.county, county_cell, &mut codes.1)]
            {
                if text.is_empty() {
                    continue;
                }
                if !gss_like(text) {
                    let col = col.unwrap_or(cols.la);
                    errors.push(bad(
                        line,
                        col,
                        format!(
                            "{} is not an ONS area code: one is a letter and eight digits, such as E09000027",
                            shown(text)
                        ),
                    ));
                    code_ok = false;
                    break;
                }
                for (s, b) in slot.iter_mut().zip(text) {
                    *s = b.to_ascii_uppercase();
                }
            }
            if !code_ok {
                continue;
            }
            let area = match by_codes.get(&codes) {
                Some(&i) => i,
                None => match resolve(&codes.0, &codes.1) {
                    Ok(None) => {
                        by_codes.insert(codes, NO_AREA);
                        NO_AREA
                    }
                    Ok(Some(area)) => {
                        let key: Box<str> = format!("{area:?}").into();
                        let i = match area_index.get(&key) {
                            Some(&i) => i,
                            None => {
                                if areas.len() as u64 >= NO_AREA {
                                    errors.push(ReadError::new(
                                        name,
                                        ReadErrorKind::InvalidValue,
                                        "the file names more than 65,534 different authorities: it is not a postcode \
                                         directory",
                                    ));
                                    return Err(errors);
                                }
                                areas.push(area);
                                area_index.insert(key, areas.len() as u64 - 1);
                                areas.len() as u64 - 1
                            }
                        };
                        by_codes.insert(codes, i);
                        i
                    }
                    Err(problem) => {
                        errors.push(bad(line, cols.la, problem));
                        continue;
                    }
                },
            };
            let east = coordinate(cell(cols.easting), MAX_EASTING);
            let north = coordinate(cell(cols.northing), MAX_NORTHING);
            let (east, north) = match (east, north) {
                (Ok(e), Ok(n)) => (e, n),
                (Err(rule), _) => {
                    errors.push(bad(line, cols.easting, format!("{} {rule}", shown(cell(cols.easting)))));
                    continue;
                }
                (_, Err(rule)) => {
                    errors.push(bad(line, cols.northing, format!("{} {rule}", shown(cell(cols.northing)))));
                    continue;
                }
            };
            let grid = match (east, north) {
                (Some(e), Some(n)) => (u64::from(e) << 24) | u64::from(n),
                _ => (NO_COORD << 24) | NO_COORD,
            };
            if errors.is_empty() {
                entries.push((key, (area << 48) | grid));
            }
        }
        if let Some(line) = records.unclosed_quote() {
            errors.push(
                ReadError::new(
                    name,
                    ReadErrorKind::UnclosedQuote,
                    "a cell here starts with a double quote (\") that is never closed, so the rest of the file \
                     would be read into it",
                )
                .at_line(line),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        entries.sort_unstable_by_key(|&(k, _)| k);
        let mut twice = Vec::new();
        entries.dedup_by(|b, a| {
            if a.0 != b.0 {
                return false;
            }
            if a.1 != b.1 && twice.len() < MAX_ERRORS {
                twice.push(b.0);
            }
            true
        });
        if !twice.is_empty() {
            return Err(twice
                .into_iter()
                .map(|key| {
                    ReadError::new(
                        name,
                        ReadErrorKind::InvalidValue,
                        format!(
                            "the postcode {} is on more than one row, with a different authority or grid reference: \
                             give each postcode once",
                            unpack(key)
                        ),
                    )
                    .in_column(&cols.names[cols.postcode])
                })
                .collect());
        }
        entries.shrink_to_fit();
        areas.shrink_to_fit();
        Ok(PostcodeDirectory { file: name.to_string(), layout: self.layout, entries, areas })
    }
}

/// The upper-tier area of an authority code and county code (either all zeros when blank); an
/// error if a district's county is not given.
fn resolve(la_code: &[u8; 9], county: &[u8; 9]) -> Result<Option<Area>, String> {
    if la_code[0] == 0 {
        return Ok(None);
    }
    let la_code = std::str::from_utf8(la_code).unwrap_or_default();
    let county = (county[0] != 0).then(|| std::str::from_utf8(county).unwrap_or_default());
    let pseudo = la_code.ends_with("99999999");
    Ok(Some(match la_code.as_bytes()[0] {
        b'W' => Area::Wales,
        b'S' => Area::Scotland,
        b'N' => Area::NorthernIreland,
        b'E' if pseudo => return Ok(None),
        b'E' => {
            if let Some(now) = la::successor(la_code) {
                Area::England(now.into())
            } else if la::is_district(la_code) {
                match county.filter(|c| la::is_county(c)) {
                    Some(county) => Area::England(la::current_code(county).into()),
                    None => {
                        return Err(format!(
                            "{la_code} is a district council's code and the row gives no county: DfE's PL_LA is the \
                             upper tier, the council with children's services, so give the county's code (E10...) \
                             in a county column (cty, oscty or county), or the county's code in place of the \
                             district's"
                        ));
                    }
                }
            } else {
                Area::England(la::current_code(la_code).into())
            }
        }
        _ => Area::Elsewhere,
    }))
}

/// Whether `text` looks like a GSS code: a letter and eight digits.
fn gss_like(text: &[u8]) -> bool {
    text.len() == 9 && text[0].is_ascii_alphabetic() && text[1..].iter().all(u8::is_ascii_digit)
}

/// An easting or northing in whole metres (a fraction is rounded); `Ok(None)` when blank; the
/// rule it breaks otherwise.
fn coordinate(text: &[u8], max: u32) -> Result<Option<u32>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let rule = || format!("is not a grid reference: it must be a whole number of metres from 0 to {max}");
    let text = std::str::from_utf8(text).map_err(|_| rule())?;
    if !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(rule());
    }
    let value: f64 = text.parse().map_err(|_| rule())?;
    let metres = value.round();
    if !(0.0..=f64::from(max)).contains(&metres) {
        return Err(rule());
    }
    Ok(Some(metres as u32))
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &bytes[start..end]
}

/// A cell as an error message shows it: quoted, and cut short if long.
fn shown(text: &[u8]) -> String {
    if text.is_empty() {
        return "a blank".to_string();
    }
    let text = String::from_utf8_lossy(text);
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() { format!("\"{short}...\"") } else { format!("\"{short}\"") }
}

/// The postcode a key was packed from, without its space.
fn unpack(mut key: u64) -> String {
    let mut chars = Vec::with_capacity(7);
    for _ in 0..7 {
        let digit = (key % 37) as u8;
        key /= 37;
        match digit {
            0 => {}
            1..=10 => chars.push(b'0' + digit - 1),
            _ => chars.push(b'A' + digit - 11),
        }
    }
    chars.reverse();
    String::from_utf8(chars).unwrap_or_default()
}

#[cfg(test)]
mod tests;
