//! `api/report.json`: every computed figure in one documented, stable shape
//! (docs/json-api.md) for dashboards, notebooks and CI steps that want the
//! numbers without scraping pages. Numbers are JSON numbers; a figure that
//! cannot be computed is `null`, never a made-up value.

use serde::Serialize;

use crate::analytics::Report;
use crate::analytics::alerts::{Kind as AlertKind, Severity};
use crate::analytics::compare::{Comparison, Model, Outcome, Placebo, SubjectKind, TestFigures};
use crate::analytics::kpi::{Latest, Series, Verdict};
use crate::analytics::scoring::{GapStatus, KrStatus, Quadrant, quadrant};
use crate::analytics::signals::{Assurance, Signal};
use crate::analytics::stats::Summary;
use crate::data::{Aggregate, Direction, Filter};
use crate::plan::Plan;
use crate::render::OutFile;

/// The version of the shape below; raised on any change that could break a
/// reader (a field removed, renamed or changing meaning).
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Api<'a> {
    format_version: u32,
    generator: &'static str,
    title: &'a str,
    as_of: String,
    /// The commit the plan was read at; `null` outside git.
    commit: Option<&'a str>,
    trend_period: &'static str,
    window_days: u32,
    alpha: f64,
    metrics: Vec<MetricJson<'a>>,
    comparisons: Vec<ComparisonJson<'a>>,
    nps: Vec<crate::analytics::voc::NpsRow>,
    drivers: &'a [crate::analytics::drivers::Driver],
    themes: Vec<crate::analytics::themes::ThemeJson<'a>>,
    key_results: Vec<KeyResultJson<'a>>,
    audits: Vec<AuditJson<'a>>,
    initiatives: Vec<InitiativeJson<'a>>,
    alerts: Vec<AlertJson<'a>>,
    /// Absent when the plan has no follow-up case files.
    #[serde(rename = "loop", skip_serializing_if = "Option::is_none")]
    follow_up: Option<LoopJson<'a>>,
    history: HistoryJson,
}

/// The follow-up cases: the all-time figures up to `as_of` at the top
/// level, and the same figures per trend period and per owner beside them.
#[derive(Serialize)]
struct LoopJson<'a> {
    close_within_days: u32,
    detractor_max: u8,
    #[serde(flatten)]
    all: LoopFiguresJson<'a>,
    periods: Vec<LoopPartJson<'a>>,
    owners: Vec<LoopPartJson<'a>>,
    /// Open cases past their target, longest open first.
    overdue_cases: Vec<OverdueJson<'a>>,
}

#[derive(Serialize)]
struct LoopPartJson<'a> {
    /// A trend period's label, or an owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
    #[serde(flatten)]
    figures: LoopFiguresJson<'a>,
}

#[derive(Serialize)]
struct LoopFiguresJson<'a> {
    detractors: Option<usize>,
    cases: usize,
    coverage: Option<f64>,
    closed: usize,
    closed_within_target: Option<f64>,
    median_days_to_close: Option<f64>,
    p90_days_to_close: Option<f64>,
    overdue: usize,
    root_causes: Vec<RootCauseJson<'a>>,
}

#[derive(Serialize)]
struct RootCauseJson<'a> {
    root_cause: &'a str,
    cases: usize,
}

#[derive(Serialize)]
struct OverdueJson<'a> {
    id: &'a str,
    owner: &'a str,
    opened: String,
    days_open: i64,
    url: String,
}

fn loop_figures(f: &crate::analytics::r#loop::Figures) -> LoopFiguresJson<'_> {
    LoopFiguresJson {
        detractors: f.detractors,
        cases: f.cases,
        coverage: f.coverage,
        closed: f.closed,
        closed_within_target: f.closed_within_target,
        median_days_to_close: f.median_days_to_close,
        p90_days_to_close: f.p90_days_to_close,
        overdue: f.overdue,
        root_causes: f
            .root_causes
            .iter()
            .map(|(root_cause, cases)| RootCauseJson {
                root_cause,
                cases: *cases,
            })
            .collect(),
    }
}

