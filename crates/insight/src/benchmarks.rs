//! Benchmarks: the council's indicators beside published figures for England, its region, the
//! average of its statistical neighbours, and its rank and quartile among every local authority
//! with a figure, as DfE's Local Authority Interactive Tool (LAIT) shows them.
//!
//! Published figures come in the layout DfE's explore-education-statistics (EES) service
//! publishes local-authority tables in: one row per time period and place, the columns
//! `time_period`, `geographic_level`, `region_name`, `la_name` and `new_la_code`, then one column
//! per measure ([`read_ees`]). A measure column is named by careful's indicator code (such as
//! `re_referrals_12_months`); an optional `source` column says where each row's figures come
//! from. England's figures that careful knows ship with it ([`national_figures`]).
//!
//! Pure: no IO. The app keeps imported figures in the database and works out the comparison
//! with [`compare`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use careful_domain::CollectionYear;

use crate::indicators::{Indicator, Indicators, Polarity};

/// England's figures shipped with careful, in the EES layout with a `source` column (from the
/// research note `analytics.md`, sections 2.2 and 3).
pub const NATIONAL_CSV: &str = include_str!("../data/england.csv");
/// The name the shipped figures are read under.
pub const NATIONAL_FILE: &str = "england.csv";

/// The columns every file must have.
pub const REQUIRED_COLUMNS: [&str; 5] = ["time_period", "geographic_level", "region_name", "la_name", "new_la_code"];
/// The column that says where a row's figures come from (optional).
pub const SOURCE_COLUMN: &str = "source";
/// EES's other time and geography columns: understood, not needed, and not reported as unread.
const LAYOUT_COLUMNS: [&str; 7] =
    ["time_identifier", "country_code", "country_name", "region_code", "old_la_code", "la_code", "la_number"];
/// More problems than this in one file are not all listed.
const MOST_ERRORS: usize = 50;

/// Where a published figure is for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Geography {
    England,
    /// A region, by its name as EES writes it ("North West").
    Region(String),
    /// A local authority, by its GSS code (EES's `new_la_code`, such as `E09000027`), with its
    /// name and region as the file gives them.
    LocalAuthority {
        code: String,
        name: String,
        region: String,
    },
}

impl Geography {
    /// The stored level: `national`, `regional` or `local_authority`.
    pub fn level(&self) -> &'static str {
        match self {
            Geography::England => "national",
            Geography::Region(_) => "regional",
            Geography::LocalAuthority { .. } => "local_authority",
        }
    }

    /// What identifies the place within its level: `E92000001` for England, the region's name,
    /// or the authority's code.
    pub fn key(&self) -> &str {
        match self {
            Geography::England => "E92000001",
            Geography::Region(name) => name,
            Geography::LocalAuthority { code, .. } => code,
        }
    }

    /// The place in words.
    pub fn name(&self) -> &str {
        match self {
            Geography::England => "England",
            Geography::Region(name) => name,
            Geography::LocalAuthority { name, code, .. } => {
                if name.is_empty() {
                    code
                } else {
                    name
                }
            }
        }
    }

    /// Rebuilds a place from its stored parts (the reverse of [`Geography::level`],
    /// [`Geography::key`] and the name and region); `None` for an unknown level.
    pub fn from_parts(level: &str, key: &str, name: &str, region: &str) -> Option<Geography> {
        Some(match level {
            "national" => Geography::England,
            "regional" => Geography::Region(key.to_string()),
            "local_authority" => {
                Geography::LocalAuthority { code: key.to_string(), name: name.to_string(), region: region.to_string() }
            }
            _ => return None,
        })
    }
}

/// Why a published cell holds no number: the symbols EES uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Suppressed {
    /// `c`: confidential (small numbers suppressed).
    Confidential,
    /// `x`: not available.
    NotAvailable,
    /// `z`: not applicable.
    NotApplicable,
    /// `low`: rounds to zero, but is not zero.
    Low,
    /// `k`: less than 0.5%.
    BelowHalfPercent,
    /// `u`: low reliability.
    LowReliability,
}

impl Suppressed {
    pub const ALL: [Suppressed; 6] = [
        Suppressed::Confidential,
        Suppressed::NotAvailable,
        Suppressed::NotApplicable,
        Suppressed::Low,
        Suppressed::BelowHalfPercent,
        Suppressed::LowReliability,
    ];

