//! `/kpis/` and one page per metric.

use serde::Serialize;

use super::compare::{ComparisonView, plain as comparison_line};
use super::{PageView, markdown};
use crate::analytics::Report;
use crate::analytics::kpi::{KpiSummary, Latest, Series, Verdict};
use crate::analytics::series::Point;
use crate::analytics::signals::{Assurance, Signal};
use crate::charts::{self, ChartView};
use crate::data::Metric;
use crate::plan::Plan;
use crate::url;

/// A metric's headline: its latest period against the one before.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub direction: crate::data::Direction,
    pub url: String,
    pub business_area: Option<String>,
    pub target: Option<f64>,
    pub latest: Option<LatestView>,
    /// Inline SVG of the recent periods, when there are two or more.
    pub sparkline: Option<String>,
    /// Inline SVG of the latest value against the target.
    pub bullet: Option<String>,
    /// What the latest complete period says on the process behaviour
    /// chart; `None` with too few complete periods.
    pub signal: Option<Signal>,
    /// Whether the process meets the target; `None` without one.
    pub assurance: Option<Assurance>,
}

/// How many recent periods a card's sparkline draws.
const SPARK_PERIODS: usize = 12;

#[derive(Debug, Clone, Serialize)]
pub struct LatestView {
    pub period: String,
    pub value: f64,
    pub n: u32,
    /// The period was still running on `as_of`.
    pub partial: bool,
    pub previous: Option<f64>,
    pub delta: Option<f64>,
    pub pct_change: Option<f64>,
    pub verdict: Option<Verdict>,
    /// Whether the value meets the metric's target, when it has one.
    pub on_target: Option<bool>,
}

pub fn latest_view(latest: &Latest, metric: &Metric) -> LatestView {
    LatestView {
        period: latest.period.label(),
        value: latest.value,
        n: latest.n,
        partial: latest.partial,
        previous: latest.previous,
        delta: latest.delta,
        pct_change: latest.pct_change,
        verdict: latest.verdict,
        on_target: metric
            .target
            .map(|t| (latest.value - t) * metric.direction.sign() >= 0.0),
    }
}

pub fn card(metric: &Metric, summary: &KpiSummary) -> Card {
    card_of(metric, &summary.overall)
}

/// The card of one series of a metric: overall, or for a filter.
/// The recent periods of a series as an inline SVG.
fn sparkline(series: &Series, metric: &Metric) -> Option<String> {
    let points = &series.points;
    let recent: Vec<Option<f64>> = points[points.len().saturating_sub(SPARK_PERIODS)..]
        .iter()
        .map(|p| p.value)
        .collect();
    charts::svg::sparkline(&recent, metric.target)
}

pub fn card_of(metric: &Metric, series: &Series) -> Card {
    let latest = series.latest.as_ref().map(|l| latest_view(l, metric));
    let bullet = latest
        .as_ref()
        .zip(metric.target)
        .and_then(|(l, t)| charts::svg::bullet(l.value, t, l.on_target.unwrap_or(false)));
    Card {
        sparkline: sparkline(series, metric),
        bullet,
        id: metric.id.clone(),
        name: metric.name.clone(),
        unit: metric.unit.clone(),
        direction: metric.direction,
        url: url::kpi(&metric.id),
        business_area: metric.business_area.clone(),
        target: metric.target,
        latest,
        signal: series.judgement.map(|j| j.signal),
        assurance: series.judgement.and_then(|j| j.assurance),
    }
}

#[derive(Serialize)]
struct ListView {
    metrics: Vec<Card>,
}

#[derive(Serialize)]
struct MetricView {
    card: Card,
    description: Option<String>,
    aggregate: String,
    periods: Vec<PointView>,
    trend: Option<TrendView>,
    chart: Option<ChartView>,
    dimensions: Vec<DimensionView>,
    /// Changes measured on this metric, newest first.
    comparisons: Vec<ComparisonView>,
}

#[derive(Serialize)]
struct TrendView {
    /// Change per trend period.
    slope: f64,
    slope_se: Option<f64>,
    /// Periods the line was fitted on.
    n: usize,
    /// The slope stands clear of its uncertainty, autocorrelation counted.
    clear: bool,
    /// The date the trend reaches the target, when it is heading there.
    reaches_target: Option<String>,
}

