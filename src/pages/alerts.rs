//! `/alerts/`: everything that needs attention on `as_of`, most severe first.

use serde::Serialize;

use super::PageView;
use crate::analytics::Report;
use crate::analytics::alerts::{Alert, Severity};

/// Alerts by severity, for the page and the home page's summary.
#[derive(Debug, Clone, Serialize)]
pub struct AlertsView {
    pub critical: usize,
    pub warning: usize,
    pub alerts: Vec<Alert>,
}

pub fn view(report: &Report) -> AlertsView {
    let count = |s| report.alerts.iter().filter(|a| a.severity == s).count();
    AlertsView {
        critical: count(Severity::Critical),
        warning: count(Severity::Warning),
        alerts: report.alerts.clone(),
    }
}

pub fn page(report: &Report) -> PageView {
    PageView::new("alerts/", "alerts.html", "Alerts", &view(report))
}