    /// The symbol as EES writes it.
    pub fn symbol(self) -> &'static str {
        match self {
            Suppressed::Confidential => "c",
            Suppressed::NotAvailable => "x",
            Suppressed::NotApplicable => "z",
            Suppressed::Low => "low",
            Suppressed::BelowHalfPercent => "k",
            Suppressed::LowReliability => "u",
        }
    }

    /// Reads a symbol (any case).
    pub fn parse(text: &str) -> Option<Suppressed> {
        let text = text.trim().to_ascii_lowercase();
        Suppressed::ALL.into_iter().find(|s| s.symbol() == text)
    }

    /// What the symbol means.
    pub fn describe(self) -> &'static str {
        match self {
            Suppressed::Confidential => "suppressed (small numbers)",
            Suppressed::NotAvailable => "not available",
            Suppressed::NotApplicable => "not applicable",
            Suppressed::Low => "rounds to zero",
            Suppressed::BelowHalfPercent => "less than 0.5%",
            Suppressed::LowReliability => "low reliability",
        }
    }
}

/// A published cell: a number, or a symbol saying why there is none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Published {
    Value(f64),
    Suppressed(Suppressed),
}

impl Published {
    /// The number, if the cell holds one.
    pub fn value(self) -> Option<f64> {
        match self {
            Published::Value(v) => Some(v),
            Published::Suppressed(_) => None,
        }
    }
}

impl fmt::Display for Published {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Published::Value(v) => write!(f, "{v}"),
            Published::Suppressed(s) => f.write_str(s.symbol()),
        }
    }
}

/// One published figure: a measure (careful's indicator code) for a collection year and place,
/// and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedFigure {
    pub measure: &'static str,
    /// DfE's year ending 31 March, as a collection year.
    pub period: CollectionYear,
    pub geography: Geography,
    pub value: Published,
    /// The release or file the figure comes from.
    pub source: String,
}

/// A file of published figures, read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PublishedFile {
    pub figures: Vec<PublishedFigure>,
    /// The measures read, by careful's indicator code, in the file's order.
    pub measures: Vec<&'static str>,
    /// Columns that name no measure careful knows: not read.
    pub not_read: Vec<String>,
    /// Data rows (after the header).
    pub rows: usize,
}

/// One problem with a file: where it is and which rule it breaks. Rows are the file's lines,
/// the header being row 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub file: String,
    pub row: Option<usize>,
    pub column: Option<String>,
    pub rule: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.rule)
    }
}

/// Every indicator careful computes, by code, with its polarity.
fn known_measures() -> Vec<(&'static str, Polarity)> {
    Indicators::default().indicators(0).iter().map(|i| (i.code, i.polarity)).collect()
}

/// The careful indicator a column names, if any. Columns are named by careful's indicator codes
/// (any case, surrounding spaces ignored).
pub fn measure_for_column(column: &str) -> Option<&'static str> {
    let column = column.trim().to_ascii_lowercase();
    known_measures().into_iter().map(|(code, _)| code).find(|code| *code == column)
}

/// Reads an EES time period as a collection year: `202425`, `2024-25`, `2024/25` or `2024-2025`
/// for the year from 1 April 2024 to 31 March 2025; a single year, `2025`, is DfE's "reporting
/// year" ending 31 March 2025 (how the children looked after and children in need releases
/// write it), so the same collection year.
pub fn parse_time_period(text: &str) -> Option<CollectionYear> {
    let text = text.trim();
    let digits = text.bytes().all(|b| b.is_ascii_digit());
    match text.len() {
        6 if digits => {
            let start: i32 = text[..4].parse().ok()?;
            let end: i32 = text[4..].parse().ok()?;
            (end == (start + 1) % 100).then(|| CollectionYear::starting(start)).flatten()
        }
        4 if digits => CollectionYear::starting(text.parse::<i32>().ok()? - 1),
        _ => text.parse().ok(),
    }
}

/// The time period as EES writes a financial year: `202425`.
pub fn ees_time_period(year: CollectionYear) -> String {
    format!("{}{:02}", year.start_year(), year.end_year() % 100)
}

/// Whether `code` looks like an English GSS code: `E` and eight digits.
fn is_gss_code(code: &str) -> bool {
    code.len() == 9 && code.starts_with('E') && code[1..].bytes().all(|b| b.is_ascii_digit())
}

