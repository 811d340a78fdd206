//! `/okrs/` and one page per OKR period: key results scored at `as_of`.

use serde::Serialize;

use super::{PageView, filter_text, metric_ref};
use crate::analytics::scoring::KrStatus;
use crate::analytics::{KrResult, Report};
use crate::charts::ChartView;
use crate::data::okrs::OkrPeriod;
use crate::plan::Plan;
use crate::url;

/// A period in a list, with its key results counted by status.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodSummary {
    pub id: String,
    pub start: String,
    pub end: String,
    pub url: String,
    pub key_results: usize,
    /// (status, count) for every status, in a fixed order.
    pub counts: Vec<(&'static str, usize)>,
}

#[derive(Serialize)]
struct PeriodView {
    period: PeriodSummary,
    objectives: Vec<ObjectiveView>,
    chart: Option<ChartView>,
}

#[derive(Serialize)]
pub struct ObjectiveView {
    id: String,
    title: String,
    owner: Option<String>,
    business_area: Option<String>,
    key_results: Vec<KrView>,
}

#[derive(Serialize)]
pub struct KrView {
    id: String,
    title: String,
    owner: String,
    deadline: String,
    baseline: f64,
    target: f64,
    current: Option<f64>,
    unit: String,
    /// Where the current value comes from: a metric (and filter) or by hand.
    metric: Option<super::MetricRef>,
    filter: String,
    period: Option<String>,
    progress: Option<f64>,
    expected: f64,
    status: KrStatus,
    /// The metric's trend, read on the deadline.
    projected: Option<f64>,
    /// When the trend reaches the target, if it is heading there.
    reaches_target: Option<String>,
    /// The recent level the status is read from.
    level: Option<crate::analytics::level::Level>,
    /// A trend was fitted but is not clear enough to project.
    trend_unclear: bool,
}

#[derive(Serialize)]
struct ListView {
    periods: Vec<PeriodSummary>,
}

pub fn summary(report: &Report, period: &OkrPeriod) -> PeriodSummary {
    let all: Vec<&KrResult> = report.key_results(period).map(|(_, _, r)| r).collect();
    PeriodSummary {
        id: period.id.clone(),
        start: period.start.to_string(),
        end: period.end.to_string(),
        url: url::okr_period(&period.id),
        key_results: all.len(),
        counts: KrStatus::ALL
            .iter()
            .map(|s| (s.as_str(), all.iter().filter(|r| r.status == *s).count()))
            .collect(),
    }
}

pub fn pages(plan: &Plan, report: &Report) -> Vec<PageView> {
    let okrs = &plan.data.okrs;
    let list = ListView {
        periods: okrs.iter().rev().map(|p| summary(report, p)).collect(),
    };
    let mut pages = vec![PageView::new(
        url::OKRS,
        "okrs.html",
        plan.catalog.t("OKRs", &[]),
        &list,
    )];
    for period in okrs {
        let view = PeriodView {
            period: summary(report, period),
            objectives: objectives(plan, report, period),
            chart: super::charts::okr_progress(plan, report, period),
        };
        let title = plan.catalog.t("OKRs {id}", &[("id", &period.id)]);
        pages.push(
            PageView::new(view.period.url.clone(), "okr.html", title, &view)
                .showing([period.source.clone(), "data/kpis/".to_owned()]),
        );
    }
    pages
}

/// The objectives of a period with their key results scored: the period's
/// page and the `okr_table` component show them.
pub fn objectives(plan: &Plan, report: &Report, period: &OkrPeriod) -> Vec<ObjectiveView> {
    period
        .objectives
        .iter()
        .map(|o| ObjectiveView {
            id: o.id.clone(),
            title: o.title.clone(),
            owner: o.owner.clone(),
            business_area: o.business_area.clone(),
            key_results: o
                .key_results
                .iter()
                .filter_map(|kr| Some((kr, report.key_result(&period.id, &kr.id)?)))
                .map(|(kr, r)| {
                    let metric = kr.metric.as_deref().map(|m| metric_ref(plan, m));
                    KrView {
                        id: kr.id.clone(),
                        title: kr.title.clone(),
                        owner: kr.owner.clone(),
                        deadline: kr.deadline.to_string(),
                        baseline: kr.baseline,
                        target: kr.target,
                        current: r.current,
                        unit: metric.as_ref().map(|m| m.unit.clone()).unwrap_or_default(),
                        metric,
                        filter: filter_text(&kr.filter),
                        period: r.period.map(|p| p.label()),
                        progress: r.progress,
                        expected: r.expected,
                        status: r.status,
                        projected: r.projected,
                        reaches_target: r.reaches_target.map(|d| d.to_string()),
                        level: r.level,
                        trend_unclear: r.trend_clear == Some(false)
                            && r.status != KrStatus::Overdue,
                    }
                })
                .collect(),
        })
        .collect()
}
