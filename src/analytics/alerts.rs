//! Alerts: what needs someone's attention on `as_of`. A metric that crossed
//! one of its `[[metric.alert]]` thresholds in the latest complete period, a
//! theme mentioned more often than its weekly limit, a key result off track
//! or overdue, and KPI data that stopped arriving.

use jiff::civil::Date;
use serde::Serialize;

use super::kpi;
use super::periods::{Length, Period};
use super::scoring::KrStatus;
use crate::data::{AlertSeverity, Filter};
use crate::i18n::Text;
use crate::plan::Plan;

/// What raised an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Threshold,
    Theme,
    KeyResult,
    Stale,
    /// A follow-up case open past `[loop] close_within_days`.
    CaseOverdue,
}

impl Kind {
    /// The kind's name, as in `api/report.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Threshold => "threshold",
            Kind::Theme => "theme",
            Kind::KeyResult => "key-result",
            Kind::Stale => "stale",
            Kind::CaseOverdue => "case-overdue",
        }
    }
}

/// How urgent an alert is; `critical` sorts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
        }
    }
}

impl From<AlertSeverity> for Severity {
    fn from(s: AlertSeverity) -> Severity {
        match s {
            AlertSeverity::Warning => Severity::Warning,
            AlertSeverity::Critical => Severity::Critical,
        }
    }
}

/// The record an alert is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum About {
    Metric(String),
    Theme(String),
    KeyResult {
        period: String,
        id: String,
    },
    /// A follow-up case, by its id.
    Case(String),
}

/// One alert, with a sentence that says what happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// The sentence with its figures apart, for the site to write it in the
    /// plan's language; `message` is the same sentence in English.
    #[serde(skip)]
    pub text: Text,
    pub kind: Kind,
    pub severity: Severity,
    /// The id of what the alert is about: a metric, theme or key result.
    pub subject: String,
    /// What the alert is about, for the page that shows it.
    #[serde(skip)]
    pub about: About,
    pub message: String,
    /// The author's note from the alert definition, if any.
    pub note: Option<String>,
}

impl Alert {
    /// What makes it the same alert in another report: kind, severity and
    /// subject (its figures may move while it keeps firing).
    pub fn key(&self) -> crate::published::AlertKey {
        (
            self.kind.as_str().to_owned(),
            self.severity.as_str().to_owned(),
            self.subject.clone(),
        )
    }
}

/// A KPI series whose last observation is more than this many trend periods
/// before `as_of` is stale.
pub const STALE_PERIODS: i64 = 3;

/// Threshold alerts of every metric, evaluated on the latest trend period
/// that is complete on `as_of` (a period still running could cross a
/// threshold and cross back).
pub fn thresholds(
    plan: &Plan,
    summaries: &[kpi::KpiSummary],
    length: Length,
    as_of: Date,
) -> Vec<Alert> {
    let mut out = Vec::new();
    for metric in &plan.data.metrics {
        for rule in &metric.alerts {
            let points = kpi::points_for(
                summaries,
                &plan.data.kpis,
                metric,
                &rule.filter,
                length,
                as_of,
            );
            let Some((period, value)) = points
                .iter()
                .rev()
                .filter(|p| p.period.end() <= as_of)
                .find_map(|p| p.value.map(|v| (p.period, v)))
            else {
                continue;
            };
            let crossed =
                match (rule.below, rule.above) {
                    (Some(b), _) if value < b => Some(
                        Text::new("{metric}{filter} was {value} in {period}, below {limit}.")
                            .number("limit", b, 1, &metric.unit),
                    ),
                    (_, Some(a)) if value > a => Some(
                        Text::new("{metric}{filter} was {value} in {period}, above {limit}.")
                            .number("limit", a, 1, &metric.unit),
                    ),
                    _ => None,
                };
            if let Some(text) = crossed {
                let text = text
                    .text("metric", &metric.name)
                    .text("filter", describe(&rule.filter))
                    .number("value", value, 1, &metric.unit)
                    .text("period", period.label());
                out.push(Alert {
                    kind: Kind::Threshold,
                    severity: rule.severity.into(),
                    subject: metric.id.clone(),
                    about: About::Metric(metric.id.clone()),
                    message: text.english(),
                    text,
                    note: rule.message.clone(),
                });
            }
        }
    }
    out
}

/// Themes mentioned more often than their weekly limit in the week of `as_of`.
pub fn themes(
    themes: &[crate::data::themes::Theme],
    results: &std::collections::BTreeMap<String, super::themes::ThemeResult>,
) -> Vec<Alert> {
    themes
        .iter()
        .filter_map(|t| Some((t, results.get(&t.id)?)))
        .filter(|(_, r)| r.alert)
        .filter_map(|(t, r)| {
            let ((week, n), limit) = r.latest_week.zip(t.alert_weekly_mentions)?;
            let text = Text::new(
                "{theme}: {n} comments in {week} mention it, more than the {limit} a week that calls for action.",
            )
            .text("theme", &t.name)
            .number("n", f64::from(n), 0, "")
            .text("week", week.label())
            .number("limit", f64::from(limit), 0, "");
            Some(Alert {
                kind: Kind::Theme,
                severity: Severity::Warning,
                subject: t.id.clone(),
                about: About::Theme(t.id.clone()),
                message: text.english(),
                text,
                note: None,
            })
        })
        .collect()
}

