//! `/flows/` and one page per flow: its versions, what changed, and the steps
//! added and removed from one version to the next.

use serde::Serialize;

use super::compare::{self, ComparisonView};
use super::{MetricRef, PageView, filter_text, markdown, metric_ref};
use crate::analytics::Report;
use crate::analytics::compare::SubjectKind;
use crate::data::flows::Flow;
use crate::plan::Plan;
use crate::url;

#[derive(Serialize)]
struct FlowSummary {
    id: String,
    name: String,
    url: String,
    filter: String,
    owner: Option<String>,
    versions: usize,
    latest: Option<(String, String)>,
}

#[derive(Serialize)]
struct VersionView {
    version: String,
    date: String,
    summary: String,
    changes: Vec<String>,
    steps: Vec<String>,
    added: Vec<String>,
    removed: Vec<String>,
    /// The version it is compared with.
    previous: Option<String>,
    /// The flow's metrics before and after this version went live.
    comparisons: Vec<ComparisonView>,
}

#[derive(Serialize)]
struct FlowView {
    flow: FlowSummary,
    description: Option<String>,
    metrics: Vec<MetricRef>,
    /// Newest first.
    versions: Vec<VersionView>,
    /// The versions are the commits that changed the flow's file.
    from_history: bool,
    /// The file's own steps, shown when no version has any.
    steps: Vec<String>,
}

#[derive(Serialize)]
struct ListView {
    flows: Vec<FlowSummary>,
}

fn summary(flow: &Flow) -> FlowSummary {
    FlowSummary {
        id: flow.id.clone(),
        name: flow.name.clone(),
        url: url::flow(&flow.id),
        filter: filter_text(&flow.filter),
        owner: flow.owner.clone(),
        versions: flow.versions.len(),
        latest: flow
            .versions
            .last()
            .map(|v| (v.version.clone(), v.date.to_string())),
    }
}

/// The steps of `new` that `old` lacks, in `new`'s order.
fn missing_from(new: &[String], old: &[String]) -> Vec<String> {
    new.iter().filter(|s| !old.contains(s)).cloned().collect()
}

pub fn pages(plan: &Plan, report: &Report) -> Vec<PageView> {
    let flows = &plan.data.flows;
    let list = ListView {
        flows: flows.iter().map(summary).collect(),
    };
    let mut pages = vec![PageView::new(
        url::FLOWS,
        "flows.html",
        plan.catalog.t("Flows", &[]),
        &list,
    )];
    for flow in flows {
        let mut versions = Vec::new();
        for (i, v) in flow.versions.iter().enumerate() {
            let prev = i.checked_sub(1).map(|j| &flow.versions[j]);
            let no_steps = Vec::new();
            let old = prev.map_or(&no_steps, |p| &p.steps);
            versions.push(VersionView {
                version: v.version.clone(),
                date: v.date.to_string(),
                summary: v.summary.clone(),
                changes: v.changes.clone(),
                steps: v.steps.clone(),
                added: if prev.is_some() {
                    missing_from(&v.steps, old)
                } else {
                    Vec::new()
                },
                removed: missing_from(old, &v.steps),
                previous: prev.map(|p| p.version.clone()),
                comparisons: compare::of(
                    plan,
                    &report.comparisons,
                    SubjectKind::Flow,
                    &flow.id,
                    Some(&v.version),
                ),
            });
        }
        versions.reverse();
        let view = FlowView {
            flow: summary(flow),
            description: markdown(flow.description.as_deref(), &url::flow(&flow.id)),
            metrics: flow.metrics.iter().map(|m| metric_ref(plan, m)).collect(),
            versions,
            from_history: flow.from_history,
            steps: flow.steps.clone(),
        };
        pages.push(
            PageView::new(view.flow.url.clone(), "flow.html", flow.name.clone(), &view)
                .showing([flow.source.clone(), "data/kpis/".to_owned()]),
        );
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_differences_keep_order() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let old = s(&["greet", "menu", "agent"]);
        let new = s(&["greet", "intent", "faq", "agent"]);
        assert_eq!(missing_from(&new, &old), s(&["intent", "faq"]));
        assert_eq!(missing_from(&old, &new), s(&["menu"]));
    }
}