fn loop_json<'a>(plan: &Plan, l: &'a crate::analytics::r#loop::Loop) -> LoopJson<'a> {
    LoopJson {
        close_within_days: plan.config.follow_up.close_within_days,
        detractor_max: plan.config.follow_up.detractor_max,
        all: loop_figures(&l.all),
        periods: l
            .periods
            .iter()
            .map(|(period, f)| LoopPartJson {
                period: Some(period),
                owner: None,
                figures: loop_figures(f),
            })
            .collect(),
        owners: l
            .owners
            .iter()
            .map(|(owner, f)| LoopPartJson {
                period: None,
                owner: Some(owner),
                figures: loop_figures(f),
            })
            .collect(),
        overdue_cases: l
            .overdue
            .iter()
            .map(|o| OverdueJson {
                id: &o.id,
                owner: &o.owner,
                opened: o.opened.to_string(),
                days_open: o.days_open,
                url: crate::url::case(&o.id),
            })
            .collect(),
    }
}

/// An alert with the page of what it is about.
#[derive(Serialize)]
struct AlertJson<'a> {
    kind: AlertKind,
    severity: Severity,
    subject: &'a str,
    url: String,
    message: &'a str,
    note: Option<&'a str>,
}

/// The plan's numbers across its commits, ready to chart.
#[derive(Serialize)]
struct HistoryJson {
    availability: crate::git::Availability,
    /// Every numeric field a commit changed, file by file.
    series: Vec<FileSeries>,
}

#[derive(Serialize)]
struct FileSeries {
    file: String,
    #[serde(flatten)]
    series: crate::timeline::Series,
}

fn history(plan: &Plan) -> HistoryJson {
    let files: std::collections::BTreeSet<&str> = plan
        .history
        .commits
        .iter()
        .flat_map(|c| &c.files)
        .map(|f| f.path.as_str())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    let series = files
        .into_iter()
        .flat_map(|file| {
            let files = [file.to_owned()];
            let subject = crate::timeline::Subject {
                files: &files,
                record: None,
            };
            crate::timeline::series(&plan.history, subject)
                .into_iter()
                .map(move |series| FileSeries {
                    file: file.to_owned(),
                    series,
                })
        })
        .collect();
    HistoryJson {
        availability: plan.history.availability,
        series,
    }
}

#[derive(Serialize)]
struct MetricJson<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a str,
    direction: Direction,
    aggregate: Aggregate,
    target: Option<f64>,
    #[serde(flatten)]
    series: SeriesJson,
    dimensions: Vec<DimensionJson<'a>>,
}

#[derive(Serialize)]
struct DimensionJson<'a> {
    dimension: &'a str,
    values: Vec<ValueJson<'a>>,
}

#[derive(Serialize)]
struct ValueJson<'a> {
    value: &'a str,
    #[serde(flatten)]
    series: SeriesJson,
}

#[derive(Serialize)]
struct SeriesJson {
    periods: Vec<PeriodJson>,
    latest: Option<LatestJson>,
    trend: Option<TrendJson>,
    signal: Option<Signal>,
    assurance: Option<Assurance>,
    limits: Option<LimitsJson>,
}

/// A process behaviour chart's lines, from the phase that starts at `since`.
#[derive(Serialize)]
struct LimitsJson {
    centre: f64,
    lower: f64,
    upper: f64,
    since: String,
}

#[derive(Serialize)]
struct PeriodJson {
    period: String,
    value: Option<f64>,
    n: u32,
}

#[derive(Serialize)]
struct LatestJson {
    period: String,
    value: f64,
    n: u32,
    partial: bool,
    previous: Option<f64>,
    delta: Option<f64>,
    pct_change: Option<f64>,
    verdict: Option<Verdict>,
}

