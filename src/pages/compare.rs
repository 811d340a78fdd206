//! The view of a before/after comparison, shared by the flow, sprint,
//! review, initiative, KPI and home pages. The sentence that explains a
//! verdict in plain words is written by the `comparison` macro of
//! `templates/macros.html` from these numbers.

use serde::Serialize;

use super::{MetricRef, filter_text, metric_ref};
use crate::analytics::compare::{Comparison, Model, Outcome, Placebo, SubjectKind, TestFigures};
use crate::analytics::stats::Summary;
use crate::charts::ChartView;
use crate::plan::Plan;

#[derive(Debug, Clone, Serialize)]
pub struct ComparisonView {
    pub subject_kind: SubjectKind,
    pub subject_id: String,
    /// What changed, in words: `version 2.0 of WhatsApp FAQ bot`.
    pub subject: String,
    pub subject_url: String,
    /// The id of the comparison's block on the page of what changed.
    pub anchor: String,
    /// That block's path: where a list that shows the comparison in a line
    /// links to.
    pub url: String,
    pub version: Option<String>,
    pub metric: MetricRef,
    pub direction: crate::data::Direction,
    pub filter: String,
    pub change_date: String,
    pub before_window: (String, String),
    pub after_window: (String, String),
    pub window_days: u32,
    pub before: Option<Summary>,
    pub after: Option<Summary>,
    pub delta: Option<f64>,
    pub pct_change: Option<f64>,
    #[serde(flatten)]
    pub test: TestFigures,
    pub model: Option<Model>,
    pub placebo: Option<Placebo>,
    pub alpha: f64,
    pub min_days: usize,
    pub verdict: Outcome,
    /// The daily values of both windows with their means.
    pub chart: Option<ChartView>,
}

pub fn view(plan: &Plan, c: &Comparison) -> ComparisonView {
    ComparisonView {
        chart: super::charts::before_after(plan, c),
        ..plain(plan, c)
    }
}

/// The view without its chart, for lists that show a comparison in a line.
pub fn plain(plan: &Plan, c: &Comparison) -> ComparisonView {
    let (subject, subject_url) = super::subject::of(plan, c);
    let direction = plan
        .data
        .metric(&c.metric)
        .map_or(crate::data::Direction::Higher, |m| m.direction);
    let filter = filter_text(&c.filter);
    let (anchor, url) = crate::url::comparison(
        &subject_url,
        &[
            &c.subject_id,
            c.version.as_deref().unwrap_or(""),
            &c.metric,
            &filter,
        ],
    );
    ComparisonView {
        subject_kind: c.subject_kind,
        subject_id: c.subject_id.clone(),
        subject,
        subject_url,
        anchor,
        url,
        version: c.version.clone(),
        metric: metric_ref(plan, &c.metric),
        direction,
        filter,
        change_date: c.change_date.to_string(),
        before_window: (c.before_window.0.to_string(), c.before_window.1.to_string()),
        after_window: (c.after_window.0.to_string(), c.after_window.1.to_string()),
        window_days: plan.config.window_days,
        before: c.before,
        after: c.after,
        delta: c.delta,
        pct_change: c.pct_change,
        test: c.figures(),
        model: c.model,
        placebo: c.placebo,
        alpha: plan.config.alpha,
        min_days: crate::analytics::compare::MIN_DAYS,
        verdict: c.verdict,
        chart: None,
    }
}

/// The comparisons about one subject, in plan order.
pub fn of(
    plan: &Plan,
    all: &[Comparison],
    kind: SubjectKind,
    id: &str,
    version: Option<&str>,
) -> Vec<ComparisonView> {
    all.iter()
        .filter(|c| {
            c.subject_kind == kind
                && c.subject_id == id
                && (version.is_none() || c.version.as_deref() == version)
        })
        .map(|c| view(plan, c))
        .collect()
}