/// One CSV record's cells, and the row (line) it starts on.
struct Record {
    row: usize,
    cells: Vec<String>,
}

/// Splits CSV bytes into records with `csv-core`, noting the line each starts on.
fn records(file: &str, bytes: &[u8]) -> Result<Vec<Record>, ReadError> {
    let mut reader = csv_core::Reader::new();
    let mut input = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut out = vec![0u8; 4096];
    let mut ends = vec![0usize; 64];
    let mut records = Vec::new();
    let mut line = 1;
    loop {
        let start_line = line;
        let (mut nout, mut nend) = (0, 0);
        loop {
            let (result, nin, o, e) = reader.read_record(input, &mut out[nout..], &mut ends[nend..]);
            line += input[..nin].iter().filter(|&&b| b == b'\n').count();
            input = &input[nin..];
            nout += o;
            nend += e;
            match result {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
                csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                csv_core::ReadRecordResult::Record => break,
                csv_core::ReadRecordResult::End => return Ok(records),
            }
        }
        let mut cells = Vec::with_capacity(nend);
        let mut from = 0;
        for &end in &ends[..nend] {
            let cell = std::str::from_utf8(&out[from..end]).map_err(|_| ReadError {
                file: file.to_string(),
                row: Some(start_line),
                column: None,
                rule: "the row is not UTF-8 text: save the file as UTF-8 CSV".into(),
            })?;
            cells.push(cell.to_string());
            from = end;
        }
        // A blank line is no record.
        if !(cells.len() == 1 && cells[0].trim().is_empty()) {
            records.push(Record { row: start_line, cells });
        }
    }
}