fn trend_view(series: &Series) -> Option<TrendView> {
    series.trend.map(|t| TrendView {
        slope: t.slope,
        slope_se: t.slope_se,
        n: t.n,
        clear: t.clear,
        reaches_target: series.reaches_target.map(|d| d.to_string()),
    })
}

#[derive(Serialize)]
struct ValueView {
    value: String,
    latest: Option<LatestView>,
    trend: Option<TrendView>,
    sparkline: Option<String>,
    /// This value's own process behaviour chart, as on the card.
    signal: Option<Signal>,
    assurance: Option<Assurance>,
}

#[derive(Serialize)]
struct PointView {
    period: String,
    value: Option<f64>,
    n: u32,
}

#[derive(Serialize)]
struct DimensionView {
    name: String,
    values: Vec<ValueView>,
    /// Recent periods × values, when there are few enough values to read as a table.
    matrix: Option<Matrix>,
    chart: Option<ChartView>,
}

#[derive(Serialize)]
struct Matrix {
    columns: Vec<String>,
    rows: Vec<(String, Vec<Option<f64>>)>,
}

/// How many recent periods the tables show per dimension.
const MATRIX_PERIODS: usize = 12;
/// A dimension with more values than this gets only the latest-vs-previous table.
const MATRIX_VALUES: usize = 8;

pub fn pages(plan: &Plan, report: &Report) -> Vec<PageView> {
    let metrics = &plan.data.metrics;
    let cards = report.metrics(metrics).map(|(m, s)| card(m, s)).collect();
    let mut pages = vec![PageView::new(
        url::KPIS,
        "kpis.html",
        plan.catalog.t("KPIs", &[]),
        &ListView { metrics: cards },
    )];
    for (metric, summary) in report.metrics(metrics) {
        let view = MetricView {
            card: card(metric, summary),
            description: markdown(metric.description.as_deref(), &url::kpi(&metric.id)),
            aggregate: format!("{:?}", metric.aggregate).to_lowercase(),
            periods: summary
                .overall
                .points
                .iter()
                .rev()
                .map(point_view)
                .collect(),
            trend: trend_view(&summary.overall),
            chart: super::charts::trend(
                plan,
                report,
                metric,
                &crate::data::Filter::default(),
                &summary.overall,
            ),
            dimensions: summary
                .dimensions
                .iter()
                .map(|d| DimensionView {
                    name: d.dimension.clone(),
                    values: d
                        .values
                        .iter()
                        .map(|(v, s)| ValueView {
                            value: v.clone(),
                            latest: s.latest.as_ref().map(|l| latest_view(l, metric)),
                            trend: trend_view(s),
                            sparkline: sparkline(s, metric),
                            signal: s.judgement.map(|j| j.signal),
                            assurance: s.judgement.and_then(|j| j.assurance),
                        })
                        .collect(),
                    matrix: (d.values.len() <= MATRIX_VALUES).then(|| matrix(summary, d)),
                    chart: super::charts::breakdown(plan, metric, &summary.overall.points, d),
                })
                .collect(),
            comparisons: {
                let mut list: Vec<ComparisonView> = report
                    .comparisons
                    .iter()
                    .filter(|c| c.metric == metric.id)
                    .map(|c| comparison_line(plan, c))
                    .collect();
                list.sort_by(|a, b| b.change_date.cmp(&a.change_date));
                list
            },
        };
        pages.push(
            PageView::new(url::kpi(&metric.id), "kpi.html", metric.name.clone(), &view)
                .showing(["data/metrics.toml", "data/kpis/"])
                .about(crate::data::RecordKind::Metric, &metric.id),
        );
    }
    pages
}

fn point_view(p: &Point) -> PointView {
    PointView {
        period: p.period.label(),
        value: p.value,
        n: p.n,
    }
}

fn matrix(summary: &KpiSummary, breakdown: &crate::analytics::kpi::Breakdown) -> Matrix {
    let periods: Vec<_> = summary
        .overall
        .points
        .iter()
        .rev()
        .take(MATRIX_PERIODS)
        .map(|p| p.period)
        .collect();
    let rows = periods
        .iter()
        .map(|period| {
            let cells = breakdown
                .values
                .iter()
                .map(|(_, s)| s.value_in(*period))
                .collect();
            (period.label(), cells)
        })
        .collect();
    Matrix {
        columns: breakdown.values.iter().map(|(v, _)| v.clone()).collect(),
        rows,
    }
}
