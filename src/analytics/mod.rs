//! The computed report: every figure the pages show, derived from the loaded
//! plan by pure functions (no I/O, no clock), so that the same plan always
//! gives the same numbers.

pub mod alerts;
pub mod compare;
pub mod drivers;
pub mod key_results;
pub mod kpi;
pub mod level;
pub mod r#loop;
pub mod periods;
pub mod scoring;
pub mod segmented;
pub mod series;
pub mod signals;

pub mod stats;
pub mod themes;
pub mod voc;

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::data::audits::{Audit, Finding};
use crate::data::okrs::{KeyResult, Objective, OkrPeriod};
use crate::data::{Aggregate, Filter};
use crate::plan::Plan;
pub use key_results::KrResult;
use kpi::{KpiSummary, Verdict};
use periods::Length;
use scoring::GapStatus;

/// Everything computed from a plan. Results of the plan's records are kept
/// by the records' ids and read through accessors such as
/// [`Report::key_result`], never matched to the plan by position.
#[derive(Debug, Clone)]
pub struct Report {
    /// The date the report describes: `as_of` from the config, else the latest
    /// observation, else the latest date anywhere in the plan.
    pub as_of: Date,
    pub trend: Length,
    /// In catalogue order, each with its metric's id.
    pub kpis: Vec<KpiSummary>,
    pub voc: voc::Voc,
    /// Flow versions, then experiments, then initiatives, in plan order.
    pub comparisons: Vec<compare::Comparison>,
    /// Most severe first.
    pub alerts: Vec<alerts::Alert>,
    /// One per survey attribute, each with its name.
    pub drivers: Vec<drivers::Driver>,
    /// The follow-up cases' figures; `None` when the plan has no case files.
    pub follow_up: Option<r#loop::Loop>,
    /// By audit id and [`Finding::key`].
    findings: BTreeMap<FindingKey, FindingResult>,
    /// By OKR period id and key result id (unique within a period).
    key_results: BTreeMap<(String, String), KrResult>,
    /// By initiative id.
    initiatives: BTreeMap<String, InitiativeResult>,
    /// By theme id.
    themes: BTreeMap<String, themes::ThemeResult>,
}

/// An audit's id and a finding's key within it.
type FindingKey = (String, String, String, Filter);

fn finding_key(audit: &Audit, finding: &Finding) -> FindingKey {
    let (area, subject, filter) = finding.key();
    (
        audit.id.clone(),
        area.to_owned(),
        subject.to_owned(),
        filter.clone(),
    )
}

/// An initiative's return on investment.
#[derive(Debug, Clone, PartialEq)]
pub struct InitiativeResult {
    /// (expected_value − investment) / investment.
    pub roi: Option<f64>,
    /// The ROI rests on an estimate: no before/after shows an improvement.
    pub roi_is_estimate: bool,
}

/// An audit finding against its target and against the previous audit.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingResult {
    /// Still to go in the better direction; ≤ 0 when met.
    pub gap: f64,
    pub status: GapStatus,
    /// The same finding in the latest earlier audit that has it: (audit id, current).
    pub previous: Option<(String, f64)>,
    pub change: Option<f64>,
    pub verdict: Option<Verdict>,
}

impl Report {
    /// A metric's series, by its id.
    pub fn kpi(&self, metric: &str) -> Option<&KpiSummary> {
        self.kpis.iter().find(|k| k.metric == metric)
    }

    /// Every metric of `metrics` with its series, in their order.
    pub fn metrics<'a>(
        &'a self,
        metrics: &'a [crate::data::Metric],
    ) -> impl Iterator<Item = (&'a crate::data::Metric, &'a KpiSummary)> {
        metrics.iter().filter_map(|m| Some((m, self.kpi(&m.id)?)))
    }

    /// A key result's score, by its OKR period's id and its own.
    pub fn key_result(&self, period: &str, kr: &str) -> Option<&KrResult> {
        self.key_results.get(&(period.to_owned(), kr.to_owned()))
    }

    /// Every key result of `period` with its objective and its score, in
    /// plan order.
    pub fn key_results<'a>(
        &'a self,
        period: &'a OkrPeriod,
    ) -> impl Iterator<Item = (&'a Objective, &'a KeyResult, &'a KrResult)> {
        period.objectives.iter().flat_map(move |o| {
            o.key_results
                .iter()
                .filter_map(move |kr| Some((o, kr, self.key_result(&period.id, &kr.id)?)))
        })
    }

    /// A finding's result within its audit.
    pub fn finding(&self, audit: &Audit, finding: &Finding) -> Option<&FindingResult> {
        self.findings.get(&finding_key(audit, finding))
    }

    /// Every finding of `audit` with its result, in plan order.
    pub fn findings<'a>(
        &'a self,
        audit: &'a Audit,
    ) -> impl Iterator<Item = (&'a Finding, &'a FindingResult)> {
        audit
            .findings
            .iter()
            .filter_map(move |f| Some((f, self.finding(audit, f)?)))
    }

    /// An initiative's result, by its id.
    pub fn initiative(&self, id: &str) -> Option<&InitiativeResult> {
        self.initiatives.get(id)
    }

    /// A theme's figures, by its id.
    pub fn theme(&self, id: &str) -> Option<&themes::ThemeResult> {
        self.themes.get(id)
    }

    /// The first comparison about a subject (an initiative, say).
    pub fn comparison_of(
        &self,
        kind: compare::SubjectKind,
        id: &str,
    ) -> Option<&compare::Comparison> {
        self.comparisons
            .iter()
            .find(|c| c.subject_kind == kind && c.subject_id == id)
    }
}

