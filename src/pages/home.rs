//! The home page: the executive summary of the whole plan on one screen.

use serde::Serialize;

use super::PageView;
use super::alerts::{AlertsView, view as alerts_view};
use super::audits::{AuditSummary, FindingView, finding_view, summary as audit_summary};
use super::compare::ComparisonView;
use super::kpis::{Card, card};
use super::okrs::{PeriodSummary, summary as okr_summary};
use super::sprints::{SprintSummary, summary as sprint_summary};
use crate::analytics::Report;
use crate::analytics::scoring::GapStatus;
use crate::analytics::voc::Figures;
use crate::plan::Plan;
use crate::url;

#[derive(Serialize)]
struct View {
    kpis: Vec<Card>,
    headline: Headline,
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
    /// What is due next, soonest first.
    deadlines: Vec<Deadline>,
    /// The follow-up cases, when the plan has case files.
    follow_up: Option<super::follow_up::LoopView>,
}

/// The answer to "are we getting better?" in counts of headline KPIs: only
/// signals count, never a change that is within a KPI's usual noise.
#[derive(Serialize)]
pub(super) struct Headline {
    /// KPIs with enough complete periods to be judged.
    judged: usize,
    improvement: usize,
    concern: usize,
    /// KPIs with a target whose process could be judged against it.
    assured: usize,
    meets: usize,
    hit_and_miss: usize,
    fails: usize,
}

pub(super) fn headline(cards: &[Card]) -> Headline {
    use crate::analytics::signals::{Assurance, Signal};
    let signals = || cards.iter().filter_map(|c| c.signal);
    let assurance = || cards.iter().filter_map(|c| c.assurance);
    let count = |a: Assurance| assurance().filter(|x| *x == a).count();
    Headline {
        judged: signals().count(),
        improvement: signals().filter(|s| *s == Signal::Improvement).count(),
        concern: signals().filter(|s| *s == Signal::Concern).count(),
        assured: assurance().count(),
        meets: count(Assurance::Meets),
        hit_and_miss: count(Assurance::HitAndMiss),
        fails: count(Assurance::Fails),
    }
}

/// Something due on or after `as_of`: a key result, an initiative or the end of a sprint.
#[derive(Serialize)]
pub(super) struct Deadline {
    date: String,
    /// `key-result`, `initiative` or `sprint`.
    kind: &'static str,
    title: String,
    url: String,
    owner: Option<String>,
    /// The key result's or initiative's status, to show beside it.
    status: Option<&'static str>,
}

/// How many deadlines the home page lists.
const DEADLINES: usize = 6;

pub(super) fn deadlines(plan: &Plan, report: &Report) -> Vec<Deadline> {
    use crate::analytics::scoring::KrStatus;
    use crate::data::initiatives::Status;
    let as_of = report.as_of;
    let mut list: Vec<(jiff::civil::Date, Deadline)> = Vec::new();
    for period in &plan.data.okrs {
        for (_, kr, r) in report.key_results(period) {
            if kr.deadline >= as_of && r.status != KrStatus::Done {
                list.push((
                    kr.deadline,
                    Deadline {
                        date: kr.deadline.to_string(),
                        kind: "key-result",
                        title: kr.title.clone(),
                        url: url::key_result(&period.id, &kr.id),
                        owner: Some(kr.owner.clone()),
                        status: Some(r.status.as_str()),
                    },
                ));
            }
        }
    }
    for i in &plan.data.initiatives {
        if i.due >= as_of && !matches!(i.status, Status::Done | Status::Dropped) {
            list.push((
                i.due,
                Deadline {
                    date: i.due.to_string(),
                    kind: "initiative",
                    title: i.title.clone(),
                    url: url::initiative(&i.id),
                    owner: Some(i.owner.clone()),
                    status: Some(i.status.as_str()),
                },
            ));
        }
    }
    for s in &plan.data.sprints {
        if s.end >= as_of && s.start <= as_of {
            list.push((
                s.end,
                Deadline {
                    date: s.end.to_string(),
                    kind: "sprint",
                    title: s.title.clone(),
                    url: url::sprint(&s.id),
                    owner: None,
                    status: None,
                },
            ));
        }
    }
    // Stable: same-day deadlines keep plan order (key results, initiatives, sprints).
    list.sort_by_key(|(d, _)| *d);
    list.into_iter().take(DEADLINES).map(|(_, d)| d).collect()
}

/// How many alerts and wins the home page lists.
const ALERTS: usize = 5;
const WINS: usize = 4;

/// How many open gaps the home page lists.
const GAPS: usize = 5;

/// The latest measured improvements, newest first, a line each: their
/// charts are on their own pages.
pub(super) fn wins(plan: &Plan, report: &Report) -> Vec<ComparisonView> {
    let mut improved: Vec<_> = report
        .comparisons
        .iter()
        .filter(|c| c.verdict == crate::analytics::compare::Outcome::Improved)
        .collect();
    // Stable, so that same-day wins keep plan order.
    improved.sort_by_key(|c| std::cmp::Reverse(c.change_date));
    improved
        .into_iter()
        .take(WINS)
        .map(|c| super::compare::plain(plan, c))
        .collect()
}

/// The home page's cards: one per metric with a series.
pub(super) fn cards(plan: &Plan, report: &Report) -> Vec<Card> {
    plan.data
        .metrics
        .iter()
        .filter_map(|m| Some((m, report.kpi(&m.id)?)))
        .map(|(m, s)| card(m, s))
        .collect()
}

pub fn page(plan: &Plan, report: &Report) -> PageView {
    let data = &plan.data;
    let kpis = cards(plan, report);
    // The OKR period in force at as_of, else the latest one that started.
    let okr = data
        .okrs
        .iter()
        .rev()
        .find(|p| p.start <= report.as_of && report.as_of <= p.end)
        .or_else(|| data.okrs.iter().rev().find(|p| p.start <= report.as_of))
        .map(|p| okr_summary(report, p));
    let latest_audit = data.audits.iter().rev().find(|a| a.date <= report.as_of);
    let mut gaps: Vec<FindingView> = latest_audit
        .map(|a| {
            report
                .findings(a)
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
    let mut alerts = alerts_view(plan, report);
    // The loop's block below sums the overdue cases up: one alert per case
    // would push every other alert off the page, so they come last here
    // (stable: the rest keep their order) and count in the totals.
    alerts
        .alerts
        .sort_by_key(|a| a.kind == crate::analytics::alerts::Kind::CaseOverdue);
    alerts.alerts.truncate(ALERTS);
    let view = View {
        headline: headline(&kpis),
        kpis,
        okrs: okr,
        audit: latest_audit.map(|a| audit_summary(report, a)),
        gaps,
        sprint,
        voc: report.voc.overall,
        alerts,
        wins: wins(plan, report),
        deadlines: deadlines(plan, report),
        follow_up: super::follow_up::view(plan, report),
    };
    let mut page = PageView::new(url::HOME, "index.html", plan.config.title.clone(), &view);
    // content/index.md is the introduction; its components work like any page's.
    page.markdown = plan
        .pages
        .iter()
        .find(|p| p.url.is_empty())
        .map(|p| super::Markdown {
            source: p.source.clone(),
            body: p.body.clone(),
            line: p.body_line,
        });
    page
}
