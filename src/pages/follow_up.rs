//! `/loop/`: closing the loop (issue 18), the follow-up cases' figures per
//! trend period and per owner, their root causes, and the open cases past
//! their target. A layer-4 view: cases are shown by id and owner only,
//! never with a customer's words, as comments are masked.

use serde::Serialize;

use super::PageView;
use crate::analytics::Report;
use crate::analytics::r#loop::{Figures, Loop};
use crate::plan::Plan;
use crate::url;

/// A row of figures, percentages as shares (0–1) for the `pct` filter.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// A period's label or an owner's name; empty for all cases.
    pub label: String,
    pub detractors: Option<usize>,
    pub cases: usize,
    pub coverage: Option<f64>,
    pub closed: usize,
    pub closed_within_target: Option<f64>,
    pub median_days_to_close: Option<f64>,
    pub p90_days_to_close: Option<f64>,
    pub overdue: usize,
}

fn row(label: &str, f: &Figures) -> Row {
    let share = |p: Option<f64>| p.map(|p| p / 100.0);
    Row {
        label: label.to_owned(),
        detractors: f.detractors,
        cases: f.cases,
        coverage: share(f.coverage),
        closed: f.closed,
        closed_within_target: share(f.closed_within_target),
        median_days_to_close: f.median_days_to_close,
        p90_days_to_close: f.p90_days_to_close,
        overdue: f.overdue,
    }
}

/// An open case past its target.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueView {
    pub id: String,
    /// The case's anchor on the loop page.
    pub anchor: String,
    pub owner: String,
    pub opened: String,
    pub days_open: i64,
}

/// The loop's figures for the page and the home page's block.
#[derive(Debug, Clone, Serialize)]
pub struct LoopView {
    pub url: &'static str,
    pub close_within_days: u32,
    pub detractor_max: u8,
    pub all: Row,
    /// Newest first.
    pub periods: Vec<Row>,
    pub owners: Vec<Row>,
    /// (root cause, cases), most first.
    pub root_causes: Vec<(String, usize)>,
    pub overdue: Vec<OverdueView>,
}

/// The view, when the plan has case files.
pub fn view(plan: &Plan, report: &Report) -> Option<LoopView> {
    let l: &Loop = report.follow_up.as_ref()?;
    Some(LoopView {
        url: url::LOOP,
        close_within_days: plan.config.follow_up.close_within_days,
        detractor_max: plan.config.follow_up.detractor_max,
        all: row("", &l.all),
        periods: l.periods.iter().rev().map(|(p, f)| row(p, f)).collect(),
        owners: l.owners.iter().map(|(o, f)| row(o, f)).collect(),
        root_causes: l.all.root_causes.clone(),
        overdue: l
            .overdue
            .iter()
            .map(|o| OverdueView {
                id: o.id.clone(),
                anchor: url::anchor("case", &[&o.id]),
                owner: o.owner.clone(),
                opened: o.opened.to_string(),
                days_open: o.days_open,
            })
            .collect(),
    })
}

/// The page, when the plan has case files.
pub fn pages(plan: &Plan, report: &Report) -> Vec<PageView> {
    let Some(view) = view(plan, report) else {
        return Vec::new();
    };
    let title = plan.catalog.t("Closing the loop", &[]);
    vec![PageView::new(url::LOOP, "loop.html", title, &view).showing(["data/cases/"])]
}
