//! The computed report: every figure the pages show, derived from the loaded
//! plan by pure functions (no I/O, no clock), so that the same plan always
//! gives the same numbers.

pub mod alerts;
pub mod compare;
pub mod drivers;
pub mod key_results;
pub mod kpi;
pub mod level;
pub mod periods;
pub mod scoring;
pub mod segmented;
pub mod series;
pub mod signals;

// The simulations' seeded generator, shared with the benchmarks and the fuzzer.
#[cfg(test)]
#[path = "../../examples/support/rng.rs"]
mod rng;
pub mod stats;
pub mod themes;
pub mod voc;

use jiff::civil::Date;

use crate::data::Aggregate;
use crate::plan::Plan;
pub use key_results::KrResult;
use kpi::{KpiSummary, Verdict};
use periods::Length;
use scoring::GapStatus;

/// Everything computed from a plan.
#[derive(Debug, Clone)]
pub struct Report {
    /// The date the report describes: `as_of` from the config, else the latest
    /// observation, else the latest date anywhere in the plan.
    pub as_of: Date,
    pub trend: Length,
    /// In catalogue order.
    pub kpis: Vec<KpiSummary>,
    /// Parallel to `data.audits`, then to each audit's findings.
    pub audits: Vec<Vec<FindingResult>>,
    /// Parallel to `data.okrs`, then objectives, then key results.
    pub okrs: Vec<Vec<Vec<KrResult>>>,
    pub voc: voc::Voc,
    /// Flow versions, then experiments, then initiatives, in plan order.
    pub comparisons: Vec<compare::Comparison>,
    /// Parallel to `data.initiatives`.
    pub initiatives: Vec<InitiativeResult>,
    /// Most severe first.
    pub alerts: Vec<alerts::Alert>,
    /// Parallel to `data.surveys.attributes`.
    pub drivers: Vec<drivers::Driver>,
    /// Parallel to `data.themes`.
    pub themes: Vec<themes::ThemeResult>,
}

/// An initiative's return on investment and, when it has a launch date and a
/// metric, whether the metric moved.
#[derive(Debug, Clone, PartialEq)]
pub struct InitiativeResult {
    /// (expected_value − investment) / investment.
    pub roi: Option<f64>,
    /// The ROI rests on an estimate: no before/after shows an improvement.
    pub roi_is_estimate: bool,
    /// Index into [`Report::comparisons`].
    pub comparison: Option<usize>,
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

pub fn compute(plan: &Plan) -> Report {
    let data = &plan.data;
    let as_of = as_of(plan);
    let trend = Length::from(plan.config.trend);
    // The survey figures need nothing from the KPIs: they are worked out on
    // another core meanwhile.
    std::thread::scope(|scope| {
        let surveys = scope.spawn(|| {
            (
                voc::compute(&data.surveys, trend, as_of),
                drivers::compute(&data.surveys, plan.config.attribute_scale, as_of),
                themes::compute(&data.themes, &data.surveys, as_of),
            )
        });
        let mut report = compute_kpis(plan, as_of, trend);
        // A panic there is a bug: it goes on as one here.
        let (voc, drivers, themes) = surveys
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        report.alerts.extend(alerts::themes(&data.themes, &themes));
        alerts::sort(&mut report.alerts);
        Report {
            voc,
            drivers,
            themes,
            ..report
        }
    })
}

/// Everything but the survey figures, which [`compute`] adds.
fn compute_kpis(plan: &Plan, as_of: Date, trend: Length) -> Report {
    let data = &plan.data;
    let mut kpis = Vec::with_capacity(data.metrics.len());
    crate::parallel::ordered(
        &data.metrics,
        |m| kpi::summarise(&data.kpis, m, trend, as_of),
        |summary| kpis.push(summary),
    );

    let mut audits = Vec::new();
    for (i, audit) in data.audits.iter().enumerate() {
        let results = audit
            .findings
            .iter()
            .map(|f| {
                let (gap, status) = scoring::gap(f.target, f.current, f.direction);
                let previous = data.audits[..i].iter().rev().find_map(|a| {
                    let same = a.findings.iter().find(|p| p.key() == f.key())?;
                    Some((a.id.clone(), same.current))
                });
                let change = previous.as_ref().map(|(_, p)| f.current - p);
                let verdict = previous
                    .as_ref()
                    .map(|(_, p)| Verdict::of(f.current - p, *p, f.direction));
                FindingResult {
                    gap,
                    status,
                    previous,
                    change,
                    verdict,
                }
            })
            .collect();
        audits.push(results);
    }

    let okrs: Vec<Vec<Vec<KrResult>>> = data
        .okrs
        .iter()
        .map(|period| {
            period
                .objectives
                .iter()
                .map(|o| {
                    o.key_results
                        .iter()
                        .map(|kr| {
                            let metric = kr.metric.as_deref().and_then(|id| data.metric(id));
                            let points = metric
                                .map(|m| {
                                    kpi::points_for(&kpis, &data.kpis, m, &kr.filter, trend, as_of)
                                })
                                .unwrap_or_default();
                            let aggregate = metric.map_or(Aggregate::Mean, |m| m.aggregate);
                            key_results::score(kr, period.start, &points, aggregate, as_of)
                        })
                        .collect()
                })
                .collect()
        })
        .collect();

    let comparisons = compare::all(plan, as_of);
    let initiatives = data
        .initiatives
        .iter()
        .map(|i| {
            let comparison = comparisons.iter().position(|c| {
                c.subject_kind == compare::SubjectKind::Initiative && c.subject_id == i.id
            });
            let improved =
                comparison.is_some_and(|c| comparisons[c].verdict == compare::Outcome::Improved);
            let roi = i
                .expected_value
                .zip(i.investment)
                .filter(|(_, cost)| *cost > 0.0)
                .map(|(value, cost)| (value - cost) / cost);
            InitiativeResult {
                roi,
                roi_is_estimate: !improved,
                comparison,
            }
        })
        .collect();

    let mut alerts = alerts::thresholds(plan, &kpis, trend, as_of);
    alerts.extend(alerts::key_results(plan, &okrs));
    alerts.extend(alerts::stale(plan, trend, as_of));

    Report {
        as_of,
        trend,
        kpis,
        audits,
        okrs,
        voc: voc::Voc::default(),
        comparisons,
        initiatives,
        alerts,
        drivers: Vec::new(),
        themes: Vec::new(),
    }
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
