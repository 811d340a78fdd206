//! `/sprints/` with one page per sprint, and `/reviews/` with one quarterly
//! review per quarter that has sprints: experiments by outcome, standards
//! adopted, learnings.

use serde::Serialize;

use super::compare::{self, ComparisonView};
use super::{MetricRef, PageView, filter_text, metric_ref};
use crate::analytics::Report;
use crate::analytics::compare::SubjectKind;
use crate::analytics::periods::{Length, Period};
use crate::data::sprints::{Action, ActionStatus, Experiment, Outcome, Sprint};
use crate::plan::Plan;
use crate::url;

#[derive(Debug, Clone, Serialize)]
pub struct SprintSummary {
    pub id: String,
    pub title: String,
    pub start: String,
    pub end: String,
    pub url: String,
    pub goal: Option<String>,
    pub experiments: usize,
    pub worked: usize,
    pub actions: usize,
    pub actions_done: usize,
}

#[derive(Serialize)]
struct ExperimentView {
    id: String,
    title: String,
    hypothesis: String,
    metric: Option<MetricRef>,
    filter: String,
    start: String,
    status: Outcome,
    adopt: bool,
    sprint: String,
    sprint_url: String,
    /// The metric before and after `start`, measured.
    comparison: Option<ComparisonView>,
}

#[derive(Serialize)]
struct ActionView {
    title: String,
    owner: String,
    due: String,
    status: ActionStatus,
    /// Not done and past due at `as_of`.
    late: bool,
}

#[derive(Serialize)]
struct SprintView {
    sprint: SprintSummary,
    learnings: Vec<String>,
    experiments: Vec<ExperimentView>,
    actions: Vec<ActionView>,
    review_url: String,
}

#[derive(Serialize)]
struct ReviewSummary {
    id: String,
    title: String,
    url: String,
    sprints: Vec<SprintSummary>,
    experiments: usize,
    worked: usize,
    adopted: usize,
}

#[derive(Serialize)]
struct ReviewView {
    review: ReviewSummary,
    /// (outcome, experiments) for every outcome.
    outcomes: Vec<(Outcome, Vec<ExperimentView>)>,
    standards: Vec<ExperimentView>,
    learnings: Vec<(String, String)>,
}

pub fn summary(s: &Sprint) -> SprintSummary {
    SprintSummary {
        id: s.id.clone(),
        title: s.title.clone(),
        start: s.start.to_string(),
        end: s.end.to_string(),
        url: url::sprint(&s.id),
        goal: s.goal.clone(),
        experiments: s.experiments.len(),
        worked: s
            .experiments
            .iter()
            .filter(|e| e.status == Outcome::Worked)
            .count(),
        actions: s.actions.len(),
        actions_done: s
            .actions
            .iter()
            .filter(|a| a.status == ActionStatus::Done)
            .count(),
    }
}

fn experiment(plan: &Plan, report: &Report, s: &Sprint, e: &Experiment) -> ExperimentView {
    ExperimentView {
        id: e.id.clone(),
        title: e.title.clone(),
        hypothesis: e.hypothesis.clone(),
        metric: e.metric.as_deref().map(|m| metric_ref(plan, m)),
        filter: filter_text(&e.filter),
        start: e.start.to_string(),
        status: e.status,
        adopt: e.adopt,
        sprint: s.title.clone(),
        sprint_url: url::sprint(&s.id),
        comparison: compare::of(
            plan,
            &report.comparisons,
            SubjectKind::Experiment,
            &e.id,
            None,
        )
        .into_iter()
        .next(),
    }
}

fn action(a: &Action, as_of: jiff::civil::Date) -> ActionView {
    ActionView {
        title: a.title.clone(),
        owner: a.owner.clone(),
        due: a.due.to_string(),
        status: a.status,
        late: a.status != ActionStatus::Done && a.due < as_of,
    }
}

/// `2026-q3`: the quarter a sprint belongs to, by its start date.
fn quarter(s: &Sprint) -> Period {
    Period::of(Length::Quarter, s.start)
}

fn review_id(q: Period) -> String {
    q.label().to_lowercase()
}

pub fn pages(plan: &Plan, report: &Report) -> Vec<PageView> {
    let as_of = report.as_of;
    let sprints = &plan.data.sprints;
    let list = sprints.iter().rev().map(summary).collect::<Vec<_>>();
    let mut pages = vec![PageView::new(
        url::SPRINTS,
        "sprints.html",
        plan.catalog.t("Sprints", &[]),
        &serde_json::json!({ "sprints": list }),
    )];
    for s in sprints {
        let view = SprintView {
            sprint: summary(s),
            learnings: s.learnings.clone(),
            experiments: s
                .experiments
                .iter()
                .map(|e| experiment(plan, report, s, e))
                .collect(),
            actions: s.actions.iter().map(|a| action(a, as_of)).collect(),
            review_url: url::review(&review_id(quarter(s))),
        };
        pages.push(
            PageView::new(
                view.sprint.url.clone(),
                "sprint.html",
                s.title.clone(),
                &view,
            )
            .showing([s.source.clone(), "data/kpis/".to_owned()]),
        );
    }

    let mut quarters: Vec<Period> = sprints.iter().map(quarter).collect();
    quarters.dedup();
    let mut reviews = Vec::new();
    for q in quarters {
        let in_q: Vec<&Sprint> = sprints.iter().filter(|s| quarter(s) == q).collect();
        let all: Vec<ExperimentView> = in_q
            .iter()
            .flat_map(|s| s.experiments.iter().map(|e| experiment(plan, report, s, e)))
            .collect();
        let id = review_id(q);
        let summary = ReviewSummary {
            title: plan
                .catalog
                .t("Quarterly review {quarter}", &[("quarter", &q.label())]),
            url: url::review(&id),
            id,
            sprints: in_q.iter().map(|s| summary(s)).collect(),
            experiments: all.len(),
            worked: all.iter().filter(|e| e.status == Outcome::Worked).count(),
            adopted: all.iter().filter(|e| e.adopt).count(),
        };
        let outcomes = [
            Outcome::Worked,
            Outcome::Failed,
            Outcome::Inconclusive,
            Outcome::Running,
        ]
        .into_iter()
        .map(|o| {
            let of: Vec<ExperimentView> = in_q
                .iter()
                .flat_map(|s| {
                    s.experiments
                        .iter()
                        .filter(|e| e.status == o)
                        .map(|e| experiment(plan, report, s, e))
                })
                .collect();
            (o, of)
        })
        .collect();
        let standards = all.into_iter().filter(|e| e.adopt).collect();
        let learnings = in_q
            .iter()
            .flat_map(|s| s.learnings.iter().map(|l| (s.title.clone(), l.clone())))
            .collect();
        reviews.push(ReviewView {
            review: summary,
            outcomes,
            standards,
            learnings,
        });
    }
    let list: Vec<&ReviewSummary> = reviews.iter().rev().map(|r| &r.review).collect();
    pages.push(PageView::new(
        url::REVIEWS,
        "reviews.html",
        plan.catalog.t("Quarterly reviews", &[]),
        &serde_json::json!({ "reviews": list }),
    ));
    for r in &reviews {
        pages.push(PageView::new(
            r.review.url.clone(),
            "review.html",
            r.review.title.clone(),
            r,
        ));
    }
    pages
}
