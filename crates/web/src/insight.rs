//! The figures pages: the council's indicators (`/insight`), each team's and worker's part of
//! them (`/insight/teams`), and the scrutiny report (`/insight/scrutiny`). Aggregates only: no
//! page here names a child. Each reads the record through the app as the signed-in person
//! ([`careful_app::UserHandle::indicators`], [`careful_app::UserHandle::indicators_by_part`],
//! [`careful_app::UserHandle::scrutiny_report`]), which authorises and audits.
//!
//! Every chart is drawn on the server as SVG ([`Chart`]), with a title and a description for
//! assistive technology, and its data in a table beside it.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use careful_app::insight::{PartFigures, rule_duty};
use careful_app::{App, AppError};
use careful_domain::CollectionYear;
use careful_insight::scrutiny::{Line, Published, ScrutinyReport};
use careful_insight::{Indicator, Period, Polarity, Unit};

use crate::pages::{Layout, failure, render};
use crate::session::Me;

/// The period a figures page shows, as its form asks for it.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct PeriodQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    population: String,
}

/// The collection years a figures page offers: the one in progress and the five before it.
fn years(app: &App) -> Vec<CollectionYear> {
    let mut out = Vec::new();
    let mut year = CollectionYear::containing(app.today());
    while let Some(y) = year
        && out.len() < 6
    {
        out.push(y);
        year = Some(y.previous());
    }
    out
}

/// The year asked for, or the last one ended; an error naming the field for anything else.
fn chosen_year(app: &App, query: &PeriodQuery) -> Result<CollectionYear, AppError> {
    let offered = years(app);
    if query.year.trim().is_empty() {
        return offered.get(1).or(offered.first()).copied().ok_or_else(|| AppError::invalid("year", "no year to show"));
    }
    let year: CollectionYear = query
        .year
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("year", "choose a collection year, such as 2025-26"))?;
    if offered.contains(&year) {
        Ok(year)
    } else {
        Err(AppError::invalid("year", "choose one of the collection years offered"))
    }
}

/// The form's population: empty, or a whole number of children from 1.
fn chosen_population(query: &PeriodQuery) -> Result<Option<u64>, AppError> {
    let text = query.population.trim().replace(',', "");
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u64>() {
        Ok(n) if n > 0 => Ok(Some(n)),
        _ => Err(AppError::invalid(
            "population",
            "enter the number of children aged 0 to 17 in the area as a whole number, such as 48,500",
        )),
    }
}

/// The period of a collection year, with the year's label; to date for the year in progress.
fn period_of(app: &App, year: CollectionYear) -> Period {
    Period { from: year.first_day(), to: year.last_day().min(app.today().max(year.first_day())) }
}

/// A bar chart drawn on the server: SVG with a title and description, then its data as a table.
#[derive(Template)]
#[template(path = "chart.html")]
pub(crate) struct Chart {
    /// Unique on the page, for the SVG's title and description ids.
    id: String,
    title: String,
    /// What the chart shows, for those who cannot see it.
    description: String,
    /// The table's column heading for the values ("Percentage", "Children per worker").
    value_heading: &'static str,
    /// The table's column heading for what each figure counts, or where it is from.
    counts_heading: &'static str,
    bars: Vec<Bar>,
    height: u32,
}

/// One bar.
struct Bar {
    label: String,
    /// The value as the table prints it ("84.5%").
    text: String,
    /// The numerator and denominator as the table prints them ("169 of 200").
    counts: String,
    /// Where the label sits, in SVG units.
    y: u32,
    /// The bar's length, in SVG units (0 for no figure).
    length: u32,
}

/// The SVG's width, and where bars begin and how long the longest may be.
const CHART_WIDTH: u32 = 640;
const BAR_MAX: u32 = 520;
const ROW: u32 = 48;

/// One bar of a chart, before it is laid out.
pub(crate) struct Point {
    label: String,
    value: Option<f64>,
    /// The value as the table prints it.
    text: String,
    /// What was counted, as the table prints it ("169 of 200"), or where the figure is from.
    counts: String,
}

