//! The home page: the executive summary of the whole plan on one screen.

use serde::Serialize;

use super::PageView;
use super::alerts::{AlertsView, view as alerts_view};
use super::audits::{AuditSummary, FindingView, finding_view, summary as audit_summary};
use super::compare::{ComparisonView, view as comparison_view};
use super::kpis::{Card, card};
use super::okrs::{PeriodSummary, summary as okr_summary};
use super::sprints::{SprintSummary, summary as sprint_summary};
use crate::Plan;
use crate::analytics::Report;
use crate::analytics::scoring::GapStatus;
use crate::analytics::voc::Figures;

#[derive(Serialize)]
struct View {
    intro: Option<String>,
    kpis: Vec<Card>,
    okrs: Option<PeriodSummary>,
    audit: Option<AuditSummary>,
    /// The latest audit's findings still off target, largest relative gap first.
    gaps: Vec<FindingView>,
    sprint: Option<SprintSummary>,
    voc: Figures,
    /// The most severe alerts, with the counts of all.
    alerts: AlertsView,
    /// Measured improvements, newest first.
    wins: Vec<ComparisonView>,
}

/// How many alerts and wins the home page lists.
const ALERTS: usize = 5;
const WINS: usize = 4;

/// How many open gaps the home page lists.
const GAPS: usize = 5;

pub fn page(plan: &Plan, report: &Report) -> PageView {
    let data = &plan.data;
    let intro = plan
        .pages
        .iter()
        .find(|p| p.url.is_empty())
        .map(|p| crate::content::markdown(&p.body));
    let kpis = data
        .metrics
        .iter()
        .zip(&report.kpis)
        .map(|(m, s)| card(m, s))
        .collect();
    // The OKR period in force at as_of, else the latest one that started.
    let okr = data
        .okrs
        .iter()
        .zip(&report.okrs)
        .rev()
        .find(|(p, _)| p.start <= report.as_of && report.as_of <= p.end)
        .or_else(|| {
            data.okrs
                .iter()
                .zip(&report.okrs)
                .rev()
                .find(|(p, _)| p.start <= report.as_of)
        })
        .map(|(p, r)| okr_summary(p, r));
    let latest_audit = data
        .audits
        .iter()
        .zip(&report.audits)
        .rev()
        .find(|(a, _)| a.date <= report.as_of);
    let mut gaps: Vec<FindingView> = latest_audit
        .map(|(a, r)| {
            a.findings
                .iter()
                .zip(r)
                .filter(|(_, r)| r.status != GapStatus::Met)
                .map(|(f, r)| finding_view(f, r))
                .collect()
        })
        .unwrap_or_default();
    let relative = |f: &FindingView| {
        if f.target == 0.0 {
            f.gap.abs()
        } else {
            f.gap / f.target.abs()
        }
    };
    gaps.sort_by(|a, b| relative(b).total_cmp(&relative(a)));
    gaps.truncate(GAPS);
    let sprint = data
        .sprints
        .iter()
        .rev()
        .find(|s| s.start <= report.as_of)
        .map(sprint_summary);
    let mut alerts = alerts_view(report);
    alerts.alerts.truncate(ALERTS);
    let mut wins: Vec<ComparisonView> = report
        .comparisons
        .iter()
        .filter(|c| c.verdict == crate::analytics::compare::Outcome::Improved)
        .map(|c| comparison_view(plan, c))
        .collect();
    wins.sort_by(|a, b| b.change_date.cmp(&a.change_date));
    wins.truncate(WINS);
    let view = View {
        intro,
        kpis,
        okrs: okr,
        audit: latest_audit.map(|(a, r)| audit_summary(a, r)),
        gaps,
        sprint,
        voc: report.voc.overall,
        alerts,
        wins,
    };
    PageView::new("", "index.html", plan.config.title.clone(), &view)
}
