//! `/audits/` and one page per audit: target against current per finding.

use serde::Serialize;

use super::{PageView, filter_text, markdown};
use crate::analytics::kpi::Verdict;
use crate::analytics::scoring::GapStatus;
use crate::analytics::{FindingResult, Report};
use crate::charts::ChartView;
use crate::data::audits::{Audit, Finding};
use crate::plan::Plan;
use crate::url;

/// An audit in a list, with how many findings meet their target.
#[derive(Debug, Clone, Serialize)]
pub struct AuditSummary {
    pub id: String,
    pub title: String,
    pub date: String,
    pub url: String,
    pub findings: usize,
    pub met: usize,
    pub close: usize,
    pub off: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub area: String,
    pub indicator: String,
    pub metric_url: Option<String>,
    pub filter: String,
    pub unit: String,
    pub direction: crate::data::Direction,
    pub target: f64,
    pub current: f64,
    pub gap: f64,
    pub status: GapStatus,
    pub previous_audit: Option<String>,
    pub previous: Option<f64>,
    pub change: Option<f64>,
    pub verdict: Option<Verdict>,
    pub journey_stage: Option<String>,
    pub notes: Option<String>,
}

#[derive(Serialize)]
struct AuditView {
    audit: AuditSummary,
    period: Option<(String, String)>,
    summary: Option<String>,
    findings: Vec<FindingView>,
    chart: Option<ChartView>,
}

#[derive(Serialize)]
struct ListView {
    audits: Vec<AuditSummary>,
    chart: Option<ChartView>,
}

pub fn summary(report: &Report, audit: &Audit) -> AuditSummary {
    let count = |s: GapStatus| {
        report
            .findings(audit)
            .filter(|(_, r)| r.status == s)
            .count()
    };
    AuditSummary {
        id: audit.id.clone(),
        title: audit.title.clone(),
        date: audit.date.to_string(),
        url: url::audit(&audit.id),
        findings: report.findings(audit).count(),
        met: count(GapStatus::Met),
        close: count(GapStatus::Close),
        off: count(GapStatus::Off),
    }
}

pub fn finding_view(f: &Finding, r: &FindingResult) -> FindingView {
    FindingView {
        area: f.area.clone(),
        indicator: f.indicator.clone(),
        metric_url: f.metric.as_deref().map(url::kpi),
        filter: filter_text(&f.filter),
        unit: f.unit.clone().unwrap_or_default(),
        direction: f.direction,
        target: f.target,
        current: f.current,
        gap: r.gap,
        status: r.status,
        previous_audit: r.previous.as_ref().map(|(id, _)| id.clone()),
        previous: r.previous.as_ref().map(|(_, v)| *v),
        change: r.change,
        verdict: r.verdict,
        journey_stage: f.journey_stage.clone(),
        notes: f.notes.clone(),
    }
}

pub fn pages(plan: &Plan, report: &Report) -> Vec<PageView> {
    let audits = &plan.data.audits;
    let list = ListView {
        audits: audits.iter().rev().map(|a| summary(report, a)).collect(),
        chart: super::charts::audits_progress(plan, report),
    };
    let mut pages = vec![PageView::new(
        url::AUDITS,
        "audits.html",
        plan.catalog.t("Audits", &[]),
        &list,
    )];
    for audit in audits {
        let view = AuditView {
            audit: summary(report, audit),
            period: audit.period.map(|(s, e)| (s.to_string(), e.to_string())),
            summary: markdown(audit.summary.as_deref(), &url::audit(&audit.id)),
            findings: report
                .findings(audit)
                .map(|(f, r)| finding_view(f, r))
                .collect(),
            chart: super::charts::audit_gaps(plan, report, audit),
        };
        pages.push(
            PageView::new(
                view.audit.url.clone(),
                "audit.html",
                audit.title.clone(),
                &view,
            )
            .showing([audit.source.clone()]),
        );
    }
    pages
}