impl Point {
    fn of(label: String, i: &Indicator) -> Point {
        Point { label, value: i.value(), text: i.formatted(), counts: format!("{} of {}", i.numerator, i.denominator) }
    }
}

impl Chart {
    /// A chart of `indicators` (all in the same unit), each bar its figure.
    fn of(id: &str, title: String, indicators: &[(String, &Indicator)]) -> Chart {
        let percent = indicators.iter().all(|(_, i)| i.unit == Unit::Percent);
        let points = indicators.iter().map(|(label, i)| Point::of(label.clone(), i)).collect();
        Chart::new(id, title, percent, "Counted", points)
    }

    /// A chart of `points`: percentages on a scale of 0 to 100, other figures on a scale to the
    /// largest. `counts_heading` heads the table's column of what each figure counts.
    fn new(id: &str, title: String, percent: bool, counts_heading: &'static str, points: Vec<Point>) -> Chart {
        let max = if percent {
            100.0
        } else {
            points.iter().filter_map(|p| p.value).fold(0.0_f64, f64::max).max(f64::MIN_POSITIVE)
        };
        let top = points
            .iter()
            .filter_map(|p| p.value.map(|v| (v, p)))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, p)| format!("The highest is {}, {}.", p.label, p.text));
        let description = match top {
            Some(top) if percent => format!(
                "Horizontal bar chart of {} percentages on a scale of 0 to 100. {top} The figures are in the table below.",
                points.len()
            ),
            Some(top) => {
                format!("Horizontal bar chart of {} figures. {top} The figures are in the table below.", points.len())
            }
            None => "There are no figures to chart for this period.".into(),
        };
        let bars: Vec<Bar> = points
            .into_iter()
            .enumerate()
            .map(|(n, p)| Bar {
                label: p.label,
                text: p.text,
                counts: p.counts,
                y: n as u32 * ROW + 16,
                length: p
                    .value
                    .map_or(0, |v| ((v / max) * f64::from(BAR_MAX)).round().clamp(0.0, f64::from(BAR_MAX)) as u32),
            })
            .collect();
        let height = bars.len() as u32 * ROW + 8;
        Chart {
            id: id.to_string(),
            title,
            description,
            value_heading: if percent { "Percentage" } else { "Figure" },
            counts_heading,
            bars,
            height,
        }
    }

    fn width(&self) -> u32 {
        CHART_WIDTH
    }

    /// Where a bar's value is written: just past its end.
    fn value_x(&self, bar: &Bar) -> u32 {
        bar.length + 6
    }
}

/// One indicator as the figures table shows it.
struct IndicatorRow {
    name: &'static str,
    definition: &'static str,
    figure: String,
    numerator: u64,
    denominator: u64,
    better: &'static str,
}

impl IndicatorRow {
    fn of(i: &Indicator) -> IndicatorRow {
        IndicatorRow {
            name: i.name,
            definition: i.definition,
            figure: i.formatted(),
            numerator: i.numerator,
            denominator: i.denominator,
            better: match i.polarity {
                Polarity::HigherBetter => "Higher is better",
                Polarity::LowerBetter => "Lower is better",
                Polarity::Context => "Context",
            },
        }
    }
}

#[derive(Template)]
#[template(path = "insight.html")]
struct FiguresPage {
    layout: Layout,
    form: PeriodForm,
    period: String,
    timeliness: Chart,
    rows: Vec<IndicatorRow>,
    rates_left_out: bool,
    overdue: Vec<(String, &'static str, u64)>,
    may_see_parts: bool,
}

/// The period form, as every figures page shows it.
struct PeriodForm {
    action: &'static str,
    years: Vec<(String, bool)>,
    population: String,
    /// Show the population field (the council's page only).
    with_population: bool,
}

impl PeriodForm {
    fn new(app: &App, action: &'static str, chosen: CollectionYear, population: &str, with_population: bool) -> Self {
        let today = app.today();
        let years = years(app)
            .into_iter()
            .map(|y| {
                let label = if y.contains(today) { format!("{y} (to date)") } else { y.to_string() };
                (label, y == chosen)
            })
            .collect();
        PeriodForm { action, years, population: population.to_string(), with_population }
    }