#[derive(Serialize)]
struct TrendJson {
    slope: f64,
    slope_se: Option<f64>,
    clear: bool,
    n: usize,
    reaches_target: Option<String>,
}

fn series(s: &Series) -> SeriesJson {
    SeriesJson {
        periods: s
            .points
            .iter()
            .map(|p| PeriodJson {
                period: p.period.label(),
                value: p.value,
                n: p.n,
            })
            .collect(),
        latest: s.latest.as_ref().map(latest),
        trend: s.trend.map(|t| TrendJson {
            slope: t.slope,
            slope_se: t.slope_se,
            clear: t.clear,
            n: t.n,
            reaches_target: s.reaches_target.map(|d| d.to_string()),
        }),
        signal: s.judgement.map(|j| j.signal),
        assurance: s.judgement.and_then(|j| j.assurance),
        limits: s.judgement.zip(s.phase_start).map(|(j, since)| LimitsJson {
            centre: j.limits.centre,
            lower: j.limits.lower,
            upper: j.limits.upper,
            since: since.label(),
        }),
    }
}

fn latest(l: &Latest) -> LatestJson {
    LatestJson {
        period: l.period.label(),
        value: l.value,
        n: l.n,
        partial: l.partial,
        previous: l.previous,
        delta: l.delta,
        pct_change: l.pct_change,
        verdict: l.verdict,
    }
}

#[derive(Serialize)]
struct ComparisonJson<'a> {
    subject_kind: SubjectKind,
    subject_id: &'a str,
    version: Option<&'a str>,
    metric: &'a str,
    filter: &'a Filter,
    change_date: String,
    before_window: [String; 2],
    after_window: [String; 2],
    before: Option<Summary>,
    after: Option<Summary>,
    delta: Option<f64>,
    pct_change: Option<f64>,
    #[serde(flatten)]
    test: TestFigures,
    model: Option<Model>,
    placebo: Option<Placebo>,
    verdict: Outcome,
}

fn comparison(c: &Comparison) -> ComparisonJson<'_> {
    ComparisonJson {
        subject_kind: c.subject_kind,
        subject_id: &c.subject_id,
        version: c.version.as_deref(),
        metric: &c.metric,
        filter: &c.filter,
        change_date: c.change_date.to_string(),
        before_window: [c.before_window.0.to_string(), c.before_window.1.to_string()],
        after_window: [c.after_window.0.to_string(), c.after_window.1.to_string()],
        before: c.before,
        after: c.after,
        delta: c.delta,
        pct_change: c.pct_change,
        test: c.figures(),
        model: c.model,
        placebo: c.placebo,
        verdict: c.verdict,
    }
}

#[derive(Serialize)]
struct KeyResultJson<'a> {
    period: &'a str,
    objective: &'a str,
    id: &'a str,
    title: &'a str,
    owner: &'a str,
    deadline: String,
    baseline: f64,
    target: f64,
    metric: Option<&'a str>,
    filter: &'a Filter,
    current: Option<f64>,
    /// The trend period `current` comes from; null when given by hand.
    current_period: Option<String>,
    progress: Option<f64>,
    expected: f64,
    status: KrStatus,
    projected: Option<f64>,
    reaches_target: Option<String>,
    level: Option<crate::analytics::level::Level>,
}

#[derive(Serialize)]
struct AuditJson<'a> {
    id: &'a str,
    title: &'a str,
    date: String,
    findings: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    area: &'a str,
    indicator: &'a str,
    metric: Option<&'a str>,
    filter: &'a Filter,
    direction: Direction,
    target: f64,
    current: f64,
    gap: f64,
    status: GapStatus,
    previous: Option<f64>,
    change: Option<f64>,
}

#[derive(Serialize)]
struct InitiativeJson<'a> {
    id: &'a str,
    quadrant: Quadrant,
    roi: Option<f64>,
    roi_is_estimate: bool,
    verdict: Option<Outcome>,
}