/// Reads published figures in the EES layout. `default_source` is the source of rows with no
/// `source` column (or an empty one): for an imported file, its name.
///
/// Every problem is reported (up to 50), each naming the file, row and column and the rule it
/// breaks; a file with any problem yields no figures. Columns naming no measure careful knows
/// are listed in [`PublishedFile::not_read`], not refused. An empty measure cell gives no figure
/// (EES itself writes a symbol, such as `x`, instead).
pub fn read_ees(file: &str, bytes: &[u8], default_source: &str) -> Result<PublishedFile, Vec<ReadError>> {
    let err = |row: Option<usize>, column: Option<&str>, rule: String| ReadError {
        file: file.to_string(),
        row,
        column: column.map(str::to_string),
        rule,
    };
    let records = records(file, bytes).map_err(|e| vec![e])?;
    let Some((header, data)) = records.split_first() else {
        return Err(vec![err(None, None, "the file is empty: it needs a header row and figures".into())]);
    };
    let mut errors = Vec::new();
    let names: Vec<String> = header.cells.iter().map(|c| c.trim().to_ascii_lowercase()).collect();
    let mut seen = BTreeSet::new();
    for name in &names {
        if !name.is_empty() && !seen.insert(name.as_str()) {
            errors.push(err(Some(header.row), Some(name), "the column appears twice in the header".into()));
        }
    }
    let find = |name: &str| names.iter().position(|n| n == name);
    for required in REQUIRED_COLUMNS {
        if find(required).is_none() {
            errors.push(err(
                Some(header.row),
                Some(required),
                format!(
                    "the header has no {required} column; an EES file's header starts time_period, \
                     geographic_level, region_name, la_name, new_la_code, then one column per measure"
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let column = |name: &str| find(name).unwrap_or_default();
    let (period_at, level_at, region_at, name_at, code_at) = (
        column("time_period"),
        column("geographic_level"),
        column("region_name"),
        column("la_name"),
        column("new_la_code"),
    );
    let source_at = find(SOURCE_COLUMN);
    let mut measures: Vec<(usize, &'static str)> = Vec::new();
    let mut not_read = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if REQUIRED_COLUMNS.contains(&name.as_str()) || LAYOUT_COLUMNS.contains(&name.as_str()) || name == SOURCE_COLUMN
        {
            continue;
        }
        match measure_for_column(name) {
            Some(code) => measures.push((i, code)),
            None => not_read.push(header.cells[i].trim().to_string()),
        }
    }

    let mut figures = Vec::new();
    let mut first_seen: BTreeMap<FigureKey, usize> = BTreeMap::new();
    for record in data {
        if errors.len() >= MOST_ERRORS {
            break;
        }
        let row = Some(record.row);
        if record.cells.len() != names.len() {
            errors.push(err(
                row,
                None,
                format!("the row has {} cells but the header has {} columns", record.cells.len(), names.len()),
            ));
            continue;
        }
        let cell = |i: usize| record.cells[i].trim();
        let Some(period) = parse_time_period(cell(period_at)) else {
            errors.push(err(
                row,
                Some("time_period"),
                format!(
                    "{:?} is not a time period: write a year ending 31 March as 202425, 2024-25 or 2025",
                    cell(period_at)
                ),
            ));
            continue;
        };
        let geography = match cell(level_at).to_ascii_lowercase().as_str() {
            "national" => Geography::England,
            "regional" => {
                if cell(region_at).is_empty() {
                    errors.push(err(row, Some("region_name"), "a regional row needs its region_name".into()));
                    continue;
                }
                Geography::Region(cell(region_at).to_string())
            }
            "local authority" => {
                let code = cell(code_at);
                if code.is_empty() {
                    errors.push(err(
                        row,
                        Some("new_la_code"),
                        "a local authority row needs its new_la_code (such as E09000027)".into(),
                    ));
                    continue;
                }
                if !is_gss_code(code) {
                    errors.push(err(
                        row,
                        Some("new_la_code"),
                        format!("{code:?} is not a local authority's code: E and eight digits, such as E09000027"),
                    ));
                    continue;
                }
                Geography::LocalAuthority {
                    code: code.to_string(),
                    name: cell(name_at).to_string(),
                    region: cell(region_at).to_string(),
                }
            }
            _ => {
                errors.push(err(
                    row,
                    Some("geographic_level"),
                    format!("{:?} is not a level careful reads: National, Regional or Local authority", cell(level_at)),
                ));
                continue;
            }
        };
        let source = source_at.map(cell).filter(|s| !s.is_empty()).unwrap_or(default_source);
        for &(i, measure) in &measures {
            let text = cell(i);
            if text.is_empty() {
                continue;
            }
            let value = match Suppressed::parse(text) {
                Some(symbol) => Published::Suppressed(symbol),
                None => match text.parse::<f64>() {
                    Ok(v) if v.is_finite() => Published::Value(v),
                    _ => {
                        errors.push(err(
                            row,
                            Some(&header.cells[i]),
                            format!(
                                "{text:?} is not a number, nor one of EES's symbols (c confidential, x not \
                                 available, z not applicable, low, k, u)"
                            ),
                        ));
                        continue;
                    }
                },
            };
            let key = figure_key(measure, period, &geography);
            if let Some(first) = first_seen.get(&key) {
                errors.push(err(
                    row,
                    Some(&header.cells[i]),
                    format!("{} {} for {} is given twice (first on row {first})", measure, period, geography.name()),
                ));
                continue;
            }
            first_seen.insert(key, record.row);
            figures.push(PublishedFigure {
                measure,
                period,
                geography: geography.clone(),
                value,
                source: source.into(),
            });
        }
    }
    if !errors.is_empty() {
        if errors.len() >= MOST_ERRORS {
            errors.push(err(None, None, format!("stopped after {MOST_ERRORS} problems")));
        }
        return Err(errors);
    }
    Ok(PublishedFile {
        figures,
        measures: measures.iter().map(|&(_, code)| code).collect(),
        not_read,
        rows: data.len(),
    })
}

/// What makes a figure one: its measure, year, level and place (an authority by its code alone,
/// whatever name a file gives it).
type FigureKey = (&'static str, CollectionYear, &'static str, String);

fn figure_key(measure: &'static str, period: CollectionYear, geography: &Geography) -> FigureKey {
    (measure, period, geography.level(), geography.key().to_string())
}

/// England's figures shipped with careful, each with its source.
pub fn national_figures() -> Result<Vec<PublishedFigure>, Vec<ReadError>> {
    read_ees(NATIONAL_FILE, NATIONAL_CSV.as_bytes(), "careful's national figures").map(|f| f.figures)
}

/// The shipped figures, with those imported: an imported figure for the same measure, year and
/// place replaces the shipped one.
pub fn merge(shipped: Vec<PublishedFigure>, imported: Vec<PublishedFigure>) -> Vec<PublishedFigure> {
    let keys: BTreeSet<FigureKey> = imported.iter().map(|f| figure_key(f.measure, f.period, &f.geography)).collect();
    let mut all: Vec<PublishedFigure> =
        shipped.into_iter().filter(|f| !keys.contains(&figure_key(f.measure, f.period, &f.geography))).collect();
    all.extend(imported);
    all
}

/// The council's own local authority code and its statistical neighbours' codes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatisticalNeighbours {
    pub council: String,
    pub neighbours: Vec<String>,
}

/// A published figure to compare with: the cell, and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparator {
    pub value: Published,
    pub source: String,
    /// The year the figure was published for: the year compared with, or the latest before it
    /// when that year's figures are not published yet.
    pub year: CollectionYear,
}

/// One indicator beside the published figures for the same year.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkRow {
    /// The council's own indicator, computed by careful.
    pub indicator: Indicator,
    /// The published year compared with.
    pub period: CollectionYear,
    pub england: Option<Comparator>,
    /// The council's region (from its own row in the published figures), and its figure.
    pub region_name: Option<String>,
    pub region: Option<Comparator>,
    /// The simple average of the neighbours' figures (suppressed ones left out).
    pub neighbours_average: Option<f64>,
    /// How many neighbours had a figure in the average, of how many there are.
    pub neighbours_with_figure: usize,
    pub neighbours: usize,
    /// The council's rank among every local authority with a figure (1 is best; for context
    /// indicators, 1 is lowest); `None` when the council has no figure or no authority has one.
    pub rank: Option<usize>,
    /// How many authorities were ranked, the council among them.
    pub of: usize,
    /// 1 to 4, 1 being the best quarter (lowest, for context indicators).
    pub quartile: Option<u8>,
    /// Where the published figures in this row come from, each once.
    pub sources: Vec<String>,
}

/// The region of the council's own row among `figures`, if it has one.
fn region_of<'a>(mut figures: impl Iterator<Item = &'a PublishedFigure>, council: Option<&str>) -> Option<String> {
    figures.find_map(|f| match &f.geography {
        Geography::LocalAuthority { code, region, .. } if Some(code.as_str()) == council && !region.is_empty() => {
            Some(region.clone())
        }
        _ => None,
    })
}

/// Whether `a` is strictly better than `b` under `polarity` (context: lower counts first).
fn better(a: f64, b: f64, polarity: Polarity) -> bool {
    match polarity {
        Polarity::HigherBetter => a > b,
        Polarity::LowerBetter | Polarity::Context => a < b,
    }
}

/// The rank of `value` among itself and `others` (1 is best; equal figures share a rank, and the
/// next rank after a tie is skipped, as in 1, 2, 2, 4), and how many were ranked.
pub fn rank(value: f64, others: &[f64], polarity: Polarity) -> (usize, usize) {
    let ahead = others.iter().filter(|&&o| better(o, value, polarity)).count();
    (ahead + 1, others.len() + 1)
}

/// The quarter a rank falls in: the rank's share of those ranked, rounded up to a quarter, so
/// that of 8, ranks 1 and 2 are in quartile 1, 3 and 4 in quartile 2, and so on.
pub fn quartile(rank: usize, of: usize) -> Option<u8> {
    if rank == 0 || of == 0 || rank > of {
        return None;
    }
    u8::try_from((4 * rank).div_ceil(of)).ok()
}

/// The council's indicators beside the published figures for `period`: England's, its region's
/// (the region of the council's own row among the figures), the average of its statistical
/// neighbours, and its rank and quartile among every local authority with a figure, with the
/// council's own figure (computed by careful) in place of any published one. One row for every
/// indicator, with `None` where there is nothing to compare with.
///
/// DfE publishes a year's figures months after it ends, so where `period` has none yet for an
/// indicator, each comparison uses the latest year before it that has: England's and the
/// region's figures their own latest year, the local authorities' (neighbours and rank) the
/// latest year with any authority's figure, so that all are ranked on the same year. Each
/// comparator says its year.
pub fn compare(
    indicators: &[Indicator],
    period: CollectionYear,
    figures: &[PublishedFigure],
    council: Option<&StatisticalNeighbours>,
) -> Vec<BenchmarkRow> {
    let in_year: Vec<&PublishedFigure> = figures.iter().filter(|f| f.period <= period).collect();
    let council_code = council.map(|c| c.council.as_str()).filter(|c| !c.is_empty());
    // The council's region: from its own row this year, else in any year.
    let region_name =
        region_of(in_year.iter().copied(), council_code).or_else(|| region_of(figures.iter(), council_code));
    let neighbours: &[String] = council.map(|c| c.neighbours.as_slice()).unwrap_or_default();

    indicators
        .iter()
        .map(|indicator| {
            let up_to: Vec<&PublishedFigure> =
                in_year.iter().copied().filter(|f| f.measure == indicator.code).collect();
            // The latest year up to `period` with a figure for this measure at this level.
            let latest =
                |at: &dyn Fn(&Geography) -> bool| up_to.iter().filter(|f| at(&f.geography)).map(|f| f.period).max();
            let england_year = latest(&|g| *g == Geography::England);
            let region_year = latest(&|g| matches!(g, Geography::Region(r) if Some(r) == region_name.as_ref()));
            let la_year = latest(&|g| matches!(g, Geography::LocalAuthority { .. }));
            let for_measure: Vec<&PublishedFigure> = up_to
                .iter()
                .copied()
                .filter(|f| match f.geography {
                    Geography::England => Some(f.period) == england_year,
                    Geography::Region(_) => Some(f.period) == region_year,
                    Geography::LocalAuthority { .. } => Some(f.period) == la_year,
                })
                .collect();
            let mut sources = Vec::new();
            let mut note = |source: &str| {
                if !sources.iter().any(|s| s == source) {
                    sources.push(source.to_string());
                }
            };
            let comparator =
                |f: &PublishedFigure| Comparator { value: f.value, source: f.source.clone(), year: f.period };
            let england = for_measure.iter().find(|f| f.geography == Geography::England).map(|f| comparator(f));
            let region = region_name.as_ref().and_then(|name| {
                for_measure
                    .iter()
                    .find(|f| matches!(&f.geography, Geography::Region(r) if r == name))
                    .map(|f| comparator(f))
            });
            let la_value = |code: &str| {
                for_measure
                    .iter()
                    .find(|f| matches!(&f.geography, Geography::LocalAuthority { code: c, .. } if c == code))
            };
            let neighbour_figures: Vec<&PublishedFigure> =
                neighbours.iter().filter_map(|n| la_value(n)).copied().collect();
            let neighbour_values: Vec<f64> = neighbour_figures.iter().filter_map(|f| f.value.value()).collect();
            let neighbours_average = (!neighbour_values.is_empty())
                .then(|| neighbour_values.iter().sum::<f64>() / neighbour_values.len() as f64);
            let others: Vec<f64> = for_measure
                .iter()
                .filter(|f| match &f.geography {
                    Geography::LocalAuthority { code, .. } => Some(code.as_str()) != council_code,
                    _ => false,
                })
                .filter_map(|f| f.value.value())
                .collect();
            let (rank, of) = match indicator.value() {
                Some(own) => {
                    let (r, of) = rank(own, &others, indicator.polarity);
                    (Some(r), of)
                }
                None => (None, others.len()),
            };
            for f in england.iter().chain(region.iter()) {
                note(&f.source);
            }
            for f in &neighbour_figures {
                note(&f.source);
            }
            if rank.is_some() && !others.is_empty() {
                for f in for_measure.iter().filter(|f| matches!(f.geography, Geography::LocalAuthority { .. })) {
                    note(&f.source);
                }
            }
            let (rank, quartile) =
                if others.is_empty() { (None, None) } else { (rank, rank.and_then(|r| quartile(r, of))) };
            BenchmarkRow {
                indicator: indicator.clone(),
                period,
                england,
                region_name: region_name.clone(),
                region,
                neighbours_average,
                neighbours_with_figure: neighbour_values.len(),
                neighbours: neighbours.len(),
                rank,
                of: if others.is_empty() { 0 } else { of },
                quartile,
                sources,
            }
        })
        .collect()
}

/// The measures careful computes that have no figure in `figures` for England in any year.
pub fn without_national_figure(figures: &[PublishedFigure]) -> Vec<&'static str> {
    known_measures()
        .into_iter()
        .map(|(code, _)| code)
        .filter(|code| !figures.iter().any(|f| f.measure == *code && f.geography == Geography::England))
        .collect()
}

#[cfg(test)]
mod tests;