    /// The year's value in the select (the label without " (to date)").
    fn value(label: &str) -> &str {
        label.split(' ').next().unwrap_or(label)
    }
}

fn describe(period: Period) -> String {
    format!(
        "{} to {}",
        careful_domain::calendar::long_date(period.from),
        careful_domain::calendar::long_date(period.to)
    )
}

/// `GET /insight`: the council's indicators.
pub(crate) async fn figures(State(app): State<App>, me: Me, Query(query): Query<PeriodQuery>) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/insight");
    let (year, population) = match (chosen_year(&app, &query), chosen_population(&query)) {
        (Ok(y), Ok(p)) => (y, p),
        (Err(e), _) | (_, Err(e)) => return failure(&layout, e),
    };
    let period = period_of(&app, year);
    let (indicators, overdue) = match me.handle.indicators(period, population).await {
        Ok(found) => found,
        Err(error) => return failure(&layout, error),
    };
    let timely: Vec<(String, &Indicator)> = indicators
        .iter()
        .filter(|i| i.unit == Unit::Percent && i.polarity == Polarity::HigherBetter)
        .map(|i| (i.name.to_string(), i))
        .collect();
    let rows = indicators
        .iter()
        .filter(|i| population.is_some() || i.unit != Unit::PerTenThousand)
        .map(IndicatorRow::of)
        .collect();
    let may_see_parts = me.handle.may_see_any_part();
    render(
        StatusCode::OK,
        FiguresPage {
            form: PeriodForm::new(&app, "/insight", year, &query.population, true),
            period: describe(period),
            timeliness: Chart::of("timeliness", "Timeliness, stability and care leavers".into(), &timely),
            rows,
            rates_left_out: population.is_none(),
            overdue: overdue.into_iter().map(|(id, n)| (id.to_string(), rule_duty(id), n)).collect(),
            may_see_parts,
            layout,
        },
    )
}

/// One team's or worker's row in the parts table.
struct PartRow {
    name: String,
    team: String,
    overdue: u64,
    /// The figures of [`PART_COLUMNS`], in order.
    figures: Vec<String>,
}

/// The indicators the parts tables show, with their column headings.
const PART_COLUMNS: &[(&str, &str)] = &[
    ("caseload", "Average caseload"),
    ("social_worker_changes", "Children with 3 or more social workers"),
    ("assessments_45_working_days", "Assessments within 45 working days"),
    ("visits_on_time", "Visits on time"),
    ("reviews_on_time", "Reviews on time"),
];

impl PartRow {
    fn of(p: &PartFigures) -> PartRow {
        let figures = PART_COLUMNS
            .iter()
            .map(|(code, _)| {
                p.indicators
                    .iter()
                    .find(|i| i.code == *code)
                    .filter(|i| i.denominator > 0)
                    .map_or("–".into(), |i| i.formatted())
            })
            .collect();
        PartRow { name: p.name.clone(), team: p.team.clone(), overdue: p.overdue, figures }
    }
}

#[derive(Template)]
#[template(path = "insight-teams.html")]
struct PartsPage {
    layout: Layout,
    form: PeriodForm,
    period: String,
    columns: Vec<&'static str>,
    teams: Vec<PartRow>,
    workers: Vec<PartRow>,
    visits_chart: Chart,
}

/// `GET /insight/teams`: each team's and worker's part of the indicators.
pub(crate) async fn teams(State(app): State<App>, me: Me, Query(query): Query<PeriodQuery>) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/insight");
    let year = match chosen_year(&app, &query) {
        Ok(y) => y,
        Err(e) => return failure(&layout, e),
    };
    let period = period_of(&app, year);
    let parts = match me.handle.indicators_by_part(period).await {
        Ok(parts) => parts,
        Err(error) => return failure(&layout, error),
    };
    let visits: Vec<(String, &Indicator)> = parts
        .teams
        .iter()
        .filter_map(|t| t.indicators.iter().find(|i| i.code == "visits_on_time").map(|i| (t.name.clone(), i)))
        .collect();
    render(
        StatusCode::OK,
        PartsPage {
            form: PeriodForm::new(&app, "/insight/teams", year, "", false),
            period: describe(period),
            columns: PART_COLUMNS.iter().map(|(_, heading)| *heading).collect(),
            teams: parts.teams.iter().map(PartRow::of).collect(),
            workers: parts.workers.iter().map(PartRow::of).collect(),
            visits_chart: Chart::of("visits-by-team", "Statutory visits on time, by team".into(), &visits),
            layout,
        },
    )
}

