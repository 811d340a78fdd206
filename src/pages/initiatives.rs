//! `/initiatives/`: the action plan and its impact × effort matrix; and a
//! page per initiative, with what it is measured by and its own history.

use serde::Serialize;

use super::compare::{ComparisonView, view as comparison_view};
use super::{MetricRef, PageView, filter_text, metric_ref};
use crate::analytics::Report;
use crate::analytics::compare::SubjectKind;
use crate::analytics::scoring::{Quadrant, quadrant};
use crate::charts::ChartView;
use crate::data::initiatives::{Complexity, Level, Status};
use crate::plan::Plan;
use crate::url;

#[derive(Serialize)]
struct InitiativeView {
    id: String,
    url: String,
    title: String,
    owner: String,
    due: String,
    status: Status,
    impact: Level,
    effort: Level,
    complexity: Option<Complexity>,
    quadrant: Quadrant,
    metric: Option<MetricRef>,
    filter: String,
    launch: Option<String>,
    investment: Option<f64>,
    expected_value: Option<f64>,
    /// (expected_value − investment) / investment.
    roi: Option<f64>,
    /// No before/after comparison shows the metric improved.
    roi_is_estimate: bool,
    comparison: Option<ComparisonView>,
}

#[derive(Serialize)]
struct QuadrantView {
    id: Quadrant,
    title: String,
    advice: String,
    initiatives: Vec<String>,
}

#[derive(Serialize)]
struct View {
    currency: String,
    initiatives: Vec<InitiativeView>,
    quadrants: Vec<QuadrantView>,
    counts: Vec<(Status, usize)>,
    chart: Option<ChartView>,
}

#[derive(Serialize)]
struct OneView<'a> {
    currency: &'a str,
    initiative: &'a InitiativeView,
    /// Its place in the impact × effort matrix, in words.
    quadrant: &'a str,
}

pub fn pages(plan: &Plan, report: &Report) -> Vec<PageView> {
    let mut initiatives: Vec<InitiativeView> = plan
        .data
        .initiatives
        .iter()
        .filter_map(|i| Some((i, report.initiative(&i.id)?)))
        .map(|(i, r)| InitiativeView {
            id: i.id.clone(),
            url: url::initiative(&i.id),
            title: i.title.clone(),
            owner: i.owner.clone(),
            due: i.due.to_string(),
            status: i.status,
            impact: i.impact,
            effort: i.effort,
            complexity: i.complexity,
            quadrant: quadrant(i.impact, i.effort),
            metric: i.metric.as_deref().map(|m| metric_ref(plan, m)),
            filter: filter_text(&i.filter),
            launch: i.launch.map(|d| d.to_string()),
            investment: i.investment,
            expected_value: i.expected_value,
            roi: r.roi,
            roi_is_estimate: r.roi_is_estimate,
            comparison: report
                .comparison_of(SubjectKind::Initiative, &i.id)
                .map(|c| comparison_view(plan, c)),
        })
        .collect();
    initiatives.sort_by(|a, b| (&a.due, &a.id).cmp(&(&b.due, &b.id)));
    let t = |key| plan.catalog.t(key, &[]);
    let quadrants: Vec<QuadrantView> = [
        (
            Quadrant::QuickWin,
            t("Quick wins"),
            t("High value for little effort: do these first."),
        ),
        (
            Quadrant::MajorProject,
            t("Major projects"),
            t("High value, real effort: plan and staff them."),
        ),
        (
            Quadrant::FillIn,
            t("Fill-ins"),
            t("Little value, little effort: when there is slack."),
        ),
        (
            Quadrant::Thankless,
            t("Thankless tasks"),
            t("Little value for much effort: question them."),
        ),
    ]
    .into_iter()
    .map(|(id, title, advice)| QuadrantView {
        id,
        title,
        advice,
        initiatives: initiatives
            .iter()
            .filter(|i| i.quadrant == id)
            .map(|i| i.title.clone())
            .collect(),
    })
    .collect();
    let one: Vec<PageView> = initiatives
        .iter()
        .map(|i| {
            let quadrant = quadrants
                .iter()
                .find(|q| q.id == i.quadrant)
                .map_or("", |q| q.title.as_str());
            let view = OneView {
                currency: &plan.config.currency,
                initiative: i,
                quadrant,
            };
            // Only an initiative measured on a metric shows KPI rows.
            let kpis = i.metric.as_ref().map(|_| "data/kpis/");
            PageView::new(i.url.clone(), "initiative.html", i.title.clone(), &view)
                .showing(std::iter::once("data/initiatives.toml").chain(kpis))
                .about(crate::data::RecordKind::Initiative, &i.id)
        })
        .collect();
    let counts = [
        Status::Todo,
        Status::InProgress,
        Status::Done,
        Status::Blocked,
        Status::Dropped,
    ]
    .into_iter()
    .map(|s| (s, initiatives.iter().filter(|i| i.status == s).count()))
    .collect();
    let view = View {
        currency: plan.config.currency.clone(),
        initiatives,
        quadrants,
        counts,
        chart: super::charts::initiatives(plan),
    };
    let list = PageView::new(
        url::INITIATIVES,
        "initiatives.html",
        plan.catalog.t("Initiatives", &[]),
        &view,
    )
    .showing(["data/initiatives.toml", "data/kpis/"]);
    std::iter::once(list).chain(one).collect()
}
