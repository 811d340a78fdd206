//! `/alerts/`: everything that needs attention on `as_of`, most severe first.

use serde::Serialize;

use super::PageView;
use crate::analytics::Report;
use crate::analytics::alerts::{Kind, Severity};
use crate::plan::Plan;
use crate::url;

/// Alerts by severity, for the page and the home page's summary.
#[derive(Debug, Clone, Serialize)]
pub struct AlertsView {
    pub critical: usize,
    pub warning: usize,
    pub alerts: Vec<AlertView>,
}

/// An alert as the site shows it: its sentence in the plan's language.
#[derive(Debug, Clone, Serialize)]
pub struct AlertView {
    pub kind: Kind,
    pub severity: Severity,
    pub subject: String,
    pub url: String,
    pub message: String,
    pub note: Option<String>,
}

pub fn view(plan: &Plan, report: &Report) -> AlertsView {
    let count = |s| report.alerts.iter().filter(|a| a.severity == s).count();
    AlertsView {
        critical: count(Severity::Critical),
        warning: count(Severity::Warning),
        alerts: report
            .alerts
            .iter()
            .map(|a| AlertView {
                kind: a.kind,
                severity: a.severity,
                subject: a.subject.clone(),
                url: url::about(&a.about),
                message: plan.catalog.text(&a.text),
                note: a.note.clone(),
            })
            .collect(),
    }
}

pub fn page(plan: &Plan, report: &Report) -> PageView {
    PageView::new(
        url::ALERTS,
        "alerts.html",
        plan.catalog.t("Alerts", &[]),
        &view(plan, report),
    )
}