/// The figures that depend only on the settings, the KPI and survey tables
/// and the themes, at one `as_of`: the costly part of [`compute`], which
/// `serve` carries from one build to the next while those files do not
/// change (see [`crate::cache`]).
#[derive(Debug, Clone)]
pub struct Rollups {
    as_of: Date,
    trend: Length,
    kpis: Vec<KpiSummary>,
    voc: voc::Voc,
    drivers: Vec<drivers::Driver>,
    themes: BTreeMap<String, themes::ThemeResult>,
}

impl Report {
    /// What a later [`compute_reusing`] may take over.
    pub fn rollups(&self) -> Rollups {
        Rollups {
            as_of: self.as_of,
            trend: self.trend,
            kpis: self.kpis.clone(),
            voc: self.voc.clone(),
            drivers: self.drivers.clone(),
            themes: self.themes.clone(),
        }
    }
}

pub fn compute(plan: &Plan) -> Report {
    compute_reusing(plan, None)
}

/// [`compute`], taking the figures of `rollups` instead of working them out
/// again when they are for the same `as_of` and trend period. The caller
/// vouches that the settings, tables and themes they came from are the
/// plan's.
pub fn compute_reusing(plan: &Plan, rollups: Option<Rollups>) -> Report {
    let data = &plan.data;
    let as_of = as_of(plan);
    let trend = Length::from(plan.config.trend);
    let rollups = rollups.filter(|r| r.as_of == as_of && r.trend == trend);
    let (kpis, surveyed) = match rollups {
        Some(r) => (Some(r.kpis), Some((r.voc, r.drivers, r.themes))),
        None => (None, None),
    };
    std::thread::scope(|scope| {
        // The survey figures need nothing from the KPIs: when they are to be
        // worked out, it is on another core meanwhile.
        let surveys = match surveyed {
            Some(figures) => Surveyed::Kept(figures),
            // Two pieces of about the same size: the themes take as long
            // as the scores and drivers together.
            None => Surveyed::Working(
                scope.spawn(|| {
                    (
                        voc::compute(&data.surveys, trend, as_of),
                        drivers::compute(&data.surveys, plan.config.attribute_scale, as_of),
                    )
                }),
                scope.spawn(|| themes::compute(&data.themes, &data.surveys, as_of)),
            ),
        };
        let kpis = kpis.unwrap_or_else(|| kpi_summaries(plan, as_of, trend));
        let findings = findings(plan);
        let key_results = key_results(plan, &kpis, as_of, trend);
        let comparisons = compare::all(plan, as_of);
        let initiatives = initiatives(plan, &comparisons);
        let mut alerts = alerts::thresholds(plan, &kpis, trend, as_of);
        alerts.extend(alerts::key_results(plan, &key_results));
        alerts.extend(alerts::stale(plan, trend, as_of));
        let settings = plan.config.follow_up;
        let detractors = r#loop::detractors(data.surveys.answers(), settings, as_of);
        let follow_up = data
            .follows_up
            .then(|| r#loop::compute(&detractors, &data.cases, settings, trend, as_of));
        if let Some(follow_up) = &follow_up {
            alerts.extend(alerts::cases_overdue(follow_up, settings));
        }
        let (voc, drivers, themes) = match surveys {
            Surveyed::Kept(figures) => figures,
            Surveyed::Working(scores, themes) => {
                let (voc, drivers) = crate::parallel::joined(scores);
                let themes = crate::parallel::joined(themes);
                let themes = data
                    .themes
                    .iter()
                    .zip(themes)
                    .map(|(t, r)| (t.id.clone(), r))
                    .collect();
                (voc, drivers, themes)
            }
        };
        alerts.extend(alerts::themes(&data.themes, &themes));
        alerts::sort(&mut alerts);
        Report {
            as_of,
            trend,
            kpis,
            voc,
            comparisons,
            alerts,
            drivers,
            follow_up,
            findings,
            key_results,
            initiatives,
            themes,
        }
    })
}

/// The survey figures of a report: taken over, or being worked out.
enum Surveyed<'s> {
    Kept(SurveyFigures),
    Working(
        std::thread::ScopedJoinHandle<'s, (voc::Voc, Vec<drivers::Driver>)>,
        std::thread::ScopedJoinHandle<'s, Vec<themes::ThemeResult>>,
    ),
}

