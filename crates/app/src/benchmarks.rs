//! Benchmarks: the council's indicators beside published figures for England, its region and
//! its statistical neighbours, with its rank and quartile among every local authority.
//!
//! England's figures ship with careful ([`careful_insight::benchmarks::national_figures`]);
//! other councils' figures are imported from DfE's local-authority tables in the
//! explore-education-statistics layout and kept in the database. The council's own local
//! authority code and its statistical neighbours are a council setting.

use careful_domain::CollectionYear;
use careful_insight::Period;
use careful_insight::benchmarks::{
    Geography, Published, PublishedFigure, Suppressed, compare, measure_for_column, merge, national_figures, read_ees,
};
use careful_returns::la;
use careful_store::{BenchmarkFigureRow, Store};

use crate::access::{Action, Resource};
use crate::audit::{Event, Outcome};
use crate::{AppError, UserHandle};

/// What a comparison is made of, for the pages and the command line.
pub use careful_insight::benchmarks::{BenchmarkRow, Comparator, Published as PublishedValue, StatisticalNeighbours};

/// The setting holding the council's local authority code and its statistical neighbours, as
/// JSON: `{"council": "E06000009", "neighbours": ["E06000008", ...]}`.
pub const NEIGHBOURS_SETTING: &str = "statistical_neighbours";

/// The most neighbours careful keeps: DfE's lists name 10.
pub const MOST_NEIGHBOURS: usize = 10;

/// What an import of published figures did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchmarkImportReport {
    pub file: String,
    /// Data rows in the file.
    pub rows: usize,
    /// Figures stored, and how many of them are symbols (suppressed, not available...).
    pub figures: usize,
    pub suppressed: usize,
    /// The measures read, by careful's indicator code.
    pub measures: Vec<&'static str>,
    /// Columns naming no measure careful knows: not read.
    pub not_read: Vec<String>,
    /// The collection years the file has figures for.
    pub periods: Vec<CollectionYear>,
    /// Rows the same file had brought before, replaced.
    pub replaced: u64,
}

/// The published year a period is compared with: the collection year it ends in.
pub fn published_year(period: Period) -> Option<CollectionYear> {
    CollectionYear::containing(period.to)
}

/// A local authority code or DfE number as the GSS code in force, or why it is not one.
fn authority_code(text: &str) -> Result<String, String> {
    la::authority(text).map(|a| a.code.to_string()).ok_or_else(|| {
        format!("{:?} is not an English local authority careful knows: give its GSS code (such as E09000027) or DfE number (such as 318)", text.trim())
    })
}