/// One line of the scrutiny report as the page prints it.
struct ReportLine {
    label: String,
    count: String,
    of: String,
    percent: String,
}

impl ReportLine {
    fn of(line: &Line) -> ReportLine {
        ReportLine {
            label: line.label.clone(),
            count: line.count.text(),
            of: line.of.map(|o| o.text()).unwrap_or_default(),
            percent: line.percent().map(|p| format!("{p:.1}%")).unwrap_or_default(),
        }
    }
}

struct ReportSection {
    title: &'static str,
    question: &'static str,
    lines: Vec<ReportLine>,
}

#[derive(Template)]
#[template(path = "scrutiny.html")]
struct ScrutinyPage {
    layout: Layout,
    form: PeriodForm,
    period: String,
    sections: Vec<ReportSection>,
    suppressed: usize,
    produced: String,
}

/// `GET /insight/scrutiny`: the scrutiny report, printable from the browser.
pub(crate) async fn scrutiny(State(app): State<App>, me: Me, Query(query): Query<PeriodQuery>) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/insight");
    let year = match chosen_year(&app, &query) {
        Ok(y) => y,
        Err(e) => return failure(&layout, e),
    };
    let period = period_of(&app, year);
    let report: ScrutinyReport = match me.handle.scrutiny_report(period).await {
        Ok(report) => report,
        Err(error) => return failure(&layout, error),
    };
    let suppressed = report
        .sections
        .iter()
        .flat_map(|s| &s.lines)
        .filter(|l| l.count == Published::Suppressed || l.of == Some(Published::Suppressed))
        .count();
    render(
        StatusCode::OK,
        ScrutinyPage {
            form: PeriodForm::new(&app, "/insight/scrutiny", year, "", false),
            period: describe(period),
            sections: report
                .sections
                .iter()
                .map(|s| ReportSection {
                    title: s.title,
                    question: s.question,
                    lines: s.lines.iter().map(ReportLine::of).collect(),
                })
                .collect(),
            suppressed,
            produced: careful_domain::calendar::long_date(app.today()),
            layout,
        },
    )
}

/// One indicator beside the published figures, as the benchmarks table shows it.
struct BenchmarkLine {
    name: &'static str,
    council: String,
    england: String,
    region: String,
    neighbours: String,
    rank: String,
    quartile: String,
}

#[derive(Template)]
#[template(path = "insight-benchmarks.html")]
struct BenchmarksPage {
    layout: Layout,
    form: PeriodForm,
    period: String,
    published_year: String,
    region_name: String,
    neighbours: usize,
    lines: Vec<BenchmarkLine>,
    charts: Vec<Chart>,
}

/// A published cell as the page prints it: the figure in the indicator's unit, or the symbol
/// DfE published and what it means.
fn published_text(unit: Unit, c: Option<&careful_app::benchmarks::Comparator>) -> String {
    use careful_app::benchmarks::PublishedValue;
    match c {
        Some(c) => match c.value {
            PublishedValue::Value(v) => format!("{} ({})", unit.format(v), c.year),
            PublishedValue::Suppressed(s) => format!("{} ({}, {})", s.symbol(), s.describe(), c.year),
        },
        None => "–".into(),
    }
}