type SurveyFigures = (
    voc::Voc,
    Vec<drivers::Driver>,
    BTreeMap<String, themes::ThemeResult>,
);

/// Every metric's series, in catalogue order, over both cores.
fn kpi_summaries(plan: &Plan, as_of: Date, trend: Length) -> Vec<KpiSummary> {
    let data = &plan.data;
    let mut kpis = Vec::with_capacity(data.metrics.len());
    crate::parallel::ordered(
        &data.metrics,
        |m| kpi::summarise(&data.kpis, m, trend, as_of),
        |summary| kpis.push(summary),
    );
    kpis
}

/// Each audit's findings against their targets and against the latest
/// earlier audit that has the same finding.
fn findings(plan: &Plan) -> BTreeMap<FindingKey, FindingResult> {
    let audits = &plan.data.audits;
    let mut out = BTreeMap::new();
    for (i, audit) in audits.iter().enumerate() {
        for f in &audit.findings {
            let (gap, status) = scoring::gap(f.target, f.current, f.direction);
            // Audits are in date order: the earlier ones come first.
            let previous = audits[..i].iter().rev().find_map(|a| {
                let same = a.findings.iter().find(|p| p.key() == f.key())?;
                Some((a.id.clone(), same.current))
            });
            let change = previous.as_ref().map(|(_, p)| f.current - p);
            let verdict = previous
                .as_ref()
                .map(|(_, p)| Verdict::of(f.current - p, *p, f.direction));
            let result = FindingResult {
                gap,
                status,
                previous,
                change,
                verdict,
            };
            out.insert(finding_key(audit, f), result);
        }
    }
    out
}

/// Every key result scored from its metric's series.
fn key_results(
    plan: &Plan,
    kpis: &[KpiSummary],
    as_of: Date,
    trend: Length,
) -> BTreeMap<(String, String), KrResult> {
    let data = &plan.data;
    let mut out = BTreeMap::new();
    for period in &data.okrs {
        for kr in period.objectives.iter().flat_map(|o| &o.key_results) {
            let metric = kr.metric.as_deref().and_then(|id| data.metric(id));
            let points = metric
                .map(|m| kpi::points_for(kpis, &data.kpis, m, &kr.filter, trend, as_of))
                .unwrap_or_default();
            let aggregate = metric.map_or(Aggregate::Mean, |m| m.aggregate);
            let result = key_results::score(kr, period.start, &points, aggregate, as_of);
            out.insert((period.id.clone(), kr.id.clone()), result);
        }
    }
    out
}

/// Each initiative's ROI, an estimate unless its before/after improved.
fn initiatives(
    plan: &Plan,
    comparisons: &[compare::Comparison],
) -> BTreeMap<String, InitiativeResult> {
    plan.data
        .initiatives
        .iter()
        .map(|i| {
            let improved = comparisons.iter().any(|c| {
                c.subject_kind == compare::SubjectKind::Initiative
                    && c.subject_id == i.id
                    && c.verdict == compare::Outcome::Improved
            });
            let roi = i
                .expected_value
                .zip(i.investment)
                .filter(|(_, cost)| *cost > 0.0)
                .map(|(value, cost)| (value - cost) / cost);
            let result = InitiativeResult {
                roi,
                roi_is_estimate: !improved,
            };
            (i.id.clone(), result)
        })
        .collect()
}

fn as_of(plan: &Plan) -> Date {
    if let Some(date) = plan.config.as_of {
        return date;
    }
    if let Some(date) = plan.data.latest_observation() {
        return date;
    }
    let d = &plan.data;
    let dates = d
        .audits
        .iter()
        .map(|a| a.date)
        .chain(d.okrs.iter().map(|o| o.start))
        .chain(d.sprints.iter().map(|s| s.start))
        .chain(
            d.flows
                .iter()
                .flat_map(|f| f.versions.iter().map(|v| v.date)),
        )
        .chain(d.initiatives.iter().map(|i| i.due));
    // A plan with no dates at all has nothing dated to show; any fixed date will do.
    dates.max().unwrap_or(jiff::civil::date(1970, 1, 1))
}