fn parse_neighbours(text: &str) -> Result<StatisticalNeighbours, AppError> {
    let invalid = |detail: &str| AppError::Settings { key: NEIGHBOURS_SETTING, detail: detail.to_string() };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| invalid(&e.to_string()))?;
    let council = value["council"].as_str().ok_or_else(|| invalid("no council code"))?.to_string();
    let neighbours = value["neighbours"]
        .as_array()
        .ok_or_else(|| invalid("no list of neighbours"))?
        .iter()
        .map(|n| n.as_str().map(str::to_string).ok_or_else(|| invalid("a neighbour that is not a code")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(StatisticalNeighbours { council, neighbours })
}

async fn stored_neighbours(store: &Store) -> Result<Option<StatisticalNeighbours>, AppError> {
    store.setting(NEIGHBOURS_SETTING).await?.map(|text| parse_neighbours(&text)).transpose()
}

/// A stored row as a published figure (`None` for a row this careful cannot read, such as a
/// measure it no longer computes). A local authority's code is taken as the code in force, so
/// that an authority recoded since is compared under its code today.
fn figure_of(row: &BenchmarkFigureRow) -> Option<PublishedFigure> {
    let measure = measure_for_column(&row.measure)?;
    let period: CollectionYear = row.period.parse().ok()?;
    let area = if row.level == "local_authority" { la::current_code(&row.area) } else { row.area.clone() };
    let geography = Geography::from_parts(&row.level, &area, &row.area_name, &row.region_name)?;
    let value = match (row.value, row.symbol.as_deref()) {
        (Some(v), _) => Published::Value(v),
        (None, Some(symbol)) => Published::Suppressed(Suppressed::parse(symbol)?),
        (None, None) => return None,
    };
    Some(PublishedFigure { measure, period, geography, value, source: row.source.clone() })
}

fn row_of(figure: &PublishedFigure) -> BenchmarkFigureRow {
    let (area_name, region_name) = match &figure.geography {
        Geography::England => ("England".to_string(), String::new()),
        Geography::Region(name) => (name.clone(), name.clone()),
        Geography::LocalAuthority { name, region, .. } => (name.clone(), region.clone()),
    };
    let (value, symbol) = match figure.value {
        Published::Value(v) => (Some(v), None),
        Published::Suppressed(s) => (None, Some(s.symbol().to_string())),
    };
    BenchmarkFigureRow {
        measure: figure.measure.to_string(),
        period: figure.period.to_string(),
        level: figure.geography.level().to_string(),
        area: figure.geography.key().to_string(),
        area_name,
        region_name,
        value,
        symbol,
        source: figure.source.clone(),
        file: String::new(),
    }
}

impl UserHandle {
    /// Imports published figures from a file in the explore-education-statistics layout
    /// (`file` is its name, kept with each figure; `bytes` its contents). The file is read
    /// whole first: any problem refuses it, naming the row, column and rule, and nothing is
    /// stored. Otherwise, in one transaction, the figures the same file brought before are
    /// replaced by these (so importing it again changes nothing), and any figure for the same
    /// measure, year and place from another file is replaced. Columns naming no measure careful
    /// knows are reported, not read; a file with no measure careful knows is refused. For
    /// performance analysts and administrators; audited.
    pub async fn import_benchmarks(&self, file: &str, bytes: &[u8]) -> Result<BenchmarkImportReport, AppError> {
        self.decide(Action::ManageBenchmarks, Resource::Council, None).await?;
        let read = read_ees(file, bytes, file).map_err(AppError::BenchmarkFile)?;
        if read.measures.is_empty() {
            return Err(AppError::BenchmarkFile(vec![careful_insight::benchmarks::ReadError {
                file: file.to_string(),
                row: Some(1),
                column: None,
                rule: format!(
                    "no column names a measure careful computes (name each by careful's indicator code, such as \
                     re_referrals_12_months); columns not read: {}",
                    if read.not_read.is_empty() { "none".to_string() } else { read.not_read.join(", ") }
                ),
            }]));
        }
        let rows: Vec<BenchmarkFigureRow> =
            read.figures.iter().map(|f| BenchmarkFigureRow { file: file.to_string(), ..row_of(f) }).collect();
        let suppressed = read.figures.iter().filter(|f| f.value.value().is_none()).count();
        let mut periods: Vec<CollectionYear> = read.figures.iter().map(|f| f.period).collect();
        periods.sort();
        periods.dedup();

        let mut tx = self.app().store().begin().await?;
        let done = tx.replace_benchmark_figures(file, &rows, self.app().now()).await?;
        self.audit_in(
            &mut tx,
            Event::new(
                Action::ManageBenchmarks.code(),
                Outcome::Allowed,
                format!(
                    "Imported {} published figures ({} suppressed) for {} from {file}, replacing {} it had brought before",
                    rows.len(),
                    suppressed,
                    periods.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                    done.removed
                ),
            )
            .subject(file.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(BenchmarkImportReport {
            file: file.to_string(),
            rows: read.rows,
            figures: rows.len(),
            suppressed,
            measures: read.measures,
            not_read: read.not_read,
            periods,
            replaced: done.removed,
        })
    }

    /// Sets the council's statistical neighbours (up to 10 local authorities, by GSS code or DfE
    /// number, kept as GSS codes in force), and the council's own local authority code if given
    /// (`None` keeps the one set before; there must be one). For performance analysts and
    /// administrators; audited.
    pub async fn set_statistical_neighbours(
        &self,
        council: Option<&str>,
        neighbours: &[String],
    ) -> Result<StatisticalNeighbours, AppError> {
        self.decide(Action::ManageBenchmarks, Resource::Council, None).await?;
        let store = self.app().store();
        let council = match council {
            Some(code) => authority_code(code).map_err(|e| AppError::invalid("council", e))?,
            None => match stored_neighbours(store).await? {
                Some(set) => set.council,
                None => {
                    return Err(AppError::invalid(
                        "council",
                        "careful does not know the council's own local authority code yet: give it (--council)",
                    ));
                }
            },
        };
        if neighbours.is_empty() || neighbours.len() > MOST_NEIGHBOURS {
            return Err(AppError::invalid(
                "neighbours",
                format!("give between 1 and {MOST_NEIGHBOURS} statistical neighbours (DfE's lists name 10)"),
            ));
        }
        let mut codes: Vec<String> = Vec::new();
        let mut problems = Vec::new();
        for n in neighbours {
            match authority_code(n) {
                Ok(code) if code == council => problems.push(format!("{code} is the council itself")),
                Ok(code) if codes.contains(&code) => problems.push(format!("{code} is given twice")),
                Ok(code) => codes.push(code),
                Err(e) => problems.push(e),
            }
        }
        if !problems.is_empty() {
            return Err(AppError::invalid("neighbours", problems.join("; ")));
        }
        let set = StatisticalNeighbours { council, neighbours: codes };
        let json = serde_json::json!({ "council": set.council, "neighbours": set.neighbours }).to_string();
        let mut tx = store.begin().await?;
        tx.put_setting(NEIGHBOURS_SETTING, &json).await?;
        self.audit_in(
            &mut tx,
            Event::new(
                Action::ManageBenchmarks.code(),
                Outcome::Allowed,
                format!(
                    "Set the council's code to {} and its statistical neighbours to {}",
                    set.council,
                    set.neighbours.join(", ")
                ),
            )
            .subject(NEIGHBOURS_SETTING),
        )
        .await?;
        tx.commit().await?;
        Ok(set)
    }

    /// The council's code and statistical neighbours, if set. For anyone who may see the
    /// council's figures.
    pub async fn statistical_neighbours(&self) -> Result<Option<StatisticalNeighbours>, AppError> {
        self.decide(Action::ViewFigures, Resource::Council, None).await?;
        stored_neighbours(self.app().store()).await
    }

    /// The council's indicators for `period` ([`UserHandle::indicators`]) beside the published
    /// figures for the collection year `period` ends in: England's (shipped with careful, or
    /// imported, which take precedence), its region's, its statistical neighbours' average, and
    /// its rank and quartile among every local authority with a figure. One row per indicator.
    /// Aggregates only; audited.
    pub async fn benchmarks(&self, period: Period, population: Option<u64>) -> Result<Vec<BenchmarkRow>, AppError> {
        let (indicators, _) = self.indicators(period, population).await?;
        let year = published_year(period).ok_or_else(|| AppError::invalid("to", "outside the years careful knows"))?;
        let store = self.app().store();
        // careful's own figures are tested to parse; were they not, each problem is named.
        let shipped = national_figures().map_err(AppError::BenchmarkFile)?;
        let imported: Vec<PublishedFigure> = store.benchmark_figures().await?.iter().filter_map(figure_of).collect();
        let figures = merge(shipped, imported);
        let council = stored_neighbours(store).await?;
        let rows = compare(&indicators, year, &figures, council.as_ref());
        self.audit(
            Event::new(
                Action::ViewFigures.code(),
                Outcome::Allowed,
                format!(
                    "Compared the council's indicators from {} to {} with the published figures for {year}",
                    period.from, period.to
                ),
            )
            .subject("benchmarks"),
        )
        .await?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_numbers_become_gss_codes_in_force() {
        assert_eq!(authority_code("E09000007").unwrap(), "E09000007");
        assert_eq!(authority_code(" e09000007 ").unwrap(), "E09000007");
        assert_eq!(authority_code("202").unwrap(), "E09000007");
        assert!(authority_code("E99999999").unwrap_err().contains("not an English local authority"));
    }

    #[test]
    fn figures_round_trip_through_their_stored_rows() {
        for figure in national_figures().unwrap().into_iter().take(3).chain([PublishedFigure {
            measure: "three_placements",
            period: "2024-25".parse().unwrap(),
            geography: Geography::LocalAuthority {
                code: "E09000007".into(),
                name: "Camden".into(),
                region: "London".into(),
            },
            value: Published::Suppressed(Suppressed::Confidential),
            source: "made up".into(),
        }]) {
            assert_eq!(figure_of(&row_of(&figure)), Some(figure.clone()));
        }
        let settings = r#"{"council":"E09000007","neighbours":["E09000001","E09000002"]}"#;
        assert_eq!(parse_neighbours(settings).unwrap().neighbours.len(), 2);
        assert!(parse_neighbours("{}").is_err());
    }
}
