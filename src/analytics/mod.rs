//! The computed report: every figure the pages show, derived from the loaded
//! plan by pure functions (no I/O, no clock), so that the same plan always
//! gives the same numbers.

pub mod drivers;
pub mod kpi;
pub mod periods;
pub mod scoring;
pub mod series;
pub mod stats;
pub mod themes;
pub mod voc;

use jiff::civil::Date;

use crate::Plan;
use kpi::{KpiSummary, Verdict};
use periods::{Length, Period};
use scoring::{GapStatus, KrStatus};

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

/// A key result scored at `as_of`.
#[derive(Debug, Clone, PartialEq)]
pub struct KrResult {
    pub current: Option<f64>,
    /// The trend period the current value comes from, when it comes from the data.
    pub period: Option<Period>,
    pub progress: Option<f64>,
    pub expected: f64,
    pub status: KrStatus,
}

pub fn compute(plan: &Plan) -> Report {
    let data = &plan.data;
    let as_of = as_of(plan);
    let trend = Length::from(plan.config.trend);
    let kpis = data
        .metrics
        .iter()
        .map(|m| kpi::summarise(&data.kpis, m, trend, as_of))
        .collect();

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

    let okrs = data
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
                            let from_data = kr
                                .metric
                                .as_deref()
                                .and_then(|id| data.metric(id))
                                .and_then(|m| {
                                    kpi::current(&data.kpis, m, &kr.filter, trend, as_of)
                                });
                            let current = kr.current.or(from_data.map(|(_, v)| v));
                            let progress =
                                current.map(|c| scoring::progress(kr.baseline, kr.target, c));
                            let expected = scoring::expected(period.start, kr.deadline, as_of);
                            KrResult {
                                current,
                                period: if kr.current.is_some() {
                                    None
                                } else {
                                    from_data.map(|(p, _)| p)
                                },
                                progress,
                                expected,
                                status: scoring::kr_status(progress, expected, kr.deadline, as_of),
                            }
                        })
                        .collect()
                })
                .collect()
        })
        .collect();

    Report {
        as_of,
        trend,
        kpis,
        audits,
        okrs,
        voc: voc::compute(&data.surveys, trend, as_of),
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