/// Key results that are off track or overdue.
pub fn key_results(
    plan: &Plan,
    scores: &std::collections::BTreeMap<(String, String), super::KrResult>,
) -> Vec<Alert> {
    let mut out = Vec::new();
    for period in &plan.data.okrs {
        for objective in &period.objectives {
            for kr in &objective.key_results {
                let Some(result) = scores.get(&(period.id.clone(), kr.id.clone())) else {
                    continue;
                };
                let (severity, text) = match result.status {
                    KrStatus::Overdue => (
                        Severity::Critical,
                        Text::new(
                            "Key result “{title}”, owned by {owner}, is overdue: its deadline, {deadline}, has passed.",
                        )
                        .date("deadline", kr.deadline),
                    ),
                    KrStatus::OffTrack => (
                        Severity::Warning,
                        Text::new(
                            "Key result “{title}”, owned by {owner}, is off track: it is {progress} of the way against {expected} expected by now.",
                        )
                        .number("progress", result.progress.unwrap_or(0.0) * 100.0, 0, "%")
                        .number("expected", result.expected * 100.0, 0, "%"),
                    ),
                    _ => continue,
                };
                let text = text.text("title", &kr.title).text("owner", &kr.owner);
                out.push(Alert {
                    kind: Kind::KeyResult,
                    severity,
                    subject: kr.id.clone(),
                    about: About::KeyResult {
                        period: period.id.clone(),
                        id: kr.id.clone(),
                    },
                    message: text.english(),
                    text,
                    note: None,
                });
            }
        }
    }
    out
}

/// Metrics whose data stopped arriving: the last observation is more than
/// [`STALE_PERIODS`] trend periods before `as_of`.
pub fn stale(plan: &Plan, length: Length, as_of: Date) -> Vec<Alert> {
    let now = Period::of(length, as_of).index;
    let mut out = Vec::new();
    for metric in &plan.data.metrics {
        let obs = plan.data.kpis.of(&metric.id);
        // In date order: the last on or before `as_of` is found by halving.
        let Some(last) = obs[..obs.partition_point(|o| o.date <= as_of)].last() else {
            continue;
        };
        if Period::of(length, last.date).index < now - STALE_PERIODS {
            // One sentence per length, as other languages inflect the noun.
            let text = match length {
                Length::Day => {
                    Text::new("No {metric} data since {last}: more than {n} days before {as_of}.")
                }
                Length::Week => {
                    Text::new("No {metric} data since {last}: more than {n} weeks before {as_of}.")
                }
                Length::Month => {
                    Text::new("No {metric} data since {last}: more than {n} months before {as_of}.")
                }
                Length::Quarter => Text::new(
                    "No {metric} data since {last}: more than {n} quarters before {as_of}.",
                ),
            }
            .text("metric", &metric.name)
            .date("last", last.date)
            .number("n", STALE_PERIODS as f64, 0, "")
            .date("as_of", as_of);
            out.push(Alert {
                kind: Kind::Stale,
                severity: Severity::Warning,
                subject: metric.id.clone(),
                about: About::Metric(metric.id.clone()),
                message: text.english(),
                text,
                note: None,
            });
        }
    }
    out
}

/// One alert per open case past its target on `as_of`: a warning, and
/// critical once it has been open twice the target or more. Only the
/// case's id, owner and dates are said, never what the customer wrote.
pub fn cases_overdue(
    follow_up: &super::r#loop::Loop,
    settings: crate::config::FollowUp,
) -> Vec<Alert> {
    let target = i64::from(settings.close_within_days);
    follow_up
        .overdue
        .iter()
        .map(|case| {
            let text = Text::new(
                "Case {case} ({owner}) has been open {days} days since {opened}, past the {target}-day target.",
            )
            .text("case", &case.id)
            .text("owner", &case.owner)
            .number("days", case.days_open as f64, 0, "")
            .date("opened", case.opened)
            .number("target", target as f64, 0, "");
            Alert {
                kind: Kind::CaseOverdue,
                severity: if case.days_open >= 2 * target {
                    Severity::Critical
                } else {
                    Severity::Warning
                },
                subject: case.id.clone(),
                about: About::Case(case.id.clone()),
                message: text.english(),
                text,
                note: None,
            }
        })
        .collect()
}

/// Most urgent first, then by kind and subject, so the order is stable.
pub fn sort(alerts: &mut [Alert]) {
    alerts.sort_by(|a, b| {
        (a.severity, a.kind, &a.subject, &a.message)
            .cmp(&(b.severity, b.kind, &b.subject, &b.message))
    });
}

/// ` (channel: whatsapp)` for a filter, nothing without one.
fn describe(filter: &Filter) -> String {
    if filter.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = filter.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!(" ({})", parts.join(", "))
}