/// The JSON file of a computed report.
pub fn file(plan: &Plan, report: &Report) -> anyhow::Result<OutFile> {
    let data = &plan.data;
    let metrics = data
        .metrics
        .iter()
        .filter_map(|m| Some((m, report.kpi(&m.id)?)))
        .map(|(m, k)| MetricJson {
            id: &m.id,
            name: &m.name,
            unit: &m.unit,
            direction: m.direction,
            aggregate: m.aggregate,
            target: m.target,
            series: series(&k.overall),
            dimensions: k
                .dimensions
                .iter()
                .map(|d| DimensionJson {
                    dimension: &d.dimension,
                    values: d
                        .values
                        .iter()
                        .map(|(v, s)| ValueJson {
                            value: v,
                            series: series(s),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let mut key_results = Vec::new();
    for period in &data.okrs {
        for (o, kr, r) in report.key_results(period) {
            key_results.push(KeyResultJson {
                period: &period.id,
                objective: &o.id,
                id: &kr.id,
                title: &kr.title,
                owner: &kr.owner,
                deadline: kr.deadline.to_string(),
                baseline: kr.baseline,
                target: kr.target,
                metric: kr.metric.as_deref(),
                filter: &kr.filter,
                current: r.current,
                current_period: r.period.map(|p| p.label()),
                progress: r.progress,
                expected: r.expected,
                status: r.status,
                projected: r.projected,
                reaches_target: r.reaches_target.map(|d| d.to_string()),
                level: r.level,
            });
        }
    }
    let audits = data
        .audits
        .iter()
        .map(|a| AuditJson {
            id: &a.id,
            title: &a.title,
            date: a.date.to_string(),
            findings: report
                .findings(a)
                .map(|(f, r)| FindingJson {
                    area: &f.area,
                    indicator: &f.indicator,
                    metric: f.metric.as_deref(),
                    filter: &f.filter,
                    direction: f.direction,
                    target: f.target,
                    current: f.current,
                    gap: r.gap,
                    status: r.status,
                    previous: r.previous.as_ref().map(|(_, v)| *v),
                    change: r.change,
                })
                .collect(),
        })
        .collect();
    let initiatives = data
        .initiatives
        .iter()
        .filter_map(|i| Some((i, report.initiative(&i.id)?)))
        .map(|(i, r)| InitiativeJson {
            id: &i.id,
            quadrant: quadrant(i.impact, i.effort),
            roi: r.roi,
            roi_is_estimate: r.roi_is_estimate,
            verdict: report
                .comparison_of(SubjectKind::Initiative, &i.id)
                .map(|c| c.verdict),
        })
        .collect();
    let api = Api {
        format_version: FORMAT_VERSION,
        generator: concat!("cxreport ", env!("CARGO_PKG_VERSION")),
        title: &plan.config.title,
        as_of: report.as_of.to_string(),
        commit: plan.history.tip.as_deref(),
        trend_period: report.trend.noun(),
        window_days: plan.config.window_days,
        alpha: plan.config.alpha,
        metrics,
        comparisons: report.comparisons.iter().map(comparison).collect(),
        nps: crate::analytics::voc::rows(&report.voc),
        drivers: &report.drivers,
        themes: crate::analytics::themes::json(&data.themes, report),
        key_results,
        audits,
        initiatives,
        alerts: report
            .alerts
            .iter()
            .map(|a| AlertJson {
                kind: a.kind,
                severity: a.severity,
                subject: &a.subject,
                url: crate::url::about(&a.about),
                message: &a.message,
                note: a.note.as_deref(),
            })
            .collect(),
        follow_up: report.follow_up.as_ref().map(|l| loop_json(plan, l)),
        history: history(plan),
    };
    let mut bytes = serde_json::to_vec(&api)?;
    bytes.push(b'\n');
    Ok(OutFile {
        path: crate::url::API_REPORT.to_owned(),
        bytes,
    })
}