/// `GET /insight/benchmarks`: the council's indicators beside England, its region and its
/// statistical neighbours.
pub(crate) async fn benchmarks(State(app): State<App>, me: Me, Query(query): Query<PeriodQuery>) -> Response {
    let layout = Layout::new(&app, &me.visitor, "/insight");
    let (year, population) = match (chosen_year(&app, &query), chosen_population(&query)) {
        (Ok(y), Ok(p)) => (y, p),
        (Err(e), _) | (_, Err(e)) => return failure(&layout, e),
    };
    let period = period_of(&app, year);
    let rows = match me.handle.benchmarks(period, population).await {
        Ok(rows) => rows,
        Err(error) => return failure(&layout, error),
    };
    let shown: Vec<_> =
        rows.iter().filter(|r| population.is_some() || r.indicator.unit != Unit::PerTenThousand).collect();
    let region_name = shown.iter().find_map(|r| r.region_name.clone()).unwrap_or_default();
    let neighbours = shown.first().map_or(0, |r| r.neighbours);
    let lines = shown
        .iter()
        .map(|r| {
            let unit = r.indicator.unit;
            BenchmarkLine {
                name: r.indicator.name,
                council: r.indicator.formatted(),
                england: published_text(unit, r.england.as_ref()),
                region: published_text(unit, r.region.as_ref()),
                neighbours: r.neighbours_average.map_or("–".into(), |v| {
                    format!("{} ({} of {} with a figure)", unit.format(v), r.neighbours_with_figure, r.neighbours)
                }),
                rank: r.rank.map_or("–".into(), |rank| format!("{rank} of {}", r.of)),
                quartile: r.quartile.map_or("–".into(), |q| q.to_string()),
            }
        })
        .collect();
    // A chart for each indicator with a published figure to compare with.
    let charts = shown
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.england.as_ref().and_then(|c| c.value.value()).is_some()
                || r.region.as_ref().and_then(|c| c.value.value()).is_some()
                || r.neighbours_average.is_some()
        })
        .map(|(n, r)| {
            let unit = r.indicator.unit;
            let i = &r.indicator;
            let mut points = vec![Point {
                label: "This council".into(),
                value: i.value(),
                text: i.formatted(),
                counts: format!("careful's record: {} of {}", i.numerator, i.denominator),
            }];
            let published = |label: String, c: Option<&careful_app::benchmarks::Comparator>| Point {
                label,
                value: c.and_then(|c| c.value.value()),
                text: published_text(unit, c),
                counts: c.map(|c| c.source.clone()).unwrap_or_default(),
            };
            points.push(published("England".into(), r.england.as_ref()));
            if let Some(name) = &r.region_name {
                points.push(published(name.clone(), r.region.as_ref()));
            }
            if r.neighbours > 0 {
                points.push(Point {
                    label: "Statistical neighbours (average)".into(),
                    value: r.neighbours_average,
                    text: r.neighbours_average.map_or("–".into(), |v| unit.format(v)),
                    counts: format!("{} of {} neighbours with a figure", r.neighbours_with_figure, r.neighbours),
                });
            }
            Chart::new(&format!("benchmark-{n}"), i.name.to_string(), unit == Unit::Percent, "Source", points)
        })
        .collect();
    render(
        StatusCode::OK,
        BenchmarksPage {
            form: PeriodForm::new(&app, "/insight/benchmarks", year, &query.population, true),
            period: describe(period),
            published_year: rows.first().map(|r| r.period.to_string()).unwrap_or_default(),
            region_name,
            neighbours,
            lines,
            charts,
            layout,
        },
    )
}

/// The scenario form of the forecast page, as typed.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct ForecastQuery {
    #[serde(default)]
    entry_rate_change: String,
    #[serde(default)]
    step_down: String,
    #[serde(default)]
    kinship: String,
}

/// A percentage field: empty is `None`; otherwise a number, or an error naming the field.
fn percent_field(field: &'static str, text: &str) -> Result<Option<f64>, AppError> {
    let text = text.trim().trim_end_matches('%').trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| AppError::invalid(field, "enter a percentage as a number, such as 10 or -5"))
}

/// One category's forecast as the page shows it.
struct CategoryLine {
    name: String,
    /// Pounds a week, or "no figure".
    weekly: String,
    now: u32,
    year_one: String,
    year_two: String,
}

#[derive(Template)]
#[template(path = "insight-forecast.html")]
struct ForecastPage {
    layout: Layout,
    query: ForecastQuery,
    base: bool,
    start: String,
    reference: String,
    children_now: u32,
    chart: Chart,
    categories: Vec<CategoryLine>,
    cost: String,
    cost_sources: Vec<String>,
}

/// "612 (95% interval 580 to 640)".
fn band_text(b: &careful_insight::forecast::Band) -> String {
    format!("{:.0} (95% interval {:.0} to {:.0})", b.expected, b.low, b.high)
}

/// `GET /insight/forecast`: children looked after over the next two years, by placement type,
/// with their cost, from the record, for the base case or a scenario.
pub(crate) async fn forecast(State(app): State<App>, me: Me, Query(query): Query<ForecastQuery>) -> Response {
    use careful_app::forecast::ForecastRequest;
    use careful_insight::forecast::{DEFAULT_DRAWS, Scenario};

    let layout = Layout::new(&app, &me.visitor, "/insight");
    let scenario = match (
        percent_field("entry_rate_change", &query.entry_rate_change),
        percent_field("step_down", &query.step_down),
        percent_field("kinship", &query.kinship),
    ) {
        (Ok(entry), Ok(step_down), Ok(kinship)) => {
            Scenario { entry_rate_change: entry.unwrap_or(0.0), step_down: step_down.unwrap_or(0.0), kinship }
        }
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return failure(&layout, e),
    };
    let request = ForecastRequest {
        reference_from: None,
        reference_to: None,
        start: None,
        days: 730,
        draws: DEFAULT_DRAWS,
        seed: 1,
        every: 91,
        scenario,
        costs: None,
        band_starts: None,
    };
    let report = match me.handle.forecast(&request).await {
        Ok(report) => report,
        Err(error) => return failure(&layout, error),
    };
    let f = &report.forecast;
    let categories = report.space.categories();
    let at = |days: i64| f.points.iter().find(|p| (p.date - f.start).num_days() + 1 >= days).or(f.points.last());
    let (year_one, year_two) = (at(365), at(730));
    let mut now = vec![0u32; categories.len()];
    for (state, n) in f.initial.iter().enumerate() {
        now[report.space.category_of_state(state)] += n;
    }
    let category_lines =
        categories
            .iter()
            .enumerate()
            .map(|(c, category)| CategoryLine {
                name: category.name.clone(),
                weekly: report.costs.weekly.get(c).copied().flatten().map_or("no figure".into(), |w| {
                    format!("£{}", careful_app::validate::thousands(w.round() as usize))
                }),
                now: now.get(c).copied().unwrap_or(0),
                year_one: year_one.and_then(|p| p.categories.get(c)).map(band_text).unwrap_or_default(),
                year_two: year_two.and_then(|p| p.categories.get(c)).map(band_text).unwrap_or_default(),
            })
            .collect();
    let points = f
        .points
        .iter()
        .map(|p| Point {
            label: careful_domain::calendar::long_date(p.date),
            value: Some(p.total.expected),
            text: format!("{:.0}", p.total.expected),
            counts: format!("{:.0} to {:.0}", p.total.low, p.total.high),
        })
        .collect();
    render(
        StatusCode::OK,
        ForecastPage {
            base: request.scenario.is_base(),
            start: careful_domain::calendar::long_date(f.start),
            reference: describe(Period { from: report.fit.window.from, to: report.fit.window.to }),
            children_now: f.initial.iter().sum(),
            chart: Chart::new(
                "forecast-total",
                "Children looked after, forecast".into(),
                false,
                "95% interval",
                points,
            ),
            categories: category_lines,
            cost: format!(
                "£{:.1} million (95% interval £{:.1} million to £{:.1} million)",
                f.total_cost.expected / 1e6,
                f.total_cost.low / 1e6,
                f.total_cost.high / 1e6
            ),
            cost_sources: report.costs.sources.iter().fold(Vec::new(), |mut seen, s| {
                if !s.trim().is_empty() && !seen.contains(s) {
                    seen.push(s.clone());
                }
                seen
            }),
            query,
            layout,
        },
    )
}
